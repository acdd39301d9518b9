"""The test-only KWB tables of the online rehearsal (tests/replay/kwb_jaren.py), checked against
the shipped snapshot with independent DuckDB SQL, and fetched over HTTP by the real client."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl
import pytest
import requests
from polars.testing import assert_frame_equal, assert_series_equal

from nplv_monitor.bronnen.cbs import strip_opvulling
from nplv_monitor.bronnen.cbs_client import ODATA_API_LIMIET, ververs_tabel
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR
from tests.replay.kwb_jaren import (
    KWB_2020,
    KWB_2024,
    Koppeling,
    groepspaden,
    koppel_topics,
    kwb_2024_release_augustus,
    kwb_2024_volledig,
    kwb_uit_2020,
    stam,
)
from tests.replay.server import ReplayServer, _Tabel

SNAP = DEFAULT_SNAPSHOT_DIR
D24 = SNAP / "cbs" / KWB_2024


def _sql(query: str, **frames: pl.DataFrame) -> pl.DataFrame:
    con = duckdb.connect()
    for naam, df in frames.items():
        con.register(naam, df)
    return con.sql(query).pl()


@pytest.fixture(scope="module")
def dp_maart() -> pl.DataFrame:
    return Snapshot(SNAP).parquet(f"cbs/{KWB_2024}/DataProperties.parquet")


@pytest.fixture(scope="module")
def dp_augustus() -> pl.DataFrame:
    return Snapshot(SNAP).parquet(f"cbs/{KWB_2024}/release_2024-08/DataProperties.parquet")


@pytest.fixture(scope="module")
def koppeling(dp_maart: pl.DataFrame, dp_augustus: pl.DataFrame) -> Koppeling:
    return koppel_topics(dp_maart, dp_augustus)


# -- 1. KWB 2020 as another year ------------------------------------------------------------------


def test_kwb_2020_als_ander_jaar_zelfde_rijen_ander_label() -> None:
    t = kwb_uit_2020(2017, "83765NED")
    echt = Snapshot(SNAP)
    data = echt.parquet(f"cbs/{KWB_2020}/TypedDataSet.parquet")
    info = echt.json(f"cbs/{KWB_2020}/TableInfos.json")
    assert_frame_equal(t.sets["TypedDataSet"], data)  # keys were already padded codes
    assert_frame_equal(
        strip_opvulling(t.sets["WijkenEnBuurten"]),
        strip_opvulling(echt.parquet(f"cbs/{KWB_2020}/WijkenEnBuurten.parquet")),
    )
    assert t.tabel_id == t.info["Identifier"] == "83765NED"
    assert t.info["Title"].startswith("TESTDATA: echte KWB 2020-rijen als 2017")
    assert t.info["ShortDescription"].startswith("TESTDATA")
    assert t.info["Period"] == "2017"
    assert t.info["RecordCount"] == data.height
    assert t.info["Modified"] != info["Modified"]
    assert t.info["Modified"][4:] == info["Modified"][4:]
    # Only the TESTDATA note still names the real table; links and selections name the new id.
    assert [k for k, v in t.info.items() if KWB_2020 in str(v)] == ["ShortDescription"]
    # DataProperties: only the WOZ year line follows the table year.
    dp, dp_echt = t.sets["DataProperties"], echt.parquet(f"cbs/{KWB_2020}/DataProperties.parquet")
    anders = (
        dp.with_row_index()
        .join(dp_echt.with_row_index(), on="index")
        .filter(pl.col("Description") != pl.col("Description_right"))
    )
    assert anders["Key"].to_list() == ["GemiddeldeWoningwaarde_35"]
    assert "- 2017: waardepeildatum 1 januari 2016" in anders["Description"][0]
    assert "- 2020: waardepeildatum 1 januari 2019" in anders["Description_right"][0]
    assert_frame_equal(dp.drop("Description"), dp_echt.drop("Description"))


# -- 2. KWB 2024 complete -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def volledig() -> pl.DataFrame:
    return kwb_2024_volledig(2024, KWB_2024).sets["TypedDataSet"]


def test_kwb_2024_volledig_heeft_elke_regio_van_de_indeling(volledig: pl.DataFrame) -> None:
    t = kwb_2024_volledig(2024, KWB_2024)
    regios = pl.read_parquet(D24 / "WijkenEnBuurten.parquet")
    assert volledig.height == regios.height != ODATA_API_LIMIET
    assert t.info["RecordCount"] == volledig.height
    assert t.info["Title"].startswith("TESTDATA:")
    # One row per region, in the dimension's order, numbered like CBS numbers them.
    assert volledig["Codering_3"].str.strip_chars().to_list() == (
        regios["Key"].str.strip_chars().to_list()
    )
    assert volledig["ID"].to_list() == list(range(volledig.height))
    assert (volledig["WijkenEnBuurten"] == volledig["Codering_3"]).all()
    soorten = _sql(
        "select case left(trim(Key), 2) when 'NL' then 'Land' when 'GM' then 'Gemeente' "
        "when 'WK' then 'Wijk' else 'Buurt' end as soort, count(*)::bigint as n "
        "from regios group by 1 order by 1",
        regios=regios,
    )
    geserveerd = (
        volledig.group_by(pl.col("SoortRegio_2").str.strip_chars().alias("soort"))
        .agg(pl.len().cast(pl.Int64).alias("n"))
        .sort("soort")
    )
    assert_frame_equal(geserveerd, soorten)


def test_kwb_2024_volledig_eerste_rijen_ongewijzigd(volledig: pl.DataFrame) -> None:
    afgekapt = pl.read_parquet(D24 / "TypedDataSet.parquet")
    assert afgekapt.height == ODATA_API_LIMIET
    assert_frame_equal(
        volledig.head(ODATA_API_LIMIET).drop("WijkenEnBuurten"),
        afgekapt.drop("WijkenEnBuurten"),
    )


def test_kwb_2024_volledig_aanvulling_uit_de_extracten(volledig: pl.DataFrame) -> None:
    """The added rows carry exactly the extracts' values (joined here by SQL on the files)."""
    verwacht = _sql(
        f"""
        with regio as (
            select row_number() over () - 1 as id, trim(Key) as code, trim(Municipality) as gm
            from '{D24}/WijkenEnBuurten.parquet'),
        afgekapt as (select trim(Codering_3) as code from '{D24}/TypedDataSet.parquet'),
        gw as (select * from '{D24}/extract_gemeenten_wijken_2024.parquet'),
        bu as (select nhood_id, population from '{D24}/extract_bevolking_buurt_2024.parquet')
        select r.code, naam.Title as gemeentenaam,
               coalesce(gw.AantalInwoners_5, bu.population) as inwoners,
               gw.Woningvoorraad_35 as woningvoorraad, gw.OppervlakteLand_123 as land
        from regio r
        left join '{D24}/WijkenEnBuurten.parquet' naam on trim(naam.Key) = r.gm
        left join gw on gw.code = r.code
        left join bu on bu.nhood_id = r.code
        where r.code not in (select code from afgekapt)
        order by r.id
        """
    )
    extra = volledig.slice(ODATA_API_LIMIET)
    assert extra.height == verwacht.height > 8_000
    assert extra["Codering_3"].str.strip_chars().to_list() == verwacht["code"].to_list()
    assert extra["Gemeentenaam_1"].str.strip_chars().to_list() == verwacht["gemeentenaam"].to_list()
    assert extra["AantalInwoners_5"].to_list() == verwacht["inwoners"].to_list()
    assert extra["Woningvoorraad_35"].to_list() == verwacht["woningvoorraad"].to_list()
    assert extra["OppervlakteLand_123"].to_list() == verwacht["land"].to_list()
    assert extra["AantalInwoners_5"].null_count() == 0
    # Topics the extracts do not have stay empty: missing is never zero.
    gw_topics = set(pl.read_parquet(D24 / "extract_gemeenten_wijken_2024.parquet").columns)
    for k in ("k_0Tot15Jaar_8", "GemiddeldInkomenPerInwoner_83", "HuishoudensTotaal_29"):
        assert k not in gw_topics
        assert extra[k].null_count() == extra.height
    # Nederland (a real row) equals the sum over the complete list of gemeenten.
    per_soort = _sql(
        "select trim(SoortRegio_2) s, sum(AantalInwoners_5)::bigint n from t group by 1",
        t=volledig,
    )
    n = dict(per_soort.iter_rows())
    assert n["Gemeente"] == n["Land"] == volledig["AantalInwoners_5"][0]


