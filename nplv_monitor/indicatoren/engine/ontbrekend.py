"""Why a value is missing, in words a user can act on; and which source fills a gap.

The cause of a gap is often the shipped snapshot, not the publisher: an early release of a CBS
table (KWB 2020 in the snapshot is the release of March 2021, before CBS filled housing, income
and care), or a truncated download (KWB 2024 stops after 10,000 rows, at Maasdriel). What the
snapshot holds is measured by the bronnen stage (``bron.cbs_tabellen``: release, row count,
``afgekapt``) and passed in here as data (:func:`bronstatus_schema`); nothing here reads a file.
Every text names the table, the release and the online route that fills the gap
(``NPLV_ONLINE=1 nplv-monitor ophalen --kwb <jaar>`` or ``--tabel <id>``).

- :func:`toelichting_niet_gevuld`: a table that does not fill a variable at all (gevuld = 0);
- :func:`zonder_rij`: a main gebied without a row for an indicator and peiljaar the indicator has;
- :func:`met_oorzaak_afgekapt`: a withheld or missing aggregate whose area lies partly outside
  the rows of a truncated download gets that cause added;
- :func:`kies_bron`: one row per gebied, indicator and peiljaar when several sources give one
  (``bron: [cbs_kwb, cbs_bevolking_2024, ...]`` in the catalogue);
- :func:`met_hele_wijken`: an area made of whole wijken also counts those wijken as members, so a
  wijk-level source (all gemeenten and wijken 2024) can fill it.
"""

from __future__ import annotations

import polars as pl

from nplv_monitor.indicatoren.catalogus import Catalogus

#: What the bronnen stage measured of each CBS table in the snapshot (from bron.cbs_tabellen).
BRONSTATUS_SCHEMA: dict[str, pl.DataType] = {
    "tabel_id": pl.String(),
    "release": pl.String(),  # TableInfos.Modified, yyyy-mm-dd
    "afgekapt": pl.Boolean(),
    "rijen": pl.Int64(),  # rows of the TypedDataSet in the snapshot
    "kwb_jaar": pl.Int64(),  # set for a Kerncijfers wijken en buurten table
    "data_sha256": pl.String(),  # sha256 of the TypedDataSet read
}

#: Main gebied kinds that get a row for every indicator and peiljaar.
HOOFDSOORTEN = ("focusgebied", "gemeente", "rest_gemeente", "alle_focusgebieden", "nederland")
#: Areas the register delineates itself (ref.gebied_buurten), per indeling year.
REGISTERGEBIEDEN = ("focusgebied", "rest_gemeente", "alle_focusgebieden")
#: Kinds of area that may be made of whole wijken: those, and the programme's gemeenten (which
#: the engine sums from the same units as their areas and rests).
WIJKGEBIEDEN = (*REGISTERGEBIEDEN, "gemeente")


def bronstatus_schema() -> pl.DataFrame:
    return pl.DataFrame(schema=BRONSTATUS_SCHEMA)


def _status(bronstatus: pl.DataFrame) -> pl.DataFrame:
    """The bronstatus with the row count written as in Dutch text (10.000) and ``_cbs`` set."""
    status = bronstatus.cast(BRONSTATUS_SCHEMA)  # type: ignore[arg-type]
    tekst = [None if r is None else f"{r:,}".replace(",", ".") for r in status["rijen"].to_list()]
    return status.with_columns(
        _rijen_tekst=pl.Series(tekst, dtype=pl.String), _cbs=pl.lit(True)
    ).rename({"release": "_release"})


def _route() -> pl.Expr:
    """The online route that fetches the table again, in full and in its newest release."""
    return (
        pl.when(pl.col("kwb_jaar").is_not_null())
        .then(
            pl.lit("NPLV_ONLINE=1 nplv-monitor ophalen --kwb ") + pl.col("kwb_jaar").cast(pl.String)
        )
        .otherwise(pl.lit("NPLV_ONLINE=1 nplv-monitor ophalen --tabel ") + pl.col("tabel_id"))
    )


def _afgekapt_zin() -> pl.Expr:
    return (
        pl.lit("het meegeleverde snapshot bevat van tabel ")
        + pl.col("tabel_id")
        + pl.lit(" alleen de eerste ")
        + pl.col("_rijen_tekst")
        + pl.lit(" rijen (afgekapte download, release van ")
        + pl.col("_release").str.slice(0, 10).fill_null("onbekende datum")
        + pl.lit(")")
    )


