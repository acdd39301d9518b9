"""From metingen to rows of monitor.indicatorwaarden: aggregation, explained gaps, comparisons."""

from __future__ import annotations

import polars as pl

from nplv_monitor.indicatoren import vergelijking
from nplv_monitor.indicatoren.catalogus import Catalogus, bronnen
from nplv_monitor.indicatoren.engine import ontbrekend
from nplv_monitor.indicatoren.engine.aggregatie import (
    DEKKING_DREMPEL,
    RESULTAAT_SCHEMA,
    aggregeer,
    met_gebiedsniveau,
    referentiebevolking,
)
from nplv_monitor.indicatoren.vergelijkbaarheid import Vergelijkbaarheid

HOOFDGEBIED_SOORTEN = (
    "focusgebied",
    "gemeente",
    "rest_gemeente",
    "alle_focusgebieden",
    "nederland",
)


def ontbrekende_rijen(
    catalogus: Catalogus,
    bronvariabelen: pl.DataFrame,
    hoofdgebieden: pl.DataFrame,
    families: tuple[str, ...],
    *,
    bronstatus: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Status ``ontbreekt`` for every main gebied where a table does not fill the variable at all
    (the early KWB releases): the catalogue keeps the indicator, the snapshot has no value. The
    text names the release the snapshot holds and the route to a newer one (engine/ontbrekend)."""
    kaart = pl.DataFrame(
        [
            {"indicator_code": i.code, "variabele": i.teller, "bron": b}
            for i in catalogus.van_familie(*families)
            for b in i.bronnen()
        ],
        schema={"indicator_code": pl.String, "variabele": pl.String, "bron": pl.String},
    )
    leeg = ontbrekend.met_bronstatus(
        bronvariabelen.filter(pl.col("gevuld") == 0).join(kaart, on=["bron", "variabele"]),
        bronstatus if bronstatus is not None else ontbrekend.bronstatus_schema(),
    )
    return (
        leeg.join(hoofdgebieden, how="cross")
        .select(
            "gebied_code",
            "gebied_soort",
            "indicator_code",
            "peiljaar",
            "indelingsjaar",
            pl.lit(None, pl.Float64).alias("waarde"),
            pl.lit(None, pl.Float64).alias("teller"),
            pl.lit(None, pl.Float64).alias("noemer"),
            pl.lit(None, pl.Float64).alias("dekking"),
            pl.lit("ontbreekt").alias("status"),
            ontbrekend.toelichting_niet_gevuld().alias("status_toelichting"),
            pl.col("tabel_id").alias("bron_tabel"),
            "bron_variabele",
            "bron_sha256",
            pl.lit(None, pl.String).alias("toelichting"),
        )
        .cast(RESULTAAT_SCHEMA)  # type: ignore[arg-type]
    )


def zonder_rij(
    catalogus: Catalogus,
    df: pl.DataFrame,
    hoofdgebieden: pl.DataFrame,
    families: tuple[str, ...],
    *,
    bronstatus: pl.DataFrame | None = None,
    lidmaatschap: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every main gebied has a row for every indicator and every peiljaar it has: a missing one
    gets ``ontbreekt`` with its cause (engine/ontbrekend.zonder_rij)."""
    return ontbrekend.zonder_rij(
        catalogus,
        df,
        hoofdgebieden,
        families,
        bronstatus=bronstatus if bronstatus is not None else ontbrekend.bronstatus_schema(),
        resultaat_schema=RESULTAAT_SCHEMA,
        lidmaatschap=lidmaatschap,
    )


def bron_vermelding() -> pl.Expr:
    namen = {t: f"{b.naam} ({t})" for b in bronnen().values() for t in b.tabellen.values()}
    return pl.col("bron_tabel").replace_strict(namen, default=pl.col("bron_tabel"))


def indicatorwaarden(
    metingen: pl.DataFrame,
    bronvariabelen: pl.DataFrame,
    lidmaatschap: pl.DataFrame,
    catalogus: Catalogus,
    families: tuple[str, ...],
    *,
    gebieden: pl.DataFrame | None = None,
    drempel: float = DEKKING_DREMPEL,
    basisjaar_vanaf: int = vergelijking.BASISJAAR_VANAF,
    basisjaar: int | None = None,
    bronstatus: pl.DataFrame | None = None,
    vergelijkbaarheid: Vergelijkbaarheid | None = None,
) -> pl.DataFrame:
    """Rows of monitor.indicatorwaarden for ``families``: every gebied, indicator and peiljaar.

    ``bronstatus`` (engine/ontbrekend.BRONSTATUS_SCHEMA, from bron.cbs_tabellen) says which
    release of each CBS table the snapshot holds and whether its download is truncated; the
    texts of missing values name that cause and the online route.
    """
    status = bronstatus if bronstatus is not None else ontbrekend.bronstatus_schema()
    lidmaatschap = ontbrekend.met_hele_wijken(lidmaatschap)
    df = aggregeer(metingen, lidmaatschap, catalogus, families, gebieden=gebieden, drempel=drempel)
    df = ontbrekend.kies_bron(df, metingen, catalogus)
    df = ontbrekend.met_oorzaak_afgekapt(df, metingen, lidmaatschap, status)
    hoofd = (
        gebieden.select("gebied_code", pl.col("soort").alias("gebied_soort"))
        if gebieden is not None
        else pl.DataFrame({"gebied_code": ["NL00"], "gebied_soort": ["nederland"]})
    )
    gaten = ontbrekende_rijen(catalogus, bronvariabelen, hoofd, families, bronstatus=status)
    gaten = gaten.join(
        df.select("gebied_code", "indicator_code", "peiljaar"),
        on=["gebied_code", "indicator_code", "peiljaar"],
        how="anti",
    )
    df = pl.concat([df, gaten])
    df = pl.concat(
        [
            df,
            zonder_rij(
                catalogus, df, hoofd, families, bronstatus=status, lidmaatschap=lidmaatschap
            ),
        ]
    )
    df = met_gebiedsniveau(df, metingen, catalogus, gebieden)
    effect = [i.code for i in catalogus.van_familie("gebiedseffect") if i.familie in families]
    df = vergelijking.met_nederland(df)
    df = vergelijking.met_basisjaar(
        df, effect, vanaf=basisjaar_vanaf, vast=basisjaar, vergelijkbaarheid=vergelijkbaarheid
    )
    df = vergelijking.met_kloof(
        df, {i.code: i.nauwkeurigheid for i in catalogus.van_familie(*families)}
    )
    landelijk = (
        referentiebevolking(metingen)["indelingsjaar"].unique().sort().to_list()
        if metingen.height
        else []
    )
    df = vergelijking.met_percentiel(df, effect, landelijk)
    df = vergelijking.met_actueel(df)
    meta = pl.DataFrame(
        [
            {
                "indicator_code": i.code,
                "familie": i.familie,
                "actielijn": i.actielijn,
                "eenheid": i.eenheid,
            }
            for i in catalogus.van_familie(*families)
        ]
    )
    niet_effect = ~pl.col("indicator_code").is_in(effect)
    return (
        df.join(meta, on="indicator_code", how="left")
        .with_columns(
            waarde_min=pl.lit(None, pl.Float64),
            waarde_max=pl.lit(None, pl.Float64),
            bron_vermelding=bron_vermelding(),
            # trend and rank are gebiedseffect columns; context rows keep only the NL comparison
            **{
                k: pl.when(niet_effect).then(None).otherwise(pl.col(k))
                for k in (
                    "basisjaar",
                    "waarde_basisjaar",
                    "verandering_sinds_basis",
                    "verschil_nederland_basisjaar",
                    "verandering_verschil",
                    "kloof_wordt",
                    "percentiel_wijken",
                    *vergelijking.TERRITORIUM_KOLOMMEN,
                )
            },
        )
        .sort("indicator_code", "gebied_code", "peiljaar")
    )
