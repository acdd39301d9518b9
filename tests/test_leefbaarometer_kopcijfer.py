"""Leefbaarometer on the real snapshot (issue 12): the programme's headline figure, the published
gemeente scores and what "afwijking" is relative to.

Every engine value is compared with a recomputation in SQL (DuckDB) from the raw bron tables of the
werk DB; the areas' buurten come from the geography (ref.gebied_buurten), never from the engine.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
import yaml

from nplv_monitor.bronnen import register as bronregister
from nplv_monitor.bronnen.register import STANDAARD_PAD
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR
from nplv_monitor.db import verbind
from nplv_monitor.errors import BronFout
from nplv_monitor.geografie import indeling, invoer, register, vergelijking
from nplv_monitor.indicatoren import bouw
from nplv_monitor.indicatoren.catalogus import laad_catalogus
from nplv_monitor.indicatoren.engine.aggregatie import aggregeer_indicator
from nplv_monitor.metingen import bouw as metingen_bouw
from nplv_monitor.metingen import bronframes

KOP = "lbm_aandeel_inwoners_zwak"


@pytest.fixture(scope="module")
def gebied_buurten(werkdb_bronnen: Path) -> dict[str, pl.DataFrame]:
    with verbind(werkdb_bronnen, read_only=True) as con:
        inv = invoer.uit_werkdb(con)
    ind = indeling.regio_indeling(inv)
    reg = register.lees_register()
    geb = vergelijking.gebieden(reg, ind, inv.gepubliceerd)
    gb = vergelijking.gebied_buurten(register.los_op(reg, ind), geb, ind)
    return {"gebieden": geb, "gebied_buurten": gb}


@pytest.fixture(scope="module")
def waarden(werkdb_bronnen: Path, gebied_buurten: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Engine values of the headline and of lbm_afwijking for every gebied (all years)."""
    catalogus = laad_catalogus()
    with verbind(werkdb_bronnen, read_only=True) as con:
        m = metingen_bouw.bouw_metingen(bronframes.uit_database(con), catalogus)
    lid = bouw.lidmaatschap_van(
        m.metingen, gebied_buurten["gebieden"], gebied_buurten["gebied_buurten"], None
    )
    return pl.concat(
        [
            aggregeer_indicator(m.metingen, lid, catalogus.indicator(code))
            for code in (KOP, "lbm_afwijking")
        ]
    )


@pytest.fixture(scope="module")
def sql(werkdb_bronnen: Path, gebied_buurten: dict[str, pl.DataFrame]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"attach '{werkdb_bronnen}' as w (read_only true)")
    leden = gebied_buurten["gebied_buurten"].filter(pl.col("indelingsjaar") == 2024)
    con.register("leden", leden.to_arrow())
    return con


