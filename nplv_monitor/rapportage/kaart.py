"""Map of the focus areas' buurten, coloured by Leefbaarometer 2024 class (inline SVG).

Geometry: the simplified WGS84 buurt polygons of Leefbaarometer 2024 from
``bron.leefbaarometer_buurtgeometrie``; the class (``kscore`` 1–9) from ``bron.leefbaarometer_buurt``.
Both come from the published file like every other figure (the bronnen stage read the snapshot;
the report never does). Which buurten belong to an area comes from ``ref.gebied_buurten``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from nplv_monitor.rapportage.grafieken import Spec, spec, veld

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
GEEN_KLEUR = "#cfcfcf"
REST_KLEUR = "#e4e4e4"


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


def _bbox(geometrie: Mapping[str, Any]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []

    def loop(c: Any) -> None:
        if isinstance(c, list) and c and isinstance(c[0], int | float):
            xs.append(float(c[0]))
            ys.append(float(c[1]))
        else:
            for d in c:
                loop(d)

    loop(geometrie["coordinates"])
    return min(xs), min(ys), max(xs), max(ys)


def rond_gebied(
    buurten: list[Buurt], lidmaatschap: Mapping[str, str], marge: float = 0.35
) -> list[Buurt]:
    """The area's buurten plus the gemeente's buurten around them (not the whole port or polder).

    Large gemeenten (Rotterdam with its port) would shrink the area to a few pixels; the map shows
    the surroundings within ``marge`` × the area's extent instead.
    """
    in_gebied = [b for b in buurten if b.code in lidmaatschap]
    if not in_gebied:
        return buurten
    vakken = [_bbox(b.geometrie) for b in in_gebied]
    x0, y0 = min(v[0] for v in vakken), min(v[1] for v in vakken)
    x1, y1 = max(v[2] for v in vakken), max(v[3] for v in vakken)
    dx, dy = (x1 - x0) * marge, (y1 - y0) * marge
    uit = []
    for b in buurten:
        if b.code in lidmaatschap:
            uit.append(b)
            continue
        bx0, by0, bx1, by1 = _bbox(b.geometrie)
        cx, cy = (bx0 + bx1) / 2, (by0 + by1) / 2
        if x0 - dx <= cx <= x1 + dx and y0 - dy <= cy <= y1 + dy:
            uit.append(b)
    return uit


def _features(
    buurten: Iterable[Buurt],
    lidmaatschap: Mapping[str, str],
    klassen: Mapping[str, int | None],
    gebied_namen: Mapping[str, str],
) -> list[dict[str, Any]]:
    uit: list[dict[str, Any]] = []
    for b in buurten:
        klasse = klassen.get(b.code, b.klasse) if klassen else b.klasse
        gebied = lidmaatschap.get(b.code)
        uit.append(
            {
                "type": "Feature",
                "geometry": b.geometrie,
                "properties": {
                    "buurt": f"{b.naam} ({b.code})",
                    "klasse": klasse,
                    "klasse_naam": (
                        f"{klasse} {KLASSE_NAMEN[klasse]}" if klasse in KLASSE_NAMEN else GEEN_SCORE
                    ),
                    "in_gebied": gebied is not None,
                    "gebied": gebied_namen.get(gebied, gebied)
                    if gebied
                    else "rest van de gemeente",
                },
            }
        )
    return uit


def _kleurschaal() -> dict[str, list[str]]:
    domein = [f"{k} {n}" for k, n in KLASSE_NAMEN.items()] + [GEEN_SCORE]
    kleuren = [*KLASSE_KLEUREN.values(), GEEN_KLEUR]
    return {"domain": domein, "range": kleuren}


def kaart(
    buurten: list[Buurt],
    lidmaatschap: Mapping[str, str],
    *,
    klassen: Mapping[str, int | None] | None = None,
    gebied_namen: Mapping[str, str] | None = None,
    titel: str = "",
    breedte: int = 420,
    hoogte: int = 380,
    legenda: bool = True,
) -> Spec:
    """One map: the area's buurten in full colour and outlined, the rest of the gemeente faded."""
    features = _features(
        rond_gebied(buurten, lidmaatschap), lidmaatschap, klassen or {}, gebied_namen or {}
    )
    kleur = veld(
        "properties.klasse_naam",
        "nominal",
        legend={"orient": "right", "symbolType": "square"} if legenda else None,
        scale=_kleurschaal(),
        title="Leefbaarometer 2024",
    )
    tooltip = [
        veld("properties.buurt", "nominal", title="Buurt"),
        veld("properties.gebied", "nominal", title="Gebied"),
        veld("properties.klasse_naam", "nominal", title="Klasse"),
    ]
    # The surroundings in neutral grey: colour is kept for the area so it stands out.
    rest = {
        "mark": {"type": "geoshape", "fill": REST_KLEUR, "stroke": "#ffffff", "strokeWidth": 0.4},
        "encoding": {"tooltip": tooltip},
        "transform": [{"filter": "!datum.properties.in_gebied"}],
    }
    gebied = {
        "mark": {"type": "geoshape", "stroke": "#222222", "strokeWidth": 0.7},
        "encoding": {"color": kleur, "tooltip": tooltip},
        "transform": [{"filter": "datum.properties.in_gebied"}],
    }
    return spec(
        {
            "layer": [rest, gebied],
            "data": {"values": features},
            "height": hoogte,
            "projection": {"type": "mercator"},
            "title": titel,
            "width": breedte,
        }
    )


def as_geojson_tekst(buurten: list[Buurt]) -> str:
    """The selection as GeoJSON text (handy for analysts and for debugging the map)."""
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": b.geometrie, "properties": {"code": b.code}}
                for b in buurten
            ],
        }
    )
