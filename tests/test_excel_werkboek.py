"""The workbook of a full build (fixture ``volledige_build``) read back with openpyxl and checked
against the published DuckDB file, queried independently: trend columns and gap verdicts of the
area sheets, number formats per unit, print setup, and colours by the rule of kleur.py (with the
spread recomputed here in SQL).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from nplv_monitor.rapportage import excel, kleur, opmaak


@pytest.fixture(scope="module")
def werkboek(volledige_build: Path) -> openpyxl.Workbook:
    (pad,) = (volledige_build / "rapportage" / "nieuwste").glob("*.xlsx")
    return openpyxl.load_workbook(pad)  # not read_only: formats, fills and print setup


@pytest.fixture(scope="module")
def con(volledige_build: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(volledige_build / "nplv_monitor.duckdb"), read_only=True)


def _focus(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(
        con.sql(
            "select gebied_naam, gebied_code from ref.gebieden where soort = 'focusgebied'"
        ).fetchall()
    )


def _tabel(ws: Worksheet) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
    """Header → column index (0-based) and the cells of the table rows (until its end)."""
    koppen = [c.value for c in ws[excel.KOP_RIJ + 1]]
    kol = {k: i for i, k in enumerate(koppen) if k}
    rijen = []
    for rij in ws.iter_rows(min_row=excel.EERSTE_RIJ + 1):
        if rij[kol["Indicatorcode"]].value is None:
            break
        rijen.append(rij)
    return kol, rijen


def test_gebiedsbladen_hebben_trend_en_kloofoordeel_uit_duckdb(
    werkboek: openpyxl.Workbook, con: duckdb.DuckDBPyConnection
) -> None:
    # The verdict's wording by the side of Nederland the area is on, from the catalogue's
    # direction and the sign of the published difference: a lead is not called a gap.
    verwacht = {
        (g, i, j): (b, v, vv, k, woord)
        for g, i, j, b, v, vv, k, woord in con.sql(
            "select w.gebied_code, w.indicator_code, w.peiljaar, w.basisjaar, "
            "w.verandering_sinds_basis, w.verandering_verschil, w.kloof_wordt, "
            "case when i.richting not in ('hoger_beter', 'lager_beter') or i.richting is null "
            "then 'verschil' when (w.verschil_nederland > 0 and i.richting = 'hoger_beter') "
            "or (w.verschil_nederland < 0 and i.richting = 'lager_beter') then 'voorsprong' "
            "else 'kloof' end "
            "from monitor.indicatorwaarden w join monitor.indicatoren i using (indicator_code) "
            "where w.gebied_soort = 'focusgebied'"
        ).fetchall()
    }
    oordelen = 0
    for naam, code in _focus(con).items():
        ws = werkboek[naam]
        kol, rijen = _tabel(ws)
        for kop in (excel.KOP_BASISJAAR, excel.KOP_VERANDERING, excel.KOP_KLOOF):
            assert kop in kol, (naam, kop)
        assert rijen, naam
        for rij in rijen:
            sleutel = (code, rij[kol["Indicatorcode"]].value, rij[kol["Peiljaar"]].value)
            if sleutel not in verwacht:  # a row of the gemeente or Nederland only
                assert rij[kol[excel.KOP_KLOOF]].value is None
                continue
            basis, verandering, verandering_verschil, kloof, woord = verwacht[sleutel]
            assert rij[kol[excel.KOP_BASISJAAR]].value == basis, (naam, sleutel)
            for kop, x in (
                (excel.KOP_VERANDERING, verandering),
                (excel.KOP_VERANDERING_VERSCHIL, verandering_verschil),
            ):
                cel = rij[kol[kop]].value
                assert (cel is None) == (x is None), (naam, sleutel, kop)
                if x is not None:
                    assert cel == pytest.approx(x, rel=1e-14, abs=0)
            cel = rij[kol[excel.KOP_KLOOF]].value
            tekst = None if kloof is None else opmaak.KLOOF_TEKSTEN[kloof]
            if tekst is not None and tekst.startswith("kloof "):
                tekst = woord + tekst.removeprefix("kloof")
            assert cel == tekst, (naam, sleutel)
            oordelen += kloof is not None
    # 20 areas × every gebiedseffect indicator with a basisjaar: hundreds of verdicts
    assert oordelen > 200


def _decimalen(fmt: str) -> int:
    deel = fmt.split(";", maxsplit=1)[0]
    return len(deel.split(".")[1].split('"')[0]) if "." in deel else 0


def test_getalnotatie_per_eenheid(
    werkboek: openpyxl.Workbook, con: duckdb.DuckDBPyConnection
) -> None:
    """Decimals as the source publishes them (precisie 0,0005 → 3), at least 1 for %; signed
    differences, in %-punt for percentages."""
    cat = {
        c: (e, p)
        for c, e, p in con.sql(
            "select indicator_code, eenheid, precisie from monitor.indicatoren"
        ).fetchall()
    }
    gezien = {"score": 0, "%": 0}
    for naam in _focus(con):
        ws = werkboek[naam]
        kol, rijen = _tabel(ws)
        waarde = kol[naam]
        for rij in rijen:
            code = rij[kol["Indicatorcode"]].value
            eenheid, precisie = cat[code]
            d = round(-math.log10(2 * precisie))
            if eenheid == "%":
                d = max(d, 1)
            cel, verschil = rij[waarde], rij[kol[excel.KOP_VERSCHIL]]
            if isinstance(cel.value, float):
                assert _decimalen(cel.number_format) == d, (naam, code, cel.number_format)
                assert cel.number_format.endswith('"%"') == (eenheid == "%")
            if isinstance(verschil.value, float):
                fmt = verschil.number_format
                assert _decimalen(fmt) == d, (naam, code, fmt)
                assert fmt.startswith("+"), fmt
                assert '"−"' in fmt, fmt
                assert ("%-punt" in fmt) == (eenheid == "%"), (code, fmt)
                assert '"%"' not in fmt
                if eenheid in gezien:
                    gezien[eenheid] += 1
    # the Leefbaarometer difference −0,164 reads −0,164, not −0,2
    assert gezien["score"] > 100
    assert gezien["%"] > 20


def test_afdrukinstellingen_op_elk_blad(werkboek: openpyxl.Workbook) -> None:
    for ws in werkboek.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # 1 page wide is the OOXML default: XlsxWriter leaves the attribute out then
        assert int(ws.page_setup.fitToWidth or 1) == 1, ws.title
        assert int(ws.page_setup.fitToHeight) == 0, ws.title  # as many pages down as needed
        kop = excel.KOP_RIJ + 1 if ws.title != "Inhoud" else 4
        assert ws.print_title_rows == f"${kop}:${kop}", ws.title


def _spreidingen(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int], tuple[int, float]]:
    """Independently: per indicator and peiljaar the interquartile range of the wijken, or of the
    gemeenten where fewer than MIN_EENHEDEN wijken have a value: (units, IQR)."""
    uit: dict[tuple[str, int], tuple[int, float]] = {}
    for code, jaar, n_w, ika_w, n_g, ika_g in con.sql(
        """
        select indicator_code, peiljaar,
               count(distinct gebied_code) filter (where gebied_soort = 'wijk'),
               quantile_cont(waarde, 0.75) filter (where gebied_soort = 'wijk')
                 - quantile_cont(waarde, 0.25) filter (where gebied_soort = 'wijk'),
               count(distinct gebied_code) filter (where gebied_soort = 'gemeente'),
               quantile_cont(waarde, 0.75) filter (where gebied_soort = 'gemeente')
                 - quantile_cont(waarde, 0.25) filter (where gebied_soort = 'gemeente')
        from monitor.indicatorwaarden
        where status = 'ok' and waarde is not null and gebied_soort in ('wijk', 'gemeente')
        group by all
        """
    ).fetchall():
        if n_w >= kleur.MIN_EENHEDEN:
            uit[(code, jaar)] = (n_w, ika_w)
        elif n_g >= kleur.MIN_EENHEDEN:
            uit[(code, jaar)] = (n_g, ika_g)
    return uit


def _kleur(cel: Any) -> str | None:
    if cel.fill is None or cel.fill.fill_type is None:
        return None
    return "#" + str(cel.fill.fgColor.rgb)[-6:].lower()


def test_kleuren_volgen_de_regel(
    werkboek: openpyxl.Workbook, con: duckdb.DuckDBPyConnection
) -> None:
    """Every coloured area value: the class recomputed here from the wijk spread. The
    Leefbaarometer scores are centred on zero, where the old rule (difference / Nederland's value)
    was noise; Heerlen-Noord 'fysieke omgeving' 2024 close to Nederland must be grey."""
    spreiding = _spreidingen(con)
    richting = dict(con.sql("select indicator_code, richting from monitor.indicatoren").fetchall())
    maat = dict(con.sql("select indicator_code, maat from monitor.indicatoren").fetchall())
    nl = {
        (i, j): w
        for i, j, w in con.sql(
            "select indicator_code, peiljaar, waarde from monitor.indicatorwaarden "
            "where gebied_code = 'NL00' and status = 'ok'"
        ).fetchall()
    }
    per_klasse: dict[str, int] = {}
    for naam, code in _focus(con).items():
        ws = werkboek[naam]
        kol, rijen = _tabel(ws)
        for rij in rijen:
            ind, jaar = rij[kol["Indicatorcode"]].value, rij[kol["Peiljaar"]].value
            cel = rij[kol[naam]]
            if not isinstance(cel.value, float | int):
                continue
            ika = spreiding.get((ind, jaar))
            nederland = nl.get((ind, jaar))
            if maat[ind] == "aantal" or nederland is None or ika is None or ika[1] <= 0:
                sleutel = "geen"
            else:
                z = (cel.value - nederland) / ika[1]
                r = richting[ind]
                if abs(z) <= kleur.GELIJK_GRENS:
                    sleutel = "gelijk"
                elif r not in ("hoger_beter", "lager_beter"):
                    sleutel = "hoger" if z > 0 else "lager"
                else:
                    beter = (z > 0) == (r == "hoger_beter")
                    sleutel = ("veel_" if abs(z) > kleur.GROOT_GRENS else "") + (
                        "beter" if beter else "slechter"
                    )
            verwacht = None if sleutel == "geen" else kleur.KLASSEN[sleutel].kleur
            assert _kleur(cel) == verwacht, (naam, ind, jaar, cel.value, sleutel)
            ligging = rij[kol[excel.KOP_LIGGING]].value
            assert ligging.endswith(kleur.KLASSEN[sleutel].label) or sleutel == "geen", ligging
            per_klasse[sleutel] = per_klasse.get(sleutel, 0) + 1
            if code == "heerlen_noord" and ind == "lbm_fysieke_omgeving" and jaar == 2024:
                assert nederland is not None
                assert sleutel == "gelijk"
                assert abs(cel.value - nederland) / abs(nederland) > 0.1  # "veel" by the old rule
    # the rule is exercised in every class that carries a judgement
    for sleutel in ("gelijk", "beter", "slechter", "veel_slechter", "hoger", "lager"):
        assert per_klasse.get(sleutel, 0) > 0, per_klasse


def test_gebiedsrealisatie_zonder_ok_als_waarde_en_met_aantal_gebieden(
    werkboek: openpyxl.Workbook, con: duckdb.DuckDBPyConnection
) -> None:
    ws = werkboek["Gebiedsrealisatie"]
    kol, rijen = _tabel(ws)
    aantal = {
        (i, j): n
        for i, j, n in con.sql(
            "select indicator_code, peiljaar, aantal_gebieden from monitor.indicatorwaarden "
            "where gebied_code = 'alle_focusgebieden' and familie = 'gebiedsrealisatie'"
        ).fetchall()
    }
    (totaal,) = con.sql("select count(*) from ref.gebieden where soort = 'focusgebied'").fetchall()[
        0
    ]
    met_telling = 0
    for rij in rijen:
        for k in ("Waarde", "Ondergrens", "Bovengrens"):
            assert rij[kol[k]].value != "ok"
        if rij[kol["Gebiedscode"]].value != "alle_focusgebieden":
            continue
        n = aantal[(rij[kol["Indicatorcode"]].value, rij[kol["Peiljaar"]].value)]
        cel = rij[kol["Gebieden"]].value
        assert cel == (None if n is None else f"{n} van {totaal} gebieden")
        met_telling += n is not None
    assert met_telling > 0
