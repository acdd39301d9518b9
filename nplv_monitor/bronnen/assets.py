"""Dagster assets of group ``bronnen``: one per external source, validated before writing."""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg

from nplv_monitor import materialisatie
from nplv_monitor.bronnen import leefbaarometer
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.db import WerkDatabase

GROEP = "bronnen"


@dg.asset(
    key=["bron", "leefbaarometer_wijk"],
    group_name=GROEP,
    kinds={"duckdb", "polars"},
    check_specs=[materialisatie.check_spec(["bron", "leefbaarometer_wijk"], "bron.leefbaarometer_wijk")],
)
def leefbaarometer_wijk(
    werkdb: WerkDatabase,
) -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
    """Leefbaarometer 3.0 wijkscores 2002–2022 op de wijkindeling 2022 (BZK/VRO, open data)."""
    snapshot = Snapshot()
    df = leefbaarometer.lees_wijkscores(snapshot)
    with werkdb.verbinding() as con:
        yield from materialisatie.valideer_en_schrijf(
            con,
            df,
            schema_naam="bron.leefbaarometer_wijk",
            doel="bron.leefbaarometer_wijk",
            bron=leefbaarometer.WIJK_CSV,
            extra_metadata={"sha256": snapshot.entry(leefbaarometer.WIJK_CSV).sha256},
        )
