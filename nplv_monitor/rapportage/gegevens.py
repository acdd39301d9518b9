"""Everything the report shows, read from the *published* DuckDB file (read-only, no recomputing).

The publication stage writes ``output/nplv_monitor.duckdb`` atomically; the report opens it
read-only, so an analyst can keep it open and the report never changes a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from nplv_monitor import validatie
from nplv_monitor.db import lees, verbind
from nplv_monitor.errors import NplvFout
from nplv_monitor.rapportage import retouren
from nplv_monitor.rapportage.kleur import Kleurregel
from nplv_monitor.rapportage.retouren import Retourstand

ACTIELIJNEN = ["integraal", "fysiek", "meedoen", "veiligheid", "proces"]
FAMILIES = ["context", "gebiedseffect", "gebiedsrealisatie"]
ACTIELIJN_NAMEN = {
    "integraal": "Integraal",
    "fysiek": "Fysiek",
    "meedoen": "Meedoen",
    "veiligheid": "Veiligheid",
    "proces": "Proces",
}
FAMILIE_NAMEN = {
    "context": "contextindicatoren",
    "gebiedseffect": "gebiedseffectindicatoren",
    "gebiedsrealisatie": "gebiedsrealisatie-indicatoren",
}
VERGELIJKING_SOORTEN = (
    "focusgebied",
    "gemeente",
    "rest_gemeente",
    "alle_focusgebieden",
    "nederland",
)
#: What the map needs besides ref.gebied_buurten: the buurt polygons and their class. They are
#: bronnen tables in the published file; the report never reads the snapshot itself.
KAART_TABELLEN = ("bron.leefbaarometer_buurtgeometrie", "bron.leefbaarometer_buurt")


class RapportageFout(NplvFout):
    """The published file lacks what the report needs; the message says what and how to fix it."""


@dataclass
class Publicatie:
    """The published tables the report needs, already restricted to the report's areas."""

    pad: Path
    editie: str
    gepubliceerd: str
    waarden: pl.DataFrame  # monitor.indicatorwaarden for ref.gebieden's areas
    indicatoren: pl.DataFrame  # indicator_code, naam, familie, actielijn, eenheid, richting, kern
    gebieden: pl.DataFrame  # ref.gebieden
    gebied_buurten: pl.DataFrame  # ref.gebied_buurten (may be empty)
    realisatie: pl.DataFrame  # published scheme figures (may be empty)
    lbm_klassen: dict[str, int | None] = field(default_factory=dict)  # buurtcode → kscore 2024
    buurtgeometrie: list[tuple[str, str, str]] | None = None  # (bu_code, bu_naam, geojson)
    #: The one colour rule (kleur.py), with the spreads among all wijken of this publication.
    kleurregel: Kleurregel = field(default_factory=Kleurregel)
    #: The return tracker and the answers in force per area (retouren.py).
    retourstand: Retourstand | None = None
    #: CBS table id → title (bron.cbs_tabellen).
    cbs_titels: dict[str, str] = field(default_factory=dict)
    #: Inhabitants per buurt of the focus areas' gemeenten (the map).
    inwoners: dict[str, float] = field(default_factory=dict)

    # -- convenience ----------------------------------------------------------------------
    # The pages ask these hundreds of times; a polars filter per call cost about 1 s a report.
    @cached_property
    def _namen(self) -> dict[str, str]:
        namen: dict[str, str] = {}
        for c, n in self.gebieden.select("gebied_code", "gebied_naam").iter_rows():
            namen.setdefault(str(c), str(n))  # the first row, as a filter would give
        return namen

    @cached_property
    def _focus(self) -> pl.DataFrame:
        return self.gebieden.filter(pl.col("soort") == "focusgebied").sort("gebied_naam")

    @cached_property
    def index(self) -> dict[tuple[str, str, int], dict[str, Any]]:
        """Every value row by (gebied_code, indicator_code, peiljaar): the workbook and the pages
        look values up by this key; built once for both (about 1 s each before)."""
        return {
            (r["gebied_code"], r["indicator_code"], r["peiljaar"]): r
            for r in self.waarden.iter_rows(named=True)
        }

    def gebied_naam(self, code: str) -> str:
        return self._namen.get(code, code)

    def focusgebieden(self) -> pl.DataFrame:
        return self._focus

    def vergelijkingen(self, focus_code: str) -> list[tuple[str, str, str]]:
        """(gebied_code, soort, naam) of the area, its gemeente, the rest of it and Nederland."""
        rij = self.gebieden.filter(pl.col("gebied_code") == focus_code)
        if rij.height == 0:
            raise RapportageFout(
                f"Gebied {focus_code!r} staat niet in ref.gebieden van {self.pad}. "
                f"Kies een van: {', '.join(self.focusgebieden()['gebied_code'].to_list())}."
            )
        gm = str(rij["gemeentecode"][0])
        uit = [
            (focus_code, "focusgebied", self.gebied_naam(focus_code)),
            (gm, "gemeente", self.gebied_naam(gm)),
            (f"{focus_code}_rest", "rest_gemeente", self.gebied_naam(f"{focus_code}_rest")),
            ("NL00", "nederland", self.gebied_naam("NL00")),
        ]
        return uit


