"""`nplv-monitor indicatoren` reads the metingen stage's table from the work DB, not the snapshot."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from nplv_monitor.cli import main


def test_toont_de_jaren_van_de_gebouwde_werkdatabase(
    volledige_build: Path,
    tmp_output: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A copy of the built work DB as this test's output folder (the build's folder stays as it is).
    werk = tmp_output / ".werk" / "werk.duckdb"
    werk.parent.mkdir(parents=True)
    shutil.copyfile(volledige_build / ".werk" / "werk.duckdb", werk)
    assert main(["indicatoren"]) == 0
    uit = capsys.readouterr().out
    getoond = {}
    for regel in uit.splitlines()[2:-1]:
        code, rest = regel.split(maxsplit=1)
        getoond[code] = rest.split("data: ", 1)[1].split(" (leeg:")[0]
    with duckdb.connect(str(werk), read_only=True) as con:
        verwacht = dict(
            con.sql(
                "select indicator_code, coalesce(jaren_met_data, '-') from monitor.indicatoren"
            ).fetchall()
        )
    assert getoond == verwacht


def test_zonder_werkdatabase_zegt_het_wat_eerst_moet(
    tmp_output: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["indicatoren"]) == 2
    fout = capsys.readouterr().err
    assert "metingen.bronvariabelen" in fout
    assert "nplv-monitor build" in fout


def test_werkdatabase_zonder_metingen(tmp_output: Path, capsys: pytest.CaptureFixture[str]) -> None:
    werk = tmp_output / ".werk" / "werk.duckdb"
    werk.parent.mkdir(parents=True)
    duckdb.connect(str(werk)).close()  # the build never got past bronnen
    assert main(["indicatoren"]) == 2
    fout = capsys.readouterr().err
    assert f"De werkdatabase {werk} mist de tabel(len) metingen.bronvariabelen" in fout
    assert "metingen/bronvariabelen" in fout
