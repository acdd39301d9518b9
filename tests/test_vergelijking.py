"""Comparisons and trends (indicatoren/vergelijking.py) on small hand-made frames.

TEST FIXTURE: every frame here is invented; each expected number is worked out by hand in the
comment beside it. The full-build checks (independent SQL over the published file) are in
tests/test_kloof.py and tests/test_indicatoren_percentiel.py; these are fast and are the mutation
run's test selection for vergelijking.py, together with the pure tests of tests/test_kloof.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl
import pytest

from nplv_monitor.indicatoren import vergelijking as v
from nplv_monitor.indicatoren.vergelijkbaarheid import GEPUBLICEERD_TOELICHTING, Vergelijkbaarheid


def _df(rijen: list[tuple[str, str, int, float | None, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        rijen,
        schema={
            "gebied_code": pl.String,
            "indicator_code": pl.String,
            "peiljaar": pl.Int64,
            "waarde": pl.Float64,
            "status": pl.String,
        },
        orient="row",
    )


def _rij(df: pl.DataFrame, gebied: str, jaar: int, indicator: str = "x") -> dict[str, object]:
    (r,) = df.filter(
        (pl.col("gebied_code") == gebied)
        & (pl.col("peiljaar") == jaar)
        & (pl.col("indicator_code") == indicator)
    ).to_dicts()
    return r


REEKS = _df(
    [
        ("NL00", "x", 2016, 50.0, "ok"),
        ("NL00", "x", 2017, None, "onderdrukt"),
        ("NL00", "x", 2019, 52.0, "ok"),
        ("NL00", "x", 2021, 55.0, "ok"),
        ("g", "x", 2016, 40.0, "ok"),
        ("g", "x", 2017, 41.0, "ok"),
        ("g", "x", 2019, 44.0, "ok"),
        ("g", "x", 2021, 50.0, "ok"),
        ("h", "x", 2019, None, "onderdrukt"),
        ("h", "x", 2021, 60.0, "ok"),
        # a context indicator: no basisjaar, no trend
        ("NL00", "c", 2019, 1.0, "ok"),
        ("g", "c", 2019, 3.0, "ok"),
        ("g", "c", 2021, 4.0, "ok"),
    ]
)


def test_met_nederland() -> None:
    uit = v.met_nederland(REEKS)
    assert uit.height == REEKS.height
    assert (
        _rij(uit, "g", 2019)["waarde_nederland"],
        _rij(uit, "g", 2019)["verschil_nederland"],
    ) == (
        52.0,
        -8.0,
    )
    # Nederland suppressed that year: nothing to compare with
    g17 = _rij(uit, "g", 2017)
    assert (g17["waarde_nederland"], g17["verschil_nederland"]) == (None, None)
    assert _rij(uit, "NL00", 2021)["verschil_nederland"] == 0.0
    assert _rij(uit, "g", 2021, "c")["waarde_nederland"] is None  # NL00 has c only in 2019


def test_basisjaar_eerste_nederlandjaar_vanaf_2018() -> None:
    uit = v.met_basisjaar(v.met_nederland(REEKS), ["x"])
    # NL00 has x in 2016, 2019, 2021: the first from 2018 on is 2019
    assert _rij(uit, "g", 2021)["basisjaar"] == 2019
    assert _rij(uit, "g", 2016)["basisjaar"] is None  # before the basisjaar
    g21 = _rij(uit, "g", 2021)
    assert g21["waarde_basisjaar"] == 44.0
    assert g21["verandering_sinds_basis"] == pytest.approx(6.0)  # 50 − 44
    # gap −8 (44 − 52) → −5 (50 − 55): change of the signed difference +3
    assert g21["verschil_nederland_basisjaar"] == -8.0
    assert g21["verandering_verschil"] == pytest.approx(3.0)
    g19 = _rij(uit, "g", 2019)
    assert (g19["verandering_sinds_basis"], g19["verandering_verschil"]) == (None, None)
    # area suppressed in the basisjaar: no change to report
    h21 = _rij(uit, "h", 2021)
    assert (h21["waarde_basisjaar"], h21["verandering_sinds_basis"]) == (None, None)
    assert _rij(uit, "g", 2021, "c")["basisjaar"] is None  # not a gebiedseffect indicator
    later = v.met_basisjaar(v.met_nederland(REEKS), ["x"], vanaf=2020)
    assert _rij(later, "g", 2021)["basisjaar"] == 2021
    assert _rij(later, "g", 2019)["basisjaar"] is None


def test_vast_basisjaar() -> None:
    uit = v.met_basisjaar(v.met_nederland(REEKS), ["x"], vast=2016)
    g21 = _rij(uit, "g", 2021)
    assert (g21["basisjaar"], g21["waarde_basisjaar"]) == (2016, 40.0)
    assert g21["verandering_sinds_basis"] == pytest.approx(10.0)
    assert _rij(uit, "g", 2016)["verandering_sinds_basis"] is None


def _oordeel(
    gebied: list[float | None], nl: list[float], tol: float, status: str = "ok"
) -> str | None:
    df = _df(
        [
            ("g", "x", 2019, gebied[0], "ok"),
            ("g", "x", 2021, gebied[1], status),
            ("NL00", "x", 2019, nl[0], "ok"),
            ("NL00", "x", 2021, nl[1], "ok"),
        ]
    )
    uit = v.met_kloof(v.met_basisjaar(v.met_nederland(df), ["x"]), {"x": tol})
    return _rij(uit, "g", 2021)["kloof_wordt"]  # type: ignore[return-value]


def test_kloof_oordeel_op_de_afstand() -> None:
    # gap 5 → 6 (further away): groter; 5 → 4: kleiner; below NL −5 → −4: kleiner
    assert _oordeel([15.0, 16.0], [10.0, 10.0], 0.5) == v.GROTER
    assert _oordeel([15.0, 14.0], [10.0, 10.0], 0.5) == v.KLEINER
    assert _oordeel([5.0, 6.0], [10.0, 10.0], 0.5) == v.KLEINER
    assert _oordeel([5.0, 4.0], [10.0, 10.0], 0.5) == v.GROTER
    # crossing Nederland: −5 → +5 is the same distance
    assert _oordeel([5.0, 15.0], [10.0, 10.0], 0.5) == v.GELIJK
    # a change of the distance equal to the tolerance is still "gelijk"; just above is not
    assert _oordeel([15.0, 16.0], [10.0, 10.0], 1.0) == v.GELIJK
    assert _oordeel([15.0, 16.0], [10.0, 10.0], 0.999) == v.GROTER
    assert _oordeel([15.0, 14.0], [10.0, 10.0], 1.0) == v.GELIJK


def test_kloof_zonder_oordeel() -> None:
    assert _oordeel([15.0, 16.0], [10.0, 10.0], 0.5, status="onderdrukt") is None
    assert _oordeel([None, 16.0], [10.0, 10.0], 0.5) is None  # no value in the basisjaar
    df = _df([("g", "x", 2019, 1.0, "ok"), ("NL00", "x", 2019, 2.0, "ok")])
    uit = v.met_kloof(v.met_basisjaar(v.met_nederland(df), ["x"]), {"x": 0.5})
    assert _rij(uit, "g", 2019)["kloof_wordt"] == v.GEEN_TWEEDE_METING
    assert _rij(uit, "NL00", 2019)["kloof_wordt"] is None
    assert uit["verandering_significant"].null_count() == uit.height
    # an indicator without a basisjaar (not gebiedseffect) gets no verdict
    ctx = v.met_kloof(v.met_basisjaar(v.met_nederland(REEKS), ["x"]), {"x": 0.5, "c": 0.5})
    assert _rij(ctx, "g", 2021, "c")["kloof_wordt"] is None


def _wijken(
    waarden: Sequence[float | None], extra: list[tuple[str, float | None, str]] | None = None
) -> pl.DataFrame:
    rijen = [
        {
            "gebied_code": f"WK0000{i:02d}",
            "gebied_soort": "wijk",
            "indicator_code": "x",
            "peiljaar": 2022,
            "indelingsjaar": 2022,
            "waarde": w,
            "status": "ok" if w is not None else "onderdrukt",
        }
        for i, w in enumerate(waarden)
    ]
    for code, w, soort in extra or []:
        rijen.append(
            {
                "gebied_code": code,
                "gebied_soort": soort,
                "indicator_code": "x",
                "peiljaar": 2022,
                "indelingsjaar": 2022,
                "waarde": w,
                "status": "ok" if w is not None else "onderdrukt",
            }
        )
    return pl.DataFrame(rijen)


def _pct(df: pl.DataFrame, gebied: str, **kw: object) -> float | None:
    uit = v.met_percentiel(df, ["x"], **kw)  # type: ignore[arg-type]
    (r,) = uit.filter(pl.col("gebied_code") == gebied).to_dicts()
    return r["percentiel_wijken"]


def test_percentiel_onder_of_gelijk() -> None:
    tien = [float(i) for i in range(1, 11)]  # wijken 1..10
    df = _wijken(
        tien, [("a", 5.5, "focusgebied"), ("b", 0.5, "focusgebied"), ("c", 10.0, "focusgebied")]
    )
    assert _pct(df, "a") == pytest.approx(50.0)  # 5 of 10 at or below 5.5
    assert _pct(df, "b") == 0.0  # below every wijk
    assert _pct(df, "c") == pytest.approx(100.0)
    assert _pct(df, "WK000003") == pytest.approx(40.0)  # value 4: wijken 1..4
    # ties: 1, 2, 2, 3 — a value of 2 has three wijken at or below it
    gelijk = _wijken([1.0, 2.0, 2.0, 3.0], [("a", 2.0, "focusgebied")])
    assert _pct(gelijk, "a") == pytest.approx(75.0)
    assert _pct(df, "a", landelijke_indelingsjaren=[2022]) == pytest.approx(50.0)


def test_geen_percentiel_zonder_landelijke_dekking() -> None:
    # 8 of 10 wijken with a value: 80% < 90%, no national rank
    df = _wijken([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, None, None], [("a", 5.5, "focusgebied")])
    assert _pct(df, "a") is None
    # 9 of 10: exactly 90% is enough
    negen = _wijken(
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, None], [("a", 4.5, "focusgebied")]
    )
    assert _pct(negen, "a") == pytest.approx(4 / 9 * 100)
    # an indeling year without a national region list: no rank
    assert _pct(negen, "a", landelijke_indelingsjaren=[2020]) is None
    # a value without a number, or not a gebiedseffect indicator: no rank
    zonder = _wijken([float(i) for i in range(10)], [("a", None, "focusgebied")])
    assert _pct(zonder, "a") is None
    ander = v.met_percentiel(negen, ["y"])
    assert ander["percentiel_wijken"].null_count() == ander.height


def test_actueel_is_het_laatste_jaar_met_waarde() -> None:
    df = _df(
        [
            ("g", "x", 2018, 1.0, "ok"),
            ("g", "x", 2020, 2.0, "ok"),
            ("g", "x", 2022, None, "onderdrukt"),
            ("h", "x", 2022, None, "onderdrukt"),
        ]
    )
    uit = v.met_actueel(df).sort("gebied_code", "peiljaar")
    assert uit["actueel"].to_list() == [False, True, False, False]
    assert "_laatste" not in uit.columns


def test_zonder_vergelijkbaarheid_lege_territoriumkolommen() -> None:
    uit = v.met_basisjaar(v.met_nederland(REEKS), ["x"])
    for kolom, soort in v.TERRITORIUM_KOLOMMEN.items():
        assert uit.schema[kolom] == soort, kolom
        assert uit[kolom].null_count() == uit.height, kolom
    # the trend columns are still computed, on the basisjaar found without territories
    assert _rij(uit, "g", 2021)["basisjaar"] == 2019


def _met_marges(
    marges: Mapping[tuple[str, int], float | None], precisie: float
) -> dict[str, object]:
    """REEKS's x (gap −8 in 2019 → −5 in 2021: distance 3 smaller) with survey margins."""
    df = REEKS.filter(pl.col("indicator_code") == "x").with_columns(
        marge=pl.struct("gebied_code", "peiljaar").map_elements(
            lambda r: marges.get((r["gebied_code"], r["peiljaar"])), return_dtype=pl.Float64
        )
    )
    uit = v.met_kloof(v.met_basisjaar(v.met_nederland(df), ["x"]), {"x": precisie})
    assert "_kloof_marge" not in uit.columns
    return _rij(uit, "g", 2021)


