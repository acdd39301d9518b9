"""``ref.bevolkingscontrole``: the resolved areas against the inhabitants CBS published.

Per focus area and every indeling year the areas are resolved in (whatever years
``gebied_buurten`` holds, not a fixed list): the buurten, their inhabitants at the start of that
year and the difference with the published 1 January 2025 figure; plus one row for all focus areas
together. The inhabitants come per indeling year from ``inwoners`` (per year the KWB table of that
year, or the complete population file the source registry names for it (2024)
— each year needs a population count on its own buurt codes). A year for which ``inwoners`` has no
rows still gets its rows: ``inwoners`` and ``verschil_pct`` null, every buurt counted in
``buurten_zonder_inwonertal`` and vlag ``geen_inwoners``, so a missing source is visible.
Thresholds: a focus area should lie within 5% in the 2024 indeling and is flagged beyond 5% and
beyond 10%; the total should lie within 3%. Earlier indelingen count fewer inhabitants because the
areas grew; their definition is judged against the 2024 definition instead (``definitie_wijkt_af``:
declared not comparable in the register, or more than 10% apart).
"""

from __future__ import annotations

import polars as pl

from nplv_monitor.geografie.gebieden import ALLE_FOCUSGEBIEDEN, FOCUSGEBIED

REFERENTIEJAAR = 2024
DOEL_PCT = 5.0
GRENS_PCT = 10.0
TOTAAL_GRENS_PCT = 3.0
DEFINITIE_GRENS_PCT = 10.0


def vlag(verschil_pct: pl.Expr, soort: pl.Expr) -> pl.Expr:
    absoluut = verschil_pct.abs()
    return (
        pl.when(verschil_pct.is_null())
        .then(pl.lit("geen_inwoners"))
        .when(soort == ALLE_FOCUSGEBIEDEN)
        .then(
            pl.when(absoluut <= TOTAAL_GRENS_PCT)
            .then(pl.lit("ok"))
            .otherwise(pl.lit("buiten_3pct"))
        )
        .when(absoluut <= DOEL_PCT)
        .then(pl.lit("ok"))
        .when(absoluut <= GRENS_PCT)
        .then(pl.lit("buiten_5pct"))
        .otherwise(pl.lit("buiten_10pct"))
    )


def bevolkingscontrole(
    gebied_buurten: pl.DataFrame, gebieden: pl.DataFrame, inwoners: pl.DataFrame
) -> pl.DataFrame:
    """One row per (focus area or ``alle_focusgebieden``, indeling year in ``gebied_buurten``)."""
    doel = gebieden.filter(pl.col("soort").is_in([FOCUSGEBIED, ALLE_FOCUSGEBIEDEN])).select(
        "gebied_code",
        "gebied_naam",
        "soort",
        "inwoners_gepubliceerd_2025",
        "reeks_vergelijkbaar",
    )
    per_jaar = (
        gebied_buurten.join(doel.select("gebied_code"), on="gebied_code")
        .join(inwoners, on=["indelingsjaar", "buurtcode"], how="left")
        .group_by("gebied_code", "indelingsjaar")
        .agg(
            pl.len().cast(pl.Int64).alias("buurten"),
            pl.col("inwoners").null_count().cast(pl.Int64).alias("buurten_zonder_inwonertal"),
            # null, not 0, when no buurt has a figure (e.g. no population source for the year)
            pl.when(pl.col("inwoners").count() > 0)
            .then(pl.col("inwoners").sum())
            .otherwise(None)
            .alias("inwoners"),
        )
    )
    referentie = per_jaar.filter(pl.col("indelingsjaar") == REFERENTIEJAAR).select(
        "gebied_code", pl.col("inwoners").alias("inwoners_definitie_2024")
    )
    df = (
        per_jaar.join(doel, on="gebied_code")
        .join(referentie, on="gebied_code", how="left")
        .with_columns(
            verschil_pct=(
                (pl.col("inwoners") / pl.col("inwoners_gepubliceerd_2025") - 1) * 100
            ).round(1),
            verschil_met_2024_pct=(
                (pl.col("inwoners") / pl.col("inwoners_definitie_2024") - 1) * 100
            ).round(1),
            peildatum_inwoners=pl.date(pl.col("indelingsjaar"), 1, 1),
        )
    )
    return (
        df.with_columns(
            vlag=vlag(pl.col("verschil_pct"), pl.col("soort")),
            definitie_wijkt_af=(pl.col("indelingsjaar") != REFERENTIEJAAR)
            & (
                ~pl.col("reeks_vergelijkbaar")
                | (pl.col("verschil_met_2024_pct").abs() > DEFINITIE_GRENS_PCT)
            ),
        )
        .select(
            "gebied_code",
            "gebied_naam",
            "indelingsjaar",
            "buurten",
            "buurten_zonder_inwonertal",
            "inwoners",
            "peildatum_inwoners",
            "inwoners_gepubliceerd_2025",
            "verschil_pct",
            "vlag",
            "verschil_met_2024_pct",
            "definitie_wijkt_af",
        )
        .sort(pl.col("gebied_code") == ALLE_FOCUSGEBIEDEN, "gebied_code", "indelingsjaar")
    )
