"""A local CBS OData v3 replay server, built from the project's snapshot (test infrastructure).

It serves, on 127.0.0.1 and a free port, the same URL layout as opendata.cbs.nl and
dataderden.cbs.nl, each catalogue under its own prefix so one server can play both:

    /<catalogus>/ODataCatalog/Tables                      the table catalogue
    /<catalogus>/ODataFeed/odata/<id>/                    service document (entity sets)
    /<catalogus>/ODataFeed/odata/<id>/<EntitySet>         paged with odata.nextLink
    /<catalogus>/ODataFeed/odata/<id>/<EntitySet>/$count  plain-text row count
    /<catalogus>/ODataApi/odata/<id>/<EntitySet>          at most 10,000 rows, no nextLink (as CBS)
    /bestanden/<naam>                                     static downloads (e.g. a zip)

Every response is built from the snapshot's own files (TableInfos.json and one Parquet per entity
set); dimension keys are padded to their fixed width as CBS pads them. Faults are injected per
path with ``Storing`` and every request is logged, so tests can assert what the client asked for.
"""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import polars as pl

from nplv_monitor.bronnen import register
from nplv_monitor.bronnen.snapshot import Snapshot

API_LIMIET = 10_000
FEED_PAGINA = 10_000
_METADATA_SETS = {"TableInfos", "DataProperties", "TypedDataSet"}


@dataclass
class Storing:
    """A fault on every request whose path contains ``pad_bevat`` (``aantal`` times; None = always).

    soort: "500" (server error), "verbreek" (close the connection without an answer),
    "traag" (answer only after ``vertraging_s``), "geen_json" (an HTML maintenance page),
    "afkappen" (the feed answers like the ODataApi: first 10,000 rows, no nextLink),
    "429"/"503" (that HTTP status), "json_kapot" (JSON cut off mid-object, as application/json),
    "halverwege" (status and Content-Length sent, then half the body and the connection closed),
    "lus" (the page's odata.nextLink points at the page itself), "pagina_kort" (the page lacks
    its last row but the nextLink still moves on), "trickle" (status, headers and Content-Length
    at once, then the body one byte per ``interval_s``: every read is within a socket timeout,
    the whole answer takes for ever).
    """

    soort: str
    pad_bevat: str
    aantal: int | None = 1
    vertraging_s: float = 5.0
    interval_s: float = 0.5


@dataclass(frozen=True)
class Verzoek:
    pad: str
    query: str
    antwoord: str  # "ok", the fault soort, or the HTTP status


@dataclass
class _Tabel:
    tabel_id: str
    catalogus: str
    info: dict[str, Any]
    sets: dict[str, pl.DataFrame]


