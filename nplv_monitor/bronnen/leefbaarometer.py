"""Leefbaarometer 3.0 scores in the open-data layout (one CSV per level).

Offline the CSVs are read from the snapshot; see ``LeefbaarometerBron`` for the levels.
"""

from __future__ import annotations

import polars as pl

from nplv_monitor.bronnen.snapshot import Snapshot

WIJK_CSV = "leefbaarometer/wijkscores_2002-2022.csv"

_WIJK_TYPES = {
    "wk_code": pl.Utf8,
    "wk_naam": pl.Utf8,
    "jaar": pl.Int64,
    "lbm": pl.Float64,
    "afw": pl.Float64,
    "fys": pl.Float64,
    "onv": pl.Float64,
    "soc": pl.Float64,
    "vrz": pl.Float64,
    "won": pl.Float64,
}


def lees_wijkscores(snapshot: Snapshot) -> pl.DataFrame:
    """All wijken on the 2022 wijk indeling, 2002–2022 (dimensions are NA before 2018 bar 2014)."""
    return snapshot.csv(WIJK_CSV, schema_overrides=_WIJK_TYPES, null_values=["NA", ""])
