"""`nplv-monitor build` machinery over a few real bronnen assets (fast): one Dagster run of what
changed (code versions, the sources' data versions), editions, failure reporting and the build
lock; and an unchanged rebuild of the whole graph (a copy of the session's full build), which
materializes nothing. (A full build takes minutes; see docs/orkestratie.md.)"""

from __future__ import annotations

import os
import shutil
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
from nplv_monitor.bronnen.leefbaarometer import WIJK_CSV
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR
from nplv_monitor.db import WerkDatabase, lees
from nplv_monitor.definitions import definities_van
from nplv_monitor.orkestratie import instance as dagster_instance
from nplv_monitor.orkestratie.build import BouwFout, bouw
from nplv_monitor.orkestratie.jobs import HOOFDJOB
from nplv_monitor.publicatie import publiceer, register
from tests.bronnen_hulp import bron_asset, kopieer_snapshot, vervang_en_registreer

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


def _materialisaties(uit: Path) -> list[tuple[str, str]]:
    """(asset, run id) of every materialization in the output folder's Dagster instance."""
    with dagster_instance.open_instance(uit) as inst:
        return sorted(
            (e.dagster_event.asset_key.to_user_string(), run.run_id)
            for run in inst.get_runs()
            for e in inst.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
            if e.dagster_event is not None and e.dagster_event.asset_key is not None
        )


def test_twee_builds_twee_edities_met_voortgang_en_samenvatting(tmp_output: Path) -> None:
    regels: list[str] = []
    eerste = bouw(2025, definitions=_klein(), melden=regels.append)
    # one run: every KWB year the (offline) build can read — the years in the snapshot — is a
    # table of the one bron/kwb asset
    kwb_jaren = [str(j) for j in sorted(cbs.kwb_in_snapshot(Snapshot()))]
    assert {"2020", "2024"} <= set(kwb_jaren)
    assert eerste.runs == [HOOFDJOB]
    pad = tmp_output / "nplv_monitor.duckdb"
    with duckdb.connect(str(pad), read_only=True) as con:
        lbm_rijen = con.sql("SELECT count(*) FROM bron.leefbaarometer_wijk").fetchall()[0][0]
        kwb_rijen = {
            f"bron.kwb_{j}": con.sql(f"SELECT count(*) FROM bron.kwb_{j}").fetchall()[0][0]
            for j in kwb_jaren
        }
    stappen = {s.asset: s for s in eerste.stappen}
    assert stappen["bron/leefbaarometer_wijk"].rijen == lbm_rijen
    assert stappen["bron/kwb"].rijen == sum(kwb_rijen.values())
    assert stappen["bron/kwb"].metadata["tabellen"] == kwb_rijen
    assert any("▶ bron__leefbaarometer_wijk gestart" in r for r in regels)
    assert any(r.startswith("  ✔ bron/leefbaarometer_wijk") for r in regels)
    # Another rapportagejaar: only the publication runs (sources and code unchanged).
    tweede = bouw(2026, definitions=_klein(), melden=regels.append)
    assert [s.asset for s in tweede.stappen] == ["publicatie/nplv_monitor"]
    assert tweede.actueel == 2
    assert _edities(pad) == sorted([eerste.publicatie["editie_id"], tweede.publicatie["editie_id"]])
    with duckdb.connect(str(pad), read_only=True) as con:
        assert con.sql(
            "SELECT DISTINCT rapportagejaar FROM publicatie.edities ORDER BY 1"
        ).fetchall() == [(2025,), (2026,)]
    tekst = tweede.tekst()
    assert str(pad) in tekst
    assert tweede.publicatie["editie_id"] in tekst
    assert "2 edities" in tekst


def test_ongewijzigde_herbouw_materialiseert_niets_en_nieuwe_editie_alleen_de_publicatie(
    tmp_output: Path,
) -> None:
    """Input: two builds of the same definitions, snapshot and rapportagejaar; then one with
    --nieuwe-editie. Holds: the second makes no run and no materialization (the instance's event
    log is unchanged), leaves the published file byte for byte alone and says so; the forced one
    runs the publication only and adds an edition."""
    eerste = bouw(2025, definitions=_klein(), melden=lambda _: None)
    pad = tmp_output / "nplv_monitor.duckdb"
    voor, mats = register.sha256_van(pad), _materialisaties(tmp_output)
    assert len(mats) == 3
    regels: list[str] = []
    tweede = bouw(2025, definitions=_klein(), melden=regels.append)
    assert tweede.runs == []
    assert tweede.stappen == []
    assert _materialisaties(tmp_output) == mats
    with dagster_instance.open_instance(tmp_output) as inst:
        assert len(inst.get_runs()) == 1
    assert register.sha256_van(pad) == voor
    assert "Niets veranderd" in tweede.tekst()
    assert eerste.publicatie["editie_id"] in tweede.tekst()
    assert any("er is niets te bouwen" in r for r in regels)
    derde = bouw(2025, definitions=_klein(), melden=lambda _: None, nieuwe_editie=True)
    assert [s.asset for s in derde.stappen] == ["publicatie/nplv_monitor"]
    assert len(_edities(pad)) == 2


