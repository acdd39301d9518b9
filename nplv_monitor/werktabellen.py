"""Reading an earlier stage's tables from the work DuckDB file, with a clear error when one is missing.

Stage boundary (docs/ontwikkelaars.md, "Stagegrenzen"): only the bronnen stage reads the snapshot.
Every later stage reads ``bron.*`` and the other stages' tables from the work DuckDB file — assets
through the ``werkdb`` resource (declaring the tables' assets in ``deps``), CLI commands through
:func:`werkdb_lezen`. A missing table means the stage that writes it has not run yet, so the error
names the table, its asset and the command to run first.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from nplv_monitor.config import instellingen
from nplv_monitor.db import verbind
from nplv_monitor.errors import TabelOntbreekt

#: The command that runs every stage into the work DuckDB file.
BOUW = "nplv-monitor build"


def aanwezig(con: duckdb.DuckDBPyConnection) -> set[str]:
    """'schema.tabel' of every table in the file."""
    rijen = con.sql("select schema_name || '.' || table_name from duckdb_tables()").fetchall()
    return {str(r[0]) for r in rijen}


def vereis(
    con: duckdb.DuckDBPyConnection, tabellen: Iterable[str], *, bestand: Path, commando: str = BOUW
) -> None:
    """Raise :class:`TabelOntbreekt` naming every table of ``tabellen`` the file lacks."""
    er_is = aanwezig(con)
    ontbrekend = [t for t in tabellen if t not in er_is]
    if ontbrekend:
        assets = ", ".join(t.replace(".", "/") for t in ontbrekend)
        raise TabelOntbreekt(
            f"De werkdatabase {bestand} mist de tabel(len) {', '.join(ontbrekend)}. Draai eerst "
            f"`{commando}` (of materialiseer {assets} in Dagster)."
        )


@contextmanager
def werkdb_lezen(
    tabellen: Iterable[str], pad: Path | None = None, *, commando: str = BOUW
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the work DuckDB file that holds ``tabellen`` (for CLI commands)."""
    bestand = pad or instellingen().werk_db
    nodig = list(tabellen)
    if not bestand.exists():
        raise TabelOntbreekt(
            f"De werkdatabase {bestand} bestaat nog niet, dus ook {', '.join(nodig)} niet. "
            f"Draai eerst `{commando}`."
        )
    with verbind(bestand, read_only=True) as con:
        vereis(con, nodig, bestand=bestand, commando=commando)
        yield con
