"""The one colour rule of the report, shared by the HTML pages and the workbook.

A cell's colour says where a value stands against Nederland **in units of how much wijken differ
from each other** on that indicator:

    score = (waarde − Nederland) / interkwartielafstand van de wijkwaarden

The interkwartielafstand (Q3 − Q1) is taken over all wijken of the country with a published value
of the same indicator and peiljaar (rows ``gebied_soort = 'wijk'`` of monitor.indicatorwaarden).
Dividing by Nederland's own value — the rule this replaces — turns scores centred on zero into
noise: Leefbaarometer "fysieke omgeving" 0,001 (Heerlen-Noord) against Nederland 0,004 was −75%,
"veel ongunstiger", while wijken of the country lie 0,036 apart between Q1 and Q3; on this scale
the difference is −0,1 and the cell is "gelijk". The interquartile range, not the standard
deviation, because a handful of wijken with few inhabitants (bedrijventerreinen: thousands of
companies per 1.000 inwoners) inflate the standard deviation tenfold.

- Indicators that exist only per gemeente (survey figures: Veiligheidsmonitor) have no wijk
  values; their spread is that of all gemeenten with a value. Fewer than :data:`MIN_EENHEDEN`
  units: no colour (the spread cannot be told).
- Absolute counts (``maat = 'aantal'``: inwoners, huishoudens, woningvoorraad) are not coloured:
  an area's count and Nederland's total are not comparable levels.
- Direction from the catalogue (``monitor.indicatoren.richting``): ``hoger_beter`` /
  ``lager_beter`` give gunstiger/ongunstiger (green/red); ``neutraal`` or none give hoger/lager
  (blue/purple) without a judgement.

:class:`Kleurregel` reads what the rule needs from the published file once;
:meth:`Kleurregel.oordeel` gives the class of one value, with the score and a one-line reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from nplv_monitor.db import verbind

#: |score| up to this is "gelijk aan Nederland" (a quarter of the interquartile range).
GELIJK_GRENS = 0.25
#: |score| beyond this is "veel" gunstiger/ongunstiger: one interquartile range, about the
#: distance from the middle of the wijken to their 10th or 90th percentile.
GROOT_GRENS = 1.0
#: Fewest wijken (or gemeenten) a spread is computed from.
MIN_EENHEDEN = 20


@dataclass(frozen=True)
class Klasse:
    sleutel: str
    label: str
    kleur: str  # background
    tekst: str  # text colour on that background


KLASSEN: dict[str, Klasse] = {
    "veel_beter": Klasse(
        "veel_beter", "veel gunstiger dan Nederland (meer dan 1 IKA)", "#1a9850", "#ffffff"
    ),
    "beter": Klasse("beter", "gunstiger dan Nederland (0,25–1 IKA)", "#a6d96a", "#1b1b1b"),
    "gelijk": Klasse("gelijk", "gelijk aan Nederland (binnen 0,25 IKA)", "#f2f2f2", "#1b1b1b"),
    "slechter": Klasse("slechter", "ongunstiger dan Nederland (0,25–1 IKA)", "#fdae61", "#1b1b1b"),
    "veel_slechter": Klasse(
        "veel_slechter", "veel ongunstiger dan Nederland (meer dan 1 IKA)", "#d73027", "#ffffff"
    ),
    "hoger": Klasse(
        "hoger", "hoger dan Nederland, zonder oordeel (meer dan 0,25 IKA)", "#9ecae1", "#1b1b1b"
    ),
    "lager": Klasse(
        "lager", "lager dan Nederland, zonder oordeel (meer dan 0,25 IKA)", "#dadaeb", "#1b1b1b"
    ),
    "geen": Klasse("geen", "geen kleur (zie de reden bij de cel)", "#ffffff", "#555555"),
}

#: Order of the classes in a legend.
LEGENDA_VOLGORDE = [
    "veel_beter",
    "beter",
    "gelijk",
    "slechter",
    "veel_slechter",
    "hoger",
    "lager",
    "geen",
]

#: The legend in one sentence (IKA = interkwartielafstand).
LEGENDA = (
    "Kleur: het verschil met Nederland, gemeten in de interkwartielafstand (IKA) van alle wijken "
    "van Nederland voor die indicator en dat peiljaar (voor cijfers die alleen per gemeente "
    "bestaan: van alle gemeenten); binnen 0,25 IKA is gelijk, meer dan 1 IKA is veel, groen of "
    "rood naar de gewenste richting van de indicator, blauw of paars waar die richting er niet is."
)


@dataclass(frozen=True)
class Spreiding:
    """The spread of one indicator in one peiljaar among the wijken (or gemeenten) of the country."""

    niveau: str  # 'wijk' or 'gemeente'
    aantal: int
    q1: float
    q3: float

    @property
    def breedte(self) -> float:
        return self.q3 - self.q1

    def tekst(self) -> str:
        eenheden = "wijken" if self.niveau == "wijk" else "gemeenten"
        return f"IKA {_getal(self.breedte)} over {_getal(self.aantal, 0)} {eenheden}"


@dataclass(frozen=True)
class Oordeel:
    """Class of one value, the score in IKA (None without a comparison) and why, in one line."""

    klasse: Klasse
    score: float | None
    uitleg: str


@dataclass(frozen=True)
class Indicatorregel:
    richting: str | None
    maat: str | None
    #: Half a unit of the last published decimal (monitor.indicatoren.precisie): 0,0005 → 3
    #: decimals. The workbook's number formats follow it.
    precisie: float | None = None

    @property
    def decimalen(self) -> int | None:
        if self.precisie is None or not self.precisie > 0:
            return None
        return max(0, min(6, round(-math.log10(2 * self.precisie))))


def _getal(x: float, decimalen: int | None = None) -> str:
    """Dutch notation, significant enough for a spread (0,036; 1,2; 1.743)."""
    if decimalen is None:
        a = abs(x)
        decimalen = 0 if a >= 100 else 1 if a >= 1 else 3 if a >= 0.001 else 5
    tekst = f"{x:,.{decimalen}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")
    return tekst.replace("-", "−", 1)


def _geldig(x: float | None) -> bool:
    return x is not None and not (math.isnan(x) or math.isinf(x))


def oordeel(
    waarde: float | None,
    nederland: float | None,
    richting: str | None,
    spreiding: Spreiding | None,
    *,
    maat: str | None = None,
) -> Oordeel:
    """The class of ``waarde`` against ``nederland`` on the scale of ``spreiding``."""
    geen = KLASSEN["geen"]
    if maat == "aantal":
        return Oordeel(
            geen, None, "een aantal: niet als niveau met Nederland te vergelijken, geen kleur"
        )
    if not _geldig(waarde) or not _geldig(nederland):
        return Oordeel(geen, None, "geen vergelijking: waarde of Nederland ontbreekt")
    assert waarde is not None
    assert nederland is not None
    if spreiding is None or spreiding.aantal < MIN_EENHEDEN:
        n = 0 if spreiding is None else spreiding.aantal
        return Oordeel(
            geen,
            None,
            f"geen kleur: {n} wijken of gemeenten met een waarde, te weinig voor een spreiding "
            f"(minstens {MIN_EENHEDEN})",
        )
    if spreiding.breedte <= 0:
        return Oordeel(
            geen,
            None,
            f"geen kleur: de wijken of gemeenten verschillen niet ({spreiding.tekst()})",
        )
    score = (waarde - nederland) / spreiding.breedte
    r = (richting or "").strip().lower()
    if abs(score) <= GELIJK_GRENS:
        sleutel = "gelijk"
    elif r not in {"hoger_beter", "lager_beter"}:
        sleutel = "hoger" if score > 0 else "lager"
    else:
        gunstig = (score > 0) == (r == "hoger_beter")
        groot = abs(score) > GROOT_GRENS
        sleutel = ("veel_" if groot else "") + ("beter" if gunstig else "slechter")
    teken = "+" if score > 0 else ""
    uitleg = f"{teken}{_getal(score, 2)} IKA ({spreiding.tekst()}): {KLASSEN[sleutel].label}"
    return Oordeel(KLASSEN[sleutel], score, uitleg)


#: Per indicator and peiljaar the quartiles of the wijk values and of the gemeente values.
SPREIDING_SQL = """
select indicator_code, peiljaar, gebied_soort,
       count(distinct gebied_code) as aantal,
       quantile_cont(waarde, 0.25) as q1,
       quantile_cont(waarde, 0.75) as q3
