"""The Definitions as a whole: groups, checks, publication dependencies, jobs and the schedule."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from nplv_monitor.definitions import bouw_definitions
from nplv_monitor.orkestratie import jobs
from nplv_monitor.orkestratie.partities import RAPPORTAGEJAAR
from nplv_monitor.publicatie.assets import CHECK_LEESBAAR, PUBLICATIE_KEY

defs = bouw_definitions()

GROEPEN = {"bronnen", "referentie", "metingen", "indicatoren", "publicatie", "rapportage"}


def _assets() -> list[dg.AssetsDefinition]:
    return [a for a in defs.assets or [] if isinstance(a, dg.AssetsDefinition)]


def test_definitions_laden_met_groepen_en_beschrijvingen() -> None:
    dg.Definitions.validate_loadable(defs)
    graaf = defs.resolve_asset_graph()
    for key in graaf.get_all_asset_keys():
        node = graaf.get(key)
        assert node.group_name in GROEPEN, key
        assert node.description, f"{key.to_user_string()} heeft geen beschrijving"
    assert graaf.get(PUBLICATIE_KEY).group_name == "publicatie"


def test_elke_asset_heeft_een_blokkerende_controle() -> None:
    graaf = defs.resolve_asset_graph()
    for key in graaf.get_all_asset_keys():
        if graaf.get(key).group_name == "rapportage":
            continue  # writes report files, not a table with a schema
        checks = list(graaf.get_check_keys_for_assets({key}))
        assert checks, f"{key.to_user_string()} heeft geen asset check"
        specs = [graaf.get_check_spec(c) for c in checks]
        assert any(s.blocking for s in specs), key
    assert dg.AssetCheckKey(PUBLICATIE_KEY, CHECK_LEESBAAR) in graaf.asset_check_keys


def test_publicatie_hangt_af_van_alle_assets_behalve_rapportage() -> None:
    graaf = defs.resolve_asset_graph()
    upstream = {
        k
        for k in graaf.get_all_asset_keys()
        if graaf.get(k).group_name not in {"publicatie", "rapportage"}
    }
    assert set(graaf.get(PUBLICATIE_KEY).parent_keys) == upstream
    assert graaf.get(PUBLICATIE_KEY).partitions_def == RAPPORTAGEJAAR


def test_jobs_dekken_de_hele_graaf_zonder_partities_te_mengen() -> None:
    assets = _assets()
    alle = {k for a in assets for k in a.keys}
    lagen = jobs.lagen(assets)
    assert lagen[-1].partities is None  # the main run comes last
    gedekt = [k for laag in lagen for k in laag.sleutels]
    assert sorted(gedekt) == sorted(alle)
    for laag in lagen:
        job = defs.resolve_job_def(laag.job_naam)
        pdefs = {defs.resolve_asset_graph().get(k).partitions_def for k in laag.sleutels} - {None}
        assert len(pdefs) <= 1
        assert job.partitions_def in (pdefs or {None}) or job.partitions_def in pdefs


def test_schedule_tick_vraagt_het_huidige_rapportagejaar() -> None:
    schedule = defs.resolve_schedule_def("jaarcyclus_1_september")
    assert schedule.cron_schedule == "0 6 1 9 *"
    moment = datetime(2027, 9, 1, 6, tzinfo=ZoneInfo("Europe/Amsterdam"))
    with dg.build_schedule_context(
        repository_def=defs.get_repository_def(), scheduled_execution_time=moment
    ) as ctx:
        data = schedule.evaluate_tick(ctx)
    assert data.run_requests is not None
    assert [r.partition_key for r in data.run_requests] == ["2027"]
    assert schedule.job_name == jobs.HOOFDJOB
    # a year without a partition is skipped with a reason, not run with partition_key=None
    with dg.build_schedule_context(
        repository_def=defs.get_repository_def(), scheduled_execution_time=datetime(2040, 9, 1, 6)
    ) as ctx:
        leeg = schedule.evaluate_tick(ctx)
    assert not leeg.run_requests
    assert "2040" in (leeg.skip_message or "")


def test_voorbereiding_vraagt_elke_partitie() -> None:
    for laag in jobs.lagen(_assets()):
        if laag.partities is None:
            continue
        schedule = defs.resolve_schedule_def(f"{laag.job_naam}_voor_jaarcyclus")
        with dg.build_schedule_context(
            repository_def=defs.get_repository_def(),
            scheduled_execution_time=datetime(2027, 8, 25, 6),
        ) as ctx:
            data = schedule.evaluate_tick(ctx)
        assert data.run_requests is not None
        assert [r.partition_key for r in data.run_requests] == laag.partities.get_partition_keys()


def test_importeren_van_de_definities_leest_geen_bestand(tmp_path: Path) -> None:
    """`import nplv_monitor.definitions` reads no file: with a snapshot folder and a source
    registry that do not exist, the import succeeds; only building the Definitions reads the
    registry, and then the error names it."""
    env = {
        **os.environ,
        "NPLV_SNAPSHOT_DIR": str(tmp_path / "bestaat_niet"),
        "NPLV_BRONNENREGISTER": str(tmp_path / "bestaat_niet.yaml"),
    }
    code = (
        "import nplv_monitor.definitions as d\n"
        "print('geimporteerd')\n"
        "try:\n"
        "    d.defs()\n"
        "except Exception as e:\n"
        "    print(type(e).__name__, e)\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert r.returncode == 0, r.stderr
    regels = r.stdout.splitlines()
    assert regels[0] == "geimporteerd"
    assert "bestaat_niet.yaml" in regels[1]
