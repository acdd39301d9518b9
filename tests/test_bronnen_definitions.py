"""The bronnen part of the Dagster code location: assets, group, the KWB years and the checks."""

from __future__ import annotations

import dagster as dg
import pytest

from nplv_monitor.bronnen import assets, cbs, register
from nplv_monitor.bronnen.assets import KWB_KEY
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR, SCHEMAS_DIR
from nplv_monitor.definitions import bouw_definitions
from nplv_monitor.materialisatie import CHECK_NAAM


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    return bouw_definitions()


def _bron_keys(defs: dg.Definitions) -> set[dg.AssetKey]:
    return {k for k in defs.resolve_asset_graph().get_all_asset_keys() if k.path[0] == "bron"}


def test_bron_assets_aanwezig_in_groep_bronnen(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    # One asset per registry entry (KWB: one asset for all years), plus the two catalogue tables.
    verwacht = (
        {dg.AssetKey(["bron", n]) for n in register.laad().bronnen if n != register.KWB}
        | {dg.AssetKey(["bron", "cbs_tabellen"]), dg.AssetKey(["bron", "cbs_dataproperties"])}
        | {KWB_KEY}
    )
    assert _bron_keys(defs) == verwacht
    for key in verwacht:
        node = graph.get(key)
        assert node.group_name == "bronnen"
        assert node.description, key
        assert {"duckdb", "polars"} <= set(node.kinds)


def test_kwb_is_een_asset_die_de_beschikbare_registerjaren_bouwt(
    defs: dg.Definitions, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not partitioned: every year is its own table and every reader reads all years, so one
    # asset builds the years it can read (docs/orkestratie.md).
    node = defs.resolve_asset_graph().get(KWB_KEY)
    assert node.partitions_def is None
    # Offline those are the registry years whose data is in the snapshot.
    monkeypatch.delenv("NPLV_ONLINE", raising=False)
    snap = Snapshot(DEFAULT_SNAPSHOT_DIR)
    beschikbaar = assets.beschikbare_kwb_jaren(snap)
    assert beschikbaar == sorted(cbs.kwb_in_snapshot(snap))
    assert {2020, 2024} <= set(beschikbaar) <= set(register.kwb_jaren())


def test_elke_bron_heeft_blokkerende_pandera_check_en_schema(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    checks = {k.asset_key: k for k in graph.asset_check_keys if k.name == CHECK_NAAM}
    for key in _bron_keys(defs):
        assert key in checks, key
        spec = graph.get_check_spec(checks[key])
        assert spec.blocking, key
        schema = "bron.kwb" if key == KWB_KEY else ".".join(key.path)
        assert (SCHEMAS_DIR / f"{schema}.yaml").exists(), schema
    # The side tables every bron asset writes (provenance; KWB's region dimension).
    for schema in (assets.HERKOMST, "bron.kwb_regio"):
        assert (SCHEMAS_DIR / f"{schema}.yaml").exists(), schema
