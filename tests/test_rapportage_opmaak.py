"""Dutch number formatting of the report (pure functions; the colour rule: test_rapportage_kleur)."""

from __future__ import annotations

import pytest

from nplv_monitor.rapportage import grafieken, opmaak


@pytest.mark.parametrize(
    ("x", "decimalen", "verwacht"),
    [
        (1234, 0, "1.234"),
        (1234567.891, 2, "1.234.567,89"),
        (12.345, 1, "12,3"),
        (-3400, 0, "−3.400"),
        (-0.04, 1, "0,0"),
        (None, 0, "–"),
        (float("nan"), 1, "–"),
    ],
)
def test_getal(x: float | None, decimalen: int, verwacht: str) -> None:
    assert opmaak.getal(x, decimalen) == verwacht


def test_procent_en_aandeel() -> None:
    assert opmaak.procent(12.345) == "12,3%"
    assert opmaak.aandeel(0.123) == "12,3%"
    assert opmaak.procent(None) == "–"


def test_waarde_met_eenheid() -> None:
    assert opmaak.waarde(12.345, "%") == "12,3%"
    assert opmaak.waarde(245000, "euro") == "€ 245.000"
    assert opmaak.waarde(7000, "euro per woning") == "€ 7.000 per woning"
    assert opmaak.waarde(17, "gebieden (van 20)") == "17"
    assert opmaak.waarde(2500, "woningen") == "2.500"
    assert opmaak.verschil(-3.44, "%") == "−3,4 %-punt"
    assert opmaak.verschil(1200, "woningen") == "+1.200"


def test_excel_formaat() -> None:
    assert opmaak.excel_formaat("%") == '#,##0.0"%"'
    assert opmaak.excel_formaat("woningen", 2500) == "#,##0"


def test_kloof_tekst_leest_het_oordeel_en_rekent_niet_opnieuw() -> None:
    # The verdict is the engine's column kloof_wordt (tests/test_kloof.py checks it against the
    # absolute gap); the text only names it. A signed change is not a verdict: refused.
    assert opmaak.kloof_tekst("kleiner") == "kloof kleiner"
    assert opmaak.kloof_tekst("groter") == "kloof groter"
    assert opmaak.kloof_tekst("gelijk") == "kloof gelijk (binnen de precisie)"
    assert opmaak.kloof_tekst("geen tweede meting") == "geen tweede meting"
    assert opmaak.kloof_tekst(None) == "onbekend"
    with pytest.raises(KeyError):
        opmaak.kloof_tekst(-0.5)  # type: ignore[arg-type]


def test_kloof_leest_de_kant_van_nederland() -> None:
    # Alle focusgebieden, Leefbaarometer voorzieningen 2024: 0,096 against Nederland -0,001
    # (hoger is beter), the distance grew: a growing lead, favourable — not a red "kloof groter".
    kant = opmaak.kloof_kant(0.096 - -0.001, "hoger_beter")
    assert kant == "voor"
    assert opmaak.kloof_tekst("groter", kant) == "voorsprong groter"
    assert opmaak.kloof_waardering("groter", kant) == "gunstig"
    # Utrecht Overvecht afwijking -0,270 against 0,021: behind, distance fell: gap narrower.
    kant = opmaak.kloof_kant(-0.270 - 0.021, "hoger_beter")
    assert (kant, opmaak.kloof_tekst("kleiner", kant)) == ("achter", "kloof kleiner")
    assert opmaak.kloof_waardering("kleiner", kant) == "gunstig"
    assert opmaak.kloof_waardering("groter", kant) == "ongunstig"
    # lager is beter: below Nederland is ahead; a shrinking lead is unfavourable
    assert opmaak.kloof_kant(-3.0, "lager_beter") == "voor"
    assert opmaak.kloof_waardering("kleiner", "voor") == "ongunstig"
    # no favourable direction: a difference, no colour; one measurement: no colour
    assert opmaak.kloof_tekst("groter", opmaak.kloof_kant(1.0, None)) == "verschil groter"
    assert opmaak.kloof_waardering("groter", "neutraal") == ""
    assert opmaak.kloof_waardering("geen tweede meting", "achter") == ""
    assert opmaak.kloof_tekst("geen tweede meting", "voor") == "geen tweede meting"


def test_grafiek_as_in_nederlandse_notatie_zonder_urls() -> None:
    # Formatting check with illustrative inputs (not data): axis ticks use the nl-NL locale.
    svg = grafieken.vergelijking(
        [
            grafieken.Staaf("Gebied", "focusgebied", 1500.0),
            grafieken.Staaf("Nederland", "nederland", 2500.0),
        ],
        eenheid="woningen",
        titel="opmaaktest",
    )
    assert svg.startswith("<svg")
    assert "2.500" in svg
    assert "http" not in svg
    jaren = grafieken.trend(
        [grafieken.Punt("Gebied", "focusgebied", j, 1.0 + j / 1000) for j in (2018, 2020, 2022)],
        eenheid="score",
        titel="jaartest",
    )
    assert ">2018<" in jaren
    assert "2.018" not in jaren


def test_procenten_in_een_brontekst_in_nederlandse_notatie() -> None:
    # The engine's reason text as aggregatie.py writes it (f"Dekking {x:.1f}% ...").
    dekking = 100 * 5 / 8
    tekst = f"Dekking {dekking:.1f}% is lager dan de drempel van 90%; Leefbaarometer 3.0"
    assert opmaak.nl_procenten(tekst) == (
        "Dekking 62,5% is lager dan de drempel van 90%; Leefbaarometer 3.0"
    )
    assert opmaak.nl_procenten("Kamerstuk 30 995 nr. 104, 1.234 woningen") == (
        "Kamerstuk 30 995 nr. 104, 1.234 woningen"
    )
