"""The one job of the monitor: every asset, one run, the rapportagejaar as run configuration.

Assets pass data through the working DuckDB file, not through IO managers, and run one after the
other in one process (``in_process_executor``); Dagster orders the steps by the asset graph. What
a build leaves out (assets whose code and inputs did not change) is decided by selectie.py, not
by splitting the graph into jobs.
"""

from __future__ import annotations

from typing import Any

import dagster as dg

from nplv_monitor.publicatie.assets import PUBLICATIE_KEY, PublicatieConfig

HOOFDJOB = "monitor_jaarcyclus"
#: Runs sharing the working DuckDB file carry this tag; limit it to 1 in the run queue.
WERKDB_TAG = "nplv/werkdb"
#: The rapportagejaar of a run, for the UI's run list (the value is in the run configuration).
RAPPORTAGEJAAR_TAG = "nplv/rapportagejaar"
#: Console logging off in-process: the build prints its own progress from the event stream.
STIL: dict[str, Any] = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def maak_job() -> dg.UnresolvedAssetJobDefinition:
    return dg.define_asset_job(
        HOOFDJOB,
        selection=dg.AssetSelection.all(),
        description="De hele monitor: bronnen, referentie, metingen, indicatoren, publicatie "
        "(een editie voor het rapportagejaar in de runconfiguratie) en rapportage, in één run. "
        "`nplv-monitor build` en het schema kiezen alleen de assets waarvan code of invoer "
        "veranderde.",
        tags={WERKDB_TAG: "1"},
    )


def publicatie_op() -> str:
    """The op name of the publication asset (the run configuration is keyed by it)."""
    return "__".join(PUBLICATIE_KEY.path)


def run_config(
    rapportagejaar: int, sleutels: set[dg.AssetKey], *, stil: bool = False
) -> dict[str, Any]:
    """Run configuration for a run of ``sleutels``: the rapportagejaar when the publication is
    among them (configuration of an op outside the run would be refused)."""
    config: dict[str, Any] = dict(STIL) if stil else {}
    if PUBLICATIE_KEY in sleutels:
        config["ops"] = {
            publicatie_op(): {
                "config": PublicatieConfig(rapportagejaar=rapportagejaar).model_dump()
            }
        }
    return config
