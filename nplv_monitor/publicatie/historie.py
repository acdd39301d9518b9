"""Every edition's indicator values, each value stored once.

A new edition usually differs from the previous one in few values (one corrected source file
changes the indicators that read it), so storing all values per edition makes the published file
grow by a full copy of ``monitor.indicatorwaarden`` per build. Instead each row of
``publicatie.indicatorwaarden_wijzigingen`` is one value *with its validity*: ``editie_id`` is the
first edition that published it, ``vervangen_in`` the first edition that did not (NULL: still
current). The view ``publicatie.indicatorwaarden_historie`` turns this back into one row per
edition and key, so an analyst queries any edition the simple way::

    SELECT * FROM publicatie.indicatorwaarden_historie WHERE editie_id = '...'

Editions are ordered by ``publicatie.edities.volgnummer``. A value counts as unchanged when every
column but its provenance hash is equal (see NIET_VERGELEKEN), a floating-point column within a
relative 1e-9: two builds of unchanged inputs
differ by ~1e-13 in sums (polars adds in no fixed order), which is noise, not a new value; the
history then keeps the earlier representation.
"""

from __future__ import annotations

import duckdb

from nplv_monitor.db import sql_tekst

WIJZIGINGEN = "publicatie.indicatorwaarden_wijzigingen"
HISTORIE = "publicatie.indicatorwaarden_historie"
EDITIES = "publicatie.edities"
SLEUTEL = ("gebied_code", "indicator_code", "peiljaar")
#: Relative tolerance below which two floating-point values are the same value (see module doc).
RELATIEVE_TOLERANTIE = 1e-9
GELDIGHEID = ("editie_id", "vervangen_in")
DRIJVEND = {"DOUBLE", "FLOAT", "REAL"}
#: Provenance, not the value: a corrected source file gets a new sha256, and every value read from
#: it would count as changed although its number is the same. Such a value is not stored again;
#: the history keeps the hash of the file it was first computed from, and the edition's own file
#: list (publicatie.editie_bestanden) holds the hashes of that edition.
NIET_VERGELEKEN = {"bron_sha256"}


def _kolommen(con: duckdb.DuckDBPyConnection, db: str, naam: str) -> dict[str, str]:
    schema, tabel = naam.split(".")
    return {
        str(c): str(t)
        for c, t in con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? "
            "AND schema_name = ? AND table_name = ? ORDER BY column_index",
            [db, schema, tabel],
        ).fetchall()
    }


def _verschilt(kolommen: dict[str, str], links: str, rechts: str) -> str:
    """SQL: true when the row aliased ``links`` differs from ``rechts`` in any column."""
    delen = []
    for k, t in kolommen.items():
        if k in NIET_VERGELEKEN:
            continue
        a, b = f'{links}."{k}"', f'{rechts}."{k}"'
        if t.upper() in DRIJVEND:
            delen.append(
                f"({a} IS DISTINCT FROM {b} AND NOT coalesce(abs({a} - {b}) <= "
                f"{RELATIEVE_TOLERANTIE} * greatest(abs({a}), abs({b})), false))"
            )
        else:
            delen.append(f"({a} IS DISTINCT FROM {b})")
    return " OR ".join(delen) or "false"


def _met_hash(kolommen: dict[str, str], alias: str) -> str:
    """SQL select list: the key of ``alias`` and ``_nplv_hash``, a hash of the compared columns
    (in the order of ``kolommen``, so both sides hash the same columns in the same order)."""
    vergeleken = ", ".join(f'{alias}."{k}"' for k in kolommen if k not in NIET_VERGELEKEN)
    sleutel = ", ".join(f'{alias}."{k}"' for k in SLEUTEL)
    return f"{sleutel}, hash({vergeleken}) AS _nplv_hash"


