"""Editions: every publication is an edition, and the published file carries all earlier ones.

An edition is identified by ``editie_id`` (rapportagejaar, UTC timestamp and the first characters
of the Dagster run id) and records the snapshot files (with sha256) its bron tables were read from:
the rows of ``bron.herkomst`` in the work DuckDB file at publication, never the snapshot itself
(stage boundary, docs/ontwikkelaars.md). The figures of
every edition live in ``publicatie.indicatorwaarden_historie`` (keyed by editie_id), copied forward
from the previous published file, so last year's reported figures stay next to the revised ones.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from nplv_monitor import __version__, validatie
from nplv_monitor.db import lees, sql_tekst, verbind
from nplv_monitor.errors import NplvFout, TabelOntbreekt
from nplv_monitor.publicatie import historie
from nplv_monitor.werktabellen import aanwezig

EDITIES = "publicatie.edities"
BESTANDEN = "publicatie.editie_bestanden"
HISTORIE = historie.HISTORIE
WIJZIGINGEN = historie.WIJZIGINGEN
#: Written by every bron asset together with its table: the files it read, with their sha256.
HERKOMST = "bron.herkomst"
INDICATORWAARDEN = ("monitor", "indicatorwaarden")
TELLINGEN = ("aantal_indicatorwaarden", "aantal_ok", "aantal_onderdrukt", "aantal_ontbreekt")
#: Inputs that are not files in bron.herkomst: the areas' returns from the drop folder, as read.
WERK_INVOER = ("realisatie.retouren_historie", "realisatie.retouren_afgewezen")


@dataclass(frozen=True)
class SnapshotBestand:
    pad: str
    dataset: str
    sha256: str


@dataclass(frozen=True)
class Editie:
    editie_id: str
    rapportagejaar: int
    gepubliceerd_op: datetime
    run_id: str
    snapshot: tuple[SnapshotBestand, ...]

    @classmethod
    def nieuw(
        cls, rapportagejaar: int, moment: datetime, run_id: str, snapshot: list[SnapshotBestand]
    ) -> Editie:
        editie_id = f"{rapportagejaar}-{moment:%Y%m%dT%H%M%S}Z-{run_id[:8]}"
        return cls(
            editie_id, rapportagejaar, moment, run_id, tuple(sorted(snapshot, key=lambda b: b.pad))
        )

    @property
    def snapshot_sha256(self) -> str:
        """One fingerprint of all snapshot files (sha256 over the sorted 'path sha256' lines)."""
        regels = "".join(f"{b.pad} {b.sha256}\n" for b in self.snapshot)
        return hashlib.sha256(regels.encode()).hexdigest()


class HerkomstFout(NplvFout):
    """``bron.herkomst`` names one snapshot file with two different hashes: bron tables in the
    work DuckDB file were read from two versions of that file."""


def snapshot_bestanden(werk_db: Path) -> list[SnapshotBestand]:
    """The snapshot files the bron tables in ``werk_db`` were read from (``bron.herkomst``).

    A file read by several bron assets (the CBS files feed ``bron.cbs_tabellen`` too) is listed
    once. Two hashes for one file mean the tables come from two versions of it; such a work DB is
    refused rather than published with a provenance that is true for only part of it.
    """
    with verbind(werk_db, read_only=True) as con:
        if HERKOMST not in aanwezig(con):
            raise TabelOntbreekt(
                f"De werkdatabase {werk_db} mist de tabel {HERKOMST} (de snapshot"
                "bestanden van elke brontabel, geschreven door de bron-assets), dus kan de editie "
                "haar herkomst niet vastleggen. Draai eerst `nplv-monitor build` (of materialiseer "
                "de groep bronnen in Dagster)."
            )
        rijen = lees(
            con,
            "SELECT bestand, dataset, sha256, string_agg(bron_tabel, ', ' ORDER BY bron_tabel) "
            "AS bron_tabellen FROM bron.herkomst GROUP BY ALL ORDER BY bestand, sha256",
        )
    dubbel = rijen.filter(pl.col("bestand").is_duplicated())
    if not dubbel.is_empty():
        pad = dubbel["bestand"][0]
        versies = "; ".join(
            f"sha256 {r['sha256'][:12]}… in {r['bron_tabellen']}"
            for r in dubbel.filter(pl.col("bestand") == pad).iter_rows(named=True)
        )
        raise HerkomstFout(
            f"{HERKOMST} in {werk_db} noemt snapshotbestand {pad} met twee versies "
            f"({versies}): die brontabellen komen uit verschillende versies van het bestand. "
            "Materialiseer de groep bronnen opnieuw (`nplv-monitor build`) en publiceer dan."
        )
    return [
        SnapshotBestand(r["bestand"], r["dataset"], r["sha256"])
        for r in rijen.iter_rows(named=True)
    ]


def bestaat(con: duckdb.DuckDBPyConnection, db: str, schema: str, tabel: str) -> bool:
    """Whether ``db.schema.tabel`` exists as a table or a view."""
    rij = con.execute(
        "SELECT (SELECT count(*) FROM duckdb_tables() WHERE database_name = $1 AND schema_name = $2 "
        "AND table_name = $3) + (SELECT count(*) FROM duckdb_views() WHERE database_name = $1 "
        "AND schema_name = $2 AND view_name = $3)",
        [db, schema, tabel],
    ).fetchall()[0]
    return bool(rij and rij[0])


def _is_tabel(con: duckdb.DuckDBPyConnection, db: str, naam: str) -> bool:
    schema, tabel = naam.split(".")
    rij = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
        "AND table_name = ?",
        [db, schema, tabel],
    ).fetchall()[0]
    return bool(rij and rij[0])


def werk_invoer_sha256(werk_db: Path) -> str:
    """A fingerprint of the inputs that are not files in ``bron.herkomst`` (``WERK_INVOER``: the
    returns as read from the drop folder), over their rows in any order."""
    delen = []
    with verbind(werk_db, read_only=True) as con:
        tabellen = aanwezig(con)
        for naam in WERK_INVOER:
            if naam not in tabellen:
                delen.append(f"{naam} -")
                continue
            rij = con.execute(
                f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {naam} t"
            ).fetchall()[0]
            delen.append(f"{naam} {rij[0]} {rij[1]}")
    return hashlib.sha256("\n".join(delen).encode()).hexdigest()


def vingerafdruk(
    snapshot_sha256: str, werk_invoer: str, codeversie: str, rapportagejaar: int
) -> str:
    """What makes an edition: its inputs, the code that computed it, and its rapportagejaar.
    Two builds with the same fingerprint publish the same figures (docs/orkestratie.md)."""
    regels = f"invoer {snapshot_sha256}\nretouren {werk_invoer}\ncode {codeversie}\n"
    return hashlib.sha256(f"{regels}rapportagejaar {rapportagejaar}\n".encode()).hexdigest()


def _telling(con: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
    if not bestaat(con, "werk", *INDICATORWAARDEN):
        return dict.fromkeys(TELLINGEN)
    rij = con.execute(
        "SELECT count(*), count(*) FILTER (status = 'ok'), "
        "count(*) FILTER (status = 'onderdrukt'), count(*) FILTER (status = 'ontbreekt') "
        "FROM werk.monitor.indicatorwaarden"
    ).fetchall()[0]
    assert rij is not None
    return dict(zip(TELLINGEN, rij, strict=True))


def _voeg_samen(
    con: duckdb.DuckDBPyConnection, doel: str, nieuw_sql: str | None, vorige: bool
) -> None:
    """pub.<doel> := previous rows ∪ new rows, matched by column name (columns may be added
    between editions; nothing of an earlier edition is dropped)."""
    schema, tabel = doel.split(".")
    delen = []
    if vorige and bestaat(con, "vorige", schema, tabel):
        delen.append(f"SELECT * FROM vorige.{schema}.{tabel}")
    if nieuw_sql:
        delen.append(nieuw_sql)
    if not delen:
        return
    con.execute(f"CREATE TABLE pub.{schema}.{tabel} AS " + " UNION ALL BY NAME ".join(delen))


def telling_van(rij: pl.DataFrame) -> dict[str, int | None]:
    return {k: rij[k][0] for k in TELLINGEN}


def _edities_van_vorige(con: duckdb.DuckDBPyConnection, vorige: bool) -> None:
    """pub.publicatie.edities := the previous editions, numbered in publication order.

    A file published before editions had a volgnummer (or a mark) gets them here, once.
    """
    sch = validatie.schema(EDITIES)
    kolommen = ", ".join(
        f'CAST(NULL AS {_duck_type(str(c.dtype))}) AS "{k}"' for k, c in sch.columns.items()
    )
    delen = [f"(SELECT {kolommen} LIMIT 0)"]
    if vorige and bestaat(con, "vorige", "publicatie", "edities"):
        delen.append("SELECT * FROM vorige.publicatie.edities")
    con.execute(
        "CREATE TABLE pub.publicatie.edities AS SELECT * REPLACE ("
        "coalesce(volgnummer, row_number() OVER (ORDER BY gepubliceerd_op)) AS volgnummer, "
        "coalesce(gerapporteerd, false) AS gerapporteerd) FROM ("
        + " UNION ALL BY NAME ".join(delen)
        + ")"
    )


def _duck_type(dtype: str) -> str:
    if dtype.startswith("Datetime"):
        return "TIMESTAMPTZ"
    return {"String": "VARCHAR", "Int64": "BIGINT", "Boolean": "BOOLEAN"}.get(dtype, "VARCHAR")


def _historie(con: duckdb.DuckDBPyConnection, editie: Editie, vorige: bool) -> None:
    """pub's value history: the previous file's, plus this edition's values (historie.py)."""
    if vorige and _is_tabel(con, "vorige", WIJZIGINGEN):
        con.execute(f"CREATE TABLE pub.{WIJZIGINGEN} AS SELECT * FROM vorige.{WIJZIGINGEN}")
    elif vorige and _is_tabel(con, "vorige", HISTORIE):
        # A file from before the history stored each value once: every edition's full set of
        # values, converted edition by edition (oldest first) into validity rows.
        oud = [
            str(r[0])
            for r in con.execute(
                "SELECT editie_id FROM pub.publicatie.edities ORDER BY volgnummer"
            ).fetchall()
        ]
        historie.maak_tabel(con, "pub", f"(SELECT * EXCLUDE (editie_id) FROM vorige.{HISTORIE})")
        for eid in oud:
            historie.voeg_editie_toe(
                con,
                "pub",
                eid,
                f"SELECT * EXCLUDE (editie_id) FROM vorige.{HISTORIE} "
                f"WHERE editie_id = {sql_tekst(eid)}",
            )
    if bestaat(con, "werk", *INDICATORWAARDEN):
        bron = "SELECT * FROM werk.monitor.indicatorwaarden"
        if not _is_tabel(con, "pub", WIJZIGINGEN):
            historie.maak_tabel(con, "pub", f"({bron})")
        historie.voeg_editie_toe(con, "pub", editie.editie_id, bron)
    elif _is_tabel(con, "pub", WIJZIGINGEN):  # this edition has no values: all are replaced
        con.execute(
            f"UPDATE pub.{WIJZIGINGEN} SET vervangen_in = ? WHERE vervangen_in IS NULL",
            [editie.editie_id],
        )
    if _is_tabel(con, "pub", WIJZIGINGEN):
        historie.maak_view(con, "pub")


