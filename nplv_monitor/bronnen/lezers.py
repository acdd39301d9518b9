"""Readers of the snapshot, one per file form; the registry's ``lezer`` field names one.

A reader gets the verified snapshot, the registry entry and (for CBS sources) the table id, and
returns the table as published (CBS padding stripped, "." for a suppressed value as null) plus the
snapshot files it read (their sha256 becomes the provenance of every value). Which file a source
is in comes from the registry (``bestanden``, ``{id}`` = table id), never from this module.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from nplv_monitor.bronnen import leefbaarometer
from nplv_monitor.bronnen.cbs import CbsTabel, map_van, strip_opvulling
from nplv_monitor.bronnen.register import Bron
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.errors import BronFout

Gelezen = tuple[pl.DataFrame, list[str]]
Lezer = Callable[[Snapshot, Bron], Gelezen]


def _een_bestand(bron: Bron) -> str:
    bestanden = bron.bestanden_van()
    if len(bestanden) != 1:
        raise BronFout(
            f"Bron {bron.naam}: lezer {bron.lezer} verwacht precies één bestand in het "
            f"bronnenregister, gevonden {bestanden}."
        )
    return bestanden[0]


def _tabel(snapshot: Snapshot, bron: Bron) -> CbsTabel:
    tabel_id = bron.tabel_id()
    if tabel_id is None:
        raise BronFout(f"Bron {bron.naam}: lezer {bron.lezer} heeft een CBS-tabelnummer nodig.")
    return CbsTabel(snapshot, tabel_id)


def bevolking_buurt(snapshot: Snapshot, bron: Bron) -> Gelezen:
    """Inhabitants per buurt (``nhood_id``, ``population``) as ``buurtcode``, ``inwoners``."""
    rel = _een_bestand(bron)
    df = snapshot.parquet(rel).select(
        pl.col("nhood_id").str.strip_chars().alias("buurtcode"),
        pl.col("population").alias("inwoners"),
    )
    return df, [rel]


def cbs_dimensie(snapshot: Snapshot, bron: Bron) -> Gelezen:
    """One dimension entity set of a CBS table (``entiteit``: WijkenEnBuurten, SoortMisdrijf)."""
    if not bron.entiteit:
        raise BronFout(f"Bron {bron.naam}: lezer cbs_dimensie heeft 'entiteit' nodig.")
    tabel = _tabel(snapshot, bron)
    return tabel.dimensie(bron.entiteit), [tabel.bestand(f"{bron.entiteit}.parquet")]


def cbs_data(snapshot: Snapshot, bron: Bron) -> Gelezen:
    """The TypedDataSet of a CBS table (provenance: every file of the table in the snapshot)."""
    tabel = _tabel(snapshot, bron)
    return tabel.data(), list(snapshot.hashes(map_van(tabel.tabel_id)))


def parquet(snapshot: Snapshot, bron: Bron) -> Gelezen:
    """A Parquet extract in the snapshot, padding stripped."""
    rel = _een_bestand(bron)
    return strip_opvulling(snapshot.parquet(rel)), [rel]


def _leefbaarometer(niveau: str) -> Lezer:
    def lees(snapshot: Snapshot, bron: Bron) -> Gelezen:
        return leefbaarometer.lees_niveau(snapshot, niveau), [leefbaarometer.NIVEAUS[niveau][2]]

    return lees


def leefbaarometer_geometrie(snapshot: Snapshot, bron: Bron) -> Gelezen:
    """Buurt polygons, one GeoJSON file per province (the Leefbaarometer download layout)."""
    bestanden = leefbaarometer.geometrie_bestanden(snapshot)
    return leefbaarometer.lees_buurtgeometrie(snapshot), bestanden


#: RIVM/CBS Gezondheidsmonitor column (as exported by R) → readable name. Values unchanged.
GEZONDHEID_KOLOMMEN: dict[str, str] = {
    "Leeftijd": "leeftijd",
    "Marges": "marges",
    "Perioden": "jaar",
    "Wijken.en.buurten": "regionaam",
    "Regioaanduiding.Gemeentenaam..naam.": "gemeentenaam",
    "Regioaanduiding.Soort.regio..omschrijving.": "soort_regio",
    "Regioaanduiding.Codering..code.": "regiocode",
    "Ervaren.gezondheid..goed.zeer.goed.....": "ervaren_gezondheid_goed_pct",
    "Bewegen.Voldoet.aan.beweegrichtlijn....": "voldoet_beweegrichtlijn_pct",
    "Onder..en.overgewicht.Mate.van.overgewicht.Ernstig.overgewicht....": "ernstig_overgewicht_pct",
    "Roker....": "roker_pct",
    "Alcoholgebruik.Voldoet.aan.alcohol.richtlijn....": "voldoet_alcoholrichtlijn_pct",
    "Alcoholgebruik.Drinker....": "drinker_pct",
    "Alcoholgebruik.Zware.drinker....": "zware_drinker_pct",
    "Alcoholgebruik.Overmatige.drinker....": "overmatige_drinker_pct",
    "Lichamelijke.gezondheid.Eén.of.meer.langdurige.aandoeningen....": "langdurige_aandoening_pct",
    "Psychische.klachten....": "psychische_klachten_pct",
    "Veerkracht..Zeer..lage.veerkracht....": "zeer_lage_veerkracht_pct",
    "Hoog.risico.op.angst.of.depressie....": "hoog_risico_angst_depressie_pct",
    "Eenzaamheid.Ernstig.zeer.ernstig.eenzaam....": "ernstig_eenzaam_pct",
}
_GEZONDHEID_TEKST = {"leeftijd", "marges", "regionaam", "gemeentenaam", "soort_regio", "regiocode"}


def gezondheid(snapshot: Snapshot, bron: Bron) -> Gelezen:
    """Gezondheidsmonitor per wijk and buurt; R-style dotted names (``Roker....``) made usable."""
    rel = _een_bestand(bron)
    ruw = snapshot.csv(rel, infer_schema=False)
    onbekend = [k for k in ruw.columns if k not in GEZONDHEID_KOLOMMEN]
    ontbreekt = [k for k in GEZONDHEID_KOLOMMEN if k not in ruw.columns]
    if onbekend or ontbreekt:
        raise BronFout(
            f"{rel}: onverwachte kolommen {onbekend} / ontbrekende kolommen "
            f"{ontbreekt}; de indeling van de Gezondheidsmonitor is veranderd."
        )
    df = strip_opvulling(ruw.rename(GEZONDHEID_KOLOMMEN))
    # CBS writes "." for a value that is secret or too unreliable: missing, never zero. The
    # strict cast makes any other non-number a loud error instead of a silent null.
    df = df.with_columns(
        pl.col("jaar").cast(pl.Int64, strict=True),
        *[
            pl.col(k).replace(".", None).cast(pl.Float64, strict=True)
            for k in df.columns
            if k not in _GEZONDHEID_TEKST and k != "jaar"
        ],
    )
    return df, [rel]


_TYPEN: dict[str, pl.DataType] = {"geheel": pl.Int64(), "decimaal": pl.Float64()}


def nplv_csv(snapshot: Snapshot, bron: Bron) -> Gelezen:
    """A programme reference CSV; the registry's ``typen`` cast named columns strictly."""
    rel = _een_bestand(bron)
    df = strip_opvulling(snapshot.csv(rel, infer_schema=False))
    onbekend = [t for t in bron.typen.values() if t not in _TYPEN]
    if onbekend:
        raise BronFout(f"Bron {bron.naam}: onbekend type {onbekend[0]!r} (bekend: {list(_TYPEN)}).")
    df = df.with_columns(
        [pl.col(k).cast(_TYPEN[t], strict=True) for k, t in bron.typen.items() if k in df.columns]
    )
    return df, [rel]


LEZERS: dict[str, Lezer] = {
    "bevolking_buurt": bevolking_buurt,
    "cbs_dimensie": cbs_dimensie,
    "cbs_data": cbs_data,
    "parquet": parquet,
    "leefbaarometer_wijk": _leefbaarometer("wijk"),
    "leefbaarometer_buurt": _leefbaarometer("buurt"),
    "leefbaarometer_gemeente": _leefbaarometer("gemeente"),
    "leefbaarometer_geometrie": leefbaarometer_geometrie,
    "gezondheid": gezondheid,
    "nplv_csv": nplv_csv,
}


def lees(snapshot: Snapshot, bron: Bron) -> Gelezen:
    """Read one (non-KWB) registry source from the snapshot."""
    try:
        lezer = LEZERS[bron.lezer]
    except KeyError:
        raise BronFout(
            f"Bron {bron.naam}: onbekende lezer {bron.lezer!r} in het bronnenregister; bekend: "
            f"{', '.join(sorted(LEZERS))}."
        ) from None
    return lezer(snapshot, bron)
