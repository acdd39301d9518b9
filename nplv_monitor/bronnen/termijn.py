"""Wall-clock deadlines for online fetches: one per request attempt and one per table (or download).

requests' ``timeout`` bounds each socket operation, not the whole answer: a server that sends one
byte every few seconds, each within the timeout, keeps a download alive forever. ``TermijnAdapter``
is a requests transport adapter that gives every request a deadline: ``verzoek_s`` from the moment
it is sent, but never later than the end of the whole fetch (``tabel_s`` from its first request,
retries included). It sends with ``stream=True`` and reads the body itself, one socket read at a
time (``read1``), with each read's socket timeout capped at the time left, so no read can outlast
the deadline; past it, ``TermijnVerstreken`` (a ``requests.Timeout``) names the URL. The body is
then put on the response as if requests had read it, so callers (cbsodata's ``r.text``, ``.json()``)
do not change. Redirects pass through the adapter too, each with its own deadline.

The body is read undecoded and decoded afterwards: decoding while reading would let a compressed
stream that decodes to nothing keep a single read going.

Configuration: the constructor arguments of the callers (``CbsVerbinding``,
``download_leefbaarometer``) or the environment variables ``NPLV_ONLINE_TERMIJN_VERZOEK_S`` and
``NPLV_ONLINE_TERMIJN_TABEL_S``; defaults 300 s per request and 3600 s per table.
"""

from __future__ import annotations

import io
import os
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError, SSLError

from nplv_monitor.errors import BronFout

TERMIJN_VERZOEK_ENV = "NPLV_ONLINE_TERMIJN_VERZOEK_S"
TERMIJN_TABEL_ENV = "NPLV_ONLINE_TERMIJN_TABEL_S"
STANDAARD_TERMIJN_VERZOEK_S = 300.0  # one page or one file: minutes even on a slow line
STANDAARD_TERMIJN_TABEL_S = 3600.0  # every page and entity set of a table, retries included
_BLOK = 64 * 1024


def termijn_uit_omgeving(naam: str, standaard: float) -> float:
    """Seconds from environment variable ``naam`` (``standaard`` when unset); BronFout if invalid."""
    tekst = os.environ.get(naam, "").strip()
    if not tekst:
        return standaard
    try:
        waarde = float(tekst)
    except ValueError:
        waarde = float("nan")
    if not waarde > 0 or waarde == float("inf"):
        raise BronFout(f"{naam}={tekst!r}: verwacht een positief aantal seconden.")
    return waarde


class TermijnVerstreken(requests.exceptions.Timeout):
    """The answer to ``url`` was not complete within its deadline (per request or per table)."""

    def __init__(self, url: str, soort: Literal["verzoek", "tabel"], termijn_s: float) -> None:
        wat = "per verzoek" if soort == "verzoek" else "voor de hele tabel of download"
        super().__init__(
            f"{url}: geen volledig antwoord binnen de termijn van {termijn_s:g} s {wat}"
        )
        self.url = url
        self.soort = soort
        self.termijn_s = termijn_s


@dataclass
class Termijnen:
    """The two deadlines of one fetch; the fetch's clock starts at its first request."""

    verzoek_s: float = field(
        default_factory=lambda: termijn_uit_omgeving(
            TERMIJN_VERZOEK_ENV, STANDAARD_TERMIJN_VERZOEK_S
        )
    )
    tabel_s: float = field(
        default_factory=lambda: termijn_uit_omgeving(TERMIJN_TABEL_ENV, STANDAARD_TERMIJN_TABEL_S)
    )
    _einde: float | None = None  # time.monotonic() at which the whole fetch must be done

    def __post_init__(self) -> None:
        for naam, waarde in (("verzoek_s", self.verzoek_s), ("tabel_s", self.tabel_s)):
            if not waarde > 0:
                raise BronFout(f"Termijn {naam} moet positief zijn, niet {waarde}.")

    def start(self) -> float:
        """The end of the whole fetch (monotonic clock), starting its clock on the first call."""
        if self._einde is None:
            self._einde = time.monotonic() + self.tabel_s
        return self._einde

    def over_voor_tabel(self) -> float:
        """Seconds left for the whole fetch (the full ``tabel_s`` before its first request)."""
        return self.tabel_s if self._einde is None else self._einde - time.monotonic()


