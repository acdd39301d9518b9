"""Gebiedsrealisatie indicators: published scheme figures, per-area exports and area returns.

Everything becomes one long table of facts (gebied, peiljaar, maat, range, provenance); each
catalogue indicator (familie gebiedsrealisatie, ``assets/indicatoren/gebiedsrealisatie.yaml``) is a
teller maat, optionally over a noemer maat. Rules (docs/realisatie.md):

- A published figure keeps its range: ``waarde`` is only set when min = max; otherwise
  ``waarde_min``/``waarde_max`` carry the range. Wording ('ongeveer', 'ruim') stays in toelichting.
- Per-area figures (returns, exports) are added up to ``alle_focusgebieden`` as sum of tellers over
  sum of noemers, with ``aantal_gebieden`` = the areas that delivered the figure. A *sum* over fewer
  than all 20 areas is not a total: it is published as ``onderdrukt`` (the partial sum stays in
  ``teller``); a ratio over k areas is published with "k van 20 focusgebieden".
- Where the same (gebied, indicator, peiljaar) has several origins, the Kamerstuk wins over the
  ministry's export, which wins over the areas' own returns.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from nplv_monitor import validatie
from nplv_monitor.geografie.gebieden import (
    ALLE_FOCUSGEBIEDEN,
    NEDERLAND,
    aantal_focusgebieden,
    focusgebieden,
)
from nplv_monitor.indicatoren.catalogus import Indicator, laad_catalogus
from nplv_monitor.realisatie import uitvraag

FAMILIE = "gebiedsrealisatie"
INDICATORWAARDEN = "monitor.indicatorwaarden"
#: Origin of a fact, best first.
HERKOMST = ("kamerstuk", "regelingexport", "uitvraag")

FEIT_SCHEMA: dict[str, pl.DataType] = {
    "gebied_code": pl.String(),
    "peiljaar": pl.Int64(),
    "maat": pl.String(),
    "herkomst": pl.String(),
    "w_min": pl.Float64(),
    "w_max": pl.Float64(),
    "bron_tabel": pl.String(),
    "bron_vermelding": pl.String(),
    "bron_sha256": pl.String(),
    "toelichting": pl.String(),
    "aantal_gebieden": pl.Int64(),
}

UITVOER_KOLOMMEN: dict[str, pl.DataType] = {
    "gebied_code": pl.String(),
    "gebied_soort": pl.String(),
    "indicator_code": pl.String(),
    "familie": pl.String(),
    "actielijn": pl.String(),
    "peiljaar": pl.Int64(),
    "indelingsjaar": pl.Int64(),
    "waarde": pl.Float64(),
    "waarde_min": pl.Float64(),
    "waarde_max": pl.Float64(),
    "teller": pl.Float64(),
    "noemer": pl.Float64(),
    "dekking": pl.Float64(),
    "aantal_gebieden": pl.Int64(),
    "status": pl.String(),
    "status_toelichting": pl.String(),
    "eenheid": pl.String(),
    "bron_tabel": pl.String(),
    "bron_variabele": pl.String(),
    "bron_sha256": pl.String(),
    "bron_vermelding": pl.String(),
    "toelichting": pl.String(),
    "waarde_nederland": pl.Float64(),
    "verschil_nederland": pl.Float64(),
    "basisjaar": pl.Int64(),
    "waarde_basisjaar": pl.Float64(),
    "verandering_sinds_basis": pl.Float64(),
    "verschil_nederland_basisjaar": pl.Float64(),
    "verandering_verschil": pl.Float64(),
    "percentiel_wijken": pl.Float64(),
}


def _tekst_join(kolom: str) -> pl.Expr:
    return pl.col(kolom).drop_nulls().unique(maintain_order=True).str.join("; ")


def _som_of_leeg(kolom: str) -> pl.Expr:
    return pl.when(pl.col(kolom).count() > 0).then(pl.col(kolom).sum()).otherwise(None)


# -- facts --------------------------------------------------------------------------------------
def feiten(cijfers: pl.DataFrame, exports: pl.DataFrame, antwoorden: pl.DataFrame) -> pl.DataFrame:
    """All quantities in one long frame, parts of the same quantity added up."""
    gepubliceerd = cijfers.select(
        "gebied_code",
        "peiljaar",
        "maat",
        pl.lit("kamerstuk").alias("herkomst"),
        pl.col("waarde_min").alias("w_min"),
        pl.col("waarde_max").alias("w_max"),
        pl.col("kamerstuk").alias("bron_tabel"),
        pl.col("bron").alias("bron_vermelding"),
        "bron_sha256",
        pl.concat_str(
            pl.col("kenmerk"),
            pl.lit(" ("),
            pl.col("periode"),
            pl.lit(")"),
            pl.when(pl.col("toelichting").is_not_null())
            .then(pl.lit(": ") + pl.col("toelichting"))
            .otherwise(pl.lit("")),
        ).alias("toelichting"),
        "aantal_gebieden",
    )
    export = exports.select(
        "gebied_code",
        pl.col("jaar").alias("peiljaar"),
        "maat",
        pl.lit("regelingexport").alias("herkomst"),
        pl.col("waarde").alias("w_min"),
        pl.col("waarde").alias("w_max"),
        pl.lit("realisatie.regelingen_gebied").alias("bron_tabel"),
        pl.concat_str(pl.lit("Regelingenadministratie: "), pl.col("bron")).alias("bron_vermelding"),
        "bestand_sha256",
        pl.concat_str(
            pl.col("regeling"),
            pl.lit(" "),
            pl.col("kenmerk"),
            pl.lit(", peildatum "),
            pl.col("peildatum").cast(pl.String),
        ).alias("toelichting"),
        pl.lit(None, pl.Int64).alias("aantal_gebieden"),
    ).rename({"bestand_sha256": "bron_sha256"})
    retour = antwoorden.filter(pl.col("maat").is_not_null()).select(
        "gebied_code",
        pl.col("jaar").alias("peiljaar"),
        "maat",
        pl.lit("uitvraag").alias("herkomst"),
        pl.col("waarde").alias("w_min"),
        pl.col("waarde").alias("w_max"),
        pl.lit("realisatie.retouren_antwoorden").alias("bron_tabel"),
        pl.format(
            "Uitvraag focusgebieden {}, vraag {}, retour {}", "jaar", "vraag_id", "bestand"
        ).alias("bron_vermelding"),
        pl.col("bestand_sha256").alias("bron_sha256"),
        "toelichting",
        pl.lit(None, pl.Int64).alias("aantal_gebieden"),
    )
    alles = pl.concat([f.cast(FEIT_SCHEMA) for f in (gepubliceerd, export, retour)], how="vertical")  # type: ignore[arg-type]
    return (
        alles.group_by(["gebied_code", "peiljaar", "maat", "herkomst"], maintain_order=True)
        .agg(
            _som_of_leeg("w_min").alias("w_min"),
            _som_of_leeg("w_max").alias("w_max"),
            _tekst_join("bron_tabel").alias("bron_tabel"),
            _tekst_join("bron_vermelding").alias("bron_vermelding"),
            pl.when(pl.col("bron_sha256").n_unique() == 1)
            .then(pl.col("bron_sha256").first())
            .alias("bron_sha256"),
            _tekst_join("toelichting").alias("toelichting"),
            pl.col("aantal_gebieden").max(),
        )
        .cast(FEIT_SCHEMA)  # type: ignore[arg-type]
    )


# -- one indicator ------------------------------------------------------------------------------
_SLEUTEL = ["gebied_code", "peiljaar", "herkomst"]


def _deel(f: pl.DataFrame, maten: Iterable[str], prefix: str) -> pl.DataFrame:
    return (
        f.filter(pl.col("maat").is_in(list(maten)))
        .group_by(_SLEUTEL, maintain_order=True)
        .agg(
            _som_of_leeg("w_min").alias("min"),
            _som_of_leeg("w_max").alias("max"),
            _tekst_join("bron_tabel").alias("bron_tabel"),
            _tekst_join("bron_vermelding").alias("bron_vermelding"),
            pl.col("bron_sha256").first(),
            _tekst_join("toelichting").alias("toelichting"),
            pl.col("aantal_gebieden").max(),
        )
        .rename(lambda k: k if k in _SLEUTEL else f"{prefix}{k}")
    )


def _bereken(
    ind: Indicator, f: pl.DataFrame, uitvraagjaren: list[int], uit_uitvraag: bool
) -> pl.DataFrame:
    focus = list(focusgebieden())
    ratio = bool(ind.noemer)
    t = _deel(f, [ind.teller or ""], "t_")
    if ratio:
        n = _deel(f, ind.noemer, "n_")
        rijen = t.join(n, on=_SLEUTEL, how="full", coalesce=True)
    else:
        rijen = t.with_columns(
            *[
                pl.lit(None, FEIT_SCHEMA.get(k, pl.String())).alias(f"n_{k}")
                for k in ("min", "max")
            ],
            *[
                pl.lit(None, pl.String).alias(f"n_{k}")
                for k in ("bron_tabel", "bron_vermelding", "bron_sha256", "toelichting")
            ],
            pl.lit(None, pl.Int64).alias("n_aantal_gebieden"),
        ).with_columns(pl.col("n_min", "n_max").cast(pl.Float64))
    rijen = rijen.with_columns(
        pl.lit(False).alias("samengeteld"),
        pl.lit(None, pl.Int64).alias("k"),
        pl.lit(None, pl.String).alias("gebieden"),
    )

    # Per-area figures added up to all focus areas: only areas with a complete teller (and noemer).
    compleet = pl.col("t_min").is_not_null() & (
        (pl.col("n_min").is_not_null() & (pl.col("n_min") > 0)) if ratio else pl.lit(True)
    )
    samen = (
        rijen.filter(
            pl.col("gebied_code").is_in(focus) & (pl.col("herkomst") != "kamerstuk") & compleet
        )
        .group_by(["peiljaar", "herkomst"], maintain_order=True)
        .agg(
            pl.col("t_min", "t_max", "n_min", "n_max").sum(),
            pl.len().cast(pl.Int64).alias("k"),
            pl.col("gebied_code").sort().str.join(", ").alias("gebieden"),
            _tekst_join("t_bron_tabel").alias("t_bron_tabel"),
        )
    )
    if uit_uitvraag:
        leeg = pl.DataFrame(
            {"peiljaar": uitvraagjaren, "herkomst": ["uitvraag"] * len(uitvraagjaren)},
            schema={"peiljaar": pl.Int64, "herkomst": pl.String},
        ).join(samen.select("peiljaar", "herkomst"), on=["peiljaar", "herkomst"], how="anti")
        samen = pl.concat(
            [samen, leeg.with_columns(pl.lit(0, pl.Int64).alias("k"))], how="diagonal"
        )
    samen = samen.with_columns(
        pl.lit(ALLE_FOCUSGEBIEDEN).alias("gebied_code"),
        pl.lit(True).alias("samengeteld"),
        pl.when(pl.col("herkomst") == "uitvraag")
        .then(pl.format("Uitvraag focusgebieden {}: retouren van {} gebied(en)", "peiljaar", "k"))
        .otherwise(pl.format("Regelingenadministratie per gebied: {} gebied(en)", "k"))
        .alias("t_bron_vermelding"),
        pl.when(pl.col("t_bron_tabel").is_null())
        .then(
            pl.when(pl.col("herkomst") == "uitvraag")
            .then(pl.lit("realisatie.retouren_antwoorden"))
            .otherwise(pl.lit("realisatie.regelingen_gebied"))
        )
        .otherwise(pl.col("t_bron_tabel"))
        .alias("t_bron_tabel"),
    )
    rijen = pl.concat([rijen, samen], how="diagonal_relaxed")

    # One row per (gebied, peiljaar): the best origin.
    rang = pl.col("herkomst").replace_strict(
        {h: i for i, h in enumerate(HERKOMST)}, return_dtype=pl.Int64
    )
    rijen = rijen.sort(["gebied_code", "peiljaar", rang]).unique(
        ["gebied_code", "peiljaar"], keep="first", maintain_order=True
    )
    return _waarden(ind, rijen, ratio)


def _waarden(ind: Indicator, r: pl.DataFrame, ratio: bool) -> pl.DataFrame:
    factor = ind.factor
    t_min, t_max, n_min, n_max = (pl.col(k) for k in ("t_min", "t_max", "n_min", "n_max"))
    geen_teller = t_min.is_null()
    geen_noemer = (n_min.is_null() | (n_min <= 0)) if ratio else pl.lit(False)
    bereik = (t_min != t_max) | ((n_min != n_max) if ratio else pl.lit(False))
    laag = (t_min * factor / n_max) if ratio else t_min * factor
    hoog = (t_max * factor / n_min) if ratio else t_max * factor
    onvolledige_som = (
        pl.col("samengeteld") & pl.lit(not ratio) & (pl.col("k") < aantal_focusgebieden())
    )
    status = (
        pl.when(geen_teller | geen_noemer)
        .then(pl.lit("ontbreekt"))
        .when(onvolledige_som)
        .then(pl.lit("onderdrukt"))
        .otherwise(pl.lit("ok"))
    )
    n_tot = aantal_focusgebieden()
    status_toelichting = (
        pl.when(pl.col("samengeteld") & (pl.col("k") == 0))
        .then(pl.format("Nog geen cijfer ontvangen: 0 van {} focusgebieden", pl.lit(n_tot)))
        .when(geen_teller)
        .then(pl.lit(f"De teller ({ind.teller}) ontbreekt in de bronnen"))
        .when(geen_noemer)
        .then(pl.lit(f"De noemer ({' + '.join(ind.noemer)}) ontbreekt of is 0"))
        .when(onvolledige_som)
        .then(
            pl.format(
                "Slechts {} van {} focusgebieden leverden dit cijfer: een som over die gebieden is geen "
                "totaal voor alle focusgebieden (de deelsom staat in teller)",
                "k",
                pl.lit(n_tot),
            )
        )
        .when(pl.col("samengeteld"))
        .then(pl.format("Berekend over {} van {} focusgebieden", "k", pl.lit(n_tot)))
        .when(bereik)
        .then(pl.lit("Bandbreedte: zie waarde_min en waarde_max"))
    )
    toelichting = (
        pl.when(pl.col("samengeteld") & (pl.col("k") > 0))
        .then(pl.format("{} van {} focusgebieden: {}", "k", pl.lit(n_tot), "gebieden"))
        .when(pl.lit(ratio) & pl.col("n_toelichting").is_not_null())
        .then(
            pl.concat_str(
                pl.lit("teller: "),
                pl.col("t_toelichting").fill_null("-"),
                pl.lit(" | noemer: "),
                pl.col("n_toelichting"),
            )
        )
        .otherwise(pl.col("t_toelichting"))
    )
    bron_tabel = (
        pl.concat_list(pl.col("t_bron_tabel"), pl.col("n_bron_tabel"))
        .list.drop_nulls()
        .list.unique(maintain_order=True)
        .list.join("; ")
    )
    bron_verm = (
        pl.concat_list(pl.col("t_bron_vermelding"), pl.col("n_bron_vermelding"))
        .list.drop_nulls()
        .list.unique(maintain_order=True)
        .list.join("; ")
    )
    soort = (
        pl.when(pl.col("gebied_code") == ALLE_FOCUSGEBIEDEN)
        .then(pl.lit("alle_focusgebieden"))
        .when(pl.col("gebied_code") == NEDERLAND)
        .then(pl.lit("nederland"))
        .otherwise(pl.lit("focusgebied"))
    )
    ok = status == "ok"
    uit = r.select(
        "gebied_code",
        soort.alias("gebied_soort"),
        pl.lit(ind.code).alias("indicator_code"),
        pl.lit(FAMILIE).alias("familie"),
        pl.lit(ind.actielijn).alias("actielijn"),
        "peiljaar",
        pl.when(ok & ~bereik).then(laag).alias("waarde"),
        pl.when(ok & bereik).then(laag).alias("waarde_min"),
        pl.when(ok & bereik).then(hoog).alias("waarde_max"),
        pl.when(t_min == t_max).then(t_min).alias("teller"),
        (pl.when(n_min == n_max).then(n_min) if ratio else pl.lit(None, pl.Float64)).alias(
            "noemer"
        ),
        pl.when(pl.col("samengeteld")).then(pl.col("k") / n_tot).alias("dekking"),
        pl.when(pl.col("samengeteld"))
        .then(pl.col("k"))
        .when(pl.col("gebied_code") == ALLE_FOCUSGEBIEDEN)
        .then(pl.col("t_aantal_gebieden"))
        .alias("aantal_gebieden"),
        status.alias("status"),
        status_toelichting.alias("status_toelichting"),
        pl.lit(ind.eenheid).alias("eenheid"),
        bron_tabel.alias("bron_tabel"),
        pl.lit((ind.teller or "") + (f" / {' + '.join(ind.noemer)}" if ratio else "")).alias(
            "bron_variabele"
        ),
        pl.when(pl.col("samengeteld").not_())
        .then(pl.coalesce("t_bron_sha256", "n_bron_sha256"))
        .alias("bron_sha256"),
        bron_verm.alias("bron_vermelding"),
        toelichting.alias("toelichting"),
    )
    return uit


def bereken(cijfers: pl.DataFrame, exports: pl.DataFrame, antwoorden: pl.DataFrame) -> pl.DataFrame:
    """Every gebiedsrealisatie indicator, in the columns of monitor.indicatorwaarden."""
    f = feiten(cijfers, exports, antwoorden)
    jaren = uitvraag.beschikbare_jaren()
    retourmaten = {v.maat for j in jaren for v in uitvraag.laad(j).vragen if v.maat}
    delen = [
        _bereken(ind, f, jaren, bool({ind.teller, *ind.noemer} & retourmaten))
        for ind in laad_catalogus().van_familie(FAMILIE)
    ]
    df = pl.concat([d for d in delen if d.height], how="diagonal_relaxed")
    # The latest peiljaar with a value is the 'current' one of an area and indicator.
    df = df.with_columns(
        (
            pl.col("peiljaar")
            == pl.col("peiljaar")
            .filter(pl.col("status") == "ok")
            .max()
            .over(["gebied_code", "indicator_code"])
        )
        .fill_null(False)
        .alias("actueel")
    )
    return naar_contract(df).sort(["indicator_code", "gebied_code", "peiljaar"])


def naar_contract(df: pl.DataFrame) -> pl.DataFrame:
    """Exactly the columns of schemas/monitor.indicatorwaarden.yaml (strict), in its order; a
    comparison column this family does not fill (trend, percentile) is null of the schema's type."""
    kolommen = validatie.schema(INDICATORWAARDEN).columns
    typen = {k: (UITVOER_KOLOMMEN.get(k) or c.dtype.type) for k, c in kolommen.items()}
    return df.with_columns(
        *[pl.lit(None, typen[k]).alias(k) for k in kolommen if k not in df.columns]
    ).select([pl.col(k).cast(typen[k]) for k in kolommen])
