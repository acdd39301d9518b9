"""The source frames the geography needs, read from the work DB and normalised to plain names.

Which indelingen exist follows from the source registry: every KWB year whose region dimension
was loaded (``bron.kwb_regio_<jaar>``, the table's own ``WijkenEnBuurten``) is an indeling; its
inhabitants per buurt come from that year's KWB table or, where the registry names a complete
population table for that indeling (``indeling_inwoners``), from that table. The 2022 wijk
indeling of the Leefbaarometer file is the one extra. Nothing here opens a snapshot file.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from nplv_monitor.bronnen import register
from nplv_monitor.db import lees
from nplv_monitor.errors import BronFout
from nplv_monitor.metingen.sleutels import concept

BRON_2022 = "Leefbaarometer 3.0 wijkscores 2002-2022 (wijkindeling 2022)"


@dataclass(frozen=True)
class Indeling:
    """One CBS indeling year: its regions (code, naam, gemeentecode, inwoners)."""

    jaar: int
    #: code, naam, gemeentecode, inwoners (1 January of the year; null where CBS suppressed it)
    regio: pl.DataFrame
    bron: str


@dataclass(frozen=True)
class Invoer:
    """Normalised inputs (codes stripped of CBS padding)."""

    indelingen: dict[int, Indeling]
    #: wijkcode, wijknaam
    wijken_2022: pl.DataFrame
    #: gebied, gemeentecode, inwoners_2025 (persons, published x1000 times 1000)
    gepubliceerd: pl.DataFrame

    def indeling(self, jaar: int) -> Indeling:
        try:
            return self.indelingen[jaar]
        except KeyError:
            raise BronFout(
                f"Geen regio-indeling {jaar} in de werkdatabase (bron.kwb_regio_{jaar}); bekend: "
                f"{sorted(self.indelingen)}."
            ) from None


def _tabellen(con: duckdb.DuckDBPyConnection) -> set[str]:
    return set(
        lees(con, "select table_name from information_schema.tables where table_schema = 'bron'")[
            "table_name"
        ].to_list()
    )


def _inwoners_kwb(con: duckdb.DuckDBPyConnection, jaar: int) -> pl.DataFrame:
    df = lees(con, f'select * from bron."kwb_{jaar}"')
    kolom = [k for k in df.columns if concept(k) == "AantalInwoners"]
    if len(kolom) != 1:
        raise BronFout(f"bron.kwb_{jaar}: verwacht één kolom AantalInwoners_*, gevonden {kolom}.")
    return df.select(
        pl.col("Codering_3").alias("code"), pl.col(kolom[0]).cast(pl.Int64).alias("inwoners")
    )


def _indeling(
    con: duckdb.DuckDBPyConnection, jaar: int, tabellen: set[str], indelingsjaar: int
) -> Indeling:
    reg = register.laad()
    regio = lees(
        con,
        f'select "Key" as code, "Title" as naam, "Municipality" as gemeentecode '
        f'from bron."kwb_regio_{jaar}"',
    )
    volledig = [
        b.naam for b in reg.bronnen.values() if b.indeling_inwoners == jaar and b.naam in tabellen
    ]
    tabel_id = register.kwb_tabel_id(jaar)
    if volledig:
        inwoners = lees(
            con,
            f'select buurtcode as code, cast(inwoners as bigint) as inwoners from bron."{volledig[0]}"',
        )
        bron = f"CBS {tabel_id} regio-indeling {indelingsjaar}; inwoners uit bron.{volledig[0]}"
        regio = regio.join(inwoners, on="code", how="left", validate="1:1")
    else:
        bron = f"CBS {tabel_id} Kerncijfers wijken en buurten {jaar} (indeling {indelingsjaar})"
        regio = regio.join(_inwoners_kwb(con, jaar), on="code", how="left", validate="1:1")
    return Indeling(indelingsjaar, regio, bron)


def _kaartjaar(con: duckdb.DuckDBPyConnection, jaar: int) -> int:
    """The indeling a KWB table's regions follow: the MapYear its release's DataProperties give
    (usually the table year; a table may also follow an earlier indeling)."""
    rijen = con.execute(
        """
        select distinct dp."MapYear"
        from bron.cbs_dataproperties dp
        join bron.herkomst h
          on h.bron_tabel = ? and h.bestand like '%TypedDataSet.parquet'
         and dp.release is not distinct from h.cbs_modified
        where dp.tabel_id = ? and dp."Type" = 'GeoDetail' and dp."MapYear" is not null
        """,
        [f"bron.kwb_{jaar}", register.kwb_tabel_id(jaar)],
    ).fetchall()
    if len(rijen) > 1:
        raise BronFout(
            f"bron.kwb_{jaar}: de DataProperties noemen meer dan één kaartjaar: {rijen}."
        )
    return int(rijen[0][0]) if rijen else jaar


def uit_werkdb(con: duckdb.DuckDBPyConnection) -> Invoer:
    """The inputs from the bron.* tables of the work DB: one indeling per distinct kaartjaar of
    the KWB tables loaded (a table on an indeling another table also follows adds nothing; the
    table of that very year is preferred, else the newest)."""
    tabellen = _tabellen(con)
    tabeljaren = sorted(
        int(t.removeprefix("kwb_regio_"))
        for t in tabellen
        if t.startswith("kwb_regio_") and t.removeprefix("kwb_regio_").isdigit()
    )
    tabeljaren = [j for j in tabeljaren if j in register.kwb_jaren() and f"kwb_{j}" in tabellen]
    per_indeling: dict[int, int] = {}
    for j in tabeljaren:
        k = _kaartjaar(con, j)
        huidig = per_indeling.get(k)
        if huidig is None or (huidig != k and (j == k or j > huidig)):
            per_indeling[k] = j
    jaren = sorted(per_indeling)
    if not jaren:
        raise BronFout(
            "De werkdatabase heeft geen regio-indeling (bron.kwb_regio_<jaar>); materialiseer "
            "eerst de groep bronnen (nplv-monitor build)."
        )
    wijken_2022 = (
        lees(
            con,
            "select wk_code as wijkcode, wk_naam as wijknaam, jaar from bron.leefbaarometer_wijk",
        )
        # The name of the latest measurement year (names are stable in the file; this makes it
        # deterministic).
        .sort("wijkcode", "jaar")
        .unique(subset="wijkcode", keep="last", maintain_order=True)
        .select("wijkcode", "wijknaam")
    )
    gepubliceerd = lees(
        con,
        "select gebied, gemeentecode, inwoners_2025_x1000 * 1000 as inwoners_2025 "
        "from bron.nplv_gebieden",
    )
    return Invoer(
        {k: _indeling(con, per_indeling[k], tabellen, k) for k in jaren}, wijken_2022, gepubliceerd
    )
