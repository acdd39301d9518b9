"""Every bronnen asset materialized from the shipped snapshot (fixture ``werkdb_bronnen``).

Expected counts come from the sources themselves — CBS's RecordCount in TableInfos, the region
dimension of the same table, the manifest's row counts and the raw files — never typed in.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from nplv_monitor.bronnen import cbs, leefbaarometer, lezers, register
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR
from nplv_monitor.db import lees, verbind
from nplv_monitor.errors import NietInSnapshot

SNAP = Snapshot(DEFAULT_SNAPSHOT_DIR)


def _bestand(bron: str) -> str:
    """The one snapshot file the registry names for a source."""
    (bestand,) = register.laad().bron(bron).bestanden_van()
    return bestand


def _lees(pad: Path, sql: str, params: list[object] | None = None) -> pl.DataFrame:
    with verbind(pad, read_only=True) as con:
        return lees(con, sql, params)


def _aantal(pad: Path, tabel: str) -> int:
    return int(_lees(pad, f"select count(*) as n from {tabel}")["n"][0])


def test_alle_brontabellen_bestaan(werkdb_bronnen: Path) -> None:
    tabellen = set(
        _lees(werkdb_bronnen, "select table_name from duckdb_tables() where schema_name='bron'")[
            "table_name"
        ]
    )
    kwb_jaren = cbs.kwb_in_snapshot(SNAP)
    verwacht = (
        {n for n in register.laad().bronnen if n != register.KWB}
        | {"cbs_tabellen", "cbs_dataproperties", "herkomst"}
        | {f"kwb_{j}" for j in kwb_jaren}
        # The region dimension of every KWB year whose table brings its WijkenEnBuurten.
        | {
            f"kwb_regio_{j}"
            for j in kwb_jaren
            if SNAP.heeft(cbs.kwb_tabel(SNAP, j).bestand("WijkenEnBuurten.parquet"))
        }
    )
    assert tabellen == verwacht


def test_kwb_2020_compleet_per_regiosoort(werkdb_bronnen: Path) -> None:
    tabel = cbs.kwb_tabel(SNAP, 2020)
    assert _aantal(werkdb_bronnen, "bron.kwb_2020") == tabel.tabelinfo()["RecordCount"]
    # Independently: the region dimension of the same table, by code prefix.
    dim = tabel.dimensie("WijkenEnBuurten")
    per_prefix = dict(dim.group_by(pl.col("Key").str.slice(0, 2)).len().iter_rows())
    soorten = dict(
        _lees(werkdb_bronnen, "select SoortRegio_2, count(*) from bron.kwb_2020 group by 1").rows()
    )
    assert soorten == {
        "Land": per_prefix["NL"],
        "Gemeente": per_prefix["GM"],
        "Wijk": per_prefix["WK"],
        "Buurt": per_prefix["BU"],
    }
    # Codes are stored without CBS padding and join the dimension one to one.
    codes = _lees(werkdb_bronnen, "select Codering_3 from bron.kwb_2020")["Codering_3"]
    assert set(codes) == set(dim["Key"])
    assert not codes.str.contains(r"\s").any()


def test_kwb_2024_afgekapt_bewaard_en_gemarkeerd(werkdb_bronnen: Path) -> None:
    tabel = cbs.kwb_tabel(SNAP, 2024)
    n = _aantal(werkdb_bronnen, "bron.kwb_2024")
    assert n == SNAP.entry(tabel.bestand("TypedDataSet.parquet")).rijen == cbs.ODATA_RIJLIMIET
    rij = _lees(
        werkdb_bronnen, "select * from bron.cbs_tabellen where tabel_id = ?", [tabel.tabel_id]
    ).row(0, named=True)
    assert rij["afgekapt"] is True
    assert rij["kwb_jaar"] == 2024
    assert "AFGEKAPT" in rij["opmerkingen"]
    commentaar = _lees(
        werkdb_bronnen, "select comment from duckdb_tables() where table_name = 'kwb_2024'"
    )["comment"][0]
    assert "AFGEKAPT" in commentaar
    # The 2020 table is complete: not marked.
    assert not _lees(
        werkdb_bronnen, "select afgekapt from bron.cbs_tabellen where kwb_jaar = 2020"
    )["afgekapt"][0]


@pytest.mark.parametrize(
    ("tabel", "bestand"),
    [
        ("bron.leefbaarometer_wijk", leefbaarometer.WIJK_CSV),
        ("bron.leefbaarometer_buurt", leefbaarometer.BUURT_CSV),
        ("bron.leefbaarometer_gemeente", leefbaarometer.GEMEENTE_CSV),
        ("bron.gezondheid_rotterdam", "gezondheid_rotterdam"),
        ("bron.nplv_gebieden", "nplv_gebieden"),
        ("bron.nplv_realisatie", "nplv_realisatie"),
    ],
)
def test_csv_bronnen_volledig(werkdb_bronnen: Path, tabel: str, bestand: str) -> None:
    if "/" not in bestand:  # a registry source: its file comes from the registry
        bestand = _bestand(bestand)
    # Count data rows of the raw file independently (csv module handles quoted newlines).
    import csv

    with (DEFAULT_SNAPSHOT_DIR / bestand).open(encoding="utf-8", newline="") as f:
        n_bestand = sum(1 for _ in csv.reader(f)) - 1
    assert _aantal(werkdb_bronnen, tabel) == n_bestand


@pytest.mark.parametrize(
    ("tabel", "bestand"),
    [
        ("bron.bevolking_buurt_2024", "bevolking_buurt_2024"),
        ("bron.misdrijven_buurt", "misdrijven_buurt"),
        ("bron.misdrijven_regio_2024", "cbs/47018NED/WijkenEnBuurten.parquet"),
        ("bron.soort_misdrijf", "cbs/47018NED/SoortMisdrijf.parquet"),
        ("bron.veiligheidsmonitor", "cbs/85146NED/TypedDataSet.parquet"),
        ("bron.ses_woa", "cbs/85163NED/TypedDataSet.parquet"),
    ],
)
def test_parquet_bronnen_volledig(werkdb_bronnen: Path, tabel: str, bestand: str) -> None:
    if "/" not in bestand:  # a registry source: its file comes from the registry
        bestand = _bestand(bestand)
    assert _aantal(werkdb_bronnen, tabel) == SNAP.entry(bestand).rijen


def test_bevolking_en_misdrijven(werkdb_bronnen: Path) -> None:
    bev = _lees(werkdb_bronnen, "select * from bron.bevolking_buurt_2024")
    assert bev.columns == ["buurtcode", "inwoners"]
    ruw = pl.read_parquet(DEFAULT_SNAPSHOT_DIR / _bestand("bevolking_buurt_2024"))
    assert bev["inwoners"].sum() == ruw["population"].sum()
    # Figures published in VERIFY.md beside the extract: 319,254 crimes, 50 buurten with 0, and
    # 2,273 codes in the 2024 region list — the other 24 (newer codes) have no name.
    mis = _lees(werkdb_bronnen, "select * from bron.misdrijven_buurt")
    assert mis["geregistreerde_misdrijven"].sum() == 319_254
    assert (mis["geregistreerde_misdrijven"] == 0).sum() == 50
    onbekend = _lees(
        werkdb_bronnen,
        "select bu_code from bron.misdrijven_buurt "
        "except select Key from bron.misdrijven_regio_2024",
    )["bu_code"]
    assert mis.height - onbekend.len() == 2_273
    assert set(onbekend) == set(mis.filter(pl.col("bu_naam").is_null())["bu_code"])
    assert set(mis["soort_misdrijf"]) == {"0.0.0"}


def test_gezondheid_kolommen_leesbaar_waarden_ongewijzigd(werkdb_bronnen: Path) -> None:
    df = _lees(werkdb_bronnen, "select * from bron.gezondheid_rotterdam")
    assert df.columns == list(lezers.GEZONDHEID_KOLOMMEN.values())
    assert all(k.isidentifier() and k == k.lower() for k in df.columns)
    ruw = pl.read_csv(DEFAULT_SNAPSHOT_DIR / _bestand("gezondheid_rotterdam"), infer_schema=False)
    for oud, nieuw in lezers.GEZONDHEID_KOLOMMEN.items():
        waarden = ruw[oud].str.strip_chars()
        if df.schema[nieuw] == pl.Float64:
            # "." (secret/unreliable) is null; every other value is the published number.
            assert df[nieuw].null_count() == (waarden == ".").sum()
            assert df[nieuw].to_list() == [
                None if w == "." else float(w) for w in waarden.to_list()
            ]
        elif nieuw == "jaar":
            assert df[nieuw].to_list() == [int(w) for w in waarden.to_list()]
        else:
            assert df[nieuw].to_list() == waarden.to_list()


def test_buurtgeometrie(werkdb_bronnen: Path) -> None:
    df = _lees(
        werkdb_bronnen, "select bu_code, provincie, geojson from bron.leefbaarometer_buurtgeometrie"
    )
    index = json.loads(
        (DEFAULT_SNAPSHOT_DIR / leefbaarometer.GEOMETRIE_MAP / "index.json").read_text()
    )
    assert df.height == sum(v["n_features"] for v in index.values())
    buurten = set(_lees(werkdb_bronnen, "select bu_code from bron.leefbaarometer_buurt")["bu_code"])
    assert set(df["bu_code"]) == buurten
    geo = json.loads(df["geojson"][0])
    assert geo["type"] in {"Polygon", "MultiPolygon"}


def test_dataproperties_per_tabel(werkdb_bronnen: Path) -> None:
    # One block per table *and release*: the release's DataProperties file (the data file's own
    # in cbs/<id>/, earlier releases in cbs/<id>/release_<datum>/), keyed by its Modified date.
    per_release = {
        (tabel_id, release): n
        for tabel_id, release, n in _lees(
            werkdb_bronnen,
            "select tabel_id, release, count(*) from bron.cbs_dataproperties group by 1, 2",
        ).rows()
    }
    verwacht = {
        (rel.split("/")[1], e.cbs_modified): e.rijen
        for rel, e in SNAP.manifest().items()
        if rel.startswith("cbs/") and rel.endswith("/DataProperties.parquet")
    }
    assert per_release == verwacht
    assert len({t for t, _ in per_release}) < len(per_release)  # a table with two releases
    # Every KWB topic column has its DataProperties row (meaning, unit, reference date).
    kolommen = _lees(werkdb_bronnen, "select * from bron.kwb_2020 limit 0").columns
    keys = set(
        _lees(werkdb_bronnen, "select Key from bron.cbs_dataproperties where tabel_id='84799NED'")[
            "Key"
        ]
    )
    assert set(kolommen) - {"ID"} <= keys


def test_geen_opvulling_in_tekstkolommen(werkdb_bronnen: Path) -> None:
    for tabel in ("kwb_2020", "kwb_2024", "misdrijven_regio_2024", "soort_misdrijf", "ses_woa"):
        df = _lees(werkdb_bronnen, f"select * from bron.{tabel}")
        for k, t in df.schema.items():
            if t == pl.String:
                assert not df[k].str.contains(r"^\s|\s$").any(), f"{tabel}.{k}"


def test_kwb_jaar_niet_in_snapshot_zegt_hoe_op_te_halen() -> None:
    with pytest.raises(NietInSnapshot) as fout:
        cbs.kwb_tabel(SNAP, 2022)
    melding = str(fout.value)
    assert "2022" in melding
    assert "85318NED" in melding  # the registry's id for 2022
    assert "NPLV_ONLINE=1 nplv-monitor ophalen --kwb 2022" in melding


def test_cbs_tabel_niet_in_snapshot() -> None:
    with pytest.raises(NietInSnapshot, match=r"CBS-tabel 85318NED staat niet in het snapshot"):
        cbs.CbsTabel(SNAP, "85318NED").data()
