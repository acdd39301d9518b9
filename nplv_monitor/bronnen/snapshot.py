"""The shipped snapshot of real open data, and its manifest.

Every file under ``assets/snapshot`` is listed in ``manifest.json`` with its publisher, source,
licence, retrieval date, row count and sha256. Reading a file verifies its hash first: a changed or
missing file is a SnapshotFout that names it. Values in the snapshot are never edited by hand; the
online path replaces a file only through :func:`vervang_bestand` (temporary file + atomic rename).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from nplv_monitor.config import instellingen
from nplv_monitor.errors import NietInSnapshot, SnapshotFout

MANIFEST_NAAM = "manifest.json"


@dataclass
class Bestand:
    """One manifest entry."""

    pad: str  # relative to the snapshot folder, with forward slashes
    dataset: str  # "cbs/<tabelnummer>" for a CBS table, else e.g. "leefbaarometer"
    uitgever: str
    bron: str  # where the values come from (table id, URL, source copy and commit)
    licentie: str
    opgehaald: str  # ISO date the file was retrieved into the project
    rijen: int | None
    sha256: str
    omschrijving: str = ""
    cbs_modified: str | None = None  # the CBS table's Modified date, for the online skip
    opmerkingen: list[str] = field(default_factory=list)


def sha256_bestand(pad: Path) -> str:
    h = hashlib.sha256()
    with pad.open("rb") as f:
        for blok in iter(lambda: f.read(1 << 20), b""):
            h.update(blok)
    return h.hexdigest()


def onleesbaar(pad: Path, soort: str, exc: Exception) -> SnapshotFout:
    """A file that matches its manifest hash but cannot be read: damaged at the source, or in
    another format or encoding than expected (e.g. Latin-1 instead of UTF-8)."""
    return SnapshotFout(
        f"Snapshotbestand {pad} is geen leesbaar {soort}-bestand: {exc}. Het klopt wel met het "
        "manifest, dus het was al zo toen het werd opgehaald: haal de bron opnieuw op."
    )


def _identiteit(pad: Path) -> tuple[int, ...]:
    """What must be unchanged for an earlier hash check of ``pad`` to still hold.

    Size and mtime alone are not enough: a same-size edit within the clock's granularity, or one
    whose mtime was set back (``touch -r``, ``os.utime``, an unpacked archive), keeps both. The
    inode and device change when the file is replaced (an atomic rename, ``git checkout``), and
    the ctime changes on every write and on every mtime reset, and cannot be set by a user: a file
    modified after its verified read is hashed again.
    """
    st = pad.stat()
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class Snapshot:
    """Verified access to the snapshot folder."""

    def __init__(self, map_: Path | None = None) -> None:
        self.map = (map_ or instellingen().snapshot_dir).resolve()
        # rel → the stat identity of the file when its hash was last verified (see _identiteit).
        self._geverifieerd: dict[str, tuple[int, ...]] = {}
        self._manifest: dict[str, Bestand] | None = None

    # -- manifest -------------------------------------------------------------------------
    @property
    def manifest_pad(self) -> Path:
        return self.map / MANIFEST_NAAM

    def manifest(self) -> dict[str, Bestand]:
        if self._manifest is None:
            if not self.manifest_pad.exists():
                raise SnapshotFout(
                    f"Het snapshot-manifest ontbreekt: {self.manifest_pad}. "
                    "Herstel de map assets/snapshot uit git, of bouw hem opnieuw met "
                    "`nplv-monitor snapshot importeer`."
                )
            try:
                ruw = json.loads(self.manifest_pad.read_text(encoding="utf-8"))
                self._manifest = {b["pad"]: Bestand(**b) for b in ruw["bestanden"]}
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise SnapshotFout(
                    f"Het manifest {self.manifest_pad} is onleesbaar: {exc}"
                ) from exc
        return self._manifest

    def entry(self, pad: str) -> Bestand:
        try:
            return self.manifest()[pad]
        except KeyError:
            raise NietInSnapshot(
                f"{pad} staat niet in het snapshot-manifest ({self.manifest_pad})."
            ) from None

    def bestanden(self, dataset: str) -> list[Bestand]:
        return [b for b in self.manifest().values() if b.dataset == dataset]

    def heeft(self, pad: str) -> bool:
        return pad in self.manifest()

    # -- verified reading ------------------------------------------------------------------
    def pad(self, rel: str) -> Path:
        """The verified absolute path of a snapshot file (hash checked once per process)."""
        entry = self.entry(rel)
        absoluut = (self.map / rel).resolve()
        if self.map not in absoluut.parents:
            raise SnapshotFout(f"{rel} wijst buiten de snapshotmap {self.map}.")
        if not absoluut.exists():
            raise SnapshotFout(
                f"Snapshotbestand ontbreekt: {absoluut} (staat wel in het manifest). "
                "Herstel het uit git of haal de bron opnieuw op met `nplv-monitor ophalen`."
            )
        sleutel = _identiteit(absoluut)
        if self._geverifieerd.get(rel) != sleutel:
            werkelijk = sha256_bestand(absoluut)
            if werkelijk != entry.sha256:
                raise SnapshotFout(
                    f"Snapshotbestand {absoluut} is gewijzigd: sha256 {werkelijk[:12]}… wijkt af "
                    f"van het manifest ({entry.sha256[:12]}…). Waarden in het snapshot worden "
                    "nooit met de hand bewerkt; herstel het bestand uit git of haal het opnieuw op."
                )
            self._geverifieerd[rel] = sleutel
        return absoluut

    def parquet(self, rel: str) -> pl.DataFrame:
        pad = self.pad(rel)
        try:
            df = pl.read_parquet(pad)
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise onleesbaar(pad, "Parquet", exc) from exc
        return self._controleer_rijen(rel, pad, df)

    def json(self, rel: str) -> Any:
        pad = self.pad(rel)
        try:
            return json.loads(pad.read_text(encoding="utf-8"))
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
            raise onleesbaar(pad, "JSON (UTF-8)", exc) from exc

    def csv(self, rel: str, **kwargs: Any) -> pl.DataFrame:
        pad = self.pad(rel)
        try:
            df = pl.read_csv(pad, **kwargs)
        except pl.exceptions.PolarsError as exc:
            raise onleesbaar(pad, "CSV (UTF-8)", exc) from exc
        return self._controleer_rijen(rel, pad, df)

    def _controleer_rijen(self, rel: str, pad: Path, df: pl.DataFrame) -> pl.DataFrame:
        # The hash proves the file is the one the manifest names; the row count proves the manifest
        # describes that file truthfully (a manifest updated with a new hash but an old count
        # means the file and its description went out of step: do not trust either).
        verwacht = self.entry(rel).rijen
        if verwacht is not None and df.height != verwacht:
            raise SnapshotFout(
                f"Snapshotbestand {pad} heeft {df.height} rijen, maar het manifest noemt er "
                f"{verwacht}. Bestand en manifest horen bij elkaar; herstel ze uit git of haal de "
                "bron opnieuw op."
            )
        return df

    def hashes(self, dataset: str) -> dict[str, str]:
        return {b.pad: b.sha256 for b in self.bestanden(dataset)}

    # -- writing (online path and importer) -----------------------------------------------
    def vervang_bestand(self, rel: str, inhoud: bytes | Path) -> Path:
        """Atomically put a new version of a snapshot file in place (temp file + rename)."""
        doel = (self.map / rel).resolve()
        doel.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{doel.name}.", suffix=".tmp", dir=doel.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                if isinstance(inhoud, Path):
                    f.write(inhoud.read_bytes())
                else:
                    f.write(inhoud)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, doel)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._geverifieerd.pop(rel, None)
        return doel

    def werk_manifest_bij(
        self, nieuw: Iterable[Bestand], *, vervang_dataset: str | None = None
    ) -> None:
        """Add or replace entries and write the manifest atomically."""
        huidige = dict(self.manifest()) if self.manifest_pad.exists() else {}
        if vervang_dataset is not None:
            huidige = {k: v for k, v in huidige.items() if v.dataset != vervang_dataset}
        for b in nieuw:
            huidige[b.pad] = b
        inhoud = {
            "beschrijving": (
                "Snapshot van echte open data voor nplv-monitor. Elke regel: uitgever, bron, "
                "licentie, ophaaldatum, aantal rijen en sha256. Waarden zijn nooit bewerkt."
            ),
            "bijgewerkt": datetime.now(UTC).isoformat(timespec="seconds"),
            "bestanden": [asdict(b) for b in sorted(huidige.values(), key=lambda b: b.pad)],
        }
        self.vervang_bestand(
            MANIFEST_NAAM,
            (json.dumps(inhoud, indent=1, ensure_ascii=False) + "\n").encode("utf-8"),
        )
        self._manifest = None
