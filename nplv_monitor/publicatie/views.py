"""Views in the published file for the analysts' common questions.

A view is only created when the tables it reads are in the file (stages land one by one), so the
published file never contains a view that fails when queried. Views are defined with unqualified
names after ``USE pub``, so they resolve inside the file whatever an analyst attaches it as.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from nplv_monitor.db import sql_tekst
from nplv_monitor.publicatie import edities, historie

IW = "monitor.indicatorwaarden"


@dataclass(frozen=True)
class View:
    naam: str  # schema.view
    omschrijving: str
    vereist: tuple[str, ...]
    sql: Callable[[duckdb.DuckDBPyConnection], str]


def _precisie(con: duckdb.DuckDBPyConnection, indicator: str) -> tuple[str, str]:
    """(join, expression) giving the precision of the indicator in column ``indicator`` from
    monitor.indicatoren, when the file has the catalogue (a publication of only some stages may
    not: then the expression is NULL)."""
    if not edities.bestaat(con, "pub", "monitor", "indicatoren"):
        return "", "CAST(NULL AS DOUBLE)"
    return (
        f"LEFT JOIN monitor.indicatoren i_p ON i_p.indicator_code = {indicator}",
        "i_p.precisie",
    )


def _gebied_vergelijking(con: duckdb.DuckDBPyConnection) -> str:
    # kloof_wordt is computed once, in the engine (indicatoren/vergelijking.py: kloof_oordeel);
    # the view shows it with the distance change it rests on and the tolerance it used.
    join, precisie = _precisie(con, "f.indicator_code")
    return f"""
    SELECT f.gebied_code, g.gebied_naam, f.indicator_code, f.familie, f.actielijn, f.peiljaar,
           f.eenheid, f.status, f.status_toelichting, f.waarde, f.waarde_niveau, f.marge,
           f.dekking,
           g.gemeentecode, gm.waarde AS waarde_gemeente,
           r.waarde AS waarde_rest_gemeente,
           coalesce(nl.waarde, f.waarde_nederland) AS waarde_nederland,
           f.verschil_nederland AS kloof_nederland,
           f.basisjaar, f.waarde_basisjaar, f.verandering_sinds_basis AS trend_sinds_basis,
           f.verschil_nederland_basisjaar AS kloof_nederland_basisjaar,
           f.verandering_verschil AS verandering_kloof, f.verandering_significant,
           CASE WHEN f.peiljaar > f.basisjaar
                THEN abs(f.verschil_nederland) - abs(f.verschil_nederland_basisjaar)
           END AS verandering_afstand_nederland,
           {precisie} AS kloof_tolerantie,
           f.kloof_wordt,
           f.territorium_basis, f.territorium_peiljaar, f.aandeel_basisbevolking,
           f.aandeel_peiljaarbevolking_in_basis, f.definitiebreuk,
           f.percentiel_wijken, f.bron_tabel, f.bron_variabele,
           af.waarde AS waarde_alle_focusgebieden, af.aantal_gebieden,
           af.aantal_gebieden_totaal
    FROM {IW} f
    JOIN ref.gebieden g ON g.gebied_code = f.gebied_code
    LEFT JOIN {IW} gm ON gm.gebied_code = g.gemeentecode
         AND gm.indicator_code = f.indicator_code AND gm.peiljaar = f.peiljaar
    LEFT JOIN {IW} r ON r.gebied_code = f.gebied_code || '_rest'
         AND r.indicator_code = f.indicator_code AND r.peiljaar = f.peiljaar
    LEFT JOIN {IW} nl ON nl.gebied_code = 'NL00'
         AND nl.indicator_code = f.indicator_code AND nl.peiljaar = f.peiljaar
    LEFT JOIN {IW} af ON af.gebied_soort = 'alle_focusgebieden'
         AND af.indicator_code = f.indicator_code AND af.peiljaar = f.peiljaar
    {join}
    WHERE f.gebied_soort = 'focusgebied'
    """


def _indicator_gebieden(con: duckdb.DuckDBPyConnection) -> str:
    # PIVOT in a view needs an explicit column list; it is the set of areas in this edition.
    codes = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT gebied_code, gebied_soort FROM pub.{IW} "
            "WHERE gebied_soort IN ('focusgebied', 'alle_focusgebieden', 'nederland') "
            "ORDER BY gebied_soort = 'nederland', gebied_soort = 'alle_focusgebieden', gebied_code"
        ).fetchall()
    ]
    if not codes:
        codes = ["NL00"]
    lijst = ", ".join(sql_tekst(c) for c in codes)
    return f"""
    PIVOT (SELECT indicator_code, familie, actielijn, eenheid, peiljaar, gebied_code, waarde
           FROM {IW}
           WHERE gebied_soort IN ('focusgebied', 'alle_focusgebieden', 'nederland'))
    ON gebied_code IN ({lijst})
    USING first(waarde)
    GROUP BY indicator_code, familie, actielijn, eenheid, peiljaar
    ORDER BY indicator_code, peiljaar
    """


def _laatste_waarden(_: duckdb.DuckDBPyConnection) -> str:
    # The latest value of one gebied can be of another year than another gebied's or Nederland's
    # (KWB 2024 in the snapshot lacks eight areas: their latest value is 2020). The view never
    # puts those side by side silently: it says which year Nederland's latest value is, flags a
    # row of another year, and gives the reason the gebied has no value in the latest year.
    return f"""
    SELECT f.*,
           nl.peiljaar_nederland,
           CASE WHEN nl.peiljaar_nederland IS NOT NULL
                THEN f.peiljaar <> nl.peiljaar_nederland END AS ander_peiljaar_dan_nederland,
           li.laatste_peiljaar_indicator,
           CASE WHEN f.peiljaar < li.laatste_peiljaar_indicator
                THEN coalesce(r.status || ' in ' || r.peiljaar || ': ' || r.status_toelichting,
                              'geen rij in ' || li.laatste_peiljaar_indicator)
           END AS reden_ouder_peiljaar
    FROM (
        SELECT * FROM {IW}
        QUALIFY row_number() OVER (PARTITION BY gebied_code, indicator_code
                                   ORDER BY status = 'ok' DESC, peiljaar DESC) = 1
    ) f
    LEFT JOIN (SELECT indicator_code, max(peiljaar) AS peiljaar_nederland FROM {IW}
               WHERE gebied_code = 'NL00' AND status = 'ok' GROUP BY indicator_code) nl
           ON nl.indicator_code = f.indicator_code
    LEFT JOIN (SELECT indicator_code, max(peiljaar) AS laatste_peiljaar_indicator FROM {IW}
               WHERE status = 'ok' GROUP BY indicator_code) li
           ON li.indicator_code = f.indicator_code
    LEFT JOIN {IW} r ON r.gebied_code = f.gebied_code AND r.indicator_code = f.indicator_code
                    AND r.peiljaar = li.laatste_peiljaar_indicator
    """


def _niet_gepubliceerd(_: duckdb.DuckDBPyConnection) -> str:
    return f"""
    SELECT gebied_code, gebied_soort, indicator_code, peiljaar, status, status_toelichting, dekking
    FROM {IW} WHERE status <> 'ok'
    """


def _edities_overzicht(con: duckdb.DuckDBPyConnection) -> str:
    heeft_historie = edities.bestaat(con, "pub", "publicatie", "indicatorwaarden_historie")
    per_editie = (
        "LEFT JOIN (SELECT editie_id, count(DISTINCT indicator_code) AS indicatoren, "
        f"count(DISTINCT gebied_code) AS gebieden FROM ({historie.per_editie()}) "
        "GROUP BY editie_id) h USING (editie_id)"
        if heeft_historie
        else ""
    )
    kolommen = ", h.indicatoren, h.gebieden" if heeft_historie else ""
    return f"""
    SELECT e.editie_id, e.rapportagejaar, e.gepubliceerd_op, e.run_id, e.snapshot_sha256,
           e.aantal_indicatorwaarden, e.aantal_ok, e.aantal_onderdrukt, e.aantal_ontbreekt,
           b.bestanden{kolommen},
           row_number() OVER (PARTITION BY e.rapportagejaar ORDER BY e.gepubliceerd_op DESC) = 1
               AS laatste_van_rapportagejaar
    FROM publicatie.edities e
    LEFT JOIN (SELECT editie_id, count(*) AS bestanden FROM publicatie.editie_bestanden
               GROUP BY editie_id) b USING (editie_id)
    {per_editie}
    ORDER BY e.gepubliceerd_op
    """


def _revisies(con: duckdb.DuckDBPyConnection) -> str:
    # A revision is a change beyond the indicator's precision (monitor.indicatoren.precisie):
    # two builds of unchanged inputs differ by ~1e-13 relative (polars sums in no fixed order),
    # which is not a revision. Without a catalogue in the file, only that float noise is ignored.
    join, precisie = _precisie(con, "h.indicator_code")
    return f"""
    SELECT gebied_code, indicator_code, peiljaar, editie_id, rapportagejaar, gepubliceerd_op,
           status, waarde, vorige_editie_id, waarde_vorige_editie,
           waarde - waarde_vorige_editie AS herziening,
           (vorige_editie_id IS NOT NULL
            AND CASE WHEN waarde IS NULL OR waarde_vorige_editie IS NULL
                     THEN (waarde IS NULL) <> (waarde_vorige_editie IS NULL)
                     ELSE abs(waarde - waarde_vorige_editie) > coalesce(
                         precisie, 1e-9 * greatest(abs(waarde), abs(waarde_vorige_editie)))
                END) AS herzien
    FROM (
        SELECT h.gebied_code, h.indicator_code, h.peiljaar, h.editie_id, e.rapportagejaar,
               e.gepubliceerd_op, h.status, h.waarde, {precisie} AS precisie,
               lag(h.editie_id) OVER w AS vorige_editie_id,
               lag(h.waarde) OVER w AS waarde_vorige_editie
        FROM ({historie.per_editie()}) h
        JOIN publicatie.edities e USING (editie_id)
        {join}
        WINDOW w AS (PARTITION BY h.gebied_code, h.indicator_code, h.peiljaar
                     ORDER BY e.gepubliceerd_op)
    )
    """


VIEWS: tuple[View, ...] = (
    View(
        "publicatie.gebied_vergelijking",
        "Per focusgebied, indicator en peiljaar: de waarde naast de eigen gemeente, de rest van de "
        "gemeente en Nederland, de kloof met Nederland en de trend sinds het basisjaar. kloof_wordt "
        "oordeelt naar de afstand |gebied - Nederland| (kleiner, groter, gelijk binnen "
        "kloof_tolerantie, geen tweede meting). territorium_basis/_peiljaar, aandeel_basisbevolking, "
        "aandeel_peiljaarbevolking_in_basis en definitiebreuk zeggen of de trend op één "
        "grondgebied ligt (anders: opnieuw vanaf de breuk). waarde_niveau: 'gebied' als de waarde "
        "van het gebied zelf is, 'gemeente' als het het cijfer van de gemeente is (enquêtes per "
        "gemeente; geen gebiedswaarde). marge: de gepubliceerde marge van dat cijfer; "
        "verandering_significant: is de verandering sinds het basisjaar significant (z-toets op "
        "de marges). waarde_alle_focusgebieden met aantal_gebieden van aantal_gebieden_totaal: "
        "hoeveel focusgebieden die optelling bevat (alleen gepubliceerd als het alle zijn).",
        (IW, "ref.gebieden"),
        _gebied_vergelijking,
    ),
    View(
        "publicatie.indicator_gebieden",
        "Per indicator en peiljaar alle focusgebieden naast elkaar (één kolom per gebied_code), "
        "met alle focusgebieden samen en Nederland (NL00).",
        (IW,),
        _indicator_gebieden,
    ),
    View(
        "publicatie.laatste_waarden",
        "Per gebied en indicator de rij van het meest recente peiljaar met een gepubliceerde "
        "waarde (zonder waarde: de meest recente rij, met de reden). Peiljaren worden nooit stil "
        "gemengd: peiljaar_nederland is het laatste peiljaar van Nederland, "
        "ander_peiljaar_dan_nederland markeert een rij van een ander jaar, "
        "laatste_peiljaar_indicator het laatste jaar met een waarde voor enig gebied en "
        "reden_ouder_peiljaar waarom dit gebied in dat jaar geen waarde heeft. Alle kolommen van "
        "monitor.indicatorwaarden, dus ook waarde_niveau ('gemeente': het cijfer van de gemeente, "
        "geen gebiedswaarde), marge, verandering_significant en, voor alle focusgebieden, "
        "aantal_gebieden van aantal_gebieden_totaal.",
        (IW,),
        _laatste_waarden,
    ),
    View(
        "publicatie.niet_gepubliceerde_waarden",
        "Waarden die niet gepubliceerd worden (status onderdrukt of ontbreekt), met de reden.",
        (IW,),
        _niet_gepubliceerd,
    ),
    View(
        "publicatie.edities_overzicht",
        "Alle gepubliceerde edities met aantallen waarden per status en gebruikte "
        "snapshotbestanden.",
        (edities.EDITIES, edities.BESTANDEN),
        _edities_overzicht,
    ),
    View(
        "publicatie.revisies",
        "Per gebied, indicator en peiljaar de waarde in elke editie naast die in de editie ervoor: "
        "wat vorig jaar is gerapporteerd naast de herziene cijfers. herzien = de waarde verschilt "
        "meer dan de precisie van de indicator (monitor.indicatoren.precisie), of verschijnt of "
        "verdwijnt.",
        (edities.HISTORIE, edities.EDITIES),
        _revisies,
    ),
)


def maak(con: duckdb.DuckDBPyConnection, db: str) -> list[str]:
    """Create every view whose tables exist in database ``db``; return the names created."""
    gemaakt = []
    con.execute(f"USE {db}")
    try:
        for view in VIEWS:
            if not all(edities.bestaat(con, db, *t.split(".")) for t in view.vereist):
                continue
            schema, naam = view.naam.split(".")
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {db}.{schema}")
            con.execute(f"CREATE OR REPLACE VIEW {schema}.{naam} AS {view.sql(con)}")
            con.execute(f"COMMENT ON VIEW {schema}.{naam} IS {sql_tekst(view.omschrijving)}")
            gemaakt.append(view.naam)
    finally:
        con.execute("USE memory")
    return gemaakt
