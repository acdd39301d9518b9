"""The Excel workbook of the voortgangsrapportage (XlsxWriter).

Layout of every data sheet: a title row, a reading note, the colour legend, a row with the machine
codes of the areas (so an analyst — and the tests — can tie every cell back to
``monitor.indicatorwaarden``), the header row with autofilter, then one row per indicator and
peiljaar. Unit, peiljaar and source are columns of their own on every row because one sheet mixes
units; values stay numbers (Excel shows them in the reader's locale: 1.234,5), withheld values are
the word 'onderdrukt'/'ontbreekt'.

- Number formats per indicator: as many decimals as the source publishes
  (``monitor.indicatoren.precisie``: 0,0005 → three, so a Leefbaarometer difference −0,164 never
  shows as −0,2), at least one for percentages (an area's share is an average of buurten);
  differences carry a sign and, for percentages, the unit "%-punt".
- Colour: the one rule of :mod:`nplv_monitor.rapportage.kleur` (as in the HTML), with the class in
  words in the column "Ligging t.o.v. Nederland" (print and colour blindness lose the colour).
- Missing data is said once per cause: the row says "oorzaak N", the block under the table gives
  each cause once with the indicators it affects.
- Area sheets end with the area's own realisatie figures and its return of the uitvraag; the sheet
  "Retouren" is the return tracker (:mod:`nplv_monitor.rapportage.retouren`).
- Every sheet prints on A4 landscape, fitted to the page width, header rows repeated.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from nplv_monitor.rapportage import kleur, opmaak, retouren, teksten
from nplv_monitor.rapportage.gegevens import (
    ACTIELIJN_NAMEN,
    ACTIELIJNEN,
    FAMILIE_NAMEN,
    Publicatie,
)

#: Row (0-based) of the legend, of the area codes, of the header, and the first data row.
LEGENDA_RIJ = 2
CODE_RIJ = 3
KOP_RIJ = 4
EERSTE_RIJ = 5
CODE_LABEL = "gebied_code →"

#: Headers the tests (and analysts' own formulas) look up by name.
KOP_LIGGING = "Ligging t.o.v. Nederland"
KOP_KLOOF = "Kloof"
KOP_BASISJAAR = "Basisjaar"
KOP_VERANDERING = "Verandering sinds basisjaar"
KOP_VERANDERING_VERSCHIL = "Verandering verschil met Nederland"
KOP_VERSCHIL = "Verschil met Nederland"
KOP_GEBIEDEN = "Aantal focusgebieden"
#: Title cells of the blocks under an area's table.
BLOK_OORZAKEN = "Ontbrekende gegevens per oorzaak"
BLOK_REALISATIE = "Gebiedsrealisatie van dit gebied"
BLOK_RETOUR = "Retour op de uitvraag"
RETOUREN_BLAD = "Retouren"
A4 = 9  # XlsxWriter paper index


@dataclass(frozen=True)
class Kolom:
    kop: str
    breedte: float
    gebied_code: str | None = None  # value column of this area


class _Formaten:
    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.titel = wb.add_format({"bold": True, "font_size": 14})
        self.blok = wb.add_format({"bold": True, "font_size": 12, "font_color": "#1f4e79"})
        self.noot = wb.add_format({"italic": True, "font_color": "#555555", "text_wrap": False})
        self.code = wb.add_format({"font_color": "#888888", "font_size": 8})
        self.kop = wb.add_format(
            {
                "bold": True,
                "bg_color": "#1f4e79",
                "font_color": "#ffffff",
                "text_wrap": True,
                "valign": "top",
                "border": 1,
            }
        )
        self.tekst = wb.add_format({"valign": "top"})
        self.omloop = wb.add_format({"text_wrap": True, "valign": "top"})
        self.jaar = wb.add_format({"num_format": "0", "align": "left", "valign": "top"})
        self.geheel = wb.add_format({"num_format": "#,##0", "valign": "top"})
        self.aandeel = wb.add_format({"num_format": "0.0%", "valign": "top"})
        self.status = wb.add_format(
            {"italic": True, "font_color": "#9c0006", "bg_color": "#f2f2f2", "valign": "top"}
        )
        self.link = wb.add_format({"font_color": "#1f4e79", "underline": 1})
        self.moment = wb.add_format({"num_format": "yyyy-mm-dd hh:mm", "align": "left"})
        self._cache: dict[tuple[str, str | None, bool], Format] = {}

    def getal(
        self, num_format: str, klasse: kleur.Klasse | None = None, *, omloop: bool = False
    ) -> Format:
        """A number format, with the background of a colour class when given (cached)."""
        sleutel = (num_format, None if klasse is None else klasse.sleutel, omloop)
        if sleutel not in self._cache:
            eigen: dict[str, Any] = {"num_format": num_format, "valign": "top"}
            if klasse is not None and klasse.sleutel != "geen":
                eigen |= {"bg_color": klasse.kleur, "font_color": klasse.tekst}
            if omloop:
                eigen["text_wrap"] = True
            self._cache[sleutel] = self.wb.add_format(eigen)
        return self._cache[sleutel]


# -- number formats per unit ----------------------------------------------------------------------


def _is_euro(eenheid: str | None) -> bool:
    e = (eenheid or "").strip().lower()
    return e in {"euro", "€", "eur"} or e.startswith("euro ")


def decimalen(
    eenheid: str | None, regel: kleur.Indicatorregel | None, voorbeeld: float | None = None
) -> int:
    """Decimals of an indicator's values: the source's precision (monitor.indicatoren.precisie),
    at least one for percentages; without a precision the report's default by unit."""
    d = regel.decimalen if regel is not None else None
    if d is None:
        d = opmaak.standaard_decimalen(voorbeeld, eenheid)
    if opmaak.is_procent(eenheid):
        d = max(d, 1)
    return d


