"""Editions: every publication is an edition, and the published file carries all earlier ones.

An edition is identified by ``editie_id`` (rapportagejaar, UTC timestamp and the first characters
of the Dagster run id) and records the snapshot files (with sha256) the run used. The figures of
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
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.errors import NplvFout

EDITIES = "publicatie.edities"
BESTANDEN = "publicatie.editie_bestanden"
HISTORIE = "publicatie.indicatorwaarden_historie"
INDICATORWAARDEN = ("monitor", "indicatorwaarden")
TELLINGEN = ("aantal_indicatorwaarden", "aantal_ok", "aantal_onderdrukt", "aantal_ontbreekt")


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


def snapshot_bestanden(map_: Path | None = None) -> list[SnapshotBestand]:
    """The snapshot files of this run with their manifest hashes (verified when the assets read)."""
    return [SnapshotBestand(b.pad, b.dataset, b.sha256) for b in Snapshot(map_).manifest().values()]


def bestaat(con: duckdb.DuckDBPyConnection, db: str, schema: str, tabel: str) -> bool:
    rij = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
        "AND table_name = ?",
        [db, schema, tabel],
    ).fetchall()[0]
    return bool(rij and rij[0])


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


def schrijf(
    con: duckdb.DuckDBPyConnection, editie: Editie, *, vorige: bool
) -> tuple[int, pl.DataFrame]:
    """Write the edition tables into ``pub``; return the number of editions and the new row.

    ``con`` has ``werk`` (this run's tables), ``pub`` (the new file) and, when ``vorige`` is true,
    ``vorige`` (the previous published file, read-only) attached.
    """
    con.execute("CREATE SCHEMA IF NOT EXISTS pub.publicatie")
    rij = pl.DataFrame(
        {
            "editie_id": [editie.editie_id],
            "rapportagejaar": [editie.rapportagejaar],
            "gepubliceerd_op": [editie.gepubliceerd_op],
            "run_id": [editie.run_id],
            "snapshot_sha256": [editie.snapshot_sha256],
            **{k: [v] for k, v in _telling(con).items()},
            "nplv_monitor_versie": [__version__],
        },
        schema_overrides=dict.fromkeys(TELLINGEN, pl.Int64),
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
    _voeg_samen(con, EDITIES, "SELECT * FROM _nplv_editie", vorige)
    _voeg_samen(con, BESTANDEN, "SELECT * FROM _nplv_bestanden", vorige)
    nieuw = None
    if bestaat(con, "werk", *INDICATORWAARDEN):
        nieuw = f"SELECT '{editie.editie_id}' AS editie_id, * FROM werk.monitor.indicatorwaarden"
    _voeg_samen(con, HISTORIE, nieuw, vorige)
    con.unregister("_nplv_editie")
    con.unregister("_nplv_bestanden")
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
