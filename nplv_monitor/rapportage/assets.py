"""Dagster asset of group ``rapportage``: the voortgangsrapportage annex, from the published file."""

from __future__ import annotations

import dagster as dg

from nplv_monitor.config import instellingen
from nplv_monitor.publicatie.assets import PUBLICATIE_KEY
from nplv_monitor.rapportage.maak import maak, rapport_map

GROEP = "rapportage"


@dg.asset(
    key=["rapportage", "voortgangsrapportage"],
    group_name=GROEP,
    # The report reads the one published file, which holds the newest edition.
    deps=[dg.AssetDep(PUBLICATIE_KEY, partition_mapping=dg.LastPartitionMapping())],
    kinds={"excel", "html"},
)
def voortgangsrapportage(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """Bijlage bij de voortgangsrapportage: een Excel-werkboek en zelfstandige HTML-rapporten
    (overzicht per editie en één per focusgebied) met grafieken en kaart, rechtstreeks uit het
    gepubliceerde DuckDB-bestand; er wordt niets herberekend."""
    inst = instellingen()
    res = maak(inst.publicatie_db, rapport_map(inst.output_dir))
    context.log.info(f"{len(res.html)} HTML-rapporten en werkboek {res.werkboek}")
    return dg.MaterializeResult(
        metadata={
            "editie": res.editie,
            "werkboek": dg.MetadataValue.path(str(res.werkboek)),
            "html_rapporten": len(res.html),
            "map": dg.MetadataValue.path(str(rapport_map(inst.output_dir))),
        }
    )
