"""Security basics (issue 8): local-only servers, paths that cannot leave their folders, SQL
identifiers that cannot be injected. Each test states the threat and what must hold.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import click
import duckdb
import polars as pl
import pytest

from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.db import schrijf_tabel, splits
from tests.replay.server import ReplayServer


def test_replay_server_luistert_alleen_op_localhost() -> None:
    """Threat: the test mirror (serving snapshot data, fault injection) reachable from the network.
    Holds: it binds 127.0.0.1 and its URLs point there."""
    with ReplayServer(Snapshot(), []) as srv:
        assert srv._httpd.server_address[0] == "127.0.0.1"
        assert srv.basis_url.startswith("http://127.0.0.1:")


def _host_optie(commando: click.Command) -> click.Parameter:
    return next(p for p in commando.params if p.name == "host")


def test_dagster_ui_bindt_standaard_aan_localhost() -> None:
    """Threat: `dagster dev` / `dagster-webserver` (which can launch runs) open to the network.
    Holds: the webserver's --host defaults to 127.0.0.1, and `dagster dev` passes no host of its
    own unless asked (so the webserver default applies); the project's own launcher
    (nplv_monitor/orkestratie/ui.py: `nplv-monitor ui`, scripts/ui_screenshot.py) passes 127.0.0.1
    explicitly and workspace.yaml sets no host."""
    import dagster_webserver.cli as webserver
    from dagster._cli import dev

    assert _host_optie(webserver.cli).default == "127.0.0.1"
    assert _host_optie(webserver.dagster_webserver).default == "127.0.0.1"
    assert not isinstance(_host_optie(dev.dev_command).default, str)  # unset: no --host passed
    repo = Path(__file__).resolve().parent.parent
    from nplv_monitor.orkestratie import ui

    assert ui.HOST == "127.0.0.1"
    assert ui.dagster_dev_opdracht()[-4:-2] == ["-h", "127.0.0.1"]
    assert "host" not in (repo / "workspace.yaml").read_text()


def test_sjabloon_voor_gebied_met_pad_wordt_geweigerd(tmp_path: Path) -> None:
    """Threat: `nplv-monitor template --gebied ../../x` writing outside the chosen folder.
    Holds: only the 20 registered area codes are accepted; nothing is written anywhere."""
    from nplv_monitor.realisatie.template import schrijf_template
    from nplv_monitor.realisatie.uitvraag import UitvraagFout

    uit = tmp_path / "a" / "b"
    uit.mkdir(parents=True)
    with pytest.raises(UitvraagFout, match="Onbekend gebied"):
        schrijf_template("../../buiten", 2025, uit)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b"]


def test_snapshotbestand_via_symlink_naar_buiten_wordt_geweigerd(tmp_path: Path) -> None:
    """Threat: a snapshot file that is a symlink to a file outside the snapshot folder.
    Holds: SnapshotFout 'buiten de snapshotmap' (the path is resolved before reading)."""
    from nplv_monitor.errors import SnapshotFout

    bron = Snapshot()
    map_ = tmp_path / "snapshot"
    map_.mkdir()
    shutil.copyfile(bron.manifest_pad, map_ / "manifest.json")
    rel = "leefbaarometer/gemeentescores_2024.csv"
    buiten = tmp_path / "buiten.csv"
    shutil.copyfile(bron.map / rel, buiten)  # same bytes, so only the location is wrong
    (map_ / "leefbaarometer").mkdir()
    (map_ / rel).symlink_to(buiten)
    with pytest.raises(SnapshotFout, match="buiten de snapshotmap"):
        Snapshot(map_).csv(rel)


def test_retour_via_symlink_naar_buiten_wordt_niet_gelezen(tmp_path: Path) -> None:
    """Threat: a symlink in the returns drop folder pointing at a file elsewhere on the server.
    Holds: the link is skipped without reading (or quoting) the target; the same for the
    ministry's scheme-export folder."""
    from nplv_monitor.realisatie import intake

    geheim = tmp_path / "geheim.csv"
    geheim.write_text("wachtwoord,x\nhunter2,1\n", encoding="utf-8")
    drop = tmp_path / "retouren"
    drop.mkdir()
    (drop / "retour_2025_heerlen_noord.csv").symlink_to(geheim)
    v = intake.verwerk_map(drop)
    assert "hunter2" not in str(v.afgewezen) + "".join(str(f) for f in v.geweigerd)
    assert intake.retourbestanden(drop) == []
    from nplv_monitor.realisatie import regelingen

    (drop / "export.csv").symlink_to(geheim)
    df, fouten = regelingen.lees_exportmap(drop)
    assert df.height == 0
    assert fouten == []


@pytest.mark.parametrize(
    "doel", ["bron.x; DROP TABLE y", 'bron."x"', "bron.x --", "../bron.x", "bron.X y"]
)
def test_tabelnaam_kan_geen_sql_injecteren(doel: str) -> None:
    """Threat: a table or schema name carrying SQL (names are the one thing not passed as a
    parameter). Holds: db.splits refuses anything but [a-z_][a-z0-9_]* before any SQL is built,
    and schrijf_tabel writes nothing."""
    with pytest.raises(ValueError, match=r"Ongeldige|Doel moet"):
        splits(doel)
    con = duckdb.connect()
    with pytest.raises(ValueError, match=r"Ongeldige|Doel moet"):
        schrijf_tabel(con, doel, pl.DataFrame({"a": [1]}))
    assert con.sql("select count(*) from duckdb_tables()").fetchall()[0][0] == 0


def test_waarde_met_quote_in_vervang_waar_is_een_parameter() -> None:
    """Threat: a value (e.g. a familie or area name) with a quote in ``vervang_waar``.
    Holds: it is bound as a parameter — only the matching rows are replaced."""
    con = duckdb.connect()
    schrijf_tabel(con, "t.w", pl.DataFrame({"f": ["a", "x' OR '1'='1"], "v": [1, 2]}))
    schrijf_tabel(
        con,
        "t.w",
        pl.DataFrame({"f": ["x' OR '1'='1"], "v": [3]}),
        vervang_waar={"f": "x' OR '1'='1"},
    )
    assert sorted(con.sql("select f, v from t.w").fetchall()) == [("a", 1), ("x' OR '1'='1", 3)]
