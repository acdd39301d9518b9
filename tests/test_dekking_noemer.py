"""Dekking counts a buurt that has the teller but no noemer (or no base) as a buurt without value.

TEST FIXTURE (hand cases): invented buurten BU9999xxxx of an invented gemeente, with numbers stated
here and the expected dekking worked out by hand. The noemer comes from another source
(``noemer_bron``), another variable (a list of noemers with one part missing) or the count's
dekking variable; a buurt lacking it used to drop out of both sums of the dekking share, so a
partial sum was published "ok" at 100%.

The full-build case recomputes dekking in SQL over the build's own metingen, independently of the
engine: an indicator in dwellings whose noemer comes from the truncated KWB 2024 (the reason the
Leefbaarometer headline is not published in dwellings).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from nplv_monitor.indicatoren.bouw import lidmaatschap_van
from nplv_monitor.indicatoren.catalogus import Indicator, laad_catalogus
from nplv_monitor.indicatoren.engine import ontbrekend
from nplv_monitor.indicatoren.engine.aggregatie import DEKKING_DREMPEL, aggregeer_indicator

JAAR = 2024
GEBIED = "gebied"
SCHEMA = {
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


def _ind(maat: str, **kw: object) -> Indicator:
    velden: dict[str, object] = {
        "code": f"test_{maat}",
        "naam": "testindicator",
        "omschrijving": "TEST FIXTURE",
        "familie": "context",
        "actielijn": "test",
        "thema": "test",
        "bron": "cbs_misdrijven",
        "maat": maat,
        "eenheid": "aantal",
        "richting": "neutraal",
        "teller": "t",
    }
    velden.update(kw)
    return Indicator(**velden)  # type: ignore[arg-type]


def _meting(bron: str, variabele: str, code: str, waarde: float | None) -> dict[str, object]:
    return {
        "bron": bron,
        "tabel_id": f"TEST_{bron}",
        "bron_variabele": variabele,
        "bron_sha256": bron.ljust(64, "0"),
        "indelingsjaar": JAAR,
        "peiljaar": JAAR,
        "regiocode": code,
        "regio_soort": "buurt",
        "eenheid": "aantal",
        "variabele": variabele,
        "waarde": waarde,
        "aantal": waarde,
        "basis": None,
    }


BUURTEN = ["BU99990001", "BU99990002", "BU99990003", "BU99990004"]
#: reference population per buurt (the complete population of the indeling)
INWONERS = [1000.0, 1000.0, 2000.0, 1000.0]


def _leden() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "gebied_code": [GEBIED] * len(BUURTEN),
            "gebied_soort": ["focusgebied"] * len(BUURTEN),
            "indelingsjaar": [JAAR] * len(BUURTEN),
            "regiocode": BUURTEN,
        }
    )


def _ref() -> pl.DataFrame:
    return pl.DataFrame(
        {"indelingsjaar": [JAAR] * len(BUURTEN), "regiocode": BUURTEN, "inwoners_ref": INWONERS}
    )


def _rij(m: pl.DataFrame, ind: Indicator) -> dict[str, object]:
    uit = aggregeer_indicator(m, _leden(), ind, referentie=_ref())
    (rij,) = uit.filter(pl.col("gebied_code") == GEBIED).to_dicts()
    return rij


def test_noemer_uit_andere_bron_ontbreekt_voor_een_buurt() -> None:
    """Teller (crimes) in all four buurten; the noemer (inhabitants, another source) misses the
    third buurt, which holds 2,000 of the 5,000 reference inhabitants. Over the three buurten
    with both, noemer / reference = (400 + 600 + 500) / (1000 + 1000 + 1000) = 0,5 per
    inhabitant, so the third buurt weighs 2000 × 0,5 = 1000: dekking = 1500 / 2500 = 0,6 < 0,9,
    withheld. (Before: the missing noemer dropped out of both sums, dekking 1,0, status ok.)"""
    ind = _ind("per_1000", noemer=("inwoners",), noemer_bron="cbs_bevolking_2024")
    teller = [10.0, 20.0, 30.0, 40.0]
    noemer = [400.0, 600.0, None, 500.0]
    m = pl.DataFrame(
        [_meting("cbs_misdrijven", "t", b, t) for b, t in zip(BUURTEN, teller, strict=True)]
        + [
            _meting("cbs_bevolking_2024", "inwoners", b, n)
            for b, n in zip(BUURTEN, noemer, strict=True)
            if n is not None
        ],
        schema=SCHEMA,
    )
    r = _rij(m, ind)
    assert r["teller"] == 10 + 20 + 40
    assert r["noemer"] == 400 + 600 + 500
    assert r["dekking"] == pytest.approx(1500 / 2500)
    assert r["status"] == "onderdrukt"
    assert r["waarde"] is None
    assert "lager dan de drempel" in str(r["status_toelichting"])
    # the text names the cause: a buurt with a teller but no noemer, not secrecy
    assert "1 daarvan hebben wel een teller maar geen noemer" in str(r["status_toelichting"])
    uit = aggregeer_indicator(m, _leden(), ind, referentie=_ref())
    (buurt,) = uit.filter(pl.col("gebied_code") == BUURTEN[2]).to_dicts()
    assert buurt["status"] == "onderdrukt"
    assert str(buurt["status_toelichting"]).startswith(
        "De bron publiceert de teller voor deze regio, maar de noemer of het gewicht ontbreekt"
    )


def test_noemer_ontbreekt_in_een_kleine_buurt_blijft_boven_de_drempel() -> None:
    """Same, but the buurt without noemer is small (100 reference inhabitants): weighed as
    100 × 0,5 = 50 of 1550, dekking 1500 / 1550 = 0,968 — published, with the share stated."""
    ind = _ind("per_1000", noemer=("inwoners",), noemer_bron="cbs_bevolking_2024")
    m = pl.DataFrame(
        [_meting("cbs_misdrijven", "t", b, 10.0) for b in BUURTEN]
        + [
            _meting("cbs_bevolking_2024", "inwoners", b, n)
            for b, n in zip(BUURTEN, [400.0, 600.0, None, 500.0], strict=True)
            if n is not None
        ],
        schema=SCHEMA,
    )
    ref = _ref().with_columns(
        inwoners_ref=pl.when(pl.col("regiocode") == BUURTEN[2])
        .then(100.0)
        .otherwise(pl.col("inwoners_ref"))
    )
    uit = aggregeer_indicator(m, _leden(), ind, referentie=ref)
    (r,) = uit.filter(pl.col("gebied_code") == GEBIED).to_dicts()
    assert r["dekking"] == pytest.approx(1500 / 1550)
    assert r["status"] == "ok"
    assert r["waarde"] == pytest.approx(30 / 1500 * 1000)
    assert "enkele buurten zonder waarde" in str(r["status_toelichting"])
    assert "1 daarvan hebben een teller maar geen noemer" in str(r["status_toelichting"])


def test_deel_van_een_samengestelde_noemer_ontbreekt() -> None:
    """Noemer = a + b (another variable, same source). The second buurt lacks b, so it has no
    noemer: noemer/reference over the other three = (50+50 + 100+100 + 50+50) / 4000 = 0,1,
    the second buurt weighs 1000 × 0,1 = 100, dekking = 400 / 500 = 0,8."""
    ind = _ind("aandeel", bron="cbs_kwb", noemer=("a", "b"))
    rijen = [_meting("cbs_kwb", "t", b, 10.0) for b in BUURTEN]
    a = [50.0, 50.0, 100.0, 50.0]
    b_ = [50.0, None, 100.0, 50.0]
    rijen += [_meting("cbs_kwb", "a", b, v) for b, v in zip(BUURTEN, a, strict=True)]
    rijen += [_meting("cbs_kwb", "b", b, v) for b, v in zip(BUURTEN, b_, strict=True)]
    r = _rij(pl.DataFrame(rijen, schema=SCHEMA), ind)
    assert r["noemer"] == 100 + 200 + 100
    assert r["dekking"] == pytest.approx(400 / 500)
    assert r["status"] == "onderdrukt"


def test_teller_zonder_waarde_en_zonder_noemer_telt_als_buurt_zonder_waarde() -> None:
    """The reverse: the first buurt is in the teller table with a suppressed (null) teller and
    has no noemer either; it used to count nowhere. Noemer/reference over the other three =
    1500 / 4000 = 0,375; the first weighs 1000 × 0,375 = 375: dekking = 1500 / 1875 = 0,8."""
    ind = _ind("per_1000", noemer=("inwoners",), noemer_bron="cbs_bevolking_2024")
    m = pl.DataFrame(
        [
            _meting("cbs_misdrijven", "t", b, t)
            for b, t in zip(BUURTEN, [None, 20.0, 30.0, 40.0], strict=True)
        ]
        + [
            _meting("cbs_bevolking_2024", "inwoners", b, n)
            for b, n in zip(BUURTEN, [None, 500.0, 500.0, 500.0], strict=True)
            if n is not None
        ],
        schema=SCHEMA,
    )
    r = _rij(m, ind)
    assert r["dekking"] == pytest.approx(1500 / 1875)
    assert r["status"] == "onderdrukt"


def test_telling_zonder_dekkingsvariabele_weegt_met_referentiebevolking() -> None:
    """A count whose dekking variable (inhabitants of its own source) is missing in one buurt:
    that buurt has a teller and counts as covered; one without teller and without inhabitants
    counts as uncovered. Inhabitants/reference over the buurten with both = (900 + 1800) /
    (1000 + 2000) = 0,9; buurt 1 (teller, no inhabitants) weighs 900, buurt 4 (neither) 900:
    dekking = (900 + 900 + 1800) / (900 + 900 + 1800 + 900) = 0,8."""
    ind = _ind("aantal", bron="cbs_kwb")
    rijen = [
        _meting("cbs_kwb", "t", b, t) for b, t in zip(BUURTEN, [5.0, 6.0, 7.0, None], strict=True)
    ]
    rijen += [
        _meting("cbs_kwb", "inwoners", b, v)
        for b, v in zip(BUURTEN, [None, 900.0, 1800.0, None], strict=True)
    ]
    r = _rij(pl.DataFrame(rijen, schema=SCHEMA), ind)
    assert r["teller"] == 18
    assert r["dekking"] == pytest.approx(3600 / 4500)
    assert r["status"] == "onderdrukt"


#: Expected dekking of every gemeente's Leefbaarometer score 2022 from the wijkscores, in SQL over
#: the raw metingen: table part (reference inhabitants of the gemeente's 2022 wijken that the
#: wijk file has, of all its 2022 wijken) × base part (weight of wijken with score and weight, of
#: all wijken; a wijk without weight weighs its 2022 inhabitants × the gemeente's weight per
#: inhabitant, else the mean weight).
DEKKING_SQL = """
WITH t AS (
    SELECT regiocode, waarde, basis FROM metingen.metingen
    WHERE variabele = 'lbm_score' AND bron = 'leefbaarometer_wijk' AND peiljaar = 2022
      AND regio_soort = 'wijk'),
