"""The yearly cycle: schedules that start runs with an explicit partition key.

docs/valkuilen.md: a plain ScheduleDefinition over a partitioned job yields
``partition_key=None``; these schedules yield ``RunRequest(partition_key=...)`` and are tested by evaluating a tick.

- ``jaarcyclus_1_september`` (1 September, 06:00 Europe/Amsterdam): the main job for the
  rapportagejaar of the tick (the year of the scheduled date), so the figures are ready before
  the national report in the autumn.
- ``<groepen>_per_partitie_voor_jaarcyclus`` (25 August): every partition (e.g. each KWB year)
  of the other partitioned jobs, a week earlier, so those tables are current when the cycle runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import dagster as dg

from nplv_monitor.orkestratie.jobs import HOOFDJOB, Laag, lagen
from nplv_monitor.orkestratie.partities import RAPPORTAGEJAAR, huidig_rapportagejaar

TIJDZONE = "Europe/Amsterdam"
JAARCYCLUS_CRON = "0 6 1 9 *"
VOORBEREIDING_CRON = "0 6 25 8 *"


def jaarcyclus_schedule() -> dg.ScheduleDefinition:
    @dg.schedule(
        name="jaarcyclus_1_september",
        cron_schedule=JAARCYCLUS_CRON,
        execution_timezone=TIJDZONE,
        job_name=HOOFDJOB,
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="Bouwt en publiceert op 1 september de editie van het lopende rapportagejaar.",
    )
    def jaarcyclus(
        context: dg.ScheduleEvaluationContext,
    ) -> Iterator[dg.RunRequest | dg.SkipReason]:
        jaar = huidig_rapportagejaar(context.scheduled_execution_time)
        if str(jaar) not in RAPPORTAGEJAAR.get_partition_keys():
            yield dg.SkipReason(
                f"Rapportagejaar {jaar} heeft geen partitie; breid "
                "nplv_monitor/orkestratie/partities.py uit."
            )
            return
        yield dg.RunRequest(
            run_key=f"jaarcyclus-{jaar}",
            partition_key=str(jaar),
            tags={"nplv/rapportagejaar": str(jaar)},
        )

    return jaarcyclus


def voorbereiding_schedule(laag: Laag) -> dg.ScheduleDefinition:
    assert laag.partities is not None
    partities = laag.partities

    @dg.schedule(
        name=f"{laag.job_naam}_voor_jaarcyclus",
        cron_schedule=VOORBEREIDING_CRON,
        execution_timezone=TIJDZONE,
        job_name=laag.job_naam,
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="Ververst elke partitie (bijv. elk KWB-jaar) een week vóór de jaarcyclus.",
    )
    def voorbereiding(context: dg.ScheduleEvaluationContext) -> Iterator[dg.RunRequest]:
        jaar = huidig_rapportagejaar(context.scheduled_execution_time)
        for p in partities.get_partition_keys():
            yield dg.RunRequest(
                run_key=f"{laag.job_naam}-{jaar}-{p}",
                partition_key=p,
                tags={"nplv/rapportagejaar": str(jaar)},
            )

    return voorbereiding


def maak_schedules(assets: Sequence[dg.AssetsDefinition]) -> list[dg.ScheduleDefinition]:
    schedules = [jaarcyclus_schedule()]
    for laag in lagen(assets):
        if laag.partities is not None and laag.sleutels:
            schedules.append(voorbereiding_schedule(laag))
    return schedules
