"""Each value stored once, with its validity (publicatie/historie.py), on an in-memory DuckDB.

TEST FIXTURE: three invented editions of five keys. Per edition the test states what changed and
what the history must then hold; the view must give back exactly each edition's values, also after
pruning. Fast, file-less: the mutation run's test selection for historie.py (the publication-level
behaviour is in tests/test_edities.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from nplv_monitor.publicatie import historie

DB = "h"
KOLOMMEN = "gebied_code, indicator_code, peiljaar, waarde, status, bron_sha256"

E1 = [
    ("a", "x", 2020, 10.0, "ok", "s1"),
    ("b", "x", 2020, 1e6, "ok", "s1"),
    ("c", "x", 2020, 5.0, "ok", "s1"),
    ("d", "x", 2020, 7.0, "ok", "s1"),
    ("e", "x", 2020, None, "onderdrukt", "s1"),
]
E2 = [
    ("a", "x", 2020, 11.0, "ok", "s1"),  # changed
    ("b", "x", 2020, 1e6 * (1 + 1e-12), "ok", "s1"),  # float noise: the same value
    ("c", "x", 2020, 5.0, "ok", "s2"),  # only the source file's hash: the same value
    # d is gone
    ("e", "x", 2020, None, "onderdrukt", "s1"),  # NULL = NULL: unchanged
    ("f", "x", 2020, 3.0, "ok", "s1"),  # new key
]
E3 = [
    ("a", "x", 2020, 11.0, "ok", "s1"),
    ("b", "x", 2020, 1e6 * (1 + 1e-8), "ok", "s1"),  # beyond the 1e-9 relative tolerance
    ("c", "x", 2020, 5.0, "onderdrukt", "s2"),  # a text column changed
    ("e", "x", 2020, 2.0, "ok", "s1"),  # NULL → value
    ("f", "x", 2020, 3.0, "ok", "s1"),
]


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect()
    c.execute(f"ATTACH ':memory:' AS {DB}")
    c.execute(f"CREATE SCHEMA {DB}.publicatie")
    c.execute(f"CREATE TABLE {DB}.{historie.EDITIES} (editie_id VARCHAR, volgnummer INTEGER)")
    for naam, rijen in (("e1", E1), ("e2", E2), ("e3", E3)):
        c.execute(
            f"CREATE TABLE {naam} (gebied_code VARCHAR, indicator_code VARCHAR, peiljaar INTEGER, "
            "waarde DOUBLE, status VARCHAR, bron_sha256 VARCHAR)"
        )
        c.executemany(f"INSERT INTO {naam} VALUES (?, ?, ?, ?, ?, ?)", rijen)
    yield c
    c.close()


def _editie(con: duckdb.DuckDBPyConnection, nr: int) -> int:
    con.execute(f"INSERT INTO {DB}.{historie.EDITIES} VALUES (?, ?)", [f"E{nr}", nr])
    return historie.voeg_editie_toe(con, DB, f"E{nr}", f"SELECT * FROM e{nr}")


def _wijzigingen(con: duckdb.DuckDBPyConnection, db: str = DB) -> list[tuple[object, ...]]:
    return con.execute(
        f"SELECT editie_id, vervangen_in, gebied_code, waarde, status, bron_sha256 "
        f"FROM {db}.{historie.WIJZIGINGEN} ORDER BY gebied_code, editie_id"
    ).fetchall()


def _drie(con: duckdb.DuckDBPyConnection) -> list[int]:
    historie.maak_tabel(con, DB, "e1")
    return [_editie(con, 1), _editie(con, 2), _editie(con, 3)]


def test_elke_waarde_een_keer_met_geldigheid(con: duckdb.DuckDBPyConnection) -> None:
    historie.maak_tabel(con, DB, "e1")
    assert _wijzigingen(con) == []
    kolommen = [r[0] for r in con.execute(f"DESCRIBE {DB}.{historie.WIJZIGINGEN}").fetchall()]
    assert kolommen[:2] == ["editie_id", "vervangen_in"]
    assert kolommen[2:] == [k.strip() for k in KOLOMMEN.split(",")]
    assert _editie(con, 1) == 5
    assert _editie(con, 2) == 2  # a changed, f new
    assert _wijzigingen(con) == [
        ("E1", "E2", "a", 10.0, "ok", "s1"),
        ("E2", None, "a", 11.0, "ok", "s1"),
        ("E1", None, "b", 1e6, "ok", "s1"),  # the earlier representation is kept
        ("E1", None, "c", 5.0, "ok", "s1"),  # ... and the hash of the file it came from first
        ("E1", "E2", "d", 7.0, "ok", "s1"),  # gone: closed
        ("E1", None, "e", None, "onderdrukt", "s1"),
        ("E2", None, "f", 3.0, "ok", "s1"),
    ]
    assert _editie(con, 3) == 3  # b beyond tolerance, c's status, e from NULL to a value
    huidig = con.execute(
        f"SELECT gebied_code, editie_id, waarde, status FROM {DB}.{historie.WIJZIGINGEN} "
        "WHERE vervangen_in IS NULL ORDER BY gebied_code"
    ).fetchall()
    assert huidig == [
        ("a", "E2", 11.0, "ok"),
        ("b", "E3", 1e6 * (1 + 1e-8), "ok"),
        ("c", "E3", 5.0, "onderdrukt"),
        ("e", "E3", 2.0, "ok"),
        ("f", "E2", 3.0, "ok"),
    ]
    (n,) = con.execute(f"SELECT count(*) FROM {DB}.{historie.WIJZIGINGEN}").fetchall()[0]
    assert n == 5 + 2 + 3
    # the temporary tables are gone
    assert not con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '_nplv_%'"
    ).fetchall()


def _view(con: duckdb.DuckDBPyConnection, editie: str, db: str = DB) -> list[tuple[object, ...]]:
    return con.execute(
        f"SELECT gebied_code, indicator_code, peiljaar, waarde, status "
        f"FROM {db}.{historie.HISTORIE} WHERE editie_id = ? ORDER BY gebied_code",
        [editie],
    ).fetchall()


def _zoals(rijen: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return sorted(r[:5] for r in rijen)


def test_view_geeft_elke_editie_terug(con: duckdb.DuckDBPyConnection) -> None:
    _drie(con)
    historie.maak_view(con, DB)
    assert con.execute("SELECT current_database()").fetchall() == [("memory",)]
    assert _view(con, "E1") == _zoals(E1)
    # E2 shows b as first stored (1e6), within the tolerance of what E2 computed
    e2 = _view(con, "E2")
    assert [r[0] for r in e2] == ["a", "b", "c", "e", "f"]
    for gezien, verwacht in zip(e2, _zoals(E2), strict=True):
        assert gezien[:3] == verwacht[:3]
        assert gezien[4] == verwacht[4]
        if verwacht[3] is None:
            assert gezien[3] is None
        else:
            assert gezien[3] == pytest.approx(verwacht[3], rel=1e-9)
    assert _view(con, "E3") == _zoals(E3)
    kolommen = [r[0] for r in con.execute(f"DESCRIBE {DB}.{historie.HISTORIE}").fetchall()]
    assert kolommen == ["editie_id", *(k.strip() for k in KOLOMMEN.split(","))]
    # the analyst's description of the view (data dictionary, COMMENT ON)
    (commentaar,) = con.execute(
        "SELECT comment FROM duckdb_views() WHERE database_name = ? AND view_name = ?",
        [DB, historie.HISTORIE.split(".")[1]],
    ).fetchall()[0]
    assert commentaar == (
        "De indicatorwaarden van elke bewaarde editie, zoals gepubliceerd (één rij per "
        "editie_id en gebied_code, indicator_code, peiljaar). Opgebouwd uit "
        f"{historie.WIJZIGINGEN}, waarin elke waarde één keer staat."
    )


def test_nieuwe_kolom_in_een_latere_editie(con: duckdb.DuckDBPyConnection) -> None:
    historie.maak_tabel(con, DB, "e1")
    _editie(con, 1)
    con.execute("CREATE TABLE e2b AS SELECT *, CAST(NULL AS DOUBLE) AS marge FROM e1")
    con.execute(f"INSERT INTO {DB}.{historie.EDITIES} VALUES ('E2', 2)")
    # the column is added; all NULL in the new edition, so nothing changed
    assert historie.voeg_editie_toe(con, DB, "E2", "SELECT * FROM e2b") == 0
    con.execute(
        "CREATE TABLE e3b AS SELECT * REPLACE (CASE WHEN gebied_code = 'a' THEN 0.5 END AS marge) FROM e2b"
    )
    con.execute(f"INSERT INTO {DB}.{historie.EDITIES} VALUES ('E3', 3)")
    assert historie.voeg_editie_toe(con, DB, "E3", "SELECT * FROM e3b") == 1
    # an edition without the column compares it as NULL: a's margin is gone, a changes again
    con.execute(f"INSERT INTO {DB}.{historie.EDITIES} VALUES ('E4', 4)")
    assert historie.voeg_editie_toe(con, DB, "E4", "SELECT * FROM e1") == 1


def test_snoeien_houdt_wat_de_bewaarde_edities_tonen(con: duckdb.DuckDBPyConnection) -> None:
    _drie(con)
    historie.maak_view(con, DB)
    con.execute("ATTACH ':memory:' AS doel")
    con.execute("CREATE SCHEMA doel.publicatie")
    con.execute(
        f"CREATE TABLE doel.{historie.EDITIES} AS SELECT * FROM {DB}.{historie.EDITIES} WHERE editie_id <> 'E2'"
    )
    weg = historie.snoei(con, DB, "doel", ["E1", "E3"])
    # only E2 showed d's closing... d (E1 → closed in E2) stays for E1; f (E2, current) moves
    # to E3; a's E2 value (11) is shown by E3 too; nothing is shown by E2 alone here.
    assert weg == 0
    historie.maak_view(con, "doel")
    assert _view(con, "E1", "doel") == _zoals(E1)
    assert _view(con, "E3", "doel") == _zoals(E3)
    rijen = {(r[2], r[0], r[1]) for r in _wijzigingen(con, "doel")}
    assert ("f", "E3", None) in rijen
    assert ("d", "E1", "E3") in rijen


def test_snoeien_laat_weg_wat_alleen_een_weggehaalde_editie_toonde(
    con: duckdb.DuckDBPyConnection,
) -> None:
    _drie(con)
    con.execute("ATTACH ':memory:' AS doel")
    weg = historie.snoei(con, DB, "doel", ["E3"])
    # kept for E3: the five current rows; left out: a=10 (E1), d (E1–E2), b… all rows closed
    # before E3 — a(E1), d(E1), b(E1, closed in E3), c(E1, closed in E3), e(E1, closed in E3)
    assert weg == 5
    assert [r[:3] for r in _wijzigingen(con, "doel")] == [
        ("E3", None, "a"),
        ("E3", None, "b"),
        ("E3", None, "c"),
        ("E3", None, "e"),
        ("E3", None, "f"),
    ]
    # no kept edition: nothing is kept
    con.execute("ATTACH ':memory:' AS leeg")
    assert historie.snoei(con, DB, "leeg", []) == 10


def test_na_een_editie_zonder_waarden_is_elke_waarde_nieuw(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # E2 publishes no values (every current value is closed); E3 then has nothing current to
    # compare with, so each of its values is stored as new, from E3 on.
    historie.maak_tabel(con, DB, "e1")
    assert _editie(con, 1) == 5
    con.execute(f"INSERT INTO {DB}.{historie.EDITIES} VALUES ('E2', 2)")
    assert historie.voeg_editie_toe(con, DB, "E2", "SELECT * FROM e1 WHERE false") == 0
    assert _editie(con, 3) == 5
    rijen = _wijzigingen(con)
    assert sorted(r[:2] for r in rijen) == [("E1", "E2")] * 5 + [("E3", None)] * 5
    historie.maak_view(con, DB)
    assert _view(con, "E1") == _zoals(E1)
    assert _view(con, "E2") == []
    assert _view(con, "E3") == _zoals(E3)


def test_ongesorteerde_vorm_heeft_dezelfde_rijen_als_de_view(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # publicatie.revisies and edities_overzicht read per_editie() instead of the sorted view.
    _drie(con)
    historie.maak_view(con, DB)
    con.execute(f"USE {DB}")
    try:
        verschil = [
            con.execute(f"SELECT count(*) FROM ({a} EXCEPT ALL {b})").fetchall()[0][0]
            for a, b in (
                (historie.per_editie(), f"SELECT * FROM {historie.HISTORIE}"),
                (f"SELECT * FROM {historie.HISTORIE}", historie.per_editie()),
            )
        ]
        (n,) = con.execute(f"SELECT count(*) FROM {historie.HISTORIE}").fetchall()[0]
    finally:
        con.execute("USE memory")
    assert verschil == [0, 0]
    assert n == len(E1) + len(E2) + len(E3)
