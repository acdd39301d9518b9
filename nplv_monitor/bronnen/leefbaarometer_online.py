"""Download the Leefbaarometer open-data zip into the snapshot: ``download_leefbaarometer``.

The zip must hold one CSV per level in the snapshot's layout (wijk, buurt, gemeente; the file names
of ``LEEFBAAROMETER_BESTANDEN``, found anywhere in the zip). Each CSV is checked before anything is
written: it must be UTF-8 CSV with the level's code column and ``jaar``. Then the three files are
installed all-or-nothing with their manifest entries (``online_schrijven.installeer``). A broken
zip, a missing level or a wrong header is a BronFout and writes nothing.

The download has wall-clock deadlines (``termijn.TermijnAdapter``): each attempt must deliver the
whole file within ``termijn_verzoek_s`` and the download as a whole, retries included, must end
within ``termijn_tabel_s`` (defaults: ``NPLV_ONLINE_TERMIJN_VERZOEK_S`` / ``_TABEL_S``, 300 / 3600 s).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

import requests
import tenacity

from nplv_monitor.bronnen.online_schrijven import installeer, manifestregel, werkmap
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.bronnen.termijn import TermijnAdapter, Termijnen, TermijnVerstreken
from nplv_monitor.errors import BronFout

DATASET = "leefbaarometer"
UITGEVER = "Ministerie van BZK/VRO (Leefbaarometer 3.0)"
LICENTIE = (
    "Open data van het ministerie van BZK/VRO (Leefbaarometer), hergebruik met bronvermelding"
)

#: Level -> (file name in the zip and in the snapshot, code column). Same layout as the snapshot.
LEEFBAAROMETER_BESTANDEN: dict[str, tuple[str, str]] = {
    "wijk": ("wijkscores_2002-2022.csv", "wk_code"),
    "buurt": ("buurtscores_2024.csv", "bu_code"),
    "gemeente": ("gemeentescores_2024.csv", "gm_code"),
}


@dataclass(frozen=True)
class LeefbaarometerResultaat:
    url: str
    bestanden: list[str] = field(default_factory=list)  # snapshot paths written
    rijen: dict[str, int] = field(default_factory=dict)  # level -> data rows


class _Tijdelijk(Exception):
    """A failure worth retrying (connection error, timeout, HTTP 5xx/429)."""


def _download(
    url: str, timeout_s: float, pogingen: int, wacht_s: float, termijnen: Termijnen
) -> bytes:
    sessie = requests.Session()
    adapter = TermijnAdapter(termijnen)
    sessie.mount("http://", adapter)
    sessie.mount("https://", adapter)

    def poging() -> bytes:
        try:
            r = sessie.get(url, timeout=timeout_s)
        except TermijnVerstreken as exc:
            if exc.soort == "tabel":  # no time left for another attempt
                raise BronFout(f"Leefbaarometer-download afgebroken: {exc}.") from exc
            raise _Tijdelijk(str(exc)) from exc
        except requests.RequestException as exc:
            raise _Tijdelijk(f"{type(exc).__name__}: {exc}") from exc
        if r.status_code >= 500:
            raise _Tijdelijk(f"HTTP {r.status_code}")
        if r.status_code != 200:
            raise BronFout(f"Leefbaarometer-download {url} gaf HTTP {r.status_code}.")
        return r.content

    terugval = tenacity.wait_exponential(multiplier=wacht_s, max=60)

    def wacht(toestand: tenacity.RetryCallState) -> float:
        # Never sleep past the download's deadline; the next attempt then ends it at once.
        return max(0.0, min(terugval(toestand), termijnen.over_voor_tabel()))

    try:
        with sessie:
            return tenacity.Retrying(
                stop=tenacity.stop_after_attempt(pogingen),
                wait=wacht,
                retry=tenacity.retry_if_exception_type(_Tijdelijk),
                reraise=True,
            )(poging)
    except _Tijdelijk as exc:
        raise BronFout(
            f"Leefbaarometer-download {url} mislukt na {pogingen} poging(en) "
            f"(timeout {timeout_s:g} s, termijn {termijnen.verzoek_s:g} s per poging): {exc}"
        ) from exc


def _lees_zip(inhoud: bytes, url: str) -> dict[str, bytes]:
    """Level -> CSV bytes, checked; BronFout naming the zip and the member at fault."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(inhoud))
        namen = [n for n in zf.namelist() if not n.endswith("/")]
    except zipfile.BadZipFile as exc:
        raise BronFout(f"Leefbaarometer-download {url} is geen geldig zip-bestand: {exc}") from exc
    uit: dict[str, bytes] = {}
    ontbreekt = []
    for niveau, (bestand, code) in LEEFBAAROMETER_BESTANDEN.items():
        treffers = [n for n in namen if PurePosixPath(n).name == bestand]
        if len(treffers) != 1:
            ontbreekt.append(f"{bestand} ({niveau}, {len(treffers)} keer gevonden)")
            continue
        try:
            data = zf.read(treffers[0])
            kop = next(csv.reader(io.StringIO(data.decode("utf-8-sig").split("\n", 1)[0])))
        except (zipfile.BadZipFile, UnicodeDecodeError, StopIteration, OSError) as exc:
            raise BronFout(f"{url}: {treffers[0]} in de zip is onleesbaar: {exc}") from exc
        for kolom in (code, "jaar"):
            if kolom not in kop:
                raise BronFout(
                    f"{url}: {treffers[0]} ({niveau}) mist kolom {kolom!r}; kolommen: {kop}."
                )
        uit[niveau] = data
    if ontbreekt:
        raise BronFout(
            f"Leefbaarometer-zip {url} mist niveaus: {', '.join(ontbreekt)}. "
            f"Inhoud: {namen}. Niets geschreven."
        )
    return uit


