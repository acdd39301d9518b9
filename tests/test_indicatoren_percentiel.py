"""percentiel_wijken: the rank among all wijken of the country, only where it means that.

On the shared full build of the shipped snapshot: a source covering the whole country (the
Leefbaarometer on the 2022 wijk indeling) gives a percentile that equals an independent SQL
recomputation; a source covering only the 19 NPLV gemeenten (the police extract) or a truncated
table (SES-WOA) gives none, rather than a rank among big-city wijken labelled as national."""

from __future__ import annotations

from pathlib import Path

import duckdb


def _con(build: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(build / "nplv_monitor.duckdb"), read_only=True)


def test_percentiel_gelijk_aan_onafhankelijke_berekening(volledige_build: Path) -> None:
    con = _con(volledige_build)
    try:
        rij = con.sql(
            """
            select w.percentiel_wijken,
                   100.0 * (select count(*) from monitor.indicatorwaarden x
                            where x.indicator_code = w.indicator_code and x.peiljaar = w.peiljaar
                              and x.gebied_soort = 'wijk' and x.status = 'ok'
                              and x.waarde <= w.waarde)
                         / (select count(*) from monitor.indicatorwaarden x
                            where x.indicator_code = w.indicator_code and x.peiljaar = w.peiljaar
                              and x.gebied_soort = 'wijk' and x.status = 'ok') as zelf
            from monitor.indicatorwaarden w
            where w.gebied_code = 'alle_focusgebieden' and w.indicator_code = 'lbm_score'
              and w.peiljaar = 2022
            """
        ).fetchall()[0]
    finally:
        con.close()
    assert rij[0] is not None
    assert abs(rij[0] - rij[1]) < 1e-9


def test_geen_percentiel_voor_bronnen_die_niet_het_hele_land_dekken(volledige_build: Path) -> None:
    con = _con(volledige_build)
    try:
        per_indicator = dict(
            con.sql(
                """
                select indicator_code, count(percentiel_wijken)
                from monitor.indicatorwaarden
                where indicator_code in ('misdrijven_per_1000', 'ses_woa_score', 'lbm_score')
                group by all
                """
            ).fetchall()
        )
        wijken_misdrijven = con.sql(
            """select count(distinct gebied_code) from monitor.indicatorwaarden
               where indicator_code = 'misdrijven_per_1000' and gebied_soort = 'wijk'
                 and status = 'ok'"""
        ).fetchall()[0]
    finally:
        con.close()
    # The police extract has wijken with values, but only in the 19 NPLV gemeenten.
    assert 0 < wijken_misdrijven[0] < 1000
    assert per_indicator["misdrijven_per_1000"] == 0
    assert per_indicator.get("ses_woa_score", 0) == 0
    assert per_indicator["lbm_score"] > 0
