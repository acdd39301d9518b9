"""Stage boundary: only the bronnen stage reads the snapshot (docs/ontwikkelaars.md, "Stagegrenzen").

Every later stage reads ``bron.*`` and the other stages' tables from the work DuckDB file. This
test reads the source of every module outside ``nplv_monitor/bronnen`` (with ``ast``, so comments
and docstrings do not count) and fails on any way into the snapshot:

- importing a bronnen module other than those in :data:`TOEGESTANE_MODULES` (asset keys, the
  declarative register), except the pure helpers in :data:`PURE_HULPFUNCTIES` that read no file;
- calling an ``uit_snapshot`` reader, or using ``DEFAULT_SNAPSHOT_DIR`` / ``.snapshot_dir``;
- a string that names the snapshot folder (``assets/snapshot``, ``NPLV_SNAPSHOT_DIR``).
"""

from __future__ import annotations

import ast
import gc
from dataclasses import dataclass
from pathlib import Path

import pytest

PAKKET = Path(__file__).resolve().parent.parent / "nplv_monitor"
BRONNEN = "nplv_monitor.bronnen"

#: Bronnen modules any stage may import, because they read no snapshot file.
TOEGESTANE_MODULES = {
    f"{BRONNEN}.assets",  # asset keys and partitions, for ``deps``
    f"{BRONNEN}.register",  # the declarative source register (assets/bronnen.yaml)
    f"{BRONNEN}.semantiek",  # check rules declared in the bron schemas, run on frames
    # data versions of the snapshot files for Dagster's staleness: the orchestrator asks bronnen
    # for a hash and never opens a snapshot file itself
    f"{BRONNEN}.versies",
}
#: Helpers that live in bronnen but read no snapshot file.
PURE_HULPFUNCTIES = {
    (f"{BRONNEN}.snapshot", "sha256_bestand"),  # hashes a return or export the user dropped
    (f"{BRONNEN}.cbs", "strip_opvulling"),  # strips CBS padding from a frame in memory
}
#: Where the snapshot location itself is defined.
DEFINITIE = {"nplv_monitor/config.py"}

#: Modules that still read the snapshot while they are being moved to the work DB. Each entry says
#: why; remove it when the module is moved (the test fails on an entry that has become clean).
UITZONDERINGEN: dict[str, str] = {}


@dataclass(frozen=True)
class Overtreding:
    bestand: str
    regel: int
    wat: str

    def __str__(self) -> str:
        return f"{self.bestand}:{self.regel}: {self.wat}"


def _import_overtredingen(node: ast.AST) -> list[tuple[int, str]]:
    uit: list[tuple[int, str]] = []
    if isinstance(node, ast.Import):
        for a in node.names:
            if a.name.startswith(BRONNEN + ".") and a.name not in TOEGESTANE_MODULES:
                uit.append((node.lineno, f"import {a.name}"))
    elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        if node.module == BRONNEN:
            for a in node.names:
                if f"{BRONNEN}.{a.name}" not in TOEGESTANE_MODULES:
                    uit.append((node.lineno, f"from {BRONNEN} import {a.name}"))
        elif node.module.startswith(BRONNEN + ".") and node.module not in TOEGESTANE_MODULES:
            for a in node.names:
                if (node.module, a.name) not in PURE_HULPFUNCTIES:
                    uit.append((node.lineno, f"from {node.module} import {a.name}"))
    return uit


def _is_docstring(node: ast.Constant) -> bool:
    # ast.walk does not give parents; docstrings are marked in _markeer_docstrings.
    return getattr(node, "_docstring", False)


def _markeer_docstrings(boom: ast.AST) -> None:
    for node in ast.walk(boom):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            eerste = node.body[0] if node.body else None
            if (
                isinstance(eerste, ast.Expr)
                and isinstance(eerste.value, ast.Constant)
                and isinstance(eerste.value.value, str)
            ):
                eerste.value._docstring = True  # type: ignore[attr-defined]


def overtredingen(bron: str, bestand: str) -> list[Overtreding]:
    """Every way into the snapshot in one module's source (docstrings and comments excepted)."""
    boom = ast.parse(bron, filename=bestand)
    _markeer_docstrings(boom)
    gevonden = [o for node in ast.walk(boom) for o in _node_overtredingen(node, bestand)]
    return sorted(set(gevonden), key=lambda o: (o.regel, o.wat))