def _relaties(con: duckdb.DuckDBPyConnection) -> set[str]:
    rijen = con.sql(
        "select schema_name || '.' || table_name from duckdb_tables() "
        "union select schema_name || '.' || view_name from duckdb_views() where not internal"
    ).fetchall()
    return {str(r[0]) for r in rijen}


def _kolommen(con: duckdb.DuckDBPyConnection, relatie: str) -> list[str]:
    return [str(r[0]) for r in con.sql(f"describe {relatie}").fetchall()]


def _eerste(kolommen: list[str], kandidaten: list[str]) -> str | None:
    return next((k for k in kandidaten if k in kolommen), None)


def _editie(con: duckdb.DuckDBPyConnection, relaties: set[str], pad: Path) -> tuple[str, str]:
    if "publicatie.edities" in relaties:
        kol = _kolommen(con, "publicatie.edities")
        sleutel = _eerste(kol, ["editie", "editie_id", "naam", "versie"])
        datum = _eerste(kol, ["gepubliceerd_op", "gepubliceerd", "aangemaakt", "datum", "tijdstip"])
        if sleutel:
            volg = f" order by {datum} desc" if datum else ""
            rijen = con.sql(
                f"select {sleutel}, {datum or 'null'} from publicatie.edities{volg} limit 1"
            ).fetchall()
            if rijen:
                return str(rijen[0][0]), str(rijen[0][1] or "")
    gewijzigd = datetime.fromtimestamp(pad.stat().st_mtime, tz=UTC)
    return gewijzigd.strftime("%Y-%m-%d"), gewijzigd.isoformat(timespec="seconds")


def _indicatoren(
    con: duckdb.DuckDBPyConnection, relaties: set[str], waarden: pl.DataFrame
) -> pl.DataFrame:
    """Catalogue with uniform column names; falls back on the values' own columns."""
    uit_waarden = waarden.group_by("indicator_code").agg(
        pl.col("familie").first(),
        pl.col("actielijn").first(),
        pl.col("eenheid").first(),
    )
    if "monitor.indicatoren" not in relaties:
        return uit_waarden.with_columns(
            naam=pl.col("indicator_code"),
            richting=pl.lit(None, pl.String),
            kern=pl.lit(True),
            omschrijving=pl.lit(None, pl.String),
        )
    kol = _kolommen(con, "monitor.indicatoren")
    code = _eerste(kol, ["indicator_code", "code"])
    if code is None:
        raise RapportageFout("monitor.indicatoren heeft geen kolom indicator_code.")
    naam = _eerste(kol, ["naam", "indicator_naam", "titel", "label"]) or code
    richting = _eerste(kol, ["richting", "gewenste_richting", "beter"])
    kern = _eerste(kol, ["kern", "kernindicator", "hoofdindicator", "headline"])
    omschr = _eerste(kol, ["omschrijving", "beschrijving", "definitie"])
    # Columns the definitions section shows when the catalogue has them.
    extra = ", ".join(
        f"{k if k in kol else 'null'}::varchar as {alias}"
        for k, alias in (
            ("bron", "bron"),
            ("bron_tabellen", "bron_tabellen"),
            ("maat", "maat"),
            ("thema", "thema"),
            ("kader_item", "kader_item"),
            ("definitiebreuk", "catalogus_definitiebreuk"),
            ("precisie", "precisie"),
            ("teller", "teller"),
            ("noemer", "noemer"),
        )
    )
    cat = lees(
        con,
        f"select {code} as indicator_code, {naam}::varchar as naam, "
        f"{richting + '::varchar' if richting else 'null::varchar'} as richting, "
        f"{kern + '::boolean' if kern else 'true'} as kern, "
        f"{omschr + '::varchar' if omschr else 'null::varchar'} as omschrijving, {extra} "
        "from monitor.indicatoren",
    )
    return uit_waarden.join(cat, on="indicator_code", how="left").with_columns(
        pl.col("naam").fill_null(pl.col("indicator_code")),
        pl.col("kern").fill_null(True),
    )


def _realisatie(con: duckdb.DuckDBPyConnection, relaties: set[str]) -> pl.DataFrame:
    if "realisatie.regelingen_cijfers" in relaties:
        return lees(con, "select * from realisatie.regelingen_cijfers")
    return pl.DataFrame()