def test_kloof_met_steekproefmarges() -> None:
    # all four margins 1: the sampling bound on the change of the gap is sqrt(4 · 1²) = 2 < 3
    een = {("g", 2019): 1.0, ("g", 2021): 1.0, ("NL00", 2019): 1.0, ("NL00", 2021): 1.0}
    assert _met_marges(een, 0.5)["kloof_wordt"] == v.KLEINER
    # area margins 3 and 4, Nederland 0: bound sqrt(9 + 16) = 5 >= 3: not significant, "gelijk"
    groot = {("g", 2019): 3.0, ("g", 2021): 4.0, ("NL00", 2019): 0.0, ("NL00", 2021): 0.0}
    assert _met_marges(groot, 0.5)["kloof_wordt"] == v.GELIJK
    # just below the change: sqrt(2.9²) = 2.9 < 3
    net = {("g", 2019): 2.9, ("g", 2021): 0.0, ("NL00", 2019): 0.0, ("NL00", 2021): 0.0}
    assert _met_marges(net, 0.5)["kloof_wordt"] == v.KLEINER
    # the precision still bounds "gelijk" when it is the larger of the two
    assert _met_marges(een, 3.0)["kloof_wordt"] == v.GELIJK
    assert _met_marges(een, 2.9)["kloof_wordt"] == v.KLEINER
    # one margin missing: no sampling bound, the precision alone decides
    half = {("g", 2019): 3.0, ("g", 2021): None, ("NL00", 2019): 0.0, ("NL00", 2021): 0.0}
    assert _met_marges(half, 0.5)["kloof_wordt"] == v.KLEINER


