"""Returns as area officers really deliver them (issue 13, returns half).

Each test states the input — typed the way an officer types it, in a real workbook made by
`nplv-monitor template` and filled with openpyxl (cell number formats included) or in the CSV — and
what must hold afterwards: nothing published wrong, history intact, size bounded.
Classes: 4 Dutch notation and plausibility bounds, 5 order by arrival, 6 limits and unreadable
files, 7 rejections impossible to miss.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import openpyxl
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nplv_monitor.cli import main
from nplv_monitor.db import WerkDatabase
from nplv_monitor.definitions import definities_van
from nplv_monitor.orkestratie import build as build_mod
from nplv_monitor.realisatie import assets, getallen, intake, uitvraag
from nplv_monitor.realisatie.meldingen import MAX_MELDINGEN, RetourFout
from nplv_monitor.realisatie.template import BLAD
from tests.bronnen_hulp import bron_asset
from tests.realisatie_hulp import (
    EERSTE_RIJ,
    KOL,
    maak_template,
    rij_van,
    versleuteld_xlsx,
    vul_in,
)

U = uitvraag.laad(2025)


@pytest.fixture
def sjabloon(tmp_path: Path) -> Path:
    return maak_template(tmp_path / "sjablonen")


def _waarden(pad: Path) -> dict[str, float | None]:
    r = intake.lees_retour(pad)
    return {x["vraag_id"]: x["waarde"] for x in r.antwoorden.iter_rows(named=True)}


def _meldingen(pad: Path) -> list[str]:
    with pytest.raises(RetourFout) as exc:
        intake.lees_retour(pad)
    return [str(m) for m in exc.value.meldingen]


def _cel(vraag_id: str, waarde: Any, opmaak: str | None = None) -> Callable[[Any], None]:
    def m(wb: Any) -> None:
        ws = wb[BLAD]
        c = ws.cell(rij_van(ws, vraag_id), KOL["antwoord"])
        c.value = waarde
        if opmaak:
            c.number_format = opmaak

    return m


def _csv_met(tmp_path: Path, antwoorden: dict[str, str], codering: str = "utf-8") -> Path:
    """The template CSV with answers typed as text (what a text editor or Excel saves)."""
    maak_template(tmp_path / "csvsjabloon")
    bron = tmp_path / "csvsjabloon" / "uitvraag_2025_heerlen_noord.csv"
    rijen = list(csv.reader(io.StringIO(bron.read_text(encoding="utf-8-sig")), delimiter=";"))
    for rij in rijen[1:]:
        rij[8] = antwoorden.get(rij[2], "4")
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\n").writerows(rijen)
    uit = buf.getvalue().splitlines()
    pad = tmp_path / f"retour_{codering}.csv"
    pad.write_bytes(("\n".join(uit) + "\n").encode(codering))
    return pad


# -- 4. Dutch notation, per question type ----------------------------------------------------------
NL_TEKST = {"1": "1.000", "3": "12.500", "7": "1 250", "6": "1,5", "21": "35%", "5a": "45"}
NL_VERWACHT = {"1": 1000.0, "3": 12500.0, "7": 1250.0, "6": 1.5, "21": 35.0, "5a": 45.0}


def test_nederlandse_notatie_in_tekstcellen_xlsx(sjabloon: Path, tmp_path: Path) -> None:
    """Input: text typed in the answer cells — '1.000' and '12.500' for counts, '1 250' with a
    space, '1,5' fte, '35%' for the percentage. After: read as 1000, 12500, 1250, 1.5 and 35 (the
    old reader made '1.000' 1.0 and refused '12.500' as '12,5')."""
    gelezen = _waarden(vul_in(sjabloon, tmp_path / "nl.xlsx", NL_TEKST))
    assert {k: gelezen[k] for k in NL_VERWACHT} == NL_VERWACHT


def test_nederlandse_notatie_in_csv(tmp_path: Path) -> None:
    """Input: the same text in the template CSV. After: the same numbers."""
    gelezen = _waarden(_csv_met(tmp_path, NL_TEKST))
    assert {k: gelezen[k] for k in NL_VERWACHT} == NL_VERWACHT


@pytest.mark.parametrize(
    ("waarde", "opmaak", "verwacht"),
    [(0.35, "0%", 35.0), (0.125, "0.0%", 12.5), (0, "0%", 0.0), (1, "0%", 100.0),
     (35, "General", 35.0), (0.07, "0%", 7.0)],
)  # fmt: skip
def test_percentage_opgemaakte_cel(
    sjabloon: Path, tmp_path: Path, waarde: float, opmaak: str, verwacht: float
) -> None:
    """Input: question 21 (percentage) in a cell formatted as percentage (Excel stores 35% as
    0.35). After: the percentage as shown (35, not 0.35); 0% and 100% are valid; 7% is exactly 7."""
    pad = vul_in(sjabloon, tmp_path / "pct.xlsx", mutatie=_cel("21", waarde, opmaak))
    assert _waarden(pad)["21"] == verwacht


def test_percentage_opmaak_bij_een_aantal_wordt_geweigerd(sjabloon: Path, tmp_path: Path) -> None:
    """Input: a count (question 2) in a percentage-formatted cell showing 35%. After: rejected,
    the message quotes '35%'."""
    pad = vul_in(sjabloon, tmp_path / "p.xlsx", mutatie=_cel("2", 0.35, "0%"))
    (m,) = _meldingen(pad)
    assert "'35%' staat in een cel die als percentage is opgemaakt" in m


#: (vraag, typed text, fragment the message must contain). The message must quote the text
#: exactly as typed.
DUBBELZINNIG = [
    ("11", "1,5", "bevat een decimale komma, maar hier hoort een geheel getal"),
    ("11", "1,000", "bevat een decimale komma"),
    ("1", "1.5", "is geen geheel getal"),
    ("1", "1.50", "is geen geheel getal"),
    ("6", "1.5", "gebruikt een punt als decimaalteken; in een Nederlandse retour is dat een komma: schrijf 1,5"),
    ("6", "1.000", "is dubbelzinnig"),
    ("6", "2.500", "bedoelde u misschien 2,500?"),
    ("21", "12.5", "schrijf 12,5"),
    ("1", "1,000.5", "Engelse notatie"),
    ("1", "1e3", "maar er staat tekst: '1e3'"),
    ("2", "35%", "bevat een %-teken, maar dit is geen percentagevraag"),
]  # fmt: skip


@pytest.mark.parametrize(("vraag", "getypt", "fragment"), DUBBELZINNIG)
def test_dubbelzinnig_of_fout_getal_wordt_geweigerd_met_wat_er_getypt_is(
    sjabloon: Path, tmp_path: Path, vraag: str, getypt: str, fragment: str
) -> None:
    """Input: the text in the answer cell of ``vraag``. After: the return is rejected (nothing
    read) with one message at that cell quoting exactly what was typed and how to write it."""
    pad = vul_in(sjabloon, tmp_path / "d.xlsx", {vraag: getypt})
    (m,) = _meldingen(pad)
    assert f"'{getypt}'" in m
    assert fragment in m
    ws_rij = rij_van(openpyxl.load_workbook(pad)[BLAD], vraag)
    assert f"rij {ws_rij}, kolom I (antwoord)" in m


def test_plausibiliteitsgrenzen_uit_de_yaml(sjabloon: Path, tmp_path: Path) -> None:
    """Input: each count at its upper bound from vragen_2025.yaml, and one above; the percentage
    at 0 and at 100. After: the bounds themselves are accepted, one above is rejected with the
    bound in the message (Dutch notation)."""
    grenzen = {v.id: v.maximum for v in U.vragen if v.soort in ("aantal", "fte")}
    assert grenzen
    assert all(g is not None for g in grenzen.values())
    op_de_grens = {vid: int(g) for vid, g in grenzen.items() if g is not None}
    gelezen = _waarden(vul_in(sjabloon, tmp_path / "grens.xlsx", {**op_de_grens, "21": 100}))
    assert {k: gelezen[k] for k in op_de_grens} == {k: float(g) for k, g in op_de_grens.items()}
    assert gelezen["21"] == 100.0
    assert _waarden(vul_in(sjabloon, tmp_path / "nul.xlsx", {"21": 0}))["21"] == 0.0

    maximum = U.vraag("1").maximum  # type: ignore[union-attr]
    assert maximum is not None
    pad = vul_in(sjabloon, tmp_path / "boven.xlsx", {"1": int(maximum) + 1})
    (m,) = _meldingen(pad)
    assert f"'{getallen.formatteer(maximum + 1)}' huishoudens ligt buiten de grenzen" in m
    assert f"0 tot en met {getallen.formatteer(maximum)}" in m
    (m,) = _meldingen(vul_in(sjabloon, tmp_path / "p.xlsx", {"21": "100,5"}))
    assert "een percentage ligt tussen 0 en 100 (u vulde '100,5' in)" in m


def test_vraagdefinitie_zonder_grens_wordt_geweigerd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Input: vragen_2025.yaml with the max of question 1 removed. After: UitvraagFout naming the
    file and question (a count without a bound is never silently accepted)."""
    tekst = (uitvraag.UITVRAAG_DIR / "vragen_2025.yaml").read_text(encoding="utf-8")
    kapot = tekst.replace("soort: aantal, min: 0, max: 150000, ", "soort: aantal, ", 1)
    assert kapot != tekst
    (tmp_path / "vragen_2025.yaml").write_text(kapot, encoding="utf-8")
    monkeypatch.setattr(uitvraag, "UITVRAAG_DIR", tmp_path)
    uitvraag.laad.cache_clear()
    try:
        with pytest.raises(
            uitvraag.UitvraagFout, match="vraag 1: soort aantal vraagt een min en een max"
        ):
            uitvraag.laad(2025)
    finally:
        uitvraag.laad.cache_clear()