def _basis(d: int) -> str:
    return "#,##0" + ("." + "0" * d if d else "")


def waarde_formaat(eenheid: str | None, d: int) -> str:
    """Excel number format of a value: '#,##0.0"%"' (0–100 scale), '"€ "#,##0', '#,##0.000'."""
    if opmaak.is_procent(eenheid):
        return _basis(d) + '"%"'
    if _is_euro(eenheid):
        return '"€ "' + _basis(d)
    return _basis(d)


def verschil_formaat(eenheid: str | None, d: int) -> str:
    """A signed difference: '+1,2 %-punt' / '−0,164' (Unicode minus, as in the HTML)."""
    b = _basis(d)
    if opmaak.is_procent(eenheid):
        return f'+{b}" %-punt";"−"{b}" %-punt";{b}" %-punt"'
    if _is_euro(eenheid):
        return f'"+€ "{b};"−€ "{b};"€ "{b}'
    return f'+{b};"−"{b};{b}'


# -- sheets -----------------------------------------------------------------------------------------


def blad_naam(tekst: str, bestaand: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of []:*?/\\)."""
    naam = re.sub(r"[\[\]:*?/\\]", "-", tekst)[:31]
    basis, i = naam, 2
    while naam.lower() in {b.lower() for b in bestaand}:
        achter = f" ({i})"
        naam = basis[: 31 - len(achter)] + achter
        i += 1
    bestaand.add(naam)
    return naam


def _afdrukken(ws: Worksheet, kop_rij: int | None) -> None:
    """A4 landscape, fitted to the page width (as many pages down as needed), the header row
    repeated on every page, sheet name and page number in the footer."""
    ws.set_paper(A4)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    if kop_rij is not None:
        ws.repeat_rows(kop_rij)
    ws.set_footer("&L&A&RPagina &P van &N")


def _kop(
    ws: Worksheet,
    f: _Formaten,
    titel: str,
    noot: str,
    kolommen: Sequence[Kolom],
    *,
    legenda: bool = False,
) -> None:
    ws.write(0, 0, titel, f.titel)
    ws.write(1, 0, noot, f.noot)
    if legenda:
        ws.write(LEGENDA_RIJ, 0, kleur.LEGENDA, f.noot)
    ws.write(CODE_RIJ, 0, CODE_LABEL, f.code)
    for i, k in enumerate(kolommen):
        ws.set_column(i, i, k.breedte)
        if k.gebied_code:
            ws.write(CODE_RIJ, i, k.gebied_code, f.code)
        ws.write(KOP_RIJ, i, k.kop, f.kop)
    ws.set_row(KOP_RIJ, 45)
    ws.freeze_panes(EERSTE_RIJ, 1)
    _afdrukken(ws, KOP_RIJ)


def _bron(r: dict[str, Any]) -> str:
    delen = [r.get("bron_tabel"), r.get("bron_variabele")]
    tekst = ", ".join(str(d) for d in delen if d)
    if r.get("bron_vermelding"):
        tekst += f" ({r['bron_vermelding']})"
    return tekst


_CBS_TABEL = re.compile(r"\b\d{5}[A-Z]{3}\b")
_CBS_SLEUTEL = re.compile(r"\b[A-Z][A-Za-z0-9]*_\d+\b")


def oorzaak(r: dict[str, Any]) -> str:
    """The cause of a missing value, with this row's own table and variable taken out, so rows
    missing for the same reason in different tables share one cause."""
    return _oorzaak(
        str(r["status"]),
        str(r.get("status_toelichting") or "geen reden opgegeven"),
        str(r.get("bron_variabele") or ""),
        str(r.get("bron_tabel") or ""),
    )


# About 12,000 missing cells share a few hundred distinct texts; the regexes ran per cell.
@functools.lru_cache(maxsize=4096)
def _oorzaak(status: str, tekst: str, variabele: str, tabel: str) -> str:
    for naam, plek in ((variabele, "de variabele"), (tabel, "de tabel")):
        if naam:
            tekst = tekst.replace(naam, plek)
    tekst = _CBS_SLEUTEL.sub("de variabele", _CBS_TABEL.sub("de tabel", tekst))
    tekst = tekst.replace("Tabel de tabel", "De brontabel")
    return f"{status}: {tekst}"


@dataclass
class _Oorzaken:
    """Causes of missing values on one sheet, numbered in order of first appearance, each with
    the indicators (and their peiljaren) it affects."""

    nummers: dict[str, int] = field(default_factory=dict)
    betreft: dict[int, dict[str, set[int]]] = field(default_factory=dict)
    cellen: dict[int, int] = field(default_factory=dict)

    def nummer(self, r: dict[str, Any], indicator: str) -> int:
        n = self.nummers.setdefault(oorzaak(r), len(self.nummers) + 1)
        self.betreft.setdefault(n, {}).setdefault(indicator, set()).add(int(r["peiljaar"]))
        self.cellen[n] = self.cellen.get(n, 0) + 1
        return n

    def lijst(self, n: int) -> str:
        return "; ".join(
            f"{naam} ({', '.join(str(j) for j in sorted(jaren))})"
            for naam, jaren in self.betreft[n].items()
        )


def _gebieden_tekst(r: dict[str, Any], totaal: int) -> str | None:
    """'19 van 20 gebieden' for a value over all focus areas."""
    n = r.get("aantal_gebieden")
    if n is None:
        return None
    van = r.get("aantal_gebieden_totaal") or totaal
    return f"{n} van {van} gebieden"


def _vergelijkbaarheid(r: dict[str, Any]) -> str:
    """Definition break and territory (issue: trends on the same territory), when published."""
    delen = []
    if r.get("definitiebreuk"):
        delen.append("definitiebreuk: niet vergelijkbaar met het basisjaar")
    tb, tp = r.get("territorium_basis"), r.get("territorium_peiljaar")
    if tp and tb and tp != tb:
        delen.append(f"basisjaar: {tb}; peiljaar: {tp}")
    elif tp:
        delen.append(str(tp))
    aandeel = r.get("aandeel_basisbevolking")
    if aandeel is not None and aandeel < 1:
        delen.append(f"{opmaak.aandeel(aandeel)} van de basisbevolking")
    # the other way round: part of today's area lies outside the basisjaar's territory
    omgekeerd = r.get("aandeel_peiljaarbevolking_in_basis")
    if omgekeerd is not None and omgekeerd < 1:
        delen.append(f"{opmaak.aandeel(omgekeerd)} van de huidige bevolking in het basisgebied")
    return "; ".join(delen)


def _niveau(r: dict[str, Any]) -> str | None:
    niveau = r.get("waarde_niveau")
    if niveau and niveau != "gebied":
        return f"cijfer van de {niveau}, geen gebiedswaarde"
    return None


@dataclass
class _Context:
    f: _Formaten
    pub: Publicatie
    regel: kleur.Kleurregel
    idx: dict[tuple[str, str, int], dict[str, Any]]
    aantal_focus: int

    def decimalen(self, code: str, eenheid: str | None, voorbeeld: float | None = None) -> int:
        return decimalen(eenheid, self.regel.indicatoren.get(code), voorbeeld)


def _vergelijkingsblad(
    ws: Worksheet,
    *,
    c: _Context,
    titel: str,
    gebieden: Sequence[tuple[str, str]],  # (code, kop); the first is the sheet's own area
    indicatoren: pl.DataFrame,
    soort: str,  # "overzicht" (all focus areas) or "gebied" (one focus area)
) -> tuple[int, int]:
    """The comparison table; returns (data rows, first free row under the table)."""
    f, pub = c.f, c.pub
    hoofd = gebieden[0][0]
    vaste = [
        Kolom("Indicator", 42),
        Kolom("Indicatorcode", 22),
        Kolom("Familie", 14),
        Kolom("Eenheid", 14),
        Kolom("Peiljaar", 9),
    ]
    waarde_kol = [Kolom(kop, 16, code) for code, kop in gebieden]
    achter = [
        Kolom(KOP_VERSCHIL, 14),
        Kolom(KOP_LIGGING, 26),
        Kolom(KOP_GEBIEDEN, 13)
        if soort == "overzicht"
        else Kolom("Percentiel onder alle wijken", 12),
        Kolom(KOP_BASISJAAR, 9),
        Kolom("Waarde in basisjaar", 14),
        Kolom(KOP_VERANDERING, 14),
        Kolom(KOP_VERANDERING_VERSCHIL, 14),
        Kolom(KOP_KLOOF, 15),
        Kolom("Vergelijkbaarheid", 30),
        Kolom(f"Dekking {gebieden[0][1]}", 11),
        Kolom("Status en toelichting", 50),
        Kolom("Bron", 45),
    ]
    kolommen = [*vaste, *waarde_kol, *achter]
    _kop(ws, f, titel, teksten.EXCEL_NOOT, kolommen, legenda=True)
    oorzaken = _Oorzaken()
    rij = EERSTE_RIJ
    combinaties = (
        pub.waarden.filter(pl.col("gebied_code").is_in([g for g, _ in gebieden]))
        .join(indicatoren.select("indicator_code", "naam"), on="indicator_code", how="inner")
        .select("indicator_code", "naam", "peiljaar")
        .unique()
    )
    volgorde = {code: i for i, code in enumerate(indicatoren["indicator_code"].to_list())}
    for code, naam, jaar in sorted(
        combinaties.iter_rows(), key=lambda t: (volgorde.get(t[0], 0), t[0], t[2])
    ):
        per = [(g, kop, c.idx.get((g, code, jaar))) for g, kop in gebieden]
        hr = c.idx.get((hoofd, code, jaar))
        h = hr or next((r for _, _, r in per if r), None)
        assert h is not None
        eenheid = h["eenheid"]
        d = c.decimalen(code, eenheid, h.get("waarde"))
        w_fmt, v_fmt = waarde_formaat(eenheid, d), verschil_formaat(eenheid, d)
        ws.write_string(rij, 0, str(naam), f.omloop)
        ws.write_string(rij, 1, code, f.tekst)
        ws.write_string(rij, 2, str(h["familie"]), f.tekst)
        ws.write_string(rij, 3, str(eenheid), f.tekst)
        ws.write_number(rij, 4, jaar, f.jaar)
        k = len(vaste)
        nl = c.idx.get(("NL00", code, jaar))
        nl_waarde = nl["waarde"] if nl is not None and nl["status"] == "ok" else None
        toelichting: list[str] = []
        for g, kop, r in per:
            if r is None:
                ws.write_string(rij, k, "niet berekend", f.status)
            elif r["status"] == "ok" and r["waarde"] is not None:
                klasse = (
                    None
                    if g == "NL00"
                    else c.regel.oordeel(code, jaar, r["waarde"], nl_waarde).klasse
                )
                ws.write_number(rij, k, r["waarde"], f.getal(w_fmt, klasse))
            else:
                ws.write_string(rij, k, r["status"], f.status)
            if r is not None:
                if r["status"] != "ok":
                    n = oorzaken.nummer(r, str(naam))
                    toelichting.append(f"{kop}: {r['status']} (oorzaak {n})")
                else:
                    extra = [t for t in (_niveau(r), r.get("toelichting")) if t]
                    if extra:
                        toelichting.append(f"{kop}: {'; '.join(str(t) for t in extra)}")
            k += 1

        def num(kol: int, x: float | None, fmt: Format, rij: int = rij) -> None:
            if x is not None:
                ws.write_number(rij, kol, x, fmt)

        if hr is not None:
            num(k, hr.get("verschil_nederland"), f.getal(v_fmt))
            if hr["status"] == "ok" and hoofd != "NL00":
                o = c.regel.oordeel(code, jaar, hr.get("waarde"), nl_waarde)
                ws.write_string(rij, k + 1, o.uitleg, f.getal("@", o.klasse, omloop=True))
            if soort == "overzicht":
                tekst = _gebieden_tekst(hr, c.aantal_focus)
                if tekst:
                    ws.write_string(rij, k + 2, tekst, f.tekst)
            else:
                num(k + 2, hr.get("percentiel_wijken"), f.getal("0"))
            num(k + 3, hr.get("basisjaar"), f.jaar)
            num(k + 4, hr.get("waarde_basisjaar"), f.getal(w_fmt))
            num(k + 5, hr.get("verandering_sinds_basis"), f.getal(v_fmt))
            num(k + 6, hr.get("verandering_verschil"), f.getal(v_fmt))
            if hr.get("kloof_wordt") is not None:
                kant = opmaak.kloof_kant(
                    hr.get("verschil_nederland"),
                    c.regel.indicatoren.get(code, kleur.Indicatorregel(None, None)).richting,
                )
                ws.write_string(rij, k + 7, opmaak.kloof_tekst(hr["kloof_wordt"], kant), f.tekst)
            vergelijkbaar = _vergelijkbaarheid(hr)
            if vergelijkbaar:
                ws.write_string(rij, k + 8, vergelijkbaar, f.omloop)
            if hr.get("dekking") is not None:
                ws.write_number(rij, k + 9, hr["dekking"], f.aandeel)
        ws.write_string(rij, k + 10, "; ".join(toelichting), f.omloop)
        ws.write_string(rij, k + 11, _bron(h), f.omloop)
        rij += 1
    ws.autofilter(KOP_RIJ, 0, max(rij - 1, KOP_RIJ), len(kolommen) - 1)
    n = rij - EERSTE_RIJ
    return n, _oorzakenblok(ws, f, rij + 2, oorzaken)


def _oorzakenblok(ws: Worksheet, f: _Formaten, rij: int, oorzaken: _Oorzaken) -> int:
    """Each cause of a missing value once, with the rows it affects."""
    ws.write_string(rij, 0, BLOK_OORZAKEN, f.blok)
    rij += 1
    if not oorzaken.nummers:
        ws.write_string(rij, 0, "Geen: elke waarde op dit blad is gepubliceerd.", f.noot)
        return rij + 2
    ws.write_string(rij, 0, "Oorzaak: wat ontbreekt en waarom, met de route die het aanvult", f.kop)
    ws.write_string(rij, 1, "Cellen", f.kop)
    ws.merge_range(rij, 2, rij, 10, "Indicatoren (peiljaren)", f.kop)
    rij += 1
    for tekst, n in oorzaken.nummers.items():
        lijst = oorzaken.lijst(n)
        ws.write_string(rij, 0, f"oorzaak {n} — {tekst}", f.omloop)
        ws.write_number(rij, 1, oorzaken.cellen[n], f.geheel)
        ws.merge_range(rij, 2, rij, 10, lijst, f.omloop)
        # merged cells do not grow with their text: room for the longer of the two
        regels = max(len(tekst) // 40 + 1, len(lijst) // 150 + 1)
        ws.set_row(rij, 15 * regels)
        rij += 1
    return rij + 1


def _realisatieblok(ws: Worksheet, c: _Context, rij: int, gebied: str) -> int:
    """The area's own gebiedsrealisatie figures (monitor.indicatorwaarden, status ok)."""
    f = c.f
    ws.write_string(rij, 0, BLOK_REALISATIE, f.blok)
    rij += 1
    df = (
        c.pub.waarden.filter(
            (pl.col("gebied_code") == gebied)
            & (pl.col("familie") == "gebiedsrealisatie")
            & (pl.col("status") == "ok")
        )
        .join(c.pub.indicatoren.select("indicator_code", "naam"), on="indicator_code", how="left")
        .sort("actielijn", "indicator_code", "peiljaar")
    )
    if df.height == 0:
        ws.write_string(
            rij,
            0,
            "Geen gepubliceerde realisatiecijfers voor dit gebied (Kamerstukken, "
            "regelingenexports of een geaccepteerde retour).",
            f.noot,
        )
        return rij + 2
    koppen = ["Indicator", "Indicatorcode", "Eenheid", "Peiljaar", "Waarde", "Ondergrens",
              "Bovengrens", "Toelichting", "Bron"]  # fmt: skip
    for i, kop in enumerate(koppen):
        ws.write_string(rij, i, kop, f.kop)
    rij += 1
    for r in df.iter_rows(named=True):
        d = c.decimalen(r["indicator_code"], r["eenheid"], r.get("waarde"))
        fmt = f.getal(waarde_formaat(r["eenheid"], d))
        ws.write_string(rij, 0, str(r.get("naam") or r["indicator_code"]), f.omloop)
        ws.write_string(rij, 1, r["indicator_code"], f.tekst)
        ws.write_string(rij, 2, str(r["eenheid"]), f.tekst)
        ws.write_number(rij, 3, r["peiljaar"], f.jaar)
        _realisatiewaarde(ws, f, rij, 4, r, fmt=fmt)
        for kol, naam in ((5, "waarde_min"), (6, "waarde_max")):
            if r.get(naam) is not None:
                ws.write_number(rij, kol, r[naam], fmt)
        toel = "; ".join(str(t) for t in (r.get("toelichting"), r.get("status_toelichting")) if t)
        ws.write_string(rij, 7, toel, f.omloop)
        ws.write_string(rij, 8, _bron(r), f.omloop)
        rij += 1
    return rij + 1


