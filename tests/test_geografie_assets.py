"""The referentie assets write validated ref.* tables; the CLI prints the population check."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from nplv_monitor import cli
from nplv_monitor.db import WerkDatabase, verbind
from nplv_monitor.definitions import defs
from nplv_monitor.geografie import assets, commando
from nplv_monitor.geografie.register import FOCUSGEBIEDEN

REF_ASSETS = [
    assets.regio_indeling,
    assets.gebieden,
    assets.gebied_buurten,
    assets.gebied_wijken,
    assets.bevolkingscontrole,
]


def test_assets_schrijven_de_ref_tabellen(tmp_output: Path) -> None:
    pad = tmp_output / "werk.duckdb"
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
    assert soorten["focusgebied"] == len(FOCUSGEBIEDEN)
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


def test_cli_gebieden(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["gebieden"]) == 0
    uit = capsys.readouterr().out
    regels = uit.splitlines()
    for code in FOCUSGEBIEDEN:
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
