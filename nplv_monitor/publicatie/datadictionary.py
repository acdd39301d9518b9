"""The data dictionary (docs/datadictionary.md), generated from ``schemas/`` and the catalogue.

One source of truth: the same schema descriptions become COMMENT ON in the published file. Run
``nplv-monitor datadictionary`` after changing a schema or the catalogue and commit the result.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from nplv_monitor import validatie
from nplv_monitor.config import SCHEMAS_DIR
from nplv_monitor.publicatie import commentaar, edities, views

#: Order of the DuckDB schemas in the document: the direction data flows.
VOLGORDE = ["bron", "ref", "metingen", "monitor", "realisatie", "publicatie"]


def _cel(waarde: Any) -> str:
    tekst = "" if waarde is None else str(waarde)
    return tekst.replace("|", "\\|").replace("\n", " ")


def _controles(kolom: Any) -> str:
    delen = []
    for check in getattr(kolom, "checks", []) or []:
        stats = {
            k: v for k, v in (getattr(check, "statistics", None) or {}).items() if v is not None
        }
        naam = getattr(check, "name", None) or str(check)
        delen.append(f"{naam}({', '.join(f'{k}={v}' for k, v in stats.items())})")
    if getattr(kolom, "unique", False):
        delen.append("uniek")
    return "; ".join(delen)


def schema_namen() -> list[str]:
    namen = [p.stem for p in SCHEMAS_DIR.glob("*.yaml")]
    return sorted(
        namen,
        key=lambda n: (
            VOLGORDE.index(n.split(".")[0]) if n.split(".")[0] in VOLGORDE else len(VOLGORDE),
            n,
        ),
    )


def _tabel_sectie(naam: str) -> list[str]:
    sch = validatie.schema(naam)
    regels = [f"### `{naam}`", "", sch.description or "(geen omschrijving)", ""]
    uniek = sch.unique
    if uniek:
        regels += [f"Sleutel (uniek): {', '.join(f'`{k}`' for k in uniek)}", ""]
    regels += ["| kolom | type | leeg mag | controles | omschrijving |", "|---|---|---|---|---|"]
    for kolomnaam, kolom in sch.columns.items():
        regels.append(
            f"| `{kolomnaam}` | {_cel(kolom.dtype)} | {'ja' if kolom.nullable else 'nee'} | "
            f"{_cel(_controles(kolom))} | {_cel(kolom.description)} |"
        )
    return [*regels, ""]


def _historie_sectie() -> list[str]:
    info = commentaar.beschrijvingen(edities.WIJZIGINGEN)
    if info is None:
        return []
    omschrijving, _ = info
    regels = [
        f"### `{edities.WIJZIGINGEN}`",
        "",
        omschrijving,
        "",
        "Kolommen: `editie_id`, `vervangen_in` plus alle kolommen van "
        "`monitor.indicatorwaarden` (kolommen die in een latere editie bijkomen, zijn leeg voor "
        f"eerdere edities). De view `{edities.HISTORIE}` heeft `editie_id` plus die kolommen, "
        "één rij per editie en waarde.",
        "",
    ]
    return regels


def _views_sectie() -> list[str]:
    regels = [
        "## Views voor veelgestelde vragen",
        "",
        "Een view staat alleen in het bestand als de tabellen die hij leest er zijn.",
        "",
        "| view | leest | omschrijving |",
        "|---|---|---|",
    ]
    for v in views.VIEWS:
        regels.append(
            f"| `{v.naam}` | {', '.join(f'`{t}`' for t in v.vereist)} | {_cel(v.omschrijving)} |"
        )
    return [*regels, ""]


def _catalogus_sectie() -> list[str]:
    try:
        from nplv_monitor.indicatoren.catalogus import laad_catalogus
    except ImportError:  # the indicator stage has not landed in this checkout
        return []
    df: pl.DataFrame = laad_catalogus().frame()
    regels = [
        "## Indicatorcatalogus (`monitor.indicatoren`)",
        "",
        f"{df.height} indicatoren uit `assets/indicatoren/*.yaml`.",
        "",
        "| indicator_code | naam | familie | actielijn | eenheid | bron | omschrijving |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in df.sort(["familie", "actielijn", "indicator_code"]).iter_rows(named=True):
        regels.append(
            f"| `{r['indicator_code']}` | {_cel(r['naam'])} | {r['familie']} | {r['actielijn']} | "
            f"{_cel(r['eenheid'])} | {_cel(r['bron'])} | {_cel(r['omschrijving'])} |"
        )
    return [*regels, ""]


def genereer() -> str:
    """The whole dictionary as Markdown (deterministic: only repository files are read)."""
    regels = [
        "# Datadictionary nplv-monitor",
        "",
        "<!-- Gegenereerd door `nplv-monitor datadictionary` uit schemas/*.yaml en de "
        "indicatorcatalogus; niet met de hand bewerken. -->",
        "",
        "Alle tabellen in `output/nplv_monitor.duckdb` (het bestand voor analisten). Dezelfde "
        "omschrijvingen staan als `COMMENT ON` in het bestand: `SELECT * FROM duckdb_columns()`.",
        "",
        "## Tabellen",
        "",
    ]
    for naam in schema_namen():
        regels += _tabel_sectie(naam)
    regels += _historie_sectie()
    regels += _views_sectie()
    regels += _catalogus_sectie()
    return "\n".join(regels).rstrip() + "\n"
