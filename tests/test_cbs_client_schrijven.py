"""All-or-nothing install of fetched files (online_schrijven.installeer) on a snapshot copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nplv_monitor.bronnen.online_schrijven import installeer, manifestregel, werkmap
from nplv_monitor.bronnen.snapshot import Snapshot, sha256_bestand

REL = "cbs/84799NED/TableInfos.json"


def _toestand(map_: Path) -> dict[str, str]:
    return {
        str(p.relative_to(map_)): sha256_bestand(p) for p in sorted(map_.rglob("*")) if p.is_file()
    }


def test_mislukte_manifestupdate_zet_de_oude_bestanden_terug(tmp_path: Path) -> None:
    bron = Snapshot()
    doel = tmp_path / "snapshot"
    doel.mkdir()
    shutil.copyfile(bron.manifest_pad, doel / "manifest.json")
    shutil.copytree(bron.map / "cbs/84799NED", doel / "cbs/84799NED")
    snap = Snapshot(doel)
    voor = _toestand(doel)
    oud = snap.entry(REL)
    with werkmap(snap, "test") as tmp:
        nieuw = tmp / "TableInfos.json"
        nieuw.write_text('{"Modified": "test fixture"}\n', encoding="utf-8")
        goed = manifestregel(
            nieuw,
            REL,
            dataset=oud.dataset,
            uitgever=oud.uitgever,
            bron="test fixture",
            licentie=oud.licentie,
            opgehaald="2026-01-01",
            rijen=1,
        )
        # test fixture: an entry the manifest cannot serialise, so the manifest write fails
        # after the new file was moved in
        kapot = manifestregel(
            nieuw,
            "cbs/84799NED/extra.json",
            dataset=oud.dataset,
            uitgever=oud.uitgever,
            bron="test fixture",
            licentie=oud.licentie,
            opgehaald="2026-01-01",
            rijen=object(),
        )
        with pytest.raises(TypeError):
            installeer(snap, {REL: nieuw}, [goed, kapot])
    assert _toestand(doel) == voor
    assert Snapshot(doel).json(REL) == bron.json(REL)  # hash-checked against the old manifest
