"""The one way an asset validates and writes a table, and reports it to Dagster.

Validation happens *before* writing (docs/valkuilen.md: a blocking asset check only stops
downstream assets, the checked asset's output would already be stored). The asset yields the check result, and on a
failure raises so the step fails with the failing rows in the message and in the check metadata.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dagster as dg
import duckdb
import polars as pl

from nplv_monitor import validatie
from nplv_monitor.db import schrijf_tabellen
from nplv_monitor.errors import ValidatieFout

CHECK_NAAM = "pandera_schema"


def check_spec(asset_key: str | dg.AssetKey, schema_naam: str) -> dg.AssetCheckSpec:
    """The blocking Pandera check of an asset's table (declare it in ``check_specs``)."""
    return dg.AssetCheckSpec(
        name=CHECK_NAAM,
        asset=asset_key,
        blocking=True,
        description=f"De tabel voldoet aan schemas/{schema_naam}.yaml (gecontroleerd vóór het schrijven).",
    )


def column_schema(schema_naam: str, df: pl.DataFrame | None = None) -> dg.TableSchema:
    """`dagster/column_schema` from the Pandera schema (descriptions) and the frame's dtypes."""
    sch = validatie.schema(schema_naam)
    kolommen: list[dg.TableColumn] = []
    namen = list(df.columns) if df is not None else list(sch.columns)
    for naam in namen:
        col = sch.columns.get(naam)
        dtype = str(df.schema[naam]) if df is not None else str(col.dtype if col else "")
        kolommen.append(
            dg.TableColumn(name=naam, type=dtype, description=(col.description if col else None))
        )
    return dg.TableSchema(columns=kolommen)


def tabel_metadata(df: pl.DataFrame, schema_naam: str, doel: str) -> dict[str, Any]:
    return {
        "dagster/row_count": df.height,
        "dagster/column_schema": column_schema(schema_naam, df),
        "dagster/table_name": doel,
        "voorbeeld": dg.MetadataValue.md(_markdown(df.head(5))),
    }


def _semantiek_metadata(df: pl.DataFrame, schema_naam: str) -> dict[str, Any]:
    """What the schema's semantic checks resolved and found (see validatie.semantiek_rapport)."""
    rapport = validatie.semantiek_rapport(df, schema_naam)
    return {"semantische_controles": dg.MetadataValue.json(rapport)} if rapport else {}


def _markdown(df: pl.DataFrame) -> str:
    if df.width == 0:
        return "(leeg)"
    cols = df.columns[:12]
    kop = "| " + " | ".join(cols) + " |"
    streep = "|" + "---|" * len(cols)
    rijen = [
        "| " + " | ".join("" if v is None else str(v) for v in r) + " |"
        for r in df.select(cols).iter_rows()
    ]
    return "\n".join([kop, streep, *rijen])


@dataclass(frozen=True)
class Tabel:
    """One table an asset writes: the frame, its schema and where it goes."""

    df: pl.DataFrame
    schema_naam: str
    doel: str
    asset_key: dg.AssetKey | None = None
    vervang_waar: Mapping[str, Any] | None = None
    bron: str | None = None
    extra_metadata: Mapping[str, Any] | None = None


def valideer_en_schrijf(
    con: duckdb.DuckDBPyConnection,
    df: pl.DataFrame,
    *,
    schema_naam: str,
    doel: str,
    asset_key: dg.AssetKey | None = None,
    vervang_waar: Mapping[str, Any] | None = None,
    bron: str | None = None,
    extra_metadata: Mapping[str, Any] | None = None,
    bijtabellen: Sequence[Tabel] = (),
) -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
    """Validate ``df``, write it to ``doel`` and yield the check result and materialization.

    ``bijtabellen`` belong to the same asset (a region dimension, provenance rows): validated by
    the same blocking check and written in the same transaction, with no materialization of their
    own.

    Use as ``yield from valideer_en_schrijf(...)`` inside a ``@dg.asset(check_specs=[...])``.
    On a validation failure a failed check result is yielded and then ValidatieFout is raised:
    nothing is written and downstream assets do not run.
    """
    yield from valideer_en_schrijf_alle(
        con,
        [Tabel(df, schema_naam, doel, asset_key, vervang_waar, bron, extra_metadata)],
        bijtabellen=bijtabellen,
    )


