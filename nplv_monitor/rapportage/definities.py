"""Indicator definitions for the reader: what is measured, from which table, with a link to the
CBS table on StatLine (the only links out of the annex; nothing is loaded from them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: A CBS StatLine table id: five digits and NED/ENG (e.g. 85984NED).
CBS_ID = re.compile(r"^\d{5}(NED|ENG)$")
RICHTING_TEKST = {
    "hoger_beter": "hoger is gunstiger",
    "lager_beter": "lager is gunstiger",
    "neutraal": "geen gewenste richting",
}


def statline_url(tabel_id: str) -> str | None:
    """The StatLine page of a CBS table, or None for a source that is not a CBS table."""
    t = tabel_id.strip()
    return (
        f"https://opendata.cbs.nl/statline/#/CBS/nl/dataset/{t}/table" if CBS_ID.match(t) else None
    )


@dataclass(frozen=True)
class Tabel:
    id: str
    titel: str
    url: str | None


@dataclass(frozen=True)
class Definitie:
    anker: str
    code: str
    naam: str
    omschrijving: str
    familie: str
    actielijn: str
    eenheid: str
    richting: str
    tabellen: list[Tabel]
    kader_item: str
    breuk: str


def anker(code: str) -> str:
    return f"def-{code}"


def tabellen(ids: str | None, titels: dict[str, str]) -> list[Tabel]:
    schoon = [t.strip() for t in (ids or "").split(",")]
    return [Tabel(t, titels.get(t, ""), statline_url(t)) for t in schoon if t]


def definitie(i: dict[str, Any], titels: dict[str, str], gebruikte: set[str]) -> Definitie:
    """``gebruikte``: table ids the values of this indicator actually come from (bron_tabel), added
    to the catalogue's list so every table a caption names is defined here too."""
    ids = [t.strip() for t in str(i.get("bron_tabellen") or "").split(",") if t.strip()]
    ids += sorted(t for t in gebruikte if t not in ids)
    return Definitie(
        anker=anker(str(i["indicator_code"])),
        code=str(i["indicator_code"]),
        naam=str(i["naam"]),
        omschrijving=str(i.get("omschrijving") or ""),
        familie=str(i["familie"]),
        actielijn=str(i["actielijn"]),
        eenheid=str(i.get("eenheid") or ""),
        richting=RICHTING_TEKST.get(str(i.get("richting") or ""), "geen gewenste richting"),
        tabellen=tabellen(",".join(ids), titels),
        kader_item=str(i.get("kader_item") or ""),
        breuk=str(i.get("catalogus_definitiebreuk") or ""),
    )
