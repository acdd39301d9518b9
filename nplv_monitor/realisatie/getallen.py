"""Numbers in a return, read the way a Dutch civil servant types them.

Dutch convention: a comma is the decimal separator ("1,5"), a dot separates thousands ("1.000",
"12.500"). How text is read depends on the kind of question:

- **whole numbers** (aantal, oordeel): "1000", "1.000", "1.234.567" and "1 000" are 1000 and so
  on. Any comma ("1,5", also "1,000") is a decimal in Dutch and a count has none: rejected. A dot
  that does not separate groups of three digits ("1.5", "1.50") is rejected too.
- **decimal numbers** (fte, percentage): "1,5", "1.000,5" and "1000" are read; a dot *without* a
  decimal comma ("1.5", "1.000", "2.500") is **ambiguous** — in a Dutch return it is a thousands
  separator, but these numbers are small and an English decimal point is the likelier intent —
  and is rejected with both readings spelled out. A percentage may end in "%".
- scientific notation, English notation ("1,000.5") and anything else are rejected.

A number typed in a numeric Excel cell is unambiguous and taken as stored, except that a cell
formatted as a percentage stores a fraction (a cell showing 35% holds 0.35): its value is scaled by
100 for a percentage question and rejected for any other kind.

Every rejection quotes exactly what was typed (or what the cell shows) and says how to write it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

#: Kinds of question whose answer is a whole number.
GEHEEL = frozenset({"aantal", "oordeel"})
#: Kinds of question whose answer may have decimals.
DECIMAAL = frozenset({"fte", "percentage"})

# Spaces Excel and Word put between thousand groups (regular, no-break, narrow no-break).
_SPATIES = re.compile(r"[ \u00a0\u202f]")
_CIJFERS = r"\d+"
_PUNTGROEPEN = r"\d{1,3}(?:\.\d{3})+"
_SPATIEGROEPEN = r"\d{1,3}(?: \d{3})+"
_GEHEEL_RE = re.compile(rf"^[+-]?(?:{_CIJFERS}|{_PUNTGROEPEN}|{_SPATIEGROEPEN})$")
_KOMMA_RE = re.compile(rf"^[+-]?(?:{_CIJFERS}|{_PUNTGROEPEN}|{_SPATIEGROEPEN}),\d+$")
_ALLEEN_PUNT_RE = re.compile(r"^[+-]?\d+(?:\.\d+)+$")
_ENGELS_RE = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+\.\d+$")


@dataclass(frozen=True)
class Onleesbaar:
    """Text that is not a number of the asked kind; ``uitleg`` says why and how to write it."""

    getypt: str
    uitleg: str


def _zonder_groepen(s: str) -> str:
    return s.replace(".", "").replace(" ", "")


def lees_tekst(getypt: str, soort: str) -> Decimal | Onleesbaar:
    """The number in ``getypt`` (text as typed) for a question of kind ``soort``."""
    s = _SPATIES.sub(" ", getypt.strip())
    procent = soort == "percentage" and s.endswith("%")
    if procent:
        s = s[:-1].rstrip()
    s = re.sub(r"^([+-]) ", r"\1", s)
    geheel = soort in GEHEEL
    if _GEHEEL_RE.match(s):
        if not geheel and "." in s:
            dec = _zonder_groepen(s)
            punt_als_komma = s.replace(".", ",")
            return Onleesbaar(
                getypt,
                f"is dubbelzinnig: in een Nederlandse retour betekent de punt duizendtallen "
                f"({_format_geheel(int(dec))}), maar bedoelde u misschien {punt_als_komma}? "
                f"Schrijf een decimaal getal met een komma en zonder punt: {dec} of "
                f"{punt_als_komma}.",
            )
        return Decimal(_zonder_groepen(s))
    if _KOMMA_RE.match(s):
        voor, na = s.split(",")
        waarde = Decimal(f"{_zonder_groepen(voor)}.{na}")
        if geheel:
            return Onleesbaar(
                getypt,
                "bevat een decimale komma, maar hier hoort een geheel getal. Schrijf het aantal "
                f"zonder decimalen (duizendtallen mogen met een punt: {_format_geheel(1000)}).",
            )
        return waarde
    if _ALLEEN_PUNT_RE.match(s):
        if geheel:
            return Onleesbaar(
                getypt,
                "is geen geheel getal: een punt scheidt in een Nederlandse retour alleen "
                "groepen van drie cijfers (1.500). Schrijf een geheel getal, bijvoorbeeld "
                f"{_zonder_groepen(s.split('.')[0])}.",
            )
        komma = s.replace(".", ",") if s.count(".") == 1 else None
        return Onleesbaar(
            getypt,
            "gebruikt een punt als decimaalteken; in een Nederlandse retour is dat een komma"
            + (f": schrijf {komma}." if komma else "."),
        )
    if _ENGELS_RE.match(s):
        return Onleesbaar(
            getypt,
            "is in Engelse notatie (komma voor duizendtallen, punt voor decimalen). Schrijf het "
            "getal met een decimale komma en zonder komma's ertussen, bijvoorbeeld "
            f"{s.replace(',', '').replace('.', ',')}.",
        )
    if "%" in s or (getypt.strip().endswith("%") and soort != "percentage"):
        return Onleesbaar(getypt, "bevat een %-teken, maar dit is geen percentagevraag.")
    return Onleesbaar(getypt, "is geen getal.")


def lees_cel(waarde: int | float, number_format: str | None, soort: str) -> Decimal | Onleesbaar:
    """A numeric Excel cell: exact as stored, scaled by 100 when formatted as a percentage."""
    # repr of a float is its shortest round-trip form: 0.35 stays 0.35, never 0.34999….
    d = Decimal(repr(waarde)) if isinstance(waarde, float) else Decimal(waarde)
    if is_procentopmaak(number_format):
        getoond = f"{formatteer(d * 100)}%"
        if soort != "percentage":
            return Onleesbaar(
                getoond,
                "staat in een cel die als percentage is opgemaakt, maar deze vraag vraagt geen "
                "percentage. Maak de cel op als 'Standaard' of 'Getal' en typ het getal opnieuw.",
            )
        return d * 100
    return d


def is_procentopmaak(number_format: str | None) -> bool:
    """Whether an Excel number format shows the value times 100 with a % sign ("0%", "0.0%").
    A quoted or escaped % ('0"%"', '0\\%') is literal text and does not scale."""
    if not number_format:
        return False
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format)


def _format_geheel(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def formatteer(getal: Decimal | float | int, *, duizendtallen: bool = True) -> str:
    """``getal`` as a Dutch reader writes it: "1.234,5" (or "1234,5" without thousands dots)."""
    if isinstance(getal, Decimal):
        d = getal
    else:
        d = Decimal(repr(getal)) if isinstance(getal, float) else Decimal(getal)
    d = d.normalize() if d == d.to_integral_value() else d
    teken = "-" if d < 0 else ""
    tekst = format(abs(d), "f")
    heel, _, deel = tekst.partition(".")
    heel_tekst = _format_geheel(int(heel)) if duizendtallen else str(int(heel))
    deel = deel.rstrip("0")
    return f"{teken}{heel_tekst}" + (f",{deel}" if deel else "")


def is_geheel(d: Decimal) -> bool:
    try:
        return d == d.to_integral_value()
    except InvalidOperation:
        return False
