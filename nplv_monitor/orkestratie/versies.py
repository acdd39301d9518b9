"""What Dagster needs to tell what changed: a code version per asset, a data version per source.

- **Code version** of an asset: sha256 over the source of the module that defines it and every
  ``nplv_monitor`` module it imports, directly or not (imports inside functions too), plus the
  data files of those packages (report templates) and the declarative inputs every stage reads
  (``assets/**/*.yaml``: registry, catalogue, areas, questionnaire; ``schemas/*.yaml``). A change
  to the engine changes the indicator assets' version, not the bronnen's.
- **Data version** of a source: the observable source assets ``snapshot/<bron>`` (the snapshot
  files one ``bron/<bron>`` asset reads, sha256 of each file's bytes) and ``map/retouren``,
  ``map/regelingen`` (the drop folders the realisatie assets read: every file's name and
  sha256).

A derived asset's data version is Dagster's own: computed from its code version and its inputs'
data versions, so an asset whose code and inputs are unchanged is fresh. Nothing here runs at
import time; the versions are computed when the Definitions are made (code) or observed (data).
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path

import dagster as dg

from nplv_monitor.bronnen import versies as bronversies
from nplv_monitor.config import ASSETS_DIR, SCHEMAS_DIR

PAKKET = Path(__file__).resolve().parent.parent
PAKKETNAAM = PAKKET.name
SNAPSHOT = "snapshot"
MAP = "map"
GROEP = "bronnen"


# -- code versions ----------------------------------------------------------------------------


def _bestand_van(module: str) -> Path | None:
    if module != PAKKETNAAM and not module.startswith(PAKKETNAAM + "."):
        return None
    pad = PAKKET.parent.joinpath(*module.split("."))
    for kandidaat in (pad.with_suffix(".py"), pad / "__init__.py"):
        if kandidaat.is_file():
            return kandidaat
    return None


def _module_van(bestand: Path) -> str:
    delen = list(bestand.relative_to(PAKKET.parent).with_suffix("").parts)
    return ".".join(delen[:-1] if delen[-1] == "__init__" else delen)


#: Import statements, also inside functions and over several lines in parentheses. Text in a
#: docstring that looks like one only adds a module to the closure: a superset, never a miss.
_VAN = re.compile(r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n#]*)", re.M)


@cache
def _imports(bestand: Path) -> frozenset[str]:
    """Every module name ``bestand`` imports (absolute; ``from a import b`` gives a and a.b).
    A regular expression, not ``ast``: parsing every module for each build cost seconds."""
    module = _module_van(bestand)
    pakket = module if bestand.name == "__init__.py" else module.rpartition(".")[0]
    tekst = bestand.read_text(encoding="utf-8")
    namen: set[str] = set()
    for m in _IMPORT.finditer(tekst):
        namen.update(n.split(" as ")[0].strip() for n in m.group(1).split(","))
    for m in _VAN.finditer(tekst):
        basis = m.group(1)
        punten = len(basis) - len(basis.lstrip("."))
        if punten:
            delen = pakket.split(".")
            basis = ".".join(
                [*delen[: len(delen) - punten + 1], *([basis[punten:]] if basis[punten:] else [])]
            )
        namen.add(basis)
        for n in m.group(2).strip("()").replace("\n", ",").split(","):
            naam = n.split(" as ")[0].strip()
            if naam and naam != "*":
                namen.add(f"{basis}.{naam}")
    return frozenset(n for n in namen if n)


def _ouders(module: str) -> Iterator[str]:
    delen = module.split(".")
    for i in range(1, len(delen)):
        yield ".".join(delen[:i])


def modules_van(module: str) -> list[Path]:
    """The files of ``module`` and of every package module it imports, transitively (with the
    parent packages' ``__init__``, which Python runs on import)."""
    gezien: dict[str, Path] = {}
    te_doen = [module]
    while te_doen:
        naam = te_doen.pop()
        if naam in gezien:
            continue
        bestand = _bestand_van(naam)
        if bestand is None:
            continue
        gezien[naam] = bestand
        te_doen.extend(_imports(bestand))
        te_doen.extend(_ouders(naam))
    return sorted(set(gezien.values()))


def _gegevensbestanden(pakketmap: Path) -> Iterator[Path]:
    """Non-Python files of a package (templates), not those of its subpackages."""
    for p in sorted(pakketmap.iterdir()):
        if p.is_file() and p.suffix not in {".py", ".pyc"}:
            yield p
        elif p.is_dir() and p.name != "__pycache__" and not (p / "__init__.py").exists():
            yield from (q for q in sorted(p.rglob("*")) if q.is_file() and q.suffix != ".pyc")


def declaratieve_bestanden() -> list[Path]:
    return [*sorted(ASSETS_DIR.rglob("*.yaml")), *sorted(SCHEMAS_DIR.glob("*.yaml"))]


@cache
def _sha(bestand: Path, mtime_ns: int, grootte: int) -> str:
    return hashlib.sha256(bestand.read_bytes()).hexdigest()


def _bestand_sha(bestand: Path) -> str:
    st = bestand.stat()
    return _sha(bestand, st.st_mtime_ns, st.st_size)


def _naam(p: Path) -> str:
    for basis in (PAKKET.parent, ASSETS_DIR.parent):
        if p.is_relative_to(basis):
            return p.relative_to(basis).as_posix()
    return p.as_posix()


@cache
def code_versie(module: str) -> str:
    """The code version of the assets defined in ``module`` (16 hex characters)."""
    bestanden = modules_van(module)
    pakketten = {b.parent for b in bestanden if b.name == "__init__.py"}
    alles = [*bestanden, *(g for p in sorted(pakketten) for g in _gegevensbestanden(p))]
    h = hashlib.sha256()
    for p in [*alles, *declaratieve_bestanden()]:
        h.update(f"{_naam(p)} {_bestand_sha(p)}\n".encode())
    return h.hexdigest()[:16]


def _module_van_asset(a: dg.AssetsDefinition) -> str | None:
    fn = getattr(a.op.compute_fn, "decorated_fn", a.op.compute_fn)
    return getattr(fn, "__module__", None)


def met_codeversie(a: dg.AssetsDefinition) -> dg.AssetsDefinition:
    """``a`` with the code version of its module on every asset it makes (an asset that states
    its own version keeps it)."""
    module = _module_van_asset(a)
    if module is None:
        return a
    versie = code_versie(module)
    return a.map_asset_specs(
        lambda s: s if s.code_version else s.replace_attributes(code_version=versie)
    )


# -- data versions of the sources -------------------------------------------------------------


def _sha_lijst(regels: Iterable[str]) -> str:
    h = hashlib.sha256()
    for r in regels:
        h.update(f"{r}\n".encode())
    return h.hexdigest()


def map_versie(map_: Path) -> str:
    """sha256 over every file's name (relative to the folder) and sha256: the content, not where
    the folder is (an output folder moved or copied with its drop folder is unchanged)."""
    regels: list[str] = []
    if map_.is_dir():
        for p in sorted(map_.rglob("*")):
            if p.is_file():
                regels.append(f"{p.relative_to(map_).as_posix()} {_bestand_sha(p)}")
    return _sha_lijst(regels)


def _mappen() -> dict[str, Callable[[], Path]]:
    from nplv_monitor.realisatie import mappen

    return {
        "retouren": lambda: mappen.retourmap(""),
        "regelingen": lambda: mappen.regelingenmap(""),
    }


def _map_lezers() -> dict[dg.AssetKey, str]:
    """The realisatie assets that read a drop folder, and which."""
    from nplv_monitor.realisatie import assets as realisatie

    sleutels = {realisatie._key(realisatie.GEBIED): "regelingen"}
    for tabel in (realisatie.ANTWOORDEN, realisatie.HISTORIE, realisatie.AFGEWEZEN):
        sleutels[realisatie._key(tabel)] = "retouren"
    return sleutels


def bron_van(key: dg.AssetKey) -> dg.AssetKey | None:
    """The source asset an asset reads, if it reads one (a bron asset, a drop-folder asset)."""
    if len(key.path) == 2 and key.path[0] == "bron":
        return dg.AssetKey([SNAPSHOT, key.path[1]])
    soort = _map_lezers().get(key)
    return dg.AssetKey([MAP, soort]) if soort else None


def data_versie(bron: dg.AssetKey) -> str:
    """The current data version of a source asset (see :func:`bron_van`)."""
    soort, naam = bron.path
    if soort == SNAPSHOT:
        return bronversies.snapshot_versie(naam)
    return map_versie(_mappen()[naam]())


def _omschrijving(bron: dg.AssetKey) -> str:
    soort, naam = bron.path
    if soort == SNAPSHOT:
        return bronversies.omschrijving(naam)
    return (
        f"De map {naam} (NPLV_{naam.upper()}_DIR, standaard output/{naam}). Dataversie: sha256 "
        "over naam en sha256 van elk bestand erin."
    )


def met_bronnen(
    assets: list[dg.AssetsDefinition],
) -> tuple[list[dg.AssetsDefinition], list[dg.AssetsDefinition]]:
    """Every asset that reads a source gets it as a dependency; returns the assets and the
    observable source asset of all those sources."""
    bronnen: dict[dg.AssetKey, None] = {}

    def voeg_toe(s: dg.AssetSpec) -> dg.AssetSpec:
        bron = bron_van(s.key)
        if bron is None or any(d.asset_key == bron for d in s.deps):
            return s
        bronnen[bron] = None
        return s.replace_attributes(deps=[*s.deps, dg.AssetDep(bron)])

    nieuw = [a.map_asset_specs(voeg_toe) for a in assets]
    if not bronnen:
        return nieuw, []
    specs = [
        dg.AssetSpec(b, group_name=GROEP, description=_omschrijving(b), kinds={"file"})
        for b in bronnen
    ]
    # Dagster's observable source assets are marked beta (1.13); the pinned version is the one
    # tested, so the warning is not shown to every user of the code location.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)

        @dg.multi_observable_source_asset(specs=specs, name="bronnen_waarnemen")
        def waarneming() -> Iterator[dg.ObserveResult]:
            """Observe the sources: the data version of each (the UI's "Observe sources";
            ``nplv-monitor build`` records the same versions, see selectie.py)."""
            for spec in specs:
                yield dg.ObserveResult(
                    asset_key=spec.key, data_version=dg.DataVersion(data_versie(spec.key))
                )

    return nieuw, [waarneming]
