"""Screenshots of the Dagster UI, as a user sees it: docs/dagster_asset_graph.png and
docs/dagster_groep_indicatoren.png.

Starts ``dagster-webserver`` on 127.0.0.1 against the persistent Dagster instance of an output
folder (nplv_monitor/orkestratie/ui.py: the instance ``nplv-monitor build`` and ``nplv-monitor ui``
use, ``<uitvoermap>/.dagster`` unless DAGSTER_HOME is set), waits until the code location has
loaded, then lets Debian's headless ``chromium`` render the pages. Nothing is fetched from the
internet (the UI is served by the webserver). After a build, the screenshots show each asset as
materialized.

    .venv/bin/python scripts/ui_screenshot.py [--uit docs/dagster_asset_graph.png] [--uitvoermap output]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

from nplv_monitor.config import instellingen
from nplv_monitor.orkestratie import ui

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_NAMEN = ("chromium", "chromium-browser")
LOCATIE = ui.LOCATIE


def chromium() -> str | None:
    return next((p for n in CHROMIUM_NAMEN if (p := shutil.which(n))), None)


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


def _browser() -> str:
    browser = chromium()
    if browser is None:
        raise RuntimeError("chromium ontbreekt (apt-get install -y chromium)")
    return browser


#: The UI is English; its numbers then read 26,366 whatever the machine's locale.
TAAL = "--lang=en-US"


def foto(profiel: Path, uit: Path, url: str, venster: str = "1600,1000") -> Path:
    """Screenshot of the page at ``url`` (rendered until the UI's requests have settled)."""
    uit.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            _browser(),
            *headless_vlaggen(profiel),
            TAAL,
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
    return uit


def dom(profiel: Path, url: str, venster: str = "1600,1000") -> str:
    """The page's DOM after the UI has rendered it (``--dump-dom``)."""
    resultaat = subprocess.run(
        [
            _browser(),
            *headless_vlaggen(profiel),
            TAAL,
            f"--window-size={venster}",
            "--virtual-time-budget=25000",
            "--dump-dom",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return resultaat.stdout


def maak(
    uit: Path,
    wachttijd_s: float = 120.0,
    groepen: dict[str, Path] | None = None,
    uitvoermap: Path | None = None,
) -> Path:
    """Screenshot of the global asset lineage to ``uit``; ``groepen`` maps an asset group name to
    a file for a screenshot of that group's assets (cards with their checks). ``uitvoermap``: the
    output folder whose instance the UI shows (default NPLV_OUTPUT_DIR)."""
    _browser()
    with (
        tempfile.TemporaryDirectory(prefix="nplv_ui_") as tmp,
        ui.webserver(uitvoermap, alleen_lezen=True, wachttijd_s=wachttijd_s) as url,
    ):
        profiel = Path(tmp) / "chromium"
        foto(profiel, uit, f"{url}/asset-groups")
        for groep, pad in (groepen or {}).items():
            foto(profiel, pad, f"{url}/locations/{LOCATIE}/asset-groups/{groep}", "2000,1100")
    return uit


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--uit", type=Path, default=ROOT / "docs" / "dagster_asset_graph.png")
    p.add_argument(
        "--uitvoermap",
        type=Path,
        default=None,
        help=f"uitvoermap waarvan de Dagster-instance getoond wordt (standaard "
        f"{instellingen().output_dir})",
    )
    args = p.parse_args()
    p_groep = args.uit.with_name("dagster_groep_indicatoren.png")
    maak(args.uit, groepen={"indicatoren": p_groep}, uitvoermap=args.uitvoermap)
    print(f"screenshot: {args.uit}")
    print(f"screenshot: {p_groep}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
