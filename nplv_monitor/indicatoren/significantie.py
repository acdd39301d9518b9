"""Is a change of a survey figure more than sampling noise? Tests on the published margins.

The Veiligheidsmonitor publishes per figure the bounds of its 95% confidence interval
(dimension ``Marges``); metingen.marge is half the interval's width, so the standard error is
``marge / 1.96``. Two measurements of one region in different years come from independent
samples, so the difference has standard error ``sqrt(se1² + se2²)``. The test (a two-sided
z-test at 5%) is:

    significant  ⇔  |w2 − w1| > 1.96 · sqrt(se1² + se2²) = sqrt(marge1² + marge2²)

"The two intervals do not overlap" (|w2 − w1| > marge1 + marge2) would be a much stricter
test (for equal margins a level of about 0.6% instead of 5%) and would call real changes noise.
The bounds are published to one decimal, so a margin is exact to ±0.05.

- ``verandering_significant``: the change since the basisjaar (the row's ``basisjaar``; rows of
  the context family have none, there the first measurement from ``BASISJAAR_VANAF`` counts).
  Null without margins in both years, in the first year itself, or without a value.
- :func:`kloof_marge`: for the verdict on the gap (vergelijking.kloof_oordeel) the change of the
  distance |gebied − Nederland| has four measurements; within ``sqrt(Σ marge²)`` of them the
  change is not significant and the gap counts as "gelijk".
"""

from __future__ import annotations

import polars as pl

#: Two-sided 95%: the published interval is ± Z95 standard errors.
Z95 = 1.96


def _eerste_meting(df: pl.DataFrame, vanaf: int) -> pl.DataFrame:
    """(gebied_code, indicator_code, _basis): the first peiljaar from ``vanaf`` with a value and
    a margin, for rows without a basisjaar (context family)."""
    return (
        df.filter(
            (pl.col("status") == "ok")
            & pl.col("waarde").is_not_null()
            & pl.col("marge").is_not_null()
            & (pl.col("peiljaar") >= vanaf)
        )
        .group_by("gebied_code", "indicator_code")
        .agg(pl.col("peiljaar").min().alias("_eerste"))
    )


def met_significantie(df: pl.DataFrame, vanaf: int) -> pl.DataFrame:
    """Add ``verandering_significant`` (see the module docstring)."""
    eerste = _eerste_meting(df, vanaf)
    basis = df.filter((pl.col("status") == "ok") & pl.col("marge").is_not_null()).select(
        "gebied_code",
        "indicator_code",
        pl.col("peiljaar").alias("_basis"),
        pl.col("waarde").alias("_w_basis"),
        pl.col("marge").alias("_m_basis"),
    )
    uit = (
        df.join(eerste, on=["gebied_code", "indicator_code"], how="left")
        .with_columns(
            _basis=pl.when(pl.col("basisjaar").is_not_null())
            .then(pl.col("basisjaar"))
            .otherwise(pl.col("_eerste"))
        )
        .join(basis, on=["gebied_code", "indicator_code", "_basis"], how="left")
    )
    grens = (pl.col("marge").pow(2) + pl.col("_m_basis").pow(2)).sqrt()
    te_toetsen = (
        (pl.col("status") == "ok")
        & pl.col("waarde").is_not_null()
        & pl.col("marge").is_not_null()
        & pl.col("_m_basis").is_not_null()
        & (pl.col("peiljaar") > pl.col("_basis"))
    )
    return uit.with_columns(
        verandering_significant=pl.when(te_toetsen.fill_null(False)).then(
            (pl.col("waarde") - pl.col("_w_basis")).abs() > grens
        )
    ).drop("_eerste", "_basis", "_w_basis", "_m_basis")


def kloof_marge(df: pl.DataFrame) -> pl.DataFrame:
    """Add ``_kloof_marge``: sqrt of the summed squared margins of the area and Nederland in the
    peiljaar and the basisjaar — the 95% bound on the change of the gap from sampling alone.
    Null unless all four margins are published."""
    nl = df.filter(pl.col("gebied_code") == "NL00").select(
        "indicator_code", "peiljaar", pl.col("marge").alias("_m_nl")
    )
    eigen = df.select(
        "gebied_code",
        "indicator_code",
        pl.col("peiljaar").alias("basisjaar"),
        pl.col("marge").alias("_m_basis"),
    )
    nl_basis = nl.rename({"peiljaar": "basisjaar", "_m_nl": "_m_nl_basis"})
    return (
        df.join(nl, on=["indicator_code", "peiljaar"], how="left")
        .join(eigen, on=["gebied_code", "indicator_code", "basisjaar"], how="left")
        .join(nl_basis, on=["indicator_code", "basisjaar"], how="left")
        .with_columns(
            _kloof_marge=(
                pl.col("marge").pow(2)
                + pl.col("_m_basis").pow(2)
                + pl.col("_m_nl").pow(2)
                + pl.col("_m_nl_basis").pow(2)
            ).sqrt()
        )
        .drop("_m_nl", "_m_basis", "_m_nl_basis")
    )