def test_verandering_significant_op_de_marges() -> None:
    # change of the area since 2019: 50 − 44 = 6 against sqrt(m2019² + m2021²)
    def significant(m19: float | None, m21: float | None) -> object:
        marges = {("g", 2019): m19, ("g", 2021): m21, ("NL00", 2019): 0.0, ("NL00", 2021): 0.0}
        return _met_marges(marges, 0.5)["verandering_significant"]

    assert significant(3.0, 4.0) is True  # 6 > 5
    assert significant(4.0, 4.5) is False  # sqrt(16 + 20.25) ≈ 6.02 >= 6
    assert significant(None, 4.0) is None
    assert significant(3.0, None) is None


def test_kloof_zonder_marges_typen_en_ontbrekende_precisie() -> None:
    # "y" is a gebiedseffect indicator missing from the precision map: no verdict, never an error
    df = pl.concat(
        [
            REEKS.filter(pl.col("indicator_code") == "x"),
            REEKS.filter(pl.col("indicator_code") == "x").with_columns(indicator_code=pl.lit("y")),
        ]
    )
    uit = v.met_kloof(v.met_basisjaar(v.met_nederland(df), ["x", "y"]), {"x": 0.5})
    assert uit.schema["kloof_wordt"] == pl.String
    assert uit.schema["verandering_significant"] == pl.Boolean
    assert uit["verandering_significant"].null_count() == uit.height
    # the same series: x judged (gap 8 → 5, kleiner), y not; both have their basisjaar row
    assert _rij(uit, "g", 2021, "x")["kloof_wordt"] == v.KLEINER
    assert _rij(uit, "g", 2021, "y")["kloof_wordt"] is None
    assert _rij(uit, "g", 2019, "y")["kloof_wordt"] == v.GEEN_TWEEDE_METING


