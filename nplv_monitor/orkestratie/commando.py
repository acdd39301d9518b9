"""`nplv-monitor build [--rapportagejaar N]`: build and publish the whole monitor;
`nplv-monitor ui`: the Dagster UI on the same (persistent) Dagster instance."""

from __future__ import annotations

import argparse
import sys

#: Exit code of `build --streng` when a return was rejected (2 = the build itself failed).
STRENG_EXITCODE = 3


def registreer(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "build",
        help="bouw wat veranderde (één Dagster-run in dit proces) en publiceer een nieuwe editie",
    )
    p.add_argument(
        "--rapportagejaar",
        type=int,
        default=None,
        help="rapportagejaar van de editie (standaard het huidige kalenderjaar)",
    )
    p.add_argument(
        "--streng",
        action="store_true",
        help="eindig met exitcode 3 als er een geweigerde retour in de inleveringsmap staat "
        "(voor de geplande run); er wordt wel gebouwd en gepubliceerd",
    )
    p.add_argument(
        "--nieuwe-editie",
        action="store_true",
        help="publiceer een nieuwe editie, ook als invoer, codeversie en rapportagejaar gelijk "
        "zijn aan die van de nieuwste editie (standaard blijft het bestand dan ongemoeid)",
    )
    p.set_defaults(func=_build)

    u = sub.add_parser(
        "ui",
        help="start de Dagster-UI (dagster dev, 127.0.0.1) op dezelfde Dagster-instance als "
        "`nplv-monitor build` (DAGSTER_HOME, standaard <uitvoermap>/.dagster)",
    )
    u.add_argument("--poort", type=int, default=3000, help="poort van de UI (standaard 3000)")
    u.set_defaults(func=_ui)


def _build(args: argparse.Namespace) -> int:
    # Imported here so `nplv-monitor --help` does not load Dagster and every stage.
    from nplv_monitor.orkestratie.build import bouw

    def melden(regel: str) -> None:
        print(regel, flush=True)

    samenvatting = bouw(args.rapportagejaar, melden=melden, nieuwe_editie=args.nieuwe_editie)
    print()
    print(samenvatting.tekst())
    sys.stdout.flush()
    if args.streng and samenvatting.geweigerd:
        print(
            f"--streng: {len(samenvatting.geweigerd)} geweigerde retour(en) in de "
            "inleveringsmap (zie hierboven); exitcode 3.",
            file=sys.stderr,
        )
        return STRENG_EXITCODE
    return 0


def _ui(args: argparse.Namespace) -> int:
    from nplv_monitor.orkestratie.ui import start_dev

    return start_dev(args.poort)
