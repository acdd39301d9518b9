"""The return tracker: per focus area, where its return of the uitvraag stands.

Read from the published file's realisatie tables (docs/realisatie.md), nothing recomputed:

- ``realisatie.retouren_historie``: every accepted version (``versie``, ``actueel``,
  ``ontvangen_op``, ``bestand``) — the area's return was received and accepted;
- ``realisatie.retouren_antwoorden``: the answers in force (one row per area, year and question);
- ``realisatie.retouren_afgewezen``: rejected files, one row per message (at most 20 plus a count
  line), ``aantal_meldingen`` = all of them, and ``gebied_code``: the area the file's content names
  (column ``gebied`` or the template's area cell, read by the intake as for an accepted return),
  with ``gebied_bepaling`` saying where it was found or why it is unknown.

A rejected file belongs to its ``gebied_code``. Only where that is null (the file could not be read,
names no known area or two, or was rejected before the intake recorded the area, or a published file
older than the column) the tracker falls back to the area code in the file name — the template is
handed out as ``uitvraag_<jaar>_<gebied>.xlsx``, but areas are told the name does not matter, so
the tracker says so ("gebied afgeleid uit de bestandsnaam"). A rejected file attributable neither
way is listed apart ("gebied onbekend"), never silently dropped.

Status per area (for the tracker's year, the newest uitvraag):

- ``geaccepteerd``: an accepted version is in force; later rejected files are listed with it;
- ``afgewezen``: only rejected files, with the first reason and the number of messages;
- ``ontbreekt``: nothing received.

HTML (overview) and Excel (sheet "Retouren") both render :class:`Retourstand`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from nplv_monitor.db import verbind
from nplv_monitor.realisatie import uitvraag

GEACCEPTEERD, AFGEWEZEN, ONTBREEKT = "geaccepteerd", "afgewezen", "ontbreekt"
STATUS_TEKST = {
    GEACCEPTEERD: "ontvangen en geaccepteerd",
    AFGEWEZEN: "ontvangen en afgewezen",
    ONTBREEKT: "niet ontvangen",
}
#: Messages of a rejected file shown in the tracker (the table keeps up to 20).
TOON_MELDINGEN = 3
#: How rejected files are attributed, in one sentence (legend of the tracker).
TOEWIJZING_TEKST = (
    "Een afgewezen bestand hoort bij het gebied dat het bestand zelf noemt (kolom gebied of de "
    "gebiedscel van het sjabloon); alleen als het bestand niet te lezen is of geen gebied noemt, "
    "wordt het gebied afgeleid uit de bestandsnaam, en dat staat er dan bij."
)
#: Label of a rejected file attributable to no area.
GEBIED_ONBEKEND = "gebied onbekend"


@dataclass(frozen=True)
class Afwijzing:
    """One rejected file."""

    bestand: str
    bestand_sha256: str
    ontvangen_op: datetime
    aantal_meldingen: int
    meldingen: tuple[str, ...]  # as stored, in order (place in the file included)
    jaar: int | None  # from the file name, when it has one
    #: realisatie.retouren_afgewezen.gebied_code: the area the content names (None: unknown).
    gebied_code: str | None = None
    #: realisatie.retouren_afgewezen.gebied_bepaling: where found, or why unknown.
    gebied_bepaling: str | None = None
    #: The area the tracker attributes it to: gebied_code, else the code in the file name.
    toegewezen: str | None = None

    @property
    def uit_bestandsnaam(self) -> bool:
        """Attributed by the file name (the content named no area the intake could read)."""
        return self.gebied_code is None and self.toegewezen is not None

    @property
    def gebied_noot(self) -> str:
        """How the area was found, when it was not from the file's content ('' when it was)."""
        waarom = f" ({self.gebied_bepaling})" if self.gebied_bepaling else ""
        if self.uit_bestandsnaam:
            return f"gebied afgeleid uit de bestandsnaam{waarom}"
        if self.toegewezen is None:
            return f"{GEBIED_ONBEKEND}{waarom}"
        return ""

    @property
    def reden(self) -> str:
        """The first messages and how many there are in all; how the area was found when that
        was not from the file's content."""
        getoond = list(self.meldingen[:TOON_MELDINGEN])
        rest = self.aantal_meldingen - len(getoond)
        tekst = "; ".join(getoond)
        if rest > 0:
            tekst += f" (en nog {rest} melding{'en' if rest > 1 else ''})"
        if self.gebied_noot:
            tekst += f" [{self.gebied_noot}]"
        return tekst


