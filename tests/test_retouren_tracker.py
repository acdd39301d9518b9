"""The return tracker (nplv_monitor/rapportage/retouren.py) and its place in the workbook.

On a full build with returns handed in as areas do (tests/retouren_build_hulp.py): Heerlen-Noord
a correct one, Delft-West one with a negative count under a file name without its area code, and
two unreadable (encrypted) files, one named after Breda-Noord's template. The tracker, the sheet
"Retouren" and the area sheets are compared with the realisatie tables of the published file,
queried here.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl
import pytest

from nplv_monitor.rapportage import excel, retouren
from tests.retouren_build_hulp import (
    FOUT,
    GOED,
    HEERLEN_ANTWOORDEN,
    ONLEESBAAR,
    ONLEESBAAR_MET_NAAM,
    bouw_met_retouren,
)


@pytest.fixture(scope="module")
def met_retouren(volledige_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bouw_met_retouren(volledige_build, tmp_path_factory.mktemp("met_retouren"))


@pytest.fixture(scope="module")
def con(met_retouren: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(met_retouren / "nplv_monitor.duckdb"), read_only=True)


@pytest.fixture(scope="module")
def werkboek(met_retouren: Path) -> openpyxl.Workbook:
    (pad,) = (met_retouren / "rapportage" / "nieuwste").glob("*.xlsx")
    return openpyxl.load_workbook(pad)


def test_gebied_uit_bestandsnaam() -> None:
    codes = ["utrecht_overvecht", "heerlen_noord", "delft_west"]
    assert retouren.gebied_uit_bestandsnaam(GOED, codes) == "heerlen_noord"
    assert (
        retouren.gebied_uit_bestandsnaam("Kopie van uitvraag_2025_Delft_West (2).xlsx", codes)
        == "delft_west"
    )
    assert retouren.gebied_uit_bestandsnaam("retour.csv", codes) is None
    assert retouren.gebied_uit_bestandsnaam("heerlen_noord_en_delft_west.xlsx", codes) is None


def test_tracker_volgt_de_realisatietabellen(con: duckdb.DuckDBPyConnection) -> None:
    stand = retouren.uit_verbinding(con)
    (totaal,) = con.sql("select count(*) from ref.gebieden where soort = 'focusgebied'").fetchall()[
        0
    ]
    assert stand.totaal == totaal
    # accepted: the version in force in retouren_historie, its answers in retouren_antwoorden
    actueel = con.sql(
        "select distinct gebied_code, jaar, versie, bestand, ontvangen_op "
        "from realisatie.retouren_historie where actueel"
    ).fetchall()
    assert [(g, b) for g, _, _, b, _ in actueel] == [("heerlen_noord", GOED)]
    _, jaar, versie, bestand, ontvangen = actueel[0]
    assert stand.jaar == jaar
    h = stand.van("heerlen_noord")
    assert h is not None
    assert (h.status, h.versie, h.bestand, h.ontvangen_op) == (
        retouren.GEACCEPTEERD,
        versie,
        bestand,
        ontvangen,
    )
    (beantwoord,) = con.sql(
        "select count(*) from realisatie.retouren_antwoorden where gebied_code = 'heerlen_noord' "
        "and (waarde is not null or tekst is not null)"
    ).fetchall()[0]
    assert h.aantal_antwoorden == beantwoord == h.aantal_vragen
    antwoorden = {a.vraag_id: a.waarde for a in stand.antwoorden["heerlen_noord"]}
    for vraag, waarde in HEERLEN_ANTWOORDEN.items():
        assert antwoorden[vraag] == waarde
    # rejected: the area the intake read from the content, though the file name does not name it
    gebied = dict(
        con.sql(
            "select distinct bestand, gebied_code from realisatie.retouren_afgewezen"
        ).fetchall()
    )
    assert "delft_west" not in FOUT.lower().replace(" ", "_")
    assert gebied == {FOUT: "delft_west", ONLEESBAAR_MET_NAAM: None, ONLEESBAAR: None}
    # every message of the file in retouren_afgewezen, the count as stored
    meldingen = con.sql(
        "select melding, aantal_meldingen from realisatie.retouren_afgewezen "
        "where bestand = ? order by volgnummer",
        params=[FOUT],
    ).fetchall()
    assert meldingen
    d = stand.van("delft_west")
    assert d is not None
    assert d.status == retouren.AFGEWEZEN
    (af,) = d.afwijzingen
    assert (af.bestand, af.gebied_code, af.uit_bestandsnaam) == (FOUT, "delft_west", False)
    assert af.aantal_meldingen == meldingen[0][1]
    assert list(af.meldingen) == [m for m, _ in meldingen]
    assert "negatief" in d.toelichting()
    assert meldingen[0][0] in d.toelichting()
    assert "bestandsnaam" not in d.toelichting()
    # unreadable: no area in the table, with the reason; the tracker falls back on the file name
    # and says so, or lists the file apart
    bepaling = dict(
        con.sql(
            "select distinct bestand, gebied_bepaling from realisatie.retouren_afgewezen "
            "where gebied_code is null"
        ).fetchall()
    )
    assert set(bepaling) == {ONLEESBAAR_MET_NAAM, ONLEESBAAR}
    for tekst in bepaling.values():
        assert tekst.startswith("onbekend: het bestand is niet te lezen"), tekst
        assert "wachtwoord" in tekst
    b = stand.van("breda_noord")
    assert b is not None
    assert b.status == retouren.AFGEWEZEN
    (ab,) = b.afwijzingen
    assert (ab.bestand, ab.gebied_code, ab.uit_bestandsnaam) == (ONLEESBAAR_MET_NAAM, None, True)
    assert "gebied afgeleid uit de bestandsnaam" in b.toelichting()
    assert bepaling[ONLEESBAAR_MET_NAAM] in b.toelichting()
    (los,) = stand.niet_toe_te_wijzen
    assert los.bestand == ONLEESBAAR
    assert retouren.GEBIED_ONBEKEND in los.reden
    # the rest: nothing received
    anderen = [
        x
        for x in stand.gebieden
        if x.gebied_code not in {"heerlen_noord", "delft_west", "breda_noord"}
    ]
    assert {x.status for x in anderen} == {retouren.ONTBREEKT}
    assert stand.samenvatting() == (
        f"Uitvraag {jaar}: 1 van {totaal} gebieden geaccepteerd, 2 afgewezen, "
        f"{totaal - 3} niet ontvangen; 1 afgewezen bestand met {retouren.GEBIED_ONBEKEND}."
    )


def test_retourenblad_en_gebiedsblad(
    werkboek: openpyxl.Workbook, con: duckdb.DuckDBPyConnection
) -> None:
    ws = werkboek[excel.RETOUREN_BLAD]
    koppen = [c.value for c in ws[excel.KOP_RIJ + 1]]
    alle = [
        dict(zip(koppen, r, strict=True))
        for r in ws.iter_rows(min_row=excel.EERSTE_RIJ + 1, values_only=True)
    ]
    rijen = {r["Gebiedscode"]: r for r in alle if r["Gebiedscode"] is not None}
    (los,) = [r for r in alle if r["Gebiedscode"] is None]
    assert (los["Gebied"], los["Bestand"]) == (retouren.GEBIED_ONBEKEND, ONLEESBAAR)
    focus = dict(
        con.sql(
            "select gebied_code, gebied_naam from ref.gebieden where soort = 'focusgebied'"
        ).fetchall()
    )
    assert set(rijen) == set(focus)
    h, d = rijen["heerlen_noord"], rijen["delft_west"]
    assert h["Status"] == retouren.STATUS_TEKST[retouren.GEACCEPTEERD]
    assert h["Bestand"] == GOED
    assert h["Ontvangen bestanden"] == 1
    ((ontvangen, n_vragen),) = con.sql(
        "select max(ontvangen_op), count(*) from realisatie.retouren_antwoorden "
        "where gebied_code = 'heerlen_noord'"
    ).fetchall()
    # Excel keeps milliseconds
    assert abs((h["Ontvangen op (UTC)"] - ontvangen).total_seconds()) < 0.001
    assert h["Vragen beantwoord"] == f"{n_vragen} van {n_vragen}"
    assert d["Status"] == retouren.STATUS_TEKST[retouren.AFGEWEZEN]
    assert d["Afgewezen bestanden"] == 1
    ((melding,),) = con.sql(
        "select melding from realisatie.retouren_afgewezen where bestand = ? and volgnummer = 1",
        params=[FOUT],
    ).fetchall()
    assert melding in d["Toelichting (reden van afwijzing)"]

    # Heerlen-Noord's own sheet: its answers (as in force) and its realisatie figures
    blad = werkboek[focus["heerlen_noord"]]
    cellen = [[c.value for c in r] for r in blad.iter_rows()]
    (begin,) = [i for i, r in enumerate(cellen) if str(r[0]).startswith(excel.BLOK_RETOUR)]
    kop = cellen[begin + 2]
    assert kop[:4] == ["Vraag", "Vraagtekst", "Onderdeel", "Antwoord"]
    in_blad = {}
    for r in cellen[begin + 3 :]:
        if r[0] is None:
            break
        in_blad[r[0]] = r[3]
    antwoorden = dict(
        con.sql(
            "select vraag_id, coalesce(cast(waarde as varchar), tekst) from "
            "realisatie.retouren_antwoorden where gebied_code = 'heerlen_noord'"
        ).fetchall()
    )
    assert set(in_blad) == set(antwoorden)
    for vraag, waarde in antwoorden.items():
        cel = in_blad[vraag]
        assert (str(cel) if isinstance(cel, str) else float(cel)) == (
            waarde if isinstance(cel, str) else float(waarde)
        ), vraag
    (rb,) = [i for i, r in enumerate(cellen) if r[0] == excel.BLOK_REALISATIE]
    codes = set()
    for r in cellen[rb + 2 :]:
        if r[0] is None:
            break
        codes.add(r[1])
    verwacht = {
        c
        for (c,) in con.sql(
            "select distinct indicator_code from monitor.indicatorwaarden where gebied_code = "
            "'heerlen_noord' and familie = 'gebiedsrealisatie' and status = 'ok'"
        ).fetchall()
    }
    assert codes == verwacht
    assert "gr_opstapbanen" in codes  # from the return

    # the all-areas figure built from this one return says so
    ((n, status),) = con.sql(
        "select aantal_gebieden, status from monitor.indicatorwaarden where gebied_code = "
        "'alle_focusgebieden' and indicator_code = 'gr_opstapbanen'"
    ).fetchall()
    assert n == 1
    gr = werkboek["Gebiedsrealisatie"]
    gk = [c.value for c in gr[excel.KOP_RIJ + 1]]
    (rij,) = [
        r
        for r in gr.iter_rows(min_row=excel.EERSTE_RIJ + 1, values_only=True)
        if r[gk.index("Gebiedscode")] == "alle_focusgebieden"
        and r[gk.index("Indicatorcode")] == "gr_opstapbanen"
    ]
    assert rij[gk.index("Gebieden")] == f"1 van {len(focus)} gebieden"
    assert rij[gk.index("Waarde")] == status  # a sum over 1 of 20 areas is no total: withheld
