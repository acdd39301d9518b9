"""A trend never runs across a change of what its values rest on, recomputed in SQL.

On the full build of the shipped snapshot. Whether a value is the source's own published figure
for the region is decided from the raw bron tables (the region's row in the Leefbaarometer's
gemeente or wijk file, with the same value), not from the engine's columns; the reverse population
share of Breda-Noord is recomputed from the area's 2024 buurten and the raw population file.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from nplv_monitor.indicatoren.vergelijkbaarheid import TERRITORIUM_TOLERANTIE

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

#: Leefbaarometer indicator → column of the raw files (gemeente, wijk and buurt files alike).
LBM_KOLOM = {
    "lbm_afwijking": "afw",
    "lbm_fysieke_omgeving": "fys",
    "lbm_overlast_onveiligheid": "onv",
    "lbm_sociale_samenhang": "soc",
    "lbm_voorzieningen": "vrz",
    "lbm_woningvoorraad": "won",
}


def _con(build: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(build / "nplv_monitor.duckdb"), read_only=True)


def _gepubliceerd_sql() -> str:
    """(regiocode, indicator_code, jaar, waarde) of every figure the Leefbaarometer publishes for
    a gemeente or wijk itself, from the raw files."""
    delen = []
    for ind, kol in LBM_KOLOM.items():
        delen.append(
            f"SELECT gm_code AS regiocode, '{ind}' AS indicator_code, jaar, {kol} AS waarde "
            "FROM bron.leefbaarometer_gemeente"
        )
        delen.append(
            f"SELECT wk_code AS regiocode, '{ind}' AS indicator_code, jaar, {kol} AS waarde "
            "FROM bron.leefbaarometer_wijk"
        )
    return " UNION ALL ".join(delen)


#: Every Leefbaarometer trend value of a gemeente, Nederland or wijk with its basisjaar row; for
#: a row after a break the basis it breaks from is the series' first basisjaar (the smallest).
TREND_SQL = """
WITH pub AS ({pub}),
iw AS (
  SELECT t.*, (p.waarde IS NOT NULL AND abs(p.waarde - t.waarde) < 1e-9) AS gepubliceerd_raw
  FROM monitor.indicatorwaarden t
  LEFT JOIN pub p ON p.regiocode = t.gebied_code AND p.indicator_code = t.indicator_code
   AND p.jaar = t.peiljaar
  WHERE t.indicator_code IN {inds} AND t.status = 'ok'
    AND t.gebied_soort IN ('gemeente', 'nederland', 'wijk')),
eerste AS (SELECT gebied_code, indicator_code, min(basisjaar) AS eerste_basisjaar
           FROM iw GROUP BY ALL)
SELECT t.gebied_code, t.gebied_soort, t.indicator_code, t.peiljaar, t.basisjaar,
       t.definitiebreuk, t.kloof_wordt, t.territorium_basis, t.territorium_peiljaar,
       t.verandering_sinds_basis, t.bron_tabel, t.gepubliceerd_raw,
       b.peiljaar AS basis_peiljaar, b.bron_tabel AS basis_bron_tabel,
       b.gepubliceerd_raw AS basis_gepubliceerd_raw
FROM iw t JOIN eerste e USING (gebied_code, indicator_code)
JOIN iw b ON b.gebied_code = t.gebied_code AND b.indicator_code = t.indicator_code
 AND b.peiljaar = e.eerste_basisjaar
