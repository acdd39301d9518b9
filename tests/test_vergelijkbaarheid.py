"""Every trend is on one territory or flagged (definitiebreuk), recomputed independently.

On the full build of the shipped snapshot. The shares that decide a break are recomputed in SQL
from ref.gebied_wijken (Leefbaarometer: the ≥ 50% wijk territory of 2002-2022 against the area's
buurten of 2024) and from ref.gebied_buurten + the raw population tables (KWB 2020 → 2024, on buurt
codes and whole wijken), not through the engine's code.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from nplv_monitor.indicatoren.vergelijkbaarheid import TERRITORIUM_TOLERANTIE

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

HOOFD = "('focusgebied', 'rest_gemeente', 'gemeente', 'alle_focusgebieden', 'nederland')"


def _con(build: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(build / "nplv_monitor.duckdb"), read_only=True)


def test_elke_trend_op_een_grondgebied_of_gemarkeerd(volledige_build: Path) -> None:
    with _con(volledige_build) as con:
        iw = con.sql(
            f"""
            SELECT t.*, b.indelingsjaar AS basis_indelingsjaar
            FROM monitor.indicatorwaarden t
            LEFT JOIN monitor.indicatorwaarden b
              ON b.gebied_code = t.gebied_code AND b.indicator_code = t.indicator_code
             AND b.peiljaar = t.basisjaar
            WHERE t.familie = 'gebiedseffect' AND t.gebied_soort IN {HOOFD}
              AND t.basisjaar IS NOT NULL
            """
        ).pl()
    # a trend: a value compared with a value in an earlier basisjaar
    trend = iw.filter(
        (pl.col("peiljaar") > pl.col("basisjaar")) & pl.col("waarde_basisjaar").is_not_null()
    )
    assert trend.height > 300
    assert trend["definitiebreuk"].null_count() == 0
    assert trend["territorium_basis"].null_count() == 0
    assert trend["territorium_peiljaar"].null_count() == 0
    # on one territory: the basis row is on the same indeling, or the population shares hold
    ongemarkeerd = trend.filter(~pl.col("definitiebreuk"))
    assert (
        ongemarkeerd.filter(
            (pl.col("indelingsjaar") != pl.col("basis_indelingsjaar"))
            & (pl.col("aandeel_basisbevolking") < 1 - TERRITORIUM_TOLERANTIE)
        ).height
        == 0
    )
    # a break restarts the trend on the new territory: never a change across it
    breuk = iw.filter(pl.col("definitiebreuk"))
    assert breuk.height > 0
    assert (breuk["indelingsjaar"] == breuk["basis_indelingsjaar"]).all()
    assert (
        breuk.filter(pl.col("peiljaar") == pl.col("basisjaar"))[
            "verandering_sinds_basis"
        ].null_count()
        == breuk.filter(pl.col("peiljaar") == pl.col("basisjaar")).height
    )


#: The Leefbaarometer shares, independently from ref.gebied_wijken: kept wijken K (≥ 50% of the
#: wijk's inhabitants in the area), all overlapping wijken O.
LBM_SQL = """
SELECT gebied_code,
       sum(inwoners_in_gebied) FILTER (WHERE aandeel_inwoners >= 0.5)
         / sum(inwoners_wijk) FILTER (WHERE aandeel_inwoners >= 0.5) AS wijk_in_gebied,
       sum(inwoners_in_gebied) FILTER (WHERE aandeel_inwoners >= 0.5)
         / sum(inwoners_in_gebied) AS gebied_in_wijk
