"""Comparability of a trend: which territory each end covers, and whether they are the same.

A value is computed on the units of its source's indeling (``indelingsjaar`` of the row): buurten
of indeling 2020 or 2024, or the wijken of the Leefbaarometer's wijkindeling 2022. A trend
compares the row's value with the basisjaar's; that is only a trend when both cover the same
ground. Per gebied and pair of indelingen this module measures how much:

- ``aandeel_basisbevolking``: share of the basisjaar territory's inhabitants (of the basisjaar's
  indeling) that live inside the row's territory;
- the reverse share (of the row territory's inhabitants, inside the basisjaar's territory),
  which catches ground that was added;
- ``definitiebreuk``: true when either share is below ``1 - TERRITORIUM_TOLERANTIE``, or the
  area register calls the series not comparable (``reeks_vergelijkbaar: false``), or the two
  ends use different aggregation rules whose territories differ (wijkindeling 2022 with the
  ≥ 50% wijk rule against exact buurten), or the two values rest on a different basis
  (:func:`waardebasis`: the source's own published figure for the region against a sum of lower
  units, or sums of wijk scores against sums of buurt scores).

Buurt indelingen are compared through the crosswalk (geografie/overgang.py): a buurt with the same
code is the same ground; a recoded buurt follows its wijk when that wijk lies wholly inside or
wholly outside the other year's territory. What the codes cannot decide (a wijk recoded as a whole,
Amsterdam's 2022 renumbering; a recoded buurt in a wijk the area splits) is taken from the area
register, which fixes the territory per year by hand as the same ground and checks it with
inhabitants (ref.bevolkingscontrole): counted inside when the register calls the series
comparable, outside when not. Gemeenten and Nederland are CBS's own regions and count as inside.

Wijkindeling 2022 (Leefbaarometer 2002-2022) against a buurt year: the base territory is the
whole wijken kept by the ≥ 50% rule; its inhabitants inside the area are ``inwoners_in_gebied``
of ref.gebied_wijken, the area's inhabitants outside those wijken are in the wijken the rule
dropped.

All joins and group-bys; no loop over areas.
"""

from __future__ import annotations

import polars as pl

from nplv_monitor.geografie import overgang as indelingsovergang
from nplv_monitor.indicatoren.catalogus import bronnen

#: Two territories count as the same ground when both population shares are at least 98%:
#: CBS rounds buurt inhabitants randomly to multiples of 5, and the registers of two indelingen
#: never match to the last house; a shift of 2% of the inhabitants moves a rate or score by about
#: 2% of the difference between the shifted part and the rest, below the precision of most
#: indicators.
TERRITORIUM_TOLERANTIE = 0.02

#: Soorten of gebied whose territory is CBS's own region (a buurt, wijk, gemeente or Nederland).
_CBS_REGIO = ("gemeente", "nederland", "wijk", "buurt", "politiedistrict")

TERRITORIUM_SCHEMA = {
    "gebied_code": pl.String,
    "indelingsjaar": pl.Int64,
    "territorium": pl.String,
}
OVERGANG_SCHEMA = {
    "gebied_code": pl.String,
    "basis_indelingsjaar": pl.Int64,
    "indelingsjaar": pl.Int64,
    "aandeel_basisbevolking": pl.Float64,
    "aandeel_in_basis": pl.Float64,
    "definitiebreuk": pl.Boolean,
}


#: ``toelichting`` of a row whose value is the source's own figure for the region (set by the
#: engine, indicatoren/engine/aggregatie.py), not a sum over lower units.
GEPUBLICEERD_TOELICHTING = "Waarde zoals de bron die voor deze regio publiceert."

#: Values of :func:`waardebasis`.
GEPUBLICEERD, UIT_WIJKEN, UIT_BUURTEN = (
    "gepubliceerd",
    "opgeteld uit wijken",
    "opgeteld uit buurten",
)

