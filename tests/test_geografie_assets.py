"""The referentie assets write validated ref.* tables; the CLI prints the population check."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from nplv_monitor import cli
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR
from nplv_monitor.db import WerkDatabase, verbind
from nplv_monitor.definitions import bouw_definitions
from nplv_monitor.geografie import assets, invoer
from nplv_monitor.geografie.gebieden import focusgebied_codes

defs = bouw_definitions()

REF_ASSETS = [
    assets.regio_indeling,
    assets.gebieden,
    assets.gebied_buurten,
    assets.gebied_wijken,
    assets.bevolkingscontrole,
]


def test_werkdb_invoer_gelijk_aan_de_ruwe_bestanden(werkdb_bronnen: Path) -> None:
    """The geography's inputs from the work DB equal an independent SQL read of the raw files."""
    with verbind(werkdb_bronnen, read_only=True) as con:
        inv = invoer.uit_werkdb(con)
    assert sorted(inv.indelingen) == [2020, 2024]
    ruw = duckdb.connect()
    snap = DEFAULT_SNAPSHOT_DIR
    for jaar, tabel in ((2020, "84799NED"), (2024, "85984NED")):
        n, n_bu = ruw.execute(
            f"select count(*), count(*) filter (where trim(Key) like 'BU%') "
            f"from '{snap}/cbs/{tabel}/WijkenEnBuurten.parquet'"
        ).fetchall()[0]
        regio = inv.indelingen[jaar].regio
        assert regio.height == n
        assert regio.filter(pl.col("code").str.starts_with("BU")).height == n_bu
    # 2020 inhabitants from the KWB table itself; 2024 from the complete population per buurt.
    (som_2020,) = ruw.execute(
        f"select sum(AantalInwoners_5) from '{snap}/cbs/84799NED/TypedDataSet.parquet' "
        "where trim(SoortRegio_2) = 'Buurt'"
    ).fetchall()[0]
    (som_2024,) = ruw.execute(
        f"select sum(population) from '{snap}/cbs/85984NED/extract_bevolking_buurt_2024.parquet'"
    ).fetchall()[0]
    for jaar, som in ((2020, som_2020), (2024, som_2024)):
        regio = inv.indelingen[jaar].regio.filter(pl.col("code").str.starts_with("BU"))
        assert regio["inwoners"].sum() == som


def test_assets_schrijven_de_ref_tabellen(
    tmp_output: Path, werkdb_bronnen: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pad = tmp_output / ".werk" / "werk.duckdb"
    pad.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(werkdb_bronnen, pad)  # the session DB with every bron table; never written to
    resultaat = dg.materialize(REF_ASSETS, resources={"werkdb": WerkDatabase(pad=str(pad))})
    assert resultaat.success
    checks = resultaat.get_asset_check_evaluations()
    assert len(checks) == len(REF_ASSETS)
    assert all(c.passed for c in checks)
    with verbind(pad, read_only=True) as con:
        geschreven = con.sql(
            "select gebied_code, indelingsjaar, buurten, buurten_zonder_inwonertal, inwoners, "
            "verschil_pct from ref.bevolkingscontrole order by all"
        ).fetchall()
        # Independently: the buurten of each area (its membership) with their inhabitants read
        # straight from the raw bron tables (2020: the KWB table; 2024: the population file).
        verwacht = con.sql(
            """with inw as (
                 select 2020 as indelingsjaar, Codering_3 as buurtcode, AantalInwoners_5 as inwoners
                 from bron.kwb_2020 where Codering_3 like 'BU%'
                 union all
                 select 2024, buurtcode, inwoners from bron.bevolking_buurt_2024)
               select gb.gebied_code, gb.indelingsjaar, count(*), count(*) - count(i.inwoners),
                      sum(i.inwoners), any_value(g.inwoners_gepubliceerd_2025)
               from ref.gebied_buurten gb join ref.gebieden g using (gebied_code)
               left join inw i using (indelingsjaar, buurtcode)
               where g.soort in ('focusgebied', 'alle_focusgebieden')
               group by all order by all"""
        ).fetchall()
        soorten = dict(con.sql("select soort, count(*) from ref.gebieden group by all").fetchall())
        buurtjaren = con.sql("select distinct indelingsjaar from ref.gebied_buurten").fetchall()
    assert len(geschreven) == len(verwacht) == 2 * (len(focusgebied_codes()) + 1)
    for rij, (code, jaar, n, zonder, inw, gepubl) in zip(geschreven, verwacht, strict=True):
        assert rij[:5] == (code, jaar, n, zonder, inw), (rij, code, jaar)
        assert rij[5] == pytest.approx((inw / gepubl - 1) * 100, abs=0.05 + 1e-9), rij
    # The CLI prints the same check: its total for all focus areas in 2024, Dutch notation.
    totaal_2024 = next(r[4] for r in verwacht if r[:2] == ("alle_focusgebieden", 2024))
    assert cli.main(["gebieden"]) == 0
    assert f" {totaal_2024:,} ".replace(",", ".") in capsys.readouterr().out
    assert soorten["focusgebied"] == len(focusgebied_codes())
    assert sorted(j for (j,) in buurtjaren) == [2020, 2024]
    for materialisatie in resultaat.get_asset_materialization_events():
        meta = materialisatie.materialization.metadata
        assert meta["dagster/row_count"].value > 0


def test_assets_in_groep_referentie() -> None:
    graaf = defs.resolve_asset_graph()
    ref = [
        k
        for k in graaf.get_all_asset_keys()
        if k.path[0] == "ref"
        and k.path[1]
        in {"regio_indeling", "gebieden", "gebied_buurten", "gebied_wijken", "bevolkingscontrole"}
    ]
    assert len(ref) == len(REF_ASSETS)
    assert {graaf.get(k).group_name for k in ref} == {"referentie"}


def test_cli_gebieden(
    capsys: pytest.CaptureFixture[str], tmp_output: Path, werkdb_bronnen: Path
) -> None:
    # The command reads the work DB (after `nplv-monitor build`), never the snapshot.
    (tmp_output / ".werk").mkdir(parents=True)
    shutil.copy(werkdb_bronnen, tmp_output / ".werk" / "werk.duckdb")
    assert cli.main(["gebieden"]) == 0
    uit = capsys.readouterr().out
    regels = uit.splitlines()
    for code in focusgebied_codes():
        assert sum(r.startswith(code + " ") for r in regels) == 2, code
    assert sum(r.startswith("totaal (20 gebieden)") for r in regels) == 2
    # The figures themselves are checked against SQL in test_assets_schrijven_de_ref_tabellen.
