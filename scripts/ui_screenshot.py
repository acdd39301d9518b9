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


LOCATIE = "nplv_monitor.definitions:defs"


def headless_vlaggen(profiel: Path) -> list[str]:
    """Flags for Debian's chromium on a machine without internet: headless, as root, and none of
    the background connections it would otherwise try (and have refused) at every start."""
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profiel}",
    ]


def _foto(browser: str, profiel: Path, uit: Path, url: str, venster: str) -> None:
    subprocess.run(
        [
            browser,
            *headless_vlaggen(profiel),
            f"--screenshot={uit}",
            f"--window-size={venster}",
            "--virtual-time-budget=25000",
            "--hide-scrollbars",
            url,
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    if not uit.exists() or uit.stat().st_size == 0:
        raise RuntimeError(f"chromium maakte geen screenshot in {uit}")


def maak(uit: Path, wachttijd_s: float = 120.0, groepen: dict[str, Path] | None = None) -> Path:
    """Screenshot of the global asset lineage to ``uit``; ``groepen`` maps an asset group name to
    a file for a screenshot of that group's assets (cards with their checks)."""
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
            _foto(browser, profiel, uit, f"{url}/asset-groups", "1600,1000")
            for groep, pad in (groepen or {}).items():
                pad.parent.mkdir(parents=True, exist_ok=True)
                _foto(
                    browser,
                    profiel,
                    pad,
                    f"{url}/locations/{LOCATIE}/asset-groups/{groep}",
                    "2000,1100",
                )
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            logboek.close()
    return uit


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--uit", type=Path, default=ROOT / "docs" / "dagster_asset_graph.png")
    args = p.parse_args()
    p_groep = args.uit.with_name("dagster_groep_indicatoren.png")
    print(f"screenshot: {maak(args.uit, groepen={'indicatoren': p_groep})}")
    print(f"screenshot: {p_groep}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