_CIJFER = {
    "gemeente": "gemeentecijfer",
    "nederland": "landelijk cijfer",
    "wijk": "wijkcijfer",
    "buurt": "buurtcijfer",
    "politiedistrict": "cijfer van het politiedistrict",
}


def waardebasis(wijkjaren: list[int], *, met_niveau: bool = False) -> pl.Expr:
    """What a row's value rests on; null for a row without a value (nothing to compare).

    ``gepubliceerd``: the source's own figure for the region (Leefbaarometer gemeentescores 2024,
    a wijk's score in the wijk file, KWB's Nederland row); ``opgeteld uit <niveau>: <bron>``: a
    weighted sum over the units of a source of the registry (the source series of the row's
    table: the Leefbaarometer's wijk file and buurt file are two, the yearly KWB tables one); a
    table the registry does not know falls back to the units of the row's indeling
    (``wijkjaren``: indelingen whose units are wijken). Two values on a different basis are two
    definitions even on the same ground: the Leefbaarometer averages its 100 m cells per region,
    so its published gemeente score is not the inhabitant-weighted mean of the gemeente's wijken
    or buurten, nor a wijk score that of its buurten. With ``met_niveau`` a row that shows another
    region's figure (``waarde_niveau`` gemeente or politiedistrict) rests on that region's figure.
    """
    bron = pl.col("bron_tabel").replace_strict(
        {t: f"opgeteld uit {niveau}: {code}" for t, (code, _, niveau) in _bron_per_tabel().items()},
        default=None,
        return_dtype=pl.String,
    )
    eigen = (
        pl.when(pl.col("toelichting") == GEPUBLICEERD_TOELICHTING)
        .then(pl.lit(GEPUBLICEERD))
        .when(bron.is_not_null())
        .then(bron)
        .when(pl.col("indelingsjaar").is_in(wijkjaren))
        .then(pl.lit(UIT_WIJKEN))
        .otherwise(pl.lit(UIT_BUURTEN))
    )
    if met_niveau:
        ander = pl.col("waarde_niveau").is_not_null() & (pl.col("waarde_niveau") != "gebied")
        eigen = (
            pl.when(ander).then(pl.lit("waarde van ") + pl.col("waarde_niveau")).otherwise(eigen)
        )
    return pl.when((pl.col("status") == "ok") & pl.col("waarde").is_not_null()).then(eigen)


def _bron_per_tabel() -> dict[str, tuple[str, str, str]]:
    """Table id → (code, name, niveau) of its source; a table id shared by several extracts (KWB
    2020 and 2024: inhabitants per wijk or buurt) gets the series (the source with most tables)."""
    uit: dict[str, tuple[int, tuple[str, str, str]]] = {}
    for b in bronnen().values():
        for t in b.tabellen.values():
            if t not in uit or len(b.tabellen) > uit[t][0]:
                uit[t] = (len(b.tabellen), (b.code, b.naam, b.niveau))
    return {t: bron for t, (_, bron) in uit.items()}


def _bronnamen() -> dict[str, str]:
    return {t: naam for t, (_, naam, _) in _bron_per_tabel().items()}


def gepubliceerd_territorium() -> pl.Expr:
    """Territory text of a published row, e.g. "gepubliceerd gemeentecijfer Leefbaarometer 3.0
    gemeentescores 2024": the region is the source's own, on the source's own definition."""
    cijfer = pl.col("gebied_soort").replace_strict(
        _CIJFER, default="cijfer", return_dtype=pl.String
    )
    bron = pl.col("bron_tabel").replace_strict(
        _bronnamen(), default=pl.col("bron_tabel"), return_dtype=pl.String
    )
    return (
        pl.lit("gepubliceerd ")
        + cijfer
        + pl.lit(" ")
        + bron.fill_null("van de bron")
        + pl.lit(" ")
        + pl.col("peiljaar").cast(pl.String)
    )


