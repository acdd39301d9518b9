"""COMMENT ON TABLE/COLUMN in the published file, generated from the schemas in ``schemas/``.

DBeaver, the DuckDB CLI (``duckdb_columns()``) and R show these comments, so the analysts see the
same descriptions as the data dictionary.
"""

from __future__ import annotations

import duckdb

from nplv_monitor import validatie
from nplv_monitor.db import sql_tekst
from nplv_monitor.publicatie import edities


def beschrijvingen(naam: str) -> tuple[str, dict[str, str]] | None:
    """(table description, column descriptions) for table ``schema.tabel``, if documented."""
    if naam == edities.WIJZIGINGEN:
        basis = beschrijvingen("monitor.indicatorwaarden")
        if basis is None:
            return None
        kolommen = {
            "editie_id": "Eerste editie die deze waarde publiceerde (zie publicatie.edities)",
            "vervangen_in": "Eerste editie die deze waarde niet meer had (leeg: nog actueel)",
        }
        kolommen.update(basis[1])
        return (
            "Elke gepubliceerde indicatorwaarde één keer, met de edities waarin ze gold; de view "
            f"{edities.HISTORIE} geeft per editie alle waarden (sleutel: editie_id + "
            "gebied_code, indicator_code, peiljaar)",
            kolommen,
        )
    if not validatie.schema_pad(naam).exists():
        return None
    # One read of the schema file for both (each read parses the YAML into a Pandera schema).
    sch = validatie.schema(naam)
    return sch.description or "", {k: (c.description or "") for k, c in sch.columns.items()}


def pas_toe(con: duckdb.DuckDBPyConnection, db: str) -> int:
    """Comment every table of database ``db`` that has a schema; return the number commented."""
    tabellen = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ?", [db]
    ).fetchall()
    kolommen_per_tabel: dict[tuple[str, str], set[str]] = {}
    for s, t, c in con.execute(
        "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE database_name = ?",
        [db],
    ).fetchall():
        kolommen_per_tabel.setdefault((s, t), set()).add(c)
    n = 0
    # One transaction for all comments: each COMMENT ON in autocommit is its own commit, and
    # a few hundred of them cost over a second.
    con.execute("BEGIN TRANSACTION")
    try:
        n = _becommentarieer(con, db, tabellen, kolommen_per_tabel)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    return n


def _becommentarieer(
    con: duckdb.DuckDBPyConnection,
    db: str,
    tabellen: list[tuple[str, str]],
    kolommen_per_tabel: dict[tuple[str, str], set[str]],
) -> int:
    n = 0
    for schema, tabel in tabellen:
        info = beschrijvingen(f"{schema}.{tabel}")
        if info is None:
            continue
        omschrijving, kolommen = info
        doel = f'{db}."{schema}"."{tabel}"'
        if omschrijving:
            con.execute(f"COMMENT ON TABLE {doel} IS {sql_tekst(omschrijving)}")
        for kolom, tekst in kolommen.items():
            if tekst and kolom in kolommen_per_tabel.get((schema, tabel), set()):
                con.execute(f'COMMENT ON COLUMN {doel}."{kolom}" IS {sql_tekst(tekst)}')
        n += 1
    return n
