"""Numbers in a return read the Dutch way (realisatie/getallen.py): fast, file-less cases.

Each expectation is a fact of Dutch notation (comma = decimal, dot = thousands) or of Excel's
percentage cells, written out by hand — not derived from the code under test. These are also the
test selection of the mutation run for this module (docs/ontwikkelaars.md, "Mutatietests").
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from nplv_monitor.realisatie.getallen import (
    Onleesbaar,
    formatteer,
    is_geheel,
    is_procentopmaak,
    lees_cel,
    lees_tekst,
)


@pytest.mark.parametrize(
    ("getypt", "verwacht"),
    [
        ("0", 0),
        ("7", 7),
        ("1000", 1000),
        ("1.000", 1000),
        ("12.500", 12500),
        ("1.234.567", 1234567),
        ("1 000", 1000),
        ("1\u00a0000", 1000),  # no-break space (Excel, Word)
        ("1\u202f000", 1000),  # narrow no-break space
        ("  42  ", 42),
        ("+5", 5),
        ("-5", -5),
        ("- 5", -5),
        ("+ 1.000", 1000),
    ],
)
def test_geheel_getal_gelezen(getypt: str, verwacht: int) -> None:
    for soort in ("aantal", "oordeel"):
        assert lees_tekst(getypt, soort) == Decimal(verwacht), (getypt, soort)


@pytest.mark.parametrize(
    ("getypt", "in_uitleg"),
    [
        ("1,5", "bevat een decimale komma, maar hier hoort een geheel getal"),
        ("1,000", "bevat een decimale komma"),
        ("1.000,5", "bevat een decimale komma"),
        ("1.5", "is geen geheel getal: een punt scheidt"),
        ("1.50", "is geen geheel getal"),
        ("12.34.5", "is geen geheel getal"),
        ("1e3", "is geen getal."),
        ("", "is geen getal."),
        ("tien", "is geen getal."),
        ("1,000.5", "is in Engelse notatie"),
        ("35%", "bevat een %-teken, maar dit is geen percentagevraag."),
    ],
)
def test_geen_geheel_getal_afgewezen(getypt: str, in_uitleg: str) -> None:
    uit = lees_tekst(getypt, "aantal")
    assert isinstance(uit, Onleesbaar)
    assert uit.getypt == getypt
    assert in_uitleg in uit.uitleg


def test_punt_in_een_geheel_getal_noemt_het_deel_voor_de_punt() -> None:
    uit = lees_tekst("12.5", "aantal")
    assert isinstance(uit, Onleesbaar)
    assert uit.uitleg.endswith("bijvoorbeeld 12.")
    komma = lees_tekst("1,5", "aantal")
    assert isinstance(komma, Onleesbaar)
    assert komma.uitleg.endswith("(duizendtallen mogen met een punt: 1.000).")


@pytest.mark.parametrize(
    ("getypt", "soort", "verwacht"),
    [
        ("1,5", "fte", "1.5"),
        ("0,25", "fte", "0.25"),
        ("1.000,5", "fte", "1000.5"),
        ("1 000,25", "fte", "1000.25"),
        ("1000", "fte", "1000"),
        ("0", "fte", "0"),
        ("-2,5", "fte", "-2.5"),
        ("0", "percentage", "0"),
        ("100", "percentage", "100"),
        ("35%", "percentage", "35"),
        ("35 %", "percentage", "35"),
        ("12,5%", "percentage", "12.5"),
        ("12,5\u00a0%", "percentage", "12.5"),
    ],
)
def test_decimaal_getal_gelezen(getypt: str, soort: str, verwacht: str) -> None:
    assert lees_tekst(getypt, soort) == Decimal(verwacht)


def test_punt_zonder_komma_is_dubbelzinnig_met_beide_lezingen() -> None:
    uit = lees_tekst("2.500", "fte")
    assert isinstance(uit, Onleesbaar)
    assert uit.uitleg == (
        "is dubbelzinnig: in een Nederlandse retour betekent de punt duizendtallen (2.500), "
        "maar bedoelde u misschien 2,500? Schrijf een decimaal getal met een komma en zonder "
        "punt: 2500 of 2,500."
    )
    groot = lees_tekst("1.234.567", "percentage")
    assert isinstance(groot, Onleesbaar)
    assert "(1.234.567)" in groot.uitleg
    assert "1234567 of 1,234,567." in groot.uitleg


def test_decimale_punt_afgewezen_met_de_komma_als_voorstel() -> None:
    een = lees_tekst("1.5", "fte")
    assert isinstance(een, Onleesbaar)
    assert een.uitleg == (
        "gebruikt een punt als decimaalteken; in een Nederlandse retour is dat een komma: "
        "schrijf 1,5."
    )
    twee = lees_tekst("1.5.25", "fte")  # two dots, not groups of three: no single proposal
    assert isinstance(twee, Onleesbaar)
    assert twee.uitleg == (
        "gebruikt een punt als decimaalteken; in een Nederlandse retour is dat een komma."
    )


def test_engelse_notatie_met_het_nederlandse_voorstel() -> None:
    uit = lees_tekst("1,234.5", "fte")
    assert isinstance(uit, Onleesbaar)
    assert uit.uitleg.startswith("is in Engelse notatie")
    assert uit.uitleg.endswith("bijvoorbeeld 1234,5.")


@pytest.mark.parametrize("soort", ["fte", "aantal", "oordeel"])
def test_procentteken_alleen_bij_een_percentagevraag(soort: str) -> None:
    uit = lees_tekst("35%", soort)
    assert uit == Onleesbaar("35%", "bevat een %-teken, maar dit is geen percentagevraag.")
    assert lees_tekst(" 35% ", "percentage") == Decimal(35)
    # "%" in the middle is no percentage, not even for a percentage question
    assert lees_tekst("3%5", "percentage") == Onleesbaar(
        "3%5", "bevat een %-teken, maar dit is geen percentagevraag."
    )


def test_cel_zonder_procentopmaak_zoals_opgeslagen() -> None:
    assert lees_cel(3, None, "aantal") == Decimal(3)
    assert lees_cel(0, "General", "aantal") == Decimal(0)
    # the shortest round-trip form of the float, not its binary expansion
    assert str(lees_cel(0.1, "0.00", "fte")) == "0.1"
    assert lees_cel(2.5, "#,##0.00", "fte") == Decimal("2.5")


def test_cel_met_procentopmaak_keer_honderd() -> None:
    assert lees_cel(0.35, "0%", "percentage") == Decimal(35)
    assert lees_cel(1, "0.0%", "percentage") == Decimal(100)
    assert lees_cel(0, "0%", "percentage") == Decimal(0)
    fout = lees_cel(0.35, "0%", "fte")
    assert isinstance(fout, Onleesbaar)
    assert fout.getypt == "35%"
    assert fout.uitleg.startswith("staat in een cel die als percentage is opgemaakt")
    # a quoted % is text: the value is not scaled
    assert lees_cel(35, '0"%"', "percentage") == Decimal(35)


@pytest.mark.parametrize(
    ("opmaak", "procent"),
    [
        ("0%", True),
        ("0.0%", True),
        ("#,##0.00%", True),
        ('0"%"', False),
        ("0\\%", False),
        ('"%"0%', True),  # literal % plus a real one
        ("0.00", False),
        ("General", False),
        ("", False),
        (None, False),
    ],
)
def test_procentopmaak(opmaak: str | None, procent: bool) -> None:
    assert is_procentopmaak(opmaak) is procent


@pytest.mark.parametrize(
    ("getal", "duizendtallen", "tekst"),
    [
        (0, True, "0"),
        (7, True, "7"),
        (999, True, "999"),
        (1000, True, "1.000"),
        (1234567, True, "1.234.567"),
        (1234567, False, "1234567"),
        (-1234, True, "-1.234"),
        (1234.5, True, "1.234,5"),
        (1234.5, False, "1234,5"),
        (-0.5, True, "-0,5"),
        (0.05, True, "0,05"),
        (0.1, True, "0,1"),
        (Decimal("2.50"), True, "2,5"),
        (Decimal("1E+3"), True, "1.000"),
        (Decimal("100.000"), True, "100"),
        (Decimal("-12.340"), False, "-12,34"),
    ],
)
def test_formatteer(getal: Decimal | float | int, duizendtallen: bool, tekst: str) -> None:
    assert formatteer(getal, duizendtallen=duizendtallen) == tekst


def test_formatteer_zonder_argument_schrijft_duizendtallen() -> None:
    assert formatteer(12500) == "12.500"


@pytest.mark.parametrize(
    ("d", "geheel"),
    [
        (Decimal("2"), True),
        (Decimal("2.0"), True),
        (Decimal("-3"), True),
        (Decimal("2.5"), False),
        (Decimal("0.001"), False),
        (Decimal("NaN"), False),
        (Decimal("sNaN"), False),
    ],
)
def test_is_geheel(d: Decimal, geheel: bool) -> None:
    assert is_geheel(d) is geheel


# -- added after the mutation run (docs/ontwikkelaars.md, "Mutatietests"): exact messages and the
# quoted text of every rejection, which the substring checks above let change unnoticed.
def test_afwijzingen_citeren_wat_getypt_is_met_de_volledige_uitleg() -> None:
    assert lees_tekst("2.500", "fte") == Onleesbaar(
        "2.500",
        "is dubbelzinnig: in een Nederlandse retour betekent de punt duizendtallen (2.500), "
        "maar bedoelde u misschien 2,500? Schrijf een decimaal getal met een komma en zonder "
        "punt: 2500 of 2,500.",
    )
    assert lees_tekst("1,5", "aantal") == Onleesbaar(
        "1,5",
        "bevat een decimale komma, maar hier hoort een geheel getal. Schrijf het aantal zonder "
        "decimalen (duizendtallen mogen met een punt: 1.000).",
    )
    assert lees_tekst("12.5", "oordeel") == Onleesbaar(
        "12.5",
        "is geen geheel getal: een punt scheidt in een Nederlandse retour alleen groepen van drie "
        "cijfers (1.500). Schrijf een geheel getal, bijvoorbeeld 12.",
    )
    assert lees_tekst("1.5", "percentage") == Onleesbaar(
        "1.5",
        "gebruikt een punt als decimaalteken; in een Nederlandse retour is dat een komma: "
        "schrijf 1,5.",
    )
    assert lees_tekst("tien", "fte") == Onleesbaar("tien", "is geen getal.")
    # a percentage question's own % sign does not make other text a "%-question" error
    assert lees_tekst("abc%", "percentage") == Onleesbaar("abc%", "is geen getal.")


def test_procentcel_bij_andere_vraag_volledige_uitleg() -> None:
    assert lees_cel(0.5, "0%", "aantal") == Onleesbaar(
        "50%",
        "staat in een cel die als percentage is opgemaakt, maar deze vraag vraagt geen "
        "percentage. Maak de cel op als 'Standaard' of 'Getal' en typ het getal opnieuw.",
    )