# Property: formatting a number the Dutch way and reading it back gives the same number.
@settings(max_examples=300, deadline=None)
@given(n=st.integers(min_value=0, max_value=10**12), punten=st.booleans())
def test_eigenschap_geheel_getal_heen_en_terug(n: int, punten: bool) -> None:
    tekst = getallen.formatteer(n, duizendtallen=punten)
    assert getallen.lees_tekst(tekst, "aantal") == n


@settings(max_examples=300, deadline=None)
@given(
    d=st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False),
    punten=st.booleans(),
    soort=st.sampled_from(["fte", "percentage"]),
)
def test_eigenschap_decimaal_getal_heen_en_terug(d: Decimal, punten: bool, soort: str) -> None:
    tekst = getallen.formatteer(d, duizendtallen=punten)
    gelezen = getallen.lees_tekst(tekst, soort)
    if "," in tekst or "." not in tekst:
        # a decimal comma, or no separator at all: unambiguous, read back exactly
        assert gelezen == d
    else:
        # a whole number of 1000 or more with thousands dots, for a decimal question: ambiguous
        # by design ("1.000" could be an English 1.0), rejected quoting the text
        assert isinstance(gelezen, getallen.Onleesbaar)
        assert gelezen.getypt == tekst
        assert "dubbelzinnig" in gelezen.uitleg