def _retourblok(
    ws: Worksheet, c: _Context, rij: int, gebied: str, stand: retouren.Retourstand
) -> int:
    """The area's return: where it stands and, when accepted, its answers in force."""
    f = c.f
    g = stand.van(gebied)
    ws.write_string(rij, 0, f"{BLOK_RETOUR} {stand.jaar}", f.blok)
    rij += 1
    if g is None:
        return rij + 1
    ws.write_string(rij, 0, retouren.STATUS_TEKST[g.status], f.tekst)
    ws.write_string(rij, 1, g.toelichting(), f.noot)
    rij += 1
    antwoorden = stand.antwoorden.get(gebied, [])
    if g.status != retouren.GEACCEPTEERD or not antwoorden:
        return rij + 1
    koppen = ["Vraag", "Vraagtekst", "Onderdeel", "Antwoord", "Eenheid", "Betekenis",
              "Toelichting van het gebied"]  # fmt: skip
    for i, kop in enumerate(koppen):
        ws.write_string(rij, i, kop, f.kop)
    rij += 1
    for a in antwoorden:
        ws.write_string(rij, 0, a.vraag_id, f.tekst)
        ws.write_string(rij, 1, a.vraag, f.omloop)
        ws.write_string(rij, 2, a.onderdeel, f.tekst)
        if a.waarde is not None:
            d = 0 if a.soort in {"aantal", "oordeel"} else 1
            fmt = waarde_formaat("%" if a.soort == "percentage" else None, d)
            ws.write_number(rij, 3, a.waarde, f.getal(fmt))
        elif a.tekst:
            ws.write_string(rij, 3, a.tekst, f.omloop)
        else:
            ws.write_string(rij, 3, "niet ingevuld", f.status)
        ws.write_string(rij, 4, a.eenheid, f.tekst)
        if a.oordeel_label:
            ws.write_string(rij, 5, a.oordeel_label, f.tekst)
        if a.toelichting:
            ws.write_string(rij, 6, a.toelichting, f.omloop)
        rij += 1
    return rij + 1


