"""The raw source tables the metingen stage reads, from the working database or the snapshot.

Both give the same frames (the bron.* contract in docs/ontwikkelaars.md): the Dagster asset reads
the bron.* tables its deps wrote; tests and the CLI read the verified snapshot through the bronnen
stage's own readers, so there is one reading of every file.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from nplv_monitor.bronnen import cbs, leefbaarometer, overige
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.db import lees
from nplv_monitor.errors import NietInSnapshot

#: Snapshot file whose sha256 a value carries, per source (and table year for KWB).
BRONBESTAND: dict[str, str] = {
    "cbs_bevolking_2024": overige.BEVOLKING_2024,
    "cbs_misdrijven": overige.MISDRIJVEN_BUURT,
    "leefbaarometer_wijk": leefbaarometer.WIJK_CSV,
    "leefbaarometer_buurt": leefbaarometer.BUURT_CSV,
    "cbs_veiligheidsmonitor": f"cbs/{overige.VEILIGHEIDSMONITOR}/TypedDataSet.parquet",
    "cbs_ses_woa": f"cbs/{overige.SES_WOA}/TypedDataSet.parquet",
    "rivm_gezondheid": overige.GEZONDHEID_CSV,
}


def kwb_bestand(tabel_id: str) -> str:
    return f"{cbs.map_van(tabel_id)}/TypedDataSet.parquet"


@dataclass
class Bronframes:
    """The bron.* tables as polars frames; ``kwb`` maps the KWB year to its wide table."""

    kwb: dict[int, pl.DataFrame]
    dataproperties: pl.DataFrame
    bevolking_buurt_2024: pl.DataFrame
    misdrijven_buurt: pl.DataFrame
    leefbaarometer_wijk: pl.DataFrame
    leefbaarometer_buurt: pl.DataFrame
    veiligheidsmonitor: pl.DataFrame
    ses_woa: pl.DataFrame
    gezondheid_rotterdam: pl.DataFrame
    sha256: dict[str, str]  # snapshot path → sha256


#: bron.* tables the metingen asset reads (besides bron.kwb_<jaar>).
BRON_TABELLEN = (
    "cbs_dataproperties",
    "bevolking_buurt_2024",
    "misdrijven_buurt",
    "leefbaarometer_wijk",
    "leefbaarometer_buurt",
    "veiligheidsmonitor",
    "ses_woa",
    "gezondheid_rotterdam",
)


def uit_snapshot(snapshot: Snapshot | None = None) -> Bronframes:
    snapshot = snapshot or Snapshot()
    kwb: dict[int, pl.DataFrame] = {}
    for jaar in cbs.kwb_in_snapshot(snapshot):
        kwb[jaar] = cbs.kwb_tabel(snapshot, jaar).data()
    return Bronframes(
        kwb=kwb,
        dataproperties=cbs.dataproperties(snapshot),
        bevolking_buurt_2024=overige.bevolking_buurt_2024(snapshot),
        misdrijven_buurt=overige.misdrijven_buurt(snapshot),
        leefbaarometer_wijk=leefbaarometer.lees_niveau(snapshot, "wijk"),
        leefbaarometer_buurt=leefbaarometer.lees_niveau(snapshot, "buurt"),
        veiligheidsmonitor=overige.veiligheidsmonitor(snapshot),
        ses_woa=overige.ses_woa(snapshot),
        gezondheid_rotterdam=overige.gezondheid_rotterdam(snapshot),
        sha256={pad: b.sha256 for pad, b in snapshot.manifest().items()},
    )


def uit_database(con: duckdb.DuckDBPyConnection, snapshot: Snapshot | None = None) -> Bronframes:
    """Read the bron.* tables; the hashes come from the snapshot manifest the sources were read from."""
    snapshot = snapshot or Snapshot()
    aanwezig = set(
        lees(con, "select table_name from information_schema.tables where table_schema = 'bron'")[
            "table_name"
        ].to_list()
    )
    ontbrekend = [t for t in BRON_TABELLEN if t not in aanwezig]
    if ontbrekend:
        raise NietInSnapshot(
            "De werkdatabase mist de brontabellen "
            + ", ".join(f"bron.{t}" for t in ontbrekend)
            + "; materialiseer eerst de groep bronnen."
        )
    kwb = {
        int(t.removeprefix("kwb_")): lees(con, f'select * from bron."{t}"')
        for t in sorted(aanwezig)
        if t.startswith("kwb_") and t.removeprefix("kwb_").isdigit()
    }

    def tabel(naam: str) -> pl.DataFrame:
        return lees(con, f'select * from bron."{naam}"')

    return Bronframes(
        kwb=kwb,
        dataproperties=tabel("cbs_dataproperties"),
        bevolking_buurt_2024=tabel("bevolking_buurt_2024"),
        misdrijven_buurt=tabel("misdrijven_buurt"),
        leefbaarometer_wijk=tabel("leefbaarometer_wijk"),
        leefbaarometer_buurt=tabel("leefbaarometer_buurt"),
        veiligheidsmonitor=tabel("veiligheidsmonitor"),
        ses_woa=tabel("ses_woa"),
        gezondheid_rotterdam=tabel("gezondheid_rotterdam"),
        sha256={pad: b.sha256 for pad, b in snapshot.manifest().items()},
    )
