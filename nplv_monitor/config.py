"""Where things live on disk, and the few settings a run can change.

Everything is resolved from the installed package's location so the pipeline works from any
working directory; environment variables let a user point output or the snapshot elsewhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = PROJECT_ROOT / "assets"
SCHEMAS_DIR = PROJECT_ROOT / "schemas"
DOCS_DIR = PROJECT_ROOT / "docs"

#: The snapshot of real open data shipped with the project (see assets/snapshot/manifest.json).
DEFAULT_SNAPSHOT_DIR = ASSETS_DIR / "snapshot"
DEFAULT_OUTPUT_DIR = PROJECT_ROOT / "output"


@dataclass(frozen=True)
class Instellingen:
    """Run settings, read from the environment (NPLV_*) with safe defaults."""

    snapshot_dir: Path
    output_dir: Path
    online: bool

    @property
    def werk_db(self) -> Path:
        """The pipeline's own working database; analysts get the published copy."""
        return self.output_dir / ".werk" / "werk.duckdb"

    @property
    def publicatie_db(self) -> Path:
        return self.output_dir / "nplv_monitor.duckdb"


def instellingen() -> Instellingen:
    return Instellingen(
        snapshot_dir=Path(os.environ.get("NPLV_SNAPSHOT_DIR", DEFAULT_SNAPSHOT_DIR)).resolve(),
        output_dir=Path(os.environ.get("NPLV_OUTPUT_DIR", DEFAULT_OUTPUT_DIR)).resolve(),
        online=os.environ.get("NPLV_ONLINE", "0").lower() in {"1", "true", "ja", "yes"},
    )
