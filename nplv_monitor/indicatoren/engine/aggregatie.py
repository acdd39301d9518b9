"""Aggregate metingen into indicator values for every gebied: pure functions on polars frames.

Rules (docs/indicatoren.md, docs/ontwerp.md):
- counts add up; shares and rates are sum(teller) / sum(noemer) over the units that have both;
  averages and scores are weighted by their own base (sum(waarde × basis) / sum(basis));
- a missing value is never zero: ``dekking`` = (share of the area's base in units with a value) ×
  (share of the area's reference population in units the table has at all); below
  ``DEKKING_DREMPEL`` the value is withheld (status onderdrukt), as it is when the noemer is below
  the indicator's minimum base;
- a unit with the teller but no noemer (noemer from another source or variable, a missing weight)
  is a unit without value in dekking, weighted by its reference population scaled to the
  noemer's unit (:func:`_basis_voor_elke_eenheid`), never left out of both sums;
- without a reference population nothing is summed; the text names the case
  (:func:`_geen_referentie_tekst`: no population table on the indeling, the area's codes not in
  it, no inhabitants);
- a buurt, wijk or Nederland the source publishes itself keeps its published figure, and so does
  a gemeente of a source whose lowest level is the gemeente (Leefbaarometer gemeente scores 2024);
  every other gebied (focus areas, rest of gemeente, all focus areas together, gemeenten of a
  table with buurten or wijken, regions a source does not publish) is aggregated from the lowest
  level the source has;
- a gemeente is aggregated from the same buurten as its focus area and rest, so area + rest =
  gemeente (teller and noemer); the gemeente row of a table that also has buurten (KWB) is only a
  check (:mod:`.gemeentecontrole`); so is the gemeente row of the gemeenten-and-wijken extract
  2024 (level wijk). A separate source of gemeente level (the published Leefbaarometer gemeente
  scores 2024) still gives the gemeente its own figure;
- all focus areas together is only ``ok`` when every focus area has a value (``aantal_gebieden``
  of ``aantal_gebieden_totaal``), see :func:`met_gebiedsniveau`;
- survey figures published per gemeente are shown for an area as the gemeente's figure, labelled
  ``waarde_niveau`` = 'gemeente', never as an area value; a survey published per wijk without a
  base (Gezondheidsmonitor) gives an area of whole wijken the inhabitant-weighted mean of them.
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

#: The keys of one series of a source variable: one file read of one table, one indeling and one
#: peiljaar. Units are summed per gebied and series.
REEKS_SLEUTELS = [
    "bron",
    "tabel_id",
    "bron_variabele",
    "bron_sha256",
    "indelingsjaar",
    "peiljaar",
    "eenheid",
]
#: The level of a unit from its CBS code (BU, WK, GM, NL).
_NIVEAU = pl.col("regiocode").str.slice(0, 2)

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
    # The additive amount (``aantal``): equal to the published value for counts, and the derived
    # population for a noemer_uit_percentage (persons under 23 from jeugdzorg count and %).
    nb = metingen.filter(pl.col("variabele").is_in(noemers)).select(
        pl.col("bron").alias("n_bron"),
        "indelingsjaar",
        "regiocode",
        "variabele",
        pl.col("aantal").alias("waarde"),
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


def eenheid_bekend(ind: Indicator) -> pl.Expr:
    """A unit counts (its teller and noemer enter the sums): a count needs its teller, any other
    measure its teller and its noemer or weight (``n``, from :func:`_noemer`)."""
    if ind.maat == "aantal":
        return pl.col("t_aantal").is_not_null()
    return pl.col("t_aantal").is_not_null() & pl.col("n").is_not_null()


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


def gemeenterij_is_controle() -> pl.Expr:
    """A gemeente row of a table that also has lower levels (KWB): not the gemeente's value but a
    check on it. The gemeente is aggregated from the same buurten as its focus area and rest, so
    that area + rest = gemeente; the CBS row can count what no buurt holds (cars not assigned to a
    buurt: Groningen 0,687 per household against 0,580 from its buurten)."""
    return (pl.col("regio_soort") == "gemeente") & ~pl.col("laagste_niveau")


def _waarde(ind: Indicator) -> pl.Expr:
    if ind.maat == "aantal":
        return pl.col("teller")
    return pl.when(pl.col("noemer") > 0).then(pl.col("teller") / pl.col("noemer") * ind.factor)


#: A unit has its teller: the published value (a score without its weight has no additive amount).
_heeft_teller = pl.col("t_waarde").is_not_null() | pl.col("t_aantal").is_not_null()


def _geen_referentie_tekst() -> pl.Expr:
    """Why an aggregated value has no reference population, per case (columns of
    :class:`DekkingBasis`): without it the table part of dekking cannot be measured, so a
    truncated table cannot be told from a complete one and no sum is published.

    - no population table on the indeling year at all (SES-WOA 2014–2019);
    - a population table for the indeling, but none of the area's codes in it: the wijkindeling
      2022 of the Leefbaarometer has inhabitants only for wijk codes that KWB 2020 also has, so
      a gemeente whose wijken were renumbered between 2020 and 2022 has none;
    - the area's units are in it with 0 inhabitants (a buurt or wijk without residents)."""
    jaar = pl.col("indelingsjaar").cast(pl.String)
    eenheden = (
        pl.when(pl.col("_niveau") == "WK")
        .then(pl.lit("wijk"))
        .when(pl.col("_niveau") == "BU")
        .then(pl.lit("buurt"))
        .otherwise(pl.lit("regio"))
    )
    return (
        pl.when(~pl.col("_ref_jaar").fill_null(False))
        .then(
            pl.lit("Geen referentiebevolking voor deze indeling: het snapshot heeft geen ")
            + pl.lit("bevolkingstabel op indeling ")
            + jaar
            + pl.lit(
                ", dus is niet te toetsen welk deel van de inwoners van het gebied in de tabel "
                "staat (de tabel kan onvolledig zijn); geen opgetelde waarde."
            )
        )
        .when(pl.col("_n_ref").fill_null(0) == 0)
        .then(
            pl.lit("Geen referentiebevolking voor deze eenheden: de ")
            + eenheden
            + pl.lit("codes van het gebied in indeling ")
            + jaar
            + pl.lit(
                " staan niet in de bevolkingstabel van die indeling (codes die gewijzigd zijn "
                "ten opzichte van die tabel), dus is niet te toetsen of de tabel het hele gebied "
                "bevat; geen opgetelde waarde."
            )
        )
        .otherwise(
            pl.lit("De ")
            + eenheden
            + pl.lit("en van het gebied hebben volgens de bevolkingstabel van indeling ")
            + jaar
            + pl.lit(
                " geen inwoners: de dekking is niet naar inwoners te wegen; geen opgetelde waarde."
            )
        )
    )