def maak_tabel(con: duckdb.DuckDBPyConnection, db: str, bron: str) -> None:
    """An empty ``WIJZIGINGEN`` in ``db`` with the validity columns and the columns of ``bron``."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {db}.publicatie")
    con.execute(
        f"CREATE TABLE {db}.{WIJZIGINGEN} AS SELECT CAST(NULL AS VARCHAR) AS editie_id, "
        f"CAST(NULL AS VARCHAR) AS vervangen_in, * FROM {bron} LIMIT 0"
    )


def voeg_editie_toe(con: duckdb.DuckDBPyConnection, db: str, editie_id: str, bron: str) -> int:
    """Record the query ``bron`` (all values of edition ``editie_id``) against the current values in
    ``db``.``WIJZIGINGEN``: close what changed or disappeared, add what is new or changed.
    Returns the number of rows added."""
    tabel = f"{db}.{WIJZIGINGEN}"
    nieuw_kol = {str(r[0]): str(r[1]) for r in con.execute(f"DESCRIBE {bron}").fetchall()}
    oud_kol = {k: t for k, t in _kolommen(con, db, WIJZIGINGEN).items() if k not in GELDIGHEID}
    for k, t in nieuw_kol.items():  # a column added to the table since earlier editions
        if k not in oud_kol:
            con.execute(f'ALTER TABLE {tabel} ADD COLUMN "{k}" {t}')
    # Columns only the earlier editions have compare against NULL in the new rows.
    alle = {**oud_kol, **nieuw_kol}
    n_sel = ", ".join(
        f'n."{k}"' if k in nieuw_kol else f'CAST(NULL AS {t}) AS "{k}"' for k, t in alle.items()
    )
    sleutel_gelijk = " AND ".join(f'o."{k}" = n."{k}"' for k in SLEUTEL)
    huidig = f"(SELECT * FROM {tabel} WHERE vervangen_in IS NULL)"
    if not con.execute(f"SELECT EXISTS (FROM {huidig})").fetchall()[0][0]:
        # Nothing is current (the first edition, or one after an edition without values): every
        # value is new, so the comparison below would close nothing and add all of them. Written
        # straight from ``bron``: no in-memory copy of the values, no joins.
        rij = con.execute(
            f"INSERT INTO {tabel} BY NAME SELECT ? AS editie_id, NULL AS vervangen_in, {n_sel} "
            f"FROM ({bron}) n",
            [editie_id],
        ).fetchall()
        return int(rij[0][0]) if rij and rij[0] else 0
    # ``bron`` is read where it lies (a read-only file) instead of copied into memory first: a
    # copy of every value cost more time and memory than reading it twice.
    nieuw = f"(SELECT {n_sel} FROM ({bron}) n)"
    sleutels = ", ".join(f'o."{k}"' for k in SLEUTEL)
    # Most values are unchanged. A narrow join on the key and a hash of the compared columns
    # finds the few that may differ; only those get the column-by-column comparison (with its
    # float tolerance). Equal hashes mean equal values (bar a 64-bit collision); different hashes
    # are checked, so a value within the tolerance still counts as unchanged.
    kandidaten = f"""(SELECT {sleutels} FROM (SELECT {_met_hash(alle, "o")} FROM {huidig} o) o
        LEFT JOIN (SELECT {_met_hash(alle, "n")} FROM {nieuw} n) n ON {sleutel_gelijk}
        WHERE n."{SLEUTEL[0]}" IS NULL OR o._nplv_hash <> n._nplv_hash)"""
    kandidaat_gelijk = " AND ".join(f'o."{k}" = k."{k}"' for k in SLEUTEL)
    # Keys whose current value differs, or that are gone: closed by this edition.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _nplv_weg AS
        SELECT {sleutels} FROM (SELECT o.* FROM {huidig} o SEMI JOIN {kandidaten} k
                                ON {kandidaat_gelijk}) o
        LEFT JOIN {nieuw} n ON {sleutel_gelijk}
        WHERE n."{SLEUTEL[0]}" IS NULL OR {_verschilt(alle, "o", "n")}"""
    )
    con.execute(
        f"UPDATE {tabel} o SET vervangen_in = ? FROM _nplv_weg n "
        f"WHERE o.vervangen_in IS NULL AND {sleutel_gelijk}",
        [editie_id],
    )
    # New values: keys without a current value (new, or just closed above).
    rij = con.execute(
        f"""INSERT INTO {tabel} BY NAME
        SELECT ? AS editie_id, NULL AS vervangen_in, n.* FROM {nieuw} n
        ANTI JOIN (SELECT {", ".join(f'"{k}"' for k in SLEUTEL)} FROM {huidig}) o
        ON {sleutel_gelijk}""",
        [editie_id],
    ).fetchall()
    con.execute("DROP TABLE _nplv_weg")
    return int(rij[0][0]) if rij and rij[0] else 0


