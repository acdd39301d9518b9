"""Reading and checking the areas' returns (xlsx or csv made from the template).

A return is checked as a whole: every fault is collected into a ``Melding`` that names the file,
sheet, row and column in words a civil servant understands, and one fault rejects the whole file
(``RetourFout``). Only a return without faults becomes a ``Retour``; what happens to it (history,
replacement of an earlier version) is decided in ``verwerk_map``.

A rejected file is still attributed to its area where its content names one (``AfgewezenRetour``):
the area is read the way an accepted return's is — the column ``gebied`` of the question rows —
with the template's area cell above the header (``Gebied`` | code) as fallback. The template tells
areas that the file name does not matter, so the name is never used. Only a file that cannot be
read at all (encrypted, not an xlsx, too large, …) or that names no known area (or two) stays
without one, and ``gebied_bepaling`` says why.
"""

from __future__ import annotations

import csv
import difflib
import io
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from nplv_monitor.bronnen.snapshot import sha256_bestand
from nplv_monitor.geografie import gebieden
from nplv_monitor.realisatie import getallen, uitvraag
from nplv_monitor.realisatie.meldingen import MAX_MELDINGEN, Melding, RetourFout
from nplv_monitor.realisatie.template import BLAD, KOLOMMEN

EXTENSIES = (".xlsx", ".csv")

# Limits, checked before a file is parsed: a filled-in template is about 10 KB (xlsx) or 4 KB
# (CSV) with 26 question rows; these leave a wide margin and keep one upload from costing minutes
# and gigabytes.
MAX_BESTAND_BYTES = 1_000_000
#: An xlsx is a zip: the sum of its unpacked parts (a small zip can unpack to gigabytes).
MAX_UITGEPAKT_BYTES = 20_000_000
#: Non-empty rows under the header (the uitvraag has 26 questions).
MAX_RIJEN = 500
#: Rows searched for the header (and the area cell above it).
KOPRIJ_ZOEK = 50

# An encrypted (password-protected) xlsx is not a zip but an OLE compound file (CFB) holding the
# streams "EncryptionInfo" and "EncryptedPackage" (MS-OFFCRYPTO); a legacy .xls is a CFB too.
_CFB_MAGIE = bytes.fromhex("d0cf11e0a1b11ae1")
_VERSLEUTELD = "EncryptedPackage".encode("utf-16-le")

#: Columns of the answer rows (realisatie.retouren_antwoorden / _historie share them).
ANTWOORD_SCHEMA: dict[str, pl.DataType] = {
    "gebied_code": pl.String(),
    "jaar": pl.Int64(),
    "vraag_id": pl.String(),
    "nummer": pl.Int64(),
    "onderdeel": pl.String(),
    "soort": pl.String(),
    "eenheid": pl.String(),
    "maat": pl.String(),
    "waarde": pl.Float64(),
    "tekst": pl.String(),
    "toelichting": pl.String(),
    "bestand": pl.String(),
    "bestand_sha256": pl.String(),
    "ontvangen_op": pl.Datetime("us"),
}


def get_column_letter(kolom: int) -> str:
    """openpyxl's column letter (1 → A), imported on first use: openpyxl is the heaviest import
    of the package's start-up and only needed when a return is read."""
    from openpyxl.utils.cell import get_column_letter as letter

    return letter(kolom)


def load_workbook(pad: Path, *, read_only: bool, data_only: bool) -> Any:
    """openpyxl's workbook reader, imported on first use (like ``get_column_letter``)."""
    from openpyxl import load_workbook as lees

    return lees(pad, read_only=read_only, data_only=data_only)


@dataclass(frozen=True)
class Retour:
    """An accepted return: one row per question of the uitvraag (unanswered: waarde/tekst null)."""

    bestand: str
    sha256: str
    gebied: str
    jaar: int
    ontvangen_op: datetime
    antwoorden: pl.DataFrame


@dataclass
class _Gebiedsspoor:
    """Where a file names its area, noted while reading it, so that a rejected file can still be
    attributed (realisatie.retouren_afgewezen.gebied_code)."""

    #: (row number, text) of the column ``gebied`` of every question row read.
    kolom: list[tuple[int, str]] = field(default_factory=list)
    #: (place, text) of the cell next to the label "Gebied" above the header (the template's B2).
    cel: tuple[str, str] | None = None
    #: Why the file could not be read at all (then neither of the above was looked at).
    onleesbaar: str | None = None


@dataclass(frozen=True)
class Gebiedsbepaling:
    """The area of a rejected file: ``code`` (None when unknown) and how it was determined."""

    code: str | None
    bepaling: str


class AfgewezenRetour(RetourFout):
    """A rejected return with the area its content names (``gebied``)."""

    def __init__(self, bestand: str, meldingen: list[Melding], gebied: Gebiedsbepaling) -> None:
        self.gebied = gebied
        super().__init__(bestand, meldingen)


@dataclass
class _Rij:
    nummer: int  # row number as the user sees it (Excel row, CSV line)
    waarden: dict[str, Any]
    #: Excel number format per column (xlsx only): a cell showing 35% stores 0.35.
    opmaak: dict[str, str] = field(default_factory=dict)


@dataclass
class _Tabel:
    blad: str | None
    kolomletter: dict[str, str]  # column name → letter (xlsx) or position (csv)
    rijen: list[_Rij]


def ontvangen_op(pad: Path) -> datetime:
    """The file's modification time in UTC (stored without zone). Informational only: versions
    are ordered by when the pipeline first saw the content, never by this time stamp."""
    return datetime.fromtimestamp(pad.stat().st_mtime, tz=UTC).replace(tzinfo=None)


def nu() -> datetime:
    """Now, in UTC without zone (how moments are stored)."""
    return datetime.now(tz=UTC).replace(tzinfo=None)


# -- reading the raw table ----------------------------------------------------------------------
def _kop(waarden: list[Any]) -> list[str]:
    kop = ["" if w is None else str(w).strip() for w in waarden]
    while kop and kop[-1] == "":
        kop.pop()
    return kop


def _grootte(n: int) -> str:
    return (
        f"{n / 1_000_000:.1f} MB".replace(".", ",")
        if n >= 100_000
        else f"{n:,} bytes".replace(",", ".")
    )


