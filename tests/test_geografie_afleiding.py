"""Deriving a new indeling from the previous one (geografie.afleiding), the register's overrides,
the population check for every indeling year, and the vocabulary module (geografie.gebieden).

Real data: the 2020 regions (84799NED WijkenEnBuurten) and the 2024 regions
(bron.misdrijven_regio_2024, 47018NED) with the curated register; every figure is recomputed in
DuckDB SQL. Synthetic rule cases: tests/fixtures/afleiding (invented, marked so).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
import yaml

from nplv_monitor.bronnen.cbs import strip_opvulling
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.errors import RegisterFout
from nplv_monitor.geografie import afleiding, gebieden, register, vergelijking
from nplv_monitor.geografie import bevolkingscontrole as controle
from nplv_monitor.geografie.gebieden import REGISTER_PAD

FIXTURE = Path(__file__).parent / "fixtures" / "afleiding" / "testfixture_indelingen.yaml"
PAD = Path("gebieden_test.yaml")


# -- synthetic rule cases (invented fixture) ------------------------------------------------------
def _fixture() -> dict[str, Any]:
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def _regio(rijen: list[list[str]]) -> pl.DataFrame:
    return pl.DataFrame(rijen, schema=["code", "naam", "gemeentecode"], orient="row")


def _synthetisch() -> pl.DataFrame:
    f = _fixture()
    lid = pl.DataFrame(
        [(g, b) for g, bs in f["lidmaatschap_2020"].items() for b in bs],
        schema=["gebied_code", "buurtcode"],
        orient="row",
    )
    return afleiding.leid_af(
        _regio(f["indeling_2020"]), _regio(f["indeling_2024"]), lid, pl.DataFrame(f["gebieden"])
    )


LEEG = pl.DataFrame(schema={"gebied_code": pl.String, "buurtcode": pl.String, "actie": pl.String})


def _besluiten(**per_actie: list[tuple[str, str]]) -> pl.DataFrame:
    rijen = [(g, b, actie) for actie, paren in per_actie.items() for g, b in paren]
    return pl.DataFrame(rijen, schema=LEEG.schema, orient="row") if rijen else LEEG


def _beslis(afl: pl.DataFrame, besluiten: pl.DataFrame, afgeleid: list[str]) -> pl.DataFrame:
    return afleiding.beslis(afl, besluiten, afgeleid, jaar=2024, vorig_jaar=2020, pad=PAD)


def test_elke_regel_op_de_testindeling() -> None:
    afl = _synthetisch()
    uitkomst = {
        r["buurtcode"]: (r["regel"], r["gebied_code"], r["kandidaten"], r["beslist"])
        for r in afl.iter_rows(named=True)
    }
    beide = ["testgebied", "tweede_gebied"]
    assert uitkomst == {
        # a persisting code keeps its area, or stays outside
        "BU99010101": ("code_blijft", "testgebied", [], True),
        "BU99010201": ("code_blijft", None, [], True),
        "BU99010301": ("code_blijft", "testgebied", [], True),
        # a persisting code in another gemeente: undecided
        "BU99010102": ("gemeente_gewijzigd", None, ["testgebied"], False),
        # a new code follows a wijk wholly inside / wholly outside the areas
        "BU99010103": ("wijk_binnen_gebied", "testgebied", [], True),
        "BU99010203": ("wijk_buiten_gebieden", None, [], True),
        # all buurt codes renewed, wijk name kept ("Wijk 05 West" = "West"): the wijk continues
        "BU99010503": ("wijk_binnen_gebied", "testgebied", [], True),
        "BU99010504": ("wijk_binnen_gebied", "testgebied", [], True),
        # undecided: split wijk, reused wijk code, new wijk code
        "BU99010303": ("wijk_verdeeld", None, ["testgebied"], False),
        "BU99010402": ("wijk_hergebruikt", None, beide, False),
        "BU99010601": ("wijk_nieuw", None, beide, False),
        "BU99010602": ("wijk_nieuw", None, beide, False),
        # a new wijk in a gemeente without an area: outside
        "BU99020201": ("geen_gebied_in_gemeente", None, [], True),
    }


def _yaml_blokken(melding: str) -> dict[str, dict[int, dict[str, list[str]]]]:
    """The YAML the message proposes, per area (the part after '# gebied <code>')."""
    blokken = re.split(r"^  # gebied (\S+)\n", melding, flags=re.MULTILINE)
    return {
        code: yaml.safe_load(tekst)
        for code, tekst in zip(blokken[1::2], blokken[2::2], strict=False)
    }


def test_een_melding_noemt_alle_onbesliste_buurten_met_de_yaml() -> None:
    afl = _synthetisch()
    onbeslist = afl.filter(~pl.col("beslist"))
    with pytest.raises(RegisterFout) as fout:
        _beslis(afl, LEEG, ["testgebied", "tweede_gebied"])
    melding = str(fout.value)
    assert f"{onbeslist.height} buurt(en)" in melding
    for r in onbeslist.iter_rows(named=True):
        assert r["buurtcode"] in melding
        assert r["buurtnaam"] in melding
        assert r["gemeentecode"] in melding
        assert r["wijkcode"] in melding
    assert "kandidaten: testgebied, tweede_gebied of buiten" in melding
    blokken = _yaml_blokken(melding)
    # A wijk whose buurten are all undecided is proposed by its wijk code.
    assert blokken["tweede_gebied"] == {
        2024: {"toevoegen": ["WK990104", "WK990106"], "weglaten": []}
    }
    assert blokken["testgebied"][2024]["toevoegen"] == [
        "BU99010102",
        "BU99010303",
        "WK990104",
        "WK990106",
    ]


def test_besluiten_beslissen_en_overschrijven() -> None:
    afl = _synthetisch()
    besluiten = _besluiten(
        toevoegen=[("testgebied", b) for b in ("BU99010102", "BU99010303", "BU99010402")]
        + [("tweede_gebied", b) for b in ("BU99010601", "BU99010602")]
        # a decided buurt can be moved in as well
        + [("testgebied", "BU99010201")],
        # ... or out: BU99010503 was derived into testgebied
        weglaten=[("testgebied", "BU99010503")],
    )
    leden = _beslis(afl, besluiten, ["testgebied", "tweede_gebied"])
    per_gebied = {
        g: sorted(d["buurtcode"]) for (g,), d in leden.group_by("gebied_code", maintain_order=True)
    }
    assert per_gebied == {
        "testgebied": [
            "BU99010101",
            "BU99010102",
            "BU99010103",
            "BU99010201",
            "BU99010301",
            "BU99010303",
            "BU99010402",
            "BU99010504",
        ],
        "tweede_gebied": ["BU99010601", "BU99010602"],
    }


def test_weglaten_moet_bij_elke_kandidaat_staan() -> None:
    afl = _synthetisch().filter(pl.col("buurtcode") == "BU99010601")
    alleen_een = _besluiten(weglaten=[("testgebied", "BU99010601")])
    with pytest.raises(RegisterFout, match="BU99010601"):
        _beslis(afl, alleen_een, ["testgebied", "tweede_gebied"])
    beide = _besluiten(weglaten=[(g, "BU99010601") for g in ("testgebied", "tweede_gebied")])
    assert _beslis(afl, beide, ["testgebied", "tweede_gebied"]).height == 0
    # A candidate whose year is explicit decides through its own list: it does not count here.
    assert _beslis(afl, alleen_een, ["testgebied"]).height == 0


# -- real data: 2020 -> 2024 ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def werk(werkdb_bronnen: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    pad = tmp_path_factory.mktemp("afleiding") / "werk.duckdb"
    shutil.copy(werkdb_bronnen, pad)
    con = duckdb.connect(str(pad))
    # The 2020 region names are read from the snapshot here; the bronnen stage's table
    # bron.kwb_regio_2020 (Key, Title, Municipality, padding stripped) holds the same.
    regio_2020 = strip_opvulling(Snapshot().parquet("cbs/84799NED/WijkenEnBuurten.parquet"))
    con.register("regio_2020", regio_2020.to_arrow())
    con.execute("create table r2020 as select Key, Title, Municipality from regio_2020")
    yield con
    con.close()


# ref.regio_indeling's shape for the two buurt indelingen, built here in SQL so these tests do not
# depend on how the geografie stage reads its inputs: soort, gemeente and wijk follow from the code.
SQL_INDELING = """
select {jaar}::bigint as indelingsjaar, "Key" as regiocode, "Title" as regionaam,
  case substr("Key", 1, 2) when 'NL' then 'land' when 'GM' then 'gemeente' when 'WK' then 'wijk'
    when 'BU' then 'buurt' end as soort,
  case when "Key" like 'NL%' then null else 'GM' || substr("Key", 3, 4) end as gemeentecode,
  case when "Key" like 'BU%' then 'WK' || substr("Key", 3, 6)
    when "Key" like 'WK%' then "Key" end as wijkcode,
  '{tabel}' as bron
