"""Aggregate metingen into indicator values for every gebied: pure functions on polars frames.

Rules (docs/indicatoren.md, docs/ontwerp.md):
- counts add up; shares and rates are sum(teller) / sum(noemer) over the units that have both;
  averages and scores are weighted by their own base (sum(waarde × basis) / sum(basis));
- a missing value is never zero: ``dekking`` = (share of the area's base in units with a value) ×
  (share of the area's reference population in units the table has at all); below
  ``DEKKING_DREMPEL`` the value is withheld (status onderdrukt), as it is when the noemer is below
  the indicator's minimum base;
- for a CBS region the source publishes itself (buurt, wijk, gemeente, Nederland) its published
  figure is used; every other gebied (focus areas, rest of gemeente, all focus areas together, and
  regions a source does not publish) is aggregated from the lowest level the source has.
One loop over indicators (about sixty), none over areas: every step is a join and a group-by.
"""

from __future__ import annotations

import polars as pl

from nplv_monitor.indicatoren.catalogus import GEWOGEN_MATEN, Catalogus, Indicator, bronnen

DEKKING_DREMPEL = 0.9

#: metingen.regio_soort → gebied_soort
_GEBIED_SOORT = {
    "land": "nederland",
    "gemeente": "gemeente",
    "wijk": "wijk",
    "buurt": "buurt",
    "politiedistrict": "politiedistrict",
}

RESULTAAT_SCHEMA: dict[str, pl.DataType] = {
    "gebied_code": pl.String(),
    "gebied_soort": pl.String(),
    "indicator_code": pl.String(),
    "peiljaar": pl.Int64(),
    "indelingsjaar": pl.Int64(),
    "waarde": pl.Float64(),
    "teller": pl.Float64(),
    "noemer": pl.Float64(),
    "dekking": pl.Float64(),
    "status": pl.String(),
    "status_toelichting": pl.String(),
    "bron_tabel": pl.String(),
    "bron_variabele": pl.String(),
    "bron_sha256": pl.String(),
    "toelichting": pl.String(),
}


def referentiebevolking(metingen: pl.DataFrame) -> pl.DataFrame:
    """Inhabitants per lowest-level unit and indeling year, from the most complete source.

    Used only for the table part of ``dekking``: how much of an area's population lives in units
    the table has at all (KWB 2024 in the snapshot stops at Maasdriel).
    """
    inw = metingen.filter(
        (pl.col("variabele") == "inwoners")
        & pl.col("regio_soort").is_in(["buurt", "wijk"])
        & pl.col("waarde").is_not_null()
    )
    volledig = (
        inw.group_by("bron", "indelingsjaar", "regio_soort")
        .agg(pl.len().alias("n"))
        .sort("n", descending=True)
        .unique(["indelingsjaar", "regio_soort"], keep="first")
    )
    return inw.join(volledig.drop("n"), on=["bron", "indelingsjaar", "regio_soort"]).select(
        "indelingsjaar", "regiocode", pl.col("waarde").alias("inwoners_ref")
    )


def _eenheden_teller(metingen: pl.DataFrame, ind: Indicator) -> pl.DataFrame:
    """The teller at the lowest level of each source of the indicator."""
    niveaus = pl.DataFrame(
        {"bron": ind.bronnen(), "_niveau": [bronnen()[b].niveau for b in ind.bronnen()]}
    )
    return (
        metingen.filter(pl.col("variabele") == ind.teller)
        .join(niveaus, on="bron")
        .select(
            "bron", "tabel_id", "bron_variabele", "bron_sha256", "indelingsjaar", "peiljaar",
            "regiocode", "regio_soort", "eenheid",
            pl.col("waarde").alias("t_waarde"),
            pl.col("aantal").alias("t_aantal"),
            pl.col("basis").alias("t_basis"),
            (pl.col("regio_soort") == pl.col("_niveau")).alias("laagste_niveau"),
        )
    )  # fmt: skip


