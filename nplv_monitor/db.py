"""Writing tables into the pipeline's working DuckDB file.

No stock DuckDB IO manager (docs/valkuilen.md: it inserts by position, deletes before a failing
insert and leaks the file lock). Every write here is one explicit transaction that inserts columns
*by name*; on any error the transaction is rolled back and the table is as it was.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import polars as pl

from nplv_monitor.config import instellingen

_NAAM = re.compile(r"^[a-z_][a-z0-9_]*$")


def _ident(naam: str) -> str:
    # Table and column names come from our own schemas, never from user input; still refuse
    # anything that is not a plain identifier so no SQL can be smuggled in through a name.
    if not _NAAM.match(naam):
        raise ValueError(f"Ongeldige tabel- of schemanaam: {naam!r}")
    return f'"{naam}"'


def splits(doel: str) -> tuple[str, str]:
    schema, _, tabel = doel.partition(".")
    if not tabel:
        raise ValueError(f"Doel moet 'schema.tabel' zijn, niet {doel!r}")
    return _ident(schema), _ident(tabel)


@contextmanager
def verbind(
    pad: Path, *, read_only: bool = False, wachttijd_s: float = 30.0
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the DuckDB file, waiting (bounded) while another process holds the write lock."""
    pad.parent.mkdir(parents=True, exist_ok=True)
    eind = time.monotonic() + wachttijd_s
    while True:
        try:
            con = duckdb.connect(str(pad), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > eind:
                raise
            time.sleep(0.25)
    try:
        yield con
    finally:
        con.close()


def schrijf_tabel(
    con: duckdb.DuckDBPyConnection,
    doel: str,
    df: pl.DataFrame,
    *,
    vervang_waar: Mapping[str, Any] | None = None,
) -> int:
    """Write ``df`` to ``doel`` ('schema.tabel') in one transaction; return the rows written.

    Without ``vervang_waar`` the table is replaced whole (created from the frame's types). With it,
    only rows matching those column values are replaced — the pattern for a partition (one CBS
    year) of a shared table. Columns are matched by name, never by position.
    """
    schrijf_tabellen(con, [(doel, df, vervang_waar)])
    return df.height


def schrijf_tabellen(
    con: duckdb.DuckDBPyConnection,
    delen: Sequence[tuple[str, pl.DataFrame, Mapping[str, Any] | None]],
) -> None:
    """Write several tables (doel, frame, vervang_waar — as :func:`schrijf_tabel`) in ONE
    transaction: tables that belong together (an asset with several outputs) change together or
    not at all."""
    con.execute("BEGIN TRANSACTION")
    try:
        for doel, df, vervang_waar in delen:
            _schrijf(con, doel, df, vervang_waar)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _schrijf(
    con: duckdb.DuckDBPyConnection,
    doel: str,
    df: pl.DataFrame,
    vervang_waar: Mapping[str, Any] | None,
) -> None:
    schema, tabel = splits(doel)
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.register("_nplv_nieuw", df.to_arrow())
    try:
        if vervang_waar is None:
            con.execute(
                f"CREATE OR REPLACE TABLE {schema}.{tabel} AS SELECT * FROM _nplv_nieuw LIMIT 0"
            )
        else:
            con.execute(
                f"CREATE TABLE IF NOT EXISTS {schema}.{tabel} AS SELECT * FROM _nplv_nieuw LIMIT 0"
            )
            # A column the contract gained since the table was created (a work file of an earlier
            # version): add it, so the other partitions keep their rows and get NULL there.
            bestaand = {
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? "
                    "AND table_name = ? AND database_name = current_database()",
                    doel.split(".", 1),
                ).fetchall()
            }
            nieuw = con.sql("SELECT * FROM _nplv_nieuw LIMIT 0")
            for naam, kolomtype in zip(nieuw.columns, nieuw.types, strict=True):
                if naam not in bestaand:
                    con.execute(
                        f"ALTER TABLE {schema}.{tabel} ADD COLUMN {_ident(naam)} {kolomtype}"
                    )
            voorwaarden = " AND ".join(f"{_ident(k)} = ?" for k in vervang_waar)
            con.execute(
                f"DELETE FROM {schema}.{tabel} WHERE {voorwaarden}", list(vervang_waar.values())
            )
        con.execute(f"INSERT INTO {schema}.{tabel} BY NAME SELECT * FROM _nplv_nieuw")
    finally:
        con.unregister("_nplv_nieuw")


def sql_tekst(waarde: str) -> str:
    """A SQL string literal (quotes doubled), for what DuckDB cannot take as a parameter
    (ATTACH paths, COMMENT ON texts, view definitions)."""
    return "'" + waarde.replace("'", "''") + "'"


def lees(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> pl.DataFrame:
    """Run a query and return a polars frame (DuckDB 2.0: ``con.sql(...).pl()``; valkuilen.md)."""
    return con.sql(sql, params=params).pl()


class WerkDatabase(dg.ConfigurableResource):
    """The pipeline's working DuckDB file; assets read and write through it.

    Analysts never open this file: the publicatie stage copies it to a new file and swaps that in
    atomically (see nplv_monitor/publicatie).
    """

    pad: str = ""

    def bestand(self) -> Path:
        return Path(self.pad) if self.pad else instellingen().werk_db

    @contextmanager
    def verbinding(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with verbind(self.bestand(), read_only=read_only) as con:
            yield con
