"""`nplv-monitor gebieden`: the population check of the area register, one row per area and year."""

from __future__ import annotations

import argparse

import polars as pl

from nplv_monitor.geografie import bevolkingscontrole as controle
from nplv_monitor.geografie import indeling, invoer, register, vergelijking
from nplv_monitor.geografie.vergelijking import ALLE_FOCUSGEBIEDEN


def registreer(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "gebieden",
        help="controleer het gebiedenregister tegen de gepubliceerde inwoners (per gebied en jaar)",
    )
    p.add_argument("--jaar", type=int, choices=indeling.BUURTJAREN, help="alleen dit indelingsjaar")
    p.set_defaults(func=_gebieden)


def bereken() -> pl.DataFrame:
    """The population check computed straight from the register and the snapshot."""
    inv = invoer.uit_snapshot()
    ind = indeling.regio_indeling(inv)
    reg = register.lees_register()
    geb = vergelijking.gebieden(reg, ind, inv.gepubliceerd)
    gb = vergelijking.gebied_buurten(register.los_op(reg, ind), geb, ind)
    return controle.bevolkingscontrole(gb, geb, indeling.buurt_inwoners(inv))


def tabel(df: pl.DataFrame) -> str:
    kop = (
        f"{'gebied':<26} {'jaar':>4} {'buurten':>7} {'inwoners':>9} {'gepubl.':>9} "
        f"{'verschil':>8}  vlag"
    )
    regels = [kop, "-" * len(kop) + "-" * 14]
    volgorde = df.sort(pl.col("gebied_code") == ALLE_FOCUSGEBIEDEN, "gebied_code", "indelingsjaar")
    totaal_gezien = False
    for r in volgorde.iter_rows(named=True):
        if r["gebied_code"] == ALLE_FOCUSGEBIEDEN and not totaal_gezien:
            regels.append(regels[1])
            totaal_gezien = True
        vlaggen = [] if r["vlag"] == "ok" else [r["vlag"]]
        if r["definitie_wijkt_af"]:
            vlaggen.append("definitie_wijkt_af")
        naam = (
            "totaal (20 gebieden)" if r["gebied_code"] == ALLE_FOCUSGEBIEDEN else r["gebied_code"]
        )
        regel = (
            f"{naam:<26} {r['indelingsjaar']:>4} {r['buurten']:>7} {r['inwoners']:>9,} "
            f"{r['inwoners_gepubliceerd_2025']:>9,} {r['verschil_pct']:>+7.1f}%  "
            + " ".join(vlaggen)
        )
        regels.append(regel.rstrip())
    return "\n".join(regels).replace(",", ".")


def _gebieden(args: argparse.Namespace) -> int:
    df = bereken()
    if args.jaar is not None:
        df = df.filter(pl.col("indelingsjaar") == args.jaar)
    print(tabel(df))
    print(
        "\nInwoners op 1 januari van het indelingsjaar (2020: KWB 84799NED; 2024: 85984NED)"
        " tegen de door CBS gepubliceerde inwoners op 1-1-2025.\nDoel: elk gebied binnen 5% in"
        " indeling 2024, grens 10%; alle gebieden samen binnen 3%. Zie docs/geografie.md."
    )
    return 0