def territoria(lidmaatschap: pl.DataFrame, wijkjaren: list[int]) -> pl.DataFrame:
    """(gebied_code, indelingsjaar, territorium): what a value of that gebied and indeling covers.

    ``wijkjaren``: indelingen whose units are wijken (the Leefbaarometer's 2022 file). The wijk
    rule (≥ 50% of a wijk's inhabitants) is named only for areas: a gemeente or Nederland consists
    of whole wijken.
    """
    n = lidmaatschap.group_by("gebied_code", "indelingsjaar").agg(
        pl.col("regiocode").filter(pl.col("regiocode").str.starts_with("BU")).n_unique().alias("b"),
        pl.col("regiocode").filter(pl.col("regiocode").str.starts_with("WK")).n_unique().alias("w"),
        pl.col("gebied_soort").first().is_in(list(_CBS_REGIO)).alias("_cbs"),
    )
    jaar = pl.col("indelingsjaar").cast(pl.String)
    tekst = (
        pl.when(pl.col("indelingsjaar").is_in(wijkjaren))
        .then(
            pl.col("w").cast(pl.String)
            + pl.when(pl.col("w") == 1).then(pl.lit(" wijk")).otherwise(pl.lit(" wijken"))
            + pl.lit(", wijkindeling ")
            + jaar
            + pl.when(pl.col("_cbs"))
            .then(pl.lit(""))
            .otherwise(pl.lit(" (hele wijken met ≥ 50% van de inwoners in het gebied)"))
        )
        .otherwise(
            pl.col("b").cast(pl.String)
            + pl.when(pl.col("b") == 1).then(pl.lit(" buurt")).otherwise(pl.lit(" buurten"))
            + pl.lit(", indeling ")
            + jaar
        )
    )
    return n.select("gebied_code", "indelingsjaar", tekst.alias("territorium")).cast(
        TERRITORIUM_SCHEMA  # type: ignore[arg-type]
    )


def _buurtindeling(bevolking: pl.DataFrame) -> pl.DataFrame:
    """A regio_indeling (buurten and their wijken) from the buurt lists with inhabitants."""
    buurt = bevolking.select(
        "indelingsjaar", "regiocode", pl.lit(None, pl.String).alias("regionaam"),
        pl.lit("buurt").alias("soort"),
    )  # fmt: skip
    wijk = buurt.select(
        "indelingsjaar",
        indelingsovergang.wijkcode(pl.col("regiocode")).alias("regiocode"),
        "regionaam",
        pl.lit("wijk").alias("soort"),
    ).unique()
    return pl.concat([buurt, wijk])


