"""Editions that nothing outside the pipeline can corrupt, that are not made when nothing
changed, and whose values are stored once (issue 13, items 1–3).

Work DB: the real Leefbaarometer wijk scores (bron asset, with bron.herkomst) plus the TEST
FIXTURE indicator values of tests/test_publicatie.py (invented, validated against the real
schema). Each test states the input and what must hold after it.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import duckdb
import polars as pl
import pytest

from nplv_monitor.publicatie import beheer, edities, publiceer, register, verificatie
from tests.test_publicatie import _schrijf_fixture, _werk

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def _pub(werk: Path, doel: Path, jaar: int = 2026, **kw: bool) -> publiceer.Publicatie:
    return publiceer.publiceer(
        werk,
        doel,
        rapportagejaar=jaar,
        run_id=uuid.uuid4().hex,
        snapshot=edities.snapshot_bestanden(werk),
        wachttijd_s=1,
        **kw,
    )


def _historie(pad: Path, editie_id: str) -> pl.DataFrame:
    with duckdb.connect(str(pad), read_only=True) as con:
        return (
            con.sql(f"SELECT * FROM {edities.HISTORIE} WHERE editie_id = ?", params=[editie_id])
            .pl()
            .drop("editie_id")
            .sort("gebied_code", "peiljaar")
        )


def _gelijk(a: pl.DataFrame, b: pl.DataFrame) -> None:
    b = b.select(a.columns).sort("gebied_code", "peiljaar")
    assert a.equals(b)


def test_delete_in_gepubliceerd_bestand_wordt_geen_historie(tmp_output: Path) -> None:
    """Input: edition 1 published; an analyst runs DELETE on the published file in a read-write
    session; edition 2 is published. Holds: the change is reported (table, rows before → after,
    where the untouched copy is); edition 1's values in edition 2's file are exactly the
    published ones; the tampered file never became history."""
    werk = _werk(tmp_output)
    doel = tmp_output / "nplv_monitor.duckdb"
    iw1 = _schrijf_fixture(werk, 1.0)
    eerste = _pub(werk, doel)
    with duckdb.connect(str(doel)) as con:
        con.execute(f"DELETE FROM {edities.WIJZIGINGEN}")
        con.execute("DELETE FROM publicatie.edities")
    n_iw = iw1.height
    _schrijf_fixture(werk, 1.1)
    tweede = _pub(werk, doel)
    melding = " ".join(tweede.opmerkingen)
    assert "gewijzigd buiten de pijplijn" in melding
    assert f"{edities.WIJZIGINGEN}: {n_iw} → 0 rijen" in melding
    assert "publicatie.edities: 1 → 0 rijen" in melding
    assert str(eerste.vintage) in melding
    assert tweede.vorige_bron == str(eerste.vintage)
    assert tweede.aantal_edities == 2
    _gelijk(_historie(doel, eerste.editie.editie_id), iw1)


def test_ongewijzigde_bouw_maakt_geen_editie(tmp_output: Path) -> None:
    """Input: the same work DB (same files in bron.herkomst, same code, same rapportagejaar)
    published twice with alleen_bij_wijziging. Holds: the second says 'ongewijzigd' and leaves
    the published file byte for byte alone; another rapportagejaar, or forcing, makes one."""
    werk = _werk(tmp_output)
    doel = tmp_output / "nplv_monitor.duckdb"
    _schrijf_fixture(werk)
    eerste = _pub(werk, doel, alleen_bij_wijziging=True)
    voor = register.sha256_van(doel)
    tweede = _pub(werk, doel, alleen_bij_wijziging=True)
    assert tweede.ongewijzigd
    assert tweede.editie.editie_id == eerste.editie.editie_id
    assert register.sha256_van(doel) == voor
    assert _pub(werk, doel, 2027, alleen_bij_wijziging=True).aantal_edities == 2
    assert _pub(werk, doel, 2027, alleen_bij_wijziging=False).aantal_edities == 3


def test_gewijzigde_bouw_bewaart_alleen_wat_veranderde(tmp_output: Path) -> None:
    """Input: three editions; the second changes one value, the third changes nothing but is
    forced. Holds: the value history has the first edition's rows plus exactly one row for the
    changed value; every edition reads back exactly its own values; only one byte copy exists."""
    werk = _werk(tmp_output)
    doel = tmp_output / "nplv_monitor.duckdb"
    iw1 = _schrijf_fixture(werk)
    e1 = _pub(werk, doel)
    iw2 = iw1.with_columns(
        waarde=pl.when(pl.col("gebied_code") == "NL00", pl.col("peiljaar") == 2024)
        .then(pl.col("waarde") + 1)
        .otherwise(pl.col("waarde"))
    )
    from nplv_monitor.db import schrijf_tabel, verbind

    with verbind(werk) as con:
        schrijf_tabel(con, "monitor.indicatorwaarden", iw2)
    e2 = _pub(werk, doel)
    e3 = _pub(werk, doel)
    with duckdb.connect(str(doel), read_only=True) as con:
        rijen = con.sql(f"SELECT count(*) FROM {edities.WIJZIGINGEN}").fetchall()[0][0]
    assert rijen == iw1.height + 1
    _gelijk(_historie(doel, e1.editie.editie_id), iw1)
    _gelijk(_historie(doel, e2.editie.editie_id), iw2)
    _gelijk(_historie(doel, e3.editie.editie_id), iw2)
    assert sorted((tmp_output / "edities").glob("*.duckdb")) == [e3.vintage]


def test_opruimen_bewaart_gemarkeerde_editie(tmp_output: Path) -> None:
    """Input: four editions with different values; the first is marked as reported to
    parliament; `opruimen --bewaar 1`. Holds: the marked and the newest edition remain, each
    reading back exactly its values; the others are gone; the published file verifies."""
    werk = _werk(tmp_output)
    doel = tmp_output / "nplv_monitor.duckdb"
    waarden, pubs = [], []
    for f in (1.0, 1.1, 1.2, 1.3):
        waarden.append(_schrijf_fixture(werk, f))
        pubs.append(_pub(werk, doel))
    beheer.markeer(doel, pubs[0].editie.editie_id)
    weg = beheer.opruimen(doel, 1)
    assert weg == [pubs[2].editie.editie_id, pubs[1].editie.editie_id]
    with duckdb.connect(str(doel), read_only=True) as con:
        over = con.sql(
            "SELECT editie_id, gerapporteerd FROM publicatie.edities ORDER BY volgnummer"
        ).fetchall()
        rijen = con.sql(f"SELECT count(*) FROM {edities.WIJZIGINGEN}").fetchall()[0][0]
    assert over == [(pubs[0].editie.editie_id, True), (pubs[3].editie.editie_id, False)]
    _gelijk(_historie(doel, pubs[0].editie.editie_id), waarden[0])
    _gelijk(_historie(doel, pubs[3].editie.editie_id), waarden[3])
    # every value of the fixture differs between the factors (but the NULLs): rows of two sets
    assert rijen <= 2 * waarden[0].height
    reg = register.lees(tmp_output / "edities")
    assert reg is not None
    assert reg.huidig is not None
    assert register.sha256_van(doel) == reg.huidig.sha256


def test_beide_bestanden_gewijzigd_weigert(tmp_output: Path) -> None:
    """Input: both the published file and the pipeline's copy changed. Holds: the next
    publication refuses (GeschiedenisFout naming both files) and publishes nothing."""
    werk = _werk(tmp_output)
    doel = tmp_output / "nplv_monitor.duckdb"
    eerste = _pub(werk, doel)
    for p in (doel, eerste.vintage):
        with duckdb.connect(str(p)) as con:
            con.execute("DELETE FROM publicatie.edities")
    voor = register.sha256_van(doel)
    with pytest.raises(verificatie.GeschiedenisFout, match="zowel"):
        _pub(werk, doel)
    assert register.sha256_van(doel) == voor


def test_opruimen_verwijdert_de_rapportmappen_van_weggehaalde_edities(tmp_path: Path) -> None:
    """Pruning removes rapportage/<editie>/ of the editions it drops; kept editions and
    rapportage/nieuwste stay."""
    from nplv_monitor.rapportage import maak

    uit = tmp_path / "output"
    for editie in ("2026-a", "2026-b", "2026-c"):
        map_ = maak.editie_map(editie, uit)
        map_.mkdir(parents=True)
        (map_ / "overzicht.html").write_text(editie, encoding="utf-8")
    maak._vernieuw_nieuwste(maak.editie_map("2026-c", uit))
    weg = maak.verwijder_edities(["2026-b", "2026-c"], uit)
    assert [p.name for p in weg] == ["2026-a"]
    over = sorted(p.name for p in maak.rapport_map(uit).iterdir())
    assert over == ["2026-b", "2026-c", maak.NIEUWSTE]
    nieuw = maak.rapport_map(uit) / maak.NIEUWSTE / "overzicht.html"
    assert nieuw.read_text(encoding="utf-8") == "2026-c"


def test_alleen_een_nieuwe_bronhash_is_geen_nieuwe_waarde() -> None:
    """A corrected source file gets a new sha256; a value whose number is unchanged is not stored
    again (otherwise one changed Leefbaarometer score re-stores every value read from that file);
    a changed number is, with its new hash."""
    from nplv_monitor.publicatie import historie

    con = duckdb.connect()
    con.execute("ATTACH ':memory:' AS pub")
    con.execute(
        "CREATE TABLE e1 AS SELECT * FROM (VALUES ('a', 'i', 2024, 1.0, 'h1'), "
        "('b', 'i', 2024, 2.0, 'h1')) t(gebied_code, indicator_code, peiljaar, waarde, bron_sha256)"
    )
    con.execute(
        "CREATE TABLE e2 AS SELECT * FROM (VALUES ('a', 'i', 2024, 1.0, 'h2'), "
        "('b', 'i', 2024, 2.5, 'h2')) t(gebied_code, indicator_code, peiljaar, waarde, bron_sha256)"
    )
    historie.maak_tabel(con, "pub", "(SELECT * FROM e1)")
    assert historie.voeg_editie_toe(con, "pub", "E1", "SELECT * FROM e1") == 2
    assert historie.voeg_editie_toe(con, "pub", "E2", "SELECT * FROM e2") == 1
    rijen = con.execute(
        f"SELECT gebied_code, editie_id, vervangen_in, waarde, bron_sha256 "
        f"FROM pub.{historie.WIJZIGINGEN} ORDER BY gebied_code, editie_id"
    ).fetchall()
    assert rijen == [
        ("a", "E1", None, 1.0, "h1"),
        ("b", "E1", "E2", 2.0, "h1"),
        ("b", "E2", None, 2.5, "h2"),
    ]
