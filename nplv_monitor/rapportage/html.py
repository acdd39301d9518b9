"""HTML reports: one overview per edition, one per focus area.

Nothing is fetched when a file is opened: the style is inline, charts (grafieken.py) and maps
(kaart.py) are inline SVG drawn in Python, there is no script and no font download, and each page
carries its own figures as a CSV ``data:`` URI. Links go to in-page anchors, to the other pages of the same
folder (overview ↔ area pages ↔ the definitions on the overview), and — as plain hyperlinks, never
loaded — to a CBS table's page on StatLine.

Each page reads top-down: "In één oogopslag" (the headline gebiedseffect indicators per actielijn:
value, Nederland, gap, change since the basisjaar with the engine's verdict ``kloof_wordt``), the
actielijn tables with their trend columns and charts, then what is missing (said once, per cause,
with the route that fills it), realisatie and returns, the map, and the definitions.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import polars as pl

from nplv_monitor import __version__
from nplv_monitor.bronnen import register
from nplv_monitor.rapportage import (
    definities,
    download,
    grafieken,
    kaart,
    kleur,
    ontbrekend,
    opmaak,
    retouren,
    teksten,
)
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


def _omgeving() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True)
class Figuur:
    """A chart or map as inline SVG (grafieken.py, kaart.py) with its caption."""

    svg: str
    onderschrift: str
    indicator: str = ""  # the indicator a chart shows (data-indicator on its <figure>)


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


def _woordkeuze_en_toelichting(r: dict[str, Any]) -> list[str]:
    """The publication's wording ('ongeveer', 'ruim') and note, without saying it twice."""
    woord, toel = r.get("woordkeuze"), r.get("toelichting")
    if woord and toel and str(woord).strip("'") in str(toel):
        return [str(toel)]
    return [str(t) for t in (woord, toel) if t]


def _ok(r: dict[str, Any] | None) -> bool:
    return r is not None and r["status"] == "ok" and r["waarde"] is not None


def _jaren_tekst(jaren: set[int] | list[int]) -> str:
    js = sorted(set(jaren))
    if len(js) > 2 and js == list(range(js[0], js[-1] + 1)):
        return f"{js[0]}–{js[-1]}"
    return ", ".join(str(j) for j in js)


