"""The KWB asset online (NPLV_ONLINE=1): it refreshes the snapshot through the online client
against the local replay server, then reads and writes the table as offline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from nplv_monitor.bronnen import assets, cbs_client
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.errors import BronFout
from tests.bronnen_hulp import kopieer_snapshot, materialiseer, registerkopie, tabel_of_niets
from tests.replay.server import ReplayServer

KWB2020 = "84799NED"


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(Snapshot(), [KWB2020]) as srv:
        yield srv


@pytest.fixture
def online_snapshot(
    tmp_path: Path, tmp_output: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> Path:
    kopie = kopieer_snapshot(tmp_path / "snap", f"cbs/{KWB2020}")
    monkeypatch.setenv("NPLV_SNAPSHOT_DIR", str(kopie))
    # Online, bron/kwb asks CBS for every registered KWB year; the replay server has 2020 only,
    # so the registry copy registers only that year.
    register = registerkopie(tmp_path / "bronnen.yaml", houd={2020})
    monkeypatch.setenv("NPLV_BRONNENREGISTER", str(register))
    monkeypatch.setenv("NPLV_ONLINE", "1")
    monkeypatch.setenv("NPLV_CBS_BASIS_URL", server.basis_url)
    return kopie


def _kwb() -> dg.AssetsDefinition:
    return next(a for a in assets.maak_assets() if a.key == assets.KWB_KEY)


def _online_melding(resultaat: dg.ExecuteInProcessResult) -> str:
    events = resultaat.get_asset_materialization_events()
    assert len(events) == 1
    # one run covers every KWB year: the online summary is per year in the metadata "jaren"
    jaren = events[0].materialization.metadata["jaren"].value
    assert isinstance(jaren, dict)
    return str(jaren["2020"]["online"])


def test_online_ongewijzigd_overgeslagen(
    online_snapshot: Path, tmp_output: Path, server: ReplayServer
) -> None:
    werkdb = tmp_output / ".werk" / "werk.duckdb"
    r = materialiseer(_kwb(), werkdb)
    assert r.success
    assert "overgeslagen" in _online_melding(r)
    assert not server.verzoeken_naar("/TypedDataSet")
    df = tabel_of_niets(werkdb, "bron.kwb_2020")
    assert df is not None
    assert df.height == Snapshot(online_snapshot).entry(f"cbs/{KWB2020}/TypedDataSet.parquet").rijen


def test_online_gewijzigd_opgehaald_en_geschreven(
    online_snapshot: Path, tmp_output: Path, server: ReplayServer
) -> None:
    server.modified[KWB2020] = "2026-06-30T02:00:00"
    werkdb = tmp_output / ".werk" / "werk.duckdb"
    r = materialiseer(_kwb(), werkdb)
    assert r.success
    assert "bijgewerkt" in _online_melding(r)
    assert server.verzoeken_naar("/TypedDataSet")
    snap = Snapshot(online_snapshot)
    assert snap.entry(f"cbs/{KWB2020}/TableInfos.json").cbs_modified == "2026-06-30T02:00:00"
    df = tabel_of_niets(werkdb, "bron.kwb_2020")
    assert df is not None
    assert df.height == snap.json(f"cbs/{KWB2020}/TableInfos.json")["RecordCount"]


def test_release_met_onoplosbare_sleutel_wordt_geweigerd(
    online_snapshot: Path, tmp_output: Path, server: ReplayServer
) -> None:
    """A release in which a catalogue concept has no key (CBS renamed the topic) is refused at
    fetch time, naming the release, the concept and the related keys; the snapshot is unchanged."""
    tabel = server.tabellen[KWB2020]
    dp = tabel.sets["DataProperties"]
    tabel.sets["DataProperties"] = dp.with_columns(
        pl.col("Key").str.replace(r"^Woningvoorraad_", "VoorraadWoningen_")
    )
    data = tabel.sets["TypedDataSet"]
    oud = next(k for k in data.columns if k.startswith("Woningvoorraad_"))
    tabel.sets["TypedDataSet"] = data.rename(
        {oud: oud.replace("Woningvoorraad", "VoorraadWoningen")}
    )
    server.modified[KWB2020] = "2026-07-01T02:00:00"
    voor = Snapshot(online_snapshot).entry(f"cbs/{KWB2020}/TypedDataSet.parquet").sha256
    werkdb = tmp_output / ".werk" / "werk.duckdb"
    with pytest.raises(BronFout) as fout:
        cbs_client.ververs_tabel(KWB2020, Snapshot(online_snapshot))
    melding = str(fout.value)
    assert "'woningvoorraad'" in melding  # the variable
    assert "'Woningvoorraad'" in melding  # the concept looked for
    assert "release 2026-07-01T02:00:00" in melding
    assert "VoorraadWoningen_" in melding  # the related key CBS now uses
    assert "Niets geschreven" in melding
    assert Snapshot(online_snapshot).entry(f"cbs/{KWB2020}/TypedDataSet.parquet").sha256 == voor
    assert not werkdb.exists()
