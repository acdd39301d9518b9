"""The other sources in the snapshot: police crime figures, Veiligheidsmonitor, SES-WOA, RIVM
health figures and the NPLV programme reference files.

Each reader returns the table as published (padding stripped, CBS's "." for a suppressed value as
null) with the column names the bron.* schemas fix; only the RIVM file gets readable column names,
because its R-style dotted names (``Roker....``) are unusable in SQL.
"""

from __future__ import annotations

import polars as pl

from nplv_monitor.bronnen.cbs import CbsTabel, strip_opvulling
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.errors import BronFout

MISDRIJVEN = "47018NED"
VEILIGHEIDSMONITOR = "85146NED"
SES_WOA = "85163NED"
KWB_2024 = "85984NED"

BEVOLKING_2024 = f"cbs/{KWB_2024}/extract_bevolking_buurt_2024.parquet"
MISDRIJVEN_BUURT = f"cbs/{MISDRIJVEN}/extract_misdrijven_buurt_2023_nplv19.parquet"
GEZONDHEID_CSV = "rivm/gezondheid_rotterdam_2016_2020_2022.csv"
NPLV_GEBIEDEN = "nplv/gebieden.csv"
NPLV_INDICATORENSET_FYSIEK = "nplv/indicatorenset_fysiek_2025.csv"
NPLV_UITVRAAG = "nplv/uitvraag_gebieden_2025.csv"
NPLV_REALISATIE = "nplv/realisatie_gepubliceerd.csv"


def bevolking_buurt_2024(snapshot: Snapshot) -> pl.DataFrame:
    """Inhabitants per buurt on 1 January 2024 (CBS 85984NED), all buurten of the country."""
    df = snapshot.parquet(BEVOLKING_2024)
    return df.select(
        pl.col("nhood_id").str.strip_chars().alias("buurtcode"),
        pl.col("population").alias("inwoners"),
    )


def misdrijven_regio_2024(snapshot: Snapshot) -> pl.DataFrame:
    """The region list of 47018NED (buurt indeling 2024): Key, Title, Description, ..."""
    return CbsTabel(snapshot, MISDRIJVEN).dimensie("WijkenEnBuurten")


def soort_misdrijf(snapshot: Snapshot) -> pl.DataFrame:
    """Crime type codes of 47018NED; 0.0.0 is the total, others are sub-totals and details."""
    return CbsTabel(snapshot, MISDRIJVEN).dimensie("SoortMisdrijf")


def misdrijven_buurt(snapshot: Snapshot) -> pl.DataFrame:
    """Registered crimes 2023 (total, 0.0.0) per buurt of the 19 NPLV gemeenten."""
    return strip_opvulling(snapshot.parquet(MISDRIJVEN_BUURT))


def veiligheidsmonitor(snapshot: Snapshot) -> pl.DataFrame:
    """Veiligheidsmonitor 2021 and 2023 (85146NED) per gemeente, basisteam and district."""
    return CbsTabel(snapshot, VEILIGHEIDSMONITOR).data()


def ses_woa(snapshot: Snapshot) -> pl.DataFrame:
    """SES-WOA scores per wijk and buurt 2014–2019 (85163NED), first 10,000 rows only."""
    return CbsTabel(snapshot, SES_WOA).data()


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


def gezondheid_rotterdam(snapshot: Snapshot) -> pl.DataFrame:
    """Gezondheidsmonitor volwassenen (18+) per wijk and buurt, Rotterdam and Krimpenerwaard."""
    ruw = snapshot.csv(GEZONDHEID_CSV, infer_schema=False)
    onbekend = [k for k in ruw.columns if k not in GEZONDHEID_KOLOMMEN]
    ontbreekt = [k for k in GEZONDHEID_KOLOMMEN if k not in ruw.columns]
    if onbekend or ontbreekt:
        raise BronFout(
            f"{GEZONDHEID_CSV}: onverwachte kolommen {onbekend} / ontbrekende kolommen "
            f"{ontbreekt}; de indeling van de Gezondheidsmonitor is veranderd."
        )
    df = strip_opvulling(ruw.rename(GEZONDHEID_KOLOMMEN))
    # CBS writes "." for a value that is secret or too unreliable: missing, never zero. The
    # strict cast makes any other non-number a loud error instead of a silent null.
    return df.with_columns(
        pl.col("jaar").cast(pl.Int64, strict=True),
        *[
            pl.col(k).replace(".", None).cast(pl.Float64, strict=True)
            for k in df.columns
            if k not in _GEZONDHEID_TEKST and k != "jaar"
        ],
    )


def _nplv_csv(snapshot: Snapshot, rel: str, types: dict[str, pl.DataType]) -> pl.DataFrame:
    df = snapshot.csv(rel, infer_schema=False)
    return strip_opvulling(df).with_columns(
        [pl.col(k).cast(t, strict=True) for k, t in types.items() if k in df.columns]
    )


def nplv_gebieden(snapshot: Snapshot) -> pl.DataFrame:
    return _nplv_csv(snapshot, NPLV_GEBIEDEN, {"inwoners_2025_x1000": pl.Int64()})


def nplv_indicatorenset_fysiek(snapshot: Snapshot) -> pl.DataFrame:
    return _nplv_csv(snapshot, NPLV_INDICATORENSET_FYSIEK, {"nummer": pl.Int64()})


def nplv_uitvraag(snapshot: Snapshot) -> pl.DataFrame:
    return _nplv_csv(snapshot, NPLV_UITVRAAG, {"nummer": pl.Int64()})


def nplv_realisatie(snapshot: Snapshot) -> pl.DataFrame:
    return _nplv_csv(
        snapshot, NPLV_REALISATIE, {"waarde_min": pl.Float64(), "waarde_max": pl.Float64()}
    )
