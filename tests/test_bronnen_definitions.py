"""The bronnen part of the Dagster code location: assets, group, partitions and the checks."""

from __future__ import annotations

import dagster as dg

from nplv_monitor.bronnen import cbs
from nplv_monitor.bronnen.assets import BRONNEN, KWB_KEY
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR, SCHEMAS_DIR
from nplv_monitor.definitions import bouw_definitions

defs = bouw_definitions()
from nplv_monitor.materialisatie import CHECK_NAAM


def _bron_keys() -> set[dg.AssetKey]:
    return {k for k in defs.resolve_asset_graph().get_all_asset_keys() if k.path[0] == "bron"}


def test_bron_assets_aanwezig_in_groep_bronnen() -> None:
    graph = defs.resolve_asset_graph()
    verwacht = {dg.AssetKey(["bron", b.tabel]) for b in BRONNEN} | {KWB_KEY}
    assert _bron_keys() == verwacht
    for key in verwacht:
        node = graph.get(key)
        assert node.group_name == "bronnen"
        assert node.description, key
        assert {"duckdb", "polars"} <= set(node.kinds)


def test_kwb_partities_zijn_de_jaren_in_het_snapshot() -> None:
    node = defs.resolve_asset_graph().get(KWB_KEY)
    assert node.partitions_def is not None
    sleutels = node.partitions_def.get_partition_keys()
    assert sleutels == [str(j) for j in cbs.kwb_in_snapshot(Snapshot(DEFAULT_SNAPSHOT_DIR))]
    assert {"2020", "2024"} <= set(sleutels)


def test_elke_bron_heeft_blokkerende_pandera_check_en_schema() -> None:
    graph = defs.resolve_asset_graph()
    checks = {k.asset_key: k for k in graph.asset_check_keys if k.name == CHECK_NAAM}
    for key in _bron_keys():
        assert key in checks, key
        spec = graph.get_check_spec(checks[key])
        assert spec.blocking, key
        schema = "bron.kwb" if key == KWB_KEY else ".".join(key.path)
        assert (SCHEMAS_DIR / f"{schema}.yaml").exists(), schema
