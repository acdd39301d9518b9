"""The rapportagejaar (reporting year) partitions of the yearly cycle.

Static partitions, not a time window (docs/valkuilen.md: a yearly TimeWindowPartitionsDefinition
hides the current year without ``end_offset=1``). The list runs to 2035; extending it is a one-line change
and the schedule skips with a clear reason when the year is missing.
"""

from __future__ import annotations

from datetime import datetime

import dagster as dg

EERSTE_RAPPORTAGEJAAR = 2024
LAATSTE_RAPPORTAGEJAAR = 2035

RAPPORTAGEJAAR = dg.StaticPartitionsDefinition(
    [str(j) for j in range(EERSTE_RAPPORTAGEJAAR, LAATSTE_RAPPORTAGEJAAR + 1)]
)


def huidig_rapportagejaar(moment: datetime | None = None) -> int:
    """The rapportagejaar of a moment: the calendar year (the report goes out in the autumn)."""
    return (moment or datetime.now()).year


def controleer(rapportagejaar: int) -> str:
    """The partition key of ``rapportagejaar``; NplvFout-style ValueError when it has none."""
    sleutel = str(rapportagejaar)
    if sleutel not in RAPPORTAGEJAAR.get_partition_keys():
        raise ValueError(
            f"Rapportagejaar {rapportagejaar} valt buiten {EERSTE_RAPPORTAGEJAAR}–"
            f"{LAATSTE_RAPPORTAGEJAAR} (nplv_monitor/orkestratie/partities.py)."
        )
    return sleutel
