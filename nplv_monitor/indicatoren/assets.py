"""Dagster assets of group ``indicatoren``: the catalogue and the context and gebiedseffect values."""

from collections.abc import Iterator

import dagster as dg
import duckdb
import polars as pl

from nplv_monitor import materialisatie
from nplv_monitor.db import WerkDatabase, lees
from nplv_monitor.indicatoren import bouw
from nplv_monitor.indicatoren.catalogus import laad_catalogus
from nplv_monitor.indicatoren.engine import gemeentecontrole

GROEP = "indicatoren"
Resultaat = Iterator[dg.AssetCheckResult | dg.MaterializeResult]
METINGEN_DEPS = [dg.AssetKey(["metingen", "metingen"]), dg.AssetKey(["metingen", "bronvariabelen"])]
REF_DEPS = [dg.AssetKey(["ref", t]) for t in ("gebieden", "gebied_buurten", "gebied_wijken")]
#: What the snapshot holds of each CBS table (release, truncated download): the cause of a gap.
BRONSTATUS_DEP = dg.AssetKey(["bron", "cbs_tabellen"])
BRONSTATUS_SQL = """
    select tabel_id, strftime(modified, '%Y-%m-%d') as release, afgekapt,
           rijen_in_snapshot as rijen, kwb_jaar,
           json_extract_string(sha256, '$."cbs/' || tabel_id || '/TypedDataSet.parquet"')
               as data_sha256
    from bron.cbs_tabellen
"""


class IndicatorConfig(dg.Config):
    """Basisjaar voor de trend; leeg = het eerste beschikbare jaar vanaf 2018."""

    basisjaar: int | None = None


def _waarden(con: duckdb.DuckDBPyConnection, familie: str, basisjaar: int | None) -> pl.DataFrame:
    return bouw.indicatorwaarden(
        lees(con, "select * from metingen.metingen"),
        lees(con, "select * from metingen.bronvariabelen"),
        laad_catalogus(),
        (familie,),
        gebieden=lees(con, "select * from ref.gebieden"),
        gebied_buurten=lees(con, "select * from ref.gebied_buurten"),
        gebied_wijken=lees(con, "select * from ref.gebied_wijken"),
        basisjaar=basisjaar,
        bronstatus=lees(con, BRONSTATUS_SQL),
    )


def _schrijf_familie(
    werkdb: WerkDatabase, familie: str, key: dg.AssetKey, basisjaar: int | None
) -> Resultaat:
    with werkdb.verbinding() as con:
        df = _waarden(con, familie, basisjaar)
        telling = df.group_by("status").len()
        yield from materialisatie.valideer_en_schrijf(
            con,
            df,
            schema_naam="monitor.indicatorwaarden",
            doel="monitor.indicatorwaarden",
            asset_key=key,
            vervang_waar={"familie": familie},
            extra_metadata={
                "status": dg.MetadataValue.json(
                    dict(zip(telling["status"].to_list(), telling["len"].to_list(), strict=True))
                ),
                "indicatoren": df["indicator_code"].n_unique(),
            },
        )


@dg.asset(
    key=["monitor", "indicatoren"],
    group_name=GROEP,
    kinds={"duckdb", "polars"},
    deps=[METINGEN_DEPS[1]],
    check_specs=[
        materialisatie.check_spec(dg.AssetKey(["monitor", "indicatoren"]), "monitor.indicatoren")
    ],
)
def indicatoren(werkdb: WerkDatabase) -> Resultaat:
    """De indicatorcatalogus (assets/indicatoren/*.yaml): familie, actielijn, bron, maat,
    teller/noemer, eenheid, richting, kader-item en de peiljaren waarin de bron de indicator vult."""
    with werkdb.verbinding() as con:
        df = bouw.catalogus_frame(
            laad_catalogus(), lees(con, "select * from metingen.bronvariabelen")
        )
        yield from materialisatie.valideer_en_schrijf(
            con, df, schema_naam="monitor.indicatoren", doel="monitor.indicatoren"
        )


CONTEXT_KEY = dg.AssetKey(["monitor", "contextindicatoren"])
EFFECT_KEY = dg.AssetKey(["monitor", "gebiedseffectindicatoren"])


@dg.asset(
    key=CONTEXT_KEY,
    group_name=GROEP,
    kinds={"duckdb", "polars"},
    deps=[*METINGEN_DEPS, *REF_DEPS, BRONSTATUS_DEP],
    check_specs=[materialisatie.check_spec(CONTEXT_KEY, "monitor.indicatorwaarden")],
)
def contextindicatoren(werkdb: WerkDatabase) -> Resultaat:
    """Contextindicatoren (demografie, wonen, voorzieningen, beleving) voor elk gebied, elke
    gemeente, wijk en buurt, in monitor.indicatorwaarden (familie = context)."""
    yield from _schrijf_familie(werkdb, "context", CONTEXT_KEY, None)


@dg.asset(
    key=EFFECT_KEY,
    group_name=GROEP,
    kinds={"duckdb", "polars"},
    deps=[*METINGEN_DEPS, *REF_DEPS, BRONSTATUS_DEP],
    check_specs=[materialisatie.check_spec(EFFECT_KEY, "monitor.indicatorwaarden")],
)
def gebiedseffectindicatoren(werkdb: WerkDatabase, config: IndicatorConfig) -> Resultaat:
    """Gebiedseffectindicatoren met vergelijking met Nederland, verandering sinds het basisjaar,
    verandering van de kloof en percentiel onder alle wijken (familie = gebiedseffect)."""
    yield from _schrijf_familie(werkdb, "gebiedseffect", EFFECT_KEY, config.basisjaar)


CONTROLE_KEY = dg.AssetKey(["monitor", "gemeente_controle"])


@dg.asset(
    key=CONTROLE_KEY,
    group_name=GROEP,
    kinds={"duckdb", "polars"},
    deps=[METINGEN_DEPS[0], CONTEXT_KEY, EFFECT_KEY],
    check_specs=[materialisatie.check_spec(CONTROLE_KEY, "monitor.gemeente_controle")],
)
def gemeente_controle(werkdb: WerkDatabase) -> Resultaat:
    """Controle van de gemeentewaarden: elke gemeente is opgeteld uit haar buurten (zelfde basis
    als focusgebied en rest); de gemeenterij van CBS staat ernaast, met het verschil en of dat
    groter is dan de afronding van de gepubliceerde cijfers verklaart (bijv. auto's per huishouden
    in Groningen: de gemeenterij telt ook auto's die aan geen buurt zijn toegewezen)."""
    with werkdb.verbinding() as con:
        df = gemeentecontrole.gemeentecontrole(
            lees(con, "select * from metingen.metingen"),
            lees(con, "select * from monitor.indicatorwaarden where gebied_soort = 'gemeente'"),
            laad_catalogus(),
            ("context", "gebiedseffect"),
        )
        yield from materialisatie.valideer_en_schrijf(
            con,
            df,
            schema_naam="monitor.gemeente_controle",
            doel="monitor.gemeente_controle",
            extra_metadata={
                "buiten_afronding": int(df["buiten_afronding"].sum() or 0),
            },
        )
