"""Charts for the report: Vega-Lite specs rendered to inline SVG by vl-convert (no JS, no CDN).

The specs are written as plain Vega-Lite dicts (the same JSON altair would emit): building ~500
small charts through altair's object model cost more time than rendering them. vl-convert renders
with the Dutch d3 locale (``nl-NL``: 1.234,5), and every value label is formatted by :mod:`opmaak`,
so charts and tables read the same. Years are ordinal axes so 2018 never becomes "2.018".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import vl_convert as vlc

from nplv_monitor.rapportage import opmaak

Spec = dict[str, Any]
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
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
    # altair's default view size; the view keeps Vega-Lite's light frame, as before.
    "view": {"continuousWidth": 300, "continuousHeight": 300},
    "font": LETTER,
    "axis": {"labelFontSize": 11, "titleFontSize": 11, "gridColor": "#e6e6e6"},
    "legend": {"labelFontSize": 11, "titleFontSize": 11, "labelLimit": 260},
    "title": {"fontSize": 13, "anchor": "start", "fontWeight": "bold"},
}

# Namespace declarations are not references, but an inline SVG in HTML5 does not need them and a
# self-containment check is simplest when the file holds no URL at all.
_XMLNS = re.compile(r'\s+xmlns(:\w+)?="http[s]?://[^"]*"')


def spec(body: Spec) -> Spec:
    """A top-level Vega-Lite spec: the house config and the schema version around ``body``."""
    return {"config": _CONFIG, **body, "$schema": VEGA_LITE_SCHEMA}


def veld(naam: str, soort: str, **extra: Any) -> dict[str, Any]:
    """One encoding channel (``soort``: nominal/quantitative)."""
    return {"field": naam, "type": soort, **extra}


def svg(chart: Spec) -> str:
    """Render a Vega-Lite spec to an inline ``<svg>`` element (Dutch number locale)."""
    tekst = vlc.vegalite_to_svg(chart, format_locale="nl-NL", time_format_locale="nl-NL")
    tekst = _XMLNS.sub("", tekst)
    return tekst.replace("<svg ", '<svg role="img" ', 1)


@dataclass(frozen=True)
class Staaf:
    gebied: str  # label shown
    rol: str  # focusgebied / gemeente / rest_gemeente / alle_focusgebieden / nederland
    waarde: float | None
    status: str = "ok"
    #: Fill: the class colour of the one colour rule (kleur.py), given by the caller.
    kleur: str = "#ffffff"


def vergelijking(
    staven: Sequence[Staaf],
    *,
    eenheid: str | None,
    titel: str,
    breedte: int = 300,
) -> Spec:
    """Horizontal bars: area, gemeente, rest, Nederland; colour = the class of the colour rule.

    A withheld value gets no bar but the text 'onderdrukt' where the bar would be, so it is never
    silently absent.
    """
    rijen = []
    for i, s in enumerate(staven):
        rijen.append(
            {
                "volgorde": i,
                "gebied": s.gebied,
                "waarde": s.waarde,
                "label": opmaak.waarde(s.waarde, eenheid) if s.waarde is not None else s.status,
                "kleur": NEDERLAND_STAAF if s.rol == "nederland" else s.kleur,
                "rand": "#555555",
            }
        )
    volgorde = [s.gebied for s in staven]
    y = veld("gebied", "nominal", axis={"labelLimit": 180}, sort=volgorde, title=None)
    staaf = {
        "mark": {"type": "bar", "height": 16, "stroke": "#555555", "strokeWidth": 0.5},
        "encoding": {
            "color": veld("kleur", "nominal", scale=None),
            "tooltip": [
                veld("gebied", "nominal", title="Gebied"),
                veld("label", "nominal", title="Waarde"),
            ],
            "x": veld(
                "waarde",
                "quantitative",
                axis={"format": ",.4~f", "tickCount": 4},
                title=opmaak_eenheid(eenheid),
            ),
            "y": y,
        },
    }
    tekst = {
        "mark": {"type": "text", "align": "left", "color": "#1b1b1b", "dx": 4, "fontSize": 11},
        "encoding": {"text": veld("label", "nominal"), "x": veld("x0", "quantitative"), "y": y},
        "transform": [
            {"calculate": "isValid(datum.waarde) ? max(datum.waarde, 0) : 0", "as": "x0"}
        ],
    }
    return spec(
        {
            "layer": [staaf, tekst],
            "data": {"values": rijen},
            "height": {"step": 22},
            "title": titel,
            "width": breedte,
        }
    )


def opmaak_eenheid(eenheid: str | None) -> str:
    e = (eenheid or "").strip()
    return "%" if opmaak.is_procent(e) else e


@dataclass(frozen=True)
class Punt:
    gebied: str
    rol: str
    peiljaar: int
    waarde: float | None
    #: Comparable stretch of this area's series: a new number after a definition break.
    reeks: int = 0


def trend(
    punten: Sequence[Punt],
    *,
    eenheid: str | None,
    titel: str,
    basisjaar: int | None = None,
    breuken: Sequence[int] = (),
    breedte: int = 300,
    hoogte: int = 160,
) -> Spec:
    """Lines per comparison area over peiljaar; the baseline year marked with a dashed rule.

    ``breuken``: peiljaren whose value is not comparable with the years before (a definition or
    territory break, ``definitiebreuk``): a dotted rule labelled "breuk" stands between such a
    year and the one before. The lines themselves are drawn per area and :attr:`Punt.reeks`, so a
    line stops at its own break and starts again after it.
    """
    breuken = sorted(set(breuken))
    rijen = [
        {
            "gebied": p.gebied,
            "rol": p.rol,
            "peiljaar": p.peiljaar,
            "waarde": p.waarde,
            "label": opmaak.waarde(p.waarde, eenheid),
            # The segment: lines are drawn per area and segment, so they never cross a break.
            "reeks": f"{p.gebied}|{p.reeks}",
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
    x_schaal: dict[str, Any] = (
        {"domain": [jaren[0] - 0.5, jaren[-1] + 0.5], "nice": False} if jaren else {"nice": False}
    )
    encoding = {
        "color": veld(
            "gebied",
            "nominal",
            legend={"columns": 2, "orient": "bottom", "title": None},
            scale={"domain": volgorde, "range": kleuren},
        ),
        "tooltip": [
            veld("gebied", "nominal", title="Gebied"),
            veld("peiljaar", "quantitative", format="d", title="Peiljaar"),
            veld("label", "nominal", title="Waarde"),
        ],
        "x": veld(
            "peiljaar",
            "quantitative",
            axis={
                "format": "d",
                "grid": False,
                "labelAngle": 0,
                "labelOverlap": "greedy",
                "values": jaren,
            },
            scale=x_schaal,
            title="peiljaar",
        ),
        "y": veld(
            "waarde",
            "quantitative",
            axis={"format": ",.4~f", "tickCount": 4},
            scale={"zero": False},
            title=opmaak_eenheid(eenheid),
        ),
    }
    data = {"values": rijen}
    lijn = {**encoding, "detail": veld("reeks", "nominal")}
    lagen: list[Spec] = [
        {"data": data, "mark": {"type": "line", "strokeWidth": 2}, "encoding": lijn},
        {
            "data": data,
            "mark": {"type": "point", "filled": True, "size": 40},
            "encoding": encoding,
        },
    ]
    if basisjaar is not None and basisjaar in jaren:
        regel = {
            "data": {"values": [{"peiljaar": basisjaar}]},
            "mark": {"type": "rule", "color": "#777777", "strokeDash": [4, 3]},
            "encoding": {"x": veld("peiljaar", "quantitative", scale=x_schaal)},
        }
        lagen.insert(0, regel)
    vorige = {b: max((j for j in jaren if j < b), default=None) for b in breuken}
    tussen = [(b + v) / 2 for b, v in vorige.items() if v is not None]
    if tussen:
        lagen.append(
            {
                "data": {"values": [{"peiljaar": x, "tekst": "breuk"} for x in tussen]},
                "layer": [
                    {
                        "mark": {"type": "rule", "color": "#9c0006", "strokeDash": [2, 2]},
                        "encoding": {"x": veld("peiljaar", "quantitative", scale=x_schaal)},
                    },
                    {
                        "mark": {
                            "type": "text",
                            "color": "#9c0006",
                            "fontSize": 10,
                            "y": 0,
                            "dy": -4,
                        },
                        "encoding": {
                            "x": veld("peiljaar", "quantitative", scale=x_schaal),
                            "text": veld("tekst", "nominal"),
                        },
                    },
                ],
            }
        )
    return spec({"layer": lagen, "height": hoogte, "title": titel, "width": breedte})


@dataclass(frozen=True)
class Voortgang:
    label: str
    gerealiseerd: float
    doel: float
    eenheid: str


def voortgang(items: Sequence[Voortgang], *, titel: str, breedte: int = 320) -> Spec:
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
    y = veld("label", "nominal", axis={"labelLimit": 520}, title=None)
    doel = {
        "mark": {"type": "bar", "color": "#dcdcdc", "height": 18},
        "encoding": {
            "x": veld(
                "doel",
                "quantitative",
                axis={"format": ".0%", "tickCount": 5},
                scale={"domain": [0, 1]},
                title="gerealiseerd als deel van gepland of aangevraagd",
            ),
            "y": y,
        },
    }
    real = {
        "mark": {"type": "bar", "color": "#1f4e79", "height": 10},
        "encoding": {"x": veld("aandeel", "quantitative"), "y": y},
    }
    tekst = {
        "mark": {"type": "text", "align": "left", "dx": 6, "fontSize": 11},
        "encoding": {
            "text": veld("tekst", "nominal"),
            "x": veld("doel", "quantitative"),
            "y": y,
        },
    }
    return spec(
        {
            "layer": [doel, real, tekst],
            "data": {"values": rijen},
            "height": {"step": 30},
            "title": titel,
            "width": breedte,
        }
    )
