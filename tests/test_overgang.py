"""The crosswalk between indelingen and a source carried onto its table's indeling.

On the full build of the shipped snapshot: the crosswalk 2020 → 2024 against a SQL count over
ref.regio_indeling, and Zaandam-Oost's crime rate (the police extract codes Zaanstad's buurten on
the 2020 indeling) against an independent SQL computation over the raw bron tables: its own
buurten in the extract matched on wijk code, over the 2024 inhabitants of those wijken.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from nplv_monitor.geografie import overgang

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def _con(build: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(build / "nplv_monitor.duckdb"), read_only=True)


def _een(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    """The single row of a query."""
    rijen = con.sql(sql).fetchall()
    assert len(rijen) == 1
    return rijen[0]


def test_koppeling_2020_2024_telt_als_sql(volledige_build: Path) -> None:
    with _con(volledige_build) as con:
        ri = con.sql("SELECT * FROM ref.regio_indeling").pl()
        verwacht = dict(
            con.sql(
                """
                WITH b20 AS (SELECT regiocode FROM ref.regio_indeling
                             WHERE indelingsjaar = 2020 AND soort = 'buurt'),
                     b24 AS (SELECT regiocode FROM ref.regio_indeling
                             WHERE indelingsjaar = 2024 AND soort = 'buurt'),
                     w24 AS (SELECT regiocode FROM ref.regio_indeling
                             WHERE indelingsjaar = 2024 AND soort = 'wijk')
                SELECT CASE WHEN regiocode IN (SELECT regiocode FROM b24) THEN 'code_blijft'
                            WHEN 'WK' || substr(regiocode, 3, 6) IN (SELECT regiocode FROM w24)
                                 THEN 'via_wijk'
                            ELSE 'geen' END AS regel, count(*)
                FROM b20 GROUP BY 1
                """
            ).fetchall()
        )
    kw = overgang.overgang(ri, 2020, 2024).filter(pl.col("van_soort") == "buurt")
    telling = dict(kw.group_by("regel").len().iter_rows())
    assert telling == verwacht
    # all three rules occur on real data (not vacuous): Zaanstad recoded, Amsterdam renumbered
    assert set(telling) == {"code_blijft", "via_wijk", "geen"}
    zaandam_zuid = kw.filter(pl.col("van_code").str.starts_with("BU047911"))
    assert zaandam_zuid.height == 3
    assert set(zaandam_zuid["naar_code"].to_list()) == {"WK047911"}
    assert set(zaandam_zuid["regel"].to_list()) == {"via_wijk"}
    amsterdam = kw.filter(pl.col("van_code").str.starts_with("BU0363"))
    assert set(amsterdam["regel"].to_list()) == {"geen"}


#: Zaandam-Oost's crimes per 1,000 inhabitants, independently: the extract's buurten (whatever
#: their indeling) whose wijk code is a wijk of the area, over the 2024 inhabitants of the buurten
#: of those wijken.
ZAANDAM_SQL = """
WITH wijken AS (
    SELECT DISTINCT 'WK' || substr(buurtcode, 3, 6) AS wijk FROM ref.gebied_buurten
    WHERE gebied_code = 'zaandam_oost' AND indelingsjaar = 2024),
misdrijven AS (
    SELECT sum(geregistreerde_misdrijven) AS n FROM bron.misdrijven_buurt
    WHERE soort_misdrijf = '0.0.0' AND jaar = 2023
      AND 'WK' || substr(bu_code, 3, 6) IN (SELECT wijk FROM wijken)),
inwoners AS (
    SELECT sum(inwoners) AS p FROM bron.bevolking_buurt_2024
    WHERE 'WK' || substr(buurtcode, 3, 6) IN (SELECT wijk FROM wijken))
SELECT n, p, n * 1000.0 / p FROM misdrijven, inwoners
"""


def test_zaandam_oost_misdaadcijfer_uit_eigen_buurten_op_wijk(volledige_build: Path) -> None:
    with _con(volledige_build) as con:
        n, p, verwacht = _een(con, ZAANDAM_SQL)
        # the area is whole wijken: matching on wijk is matching on the area itself
        buiten = _een(
            con,
            """
            SELECT count(*) FROM bron.bevolking_buurt_2024
            WHERE 'WK' || substr(buurtcode, 3, 6) IN (
                SELECT DISTINCT 'WK' || substr(buurtcode, 3, 6) FROM ref.gebied_buurten
                WHERE gebied_code = 'zaandam_oost' AND indelingsjaar = 2024)
              AND buurtcode NOT IN (SELECT buurtcode FROM ref.gebied_buurten
                                    WHERE gebied_code = 'zaandam_oost' AND indelingsjaar = 2024)
            """,
        )
        # the extract's Zaanstad codes are not those of the 2024 list (the cause of the gap)
        oude_codes = _een(
            con,
            """
            SELECT count(*) FROM bron.misdrijven_buurt
            WHERE gm_code = 'GM0479' AND soort_misdrijf = '0.0.0'
              AND bu_code NOT IN (SELECT regiocode FROM ref.regio_indeling
                                  WHERE indelingsjaar = 2024)
            """,
        )
        rij = con.sql(
            "SELECT waarde, status, dekking FROM monitor.indicatorwaarden "
            "WHERE gebied_code = 'zaandam_oost' AND indicator_code = 'misdrijven_per_1000'"
        ).fetchall()
    assert buiten == (0,)
    assert oude_codes[0] > 0
    assert n > 1000
    assert p > 40000
    assert len(rij) == 1
    waarde, status, dekking = rij[0]
    assert status == "ok"
    assert dekking >= 0.9
    assert abs(waarde - verwacht) <= 0.01 * verwacht, (waarde, verwacht)


def test_wijktotalen_exact_en_buurtwaarden_onderdrukt(volledige_build: Path) -> None:
    """Carried rows keep every wijk total of the extract exactly; their single-buurt values are
    withheld in monitor.indicatorwaarden."""
    with _con(volledige_build) as con:
        verschil = _een(
            con,
            """
            WITH gedragen AS (
                SELECT 'WK' || substr(regiocode, 3, 6) AS wijk, sum(waarde) AS som
                FROM metingen.metingen
                WHERE bron = 'cbs_misdrijven' AND overgang = 'wijkverdeling' GROUP BY 1),
            bron AS (
                SELECT 'WK' || substr(bu_code, 3, 6) AS wijk,
                       sum(geregistreerde_misdrijven) AS som
                FROM bron.misdrijven_buurt WHERE soort_misdrijf = '0.0.0' GROUP BY 1)
            SELECT count(*), max(abs(g.som - b.som)) FROM gedragen g JOIN bron b USING (wijk)
            """,
        )
        wijken = _een(
            con,
            "SELECT count(DISTINCT 'WK' || substr(regiocode, 3, 6)) FROM metingen.metingen "
            "WHERE overgang = 'wijkverdeling'",
        )
        buurten = con.sql(
            """
            SELECT i.status, count(*) FROM monitor.indicatorwaarden i
            JOIN (SELECT DISTINCT regiocode, peiljaar, tabel_id FROM metingen.metingen
                  WHERE overgang = 'wijkverdeling') m
              ON i.gebied_code = m.regiocode AND i.peiljaar = m.peiljaar
             AND i.bron_tabel = m.tabel_id
            WHERE i.gebied_soort = 'buurt' GROUP BY 1
            """
        ).fetchall()
    assert verschil[0] == wijken[0] > 0
    assert verschil[1] < 1e-9
    assert dict(buurten).keys() == {"onderdrukt"}
