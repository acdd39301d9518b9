"""Dagster assets of the realisatie stage: returns, scheme figures and gebiedsrealisatie indicators.

Sources (group bronnen): the published scheme figures (from bron.nplv_realisatie in the work
DuckDB file, with the CSV's sha256 from bron.herkomst, never the snapshot file), the ministry's
per-area exports and the areas' returns from the drop folder. Derived (group indicatoren): the
process questions and the gebiedsrealisatie rows of monitor.indicatorwaarden.
"""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from nplv_monitor import materialisatie
from nplv_monitor.db import WerkDatabase, lees
from nplv_monitor.errors import TabelOntbreekt
from nplv_monitor.realisatie import indicatoren, intake, mappen, regelingen
from nplv_monitor.werktabellen import aanwezig, vereis

CIJFERS = "realisatie.regelingen_cijfers"
GEBIED = "realisatie.regelingen_gebied"
ANTWOORDEN = "realisatie.retouren_antwoorden"
HISTORIE = "realisatie.retouren_historie"
AFGEWEZEN = "realisatie.retouren_afgewezen"
PROCES = "realisatie.procesvragen"
INDICATORWAARDEN = "monitor.indicatorwaarden"
INDICATOREN_KEY = dg.AssetKey("gebiedsrealisatie_indicatoren")
BRON_REALISATIE_KEY = dg.AssetKey(regelingen.BRONTABEL.split("."))
#: Materialization metadata of realisatie.retouren_afgewezen listing the rejected files in the
#: drop folder; read by the build summary (orkestratie/build.py).
GEWEIGERD_META = "geweigerde_retouren"
#: Written by every bron asset (here bron/nplv_realisatie) with its table; not an asset itself.
HERKOMST = "bron.herkomst"


def _key(tabel: str) -> dg.AssetKey:
    return dg.AssetKey(tabel.split("."))


def _lees_of_leeg(
    con: duckdb.DuckDBPyConnection, tabel: str, schema: dict[str, pl.DataType]
) -> pl.DataFrame:
    """A stored table, or an empty frame when it was never written (first run)."""
    s, t = tabel.split(".")
    bestaat = lees(
        con,
        "select count(*) as n from information_schema.tables where table_schema = ? and table_name = ?",
        [s, t],
    )
    if bestaat["n"][0] == 0:
        return pl.DataFrame(schema=schema)
    return lees(con, f'select * from "{s}"."{t}"').select(list(schema)).cast(schema)  # type: ignore[arg-type]


def _bron_sha256(con: duckdb.DuckDBPyConnection, bestand: Path) -> str:
    """The sha256 of the CSV bron.nplv_realisatie was read from, as the bronnen asset recorded it
    (in the same transaction as the table)."""
    rijen = (
        lees(
            con,
            f"select distinct sha256 from {HERKOMST} where bron_tabel = ? and bestand = ?",
            [regelingen.BRONTABEL, regelingen.GEPUBLICEERD_CSV],
        )
        if HERKOMST in aanwezig(con)
        else pl.DataFrame(schema={"sha256": pl.String})
    )
    if rijen.height != 1:
        raise TabelOntbreekt(
            f"De werkdatabase {bestand} heeft in {HERKOMST} geen eenduidige sha256 voor "
            f"bron_tabel {regelingen.BRONTABEL}, bestand {regelingen.GEPUBLICEERD_CSV} "
            f"({rijen.height} rijen). Materialiseer bron/nplv_realisatie opnieuw "
            "(`nplv-monitor build`)."
        )
    return str(rijen["sha256"][0])


def _lees_retourtabel(
    con: duckdb.DuckDBPyConnection, tabel: str, schema: dict[str, pl.DataType]
) -> pl.DataFrame:
    """A stored return table with the columns of ``schema`` it has: the history and rejections
    are state kept across builds, and a table written before a column was added must still be
    read (``intake.verwerk_map`` derives the missing columns)."""
    s, t = tabel.split(".")
    kolommen = set(
        lees(
            con,
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [s, t],
        )["column_name"].to_list()
    )
    if not kolommen:
        return pl.DataFrame(schema=schema)
    gelezen = {k: v for k, v in schema.items() if k in kolommen}
    df = lees(con, f'select {", ".join(gelezen)} from "{s}"."{t}"')
    return df.cast(gelezen)  # type: ignore[arg-type]


