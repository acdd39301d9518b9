"""`nplv-monitor status` (the published editions) and `nplv-monitor datadictionary`."""

from __future__ import annotations

import argparse
from pathlib import Path

from nplv_monitor.config import DOCS_DIR, instellingen
from nplv_monitor.publicatie import datadictionary, edities


def registreer(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    st = sub.add_parser("status", help="toon de gepubliceerde edities")
    st.set_defaults(func=_status)
    ed = sub.add_parser("edities", help="beheer de edities (opruimen, markeren, herstellen)")
    esub = ed.add_subparsers(dest="edities_actie", required=True)
    op = esub.add_parser(
        "opruimen",
        help="bewaar de nieuwste N edities plus alle aan de Kamer gerapporteerde; de rest gaat "
        "uit het bestand",
    )
    op.add_argument("--bewaar", type=int, required=True, metavar="N")
    op.set_defaults(func=_opruimen)
    mk = esub.add_parser("markeer", help="markeer een editie als gerapporteerd aan de Kamer")
    mk.add_argument("editie")
    mk.add_argument("--gerapporteerd", action="store_true", required=True)
    mk.set_defaults(func=_markeer)
    hs = esub.add_parser(
        "herstel", help="zet het onaangeroerde bestand terug als iemand het gepubliceerde wijzigde"
    )
    hs.set_defaults(func=_herstel)
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


def _opruimen(args: argparse.Namespace) -> int:
    from nplv_monitor.publicatie import beheer

    weg = beheer.opruimen(instellingen().publicatie_db, args.bewaar)
    print(f"{len(weg)} editie(s) opgeruimd" + (": " + ", ".join(weg) if weg else ""))
    return 0


def _markeer(args: argparse.Namespace) -> int:
    from nplv_monitor.publicatie import beheer

    melding = beheer.markeer(instellingen().publicatie_db, args.editie)
    print(f"Editie {args.editie} is gemarkeerd als gerapporteerd; ze wordt nooit opgeruimd.")
    if melding:
        print(melding)
    return 0


def _herstel(args: argparse.Namespace) -> int:
    from nplv_monitor.publicatie import beheer

    print(beheer.herstel(instellingen().publicatie_db))
    return 0


def _datadictionary(args: argparse.Namespace) -> int:
    tekst = datadictionary.genereer()
    args.uit.write_text(tekst, encoding="utf-8")
    print(f"Datadictionary geschreven naar {args.uit}")
    return 0
