"""The online rehearsal: real online builds (NPLV_ONLINE=1) against the replay server over HTTP,
serving a test-only KWB table for every registered year (tests/replay/kwb_jaren.py).

a. every registered KWB year is fetched and computed: Nederland's inwoners per year equal the sum
   over the gemeente rows the server sent (summed here with DuckDB);
b. KWB 2024 served as CBS's first release (August 2024, other keys) gives the same indicator values
   as the March 2025 release for every indicator whose variables both releases fill;
c. a registry copy with a year no code knows (2026: 99999NED) is built with no code change.

Each test is a full build (minutes): marked e2e like tests/test_build.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl
import pytest

from nplv_monitor.bronnen import register
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR
from nplv_monitor.definitions import bouw_definitions
from nplv_monitor.indicatoren.catalogus import laad_catalogus
from nplv_monitor.orkestratie.build import Samenvatting, bouw
from tests.bronnen_hulp import kopieer_snapshot, registerkopie
from tests.replay.kwb_jaren import (
    KWB_2024,
    RELEASE_AUGUSTUS,
    RELEASE_MAART,
    kwb_2024_volledig,
    kwb_replay,
)
from tests.replay.server import ReplayServer, _Tabel

pytestmark = pytest.mark.e2e

NIEUW_JAAR, NIEUW_ID = 2026, "99999NED"
PUBLICATIE = "nplv_monitor.duckdb"


@contextmanager
def online(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: ReplayServer, naam: str
) -> Iterator[Path]:
    """NPLV_ONLINE=1 against ``server`` on a fresh copy of the whole shipped snapshot."""
    mappen = sorted(p.name for p in DEFAULT_SNAPSHOT_DIR.iterdir() if p.is_dir())
    kopie = kopieer_snapshot(tmp_path / f"snapshot_{naam}", *mappen)
    with monkeypatch.context() as mp:
        mp.setenv("NPLV_ONLINE", "1")
        mp.setenv("NPLV_CBS_BASIS_URL", server.basis_url)
        mp.setenv("NPLV_SNAPSHOT_DIR", str(kopie))
        mp.setenv("NPLV_OUTPUT_DIR", str(tmp_path / f"output_{naam}"))
        yield tmp_path / f"output_{naam}"


def _bouw(regels: list[str]) -> tuple[Samenvatting, float]:
    start = time.monotonic()
    samenvatting = bouw(definitions=bouw_definitions(), melden=regels.append)
    return samenvatting, time.monotonic() - start


def _kwb_tabellen(samenvatting: Samenvatting) -> dict[str, int]:
    """The KWB tables the build's bron/kwb step wrote (one per year), with their rows."""
    (kwb,) = [s for s in samenvatting.stappen if s.asset == "bron/kwb"]
    return dict(kwb.metadata.get("tabellen") or {kwb.metadata["dagster/table_name"]: kwb.rijen})


def _gemeentesom(tabel: _Tabel) -> int:
    """Inhabitants summed over the gemeente rows the server sends (DuckDB, independent of the
    pipeline)."""
    con = duckdb.connect()
    con.register("d", tabel.sets["TypedDataSet"])
    rij = con.execute(
        "select sum(AantalInwoners_5)::bigint from d where trim(SoortRegio_2) = 'Gemeente'"
    ).fetchone()
    assert rij is not None
    return int(rij[0])


def _nl_inwoners(pad: Path) -> dict[int, float]:
    with duckdb.connect(str(pad), read_only=True) as con:
        rijen = con.sql(
            "select peiljaar, waarde from monitor.indicatorwaarden "
            "where gebied_code = 'NL00' and indicator_code = 'inwoners' and status = 'ok'"
        ).fetchall()
    return {int(j): float(w) for j, w in rijen}


