"""Comparison areas and the 2022 wijk crosswalk, generated from the register and the indeling.

Comparison areas are never typed: for each focus area its gemeente (all buurten of the gemeente in
that indeling year), the rest of the gemeente (gemeente minus *that* focus area; for Amsterdam the
other focus area stays in the rest, see docs/geografie.md), all focus areas together and Nederland.
"""

from __future__ import annotations

import polars as pl

from nplv_monitor.errors import RegisterFout
from nplv_monitor.geografie.afleiding import naam_sleutel
from nplv_monitor.geografie.gebieden import (
    ALLE_FOCUSGEBIEDEN,
    FOCUSGEBIED,
    GEMEENTE,
    NEDERLAND,
    NEDERLAND_SOORT,
    REST_ACHTERVOEGSEL,
    REST_GEMEENTE,
    Register,
)
from nplv_monitor.geografie.indeling import WIJKJAAR_LEEFBAROMETER


def _buurtjaren(indeling: pl.DataFrame) -> list[int]:
    """The indeling years with a buurt list (the Leefbaarometer's 2022 file has wijken only)."""
    return indeling.filter(pl.col("soort") == "buurt")["indelingsjaar"].unique().sort().to_list()


def gebieden(
    register: Register, indeling: pl.DataFrame, gepubliceerd: pl.DataFrame
) -> pl.DataFrame:
    """``ref.gebieden``: one row per focus area, gemeente, rest of gemeente, NPLV total and NL.

    ``gepubliceerd`` is (gebied, gemeentecode, inwoners_2025); a focus area whose CBS name or
    gemeente does not match the published list is a RegisterFout.
    """
    focus = pl.DataFrame(
        [
            (g.code, g.naam, g.gemeentecode, g.reeks_vergelijkbaar, g.toelichting)
            for g in register.gebieden
        ],
        schema={
            "gebied_code": pl.String,
            "gebied_naam": pl.String,
            "gemeentecode": pl.String,
            "reeks_vergelijkbaar": pl.Boolean,
            "toelichting": pl.String,
        },
        orient="row",
    )
    focus = focus.join(
        gepubliceerd.rename({"gebied": "gebied_naam", "gemeentecode": "gemeente_gepubliceerd"}),
        on="gebied_naam",
        how="left",
    )
    fout = focus.filter(
        pl.col("inwoners_2025").is_null()
        | (pl.col("gemeente_gepubliceerd") != pl.col("gemeentecode"))
    )
    if fout.height:
        r = fout.row(0, named=True)
        raise RegisterFout(
            f"{register.pad}: gebied {r['gebied_code']} ('{r['gebied_naam']}', "
            f"{r['gemeentecode']}) staat niet met die naam en gemeente in nplv/gebieden.csv."
        )
    # The gemeente name of the newest indeling in which the gemeente exists.
    gm_namen = (
        indeling.filter(pl.col("soort") == "gemeente")
        .sort("indelingsjaar")
        .group_by("regiocode")
        .agg(pl.col("regionaam").last())
        .rename({"regiocode": "gemeentecode", "regionaam": "gemeentenaam"})
    )
    focus = focus.join(gm_namen, on="gemeentecode", how="left")
    rijen_focus = focus.select(
        "gebied_code",
        "gebied_naam",
        pl.lit(FOCUSGEBIED).alias("soort"),
        "gemeentecode",
        pl.col("gebied_code").alias("focusgebied_code"),
        pl.col("inwoners_2025").alias("inwoners_gepubliceerd_2025"),
        "reeks_vergelijkbaar",
        "toelichting",
    )
    rijen_gemeente = (
        focus.group_by("gemeentecode", maintain_order=True)
        .agg(pl.col("gemeentenaam").first(), pl.col("gebied_naam").sort().str.join(", "))
        .select(
            pl.col("gemeentecode").alias("gebied_code"),
            pl.col("gemeentenaam").alias("gebied_naam"),
            pl.lit(GEMEENTE).alias("soort"),
            "gemeentecode",
            pl.lit(None, pl.String).alias("focusgebied_code"),
            pl.lit(None, pl.Int64).alias("inwoners_gepubliceerd_2025"),
            pl.lit(True).alias("reeks_vergelijkbaar"),
            (
                pl.lit("Hele gemeente (alle buurten van de indeling); gemeente van ")
                + pl.col("gebied_naam")
            ).alias("toelichting"),
        )
    )
    rijen_rest = focus.select(
        (pl.col("gebied_code") + REST_ACHTERVOEGSEL).alias("gebied_code"),
        (pl.col("gemeentenaam") + " zonder " + pl.col("gebied_naam")).alias("gebied_naam"),
        pl.lit(REST_GEMEENTE).alias("soort"),
        "gemeentecode",
        pl.col("gebied_code").alias("focusgebied_code"),
        pl.lit(None, pl.Int64).alias("inwoners_gepubliceerd_2025"),
        "reeks_vergelijkbaar",
        (
            pl.lit("Gemeente ")
            + pl.col("gemeentenaam")
            + " min focusgebied "
            + pl.col("gebied_naam")
            + " (een ander focusgebied in dezelfde gemeente blijft in de rest)"
        ).alias("toelichting"),
    )
    totaal = pl.DataFrame(
        {
            "gebied_code": [ALLE_FOCUSGEBIEDEN, NEDERLAND],
            "gebied_naam": ["Alle NPLV-focusgebieden", "Nederland"],
            "soort": [ALLE_FOCUSGEBIEDEN, NEDERLAND_SOORT],
            "gemeentecode": [None, None],
            "focusgebied_code": [None, None],
            "inwoners_gepubliceerd_2025": [int(focus["inwoners_2025"].sum()), None],
            "reeks_vergelijkbaar": [bool(focus["reeks_vergelijkbaar"].all()), True],
            "toelichting": [
                f"De {focus.height} focusgebieden samen (vereniging van hun buurten per "
                "indelingsjaar)",
                "Alle buurten van Nederland in het indelingsjaar",
            ],
        },
        schema=rijen_focus.schema,
    )
    return pl.concat([rijen_focus, rijen_gemeente, rijen_rest, totaal])