@settings(max_examples=200, deadline=None)
@given(d=st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False))
def test_eigenschap_percentage_met_procentteken(d: Decimal) -> None:
    assert getallen.lees_tekst(f"{getallen.formatteer(d)}%", "percentage") == d


# -- 5. order of versions by arrival ---------------------------------------------------------------
def _retouren(db: Path, map_: Path) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [assets.retouren],
        resources={"werkdb": WerkDatabase(pad=str(db))},
        run_config={"ops": {"retouren": {"config": {"map": str(map_)}}}},
    )


def _tabel(db: Path, tabel: str) -> pl.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(f"select * from {tabel}").pl()


@pytest.mark.parametrize("kopie", ["cp -p", "os.utime"])
def test_verbetering_met_oude_tijdstempel_wordt_actueel(
    sjabloon: Path, tmp_path: Path, kopie: str
) -> None:
    """Input: version 1 is read; then a corrected file arrives whose modification time is older
    than version 1's (copied with `cp -p` from a folder where it was saved earlier, or stamped with
    os.utime). After: the correction is the current version — answers show the corrected value —,
    version 1 stays in the history with its values unchanged, and `reden` says why."""
    map_, db = tmp_path / "inlevering", tmp_path / "werk.duckdb"
    elders = tmp_path / "laptop"
    # The correction was saved on the laptop first (older time stamp) ...
    correctie = vul_in(sjabloon, elders / "heerlen_correctie.xlsx", {"11": 5}, mtime=1_700_000_000)
    # ... the first version was dropped later (newer time stamp).
    vul_in(sjabloon, map_ / "heerlen_v1.xlsx", {"11": 4}, mtime=1_750_000_000)
    assert _retouren(db, map_).success
    v1_voor = _tabel(db, "realisatie.retouren_historie").select(list(intake.ANTWOORD_SCHEMA))

    if kopie == "cp -p":
        shutil.copy2(correctie, map_ / correctie.name)
    else:
        shutil.copyfile(correctie, map_ / correctie.name)
        os.utime(map_ / correctie.name, (1_600_000_000, 1_600_000_000))
    assert (map_ / correctie.name).stat().st_mtime < (map_ / "heerlen_v1.xlsx").stat().st_mtime
    assert _retouren(db, map_).success

    antwoorden = _tabel(db, "realisatie.retouren_antwoorden")
    assert antwoorden["bestand"].unique().to_list() == ["heerlen_correctie.xlsx"]
    assert antwoorden.filter(pl.col("vraag_id") == "11")["waarde"].to_list() == [5.0]
    hist = _tabel(db, "realisatie.retouren_historie")
    versies = hist.select("versie", "bestand", "actueel", "reden").unique().sort("versie")
    assert versies.select("versie", "bestand", "actueel").rows() == [
        (1, "heerlen_v1.xlsx", False),
        (2, "heerlen_correctie.xlsx", True),
    ]
    assert versies["reden"][0].startswith("vervangen door versie 2 (heerlen_correctie.xlsx)")
    assert "als laatste ontvangen" in versies["reden"][1]
    assert "wijzigingstijd van het bestand telt niet" in versies["reden"][1]
    # history intact: version 1's rows are exactly what was stored after the first run
    v1_na = hist.filter(pl.col("versie") == 1).select(list(intake.ANTWOORD_SCHEMA))
    assert v1_na.sort("vraag_id").equals(v1_voor.sort("vraag_id"))