def test_elk_registerjaar_online_gebouwd(
    tmp_path: Path, tmp_output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    regels: list[str] = []
    with kwb_replay() as (server, jaren), online(tmp_path, monkeypatch, server, "alle") as uit:
        assert sorted(jaren) == register.kwb_jaren()
        samenvatting, duur = _bouw(regels)
        gevraagd = {t: server.verzoeken_naar(f"/{t}/TableInfos") for t in jaren.values()}
        verwacht = {j: _gemeentesom(server.tabellen[t]) for j, t in jaren.items()}
    print(f"\nonline build, {len(jaren)} KWB-jaren: {duur:.0f} s")
    assert all(gevraagd.values()), [t for t, v in gevraagd.items() if not v]
    assert set(_kwb_tabellen(samenvatting)) == {f"bron.kwb_{j}" for j in jaren}
    pad = uit / PUBLICATIE
    assert _nl_inwoners(pad) == {j: float(n) for j, n in verwacht.items()}
    with duckdb.connect(str(pad), read_only=True) as con:
        per_jaar = dict(
            con.sql(
                "select peiljaar, count(*) from monitor.indicatorwaarden "
                "where status = 'ok' group by 1"
            ).fetchall()
        )
        kwb_tabellen = {
            r[0]
            for r in con.sql(
                "select table_name from information_schema.tables where table_schema = 'bron' "
                "and table_name like 'kwb\\_%' escape '\\'"
            ).fetchall()
        }
    assert all(per_jaar.get(j, 0) > 0 for j in jaren), per_jaar
    assert {f"kwb_{j}" for j in jaren} <= kwb_tabellen


def _vergelijkbare_indicatoren(pad_a: Path, pad_b: Path, tabel_id: str) -> set[str]:
    """KWB indicators whose teller and (KWB) noemer variables the table fills in both builds."""
    gevuld = []
    for pad in (pad_a, pad_b):
        with duckdb.connect(str(pad), read_only=True) as con:
            gevuld.append(
                {
                    r[0]
                    for r in con.sql(
                        "select variabele from metingen.bronvariabelen "
                        "where tabel_id = ? and gevuld > 0",
                        params=[tabel_id],
                    ).fetchall()
                }
            )
    beide = gevuld[0] & gevuld[1]
    uit = set()
    for i in laad_catalogus().indicatoren:
        if i.bron != "cbs_kwb" or i.teller is None:
            continue
        noemers = [] if i.noemer_bron not in (None, "cbs_kwb") else list(i.noemer)
        if {i.teller, *noemers} <= beide:
            uit.add(i.code)
    return uit


def _indicatorwaarden(pad: Path, tabel_id: str, codes: set[str]) -> pl.DataFrame:
    with duckdb.connect(str(pad), read_only=True) as con:
        return (
            con.sql(
                "select gebied_code, indicator_code, peiljaar, waarde, status "
                "from monitor.indicatorwaarden where bron_tabel = ? "
                "and list_contains(?, indicator_code)",
                params=[tabel_id, sorted(codes)],
            )
            .pl()
            .sort("gebied_code", "indicator_code", "peiljaar")
        )


def _bronsleutel(pad: Path, tabel_id: str, variabele: str) -> str:
    with duckdb.connect(str(pad), read_only=True) as con:
        rij = con.sql(
            # the KWB itself: the gemeenten-and-wijken extract of the same table id keeps the
            # keys of the release it was cut from
            "select distinct bron_variabele from metingen.bronvariabelen "
            "where tabel_id = ? and variabele = ? and bron = 'cbs_kwb'",
            params=[tabel_id, variabele],
        ).fetchall()
    assert len(rij) == 1, rij
    return str(rij[0][0])


def test_release_augustus_zelfde_waarden_als_maart(
    tmp_path: Path, tmp_output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kopie = registerkopie(tmp_path / "bronnen.yaml", houd={2020, 2024})
    monkeypatch.setenv("NPLV_BRONNENREGISTER", str(kopie))
    uitvoer = {}
    for release in (RELEASE_MAART, RELEASE_AUGUSTUS):
        with (
            kwb_replay(release_2024=release) as (server, jaren),
            online(tmp_path, monkeypatch, server, release) as uit,
        ):
            assert jaren[2024] == KWB_2024
            _bouw([])
            assert server.verzoeken_naar(f"/{KWB_2024}/TypedDataSet")
        uitvoer[release] = uit / PUBLICATIE
    maart, augustus = uitvoer[RELEASE_MAART], uitvoer[RELEASE_AUGUSTUS]
    # The August build really read the August keys.
    assert _bronsleutel(maart, KWB_2024, "oppervlakte_land") == "OppervlakteLand_123"
    assert _bronsleutel(augustus, KWB_2024, "oppervlakte_land") == "OppervlakteLand_113"
    codes = _vergelijkbare_indicatoren(maart, augustus, KWB_2024)
    assert {"inwoners", "woningvoorraad", "bevolkingsdichtheid"} <= codes
    a = _indicatorwaarden(maart, KWB_2024, codes)
    b = _indicatorwaarden(augustus, KWB_2024, codes)
    print(f"\n{len(codes)} indicatoren vergeleken, {a.height} rijen")
    assert a.height > 0
    assert a.select("gebied_code", "indicator_code", "peiljaar", "status").equals(
        b.select("gebied_code", "indicator_code", "peiljaar", "status")
    )
    verschil = a.join(b, on=["gebied_code", "indicator_code", "peiljaar"]).filter(
        (pl.col("waarde") - pl.col("waarde_right")).abs()
        > 1e-9 * pl.max_horizontal(pl.col("waarde").abs(), pl.lit(1.0))
    )
    assert verschil.is_empty(), verschil.head(10)


def test_nieuw_registerjaar_zonder_codewijziging(
    tmp_path: Path, tmp_output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kopie = registerkopie(
        tmp_path / "bronnen.yaml", houd={2020, 2024}, extra={NIEUW_JAAR: NIEUW_ID}
    )
    monkeypatch.setenv("NPLV_BRONNENREGISTER", str(kopie))
    with kwb_replay() as (server, jaren), online(tmp_path, monkeypatch, server, "nieuw") as uit:
        assert jaren.get(NIEUW_JAAR) == NIEUW_ID
        assert server.tabellen[NIEUW_ID].info["Title"].startswith("TESTDATA:")
        samenvatting, _ = _bouw([])
        assert server.verzoeken_naar(f"/{NIEUW_ID}/TypedDataSet")
        kwb_tabellen = _kwb_tabellen(samenvatting)
        verwacht = _gemeentesom(kwb_2024_volledig(NIEUW_JAAR, NIEUW_ID))
    assert f"bron.kwb_{NIEUW_JAAR}" in kwb_tabellen
    pad = uit / PUBLICATIE
    assert _nl_inwoners(pad)[NIEUW_JAAR] == float(verwacht)
    with duckdb.connect(str(pad), read_only=True) as con:
        rijen = con.sql(f"select count(*) from bron.kwb_{NIEUW_JAAR}").fetchall()[0][0]
        ok = con.sql(
            "select count(*) from monitor.indicatorwaarden where bron_tabel = ? and status = 'ok'",
            params=[NIEUW_ID],
        ).fetchall()[0][0]
    assert rijen == server.tabellen[NIEUW_ID].info["RecordCount"]
    assert ok > 0