def valideer_en_schrijf_alle(
    con: duckdb.DuckDBPyConnection,
    tabellen: Sequence[Tabel],
    *,
    bijtabellen: Sequence[Tabel] = (),
) -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
    """The same for an asset with several tables (``@dg.multi_asset``): every table is validated
    before any is written, and all are written in one transaction — a failure in the last table
    leaves the first ones as they were too."""
    bij: list[pl.DataFrame] = []
    for t in bijtabellen:
        try:
            bij.append(validatie.valideer(t.df, t.schema_naam, bron=t.bron, tabel=t.doel))
        except ValidatieFout as fout:
            yield dg.AssetCheckResult(
                check_name=CHECK_NAAM,
                asset_key=tabellen[0].asset_key,
                passed=False,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={"melding": dg.MetadataValue.text(f"{t.doel}: {fout}")},
            )
            raise
    gevalideerd: list[pl.DataFrame] = []
    for t in tabellen:
        try:
            gevalideerd.append(validatie.valideer(t.df, t.schema_naam, bron=t.bron, tabel=t.doel))
        except ValidatieFout as fout:
            fc = fout.failure_cases
            yield dg.AssetCheckResult(
                check_name=CHECK_NAAM,
                asset_key=t.asset_key,
                passed=False,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={
                    "melding": dg.MetadataValue.text(str(fout)),
                    "foute_rijen": dg.MetadataValue.md(
                        _markdown(fc.head(20)) if isinstance(fc, pl.DataFrame) else "-"
                    ),
                },
            )
            raise
    for groep in _per_asset(tabellen, gevalideerd):
        yield dg.AssetCheckResult(
            check_name=CHECK_NAAM,
            asset_key=groep[0][0].asset_key,
            passed=True,
            metadata=_samen(
                [{"rijen": df.height, **_semantiek_metadata(df, t.schema_naam)} for t, df in groep],
                groep,
            ),
        )
    schrijf_tabellen(
        con,
        [
            (t.doel, df, t.vervang_waar)
            for t, df in zip([*tabellen, *bijtabellen], [*gevalideerd, *bij], strict=True)
        ],
    )
    for groep in _per_asset(tabellen, gevalideerd):
        yield dg.MaterializeResult(
            asset_key=groep[0][0].asset_key,
            metadata=_samen(
                [
                    {**tabel_metadata(df, t.schema_naam, t.doel), **(t.extra_metadata or {})}
                    for t, df in groep
                ],
                groep,
            ),
        )


def _per_asset(
    tabellen: Sequence[Tabel], frames: Sequence[pl.DataFrame]
) -> list[list[tuple[Tabel, pl.DataFrame]]]:
    """The tables grouped by asset, in order: an asset may write several tables of one schema
    (bron/kwb: one table per KWB year), and Dagster takes one check result and one
    materialization per asset."""
    groepen: dict[object, list[tuple[Tabel, pl.DataFrame]]] = {}
    for t, df in zip(tabellen, frames, strict=True):
        groepen.setdefault(t.asset_key, []).append((t, df))
    return list(groepen.values())


def _samen(
    metadata: list[dict[str, Any]], groep: list[tuple[Tabel, pl.DataFrame]]
) -> dict[str, Any]:
    """One table: its metadata. Several: the first table's metadata (schema, preview) and the
    others' extra metadata, with the row count summed, the rows per table listed and the
    semantic checks per table (``semantische_controles`` = {table: report})."""
    if len(metadata) == 1:
        return metadata[0]
    samen: dict[str, Any] = {}
    for m in metadata:
        samen.update({k: v for k, v in m.items() if k not in samen or not k.startswith("dagster/")})
    rijen = {t.doel: df.height for t, df in groep}
    samen["tabellen"] = dg.MetadataValue.json(rijen)
    # each table's semantic checks under its own name (one year's report must not hide another's)
    semantiek = {
        t.doel: m["semantische_controles"].value
        for m, (t, _) in zip(metadata, groep, strict=True)
        if "semantische_controles" in m
    }
    if semantiek:
        samen["semantische_controles"] = dg.MetadataValue.json(semantiek)
    samen["rijen" if "rijen" in samen else "dagster/row_count"] = sum(rijen.values())
    if "dagster/table_name" in samen:
        samen["dagster/table_name"] = ", ".join(rijen)
    return samen
