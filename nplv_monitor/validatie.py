"""Pandera validation of every table against its contract in schemas/ (pandera's polars YAML).

Tables are validated as collected DataFrames (a LazyFrame only gets its schema checked, see
docs/valkuilen.md) and failures are turned into a message that names the table, column, check
and the first failing rows (with their region code where the table has one), so a user can find the fault
without reading a traceback.

Besides pandera's built-in checks the schemas use the semantic checks of
:mod:`nplv_monitor.bronnen.semantiek` (counts not negative, percentages within 0-100, wijk and
buurt under their own gemeente, buurten adding up to their gemeente). They are registered with
pandera when pandera is first needed, before any schema is loaded; a YAML schema declares one as
a dataframe-level check (``checks: - options: {check_name: <naam>}`` plus its statistics).

pandera (and the pandas it imports) is imported on first use, not with this module: importing
them takes about a second, and the definitions, the CLI and a build with nothing to do import
this module without validating anything.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import polars as pl

from nplv_monitor.bronnen import semantiek
from nplv_monitor.config import SCHEMAS_DIR
from nplv_monitor.errors import ValidatieFout
from nplv_monitor.yamlbestand import lees_yaml

if TYPE_CHECKING:
    import pandera.polars as pa
    from pandera.api.polars.types import PolarsData

MAX_RIJEN_IN_MELDING = 10

# -- semantic checks: registered with pandera before any schema is loaded ------------------------

Controle = Callable[..., semantiek.Uitkomst]


def _aantallen_niet_negatief(
    df: pl.DataFrame, *, stammen: list[str], regio_kolom: str, meervoudig: bool | None = False
) -> semantiek.Uitkomst:
    return semantiek.binnen_bereik(
        df, stammen=stammen, regio_kolom=regio_kolom, minimum=0, meervoudig=bool(meervoudig)
    )


def _percentages_0_100(
    df: pl.DataFrame, *, stammen: list[str], regio_kolom: str, meervoudig: bool | None = False
) -> semantiek.Uitkomst:
    return semantiek.binnen_bereik(
        df,
        stammen=stammen,
        regio_kolom=regio_kolom,
        minimum=0,
        maximum=100,
        meervoudig=bool(meervoudig),
    )


#: check name in the schemas → the function computing its Uitkomst from the table and statistics.
SEMANTISCHE_CONTROLES: dict[str, Controle] = {
    "aantallen_niet_negatief": _aantallen_niet_negatief,
    "percentages_0_100": _percentages_0_100,
    "regio_in_gemeente": semantiek.regio_in_gemeente,
    "buurtsom_gemeente": semantiek.buurtsom_gemeente,
}


class SemantischeDeclaratieFout(ValueError):
    """A semantic check's declaration does not fit the table (ambiguous stem, missing column).
    Raised inside the pandera check, which reports it as a failure of that check."""


def _pandera_uitvoering(naam: str) -> Callable[..., pl.LazyFrame]:
    """The pandera check function of semantic check ``naam``: one boolean per row (False for a
    row a violation names), so pandera reports the failing row numbers; declaration errors are
    raised and reported by pandera as a failure of the check."""
    controle = SEMANTISCHE_CONTROLES[naam]

    def uitvoering(data: PolarsData, **statistieken: Any) -> pl.LazyFrame:
        df = data.lazyframe.collect()
        uitkomst = controle(df, **statistieken)
        if uitkomst.fouten:
            raise SemantischeDeclaratieFout("; ".join(uitkomst.fouten))
        return pl.LazyFrame({"ok": uitkomst.rij_ok(df.height)})

    return uitvoering


def _registreer_semantische_controles() -> None:
    import inspect

    import pandera.polars as pa
    from pandera import extensions

    for naam, controle in SEMANTISCHE_CONTROLES.items():
        if hasattr(pa.Check, naam):  # already registered (module reloaded)
            continue
        parameters = [
            p for p in inspect.signature(controle).parameters.values() if p.kind is p.KEYWORD_ONLY
        ]
        uitvoering = _pandera_uitvoering(naam)
        # pandera takes the check's name and its statistics from the function's signature.
        uitvoering.__name__ = naam
        uitvoering.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [inspect.Parameter("data", inspect.Parameter.POSITIONAL_ONLY), *parameters]
        )
        extensions.register_check_method(uitvoering, statistics=[p.name for p in parameters])


@cache
def _pandera() -> ModuleType:
    """``pandera.polars``, imported on first use, with the semantic checks registered."""
    import pandera.polars

    _registreer_semantische_controles()
    return pandera.polars


def __getattr__(naam: str) -> Any:
    # ``validatie.pa``: pandera's polars API with the semantic checks registered (tests build
    # schemas with them); ``validatie.pandera``: the package (its errors)
    if naam == "pa":
        return _pandera()
    if naam == "pandera":
        import pandera

        _pandera()
        return pandera
    raise AttributeError(f"module {__name__!r} has no attribute {naam!r}")


def schema_pad(naam: str) -> Path:
    return SCHEMAS_DIR / f"{naam}.yaml"


@cache
def schema(naam: str) -> pa.DataFrameSchema:
    """The Pandera schema `schemas/<naam>.yaml`, e.g. ``schema("bron.leefbaarometer_wijk")``."""
    pad = schema_pad(naam)
    if not pad.exists():
        raise ValidatieFout(naam, f"Geen schema voor tabel {naam}: {pad} bestaat niet.")
    _pandera()
    from pandera.io import polars_io

    # pandera's from_yaml would parse the file itself, unguarded: hand it the checked content.
    schema_: pa.DataFrameSchema = polars_io.deserialize_schema(lees_yaml(pad))
    return schema_


def valideer(
    df: pl.DataFrame, naam: str, *, bron: str | None = None, tabel: str | None = None
) -> pl.DataFrame:
    """Validate ``df`` against schema ``naam``; return it (coerced where the schema says so).

    Raises ValidatieFout naming the table (``tabel``, e.g. ``bron.kwb_2020`` validated against
    schema ``bron.kwb``; default the schema name), the source file when given, each failing column
    and check, and up to MAX_RIJEN_IN_MELDING failing rows (0-based row numbers of ``df``, with
    the row's region code) per check plus the count of the rest.
    """
    import pandera.errors

    tabel = tabel or naam
    try:
        return schema(naam).validate(df, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        regels, fc = _regels(naam, df, exc.failure_cases)
        raise ValidatieFout(tabel, "\n".join([_kop(naam, tabel, bron), *regels]), fc) from None
    except pandera.errors.SchemaError as exc:  # raised for non-lazy structural failures
        raise ValidatieFout(
            tabel, f"Tabel {_tabelnaam(naam, tabel)}{_uit(bron)} voldoet niet aan het schema: {exc}"
        ) from None
    except pl.exceptions.PolarsError:
        # pandera 0.35 cannot combine the failure cases of a missing regex column with other
        # failures (it vstacks List and String columns). Validate eagerly instead: that reports
        # the first structural failure, which is what the user must fix first anyway.
        return _valideer_eerste_fout(df, naam, bron, tabel)


def _valideer_eerste_fout(
    df: pl.DataFrame, naam: str, bron: str | None, tabel: str
) -> pl.DataFrame:
    import pandera.errors

    pa = _pandera()
    try:
        return schema(naam).validate(df, lazy=False)
    except pandera.errors.SchemaError as exc:
        fc = exc.failure_cases if isinstance(exc.failure_cases, pl.DataFrame) else None
        check = exc.check
        if isinstance(check, pa.Check) and check.name in SEMANTISCHE_CONTROLES:
            regels, fc = _semantische_regels(df, check, exc.check_index)
        else:
            regels = [f"  - {exc}"]
        raise ValidatieFout(tabel, "\n".join([_kop(naam, tabel, bron), *regels]), fc) from None


def _tabelnaam(naam: str, tabel: str) -> str:
    return tabel if tabel == naam else f"{tabel} (schema {naam})"


def _kop(naam: str, tabel: str, bron: str | None) -> str:
    return (
        f"Tabel {_tabelnaam(naam, tabel)}{_uit(bron)} voldoet niet aan het schema; "
        "er is niets geschreven."
    )


def _uit(bron: str | None) -> str:
    return f" (uit {bron})" if bron else ""


def _semantische_checks(naam: str) -> dict[int, pa.Check]:
    """The semantic checks of a schema by their position in its dataframe-level checks (the
    ``check_number`` pandera reports)."""
    return {i: c for i, c in enumerate(schema(naam).checks) if c.name in SEMANTISCHE_CONTROLES}


def regio_kolom(naam: str) -> str | None:
    """The column naming a row's region in messages: the ``regio_kolom`` a semantic check of the
    schema declares, else the first column whose ``str_matches`` is a CBS region-code pattern."""
    for c in _semantische_checks(naam).values():
        kolom = (c.statistics or {}).get("regio_kolom")
        if kolom:
            return str(kolom)
    for kolom, col in schema(naam).columns.items():
        for c in col.checks:
            statistieken = c.statistics or {}
            patroon = str(statistieken.get("pattern", "")) if c.name == "str_matches" else ""
            if any(p in patroon for p in ("GM[0-9]{4}", "WK[0-9]{", "BU[0-9]{")):
                return str(kolom)
    return None


def _uitkomst(df: pl.DataFrame, check: pa.Check) -> semantiek.Uitkomst:
    return SEMANTISCHE_CONTROLES[str(check.name)](df, **(check.statistics or {}))


def _semantische_regels(
    df: pl.DataFrame, check: pa.Check, nummer: int | None
) -> tuple[list[str], pl.DataFrame]:
    """Message lines and failure rows of one failed semantic check, recomputed from the table
    (pandera only knows the failing row numbers, not which column or why)."""
    uitkomst = _uitkomst(df, check)
    ot = uitkomst.overtredingen
    kop = f"  - controle {check.name}: "
    if uitkomst.fouten:
        kop += "de declaratie past niet op de tabel"
    else:
        kop += f"{ot.height} overtreding(en)"
    regels = [kop]
    regels += [f"      declaratie: {f}" for f in uitkomst.fouten]
    for o in ot.head(MAX_RIJEN_IN_MELDING).iter_rows(named=True):
        regels.append(
            f"      rij {o['rij']}, regio {o['regio']}, kolom {o['kolom']!r}: "
            f"{o['waarde']} — {o['toelichting']}"
        )
    if ot.height > MAX_RIJEN_IN_MELDING:
        regels.append(f"      … en nog {ot.height - MAX_RIJEN_IN_MELDING} overtreding(en)")
    fc = ot.select(
        pl.lit("DataFrameSchema").alias("schema_context"),
        pl.col("kolom").alias("column"),
        pl.lit(str(check.name)).alias("check"),
        pl.lit(nummer, pl.Int32).alias("check_number"),
        pl.col("waarde").alias("failure_case"),
        pl.col("rij").cast(pl.Int32).alias("index"),
        pl.col("regio"),
        pl.col("toelichting"),
    )
    if uitkomst.fouten:
        fc = pl.concat(
            [
                fc,
                pl.DataFrame(
                    {
                        "schema_context": "DataFrameSchema",
                        "check": str(check.name),
                        "check_number": nummer,
                        "failure_case": list(uitkomst.fouten),
                    },
                    schema_overrides={"check_number": pl.Int32},
                ),
            ],
            how="diagonal_relaxed",
        )
    return regels, fc


def _regels(
    naam: str, df: pl.DataFrame, failure_cases: pl.DataFrame
) -> tuple[list[str], pl.DataFrame]:
    semantisch = _semantische_checks(naam)
    is_semantisch = (pl.col("schema_context") == "DataFrameSchema") & pl.col("check_number").is_in(
        list(semantisch)
    )
    fc = failure_cases.filter(~is_semantisch.fill_null(False))
    regels = _pandera_regels(naam, df, fc)
    delen = [fc]
    nummers = failure_cases.filter(is_semantisch.fill_null(False))["check_number"].unique()
    for nummer in sorted(nummers.to_list()):
        try:
            extra, fc_extra = _semantische_regels(df, semantisch[nummer], nummer)
        except Exception as exc:  # the check itself broke: report what pandera caught
            extra = [f"  - controle {semantisch[nummer].name}: kon niet worden uitgevoerd: {exc}"]
            fc_extra = failure_cases.filter(pl.col("check_number") == nummer)
        regels += extra
        delen.append(fc_extra)
    return regels, pl.concat(delen, how="diagonal_relaxed")


def _pandera_regels(naam: str, df: pl.DataFrame, fc: pl.DataFrame) -> list[str]:
    """Lines for pandera's own checks: column, check, count and the first failing rows."""
    regels: list[str] = []
    if fc.height == 0:
        return regels
    rk = regio_kolom(naam)
    regio = df[rk].cast(pl.String) if rk is not None and rk in df.columns else None
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
                f"rij {r}: {w!r}{_regio_bij(regio, r, kolom == rk)}"
                for r, w in zip(rij["rijen"], rij["waarden"], strict=False)
            )
            detail += f" — {paren}"
        elif rij["waarden"]:
            detail += f" — gevonden: {', '.join(str(w) for w in rij['waarden'])}"
        regels.append("  - " + detail)
    return regels