def per_editie() -> str:
    """SQL (unqualified names, unordered): one row per edition and key, the rows of ``HISTORIE``.

    The views that aggregate over the history (publicatie.revisies, edities_overzicht) read this
    rather than ``HISTORIE``: its ORDER BY sorts every row of every edition (all columns), which
    their aggregates then throw away — most of their cost.
    """
    return f"""SELECT e.editie_id, w.* EXCLUDE (editie_id, vervangen_in, van, tot)
            FROM {EDITIES} e
            JOIN (SELECT h.*, v.volgnummer AS van, t.volgnummer AS tot
                  FROM {WIJZIGINGEN} h
                  JOIN {EDITIES} v ON v.editie_id = h.editie_id
                  LEFT JOIN {EDITIES} t ON t.editie_id = h.vervangen_in) w
              ON w.van <= e.volgnummer AND (w.tot IS NULL OR e.volgnummer < w.tot)"""


def maak_view(con: duckdb.DuckDBPyConnection, db: str) -> None:
    """``HISTORIE``: one row per edition and key, with exactly the columns of the values.

    Created with unqualified names after ``USE db`` so it resolves inside the file whatever an
    analyst attaches it as.
    """
    sleutel = ", ".join(f'w."{k}"' for k in SLEUTEL)
    con.execute(f"USE {db}")
    try:
        con.execute(
            f"CREATE OR REPLACE VIEW {HISTORIE} AS {per_editie()} ORDER BY e.volgnummer, {sleutel}"
        )
        con.execute(
            f"COMMENT ON VIEW {HISTORIE} IS 'De indicatorwaarden van elke bewaarde editie, "
            "zoals gepubliceerd (één rij per editie_id en gebied_code, indicator_code, peiljaar). "
            f"Opgebouwd uit {WIJZIGINGEN}, waarin elke waarde één keer staat.'"
        )
    finally:
        con.execute("USE memory")


def snoei(con: duckdb.DuckDBPyConnection, bron_db: str, doel_db: str, bewaard: list[str]) -> int:
    """Write ``doel_db``.``WIJZIGINGEN`` with only what the editions in ``bewaard`` show.

    A row is kept when a kept edition shows it (``van <= e < tot``); its bounds move to the
    nearest kept edition at or after them, so every kept edition reads exactly the values it had.
    The newest edition must be kept (then every bound has a kept edition at or after it).
    Returns the number of rows left out.
    """
    lijst = ", ".join(sql_tekst(e) for e in bewaard) or "NULL"
    ed = f"{bron_db}.{EDITIES}"
    volg = f"""(SELECT e.editie_id, (SELECT min(k.volgnummer) FROM {ed} k
                  WHERE k.editie_id IN ({lijst}) AND k.volgnummer >= e.volgnummer) AS nb
                FROM {ed} e)"""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {doel_db}.publicatie")
    con.execute(
        f"""CREATE TABLE {doel_db}.{WIJZIGINGEN} AS
        SELECT h.* REPLACE (nv.editie_id AS editie_id, nt.editie_id AS vervangen_in)
        FROM {bron_db}.{WIJZIGINGEN} h
        JOIN {volg} v ON v.editie_id = h.editie_id
        LEFT JOIN {volg} t ON t.editie_id = h.vervangen_in
        LEFT JOIN {ed} nv ON nv.volgnummer = v.nb
        LEFT JOIN {ed} nt ON nt.volgnummer = t.nb
        WHERE v.nb IS NOT NULL AND (h.vervangen_in IS NULL OR v.nb < t.nb)"""
    )
    voor = con.execute(f"SELECT count(*) FROM {bron_db}.{WIJZIGINGEN}").fetchall()[0][0]
    na = con.execute(f"SELECT count(*) FROM {doel_db}.{WIJZIGINGEN}").fetchall()[0][0]
    return int(voor) - int(na)
