"""The Definitions as a whole: groups, checks, publication dependencies, sources and code
versions, the one job and the one schedule."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from nplv_monitor.definitions import bouw_definitions
from nplv_monitor.orkestratie import instance, jobs, versies
from nplv_monitor.publicatie.assets import CHECK_LEESBAAR, PUBLICATIE_KEY

defs = bouw_definitions()

GROEPEN = {"bronnen", "referentie", "metingen", "indicatoren", "publicatie", "rapportage"}


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
    for key in graaf.materializable_asset_keys:
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
        for k in graaf.materializable_asset_keys
        if graaf.get(k).group_name not in {"publicatie", "rapportage"}
    }
    assert set(graaf.get(PUBLICATIE_KEY).parent_keys) == upstream
    # No partitions anywhere: the rapportagejaar is run configuration, KWB one asset.
    assert all(graaf.get(k).partitions_def is None for k in graaf.get_all_asset_keys())


def test_elke_bron_leest_een_waarneembare_bron_en_elke_asset_heeft_een_codeversie() -> None:
    graaf = defs.resolve_asset_graph()
    for key in graaf.materializable_asset_keys:
        assert graaf.get(key).code_version, key
        bron = versies.bron_van(key)
        if key.path[0] == "bron":
            assert bron is not None
        if bron is not None:
            assert bron in graaf.get(key).parent_keys
            assert bron in graaf.observable_asset_keys
    assert {k.path[0] for k in graaf.observable_asset_keys} == {versies.SNAPSHOT, versies.MAP}
    # The engine is not imported by the bronnen: its change leaves their version alone.
    bron_modules = {p.name for p in versies.modules_van("nplv_monitor.bronnen.assets")}
    assert "aggregatie.py" not in bron_modules
    assert "aggregatie.py" in {
        p.name for p in versies.modules_van("nplv_monitor.indicatoren.assets")
    }
    kwb = graaf.get(dg.AssetKey(["bron", "kwb"])).code_version
    assert graaf.get(dg.AssetKey(["monitor", "contextindicatoren"])).code_version != kwb


def test_een_job_die_de_hele_graaf_dekt() -> None:
    graaf = defs.resolve_asset_graph()
    job = defs.resolve_job_def(jobs.HOOFDJOB)
    assert job.partitions_def is None
    assert set(job.asset_layer.executable_asset_keys) >= graaf.materializable_asset_keys
    assert [j.name for j in defs.resolve_all_job_defs() if not j.name.startswith("__")] == [
        jobs.HOOFDJOB
    ]


def test_schedule_tick_vraagt_het_huidige_rapportagejaar(tmp_output: Path) -> None:
    schedule = defs.resolve_schedule_def("jaarcyclus_1_september")
    assert schedule.cron_schedule == "0 6 1 9 *"
    assert schedule.job_name == jobs.HOOFDJOB
    moment = datetime(2027, 9, 1, 6, tzinfo=ZoneInfo("Europe/Amsterdam"))
    with (
        instance.open_instance() as inst,
        dg.build_schedule_context(
            instance=inst,
            repository_def=defs.get_repository_def(),
            scheduled_execution_time=moment,
        ) as ctx,
    ):
        data = schedule.evaluate_tick(ctx)
    assert data.run_requests is not None
    (verzoek,) = data.run_requests
    # an empty instance: every asset is missing, so all are asked for, for the tick's year
    assert (
        set(verzoek.asset_selection or []) == defs.resolve_asset_graph().materializable_asset_keys
    )
    assert verzoek.run_config["ops"][jobs.publicatie_op()]["config"] == {"rapportagejaar": 2027}
    assert verzoek.tags[jobs.RAPPORTAGEJAAR_TAG] == "2027"


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
