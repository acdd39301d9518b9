"""The verdict on the gap to Nederland (kloof_wordt) and revisions beyond precision.

The verdict is computed once, in the indicator engine (indicatoren/vergelijking.py), and read by
the view publicatie.gebied_vergelijking, the HTML report and the workbook. These tests select it
from the published view and compare it with an independent SQL recomputation over the raw value
columns (the area's and Nederland's waarde in the peiljaar and in the basisjaar, and the
catalogue's precisie), on an invented TEST FIXTURE with areas on both sides of Nederland and on the
full build of the shipped snapshot.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nplv_monitor import validatie
from nplv_monitor.db import schrijf_tabel, verbind
from nplv_monitor.indicatoren import vergelijking
from nplv_monitor.publicatie import publiceer
from nplv_monitor.rapportage import opmaak

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

#: The independent recomputation: trends are judged for gebiedseffect indicators, basisjaar =
#: first peiljaar >= 2018 with a Nederland value (docs/indicatoren.md), gap = |area - Nederland|
#: from the raw waarde columns, "gelijk" within monitor.indicatoren.precisie. After a
#: definitiebreuk the trend restarts: the basis is the area's first peiljaar on the row's
#: indelingsjaar among the rows flagged (docs/indicatoren.md, "Vergelijkbaarheid van een reeks").
VERWACHT_SQL = """
WITH nl AS (
    SELECT indicator_code, peiljaar, waarde FROM monitor.indicatorwaarden
    WHERE gebied_code = 'NL00' AND status = 'ok'),
basis_nl AS (
    SELECT indicator_code, min(peiljaar) AS basisjaar FROM nl WHERE peiljaar >= 2018 GROUP BY 1),
breuk AS (
    SELECT gebied_code, indicator_code, indelingsjaar, min(peiljaar) AS basisjaar
    FROM monitor.indicatorwaarden WHERE definitiebreuk GROUP BY 1, 2, 3),
f AS (SELECT * FROM monitor.indicatorwaarden WHERE gebied_soort = 'focusgebied'),
basis AS (
    SELECT f.gebied_code, f.indicator_code, f.peiljaar,
           CASE WHEN f.definitiebreuk THEN br.basisjaar ELSE bn.basisjaar END AS basisjaar
    FROM f JOIN basis_nl bn USING (indicator_code)
    LEFT JOIN breuk br ON br.gebied_code = f.gebied_code AND br.indicator_code = f.indicator_code
         AND br.indelingsjaar = f.indelingsjaar)
SELECT f.gebied_code, f.indicator_code, f.peiljaar,
       f.waarde - nlt.waarde AS kloof_nu, f0.waarde - nl0.waarde AS kloof_basis,
       CASE WHEN f.familie <> 'gebiedseffect' OR f.status <> 'ok' OR f.waarde IS NULL
                 OR b.basisjaar IS NULL
                 OR f.peiljaar < b.basisjaar THEN NULL
            WHEN f.peiljaar = b.basisjaar THEN 'geen tweede meting'
            WHEN f0.waarde IS NULL OR nlt.waarde IS NULL THEN NULL
            WHEN abs(abs(f.waarde - nlt.waarde) - abs(f0.waarde - nl0.waarde)) <= i.precisie
                 THEN 'gelijk'
            WHEN abs(f.waarde - nlt.waarde) < abs(f0.waarde - nl0.waarde) THEN 'kleiner'
            ELSE 'groter' END AS verwacht
FROM f
LEFT JOIN basis b ON b.gebied_code = f.gebied_code AND b.indicator_code = f.indicator_code
     AND b.peiljaar = f.peiljaar
LEFT JOIN nl nlt ON nlt.indicator_code = f.indicator_code AND nlt.peiljaar = f.peiljaar
LEFT JOIN monitor.indicatorwaarden f0 ON f0.gebied_code = f.gebied_code
     AND f0.indicator_code = f.indicator_code AND f0.peiljaar = b.basisjaar AND f0.status = 'ok'
