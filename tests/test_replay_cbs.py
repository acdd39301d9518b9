"""The online CBS client over real HTTP against the replay server (no monkeypatched client).

Every test fetches into a copy of the snapshot in tmp_path; the shipped snapshot is only read.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import requests
from polars.testing import assert_frame_equal

from nplv_monitor.bronnen.cbs_client import ODATA_API_LIMIET, ververs_tabel
from nplv_monitor.bronnen.snapshot import Snapshot, sha256_bestand
from nplv_monitor.errors import BronFout
from tests.replay.server import FEED_PAGINA, ReplayServer, Storing

KWB2020 = "84799NED"
SNELLE_RETRY = {"timeout_s": 10.0, "pogingen": 3, "wacht_s": 0.01}


@pytest.fixture(scope="module")
def bron() -> Snapshot:
    return Snapshot()


@pytest.fixture
def server(bron: Snapshot) -> Iterator[ReplayServer]:
    with ReplayServer(bron, [KWB2020, "85984NED", "47018NED"]) as srv:
        yield srv


def _kopie(bron: Snapshot, doel: Path, *datasets: str) -> Snapshot:
    """A snapshot in tmp_path: the manifest plus only the files of ``datasets``."""
    doel.mkdir()
    shutil.copyfile(bron.manifest_pad, doel / "manifest.json")
    for ds in datasets:
        shutil.copytree(bron.map / ds, doel / ds)
    return Snapshot(doel)


def _toestand(map_: Path) -> dict[str, str]:
    """sha256 of every file under the folder: to prove that nothing was written."""
    return {
        str(p.relative_to(map_)): sha256_bestand(p) for p in sorted(map_.rglob("*")) if p.is_file()
    }


@pytest.fixture
def kopie(bron: Snapshot, tmp_path: Path) -> Snapshot:
    return _kopie(bron, tmp_path / "snapshot", f"cbs/{KWB2020}")


def test_ophalen_geeft_precies_de_rijen_van_het_snapshot(bron: Snapshot, tmp_path: Path) -> None:
    snap = _kopie(bron, tmp_path / "snapshot")  # manifest only: the table is not on disk yet
    verwacht = bron.parquet(f"cbs/{KWB2020}/TypedDataSet.parquet")
    pagina = 4_000
    with ReplayServer(bron, [KWB2020], pagina=pagina) as srv:
        res = ververs_tabel(KWB2020, snap, basis_url=srv.basis_url, forceer=True, **SNELLE_RETRY)
        paginas = srv.verzoeken_naar(f"/{KWB2020}/TypedDataSet")
    assert res.status == "bijgewerkt"
    assert (
        res.rijen == verwacht.height == bron.json(f"cbs/{KWB2020}/TableInfos.json")["RecordCount"]
    )
    assert len(paginas) == math.ceil(verwacht.height / pagina)  # followed every odata.nextLink

    opgehaald = Snapshot(snap.map).parquet(f"cbs/{KWB2020}/TypedDataSet.parquet")  # hash-checked
    # Same rows, same values; typed by DataProperties (Long -> Int64), keys as CBS sends them.
    assert_frame_equal(opgehaald, verwacht, check_dtypes=False)
    assert opgehaald.schema["AantalInwoners_5"] == pl.Int64
    assert (opgehaald["WijkenEnBuurten"] == opgehaald["Codering_3"]).all()  # codes, not titles
    assert opgehaald["WijkenEnBuurten"].str.len_chars().unique().to_list() == [10]
    for naam in ("WijkenEnBuurten", "DataProperties"):
        assert_frame_equal(
            Snapshot(snap.map).parquet(f"cbs/{KWB2020}/{naam}.parquet"),
            bron.parquet(f"cbs/{KWB2020}/{naam}.parquet"),
        )
    assert Snapshot(snap.map).json(f"cbs/{KWB2020}/TableInfos.json") == bron.json(
        f"cbs/{KWB2020}/TableInfos.json"
    )
    entry = Snapshot(snap.map).entry(f"cbs/{KWB2020}/TypedDataSet.parquet")
    assert entry.rijen == verwacht.height
    assert entry.cbs_modified == bron.entry(f"cbs/{KWB2020}/TableInfos.json").cbs_modified
    assert entry.sha256 == sha256_bestand(snap.map / entry.pad)
    assert not [p for p in snap.map.iterdir() if p.name.startswith(".")]  # no temp dirs left


def test_500_eenmaal_dan_succes(server: ReplayServer, kopie: Snapshot) -> None:
    server.storingen.append(Storing("500", "/TypedDataSet", aantal=1))
    res = ververs_tabel(KWB2020, kopie, basis_url=server.basis_url, forceer=True, **SNELLE_RETRY)
    assert res.status == "bijgewerkt"
    antwoorden = [v.antwoord for v in server.verzoeken_naar("/TypedDataSet")]
    rijen = kopie.entry(f"cbs/{KWB2020}/TypedDataSet.parquet").rijen
    assert rijen is not None
    paginas = math.ceil(rijen / FEED_PAGINA)
    assert antwoorden == ["500"] + ["ok"] * paginas  # retried from the first page


def test_verbroken_verbinding_wordt_herhaald(server: ReplayServer, kopie: Snapshot) -> None:
    server.storingen.append(Storing("verbreek", "/DataProperties", aantal=1))
    res = ververs_tabel(KWB2020, kopie, basis_url=server.basis_url, forceer=True, **SNELLE_RETRY)
    assert res.status == "bijgewerkt"
    assert [v.antwoord for v in server.verzoeken_naar("/DataProperties")] == ["verbreek", "ok"]


def test_blijvend_verbroken_verbinding_is_een_nette_fout(
    server: ReplayServer, kopie: Snapshot
) -> None:
    voor = _toestand(kopie.map)
    server.storingen.append(Storing("verbreek", "/TypedDataSet", aantal=None))
    with pytest.raises(BronFout, match=r"na 3 poging\(en\).*verbindingsfout.*TypedDataSet"):
        ververs_tabel(KWB2020, kopie, basis_url=server.basis_url, forceer=True, **SNELLE_RETRY)
    assert len(server.verzoeken_naar("/TypedDataSet")) == SNELLE_RETRY["pogingen"]
    assert _toestand(kopie.map) == voor


def test_trager_dan_de_timeout_schrijft_niets(server: ReplayServer, kopie: Snapshot) -> None:
    voor = _toestand(kopie.map)
    server.storingen.append(Storing("traag", "/TypedDataSet", aantal=None, vertraging_s=5.0))
    with pytest.raises(BronFout, match="timeout"):
        ververs_tabel(
            KWB2020,
            kopie,
            basis_url=server.basis_url,
            forceer=True,
            timeout_s=0.3,
            pogingen=2,
            wacht_s=0.01,
        )
    assert len(server.verzoeken_naar("/TypedDataSet")) == 2
    assert _toestand(kopie.map) == voor


def test_afgekapt_resultaat_wordt_geweigerd(server: ReplayServer, kopie: Snapshot) -> None:
    voor = _toestand(kopie.map)
    # The feed answers like the ODataApi: the first 10,000 rows and no nextLink.
    server.storingen.append(Storing("afkappen", "/TypedDataSet", aantal=None))
    # The cap itself, not the "fewer rows than RecordCount" message (which also says "rijen").
    with pytest.raises(
        BronFout,
        match=rf"^{KWB2020}: de TypedDataSet \(.*\) heeft precies 10,000 rijen — de limiet van de ODataApi",
    ):
        ververs_tabel(KWB2020, kopie, basis_url=server.basis_url, forceer=True, **SNELLE_RETRY)
    assert _toestand(kopie.map) == voor


def test_afgekapte_kwb_2024_in_het_snapshot_wordt_niet_overgeslagen_en_geweigerd(
    bron: Snapshot, server: ReplayServer, tmp_path: Path
) -> None:
    # The shipped 2024 table is the real truncated download (exactly 10,000 rows). Same Modified,
    # but incomplete: the client must fetch, and then refuse what the server has.
    snap = _kopie(bron, tmp_path / "snapshot", "cbs/85984NED")
    assert bron.entry("cbs/85984NED/TypedDataSet.parquet").rijen == ODATA_API_LIMIET
    voor = _toestand(snap.map)
    with pytest.raises(BronFout, match="precies 10,000 rijen"):
        ververs_tabel("85984NED", snap, basis_url=server.basis_url, **SNELLE_RETRY)
    assert server.verzoeken_naar("/85984NED/TypedDataSet")
    assert _toestand(snap.map) == voor


def test_ongewijzigd_modified_wordt_overgeslagen_zonder_download(
    server: ReplayServer, kopie: Snapshot
) -> None:
    voor = _toestand(kopie.map)
    res = ververs_tabel(KWB2020, kopie, basis_url=server.basis_url, **SNELLE_RETRY)
    assert res.status == "overgeslagen"
    assert (
        res.modified
        == res.vorige_modified
        == kopie.entry(f"cbs/{KWB2020}/TableInfos.json").cbs_modified
    )
    assert [v.pad.rsplit("/", 1)[-1] for v in server.verzoeken] == ["TableInfos"]
    assert not server.verzoeken_naar("/TypedDataSet")
    assert _toestand(kopie.map) == voor


def test_gewijzigd_modified_wordt_opnieuw_opgehaald(
    bron: Snapshot, server: ReplayServer, kopie: Snapshot
) -> None:
    oud = kopie.entry(f"cbs/{KWB2020}/TableInfos.json")
    nieuw_modified = "2026-06-30T02:00:00"
    server.modified[KWB2020] = nieuw_modified
    res = ververs_tabel(KWB2020, kopie, basis_url=server.basis_url, **SNELLE_RETRY)
    assert (res.status, res.vorige_modified, res.modified) == (
        "bijgewerkt",
        oud.cbs_modified,
        nieuw_modified,
    )
    na = Snapshot(kopie.map)
    for rel in res.bestanden:
        entry = na.entry(rel)
        assert entry.cbs_modified == nieuw_modified
        assert entry.opgehaald == date.today().isoformat()
        assert entry.sha256 == sha256_bestand(na.map / rel)
    assert na.json(f"cbs/{KWB2020}/TableInfos.json")["Modified"] == nieuw_modified
    assert na.entry(f"cbs/{KWB2020}/TableInfos.json").sha256 != oud.sha256
    # Files the fetch does not produce stay, with their entries (ColDescriptions from the import).
    assert na.pad(f"cbs/{KWB2020}/ColDescriptions.json").exists()
    assert na.parquet(f"cbs/{KWB2020}/TypedDataSet.parquet").height == res.rijen
    # A second call now skips.
    assert (
        ververs_tabel(KWB2020, na, basis_url=server.basis_url, **SNELLE_RETRY).status
        == "overgeslagen"
    )


def test_antwoord_zonder_json_is_een_bronfout_met_de_url(
    server: ReplayServer, kopie: Snapshot
) -> None:
    voor = _toestand(kopie.map)
    server.storingen.append(Storing("geen_json", "/DataProperties", aantal=None))
    with pytest.raises(
        BronFout,
        match=r"http://127\.0\.0\.1:\d+/opendata\.cbs\.nl/ODataFeed/odata/84799NED/"
        r"DataProperties.*geen JSON",
    ):
        ververs_tabel(KWB2020, kopie, basis_url=server.basis_url, forceer=True, **SNELLE_RETRY)
    assert len(server.verzoeken_naar("/DataProperties")) == 1  # not retried: retrying cannot help
    assert _toestand(kopie.map) == voor


def test_politietabel_komt_uit_de_catalogus_dataderden(
    bron: Snapshot, server: ReplayServer, tmp_path: Path
) -> None:
    snap = _kopie(bron, tmp_path / "snapshot", "cbs/47018NED")
    voor = _toestand(snap.map)
    # The snapshot holds only the metadata of 47018NED, so the replay has no TypedDataSet either:
    # the client must ask dataderden.cbs.nl and refuse a table without data.
    with pytest.raises(BronFout, match="geen TypedDataSet"):
        ververs_tabel("47018NED", snap, basis_url=server.basis_url, **SNELLE_RETRY)
    assert server.verzoeken
    assert all(
        v.pad.startswith("/dataderden.cbs.nl/ODataFeed/odata/47018NED/") for v in server.verzoeken
    )
    with pytest.raises(BronFout, match="HTTP 404"):
        ververs_tabel(
            "47018NED",
            snap,
            catalogus="opendata.cbs.nl",
            basis_url=server.basis_url,
            **SNELLE_RETRY,
        )
    assert _toestand(snap.map) == voor


def test_replay_server_speelt_cbs_na(bron: Snapshot, server: ReplayServer) -> None:
    info = bron.json(f"cbs/{KWB2020}/TableInfos.json")
    tabellen = requests.get(server.url("/opendata.cbs.nl/ODataCatalog/Tables"), timeout=10).json()[
        "value"
    ]
    rij = next(t for t in tabellen if t["Identifier"] == KWB2020)
    assert (rij["Modified"], rij["RecordCount"]) == (info["Modified"], info["RecordCount"])
    assert "47018NED" not in {t["Identifier"] for t in tabellen}  # lives in dataderden
    # The ODataApi caps at 10,000 rows without a nextLink, the trap that truncates downloads.
    api = requests.get(
        server.url(f"/opendata.cbs.nl/ODataApi/odata/{KWB2020}/TypedDataSet?$format=json"),
        timeout=30,
    ).json()
    assert len(api["value"]) == ODATA_API_LIMIET
    assert "odata.nextLink" not in api
    count = requests.get(
        server.url(f"/opendata.cbs.nl/ODataFeed/odata/{KWB2020}/TypedDataSet/$count"), timeout=10
    )
    assert int(count.text) == info["RecordCount"]
    # Keys padded to the dimension's width, as CBS sends them ("GM0363    ").
    dim = requests.get(
        server.url(
            f"/opendata.cbs.nl/ODataFeed/odata/{KWB2020}/WijkenEnBuurten?$format=json&$skip=0&$top=5"
        ),
        timeout=10,
    ).json()["value"]
    assert {len(r["Key"]) for r in dim} == {
        int(bron.parquet(f"cbs/{KWB2020}/WijkenEnBuurten.parquet")["Key"].str.len_chars().max())
    }  # type: ignore[arg-type]
    assert json.dumps(dim[1]["Key"]) == json.dumps(dim[1]["Key"].strip().ljust(10))
