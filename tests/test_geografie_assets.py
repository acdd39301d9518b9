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
from nplv_monitor.geografie import assets, commando, invoer
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


def test_assets_schrijven_de_ref_tabellen(tmp_output: Path, werkdb_bronnen: Path) -> None:
    pad = tmp_output / ".werk" / "werk.duckdb"
    pad.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(werkdb_bronnen, pad)  # the session DB with every bron table; never written to
    resultaat = dg.materialize(REF_ASSETS, resources={"werkdb": WerkDatabase(pad=str(pad))})
    assert resultaat.success
    checks = resultaat.get_asset_check_evaluations()
    assert len(checks) == len(REF_ASSETS)
    assert all(c.passed for c in checks)
    verwacht = commando.bereken()
    with verbind(pad, read_only=True) as con:
        geschreven = con.sql("select * from ref.bevolkingscontrole").pl()
        soorten = dict(con.sql("select soort, count(*) from ref.gebieden group by all").fetchall())
        buurtjaren = con.sql("select distinct indelingsjaar from ref.gebied_buurten").fetchall()
    assert geschreven.sort("gebied_code", "indelingsjaar").equals(
        verwacht.sort("gebied_code", "indelingsjaar")
    )
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
    totaal_2024 = (
        commando.bereken()
        .filter(pl.col("gebied_code") == "alle_focusgebieden", pl.col("indelingsjaar") == 2024)[
            "inwoners"
        ]
        .item()
    )
    assert f"{totaal_2024:,}".replace(",", ".") in uit