def _controleer_grootte(pad: Path, naam: str) -> Melding | None:
    """Refuse a file that is too large before anything parses it."""
    grootte = pad.stat().st_size
    if grootte > MAX_BESTAND_BYTES:
        return Melding(
            naam,
            f"het bestand is {_grootte(grootte)}; een retour is hoogstens "
            f"{_grootte(MAX_BESTAND_BYTES)} (een ingevuld sjabloon is ongeveer 10 kB). Gebruik "
            "het sjabloon en laat alleen de vragen erin staan.",
        )
    return None


def _controleer_excelcontainer(
    pad: Path, naam: str, spoor: _Gebiedsspoor | None = None
) -> Melding | None:
    """Encrypted workbooks, legacy .xls and zip bombs, recognised before openpyxl opens the file."""
    spoor = spoor if spoor is not None else _Gebiedsspoor()
    with pad.open("rb") as f:
        kop = f.read(8)
    if kop == _CFB_MAGIE:
        if _VERSLEUTELD in pad.read_bytes():
            spoor.onleesbaar = "het Excel-bestand is met een wachtwoord beveiligd (versleuteld)"
            return Melding(
                naam,
                "het Excel-bestand is met een wachtwoord beveiligd (versleuteld) en kan daarom "
                "niet worden gelezen. Verwijder het wachtwoord (Bestand > Info > Werkmap beveiligen "
                "> Versleutelen met wachtwoord: veld leegmaken), sla op en stuur het opnieuw. "
                "De bladbeveiliging van het sjabloon zelf is geen probleem.",
            )
        spoor.onleesbaar = "oud Excel-bestand (.xls) met de extensie .xlsx"
        return Melding(
            naam,
            "dit is een oud Excel-bestand (.xls, Excel 97-2003) met de extensie .xlsx. Sla het op "
            "als 'Excel-werkmap (*.xlsx)', of gebruik het sjabloon.",
        )
    try:
        with zipfile.ZipFile(pad) as z:
            uitgepakt = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError):
        spoor.onleesbaar = "geen leesbaar Excel-bestand (.xlsx)"
        return Melding(naam, "dit is geen leesbaar Excel-bestand (.xlsx); gebruik het sjabloon.")
    if uitgepakt > MAX_UITGEPAKT_BYTES:
        spoor.onleesbaar = f"het Excel-bestand pakt uit tot {_grootte(uitgepakt)}"
        return Melding(
            naam,
            f"het Excel-bestand pakt uit tot {_grootte(uitgepakt)} (hoogstens "
            f"{_grootte(MAX_UITGEPAKT_BYTES)}); gebruik het sjabloon.",
        )
    return None


def _te_veel_rijen(naam: str, blad: str | None) -> Melding:
    return Melding(
        naam,
        f"het bestand heeft meer dan {MAX_RIJEN} ingevulde rijen (de uitvraag heeft er "
        f"{len(uitvraag.laad(max(uitvraag.beschikbare_jaren())).vragen)}); er is niet verder "
        "gelezen. Gebruik het sjabloon van uw gebied.",
        blad=blad,
    )


def _gebiedscel(rijen: list[list[Any]], blad: str) -> tuple[str, str] | None:
    """The cell right of the label "Gebied" in the rows above the header (template: A2 | B2)."""
    for i, r in enumerate(rijen[:KOPRIJ_ZOEK]):
        if "vraag_id" in _kop(r):
            return None  # the header row: its "gebied" is a column name, and below are questions
        for j, w in enumerate(r[:-1]):
            if isinstance(w, str) and w.strip().lower() == "gebied" and (t := _tekst(r[j + 1])):
                return f"blad '{blad}', cel {get_column_letter(j + 2)}{i + 1}", t
    return None


