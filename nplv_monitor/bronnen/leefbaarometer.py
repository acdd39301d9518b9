"""Leefbaarometer 3.0 scores in the open-data layout (one CSV per level).

The open data has one CSV per level, keyed by the CBS code of that level (``wk_code``,
``bu_code``, ``gm_code``) and the measuring year ``jaar``: ``lbm`` (absolute score, only in the
wijk series), ``afw`` (the score minus the Leefbaarometer's fixed reference level: ``lbm − afw`` is
4.1023 in every row of every year, so ``afw`` is not the deviation from that year's national mean),
the five dimensions (``fys``, ``onv``, ``soc``, ``vrz``, ``won``, which add up to ``afw``) and, from
2024, the classes (``kscore`` 1–9 of the total score, 4 = zwak; ``kafw``, ``kwon``, ...). The
gemeente file holds the Leefbaarometer's own gemeente scores (its 100 m cells aggregated); no file
has a row for Nederland. Offline the CSVs are read from the snapshot; a file that is not this
layout is refused with an error naming the file and the column.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from nplv_monitor.bronnen.snapshot import Snapshot, onleesbaar
from nplv_monitor.errors import BronFout

WIJK_CSV = "leefbaarometer/wijkscores_2002-2022.csv"
BUURT_CSV = "leefbaarometer/buurtscores_2024.csv"
GEMEENTE_CSV = "leefbaarometer/gemeentescores_2024.csv"
GEOMETRIE_MAP = "leefbaarometer/buurtgeometrie_2024"

#: Level → (code column, name column, snapshot file).
NIVEAUS: dict[str, tuple[str, str, str]] = {
    "wijk": ("wk_code", "wk_naam", WIJK_CSV),
    "buurt": ("bu_code", "bu_naam", BUURT_CSV),
    "gemeente": ("gm_code", "gm_naam", GEMEENTE_CSV),
}

_TEKST = {"wk_code", "wk_naam", "bu_code", "bu_naam", "gm_code", "gm_naam", "gemeente", "provincie"}
_SCORES = {"lbm", "afw", "fys", "onv", "soc", "vrz", "won"}
_KLASSEN = {"kscore", "kafw", "kwon", "kfys", "kvrz", "ksoc", "konv"}


class LeefbaarometerFout(BronFout):
    """A Leefbaarometer file that is not in the open-data layout."""


def _types(kolommen: list[str]) -> dict[str, pl.DataType]:
    types: dict[str, pl.DataType] = {}
    for k in kolommen:
        if k in _TEKST:
            types[k] = pl.String()
        elif k in _SCORES:
            types[k] = pl.Float64()
        elif k in _KLASSEN or k == "jaar":
            types[k] = pl.Int64()
    return types


def niveau_van(kolommen: list[str], bestand: str) -> str:
    """The level a file describes, from its code column."""
    gevonden = [n for n, (code, _, _) in NIVEAUS.items() if code in kolommen]
    if len(gevonden) != 1:
        verwacht = ", ".join(code for code, _, _ in NIVEAUS.values())
        raise LeefbaarometerFout(
            f"Leefbaarometerbestand {bestand}: onbekend niveau — verwacht precies één codekolom "
            f"uit {verwacht}, gevonden kolommen: {', '.join(kolommen)}."
        )
    return gevonden[0]


def lees_csv(pad: Path, niveau: str | None = None, *, naam: str | None = None) -> pl.DataFrame:
    """Read one open-data CSV; ``niveau`` (wijk, buurt, gemeente) is checked against the file.

    Raises LeefbaarometerFout for an unknown level, a code column that does not match the level,
    or a missing ``jaar`` column — naming the file and the column.
    """
    bestand = naam or str(pad)
    if niveau is not None and niveau not in NIVEAUS:
        raise LeefbaarometerFout(
            f"Leefbaarometerbestand {bestand}: onbekend niveau {niveau!r}; "
            f"bekend zijn {', '.join(NIVEAUS)}."
        )
    kolommen = pl.read_csv(pad, n_rows=0).columns
    gevonden = niveau_van(kolommen, bestand)
    if niveau is not None and gevonden != niveau:
        raise LeefbaarometerFout(
            f"Leefbaarometerbestand {bestand}: verwacht niveau {niveau} (kolom "
            f"{NIVEAUS[niveau][0]!r}), maar het bestand heeft kolom {NIVEAUS[gevonden][0]!r}."
        )
    if "jaar" not in kolommen:
        raise LeefbaarometerFout(
            f"Leefbaarometerbestand {bestand}: kolom 'jaar' ontbreekt (het meetjaar); "
            f"gevonden kolommen: {', '.join(kolommen)}."
        )
    return pl.read_csv(pad, schema_overrides=_types(kolommen), null_values=["NA", ""])


def lees_niveau(snapshot: Snapshot, niveau: str) -> pl.DataFrame:
    """The snapshot's scores of one level (wijk 2002–2022; buurt and gemeente 2024)."""
    if niveau not in NIVEAUS:
        raise LeefbaarometerFout(
            f"Onbekend Leefbaarometerniveau {niveau!r}; bekend zijn {', '.join(NIVEAUS)}."
        )
    rel = NIVEAUS[niveau][2]
    pad = snapshot.pad(rel)
    try:
        return lees_csv(pad, niveau, naam=rel)
    except pl.exceptions.PolarsError as exc:
        raise onleesbaar(pad, "CSV (UTF-8)", exc) from exc


def lees_wijkscores(snapshot: Snapshot) -> pl.DataFrame:
    """All wijken on the 2022 wijk indeling, 2002–2022 (dimensions are NA before 2018 bar 2014)."""
    return lees_niveau(snapshot, "wijk")


def geometrie_bestanden(snapshot: Snapshot) -> list[str]:
    return sorted(
        rel
        for rel in snapshot.manifest()
        if rel.startswith(GEOMETRIE_MAP + "/") and rel.endswith(".geojson")
    )


def lees_buurtgeometrie(snapshot: Snapshot) -> pl.DataFrame:
    """2024 buurt polygons (WGS84, simplified) as GeoJSON text per buurt, for maps."""
    rijen: list[dict[str, object]] = []
    for rel in geometrie_bestanden(snapshot):
        collectie = snapshot.json(rel)
        for feature in collectie["features"]:
            eig = feature["properties"]
            rijen.append(
                {
                    "bu_code": eig["code"],
                    "bu_naam": eig.get("naam"),
                    "gemeente": eig.get("gemeente"),
                    "provincie": eig.get("provincie"),
                    "provincie_code": eig.get("provincie_code"),
                    "geojson": json.dumps(feature["geometry"], separators=(",", ":")),
                }
            )
    return pl.DataFrame(
        rijen,
        schema={
            "bu_code": pl.String,
            "bu_naam": pl.String,
            "gemeente": pl.String,
            "provincie": pl.String,
            "provincie_code": pl.String,
            "geojson": pl.String,
        },
    )