def test_nederland_alleen_uit_een_ok_rij() -> None:
    # Nederland's row must be both NL00 and ok: a suppressed NL00 row that still carries a number
    # (as the engine's rows do before the value is withheld) is no comparison value, and another
    # area's ok row is not Nederland
    df = _df(
        [
            ("NL00", "x", 2019, 52.0, "ok"),
            ("NL00", "x", 2021, 55.0, "onderdrukt"),
            ("g", "x", 2019, 44.0, "ok"),
            ("g", "x", 2021, 50.0, "ok"),
        ]
    )
    uit = v.met_nederland(df)
    assert uit.height == 4
    g21 = _rij(uit, "g", 2021)
    assert (g21["waarde_nederland"], g21["verschil_nederland"]) == (None, None)
    assert (
        _rij(uit, "g", 2019)["waarde_nederland"],
        _rij(uit, "g", 2019)["verschil_nederland"],
    ) == (
        52.0,
        -8.0,
    )


def test_basisjaar_is_het_eerste_nederlandjaar_niet_dat_van_een_gebied() -> None:
    # g has a value in 2018, Nederland only from 2019: the basisjaar is Nederland's first year
    # (2019) for every area, also for g, whose 2018 row then lies before the basisjaar
    df = _df(
        [
            ("NL00", "x", 2019, 52.0, "ok"),
            ("NL00", "x", 2021, 55.0, "ok"),
            ("g", "x", 2018, 43.0, "ok"),
            ("g", "x", 2019, 44.0, "ok"),
            ("g", "x", 2021, 50.0, "ok"),
        ]
    )
    uit = v.met_basisjaar(v.met_nederland(df), ["x"])
    assert uit.height == 5
    assert _rij(uit, "g", 2021)["basisjaar"] == 2019
    assert _rij(uit, "g", 2021)["verandering_sinds_basis"] == pytest.approx(6.0)  # 50 − 44
    assert _rij(uit, "g", 2018)["basisjaar"] is None


