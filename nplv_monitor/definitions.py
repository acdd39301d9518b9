"""The Dagster code location: every asset, check, job, schedule and resource of the monitor.

`dagster dev` loads this module through workspace.yaml. Each pipeline stage keeps its assets in its
own ``assets.py``; this file gathers them, gives each its code version and its sources
(orkestratie/versies.py: the observable source assets whose data versions are the files' sha256),
and derives the publication asset (which depends on every upstream asset), the one job and the
yearly schedule (see docs/orkestratie.md).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import dagster as dg

from nplv_monitor.db import WerkDatabase
from nplv_monitor.orkestratie import jobs, versies
from nplv_monitor.orkestratie import schedules as schedules_mod
from nplv_monitor.publicatie import assets as publicatie_assets

# One module per stage, in the order data flows (bronnen → referentie → metingen → indicatoren →
# rapportage). A stage lands here when its module exists. The publicatie asset is not listed: it is
# made by nplv_monitor.publicatie.assets.maak_assets from the assets of these modules.
STAGE_MODULES = [
    "nplv_monitor.bronnen.assets",
    "nplv_monitor.geografie.assets",
    "nplv_monitor.metingen.assets",
    "nplv_monitor.indicatoren.assets",
    "nplv_monitor.realisatie.assets",
    "nplv_monitor.rapportage.assets",
]


def _modules() -> list[object]:
    return [importlib.import_module(m) for m in STAGE_MODULES]


def _assets_defs(items: Sequence[object]) -> list[dg.AssetsDefinition]:
    return [a for a in items if isinstance(a, dg.AssetsDefinition)]


def bouw_definitions(stage_modules: Sequence[str] | None = None) -> dg.Definitions:
    """The Definitions of the given stage modules (default STAGE_MODULES). A module that makes
    its assets from a declarative file (the bronnen from the source registry) exposes
    ``maak_assets()``; the others define them at module level."""
    modules = [importlib.import_module(m) for m in (stage_modules or STAGE_MODULES)]
    extra_jobs: list[dg.JobDefinition | dg.UnresolvedAssetJobDefinition] = []
    schedules: list[dg.ScheduleDefinition] = []
    gemaakt: list[dg.AssetsDefinition] = []
    for m in modules:
        extra_jobs.extend(getattr(m, "JOBS", []))
        schedules.extend(getattr(m, "SCHEDULES", []))
        if callable(getattr(m, "maak_assets", None)):
            gemaakt.extend(m.maak_assets())
    statisch = [m for m in modules if not callable(getattr(m, "maak_assets", None))]
    return definities_van(
        [*gemaakt, *_assets_defs(dg.load_assets_from_modules(statisch))],
        dg.load_asset_checks_from_modules(statisch),
        extra_jobs=extra_jobs,
        extra_schedules=schedules,
    )


def definities_van(
    stage_assets: Sequence[dg.AssetsDefinition],
    checks: Sequence[dg.AssetChecksDefinition] = (),
    *,
    extra_jobs: Sequence[dg.JobDefinition | dg.UnresolvedAssetJobDefinition] = (),
    extra_schedules: Sequence[dg.ScheduleDefinition] = (),
) -> dg.Definitions:
    """Stage assets plus sources, publication, the job and the schedule, derived from whatever
    assets the stages contribute (so a test can build the same machinery over a few assets)."""
    stage, bronnen = versies.met_bronnen([versies.met_codeversie(a) for a in stage_assets])
    publicatie = [versies.met_codeversie(a) for a in publicatie_assets.maak_assets(stage)]
    return dg.Definitions(
        assets=[*stage, *publicatie, *bronnen],
        asset_checks=list(checks),
        jobs=[jobs.maak_job(), *extra_jobs],
        schedules=[schedules_mod.jaarcyclus_schedule(), *extra_schedules],
        resources={"werkdb": WerkDatabase()},
        # DuckDB allows one writing process: run steps in one process, one after the other.
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    """The code location's Definitions, made when Dagster (or a caller) asks for them: importing
    this module reads no file, so a wrong NPLV_SNAPSHOT_DIR cannot break the import."""
    return bouw_definitions()