def test_twee_versies_in_een_run_en_klok_achteruit(sjabloon: Path, tmp_path: Path) -> None:
    """Input: two versions for one area first seen in the same run; later a third version read
    with a clock set back to before the first run. After: the same-run pair is ordered by file
    name and `reden` says so; the third still arrives last and is current."""
    from datetime import datetime

    map_ = tmp_path / "m"
    vul_in(sjabloon, map_ / "a_eerste.xlsx", {"11": 1})
    vul_in(sjabloon, map_ / "b_tweede.xlsx", {"11": 2})
    v = intake.verwerk_map(map_, moment=datetime(2025, 6, 1, 12))
    hist = v.historie.select("bestand", "versie", "actueel", "reden").unique().sort("versie")
    assert hist.select("bestand", "actueel").rows() == [
        ("a_eerste.xlsx", False),
        ("b_tweede.xlsx", True),
    ]
    assert all("2 versies tegelijk ontvangen" in r for r in hist["reden"])

    vul_in(sjabloon, map_ / "0_derde.xlsx", {"11": 3})
    v2 = intake.verwerk_map(map_, v.historie, v.afgewezen, moment=datetime(2020, 1, 1))
    assert v2.antwoorden.filter(pl.col("vraag_id") == "11")["waarde"].to_list() == [3.0]
    assert v2.antwoorden["ontvangen_op"][0] > datetime(2025, 6, 1, 12)


# -- 6. limits and unreadable files ----------------------------------------------------------------
def test_te_groot_bestand_wordt_geweigerd_voor_het_lezen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Input: a 'CSV' and an 'xlsx' larger than the limit. After: rejected with the size and the
    limit, without any parser being called."""

    def nooit(*a: object, **k: object) -> None:
        raise AssertionError("parser aangeroepen")

    monkeypatch.setattr(intake, "load_workbook", nooit)
    monkeypatch.setattr(intake.csv, "reader", nooit)
    for naam in ("groot.csv", "groot.xlsx"):
        pad = tmp_path / naam
        pad.write_bytes(b"x" * (intake.MAX_BESTAND_BYTES + 1))
        (m,) = _meldingen(pad)
        assert "het bestand is 1,0 MB; een retour is hoogstens 1,0 MB" in m


def test_te_veel_rijen_wordt_geweigerd_voor_het_parsen(
    tmp_path: Path, sjabloon: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Input: a CSV under the size limit with more rows than MAX_RIJEN, and a workbook with as
    many rows. After: rejected naming the limit; the CSV parser never runs."""
    regels = ["gebied;jaar;vraag_id;antwoord"] + [
        f"heerlen_noord;2025;{i};1" for i in range(intake.MAX_RIJEN + 1)
    ]
    pad = tmp_path / "rijen.csv"
    pad.write_text("\n".join(regels), encoding="utf-8")
    assert pad.stat().st_size < intake.MAX_BESTAND_BYTES

    def nooit(*a: object, **k: object) -> None:
        raise AssertionError("CSV-parser aangeroepen")

    with monkeypatch.context() as mp:
        mp.setattr(intake.csv, "reader", nooit)
        (m,) = _meldingen(pad)
    assert f"meer dan {intake.MAX_RIJEN} ingevulde rijen" in m

    def veel(wb: Any) -> None:
        ws = wb[BLAD]
        for r in range(ws.max_row + 1, ws.max_row + intake.MAX_RIJEN + 2):
            ws.cell(r, KOL["gebied"]).value = "heerlen_noord"

    (m,) = _meldingen(vul_in(sjabloon, tmp_path / "rijen.xlsx", mutatie=veel))
    assert f"meer dan {intake.MAX_RIJEN} ingevulde rijen" in m