def toelichting_niet_gevuld() -> pl.Expr:
    """Text for a variable its table fills for no region at all, on rows with tabel_id,
    bron_variabele and peiljaar joined with the bronstatus (:func:`met_bronstatus`; its columns
    are null for a file that is no CBS table)."""
    cbs = (
        pl.lit("Het meegeleverde snapshot bevat van tabel ")
        + pl.col("tabel_id")
        + pl.lit(" de release van ")
        + pl.coalesce(pl.col("_release"), pl.col("release_gelezen"))
        .str.slice(0, 10)
        .fill_null("onbekende datum")
        + pl.when(pl.col("afgekapt"))
        .then(pl.lit(", afgekapt na ") + pl.col("_rijen_tekst") + pl.lit(" rijen"))
        .otherwise(pl.lit(""))
        + pl.lit("; daarin is ")
        + pl.col("bron_variabele")
        + pl.lit(" voor geen enkele regio gevuld. ")
        + pl.when(pl.col("kwb_jaar").is_not_null())
        .then(
            pl.lit(
                "CBS vult de Kerncijfers wijken en buurten in latere releases aan (wonen, inkomen, "
                "uitkeringen, zorg); "
            )
        )
        .otherwise(pl.lit("Een latere release kan het vullen; "))
        + _route()
        + pl.lit(" haalt de nieuwste release op.")
    )
    bestand = (
        pl.lit("Het bestand ")
        + pl.col("tabel_id")
        + pl.lit(" in het meegeleverde snapshot heeft voor ")
        + pl.col("peiljaar").cast(pl.String)
        + pl.lit(" geen enkele waarde van ")
        + pl.col("bron_variabele")
        + pl.lit(
            ". Er is geen online route voor dit bestand: een vollediger kopie komt in het snapshot "
            "via nplv-monitor snapshot importeer (docs/snapshot.md)."
        )
    )
    return pl.when(pl.col("_cbs").fill_null(False)).then(cbs).otherwise(bestand)


def met_bronstatus(df: pl.DataFrame, bronstatus: pl.DataFrame) -> pl.DataFrame:
    """``df`` (with tabel_id) plus what the snapshot holds of that table."""
    if "release" in df.columns:  # bronvariabelen: the release actually read
        df = df.rename({"release": "release_gelezen"})
    else:
        df = df.with_columns(release_gelezen=pl.lit(None, pl.String))
    return df.join(_status(bronstatus).drop("data_sha256"), on="tabel_id", how="left")


ZONDER_BRON = (
    "De bron dekt dit gebied niet: geen buurten of wijken van het gebied in de tabel, of geen "
    "afbakening van het gebied op de indeling van de bron."
)


