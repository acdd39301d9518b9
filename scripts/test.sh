#!/bin/sh
# The project's test command: lint, format check, type check, then the test suite.
# Run from the repository root inside the project's virtual environment (see README).
set -eu
cd "$(dirname "$0")/.."
BIN="${VIRTUAL_ENV:-.venv}/bin"
echo "== ruff check"; "$BIN/ruff" check .
echo "== ruff format --check"; "$BIN/ruff" format --check .
echo "== mypy"; "$BIN/mypy"
echo "== pytest"; "$BIN/pytest" "$@"
