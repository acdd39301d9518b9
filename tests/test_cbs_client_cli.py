"""`nplv-monitor ophalen` against the replay server (base URL from the environment)."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from nplv_monitor.bronnen import commando_ophalen, register
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.errors import BronFout
from tests.replay.server import ReplayServer, Storing


def _parse(*argv: str) -> argparse.Namespace:
    # Only this stage's subcommand: other stages' commands are not needed to test it.
    p = argparse.ArgumentParser(prog="nplv-monitor")
    commando_ophalen.registreer(p.add_subparsers(dest="commando", required=True))
    return p.parse_args(argv)


def test_ophalen_kwb_via_omgevingsvariabele(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bron = Snapshot()
    tabel_id = register.kwb_tabel_id(2020)
    doel = tmp_path / "snapshot"
    doel.mkdir()
    shutil.copyfile(bron.manifest_pad, doel / "manifest.json")
    with ReplayServer(bron, [tabel_id]) as srv:
        monkeypatch.setenv("NPLV_CBS_BASIS_URL", srv.basis_url)
        args = _parse("ophalen", "--kwb", "2020", "--snapshot", str(doel), "--pogingen", "2")
        assert args.func(args) == 0
        assert f"{tabel_id}: bijgewerkt" in capsys.readouterr().out
        # Unchanged Modified now: skipped without touching the data set.
        assert args.func(args) == 0
        assert "overgeslagen" in capsys.readouterr().out
        assert len(srv.verzoeken_naar(f"/{tabel_id}/TableInfos")) == 2
        srv.storingen.append(Storing("geen_json", "/TableInfos", aantal=None))
        with pytest.raises(BronFout, match="geen JSON"):
            args.func(args)
    assert Snapshot(doel).parquet(f"cbs/{tabel_id}/TypedDataSet.parquet").height == (
        bron.entry(f"cbs/{tabel_id}/TypedDataSet.parquet").rijen
    )
