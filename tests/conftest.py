"""Shared pytest fixtures.

Every test that runs the pipeline writes into its own output folder (``tmp_output``) so tests never
touch ``output/`` of the checkout and can run in any order.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture
def tmp_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh NPLV_OUTPUT_DIR for one test, with its own Dagster instance (<output>/.dagster:
    a DAGSTER_HOME of the developer's shell would make every test share one)."""
    uit = tmp_path / "output"
    monkeypatch.setenv("NPLV_OUTPUT_DIR", str(uit))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    return uit


@pytest.fixture(scope="session")
def werkdb_bronnen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A werk DB with every bronnen asset materialized once (every KWB year in the snapshot) from the shipped
    snapshot. Returns the DuckDB file; treat it as read-only (copy it before writing to it)."""
    # Imported here so a broken stage module cannot take every other test down with it.
    import dagster as dg

    from nplv_monitor.bronnen import assets as bron_assets
    from nplv_monitor.db import WerkDatabase

    uit = tmp_path_factory.mktemp("bronnen") / "output"
    pad = uit / ".werk" / "werk.duckdb"
    resources = {"werkdb": WerkDatabase(pad=str(pad))}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NPLV_OUTPUT_DIR", str(uit))
        mp.delenv("NPLV_SNAPSHOT_DIR", raising=False)
        mp.delenv("NPLV_ONLINE", raising=False)
        assert dg.materialize(bron_assets.maak_assets(), resources=resources).success
    return pad


@pytest.fixture(scope="session")
def volledige_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Output folder of one full build (``nplv-monitor build`` machinery: every asset, the
    published DuckDB file and the report) on the shipped snapshot, shared by the whole session;
    its Dagster instance (runs, materializations) is in ``<output>/.dagster``. Treat it as
    read-only."""
    from nplv_monitor.definitions import defs
    from nplv_monitor.orkestratie.build import bouw

    uit = tmp_path_factory.mktemp("volledige_build") / "output"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NPLV_OUTPUT_DIR", str(uit))
        mp.delenv("DAGSTER_HOME", raising=False)
        mp.delenv("NPLV_SNAPSHOT_DIR", raising=False)
        mp.delenv("NPLV_ONLINE", raising=False)
        bouw(definitions=defs(), melden=lambda _regel: None)
    return uit


@pytest.fixture(scope="session")
def ui_screenshot() -> ModuleType:
    """scripts/ui_screenshot.py (not a package): chromium lookup, its flags, the UI screenshots."""
    spec = importlib.util.spec_from_file_location(
        "ui_screenshot", Path(__file__).resolve().parent.parent / "scripts" / "ui_screenshot.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
