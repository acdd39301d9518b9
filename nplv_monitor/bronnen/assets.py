"""Dagster assets of group ``bronnen``: one per external source, validated before writing.

Every asset reads its files from the verified snapshot, validates the raw table against
``schemas/bron.<tabel>.yaml`` and writes it to ``bron.<tabel>`` in one transaction. A file that
cannot be read (changed hash, missing, wrong layout) or a table that fails its schema is reported
as the failed blocking check, and nothing is written.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import dagster as dg
import polars as pl
from dagster import AssetExecutionContext

from nplv_monitor import materialisatie
from nplv_monitor.bronnen import cbs, cbs_client, leefbaarometer, overige, register
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.config import instellingen
from nplv_monitor.db import WerkDatabase
from nplv_monitor.errors import NplvFout

GROEP = "bronnen"
KINDS = {"duckdb", "polars"}

Resultaat = dg.AssetCheckResult | dg.MaterializeResult


def _herkomst(snapshot: Snapshot, bestanden: list[str]) -> dict[str, object]:
    """Provenance metadata: sha256, source, publisher and licence of the files read."""
    entries = [snapshot.entry(b) for b in bestanden]
    opmerkingen = [o for e in entries for o in e.opmerkingen]
    meta: dict[str, object] = {
        "sha256": dg.MetadataValue.json({e.pad: e.sha256 for e in entries}),
        "bron": dg.MetadataValue.text(" | ".join(dict.fromkeys(e.bron for e in entries))),
        "uitgever": dg.MetadataValue.text(" | ".join(dict.fromkeys(e.uitgever for e in entries))),
        "licentie": dg.MetadataValue.text(" | ".join(dict.fromkeys(e.licentie for e in entries))),
        "opgehaald": dg.MetadataValue.text(max(e.opgehaald for e in entries)),
        "snapshot": dg.MetadataValue.path(str(snapshot.map)),
    }
    if opmerkingen:
        meta["opmerkingen"] = dg.MetadataValue.md("\n".join(f"- {o}" for o in opmerkingen))
    return meta


def _leesfout(asset_key: dg.AssetKey, fout: NplvFout) -> dg.AssetCheckResult:
    # A source that cannot even be read fails the same blocking check as one that fails its
    # schema, so the UI shows one place where a bad input is reported.
    return dg.AssetCheckResult(
        check_name=materialisatie.CHECK_NAAM,
        asset_key=asset_key,
        passed=False,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"melding": dg.MetadataValue.text(str(fout))},
    )


def lees_valideer_schrijf(
    werkdb: WerkDatabase,
    *,
    asset_key: dg.AssetKey,
    schema_naam: str,
    doel: str,
    lees: Callable[[Snapshot], tuple[pl.DataFrame, list[str]]],
    extra_metadata: Callable[[pl.DataFrame], dict[str, object]] | None = None,
) -> Iterator[Resultaat]:
    """Read a source from the snapshot (``lees`` returns the frame and the files it used),
    validate it and write it; every failure is the failed blocking check, nothing written."""
    snapshot = Snapshot()
    try:
        df, bestanden = lees(snapshot)
        herkomst = _herkomst(snapshot, bestanden)
    except NplvFout as fout:
        yield _leesfout(asset_key, fout)
        raise
    with werkdb.verbinding() as con:
        yield from materialisatie.valideer_en_schrijf(
            con,
            df,
            schema_naam=schema_naam,
            doel=doel,
            asset_key=asset_key,
            bron=", ".join(bestanden),
            extra_metadata={**herkomst, **(extra_metadata(df) if extra_metadata else {})},
        )


# -- one asset per source table ------------------------------------------------------------


@dataclass(frozen=True)
class Bron:
    tabel: str  # table in schema bron, also the asset key's last part and the schema name
    beschrijving: str  # Dutch, shown in the Dagster UI
    lees: Callable[[Snapshot], pl.DataFrame]
    bestanden: Callable[[Snapshot], list[str]]


def _vast(*bestanden: str) -> Callable[[Snapshot], list[str]]:
    return lambda _snapshot: list(bestanden)


def _cbs_bestanden(*tabel_ids: str) -> Callable[[Snapshot], list[str]]:
    return lambda snapshot: [p for t in tabel_ids for p in snapshot.hashes(cbs.map_van(t))]


def _alle_cbs(snapshot: Snapshot) -> list[str]:
    return [
        p for t in cbs.cbs_tabellen_in_snapshot(snapshot) for p in snapshot.hashes(cbs.map_van(t))
    ]


BRONNEN = [
    Bron(
        "cbs_tabellen",
        "Overzicht van de CBS-tabellen in het snapshot: titel, wijzigingsdatum (Modified), "
        "periode, aantal rijen, of de download afgekapt is, en de sha256 van elk bestand.",
        cbs.tabellen,
        _alle_cbs,
    ),
    Bron(
        "cbs_dataproperties",
        "DataProperties van elke CBS-tabel in het snapshot: per kolom titel, eenheid, decimalen en "
        "de lange omschrijving met peildatum en geheimhoudingsregels.",
        cbs.dataproperties,
        _alle_cbs,
    ),
    Bron(
        "bevolking_buurt_2024",
        "Inwoners per buurt op 1 januari 2024, alle buurten van Nederland (CBS, Kerncijfers wijken "
        "en buurten 2024).",
        overige.bevolking_buurt_2024,
        _vast(overige.BEVOLKING_2024),
    ),
    Bron(
        "misdrijven_regio_2024",
        "Regio's (land, gemeenten, wijken, buurten) van de politietabel 47018NED, "
        "buurtindeling 2024.",
        overige.misdrijven_regio_2024,
        _vast(f"cbs/{overige.MISDRIJVEN}/WijkenEnBuurten.parquet"),
    ),
    Bron(
        "soort_misdrijf",
        "Soorten misdrijf van 47018NED (Politie via CBS). 0.0.0 is het totaal; de andere codes "
        "zijn subtotalen en details — tel ze nooit allemaal op.",
        overige.soort_misdrijf,
        _vast(f"cbs/{overige.MISDRIJVEN}/SoortMisdrijf.parquet"),
    ),
    Bron(
        "misdrijven_buurt",
        "Totaal geregistreerde misdrijven 2023 per buurt in de 19 NPLV-gemeenten (Politie via CBS "
        "47018NED, soort 0.0.0).",
        overige.misdrijven_buurt,
        _vast(overige.MISDRIJVEN_BUURT),
    ),
    Bron(
        "veiligheidsmonitor",
        "Veiligheidsmonitor 2021 en 2023 (CBS 85146NED): leefbaarheid, overlast, sociale cohesie, "
        "onveiligheidsgevoelens en slachtofferschap per gemeente, basisteam en politiedistrict.",
        overige.veiligheidsmonitor,
        _cbs_bestanden(overige.VEILIGHEIDSMONITOR),
    ),
    Bron(
        "ses_woa",
        "SES-WOA-scores per wijk en buurt 2014-2019 (CBS 85163NED). AFGEKAPT: alleen de eerste "
        "10.000 rijen (volledig voor Amsterdam, deels Arnhem).",
        overige.ses_woa,
        _cbs_bestanden(overige.SES_WOA),
    ),
    Bron(
        "leefbaarometer_wijk",
        "Leefbaarometer 3.0 wijkscores 2002–2022 op de wijkindeling 2022 (BZK/VRO, open data).",
        lambda s: leefbaarometer.lees_niveau(s, "wijk"),
        _vast(leefbaarometer.WIJK_CSV),
    ),
    Bron(
        "leefbaarometer_buurt",
        "Leefbaarometer 3.0 buurtscores meting 2024 (BZK/VRO): klassen, afwijking en dimensies.",
        lambda s: leefbaarometer.lees_niveau(s, "buurt"),
        _vast(leefbaarometer.BUURT_CSV),
    ),
    Bron(
        "leefbaarometer_gemeente",
        "Leefbaarometer 3.0 gemeentescores meting 2024 (BZK/VRO).",
        lambda s: leefbaarometer.lees_niveau(s, "gemeente"),
        _vast(leefbaarometer.GEMEENTE_CSV),
    ),
    Bron(
        "leefbaarometer_buurtgeometrie",
        "Vereenvoudigde buurtgrenzen 2024 (WGS84, GeoJSON per buurt) uit de Leefbaarometer, "
        "voor kaarten.",
        leefbaarometer.lees_buurtgeometrie,
        leefbaarometer.geometrie_bestanden,
    ),
    Bron(
        "gezondheid_rotterdam",
        "Gezondheidsmonitor volwassenen (CBS/RIVM/GGD) per wijk en buurt in Rotterdam en "
        "Krimpenerwaard, 2016, 2020 en 2022; kolomnamen leesbaar gemaakt, waarden ongewijzigd.",
        overige.gezondheid_rotterdam,
        _vast(overige.GEZONDHEID_CSV),
    ),
    Bron(
        "nplv_gebieden",
        "De 20 NPLV-focusgebieden met gemeente, inwoners 2025 en hun samenstelling (Kamerstukken).",
        overige.nplv_gebieden,
        _vast(overige.NPLV_GEBIEDEN),
    ),
    Bron(
        "nplv_indicatorenset_fysiek",
        "De 25 indicatoren van actielijn Fysiek in het monitoringskader (1 april 2025).",
        overige.nplv_indicatorenset_fysiek,
        _vast(overige.NPLV_INDICATORENSET_FYSIEK),
    ),
    Bron(
        "nplv_uitvraag",
        "De 25 vragen van de jaarlijkse uitvraag aan de focusgebieden (2025).",
        overige.nplv_uitvraag,
        _vast(overige.NPLV_UITVRAAG),
    ),
    Bron(
        "nplv_realisatie",
        "Gepubliceerde realisatiecijfers van de landelijke regelingen (voortgangsbrieven 30 995).",
        overige.nplv_realisatie,
        _vast(overige.NPLV_REALISATIE),
    ),
]


def _maak_asset(bron: Bron) -> dg.AssetsDefinition:
    key = dg.AssetKey(["bron", bron.tabel])
    naam = f"bron.{bron.tabel}"

    @dg.asset(
        key=key,
        group_name=GROEP,
        kinds=KINDS,
        description=bron.beschrijving,
        check_specs=[materialisatie.check_spec(key, naam)],
    )
    def _asset(werkdb: WerkDatabase) -> Iterator[Resultaat]:
        yield from lees_valideer_schrijf(
            werkdb,
            asset_key=key,
            schema_naam=naam,
            doel=naam,
            lees=lambda s: (bron.lees(s), bron.bestanden(s)),
        )

    return _asset


bron_assets = [_maak_asset(b) for b in BRONNEN]


# -- Kerncijfers wijken en buurten: one partition (and one table) per CBS year ---------------


def kwb_partities() -> dg.StaticPartitionsDefinition:
    """Offline the KWB years in the snapshot; online every year of the bronnen register."""
    jaren = cbs.kwb_tabellen(Snapshot(), online=instellingen().online)
    return dg.StaticPartitionsDefinition([str(j) for j in jaren])


KWB_PARTITIES = kwb_partities()
KWB_KEY = dg.AssetKey(["bron", "kwb"])


@dg.asset(
    key=KWB_KEY,
    group_name=GROEP,
    kinds=KINDS,
    partitions_def=KWB_PARTITIES,
    check_specs=[materialisatie.check_spec(KWB_KEY, "bron.kwb")],
)
def kwb(context: AssetExecutionContext, werkdb: WerkDatabase) -> Iterator[Resultaat]:
    """Kerncijfers wijken en buurten (CBS) van één jaar, als brede tabel bron.kwb_<jaar>: één rij
    per regio (Nederland, gemeenten, wijken, buurten), de regiocode in Codering_3, alle
    onderwerpen zoals CBS ze publiceert. Online (NPLV_ONLINE=1) wordt de tabel eerst bij CBS
    ververst als Modified veranderd is. Een afgekapte download (precies 10.000 rijen) wordt
    bewaard maar gemarkeerd in de metadata, in bron.cbs_tabellen en in het tabelcommentaar."""
    jaar = int(context.partition_key)
    doel = f"bron.kwb_{jaar}"
    gelezen: dict[str, object] = {}

    def lees(snapshot: Snapshot) -> tuple[pl.DataFrame, list[str]]:
        if instellingen().online:
            # Online: refresh the snapshot first (skipped when CBS's Modified is unchanged);
            # the table is then read from the snapshot like offline, so both paths are one.
            resultaat = cbs_client.ververs_tabel(register.kwb_tabel_id(jaar), snapshot)
            context.log.info(resultaat.samenvatting())
            gelezen["online"] = resultaat.samenvatting()
        tabel = cbs.kwb_tabel(snapshot, jaar)
        df = tabel.data()
        info = tabel.tabelinfo()
        gelezen.update(
            tabel_id=tabel.tabel_id,
            titel=info.get("Title", ""),
            afgekapt=df.height == cbs.ODATA_RIJLIMIET,
        )
        return df, [tabel.bestand("TypedDataSet.parquet"), tabel.bestand("TableInfos.json")]

    def extra(df: pl.DataFrame) -> dict[str, object]:
        soorten = df.group_by("SoortRegio_2").len().sort("SoortRegio_2")
        online = (
            {"online": dg.MetadataValue.text(str(gelezen["online"]))} if "online" in gelezen else {}
        )
        return {
            **online,
            "tabel_id": dg.MetadataValue.text(str(gelezen["tabel_id"])),
            "afgekapt": dg.MetadataValue.bool(bool(gelezen["afgekapt"])),
            "regio_soorten": dg.MetadataValue.json(
                dict(zip(soorten["SoortRegio_2"].to_list(), soorten["len"].to_list(), strict=True))
            ),
        }

    yield from lees_valideer_schrijf(
        werkdb,
        asset_key=KWB_KEY,
        schema_naam="bron.kwb",
        doel=doel,
        lees=lees,
        extra_metadata=extra,
    )
    commentaar = f"{gelezen['titel']} (CBS {gelezen['tabel_id']})"
    if gelezen["afgekapt"]:
        commentaar += (
            f". AFGEKAPT: precies {cbs.ODATA_RIJLIMIET} rijen (ODataApi-limiet); niet alle "
            "gemeenten, wijken en buurten staan erin."
        )
    with werkdb.verbinding() as con:
        con.execute(f"COMMENT ON TABLE bron.kwb_{jaar} IS {_sql_tekst(commentaar)}")


def _sql_tekst(tekst: str) -> str:
    return "'" + tekst.replace("'", "''") + "'"


ALLE_ASSETS = [*bron_assets, kwb]

__all__ = ["ALLE_ASSETS", "BRONNEN", "KWB_KEY", "KWB_PARTITIES", "bron_assets", "kwb"]
