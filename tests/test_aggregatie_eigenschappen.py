"""Laws of the aggregation engine (indicatoren/engine/aggregatie.py) on small generated frames.

TEST FIXTURE: the metingen, memberships and reference populations here are invented (hypothesis
generates them; the hand cases state their numbers), shaped like the engine's real inputs. Each
law holds for every input, so it is stated once and checked on many:

- area + rest = gemeente: on the same basis (the same buurten with a value) the tellers and
  noemers of a focus area and the rest of its gemeente add up to the gemeente's;
- sum over sum is invariant to how buurten are grouped and in which order rows arrive;
- dekking is always within [0, 1]; a suppressed (null) buurt value never counts as zero: the
  sums equal those without that buurt, only dekking drops.

The hand cases pin the status rules (thresholds, messages, published figures first) with values
worked out by hand. These files are also the mutation run's test selection for aggregatie.py.
"""

from __future__ import annotations

import os

import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nplv_monitor.indicatoren.catalogus import Indicator
from nplv_monitor.indicatoren.engine.aggregatie import (
    DEKKING_DREMPEL,
    RESULTAAT_SCHEMA,
    DekkingBasis,
    aggregeer_indicator,
    gepubliceerd_via_gemeente,
    referentiebevolking,
)

BRON = "cbs_kwb"  # a registry source whose lowest level is buurt
TABEL = "TEST_FIXTURE_TABEL"
JAAR = 2020
GEMEENTE = "GM9999"


def _ind(maat: str = "aantal", **kw: object) -> Indicator:
    velden: dict[str, object] = {
        "code": f"test_{maat}",
        "naam": "testindicator",
        "omschrijving": "TEST FIXTURE",
        "familie": "context",
        "actielijn": "test",
        "thema": "test",
        "bron": BRON,
        "maat": maat,
        "eenheid": "aantal",
        "richting": "neutraal",
        "teller": "t",
    }
    if maat not in {"aantal", "gewogen_gemiddelde", "score"}:
        velden["noemer"] = ("n",)
    velden.update(kw)
    return Indicator(**velden)  # type: ignore[arg-type]


def _buurt(i: int) -> str:
    return f"BU9999{i:04d}"


def _meting(
    variabele: str,
    code: str,
    waarde: float | None,
    soort: str = "buurt",
    basis: float | None = None,
) -> dict[str, object]:
    return {
        "bron": BRON,
        "tabel_id": TABEL,
        "bron_variabele": variabele,
        "bron_sha256": "0" * 64,
        "indelingsjaar": JAAR,
        "peiljaar": JAAR,
        "regiocode": code,
        "regio_soort": soort,
        "eenheid": "aantal",
        "variabele": variabele,
        "waarde": waarde,
        "aantal": waarde if basis is None or waarde is None else waarde * basis,
        "basis": basis,
    }


METING_SCHEMA = {
    "bron": pl.String,
    "tabel_id": pl.String,
    "bron_variabele": pl.String,
    "bron_sha256": pl.String,
    "indelingsjaar": pl.Int64,
    "peiljaar": pl.Int64,
    "regiocode": pl.String,
    "regio_soort": pl.String,
    "eenheid": pl.String,
    "variabele": pl.String,
    "waarde": pl.Float64,
    "aantal": pl.Float64,
    "basis": pl.Float64,
}


def _metingen(rijen: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(rijen, schema=METING_SCHEMA)


def _leden(groepen: dict[tuple[str, str], list[str]]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"gebied_code": g, "gebied_soort": s, "indelingsjaar": JAAR, "regiocode": b}
            for (g, s), buurten in groepen.items()
            for b in buurten
        ],
        schema={
            "gebied_code": pl.String,
            "gebied_soort": pl.String,
            "indelingsjaar": pl.Int64,
            "regiocode": pl.String,
        },
    )


def _ref(inwoners: dict[str, float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "indelingsjaar": [JAAR] * len(inwoners),
            "regiocode": list(inwoners),
            "inwoners_ref": list(inwoners.values()),
        },
        schema={"indelingsjaar": pl.Int64, "regiocode": pl.String, "inwoners_ref": pl.Float64},
    )


def _rij(uit: pl.DataFrame, gebied: str) -> dict[str, object]:
    (rij,) = uit.filter(pl.col("gebied_code") == gebied).to_dicts()
    return rij


#: Examples per law; the mutation run (scripts/mutatie.sh sets NPLV_MUTATIE=1) draws fewer, as
#: every surviving mutant runs them all.
_N = 8 if os.environ.get("NPLV_MUTATIE") == "1" else 30

# -- generated buurten ---------------------------------------------------------------------------
_telling = st.integers(min_value=0, max_value=5000).map(float)


@st.composite
def _gemeente(draw: st.DrawFn, met_leeg: bool = True) -> dict[str, object]:
    """A gemeente of 2–12 buurten: teller, noemer (>= teller) and inhabitants per buurt, some
    values suppressed (None), and a split into focus area and rest."""
    n = draw(st.integers(min_value=2, max_value=12))
    teller = draw(
        st.lists(st.one_of(st.none(), _telling) if met_leeg else _telling, min_size=n, max_size=n)
    )
    extra = draw(st.lists(_telling, min_size=n, max_size=n))
    noemer = [None if t is None else t + e for t, e in zip(teller, extra, strict=True)]
    inwoners = draw(
        st.lists(st.integers(min_value=1, max_value=9000).map(float), min_size=n, max_size=n)
    )
    gebied = draw(
        st.lists(st.booleans(), min_size=n, max_size=n).filter(lambda b: any(b) and not all(b))
    )
    return {"n": n, "teller": teller, "noemer": noemer, "inwoners": inwoners, "gebied": gebied}


