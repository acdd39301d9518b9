"""Each page's own figures as CSV, embedded in the page as a ``data:`` URI (the annex stays one
self-contained file per page).

The CSV is the rows of monitor.indicatorwaarden the page shows, unrounded: a value is written with
Python's shortest round-trip representation, so reading it back gives exactly the DuckDB double.
Dutch spreadsheet conventions: ``;`` between fields, a decimal comma, UTF-8 with a byte-order
mark (Excel then reads the accents correctly).
"""

from __future__ import annotations

import base64
import csv
import io
import math
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl

KOLOMMEN = (
    "gebied_code",
    "gebied_soort",
    "indicator_code",
    "familie",
    "actielijn",
    "peiljaar",
    "status",
    "waarde",
    "waarde_min",
    "waarde_max",
    "eenheid",
    "waarde_nederland",
    "verschil_nederland",
    "basisjaar",
    "waarde_basisjaar",
    "verandering_sinds_basis",
    "kloof_wordt",
    "percentiel_wijken",
    "dekking",
    "aantal_gebieden",
    "aantal_gebieden_totaal",
    "waarde_niveau",
    "marge",
    "verandering_significant",
    "definitiebreuk",
    "territorium_basis",
    "territorium_peiljaar",
    "aandeel_basisbevolking",
    "aandeel_peiljaarbevolking_in_basis",
    "bron_tabel",
    "bron_variabele",
    "status_toelichting",
)


def veld(x: Any) -> str:
    """One CSV field: a float unrounded with a decimal comma, booleans as waar/onwaar."""
    if x is None:
        return ""
    if isinstance(x, bool):
        return "waar" if x else "onwaar"
    if isinstance(x, float):
        if math.isnan(x):
            return ""
        return repr(x).replace(".", ",")
    return str(x)


def _kolom(waarden: list[Any]) -> list[str]:
    """One column's fields (as :func:`veld`); a column of one type skips the per-value checks."""
    soorten = {type(x) for x in waarden} - {type(None)}
    if soorten == {str}:
        return ["" if x is None else x for x in waarden]
    if soorten == {int}:
        return ["" if x is None else str(x) for x in waarden]
    return [veld(x) for x in waarden]


def csv_tekst(waarden: pl.DataFrame, kolommen: Sequence[str]) -> str:
    """The rows of ``waarden`` as semicolon CSV with the ``kolommen`` given, each field as
    :func:`veld` writes it. Converted a column at a time: per row and field it cost 1.2 s a
    report."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(kolommen)
    w.writerows(zip(*(_kolom(waarden[k].to_list()) for k in kolommen), strict=True))
    return "\ufeff" + buf.getvalue()


def data_uri(tekst: str) -> str:
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(tekst.encode()).decode()


def lees_data_uri(uri: str) -> str:
    """The CSV text back from a data URI written by :func:`data_uri` (tests, analysts)."""
    kop, _, inhoud = uri.partition(",")
    assert kop.endswith(";base64"), kop
    return base64.b64decode(inhoud).decode().removeprefix("\ufeff")


def kolommen_van(beschikbaar: Iterable[str]) -> list[str]:
    """The CSV columns this publication has (contract columns appear once they are published)."""
    b = set(beschikbaar)
    return [k for k in KOLOMMEN if k in b]