def _noemer(metingen: pl.DataFrame, ind: Indicator, teller: pl.DataFrame) -> pl.DataFrame:
    """Attach ``n`` (noemer or weight) and ``d`` (base for dekking) to every teller unit."""
    if ind.maat in GEWOGEN_MATEN:
        return teller.with_columns(n=pl.col("t_basis"), d=pl.col("t_basis"))
    noemers = list(ind.noemer) or [ind.dekking_basis or "inwoners"]
    nb = metingen.filter(pl.col("variabele").is_in(noemers)).select(
        pl.col("bron").alias("n_bron"), "indelingsjaar", "regiocode", "variabele", "waarde"
    )
    # A list of noemers is summed per unit; if any part is missing the noemer is missing.
    nb = nb.group_by("n_bron", "indelingsjaar", "regiocode").agg(
        pl.when(pl.col("waarde").is_null().any() | (pl.col("variabele").n_unique() < len(noemers)))
        .then(None)
        .otherwise(pl.col("waarde").sum())
        .alias("n")
    )
    teller = teller.with_columns(
        n_bron=pl.lit(ind.noemer_bron) if ind.noemer_bron else pl.col("bron")
    )
    uit = teller.join(nb, on=["n_bron", "indelingsjaar", "regiocode"], how="left").drop("n_bron")
    if ind.maat == "aantal":
        # A count has no noemer; its dekking is measured on inhabitants (or dekking_basis).
        return uit.rename({"n": "d"}).with_columns(n=pl.lit(None, pl.Float64))
    return uit.with_columns(d=pl.col("n"))


def _index_gemeente(teller: pl.DataFrame) -> pl.DataFrame:
    """WOZ index: each unit's noemer is its gemeente's published WOZ times the unit's weight, so an
    area spanning gemeenten is compared with the same-weighted mix of its gemeenten."""
    gem = teller.filter(pl.col("regio_soort") == "gemeente").select(
        "tabel_id", pl.col("regiocode").alias("_gm"), pl.col("t_waarde").alias("_woz_gm")
    )
    return (
        teller.with_columns(_gm=pl.lit("GM") + pl.col("regiocode").str.slice(2, 4))
        .join(gem, on=["tabel_id", "_gm"], how="left")
        .with_columns(n=pl.col("_woz_gm") * pl.col("t_basis"))
        .drop("_gm", "_woz_gm")
    )


def _waarde(ind: Indicator) -> pl.Expr:
    if ind.maat == "aantal":
        return pl.col("teller")
    return pl.when(pl.col("noemer") > 0).then(pl.col("teller") / pl.col("noemer") * ind.factor)


def _status(ind: Indicator, drempel: float) -> list[pl.Expr]:
    basis = pl.col("teller") if ind.maat == "aantal" else pl.col("noemer")
    onderdrukt_dekking = pl.col("dekking") < drempel
    onderdrukt_basis = basis.is_null() | (basis < ind.minimum_basis) | pl.col("_waarde").is_null()
    pct = (pl.col("dekking") * 100).round(1).cast(pl.String)
    status = (
        pl.when(pl.col("_geen_ref"))
        .then(pl.lit("onderdrukt"))
        .when(pl.col("dekking").is_null() | (pl.col("dekking") == 0))
        .then(pl.lit("ontbreekt"))
        .when(onderdrukt_dekking | onderdrukt_basis)
        .then(pl.lit("onderdrukt"))
        .otherwise(pl.lit("ok"))
    )
    toelichting = (
        pl.when(pl.col("_geen_ref"))
        .then(
            pl.lit(
                "Geen referentiebevolking voor deze indeling: niet te toetsen of de tabel alle "
                "buurten van het gebied bevat (afgekapte download), dus geen opgetelde waarde."
            )
        )
        .when(pl.col("dekking").is_null() | (pl.col("dekking") == 0))
        .then(
            pl.lit("De bron heeft geen waarde voor de buurten/wijken van dit gebied in deze tabel.")
        )
        .when(onderdrukt_dekking)
        .then(
            pl.lit("Dekking ")
            + pct
            + pl.lit(
                f"% is lager dan de drempel van {drempel * 100:.0f}%: te veel van de basis ligt in buurten zonder waarde (geheim of niet in de tabel)."
            )
        )
        .when(onderdrukt_basis)
        .then(
            pl.lit(
                f"Basis kleiner dan het minimum van {ind.minimum_basis:g} of nul; de waarde is onbetrouwbaar en niet gepubliceerd."
            )
        )
        .when(pl.col("dekking") < 1)
        .then(
            pl.lit("Dekking ")
            + pct
            + pl.lit("%: enkele buurten zonder waarde tellen niet mee (niet als nul).")
        )
        .otherwise(pl.lit(None, pl.String))
    )
    return [status.alias("status"), toelichting.alias("status_toelichting")]


