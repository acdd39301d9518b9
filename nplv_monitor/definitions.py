"""The Dagster code location: every asset, check, job, schedule and resource of the monitor.

`dagster dev` loads this module through workspace.yaml. Each pipeline stage keeps its assets in its
own ``assets.py``; this file only gathers them.
"""

from __future__ import annotations

import importlib

import dagster as dg

from nplv_monitor.db import WerkDatabase

# One module per stage, in the order data flows (bronnen → referentie → metingen → indicatoren →
# publicatie → rapportage). A stage lands here when its module exists.
STAGE_MODULES = [
    "nplv_monitor.bronnen.assets",
]


def _modules() -> list[object]:
    return [importlib.import_module(m) for m in STAGE_MODULES]


def bouw_definitions() -> dg.Definitions:
    modules = _modules()
    assets = dg.load_assets_from_modules(modules)  # type: ignore[arg-type]
    checks = dg.load_asset_checks_from_modules(modules)  # type: ignore[arg-type]
    extra_jobs: list[dg.JobDefinition | dg.UnresolvedAssetJobDefinition] = []
    schedules: list[dg.ScheduleDefinition] = []
    for m in modules:
        extra_jobs.extend(getattr(m, "JOBS", []))
        schedules.extend(getattr(m, "SCHEDULES", []))
    return dg.Definitions(
        assets=assets,
        asset_checks=checks,
        jobs=extra_jobs,
        schedules=schedules,
        resources={"werkdb": WerkDatabase()},
        # DuckDB allows one writing process: run steps in one process, one after the other.
        executor=dg.in_process_executor,
    )


defs = bouw_definitions()
