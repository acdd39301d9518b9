"""valideer_en_schrijf_alle: an asset with several tables validates all before writing any and
writes them in one transaction — a failure in a later table leaves the earlier ones untouched."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from nplv_monitor import materialisatie
from nplv_monitor.bronnen import leefbaarometer
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR
from nplv_monitor.errors import ValidatieFout

SCHEMA = "bron.leefbaarometer_wijk"


def _tabellen(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        r[0]
        for r in con.sql("select schema_name || '.' || table_name from duckdb_tables()").fetchall()
    }


def test_fout_in_de_tweede_tabel_schrijft_ook_de_eerste_niet(tmp_path: Path) -> None:
    wijk = leefbaarometer.lees_niveau(Snapshot(DEFAULT_SNAPSHOT_DIR), "wijk")
    fout = wijk.with_columns(pl.lit(2011).alias("jaar"))  # a year the Leefbaarometer never had
    con = duckdb.connect(str(tmp_path / "werk.duckdb"))
    uitkomsten: list[object] = []
    stappen = materialisatie.valideer_en_schrijf_alle(
        con,
        [
            materialisatie.Tabel(wijk, SCHEMA, "proef.eerste"),
            materialisatie.Tabel(fout, SCHEMA, "proef.tweede"),
        ],
    )
    with pytest.raises(ValidatieFout):
        uitkomsten.extend(stappen)
    assert _tabellen(con) == set()
    assert [type(u).__name__ for u in uitkomsten] == ["AssetCheckResult"]
    con.close()


def test_beide_tabellen_geschreven_met_hun_rijen(tmp_path: Path) -> None:
    wijk = leefbaarometer.lees_niveau(Snapshot(DEFAULT_SNAPSHOT_DIR), "wijk")
    con = duckdb.connect(str(tmp_path / "werk.duckdb"))
    list(
        materialisatie.valideer_en_schrijf_alle(
            con,
            [
                materialisatie.Tabel(wijk, SCHEMA, "proef.eerste"),
                materialisatie.Tabel(wijk.head(10), SCHEMA, "proef.tweede"),
            ],
        )
    )
    assert con.sql("select count(*) from proef.eerste").fetchall() == [(wijk.height,)]
    assert con.sql("select count(*) from proef.tweede").fetchall() == [(10,)]
    con.close()