ref AS (
    SELECT regiocode, waarde AS inw FROM metingen.metingen
    WHERE bron = 'cbs_bevolking_wijk_2022' AND variabele = 'inwoners'),
leden AS (
    SELECT DISTINCT regiocode FROM metingen.metingen
    WHERE indelingsjaar = 2022 AND regio_soort = 'wijk'),
lr AS (
    SELECT 'GM' || substr(l.regiocode, 3, 4) AS gm, l.regiocode, ref.inw,
           l.regiocode IN (SELECT regiocode FROM t) AS in_tabel
    FROM leden l LEFT JOIN ref USING (regiocode)),
tabel AS (
    SELECT gm, sum(inw) FILTER (WHERE in_tabel) / sum(inw) AS deel FROM lr GROUP BY gm),
j AS (
    SELECT 'GM' || substr(t.regiocode, 3, 4) AS gm, t.*, ref.inw FROM t LEFT JOIN ref USING (regiocode)),
v AS (
    SELECT gm,
           sum(basis) FILTER (WHERE inw IS NOT NULL AND basis IS NOT NULL) / nullif(sum(inw) FILTER (WHERE basis IS NOT NULL AND inw IS NOT NULL), 0) AS verhouding,
           avg(basis) AS gem
    FROM j GROUP BY gm),