from {tabel}
"""
SQL_INWONERS = """
select 2020::bigint as indelingsjaar, "Codering_3" as buurtcode,
  cast("AantalInwoners_5" as bigint) as inwoners
from bron.kwb_2020 where "Codering_3" like 'BU%'
union all
select 2024, "Key", cast(b.inwoners as bigint) from bron.misdrijven_regio_2024
  left join bron.bevolking_buurt_2024 b on b.buurtcode = "Key" where "Key" like 'BU%'
"""


@pytest.fixture(scope="module")
def ind(werk: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return pl.concat(
        [
            werk.sql(SQL_INDELING.format(jaar=2020, tabel="r2020")).pl(),
            werk.sql(SQL_INDELING.format(jaar=2024, tabel="bron.misdrijven_regio_2024")).pl(),
        ]
    )


def _regio_db(con: duckdb.DuckDBPyConnection, tabel: str) -> pl.DataFrame:
    return con.sql(
        f'select "Key" as code, "Title" as naam, "Municipality" as gemeentecode from {tabel}'
    ).pl()


# Independent SQL of the rules (docstring of geografie.afleiding), per area: buurten decided into
# the area, buurten undecided with the area as candidate, and the curated 2024 set compared.
SQL_VERGELIJKING = r"""
with
b20 as (select r."Key" as code, r."Municipality" as gm, 'WK' || substr(r."Key", 3, 6) as wk,
               l.gebied_code
        from r2020 r left join lid2020 l on l.buurtcode = r."Key" where r."Key" like 'BU%'),
