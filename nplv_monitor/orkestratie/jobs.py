"""Jobs over the asset graph, and the plan of runs that builds the whole graph.

Dagster runs one partition key of one partitions definition per run. The graph has two kinds of
partitioned assets: the KWB source tables per CBS year (bronnen) and the publication/report per
rapportagejaar. The graph is therefore built in several runs, in dependency order:

1. one run per partition key of every *other* partitions definition (e.g. KWB 2020, KWB 2024), each
   selecting only the assets of that definition;
2. one main run for the rapportagejaar, selecting every unpartitioned asset plus the
   rapportagejaar-partitioned ones (Dagster allows unpartitioned assets next to one partitions
   definition in a run).

The plan is derived from whatever assets the Definitions contain, so stages can land freely; a
partitioned asset downstream of the main run would make the order cyclic and is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import dagster as dg

from nplv_monitor.orkestratie.partities import RAPPORTAGEJAAR

HOOFDJOB = "monitor_jaarcyclus"
#: Runs sharing the working DuckDB file carry this tag; limit it to 1 in the run queue.
WERKDB_TAG = "nplv/werkdb"


@dataclass
class Laag:
    """Assets that share a partitions definition (``None`` = the main run)."""

    partities: dg.PartitionsDefinition | None
    sleutels: list[dg.AssetKey]
    groepen: set[str]

    @property
    def job_naam(self) -> str:
        if self.partities is None:
            return HOOFDJOB
        return "_".join(sorted(self.groepen)) + "_per_partitie"


@dataclass(frozen=True)
class Run:
    job_naam: str
    sleutels: tuple[dg.AssetKey, ...]
    partitie: str | None

    @property
    def omschrijving(self) -> str:
        return self.job_naam + (f" [{self.partitie}]" if self.partitie else "")


class PlanFout(ValueError):
    """The assets in Definitions cannot be split into runs (their partitions definitions depend on
    each other in a cycle)."""


def _specs(assets: Sequence[dg.AssetsDefinition]) -> list[tuple[dg.AssetsDefinition, dg.AssetKey]]:
    return [(a, k) for a in assets for k in a.keys]


def lagen(assets: Sequence[dg.AssetsDefinition]) -> list[Laag]:
    """Group the assets by partitions definition, in dependency order of the groups."""
    gevonden: list[Laag] = []
    laag_van: dict[dg.AssetKey, int] = {}
    for a, k in _specs(assets):
        pd = a.partitions_def
        if pd is not None and pd == RAPPORTAGEJAAR:
            pd = None  # the main run carries the rapportagejaar and the unpartitioned assets
        idx = next((i for i, laag in enumerate(gevonden) if laag.partities == pd), None)
        if idx is None:
            gevonden.append(Laag(pd, [], set()))
            idx = len(gevonden) - 1
        gevonden[idx].sleutels.append(k)
        gevonden[idx].groepen.add(a.group_names_by_key.get(k, "default"))
        laag_van[k] = idx
    if not any(laag.partities is None for laag in gevonden):
        gevonden.append(Laag(None, [], set()))
    # Edges between groups; then a topological order (Kahn), refusing cycles.
    na: dict[int, set[int]] = {i: set() for i in range(len(gevonden))}
    for a, k in _specs(assets):
        for dep in a.asset_deps.get(k, set()):
            if dep in laag_van and laag_van[dep] != laag_van[k]:
                na[laag_van[dep]].add(laag_van[k])
    inkomend = {i: sum(i in s for s in na.values()) for i in na}
    klaar = sorted(
        (i for i, n in inkomend.items() if n == 0), key=lambda i: gevonden[i].partities is None
    )
    volgorde: list[int] = []
    while klaar:
        i = klaar.pop(0)
        volgorde.append(i)
        for j in sorted(na[i]):
            inkomend[j] -= 1
            if inkomend[j] == 0:
                klaar.append(j)
    if len(volgorde) != len(gevonden):
        raise PlanFout(
            "De assets kunnen niet in losse runs per partitiedefinitie worden gebouwd: de "
            "afhankelijkheden tussen de partitiedefinities zijn cyclisch."
        )
    return [gevonden[i] for i in volgorde]


def plan(assets: Sequence[dg.AssetsDefinition], rapportagejaar: int) -> list[Run]:
    """The runs that build the whole graph for ``rapportagejaar``, in order."""
    runs: list[Run] = []
    for laag in lagen(assets):
        if laag.partities is None:
            runs.append(Run(laag.job_naam, tuple(laag.sleutels), str(rapportagejaar)))
        else:
            for p in laag.partities.get_partition_keys():
                runs.append(Run(laag.job_naam, tuple(laag.sleutels), p))
    return runs


def maak_jobs(assets: Sequence[dg.AssetsDefinition]) -> list[dg.UnresolvedAssetJobDefinition]:
    """One asset job per layer (the main one is partitioned by rapportagejaar)."""
    jobs = []
    for laag in lagen(assets):
        if not laag.sleutels:
            continue
        omschrijving = (
            "De jaarcyclus: alle niet-gepartitioneerde assets plus publicatie en rapportage "
            "voor één rapportagejaar (partitie)."
            if laag.partities is None
            else f"De assets met partities per jaar ({', '.join(sorted(laag.groepen))}); "
            "één run per partitie, vóór de jaarcyclus."
        )
        jobs.append(
            dg.define_asset_job(
                laag.job_naam,
                selection=dg.AssetSelection.assets(*laag.sleutels),
                description=omschrijving,
                tags={WERKDB_TAG: "1"},
            )
        )
    return jobs