def _veel_fouten(wb: Any) -> None:
    """400 extra rows, each with its own unknown question id: 400 distinct problems."""
    ws = wb[BLAD]
    start = ws.max_row + 1
    for i in range(400):
        for k, w in {"gebied": "heerlen_noord", "jaar": 2025, "vraag_id": f"x{i}"}.items():
            ws.cell(start + i, KOL[k]).value = w


def test_veel_meldingen_begrensd_en_opslag_begrensd(sjabloon: Path, tmp_path: Path) -> None:
    """Input: a return with 400 distinct faults, dropped in the folder. After: the error text
    shows MAX_MELDINGEN messages and "en nog N"; realisatie.retouren_afgewezen holds at most
    MAX_MELDINGEN + 1 rows for the file with the true count; `check-return --alle` shows all;
    nothing of the file is in the answers."""
    map_, db = tmp_path / "m", tmp_path / "werk.duckdb"
    pad = vul_in(sjabloon, map_ / "veel.xlsx", mutatie=_veel_fouten)
    with pytest.raises(RetourFout) as exc:
        intake.lees_retour(pad)
    totaal = len(exc.value.meldingen)
    assert totaal == 400
    tekst = str(exc.value)
    assert tekst.count("\n  - ") == MAX_MELDINGEN
    assert (
        f"… en nog {totaal - MAX_MELDINGEN} melding(en); alle meldingen: nplv-monitor check-return --alle veel.xlsx"
        in tekst
    )

    assert _retouren(db, map_).success
    af = _tabel(db, "realisatie.retouren_afgewezen")
    assert af.height == MAX_MELDINGEN + 1
    assert af["aantal_meldingen"].unique().to_list() == [totaal]
    assert af.sort("volgnummer")["melding"][-1].startswith(f"… en nog {totaal - MAX_MELDINGEN}")
    assert _tabel(db, "realisatie.retouren_antwoorden").height == 0
    # a second run reads nothing again and adds no rows
    assert _retouren(db, map_).success
    assert _tabel(db, "realisatie.retouren_afgewezen").height == MAX_MELDINGEN + 1