@dataclass(frozen=True)
class _Deadline:
    url: str
    einde: float
    soort: Literal["verzoek", "tabel"]
    termijn_s: float

    @staticmethod
    def voor(url: str, termijnen: Termijnen) -> _Deadline:
        tabel_einde = termijnen.start()
        verzoek_einde = time.monotonic() + termijnen.verzoek_s
        if tabel_einde <= verzoek_einde:
            return _Deadline(url, tabel_einde, "tabel", termijnen.tabel_s)
        return _Deadline(url, verzoek_einde, "verzoek", termijnen.verzoek_s)

    def over(self) -> float:
        """Seconds left; TermijnVerstreken when none are."""
        over = self.einde - time.monotonic()
        if over <= 0:
            raise self.verstreken()
        return over

    def verstreken(self) -> TermijnVerstreken:
        return TermijnVerstreken(self.url, self.soort, self.termijn_s)


def _begrens(timeout: Any, over: float) -> tuple[float, float]:
    """requests' timeout (float, (connect, read) or None) with both parts capped at ``over``."""
    if isinstance(timeout, tuple):
        verbind, lees = timeout
    elif isinstance(timeout, urllib3.Timeout):
        verbind, lees = timeout.connect_timeout, timeout.read_timeout
        verbind = verbind if isinstance(verbind, int | float) else None
        lees = lees if isinstance(lees, int | float) else None
    else:
        verbind = lees = timeout
    return (
        over if verbind is None else min(float(verbind), over),
        over if lees is None else min(float(lees), over),
    )


def _lees_lichaam(r: requests.Response, deadline: _Deadline, lees_s: float | None) -> bytes:
    """The undecoded body of a streamed response, read before ``deadline`` or TermijnVerstreken."""
    raw = r.raw
    delen: list[bytes] = []
    while True:
        over = deadline.over()
        sock = getattr(getattr(raw, "connection", None), "sock", None)
        if sock is not None:
            # Cap this one read: a trickling server never gets past the deadline.
            sock.settimeout(over if lees_s is None else min(lees_s, over))
        try:
            deel = raw.read1(_BLOK, decode_content=False)
        except ReadTimeoutError as exc:
            if deadline.einde <= time.monotonic():
                raise deadline.verstreken() from exc
            raise requests.exceptions.ReadTimeout(exc, request=r.request, response=r) from exc
        except ProtocolError as exc:  # as requests' iter_content maps them
            raise requests.exceptions.ChunkedEncodingError(exc) from exc
        except SSLError as exc:
            raise requests.exceptions.SSLError(exc, request=r.request) from exc
        if not deel:
            return b"".join(delen)
        delen.append(deel)


def _decodeer(r: requests.Response, data: bytes) -> bytes:
    """Undo Content-Encoding (gzip, deflate, ...) as urllib3 would have while reading."""
    if not r.headers.get("Content-Encoding", "").strip() or not data:
        return data
    try:
        return urllib3.HTTPResponse(
            body=io.BytesIO(data),
            headers=r.raw.headers,
            status=r.status_code,
            preload_content=True,
            decode_content=True,
        ).data
    except DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(exc, request=r.request) from exc


class TermijnAdapter(HTTPAdapter):
    """A requests adapter that reads every answer completely within its deadline."""

    def __init__(self, termijnen: Termijnen) -> None:
        super().__init__()
        self.termijnen = termijnen

    def send(  # type: ignore[override]
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        **kw: Any,
    ) -> requests.Response:
        deadline = _Deadline.voor(request.url or "", self.termijnen)
        verbind_s, lees_s = _begrens(timeout, deadline.over())
        try:
            r = super().send(request, stream=True, timeout=(verbind_s, lees_s), **kw)
        except requests.exceptions.Timeout as exc:
            # The connect/read timeout was capped at the time left: it may be the deadline firing.
            if deadline.einde <= time.monotonic():
                raise deadline.verstreken() from exc
            raise
        try:
            r._content = _decodeer(r, _lees_lichaam(r, deadline, lees_s))
        finally:
            r.close()  # a body not read to the end must not go back to the pool
        r._content_consumed = True  # type: ignore[attr-defined]  # iter_content reuses _content
        return r
