"""The Excel workbook of the voortgangsrapportage (XlsxWriter).

Layout of every data sheet: a title row, a reading note, a row with the machine codes of the areas
(so an analyst — and the tests — can tie every cell back to ``monitor.indicatorwaarden``), the
header row with autofilter, then one row per indicator and peiljaar. Unit, peiljaar and source are
columns of their own on every row because one sheet mixes units; values stay numbers (Excel shows
them in the reader's locale: 1.234,5), withheld values are the word 'onderdrukt'/'ontbreekt' with
the reason beside them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from nplv_monitor.rapportage import opmaak, teksten
from nplv_monitor.rapportage.gegevens import (
    ACTIELIJN_NAMEN,
    ACTIELIJNEN,
    FAMILIE_NAMEN,
    Publicatie,
)

#: Row (0-based) of the area codes, of the header, and the first data row.
CODE_RIJ = 3
KOP_RIJ = 4
EERSTE_RIJ = 5
CODE_LABEL = "gebied_code →"


@dataclass(frozen=True)
class Kolom:
    kop: str
    breedte: float
    gebied_code: str | None = None  # value column of this area


class _Formaten:
    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.titel = wb.add_format({"bold": True, "font_size": 14})
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
        self.jaar = wb.add_format({"num_format": "0", "align": "left"})
        self.geheel = wb.add_format({"num_format": "0"})
        self.aandeel = wb.add_format({"num_format": "0.0%"})
        self.status = wb.add_format(
            {"italic": True, "font_color": "#9c0006", "bg_color": "#f2f2f2"}
        )
        self.link = wb.add_format({"font_color": "#1f4e79", "underline": 1})
        self._getal: dict[str, Any] = {}

    def getal(self, eenheid: str | None, voorbeeld: float | None) -> Any:
        fmt = opmaak.excel_formaat(eenheid, voorbeeld)
        if fmt not in self._getal:
            self._getal[fmt] = self.wb.add_format({"num_format": fmt})
        return self._getal[fmt]


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


def _kop(ws: Worksheet, f: _Formaten, titel: str, noot: str, kolommen: Sequence[Kolom]) -> None:
    ws.write(0, 0, titel, f.titel)
    ws.write(1, 0, noot, f.noot)
    ws.write(CODE_RIJ, 0, CODE_LABEL, f.code)
    for i, k in enumerate(kolommen):
        ws.set_column(i, i, k.breedte)
        if k.gebied_code:
            ws.write(CODE_RIJ, i, k.gebied_code, f.code)
        ws.write(KOP_RIJ, i, k.kop, f.kop)
    ws.set_row(KOP_RIJ, 45)
    ws.freeze_panes(EERSTE_RIJ, 1)


def _schrijf_waarde(
    ws: Worksheet, f: _Formaten, rij: int, kol: int, r: dict[str, Any] | None
) -> None:
    if r is None:
        ws.write_string(rij, kol, "niet berekend", f.status)
        return
    if r["status"] == "ok" and r["waarde"] is not None:
        ws.write_number(rij, kol, r["waarde"], f.getal(r["eenheid"], r["waarde"]))
    else:
        ws.write_string(rij, kol, r["status"], f.status)


def _bron(r: dict[str, Any]) -> str:
    delen = [r.get("bron_tabel"), r.get("bron_variabele")]
    tekst = ", ".join(str(d) for d in delen if d)
    if r.get("bron_vermelding"):
        tekst += f" ({r['bron_vermelding']})"
    return tekst


def _toelichting(rijen: Sequence[tuple[str, dict[str, Any] | None]]) -> str:
    delen = []
    for naam, r in rijen:
        if r is None:
            continue
        if r["status"] != "ok":
            delen.append(
                f"{naam}: {r['status']} — {r.get('status_toelichting') or 'geen reden opgegeven'}"
            )
        elif r.get("toelichting"):
            delen.append(f"{naam}: {r['toelichting']}")
    return "; ".join(delen)


def _index(waarden: pl.DataFrame) -> dict[tuple[str, str, int], dict[str, Any]]:
    return {
        (r["gebied_code"], r["indicator_code"], r["peiljaar"]): r
        for r in waarden.iter_rows(named=True)
    }


def _vergelijkingsblad(
    ws: Worksheet,
    *,
    f: _Formaten,
    pub: Publicatie,
    titel: str,
    gebieden: Sequence[tuple[str, str]],  # (code, kop)
    indicatoren: pl.DataFrame,
    extra: str,  # "basis" (overview columns) or "percentiel" (area columns)
) -> int:
    idx = _index(pub.waarden)
    hoofd = gebieden[0][0]
    vaste = [
        Kolom("Indicator", 42),
        Kolom("Indicatorcode", 22),
        Kolom("Familie", 14),
        Kolom("Eenheid", 14),
        Kolom("Peiljaar", 9),
    ]
    waarde_kol = [Kolom(kop, 16, code) for code, kop in gebieden]
    if extra == "basis":
        achter = [
            Kolom("Verschil met Nederland", 14),
            Kolom("Basisjaar", 9),
            Kolom("Verandering sinds basisjaar", 14),
            Kolom("Verandering verschil met Nederland", 14),
            Kolom("Kloof", 13),
            Kolom("Aantal focusgebieden", 11),
        ]
    else:
        achter = [Kolom("Verschil met Nederland", 14), Kolom("Percentiel onder alle wijken", 13)]
    achter += [
        Kolom(f"Dekking {gebieden[0][1]}", 11),
        Kolom("Status en toelichting", 50),
        Kolom("Bron", 45),
    ]
    kolommen = [*vaste, *waarde_kol, *achter]
    _kop(ws, f, titel, teksten.EXCEL_NOOT, kolommen)
    rij = EERSTE_RIJ
    combinaties = (
        pub.waarden.filter(pl.col("gebied_code").is_in([c for c, _ in gebieden]))
        .join(indicatoren.select("indicator_code", "naam"), on="indicator_code", how="inner")
        .select("indicator_code", "naam", "peiljaar")
        .unique()
    )
    volgorde = {c: i for i, c in enumerate(indicatoren["indicator_code"].to_list())}
    for code, naam, jaar in sorted(
        combinaties.iter_rows(), key=lambda t: (volgorde.get(t[0], 0), t[0], t[2])
    ):
        per = [(kop, idx.get((g, code, jaar))) for g, kop in gebieden]
        h = idx.get((hoofd, code, jaar)) or next((r for _, r in per if r), None)
        assert h is not None
        ws.write_string(rij, 0, str(naam), f.omloop)
        ws.write_string(rij, 1, code, f.tekst)
        ws.write_string(rij, 2, str(h["familie"]), f.tekst)
        ws.write_string(rij, 3, str(h["eenheid"]), f.tekst)
        ws.write_number(rij, 4, jaar, f.jaar)
        k = len(vaste)
        for _, r in per:
            _schrijf_waarde(ws, f, rij, k, r)
            k += 1
        hr = idx.get((hoofd, code, jaar))
        getal = f.getal(h["eenheid"], None)

        def num(kol: int, x: float | None, fmt: Any = getal, rij: int = rij) -> None:
            if x is not None:
                ws.write_number(rij, kol, x, fmt)

        if hr is not None:
            num(k, hr.get("verschil_nederland"))
        if extra == "basis":
            if hr is not None:
                num(k + 1, hr.get("basisjaar"), f.jaar)
                num(k + 2, hr.get("verandering_sinds_basis"))
                num(k + 3, hr.get("verandering_verschil"))
                if hr.get("basisjaar") is not None:
                    ws.write_string(rij, k + 4, opmaak.kloof_tekst(hr.get("kloof_wordt")))
                num(k + 5, hr.get("aantal_gebieden"), f.geheel)
            k += 6
        else:
            if hr is not None:
                num(k + 1, hr.get("percentiel_wijken"), f.getal(None, 1.0))
            k += 2
        if hr is not None and hr.get("dekking") is not None:
            ws.write_number(rij, k, hr["dekking"], f.aandeel)
        ws.write_string(rij, k + 1, _toelichting(per), f.omloop)
        ws.write_string(rij, k + 2, _bron(h), f.omloop)
        rij += 1
    ws.autofilter(KOP_RIJ, 0, max(rij - 1, KOP_RIJ), len(kolommen) - 1)
    return rij - EERSTE_RIJ


def _realisatieblad(ws: Worksheet, f: _Formaten, pub: Publicatie) -> int:
    """Gebiedsrealisatie rows of monitor.indicatorwaarden, every area, with ranges and source."""
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
        ws.write_string(rij, 0, pub.gebied_naam(r["gebied_code"]))
        ws.write_string(rij, 1, r["gebied_code"], f.tekst)
        ws.write_string(rij, 2, ACTIELIJN_NAMEN.get(r["actielijn"], r["actielijn"]))
        ws.write_string(rij, 3, str(r.get("naam") or r["indicator_code"]), f.omloop)
        ws.write_string(rij, 4, r["indicator_code"])
        ws.write_string(rij, 5, str(r["eenheid"]))
        ws.write_number(rij, 6, r["peiljaar"], f.jaar)
        _schrijf_waarde(ws, f, rij, 7, r)
        for kol, naam in ((8, "waarde_min"), (9, "waarde_max")):
            if r.get(naam) is not None:
                ws.write_number(rij, kol, r[naam], f.getal(r["eenheid"], r[naam]))
        ws.write_string(rij, 10, _toelichting([("waarde", r)]), f.omloop)
        ws.write_string(rij, 11, _bron(r), f.omloop)
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
        for kol, naam in ((9, "waarde_min"), (10, "waarde_max")):
            if r.get(naam) is not None:
                ws.write_number(rij, kol, r[naam], f.getal(r["eenheid"], r[naam]))
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
            n = _vergelijkingsblad(
                ws,
                f=f,
                pub=pub,
                titel=titel,
                gebieden=[("alle_focusgebieden", "Alle focusgebieden"), ("NL00", "Nederland")],
                indicatoren=sel.sort("indicator_code"),
                extra="basis",
            )
            bladen.append((naam, titel, n))
    for rij in pub.focusgebieden().iter_rows(named=True):
        code = rij["gebied_code"]
        verg = pub.vergelijkingen(code)
        naam = blad_naam(str(rij["gebied_naam"]), namen)
        ws = wb.add_worksheet(naam)
        titel = f"{rij['gebied_naam']}: gebied, gemeente, rest van de gemeente en Nederland"
        sel = ind.filter(pl.col("familie") != "gebiedsrealisatie").sort(
            "actielijn", "familie", "indicator_code"
        )
        n = _vergelijkingsblad(
            ws,
            f=f,
            pub=pub,
            titel=titel,
            gebieden=[(c, nm) for c, _, nm in verg],
            indicatoren=sel,
            extra="percentiel",
        )
        bladen.append((naam, titel, n))
    naam = blad_naam("Realisatie regelingen", namen)
    n = _regelingenblad(wb.add_worksheet(naam), f, pub)
    bladen.append((naam, "Realisatie: gepubliceerde cijfers van de nationale regelingen", n))
    naam = blad_naam("Gebiedsrealisatie", namen)
    n = _realisatieblad(wb.add_worksheet(naam), f, pub)
    bladen.append((naam, "Gebiedsrealisatie-indicatoren (monitor.indicatorwaarden)", n))

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
    inhoud.write_string(r + 1, 0, teksten.ATTRIBUTIE)
    inhoud.write_string(r + 2, 0, teksten.LICENTIE)
    inhoud.freeze_panes(4, 0)
    wb.close()
    tmp.replace(doel)
    return doel