def _binnen(
    leden: pl.DataFrame,
    *,
    van: int,
    naar: int,
    indeling: pl.DataFrame,
    bevolking: pl.DataFrame,
    gebieden: pl.DataFrame,
) -> pl.DataFrame:
    """Per gebied: the share of its inhabitants in indeling ``van`` inside its territory in ``naar``.

    Per buurt of the ``van`` territory (weighted by its ``van`` inhabitants): kept code → inside
    when a member in ``naar``; recoded → by its wijk: wholly inside 1, wholly outside 0, partly
    inside → the register decides (1 when it calls the series comparable, else the share of the
    wijk's ``naar`` inhabitants inside, an estimate); not placeable by code → the register (1 or
    0). The register of a buurt is that of the focus area it belongs to in ``van`` (so one area's
    flag does not spread over ``alle_focusgebieden``), else the gebied's own.
    """
    kw = indelingsovergang.overgang(indeling, van, naar).filter(pl.col("van_soort") == "buurt")
    bu_van = leden.filter(pl.col("indelingsjaar") == van).select("gebied_code", "regiocode")
    bu_naar = leden.filter(pl.col("indelingsjaar") == naar).select(
        "gebied_code", pl.col("regiocode").alias("naar_code"), pl.lit(True).alias("_lid")
    )
    # per wijk of ``naar``: the share of its inhabitants inside the gebied's territory
    alle_naar = bevolking.filter(pl.col("indelingsjaar") == naar).select(
        pl.col("regiocode").alias("naar_code"),
        indelingsovergang.wijkcode(pl.col("regiocode")).alias("_wijk"),
        pl.col("inwoners").fill_null(0.0).alias("_inw"),
    )
    wijk_totaal = alle_naar.group_by("_wijk").agg(
        pl.col("_inw").sum().alias("_inw_wijk"), pl.len().alias("_n_wijk")
    )
    wijkdeel = (
        bu_naar.join(alle_naar, on="naar_code")
        .group_by("gebied_code", "_wijk")
        .agg(pl.col("_inw").sum().alias("_inw_in"), pl.len().alias("_n_in"))
        .join(wijk_totaal, on="_wijk")
        .select(
            "gebied_code",
            pl.col("_wijk").alias("naar_code"),
            (pl.col("_n_in") == pl.col("_n_wijk")).alias("_geheel"),
            pl.when(pl.col("_inw_wijk") > 0)
            .then(pl.col("_inw_in") / pl.col("_inw_wijk"))
            .otherwise(pl.col("_n_in") / pl.col("_n_wijk"))
            .alias("_deel"),
        )
    )
    inw = bevolking.filter(pl.col("indelingsjaar") == van).select(
        "regiocode", pl.col("inwoners").fill_null(0.0)
    )
    vergelijkbaar = pl.col("reeks_vergelijkbaar").fill_null(True) | pl.col("soort").is_in(
        ["gemeente", "nederland"]
    )
    register = gebieden.select("gebied_code", vergelijkbaar.alias("_register"))
    eigenaar = (
        leden.filter((pl.col("indelingsjaar") == van) & (pl.col("gebied_soort") == "focusgebied"))
        .select("regiocode", "gebied_code")
        .join(register, on="gebied_code")
        .group_by("regiocode")
        .agg(pl.col("_register").all().alias("_register_lid"))
    )
    regel = pl.col("regel")
    via_wijk = regel == indelingsovergang.VIA_WIJK
    uit = (
        bu_van.join(kw, left_on="regiocode", right_on="van_code", how="left")
        .join(bu_naar, on=["gebied_code", "naar_code"], how="left")
        .join(wijkdeel, on=["gebied_code", "naar_code"], how="left")
        .join(register, on="gebied_code", how="left")
        .join(eigenaar, on="regiocode", how="left")
        .join(inw, on="regiocode", how="left")
        .with_columns(_reg=pl.coalesce("_register_lid", "_register").fill_null(True))
        .with_columns(
            _binnen=pl.when(regel == indelingsovergang.CODE_BLIJFT)
            .then(pl.when(pl.col("_lid").fill_null(False)).then(1.0).otherwise(0.0))
            .when(via_wijk & pl.col("_geheel").fill_null(False))
            .then(1.0)
            .when(via_wijk & pl.col("_deel").is_null())
            .then(0.0)
            .when(via_wijk)
            .then(pl.when(pl.col("_reg")).then(1.0).otherwise(pl.col("_deel")))
            # the codes cannot place it: the register's hand-made same-ground statement decides
            .otherwise(pl.when(pl.col("_reg")).then(1.0).otherwise(0.0))
        )
    )
    return uit.group_by("gebied_code").agg(
        pl.when(pl.col("inwoners").sum() > 0)
        .then((pl.col("inwoners") * pl.col("_binnen")).sum() / pl.col("inwoners").sum())
        .alias("_aandeel")
    )


