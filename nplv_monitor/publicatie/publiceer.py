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

from nplv_monitor.db import sql_tekst
from nplv_monitor.errors import NplvFout
from nplv_monitor.publicatie import codeversie, commentaar, edities, register, verificatie, views

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
    #: True when nothing changed since the newest edition and no edition was made.
    ongewijzigd: bool = False


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


def _legacy_vorige(doel: Path) -> Path | None:
    """Without a register: the previous file to take history from once (the published file, or
    the newest dated copy when an analyst holds it open read-write)."""
    kandidaten = [doel, *sorted((doel.parent / EDITIES_MAP).glob("*.duckdb"), reverse=True)]
    for pad in kandidaten:
        if not pad.exists():
            continue
        try:
            duckdb.connect(str(pad), read_only=True).close()
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                continue
            raise PublicatieFout(
                f"Het vorige gepubliceerde bestand {pad} is onleesbaar: {exc}"
            ) from exc
        return pad
    if doel.exists():
        raise PublicatieFout(
            f"Het vorige bestand {doel} is vergrendeld en er is geen kopie in "
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


def kopie_naam(editie_id: str) -> str:
    return f"nplv_monitor_{editie_id}.duckdb"


def controleer_geschiedenis(doel: Path) -> tuple[register.Register | None, verificatie.Staat]:
    """Read the register and verify the files against it. Only call under the lock."""
    reg = register.lees(doel.parent / EDITIES_MAP)
    legacy = _legacy_vorige(doel) if reg is None or reg.huidig is None else None
    return reg, verificatie.controleer(reg, doel, legacy)


def zet_in_plaats(
    tmp: Path, doel: Path, reg: register.Register | None, vastlegging: register.Vastlegging
) -> tuple[Path, str | None]:
    """Make ``tmp`` the published file: the pipeline's byte copy, the register, the swap.

    Order (crash-safe): the copy is made and fsynced and recorded as the register's candidate
    *before* ``os.replace`` swaps the file in; after the swap the candidate becomes current and
    earlier copies are removed (their history is in the new file). Returns (copy, WAL message).
    """
    map_ = doel.parent
    edities_map = map_ / EDITIES_MAP
    edities_map.mkdir(parents=True, exist_ok=True)
    kopie = edities_map / vastlegging.kopie
    kopie_tmp = edities_map / f"{tmp.name[: -len(TMP_SUFFIX)]}-kopie{TMP_SUFFIX}"
    try:
        register.fsync_map(tmp)
        # The copy is made *before* the swap: if an analyst later writes into the published
        # file, the copy still holds exactly what was published.
        shutil.copyfile(tmp, kopie_tmp)
        register.fsync_map(kopie_tmp)
        os.replace(kopie_tmp, kopie)
        register.fsync_map(edities_map)
        reg = reg or register.Register(register.register_pad(edities_map))
        reg.kandidaat = vastlegging
        reg.schrijf()
        os.replace(tmp, doel)
        wal = _verplaats_wal(doel)
        register.fsync_map(map_)
    except BaseException:
        for p in (tmp, kopie_tmp, tmp.with_name(tmp.name + ".wal")):
            p.unlink(missing_ok=True)
        raise
    reg.huidig, reg.kandidaat = vastlegging, None
    reg.logboek.append(vastlegging)
    reg.schrijf()
    for oud in edities_map.glob("nplv_monitor_*.duckdb"):
        if oud != kopie:  # earlier copies (and pre-register dated copies): history is in kopie
            oud.unlink(missing_ok=True)
    register.fsync_map(edities_map)
    return kopie, wal


def publiceer(
    werk_db: Path,
    doel: Path,
    *,
    rapportagejaar: int,
    run_id: str,
    snapshot: list[edities.SnapshotBestand],
    wachttijd_s: float = 10.0,
    alleen_bij_wijziging: bool = False,
) -> Publicatie:
    """Copy ``werk_db`` into a new analysts' file at ``doel`` as a new edition; see module doc.

    With ``alleen_bij_wijziging`` no edition is made when the newest one has the same
    fingerprint (inputs, code version, rapportagejaar): the published file is left alone.
    """
    if not werk_db.exists():
        raise PublicatieFout(f"Er is niets te publiceren: het werkbestand {werk_db} bestaat niet.")
    map_ = doel.parent
    with publicatieslot(doel, wachttijd_s):
        opmerkingen = [f"Achtergebleven tijdelijk bestand verwijderd: {p}" for p in ruim_op(map_)]
        reg, staat = controleer_geschiedenis(doel)
        opmerkingen.extend(staat.meldingen)
        nu = datetime.now(UTC)
        editie = edities.Editie.nieuw(rapportagejaar, nu, run_id, snapshot)
        versie_code = codeversie.codeversie()
        vinger = edities.vingerafdruk(
            editie.snapshot_sha256, edities.werk_invoer_sha256(werk_db), versie_code, rapportagejaar
        )
        huidig = reg.huidig if reg else None
        if alleen_bij_wijziging and huidig is not None and huidig.vingerafdruk == vinger:
            return _ongewijzigd(reg, staat, doel, opmerkingen)
        uniek = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        tmp = map_ / f"{TMP_PREFIX}{uniek}{TMP_SUFFIX}"
        try:
            con = duckdb.connect()
            try:
                con.execute(f"ATTACH {sql_tekst(str(werk_db))} AS werk (READ_ONLY)")
                con.execute(
                    f"ATTACH {sql_tekst(str(tmp))} AS pub (STORAGE_VERSION '{STORAGE_VERSION}')"
                )
                con.execute("COPY FROM DATABASE werk TO pub")
                if staat.bron is not None:
                    con.execute(f"ATTACH {sql_tekst(str(staat.bron))} AS vorige (READ_ONLY)")
                aantal, editie_rij = edities.schrijf(
                    con,
                    editie,
                    vorige=staat.bron is not None,
                    vingerafdruk=vinger,
                    codeversie=versie_code,
                )
                gemaakt, versie, tabellen = _rond_af(con)
            finally:
                con.close()
        except BaseException:
            for p in (tmp, tmp.with_name(tmp.name + ".wal")):
                p.unlink(missing_ok=True)
            raise
        vastlegging = register.Vastlegging(
            editie.editie_id,
            register.sha256_van(tmp),
            kopie_naam(editie.editie_id),
            vinger,
            rapportagejaar,
            nu.isoformat(),
        )
        kopie, wal = zet_in_plaats(tmp, doel, reg, vastlegging)
        if wal:
            opmerkingen.append(wal)
        return Publicatie(
            pad=doel,
            vintage=kopie,
            editie=editie,
            tabellen=tabellen,
            views=gemaakt,
            aantal_edities=aantal,
            vorige_bron=str(staat.bron) if staat.bron else None,
            opslagversie=versie,
            telling=edities.telling_van(editie_rij),
            opmerkingen=opmerkingen,
        )


def _rond_af(con: duckdb.DuckDBPyConnection) -> tuple[list[str], str, dict[str, int]]:
    """Views, comments, the check before the swap, a checkpoint: (views, storage, table sizes)."""
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
    return gemaakt, versie, tabellen


def _ongewijzigd(
    reg: register.Register | None,
    staat: verificatie.Staat,
    doel: Path,
    opmerkingen: list[str],
) -> Publicatie:
    """Nothing changed since the newest edition: leave the published file alone (a missing one
    is put back from the pipeline's copy: there is nothing to disturb)."""
    assert reg is not None
    assert reg.huidig is not None
    kopie = reg.kopie_pad(reg.huidig)
    if not doel.exists() and staat.bron == kopie:
        tmp = doel.parent / f"{TMP_PREFIX}{os.getpid()}-herstel{TMP_SUFFIX}"
        shutil.copyfile(kopie, tmp)
        register.fsync_map(tmp)
        os.replace(tmp, doel)
        register.fsync_map(doel.parent)
        opmerkingen.append(f"{doel} ontbrak en is teruggezet uit {kopie}.")
    bron = staat.bron if staat.bron is not None else kopie
    con = duckdb.connect(str(bron), read_only=True)
    try:
        rij = con.sql(
            f"SELECT * FROM {edities.EDITIES} WHERE editie_id = ?", params=[reg.huidig.editie_id]
        ).pl()
        aantal = int(con.execute(f"SELECT count(*) FROM {edities.EDITIES}").fetchall()[0][0])
    finally:
        con.close()
    r = rij.row(0, named=True)
    editie = edities.Editie(
        r["editie_id"], r["rapportagejaar"], r["gepubliceerd_op"], r["run_id"], ()
    )
    return Publicatie(
        pad=doel,
        vintage=kopie,
        editie=editie,
        tabellen={},
        views=[],
        aantal_edities=aantal,
        vorige_bron=str(bron),
        opslagversie="",
        telling=edities.telling_van(rij),
        opmerkingen=opmerkingen,
        ongewijzigd=True,
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
        con.execute(f"ATTACH {sql_tekst(str(pad))} AS f (READ_ONLY)")
        rij = con.execute(
            "SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = 'f'"
        ).fetchall()[0]
    finally:
        con.close()
    return str(rij[0]) if rij and rij[0] is not None else ""