def _cbs_titels(con: duckdb.DuckDBPyConnection, relaties: set[str]) -> dict[str, str]:
    """CBS table id → its title (bron.cbs_tabellen), for captions and the definitions."""
    if "bron.cbs_tabellen" not in relaties:
        return {}
    return {
        str(t): str(n)
        for t, n in con.sql("select tabel_id, titel from bron.cbs_tabellen").fetchall()
        if t and n
    }


def _inwoners(
    con: duckdb.DuckDBPyConnection, relaties: set[str], gemeenten: list[str]
) -> dict[str, float]:
    """Inhabitants per buurt (bron.bevolking_buurt_2024): the map mutes non-residential buurten."""
    if "bron.bevolking_buurt_2024" not in relaties:
        return {}
    return {
        str(c).strip(): float(n)
        for c, n in con.sql(
            "select buurtcode, inwoners from bron.bevolking_buurt_2024 "
            "where substr(trim(buurtcode), 3, 4) in (select unnest(?)) and inwoners is not null",
            params=[gemeenten],
        ).fetchall()
    }


def laad(pad: Path) -> Publicatie:
    """Read the published file read-only; a clear error when it or a needed table is missing."""
    if not pad.exists():
        raise RapportageFout(
            f"Het gepubliceerde bestand {pad} bestaat niet. Bouw eerst de monitor "
            "(`nplv-monitor build` of materialiseer de assets in Dagster)."
        )
    with verbind(pad, read_only=True) as con:
        relaties = _relaties(con)
        if "ref.gebieden" not in relaties:
            raise RapportageFout(
                f"{pad} bevat geen ref.gebieden: de publicatie is onvolledig. Bouw de monitor opnieuw."
            )
        gebieden = lees(con, "select * from ref.gebieden")
        codes = gebieden["gebied_code"].to_list()
        if "monitor.indicatorwaarden" in relaties:
            waarden = lees(
                con,
                "select * from monitor.indicatorwaarden where gebied_code in (select unnest(?))",
                [codes],
            )
        else:
            # A publication without indicator values yet (stages land one by one): the report says
            # so on every section instead of failing the build.
            kolommen = validatie.schema("monitor.indicatorwaarden").columns
            waarden = pl.DataFrame(schema={n: k.dtype.type for n, k in kolommen.items()})
        gebied_buurten = (
            lees(con, "select * from ref.gebied_buurten")
            if "ref.gebied_buurten" in relaties
            else pl.DataFrame(
                schema={"gebied_code": pl.String, "indelingsjaar": pl.Int64, "buurtcode": pl.String}
            )
        )
        if gebied_buurten.height:
            ontbrekend = [t for t in KAART_TABELLEN if t not in relaties]
            if ontbrekend:
                raise RapportageFout(
                    f"{pad} bevat ref.gebied_buurten maar niet {', '.join(ontbrekend)}, die de "
                    "kaart nodig heeft. Bouw de monitor opnieuw (`nplv-monitor build`), zodat de "
                    "bronnen-stage die tabellen schrijft en de publicatie ze meeneemt."
                )
        lbm: dict[str, int | None] = {}
        if "bron.leefbaarometer_buurt" in relaties:
            kol = _kolommen(con, "bron.leefbaarometer_buurt")
            bu = _eerste(kol, ["bu_code", "buurtcode", "code"])
            if bu and "kscore" in kol:
                jaar = " where jaar = 2024" if "jaar" in kol else ""
                for c, k in con.sql(
                    f"select {bu}, kscore from bron.leefbaarometer_buurt{jaar}"
                ).fetchall():
                    lbm[str(c).strip()] = None if k is None else int(k)
        geometrie = None
        gms = [g[2:6] for g in gebieden["gemeentecode"].drop_nulls().unique().to_list()]
        if "bron.leefbaarometer_buurtgeometrie" in relaties:
            geometrie = [
                (str(a), str(b), str(c))
                for a, b, c in con.sql(
                    "select bu_code, bu_naam, geojson from bron.leefbaarometer_buurtgeometrie "
                    "where substr(trim(bu_code), 3, 4) in (select unnest(?))",
                    params=[gms],
                ).fetchall()
            ]
        editie, gepubliceerd = _editie(con, relaties, pad)
        return Publicatie(
            pad=pad,
            editie=editie,
            gepubliceerd=gepubliceerd,
            waarden=waarden,
            indicatoren=_indicatoren(con, relaties, waarden),
            gebieden=gebieden,
            gebied_buurten=gebied_buurten,
            realisatie=_realisatie(con, relaties),
            lbm_klassen=lbm,
            buurtgeometrie=geometrie,
            kleurregel=Kleurregel.uit_verbinding(con),
            retourstand=retouren.uit_verbinding(con) if "ref.gebieden" in relaties else None,
            cbs_titels=_cbs_titels(con, relaties),
            inwoners=_inwoners(con, relaties, gms),
        )
