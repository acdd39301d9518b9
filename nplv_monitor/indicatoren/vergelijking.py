"""Comparisons and trends on top of the aggregated values, all as joins.

- waarde_nederland / verschil_nederland: the NL00 value of the same indicator and peiljaar;
- basisjaar: per indicator the first peiljaar from ``basisjaar_vanaf`` (default 2018) with a
  published value for Nederland, or a fixed year; waarde_basisjaar, verandering_sinds_basis,
  verschil_nederland_basisjaar and verandering_verschil follow from it (gebiedseffect only). In
  the basisjaar itself there is one measurement, so no change (null, not 0);
- kloof_wordt: the verdict on the gap to Nederland, by the *absolute* gap |gebied − Nederland|
  in the peiljaar against the basisjaar, "gelijk" within the indicator's precision (the one place
  the verdict is computed; the view and the report read this column);
- percentiel_wijken: share of all wijken of the country with a value at or below the gebied's
  (same indicator and peiljaar), 0–100 (gebiedseffect only); empty where the source covers less
  than 90% of the country's wijken (e.g. the police extract of the 19 NPLV gemeenten);
- actueel: per gebied and indicator the latest peiljaar with a published value ("the current
  value": the latest table in which the variable is filled for that gebied).
"""

from __future__ import annotations

import polars as pl

from nplv_monitor.indicatoren import significantie, vergelijkbaarheid
from nplv_monitor.indicatoren.vergelijkbaarheid import Vergelijkbaarheid

BASISJAAR_VANAF = 2018


def met_nederland(df: pl.DataFrame) -> pl.DataFrame:
    nl = df.filter((pl.col("gebied_code") == "NL00") & (pl.col("status") == "ok")).select(
        "indicator_code", "peiljaar", pl.col("waarde").alias("waarde_nederland")
    )
    return df.join(nl, on=["indicator_code", "peiljaar"], how="left").with_columns(
        verschil_nederland=pl.col("waarde") - pl.col("waarde_nederland")
    )


def met_basisjaar(
    df: pl.DataFrame,
    effect: list[str],
    *,
    vanaf: int = BASISJAAR_VANAF,
    vast: int | None = None,
    vergelijkbaarheid: Vergelijkbaarheid | None = None,
) -> pl.DataFrame:
    ok_nl = df.filter(
        (pl.col("gebied_code") == "NL00")
        & (pl.col("status") == "ok")
        & pl.col("indicator_code").is_in(effect)
    )
    if vast is not None:
        basis = (
            ok_nl.select("indicator_code").unique().with_columns(basisjaar=pl.lit(vast, pl.Int64))
        )
    else:
        basis = (
            ok_nl.filter(pl.col("peiljaar") >= vanaf)
            .group_by("indicator_code")
            .agg(pl.col("peiljaar").min().alias("basisjaar"))
        )
    df = df.join(basis, on="indicator_code", how="left").with_columns(
        basisjaar=pl.when(pl.col("peiljaar") >= pl.col("basisjaar")).then(pl.col("basisjaar"))
    )
    df = met_territorium(df, vergelijkbaarheid)
    in_basis = df.select(
        "gebied_code",
        "indicator_code",
        pl.col("peiljaar").alias("basisjaar"),
        pl.when(pl.col("status") == "ok").then(pl.col("waarde")).alias("waarde_basisjaar"),
        pl.when(pl.col("status") == "ok")
        .then(pl.col("verschil_nederland"))
        .alias("verschil_nederland_basisjaar"),
    )
    return df.join(
        in_basis, on=["gebied_code", "indicator_code", "basisjaar"], how="left"
    ).with_columns(
        # the basisjaar row is the only measurement so far: no change, not a change of 0
        **{
            k: pl.when(pl.col("peiljaar") > pl.col("basisjaar")).then(v)
            for k, v in {
                "verandering_sinds_basis": pl.col("waarde") - pl.col("waarde_basisjaar"),
                "verandering_verschil": pl.col("verschil_nederland")
                - pl.col("verschil_nederland_basisjaar"),
            }.items()
        }
    )


