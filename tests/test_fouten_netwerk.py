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
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from nplv_monitor.bronnen.cbs_client import ververs_tabel
from nplv_monitor.bronnen.cbs_online import CbsVerbinding
from nplv_monitor.bronnen.leefbaarometer_online import download_leefbaarometer
from nplv_monitor.bronnen.snapshot import Snapshot, sha256_bestand
from nplv_monitor.bronnen.termijn import TERMIJN_TABEL_ENV, TERMIJN_VERZOEK_ENV
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
    url = server.basis_url.format(catalogus="opendata.cbs.nl")
    assert f" bij {url}/ODataFeed/odata/{KWB2020}/DataProperties?" in str(fout), str(fout)


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


# -- wall-clock deadlines: a server that trickles its answer ---------------------------------------
def _termijnen(monkeypatch: pytest.MonkeyPatch, verzoek_s: float, tabel_s: float) -> None:
    monkeypatch.setenv(TERMIJN_VERZOEK_ENV, str(verzoek_s))
    monkeypatch.setenv(TERMIJN_TABEL_ENV, str(tabel_s))


def test_druppelend_antwoord_stopt_op_de_termijn_per_verzoek(
    server: ReplayServer, kopie: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault: TableInfos is sent one byte per 0.5 s, always (each read well within the 5 s socket
    timeout, so requests alone would wait for ever). Holds: every attempt is cut off at the
    1.5 s deadline per request and retried; after 3 attempts a BronFout naming the URL and the
    deadline, within 3 x 1.5 s (+ 5 s slack: a correctness bound, not a performance threshold);
    nothing written."""
    _termijnen(monkeypatch, verzoek_s=1.5, tabel_s=120)
    server.storingen.append(Storing("trickle", "/TableInfos", aantal=None, interval_s=0.5))
    begin = time.monotonic()
    fout = _geweigerd(server, kopie, "3 poging", "1.5 s per verzoek")
    duur = time.monotonic() - begin
    assert server.url(f"/opendata.cbs.nl/ODataFeed/odata/{KWB2020}/TableInfos") in str(fout)
    assert [v.antwoord for v in server.verzoeken_naar("/TableInfos")] == ["trickle"] * 3
    assert duur < 3 * 1.5 + 5, f"duurde {duur:.1f} s"


def test_eenmaal_druppelend_antwoord_wordt_herhaald(
    server: ReplayServer, kopie: Snapshot, bron: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault: one TypedDataSet page trickles once. Holds: that attempt ends at its deadline, the
    entity set is fetched again and the result equals the snapshot."""
    _termijnen(monkeypatch, verzoek_s=1.5, tabel_s=120)
    server.storingen.append(Storing("trickle", "/TypedDataSet", aantal=1, interval_s=0.5))
    _gelukt(server, kopie, bron)
    assert server.verzoeken_naar("/TypedDataSet")[0].antwoord == "trickle"


def test_druppelend_antwoord_stopt_op_de_termijn_per_tabel(
    server: ReplayServer, kopie: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault: the TypedDataSet trickles, always; the deadline per request (60 s) is far away but
    the table's (4 s, counted from its first request: TableInfos, the service document,
    DataProperties and the dimensions come first) is not. Holds: BronFout naming the
    TypedDataSet URL and the table deadline, within 4 s (+ 5 s slack), without another attempt
    (no time is left for one); nothing written."""
    _termijnen(monkeypatch, verzoek_s=60, tabel_s=4)
    server.storingen.append(Storing("trickle", "/TypedDataSet", aantal=None, interval_s=0.5))
    begin = time.monotonic()
    fout = _geweigerd(server, kopie, "afgebroken", "4 s voor de hele tabel")
    duur = time.monotonic() - begin
    assert server.url(f"/opendata.cbs.nl/ODataFeed/odata/{KWB2020}/TypedDataSet") in str(fout)
    assert [v.antwoord for v in server.verzoeken_naar("/TypedDataSet")] == ["trickle"]
    assert server.verzoeken_naar("/DataProperties"), "de tabeltermijn begon te laat"
    assert 4 <= duur < 4 + 5, f"duurde {duur:.1f} s"


def test_ongeldige_termijn_in_de_omgeving_is_een_bronfout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(TERMIJN_TABEL_ENV, "een uur")
    with pytest.raises(BronFout, match=TERMIJN_TABEL_ENV):
        CbsVerbinding("opendata.cbs.nl")
    monkeypatch.setenv(TERMIJN_TABEL_ENV, "0")
    with pytest.raises(BronFout, match=TERMIJN_TABEL_ENV):
        CbsVerbinding("opendata.cbs.nl")
    # An explicit argument wins over the environment.
    assert CbsVerbinding("opendata.cbs.nl", termijn_tabel_s=9).termijnen.tabel_s == 9


@pytest.mark.parametrize(
    ("termijnen", "woorden", "verzoeken", "grens_s"),
    [
        ({"termijn_verzoek_s": 1.0, "termijn_tabel_s": 60}, ["2 poging", "1 s per poging"], 2, 2),
        (
            {"termijn_verzoek_s": 60, "termijn_tabel_s": 2.0},
            ["afgebroken", "2 s voor de hele"],
            1,
            2,
        ),
    ],
    ids=["per_poging", "per_download"],
)
def test_druppelende_leefbaarometer_zip_stopt_op_de_termijn(
    server: ReplayServer,
    kopie: Snapshot,
    *,
    termijnen: dict[str, float],
    woorden: list[str],
    verzoeken: int,
    grens_s: float,
) -> None:
    """Fault: the Leefbaarometer zip is sent one byte per 0.5 s, always. Holds: BronFout naming
    the URL and the deadline that ended it (per attempt: retried; for the whole download: not
    retried), within that deadline (+ 5 s slack); the snapshot is unchanged."""
    server.bestanden["lbm.zip"] = bytes(2000)  # the content never matters: it does not arrive
    server.storingen.append(Storing("trickle", "/bestanden/lbm.zip", aantal=None))
    url = server.url("/bestanden/lbm.zip")
    voor = _toestand(kopie.map)
    begin = time.monotonic()
    with pytest.raises(BronFout) as fout:
        download_leefbaarometer(url, kopie, timeout_s=5.0, pogingen=2, wacht_s=0.01, **termijnen)
    duur = time.monotonic() - begin
    assert url in str(fout.value)
    for w in woorden:
        assert w in str(fout.value)
    assert len(server.verzoeken_naar("/bestanden/lbm.zip")) == verzoeken
    assert duur < grens_s + 5, f"duurde {duur:.1f} s"
    assert _toestand(kopie.map) == voor
