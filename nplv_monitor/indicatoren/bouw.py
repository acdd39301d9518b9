"""Glue between the stored tables and the pure engine: frames in, frames out."""

from __future__ import annotations

import polars as pl

from nplv_monitor.indicatoren import lidmaatschap
from nplv_monitor.indicatoren.catalogus import Catalogus
from nplv_monitor.indicatoren.engine import waarden
from nplv_monitor.indicatoren.vergelijkbaarheid import Vergelijkbaarheid, buurtbevolking

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
    bronstatus: pl.DataFrame | None = None,
) -> pl.DataFrame:
    lid = lidmaatschap_van(metingen, gebieden, gebied_buurten, gebied_wijken)
    vergelijkbaarheid = Vergelijkbaarheid(
        lid, buurtbevolking(metingen), gebieden, gebied_wijken, drempel=WIJK_AANDEEL_DREMPEL
    )
    df = waarden.indicatorwaarden(
        metingen,
        bronvariabelen,
        lid,
        catalogus,
        families,
        gebieden=gebieden,
        basisjaar=basisjaar,
        bronstatus=bronstatus,
        vergelijkbaarheid=vergelijkbaarheid,
    )
    return zonder_verdeelde_buurten(df, metingen)


def zonder_verdeelde_buurten(df: pl.DataFrame, metingen: pl.DataFrame) -> pl.DataFrame:
    """Withhold the single-buurt values a source only has as a wijk total on another indeling.

    metingen/bouw.py carries such a wijk onto the table's indeling by spreading its total over
    the buurten by inhabitants (``overgang`` = wijkverdeling, geografie/overgang.py): sums of
    whole wijken (the wijk, the area, the gemeente) are exact, the share of one buurt is not a
    measurement and is not published.
    """
    if "overgang" not in metingen.columns:
        return df
    verdeeld = (
        metingen.filter(pl.col("overgang").is_not_null())
        .select(
            pl.col("regiocode").alias("gebied_code"),
            "peiljaar",
            pl.col("tabel_id").alias("bron_tabel"),
            pl.lit(True).alias("_verdeeld"),
        )
        .unique()
    )
    if verdeeld.is_empty():
        return df
    rij = (pl.col("gebied_soort") == "buurt") & pl.col("_verdeeld").fill_null(False)
    return (
        df.join(verdeeld, on=["gebied_code", "peiljaar", "bron_tabel"], how="left")
        .with_columns(
            waarde=pl.when(rij).then(None).otherwise(pl.col("waarde")),
            teller=pl.when(rij).then(None).otherwise(pl.col("teller")),
            noemer=pl.when(rij).then(None).otherwise(pl.col("noemer")),
            status=pl.when(rij).then(pl.lit("onderdrukt")).otherwise(pl.col("status")),
            status_toelichting=pl.when(rij)
            .then(
                pl.lit(
                    "De bron geeft deze buurt op een andere (oudere) buurtindeling: alleen het "
                    "totaal van de wijk is over te zetten, de buurtwaarde zelf is niet bekend."
                )
            )
            .otherwise(pl.col("status_toelichting")),
            toelichting=pl.when(rij).then(None).otherwise(pl.col("toelichting")),
        )
        .drop("_verdeeld")
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
