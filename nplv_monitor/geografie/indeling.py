"""``ref.regio_indeling``: every land/gemeente/wijk/buurt per CBS indeling year, with parents.

CBS codes are hierarchical: a buurt ``BUggggwwbb`` lies in wijk ``WKggggww`` of gemeente
``GMgggg`` (also for Amsterdam's letter codes since 2022, ``BU0363FA01`` -> ``WK0363FA``). Parents
are derived from the code and checked against the region list of the same year, so a buurt never
points at a wijk that does not exist in its indeling.
"""

from __future__ import annotations

import polars as pl

from nplv_monitor.errors import BronFout
from nplv_monitor.geografie.invoer import BRON_2022, Invoer

#: Indeling years with a complete buurt list (the years an area is resolved to buurten).
BUURTJAREN = (2020, 2024)
#: The Leefbaarometer wijk file's indeling (wijken only).
WIJKJAAR_LEEFBAROMETER = 2022

KOLOMMEN = ["indelingsjaar", "regiocode", "regionaam", "soort", "gemeentecode", "wijkcode", "bron"]


def _soort(code: pl.Expr) -> pl.Expr:
    prefix = code.str.slice(0, 2)
    return (
        pl.when(prefix == "NL")
        .then(pl.lit("land"))
        .when(prefix == "GM")
        .then(pl.lit("gemeente"))
        .when(prefix == "WK")
        .then(pl.lit("wijk"))
        .when(prefix == "BU")
        .then(pl.lit("buurt"))
    )


def _ouders(df: pl.DataFrame) -> pl.DataFrame:
    code = pl.col("regiocode")
    return df.with_columns(
        gemeentecode=pl.when(pl.col("soort") == "land")
        .then(pl.lit(None, pl.String))
        .otherwise(pl.lit("GM") + code.str.slice(2, 4)),
        wijkcode=pl.when(pl.col("soort") == "buurt")
        .then(pl.lit("WK") + code.str.slice(2, 6))
        .when(pl.col("soort") == "wijk")
        .then(code)
        .otherwise(pl.lit(None, pl.String)),
    )


def _uit_lijst(regio: pl.DataFrame, jaar: int, bron: str) -> pl.DataFrame:
    df = regio.select(
        pl.lit(jaar, pl.Int64).alias("indelingsjaar"),
        pl.col("code").alias("regiocode"),
        pl.col("naam").alias("regionaam"),
        _soort(pl.col("code")).alias("soort"),
        pl.col("gemeentecode").alias("gemeentecode_bron"),
        pl.lit(bron).alias("bron"),
    )
    df = _ouders(df)
    # The list's own Municipality must agree with the code's gemeente part (guards the derivation).
    afwijkend = df.filter(
        pl.col("soort").is_in(["wijk", "buurt"]),
        pl.col("gemeentecode") != pl.col("gemeentecode_bron"),
    )
    if afwijkend.height:
        r = afwijkend.row(0, named=True)
        raise BronFout(
            f"{bron}: regio {r['regiocode']} hoort volgens de lijst bij {r['gemeentecode_bron']}, "
            f"volgens de code bij {r['gemeentecode']} ({afwijkend.height} regio's wijken af)."
        )
    return df.select(KOLOMMEN)


def _controleer_ouders(df: pl.DataFrame) -> None:
    bestaand = df.select("indelingsjaar", pl.col("regiocode").alias("ouder"))
    for kolom, soort in (("wijkcode", "buurt"), ("gemeentecode", "wijk")):
        wees = df.filter(pl.col("soort") == soort).join(
            bestaand,
            left_on=["indelingsjaar", kolom],
            right_on=["indelingsjaar", "ouder"],
            how="anti",
        )
        if wees.height:
            r = wees.row(0, named=True)
            raise BronFout(
                f"Indeling {r['indelingsjaar']} ({r['bron']}): {soort} {r['regiocode']} verwijst "
                f"naar {r[kolom]}, die niet in dezelfde indeling staat ({wees.height} gevallen)."
            )


def regio_indeling(invoer: Invoer) -> pl.DataFrame:
    """All regions of every CBS indeling in the work DB and the wijken of the 2022 Leefbaarometer
    file."""
    delen = [_uit_lijst(i.regio, jaar, i.bron) for jaar, i in sorted(invoer.indelingen.items())]
    d2022 = _ouders(
        invoer.wijken_2022.select(
            pl.lit(WIJKJAAR_LEEFBAROMETER, pl.Int64).alias("indelingsjaar"),
            pl.col("wijkcode").alias("regiocode"),
            pl.col("wijknaam").alias("regionaam"),
            pl.lit("wijk").alias("soort"),
            pl.lit(BRON_2022).alias("bron"),
        )
    ).select(KOLOMMEN)
    # The Leefbaarometer file's wijken are the 2022 CBS wijk indeling; when that indeling itself is
    # loaded (a KWB table on the 2022 indeling), it is the complete list and the file adds nothing.
    if WIJKJAAR_LEEFBAROMETER in invoer.indelingen:
        d2022 = d2022.clear()
    df = pl.concat([*delen, d2022]).sort("indelingsjaar", "regiocode")
    # The 2022 file holds wijken only: their gemeente is not in that year's list, so only the
    # complete years are checked for orphans.
    _controleer_ouders(df.filter(pl.col("indelingsjaar").is_in(list(invoer.indelingen))))
    return df


def buurt_inwoners(invoer: Invoer) -> pl.DataFrame:
    """Inhabitants per buurt and indeling year: (indelingsjaar, buurtcode, inwoners). A buurt of
    the list without a population is kept with inwoners null, so coverage can be reported rather
    than silently treated as zero."""
    return pl.concat(
        [
            i.regio.filter(pl.col("code").str.starts_with("BU")).select(
                pl.lit(jaar, pl.Int64).alias("indelingsjaar"),
                pl.col("code").alias("buurtcode"),
                pl.col("inwoners").cast(pl.Int64),
            )
            for jaar, i in sorted(invoer.indelingen.items())
        ]
    )
