"""CBS tables from the shipped snapshot (offline reading).

The snapshot holds one Parquet file per OData entity set (``TypedDataSet``, ``DataProperties``,
dimension lists) plus ``TableInfos.json`` per table, under ``cbs/<tabel_id>/``. Everything read
here is stripped of CBS's fixed-width padding (``"GM0363    "`` → ``"GM0363"``) so codes join
across tables; values are otherwise as published. The online client (``cbs_client``) writes the
same layout, so after a fetch these readers see the new table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import polars as pl

from nplv_monitor.bronnen import register
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.errors import BronFout, NietInSnapshot


def map_van(tabel_id: str) -> str:
    """The snapshot dataset (folder) of a CBS table."""
    return f"cbs/{tabel_id}"


def ophaal_hint(tabel_id: str, kwb_jaar: int | None = None) -> str:
    """How a user fetches a table that is not in the snapshot (see ``nplv-monitor ophalen``)."""
    argument = f"--kwb {kwb_jaar}" if kwb_jaar is not None else f"--tabel {tabel_id}"
    return (
        f"Haal hem op met `NPLV_ONLINE=1 nplv-monitor ophalen {argument}` "
        "(dat schrijft de tabel in het snapshot en werkt het manifest bij)."
    )


def strip_opvulling(df: pl.DataFrame) -> pl.DataFrame:
    """Strip CBS padding from every text column; a value that was only padding becomes null."""
    tekst = [c for c, t in df.schema.items() if t == pl.String]
    if not tekst:
        return df
    return df.with_columns([pl.col(c).str.strip_chars().replace("", None).alias(c) for c in tekst])


def _int64(df: pl.DataFrame) -> pl.DataFrame:
    # Some Parquet copies store counts as Int32; the schemas say Int64 (pandera's `int`). Widening
    # cannot change a value, and one integer type keeps the KWB years comparable.
    smal = [
        c
        for c, t in df.schema.items()
        if t in (pl.Int8, pl.Int16, pl.Int32, pl.UInt8, pl.UInt16, pl.UInt32)
    ]
    return df.with_columns([pl.col(c).cast(pl.Int64) for c in smal]) if smal else df


@dataclass(frozen=True)
class CbsTabel:
    """Verified reading of one CBS table in the snapshot."""

    snapshot: Snapshot
    tabel_id: str
    kwb_jaar: int | None = None

    def bestand(self, entiteit: str) -> str:
        return f"{map_van(self.tabel_id)}/{entiteit}"

    def _vereis(self, rel: str) -> None:
        if not self.snapshot.heeft(rel):
            wat = (
                f"Kerncijfers wijken en buurten {self.kwb_jaar} (CBS-tabel {self.tabel_id})"
                if self.kwb_jaar is not None
                else f"CBS-tabel {self.tabel_id}"
            )
            raise NietInSnapshot(
                f"{wat} staat niet in het snapshot ({rel} ontbreekt in "
                f"{self.snapshot.manifest_pad}). {ophaal_hint(self.tabel_id, self.kwb_jaar)}"
            )

    def heeft(self, entiteit: str) -> bool:
        return self.snapshot.heeft(self.bestand(entiteit))

    def entiteit(self, naam: str) -> pl.DataFrame:
        """An OData entity set (``TypedDataSet``, ``DataProperties``, a dimension), stripped."""
        rel = self.bestand(f"{naam}.parquet")
        self._vereis(rel)
        return _int64(strip_opvulling(self.snapshot.parquet(rel)))

    def data(self) -> pl.DataFrame:
        return self.entiteit("TypedDataSet")

    def dataproperties(self) -> pl.DataFrame:
        return self.entiteit("DataProperties")

    def dimensie(self, naam: str) -> pl.DataFrame:
        return self.entiteit(naam)

    def tabelinfo(self) -> dict[str, Any]:
        """TableInfos (title, Modified, Period, RecordCount, ...); {} if the copy has none."""
        rel = self.bestand("TableInfos.json")
        if not self.snapshot.heeft(rel):
            self._vereis(self.bestand("TypedDataSet.parquet"))
            return {}
        info = self.snapshot.json(rel)
        return dict(info[0] if isinstance(info, list) else info)

    def hashes(self) -> dict[str, str]:
        return self.snapshot.hashes(map_van(self.tabel_id))

    def opmerkingen(self) -> list[str]:
        """Notes the manifest keeps on the data file (e.g. that it was truncated)."""
        rel = self.bestand("TypedDataSet.parquet")
        return list(self.snapshot.entry(rel).opmerkingen) if self.snapshot.heeft(rel) else []


# -- which KWB years exist -----------------------------------------------------------------


def kwb_in_snapshot(snapshot: Snapshot) -> dict[int, str]:
    """KWB year → CBS table id for every registered KWB year whose data is in the snapshot."""
    uit = {j: register.kwb_tabel_id(j) for j in register.kwb_jaren()}
    return {j: t for j, t in uit.items() if snapshot.heeft(f"{map_van(t)}/TypedDataSet.parquet")}


def kwb_tabellen(snapshot: Snapshot, *, online: bool) -> dict[int, str]:
    """KWB year → table id: every registry year when online, else the years in the snapshot."""
    if online:
        return {j: register.kwb_tabel_id(j) for j in register.kwb_jaren()}
    return kwb_in_snapshot(snapshot)


def kwb_tabel(snapshot: Snapshot, jaar: int) -> CbsTabel:
    """The snapshot's KWB table of ``jaar``; NietInSnapshot saying how to fetch it if absent."""
    aanwezig = kwb_in_snapshot(snapshot)
    if jaar in aanwezig:
        return CbsTabel(snapshot, aanwezig[jaar], kwb_jaar=jaar)
    try:
        wat = f"CBS-tabel {register.kwb_tabel_id(jaar)}"
    except BronFout:
        wat = f"geen tabel in het bronnenregister {register.register_pad()}"
    raise NietInSnapshot(
        f"Kerncijfers wijken en buurten {jaar} ({wat}) staat niet in het snapshot {snapshot.map}; "
        f"wel aanwezig: {', '.join(str(j) for j in aanwezig) or 'geen'}. {ophaal_hint('', jaar)}"
    )


