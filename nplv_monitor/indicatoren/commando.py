"""`nplv-monitor indicatoren`: the catalogue with familie, actielijn, source and years with data."""

from __future__ import annotations

import argparse

import polars as pl

BRONVARIABELEN = "metingen.bronvariabelen"


def registreer(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("indicatoren", help="toon de indicatorcatalogus en de jaren met data")
    p.add_argument("--familie", choices=["context", "gebiedsrealisatie", "gebiedseffect"])
    p.set_defaults(func=_toon)


def _toon(args: argparse.Namespace) -> int:
    from nplv_monitor.db import lees
    from nplv_monitor.indicatoren.bouw import catalogus_frame
    from nplv_monitor.indicatoren.catalogus import laad_catalogus
    from nplv_monitor.werktabellen import werkdb_lezen

    # Which years have data: the metingen stage's own count in the work DB (stage boundary: no
    # stage after bronnen reads the snapshot), against the catalogue as it is now.
    with werkdb_lezen([BRONVARIABELEN]) as con:
        bv = lees(con, f"select * from {BRONVARIABELEN}")
    df = catalogus_frame(laad_catalogus(), bv)
    if args.familie:
        df = df.filter(pl.col("familie") == args.familie)
    print(f"{'indicator':<38} {'familie':<14} {'actielijn':<10} {'bron':<24} jaren met data")
    print("-" * 100)
    for rij in df.sort("familie", "actielijn", "indicator_code").iter_rows(named=True):
        jaren = rij["jaren_met_data"] or "-"
        leeg = f" (leeg: {rij['jaren_zonder_data']})" if rij["jaren_zonder_data"] else ""
        print(
            f"{rij['indicator_code']:<38} {rij['familie']:<14} {rij['actielijn']:<10} "
            f"{rij['bron']:<24} data: {jaren}{leeg}"
        )
    per_familie = ", ".join(
        f"{r['familie']} {r['len']}"
        for r in df.group_by("familie").len().sort("familie").iter_rows(named=True)
    )
    print(f"{df.height} indicatoren ({per_familie})")
    return 0
