"""Map of the focus areas' buurten, coloured by Leefbaarometer 2024 class (inline SVG, drawn here).

Geometry: the simplified WGS84 buurt polygons of Leefbaarometer 2024 from
``bron.leefbaarometer_buurtgeometrie``; the class (``kscore`` 1–9) from ``bron.leefbaarometer_buurt``;
inhabitants per buurt from ``bron.bevolking_buurt_2024``. All come from the published file like every
other figure (the bronnen stage read the snapshot; the report never does). Which buurten belong to
an area comes from ``ref.gebied_buurten``.

The SVG is written directly rather than through Vega-Lite: every buurt is a ``<path>`` with a
``<title>`` (its name, code and class show on hover, also in a browser without script), the view is
cut to the area itself (a large polder or port of the same gemeente does not shrink the area), and
the area's outline is one clear line: all its buurten are first stroked thick in dark, then filled
on top, so only the outer edge of that stroke stays visible.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

PEILJAAR = 2024
BRON = "BZK/VRO, Leefbaarometer 3.0 meting 2024 (buurtscores en -geometrie)"

KLASSE_NAMEN = {
    1: "zeer onvoldoende",
    2: "ruim onvoldoende",
    3: "onvoldoende",
    4: "zwak",
    5: "voldoende",
    6: "ruim voldoende",
    7: "goed",
    8: "zeer goed",
    9: "uitstekend",
}
GEEN_SCORE = "geen score"
# Red → green, as the Leefbaarometer itself shows the classes.
KLASSE_KLEUREN = {
    1: "#a50026",
    2: "#d73027",
    3: "#f46d43",
    4: "#fdae61",
    5: "#fee08b",
    6: "#d9ef8b",
    7: "#a6d96a",
    8: "#66bd63",
    9: "#1a9850",
}
#: A buurt of the area without a score or with (almost) nobody living there: muted, not a class.
GEEN_KLEUR = "#f3f3f3"
REST_KLEUR = "#e4e4e4"
OMLIJNING = "#1b1b1b"
#: Below this many inhabitants a buurt is treated as non-residential (bedrijventerrein, park):
#: drawn muted, as the Leefbaarometer gives such buurten no score either.
MIN_INWONERS = 50
#: Below this density a buurt is drawn muted too (a polder with a few farms would otherwise
#: dominate the map with one colour); CBS calls fewer than 500 addresses per km² "niet stedelijk".
MIN_DICHTHEID = 500


@dataclass(frozen=True)
class Buurt:
    code: str
    naam: str
    gemeentecode: str
    klasse: int | None
    geometrie: dict[str, Any]


def _rond(coords: Any, decimalen: int = 4) -> Any:
    # ~10 m precision is plenty at this scale and keeps the inline SVG small.
    if isinstance(coords, list) and coords and isinstance(coords[0], int | float):
        return [round(float(c), decimalen) for c in coords]
    return [_rond(c, decimalen) for c in coords]


def buurten_uit_publicatie(rijen: Iterable[tuple[str, str, str]]) -> list[Buurt]:
    """Buurten from ``bron.leefbaarometer_buurtgeometrie`` rows (bu_code, bu_naam, geojson)."""
    uit = []
    for ruwe_code, naam, geojson in rijen:
        g = json.loads(geojson)
        code = ruwe_code.strip()
        uit.append(
            Buurt(
                code,
                naam or code,
                "GM" + code[2:6],
                None,
                {"type": g["type"], "coordinates": _rond(g["coordinates"])},
            )
        )
    return uit


def _ringen(geometrie: Mapping[str, Any]) -> list[list[list[float]]]:
    if geometrie["type"] == "Polygon":
        return list(geometrie["coordinates"])
    if geometrie["type"] == "MultiPolygon":
        return [ring for poly in geometrie["coordinates"] for ring in poly]
    return []


def _project(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator in degrees (y grows downward as in SVG)."""
    y = math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))
    return lon, -y


def _bbox(buurten: Iterable[Buurt]) -> tuple[float, float, float, float] | None:
    xs: list[float] = []
    ys: list[float] = []
    for b in buurten:
        for ring in _ringen(b.geometrie):
            for lon, lat, *_ in ring:
                x, y = _project(lon, lat)
                xs.append(x)
                ys.append(y)
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def vakken(buurten: Iterable[Buurt]) -> dict[str, tuple[float, float, float, float] | None]:
    """The projected bounding box of every buurt, by code (for :func:`kaart_svg`)."""
    return {b.code: _bbox([b]) for b in buurten}


@dataclass(frozen=True)
class Klasse:
    """How one buurt is drawn and named."""

    kleur: str
    label: str


def oppervlakte_km2(geometrie: Mapping[str, Any]) -> float:
    """Area of a WGS84 polygon (holes subtracted), flat-earth approximation per ring: ample for
    telling a polder from a street block."""
    totaal = 0.0
    polys = (
        [geometrie["coordinates"]]
        if geometrie["type"] == "Polygon"
        else geometrie["coordinates"]
        if geometrie["type"] == "MultiPolygon"
        else []
    )
    for poly in polys:
        for n, ring in enumerate(poly):
            if len(ring) < 3:
                continue
            lat0 = math.radians(sum(p[1] for p in ring) / len(ring))
            kx, ky = 111.32 * math.cos(lat0), 110.57
            som = 0.0
            for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:] + ring[:1], strict=True):
                som += (x1 * kx) * (y2 * ky) - (x2 * kx) * (y1 * ky)
            totaal += abs(som) / 2 * (1 if n == 0 else -1)
    return max(totaal, 0.0)