#: Columns :func:`met_territorium` adds (contract of monitor.indicatorwaarden).
TERRITORIUM_KOLOMMEN = {
    "territorium_basis": pl.String,
    "territorium_peiljaar": pl.String,
    "aandeel_basisbevolking": pl.Float64,
    "aandeel_peiljaarbevolking_in_basis": pl.Float64,
    "definitiebreuk": pl.Boolean,
}


def met_territorium(df: pl.DataFrame, v: Vergelijkbaarheid | None) -> pl.DataFrame:
    """State each trend row's territory at its basisjaar and peiljaar, and split at a break.

    A row is compared with the gebied's row in the basisjaar through the indelingen both were
    computed on (indicatoren/vergelijkbaarheid.py) and through what each value rests on
    (:func:`vergelijkbaarheid.waardebasis`: the source's published figure for the region, or a
    sum over wijken or buurten). Where the territories differ beyond the tolerance, or the basis
    differs, ``definitiebreuk`` is true and the row's basisjaar moves to the first peiljaar on the
    new territory and basis (the break row itself, or the first of several on the same indeling
    and basis): the change columns and kloof_wordt are then measured from that new basis, never
    across the break. ``territorium_basis``, ``aandeel_basisbevolking`` and
    ``aandeel_peiljaarbevolking_in_basis`` keep describing the original basis the break is
    against. Without ``v`` the columns are empty.
    """
    if v is None:
        return df.with_columns(**{k: pl.lit(None, t) for k, t in TERRITORIUM_KOLOMMEN.items()})
    terr = v.territoria()
    df = (
        df.with_columns(
            _waardebasis=vergelijkbaarheid.waardebasis(
                v.wijkjaren, met_niveau="waarde_niveau" in df.columns
            )
        )
        .join(
            terr.rename({"territorium": "territorium_peiljaar"}),
            on=["gebied_code", "indelingsjaar"],
            how="left",
        )
        .with_columns(
            territorium_peiljaar=pl.when(pl.col("_waardebasis") == vergelijkbaarheid.GEPUBLICEERD)
            .then(vergelijkbaarheid.gepubliceerd_territorium())
            .otherwise(pl.col("territorium_peiljaar"))
        )
    )
    in_basis = df.select(
        "gebied_code",
        "indicator_code",
        pl.col("peiljaar").alias("basisjaar"),
        pl.col("indelingsjaar").alias("_basis_indeling"),
        pl.col("_waardebasis").alias("_basis_waardebasis"),
        pl.col("territorium_peiljaar").alias("territorium_basis"),
    )
    df = df.join(in_basis, on=["gebied_code", "indicator_code", "basisjaar"], how="left")
    paren = (
        df.filter(pl.col("_basis_indeling").is_not_null() & pl.col("indelingsjaar").is_not_null())
        .select(
            "gebied_code", pl.col("_basis_indeling").alias("basis_indelingsjaar"), "indelingsjaar"
        )
        .unique()
    )
    ov = v.overgangen(paren).rename(
        {
            "basis_indelingsjaar": "_basis_indeling",
            "aandeel_in_basis": "aandeel_peiljaarbevolking_in_basis",
        }
    )
    andere_basis = pl.col("_waardebasis").is_not_null() & (
        pl.col("_waardebasis") != pl.col("_basis_waardebasis")
    )
    df = df.join(
        ov, on=["gebied_code", "_basis_indeling", "indelingsjaar"], how="left"
    ).with_columns(
        definitiebreuk=pl.when(andere_basis.fill_null(False))
        .then(pl.lit(True))
        .otherwise(pl.col("definitiebreuk"))
    )
    # the new basis: the first peiljaar of the break's indeling and value basis
    sleutel = ["gebied_code", "indicator_code", "indelingsjaar", "_basis_sleutel"]
    df = df.with_columns(_basis_sleutel=pl.col("_waardebasis").fill_null(""))
    nieuw = (
        df.filter(pl.col("definitiebreuk").fill_null(False))
        .group_by(sleutel)
        .agg(pl.col("peiljaar").min().alias("_nieuwe_basis"))
    )
    return (
        df.join(nieuw, on=sleutel, how="left")
        .with_columns(
            basisjaar=pl.when(pl.col("definitiebreuk").fill_null(False))
            .then(pl.col("_nieuwe_basis"))
            .otherwise(pl.col("basisjaar"))
        )
        .drop(
            "_basis_indeling",
            "_nieuwe_basis",
            "_waardebasis",
            "_basis_waardebasis",
            "_basis_sleutel",
        )
    )


