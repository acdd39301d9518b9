"""Fetch a CBS table online into the snapshot: ``ververs_tabel``.

The table lands in the snapshot's own on-disk format (see ``importeer_gedeeld.py``):
``cbs/<id>/TableInfos.json``, ``DataProperties.parquet``, ``TypedDataSet.parquet`` and one Parquet
file per other entity set (dimensions such as ``WijkenEnBuurten``, ``CategoryGroups``), plus
manifest entries with the table's ``Modified`` date.

What it guarantees (see docs/online.md):
- typed values (the ``TypedDataSet``, cast by the table's own DataProperties: Long -> Int64,
  Double/Float -> Float64), and dimension *keys* kept: we read the entity sets through
  ``cbsodata.get_meta``, which, unlike ``get_data``, does not replace keys by titles;
- strings stored exactly as CBS sends them, padding included (``"GM0363    "``), like the shipped
  snapshot; the offline loader strips;
- skipped (no data download) when ``TableInfos.Modified`` equals the manifest's ``cbs_modified`` and
  the snapshot already holds a complete ``TypedDataSet``;
- a truncated result is refused (exactly 10,000 rows, or fewer rows than ``RecordCount``/``$count``)
  with BronFout and nothing written;
- written all-or-nothing, manifest last (``online_schrijven.installeer``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from nplv_monitor.bronnen import register
from nplv_monitor.bronnen.cbs_online import (
    STANDAARD_POGINGEN,
    STANDAARD_TIMEOUT_S,
    STANDAARD_WACHT_S,
    CbsVerbinding,
)
from nplv_monitor.bronnen.online_schrijven import installeer, manifestregel, werkmap
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.errors import BronFout, SnapshotFout

#: The ODataApi returns at most this many rows per query; a result of exactly this size is cut off.
ODATA_API_LIMIET = 10_000
CC_BY = "CC BY 4.0 (Bron: CBS)"
_GEEN_DIMENSIE = {"TableInfos", "TypedDataSet", "UntypedDataSet", "DataProperties"}
_DATATYPE: dict[str, pl.DataType] = {
    "Long": pl.Int64(),
    "Integer": pl.Int64(),
    "Short": pl.Int64(),
    "Double": pl.Float64(),
    "Float": pl.Float64(),
    "Decimal": pl.Float64(),
    "String": pl.String(),
}
_UITGEVER = {"opendata.cbs.nl": "CBS", "dataderden.cbs.nl": "Politie, via CBS (dataderden)"}


@dataclass(frozen=True)
class VerversResultaat:
    """What ``ververs_tabel`` did."""

    tabel_id: str
    catalogus: str
    status: str  # "bijgewerkt" or "overgeslagen"
    modified: str | None  # TableInfos.Modified online
    vorige_modified: str | None  # cbs_modified in the manifest before the call
    rijen: int | None = None  # rows of the new TypedDataSet (None when skipped)
    bestanden: list[str] = field(default_factory=list)  # snapshot paths written
    reden: str = ""

    def samenvatting(self) -> str:
        if self.status == "overgeslagen":
            return f"{self.tabel_id}: overgeslagen — {self.reden}"
        rijen = f"{self.rijen or 0:,}".replace(",", ".")
        return (
            f"{self.tabel_id}: bijgewerkt ({rijen} rijen, Modified {self.modified}, "
            f"{len(self.bestanden)} bestanden)"
        )


def _manifest_modified(snapshot: Snapshot, tabel_id: str) -> str | None:
    rel = f"cbs/{tabel_id}/TableInfos.json"
    return snapshot.entry(rel).cbs_modified if snapshot.heeft(rel) else None


def _volledig_in_snapshot(snapshot: Snapshot, tabel_id: str, verwacht: int | None) -> bool:
    """True if the snapshot holds an intact TypedDataSet that is not a truncated download."""
    rel = f"cbs/{tabel_id}/TypedDataSet.parquet"
    if not snapshot.heeft(rel):
        return False
    rijen = snapshot.entry(rel).rijen
    if rijen is None or rijen == ODATA_API_LIMIET or (verwacht is not None and rijen < verwacht):
        return False
    try:
        snapshot.pad(rel)  # present and matching its hash; otherwise fetch it again
    except SnapshotFout:
        return False
    return True


def _frame(rijen: list[dict[str, Any]], types: dict[str, pl.DataType], wat: str) -> pl.DataFrame:
    if not rijen:
        return pl.DataFrame()
    try:
        # Strict: a value that does not fit its declared type is an error, never a silent null.
        df = pl.from_dicts(
            rijen,
            schema_overrides={k: t for k, t in types.items() if k in rijen[0]},
            infer_schema_length=None,
        )
    except (pl.exceptions.PolarsError, TypeError, ValueError) as exc:
        raise BronFout(f"{wat}: de rijen van CBS passen niet in een tabel: {exc}") from exc
    # A column that is empty everywhere has no type in JSON; text is what CBS means by it.
    return df.with_columns(
        [pl.col(k).cast(pl.String) for k, t in df.schema.items() if t == pl.Null]
    )


def _typen_dataset(props: list[dict[str, Any]]) -> dict[str, pl.DataType]:
    types: dict[str, pl.DataType] = {"ID": pl.Int64()}
    for p in props:
        sleutel, soort = p.get("Key"), p.get("Type")
        if not sleutel:
            continue
        if soort == "Topic":
            types[sleutel] = _DATATYPE.get(str(p.get("Datatype")), pl.String())
        elif soort in {"Dimension", "GeoDimension", "GeoDetail", "TimeDimension"}:
            types[sleutel] = pl.String()
    return types


def _controleer_volledig(tabel_id: str, n: int, verwacht: int | None, url: str) -> None:
    if n == ODATA_API_LIMIET:
        raise BronFout(
            f"{tabel_id}: de TypedDataSet ({url}) heeft precies {ODATA_API_LIMIET:,} rijen — de "
            "limiet van de ODataApi, dus vrijwel zeker afgekapt. Niets geschreven; haal de tabel "
            "via de ODataFeed (paginering met odata.nextLink) op."
        )
    if verwacht is not None and n < verwacht:
        raise BronFout(
            f"{tabel_id}: de TypedDataSet ({url}) heeft {n:,} rijen, maar de tabel heeft er "
            f"{verwacht:,} (RecordCount/$count). Afgekapte download geweigerd; niets geschreven."
        )


def ververs_tabel(
    tabel_id: str,
    snapshot: Snapshot,
    *,
    catalogus: str | None = None,
    timeout_s: float = STANDAARD_TIMEOUT_S,
    pogingen: int = STANDAARD_POGINGEN,
    basis_url: str | None = None,
    wacht_s: float = STANDAARD_WACHT_S,
    forceer: bool = False,
) -> VerversResultaat:
    """Fetch CBS table ``tabel_id`` online into ``snapshot`` (skip if unchanged).

    ``catalogus`` defaults to the register's (``opendata.cbs.nl`` / ``dataderden.cbs.nl``);
    ``basis_url`` (or env ``NPLV_CBS_BASIS_URL``) points at a mirror, e.g.
    ``http://127.0.0.1:8080/{catalogus}``. ``forceer`` fetches even when ``Modified`` is unchanged.
    Raises BronFout (nothing written) on network failure after the retries, a non-JSON or non-OData
    answer, a missing TypedDataSet or a truncated result.
    """
    catalogus = catalogus or register.tabel(tabel_id).catalogus
    cbs = CbsVerbinding(
        catalogus, basis_url=basis_url, timeout_s=timeout_s, pogingen=pogingen, wacht_s=wacht_s
    )
    infos = cbs.entiteit(tabel_id, "TableInfos")
    if len(infos) != 1:
        raise BronFout(
            f"{tabel_id}: TableInfos ({cbs.log.laatste}) heeft {len(infos)} rijen, verwacht 1."
        )
    info = infos[0]
    modified = info.get("Modified")
    vorige = _manifest_modified(snapshot, tabel_id)
    record_count = info.get("RecordCount")
    verwacht = int(record_count) if isinstance(record_count, int) else None

    if (
        not forceer
        and modified is not None
        and modified == vorige
        and _volledig_in_snapshot(snapshot, tabel_id, verwacht)
    ):
        return VerversResultaat(
            tabel_id,
            catalogus,
            "overgeslagen",
            modified,
            vorige,
            reden=f"Modified {modified} is gelijk aan het snapshot",
        )

    dienst = cbs.entiteit(tabel_id, "")
    namen = [str(d.get("name")) for d in dienst]
    if "TypedDataSet" not in namen:
        raise BronFout(
            f"{tabel_id}: het servicedocument ({cbs.tabel_url(tabel_id)}) noemt geen TypedDataSet "
            f"maar {namen}. Niets geschreven."
        )
    props = cbs.entiteit(tabel_id, "DataProperties")
    overige = {n: cbs.entiteit(tabel_id, n) for n in namen if n not in _GEEN_DIMENSIE}
    data = cbs.entiteit(tabel_id, "TypedDataSet")
    data_url = f"{cbs.tabel_url(tabel_id)}TypedDataSet"
    if verwacht is None:
        verwacht = cbs.aantal(tabel_id, "TypedDataSet")
    _controleer_volledig(tabel_id, len(data), verwacht, data_url)

    frames = {"DataProperties": _frame(props, {}, f"{tabel_id}/DataProperties")}
    frames |= {n: _frame(r, {}, f"{tabel_id}/{n}") for n, r in overige.items()}
    frames["TypedDataSet"] = _frame(data, _typen_dataset(props), f"{tabel_id}/TypedDataSet")
    _controleer_sleutels(tabel_id, modified, frames["DataProperties"], frames["TypedDataSet"])

    ds = f"cbs/{tabel_id}"
    bron_url = cbs.tabel_url(tabel_id)
    vandaag = date.today().isoformat()
    gemeen = dict(
        dataset=ds,
        uitgever=_UITGEVER.get(catalogus, f"CBS ({catalogus})"),
        licentie=CC_BY,
        opgehaald=vandaag,
        cbs_modified=modified,
    )
    with werkmap(snapshot, f"ophalen-{tabel_id}") as tmp:
        nieuw: dict[str, Path] = {}
        entries = []
        info_pad = tmp / "TableInfos.json"
        info_pad.write_text(json.dumps(info, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        nieuw[f"{ds}/TableInfos.json"] = info_pad
        entries.append(
            manifestregel(
                info_pad,
                f"{ds}/TableInfos.json",
                rijen=1,
                bron=f"CBS {catalogus} {tabel_id}, online opgehaald van {bron_url}TableInfos",
                omschrijving=f"TableInfos: {info.get('Title', tabel_id)}",
                **gemeen,
            )
        )
        for naam, df in frames.items():
            pad = tmp / f"{naam}.parquet"
            df.write_parquet(pad, compression="zstd", statistics=True)
            rel = f"{ds}/{naam}.parquet"
            nieuw[rel] = pad
            entries.append(
                manifestregel(
                    pad,
                    rel,
                    rijen=df.height,
                    bron=f"CBS {catalogus} {tabel_id}, online opgehaald van {bron_url}{naam}",
                    omschrijving=f"OData entiteit {naam} (online, sleutels zoals CBS ze stuurt)",
                    **gemeen,
                )
            )
        installeer(snapshot, nieuw, entries)
    return VerversResultaat(
        tabel_id,
        catalogus,
        "bijgewerkt",
        modified,
        vorige,
        rijen=frames["TypedDataSet"].height,
        bestanden=sorted(nieuw),
    )


def _controleer_sleutels(
    tabel_id: str, release: str | None, props: pl.DataFrame, data: pl.DataFrame
) -> None:
    """Resolve every catalogue concept in the fetched release before anything is installed: a
    release whose keys the catalogue cannot resolve (a renamed or split topic) is refused now,
    naming the concept and the candidate keys, rather than failing later in metingen."""
    # Imported here: the catalogue sits in a later stage and reads the registry itself.
    from nplv_monitor.indicatoren.catalogus import laad_catalogus
    from nplv_monitor.metingen import sleutels

    jaar = register.kwb_jaar_van(tabel_id)
    if jaar is None:
        return
    codes = {m.code for m in register.laad().metingbronnen() if m.sleutels == "cbs"}
    # Padding stripped, as the snapshot readers see it.
    dp = props.with_columns(
        [pl.col(c).str.strip_chars() for c, t in props.schema.items() if t == pl.String]
    )
    gezocht = {
        v.id: sleutels.Gezocht(v.id, v.keuze_voor(jaar), v.groep, v.bestand)
        for v in laad_catalogus().variabelen
        if v.bron in codes and v.keuze_voor(jaar)
    }
    try:
        sleutels.los_op(
            list(gezocht.values()),
            dp,
            tabel_id=tabel_id,
            release=release,
            kolommen=[c.strip() for c in data.columns],
        )
    except sleutels.SleutelFout as fout:
        raise BronFout(f"{fout} Niets geschreven.") from fout


def ververs_kwb(jaar: int, snapshot: Snapshot, **kwargs: Any) -> VerversResultaat:
    """Fetch Kerncijfers wijken en buurten of one year (table id from the register)."""
    return ververs_tabel(register.kwb_tabel_id(jaar), snapshot, **kwargs)
