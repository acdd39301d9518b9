"""Crosswalk between CBS wijk- en buurtindelingen, and carrying a source onto its table's indeling.

CBS keeps a buurt code as long as the buurt keeps its ground; a split, merged, redrawn or
renumbered buurt gets a code the previous indeling did not have (docs/geografie.md, "Een nieuwe
indeling"). A wijk code can outlive the recoding of all its buurten (Zaanstad: wijk 11 Zaandam
Zuid had buurten 1110-1130 in 2020 and 1111-1132 in 2024). So between two indelingen:

- ``code_blijft``: the buurt (or wijk) code exists in both: the same unit;
- ``via_wijk``: the buurt code is gone but its wijk code (``WK`` + code[2:8]) exists in the target:
  the buurt lies in that wijk, and only the wijk total carries over exactly;
- ``geen``: neither code exists in the target: the unit cannot be placed.

CBS's own indeling-change indicator (KWB ``IndelingswijzigingWijkenEnBuurten``: 1 unchanged,
2 recoded, 3 redrawn) compares a table with the *previous* year only; the snapshot holds no two
consecutive years (2017, 2020, 2024), so it cannot bridge these steps and is not used here.

Pure functions on polars frames; no file is read.
"""

from __future__ import annotations

import polars as pl

from nplv_monitor.errors import NplvFout
from nplv_monitor.geografie.afleiding import naam_sleutel

OVERGANG_SCHEMA = {
    "van_jaar": pl.Int64,
    "van_code": pl.String,
    "van_soort": pl.String,
    "naar_jaar": pl.Int64,
    "naar_code": pl.String,
    "naar_soort": pl.String,
    "regel": pl.String,
    "naam_gelijk": pl.Boolean,
}

CODE_BLIJFT, VIA_WIJK, GEEN = "code_blijft", "via_wijk", "geen"

#: Why a buurt value was carried: the value in metingen.metingen.overgang.
WIJKVERDELING = "wijkverdeling"


class OvergangFout(NplvFout):
    """A source cannot be carried onto its table's indeling (names the table and the codes)."""


def wijkcode(buurtcode: pl.Expr) -> pl.Expr:
    return pl.lit("WK") + buurtcode.str.slice(2, 6)


def overgang(regio_indeling: pl.DataFrame, van: int, naar: int) -> pl.DataFrame:
    """Every buurt and wijk of indeling ``van`` mapped onto indeling ``naar`` (schema above).

    ``regio_indeling``: rows of ref.regio_indeling (indelingsjaar, regiocode, regionaam, soort).
    A buurt whose code survives maps to itself; otherwise to its wijk when that wijk code exists
    in ``naar`` (``naar_soort`` wijk); otherwise nowhere. ``naam_gelijk`` compares names (without
    a "Wijk NN" prefix): a kept code under another name is still the same ground by CBS's rule,
    the column only makes such cases visible.
    """
    ri = regio_indeling.filter(pl.col("soort").is_in(["wijk", "buurt"]))
    bron = ri.filter(pl.col("indelingsjaar") == van).select(
        pl.col("regiocode").alias("van_code"),
        pl.col("soort").alias("van_soort"),
        naam_sleutel(pl.col("regionaam")).alias("_van_naam"),
    )
    doel = ri.filter(pl.col("indelingsjaar") == naar).select(
        "regiocode",
        "soort",
        naam_sleutel(pl.col("regionaam")).alias("_naar_naam"),
        pl.lit(True).alias("_in_doel"),
    )
    zelfde = bron.join(
        doel, left_on=["van_code", "van_soort"], right_on=["regiocode", "soort"], how="left"
    ).with_columns(_blijft=pl.col("_in_doel").fill_null(False))
    wijk = doel.filter(pl.col("soort") == "wijk").select(
        pl.col("regiocode").alias("_wijk"), pl.col("_in_doel").alias("_wijk_in_doel")
    )
    uit = zelfde.with_columns(
        _wijk=pl.when(~pl.col("_blijft") & (pl.col("van_soort") == "buurt")).then(
            wijkcode(pl.col("van_code"))
        )
    ).join(wijk, on="_wijk", how="left")
    heeft_wijk = pl.col("_wijk_in_doel").fill_null(False)
    return uit.select(
        pl.lit(van, pl.Int64).alias("van_jaar"),
        "van_code",
        "van_soort",
        pl.lit(naar, pl.Int64).alias("naar_jaar"),
        pl.when(pl.col("_blijft"))
        .then(pl.col("van_code"))
        .when(heeft_wijk)
        .then(pl.col("_wijk"))
        .alias("naar_code"),
        pl.when(pl.col("_blijft"))
        .then(pl.col("van_soort"))
        .when(heeft_wijk)
        .then(pl.lit("wijk"))
        .alias("naar_soort"),
        pl.when(pl.col("_blijft"))
        .then(pl.lit(CODE_BLIJFT))
        .when(heeft_wijk)
        .then(pl.lit(VIA_WIJK))
        .otherwise(pl.lit(GEEN))
        .alias("regel"),
        pl.when(pl.col("_blijft"))
        .then(pl.col("_van_naam") == pl.col("_naar_naam"))
        .alias("naam_gelijk"),
    ).cast(OVERGANG_SCHEMA)  # type: ignore[arg-type]


