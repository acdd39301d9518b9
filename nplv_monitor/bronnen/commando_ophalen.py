"""`nplv-monitor ophalen`: fetch sources online into the snapshot; offline stays the default.

    nplv-monitor ophalen --tabel <tabelnummer>     one CBS table (catalogue from the register;
                                                   the numbers are in assets/bronnen.yaml)
    nplv-monitor ophalen --kwb 2024                Kerncijfers wijken en buurten of a year
    nplv-monitor ophalen --alles                   every table of assets/bronnen.yaml
    nplv-monitor ophalen --leefbaarometer URL      the Leefbaarometer open-data zip

The CBS base URL comes from ``--basis-url`` or ``NPLV_CBS_BASIS_URL`` (e.g. a mirror or the test
replay server: ``http://127.0.0.1:8080/{catalogus}``); the snapshot from ``--snapshot`` or
``NPLV_SNAPSHOT_DIR``. A table whose ``Modified`` date is unchanged is skipped.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from nplv_monitor.bronnen import register
from nplv_monitor.bronnen.cbs_client import ververs_tabel
from nplv_monitor.bronnen.cbs_online import STANDAARD_POGINGEN, STANDAARD_TIMEOUT_S
from nplv_monitor.bronnen.leefbaarometer_online import download_leefbaarometer
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.errors import BronFout


def registreer(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "ophalen",
        help="haal bronnen online op in het snapshot (CBS-tabellen, Leefbaarometer-zip)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    wat = p.add_mutually_exclusive_group(required=True)
    wat.add_argument("--tabel", metavar="ID", help="CBS-tabelnummer (zie assets/bronnen.yaml)")
    wat.add_argument(
        "--kwb", type=int, metavar="JAAR", help="Kerncijfers wijken en buurten van JAAR"
    )
    wat.add_argument("--alles", action="store_true", help="alle tabellen uit assets/bronnen.yaml")
    wat.add_argument("--leefbaarometer", metavar="URL", help="URL van de open-data-zip")
    p.add_argument("--catalogus", help="opendata.cbs.nl of dataderden.cbs.nl (standaard: register)")
    p.add_argument("--basis-url", help="CBS-basis-URL of spiegel; standaard NPLV_CBS_BASIS_URL")
    p.add_argument("--snapshot", type=Path, help="snapshotmap (standaard NPLV_SNAPSHOT_DIR)")
    p.add_argument(
        "--timeout", type=float, default=STANDAARD_TIMEOUT_S, help="seconden per verzoek"
    )
    p.add_argument("--pogingen", type=int, default=STANDAARD_POGINGEN)
    p.add_argument("--forceer", action="store_true", help="ook ophalen als Modified gelijk is")
    p.set_defaults(func=_ophalen)


def _ophalen(args: argparse.Namespace) -> int:
    snap = Snapshot(args.snapshot)
    if args.leefbaarometer:
        lbm = download_leefbaarometer(
            args.leefbaarometer, snap, timeout_s=args.timeout, pogingen=args.pogingen
        )
        print(f"Leefbaarometer: {', '.join(lbm.bestanden)} bijgewerkt ({lbm.rijen})")
        return 0
    if args.alles:
        ids = [t.tabel_id for t in register.tabellen()]
    elif args.kwb is not None:
        ids = [register.kwb_tabel_id(args.kwb)]
    else:
        ids = [args.tabel]
    fouten: list[str] = []
    for tabel_id in ids:
        try:
            res = ververs_tabel(
                tabel_id,
                snap,
                catalogus=args.catalogus,
                timeout_s=args.timeout,
                pogingen=args.pogingen,
                basis_url=args.basis_url,
                forceer=args.forceer,
            )
        except BronFout as fout:
            if len(ids) == 1:
                raise
            fouten.append(f"{tabel_id}: {fout}")  # --alles: go on, report at the end
            continue
        print(res.samenvatting())
    if fouten:
        raise BronFout(
            f"{len(fouten)} van {len(ids)} tabellen niet opgehaald:\n" + "\n".join(fouten)
        )
    return 0