FROM ref.gebied_wijken GROUP BY 1
"""


def test_leefbaarometer_2024_breuk_met_aandelen_van_de_wijkregel(
    volledige_build: Path,
) -> None:
    with _con(volledige_build) as con:
        verwacht = con.sql(LBM_SQL).pl()
        register = con.sql("SELECT gebied_code, reeks_vergelijkbaar FROM ref.gebieden").pl()
        rijen = con.sql(
            "SELECT gebied_code, aandeel_basisbevolking, aandeel_peiljaarbevolking_in_basis, "
            "definitiebreuk, basisjaar, peiljaar, "
            "territorium_basis, territorium_peiljaar, verandering_sinds_basis "
            "FROM monitor.indicatorwaarden WHERE indicator_code = 'lbm_afwijking' "
            "AND peiljaar = 2024 AND gebied_soort = 'focusgebied'"
        ).pl()
    d = rijen.join(verwacht, on="gebied_code").join(register, on="gebied_code")
    assert d.height == 20
    grens = 1 - TERRITORIUM_TOLERANTIE
    d = d.with_columns(
        verwachte_breuk=(pl.col("wijk_in_gebied") < grens)
        | (pl.col("gebied_in_wijk") < grens)
        | ~pl.col("reeks_vergelijkbaar")
    )
    # the shares say how far the territories differ ...
    assert ((d["aandeel_basisbevolking"] - d["wijk_in_gebied"]).abs() < 1e-9).all()
    assert ((d["aandeel_peiljaarbevolking_in_basis"] - d["gebied_in_wijk"]).abs() < 1e-9).all()
    # ... both kinds occur (areas of whole wijken on the same ground, others not) ...
    assert 0 < d["verwachte_breuk"].sum() < 20
    # ... and every area is split in 2024 all the same: wijk scores (2002-2022) against buurt
    # scores (2024) are two definitions even on the same ground (docs: basis van de waarde)
    assert d["definitiebreuk"].all(), d
    gesplitst = d.filter(pl.col("definitiebreuk"))
    assert (gesplitst["basisjaar"] == 2024).all()
    assert gesplitst["verandering_sinds_basis"].null_count() == gesplitst.height
    assert gesplitst["territorium_basis"].str.contains("wijkindeling 2022").all()
    assert gesplitst["territorium_peiljaar"].str.contains("indeling 2024").all()


#: KWB 2020 → 2024 per focus area, on codes only: a 2020 buurt is inside the 2024 territory when
#: its code is a 2024 member, or its code is gone and every 2024 buurt of its wijk is a member;
#: outside when its code is a 2024 buurt outside the area, or none of its wijk's 2024 buurten is a
#: member; otherwise undecided by codes.
KWB_SQL = """
WITH b20 AS (SELECT gebied_code, buurtcode FROM ref.gebied_buurten g
             JOIN ref.gebieden USING (gebied_code)
             WHERE indelingsjaar = 2020 AND soort = 'focusgebied'),
b24 AS (SELECT gebied_code, buurtcode FROM ref.gebied_buurten WHERE indelingsjaar = 2024),
lijst24 AS (SELECT buurtcode, 'WK' || substr(buurtcode, 3, 6) AS wijk
            FROM bron.bevolking_buurt_2024),
wijkdeel AS (SELECT b.gebied_code, l.wijk, count(*) AS n_in FROM b24 b
             JOIN lijst24 l USING (buurtcode) GROUP BY 1, 2),
wijkn AS (SELECT wijk, count(*) AS n FROM lijst24 GROUP BY 1),
inw20 AS (SELECT Codering_3 AS buurtcode, AantalInwoners_5 AS inwoners FROM bron.kwb_2020
          WHERE Codering_3 LIKE 'BU%'),
oordeel AS (
    SELECT b.gebied_code, coalesce(i.inwoners, 0) AS inwoners,
      CASE WHEN b.buurtcode IN (SELECT buurtcode FROM lijst24) THEN
                CASE WHEN EXISTS (SELECT 1 FROM b24 x WHERE x.gebied_code = b.gebied_code
                                  AND x.buurtcode = b.buurtcode) THEN 'binnen' ELSE 'buiten' END
           WHEN wd.n_in = wn.n THEN 'binnen'
           WHEN wn.n IS NOT NULL AND wd.n_in IS NULL THEN 'buiten'
           ELSE 'onbeslist' END AS oordeel
    FROM b20 b LEFT JOIN inw20 i USING (buurtcode)
    LEFT JOIN wijkn wn ON wn.wijk = 'WK' || substr(b.buurtcode, 3, 6)
    LEFT JOIN wijkdeel wd ON wd.gebied_code = b.gebied_code
         AND wd.wijk = 'WK' || substr(b.buurtcode, 3, 6))
SELECT gebied_code,
       sum(inwoners) FILTER (WHERE oordeel = 'binnen') / sum(inwoners) AS aandeel,
       count(*) FILTER (WHERE oordeel = 'onbeslist') AS onbeslist
FROM oordeel GROUP BY 1
"""


def test_kwb_2020_2024_aandeel_op_codes(volledige_build: Path) -> None:
    with _con(volledige_build) as con:
        verwacht = con.sql(KWB_SQL).pl()
        rijen = con.sql(
            """
            SELECT t.gebied_code, t.indicator_code, t.aandeel_basisbevolking, t.definitiebreuk
            FROM monitor.indicatorwaarden t
            WHERE t.gebied_soort = 'focusgebied' AND t.indelingsjaar = 2024
              AND t.territorium_basis LIKE '%indeling 2020' AND t.familie = 'gebiedseffect'
            """
        ).pl()
    assert rijen.height > 0
    beslist = verwacht.filter(pl.col("onbeslist") == 0)
    # most areas are decided by codes alone (Amsterdam is not: renumbered in 2022)
    assert beslist.height >= 15
    d = rijen.join(beslist, on="gebied_code")
    assert d["gebied_code"].n_unique() == beslist.join(rijen, on="gebied_code", how="semi").height
    assert ((d["aandeel_basisbevolking"] - d["aandeel"]).abs() < 1e-9).all(), d
    # a share below the tolerance is always a break
    te_laag = d.filter(pl.col("aandeel") < 1 - TERRITORIUM_TOLERANTIE)
    assert te_laag["definitiebreuk"].all()