class _Rapport:
    def __init__(self, pub: Publicatie) -> None:
        self.pub = pub
        self.env = _omgeving()
        self.idx = pub.index
        self.ind = {r["indicator_code"]: r for r in pub.indicatoren.iter_rows(named=True)}
        self._buurten: list[kaart.Buurt] | None = None
        jaren: dict[tuple[str, str], list[int]] = {}
        for g, c, j in sorted(self.idx):
            jaren.setdefault((g, c), []).append(j)
        self._jaren_idx = jaren
        self.aantal_focus = pub.focusgebieden().height
        self.overzicht_bestand = bestandsnaam_overzicht(pub.editie)

    # -- sources --------------------------------------------------------------------------
    def bron_tekst(self, r: dict[str, Any]) -> str:
        """The exact source table of a value: the CBS table's title and id, else the engine's
        attribution (bron_vermelding) or the table/file itself."""
        tabel = str(r.get("bron_tabel") or "")
        titel = self.pub.cbs_titels.get(tabel)
        if titel:
            return f"{titel} ({tabel})"
        vermelding = str(r.get("bron_vermelding") or "")
        if vermelding and tabel in vermelding:
            return vermelding
        return f"{vermelding} ({tabel})" if vermelding else tabel

    def bronnen(self, rijen: Sequence[dict[str, Any]]) -> str:
        """'Kerncijfers wijken en buurten 2024 (85984NED), peiljaar 2024; …' for the rows given."""
        per_bron: dict[str, set[int]] = {}
        for r in rijen:
            tabel = str(r.get("bron_tabel") or "")
            # One line for all answers of the returns (each row names its question in the table).
            tekst = (
                f"retouren van de gebieden ({tabel})"
                if tabel.startswith("realisatie.retouren")
                else self.bron_tekst(r)
            )
            per_bron.setdefault(tekst, set()).add(int(r["peiljaar"]))
        return "; ".join(
            f"{b}, peiljaar {_jaren_tekst(js)}" for b, js in sorted(per_bron.items()) if b
        )

    # -- cells ----------------------------------------------------------------------------
    def cel(self, r: dict[str, Any] | None, nl: dict[str, Any] | None) -> dict[str, Any]:
        """A value cell coloured by the one colour rule (kleur.py)."""
        if r is None:
            return {
                "status": "ontbreekt",
                "tekst": "–",
                "titel": "geen rij in de publicatie",
                "kleur": "",
                "tekstkleur": "",
                "sleutel": "geen",
                "score": "",
            }
        if not _ok(r):
            return {
                "status": r["status"],
                "tekst": r["status"],
                "titel": opmaak.nl_procenten(r.get("status_toelichting") or ""),
                "kleur": "",
                "tekstkleur": "",
                "sleutel": "geen",
                "score": "",
            }
        nlw = nl["waarde"] if _ok(nl) else None  # type: ignore[index]
        o = self.pub.kleurregel.oordeel(r["indicator_code"], r["peiljaar"], r["waarde"], nlw)
        if r["gebied_soort"] == "nederland":
            o = kleur.Oordeel(kleur.KLASSEN["geen"], None, "Nederland: de maatstaf")
        return {
            "status": "ok",
            "sleutel_rij": f"{r['gebied_code']}|{r['indicator_code']}|{r['peiljaar']}",
            "tekst": opmaak.waarde(r["waarde"], r["eenheid"]),
            "titel": o.uitleg,
            "kleur": o.klasse.kleur if o.klasse.sleutel != "geen" else "",
            "tekstkleur": o.klasse.tekst if o.klasse.sleutel != "geen" else "",
            "sleutel": o.klasse.sleutel,
            "score": "" if o.score is None else repr(o.score),
        }

    def trend(self, r: dict[str, Any]) -> dict[str, Any]:
        """Basisjaar, change since then and the engine's gap verdict for one row."""
        e = r["eenheid"]
        basis = r.get("basisjaar")
        breuk = bool(r.get("definitiebreuk"))
        verandering = opmaak.verschil(r.get("verandering_sinds_basis"), e)
        if r.get("verandering_significant") is not None and r.get("verandering_sinds_basis"):
            verandering += (
                " (significant)" if r["verandering_significant"] else " (niet significant)"
            )
        richting = (self.ind.get(r["indicator_code"]) or {}).get("richting")
        kant = opmaak.kloof_kant(r.get("verschil_nederland"), richting)
        kloof = opmaak.kloof_tekst(r.get("kloof_wordt"), kant) if basis else "–"
        sleutel = opmaak.kloof_waardering(r.get("kloof_wordt"), kant)
        if r.get("gebied_soort") == "nederland":
            kloof, sleutel = "–", ""
        return {
            "basisjaar": basis or "–",
            "verandering": verandering,
            "kloof": kloof,
            "kloof_sleutel": sleutel,
            "breuk": breuk,
        }

    def noot(self, r: dict[str, Any]) -> str:
        """What a reader must know about one value: whose value it is, how many areas it counts."""
        delen = []
        niveau = r.get("waarde_niveau")
        if niveau and niveau != "gebied":
            delen.append(f"waarde van de {niveau}, niet van het gebied zelf")
        if r.get("gebied_soort") == "alle_focusgebieden" and r.get("aantal_gebieden"):
            # Said where it matters: a figure summed over the returns received, or one that does
            # not count every focus area ("20 van 20" on every row would only be noise).
            totaal = r.get("aantal_gebieden_totaal") or self.aantal_focus
            uit_retouren = str(r.get("bron_tabel") or "").startswith("realisatie.retouren")
            if uit_retouren or r["aantal_gebieden"] < totaal:
                delen.append(f"{r['aantal_gebieden']} van {totaal} gebieden")
        if r.get("definitiebreuk"):
            tekst = f"definitiebreuk: verandering en kloof gemeten vanaf {r.get('basisjaar')}"
            if r.get("territorium_peiljaar") and r.get("territorium_basis"):
                tekst += (
                    f" ({r['territorium_peiljaar']}; het oorspronkelijke basisjaar besloeg "
                    f"{r['territorium_basis']})"
                )
            delen.append(tekst)
        if r.get("marge") is not None:
            delen.append(f"marge ± {opmaak.waarde(r['marge'], r['eenheid'])}")
        if r.get("toelichting") and r.get("familie") == "gebiedsrealisatie":
            delen.append(str(r["toelichting"]))
        return "; ".join(delen)

    # -- selection ------------------------------------------------------------------------
    def jaren(self, gebied: str, code: str) -> list[int]:
        return self._jaren_idx.get((gebied, code), [])

    def laatste_ok(self, gebied: str, code: str) -> int | None:
        ok = [j for j in self.jaren(gebied, code) if _ok(self.idx[(gebied, code, j)])]
        return ok[-1] if ok else None

    def indicatoren(self, actielijn: str | None, families: Sequence[str]) -> list[dict[str, Any]]:
        sel = [
            i
            for i in self.ind.values()
            if (actielijn is None or i["actielijn"] == actielijn) and i["familie"] in families
        ]
        volg = {f: n for n, f in enumerate(families)}
        return sorted(sel, key=lambda i: (volg[i["familie"]], str(i["naam"])))

    def ontbrekend(self, gebied: str, families: Sequence[str]) -> list[ontbrekend.Oorzaak]:
        """Indicators without a published value for ``gebied`` (at all, or in their newest
        peiljaar), each once, grouped per cause."""
        rijen = []
        for a in ACTIELIJNEN:
            for i in self.indicatoren(a, families):
                code = i["indicator_code"]
                jaren = self.jaren(gebied, code)
                if not jaren:
                    continue
                laatste = self.idx[(gebied, code, jaren[-1])]
                if _ok(laatste):
                    continue
                ok = self.laatste_ok(gebied, code)
                label = f"{i['naam']} ({laatste['peiljaar']}"
                label += f"; wel {ok})" if ok else ")"
                rijen.append((label, laatste))
        return ontbrekend.groepeer(rijen)

    # -- figures --------------------------------------------------------------------------
    def figuur(
        self, code: str, gebieden: Sequence[tuple[str, str, str]], wie: str
    ) -> Figuur | None:
        """A trend when the page's own area has ≥ 2 peiljaren with a value, comparison bars when it
        has one; no figure at all without a value (never an empty chart)."""
        i = self.ind[code]
        hoofd = gebieden[0][0]
        eenheid = i["eenheid"]
        ok_jaren = [j for j in self.jaren(hoofd, code) if _ok(self.idx[(hoofd, code, j)])]
        if not ok_jaren:
            return None
        if len(ok_jaren) >= 2:
            rijen = [
                self.idx[(g, code, j)]
                for g, _, _ in gebieden
                for j in self.jaren(hoofd, code)
                if (g, code, j) in self.idx and _ok(self.idx[(g, code, j)])
            ]
            punten: list[grafieken.Punt] = []
            breuken: set[int] = set()
            for g, soort, naam in gebieden:
                reeks = _reeksen([r for r in rijen if r["gebied_code"] == g])
                punten.extend(
                    grafieken.Punt(naam, soort, r["peiljaar"], r["waarde"], n) for r, n in reeks
                )
                breuken |= {
                    r["peiljaar"]
                    for (r, n), (_, v) in zip(reeks[1:], reeks, strict=False)
                    if n != v
                }
            eigen = [self.idx[(hoofd, code, j)] for j in ok_jaren]
            basisjaar = next((r["basisjaar"] for r in reversed(eigen) if r.get("basisjaar")), None)
            titel = f"{i['naam']}, {ok_jaren[0]}–{ok_jaren[-1]}"
            chart = grafieken.trend(
                punten, eenheid=eenheid, titel=titel, basisjaar=basisjaar, breuken=sorted(breuken)
            )
            extra = f" Stippellijn: basisjaar {basisjaar}." if basisjaar else ""
            if breuken:
                extra += (
                    f" Rode stippellijn: definitiebreuk vóór {', '.join(map(str, sorted(breuken)))} "
                    "(ander grondgebied of andere definitie); de lijn is daar onderbroken."
                )
        else:
            jaar = ok_jaren[-1]
            rijen = []
            staven = []
            nl = self.idx.get(("NL00", code, jaar))
            for g, soort, naam in gebieden:
                r = self.idx.get((g, code, jaar))
                if _ok(r):
                    assert r is not None
                    rijen.append(r)
                staven.append(
                    grafieken.Staaf(
                        naam,
                        soort,
                        r["waarde"] if r is not None and _ok(r) else None,
                        r["status"] if r else "niet berekend",
                        kleur=self.cel(r, nl)["kleur"] or "#ffffff",
                    )
                )
            titel = f"{i['naam']}, {jaar}"
            chart = grafieken.vergelijking(staven, eenheid=eenheid, titel=titel)
            extra = ""
        onderschrift = f"{wie}. Bron: {self.bronnen(rijen)}.{extra}"
        return Figuur(chart, onderschrift, indicator=code)

    # -- scorecard ------------------------------------------------------------------------
    def oogopslag(self, gebied: str, naam: str) -> list[dict[str, Any]]:
        """Per actielijn the headline gebiedseffect indicators (teksten.KERNINDICATOREN) with a
        published value for ``gebied``."""
        blokken = []
        for a, codes in teksten.KERNINDICATOREN.items():
            rijen: list[dict[str, Any]] = []
            for code in codes:
                if code not in self.ind or len(rijen) >= teksten.MAX_KERN:
                    continue
                jaar = self.laatste_ok(gebied, code)
                if jaar is None:
                    continue
                r = self.idx[(gebied, code, jaar)]
                nl = self.idx.get(("NL00", code, jaar))
                rijen.append(
                    {
                        "naam": self.ind[code]["naam"],
                        "anker": definities.anker(code),
                        "peiljaar": jaar,
                        "cel": self.cel(r, nl),
                        "nl": opmaak.waarde(nl["waarde"], nl["eenheid"]) if _ok(nl) else "–",  # type: ignore[index]
                        "verschil": opmaak.verschil(r.get("verschil_nederland"), r["eenheid"]),
                        **self.trend(r),
                        "noot": self.noot(r),
                    }
                )
            blokken.append(
                {
                    "anker": a,
                    "naam": ACTIELIJN_NAMEN[a],
                    "rijen": rijen,
                    "leeg": f"Geen gepubliceerde kernindicator voor {naam}; zie Ontbrekende "
                    "gegevens voor de reden.",
                }
            )
        return blokken

    # -- actielijn tables -----------------------------------------------------------------
    def actielijnen(self, verg: Sequence[tuple[str, str, str]], wie: str) -> list[dict[str, Any]]:
        """Per actielijn: a row per indicator with a published value for the page's area (the
        others are in the missing-data section), and charts of the gebiedseffect indicators."""
        hoofd = verg[0][0]
        uit = []
        for a in ACTIELIJNEN:
            rijen: list[dict[str, Any]] = []
            getoond: list[dict[str, Any]] = []
            figuren: list[Figuur] = []
            for i in self.indicatoren(a, ["gebiedseffect", "context"]):
                code = i["indicator_code"]
                jaar = self.laatste_ok(hoofd, code)
                if jaar is None:
                    continue
                per = [self.idx.get((g, code, jaar)) for g, _, _ in verg]
                nl = self.idx.get(("NL00", code, jaar))
                h = per[0]
                assert h is not None
                getoond.extend(r for r in per if _ok(r))  # type: ignore[misc]
                rijen.append(
                    {
                        "naam": i["naam"],
                        "anker": definities.anker(code),
                        "familie": FAMILIE_NAMEN[i["familie"]].removesuffix("indicatoren"),
                        "eenheid": i["eenheid"],
                        "peiljaar": jaar,
                        "cellen": [self.cel(r, nl) for r in per],
                        "percentiel": opmaak.getal(h.get("percentiel_wijken"), 0),
                        "dekking": opmaak.aandeel(h.get("dekking")),
                        "verschil": opmaak.verschil(h.get("verschil_nederland"), i["eenheid"]),
                        **self.trend(h),
                        "noot": self.noot(h),
                        "reden": "; ".join(
                            f"{naam}: {r['status']} "
                            f"({opmaak.nl_procenten(r.get('status_toelichting') or '')})"
                            for (_, _, naam), r in zip(verg, per, strict=True)
                            if r is not None and not _ok(r)
                        ),
                    }
                )
                if len(figuren) < MAX_FIGUREN and i["familie"] == "gebiedseffect":
                    fig = self.figuur(code, verg, wie)
                    if fig:
                        figuren.append(fig)
            uit.append(
                {
                    "anker": a,
                    "naam": ACTIELIJN_NAMEN[a],
                    "rijen": rijen,
                    "bronnen": self.bronnen(getoond),
                    "figuren": figuren,
                }
            )
        return [x for x in uit if x["rijen"] or x["anker"] in {"fysiek", "meedoen", "veiligheid"}]

    # -- realisatie -----------------------------------------------------------------------
    def gebiedsrealisatie(self, gebied: str) -> dict[str, Any]:
        """The gebiedsrealisatie indicators of ``gebied`` with a value (per indicator its newest
        peiljaar), their sources, and 'n van 20 gebieden' where the value counts areas."""
        rijen, bron = [], []
        for i in self.indicatoren(None, ["gebiedsrealisatie"]):
            code = i["indicator_code"]
            jaren = self.jaren(gebied, code)
            ok = [j for j in jaren if self.idx[(gebied, code, j)]["status"] == "ok"]
            if not ok:
                continue
            r = self.idx[(gebied, code, ok[-1])]
            e = r["eenheid"]
            if r["waarde"] is not None:
                tekst = opmaak.waarde(r["waarde"], e)
            elif r.get("waarde_min") is not None:
                tekst = f"{opmaak.waarde(r['waarde_min'], e)} – {opmaak.waarde(r['waarde_max'], e)}"
            else:
                continue
            bron.append(r)
            rijen.append(
                {
                    "naam": i["naam"],
                    "anker": definities.anker(code),
                    "actielijn": ACTIELIJN_NAMEN.get(i["actielijn"], i["actielijn"]),
                    "peiljaar": r["peiljaar"],
                    "waarde": tekst,
                    "eenheid": e,
                    "noot": self.noot(r),
                    "bron": self.bron_tekst(r),
                }
            )
        return {"rijen": rijen, "bronnen": self.bronnen(bron)}

    def realisatie(self, gebied: str | None) -> dict[str, Any]:
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
            "Voor dit gebied zijn geen eigen cijfers van de regelingen gepubliceerd; de cijfers voor "
            "alle focusgebieden samen staan in het overzicht."
            if gebied
            else "Er staan geen realisatiecijfers van de regelingen in de publicatie."
        )
        return {
            "rijen": rijen,
            "melding": melding,
            "voortgang": voortgang,
            "peiljaren": _jaren_tekst({int(r["peiljaar"]) for r in rc.iter_rows(named=True)})
            if rc.height
            else "",
        }

    def _realisatie_rij(self, r: dict[str, Any]) -> dict[str, Any]:
        e = r["eenheid"]
        lo, hi = r.get("waarde_min"), r.get("waarde_max")
        if lo is None and hi is None:
            tekst, status = "ontbreekt", "ontbreekt"
        elif lo is not None and hi is not None and lo != hi:
            tekst, status = f"{opmaak.waarde(lo, e)} – {opmaak.waarde(hi, e)}", "ok"
        else:
            tekst, status = opmaak.waarde(lo if lo is not None else hi, e), "ok"
        return {
            "gebied": self.pub.gebied_naam(r["gebied_code"]),
            "actielijn": ACTIELIJN_NAMEN.get(r["actielijn"], r["actielijn"]),
            "naam": f"{r['regeling']}: {r['kenmerk']}",
            "peiljaar": f"{r.get('periode') or r['peiljaar']}",
            "waarde": tekst,
            "status": status,
            "eenheid": e,
            "toelichting": "; ".join(_woordkeuze_en_toelichting(r)),
            "bron": str(r.get("bron") or r.get("kamerstuk") or ""),
        }

    def _voortgang(self, rc: pl.DataFrame, gebied: str | None) -> Figuur | None:
        """Realised against target, only where the publication gives both figures."""
        items, bronnen, jaren = [], set(), set()
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
                jaren.update({int(r["peiljaar"]), int(d["peiljaar"])})
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
                jaren.add(int(r["peiljaar"]))
        if not items:
            return None
        chart = grafieken.voortgang(
            items, titel=f"Voortgang van de regelingen, stand {_jaren_tekst(jaren)}"
        )
        return Figuur(
            chart,
            "Donker: gerealiseerd; grijs: gepland, aangevraagd of totaal. Bron: "
            + "; ".join(sorted(b for b in bronnen if b))
            + f", peiljaar {_jaren_tekst(jaren)}.",
        )

    # -- returns --------------------------------------------------------------------------
    def retour_gebied(self, code: str) -> dict[str, Any]:
        """The area's own return: its state in the tracker and its answers in force."""
        stand = self.pub.retourstand
        if stand is None:
            return {"stand": None, "antwoorden": [], "jaar": None}
        g = stand.van(code)
        antwoorden = [
            {
                "nummer": a.vraag_id,
                "onderdeel": a.onderdeel,
                "vraag": a.vraag,
                "antwoord": _antwoord_tekst(a),
                "eenheid": a.eenheid if a.soort not in {"tekst", "oordeel"} else "",
                "toelichting": a.toelichting or "",
            }
            for a in stand.antwoorden.get(code, [])
        ]
        return {
            "stand": None
            if g is None
            else {
                "status": retouren.STATUS_TEKST[g.status],
                "sleutel": g.status,
                "toelichting": g.toelichting(),
            },
            "antwoorden": antwoorden,
            "jaar": stand.jaar,
        }

    def retour_volger(self) -> dict[str, Any] | None:
        stand = self.pub.retourstand
        if stand is None:
            return None
        return {
            "samenvatting": stand.samenvatting(),
            "rijen": [
                {
                    "naam": g.gebied_naam,
                    "bestand": bestandsnaam_gebied(g.gebied_code, self.pub.editie),
                    "status": retouren.STATUS_TEKST[g.status],
                    "sleutel": g.status,
                    "toelichting": g.toelichting(),
                }
                for g in stand.gebieden
            ],
            "los": [
                f"{a.bestand}, ontvangen {retouren.moment(a.ontvangen_op)}: {a.reden}"
                for a in stand.niet_toe_te_wijzen
            ],
            "jaar": stand.jaar,
        }

    # -- map ------------------------------------------------------------------------------
    # Membership and map year are the same for all 40 maps of a report: computed once.
    @functools.cached_property
    def _lidmaatschap(self) -> dict[str, str]:
        gb = self.pub.gebied_buurten
        if gb.height == 0:
            return {}
        focus = self.pub.focusgebieden()["gebied_code"].to_list()
        jaar = self._kaartjaar
        sel = gb.filter(pl.col("gebied_code").is_in(focus) & (pl.col("indelingsjaar") == jaar))
        return dict(zip(sel["buurtcode"].to_list(), sel["gebied_code"].to_list(), strict=True))

    @functools.cached_property
    def _kaartjaar(self) -> int:
        jaren = self.pub.gebied_buurten["indelingsjaar"].unique().to_list()
        return kaart.PEILJAAR if kaart.PEILJAAR in jaren or not jaren else max(jaren)

    def _alle_buurten(self) -> list[kaart.Buurt]:
        if self._buurten is None:
            # gegevens.laad refuses a publication with buurt membership but without geometry,
            # so a map is only asked for when bron.leefbaarometer_buurtgeometrie was read.
            self._buurten = kaart.buurten_uit_publicatie(self.pub.buurtgeometrie or [])
        return self._buurten

    @functools.cached_property
    def _vakken(self) -> dict[str, tuple[float, float, float, float] | None]:
        return kaart.vakken(self._alle_buurten())

    def _kaart_svg(self, code: str, breedte: int, max_hoogte: int) -> tuple[str, dict[str, str]]:
        lid = {b: g for b, g in self._lidmaatschap.items() if g == code}
        if not lid:
            return "", lid
        gm = str(self.pub.gebieden.filter(pl.col("gebied_code") == code)["gemeentecode"][0])
        buurten = [b for b in self._alle_buurten() if b.gemeentecode == gm]
        svg = kaart.kaart_svg(
            buurten,
            lid,
            klassen=self.pub.lbm_klassen,
            inwoners=self.pub.inwoners,
            titel=f"Buurten van {self.pub.gebied_naam(code)} naar Leefbaarometer-klasse "
            f"{kaart.PEILJAAR}",
            breedte=breedte,
            max_hoogte=max_hoogte,
            vakken=self._vakken,
        )
        return svg, lid

    def _kaart_bron(self) -> str:
        # the table id comes from the source registry, its one owner
        tabel = register.kwb_tabel_id(2024)
        return (
            f"Bron: {kaart.BRON}, peiljaar {kaart.PEILJAAR}; inwoners per buurt: CBS "
            f"{self.pub.cbs_titels.get(tabel, 'Kerncijfers wijken en buurten 2024')} "
            f"({tabel}), peiljaar 2024; afbakening: ref.gebied_buurten, indeling "
            f"{self._kaartjaar}"
        )

    def kaart_overzicht(self) -> list[Figuur]:
        """One small map per focus area, each cut to its own area."""
        panelen = []
        for r in self.pub.focusgebieden().iter_rows(named=True):
            svg, lid = self._kaart_svg(r["gebied_code"], 280, 240)
            if not svg:
                continue
            # The full attribution is under the maps once; each caption names its source short.
            panelen.append(
                Figuur(
                    svg,
                    f"{r['gebied_naam']}: {len(lid)} buurten. Bron: Leefbaarometer 3.0, "
                    f"peiljaar {kaart.PEILJAAR}.",
                )
            )
        return panelen

    def kaart_gebied(self, code: str) -> tuple[Figuur | None, list[dict[str, str]]]:
        svg, lid = self._kaart_svg(code, 640, 560)
        if not svg:
            return None, []
        per_code = {b.code: b for b in self._alle_buurten()}
        tabel = []
        for bu in sorted(lid):
            b = per_code.get(bu)
            k = kaart.klasse_van(
                self.pub.lbm_klassen.get(bu),
                self.pub.inwoners.get(bu),
                kaart.oppervlakte_km2(b.geometrie) if b else None,
            )
            inw = self.pub.inwoners.get(bu)
            tabel.append(
                {
                    "code": bu,
                    "naam": b.naam if b else "(geen Leefbaarometer-geometrie)",
                    "inwoners": opmaak.getal(inw) if inw is not None else "–",
                    "klasse": k.label,
                    "kleur": k.kleur,
                }
            )
        fig = Figuur(
            svg,
            f"Buurten van {self.pub.gebied_naam(code)} (zwart omlijnd) en de buurten van de gemeente "
            f"eromheen (grijs); beweeg over een buurt voor naam en klasse. {self._kaart_bron()}.",
        )
        return fig, tabel

    # -- definitions and downloads --------------------------------------------------------
    def definities(self) -> list[dict[str, Any]]:
        gebruikt: dict[str, set[str]] = {}
        for (_, code, _), r in self.idx.items():
            if r.get("bron_tabel"):
                gebruikt.setdefault(code, set()).add(str(r["bron_tabel"]))
        uit = []
        for a in ACTIELIJNEN:
            for i in self.indicatoren(a, ["gebiedseffect", "context", "gebiedsrealisatie"]):
                d = definities.definitie(
                    i, self.pub.cbs_titels, gebruikt.get(i["indicator_code"], set())
                )
                uit.append({"d": d, "actielijn": ACTIELIJN_NAMEN[a]})
        return uit

    def csv(self, gebieden: Sequence[str], naam: str) -> dict[str, str]:
        w = self.pub.waarden.filter(pl.col("gebied_code").is_in(list(gebieden))).sort(
            "gebied_code", "indicator_code", "peiljaar"
        )
        tekst = download.csv_tekst(w, download.kolommen_van(w.columns))
        return {
            "uri": download.data_uri(tekst),
            "bestand": naam,
            "rijen": opmaak.getal(w.height),
        }

    # -- pages ----------------------------------------------------------------------------
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
            "klassen": [kleur.KLASSEN[k] for k in kleur.LEGENDA_VOLGORDE],
            "legenda": kleur.LEGENDA,
            "overzicht": self.overzicht_bestand,
            "kaart_legenda": [
                {"kleur": kaart.KLASSE_KLEUREN[k], "label": f"{k} {n}"}
                for k, n in kaart.KLASSE_NAMEN.items()
            ],
            "kaart_geen": kaart.GEEN_KLEUR,
            "kaart_rest": kaart.REST_KLEUR,
        }

    def overzicht(self) -> _Pagina:
        verg = [
            ("alle_focusgebieden", "alle_focusgebieden", "Alle focusgebieden"),
            ("NL00", "nederland", "Nederland"),
        ]
        ctx = self._basis(
            "NPLV-monitor: voortgangsrapportage, bijlage",
            f"Editie {self.pub.editie} · alle focusgebieden samen tegenover Nederland",
        )
        ctx.update(
            oogopslag=self.oogopslag("alle_focusgebieden", "alle focusgebieden samen"),
            koppen=[n for _, _, n in verg],
            actielijnen=self.actielijnen(verg, "Alle focusgebieden samen en Nederland"),
            ontbrekend=self.ontbrekend("alle_focusgebieden", ["gebiedseffect", "context"]),
            gebiedsrealisatie=self.gebiedsrealisatie("alle_focusgebieden"),
            realisatie=self.realisatie(None),
            retouren=self.retour_volger(),
            kaart=self.kaart_overzicht(),
            kaart_bron=self._kaart_bron(),
            gebied_bestanden=[
                {
                    "naam": r["gebied_naam"],
                    "bestand": bestandsnaam_gebied(r["gebied_code"], self.pub.editie),
                }
                for r in self.pub.focusgebieden().iter_rows(named=True)
            ],
            definities=self.definities(),
            csv=self.csv(
                ["alle_focusgebieden", "NL00"],
                f"nplv_monitor_{_veilig(self.pub.editie)}_alle_focusgebieden.csv",
            ),
        )
        return _Pagina(self.overzicht_bestand, "overzicht.html.j2", ctx)

    def gebied(self, code: str) -> _Pagina:
        verg = self.pub.vergelijkingen(code)
        rij = self.pub.gebieden.filter(pl.col("gebied_code") == code).row(0, named=True)
        naam = verg[0][2]
        ctx = self._basis(
            f"NPLV-monitor: {naam}",
            f"Editie {self.pub.editie} · focusgebied in {verg[1][2]} tegenover gemeente, rest van "
            "de gemeente en Nederland",
        )
        inwoners = rij.get("inwoners_gepubliceerd_2025")
        kaart_fig, buurten = self.kaart_gebied(code)
        ctx.update(
            gebied={
                "naam": naam,
                "gemeente": verg[1][2],
                "bevolking": f"Inwoners op 1 januari 2025 volgens CBS: {opmaak.getal(inwoners)}."
                if inwoners
                else "",
            },
            oogopslag=self.oogopslag(code, naam),
            koppen=[n for _, _, n in verg],
            actielijnen=self.actielijnen(
                verg, f"{naam}, {verg[1][2]}, rest van de gemeente en Nederland"
            ),
            ontbrekend=self.ontbrekend(code, ["gebiedseffect", "context"]),
            gebiedsrealisatie=self.gebiedsrealisatie(code),
            retour=self.retour_gebied(code),
            realisatie=self.realisatie(code),
            kaart=kaart_fig,
            buurten=buurten,
            csv=self.csv(
                [g for g, _, _ in verg], f"nplv_monitor_{_veilig(self.pub.editie)}_{code}.csv"
            ),
        )
        return _Pagina(bestandsnaam_gebied(code, self.pub.editie), "gebied.html.j2", ctx)

    def html(self, pagina: _Pagina) -> str:
        return self.env.get_template(pagina.template).render(**pagina.ctx)


