"""Honest reasons for every missing value, and views that never mix years silently (issue 12).

On the full build of the shipped snapshot, recomputed in SQL over the raw bron tables:
- every row of a main gebied with status ontbreekt/onderdrukt has a reason; none blames CBS's
  phased filling ("CBS vult de kerncijfers in fasen") — the cause is the snapshot;
- a variable a table fills for no region names the release the snapshot holds
  (bron.cbs_tabellen.modified) and the online route;
- a row of a truncated download (bron.cbs_tabellen.afgekapt) whose area has buurten outside the
  rows the snapshot holds says so, with the number of those buurten and ``ophalen --kwb``;
- publicatie.laatste_waarden flags every row whose peiljaar is not Nederland's latest;
- an indicator with one measurement shows "geen tweede meting", never a change of 0.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

HOOFD = "('focusgebied', 'gemeente', 'rest_gemeente', 'alle_focusgebieden', 'nederland')"


def _pub(build: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(build / "nplv_monitor.duckdb"), read_only=True)


def test_elke_ontbrekende_waarde_heeft_een_reden_en_geen_valse(volledige_build: Path) -> None:
    con = _pub(volledige_build)
    zonder, fasen, totaal = con.execute(
        f"""select count(*) filter (where coalesce(trim(status_toelichting), '') = ''),
                   count(*) filter (where status_toelichting ilike '%vult de kerncijfers in fasen%'),
                   count(*)
            from monitor.indicatorwaarden
            where status in ('ontbreekt', 'onderdrukt') and gebied_soort in {HOOFD}"""
    ).fetchone()  # type: ignore[misc]
    assert totaal > 1000
    assert (zonder, fasen) == (0, 0)


def test_niet_gevulde_variabele_noemt_de_release_en_de_route(volledige_build: Path) -> None:
    con = _pub(volledige_build)
    rijen = con.execute(
        f"""with leeg as (
                select distinct b.tabel_id, b.bron_variabele, strftime(t.modified, '%Y-%m-%d') as dag,
                       t.kwb_jaar
                from metingen.bronvariabelen b join bron.cbs_tabellen t using (tabel_id)
                where b.gevuld = 0 and t.kwb_jaar is not null)
            select l.*, w.status_toelichting
            from monitor.indicatorwaarden w
            join leeg l on l.tabel_id = w.bron_tabel and l.bron_variabele = w.bron_variabele
            where w.status = 'ontbreekt' and w.gebied_soort in {HOOFD}"""
    ).fetchall()
    assert len(rijen) > 500
    tabellen = set()
    for tabel_id, sleutel, dag, jaar, tekst in rijen:
        assert f"tabel {tabel_id} de release van {dag}" in tekst, tekst
        assert sleutel in tekst
        assert f"NPLV_ONLINE=1 nplv-monitor ophalen --kwb {jaar}" in tekst
        tabellen.add(tabel_id)
    # the early 2020 release and the truncated 2024 one both
    assert tabellen == {"84799NED", "85984NED"}


def test_afgekapte_download_is_de_genoemde_oorzaak(volledige_build: Path) -> None:
    con = _pub(volledige_build)
    # per focus area, alle_focusgebieden and rest: buurten of indeling 2024 outside the truncated
    # KWB 2024 rows, straight from the raw tables
    buiten = dict(
        con.execute(
            """select g.gebied_code, count(*) from ref.gebied_buurten g
               join ref.gebieden r using (gebied_code)
               where g.indelingsjaar = 2024 and r.soort in ('focusgebied', 'alle_focusgebieden',
                                                              'rest_gemeente')
                 and g.buurtcode not in (select Codering_3 from bron.kwb_2024)
               group by 1"""
        ).fetchall()
    )
    assert buiten["alle_focusgebieden"] > 100
    rijen = con.execute(
        """select w.gebied_code, w.indicator_code, w.status, w.status_toelichting,
                  w.bron_sha256 is null as zonder_rij
           from monitor.indicatorwaarden w
           where w.peiljaar = 2024 and w.bron_tabel = '85984NED'
             and w.status in ('ontbreekt', 'onderdrukt')
             and w.gebied_soort in ('focusgebied', 'alle_focusgebieden', 'rest_gemeente')
             and not w.status_toelichting like '%de release van%'"""
    ).fetchall()
    assert rijen
    gezien = set()
    for gebied, _indicator, _status, tekst, zonder_rij in rijen:
        if gebied not in buiten:  # all its buurten are in the truncated table: not the cause
            assert "afgekapte download" not in tekst, (gebied, tekst)
            continue
        assert "alleen de eerste 10.000 rijen (afgekapte download" in tekst, tekst
        assert "NPLV_ONLINE=1 nplv-monitor ophalen --kwb 2024" in tekst
        if not zonder_rij:
            assert f"; {buiten[gebied]} buurten van dit gebied staan er niet in" in tekst, tekst
        gezien.add(gebied)
    assert "alle_focusgebieden" in gezien


def test_laatste_waarden_mengt_geen_jaren_stil(volledige_build: Path) -> None:
    con = _pub(volledige_build)
    fout = con.execute(
        """with nl as (select indicator_code, max(peiljaar) as p from monitor.indicatorwaarden
                       where gebied_code = 'NL00' and status = 'ok' group by 1)
           select count(*) filter (where lw.ander_peiljaar_dan_nederland
                                   is distinct from (lw.peiljaar <> nl.p)),
                  count(*) filter (where lw.peiljaar_nederland is distinct from nl.p),
                  count(*) filter (where nl.p is not null and lw.peiljaar <> nl.p),
                  count(*)
           from publicatie.laatste_waarden lw left join nl using (indicator_code)"""
    ).fetchone()
    assert fout is not None
    vlag_fout, peiljaar_fout, ander_jaar, totaal = fout
    assert totaal > 10000
    assert (vlag_fout, peiljaar_fout) == (0, 0)
    assert ander_jaar > 0  # e.g. 2020 values where the 2024 table lacks an area: flagged
    # every focus area's inhabitants are of 2024, like Nederland's
    inwoners = con.execute(
        """select count(*), count(*) filter (where peiljaar = 2024 and status = 'ok'
                                             and not ander_peiljaar_dan_nederland)
           from publicatie.laatste_waarden
           where indicator_code = 'inwoners' and gebied_soort = 'focusgebied'"""
    ).fetchone()
    assert inwoners == (20, 20)
    # an older row says why the gebied has no value in the indicator's latest year
    zonder_reden = con.execute(
        """select count(*) from publicatie.laatste_waarden
           where peiljaar < laatste_peiljaar_indicator and reden_ouder_peiljaar is null"""
    ).fetchone()
    assert zonder_reden == (0,)


def test_een_meting_is_geen_verandering(volledige_build: Path) -> None:
    con = _pub(volledige_build)
    een, fout = con.execute(
        """with jaren as (select indicator_code, count(distinct peiljaar) as n
                          from monitor.indicatorwaarden
                          where gebied_soort = 'focusgebied' and status = 'ok' group by 1)
           select count(*),
                  count(*) filter (where v.kloof_wordt in ('gelijk', 'kleiner', 'groter')
                                   or v.trend_sinds_basis is not null
                                   or v.verandering_kloof is not null
                                   or v.verandering_afstand_nederland is not null)
           from publicatie.gebied_vergelijking v join jaren j using (indicator_code)
           where j.n = 1 and v.status = 'ok'"""
    ).fetchone()  # type: ignore[misc]
    assert een > 0
    assert fout == 0
    basis = con.execute(
        """select count(*), count(*) filter (where kloof_wordt = 'geen tweede meting'
                                             and trend_sinds_basis is null)
           from publicatie.gebied_vergelijking
           where peiljaar = basisjaar and status = 'ok' and familie = 'gebiedseffect'"""
    ).fetchone()
    assert basis is not None
    assert basis[0] > 0
    assert basis[0] == basis[1]