def _frames(g: dict[str, object], maat: str) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    n = int(g["n"])  # type: ignore[call-overload]
    codes = [_buurt(i) for i in range(n)]
    teller: list[float | None] = g["teller"]  # type: ignore[assignment]
    noemer: list[float | None] = g["noemer"]  # type: ignore[assignment]
    inwoners: list[float] = g["inwoners"]  # type: ignore[assignment]
    in_gebied: list[bool] = g["gebied"]  # type: ignore[assignment]
    rijen = [_meting("t", c, t) for c, t in zip(codes, teller, strict=True)]
    tweede = noemer if maat != "aantal" else inwoners
    rijen += [
        _meting("n" if maat != "aantal" else "inwoners", c, v)
        for c, v in zip(codes, tweede, strict=True)
    ]
    leden = _leden(
        {
            ("gebied", "focusgebied"): [c for c, b in zip(codes, in_gebied, strict=True) if b],
            ("gebied_rest", "rest_gemeente"): [
                c for c, b in zip(codes, in_gebied, strict=True) if not b
            ],
            (GEMEENTE, "gemeente"): codes,
        }
    )
    return _metingen(rijen), leden, _ref(dict(zip(codes, inwoners, strict=True)))


@settings(max_examples=_N, deadline=None)
@given(g=_gemeente(), maat=st.sampled_from(["aantal", "aandeel", "per_1000"]))
def test_gebied_plus_rest_is_gemeente(g: dict[str, object], maat: str) -> None:
    metingen, leden, ref = _frames(g, maat)
    uit = aggregeer_indicator(metingen, leden, _ind(maat), referentie=ref)
    gebied, rest, gem = (_rij(uit, c) for c in ("gebied", "gebied_rest", GEMEENTE))
    for kolom in ("teller", "noemer"):
        if gem[kolom] is None:
            assert (gebied[kolom], rest[kolom]) == (None, None)
            continue
        assert gebied[kolom] + rest[kolom] == gem[kolom], kolom  # type: ignore[operator]
    # dekking: the gemeente's base is the base of its two parts
    for r in (gebied, rest, gem):
        assert 0.0 <= r["dekking"] <= 1.0  # type: ignore[operator]


@settings(max_examples=_N, deadline=None)
@given(
    g=_gemeente(),
    maat=st.sampled_from(["aantal", "aandeel"]),
    delen=st.integers(min_value=1, max_value=4),
    data=st.data(),
)
def test_som_over_som_onafhankelijk_van_groepering_en_volgorde(
    g: dict[str, object], maat: str, delen: int, data: st.DataObject
) -> None:
    metingen, leden, ref = _frames(g, maat)
    codes = [_buurt(i) for i in range(int(g["n"]))]  # type: ignore[call-overload]
    groep = data.draw(st.lists(st.integers(0, delen - 1), min_size=len(codes), max_size=len(codes)))
    groepen: dict[tuple[str, str], list[str]] = {(GEMEENTE, "gemeente"): codes}
    for c, k in zip(codes, groep, strict=True):
        groepen.setdefault((f"deel{k}", "focusgebied"), []).append(c)
    leden = _leden(groepen)
    volgorde = data.draw(st.permutations(range(metingen.height)))
    geschud = metingen[list(volgorde)]
    leden_geschud = leden.sample(fraction=1.0, shuffle=True, seed=data.draw(st.integers(0, 2**16)))
    a = aggregeer_indicator(metingen, leden, _ind(maat), referentie=ref)
    b = aggregeer_indicator(geschud, leden_geschud, _ind(maat), referentie=ref)
    sleutel = ["gebied_code", "peiljaar"]
    assert a.sort(sleutel).equals(b.sort(sleutel))
    gem = _rij(a, GEMEENTE)
    delen_uit = a.filter(pl.col("gebied_code").str.starts_with("deel"))
    for kolom in ("teller", "noemer"):
        if gem[kolom] is not None:
            assert delen_uit[kolom].fill_null(0).sum() == gem[kolom], kolom


@settings(max_examples=_N + 10, deadline=None)
@given(
    g=_gemeente(),
    maat=st.sampled_from(["aantal", "aandeel", "per_1000"]),
    weg=st.sets(st.integers(0, 11), max_size=6),
    drempel=st.sampled_from([0.0, 0.5, DEKKING_DREMPEL, 1.0]),
)
def test_dekking_tussen_nul_en_een(
    g: dict[str, object], maat: str, weg: set[int], drempel: float
) -> None:
    """Also with buurten missing from the table altogether (not in metingen at all)."""
    metingen, leden, ref = _frames(g, maat)
    weggelaten = [_buurt(i) for i in weg]
    metingen = metingen.filter(~pl.col("regiocode").is_in(weggelaten))
    # A table without a single row is not a table of this gemeente: aggregeer_indicator returns
    # no rows for it (the row "ontbreekt" per main gebied is added later, engine/ontbrekend.py).
    assume(metingen.height > 0)
    uit = aggregeer_indicator(metingen, leden, _ind(maat), referentie=ref, drempel=drempel)
    assert uit.height > 0
    assert uit["dekking"].is_between(0.0, 1.0).all(), uit
    # a value is published only with dekking at or above the threshold
    ok = uit.filter(pl.col("status") == "ok")
    assert (ok["dekking"] >= drempel).all()
    assert ok["waarde"].null_count() == 0
    assert (
        uit.filter(pl.col("status") != "ok")["waarde"].null_count()
        == uit.filter(pl.col("status") != "ok").height
    )


