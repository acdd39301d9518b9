"""The source registry (``assets/bronnen.yaml``): what every source is, in one place.

Everything about a source is derived from this file: the ``bron.*`` assets (one per entry; KWB one
partition per year), the reshape into ``metingen`` (each entry's ``metingen`` blocks), the
catalogue's year→table map, the indelingen of the geography, ``nplv-monitor ophalen`` and the
online path. No Python module names a CBS table id; they ask this module.

The file is read lazily (never at import time) and cached per path; ``NPLV_BRONNENREGISTER`` points
at another copy (a test adds a year to a temporary copy that way).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from nplv_monitor.config import ASSETS_DIR
from nplv_monitor.errors import BronFout
from nplv_monitor.yamlbestand import lees_yaml

STANDAARD_PAD = ASSETS_DIR / "bronnen.yaml"
#: Backwards-compatible name of the shipped registry's path.
REGISTER_PAD = STANDAARD_PAD
CATALOGI = frozenset({"opendata.cbs.nl", "dataderden.cbs.nl", "bestand"})
SNAPSHOT_STATUS = frozenset({"volledig", "afgekapt", "metadata", "extract", "nee"})
SLEUTELWIJZEN = frozenset({"cbs", "kolom"})
NIVEAUS = frozenset({"buurt", "wijk", "gemeente"})
#: The entry whose tables are Kerncijfers wijken en buurten (one table id per year).
KWB = "kwb"


def register_pad() -> Path:
    return Path(os.environ.get("NPLV_BRONNENREGISTER") or STANDAARD_PAD).resolve()


@dataclass(frozen=True)
class TabelInfo:
    """One CBS table (one year of one source)."""

    tabel_id: str
    catalogus: str  # opendata.cbs.nl or dataderden.cbs.nl
    titel: str
    bron: str  # the registry entry (kwb, veiligheidsmonitor, ...)
    jaar: int
    in_snapshot: str  # what the shipped snapshot held when the register was written
    opmerking: str = ""

    @property
    def reeks(self) -> str:
        return self.bron

    @property
    def dataset(self) -> str:
        """The dataset name in the snapshot manifest (``cbs/<id>``)."""
        return f"cbs/{self.tabel_id}"


@dataclass(frozen=True)
class Jaarwaarde:
    """How a year (peiljaar, indelingsjaar) is found: the table year, a fixed year, a column, or
    none (a source without a CBS indeling)."""

    soort: str  # tabeljaar | kaartjaar | vast | kolom | geen
    jaar: int | None = None
    kolom: str | None = None


@dataclass(frozen=True)
class Regio:
    """Which columns give a region's code, kind and name."""

    code: str | None = None
    soort: str | None = None
    naam: str | None = None
    code_uit_naam: str | None = None  # "Rotterdam (GM)" → gemeente code via KWB names
    codes: dict[str, str] = field(default_factory=dict)  # code replacements (NL01 → NL00)


@dataclass(frozen=True)
class Metingbron:
    """The reshape of one bron table into metingen.metingen (a ``metingen`` block)."""

    code: str  # what variabelen.yaml names as ``bron``
    naam: str
    niveau: str
    tabel: str  # the registry entry it reads (bron.<tabel>, or bron.kwb_<jaar>)
    sleutels: str  # cbs | kolom
    regio: Regio
    peiljaar: Jaarwaarde
    indelingsjaar: Jaarwaarde
    filter: dict[str, str] = field(default_factory=dict)
    jaar: int | None = None  # KWB: only the table of this year
    alleen_codes_uit: tuple[str, str] | None = None  # (bron table, column)
    tabel_id: str | None = None  # non-CBS: the id recorded in metingen (a file path)
    #: (column, lower-bound value, upper-bound value): rows of a survey table that hold the 95%
    #: interval of the value rows (Veiligheidsmonitor ``Marges``); metingen.marge = half its width
    marges: tuple[str, str, str] | None = None
    #: column name → SQL expression over the table's columns, added before the reshape (a
    #: Leefbaarometer class turned into 0/100 so that % × inwoners counts the inhabitants in it)
    afgeleid: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Bron:
    """One entry of the registry: a ``bron.*`` table (KWB: one per year)."""

    naam: str
    titel: str
    beschrijving: str
    uitgever: str
    licentie: str
    catalogus: str
    lezer: str
    tabellen: dict[int, TabelInfo]
    bestanden: tuple[str, ...]
    metingen: tuple[Metingbron, ...]
    entiteit: str | None = None
    indeling: bool = False
    typen: dict[str, str] = field(default_factory=dict)
    indeling_inwoners: int | None = None

    @property
    def per_jaar(self) -> bool:
        """One bron table per year (KWB) rather than one table for the source."""
        return self.naam == KWB

    @property
    def is_cbs(self) -> bool:
        return self.catalogus != "bestand"

    def tabel_id(self) -> str | None:
        """The CBS table id of a single-table source (None for files)."""
        if not self.tabellen:
            return None
        ids = {t.tabel_id for t in self.tabellen.values()}
        if len(ids) != 1:
            raise BronFout(f"Bron {self.naam} heeft meer dan één tabel: {sorted(ids)}.")
        return next(iter(ids))

    def bestanden_van(self, tabel_id: str | None = None) -> list[str]:
        tid = tabel_id or self.tabel_id() or ""
        return [b.format(id=tid) for b in self.bestanden]


