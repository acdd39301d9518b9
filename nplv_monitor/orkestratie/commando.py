"""`nplv-monitor build [--rapportagejaar N]`: build and publish the whole monitor."""

from __future__ import annotations

import argparse
import sys

from nplv_monitor.orkestratie import partities


def registreer(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "build",
        help="bouw de hele monitor (Dagster, in dit proces) en publiceer een nieuwe editie",
    )
    p.add_argument(
        "--rapportagejaar",
        type=int,
        default=None,
        help="rapportagejaar van de editie (standaard het huidige jaar, "
        f"{partities.huidig_rapportagejaar()})",
    )
    p.set_defaults(func=_build)


def _build(args: argparse.Namespace) -> int:
    # Imported here so `nplv-monitor --help` does not load Dagster and every stage.
    from nplv_monitor.orkestratie.build import bouw

    def melden(regel: str) -> None:
        print(regel, flush=True)

    samenvatting = bouw(args.rapportagejaar, melden=melden)
    print()
    print(samenvatting.tekst())
    sys.stdout.flush()
    return 0