b24 as (select "Key" as code, "Municipality" as gm, 'WK' || substr("Key", 3, 6) as wk
        from bron.misdrijven_regio_2024 where "Key" like 'BU%'),
naam20 as (select "Key" as wk, trim(regexp_replace(lower("Title"), '^wijk \d+\s+', '')) as n
           from r2020 where "Key" like 'WK%'),
naam24 as (select "Key" as wk, trim(regexp_replace(lower("Title"), '^wijk \d+\s+', '')) as n
           from bron.misdrijven_regio_2024 where "Key" like 'WK%'),
w20 as (select wk, count(distinct coalesce(gebied_code, '')) as soorten,
               max(gebied_code) as gebied, count(gebied_code) as in_gebied
        from b20 group by wk),
doorlopend as (select distinct b24.wk from b24 join b20 using (code)
               union select naam24.wk from naam24 join naam20 using (wk)
               where naam24.n = naam20.n),
regels as (
  select b24.code, b24.gm, b24.wk,
    case when o.code is not null and o.gm = b24.gm then 'code_blijft'
         when o.code is not null then 'gemeente_gewijzigd'
         when w20.wk is null then 'wijk_nieuw'
         when b24.wk not in (select wk from doorlopend) then 'wijk_hergebruikt'
         when w20.soorten = 1 and w20.in_gebied > 0 then 'wijk_binnen_gebied'
         when w20.soorten = 1 then 'wijk_buiten_gebieden'
         else 'wijk_verdeeld' end as regel,
    case when o.code is not null then o.gebied_code else w20.gebied end as gebied
  from b24 left join b20 o using (code) left join w20 on w20.wk = b24.wk),
kandidaat as (
  select distinct r.code, g.gebied_code from regels r join geb g on g.gemeentecode = r.gm
    where r.regel in ('wijk_nieuw', 'wijk_hergebruikt')
  union
  select distinct r.code, o.gebied_code from regels r join b20 o on o.wk = r.wk
    where r.regel in ('wijk_hergebruikt', 'wijk_verdeeld') and o.gebied_code is not null),