def _realisatiewaarde(
    ws: Worksheet, f: _Formaten, rij: int, kol: int, r: dict[str, Any], *, fmt: Format
) -> None:
    """A realisatie value: the number; a range says 'bandbreedte' (never the status word 'ok')."""
    if r["status"] == "ok" and r["waarde"] is not None:
        ws.write_number(rij, kol, r["waarde"], fmt)
    elif r["status"] == "ok":
        ws.write_string(rij, kol, "bandbreedte", f.tekst)
    else:
        ws.write_string(rij, kol, r["status"], f.status)


def _realisatieblad(ws: Worksheet, c: _Context) -> int:
    """Gebiedsrealisatie rows of monitor.indicatorwaarden, every area, with ranges and source."""
    f, pub = c.f, c.pub
    df = (
        pub.waarden.filter(pl.col("familie") == "gebiedsrealisatie")
        .join(pub.indicatoren.select("indicator_code", "naam"), on="indicator_code", how="left")
        .sort("actielijn", "indicator_code", "gebied_code", "peiljaar")
    )
    kolommen = [
        Kolom("Gebied", 24),
        Kolom("Gebiedscode", 20),
        Kolom("Actielijn", 11),
        Kolom("Indicator", 48),
        Kolom("Indicatorcode", 24),
        Kolom("Eenheid", 14),
        Kolom("Peiljaar", 9),
        Kolom("Waarde", 14),
        Kolom("Ondergrens", 14),
        Kolom("Bovengrens", 14),
        Kolom("Gebieden", 16),
        Kolom("Status en toelichting", 50),
        Kolom("Bron", 50),
    ]
    _kop(
        ws,
        f,
        "Gebiedsrealisatie: gepubliceerde cijfers van de regelingen",
        teksten.EXCEL_NOOT,
        kolommen,
    )
    rij = EERSTE_RIJ
    for r in df.iter_rows(named=True):
        d = c.decimalen(r["indicator_code"], r["eenheid"], r.get("waarde"))
        fmt = f.getal(waarde_formaat(r["eenheid"], d))
        ws.write_string(rij, 0, pub.gebied_naam(r["gebied_code"]))
        ws.write_string(rij, 1, r["gebied_code"], f.tekst)
        ws.write_string(rij, 2, ACTIELIJN_NAMEN.get(r["actielijn"], r["actielijn"]))
        ws.write_string(rij, 3, str(r.get("naam") or r["indicator_code"]), f.omloop)
        ws.write_string(rij, 4, r["indicator_code"])
        ws.write_string(rij, 5, str(r["eenheid"]))
        ws.write_number(rij, 6, r["peiljaar"], f.jaar)
        _realisatiewaarde(ws, f, rij, 7, r, fmt=fmt)
        for kol, naam in ((8, "waarde_min"), (9, "waarde_max")):
            if r.get(naam) is not None:
                ws.write_number(rij, kol, r[naam], fmt)
        if r["gebied_code"] == "alle_focusgebieden":
            tekst = _gebieden_tekst(r, c.aantal_focus)
            if tekst:
                ws.write_string(rij, 10, tekst, f.tekst)
        toel = [t for t in (r.get("toelichting"), r.get("status_toelichting")) if t]
        if r["status"] != "ok":
            toel = [f"{r['status']}: {r.get('status_toelichting') or 'geen reden opgegeven'}"]
        ws.write_string(rij, 11, "; ".join(str(t) for t in toel), f.omloop)
        ws.write_string(rij, 12, _bron(r), f.omloop)
        rij += 1
    ws.autofilter(KOP_RIJ, 0, max(rij - 1, KOP_RIJ), len(kolommen) - 1)
    return rij - EERSTE_RIJ


