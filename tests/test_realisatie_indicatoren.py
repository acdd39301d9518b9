"""Published scheme figures, per-area exports and the gebiedsrealisatie indicators.

Source data comes from a work DB (a copy of the session fixture ``werkdb_bronnen``) into which the
``realisatie/regelingen_cijfers`` asset is materialized, as in the pipeline; the expected values
are read from ``bron.nplv_realisatie`` with SQL.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import dagster as dg
import duckdb
import polars as pl
import pytest

from nplv_monitor import validatie
from nplv_monitor.cli import main
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR
from nplv_monitor.db import WerkDatabase
from nplv_monitor.errors import TabelOntbreekt
from nplv_monitor.indicatoren.catalogus import laad_catalogus
from nplv_monitor.realisatie import assets, indicatoren, intake, regelingen
from nplv_monitor.realisatie.meldingen import RegelingFout

GEEN_EXPORTS = pl.DataFrame(schema=regelingen.GEBIED_SCHEMA)
GEEN_RETOUREN = pl.DataFrame(schema=intake.ANTWOORD_SCHEMA)


@pytest.fixture(scope="module")
def werkdb(werkdb_bronnen: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bronnen work DB with realisatie.regelingen_cijfers materialized into it."""
    pad = tmp_path_factory.mktemp("realisatie") / "werk.duckdb"
    shutil.copyfile(werkdb_bronnen, pad)
    resultaat = dg.materialize(
        [assets.regelingen_cijfers], resources={"werkdb": WerkDatabase(pad=str(pad))}
    )
    assert resultaat.success
    return pad


def _sql(pad: Path, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(pad), read_only=True) as con:
        return con.sql(sql).pl()


@pytest.fixture(scope="module")
def bronrijen(werkdb: Path) -> list[dict[str, Any]]:
    """The rows of bron.nplv_realisatie, in the order the bronnen stage wrote them."""
    return _sql(werkdb, "select * from bron.nplv_realisatie order by rowid").to_dicts()


def _bronrij(rijen: list[dict[str, Any]], gebied: str, kenmerk: str) -> dict[str, Any]:
    (rij,) = [r for r in rijen if r["gebied"] == gebied and r["kenmerk"] == kenmerk]
    return rij


