"""publicatie.gebied_vergelijking and publicatie.laatste_waarden show the level of the value,
its margin, the significance of the change and how many focus areas "all focus areas" contains
exactly as monitor.indicatorwaarden holds them, on a full build (SQL over the published file)."""

from __future__ import annotations

from pathlib import Path

import duckdb

KOLOMMEN = ("waarde_niveau", "marge", "verandering_significant")


def _verschil(con: duckdb.DuckDBPyConnection, view: str, kolommen: tuple[str, ...]) -> int:
    ongelijk = " OR ".join(f"v.{k} IS DISTINCT FROM f.{k}" for k in kolommen)
    (n,) = con.execute(
        f"""SELECT count(*) FROM {view} v
            LEFT JOIN monitor.indicatorwaarden f USING (gebied_code, indicator_code, peiljaar)
            WHERE f.gebied_code IS NULL OR {ongelijk}"""
    ).fetchone() or (None,)
    return int(n)


def test_view_kolommen_gelijk_aan_basistabel(volledige_build: Path) -> None:
    con = duckdb.connect(str(volledige_build / "nplv_monitor.duckdb"), read_only=True)
    try:
        vergelijking = "publicatie.gebied_vergelijking"
        assert _verschil(con, vergelijking, KOLOMMEN) == 0
        assert _verschil(con, "publicatie.laatste_waarden", (*KOLOMMEN, "aantal_gebieden")) == 0
        # the view has exactly the focus areas' rows of the base table
        (n_view,) = con.execute(f"SELECT count(*) FROM {vergelijking}").fetchone() or (0,)
        (n_basis,) = con.execute(
            "SELECT count(*) FROM monitor.indicatorwaarden WHERE gebied_soort = 'focusgebied'"
        ).fetchone() or (0,)
        assert n_view == n_basis
        # the count of focus areas is the all-focus-areas row's of the same indicator and year
        (n_fout,) = con.execute(
            f"""SELECT count(*) FROM {vergelijking} v
                LEFT JOIN monitor.indicatorwaarden a ON a.gebied_soort = 'alle_focusgebieden'
                     AND a.indicator_code = v.indicator_code AND a.peiljaar = v.peiljaar
                WHERE v.aantal_gebieden IS DISTINCT FROM a.aantal_gebieden
                   OR v.aantal_gebieden_totaal IS DISTINCT FROM a.aantal_gebieden_totaal
                   OR v.waarde_alle_focusgebieden IS DISTINCT FROM a.waarde"""
        ).fetchone() or (None,)
        assert n_fout == 0
        # the columns are filled where the build has them (not a comparison of empty columns)
        (gemeente, marge, significant, totaal) = con.execute(
            f"""SELECT count(*) FILTER (WHERE waarde_niveau = 'gemeente'),
                       count(marge), count(verandering_significant),
                       count(*) FILTER (WHERE aantal_gebieden_totaal = 20)
                FROM {vergelijking}"""
        ).fetchone() or (0, 0, 0, 0)
        assert gemeente > 0
        assert marge > 0
        assert significant > 0
        assert totaal > 0
        beschrijving = con.execute(
            "SELECT comment FROM duckdb_views() WHERE schema_name = 'publicatie' "
            "AND view_name = 'gebied_vergelijking'"
        ).fetchone()
        assert beschrijving is not None
        for kolom in (*KOLOMMEN, "aantal_gebieden", "aantal_gebieden_totaal"):
            assert kolom in str(beschrijving[0])
    finally:
        con.close()