def _regelingenblad(ws: Worksheet, f: _Formaten, pub: Publicatie) -> int:
    """realisatie.regelingen_cijfers as published: ranges as lower and upper bound."""
    rc = pub.realisatie
    kolommen = [
        Kolom("Gebied", 24),
        Kolom("Gebiedscode", 20),
        Kolom("Actielijn", 11),
        Kolom("Regeling", 30),
        Kolom("Kenmerk", 50),
        Kolom("Maat", 26),
        Kolom("Eenheid", 14),
        Kolom("Periode", 22),
        Kolom("Peiljaar", 9),
        Kolom("Waarde (ondergrens)", 16),
        Kolom("Waarde (bovengrens)", 16),
        Kolom("Woordkeuze en toelichting", 40),
        Kolom("Bron", 50),
    ]
    _kop(
        ws,
        f,
        "Realisatie: gepubliceerde cijfers van de nationale regelingen",
        teksten.EXCEL_NOOT,
        kolommen,
    )
    rij = EERSTE_RIJ
    if rc.height == 0:
        ws.write_string(
            rij,
            0,
            "Geen realisatiecijfers in de publicatie (realisatie.regelingen_cijfers ontbreekt).",
            f.status,
        )
        return 0
    for r in rc.sort("actielijn", "regeling", "gebied_code", "peiljaar").iter_rows(named=True):
        ws.write_string(rij, 0, pub.gebied_naam(r["gebied_code"]))
        ws.write_string(rij, 1, r["gebied_code"])
        ws.write_string(rij, 2, ACTIELIJN_NAMEN.get(r["actielijn"], r["actielijn"]))
        ws.write_string(rij, 3, str(r["regeling"]))
        ws.write_string(rij, 4, str(r["kenmerk"]), f.omloop)
        ws.write_string(rij, 5, str(r.get("maat") or ""))
        ws.write_string(rij, 6, str(r["eenheid"]))
        ws.write_string(rij, 7, str(r.get("periode") or ""))
        ws.write_number(rij, 8, r["peiljaar"], f.jaar)
        voorbeeld = r.get("waarde_min") if r.get("waarde_min") is not None else r.get("waarde_max")
        fmt = f.getal(waarde_formaat(r["eenheid"], decimalen(r["eenheid"], None, voorbeeld)))
        for kol, naam in ((9, "waarde_min"), (10, "waarde_max")):
            if r.get(naam) is not None:
                ws.write_number(rij, kol, r[naam], fmt)
            else:
                ws.write_string(rij, kol, "ontbreekt", f.status)
        toel = "; ".join(
            str(t) for t in (r.get("woordkeuze"), r.get("toelichting")) if t
        )  # as published
        ws.write_string(rij, 11, toel, f.omloop)
        ws.write_string(rij, 12, str(r.get("bron") or r.get("kamerstuk") or ""), f.omloop)
        rij += 1
    ws.autofilter(KOP_RIJ, 0, rij - 1, len(kolommen) - 1)
    return rij - EERSTE_RIJ