def _status(ind: Indicator, drempel: float) -> list[pl.Expr]:
    basis = pl.col("teller") if ind.maat == "aantal" else pl.col("noemer")
    onderdrukt_dekking = pl.col("dekking") < drempel
    onderdrukt_basis = basis.is_null() | (basis < ind.minimum_basis) | pl.col("_waarde").is_null()
    pct = (pl.col("dekking") * 100).round(1).cast(pl.String)
    zonder_noemer = pl.col("_n_zonder_noemer").fill_null(0)
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
        .then(_geen_referentie_tekst())
        .when(pl.col("dekking").is_null() | (pl.col("dekking") == 0))
        .then(
            pl.lit("De bron heeft geen waarde voor de buurten/wijken van dit gebied in deze tabel.")
        )
        .when(onderdrukt_dekking)
        .then(
            pl.when(zonder_noemer > 0)
            .then(
                pl.lit("Dekking ")
                + pct
                + pl.lit(
                    f"% is lager dan de drempel van {drempel * 100:.0f}%: te veel van de basis "
                    "ligt in eenheden zonder waarde; "
                )
                + zonder_noemer.cast(pl.String)
                + pl.lit(
                    " daarvan hebben wel een teller maar geen noemer of gewicht (ontbreekt in de "
                    "bron van de noemer), de rest is geheim of niet in de tabel."
                )
            )
            .otherwise(
                pl.lit("Dekking ")
                + pct
                + pl.lit(
                    f"% is lager dan de drempel van {drempel * 100:.0f}%: te veel van de basis ligt in buurten zonder waarde (geheim of niet in de tabel)."
                )
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
            + pl.when(zonder_noemer > 0)
            .then(
                pl.lit(" ")
                + zonder_noemer.cast(pl.String)
                + pl.lit(" daarvan hebben een teller maar geen noemer of gewicht.")
            )
            .otherwise(pl.lit(""))
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
        #: every (gebied_code, gebied_soort) numbered: the engine's frames carry the number
        self.gebieden = (
            lidmaatschap.select("gebied_code", "gebied_soort")
            .unique(maintain_order=True)
            .with_row_index("_gebied")
        )
        #: (_gebied, indelingsjaar, regiocode, inwoners_ref, _niv) of every member unit
        self.leden_ref = (
            lidmaatschap.join(
                self.gebieden,
                on=["gebied_code", "gebied_soort"],
                nulls_equal=True,
                maintain_order="left",
            )
            .join(referentie, on=["indelingsjaar", "regiocode"], how="left")
            .select("_gebied", "indelingsjaar", "regiocode", "inwoners_ref", _NIVEAU.alias("_niv"))
        )
        self.leden_nummers = self.leden_ref.drop("_niv")
        # Which indeling years and levels have a population table at all: tells the causes of a
        # missing reference population apart (no table on the indeling, the area's codes not in
        # it, or no inhabitants), see :func:`_geen_referentie_tekst`.
        ref_jaren = (
            referentie.select("indelingsjaar", _NIVEAU.alias("_niv"))
            .unique()
            .with_columns(_ref_jaar=pl.lit(True))
        )
        self.totaal_per_niveau = (
            self.leden_ref.group_by("_gebied", "indelingsjaar", "_niv")
            .agg(
                pl.col("inwoners_ref").sum().alias("_p_alle"),
                pl.col("inwoners_ref").is_not_null().sum().alias("_n_ref"),
            )
            .join(ref_jaren, on=["indelingsjaar", "_niv"], how="left")
            .with_columns(pl.col("_ref_jaar").fill_null(False), _niveau=pl.col("_niv"))
        )
        self._cache: dict[
            tuple[int, int], list[tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]]
        ] = {}

    def tabeldelen(self, tabel_eenheden: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(tabel_niveau, aanwezig) for the units of one table/peiljaar selection.

        ``tabel_niveau`` gives each (tabel_id, peiljaar) the level of its units (``_niv``), the
        key on which :attr:`totaal_per_niveau` is joined: first joining the two would give a row
        per gebied, level and table, far more than the aggregate they are joined to."""
        eenheden = tabel_eenheden.sort("tabel_id", "peiljaar", "indelingsjaar", "regiocode")
        sleutel = (eenheden.height, int(eenheden.hash_rows(seed=0).sum()))
        for bekend, tabel_niveau, aanwezig in self._cache.get(sleutel, []):
            if bekend.equals(eenheden):
                return tabel_niveau, aanwezig
        tabel_niveau = eenheden.select("tabel_id", "peiljaar", _NIVEAU.alias("_niv")).unique()
        aanwezig = (
            self.leden_ref.join(eenheden, on=["indelingsjaar", "regiocode"], how="inner")
            .group_by("_gebied", "indelingsjaar", "tabel_id", "peiljaar")
            .agg(pl.col("inwoners_ref").sum().alias("_p_aanwezig"))
        )
        self._cache.setdefault(sleutel, []).append((eenheden, tabel_niveau, aanwezig))
        return tabel_niveau, aanwezig


def _in_somvolgorde(laag: pl.DataFrame, leden: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every unit of ``laag`` once per gebied it belongs to, keyed by two integers, each group's
    units in a fixed order; and the table keys of each series number (``_reeks``).

    ``leden`` is :attr:`DekkingBasis.leden_nummers`: the membership with each gebied numbered
    (``_gebied``) and the unit's reference population. The frame returned has a row per unit and
    gebied, several times as many as ``laag``: it carries two integer keys instead of nine string
    and integer columns, which makes its joins and group-bys several times cheaper.

    The sums per gebied and series are float sums, which depend on the order of their terms; for
    the same inputs to give the same values in every build, each group must see its units in an
    order that does not depend on how rows arrive. Sorting the units by series and code before
    the join (which keeps that order) gives every group its units in code order, as sorting the
    joined frame on all group keys would, at a fraction of the cost."""
    laag = laag.sort([*REEKS_SLEUTELS, "regiocode"], nulls_last=True).with_columns(
        # sorted, so equal series keys are adjacent: a run number is a series number
        _reeks=pl.struct(REEKS_SLEUTELS).rle_id()
    )
    reeksen = laag.select("_reeks", *REEKS_SLEUTELS).unique("_reeks", keep="first")
    samen = laag.select(
        "_reeks", "indelingsjaar", "regiocode", "t_waarde", "t_aantal", "n", "d", "bekend"
    ).join(leden, on=["indelingsjaar", "regiocode"], how="inner", maintain_order="left")
    return samen, reeksen


def _basis_voor_elke_eenheid(samen: pl.DataFrame, groep: list[str]) -> pl.DataFrame:
    """Give every member unit a dekking base ``d``, also a unit whose noemer (or dekking variable)
    is missing.

    ``d`` is the noemer (or weight, or the count's dekking base) of the unit. When that comes
    from another variable or another source (inhabitants 2024 for crime, woningvoorraad from
    the truncated KWB 2024) a unit can have the teller but no noemer; left null, it would
    drop out of both sums of the dekking share and the area would look fully covered while its
    value is a partial sum. Such a unit counts as a unit without value, weighted by the best
    base available: its reference population scaled to the noemer's unit (Σ d / Σ inhabitants
    over the area's units that have both), else the mean ``d`` of the area's units. When no
    unit of the area has ``d`` at all, every unit is weighted by its reference population
    (``inwoners_ref``, a column of ``samen``).

    ``samen`` comes in the order of :func:`_in_somvolgorde`; the join below keeps it, so that
    the float sums of the caller do not depend on the order rows arrive in."""
    beide = pl.col("d").is_not_null() & pl.col("inwoners_ref").is_not_null()
    # One group-by over the large frame and a join of its small result, instead of four window
    # expressions (each a group-by and a gather over the whole frame).
    per_groep = samen.group_by(groep).agg(
        pl.col("inwoners_ref").filter(beide).sum().alias("_ref_beide"),
        pl.col("d").filter(beide).sum().alias("_d_beide"),
        pl.col("d").is_not_null().any().alias("_heeft_d"),
        pl.col("d").mean().alias("_d_gemiddeld"),
    )
    verhouding = pl.when(pl.col("_ref_beide") > 0).then(pl.col("_d_beide") / pl.col("_ref_beide"))
    return (
        samen.join(per_groep, on=groep, how="left", maintain_order="left")
        .with_columns(
            d=pl.when("_heeft_d")
            .then(pl.coalesce("d", pl.col("inwoners_ref") * verhouding, "_d_gemiddeld"))
            .otherwise(pl.col("inwoners_ref"))
        )
        .drop("inwoners_ref", "_ref_beide", "_d_beide", "_heeft_d", "_d_gemiddeld")
    )


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
    teller = teller.with_columns(bekend=eenheid_bekend(ind))
    if dekking_basis is None:
        ref = referentie if referentie is not None else referentiebevolking(metingen)
        dekking_basis = DekkingBasis(lidmaatschap, ref)

    # -- aggregated from the lowest level ---------------------------------------------------
    laag = teller.filter(pl.col("laagste_niveau"))
    samen, reeksen = _in_somvolgorde(laag, dekking_basis.leden_nummers)
    samen = _basis_voor_elke_eenheid(samen, ["_gebied", "_reeks"])
    agg = samen.group_by("_gebied", "_reeks").agg(
        pl.col("t_aantal").filter(pl.col("bekend")).sum().alias("teller"),
        pl.col("n").filter(pl.col("bekend")).sum().alias("noemer"),
        pl.col("d").filter(pl.col("bekend")).sum().alias("_d_bekend"),
        pl.col("d").sum().alias("_d_alle"),
        pl.col("bekend").sum().alias("_n_bekend"),
        # units with a teller whose noemer (or weight) is missing: a cause the text must name
        (_heeft_teller & ~pl.col("bekend")).sum().alias("_n_zonder_noemer"),
    )
    agg = agg.join(reeksen, on="_reeks").drop("_reeks")
    # Table part of dekking: reference population of the member units the table has at all.
    # Only units of the table's own level count (a membership also lists wijken for wijk sources).
    # Keyed per file read (bron_sha256), not per table id: the truncated KWB 2024 table and the
    # complete extracts of the same table (inhabitants per buurt, gemeenten and wijken) are one
    # table id but cover different units.
    bestand = pl.coalesce("bron_sha256", "tabel_id")
    tabel_eenheden = laag.select(
        bestand.alias("tabel_id"), "peiljaar", "indelingsjaar", "regiocode"
    ).unique()
    tabel_niveau, aanwezig = dekking_basis.tabeldelen(tabel_eenheden)
    agg = (
        agg.with_columns(_bestand=bestand)
        .join(
            tabel_niveau.rename({"tabel_id": "_bestand"}), on=["_bestand", "peiljaar"], how="left"
        )
        .join(
            dekking_basis.totaal_per_niveau,
            on=["_gebied", "indelingsjaar", "_niv"],
            how="left",
        )
        .join(
            aanwezig.rename({"tabel_id": "_bestand"}),
            on=["_gebied", "indelingsjaar", "_bestand", "peiljaar"],
            how="left",
        )
        # the gebied's name again, on the aggregate
        .join(dekking_basis.gebieden, on="_gebied")
        .drop("_bestand", "_niv", "_gebied")
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
            toelichting=pl.lit(None, pl.String),
            _geen_ref=pl.col("_dekking_tabel").is_null(),
            _teller_zonder_noemer=pl.lit(False),
        )
    )

    # -- published by the source for the region itself ---------------------------------------
    if gepubliceerd_voorrang and ind.maat != "index_gemeente":
        eigen = teller.filter(
            pl.col("regio_soort").is_in(list(_GEBIED_SOORT)) & ~gemeenterij_is_controle()
        ).with_columns(
            gebied_code=pl.col("regiocode"),
            gebied_soort=pl.col("regio_soort").replace_strict(_GEBIED_SOORT),
            teller=pl.when(pl.col("bekend")).then(pl.col("t_aantal")),
            noemer=pl.when(pl.col("bekend")).then(pl.col("n")),
            dekking=pl.when(pl.col("bekend")).then(pl.lit(1.0)).otherwise(pl.lit(0.0)),
            toelichting=pl.lit("Waarde zoals de bron die voor deze regio publiceert."),
            _geen_ref=pl.lit(False),
            _teller_zonder_noemer=_heeft_teller & ~pl.col("bekend"),
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
            pl.when(pl.col("_teller_zonder_noemer").fill_null(False))
            .then(
                pl.lit(
                    "De bron publiceert de teller voor deze regio, maar de noemer of het gewicht "
                    "ontbreekt (niet in de bron van de noemer, of nul), dus geen waarde."
                )
            )
            .otherwise(
                pl.lit(
                    "De bron publiceert voor deze regio geen waarde (geheimhouding of te kleine "
                    "basis)."
                )
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


#: Kinds of gebied that get a survey figure of their gemeente (or of their own wijken).
_GEBIED_SOORTEN_VIA = ("focusgebied", "rest_gemeente")
#: Toelichting of a row that shows a gemeente's survey figure for an area (waarde_niveau gemeente).
VIA_GEMEENTE = (
    "Geen cijfer voor het gebied zelf: dit is de waarde van de gemeente {gemeente} ({code}); de "
    "bron publiceert alleen gemeenten en politiedistricten. Geen gebiedswaarde."
)


def hele_wijken(lidmaatschap: pl.DataFrame) -> pl.DataFrame:
    """(gebied_code, gebied_soort, wijkcode): areas that consist of whole CBS wijken.

    An area counts when, in every indeling year it has buurten, each wijk it touches lies in it
    entirely (all buurten of the wijk in that indeling, from the CBS hierarchy) and the set of
    wijk codes is the same in every such year (a CBS wijk code that is unchanged between the
    indelingen denotes the same wijk in the years between). Rotterdam-Zuid: Feijenoord, Charlois,
    IJsselmonde in 2020 and 2024.
    """
    code = pl.col("regiocode")
    buurten = lidmaatschap.filter(code.str.starts_with("BU")).with_columns(
        wijkcode=pl.lit("WK") + code.str.slice(2, 6)
    )
    wijkgrootte = (
        buurten.filter(pl.col("gebied_soort") == "wijk")
        .group_by("indelingsjaar", pl.col("gebied_code").alias("wijkcode"))
        .agg(pl.col("regiocode").n_unique().alias("_n_wijk"))
    )
    per_jaar = (
        buurten.filter(pl.col("gebied_soort").is_in(_GEBIED_SOORTEN_VIA))
        .group_by("gebied_code", "gebied_soort", "indelingsjaar", "wijkcode")
        .agg(pl.col("regiocode").n_unique().alias("_n_gebied"))
        .join(wijkgrootte, on=["indelingsjaar", "wijkcode"], how="left")
    )
    geheel = per_jaar.group_by("gebied_code", "gebied_soort").agg(
        (pl.col("_n_gebied") == pl.col("_n_wijk")).fill_null(False).all().alias("_heel"),
        pl.col("indelingsjaar").n_unique().alias("_jaren"),
    )
    # the same wijk set in every indeling year: each wijk appears in as many years as the area
    stabiel = (
        per_jaar.group_by("gebied_code", "wijkcode")
        .agg(pl.col("indelingsjaar").n_unique().alias("_n"))
        .join(geheel, on="gebied_code")
        .group_by("gebied_code", "gebied_soort")
        .agg((pl.col("_n") == pl.col("_jaren")).all().alias("_stabiel"), pl.col("_heel").first())
    )
    goed = stabiel.filter(pl.col("_stabiel") & pl.col("_heel")).select("gebied_code")
    return (
        per_jaar.join(goed, on="gebied_code", how="semi")
        .select("gebied_code", "gebied_soort", "wijkcode")
        .unique()
        .sort("gebied_code", "wijkcode")
    )


def wijkgewichten(referentie: pl.DataFrame) -> pl.DataFrame:
    """(indelingsjaar, wijkcode, inwoners): inhabitants per wijk, the sum of its buurten in the
    reference population of that indeling (KWB 2020; the complete 2024 population file)."""
    return (
        referentie.filter(pl.col("regiocode").str.starts_with("BU"))
        .group_by(
            "indelingsjaar", (pl.lit("WK") + pl.col("regiocode").str.slice(2, 6)).alias("wijkcode")
        )
        .agg(pl.col("inwoners_ref").sum().alias("inwoners"))
    )


def _uit_hele_wijken(
    teller: pl.DataFrame,
    ind: Indicator,
    lidmaatschap: pl.DataFrame,
    referentie: pl.DataFrame,
    drempel: float,
) -> pl.DataFrame:
    """A survey published per wijk without a base (Gezondheidsmonitor): an area of whole wijken
    gets the mean of its wijken weighted by inhabitants, from the population of the indeling year
    nearest the peiljaar (a tie goes to the later year). The survey describes adults (18+), whose
    count CBS does not publish per wijk; all inhabitants are the weight. Dekking = share of the
    weight in wijken with a value; below ``drempel`` the value is withheld."""
    wijken = hele_wijken(lidmaatschap)
    gewicht = wijkgewichten(referentie)
    if wijken.is_empty() or gewicht.is_empty():
        return pl.DataFrame()
    w = teller.filter(pl.col("regio_soort") == "wijk").rename({"regiocode": "wijkcode"})
    jaren = gewicht.select(pl.col("indelingsjaar").alias("_gewichtjaar")).unique()
    keuze = (
        w.select("peiljaar")
        .unique()
        .join(jaren, how="cross")
        .with_columns(_afstand=(pl.col("_gewichtjaar") - pl.col("peiljaar")).abs())
        .sort("_afstand", "_gewichtjaar", descending=[False, True])
        .unique("peiljaar", keep="first")
        .select("peiljaar", "_gewichtjaar")
    )
    factor = pl.when(pl.col("eenheid") == "%").then(100.0).otherwise(1.0)
    samen = (
        wijken.join(w, on="wijkcode", how="inner")
        .join(keuze, on="peiljaar")
        .join(
            gewicht.rename({"indelingsjaar": "_gewichtjaar"}),
            on=["_gewichtjaar", "wijkcode"],
            how="left",
        )
    )
    # every wijk of the area must be in the table that year, else it is no whole-wijk value
    n_wijken = wijken.group_by("gebied_code").agg(pl.len().alias("_n_wijken"))
    bekend = pl.col("t_waarde").is_not_null() & pl.col("inwoners").is_not_null()
    agg = (
        samen.group_by("gebied_code", "gebied_soort", *REEKS_SLEUTELS, "_gewichtjaar")
        .agg(
            (pl.col("t_waarde") * pl.col("inwoners")).filter(bekend).sum().alias("_som"),
            pl.col("inwoners").filter(bekend).sum().alias("noemer"),
            pl.col("inwoners").sum().alias("_alle"),
            pl.len().alias("_n"),
            bekend.sum().alias("_n_bekend"),
            pl.col("wijkcode").sort().str.join(", ").alias("_wijken"),
        )
        .join(n_wijken, on="gebied_code")
        # a year in which the source fills none of the wijken is no measurement of the area: the
        # gebied gets the source's own reason (variable not filled) like every other region
        .filter((pl.col("_n") == pl.col("_n_wijken")) & (pl.col("_n_bekend") > 0))
        .with_columns(
            teller=pl.col("_som") / factor,
            dekking=pl.when(pl.col("_alle") > 0).then(pl.col("noemer") / pl.col("_alle")),
        )
    )
    ok = (pl.col("dekking") >= drempel) & (pl.col("noemer") > 0)
    return agg.select(
        "gebied_code",
        "gebied_soort",
        pl.lit(ind.code).alias("indicator_code"),
        "peiljaar",
        "indelingsjaar",
        pl.when(ok).then(pl.col("_som") / pl.col("noemer")).alias("waarde"),
        "teller",
        "noemer",
        "dekking",
        pl.when(ok).then(pl.lit("ok")).otherwise(pl.lit("onderdrukt")).alias("status"),
        pl.when(ok)
        .then(pl.lit(None, pl.String))
        .otherwise(
            pl.lit("Dekking ")
            + (pl.col("dekking") * 100).round(1).cast(pl.String)
            + pl.lit(
                f"% van de inwoners ligt in wijken met een waarde, minder dan de drempel van "
                f"{drempel * 100:.0f}%."
            )
        )
        .alias("status_toelichting"),
        pl.col("tabel_id").alias("bron_tabel"),
        "bron_variabele",
        "bron_sha256",
        (
            pl.lit("De bron publiceert het gebied niet zelf: gemiddelde van zijn hele wijken ")
            + pl.col("_wijken")
            + pl.lit(", gewogen met de inwoners per wijk op 1 januari ")
            + pl.col("_gewichtjaar").cast(pl.String)
            + pl.lit(
                " (de enquête beschrijft volwassenen; hun aantal per wijk publiceert CBS niet)."
            )
        ).alias("toelichting"),
    ).cast(RESULTAAT_SCHEMA)  # type: ignore[arg-type]


def gepubliceerd_via_gemeente(
    metingen: pl.DataFrame,
    ind: Indicator,
    gebieden: pl.DataFrame | None,
    *,
    lidmaatschap: pl.DataFrame | None = None,
    referentie: pl.DataFrame | None = None,
    drempel: float = DEKKING_DREMPEL,
) -> pl.DataFrame:
    """Figures published without a base to add up: every published region keeps its own figure.

    - Published only for gemeenten/police districts (Veiligheidsmonitor): a focus area or rest of
      gemeente shows its gemeente's figure, labelled as the gemeente's (``waarde_niveau``
      'gemeente', :func:`met_gebiedsniveau`), never as an area value. A police district is not
      used for an area: no police district in the table has the territory of a focus area.
    - Published per wijk (Gezondheidsmonitor): an area of whole wijken gets their weighted mean
      (:func:`_uit_hele_wijken`)."""
    teller = _eenheden_teller(metingen, ind).with_columns(
        gebied_code=pl.col("regiocode"),
        gebied_soort=pl.col("regio_soort").replace_strict(_GEBIED_SOORT, default=None),
        toelichting=pl.lit("Waarde zoals de bron die voor deze regio publiceert."),
    )
    delen = [teller]
    niveau = bronnen()[ind.bronnen()[0]].niveau
    if gebieden is not None and niveau == "gemeente":
        gebied = gebieden.filter(pl.col("soort").is_in(_GEBIED_SOORTEN_VIA)).select(
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
    gepubliceerd = uit.select(
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
    if niveau in ("buurt", "wijk") and lidmaatschap is not None:
        ref = referentie if referentie is not None else referentiebevolking(metingen)
        wijkwaarden = _uit_hele_wijken(teller, ind, lidmaatschap, ref, drempel)
        if wijkwaarden.height:
            gepubliceerd = pl.concat([gepubliceerd, wijkwaarden])
    return gepubliceerd


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
            delen.append(
                gepubliceerd_via_gemeente(
                    metingen,
                    ind,
                    gebieden,
                    lidmaatschap=lidmaatschap,
                    referentie=ref,
                    drempel=drempel,
                )
            )
        else:
            delen.append(
                aggregeer_indicator(
                    metingen, lidmaatschap, ind, drempel=drempel, dekking_basis=basis
                )
            )
    return pl.concat(delen) if delen else pl.DataFrame(schema=RESULTAAT_SCHEMA)


def gemeentenamen(metingen: pl.DataFrame) -> pl.DataFrame:
    """(gemeentecode, gemeentenaam): the name of each gemeente as its sources write it, without a
    level suffix ("Groningen (GM)") and never the code itself (KWB 2020 names regions by code)."""
    return (
        metingen.filter(pl.col("regio_soort") == "gemeente")
        .select(
            pl.col("regiocode").alias("gemeentecode"),
            pl.col("regionaam").str.replace(r"\s*\(GM\)$", "").alias("gemeentenaam"),
        )
        .filter(
            pl.col("gemeentenaam").is_not_null()
            & (pl.col("gemeentenaam") != pl.col("gemeentecode"))
        )
        .sort("gemeentecode", "gemeentenaam")
        .unique("gemeentecode", keep="first")
    )


def _via_gemeente(catalogus: Catalogus) -> list[str]:
    """Indicators whose areas show their gemeente's figure: published per gemeente, no base."""
    return [
        i.code
        for i in catalogus.indicatoren
        if i.maat == "gepubliceerd"
        and i.bronnen()
        and i.bronnen()[0] in bronnen()
        and bronnen()[i.bronnen()[0]].niveau == "gemeente"
    ]


def met_gebiedsniveau(
    df: pl.DataFrame,
    metingen: pl.DataFrame,
    catalogus: Catalogus,
    gebieden: pl.DataFrame | None,
) -> pl.DataFrame:
    """Add ``waarde_niveau``, ``marge``, ``aantal_gebieden`` and ``aantal_gebieden_totaal``.

    - ``waarde_niveau``: 'gemeente' on an area row that shows its gemeente's survey figure (its
      status_toelichting says so), 'gebied' where the value is the gebied's own, empty on a row
      without a value from any source;
    - ``marge``: the published margin (metingen.marge) of the figure shown (the gemeente's);
    - all focus areas together: ``aantal_gebieden`` focus areas with a value of their own (status
      ok, waarde_niveau gebied) of ``aantal_gebieden_totaal``; when one is missing the sum is not
      "all focus areas": status onderdrukt, no value, the missing areas named.
    """
    via = pl.col("indicator_code").is_in(_via_gemeente(catalogus)) & pl.col("gebied_soort").is_in(
        _GEBIED_SOORTEN_VIA
    )
    gemeente = (
        gebieden.select("gebied_code", pl.col("gemeentecode").alias("_gm"))
        if gebieden is not None
        else pl.DataFrame(schema={"gebied_code": pl.String, "_gm": pl.String})
    )
    namen = gemeentenamen(metingen).rename({"gemeentecode": "_gm", "gemeentenaam": "_gm_naam"})
    marges = (
        metingen.filter(pl.col("marge").is_not_null())
        .select(
            pl.col("tabel_id").alias("bron_tabel"),
            "bron_variabele",
            pl.col("regiocode").alias("_regio"),
            "peiljaar",
            "marge",
        )
        .unique(["bron_tabel", "bron_variabele", "_regio", "peiljaar"])
    )
    geen_bron = pl.col("waarde").is_null() & (pl.col("status") == "ontbreekt")
    uit = (
        df.join(gemeente, on="gebied_code", how="left")
        .join(namen, on="_gm", how="left")
        .with_columns(
            waarde_niveau=pl.when(via)
            .then(pl.lit("gemeente"))
            .when(geen_bron)
            .then(pl.lit(None, pl.String))
            .otherwise(pl.lit("gebied")),
            _regio=pl.when(via).then(pl.col("_gm")).otherwise(pl.col("gebied_code")),
        )
        .join(marges, on=["bron_tabel", "bron_variabele", "_regio", "peiljaar"], how="left")
        .with_columns(
            status_toelichting=pl.when(via & (pl.col("status") == "ok"))
            .then(
                pl.format(
                    VIA_GEMEENTE.replace("{gemeente}", "{}").replace("{code}", "{}"),
                    pl.col("_gm_naam").fill_null(pl.col("_gm")),
                    pl.col("_gm"),
                )
            )
            .otherwise(pl.col("status_toelichting"))
        )
        .drop("_gm", "_gm_naam", "_regio")
    )
    return _alle_focusgebieden(uit, gebieden)


def _alle_focusgebieden(df: pl.DataFrame, gebieden: pl.DataFrame | None) -> pl.DataFrame:
    leeg = df.with_columns(
        aantal_gebieden=pl.lit(None, pl.Int64), aantal_gebieden_totaal=pl.lit(None, pl.Int64)
    )
    if gebieden is None:
        return leeg
    focus = gebieden.filter(pl.col("soort") == "focusgebied").select("gebied_code", "gebied_naam")
    totaal = focus.height
    eigen = (
        df.filter(
            (pl.col("gebied_soort") == "focusgebied")
            & (pl.col("status") == "ok")
            & (pl.col("waarde_niveau") == "gebied")
        )
        .select("indicator_code", "peiljaar", "gebied_code")
        .unique()
    )
    alle = df.filter(pl.col("gebied_soort") == "alle_focusgebieden").select(
        "indicator_code", "peiljaar"
    )
    missend = (
        alle.join(focus, how="cross")
        .join(eigen, on=["indicator_code", "peiljaar", "gebied_code"], how="anti")
        .sort("gebied_naam")
        .group_by("indicator_code", "peiljaar")
        .agg(pl.col("gebied_naam").str.join(", ").alias("_missend"), pl.len().alias("_n_mis"))
    )
    telling = alle.join(missend, on=["indicator_code", "peiljaar"], how="left").with_columns(
        aantal_gebieden=(pl.lit(totaal) - pl.col("_n_mis").fill_null(0)).cast(pl.Int64),
        aantal_gebieden_totaal=pl.lit(totaal, pl.Int64),
    )
    uit = df.join(
        telling.with_columns(gebied_soort=pl.lit("alle_focusgebieden")),
        on=["gebied_soort", "indicator_code", "peiljaar"],
        how="left",
    )
    onvolledig = (
        (pl.col("gebied_soort") == "alle_focusgebieden")
        & (pl.col("status") == "ok")
        & (pl.col("aantal_gebieden") < pl.col("aantal_gebieden_totaal"))
    )
    return uit.with_columns(
        status=pl.when(onvolledig).then(pl.lit("onderdrukt")).otherwise(pl.col("status")),
        waarde=pl.when(onvolledig).then(None).otherwise(pl.col("waarde")),
        status_toelichting=pl.when(onvolledig)
        .then(
            pl.format(
                "Bevat {} van de {} focusgebieden: zonder eigen waarde voor {}. Een optelling "
                "zonder die gebieden is niet 'alle focusgebieden' en wordt niet gepubliceerd.",
                pl.col("aantal_gebieden"),
                pl.col("aantal_gebieden_totaal"),
                pl.col("_missend"),
            )
        )
        .otherwise(pl.col("status_toelichting")),
    ).drop("_missend", "_n_mis")