#: Values of kloof_wordt (schemas/monitor.indicatorwaarden.yaml).
KLEINER, GROTER, GELIJK, GEEN_TWEEDE_METING = "kleiner", "groter", "gelijk", "geen tweede meting"


def kloof_oordeel(tolerantie: pl.Expr) -> pl.Expr:
    """The verdict on the gap to Nederland for a row of :func:`met_basisjaar`'s output.

    The gap is the distance |gebied − Nederland|, whatever the side: an area below Nederland
    whose difference goes from −0,342 to −0,270 comes closer (kleiner), although the signed
    difference rose. ``tolerantie`` (the indicator's precision, same unit; for a survey figure
    with margins at least the sampling bound of :func:`met_kloof`) bounds "gelijk": a change of
    the distance within it cannot be told from rounding or from sampling noise.
    Null where there is nothing to judge: Nederland itself, no value, no basisjaar, no value of
    the area in the basisjaar, or no tolerance (an indicator without a precision).
    """
    verschil = pl.col("verschil_nederland").abs() - pl.col("verschil_nederland_basisjaar").abs()
    te_beoordelen = (
        (pl.col("gebied_code") != "NL00")
        & (pl.col("status") == "ok")
        & pl.col("waarde").is_not_null()
        & pl.col("basisjaar").is_not_null()
    )
    return (
        pl.when(~te_beoordelen.fill_null(False))
        .then(None)
        .when(pl.col("peiljaar") == pl.col("basisjaar"))
        .then(pl.lit(GEEN_TWEEDE_METING))
        .when(verschil.is_null() | tolerantie.is_null())
        # without a tolerance "gelijk" cannot be told from a change: no verdict, never a guess
        .then(None)
        .when(verschil.abs() <= tolerantie)
        .then(pl.lit(GELIJK))
        .when(verschil < 0)
        .then(pl.lit(KLEINER))
        .otherwise(pl.lit(GROTER))
        .cast(pl.String)
    )


def met_kloof(
    df: pl.DataFrame, precisie: dict[str, float], *, vanaf: int = BASISJAAR_VANAF
) -> pl.DataFrame:
    """Add ``kloof_wordt`` (see :func:`kloof_oordeel`) and ``verandering_significant``.

    The tolerance for "gelijk" is the indicator's precision; for a survey figure with published
    margins (Veiligheidsmonitor) it is at least the 95% bound on the change of the gap from
    sampling alone (significantie.kloof_marge): a change within it is not significant, so the gap
    is "gelijk". ``verandering_significant`` tests the change since the basisjaar on the margins
    (significantie.met_significantie; null without margins).
    """
    precisie_expr = pl.col("indicator_code").replace_strict(
        precisie, default=None, return_dtype=pl.Float64
    )
    if "marge" not in df.columns:
        return df.with_columns(
            kloof_wordt=kloof_oordeel(precisie_expr),
            verandering_significant=pl.lit(None, pl.Boolean),
        )
    df = significantie.met_significantie(significantie.kloof_marge(df), vanaf)
    tolerantie = pl.max_horizontal(precisie_expr, pl.col("_kloof_marge"))
    return df.with_columns(kloof_wordt=kloof_oordeel(tolerantie)).drop("_kloof_marge")


#: A rank "among all wijken of the country" needs values for nearly all of them; a source that
#: covers only some gemeenten (the police extract: the 19 NPLV gemeenten) gets no percentile.
MIN_DEKKING_WIJKEN = 0.9