def test_basisjaar_vanaf_telt_het_jaar_zelf_mee() -> None:
    # vanaf=2019 and Nederland has 2019: that year itself is the basisjaar (">=", not ">")
    uit = v.met_basisjaar(v.met_nederland(REEKS), ["x"], vanaf=2019)
    assert _rij(uit, "g", 2021)["basisjaar"] == 2019
    assert _rij(uit, "g", 2019)["basisjaar"] == 2019
    assert uit.schema["basisjaar"] == pl.Int64


def test_vast_basisjaar_type_en_alleen_effectindicatoren() -> None:
    uit = v.met_basisjaar(v.met_nederland(REEKS), ["x"], vast=2019)
    # the fixed year is an Int64 like peiljaar (the published column's type)
    assert uit.schema["basisjaar"] == pl.Int64
    assert _rij(uit, "g", 2021)["basisjaar"] == 2019
    assert _rij(uit, "g", 2021)["verandering_sinds_basis"] == pytest.approx(6.0)
    # c is not a gebiedseffect indicator: no basisjaar even with a fixed year
    assert _rij(uit, "g", 2021, "c")["basisjaar"] is None


def test_kloof_kleine_verandering_boven_de_tolerantie() -> None:
    # the distance grows by 0.5, well above a tolerance of 0.1: groter (a change between 0 and 1
    # is a change like any other); shrinks by 0.5: kleiner
    assert _oordeel([15.0, 15.5], [10.0, 10.0], 0.1) == v.GROTER
    assert _oordeel([15.0, 14.5], [10.0, 10.0], 0.1) == v.KLEINER


def test_kloof_oordeel_onbekende_status_geen_oordeel() -> None:
    # a row whose status is unknown (null) is not judged: te_beoordelen is null there, and null
    # counts as "not to judge", never as a measurement
    df = pl.DataFrame(
        {
            "gebied_code": ["g", "g"],
            "status": [None, "ok"],
            "waarde": [50.0, 50.0],
            "peiljaar": [2019, 2019],
            "basisjaar": [2019, 2019],
            "verschil_nederland": [-2.0, -2.0],
            "verschil_nederland_basisjaar": [-2.0, -2.0],
        },
        schema_overrides={"status": pl.String},
    )
    uit = df.select(v.kloof_oordeel(pl.lit(0.5)).alias("k"))["k"].to_list()
    assert uit == [None, v.GEEN_TWEEDE_METING]


