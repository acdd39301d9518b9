"""The code version an edition was computed with: package version plus a hash of what shapes it.

Two builds with the same inputs give the same figures only when the code that computed them is
the same. The package version alone does not say that (it changes only at a release), so the
version is the package version plus one sha256 over every file that decides the figures: the
Python package itself (modules and report templates), the declarative inputs under ``assets/``
(catalogue, source registry, areas, questionnaire: ``*.yaml``) and the table schemas under
``schemas/``. The data files the bron tables were read from are not part of it: they are the
edition's inputs, recorded per file in ``bron.herkomst``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from nplv_monitor import __version__
from nplv_monitor.config import ASSETS_DIR, PROJECT_ROOT, SCHEMAS_DIR

PAKKET_DIR = Path(__file__).resolve().parent.parent
#: Files of the package that are not code (bytecode caches change with every interpreter run).
OVERSLAAN = {"__pycache__"}


def _bestanden() -> Iterator[Path]:
    for p in sorted(PAKKET_DIR.rglob("*")):
        if p.is_file() and not OVERSLAAN & set(p.parts) and p.suffix != ".pyc":
            yield p
    yield from sorted(ASSETS_DIR.rglob("*.yaml"))
    yield from sorted(SCHEMAS_DIR.glob("*.yaml"))


def code_sha256() -> str:
    """sha256 over the sorted lines '<path relative to the project> <sha256 of the file>'."""
    h = hashlib.sha256()
    for p in _bestanden():
        try:
            naam = p.relative_to(PROJECT_ROOT).as_posix()
        except ValueError:  # an installed (non-editable) package lives outside the project
            naam = p.relative_to(PAKKET_DIR.parent).as_posix()
        h.update(f"{naam} {hashlib.sha256(p.read_bytes()).hexdigest()}\n".encode())
    return h.hexdigest()


def codeversie() -> str:
    """``<package version>+<first 12 hex of code_sha256>``, e.g. ``0.1.0+3f2a9c0d11e2``."""
    return f"{__version__}+{code_sha256()[:12]}"
