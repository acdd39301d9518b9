"""Dagster assets of group ``referentie``: regions per indeling year, the area register resolved
to buurten, comparison areas, the 2022 wijk crosswalk and the population check.

Each asset validates its table with Pandera before writing (``valideer_en_schrijf``). Inputs are
the bron.* tables of the working DuckDB file (``invoer.uit_werkdb``: the region dimension of every
KWB year, ``bron.kwb_regio_<jaar>``); downstream assets read the upstream ref tables.
"""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg

from nplv_monitor import materialisatie
from nplv_monitor.db import WerkDatabase, lees
from nplv_monitor.geografie import bevolkingscontrole as controle
from nplv_monitor.geografie import indeling, invoer, register, vergelijking

GROEP = "referentie"

KWB = dg.AssetKey(["bron", "kwb"])  # one table per KWB year (bron.kwb_<jaar>); all are read


def _bron(*tabellen: str) -> list[dg.AssetKey]:
    return [dg.AssetKey(["bron", t]) for t in tabellen]


Resultaat = Iterator[dg.AssetCheckResult | dg.MaterializeResult]


def _spec(tabel: str) -> list[dg.AssetCheckSpec]:
    return [materialisatie.check_spec(dg.AssetKey(["ref", tabel]), f"ref.{tabel}")]


@dg.asset(
    key=["ref", "regio_indeling"],
    group_name=GROEP,
    kinds={"duckdb", "polars"},
    deps=[KWB, *_bron("leefbaarometer_wijk")],
    check_specs=_spec("regio_indeling"),
)
def regio_indeling(werkdb: WerkDatabase) -> Resultaat:
    """Alle CBS-gemeenten, -wijken en -buurten per indelingsjaar (2020, 2024; 2022 alleen de wijken
    van de Leefbaarometer) met hun gemeente en wijk."""
    with werkdb.verbinding() as con:
        df = indeling.regio_indeling(invoer.uit_werkdb(con))
        yield from materialisatie.valideer_en_schrijf(
            con, df, schema_naam="ref.regio_indeling", doel="ref.regio_indeling"
        )


@dg.asset(
    key=["ref", "gebieden"],
    group_name=GROEP,
    kinds={"duckdb", "polars"},
    deps=[regio_indeling, *_bron("nplv_gebieden")],
    check_specs=_spec("gebieden"),
)
def gebieden(werkdb: WerkDatabase) -> Resultaat:
    """De 20 focusgebieden (uit assets/gebieden.yaml) en hun vergelijkingsgebieden: gemeente, rest
    van de gemeente, alle focusgebieden samen en Nederland."""
    reg = register.lees_register()
    with werkdb.verbinding() as con:
        ind = lees(con, "select * from ref.regio_indeling")
        df = vergelijking.gebieden(reg, ind, invoer.uit_werkdb(con).gepubliceerd)
        yield from materialisatie.valideer_en_schrijf(
            con, df, schema_naam="ref.gebieden", doel="ref.gebieden", bron=str(reg.pad)
        )


@dg.asset(
    key=["ref", "gebied_buurten"],
    group_name=GROEP,
    kinds={"duckdb", "polars"},
    deps=[regio_indeling, gebieden],
    check_specs=_spec("gebied_buurten"),
)
def gebied_buurten(werkdb: WerkDatabase) -> Resultaat:
    """Buurten per gebied en indelingsjaar voor elke rij van ref.gebieden; het register wordt eerst
    gecontroleerd (bestaande codes, binnen de gemeente, geen buurt in twee focusgebieden)."""
    reg = register.lees_register()
    with werkdb.verbinding() as con:
        ind = lees(con, "select * from ref.regio_indeling")
        geb = lees(con, "select * from ref.gebieden")
        df = vergelijking.gebied_buurten(register.los_op(reg, ind), geb, ind)
        yield from materialisatie.valideer_en_schrijf(
            con, df, schema_naam="ref.gebied_buurten", doel="ref.gebied_buurten", bron=str(reg.pad)
        )


@dg.asset(
    key=["ref", "gebied_wijken"],
    group_name=GROEP,
    kinds={"duckdb", "polars"},
    deps=[regio_indeling, gebied_buurten, KWB, *_bron("bevolking_buurt_2024")],
    check_specs=_spec("gebied_wijken"),
)
def gebied_wijken(werkdb: WerkDatabase) -> Resultaat:
    """Koppeling van de wijkindeling 2022 (Leefbaarometer-wijkscores) aan de gebieden, met het
    aandeel van de inwoners van elke wijk dat in het gebied woont."""
    with werkdb.verbinding() as con:
        inwoners = indeling.buurt_inwoners(invoer.uit_werkdb(con))
        ind = lees(con, "select * from ref.regio_indeling")
        gb = lees(con, "select * from ref.gebied_buurten")
        df = vergelijking.gebied_wijken(gb, ind, inwoners)
        yield from materialisatie.valideer_en_schrijf(
            con, df, schema_naam="ref.gebied_wijken", doel="ref.gebied_wijken"
        )


@dg.asset(
    key=["ref", "bevolkingscontrole"],
    group_name=GROEP,
    kinds={"duckdb", "polars"},
    deps=[gebieden, gebied_buurten, KWB, *_bron("bevolking_buurt_2024")],
    check_specs=_spec("bevolkingscontrole"),
)
def bevolkingscontrole(werkdb: WerkDatabase) -> Resultaat:
    """Inwoners van elk focusgebied per indelingsjaar naast de door CBS gepubliceerde inwoners op
    1-1-2025, met verschil en vlag (doel 5%, grens 10%; alle gebieden samen 3%)."""
    with werkdb.verbinding() as con:
        inwoners = indeling.buurt_inwoners(invoer.uit_werkdb(con))
        geb = lees(con, "select * from ref.gebieden")
        gb = lees(con, "select * from ref.gebied_buurten")
        df = controle.bevolkingscontrole(gb, geb, inwoners)
        buiten = df.filter(
            df["vlag"].is_in(["buiten_10pct", "buiten_3pct"]) & (df["indelingsjaar"] == 2024)
        )
        yield from materialisatie.valideer_en_schrijf(
            con,
            df,
            schema_naam="ref.bevolkingscontrole",
            doel="ref.bevolkingscontrole",
            extra_metadata={"buiten_grens_2024": buiten.height},
        )
