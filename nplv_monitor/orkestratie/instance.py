"""The one persistent Dagster instance shared by `nplv-monitor build`, the UI and the schedule.

Dagster keeps runs, materializations (with their metadata: rows, schema, preview) and check
results in an *instance*, a folder named by ``DAGSTER_HOME``. When the CLI, ``dagster dev`` and the
daemon that ticks the schedule each use their own instance, the UI shows a CLI build's assets as
"Never materialized". So all three use this one:

- ``DAGSTER_HOME`` when the user has set it (made absolute; created if it does not exist);
- otherwise ``<NPLV_OUTPUT_DIR>/.dagster`` — beside the work DB it describes, so every output folder
  (and every test, which has its own) has its own instance and history.

A folder without ``dagster.yaml`` gets ours: local SQLite storage under the folder, telemetry and
Dagster's one-time pop-up (nux) off, and at most one queued run at a time on the work DB (tag
``nplv/werkdb``). A ``dagster.yaml`` we wrote carries :data:`KENMERK` on its first line and is
rewritten when the folder has moved (its paths are absolute); one without it is the user's and is
left alone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dagster as dg
import yaml

from nplv_monitor.config import instellingen
from nplv_monitor.errors import NplvFout
from nplv_monitor.orkestratie.jobs import WERKDB_TAG

#: Folder of the instance inside the output folder when DAGSTER_HOME is not set.
MAP = ".dagster"
DAGSTER_YAML = "dagster.yaml"
#: First line of a dagster.yaml written by nplv-monitor (others are left untouched).
KENMERK = "# Aangemaakt door nplv-monitor (nplv_monitor/orkestratie/instance.py)."


class InstanceFout(NplvFout):
    """The Dagster instance folder (DAGSTER_HOME) cannot be created or written."""


def uitvoermap(map_: Path | None = None) -> Path:
    """``map_`` (absolute) or else the configured output folder (NPLV_OUTPUT_DIR)."""
    return map_.resolve() if map_ is not None else instellingen().output_dir


def dagster_home(map_: Path | None = None) -> Path:
    """The instance folder: $DAGSTER_HOME if set, else <output folder>/.dagster."""
    eigen = os.environ.get("DAGSTER_HOME")
    if eigen:
        return Path(eigen).expanduser().resolve()
    return uitvoermap(map_) / MAP


def configuratie(home: Path) -> dict[str, Any]:
    """The dagster.yaml nplv-monitor writes for ``home``."""
    return {
        # Runs, event log (materializations, checks) and schedule ticks in SQLite files under
        # home (history/, schedules/): no database server, and the folder can be deleted as a
        # whole to start a fresh history.
        "storage": {"sqlite": {"base_dir": str(home)}},
        "local_artifact_storage": {
            "module": "dagster._core.storage.root",
            "class": "LocalArtifactStorage",
            "config": {"base_dir": str(home)},
        },
        # The machine may have no internet, and a newcomer should land on the asset graph.
        "telemetry": {"enabled": False},
        "nux": {"enabled": False},
        # Runs started by the UI or the schedule write the same work DB: one at a time.
        "run_queue": {"tag_concurrency_limits": [{"key": WERKDB_TAG, "limit": 1}]},
    }


def dagster_yaml_tekst(home: Path) -> str:
    return (
        f"{KENMERK}\n"
        "# Gedeeld door `nplv-monitor build`, `nplv-monitor ui` (dagster dev) en het jaarschema.\n"
        "# Haal de eerste regel weg als je dit bestand zelf beheert; dan blijft het ongemoeid.\n"
        + yaml.safe_dump(configuratie(home), sort_keys=False, allow_unicode=True)
    )


def bereid_voor(map_: Path | None = None) -> Path:
    """Create the instance folder and its dagster.yaml where needed; return the folder."""
    home = dagster_home(map_)
    pad = home / DAGSTER_YAML
    try:
        home.mkdir(parents=True, exist_ok=True)
        if pad.exists():
            huidig = pad.read_text(encoding="utf-8")
            if not huidig.startswith(KENMERK) or huidig == dagster_yaml_tekst(home):
                return home
        tijdelijk = pad.with_name(f".{DAGSTER_YAML}.{os.getpid()}.tmp")
        tijdelijk.write_text(dagster_yaml_tekst(home), encoding="utf-8")
        # Atomic: a UI starting at the same moment never reads half a file.
        os.replace(tijdelijk, pad)
    except OSError as exc:
        raise InstanceFout(
            f"De Dagster-instance {home} (DAGSTER_HOME) kan niet worden aangemaakt of beschreven "
            f"({exc.strerror or exc}: {exc.filename or pad}). Zet DAGSTER_HOME op een schrijfbare "
            "map, of laat hem leeg zodat <NPLV_OUTPUT_DIR>/.dagster wordt gebruikt."
        ) from None
    return home


def open_instance(map_: Path | None = None) -> dg.DagsterInstance:
    """The persistent instance of the output folder ``map_`` (default NPLV_OUTPUT_DIR); use it as
    a context manager so its storage is closed. Not ``DagsterInstance.get()``: that needs
    DAGSTER_HOME in this process's environment, and a build must not change it."""
    return dg.DagsterInstance.from_config(str(bereid_voor(map_)))


def omgeving(map_: Path | None = None) -> dict[str, str]:
    """Environment for a Dagster process (webserver, ``dagster dev``, the runs it launches) on the
    instance and output folder ``map_`` (default: those of this process)."""
    home = bereid_voor(map_)
    return {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "NPLV_OUTPUT_DIR": str(uitvoermap(map_)),
    }