#: Columns of the return tracker sheet.
RETOUR_KOLOMMEN = [
    Kolom("Gebied", 26),
    Kolom("Gebiedscode", 22),
    Kolom("Status", 24),
    Kolom("Ontvangen bestanden", 11),
    Kolom("Geldende versie", 9),
    Kolom("Bestand", 32),
    Kolom("Ontvangen op (UTC)", 17),
    Kolom("Vragen beantwoord", 11),
    Kolom("Afgewezen bestanden", 11),
    Kolom("Toelichting (reden van afwijzing)", 90),
]


def _retourenblad(
    ws: Worksheet, f: _Formaten, stand: retouren.Retourstand, bladen: dict[str, str]
) -> int:
    """The return tracker: one row per focus area, then rejected files without an area."""
    ws.write(0, 0, f"Retouren op de uitvraag {stand.jaar}", f.titel)
    ws.write(1, 0, stand.samenvatting(), f.noot)
    ws.write(
        LEGENDA_RIJ,
        0,
        "Een afgewezen bestand verandert niets aan de antwoorden; het gebied levert een verbeterd "
        "bestand in. " + retouren.TOEWIJZING_TEKST,
        f.noot,
    )
    for i, k in enumerate(RETOUR_KOLOMMEN):
        ws.set_column(i, i, k.breedte)
        ws.write(KOP_RIJ, i, k.kop, f.kop)
    ws.set_row(KOP_RIJ, 30)
    ws.freeze_panes(EERSTE_RIJ, 1)
    _afdrukken(ws, KOP_RIJ)
    rij = EERSTE_RIJ
    for g in stand.gebieden:
        blad = bladen.get(g.gebied_code)
        if blad:
            ws.write_url(rij, 0, f"internal:'{blad}'!A1", f.link, string=g.gebied_naam)
        else:
            ws.write_string(rij, 0, g.gebied_naam)
        ws.write_string(rij, 1, g.gebied_code)
        ws.write_string(
            rij,
            2,
            retouren.STATUS_TEKST[g.status],
            f.status if g.status != "geaccepteerd" else f.tekst,
        )
        ws.write_number(rij, 3, g.aantal_ontvangen, f.geheel)
        if g.versie is not None:
            ws.write_number(rij, 4, g.versie, f.geheel)
        if g.bestand:
            ws.write_string(rij, 5, g.bestand)
        if g.ontvangen_op is not None:
            ws.write_datetime(rij, 6, g.ontvangen_op, f.moment)
        if g.status == retouren.GEACCEPTEERD:
            ws.write_string(rij, 7, f"{g.aantal_antwoorden} van {g.aantal_vragen}")
        ws.write_number(rij, 8, len(g.afwijzingen), f.geheel)
        ws.write_string(rij, 9, g.toelichting(), f.omloop)
        rij += 1
    for a in stand.niet_toe_te_wijzen:
        ws.write_string(rij, 0, retouren.GEBIED_ONBEKEND, f.status)
        ws.write_string(rij, 2, retouren.STATUS_TEKST[retouren.AFGEWEZEN], f.status)
        ws.write_number(rij, 3, 1, f.geheel)
        ws.write_string(rij, 5, a.bestand)
        ws.write_datetime(rij, 6, a.ontvangen_op, f.moment)
        ws.write_number(rij, 8, 1, f.geheel)
        ws.write_string(
            rij, 9, f"afgewezen met {a.aantal_meldingen} melding(en): {a.reden}", f.omloop
        )
        rij += 1
    ws.autofilter(KOP_RIJ, 0, max(rij - 1, KOP_RIJ), len(RETOUR_KOLOMMEN) - 1)
    return rij - EERSTE_RIJ


