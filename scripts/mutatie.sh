#!/bin/sh
# Mutation testing of one core module with mutmut (slow; not part of CI).
#
#   sh scripts/mutatie.sh <module> <test file>...
#   sh scripts/mutatie.sh nplv_monitor/realisatie/getallen.py tests/test_realisatie_retouren_invoer.py
#
# Runs on the committed state (HEAD): the repository is cloned into a temporary folder, so the
# working tree, its uncommitted edits and its output/ are never touched, and mutmut's mutants/
# folder is not left behind. Only <module> is mutated; only the given (fast) test files run, and
# per mutant mutmut runs just the tests that executed the mutated function. Prints mutmut's result
# list and the score: killed / (killed + survived + timeout + suspicious) — "no tests" mutants are
# counted as survived. Set MUTATIE_BEWAAR=1 to keep the clone (`mutmut show <mutant>` there),
# MUTATIE_FUNCTIES="*aggregeer_indicator* *_status*" to mutate only those functions (mutant-name
# globs), MUTATIE_PROCESSEN=2 for two workers, MUTATIE_TIMEOUT_FACTOR=60 on a busy machine.
# NPLV_MUTATIE=1 is set for the tests: property tests then draw fewer examples (every surviving
# mutant runs them all).
#
# Timeouts are re-checked in a fresh process: mutmut runs each mutant in a forked child, where a
# polars call can hang (its thread pool does not survive fork; see process_isolation below) or a
# starved process on a loaded machine can run out of time while the tests would fail. Each timeout is
# run once more in a fresh process (python -m pytest on the same test files, MUTANT_UNDER_TEST
# set, at most MUTATIE_HERCONTROLE_S seconds, default 120): failing tests make it "killed
# (hercontrole)", passing tests "survived (hercontrole)", a second timeout keeps it a timeout.
set -eu
if [ $# -lt 2 ]; then
    echo "gebruik: sh scripts/mutatie.sh <module.py> <testbestand>..." >&2
    exit 2
fi
REPO="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${VIRTUAL_ENV:-$REPO/.venv}/bin"
MODULE="$1"
shift
WERK="$(mktemp -d "${TMPDIR:-/tmp}/nplv-mutatie.XXXXXX")"
if [ "${MUTATIE_BEWAAR:-0}" != 1 ]; then
    trap 'rm -rf "$WERK"' EXIT
fi
git clone -q --no-hardlinks "$REPO" "$WERK/nplv"
cd "$WERK/nplv"
# mutmut reads [mutmut] from setup.cfg when pyproject.toml has no [tool.mutmut]; written into the
# throw-away clone only. The whole package is copied into mutants/ (so every other module is
# importable from there), only MODULE is mutated; assets/ and schemas/ are found relative to the
# package (config.PROJECT_ROOT), so they are copied next to it.
{
    echo "[mutmut]"
    echo "source_paths = nplv_monitor"
    echo "only_mutate = $MODULE"
    echo "also_copy ="
    echo "    assets"
    echo "    schemas"
    echo "    docs"
    echo "pytest_add_cli_args_test_selection ="
    for t in "$@"; do echo "    $t"; done
    # A mutant whose tests take longer than this many times their unmutated time (+1 s) counts
    # as a timeout; on a loaded machine nearly every polars mutant did (raise it there).
    echo "timeout_multiplier = ${MUTATIE_TIMEOUT_FACTOR:-15}"
    # Fork each mutant from a server process that has collected the tests, not from the main
    # process after the stats run: there polars' thread pool is already started, and it does not
    # survive fork (polars mutants then hung until their timeout; POLARS_MAX_THREADS=1 does not
    # help, the one worker thread is lost too). A test module that runs a polars join, sort or
    # group-by at import would start the pool in the server as well: keep module-level frames to
    # small ones built from rows (that starts no pool). What still times out, e.g. a starved
    # mutant on a loaded machine, the re-check below sorts out.
    echo "process_isolation = forkserver"
    echo "pytest_add_cli_args ="
    echo "    -p"
    echo "    no:cacheprovider"
    echo "    -x"
    echo "    -q"
} >setup.cfg
echo "== mutmut: $MODULE ${MUTATIE_FUNCTIES:-} tegen $* (clone van $(git rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ))"
# shellcheck disable=SC2086 # MUTATIE_FUNCTIES is a list of globs, split on purpose
NPLV_MUTATIE=1 nice -n 15 "$BIN/mutmut" run --max-children "${MUTATIE_PROCESSEN:-1}" ${MUTATIE_FUNCTIES:-} >mutmut.log 2>&1 || {
    tail -c 4000 mutmut.log
    exit 1
}
grep -o "[0-9.]* mutations/second" mutmut.log || true
"$BIN/mutmut" results --all true >resultaten.txt 2>&1 || true
"$BIN/python" - resultaten.txt "$BIN/python" "${MUTATIE_HERCONTROLE_S:-120}" "$@" <<'EOF'
import collections
import os
import subprocess
import sys

resultaten, python, limiet, *testbestanden = sys.argv[1:]
uitslag = {}
for regel in open(resultaten, encoding="utf-8"):
    if ": " in regel:
        naam, status = regel.strip().rsplit(": ", 1)
        uitslag[naam] = status
for naam, status in uitslag.items():
    if status != "timeout":
        continue
    try:
        rc = subprocess.run(
            ["nice", "-n", "15", python, "-m", "pytest", "-p", "no:cacheprovider", "-x", "-q",
             *testbestanden],
            cwd="mutants",
            env={**os.environ, "MUTANT_UNDER_TEST": naam, "NPLV_MUTATIE": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=float(limiet),
        ).returncode
    except subprocess.TimeoutExpired:
        rc = None
    if rc == 1:
        uitslag[naam] = "killed (hercontrole)"
    elif rc == 0:
        uitslag[naam] = "survived (hercontrole)"
for naam, status in uitslag.items():
    if status not in {"killed", "not checked"}:
        print(f"    {naam}: {status}")
tel = collections.Counter(uitslag.values())
gedood = tel["killed"] + tel["killed (hercontrole)"]
totaal = sum(n for s, n in tel.items() if s not in {"skipped", "not checked", "caught by type check"})
print("== uitslagen:", dict(tel))
print(f"== score: {gedood}/{totaal} gedood = {100 * gedood / max(totaal, 1):.1f}%")
EOF
