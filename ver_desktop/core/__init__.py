"""The analysis engine. It never imports Qt (tests/test_core_has_no_qt.py enforces it)."""
