"""The voortgangsrapportage on real pipeline output.

One build of the whole graph (``nplv-monitor build`` machinery, shipped snapshot) per test session
into a tmp folder; the build's last asset writes the report. The tests read the published DuckDB
file independently and compare.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from types import ModuleType

import duckdb
import openpyxl
import pytest

from nplv_monitor.rapportage import excel, html, maak
from tests.hulp import overslaan


@pytest.fixture(scope="session")
def gebouwd(volledige_build: Path) -> Path:
    """Output folder of one full build (publication + report) on the shipped snapshot."""
    return volledige_build


def _db(uit: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(uit / "nplv_monitor.duckdb"), read_only=True)


def _tabellen(con: duckdb.DuckDBPyConnection) -> set[str]:
    rijen = con.sql("select schema_name || '.' || table_name from duckdb_tables()").fetchall()
    return {r[0] for r in rijen}


def test_asset_in_de_graaf_na_publicatie() -> None:
    from nplv_monitor.definitions import bouw_definitions
    from nplv_monitor.publicatie.assets import PUBLICATIE_KEY
    from nplv_monitor.rapportage.assets import RAPPORT_KEY

    graaf = bouw_definitions().resolve_asset_graph()
    knoop = graaf.get(RAPPORT_KEY)
    assert knoop.group_name == "rapportage"
    assert PUBLICATIE_KEY in knoop.parent_keys


def test_build_schrijft_werkboek_en_html(gebouwd: Path) -> None:
    con = _db(gebouwd)
    editie = con.sql(
        "select editie_id from publicatie.edities order by gepubliceerd_op desc limit 1"
    ).fetchall()[0][0]
    focus = [
        r[0]
        for r in con.sql(
            "select gebied_code from ref.gebieden where soort = 'focusgebied'"
        ).fetchall()
    ]
    con.close()
    # Each edition in its own folder, and the same files in the stable place for the newest.
    map_ = maak.editie_map(editie, gebouwd)
    nieuwste = gebouwd / "rapportage" / maak.NIEUWSTE
    assert sorted(p.name for p in map_.iterdir()) == sorted(p.name for p in nieuwste.iterdir())
    assert (map_ / maak.werkboek_naam(editie)).exists()
    assert (map_ / html.bestandsnaam_overzicht(editie)).exists()
    assert len(focus) == 20
    for code in focus:
        assert (map_ / html.bestandsnaam_gebied(code, editie)).exists(), code


def _werkboek(uit: Path) -> Path:
    (pad,) = (uit / "rapportage" / "nieuwste").glob("*.xlsx")
    return pad


def test_elke_waarde_in_het_werkboek_is_de_duckdb_waarde(gebouwd: Path) -> None:
    con = _db(gebouwd)
    tabellen = _tabellen(con)
    waarden: dict[tuple[str, str, int], tuple[str, float | None]] = {}
    # Both tables must be there: a missing one is a failure, not a check silently left out.
    assert {"monitor.indicatorwaarden", "realisatie.regelingen_cijfers"} <= tabellen
    for g, i, j, s, w in con.sql(
        "select gebied_code, indicator_code, peiljaar, status, waarde from monitor.indicatorwaarden "
        "where gebied_code in (select gebied_code from ref.gebieden)"
    ).fetchall():
        waarden[(g, i, j)] = (s, w)
    assert waarden
    namen = {
        r[0]
        for r in con.sql(
            "select gebied_naam from ref.gebieden where soort = 'focusgebied'"
        ).fetchall()
    }
    wb = openpyxl.load_workbook(_werkboek(gebouwd), read_only=True, data_only=True)
    assert namen <= set(wb.sheetnames)  # one sheet per area
    vergeleken = 0
    for ws in wb.worksheets:
        rijen = list(ws.iter_rows(values_only=True))
        if len(rijen) <= excel.CODE_RIJ or rijen[excel.CODE_RIJ][0] != excel.CODE_LABEL:
            continue
        koppen = rijen[excel.KOP_RIJ]
        codes = rijen[excel.CODE_RIJ]
        if "Indicatorcode" not in koppen:
            continue
        ci, cj = koppen.index("Indicatorcode"), koppen.index("Peiljaar")
        kolommen = [(k, c) for k, c in enumerate(codes) if k > 0 and c]
        for rij in rijen[excel.EERSTE_RIJ :]:
            if rij[ci] is None:
                break  # the table ends; an area sheet's blocks (causes, return) follow
            for k, gebied in kolommen:
                sleutel = (gebied, rij[ci], int(rij[cj]))
                cel = rij[k]
                if sleutel not in waarden:
                    assert cel == "niet berekend", (ws.title, sleutel, cel)
                    continue
                status, w = waarden[sleutel]
                if status == "ok" and w is not None:
                    # Excel keeps 15 significant digits (the file holds 16); nothing is rounded to
                    # fewer digits than that.
                    assert cel == pytest.approx(w, rel=1e-14, abs=0), (ws.title, sleutel, cel, w)
                else:
                    assert cel == status, (ws.title, sleutel, cel, status)
                vergeleken += 1
    # Every overview value (alle focusgebieden and Nederland) appears at least once.
    overzicht = {k for k in waarden if k[0] in {"alle_focusgebieden", "NL00"}}
    assert vergeleken >= len(overzicht)

    gepubliceerd = sorted(
        (g, m, j, lo, hi)
        for g, m, j, lo, hi in con.sql(
            "select gebied_code, maat, peiljaar, waarde_min, waarde_max from realisatie.regelingen_cijfers"
        ).fetchall()
    )
    ws = wb["Realisatie regelingen"]
    rijen = list(ws.iter_rows(min_row=excel.EERSTE_RIJ + 1, values_only=True))
    in_blad = sorted(
        (
            r[1],
            r[5],
            int(r[8]),
            None if r[9] == "ontbreekt" else r[9],
            None if r[10] == "ontbreekt" else r[10],
        )
        for r in rijen
    )
    assert gepubliceerd
    assert in_blad == gepubliceerd
    con.close()


_EXTERN = re.compile(r"<script|<link|@import|<iframe|<object|<embed|<img", re.IGNORECASE)
_VERWIJZING = re.compile(r"""\b(?:src|href|xlink:href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*['\"]?([^)'\"]*)", re.IGNORECASE)
#: The only addresses outside the folder: CBS tables on StatLine, as plain hyperlinks.
_STATLINE = "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/"


def test_html_laadt_niets_van_buiten(gebouwd: Path) -> None:
    """Self-contained: nothing is loaded (no script, stylesheet, image or font); a link goes to an
    anchor, another page of the same folder, a data: URI (the CSV) or a CBS table on StatLine."""
    map_ = gebouwd / "rapportage" / "nieuwste"
    bestanden = sorted(map_.glob("*.html"))
    assert len(bestanden) == 21
    for pad in bestanden:
        tekst = pad.read_text(encoding="utf-8")
        assert not _EXTERN.search(tekst), (pad.name, _EXTERN.search(tekst))
        assert " src=" not in tekst, pad.name
        assert not _CSS_URL.findall(tekst), pad.name
        for doel in _VERWIJZING.findall(tekst):
            if doel.startswith(("#", "data:", _STATLINE)):
                continue
            assert (map_ / doel.partition("#")[0]).is_file(), (pad.name, doel)
        assert re.findall(r"https?://[^\s\"'<]+", tekst) == [
            u for u in re.findall(r'href="(https?://[^"]+)"', tekst)
        ], pad.name  # any URL in the page is a StatLine link
        assert (
            "Bron: CBS, Politie, BZK/VRO (Leefbaarometer), RIVM — CC BY 4.0 waar van toepassing"
            in tekst
        )
        assert "EUPL-1.2" in tekst
        assert "<svg" in tekst  # at least the map is drawn


def test_report_commando_voor_een_gebied(gebouwd: Path, tmp_path: Path, tmp_output: Path) -> None:
    from nplv_monitor.cli import main

    pub = gebouwd / "nplv_monitor.duckdb"
    code = main(
        ["report", "--gebied", "rotterdam_zuid", "--publicatie", str(pub), "--uit", str(tmp_path)]
    )
    assert code == 0
    (enig,) = tmp_path.glob("*.html")
    assert enig.name.endswith("_rotterdam_zuid.html")
    assert "Rotterdam-Zuid" in enig.read_text(encoding="utf-8")
    assert (
        main(
            ["report", "--gebied", "bestaat_niet", "--publicatie", str(pub), "--uit", str(tmp_path)]
        )
        == 2
    )


@pytest.mark.browser
def test_chromium_toont_overzicht_met_grafieken(
    gebouwd: Path, tmp_path: Path, ui_screenshot: ModuleType
) -> None:
    chromium = ui_screenshot.chromium()
    if chromium is None:
        overslaan("Debian's chromium is niet geïnstalleerd (apt-get install -y chromium)")
    (pad,) = [
        p for p in (gebouwd / "rapportage" / "nieuwste").glob("*.html") if p.stem.count("_") == 1
    ]
    png = tmp_path / "overzicht.png"
    vlaggen = ui_screenshot.headless_vlaggen(tmp_path / "profiel")
    subprocess.run(
        [chromium, *vlaggen, f"--screenshot={png}", "--window-size=1400,3000", pad.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert png.stat().st_size > 50_000  # a blank page is a few kB
    dom = subprocess.run(
        [chromium, *vlaggen, "--dump-dom", pad.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
        text=True,
    ).stdout
    # The browser parsed every inline chart as SVG (nothing failed to load: nothing is loaded).
    assert dom.count("<svg") == pad.read_text(encoding="utf-8").count("<svg") > 0