def test_gewijzigd_leefbaarometerbestand_herdoet_alleen_wat_ervan_afhangt(
    tmp_output: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Input: a build; then one Leefbaarometer wijk score in a copy of the snapshot changed (by
    +0.001, manifest hash updated) and a build. Holds: that build runs bron/leefbaarometer_wijk
    and the publication (its dependants), not bron/kwb, whose latest materialization stays the
    first run's; the new edition has the changed score."""
    kopie = kopieer_snapshot(
        tmp_path / "snap", *[p.name for p in DEFAULT_SNAPSHOT_DIR.iterdir() if p.is_dir()]
    )
    monkeypatch.setenv("NPLV_SNAPSHOT_DIR", str(kopie))
    eerste = bouw(2025, definitions=_klein(), melden=lambda _: None)
    runs_eerste = {r for _, r in _materialisaties(tmp_output)}

    def wijzig(doel: Path) -> None:
        df = pl.read_csv(doel, infer_schema=False)
        eerste_rij = pl.int_range(pl.len()) == 0
        df.with_columns(
            lbm=pl.when(eerste_rij)
            .then((pl.col("lbm").cast(pl.Float64) + 0.001).cast(pl.String))
            .otherwise(pl.col("lbm"))
        ).write_csv(doel)

    vervang_en_registreer(kopie, WIJK_CSV, wijzig)
    regels: list[str] = []
    tweede = bouw(2025, definitions=_klein(), melden=regels.append)
    assert sorted(s.asset for s in tweede.stappen) == [
        "bron/leefbaarometer_wijk",
        "publicatie/nplv_monitor",
    ]
    assert any("snapshot/leefbaarometer_wijk" in r for r in regels)
    with dagster_instance.open_instance(tmp_output) as inst:
        laatste = {k: inst.get_latest_materialization_event(k) for k in (KWB_KEY, LBM_WIJK)}
    assert all(e is not None for e in laatste.values())
    assert laatste[KWB_KEY].run_id in runs_eerste  # type: ignore[union-attr]
    assert laatste[LBM_WIJK].run_id not in runs_eerste  # type: ignore[union-attr]
    assert tweede.publicatie["editie_id"] != eerste.publicatie["editie_id"]
    eerste_csv = pl.read_csv(DEFAULT_SNAPSHOT_DIR / WIJK_CSV, infer_schema=False).row(0, named=True)
    with duckdb.connect(str(tmp_output / "nplv_monitor.duckdb"), read_only=True) as con:
        ((lbm,),) = con.execute(
            "SELECT lbm FROM bron.leefbaarometer_wijk WHERE wk_code = ? AND jaar = ?",
            [eerste_csv["wk_code"], int(eerste_csv["jaar"])],
        ).fetchall()
    assert lbm == pytest.approx(float(eerste_csv["lbm"]) + 0.001, abs=1e-12)


def test_ongewijzigde_herbouw_van_de_hele_graaf_doet_niets(
    volledige_build: Path, tmp_output: Path
) -> None:
    """Input: a copy of the session's full build (output folder with its Dagster instance);
    `nplv-monitor build` again with the same snapshot and code. Holds: no run, no
    materialization, the published file untouched; every asset counted as up to date."""
    from nplv_monitor.definitions import defs

    shutil.copytree(volledige_build, tmp_output)
    pad = tmp_output / "nplv_monitor.duckdb"
    voor, mats = register.sha256_van(pad), _materialisaties(tmp_output)
    samenvatting = bouw(definitions=defs(), melden=lambda _: None)
    assert samenvatting.runs == []
    assert samenvatting.actueel == len(defs().resolve_asset_graph().materializable_asset_keys)
    assert _materialisaties(tmp_output) == mats
    assert register.sha256_van(pad) == voor
    assert "Niets veranderd" in samenvatting.tekst()
    assert samenvatting.rapporten


def test_falende_controle_midden_in_de_graaf_publiceert_niets(tmp_output: Path) -> None:
    bouw(2025, definitions=_klein(), melden=lambda _: None)
    pad = tmp_output / "nplv_monitor.duckdb"
    voor_bytes, voor = pad.read_bytes(), _edities(pad)
    regels: list[str] = []
    with pytest.raises(BouwFout) as fout:
        bouw(2026, definitions=_klein(foute_indicatorwaarden), melden=regels.append)
    melding = str(fout.value)
    assert f"Run {HOOFDJOB} is mislukt" in melding
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