@dataclass(frozen=True)
class GebiedRetour:
    gebied_code: str
    gebied_naam: str
    jaar: int
    status: str  # GEACCEPTEERD / AFGEWEZEN / ONTBREEKT
    bestand: str | None = None  # the version in force
    ontvangen_op: datetime | None = None
    versie: int | None = None
    aantal_versies: int = 0
    aantal_antwoorden: int = 0  # questions with an answer (number or text) in force
    aantal_vragen: int = 0
    afwijzingen: tuple[Afwijzing, ...] = ()

    @property
    def aantal_ontvangen(self) -> int:
        """Files received for this area and year: accepted versions plus rejected files."""
        return self.aantal_versies + len(self.afwijzingen)

    @property
    def afgewezen_na_acceptatie(self) -> tuple[Afwijzing, ...]:
        if self.ontvangen_op is None:
            return ()
        return tuple(a for a in self.afwijzingen if a.ontvangen_op > self.ontvangen_op)

    def toelichting(self) -> str:
        """The state in one Dutch line (what a reader of the tracker needs)."""
        if self.status == GEACCEPTEERD:
            assert self.ontvangen_op is not None
            tekst = (
                f"versie {self.versie} ({self.bestand}), ontvangen {moment(self.ontvangen_op)}; "
                f"{self.aantal_antwoorden} van {self.aantal_vragen} vragen beantwoord"
            )
            later = self.afgewezen_na_acceptatie
            if later:
                tekst += (
                    f"; daarna {len(later)} bestand{'en' if len(later) > 1 else ''} afgewezen "
                    f"({later[-1].bestand}: {later[-1].reden}); de geaccepteerde versie blijft gelden"
                )
            return tekst
        if self.status == AFGEWEZEN:
            laatste = self.afwijzingen[-1]
            return (
                f"{laatste.bestand}, ontvangen {moment(laatste.ontvangen_op)}, afgewezen met "
                f"{laatste.aantal_meldingen} melding{'en' if laatste.aantal_meldingen > 1 else ''}"
                f": {laatste.reden}"
            )
        return "geen retour ontvangen"


@dataclass(frozen=True)
class Antwoord:
    """One answer in force (realisatie.retouren_antwoorden) with its question's text."""

    vraag_id: str
    nummer: int
    onderdeel: str
    vraag: str  # the question as asked (assets/uitvraag/vragen_<jaar>.yaml)
    soort: str  # aantal, fte, percentage, oordeel, tekst
    eenheid: str
    waarde: float | None
    tekst: str | None
    toelichting: str | None
    oordeel_label: str | None  # meaning of an oordeel 1–5


@dataclass
class Retourstand:
    """The tracker for one uitvraag year: every focus area, plus unattributable rejected files,
    and the answers in force per area."""

    jaar: int
    gebieden: list[GebiedRetour]
    niet_toe_te_wijzen: list[Afwijzing] = field(default_factory=list)
    antwoorden: dict[str, list[Antwoord]] = field(default_factory=dict)

    def aantal(self, status: str) -> int:
        return sum(1 for g in self.gebieden if g.status == status)

    @property
    def totaal(self) -> int:
        return len(self.gebieden)

    def samenvatting(self) -> str:
        """'Uitvraag 2025: 1 van 20 gebieden geaccepteerd, 1 afgewezen, 18 niet ontvangen.'"""
        tekst = (
            f"Uitvraag {self.jaar}: {self.aantal(GEACCEPTEERD)} van {self.totaal} gebieden "
            f"geaccepteerd, {self.aantal(AFGEWEZEN)} afgewezen, "
            f"{self.aantal(ONTBREEKT)} niet ontvangen"
        )
        if self.niet_toe_te_wijzen:
            n = len(self.niet_toe_te_wijzen)
            tekst += f"; {n} afgewezen bestand{'en' if n > 1 else ''} met {GEBIED_ONBEKEND}"
        return tekst + "."

    def van(self, gebied_code: str) -> GebiedRetour | None:
        return next((g for g in self.gebieden if g.gebied_code == gebied_code), None)