class MapConfig(dg.Config):
    """Drop folder; empty = the environment variable or the default under the output folder."""

    map: str = ""


@dg.asset(
    key=_key(CIJFERS),
    group_name="bronnen",
    deps=[BRON_REALISATIE_KEY],
    kinds={"duckdb", "polars"},
    check_specs=[materialisatie.check_spec(_key(CIJFERS), CIJFERS)],
)
def regelingen_cijfers(
    werkdb: WerkDatabase,
) -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
    """Gepubliceerde realisatiecijfers van de landelijke regelingen (Kamerstukken 30 995 nr. 104,
    106 en 107), met bandbreedte, woordkeuze en Kamerstuk."""
    with werkdb.verbinding() as con:
        vereis(con, [regelingen.BRONTABEL], bestand=werkdb.bestand())
        sha256 = _bron_sha256(con, werkdb.bestand())
        df = regelingen.lees_gepubliceerd(lees(con, regelingen.BRON_SQL), sha256)
        yield from materialisatie.valideer_en_schrijf(
            con, df, schema_naam=CIJFERS, doel=CIJFERS, bron=regelingen.BRONTABEL,
            extra_metadata={"sha256": sha256},
        )  # fmt: skip


@dg.asset(
    key=_key(GEBIED),
    group_name="bronnen",
    kinds={"duckdb", "polars"},
    check_specs=[materialisatie.check_spec(_key(GEBIED), GEBIED)],
)
def regelingen_gebied(
    context: dg.AssetExecutionContext, config: MapConfig, werkdb: WerkDatabase
) -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
    """Regelingencijfers per focusgebied uit de exports van het ministerie (map NPLV_REGELINGEN_DIR,
    standaard output/regelingen; formaat: assets/regelingen/README.md). Een fout bestand wordt
    geweigerd, de andere worden ingelezen."""
    map_ = mappen.regelingenmap(config.map)
    df, fouten = regelingen.lees_exportmap(map_)
    for fout in fouten:
        context.log.warning(str(fout))
    with werkdb.verbinding() as con:
        yield from materialisatie.valideer_en_schrijf(
            con, df, schema_naam=GEBIED, doel=GEBIED,
            extra_metadata={"map": str(map_), "geweigerd": dg.MetadataValue.md(
                "\n\n".join(str(f) for f in fouten) or "geen")},
        )  # fmt: skip


