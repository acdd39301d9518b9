"""Subcommands for the snapshot: `nplv-monitor snapshot importeer|controleer`."""

from __future__ import annotations

import argparse
from pathlib import Path

from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.bronnen.snapshot_herkomst import HERKOMST_PAD
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR


def registreer(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("snapshot", help="het meegeleverde snapshot van open data")
    s = p.add_subparsers(dest="snapshot_commando", metavar="ACTIE", required=True)
    imp = s.add_parser(
        "importeer",
        help="bouw assets/snapshot opnieuw uit een map met de originele downloads",
        description="Indeling van de map en herkomst van elk bestand: docs/snapshot.md.",
    )
    imp.add_argument(
        "--van",
        type=Path,
        required=True,
        metavar="MAP",
        help="map met de originele downloads (cbs/, leefbaarometer/, rivm/, nplv/)",
    )
    imp.add_argument("--naar", type=Path, default=DEFAULT_SNAPSHOT_DIR)
    imp.add_argument(
        "--herkomst",
        type=Path,
        default=HERKOMST_PAD,
        metavar="YAML",
        help="wat elke originele download is en hoe hij wordt omgezet "
        "(standaard assets/snapshot_herkomst.yaml)",
    )
    imp.set_defaults(func=_importeer)
    ctl = s.add_parser("controleer", help="controleer de sha256 van elk snapshotbestand")
    ctl.set_defaults(func=_controleer)


def _importeer(args: argparse.Namespace) -> int:
    from nplv_monitor.bronnen.importeer_gedeeld import importeer

    r = importeer(args.van, args.naar, herkomst=args.herkomst)
    print(
        f"{r.bestanden} bestanden in {args.naar}: {len(r.nieuw)} nieuw, "
        f"{len(r.gewijzigd)} gewijzigd, {len(r.ongewijzigd)} ongewijzigd, "
        f"{len(r.verwijderd)} verwijderd; "
        + ("manifest bijgewerkt" if r.manifest_vervangen else "manifest ongewijzigd")
    )
    for soort, paden in (
        ("nieuw", r.nieuw),
        ("gewijzigd", r.gewijzigd),
        ("verwijderd", r.verwijderd),
    ):
        for pad in paden:
            print(f"  {soort}: {pad}")
    return 0


def _controleer(args: argparse.Namespace) -> int:
    snap = Snapshot()
    entries = snap.manifest()
    for rel in sorted(entries):
        snap.pad(rel)
    print(f"{len(entries)} bestanden in {snap.map}: alle sha256 kloppen met het manifest")
    return 0