def klasse_van(
    klasse: int | None, inwoners: float | None, oppervlakte: float | None = None
) -> Klasse:
    """Colour and label of one buurt of the area: its class, or muted when (almost) nobody lives
    there (the label then still names the class the Leefbaarometer gives)."""
    naam = f"{klasse} {KLASSE_NAMEN[klasse]}" if klasse in KLASSE_NAMEN else None
    if inwoners is not None and inwoners < MIN_INWONERS:
        return Klasse(GEEN_KLEUR, f"geen woonbuurt (minder dan {MIN_INWONERS} inwoners)")
    if inwoners is not None and oppervlakte and inwoners / oppervlakte < MIN_DICHTHEID:
        dichtheid = f"{inwoners / oppervlakte:,.0f}".replace(",", ".")
        return Klasse(
            GEEN_KLEUR,
            f"{naam or GEEN_SCORE}; dunbevolkt ({dichtheid} inwoners per km², minder dan "
            f"{MIN_DICHTHEID}), licht getekend",
        )
    if naam is not None:
        return Klasse(KLASSE_KLEUREN[klasse], naam)  # type: ignore[index]
    return Klasse(GEEN_KLEUR, f"{GEEN_SCORE} (te weinig inwoners voor de Leefbaarometer)")


def _pad(b: Buurt, naar_px: Any) -> str:
    delen = []
    for ring in _ringen(b.geometrie):
        punten = [naar_px(*_project(lon, lat)) for lon, lat, *_ in ring]
        if len(punten) < 3:
            continue
        delen.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in punten) + "Z")
    return "".join(delen)


def kaart_svg(
    buurten: list[Buurt],
    lidmaatschap: Mapping[str, str],
    *,
    klassen: Mapping[str, int | None],
    inwoners: Mapping[str, float],
    titel: str,
    breedte: int = 620,
    max_hoogte: int = 520,
    marge: float = 0.06,
    vakken: Mapping[str, tuple[float, float, float, float] | None] | None = None,
) -> str:
    """One map as an inline ``<svg>``: the area's buurten in their class colour with a dark outline,
    the gemeente's other buurten in the view in grey; every buurt named in its ``<title>``.

    ``vakken``: each buurt's projected bounding box by code (:func:`vakken`), when the caller
    draws several maps of the same buurten; otherwise computed here."""
    eigen = [b for b in buurten if b.code in lidmaatschap]
    vak = _bbox(eigen)
    if vak is None:
        return ""
    x0, y0, x1, y1 = vak
    dx, dy = (x1 - x0) or 1e-6, (y1 - y0) or 1e-6
    x0, x1, y0, y1 = x0 - dx * marge, x1 + dx * marge, y0 - dy * marge, y1 + dy * marge
    schaal = min(breedte / (x1 - x0), max_hoogte / (y1 - y0))
    w, h = (x1 - x0) * schaal, (y1 - y0) * schaal

    def naar_px(x: float, y: float) -> tuple[float, float]:
        return (x - x0) * schaal, (y - y0) * schaal

    def zichtbaar(b: Buurt) -> bool:
        bv = vakken.get(b.code) if vakken is not None else _bbox([b])
        return bv is not None and bv[2] >= x0 and bv[0] <= x1 and bv[3] >= y0 and bv[1] <= y1

    rest, omlijning, gebied = [], [], []
    for b in buurten:
        if b.code in lidmaatschap:
            continue
        if not zichtbaar(b):
            continue
        d = _pad(b, naar_px)
        if d:
            naam = escape(f"{b.naam} ({b.code}): buiten het focusgebied")
            rest.append(f'<path d="{d}"><title>{naam}</title></path>')
    for b in eigen:
        d = _pad(b, naar_px)
        if not d:
            continue
        k = klasse_van(
            klassen.get(b.code, b.klasse), inwoners.get(b.code), oppervlakte_km2(b.geometrie)
        )
        omlijning.append(f'<path d="{d}"/>')
        naam = escape(f"{b.naam} ({b.code}): {k.label}")
        gebied.append(f'<path d="{d}" fill="{k.kleur}"><title>{naam}</title></path>')
    return (
        f'<svg role="img" class="kaart" width="{w:.0f}" height="{h:.0f}" '
        f'viewBox="0 0 {w:.1f} {h:.1f}" aria-label="{escape(titel)}">'
        f"<title>{escape(titel)}</title>"
        f'<g fill="{REST_KLEUR}" stroke="#ffffff" stroke-width="0.6">{"".join(rest)}</g>'
        f'<g fill="none" stroke="{OMLIJNING}" stroke-width="3.2" stroke-linejoin="round">'
        f"{''.join(omlijning)}</g>"
        f'<g stroke="#ffffff" stroke-width="0.6" stroke-linejoin="round">{"".join(gebied)}</g>'
        "</svg>"
    )
