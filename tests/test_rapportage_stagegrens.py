"""The report draws its map from the bron tables of the published file, never from the snapshot."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from nplv_monitor.rapportage import gegevens, maak


def test_kaart_komt_uit_de_gepubliceerde_brontabel(volledige_build: Path) -> None:
    pad = volledige_build / "nplv_monitor.duckdb"
    pub = gegevens.laad(pad)
    gms = {g[2:6] for g in pub.gebieden["gemeentecode"].drop_nulls().to_list()}
    with duckdb.connect(str(pad), read_only=True) as con:
        verwacht = con.sql(
            "select count(*) from bron.leefbaarometer_buurtgeometrie "
            "where substr(trim(bu_code), 3, 4) in (select unnest(?))",
            params=[sorted(gms)],
        ).fetchall()[0][0]
    assert pub.buurtgeometrie is not None
    assert len(pub.buurtgeometrie) == verwacht > 0


@pytest.mark.parametrize("tabel", gegevens.KAART_TABELLEN)
def test_zonder_kaarttabel_geweigerd_en_niets_geschreven(
    volledige_build: Path, tmp_path: Path, tabel: str
) -> None:
    pad = tmp_path / "nplv_monitor.duckdb"
    shutil.copyfile(volledige_build / "nplv_monitor.duckdb", pad)
    with duckdb.connect(str(pad)) as con:
        con.execute(f"drop table {tabel}")
    uit = tmp_path / "rapportage"
    with pytest.raises(gegevens.RapportageFout) as exc:
        maak.maak(pad, uit)
    assert tabel in str(exc.value)
    assert "nplv-monitor build" in str(exc.value)
    assert not uit.exists()
