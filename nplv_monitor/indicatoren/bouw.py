"""Glue between the stored tables and the pure engine: frames in, frames out."""

from __future__ import annotations

import polars as pl

from nplv_monitor.indicatoren import lidmaatschap
from nplv_monitor.indicatoren.catalogus import Catalogus
from nplv_monitor.indicatoren.engine import waarden

#: A wijk of the 2022 indeling counts for an area when at least half its inhabitants live there
#: (ref.gebied_wijken.aandeel_inwoners); wijk-level scores cannot be split.
WIJK_AANDEEL_DREMPEL = 0.5


def lidmaatschap_van(
    metingen: pl.DataFrame,
    gebieden: pl.DataFrame | None,
    gebied_buurten: pl.DataFrame | None,
    gebied_wijken: pl.DataFrame | None,
) -> pl.DataFrame:
    eenheden = metingen.filter(
        pl.col("regio_soort").is_in(["buurt", "wijk"]) & pl.col("indelingsjaar").is_not_null()
    ).select("indelingsjaar", "regiocode")
    cbs = lidmaatschap.cbs_hierarchie(eenheden)
    if gebieden is None or gebied_buurten is None:
        return cbs
    wijken = None
    if gebied_wijken is not None:
        wijken = gebied_wijken.filter(pl.col("aandeel_inwoners") >= WIJK_AANDEEL_DREMPEL)
    return lidmaatschap.combineer(
        cbs, lidmaatschap.uit_referentie(gebieden, gebied_buurten, wijken)
    )


def indicatorwaarden(
    metingen: pl.DataFrame,
    bronvariabelen: pl.DataFrame,
    catalogus: Catalogus,
    families: tuple[str, ...],
    *,
    gebieden: pl.DataFrame | None = None,
    gebied_buurten: pl.DataFrame | None = None,
    gebied_wijken: pl.DataFrame | None = None,
    basisjaar: int | None = None,
) -> pl.DataFrame:
    lid = lidmaatschap_van(metingen, gebieden, gebied_buurten, gebied_wijken)
    return waarden.indicatorwaarden(
        metingen, bronvariabelen, lid, catalogus, families, gebieden=gebieden, basisjaar=basisjaar
    )


def catalogus_frame(catalogus: Catalogus, bronvariabelen: pl.DataFrame) -> pl.DataFrame:
    """monitor.indicatoren: the catalogue plus the peiljaren in which the sources fill each one."""
    kaart = pl.DataFrame(
        [
            {"indicator_code": i.code, "variabele": i.teller, "bron": b}
            for i in catalogus.indicatoren
            for b in i.bronnen()
        ],
        schema={"indicator_code": pl.String, "variabele": pl.String, "bron": pl.String},
    )
    jaren = (
        bronvariabelen.join(kaart, on=["bron", "variabele"])
        .group_by("indicator_code")
        .agg(
            pl.col("peiljaar")
            .filter(pl.col("gevuld") > 0)
            .unique()
            .sort()
            .cast(pl.String)
            .str.join(", ")
            .alias("jaren_met_data"),
            pl.col("peiljaar")
            .filter(pl.col("gevuld") == 0)
            .unique()
            .sort()
            .cast(pl.String)
            .str.join(", ")
            .alias("jaren_zonder_data"),
        )
        .with_columns(pl.col("jaren_met_data", "jaren_zonder_data").replace("", None))
    )
    return catalogus.frame(bronvariabelen).join(jaren, on="indicator_code", how="left")