def overgangen(
    paren: pl.DataFrame,
    lidmaatschap: pl.DataFrame,
    bevolking: pl.DataFrame,
    *,
    gebieden: pl.DataFrame | None,
    gebied_wijken: pl.DataFrame | None,
    wijkjaren: list[int],
    drempel: float = 0.5,
) -> pl.DataFrame:
    """Comparability of each (gebied_code, basis_indelingsjaar, indelingsjaar) in ``paren``.

    ``bevolking(indelingsjaar, regiocode, inwoners)``: every buurt of each buurt indeling with
    its inhabitants; ``gebied_wijken``: ref.gebied_wijken (the share of each 2022 wijk's
    inhabitants in the area); ``drempel``: the wijk rule's minimum share.
    """
    paren = paren.select("gebied_code", "basis_indelingsjaar", "indelingsjaar").unique()
    gb = (
        gebieden.select("gebied_code", "soort", "reeks_vergelijkbaar")
        if gebieden is not None
        else pl.DataFrame(
            schema={"gebied_code": pl.String, "soort": pl.String, "reeks_vergelijkbaar": pl.Boolean}
        )
    )
    gelijk = paren.filter(pl.col("basis_indelingsjaar") == pl.col("indelingsjaar")).with_columns(
        aandeel_basisbevolking=pl.lit(1.0), aandeel_in_basis=pl.lit(1.0)
    )
    delen = [gelijk]
    anders = paren.filter(pl.col("basis_indelingsjaar") != pl.col("indelingsjaar"))
    buurtjaren = set(bevolking["indelingsjaar"].unique().to_list())
    # the gebieden compared, plus every focus area (whose register decides for its buurten)
    leden = lidmaatschap.filter(
        pl.col("regiocode").str.starts_with("BU")
        & (
            pl.col("gebied_code").is_in(anders["gebied_code"].unique().implode())
            | (pl.col("gebied_soort") == "focusgebied")
        )
    )
    indeling = _buurtindeling(bevolking)
    for a, b in anders.select("basis_indelingsjaar", "indelingsjaar").unique().iter_rows():
        paar = anders.filter((pl.col("basis_indelingsjaar") == a) & (pl.col("indelingsjaar") == b))
        if a in buurtjaren and b in buurtjaren:
            heen = _binnen(
                leden, van=a, naar=b, indeling=indeling, bevolking=bevolking, gebieden=gb
            )
            terug = _binnen(
                leden, van=b, naar=a, indeling=indeling, bevolking=bevolking, gebieden=gb
            )
            delen.append(
                paar.join(heen, on="gebied_code", how="left")
                .rename({"_aandeel": "aandeel_basisbevolking"})
                .join(terug, on="gebied_code", how="left")
                .rename({"_aandeel": "aandeel_in_basis"})
            )
        elif (a in wijkjaren or b in wijkjaren) and gebied_wijken is not None:
            delen.append(
                paar.join(_wijkregel(gebied_wijken, drempel, wijk_is_basis=a in wijkjaren), on="gebied_code", how="left")
            )  # fmt: skip
        else:
            delen.append(
                paar.with_columns(
                    aandeel_basisbevolking=pl.lit(None, pl.Float64),
                    aandeel_in_basis=pl.lit(None, pl.Float64),
                )
            )
    uit = pl.concat(
        [d.select(*paren.columns, "aandeel_basisbevolking", "aandeel_in_basis") for d in delen],
        how="vertical_relaxed",
    ).join(gb, on="gebied_code", how="left")
    # A CBS region (its own code in both years) without a membership share is the same unit.
    cbs_regio = pl.col("gebied_code").str.contains(r"^(BU|WK|GM|NL)") & pl.col("soort").is_null()
    uit = uit.with_columns(
        **{
            k: pl.when(pl.col(k).is_null() & cbs_regio).then(1.0).otherwise(pl.col(k))
            for k in ("aandeel_basisbevolking", "aandeel_in_basis")
        }
    )
    ondergrens = 1.0 - TERRITORIUM_TOLERANTIE
    breuk = (pl.col("basis_indelingsjaar") != pl.col("indelingsjaar")) & (
        (pl.col("aandeel_basisbevolking").fill_null(0.0) < ondergrens)
        | (pl.col("aandeel_in_basis").fill_null(0.0) < ondergrens)
        # the register's own verdict on an area (not on the union, where shares decide)
        | (
            pl.col("soort").is_in(["focusgebied", "rest_gemeente"])
            & ~pl.col("reeks_vergelijkbaar").fill_null(True)
        )
    )
    return (
        uit.with_columns(definitiebreuk=breuk)
        .select(list(OVERGANG_SCHEMA))
        .cast(
            OVERGANG_SCHEMA  # type: ignore[arg-type]
        )
    )