def test_check_return_alle(
    sjabloon: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pad = vul_in(sjabloon, tmp_path / "veel.xlsx", mutatie=_veel_fouten)
    assert main(["check-return", str(pad)]) == 2
    assert capsys.readouterr().err.count("onbekende vraag") == MAX_MELDINGEN
    assert main(["check-return", "--alle", str(pad)]) == 2
    assert capsys.readouterr().err.count("onbekende vraag") == 400


def test_versleutelde_werkmap(tmp_path: Path) -> None:
    """Input: a password-protected workbook (an OLE/CFB container with EncryptedPackage) named
    .xlsx. After: rejected saying it is password-protected and how to remove the password (it
    used to say only 'geen leesbaar Excel-bestand')."""
    (m,) = _meldingen(versleuteld_xlsx(tmp_path / "beveiligd.xlsx"))
    assert "met een wachtwoord beveiligd (versleuteld)" in m
    assert "Verwijder het wachtwoord" in m


@pytest.mark.parametrize(
    ("codering", "verwacht"),
    [("utf-16", "UTF-16 little-endian (herkend aan de byte-order-mark FF FE"),
     ("utf-16-le", "UTF-16 zonder byte-order-mark"),
     ("cp1252", "Windows-1252 / ANSI")],
)  # fmt: skip
def test_csv_niet_utf8(tmp_path: Path, codering: str, verwacht: str) -> None:
    """Input: the template CSV saved as UTF-16 (with and without BOM) or Windows-1252 (the vraag
    text 'financiële' has a non-ASCII letter). After: rejected naming the encoding found and how
    to save as UTF-8 — never read with garbled characters."""
    (m,) = _meldingen(_csv_met(tmp_path, {}, codering))
    assert verwacht in m
    assert "Sla het opnieuw op als UTF-8" in m
    assert "CSV UTF-8" in m


def test_formule_zonder_opgeslagen_uitkomst(sjabloon: Path, tmp_path: Path) -> None:
    """Input: '=2*6' typed in the answer of question 3 and the file saved by a program that does
    not calculate (openpyxl, as many export tools). After: rejected naming the cell and the
    formula (it used to become an empty answer silently)."""
    pad = vul_in(sjabloon, tmp_path / "f.xlsx", mutatie=_cel("3", "=2*6"))
    rij = EERSTE_RIJ + [v.id for v in U.vragen].index("3")
    (m,) = _meldingen(pad)
    assert (
        f"rij {rij}, kolom I (antwoord): cel I{rij} bevat de formule =2*6 zonder opgeslagen uitkomst"
        in m
    )


# -- 7. rejections impossible to miss --------------------------------------------------------------
def test_een_fout_gebied_geeft_een_melding_met_de_dichtstbijzijnde_code(
    sjabloon: Path, tmp_path: Path
) -> None:
    """Input: the area code mistyped ('heerlen_nord') on every row. After: exactly one message
    naming the rows and the nearest valid code, not listing the 20 codes."""

    def fout_gebied(wb: Any) -> None:
        ws = wb[BLAD]
        for r in range(EERSTE_RIJ, ws.max_row + 1):
            ws.cell(r, KOL["gebied"]).value = "heerlen_nord"

    (m,) = _meldingen(vul_in(sjabloon, tmp_path / "g.xlsx", mutatie=fout_gebied))
    assert "onbekend gebied 'heerlen_nord'; bedoelt u 'heerlen_noord'?" in m
    assert f"in {len(U.vragen)} rijen: {EERSTE_RIJ}–{EERSTE_RIJ + len(U.vragen) - 1}" in m
    assert "amsterdam_nieuw_west" not in m


def test_build_samenvatting_en_streng(
    sjabloon: Path,
    tmp_output: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Input: a drop folder with one good and one bad return; `nplv-monitor build` over the
    returns asset, then `build --streng`. After: the summary names the rejected file, its first
    message and the command to see all; without --streng exit 0, with --streng exit 3; the good
    return is read."""
    map_ = tmp_output / "retouren"
    vul_in(sjabloon, map_ / "goed.xlsx", {"11": 4})
    vul_in(sjabloon, map_ / "fout.xlsx", {"11": "1,5"})
    monkeypatch.setenv("NPLV_RETOUREN_DIR", str(map_))
    echte_bouw = build_mod.bouw

    def klein(jaar: int | None = None, **kw: Any) -> build_mod.Samenvatting:
        # one real bron asset (the publication records the sources' provenance) + the returns
        lbm = bron_asset(dg.AssetKey(["bron", "leefbaarometer_wijk"]))
        return echte_bouw(jaar, definitions=definities_van([lbm, assets.retouren]), **kw)

    monkeypatch.setattr(build_mod, "bouw", klein)
    assert main(["build", "--rapportagejaar", "2025"]) == 0
    uit = capsys.readouterr().out
    assert "GEWEIGERDE RETOUREN: 1 bestand(en)" in uit
    assert "✘ fout.xlsx (1 melding(en))" in uit
    assert "'1,5' bevat een decimale komma" in uit
    assert f"alle meldingen: nplv-monitor check-return --alle {map_ / 'fout.xlsx'}" in uit
    assert "goed.xlsx" not in uit.split("GEWEIGERDE RETOUREN")[1]

    # the file is known now (not read again) but still in the folder: --streng fails the run
    assert main(["build", "--rapportagejaar", "2025", "--streng"]) == 3
    vang = capsys.readouterr()
    assert "✘ fout.xlsx" in vang.out
    assert "--streng: 1 geweigerde retour(en)" in vang.err

    # removed from the folder: the scheduled run passes again
    (map_ / "fout.xlsx").unlink()
    assert main(["build", "--rapportagejaar", "2025", "--streng"]) == 0
    assert "GEWEIGERDE RETOUREN" not in capsys.readouterr().out