def test_basisjaar_met_vergelijkbaarheid_breuk_in_de_waardebasis() -> None:
    """A trend across a change of value basis restarts at the break (met_territorium).

    GM0001 on the same 2 buurten of indeling 2020 throughout; 2019 is a sum over its buurten,
    2021 and 2023 the source's published gemeente figure: another definition, so 2021 is a
    definitiebreuk and the new basis for 2021 and 2023. Nederland is 10 every year. Gap 4 (2019)
    → 2 (2021) → 3 (2023): measured from the new basis 2021 it grows (groter); across the break,
    from 2019, it would have shrunk.
    """
    rijen = [
        ("NL00", "nederland", 2019, 10.0, None, None),
        ("NL00", "nederland", 2021, 10.0, None, None),
        ("NL00", "nederland", 2023, 10.0, None, None),
        ("GM0001", "gemeente", 2019, 14.0, 2020, None),
        ("GM0001", "gemeente", 2021, 12.0, 2020, GEPUBLICEERD_TOELICHTING),
        ("GM0001", "gemeente", 2023, 13.0, 2020, GEPUBLICEERD_TOELICHTING),
    ]
    df = pl.DataFrame(
        rijen,
        schema={
            "gebied_code": pl.String,
            "gebied_soort": pl.String,
            "peiljaar": pl.Int64,
            "waarde": pl.Float64,
            "indelingsjaar": pl.Int64,
            "toelichting": pl.String,
        },
        orient="row",
    ).with_columns(
        indicator_code=pl.lit("x"), status=pl.lit("ok"), bron_tabel=pl.lit(None, pl.String)
    )
    lidmaatschap = pl.DataFrame(
        {
            "gebied_code": ["GM0001", "GM0001"],
            "indelingsjaar": [2020, 2020],
            "regiocode": ["BU00010001", "BU00010002"],
            "gebied_soort": ["gemeente", "gemeente"],
        }
    )
    bevolking = pl.DataFrame(
        schema={"indelingsjaar": pl.Int64, "regiocode": pl.String, "inwoners": pl.Float64}
    )
    uit = v.met_kloof(
        v.met_basisjaar(
            v.met_nederland(df),
            ["x"],
            vergelijkbaarheid=Vergelijkbaarheid(lidmaatschap, bevolking),
        ),
        {"x": 0.5},
    )
    assert uit.height == 6
    buurten = "2 buurten, indeling 2020"
    g19, g21, g23 = (_rij(uit, "GM0001", j) for j in (2019, 2021, 2023))
    assert (g19["basisjaar"], g19["definitiebreuk"], g19["territorium_peiljaar"]) == (
        2019,
        False,
        buurten,
    )
    assert g19["kloof_wordt"] == v.GEEN_TWEEDE_METING
    # the break row: its own basis, described against the original basis's territory
    assert (g21["basisjaar"], g21["definitiebreuk"]) == (2021, True)
    assert g21["territorium_basis"] == buurten
    assert g21["territorium_peiljaar"] == "gepubliceerd gemeentecijfer van de bron 2021"
    assert (g21["aandeel_basisbevolking"], g21["aandeel_peiljaarbevolking_in_basis"]) == (1.0, 1.0)
    assert (g21["verandering_sinds_basis"], g21["kloof_wordt"]) == (None, v.GEEN_TWEEDE_METING)
    # after the break: measured from 2021 (12, gap 2), not from 2019 (14, gap 4)
    assert (g23["basisjaar"], g23["waarde_basisjaar"]) == (2021, 12.0)
    assert g23["verandering_sinds_basis"] == pytest.approx(1.0)  # 13 − 12
    assert g23["verschil_nederland_basisjaar"] == pytest.approx(2.0)
    assert g23["verandering_verschil"] == pytest.approx(1.0)  # 3 − 2
    assert g23["kloof_wordt"] == v.GROTER