def moment(t: datetime) -> str:
    """Receipt time as stored (UTC): '2026-11-30 16:40 UTC'."""
    return t.strftime("%Y-%m-%d %H:%M UTC")


_JAAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def gebied_uit_bestandsnaam(bestand: str, codes: list[str]) -> str | None:
    """The one focus area code in a file name (as the template names its files), else None.

    Codes are matched as whole words between separators, longest first, so 'utrecht_overvecht'
    is not also read as a shorter code it contains.
    """
    stam = Path(bestand).stem.lower()
    gevonden: list[str] = []
    rest = stam
    for code in sorted(codes, key=len, reverse=True):
        patroon = re.compile(rf"(?<![a-z0-9]){re.escape(code.lower())}(?![a-z0-9])")
        if patroon.search(rest):
            gevonden.append(code)
            rest = patroon.sub(" ", rest)
    return gevonden[0] if len(gevonden) == 1 else None


def _tabellen(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        str(r[0])
        for r in con.sql("select schema_name || '.' || table_name from duckdb_tables()").fetchall()
    }


def _afwijzingen(
    con: duckdb.DuckDBPyConnection, tabellen: set[str], codes: list[str]
) -> list[Afwijzing]:
    if "realisatie.retouren_afgewezen" not in tabellen:
        return []
    kolommen = {
        str(k)
        for (k,) in con.sql(
            "select column_name from duckdb_columns() where schema_name = 'realisatie' "
            "and table_name = 'retouren_afgewezen'"
        ).fetchall()
    }
    # A published file from before the intake recorded the area has neither column.
    gebied = (
        "gebied_code, gebied_bepaling"
        if {"gebied_code", "gebied_bepaling"} <= kolommen
        else "null as gebied_code, null as gebied_bepaling"
    )
    per: dict[str, list[tuple]] = {}
    for rij in con.sql(
        "select bestand, bestand_sha256, ontvangen_op, volgnummer, melding, aantal_meldingen, "
        f"{gebied} from realisatie.retouren_afgewezen order by ontvangen_op, bestand, volgnummer"
    ).fetchall():
        per.setdefault(str(rij[1]), []).append(rij)
    uit = []
    for sha, rijen in per.items():
        bestand, _, ontvangen, _, _, aantal, code, bepaling = rijen[0]
        jaar = _JAAR.search(Path(str(bestand)).stem)
        code = None if code is None else str(code)
        uit.append(
            Afwijzing(
                bestand=str(bestand),
                bestand_sha256=sha,
                ontvangen_op=ontvangen,
                aantal_meldingen=int(aantal),
                meldingen=tuple(str(r[4]) for r in rijen),
                jaar=int(jaar.group(1)) if jaar else None,
                gebied_code=code,
                gebied_bepaling=None if bepaling is None else str(bepaling),
                toegewezen=code or gebied_uit_bestandsnaam(str(bestand), codes),
            )
        )
    return sorted(uit, key=lambda a: (a.ontvangen_op, a.bestand))


def _jaar(con: duckdb.DuckDBPyConnection, tabellen: set[str], jaar: int | None) -> int:
    if jaar is not None:
        return jaar
    jaren = set(uitvraag.beschikbare_jaren())
    if "realisatie.retouren_historie" in tabellen:
        jaren |= {
            int(r[0])
            for r in con.sql("select distinct jaar from realisatie.retouren_historie").fetchall()
        }
    if not jaren:
        raise ValueError("Geen uitvraagjaar: geen vragen_<jaar>.yaml en geen retouren.")
    return max(jaren)