@dataclass(frozen=True)
class Register:
    pad: Path
    bronnen: dict[str, Bron]

    def bron(self, naam: str) -> Bron:
        try:
            return self.bronnen[naam]
        except KeyError:
            raise BronFout(
                f"Bron {naam!r} staat niet in het bronnenregister {self.pad}; bekend: "
                f"{', '.join(self.bronnen)}."
            ) from None

    def metingbronnen(self) -> list[Metingbron]:
        return [m for b in self.bronnen.values() for m in b.metingen]

    def metingbron(self, code: str) -> Metingbron:
        for m in self.metingbronnen():
            if m.code == code:
                return m
        raise BronFout(f"Geen metingbron {code!r} in het bronnenregister {self.pad}.")

    def tabellen(self) -> list[TabelInfo]:
        gezien: dict[str, TabelInfo] = {}
        for b in self.bronnen.values():
            for t in b.tabellen.values():
                gezien.setdefault(t.tabel_id, t)
        return list(gezien.values())


# -- reading -----------------------------------------------------------------------------------


def _fout(pad: Path, waar: str, melding: str) -> BronFout:
    return BronFout(f"{pad}: {waar}: {melding}")


def _jaarwaarde(pad: Path, waar: str, ruw: Any) -> Jaarwaarde:
    if ruw == "tabeljaar":
        return Jaarwaarde("tabeljaar")
    if ruw == "kaartjaar":
        # The MapYear of the table's region dimension (DataProperties, Type GeoDetail): the CBS
        # indeling the region codes follow, which is not always the table year.
        return Jaarwaarde("kaartjaar")
    if ruw in ("geen", None):
        return Jaarwaarde("geen")
    if isinstance(ruw, int) and not isinstance(ruw, bool):
        return Jaarwaarde("vast", jaar=ruw)
    if isinstance(ruw, dict) and set(ruw) == {"kolom"}:
        return Jaarwaarde("kolom", kolom=str(ruw["kolom"]))
    raise _fout(
        pad, waar, f"{ruw!r}: verwacht tabeljaar, kaartjaar, geen, een jaartal of {{kolom: <naam>}}"
    )


def _tabellen(pad: Path, naam: str, v: dict[str, Any]) -> dict[int, TabelInfo]:
    uit: dict[int, TabelInfo] = {}
    for jaar, t in (v.get("tabellen") or {}).items():
        if not isinstance(jaar, int):
            raise _fout(pad, f"bron {naam}, tabellen", f"{jaar!r} is geen jaartal")
        lang = t if isinstance(t, dict) else {"id": t}
        tabel_id = str(lang.get("id") or "")
        if not tabel_id:
            raise _fout(pad, f"bron {naam}, tabellen.{jaar}", "tabelnummer (id) ontbreekt")
        status = str(lang.get("snapshot", "nee"))
        if status not in SNAPSHOT_STATUS:
            raise _fout(
                pad,
                f"bron {naam}, tabellen.{jaar}",
                f"snapshot {status!r} is niet een van {sorted(SNAPSHOT_STATUS)}",
            )
        titel = str(v.get("titel", naam))
        uit[jaar] = TabelInfo(
            tabel_id=tabel_id,
            catalogus=str(v["catalogus"]),
            titel=f"{titel} {jaar}" if naam == KWB else titel,
            bron=naam,
            jaar=jaar,
            in_snapshot=status,
            opmerking=str(lang.get("opmerking", "")),
        )
    return uit


