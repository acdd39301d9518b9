"""The Dagster UI as a user sees it: webserver on 127.0.0.1 + headless chromium screenshot."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from tests.hulp import overslaan


@pytest.mark.browser
def test_asset_graaf_screenshot(tmp_path: Path, ui_screenshot: ModuleType) -> None:
    if ui_screenshot.chromium() is None:
        overslaan("chromium ontbreekt (apt-get install -y chromium)")
    uit = ui_screenshot.maak(tmp_path / "graaf.png")
    # A PNG of the requested window size: chromium rendered the page once the location had loaded.
    kop = uit.read_bytes()[:24]
    assert kop[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(kop[16:20], "big") == 1600
    assert int.from_bytes(kop[20:24], "big") == 1000
