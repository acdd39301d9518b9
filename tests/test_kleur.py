"""The colour rule (nplv_monitor/rapportage/kleur.py) on figures of a build of the shipped snapshot.

The inputs are values as published by a build (monitor.indicatorwaarden, 2024): the area, Nederland
and the quartiles of the 3.061 wijken with a Leefbaarometer score. The full-build check of the rule
against DuckDB is in tests/test_excel_werkboek.py.
"""

from __future__ import annotations

import pytest

from nplv_monitor.rapportage import kleur

# Leefbaarometer "fysieke omgeving" 2024 (a score centred on zero): quartiles of the wijken.
FYSIEK_2024 = kleur.Spreiding("wijk", 3061, -0.011527409618573797, 0.024030907531172072)
NL_FYSIEK_2024 = 0.004402026845489075
HEERLEN_NOORD_FYSIEK_2024 = 0.0013179163808122985
# Leefbaarometer "afwijking" 2024.
AFWIJKING_2024 = kleur.Spreiding("wijk", 3061, -0.0086131847318612, 0.11236597577854672)
NL_AFWIJKING_2024 = 0.020735237841605296
OVERVECHT_AFWIJKING_2024 = -0.24928194908987483


def test_nulgecentreerde_score_dicht_bij_nederland_is_gelijk() -> None:
    """Heerlen-Noord 0,0013 against Nederland 0,0044 was −70% of Nederland ("veel ongunstiger");
    wijken differ 0,036 between Q1 and Q3, so the distance is a tenth of that: equal."""
    o = kleur.oordeel(HEERLEN_NOORD_FYSIEK_2024, NL_FYSIEK_2024, "hoger_beter", FYSIEK_2024)
    assert o.klasse.sleutel == "gelijk"
    verwacht = (HEERLEN_NOORD_FYSIEK_2024 - NL_FYSIEK_2024) / (FYSIEK_2024.q3 - FYSIEK_2024.q1)
    assert o.score == pytest.approx(verwacht)
    assert abs(verwacht) < kleur.GELIJK_GRENS
    # the old rule would have called it much worse: (area − NL) / NL
    assert (HEERLEN_NOORD_FYSIEK_2024 - NL_FYSIEK_2024) / NL_FYSIEK_2024 < -0.5
    assert "IKA 0,036 over 3.061 wijken" in o.uitleg


def test_ver_onder_nederland_is_veel_ongunstiger_en_richting_telt() -> None:
    o = kleur.oordeel(OVERVECHT_AFWIJKING_2024, NL_AFWIJKING_2024, "hoger_beter", AFWIJKING_2024)
    assert o.klasse.sleutel == "veel_slechter"
    assert o.score is not None
    assert o.score < -kleur.GROOT_GRENS
    # the same distance on an indicator where lower is better is favourable
    assert (
        kleur.oordeel(
            OVERVECHT_AFWIJKING_2024, NL_AFWIJKING_2024, "lager_beter", AFWIJKING_2024
        ).klasse.sleutel
        == "veel_beter"
    )
    # no direction in the catalogue: only lower, no judgement
    assert (
        kleur.oordeel(
            OVERVECHT_AFWIJKING_2024, NL_AFWIJKING_2024, "neutraal", AFWIJKING_2024
        ).klasse.sleutel
        == "lager"
    )


def test_grenzen_van_de_klassen() -> None:
    """Half-way classes: 0,25–1 IKA above Nederland on a lower-is-better indicator."""
    s = AFWIJKING_2024
    ika = s.q3 - s.q1
    assert kleur.oordeel(0.5 * ika, 0.0, "lager_beter", s).klasse.sleutel == "slechter"
    assert kleur.oordeel(0.5 * ika, 0.0, "hoger_beter", s).klasse.sleutel == "beter"
    assert kleur.oordeel(0.2 * ika, 0.0, "hoger_beter", s).klasse.sleutel == "gelijk"
    assert kleur.oordeel(1.2 * ika, 0.0, "hoger_beter", s).klasse.sleutel == "veel_beter"


def test_geen_kleur_met_de_reden() -> None:
    s = FYSIEK_2024
    assert kleur.oordeel(None, 0.004, "hoger_beter", s).klasse.sleutel == "geen"
    assert kleur.oordeel(0.001, None, "hoger_beter", s).klasse.sleutel == "geen"
    # an absolute count (inwoners of an area against 17.942.942 in Nederland) is not a level
    aantal = kleur.oordeel(105_000, 17_942_942, "neutraal", s, maat="aantal")
    assert aantal.klasse.sleutel == "geen"
    assert "aantal" in aantal.uitleg
    # Gezondheidsmonitor: 30 wijken in the snapshot would do, 2 gemeenten would not
    weinig = kleur.oordeel(62.0, 69.0, "hoger_beter", kleur.Spreiding("gemeente", 2, 64.95, 69.45))
    assert weinig.klasse.sleutel == "geen"
    assert "te weinig" in weinig.uitleg
    assert (
        kleur.oordeel(1.0, 2.0, "hoger_beter", kleur.Spreiding("wijk", 40, 3.0, 3.0)).score is None
    )


def test_legenda_noemt_de_regel_in_een_zin() -> None:
    assert kleur.LEGENDA.count(". ") == 0
    assert kleur.LEGENDA.endswith(".")
    assert "interkwartielafstand" in kleur.LEGENDA
    assert "wijken" in kleur.LEGENDA
    assert set(kleur.LEGENDA_VOLGORDE) == set(kleur.KLASSEN)