@dg.multi_asset(
    specs=[
        dg.AssetSpec(_key(ANTWOORDEN), group_name="bronnen", kinds={"duckdb", "polars"},
                     description="De geldende antwoorden per gebied en jaar (laatst ontvangen goedgekeurde retour)."),
        dg.AssetSpec(_key(HISTORIE), group_name="bronnen", kinds={"duckdb", "polars"},
                     description="Alle goedgekeurde retouren, ook vervangen versies, met ontvangstmoment en sha256."),
        dg.AssetSpec(_key(AFGEWEZEN), group_name="bronnen", kinds={"duckdb", "polars"},
                     description="Geweigerde retouren met de redenen (bestand, blad, rij, kolom) en het gebied dat het bestand zelf noemt."),
    ],
    check_specs=[materialisatie.check_spec(_key(t), t) for t in (ANTWOORDEN, HISTORIE, AFGEWEZEN)],
)  # fmt: skip
def retouren(
    context: dg.AssetExecutionContext, config: MapConfig, werkdb: WerkDatabase
) -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
    """Leest elke nieuwe retour in de inleveringsmap (NPLV_RETOUREN_DIR, standaard output/retouren).
    Een fout bestand wordt in zijn geheel geweigerd en verandert geen antwoorden; een verbeterde
    retour voor hetzelfde gebied en jaar vervangt de eerdere, die in de historie blijft."""
    map_ = mappen.retourmap(config.map)
    with werkdb.verbinding() as con:
        v = intake.verwerk_map(
            map_,
            _lees_retourtabel(con, HISTORIE, intake.ANTWOORD_SCHEMA),
            _lees_retourtabel(con, AFGEWEZEN, intake.AFGEWEZEN_SCHEMA),
        )
        for fout in v.geweigerd:
            context.log.warning(str(fout))
        tabellen = {ANTWOORDEN: v.antwoorden, HISTORIE: v.historie, AFGEWEZEN: v.afgewezen}
        meta = {"map": str(map_), "nieuw_goedgekeurd": ", ".join(v.geaccepteerd) or "geen",
                "nieuw_geweigerd": ", ".join(f.bestand for f in v.geweigerd) or "geen",
                "al_bekend": len(v.al_bekend)}  # fmt: skip
        # The rejected files now in the folder, for the build summary (and `build --streng`);
        # only on the rejections table, so the summary sees them once.
        extra = {AFGEWEZEN: {GEWEIGERD_META: dg.MetadataValue.json(v.geweigerd_in_map)}}
        # All three are validated before any is written, and written together.
        yield from materialisatie.valideer_en_schrijf_alle(
            con,
            [
                materialisatie.Tabel(
                    df, tabel, tabel, _key(tabel), extra_metadata={**meta, **extra.get(tabel, {})}
                )
                for tabel, df in tabellen.items()
            ],
        )


@dg.asset(
    key=_key(PROCES),
    group_name="indicatoren",
    deps=[_key(ANTWOORDEN)],
    kinds={"duckdb", "polars"},
    check_specs=[materialisatie.check_spec(_key(PROCES), PROCES)],
)
def procesvragen(werkdb: WerkDatabase) -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
    """Antwoorden op de procesvragen (18-25) van de uitvraag: oordelen over SPUK, zeggenschap van
    de alliantie en WijkWijzer, per gebied en jaar."""
    with werkdb.verbinding() as con:
        antwoorden = _lees_of_leeg(con, ANTWOORDEN, intake.ANTWOORD_SCHEMA)
        yield from materialisatie.valideer_en_schrijf(
            con, intake.procesvragen(antwoorden), schema_naam=PROCES, doel=PROCES
        )


@dg.asset(
    key=INDICATOREN_KEY,
    group_name="indicatoren",
    deps=[_key(CIJFERS), _key(GEBIED), _key(ANTWOORDEN)],
    kinds={"duckdb", "polars"},
    check_specs=[materialisatie.check_spec(INDICATOREN_KEY, INDICATORWAARDEN)],
)
def gebiedsrealisatie_indicatoren(
    werkdb: WerkDatabase,
) -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
    """Gebiedsrealisatie-indicatoren per actielijn (VHF, WBI/SBI, NIP, Woontop, VVE, AanDeBak, PmG
    en de cijfers uit de uitvraag), per focusgebied en voor alle focusgebieden samen met het aantal
    gebieden dat rapporteerde; elke waarde met haar Kamerstuk of retour als bron."""
    with werkdb.verbinding() as con:
        df = indicatoren.bereken(
            lees(con, f"select * from {CIJFERS}").cast(regelingen.CIJFERS_SCHEMA),  # type: ignore[arg-type]
            _lees_of_leeg(con, GEBIED, regelingen.GEBIED_SCHEMA),
            _lees_of_leeg(con, ANTWOORDEN, intake.ANTWOORD_SCHEMA),
        )
        yield from materialisatie.valideer_en_schrijf(
            con, df, schema_naam=INDICATORWAARDEN, doel=INDICATORWAARDEN, asset_key=INDICATOREN_KEY,
            vervang_waar={"familie": indicatoren.FAMILIE},
            extra_metadata={"status": dg.MetadataValue.json(
                dict(df.group_by("status").len().sort("status").iter_rows()))},
        )  # fmt: skip