def download_leefbaarometer(
    url: str,
    snapshot: Snapshot,
    *,
    timeout_s: float = 120.0,
    pogingen: int = 4,
    wacht_s: float = 2.0,
    termijn_verzoek_s: float | None = None,
    termijn_tabel_s: float | None = None,
) -> LeefbaarometerResultaat:
    """Download the open-data zip at ``url``, check it and install its CSVs in the snapshot.

    ``timeout_s`` bounds each socket read; ``termijn_verzoek_s`` each attempt as a whole and
    ``termijn_tabel_s`` the download with its retries (None: from the environment, see above).
    """
    gegeven = {"verzoek_s": termijn_verzoek_s, "tabel_s": termijn_tabel_s}
    termijnen = Termijnen(**{k: v for k, v in gegeven.items() if v is not None})
    csvs = _lees_zip(_download(url, timeout_s, pogingen, wacht_s, termijnen), url)
    vandaag = date.today().isoformat()
    with werkmap(snapshot, "ophalen-leefbaarometer") as tmp:
        nieuw: dict[str, Path] = {}
        entries = []
        rijen: dict[str, int] = {}
        for niveau, data in csvs.items():
            bestand = LEEFBAAROMETER_BESTANDEN[niveau][0]
            rel = f"{DATASET}/{bestand}"
            pad = tmp / bestand
            pad.write_bytes(data)  # byte for byte as published
            rijen[niveau] = sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8-sig")))) - 1
            nieuw[rel] = pad
            entries.append(
                manifestregel(
                    pad,
                    rel,
                    dataset=DATASET,
                    uitgever=UITGEVER,
                    licentie=LICENTIE,
                    opgehaald=vandaag,
                    rijen=rijen[niveau],
                    bron=f"Leefbaarometer open data, online opgehaald van {url}",
                    omschrijving=f"Leefbaarometer-scores per {niveau}",
                )
            )
        installeer(snapshot, nieuw, entries)
    return LeefbaarometerResultaat(url, sorted(nieuw), rijen)
