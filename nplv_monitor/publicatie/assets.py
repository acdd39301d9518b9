"""Dagster asset of group ``publicatie``: the analysts' DuckDB file, one edition per run.

The asset is made by a factory because it depends on *every* upstream asset (all stages except
rapportage), whatever the Definitions contain; definitions.py calls :func:`maak_assets`. Those deps
include every bron asset, whose rows in ``bron.herkomst`` are the edition's snapshot files.
"""

from collections.abc import Iterator, Sequence
from datetime import datetime

import dagster as dg
from dagster import AssetExecutionContext

from nplv_monitor.config import instellingen
from nplv_monitor.db import WerkDatabase
from nplv_monitor.publicatie import edities
from nplv_monitor.publicatie.publiceer import publiceer

GROEP = "publicatie"
PUBLICATIE_KEY = dg.AssetKey(["publicatie", "nplv_monitor"])
CHECK_LEESBAAR = "leesbaar_voor_duckdb_1x"
#: Run tag set by `nplv-monitor build --nieuwe-editie`: publish even when nothing changed.
TAG_NIEUWE_EDITIE = "nplv/nieuwe_editie"
#: Groups that read the published file and therefore come after it.
NA_PUBLICATIE = {"rapportage"}


class PublicatieConfig(dg.Config):
    """Het rapportagejaar van de editie; leeg = het huidige kalenderjaar."""

    rapportagejaar: int | None = None


def huidig_rapportagejaar(moment: datetime | None = None) -> int:
    """The rapportagejaar of a moment: the calendar year (the report goes out in the autumn)."""
    return (moment or datetime.now()).year


def _upstream(assets: Sequence[dg.AssetsDefinition]) -> list[dg.AssetDep]:
    deps = []
    for a in assets:
        for k in a.keys:
            if a.group_names_by_key.get(k) in NA_PUBLICATIE or PUBLICATIE_KEY in a.asset_deps.get(
                k, set()
            ):
                continue
            deps.append(dg.AssetDep(k))
    return deps


def maak_assets(upstream: Sequence[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    @dg.asset(
        key=PUBLICATIE_KEY,
        group_name=GROEP,
        deps=_upstream(upstream),
        kinds={"duckdb"},
        check_specs=[
            dg.AssetCheckSpec(
                CHECK_LEESBAAR,
                asset=PUBLICATIE_KEY,
                blocking=True,
                description="Het nieuwe bestand heeft opslagversie v1.5.0 (leesbaar voor DuckDB "
                "1.x) en elke view geeft antwoord; gecontroleerd vóór het omwisselen.",
            )
        ],
    )
    def nplv_monitor_duckdb(
        context: AssetExecutionContext, werkdb: WerkDatabase, config: PublicatieConfig
    ) -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
        """Het DuckDB-bestand voor analisten (output/nplv_monitor.duckdb): alle tabellen, views en
        beschrijvingen, plus alle eerdere edities. Wordt als nieuw bestand geschreven en atomisch
        omgewisseld; de vorige editie blijft als datumkopie in output/edities/ bewaard."""
        pub = publiceer(
            werkdb.bestand(),
            instellingen().publicatie_db,
            rapportagejaar=config.rapportagejaar or huidig_rapportagejaar(),
            run_id=context.run.run_id,
            snapshot=edities.snapshot_bestanden(werkdb.bestand()),
            alleen_bij_wijziging=context.run.tags.get(TAG_NIEUWE_EDITIE) != "1",
        )
        for regel in pub.opmerkingen:
            context.log.warning(regel)
        yield dg.AssetCheckResult(
            check_name=CHECK_LEESBAAR,
            passed=True,
            metadata={"opslagversie": pub.opslagversie, "views": ", ".join(pub.views) or "-"},
        )
        telling = pub.telling
        yield dg.MaterializeResult(
            metadata={
                "dagster/row_count": sum(pub.tabellen.values()),
                "dagster/uri": str(pub.pad),
                "pad": dg.MetadataValue.path(str(pub.pad)),
                "vintage": dg.MetadataValue.path(str(pub.vintage)),
                "editie_id": pub.editie.editie_id,
                "rapportagejaar": pub.editie.rapportagejaar,
                "ongewijzigd": pub.ongewijzigd,
                "opmerkingen": dg.MetadataValue.json(pub.opmerkingen),
                "aantal_edities": pub.aantal_edities,
                "tabellen": dg.MetadataValue.json(pub.tabellen),
                "views": dg.MetadataValue.json(pub.views),
                **{k: v for k, v in telling.items() if v is not None},
            }
        )

    return [nplv_monitor_duckdb]