def _sql_aandeel(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Share of inhabitants (1-1-2024) living in buurten of class <= 4, over buurten with a class:
    per area (its 2024 buurten), per gemeente (code prefix) and for Nederland (all buurten)."""
    return con.sql(
        """
        with b as (
            select b.bu_code, b.kscore, p.inwoners
            from w.bron.leefbaarometer_buurt b
            join w.bron.bevolking_buurt_2024 p on p.buurtcode = b.bu_code
            where b.kscore is not null
        ),
        per_gebied as (
            -- the focus areas, their rests and all areas together from the geography; gemeenten
            -- and Nederland from the buurt codes themselves
            select l.gebied_code, b.* from leden l join b on b.bu_code = l.buurtcode
            where l.gebied_code not like 'GM%' and l.gebied_code <> 'NL00'
            union all
            select 'GM' || substr(bu_code, 3, 4), * from b
            union all
            select 'NL00', * from b
        )
        select gebied_code,
               100.0 * sum(inwoners) filter (where kscore <= 4) / sum(inwoners) as sql_waarde,
               sum(inwoners) as sql_noemer
        from per_gebied group by gebied_code
        """
    ).pl()


def test_kopcijfer_per_gebied_gelijk_aan_sql(waarden, sql, gebied_buurten):
    eng = waarden.filter(pl.col("indicator_code") == KOP)
    assert eng["peiljaar"].unique().to_list() == [2024]
    verg = eng.join(_sql_aandeel(sql), on="gebied_code", how="inner")
    soorten = gebied_buurten["gebieden"].select("gebied_code", "soort")
    verg = verg.join(soorten, on="gebied_code", how="left")
    # every focus area, all focus areas together, every gemeente of the buurt file, Nederland
    focus = soorten.filter(pl.col("soort") == "focusgebied")["gebied_code"].to_list()
    assert set(focus) <= set(verg["gebied_code"].to_list())
    assert {"alle_focusgebieden", "NL00"} <= set(verg["gebied_code"].to_list())
    assert verg.filter(pl.col("gebied_code").str.starts_with("GM")).height == 342
    assert (verg["status"] == "ok").all()
    assert (verg["waarde"] - verg["sql_waarde"]).abs().max() < 1e-9
    assert (verg["noemer"] - verg["sql_noemer"].cast(pl.Float64)).abs().max() == 0


def test_kopcijfer_tegenover_vgr_2025(waarden):
    """VGR 2025: 55% of homes in the focus areas, 11% in Nederland, in buurten scored zwak or
    lower. Counted in inhabitants of buurten the focus areas come within a point of 55%;
    Nederland is lower than 11% (a buurt average hides weak 100 m cells: docs/indicatoren.md)."""
    kop = waarden.filter(pl.col("indicator_code") == KOP)
    alle = kop.filter(pl.col("gebied_code") == "alle_focusgebieden")["waarde"].item()
    nl = kop.filter(pl.col("gebied_code") == "NL00")["waarde"].item()
    assert abs(alle - 55) < 1
    assert 5 < nl < 11


def test_gepubliceerde_gemeentescore_2024(waarden, sql):
    """A gemeente gets the Leefbaarometer's own gemeente score in 2024, not its buurten's mean;
    Nederland (no published row) is the inhabitant-weighted mean of all buurten."""
    eng = waarden.filter(pl.col("indicator_code") == "lbm_afwijking", pl.col("peiljaar") == 2024)
    gem = sql.sql("select gm_code as gebied_code, afw from w.bron.leefbaarometer_gemeente").pl()
    verg = eng.join(gem, on="gebied_code", how="inner")
    assert verg.height == 342
    # teller / noemer = (afw × inwoners) / inwoners: equal up to one rounding of the division
    assert (verg["waarde"] - verg["afw"]).abs().max() < 1e-15
    assert (verg["status"] == "ok").all()
    (nl,) = sql.sql(
        """select sum(afw * inwoners) / sum(inwoners) from w.bron.leefbaarometer_buurt b
           join w.bron.bevolking_buurt_2024 p on p.buurtcode = b.bu_code"""
    ).fetchall()[0]
    eng_nl = eng.filter(pl.col("gebied_code") == "NL00")["waarde"].item()
    assert abs(eng_nl - nl) < 1e-12
    # The published score differs from the buurten's inhabitant-weighted mean (the Leefbaarometer
    # averages 100 m cells weighted by dwellings): the difference is real, not a rounding.
    per_buurt = sql.sql(
        """select 'GM' || substr(bu_code, 3, 4) as gebied_code,
                  sum(afw * inwoners) / sum(inwoners) as buurten
           from w.bron.leefbaarometer_buurt b
           join w.bron.bevolking_buurt_2024 p on p.buurtcode = b.bu_code group by 1"""
    ).pl()
    verschil = verg.join(per_buurt, on="gebied_code").select(pl.col("afw") - pl.col("buurten"))
    assert verschil.to_series().abs().max() > 0.005


def test_afwijking_is_ten_opzichte_van_vast_niveau(sql):
    """In the wijk file afw = lbm - c with one c for every row of every year; the national mean of
    afw moves by year, so afw is not 'that year's national mean'. The catalogue states c."""
    laag, hoog = sql.sql(
        "select min(lbm - afw), max(lbm - afw) from w.bron.leefbaarometer_wijk"
    ).fetchall()[0]
    assert hoog - laag < 1e-9
    per_jaar = sql.sql(
        """select jaar, sum(afw * k.AantalInwoners_5) / sum(k.AantalInwoners_5) as nl
           from w.bron.leefbaarometer_wijk l join w.bron.kwb_2020 k on k.Codering_3 = l.wk_code
           group by jaar order by jaar"""
    ).pl()
    assert per_jaar["nl"].max() - per_jaar["nl"].min() > 0.05
    omschrijving = laad_catalogus().indicator("lbm_afwijking").omschrijving
    assert f"{laag:.4f}".replace(".", ",") in omschrijving
    assert "landelijk gemiddelde" not in laad_catalogus().indicator("lbm_afwijking").naam


def test_afgeleide_kolom_met_fout_noemt_het_blok(tmp_path: Path) -> None:
    reg = yaml.safe_load(STANDAARD_PAD.read_text(encoding="utf-8"))
    blok = reg["bronnen"]["leefbaarometer_buurt"]["metingen"][0]
    blok["afgeleid"] = {"klasse_zwak_of_lager": "CASE WHEN kscore <= 4 THEN"}
    kopie = tmp_path / "bronnen.yaml"
    kopie.write_text(yaml.safe_dump(reg, allow_unicode=True), encoding="utf-8")
    with pytest.raises(BronFout, match=r"leefbaarometer_buurt, metingen\[0\], afgeleid"):
        bronregister.laad(kopie)


def test_gewicht_gemeentescores_uit_alle_gemeenten(sql) -> None:
    """The weight of the published gemeente scores: bron.gemeenten_wijken_2024 is the snapshot
    extract row for row, has every gemeente of the Leefbaarometer file, and each gemeente's
    inhabitants match the sum of its buurten within CBS's random rounding (5 per buurt, plus 0.1%
    for residents without a buurt: the buurtsom_gemeente bound of docs/ontwikkelaars.md)."""
    bron = sql.sql("select * from w.bron.gemeenten_wijken_2024").pl()
    (bestand,) = bronregister.laad().bron("gemeenten_wijken_2024").bestanden_van()
    ruw = pl.read_parquet(DEFAULT_SNAPSHOT_DIR / bestand)
    assert bron.sort("code").equals(ruw.sort("code").select(bron.columns))
    verg = sql.sql(
        """select g.gm_code, w.AantalInwoners_5 as gemeente, s.som, s.n
           from w.bron.leefbaarometer_gemeente g
           left join w.bron.gemeenten_wijken_2024 w on w.code = g.gm_code
           left join (select 'GM' || substr(buurtcode, 3, 4) as gm, sum(inwoners) as som,
                             count(*) as n
                      from w.bron.bevolking_buurt_2024 group by 1) s on s.gm = g.gm_code"""
    ).pl()
    assert verg.height == 342
    assert verg["gemeente"].null_count() == 0
    te_veel = verg.filter(
        (pl.col("som") - pl.col("gemeente") > 5 * pl.col("n"))
        | (pl.col("gemeente") - pl.col("som") > 5 * pl.col("n") + 0.001 * pl.col("gemeente"))
    )
    assert te_veel.is_empty(), te_veel
