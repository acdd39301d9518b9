"""Charts for the report: altair specs rendered to inline SVG by vl-convert (no JS, no CDN).

vl-convert renders with the Dutch d3 locale (``nl-NL``: 1.234,5), and every value label is formatted
by :mod:`opmaak`, so charts and tables read the same. Years are ordinal axes so 2018 never becomes
"2.018".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import vl_convert as vlc

from nplv_monitor.rapportage import opmaak

LETTER = "Helvetica, Arial, sans-serif"
# Stable colours per comparison role, so a reader learns them once.
ROL_KLEUREN = {
    "focusgebied": "#1f4e79",
    "alle_focusgebieden": "#1f4e79",
    "gemeente": "#6a9fcb",
    "rest_gemeente": "#b0b0b0",
    "nederland": "#e08214",
}

# Nederland is the yardstick, not a deviation class: a neutral dark bar.
NEDERLAND_STAAF = "#4d4d4d"

_CONFIG: dict[str, Any] = {
    "font": LETTER,
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 11, "gridColor": "#e6e6e6"},
    "legend": {"labelFontSize": 11, "titleFontSize": 11, "labelLimit": 260},
    "title": {"fontSize": 13, "anchor": "start", "fontWeight": "bold"},
}

# Namespace declarations are not references, but an inline SVG in HTML5 does not need them and a
# self-containment check is simplest when the file holds no URL at all.
_XMLNS = re.compile(r'\s+xmlns(:\w+)?="http[s]?://[^"]*"')


def svg(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    """Render an altair chart to an inline ``<svg>`` element (Dutch number locale)."""
    # Specs are built by this module; skipping altair's JSON-schema validation halves the time.
    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    spec.setdefault("config", {})
    for k, v in _CONFIG.items():
        spec["config"].setdefault(k, v)
    tekst = vlc.vegalite_to_svg(spec, format_locale="nl-NL", time_format_locale="nl-NL")
    tekst = _XMLNS.sub("", tekst)
    return tekst.replace("<svg ", '<svg role="img" ', 1)


@dataclass(frozen=True)
class Staaf:
    gebied: str  # label shown
    rol: str  # focusgebied / gemeente / rest_gemeente / alle_focusgebieden / nederland
    waarde: float | None
    status: str = "ok"


def vergelijking(
    staven: Sequence[Staaf],
    *,
    eenheid: str | None,
    titel: str,
    richting: str | None = None,
    breedte: int = 300,
) -> alt.LayerChart | alt.FacetChart:
    """Horizontal bars: area, gemeente, rest, Nederland; colour = deviation from Nederland.

    A withheld value gets no bar but the text 'onderdrukt' where the bar would be, so it is never
    silently absent.
    """
    nl = next((s.waarde for s in staven if s.rol == "nederland"), None)
    rijen = []
    for i, s in enumerate(staven):
        klasse = opmaak.afwijking(s.waarde, nl, richting) if s.rol != "nederland" else None
        rijen.append(
            {
                "volgorde": i,
                "gebied": s.gebied,
                "waarde": s.waarde,
                "label": opmaak.waarde(s.waarde, eenheid) if s.waarde is not None else s.status,
                "kleur": NEDERLAND_STAAF if klasse is None else klasse.kleur,
                "rand": "#555555",
            }
        )
    volgorde = [s.gebied for s in staven]
    basis = alt.Chart(alt.Data(values=rijen)).encode(
        y=alt.Y("gebied:N", sort=volgorde, title=None, axis=alt.Axis(labelLimit=180))
    )
    x_titel = opmaak_eenheid(eenheid)
    staaf = basis.mark_bar(height=16, stroke="#555555", strokeWidth=0.5).encode(
        x=alt.X("waarde:Q", title=x_titel, axis=alt.Axis(format=",.4~f", tickCount=4)),
        color=alt.Color("kleur:N", scale=None),
        tooltip=[alt.Tooltip("gebied:N", title="Gebied"), alt.Tooltip("label:N", title="Waarde")],
    )
    tekst = (
        basis.mark_text(align="left", dx=4, fontSize=11, color="#1b1b1b")
        .encode(x=alt.X("x0:Q"), text="label:N")
        .transform_calculate(x0="isValid(datum.waarde) ? max(datum.waarde, 0) : 0")
    )
    return alt.layer(staaf, tekst).properties(title=titel, width=breedte, height=alt.Step(22))


def opmaak_eenheid(eenheid: str | None) -> str:
    e = (eenheid or "").strip()
    return "%" if opmaak.is_procent(e) else e


@dataclass(frozen=True)
class Punt:
    gebied: str
    rol: str
    peiljaar: int
    waarde: float | None


def trend(
    punten: Sequence[Punt],
    *,
    eenheid: str | None,
    titel: str,
    basisjaar: int | None = None,
    breedte: int = 300,
    hoogte: int = 160,
) -> alt.LayerChart | alt.FacetChart:
    """Lines per comparison area over peiljaar; the baseline year marked with a dashed rule."""
    rijen = [
        {
            "gebied": p.gebied,
            "rol": p.rol,
            "peiljaar": p.peiljaar,
            "waarde": p.waarde,
            "label": opmaak.waarde(p.waarde, eenheid),
        }
        for p in punten
        if p.waarde is not None
    ]
    volgorde = list(dict.fromkeys(p.gebied for p in punten))
    kleuren = [
        ROL_KLEUREN.get(next(p.rol for p in punten if p.gebied == g), "#777777") for g in volgorde
    ]
    jaren = sorted({p.peiljaar for p in punten})
    # A quantitative year axis with format "d": no thousands separator ("2018", not "2.018").
    x_schaal = (
        alt.Scale(domain=[jaren[0] - 0.5, jaren[-1] + 0.5], nice=False)
        if jaren
        else alt.Scale(nice=False)
    )
    basis = alt.Chart(alt.Data(values=rijen)).encode(
        x=alt.X(
            "peiljaar:Q",
            title="peiljaar",
            scale=x_schaal,
            axis=alt.Axis(
                format="d", values=jaren, labelAngle=0, grid=False, labelOverlap="greedy"
            ),
        ),
        y=alt.Y(
            "waarde:Q",
            title=opmaak_eenheid(eenheid),
            scale=alt.Scale(zero=False),
            axis=alt.Axis(format=",.4~f", tickCount=4),
        ),
        color=alt.Color(
            "gebied:N",
            scale=alt.Scale(domain=volgorde, range=kleuren),
            legend=alt.Legend(orient="bottom", title=None, columns=2),
        ),
        tooltip=[
            alt.Tooltip("gebied:N", title="Gebied"),
            alt.Tooltip("peiljaar:Q", title="Peiljaar", format="d"),
            alt.Tooltip("label:N", title="Waarde"),
        ],
    )
    lagen: list[alt.Chart] = [
        basis.mark_line(strokeWidth=2),
        basis.mark_point(filled=True, size=40),
    ]
    if basisjaar is not None and basisjaar in jaren:
        regel = (
            alt.Chart(alt.Data(values=[{"peiljaar": basisjaar}]))
            .mark_rule(strokeDash=[4, 3], color="#777777")
            .encode(x=alt.X("peiljaar:Q", scale=x_schaal))
        )
        lagen.insert(0, regel)
    return alt.layer(*lagen).properties(title=titel, width=breedte, height=hoogte)


@dataclass(frozen=True)
class Voortgang:
    label: str
    gerealiseerd: float
    doel: float
    eenheid: str


def voortgang(
    items: Sequence[Voortgang], *, titel: str, breedte: int = 320
) -> alt.LayerChart | alt.FacetChart:
    """Realised as a share of the target (0–100%), so schemes of very different size compare;
    the absolute figures are in the label."""
    rijen = [
        {
            "label": v.label,
            "doel": 1.0,
            "aandeel": v.gerealiseerd / v.doel if v.doel else None,
            "tekst": f"{opmaak.waarde(v.gerealiseerd, v.eenheid)} van "
            f"{opmaak.waarde(v.doel, v.eenheid)}"
            f" ({opmaak.procent(100 * v.gerealiseerd / v.doel if v.doel else None, 0)})",
        }
        for v in items
    ]
    basis = alt.Chart(alt.Data(values=rijen)).encode(
        y=alt.Y("label:N", title=None, axis=alt.Axis(labelLimit=520))
    )
    x = alt.X(
        "doel:Q",
        title="gerealiseerd als deel van gepland of aangevraagd",
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format=".0%", tickCount=5),
    )
    doel = basis.mark_bar(color="#dcdcdc", height=18).encode(x=x)
    real = basis.mark_bar(color="#1f4e79", height=10).encode(x="aandeel:Q")
    tekst = basis.mark_text(align="left", dx=6, fontSize=11).encode(x="doel:Q", text="tekst:N")
    return alt.layer(doel, real, tekst).properties(title=titel, width=breedte, height=alt.Step(30))
