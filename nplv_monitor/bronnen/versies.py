"""Data versions of the bron assets' snapshot files, for Dagster's staleness (issue 15).

Only nplv_monitor/bronnen reads the snapshot (tests/test_stagegrenzen.py); the orchestrator asks
this module for the version of what ``bron/<naam>`` reads and never opens a snapshot file itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

#: bron assets that describe every CBS table of the snapshot.
ALLE_CBS = {"cbs_tabellen", "cbs_dataproperties"}


def _sha_lijst(regels: Iterable[str]) -> str:
    h = hashlib.sha256()
    for r in regels:
        h.update(f"{r}\n".encode())
    return h.hexdigest()


def _bestand_sha(pad: Path) -> str:
    from nplv_monitor.bronnen.snapshot import sha256_bestand

    return sha256_bestand(pad)


def omschrijving(naam: str) -> str:
    return (
        f"De snapshotbestanden die bron/{naam} leest (assets/snapshot of NPLV_SNAPSHOT_DIR). "
        "Dataversie: sha256 over pad en sha256 van elk bestand."
    )


def bronbestanden(naam: str) -> list[str]:
    """The snapshot files (paths in the manifest) that ``bron/<naam>`` may read: a superset,
    never fewer (tests/test_versies.py checks every file in bron.herkomst is among them)."""
    from nplv_monitor.bronnen import cbs, leefbaarometer, register
    from nplv_monitor.bronnen.assets import beschikbare_kwb_jaren
    from nplv_monitor.bronnen.snapshot import Snapshot
    from nplv_monitor.errors import NplvFout

    snapshot = Snapshot()
    manifest = sorted(snapshot.manifest())

    def onder(*mappen: str) -> list[str]:
        return [p for p in manifest if any(p.startswith(m.rstrip("/") + "/") for m in mappen)]

    if naam in ALLE_CBS:
        return onder("cbs")
    if naam == register.KWB:
        return onder(*(cbs.map_van(register.kwb_tabel_id(j)) for j in beschikbare_kwb_jaren()))
    bron = register.laad().bron(naam)
    if bron.lezer.startswith("leefbaarometer_"):
        niveau = bron.lezer.removeprefix("leefbaarometer_")
        if niveau in leefbaarometer.NIVEAUS:
            return [leefbaarometer.NIVEAUS[niveau][2]]
        return sorted(leefbaarometer.geometrie_bestanden(snapshot))
    if bron.is_cbs:
        return onder(*(cbs.map_van(t.tabel_id) for t in bron.tabellen.values()))
    try:
        bestanden = bron.bestanden_van()
    except NplvFout:
        bestanden = []
    # A reader this module does not know: every file, so no change can be missed.
    return sorted(bestanden) if bestanden else manifest


def snapshot_versie(naam: str) -> str:
    """sha256 over '<path> <sha256 of its bytes>' of the files ``bron/<naam>`` reads (a missing
    file counts as a change, so the asset runs and reports it)."""
    from nplv_monitor.bronnen.snapshot import Snapshot

    snapshot = Snapshot()
    regels = []
    for rel in bronbestanden(naam):
        pad = snapshot.map / rel
        regels.append(f"{rel} {_bestand_sha(pad) if pad.is_file() else 'ontbreekt'}")
    return _sha_lijst(regels)
