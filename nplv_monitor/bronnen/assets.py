"""Dagster assets of group ``bronnen``, made from the source registry (``assets/bronnen.yaml``).

One asset per registry entry (``bron.<naam>``); Kerncijfers wijken en buurten is one asset that
writes a table per year it can read (``bron.kwb_<jaar>`` plus its region dimension
``bron.kwb_regio_<jaar>``), and two assets describe every CBS table in the snapshot
(``bron.cbs_tabellen``, ``bron.cbs_dataproperties``). Every asset reads its files from the verified
snapshot, validates the table against ``schemas/bron.<tabel>.yaml`` and writes it, together with
its provenance rows in ``bron.herkomst``, in one transaction. A file that cannot be read or a table
that fails its schema is reported as the failed blocking check, and nothing is written.

Nothing here runs at import time: :func:`maak_assets` builds the assets from the registry when the
Definitions are made (``nplv_monitor.definitions``).
"""

import dataclasses
from collections.abc import Callable, Iterator, Sequence

import dagster as dg
import polars as pl
from dagster import AssetExecutionContext

from nplv_monitor import materialisatie
from nplv_monitor.bronnen import cbs, cbs_client, lezers, register
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.config import instellingen
from nplv_monitor.db import WerkDatabase, sql_tekst
from nplv_monitor.errors import NplvFout

GROEP = "bronnen"
KINDS = {"duckdb", "polars"}
KWB_KEY = dg.AssetKey(["bron", "kwb"])
HERKOMST = "bron.herkomst"

Resultaat = dg.AssetCheckResult | dg.MaterializeResult
Lees = Callable[[Snapshot], tuple[pl.DataFrame, list[str]]]


def _herkomst_frame(snapshot: Snapshot, doel: str, bestanden: list[str]) -> pl.DataFrame:
    entries = [snapshot.entry(b) for b in dict.fromkeys(bestanden)]
    return pl.DataFrame(
        {
            "bron_tabel": [doel] * len(entries),
            "bestand": [e.pad for e in entries],
            "dataset": [e.dataset for e in entries],
            "sha256": [e.sha256 for e in entries],
            "uitgever": [e.uitgever for e in entries],
            "licentie": [e.licentie for e in entries],
            "opgehaald": [e.opgehaald for e in entries],
            "cbs_modified": [e.cbs_modified for e in entries],
        },
        schema={
            k: pl.String
            for k in (
                "bron_tabel",
                "bestand",
                "dataset",
                "sha256",
                "uitgever",
                "licentie",
                "opgehaald",
                "cbs_modified",
            )
        },
    )


def _herkomst_metadata(snapshot: Snapshot, bestanden: list[str]) -> dict[str, object]:
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
    lees: Lees,
    extra_metadata: Callable[[pl.DataFrame], dict[str, object]] | None = None,
    bijtabellen: Callable[[Snapshot], list[materialisatie.Tabel]] | None = None,
) -> Iterator[Resultaat]:
    """Read a source from the snapshot (``lees`` returns the frame and the files it used),
    validate it and write it with its provenance; every failure is the failed blocking check,
    nothing written."""
    snapshot = Snapshot()
    try:
        df, bestanden = lees(snapshot)
        herkomst = _herkomst_metadata(snapshot, bestanden)
        bij = bijtabellen(snapshot) if bijtabellen else []
        herkomst_rijen = _herkomst_frame(snapshot, doel, bestanden)
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
            bijtabellen=[
                *bij,
                materialisatie.Tabel(
                    herkomst_rijen, HERKOMST, HERKOMST, vervang_waar={"bron_tabel": doel}
                ),
            ],
        )


# -- one asset per registry entry -------------------------------------------------------------


def _bron_asset(
    key: dg.AssetKey,
    beschrijving: str,
    doel: str,
    lees: Lees,
    deps: Sequence[dg.AssetKey] = (),
) -> dg.AssetsDefinition:
    naam = ".".join(key.path)

    @dg.asset(
        key=key,
        group_name=GROEP,
        kinds=KINDS,
        description=beschrijving,
        check_specs=[materialisatie.check_spec(key, naam)],
        deps=list(deps),
    )
    def _asset(werkdb: WerkDatabase) -> Iterator[Resultaat]:
        yield from lees_valideer_schrijf(
            werkdb, asset_key=key, schema_naam=naam, doel=doel, lees=lees
        )

    return _asset


