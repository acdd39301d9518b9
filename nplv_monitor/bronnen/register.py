"""The register of CBS tables (``assets/bronnen.yaml``): which table id holds which year.

Kerncijfers wijken en buurten (KWB) is one table id per year, so a KWB year is a partition; the
police table lives in another catalogue (dataderden.cbs.nl). Other stages ask this module, never
hard-code an id. What the snapshot actually holds is read from its manifest, not from the YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.config import ASSETS_DIR
from nplv_monitor.errors import BronFout

REGISTER_PAD = ASSETS_DIR / "bronnen.yaml"
CATALOGI = frozenset({"opendata.cbs.nl", "dataderden.cbs.nl"})
SNAPSHOT_STATUS = frozenset({"volledig", "afgekapt", "metadata", "extract", "nee"})


@dataclass(frozen=True)
class TabelInfo:
    """One CBS table of the register."""

    tabel_id: str
    catalogus: str  # OData host: opendata.cbs.nl or dataderden.cbs.nl
    titel: str
    reeks: str  # kwb, politie, veiligheidsmonitor, ses_woa
    jaar: int | None  # KWB table year (= partition); None for other series
    in_snapshot: str  # what the shipped snapshot held when the register was written
    bevestigd: bool  # the table id was checked against a source
    opmerking: str = ""

    @property
    def dataset(self) -> str:
        """The dataset name in the snapshot manifest (``cbs/<id>``)."""
        return f"cbs/{self.tabel_id}"


@cache
def _laad(pad: Path = REGISTER_PAD) -> dict[str, TabelInfo]:
    try:
        ruw: Any = yaml.safe_load(pad.read_text(encoding="utf-8"))
        tabellen = ruw["tabellen"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise BronFout(f"Het bronnenregister {pad} is onleesbaar: {exc}") from exc
    uit: dict[str, TabelInfo] = {}
    for tabel_id, v in tabellen.items():
        try:
            info = TabelInfo(
                tabel_id=str(tabel_id),
                catalogus=str(v["catalogus"]),
                titel=str(v["titel"]),
                reeks=str(v["reeks"]),
                jaar=int(v["jaar"]) if v.get("jaar") is not None else None,
                in_snapshot=str(v["in_snapshot"]),
                bevestigd=bool(v["bevestigd"]),
                opmerking=str(v.get("opmerking", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BronFout(
                f"{pad}: tabel {tabel_id} mist of heeft een ongeldig veld: {exc}"
            ) from exc
        if info.catalogus not in CATALOGI:
            raise BronFout(
                f"{pad}: tabel {tabel_id} heeft onbekende catalogus {info.catalogus!r} "
                f"(verwacht een van {sorted(CATALOGI)})."
            )
        if info.in_snapshot not in SNAPSHOT_STATUS:
            raise BronFout(
                f"{pad}: tabel {tabel_id} heeft onbekende in_snapshot {info.in_snapshot!r} "
                f"(verwacht een van {sorted(SNAPSHOT_STATUS)})."
            )
        uit[info.tabel_id] = info
    kwb = [t.jaar for t in uit.values() if t.reeks == "kwb"]
    if len(kwb) != len(set(kwb)) or None in kwb:
        raise BronFout(f"{pad}: elk KWB-jaar moet precies één tabel hebben, gevonden {kwb}.")
    return uit


def tabellen() -> list[TabelInfo]:
    """All tables of the register, in file order."""
    return list(_laad().values())


def tabel(tabel_id: str) -> TabelInfo:
    """The register entry of a table id; BronFout if the id is not registered."""
    try:
        return _laad()[tabel_id]
    except KeyError:
        raise BronFout(
            f"CBS-tabel {tabel_id} staat niet in het bronnenregister {REGISTER_PAD}; "
            f"bekend zijn: {', '.join(sorted(_laad()))}."
        ) from None


def kwb_jaren() -> list[int]:
    """The KWB table years the register knows (2013-2025), ascending."""
    return sorted(t.jaar for t in _laad().values() if t.reeks == "kwb" and t.jaar is not None)


def kwb_tabel_id(jaar: int) -> str:
    """The table id of Kerncijfers wijken en buurten for one year (e.g. 2020 -> 84799NED)."""
    for t in _laad().values():
        if t.reeks == "kwb" and t.jaar == jaar:
            return t.tabel_id
    raise BronFout(
        f"Geen Kerncijfers wijken en buurten-tabel voor {jaar} in {REGISTER_PAD}; "
        f"bekende jaren: {kwb_jaren()}."
    )


def kwb_tabel(jaar: int) -> TabelInfo:
    return tabel(kwb_tabel_id(jaar))


def snapshot_jaren_kwb(snapshot: Snapshot | None = None) -> list[int]:
    """KWB years whose TypedDataSet is in the snapshot manifest (complete or not), ascending."""
    snap = snapshot or Snapshot()
    return [j for j in kwb_jaren() if snap.heeft(f"cbs/{kwb_tabel_id(j)}/TypedDataSet.parquet")]