def cbs_tabellen_in_snapshot(snapshot: Snapshot) -> list[str]:
    """Every CBS table id that has a data set or metadata in the snapshot."""
    ids = {
        rel.split("/")[1]
        for rel in snapshot.manifest()
        if rel.startswith("cbs/") and rel.count("/") == 2
    }
    return sorted(ids)


# -- tables over all CBS tables in the snapshot ------------------------------------------------

#: The DataProperties columns kept in bron.cbs_dataproperties ("odata.type" is OData plumbing).
DATAPROPERTIES_KOLOMMEN: dict[str, pl.DataType] = {
    "ID": pl.Int64(),
    "Position": pl.Int64(),
    "ParentID": pl.Int64(),
    "Type": pl.String(),
    "Key": pl.String(),
    "Title": pl.String(),
    "Description": pl.String(),
    "MapYear": pl.Int64(),
    "ReleasePolicy": pl.String(),
    "Datatype": pl.String(),
    "Unit": pl.String(),
    "Decimals": pl.Int64(),
    "Default": pl.String(),
    "PresentationType": pl.String(),
}

#: The ODataApi returns at most this many rows per query: a result of exactly this size is cut off.
ODATA_RIJLIMIET = 10_000


def dataproperties(snapshot: Snapshot) -> pl.DataFrame:
    """DataProperties of every CBS table *and release* in the snapshot, with ``tabel_id`` and
    ``release`` (the release's Modified date). Besides ``cbs/<id>/DataProperties.parquet`` (the
    release of the data file) the snapshot may keep earlier releases of a table under
    ``cbs/<id>/release_<datum>/``: CBS renumbers keys between releases, so each is kept apart."""
    delen = []
    gezien: set[tuple[str, str | None]] = set()
    # The table's own folder first: when an online fetch brings a release that is also kept under
    # release_<datum>/, that release is one release, listed once.
    volgorde = sorted(snapshot.manifest().items(), key=lambda kv: (kv[0].count("/"), kv[0]))
    for rel, entry in volgorde:
        deel = rel.split("/")
        if deel[0] != "cbs" or deel[-1] != "DataProperties.parquet" or len(deel) not in (3, 4):
            continue
        if (deel[1], entry.cbs_modified) in gezien:
            continue
        gezien.add((deel[1], entry.cbs_modified))
        df = _int64(strip_opvulling(snapshot.parquet(rel)))
        delen.append(
            df.select(
                pl.lit(deel[1]).alias("tabel_id"),
                pl.lit(entry.cbs_modified, pl.String).alias("release"),
                *[
                    (pl.col(k) if k in df.columns else pl.lit(None)).cast(t).alias(k)
                    for k, t in DATAPROPERTIES_KOLOMMEN.items()
                ],
            )
        )
    return pl.concat(delen, how="vertical")