@settings(max_examples=_N, deadline=None)
@given(g=_gemeente(met_leeg=False), maat=st.sampled_from(["aantal", "aandeel"]), data=st.data())
def test_onderdrukte_buurt_telt_niet_als_nul(
    g: dict[str, object], maat: str, data: st.DataObject
) -> None:
    metingen, leden, ref = _frames(g, maat)
    code = _buurt(data.draw(st.integers(0, int(g["n"]) - 1)))  # type: ignore[call-overload]
    onderdrukt = metingen.with_columns(
        [
            pl.when((pl.col("regiocode") == code) & (pl.col("variabele") == "t"))
            .then(None)
            .otherwise(pl.col(k))
            .alias(k)
            for k in ("waarde", "aantal")
        ]
    )
    zonder = metingen.filter(pl.col("regiocode") != code)
    ind = _ind(maat)
    a = aggregeer_indicator(onderdrukt, leden, ind, referentie=ref, drempel=0.0)
    b = aggregeer_indicator(zonder, leden, ind, referentie=ref, drempel=0.0)
    volledig = aggregeer_indicator(metingen, leden, ind, referentie=ref, drempel=0.0)
    for gebied in ("gebied", "gebied_rest", GEMEENTE):
        ra, rv = _rij(a, gebied), _rij(volledig, gebied)
        if b.filter(pl.col("gebied_code") == gebied).height == 0:
            # the suppressed buurt was the gebied's only one: nothing known, not a zero value
            assert (ra["status"], ra["dekking"], ra["waarde"]) == ("ontbreekt", 0.0, None)
            continue
        rb = _rij(b, gebied)
        assert (ra["teller"], ra["noemer"]) == (rb["teller"], rb["noemer"]), gebied
        if rv["teller"] is None:  # the suppressed buurt was not in this gebied
            continue
        bevat = code in leden.filter(pl.col("gebied_code") == gebied)["regiocode"].to_list()
        if bevat:
            assert ra["dekking"] < rv["dekking"] or rv["dekking"] == 0, gebied  # type: ignore[operator]
        else:
            assert ra["dekking"] == rv["dekking"], gebied


# -- hand cases ------------------------------------------------------------------------------------
def _drie_buurten(
    teller: list[float | None], noemer: list[float | None], inwoners: list[float]
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    codes = [_buurt(i) for i in range(3)]
    rijen = [_meting("t", c, t) for c, t in zip(codes, teller, strict=True)]
    rijen += [_meting("n", c, n) for c, n in zip(codes, noemer, strict=True)]
    rijen += [_meting("inwoners", c, i) for c, i in zip(codes, inwoners, strict=True)]
    leden = _leden({("gebied", "focusgebied"): codes})
    return _metingen(rijen), leden, _ref(dict(zip(codes, inwoners, strict=True)))


def test_aandeel_is_som_over_som() -> None:
    # buurten 10/100, 30/200, 60/700: 100/1000 = 10 %, not the mean of 10 %, 15 %, 8.57 %
    m, leden, ref = _drie_buurten([10, 30, 60], [100, 200, 700], [150, 250, 900])
    r = _rij(aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref), "gebied")
    assert (r["teller"], r["noemer"], r["dekking"]) == (100.0, 1000.0, 1.0)
    assert r["waarde"] == pytest.approx(10.0)
    assert r["status"] == "ok"
    assert r["status_toelichting"] is None
    assert r["toelichting"] is None
    assert (r["indicator_code"], r["gebied_soort"], r["bron_tabel"]) == (
        "test_aandeel",
        "focusgebied",
        TABEL,
    )
    per_1000 = _rij(aggregeer_indicator(m, leden, _ind("per_1000"), referentie=ref), "gebied")
    assert per_1000["waarde"] == pytest.approx(100.0)


def test_onderdrukt_onder_de_dekkingsdrempel_met_uitleg() -> None:
    # buurt 3 (noemer 700 of 1000) has no teller: dekking 0.3, below 90 %
    m, leden, ref = _drie_buurten([10, 30, None], [100, 200, 700], [150, 250, 900])
    r = _rij(aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref), "gebied")
    assert (r["teller"], r["noemer"]) == (40.0, 300.0)
    assert r["dekking"] == pytest.approx(0.3)
    assert r["status"] == "onderdrukt"
    assert r["waarde"] is None
    assert r["status_toelichting"] == (
        "Dekking 30.0% is lager dan de drempel van 90%: te veel van de basis ligt in buurten "
        "zonder waarde (geheim of niet in de tabel)."
    )
    # with a lower threshold the same area is published, and says what is left out
    laag = _rij(
        aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref, drempel=0.25), "gebied"
    )
    assert laag["status"] == "ok"
    assert laag["waarde"] == pytest.approx(40 / 300 * 100)
    assert laag["status_toelichting"] == (
        "Dekking 30.0%: enkele buurten zonder waarde tellen niet mee (niet als nul)."
    )
    precies = _rij(
        aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref, drempel=0.3), "gebied"
    )
    assert precies["status"] == "ok"  # at the threshold is enough


def test_dekking_van_de_tabel_telt_ontbrekende_buurten() -> None:
    # buurt 3 (900 of 1300 inhabitants) is not in the table at all: dekking = 400 / 1300
    m, leden, ref = _drie_buurten([10, 30, 60], [100, 200, 700], [150, 250, 900])
    m = m.filter(pl.col("regiocode") != _buurt(2))
    r = _rij(aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref, drempel=0.0), "gebied")
    assert r["dekking"] == pytest.approx(400 / 1300)
    assert (r["teller"], r["noemer"]) == (40.0, 300.0)


def test_basis_onder_het_minimum_onderdrukt() -> None:
    m, leden, ref = _drie_buurten([1, 2, 3], [10, 20, 30], [10, 20, 30])
    ind = _ind("aandeel", minimum_basis=61.0)
    r = _rij(aggregeer_indicator(m, leden, ind, referentie=ref), "gebied")
    assert r["status"] == "onderdrukt"
    assert r["waarde"] is None
    assert r["status_toelichting"] == (
        "Basis kleiner dan het minimum van 61 of nul; de waarde is onbetrouwbaar en niet "
        "gepubliceerd."
    )
    net = _rij(
        aggregeer_indicator(m, leden, _ind("aandeel", minimum_basis=60.0), referentie=ref), "gebied"
    )
    assert net["status"] == "ok"
    assert net["waarde"] == pytest.approx(10.0)


