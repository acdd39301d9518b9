"""Helpers for the realisatie tests: generate a real template and fill it in (test fixtures only)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl

from nplv_monitor.cli import main
from nplv_monitor.realisatie.template import BLAD, KOLOMMEN, KOPRIJ

#: Column number (1-based, openpyxl) of each template column.
KOL = {k: i + 1 for i, k in enumerate(KOLOMMEN)}
EERSTE_RIJ = KOPRIJ + 2  # first question row as Excel numbers it

#: Invented answers per kind of question (test fixture values, not data).
STANDAARD = {
    "aantal": 12,
    "fte": 3.5,
    "percentage": 40,
    "oordeel": 4,
    "tekst": "verzonnen testantwoord",
}


def maak_template(map_: Path, gebied: str = "heerlen_noord", jaar: int = 2025) -> Path:
    """The workbook as the CLI writes it."""
    assert main(["template", "--gebied", gebied, "--jaar", str(jaar), "--uit", str(map_)]) == 0
    return map_ / f"uitvraag_{jaar}_{gebied}.xlsx"


def rij_van(ws: Any, vraag_id: str) -> int:
    for r in range(EERSTE_RIJ, ws.max_row + 1):
        if ws.cell(r, KOL["vraag_id"]).value == vraag_id:
            return r
    raise KeyError(vraag_id)


def vul_in(
    sjabloon: Path,
    doel: Path,
    antwoorden: dict[str, Any] | None = None,
    mutatie: Callable[[Any], None] | None = None,
    mtime: float | None = None,
) -> Path:
    """Fill every answer (STANDAARD per kind, overridden by ``antwoorden``), apply ``mutatie``."""
    wb = openpyxl.load_workbook(sjabloon)
    ws = wb[BLAD]
    for r in range(EERSTE_RIJ, ws.max_row + 1):
        vid = ws.cell(r, KOL["vraag_id"]).value
        if vid is None:
            continue
        soort = ws.cell(r, KOL["soort"]).value
        waarde = (antwoorden or {}).get(vid, STANDAARD[soort])
        ws.cell(r, KOL["antwoord"]).value = waarde
    if mutatie:
        mutatie(wb)
    doel.parent.mkdir(parents=True, exist_ok=True)
    wb.save(doel)
    if mtime is not None:
        os.utime(doel, (mtime, mtime))
    return doel