LEFT JOIN nl nl0 ON nl0.indicator_code = f.indicator_code AND nl0.peiljaar = b.basisjaar
LEFT JOIN monitor.indicatoren i ON i.indicator_code = f.indicator_code
"""


def _vergelijk(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """View verdict next to the independent one, per focus area, indicator and peiljaar."""
    return con.sql(
        f"""SELECT v.gebied_code, v.indicator_code, v.peiljaar, v.kloof_wordt, e.verwacht,
                   e.kloof_nu, e.kloof_basis
            FROM publicatie.gebied_vergelijking v
            JOIN ({VERWACHT_SQL}) e USING (gebied_code, indicator_code, peiljaar)
            ORDER BY ALL"""
    ).pl()


# -- TEST FIXTURE: invented values -----------------------------------------------------------
PRECISIE = 0.5
NEDERLAND = {2016: 50.0, 2018: 50.0, 2020: 52.0, 2024: 55.0}
#: area → {peiljaar: waarde}; NL 50 in 2018 and 55 in 2024.
GEBIEDEN: dict[str, dict[int, float]] = {
    "boven_dichterbij": {2016: 59.0, 2018: 60.0, 2020: 61.0, 2024: 62.0},  # +10 → +7
    "boven_verder": {2018: 58.0, 2020: 61.0, 2024: 66.0},  # +8 → +11
    "onder_dichterbij": {2016: 39.0, 2018: 40.0, 2020: 44.0, 2024: 48.0},  # −10 → −7
    "onder_verder": {2018: 45.0, 2020: 45.0, 2024: 45.0},  # −5 → −10
    "binnen_precisie": {2018: 40.0, 2020: 42.2, 2024: 45.3},  # −10 → −9,8 → −9,7
    "oversteken": {2018: 47.0, 2020: 50.0, 2024: 57.0},  # −3 → +2
    "zonder_basis": {2020: 40.0, 2024: 41.0},  # no value in the basisjaar
}
#: The verdicts read off the comments above (for the reader; the test checks the SQL too).
HANDMATIG = {
    ("boven_dichterbij", 2024): "kleiner",
    ("boven_verder", 2024): "groter",
    ("onder_dichterbij", 2024): "kleiner",
    ("onder_verder", 2024): "groter",
    ("binnen_precisie", 2020): "gelijk",
    ("binnen_precisie", 2024): "gelijk",
    ("oversteken", 2024): "kleiner",
    ("zonder_basis", 2024): None,
    ("boven_dichterbij", 2018): "geen tweede meting",
    ("boven_dichterbij", 2016): None,
    ("een_meting", 2024): "geen tweede meting",
}


def _iw(rijen: list[dict[str, object]]) -> pl.DataFrame:
    """Rows → monitor.indicatorwaarden through the engine's comparison steps."""
    sch = validatie.schema("monitor.indicatorwaarden")
    basis = pl.DataFrame(rijen).with_columns(
        status=pl.lit("ok"),
        familie=pl.lit("gebiedseffect"),
        actielijn=pl.lit("integraal"),
        eenheid=pl.lit("score"),
        indelingsjaar=pl.lit(2024, pl.Int64),
        dekking=pl.lit(1.0),
        bron_tabel=pl.lit("testfixture"),
        actueel=pl.lit(False),
    )
    effect = basis["indicator_code"].unique().to_list()
    df = vergelijking.met_nederland(basis)
    df = vergelijking.met_basisjaar(df, effect)
    df = vergelijking.met_kloof(df, dict.fromkeys(effect, PRECISIE))
    df = df.with_columns(
        [pl.lit(None, c.dtype.type).alias(k) for k, c in sch.columns.items() if k not in df.columns]
    ).select([pl.col(k).cast(c.dtype.type) for k, c in sch.columns.items()])
    return validatie.valideer(df, "monitor.indicatorwaarden")


def _fixture(waarden: dict[str, dict[int, float]] | None = None) -> pl.DataFrame:
    rijen: list[dict[str, object]] = []
    for jaar, w in NEDERLAND.items():
        for ind in ("test_kloof", "test_een_jaar"):
            if ind == "test_kloof" or jaar == 2024:
                rijen.append(_rij("NL00", "nederland", ind, jaar, w))
    for code, reeks in (waarden or GEBIEDEN).items():
        for jaar, w in reeks.items():
            rijen.append(_rij(code, "focusgebied", "test_kloof", jaar, w))
    rijen.append(_rij("een_meting", "focusgebied", "test_een_jaar", 2024, 45.0))
    return _iw(rijen)


def _rij(code: str, soort: str, ind: str, jaar: int, w: float) -> dict[str, object]:
    return {
        "gebied_code": code,
        "gebied_soort": soort,
        "indicator_code": ind,
        "peiljaar": jaar,
        "waarde": w,
    }


