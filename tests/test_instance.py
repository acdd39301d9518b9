"""The persistent Dagster instance (nplv_monitor/orkestratie/instance.py) that `nplv-monitor build`,
`nplv-monitor ui` and the schedule share: where it lives, its dagster.yaml, and that a build's
runs and materializations land in the instance of its own output folder."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from nplv_monitor.orkestratie import instance
from nplv_monitor.orkestratie.jobs import WERKDB_TAG

ROOT = Path(__file__).resolve().parent.parent
LBM_WIJK = dg.AssetKey(["bron", "leefbaarometer_wijk"])


def test_standaard_instance_onder_de_uitvoermap(tmp_output: Path) -> None:
    home = tmp_output / ".dagster"
    assert instance.dagster_home() == home
    with instance.open_instance() as inst:
        assert inst.is_persistent
        assert inst.root_directory == str(home)
        # Dagster itself reads the switches from the file we wrote.
        assert inst.telemetry_enabled is False
        assert inst.nux_enabled is False
    tekst = (home / "dagster.yaml").read_text(encoding="utf-8")
    assert tekst.startswith(instance.KENMERK)
    cfg = yaml.safe_load(tekst)
    assert cfg["telemetry"] == {"enabled": False}
    assert cfg["nux"] == {"enabled": False}
    assert cfg["storage"] == {"sqlite": {"base_dir": str(home)}}
    assert cfg["run_queue"]["tag_concurrency_limits"] == [{"key": WERKDB_TAG, "limit": 1}]
    # The SQLite storage was created under the folder, nowhere else.
    assert (home / "history" / "runs.db").is_file()
    assert (home / "history" / "runs" / "index.db").is_file()
    assert (home / "schedules" / "schedules.db").is_file()


def test_dagster_home_van_de_gebruiker_wordt_gerespecteerd(
    tmp_output: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    eigen = tmp_path / "eigen_home"
    monkeypatch.setenv("DAGSTER_HOME", str(eigen))
    assert instance.dagster_home() == eigen
    assert instance.omgeving()["DAGSTER_HOME"] == str(eigen)
    assert instance.omgeving()["NPLV_OUTPUT_DIR"] == str(tmp_output)
    # An empty folder gets our dagster.yaml (pointing at that folder) ...
    with instance.open_instance() as inst:
        assert inst.root_directory == str(eigen)
    assert yaml.safe_load((eigen / "dagster.yaml").read_text())["storage"]["sqlite"] == {
        "base_dir": str(eigen)
    }
    assert not (tmp_output / ".dagster").exists()
    # ... but a dagster.yaml of the user's own is never touched.
    eigen_yaml = "telemetry:\n  enabled: true\n"
    (eigen / "dagster.yaml").write_text(eigen_yaml)
    with instance.open_instance() as inst:
        assert inst.telemetry_enabled is True
    assert (eigen / "dagster.yaml").read_text() == eigen_yaml


def test_verplaatste_uitvoermap_krijgt_een_kloppende_dagster_yaml(
    tmp_output: Path, tmp_path: Path
) -> None:
    oud = tmp_path / "elders" / ".dagster"
    home = instance.bereid_voor()
    (home / "dagster.yaml").write_text(instance.dagster_yaml_tekst(oud))
    instance.bereid_voor()
    cfg = yaml.safe_load((home / "dagster.yaml").read_text())
    assert cfg["storage"]["sqlite"]["base_dir"] == str(home)
    assert cfg["local_artifact_storage"]["config"]["base_dir"] == str(home)


def test_onschrijfbare_dagster_home_geeft_duidelijke_fout(
    tmp_output: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bestand = tmp_path / "geen_map"
    bestand.write_text("")
    monkeypatch.setenv("DAGSTER_HOME", str(bestand / "home"))
    with pytest.raises(instance.InstanceFout) as fout:
        instance.bereid_voor()
    assert str(bestand / "home") in str(fout.value)
    assert "DAGSTER_HOME" in str(fout.value)


BUILD = textwrap.dedent("""
    from tests.test_build import _klein
    from nplv_monitor.orkestratie.build import bouw
    bouw(2025, definitions=_klein(), melden=lambda _r: None)
""")


def test_twee_builds_tegelijk_elk_in_de_instance_van_hun_uitvoermap(tmp_path: Path) -> None:
    """Two builds at the same time, each with its own NPLV_OUTPUT_DIR (as concurrent tests do):
    each one's runs and materializations are in its own instance and nowhere else; the run that
    published an edition is a run of that folder's instance, and the row count in its
    materialization is the table's row count in the published file."""
    mappen = [tmp_path / "a" / "output", tmp_path / "b" / "output"]
    omgeving = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    omgeving.pop("NPLV_SNAPSHOT_DIR", None)
    omgeving.pop("NPLV_ONLINE", None)
    processen = [
        subprocess.Popen(
            [sys.executable, "-c", BUILD],
            cwd=ROOT,
            env={**omgeving, "NPLV_OUTPUT_DIR": str(m)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for m in mappen
    ]
    for p in processen:
        uitvoer, _ = p.communicate(timeout=600)
        assert p.returncode == 0, uitvoer
    run_ids: list[set[str]] = []
    for m in mappen:
        with duckdb.connect(str(m / "nplv_monitor.duckdb"), read_only=True) as con:
            ((editie_run,),) = con.sql("SELECT run_id FROM publicatie.edities").fetchall()
            ((rijen,),) = con.sql("SELECT count(*) FROM bron.leefbaarometer_wijk").fetchall()
        with instance.open_instance(m) as inst:
            runs = inst.get_runs()
            ids = {r.run_id for r in runs}
            # a build is one run, and it succeeded
            assert [r.status for r in runs] == [dg.DagsterRunStatus.SUCCESS]
            assert editie_run in ids
            mat = inst.get_latest_materialization_event(LBM_WIJK)
            assert mat is not None
            assert mat.run_id == editie_run
            assert mat.asset_materialization is not None
            assert mat.asset_materialization.metadata["dagster/row_count"].value == rijen
        run_ids.append(ids)
    assert not run_ids[0] & run_ids[1]
