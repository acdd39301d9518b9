"""The fill-in template of the yearly return, as Excel workbook and as CSV.

Both are generated from the question definition (``uitvraag``). The workbook has one row per
question with unit and allowed values, Excel input validation on every answer cell, and a
protected sheet in which only the answer and comment cells can be edited; area and year are filled
in. The CSV has exactly the same columns (separator ``;``, UTF-8) for areas that work without Excel.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nplv_monitor.geografie import gebieden
from nplv_monitor.realisatie import uitvraag
from nplv_monitor.realisatie.uitvraag import UitvraagFout

BLAD = "Uitvraag"
BLAD_INSTRUCTIE = "Instructie"
#: The columns of the answer table, identical in workbook and CSV.
KOLOMMEN = (
    "gebied",
    "jaar",
    "vraag_id",
    "onderdeel",
    "vraag",
    "soort",
    "eenheid",
    "toegestane_waarden",
    "antwoord",
    "toelichting",
)
INVULKOLOMMEN = ("antwoord", "toelichting")
#: 0-based row of the column header in the workbook (row 7 as Excel shows it).
KOPRIJ = 6
CSV_SCHEIDING = ";"

INSTRUCTIE = (
    "Zo vult u de uitvraag in",
    "1. Vul alleen de gele cellen in: de kolom 'antwoord' en, als u iets wilt toelichten, de kolom "
    "'toelichting'. De andere cellen zijn beveiligd.",
    "2. Aantallen zijn hele getallen van 0 of meer; duizendtallen mogen met een punt (1.500). "
    "Percentages zijn getallen van 0 tot en met 100 (35 of 35%; een cel met "
    "percentage-opmaak mag ook). Fte mag met decimalen, met een decimale komma (2,5); een punt "
    "zonder komma (2.5) is dubbelzinnig en wordt geweigerd. Per vraag geldt een ruime bovengrens "
    "(zie de invoerhulp van de cel); een hoger getal is vrijwel zeker een typefout.",
    "3. Een oordeel geeft u als cijfer op de schaal in de kolom 'toegestane_waarden'.",
    "4. Weet u een antwoord niet, laat de cel dan leeg. Schrijf geen 'n.v.t.' of '?' in een "
    "getalcel; zet uitleg in de kolom 'toelichting'.",
    "5. Verander geen vragen, kolommen of de volgorde: het bestand wordt automatisch ingelezen en "
    "een gewijzigd sjabloon wordt geweigerd.",
    "6. Vraag 5 bestaat uit twee regels: 5a is het aantal kinderen met een VVE-indicatie dat "
    "voorschoolse educatie krijgt, 5b het totaal aantal kinderen met een VVE-indicatie. Het "
    "percentage rekenen wij uit.",
    "7. Stuur het ingevulde bestand terug; de bestandsnaam doet er niet toe, de inhoud telt. Een "
    "verbeterde versie voor hetzelfde gebied en jaar vervangt de eerdere; de eerdere blijft bewaard.",
)


def bestandsnaam(gebied: str, jaar: int) -> str:
    return f"uitvraag_{jaar}_{gebied}"


def _controleer_gebied(gebied: str) -> str:
    namen = gebieden.focusgebieden()
    if gebied not in namen:
        raise UitvraagFout(f"Onbekend gebied {gebied!r}. Kies een van: {', '.join(sorted(namen))}.")
    return namen[gebied]


def rijen(gebied: str, jaar: int) -> list[dict[str, Any]]:
    """The template rows of ``gebied`` and ``jaar`` (answers empty)."""
    u = uitvraag.laad(jaar)
    return [
        {
            "gebied": gebied,
            "jaar": jaar,
            "vraag_id": v.id,
            "onderdeel": v.onderdeel,
            "vraag": v.vraag,
            "soort": v.soort,
            "eenheid": v.eenheid,
            "toegestane_waarden": u.toegestaan(v),
            "antwoord": None,
            "toelichting": None,
        }
        for v in u.vragen
    ]


def _atomisch(doel: Path, schrijf: Callable[[Path], None]) -> Path:
    doel.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{doel.name}.", suffix=".tmp", dir=doel.parent)
    os.close(fd)
    try:
        schrijf(Path(tmp))
        os.replace(tmp, doel)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return doel


def schrijf_csv(gebied: str, jaar: int, doel: Path) -> Path:
    _controleer_gebied(gebied)
    data = rijen(gebied, jaar)

    def schrijf(pad: Path) -> None:
        with pad.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.DictWriter(f, fieldnames=KOLOMMEN, delimiter=CSV_SCHEIDING)
            w.writeheader()
            w.writerows(data)

    return _atomisch(doel, schrijf)


def _validatie(u: uitvraag.Uitvraag, v: uitvraag.Vraag) -> dict[str, Any]:
    basis: dict[str, Any] = {
        "input_title": f"Vraag {v.id}",
        "input_message": u.toegestaan(v)[:250],
        "error_title": "Ongeldig antwoord",
        "error_message": f"Vraag {v.id} verwacht: {u.toegestaan(v)}"[:250],
    }
    if v.soort in uitvraag.GRENSSOORTEN and v.minimum is not None and v.maximum is not None:
        # The plausibility bounds of the YAML; the column text stays as before so that templates
        # already handed out keep passing the "toegestane_waarden unchanged" check.
        grenzen = f"van {_nl(v.minimum)} tot en met {_nl(v.maximum)}"
        basis["input_message"] = f"{u.toegestaan(v)}; {grenzen}"[:250]
        basis["error_message"] = f"Vraag {v.id} verwacht: {u.toegestaan(v)}, {grenzen}"[:250]
        soort = "integer" if v.soort == "aantal" else "decimal"
        return {**basis, "validate": soort, "criteria": "between",
                "minimum": _getal(v.minimum), "maximum": _getal(v.maximum)}  # fmt: skip
    if v.soort == "oordeel":
        return {**basis, "validate": "list", "source": [str(k) for k in sorted(u.oordeelschaal)]}
    return {**basis, "validate": "length", "criteria": "<=", "value": u.tekst_max_tekens}


def _getal(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _nl(getal: float) -> str:
    return f"{getal:,.0f}".replace(",", ".") if float(getal).is_integer() else str(getal)


def schrijf_xlsx(gebied: str, jaar: int, doel: Path) -> Path:
    naam = _controleer_gebied(gebied)
    u = uitvraag.laad(jaar)
    data = rijen(gebied, jaar)

    def schrijf(pad: Path) -> None:
        import xlsxwriter  # only when a template is written, not at start-up

        wb = xlsxwriter.Workbook(str(pad))
        try:
            vet = wb.add_format({"bold": True})
            titel = wb.add_format({"bold": True, "font_size": 14})
            kop = wb.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1, "locked": True})
            vast = wb.add_format({"text_wrap": True, "valign": "top", "border": 1, "locked": True})
            invul = wb.add_format(
                {"bg_color": "#FFF2CC", "border": 1, "valign": "top", "locked": False}
            )
            invul_tekst = wb.add_format(
                {
                    "bg_color": "#FFF2CC",
                    "border": 1,
                    "valign": "top",
                    "text_wrap": True,
                    "locked": False,
                }
            )

            ws = wb.add_worksheet(BLAD)
            ws.write(0, 0, f"{u.titel} — {naam}", titel)
            ws.write(1, 0, "Gebied", vet)
            ws.write(1, 1, gebied)
            ws.write(1, 2, naam)
            ws.write(2, 0, "Jaar", vet)
            ws.write_number(2, 1, jaar)
            ws.write(3, 0, "Sjabloonversie", vet)
            ws.write(3, 1, u.versie)
            ws.write(
                4,
                0,
                f"Vul alleen de gele cellen in; zie het blad '{BLAD_INSTRUCTIE}'. Periode: {u.periode}.",
            )
            breedtes = {"gebied": 22, "jaar": 7, "vraag_id": 9, "onderdeel": 11, "vraag": 70,
                        "soort": 11, "eenheid": 16, "toegestane_waarden": 34, "antwoord": 16,
                        "toelichting": 40}  # fmt: skip
            for k, kolom in enumerate(KOLOMMEN):
                ws.set_column(k, k, breedtes[kolom])
                ws.write(KOPRIJ, k, kolom, kop)
            vragen = {v.id: v for v in u.vragen}
            a = KOLOMMEN.index("antwoord")
            for r, rij in enumerate(data, start=KOPRIJ + 1):
                for k, kolom in enumerate(KOLOMMEN):
                    waarde = rij[kolom]
                    if kolom == "antwoord":
                        ws.write_blank(r, k, None, invul)
                    elif kolom == "toelichting":
                        ws.write_blank(r, k, None, invul_tekst)
                    elif kolom == "jaar":
                        ws.write_number(r, k, waarde, vast)
                    else:
                        ws.write_string(r, k, str(waarde), vast)
                ws.data_validation(r, a, r, a, _validatie(u, vragen[rij["vraag_id"]]))
            ws.freeze_panes(KOPRIJ + 1, 0)
            ws.protect("", {"format_columns": True, "format_rows": True})

            wi = wb.add_worksheet(BLAD_INSTRUCTIE)
            wi.set_column(0, 0, 120)
            wi.write(0, 0, INSTRUCTIE[0], titel)
            tekst = wb.add_format({"text_wrap": True, "valign": "top"})
            for r, regel in enumerate(INSTRUCTIE[1:], start=2):
                wi.write(r, 0, regel, tekst)
            wi.protect()
            ws.activate()
        finally:
            wb.close()

    return _atomisch(doel, schrijf)


def schrijf_template(gebied: str, jaar: int, uit: Path) -> tuple[Path, Path]:
    """Write the workbook and the CSV of ``gebied``/``jaar`` into ``uit``; return both paths."""
    stam = bestandsnaam(gebied, jaar)
    xlsx = schrijf_xlsx(gebied, jaar, uit / f"{stam}.xlsx")
    csv_pad = schrijf_csv(gebied, jaar, uit / f"{stam}.csv")
    return xlsx, csv_pad