def _registertitel(tabel_id: str) -> str | None:
    # A copy without TableInfos (the 2017 v4 metadata) still gets the registry's title.
    try:
        return register.tabel(tabel_id).titel
    except BronFout:
        return None


def tabellen(snapshot: Snapshot) -> pl.DataFrame:
    """One row per CBS table in the snapshot: title, Modified, period, row counts, hashes.

    ``afgekapt`` marks a data set of exactly 10,000 rows (the ODataApi cap) or fewer rows than
    the table's RecordCount — such a table is kept, but every user of it must know.
    """
    kwb = {t: j for j, t in kwb_in_snapshot(snapshot).items()}
    rijen = []
    for tabel_id in cbs_tabellen_in_snapshot(snapshot):
        tabel = CbsTabel(snapshot, tabel_id)
        info = tabel.tabelinfo() if tabel.heeft("TableInfos.json") else {}
        data_rel = tabel.bestand("TypedDataSet.parquet")
        data = snapshot.entry(data_rel) if snapshot.heeft(data_rel) else None
        n_snapshot = data.rijen if data else None
        n_cbs = info.get("RecordCount")
        afgekapt = n_snapshot is not None and (
            n_snapshot == ODATA_RIJLIMIET or (n_cbs is not None and n_snapshot < int(n_cbs))
        )
        eerste = next(iter(snapshot.bestanden(map_van(tabel_id))))
        rijen.append(
            {
                "tabel_id": tabel_id,
                "titel": info.get("Title")
                or _registertitel(tabel_id)
                or (data.omschrijving if data else None),
                "modified": info.get("Modified"),
                "periode": info.get("Period"),
                "catalogus": info.get("Catalog"),
                "kwb_jaar": kwb.get(tabel_id),
                "rijen_volgens_cbs": int(n_cbs) if n_cbs is not None else None,
                "rijen_in_snapshot": n_snapshot,
                "afgekapt": afgekapt,
                "uitgever": eerste.uitgever,
                "bron": data.bron if data else eerste.bron,
                "opmerkingen": " ".join(data.opmerkingen) if data and data.opmerkingen else None,
                "sha256": json.dumps(tabel.hashes(), sort_keys=True),
            }
        )
    return pl.DataFrame(
        rijen,
        schema={
            "tabel_id": pl.String,
            "titel": pl.String,
            "modified": pl.String,
            "periode": pl.String,
            "catalogus": pl.String,
            "kwb_jaar": pl.Int64,
            "rijen_volgens_cbs": pl.Int64,
            "rijen_in_snapshot": pl.Int64,
            "afgekapt": pl.Boolean,
            "uitgever": pl.String,
            "bron": pl.String,
            "opmerkingen": pl.String,
            "sha256": pl.String,
        },
    ).with_columns(pl.col("modified").str.to_datetime(strict=True))
