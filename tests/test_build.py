"""`nplv-monitor build` machinery over a few real bronnen assets (fast): Dagster's own execution
in several runs (KWB per CBS year, then the rapportagejaar run), editions, failure reporting and
the build lock. (The full graph takes minutes; it is run by `nplv-monitor build`, see
docs/orkestratie.md.)"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from nplv_monitor import cli, materialisatie
from nplv_monitor.bronnen import cbs
from nplv_monitor.bronnen.assets import KWB_KEY
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.db import WerkDatabase, lees
from nplv_monitor.definitions import definities_van
from nplv_monitor.orkestratie.build import BouwFout, bouw
from nplv_monitor.publicatie import publiceer
from tests.bronnen_hulp import bron_asset

LBM_WIJK = dg.AssetKey(["bron", "leefbaarometer_wijk"])


def _klein(*extra: dg.AssetsDefinition) -> dg.Definitions:
    return definities_van([bron_asset(LBM_WIJK), bron_asset(KWB_KEY), *extra])


# TEST FIXTURE: an asset in the middle of the graph (between bronnen and publicatie) that derives
# a monitor.indicatorwaarden frame from the real Leefbaarometer table but puts a coverage above 1
# in a few rows, so the real Pandera schema rejects it.
@dg.asset(
    key=["monitor", "indicatorwaarden"],
    group_name="indicatoren",
    deps=[LBM_WIJK],
    check_specs=[
        materialisatie.check_spec(
            dg.AssetKey(["monitor", "indicatorwaarden"]), "monitor.indicatorwaarden"
        )
    ],
)
def foute_indicatorwaarden(
    werkdb: WerkDatabase,
) -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
    """Testfixture: indicatorwaarden met een dekking boven 1."""
    with werkdb.verbinding() as con:
        lbm = lees(
            con,
            "SELECT wk_code, jaar, lbm FROM bron.leefbaarometer_wijk WHERE jaar = 2022 ORDER BY wk_code LIMIT 5",
        )
        df = lbm.select(
            gebied_code=pl.col("wk_code"),
            gebied_soort=pl.lit("wijk"),
            indicator_code=pl.lit("lbm"),
            familie=pl.lit("context"),
            actielijn=pl.lit("integraal"),
            peiljaar=pl.col("jaar").cast(pl.Int64),
            waarde=pl.col("lbm").cast(pl.Float64),
            dekking=pl.when(pl.int_range(pl.len()) < 2).then(1.5).otherwise(1.0),
            status=pl.lit("ok"),
            eenheid=pl.lit("score"),
            bron_tabel=pl.lit("leefbaarometer"),
        )
        yield from materialisatie.valideer_en_schrijf(
            con, df, schema_naam="monitor.indicatorwaarden", doel="monitor.indicatorwaarden"
        )


def _edities(pad: Path) -> list[str]:
    with duckdb.connect(str(pad), read_only=True) as con:
        return [
            r[0] for r in con.sql("SELECT editie_id FROM publicatie.edities ORDER BY 1").fetchall()
        ]


def test_twee_builds_twee_edities_met_voortgang_en_samenvatting(tmp_output: Path) -> None:
    regels: list[str] = []
    eerste = bouw(2025, definitions=_klein(), melden=regels.append)
    tweede = bouw(2026, definitions=_klein(), melden=regels.append)
    # one run per KWB year the (offline) build can read — the years in the snapshot — then the
    # rapportagejaar run
    kwb_jaren = [str(j) for j in sorted(cbs.kwb_in_snapshot(Snapshot()))]
    assert {"2020", "2024"} <= set(kwb_jaren)
    assert tweede.runs == [
        *(f"bronnen_per_partitie [{j}]" for j in kwb_jaren),
        "monitor_jaarcyclus [2026]",
    ]
    pad = tmp_output / "nplv_monitor.duckdb"
    assert _edities(pad) == sorted([eerste.publicatie["editie_id"], tweede.publicatie["editie_id"]])
    with duckdb.connect(str(pad), read_only=True) as con:
        assert con.sql(
            "SELECT DISTINCT rapportagejaar FROM publicatie.edities ORDER BY 1"
        ).fetchall() == [(2025,), (2026,)]
        lbm_rijen = con.sql("SELECT count(*) FROM bron.leefbaarometer_wijk").fetchall()[0][0]
        kwb_rijen = {
            j: con.sql(f"SELECT count(*) FROM bron.kwb_{j}").fetchall()[0][0] for j in kwb_jaren
        }
    rijen = {(s.asset, s.run): s.rijen for s in tweede.stappen}
    assert rijen[("bron/leefbaarometer_wijk", "monitor_jaarcyclus [2026]")] == lbm_rijen
    for j, n in kwb_rijen.items():
        assert rijen[("bron/kwb", f"bronnen_per_partitie [{j}]")] == n
    assert any("▶ bron__leefbaarometer_wijk gestart" in r for r in regels)
    assert any(r.startswith("  ✔ bron/leefbaarometer_wijk") for r in regels)
    tekst = tweede.tekst()
    assert str(pad) in tekst
    assert tweede.publicatie["editie_id"] in tekst
    assert "2 edities" in tekst


def test_falende_controle_midden_in_de_graaf_publiceert_niets(tmp_output: Path) -> None:
    bouw(2025, definitions=_klein(), melden=lambda _: None)
    pad = tmp_output / "nplv_monitor.duckdb"
    voor_bytes, voor = pad.read_bytes(), _edities(pad)
    regels: list[str] = []
    with pytest.raises(BouwFout) as fout:
        bouw(2026, definitions=_klein(foute_indicatorwaarden), melden=regels.append)
    melding = str(fout.value)
    assert "monitor_jaarcyclus [2026]" in melding
    assert "er is niets gepubliceerd" in melding
    assert "Controle pandera_schema van monitor/indicatorwaarden faalt" in melding
    assert "kolom 'dekking'" in melding
    assert "rij 0: '1.5'" in melding
    assert "rij 1: '1.5'" in melding
    assert "monitor__indicatorwaarden faalt" in melding
    assert any("publicatie__nplv_monitor overgeslagen" in r for r in regels) or not any(
        "publicatie__nplv_monitor gestart" in r for r in regels
    )
    assert pad.read_bytes() == voor_bytes
    assert _edities(pad) == voor
    assert publiceer.tijdelijke_bestanden(tmp_output) == []


def test_tweede_build_tegelijk_weigert_duidelijk(tmp_output: Path) -> None:
    slot = tmp_output / ".werk" / "build.lock"
    slot.parent.mkdir(parents=True, exist_ok=True)
    houder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, filelock
            with filelock.FileLock({str(slot)!r}):
                print("bezet", flush=True)
                sys.stdin.readline()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    try:
        slot.parent.mkdir(parents=True, exist_ok=True)
        assert houder.stdout is not None
        assert houder.stdout.readline().strip() == "bezet"
        with pytest.raises(BouwFout, match="Er loopt al een build"):
            bouw(2026, definitions=_klein(), melden=lambda _: None, wachttijd_s=0.5)
    finally:
        houder.communicate("\n", timeout=30)
    assert not (tmp_output / "nplv_monitor.duckdb").exists()


def test_cli_meldt_fout_met_exitcode(tmp_output: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["build", "--rapportagejaar", "1999"]) == 2
    assert "Rapportagejaar 1999 valt buiten" in capsys.readouterr().err
    assert cli.main(["status"]) == 2
    assert "nog niets gepubliceerd" in capsys.readouterr().err