def _werk_met(werk: Path, iw: pl.DataFrame, precisie: float = PRECISIE) -> None:
    focus = iw.filter(pl.col("gebied_soort") == "focusgebied")["gebied_code"].unique().sort()
    with verbind(werk) as con:
        schrijf_tabel(con, "monitor.indicatorwaarden", iw)
        schrijf_tabel(
            con,
            "ref.gebieden",
            pl.DataFrame(
                {
                    "gebied_code": focus,
                    "gebied_naam": focus,
                    "soort": "focusgebied",
                    "gemeentecode": "GM0000",
                }
            ),
        )
        codes = iw["indicator_code"].unique().sort()
        schrijf_tabel(
            con,
            "monitor.indicatoren",
            pl.DataFrame({"indicator_code": codes, "precisie": [precisie] * len(codes)}),
        )


def _publiceer(werk: Path, doel: Path, jaar: int = 2026) -> publiceer.Publicatie:
    return publiceer.publiceer(
        werk,
        doel,
        rapportagejaar=jaar,
        run_id=f"kloof{uuid.uuid4().hex}",
        snapshot=[],
        wachttijd_s=1,
    )


def test_view_oordeelt_op_de_afstand_tot_nederland_aan_beide_kanten(tmp_output: Path) -> None:
    werk = tmp_output / ".werk" / "werk.duckdb"
    doel = tmp_output / "nplv_monitor.duckdb"
    _werk_met(werk, _fixture())
    _publiceer(werk, doel)
    with duckdb.connect(str(doel), read_only=True) as con:
        uit = _vergelijk(con)
        tolerantie = con.sql(
            "SELECT DISTINCT kloof_tolerantie FROM publicatie.gebied_vergelijking"
        ).fetchall()
    assert uit.height == sum(len(r) for r in GEBIEDEN.values()) + 1
    assert uit["kloof_wordt"].to_list() == uit["verwacht"].to_list()
    oordeel = {(r["gebied_code"], r["peiljaar"]): r["kloof_wordt"] for r in uit.to_dicts()}
    assert {k: oordeel[k] for k in HANDMATIG} == HANDMATIG
    assert tolerantie == [(PRECISIE,)]
    # the fixture has real changes on both sides of Nederland, widening and narrowing
    trend = uit.filter(pl.col("kloof_basis").is_not_null() & (pl.col("peiljaar") > 2018))
    assert (trend["kloof_basis"] < 0).any()
    assert (trend["kloof_basis"] > 0).any()
    assert {"kleiner", "groter", "gelijk"} <= set(trend["kloof_wordt"].to_list())


def test_een_meting_heeft_geen_verandering_en_geen_gelijk() -> None:
    iw = _fixture()
    basisjaar_rijen = iw.filter(
        (pl.col("gebied_soort") == "focusgebied") & (pl.col("peiljaar") == pl.col("basisjaar"))
    )
    assert basisjaar_rijen.height == 7  # six areas in 2018 and the one-year indicator in 2024
    assert basisjaar_rijen["verandering_sinds_basis"].null_count() == basisjaar_rijen.height
    assert basisjaar_rijen["verandering_verschil"].null_count() == basisjaar_rijen.height
    assert set(basisjaar_rijen["kloof_wordt"].to_list()) == {"geen tweede meting"}
    assert (
        iw.filter(pl.col("gebied_code") == "NL00")["kloof_wordt"].null_count()
        == iw.filter(pl.col("gebied_code") == "NL00").height
    )


def test_oordeelwaarden_zijn_die_van_het_schema_en_het_rapport() -> None:
    kolom = validatie.schema("monitor.indicatorwaarden").columns["kloof_wordt"]
    toegestaan = next(c for c in kolom.checks if c.name == "isin").statistics["allowed_values"]
    assert set(toegestaan) == set(opmaak.KLOOF_TEKSTEN)
    assert set(toegestaan) == {
        vergelijking.KLEINER,
        vergelijking.GROTER,
        vergelijking.GELIJK,
        vergelijking.GEEN_TWEEDE_METING,
    }