WHERE t.peiljaar > e.eerste_basisjaar
"""


def _trends(build: Path) -> pl.DataFrame:
    inds = "(" + ", ".join(f"'{i}'" for i in LBM_KOLOM) + ")"
    with _con(build) as con:
        return con.sql(TREND_SQL.format(pub=_gepubliceerd_sql(), inds=inds)).pl()


def test_geen_trend_over_gepubliceerd_en_opgeteld_heen(volledige_build: Path) -> None:
    d = _trends(volledige_build)
    assert d.filter(pl.col("gebied_soort") == "gemeente")["gebied_code"].n_unique() > 300
    nl = d.filter(pl.col("gebied_code") == "NL00")
    assert nl.filter(pl.col("peiljaar") == 2024)["indicator_code"].n_unique() == len(LBM_KOLOM)
    anders = (pl.col("gepubliceerd_raw") != pl.col("basis_gepubliceerd_raw")) | (
        pl.col("bron_tabel") != pl.col("basis_bron_tabel")
    )
    # both switches occur (gemeente 2024: published; wijk 2024: from buurten; NL: other file)
    assert d.filter(pl.col("gepubliceerd_raw") & ~pl.col("basis_gepubliceerd_raw")).height > 300
    assert d.filter(~pl.col("gepubliceerd_raw") & pl.col("basis_gepubliceerd_raw")).height > 300
    # no switch of basis (published vs aggregated, or another source file) without a break
    ongemarkeerd = d.filter(anders & ~pl.col("definitiebreuk").fill_null(False))
    assert ongemarkeerd.height == 0, ongemarkeerd
    # and the series restarts there: no change or gap verdict across the switch
    gewisseld = d.filter(anders)
    assert (gewisseld["basisjaar"] == gewisseld["peiljaar"]).all()
    assert gewisseld["verandering_sinds_basis"].null_count() == gewisseld.height
    assert (gewisseld["kloof_wordt"] == "geen tweede meting").all()
    # the territory texts say what each end is
    pub = gewisseld.filter(pl.col("gepubliceerd_raw") & (pl.col("gebied_soort") == "gemeente"))
    assert pub["territorium_peiljaar"].str.starts_with("gepubliceerd gemeentecijfer").all()
    assert pub["territorium_peiljaar"].str.contains("Leefbaarometer").all()
    assert pub["territorium_basis"].str.contains(r"^\d+ wijk(en)?, wijkindeling 2022$").all()
    # Nederland, the comparison itself: its wijk-file series (2018-2022) and its buurt-file sum
    # of 2024 are split, not compared
    nl_wissel = nl.filter(pl.col("bron_tabel") != pl.col("basis_bron_tabel"))
    assert nl_wissel.height == len(LBM_KOLOM)
    assert nl_wissel["definitiebreuk"].all()
    # a trend within one basis (2020, 2022 on the 2018 wijk file) is not split
    zelfde = d.filter(~anders)
    assert zelfde.height > 1000
    assert not zelfde["definitiebreuk"].any()


@pytest.mark.parametrize("gemeente", ["GM0344", "GM0080"])
def test_gemeente_leefbaarometer_2024_is_een_breuk(volledige_build: Path, gemeente: str) -> None:
    with _con(volledige_build) as con:
        rij = con.sql(
            "SELECT t.waarde, t.definitiebreuk, t.kloof_wordt, t.basisjaar, t.territorium_basis, "
            "t.territorium_peiljaar, g.afw, "
            # the same gemeente from its buurten, inhabitant-weighted (raw files)
            "(SELECT sum(b.afw * p.inwoners) / sum(p.inwoners) FROM bron.leefbaarometer_buurt b "
            " JOIN bron.bevolking_buurt_2024 p ON p.buurtcode = b.bu_code "
            " WHERE substr(b.bu_code, 3, 4) = substr(t.gebied_code, 3, 4) AND b.afw IS NOT NULL"
            ") AS uit_buurten "
            "FROM monitor.indicatorwaarden t JOIN bron.leefbaarometer_gemeente g "
            "  ON g.gm_code = t.gebied_code AND g.jaar = t.peiljaar "
            "WHERE t.indicator_code = 'lbm_afwijking' AND t.peiljaar = 2024 "
            f"AND t.gebied_code = '{gemeente}'"
        ).pl()
    assert rij.height == 1
    r = rij.row(0, named=True)
    assert abs(r["waarde"] - r["afw"]) < 1e-12
    # two definitions differ by more than the precision of a score (0.0005)
    assert abs(r["afw"] - r["uit_buurten"]) > 0.0005
    assert r["definitiebreuk"] is True
    assert r["basisjaar"] == 2024
    assert r["kloof_wordt"] == "geen tweede meting"
    assert (
        r["territorium_peiljaar"]
        == "gepubliceerd gemeentecijfer Leefbaarometer 3.0 gemeentescores 2024"
    )
    assert r["territorium_basis"].endswith("wijkindeling 2022")


#: Breda-Noord's reverse share, from the raw 2024 population file: the area's 2024 buurten; a
#: wijk (buurt code → wijk code) is kept by the wijk rule when ≥ 50% of its inhabitants live in
#: the area; the share = inhabitants of the area in kept wijken / all inhabitants of the area.
OMGEKEERD_SQL = """
WITH inw AS (SELECT buurtcode, inwoners, 'WK' || substr(buurtcode, 3, 6) AS wijk
             FROM bron.bevolking_buurt_2024),
gebied AS (SELECT i.* FROM ref.gebied_buurten g JOIN inw i USING (buurtcode)
           WHERE g.gebied_code = '{code}' AND g.indelingsjaar = 2024),
wijk AS (SELECT wijk, sum(inwoners) AS totaal FROM inw GROUP BY 1),
deel AS (SELECT g.wijk, sum(g.inwoners) AS binnen, any_value(w.totaal) AS totaal
         FROM gebied g JOIN wijk w USING (wijk) GROUP BY 1)
