"""Subcommands for the snapshot: `nplv-monitor snapshot importeer|controleer`."""

from __future__ import annotations

import argparse
from pathlib import Path

from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR, PROJECT_ROOT


def registreer(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("snapshot", help="het meegeleverde snapshot van open data")
    s = p.add_subparsers(dest="snapshot_commando", metavar="ACTIE", required=True)
    imp = s.add_parser("importeer", help="bouw assets/snapshot opnieuw uit de gedeelde data")
    imp.add_argument("--van", type=Path, default=PROJECT_ROOT.parent / "shared" / "data")
    imp.add_argument("--naar", type=Path, default=DEFAULT_SNAPSHOT_DIR)
    imp.set_defaults(func=_importeer)
    ctl = s.add_parser("controleer", help="controleer de sha256 van elk snapshotbestand")
    ctl.set_defaults(func=_controleer)


def _importeer(args: argparse.Namespace) -> int:
    from nplv_monitor.bronnen.importeer_gedeeld import importeer

    n = importeer(args.van, args.naar)
    print(f"{n} bestanden in {args.naar}, manifest bijgewerkt")
    return 0


def _controleer(args: argparse.Namespace) -> int:
    snap = Snapshot()
    entries = snap.manifest()
    for rel in sorted(entries):
        snap.pad(rel)
    print(f"{len(entries)} bestanden in {snap.map}: alle sha256 kloppen met het manifest")
    return 0
