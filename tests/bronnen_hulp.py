"""Test helpers for bad-input tests: a partial copy of the real snapshot in tmp_path.

The bad inputs are generated from the real snapshot files (test fixtures, never shipped): a copy
of the manifest plus the folders a test needs, so NPLV_SNAPSHOT_DIR can point at it.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import polars as pl
import yaml

from nplv_monitor.bronnen.snapshot import MANIFEST_NAAM, Snapshot, sha256_bestand
from nplv_monitor.config import ASSETS_DIR, DEFAULT_SNAPSHOT_DIR
from nplv_monitor.db import WerkDatabase, verbind


def kopieer_snapshot(doel: Path, *mappen: str) -> Path:
    """Copy the manifest and the given snapshot folders (e.g. "cbs/84799NED") to ``doel``."""
    doel.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DEFAULT_SNAPSHOT_DIR / MANIFEST_NAAM, doel / MANIFEST_NAAM)
    for m in mappen:
        shutil.copytree(DEFAULT_SNAPSHOT_DIR / m, doel / m)
    return doel


def vervang_en_registreer(snapshot_map: Path, rel: str, schrijf: Callable[[Path], object]) -> None:
    """Overwrite a snapshot file (``schrijf(pad)``) and record its new hash in the manifest, so
    the test reaches the check behind the hash check."""
    pad = snapshot_map / rel
    schrijf(pad)
    snap = Snapshot(snapshot_map)
    entry = dataclasses.replace(snap.entry(rel), sha256=sha256_bestand(pad))
    snap.werk_manifest_bij([entry])


def herschrijf_parquet(
    snapshot_map: Path, rel: str, wijzig: Callable[[pl.DataFrame], pl.DataFrame]
) -> None:
    """Read a Parquet file of the snapshot, change it with ``wijzig(df)`` and register it."""
    df = pl.read_parquet(snapshot_map / rel)
    vervang_en_registreer(snapshot_map, rel, wijzig(df).write_parquet)


def materialiseer(
    asset: dg.AssetsDefinition, werkdb: Path, partition: str | None = None
) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [asset],
        partition_key=partition,
        resources={"werkdb": WerkDatabase(pad=str(werkdb))},
        raise_on_error=False,
    )


def tabel_of_niets(werkdb: Path, tabel: str) -> pl.DataFrame | None:
    """The table's content (ordered), or None if it does not exist."""
    if not werkdb.exists():
        return None
    with verbind(werkdb, read_only=True) as con:
        try:
            return con.sql(f"select * from {tabel}").pl()
        except duckdb.CatalogException:
            return None


def check_evaluaties(resultaat: dg.ExecuteInProcessResult) -> list[dg.AssetCheckEvaluation]:
    return list(resultaat.get_asset_check_evaluations())


def bron_asset(key: dg.AssetKey | str) -> dg.AssetsDefinition:
    """The asset with this key among the bronnen assets built from the registry
    (``maak_assets()``); a string is the table name (``"leefbaarometer_wijk"`` → bron/...)."""
    from nplv_monitor.bronnen.assets import maak_assets

    sleutel = dg.AssetKey(["bron", key]) if isinstance(key, str) else key
    for asset in maak_assets():
        if sleutel in asset.keys:
            return asset
    raise KeyError(f"Geen bronnen-asset met sleutel {sleutel.to_user_string()}")


def registerkopie(
    doel: Path, *, houd: set[int] | None = None, extra: dict[int, str] | None = None
) -> Path:
    """A copy of assets/bronnen.yaml whose KWB block keeps the years ``houd`` (all if None) and
    gains the lines ``extra`` (``<jaar>: <tabel_id>``)."""
    ruw: Any = yaml.safe_load((ASSETS_DIR / "bronnen.yaml").read_text(encoding="utf-8"))
    bronnen = ruw["bronnen"]
    kwb = bronnen["kwb"] if "kwb" in bronnen else bronnen["cbs_kwb"]
    tabellen = kwb["tabellen"]
    if houd is not None:
        kwb["tabellen"] = tabellen = {j: t for j, t in tabellen.items() if int(j) in houd}
    tabellen.update(extra or {})
    doel.write_text(yaml.safe_dump(ruw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return doel
