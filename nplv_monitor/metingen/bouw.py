"""Build ``metingen.metingen``: every source value the catalogue names, in one long table.

One row per (bron, tabel, variabele, regio, peiljaar) with the value as published, the base needed
to aggregate it and the additive amount (``aantal``) the engine sums: a count as is, a CBS
percentage turned back into a count with its base (% × basis / 100), an average or score times its
weight. Suppressed values stay in as null (missing is not zero); a variable a table does not fill
at all has no rows but is listed in ``bronvariabelen`` with gevuld = 0 (status ontbreekt later).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import polars as pl

from nplv_monitor.indicatoren.catalogus import BRONNEN, Catalogus, CatalogusFout, Variabele
from nplv_monitor.metingen.bronframes import BRONBESTAND, Bronframes, kwb_bestand

#: Columns of metingen.metingen, in order.
METINGEN_SCHEMA: dict[str, pl.DataType] = {
    "bron": pl.String(),
    "tabel_id": pl.String(),
    "variabele": pl.String(),
    "bron_variabele": pl.String(),
    "regiocode": pl.String(),
    "regio_soort": pl.String(),
    "regionaam": pl.String(),
    "indelingsjaar": pl.Int64(),
    "peiljaar": pl.Int64(),
    "waarde": pl.Float64(),
    "eenheid": pl.String(),
    "vorm": pl.String(),
    "basis_variabele": pl.String(),
    "basis": pl.Float64(),
    "aantal": pl.Float64(),
    "bron_sha256": pl.String(),
}
BRONVARIABELEN_SCHEMA: dict[str, pl.DataType] = {
    "bron": pl.String(),
    "tabel_id": pl.String(),
    "variabele": pl.String(),
    "bron_variabele": pl.String(),
    "peiljaar": pl.Int64(),
    "indelingsjaar": pl.Int64(),
    "rijen": pl.Int64(),
    "gevuld": pl.Int64(),
    "bron_sha256": pl.String(),
}

_SOORT = {"Land": "land", "Gemeente": "gemeente", "Wijk": "wijk", "Buurt": "buurt"}
_ACHTERVOEGSEL = re.compile(r"_\d+$")


@dataclass
class Metingen:
    metingen: pl.DataFrame
    bronvariabelen: pl.DataFrame


def concept(sleutel: str) -> str:
    """The CBS key without its numeric suffix (``AantalInwoners_5`` → ``AantalInwoners``)."""
    return _ACHTERVOEGSEL.sub("", sleutel)


def soort_van_code(code: pl.Expr) -> pl.Expr:
    return (
        pl.when(code.str.starts_with("BU"))
        .then(pl.lit("buurt"))
        .when(code.str.starts_with("WK"))
        .then(pl.lit("wijk"))
        .when(code.str.starts_with("GM"))
        .then(pl.lit("gemeente"))
        .when(code.str.starts_with("NL"))
        .then(pl.lit("land"))
        .otherwise(pl.lit(None))
    )


# -- KWB: resolve the concept key per table year -----------------------------------------------


def _kwb_sleutels(
    variabelen: list[Variabele], jaar: int, tabel_id: str, dp: pl.DataFrame, kolommen: list[str]
) -> dict[str, tuple[Variabele, str, int]]:
    """Full CBS key → (variabele, key, peiljaar) for the KWB table of ``jaar``."""
    eigen = dp.filter(pl.col("tabel_id") == tabel_id)
    titels = dict(zip(eigen["ID"].to_list(), eigen["Title"].to_list(), strict=True))
    topics = eigen.filter(pl.col("Type") == "Topic")
    uit: dict[str, tuple[Variabele, str, int]] = {}
    for v in variabelen:
        gezocht = v.sleutel_voor(jaar)
        if not gezocht:
            continue
        kandidaten = [
            (rij["Key"], rij["ParentID"], rij["Description"])
            for rij in topics.iter_rows(named=True)
            # Case-insensitive: CBS also changes capitals (NettoArbeidsparticipatie 2020,
            # Nettoarbeidsparticipatie 2024) without changing the concept.
            if concept(rij["Key"]).lower() == gezocht.lower()
        ]
        if v.groep:
            kandidaten = [
                k for k in kandidaten if (titels.get(k[1]) or "").strip() == v.groep.strip()
            ]
        if len(kandidaten) != 1:
            raise CatalogusFout(
                f"{v.bestand}: variabele {v.id!r}: sleutel {gezocht!r}"
                + (f" in groep {v.groep!r}" if v.groep else "")
                + f" komt {len(kandidaten)} keer voor in {tabel_id} (DataProperties); verwacht 1."
            )
        sleutel, _, omschrijving = kandidaten[0]
        if sleutel not in kolommen:
            raise CatalogusFout(
                f"{tabel_id}: kolom {sleutel} (variabele {v.id}) ontbreekt in de data."
            )
        uit[sleutel] = (v, sleutel, _peiljaar(v, jaar, tabel_id, omschrijving or ""))
    return uit


def _peiljaar(v: Variabele, jaar: int, tabel_id: str, omschrijving: str) -> int:
    if v.peiljaar == "tabeljaar":
        return jaar
    # WOZ: "De (voorlopig) gemiddelde woningwaarde wordt bepaald met de waardepeildatum van
    # voorgaand jaar, bijv: - 2024: waardepeildatum 1 januari 2023".
    m = re.search(rf"{jaar}\s*:\s*waardepeildatum\s+1\s+januari\s+(\d{{4}})", omschrijving)
    if not m:
        raise CatalogusFout(
            f"{v.bestand}: variabele {v.id!r}: geen waardepeildatum voor {jaar} in de "
            f"DataProperties-omschrijving van {tabel_id}."
        )
    return int(m.group(1))


def _kwb(
    bf: Bronframes, variabelen: list[Variabele]
) -> tuple[list[pl.DataFrame], list[dict[str, Any]]]:
    delen: list[pl.DataFrame] = []
    info: list[dict[str, Any]] = []
    eigen = [v for v in variabelen if v.bron == "cbs_kwb"]
    for jaar, df in sorted(bf.kwb.items()):
        tabel_id = BRONNEN["cbs_kwb"].tabellen.get(jaar)
        if tabel_id is None:
            raise CatalogusFout(f"KWB {jaar} staat niet in catalogus.BRONNEN['cbs_kwb'].")
        sha = bf.sha256.get(kwb_bestand(tabel_id))
        sleutels = _kwb_sleutels(eigen, jaar, tabel_id, bf.dataproperties, df.columns)
        kaart = pl.DataFrame(
            {
                "bron_variabele": list(sleutels),
                "variabele": [v.id for v, _, _ in sleutels.values()],
                "peiljaar": [p for _, _, p in sleutels.values()],
                "eenheid": [v.eenheid for v, _, _ in sleutels.values()],
                "vorm": [v.vorm for v, _, _ in sleutels.values()],
                "basis_variabele": [v.basis for v, _, _ in sleutels.values()],
            },
            schema_overrides={"peiljaar": pl.Int64, "basis_variabele": pl.String},
        )
        lang = (
            df.select(
                pl.col("Codering_3").alias("regiocode"),
                pl.col("SoortRegio_2").replace_strict(_SOORT).alias("regio_soort"),
                pl.col("WijkenEnBuurten").alias("regionaam"),
                *[pl.col(k).cast(pl.Float64) for k in sleutels],
            )
            .unpivot(
                index=["regiocode", "regio_soort", "regionaam"],
                variable_name="bron_variabele",
                value_name="waarde",
            )
            .join(kaart, on="bron_variabele", how="left")
            .with_columns(
                bron=pl.lit("cbs_kwb"),
                tabel_id=pl.lit(tabel_id),
                indelingsjaar=pl.lit(jaar, pl.Int64),
                bron_sha256=pl.lit(sha, pl.String),
            )
        )
        gevuld = lang.group_by("bron_variabele").agg(
            pl.len().alias("rijen"), pl.col("waarde").is_not_null().sum().alias("gevuld")
        )
        info.append(
            {
                "tabel_id": tabel_id,
                "bron": "cbs_kwb",
                "kaart": kaart,
                "gevuld": gevuld,
                "sha": sha,
                "indelingsjaar": jaar,
            }
        )
        # An unfilled variable is not data: drop it here, bronvariabelen records it.
        gevulde = gevuld.filter(pl.col("gevuld") > 0)["bron_variabele"]
        delen.append(lang.filter(pl.col("bron_variabele").is_in(gevulde.implode())))
    return delen, info


# -- the other sources -------------------------------------------------------------------------


def _lang(
    df: pl.DataFrame,
    *,
    bron: str,
    variabelen: list[Variabele],
    regiocode: pl.Expr,
    peiljaar: pl.Expr,
    indelingsjaar: pl.Expr,
    regio_soort: pl.Expr | None = None,
    regionaam: pl.Expr | None = None,
    sha: str | None,
    tabel_id: str,
) -> tuple[pl.DataFrame, dict[str, object]]:
    eigen = [v for v in variabelen if v.bron == bron]
    kolommen: dict[str, Variabele] = {}
    for v in eigen:
        sleutel = v.sleutel or ""
        passend = [k for k in df.columns if k == sleutel or concept(k) == sleutel]
        if v.positie is not None:
            passend = passend[v.positie - 1 : v.positie]
        if len(passend) != 1:
            raise CatalogusFout(
                f"{v.bestand}: variabele {v.id!r}: kolom {sleutel!r} komt {len(passend)} keer voor in {tabel_id}."
            )
        kolommen[passend[0]] = v
    kaart = pl.DataFrame(
        {
            "bron_variabele": list(kolommen),
            "variabele": [v.id for v in kolommen.values()],
            "eenheid": [v.eenheid for v in kolommen.values()],
            "vorm": [v.vorm for v in kolommen.values()],
            "basis_variabele": [v.basis for v in kolommen.values()],
        },
        schema_overrides={"basis_variabele": pl.String},
    )
    lang = (
        df.select(
            regiocode.alias("regiocode"),
            (regio_soort if regio_soort is not None else soort_van_code(regiocode)).alias(
                "regio_soort"
            ),
            (regionaam if regionaam is not None else pl.lit(None, pl.String)).alias("regionaam"),
            peiljaar.cast(pl.Int64).alias("peiljaar"),
            indelingsjaar.cast(pl.Int64).alias("indelingsjaar"),
            *[pl.col(k).cast(pl.Float64) for k in kolommen],
        )
        .unpivot(
            index=["regiocode", "regio_soort", "regionaam", "peiljaar", "indelingsjaar"],
            variable_name="bron_variabele",
            value_name="waarde",
        )
        .join(kaart, on="bron_variabele", how="left")
        .with_columns(
            bron=pl.lit(bron), tabel_id=pl.lit(tabel_id), bron_sha256=pl.lit(sha, pl.String)
        )
        .filter(pl.col("regiocode").is_not_null())
    )
    return lang, {}


def _gemeentecodes(bf: Bronframes) -> pl.DataFrame:
    """Gemeente name → code from the KWB gemeente rows (newest year wins)."""
    delen = [
        df.filter(pl.col("SoortRegio_2") == "Gemeente").select(
            pl.col("Gemeentenaam_1").str.strip_chars().alias("naam"),
            pl.col("Codering_3").alias("code"),
            pl.lit(jaar).alias("jaar"),
        )
        for jaar, df in bf.kwb.items()
    ]
    return pl.concat(delen).sort("jaar", descending=True).unique("naam", keep="first").drop("jaar")


def _veiligheidsmonitor(bf: Bronframes, variabelen: list[Variabele]) -> pl.DataFrame:
    # RegioS holds names with a level suffix: "Rotterdam (GM)", "Rotterdam Zuid (PD)". Gemeenten
    # get their CBS code through the KWB gemeente names; police districts a PD_ slug (no CBS code).
    vm = bf.veiligheidsmonitor.filter(pl.col("Marges") == "Waarde").with_columns(
        pl.col("RegioS").str.extract(r"\((GM|PD)\)$").alias("_niveau"),
        pl.col("RegioS")
        .str.replace(r"\s*\((GM|PD|BT|RE|LD)\)$", "")
        .str.strip_chars()
        .alias("_naam"),
    )
    vm = vm.filter((pl.col("RegioS") == "Nederland") | pl.col("_niveau").is_not_null())
    vm = vm.join(_gemeentecodes(bf), left_on="_naam", right_on="naam", how="left")
    slug = (
        pl.col("_naam").str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "_").str.strip_chars("_")
    )
    code = (
        pl.when(pl.col("RegioS") == "Nederland")
        .then(pl.lit("NL00"))
        .when(pl.col("_niveau") == "GM")
        .then(pl.col("code"))
        .otherwise(pl.lit("PD_") + slug)
    )
    soort = (
        pl.when(pl.col("RegioS") == "Nederland")
        .then(pl.lit("land"))
        .when(pl.col("_niveau") == "GM")
        .then(pl.lit("gemeente"))
        .otherwise(pl.lit("politiedistrict"))
    )
    lang, _ = _lang(
        vm,
        bron="cbs_veiligheidsmonitor",
        variabelen=variabelen,
        regiocode=code,
        regio_soort=soort,
        regionaam=pl.col("RegioS"),
        peiljaar=pl.col("Perioden").cast(pl.Int64),
        indelingsjaar=pl.lit(None, pl.Int64),
        sha=bf.sha256.get(BRONBESTAND["cbs_veiligheidsmonitor"]),
        tabel_id="85146NED",
    )
    return lang


def _overige(bf: Bronframes, variabelen: list[Variabele]) -> list[pl.DataFrame]:
    sha = bf.sha256.get
    delen = []
    delen.append(
        _lang(
            bf.bevolking_buurt_2024,
            bron="cbs_bevolking_2024",
            variabelen=variabelen,
            regiocode=pl.col("buurtcode"),
            peiljaar=pl.lit(2024),
            indelingsjaar=pl.lit(2024),
            sha=sha(BRONBESTAND["cbs_bevolking_2024"]),
            tabel_id="85984NED",
        )[0]
    )
    if 2020 in bf.kwb:
        # Weight for the Leefbaarometer wijk scores (wijk indeling 2022): KWB 2020 inhabitants of
        # the wijk with the same code. A wijk whose code changed has no weight (lower dekking).
        lbm_wijken = bf.leefbaarometer_wijk.select(pl.col("wk_code").unique())
        kwb20 = bf.kwb[2020]
        sleutel = next(k for k in kwb20.columns if concept(k) == "AantalInwoners")
        wijk22 = kwb20.filter(pl.col("SoortRegio_2") == "Wijk").join(
            lbm_wijken, left_on="Codering_3", right_on="wk_code", how="semi"
        )
        delen.append(
            _lang(
                wijk22.rename({sleutel: "AantalInwoners"}),
                bron="cbs_bevolking_wijk_2022",
                variabelen=variabelen,
                regiocode=pl.col("Codering_3"),
                peiljaar=pl.lit(2020),
                indelingsjaar=pl.lit(2022),
                sha=sha(kwb_bestand(BRONNEN["cbs_kwb"].tabellen[2020])),
                tabel_id=BRONNEN["cbs_kwb"].tabellen[2020],
            )[0].with_columns(bron_variabele=pl.lit(sleutel))
        )
    # 0.0.0 is the total of all crimes; the other codes are sub-totals and details (PITFALLS).
    delen.append(
        _lang(
            bf.misdrijven_buurt.filter(pl.col("soort_misdrijf") == "0.0.0"),
            bron="cbs_misdrijven",
            variabelen=variabelen,
            regiocode=pl.col("bu_code"),
            regionaam=pl.col("bu_naam"),
            peiljaar=pl.col("jaar"),
            indelingsjaar=pl.lit(2024),
            sha=sha(BRONBESTAND["cbs_misdrijven"]),
            tabel_id="47018NED",
        )[0]
    )
    for bron, df, code, naam in (
        ("leefbaarometer_wijk", bf.leefbaarometer_wijk, "wk_code", "wk_naam"),
        ("leefbaarometer_buurt", bf.leefbaarometer_buurt, "bu_code", "bu_naam"),
    ):
        indeling = 2022 if bron == "leefbaarometer_wijk" else pl.col("jaar")
        delen.append(
            _lang(
                df,
                bron=bron,
                variabelen=variabelen,
                regiocode=pl.col(code),
                regionaam=pl.col(naam),
                peiljaar=pl.col("jaar"),
                indelingsjaar=pl.lit(indeling) if isinstance(indeling, int) else indeling,
                sha=sha(BRONBESTAND[bron]),
                tabel_id=BRONBESTAND[bron],
            )[0]
        )
    delen.append(_veiligheidsmonitor(bf, variabelen))
    # SES-WOA and the Gezondheidsmonitor describe each year on that year's indeling.
    delen.append(
        _lang(
            bf.ses_woa,
            bron="cbs_ses_woa",
            variabelen=variabelen,
            regiocode=pl.col("RegiocodeGemeenteWijkBuurt_1"),
            regionaam=pl.col("WijkenEnBuurten"),
            peiljaar=pl.col("Perioden").cast(pl.Int64),
            indelingsjaar=pl.col("Perioden").cast(pl.Int64),
            sha=sha(BRONBESTAND["cbs_ses_woa"]),
            tabel_id="85163NED",
        )[0]
    )
    gez = bf.gezondheid_rotterdam.filter(pl.col("marges") == "Waarde")
    delen.append(
        _lang(
            gez,
            bron="rivm_gezondheid",
            variabelen=variabelen,
            # The file codes the country NL01; the monitor's code for Nederland is NL00.
            regiocode=pl.when(pl.col("soort_regio") == "Land")
            .then(pl.lit("NL00"))
            .otherwise(pl.col("regiocode")),
            regio_soort=pl.col("soort_regio").replace_strict(_SOORT, default=None),
            regionaam=pl.col("regionaam"),
            peiljaar=pl.col("jaar"),
            indelingsjaar=pl.col("jaar"),
            sha=sha(BRONBESTAND["rivm_gezondheid"]),
            tabel_id="rivm/gezondheid",
        )[0]
    )
    return delen


# -- base and additive amount ------------------------------------------------------------------


def _met_basis(lang: pl.DataFrame, variabelen: list[Variabele]) -> pl.DataFrame:
    basisbron = pl.DataFrame(
        {
            "bron": [v.bron for v in variabelen],
            "variabele": [v.id for v in variabelen],
            "basis_bron": [v.basis_bron or v.bron for v in variabelen],
        }
    )
    lang = lang.join(basisbron, on=["bron", "variabele"], how="left")
    basis = lang.select(
        pl.col("bron").alias("basis_bron"),
        pl.col("variabele").alias("basis_variabele"),
        "indelingsjaar",
        "regiocode",
        pl.col("waarde").alias("basis"),
    ).unique(["basis_bron", "basis_variabele", "indelingsjaar", "regiocode"])
    lang = lang.join(
        basis,
        on=["basis_bron", "basis_variabele", "indelingsjaar", "regiocode"],
        how="left",
        nulls_equal=False,
    )
    aantal = (
        pl.when(pl.col("vorm") == "aantal")
        .then(pl.col("waarde"))
        .when(pl.col("vorm") == "percentage")
        .then(pl.col("waarde") * pl.col("basis") / 100.0)
        .otherwise(pl.col("waarde") * pl.col("basis"))
    )
    return lang.with_columns(aantal=aantal).select(
        [pl.col(k).cast(t) for k, t in METINGEN_SCHEMA.items()]
    )


def bouw_metingen(bf: Bronframes, catalogus: Catalogus) -> Metingen:
    """All source values the catalogue names, as one long table, plus what each table fills."""
    kwb_delen, kwb_info = _kwb(bf, catalogus.variabelen)
    overige = _overige(bf, catalogus.variabelen)
    lang = pl.concat(
        [d.select([c for c in METINGEN_SCHEMA if c in d.columns]) for d in (*kwb_delen, *overige)],
        how="diagonal_relaxed",
    )
    metingen = _met_basis(lang, catalogus.variabelen).sort(
        ["bron", "tabel_id", "variabele", "peiljaar", "regiocode"]
    )
    # What each table fills per variable: KWB from the wide table (unfilled columns included),
    # the others from the long rows.
    bv_kwb = [
        i["kaart"]
        .join(i["gevuld"], on="bron_variabele")
        .with_columns(
            bron=pl.lit(i["bron"]),
            tabel_id=pl.lit(i["tabel_id"]),
            indelingsjaar=pl.lit(i["indelingsjaar"], pl.Int64),
            bron_sha256=pl.lit(i["sha"], pl.String),
        )
        for i in kwb_info
    ]
    bv_overig = (
        pl.concat(overige, how="diagonal_relaxed")
        .group_by(
            [
                "bron",
                "tabel_id",
                "variabele",
                "bron_variabele",
                "peiljaar",
                "indelingsjaar",
                "bron_sha256",
            ]
        )
        .agg(pl.len().alias("rijen"), pl.col("waarde").is_not_null().sum().alias("gevuld"))
    )
    bronvariabelen = pl.concat(
        [
            d.select([pl.col(k).cast(t) for k, t in BRONVARIABELEN_SCHEMA.items()])
            for d in (*bv_kwb, bv_overig)
        ]
    ).sort(["bron", "tabel_id", "variabele", "peiljaar"])
    return Metingen(metingen=metingen, bronvariabelen=bronvariabelen)
