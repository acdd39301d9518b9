"""The rapportagejaar (reporting year) of an edition: run configuration of the publication.

Not a partition: the publication and the report have one state (the published file with every
edition), and the year only names the edition (docs/orkestratie.md). The build refuses a year
before the first edition or beyond next year (a typo such as 2206).
"""

from __future__ import annotations

from datetime import datetime

from nplv_monitor.publicatie.assets import huidig_rapportagejaar

EERSTE_RAPPORTAGEJAAR = 2024

__all__ = ["EERSTE_RAPPORTAGEJAAR", "controleer", "huidig_rapportagejaar", "laatste"]


def laatste(moment: datetime | None = None) -> int:
    """The last rapportagejaar accepted now: next year (an edition prepared in December)."""
    return huidig_rapportagejaar(moment) + 1


def controleer(rapportagejaar: int) -> int:
    """``rapportagejaar`` itself; ValueError naming the accepted range when it is outside."""
    if not EERSTE_RAPPORTAGEJAAR <= rapportagejaar <= laatste():
        raise ValueError(
            f"Rapportagejaar {rapportagejaar} valt buiten {EERSTE_RAPPORTAGEJAAR}–{laatste()} "
            "(het eerste rapportagejaar tot en met volgend jaar)."
        )
    return rapportagejaar
