"""Fault campaign, files: damaged or oddly encoded snapshot files, a manifest that lies, a missing
year. Each test states the fault and what must hold: a clear NplvFout naming the file (or the
year), and — for the end-to-end case — nothing published: the analysts' file stays byte for byte
the previous edition and no temporary file is left.

Bad files are generated in tmp_path from the real snapshot files (test fixtures, never shipped).
Hash mismatches and missing files are covered by tests/test_snapshot.py and
tests/test_bronnen_fouten.py; here the damaged file *matches* the manifest (it was damaged at the
source), so the hash check passes and the reader must still refuse it clearly.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from nplv_monitor.bronnen import cbs, leefbaarometer
from nplv_monitor.bronnen.snapshot import Snapshot, sha256_bestand
from nplv_monitor.errors import NietInSnapshot, SnapshotFout
from nplv_monitor.publicatie import publiceer
from tests.bronnen_hulp import bron_asset, kopieer_snapshot, vervang_en_registreer

KWB_2020 = "cbs/84799NED/TypedDataSet.parquet"
LBM_BUURT = leefbaarometer.NIVEAUS["buurt"][2]


@pytest.fixture
def snap(tmp_path: Path) -> Path:
    return kopieer_snapshot(tmp_path / "snapshot", "cbs/84799NED", "leefbaarometer")


def _bytes(pad: Path) -> bytes:
    return pad.read_bytes()


def test_kapotte_parquet_noemt_het_bestand(snap: Path) -> None:
    """Fault: the KWB 2020 Parquet is cut in half (its hash registered, so it passes the hash
    check). Holds: SnapshotFout naming the file and 'Parquet', not a bare polars error."""
    heel = _bytes(snap / KWB_2020)
    vervang_en_registreer(snap, KWB_2020, lambda p: p.write_bytes(heel[: len(heel) // 2]))
    with pytest.raises(SnapshotFout, match="Parquet") as fout:
        cbs.kwb_tabel(Snapshot(snap), 2020).data()
    assert str(snap / KWB_2020) in str(fout.value)


def test_kapotte_csv_noemt_het_bestand(snap: Path) -> None:
    """Fault: the Leefbaarometer buurt CSV ends in a half row with binary garbage.
    Holds: SnapshotFout naming the file."""
    heel = _bytes(snap / LBM_BUURT)
    vervang_en_registreer(
        snap, LBM_BUURT, lambda p: p.write_bytes(heel[: len(heel) // 2] + b'\n"BU0,\x00\xff\xfe\n')
    )
    with pytest.raises(SnapshotFout, match="CSV") as fout:
        leefbaarometer.lees_niveau(Snapshot(snap), "buurt")
    assert str(snap / LBM_BUURT) in str(fout.value)


def test_csv_met_utf8_bom_geeft_dezelfde_tabel(snap: Path) -> None:
    """Fault: the CSV starts with a UTF-8 byte-order mark (as Excel writes it). Holds: read
    exactly as the original (the BOM does not end up in the first column name)."""
    origineel = leefbaarometer.lees_niveau(Snapshot(snap), "buurt")
    heel = _bytes(snap / LBM_BUURT)
    vervang_en_registreer(snap, LBM_BUURT, lambda p: p.write_bytes(b"\xef\xbb\xbf" + heel))
    assert_frame_equal(leefbaarometer.lees_niveau(Snapshot(snap), "buurt"), origineel)


def test_csv_in_latin1_wordt_geweigerd_met_de_codering(snap: Path) -> None:
    """Fault: the CSV re-saved as Latin-1 (its names have é, ë, â). Holds: SnapshotFout naming
    the file and UTF-8 — never names silently mangled."""
    tekst = _bytes(snap / LBM_BUURT).decode("utf-8")
    assert any(ord(c) > 127 for c in tekst)  # the real file has accented names
    vervang_en_registreer(
        snap, LBM_BUURT, lambda p: p.write_bytes(tekst.encode("latin-1", errors="replace"))
    )
    with pytest.raises(SnapshotFout, match="UTF-8") as fout:
        leefbaarometer.lees_niveau(Snapshot(snap), "buurt")
    assert str(snap / LBM_BUURT) in str(fout.value)


def test_manifest_dat_liegt_over_het_aantal_rijen(snap: Path) -> None:
    """Fault: the KWB 2020 Parquet lost its last 1,000 rows and the manifest got the new hash but
    still says 17,341 rows. Holds: SnapshotFout naming both row counts."""
    import polars as pl

    df = pl.read_parquet(snap / KWB_2020)
    vervang_en_registreer(snap, KWB_2020, lambda p: df.head(df.height - 1000).write_parquet(p))
    assert Snapshot(snap).entry(KWB_2020).rijen == df.height
    with pytest.raises(SnapshotFout, match=f"{df.height - 1000} rijen.*noemt er {df.height}"):
        cbs.kwb_tabel(Snapshot(snap), 2020).data()


def test_manifest_met_pad_buiten_de_snapshotmap(snap: Path) -> None:
    """Fault: a manifest entry points outside the snapshot folder (``../``). Holds: SnapshotFout,
    the outside file is never read."""
    buiten = snap.parent / "geheim.parquet"
    buiten.write_bytes(b"niet lezen")
    s = Snapshot(snap)
    rel = "../geheim.parquet"
    entry = dataclasses.replace(s.entry(KWB_2020), pad=rel, sha256=sha256_bestand(buiten))
    s.werk_manifest_bij([entry])
    with pytest.raises(SnapshotFout, match="buiten de snapshotmap"):
        Snapshot(snap).parquet(rel)


def test_ontbrekend_jaar_is_een_duidelijke_fout(snap: Path) -> None:
    """Fault: a KWB year the snapshot does not hold (2019). Holds: NietInSnapshot naming it."""
    with pytest.raises(NietInSnapshot, match="2019"):
        cbs.kwb_tabel(Snapshot(snap), 2019).data()


def test_kapotte_bron_publiceert_niets(
    tmp_output: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault: a build over a source whose CSV is damaged, after a good build. Holds: BouwFout
    naming the step; the published file is byte for byte the previous edition; no temporary
    publication file remains."""
    from nplv_monitor.definitions import definities_van
    from nplv_monitor.orkestratie.build import BouwFout, bouw

    snap = kopieer_snapshot(tmp_path / "snapshot", "leefbaarometer")
    monkeypatch.setenv("NPLV_SNAPSHOT_DIR", str(snap))
    defs = definities_van([bron_asset("leefbaarometer_buurt")])
    bouw(2026, definitions=defs, melden=lambda _: None)
    doel = tmp_output / "nplv_monitor.duckdb"
    voor = sha256_bestand(doel)

    heel = _bytes(snap / LBM_BUURT)
    vervang_en_registreer(
        snap, LBM_BUURT, lambda p: p.write_bytes(heel.decode().encode("latin-1", errors="replace"))
    )
    with pytest.raises(BouwFout) as fout:
        bouw(2026, definitions=defs, melden=lambda _: None)
    assert "niets gepubliceerd" in str(fout.value)
    assert "leefbaarometer_buurt" in str(fout.value)
    assert sha256_bestand(doel) == voor
    assert publiceer.tijdelijke_bestanden(tmp_output) == []
    assert len(list((tmp_output / "edities").glob("*.duckdb"))) == 1
