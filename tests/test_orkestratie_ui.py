"""The Dagster UI as a user sees it: webserver on 127.0.0.1 + headless chromium.

After a CLI build (the session's ``volledige_build``: the machinery of `nplv-monitor build`), the
UI started against the persistent instance of that output folder shows the build's work: an asset
materialized, with its row count, and no one-time pop-up."""

from __future__ import annotations

import html
import re
from pathlib import Path
from types import ModuleType

import duckdb
import pytest
import yaml

from nplv_monitor.orkestratie import instance, ui
from tests.hulp import overslaan

ASSET = ["bron", "leefbaarometer_wijk"]
MATERIALISATIE = """query($k: AssetKeyInput!) { assetOrError(assetKey: $k) { __typename
  ... on Asset { assetMaterializations(limit: 1) { runId metadataEntries { label
    ... on IntMetadataEntry { intValue } } } } } }"""
RUN = """query($id: ID!) { runOrError(runId: $id) { __typename
  ... on Run { status jobName tags { key value } } } }"""


def _tekst(dom: str) -> str:
    """Visible text of a dumped DOM, whitespace collapsed."""
    zonder = re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", zonder))).strip()


@pytest.mark.browser
def test_asset_graaf_screenshot(tmp_path: Path, ui_screenshot: ModuleType) -> None:
    if ui_screenshot.chromium() is None:
        overslaan("chromium ontbreekt (apt-get install -y chromium)")
    uit = ui_screenshot.maak(tmp_path / "graaf.png", uitvoermap=tmp_path / "output")
    # A PNG of the requested window size: chromium rendered the page once the location had loaded.
    kop = uit.read_bytes()[:24]
    assert kop[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(kop[16:20], "big") == 1600
    assert int.from_bytes(kop[20:24], "big") == 1000


@pytest.mark.browser
def test_ui_toont_wat_de_cli_build_materialiseerde(
    volledige_build: Path,
    tmp_path: Path,
    ui_screenshot: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if ui_screenshot.chromium() is None:
        overslaan("chromium ontbreekt (apt-get install -y chromium)")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    home = volledige_build / ".dagster"
    # The build wrote its instance under its output folder, with telemetry and the pop-up off.
    cfg = yaml.safe_load((home / "dagster.yaml").read_text(encoding="utf-8"))
    assert cfg["telemetry"] == {"enabled": False}
    assert cfg["nux"] == {"enabled": False}
    assert instance.dagster_home(volledige_build) == home
    # Independently of Dagster: the table's rows in the published file.
    with duckdb.connect(str(volledige_build / "nplv_monitor.duckdb"), read_only=True) as con:
        ((rijen,),) = con.sql(f"SELECT count(*) FROM {'.'.join(ASSET)}").fetchall()
        ((editie_run, rapportagejaar),) = con.sql(
            "SELECT run_id, rapportagejaar FROM publicatie.edities "
            "ORDER BY gepubliceerd_op DESC LIMIT 1"
        ).fetchall()
    assert rijen > 0

    # Read-only: the session's build is shared by other tests.
    with ui.webserver(volledige_build, alleen_lezen=True) as url:
        assert ui.graphql(url, "{ shouldShowNux }") == {"shouldShowNux": False}
        asset = ui.graphql(url, MATERIALISATIE, {"k": {"path": ASSET}})["assetOrError"]
        assert asset["__typename"] == "Asset"
        (mat,) = asset["assetMaterializations"]
        metadata = {e["label"]: e.get("intValue") for e in mat["metadataEntries"]}
        assert metadata["dagster/row_count"] == rijen
        # ... by the CLI build's run, the one that published the edition.
        assert mat["runId"] == editie_run
        run = ui.graphql(url, RUN, {"id": mat["runId"]})["runOrError"]
        assert run["status"] == "SUCCESS"
        assert {"key": "nplv/rapportagejaar", "value": str(rapportagejaar)} in run["tags"]

        pagina = f"{url}/assets/{'/'.join(ASSET)}"
        profiel = tmp_path / "chromium"
        tekst = _tekst(ui_screenshot.dom(profiel, pagina))
        png = ui_screenshot.foto(profiel, tmp_path / "asset.png", pagina)
    # What the user reads on the asset's page, in the browser.
    assert "Latest materialization" in tekst
    assert "Never materialized" not in tekst
    assert re.search(rf"Row count {rijen:,}\b", tekst), tekst[:2000]
    assert "Leefbaarometer" in tekst  # the asset's own description, so it is its page
    kop = png.read_bytes()[:24]
    assert kop[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 50_000  # a blank page is a few kB
