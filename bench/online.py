"""Benchmark: online ingestion of KWB 2020 (84799NED, 17,341 rows) against the replay server with
a realistic latency per request, through the client (cbsodata paging: one page after the other)
and — what concurrency would give — the same TypedDataSet pages fetched concurrently.

    .venv/bin/python bench/online.py [--latentie 0.1] [--pagina 1000] [--runs 3] [--workers 4 8]

The client (nplv_monitor.bronnen.cbs_client.ververs_tabel) does not fetch pages concurrently:
cbsodata follows odata.nextLink one page at a time, and its settings are module globals (calls are
serialised). So the concurrent figure is measured with plain requests over the same URLs
(``$skip``/``$top`` per page, page count from ``$count``), rows checked equal to the sequential
download. Latency is injected by the replay server (fault kind ``traag`` on every request).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meting import machine  # noqa: E402

from nplv_monitor.bronnen.cbs_client import ververs_tabel  # noqa: E402
from nplv_monitor.bronnen.snapshot import Snapshot  # noqa: E402
from tests.replay.server import ReplayServer, Storing  # noqa: E402

KWB2020 = "84799NED"


def _pagina(url: str) -> list[dict[str, object]]:
    r = requests.get(url, timeout=60)
    r.raise_for_status()
    return list(r.json()["value"])


def sequentieel_ruw(basis: str) -> tuple[int, int]:
    """Follow odata.nextLink one page after the other (what cbsodata does), plain requests."""
    url: str | None = f"{basis}TypedDataSet?$format=json"
    rijen, paginas = 0, 0
    while url:
        r = requests.get(url, timeout=60)
        r.raise_for_status()
        d = r.json()
        rijen += len(d["value"])
        paginas += 1
        url = d.get("odata.nextLink")
    return rijen, paginas


def gelijktijdig(basis: str, pagina: int, workers: int) -> tuple[int, int]:
    n = int(requests.get(f"{basis}TypedDataSet/$count", timeout=60).text)
    urls = [
        f"{basis}TypedDataSet?$format=json&$skip={s}&$top={pagina}" for s in range(0, n, pagina)
    ]
    with ThreadPoolExecutor(workers) as pool:
        delen = list(pool.map(_pagina, urls))
    rijen = [r for d in delen for r in d]
    assert len(rijen) == n, "aantal rijen klopt niet"
    assert [r["ID"] for r in rijen] == list(range(n)), "pagina's in de verkeerde volgorde"
    return len(rijen), len(urls)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--latentie", type=float, default=0.1)
    ap.add_argument("--pagina", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, nargs="+", default=[4, 8])
    args = ap.parse_args()
    print(machine())
    bron = Snapshot()
    print(f"latentie {args.latentie * 1000:.0f} ms per verzoek, pagina {args.pagina} rijen")
    tmp = Path(tempfile.mkdtemp(prefix="nplv-bench-online-"))
    try:
        with ReplayServer(bron, [KWB2020], pagina=args.pagina) as srv:
            srv.storingen.append(Storing("traag", "/", aantal=None, vertraging_s=args.latentie))
            basis = srv.url(f"/opendata.cbs.nl/ODataFeed/odata/{KWB2020}/")
            client, verzoeken = [], 0
            for i in range(args.runs):
                snap = tmp / f"s{i}"
                snap.mkdir()
                shutil.copyfile(bron.manifest_pad, snap / "manifest.json")
                voor = len(srv.verzoeken)
                t = time.perf_counter()
                res = ververs_tabel(
                    KWB2020, Snapshot(snap), basis_url=srv.basis_url, forceer=True, wacht_s=0.1
                )
                client.append(time.perf_counter() - t)
                verzoeken = len(srv.verzoeken) - voor
                assert res.rijen == 17_341
            seq = []
            for _ in range(args.runs):
                t = time.perf_counter()
                rijen, paginas = sequentieel_ruw(basis)
                seq.append(time.perf_counter() - t)
            print(
                f"client ververs_tabel (hele tabel, {verzoeken} verzoeken): "
                f"mediaan {statistics.median(client):6.2f} s"
            )
            print(
                f"TypedDataSet sequentieel via nextLink ({paginas} pagina's, {rijen} rijen): "
                f"mediaan {statistics.median(seq):6.2f} s"
            )
            for w in args.workers:
                par = []
                for _ in range(args.runs):
                    t = time.perf_counter()
                    rijen, paginas = gelijktijdig(basis, args.pagina, w)
                    par.append(time.perf_counter() - t)
                print(
                    f"TypedDataSet gelijktijdig, {w} workers ({paginas} pagina's): mediaan "
                    f"{statistics.median(par):6.2f} s  ({statistics.median(seq) / statistics.median(par):.1f}× sneller)"
                )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