def over_te_zetten_wijken(bron_codes: pl.DataFrame, doel_buurten: pl.DataFrame) -> pl.DataFrame:
    """Wijken of a source on another indeling than its table's: (regiocode, wijkcode, plaatsbaar).

    ``bron_codes(regiocode)``: the buurt codes one source table has; ``doel_buurten(regiocode)``:
    the buurten of the indeling the table declares. A wijk is carried as a whole when at least one
    of the source's buurt codes in it is not a buurt of that indeling (then the source's buurten of
    the wijk are another partition of it, and only their sum matches the wijk). Every source buurt
    of such a wijk is returned, with ``plaatsbaar`` false when the wijk code itself is not in the
    indeling either. A source missing a buurt of the indeling is missing data, not another
    indeling: such wijken are left alone.
    """
    doel = doel_buurten.select("regiocode").unique()
    doel_wijken = doel.select(wijkcode(pl.col("regiocode")).alias("wijkcode")).unique()
    codes = (
        bron_codes.select("regiocode").unique().with_columns(wijkcode=wijkcode(pl.col("regiocode")))
    )
    vreemd = codes.join(doel, on="regiocode", how="anti").select("wijkcode").unique()
    return (
        codes.join(vreemd, on="wijkcode", how="semi")
        .join(doel_wijken.with_columns(plaatsbaar=pl.lit(True)), on="wijkcode", how="left")
        .with_columns(pl.col("plaatsbaar").fill_null(False))
        .sort("regiocode")
    )


def verdeel_wijktotalen(
    waarden: pl.DataFrame, sleutels: list[str], doel_inwoners: pl.DataFrame
) -> pl.DataFrame:
    """Carry additive buurt values of carried wijken onto the target indeling's buurten.

    ``waarden``: rows (``sleutels`` ..., wijkcode, waarde) of the source buurten of carried wijken
    (``over_te_zetten_wijken``, plaatsbaar only); ``doel_inwoners(regiocode, inwoners)``: the
    target indeling's buurten with their inhabitants. Per wijk and key the total is spread over
    the wijk's target buurten in proportion to their inhabitants (equally when the wijk has none):
    every total of whole wijken (the wijk, an area of whole wijken, the gemeente, Nederland) is
    then exact, a single buurt's share is not a measurement (the caller withholds it). A value
    missing in any source buurt of the wijk makes the wijk total missing (missing is not zero).
    Returns (``sleutels`` ..., regiocode, waarde).
    """
    doel = doel_inwoners.select(
        "regiocode",
        wijkcode(pl.col("regiocode")).alias("wijkcode"),
        pl.col("inwoners").cast(pl.Float64).fill_null(0.0).alias("_inw"),
    )
    doel = doel.with_columns(
        _aandeel=pl.when(pl.col("_inw").sum().over("wijkcode") > 0)
        .then(pl.col("_inw") / pl.col("_inw").sum().over("wijkcode"))
        .otherwise(1.0 / pl.len().over("wijkcode"))
    )
    totaal = waarden.group_by([*sleutels, "wijkcode"]).agg(
        pl.when(pl.col("waarde").is_null().any())
        .then(None)
        .otherwise(pl.col("waarde").sum())
        .alias("_totaal")
    )
    zonder_doel = totaal.join(doel, on="wijkcode", how="anti")
    if zonder_doel.height:
        raise OvergangFout(
            "Wijk(en) zonder buurten in de doelindeling: "
            + ", ".join(sorted(set(zonder_doel["wijkcode"].to_list()))[:10])
        )
    return totaal.join(doel, on="wijkcode").select(
        *sleutels, "regiocode", (pl.col("_totaal") * pl.col("_aandeel")).alias("waarde")
    )