afgeleid as (select gebied as gebied_code, code from regels
             where regel in ('code_blijft', 'wijk_binnen_gebied') and gebied is not null),
inw as (select buurtcode as code, inwoners from bron.bevolking_buurt_2024)
select g.gebied_code,
  (select count(*) from afgeleid a where a.gebied_code = g.gebied_code) as buurten_afgeleid,
  (select count(*) from kandidaat k where k.gebied_code = g.gebied_code) as buurten_onbeslist,
  (select count(*) from lid2024 c where c.gebied_code = g.gebied_code) as buurten_register,
  (select count(*) from lid2024 c join afgeleid a using (gebied_code)
     where c.gebied_code = g.gebied_code and a.code = c.buurtcode) as buurten_gemeenschappelijk,
  (select coalesce(sum(i.inwoners), 0) from lid2024 c join inw i on i.code = c.buurtcode
     where c.gebied_code = g.gebied_code) as inwoners_register,
  (select coalesce(sum(i.inwoners), 0) from lid2024 c join afgeleid a using (gebied_code)
     join inw i on i.code = c.buurtcode
     where c.gebied_code = g.gebied_code and a.code = c.buurtcode) as inwoners_gemeenschappelijk
from geb g order by g.gebied_code
"""

# The register's explicit members of a year, expanded to buurten in SQL (wijk = all its buurten).
SQL_LEDEN = """
select l.gebied_code, r."Key" as buurtcode from leden l join {regio} r
  on (l.niveau = 'wijk' and r."Key" like 'BU%' and 'WK' || substr(r."Key", 3, 6) = l.code)
  or (l.niveau = 'buurt' and r."Key" = l.code)
