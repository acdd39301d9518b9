"""The yearly cycle: one schedule that starts the one job for the rapportagejaar of the tick.

``jaarcyclus_1_september`` (1 September, 06:00 Europe/Amsterdam) observes the sources and asks
for a run of what changed (selectie.py, the same choice as ``nplv-monitor build``), with the
year of the tick as the publication's rapportagejaar (run configuration) — a new year always
publishes a new edition. Off by default; it ticks only while the daemon runs (``nplv-monitor ui``).
"""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg

from nplv_monitor.orkestratie import jobs, selectie
from nplv_monitor.publicatie.assets import huidig_rapportagejaar

TIJDZONE = "Europe/Amsterdam"
JAARCYCLUS_CRON = "0 6 1 9 *"
NAAM = "jaarcyclus_1_september"


def jaarcyclus_schedule() -> dg.ScheduleDefinition:
    @dg.schedule(
        name=NAAM,
        cron_schedule=JAARCYCLUS_CRON,
        execution_timezone=TIJDZONE,
        job_name=jobs.HOOFDJOB,
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="Bouwt op 1 september wat veranderde en publiceert de editie van het lopende "
        "rapportagejaar.",
    )
    def jaarcyclus(
        context: dg.ScheduleEvaluationContext,
    ) -> Iterator[dg.RunRequest | dg.SkipReason]:
        jaar = huidig_rapportagejaar(context.scheduled_execution_time)
        graaf = context.repository_def.asset_graph
        selectie.neem_bronnen_waar(context.instance, graaf)
        keuze = selectie.bepaal(context.instance, graaf, rapportagejaar=jaar)
        if not keuze.te_bouwen:
            yield dg.SkipReason(f"Niets veranderd voor rapportagejaar {jaar}.")
            return
        yield dg.RunRequest(
            run_key=f"jaarcyclus-{jaar}",
            run_config=jobs.run_config(jaar, keuze.te_bouwen),
            asset_selection=sorted(keuze.te_bouwen, key=lambda k: k.to_string()),
            tags={jobs.RAPPORTAGEJAAR_TAG: str(jaar)},
        )

    return jaarcyclus
