"""The publication register: what the pipeline published, with the sha256 of each file.

The published file is read by analysts, and nothing stops one of them from opening it
read-write: a ``DELETE`` there would otherwise become the history of every later edition. The
authoritative history is therefore what the *pipeline* wrote and recorded. At each publication the
pipeline records, in ``edities/register.json`` next to the published file, the sha256 of the new
file and the name of its own byte copy (``edities/nplv_monitor_<editie>.duckdb``). Before it
carries history forward it checks the copy (and the published file) against that record; a file
that does not match never becomes history.

Crash safety: the new record is written as ``kandidaat`` before the swap and promoted to
``huidig`` after it, so a run killed in between leaves a register that still describes the file
on disk (either the previous one, or the candidate that was swapped in).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nplv_monitor.errors import NplvFout

REGISTER_NAAM = "register.json"
VERSIE = 1


class RegisterFout(NplvFout):
    """The publication register is unreadable; it names the file and how to recover."""


@dataclass(frozen=True)
class Vastlegging:
    """One publication as the pipeline recorded it."""

    editie_id: str
    sha256: str  # of the published file (= of the pipeline's copy)
    kopie: str  # file name of the pipeline's byte copy in edities/
    vingerafdruk: str  # inputs + code version + rapportagejaar of the newest edition
    rapportagejaar: int
    moment: str  # ISO UTC: when this file was published
    soort: str = "editie"  # editie | markering | opruimen | herstel

    @classmethod
    def van(cls, d: dict[str, Any]) -> Vastlegging:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


@dataclass
class Register:
    pad: Path
    huidig: Vastlegging | None = None
    kandidaat: Vastlegging | None = None
    logboek: list[Vastlegging] = field(default_factory=list)

    @property
    def map(self) -> Path:
        return self.pad.parent

    def kopie_pad(self, v: Vastlegging) -> Path:
        return self.map / v.kopie

    def schrijf(self) -> None:
        """Write atomically: a temporary file, fsync, rename, fsync of the folder."""
        self.map.mkdir(parents=True, exist_ok=True)
        inhoud = {
            "versie": VERSIE,
            "uitleg": "Door nplv-monitor bijgehouden: sha256 van elk gepubliceerd bestand en de "
            "eigen kopie ervan. Niet met de hand wijzigen.",
            "huidig": asdict(self.huidig) if self.huidig else None,
            "kandidaat": asdict(self.kandidaat) if self.kandidaat else None,
            "logboek": [asdict(v) for v in self.logboek],
        }
        tmp = self.pad.with_name(f".{self.pad.name}.{os.getpid()}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(inhoud, f, indent=1, ensure_ascii=False)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.pad)
        fsync_map(self.map)


def fsync_map(map_: Path) -> None:
    """fsync a folder (after a rename in it) or a file, so the change survives a crash."""
    fd = os.open(map_, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def register_pad(edities_map: Path) -> Path:
    return edities_map / REGISTER_NAAM


def lees(edities_map: Path) -> Register | None:
    """The register in ``edities_map``, or None when the pipeline never recorded a publication."""
    pad = register_pad(edities_map)
    if not pad.exists():
        return None
    try:
        d = json.loads(pad.read_text(encoding="utf-8"))
        return Register(
            pad,
            Vastlegging.van(d["huidig"]) if d.get("huidig") else None,
            Vastlegging.van(d["kandidaat"]) if d.get("kandidaat") else None,
            [Vastlegging.van(v) for v in d.get("logboek", [])],
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise RegisterFout(
            f"Het publicatieregister {pad} is onleesbaar ({exc}). Het is door de pijplijn "
            "geschreven en niet met de hand te wijzigen; zet een reservekopie terug, of verplaats "
            "het samen met de map edities/ en het gepubliceerde bestand om met een nieuwe "
            "geschiedenis te beginnen."
        ) from exc


def sha256_van(pad: Path) -> str:
    h = hashlib.sha256()
    with open(pad, "rb") as f:
        while blok := f.read(1 << 20):
            h.update(blok)
    return h.hexdigest()
