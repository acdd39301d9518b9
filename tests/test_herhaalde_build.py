"""A second build with unchanged inputs, end to end (issue 16, item 5).

The shared full build's output folder (published file, work file, Dagster instance, report) is
copied, and ``nplv-monitor build``'s machinery runs again on the copy, as a user would run it a
second time. What must hold: no new edition (the published file is left byte for byte alone), the
values in the work file equal the published ones, and a forced edition of the same inputs revises
nothing and stores no value again.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from nplv_monitor.publicatie import register

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

SLEUTEL = ["gebied_code", "indicator_code", "peiljaar"]


def _waarden(pad: Path) -> pl.DataFrame:
    with duckdb.connect(str(pad), read_only=True) as con:
        return con.sql("SELECT * FROM monitor.indicatorwaarden").pl().sort(SLEUTEL)


def _edities(pad: Path) -> list[str]:
    with duckdb.connect(str(pad), read_only=True) as con:
        return [
            r[0]
            for r in con.sql(
                "SELECT editie_id FROM publicatie.edities ORDER BY volgnummer"
            ).fetchall()
        ]


def test_tweede_build_zonder_gewijzigde_invoer(
    volledige_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nplv_monitor.definitions import defs
    from nplv_monitor.orkestratie.build import bouw

    uit = tmp_path / "output"
    shutil.copytree(volledige_build, uit, symlinks=True)
    monkeypatch.setenv("NPLV_OUTPUT_DIR", str(uit))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("NPLV_SNAPSHOT_DIR", raising=False)
    monkeypatch.delenv("NPLV_ONLINE", raising=False)
    gepubliceerd = uit / "nplv_monitor.duckdb"
    sha_voor = register.sha256_van(gepubliceerd)
    edities_voor = _edities(gepubliceerd)
    assert len(edities_voor) == 1

    tweede = bouw(definitions=defs(), melden=lambda _regel: None)

    # No new edition: the summary says so, and the published file is untouched.
    assert tweede.publicatie.get("ongewijzigd") is True, tweede.publicatie
    assert register.sha256_van(gepubliceerd) == sha_voor
    assert _edities(gepubliceerd) == edities_voor
    # The work file after the second build holds the values that are published.
    assert_frame_equal(
        _waarden(uit / ".werk" / "werk.duckdb"),
        _waarden(gepubliceerd),
        check_exact=False,
        rel_tol=1e-9,
        abs_tol=0.0,
    )

    # Forcing an edition of the same inputs: one more edition, not one value revised, and the
    # history stores no value again (each value once, issue 13).
    derde = bouw(definitions=defs(), melden=lambda _regel: None, nieuwe_editie=True)
    assert not derde.publicatie.get("ongewijzigd"), derde.publicatie
    edities_na = _edities(gepubliceerd)
    assert edities_na[:-1] == edities_voor
    assert len(edities_na) == 2
    nieuw = edities_na[-1]
    with duckdb.connect(str(gepubliceerd), read_only=True) as con:
        vergeleken, herzien = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE herzien) FROM publicatie.revisies "
            "WHERE editie_id = ? AND vorige_editie_id = ?",
            [nieuw, edities_voor[0]],
        ).fetchall()[0]
        opnieuw_opgeslagen, vervangen = con.execute(
            "SELECT count(*) FILTER (WHERE editie_id = ?), "
            "count(*) FILTER (WHERE vervangen_in = ?) "
            "FROM publicatie.indicatorwaarden_wijzigingen",
            [nieuw, nieuw],
        ).fetchall()[0]
        (n_waarden,) = con.sql("SELECT count(*) FROM monitor.indicatorwaarden").fetchall()[0]
    assert vergeleken == n_waarden > 100_000
    assert herzien == 0
    assert (opnieuw_opgeslagen, vervangen) == (0, 0)
