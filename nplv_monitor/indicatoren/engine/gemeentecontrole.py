"""The gemeente from its buurten against the gemeente row CBS publishes (monitor.gemeente_controle).

A gemeente's value is aggregated from the same buurten as its focus area and rest of gemeente
(aggregatie.gemeenterij_is_controle), so area + rest = gemeente on one basis. The gemeente row of
the same table is kept as a check: both values side by side, their difference, and whether it
exceeds what rounding of the published figures can explain.

The rounding bound (``afrondingsmarge``) is a worst case built from the published values:
- a count at wijk or buurt level is rounded *randomly* by CBS (to multiples of 5; some topics to
  10), so each unit is off by less than that step ``R`` (the step is read from the data: the
  largest of 10, 5, 1 that divides every unit value of the variable in the table); counts at
  gemeente level are exact;
- a percentage, average or score is rounded to its published decimals (half a unit ``h``, the
  decimals read from the data); as an additive amount (``% × basis / 100``, ``waarde × basis``) it
  is off by ``h × basis (/100)`` plus the value times the rounding of its base;
- for a ratio T/N × f the bound is f × (ΣeT + |T/N| × ΣeN) / N, for a count ΣeT; the bound of the
  gemeente row is added (its percentages are rounded too).
A difference beyond it has a cause other than rounding: the gemeente row counts what no buurt
holds (cars not assigned to a buurt), or buurten without a value (dekking < 1) are left out.
"""

from __future__ import annotations

import polars as pl

from nplv_monitor.indicatoren.catalogus import GEWOGEN_MATEN, Catalogus
from nplv_monitor.indicatoren.engine import aggregatie

CONTROLE_SCHEMA: dict[str, pl.DataType] = {
    "gemeentecode": pl.String(),
    "gemeentenaam": pl.String(),
    "indicator_code": pl.String(),
    "peiljaar": pl.Int64(),
    "bron_tabel": pl.String(),
    "waarde_buurten": pl.Float64(),
    "teller_buurten": pl.Float64(),
    "noemer_buurten": pl.Float64(),
    "dekking_buurten": pl.Float64(),
    "status_buurten": pl.String(),
    "waarde_gemeenterij": pl.Float64(),
    "teller_gemeenterij": pl.Float64(),
    "noemer_gemeenterij": pl.Float64(),
    "verschil": pl.Float64(),
    "afrondingsmarge": pl.Float64(),
    "buiten_afronding": pl.Boolean(),
}

_LAGER = ("wijk", "buurt")


def _afronding(metingen: pl.DataFrame) -> pl.DataFrame:
    """(tabel_id, bron_variabele, _stap, _half): the random-rounding step of counts at wijk/buurt
    level and half a unit of the published decimals, read from the values themselves."""
    w = metingen.filter(pl.col("waarde").is_not_null() & pl.col("regio_soort").is_in(_LAGER))

    def veelvoud(k: float) -> pl.Expr:
        return ((pl.col("waarde") / k).round(0) * k - pl.col("waarde")).abs().max() < 1e-9

    decimalen = pl.coalesce(
        *[pl.when(veelvoud(10.0**-d)).then(pl.lit(d)) for d in range(4)], pl.lit(4)
    )
    return w.group_by("tabel_id", "bron_variabele").agg(
        pl.when(veelvoud(10.0))
        .then(10.0)
        .when(veelvoud(5.0))
        .then(5.0)
        .otherwise(1.0)
        .alias("_stap"),
        (0.5 * pl.lit(10.0).pow(-decimalen)).alias("_half"),
    )


def _fout_teller(vorm: pl.Expr, lager: pl.Expr) -> pl.Expr:
    """Worst-case rounding error of one unit's additive amount (``aantal``)."""
    basisfout = pl.when(lager).then(pl.lit(5.0)).otherwise(0.0)
    return (
        pl.when(vorm == "aantal")
        .then(pl.when(lager).then(pl.col("_stap")).otherwise(0.0))
        .when(vorm == "percentage")
        .then(
            pl.col("_half") * pl.col("t_basis").abs() / 100
            + pl.col("t_waarde").abs() / 100 * basisfout
        )
        .otherwise(pl.col("_half") * pl.col("t_basis").abs() + pl.col("t_waarde").abs() * basisfout)
        .fill_null(0.0)
    )


