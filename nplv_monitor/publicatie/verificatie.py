"""Before history is carried forward: is it what the pipeline published? (publicatie/register.py)

The pipeline's own byte copy (``edities/nplv_monitor_<editie>.duckdb``) and the published file
are both checked against the sha256 the register recorded. History comes from a file that
matches, the copy first (nobody else needs to open it). A published file that does not match was
changed by someone else: it is reported — which tables differ, with their row counts, and where
the untouched copy is — and never becomes history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from nplv_monitor.db import sql_tekst
from nplv_monitor.errors import NplvFout
from nplv_monitor.publicatie import register


class GeschiedenisFout(NplvFout):
    """No file matches what the pipeline recorded: the history cannot be carried forward."""


@dataclass
class Staat:
    """What the check found. ``bron`` is the verified file to carry history from (None: there
    is no earlier publication); ``gepubliceerd_klopt`` whether the published file is untouched."""

    bron: Path | None
    gepubliceerd_klopt: bool
    meldingen: list[str] = field(default_factory=list)


def _inhoud(con: duckdb.DuckDBPyConnection, db: str) -> dict[str, tuple[int, int]]:
    """Per table of ``db``: (rows, order-independent content hash)."""
    uit = {}
    for s, t in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? ORDER BY 1, 2",
        [db],
    ).fetchall():
        rij = con.execute(
            f'SELECT count(*), coalesce(sum(hash(x)), 0) FROM {db}."{s}"."{t}" x'
        ).fetchall()[0]
        uit[f"{s}.{t}"] = (int(rij[0]), int(rij[1]))
    return uit


def verschillen(gewijzigd: Path, origineel: Path) -> list[str]:
    """Per table what differs between ``gewijzigd`` and ``origineel`` (rows before → after)."""
    con = duckdb.connect()
    try:
        try:
            con.execute(f"ATTACH {sql_tekst(str(gewijzigd))} AS g (READ_ONLY)")
        except duckdb.Error as exc:
            return [f"niet te vergelijken: {gewijzigd} is niet te openen ({exc})"]
        con.execute(f"ATTACH {sql_tekst(str(origineel))} AS o (READ_ONLY)")
        g, o = _inhoud(con, "g"), _inhoud(con, "o")
    finally:
        con.close()
    regels = []
    for naam in sorted(set(g) | set(o)):
        if naam not in g:
            regels.append(f"{naam}: verwijderd (had {o[naam][0]} rijen)")
        elif naam not in o:
            regels.append(f"{naam}: toegevoegd ({g[naam][0]} rijen)")
        elif g[naam] != o[naam]:
            voor, na = o[naam][0], g[naam][0]
            regels.append(
                f"{naam}: {voor} → {na} rijen"
                if voor != na
                else f"{naam}: inhoud gewijzigd bij gelijk aantal rijen ({na})"
            )
    return regels or ["geen tabel verschilt; het bestand is wel met schrijfrechten geopend"]


def _klopt(pad: Path, sha256: str) -> bool:
    return pad.exists() and register.sha256_van(pad) == sha256


def controleer(reg: register.Register | None, doel: Path, legacy: Path | None) -> Staat:
    """Check the register's record against the files; see the module doc.

    ``legacy``: without a register (a publication from before it existed), the previous file to
    take as history once — reported, since it could not be verified.
    """
    if reg is None or reg.huidig is None:
        if legacy is None:
            return Staat(None, True)
        return Staat(
            legacy,
            True,
            [
                f"Er is nog geen publicatieregister ({register.REGISTER_NAAM}); de geschiedenis "
                f"wordt eenmalig ongecontroleerd uit {legacy} overgenomen. Vanaf nu legt de "
                "pijplijn de sha256 van elke publicatie vast."
            ],
        )
    meldingen: list[str] = []
    if reg.kandidaat is not None:
        # A run was killed between writing the candidate and promoting it.
        if _klopt(doel, reg.kandidaat.sha256):
            reg.logboek.append(reg.kandidaat)
            reg.huidig, reg.kandidaat = reg.kandidaat, None
        else:
            kopie = reg.kopie_pad(reg.kandidaat)
            if kopie.name != reg.huidig.kopie:
                kopie.unlink(missing_ok=True)
            reg.kandidaat = None
        reg.schrijf()
    huidig = reg.huidig
    assert huidig is not None
    kopie = reg.kopie_pad(huidig)
    kopie_ok = _klopt(kopie, huidig.sha256)
    gepubliceerd_ok = _klopt(doel, huidig.sha256)
    if not kopie_ok and not gepubliceerd_ok:
        raise GeschiedenisFout(
            f"Geen bestand komt overeen met wat de pijplijn publiceerde (editie "
            f"{huidig.editie_id}, sha256 {huidig.sha256[:12]}… in {reg.pad}): zowel {doel} als "
            f"de eigen kopie {kopie} ontbreken of zijn gewijzigd. De eerdere edities worden niet "
            "overgenomen uit een bestand dat iemand anders veranderde. Zet een onaangeroerde "
            "kopie terug, of verplaats het bestand, de map edities/ en het register om met een "
            "nieuwe geschiedenis te beginnen."
        )
    if not kopie_ok:
        meldingen.append(
            f"De eigen kopie {kopie} ontbreekt of is gewijzigd; de geschiedenis komt uit het "
            f"gepubliceerde bestand {doel}, waarvan de sha256 klopt met het register."
        )
    if not gepubliceerd_ok:
        if doel.exists():
            wat = "; ".join(verschillen(doel, kopie))
            meldingen.append(
                f"Het gepubliceerde bestand {doel} is gewijzigd buiten de pijplijn om (sha256 "
                f"klopt niet met het register voor editie {huidig.editie_id}): {wat}. Dat "
                f"wordt geen geschiedenis; de onaangeroerde kopie staat in {kopie} "
                "(terugzetten: nplv-monitor edities herstel)."
            )
        else:
            meldingen.append(
                f"Het gepubliceerde bestand {doel} ontbreekt; de onaangeroerde kopie staat in "
                f"{kopie}."
            )
    return Staat(kopie if kopie_ok else doel, gepubliceerd_ok, meldingen)
