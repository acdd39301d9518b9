"""The versions Dagster decides with (nplv_monitor/orkestratie/versies.py): every file a bron
asset really read is among the files its source asset observes, and the data versions change
with the bytes of those files and nothing else."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from nplv_monitor.bronnen import versies as bronversies
from nplv_monitor.bronnen.leefbaarometer import WIJK_CSV
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR
from nplv_monitor.orkestratie import versies
from tests.bronnen_hulp import kopieer_snapshot, vervang_en_registreer


def test_waargenomen_bestanden_dekken_de_herkomst(
    werkdb_bronnen: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every (bron table, file) in bron.herkomst of a build of all bron assets: the file is
    observed for that bron asset, so a change to it makes the asset stale."""
    monkeypatch.delenv("NPLV_SNAPSHOT_DIR", raising=False)
    monkeypatch.delenv("NPLV_ONLINE", raising=False)
    with duckdb.connect(str(werkdb_bronnen), read_only=True) as con:
        rijen = con.sql("SELECT DISTINCT bron_tabel, bestand FROM bron.herkomst").fetchall()
    assert rijen
    per_asset: dict[str, set[str]] = {}
    for tabel, bestand in rijen:
        naam = tabel.removeprefix("bron.")
        # bron.kwb_<jaar> and bron.kwb_regio_<jaar> are written by bron/kwb
        naam = "kwb" if naam.startswith("kwb_") else naam
        per_asset.setdefault(naam, set()).add(bestand)
    for naam, bestanden in per_asset.items():
        waargenomen = set(bronversies.bronbestanden(naam))
        assert bestanden <= waargenomen, (naam, sorted(bestanden - waargenomen))
    # and not simply everything: one Leefbaarometer level observes its own file only
    assert bronversies.bronbestanden("leefbaarometer_wijk") == [WIJK_CSV]


def test_snapshotversie_volgt_de_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kopie = kopieer_snapshot(tmp_path / "snap", "leefbaarometer")
    monkeypatch.setenv("NPLV_SNAPSHOT_DIR", str(kopie))
    voor = {
        n: bronversies.snapshot_versie(n) for n in ("leefbaarometer_wijk", "leefbaarometer_buurt")
    }
    # independent recomputation: sha256 over '<path> <sha256 of the bytes>'
    sha = hashlib.sha256((DEFAULT_SNAPSHOT_DIR / WIJK_CSV).read_bytes()).hexdigest()
    assert voor["leefbaarometer_wijk"] == hashlib.sha256(f"{WIJK_CSV} {sha}\n".encode()).hexdigest()
    vervang_en_registreer(
        kopie, WIJK_CSV, lambda p: p.write_bytes(p.read_bytes().replace(b"Centrum", b"Centrum ", 1))
    )
    na = {n: bronversies.snapshot_versie(n) for n in voor}
    assert na["leefbaarometer_wijk"] != voor["leefbaarometer_wijk"]
    assert na["leefbaarometer_buurt"] == voor["leefbaarometer_buurt"]


def test_mapversie_volgt_de_bestanden(tmp_path: Path) -> None:
    map_ = tmp_path / "retouren"
    leeg = versies.map_versie(map_)
    map_.mkdir()
    (map_ / "a.xlsx").write_bytes(b"een")
    een = versies.map_versie(map_)
    assert een != leeg
    assert versies.map_versie(map_) == een
    (map_ / "a.xlsx").write_bytes(b"twee")
    assert versies.map_versie(map_) != een
    # the content counts, not where the folder is
    kopie = tmp_path / "elders" / "retouren"
    kopie.mkdir(parents=True)
    (kopie / "a.xlsx").write_bytes(b"twee")
    assert versies.map_versie(kopie) == versies.map_versie(map_)