def gebied_buurten(
    focus_buurten: pl.DataFrame, gebieden_df: pl.DataFrame, indeling: pl.DataFrame
) -> pl.DataFrame:
    """``ref.gebied_buurten`` for every row of ``ref.gebieden`` and every buurt indeling year.

    ``focus_buurten`` is the resolved register (:func:`register.los_op`).
    """
    buurten = indeling.filter(
        pl.col("soort") == "buurt",
        pl.col("indelingsjaar").is_in(focus_buurten["indelingsjaar"].unique().to_list()),
    ).select("indelingsjaar", pl.col("regiocode").alias("buurtcode"), "gemeentecode")
    kolommen = ["gebied_code", "indelingsjaar", "buurtcode"]
    focus_gm = gebieden_df.filter(pl.col("soort") == FOCUSGEBIED).select(
        "gebied_code", "gemeentecode"
    )
    gemeente = (
        focus_gm.select("gemeentecode")
        .unique()
        .join(buurten, on="gemeentecode")
        .select(pl.col("gemeentecode").alias("gebied_code"), "indelingsjaar", "buurtcode")
    )
    rest = (
        focus_gm.join(buurten, on="gemeentecode")
        .join(focus_buurten, on=kolommen, how="anti")
        .select(
            (pl.col("gebied_code") + REST_ACHTERVOEGSEL).alias("gebied_code"),
            "indelingsjaar",
            "buurtcode",
        )
    )
    alle = focus_buurten.select(
        pl.lit(ALLE_FOCUSGEBIEDEN).alias("gebied_code"), "indelingsjaar", "buurtcode"
    )
    nl = buurten.select(pl.lit(NEDERLAND).alias("gebied_code"), "indelingsjaar", "buurtcode")
    return pl.concat([focus_buurten.select(kolommen), gemeente, rest, alle, nl]).sort(kolommen)