def _inhoud(
    inhoud: Worksheet, f: _Formaten, pub: Publicatie, bladen: list[tuple[str, str, int]]
) -> None:
    inhoud.set_column(0, 0, 34)
    inhoud.set_column(1, 1, 80)
    inhoud.set_column(2, 2, 10)
    inhoud.write(0, 0, "NPLV-monitor — bijlage bij de voortgangsrapportage", f.titel)
    inhoud.write(
        1, 0, f"Editie {pub.editie}, gepubliceerd {pub.gepubliceerd}; bron: {pub.pad.name}", f.noot
    )
    inhoud.write(3, 0, "Blad", f.kop)
    inhoud.write(3, 1, "Inhoud", f.kop)
    inhoud.write(3, 2, "Rijen", f.kop)
    for i, (blad, titel, n) in enumerate(bladen, start=4):
        inhoud.write_url(i, 0, f"internal:'{blad}'!A1", f.link, string=blad)
        inhoud.write_string(i, 1, titel)
        inhoud.write_number(i, 2, n)
    r = 5 + len(bladen)
    for regel in teksten.LEESWIJZER_EXCEL:
        inhoud.write_string(r, 0, regel)
        r += 1
    r += 1
    inhoud.write_string(r, 0, "Kleuren", f.blok)
    inhoud.write_string(r + 1, 0, kleur.LEGENDA)
    r += 2
    for sleutel in kleur.LEGENDA_VOLGORDE:
        k = kleur.KLASSEN[sleutel]
        inhoud.write_string(r, 0, k.sleutel, f.getal("@", k))
        inhoud.write_string(r, 1, k.label)
        r += 1
    inhoud.write_string(r + 1, 0, teksten.ATTRIBUTIE)
    inhoud.write_string(r + 2, 0, teksten.LICENTIE)
    inhoud.freeze_panes(4, 0)
    _afdrukken(inhoud, 3)


