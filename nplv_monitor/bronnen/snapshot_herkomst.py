"""Where each file of the shipped snapshot comes from (``assets/snapshot_herkomst.yaml``).

The snapshot importer (``importeer_gedeeld.py``) is driven by this file: per original download the
registry entry it belongs to (a CBS table is named by ``bron`` and ``jaar``, its id comes from
``assets/bronnen.yaml``), the public copy it was taken from, the manifest texts, and per original
file the snapshot file it becomes and the conversion (``vorm``) that makes it. No table id and no
per-copy provenance text lives in Python; adding a downloaded table is a YAML entry.

Texts are templates: ``{id}``, ``{jaar}``, ``{dataset}``, the copy's ``{repository}``,
``{commit}``, ``{blob}``, ``{kopie_pad}`` and the figures a conversion computes are filled in by
:func:`vul_in`, which only accepts plain ``{naam}`` fields it knows (no attribute access, no format
specs), so a typo is a BronFout naming the file and entry rather than a silent gap.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from nplv_monitor.bronnen import register
from nplv_monitor.config import ASSETS_DIR
from nplv_monitor.errors import BronFout
from nplv_monitor.yamlbestand import lees_yaml

HERKOMST_PAD = ASSETS_DIR / "snapshot_herkomst.yaml"
#: ``cbs_modified: geen``: the file gets no CBS Modified date.
GEEN = "geen"

_DOWNLOAD_VELDEN = frozenset(
    {"bron", "jaar", "uitgever", "licentie", "dataset", "map", "kopie", "herkomst",
     "cbs_modified", "opmerkingen", "bestanden"}
)  # fmt: skip
_BESTAND_VELDEN = frozenset(
    {"van", "naar", "vorm", "opties", "herkomst", "kopie", "cbs_modified", "omschrijving",
     "opmerkingen"}
)  # fmt: skip
_KOPIE_VELDEN = frozenset({"repository", "commit", "blob", "pad"})
STANDAARD_VORM = "kopie"


@dataclass(frozen=True)
class Kopie:
    """The public copy a file was taken from."""

    repository: str
    commit: str | None = None
    blob: str | None = None
    pad: str | None = None  # the path inside the repository, {id} filled in

    def waarden(self) -> dict[str, str]:
        """Its template fields; a field the copy lacks is absent, so using it is an error."""
        uit = {"repository": self.repository}
        for naam, waarde in (("commit", self.commit), ("blob", self.blob), ("kopie_pad", self.pad)):
            if waarde is not None:
                uit[naam] = waarde
        return uit


@dataclass(frozen=True)
class Origineel:
    """One original file (or, with a ``*`` in ``van``, the files of a folder) of a download."""

    van: str  # relative to the download's map in the originals folder
    naar: str | None  # relative to the download's map in the snapshot; None: same as van
    vorm: str
    opties: Mapping[str, Any]
    herkomst: str  # template for the manifest's ``bron``
    kopie: Kopie | None
    cbs_modified: str | None  # snapshot file (relative to map) holding Modified; None: none
    omschrijving: str
    opmerkingen: tuple[str, ...]
    waar: str  # where it stands in the YAML file, for messages


@dataclass(frozen=True)
class Download:
    """One public copy of one source: the files it brings and their shared provenance."""

    dataset: str
    map: str  # folder of ``van`` in the originals and of ``naar`` in the snapshot
    uitgever: str
    licentie: str
    waarden: Mapping[str, str]  # template fields of the download itself (id, jaar, dataset)
    bestanden: tuple[Origineel, ...]
    waar: str


@dataclass(frozen=True)
class Herkomst:
    pad: Path
    downloads: tuple[Download, ...] = field(default_factory=tuple)


def vul_in(sjabloon: str, waarden: Mapping[str, str], waar: str) -> str:
    """``sjabloon`` with its ``{naam}`` fields from ``waarden``; BronFout naming ``waar`` else."""
    try:
        delen = list(string.Formatter().parse(sjabloon))
    except ValueError as exc:
        raise BronFout(f"{waar}: {sjabloon!r} is geen geldig sjabloon ({exc}).") from exc
    uit = []
    for tekst, veld, spec, conversie in delen:
        uit.append(tekst)
        if veld is None:
            continue
        if spec or conversie or veld not in waarden:
            raise BronFout(
                f"{waar}: {{{veld}}} is hier onbekend in {sjabloon!r}; bekend zijn "
                f"{', '.join('{' + k + '}' for k in sorted(waarden))}."
            )
        uit.append(waarden[veld])
    return "".join(uit)


def _fout(pad: Path, waar: str, melding: str) -> BronFout:
    return BronFout(f"{pad}: {waar}: {melding}")


def _tekst(pad: Path, waar: str, v: dict[str, Any], veld: str) -> str | None:
    w = v.get(veld)
    if w is None:
        return None
    if not isinstance(w, str) or not w:
        raise _fout(
            pad, waar, f"{veld} {w!r} moet een niet-lege tekst zijn (tussen aanhalingstekens)"
        )
    return w


def _relatief(pad: Path, waar: str, veld: str, rel: str) -> str:
    """A path inside the originals or snapshot folder: relative, no ``..``."""
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or "\\" in rel:
        raise _fout(pad, waar, f"{veld} {rel!r} moet een relatief pad zonder .. zijn")
    return p.as_posix()


def _kopie(pad: Path, waar: str, ruw: Any, waarden: Mapping[str, str]) -> Kopie:
    if not isinstance(ruw, dict) or "repository" not in ruw:
        raise _fout(pad, waar, "kopie moet een mapping met ten minste 'repository' zijn")
    onbekend = set(ruw) - _KOPIE_VELDEN
    if onbekend:
        raise _fout(pad, waar, f"kopie: onbekend veld {sorted(onbekend)[0]!r}")
    velden = {k: _tekst(pad, f"{waar}, kopie", ruw, k) for k in _KOPIE_VELDEN}
    kopie_pad = velden["pad"]
    return Kopie(
        repository=str(velden["repository"]),
        commit=velden["commit"],
        blob=velden["blob"],
        pad=vul_in(kopie_pad, waarden, f"{pad}: {waar}, kopie.pad") if kopie_pad else None,
    )


def _opmerkingen(pad: Path, waar: str, ruw: Any) -> tuple[str, ...]:
    if ruw is None:
        return ()
    if not isinstance(ruw, list) or not all(isinstance(o, str) for o in ruw):
        raise _fout(pad, waar, "opmerkingen moet een lijst teksten zijn")
    return tuple(ruw)


def _cbs_modified(pad: Path, waar: str, ruw: Any, waarden: Mapping[str, str]) -> str | None:
    if ruw is None or ruw == GEEN:
        return None
    if not isinstance(ruw, str):
        raise _fout(pad, waar, f"cbs_modified {ruw!r}: verwacht een snapshotbestand of {GEEN!r}")
    return _relatief(pad, waar, "cbs_modified", vul_in(ruw, waarden, f"{pad}: {waar}"))


def _origineel(
    pad: Path, waar: str, v: Any, d: dict[str, Any], waarden: Mapping[str, str]
) -> Origineel:
    if not isinstance(v, dict):
        raise _fout(pad, waar, "verwacht een mapping met ten minste 'van'")
    onbekend = set(v) - _BESTAND_VELDEN
    if onbekend:
        raise _fout(pad, waar, f"onbekend veld {sorted(onbekend)[0]!r}")
    van = _tekst(pad, waar, v, "van")
    if van is None:
        raise _fout(pad, waar, "veld 'van' ontbreekt")
    van = _relatief(pad, waar, "van", vul_in(van, waarden, f"{pad}: {waar}, van"))
    waar = f"{waar} ({van})"
    naar = _tekst(pad, waar, v, "naar")
    if naar is not None:
        if "*" in van:
            raise _fout(pad, waar, "een van met * neemt de namen over; laat 'naar' weg")
        naar = _relatief(pad, waar, "naar", vul_in(naar, waarden, f"{pad}: {waar}, naar"))
    herkomst = _tekst(pad, waar, v, "herkomst") or _tekst(pad, waar, d, "herkomst")
    if herkomst is None:
        raise _fout(pad, waar, "'herkomst' ontbreekt (bij het bestand of bij de download)")
    kopie_ruw = v.get("kopie", d.get("kopie"))
    opties = v.get("opties") or {}
    if not isinstance(opties, dict):
        raise _fout(pad, waar, "opties moet een mapping zijn")
    return Origineel(
        van=van,
        naar=naar,
        vorm=_tekst(pad, waar, v, "vorm") or STANDAARD_VORM,
        opties={str(k): w for k, w in opties.items()},
        herkomst=herkomst,
        kopie=_kopie(pad, waar, kopie_ruw, waarden) if kopie_ruw is not None else None,
        cbs_modified=_cbs_modified(
            pad, waar, v.get("cbs_modified", d.get("cbs_modified")), waarden
        ),
        omschrijving=_tekst(pad, waar, v, "omschrijving") or "",
        opmerkingen=_opmerkingen(pad, waar, d.get("opmerkingen"))
        + _opmerkingen(pad, waar, v.get("opmerkingen")),
        waar=f"{pad}: {waar}",
    )


def _download(pad: Path, nr: int, d: Any, reg: register.Register) -> Download:
    waar = f"downloads[{nr}]"
    if not isinstance(d, dict):
        raise _fout(pad, waar, "verwacht een mapping met velden")
    onbekend = set(d) - _DOWNLOAD_VELDEN
    if onbekend:
        raise _fout(pad, waar, f"onbekend veld {sorted(onbekend)[0]!r}")
    waarden: dict[str, str] = {}
    uitgever = _tekst(pad, waar, d, "uitgever")
    licentie = _tekst(pad, waar, d, "licentie")
    dataset = _tekst(pad, waar, d, "dataset")
    naam = d.get("bron")
    if naam is not None:
        bron = reg.bron(str(naam))
        jaar = d.get("jaar")
        waar = f"{waar} (bron {naam}{'' if jaar is None else f' {jaar}'})"
        uitgever = uitgever or bron.uitgever
        licentie = licentie or bron.licentie
        if bron.is_cbs:
            tabel = bron.tabellen.get(jaar) if isinstance(jaar, int) else None
            if tabel is None:
                raise _fout(
                    pad,
                    waar,
                    f"jaar {jaar!r} is geen tabeljaar van bron {naam} in {reg.pad}; bekend: "
                    f"{sorted(bron.tabellen)}",
                )
            waarden.update(id=tabel.tabel_id, jaar=str(jaar))
            dataset = dataset or tabel.dataset
        elif jaar is not None:
            raise _fout(pad, waar, f"bron {naam} is geen CBS-tabel; 'jaar' hoort er niet bij")
    elif "jaar" in d:
        raise _fout(pad, waar, "'jaar' zonder 'bron'")
    if not uitgever or not licentie or not dataset:
        veld = next(
            v
            for v, w in (("uitgever", uitgever), ("licentie", licentie), ("dataset", dataset))
            if not w
        )
        raise _fout(pad, waar, f"veld {veld!r} ontbreekt (of noem de 'bron' in het register)")
    dataset = vul_in(dataset, waarden, f"{pad}: {waar}, dataset")
    waarden["dataset"] = dataset
    map_ = _tekst(pad, waar, d, "map") or dataset
    map_ = _relatief(pad, waar, "map", vul_in(map_, waarden, f"{pad}: {waar}, map"))
    bestanden = d.get("bestanden")
    if not isinstance(bestanden, list) or not bestanden:
        raise _fout(pad, waar, "'bestanden' moet een niet-lege lijst zijn")
    return Download(
        dataset=dataset,
        map=map_,
        uitgever=uitgever,
        licentie=licentie,
        waarden=dict(waarden),
        bestanden=tuple(
            _origineel(pad, f"{waar}, bestanden[{i}]", b, d, waarden)
            for i, b in enumerate(bestanden)
        ),
        waar=f"{pad}: {waar}",
    )


def laad(pad: Path | None = None) -> Herkomst:
    """The provenance file (default ``assets/snapshot_herkomst.yaml``), checked against the
    registry; BronFout naming the file and entry for anything that does not fit."""
    pad = (pad or HERKOMST_PAD).resolve()
    ruw = lees_yaml(pad)
    if not isinstance(ruw, dict) or not isinstance(ruw.get("downloads"), list):
        raise BronFout(f"{pad}: verwacht een lijst 'downloads'.")
    reg = register.laad()
    downloads = tuple(_download(pad, nr, d, reg) for nr, d in enumerate(ruw["downloads"]))
    gezien: dict[str, str] = {}
    for d in downloads:
        for o in d.bestanden:
            if "*" in o.van:
                continue
            rel = f"{d.map}/{o.naar or o.van}"
            if rel in gezien:
                raise BronFout(f"{o.waar}: snapshotbestand {rel} komt ook uit {gezien[rel]}.")
            gezien[rel] = o.waar
    return Herkomst(pad, downloads)