def _wijkregel(gebied_wijken: pl.DataFrame, drempel: float, *, wijk_is_basis: bool) -> pl.DataFrame:
    """Shares between the ≥ 50% wijk territory (wijkindeling 2022) and the exact buurten.

    Kept wijken K (aandeel_inwoners ≥ drempel), all overlapping wijken O: the kept wijken's
    inhabitants inside the area, Σ_K inwoners_in_gebied, over the kept wijken's inhabitants
    Σ_K inwoners_wijk (share of the wijk territory inside the area), and over the area's
    inhabitants Σ_O inwoners_in_gebied (share of the area inside the wijk territory).
    """
    kept = pl.col("aandeel_inwoners") >= drempel
    agg = gebied_wijken.group_by("gebied_code").agg(
        (
            pl.col("inwoners_in_gebied").filter(kept).sum()
            / pl.col("inwoners_wijk").filter(kept).sum()
        ).alias("_wijk_in_gebied"),
        (
            pl.col("inwoners_in_gebied").filter(kept).sum() / pl.col("inwoners_in_gebied").sum()
        ).alias("_gebied_in_wijk"),
    )
    basis, peil = (
        ("_wijk_in_gebied", "_gebied_in_wijk")
        if wijk_is_basis
        else ("_gebied_in_wijk", "_wijk_in_gebied")
    )
    return agg.select(
        "gebied_code",
        pl.col(basis).alias("aandeel_basisbevolking"),
        pl.col(peil).alias("aandeel_in_basis"),
    )


class Vergelijkbaarheid:
    """What :func:`vergelijking.met_basisjaar` needs to state and check each trend's territory:
    the membership the engine aggregated with, the buurt lists with inhabitants per indeling,
    the area register and the 2022 wijk shares."""

    def __init__(
        self,
        lidmaatschap: pl.DataFrame,
        bevolking: pl.DataFrame,
        gebieden: pl.DataFrame | None = None,
        gebied_wijken: pl.DataFrame | None = None,
        *,
        wijkjaren: list[int] | None = None,
        drempel: float = 0.5,
    ) -> None:
        self.lidmaatschap = lidmaatschap
        self.bevolking = bevolking
        self.gebieden = gebieden
        self.gebied_wijken = gebied_wijken
        # indelingen whose area units are wijken: those of ref.gebied_wijken (the 2022 file)
        self.wijkjaren = (
            wijkjaren
            if wijkjaren is not None
            else sorted(set(gebied_wijken["indelingsjaar"].to_list()))
            if gebied_wijken is not None
            else []
        )
        self.drempel = drempel

    def territoria(self) -> pl.DataFrame:
        return territoria(self.lidmaatschap, self.wijkjaren)

    def overgangen(self, paren: pl.DataFrame) -> pl.DataFrame:
        return overgangen(
            paren,
            self.lidmaatschap,
            self.bevolking,
            gebieden=self.gebieden,
            gebied_wijken=self.gebied_wijken,
            wijkjaren=self.wijkjaren,
            drempel=self.drempel,
        )


def buurtbevolking(metingen: pl.DataFrame) -> pl.DataFrame:
    """(indelingsjaar, regiocode, inwoners): every buurt of each indeling with a complete list
    (the source with the most buurt rows of ``inwoners`` in that indeling: KWB 2020, the 2024
    population file)."""
    inw = metingen.filter(
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
        .select("indelingsjaar", "regiocode", pl.col("waarde").alias("inwoners"))
        .unique(["indelingsjaar", "regiocode"])
    )
