"""Publish the working DuckDB file as the analysts' file: a new file, swapped in atomically.

Why this shape (docs/valkuilen.md): DuckDB allows one writer *or* many readers per file, so an
analyst who has ``nplv_monitor.duckdb`` open would block any in-place write. We therefore never write into the
published file. Each publication

1. takes the publication lock (a second run waits briefly, then refuses clearly);
2. removes temporary files a killed run left behind (under the lock no other run is writing);
3. creates a *new* file ``.nplv_publicatie-<pid>-<hex>.duckdb.tmp`` next to the target with
   ``STORAGE_VERSION 'v1.5.0'`` so DuckDB 1.x clients (CLI, DBeaver, R, ODBC) can open it, copies
   every schema and table of the working file into it, carries the previous editions forward, adds
   the views and the COMMENT ON documentation;
4. fsyncs it, copies it to a dated vintage (``edities/``), and swaps it in with ``os.replace`` —
   readers that have the old file open keep reading the old inode.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import filelock

from nplv_monitor.errors import NplvFout
from nplv_monitor.publicatie import commentaar, edities, views

#: DuckDB 2.0 writes storage version v2.0.0 by default, which 1.x clients cannot read.
STORAGE_VERSION = "v1.5.0"
#: Every temporary file of a publication starts with this, so a later run recognises leftovers.
TMP_PREFIX = ".nplv_publicatie-"
TMP_SUFFIX = ".duckdb.tmp"
LOCK_NAAM = ".nplv_publicatie.lock"
EDITIES_MAP = "edities"
#: Where a write-ahead log of the *previous* file is moved after the swap (see _verplaats_wal).
WEES_WAL_MAP = Path(".werk") / "wal_vorige_editie"


class PublicatieFout(NplvFout):
    """Publishing the analysts' file failed or was refused; the previous file is untouched."""


@dataclass
class Publicatie:
    """What a publication produced (for the asset metadata and the build summary)."""

    pad: Path
    vintage: Path
    editie: edities.Editie
    tabellen: dict[str, int]
    views: list[str]
    aantal_edities: int
    vorige_bron: str | None
    opslagversie: str
    telling: dict[str, int | None]
    opmerkingen: list[str] = field(default_factory=list)


def lock_pad(doel: Path) -> Path:
    return doel.parent / LOCK_NAAM


@contextmanager
def publicatieslot(doel: Path, wachttijd_s: float = 10.0) -> Iterator[None]:
    """Hold the publication lock; wait up to ``wachttijd_s`` for another run, then refuse."""
    doel.parent.mkdir(parents=True, exist_ok=True)
    slot = filelock.FileLock(str(lock_pad(doel)), timeout=wachttijd_s)
    try:
        slot.acquire()
    except filelock.Timeout:
        raise PublicatieFout(
            f"Er loopt al een publicatie naar {doel} (slot {lock_pad(doel)} is bezet; "
            f"{wachttijd_s:.0f} s gewacht). Wacht tot die klaar is en start dan opnieuw; "
            "het gepubliceerde bestand is niet aangeraakt."
        ) from None
    try:
        yield
    finally:
        slot.release()


def tijdelijke_bestanden(map_: Path) -> list[Path]:
    """Temporary files of publications in ``map_`` and its vintage folder (with DuckDB's .wal)."""
    kandidaten: list[Path] = []
    for m in (map_, map_ / EDITIES_MAP):
        if m.is_dir():
            kandidaten.extend(p for p in m.iterdir() if p.name.startswith(TMP_PREFIX))
    return sorted(kandidaten)


def ruim_op(map_: Path) -> list[Path]:
    """Remove leftovers of a killed run. Only call while holding the publication lock."""
    weg = tijdelijke_bestanden(map_)
    for p in weg:
        p.unlink(missing_ok=True)
    return weg