def zonder_rij(
    catalogus: Catalogus,
    df: pl.DataFrame,
    hoofdgebieden: pl.DataFrame,
    families: tuple[str, ...],
    *,
    bronstatus: pl.DataFrame,
    resultaat_schema: dict[str, pl.DataType],
    lidmaatschap: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """A row ``ontbreekt`` for every main gebied without one, for every peiljaar the indicator has
    (not only the last: a gebied missing from the 2024 table must not silently show 2020 as its
    latest value). The cause, in this order: the area has no delineation on the source's indeling
    (SES-WOA 2014-2019: the areas are fixed on the indelingen 2020 and 2024); a truncated
    download (with its online route); else the source does not cover the area."""
    codes = pl.DataFrame(
        {"indicator_code": [i.code for i in catalogus.van_familie(*families)]},
        schema={"indicator_code": pl.String},
    )
    jaren = (
        df.join(codes, on="indicator_code", how="semi")
        .filter(pl.col("bron_tabel").is_not_null())
        .sort("indicator_code", "peiljaar", "bron_tabel")
        .unique(["indicator_code", "peiljaar"], keep="first")
        .select("indicator_code", "peiljaar", "bron_tabel")
        .join(
            df.filter(pl.col("indelingsjaar").is_not_null())
            .group_by("indicator_code", "peiljaar")
            .agg(pl.col("indelingsjaar").min().alias("_indeling")),
            on=["indicator_code", "peiljaar"],
            how="left",
        )
    )
    afgebakend = (
        lidmaatschap.select("gebied_code", pl.col("indelingsjaar").alias("_indeling"))
        .unique()
        .with_columns(_afgebakend=pl.lit(True))
        if lidmaatschap is not None
        else pl.DataFrame(
            schema={"gebied_code": pl.String, "_indeling": pl.Int64, "_afgebakend": pl.Boolean}
        )
    )
    mist = (
        hoofdgebieden.join(jaren, how="cross")
        .join(
            df.select("gebied_code", "indicator_code", "peiljaar").unique(),
            on=["gebied_code", "indicator_code", "peiljaar"],
            how="anti",
        )
        .join(
            _status(bronstatus).drop("data_sha256"),
            left_on="bron_tabel",
            right_on="tabel_id",
            how="left",
        )
        .with_columns(tabel_id=pl.col("bron_tabel"))
        .join(afgebakend, on=["gebied_code", "_indeling"], how="left")
    )
    niet_afgebakend = (
        pl.col("gebied_soort").is_in(REGISTERGEBIEDEN)
        & pl.col("_indeling").is_not_null()
        & ~pl.col("_afgebakend").fill_null(False)
        & pl.lit(lidmaatschap is not None)
    )
    geen_afbakening = (
        pl.lit("Ontbreekt: de bron geeft dit peiljaar op de buurtindeling ")
        + pl.col("_indeling").cast(pl.String)
        + pl.lit(
            " en het gebied is op die indeling niet afgebakend (de gebieden liggen vast op de "
            "indelingen van het gebiedenregister, docs/geografie.md), dus de monitor kan de bron "
            "voor dit gebied niet optellen."
        )
    )
    afgekapt = (
        pl.lit("Ontbreekt: ")
        + _afgekapt_zin()
        + pl.lit(": de buurten en wijken van dit gebied staan er niet in. ")
        + _route()
        + pl.lit(" haalt de volledige tabel op.")
    )
    return mist.select(
        "gebied_code",
        "gebied_soort",
        "indicator_code",
        "peiljaar",
        pl.lit(None, pl.Int64).alias("indelingsjaar"),
        pl.lit(None, pl.Float64).alias("waarde"),
        pl.lit(None, pl.Float64).alias("teller"),
        pl.lit(None, pl.Float64).alias("noemer"),
        pl.lit(None, pl.Float64).alias("dekking"),
        pl.lit("ontbreekt").alias("status"),
        pl.when(niet_afgebakend)
        .then(geen_afbakening)
        .when(pl.col("afgekapt").fill_null(False))
        .then(afgekapt)
        .otherwise(pl.lit(ZONDER_BRON))
        .alias("status_toelichting"),
        "bron_tabel",
        pl.lit(None, pl.String).alias("bron_variabele"),
        pl.lit(None, pl.String).alias("bron_sha256"),
        pl.lit(None, pl.String).alias("toelichting"),
    ).cast(resultaat_schema)  # type: ignore[arg-type]


def met_oorzaak_afgekapt(
    df: pl.DataFrame, metingen: pl.DataFrame, lidmaatschap: pl.DataFrame, bronstatus: pl.DataFrame
) -> pl.DataFrame:
    """Add the truncated download as the cause to a row that is not ok, comes from a truncated
    table and whose gebied has buurten or wijken of that indeling outside the rows the snapshot
    holds (the coverage text alone cannot tell a truncated file from buurten CBS keeps secret)."""
    afgekapt = _status(bronstatus).filter(pl.col("afgekapt"))
    if afgekapt.is_empty() or df.is_empty():
        return df
    eenheden = (
        metingen.join(afgekapt.select(pl.col("data_sha256").alias("bron_sha256")), on="bron_sha256")
        .filter(pl.col("regio_soort").is_in(["buurt", "wijk"]))
        .select(
            "bron_sha256",
            "indelingsjaar",
            "regiocode",
            pl.col("regiocode").str.slice(0, 2).alias("_niv"),
        )
        .unique()
    )
    # only the table's lowest level counts (KWB: buurten; its wijk rows are published totals)
    laagste = eenheden.group_by("bron_sha256", "indelingsjaar").agg(pl.col("_niv").min())
    eenheden = eenheden.join(laagste, on=["bron_sha256", "indelingsjaar", "_niv"], how="semi")
    leden = lidmaatschap.with_columns(_niv=pl.col("regiocode").str.slice(0, 2)).join(
        laagste, on=["indelingsjaar", "_niv"]
    )
    buiten = (
        leden.join(eenheden, on=["bron_sha256", "indelingsjaar", "regiocode"], how="anti")
        .group_by("gebied_code", "indelingsjaar", "bron_sha256")
        .agg(pl.col("regiocode").n_unique().alias("_buiten"), pl.col("_niv").first())
    )
    uit = df.join(
        afgekapt.rename({"data_sha256": "bron_sha256"}), on="bron_sha256", how="left"
    ).join(buiten, on=["gebied_code", "indelingsjaar", "bron_sha256"], how="left")
    eenheid = pl.when(pl.col("_niv") == "WK").then(pl.lit(" wijken")).otherwise(pl.lit(" buurten"))
    oorzaak = (
        pl.lit("Oorzaak: ")
        + _afgekapt_zin()
        + pl.lit("; ")
        + pl.col("_buiten").cast(pl.String)
        + eenheid
        + pl.lit(" van dit gebied staan er niet in. ")
        + _route()
        + pl.lit(" haalt de volledige tabel op.")
    )
    raak = (pl.col("status") != "ok") & pl.col("_buiten").is_not_null()
    return uit.with_columns(
        status_toelichting=pl.when(raak)
        .then(
            pl.concat_str([pl.col("status_toelichting"), oorzaak], separator=" ", ignore_nulls=True)
        )
        .otherwise(pl.col("status_toelichting"))
    ).select(df.columns)


def kies_bron(df: pl.DataFrame, metingen: pl.DataFrame, catalogus: Catalogus) -> pl.DataFrame:
    """One row per gebied, indicator and peiljaar for an indicator that lists several sources
    (``bron: [cbs_kwb, cbs_bevolking_2024, cbs_gemeenten_wijken_2024]``; sources matched only by
    prefix, such as the Leefbaarometer's, are left as the aggregation made them).

    Where several sources give a row: a value (status ok) before none; among values the highest
    coverage, then the earlier source in the list; among rows without a value the earlier
    source, whose reason is the one that matters. So the complete 2024 population file replaces
    a truncated KWB sum, and a gemeente in the truncated table keeps its KWB figure.
    """
    volgorde = pl.DataFrame(
        [
            {"indicator_code": i.code, "bron": b, "_prioriteit": n}
            for i in catalogus.indicatoren
            if i.extra_bronnen
            for n, b in enumerate(i.bronnen())
        ],
        schema={"indicator_code": pl.String, "bron": pl.String, "_prioriteit": pl.Int64},
    )
    if volgorde.is_empty() or df.is_empty():
        return df
    # A result row names its file (bron_sha256), not its source code: map one onto the other,
    # per indicator (two sources of one indicator never read the same file).
    bestand = metingen.select("bron", "bron_sha256").unique().join(volgorde, on="bron")
    meer = pl.col("indicator_code").is_in(volgorde["indicator_code"].unique().implode())
    keuze = df.filter(meer).join(
        bestand.select("indicator_code", "bron_sha256", "_prioriteit"),
        on=["indicator_code", "bron_sha256"],
        how="left",
    )
    ok = pl.col("status") == "ok"
    keuze = (
        keuze.sort(
            [
                ~ok,
                pl.when(ok).then(pl.col("dekking").fill_null(0.0)).otherwise(0.0),
                pl.col("_prioriteit").fill_null(0),
            ],
            descending=[False, True, False],
        )
        .unique(["gebied_code", "indicator_code", "peiljaar"], keep="first", maintain_order=True)
        .drop("_prioriteit")
    )
    return pl.concat([df.filter(~meer), keuze.select(df.columns)])


def met_hele_wijken(lidmaatschap: pl.DataFrame) -> pl.DataFrame:
    """Add the wijken of an area that consists of whole wijken (every buurt of each of its wijken
    lies in the area) as members, for indeling years in which the area has buurten but no wijken
    yet. A wijk-level source then fills the area exactly; an area that splits a wijk gets none
    (its wijken would cover only part of it)."""
    code = pl.col("regiocode")
    buurten = lidmaatschap.filter(code.str.starts_with("BU"))
    # every buurt of a wijk, from the CBS hierarchy (rows gebied_soort = wijk)
    per_wijk = (
        buurten.filter(pl.col("gebied_soort") == "wijk")
        .group_by("indelingsjaar", pl.col("gebied_code").alias("wijkcode"))
        .agg(pl.col("regiocode").n_unique().alias("_in_wijk"))
    )
    gebied = buurten.filter(pl.col("gebied_soort").is_in(WIJKGEBIEDEN)).with_columns(
        wijkcode=pl.lit("WK") + code.str.slice(2, 6)
    )
    heeft_wijken = (
        lidmaatschap.filter(pl.col("gebied_soort").is_in(WIJKGEBIEDEN) & code.str.starts_with("WK"))
        .select("gebied_code", "indelingsjaar")
        .unique()
    )
    wijken = (
        gebied.group_by("gebied_code", "gebied_soort", "indelingsjaar", "wijkcode")
        .agg(pl.col("regiocode").n_unique().alias("_in_gebied"))
        .join(per_wijk, on=["indelingsjaar", "wijkcode"], how="left")
        .with_columns(_heel=(pl.col("_in_gebied") == pl.col("_in_wijk")).fill_null(False))
        .filter(pl.col("_heel").all().over("gebied_code", "indelingsjaar"))
        .join(heeft_wijken, on=["gebied_code", "indelingsjaar"], how="anti")
        .select(
            "gebied_code", "gebied_soort", "indelingsjaar", pl.col("wijkcode").alias("regiocode")
        )
    )
    return pl.concat([lidmaatschap, wijken.cast(lidmaatschap.schema)])