from monitor.indicatorwaarden
where gebied_soort in ('wijk', 'gemeente') and status = 'ok' and waarde is not null
group by indicator_code, peiljaar, gebied_soort
"""


def spreidingen(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int], Spreiding]:
    """(indicator_code, peiljaar) → the spread the rule uses: wijken when there are at least
    :data:`MIN_EENHEDEN`, otherwise gemeenten (figures that exist per gemeente only)."""
    per: dict[tuple[str, int], dict[str, Spreiding]] = {}
    for code, jaar, soort, n, q1, q3 in con.sql(SPREIDING_SQL).fetchall():
        per.setdefault((str(code), int(jaar)), {})[str(soort)] = Spreiding(
            str(soort), int(n), float(q1), float(q3)
        )
    uit: dict[tuple[str, int], Spreiding] = {}
    for sleutel, soorten in per.items():
        wijk, gemeente = soorten.get("wijk"), soorten.get("gemeente")
        if wijk is not None and wijk.aantal >= MIN_EENHEDEN:
            uit[sleutel] = wijk
        elif gemeente is not None and gemeente.aantal >= MIN_EENHEDEN:
            uit[sleutel] = gemeente
        else:
            kandidaten = [s for s in (wijk, gemeente) if s is not None]
            uit[sleutel] = max(kandidaten, key=lambda s: s.aantal)  # too few: no colour
    return uit


def _indicatorregels(con: duckdb.DuckDBPyConnection) -> dict[str, Indicatorregel]:
    kolommen = {str(r[0]) for r in con.sql("describe monitor.indicatoren").fetchall()}
    richting = "richting" if "richting" in kolommen else "null"
    maat = "maat" if "maat" in kolommen else "null"
    precisie = "precisie" if "precisie" in kolommen else "null"
    return {
        str(c): Indicatorregel(
            None if r is None else str(r),
            None if m is None else str(m),
            None if p is None else float(p),
        )
        for c, r, m, p in con.sql(
            f"select indicator_code, {richting}::varchar, {maat}::varchar, {precisie}::double "
            "from monitor.indicatoren"
        ).fetchall()
    }


@dataclass
class Kleurregel:
    """The rule with what it needs from one published file: spreads, directions, measures."""

    spreidingen: dict[tuple[str, int], Spreiding] = field(default_factory=dict)
    indicatoren: dict[str, Indicatorregel] = field(default_factory=dict)

    @classmethod
    def uit_verbinding(cls, con: duckdb.DuckDBPyConnection) -> Kleurregel:
        tabellen = {
            str(r[0])
            for r in con.sql(
                "select schema_name || '.' || table_name from duckdb_tables() union "
                "select schema_name || '.' || view_name from duckdb_views() where not internal"
            ).fetchall()
        }
        return cls(
            spreidingen(con) if "monitor.indicatorwaarden" in tabellen else {},
            _indicatorregels(con) if "monitor.indicatoren" in tabellen else {},
        )

    @classmethod
    def laad(cls, pad: Path) -> Kleurregel:
        """Read the published file (read-only)."""
        with verbind(pad, read_only=True) as con:
            return cls.uit_verbinding(con)

    def spreiding(self, indicator_code: str, peiljaar: int) -> Spreiding | None:
        return self.spreidingen.get((indicator_code, int(peiljaar)))

    def oordeel(
        self,
        indicator_code: str,
        peiljaar: int,
        waarde: float | None,
        nederland: float | None,
    ) -> Oordeel:
        regel = self.indicatoren.get(indicator_code, Indicatorregel(None, None))
        return oordeel(
            waarde,
            nederland,
            regel.richting,
            self.spreiding(indicator_code, peiljaar),
            maat=regel.maat,
        )
