"""validatie.valideer: a failing table raises ValidatieFout naming table, source, column, check
and the failing rows (0-based, with their region code), on real snapshot rows with one fault put
in. The semantic checks themselves are tested in test_bronnen_semantiek.py."""

from __future__ import annotations

import polars as pl
import pytest

from nplv_monitor import validatie
from nplv_monitor.bronnen import leefbaarometer, lezers, register
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR
from nplv_monitor.errors import ValidatieFout

SNAP = Snapshot(DEFAULT_SNAPSHOT_DIR)


def _lees(naam: str) -> pl.DataFrame:
    """A registry source as its asset reads it from the shipped snapshot."""
    df, _bestanden = lezers.lees(SNAP, register.laad().bron(naam))
    return df


@pytest.fixture(scope="module")
def wijk() -> pl.DataFrame:
    return _lees("leefbaarometer_wijk")


def test_geldige_tabel_komt_ongewijzigd_terug(wijk: pl.DataFrame) -> None:
    uit = validatie.valideer(wijk, "bron.leefbaarometer_wijk")
    assert uit.equals(wijk)


def test_melding_noemt_kolom_controle_en_rijen(wijk: pl.DataFrame) -> None:
    # A measuring year the Leefbaarometer never had, in rows 5 and 7.
    fout = wijk.with_columns(
        pl.when(pl.int_range(pl.len()).is_in([5, 7]))
        .then(pl.lit(2011))
        .otherwise(pl.col("jaar"))
        .alias("jaar")
    )
    with pytest.raises(ValidatieFout) as exc:
        validatie.valideer(fout, "bron.leefbaarometer_wijk", bron=leefbaarometer.WIJK_CSV)
    melding = str(exc.value)
    assert exc.value.tabel == "bron.leefbaarometer_wijk"
    assert "bron.leefbaarometer_wijk (uit leefbaarometer/wijkscores_2002-2022.csv)" in melding
    assert "kolom 'jaar'" in melding
    assert "isin" in melding
    assert "2 fout(en)" in melding
    # The row's region code (the schema's wk_code) follows each failing row.
    assert f"rij 5: '2011' (regio {wijk['wk_code'][5]})" in melding
    assert f"rij 7: '2011' (regio {wijk['wk_code'][7]})" in melding
    assert "er is niets geschreven" in melding


def test_melding_bij_ontbrekende_en_onbekende_kolom(wijk: pl.DataFrame) -> None:
    with pytest.raises(ValidatieFout, match=r"column_in_dataframe: 1 fout\(en\) — gevonden: lbm"):
        validatie.valideer(wijk.drop("lbm"), "bron.leefbaarometer_wijk")
    with pytest.raises(ValidatieFout, match=r"column_in_schema.*extra"):
        validatie.valideer(wijk.with_columns(pl.lit(1).alias("extra")), "bron.leefbaarometer_wijk")


def test_dubbele_sleutel_noemt_de_rijen() -> None:
    bev = _lees("bevolking_buurt_2024")
    dubbel = pl.concat([bev, bev.slice(10, 1)])
    with pytest.raises(ValidatieFout) as exc:
        validatie.valideer(dubbel, "bron.bevolking_buurt_2024")
    melding = str(exc.value)
    code = bev["buurtcode"][10]
    assert "kolom 'buurtcode'" in melding
    assert f"rij 10: '{code}'" in melding
    assert f"rij {bev.height}: '{code}'" in melding


def test_onbekend_schema() -> None:
    with pytest.raises(ValidatieFout, match=r"Geen schema voor tabel bron\.bestaat_niet"):
        validatie.valideer(pl.DataFrame({"a": [1]}), "bron.bestaat_niet")


def test_elk_bronschema_heeft_beschrijvingen() -> None:
    namen = sorted(p.stem for p in validatie.schema_pad("x").parent.glob("bron.*.yaml"))
    assert namen
    for naam in namen:
        assert validatie.tabel_beschrijving(naam), naam
        beschrijvingen = validatie.kolom_beschrijvingen(naam)
        assert beschrijvingen
        assert all(beschrijvingen.values()), (naam, beschrijvingen)


def test_ontbrekende_regexkolom_samen_met_andere_fout_geeft_validatiefout() -> None:
    # pandera 0.35 crashes with a raw polars SchemaError when a missing regex column
    # (AantalInwoners_*) comes together with another failure; valideer must still give a
    # ValidatieFout that names the table and a failing column.
    from nplv_monitor.bronnen import cbs

    kwb = cbs.CbsTabel(SNAP, "84799NED").data()
    fout = kwb.drop("AantalInwoners_5")
    fout = pl.concat([fout, fout.head(1)])
    with pytest.raises(ValidatieFout) as exc:
        validatie.valideer(fout, "bron.kwb")
    assert exc.value.tabel == "bron.kwb"
    assert "bron.kwb" in str(exc.value)
    # pandera reports the duplicate row; the missing column no longer crashes the report.
    assert "column 'ID' not unique" in str(exc.value), str(exc.value)


def test_tabelnaam_naast_schemanaam_en_regio_bij_ingebouwde_controle() -> None:
    # A pandera built-in check (geregistreerde_misdrijven >= 0) on a table validated under
    # another name than its schema: the message names the table, the schema and the buurt.
    misdrijven = _lees("misdrijven_buurt")
    fout = misdrijven.with_columns(
        pl.when(pl.int_range(pl.len()) == 3)
        .then(-1)
        .otherwise(pl.col("geregistreerde_misdrijven"))
        .alias("geregistreerde_misdrijven")
    )
    with pytest.raises(ValidatieFout) as exc:
        validatie.valideer(fout, "bron.misdrijven_buurt", tabel="bron.misdrijven_buurt_test")
    melding = str(exc.value)
    assert exc.value.tabel == "bron.misdrijven_buurt_test"
    assert melding.startswith("Tabel bron.misdrijven_buurt_test (schema bron.misdrijven_buurt)")
    assert "kolom 'geregistreerde_misdrijven'" in melding
    assert f"rij 3: '-1' (regio {misdrijven['bu_code'][3]})" in melding


def test_regiokolom_van_elk_bronschema_met_regiocodes() -> None:
    # The column that names a row's region in messages: declared by a semantic check, or the
    # column whose str_matches is a region-code pattern.
    assert validatie.regio_kolom("bron.kwb") == "Codering_3"
    assert validatie.regio_kolom("bron.veiligheidsmonitor") == "RegioS"
    assert validatie.regio_kolom("bron.bevolking_buurt_2024") == "buurtcode"
    assert validatie.regio_kolom("bron.leefbaarometer_wijk") == "wk_code"
    assert validatie.regio_kolom("bron.soort_misdrijf") is None
