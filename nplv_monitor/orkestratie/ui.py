"""The Dagster UI on 127.0.0.1 against the persistent instance of the output folder (instance.py).

- ``nplv-monitor ui`` runs ``dagster dev`` (webserver + the daemon that ticks the schedule) in the
  foreground, with DAGSTER_HOME and NPLV_OUTPUT_DIR set, so the UI shows what ``nplv-monitor build``
  materialized and runs it starts write to the same output folder.
- :func:`webserver` starts only ``dagster-webserver`` in the background and waits until the code
  location has loaded (scripts/ui_screenshot.py and the UI tests use it; no daemon needed there).
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nplv_monitor.config import PROJECT_ROOT
from nplv_monitor.errors import NplvFout
from nplv_monitor.orkestratie import instance

WORKSPACE = PROJECT_ROOT / "workspace.yaml"
#: Name of the code location that workspace.yaml defines (used in UI addresses).
LOCATIE = "nplv_monitor.definitions:defs"
HOST = "127.0.0.1"
STANDAARD_POORT = 3000


class UiFout(NplvFout):
    """The Dagster webserver did not start or its code location did not load."""


def vrije_poort() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def graphql(url: str, query: str, variabelen: dict[str, Any] | None = None) -> dict[str, Any]:
    """POST one GraphQL query to the webserver at ``url``; returns its ``data``."""
    verzoek = urllib.request.Request(
        f"{url}/graphql",
        data=json.dumps({"query": query, "variables": variabelen or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(verzoek, timeout=10) as antwoord:
        resultaat = json.load(antwoord)
    if resultaat.get("errors"):
        raise UiFout(f"GraphQL-fout van {url}: {resultaat['errors']}")
    return dict(resultaat["data"])


def _locatie_geladen(url: str) -> bool:
    data = graphql(
        url,
        "{ workspaceOrError { ... on Workspace { locationEntries { name "
        "locationOrLoadError { __typename ... on PythonError { message } } } } } }",
    )
    entries = data["workspaceOrError"]["locationEntries"]
    for e in entries:
        fout = e["locationOrLoadError"]
        if fout and fout["__typename"] == "PythonError":
            raise UiFout(f"De code location {e['name']} laadt niet: {fout.get('message')}")
    return bool(entries) and all(
        e["locationOrLoadError"] and e["locationOrLoadError"]["__typename"] == "RepositoryLocation"
        for e in entries
    )


@contextmanager
def webserver(
    uitvoermap: Path | None = None,
    *,
    poort: int | None = None,
    alleen_lezen: bool = False,
    wachttijd_s: float = 120.0,
) -> Iterator[str]:
    """Run ``dagster-webserver`` on 127.0.0.1 against the persistent instance of ``uitvoermap``
    (default NPLV_OUTPUT_DIR) and yield its URL once the code location has loaded; stop it
    afterwards. ``alleen_lezen``: no runs can be launched and no schedule switched from the UI."""
    poort = poort or vrije_poort()
    url = f"http://{HOST}:{poort}"
    programma = Path(sys.executable).with_name("dagster-webserver")
    with tempfile.TemporaryFile("w+") as logboek:

        def log() -> str:
            logboek.seek(0)
            return logboek.read()[-3000:]

        proc = subprocess.Popen(
            [
                str(programma),
                "-h",
                HOST,
                "-p",
                str(poort),
                "-w",
                str(WORKSPACE),
                *(["--read-only"] if alleen_lezen else []),
            ],
            cwd=PROJECT_ROOT,
            env=instance.omgeving(uitvoermap),
            stdout=subprocess.DEVNULL,
            stderr=logboek,
        )
        try:
            eind = time.monotonic() + wachttijd_s
            while True:
                if proc.poll() is not None:
                    raise UiFout(f"dagster-webserver stopte (exitcode {proc.returncode}): {log()}")
                # Not listening or not loaded yet: poll again until the deadline.
                with contextlib.suppress(
                    urllib.error.URLError, ConnectionError, TimeoutError, KeyError
                ):
                    if _locatie_geladen(url):
                        break
                if time.monotonic() > eind:
                    raise UiFout(
                        f"dagster-webserver op {url} antwoordt niet binnen {wachttijd_s:.0f} s: "
                        f"{log()}"
                    )
                time.sleep(0.5)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def dagster_dev_opdracht(poort: int = STANDAARD_POORT) -> list[str]:
    return [
        str(Path(sys.executable).with_name("dagster")),
        "dev",
        "-w",
        str(WORKSPACE),
        "-h",
        HOST,
        "-p",
        str(poort),
    ]


def start_dev(poort: int = STANDAARD_POORT) -> int:
    """``dagster dev`` in the foreground on the shared instance; returns its exit code."""
    omgeving = instance.omgeving()
    print(
        f"Dagster-UI op http://{HOST}:{poort} (stoppen: Ctrl+C)\n"
        f"  DAGSTER_HOME={omgeving['DAGSTER_HOME']}\n"
        f"  NPLV_OUTPUT_DIR={omgeving['NPLV_OUTPUT_DIR']}",
        flush=True,
    )
    # dagster dev stops its webserver and daemon itself on Ctrl+C (SIGINT, which the terminal
    # sends to both processes); a SIGTERM to this process is passed on as SIGINT, so stopping
    # `nplv-monitor ui` never leaves a webserver or daemon behind.
    proc = subprocess.Popen(dagster_dev_opdracht(poort), cwd=PROJECT_ROOT, env=omgeving)
    vorige = signal.signal(signal.SIGTERM, lambda *_: proc.send_signal(signal.SIGINT))
    try:
        while True:
            try:
                return proc.wait()
            except KeyboardInterrupt:
                continue
    finally:
        signal.signal(signal.SIGTERM, vorige)
