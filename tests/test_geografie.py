"""Geography on the real snapshot: indeling, register rules, comparison areas, population check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.db import verbind
from nplv_monitor.errors import RegisterFout
from nplv_monitor.geografie import bevolkingscontrole as controle
from nplv_monitor.geografie import gebieden, indeling, invoer, register, vergelijking
from nplv_monitor.geografie.gebieden import REGISTER_PAD


class Geo:
    """Everything computed once from the shipped snapshot and register."""

    def __init__(self, werkdb: Path) -> None:
        with verbind(werkdb, read_only=True) as con:
            self.invoer = invoer.uit_werkdb(con)
        self.indeling = indeling.regio_indeling(self.invoer)
        self.register = register.lees_register()
        self.focus = register.los_op(self.register, self.indeling)
        self.gebieden = vergelijking.gebieden(
            self.register, self.indeling, self.invoer.gepubliceerd
        )
        self.gebied_buurten = vergelijking.gebied_buurten(self.focus, self.gebieden, self.indeling)
        self.inwoners = indeling.buurt_inwoners(self.invoer)
        self.gebied_wijken = vergelijking.gebied_wijken(
            self.gebied_buurten, self.indeling, self.inwoners
        )
        self.controle = controle.bevolkingscontrole(
            self.gebied_buurten, self.gebieden, self.inwoners
        )

    def buurten(self, gebied: str, jaar: int) -> set[str]:
        df = self.gebied_buurten.filter(
            pl.col("gebied_code") == gebied, pl.col("indelingsjaar") == jaar
        )
        return set(df["buurtcode"])

    def inw(self, buurten: set[str], jaar: int) -> int:
        df = self.inwoners.filter(
            pl.col("indelingsjaar") == jaar, pl.col("buurtcode").is_in(list(buurten))
        )
        return int(df["inwoners"].sum())


@pytest.fixture(scope="module")
def geo(werkdb_bronnen: Path) -> Geo:
    return Geo(werkdb_bronnen)


# -- indeling -------------------------------------------------------------------------------------
def test_indeling_heeft_alle_regios_van_de_bronnen(geo: Geo) -> None:
    snap = Snapshot()
    kwb = snap.parquet("cbs/84799NED/TypedDataSet.parquet")  # read independently of the DB
    verwacht_2020 = kwb.group_by(pl.col("SoortRegio_2").str.strip_chars().str.to_lowercase()).len()
    telling = geo.indeling.group_by("indelingsjaar", "soort").len()
    for soort, n in verwacht_2020.iter_rows():
        assert (
            telling.filter(pl.col("indelingsjaar") == 2020, pl.col("soort") == soort)["len"].item()
            == n
        )
    lijst_2024 = snap.parquet("cbs/85984NED/WijkenEnBuurten.parquet")["Key"].str.strip_chars()
    assert geo.indeling.filter(pl.col("indelingsjaar") == 2024).height == lijst_2024.len()
    n_2022 = snap.csv("leefbaarometer/wijkscores_2002-2022.csv", columns=["wk_code"])[
        "wk_code"
    ].n_unique()
    assert geo.indeling.filter(pl.col("indelingsjaar") == 2022).height == n_2022


def test_elke_buurt_ligt_in_een_wijk_van_hetzelfde_jaar(geo: Geo) -> None:
    buurten = geo.indeling.filter(pl.col("soort") == "buurt")
    wijken = geo.indeling.filter(pl.col("soort") == "wijk").select(
        "indelingsjaar", pl.col("regiocode").alias("wijkcode"), pl.col("gemeentecode").alias("gm")
    )
    gekoppeld = buurten.join(wijken, on=["indelingsjaar", "wijkcode"], how="left")
    assert gekoppeld["gm"].null_count() == 0
    assert (gekoppeld["gm"] == gekoppeld["gemeentecode"]).all()


# -- register: resolution and membership rules ----------------------------------------------------
def test_alle_focusgebieden_lossen_op_in_elk_jaar(geo: Geo) -> None:
    assert register.indelingsjaren(geo.register, geo.indeling) == [2020, 2024]
    for jaar in register.indelingsjaren(geo.register, geo.indeling):
        per_gebied = geo.focus.filter(pl.col("indelingsjaar") == jaar)["gebied_code"].unique()
        assert sorted(per_gebied) == sorted(geo.register.codes())


def test_focusgebied_ligt_binnen_eigen_gemeente(geo: Geo) -> None:
    gm = geo.indeling.filter(pl.col("soort") == "buurt").select(
        "indelingsjaar", pl.col("regiocode").alias("buurtcode"), pl.col("gemeentecode").alias("gm")
    )
    eigen = geo.gebieden.filter(pl.col("soort") == "focusgebied").select(
        "gebied_code", "gemeentecode"
    )
    df = geo.focus.join(gm, on=["indelingsjaar", "buurtcode"]).join(eigen, on="gebied_code")
    assert df.height == geo.focus.height
    assert (df["gm"] == df["gemeentecode"]).all()


def _kapot_register(tmp_path: Path, wijzig: Callable[[dict[str, Any]], None]) -> Path:
    """Test fixture: a copy of the real register with one deliberate fault."""
    ruw = yaml.safe_load(REGISTER_PAD.read_text(encoding="utf-8"))
    wijzig({g["code"]: g for g in ruw["gebieden"]})
    pad = tmp_path / "gebieden_kapot.yaml"
    pad.write_text(yaml.safe_dump(ruw, allow_unicode=True), encoding="utf-8")
    return pad


def _los_op(geo: Geo, pad: Path) -> None:
    register.los_op(register.lees_register(pad), geo.indeling)


def test_onbekende_code_noemt_gebied_jaar_en_code(geo: Geo, tmp_path: Path) -> None:
    # A 2024 Amsterdam wijk code does not exist in the 2020 indeling (the city re-coded in 2022).
    code_2024 = geo.register.gebieden[0].indelingen[2024].wijken[0]

    def wijzig(g: dict[str, Any]) -> None:
        g["amsterdam_nieuw_west"]["indelingen"][2020]["wijken"].append(code_2024)

    pad = _kapot_register(tmp_path, wijzig)
    with pytest.raises(RegisterFout) as fout:
        _los_op(geo, pad)
    melding = str(fout.value)
    assert all(d in melding for d in ("amsterdam_nieuw_west", "2020", code_2024, str(pad)))


def test_buurt_in_twee_gebieden_noemt_beide(geo: Geo, tmp_path: Path) -> None:
    buurt = sorted(geo.buurten("amsterdam_zuidoost", 2024))[0]

    def wijzig(g: dict[str, Any]) -> None:
        g["amsterdam_nieuw_west"]["indelingen"][2024]["buurten"] = [buurt]

    with pytest.raises(RegisterFout) as fout:
        _los_op(geo, _kapot_register(tmp_path, wijzig))
    melding = str(fout.value)
    assert all(d in melding for d in ("amsterdam_nieuw_west", "amsterdam_zuidoost", "2024", buurt))


def test_gebied_buiten_eigen_gemeente(geo: Geo, tmp_path: Path) -> None:
    rotterdamse_buurt = sorted(geo.buurten("rotterdam_zuid", 2020))[0]

    def wijzig(g: dict[str, Any]) -> None:
        g["schiedam_nieuwland_oost"]["indelingen"][2020]["buurten"] = [rotterdamse_buurt]

    with pytest.raises(RegisterFout) as fout:
        _los_op(geo, _kapot_register(tmp_path, wijzig))
    melding = str(fout.value)
    assert all(
        d in melding for d in ("schiedam_nieuwland_oost", "2020", rotterdamse_buurt, "GM0599")
    )


def test_ongeldige_gebiedscode_en_ontbrekend_jaar(tmp_path: Path) -> None:
    # The register owns which areas exist, but a code must fit the code scheme of ref.gebieden.
    for fout in ("Delft West", "delft_west_rest", "alle_focusgebieden", "buiten"):

        def andere_code(g: dict[str, Any], code: str = fout) -> None:
            g["delft_west"]["code"] = code

        with pytest.raises(RegisterFout, match="geen geldige gebiedscode"):
            register.lees_register(_kapot_register(tmp_path, andere_code))

    def zonder_2020(g: dict[str, Any]) -> None:
        del g["delft_west"]["indelingen"][2020]

    with pytest.raises(RegisterFout, match=r"delft_west: geen leden voor indeling 2020"):
        register.lees_register(_kapot_register(tmp_path, zonder_2020))


# -- comparison areas -----------------------------------------------------------------------------
def test_gebieden_heeft_elke_soort(geo: Geo) -> None:
    soorten = dict(geo.gebieden.group_by("soort").len().iter_rows())
    n_gemeenten = geo.gebieden.filter(pl.col("soort") == "focusgebied")["gemeentecode"].n_unique()
    assert soorten == {
        "focusgebied": len(geo.register.gebieden),
        "rest_gemeente": len(geo.register.gebieden),
        "gemeente": n_gemeenten,
        "alle_focusgebieden": 1,
        "nederland": 1,
    }
    # Every row of ref.gebieden has buurten in every indeling year of the register.
    for jaar in register.indelingsjaren(geo.register, geo.indeling):
        met_buurten = geo.gebied_buurten.filter(pl.col("indelingsjaar") == jaar)["gebied_code"]
        assert set(met_buurten) == set(geo.gebieden["gebied_code"])


@pytest.mark.parametrize("jaar", [2020, 2024])
def test_gebied_plus_rest_is_gemeente(geo: Geo, jaar: int) -> None:
    for g in geo.register.gebieden:
        gebied = geo.buurten(g.code, jaar)
        rest = geo.buurten(gebieden.rest_code(g.code), jaar)
        gemeente = geo.buurten(g.gemeentecode, jaar)
        assert gebied.isdisjoint(rest)
        assert gebied | rest == gemeente
        assert geo.inw(gebied, jaar) + geo.inw(rest, jaar) == geo.inw(gemeente, jaar)


def test_alle_focusgebieden_en_nederland(geo: Geo) -> None:
    for jaar in register.indelingsjaren(geo.register, geo.indeling):
        alle = geo.buurten(gebieden.ALLE_FOCUSGEBIEDEN, jaar)
        assert alle == set().union(*(geo.buurten(c, jaar) for c in geo.register.codes()))
        nl = geo.buurten(gebieden.NEDERLAND, jaar)
        assert (
            len(nl)
            == geo.indeling.filter(
                pl.col("indelingsjaar") == jaar, pl.col("soort") == "buurt"
            ).height
        )


# -- population check -----------------------------------------------------------------------------
def test_elk_gebied_binnen_10_procent_in_2024(geo: Geo) -> None:
    gepubliceerd = dict(geo.invoer.gepubliceerd.select("gebied", "inwoners_2025").iter_rows())
    for g in geo.register.gebieden:
        inwoners = geo.inw(geo.buurten(g.code, 2024), 2024)
        assert abs(inwoners / gepubliceerd[g.naam] - 1) <= 0.10, g.code
    rij = geo.controle.filter(
        pl.col("indelingsjaar") == 2024, pl.col("gebied_code").is_in(geo.register.codes())
    )
    assert rij.height == len(geo.register.gebieden)
    assert not rij["vlag"].is_in(["buiten_10pct"]).any()


def test_totaal_binnen_3_procent_van_gepubliceerd(geo: Geo) -> None:
    # 1,192 thousand: the sum of the published figures in nplv/gebieden.csv.
    gepubliceerd = int(geo.invoer.gepubliceerd["inwoners_2025"].sum())
    assert gepubliceerd == 1_192_000
    totaal = geo.inw(geo.buurten(gebieden.ALLE_FOCUSGEBIEDEN, 2024), 2024)
    assert abs(totaal / gepubliceerd - 1) <= 0.03
    rij = geo.controle.filter(
        pl.col("gebied_code") == gebieden.ALLE_FOCUSGEBIEDEN, pl.col("indelingsjaar") == 2024
    ).row(0, named=True)
    assert rij["inwoners"] == totaal
    assert rij["vlag"] == "ok"


def test_vlag_volgt_de_drempels(geo: Geo) -> None:
    focus = geo.controle.filter(pl.col("gebied_code").is_in(geo.register.codes()))
    for r in focus.iter_rows(named=True):
        verschil = abs(r["inwoners"] / r["inwoners_gepubliceerd_2025"] - 1) * 100
        verwacht = "ok" if verschil <= 5 else "buiten_5pct" if verschil <= 10 else "buiten_10pct"
        assert r["vlag"] == verwacht, r["gebied_code"]
    # The register declares Nieuwegein's 2020 definition not comparable: flagged, never joined.
    ng = focus.filter(pl.col("gebied_code") == "nieuwegein_centrale_as").sort("indelingsjaar")
    assert ng["definitie_wijkt_af"].to_list() == [True, False]


# -- 2022 wijk crosswalk --------------------------------------------------------------------------
def test_wijkkoppeling_telt_op_tot_het_gebied(geo: Geo) -> None:
    gw = geo.gebied_wijken
    assert gw["aandeel_inwoners"].drop_nulls().is_between(0, 1).all()
    assert (
        gw.filter("volledig")["inwoners_in_gebied"] == gw.filter("volledig")["inwoners_wijk"]
    ).all()
    buurt_wijk = geo.indeling.filter(pl.col("soort") == "buurt").select(
        "indelingsjaar", pl.col("regiocode").alias("buurtcode"), "wijkcode"
    )
    for code in geo.register.codes():
        rijen = gw.filter(pl.col("gebied_code") == code)
        for (jaar,), per_jaar in rijen.group_by("referentie_indeling"):
            buurten = buurt_wijk.filter(
                pl.col("indelingsjaar") == jaar,
                pl.col("wijkcode").is_in(per_jaar["wijkcode"].to_list()),
                pl.col("buurtcode").is_in(list(geo.buurten(code, int(jaar)))),
            )["buurtcode"]
            assert per_jaar["buurten_in_gebied"].sum() == buurten.len(), code
            assert per_jaar["inwoners_in_gebied"].sum() == geo.inw(set(buurten), int(jaar)), code
        if rijen["referentie_indeling"].n_unique() == 1:
            jaar = int(rijen["referentie_indeling"][0])
            assert rijen["buurten_in_gebied"].sum() == len(geo.buurten(code, jaar)), code
    # Amsterdam's wijken in the Leefbaarometer file carry the pre-2022 codes.
    nw = gw.filter(pl.col("gebied_code") == "amsterdam_nieuw_west")
    assert nw["referentie_indeling"].unique().to_list() == [2020]
