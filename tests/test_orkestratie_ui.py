"""The Dagster UI as a user sees it: webserver on 127.0.0.1 + headless chromium screenshot."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location(
    "ui_screenshot", ROOT / "scripts" / "ui_screenshot.py"
)
assert _spec is not None
assert _spec.loader is not None
ui_screenshot = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ui_screenshot)


@pytest.mark.browser
def test_asset_graaf_screenshot(tmp_path: Path) -> None:
    if ui_screenshot.chromium() is None:
        pytest.skip("chromium ontbreekt (apt-get install -y chromium)")
    uit = ui_screenshot.maak(tmp_path / "graaf.png")
    # A PNG of the requested window size: chromium rendered the page once the location had loaded.
    kop = uit.read_bytes()[:24]
    assert kop[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(kop[16:20], "big") == 1600
    assert int.from_bytes(kop[20:24], "big") == 1000