def _reeksen(rijen: Sequence[dict[str, Any]]) -> list[tuple[dict[str, Any], int]]:
    """One area's rows in peiljaar order, each with the number of its comparable stretch.

    Rows on a territory or definition not comparable with the original basisjaar carry
    ``definitiebreuk`` and the basisjaar of their own stretch (the engine moves it to the first
    peiljaar after the break): a new stretch starts wherever that pair changes.
    """
    uit: list[tuple[dict[str, Any], int]] = []
    vorige: tuple[bool, Any] | None = None
    n = 0
    for r in sorted(rijen, key=lambda r: r["peiljaar"]):
        sleutel = (
            bool(r.get("definitiebreuk")),
            r.get("basisjaar") if r.get("definitiebreuk") else None,
        )
        if vorige is not None and sleutel != vorige:
            n += 1
        vorige = sleutel
        uit.append((r, n))
    return uit


def _antwoord_tekst(a: retouren.Antwoord) -> str:
    if a.soort == "tekst":
        return a.tekst or "–"
    if a.waarde is None:
        return "–"
    if a.soort == "oordeel":
        return f"{opmaak.getal(a.waarde)}" + (f" ({a.oordeel_label})" if a.oordeel_label else "")
    if a.soort == "percentage":
        return opmaak.procent(a.waarde, 0 if float(a.waarde).is_integer() else 1)
    return opmaak.getal(a.waarde, 0 if float(a.waarde).is_integer() else 1)


def schrijf_html(pub: Publicatie, map_: Path, gebied: str | None = None) -> list[Path]:
    """Write the overview (unless one area is asked for) and the area reports; return the paths.

    All pages are assembled (charts and maps drawn as SVG on the way) before any file is
    written, each via a temporary file and a rename.
    """
    map_.mkdir(parents=True, exist_ok=True)
    rapport = _Rapport(pub)
    codes = [gebied] if gebied is not None else pub.focusgebieden()["gebied_code"].to_list()
    paginas = ([] if gebied is not None else [rapport.overzicht()]) + [
        rapport.gebied(code) for code in codes
    ]
    uit: list[Path] = []
    for p in paginas:
        doel = map_ / p.bestand
        tmp = doel.with_name(f".{p.bestand}.tmp")
        tmp.write_text(rapport.html(p), encoding="utf-8")
        tmp.replace(doel)
        uit.append(doel)
    return uit