def test_noemer_nul_geeft_geen_waarde() -> None:
    m, leden, ref = _drie_buurten([0, 0, 0], [0, 0, 0], [10, 20, 30])
    r = _rij(aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref), "gebied")
    assert r["status"] == "onderdrukt"
    assert r["waarde"] is None


def test_aantal_telt_op_met_dekking_op_inwoners() -> None:
    m, leden, ref = _drie_buurten([5, None, 7], [0, 0, 0], [100, 300, 600])
    r = _rij(aggregeer_indicator(m, leden, _ind("aantal"), referentie=ref, drempel=0.5), "gebied")
    assert r["teller"] == 12.0
    assert r["dekking"] == pytest.approx(0.7)
    assert r["waarde"] == 12.0
    assert r["status"] == "ok"


def test_geen_enkele_waarde_is_ontbreekt() -> None:
    m, leden, ref = _drie_buurten([None, None, None], [1, 2, 3], [100, 300, 600])
    r = _rij(aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref), "gebied")
    assert r["status"] == "ontbreekt"
    assert r["dekking"] == 0.0
    assert r["status_toelichting"] == (
        "De bron heeft geen waarde voor de buurten/wijken van dit gebied in deze tabel."
    )


def test_zonder_referentiebevolking_geen_opgetelde_waarde() -> None:
    m, leden, _ = _drie_buurten([1, 2, 3], [10, 20, 30], [10, 20, 30])
    ref = _ref({})
    r = _rij(aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref), "gebied")
    assert r["status"] == "onderdrukt"
    assert r["waarde"] is None
    assert r["status_toelichting"].startswith("Geen referentiebevolking voor deze indeling")  # type: ignore[union-attr]


def test_gewogen_gemiddelde_weegt_met_de_eigen_basis() -> None:
    # scores 4.0 (basis 100) and 3.0 (basis 300): (400 + 900) / 400 = 3.25
    codes = [_buurt(0), _buurt(1)]
    m = _metingen(
        [_meting("t", codes[0], 4.0, basis=100.0), _meting("t", codes[1], 3.0, basis=300.0)]
        + [_meting("inwoners", c, 50.0) for c in codes]
    )
    leden = _leden({("gebied", "focusgebied"): codes})
    r = _rij(
        aggregeer_indicator(
            m, leden, _ind("gewogen_gemiddelde"), referentie=_ref(dict.fromkeys(codes, 50.0))
        ),
        "gebied",
    )
    assert (r["teller"], r["noemer"]) == (1300.0, 400.0)
    assert r["waarde"] == pytest.approx(3.25)


def test_gepubliceerde_regio_gaat_voor_de_optelling() -> None:
    """A wijk the source publishes itself keeps its published figure (its buurten may not add up
    to it: rounding, residents known only at wijk level)."""
    wijk = "WK999900"
    codes = [_buurt(i) for i in range(2)]
    m = _metingen(
        [_meting("t", c, 10.0) for c in codes]
        + [_meting("n", c, 100.0) for c in codes]
        + [_meting("inwoners", c, 100.0) for c in codes]
        # the wijk's own published figure: 25 of 200 (not the 20 of 200 of its buurten)
        + [_meting("t", wijk, 25.0, "wijk"), _meting("n", wijk, 200.0, "wijk")]
    )
    leden = _leden({(wijk, "wijk"): codes})
    ref = _ref(dict.fromkeys(codes, 100.0))
    r = _rij(aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref), wijk)
    assert (r["teller"], r["noemer"], r["dekking"]) == (25.0, 200.0, 1.0)
    assert r["waarde"] == pytest.approx(12.5)
    assert r["gebied_soort"] == "wijk"
    assert r["toelichting"] == "Waarde zoals de bron die voor deze regio publiceert."
    opgeteld = _rij(
        aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref, gepubliceerd_voorrang=False),
        wijk,
    )
    assert (opgeteld["teller"], opgeteld["noemer"]) == (20.0, 200.0)
    assert opgeteld["toelichting"] is None
    # a published region without a value is suppressed by the source, not absent
    geheim = m.with_columns(
        waarde=pl.when(pl.col("regio_soort") == "wijk").then(None).otherwise(pl.col("waarde")),
        aantal=pl.when(pl.col("regio_soort") == "wijk").then(None).otherwise(pl.col("aantal")),
    )
    g = _rij(aggregeer_indicator(geheim, leden, _ind("aandeel"), referentie=ref), wijk)
    assert (g["status"], g["dekking"], g["waarde"]) == ("onderdrukt", 0.0, None)
    assert g["status_toelichting"] == (
        "De bron publiceert voor deze regio geen waarde (geheimhouding of te kleine basis)."
    )


def test_geen_teller_geeft_leeg_resultaat_met_schema() -> None:
    m, leden, ref = _drie_buurten([1, 2, 3], [1, 2, 3], [1, 2, 3])
    uit = aggregeer_indicator(m, leden, _ind("aandeel", teller="bestaat_niet"), referentie=ref)
    assert uit.height == 0
    assert dict(uit.schema) == RESULTAAT_SCHEMA


def test_referentiebevolking_uit_de_vollediger_bron() -> None:
    rijen = [_meting("inwoners", _buurt(i), 10.0 * (i + 1)) for i in range(3)]
    andere = [{**_meting("inwoners", _buurt(0), 999.0), "bron": "cbs_bevolking_2024"}]
    leeg = [_meting("inwoners", _buurt(5), None)]
    gemeente = [_meting("inwoners", GEMEENTE, 1e6, "gemeente")]
    ref = referentiebevolking(_metingen(rijen + andere + leeg + gemeente)).sort("regiocode")
    assert ref.to_dicts() == [
        {"indelingsjaar": JAAR, "regiocode": _buurt(i), "inwoners_ref": 10.0 * (i + 1)}
        for i in range(3)
    ]