def _node_overtredingen(node: ast.AST, rel: str) -> list[Overtreding]:
    uit = [Overtreding(rel, r, w) for r, w in _import_overtredingen(node)]
    if isinstance(node, ast.Call):
        f = node.func
        naam = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
        if naam == "uit_snapshot":
            uit.append(Overtreding(rel, node.lineno, "roept uit_snapshot aan"))
    elif isinstance(node, ast.Name) and node.id == "DEFAULT_SNAPSHOT_DIR":
        uit.append(Overtreding(rel, node.lineno, "gebruikt DEFAULT_SNAPSHOT_DIR"))
    elif isinstance(node, ast.Attribute) and node.attr == "snapshot_dir":
        uit.append(Overtreding(rel, node.lineno, "gebruikt .snapshot_dir"))
    elif isinstance(node, ast.Constant) and isinstance(node.value, str) and not _is_docstring(node):
        for teken in ("assets/snapshot", "NPLV_SNAPSHOT_DIR"):
            if teken in node.value:
                uit.append(Overtreding(rel, node.lineno, f"noemt {teken!r}"))
    return uit


def _overtredingen_per_module() -> dict[str, list[Overtreding]]:
    # Finalizers of objects earlier tests in this process left behind (SQLAlchemy connections of
    # Dagster instances) can run inside ast.parse's tree construction; an error there is
    # reported by CPython 3.11 as "SystemError: AST constructor recursion depth mismatch"
    # (python/cpython gh-106905), which made this test fail once in CI. Collect them first:
    # parsing itself leaves no objects with finalizers.
    gc.collect()
    uit = {}
    for pad in sorted(PAKKET.rglob("*.py")):
        rel = pad.relative_to(PAKKET.parent).as_posix()
        if rel.startswith("nplv_monitor/bronnen/") or rel in DEFINITIE:
            continue
        gevonden = overtredingen(pad.read_text(encoding="utf-8"), rel)
        if gevonden:
            uit[rel] = gevonden
    return uit


@pytest.mark.parametrize(
    ("regel", "verboden"),
    [
        ("from nplv_monitor.bronnen.snapshot import Snapshot", True),
        ("from nplv_monitor.bronnen.snapshot import sha256_bestand", False),
        ("from nplv_monitor.bronnen import leefbaarometer", True),
        ("import nplv_monitor.bronnen.cbs", True),
        ("from nplv_monitor.bronnen.cbs import strip_opvulling", False),
        ("from nplv_monitor.bronnen.assets import KWB_KEY", False),
        ("from nplv_monitor.bronnen import assets", False),
        ("from nplv_monitor.bronnen import lezers", True),
        ("inv = invoer.uit_snapshot()", True),
        ("pad = instellingen().snapshot_dir / 'x.csv'", True),
        ("pad = DEFAULT_SNAPSHOT_DIR / 'x.csv'", True),
        ("pad = Path('assets/snapshot/nplv/x.csv')", True),
        ('"""Reads bron.x (the bronnen stage read assets/snapshot)."""', False),
        ("# assets/snapshot is read by the bronnen stage only", False),
    ],
)
def test_de_controle_herkent_elke_weg_naar_het_snapshot(regel: str, verboden: bool) -> None:
    assert bool(overtredingen(regel + "\n", "voorbeeld.py")) is verboden


def test_geen_stage_na_bronnen_leest_het_snapshot() -> None:
    gevonden = _overtredingen_per_module()
    buiten = [str(o) for rel, lijst in gevonden.items() if rel not in UITZONDERINGEN for o in lijst]
    assert not buiten, (
        "Alleen nplv_monitor/bronnen leest het snapshot; lees bron.* uit de werkdatabase "
        "(docs/ontwikkelaars.md, Stagegrenzen):\n" + "\n".join(buiten)
    )


def test_uitzonderingen_zijn_nog_nodig() -> None:
    # An entry whose module no longer reads the snapshot (or no longer exists) must go, so the
    # list only shrinks.
    gevonden = _overtredingen_per_module()
    overbodig = [rel for rel in UITZONDERINGEN if rel not in gevonden]
    assert not overbodig, f"Haal uit UITZONDERINGEN (leest het snapshot niet meer): {overbodig}"