@pytest.fixture(scope="module")
def cijfers(werkdb: Path) -> pl.DataFrame:
    return _sql(werkdb, "select * from realisatie.regelingen_cijfers").cast(
        regelingen.CIJFERS_SCHEMA  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def waarden(cijfers: pl.DataFrame) -> pl.DataFrame:
    return indicatoren.bereken(cijfers, GEEN_EXPORTS, GEEN_RETOUREN)


def _een(
    df: pl.DataFrame, indicator: str, gebied: str, peiljaar: int | None = None
) -> dict[str, object]:
    sel = df.filter((pl.col("indicator_code") == indicator) & (pl.col("gebied_code") == gebied))
    if peiljaar is not None:
        sel = sel.filter(pl.col("peiljaar") == peiljaar)
    assert sel.height == 1, sel
    return sel.row(0, named=True)


def test_gepubliceerde_cijfers_laden_volledig(
    cijfers: pl.DataFrame, bronrijen: list[dict[str, Any]]
) -> None:
    rijen = bronrijen
    assert cijfers.height == len(rijen)
    validatie.valideer(cijfers, "realisatie.regelingen_cijfers")
    bereik = cijfers.filter(pl.col("bandbreedte"))
    assert bereik.select("waarde_min", "waarde_max").rows() == [
        (float(r["waarde_min"]), float(r["waarde_max"]))
        for r in rijen
        if r["waarde_min"] != r["waarde_max"]
    ]
    assert set(cijfers["kamerstuk"]) == {f"Kamerstuk 30 995 nr. {n}" for n in (104, 106, 107)}
    assert "ruim" in cijfers["woordkeuze"].to_list()
    assert "ongeveer" in cijfers["woordkeuze"].to_list()


def test_herkomst_is_de_regel_en_hash_van_het_csv_bestand(cijfers: pl.DataFrame) -> None:
    # Independent of the bronnen reader: the shipped CSV itself, read with the csv module.
    pad = DEFAULT_SNAPSHOT_DIR / regelingen.GEPUBLICEERD_CSV
    with pad.open(encoding="utf-8", newline="") as f:
        regels = list(csv.DictReader(f))
    assert sorted(cijfers["bron_rij"]) == list(range(2, len(regels) + 2))
    for r in cijfers.iter_rows(named=True):
        regel = regels[r["bron_rij"] - 2]  # line 1 is the header
        assert (regel["gebied"], regel["kenmerk"], regel["bron"]) == (
            r["gebied_naam"],
            r["kenmerk"],
            r["bron"],
        ), r["bron_rij"]
        assert (float(regel["waarde_min"]), float(regel["waarde_max"])) == (
            r["waarde_min"],
            r["waarde_max"],
        )
    assert set(cijfers["bron_sha256"]) == {hashlib.sha256(pad.read_bytes()).hexdigest()}


def test_zonder_brontabel_een_fout_die_zegt_wat_eerst_moet(tmp_path: Path) -> None:
    pad = tmp_path / "werk.duckdb"
    duckdb.connect(str(pad)).close()  # a work DB in which the bronnen stage has not run
    with pytest.raises(TabelOntbreekt) as exc:
        # Direct invocation returns the asset's generator (typed as object by Dagster).
        list(cast(Iterator[object], assets.regelingen_cijfers(werkdb=WerkDatabase(pad=str(pad)))))
    melding = str(exc.value)
    assert str(pad) in melding
    assert "bron.nplv_realisatie" in melding
    assert "nplv-monitor build" in melding
    assert "bron/nplv_realisatie" in melding


def test_heerlen_noord_vhf_toekenningsgraad_derde_tranche(
    waarden: pl.DataFrame, bronrijen: list[dict[str, Any]]
) -> None:
    aangevraagd = float(
        _bronrij(
            bronrijen, "Heerlen-Noord", "woningen aangevraagd voor herstructurering (derde tranche)"
        )["waarde_min"]
    )
    toegekend = float(
        _bronrij(
            bronrijen, "Heerlen-Noord", "woningen toegekend voor herstructurering (derde tranche)"
        )["waarde_min"]
    )
    assert (toegekend, aangevraagd) == (645, 1122)  # the published figures themselves
    rij = _een(waarden, "gr_vhf_toekenningsgraad", "heerlen_noord")
    assert rij["teller"] == toegekend
    assert rij["noemer"] == aangevraagd
    assert rij["waarde"] == pytest.approx(100 * toegekend / aangevraagd)
    assert rij["status"] == "ok"
    assert rij["gebied_soort"] == "focusgebied"
    assert rij["bron_tabel"] == "Kamerstuk 30 995 nr. 106"
    assert "30-09-2025" in str(rij["bron_vermelding"])


def test_bandbreedte_en_woordkeuze_blijven_bewaard(
    waarden: pl.DataFrame, bronrijen: list[dict[str, Any]]
) -> None:
    bron = _bronrij(
        bronrijen, "alle focusgebieden", "huishoudens geholpen met energiebesparende voorzieningen"
    )
    rij = _een(waarden, "gr_huishoudens_energiebesparing", "alle_focusgebieden", 2024)
    assert rij["waarde"] is None
    assert rij["status"] == "ok"
    assert (rij["waarde_min"], rij["waarde_max"]) == (
        float(bron["waarde_min"]),
        float(bron["waarde_max"]),
    )
    assert "bandbreedte" in str(rij["toelichting"])
    gestart = _een(waarden, "gr_wbi_sbi_gestart_aandeel", "alle_focusgebieden")
    g = float(
        _bronrij(bronrijen, "alle focusgebieden", "woningen waarvan de bouw is gestart")[
            "waarde_min"
        ]
    )
    p = float(_bronrij(bronrijen, "alle focusgebieden", "geplande woningen")["waarde_min"])
    assert gestart["waarde"] == pytest.approx(100 * g / p)
    assert "'ongeveer'" in str(gestart["toelichting"])
    assert "'circa'" in str(gestart["toelichting"])
    vve = _een(waarden, "gr_vve_deelname", "alle_focusgebieden")
    assert vve["waarde"] == float(
        _bronrij(
            bronrijen, "alle focusgebieden", "deelname van de doelgroep aan voorschoolse educatie"
        )["waarde_min"]
    )
    assert "'ongeveer'" in str(vve["toelichting"])


def test_elke_waarde_heeft_een_bron_en_voldoet_aan_het_contract(waarden: pl.DataFrame) -> None:
    validatie.valideer(waarden, "monitor.indicatorwaarden")
    assert set(waarden["familie"]) == {"gebiedsrealisatie"}
    gepubliceerd = waarden.filter(pl.col("bron_tabel").str.starts_with("Kamerstuk"))
    assert gepubliceerd.filter(pl.col("bron_vermelding").is_null()).height == 0
    assert {"alle_focusgebieden", "heerlen_noord", "NL00"} <= set(gepubliceerd["gebied_code"])
    # Return-fed indicators without any return: explicit 'ontbreekt', never a silent zero.
    leeg = _een(waarden, "gr_opstapbanen", "alle_focusgebieden", 2025)
    assert leeg["status"] == "ontbreekt"
    assert leeg["aantal_gebieden"] == 0
    assert leeg["waarde"] is None


def test_woontop_doel_telt_versneld_en_extra_op(
    waarden: pl.DataFrame, bronrijen: list[dict[str, Any]]
) -> None:
    versneld = float(
        _bronrij(bronrijen, "alle focusgebieden", "woningen versneld te bouwen 2025-2029")[
            "waarde_min"
        ]
    )
    extra = float(
        _bronrij(bronrijen, "alle focusgebieden", "woningen extra te bouwen 2025-2029")[
            "waarde_min"
        ]
    )
    assert _een(waarden, "gr_woontop_doel", "alle_focusgebieden")["waarde"] == versneld + extra
    voortgang = _een(waarden, "gr_woontop_voortgang", "alle_focusgebieden")
    assert voortgang["status"] == "ontbreekt"
    assert voortgang["noemer"] == versneld + extra


def test_catalogus_bevat_de_familie() -> None:
    codes = {i.code for i in laad_catalogus().van_familie("gebiedsrealisatie")}
    assert {
        "gr_vhf_toekenningsgraad",
        "gr_wbi_sbi_gestart_aandeel",
        "gr_vve_bereik",
        "gr_opstapbanen",
    } <= codes


# -- per-area exports -----------------------------------------------------------------------------
KOP = "gebied_code;jaar;regeling;kenmerk;waarde;eenheid;peildatum;bron"


def _export(pad: Path, *regels: str) -> Path:
    pad.write_text("\n".join([KOP, *regels]) + "\n", encoding="utf-8")
    return pad


def test_export_per_gebied_voedt_de_indicatoren(tmp_path: Path, cijfers: pl.DataFrame) -> None:
    # Invented test figures (fixture), not data.
    pad = _export(
        tmp_path / "vhf.csv",
        "delft_west;2025;vhf;aangevraagd;200;woningen;2025-06-30;testfixture",
        "delft_west;2025;vhf;toegekend;150;woningen;2025-06-30;testfixture",
        "delft_west;2025;vhf;gestart;30;woningen;2025-06-30;testfixture",
        "arnhem_oost;2025;wbi;gestart;10;woningen;2025-06-30;testfixture",
        "arnhem_oost;2025;sbi;gestart;5;woningen;2025-06-30;testfixture",
    )
    exp = regelingen.lees_gebiedsexport(pad)
    validatie.valideer(exp, "realisatie.regelingen_gebied")
    w = indicatoren.bereken(cijfers, exp, GEEN_RETOUREN)
    assert _een(w, "gr_vhf_toekenningsgraad", "delft_west")["waarde"] == pytest.approx(75.0)
    assert _een(w, "gr_vhf_gestart_aandeel", "delft_west")["waarde"] == pytest.approx(20.0)
    assert _een(w, "gr_wbi_sbi_gestart", "arnhem_oost")["waarde"] == 15.0
    alle = _een(w, "gr_vhf_toekenningsgraad", "alle_focusgebieden")
    assert (alle["waarde"], alle["aantal_gebieden"], alle["dekking"]) == (
        pytest.approx(75.0),
        1,
        0.05,
    )
    assert "1 van 20 focusgebieden" in str(alle["status_toelichting"])
    # The Kamerstuk figure for all areas wins over the partial sum of exports.
    assert (
        _een(w, "gr_wbi_sbi_gestart", "alle_focusgebieden", 2025)["bron_tabel"]
        == "Kamerstuk 30 995 nr. 107"
    )


@pytest.mark.parametrize(
    ("regel", "tekst"),
    [
        ("atlantis;2025;vhf;toegekend;1;woningen;2025-06-30;x", "onbekend gebied 'atlantis'"),
        (
            "delft_west;2025;vhf;verzonnen;1;woningen;2025-06-30;x",
            "kent het kenmerk 'verzonnen' niet",
        ),
        (
            "delft_west;2025;isolatie;geisoleerd;1;woningen;2025-06-30;x",
            "onbekende regeling 'isolatie'",
        ),
        ("delft_west;2025;vhf;toegekend;-3;woningen;2025-06-30;x", "kan niet negatief zijn"),
        ("delft_west;2025;vhf;toegekend;veel;woningen;2025-06-30;x", "verwacht een getal"),
        (
            "delft_west;2025;vhf;toegekend;1;euro;2025-06-30;x",
            "de eenheid van vhf toegekend is 'woningen'",
        ),
        ("delft_west;2025;vhf;toegekend;1;woningen;30-06-2025;x", "JJJJ-MM-DD"),
        ("delft_west;2025;vhf;toegekend;1;woningen;2025-06-30;", "vul de bron in"),
    ],
)
def test_foute_export_wordt_geweigerd(tmp_path: Path, regel: str, tekst: str) -> None:
    with pytest.raises(RegelingFout) as exc:
        regelingen.lees_gebiedsexport(_export(tmp_path / "fout.csv", regel))
    assert any(tekst in str(m) and m.rij == 2 for m in exc.value.meldingen), exc.value


def test_export_dubbel_en_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    r = "delft_west;2025;vhf;toegekend;1;woningen;2025-06-30;x"
    assert main(["check-regelingen", str(_export(tmp_path / "dubbel.csv", r, r))]) == 2
    assert (
        "dubbel.csv, rij 3, kolom kenmerk: vhf toegekend voor delft_west 2025 staat er twee keer in"
        in capsys.readouterr().err
    )
    assert main(["check-regelingen", str(_export(tmp_path / "goed.csv", r))]) == 0


# -- Dagster ------------------------------------------------------------------------------------
def test_definities_van_de_stage() -> None:
    defs = dg.Definitions(
        assets=[assets.regelingen_cijfers, assets.regelingen_gebied, assets.retouren, assets.procesvragen,
                assets.gebiedsrealisatie_indicatoren],
        resources={"werkdb": WerkDatabase()},
    )  # fmt: skip
    graaf = defs.resolve_asset_graph()
    eigen = graaf.materializable_asset_keys
    groepen = {k.to_user_string(): graaf.get(k).group_name for k in eigen}
    # The published figures come from the bronnen table, declared so lineage shows in the UI.
    assert graaf.get(assets.BRON_REALISATIE_KEY).is_external
    assert graaf.get(dg.AssetKey(["realisatie", "regelingen_cijfers"])).parent_keys == {
        dg.AssetKey(["bron", "nplv_realisatie"])
    }
    assert groepen == {
        "realisatie/regelingen_cijfers": "bronnen",
        "realisatie/regelingen_gebied": "bronnen",
        "realisatie/retouren_antwoorden": "bronnen",
        "realisatie/retouren_historie": "bronnen",
        "realisatie/retouren_afgewezen": "bronnen",
        "realisatie/procesvragen": "indicatoren",
        "gebiedsrealisatie_indicatoren": "indicatoren",
    }
    checks = {k.asset_key.to_user_string() for k in graaf.asset_check_keys}
    assert checks == set(groepen)


def test_bron_sha256_komt_uit_bron_herkomst_van_de_werkdatabase(
    werkdb_bronnen: Path, tmp_path: Path
) -> None:
    # The hash is the one the bronnen asset recorded in the work DB, not a fresh look at the
    # snapshot: a work DB whose bron.herkomst names another hash yields that hash.
    pad = tmp_path / "werk.duckdb"
    shutil.copyfile(werkdb_bronnen, pad)
    ander = "ab" * 32
    with duckdb.connect(str(pad)) as con:
        con.execute(
            "update bron.herkomst set sha256 = ? where bron_tabel = ? and bestand = ?",
            [ander, regelingen.BRONTABEL, regelingen.GEPUBLICEERD_CSV],
        )
    werk = WerkDatabase(pad=str(pad))
    assert dg.materialize([assets.regelingen_cijfers], resources={"werkdb": werk}).success
    assert set(
        _sql(pad, "select bron_sha256 from realisatie.regelingen_cijfers")["bron_sha256"]
    ) == {ander}

    # Without its row in bron.herkomst the asset refuses, naming the table, the file and the fix.
    with duckdb.connect(str(pad)) as con:
        con.execute("delete from bron.herkomst where bron_tabel = ?", [regelingen.BRONTABEL])
    with pytest.raises(TabelOntbreekt) as exc:
        list(cast(Iterator[object], assets.regelingen_cijfers(werkdb=werk)))
    melding = str(exc.value)
    for deel in (str(pad), "bron.herkomst", regelingen.GEPUBLICEERD_CSV, "bron/nplv_realisatie"):
        assert deel in melding
