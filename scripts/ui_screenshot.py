"""Screenshot of the Dagster asset graph, as a user sees it: docs/dagster_asset_graph.png.

Starts ``dagster-webserver`` on 127.0.0.1 with workspace.yaml and a temporary DAGSTER_HOME, waits
until it answers and the code location is loaded, then lets Debian's headless ``chromium`` render
the asset graph page. Nothing is fetched from the internet (the UI is served by the webserver).

    .venv/bin/python scripts/ui_screenshot.py [--uit docs/dagster_asset_graph.png]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_NAMEN = ("chromium", "chromium-browser")


def chromium() -> str | None:
    return next((p for n in CHROMIUM_NAMEN if (p := shutil.which(n))), None)


def _vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _locatie_geladen(url: str) -> bool:
    query = {
        "query": "{ workspaceOrError { ... on Workspace { locationEntries { name "
        "locationOrLoadError { __typename } } } } }"
    }
    verzoek = urllib.request.Request(
        f"{url}/graphql",
        data=json.dumps(query).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(verzoek, timeout=5) as antwoord:
        data = json.load(antwoord)
    entries = data["data"]["workspaceOrError"]["locationEntries"]
    soorten = [
        e["locationOrLoadError"]["__typename"] if e["locationOrLoadError"] else None
        for e in entries
    ]
    if "PythonError" in soorten:
        raise RuntimeError(f"De code location laadt niet: {data}")
    return bool(entries) and all(s == "RepositoryLocation" for s in soorten)


def maak(uit: Path, wachttijd_s: float = 120.0) -> Path:
    browser = chromium()
    if browser is None:
        raise RuntimeError("chromium ontbreekt (apt-get install -y chromium)")
    poort = _vrije_poort()
    url = f"http://127.0.0.1:{poort}"
    with tempfile.TemporaryDirectory(prefix="nplv_ui_") as tmp:
        home = Path(tmp) / "dagster_home"
        home.mkdir()
        # No onboarding modal over the graph, no telemetry (the machine may have no internet).
        (home / "dagster.yaml").write_text("nux:\n  enabled: false\ntelemetry:\n  enabled: false\n")
        env = {
            **os.environ,
            "DAGSTER_HOME": str(home),
            "NPLV_OUTPUT_DIR": str(Path(tmp) / "output"),
        }
        webserver = Path(sys.executable).with_name("dagster-webserver")
        log_pad = Path(tmp) / "webserver.log"
        logboek = log_pad.open("w")
        proc = subprocess.Popen(
            [
                str(webserver),
                "-h",
                "127.0.0.1",
                "-p",
                str(poort),
                "-w",
                str(ROOT / "workspace.yaml"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=logboek,
        )
        try:
            eind = time.monotonic() + wachttijd_s
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"dagster-webserver stopte: {log_pad.read_text()[-2000:]}")
                try:
                    if _locatie_geladen(url):
                        break
                except (urllib.error.URLError, ConnectionError, TimeoutError, KeyError):
                    pass
                if time.monotonic() > eind:
                    raise RuntimeError(
                        f"dagster-webserver antwoordt niet binnen {wachttijd_s:.0f} s"
                    )
                time.sleep(0.5)
            uit.parent.mkdir(parents=True, exist_ok=True)
            profiel = Path(tmp) / "chromium"
            subprocess.run(
                [
                    browser,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    f"--user-data-dir={profiel}",
                    f"--screenshot={uit}",
                    "--window-size=1600,1000",
                    "--virtual-time-budget=25000",
                    "--hide-scrollbars",
                    f"{url}/asset-groups",
                ],
                check=True,
                capture_output=True,
                timeout=180,
            )
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            logboek.close()
    if not uit.exists() or uit.stat().st_size == 0:
        raise RuntimeError(f"chromium maakte geen screenshot in {uit}")
    return uit


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--uit", type=Path, default=ROOT / "docs" / "dagster_asset_graph.png")
    args = p.parse_args()
    print(f"screenshot: {maak(args.uit)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
