"""Reading and checking the areas' returns (xlsx or csv made from the template).

A return is checked as a whole: every fault is collected into a ``Melding`` that names the file,
sheet, row and column in words a civil servant understands, and one fault rejects the whole file
(``RetourFout``). Only a return without faults becomes a ``Retour``; what happens to it (history,
replacement of an earlier version) is decided in ``verwerk_map``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from nplv_monitor.bronnen.snapshot import sha256_bestand
from nplv_monitor.geografie import gebieden
from nplv_monitor.realisatie import uitvraag
from nplv_monitor.realisatie.meldingen import Melding, RetourFout
from nplv_monitor.realisatie.template import BLAD, KOLOMMEN

EXTENSIES = (".xlsx", ".csv")
_GETAL = re.compile(r"^[+-]?\d+([.,]\d+)?$")

#: Columns of the answer rows (realisatie.retouren_antwoorden / _historie share them).
ANTWOORD_SCHEMA: dict[str, pl.DataType] = {
    "gebied_code": pl.String(),
    "jaar": pl.Int64(),
    "vraag_id": pl.String(),
    "nummer": pl.Int64(),
    "onderdeel": pl.String(),
    "soort": pl.String(),
    "eenheid": pl.String(),
    "maat": pl.String(),
    "waarde": pl.Float64(),
    "tekst": pl.String(),
    "toelichting": pl.String(),
    "bestand": pl.String(),
    "bestand_sha256": pl.String(),
    "ontvangen_op": pl.Datetime("us"),
}


@dataclass(frozen=True)
class Retour:
    """An accepted return: one row per question of the uitvraag (unanswered: waarde/tekst null)."""

    bestand: str
    sha256: str
    gebied: str
    jaar: int
    ontvangen_op: datetime
    antwoorden: pl.DataFrame


@dataclass
class _Rij:
    nummer: int  # row number as the user sees it (Excel row, CSV line)
    waarden: dict[str, Any]


@dataclass
class _Tabel:
    blad: str | None
    kolomletter: dict[str, str]  # column name → letter (xlsx) or position (csv)
    rijen: list[_Rij]


def ontvangen_op(pad: Path) -> datetime:
    """When the file was dropped: its modification time, in UTC (stored without zone)."""
    return datetime.fromtimestamp(pad.stat().st_mtime, tz=UTC).replace(tzinfo=None)


# -- reading the raw table ----------------------------------------------------------------------
def _kop(waarden: list[Any]) -> list[str]:
    kop = ["" if w is None else str(w).strip() for w in waarden]
    while kop and kop[-1] == "":
        kop.pop()
    return kop


def _lees_xlsx(pad: Path, naam: str, fouten: list[Melding]) -> _Tabel | None:
    try:
        wb = load_workbook(pad, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        fouten.append(
            Melding(naam, "dit is geen leesbaar Excel-bestand (.xlsx); gebruik het sjabloon.")
        )
        return None
    if BLAD not in wb.sheetnames:
        fouten.append(
            Melding(
                naam,
                f"het blad '{BLAD}' ontbreekt (gevonden: {', '.join(wb.sheetnames)}); "
                "het sjabloon is gewijzigd — gebruik een nieuw sjabloon.",
            )
        )
        return None
    ws = wb[BLAD]
    alle = [list(r) for r in ws.iter_rows(values_only=True)]
    koprij = next(
        (i for i, r in enumerate(alle[:50]) if "vraag_id" in _kop(r) or "gebied" in _kop(r)[:1]),
        None,
    )
    if koprij is None:
        fouten.append(
            Melding(
                naam,
                "de kopregel met de kolomnamen (gebied, jaar, vraag_id, …) is niet "
                "gevonden; het sjabloon is gewijzigd — gebruik een nieuw sjabloon.",
                blad=BLAD,
            )
        )
        return None
    kop = _kop(alle[koprij])
    letters = {k: get_column_letter(i + 1) for i, k in enumerate(kop) if k}
    rijen = [
        _Rij(i + 1, {k: (r[j] if j < len(r) else None) for j, k in enumerate(kop) if k})
        for i, r in enumerate(alle[koprij + 1 :], start=koprij + 1)
        if any(w not in (None, "") for w in r)
    ]
    _controleer_kop(kop, naam, BLAD, koprij + 1, fouten)
    return _Tabel(BLAD, letters, rijen)


def _lees_csv(pad: Path, naam: str, fouten: list[Melding]) -> _Tabel | None:
    ruw = pad.read_bytes()
    try:
        tekst = ruw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page.
        tekst = ruw.decode("cp1252", errors="replace")
    regels = tekst.splitlines()
    if not regels:
        fouten.append(Melding(naam, "het bestand is leeg."))
        return None
    scheiding = ";" if regels[0].count(";") >= regels[0].count(",") else ","
    lezer = csv.reader(io.StringIO(tekst, newline=""), delimiter=scheiding)
    try:
        alle = list(lezer)
    except csv.Error as exc:
        fouten.append(Melding(naam, f"het CSV-bestand is onleesbaar ({exc})."))
        return None
    kop = _kop(alle[0])
    letters = {k: f"{i + 1} ({k})" for i, k in enumerate(kop) if k}
    rijen = [
        _Rij(i + 1, {k: (r[j] if j < len(r) else None) for j, k in enumerate(kop) if k})
        for i, r in enumerate(alle[1:], start=1)
        if any(w.strip() for w in r)
    ]
    _controleer_kop(kop, naam, None, 1, fouten)
    return _Tabel(None, letters, rijen)


def _controleer_kop(
    kop: list[str], naam: str, blad: str | None, rij: int, fouten: list[Melding]
) -> None:
    ontbreekt = [k for k in KOLOMMEN if k not in kop]
    extra = [k for k in kop if k and k not in KOLOMMEN]
    dubbel = sorted({k for k in kop if k and kop.count(k) > 1})
    if ontbreekt:
        fouten.append(
            Melding(
                naam,
                f"kolom(men) {', '.join(ontbreekt)} ontbreken of zijn hernoemd; het "
                "sjabloon is gewijzigd — gebruik een nieuw sjabloon.",
                blad=blad,
                rij=rij,
            )
        )
    if extra:
        fouten.append(
            Melding(
                naam,
                f"onbekende kolom(men) {', '.join(extra)}; het sjabloon is gewijzigd — "
                "gebruik een nieuw sjabloon.",
                blad=blad,
                rij=rij,
            )
        )
    if dubbel:
        fouten.append(
            Melding(
                naam, f"kolom(men) {', '.join(dubbel)} staan er twee keer in.", blad=blad, rij=rij
            )
        )


# -- checking values ----------------------------------------------------------------------------
def _tekst(w: Any) -> str:
    if w is None:
        return ""
    if isinstance(w, float) and w.is_integer():
        return str(int(w))
    return str(w).strip()


def _getal(w: Any) -> float | str | None:
    """A number, None for an empty cell, or the offending text."""
    if w is None or (isinstance(w, str) and not w.strip()):
        return None
    if isinstance(w, bool):
        return str(w)
    if isinstance(w, int | float):
        return float(w)
    s = str(w).strip()
    if _GETAL.match(s):
        return float(s.replace(",", "."))
    return s


def _beschrijf(getal: float) -> str:
    return str(int(getal)) if getal.is_integer() else str(getal).replace(".", ",")


def _controleer_antwoord(
    u: uitvraag.Uitvraag, v: uitvraag.Vraag, ruw: Any, melding: Any
) -> tuple[float | None, str | None]:
    """Check one answer; returns (waarde, tekst) or calls ``melding`` with the fault."""
    if v.soort == "tekst":
        t = _tekst(ruw)
        if len(t) > u.tekst_max_tekens:
            melding(
                f"vraag {v.id}: het antwoord is {len(t)} tekens lang; hoogstens {u.tekst_max_tekens} toegestaan."
            )
        return None, (t or None)
    g = _getal(ruw)
    if g is None:
        return None, None
    if isinstance(g, str):
        melding(f"vraag {v.id} verwacht een getal ({u.toegestaan(v)}), maar er staat tekst: {g!r}.")
        return None, None
    if v.soort == "aantal":
        if g < 0:
            melding(f"vraag {v.id}: een aantal kan niet negatief zijn (gevonden: {_beschrijf(g)}).")
        elif not g.is_integer():
            melding(
                f"vraag {v.id}: een aantal moet een geheel getal zijn (gevonden: {_beschrijf(g)})."
            )
    elif v.soort == "fte":
        if g < 0:
            melding(
                f"vraag {v.id}: het aantal fte kan niet negatief zijn (gevonden: {_beschrijf(g)})."
            )
    elif v.soort == "percentage":
        if not 0 <= g <= 100:
            melding(
                f"vraag {v.id}: een percentage ligt tussen 0 en 100 (gevonden: {_beschrijf(g)})."
            )
    elif v.soort == "oordeel" and (not g.is_integer() or int(g) not in u.oordeelschaal):
        schaal = ", ".join(str(k) for k in sorted(u.oordeelschaal))
        melding(f"vraag {v.id}: het oordeel {_beschrijf(g)} valt buiten de schaal ({schaal}).")
    return g, None


def _controleer(
    tabel: _Tabel, naam: str, verwacht_jaar: int | None, fouten: list[Melding]
) -> tuple[str, int, list[dict[str, Any]]] | None:
    blad, letter = tabel.blad, tabel.kolomletter

    def plek(rij: _Rij, kolom: str) -> dict[str, Any]:
        return {
            "blad": blad,
            "rij": rij.nummer,
            "kolom": f"{letter.get(kolom, '?')} ({kolom})" if blad else letter.get(kolom, kolom),
        }

    if not tabel.rijen:
        fouten.append(Melding(naam, "het bestand bevat geen vragen.", blad=blad))
        return None

    # Area and year: the same on every row, a known area and a year with an uitvraag.
    codes = gebieden.focusgebieden()
    gebiedswaarden: dict[str, int] = {}
    for rij in tabel.rijen:
        g = _tekst(rij.waarden.get("gebied"))
        if g not in codes:
            fouten.append(
                Melding(
                    naam,
                    f"onbekend gebied {g!r}; gebruik het sjabloon van uw eigen gebied "
                    f"(geldige codes: {', '.join(sorted(codes))}).",
                    **plek(rij, "gebied"),
                )
            )
        else:
            gebiedswaarden.setdefault(g, rij.nummer)
    if len(gebiedswaarden) > 1:
        fouten.append(
            Melding(
                naam,
                "het bestand bevat meer dan één gebied ("
                + ", ".join(f"{g} vanaf rij {r}" for g, r in gebiedswaarden.items())
                + "); stuur per gebied een eigen retour.",
                blad=blad,
            )
        )
    jaren: dict[int, int] = {}
    for rij in tabel.rijen:
        j = _getal(rij.waarden.get("jaar"))
        if not isinstance(j, float) or not j.is_integer():
            fouten.append(
                Melding(
                    naam,
                    f"het jaar {_tekst(rij.waarden.get('jaar'))!r} is geen jaartal.",
                    **plek(rij, "jaar"),
                )
            )
        else:
            jaren.setdefault(int(j), rij.nummer)
    if len(jaren) > 1:
        fouten.append(
            Melding(
                naam,
                "het bestand bevat meer dan één jaar ("
                + ", ".join(f"{j} vanaf rij {r}" for j, r in jaren.items())
                + ").",
                blad=blad,
            )
        )
    u: uitvraag.Uitvraag | None = None
    if len(jaren) == 1:
        jaar, rijnr = next(iter(jaren.items()))
        if verwacht_jaar is not None and jaar != verwacht_jaar:
            fouten.append(
                Melding(
                    naam,
                    f"dit is een retour voor {jaar}, maar de uitvraag van {verwacht_jaar} "
                    "wordt verwacht; gebruik het sjabloon van dat jaar.",
                    blad=blad,
                    rij=rijnr,
                    kolom=plek(tabel.rijen[0], "jaar")["kolom"],
                )
            )
        elif jaar not in uitvraag.beschikbare_jaren():
            beschikbaar = ", ".join(str(j) for j in uitvraag.beschikbare_jaren())
            fouten.append(
                Melding(
                    naam,
                    f"voor het jaar {jaar} bestaat geen uitvraag (wel voor: {beschikbaar}).",
                    blad=blad,
                    rij=rijnr,
                    kolom=plek(tabel.rijen[0], "jaar")["kolom"],
                )
            )
        else:
            u = uitvraag.laad(jaar)
    if u is None:
        return None

    # Questions: each one exactly once, unchanged, with an answer of the right kind.
    gezien: dict[str, int] = {}
    uit: list[dict[str, Any]] = []
    for rij in tabel.rijen:
        vid = _tekst(rij.waarden.get("vraag_id"))
        v = u.vraag(vid)
        if v is None:
            fouten.append(
                Melding(
                    naam,
                    f"onbekende vraag {vid!r}: de uitvraag {u.jaar} kent de vragen "
                    f"{', '.join(x.id for x in u.vragen)}.",
                    **plek(rij, "vraag_id"),
                )
            )
            continue
        if vid in gezien:
            fouten.append(
                Melding(
                    naam,
                    f"vraag {vid} is twee keer beantwoord (ook in rij {gezien[vid]}); "
                    "laat per vraag één regel staan.",
                    **plek(rij, "vraag_id"),
                )
            )
            continue
        gezien[vid] = rij.nummer
        verwacht = {"onderdeel": v.onderdeel, "vraag": v.vraag, "soort": v.soort, "eenheid": v.eenheid,
                    "toegestane_waarden": u.toegestaan(v)}  # fmt: skip
        for kolom, waarde in verwacht.items():
            if " ".join(_tekst(rij.waarden.get(kolom)).split()) != " ".join(waarde.split()):
                fouten.append(
                    Melding(
                        naam,
                        f"vraag {vid}: de {kolom} is gewijzigd ({_tekst(rij.waarden.get(kolom))!r} "
                        f"in plaats van {waarde!r}); het sjabloon is gewijzigd — gebruik een nieuw sjabloon.",
                        **plek(rij, kolom),
                    )
                )

        def melding(tekst: str, rij: _Rij = rij, kolom: str = "antwoord") -> None:
            fouten.append(Melding(naam, tekst, **plek(rij, kolom)))

        waarde_, tekst_ = _controleer_antwoord(u, v, rij.waarden.get("antwoord"), melding)
        toel = _tekst(rij.waarden.get("toelichting")) or None
        if toel and len(toel) > u.tekst_max_tekens:
            melding(
                f"vraag {vid}: de toelichting is {len(toel)} tekens lang; hoogstens {u.tekst_max_tekens}.",
                kolom="toelichting",
            )
        uit.append(
            {
                "vraag_id": vid,
                "nummer": v.nummer,
                "onderdeel": v.onderdeel,
                "soort": v.soort,
                "eenheid": v.eenheid,
                "maat": v.maat,
                "waarde": waarde_,
                "tekst": tekst_,
                "toelichting": toel,
            }
        )
    ontbrekend = [v.id for v in u.vragen if v.id not in gezien]
    if ontbrekend:
        fouten.append(
            Melding(
                naam,
                f"vraag {', '.join(ontbrekend)} ontbreekt; het sjabloon is gewijzigd "
                "(regels verwijderd) — gebruik een nieuw sjabloon.",
                blad=blad,
            )
        )
    if uit and all(r["waarde"] is None and r["tekst"] is None for r in uit):
        fouten.append(Melding(naam, "er is geen enkele vraag beantwoord.", blad=blad))
    if len(gebiedswaarden) != 1:
        return None
    return next(iter(gebiedswaarden)), u.jaar, uit


def lees_retour(pad: Path, *, verwacht_jaar: int | None = None) -> Retour:
    """Read and check one return; ``RetourFout`` with every fault when it is not acceptable."""
    pad = Path(pad)
    naam = pad.name
    fouten: list[Melding] = []
    if not pad.is_file():
        raise RetourFout(naam, [Melding(naam, f"het bestand {pad} bestaat niet.")])
    if pad.suffix.lower() not in EXTENSIES:
        raise RetourFout(
            naam,
            [Melding(naam, "alleen .xlsx- en .csv-bestanden (uit het sjabloon) worden ingelezen.")],
        )
    tabel = (
        _lees_xlsx(pad, naam, fouten)
        if pad.suffix.lower() == ".xlsx"
        else _lees_csv(pad, naam, fouten)
    )
    resultaat = (
        _controleer(tabel, naam, verwacht_jaar, fouten)
        if tabel is not None and not fouten
        else None
    )
    if fouten or resultaat is None:
        raise RetourFout(
            naam, fouten or [Melding(naam, "het bestand kon niet worden gecontroleerd.")]
        )
    gebied, jaar, antwoorden = resultaat
    sha, ontvangen = sha256_bestand(pad), ontvangen_op(pad)
    df = pl.DataFrame(
        [
            {
                **a,
                "gebied_code": gebied,
                "jaar": jaar,
                "bestand": naam,
                "bestand_sha256": sha,
                "ontvangen_op": ontvangen,
            }
            for a in antwoorden
        ],
        schema=ANTWOORD_SCHEMA,
    )
    return Retour(naam, sha, gebied, jaar, ontvangen, df)


# -- the drop folder ----------------------------------------------------------------------------
HISTORIE_SCHEMA: dict[str, pl.DataType] = {
    **ANTWOORD_SCHEMA,
    "versie": pl.Int64(),
    "actueel": pl.Boolean(),
    "vervangen_op": pl.Datetime("us"),
}
AFGEWEZEN_SCHEMA: dict[str, pl.DataType] = {
    "bestand": pl.String(),
    "bestand_sha256": pl.String(),
    "ontvangen_op": pl.Datetime("us"),
    "volgnummer": pl.Int64(),
    "blad": pl.String(),
    "rij": pl.Int64(),
    "kolom": pl.String(),
    "melding": pl.String(),
}


@dataclass(frozen=True)
class Verwerking:
    """The three return tables after reading a drop folder, and what this run added."""

    historie: pl.DataFrame
    antwoorden: pl.DataFrame
    afgewezen: pl.DataFrame
    geaccepteerd: list[str]
    geweigerd: list[RetourFout]
    al_bekend: list[str]


def bestanden_in_map(
    map_: Path, extensies: set[str] | frozenset[str] | tuple[str, ...]
) -> list[Path]:
    """Regular files directly in a drop folder, never anything that leads outside it.

    Symlinks are skipped without being opened: a link in the drop folder could point at any file
    on the server, and its content would end up in a rejection message. Excel's own lock files
    (``~$…``) and hidden files are skipped too.
    """
    if not map_.is_dir():
        return []
    basis = map_.resolve()
    return sorted(
        p
        for p in map_.iterdir()
        if not p.is_symlink()
        and p.is_file()
        and p.resolve().parent == basis
        and p.suffix.lower() in extensies
        and not p.name.startswith(("~$", "."))
    )


def retourbestanden(map_: Path) -> list[Path]:
    """Return files in the drop folder (see :func:`bestanden_in_map`)."""
    return bestanden_in_map(map_, EXTENSIES)


def _versies(historie: pl.DataFrame) -> pl.DataFrame:
    """Number the versions per area and year by receipt; the newest is the current one."""
    per_bestand = (
        historie.select("gebied_code", "jaar", "bestand_sha256", "ontvangen_op", "bestand")
        .unique("bestand_sha256")
        .sort(["ontvangen_op", "bestand"])
        .with_columns(
            pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
            .over(["gebied_code", "jaar"])
            .alias("versie"),
            pl.col("ontvangen_op").shift(-1).over(["gebied_code", "jaar"]).alias("vervangen_op"),
        )
        .with_columns(pl.col("vervangen_op").is_null().alias("actueel"))
        .select("bestand_sha256", "versie", "actueel", "vervangen_op")
    )
    return (
        historie.drop("versie", "actueel", "vervangen_op", strict=False)
        .join(per_bestand, on="bestand_sha256", how="left")
        .select(list(HISTORIE_SCHEMA))
        .cast(HISTORIE_SCHEMA)  # type: ignore[arg-type]
        .sort(["gebied_code", "jaar", "versie", "nummer", "vraag_id"])
    )


def verwerk_map(
    map_: Path,
    historie: pl.DataFrame | None = None,
    afgewezen: pl.DataFrame | None = None,
) -> Verwerking:
    """Read every new file in ``map_`` on top of the stored history and rejections.

    A file already seen (same sha256, accepted or rejected) is not read again. A rejected file
    adds its messages to ``afgewezen`` and changes nothing else; an accepted one becomes the current
    version for its area and year when it is the newest received, the earlier ones stay in history.
    """
    historie = historie if historie is not None else pl.DataFrame(schema=HISTORIE_SCHEMA)
    afgewezen = afgewezen if afgewezen is not None else pl.DataFrame(schema=AFGEWEZEN_SCHEMA)
    bekend = set(historie["bestand_sha256"].to_list()) | set(afgewezen["bestand_sha256"].to_list())
    nieuw: list[pl.DataFrame] = []
    fout_rijen: list[dict[str, Any]] = []
    geaccepteerd: list[str] = []
    geweigerd: list[RetourFout] = []
    al_bekend: list[str] = []
    for pad in retourbestanden(map_):
        sha = sha256_bestand(pad)
        if sha in bekend:
            al_bekend.append(pad.name)
            continue
        bekend.add(sha)
        try:
            retour = lees_retour(pad)
        except RetourFout as fout:
            geweigerd.append(fout)
            ontvangen = ontvangen_op(pad)
            fout_rijen.extend(
                {
                    "bestand": pad.name,
                    "bestand_sha256": sha,
                    "ontvangen_op": ontvangen,
                    "volgnummer": i,
                    "blad": m.blad,
                    "rij": m.rij,
                    "kolom": m.kolom,
                    "melding": str(m),
                }
                for i, m in enumerate(fout.meldingen, start=1)
            )
            continue
        geaccepteerd.append(pad.name)
        nieuw.append(retour.antwoorden)
    alle = pl.concat([historie.select(list(ANTWOORD_SCHEMA)), *nieuw], how="vertical")
    hist = _versies(alle)
    af = pl.concat([afgewezen, pl.DataFrame(fout_rijen, schema=AFGEWEZEN_SCHEMA)], how="vertical")
    return Verwerking(
        historie=hist,
        antwoorden=hist.filter(pl.col("actueel")).select(list(ANTWOORD_SCHEMA)),
        afgewezen=af.sort(["ontvangen_op", "bestand", "volgnummer"]),
        geaccepteerd=geaccepteerd,
        geweigerd=geweigerd,
        al_bekend=al_bekend,
    )


def procesvragen(antwoorden: pl.DataFrame) -> pl.DataFrame:
    """realisatie.procesvragen: the process questions (onderdeel proces) of the current returns."""
    rijen: list[dict[str, Any]] = []
    for r in antwoorden.filter(pl.col("onderdeel") == "proces").iter_rows(named=True):
        u = uitvraag.laad(r["jaar"])
        v = u.vraag(r["vraag_id"])
        oordeel = int(r["waarde"]) if r["soort"] == "oordeel" and r["waarde"] is not None else None
        rijen.append(
            {
                "gebied_code": r["gebied_code"],
                "jaar": r["jaar"],
                "vraag_id": r["vraag_id"],
                "vraag": v.vraag if v else "",
                "soort": r["soort"],
                "oordeel": oordeel,
                "oordeel_label": u.oordeelschaal.get(oordeel) if oordeel is not None else None,
                "percentage": r["waarde"] if r["soort"] == "percentage" else None,
                "tekst": r["tekst"],
                "toelichting": r["toelichting"],
                "bestand_sha256": r["bestand_sha256"],
            }
        )
    return pl.DataFrame(
        rijen,
        schema={
            "gebied_code": pl.String,
            "jaar": pl.Int64,
            "vraag_id": pl.String,
            "vraag": pl.String,
            "soort": pl.String,
            "oordeel": pl.Int64,
            "oordeel_label": pl.String,
            "percentage": pl.Float64,
            "tekst": pl.String,
            "toelichting": pl.String,
            "bestand_sha256": pl.String,
        },
    )
