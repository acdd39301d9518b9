"""`nplv-monitor status` (the published editions) and `nplv-monitor datadictionary`."""

from __future__ import annotations

import argparse
from pathlib import Path

from nplv_monitor.config import DOCS_DIR, instellingen
from nplv_monitor.publicatie import datadictionary, edities


def registreer(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    st = sub.add_parser("status", help="toon de gepubliceerde edities")
    st.set_defaults(func=_status)
    dd = sub.add_parser(
        "datadictionary", help="genereer de datadictionary uit schemas/ en catalogus"
    )
    dd.add_argument("--uit", type=Path, default=DOCS_DIR / "datadictionary.md")
    dd.set_defaults(func=_datadictionary)


def _status(args: argparse.Namespace) -> int:
    pad = instellingen().publicatie_db
    df, bron = edities.lijst_met_terugval(pad)
    print(f"Gepubliceerd bestand: {pad}" + ("" if bron == pad else f" (gelezen uit {bron})"))
    print(f"{df.height} editie(s), nieuwste eerst:")
    for r in df.iter_rows(named=True):
        telling = (
            f"{r['aantal_indicatorwaarden']} waarden (ok {r['aantal_ok']}, onderdrukt "
            f"{r['aantal_onderdrukt']}, ontbreekt {r['aantal_ontbreekt']})"
            if r["aantal_indicatorwaarden"] is not None
            else "nog geen indicatorwaarden"
        )
        print(
            f"  {r['editie_id']:<40} rapportagejaar {r['rapportagejaar']}  "
            f"{r['gepubliceerd_op']:%Y-%m-%d %H:%M:%S} UTC  "
            f"snapshot {r['snapshot_sha256'][:12]}  {telling}"
        )
    return 0


def _datadictionary(args: argparse.Namespace) -> int:
    tekst = datadictionary.genereer()
    args.uit.write_text(tekst, encoding="utf-8")
    print(f"Datadictionary geschreven naar {args.uit}")
    return 0
