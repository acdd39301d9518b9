"""Dagster asset of group ``rapportage``: the voortgangsrapportage annex, from the published file."""

import dagster as dg
from dagster import AssetExecutionContext

from nplv_monitor.config import instellingen
from nplv_monitor.publicatie.assets import PUBLICATIE_KEY
from nplv_monitor.rapportage.gegevens import KAART_TABELLEN
from nplv_monitor.rapportage.maak import NIEUWSTE, editie_map, maak, rapport_map

GROEP = "rapportage"
RAPPORT_KEY = dg.AssetKey(["rapportage", "voortgangsrapportage"])


@dg.asset(
    key=RAPPORT_KEY,
    group_name=GROEP,
    # The map's bron tables are read from the published file, but declared here too so the UI
    # shows which sources the report draws on directly (keys are [schema, table]).
    deps=[PUBLICATIE_KEY, *(dg.AssetKey(t.split(".")) for t in KAART_TABELLEN)],
    kinds={"excel", "html"},
)
def voortgangsrapportage(context: AssetExecutionContext) -> dg.MaterializeResult:
    """Bijlage bij de voortgangsrapportage: een Excel-werkboek en zelfstandige HTML-rapporten
    (overzicht per editie en één per focusgebied) met grafieken en kaart, rechtstreeks uit het
    gepubliceerde DuckDB-bestand; er wordt niets herberekend."""
    inst = instellingen()
    res = maak(inst.publicatie_db)
    context.log.info(f"editie {res.editie}: werkboek en {len(res.html)} HTML-rapporten")
    return dg.MaterializeResult(
        metadata={
            "editie": res.editie,
            "werkboek": dg.MetadataValue.path(str(res.werkboek)),
            "overzicht": dg.MetadataValue.path(str(res.html[0])),
            "html_rapporten": len(res.html),
            "map": dg.MetadataValue.path(str(editie_map(res.editie, inst.output_dir))),
            "nieuwste": dg.MetadataValue.path(str(rapport_map(inst.output_dir) / NIEUWSTE)),
        }
    )
