"""Leefbaarometer zip download against the replay server, with a zip built here from the snapshot.

The zips are test fixtures generated in the test from the snapshot's own CSVs (values unchanged);
the broken ones are made broken on purpose.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from nplv_monitor.bronnen.leefbaarometer_online import (
    LEEFBAAROMETER_BESTANDEN,
    download_leefbaarometer,
)
from nplv_monitor.bronnen.snapshot import Snapshot, sha256_bestand
from nplv_monitor.errors import BronFout
from tests.replay.server import ReplayServer, Storing

SNEL = {"timeout_s": 10.0, "pogingen": 3, "wacht_s": 0.01}


@pytest.fixture(scope="module")
def bron() -> Snapshot:
    return Snapshot()


@pytest.fixture
def server(bron: Snapshot) -> Iterator[ReplayServer]:
    with ReplayServer(bron, []) as srv:
        yield srv


@pytest.fixture
def kopie(bron: Snapshot, tmp_path: Path) -> Snapshot:
    doel = tmp_path / "snapshot"
    doel.mkdir()
    shutil.copyfile(bron.manifest_pad, doel / "manifest.json")
    shutil.copytree(bron.map / "leefbaarometer", doel / "leefbaarometer")
    return Snapshot(doel)


def _zip(bron: Snapshot, *, zonder: str | None = None, map_: str = "open_data/") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for niveau, (bestand, _) in LEEFBAAROMETER_BESTANDEN.items():
            if niveau != zonder:
                zf.writestr(map_ + bestand, bron.pad(f"leefbaarometer/{bestand}").read_bytes())
    return buf.getvalue()


def _toestand(map_: Path) -> dict[str, str]:
    return {
        str(p.relative_to(map_)): sha256_bestand(p) for p in sorted(map_.rglob("*")) if p.is_file()
    }


def test_zip_uit_het_snapshot_komt_ongewijzigd_in_het_snapshot(
    bron: Snapshot, server: ReplayServer, tmp_path: Path
) -> None:
    doel = tmp_path / "leeg"
    doel.mkdir()
    shutil.copyfile(bron.manifest_pad, doel / "manifest.json")
    snap = Snapshot(doel)  # manifest only: the CSVs arrive through the download
    server.bestanden["lbm.zip"] = _zip(bron)
    server.storingen.append(Storing("500", "/bestanden/lbm.zip", aantal=1))
    res = download_leefbaarometer(server.url("/bestanden/lbm.zip"), snap, **SNEL)
    assert [v.antwoord for v in server.verzoeken] == ["500", "ok"]
    na = Snapshot(doel)
    for niveau, (bestand, _) in LEEFBAAROMETER_BESTANDEN.items():
        rel = f"leefbaarometer/{bestand}"
        assert rel in res.bestanden
        assert na.entry(rel).sha256 == bron.entry(rel).sha256  # byte for byte
        assert na.entry(rel).rijen == bron.entry(rel).rijen == res.rijen[niveau]
        assert na.pad(rel).exists()
    # e.g. the wijk file: the 26,366 rows of the shipped snapshot
    assert res.rijen["wijk"] == bron.csv("leefbaarometer/wijkscores_2002-2022.csv").height


def test_kapotte_zip_schrijft_niets(bron: Snapshot, server: ReplayServer, kopie: Snapshot) -> None:
    voor = _toestand(kopie.map)
    server.bestanden["kapot.zip"] = _zip(bron)[:2_000]  # test fixture: a cut-off download
    with pytest.raises(BronFout, match="geen geldig zip"):
        download_leefbaarometer(server.url("/bestanden/kapot.zip"), kopie, **SNEL)
    assert _toestand(kopie.map) == voor


def test_zip_zonder_buurtniveau_schrijft_niets(
    bron: Snapshot, server: ReplayServer, kopie: Snapshot
) -> None:
    voor = _toestand(kopie.map)
    server.bestanden["half.zip"] = _zip(bron, zonder="buurt")
    with pytest.raises(BronFout, match=r"mist niveaus: buurtscores_2024\.csv \(buurt"):
        download_leefbaarometer(server.url("/bestanden/half.zip"), kopie, **SNEL)
    assert _toestand(kopie.map) == voor


def test_csv_zonder_codekolom_schrijft_niets(
    bron: Snapshot, server: ReplayServer, kopie: Snapshot
) -> None:
    voor = _toestand(kopie.map)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for niveau, (bestand, code) in LEEFBAAROMETER_BESTANDEN.items():
            tekst = bron.pad(f"leefbaarometer/{bestand}").read_text(encoding="utf-8")
            if niveau == "gemeente":  # test fixture: the code column renamed
                tekst = tekst.replace(code, "code", 1)
            zf.writestr(bestand, tekst)
    server.bestanden["kop.zip"] = buf.getvalue()
    with pytest.raises(
        BronFout, match=r"gemeentescores_2024\.csv \(gemeente\) mist kolom 'gm_code'"
    ):
        download_leefbaarometer(server.url("/bestanden/kop.zip"), kopie, **SNEL)
    assert _toestand(kopie.map) == voor


def test_niet_bereikbaar_is_een_nette_fout(server: ReplayServer, kopie: Snapshot) -> None:
    voor = _toestand(kopie.map)
    with pytest.raises(BronFout, match="HTTP 404"):
        download_leefbaarometer(server.url("/bestanden/bestaat_niet.zip"), kopie, **SNEL)
    server.bestanden["x.zip"] = b"PK"
    server.storingen.append(Storing("verbreek", "/bestanden/x.zip", aantal=None))
    with pytest.raises(BronFout, match=r"na 3 poging\(en\)"):
        download_leefbaarometer(server.url("/bestanden/x.zip"), kopie, **SNEL)
    assert _toestand(kopie.map) == voor