def _fsync(pad: Path) -> None:
    fd = os.open(pad, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sql_tekst(waarde: str) -> str:
    return "'" + waarde.replace("'", "''") + "'"


def _attach_vorige(con: duckdb.DuckDBPyConnection, doel: Path) -> str | None:
    """Attach the previous edition read-only as ``vorige``; return where it came from.

    An analyst holding the published file open read-write keeps a conflicting lock on it; then the
    newest vintage (a byte copy the pipeline made of that same file, which nobody writes) is read.
    """
    kandidaten = [doel, *sorted((doel.parent / EDITIES_MAP).glob("*.duckdb"), reverse=True)]
    for pad in kandidaten:
        if not pad.exists():
            continue
        try:
            con.execute(f"ATTACH {_sql_tekst(str(pad))} AS vorige (READ_ONLY)")
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                continue
            raise PublicatieFout(
                f"Het vorige gepubliceerde bestand {pad} is onleesbaar: {exc}"
            ) from exc
        return str(pad)
    if doel.exists():
        raise PublicatieFout(
            f"Het vorige bestand {doel} is vergrendeld en er is geen vintage in "
            f"{doel.parent / EDITIES_MAP}; de eerdere edities kunnen niet worden meegenomen."
        )
    return None


def _verplaats_wal(doel: Path) -> str | None:
    """Move a write-ahead log of the *previous* file out of the way after the swap.

    An analyst writing into the old file leaves ``<file>.wal`` next to it; DuckDB refuses to open
    the new file with a WAL that does not belong to it. The WAL belongs to the replaced edition, so
    it is moved aside (not deleted) and reported.
    """
    wal = doel.with_name(doel.name + ".wal")
    if not wal.exists():
        return None
    naar = doel.parent / WEES_WAL_MAP / f"{doel.name}-{datetime.now(UTC):%Y%m%dT%H%M%S%f}.wal"
    naar.parent.mkdir(parents=True, exist_ok=True)
    os.replace(wal, naar)
    return (
        f"{wal} hoorde bij de vorige editie (iemand had die schrijvend open) en is verplaatst "
        f"naar {naar}, zodat het nieuwe bestand te openen is."
    )


def publiceer(
    werk_db: Path,
    doel: Path,
    *,
    rapportagejaar: int,
    run_id: str,
    snapshot: list[edities.SnapshotBestand],
    wachttijd_s: float = 10.0,
) -> Publicatie:
    """Copy ``werk_db`` into a new analysts' file at ``doel`` as a new edition; see module doc."""
    if not werk_db.exists():
        raise PublicatieFout(f"Er is niets te publiceren: het werkbestand {werk_db} bestaat niet.")
    map_ = doel.parent
    with publicatieslot(doel, wachttijd_s):
        opmerkingen = [f"Achtergebleven tijdelijk bestand verwijderd: {p}" for p in ruim_op(map_)]
        nu = datetime.now(UTC)
        editie = edities.Editie.nieuw(rapportagejaar, nu, run_id, snapshot)
        vintage = (
            map_
            / EDITIES_MAP
            / f"nplv_monitor_{rapportagejaar}_{nu:%Y%m%dT%H%M%SZ}_{run_id[:8]}.duckdb"
        )
        vintage.parent.mkdir(parents=True, exist_ok=True)
        uniek = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        tmp = map_ / f"{TMP_PREFIX}{uniek}{TMP_SUFFIX}"
        vintage_tmp = vintage.parent / f"{TMP_PREFIX}{uniek}-vintage{TMP_SUFFIX}"
        try:
            con = duckdb.connect()
            try:
                con.execute(f"ATTACH {_sql_tekst(str(werk_db))} AS werk (READ_ONLY)")
                con.execute(
                    f"ATTACH {_sql_tekst(str(tmp))} AS pub (STORAGE_VERSION '{STORAGE_VERSION}')"
                )
                con.execute("COPY FROM DATABASE werk TO pub")
                vorige_bron = _attach_vorige(con, doel)
                aantal, editie_rij = edities.schrijf(con, editie, vorige=vorige_bron is not None)
                gemaakt = views.maak(con, "pub")
                commentaar.pas_toe(con, "pub")
                versie = _controleer(con, gemaakt)
                tabellen = {
                    f"{s}.{t}": int(n)
                    for s, t, n in con.execute(
                        "SELECT schema_name, table_name, estimated_size FROM duckdb_tables() "
                        "WHERE database_name = 'pub' ORDER BY 1, 2"
                    ).fetchall()
                }
                con.execute("CHECKPOINT pub")
            finally:
                con.close()
            _fsync(tmp)
            # The vintage is a byte copy made *before* the swap: if an analyst later writes into
            # the published file, the vintage still holds exactly what was published.
            shutil.copyfile(tmp, vintage_tmp)
            _fsync(vintage_tmp)
            os.replace(tmp, doel)
            wal = _verplaats_wal(doel)
            os.replace(vintage_tmp, vintage)
            _fsync(map_)
            _fsync(vintage.parent)
        except BaseException:
            for p in (tmp, vintage_tmp, tmp.with_name(tmp.name + ".wal")):
                p.unlink(missing_ok=True)
            raise
        if wal:
            opmerkingen.append(wal)
        return Publicatie(
            pad=doel,
            vintage=vintage,
            editie=editie,
            tabellen=tabellen,
            views=gemaakt,
            aantal_edities=aantal,
            vorige_bron=vorige_bron,
            opslagversie=versie,
            telling=edities.telling_van(editie_rij),
            opmerkingen=opmerkingen,
        )


def _controleer(con: duckdb.DuckDBPyConnection, gemaakt: list[str]) -> str:
    """Check the new file before it is swapped in: 1.x-readable storage, every view answers."""
    rij = con.execute(
        "SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = 'pub'"
    ).fetchall()[0]
    versie = str(rij[0]) if rij and rij[0] is not None else ""
    if not versie.startswith("v1."):
        raise PublicatieFout(
            f"Het nieuwe bestand heeft opslagversie {versie!r}, niet {STORAGE_VERSION}: DuckDB "
            "1.x-clients zouden het niet kunnen openen. Er is niets gepubliceerd."
        )
    for naam in gemaakt:
        schema, view = naam.split(".")
        try:
            con.execute(f'SELECT count(*) FROM pub."{schema}"."{view}"').fetchall()[0]
        except duckdb.Error as exc:
            raise PublicatieFout(
                f"View {naam} geeft een fout: {exc}. Er is niets gepubliceerd."
            ) from exc
    return versie


def opslagversie(pad: Path) -> str:
    """The storage version DuckDB reports for a file (``v1.5.0+`` means 1.5+ clients read it)."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {_sql_tekst(str(pad))} AS f (READ_ONLY)")
        rij = con.execute(
            "SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = 'f'"
        ).fetchall()[0]
    finally:
        con.close()
    return str(rij[0]) if rij and rij[0] is not None else ""
