"""Pandera validation of every table against its contract in schemas/ (pandera's polars YAML).

Tables are validated as collected DataFrames (a LazyFrame only gets its schema checked, see
docs/valkuilen.md) and failures are turned into a message that names the table, column, check and the
first failing rows, so a user can find the fault without reading a traceback.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandera.errors
import pandera.polars as pa
import polars as pl
from pandera.io import polars_io

from nplv_monitor.config import SCHEMAS_DIR
from nplv_monitor.errors import ValidatieFout
from nplv_monitor.yamlbestand import lees_yaml

MAX_RIJEN_IN_MELDING = 10


def schema_pad(naam: str) -> Path:
    return SCHEMAS_DIR / f"{naam}.yaml"


@cache
def schema(naam: str) -> pa.DataFrameSchema:
    """The Pandera schema `schemas/<naam>.yaml`, e.g. ``schema("bron.leefbaarometer_wijk")``."""
    pad = schema_pad(naam)
    if not pad.exists():
        raise ValidatieFout(naam, f"Geen schema voor tabel {naam}: {pad} bestaat niet.")
    # pandera's from_yaml would parse the file itself, unguarded: hand it the checked content.
    schema_: pa.DataFrameSchema = polars_io.deserialize_schema(lees_yaml(pad))
    return schema_


def valideer(df: pl.DataFrame, naam: str, *, bron: str | None = None) -> pl.DataFrame:
    """Validate ``df`` against schema ``naam``; return it (coerced where the schema says so).

    Raises ValidatieFout naming the table (and the source file when given), each failing column
    and check, and up to MAX_RIJEN_IN_MELDING failing rows (0-based row numbers of ``df``).
    """
    try:
        return schema(naam).validate(df, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        raise ValidatieFout(
            naam, _melding(naam, exc.failure_cases, bron), exc.failure_cases
        ) from None
    except pandera.errors.SchemaError as exc:  # raised for non-lazy structural failures
        raise ValidatieFout(
            naam, f"Tabel {naam}{_uit(bron)} voldoet niet aan het schema: {exc}"
        ) from None
    except pl.exceptions.PolarsError:
        # pandera 0.35 cannot combine the failure cases of a missing regex column with other
        # failures (it vstacks List and String columns). Validate eagerly instead: that reports
        # the first structural failure, which is what the user must fix first anyway.
        return _valideer_eerste_fout(df, naam, bron)


def _valideer_eerste_fout(df: pl.DataFrame, naam: str, bron: str | None) -> pl.DataFrame:
    try:
        return schema(naam).validate(df, lazy=False)
    except pandera.errors.SchemaError as exc:
        fc = exc.failure_cases if isinstance(exc.failure_cases, pl.DataFrame) else None
        raise ValidatieFout(
            naam,
            f"Tabel {naam}{_uit(bron)} voldoet niet aan het schema; er is niets geschreven.\n"
            f"  - {exc}",
            fc,
        ) from None


def _uit(bron: str | None) -> str:
    return f" (uit {bron})" if bron else ""


def _melding(naam: str, failure_cases: pl.DataFrame, bron: str | None) -> str:
    regels = [f"Tabel {naam}{_uit(bron)} voldoet niet aan het schema; er is niets geschreven."]
    fc = failure_cases
    groepen = fc.group_by(["column", "check"], maintain_order=True).agg(
        pl.len().alias("aantal"),
        pl.col("index").head(MAX_RIJEN_IN_MELDING).alias("rijen"),
        pl.col("failure_case").head(MAX_RIJEN_IN_MELDING).alias("waarden"),
    )
    for rij in groepen.iter_rows(named=True):
        kolom = rij["column"] if rij["column"] is not None else "(tabel)"
        rijen = [r for r in rij["rijen"] if r is not None]
        detail = f"kolom {kolom!r}, controle {rij['check']}: {rij['aantal']} fout(en)"
        if rijen:
            paren = ", ".join(
                f"rij {r}: {w!r}" for r, w in zip(rij["rijen"], rij["waarden"], strict=False)
            )
            detail += f" — {paren}"
        elif rij["waarden"]:
            detail += f" — gevonden: {', '.join(str(w) for w in rij['waarden'])}"
        regels.append("  - " + detail)
    return "\n".join(regels)


def kolom_beschrijvingen(naam: str) -> dict[str, str]:
    """Column descriptions of a schema (used for COMMENT ON and the data dictionary)."""
    return {k: (c.description or "") for k, c in schema(naam).columns.items()}


def tabel_beschrijving(naam: str) -> str:
    return schema(naam).description or ""
