"""`nplv-monitor gebieden`: the population check of the area register, one row per area and year.

``--afleiden <jaar>`` shows instead what the derivation from the previous indeling
(``geografie.afleiding``) decides for every area in that year, next to the register's own list.
"""

from __future__ import annotations

import argparse

import polars as pl

from nplv_monitor.config import instellingen
from nplv_monitor.db import verbind
from nplv_monitor.errors import BronFout, RegisterFout
from nplv_monitor.geografie import afleiding, indeling, invoer, register, vergelijking
from nplv_monitor.geografie import bevolkingscontrole as controle
from nplv_monitor.geografie.gebieden import ALLE_FOCUSGEBIEDEN, aantal_focusgebieden


def registreer(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "gebieden",
        help="controleer het gebiedenregister tegen de gepubliceerde inwoners (per gebied en jaar)",
    )
    # No choices= here: the years come from the register, which is read when the command runs.
    p.add_argument("--jaar", type=int, help="alleen dit indelingsjaar (een jaar uit het register)")
    p.add_argument(
        "--afleiden",
        type=int,
        metavar="JAAR",
        help="toon per gebied wat de afleiding uit het vorige indelingsjaar beslist, naast het "
        "register",
    )
    p.set_defaults(func=_gebieden)


def _invoer() -> invoer.Invoer:
    """The geography's inputs: the bron tables of the work DB, as the assets read them."""
    pad = instellingen().werk_db
    if not pad.exists():
        raise BronFout(
            f"Geen werkdatabase {pad}: draai eerst `nplv-monitor build` (of materialiseer de "
            "groep bronnen)."
        )
    with verbind(pad, read_only=True) as con:
        return invoer.uit_werkdb(con)


def bereken() -> pl.DataFrame:
    """The population check computed straight from the register and the work DB's bron tables."""
    inv = _invoer()
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
            f"totaal ({aantal_focusgebieden()} gebieden)"
            if r["gebied_code"] == ALLE_FOCUSGEBIEDEN
            else r["gebied_code"]
        )
        inwoners = "–" if r["inwoners"] is None else f"{r['inwoners']:,}"
        verschil = "–" if r["verschil_pct"] is None else f"{r['verschil_pct']:+.1f}%"
        regel = (
            f"{naam:<26} {r['indelingsjaar']:>4} {r['buurten']:>7} {inwoners:>9} "
            f"{r['inwoners_gepubliceerd_2025']:>9,} {verschil:>8}  " + " ".join(vlaggen)
        )
        regels.append(regel.rstrip())
    return "\n".join(regels).replace(",", ".")


def afleiding_tabel(jaar: int) -> pl.DataFrame:
    """Per area: the derivation of ``jaar`` from the previous register year against the register's
    own list for ``jaar`` (``afleiding.vergelijk``)."""
    reg = register.lees_register()
    inv = _invoer()
    ind = indeling.regio_indeling(inv)
    opgelost = register.los_op(reg, ind)
    jaren = register.indelingsjaren(reg, ind)
    vorig = jaren[jaren.index(jaar) - 1] if jaar in jaren[1:] else jaar
    # afleiding_van refuses a year that cannot be derived (the first one, or one not in the DB).
    afl = register.afleiding_van(reg, ind, opgelost.filter(pl.col("indelingsjaar") == vorig), jaar)
    inwoners = indeling.buurt_inwoners(inv).filter(pl.col("indelingsjaar") == jaar)
    return afleiding.vergelijk(afl, opgelost.filter(pl.col("indelingsjaar") == jaar), inwoners)


def _afleiding(jaar: int) -> int:
    df = afleiding_tabel(jaar)
    kop = (
        f"{'gebied':<26} {'afgeleid':>8} {'onbeslist':>9} {'register':>8} {'gelijk':>6} "
        f"{'inw. register':>13} {'inw. gelijk':>11}"
    )
    print(kop)
    print("-" * len(kop))
    for r in df.iter_rows(named=True):
        print(
            f"{r['gebied_code']:<26} {r['buurten_afgeleid']:>8} {r['buurten_onbeslist']:>9} "
            f"{r['buurten_register']:>8} {r['buurten_gemeenschappelijk']:>6} "
            f"{r['inwoners_register']:>13,} {r['inwoners_gemeenschappelijk']:>11,}".replace(
                ",", "."
            )
        )
    print(
        f"\nafgeleid: buurten die de afleiding uit het vorige indelingsjaar aan het gebied geeft; "
        f"onbeslist: buurten die het gebied als kandidaat hebben; register/gelijk: de lijst voor "
        f"{jaar} in assets/gebieden.yaml en het deel dat de afleiding ook geeft (buurten, "
        "inwoners). Zie docs/geografie.md, 'Een nieuwe indeling'."
    )
    return 0


def _gebieden(args: argparse.Namespace) -> int:
    if args.afleiden is not None:
        return _afleiding(args.afleiden)
    df = bereken()
    if args.jaar is not None:
        jaren = sorted(df["indelingsjaar"].unique().to_list())
        if args.jaar not in jaren:
            raise RegisterFout(
                f"{register.REGISTER_PAD}: indeling {args.jaar} staat niet in het register "
                f"(indelingsjaren: {', '.join(map(str, jaren))})."
            )
        df = df.filter(pl.col("indelingsjaar") == args.jaar)
    print(tabel(df))
    print(
        "\nInwoners op 1 januari van het indelingsjaar (KWB van dat jaar of het inwonersbestand uit het bronnenregister)"
        " tegen de door CBS gepubliceerde inwoners op 1-1-2025; '–' = geen inwonertal voor dat"
        " indelingsjaar.\nDoel: elk gebied binnen 5% in indeling 2024, grens 10%; alle gebieden"
        " samen binnen 3%. Zie docs/geografie.md."
    )
    return 0