def _lees_xlsx(
    pad: Path, naam: str, fouten: list[Melding], spoor: _Gebiedsspoor | None = None
) -> _Tabel | None:
    spoor = spoor if spoor is not None else _Gebiedsspoor()
    if (m := _controleer_excelcontainer(pad, naam, spoor)) is not None:
        fouten.append(m)
        return None
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # read_only streams the sheet; formulas are read as text here so that a formula without a
        # stored result can be named instead of silently becoming an empty answer.
        wb = load_workbook(pad, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        spoor.onleesbaar = "geen leesbaar Excel-bestand (.xlsx)"
        fouten.append(
            Melding(naam, "dit is geen leesbaar Excel-bestand (.xlsx); gebruik het sjabloon.")
        )
        return None
    try:
        if BLAD not in wb.sheetnames:
            # A renamed sheet: its area cell still says whose return it is.
            for blad in wb.sheetnames:
                boven = [[c.value for c in r] for r in wb[blad].iter_rows(max_row=KOPRIJ_ZOEK)]
                if spoor.cel is None:
                    spoor.cel = _gebiedscel(boven, blad)
            fouten.append(
                Melding(
                    naam,
                    f"het blad '{BLAD}' ontbreekt (gevonden: {', '.join(wb.sheetnames)}); "
                    "het sjabloon is gewijzigd — gebruik een nieuw sjabloon.",
                )
            )
            return None
        ws = wb[BLAD]
        ws.reset_dimensions()  # the stored dimension may be missing or lie; read what is there
        alle: list[list[Any]] = []
        opmaak: list[list[str | None]] = []
        formules: dict[tuple[int, int], str] = {}
        ingevuld = 0
        for i, rij in enumerate(ws.iter_rows(), start=1):
            waarden = [c.value for c in rij]
            if any(w not in (None, "") for w in waarden):
                ingevuld += 1
                if ingevuld > MAX_RIJEN + 50:  # + the rows above the header
                    spoor.cel = _gebiedscel(alle, BLAD)
                    fouten.append(_te_veel_rijen(naam, BLAD))
                    return None
            for j, c in enumerate(rij):
                if c.data_type == "f" and isinstance(c.value, str):
                    formules[(i - 1, j)] = c.value
            alle.append(waarden)
            opmaak.append([c.number_format for c in rij])
    finally:
        wb.close()
    zonder_uitkomst = _vul_formules(pad, alle, formules) if formules else []
    spoor.cel = _gebiedscel(alle, BLAD)
    koprij = next(
        (
            i
            for i, r in enumerate(alle[:KOPRIJ_ZOEK])
            if "vraag_id" in _kop(r) or "gebied" in _kop(r)[:1]
        ),
        None,
    )
    if koprij is None:
        fouten.append(
            Melding(
                naam,
                "de kopregel met de kolomnamen (gebied, jaar, vraag_id, …) is niet "
                "gevonden; het sjabloon is gewijzigd — gebruik een nieuw sjabloon.",
                blad=BLAD,
            )
        )
        return None
    kop = _kop(alle[koprij])
    letters = {k: get_column_letter(i + 1) for i, k in enumerate(kop) if k}
    for i, j, formule in zonder_uitkomst:
        cel = f"{get_column_letter(j + 1)}{i + 1}"
        fouten.append(
            Melding(
                naam,
                f"cel {cel} bevat de formule {formule} zonder opgeslagen uitkomst (het bestand "
                "is niet door Excel berekend en opgeslagen). Typ de waarde zelf in, of open het "
                "bestand in Excel en sla het op.",
                blad=BLAD,
                rij=i + 1,
                kolom=get_column_letter(j + 1)
                + (f" ({kop[j]})" if j < len(kop) and kop[j] else ""),
            )
        )
    rijen = [
        _Rij(
            i + 1,
            {k: (r[j] if j < len(r) else None) for j, k in enumerate(kop) if k},
            {k: f for j, k in enumerate(kop) if k and j < len(opmaak[i]) and (f := opmaak[i][j])},
        )
        for i, r in enumerate(alle[koprij + 1 :], start=koprij + 1)
        if any(w not in (None, "") for w in r)
    ]
    spoor.kolom = [(r.nummer, _tekst(r.waarden.get("gebied"))) for r in rijen[: MAX_RIJEN + 1]]
    if len(rijen) > MAX_RIJEN:
        fouten.append(_te_veel_rijen(naam, BLAD))
        return None
    _controleer_kop(kop, naam, BLAD, koprij + 1, fouten)
    return _Tabel(BLAD, letters, rijen)


def _vul_formules(
    pad: Path, alle: list[list[Any]], formules: dict[tuple[int, int], str]
) -> list[tuple[int, int, str]]:
    """Replace each formula by the result Excel stored with it; return (row, column, formula)
    of those without one (0-based), which would otherwise silently become empty answers."""
    wb = load_workbook(pad, read_only=True, data_only=True)
    try:
        ws = wb[BLAD]
        ws.reset_dimensions()
        opgeslagen = {
            (i, j): c.value
            for i, rij in enumerate(ws.iter_rows())
            for j, c in enumerate(rij)
            if (i, j) in formules
        }
    finally:
        wb.close()
    zonder: list[tuple[int, int, str]] = []
    for (i, j), formule in sorted(formules.items()):
        alle[i][j] = opgeslagen.get((i, j))
        if alle[i][j] is None:
            zonder.append((i, j, formule))
    return zonder


def _codering(ruw: bytes) -> str | None:
    """The encoding of a CSV that is not UTF-8, with how it was recognised; None for UTF-8."""
    if ruw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32 (herkend aan de byte-order-mark aan het begin)"
    if ruw.startswith(b"\xff\xfe"):
        return "UTF-16 little-endian (herkend aan de byte-order-mark FF FE aan het begin)"
    if ruw.startswith(b"\xfe\xff"):
        return "UTF-16 big-endian (herkend aan de byte-order-mark FE FF aan het begin)"
    begin = ruw[:4000]
    if begin and begin.count(0) > len(begin) // 4:
        return "UTF-16 zonder byte-order-mark (herkend aan de nul-bytes tussen de tekens)"
    try:
        ruw.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        regel = ruw[: exc.start].count(b"\n") + 1
        teken = ruw[exc.start : exc.start + 1].hex().upper()
        try:
            ruw.decode("cp1252")
            soort = "Windows-1252 / ANSI (de standaard van Excel 'CSV (gescheiden door lijstscheidingsteken)')"
        except UnicodeDecodeError:
            soort = "een onbekende codering"
        return f"{soort}: byte {teken} op regel {regel} is geen UTF-8"


def _lossere_codec(ruw: bytes) -> str:
    """The Python codec for an encoding ``_codering`` recognises, used only to find a rejected
    CSV's area (area codes are ASCII, so a wrong guess between ANSI variants cannot misread one)."""
    if ruw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if ruw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    begin = ruw[:4000]
    if begin and begin.count(0) > len(begin) // 4:
        return "utf-16-be" if begin[0] == 0 else "utf-16-le"
    return "cp1252"


def _csv_gebieden(tekst: str) -> list[tuple[int, str]]:
    """(line, text) of the column ``gebied`` of a CSV that is refused unparsed (not UTF-8, too
    many rows), for attributing it. Split by hand on the first MAX_RIJEN + 1 lines, never by the
    CSV parser (a huge file must stay cheap); area codes hold no separator or quote."""
    regels = tekst.splitlines()[: MAX_RIJEN + 2]
    if not regels:
        return []
    scheiding = ";" if regels[0].count(";") >= regels[0].count(",") else ","

    def velden(regel: str) -> list[str]:
        return [v.strip().strip('"').strip() for v in regel.split(scheiding)]

    kop = velden(regels[0])
    if "gebied" not in kop:
        return []
    k = kop.index("gebied")
    return [
        (i, v[k]) for i, r in enumerate(regels[1:], start=2) if len(v := velden(r)) > k and any(v)
    ]


def _lees_csv(
    pad: Path, naam: str, fouten: list[Melding], spoor: _Gebiedsspoor | None = None
) -> _Tabel | None:
    spoor = spoor if spoor is not None else _Gebiedsspoor()
    ruw = pad.read_bytes()
    codering = _codering(ruw)
    if codering is not None:
        spoor.kolom = _csv_gebieden(
            ruw.decode(_lossere_codec(ruw), errors="replace").lstrip("\ufeff")
        )
        fouten.append(
            Melding(
                naam,
                f"het CSV-bestand is niet als UTF-8 opgeslagen maar als {codering}. Sla het "
                "opnieuw op als UTF-8: in Excel via Opslaan als > 'CSV UTF-8 (door komma's "
                "gescheiden) (*.csv)'; in Kladblok via Opslaan als > Codering: UTF-8. Of gebruik "
                "het Excel-sjabloon.",
            )
        )
        return None
    tekst = ruw.decode("utf-8-sig")
    regels = tekst.splitlines()
    if not regels:
        spoor.onleesbaar = "het bestand is leeg"
        fouten.append(Melding(naam, "het bestand is leeg."))
        return None
    # Counted before the CSV parser runs: a huge file is refused without building its rows.
    if sum(1 for r in regels[1:] if r.strip(" ;,\t")) > MAX_RIJEN:
        spoor.kolom = _csv_gebieden(tekst)
        fouten.append(_te_veel_rijen(naam, None))
        return None
    scheiding = ";" if regels[0].count(";") >= regels[0].count(",") else ","
    lezer = csv.reader(io.StringIO(tekst, newline=""), delimiter=scheiding)
    try:
        alle = list(lezer)
    except csv.Error as exc:
        spoor.onleesbaar = f"het CSV-bestand is onleesbaar ({exc})"
        fouten.append(Melding(naam, f"het CSV-bestand is onleesbaar ({exc})."))
        return None
    kop = _kop(alle[0])
    letters = {k: f"{i + 1} ({k})" for i, k in enumerate(kop) if k}
    rijen = [
        _Rij(i + 1, {k: (r[j] if j < len(r) else None) for j, k in enumerate(kop) if k})
        for i, r in enumerate(alle[1:], start=1)
        if any(w.strip() for w in r)
    ]
    spoor.kolom = [(r.nummer, _tekst(r.waarden.get("gebied"))) for r in rijen]
    _controleer_kop(kop, naam, None, 1, fouten)
    return _Tabel(None, letters, rijen)


def _controleer_kop(
    kop: list[str], naam: str, blad: str | None, rij: int, fouten: list[Melding]
) -> None:
    ontbreekt = [k for k in KOLOMMEN if k not in kop]
    extra = [k for k in kop if k and k not in KOLOMMEN]
    dubbel = sorted({k for k in kop if k and kop.count(k) > 1})
    if ontbreekt:
        fouten.append(
            Melding(
                naam,
                f"kolom(men) {', '.join(ontbreekt)} ontbreken of zijn hernoemd; het "
                "sjabloon is gewijzigd — gebruik een nieuw sjabloon.",
                blad=blad,
                rij=rij,
            )
        )
    if extra:
        fouten.append(
            Melding(
                naam,
                f"onbekende kolom(men) {', '.join(extra)}; het sjabloon is gewijzigd — "
                "gebruik een nieuw sjabloon.",
                blad=blad,
                rij=rij,
            )
        )
    if dubbel:
        fouten.append(
            Melding(
                naam, f"kolom(men) {', '.join(dubbel)} staan er twee keer in.", blad=blad, rij=rij
            )
        )


# -- checking values ----------------------------------------------------------------------------
def _tekst(w: Any) -> str:
    if w is None:
        return ""
    if isinstance(w, float) and w.is_integer():
        return str(int(w))
    return str(w).strip()


def _jaartal(w: Any) -> int | None:
    """The year of a row: a whole number typed or stored, else None."""
    if isinstance(w, bool) or w is None:
        return None
    if isinstance(w, int | float):
        return int(w) if float(w).is_integer() else None
    t = str(w).strip()
    return int(t) if t.isdigit() else None


def _getoond(ruw: Any, opmaak: str | None) -> str:
    """What the officer typed (text) or sees in the cell (number, Dutch notation)."""
    if isinstance(ruw, int | float) and not isinstance(ruw, bool):
        d = getallen.lees_cel(ruw, opmaak, "percentage")
        assert not isinstance(d, getallen.Onleesbaar)  # a number is always readable as percentage
        return getallen.formatteer(d) + ("%" if getallen.is_procentopmaak(opmaak) else "")
    return str(ruw).strip()


def _controleer_antwoord(
    u: uitvraag.Uitvraag, v: uitvraag.Vraag, ruw: Any, opmaak: str | None, melding: Any
) -> tuple[float | None, str | None]:
    """Check one answer; returns (waarde, tekst) or calls ``melding`` with the fault.

    Numbers are read per Dutch convention and per kind of question (see ``getallen``); every
    message quotes what was typed (or what the cell shows) and how to write it instead.
    """
    if v.soort == "tekst":
        t = _tekst(ruw)
        if len(t) > u.tekst_max_tekens:
            melding(
                f"vraag {v.id}: het antwoord is {len(t)} tekens lang; hoogstens {u.tekst_max_tekens} toegestaan."
            )
        return None, (t or None)
    if ruw is None or (isinstance(ruw, str) and not ruw.strip()):
        return None, None
    if isinstance(ruw, bool):
        melding(f"vraag {v.id} verwacht een getal ({u.toegestaan(v)}), maar er staat {ruw!r}.")
        return None, None
    if isinstance(ruw, int | float):
        g = getallen.lees_cel(ruw, opmaak, v.soort)
    else:
        g = getallen.lees_tekst(str(ruw), v.soort)
    if isinstance(g, getallen.Onleesbaar):
        if g.uitleg == "is geen getal.":
            melding(
                f"vraag {v.id} verwacht een getal ({u.toegestaan(v)}), maar er staat tekst: "
                f"'{g.getypt}'."
            )
        else:
            melding(f"vraag {v.id} ({u.toegestaan(v)}): '{g.getypt}' {g.uitleg}")
        return None, None
    getoond = _getoond(ruw, opmaak)
    if v.soort in getallen.GEHEEL and not getallen.is_geheel(g):
        if v.soort == "oordeel":
            schaal = ", ".join(str(k) for k in sorted(u.oordeelschaal))
            melding(f"vraag {v.id}: het oordeel '{getoond}' valt buiten de schaal ({schaal}).")
        else:
            melding(
                f"vraag {v.id}: een aantal moet een geheel getal zijn (u vulde '{getoond}' in); "
                "schrijf het zonder decimalen."
            )
        return None, None
    waarde = float(g)
    if v.soort == "oordeel":
        if int(g) not in u.oordeelschaal:
            schaal = ", ".join(str(k) for k in sorted(u.oordeelschaal))
            melding(f"vraag {v.id}: het oordeel '{getoond}' valt buiten de schaal ({schaal}).")
            return None, None
        return waarde, None
    if v.soort == "percentage" and not 0 <= waarde <= 100:
        melding(
            f"vraag {v.id}: een percentage ligt tussen 0 en 100 (u vulde '{getoond}' in); schrijf "
            "het percentage als getal, bijvoorbeeld 35 of 35% voor vijfendertig procent."
        )
        return None, None
    if waarde < 0:
        wie = "een aantal" if v.soort == "aantal" else "het aantal fte"
        melding(f"vraag {v.id}: {wie} kan niet negatief zijn (u vulde '{getoond}' in).")
        return None, None
    if v.minimum is not None and v.maximum is not None and not v.minimum <= waarde <= v.maximum:
        grens = f"{getallen.formatteer(v.minimum)} tot en met {getallen.formatteer(v.maximum)}"
        melding(
            f"vraag {v.id}: '{getoond}' {v.eenheid} ligt buiten de grenzen voor één gebied "
            f"({grens}); controleer het getal op een typefout. Klopt het toch, neem dan contact "
            "op met het ministerie."
        )
        return None, None
    return waarde, None


def _controleer(
    tabel: _Tabel, naam: str, verwacht_jaar: int | None, fouten: list[Melding]
) -> tuple[str, int, list[dict[str, Any]]] | None:
    blad, letter = tabel.blad, tabel.kolomletter

    def plek(rij: _Rij, kolom: str) -> dict[str, Any]:
        return {
            "blad": blad,
            "rij": rij.nummer,
            "kolom": f"{letter.get(kolom, '?')} ({kolom})" if blad else letter.get(kolom, kolom),
        }

    if not tabel.rijen:
        fouten.append(Melding(naam, "het bestand bevat geen vragen.", blad=blad))
        return None

    # Area and year: the same on every row, a known area and a year with an uitvraag.
    codes = gebieden.focusgebieden()
    gebiedswaarden: dict[str, int] = {}
    for rij in tabel.rijen:
        g = _tekst(rij.waarden.get("gebied"))
        if g not in codes:
            # The same text for every row with this code: merged into one message (_voeg_samen).
            dichtst = difflib.get_close_matches(g.lower(), sorted(codes), n=1, cutoff=0.0)
            fouten.append(
                Melding(
                    naam,
                    f"onbekend gebied '{g}'"
                    + (f"; bedoelt u '{dichtst[0]}'?" if dichtst else "")
                    + " Gebruik het sjabloon van uw eigen gebied, met de code die daarin staat",
                    **plek(rij, "gebied"),
                )
            )
        else:
            gebiedswaarden.setdefault(g, rij.nummer)
    if len(gebiedswaarden) > 1:
        fouten.append(
            Melding(
                naam,
                "het bestand bevat meer dan één gebied ("
                + ", ".join(f"{g} vanaf rij {r}" for g, r in gebiedswaarden.items())
                + "); stuur per gebied een eigen retour.",
                blad=blad,
            )
        )
    jaren: dict[int, int] = {}
    for rij in tabel.rijen:
        j = _jaartal(rij.waarden.get("jaar"))
        if j is None:
            fouten.append(
                Melding(
                    naam,
                    f"het jaar {_tekst(rij.waarden.get('jaar'))!r} is geen jaartal.",
                    **plek(rij, "jaar"),
                )
            )
        else:
            jaren.setdefault(j, rij.nummer)
    if len(jaren) > 1:
        fouten.append(
            Melding(
                naam,
                "het bestand bevat meer dan één jaar ("
                + ", ".join(f"{j} vanaf rij {r}" for j, r in jaren.items())
                + ").",
                blad=blad,
            )
        )
    u: uitvraag.Uitvraag | None = None
    if len(jaren) == 1:
        jaar, rijnr = next(iter(jaren.items()))
        if verwacht_jaar is not None and jaar != verwacht_jaar:
            fouten.append(
                Melding(
                    naam,
                    f"dit is een retour voor {jaar}, maar de uitvraag van {verwacht_jaar} "
                    "wordt verwacht; gebruik het sjabloon van dat jaar.",
                    blad=blad,
                    rij=rijnr,
                    kolom=plek(tabel.rijen[0], "jaar")["kolom"],
                )
            )
        elif jaar not in uitvraag.beschikbare_jaren():
            beschikbaar = ", ".join(str(j) for j in uitvraag.beschikbare_jaren())
            fouten.append(
                Melding(
                    naam,
                    f"voor het jaar {jaar} bestaat geen uitvraag (wel voor: {beschikbaar}).",
                    blad=blad,
                    rij=rijnr,
                    kolom=plek(tabel.rijen[0], "jaar")["kolom"],
                )
            )
        else:
            u = uitvraag.laad(jaar)
    if u is None:
        return None

    # Questions: each one exactly once, unchanged, with an answer of the right kind.
    gezien: dict[str, int] = {}
    uit: list[dict[str, Any]] = []
    for rij in tabel.rijen:
        vid = _tekst(rij.waarden.get("vraag_id"))
        v = u.vraag(vid)
        if v is None:
            fouten.append(
                Melding(
                    naam,
                    f"onbekende vraag {vid!r}: de uitvraag {u.jaar} kent de vragen "
                    f"{', '.join(x.id for x in u.vragen)}.",
                    **plek(rij, "vraag_id"),
                )
            )
            continue
        if vid in gezien:
            fouten.append(
                Melding(
                    naam,
                    f"vraag {vid} is twee keer beantwoord (ook in rij {gezien[vid]}); "
                    "laat per vraag één regel staan.",
                    **plek(rij, "vraag_id"),
                )
            )
            continue
        gezien[vid] = rij.nummer
        verwacht = {"onderdeel": v.onderdeel, "vraag": v.vraag, "soort": v.soort, "eenheid": v.eenheid,
                    "toegestane_waarden": u.toegestaan(v)}  # fmt: skip
        for kolom, waarde in verwacht.items():
            if " ".join(_tekst(rij.waarden.get(kolom)).split()) != " ".join(waarde.split()):
                fouten.append(
                    Melding(
                        naam,
                        f"vraag {vid}: de {kolom} is gewijzigd ({_tekst(rij.waarden.get(kolom))!r} "
                        f"in plaats van {waarde!r}); het sjabloon is gewijzigd — gebruik een nieuw sjabloon.",
                        **plek(rij, kolom),
                    )
                )

        def melding(tekst: str, rij: _Rij = rij, kolom: str = "antwoord") -> None:
            fouten.append(Melding(naam, tekst, **plek(rij, kolom)))

        waarde_, tekst_ = _controleer_antwoord(
            u, v, rij.waarden.get("antwoord"), rij.opmaak.get("antwoord"), melding
        )
        toel = _tekst(rij.waarden.get("toelichting")) or None
        if toel and len(toel) > u.tekst_max_tekens:
            melding(
                f"vraag {vid}: de toelichting is {len(toel)} tekens lang; hoogstens {u.tekst_max_tekens}.",
                kolom="toelichting",
            )
        uit.append(
            {
                "vraag_id": vid,
                "nummer": v.nummer,
                "onderdeel": v.onderdeel,
                "soort": v.soort,
                "eenheid": v.eenheid,
                "maat": v.maat,
                "waarde": waarde_,
                "tekst": tekst_,
                "toelichting": toel,
            }
        )
    ontbrekend = [v.id for v in u.vragen if v.id not in gezien]
    if ontbrekend:
        fouten.append(
            Melding(
                naam,
                f"vraag {', '.join(ontbrekend)} ontbreekt; het sjabloon is gewijzigd "
                "(regels verwijderd) — gebruik een nieuw sjabloon.",
                blad=blad,
            )
        )
    if uit and all(r["waarde"] is None and r["tekst"] is None for r in uit):
        fouten.append(Melding(naam, "er is geen enkele vraag beantwoord.", blad=blad))
    if len(gebiedswaarden) != 1:
        return None
    return next(iter(gebiedswaarden)), u.jaar, uit


def _rijbereiken(rijen: list[int]) -> str:
    """[8, 9, 10, 12] → "8–10, 12"."""
    delen: list[str] = []
    begin = vorige = rijen[0]
    for r in [*rijen[1:], None]:
        if r is not None and r == vorige + 1:
            vorige = r
            continue
        delen.append(str(begin) if begin == vorige else f"{begin}–{vorige}")
        if r is not None:
            begin = vorige = r
    return ", ".join(delen)


def _voeg_samen(meldingen: list[Melding]) -> list[Melding]:
    """One message per distinct problem: the same text in the same column on several rows (one
    wrong area code repeated on every row) becomes one message naming the rows."""
    groepen: dict[tuple[str, str | None, str | None], list[Melding]] = {}
    for m in meldingen:
        groepen.setdefault((m.tekst, m.blad, m.kolom), []).append(m)
    uit: list[Melding] = []
    for (tekst, blad, kolom), groep in groepen.items():
        rijen = sorted({m.rij for m in groep if m.rij is not None})
        if len(rijen) <= 1:
            uit.append(groep[0])
            continue
        uit.append(
            Melding(
                groep[0].bestand,
                f"{tekst.rstrip('.')} — in {len(rijen)} rijen: {_rijbereiken(rijen)}.",
                blad=blad,
                rij=rijen[0],
                kolom=kolom,
            )
        )
    return uit


def _bepaal_gebied(spoor: _Gebiedsspoor) -> Gebiedsbepaling:
    """The area a rejected file names, as an accepted return's is read: the one known area code
    in the column ``gebied``; else the template's area cell; else None with the reason."""
    if spoor.onleesbaar is not None:
        return Gebiedsbepaling(None, f"onbekend: het bestand is niet te lezen ({spoor.onleesbaar})")
    codes = gebieden.focusgebieden()
    bekend: dict[str, list[int]] = {}
    for rij, g in spoor.kolom:
        if g in codes:
            bekend.setdefault(g, []).append(rij)
    if len(bekend) == 1:
        code, rijen = next(iter(bekend.items()))
        waar = f"rij {rijen[0]}" if len(rijen) == 1 else f"rijen {_rijbereiken(rijen)}"
        return Gebiedsbepaling(code, f"kolom gebied ({waar})")
    if len(bekend) > 1:
        return Gebiedsbepaling(
            None, f"onbekend: het bestand noemt meer dan één gebied ({', '.join(bekend)})"
        )
    if spoor.cel is not None and spoor.cel[1] in codes:
        return Gebiedsbepaling(spoor.cel[1], f"{spoor.cel[0]} (Gebied)")
    genoemd = sorted({g for _, g in spoor.kolom if g} | ({spoor.cel[1]} if spoor.cel else set()))
    if genoemd:
        return Gebiedsbepaling(
            None,
            "onbekend: geen bekende gebiedscode in het bestand (wel: "
            + ", ".join(f"'{g}'" for g in genoemd[:3])
            + (f" en {len(genoemd) - 3} andere" if len(genoemd) > 3 else "")
            + ")",
        )
    return Gebiedsbepaling(None, "onbekend: het bestand noemt geen gebied")


def lees_retour(
    pad: Path, *, verwacht_jaar: int | None = None, ontvangen: datetime | None = None
) -> Retour:
    """Read and check one return; ``AfgewezenRetour`` (a ``RetourFout``) with every fault and the
    area the file names when it is not acceptable.

    ``ontvangen`` is when the pipeline first saw this content (default: now); it orders versions.
    """
    pad = Path(pad)
    naam = pad.name
    fouten: list[Melding] = []
    if not pad.is_file():
        raise AfgewezenRetour(
            naam,
            [Melding(naam, f"het bestand {pad} bestaat niet.")],
            Gebiedsbepaling(None, "onbekend: het bestand bestaat niet"),
        )
    if pad.suffix.lower() not in EXTENSIES:
        raise AfgewezenRetour(
            naam,
            [Melding(naam, "alleen .xlsx- en .csv-bestanden (uit het sjabloon) worden ingelezen.")],
            Gebiedsbepaling(None, "onbekend: het bestand is niet gelezen (geen .xlsx of .csv)"),
        )
    if (te_groot := _controleer_grootte(pad, naam)) is not None:
        raise AfgewezenRetour(
            naam,
            [te_groot],
            Gebiedsbepaling(
                None,
                f"onbekend: het bestand is niet gelezen (te groot: {_grootte(pad.stat().st_size)})",
            ),
        )
    spoor = _Gebiedsspoor()
    tabel = (
        _lees_xlsx(pad, naam, fouten, spoor)
        if pad.suffix.lower() == ".xlsx"
        else _lees_csv(pad, naam, fouten, spoor)
    )
    resultaat = (
        _controleer(tabel, naam, verwacht_jaar, fouten)
        if tabel is not None and not fouten
        else None
    )
    if fouten or resultaat is None:
        raise AfgewezenRetour(
            naam,
            _voeg_samen(fouten) or [Melding(naam, "het bestand kon niet worden gecontroleerd.")],
            _bepaal_gebied(spoor),
        )
    gebied, jaar, antwoorden = resultaat
    sha = sha256_bestand(pad)
    ontvangen = ontvangen or nu()
    df = pl.DataFrame(
        [
            {
                **a,
                "gebied_code": gebied,
                "jaar": jaar,
                "bestand": naam,
                "bestand_sha256": sha,
                "ontvangen_op": ontvangen,
            }
            for a in antwoorden
        ],
        schema=ANTWOORD_SCHEMA,
    )
    return Retour(naam, sha, gebied, jaar, ontvangen, df)


# -- the drop folder ----------------------------------------------------------------------------
HISTORIE_SCHEMA: dict[str, pl.DataType] = {
    **ANTWOORD_SCHEMA,
    "versie": pl.Int64(),
    "actueel": pl.Boolean(),
    "vervangen_op": pl.Datetime("us"),
    "reden": pl.String(),
}
AFGEWEZEN_SCHEMA: dict[str, pl.DataType] = {
    "bestand": pl.String(),
    "bestand_sha256": pl.String(),
    "ontvangen_op": pl.Datetime("us"),
    "gebied_code": pl.String(),
    "gebied_bepaling": pl.String(),
    "volgnummer": pl.Int64(),
    "blad": pl.String(),
    "rij": pl.Int64(),
    "kolom": pl.String(),
    "melding": pl.String(),
    "aantal_meldingen": pl.Int64(),
}


@dataclass(frozen=True)
class Verwerking:
    """The three return tables after reading a drop folder, and what this run added."""

    historie: pl.DataFrame
    antwoorden: pl.DataFrame
    afgewezen: pl.DataFrame
    geaccepteerd: list[str]
    geweigerd: list[RetourFout]
    al_bekend: list[str]
    #: Rejected files present in the folder now (new or rejected before): bestand, pad,
    #: aantal_meldingen and the first messages — for the build summary and ``--streng``.
    geweigerd_in_map: list[dict[str, Any]] = field(default_factory=list)


def bestanden_in_map(
    map_: Path, extensies: set[str] | frozenset[str] | tuple[str, ...]
) -> list[Path]:
    """Regular files directly in a drop folder, never anything that leads outside it.

    Symlinks are skipped without being opened: a link in the drop folder could point at any file
    on the server, and its content would end up in a rejection message. Excel's own lock files
    (``~$…``) and hidden files are skipped too.
    """
    if not map_.is_dir():
        return []
    basis = map_.resolve()
    return sorted(
        p
        for p in map_.iterdir()
        if not p.is_symlink()
        and p.is_file()
        and p.resolve().parent == basis
        and p.suffix.lower() in extensies
        and not p.name.startswith(("~$", "."))
    )


def retourbestanden(map_: Path) -> list[Path]:
    """Return files in the drop folder (see :func:`bestanden_in_map`)."""
    return bestanden_in_map(map_, EXTENSIES)


def _moment(t: datetime) -> str:
    return f"{t:%Y-%m-%d %H:%M:%S} UTC"


def _versies(historie: pl.DataFrame) -> pl.DataFrame:
    """Number the versions per area and year by arrival; the last to arrive is the current one.

    Arrival (``ontvangen_op``) is the moment the pipeline first saw the file's content (its
    sha256), never the file's time stamp: a corrected file copied with its old modification time
    (``cp -p``) still arrives after the version it corrects. Files first seen in the same run
    arrive together; between those the file name decides, and ``reden`` says so.
    """
    per_bestand = (
        historie.select("gebied_code", "jaar", "bestand_sha256", "ontvangen_op", "bestand")
        .unique("bestand_sha256")
        .sort(["ontvangen_op", "bestand"])
        .with_columns(
            pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
            .over(["gebied_code", "jaar"])
            .alias("versie"),
            pl.col("ontvangen_op").shift(-1).over(["gebied_code", "jaar"]).alias("vervangen_op"),
            pl.col("bestand").shift(-1).over(["gebied_code", "jaar"]).alias("_opvolger"),
            pl.len().over(["gebied_code", "jaar", "ontvangen_op"]).alias("_tegelijk"),
        )
        .with_columns(pl.col("vervangen_op").is_null().alias("actueel"))
    )
    redenen = [
        (
            f"actueel: als laatste ontvangen, op {_moment(r['ontvangen_op'])} (eerste keer dat "
            "de pipeline deze inhoud zag; de wijzigingstijd van het bestand telt niet)"
            if r["actueel"]
            else f"vervangen door versie {r['versie'] + 1} ({r['_opvolger']}), ontvangen op "
            f"{_moment(r['vervangen_op'])}"
        )
        + (
            f"; {r['_tegelijk']} versies tegelijk ontvangen, onderling geordend op bestandsnaam"
            if r["_tegelijk"] > 1
            else ""
        )
        for r in per_bestand.iter_rows(named=True)
    ]
    per_bestand = per_bestand.with_columns(pl.Series("reden", redenen, dtype=pl.String)).select(
        "bestand_sha256", "versie", "actueel", "vervangen_op", "reden"
    )
    return (
        historie.drop("versie", "actueel", "vervangen_op", "reden", strict=False)
        .join(per_bestand, on="bestand_sha256", how="left")
        .select(list(HISTORIE_SCHEMA))
        .cast(HISTORIE_SCHEMA)  # type: ignore[arg-type]
        .sort(["gebied_code", "jaar", "versie", "nummer", "vraag_id"])
    )


#: gebied_bepaling of rejections stored before the intake recorded the area.
NIET_VASTGELEGD = "onbekend: niet vastgelegd (geweigerd voordat de intake het gebied vastlegde)"


def _afwijzingsrijen(fout: RetourFout, sha: str, ontvangen: datetime) -> list[dict[str, Any]]:
    """At most MAX_MELDINGEN + 1 rows per rejected file, whatever its size: the first messages
    and one row counting the rest. The publication carries this table into every edition."""
    getoond = fout.meldingen[:MAX_MELDINGEN]
    rijen: list[dict[str, Any]] = [
        {"blad": m.blad, "rij": m.rij, "kolom": m.kolom, "melding": str(m)} for m in getoond
    ]
    if len(fout.meldingen) > len(getoond):
        rijen.append(
            {"blad": None, "rij": None, "kolom": None, "melding": fout.rest_tekst(len(getoond))}
        )
    gebied = (
        fout.gebied
        if isinstance(fout, AfgewezenRetour)
        else Gebiedsbepaling(None, "onbekend: niet bepaald")
    )
    return [
        {
            "bestand": fout.bestand,
            "bestand_sha256": sha,
            "ontvangen_op": ontvangen,
            "gebied_code": gebied.code,
            "gebied_bepaling": gebied.bepaling,
            "volgnummer": i,
            **r,
            "aantal_meldingen": len(fout.meldingen),
        }
        for i, r in enumerate(rijen, start=1)
    ]


def _vul_gebied_aan(afgewezen: pl.DataFrame, in_map: dict[str, Path]) -> pl.DataFrame:
    """Rejections stored before the area was recorded get it from their file when that is still
    in the drop folder (its messages stay as stored: the file is not rejected again)."""
    oud = afgewezen.filter(pl.col("gebied_bepaling") == NIET_VASTGELEGD)
    bepaald: dict[str, Gebiedsbepaling] = {}
    for sha in oud["bestand_sha256"].unique().to_list():
        if sha not in in_map:
            continue
        try:
            lees_retour(in_map[sha])
        except AfgewezenRetour as fout:
            bepaald[sha] = fout.gebied
        except RetourFout:
            continue
    if not bepaald:
        return afgewezen
    sha = pl.col("bestand_sha256")
    return afgewezen.with_columns(
        pl.when(sha.is_in(list(bepaald)))
        .then(sha.replace_strict({k: v.code for k, v in bepaald.items()}, default=None))
        .otherwise(pl.col("gebied_code"))
        .cast(pl.String)
        .alias("gebied_code"),
        pl.when(sha.is_in(list(bepaald)))
        .then(sha.replace_strict({k: v.bepaling for k, v in bepaald.items()}, default=None))
        .otherwise(pl.col("gebied_bepaling"))
        .cast(pl.String)
        .alias("gebied_bepaling"),
    )


def verwerk_map(
    map_: Path,
    historie: pl.DataFrame | None = None,
    afgewezen: pl.DataFrame | None = None,
    *,
    moment: datetime | None = None,
) -> Verwerking:
    """Read every new file in ``map_`` on top of the stored history and rejections.

    A file already seen (same sha256, accepted or rejected) is not read again. A rejected file
    adds its messages to ``afgewezen`` and changes nothing else; an accepted one becomes the
    current version for its area and year when it arrived last — arrival being this run's moment
    (``moment``, default now), the first time the pipeline saw the content.
    """
    historie = historie if historie is not None else pl.DataFrame(schema=HISTORIE_SCHEMA)
    afgewezen = afgewezen if afgewezen is not None else pl.DataFrame(schema=AFGEWEZEN_SCHEMA)
    if "aantal_meldingen" not in afgewezen.columns:  # stored before the column existed
        afgewezen = afgewezen.with_columns(
            pl.len().over("bestand_sha256").cast(pl.Int64).alias("aantal_meldingen")
        )
    if "gebied_code" not in afgewezen.columns:  # stored before the intake recorded the area
        afgewezen = afgewezen.with_columns(
            pl.lit(None, dtype=pl.String).alias("gebied_code"),
            pl.lit(NIET_VASTGELEGD, dtype=pl.String).alias("gebied_bepaling"),
        )
    afgewezen = afgewezen.select(list(AFGEWEZEN_SCHEMA)).cast(AFGEWEZEN_SCHEMA)  # type: ignore[arg-type]
    # Arrival moments only move forward, even if the clock is set back between runs.
    eerder = [
        t
        for t in (*historie["ontvangen_op"].to_list(), *afgewezen["ontvangen_op"].to_list())
        if isinstance(t, datetime)
    ]
    moment = moment or nu()
    if eerder and moment <= max(eerder):
        moment = max(eerder) + timedelta(microseconds=1)
    bekend = set(historie["bestand_sha256"].to_list()) | set(afgewezen["bestand_sha256"].to_list())
    nieuw: list[pl.DataFrame] = []
    fout_rijen: list[dict[str, Any]] = []
    geaccepteerd: list[str] = []
    geweigerd: list[RetourFout] = []
    al_bekend: list[str] = []
    in_map: dict[str, Path] = {}
    for pad in retourbestanden(map_):
        sha = sha256_bestand(pad)
        in_map.setdefault(sha, pad)
        if sha in bekend:
            al_bekend.append(pad.name)
            continue
        bekend.add(sha)
        try:
            retour = lees_retour(pad, ontvangen=moment)
        except RetourFout as fout:
            geweigerd.append(fout)
            fout_rijen.extend(_afwijzingsrijen(fout, sha, moment))
            continue
        geaccepteerd.append(pad.name)
        nieuw.append(retour.antwoorden)
    alle = pl.concat([historie.select(list(ANTWOORD_SCHEMA)), *nieuw], how="vertical")
    hist = _versies(alle)
    af = pl.concat([afgewezen, pl.DataFrame(fout_rijen, schema=AFGEWEZEN_SCHEMA)], how="vertical")
    af = _vul_gebied_aan(af, in_map)
    geweigerd_in_map = [
        {
            "bestand": pad.name,
            "pad": str(pad),
            "aantal_meldingen": int(groep["aantal_meldingen"][0]),
            "meldingen": groep.sort("volgnummer")["melding"].head(3).to_list(),
        }
        for sha, pad in sorted(in_map.items(), key=lambda kv: kv[1].name)
        if (groep := af.filter(pl.col("bestand_sha256") == sha)).height
    ]
    return Verwerking(
        historie=hist,
        antwoorden=hist.filter(pl.col("actueel")).select(list(ANTWOORD_SCHEMA)),
        afgewezen=af.sort(["ontvangen_op", "bestand", "volgnummer"]),
        geaccepteerd=geaccepteerd,
        geweigerd=geweigerd,
        al_bekend=al_bekend,
        geweigerd_in_map=geweigerd_in_map,
    )


def procesvragen(antwoorden: pl.DataFrame) -> pl.DataFrame:
    """realisatie.procesvragen: the process questions (onderdeel proces) of the current returns."""
    rijen: list[dict[str, Any]] = []
    for r in antwoorden.filter(pl.col("onderdeel") == "proces").iter_rows(named=True):
        u = uitvraag.laad(r["jaar"])
        v = u.vraag(r["vraag_id"])
        oordeel = int(r["waarde"]) if r["soort"] == "oordeel" and r["waarde"] is not None else None
        rijen.append(
            {
                "gebied_code": r["gebied_code"],
                "jaar": r["jaar"],
                "vraag_id": r["vraag_id"],
                "vraag": v.vraag if v else "",
                "soort": r["soort"],
                "oordeel": oordeel,
                "oordeel_label": u.oordeelschaal.get(oordeel) if oordeel is not None else None,
                "percentage": r["waarde"] if r["soort"] == "percentage" else None,
                "tekst": r["tekst"],
                "toelichting": r["toelichting"],
                "bestand_sha256": r["bestand_sha256"],
            }
        )
    return pl.DataFrame(
        rijen,
        schema={
            "gebied_code": pl.String,
            "jaar": pl.Int64,
            "vraag_id": pl.String,
            "vraag": pl.String,
            "soort": pl.String,
            "oordeel": pl.Int64,
            "oordeel_label": pl.String,
            "percentage": pl.Float64,
            "tekst": pl.String,
            "toelichting": pl.String,
            "bestand_sha256": pl.String,
        },
    )