# -- 3. the August 2024 release: topics matched by stem and group -------------------------------


def test_koppeling_tellingen(
    koppeling: Koppeling, dp_maart: pl.DataFrame, dp_augustus: pl.DataFrame
) -> None:
    n_maart = dp_maart.filter(pl.col("Type") == "Topic").height
    n_aug = dp_augustus.filter(pl.col("Type") == "Topic").height
    assert (n_maart, n_aug) == (128, 118)  # the two releases as CBS published them
    assert len(koppeling.paren) + len(koppeling.vervallen) == n_maart
    assert len(koppeling.paren) + len(koppeling.nieuw) == n_aug
    assert len({p.maart for p in koppeling.paren}) == len(koppeling.paren)
    assert len({p.augustus for p in koppeling.paren}) == len(koppeling.paren)
    assert (len(koppeling.paren), len(koppeling.vervallen), len(koppeling.nieuw)) == (110, 18, 8)


def test_koppeling_zelfde_stam_groep_eenheid_en_type(
    koppeling: Koppeling, dp_maart: pl.DataFrame, dp_augustus: pl.DataFrame
) -> None:
    meta_m = {r["Key"]: r for r in dp_maart.iter_rows(named=True)}
    meta_a = {r["Key"]: r for r in dp_augustus.iter_rows(named=True)}
    herhaald_m = {s for s, n in Counter(stam(k) for k in groepspaden(dp_maart)).items() if n > 1}
    hernoemd = set()
    for p in koppeling.paren:
        assert stam(p.maart) == stam(p.augustus)
        m, a = meta_m[p.maart], meta_a[p.augustus]
        # Independent of the matching: the same topic has the same unit, type and decimals.
        assert (m["Unit"], m["Datatype"], m["Decimals"]) == (
            a["Unit"],
            a["Datatype"],
            a["Decimals"],
        )
        assert m["Title"].strip().lower() == a["Title"].strip().lower()
        if stam(p.maart) in herhaald_m:
            assert p.groep_maart == p.groep_augustus  # a repeated stem only by its group
        if p.groep_maart != p.groep_augustus:
            # Only the renamed top-level group differs; the parent group title below it is equal.
            assert p.groep_maart[1:] == p.groep_augustus[1:]
            hernoemd.add((p.groep_maart[0], p.groep_augustus[0]))
    assert hernoemd == {("Wonen en vastgoed", "Wonen")}


