"""`nplv-monitor indicatoren`: the catalogue with familie, actielijn, source and years with data."""

from __future__ import annotations

import argparse

import polars as pl


def registreer(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("indicatoren", help="toon de indicatorcatalogus en de jaren met data")
    p.add_argument("--familie", choices=["context", "gebiedsrealisatie", "gebiedseffect"])
    p.set_defaults(func=_toon)


def _toon(args: argparse.Namespace) -> int:
    from nplv_monitor.indicatoren.bouw import catalogus_frame
    from nplv_monitor.indicatoren.catalogus import laad_catalogus
    from nplv_monitor.metingen import bouw, bronframes

    catalogus = laad_catalogus()
    # Which years have data follows from the snapshot's tables (the same reading as the pipeline).
    bv = bouw.bouw_metingen(bronframes.uit_snapshot(), catalogus).bronvariabelen
    df = catalogus_frame(catalogus, bv)
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
