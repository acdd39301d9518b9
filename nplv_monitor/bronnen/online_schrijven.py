"""Put freshly fetched files into the snapshot all-or-nothing, manifest last.

The online paths (CBS tables, the Leefbaarometer zip) build every new file in a temporary folder
inside the snapshot folder (same file system, so ``os.replace`` is an atomic rename). Installing
moves the current files aside, moves the new ones in, and only then rewrites the manifest. If any
step fails, the moved-aside files are put back and the new ones removed, so the previous snapshot
stays intact and consistent with its manifest.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nplv_monitor.bronnen.snapshot import Bestand, Snapshot, sha256_bestand


@contextmanager
def werkmap(snapshot: Snapshot, voorvoegsel: str) -> Iterator[Path]:
    """A temporary folder inside the snapshot folder, always removed afterwards."""
    snapshot.map.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{voorvoegsel}-", dir=snapshot.map))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def manifestregel(pad: Path, rel: str, **velden: object) -> Bestand:
    """A manifest entry for a new file (sha256 of the file as it will be installed)."""
    return Bestand(pad=rel, sha256=sha256_bestand(pad), **velden)  # type: ignore[arg-type]


def installeer(
    snapshot: Snapshot,
    nieuw: dict[str, Path],
    entries: list[Bestand],
    *,
    verwijder: tuple[str, ...] = (),
    vervang_dataset: str | None = None,
) -> None:
    """Move ``nieuw`` (snapshot-relative path -> temp file) into place, then write the manifest.

    ``verwijder`` lists snapshot files that the new version no longer has; they are removed
    (and dropped from the manifest by ``vervang_dataset``) only when everything else succeeded.
    """
    reserve = Path(tempfile.mkdtemp(prefix=".reserve-", dir=snapshot.map))
    verplaatst: list[tuple[Path, Path]] = []  # (current location, reserve copy)
    geplaatst: list[Path] = []
    try:
        for i, (rel, bron) in enumerate(sorted(nieuw.items())):
            doel = snapshot.map / rel
            doel.parent.mkdir(parents=True, exist_ok=True)
            if doel.exists():
                kopie = reserve / str(i)
                os.replace(doel, kopie)
                verplaatst.append((doel, kopie))
            os.replace(bron, doel)
            geplaatst.append(doel)
        snapshot.werk_manifest_bij(entries, vervang_dataset=vervang_dataset)
    except BaseException:
        for doel in geplaatst:
            doel.unlink(missing_ok=True)
        for doel, kopie in verplaatst:
            os.replace(kopie, doel)
        snapshot._manifest = None  # re-read whatever is on disk
        raise
    finally:
        # After success the reserve holds only the old versions; after a rollback it is empty.
        shutil.rmtree(reserve, ignore_errors=True)
    for rel in verwijder:
        if rel not in nieuw:
            (snapshot.map / rel).unlink(missing_ok=True)
