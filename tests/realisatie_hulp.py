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


def versleuteld_xlsx(doel: Path) -> Path:
    """TEST FIXTURE: the container Excel writes for a password-protected workbook.

    Excel stores an encrypted .xlsx not as a zip but as an OLE compound file (MS-CFB, version 3:
    512-byte sectors) holding the streams ``EncryptionInfo`` and ``EncryptedPackage``
    (MS-OFFCRYPTO). Built here sector by sector — FAT, directory, two 4096-byte streams — with
    random bytes standing in for the ciphertext: the intake must recognise the container without
    a password, so the cipher does not matter.
    """
    import struct

    vrij, einde, fatsect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    sector = 512
    stroom = 4096  # at the mini-stream cutoff, so both streams live in normal sectors
    per_stroom = stroom // sector
    fat = [fatsect, einde]  # sector 0 = FAT, sector 1 = directory
    starts = []
    for _ in range(2):
        begin = len(fat)
        starts.append(begin)
        fat.extend(range(begin + 1, begin + per_stroom))
        fat.append(einde)
    fat.extend([vrij] * (sector // 4 - len(fat)))

    def entry(
        naam: str, soort: int, *, links: int, rechts: int, kind: int, start: int, n: int
    ) -> bytes:
        nm = (naam + "\0").encode("utf-16-le") if naam else b""
        return (
            nm.ljust(64, b"\0")
            + struct.pack("<HBB3I", len(nm), soort, 1, links, rechts, kind)
            + b"\0" * 16  # CLSID
            + struct.pack("<I", 0)  # state bits
            + b"\0" * 16  # creation and modification time
            + struct.pack("<IQ", start, n)
        )

    directory = (
        entry("Root Entry", 5, links=vrij, rechts=vrij, kind=1, start=einde, n=0)
        + entry("EncryptionInfo", 2, links=vrij, rechts=2, kind=vrij, start=starts[0], n=stroom)
        + entry(
            "EncryptedPackage", 2, links=vrij, rechts=vrij, kind=vrij, start=starts[1], n=stroom
        )
    ).ljust(sector, b"\0")
    kop = (
        bytes.fromhex("d0cf11e0a1b11ae1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, stroom, einde, 0, einde, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", vrij) * 108
    )
    assert len(kop) == sector
    doel.write_bytes(
        kop
        + struct.pack(f"<{len(fat)}I", *fat)
        + directory
        + b"\x01\x00\x04\x00"
        + os.urandom(stroom - 4)
        + struct.pack("<Q", 12345)
        + os.urandom(stroom - 8)
    )
    return doel
