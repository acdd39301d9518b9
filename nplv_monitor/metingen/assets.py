"""Dagster assets of group ``metingen``: the long table of all source values."""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg

from nplv_monitor import materialisatie
from nplv_monitor.bronnen import register
from nplv_monitor.db import WerkDatabase
from nplv_monitor.indicatoren.catalogus import laad_catalogus
from nplv_monitor.metingen import bouw, bronframes

GROEP = "metingen"
Resultaat = Iterator[dg.AssetCheckResult | dg.MaterializeResult]


def _bron_deps() -> list[dg.AssetKey]:
    """The bron assets the registry's metingen blocks read (plus KWB and the metadata)."""
    # bron.herkomst is written by every bron asset along with its table: not an asset itself.
    namen = [register.KWB, "cbs_dataproperties", *bronframes.benodigde_tabellen()]
    return [dg.AssetKey(["bron", t]) for t in dict.fromkeys(namen)]


BRON_DEPS = _bron_deps()
METINGEN_KEY = dg.AssetKey(["metingen", "metingen"])
BRONVARIABELEN_KEY = dg.AssetKey(["metingen", "bronvariabelen"])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            METINGEN_KEY,
            group_name=GROEP,
            kinds={"duckdb", "polars"},
            deps=BRON_DEPS,
            description="Alle bronwaarden in één lange tabel (begrip, regio, peiljaar, waarde, basis, optelbaar aantal, herkomst).",
        ),
        dg.AssetSpec(
            BRONVARIABELEN_KEY,
            group_name=GROEP,
            kinds={"duckdb", "polars"},
            deps=BRON_DEPS,
            description="Per brontabel en begrip de sleutel van dat jaar en hoeveel regio's een waarde hebben.",
        ),
    ],
    check_specs=[
        materialisatie.check_spec(METINGEN_KEY, "metingen.metingen"),
        materialisatie.check_spec(BRONVARIABELEN_KEY, "metingen.bronvariabelen"),
    ],
)
def metingen(werkdb: WerkDatabase) -> Resultaat:
    """Bouwt metingen.metingen en metingen.bronvariabelen uit de bron.*-tabellen."""
    with werkdb.verbinding() as con:
        m = bouw.bouw_metingen(bronframes.uit_database(con), laad_catalogus())
        yield from materialisatie.valideer_en_schrijf_alle(
            con,
            [
                materialisatie.Tabel(
                    m.metingen, "metingen.metingen", "metingen.metingen", METINGEN_KEY
                ),
                materialisatie.Tabel(
                    m.bronvariabelen,
                    "metingen.bronvariabelen",
                    "metingen.bronvariabelen",
                    BRONVARIABELEN_KEY,
                ),
            ],
        )