def koppel_wijken_2022(indeling: pl.DataFrame) -> pl.DataFrame:
    """Which buurt indeling describes each wijk of the 2022 Leefbaarometer file.

    A 2022 wijk is matched by code to the 2024 or the 2020 indeling, preferring the year in which
    the name also matches (after dropping a "Wijk NN" prefix), then 2024. Amsterdam's wijken in the
    Leefbaarometer file carry the pre-2022 codes, so they match 2020. Returns (wijkcode, wijknaam,
    referentie_indeling, naam_gelijk); wijken found in neither year get referentie_indeling null.
    """
    w2022 = indeling.filter(pl.col("indelingsjaar") == WIJKJAAR_LEEFBAROMETER).select(
        pl.col("regiocode").alias("wijkcode"), pl.col("regionaam").alias("wijknaam")
    )
    kandidaten = indeling.filter(
        pl.col("soort") == "wijk", pl.col("indelingsjaar").is_in(_buurtjaren(indeling))
    ).select(
        pl.col("regiocode").alias("wijkcode"),
        pl.col("indelingsjaar").alias("referentie_indeling"),
        pl.col("regionaam").alias("naam_ref"),
    )
    gekozen = (
        w2022.join(kandidaten, on="wijkcode", how="inner")
        .with_columns(
            naam_gelijk=naam_sleutel(pl.col("wijknaam")) == naam_sleutel(pl.col("naam_ref"))
        )
        .sort(["wijkcode", "naam_gelijk", "referentie_indeling"], descending=[False, True, True])
        .unique(subset="wijkcode", keep="first", maintain_order=True)
        .select("wijkcode", "referentie_indeling", "naam_gelijk")
    )
    return w2022.join(gekozen, on="wijkcode", how="left")


def gebied_wijken(
    gebied_buurten_df: pl.DataFrame, indeling: pl.DataFrame, inwoners: pl.DataFrame
) -> pl.DataFrame:
    """``ref.gebied_wijken``: per gebied the 2022 wijken that overlap it, with population shares.

    For each 2022 wijk, the buurten of the same wijk code in its reference indeling (2020 or 2024)
    are intersected with the gebied's buurten of that year; ``aandeel_inwoners`` is the share of the
    wijk's inhabitants (of that year) living in the gebied. The indicator engine keeps a wijk when
    ``aandeel_inwoners`` >= 0.5 (indicatoren/bouw.py WIJK_AANDEEL_DREMPEL) and weights its score by
    the inhabitants of the *whole* wijk in 2020 (the score describes the whole wijk), not by
    ``inwoners_in_gebied``; the shares also measure how far that territory differs from the area's
    buurten (indicatoren/vergelijkbaarheid.py).
    """
    koppeling = koppel_wijken_2022(indeling).filter(pl.col("referentie_indeling").is_not_null())
    wijkbuurten = (
        indeling.filter(pl.col("soort") == "buurt")
        .select(
            pl.col("indelingsjaar").alias("referentie_indeling"),
            pl.col("regiocode").alias("buurtcode"),
            "wijkcode",
        )
        .join(
            inwoners.rename({"indelingsjaar": "referentie_indeling"}),
            on=["referentie_indeling", "buurtcode"],
            how="left",
        )
    )
    per_wijk = koppeling.join(wijkbuurten, on=["wijkcode", "referentie_indeling"])
    totalen = per_wijk.group_by("wijkcode").agg(
        pl.len().alias("buurten_wijk"), pl.col("inwoners").sum().alias("inwoners_wijk")
    )
    overlap = (
        per_wijk.join(
            gebied_buurten_df.rename({"indelingsjaar": "referentie_indeling"}),
            on=["referentie_indeling", "buurtcode"],
        )
        .group_by("gebied_code", "wijkcode", "wijknaam", "referentie_indeling", "naam_gelijk")
        .agg(
            pl.len().alias("buurten_in_gebied"),
            pl.col("inwoners").sum().alias("inwoners_in_gebied"),
        )
        .join(totalen, on="wijkcode")
    )
    return (
        overlap.select(
            "gebied_code",
            pl.lit(WIJKJAAR_LEEFBAROMETER, pl.Int64).alias("indelingsjaar"),
            "wijkcode",
            "wijknaam",
            pl.col("referentie_indeling").cast(pl.Int64),
            "naam_gelijk",
            "buurten_in_gebied",
            "buurten_wijk",
            "inwoners_in_gebied",
            "inwoners_wijk",
            pl.when(pl.col("inwoners_wijk") > 0)
            .then(pl.col("inwoners_in_gebied") / pl.col("inwoners_wijk"))
            .otherwise(None)
            .alias("aandeel_inwoners"),
            (pl.col("buurten_in_gebied") == pl.col("buurten_wijk")).alias("volledig"),
        )
        .with_columns(pl.col("buurten_in_gebied", "buurten_wijk").cast(pl.Int64))
        .sort("gebied_code", "wijkcode")
    )