def uit_verbinding(con: duckdb.DuckDBPyConnection, jaar: int | None = None) -> Retourstand:
    """The tracker from an open (published) DuckDB file; ``jaar`` default: the newest uitvraag."""
    tabellen = _tabellen(con)
    jaar = _jaar(con, tabellen, jaar)
    focus = [
        (str(c), str(n))
        for c, n in con.sql(
            "select gebied_code, gebied_naam from ref.gebieden where soort = 'focusgebied' "
            "order by gebied_naam"
        ).fetchall()
    ]
    codes = [c for c, _ in focus]
    try:
        aantal_vragen = len(uitvraag.laad(jaar).vragen)
    except uitvraag.UitvraagFout:
        aantal_vragen = 0
    versies: dict[str, list[tuple]] = {}
    if "realisatie.retouren_historie" in tabellen:
        for rij in con.sql(
            "select gebied_code, versie, actueel, bestand, ontvangen_op from "
            "realisatie.retouren_historie where jaar = ? "
            "group by all order by gebied_code, versie",
            params=[jaar],
        ).fetchall():
            versies.setdefault(str(rij[0]), []).append(rij)
    beantwoord: dict[str, int] = {}
    if "realisatie.retouren_antwoorden" in tabellen:
        beantwoord = {
            str(g): int(n)
            for g, n in con.sql(
                "select gebied_code, count(*) filter (where waarde is not null or "
                "nullif(trim(tekst), '') is not null) from realisatie.retouren_antwoorden "
                "where jaar = ? group by gebied_code",
                params=[jaar],
            ).fetchall()
        }
    per_gebied: dict[str, list[Afwijzing]] = {}
    los: list[Afwijzing] = []
    for a in _afwijzingen(con, tabellen, codes):
        if a.jaar is not None and a.jaar != jaar:
            continue  # a file of another uitvraag year
        if a.toegewezen is None:
            los.append(a)
        else:
            per_gebied.setdefault(a.toegewezen, []).append(a)
    gebieden = []
    for code, naam in focus:
        vs = versies.get(code, [])
        af = tuple(per_gebied.get(code, []))
        actueel = next((v for v in vs if v[2]), None)
        if actueel is not None:
            gebieden.append(
                GebiedRetour(
                    code,
                    naam,
                    jaar,
                    GEACCEPTEERD,
                    bestand=str(actueel[3]),
                    ontvangen_op=actueel[4],
                    versie=int(actueel[1]),
                    aantal_versies=len(vs),
                    aantal_antwoorden=beantwoord.get(code, 0),
                    aantal_vragen=aantal_vragen,
                    afwijzingen=af,
                )
            )
        elif af:
            gebieden.append(
                GebiedRetour(
                    code, naam, jaar, AFGEWEZEN, aantal_vragen=aantal_vragen, afwijzingen=af
                )
            )
        else:
            gebieden.append(GebiedRetour(code, naam, jaar, ONTBREEKT, aantal_vragen=aantal_vragen))
    return Retourstand(jaar, gebieden, los, _antwoorden(con, tabellen, jaar))


def _antwoorden(
    con: duckdb.DuckDBPyConnection, tabellen: set[str], jaar: int
) -> dict[str, list[Antwoord]]:
    if "realisatie.retouren_antwoorden" not in tabellen:
        return {}
    try:
        u: uitvraag.Uitvraag | None = uitvraag.laad(jaar)
    except uitvraag.UitvraagFout:
        u = None
    uit: dict[str, list[Antwoord]] = {}
    for g, vid, nr, onderdeel, soort, eenheid, waarde, tekst, toel in con.sql(
        "select gebied_code, vraag_id, nummer, onderdeel, soort, eenheid, waarde, tekst, "
        "toelichting from realisatie.retouren_antwoorden where jaar = ? "
        "order by gebied_code, nummer, vraag_id",
        params=[jaar],
    ).fetchall():
        vraag = u.vraag(str(vid)) if u is not None else None
        label = (
            u.oordeelschaal.get(int(waarde))
            if u is not None and soort == "oordeel" and waarde is not None
            else None
        )
        uit.setdefault(str(g), []).append(
            Antwoord(
                vraag_id=str(vid),
                nummer=int(nr),
                onderdeel=str(onderdeel),
                vraag=vraag.vraag if vraag is not None else f"vraag {vid}",
                soort=str(soort),
                eenheid=str(eenheid),
                waarde=None if waarde is None else float(waarde),
                tekst=None if tekst is None else str(tekst),
                toelichting=None if toel is None else str(toel),
                oordeel_label=label,
            )
        )
    return uit


def laad(pad: Path, jaar: int | None = None) -> Retourstand:
    """The tracker from the published file (read-only)."""
    with verbind(pad, read_only=True) as con:
        return uit_verbinding(con, jaar)
