"""The shipped snapshot is reproducible: rebuilding it from the shared collection of real open data
gives byte-identical files (same sha256 and row count for every manifest entry)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nplv_monitor.bronnen.importeer_gedeeld import importeer
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR, PROJECT_ROOT

GEDEELD = PROJECT_ROOT.parent / "shared" / "data"


@pytest.mark.skipif(
    not GEDEELD.exists(),
    reason=f"de gedeelde brondata ({GEDEELD}) is op deze machine niet aanwezig",
)
def test_snapshot_is_reproduceerbaar_uit_de_gedeelde_data(tmp_path: Path) -> None:
    doel = tmp_path / "snapshot"
    n = importeer(GEDEELD, doel, voortgang=lambda _regel: None)
    opnieuw = Snapshot(doel).manifest()
    geleverd = Snapshot(DEFAULT_SNAPSHOT_DIR).manifest()
    assert n == len(geleverd)
    assert set(opnieuw) == set(geleverd)
    verschillen = {
        pad: (geleverd[pad].sha256[:12], opnieuw[pad].sha256[:12])
        for pad in geleverd
        if geleverd[pad].sha256 != opnieuw[pad].sha256 or geleverd[pad].rijen != opnieuw[pad].rijen
    }
    assert verschillen == {}
    # Every file in the shipped folder is described by the manifest (nothing unlisted ships).
    op_schijf = {
        p.relative_to(DEFAULT_SNAPSHOT_DIR).as_posix()
        for p in DEFAULT_SNAPSHOT_DIR.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert op_schijf == set(geleverd)
