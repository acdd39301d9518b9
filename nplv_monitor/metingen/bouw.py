"""Build ``metingen.metingen``: every source value the catalogue names, in one long table.

How each source is reshaped is declared in the source registry (``metingen`` blocks of
assets/bronnen.yaml); this module is the one generic path that carries it out. One row per
(bron, tabel, variabele, regio, peiljaar) with the value as published, the base needed
to aggregate it and the additive amount (``aantal``) the engine sums: a count as is, a CBS
percentage turned back into a count with its base (% × basis / 100), an average or score times its
weight. Suppressed values stay in as null (missing is not zero); a variable a table does not fill
at all has no rows but is listed in ``bronvariabelen`` with gevuld = 0 (status ontbreekt later).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from nplv_monitor.bronnen import register
from nplv_monitor.geografie import overgang as indelingsovergang
from nplv_monitor.indicatoren.catalogus import Catalogus, CatalogusFout, Variabele
from nplv_monitor.metingen import sleutels as sleutelresolutie
from nplv_monitor.metingen.bronframes import Bronframes

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
    "overgang": pl.String(),
    "marge": pl.Float64(),
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
    "release": pl.String(),
    "sleutel_groep": pl.String(),
}

_SOORT = {"Land": "land", "Gemeente": "gemeente", "Wijk": "wijk", "Buurt": "buurt"}


@dataclass
class Metingen:
    metingen: pl.DataFrame
    bronvariabelen: pl.DataFrame


concept = sleutelresolutie.concept


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


# -- one generic reshape per registry ``metingen`` block -------------------------------------


@dataclass(frozen=True)
class _Kolom:
    """A source column that becomes a variable: its key, peiljaar (None: from the row) and the
    CBS release and topic group it was resolved in."""

    variabele: Variabele
    peiljaar: int | None
    release: str | None = None
    groep: str | None = None


def _peiljaar(v: Variabele, jaar: int, tabel_id: str, omschrijving: str) -> int:
    if v.peiljaar == "tabeljaar":
        return jaar
    # WOZ: "De (voorlopig) gemiddelde woningwaarde wordt bepaald met de waardepeildatum van
    # voorgaand jaar, bijv: - 2024: waardepeildatum 1 januari 2023". The example year is not
    # always the table's own: the first release of KWB 2024 (August 2024) still says "- 2023:
    # waardepeildatum 1 januari 2022". The rule the example states (the offset between the year
    # and its waardepeildatum) is what applies; two examples that disagree are refused.
    paren = {
        (int(j), int(d))
        for j, d in re.findall(
            r"(\d{4})\s*:\s*waardepeildatum\s+1\s+januari\s+(\d{4})", omschrijving
        )
    }
    eigen = [d for j, d in paren if j == jaar]
    if eigen:
        return eigen[0]
    verschuivingen = {j - d for j, d in paren}
    if len(verschuivingen) != 1:
        raise CatalogusFout(
            f"{v.bestand}: variabele {v.id!r}: geen (eenduidige) waardepeildatum voor {jaar} in de "
            f"DataProperties-omschrijving van {tabel_id} (gevonden: {sorted(paren) or 'geen'})."
        )
    return jaar - verschuivingen.pop()


def _release_dataproperties(bf: Bronframes, tabel_id: str, release: str | None) -> pl.DataFrame:
    dp = bf.dataproperties.filter(pl.col("tabel_id") == tabel_id)
    if "release" in dp.columns and release is not None:
        eigen = dp.filter(pl.col("release") == release)
        if eigen.height:
            return eigen
        bekend = sorted({r for r in dp["release"].to_list() if r})
        raise sleutelresolutie.SleutelFout(
            f"{tabel_id}: de data komt uit release {release}, maar de DataProperties van die "
            f"release ontbreken (wel: {', '.join(bekend) or 'geen'})."
        )
    return dp


def _cbs_kolommen(
    m: register.Metingbron,
    eigen: list[Variabele],
    df: pl.DataFrame,
    bf: Bronframes,
    *,
    jaar: int,
    tabel_id: str,
    release: str | None,
) -> dict[str, _Kolom]:
    gezocht = [
        sleutelresolutie.Gezocht(v.id, v.keuze_voor(jaar), v.groep, v.bestand)
        for v in eigen
        if v.keuze_voor(jaar)
    ]
    per_id = {v.id: v for v in eigen}
    opgelost = sleutelresolutie.los_op(
        gezocht,
        _release_dataproperties(bf, tabel_id, release),
        tabel_id=tabel_id,
        release=release,
        kolommen=df.columns,
    )
    return {
        o.sleutel: _Kolom(
            per_id[o.variabele],
            _peiljaar(per_id[o.variabele], jaar, tabel_id, o.omschrijving)
            if m.peiljaar.soort == "tabeljaar"
            else None,
            release,
            o.groep,
        )
        for o in opgelost
    }


def _bestand_kolommen(
    m: register.Metingbron, eigen: list[Variabele], df: pl.DataFrame, tabel_id: str
) -> dict[str, _Kolom]:
    kolommen: dict[str, _Kolom] = {}
    for v in eigen:
        sleutel = v.sleutel or ""
        passend = [k for k in df.columns if k == sleutel or concept(k) == sleutel]
        if v.positie is not None:
            passend = passend[v.positie - 1 : v.positie]
        if len(passend) != 1:
            raise CatalogusFout(
                f"{v.bestand}: variabele {v.id!r}: kolom {sleutel!r} komt {len(passend)} keer voor in {tabel_id}."
            )
        kolommen[passend[0]] = _Kolom(v, None)
    return kolommen


def kaartjaar(dp: pl.DataFrame, jaar: int | None) -> int | None:
    """The MapYear of a release's region dimension (DataProperties row of Type GeoDetail): the CBS
    indeling its region codes follow; the table year when the release does not state it."""
    geo = dp.filter(pl.col("Type") == "GeoDetail", pl.col("MapYear").is_not_null())
    jaren = set(geo["MapYear"].to_list())
    if len(jaren) > 1:
        raise CatalogusFout(f"De DataProperties noemen meer dan één kaartjaar: {sorted(jaren)}.")
    return int(jaren.pop()) if jaren else jaar


def _jaar_expr(w: register.Jaarwaarde, jaar: int | None, mapjaar: int | None = None) -> pl.Expr:
    if w.soort == "tabeljaar":
        return pl.lit(jaar, pl.Int64)
    if w.soort == "kaartjaar":
        return pl.lit(mapjaar, pl.Int64)
    if w.soort == "vast":
        return pl.lit(w.jaar, pl.Int64)
    if w.soort == "kolom":
        return pl.col(str(w.kolom)).cast(pl.Int64)
    return pl.lit(None, pl.Int64)


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


def _regio_uit_naam(
    df: pl.DataFrame, kolom: str, bf: Bronframes
) -> tuple[pl.DataFrame, pl.Expr, pl.Expr]:
    """Names with a level suffix ("Rotterdam (GM)", "Rotterdam Zuid (PD)"): gemeenten get their CBS
    code through the KWB gemeente names, police districts a PD_ slug (they have no CBS code)."""
    df = df.with_columns(
        pl.col(kolom).str.extract(r"\((GM|PD)\)$").alias("_niveau"),
        pl.col(kolom).str.replace(r"\s*\((GM|PD|BT|RE|LD)\)$", "").str.strip_chars().alias("_naam"),
    )
    df = df.filter((pl.col(kolom) == "Nederland") | pl.col("_niveau").is_not_null())
    df = df.join(_gemeentecodes(bf), left_on="_naam", right_on="naam", how="left")
    slug = (
        pl.col("_naam").str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "_").str.strip_chars("_")
    )
    code = (
        pl.when(pl.col(kolom) == "Nederland")
        .then(pl.lit("NL00"))
        .when(pl.col("_niveau") == "GM")
        .then(pl.col("code"))
        .otherwise(pl.lit("PD_") + slug)
    )
    soort = (
        pl.when(pl.col(kolom) == "Nederland")
        .then(pl.lit("land"))
        .when(pl.col("_niveau") == "GM")
        .then(pl.lit("gemeente"))
        .otherwise(pl.lit("politiedistrict"))
    )
    return df, code, soort


def _marges(
    m: register.Metingbron,
    grenzen: pl.DataFrame | None,
    kolommen: list[str],
    code: pl.Expr,
    peiljaar: pl.Expr,
) -> pl.DataFrame:
    """(regiocode, peiljaar, bron_variabele, marge): half the width of the published 95%
    interval per value, from the bound rows of a survey table (empty without ``marges``)."""
    leeg = pl.DataFrame(
        schema={
            "regiocode": pl.String,
            "peiljaar": pl.Int64,
            "bron_variabele": pl.String,
            "marge": pl.Float64,
        }
    )
    if m.marges is None or grenzen is None:
        return leeg
    kolom, onder, boven = m.marges
    grens = (
        pl.col("_w").filter(pl.col("_grens") == boven).first()
        - pl.col("_w").filter(pl.col("_grens") == onder).first()
    )
    return (
        grenzen.select(
            code.alias("regiocode"),
            peiljaar.alias("peiljaar"),
            pl.col(kolom).alias("_grens"),
            *[pl.col(k).cast(pl.Float64) for k in kolommen],
        )
        .unpivot(
            index=["regiocode", "peiljaar", "_grens"],
            variable_name="bron_variabele",
            value_name="_w",
        )
        .group_by("regiocode", "peiljaar", "bron_variabele")
        .agg((grens / 2).alias("marge"))
        .select(list(leeg.columns))
        .cast(leeg.schema)
    )


@dataclass
class _Deel:
    lang: pl.DataFrame
    bronvariabelen: pl.DataFrame


def _omvorm(
    m: register.Metingbron,
    df: pl.DataFrame,
    variabelen: list[Variabele],
    bf: Bronframes,
    *,
    jaar: int | None,
    tabel_id: str,
    bron_tabel: str,
) -> _Deel:
    """One source table → long rows (the registry's ``metingen`` block, carried out)."""
    eigen = [v for v in variabelen if v.bron == m.code]
    sha, release = bf.databestand(bron_tabel)
    # Survey tables publish the 95% interval as extra rows (Marges: ondergrens/bovengrens) beside
    # the value row; kept aside here, before the filter keeps only the value rows.
    grenzen = df.filter(pl.col(m.marges[0]).is_in(m.marges[1:])) if m.marges else None
    for kolom, waarde in m.filter.items():
        df = df.filter(pl.col(kolom) == waarde)
    # Columns the registry derives from the table's own (afgeleid): reshaped like any other.
    df = df.with_columns(pl.sql_expr(e).alias(k) for k, e in m.afgeleid.items())
    if m.alleen_codes_uit:
        bron, kolom = m.alleen_codes_uit
        codes = bf.tabellen[bron].select(pl.col(kolom).unique())
        df = df.join(codes, left_on=str(m.regio.code), right_on=kolom, how="semi")
    mapjaar: int | None = None
    if m.sleutels == "cbs":
        if jaar is None:
            raise CatalogusFout(f"Metingbron {m.code}: CBS-sleutels oplossen vraagt een tabeljaar.")
        kolommen = _cbs_kolommen(m, eigen, df, bf, jaar=jaar, tabel_id=tabel_id, release=release)
        mapjaar = kaartjaar(_release_dataproperties(bf, tabel_id, release), jaar)
    else:
        kolommen = _bestand_kolommen(m, eigen, df, tabel_id)
    if m.regio.code_uit_naam:
        df, code, soort = _regio_uit_naam(df, m.regio.code_uit_naam, bf)
        if grenzen is not None:
            grenzen = _regio_uit_naam(grenzen, m.regio.code_uit_naam, bf)[0]
    else:
        code = pl.col(str(m.regio.code))
        if m.regio.codes:
            code = code.replace(m.regio.codes)
        soort = (
            pl.col(m.regio.soort).replace_strict(_SOORT, default=None)
            if m.regio.soort
            else soort_van_code(pl.col(str(m.regio.code)))
        )
    naam = pl.col(m.regio.naam) if m.regio.naam else pl.lit(None, pl.String)
    kaart = pl.DataFrame(
        {
            "bron_variabele": list(kolommen),
            "variabele": [k.variabele.id for k in kolommen.values()],
            "_peiljaar": [k.peiljaar for k in kolommen.values()],
            "eenheid": [k.variabele.eenheid for k in kolommen.values()],
            "vorm": [k.variabele.vorm for k in kolommen.values()],
            "basis_variabele": [k.variabele.basis for k in kolommen.values()],
            "sleutel_groep": [k.groep for k in kolommen.values()],
        },
        schema_overrides={
            "_peiljaar": pl.Int64,
            "basis_variabele": pl.String,
            "sleutel_groep": pl.String,
        },
    )
    lang = (
        df.select(
            code.alias("regiocode"),
            soort.alias("regio_soort"),
            naam.alias("regionaam"),
            _jaar_expr(m.peiljaar, jaar).alias("peiljaar"),
            _jaar_expr(m.indelingsjaar, jaar, mapjaar).alias("indelingsjaar"),
            *[pl.col(k).cast(pl.Float64) for k in kolommen],
        )
        .unpivot(
            index=["regiocode", "regio_soort", "regionaam", "peiljaar", "indelingsjaar"],
            variable_name="bron_variabele",
            value_name="waarde",
        )
        .join(
            _marges(m, grenzen, list(kolommen), code, _jaar_expr(m.peiljaar, jaar)),
            on=["regiocode", "peiljaar", "bron_variabele"],
            how="left",
        )
        .join(kaart, on="bron_variabele", how="left")
        # A CBS key's own reference date (WOZ: waardepeildatum) overrides the table year.
        .with_columns(peiljaar=pl.coalesce("_peiljaar", "peiljaar"))
        .drop("_peiljaar")
        .with_columns(
            bron=pl.lit(m.code),
            tabel_id=pl.lit(tabel_id),
            bron_sha256=pl.lit(sha, pl.String),
            release=pl.lit(release, pl.String),
        )
        .filter(pl.col("regiocode").is_not_null())
    )
    bv = lang.group_by(
        [
            "bron",
            "tabel_id",
            "variabele",
            "bron_variabele",
            "peiljaar",
            "indelingsjaar",
            "bron_sha256",
            "release",
            "sleutel_groep",
        ]
    ).agg(pl.len().alias("rijen"), pl.col("waarde").is_not_null().sum().alias("gevuld"))
    if m.sleutels == "cbs":
        # A CBS topic the table does not fill (yet: KWB fills in stages) is not data: drop it
        # here, bronvariabelen records it with gevuld = 0 (status ontbreekt later).
        gevulde = bv.filter(pl.col("gevuld") > 0)["bron_variabele"]
        lang = lang.filter(pl.col("bron_variabele").is_in(gevulde.implode()))
    return _Deel(lang, bv)


def _delen(bf: Bronframes, variabelen: list[Variabele]) -> list[_Deel]:
    reg = register.laad()
    delen: list[_Deel] = []
    for m in reg.metingbronnen():
        bron = reg.bron(m.tabel)
        if bron.per_jaar:
            for jaar, df in sorted(bf.kwb.items()):
                if m.jaar is not None and jaar != m.jaar:
                    continue
                delen.append(
                    _omvorm(
                        m,
                        df,
                        variabelen,
                        bf,
                        jaar=jaar,
                        tabel_id=register.kwb_tabel_id(jaar),
                        bron_tabel=f"bron.kwb_{jaar}",
                    )
                )
        else:
            tabel_id = m.tabel_id or bron.tabel_id()
            if tabel_id is None:
                raise CatalogusFout(f"Metingbron {m.code}: geen tabel_id in het bronnenregister.")
            delen.append(
                _omvorm(
                    m,
                    bf.tabellen[m.tabel],
                    variabelen,
                    bf,
                    jaar=max(bron.tabellen) if bron.tabellen else None,
                    tabel_id=tabel_id,
                    bron_tabel=f"bron.{m.tabel}",
                )
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
    basis = pl.concat([basis, *_samengestelde_basis(basis, variabelen)])
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
        # the population a published count (basis) is the percentage of: count × 100 / %; a unit
        # at 0% has no such population to derive (null, never a division by zero)
        .when(pl.col("vorm") == "noemer_uit_percentage")
        .then(pl.when(pl.col("waarde") > 0).then(pl.col("basis") * 100.0 / pl.col("waarde")))
        .otherwise(pl.col("waarde") * pl.col("basis"))
    )
    return lang.with_columns(aantal=aantal).select(
        [pl.col(k).cast(t) for k, t in METINGEN_SCHEMA.items()]
    )


def _samengestelde_basis(basis: pl.DataFrame, variabelen: list[Variabele]) -> list[pl.DataFrame]:
    """A basis of several variables (``basis: [a, b]``, stored as ``a+b``) is their sum per unit;
    missing when any part is missing (as a list of noemers in the engine)."""
    delen = []
    for v in {v.basis: v for v in variabelen if len(v.basis_delen) > 1}.values():
        ids = list(v.basis_delen)
        delen.append(
            basis.filter(pl.col("basis_variabele").is_in(ids))
            .group_by("basis_bron", "indelingsjaar", "regiocode")
            .agg(
                pl.when(
                    pl.col("basis").is_null().any()
                    | (pl.col("basis_variabele").n_unique() < len(ids))
                )
                .then(None)
                .otherwise(pl.col("basis").sum())
                .alias("basis")
            )
            .select(
                "basis_bron",
                pl.lit(v.basis, pl.String).alias("basis_variabele"),
                "indelingsjaar",
                "regiocode",
                "basis",
            )
        )
    return [d.cast(basis.schema) for d in delen]


# -- a source on another indeling than its table's -------------------------------------------


def _buurtlijsten(lang: pl.DataFrame) -> pl.DataFrame:
    """(indelingsjaar, regiocode, inwoners, _lijst_bron): every buurt of an indeling with its
    inhabitants, from the source with the most buurt rows of ``inwoners`` in that indeling (the
    complete list: KWB 2020, the 2024 population file), as the engine's reference population."""
    inw = lang.filter(
        (pl.col("variabele") == "inwoners")
        & (pl.col("regio_soort") == "buurt")
        & pl.col("indelingsjaar").is_not_null()
    )
    volledig = (
        inw.group_by("bron", "indelingsjaar")
        .agg(pl.col("regiocode").n_unique().alias("n"))
        .sort("n", "bron", descending=[True, False])
        .unique("indelingsjaar", keep="first")
    )
    return (
        inw.join(volledig.drop("n"), on=["bron", "indelingsjaar"])
        .select(
            "indelingsjaar",
            "regiocode",
            pl.col("waarde").alias("inwoners"),
            pl.col("bron").alias("_lijst_bron"),
        )
        .unique(["indelingsjaar", "regiocode"])
    )


def op_eigen_indeling(lang: pl.DataFrame) -> pl.DataFrame:
    """Carry buurt rows coded on another indeling onto the indeling their table declares.

    The police extract declares the 2024 indeling, but Zaanstad's buurten in it carry the codes of
    an older indeling (BU04791110, recoded in 2024 to BU04791111/BU04791112): joined on code they
    fall outside every area. Per table, a wijk with a buurt code the indeling does not have is
    carried as a whole (geografie/overgang.py): its total is spread over the indeling's buurten of
    that wijk in proportion to inhabitants, so every total of whole wijken is exact; those rows
    get ``overgang`` = 'wijkverdeling' and the indicator stage withholds their single-buurt values.
    Only additive values (vorm aantal) can be carried; any other form raises ``OvergangFout``.
    """
    lijsten = _buurtlijsten(lang)
    buurt = (pl.col("regio_soort") == "buurt") & pl.col("indelingsjaar").is_not_null()
    groepen = (
        lang.filter(buurt)
        .select("bron", "tabel_id", "indelingsjaar")
        .unique()
        .join(
            lijsten.select("indelingsjaar", pl.col("_lijst_bron").alias("bron")).unique(),
            on=["bron", "indelingsjaar"],
            how="anti",
        )
        .join(lijsten.select("indelingsjaar").unique(), on="indelingsjaar", how="semi")
        .sort("bron", "tabel_id", "indelingsjaar")
    )
    vervangen: list[pl.DataFrame] = []
    nieuw: list[pl.DataFrame] = []
    for g in groepen.iter_rows(named=True):
        eigen = lang.filter(
            buurt,
            pl.col("bron") == g["bron"],
            pl.col("tabel_id") == g["tabel_id"],
            pl.col("indelingsjaar") == g["indelingsjaar"],
        )
        doel = lijsten.filter(pl.col("indelingsjaar") == g["indelingsjaar"])
        wijken = indelingsovergang.over_te_zetten_wijken(eigen.select("regiocode"), doel)
        plaatsbaar = wijken.filter(pl.col("plaatsbaar"))
        if plaatsbaar.is_empty():
            continue
        te_dragen = eigen.join(plaatsbaar.select("regiocode", "wijkcode"), on="regiocode")
        andere_vorm = te_dragen.filter(pl.col("vorm") != "aantal")
        if andere_vorm.height:
            raise indelingsovergang.OvergangFout(
                f"{g['tabel_id']} (bron {g['bron']}): de buurten van wijk(en) "
                f"{', '.join(sorted(set(andere_vorm['wijkcode'].to_list()))[:5])} staan op een andere "
                f"indeling dan {g['indelingsjaar']}, en variabele(n) "
                f"{', '.join(sorted(set(andere_vorm['variabele'].to_list())))} zijn niet optelbaar "
                "(vorm ≠ aantal): alleen aantallen zijn per wijk over te zetten."
            )
        sleutels = [
            c for c in lang.columns if c not in ("regiocode", "regionaam", "waarde", "overgang")
        ]
        verdeeld = indelingsovergang.verdeel_wijktotalen(
            te_dragen.select(*sleutels, "wijkcode", "waarde"),
            sleutels,
            doel.select("regiocode", "inwoners"),
        )
        vervangen.append(te_dragen.select(*sleutels, "regiocode"))
        nieuw.append(
            verdeeld.with_columns(
                regionaam=pl.lit(None, pl.String),
                overgang=pl.lit(indelingsovergang.WIJKVERDELING),
            )
        )
    if not nieuw:
        return lang
    weg = pl.concat(vervangen)
    return pl.concat(
        [lang.join(weg, on=weg.columns, how="anti", nulls_equal=True), *nieuw],
        how="diagonal_relaxed",
    )


def bouw_metingen(bf: Bronframes, catalogus: Catalogus) -> Metingen:
    """All source values the catalogue names, as one long table, plus what each table fills."""
    delen = _delen(bf, catalogus.variabelen)
    lang = pl.concat(
        [d.lang.select([c for c in METINGEN_SCHEMA if c in d.lang.columns]) for d in delen],
        how="diagonal_relaxed",
    ).with_columns(overgang=pl.lit(None, pl.String))
    lang = op_eigen_indeling(lang)
    metingen = _met_basis(lang, catalogus.variabelen).sort(
        ["bron", "tabel_id", "variabele", "peiljaar", "regiocode"]
    )
    bronvariabelen = pl.concat(
        [
            d.bronvariabelen.select([pl.col(k).cast(t) for k, t in BRONVARIABELEN_SCHEMA.items()])
            for d in delen
        ]
    ).sort(["bron", "tabel_id", "variabele", "peiljaar"])
    return Metingen(metingen=metingen, bronvariabelen=bronvariabelen)