def gemeentecontrole(
    metingen: pl.DataFrame, waarden: pl.DataFrame, catalogus: Catalogus, families: tuple[str, ...]
) -> pl.DataFrame:
    """One row per gemeente, indicator and peiljaar where a table publishes a gemeente row beside
    its buurten (or wijken): see the module docstring."""
    afronding = _afronding(metingen)
    vorm = metingen.select("tabel_id", "bron_variabele", "vorm").unique(
        ["tabel_id", "bron_variabele"]
    )
    namen = aggregatie.gemeentenamen(metingen)
    gemeente = waarden.filter(pl.col("gebied_soort") == "gemeente").select(
        pl.col("gebied_code").alias("gemeentecode"),
        "indicator_code",
        "peiljaar",
        "bron_tabel",
        pl.col("waarde").alias("waarde_buurten"),
        pl.col("teller").alias("teller_buurten"),
        pl.col("noemer").alias("noemer_buurten"),
        pl.col("dekking").alias("dekking_buurten"),
        pl.col("status").alias("status_buurten"),
    )
    delen = []
    for ind in catalogus.van_familie(*families):
        if ind.maat in ("gepubliceerd", "index_gemeente"):
            continue
        teller = aggregatie._eenheden_teller(metingen, ind)
        if teller.is_empty():
            continue
        teller = aggregatie._noemer(metingen, ind, teller)
        bekend = aggregatie.eenheid_bekend(ind)
        lager = pl.col("regio_soort").is_in(_LAGER)
        delen_n = 1 if ind.maat in GEWOGEN_MATEN else max(len(ind.noemer), 1)
        eenheden = (
            teller.join(afronding, on=["tabel_id", "bron_variabele"], how="left")
            .join(vorm, on=["tabel_id", "bron_variabele"], how="left")
            .with_columns(
                _et=_fout_teller(pl.col("vorm"), lager),
                _en=pl.when(lager).then(pl.lit(5.0 * delen_n)).otherwise(0.0),
                gemeentecode=pl.lit("GM") + pl.col("regiocode").str.slice(2, 4),
            )
        )
        rij = eenheden.filter(aggregatie.gemeenterij_is_controle() & bekend).select(
            "gemeentecode",
            "peiljaar",
            pl.col("tabel_id").alias("bron_tabel"),
            pl.col("t_aantal").alias("teller_gemeenterij"),
            pl.col("n").alias("noemer_gemeenterij"),
            pl.col("_et").alias("_et_rij"),
        )
        laag = (
            eenheden.filter(pl.col("laagste_niveau") & bekend)
            .group_by("gemeentecode", "peiljaar", pl.col("tabel_id").alias("bron_tabel"))
            .agg(pl.col("_et").sum().alias("_et_som"), pl.col("_en").sum().alias("_en_som"))
        )
        deel = rij.join(
            laag, on=["gemeentecode", "peiljaar", "bron_tabel"], how="inner"
        ).with_columns(
            indicator_code=pl.lit(ind.code),
            _factor=pl.lit(ind.factor),
            _aantal=pl.lit(ind.maat == "aantal"),
        )
        delen.append(deel)
    if not delen:
        return pl.DataFrame(schema=CONTROLE_SCHEMA)
    rijen = pl.concat(delen, how="diagonal_relaxed")
    uit = rijen.join(
        gemeente, on=["gemeentecode", "indicator_code", "peiljaar", "bron_tabel"], how="inner"
    )
    ratio = pl.col("teller_buurten") / pl.col("noemer_buurten")
    marge = (
        pl.when(pl.col("_aantal"))
        .then(pl.col("_et_som") + pl.col("_et_rij"))
        .otherwise(
            pl.col("_factor")
            * (
                (pl.col("_et_som") + ratio.abs() * pl.col("_en_som")) / pl.col("noemer_buurten")
                + pl.col("_et_rij") / pl.col("noemer_gemeenterij")
            )
        )
    )
    waarde_rij = (
        pl.when(pl.col("_aantal"))
        .then(pl.col("teller_gemeenterij"))
        .when(pl.col("noemer_gemeenterij") > 0)
        .then(pl.col("teller_gemeenterij") / pl.col("noemer_gemeenterij") * pl.col("_factor"))
    )
    return (
        uit.with_columns(waarde_gemeenterij=waarde_rij, afrondingsmarge=marge)
        .with_columns(verschil=pl.col("waarde_buurten") - pl.col("waarde_gemeenterij"))
        .with_columns(buiten_afronding=pl.col("verschil").abs() > pl.col("afrondingsmarge"))
        .join(namen, on="gemeentecode", how="left")
        .select(list(CONTROLE_SCHEMA))
        .cast(CONTROLE_SCHEMA)  # type: ignore[arg-type]
        # two sources read from one table (KWB 2024 and its gemeenten/wijken extract) give the
        # same gemeente row twice
        .unique(["gemeentecode", "indicator_code", "peiljaar", "bron_tabel"], keep="first")
        .sort("gemeentecode", "indicator_code", "peiljaar", "bron_tabel")
    )