SELECT sum(binnen) FILTER (WHERE binnen >= 0.5 * totaal) / sum(binnen) AS omgekeerd,
       sum(binnen) FILTER (WHERE binnen >= 0.5 * totaal)
         / sum(totaal) FILTER (WHERE binnen >= 0.5 * totaal) AS heen
FROM deel
"""


def test_omgekeerd_aandeel_breda_noord(volledige_build: Path) -> None:
    with _con(volledige_build) as con:
        verwacht = con.sql(OMGEKEERD_SQL.format(code="breda_noord")).pl().row(0, named=True)
        rijen = con.sql(
            "SELECT indicator_code, aandeel_basisbevolking, aandeel_peiljaarbevolking_in_basis, "
            "definitiebreuk FROM monitor.indicatorwaarden WHERE gebied_code = 'breda_noord' "
            "AND peiljaar = 2024 AND indicator_code LIKE 'lbm_%' "
            "AND territorium_basis LIKE '%wijkindeling 2022%'"
        ).pl()
        view = con.sql(
            "SELECT aandeel_peiljaarbevolking_in_basis FROM publicatie.gebied_vergelijking "
            "WHERE gebied_code = 'breda_noord' AND indicator_code = 'lbm_afwijking' "
            "AND peiljaar = 2024"
        ).pl()
    assert rijen.height == len(LBM_KOLOM)
    # the kept wijken lie wholly inside: the base share says nothing is lost ...
    assert verwacht["heen"] == pytest.approx(1.0)
    assert (rijen["aandeel_basisbevolking"] - verwacht["heen"]).abs().max() < 1e-9
    # ... but part of the area lives in the wijk the rule dropped: the reverse share shows it
    assert verwacht["omgekeerd"] < 1 - TERRITORIUM_TOLERANTIE
    assert (rijen["aandeel_peiljaarbevolking_in_basis"] - verwacht["omgekeerd"]).abs().max() < 1e-9
    assert rijen["definitiebreuk"].all()
    assert view["aandeel_peiljaarbevolking_in_basis"].to_list() == pytest.approx(
        [verwacht["omgekeerd"]]
    )


def test_omgekeerd_aandeel_gepubliceerd_bij_elke_trend(volledige_build: Path) -> None:
    """Wherever the base share is published for a trend, the reverse share is too, in [0, 1];
    every unflagged trend has both at or above the tolerance."""
    with _con(volledige_build) as con:
        d = con.sql(
            "SELECT aandeel_basisbevolking AS heen, aandeel_peiljaarbevolking_in_basis AS terug, "
            "definitiebreuk FROM monitor.indicatorwaarden WHERE aandeel_basisbevolking IS NOT NULL"
        ).pl()
    assert d.height > 1000
    assert d["terug"].null_count() == 0
    assert ((d["terug"] >= 0) & (d["terug"] <= 1)).all()
    grens = 1 - TERRITORIUM_TOLERANTIE
    assert d.filter(~pl.col("definitiebreuk") & (pl.col("terug") < grens)).height == 0
    # the case the base share alone misses: shares of 1 with added ground (Breda-Noord & co.)
    assert d.filter((pl.col("heen") >= grens) & (pl.col("terug") < grens)).height > 0


def test_zelfde_bron_op_andere_indeling_is_geen_breuk(volledige_build: Path) -> None:
    """Rotterdam-Zuid's Gezondheidsmonitor 2020 and 2022 are both the mean of the same three whole
    wijken of one source (indeling 2020 and 2022): same ground, same basis, one trend."""
    with _con(volledige_build) as con:
        d = con.sql(
            "SELECT t.peiljaar, t.basisjaar, t.definitiebreuk, t.bron_tabel, b.bron_tabel AS bb, "
            "t.toelichting, b.toelichting AS bt, t.verandering_sinds_basis, "
            "t.waarde - b.waarde AS verschil "
            "FROM monitor.indicatorwaarden t JOIN monitor.indicatorwaarden b "
            "  ON b.gebied_code = t.gebied_code AND b.indicator_code = t.indicator_code "
            " AND b.peiljaar = 2020 "
            "WHERE t.gebied_code = 'rotterdam_zuid' AND t.indicator_code = "
            "'ervaren_gezondheid_goed' AND t.peiljaar = 2022"
        ).pl()
    assert d.height == 1
    r = d.row(0, named=True)
    assert r["bron_tabel"] == r["bb"]
    assert r["toelichting"].startswith("De bron publiceert het gebied niet zelf")
    assert r["bt"].startswith("De bron publiceert het gebied niet zelf")
    assert r["definitiebreuk"] is False
    assert r["basisjaar"] == 2020
    assert r["verandering_sinds_basis"] == pytest.approx(r["verschil"])