def _regio_bij(regio: pl.Series | None, rij: int | None, zelfde_kolom: bool) -> str:
    if regio is None or rij is None or zelfde_kolom or not 0 <= rij < regio.len():
        return ""
    return f" (regio {regio[rij]})"


def semantiek_rapport(df: pl.DataFrame, naam: str) -> dict[str, Any]:
    """What each semantic check of schema ``naam`` resolved and found on ``df`` (columns per
    stem, stems this table lacks, exempted gemeenten and why, the largest deviation), for the
    check metadata; {} when the schema has none."""
    rapport: dict[str, Any] = {}
    for i, check in _semantische_checks(naam).items():
        sleutel = str(check.name)
        if sleutel in rapport:
            sleutel = f"{sleutel}#{i}"
        uitkomst = _uitkomst(df, check)
        rapport[sleutel] = {
            "geslaagd": uitkomst.geslaagd,
            **({"regel": check.description} if check.description else {}),
            **dict(uitkomst.rapport),
        }
    return rapport


def kolom_beschrijvingen(naam: str) -> dict[str, str]:
    """Column descriptions of a schema (used for COMMENT ON and the data dictionary)."""
    return {k: (c.description or "") for k, c in schema(naam).columns.items()}


def tabel_beschrijving(naam: str) -> str:
    return schema(naam).description or ""
