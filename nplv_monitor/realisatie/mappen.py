"""Where the ministry drops returns and scheme exports (configurable, see docs/realisatie.md)."""

from __future__ import annotations

import os
from pathlib import Path

from nplv_monitor.config import instellingen


def retourmap(map_: str | Path | None = None) -> Path:
    """The drop folder for returns: argument, else NPLV_RETOUREN_DIR, else <output>/retouren."""
    if map_:
        return Path(map_).expanduser().resolve()
    if os.environ.get("NPLV_RETOUREN_DIR"):
        return Path(os.environ["NPLV_RETOUREN_DIR"]).expanduser().resolve()
    return instellingen().output_dir / "retouren"


def regelingenmap(map_: str | Path | None = None) -> Path:
    """The drop folder for per-area scheme exports: argument, else NPLV_REGELINGEN_DIR, else
    <output>/regelingen."""
    if map_:
        return Path(map_).expanduser().resolve()
    if os.environ.get("NPLV_REGELINGEN_DIR"):
        return Path(os.environ["NPLV_REGELINGEN_DIR"]).expanduser().resolve()
    return instellingen().output_dir / "regelingen"
