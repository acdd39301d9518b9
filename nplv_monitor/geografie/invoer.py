"""The source frames the geography needs, normalised to plain column names.

Read from the verified snapshot. The bron.* tables carry the same values, but the 2020 region
*names* (the 84799NED WijkenEnBuurten dimension) are not among them, so the whole input comes from
one place: the snapshot, read through :class:`~nplv_monitor.bronnen.snapshot.Snapshot` (sha256
checked against the manifest).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from nplv_monitor.bronnen.snapshot import Snapshot

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


def _strip(kolom: str) -> pl.Expr:
    return pl.col(kolom).str.strip_chars()


def uit_snapshot(snapshot: Snapshot | None = None) -> Invoer:
    snap = snapshot or Snapshot()
    kwb = snap.parquet(KWB_2020).select(
        _strip("Codering_3").alias("code"),
        pl.col("AantalInwoners_5").cast(pl.Int64).alias("inwoners"),
    )
    namen_2020 = snap.parquet(REGIO_2020).select(
        _strip("Key").alias("code"),
        _strip("Title").alias("naam"),
        _strip("Municipality").alias("gemeentecode"),
    )
    regio_2020 = namen_2020.join(kwb, on="code", how="left", validate="1:1")
    regio_2024 = snap.parquet(REGIO_2024).select(
        _strip("Key").alias("code"),
        _strip("Title").alias("naam"),
        _strip("Municipality").alias("gemeentecode"),
    )
    inwoners_2024 = snap.parquet(BEVOLKING_2024).select(
        _strip("nhood_id").alias("buurtcode"),
        pl.col("population").cast(pl.Int64).alias("inwoners"),
    )
    wijken_2022 = (
        snap.csv(WIJKEN_2022, columns=["wk_code", "wk_naam"], infer_schema=False)
        .select(_strip("wk_code").alias("wijkcode"), _strip("wk_naam").alias("wijknaam"))
        .unique(subset="wijkcode", keep="last", maintain_order=True)
    )
    gepubliceerd = snap.csv(GEPUBLICEERD, infer_schema=False).select(
        _strip("gebied").alias("gebied"),
        _strip("gemeentecode").alias("gemeentecode"),
        (pl.col("inwoners_2025_x1000").cast(pl.Int64) * 1000).alias("inwoners_2025"),
    )
    return Invoer(regio_2020, regio_2024, inwoners_2024, wijken_2022, gepubliceerd)
