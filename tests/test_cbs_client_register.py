"""The table-id register (assets/bronnen.yaml) against the real snapshot's own metadata."""

from __future__ import annotations

import pytest

from nplv_monitor.bronnen import cbs, register
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.errors import BronFout


def test_kwb_jaren_zijn_2013_tot_en_met_2025_zonder_gat() -> None:
    jaren = register.kwb_jaren()
    assert jaren == list(range(min(jaren), max(jaren) + 1))
    assert (min(jaren), max(jaren)) == (2013, 2025)
    assert len({register.kwb_tabel_id(j) for j in jaren}) == len(jaren)


@pytest.mark.parametrize("jaar", [2020, 2024])
def test_kwb_tabel_id_komt_overeen_met_tableinfos_in_het_snapshot(jaar: int) -> None:
    snap = Snapshot()
    tabel_id = register.kwb_tabel_id(jaar)
    info = snap.json(f"cbs/{tabel_id}/TableInfos.json")
    assert info["Identifier"] == tabel_id
    assert info["Title"].endswith(str(jaar))
    assert register.tabel(tabel_id).titel == info["Title"]


def test_politietabel_staat_in_dataderden() -> None:
    snap = Snapshot()
    assert register.tabel("47018NED").catalogus == "dataderden.cbs.nl"
    assert snap.json("cbs/47018NED/TableInfos.json")["Catalog"] == "Politie"
    assert register.tabel("85146NED").catalogus == "opendata.cbs.nl"


def test_snapshot_jaren_volgen_het_manifest() -> None:
    snap = Snapshot()
    verwacht = [
        j
        for j in register.kwb_jaren()
        if f"cbs/{register.kwb_tabel_id(j)}/TypedDataSet.parquet" in snap.manifest()
    ]
    assert sorted(cbs.kwb_in_snapshot(snap)) == verwacht
    assert 2020 in verwacht


def test_onbekend_jaar_of_tabel_is_een_duidelijke_fout() -> None:
    with pytest.raises(BronFout, match="2012"):
        register.kwb_tabel_id(2012)
    with pytest.raises(BronFout, match="99999NED"):
        register.tabel("99999NED")
