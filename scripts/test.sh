#!/usr/bin/env bash
# Lint, type-check and run the whole test suite. "No tests collected" is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=.venv

"$VENV/bin/ruff" check ver_desktop tests benchmarks packaging docs scripts || exit 1
"$VENV/bin/mypy" || exit 1
"$VENV/bin/python" -m pytest "$@"
status=$?
if [ "$status" = 5 ]; then
    echo "test: pytest collected no tests; that is a failure, not a pass" >&2
    exit 1
fi
exit "$status"
