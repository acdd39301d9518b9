"""Which assets a build redoes: those Dagster calls stale or missing, and everything downstream.

1. The sources are observed (versies.py: sha256 of the snapshot files and drop folders); a data
   version that differs from the instance's last observation is recorded as an observation of
   that source asset (runless: no run of its own).
2. Dagster's stale-status resolver compares, per asset, the code version and the inputs' data
   versions with those recorded at its last materialization: MISSING (never built), STALE (code
   or an input changed) or FRESH.
3. Besides that, an asset is redone when what its last materialization produced is gone (its
   table in the working DuckDB file, the published file, the report), and the publication when
   another rapportagejaar is asked for or ``--nieuwe-editie`` is given.
4. The run contains those assets and everything downstream of them (a redone asset's new data
   version makes its dependants stale; they run in the same run).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster._core.asset_graph_view.asset_graph_view import AssetGraphView, TemporalContext
from dagster._core.definitions.data_version import (
    DATA_VERSION_TAG,
    CachingStaleStatusResolver,
    StaleStatus,
    extract_data_version_from_entry,
)
from dagster._time import get_current_datetime

from nplv_monitor.bronnen.assets import KWB_KEY
from nplv_monitor.config import instellingen
from nplv_monitor.orkestratie import versies
from nplv_monitor.publicatie.assets import PUBLICATIE_KEY

#: Metadata of a materialization naming a file it wrote (publication, report).
BESTANDSMETADATA = ("pad", "werkboek")


@dataclass
class Keuze:
    """What a build does: the assets to run, why (the root causes), and what it skips."""

    te_bouwen: set[dg.AssetKey] = field(default_factory=set)
    redenen: dict[dg.AssetKey, str] = field(default_factory=dict)
    actueel: set[dg.AssetKey] = field(default_factory=set)
    gewijzigde_bronnen: list[dg.AssetKey] = field(default_factory=list)


def neem_bronnen_waar(instance: dg.DagsterInstance, graaf: Any) -> list[dg.AssetKey]:
    """Observe every observable source; record (runless) and return those whose data version
    changed since the instance last saw them."""
    gewijzigd = []
    for key in sorted(graaf.observable_asset_keys, key=lambda k: k.to_string()):
        versie = versies.data_versie(key)
        record = instance.get_latest_data_version_record(key, is_source=True)
        vorige = extract_data_version_from_entry(record.event_log_entry) if record else None
        if vorige is not None and vorige.value == versie:
            continue
        instance.report_runless_asset_event(
            dg.AssetObservation(asset_key=key, tags={DATA_VERSION_TAG: versie})
        )
        gewijzigd.append(key)
    return gewijzigd


def _werktabellen(werk_db: Path) -> set[str] | None:
    if not werk_db.exists():
        return None
    with duckdb.connect(str(werk_db), read_only=True) as con:
        return {
            f"{s}.{t}"
            for s, t in con.sql("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()
        }


def _weg(metadata: dict[str, Any], tabellen: set[str] | None) -> str | None:
    """What of a materialization's output is gone, if anything."""
    namen = str(_waarde(metadata.get("dagster/table_name")) or "")
    for tabel in (t.strip() for t in namen.split(",") if t.strip()):
        if tabellen is None or tabel not in tabellen:
            return f"tabel {tabel} staat niet in het werkbestand"
    for sleutel in BESTANDSMETADATA:
        pad = _waarde(metadata.get(sleutel))
        if isinstance(pad, str) and pad and not Path(pad).exists():
            return f"{pad} bestaat niet meer"
    return None


def _waarde(m: Any) -> Any:
    return getattr(m, "value", m)


def _oorzaak(resolver: CachingStaleStatusResolver, key: dg.AssetKey) -> str:
    oorzaken = resolver.get_stale_root_causes(key) or resolver.get_stale_causes(key)
    if not oorzaken:
        return "verouderd"
    o = oorzaken[0]
    return f"{o.asset_key.to_user_string()} {o.reason}"


def bepaal(
    instance: dg.DagsterInstance,
    graaf: Any,
    *,
    rapportagejaar: int,
    nieuwe_editie: bool = False,
) -> Keuze:
    """The assets a build for ``rapportagejaar`` must run (sources already observed)."""
    resolver = CachingStaleStatusResolver(
        instance=instance,
        asset_graph=graaf,
        loading_context=AssetGraphView(
            temporal_context=TemporalContext(
                effective_dt=get_current_datetime(), last_event_id=None
            ),
            instance=instance,
            asset_graph=graaf,
        ),
    )
    # One query for every asset's record (latest materialization, data version) instead of one
    # per asset and dependency: the resolver and the checks below read them from its cache.
    queryer = resolver.instance_queryer
    queryer.prefetch_asset_records(graaf.get_all_asset_keys())
    tabellen = _werktabellen(instellingen().werk_db)
    keuze = Keuze()
    alle = set(graaf.materializable_asset_keys)
    for key in sorted(alle, key=lambda k: k.to_string()):
        status = resolver.get_status(key)
        if status == StaleStatus.MISSING:
            keuze.redenen[key] = "nog nooit gebouwd in deze instance"
            continue
        if status == StaleStatus.STALE:
            keuze.redenen[key] = _oorzaak(resolver, key)
            continue
        record = queryer.get_asset_record(key)
        event = record.asset_entry.last_materialization if record else None
        meta = (
            dict(event.asset_materialization.metadata)
            if event and event.asset_materialization
            else {}
        )
        weg = _weg(meta, tabellen)
        if weg:
            keuze.redenen[key] = weg
        elif key == PUBLICATIE_KEY:
            vorig = _waarde(meta.get("rapportagejaar"))
            if nieuwe_editie:
                keuze.redenen[key] = "--nieuwe-editie"
            elif vorig != rapportagejaar:
                keuze.redenen[key] = f"rapportagejaar {rapportagejaar} (vorige editie: {vorig})"
        elif key == KWB_KEY and instellingen().online:
            # Online the asset itself asks CBS whether a table changed (Modified) and refreshes
            # the snapshot; that cannot be observed beforehand without the same requests.
            keuze.redenen[key] = "online: bij CBS nagevraagd"
    if keuze.redenen:
        keuze.te_bouwen = (
            set(dg.AssetSelection.assets(*keuze.redenen).downstream().resolve(graaf)) & alle
        )
    keuze.actueel = alle - keuze.te_bouwen
    return keuze


def beschrijf(keuze: Keuze, limiet: int = 8) -> Iterable[str]:
    """Lines for the progress display: why the build redoes what it redoes."""
    for key, reden in list(keuze.redenen.items())[:limiet]:
        yield f"  · {key.to_user_string()}: {reden}"
    if len(keuze.redenen) > limiet:
        yield f"  · … en {len(keuze.redenen) - limiet} andere"
