"""The source frames the geography needs, normalised to plain column names.

Two readers give the same :class:`Invoer`: ``uit_werkdb`` reads the bron.* tables of the working
DuckDB file (what the Dagster assets use, so lineage shows in the UI), ``uit_snapshot`` reads the
verified snapshot directly (CLI, unit tests). The 2020 region *names* (the 84799NED
WijkenEnBuurten dimension) are not in any bron table, so both take them from the snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from nplv_monitor.bronnen.cbs import strip_opvulling
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.db import lees

KWB_2020 = "cbs/84799NED/TypedDataSet.parquet"
REGIO_2020 = "cbs/84799NED/WijkenEnBuurten.parquet"
REGIO_2024 = "cbs/47018NED/WijkenEnBuurten.parquet"
BEVOLKING_2024 = "cbs/85984NED/extract_bevolking_buurt_2024.parquet"
WIJKEN_2022 = "leefbaarometer/wijkscores_2002-2022.csv"
GEPUBLICEERD = "nplv/gebieden.csv"

BRON_2020 = "CBS 84799NED Kerncijfers wijken en buurten 2020"
BRON_2022 = "Leefbaarometer 3.0 wijkscores 2002-2022 (wijkindeling 2022)"
BRON_2024 = "CBS/Politie 47018NED WijkenEnBuurten (indeling 2024)"


@dataclass(frozen=True)
class Invoer:
    """Normalised inputs (codes stripped of CBS padding)."""

    #: code, naam, gemeentecode, inwoners (1-1-2020; null where CBS suppressed the value)
    regio_2020: pl.DataFrame
    #: code, naam, gemeentecode
    regio_2024: pl.DataFrame
    #: buurtcode, inwoners (1-1-2024)
    inwoners_2024: pl.DataFrame
    #: wijkcode, wijknaam
    wijken_2022: pl.DataFrame
    #: gebied, gemeentecode, inwoners_2025 (persons, published x1000 times 1000)
    gepubliceerd: pl.DataFrame


def _namen_2020(snap: Snapshot) -> pl.DataFrame:
    return strip_opvulling(snap.parquet(REGIO_2020)).select(
        pl.col("Key").alias("code"),
        pl.col("Title").alias("naam"),
        pl.col("Municipality").alias("gemeentecode"),
    )


def uit_snapshot(snapshot: Snapshot | None = None) -> Invoer:
    snap = snapshot or Snapshot()
    kwb = strip_opvulling(snap.parquet(KWB_2020)).select(
        pl.col("Codering_3").alias("code"),
        pl.col("AantalInwoners_5").cast(pl.Int64).alias("inwoners"),
    )
    regio_2020 = _namen_2020(snap).join(kwb, on="code", how="left", validate="1:1")
    regio_2024 = strip_opvulling(snap.parquet(REGIO_2024)).select(
        pl.col("Key").alias("code"),
        pl.col("Title").alias("naam"),
        pl.col("Municipality").alias("gemeentecode"),
    )
    inwoners_2024 = strip_opvulling(snap.parquet(BEVOLKING_2024)).select(
        pl.col("nhood_id").alias("buurtcode"),
        pl.col("population").cast(pl.Int64).alias("inwoners"),
    )
    wijken_2022 = (
        strip_opvulling(
            snap.csv(WIJKEN_2022, columns=["wk_code", "wk_naam", "jaar"], infer_schema=False)
        )
        .select(
            pl.col("wk_code").alias("wijkcode"),
            pl.col("wk_naam").alias("wijknaam"),
            pl.col("jaar").cast(pl.Int64),
        )
        # The name of the latest measurement year (names are stable in the file; this makes it
        # deterministic).
        .sort("wijkcode", "jaar")
        .unique(subset="wijkcode", keep="last", maintain_order=True)
        .select("wijkcode", "wijknaam")
    )
    gepubliceerd = strip_opvulling(snap.csv(GEPUBLICEERD, infer_schema=False)).select(
        pl.col("gebied").alias("gebied"),
        pl.col("gemeentecode").alias("gemeentecode"),
        (pl.col("inwoners_2025_x1000").cast(pl.Int64) * 1000).alias("inwoners_2025"),
    )
    return Invoer(regio_2020, regio_2024, inwoners_2024, wijken_2022, gepubliceerd)


#: The bron tables ``uit_werkdb`` reads (asset keys ``["bron", <tabel>]``; KWB is ``bron/kwb``).
BRON_TABELLEN = (
    "kwb_2020",
    "misdrijven_regio_2024",
    "bevolking_buurt_2024",
    "leefbaarometer_wijk",
    "nplv_gebieden",
)


def uit_werkdb(con: duckdb.DuckDBPyConnection, snapshot: Snapshot | None = None) -> Invoer:
    """The same inputs from the bron.* tables (codes there are already stripped of padding)."""
    snap = snapshot or Snapshot()
    kwb = lees(
        con,
        'select "Codering_3" as code, cast("AantalInwoners_5" as bigint) as inwoners '
        "from bron.kwb_2020",
    )
    regio_2020 = _namen_2020(snap).join(kwb, on="code", how="left", validate="1:1")
    regio_2024 = lees(
        con,
        'select "Key" as code, "Title" as naam, "Municipality" as gemeentecode '
        "from bron.misdrijven_regio_2024",
    )
    inwoners_2024 = lees(
        con, "select buurtcode, cast(inwoners as bigint) as inwoners from bron.bevolking_buurt_2024"
    )
    wijken_2022 = (
        lees(
            con,
            "select wk_code as wijkcode, wk_naam as wijknaam, jaar from bron.leefbaarometer_wijk",
        )
        .sort("wijkcode", "jaar")
        .unique(subset="wijkcode", keep="last", maintain_order=True)
        .select("wijkcode", "wijknaam")
    )
    gepubliceerd = lees(
        con,
        "select gebied, gemeentecode, inwoners_2025_x1000 * 1000 as inwoners_2025 "
        "from bron.nplv_gebieden",
    )
    return Invoer(regio_2020, regio_2024, inwoners_2024, wijken_2022, gepubliceerd)