def test_koppeling_herhaalde_stammen_naar_de_juiste_groep(koppeling: Koppeling) -> None:
    paren = {p.maart: p for p in koppeling.paren}
    appartement = sorted(
        (p for p in koppeling.paren if stam(p.maart) == "Appartement"),
        key=lambda p: p.maart,
    )
    assert [(p.maart, p.augustus) for p in appartement] == [
        ("Appartement_54", "Appartement_49"),  # electricity
        ("Appartement_62", "Appartement_57"),  # gas
    ]
    assert "elektriciteit" in " ".join(appartement[0].groep_augustus).lower()
    assert "aardgas" in " ".join(appartement[1].groep_augustus).lower()
    for herhaald in ("Huurwoning", "EigenWoning", "Nederland", "BuitenEuropa"):
        eigen = [p for p in koppeling.paren if stam(p.maart) == herhaald]
        assert len(eigen) >= 2
        assert all(p.groep_maart == p.groep_augustus for p in eigen)
    # The renumbered topics named in the snapshot's own notes.
    assert paren["GemiddeldInkomenPerInwoner_83"].augustus == "GemiddeldInkomenPerInwoner_73"
    assert paren["GemiddeldeWOZWaardeVanWoningen_39"].augustus == (
        "GemiddeldeWOZWaardeVanWoningen_36"
    )
    assert paren["OppervlakteLand_123"].augustus == "OppervlakteLand_113"
    assert {"BasisonderwijsVmboMbo1_75", "OnbewoondeWoningen_46"} <= set(koppeling.vervallen)
    assert {"OpleidingsniveauLaag_65", "PercentageOnbewoond_40", "BouwjaarVanaf2000_47"} <= set(
        koppeling.nieuw
    )


