"""The shipped snapshot: every file matches its manifest hash, and a changed or missing file is a
clear SnapshotFout naming it (bad copies are made in tmp_path from the real files)."""

from __future__ import annotations

import json
import os
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


def test_bestand_gewijzigd_na_geverifieerde_lezing_wordt_opnieuw_gecontroleerd(
    tmp_path: Path,
) -> None:
    """The hash check is cached per process; a same-size edit with its mtime set back to the
    verified read's (as `touch -r` or an unpacked archive does) must still be caught."""
    kopie = kopieer_snapshot(tmp_path / "snap", "leefbaarometer")
    pad = kopie / WIJK
    snap = Snapshot(kopie)
    assert snap.pad(WIJK) == pad.resolve()  # first read: verified, and cached
    voor = pad.stat()
    data = pad.read_bytes()
    eerste = data.splitlines()[1]
    assert b"4.13" in eerste
    gewijzigd = data.replace(eerste, eerste.replace(b"4.13", b"4.14", 1), 1)
    assert len(gewijzigd) == len(data)
    pad.write_bytes(gewijzigd)
    os.utime(pad, ns=(voor.st_atime_ns, voor.st_mtime_ns))
    na = pad.stat()
    assert (na.st_size, na.st_mtime_ns, na.st_ino) == (voor.st_size, voor.st_mtime_ns, voor.st_ino)
    with pytest.raises(SnapshotFout, match=r"wijkscores_2002-2022\.csv is gewijzigd: sha256"):
        snap.pad(WIJK)
    # Restoring the original content makes the same object accept the file again.
    pad.write_bytes(data)
    assert snap.pad(WIJK) == pad.resolve()


def test_bestand_vervangen_na_geverifieerde_lezing_wordt_opnieuw_gecontroleerd(
    tmp_path: Path,
) -> None:
    """A file replaced by another one (new inode, e.g. `git checkout` or a rename) with the same
    size and mtime is hashed again."""
    kopie = kopieer_snapshot(tmp_path / "snap", "leefbaarometer")
    pad = kopie / WIJK
    snap = Snapshot(kopie)
    snap.pad(WIJK)
    voor = pad.stat()
    data = pad.read_bytes()
    nieuw = tmp_path / "nieuw.csv"
    nieuw.write_bytes(data.replace(b"4.13", b"4.14", 1))
    os.utime(nieuw, ns=(voor.st_atime_ns, voor.st_mtime_ns))
    os.replace(nieuw, pad)
    assert pad.stat().st_ino != voor.st_ino
    with pytest.raises(SnapshotFout, match=r"is gewijzigd: sha256"):
        snap.pad(WIJK)
