"""Dutch number formatting and the colour scale for deviation from Nederland.

Analysts read 12,3% and 1.234 — never 12.3% or 1,234. Formatting is done here once, so the HTML,
the chart labels and the tests agree on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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


# -- colour by deviation from Nederland ------------------------------------------------------


@dataclass(frozen=True)
class Klasse:
    sleutel: str
    label: str
    kleur: str  # background
    tekst: str  # text colour on that background


#: Deviation classes; with a known direction (higher is better / worse) we say better/worse,
#: otherwise only higher/lower. "Gelijk" = within the margin of Nederland.
KLASSEN: dict[str, Klasse] = {
    "veel_beter": Klasse(
        "veel_beter", "veel gunstiger dan Nederland (> 10%)", "#1a9850", "#ffffff"
    ),
    "beter": Klasse("beter", "gunstiger dan Nederland (2–10%)", "#a6d96a", "#1b1b1b"),
    "gelijk": Klasse("gelijk", "gelijk aan Nederland (binnen 2%)", "#f2f2f2", "#1b1b1b"),
    "slechter": Klasse("slechter", "ongunstiger dan Nederland (2–10%)", "#fdae61", "#1b1b1b"),
    "veel_slechter": Klasse(
        "veel_slechter", "veel ongunstiger dan Nederland (> 10%)", "#d73027", "#ffffff"
    ),
    "hoger": Klasse("hoger", "hoger dan Nederland, zonder oordeel (> 2%)", "#9ecae1", "#1b1b1b"),
    "lager": Klasse("lager", "lager dan Nederland, zonder oordeel (> 2%)", "#dadaeb", "#1b1b1b"),
    "geen": Klasse(
        "geen", "geen vergelijking (waarde of Nederland ontbreekt)", "#ffffff", "#555555"
    ),
}

MARGE = 0.02
GROOT = 0.10


def afwijking(x: float | None, nederland: float | None, richting: str | None = None) -> Klasse:
    """Class of ``x`` against Nederland; ``richting`` 'hoger_beter' / 'lager_beter' / None."""
    if not _geldig(x) or not _geldig(nederland):
        return KLASSEN["geen"]
    assert x is not None
    assert nederland is not None
    basis = abs(nederland) if nederland else 1.0
    rel = (x - nederland) / basis
    if abs(rel) <= MARGE:
        return KLASSEN["gelijk"]
    r = (richting or "").lower()
    if r not in {"hoger_beter", "lager_beter"}:
        return KLASSEN["hoger" if rel > 0 else "lager"]
    gunstig = (rel > 0) == (r == "hoger_beter")
    groot = abs(rel) > GROOT
    if gunstig:
        return KLASSEN["veel_beter" if groot else "beter"]
    return KLASSEN["veel_slechter" if groot else "slechter"]


#: Reading of monitor.indicatorwaarden.kloof_wordt (computed once, in the indicator engine:
#: indicatoren/vergelijking.py); the report and the workbook never recompute the verdict.
KLOOF_TEKSTEN = {
    "kleiner": "kloof kleiner",
    "groter": "kloof groter",
    "gelijk": "kloof gelijk (binnen de precisie)",
    "geen tweede meting": "geen tweede meting",
}


def kloof_tekst(kloof_wordt: str | None) -> str:
    """The verdict on the gap to Nederland in words, from the column ``kloof_wordt``."""
    if kloof_wordt is None:
        return "onbekend"
    return KLOOF_TEKSTEN[kloof_wordt]