def _pad_sleutels(sets: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Pad every dimension's Key, and that column in the TypedDataSet, to the dimension's width."""
    uit = dict(sets)
    data = uit.get("TypedDataSet")
    for naam, df in sets.items():
        if naam in _METADATA_SETS or "Key" not in df.columns or df.height == 0:
            continue
        breedte = int(df["Key"].str.len_chars().max() or 0)  # type: ignore[arg-type]
        uit[naam] = df.with_columns(pl.col("Key").str.pad_end(breedte))
        # In some shipped copies the downloader replaced keys by titles: leave those alone.
        if (
            data is not None
            and naam in data.columns
            and data[naam].str.strip_chars().is_in(df["Key"].str.strip_chars()).all()
        ):
            data = data.with_columns(pl.col(naam).str.pad_end(breedte))
    if data is not None:
        uit["TypedDataSet"] = data
    return uit


def laad_tabel(snapshot: Snapshot, tabel_id: str) -> _Tabel:
    """A table as CBS would serve it, from ``cbs/<id>/`` in the snapshot (hashes verified)."""
    ds = f"cbs/{tabel_id}"
    info = snapshot.json(f"{ds}/TableInfos.json")
    sets: dict[str, pl.DataFrame] = {}
    for b in snapshot.bestanden(ds):
        naam = Path(b.pad).stem
        # Only the table's own folder: a subfolder holds another release's metadata
        # (cbs/85984NED/release_2024-08/DataProperties.parquet), not this table's entity sets.
        eigen = Path(b.pad).parent.as_posix() == ds
        if eigen and b.pad.endswith(".parquet") and not naam.startswith("extract_"):
            sets[naam] = snapshot.parquet(b.pad)
    return _Tabel(tabel_id, register.tabel(tabel_id).catalogus, info, _pad_sleutels(sets))


class ReplayServer:
    """The server; use as a context manager or call start()/stop()."""

    def __init__(
        self,
        snapshot: Snapshot,
        tabel_ids: list[str],
        *,
        pagina: int = FEED_PAGINA,
    ) -> None:
        self.tabellen = {t: laad_tabel(snapshot, t) for t in tabel_ids}
        self.pagina = pagina
        self.storingen: list[Storing] = []
        self.modified: dict[
            str, str
        ] = {}  # tabel_id -> Modified to serve instead of the snapshot's
        self.bestanden: dict[str, bytes] = {}  # /bestanden/<naam> -> content
        self.verzoeken: list[Verzoek] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    # -- lifecycle ---------------------------------------------------------------------
    @property
    def poort(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def basis_url(self) -> str:
        """Base URL template for nplv-monitor (``NPLV_CBS_BASIS_URL``)."""
        return f"http://127.0.0.1:{self.poort}/{{catalogus}}"

    def url(self, pad: str) -> str:
        return f"http://127.0.0.1:{self.poort}{pad}"

    def start(self) -> ReplayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # releases slow answers that are still waiting
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- test helpers ------------------------------------------------------------------
    def verzoeken_naar(self, deel: str) -> list[Verzoek]:
        with self._lock:
            return [v for v in self.verzoeken if deel in v.pad]

    def _storing_voor(self, pad: str) -> Storing | None:
        with self._lock:
            for s in self.storingen:
                if s.pad_bevat in pad and (s.aantal is None or s.aantal > 0):
                    if s.aantal is not None:
                        s.aantal -= 1
                    return s
        return None

    def _log(self, pad: str, query: str, antwoord: str) -> None:
        with self._lock:
            self.verzoeken.append(Verzoek(pad, query, antwoord))


def _handler(server: ReplayServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # the request log is ReplayServer.verzoeken

        def _stuur(self, status: int, inhoud: bytes, soort: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", soort)
            self.send_header("Content-Length", str(len(inhoud)))
            self.end_headers()
            self.wfile.write(inhoud)

        def _fout(self, status: int, melding: str, pad: str, query: str) -> None:
            server._log(pad, query, str(status))
            self._stuur(status, json.dumps({"odata.error": melding}).encode(), "application/json")

        def do_GET(self) -> None:
            delen = urlsplit(self.path)
            pad, query = delen.path, delen.query
            storing = server._storing_voor(pad)
            if storing is not None:
                server._log(pad, query, storing.soort)
                if storing.soort == "500":
                    self._stuur(500, b"Internal Server Error", "text/plain")
                    return
                if storing.soort == "verbreek":
                    self.close_connection = True
                    return  # no status line: the client sees a dropped connection
                if storing.soort == "geen_json":
                    self._stuur(200, b"<html><body>Onderhoud</body></html>", "text/html")
                    return
                if storing.soort == "traag":
                    server._stop.wait(storing.vertraging_s)
                if storing.soort in {"429", "503"}:
                    self._stuur(int(storing.soort), b"Probeer het later opnieuw", "text/plain")
                    return
                if storing.soort == "json_kapot":
                    self._stuur(200, b'{"odata.metadata": "x", "value": [{"ID": 0, "Ke')
                    return
            try:
                status, inhoud, soort = self._beantwoord(pad, parse_qs(query), storing)
            except _NietGevonden as exc:
                self._fout(404, str(exc), pad, query)
                return
            if storing is None:
                server._log(pad, query, "ok")
            if storing is not None and storing.soort == "halverwege":
                self.send_response(status)
                self.send_header("Content-Type", soort)
                self.send_header("Content-Length", str(len(inhoud)))
                self.end_headers()
                self.wfile.write(inhoud[: len(inhoud) // 2])
                self.close_connection = True
                return
            if storing is not None and storing.soort == "trickle":
                self._trickle(status, inhoud, soort, storing.interval_s)
                return
            # The client may have given up (its timeout): nothing to do then.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._stuur(status, inhoud, soort)

        def _trickle(self, status: int, inhoud: bytes, soort: str, interval_s: float) -> None:
            """Headers at once, then one byte per ``interval_s`` until the body is sent, the
            client hangs up or the server stops (so the loop is bounded either way)."""
            self.close_connection = True
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.send_response(status)
                self.send_header("Content-Type", soort)
                self.send_header("Content-Length", str(len(inhoud)))
                self.end_headers()
                for i in range(len(inhoud)):
                    if server._stop.wait(interval_s):
                        return
                    self.wfile.write(inhoud[i : i + 1])
                    self.wfile.flush()

        def _beantwoord(
            self, pad: str, q: dict[str, list[str]], storing: Storing | None
        ) -> tuple[int, bytes, str]:
            delen = [d for d in pad.split("/") if d]
            if len(delen) == 2 and delen[0] == "bestanden" and delen[1] in server.bestanden:
                return 200, server.bestanden[delen[1]], "application/zip"
            if len(delen) < 3:
                raise _NietGevonden(pad)
            catalogus, dienst = delen[0], delen[1]
            if dienst == "ODataCatalog" and delen[2:] == ["Tables"]:
                return 200, _json(self._catalogus(catalogus)), "application/json"
            if (
                dienst not in {"ODataFeed", "ODataApi"}
                or len(delen) < 4
                or delen[2].lower() != "odata"
            ):
                raise _NietGevonden(pad)
            tabel = server.tabellen.get(delen[3])
            if tabel is None or tabel.catalogus != catalogus:
                raise _NietGevonden(f"tabel {delen[3]} niet in catalogus {catalogus}")
            basis = f"http://127.0.0.1:{server.poort}/{catalogus}/{dienst}/odata/{tabel.tabel_id}/"
            if len(delen) == 4:
                namen = ["TableInfos", *sorted(n for n in tabel.sets if n != "DataProperties")]
                namen.insert(2 if "TypedDataSet" in tabel.sets else 1, "DataProperties")
                return (
                    200,
                    _json(
                        {
                            "odata.metadata": basis + "$metadata",
                            "value": [{"name": n, "url": basis + n} for n in namen],
                        }
                    ),
                    "application/json",
                )
            naam = delen[4]
            if naam == "TableInfos":
                info = dict(tabel.info)
                if tabel.tabel_id in server.modified:
                    info["Modified"] = server.modified[tabel.tabel_id]
                return (
                    200,
                    _json(
                        {
                            "odata.metadata": basis + "$metadata#Cbs.OData.WebAPI.TableInfos",
                            "value": [info],
                        }
                    ),
                    "application/json",
                )
            df = tabel.sets.get(naam)
            if df is None:
                raise _NietGevonden(f"entiteit {naam} van {tabel.tabel_id}")
            if delen[5:] == ["$count"]:
                return 200, str(df.height).encode(), "text/plain"
            if delen[5:]:
                raise _NietGevonden(pad)
            if "$filter" in q or "$select" in q:
                # Not implemented: silently ignoring a filter would return wrong rows.
                return (
                    501,
                    b'{"odata.error": "$filter/$select niet ondersteund door de replay-server"}',
                    "application/json",
                )
            skip = int(q.get("$skip", ["0"])[0])
            top = int(q["$top"][0]) if "$top" in q else None
            api = dienst == "ODataApi" or (storing is not None and storing.soort == "afkappen")
            grootte = API_LIMIET if api else server.pagina
            if top is not None:
                grootte = min(grootte, top)
            blok = df.slice(skip, grootte)
            volgende = None
            if not api and skip + grootte < df.height and (top is None or top > grootte):
                volgende = f"{basis}{naam}?$format=json&$skip={skip + grootte}"
            if storing is not None and storing.soort == "lus":
                volgende = f"{basis}{naam}?$format=json&$skip={skip}"
            if storing is not None and storing.soort == "pagina_kort":
                blok = blok.head(max(blok.height - 1, 0))
            rijen = blok.write_json() if blok.height else "[]"
            kop = json.dumps(basis + f"$metadata#Cbs.OData.WebAPI.{naam}")
            tekst = '{"odata.metadata":' + kop + ',"value":' + rijen
            if volgende is not None:
                tekst += ',"odata.nextLink":' + json.dumps(volgende)
            return 200, (tekst + "}").encode("utf-8"), "application/json"

        def _catalogus(self, catalogus: str) -> dict[str, Any]:
            rijen = []
            for t in server.tabellen.values():
                if t.catalogus != catalogus:
                    continue
                basis = f"http://127.0.0.1:{server.poort}/{catalogus}"
                rijen.append(
                    {
                        "Identifier": t.tabel_id,
                        "Title": t.info.get("Title"),
                        "Modified": server.modified.get(t.tabel_id, t.info.get("Modified")),
                        "Catalog": t.info.get("Catalog"),
                        "ApiUrl": f"{basis}/ODataApi/OData/{t.tabel_id}",
                        "FeedUrl": f"{basis}/ODataFeed/OData/{t.tabel_id}",
                        "RecordCount": t.sets["TypedDataSet"].height
                        if "TypedDataSet" in t.sets
                        else None,
                    }
                )
            return {"odata.metadata": "$metadata#Cbs.OData.WebAPI.Tables", "value": rijen}

    return Handler


class _NietGevonden(Exception):
    """The request names a table or entity set the replay server does not serve (HTTP 404)."""


def _json(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")
