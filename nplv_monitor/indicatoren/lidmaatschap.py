"""Which lowest-level units (buurten, or wijken for wijk-level sources) make up each gebied.

One frame ``(gebied_code, gebied_soort, indelingsjaar, regiocode)`` drives the whole engine: the
CBS hierarchy (buurt → wijk → gemeente → Nederland, read from the codes: wijk = "WK" + code[2:8],
gemeente = "GM" + code[2:6]) for every indeling year a source uses, plus the focus areas and their
comparison areas from ref.gebied_buurten / ref.gebied_wijken. Those are just extra rows.
"""

from __future__ import annotations

import polars as pl

LIDMAATSCHAP_SCHEMA = {
    "gebied_code": pl.String,
    "gebied_soort": pl.String,
    "indelingsjaar": pl.Int64,
    "regiocode": pl.String,
}
#: ref.gebieden.soort → monitor.indicatorwaarden.gebied_soort (identical names).
REF_SOORTEN = ("focusgebied", "gemeente", "rest_gemeente", "alle_focusgebieden", "nederland")


def cbs_hierarchie(eenheden: pl.DataFrame) -> pl.DataFrame:
    """Membership of every CBS region from ``eenheden(indelingsjaar, regiocode)`` (buurt/wijk codes)."""
    e = eenheden.select("indelingsjaar", "regiocode").unique()
    buurt = e.filter(pl.col("regiocode").str.starts_with("BU"))
    wijk = e.filter(pl.col("regiocode").str.starts_with("WK"))
    code = pl.col("regiocode")
    delen = [
        buurt.with_columns(gebied_code=code, gebied_soort=pl.lit("buurt")),
        buurt.with_columns(
            gebied_code=pl.lit("WK") + code.str.slice(2, 6), gebied_soort=pl.lit("wijk")
        ),
        wijk.with_columns(gebied_code=code, gebied_soort=pl.lit("wijk")),
    ]
    for deel in (buurt, wijk):
        delen.append(
            deel.with_columns(
                gebied_code=pl.lit("GM") + code.str.slice(2, 4), gebied_soort=pl.lit("gemeente")
            )
        )
        delen.append(
            deel.with_columns(gebied_code=pl.lit("NL00"), gebied_soort=pl.lit("nederland"))
        )
    return pl.concat([d.select(list(LIDMAATSCHAP_SCHEMA)) for d in delen]).cast(LIDMAATSCHAP_SCHEMA)  # type: ignore[arg-type]


def uit_referentie(
    gebieden: pl.DataFrame, gebied_buurten: pl.DataFrame, gebied_wijken: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Membership of the focus areas and comparison areas from the ref.* tables."""
    soort = gebieden.select("gebied_code", pl.col("soort").alias("gebied_soort"))
    delen = [
        gebied_buurten.select(
            "gebied_code", "indelingsjaar", pl.col("buurtcode").alias("regiocode")
        )
    ]
    if gebied_wijken is not None and gebied_wijken.height:
        delen.append(
            gebied_wijken.select(
                "gebied_code", "indelingsjaar", pl.col("wijkcode").alias("regiocode")
            )
        )
    leden = pl.concat(delen).join(soort, on="gebied_code", how="left")
    return leden.select(list(LIDMAATSCHAP_SCHEMA)).cast(LIDMAATSCHAP_SCHEMA)  # type: ignore[arg-type]


def combineer(cbs: pl.DataFrame, referentie: pl.DataFrame | None) -> pl.DataFrame:
    """CBS hierarchy plus the areas; where the areas define a code (GM…, NL00) for an indeling
    year, their definition replaces the derived one so a code has one membership per year."""
    if referentie is None or referentie.height == 0:
        return cbs
    eigen = referentie.select("gebied_code", "indelingsjaar").unique()
    return pl.concat([cbs.join(eigen, on=["gebied_code", "indelingsjaar"], how="anti"), referentie])
