"""Subcommands: `nplv-monitor template`, `check-return` and `check-regelingen`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nplv_monitor.config import instellingen


def registreer(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    t = sub.add_parser(
        "template", help="maak het invulsjabloon van de uitvraag voor een focusgebied"
    )
    t.add_argument("--gebied", required=True, help="code van het focusgebied, bijv. heerlen_noord")
    t.add_argument("--jaar", required=True, type=int, help="jaar van de uitvraag, bijv. 2025")
    t.add_argument(
        "--uit",
        type=Path,
        default=None,
        help="map voor de bestanden (standaard <output>/sjablonen)",
    )
    t.set_defaults(func=_template)
    c = sub.add_parser(
        "check-return", help="controleer een ingevulde retour (xlsx of csv) zonder iets in te lezen"
    )
    c.add_argument("bestand", type=Path, metavar="FILE")
    c.add_argument("--jaar", type=int, default=None, help="verwacht jaar van de uitvraag")
    c.add_argument(
        "--alle",
        action="store_true",
        help="toon alle meldingen (standaard de eerste 20 en het aantal overige)",
    )
    c.set_defaults(func=_check_return)
    r = sub.add_parser("check-regelingen", help="controleer een regelingenexport per gebied (csv)")
    r.add_argument("bestand", type=Path, metavar="FILE")
    r.set_defaults(func=_check_regelingen)


def _template(args: argparse.Namespace) -> int:
    from nplv_monitor.realisatie.template import schrijf_template

    uit = args.uit or instellingen().output_dir / "sjablonen"
    xlsx, csv_pad = schrijf_template(args.gebied, args.jaar, uit)
    print(f"Sjabloon {args.gebied} {args.jaar}:\n  {xlsx}\n  {csv_pad}")
    return 0


def _check_return(args: argparse.Namespace) -> int:
    from nplv_monitor.realisatie.intake import lees_retour
    from nplv_monitor.realisatie.meldingen import RetourFout

    try:
        r = lees_retour(args.bestand, verwacht_jaar=args.jaar)
    except RetourFout as fout:
        if not args.alle:
            raise
        print(fout.tekst(alle=True), file=sys.stderr)
        return 2
    df = r.antwoorden
    beantwoord = df.filter(df["waarde"].is_not_null() | df["tekst"].is_not_null()).height
    print(
        f"Retour {r.bestand} is in orde: gebied {r.gebied}, jaar {r.jaar}, "
        f"{beantwoord} van {df.height} vragen beantwoord (sha256 {r.sha256[:12]}…). "
        "Er is niets ingelezen; zet het bestand in de inleveringsmap om het te laden."
    )
    return 0


def _check_regelingen(args: argparse.Namespace) -> int:
    from nplv_monitor.realisatie.regelingen import lees_gebiedsexport

    df = lees_gebiedsexport(args.bestand)
    print(f"Regelingenbestand {args.bestand.name} is in orde: {df.height} cijfers voor "
          f"{df['gebied_code'].n_unique()} gebied(en).")  # fmt: skip
    return 0