def _metingbron(pad: Path, naam: str, nr: int, m: dict[str, Any]) -> Metingbron:
    waar = f"bron {naam}, metingen[{nr}]"
    for veld in ("code", "naam", "niveau", "sleutels", "regio", "peiljaar"):
        if veld not in m:
            raise _fout(pad, waar, f"veld {veld!r} ontbreekt")
    if m["sleutels"] not in SLEUTELWIJZEN:
        raise _fout(
            pad, waar, f"sleutels {m['sleutels']!r} is niet een van {sorted(SLEUTELWIJZEN)}"
        )
    if m["niveau"] not in NIVEAUS:
        raise _fout(pad, waar, f"niveau {m['niveau']!r} is niet een van {sorted(NIVEAUS)}")
    r = m["regio"]
    if not isinstance(r, dict) or not (r.get("code") or r.get("code_uit_naam")):
        raise _fout(pad, waar, "regio heeft 'code' of 'code_uit_naam' nodig")
    alleen = m.get("alleen_codes_uit")
    marges = m.get("marges")
    if marges is not None and (
        not isinstance(marges, dict) or set(marges) != {"kolom", "ondergrens", "bovengrens"}
    ):
        raise _fout(pad, waar, "marges heeft precies 'kolom', 'ondergrens' en 'bovengrens' nodig")
    afgeleid = {str(k): str(e) for k, e in (m.get("afgeleid") or {}).items()}
    for kolom, expressie in afgeleid.items():
        try:
            pl.sql_expr(expressie)
        except pl.exceptions.PolarsError as exc:
            raise _fout(
                pad, f"{waar}, afgeleid.{kolom}", f"geen geldige SQL-expressie: {exc}"
            ) from exc
    return Metingbron(
        code=str(m["code"]),
        naam=str(m["naam"]),
        niveau=str(m["niveau"]),
        tabel=naam,
        sleutels=str(m["sleutels"]),
        regio=Regio(
            code=r.get("code"),
            soort=r.get("soort"),
            naam=r.get("naam"),
            code_uit_naam=r.get("code_uit_naam"),
            codes={str(k): str(w) for k, w in (r.get("codes") or {}).items()},
        ),
        peiljaar=_jaarwaarde(pad, f"{waar}, peiljaar", m["peiljaar"]),
        indelingsjaar=_jaarwaarde(pad, f"{waar}, indelingsjaar", m.get("indelingsjaar")),
        filter={str(k): str(w) for k, w in (m.get("filter") or {}).items()},
        jaar=int(m["jaar"]) if m.get("jaar") is not None else None,
        alleen_codes_uit=(str(alleen["bron"]), str(alleen["kolom"])) if alleen else None,
        tabel_id=str(m["tabel_id"]) if m.get("tabel_id") else None,
        afgeleid=afgeleid,
        marges=(str(marges["kolom"]), str(marges["ondergrens"]), str(marges["bovengrens"]))
        if marges
        else None,
    )


_BRON_VELDEN = {
    "titel", "beschrijving", "uitgever", "licentie", "catalogus", "lezer", "tabellen",
    "bestanden", "metingen", "entiteit", "indeling", "typen", "indeling_inwoners",
}  # fmt: skip


