"""`nplv-monitor` — the command line for analysts and area officers.

Each stage contributes its subcommands through a ``registreer(subparsers)`` function in its own
``commando.py``; this module wires them up and turns NplvFout into a clear message and exit code 2
(no traceback for errors the user can act on).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from nplv_monitor import __version__
from nplv_monitor.errors import NplvFout

COMMANDO_MODULES = [
    "nplv_monitor.bronnen.commando",
    "nplv_monitor.geografie.commando",
    "nplv_monitor.indicatoren.commando",
    "nplv_monitor.realisatie.commando",
    "nplv_monitor.bronnen.commando_ophalen",
    "nplv_monitor.orkestratie.commando",
    "nplv_monitor.publicatie.commando",
    "nplv_monitor.rapportage.commando",
]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="nplv-monitor",
        description="Monitor Nationaal Programma Leefbaarheid en Veiligheid (NPLV).",
    )
    p.add_argument("--version", action="version", version=f"nplv-monitor {__version__}")
    sub = p.add_subparsers(dest="commando", metavar="COMMANDO", required=True)
    for naam in COMMANDO_MODULES:
        importlib.import_module(naam).registreer(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        resultaat = args.func(args)
    except NplvFout as fout:
        print(f"fout: {fout}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("afgebroken", file=sys.stderr)
        return 130
    return int(resultaat or 0)


def pad_argument(waarde: str) -> Path:
    return Path(waarde).expanduser()


if __name__ == "__main__":
    raise SystemExit(main())
