"""The area of a rejected return (realisatie.retouren_afgewezen.gebied_code).

Areas are told the file name does not matter, so a wrong return is handed in here under names
without the area code, filled in from another area's template than the default one. The expected
area is read from the workbook independently (openpyxl: the column ``gebied`` under the header,
else the cell next to "Gebied" above it), or is simply the area whose template was filled in.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import openpyxl
import polars as pl
import pytest

from nplv_monitor.db import WerkDatabase
from nplv_monitor.geografie import gebieden
from nplv_monitor.rapportage import retouren
from nplv_monitor.realisatie import assets, intake
from nplv_monitor.realisatie.template import BLAD, KOPRIJ
from tests.realisatie_hulp import KOL, maak_template, rij_van, versleuteld_xlsx, vul_in
from tests.test_realisatie_intake import FOUTE_RETOUREN

GEBIED = "utrecht_overvecht"


@pytest.fixture(scope="module")
def sjabloon(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return maak_template(tmp_path_factory.mktemp("sjablonen"), GEBIED)


def _negatief(wb: Any) -> None:
    ws = wb[BLAD]
    ws.cell(rij_van(ws, "3"), KOL["antwoord"]).value = -5


def _vraagrijen(pad: Path) -> list[int]:
    """Excel rows of the question rows whose column gebied holds the area (read with openpyxl)."""
    ws = openpyxl.load_workbook(pad)[BLAD]
    return [
        r
        for r in range(KOPRIJ + 2, ws.max_row + 1)
        if ws.cell(r, KOL["vraag_id"]).value is not None
        and ws.cell(r, KOL["gebied"]).value == GEBIED
    ]


def _per_bestand(af: pl.DataFrame) -> dict[str, tuple[str | None, str]]:
    rijen = af.select("bestand", "gebied_code", "gebied_bepaling").unique().rows()
    assert len(rijen) == af["bestand"].n_unique()  # one area per file, on every message row
    return {b: (g, t) for b, g, t in rijen}


def test_foute_retour_zonder_gebied_in_de_naam_hoort_bij_het_gebied(
    sjabloon: Path, tmp_path: Path
) -> None:
    pad = vul_in(sjabloon, tmp_path / "map" / "retour definitief.xlsx", mutatie=_negatief)
    assert retouren.gebied_uit_bestandsnaam(pad.name, list(gebieden.focusgebieden())) is None
    with pytest.raises(intake.AfgewezenRetour) as fout:
        intake.lees_retour(pad)
    rijen = _vraagrijen(pad)
    assert len(rijen) > 20
    assert fout.value.gebied == intake.Gebiedsbepaling(
        GEBIED, f"kolom gebied (rijen {rijen[0]}–{rijen[-1]})"
    )
    af = intake.verwerk_map(tmp_path / "map").afgewezen
    assert _per_bestand(af) == {pad.name: (GEBIED, fout.value.gebied.bepaling)}


def _gebiedscel(pad: Path) -> tuple[str, Any]:
    """(sheet, value) of the cell right of the label 'Gebied' on any sheet (openpyxl)."""
    wb = openpyxl.load_workbook(pad)
    for ws in wb.worksheets:
        for rij in ws.iter_rows(max_row=KOPRIJ):
            for c in rij:
                if c.value == "Gebied":
                    return ws.title, ws.cell(c.row, c.column + 1).value
    raise AssertionError(f"geen gebiedscel in {pad}")


def test_elke_foute_retour_uit_het_corpus_krijgt_zijn_gebied(
    sjabloon: Path, tmp_path: Path
) -> None:
    """Every wrong return of the intake's corpus, under a name without the area: the area of
    the template it was filled in from — from the column gebied, or (when that column names no
    known area) from the template's area cell; only a file naming two areas stays without."""
    map_ = tmp_path / "map"
    bestanden = {
        naam: vul_in(sjabloon, map_ / f"fout_{naam}.xlsx", mutatie=m)
        for naam, m, _, _ in FOUTE_RETOUREN
    }
    per = _per_bestand(intake.verwerk_map(map_).afgewezen)
    assert set(per) == {p.name for p in bestanden.values()}
    for naam, pad in bestanden.items():
        code, bepaling = per[pad.name]
        if naam == "twee_gebieden":
            assert code is None
            assert bepaling == (
                f"onbekend: het bestand noemt meer dan één gebied ({GEBIED}, rotterdam_zuid)"
            )
            continue
        assert code == GEBIED, (naam, bepaling)
        if naam in {"onbekend_gebied", "blad_hernoemd"}:
            blad, waarde = _gebiedscel(pad)
            assert waarde == GEBIED
            assert bepaling == f"blad '{blad}', cel B2 (Gebied)", naam
        else:
            assert bepaling.startswith("kolom gebied (rij"), (naam, bepaling)


def test_onleesbare_bestanden_zonder_gebied_met_reden(sjabloon: Path, tmp_path: Path) -> None:
    map_ = tmp_path / "map"
    map_.mkdir()
    versleuteld_xlsx(map_ / f"uitvraag_2025_{GEBIED}.xlsx")  # the name does not count
    (map_ / "tekst.xlsx").write_text("gebied;jaar\nutrecht_overvecht;2025\n", encoding="utf-8")
    (map_ / "groot.csv").write_bytes(b"gebied;jaar\n" + b"x" * (intake.MAX_BESTAND_BYTES + 1))
    (map_ / "leeg.csv").write_bytes(b"")
    per = _per_bestand(intake.verwerk_map(map_).afgewezen)
    assert per == {
        f"uitvraag_2025_{GEBIED}.xlsx": (
            None,
            "onbekend: het bestand is niet te lezen (het Excel-bestand is met een wachtwoord "
            "beveiligd (versleuteld))",
        ),
        "tekst.xlsx": (
            None,
            "onbekend: het bestand is niet te lezen (geen leesbaar Excel-bestand (.xlsx))",
        ),
        "groot.csv": (None, "onbekend: het bestand is niet gelezen (te groot: 1,0 MB)"),
        "leeg.csv": (None, "onbekend: het bestand is niet te lezen (het bestand is leeg)"),
    }


