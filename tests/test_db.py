"""db.schrijf_tabel: one transaction, columns by name; a failed write leaves the table as it was."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from nplv_monitor.bronnen import lezers, register
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR
from nplv_monitor.db import lees, schrijf_tabel, verbind


@pytest.fixture(scope="module")
def bev() -> pl.DataFrame:
    df, _ = lezers.lees(
        Snapshot(DEFAULT_SNAPSHOT_DIR), register.laad().bron("bevolking_buurt_2024")
    )
    return df.head(200)


def test_invoegen_op_naam_met_andere_kolomvolgorde(tmp_path: Path, bev: pl.DataFrame) -> None:
    with verbind(tmp_path / "w.duckdb") as con:
        schrijf_tabel(
            con, "bron.t", bev.with_columns(jaar=pl.lit(2023)), vervang_waar={"jaar": 2023}
        )
        # Same columns, other order: stored by name, not by position.
        omgedraaid = bev.with_columns(jaar=pl.lit(2024)).select("inwoners", "jaar", "buurtcode")
        schrijf_tabel(con, "bron.t", omgedraaid, vervang_waar={"jaar": 2024})
        uit = lees(
            con, "select buurtcode, inwoners from bron.t where jaar = 2024 order by buurtcode"
        )
    assert_frame_equal(uit, bev.sort("buurtcode"))


def test_vervang_waar_laat_andere_partities_staan(tmp_path: Path, bev: pl.DataFrame) -> None:
    with verbind(tmp_path / "w.duckdb") as con:
        schrijf_tabel(
            con, "bron.t", bev.with_columns(jaar=pl.lit(2023)), vervang_waar={"jaar": 2023}
        )
        schrijf_tabel(
            con, "bron.t", bev.head(3).with_columns(jaar=pl.lit(2024)), vervang_waar={"jaar": 2024}
        )
        schrijf_tabel(
            con, "bron.t", bev.head(5).with_columns(jaar=pl.lit(2024)), vervang_waar={"jaar": 2024}
        )
        per_jaar = dict(lees(con, "select jaar, count(*) from bron.t group by 1").rows())
    assert per_jaar == {2023: bev.height, 2024: 5}


def test_mislukte_schrijfactie_wordt_teruggedraaid(tmp_path: Path, bev: pl.DataFrame) -> None:
    pad = tmp_path / "w.duckdb"
    with verbind(pad) as con:
        schrijf_tabel(
            con, "bron.t", bev.with_columns(jaar=pl.lit(2023)), vervang_waar={"jaar": 2023}
        )
        voor = lees(con, "select * from bron.t order by buurtcode")
        # A frame whose column does not fit the table: the DELETE of the partition already ran
        # inside the transaction when the INSERT fails; the rollback must bring the rows back.
        fout = bev.with_columns(jaar=pl.lit(2023), inwoners=pl.lit("veel"))
        with pytest.raises(duckdb.Error):
            schrijf_tabel(con, "bron.t", fout, vervang_waar={"jaar": 2023})
        na = lees(con, "select * from bron.t order by buurtcode")
    assert_frame_equal(na, voor)


def test_vervangen_van_hele_tabel_mislukt_zonder_schade(tmp_path: Path, bev: pl.DataFrame) -> None:
    pad = tmp_path / "w.duckdb"
    with verbind(pad) as con:
        schrijf_tabel(con, "bron.t", bev)
        voor = lees(con, "select * from bron.t")
    with verbind(pad) as con:
        with pytest.raises(ValueError, match="Ongeldige"):
            schrijf_tabel(con, "bron.t", bev, vervang_waar={"x; drop table bron.t": 1})
        assert_frame_equal(lees(con, "select * from bron.t"), voor)


def test_verbinding_na_fout_vrijgegeven(tmp_path: Path, bev: pl.DataFrame) -> None:
    pad = tmp_path / "w.duckdb"

    def stap() -> None:
        with verbind(pad) as con:
            schrijf_tabel(con, "bron.t", bev)
            raise RuntimeError("stap faalt")

    with pytest.raises(RuntimeError):
        stap()
    # The file lock is released: a new writer gets in at once.
    with verbind(pad, wachttijd_s=0) as con:
        assert lees(con, "select count(*) as n from bron.t")["n"][0] == bev.height