def schrijf(
    con: duckdb.DuckDBPyConnection,
    editie: Editie,
    *,
    vorige: bool,
    vingerafdruk: str = "",
    codeversie: str = "",
) -> tuple[int, pl.DataFrame]:
    """Write the edition tables into ``pub``; return the number of editions and the new row.

    ``con`` has ``werk`` (this run's tables), ``pub`` (the new file) and, when ``vorige`` is true,
    ``vorige`` (the pipeline's verified copy of the previous publication, read-only) attached.
    """
    con.execute("CREATE SCHEMA IF NOT EXISTS pub.publicatie")
    _edities_van_vorige(con, vorige)
    volg = con.execute("SELECT coalesce(max(volgnummer), 0) + 1 FROM pub.publicatie.edities")
    volgnummer = int(volg.fetchall()[0][0])
    rij = pl.DataFrame(
        {
            "editie_id": [editie.editie_id],
            "volgnummer": [volgnummer],
            "rapportagejaar": [editie.rapportagejaar],
            "gepubliceerd_op": [editie.gepubliceerd_op],
            "run_id": [editie.run_id],
            "snapshot_sha256": [editie.snapshot_sha256],
            **{k: [v] for k, v in _telling(con).items()},
            "nplv_monitor_versie": [__version__],
            "codeversie": [codeversie or __version__],
            "vingerafdruk": [vingerafdruk or None],
            "gerapporteerd": [False],
        },
        schema_overrides={**dict.fromkeys(TELLINGEN, pl.Int64), "vingerafdruk": pl.String},
    )
    rij = validatie.valideer(rij, EDITIES)
    bestanden = validatie.valideer(
        pl.DataFrame(
            {
                "editie_id": [editie.editie_id] * len(editie.snapshot),
                "pad": [b.pad for b in editie.snapshot],
                "dataset": [b.dataset for b in editie.snapshot],
                "sha256": [b.sha256 for b in editie.snapshot],
            },
            schema={
                "editie_id": pl.String,
                "pad": pl.String,
                "dataset": pl.String,
                "sha256": pl.String,
            },
        ),
        BESTANDEN,
    )
    con.register("_nplv_editie", rij.to_arrow())
    con.register("_nplv_bestanden", bestanden.to_arrow())
    con.execute("INSERT INTO pub.publicatie.edities BY NAME SELECT * FROM _nplv_editie")
    _voeg_samen(con, BESTANDEN, "SELECT * FROM _nplv_bestanden", vorige)
    con.unregister("_nplv_editie")
    con.unregister("_nplv_bestanden")
    _historie(con, editie, vorige)
    n = con.execute("SELECT count(*) FROM pub.publicatie.edities").fetchall()[0]
    return (int(n[0]) if n else 0), rij


def lijst_met_terugval(pad: Path) -> tuple[pl.DataFrame, Path]:
    """The editions in the published file, newest first, and the file they were read from.

    Read-only; when an analyst holds the file open read-write (a conflicting lock) the newest
    vintage in ``edities/`` is read instead: it is a byte copy of the same publication.
    """
    kandidaten = [pad, *sorted((pad.parent / "edities").glob("*.duckdb"), reverse=True)]
    for kandidaat in kandidaten:
        if not kandidaat.exists():
            continue
        try:
            con = duckdb.connect(str(kandidaat), read_only=True)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                continue
            raise
        try:
            return con.sql(f"SELECT * FROM {EDITIES} ORDER BY gepubliceerd_op DESC").pl(), kandidaat
        finally:
            con.close()
    raise NplvFout(
        f"Er is nog niets gepubliceerd in {pad.parent}; draai eerst `nplv-monitor build`."
    )