def _bron(pad: Path, naam: str, v: Any) -> Bron:
    if not isinstance(v, dict):
        raise _fout(pad, f"bron {naam}", "verwacht een mapping met velden")
    onbekend = set(v) - _BRON_VELDEN
    if onbekend:
        raise _fout(pad, f"bron {naam}", f"onbekend veld {sorted(onbekend)[0]!r}")
    for veld in ("titel", "beschrijving", "uitgever", "licentie", "catalogus", "lezer"):
        if not v.get(veld):
            raise _fout(pad, f"bron {naam}", f"veld {veld!r} ontbreekt")
    if v["catalogus"] not in CATALOGI:
        raise _fout(
            pad,
            f"bron {naam}",
            f"catalogus {v['catalogus']!r} is niet een van {sorted(CATALOGI)}",
        )
    tabellen = _tabellen(pad, naam, v)
    if v["catalogus"] != "bestand" and not tabellen:
        raise _fout(pad, f"bron {naam}", "een CBS-bron heeft 'tabellen' (jaar: tabelnummer) nodig")
    return Bron(
        naam=naam,
        titel=str(v["titel"]),
        beschrijving=" ".join(str(v["beschrijving"]).split()),
        uitgever=str(v["uitgever"]),
        licentie=str(v["licentie"]),
        catalogus=str(v["catalogus"]),
        lezer=str(v["lezer"]),
        tabellen=tabellen,
        bestanden=tuple(str(b) for b in v.get("bestanden") or ()),
        metingen=tuple(
            _metingbron(pad, naam, nr, m) for nr, m in enumerate(v.get("metingen") or [])
        ),
        entiteit=v.get("entiteit"),
        indeling=bool(v.get("indeling", False)),
        typen={str(k): str(t) for k, t in (v.get("typen") or {}).items()},
        indeling_inwoners=v.get("indeling_inwoners"),
    )


@cache
def _laad(pad: Path) -> Register:
    ruw = lees_yaml(pad)
    if not isinstance(ruw, dict) or not isinstance(ruw.get("bronnen"), dict):
        raise BronFout(f"Het bronnenregister {pad} heeft geen mapping 'bronnen'.")
    bronnen = {str(n): _bron(pad, str(n), v) for n, v in ruw["bronnen"].items()}
    if KWB not in bronnen:
        raise BronFout(f"{pad}: de bron {KWB!r} (Kerncijfers wijken en buurten) ontbreekt.")
    codes = [m.code for b in bronnen.values() for m in b.metingen]
    dubbel = sorted({c for c in codes if codes.count(c) > 1})
    if dubbel:
        raise BronFout(f"{pad}: metingbron {dubbel[0]!r} staat er meer dan één keer in.")
    ids = [t.tabel_id for t in bronnen[KWB].tabellen.values()]
    if len(ids) != len(set(ids)):
        raise BronFout(f"{pad}: elk KWB-jaar moet een eigen tabelnummer hebben: {ids}.")
    for b in bronnen.values():
        for m in b.metingen:
            if m.alleen_codes_uit and m.alleen_codes_uit[0] not in bronnen:
                raise BronFout(
                    f"{pad}: bron {b.naam}, metingbron {m.code}: alleen_codes_uit noemt onbekende "
                    f"bron {m.alleen_codes_uit[0]!r}."
                )
    return Register(pad, bronnen)


def laad(pad: Path | None = None) -> Register:
    """The registry (``NPLV_BRONNENREGISTER`` or the shipped ``assets/bronnen.yaml``)."""
    return _laad((pad or register_pad()).resolve())


# -- the questions other stages ask --------------------------------------------------------------


def tabellen() -> list[TabelInfo]:
    """Every CBS table of the registry, in file order."""
    return laad().tabellen()


def tabel(tabel_id: str) -> TabelInfo:
    """The registry entry of a table id; BronFout if the id is not registered."""
    for t in tabellen():
        if t.tabel_id == tabel_id:
            return t
    raise BronFout(
        f"CBS-tabel {tabel_id} staat niet in het bronnenregister {register_pad()}; "
        f"bekend zijn: {', '.join(sorted(t.tabel_id for t in tabellen()))}."
    )


def bron_van_tabel(tabel_id: str) -> Bron:
    return laad().bron(tabel(tabel_id).bron)


def kwb_jaren() -> list[int]:
    """The KWB table years the registry knows, ascending."""
    return sorted(laad().bron(KWB).tabellen)


def kwb_tabel_id(jaar: int) -> str:
    """The table id of Kerncijfers wijken en buurten for one year."""
    t = laad().bron(KWB).tabellen.get(jaar)
    if t is None:
        raise BronFout(
            f"Geen Kerncijfers wijken en buurten-tabel voor {jaar} in {register_pad()}; "
            f"bekende jaren: {kwb_jaren()}. Een jaar toevoegen is één regel onder "
            f"bronnen → kwb → tabellen."
        )
    return t.tabel_id


def kwb_tabel(jaar: int) -> TabelInfo:
    return tabel(kwb_tabel_id(jaar))


def kwb_jaar_van(tabel_id: str) -> int | None:
    for jaar, t in laad().bron(KWB).tabellen.items():
        if t.tabel_id == tabel_id:
            return jaar
    return None