def _landelijke_indicatoren(
    df: pl.DataFrame, effect: list[str], landelijke_indelingsjaren: list[int] | None = None
) -> pl.DataFrame:
    """(indicator_code, peiljaar) whose wijken with a value cover >= 90% of the country's wijken
    of that indeling year (the country's wijken: every wijk code any source has for that year).

    ``landelijke_indelingsjaren``: the indeling years for which a national region list exists
    (the reference population); in other years (SES-WOA 2014-2019, truncated to Amsterdam in the
    snapshot) the country's wijken are unknown, so no rank is given.
    """
    wijk = df.filter(pl.col("gebied_soort") == "wijk")
    if landelijke_indelingsjaren is not None:
        wijk = wijk.filter(pl.col("indelingsjaar").is_in(landelijke_indelingsjaren))
    land = wijk.group_by("indelingsjaar").agg(pl.col("gebied_code").n_unique().alias("_land"))
    return (
        wijk.filter((pl.col("status") == "ok") & pl.col("indicator_code").is_in(effect))
        .group_by("indicator_code", "peiljaar", "indelingsjaar")
        .agg(pl.col("gebied_code").n_unique().alias("_met_waarde"))
        .join(land, on="indelingsjaar")
        .filter(pl.col("_met_waarde") >= MIN_DEKKING_WIJKEN * pl.col("_land"))
        .select("indicator_code", "peiljaar")
        .unique()
    )


def met_percentiel(
    df: pl.DataFrame, effect: list[str], landelijke_indelingsjaren: list[int] | None = None
) -> pl.DataFrame:
    landelijk = _landelijke_indicatoren(df, effect, landelijke_indelingsjaren)
    wijken = (
        df.filter(
            (pl.col("gebied_soort") == "wijk")
            & (pl.col("status") == "ok")
            & pl.col("indicator_code").is_in(effect)
        )
        .join(landelijk, on=["indicator_code", "peiljaar"], how="semi")
        .select("indicator_code", "peiljaar", pl.col("waarde").alias("_w"))
        .sort("_w")
        .with_columns(
            _rang=pl.int_range(1, pl.len() + 1).over("indicator_code", "peiljaar"),
            _n=pl.len().over("indicator_code", "peiljaar"),
        )
        # ties: the highest rank of equal values counts ("at or below")
        .group_by("indicator_code", "peiljaar", "_w")
        .agg(pl.col("_rang").max(), pl.col("_n").first())
        .sort("_w")
    )
    links = (
        df.with_row_index("_rij")
        .filter(pl.col("waarde").is_not_null() & pl.col("indicator_code").is_in(effect))
        .sort("waarde")
    )
    pct = links.join_asof(
        wijken,
        left_on="waarde",
        right_on="_w",
        by=["indicator_code", "peiljaar"],
        strategy="backward",
        # both sides are sorted on the value globally, hence within every group
        check_sortedness=False,
    ).select(
        "_rij",
        pl.when(pl.col("_n").is_not_null())
        .then(pl.col("_rang").fill_null(0) / pl.col("_n") * 100)
        .alias("percentiel_wijken"),
    )
    # a value below every wijk has no match: percentile 0 when the indicator has wijken at all
    heeft = wijken.select("indicator_code", "peiljaar").unique().with_columns(_heeft=pl.lit(True))
    uit = (
        df.with_row_index("_rij")
        .join(pct, on="_rij", how="left")
        .join(heeft, on=["indicator_code", "peiljaar"], how="left")
    )
    return uit.with_columns(
        percentiel_wijken=pl.when(pl.col("waarde").is_not_null() & pl.col("_heeft")).then(
            pl.col("percentiel_wijken").fill_null(0.0)
        )
    ).drop("_rij", "_heeft")


def met_actueel(df: pl.DataFrame) -> pl.DataFrame:
    laatste = (
        df.filter(pl.col("status") == "ok")
        .group_by("gebied_code", "indicator_code")
        .agg(pl.col("peiljaar").max().alias("_laatste"))
    )
    return (
        df.join(laatste, on=["gebied_code", "indicator_code"], how="left")
        .with_columns(actueel=(pl.col("peiljaar") == pl.col("_laatste")).fill_null(False))
        .drop("_laatste")
    )
