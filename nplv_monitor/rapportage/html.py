"""Self-contained HTML reports: one overview per edition, one per focus area.

Nothing is fetched when the file is opened: the style is inline, charts and the map are inline SVG
(altair → vl-convert), there is no script and no font download. Links are in-page anchors only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import polars as pl

from nplv_monitor import __version__
from nplv_monitor.rapportage import grafieken, kaart, opmaak, teksten, weergave
from nplv_monitor.rapportage.gegevens import (
    ACTIELIJN_NAMEN,
    ACTIELIJNEN,
    FAMILIE_NAMEN,
    Publicatie,
)

MAX_FIGUREN = 8
#: (realised maat, target maat, label): pairs the published figures give both halves of.
VOORTGANG_PAREN = [
    (
        "wbi_sbi_gestart",
        "wbi_sbi_gepland",
        "Woningbouw- en Startbouwimpuls: bouw gestart van gepland",
    ),
    (
        "vhf_toegekend",
        "vhf_aangevraagd",
        "Volkshuisvestingsfonds (derde tranche): toegekend van aangevraagd",
    ),
]
_LEGENDA = ["veel_beter", "beter", "gelijk", "slechter", "veel_slechter", "hoger", "lager", "geen"]


def _omgeving() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass
class Figuur:
    """A chart: its Vega-Lite spec, caption, and (after :func:`schrijf_html` rendered every
    figure in one batch) its inline SVG."""

    spec: grafieken.Spec
    onderschrift: str
    svg: str = ""


@dataclass(frozen=True)
class _Pagina:
    bestand: str
    template: str
    ctx: dict[str, Any]


def bestandsnaam_overzicht(editie: str) -> str:
    return f"voortgangsrapportage_{_veilig(editie)}.html"


def bestandsnaam_gebied(code: str, editie: str) -> str:
    return f"voortgangsrapportage_{_veilig(editie)}_{code}.html"


def _veilig(tekst: str) -> str:
    return re.sub(r"[^0-9A-Za-z_-]+", "-", tekst).strip("-") or "editie"


def _bron_tekst(r: dict[str, Any]) -> str:
    tabel, vermelding = str(r.get("bron_tabel") or ""), str(r.get("bron_vermelding") or "")
    if vermelding and tabel in vermelding:
        return vermelding
    return f"{tabel} ({vermelding})" if vermelding else tabel


def _bronnen(rijen: Sequence[dict[str, Any]]) -> str:
    per_bron: dict[str, set[int]] = {}
    for r in rijen:
        per_bron.setdefault(_bron_tekst(r), set()).add(int(r["peiljaar"]))
    return "; ".join(
        f"{b}, peiljaar {', '.join(str(j) for j in sorted(js))}"
        for b, js in sorted(per_bron.items())
    )


def _cel(r: dict[str, Any] | None, nl: float | None, richting: str | None) -> dict[str, str]:
    if r is None:
        return {
            "status": "ontbreekt",
            "tekst": "niet berekend",
            "titel": "geen rij in de publicatie",
            "kleur": "",
            "tekstkleur": "",
        }
    if r["status"] != "ok" or r["waarde"] is None:
        return {
            "status": r["status"],
            "tekst": r["status"],
            "titel": r.get("status_toelichting") or "",
            "kleur": "",
            "tekstkleur": "",
        }
    k = opmaak.afwijking(r["waarde"], nl, richting)
    return {
        "status": "ok",
        "tekst": opmaak.waarde(r["waarde"], r["eenheid"]),
        "titel": k.label,
        "kleur": k.kleur,
        "tekstkleur": k.tekst,
    }


def _woordkeuze_en_toelichting(r: dict[str, Any]) -> list[str]:
    """The publication's wording ('ongeveer', 'ruim') and note, without saying it twice."""
    woord, toel = r.get("woordkeuze"), r.get("toelichting")
    if woord and toel and str(woord).strip("'") in str(toel):
        return [str(toel)]
    return [str(t) for t in (woord, toel) if t]


