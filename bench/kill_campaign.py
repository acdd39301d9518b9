"""Fault campaign, process: kill `nplv-monitor build` with SIGKILL at random moments.

    .venv/bin/python bench/kill_campaign.py --runs 20 [--seed 8] [--uitvoer DIR]

First one undisturbed build publishes edition A. Then, ``--runs`` times, a build is started and
killed with SIGKILL: half of the runs at a uniformly random moment of a whole build, half at a
random moment within 6 s after the publication step starts (the window that matters most; the
step takes about 3 s, so some kills land before the swap and some after). After
every kill it checks:

- the published file opens (DuckDB, read-only) and is byte for byte either the file published
  before the run or the vintage of a new edition (``edities/*.duckdb``) — never anything else;
- publication temporary files do not accumulate: at most the one the killed run left, and the
  next run removes it;
- every report file in ``rapportage/`` is whole (xlsx is a valid zip, html ends with </html>).

Finally an undisturbed build must succeed on the folder the kills left behind, and leave no
temporary file. Prints one line per run and a summary; exit code 1 if any check failed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
NPLV = REPO / ".venv" / "bin" / "nplv-monitor"
PUBLICATIE_START = "publicatie__nplv_monitor gestart"


def sha(pad: Path) -> str:
    return hashlib.sha256(pad.read_bytes()).hexdigest()


def tijdelijk(uit: Path) -> list[Path]:
    return sorted(
        p for m in (uit, uit / "edities") if m.is_dir() for p in m.iterdir()
        if p.name.startswith(".nplv_publicatie-")
    )  # fmt: skip


def rapporten_heel(uit: Path) -> list[str]:
    fouten = []
    for p in sorted((uit / "rapportage").glob("*")) if (uit / "rapportage").is_dir() else []:
        if p.suffix == ".xlsx" and not zipfile.is_zipfile(p):
            fouten.append(f"{p.name} is geen geldige xlsx")
        elif p.suffix == ".html" and not p.read_bytes().rstrip().endswith(b"</html>"):
            fouten.append(f"{p.name} is afgebroken html")
        elif p.suffix not in {".xlsx", ".html"}:
            fouten.append(f"onverwacht bestand {p.name}")
    return fouten


def opent(pad: Path) -> int:
    """Number of editions in the published file (opens it read-only as an analyst would)."""
    con = duckdb.connect(str(pad), read_only=True)
    try:
        return int(con.execute("select count(*) from publicatie.edities").fetchall()[0][0])
    finally:
        con.close()


def build(uit: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(NPLV), "build"],
        env={**os.environ, "NPLV_OUTPUT_DIR": str(uit)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def dood_na(proc: subprocess.Popen[str], wacht: float | None, na_publicatie: float | None) -> str:
    """Kill ``proc`` after ``wacht`` s, or ``na_publicatie`` s after the publication step starts.
    Returns what happened ("gedood na X s" or "klaar voor de kill")."""
    start = time.monotonic()
    gezien = threading.Event()

    def lees() -> None:
        assert proc.stdout is not None
        for regel in proc.stdout:
            if PUBLICATIE_START in regel:
                gezien.set()

    threading.Thread(target=lees, daemon=True).start()
    if wacht is not None:
        doel = start + wacht
    else:
        while not gezien.is_set() and proc.poll() is None:
            time.sleep(0.01)
        doel = time.monotonic() + (na_publicatie or 0.0)
    while time.monotonic() < doel and proc.poll() is None:
        time.sleep(0.005)
    if proc.poll() is not None:
        return f"klaar vóór de kill (code {proc.returncode})"
    os.killpg(proc.pid, signal.SIGKILL)  # the build and anything it started
    proc.wait()
    return f"SIGKILL na {time.monotonic() - start:5.1f} s"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--uitvoer", type=Path, default=None)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    uit = args.uitvoer or Path(tempfile.mkdtemp(prefix="nplv-kill-"))
    uit.mkdir(parents=True, exist_ok=True)
    doel = uit / "nplv_monitor.duckdb"

    t0 = time.monotonic()
    p = build(uit)
    p.communicate()
    duur = time.monotonic() - t0
    if p.returncode != 0 or not doel.exists():
        print("de eerste (ongestoorde) build faalde")
        return 1
    print(f"uitvoermap {uit}; eerste build {duur:.1f} s, editie A gepubliceerd")
    fouten: list[str] = []
    uitkomst = {"oud": 0, "nieuw": 0}
    for i in range(1, args.runs + 1):
        voor = sha(doel)
        if i % 2:
            hoe = dood_na(build(uit), rnd.uniform(0.5, duur), None)
        else:
            hoe = dood_na(build(uit), None, rnd.uniform(0.0, 6.0))
        run_fouten = []
        try:
            n = opent(doel)
        except duckdb.Error as exc:
            n = -1
            run_fouten.append(f"gepubliceerd bestand opent niet: {exc}")
        na = sha(doel)
        vintages = {sha(v) for v in (uit / "edities").glob("*.duckdb")}
        if na == voor:
            soort = "oud"
        elif na in vintages:
            soort = "nieuw"
        else:
            soort = "ANDERS"
            run_fouten.append("gepubliceerd bestand is niet de oude en niet een nieuwe editie")
        uitkomst[soort] = uitkomst.get(soort, 0) + 1
        tmp = tijdelijk(uit)
        if len(tmp) > 2:  # one file plus its vintage copy from the killed run at most
            run_fouten.append(f"{len(tmp)} tijdelijke bestanden: {[t.name for t in tmp]}")
        run_fouten += rapporten_heel(uit)
        fouten += [f"run {i}: {f}" for f in run_fouten]
        print(
            f"run {i:>2}: {hoe:<32} gepubliceerd = {soort:<6} edities {n:>3}  "
            f"tijdelijk {len(tmp)}  {'OK' if not run_fouten else 'FOUT: ' + '; '.join(run_fouten)}"
        )
    p = build(uit)
    uitvoer, _ = p.communicate()
    if p.returncode != 0:
        fouten.append("slotbuild na de kills faalt:\n" + uitvoer[-2000:])
    elif tijdelijk(uit):
        fouten.append(f"na de slotbuild nog tijdelijke bestanden: {tijdelijk(uit)}")
    else:
        print(f"slotbuild: geslaagd, {opent(doel)} edities, geen tijdelijke bestanden")
    print(
        f"\n{args.runs} kills: gepubliceerd bestand daarna oud {uitkomst['oud']}×, nieuwe editie "
        f"{uitkomst['nieuw']}×, anders {uitkomst.get('ANDERS', 0)}×; fouten: {len(fouten)}"
    )
    for f in fouten:
        print("  " + f)
    if args.uitvoer is None:
        shutil.rmtree(uit, ignore_errors=True)
    return 1 if fouten else 0


if __name__ == "__main__":
    sys.exit(main())
