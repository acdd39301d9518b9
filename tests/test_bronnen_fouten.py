"""Bad input gives a clear error, a failed blocking check, and writes nothing.

Each bad input is generated in tmp_path from the real snapshot files (a partial copy that
NPLV_SNAPSHOT_DIR points at); the werk DB first holds the good table, which must stay unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from nplv_monitor.bronnen import assets, cbs, leefbaarometer
from nplv_monitor.bronnen.leefbaarometer import LeefbaarometerFout
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR
from nplv_monitor.errors import NietInSnapshot, SnapshotFout, ValidatieFout
from tests.bronnen_hulp import (
    bron_asset,
    check_evaluaties,
    herschrijf_parquet,
    kopieer_snapshot,
    materialiseer,
    tabel_of_niets,
    vervang_en_registreer,
)

KWB_2020 = "cbs/84799NED/TypedDataSet.parquet"
LBM_WIJK = bron_asset("leefbaarometer_wijk")
KWB = bron_asset(assets.KWB_KEY)


@pytest.fixture
def werkdb(tmp_output: Path) -> Path:
    return tmp_output / ".werk" / "werk.duckdb"


def _faalt_met(resultaat: dg.ExecuteInProcessResult, key: dg.AssetKey, *delen: str) -> str:
    """The run failed, the blocking check failed, and its message holds every part."""
    assert not resultaat.success
    evaluaties = [e for e in check_evaluaties(resultaat) if e.asset_key == key]
    assert len(evaluaties) == 1
    assert evaluaties[0].passed is False
    melding = str(evaluaties[0].metadata["melding"].value)
    for deel in delen:
        assert deel in melding, melding
    assert not resultaat.get_asset_materialization_events()
    return melding


def _goede_kwb_2020(werkdb: Path, monkeypatch: pytest.MonkeyPatch) -> pl.DataFrame:
    monkeypatch.delenv("NPLV_SNAPSHOT_DIR", raising=False)
    assert materialiseer(KWB, werkdb).success
    goed = tabel_of_niets(werkdb, "bron.kwb_2020")
    assert goed is not None
    return goed


def _bad_kwb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wijzig: Callable[[pl.DataFrame], pl.DataFrame]
) -> Path:
    kopie = kopieer_snapshot(tmp_path / "snap", "cbs/84799NED", "cbs/85984NED")
    herschrijf_parquet(kopie, KWB_2020, wijzig)
    monkeypatch.setenv("NPLV_SNAPSHOT_DIR", str(kopie))
    return kopie


def _onveranderd(werkdb: Path, tabel: str, goed: pl.DataFrame | None) -> None:
    na = tabel_of_niets(werkdb, tabel)
    if goed is None:
        assert na is None
    else:
        assert na is not None
        assert_frame_equal(na, goed)


def test_hash_klopt_niet(tmp_path: Path, werkdb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    goed = _goede_kwb_2020(werkdb, monkeypatch)
    kopie = kopieer_snapshot(tmp_path / "snap", "cbs/84799NED", "cbs/85984NED")
    # Rewrite the data with one value changed, without updating the manifest.
    df = pl.read_parquet(kopie / KWB_2020)
    df.with_columns(pl.col("AantalInwoners_5") + (pl.col("ID") == 1)).write_parquet(
        kopie / KWB_2020
    )
    monkeypatch.setenv("NPLV_SNAPSHOT_DIR", str(kopie))
    r = materialiseer(KWB, werkdb)
    _faalt_met(r, assets.KWB_KEY, "TypedDataSet.parquet is gewijzigd", "sha256")
    _onveranderd(werkdb, "bron.kwb_2020", goed)


def test_snapshotbestand_ontbreekt(
    tmp_path: Path, werkdb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kopie = kopieer_snapshot(tmp_path / "snap", "leefbaarometer")
    (kopie / leefbaarometer.WIJK_CSV).unlink()
    monkeypatch.setenv("NPLV_SNAPSHOT_DIR", str(kopie))
    r = materialiseer(LBM_WIJK, werkdb)
    _faalt_met(r, LBM_WIJK.key, "Snapshotbestand ontbreekt", "wijkscores_2002-2022.csv")
    _onveranderd(werkdb, "bron.leefbaarometer_wijk", None)
    with pytest.raises(SnapshotFout):
        leefbaarometer.lees_niveau(Snapshot(kopie), "wijk")


def test_kwb_mist_verplichte_kolom(
    tmp_path: Path, werkdb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    goed = _goede_kwb_2020(werkdb, monkeypatch)
    _bad_kwb(tmp_path, monkeypatch, lambda df: df.drop("Gemeentenaam_1"))
    r = materialiseer(KWB, werkdb)
    _faalt_met(r, assets.KWB_KEY, "Gemeentenaam_1", "column_in_dataframe", "niets geschreven")
    _onveranderd(werkdb, "bron.kwb_2020", goed)


def test_kwb_zonder_inwonerskolom(
    tmp_path: Path, werkdb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # AantalInwoners_* is required whatever its numeric suffix is.
    goed = _goede_kwb_2020(werkdb, monkeypatch)
    _bad_kwb(tmp_path, monkeypatch, lambda df: df.drop("AantalInwoners_5"))
    r = materialiseer(KWB, werkdb)
    _faalt_met(r, assets.KWB_KEY, "AantalInwoners_", "no_regex_column_match")
    _onveranderd(werkdb, "bron.kwb_2020", goed)


def test_kwb_verkeerd_type(tmp_path: Path, werkdb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    goed = _goede_kwb_2020(werkdb, monkeypatch)
    _bad_kwb(
        tmp_path,
        monkeypatch,
        lambda df: df.with_columns(pl.col("AantalInwoners_5").cast(pl.String)),
    )
    r = materialiseer(KWB, werkdb)
    _faalt_met(r, assets.KWB_KEY, "AantalInwoners_5", "dtype('Int64')", "String")
    _onveranderd(werkdb, "bron.kwb_2020", goed)


def test_kwb_dubbele_regiocode(
    tmp_path: Path, werkdb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    goed = _goede_kwb_2020(werkdb, monkeypatch)
    # Give buurt row 3 the code of row 2 (a wijk): the code must stay unique.
    bron = pl.read_parquet(DEFAULT_SNAPSHOT_DIR / KWB_2020)
    dubbel = bron["Codering_3"][2].strip()
    _bad_kwb(
        tmp_path,
        monkeypatch,
        lambda df: df.with_columns(
            pl.when(pl.int_range(pl.len()) == 3)
            .then(pl.lit(bron["Codering_3"][2]))
            .otherwise(pl.col("Codering_3"))
            .alias("Codering_3")
        ),
    )
    r = materialiseer(KWB, werkdb)
    melding = _faalt_met(r, assets.KWB_KEY, "Codering_3", "field_uniqueness", dubbel)
    assert "rij 2" in melding
    assert "rij 3" in melding
    _onveranderd(werkdb, "bron.kwb_2020", goed)


def _lbm_kopie(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wijzig: Callable[[pl.DataFrame], pl.DataFrame]
) -> Path:
    kopie = kopieer_snapshot(tmp_path / "snap", "leefbaarometer")
    df = pl.read_csv(kopie / leefbaarometer.WIJK_CSV, infer_schema=False)
    vervang_en_registreer(kopie, leefbaarometer.WIJK_CSV, wijzig(df).write_csv)
    monkeypatch.setenv("NPLV_SNAPSHOT_DIR", str(kopie))
    return kopie


def test_leefbaarometer_zonder_jaar(
    tmp_path: Path, werkdb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kopie = _lbm_kopie(tmp_path, monkeypatch, lambda df: df.drop("jaar"))
    r = materialiseer(LBM_WIJK, werkdb)
    _faalt_met(r, LBM_WIJK.key, "wijkscores_2002-2022.csv", "kolom 'jaar' ontbreekt")
    _onveranderd(werkdb, "bron.leefbaarometer_wijk", None)
    with pytest.raises(LeefbaarometerFout, match=r"wijkscores_2002-2022\.csv.*'jaar' ontbreekt"):
        leefbaarometer.lees_csv(kopie / leefbaarometer.WIJK_CSV)


def test_leefbaarometer_onbekend_niveau(
    tmp_path: Path, werkdb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same file keyed by a level the open data does not have (pc4).
    kopie = _lbm_kopie(tmp_path, monkeypatch, lambda df: df.rename({"wk_code": "pc4_code"}))
    r = materialiseer(LBM_WIJK, werkdb)
    _faalt_met(r, LBM_WIJK.key, "wijkscores_2002-2022.csv", "onbekend niveau", "pc4_code")
    _onveranderd(werkdb, "bron.leefbaarometer_wijk", None)
    pad = kopie / leefbaarometer.WIJK_CSV
    with pytest.raises(LeefbaarometerFout, match="onbekend niveau 'stadsdeel'"):
        leefbaarometer.lees_csv(pad, "stadsdeel")
    with pytest.raises(LeefbaarometerFout, match="Onbekend Leefbaarometerniveau 'stadsdeel'"):
        leefbaarometer.lees_niveau(Snapshot(kopie), "stadsdeel")


def test_leefbaarometer_niveau_past_niet_bij_bestand() -> None:
    pad = DEFAULT_SNAPSHOT_DIR / leefbaarometer.BUURT_CSV
    with pytest.raises(LeefbaarometerFout, match=r"verwacht niveau wijk.*'bu_code'"):
        leefbaarometer.lees_csv(pad, "wijk")


def test_kwb_jaar_niet_in_snapshot_via_dagster(
    tmp_path: Path, werkdb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A snapshot without KWB 2024: offline the asset builds the years in the snapshot (2020)
    # and writes no 2024 table; asking for 2024 names the table and the fetch.
    kopie = kopieer_snapshot(tmp_path / "snap", "cbs/84799NED")
    Snapshot(kopie).werk_manifest_bij([], vervang_dataset="cbs/85984NED")
    monkeypatch.setenv("NPLV_SNAPSHOT_DIR", str(kopie))
    monkeypatch.delenv("NPLV_ONLINE", raising=False)
    r = materialiseer(KWB, werkdb)
    assert r.success
    (mat,) = r.asset_materializations_for_node("bron__kwb")
    rijen_2020 = cbs.kwb_tabel(Snapshot(kopie), 2020).tabelinfo()["RecordCount"]
    assert mat.metadata["dagster/table_name"].value == "bron.kwb_2020"
    assert mat.metadata["dagster/row_count"].value == rijen_2020
    _onveranderd(werkdb, "bron.kwb_2024", None)
    with pytest.raises(NietInSnapshot, match="wel aanwezig: 2020"):
        cbs.kwb_tabel(Snapshot(kopie), 2024)


def test_validatiefout_buiten_dagster_noemt_kolom_en_rijen() -> None:
    from nplv_monitor import validatie

    df = pl.read_parquet(DEFAULT_SNAPSHOT_DIR / KWB_2020).head(5)
    with pytest.raises(ValidatieFout, match="Codering_3"):
        validatie.valideer(df, "bron.kwb")  # padded codes do not match the code pattern
