"""The network side of the online CBS path: cbsodata with a timeout, retries and clear errors.

cbsodata 1.3.5 opens a fresh ``requests.Session`` per page, has no timeout and no retries, always
talks to ``https://<catalog_url>``, and turns a non-JSON answer into a bare ``JSONDecodeError``
without the URL. Rather than re-implementing its OData paging we keep its own code path and give
it, for the duration of one call:

- our session class as its session factory (``cbsodata.cbsodata3.Session``): it records every URL
  it sends (so an error can name the page that failed) and bypasses proxies for hosts in
  ``no_proxy`` (cbsodata passes the env proxies explicitly, which skips requests' own check);
- ``timeout=`` through cbsodata's ``**kwargs`` (they reach ``Session.send``);
- ``options.use_https`` from the base URL, so a mirror or the replay server on plain HTTP works;
- tenacity retries with exponential backoff around each entity-set download, on connection errors,
  timeouts and HTTP 5xx. A retry restarts that entity set from its first page, so no page is
  counted twice;
- wall-clock deadlines (``termijn.TermijnAdapter`` mounted on that session): every request must be
  answered completely within ``termijn_verzoek_s`` (a server trickling bytes, each within the
  socket timeout, is cut off and retried), and the whole table — all pages and entity sets,
  retries and backoff included — within ``termijn_tabel_s``, counted from its first request. One
  ``CbsVerbinding`` is one table (as ``cbs_client.ververs_tabel`` uses it).

Those cbsodata settings are module globals, so calls are serialised with a lock.

The base URL: ``https://{catalogus}`` by default (opendata.cbs.nl or dataderden.cbs.nl). A mirror is
given as a template with ``{catalogus}`` (``http://127.0.0.1:8080/{catalogus}``) or as a plain URL
that then serves every catalogue; the environment variable ``NPLV_CBS_BASIS_URL`` sets it.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

import cbsodata
import cbsodata.cbsodata3 as _cbsodata3
import requests
import tenacity
from requests.utils import should_bypass_proxies

from nplv_monitor.bronnen.termijn import TermijnAdapter, Termijnen, TermijnVerstreken
from nplv_monitor.errors import BronFout

BASIS_URL_ENV = "NPLV_CBS_BASIS_URL"
STANDAARD_BASIS_URL = "https://{catalogus}"
STANDAARD_TIMEOUT_S = 60.0
STANDAARD_POGINGEN = 4
STANDAARD_WACHT_S = 2.0  # first backoff; doubles per attempt (2, 4, 8 s), capped at 60 s

_CBSODATA_LOCK = threading.Lock()
T = TypeVar("T")


class _TijdelijkeFout(Exception):
    """A failure worth retrying (connection, timeout, 5xx); wraps the original exception."""

    def __init__(self, oorzaak: Exception) -> None:
        super().__init__(str(oorzaak))
        self.oorzaak = oorzaak


def basis_url_uit_omgeving() -> str | None:
    return os.environ.get(BASIS_URL_ENV) or None


def _catalogus_url(catalogus: str, basis_url: str | None) -> tuple[str, bool]:
    """(cbsodata catalog_url without scheme, use_https) for a catalogue and base URL template."""
    sjabloon = basis_url or basis_url_uit_omgeving() or STANDAARD_BASIS_URL
    url = sjabloon.format(catalogus=catalogus).rstrip("/")
    delen = urlsplit(url)
    if delen.scheme not in {"http", "https"} or not delen.netloc:
        raise BronFout(
            f"Ongeldige CBS-basis-URL {url!r} (uit {sjabloon!r}): verwacht bijvoorbeeld "
            "https://{catalogus} of http://127.0.0.1:8080/{catalogus}."
        )
    return delen.netloc + delen.path, delen.scheme == "https"


@dataclass
class _UrlLog:
    urls: list[str] = field(default_factory=list)
    begin: int = 0  # index of the first URL of the current attempt (see _Sessie.send)

    @property
    def laatste(self) -> str:
        return self.urls[-1] if self.urls else "(nog geen verzoek)"


def _sessie_klasse(log: _UrlLog, timeout_s: float, termijnen: Termijnen) -> type[requests.Session]:
    class _Sessie(requests.Session):
        def __init__(self) -> None:
            super().__init__()
            adapter = TermijnAdapter(termijnen)
            self.mount("http://", adapter)
            self.mount("https://", adapter)

        def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
            url = request.url or ""
            # cbsodata follows odata.nextLink without limit: a link back to a page of this same
            # attempt would loop forever (and fill memory). Refuse it (not retried).
            if url in log.urls[log.begin :]:
                raise BronFout(
                    f"De server stuurt {url} opnieuw als odata.nextLink: de paginering loopt "
                    "in een kring. Niets geschreven."
                )
            log.urls.append(url)
            kwargs.setdefault("timeout", timeout_s)
            if should_bypass_proxies(url, no_proxy=None):
                kwargs["proxies"] = {}
            return super().send(request, **kwargs)

    return _Sessie


@dataclass
class CbsVerbinding:
    """One catalogue (opendata.cbs.nl or dataderden.cbs.nl) reached through cbsodata."""

    catalogus: str
    basis_url: str | None = None
    timeout_s: float = STANDAARD_TIMEOUT_S
    pogingen: int = STANDAARD_POGINGEN
    wacht_s: float = STANDAARD_WACHT_S
    log: _UrlLog = field(default_factory=_UrlLog)
    #: Deadlines in seconds; None: NPLV_ONLINE_TERMIJN_VERZOEK_S / _TABEL_S, else 300 / 3600.
    termijn_verzoek_s: float | None = None
    termijn_tabel_s: float | None = None

    def __post_init__(self) -> None:
        if self.pogingen < 1:
            raise BronFout(f"pogingen moet minstens 1 zijn, niet {self.pogingen}.")
        if self.timeout_s <= 0:
            raise BronFout(f"timeout_s moet positief zijn, niet {self.timeout_s}.")
        self.catalog_url, self.https = _catalogus_url(self.catalogus, self.basis_url)
        gegeven = {"verzoek_s": self.termijn_verzoek_s, "tabel_s": self.termijn_tabel_s}
        self.termijnen = Termijnen(**{k: v for k, v in gegeven.items() if v is not None})

    def tabel_url(self, tabel_id: str) -> str:
        schema = "https" if self.https else "http"
        return f"{schema}://{self.catalog_url}/{_cbsodata3.BULK}/{tabel_id}/"

    @contextmanager
    def _cbsodata(self) -> Iterator[None]:
        # cbsodata keeps these as module globals; restore them whatever happens.
        with _CBSODATA_LOCK:
            oude_sessie = _cbsodata3.Session
            oude_https = cbsodata.options.use_https
            _cbsodata3.Session = _sessie_klasse(self.log, self.timeout_s, self.termijnen)
            cbsodata.options.use_https = self.https
            try:
                yield
            finally:
                _cbsodata3.Session = oude_sessie
                cbsodata.options.use_https = oude_https

    def _met_retries(self, wat: str, functie: Callable[[], T]) -> T:
        def poging() -> T:
            self.log.begin = len(self.log.urls)
            try:
                with self._cbsodata():
                    return functie()
            except TermijnVerstreken as exc:
                if exc.soort == "tabel":  # no time left for another attempt
                    raise BronFout(
                        f"Ophalen van {wat} uit {self.catalogus} afgebroken: {exc}. "
                        "Niets geschreven."
                    ) from exc
                raise _TijdelijkeFout(exc) from exc
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,
            ) as exc:
                raise _TijdelijkeFout(exc) from exc
            except requests.HTTPError as exc:
                status = _http_status(exc)
                # 5xx and 429 (rate limit) are temporary: back off and try again.
                if status is not None and (status >= 500 or status == 429):
                    raise _TijdelijkeFout(exc) from exc
                raise BronFout(
                    f"CBS gaf HTTP {status} voor {wat} ({self.log.laatste}): {exc}. "
                    f"Bestaat de tabel in catalogus {self.catalogus}?"
                ) from exc
            except json.JSONDecodeError as exc:
                raise BronFout(
                    f"Het antwoord van {self.log.laatste} ({wat}) is geen JSON: {exc}. "
                    "Is de basis-URL een OData-dienst van CBS (of een spiegel ervan)?"
                ) from exc
            except (KeyError, TypeError) as exc:
                raise BronFout(
                    f"Het antwoord van {self.log.laatste} ({wat}) is geen OData-feed "
                    f"(veld {exc} ontbreekt)."
                ) from exc

        terugval = tenacity.wait_exponential(multiplier=self.wacht_s, max=60)

        def wacht(toestand: tenacity.RetryCallState) -> float:
            # Never sleep past the table's deadline; the next attempt then ends it at once.
            return max(0.0, min(terugval(toestand), self.termijnen.over_voor_tabel()))

        retryer = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.pogingen),
            wait=wacht,
            retry=tenacity.retry_if_exception_type(_TijdelijkeFout),
            reraise=True,
        )
        try:
            return retryer(poging)
        except _TijdelijkeFout as fout:
            oorzaak = fout.oorzaak
            soort = (
                "geen antwoord binnen de timeout"
                if isinstance(oorzaak, requests.Timeout)
                else "verbindingsfout"
            )
            if isinstance(oorzaak, requests.HTTPError):
                soort = f"serverfout HTTP {_http_status(oorzaak)}"
            if isinstance(oorzaak, TermijnVerstreken):
                soort = f"geen volledig antwoord binnen {oorzaak.termijn_s:g} s per verzoek"
            raise BronFout(
                f"Ophalen van {wat} uit {self.catalogus} mislukt na {self.pogingen} poging(en) "
                f"({soort}, timeout {self.timeout_s:g} s) bij {self.log.laatste}: {oorzaak}"
            ) from oorzaak

    def entiteit(self, tabel_id: str, naam: str) -> list[dict[str, Any]]:
        """All rows of one OData entity set (all pages); ``naam=""`` is the service document."""
        wat = f"{tabel_id}/{naam or '(servicedocument)'}"
        rijen = self._met_retries(
            wat,
            lambda: cbsodata.get_meta(
                tabel_id, naam, catalog_url=self.catalog_url, timeout=self.timeout_s
            ),
        )
        if not isinstance(rijen, list) or not all(isinstance(r, dict) for r in rijen):
            raise BronFout(f"Het antwoord voor {wat} ({self.log.laatste}) is geen lijst van rijen.")
        return rijen

    def aantal(self, tabel_id: str, naam: str) -> int | None:
        """The server's ``$count`` of an entity set, or None when the server does not offer it."""
        url = f"{self.tabel_url(tabel_id)}{naam}/$count"

        def vraag() -> int | None:
            sessie = _cbsodata3.Session()
            r = sessie.send(requests.Request("GET", url).prepare(), timeout=self.timeout_s)
            if r.status_code in {400, 404, 501}:
                return None
            r.raise_for_status()
            tekst = r.text.strip()
            return int(tekst) if tekst.isdigit() else None

        return self._met_retries(f"{tabel_id}/{naam}/$count", vraag)


def _http_status(exc: requests.HTTPError) -> int | None:
    # cbsodata re-raises HTTPError without the response; the original is its __cause__.
    for fout in (exc, exc.__cause__):
        response = getattr(fout, "response", None)
        if response is not None:
            return int(response.status_code)
    return None