def _oordeel(a0: float, n0: float, a1: float, n1: float, tol: float) -> str | None:
    df = pl.DataFrame(
        {
            "gebied_code": ["g", "g", "NL00", "NL00"],
            "indicator_code": ["x"] * 4,
            "peiljaar": [2018, 2024, 2018, 2024],
            "waarde": [a0, a1, n0, n1],
            "status": ["ok"] * 4,
        }
    )
    df = vergelijking.met_basisjaar(vergelijking.met_nederland(df), ["x"])
    uit = vergelijking.met_kloof(df, {"x": tol})
    waarde = uit.filter((pl.col("gebied_code") == "g") & (pl.col("peiljaar") == 2024))
    return waarde["kloof_wordt"][0]


# Whole numbers keep the mirrored arithmetic exact, so the property is about the rule and not
# about float rounding at the tolerance boundary.
_getal = st.integers(min_value=-1000, max_value=1000).map(float)


@settings(max_examples=200, deadline=None)
@given(a0=_getal, n0=_getal, a1=_getal, n1=_getal, tol=st.sampled_from([0.0005, 0.05, 0.5, 2.0]))
def test_oordeel_is_symmetrisch_rond_nederland(
    a0: float, n0: float, a1: float, n1: float, tol: float
) -> None:
    oordeel = _oordeel(a0, n0, a1, n1, tol)
    # the area mirrored around Nederland in each year: same distance, other side
    assert _oordeel(2 * n0 - a0, n0, 2 * n1 - a1, n1, tol) == oordeel
    # area and Nederland both mirrored (around 0): the whole picture upside down
    assert _oordeel(-a0, -n0, -a1, -n1, tol) == oordeel
    # and it is the absolute gap that decides
    verschil = abs(a1 - n1) - abs(a0 - n0)
    verwacht = "gelijk" if abs(verschil) <= tol else ("kleiner" if verschil < 0 else "groter")
    assert oordeel == verwacht


# -- revisions ---------------------------------------------------------------------------------
def test_revisie_alleen_boven_de_precisie(tmp_output: Path) -> None:
    werk = tmp_output / ".werk" / "werk.duckdb"
    doel = tmp_output / "nplv_monitor.duckdb"
    eerste = _fixture()
    _werk_met(werk, eerste)
    _publiceer(werk, doel, 2025)
    # the next edition: float noise everywhere (as polars' unordered sums give), one real
    # revision above the precision and one change within it
    ruis = {c: {j: w * (1 + 1e-13) for j, w in r.items()} for c, r in GEBIEDEN.items()}
    ruis["boven_verder"][2020] += 2 * PRECISIE
    ruis["onder_verder"][2020] += 0.6 * PRECISIE
    tweede = _fixture(ruis)
    _werk_met(werk, tweede)
    pub = _publiceer(werk, doel, 2026)
    with duckdb.connect(str(doel), read_only=True) as con:
        rev = con.sql(
            "SELECT gebied_code, indicator_code, peiljaar, waarde, waarde_vorige_editie, herzien "
            f"FROM publicatie.revisies WHERE editie_id = '{pub.editie.editie_id}' ORDER BY ALL"
        ).pl()
    verwacht = (
        tweede.select("gebied_code", "indicator_code", "peiljaar", pl.col("waarde").alias("nieuw"))
        .join(
            eerste.select(
                "gebied_code", "indicator_code", "peiljaar", pl.col("waarde").alias("oud")
            ),
            on=["gebied_code", "indicator_code", "peiljaar"],
        )
        .with_columns(verwacht=(pl.col("nieuw") - pl.col("oud")).abs() > PRECISIE)
    )
    # the fixture's noise is real: an exact comparison would flag most rows
    assert (verwacht["nieuw"] != verwacht["oud"]).sum() > verwacht.height // 2
    naast = rev.join(verwacht, on=["gebied_code", "indicator_code", "peiljaar"], how="full")
    assert naast.height == rev.height == verwacht.height
    assert naast["herzien"].to_list() == naast["verwacht"].to_list()
    # the edition shows this build's value (the history may keep an earlier representation of a
    # value that only differs by float noise) and the previous edition's
    assert ((naast["waarde"] - naast["nieuw"]).abs() <= 1e-9 * naast["nieuw"].abs()).all()
    assert (naast["waarde_vorige_editie"] == naast["oud"]).all()
    herzien = rev.filter("herzien").select("gebied_code", "peiljaar").rows()
    assert herzien == [("boven_verder", 2020)]