def _alle_cbs(snapshot: Snapshot) -> list[str]:
    return [
        p for t in cbs.cbs_tabellen_in_snapshot(snapshot) for p in snapshot.hashes(cbs.map_van(t))
    ]


def _registerbron(bron: register.Bron) -> dg.AssetsDefinition:
    return _bron_asset(
        dg.AssetKey(["bron", bron.naam]),
        bron.beschrijving,
        f"bron.{bron.naam}",
        lambda s: lezers.lees(s, bron),
    )


def _meta_assets() -> list[dg.AssetsDefinition]:
    return [
        _bron_asset(
            dg.AssetKey(["bron", "cbs_tabellen"]),
            "Overzicht van de CBS-tabellen in het snapshot: titel, wijzigingsdatum (Modified), "
            "periode, aantal rijen, of de download afgekapt is, en de sha256 van elk bestand.",
            "bron.cbs_tabellen",
            lambda s: (cbs.tabellen(s), _alle_cbs(s)),
            # online, bron/kwb first refreshes the snapshot (new years, new releases): describe
            # the snapshot after it, never before (a run orders only along dependencies)
            deps=[KWB_KEY],
        ),
        _bron_asset(
            dg.AssetKey(["bron", "cbs_dataproperties"]),
            "DataProperties van elke CBS-tabel en release in het snapshot: per kolom titel, "
            "eenheid, decimalen en de lange omschrijving met peildatum en geheimhoudingsregels.",
            "bron.cbs_dataproperties",
            lambda s: (cbs.dataproperties(s), _alle_cbs(s)),
            deps=[KWB_KEY],
        ),
    ]


# -- Kerncijfers wijken en buurten: one asset, one table per year it can read ------------------


def beschikbare_kwb_jaren(snapshot: Snapshot | None = None) -> list[int]:
    """The KWB years a build can run now: online every registered year, offline those whose data
    is in the snapshot."""
    return sorted(cbs.kwb_tabellen(snapshot or Snapshot(), online=instellingen().online))


def _kwb_jaar(
    context: AssetExecutionContext, snapshot: Snapshot, jaar: int
) -> tuple[list[materialisatie.Tabel], dict[str, object], str]:
    """One KWB year: its table (with provenance metadata), its region dimension and provenance
    rows (side tables), a summary for the metadata and the table comment."""
    doel = f"bron.kwb_{jaar}"
    online = None
    if instellingen().online:
        # Online: refresh the snapshot first (skipped when CBS's Modified is unchanged); the
        # table is then read from the snapshot like offline, so both paths are one.
        resultaat = cbs_client.ververs_tabel(register.kwb_tabel_id(jaar), snapshot)
        context.log.info(resultaat.samenvatting())
        online = resultaat.samenvatting()
    tabel = cbs.kwb_tabel(snapshot, jaar)
    df = tabel.data()
    info = tabel.tabelinfo()
    afgekapt = df.height == cbs.ODATA_RIJLIMIET
    bestanden = [tabel.bestand("TypedDataSet.parquet"), tabel.bestand("TableInfos.json")]
    if tabel.heeft("DataProperties.parquet"):
        bestanden.append(tabel.bestand("DataProperties.parquet"))
    # The table's own region dimension is the CBS indeling of its year; a copy without it (a
    # download that replaced keys by titles) gives no indeling for that year.
    indeling = tabel.heeft("WijkenEnBuurten.parquet")
    soorten = df.group_by("SoortRegio_2").len().sort("SoortRegio_2")
    samenvatting: dict[str, object] = {
        "tabel_id": tabel.tabel_id,
        "afgekapt": afgekapt,
        "regio_indeling": indeling,
        "regio_soorten": dict(
            zip(soorten["SoortRegio_2"].to_list(), soorten["len"].to_list(), strict=True)
        ),
        **({"online": online} if online else {}),
    }
    tabellen = [
        materialisatie.Tabel(
            df,
            "bron.kwb",
            doel,
            KWB_KEY,
            bron=", ".join(bestanden),
            extra_metadata=_herkomst_metadata(snapshot, bestanden),
        ),
        materialisatie.Tabel(
            _herkomst_frame(snapshot, doel, bestanden),
            HERKOMST,
            HERKOMST,
            vervang_waar={"bron_tabel": doel},
        ),
    ]
    if indeling:
        tabellen.append(
            materialisatie.Tabel(
                tabel.dimensie("WijkenEnBuurten"),
                "bron.kwb_regio",
                f"bron.kwb_regio_{jaar}",
                bron=tabel.tabel_id,
            )
        )
    commentaar = f"{info.get('Title', '')} (CBS {tabel.tabel_id})"
    if afgekapt:
        commentaar += (
            f". AFGEKAPT: precies {cbs.ODATA_RIJLIMIET} rijen (ODataApi-limiet); niet alle "
            "gemeenten, wijken en buurten staan erin."
        )
    return tabellen, samenvatting, commentaar


