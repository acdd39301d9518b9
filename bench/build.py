"""Benchmark: `nplv-monitor build` cold (fresh output folder), again with nothing changed, and
(``--gewijzigd``) again after one Leefbaarometer wijk score changed.

    .venv/bin/python bench/build.py [--runs 3] [--gewijzigd]

Each build is a separate process (Python, Dagster and every stage imported, the definitions
made), so the figures are what a user waits. Prints wall time and the process's peak RSS per
build with the load average before it, and the medians over ``--runs``. The unchanged rebuild
must say "Niets veranderd" (no run), the changed one must redo bron/leefbaarometer_wijk, or the
script stops: a figure is only printed for the situation it claims to measure.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meting import REPO, machine, meet, regel

sys.path.insert(0, str(REPO))
from nplv_monitor.bronnen.leefbaarometer import WIJK_CSV
from nplv_monitor.bronnen.snapshot import Snapshot, sha256_bestand
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR

NPLV = REPO / ".venv" / "bin" / "nplv-monitor"
SOORTEN = ("koud", "ongewijzigd", "gewijzigd")


def wijzig_wijkscore(snapshot_map: Path, stap: int) -> None:
    """Add 0.001 × stap to the first wijk score of the Leefbaarometer file in a private snapshot
    copy, and record the new sha256 in its manifest."""
    pad = snapshot_map / WIJK_CSV
    regels = pad.read_text(encoding="utf-8").splitlines(keepends=True)
    kop = regels[0].rstrip("\n").split(",")
    velden = regels[1].rstrip("\n").split(",")
    i = kop.index("lbm")
    velden[i] = repr(float(velden[i]) + 0.001 * stap)
    regels[1] = ",".join(velden) + "\n"
    pad.write_text("".join(regels), encoding="utf-8")
    snap = Snapshot(snapshot_map)
    snap.werk_manifest_bij([dataclasses.replace(snap.entry(WIJK_CSV), sha256=sha256_bestand(pad))])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--gewijzigd", action="store_true", help="meet ook een bouw na één gewijzigd bronbestand"
    )
    args = ap.parse_args()
    print(machine())
    tijden: dict[str, list[float]] = {s: [] for s in SOORTEN}
    geheugen: dict[str, list[float]] = {s: [] for s in SOORTEN}
    for i in range(args.runs):
        tmp = Path(tempfile.mkdtemp(prefix="nplv-bench-build-"))
        snapshot = tmp / "snapshot"
        shutil.copytree(DEFAULT_SNAPSHOT_DIR, snapshot)
        env = {"NPLV_OUTPUT_DIR": str(tmp / "output"), "NPLV_SNAPSHOT_DIR": str(snapshot)}
        os.environ.pop("DAGSTER_HOME", None)  # the instance under the fresh output folder
        try:
            for soort in SOORTEN[: 3 if args.gewijzigd else 2]:
                if soort == "gewijzigd":
                    wijzig_wijkscore(snapshot, i + 1)
                load = os.getloadavg()[0]
                r = meet([str(NPLV), "build"], env=env)
                if r.returncode != 0:
                    print(r.stdout[-3000:])
                    print(f"build ({soort}) faalde met code {r.returncode}")
                    return 1
                if soort == "ongewijzigd" and "Niets veranderd" not in r.stdout:
                    print(r.stdout[-3000:])
                    print("de ongewijzigde herbouw bouwde toch iets")
                    return 1
                if soort == "gewijzigd" and "bron__leefbaarometer_wijk klaar" not in r.stdout:
                    print(r.stdout[-3000:])
                    print("de bouw na de wijziging deed bron/leefbaarometer_wijk niet opnieuw")
                    return 1
                tijden[soort].append(r.wall_s)
                geheugen[soort].append(r.peak_mb)
                klaar = [x for x in r.stdout.splitlines() if x.startswith("Klaar:")]
                print(
                    f"  run {i + 1} {soort:<12} {r.wall_s:7.2f} s  piek {r.peak_mb:7.0f} MB  "
                    f"(load {load:.1f})  {klaar[0] if klaar else ''}"
                )
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print(regel("build koud (verse uitvoermap)", tijden["koud"]))
    print(regel("build koud: piekgeheugen", geheugen["koud"], "MB"))
    print(regel("build opnieuw, niets gewijzigd", tijden["ongewijzigd"]))
    print(regel("build opnieuw: piekgeheugen", geheugen["ongewijzigd"], "MB"))
    if args.gewijzigd:
        print(regel("build na één gewijzigde wijkscore", tijden["gewijzigd"]))
        print(regel("build na wijziging: piekgeheugen", geheugen["gewijzigd"], "MB"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