def _actielijn(
    anker: str, rijen: list[dict[str, Any]], bron_rijen: list[dict[str, Any]], figuren: list[Figuur]
) -> dict[str, Any]:
    """One actielijn section of a page: its table rows, sources line and charts."""
    return {
        "anker": anker,
        "naam": ACTIELIJN_NAMEN[anker],
        "rijen": rijen,
        "bronnen": _bronnen(bron_rijen),
        "figuren": figuren,
    }


def _te_tonen(actielijnen: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The framework's three actielijnen always get a section (an empty one says so); the
    integraal line only when it has rows."""
    return [
        a for a in actielijnen if a["rijen"] or a["anker"] in {"fysiek", "meedoen", "veiligheid"}
    ]


def _toelichting(paren: Sequence[tuple[str, dict[str, Any] | None]]) -> str:
    """Why values are withheld or missing, grouped so one reason is said once; plus the note on
    the first (own) area's published value, which can matter (e.g. 'value of the gemeente')."""
    redenen: dict[str, list[str]] = {}
    for naam, r in paren:
        if r is None or r["status"] == "ok":
            continue
        reden = f"{r['status']}: {r.get('status_toelichting') or 'geen reden opgegeven'}"
        redenen.setdefault(reden, []).append(naam)
    delen = [f"{', '.join(namen)} {reden}" for reden, namen in redenen.items()]
    eerste = paren[0][1] if paren else None
    if eerste is not None and eerste["status"] == "ok" and eerste.get("toelichting"):
        delen.insert(0, f"{paren[0][0]}: {eerste['toelichting']}")
    return "; ".join(delen)


class _Rapport:
    def __init__(self, pub: Publicatie) -> None:
        self.pub = pub
        self.env = _omgeving()
        self.idx = {
            (r["gebied_code"], r["indicator_code"], r["peiljaar"]): r
            for r in pub.waarden.iter_rows(named=True)
        }
        self.ind = {r["indicator_code"]: r for r in pub.indicatoren.iter_rows(named=True)}
        self._buurten: list[kaart.Buurt] | None = None
        jaren: dict[tuple[str, str], list[int]] = {}
        for g, c, j in sorted(self.idx):
            jaren.setdefault((g, c), []).append(j)
        self._jaren_idx = jaren

    # -- shared pieces ------------------------------------------------------------------------
    def _basis(self, titel: str, ondertitel: str) -> dict[str, Any]:
        return {
            "titel": titel,
            "ondertitel": ondertitel,
            "versie": __version__,
            "attributie": teksten.ATTRIBUTIE,
            "licentie": teksten.LICENTIE,
            "bestand": self.pub.pad.name,
            "editie": self.pub.editie,
            "gepubliceerd": self.pub.gepubliceerd,
            "gemaakt": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "klassen": [opmaak.KLASSEN[k] for k in _LEGENDA],
        }

    def _jaren(self, gebied: str, code: str) -> list[int]:
        return self._jaren_idx.get((gebied, code), [])

    def _laatste(self, gebied: str, code: str) -> int | None:
        alle = self._jaren(gebied, code)
        ok = [j for j in alle if self.idx[(gebied, code, j)]["status"] == "ok"]
        kandidaten = ok or alle
        return kandidaten[-1] if kandidaten else None

    def _indicatoren(self, actielijn: str, families: Sequence[str]) -> list[dict[str, Any]]:
        sel = [
            i for i in self.ind.values() if i["actielijn"] == actielijn and i["familie"] in families
        ]
        volg = {f: n for n, f in enumerate(families)}
        return sorted(
            sel, key=lambda i: (volg[i["familie"]], not i.get("kern"), i["indicator_code"])
        )

    def _figuur(
        self, code: str, gebieden: Sequence[tuple[str, str, str]], titel_gebied: str
    ) -> Figuur | None:
        """Trend when there are ≥ 2 peiljaren, else comparison bars for the one peiljaar."""
        i = self.ind[code]
        hoofd = gebieden[0][0]
        jaren = self._jaren(hoofd, code)
        rijen = [
            self.idx[(g, code, j)]
            for g, _, _ in gebieden
            for j in jaren
            if (g, code, j) in self.idx
        ]
        if not rijen:
            return None
        titel = str(i["naam"])
        eenheid = i["eenheid"]
        ok_jaren = sorted(
            {r["peiljaar"] for r in rijen if r["status"] == "ok" and r["gebied_code"] == hoofd}
        )
        if len(ok_jaren) >= 2:
            punten = [
                grafieken.Punt(
                    naam, soort, r["peiljaar"], r["waarde"] if r["status"] == "ok" else None
                )
                for g, soort, naam in gebieden
                for r in rijen
                if r["gebied_code"] == g
            ]
            basisjaar = next((r["basisjaar"] for r in rijen if r.get("basisjaar")), None)
            chart: grafieken.Spec = grafieken.trend(
                punten, eenheid=eenheid, titel=titel, basisjaar=basisjaar
            )
            extra = f" Stippellijn: basisjaar {basisjaar}." if basisjaar else ""
        else:
            jaar = self._laatste(hoofd, code)
            staven = []
            for g, soort, naam in gebieden:
                r = self.idx.get((g, code, jaar)) if jaar is not None else None
                staven.append(
                    grafieken.Staaf(
                        naam,
                        soort,
                        r["waarde"] if r and r["status"] == "ok" else None,
                        r["status"] if r else "niet berekend",
                    )
                )
            chart = grafieken.vergelijking(
                staven, eenheid=eenheid, titel=titel, richting=i.get("richting")
            )
            extra = ""
        onderschrift = f"{titel_gebied}. Bron: {_bronnen(rijen)}.{extra}"
        return Figuur(chart, onderschrift)

    def _realisatie(self, gebied: str | None) -> dict[str, Any]:
        """The published scheme figures (realisatie.regelingen_cijfers), with progress charts."""
        rc = self.pub.realisatie
        if rc.height:
            if gebied is not None:
                rc = rc.filter(pl.col("gebied_code") == gebied)
            rijen = [
                self._realisatie_rij(r)
                for r in rc.sort("actielijn", "regeling", "peiljaar").iter_rows(named=True)
            ]
            voortgang = self._voortgang(rc, gebied)
        else:
            rijen, voortgang = [], None
        melding = (
            "Voor dit gebied zijn geen eigen realisatiecijfers gepubliceerd; de cijfers voor alle "
            "focusgebieden samen staan in het overzichtsrapport."
            if gebied
            else "Er staan geen realisatiecijfers van de regelingen in de publicatie."
        )
        return {"rijen": rijen, "melding": melding, "voortgang": voortgang}

    def _realisatie_rij(self, r: dict[str, Any]) -> dict[str, Any]:
        e = r["eenheid"]
        lo, hi = r.get("waarde_min"), r.get("waarde_max")
        if lo is None and hi is None:
            tekst, status = "ontbreekt", "ontbreekt"
        elif lo is not None and hi is not None and lo != hi:
            tekst, status = f"{opmaak.waarde(lo, e)} – {opmaak.waarde(hi, e)}", "ok"
        else:
            tekst, status = opmaak.waarde(lo if lo is not None else hi, e), "ok"
        toel = _woordkeuze_en_toelichting(r)
        return {
            "gebied": self.pub.gebied_naam(r["gebied_code"]),
            "actielijn": ACTIELIJN_NAMEN.get(r["actielijn"], r["actielijn"]),
            "naam": f"{r['regeling']}: {r['kenmerk']}",
            "peiljaar": f"{r.get('periode') or r['peiljaar']}",
            "waarde": tekst,
            "status": status,
            "eenheid": e,
            "toelichting": "; ".join(toel),
            "bron": str(r.get("bron") or r.get("kamerstuk") or ""),
        }

    def _voortgang(self, rc: pl.DataFrame, gebied: str | None) -> Figuur | None:
        """Realised against target, only where the publication gives both figures."""
        items, bronnen = [], set()
        per = {(r["gebied_code"], r["maat"]): r for r in rc.iter_rows(named=True)}
        for gerealiseerd, doel, label in VOORTGANG_PAREN:
            for (g, maat), r in per.items():
                d = per.get((g, doel))
                if (
                    maat != gerealiseerd
                    or d is None
                    or r["waarde_min"] is None
                    or not d["waarde_min"]
                ):
                    continue
                naam = label if gebied else f"{label} ({self.pub.gebied_naam(g)})"
                items.append(
                    grafieken.Voortgang(naam, r["waarde_min"], d["waarde_min"], r["eenheid"])
                )
                bronnen.update({str(r.get("bron") or ""), str(d.get("bron") or "")})
        for r in rc.iter_rows(named=True):
            # "17 gebieden (van N)": the publication gives the total as aantal_gebieden.
            if (
                str(r["eenheid"]).startswith("gebieden")
                and r.get("aantal_gebieden")
                and r["waarde_min"] is not None
            ):
                items.append(
                    grafieken.Voortgang(
                        f"{r['regeling']}: {r['kenmerk']}",
                        r["waarde_min"],
                        float(r["aantal_gebieden"]),
                        "gebieden",
                    )
                )
                bronnen.add(str(r.get("bron") or ""))
        if not items:
            return None
        chart = grafieken.voortgang(
            items, titel="Voortgang: gerealiseerd tegenover gepland of aangevraagd"
        )
        return Figuur(
            chart,
            "Donker: gerealiseerd; grijs: gepland, aangevraagd of totaal. Bron: "
            + "; ".join(sorted(b for b in bronnen if b))
            + ".",
        )

    # -- map ----------------------------------------------------------------------------------
    def _lidmaatschap(self) -> dict[str, str]:
        gb = self.pub.gebied_buurten
        if gb.height == 0:
            return {}
        focus = self.pub.focusgebieden()["gebied_code"].to_list()
        jaren = gb.filter(pl.col("gebied_code").is_in(focus))["indelingsjaar"].unique().to_list()
        if not jaren:
            return {}
        jaar = self._kaartjaar()
        sel = gb.filter(pl.col("gebied_code").is_in(focus) & (pl.col("indelingsjaar") == jaar))
        return dict(zip(sel["buurtcode"].to_list(), sel["gebied_code"].to_list(), strict=True))

    def _kaartjaar(self) -> int:
        jaren = self.pub.gebied_buurten["indelingsjaar"].unique().to_list()
        return kaart.PEILJAAR if kaart.PEILJAAR in jaren or not jaren else max(jaren)

    def _alle_buurten(self) -> list[kaart.Buurt]:
        if self._buurten is None:
            # gegevens.laad refuses a publication with buurt membership but without geometry,
            # so a map is only asked for when bron.leefbaarometer_buurtgeometrie was read.
            self._buurten = kaart.buurten_uit_publicatie(self.pub.buurtgeometrie or [])
        return self._buurten

    def _namen(self) -> dict[str, str]:
        return dict(
            zip(
                self.pub.gebieden["gebied_code"].to_list(),
                self.pub.gebieden["gebied_naam"].to_list(),
                strict=True,
            )
        )

    def kaart_overzicht(self) -> list[Figuur]:
        """One small map per focus area (separate SVGs: Vega-Lite would share one projection
        across concatenated views and shrink every area to a dot)."""
        lid = self._lidmaatschap()
        if not lid:
            return []
        panelen = []
        for r in self.pub.focusgebieden().iter_rows(named=True):
            eigen = {b: g for b, g in lid.items() if g == r["gebied_code"]}
            buurten = [b for b in self._alle_buurten() if b.gemeentecode == r["gemeentecode"]]
            chart = kaart.kaart(
                buurten,
                eigen,
                klassen=self.pub.lbm_klassen,
                gebied_namen=self._namen(),
                titel=str(r["gebied_naam"]),
                breedte=280,
                hoogte=230,
                legenda=False,
            )
            panelen.append(Figuur(chart, f"{len(eigen)} buurten, indeling {self._kaartjaar()}"))
        return panelen

    def kaart_gebied(self, code: str) -> Figuur | None:
        lid = {b: g for b, g in self._lidmaatschap().items() if g == code}
        if not lid:
            return None
        gm = str(self.pub.gebieden.filter(pl.col("gebied_code") == code)["gemeentecode"][0])
        buurten = [b for b in self._alle_buurten() if b.gemeentecode == gm]
        chart = kaart.kaart(
            buurten,
            lid,
            klassen=self.pub.lbm_klassen,
            gebied_namen=self._namen(),
            titel=self.pub.gebied_naam(code),
            breedte=620,
            hoogte=480,
        )
        return Figuur(
            chart,
            f"Buurten van {self.pub.gebied_naam(code)} (omlijnd) en omgeving. Bron: {kaart.BRON}, peiljaar {kaart.PEILJAAR}.",
        )

    # -- pages --------------------------------------------------------------------------------
    def overzicht(self) -> _Pagina:
        vergelijk = [
            ("alle_focusgebieden", "alle_focusgebieden", "Alle focusgebieden"),
            ("NL00", "nederland", "Nederland"),
        ]
        actielijnen = []
        for a in ACTIELIJNEN:
            rijen: list[dict[str, Any]] = []
            bron_rijen: list[dict[str, Any]] = []
            figuren: list[Figuur] = []
            for i in self._indicatoren(a, ["gebiedseffect", "context"]):
                code = i["indicator_code"]
                jaar = self._laatste("alle_focusgebieden", code)
                if jaar is None:
                    continue
                f = self.idx[("alle_focusgebieden", code, jaar)]
                nl = self.idx.get(("NL00", code, jaar))
                nlw = nl["waarde"] if nl and nl["status"] == "ok" else None
                bron_rijen.extend(r for r in (f, nl) if r)
                rijen.append(
                    {
                        "naam": i["naam"],
                        "familie": FAMILIE_NAMEN[i["familie"]].removesuffix("indicatoren"),
                        "eenheid": i["eenheid"],
                        "peiljaar": jaar,
                        "focus": _cel(f, nlw, i.get("richting")),
                        "nl": opmaak.waarde(nlw, i["eenheid"]) if nl else "niet berekend",
                        "verschil": opmaak.verschil(f.get("verschil_nederland"), i["eenheid"]),
                        "basisjaar": f.get("basisjaar") or "–",
                        "verandering": opmaak.verschil(
                            f.get("verandering_sinds_basis"), i["eenheid"]
                        ),
                        "kloof": opmaak.kloof_tekst(f.get("kloof_wordt"))
                        if f.get("basisjaar")
                        else "–",
                        "dekking": opmaak.aandeel(f.get("dekking")),
                        "toelichting": _toelichting([("Alle focusgebieden", f), ("Nederland", nl)])
                        + (
                            # N = the focus areas of this publication (its ref.gebieden)
                            f"; {f['aantal_gebieden']} van de "
                            f"{self.pub.focusgebieden().height} gebieden tellen mee"
                            if f.get("aantal_gebieden")
                            else ""
                        ),
                    }
                )
                if len(figuren) < MAX_FIGUREN and i["familie"] == "gebiedseffect":
                    fig = self._figuur(code, vergelijk, "Alle focusgebieden samen en Nederland")
                    if fig:
                        figuren.append(fig)
            actielijnen.append(_actielijn(a, rijen, bron_rijen, figuren))
        actielijnen = _te_tonen(actielijnen)
        ctx = self._basis(
            "NPLV-monitor: voortgangsrapportage, bijlage",
            f"Editie {self.pub.editie} · alle focusgebieden samen tegenover Nederland",
        )
        ctx.update(
            actielijnen=actielijnen,
            realisatie=self._realisatie(None),
            kaart=self.kaart_overzicht(),
            kaart_legenda=[
                {"kleur": kaart.KLASSE_KLEUREN[k], "label": f"{k} {n}"}
                for k, n in kaart.KLASSE_NAMEN.items()
            ],
            kaart_bron=f"Bron: {kaart.BRON}, peiljaar {kaart.PEILJAAR}; afbakening van de gebieden: ref.gebied_buurten.",
            gebied_bestanden=[
                {
                    "naam": r["gebied_naam"],
                    "bestand": bestandsnaam_gebied(r["gebied_code"], self.pub.editie),
                }
                for r in self.pub.focusgebieden().iter_rows(named=True)
            ],
        )
        return _Pagina(bestandsnaam_overzicht(self.pub.editie), "overzicht.html.j2", ctx)

    def gebied(self, code: str) -> _Pagina:
        verg = self.pub.vergelijkingen(code)
        rij = self.pub.gebieden.filter(pl.col("gebied_code") == code).row(0, named=True)
        actielijnen = []
        for a in ACTIELIJNEN:
            rijen: list[dict[str, Any]] = []
            bron_rijen: list[dict[str, Any]] = []
            figuren: list[Figuur] = []
            for i in self._indicatoren(a, ["gebiedseffect", "context"]):
                ic = i["indicator_code"]
                jaar = self._laatste(code, ic)
                if jaar is None:
                    continue
                per = [(naam, self.idx.get((g, ic, jaar))) for g, _, naam in verg]
                nl = per[-1][1]
                nlw = nl["waarde"] if nl and nl["status"] == "ok" else None
                cellen = [_cel(r, nlw, i.get("richting")) for _, r in per]
                h = per[0][1]
                assert h is not None
                bron_rijen.extend(r for _, r in per if r)
                rijen.append(
                    {
                        "naam": i["naam"],
                        "familie": FAMILIE_NAMEN[i["familie"]].removesuffix("indicatoren"),
                        "eenheid": i["eenheid"],
                        "peiljaar": jaar,
                        "cellen": cellen,
                        "percentiel": opmaak.getal(h.get("percentiel_wijken"), 0),
                        "dekking": opmaak.aandeel(h.get("dekking")),
                        "toelichting": _toelichting(per),
                    }
                )
                if len(figuren) < MAX_FIGUREN and i["familie"] == "gebiedseffect":
                    fig = self._figuur(
                        ic, verg, f"{verg[0][2]}, {verg[1][2]}, rest van de gemeente en Nederland"
                    )
                    if fig:
                        figuren.append(fig)
            actielijnen.append(_actielijn(a, rijen, bron_rijen, figuren))
        actielijnen = _te_tonen(actielijnen)
        ctx = self._basis(
            f"NPLV-monitor: {verg[0][2]}",
            f"Editie {self.pub.editie} · focusgebied in {verg[1][2]} tegenover gemeente, rest van de gemeente en Nederland",
        )
        inwoners = rij.get("inwoners_gepubliceerd_2025")
        ctx.update(
            gebied={
                "naam": verg[0][2],
                "gemeente": verg[1][2],
                "bevolking": f"Inwoners op 1 januari 2025 volgens CBS: {opmaak.getal(inwoners)}."
                if inwoners
                else "",
            },
            koppen=[n for _, _, n in verg],
            actielijnen=actielijnen,
            realisatie=self._realisatie(code),
            kaart=self.kaart_gebied(code),
        )
        return _Pagina(bestandsnaam_gebied(code, self.pub.editie), "gebied.html.j2", ctx)

    def html(self, pagina: _Pagina) -> str:
        return self.env.get_template(pagina.template).render(**pagina.ctx)


def _figuren(ctx: dict[str, Any]) -> list[Figuur]:
    """Every figure on a page (in the actielijnen, realisatie and map parts of the context)."""
    uit: list[Figuur] = []
    for a in ctx["actielijnen"]:
        uit.extend(a["figuren"])
    if ctx["realisatie"]["voortgang"] is not None:
        uit.append(ctx["realisatie"]["voortgang"])
    k = ctx["kaart"]
    uit.extend(k if isinstance(k, list) else [k] if k is not None else [])
    return uit


def schrijf_html(pub: Publicatie, map_: Path, gebied: str | None = None) -> list[Path]:
    """Write the overview (unless one area is asked for) and the area reports; return the paths.

    All pages are assembled first and their charts rendered in one batch (over all cores, see
    :mod:`weergave`); only then is any file written, each via a temporary file and a rename.
    """
    map_.mkdir(parents=True, exist_ok=True)
    rapport = _Rapport(pub)
    codes = [gebied] if gebied is not None else pub.focusgebieden()["gebied_code"].to_list()
    paginas = ([] if gebied is not None else [rapport.overzicht()]) + [
        rapport.gebied(code) for code in codes
    ]
    figuren = [f for p in paginas for f in _figuren(p.ctx)]
    for f, tekst in zip(figuren, weergave.svg_alle([f.spec for f in figuren]), strict=True):
        f.svg = tekst
    uit: list[Path] = []
    for p in paginas:
        doel = map_ / p.bestand
        tmp = doel.with_name(f".{p.bestand}.tmp")
        tmp.write_text(rapport.html(p), encoding="utf-8")
        tmp.replace(doel)
        uit.append(doel)
    return uit
