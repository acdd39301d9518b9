"""The project stands on its own: every third-party import is a declared dependency, and no tracked
file refers to documents or data outside the repository."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from nplv_monitor.config import PROJECT_ROOT
from tests.hulp import overslaan

PAKKET = PROJECT_ROOT / "nplv_monitor"


def _norm(naam: str) -> str:
    """PEP 503 normalised distribution name (``PyYAML`` == ``pyyaml``, ``a_b`` == ``a-b``)."""
    return re.sub(r"[-_.]+", "-", naam).lower()


def _gedeclareerd() -> set[str]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]
    eisen = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        eisen.extend(extra)
    # "pandera[polars]==0.35.0" -> "pandera": the name ends at the first extra/version marker.
    return {_norm(re.split(r"[\[=<>!~;\s]", eis, maxsplit=1)[0]) for eis in eisen}


def _topmodules(pad: Path) -> set[str]:
    modules = set()
    for knoop in ast.walk(ast.parse(pad.read_text(encoding="utf-8"), filename=str(pad))):
        if isinstance(knoop, ast.Import):
            modules.update(a.name.split(".")[0] for a in knoop.names)
        elif isinstance(knoop, ast.ImportFrom) and knoop.level == 0 and knoop.module:
            modules.add(knoop.module.split(".")[0])
    return modules


def test_elke_import_is_een_gedeclareerde_afhankelijkheid() -> None:
    distributies = importlib.metadata.packages_distributions()
    gedeclareerd = _gedeclareerd()
    ontbreekt: dict[str, list[str]] = {}
    for pad in sorted(PAKKET.rglob("*.py")):
        for module in _topmodules(pad):
            if module in sys.stdlib_module_names or module == "nplv_monitor":
                continue
            namen = distributies.get(module)
            if not namen:
                ontbreekt.setdefault(f"{module} (niet geïnstalleerd)", []).append(str(pad))
                continue
            if not {_norm(n) for n in namen} & gedeclareerd:
                ontbreekt.setdefault(f"{module} -> {namen[0]}", []).append(
                    pad.relative_to(PROJECT_ROOT).as_posix()
                )
    assert ontbreekt == {}, "imports zonder gepinde afhankelijkheid in pyproject.toml"


# Names of what lies outside the repository. Built from parts so this file does not match itself.
_BUITEN = re.compile(
    "|".join(
        [
            re.escape("../" + "shared"),
            re.escape("shared" + "/data"),
            re.escape("shared" + "/docs"),
            r"\"shared\"\s*/\s*\"data\"",
            r"\b" + "PIT" + r"FALLS\b",
            r"\b" + "ARCHI" + r"TECTURE\.md\b",
        ]
    )
)


def _getrackte_tekstbestanden() -> list[Path]:
    try:
        uit = subprocess.run(
            ["git", "ls-files", "-z"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        overslaan(f"geen git-werkmap in {PROJECT_ROOT}: {exc}")
    bestanden = []
    for rel in uit.decode("utf-8").split("\0"):
        # The snapshot's data files are published originals (bytes as retrieved); the manifest
        # is ours and is checked.
        if not rel or (
            rel.startswith("assets/snapshot/") and rel != "assets/snapshot/manifest.json"
        ):
            continue
        pad = PROJECT_ROOT / rel
        if pad.is_file():
            bestanden.append(pad)
    return bestanden


def test_geen_verwijzing_naar_bestanden_buiten_de_repository() -> None:
    treffers = []
    for pad in _getrackte_tekstbestanden():
        data = pad.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary (images, Parquet)
        tekst = data.decode("utf-8", errors="replace")
        for nr, regel in enumerate(tekst.splitlines(), start=1):
            if _BUITEN.search(regel):
                treffers.append(f"{pad.relative_to(PROJECT_ROOT).as_posix()}:{nr}: {regel.strip()}")
    assert treffers == [], "verwijzingen naar buiten de repository:\n" + "\n".join(treffers)
