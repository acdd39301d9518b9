#!/bin/sh
# The project's test command: lint, format check, type check, then the test suite.
# Run from the repository root inside the project's virtual environment (see README).
#
# pytest runs over the machine's cores with pytest-xdist (at most 4 workers: each worker builds
# the shared full build once, about 2 GB). Tests of one file stay on one worker (--dist
# loadfile), so a file's module fixtures are made once. NPLV_TESTPROCESSEN=0 runs in one
# process. The 25 slowest tests are listed at the end.
set -eu
cd "$(dirname "$0")/.."
BIN="${VIRTUAL_ENV:-.venv}/bin"
echo "== ruff check"; "$BIN/ruff" check .
echo "== ruff format --check"; "$BIN/ruff" format --check .
echo "== mypy"; "$BIN/mypy"
echo "== pytest"
"$BIN/pytest" -n "${NPLV_TESTPROCESSEN:-auto}" --maxprocesses 4 --dist loadfile --durations 25 "$@"
