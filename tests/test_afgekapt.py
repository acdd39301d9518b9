"""Truncation detection of a CBS download, without network (fast; the file behind the mutation
run of the truncation checks in nplv_monitor/bronnen/cbs_client.py, see docs/ontwikkelaars.md
"Mutatietests").

The ODataApi returns at most 10,000 rows per query: a TypedDataSet of exactly that size, or of
fewer rows than the table's RecordCount, is a cut-off download. ``_controleer_volledig`` refuses
such a fetch; ``_volledig_in_snapshot`` decides whether the snapshot's copy is complete enough to
skip a fetch when Modified is unchanged.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from nplv_monitor.bronnen.cbs_client import (
    ODATA_API_LIMIET,
    _controleer_volledig,
    _volledig_in_snapshot,
)
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.errors import BronFout

URL = "https://opendata.cbs.nl/ODataApi/odata/85984NED/TypedDataSet"
TABEL = "85984NED"
REL = f"cbs/{TABEL}/TypedDataSet.parquet"


def test_de_limiet_is_die_van_de_odataapi() -> None:
    assert ODATA_API_LIMIET == 10_000


@pytest.mark.parametrize("verwacht", [None, 9_000, 10_000, 20_000])
def test_precies_de_limiet_is_afgekapt(verwacht: int | None) -> None:
    # also when RecordCount says 10,000: the cap itself cannot be told from a complete table
    with pytest.raises(BronFout) as fout:
        _controleer_volledig(TABEL, 10_000, verwacht, URL)
    assert str(fout.value) == (
        f"85984NED: de TypedDataSet ({URL}) heeft precies 10,000 rijen — de limiet van de "
        "ODataApi, dus vrijwel zeker afgekapt. Niets geschreven; haal de tabel via de ODataFeed "
        "(paginering met odata.nextLink) op."
    )


@pytest.mark.parametrize(("n", "verwacht"), [(12_344, 12_345), (0, 1), (9_999, 14_000)])
def test_minder_rijen_dan_recordcount_is_afgekapt(n: int, verwacht: int) -> None:
    with pytest.raises(BronFout) as fout:
        _controleer_volledig(TABEL, n, verwacht, URL)
    assert str(fout.value) == (
        f"85984NED: de TypedDataSet ({URL}) heeft {n:,} rijen, maar de tabel heeft er "
        f"{verwacht:,} (RecordCount/$count). Afgekapte download geweigerd; niets geschreven."
    )


def test_melding_met_duizendtallen() -> None:
    with pytest.raises(BronFout, match=r"heeft 12,344 rijen, maar de tabel heeft er 12,345 "):
        _controleer_volledig(TABEL, 12_344, 12_345, URL)


@pytest.mark.parametrize(
    ("n", "verwacht"),
    [(9_999, None), (10_001, None), (12_345, 12_345), (12_346, 12_345), (0, None), (0, 0)],
)
def test_volledige_download_wordt_aanvaard(n: int, verwacht: int | None) -> None:
    _controleer_volledig(TABEL, n, verwacht, URL)  # raises nothing


# -- _volledig_in_snapshot ------------------------------------------------------------------------


def _snapshot(
    map_: Path, rijen: int | None, *, inhoud: bytes = b"parquet", hash_: bytes | None = None
) -> Snapshot:
    """A snapshot holding only this table's TypedDataSet, with ``rijen`` in its manifest entry
    (the file's content is not read: only its hash and the manifest's count matter here)."""
    pad = map_ / REL
    pad.parent.mkdir(parents=True)
    pad.write_bytes(inhoud)
    entry = {
        "pad": REL,
        "dataset": f"cbs/{TABEL}",
        "uitgever": "CBS",
        "bron": TABEL,
        "licentie": "CC BY 4.0",
        "opgehaald": "2026-11-30",
        "rijen": rijen,
        "sha256": hashlib.sha256(hash_ if hash_ is not None else inhoud).hexdigest(),
    }
    (map_ / "manifest.json").write_text(json.dumps({"bestanden": [entry]}), encoding="utf-8")
    return Snapshot(map_)


@pytest.mark.parametrize(
    ("rijen", "verwacht", "volledig"),
    [
        (12_345, 12_345, True),
        (12_346, 12_345, True),
        (12_344, 12_345, False),  # fewer rows than RecordCount
        (9_999, None, True),
        (10_001, None, True),
        (10_000, None, False),  # exactly the cap
        (10_000, 10_000, False),
        (None, None, False),  # count unknown: cannot be trusted as complete
        (None, 5, False),
        (0, None, True),
    ],
)
def test_volledig_in_snapshot_volgens_het_manifest(
    tmp_path: Path, rijen: int | None, verwacht: int | None, volledig: bool
) -> None:
    assert _volledig_in_snapshot(_snapshot(tmp_path, rijen), TABEL, verwacht) is volledig


def test_niet_in_snapshot_is_niet_volledig(tmp_path: Path) -> None:
    snap = _snapshot(tmp_path, 5)
    assert _volledig_in_snapshot(snap, "83765NED", None) is False
    assert _volledig_in_snapshot(snap, TABEL, None) is True


def test_gewijzigd_of_ontbrekend_bestand_is_niet_volledig(tmp_path: Path) -> None:
    # the manifest's count is fine, but the file does not match its hash: fetch it again
    assert _volledig_in_snapshot(_snapshot(tmp_path / "a", 5, hash_=b"anders"), TABEL, 5) is False
    snap = _snapshot(tmp_path / "b", 5)
    (tmp_path / "b" / REL).unlink()
    assert _volledig_in_snapshot(snap, TABEL, 5) is False
