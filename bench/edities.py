"""Storage per edition: N builds of unchanged inputs, then N builds with one changed input each.

    .venv/bin/python bench/edities.py --n 20 [--uit /tmp/edities_bench]

Every build is a real `nplv-monitor build` (a subprocess) on a private copy of the snapshot and a
private output folder. A changed build first changes one Leefbaarometer wijk score in the copy
(the next row each time, +0.001) and records the file's new sha256 in the copy's manifest.
After each build it prints the size of the output folder and its parts, the number of editions
and the rows of the value history. Targets (issue 13): the unchanged builds leave the output at
≤ 1.2 × one build; the changed builds grow with the changed values, not with the file.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from nplv_monitor.bronnen.snapshot import Snapshot, sha256_bestand
from nplv_monitor.config import ASSETS_DIR

LBM_WIJK = "leefbaarometer/wijkscores_2002-2022.csv"


def _grootte(p: Path) -> int:
    if p.is_file():
        return p.stat().st_size
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def _mb(n: int) -> str:
    return f"{n / 1e6:8.1f}"


def _wijzig_waarde(snapshot: Path, rij: int) -> None:
    """Add 0.001 to the lbm score (4th column) of data row ``rij`` and register the new hash."""
    pad = snapshot / LBM_WIJK
    regels = pad.read_text(encoding="utf-8").splitlines(keepends=True)
    velden = regels[rij].split(",")
    velden[3] = repr(float(velden[3]) + 0.001)
    regels[rij] = ",".join(velden)
    pad.write_text("".join(regels), encoding="utf-8")
    snap = Snapshot(snapshot)
    snap.werk_manifest_bij([dataclasses.replace(snap.entry(LBM_WIJK), sha256=sha256_bestand(pad))])


def _build(uit: Path, snapshot: Path, log: Path) -> float:
    env = {**os.environ, "NPLV_OUTPUT_DIR": str(uit), "NPLV_SNAPSHOT_DIR": str(snapshot)}
    start = time.monotonic()
    with open(log, "a", encoding="utf-8") as f:
        r = subprocess.run(
            [str(Path(sys.executable).parent / "nplv-monitor"), "build"],
            env=env,
            stdout=f,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if r.returncode != 0:
        raise SystemExit(f"build faalde (exitcode {r.returncode}); zie {log}")
    return time.monotonic() - start


def _edities(uit: Path) -> tuple[int, int]:
    with duckdb.connect(str(uit / "nplv_monitor.duckdb"), read_only=True) as con:
        n = con.sql("SELECT count(*) FROM publicatie.edities").fetchall()[0][0]
        w = con.sql("SELECT count(*) FROM publicatie.indicatorwaarden_wijzigingen").fetchall()
    return int(n), int(w[0][0])


def _regel(soort: str, i: int, uit: Path, duur: float) -> str:
    n, w = _edities(uit)
    return (
        f"{soort:<11} {i:>3} {_mb(_grootte(uit))} {_mb(_grootte(uit / 'nplv_monitor.duckdb'))} "
        f"{_mb(_grootte(uit / 'edities'))} {_mb(_grootte(uit / 'rapportage'))} "
        f"{_mb(_grootte(uit / '.werk'))} {n:>7} {w:>10} {duur:7.0f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20, help="builds per soort (standaard 20)")
    ap.add_argument("--uit", type=Path, default=None, help="werkmap (standaard een tijdelijke)")
    args = ap.parse_args()
    basis = args.uit or Path(tempfile.mkdtemp(prefix="nplv_edities_bench-"))
    snapshot, uit, log = basis / "snapshot", basis / "output", basis / "builds.log"
    if snapshot.exists():
        shutil.rmtree(snapshot)
    shutil.copytree(ASSETS_DIR / "snapshot", snapshot)
    shutil.rmtree(uit, ignore_errors=True)
    print(f"werkmap {basis}; log {log}")
    print(
        "soort         # output_MB bestand_MB edities_MB rapport_MB  werk_MB edities "
        "waarderijen  duur_s"
    )
    print(_regel("eerste", 1, uit, _build(uit, snapshot, log)), flush=True)
    for i in range(1, args.n + 1):
        print(_regel("ongewijzigd", i, uit, _build(uit, snapshot, log)), flush=True)
    for i in range(1, args.n + 1):
        _wijzig_waarde(snapshot, i)
        print(_regel("gewijzigd", i, uit, _build(uit, snapshot, log)), flush=True)


if __name__ == "__main__":
    main()