class DekkingBasis:
    """The indicator-independent parts of ``dekking``, computed once per run.

    The reference population of every member unit (``leden_ref``) and its total per gebied and
    level depend only on the membership; the population present in a table depends only on which
    units the table has. Many indicators share a table (KWB 2020 fills dozens), so that part is
    cached per set of table units — keyed by the units themselves, compared exactly.
    """

    def __init__(self, lidmaatschap: pl.DataFrame, referentie: pl.DataFrame) -> None:
        niv = pl.col("regiocode").str.slice(0, 2)
        self.leden_ref = lidmaatschap.join(
            referentie, on=["indelingsjaar", "regiocode"], how="left"
        ).with_columns(_niv=niv)
        self.totaal_per_niveau = self.leden_ref.group_by(
            "gebied_code", "indelingsjaar", "_niv"
        ).agg(pl.col("inwoners_ref").sum().alias("_p_alle"))
        self._cache: dict[
            tuple[int, int], list[tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]]
        ] = {}

    def tabeldelen(self, tabel_eenheden: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(totaal, aanwezig) for the units of one table/peiljaar selection."""
        eenheden = tabel_eenheden.sort("tabel_id", "peiljaar", "indelingsjaar", "regiocode")
        sleutel = (eenheden.height, int(eenheden.hash_rows(seed=0).sum()))
        for bekend, totaal, aanwezig in self._cache.get(sleutel, []):
            if bekend.equals(eenheden):
                return totaal, aanwezig
        niv = pl.col("regiocode").str.slice(0, 2)
        tabel_niveau = eenheden.select("tabel_id", "peiljaar", niv.alias("_niv")).unique()
        totaal = self.totaal_per_niveau.join(tabel_niveau, on="_niv").drop("_niv")
        aanwezig = (
            self.leden_ref.join(eenheden, on=["indelingsjaar", "regiocode"], how="inner")
            .group_by("gebied_code", "indelingsjaar", "tabel_id", "peiljaar")
            .agg(pl.col("inwoners_ref").sum().alias("_p_aanwezig"))
        )
        self._cache.setdefault(sleutel, []).append((eenheden, totaal, aanwezig))
        return totaal, aanwezig


def aggregeer_indicator(
    metingen: pl.DataFrame,
    lidmaatschap: pl.DataFrame,
    ind: Indicator,
    *,
    referentie: pl.DataFrame | None = None,
    drempel: float = DEKKING_DREMPEL,
    gepubliceerd_voorrang: bool = True,
    dekking_basis: DekkingBasis | None = None,
) -> pl.DataFrame:
    """Values of one indicator for every gebied in ``lidmaatschap`` (and published regions).

    ``dekking_basis`` carries the parts of the coverage computation that do not depend on the
    indicator; :func:`aggregeer` shares one across all indicators so they are computed once.
    """
    teller = _eenheden_teller(metingen, ind)
    if teller.height == 0:
        return pl.DataFrame(schema=RESULTAAT_SCHEMA)
    if ind.maat == "index_gemeente":
        teller = _index_gemeente(teller).with_columns(d=pl.col("t_basis"))
    else:
        teller = _noemer(metingen, ind, teller)
    if ind.maat == "aantal":
        teller = teller.with_columns(bekend=pl.col("t_aantal").is_not_null())
    else:
        teller = teller.with_columns(
            bekend=pl.col("t_aantal").is_not_null() & pl.col("n").is_not_null()
        )
    if dekking_basis is None:
        ref = referentie if referentie is not None else referentiebevolking(metingen)
        dekking_basis = DekkingBasis(lidmaatschap, ref)
    tabel_keys = [
        "bron",
        "tabel_id",
        "bron_variabele",
        "bron_sha256",
        "indelingsjaar",
        "peiljaar",
        "eenheid",
    ]

    # -- aggregated from the lowest level ---------------------------------------------------
    laag = teller.filter(pl.col("laagste_niveau"))
    samen = laag.join(lidmaatschap, on=["indelingsjaar", "regiocode"], how="inner")
    agg = samen.group_by(["gebied_code", "gebied_soort", *tabel_keys]).agg(
        pl.col("t_aantal").filter(pl.col("bekend")).sum().alias("teller"),
        pl.col("n").filter(pl.col("bekend")).sum().alias("noemer"),
        pl.col("d").filter(pl.col("bekend")).sum().alias("_d_bekend"),
        pl.col("d").sum().alias("_d_alle"),
        pl.col("bekend").sum().alias("_n_bekend"),
    )
    # Table part of dekking: reference population of the member units the table has at all.
    # Only units of the table's own level count (a membership also lists wijken for wijk sources).
    tabel_eenheden = laag.select("tabel_id", "peiljaar", "indelingsjaar", "regiocode").unique()
    totaal, aanwezig = dekking_basis.tabeldelen(tabel_eenheden)
    agg = (
        agg.join(totaal, on=["gebied_code", "indelingsjaar", "tabel_id", "peiljaar"], how="left")
        .join(aanwezig, on=["gebied_code", "indelingsjaar", "tabel_id", "peiljaar"], how="left")
        .with_columns(
            # Without a reference population for the indeling year (SES-WOA 2014-2019, the
            # Gezondheidsmonitor) a truncated table cannot be told from a complete one: no value.
            _dekking_tabel=pl.when(pl.col("_p_alle") > 0).then(
                pl.col("_p_aanwezig") / pl.col("_p_alle")
            ),
            _dekking_basis=pl.when(pl.col("_d_alle") > 0)
            .then(pl.col("_d_bekend") / pl.col("_d_alle"))
            .otherwise(pl.when(pl.col("_n_bekend") > 0).then(1.0).otherwise(0.0)),
        )
        .with_columns(dekking=(pl.col("_dekking_tabel") * pl.col("_dekking_basis")).clip(0.0, 1.0))
        .with_columns(
            toelichting=pl.lit(None, pl.String), _geen_ref=pl.col("_dekking_tabel").is_null()
        )
    )

    # -- published by the source for the region itself ---------------------------------------
    if gepubliceerd_voorrang and ind.maat != "index_gemeente":
        eigen = teller.filter(pl.col("regio_soort").is_in(list(_GEBIED_SOORT))).with_columns(
            gebied_code=pl.col("regiocode"),
            gebied_soort=pl.col("regio_soort").replace_strict(_GEBIED_SOORT),
            teller=pl.when(pl.col("bekend")).then(pl.col("t_aantal")),
            noemer=pl.when(pl.col("bekend")).then(pl.col("n")),
            dekking=pl.when(pl.col("bekend")).then(pl.lit(1.0)).otherwise(pl.lit(0.0)),
            toelichting=pl.lit("Waarde zoals de bron die voor deze regio publiceert."),
            _geen_ref=pl.lit(False),
        )
        agg = pl.concat(
            [
                agg.join(
                    eigen.select("gebied_code", "peiljaar"),
                    on=["gebied_code", "peiljaar"],
                    how="anti",
                ),
                eigen,
            ],
            how="diagonal_relaxed",
        )
    uit = agg.with_columns(_waarde=_waarde(ind)).with_columns(_status(ind, drempel))
    # A published region without a value is suppressed by CBS, not absent from the source.
    uit = uit.with_columns(
        status=pl.when((pl.col("status") == "ontbreekt") & pl.col("toelichting").is_not_null())
        .then(pl.lit("onderdrukt"))
        .otherwise(pl.col("status")),
        status_toelichting=pl.when(
            (pl.col("status") == "ontbreekt") & pl.col("toelichting").is_not_null()
        )
        .then(
            pl.lit(
                "De bron publiceert voor deze regio geen waarde (geheimhouding of te kleine basis)."
            )
        )
        .otherwise(pl.col("status_toelichting")),
    )
    return uit.select(
        "gebied_code",
        "gebied_soort",
        pl.lit(ind.code).alias("indicator_code"),
        "peiljaar",
        "indelingsjaar",
        pl.when(pl.col("status") == "ok").then(pl.col("_waarde")).alias("waarde"),
        "teller",
        "noemer",
        "dekking",
        "status",
        "status_toelichting",
        pl.col("tabel_id").alias("bron_tabel"),
        "bron_variabele",
        "bron_sha256",
        "toelichting",
    ).cast(RESULTAAT_SCHEMA)  # type: ignore[arg-type]


def gepubliceerd_via_gemeente(
    metingen: pl.DataFrame, ind: Indicator, gebieden: pl.DataFrame | None
) -> pl.DataFrame:
    """Figures published only for gemeenten/police districts (Veiligheidsmonitor) or without a base
    to add up (Gezondheidsmonitor percentages): every published region keeps its own figure; a
    focus area or rest of gemeente gets its gemeente's figure, marked as not area level."""
    teller = _eenheden_teller(metingen, ind).with_columns(
        gebied_code=pl.col("regiocode"),
        gebied_soort=pl.col("regio_soort").replace_strict(_GEBIED_SOORT, default=None),
        toelichting=pl.lit("Waarde zoals de bron die voor deze regio publiceert."),
    )
    delen = [teller]
    if gebieden is not None and bronnen()[ind.bronnen()[0]].niveau == "gemeente":
        gebied = gebieden.filter(pl.col("soort").is_in(["focusgebied", "rest_gemeente"])).select(
            "gebied_code",
            pl.col("soort").alias("gebied_soort"),
            pl.col("gemeentecode").alias("regiocode"),
        )
        via = (
            teller.drop("gebied_code", "gebied_soort", "toelichting")
            .join(gebied, on="regiocode", how="inner")
            .with_columns(
                toelichting=pl.lit("Geen gebiedsniveau: dit is de waarde van de gemeente ")
                + pl.col("regiocode")
                + pl.lit(" (de bron publiceert alleen gemeenten en politiedistricten).")
            )
        )
        delen.append(via)
    uit = pl.concat(delen, how="diagonal_relaxed").filter(pl.col("gebied_soort").is_not_null())
    ok = pl.col("t_waarde").is_not_null()
    return uit.select(
        "gebied_code",
        "gebied_soort",
        pl.lit(ind.code).alias("indicator_code"),
        "peiljaar",
        "indelingsjaar",
        pl.col("t_waarde").alias("waarde"),
        pl.lit(None, pl.Float64).alias("teller"),
        pl.lit(None, pl.Float64).alias("noemer"),
        pl.when(ok).then(1.0).otherwise(0.0).alias("dekking"),
        pl.when(ok).then(pl.lit("ok")).otherwise(pl.lit("onderdrukt")).alias("status"),
        pl.when(ok)
        .then(pl.lit(None, pl.String))
        .otherwise(
            pl.lit(
                "De bron publiceert voor deze regio geen waarde (te weinig respondenten of geheim)."
            )
        )
        .alias("status_toelichting"),
        pl.col("tabel_id").alias("bron_tabel"),
        "bron_variabele",
        "bron_sha256",
        "toelichting",
    ).cast(RESULTAAT_SCHEMA)  # type: ignore[arg-type]


def aggregeer(
    metingen: pl.DataFrame,
    lidmaatschap: pl.DataFrame,
    catalogus: Catalogus,
    families: tuple[str, ...] = ("context", "gebiedseffect"),
    *,
    gebieden: pl.DataFrame | None = None,
    drempel: float = DEKKING_DREMPEL,
) -> pl.DataFrame:
    """All indicators of ``families`` for every gebied."""
    ref = referentiebevolking(metingen)
    basis = DekkingBasis(lidmaatschap, ref)
    delen = []
    for ind in catalogus.van_familie(*families):
        if ind.maat == "gepubliceerd":
            delen.append(gepubliceerd_via_gemeente(metingen, ind, gebieden))
        else:
            delen.append(
                aggregeer_indicator(
                    metingen, lidmaatschap, ind, drempel=drempel, dekking_basis=basis
                )
            )
    return pl.concat(delen) if delen else pl.DataFrame(schema=RESULTAAT_SCHEMA)