def test_koppeling_gelijk_aan_sql(
    koppeling: Koppeling, dp_maart: pl.DataFrame, dp_augustus: pl.DataFrame
) -> None:
    """The same matching computed in DuckDB: group paths by a recursive CTE, then stem + path,
    then stems that occur once in each release."""
    con = duckdb.connect()
    for naam, dp in (("m", dp_maart), ("a", dp_augustus)):
        con.register(f"dp_{naam}", dp)
        con.sql(
            f"""
            create table t_{naam} as
            with recursive pad(id, ouder, tekst) as (
                select ID, ParentID, '' from dp_{naam} where Type = 'Topic'
                union all
                select pad.id, d.ParentID, trim(d.Title) || '>' || pad.tekst
                from pad join dp_{naam} d on d.ID = pad.ouder
            )
            select d.Key as sleutel, regexp_replace(d.Key, '_[0-9]+$', '') as stam, p.tekst
            from dp_{naam} d join pad p on p.id = d.ID and p.ouder is null
            """
        )
    exact = con.sql(
        "select m.sleutel, a.sleutel from t_m m join t_a a using (stam, tekst)"
    ).fetchall()
    enkel = con.sql(
        """
        select m.sleutel, a.sleutel from t_m m join t_a a using (stam)
        where (select count(*) from t_m x where x.stam = m.stam) = 1
          and (select count(*) from t_a x where x.stam = a.stam) = 1
          and m.tekst <> a.tekst
        """
    ).fetchall()
    assert sorted(exact + enkel) == sorted((p.maart, p.augustus) for p in koppeling.paren)
    assert len(enkel) == sum(p.groep_maart != p.groep_augustus for p in koppeling.paren) > 0


def test_release_augustus_data_onder_de_augustus_sleutels(
    koppeling: Koppeling, dp_augustus: pl.DataFrame, volledig: pl.DataFrame
) -> None:
    t = kwb_2024_release_augustus()
    data = t.sets["TypedDataSet"]
    assert t.info["Modified"].startswith("2024-08-16")
    assert t.info["Title"].startswith("TESTDATA:")
    assert t.info["RecordCount"] == data.height == volledig.height
    assert_frame_equal(t.sets["DataProperties"], dp_augustus)
    topics = dp_augustus.filter(pl.col("Type") == "Topic")["Key"].to_list()
    assert data.columns == ["ID", "WijkenEnBuurten", *topics]
    for p in koppeling.paren:
        assert_series_equal(
            data[p.augustus], volledig[p.maart].alias(p.augustus), check_dtypes=False
        )
    for k in koppeling.nieuw:
        assert data[k].null_count() == data.height
    assert data["GemiddeldeWOZWaardeVanWoningen_36"].null_count() < data.height


# -- over HTTP, fetched by the real online client --------------------------------------------------


def _lege_snapshot(doel: Path) -> Snapshot:
    doel.mkdir()
    shutil.copyfile(SNAP / "manifest.json", doel / "manifest.json")
    return Snapshot(doel)


@pytest.mark.parametrize(
    ("jaar", "tabel_id", "maak"),
    [
        (2017, "83765NED", kwb_uit_2020),
        (2026, "99999NED", kwb_2024_volledig),
        (2024, KWB_2024, kwb_2024_release_augustus),
    ],
)
def test_client_haalt_de_testtabel_op(
    jaar: int, tabel_id: str, maak: Callable[[int, str], _Tabel], tmp_path: Path
) -> None:
    tabel = maak(jaar, tabel_id)
    snap = _lege_snapshot(tmp_path / "snapshot")
    with ReplayServer(Snapshot(SNAP), []) as srv:
        srv.tabellen[tabel_id] = tabel
        catalogus = requests.get(srv.url("/opendata.cbs.nl/ODataCatalog/Tables"), timeout=10)
        res = ververs_tabel(
            tabel_id,
            snap,
            catalogus="opendata.cbs.nl",
            basis_url=srv.basis_url,
            forceer=True,
            timeout_s=20.0,
            pogingen=2,
            wacht_s=0.01,
        )
    rij = catalogus.json()["value"][0]
    assert rij["Identifier"] == tabel_id
    assert rij["RecordCount"] == tabel.info["RecordCount"]
    assert res.status == "bijgewerkt"
    assert res.rijen == tabel.info["RecordCount"]
    opgehaald = Snapshot(snap.map)
    info = opgehaald.json(f"cbs/{tabel_id}/TableInfos.json")
    assert info["Title"].startswith("TESTDATA:")
    assert info["Period"] == str(jaar)
    data = strip_opvulling(opgehaald.parquet(f"cbs/{tabel_id}/TypedDataSet.parquet"))
    verwacht = strip_opvulling(tabel.sets["TypedDataSet"])
    assert data.columns == verwacht.columns
    assert_frame_equal(data, verwacht, check_dtypes=False)
    # Nederland equals the sum over the gemeenten the server sent.
    som = _sql(
        "select sum(AantalInwoners_5) filter (where SoortRegio_2 = 'Gemeente')::bigint, "
        "max(AantalInwoners_5) filter (where Codering_3 = 'NL00')::bigint from d",
        d=data,
    ).row(0)
    assert som[0] == som[1]
