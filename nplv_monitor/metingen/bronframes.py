"""The raw source tables the metingen stage reads: the ``bron.*`` tables of the working database.

After the ``bronnen`` stage nothing reopens a snapshot file: the tables, the DataProperties of
every release and the provenance (sha256 per file, ``bron.herkomst``) all come from the work DB.
Which tables are needed follows from the source registry's ``metingen`` blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from nplv_monitor.bronnen import register
from nplv_monitor.db import lees
from nplv_monitor.errors import NietInSnapshot


@dataclass
class Bronframes:
    """The bron.* tables as polars frames; ``kwb`` maps the KWB year to its wide table."""

    kwb: dict[int, pl.DataFrame]
    tabellen: dict[str, pl.DataFrame]  # registry entry → bron.<naam>
    dataproperties: pl.DataFrame
    herkomst: pl.DataFrame  # bron_tabel, bestand, sha256, cbs_modified

    def databestand(self, bron_tabel: str) -> tuple[str | None, str | None]:
        """(sha256, CBS release) of the data file a bron table was read from."""
        rijen = self.herkomst.filter(pl.col("bron_tabel") == bron_tabel)
        if rijen.is_empty():
            return None, None
        data = rijen.filter(pl.col("bestand").str.ends_with("TypedDataSet.parquet"))
        rij = (data if data.height else rijen).row(0, named=True)
        return rij["sha256"], rij["cbs_modified"]


def benodigde_tabellen(reg: register.Register | None = None) -> list[str]:
    """The non-KWB bron tables the metingen reshape reads (sources and their code lists)."""
    reg = reg or register.laad()
    namen: list[str] = []
    for m in reg.metingbronnen():
        if m.tabel != register.KWB:
            namen.append(m.tabel)
        if m.alleen_codes_uit:
            namen.append(m.alleen_codes_uit[0])
    return list(dict.fromkeys(namen))


#: Tables every metingen build needs besides the sources themselves.
META_TABELLEN = ("cbs_dataproperties", "herkomst")


def uit_database(con: duckdb.DuckDBPyConnection) -> Bronframes:
    """Read the bron.* tables the registry's metingen blocks name."""
    aanwezig = set(
        lees(con, "select table_name from information_schema.tables where table_schema = 'bron'")[
            "table_name"
        ].to_list()
    )
    nodig = [*META_TABELLEN, *benodigde_tabellen()]
    ontbrekend = [t for t in nodig if t not in aanwezig]
    if ontbrekend:
        raise NietInSnapshot(
            "De werkdatabase mist de brontabellen "
            + ", ".join(f"bron.{t}" for t in ontbrekend)
            + "; materialiseer eerst de groep bronnen (nplv-monitor build)."
        )
    kwb_jaren = set(register.kwb_jaren())
    kwb = {
        int(t.removeprefix("kwb_")): lees(con, f'select * from bron."{t}"')
        for t in sorted(aanwezig)
        if t.startswith("kwb_")
        and t.removeprefix("kwb_").isdigit()
        and int(t.removeprefix("kwb_")) in kwb_jaren
    }
    return Bronframes(
        kwb=kwb,
        tabellen={t: lees(con, f'select * from bron."{t}"') for t in benodigde_tabellen()},
        dataproperties=lees(con, "select * from bron.cbs_dataproperties"),
        herkomst=lees(con, "select * from bron.herkomst"),
    )
