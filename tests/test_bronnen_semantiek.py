"""Semantic checks on the bron tables (issue 11): corrupt values that keep their type — a negative
number of inhabitants, a percentage above 100, a buurt under the wrong gemeente, a buurt inflated
beyond what CBS rounding allows — fail the blocking check with table, row, region and column, and
nothing is written. The real snapshot passes, and the recorded largest deviation of buurten from
their gemeente matches an independent DuckDB query over the raw Parquet.

Bad inputs are made from the real snapshot (one value changed), in tmp_path.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import polars as pl
import pytest

from nplv_monitor import validatie
from nplv_monitor.bronnen import assets, cbs, lezers, register, semantiek
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR
from nplv_monitor.errors import ValidatieFout
from tests.bronnen_hulp import (
    check_evaluaties,
    herschrijf_parquet,
    kopieer_snapshot,
    materialiseer,
    tabel_of_niets,
)

SNAP = Snapshot(DEFAULT_SNAPSHOT_DIR)
KWB_2020 = "cbs/84799NED/TypedDataSet.parquet"


def _kwb_asset() -> dg.AssetsDefinition:
    return next(a for a in assets.maak_assets() if a.key == assets.KWB_KEY)


def _lees(naam: str) -> pl.DataFrame:
    df, _bestanden = lezers.lees(SNAP, register.laad().bron(naam))
    return df


@pytest.fixture(scope="module")
def kwb_2020() -> pl.DataFrame:
    return cbs.kwb_tabel(SNAP, 2020).data()


def _declaratie(schema_naam: str, check_naam: str) -> dict[str, Any]:
    """The statistics a schema declares for one of its semantic checks."""
    checks = [c for c in validatie.schema(schema_naam).checks if c.name == check_naam]
    assert len(checks) == 1, (schema_naam, check_naam)
    return dict(checks[0].statistics or {})


def _melding(df: pl.DataFrame, schema_naam: str, tabel: str | None = None) -> ValidatieFout:
    with pytest.raises(ValidatieFout) as exc:
        validatie.valideer(df, schema_naam, tabel=tabel)
    return exc.value


def _zet(df: pl.DataFrame, rij: int, kolom: str, waarde: object) -> pl.DataFrame:
    return df.with_columns(
        pl.when(pl.int_range(pl.len()) == rij)
        .then(pl.lit(waarde, dtype=df.schema[kolom]))
        .otherwise(pl.col(kolom))
        .alias(kolom)
    )


# -- (a) the issue's scenario, end to end through the asset ------------------------------------


def test_negatieve_buurt_in_kwb_2020_blokkeert_en_schrijft_niets(
    tmp_path: Path, tmp_output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ruw = pl.read_parquet(DEFAULT_SNAPSHOT_DIR / KWB_2020)
    codes = ruw["Codering_3"].str.strip_chars()
    # The first buurt of Amsterdam in the table, found in the raw file itself.
    rij = int(
        pl.DataFrame({"code": codes})
        .with_row_index()
        .filter(pl.col("code").str.starts_with("BU0363"))["index"][0]
    )
    buurt = codes[rij]
    origineel = int(ruw["AantalInwoners_5"][rij])
    assert origineel > 0

    # bron/kwb reads every KWB year the snapshot has in one run: both tables are copied
    kopie = kopieer_snapshot(tmp_path / "snap", "cbs/84799NED", "cbs/85984NED")
    herschrijf_parquet(kopie, KWB_2020, lambda df: _zet(df, rij, "AantalInwoners_5", -origineel))
    # The manifest is consistent with the corrupted file: hash updated, row count still right.
    entry = Snapshot(kopie).entry(KWB_2020)
    assert entry.rijen == pl.read_parquet(kopie / KWB_2020).height
    monkeypatch.setenv("NPLV_SNAPSHOT_DIR", str(kopie))

    werkdb = tmp_output / ".werk" / "werk.duckdb"
    resultaat = materialiseer(_kwb_asset(), werkdb)

    assert not resultaat.success
    evaluaties = [e for e in check_evaluaties(resultaat) if e.asset_key == assets.KWB_KEY]
    assert len(evaluaties) == 1
    assert evaluaties[0].passed is False
    assert evaluaties[0].severity == dg.AssetCheckSeverity.ERROR
    melding = str(evaluaties[0].metadata["melding"].value)
    assert "bron.kwb_2020" in melding, melding
    assert (
        f"rij {rij}, regio {buurt}, kolom 'AantalInwoners_5': {-origineel} — kleiner dan 0"
        in melding
    ), melding
    # The same corruption also breaks Amsterdam's buurt sum, named at the gemeente row.
    assert "regio GM0363, kolom 'AantalInwoners_5'" in melding
    assert not resultaat.get_asset_materialization_events()
    assert tabel_of_niets(werkdb, "bron.kwb_2020") is None
    assert tabel_of_niets(werkdb, "bron.kwb_regio_2020") is None


# -- (b) a percentage above 100 in the Veiligheidsmonitor ---------------------------------------


def test_percentage_boven_100_in_veiligheidsmonitor() -> None:
    vm = _lees("veiligheidsmonitor")
    (kolom,) = [k for k in vm.columns if semantiek.stam(k) == "VoeltZichWeleensOnveilig"]
    rij = int(
        vm.with_row_index().filter(
            (pl.col("RegioS") == "Amsterdam (GM)") & (pl.col("Marges") == "Waarde")
        )["index"][0]
    )
    fout = _melding(_zet(vm, rij, kolom, 100.5), "bron.veiligheidsmonitor")

    melding = str(fout)
    assert fout.tabel == "bron.veiligheidsmonitor"
    assert "controle percentages_0_100: 1 overtreding(en)" in melding
    assert f"rij {rij}, regio Amsterdam (GM), kolom {kolom!r}: 100.5 — groter dan 100" in melding
    fc = fout.failure_cases
    assert isinstance(fc, pl.DataFrame)
    assert fc.filter(pl.col("check") == "percentages_0_100")["index"].to_list() == [rij]


def test_negatief_percentage_in_gezondheidsmonitor_noemt_de_buurt() -> None:
    gez = _lees("gezondheid_rotterdam")
    rij = int(gez.with_row_index().filter(pl.col("soort_regio") == "Buurt")["index"][0])
    fout = _melding(_zet(gez, rij, "roker_pct", -2.0), "bron.gezondheid_rotterdam")
    assert f"rij {rij}: '-2.0' (regio {gez['regiocode'][rij]})" in str(fout)
    assert "kolom 'roker_pct', controle in_range" in str(fout)


# -- (c) a buurt under another gemeente -------------------------------------------------------


def test_buurt_onder_andere_gemeente(kwb_2020: pl.DataFrame) -> None:
    met_rij = kwb_2020.with_row_index()
    rij = int(met_rij.filter(pl.col("Codering_3").str.starts_with("BU0363"))["index"][0])
    buurt = kwb_2020["Codering_3"][rij]
    # The row claims Utrecht while its code says Amsterdam.
    fout = _melding(_zet(kwb_2020, rij, "Gemeentenaam_1", "Utrecht"), "bron.kwb", "bron.kwb_2020")

    melding = str(fout)
    assert melding.startswith("Tabel bron.kwb_2020 (schema bron.kwb)")
    assert "controle regio_in_gemeente: 1 overtreding(en)" in melding
    assert (
        f"rij {rij}, regio {buurt}, kolom 'Codering_3': {buurt} — de code hoort bij GM0363 "
        "maar de rij staat onder gemeente Utrecht (GM0344)"
    ) in melding
    # Buurt sums go by code, so they are untouched.
    assert "buurtsom_gemeente" not in melding


def test_buurtcode_van_een_gemeente_die_er_niet_is(kwb_2020: pl.DataFrame) -> None:
    rij = int(kwb_2020.with_row_index().filter(pl.col("SoortRegio_2") == "Buurt")["index"][0])
    gemeenten = set(kwb_2020.filter(pl.col("SoortRegio_2") == "Gemeente")["Codering_3"])
    assert "GM9999" not in gemeenten
    fout = _melding(_zet(kwb_2020, rij, "Codering_3", "BU99990000"), "bron.kwb")
    assert f"rij {rij}, regio BU99990000, kolom 'Codering_3'" in str(fout)
    assert "gemeente GM9999 staat niet in de tabel" in str(fout)


def test_misdrijven_buurt_onder_verkeerde_gemeentecode() -> None:
    md = _lees("misdrijven_buurt")
    rij = 0
    andere = md.filter(pl.col("gm_code") != md["gm_code"][rij])["gm_code"][0]
    fout = _melding(_zet(md, rij, "gm_code", andere), "bron.misdrijven_buurt")
    assert (
        f"rij {rij}, regio {md['bu_code'][rij]}, kolom 'bu_code': {md['bu_code'][rij]} — de code "
        f"hoort bij GM{md['bu_code'][rij][2:6]} maar de rij staat onder gemeente {andere} (gm_code)"
    ) in str(fout)


# -- (d) buurten adding up to their gemeente ----------------------------------------------------


def _eerste_buurt_per_gemeente_plus_tien_procent(kwb: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """KWB with, in every gemeente, its first buurt inflated by 10% of the gemeente's figure."""
    regio = kwb.with_row_index("rij").with_columns(
        ("GM" + pl.col("Codering_3").str.slice(2, 4)).alias("gm")
    )
    gemeente = regio.filter(pl.col("SoortRegio_2") == "Gemeente").select(
        "gm", (pl.col("AantalInwoners_5") // 10).alias("extra")
    )
    eerste = (
        regio.filter(pl.col("SoortRegio_2") == "Buurt")
        .group_by("gm")
        .agg(pl.col("rij").min())
        .join(gemeente, on="gm")
    )
    opgeblazen = (
        regio.join(eerste.select("rij", "extra"), on="rij", how="left")
        .with_columns(
            (pl.col("AantalInwoners_5") + pl.col("extra").fill_null(0)).alias("AantalInwoners_5")
        )
        .select(kwb.columns)
    )
    return opgeblazen, eerste.height


def test_buurt_tien_procent_van_gemeente_opgeblazen_wordt_gevangen(kwb_2020: pl.DataFrame) -> None:
    opgeblazen, gemeenten = _eerste_buurt_per_gemeente_plus_tien_procent(kwb_2020)
    assert gemeenten == kwb_2020.filter(pl.col("SoortRegio_2") == "Gemeente").height == 355

    fout = _melding(opgeblazen, "bron.kwb", "bron.kwb_2020")

    fc = fout.failure_cases
    assert isinstance(fc, pl.DataFrame)
    gevangen = fc.filter(pl.col("check") == "buurtsom_gemeente")
    # Every one of the 355 gemeenten is caught, each at its own gemeente row.
    assert gevangen["regio"].n_unique() == 355
    gm_rijen = kwb_2020.with_row_index().filter(pl.col("SoortRegio_2") == "Gemeente")
    assert sorted(gevangen["index"].to_list()) == gm_rijen["index"].cast(pl.Int32).to_list()
    melding = str(fout)
    assert "controle buurtsom_gemeente: 355 overtreding(en)" in melding
    assert "… en nog 345 overtreding(en)" in melding  # capped at 10 listed
    eerste = gm_rijen.row(0, named=True)
    assert f"rij {eerste['index']}, regio {eerste['Codering_3']}, kolom 'AantalInwoners_5'" in (
        melding
    )
    # Nothing else is wrong with the table.
    assert set(fc["check"]) == {"buurtsom_gemeente"}


def test_afkapping_stelt_alleen_de_laatste_gemeente_vrij(kwb_2020: pl.DataFrame) -> None:
    stats = _declaratie("bron.kwb", "buurtsom_gemeente")
    rijlimiet = int(stats["rijlimiet"])
    # KWB 2020 cut after rijlimiet rows, as the ODataApi does: the last gemeente loses buurten.
    afgekapt = kwb_2020.head(rijlimiet)
    laatste = "GM" + afgekapt["Codering_3"][-1][2:6]
    uitkomst = semantiek.buurtsom_gemeente(afgekapt, **stats)
    assert uitkomst.geslaagd, uitkomst.overtredingen
    assert uitkomst.rapport["afgekapt"] is True
    assert [v["gemeente"] for v in uitkomst.rapport["vrijgesteld"]] == [laatste]  # type: ignore[attr-defined]
    # One row fewer is not a truncated download: the cut-off gemeente now fails.
    korter = kwb_2020.head(rijlimiet - 1)
    if korter["Codering_3"][-1].startswith("BU"):
        uitkomst = semantiek.buurtsom_gemeente(korter, **stats)
        assert uitkomst.rapport["afgekapt"] is False
        assert "GM" + korter["Codering_3"][-1][2:6] in uitkomst.overtredingen["regio"].to_list()


# -- stems -----------------------------------------------------------------------------------


def test_stam_die_op_twee_kolommen_past_is_een_duidelijke_fout() -> None:
    kwb_2024 = cbs.kwb_tabel(SNAP, 2024).data()
    dubbel = [k for k in kwb_2024.columns if semantiek.stam(k) == "Nederland"]
    assert len(dubbel) == 2  # Nederland_17 and Nederland_20 in KWB 2024
    uitkomst = semantiek.binnen_bereik(
        kwb_2024, stammen=["Nederland"], regio_kolom="Codering_3", minimum=0
    )
    assert not uitkomst.geslaagd
    assert uitkomst.fouten == (
        f"stam 'Nederland' past op 2 kolommen ({', '.join(dubbel)}); declareer een stam die "
        "precies één kolom aanwijst",
    )
    # Through pandera: the check fails (reported as a check error), it does not crash.
    schema = validatie.pa.DataFrameSchema(
        checks=[
            validatie.pa.Check.aantallen_niet_negatief(
                stammen=["Nederland"], regio_kolom="Codering_3"
            )
        ]
    )
    with pytest.raises(validatie.pandera.errors.SchemaErrors, match="Nederland_17"):
        schema.validate(kwb_2024, lazy=True)


@pytest.mark.parametrize("jaar", [2020, 2024])
def test_stammen_lossen_per_jaar_op_en_ontbrekende_worden_gemeld(jaar: int) -> None:
    kwb = cbs.kwb_tabel(SNAP, jaar).data()
    rapport = validatie.semantiek_rapport(kwb, "bron.kwb")
    for check in ("aantallen_niet_negatief", "percentages_0_100"):
        stammen = _declaratie("bron.kwb", check)["stammen"]
        aanwezig = {re.sub(r"_[0-9]+$", "", k): k for k in kwb.columns if re.search(r"_\d+$", k)}
        assert rapport[check]["geslaagd"] is True
        assert rapport[check]["kolommen"] == {s: aanwezig[s] for s in stammen if s in aanwezig}
        assert rapport[check]["overgeslagen_stammen"] == [s for s in stammen if s not in aanwezig]
    assert rapport["aantallen_niet_negatief"]["kolommen"]["AantalInwoners"] == "AantalInwoners_5"


def test_gedeclareerde_stammen_kloppen_met_de_eenheid_in_de_dataproperties() -> None:
    # Every KWB table in the snapshot: a declared count is "aantal", a percentage "%" — so the
    # declaration does not silently check a mean or a rate against the wrong range.
    kwb_ids = [
        p.parent.name
        for p in sorted((DEFAULT_SNAPSHOT_DIR / "cbs").glob("*/DataProperties.parquet"))
        if "Codering" in {re.sub(r"_\d+$", "", k) for k in pl.read_parquet(p)["Key"].drop_nulls()}
    ]
    assert {"84799NED", "85984NED"} <= set(kwb_ids)
    verwacht = {"aantallen_niet_negatief": {"aantal"}, "percentages_0_100": {"%"}}
    for tabel_id in kwb_ids:
        dp = pl.read_parquet(DEFAULT_SNAPSHOT_DIR / "cbs" / tabel_id / "DataProperties.parquet")
        eenheid = {
            re.sub(r"_\d+$", "", k): u
            for k, u in zip(dp["Key"], dp["Unit"], strict=True)
            if k and re.search(r"_\d+$", k)
        }
        for check, eenheden in verwacht.items():
            for s in _declaratie("bron.kwb", check)["stammen"]:
                if s in eenheid:
                    assert eenheid[s] in eenheden, (tabel_id, check, s, eenheid[s])


# -- (e) the real snapshot passes; the recorded max deviation, recomputed in SQL ----------------


def _max_afwijking_sql(parquet: Path, vrijgesteld: list[str]) -> dict[str, Any]:
    """Largest |sum of buurten - gemeente| for inhabitants, straight from the raw Parquet."""
    with duckdb.connect() as con:
        rij = con.execute(
            """
            with d as (
                select trim(Codering_3) as code, AantalInwoners_5 as inw from read_parquet(?)
            ),
            g as (select code, inw from d where code like 'GM%'),
            b as (
                select 'GM' || substr(code, 3, 4) as gm, sum(inw) as som, count(*) as n
                from d where code like 'BU%' group by 1
            )
            select g.code, (b.som - g.inw)::bigint as afwijking, b.n, g.inw, b.som::bigint
            from g join b on b.gm = g.code
            where not list_contains(?, g.code)
            order by abs(b.som - g.inw) desc, g.code
            limit 1
            """,
            [str(parquet), vrijgesteld],
        ).fetchone()
    assert rij is not None
    code, afwijking, n, inw, som = rij
    return {
        "gemeente": code,
        "afwijking": afwijking,
        "buurten": n,
        "gemeente_waarde": inw,
        "som_buurten": som,
    }


@pytest.mark.parametrize("jaar", [2020, 2024])
def test_echte_kwb_slaagt_met_gemeten_max_afwijking(
    jaar: int, tmp_output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NPLV_SNAPSHOT_DIR", raising=False)
    werkdb = tmp_output / ".werk" / "werk.duckdb"
    resultaat = materialiseer(_kwb_asset(), werkdb)
    assert resultaat.success
    (evaluatie,) = [e for e in check_evaluaties(resultaat) if e.asset_key == assets.KWB_KEY]
    assert evaluatie.passed
    # one run writes every KWB year; the check reports the semantic checks per table
    per_tabel = evaluatie.metadata["semantische_controles"].value
    assert isinstance(per_tabel, dict)
    assert {f"bron.kwb_{j}" for j in (2020, 2024)} <= set(per_tabel), set(per_tabel)
    rapport = per_tabel[f"bron.kwb_{jaar}"]
    assert isinstance(rapport, dict)
    assert set(rapport) == {
        "aantallen_niet_negatief",
        "percentages_0_100",
        "regio_in_gemeente",
        "buurtsom_gemeente",
    }
    assert all(r["geslaagd"] for r in rapport.values()), rapport
    som = rapport["buurtsom_gemeente"]

    tabel_id = register.kwb_tabel_id(jaar)
    parquet = DEFAULT_SNAPSHOT_DIR / "cbs" / tabel_id / "TypedDataSet.parquet"
    ruw = pl.read_parquet(parquet)
    afgekapt = ruw.height == _declaratie("bron.kwb", "buurtsom_gemeente")["rijlimiet"]
    assert som["afgekapt"] is afgekapt
    if afgekapt:
        # Truncation is not a failure: only the last gemeente is exempt, and said so.
        laatste = "GM" + ruw["Codering_3"].str.strip_chars()[-1][2:6]
        assert [v["gemeente"] for v in som["vrijgesteld"]] == [laatste]
        assert "afgekapte tabel" in som["vrijgesteld"][0]["reden"]
    else:
        assert som["vrijgesteld"] == []
    gemeenten = ruw.filter(pl.col("Codering_3").str.strip_chars().str.starts_with("GM")).height
    assert som["gemeenten_vergeleken"] == gemeenten - len(som["vrijgesteld"])
    assert som["max_afwijking"] == _max_afwijking_sql(
        parquet, [v["gemeente"] for v in som["vrijgesteld"]]
    )
    assert som["max_benutting_marge"]["benutting"] <= 1
    assert tabel_of_niets(werkdb, f"bron.kwb_{jaar}") is not None


def test_kwb_2020_max_afwijking_is_amsterdam_binnen_de_afrondingsmarge() -> None:
    # The calibration the schema documents: KWB 2020 is complete (355 gemeenten); its largest
    # deviation is Amsterdam's, and it lies within 5 per buurt.
    sql = _max_afwijking_sql(DEFAULT_SNAPSHOT_DIR / KWB_2020, [])
    assert sql["gemeente"] == "GM0363"
    assert abs(sql["afwijking"]) <= 5 * sql["buurten"]


def test_alle_bronnen_uit_het_echte_snapshot_slagen(werkdb_bronnen: Path) -> None:
    # The session fixture materialised every bron asset (and every KWB year) with all checks.
    with duckdb.connect(str(werkdb_bronnen), read_only=True) as con:
        tabellen = {
            r[0]
            for r in con.sql(
                "select table_name from information_schema.tables where table_schema = 'bron'"
            ).fetchall()
        }
    for naam in (
        "kwb_2020",
        "veiligheidsmonitor",
        "gezondheid_rotterdam",
        "misdrijven_regio_2024",
        "misdrijven_buurt",
        "ses_woa",
        "bevolking_buurt_2024",
    ):
        assert naam in tabellen, (naam, sorted(tabellen))
