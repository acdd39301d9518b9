"""Fault campaign, network: the online CBS client against the replay server with injected faults.

Each test states the fault and what must hold afterwards: the fetch is retried and gives exactly
the snapshot's rows, or it is refused with a BronFout that names the URL, and nothing is written
into the snapshot (every file byte for byte as before). Faults already covered by
tests/test_replay_cbs.py (HTTP 500, dropped connection, timeout, non-JSON page, ODataApi
truncation) are not repeated here.
"""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from nplv_monitor.bronnen.cbs_client import ververs_tabel
from nplv_monitor.bronnen.snapshot import Snapshot, sha256_bestand
from nplv_monitor.errors import BronFout
from tests.replay.server import ReplayServer, Storing

KWB2020 = "84799NED"
PAGINA = 5_000  # 17,341 rows: four pages, so faults can hit a page in the middle
SNEL = {"timeout_s": 5.0, "pogingen": 3, "wacht_s": 0.01}


@pytest.fixture(scope="module")
def bron() -> Snapshot:
    return Snapshot()


@pytest.fixture
def server(bron: Snapshot) -> Iterator[ReplayServer]:
    with ReplayServer(bron, [KWB2020], pagina=PAGINA) as srv:
        yield srv


@pytest.fixture
def kopie(bron: Snapshot, tmp_path: Path) -> Snapshot:
    doel = tmp_path / "snapshot"
    doel.mkdir()
    shutil.copyfile(bron.manifest_pad, doel / "manifest.json")
    shutil.copytree(bron.map / f"cbs/{KWB2020}", doel / f"cbs/{KWB2020}")
    return Snapshot(doel)


def _toestand(map_: Path) -> dict[str, str]:
    return {str(p.relative_to(map_)): sha256_bestand(p) for p in map_.rglob("*") if p.is_file()}


def _geweigerd(server: ReplayServer, kopie: Snapshot, *woorden: str) -> BronFout:
    """Fetch must fail with BronFout containing ``woorden``; the snapshot must be unchanged."""
    voor = _toestand(kopie.map)
    with pytest.raises(BronFout) as fout:
        ververs_tabel(KWB2020, kopie, basis_url=server.basis_url, forceer=True, **SNEL)
    for w in woorden:
        assert w in str(fout.value)
    assert _toestand(kopie.map) == voor, "het snapshot is veranderd na een geweigerde download"
    return fout.value


def _gelukt(server: ReplayServer, kopie: Snapshot, bron: Snapshot) -> None:
    res = ververs_tabel(KWB2020, kopie, basis_url=server.basis_url, forceer=True, **SNEL)
    assert res.status == "bijgewerkt"
    verwacht = bron.parquet(f"cbs/{KWB2020}/TypedDataSet.parquet")
    opgehaald = Snapshot(kopie.map).parquet(f"cbs/{KWB2020}/TypedDataSet.parquet")
    assert_frame_equal(opgehaald, verwacht, check_dtypes=False)


def test_verbinding_geweigerd_is_een_nette_fout_zonder_schrijven(kopie: Snapshot) -> None:
    """Fault: nothing listens on the port (connection refused). Holds: BronFout after the retries
    naming the URL and 'verbindingsfout'; snapshot unchanged."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        poort = s.getsockname()[1]
    voor = _toestand(kopie.map)
    with pytest.raises(BronFout) as fout:
        ververs_tabel(KWB2020, kopie, basis_url=f"http://127.0.0.1:{poort}/{{catalogus}}", **SNEL)
    assert "verbindingsfout" in str(fout.value)
    assert f"127.0.0.1:{poort}" in str(fout.value)
    assert _toestand(kopie.map) == voor


def test_verbinding_halverwege_een_pagina_verbroken_wordt_herhaald(
    server: ReplayServer, kopie: Snapshot, bron: Snapshot
) -> None:
    """Fault: the third TypedDataSet page stops after half its bytes (connection reset mid-page).
    Holds: the entity set is fetched again from its first page; the result equals the snapshot."""
    server.storingen.append(Storing("halverwege", "/TypedDataSet", aantal=1))
    _gelukt(server, kopie, bron)
    assert any(v.antwoord == "halverwege" for v in server.verzoeken_naar("/TypedDataSet"))


def test_steeds_halverwege_verbroken_schrijft_niets(server: ReplayServer, kopie: Snapshot) -> None:
    """Fault: every TypedDataSet page is cut off mid-body. Holds: BronFout, nothing written."""
    server.storingen.append(Storing("halverwege", "/TypedDataSet", aantal=None))
    _geweigerd(server, kopie, "TypedDataSet", "3 poging")


def test_http_429_wordt_met_wachten_herhaald(
    server: ReplayServer, kopie: Snapshot, bron: Snapshot
) -> None:
    """Fault: HTTP 429 Too Many Requests on a data page, twice. Holds: retried (rate limits are
    temporary), the result equals the snapshot."""
    server.storingen.append(Storing("429", "/TypedDataSet", aantal=2))
    _gelukt(server, kopie, bron)


def test_blijvende_503_is_een_nette_fout(server: ReplayServer, kopie: Snapshot) -> None:
    """Fault: HTTP 503 on DataProperties, always. Holds: BronFout after 3 attempts naming the
    status and the URL; nothing written."""
    server.storingen.append(Storing("503", "/DataProperties", aantal=None))
    fout = _geweigerd(server, kopie, "HTTP 503", "DataProperties", "3 poging")
    assert len(server.verzoeken_naar("/DataProperties")) == 3
    assert fout is not None


def test_afgebroken_json_is_een_bronfout_met_de_url(server: ReplayServer, kopie: Snapshot) -> None:
    """Fault: a page of JSON cut off mid-object, served as application/json. Holds: BronFout
    'geen JSON' naming the URL (not retried: the server answered); nothing written."""
    server.storingen.append(Storing("json_kapot", "/TypedDataSet", aantal=None))
    _geweigerd(server, kopie, "geen JSON", "TypedDataSet")
    assert len(server.verzoeken_naar("/TypedDataSet")) == 1


def test_next_link_in_een_kring_wordt_geweigerd(server: ReplayServer, kopie: Snapshot) -> None:
    """Fault: every page's odata.nextLink points back at itself (cbsodata would follow it forever
    and fill memory). Holds: refused within a few requests with a message about the loop;
    nothing written."""
    server.storingen.append(Storing("lus", "/TypedDataSet", aantal=None))
    klaar: list[BaseException | None] = []

    def haal() -> None:
        try:
            _geweigerd(server, kopie, "kring")
            klaar.append(None)
        except BaseException as exc:  # reported in the main thread
            klaar.append(exc)

    t = threading.Thread(target=haal, daemon=True)
    t.start()
    t.join(timeout=30)
    assert klaar, "de client volgt de kringverwijzing nog steeds (na 30 s)"
    if klaar[0] is not None:
        raise klaar[0]
    assert len(server.verzoeken_naar("/TypedDataSet")) <= 3


def test_pagina_met_ontbrekende_rij_wordt_geweigerd(server: ReplayServer, kopie: Snapshot) -> None:
    """Fault: one page silently lacks a row while its nextLink moves on (a truncated page).
    Holds: the row count is below RecordCount, so the download is refused; nothing written."""
    server.storingen.append(Storing("pagina_kort", "/TypedDataSet", aantal=1))
    _geweigerd(server, kopie, "Afgekapte download geweigerd")
