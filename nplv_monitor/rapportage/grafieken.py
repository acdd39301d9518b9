"""Charts for the report, drawn straight to inline SVG (no JS, no CDN, no renderer process).

The report holds about 300 small charts of three kinds: trend lines per comparison area,
comparison bars, and progress bars of the schemes. They used to be Vega-Lite specs rendered by
vl-convert, which cost 0.06–0.15 s per chart in its JavaScript engine (18 s of a 26 s report
step); drawn here they cost well under a millisecond each, so every build draws every chart and
nothing needs caching. The look follows the former Vega-Lite charts: Helvetica 11 px, a bold
title, light grid, the role colours below, values and axis ticks in Dutch notation via
:mod:`opmaak` (1.234,5; years never "2.018"). Every text from the data is XML-escaped.

Marks are grouped as ``<g class="mark-line">``, ``mark-symbol`` and ``mark-rect`` (the class
names Vega used), each data mark a ``<path>`` with a ``<title>`` as its hover text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

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

_TEKST = "#1b1b1b"
_AS = "#888888"
_RASTER = "#e6e6e6"
_KADER = "#dddddd"
_LABEL = 11  # px: axis labels, legend, value labels
_TITEL = 13  # px, bold
_RAND = 5  # px around the drawing


def _e(tekst: object) -> str:
    return escape(str(tekst), quote=True)


def _f(x: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros (keeps the SVG small)."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


# Advance widths of Helvetica (and Arial and Liberation Sans, metric-compatible with it) in
# 1/1000 em for the printable ASCII characters, from the font's public metrics; other characters
# (é, –, €) count as a digit. Labels are laid out with these, so they fit without a browser.
_ASCII_BREEDTES = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 "
    "556 556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 "
    "556 833 722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 "
    "556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 "
    "500 500 500 334 260 334 584"
)
_BREEDTE = {chr(32 + i): int(b) / 1000 for i, b in enumerate(_ASCII_BREEDTES.split())}
#: Bold Helvetica runs about this much wider than regular.
_VET = 1.08


def _breedte(tekst: str, grootte: float = _LABEL, vet: bool = False) -> float:
    """The width of ``tekst`` in px at ``grootte`` px in Helvetica (bold: ``vet``)."""
    em = sum(_BREEDTE.get(c, 0.556) for c in tekst)
    return em * grootte * (_VET if vet else 1.0)


def _afkappen(tekst: str, limiet: float) -> str:
    """Cut a label to ``limiet`` px with an ellipsis (Vega's labelLimit)."""
    if _breedte(tekst) <= limiet:
        return tekst
    while tekst and _breedte(tekst + "…") > limiet:
        tekst = tekst[:-1]
    return tekst.rstrip() + "…"


def as_getal(x: float) -> str:
    """An axis tick in Dutch notation, up to 4 decimals without trailing zeros (Vega's
    ``,.4~f``): 0,05 and 0, never 0,00 or 2.018 for a year."""
    tekst = opmaak.getal(x, 4)
    return tekst.rstrip("0").rstrip(",") if "," in tekst else tekst


def ticks(lo: float, hi: float, aantal: int) -> list[float]:
    """About ``aantal`` round tick values (1, 2 or 5 × 10^k apart) covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    ruw = (hi - lo) / max(aantal, 1)
    macht = 10 ** math.floor(math.log10(ruw))
    stap = next(m * macht for m in (1, 2, 5, 10) if m * macht >= ruw * 0.999)
    begin = math.ceil(lo / stap - 1e-9)
    eind = math.floor(hi / stap + 1e-9)
    return [round(i * stap, 10) for i in range(begin, eind + 1)]


def _nice(lo: float, hi: float, aantal: int) -> tuple[float, float, list[float]]:
    """Extend [lo, hi] to whole tick steps; a single value gets a little room either side."""
    if hi <= lo:
        marge = abs(lo) * 0.1 or 1.0
        lo, hi = lo - marge, hi + marge
    t = ticks(lo, hi, aantal)
    stap = t[1] - t[0] if len(t) > 1 else (hi - lo)
    lo2 = math.floor(lo / stap + 1e-9) * stap
    hi2 = math.ceil(hi / stap - 1e-9) * stap
    return lo2, hi2, ticks(lo2, hi2, aantal)


def _svg(breedte: float, hoogte: float, inhoud: list[str], titel: str) -> str:
    b, h = math.ceil(breedte), math.ceil(hoogte)
    return (
        f'<svg role="img" class="grafiek" width="{b}" height="{h}" viewBox="0 0 {b} {h}" '
        f'font-family="{LETTER}" font-size="{_LABEL}" aria-label="{_e(titel)}">'
        f'<rect width="{b}" height="{h}" fill="#ffffff"/>' + "".join(inhoud) + "</svg>"
    )


def _titel(titel: str, x: float) -> str:
    return (
        f'<text x="{_f(x)}" y="{_RAND + _TITEL}" font-size="{_TITEL}" font-weight="bold" '
        f'fill="#000000">{_e(titel)}</text>'
    )


def _y_as(
    vlak: tuple[float, float, float, float], posities: list[tuple[float, str]], titel: str
) -> list[str]:
    """Horizontal grid lines with their labels left of the plot, and the axis title rotated."""
    links, boven, breedte, hoogte = vlak
    uit = ['<g class="grafiek-as">']
    for y, label in posities:
        uit.append(
            f'<line x1="{_f(links)}" x2="{_f(links + breedte)}" y1="{_f(y)}" y2="{_f(y)}" stroke="{_RASTER}"/>'
        )
        uit.append(
            f'<text x="{_f(links - 4)}" y="{_f(y + 3.5)}" text-anchor="end" fill="{_TEKST}">{_e(label)}</text>'
        )
    if titel:
        x = _RAND + _LABEL
        y = boven + hoogte / 2
        uit.append(
            f'<text transform="translate({_f(x)},{_f(y)}) rotate(-90)" text-anchor="middle" font-weight="bold" fill="{_TEKST}">{_e(titel)}</text>'
        )
    uit.append("</g>")
    return uit


def _x_as(
    links: float, onder: float, posities: list[tuple[float, str]], titel: str, midden: float
) -> list[str]:
    uit = ['<g class="grafiek-as">']
    for x, label in posities:
        uit.append(
            f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_f(onder)}" y2="{_f(onder + 4)}" stroke="{_AS}"/>'
        )
        uit.append(
            f'<text x="{_f(x)}" y="{_f(onder + 15)}" text-anchor="middle" fill="{_TEKST}">{_e(label)}</text>'
        )
    if titel:
        uit.append(
            f'<text x="{_f(midden)}" y="{_f(onder + 31)}" text-anchor="middle" font-weight="bold" fill="{_TEKST}">{_e(titel)}</text>'
        )
    uit.append("</g>")
    return uit


def _rechthoek(x: float, y: float, b: float, h: float) -> str:
    return f"M{_f(x)},{_f(y)}h{_f(b)}v{_f(h)}h{_f(-b)}Z"


def _cirkel(x: float, y: float, r: float) -> str:
    return f"M{_f(x + r)},{_f(y)}A{_f(r)},{_f(r)},0,1,1,{_f(x - r)},{_f(y)}A{_f(r)},{_f(r)},0,1,1,{_f(x + r)},{_f(y)}"


def opmaak_eenheid(eenheid: str | None) -> str:
    e = (eenheid or "").strip()
    return "%" if opmaak.is_procent(e) else e


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
) -> str:
    """Horizontal bars: area, gemeente, rest, Nederland; colour = the class of the colour rule.

    A withheld value gets no bar but the text 'onderdrukt' where the bar would be, so it is never
    silently absent.
    """
    labels = [_afkappen(s.gebied, 180) for s in staven]
    links = _RAND + max((_breedte(t) for t in labels), default=0) + 8
    boven = _RAND + _TITEL + 10
    stap = 22
    hoogte = stap * len(staven)
    waarden = [s.waarde for s in staven if s.waarde is not None]
    lo, hi, tk = _nice(min([0.0, *waarden]), max([0.0, *waarden]), 4)
    if hi <= lo:
        hi = lo + 1

    def x(v: float) -> float:
        return links + (v - lo) / (hi - lo) * breedte

    uit = [_titel(titel, _RAND)]
    uit.extend(
        f'<line x1="{_f(x(t))}" x2="{_f(x(t))}" y1="{_f(boven)}" y2="{_f(boven + hoogte)}" stroke="{_RASTER}"/>'
        for t in tk
    )
    uit.append(
        f'<rect x="{_f(links)}" y="{_f(boven)}" width="{breedte}" height="{hoogte}" fill="none" stroke="{_KADER}"/>'
    )
    onder = boven + hoogte
    uit += _x_as(
        links,
        onder,
        [(x(t), as_getal(t)) for t in tk],
        opmaak_eenheid(eenheid),
        links + breedte / 2,
    )
    teksten_ = []
    uit.append('<g class="mark-rect">')
    for i, (s, label) in enumerate(zip(staven, labels, strict=True)):
        midden = boven + stap * i + stap / 2
        teksten_.append(
            f'<text x="{_f(links - 4)}" y="{_f(midden + 3.5)}" text-anchor="end" fill="{_TEKST}">{_e(label)}</text>'
        )
        tekst = opmaak.waarde(s.waarde, eenheid) if s.waarde is not None else s.status
        if s.waarde is not None:
            x0, x1 = sorted((x(0.0), x(s.waarde)))
            vul = NEDERLAND_STAAF if s.rol == "nederland" else s.kleur
            uit.append(
                f'<path d="{_rechthoek(x0, midden - 8, x1 - x0, 16)}" fill="{vul}" '
                f'stroke="#555555" stroke-width="0.5"><title>{_e(s.gebied)}: {_e(tekst)}</title></path>'
            )
        teksten_.append(
            f'<text x="{_f(x(max(s.waarde or 0.0, 0.0)) + 4)}" y="{_f(midden + 3.5)}" fill="{_TEKST}">{_e(tekst)}</text>'
        )
    uit.append("</g>")
    uit += teksten_
    lengste = max(
        (
            float(x(max(s.waarde or 0.0, 0.0)))
            + 4
            + _breedte(opmaak.waarde(s.waarde, eenheid) if s.waarde is not None else s.status)
            for s in staven
        ),
        default=0.0,
    )
    totaal_b = max(links + breedte, lengste, _RAND + _breedte(titel, _TITEL, vet=True)) + _RAND
    return _svg(totaal_b, onder + 31 + 4 + _RAND, uit, titel)


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
) -> str:
    """Lines per comparison area over peiljaar; the baseline year marked with a dashed rule.

    ``breuken``: peiljaren whose value is not comparable with the years before (a definition or
    territory break, ``definitiebreuk``): a dotted rule labelled "breuk" stands between such a
    year and the one before. The lines themselves are drawn per area and :attr:`Punt.reeks`, so a
    line stops at its own break and starts again after it.
    """
    geldig = [p for p in punten if p.waarde is not None]
    volgorde = list(dict.fromkeys(p.gebied for p in punten))
    kleur = {
        g: ROL_KLEUREN.get(next(p.rol for p in punten if p.gebied == g), "#777777")
        for g in volgorde
    }
    jaren = sorted({p.peiljaar for p in punten})
    waarden = [float(p.waarde) for p in geldig if p.waarde is not None]
    lo, hi, tk = _nice(min(waarden, default=0.0), max(waarden, default=1.0), 4)
    y_labels = [as_getal(t) for t in tk]
    links = (
        _RAND
        + (2 * _LABEL if opmaak_eenheid(eenheid) else 0)
        + max(_breedte(t) for t in y_labels)
        + 6
    )
    boven = _RAND + _TITEL + 12
    onder = boven + hoogte
    j0, j1 = (jaren[0] - 0.5, jaren[-1] + 0.5) if jaren else (0.0, 1.0)

    def x(j: float) -> float:
        return links + (j - j0) / (j1 - j0) * breedte

    def y(v: float) -> float:
        return onder - (v - lo) / (hi - lo) * hoogte

    uit = [_titel(titel, _RAND)]
    uit += _y_as(
        (links, boven, breedte, hoogte),
        [(y(t), lab) for t, lab in zip(tk, y_labels, strict=True)],
        opmaak_eenheid(eenheid),
    )
    uit.append(
        f'<rect x="{_f(links)}" y="{_f(boven)}" width="{breedte}" height="{hoogte}" fill="none" stroke="{_KADER}"/>'
    )
    # Year labels thinned greedily so they never overlap (Vega's labelOverlap "greedy").
    zichtbaar, rechts = [], -math.inf
    for j in jaren:
        b = _breedte(str(j))
        if x(j) - b / 2 > rechts + 3:
            zichtbaar.append((x(j), str(j)))
            rechts = x(j) + b / 2
    uit += _x_as(links, onder, zichtbaar, "peiljaar", links + breedte / 2)
    if basisjaar is not None and basisjaar in jaren:
        uit.append(
            f'<line class="grafiek-basisjaar" x1="{_f(x(basisjaar))}" x2="{_f(x(basisjaar))}" y1="{_f(boven)}" y2="{_f(onder)}" stroke="#777777" stroke-dasharray="4,3"/>'
        )
    for b in sorted(set(breuken)):
        vorige = max((j for j in jaren if j < b), default=None)
        if vorige is None:
            continue
        xb = x((b + vorige) / 2)
        uit.append(
            f'<g class="grafiek-breuk"><line x1="{_f(xb)}" x2="{_f(xb)}" y1="{_f(boven)}" y2="{_f(onder)}" stroke="#9c0006" stroke-dasharray="2,2"/>'
            f'<text x="{_f(xb)}" y="{_f(boven - 4)}" text-anchor="middle" font-size="10" fill="#9c0006">breuk</text></g>'
        )
    lijnen: dict[tuple[str, int], list[Punt]] = {}
    for p in geldig:
        lijnen.setdefault((p.gebied, p.reeks), []).append(p)
    uit.append('<g class="mark-line">')
    for (g, _), reeks in lijnen.items():
        ps = sorted(reeks, key=lambda p: p.peiljaar)
        if len(ps) < 2:
            continue
        d = "M" + "L".join(f"{_f(x(p.peiljaar))},{_f(y(float(p.waarde or 0)))}" for p in ps)
        uit.append(
            f'<path d="{d}" fill="none" stroke="{kleur[g]}" stroke-width="2"><title>{_e(g)}</title></path>'
        )
    uit.append('</g><g class="mark-symbol">')
    for p in geldig:
        w = float(p.waarde or 0)
        uit.append(
            f'<path d="{_cirkel(x(p.peiljaar), y(w), 3.6)}" fill="{kleur[p.gebied]}">'
            f"<title>{_e(p.gebied)}, {p.peiljaar}: {_e(opmaak.waarde(w, eenheid))}</title></path>"
        )
    uit.append("</g>")
    # Legend under the chart in two columns, as the Vega-Lite charts had it.
    leg_y = onder + 31 + 14
    # Columns as wide as the longest name (as Vega sized its legend columns), 120–260 px.
    kolom = max(min(max((_breedte(g) for g in volgorde), default=0) + 24, 260), 120)
    uit.append('<g class="grafiek-legenda">')
    for i, g in enumerate(volgorde):
        lx = _RAND + (i % 2) * kolom
        ly = leg_y + (i // 2) * 16
        uit.append(
            f'<path d="{_cirkel(lx + 5, ly - 4, 4.5)}" fill="{kleur[g]}"/>'
            f'<text x="{_f(lx + 14)}" y="{_f(ly)}" fill="{_TEKST}">{_e(_afkappen(g, kolom - 18))}</text>'
        )
    uit.append("</g>")
    rijen = math.ceil(len(volgorde) / 2)
    totaal_b = (
        max(links + breedte, _RAND + _breedte(titel, _TITEL, vet=True), _RAND + 2 * kolom) + _RAND
    )
    return _svg(totaal_b, leg_y + 16 * (rijen - 1) + 4 + _RAND, uit, titel)


@dataclass(frozen=True)
class Voortgang:
    label: str
    gerealiseerd: float
    doel: float
    eenheid: str


def voortgang(items: Sequence[Voortgang], *, titel: str, breedte: int = 320) -> str:
    """Realised as a share of the target (0–100%), so schemes of very different size compare;
    the absolute figures are in the label. Rows in alphabetical order of their label."""
    items = sorted(items, key=lambda v: v.label)
    labels = [_afkappen(v.label, 520) for v in items]
    links = _RAND + max((_breedte(t) for t in labels), default=0) + 8
    boven = _RAND + _TITEL + 10
    stap = 30
    onder = boven + stap * len(items)

    def x(a: float) -> float:
        return links + a * breedte

    uit = [_titel(titel, _RAND)]
    tk = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    uit.extend(
        f'<line x1="{_f(x(t))}" x2="{_f(x(t))}" y1="{_f(boven)}" y2="{_f(onder)}" stroke="{_RASTER}"/>'
        for t in tk
    )
    uit += _x_as(
        links,
        onder,
        [(x(t), f"{round(t * 100)}%") for t in tk],
        "gerealiseerd als deel van gepland of aangevraagd",
        links + breedte / 2,
    )
    grijs, donker, teksten_ = [], [], []
    rechts = links + breedte
    for i, (v, label) in enumerate(zip(items, labels, strict=True)):
        m = boven + stap * i + stap / 2
        aandeel = v.gerealiseerd / v.doel if v.doel else None
        tekst = (
            f"{opmaak.waarde(v.gerealiseerd, v.eenheid)} van {opmaak.waarde(v.doel, v.eenheid)}"
            f" ({opmaak.procent(100 * aandeel if aandeel is not None else None, 0)})"
        )
        teksten_.append(
            f'<text x="{_f(links - 4)}" y="{_f(m + 3.5)}" text-anchor="end" fill="{_TEKST}">{_e(label)}</text>'
        )
        grijs.append(f'<path d="{_rechthoek(x(0), m - 9, breedte, 18)}" fill="#dcdcdc"/>')
        if aandeel is not None:
            donker.append(
                f'<path d="{_rechthoek(x(0), m - 5, max(aandeel, 0.0) * breedte, 10)}" fill="#1f4e79"><title>{_e(v.label)}: {_e(tekst)}</title></path>'
            )
        teksten_.append(
            f'<text x="{_f(x(1) + 6)}" y="{_f(m + 3.5)}" fill="{_TEKST}">{_e(tekst)}</text>'
        )
        rechts = max(rechts, x(max(1.0, aandeel or 0)) + 6 + _breedte(tekst))
    uit += ['<g class="mark-rect">', *grijs, *donker, "</g>", *teksten_]
    totaal_b = max(rechts, _RAND + _breedte(titel, _TITEL, vet=True)) + _RAND
    return _svg(totaal_b, onder + 31 + 4 + _RAND, uit, titel)