def test_dekkingbasis_hergebruikt_alleen_dezelfde_eenheden() -> None:
    m, leden, ref = _drie_buurten([1, 2, 3], [1, 2, 3], [100, 200, 300])
    basis = DekkingBasis(leden, ref)
    eenheden = m.select("tabel_id", "peiljaar", "indelingsjaar", "regiocode").unique()
    t1, a1 = basis.tabeldelen(eenheden)
    t2, a2 = basis.tabeldelen(eenheden.reverse())
    assert t1 is t2
    assert a1 is a2
    # the same units in any order are the same units, also over several tables and years (the
    # cache key sorts on every column, so rows equal but for one column are never left in the
    # order they came in)
    veel = pl.concat(
        [
            eenheden.with_columns(
                tabel_id=pl.lit(t), peiljaar=pl.lit(p, pl.Int64), indelingsjaar=pl.lit(i, pl.Int64)
            )
            for t in ("A", "B")
            for p in (2019, 2020)
            for i in (2019, 2020)
        ]
    )
    v1, w1 = basis.tabeldelen(veel)
    for schud in (veel.reverse(), veel.sample(fraction=1.0, shuffle=True, seed=3)):
        v2, w2 = basis.tabeldelen(schud)
        assert v1 is v2
        assert w1 is w2
    minder = eenheden.filter(pl.col("regiocode") != _buurt(2))
    _, a3 = basis.tabeldelen(minder)
    assert a3 is not a1
    assert a3["_p_aanwezig"].to_list() == [300.0]
    assert a1["_p_aanwezig"].to_list() == [600.0]


def test_gepubliceerd_via_gemeente_geeft_de_gemeentewaarde_aan_het_gebied() -> None:
    m = _metingen(
        [
            {**_meting("t", GEMEENTE, 61.5, "gemeente"), "bron": "cbs_veiligheidsmonitor"},
            {**_meting("t", "GM0001", None, "gemeente"), "bron": "cbs_veiligheidsmonitor"},
        ]
    )
    gebieden = pl.DataFrame(
        {
            "gebied_code": ["gebied", "gebied_rest", "elders", GEMEENTE],
            "soort": ["focusgebied", "rest_gemeente", "focusgebied", "gemeente"],
            "gemeentecode": [GEMEENTE, GEMEENTE, "GM0002", GEMEENTE],
        }
    )
    ind = _ind("gepubliceerd", bron="cbs_veiligheidsmonitor")
    uit = gepubliceerd_via_gemeente(m, ind, gebieden).sort("gebied_code")
    assert uit["gebied_code"].to_list() == ["GM0001", GEMEENTE, "gebied", "gebied_rest"]
    gebied = _rij(uit, "gebied")
    assert (gebied["waarde"], gebied["status"], gebied["dekking"]) == (61.5, "ok", 1.0)
    assert gebied["gebied_soort"] == "focusgebied"
    assert gebied["toelichting"] == (
        f"Geen gebiedsniveau: dit is de waarde van de gemeente {GEMEENTE} (de bron publiceert "
        "alleen gemeenten en politiedistricten)."
    )
    eigen = _rij(uit, GEMEENTE)
    assert eigen["gebied_soort"] == "gemeente"
    assert eigen["toelichting"] == "Waarde zoals de bron die voor deze regio publiceert."
    geheim = _rij(uit, "GM0001")
    assert (geheim["waarde"], geheim["status"], geheim["dekking"]) == (None, "onderdrukt", 0.0)
    assert geheim["status_toelichting"] == (
        "De bron publiceert voor deze regio geen waarde (te weinig respondenten of geheim)."
    )
    assert dict(uit.schema) == RESULTAAT_SCHEMA


# -- units with a teller but no noemer, and the fallbacks of the dekking base ----------------------
def test_teller_zonder_noemer_telt_als_eenheid_zonder_waarde() -> None:
    """Buurt 3 has a teller but no noemer. It must not drop out of the dekking (the area would
    look complete while its value is a partial sum): its base is its inhabitants scaled to the
    noemer's unit, Σ noemer / Σ inhabitants over the buurten that have both = 300 / 400 = 0.75,
    so 900 × 0.75 = 675, and dekking = 300 / (300 + 675) = 30.77 %."""
    m, leden, ref = _drie_buurten([10, 30, 60], [100, 200, None], [150, 250, 900])
    r = _rij(aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref), "gebied")
    assert (r["teller"], r["noemer"]) == (40.0, 300.0)
    assert r["dekking"] == pytest.approx(300 / 975)
    assert (r["status"], r["waarde"]) == ("onderdrukt", None)
    assert r["status_toelichting"] == (
        "Dekking 30.8% is lager dan de drempel van 90%: te veel van de basis ligt in eenheden "
        "zonder waarde; 1 daarvan hebben wel een teller maar geen noemer of gewicht (ontbreekt "
        "in de bron van de noemer), de rest is geheim of niet in de tabel."
    )
    laag = _rij(
        aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref, drempel=0.3), "gebied"
    )
    assert laag["status"] == "ok"
    assert laag["waarde"] == pytest.approx(40 / 300 * 100)
    assert laag["status_toelichting"] == (
        "Dekking 30.8%: enkele buurten zonder waarde tellen niet mee (niet als nul). 1 daarvan "
        "hebben een teller maar geen noemer of gewicht."
    )


def test_zonder_inwoners_weegt_de_gemiddelde_basis() -> None:
    # buurt 3 has neither noemer nor inhabitants: its base is the mean noemer, (100 + 200) / 2
    m, leden, _ = _drie_buurten([10, 30, 60], [100, 200, None], [150, 250, 900])
    ref = _ref({_buurt(0): 150.0, _buurt(1): 250.0})
    r = _rij(aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref, drempel=0.0), "gebied")
    assert r["dekking"] == pytest.approx(300 / 450)
    assert r["status_toelichting"] == (
        "Dekking 66.7%: enkele buurten zonder waarde tellen niet mee (niet als nul). 1 daarvan "
        "hebben een teller maar geen noemer of gewicht."
    )


