"""The report's charts, drawn as SVG in Python (grafieken.py): scales, marks, breaks, escaping.

The inputs are small illustrative series, not monitor data; the full report's charts are checked
against the published values in test_rapportage_html.py.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import pytest

from nplv_monitor.rapportage import grafieken
from nplv_monitor.rapportage.grafieken import Punt, Staaf, Voortgang


def _boom(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or this raises


def _groep(boom: ET.Element, klasse: str) -> ET.Element:
    (g,) = [g for g in boom.iter("g") if g.get("class") == klasse]
    return g


def _begin(d: str) -> tuple[float, float]:
    x, y = re.match(r"M([-\d.]+),([-\d.]+)", d).groups()  # type: ignore[union-attr]
    return float(x), float(y)


@pytest.mark.parametrize(
    ("lo", "hi", "aantal"),
    [(0.0, 60.7, 4), (-0.2, 0.03, 4), (3.88, 4.13, 4), (0.0, 2500.0, 4), (-5.0, -1.0, 3)],
)
def test_ticks_rond_en_dekkend(lo: float, hi: float, aantal: int) -> None:
    t = grafieken.ticks(lo, hi, aantal)
    stap = t[1] - t[0]
    mantisse = stap / 10 ** int(f"{stap:e}".split("e")[1])
    assert round(mantisse, 6) in {1.0, 2.0, 5.0}
    assert all(abs((b - a) - stap) < 1e-9 for a, b in itertools.pairwise(t))
    assert t[0] >= lo - 1e-9
    assert t[-1] <= hi + 1e-9
    assert t[0] - stap < lo
    assert t[-1] + stap > hi
    assert aantal // 2 <= len(t) <= 2 * aantal + 1


def test_trend_punten_op_schaal_en_lijn_onderbroken_bij_breuk() -> None:
    punten = [
        Punt("Gebied", "focusgebied", 2018, 1.0, 0),
        Punt("Gebied", "focusgebied", 2020, 2.0, 0),
        Punt("Gebied", "focusgebied", 2022, 4.0, 1),
        Punt("Gebied", "focusgebied", 2024, 3.0, 1),
        Punt("Nederland", "nederland", 2018, 2.5, 0),
        Punt("Nederland", "nederland", 2024, None, 0),
    ]
    svg = grafieken.trend(punten, eenheid="%", titel="t", basisjaar=2018, breuken=[2022])
    boom = _boom(svg)
    symbolen = list(_groep(boom, "mark-symbol").iter("path"))
    assert len(symbolen) == 5  # a missing value draws no point
    xy = {
        (p.findtext("title") or ""): _begin(p.get("d") or "")  # the circle starts at x + r
        for p in symbolen
    }
    # Higher values higher up (smaller y), later years further right, equal years aligned.
    gebied = [xy[f"Gebied, {j}: {w}"] for j, w in [(2018, "1,0%"), (2020, "2,0%"), (2022, "4,0%")]]
    assert gebied[0][1] > gebied[1][1] > gebied[2][1]
    assert gebied[0][0] < gebied[1][0] < gebied[2][0]
    assert xy["Nederland, 2018: 2,5%"][0] == gebied[0][0]
    # One line per comparable stretch: the area's two stretches, Nederland's single point none.
    lijnen = [p.findtext("title") for p in _groep(boom, "mark-line").iter("path")]
    assert lijnen == ["Gebied", "Gebied"]
    # The break stands between 2020 and 2022, the basisjaar rule on 2018.
    (breuk,) = [g for g in boom.iter("g") if g.get("class") == "grafiek-breuk"]
    xb = float(breuk.find("line").get("x1"))  # type: ignore[union-attr,arg-type]
    assert gebied[1][0] < xb < gebied[2][0]
    assert breuk.findtext("text") == "breuk"
    (basis,) = [el for el in boom.iter("line") if el.get("class") == "grafiek-basisjaar"]
    assert float(basis.get("x1")) == pytest.approx(gebied[0][0] - 3.6, abs=0.02)  # type: ignore[arg-type]
    # Years as years, values in Dutch notation.
    teksten = [t.text for t in boom.iter("text")]
    assert "2018" in teksten
    assert "2.018" not in svg


def test_staven_nul_als_basis_en_onderdrukt_als_tekst() -> None:
    staven = [
        Staaf("Gebied", "focusgebied", 30.0, kleur="#d73027"),
        Staaf("Gemeente", "gemeente", None, status="onderdrukt"),
        Staaf("Nederland", "nederland", 60.0),
    ]
    boom = _boom(grafieken.vergelijking(staven, eenheid="%", titel="t"))
    staafpaden = list(_groep(boom, "mark-rect").iter("path"))
    assert [p.findtext("title") for p in staafpaden] == ["Gebied: 30,0%", "Nederland: 60,0%"]
    assert staafpaden[0].get("fill") == "#d73027"
    assert staafpaden[1].get("fill") == grafieken.NEDERLAND_STAAF
    # Both bars start at x(0); Nederland's is twice as long.
    breedtes = [float(re.search(r"h([-\d.]+)", p.get("d") or "").group(1)) for p in staafpaden]  # type: ignore[union-attr]
    assert breedtes[1] == pytest.approx(2 * breedtes[0], rel=0.01)
    assert {_begin(p.get("d") or "")[0] for p in staafpaden} == {
        _begin(staafpaden[0].get("d") or "")[0]
    }
    assert "onderdrukt" in [t.text for t in boom.iter("text")]


def test_voortgang_aandeel_van_het_doel() -> None:
    boom = _boom(
        grafieken.voortgang(
            [Voortgang("Regeling A", 25.0, 100.0, "woningen")], titel="Voortgang", breedte=320
        )
    )
    grijs, donker = list(_groep(boom, "mark-rect").iter("path"))
    b = [float(re.search(r"h([-\d.]+)", p.get("d") or "").group(1)) for p in (grijs, donker)]  # type: ignore[union-attr]
    assert b == [320.0, 80.0]
    assert "25 van 100 (25%)" in [t.text for t in boom.iter("text")]


def test_tekst_uit_de_gegevens_wordt_geescaped() -> None:
    kwaad = '<script>alert("x")</script> & <b>vet</b>'
    svgs = [
        grafieken.trend(
            [Punt(kwaad, "focusgebied", 2020, 1.0), Punt(kwaad, "focusgebied", 2022, 2.0)],
            eenheid=kwaad,
            titel=kwaad,
        ),
        grafieken.vergelijking([Staaf(kwaad, "focusgebied", 1.0)], eenheid=None, titel=kwaad),
        grafieken.voortgang([Voortgang(kwaad, 1.0, 2.0, "")], titel=kwaad),
    ]
    for svg in svgs:
        boom = _boom(svg)
        assert "<script" not in svg
        assert "<b>" not in svg
        assert not re.search(r"&(?![a-zA-Z]+;|#[0-9]+;|#x[0-9a-fA-F]+;)", svg)
        # ... and read back as the same text.
        assert any((t.text or "").startswith("<script>") for t in boom.iter("text"))