def _kleurregel(pub: Publicatie) -> kleur.Kleurregel:
    """The publication's colour rule: loaded with the publication, or read from its file."""
    regel = getattr(pub, "kleurregel", None)
    if isinstance(regel, kleur.Kleurregel) and regel.spreidingen:
        return regel
    return kleur.Kleurregel.laad(pub.pad)


def schrijf_werkboek(pub: Publicatie, doel: Path) -> Path:
    """Write the workbook to ``doel`` (via a temporary file, renamed into place when complete)."""
    doel.parent.mkdir(parents=True, exist_ok=True)
    tmp = doel.with_name(f".{doel.name}.tmp")
    wb = xlsxwriter.Workbook(str(tmp), {"nan_inf_to_errors": True})
    wb.set_properties(
        {
            "title": f"NPLV-monitor, voortgangsrapportage editie {pub.editie}",
            "subject": "Bijlage bij de voortgangsrapportage NPLV",
            "author": "nplv-monitor",
            "comments": teksten.ATTRIBUTIE + " " + teksten.LICENTIE,
        }
    )
    f = _Formaten(wb)
    focus = pub.focusgebieden()
    c = _Context(f, pub, _kleurregel(pub), pub.index, focus.height)
    stand = retouren.laad(pub.pad)
    namen: set[str] = {"Inhoud"}
    inhoud = wb.add_worksheet("Inhoud")
    bladen: list[tuple[str, str, int]] = []

    ind = pub.indicatoren
    for actielijn in ACTIELIJNEN:
        for familie in ("context", "gebiedseffect"):
            sel = ind.filter((pl.col("actielijn") == actielijn) & (pl.col("familie") == familie))
            if sel.height == 0:
                continue
            naam = blad_naam(f"{ACTIELIJN_NAMEN[actielijn]} - {familie}", namen)
            ws = wb.add_worksheet(naam)
            titel = f"{ACTIELIJN_NAMEN[actielijn]}: {FAMILIE_NAMEN[familie]}, alle focusgebieden en Nederland"
            n, _ = _vergelijkingsblad(
                ws,
                c=c,
                titel=titel,
                gebieden=[("alle_focusgebieden", "Alle focusgebieden"), ("NL00", "Nederland")],
                indicatoren=sel.sort("indicator_code"),
                soort="overzicht",
            )
            bladen.append((naam, titel, n))
    gebiedsbladen: dict[str, str] = {}
    for rij in focus.iter_rows(named=True):
        code = rij["gebied_code"]
        verg = pub.vergelijkingen(code)
        naam = blad_naam(str(rij["gebied_naam"]), namen)
        gebiedsbladen[code] = naam
        ws = wb.add_worksheet(naam)
        titel = f"{rij['gebied_naam']}: gebied, gemeente, rest van de gemeente en Nederland"
        sel = ind.filter(pl.col("familie") != "gebiedsrealisatie").sort(
            "actielijn", "familie", "indicator_code"
        )
        n, vrij = _vergelijkingsblad(
            ws,
            c=c,
            titel=titel,
            gebieden=[(g, nm) for g, _, nm in verg],
            indicatoren=sel,
            soort="gebied",
        )
        vrij = _realisatieblok(ws, c, vrij, code)
        _retourblok(ws, c, vrij, code, stand)
        bladen.append((naam, titel, n))
    naam = blad_naam("Realisatie regelingen", namen)
    n = _regelingenblad(wb.add_worksheet(naam), f, pub)
    bladen.append((naam, "Realisatie: gepubliceerde cijfers van de nationale regelingen", n))
    naam = blad_naam("Gebiedsrealisatie", namen)
    n = _realisatieblad(wb.add_worksheet(naam), c)
    bladen.append((naam, "Gebiedsrealisatie-indicatoren (monitor.indicatorwaarden)", n))
    naam = blad_naam(RETOUREN_BLAD, namen)
    n = _retourenblad(wb.add_worksheet(naam), f, stand, gebiedsbladen)
    bladen.append((naam, f"Retouren op de uitvraag {stand.jaar}: {stand.samenvatting()}", n))

    _inhoud(inhoud, f, pub, bladen)
    wb.close()
    tmp.replace(doel)
    return doel
