"""The shipped snapshot: every file matches its manifest hash, and a changed or missing file is a
clear SnapshotFout naming it (bad copies are made in tmp_path from the real files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nplv_monitor.bronnen.snapshot import Snapshot, sha256_bestand
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR
from nplv_monitor.errors import NietInSnapshot, SnapshotFout
from tests.bronnen_hulp import kopieer_snapshot

WIJK = "leefbaarometer/wijkscores_2002-2022.csv"


def test_elk_bestand_klopt_met_het_manifest() -> None:
    snap = Snapshot(DEFAULT_SNAPSHOT_DIR)
    manifest = snap.manifest()
    ruw = json.loads((DEFAULT_SNAPSHOT_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest) == len(ruw["bestanden"])
    for rel, entry in manifest.items():
        assert snap.pad(rel) == (DEFAULT_SNAPSHOT_DIR / rel).resolve()
        assert all((entry.uitgever, entry.licentie, entry.bron, entry.opgehaald)), rel
    # Every file on disk is in the manifest: nothing unverified can be read.
    op_schijf = {
        p.relative_to(DEFAULT_SNAPSHOT_DIR).as_posix()
        for p in DEFAULT_SNAPSHOT_DIR.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert op_schijf == set(manifest)


def test_gewijzigd_bestand_geeft_snapshotfout(tmp_path: Path) -> None:
    kopie = kopieer_snapshot(tmp_path / "snap", "leefbaarometer")
    pad = kopie / WIJK
    tekst = pad.read_text(encoding="utf-8")
    # Change one score in the first data row; the file keeps its layout.
    eerste = tekst.splitlines()[1]
    pad.write_text(tekst.replace(eerste, eerste.replace("4.13", "4.14", 1), 1), encoding="utf-8")
    assert sha256_bestand(pad) != Snapshot(kopie).entry(WIJK).sha256
    with pytest.raises(SnapshotFout, match=r"wijkscores_2002-2022\.csv is gewijzigd: sha256"):
        Snapshot(kopie).pad(WIJK)


def test_ontbrekend_bestand_geeft_snapshotfout(tmp_path: Path) -> None:
    kopie = kopieer_snapshot(tmp_path / "snap", "leefbaarometer")
    (kopie / WIJK).unlink()
    with pytest.raises(SnapshotFout, match=r"Snapshotbestand ontbreekt: .*wijkscores_2002-2022"):
        Snapshot(kopie).pad(WIJK)


def test_ontbrekend_manifest_geeft_snapshotfout(tmp_path: Path) -> None:
    with pytest.raises(SnapshotFout, match="manifest ontbreekt"):
        Snapshot(tmp_path).manifest()


def test_bestand_buiten_manifest_is_niet_in_snapshot() -> None:
    with pytest.raises(NietInSnapshot, match=r"cbs/85318NED/TypedDataSet\.parquet"):
        Snapshot(DEFAULT_SNAPSHOT_DIR).pad("cbs/85318NED/TypedDataSet.parquet")
