"""A full build with returns: the shared full build (fixture ``volledige_build``) copied, then
returns handed in as areas do — one correct (Heerlen-Noord); one wrong (Delft-West, a negative
count) under a file name that does not name the area (the template says the name does not
matter); two that cannot be read at all (password-protected workbooks), one named after
Breda-Noord's template, one with a name that names no area — and the pipeline's own realisatie
assets, publication and report run again on the copy.

Only the stages the returns feed are re-run (the realisatie assets into the copied work DB, then
``publiceer`` and ``maak`` exactly as the publication and report assets call them), so the test
costs seconds on top of the shared build instead of a second full build. The result is cached per
process: test modules share it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from tests.realisatie_hulp import KOL, maak_template, rij_van, versleuteld_xlsx, vul_in

#: Test fixture answers (invented, not data): question 11 of Heerlen-Noord's return.
HEERLEN_ANTWOORDEN = {"11": 4, "12": 9}
GOED = "uitvraag_2025_heerlen_noord.xlsx"
#: Delft-West's wrong return: the name does not contain the area code.
FOUT = "retour definitief v2.xlsx"
#: Unreadable, named after Breda-Noord's template: attributed by the file name, and said so.
ONLEESBAAR_MET_NAAM = "uitvraag_2025_breda_noord.xlsx"
#: Unreadable, and the name names no area: listed apart.
ONLEESBAAR = "beveiligd.xlsx"

_gebouwd: dict[Path, Path] = {}


def _negatief_aantal(wb: Any) -> None:
    ws = wb["Uitvraag"]
    ws.cell(rij_van(ws, "3"), KOL["antwoord"]).value = -5


def bouw_met_retouren(volledige_build: Path, werkmap: Path) -> Path:
    """Output folder of the copy with the two returns processed, published and reported."""
    if volledige_build in _gebouwd:
        return _gebouwd[volledige_build]
    from nplv_monitor.config import instellingen
    from nplv_monitor.db import WerkDatabase
    from nplv_monitor.publicatie import edities
    from nplv_monitor.publicatie.publiceer import publiceer
    from nplv_monitor.rapportage.maak import maak
    from nplv_monitor.realisatie import assets

    uit = werkmap / "output"
    shutil.copytree(
        volledige_build, uit, ignore=shutil.ignore_patterns(".dagster", "rapportage", "*.lock")
    )
    sjablonen = werkmap / "sjablonen"
    vul_in(maak_template(sjablonen, "heerlen_noord"), uit / "retouren" / GOED, HEERLEN_ANTWOORDEN)
    vul_in(
        maak_template(sjablonen, "delft_west"),
        uit / "retouren" / FOUT,
        mutatie=_negatief_aantal,
    )
    versleuteld_xlsx(uit / "retouren" / ONLEESBAAR_MET_NAAM)
    versleuteld_xlsx(uit / "retouren" / ONLEESBAAR)
    with duckdb.connect(str(uit / "nplv_monitor.duckdb"), read_only=True) as con:
        ((jaar,),) = con.sql(
            "select rapportagejaar from publicatie.edities order by gepubliceerd_op desc limit 1"
        ).fetchall()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NPLV_OUTPUT_DIR", str(uit))
        mp.delenv("NPLV_RETOUREN_DIR", raising=False)
        mp.delenv("DAGSTER_HOME", raising=False)
        inst = instellingen()
        werk = inst.werk_db
        resultaat = dg.materialize(
            [
                assets.retouren,
                assets.regelingen_cijfers,
                assets.regelingen_gebied,
                assets.procesvragen,
                assets.gebiedsrealisatie_indicatoren,
            ],
            resources={"werkdb": WerkDatabase(pad=str(werk))},
        )
        assert resultaat.success
        publiceer(
            werk,
            inst.publicatie_db,
            rapportagejaar=int(jaar),
            run_id="test-retouren",
            snapshot=edities.snapshot_bestanden(werk),
        )
        maak(inst.publicatie_db)
    _gebouwd[volledige_build] = uit
    return uit
