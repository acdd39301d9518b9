"""Publication of the analysts' file: atomic swap, editions, views, comments, faults.

The working file is filled with real snapshot data (the Leefbaarometer wijk scores via the bronnen
reader). Where a test needs monitor.indicatorwaarden / ref.gebieden before those stages have run,
it writes a small TEST FIXTURE frame (invented values, validated against the real schema) and
checks the views against the same answers computed independently with polars.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import polars as pl
import pytest

from nplv_monitor import validatie
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR
from nplv_monitor.db import schrijf_tabel, verbind
from nplv_monitor.publicatie import edities, publiceer
from tests.bronnen_hulp import bron_asset, materialiseer

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def _werk(tmp_output: Path) -> Path:
    """A work DB with bron.leefbaarometer_wijk and its bron.herkomst rows, written by the asset."""
    pad = tmp_output / ".werk" / "werk.duckdb"
    assert materialiseer(bron_asset("leefbaarometer_wijk"), pad).success
    return pad


def _publiceer(werk: Path, doel: Path, jaar: int = 2026, run: str = "r") -> publiceer.Publicatie:
    import uuid

    return publiceer.publiceer(
        werk,
        doel,
        rapportagejaar=jaar,
        run_id=f"{run}{uuid.uuid4().hex}",
        snapshot=edities.snapshot_bestanden(werk),
        wachttijd_s=1,
    )


def _edities(pad: Path) -> list[str]:
    with duckdb.connect(str(pad), read_only=True) as con:
        return [
            r[0] for r in con.sql("SELECT editie_id FROM publicatie.edities ORDER BY 1").fetchall()
        ]


# -- TEST FIXTURE: invented indicator values in the real monitor.indicatorwaarden schema --------
FOCUS = [("rotterdam_zuid", "Rotterdam-Zuid", "GM0599"), ("delft_west", "Delft-West", "GM0503")]


def _fixture_indicatorwaarden(factor: float = 1.0) -> pl.DataFrame:
    rijen = []
    waarden = {
        "rotterdam_zuid": 40.0,
        "GM0599": 50.0,
        "rotterdam_zuid_rest": 55.0,
        "delft_west": 30.0,
        "GM0503": 35.0,
        "delft_west_rest": 36.0,
        "NL00": 60.0,
        "alle_focusgebieden": 38.0,
    }
    soorten = {
        "rotterdam_zuid": "focusgebied",
        "delft_west": "focusgebied",
        "GM0599": "gemeente",
        "GM0503": "gemeente",
        "rotterdam_zuid_rest": "rest_gemeente",
        "delft_west_rest": "rest_gemeente",
        "NL00": "nederland",
        "alle_focusgebieden": "alle_focusgebieden",
    }
    for peiljaar, stap in ((2020, 0.0), (2024, 2.0)):
        for code, w in waarden.items():
            waarde = (w + stap) * factor
            onderdrukt = code == "delft_west_rest" and peiljaar == 2024
            rijen.append(
                {
                    "gebied_code": code,
                    "gebied_soort": soorten[code],
                    "indicator_code": "test_indicator",
                    "familie": "context",
                    "actielijn": "fysiek",
                    "peiljaar": peiljaar,
                    "indelingsjaar": 2024,
                    "waarde": None if onderdrukt else waarde,
                    "waarde_min": None,
                    "waarde_max": None,
                    "teller": None,
                    "noemer": None,
                    "dekking": 0.5 if onderdrukt else 1.0,
                    "aantal_gebieden": None,
                    "status": "onderdrukt" if onderdrukt else "ok",
                    "status_toelichting": "dekking 50%" if onderdrukt else None,
                    "eenheid": "%",
                    "bron_tabel": "testfixture",
                    "bron_variabele": None,
                    "bron_sha256": None,
                    "bron_vermelding": None,
                    "toelichting": None,
                    "waarde_nederland": (60.0 + stap) * factor,
                    "verschil_nederland": None if onderdrukt else waarde - (60.0 + stap) * factor,
                    "basisjaar": 2020,
                    "waarde_basisjaar": w * factor,
                    "verandering_sinds_basis": None if onderdrukt else waarde - w * factor,
                    "verschil_nederland_basisjaar": (w - 60.0) * factor,
                    "verandering_verschil": None
                    if onderdrukt
                    else (waarde - (60.0 + stap) * factor) - (w - 60.0) * factor,
                    "percentiel_wijken": None,
                }
            )
    sch = validatie.schema("monitor.indicatorwaarden")
    df = pl.DataFrame(rijen, schema={k: c.dtype.type for k, c in sch.columns.items()})
    return validatie.valideer(df, "monitor.indicatorwaarden")


def _fixture_gebieden() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "gebied_code": [c for c, _, _ in FOCUS],
            "gebied_naam": [n for _, n, _ in FOCUS],
            "soort": ["focusgebied"] * len(FOCUS),
            "gemeentecode": [g for _, _, g in FOCUS],
        }
    )


def _schrijf_fixture(werk: Path, factor: float = 1.0) -> pl.DataFrame:
    iw = _fixture_indicatorwaarden(factor)
    with verbind(werk) as con:
        schrijf_tabel(con, "monitor.indicatorwaarden", iw)
        schrijf_tabel(con, "ref.gebieden", _fixture_gebieden())
    return iw


# -- the file itself ---------------------------------------------------------------------------
def test_publicatie_is_volledig_leesbaar_voor_1x_en_gedocumenteerd(tmp_output: Path) -> None:
    werk = _werk(tmp_output)
    doel = tmp_output / "nplv_monitor.duckdb"
    pub = _publiceer(werk, doel)

    assert doel.exists()
    assert pub.vintage.exists()
    assert doel.read_bytes() == pub.vintage.read_bytes()
    assert publiceer.opslagversie(doel).startswith("v1.5")
    assert publiceer.tijdelijke_bestanden(tmp_output) == []
    with (
        duckdb.connect(str(werk), read_only=True) as w,
        duckdb.connect(str(doel), read_only=True) as p,
    ):
        origineel = w.sql("SELECT * FROM bron.leefbaarometer_wijk ORDER BY ALL").pl()
        kopie = p.sql("SELECT * FROM bron.leefbaarometer_wijk ORDER BY ALL").pl()
        assert kopie.equals(origineel)
        commentaar = dict(
            p.sql(
                "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = 'bron' "
                "AND table_name = 'leefbaarometer_wijk'"
            ).fetchall()
        )
        tabel = p.sql(
            "SELECT comment FROM duckdb_tables() WHERE table_name = 'leefbaarometer_wijk'"
        ).fetchall()
        editie = p.sql("SELECT * FROM publicatie.edities").pl()
        bestanden = p.sql("SELECT pad, sha256 FROM publicatie.editie_bestanden").fetchall()
    assert commentaar == validatie.kolom_beschrijvingen("bron.leefbaarometer_wijk")
    assert tabel == [(validatie.tabel_beschrijving("bron.leefbaarometer_wijk"),)]
    assert editie["editie_id"].to_list() == [pub.editie.editie_id]
    assert editie["rapportagejaar"].to_list() == [2026]
    # The edition's files are the werk DB's bron.herkomst rows; recomputed from the files on disk.
    with duckdb.connect(str(werk), read_only=True) as w:
        herkomst = w.sql("SELECT DISTINCT bestand, sha256 FROM bron.herkomst").fetchall()
    assert sorted(bestanden) == sorted(herkomst)
    assert {p: hashlib.sha256((DEFAULT_SNAPSHOT_DIR / p).read_bytes()).hexdigest() for p, _ in
            bestanden} == dict(bestanden)  # fmt: skip
    assert editie["snapshot_sha256"][0] == pub.editie.snapshot_sha256


def test_twee_publicaties_twee_edities_en_historie_met_revisies(tmp_output: Path) -> None:
    werk = _werk(tmp_output)
    doel = tmp_output / "nplv_monitor.duckdb"
    eerste_iw = _schrijf_fixture(werk, 1.0)
    eerste = _publiceer(werk, doel, 2025)
    tweede_iw = _schrijf_fixture(werk, 1.1)  # revised figures in the next edition
    tweede = _publiceer(werk, doel, 2026)

    assert tweede.aantal_edities == 2
    assert _edities(doel) == sorted([eerste.editie.editie_id, tweede.editie.editie_id])
    # one byte copy (the newest edition's): it carries every earlier edition's values
    assert list((tmp_output / "edities").glob("*.duckdb")) == [tweede.vintage]
    with duckdb.connect(str(doel), read_only=True) as con:
        hist = con.sql(
            "SELECT * EXCLUDE (editie_id), editie_id FROM publicatie.indicatorwaarden_historie"
        ).pl()
        rev = con.sql(
            "SELECT gebied_code, peiljaar, waarde, waarde_vorige_editie, herzien FROM publicatie.revisies "
            f"WHERE editie_id = '{tweede.editie.editie_id}' ORDER BY 1, 2"
        ).pl()
        overzicht = con.sql(
            "SELECT editie_id, aantal_indicatorwaarden, aantal_onderdrukt FROM "
            "publicatie.edities_overzicht ORDER BY gepubliceerd_op"
        ).fetchall()
    # every edition's figures are kept exactly as published
    for pub, iw in ((eerste, eerste_iw), (tweede, tweede_iw)):
        eigen = hist.filter(pl.col("editie_id") == pub.editie.editie_id).drop("editie_id")
        assert eigen.sort(["gebied_code", "peiljaar"]).equals(
            iw.select(eigen.columns).sort(["gebied_code", "peiljaar"])
        )
    verwacht = (
        tweede_iw.select("gebied_code", "peiljaar", "waarde")
        .join(
            eerste_iw.select(
                "gebied_code", "peiljaar", pl.col("waarde").alias("waarde_vorige_editie")
            ),
            on=["gebied_code", "peiljaar"],
        )
        .with_columns(herzien=pl.col("waarde").ne_missing(pl.col("waarde_vorige_editie")))
        .sort("gebied_code", "peiljaar")
    )
    assert rev.equals(verwacht)
    onderdrukt = int((eerste_iw["status"] == "onderdrukt").sum())
    assert overzicht == [
        (eerste.editie.editie_id, eerste_iw.height, onderdrukt),
        (tweede.editie.editie_id, tweede_iw.height, onderdrukt),
    ]


def test_views_beantwoorden_de_gebiedsvragen(tmp_output: Path) -> None:
    werk = _werk(tmp_output)
    doel = tmp_output / "nplv_monitor.duckdb"
    iw = _schrijf_fixture(werk)
    pub = _publiceer(werk, doel)
    assert set(pub.views) == {
        "publicatie.gebied_vergelijking",
        "publicatie.indicator_gebieden",
        "publicatie.laatste_waarden",
        "publicatie.niet_gepubliceerde_waarden",
        "publicatie.edities_overzicht",
        "publicatie.revisies",
    }
    with duckdb.connect(str(doel), read_only=True) as con:
        vgl = con.sql(
            "SELECT gebied_code, peiljaar, waarde, waarde_gemeente, waarde_rest_gemeente, "
            "waarde_nederland, kloof_nederland, trend_sinds_basis FROM "
            "publicatie.gebied_vergelijking ORDER BY 1, 2"
        ).pl()
        naast = con.sql("SELECT * FROM publicatie.indicator_gebieden ORDER BY peiljaar").pl()
        niet = con.sql(
            "SELECT gebied_code, peiljaar FROM publicatie.niet_gepubliceerde_waarden"
        ).fetchall()
    w = iw.select("gebied_code", "indicator_code", "peiljaar", "waarde")
    g = _fixture_gebieden()
    verwacht = (
        iw.filter(pl.col("gebied_soort") == "focusgebied")
        .join(g.select("gebied_code", "gemeentecode"), on="gebied_code")
        .join(
            w.rename({"gebied_code": "gemeentecode", "waarde": "waarde_gemeente"}),
            on=["gemeentecode", "indicator_code", "peiljaar"],
            how="left",
        )
        .with_columns(rest=pl.col("gebied_code") + "_rest")
        .join(
            w.rename({"gebied_code": "rest", "waarde": "waarde_rest_gemeente"}),
            on=["rest", "indicator_code", "peiljaar"],
            how="left",
        )
        .join(
            w.filter(pl.col("gebied_code") == "NL00")
            .drop("gebied_code")
            .rename({"waarde": "waarde_nederland"}),
            on=["indicator_code", "peiljaar"],
            how="left",
        )
        .with_columns(
            kloof_nederland=pl.col("verschil_nederland"),
            trend_sinds_basis=pl.col("verandering_sinds_basis"),
        )
        .select(vgl.columns)
        .sort("gebied_code", "peiljaar")
    )
    assert vgl.equals(verwacht)
    for code in ("rotterdam_zuid", "delft_west", "alle_focusgebieden", "NL00"):
        assert (
            naast[code].to_list()
            == iw.filter(pl.col("gebied_code") == code).sort("peiljaar")["waarde"].to_list()
        )
    assert niet == [
        (r["gebied_code"], r["peiljaar"])
        for r in iw.filter(pl.col("status") != "ok").iter_rows(named=True)
    ]


def test_zonder_indicatorwaarden_alleen_editieviews(tmp_output: Path) -> None:
    pub = _publiceer(_werk(tmp_output), tmp_output / "nplv_monitor.duckdb")
    assert pub.views == ["publicatie.edities_overzicht"]


# -- faults ------------------------------------------------------------------------------------
def test_achtergebleven_tijdelijke_bestanden_worden_opgeruimd(tmp_output: Path) -> None:
    werk = _werk(tmp_output)
    doel = tmp_output / "nplv_monitor.duckdb"
    (tmp_output / "edities").mkdir(parents=True)
    resten = [
        tmp_output / f"{publiceer.TMP_PREFIX}999-dood{publiceer.TMP_SUFFIX}",
        tmp_output / f"{publiceer.TMP_PREFIX}999-dood{publiceer.TMP_SUFFIX}.wal",
        tmp_output / "edities" / f"{publiceer.TMP_PREFIX}999-dood-vintage{publiceer.TMP_SUFFIX}",
    ]
    for r in resten:
        r.write_bytes(b"half geschreven")
    pub = _publiceer(werk, doel)
    assert publiceer.tijdelijke_bestanden(tmp_output) == []
    assert len(pub.opmerkingen) == 3


def _subproces(code: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def test_tweede_gelijktijdige_publicatie_weigert_duidelijk(tmp_output: Path) -> None:
    werk = _werk(tmp_output)
    doel = tmp_output / "nplv_monitor.duckdb"
    houder = _subproces(f"""
        import sys
        from pathlib import Path
        from nplv_monitor.publicatie.publiceer import publicatieslot
        with publicatieslot(Path({str(doel)!r})):
            print("bezet", flush=True)
            sys.stdin.readline()
    """)
    try:
        assert houder.stdout is not None
        assert houder.stdout.readline().strip() == "bezet"
        with pytest.raises(publiceer.PublicatieFout, match="Er loopt al een publicatie"):
            _publiceer(werk, doel)
        assert not doel.exists()
    finally:
        houder.communicate("\n", timeout=30)
    _publiceer(werk, doel)  # once the other run is done, publishing works
    assert len(_edities(doel)) == 1


@pytest.mark.parametrize("moment", ["rename", "kopie"])
def test_proces_gedood_tijdens_publicatie(tmp_output: Path, moment: str) -> None:
    werk = _werk(tmp_output)
    doel = tmp_output / "nplv_monitor.duckdb"
    eerste = _publiceer(werk, doel)
    voor = doel.read_bytes()
    # A child process publishes and SIGKILLs itself at the swap (os.replace onto the published
    # file) or halfway through the vintage byte copy.
    proc = _subproces(f"""
        import os, signal, shutil
        from pathlib import Path
        from nplv_monitor.publicatie import edities, publiceer
        doel = Path({str(doel)!r})
        echte_replace = os.replace
        def replace(a, b):
            if Path(b) == doel:
                os.kill(os.getpid(), signal.SIGKILL)
            return echte_replace(a, b)
        def copyfile(a, b):
            with open(a, "rb") as f, open(b, "wb") as g:
                g.write(f.read(1 << 16)); g.flush(); os.fsync(g.fileno())
            os.kill(os.getpid(), signal.SIGKILL)
        if {moment!r} == "rename":
            publiceer.os.replace = replace
        else:
            publiceer.shutil.copyfile = copyfile
        publiceer.publiceer(Path({str(werk)!r}), doel, rapportagejaar=2026, run_id="gedood-run",
                            snapshot=edities.snapshot_bestanden(Path({str(werk)!r})))
    """)
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert doel.read_bytes() == voor  # the previous edition is intact
    assert _edities(doel) == [eerste.editie.editie_id]
    assert publiceer.tijdelijke_bestanden(tmp_output)  # the killed run left its temp file(s)
    tweede = _publiceer(werk, doel)
    assert publiceer.tijdelijke_bestanden(tmp_output) == []
    assert _edities(doel) == sorted([eerste.editie.editie_id, tweede.editie.editie_id])


@pytest.mark.parametrize("modus", ["alleen_lezen", "lezen_schrijven"])
def test_lezer_houdt_bestand_open_tijdens_publicatie(tmp_output: Path, modus: str) -> None:
    werk = _werk(tmp_output)
    doel = tmp_output / "nplv_monitor.duckdb"
    eerste = _publiceer(werk, doel)
    lezer = _subproces(f"""
        import sys, duckdb
        con = duckdb.connect({str(doel)!r}, read_only={modus == "alleen_lezen"})
        vraag = "SELECT count(*) FROM publicatie.edities"
        if {modus == "lezen_schrijven"}:
            # an analyst's own table, not yet checkpointed: a WAL next to the published file
            con.execute("CREATE TABLE main.mijn_analyse AS SELECT 1 AS x")
        print(con.sql(vraag).fetchall()[0][0], flush=True)
        sys.stdin.readline()
        print(con.sql(vraag).fetchall()[0][0], flush=True)
        sys.stdin.readline()
    """)
    try:
        assert lezer.stdout is not None
        assert lezer.stdin is not None
        assert lezer.stdout.readline().strip() == "1"
        tweede = _publiceer(werk, doel)  # succeeds although the reader holds the old file
        assert tweede.aantal_edities == 2
        # history always comes from the pipeline's own verified copy, never from the open file
        assert tweede.vorige_bron == str(eerste.vintage)
        if modus == "lezen_schrijven":  # the old file's WAL was moved aside, reported
            assert any("verplaatst" in o for o in tweede.opmerkingen)
            assert not doel.with_name(doel.name + ".wal").exists()
        lezer.stdin.write("\n")
        lezer.stdin.flush()
        assert lezer.stdout.readline().strip() == "1"  # the reader keeps its old view
        # a new reader, while the old one is still open, sees the new edition
        with duckdb.connect(str(doel), read_only=True) as con:
            assert con.sql("SELECT count(*) FROM publicatie.edities").fetchall()[0][0] == 2
    finally:
        _, fout = lezer.communicate("\n", timeout=30)
    assert lezer.returncode == 0, fout
    derde = _publiceer(werk, doel)
    assert derde.aantal_edities == 3
