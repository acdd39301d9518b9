"""Managing editions: retention (`edities opruimen --bewaar N`), the parliament mark
(`edities markeer <editie> --gerapporteerd`) and putting back the untouched file (`herstel`).

Marking and pruning change the edition tables, which live inside the published file, so both
write a *new* file from the pipeline's verified copy and swap it in exactly like a publication
(lock, register, copy, ``os.replace``): an analyst never sees a half-changed file, and the
history still comes only from what the pipeline recorded.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from nplv_monitor.db import sql_tekst
from nplv_monitor.errors import NplvFout
from nplv_monitor.publicatie import edities, historie, publiceer, register


class BeheerFout(NplvFout):
    """An edition command cannot be carried out; the message says why and what to do."""


def _herschrijf(doel: Path, soort: str, bewaard: list[str] | None, markeer: str | None) -> str:
    with publiceer.publicatieslot(doel):
        publiceer.ruim_op(doel.parent)
        reg, staat = publiceer.controleer_geschiedenis(doel)
        if reg is None or reg.huidig is None or staat.bron is None:
            raise BeheerFout(f"Er is nog niets gepubliceerd in {doel.parent}.")
        tmp = doel.parent / f"{publiceer.TMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
        tmp = tmp.with_name(tmp.name + publiceer.TMP_SUFFIX)
        con = duckdb.connect()
        try:
            # Paths and edition ids are data (an edition id comes from the file): always quoted or
            # passed as parameters, never pasted into SQL.
            con.execute(f"ATTACH {sql_tekst(str(staat.bron))} AS oud (READ_ONLY)")
            con.execute(
                f"ATTACH {sql_tekst(str(tmp))} AS pub "
                f"(STORAGE_VERSION '{publiceer.STORAGE_VERSION}')"
            )
            ids = [
                str(r[0])
                for r in con.execute(
                    f"SELECT editie_id FROM oud.{edities.EDITIES} ORDER BY volgnummer"
                ).fetchall()
            ]
            if markeer is not None and markeer not in ids:
                raise BeheerFout(
                    f"Editie {markeer!r} staat niet in {doel}; bekende edities: {', '.join(ids)}."
                )
            houden = ids if bewaard is None else [e for e in ids if e in bewaard]
            for s, t in con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'oud' "
                "AND NOT (schema_name = 'publicatie' AND table_name IN (?, ?, ?))",
                ["edities", "editie_bestanden", historie.WIJZIGINGEN.split(".")[1]],
            ).fetchall():
                con.execute(f'CREATE SCHEMA IF NOT EXISTS pub."{s}"')
                con.execute(f'CREATE TABLE pub."{s}"."{t}" AS SELECT * FROM oud."{s}"."{t}"')
            con.execute("CREATE SCHEMA IF NOT EXISTS pub.publicatie")
            con.execute(
                f"CREATE TABLE pub.{edities.EDITIES} AS SELECT * REPLACE (gerapporteerd OR "
                f"editie_id = ? AS gerapporteerd) FROM oud.{edities.EDITIES} "
                "WHERE list_contains(?, editie_id) ORDER BY volgnummer",
                [markeer or "", houden],
            )
            con.execute(
                f"CREATE TABLE pub.{edities.BESTANDEN} AS SELECT * FROM oud.{edities.BESTANDEN} "
                "WHERE list_contains(?, editie_id)",
                [houden],
            )
            if edities._is_tabel(con, "oud", historie.WIJZIGINGEN):
                historie.snoei(con, "oud", "pub", houden)
                historie.maak_view(con, "pub")
            publiceer._rond_af(con)
        except BaseException:
            con.close()
            tmp.unlink(missing_ok=True)
            raise
        con.close()
        nu = datetime.now(UTC)
        v = replace(
            reg.huidig,
            sha256=register.sha256_van(tmp),
            kopie=publiceer.kopie_naam(f"{reg.huidig.editie_id}-{soort}-{nu:%Y%m%dT%H%M%S}"),
            moment=nu.isoformat(),
            soort=soort,
        )
        publiceer.zet_in_plaats(tmp, doel, reg, v)
        return "\n".join(staat.meldingen)


def markeer(doel: Path, editie_id: str) -> str:
    """Mark ``editie_id`` as reported to parliament (never pruned)."""
    return _herschrijf(doel, "markering", None, editie_id)


def opruimen(doel: Path, bewaar: int) -> list[str]:
    """Keep the newest ``bewaar`` editions plus every marked one; return the removed ids."""
    if bewaar < 1:
        raise BeheerFout("--bewaar moet minstens 1 zijn: de nieuwste editie blijft altijd.")
    df, _ = edities.lijst_met_terugval(doel)
    rijen = df.sort("volgnummer", descending=True).to_dicts()
    bewaard = [r["editie_id"] for i, r in enumerate(rijen) if i < bewaar or r["gerapporteerd"]]
    weg = [r["editie_id"] for r in rijen if r["editie_id"] not in bewaard]
    if weg:
        _herschrijf(doel, "opruimen", bewaard, None)
    # The annex of a removed edition goes too (rapportage/<editie>/; nieuwste stays).
    from nplv_monitor.rapportage.maak import verwijder_edities

    verwijder_edities(bewaard, doel.parent)
    return weg


def herstel(doel: Path) -> str:
    """Put the pipeline's verified copy back as the published file (after someone changed it)."""
    with publiceer.publicatieslot(doel):
        reg, staat = publiceer.controleer_geschiedenis(doel)
        if reg is None or reg.huidig is None:
            raise BeheerFout(f"Er is geen publicatieregister in {doel.parent / 'edities'}.")
        if staat.gepubliceerd_klopt:
            return f"{doel} is ongewijzigd; er is niets teruggezet."
        kopie = reg.kopie_pad(reg.huidig)
        tmp = doel.parent / f"{publiceer.TMP_PREFIX}{os.getpid()}-herstel{publiceer.TMP_SUFFIX}"
        shutil.copyfile(kopie, tmp)
        os.replace(tmp, doel)
        return f"{doel} is teruggezet uit {kopie} (editie {reg.huidig.editie_id})."
