# Two commands do everything on a fresh machine (see README.md):
#   make run   set up what is missing, then scan the library's folders (default: ~/Videos)
#   make test  set up what is missing, then run ruff, mypy and the whole test suite
.PHONY: run test setup

DIR ?=

setup:
	./scripts/setup.sh

run: setup
	.venv/bin/ver-desktop scan $(DIR)
	.venv/bin/ver-desktop list

test: setup
	./scripts/test.sh
