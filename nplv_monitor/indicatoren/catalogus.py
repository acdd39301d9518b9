"""The declarative indicator catalogue: every ``assets/indicatoren/*.yaml`` file.

Each file may hold ``variabelen`` (what a source measures, with its CBS key per table year) and
``indicatoren`` (how variables combine into an indicator). All files are read together, so another
family (gebiedsrealisatie) adds its own file in the same format. The format is documented in
docs/indicatoren.md; any error names the file, the entry and the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from nplv_monitor.bronnen import register
from nplv_monitor.config import ASSETS_DIR
from nplv_monitor.errors import NplvFout
from nplv_monitor.yamlbestand import lees_yaml

CATALOGUS_MAP = ASSETS_DIR / "indicatoren"

FAMILIES = ("context", "gebiedsrealisatie", "gebiedseffect")
ACTIELIJNEN = ("integraal", "fysiek", "meedoen", "veiligheid", "proces")
RICHTINGEN = ("hoger_beter", "lager_beter", "neutraal")
#: ``noemer_uit_percentage``: the source publishes a count (the ``basis``) and the percentage it is of
#: a population the source does not publish itself; that population is basis × 100 / percentage
#: (KWB: persons under 23, the base of PercentageJongerenMetJeugdzorg).
VORMEN = ("aantal", "percentage", "gemiddelde", "score", "noemer_uit_percentage")
#: Separator of a basis made of several variables (``basis: [a, b]`` is stored as ``a+b``).
BASIS_SCHEIDING = "+"
PEILJAAR_REGELS = ("tabeljaar", "waardepeildatum")

#: Kind of measure → factor on teller/noemer. ``gepubliceerd`` values cannot be aggregated (no base
#: in the source): regions get the published figure, areas their gemeente's (see docs).
MATEN: dict[str, float] = {
    "aantal": 1.0,
    "aandeel": 100.0,
    "per_1000": 1000.0,
    "gewogen_gemiddelde": 1.0,
    "score": 1.0,
    "dichtheid": 100.0,  # inwoners per ha → per km²
    "verhouding": 1.0,
    "index_gemeente": 100.0,
    "gepubliceerd": 1.0,
}
#: Measures whose noemer is the teller's own base (weights), not a separate variable.
GEWOGEN_MATEN = ("gewogen_gemiddelde", "score", "index_gemeente")

#: Precision of a value when the catalogue declares none (field ``precisie``): half a unit of the
#: last decimal the monitor publishes for that kind of measure (counts whole, shares and rates one
#: decimal, scores three). Changes within it are not told apart from rounding (docs/indicatoren.md,
#: "Het oordeel over de kloof").
STANDAARD_PRECISIE: dict[str, float] = {
    "aantal": 0.5,
    "aandeel": 0.05,
    "per_1000": 0.05,
    "gewogen_gemiddelde": 0.05,
    "score": 0.0005,
    "dichtheid": 0.5,
    "verhouding": 0.0005,
    "index_gemeente": 0.05,
    "gepubliceerd": 0.05,
}


@dataclass(frozen=True)
class Bron:
    """A source the metingen stage reads (a ``metingen`` block of the source registry);
    ``tabellen`` maps the table year to its id."""

    code: str
    naam: str
    tabellen: dict[int, str]
    niveau: str  # lowest level the source publishes: buurt, wijk or gemeente


def bronnen() -> dict[str, Bron]:
    """The monitor's sources and their tables per year, derived from the source registry
    (assets/bronnen.yaml); never written here. Asked per indicator in the engine, so derived once
    per registry file."""
    return _bronnen(register.register_pad())


@cache
def _bronnen(pad: Path) -> dict[str, Bron]:
    reg = register.laad(pad)
    uit: dict[str, Bron] = {}
    for m in reg.metingbronnen():
        bron = reg.bron(m.tabel)
        if m.tabel_id:
            tabellen = {0: m.tabel_id}
        else:
            tabellen = {
                j: t.tabel_id
                for j, t in sorted(bron.tabellen.items())
                if m.jaar is None or j == m.jaar
            }
        uit[m.code] = Bron(m.code, m.naam, tabellen, m.niveau)
    return uit


class CatalogusFout(NplvFout):
    """The indicator catalogue (assets/indicatoren/*.yaml) is inconsistent."""


#: A year's key choice: alternative concept stems in order of preference; ``None`` in the list
#: means the concept may be absent from a release of that year.
Keuze = tuple[str | None, ...]


@dataclass(frozen=True)
class Variabele:
    id: str
    bron: str
    vorm: str
    eenheid: str
    sleutel: str | None = None
    #: first table year → the key choice from that year on (``()``: not in tables from then on)
    sleutels: dict[int, Keuze] = field(default_factory=dict)
    groep: str | None = None
    positie: int | None = None
    #: one variable id, or several joined by BASIS_SCHEIDING (summed per unit)
    basis: str | None = None
    basis_bron: str | None = None
    peiljaar: str = "tabeljaar"
    bestand: str = ""

    @property
    def basis_delen(self) -> tuple[str, ...]:
        return tuple(self.basis.split(BASIS_SCHEIDING)) if self.basis else ()

    def keuze_voor(self, jaar: int) -> Keuze:
        """The concept keys (no numeric suffix) to look for in the table of ``jaar``, in order;
        ``()`` when the concept is not expected in that year's table."""
        if not self.sleutels:
            return (self.sleutel,) if self.sleutel else ()
        vanaf = [j for j in self.sleutels if j <= jaar]
        return self.sleutels[max(vanaf)] if vanaf else ()

    def sleutel_voor(self, jaar: int) -> str | None:
        """The preferred concept key in the table of ``jaar``; None if not expected that year."""
        return next((k for k in self.keuze_voor(jaar) if k), None)


@dataclass(frozen=True)
class Indicator:
    code: str
    naam: str
    omschrijving: str
    familie: str
    actielijn: str
    thema: str
    bron: str
    maat: str
    eenheid: str
    richting: str
    teller: str | None = None
    #: further source codes after ``bron`` (``bron: [cbs_kwb, cbs_bevolking_2024]``), in order of
    #: preference when two sources give the same gebied and peiljaar
    extra_bronnen: tuple[str, ...] = ()
    noemer: tuple[str, ...] = ()
    noemer_bron: str | None = None
    dekking_basis: str | None = None
    minimum_basis: float = 0.0
    kader_item: str | None = None
    definitiebreuk: str | None = None
    opmerking: str | None = None
    #: Declared precision (the indicator's unit); None → STANDAARD_PRECISIE of the maat.
    precisie: float | None = None
    bestand: str = ""

    @property
    def factor(self) -> float:
        return MATEN.get(self.maat, 1.0)

    @property
    def nauwkeurigheid(self) -> float:
        """Half a unit of the last decimal the source publishes, in the indicator's unit: a
        change within it (of the gap to Nederland, between editions) is rounding, not a change."""
        return self.precisie if self.precisie is not None else STANDAARD_PRECISIE[self.maat]

    def bronnen(self) -> list[str]:
        """Source codes this indicator's teller comes from (``leefbaarometer`` → wijk + buurt;
        ``cbs_kwb`` → also ``cbs_kwb_*``), in order of preference: the named sources in the
        order of ``bron``, then those matched by prefix."""
        namen = (self.bron, *self.extra_bronnen)
        alle = list(bronnen())
        exact = [n for n in namen if n in alle]
        prefix = [b for b in alle if b not in exact and any(b.startswith(n + "_") for n in namen)]
        return exact + prefix


@dataclass
class Catalogus:
    variabelen: list[Variabele]
    indicatoren: list[Indicator]

    def indicator(self, code: str) -> Indicator:
        for i in self.indicatoren:
            if i.code == code:
                return i
        raise KeyError(code)

    def van_familie(self, *families: str) -> list[Indicator]:
        return [i for i in self.indicatoren if i.familie in families]

    def frame(self, bronvariabelen: pl.DataFrame | None = None) -> pl.DataFrame:
        """The catalogue as the table ``monitor.indicatoren``. With ``bronvariabelen`` (what a
        build resolved) the tables and CBS keys are the ones that made each variable; without it,
        the tables the source registry declares."""
        alle = bronnen()
        rijen = []
        for i in self.indicatoren:
            sleutels: dict[str, dict[str, str]] = {}
            tabellen: set[str] = set()
            eigen = i.bronnen()
            if bronvariabelen is not None:
                gebruikt = bronvariabelen.filter(
                    pl.col("bron").is_in(eigen) & pl.col("variabele").is_in([i.teller, *i.noemer])
                ).sort("tabel_id", "indelingsjaar", "variabele")
                for r in gebruikt.iter_rows(named=True):
                    tabellen.add(r["tabel_id"])
                    sleutels.setdefault(r["variabele"], {})[
                        f"{r['tabel_id']} ({r['indelingsjaar']})"
                    ] = r["bron_variabele"]
            else:
                tabellen = {t for b in eigen for t in alle[b].tabellen.values()}
            rijen.append(
                {
                    "indicator_code": i.code,
                    "naam": i.naam,
                    "omschrijving": i.omschrijving,
                    "familie": i.familie,
                    "actielijn": i.actielijn,
                    "thema": i.thema,
                    "bron": ", ".join((i.bron, *i.extra_bronnen)),
                    "bron_tabellen": ", ".join(sorted(tabellen)) or None,
                    "bron_sleutels": json.dumps(sleutels, ensure_ascii=False) if sleutels else None,
                    "maat": i.maat,
                    "teller": i.teller,
                    "noemer": " + ".join(i.noemer) or None,
                    "eenheid": i.eenheid,
                    "richting": i.richting,
                    "minimum_basis": float(i.minimum_basis),
                    "kader_item": i.kader_item,
                    "definitiebreuk": i.definitiebreuk,
                    "opmerking": i.opmerking,
                    "precisie": i.nauwkeurigheid,
                    "catalogusbestand": i.bestand,
                }
            )
        return pl.DataFrame(rijen, schema=_CATALOGUS_SCHEMA)


_CATALOGUS_SCHEMA = {
    "indicator_code": pl.String,
    "naam": pl.String,
    "omschrijving": pl.String,
    "familie": pl.String,
    "actielijn": pl.String,
    "thema": pl.String,
    "bron": pl.String,
    "bron_tabellen": pl.String,
    "bron_sleutels": pl.String,
    "maat": pl.String,
    "teller": pl.String,
    "noemer": pl.String,
    "eenheid": pl.String,
    "richting": pl.String,
    "minimum_basis": pl.Float64,
    "kader_item": pl.String,
    "definitiebreuk": pl.String,
    "opmerking": pl.String,
    "precisie": pl.Float64,
    "catalogusbestand": pl.String,
}

_VARIABELE_VELDEN = {
    "id", "bron", "vorm", "eenheid", "sleutel", "sleutels", "groep", "positie", "basis",
    "basis_bron", "peiljaar",
}  # fmt: skip
_INDICATOR_VELDEN = {
    "code", "naam", "omschrijving", "familie", "actielijn", "thema", "bron", "maat", "eenheid",
    "richting", "teller", "noemer", "noemer_bron", "dekking_basis", "minimum_basis", "kader_item",
    "definitiebreuk", "opmerking", "precisie",
}  # fmt: skip
_VERPLICHT = (
    "code",
    "naam",
    "omschrijving",
    "familie",
    "actielijn",
    "thema",
    "bron",
    "maat",
    "eenheid",
    "richting",
)


def _fout(bestand: Path, nr: int, veld: str, melding: str) -> CatalogusFout:
    return CatalogusFout(f"{bestand.name}, item {nr + 1}, veld {veld!r}: {melding}")


def _kies(bestand: Path, nr: int, veld: str, waarde: Any, toegestaan: tuple[str, ...]) -> str:
    if waarde not in toegestaan:
        raise _fout(bestand, nr, veld, f"{waarde!r} is niet een van {', '.join(toegestaan)}")
    return str(waarde)


def _variabele(bestand: Path, nr: int, ruw: dict[str, Any]) -> Variabele:
    onbekend = set(ruw) - _VARIABELE_VELDEN
    if onbekend:
        raise _fout(bestand, nr, sorted(onbekend)[0], "onbekend veld")
    for veld in ("id", "bron", "vorm", "eenheid"):
        if not ruw.get(veld):
            raise _fout(bestand, nr, veld, "ontbreekt")
    bron = _kies(bestand, nr, "bron", ruw["bron"], tuple(bronnen()))
    if not ruw.get("sleutel") and not ruw.get("sleutels"):
        raise _fout(bestand, nr, "sleutel", "geef 'sleutel' of 'sleutels' (per tabeljaar)")
    sleutels: dict[int, Keuze] = {}
    for jaar, keuze in (ruw.get("sleutels") or {}).items():
        if not isinstance(jaar, int):
            raise _fout(bestand, nr, "sleutels", f"{jaar!r} is geen tabeljaar")
        lijst = keuze if isinstance(keuze, list) else [keuze]
        if keuze is None:
            lijst = []
        for k in lijst:
            if k is not None:
                _geen_achtervoegsel(bestand, nr, f"sleutels.{jaar}", str(k), bron)
        sleutels[jaar] = tuple(None if k is None else str(k) for k in lijst)
    if ruw.get("sleutel"):
        _geen_achtervoegsel(bestand, nr, "sleutel", str(ruw["sleutel"]), bron)
    vorm = _kies(bestand, nr, "vorm", ruw["vorm"], VORMEN)
    basis = ruw.get("basis")
    if isinstance(basis, list):
        basis = BASIS_SCHEIDING.join(str(b) for b in basis)
    if vorm in ("gemiddelde", "noemer_uit_percentage") and not basis:
        raise _fout(bestand, nr, "basis", f"vorm {vorm} heeft een basis (gewicht) nodig")
    if vorm == "percentage" and bron == "cbs_kwb" and not ruw.get("basis"):
        raise _fout(
            bestand,
            nr,
            "basis",
            "een KWB-percentage wordt met zijn basis terug naar aantallen gerekend",
        )
    return Variabele(
        id=str(ruw["id"]),
        bron=bron,
        vorm=vorm,
        eenheid=str(ruw["eenheid"]),
        sleutel=str(ruw["sleutel"]) if ruw.get("sleutel") else None,
        sleutels=sleutels,
        groep=ruw.get("groep"),
        positie=int(ruw["positie"]) if ruw.get("positie") is not None else None,
        basis=basis,
        basis_bron=ruw.get("basis_bron"),
        peiljaar=_kies(bestand, nr, "peiljaar", ruw.get("peiljaar", "tabeljaar"), PEILJAAR_REGELS),
        bestand=bestand.name,
    )


def _geen_achtervoegsel(bestand: Path, nr: int, veld: str, sleutel: str, bron: str) -> None:
    # CBS keys carry a numeric suffix that shifts between years and releases (docs/valkuilen.md): the catalogue names the
    # concept only, so a full key like "AantalInwoners_5" is refused.
    if bron.startswith("cbs_") and sleutel.rsplit("_", 1)[-1].isdigit():
        raise _fout(
            bestand, nr, veld, f"{sleutel!r}: noem de CBS-sleutel zonder numeriek achtervoegsel"
        )


def _indicator(bestand: Path, nr: int, ruw: dict[str, Any]) -> Indicator:
    onbekend = set(ruw) - _INDICATOR_VELDEN
    if onbekend:
        raise _fout(bestand, nr, sorted(onbekend)[0], "onbekend veld")
    for veld in _VERPLICHT:
        if ruw.get(veld) in (None, ""):
            raise _fout(bestand, nr, veld, "ontbreekt")
    familie = _kies(bestand, nr, "familie", ruw["familie"], FAMILIES)
    maat = _kies(bestand, nr, "maat", ruw["maat"], tuple(MATEN))
    bron = ruw["bron"]
    bron_lijst = [str(b) for b in bron] if isinstance(bron, list) else [str(bron)]
    noemer = ruw.get("noemer")
    noemers = tuple(noemer) if isinstance(noemer, list) else ((str(noemer),) if noemer else ())
    if familie != "gebiedsrealisatie":
        if not ruw.get("teller"):
            raise _fout(bestand, nr, "teller", "ontbreekt (variabele-id uit een catalogusbestand)")
        if maat in ("aandeel", "per_1000", "dichtheid", "verhouding") and not noemers:
            raise _fout(bestand, nr, "noemer", f"maat {maat} heeft een noemer nodig")
    return Indicator(
        code=str(ruw["code"]),
        naam=str(ruw["naam"]),
        omschrijving=str(ruw["omschrijving"]),
        familie=familie,
        actielijn=_kies(bestand, nr, "actielijn", ruw["actielijn"], ACTIELIJNEN),
        thema=str(ruw["thema"]),
        bron=bron_lijst[0],
        extra_bronnen=tuple(bron_lijst[1:]),
        maat=maat,
        eenheid=str(ruw["eenheid"]),
        richting=_kies(bestand, nr, "richting", ruw["richting"], RICHTINGEN),
        teller=ruw.get("teller"),
        noemer=noemers,
        noemer_bron=ruw.get("noemer_bron"),
        dekking_basis=ruw.get("dekking_basis"),
        minimum_basis=float(ruw.get("minimum_basis", 0) or 0),
        kader_item=ruw.get("kader_item"),
        definitiebreuk=ruw.get("definitiebreuk"),
        opmerking=ruw.get("opmerking"),
        precisie=_precisie(bestand, nr, ruw.get("precisie")),
        bestand=bestand.name,
    )


def _precisie(bestand: Path, nr: int, waarde: Any) -> float | None:
    if waarde is None:
        return None
    if isinstance(waarde, bool) or not isinstance(waarde, int | float) or not waarde > 0:
        raise _fout(bestand, nr, "precisie", f"{waarde!r} is geen positief getal")
    return float(waarde)


def laad_catalogus(map_: Path | None = None) -> Catalogus:
    """Read and cross-check every ``*.yaml`` in the catalogue folder."""
    map_ = map_ or CATALOGUS_MAP
    bestanden = sorted(map_.glob("*.yaml"))
    if not bestanden:
        raise CatalogusFout(f"Geen catalogusbestanden (*.yaml) in {map_}.")
    variabelen: list[Variabele] = []
    indicatoren: list[Indicator] = []
    for bestand in bestanden:
        try:
            # The C loader (libyaml) reads the same safe subset ~10x faster than safe_load.
            inhoud = lees_yaml(bestand) or {}
        except NplvFout as exc:
            raise CatalogusFout(f"{bestand.name}: {exc}") from exc
        if not isinstance(inhoud, dict) or set(inhoud) - {"variabelen", "indicatoren"}:
            raise CatalogusFout(
                f"{bestand.name}: verwacht alleen de sleutels 'variabelen' en 'indicatoren'."
            )
        for nr, ruw in enumerate(inhoud.get("variabelen") or []):
            variabelen.append(_variabele(bestand, nr, ruw))
        for nr, ruw in enumerate(inhoud.get("indicatoren") or []):
            indicatoren.append(_indicator(bestand, nr, ruw))
    _controleer(variabelen, indicatoren)
    return Catalogus(variabelen, indicatoren)


def _controleer(variabelen: list[Variabele], indicatoren: list[Indicator]) -> None:
    gezien: dict[tuple[str, str], str] = {}
    for v in variabelen:
        if (v.id, v.bron) in gezien:
            raise CatalogusFout(
                f"{v.bestand}: variabele {v.id!r} van bron {v.bron} staat er twee keer in (ook in {gezien[(v.id, v.bron)]})."
            )
        gezien[(v.id, v.bron)] = v.bestand
    for v in variabelen:
        for deel in v.basis_delen:
            if (deel, v.basis_bron or v.bron) not in gezien:
                raise CatalogusFout(
                    f"{v.bestand}: variabele {v.id!r} heeft basis {deel!r}, die niet in bron {v.basis_bron or v.bron} staat."
                )
    codes: dict[str, str] = {}
    for i in indicatoren:
        if i.code in codes:
            raise CatalogusFout(
                f"{i.bestand}: indicatorcode {i.code!r} komt ook voor in {codes[i.code]}."
            )
        codes[i.code] = i.bestand
        if i.familie == "gebiedsrealisatie":
            continue
        bronnen = i.bronnen()
        for naam in (i.bron, *i.extra_bronnen):
            if not any(b == naam or b.startswith(naam + "_") for b in bronnen):
                raise CatalogusFout(
                    f"{i.bestand}: indicator {i.code!r} heeft onbekende bron {naam!r}."
                )
        if not any((i.teller, b) in gezien for b in bronnen):
            raise CatalogusFout(
                f"{i.bestand}: indicator {i.code!r}: teller {i.teller!r} is geen variabele van bron {i.bron}."
            )
        for n in (*i.noemer, *([i.dekking_basis] if i.dekking_basis else [])):
            nb = [i.noemer_bron] if i.noemer_bron else bronnen
            if not any((n, b) in gezien for b in nb):
                raise CatalogusFout(
                    f"{i.bestand}: indicator {i.code!r}: noemer {n!r} is geen variabele van bron {', '.join(nb)}."
                )