where l.indelingsjaar = {jaar} and l.rol = 'lid'
"""


@pytest.fixture(scope="module")
def echt(werk: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    reg = register.lees_register()
    werk.register("leden", register.leden_tabel(reg).to_arrow())
    werk.register(
        "geb",
        pl.DataFrame(
            [(g.code, g.gemeentecode) for g in reg.gebieden],
            schema=["gebied_code", "gemeentecode"],
            orient="row",
        ).to_arrow(),
    )
    lid2020 = werk.sql(SQL_LEDEN.format(regio="r2020", jaar=2020)).pl()
    lid2024 = werk.sql(SQL_LEDEN.format(regio="bron.misdrijven_regio_2024", jaar=2024)).pl()
    werk.register("lid2020", lid2020.to_arrow())
    werk.register("lid2024", lid2024.to_arrow())
    afl = afleiding.leid_af(
        _regio_db(werk, "r2020"),
        _regio_db(werk, "bron.misdrijven_regio_2024"),
        lid2020,
        werk.sql("select * from geb").pl(),
    )
    inwoners = werk.sql("select buurtcode, inwoners from bron.bevolking_buurt_2024").pl()
    return {
        "afleiding": afl,
        "vergelijking": afleiding.vergelijk(afl, lid2024, inwoners),
        "sql": werk.sql(SQL_VERGELIJKING).pl(),
    }


def test_afleiding_2020_2024_gelijk_aan_onafhankelijke_sql(echt: dict[str, pl.DataFrame]) -> None:
    ons = echt["vergelijking"].drop("buurten_alleen_afgeleid", "buurten_alleen_register")
    sql = echt["sql"].with_columns(pl.all().exclude("gebied_code").cast(pl.Int64))
    assert ons.columns == sql.columns
    assert ons.sort("gebied_code").equals(sql.sort("gebied_code"))
    # Every area of the register is in the comparison.
    assert ons.height == gebieden.aantal_focusgebieden()


def test_amsterdam_is_eerlijk_onbeslist(
    echt: dict[str, pl.DataFrame], werk: duckdb.DuckDBPyConnection
) -> None:
    # Amsterdam renumbered all its wijken in 2022: nothing can be carried over by code.
    ((n_amsterdam,),) = werk.sql(
        "select count(*) from bron.misdrijven_regio_2024 where \"Key\" like 'BU0363%'"
    ).fetchall()
    v = echt["vergelijking"].filter(pl.col("gebied_code").str.starts_with("amsterdam_"))
    assert v.height == 2
    assert v["buurten_afgeleid"].to_list() == [0, 0]
    assert v["buurten_onbeslist"].to_list() == [n_amsterdam] * 2


def test_afleiding_zonder_expliciet_2024_geeft_een_melding(
    echt: dict[str, pl.DataFrame], ind: pl.DataFrame, tmp_path: Path
) -> None:
    """With no area listing 2024, resolving the register derives every area and stops with one
    message naming every undecided buurt of the real data."""
    ruw = yaml.safe_load(REGISTER_PAD.read_text(encoding="utf-8"))
    for g in ruw["gebieden"]:
        del g["indelingen"][2024]
    pad = tmp_path / "gebieden.yaml"
    pad.write_text(yaml.safe_dump(ruw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RegisterFout) as fout:
        register.los_op(register.lees_register(pad), ind)
    melding = str(fout.value)
    onbeslist = echt["afleiding"].filter(~pl.col("beslist"), pl.col("kandidaten").list.len() > 0)
    assert f"maar {onbeslist.height} buurt(en)" in melding
    assert all(code in melding for code in onbeslist["buurtcode"])
    assert str(pad) in melding


# -- the register: an explicit entry settles undecided buurten (real data) ------------------------
def test_een_yaml_regel_beslist_de_onbesliste_buurten(ind: pl.DataFrame, tmp_path: Path) -> None:
    """Schiedam and Groningen without their curated 2024 list: the derivation stops at the
    buurten it cannot decide; one `weglaten` entry per area settles them, and the derived area
    then equals the curated one."""
    gecureerd = register.los_op(register.lees_register(), ind).filter(
        pl.col("indelingsjaar") == 2024
    )
    ruw = yaml.safe_load(REGISTER_PAD.read_text(encoding="utf-8"))
    per_code = {g["code"]: g for g in ruw["gebieden"]}
    afgeleid = ("schiedam_nieuwland_oost", "groningen_noord")
    for code in afgeleid:
        del per_code[code]["indelingen"][2024]
    pad = tmp_path / "gebieden.yaml"
    pad.write_text(yaml.safe_dump(ruw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RegisterFout) as fout:
        register.los_op(register.lees_register(pad), ind)
    blokken = _yaml_blokken(str(fout.value))
    assert sorted(blokken) == sorted(afgeleid)

    # Settle: none of the proposed codes belongs to the area (the curator's decision, here taken
    # from the curated 2024 list): move them all from toevoegen to weglaten.
    for code, blok in blokken.items():
        voorstel = blok[2024]["toevoegen"]
        in_gecureerd = gecureerd.filter(pl.col("gebied_code") == code)["buurtcode"]
        assert not any(c in set(in_gecureerd) for c in voorstel)
        per_code[code]["indelingen"][2024] = {"weglaten": voorstel}
    pad.write_text(yaml.safe_dump(ruw, allow_unicode=True), encoding="utf-8")
    opgelost = register.los_op(register.lees_register(pad), ind).filter(
        pl.col("indelingsjaar") == 2024
    )
    assert opgelost.sort("gebied_code", "buurtcode").equals(gecureerd)


def test_override_met_codes_buiten_de_indeling_of_gemeente(
    ind: pl.DataFrame, tmp_path: Path
) -> None:
    ruw = yaml.safe_load(REGISTER_PAD.read_text(encoding="utf-8"))
    per_code = {g["code"]: g for g in ruw["gebieden"]}
    per_code["delft_west"]["indelingen"][2024] = {"toevoegen": ["BU05990000"]}
    pad = tmp_path / "gebieden.yaml"
    pad.write_text(yaml.safe_dump(ruw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RegisterFout, match=r"delft_west, indeling 2024 \(toevoegen\).*BU05990000"):
        register.los_op(register.lees_register(pad), ind)
    # Mixing an explicit list with overrides in one year is refused when reading.
    per_code["delft_west"]["indelingen"][2024] = {"wijken": ["WK050301"], "weglaten": []}
    pad.write_text(yaml.safe_dump(ruw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RegisterFout, match="niet beide"):
        register.lees_register(pad)


# -- population check for every indeling year ------------------------------------------------------
def _gepubliceerd(werk: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return werk.sql(
        "select gebied, gemeentecode, inwoners_2025_x1000 * 1000 as inwoners_2025 "
        "from bron.nplv_gebieden"
    ).pl()


def test_bevolkingscontrole_voor_elk_indelingsjaar(
    werk: duckdb.DuckDBPyConnection, ind: pl.DataFrame
) -> None:
    """A register year without a population source still gets its rows, saying so."""
    reg = register.lees_register()
    geb = vergelijking.gebieden(reg, ind, _gepubliceerd(werk))
    gb = vergelijking.gebied_buurten(register.los_op(reg, ind), geb, ind)
    inwoners = werk.sql(SQL_INWONERS).pl()
    # An invented third indeling year with the 2024 buurten but no population source.
    gb3 = pl.concat(
        [
            gb,
            gb.filter(pl.col("indelingsjaar") == 2024).with_columns(
                indelingsjaar=pl.lit(2026, pl.Int64)
            ),
        ]
    )
    df = controle.bevolkingscontrole(gb3, geb, inwoners)
    n_focus = len(reg.gebieden) + 1  # plus alle_focusgebieden
    assert df.group_by("indelingsjaar").len().sort("indelingsjaar").rows() == [
        (2020, n_focus),
        (2024, n_focus),
        (2026, n_focus),
    ]
    zonder = df.filter(pl.col("indelingsjaar") == 2026)
    assert zonder["inwoners"].null_count() == n_focus
    assert zonder["verschil_pct"].null_count() == n_focus
    assert (zonder["vlag"] == "geen_inwoners").all()
    assert (zonder["buurten_zonder_inwonertal"] == zonder["buurten"]).all()
    # The years with a source are unchanged by the extra year.
    assert df.filter(pl.col("indelingsjaar") != 2026).equals(
        controle.bevolkingscontrole(gb, geb, inwoners)
    )


# -- the vocabulary ---------------------------------------------------------------------------------
def test_register_wordt_niet_bij_import_gelezen() -> None:
    code = (
        "import nplv_monitor.geografie.gebieden as g, nplv_monitor.realisatie.indicatoren, "
        "nplv_monitor.geografie.commando, nplv_monitor.rapportage.html;"
        "assert g.register.cache_info().currsize == 0, 'register gelezen bij import';"
        "n = g.aantal_focusgebieden(); assert g.register.cache_info().currsize == 1;"
        "print(n)"
    )
    uit = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    ruw = yaml.safe_load(REGISTER_PAD.read_text(encoding="utf-8"))
    assert int(uit) == len(ruw["gebieden"])


def test_aantal_volgt_uit_het_register(
    werk: duckdb.DuckDBPyConnection, ind: pl.DataFrame, tmp_path: Path
) -> None:
    ruw = yaml.safe_load(REGISTER_PAD.read_text(encoding="utf-8"))
    ruw["gebieden"] = [g for g in ruw["gebieden"] if g["code"] != "delft_west"]
    pad = tmp_path / "gebieden.yaml"
    pad.write_text(yaml.safe_dump(ruw, allow_unicode=True), encoding="utf-8")
    reg = register.lees_register(pad)
    geb = vergelijking.gebieden(reg, ind, _gepubliceerd(werk))
    alle = geb.filter(pl.col("gebied_code") == gebieden.ALLE_FOCUSGEBIEDEN).row(0, named=True)
    assert alle["toelichting"].startswith(f"De {len(ruw['gebieden'])} focusgebieden samen")
    assert geb.filter(pl.col("soort") == gebieden.FOCUSGEBIED).height == len(ruw["gebieden"])
    assert gebieden.code_van("Alle focusgebieden ") == gebieden.ALLE_FOCUSGEBIEDEN
    assert gebieden.code_van("Nederland") == gebieden.NEDERLAND
    assert gebieden.code_van("Heerlen-Noord") == "heerlen_noord"
    assert gebieden.code_van("Atlantis") is None
