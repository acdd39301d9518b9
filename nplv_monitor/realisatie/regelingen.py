"""National scheme figures: the published ones (Kamerstukken) and the ministry's per-area exports.

Published figures (``bron.nplv_realisatie``, written by the bronnen stage from
``realisatie_gepubliceerd.csv`` in the snapshot) keep their range (waarde_min/waarde_max), their
wording ('ongeveer', 'ruim', …) and their Kamerstuk. Each row is tied to a quantity (maat) through
``assets/regelingen/gepubliceerd_maten.yaml``.

Per-area exports follow the CSV format of ``assets/regelingen/README.md``; a file with a fault is
rejected whole (``RegelingFout`` naming file, row and column), other files still load.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from nplv_monitor.bronnen.snapshot import sha256_bestand
from nplv_monitor.config import ASSETS_DIR
from nplv_monitor.geografie import gebieden
from nplv_monitor.realisatie.intake import bestanden_in_map, ontvangen_op
from nplv_monitor.realisatie.meldingen import GepubliceerdFout, Melding, RegelingFout
from nplv_monitor.yamlbestand import lees_yaml

GEPUBLICEERD_CSV = "nplv/realisatie_gepubliceerd.csv"
#: The bronnen table holding that CSV's rows.
BRONTABEL = "bron.nplv_realisatie"
#: Its rows in file order, with the CSV line each came from (line 1 is the header). rowid is the
#: insertion order: the bronnen stage writes the frame it read, in file order, into a new table.
BRON_SQL = f"select row_number() over (order by rowid) + 1 as bron_rij, * from {BRONTABEL}"
REGELINGEN_DIR = ASSETS_DIR / "regelingen"
_KAMERSTUK = re.compile(r"Kamerstuk\s+(\d+\s\d+)\s+nr\.\s*(\d+)")
_DATUM = re.compile(r"(\d{2})-(\d{2})-(\d{4})")
_WOORD = re.compile(r"'([^']+)'")


@cache
def _maten() -> dict[tuple[str, str], dict[str, Any]]:
    ruw = lees_yaml(REGELINGEN_DIR / "gepubliceerd_maten.yaml")
    return {(m["regeling"], m["kenmerk"]): m for m in ruw["maten"]}


@cache
def exportformaat() -> dict[str, Any]:
    ruw: dict[str, Any] = lees_yaml(REGELINGEN_DIR / "gebiedsexport.yaml")
    return ruw


def _soort(code: str) -> str:
    if code == gebieden.ALLE_FOCUSGEBIEDEN:
        return "alle_focusgebieden"
    if code == gebieden.NEDERLAND:
        return "nederland"
    return "focusgebied"


def lees_gepubliceerd(bron: pl.DataFrame, bron_sha256: str) -> pl.DataFrame:
    """realisatie.regelingen_cijfers: the published figures, one row per row of ``bron``.

    ``bron`` is :data:`BRON_SQL` on the work DuckDB file (bron.nplv_realisatie plus ``bron_rij``);
    ``bron_sha256`` the hash of the CSV file the bronnen stage read.
    """
    maten = _maten()
    rijen: list[dict[str, Any]] = []
    fouten: list[str] = []
    for r in bron.iter_rows(named=True):
        i = r["bron_rij"]
        code = gebieden.code_van(r["gebied"])
        maat = maten.get((r["regeling"], r["kenmerk"]))
        kamerstuk = _KAMERSTUK.search(r["bron"] or "")
        datum = _DATUM.search(r["bron"] or "")
        if code is None:
            fouten.append(f"rij {i}, kolom gebied: onbekend gebied {r['gebied']!r}")
        if maat is None:
            fouten.append(
                f"rij {i}: ({r['regeling']!r}, {r['kenmerk']!r}) staat niet in "
                "assets/regelingen/gepubliceerd_maten.yaml"
            )
        if kamerstuk is None or datum is None:
            fouten.append(f"rij {i}, kolom bron: geen Kamerstuk met datum in {r['bron']!r}")
        if code is None or maat is None or kamerstuk is None or datum is None:
            continue
        wmin, wmax = r["waarde_min"], r["waarde_max"]
        if wmin > wmax:
            fouten.append(f"rij {i}: waarde_min {wmin} is groter dan waarde_max {wmax}")
        dag, maand, jaar = (int(x) for x in datum.groups())
        woord = _WOORD.search(r["toelichting"] or "")
        rijen.append(
            {
                "gebied_code": code,
                "gebied_soort": _soort(code),
                "gebied_naam": r["gebied"],
                "actielijn": r["actielijn"],
                "regeling": r["regeling"],
                "kenmerk": r["kenmerk"],
                "maat": maat["maat"],
                "waarde_min": wmin,
                "waarde_max": wmax,
                "bandbreedte": wmin != wmax,
                "eenheid": r["eenheid"],
                "periode": r["periode"],
                "peiljaar": jaar,
                "publicatiedatum": date(jaar, maand, dag),
                "kamerstuk": f"Kamerstuk {kamerstuk.group(1)} nr. {kamerstuk.group(2)}",
                "bron": r["bron"],
                "woordkeuze": woord.group(1) if woord else None,
                "toelichting": r["toelichting"],
                "aantal_gebieden": maat.get("aantal_gebieden"),
                "bron_rij": i,
                "bron_sha256": bron_sha256,
            }
        )
    if fouten:
        raise GepubliceerdFout(f"{BRONTABEL} ({GEPUBLICEERD_CSV}): " + "; ".join(fouten))
    return pl.DataFrame(rijen, schema=CIJFERS_SCHEMA)


CIJFERS_SCHEMA: dict[str, pl.DataType] = {
    "gebied_code": pl.String(),
    "gebied_soort": pl.String(),
    "gebied_naam": pl.String(),
    "actielijn": pl.String(),
    "regeling": pl.String(),
    "kenmerk": pl.String(),
    "maat": pl.String(),
    "waarde_min": pl.Float64(),
    "waarde_max": pl.Float64(),
    "bandbreedte": pl.Boolean(),
    "eenheid": pl.String(),
    "periode": pl.String(),
    "peiljaar": pl.Int64(),
    "publicatiedatum": pl.Date(),
    "kamerstuk": pl.String(),
    "bron": pl.String(),
    "woordkeuze": pl.String(),
    "toelichting": pl.String(),
    "aantal_gebieden": pl.Int64(),
    "bron_rij": pl.Int64(),
    "bron_sha256": pl.String(),
}

GEBIED_SCHEMA: dict[str, pl.DataType] = {
    "gebied_code": pl.String(),
    "jaar": pl.Int64(),
    "regeling": pl.String(),
    "kenmerk": pl.String(),
    "maat": pl.String(),
    "waarde": pl.Float64(),
    "eenheid": pl.String(),
    "peildatum": pl.Date(),
    "bron": pl.String(),
    "bestand": pl.String(),
    "bestand_sha256": pl.String(),
    "ontvangen_op": pl.Datetime("us"),
}


def lees_gebiedsexport(pad: Path) -> pl.DataFrame:
    """Read and check one per-area scheme export (CSV, see assets/regelingen/README.md)."""
    pad = Path(pad)
    naam = pad.name
    fmt = exportformaat()
    kolommen: list[str] = fmt["kolommen"]
    if not pad.is_file() or pad.suffix.lower() != ".csv":
        raise RegelingFout(naam, [Melding(naam, "verwacht een bestaand .csv-bestand.")])
    tekst = pad.read_bytes().decode("utf-8-sig", errors="replace")
    regels = tekst.splitlines()
    if not regels:
        raise RegelingFout(naam, [Melding(naam, "het bestand is leeg.")])
    scheiding = ";" if regels[0].count(";") >= regels[0].count(",") else ","
    alle = list(csv.reader(io.StringIO(tekst, newline=""), delimiter=scheiding))
    kop = [k.strip() for k in alle[0]]
    fouten: list[Melding] = []
    ontbreekt = [k for k in kolommen if k not in kop]
    extra = [k for k in kop if k not in kolommen]
    if ontbreekt or extra:
        fouten.append(
            Melding(
                naam,
                f"de kolommen kloppen niet met het formaat ({', '.join(kolommen)}): "
                f"ontbreekt {ontbreekt or '-'}, onbekend {extra or '-'}.",
                rij=1,
            )
        )
        raise RegelingFout(naam, fouten)
    codes = gebieden.focusgebieden()
    regelingen: dict[str, Any] = fmt["regelingen"]
    gezien: dict[tuple[str, int, str, str], int] = {}
    rijen: list[dict[str, Any]] = []
    for nr, ruw in enumerate(alle[1:], start=2):
        if not any(w.strip() for w in ruw):
            continue
        r = {k: (ruw[j].strip() if j < len(ruw) else "") for j, k in enumerate(kop)}

        def fout(kolom: str, tekst: str, nr: int = nr) -> None:
            fouten.append(Melding(naam, tekst, rij=nr, kolom=kolom))

        if r["gebied_code"] not in codes:
            fout(
                "gebied_code",
                f"onbekend gebied {r['gebied_code']!r} (geldig: {', '.join(sorted(codes))}).",
            )
        jaar = int(r["jaar"]) if r["jaar"].isdigit() else None
        if jaar is None or not 2000 <= jaar <= 2100:
            fout("jaar", f"{r['jaar']!r} is geen jaartal.")
        reg = regelingen.get(r["regeling"])
        eenheid = None
        if reg is None:
            fout(
                "regeling",
                f"onbekende regeling {r['regeling']!r} (kies uit {', '.join(regelingen)}).",
            )
        elif r["kenmerk"] not in reg["kenmerken"]:
            fout(
                "kenmerk",
                f"regeling {r['regeling']} kent het kenmerk {r['kenmerk']!r} niet "
                f"(kies uit {', '.join(reg['kenmerken'])}).",
            )
        else:
            eenheid = reg["kenmerken"][r["kenmerk"]]
            if r["eenheid"] != eenheid:
                fout(
                    "eenheid",
                    f"de eenheid van {r['regeling']} {r['kenmerk']} is {eenheid!r}, niet {r['eenheid']!r}.",
                )
        waarde: float | None = None
        try:
            waarde = float(r["waarde"].replace(",", "."))
        except ValueError:
            fout("waarde", f"verwacht een getal, maar er staat {r['waarde']!r}.")
        if waarde is not None:
            if waarde < 0:
                fout(
                    "waarde",
                    f"een aantal of bedrag kan niet negatief zijn (gevonden: {r['waarde']}).",
                )
            elif eenheid == "woningen" and not waarde.is_integer():
                fout(
                    "waarde", f"een aantal woningen is een geheel getal (gevonden: {r['waarde']})."
                )
        try:
            peildatum = date.fromisoformat(r["peildatum"])
        except ValueError:
            peildatum = None
            fout(
                "peildatum", f"verwacht een datum als JJJJ-MM-DD, maar er staat {r['peildatum']!r}."
            )
        if not r["bron"]:
            fout("bron", "vul de bron in (administratie of document waaruit het cijfer komt).")
        if jaar is not None:
            sleutel = (r["gebied_code"], jaar, r["regeling"], r["kenmerk"])
            if sleutel in gezien:
                fout(
                    "kenmerk",
                    f"{r['regeling']} {r['kenmerk']} voor {r['gebied_code']} {jaar} staat er "
                    f"twee keer in (ook in rij {gezien[sleutel]}).",
                )
            gezien.setdefault(sleutel, nr)
        rijen.append(
            {
                **r,
                "jaar": jaar,
                "waarde": waarde,
                "peildatum": peildatum,
                "maat": f"{(reg or {}).get('maat_prefix', r['regeling'])}_{r['kenmerk']}",
            }
        )
    if not rijen:
        fouten.append(Melding(naam, "het bestand bevat geen cijfers."))
    if fouten:
        raise RegelingFout(naam, fouten)
    sha, ontvangen = sha256_bestand(pad), ontvangen_op(pad)
    return pl.DataFrame(
        [{**r, "bestand": naam, "bestand_sha256": sha, "ontvangen_op": ontvangen} for r in rijen],
        schema=GEBIED_SCHEMA,
    )


def lees_exportmap(map_: Path) -> tuple[pl.DataFrame, list[RegelingFout]]:
    """All exports in ``map_``: accepted rows (newest file wins per key) and the rejected files."""
    goed: list[pl.DataFrame] = []
    fout: list[RegelingFout] = []
    for pad in bestanden_in_map(map_, (".csv",)):
        try:
            goed.append(lees_gebiedsexport(pad))
        except RegelingFout as exc:
            fout.append(exc)
    if not goed:
        return pl.DataFrame(schema=GEBIED_SCHEMA), fout
    df = (
        pl.concat(goed)
        .sort(["ontvangen_op", "bestand"])
        .unique(["gebied_code", "jaar", "regeling", "kenmerk"], keep="last", maintain_order=True)
        .sort(["gebied_code", "jaar", "regeling", "kenmerk"])
    )
    return df, fout