def _kwb_asset() -> dg.AssetsDefinition:
    bron = register.laad().bron(register.KWB)

    # One asset, not a partition per year: every year is its own table (bron.kwb_<jaar>) and
    # every reader (geografie, metingen) reads all years; which years exist is decided when it
    # runs (offline: those in the snapshot). See docs/orkestratie.md.
    @dg.asset(
        key=KWB_KEY,
        group_name=GROEP,
        kinds=KINDS,
        description=bron.beschrijving,
        check_specs=[materialisatie.check_spec(KWB_KEY, "bron.kwb")],
    )
    def kwb(context: AssetExecutionContext, werkdb: WerkDatabase) -> Iterator[Resultaat]:
        snapshot = Snapshot()
        hoofd: list[materialisatie.Tabel] = []
        bij: list[materialisatie.Tabel] = []
        per_jaar: dict[str, object] = {}
        commentaren: dict[int, str] = {}
        try:
            jaren = beschikbare_kwb_jaren(snapshot)
            if not jaren:
                raise NplvFout(
                    f"Geen enkel KWB-jaar uit het bronnenregister staat in het snapshot "
                    f"{snapshot.map}; haal er een op met `nplv-monitor ophalen --kwb <jaar>`."
                )
            for jaar in jaren:
                tabellen, samenvatting, commentaren[jaar] = _kwb_jaar(context, snapshot, jaar)
                hoofd.append(tabellen[0])
                bij.extend(tabellen[1:])
                per_jaar[str(jaar)] = samenvatting
        except NplvFout as fout:
            yield _leesfout(KWB_KEY, fout)
            raise
        # The asset's metadata: the provenance of every year and a summary per year.
        hoofd[-1] = dataclasses.replace(
            hoofd[-1],
            extra_metadata={
                **_herkomst_metadata(
                    snapshot, [b for t in hoofd for b in (t.bron or "").split(", ") if b]
                ),
                "jaren": dg.MetadataValue.json(per_jaar),
            },
        )
        with werkdb.verbinding() as con:
            yield from materialisatie.valideer_en_schrijf_alle(con, hoofd, bijtabellen=bij)
            for jaar, commentaar in commentaren.items():
                con.execute(f"COMMENT ON TABLE bron.kwb_{jaar} IS {sql_tekst(commentaar)}")

    return kwb


def maak_assets() -> list[dg.AssetsDefinition]:
    """Every bronnen asset, from the registry as it is now (``NPLV_BRONNENREGISTER`` or the
    shipped file)."""
    reg = register.laad()
    return [
        *_meta_assets(),
        *[_registerbron(b) for b in reg.bronnen.values() if not b.per_jaar],
        _kwb_asset(),
    ]


def bron_sleutels() -> list[dg.AssetKey]:
    """The asset keys of the registry's sources (deps of the stages that read them)."""
    return [dg.AssetKey(["bron", b]) for b in register.laad().bronnen]


__all__ = [
    "KWB_KEY",
    "beschikbare_kwb_jaren",
    "bron_sleutels",
    "lees_valideer_schrijf",
    "maak_assets",
]