d AS (
    SELECT j.gm, j.waarde IS NOT NULL AND j.basis IS NOT NULL AS bekend, coalesce(j.basis, j.inw * v.verhouding, v.gem) AS d
    FROM j JOIN v USING (gm))
SELECT d.gm,
       least(tabel.deel * sum(d) FILTER (WHERE bekend) / sum(d), 1.0) AS dekking
FROM d JOIN tabel USING (gm)
GROUP BY d.gm, tabel.deel
ORDER BY gm
"""


def test_leefbaarometer_gemeenten_met_wijken_zonder_gewicht(volledige_build: Path) -> None:
    """The real case: the Leefbaarometer's wijk scores 2002–2022 are weighted by the wijk's
    2020 population, which a wijk code new in the 2022 indeling does not have. Almere renumbered
    its wijken: 55 of its 61 wijken have a score but no weight, and its gemeente score was the
    mean of the other six published "ok" at dekking 100%. Every gemeente's dekking equals the
    SQL recomputation; the 24 gemeenten below the threshold have no value (Almere: its 55 new
    wijken have no 2022 population either, so each weighs the mean weight: 6 / 61 = 9,8%)."""
    con = duckdb.connect(str(volledige_build / "nplv_monitor.duckdb"), read_only=True)
    try:
        m = con.sql("SELECT * FROM metingen.metingen").pl()
        g = con.sql("SELECT * FROM ref.gebieden").pl()
        lid = ontbrekend.met_hele_wijken(
            lidmaatschap_van(
                m,
                g,
                con.sql("SELECT * FROM ref.gebied_buurten").pl(),
                con.sql("SELECT * FROM ref.gebied_wijken").pl(),
            )
        )
        verwacht = con.sql(DEKKING_SQL).pl().rename({"gm": "gebied_code", "dekking": "sql"})
        gepubliceerd = con.sql(
            "SELECT waarde, status FROM monitor.indicatorwaarden WHERE gebied_code = 'GM0034' "
            "AND indicator_code = 'lbm_score' AND peiljaar = 2022"
        ).fetchall()
    finally:
        con.close()
    uit = aggregeer_indicator(m, lid, laad_catalogus().indicator("lbm_score")).filter(
        (pl.col("gebied_soort") == "gemeente")
        & (pl.col("peiljaar") == 2022)
        & pl.col("bron_tabel").str.starts_with("leefbaarometer/wijkscores")
    )
    samen = verwacht.join(uit, on="gebied_code", how="full", coalesce=True)
    assert samen.height == verwacht.height == uit.height
    afwijking = samen.filter((pl.col("dekking") - pl.col("sql")).abs() > 1e-9)
    assert afwijking.is_empty(), afwijking
    onder = samen.filter(pl.col("sql") < DEKKING_DREMPEL)
    assert onder.height == 24
    assert (onder["status"] == "onderdrukt").all()
    assert onder["waarde"].is_null().all()
    (almere,) = samen.filter(pl.col("gebied_code") == "GM0034").to_dicts()
    assert almere["dekking"] == pytest.approx(6 / 61)
    assert gepubliceerd
    assert all(w is None and s != "ok" for w, s in gepubliceerd)


@pytest.mark.parametrize(
    ("ref", "begin"),
    [
        # no population table on the indeling year at all
        (
            {},
            "Geen referentiebevolking voor deze indeling: het snapshot heeft geen bevolkingstabel",
        ),
        # a population table on the indeling, but not with the area's codes
        ({"BU99980001": 500.0}, "Geen referentiebevolking voor deze eenheden: de buurtcodes"),
        # the area's buurten are in it, without inhabitants
        (
            dict.fromkeys(BUURTEN, 0.0),
            "De buurten van het gebied hebben volgens de bevolkingstabel",
        ),
    ],
)
def test_oorzaak_zonder_referentiebevolking(ref: dict[str, float], begin: str) -> None:
    ind = _ind("per_1000", noemer=("inwoners",), noemer_bron="cbs_bevolking_2024")
    m = pl.DataFrame(
        [_meting("cbs_misdrijven", "t", b, 10.0) for b in BUURTEN]
        + [_meting("cbs_bevolking_2024", "inwoners", b, 500.0) for b in BUURTEN],
        schema=SCHEMA,
    )
    referentie = pl.DataFrame(
        {
            "indelingsjaar": [JAAR] * len(ref),
            "regiocode": list(ref),
            "inwoners_ref": list(ref.values()),
        },
        schema={"indelingsjaar": pl.Int64, "regiocode": pl.String, "inwoners_ref": pl.Float64},
    )
    uit = aggregeer_indicator(m, _leden(), ind, referentie=referentie)
    (r,) = uit.filter(pl.col("gebied_code") == GEBIED).to_dicts()
    assert r["status"] == "onderdrukt"
    assert str(r["status_toelichting"]).startswith(begin), r["status_toelichting"]
    assert "afgekapte download" not in str(r["status_toelichting"])
    assert f"indeling {JAAR}" in str(r["status_toelichting"])