def test_csv_in_ansi_wordt_geweigerd_maar_hoort_bij_het_gebied(
    sjabloon: Path, tmp_path: Path
) -> None:
    """A CSV saved as Windows-1252 is refused unread, yet its area codes are plain ASCII."""
    map_ = tmp_path / "map"
    csv_pad = sjabloon.with_suffix(".csv")
    tekst = csv_pad.read_text(encoding="utf-8-sig").replace(";;", ";één;", 1)
    (map_ / "ansi.csv").parent.mkdir(parents=True)
    (map_ / "ansi.csv").write_bytes(tekst.encode("cp1252"))
    regels = [i for i, r in enumerate(tekst.splitlines(), start=1) if r.split(";")[0] == GEBIED]
    per = _per_bestand(intake.verwerk_map(map_).afgewezen)
    assert per == {"ansi.csv": (GEBIED, f"kolom gebied (rijen {regels[0]}–{regels[-1]})")}


def test_eerder_opgeslagen_afwijzing_krijgt_gebied_als_het_bestand_er_nog_is(
    sjabloon: Path, tmp_path: Path
) -> None:
    """Rejections stored before the area column existed: filled in from the file while it is
    in the drop folder, else said to be unrecorded."""
    map_ = tmp_path / "map"
    blijft = vul_in(sjabloon, map_ / "a.xlsx", mutatie=_negatief)
    weg = vul_in(sjabloon, map_ / "b.xlsx", mutatie=_negatief, antwoorden={"1": 7})
    eerder = intake.verwerk_map(map_, moment=datetime(2026, 1, 1)).afgewezen
    oud = eerder.drop("gebied_code", "gebied_bepaling")  # as stored by the earlier intake
    weg.unlink()
    per = _per_bestand(intake.verwerk_map(map_, None, oud).afgewezen)
    assert per[blijft.name] == _per_bestand(eerder)[blijft.name]
    assert per[blijft.name][0] == GEBIED
    assert per[weg.name] == (None, intake.NIET_VASTGELEGD)


def test_asset_schrijft_gebied_en_tracker_gebruikt_het(
    sjabloon: Path, tmp_output: Path, werkdb_bronnen: Path
) -> None:
    """Through the Dagster asset (schema check included) into DuckDB, and the tracker on it."""
    map_ = tmp_output / "retouren"
    db = tmp_output / "werk.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(werkdb_bronnen, db)
    fout = vul_in(sjabloon, map_ / "retour.xlsx", mutatie=_negatief)
    versleuteld_xlsx(map_ / "uitvraag_2025_delft_west.xlsx")
    versleuteld_xlsx(map_ / "wachtwoord.xlsx")
    assert dg.materialize(
        [assets.retouren], resources={"werkdb": WerkDatabase(pad=str(db))}
    ).success
    with duckdb.connect(str(db)) as con:
        gevonden = dict(
            con.sql(
                "select distinct bestand, gebied_code from realisatie.retouren_afgewezen"
            ).fetchall()
        )
        assert gevonden == {
            fout.name: GEBIED,
            "uitvraag_2025_delft_west.xlsx": None,
            "wachtwoord.xlsx": None,
        }
        # the tracker reads ref.gebieden from the published file; here: the focus areas
        focus = gebieden.focusgebieden()
        con.sql("create schema if not exists ref")
        con.sql(
            "create or replace table ref.gebieden (gebied_code varchar, gebied_naam varchar, soort varchar)"
        )
        con.executemany(
            "insert into ref.gebieden values (?, ?, 'focusgebied')", list(focus.items())
        )
        stand = retouren.uit_verbinding(con, 2025)
    u = stand.van(GEBIED)
    assert u is not None
    assert u.status == retouren.AFGEWEZEN
    assert [(a.bestand, a.uit_bestandsnaam) for a in u.afwijzingen] == [(fout.name, False)]
    d = stand.van("delft_west")
    assert d is not None
    assert d.status == retouren.AFGEWEZEN
    assert "gebied afgeleid uit de bestandsnaam" in d.toelichting()
    assert [a.bestand for a in stand.niet_toe_te_wijzen] == ["wachtwoord.xlsx"]
    assert "wachtwoord" in stand.niet_toe_te_wijzen[0].reden


def test_te_veel_rijen_geweigerd_zonder_csv_parser_toch_met_gebied(tmp_path: Path) -> None:
    """A CSV refused before parsing (more rows than MAX_RIJEN) still names its area."""
    map_ = tmp_path / "map"
    map_.mkdir()
    regels = ["gebied;jaar;vraag_id;antwoord"] + [
        f"{GEBIED};2025;{i};1" for i in range(intake.MAX_RIJEN + 1)
    ]
    (map_ / "rijen.csv").write_text("\n".join(regels), encoding="utf-8")
    per = _per_bestand(intake.verwerk_map(map_).afgewezen)
    # lines 2 .. MAX_RIJEN + 2 (the header is line 1), counted here from the lines written
    assert per == {"rijen.csv": (GEBIED, f"kolom gebied (rijen 2–{len(regels)})")}
