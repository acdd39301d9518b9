"""Dutch number formatting (the colour rule is in kleur.py).

Analysts read 12,3% and 1.234 — never 12.3% or 1,234. Formatting is done here once, so the HTML,
the chart labels and the tests agree on it.
"""

from __future__ import annotations

import math
import re

LEEG = "–"

# Units whose values are percentages on a 0–100 scale (as CBS publishes them).
_PROCENT = {"%", "procent", "percentage"}
_EURO = {"euro", "€", "eur"}
# Units that count things: whole numbers, no decimals.
_AANTALLEN = (
    "aantal",
    "woning",
    "gebieden",
    "gemeenten",
    "kinderen",
    "huishoudens",
    "personen",
    "inwoners",
    "misdrijven",
    "leerlingen",
    "jongeren",
    "banen",
    "deelnemers",
    "volwassenen",
)


def _geldig(x: float | int | None) -> bool:
    return x is not None and not (isinstance(x, float) and (math.isnan(x) or math.isinf(x)))


def getal(x: float | int | None, decimalen: int = 0) -> str:
    """1234.5 → '1.234,5' (decimalen=1); None/NaN → '–'."""
    if not _geldig(x):
        return LEEG
    assert x is not None
    v = round(float(x), decimalen)
    if v == 0:
        v = 0.0  # no "−0,0"
    tekst = f"{v:,.{decimalen}f}"
    # Swap separators via a placeholder: ',' (thousands) → '.', '.' (decimal) → ','.
    tekst = tekst.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return tekst.replace("-", "−", 1)


def procent(x: float | int | None, decimalen: int = 1) -> str:
    """A value on the 0–100 scale: 12.34 → '12,3%'."""
    return LEEG if not _geldig(x) else f"{getal(x, decimalen)}%"


def aandeel(x: float | int | None, decimalen: int = 1) -> str:
    """A fraction 0–1: 0.123 → '12,3%'."""
    return LEEG if not _geldig(x) else procent(float(x) * 100.0, decimalen)  # type: ignore[arg-type]


def is_procent(eenheid: str | None) -> bool:
    return (eenheid or "").strip().lower() in _PROCENT


def standaard_decimalen(x: float | int | None, eenheid: str | None) -> int:
    """Decimals a reader expects: percentages and small scores 1, counts and euros 0."""
    if is_procent(eenheid):
        return 1
    e = (eenheid or "").strip().lower()
    if e in _EURO or e.startswith("euro") or (e.startswith(_AANTALLEN) and " per " not in e):
        return 0
    if _geldig(x) and abs(float(x)) >= 100:  # type: ignore[arg-type]
        return 0
    if _geldig(x) and abs(float(x)) < 1:  # type: ignore[arg-type]
        return 3
    return 1


def waarde(x: float | int | None, eenheid: str | None, decimalen: int | None = None) -> str:
    """A value with its unit in Dutch notation: '12,3%', '€ 245.000', '1.234'."""
    if not _geldig(x):
        return LEEG
    d = standaard_decimalen(x, eenheid) if decimalen is None else decimalen
    e = (eenheid or "").strip()
    if is_procent(e):
        return procent(x, d)
    if e.lower() in _EURO or e.lower().startswith("euro"):
        rest = e[4:].strip() if e.lower().startswith("euro") else ""
        return f"€ {getal(x, d)}" + (f" {rest}" if rest else "")
    return getal(x, d)


def verschil(x: float | int | None, eenheid: str | None, decimalen: int | None = None) -> str:
    """A signed difference: '+1,2 %-punt', '−3.400'."""
    if not _geldig(x):
        return LEEG
    assert x is not None
    d = standaard_decimalen(x, eenheid) if decimalen is None else decimalen
    teken = "+" if float(x) > 0 else ""
    if is_procent(eenheid):
        return f"{teken}{getal(x, d)} %-punt"
    return f"{teken}{getal(x, d)}"


def excel_formaat(eenheid: str | None, voorbeeld: float | None = None) -> str:
    """Excel number format; Excel shows separators in the reader's locale (Dutch: 1.234,5)."""
    d = standaard_decimalen(voorbeeld, eenheid)
    basis = "#,##0" + ("." + "0" * d if d else "")
    if is_procent(eenheid):
        return basis + '"%"'
    return basis


#: Reading of monitor.indicatorwaarden.kloof_wordt (computed once, in the indicator engine:
#: indicatoren/vergelijking.py); the report and the workbook never recompute the verdict. The
#: verdict is on the distance to Nederland; what that distance means depends on the side the
#: area is on (:func:`kloof_kant`): behind Nederland it is a gap (kloof), ahead of it a lead
#: (voorsprong), and without a favourable direction in the catalogue just a difference (verschil).
KLOOF_TEKSTEN = {
    "kleiner": "kloof kleiner",
    "groter": "kloof groter",
    "gelijk": "kloof gelijk (binnen de precisie)",
    "geen tweede meting": "geen tweede meting",
}
_KANT_WOORD = {"achter": "kloof", "voor": "voorsprong", "neutraal": "verschil"}


def kloof_kant(verschil_nederland: float | None, richting: str | None) -> str | None:
    """Which side of Nederland the area is on, for reading the verdict: ``achter`` (the
    unfavourable side, or exactly level), ``voor`` (the favourable side), ``neutraal`` (no
    favourable direction), None without a difference."""
    if verschil_nederland is None:
        return None
    r = (richting or "").strip().lower()
    if r not in {"hoger_beter", "lager_beter"}:
        return "neutraal"
    gunstig = verschil_nederland > 0 if r == "hoger_beter" else verschil_nederland < 0
    return "voor" if gunstig else "achter"


def kloof_tekst(kloof_wordt: str | None, kant: str | None = None) -> str:
    """The verdict on the gap to Nederland in words, from the column ``kloof_wordt``; with
    ``kant`` (:func:`kloof_kant`) a lead is called a lead ("voorsprong groter")."""
    if kloof_wordt is None:
        return "onbekend"
    tekst = KLOOF_TEKSTEN[kloof_wordt]
    if kant in _KANT_WOORD and tekst.startswith("kloof "):
        return _KANT_WOORD[kant] + tekst.removeprefix("kloof")
    return tekst


def kloof_waardering(kloof_wordt: str | None, kant: str | None) -> str:
    """'gunstig' or 'ongunstig' for the colour of the verdict; '' where it is no judgement
    (gelijk, one measurement, no favourable direction). A shrinking gap and a growing lead are
    favourable; a growing gap and a shrinking lead are not."""
    if kloof_wordt not in {"kleiner", "groter"} or kant not in {"achter", "voor"}:
        return ""
    return "gunstig" if (kloof_wordt == "kleiner") == (kant == "achter") else "ongunstig"


_PUNT_PROCENT = re.compile(r"(?<![\d.])(\d+)\.(\d+)(\s?%)")


def nl_procenten(tekst: str) -> str:
    """A percentage written with a decimal point inside a source's or the engine's text
    ('Dekking 62.5%') in Dutch notation ('62,5%'); other dotted numbers (versions, Kamerstuk
    numbers) are left alone."""
    return _PUNT_PROCENT.sub(r"\1,\2\3", tekst)
