"""`nplv-monitor report [--gebied CODE]`: regenerate the annex from the published DuckDB file."""

from __future__ import annotations

import argparse
from pathlib import Path


def registreer(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "report",
        help="maak de bijlage (Excel en HTML) opnieuw uit het gepubliceerde DuckDB-bestand",
        description="Leest output/nplv_monitor.duckdb (alleen lezen) en schrijft het werkboek en de "
        "HTML-rapporten naar output/rapportage/<editie>/ (en een kopie in output/rapportage/nieuwste/). Er wordt niets herberekend.",
    )
    p.add_argument(
        "--gebied",
        metavar="CODE",
        help="alleen het rapport van dit focusgebied (bijv. rotterdam_zuid)",
    )
    p.add_argument("--publicatie", type=Path, help="ander gepubliceerd DuckDB-bestand")
    p.add_argument(
        "--uit",
        type=Path,
        help="andere uitvoermap (standaard output/rapportage/<editie>/ plus nieuwste/)",
    )
    p.set_defaults(func=_report)


def _report(args: argparse.Namespace) -> int:
    from nplv_monitor.rapportage.maak import maak

    res = maak(args.publicatie, args.uit, args.gebied)
    print(f"editie {res.editie}")
    if res.werkboek:
        print(f"werkboek: {res.werkboek}")
    for pad in res.html:
        print(f"html: {pad}")
    return 0