def test_aantal_zonder_dekkingsvariabele_weegt_met_de_referentie() -> None:
    # no buurt has the count's dekking variable (inwoners) in the source: every buurt is weighed
    # by its reference population, so the one without a count leaves 700 of 1000 covered
    codes = [_buurt(i) for i in range(3)]
    m = _metingen([_meting("t", c, t) for c, t in zip(codes, [5, None, 7], strict=True)])
    leden = _leden({("gebied", "focusgebied"): codes})
    ref = _ref(dict(zip(codes, [100.0, 300.0, 600.0], strict=True)))
    r = _rij(aggregeer_indicator(m, leden, _ind("aantal"), referentie=ref, drempel=0.5), "gebied")
    assert (r["teller"], r["status"], r["waarde"]) == (12.0, "ok", 12.0)
    assert r["dekking"] == pytest.approx(0.7)


def test_minimum_basis_van_een_aantal_is_de_teller() -> None:
    m, leden, ref = _drie_buurten([5, 3, 4], [0, 0, 0], [100, 100, 100])
    te_klein = _rij(
        aggregeer_indicator(m, leden, _ind("aantal", minimum_basis=13.0), referentie=ref), "gebied"
    )
    assert (te_klein["teller"], te_klein["status"], te_klein["waarde"]) == (
        12.0,
        "onderdrukt",
        None,
    )
    assert te_klein["status_toelichting"] == (
        "Basis kleiner dan het minimum van 13 of nul; de waarde is onbetrouwbaar en niet "
        "gepubliceerd."
    )
    genoeg = _rij(
        aggregeer_indicator(m, leden, _ind("aantal", minimum_basis=12.0), referentie=ref), "gebied"
    )
    assert (genoeg["status"], genoeg["waarde"], genoeg["status_toelichting"]) == ("ok", 12.0, None)


def test_noemer_kleiner_dan_een_geeft_een_waarde() -> None:
    # a noemer of 0.5 (hectares, a share of a unit) is a noemer: 0.2 / 0.5 = 40 %
    m, leden, ref = _drie_buurten([0.1, 0.1, 0.0], [0.2, 0.2, 0.1], [10, 20, 30])
    r = _rij(aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref), "gebied")
    assert r["status"] == "ok"
    assert r["noemer"] == pytest.approx(0.5)
    assert r["waarde"] == pytest.approx(40.0)


def test_noemer_nul_is_gedekt_maar_zonder_waarde() -> None:
    # every buurt has teller and noemer (0): covered in full, but there is nothing to divide by
    m, leden, ref = _drie_buurten([0, 0, 0], [0, 0, 0], [10, 20, 30])
    r = _rij(aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref), "gebied")
    assert (r["dekking"], r["status"], r["waarde"]) == (1.0, "onderdrukt", None)
    assert r["status_toelichting"] == (
        "Basis kleiner dan het minimum van 0 of nul; de waarde is onbetrouwbaar en niet "
        "gepubliceerd."
    )
    # and with no buurt known at all the area has nothing: dekking 0, ontbreekt
    m0, leden0, ref0 = _drie_buurten([None, None, None], [0, 0, 0], [10, 20, 30])
    g = _rij(aggregeer_indicator(m0, leden0, _ind("aandeel"), referentie=ref0), "gebied")
    assert (g["dekking"], g["status"]) == (0.0, "ontbreekt")


def test_zonder_bestandshash_telt_de_tabel_als_bestand() -> None:
    """Rows without a file hash (a source read before hashes were kept) are keyed by their
    table id: the same values, dekking and status as with the hash."""
    m, leden, ref = _drie_buurten([10, 30, None], [100, 200, 700], [150, 250, 900])
    zonder = m.with_columns(bron_sha256=pl.lit(None, pl.String))
    a = _rij(aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref, drempel=0.3), "gebied")
    b = _rij(
        aggregeer_indicator(zonder, leden, _ind("aandeel"), referentie=ref, drempel=0.3), "gebied"
    )
    assert b["bron_sha256"] is None
    assert {k: v for k, v in a.items() if k != "bron_sha256"} == {
        k: v for k, v in b.items() if k != "bron_sha256"
    }
    assert (b["status"], b["dekking"]) == ("ok", pytest.approx(0.3))


def test_zonder_referentie_uit_de_eigen_inwoners() -> None:
    # without a referentie the engine takes the inhabitants from the metingen themselves
    m, leden, ref = _drie_buurten([10, 30, 60], [100, 200, 700], [150, 250, 900])
    m = m.filter(~((pl.col("variabele") == "t") & (pl.col("regiocode") == _buurt(2))))
    met = aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref, drempel=0.0)
    zonder = aggregeer_indicator(m, leden, _ind("aandeel"), drempel=0.0)
    assert _rij(zonder, "gebied")["dekking"] == pytest.approx(400 / 1300)
    assert zonder.equals(met)


