"""Benchmark: `nplv-monitor build` cold (fresh output folder) and again with nothing changed.

    .venv/bin/python bench/build.py [--runs 3]

Each run is a separate process (Dagster start-up included), so the figures are what a user waits.
Prints wall time and the process's peak RSS, median of ``--runs``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meting import REPO, machine, meet, regel

NPLV = REPO / ".venv" / "bin" / "nplv-monitor"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(machine())
    koud_t, koud_m, warm_t, warm_m = [], [], [], []
    for i in range(args.runs):
        uit = Path(tempfile.mkdtemp(prefix="nplv-bench-build-"))
        try:
            for soort, t, m in (("koud", koud_t, koud_m), ("ongewijzigd", warm_t, warm_m)):
                r = meet([str(NPLV), "build"], env={"NPLV_OUTPUT_DIR": str(uit)})
                if r.returncode != 0:
                    print(r.stdout[-3000:])
                    print(f"build ({soort}) faalde met code {r.returncode}")
                    return 1
                t.append(r.wall_s)
                m.append(r.peak_mb)
                print(f"  run {i + 1} {soort:<12} {r.wall_s:7.2f} s  piek {r.peak_mb:7.0f} MB")
        finally:
            shutil.rmtree(uit, ignore_errors=True)
    print(regel("build koud (verse uitvoermap)", koud_t))
    print(regel("build koud: piekgeheugen", koud_m, "MB"))
    print(regel("build opnieuw, niets gewijzigd", warm_t))
    print(regel("build opnieuw: piekgeheugen", warm_m, "MB"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
