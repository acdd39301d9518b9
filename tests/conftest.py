"""Shared pytest fixtures.

Every test that runs the pipeline writes into its own output folder (``tmp_output``) so tests never
touch ``output/`` of the checkout and can run in any order.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def tmp_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh NPLV_OUTPUT_DIR for one test."""
    uit = tmp_path / "output"
    monkeypatch.setenv("NPLV_OUTPUT_DIR", str(uit))
    return uit