@pytest.mark.parametrize(
    ("inwoners", "tekst"),
    [
        (
            {_buurt(7): 100.0},
            "Geen referentiebevolking voor deze eenheden: de buurtcodes van het gebied in indeling "
            "2020 staan niet in de bevolkingstabel van die indeling (codes die gewijzigd zijn ten "
            "opzichte van die tabel), dus is niet te toetsen of de tabel het hele gebied bevat; "
            "geen opgetelde waarde.",
        ),
        (
            dict.fromkeys([_buurt(0), _buurt(1), _buurt(2)], 0.0),
            "De buurten van het gebied hebben volgens de bevolkingstabel van indeling 2020 geen "
            "inwoners: de dekking is niet naar inwoners te wegen; geen opgetelde waarde.",
        ),
        (
            {},
            "Geen referentiebevolking voor deze indeling: het snapshot heeft geen bevolkingstabel "
            "op indeling 2020, dus is niet te toetsen welk deel van de inwoners van het gebied in "
            "de tabel staat (de tabel kan onvolledig zijn); geen opgetelde waarde.",
        ),
    ],
    ids=["codes_niet_in_tabel", "nul_inwoners", "geen_tabel"],
)
def test_zonder_referentiebevolking_zegt_waarom(inwoners: dict[str, float], tekst: str) -> None:
    m, leden, _ = _drie_buurten([1, 2, 3], [10, 20, 30], [10, 20, 30])
    r = _rij(aggregeer_indicator(m, leden, _ind("aandeel"), referentie=_ref(inwoners)), "gebied")
    assert (r["status"], r["waarde"], r["dekking"]) == ("onderdrukt", None, None)
    assert (r["teller"], r["noemer"]) == (6.0, 60.0)
    assert r["status_toelichting"] == tekst


def test_gepubliceerde_regio_met_teller_zonder_noemer() -> None:
    wijk = "WK999900"
    codes = [_buurt(i) for i in range(2)]
    m = _metingen(
        [_meting("t", c, 10.0) for c in codes]
        + [_meting("n", c, 100.0) for c in codes]
        + [_meting("t", wijk, 25.0, "wijk"), _meting("n", wijk, None, "wijk")]
    )
    leden = _leden({(wijk, "wijk"): codes})
    ref = _ref(dict.fromkeys(codes, 100.0))
    r = _rij(aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref), wijk)
    assert (r["status"], r["dekking"], r["waarde"], r["teller"]) == ("onderdrukt", 0.0, None, None)
    assert r["status_toelichting"] == (
        "De bron publiceert de teller voor deze regio, maar de noemer of het gewicht ontbreekt "
        "(niet in de bron van de noemer, of nul), dus geen waarde."
    )


def test_index_gemeente_vergelijkt_met_de_gemeente_in_dezelfde_mix() -> None:
    """WOZ index: buurt values 200 (weight 10) and 300 (weight 30), gemeente 250. The area of buurt
    0 alone: 2000 / (250 × 10) × 100 = 80; the gemeente from both: 11000 / 10000 × 100 = 110.
    The gemeente's own published row is the yardstick, not its value."""
    codes = [_buurt(0), _buurt(1)]
    m = _metingen(
        [
            _meting("t", codes[0], 200.0, basis=10.0),
            _meting("t", codes[1], 300.0, basis=30.0),
            _meting("t", GEMEENTE, 250.0, "gemeente", basis=40.0),
        ]
    )
    leden = _leden({("gebied", "focusgebied"): codes[:1], (GEMEENTE, "gemeente"): codes})
    ref = _ref(dict.fromkeys(codes, 100.0))
    uit = aggregeer_indicator(m, leden, _ind("index_gemeente"), referentie=ref)
    gebied, gemeente = _rij(uit, "gebied"), _rij(uit, GEMEENTE)
    assert (gebied["teller"], gebied["noemer"]) == (2000.0, 2500.0)
    assert gebied["waarde"] == pytest.approx(80.0)
    assert (gemeente["teller"], gemeente["noemer"]) == (11000.0, 10000.0)
    assert gemeente["waarde"] == pytest.approx(110.0)
    assert gemeente["toelichting"] is None
    assert uit.height == 2


# -- boundaries the mutation run of the per-indicator engine found untested -----------------------
@pytest.mark.parametrize(
    ("inwoners", "dekking"),
    [
        # the buurten with a noemer have no inhabitants: no scale, so buurt 3 weighs the mean
        # noemer (100 + 200) / 2, not 900 × (300 / 0)
        ([0.0, 0.0, 900.0], 300 / 450),
        # one inhabitant is a scale: 300 noemer per inhabitant, buurt 3 weighs 900 × 300
        ([1.0, 0.0, 900.0], 300 / (300 + 900 * 300)),
    ],
    ids=["geen_schaal", "schaal_een"],
)
def test_schaal_van_de_basis_bij_weinig_inwoners(inwoners: list[float], dekking: float) -> None:
    m, leden, ref = _drie_buurten([10, 30, 60], [100, 200, None], inwoners)
    r = _rij(aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref, drempel=0.0), "gebied")
    assert r["dekking"] == pytest.approx(dekking)
    assert (r["teller"], r["noemer"], r["status"]) == (40.0, 300.0, "ok")


def test_een_inwoner_en_een_noemer_zijn_genoeg() -> None:
    # population 1 and noemer total 1 are bases, not "none": buurt 2 (noemer 0.5, no teller)
    # leaves half the base uncovered
    m, leden, ref = _drie_buurten([1, None, 0], [0.5, 0.5, 0], [1, 0, 0])
    r = _rij(aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref, drempel=0.0), "gebied")
    assert r["dekking"] == pytest.approx(0.5)
    assert (r["status"], r["waarde"]) == ("ok", pytest.approx(200.0))


@pytest.mark.parametrize(
    ("teller", "weg", "dekking"),
    [
        # all noemers 0 (no base to weigh by): one buurt with a value covers the base part
        ([0, None, None], None, 1.0),
        # ... and the table part still counts: buurt 3 (30 of 60 inhabitants) is not in it
        ([0, 0, 0], 2, 0.5),
    ],
    ids=["een_bekend", "tabel_half"],
)
def test_dekking_zonder_basis_om_te_wegen(
    teller: list[float | None], weg: int | None, dekking: float
) -> None:
    m, leden, ref = _drie_buurten(teller, [0, 0, 0], [10, 20, 30])
    if weg is not None:
        m = m.filter(pl.col("regiocode") != _buurt(weg))
    r = _rij(aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref, drempel=0.0), "gebied")
    assert r["dekking"] == pytest.approx(dekking)
    assert r["status"] == "onderdrukt"  # the noemer is 0: no value however complete