# -- the full build of the shipped snapshot ----------------------------------------------------
def test_volledige_build_geen_oordeel_in_strijd_met_de_absolute_kloof(
    volledige_build: Path,
) -> None:
    with duckdb.connect(str(volledige_build / "nplv_monitor.duckdb"), read_only=True) as con:
        uit = _vergelijk(con)
        overvecht = con.sql(
            "SELECT peiljaar, round(kloof_nederland, 3), kloof_wordt "
            "FROM publicatie.gebied_vergelijking WHERE gebied_code = 'utrecht_overvecht' "
            "AND indicator_code = 'lbm_afwijking' AND peiljaar IN (2018, 2022, 2024) ORDER BY 1"
        ).fetchall()
        nl_rijen = con.sql(
            "SELECT count(*) FROM monitor.indicatorwaarden WHERE gebied_code = 'NL00' "
            "AND kloof_wordt IS NOT NULL"
        ).fetchall()
    trend = uit.filter(pl.col("kloof_wordt").is_in(["kleiner", "groter", "gelijk"]))
    tegen = uit.filter(pl.col("kloof_wordt").ne_missing(pl.col("verwacht")))
    assert tegen.height == 0, tegen.head(10)
    # not vacuous: trends on both sides of Nederland, narrowing and widening
    assert trend.height >= 250
    assert (trend["kloof_basis"] < 0).sum() > 0
    assert (trend["kloof_basis"] > 0).sum() > 0
    assert {"kleiner", "groter"} <= set(trend["kloof_wordt"].to_list())
    # Leefbaarometer afwijking Utrecht Overvecht −0,342 (2018) → −0,280 (2022): closer to NL;
    # 2024 (buurt scores, not the wijk file) starts a new series (docs: basis van de waarde)
    assert overvecht == [
        (2018, -0.342, "geen tweede meting"),
        (2022, -0.28, "kleiner"),
        (2024, -0.27, "geen tweede meting"),
    ]
    assert nl_rijen == [(0,)]


def test_twee_builds_zonder_gewijzigde_invoer_geven_geen_revisies(
    volledige_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The indicator stage runs again on the same inputs (a copy of the build's work file) and is
    published after the build's own edition: no value is revised."""
    import dagster as dg

    from nplv_monitor.db import WerkDatabase
    from nplv_monitor.indicatoren import assets as ind_assets

    uit = tmp_path / "output"
    (uit / ".werk").mkdir(parents=True)
    monkeypatch.setenv("NPLV_OUTPUT_DIR", str(uit))
    werk = uit / ".werk" / "werk.duckdb"
    shutil.copy(volledige_build / ".werk" / "werk.duckdb", werk)
    shutil.copy(volledige_build / "nplv_monitor.duckdb", uit / "nplv_monitor.duckdb")
    opnieuw = [ind_assets.contextindicatoren, ind_assets.gebiedseffectindicatoren]
    assert dg.materialize(opnieuw, resources={"werkdb": WerkDatabase(pad=str(werk))}).success
    pub = _publiceer(werk, uit / "nplv_monitor.duckdb")
    with duckdb.connect(str(uit / "nplv_monitor.duckdb"), read_only=True) as con:
        n, herzien = con.sql(
            "SELECT count(*), count(*) FILTER (WHERE herzien) FROM publicatie.revisies "
            f"WHERE editie_id = '{pub.editie.editie_id}' AND vorige_editie_id IS NOT NULL"
        ).fetchall()[0]
    assert n > 100_000
    assert herzien == 0


def test_zonder_tolerantie_geen_oordeel() -> None:
    """An indicator without a precision gets no verdict: "gelijk" cannot be told from a change."""
    rij = {
        "gebied_code": ["utrecht_overvecht"] * 2,
        "status": ["ok", "ok"],
        "waarde": [-0.270, -0.270],
        "peiljaar": [2024, 2024],
        "basisjaar": [2018, 2018],
        "verschil_nederland": [-0.291, -0.291],
        "verschil_nederland_basisjaar": [-0.342, -0.342],
        "tol": [None, 0.0005],
    }
    uit = pl.DataFrame(rij, schema_overrides={"tol": pl.Float64}).select(
        vergelijking.kloof_oordeel(pl.col("tol")).alias("kloof_wordt")
    )
    assert uit["kloof_wordt"].to_list() == [None, "kleiner"]
