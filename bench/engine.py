"""Benchmark: the indicator engine on every CBS region, all years, all indicators; then 10× and
100× the regions (copies of the real data under new codes, see _engine_invoer.py).

    .venv/bin/python bench/engine.py [--schaal 1 10 100] [--runs 3]
    .venv/bin/python bench/engine.py --schaal 1 --bewaar /tmp/engine_vorige.parquet   # old engine
    .venv/bin/python bench/engine.py --schaal 1 --vergelijk /tmp/engine_vorige.parquet  # new one

Each scale runs in its own child process so its peak RSS is its own. Timed: the membership of
every region (lidmaatschap) and the aggregation of all indicators (aggregeer), i.e. the engine
from metingen to values; reading and replicating the input is not timed. Median of ``--runs``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meting import PYTHON, machine, meet

CACHE = Path(tempfile.gettempdir()) / "nplv-bench" / "metingen.parquet"


def kind(schaal: int, runs: int, keuze: str, bewaar: Path | None, vergelijk: Path | None) -> None:
    import _engine_invoer as ei
    import polars as pl

    cat = ei.catalogus(keuze)
    basis = ei.metingen_uit_snapshot(CACHE)
    if keuze != "alle":
        basis = ei.alleen_nodig(basis, cat)
    m = ei.vermenigvuldig(basis, schaal)
    tijden, uit = [], None
    for _ in range(runs):
        t = time.perf_counter()
        lid = ei.engine_lid(m)
        uit = ei.engine_alle(m, lid, cat)
        tijden.append(time.perf_counter() - t)
    assert uit is not None
    gelijk = None
    if schaal == 1 and bewaar is not None:
        uit.write_parquet(bewaar)
    if schaal == 1 and vergelijk is not None:
        gelijk = ei.vergelijk_met(uit, vergelijk)
    print(
        json.dumps(
            {
                "schaal": schaal,
                "indicatoren": len(cat.van_familie("context", "gebiedseffect")),
                "metingen_rijen": m.height,
                "regio_s": lid["gebied_code"].n_unique(),
                "uitvoer_rijen": uit.height,
                "ok": uit.filter(pl.col("status") == "ok").height,
                "tijden_s": tijden,
                "piek_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "gelijk_rijen": gelijk,
            }
        )
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--schaal", type=int, nargs="+", default=[1, 10, 100])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--indicatoren",
        choices=["alle", "kern"],
        default="alle",
        help="alle = the whole catalogue; kern = one KWB indicator per measure (fits 100×)",
    )
    ap.add_argument("--bewaar", type=Path, help="write the output at scale 1 to this parquet file")
    ap.add_argument(
        "--vergelijk",
        type=Path,
        help="assert the output at scale 1 equal on every row to this file (--bewaar of before)",
    )
    ap.add_argument("--kind", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    extra = []
    for naam in ("bewaar", "vergelijk"):
        if getattr(args, naam) is not None:
            extra += [f"--{naam}", str(getattr(args, naam).resolve())]
    if args.kind is not None:
        kind(args.kind, args.runs, args.indicatoren, args.bewaar, args.vergelijk)
        return 0
    import _engine_invoer as ei

    ei.metingen_uit_snapshot(CACHE)  # build the cache once, outside the timed children
    print(machine())
    basis = None
    print(f"indicatoren: {args.indicatoren}")
    print(f"{'schaal':>6} {'metingen':>12} {'regio’s':>9} {'uitvoer':>11} "
          f"{'mediaan s':>10} {'min s':>8} {'piek MB':>8} {'s / 1×':>7}")  # fmt: skip
    for schaal in args.schaal:
        r = meet(
            [str(PYTHON), __file__, "--kind", str(schaal), "--runs", str(args.runs),
             "--indicatoren", args.indicatoren, *extra]
        )  # fmt: skip
        if r.returncode != 0:
            print(r.stdout[-3000:])
            return 1
        d = json.loads(r.stdout.strip().splitlines()[-1])
        med = sorted(d["tijden_s"])[len(d["tijden_s"]) // 2]
        basis = basis or med
        print(
            f"{schaal:>5}× {d['metingen_rijen']:>12,} {d['regio_s']:>9,} {d['uitvoer_rijen']:>11,} "
            f"{med:>10.2f} {min(d['tijden_s']):>8.2f} {max(d['piek_mb'], r.peak_mb):>8.0f} "
            f"{med / basis:>7.1f}"
        )
        if d["gelijk_rijen"] is not None:
            print(f"       gelijk aan {args.vergelijk}: alle {d['gelijk_rijen']:,} rijen")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