def test_twee_bestanden_van_een_tabel_hebben_elk_hun_dekking() -> None:
    """One table id read from two files (the truncated KWB 2024 and an extract of the same table):
    each file's dekking counts only the buurten that file has."""
    m, leden, ref = _drie_buurten([10, 30, 60], [100, 200, 700], [150, 250, 900])
    m = m.with_columns(
        bron_sha256=pl.when(pl.col("regiocode") == _buurt(2))
        .then(pl.lit("1" * 64))
        .otherwise(pl.col("bron_sha256"))
    )
    uit = aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref, drempel=0.0)
    per_bestand = {
        r["bron_sha256"]: r for r in uit.filter(pl.col("gebied_code") == "gebied").to_dicts()
    }
    assert per_bestand["0" * 64]["dekking"] == pytest.approx(400 / 1300)
    assert (per_bestand["0" * 64]["teller"], per_bestand["0" * 64]["noemer"]) == (40.0, 300.0)
    assert per_bestand["1" * 64]["dekking"] == pytest.approx(900 / 1300)
    assert len(per_bestand) == 2


def test_gemeenterij_van_een_buurttabel_is_een_controle_geen_waarde() -> None:
    """KWB publishes the gemeente row too; the gemeente is still summed from its buurten (so area +
    rest = gemeente), the published row only checks it."""
    m, _, ref = _drie_buurten([10, 30, 60], [100, 200, 700], [150, 250, 900])
    m = pl.concat(
        [
            m,
            _metingen(
                [
                    _meting("t", GEMEENTE, 999.0, "gemeente"),
                    _meting("n", GEMEENTE, 1000.0, "gemeente"),
                ]
            ),
        ]
    )
    leden = _leden({(GEMEENTE, "gemeente"): [_buurt(i) for i in range(3)]})
    r = _rij(aggregeer_indicator(m, leden, _ind("aandeel"), referentie=ref), GEMEENTE)
    assert (r["teller"], r["noemer"], r["toelichting"]) == (100.0, 1000.0, None)
    assert r["waarde"] == pytest.approx(10.0)


def test_index_gemeente_dekking_weegt_met_de_eigen_basis() -> None:
    # buurt 1's value is secret but its weight (30 of 40) is known: dekking 10 / 40, not the
    # inhabitants' 100 / 200
    codes = [_buurt(0), _buurt(1)]
    m = _metingen(
        [
            _meting("t", codes[0], 200.0, basis=10.0),
            _meting("t", codes[1], None, basis=30.0),
            _meting("t", GEMEENTE, 250.0, "gemeente", basis=40.0),
        ]
    )
    leden = _leden({(GEMEENTE, "gemeente"): codes})
    ref = _ref(dict.fromkeys(codes, 100.0))
    r = _rij(
        aggregeer_indicator(m, leden, _ind("index_gemeente"), referentie=ref, drempel=0.0),
        GEMEENTE,
    )
    assert r["dekking"] == pytest.approx(0.25)
    assert r["waarde"] == pytest.approx(80.0)


@pytest.mark.parametrize(
    ("bron", "code", "soort", "eenheden"),
    [
        ("leefbaarometer_wijk", "WK999901", "wijk", "wijk"),
        ("cbs_veiligheidsmonitor", "GM9998", "gemeente", "regio"),
    ],
)
def test_zonder_referentiebevolking_noemt_het_niveau(
    bron: str, code: str, soort: str, eenheden: str
) -> None:
    m = _metingen(
        [
            {**_meting("t", code, 7.0, soort, basis=10.0), "bron": bron},
            {**_meting("inwoners", _buurt(0), 100.0), "bron": bron},
        ]
    )
    leden = _leden({("gebied", "focusgebied"): [code]})
    # a population table for 2020 exists, with inhabitants for other codes only
    ref = _ref({"WK999999": 5.0, "GM9997": 5.0})
    r = _rij(
        aggregeer_indicator(
            m, leden, _ind("score", bron=bron), referentie=ref, gepubliceerd_voorrang=False
        ),
        "gebied",
    )
    assert r["status"] == "onderdrukt"
    assert r["status_toelichting"] == (
        f"Geen referentiebevolking voor deze eenheden: de {eenheden}codes van het gebied in "
        "indeling 2020 staan niet in de bevolkingstabel van die indeling (codes die gewijzigd "
        "zijn ten opzichte van die tabel), dus is niet te toetsen of de tabel het hele gebied "
        "bevat; geen opgetelde waarde."
    )


def test_zelfde_invoer_in_elke_volgorde_geeft_dezelfde_bits() -> None:
    """Float sums depend on the order of their terms: polars sums 1.0, 1e16, 1.0 to 1e16 and
    1e16, 1.0, 1.0 to 1e16 + 2. Whatever order the rows of a build arrive in, every gebied sums
    its buurten in code order, so a repeated build gives the same bits (and the edition check
    finds no revision that is only a last-bit difference)."""
    from itertools import permutations

    m, leden, ref = _drie_buurten([1.0, 1e16, 1.0], [1e16, 1e16, 1e16], [10, 20, 30])
    uitkomsten = set()
    for volgorde in permutations(range(3)):
        rijen = [variabele * 3 + buurt for variabele in range(3) for buurt in volgorde]
        r = _rij(aggregeer_indicator(m[rijen], leden, _ind("aandeel"), referentie=ref), "gebied")
        uitkomsten.add((r["teller"], r["noemer"], r["waarde"]))
    assert len(uitkomsten) == 1, uitkomsten
    ((teller, noemer, waarde),) = uitkomsten
    assert teller == pytest.approx(1e16 + 2, rel=1e-15)
    assert noemer == pytest.approx(3e16, rel=1e-15)
    assert waarde == pytest.approx(teller / noemer * 100)
