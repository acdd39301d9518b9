"""YAML inputs are read through nplv_monitor.yamlbestand.lees_yaml: same content as before for every
shipped file, and a hostile file (alias bomb, deep nesting, oversize, not UTF-8) is refused with a
YamlFout naming it, before anything is expanded."""

from __future__ import annotations

import time
from pathlib import Path

import pandera.polars as pa
import pytest
import yaml

from nplv_monitor import validatie
from nplv_monitor.config import ASSETS_DIR, SCHEMAS_DIR
from nplv_monitor.errors import NplvFout, RegisterFout
from nplv_monitor.geografie.register import lees_register
from nplv_monitor.realisatie import uitvraag
from nplv_monitor.yamlbestand import MAX_BYTES, MAX_DIEPTE, YamlFout, lees_yaml

REPO = ASSETS_DIR.parent
GELEVERD = sorted(
    [*ASSETS_DIR.rglob("*.yaml"), *ASSETS_DIR.rglob("*.yml"), *SCHEMAS_DIR.glob("*.yaml")]
)

# The classic "billion laughs": 9 levels of 10 aliases each = 10^9 strings once walked.
BOM = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} ["
        + ",".join([f"*{chr(ord('a') + i - 1)}"] * 10)
        + "]"
        for i in range(1, 9)
    ]
)


def test_er_zijn_geleverde_yaml_bestanden() -> None:
    namen = {p.relative_to(REPO).as_posix() for p in GELEVERD}
    assert "assets/gebieden.yaml" in namen
    assert "assets/bronnen.yaml" in namen
    assert any(n.startswith("assets/indicatoren/") for n in namen)
    assert any(n.startswith("assets/uitvraag/") for n in namen)
    assert any(n.startswith("assets/regelingen/") for n in namen)
    assert any(n.startswith("schemas/") for n in namen)


@pytest.mark.parametrize("pad", GELEVERD, ids=lambda p: p.relative_to(REPO).as_posix())
def test_geleverd_bestand_laadt_als_voorheen(pad: Path) -> None:
    """Every shipped YAML gives exactly what yaml.safe_load (pure-Python loader, the previous
    reader) gives; a file the previous reader refuses is a YamlFout naming it."""
    try:
        voorheen = yaml.safe_load(pad.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        with pytest.raises(YamlFout, match="geen geldige YAML") as fout:
            lees_yaml(pad)
        assert str(pad) in str(fout.value)
        return
    assert lees_yaml(pad) == voorheen


def test_schema_via_de_bewaking_is_gelijk_aan_pandera_from_yaml() -> None:
    """validatie.schema hands pandera the guarded content: the schema equals from_yaml's."""
    for pad in sorted(SCHEMAS_DIR.glob("*.yaml")):
        verwacht = pa.DataFrameSchema.from_yaml(pad).to_yaml()
        assert validatie.schema(pad.stem).to_yaml() == verwacht, pad.name


def test_alias_bom_wordt_snel_geweigerd_met_de_bestandsnaam(tmp_path: Path) -> None:
    """Fault: a billion-laughs file. Holds: YamlFout naming the file and the line of the first
    alias, without expanding anything (fully expanded it would be 10^9 strings; the bound is a
    correctness bound, not a performance threshold)."""
    pad = tmp_path / "bom.yaml"
    pad.write_text(BOM, encoding="utf-8")
    # The unguarded loader accepts it (it shares nodes); walking the result is what explodes.
    ruw = yaml.safe_load(BOM)
    assert ruw["i"][0][0] is ruw["i"][1][0]
    begin = time.perf_counter()
    with pytest.raises(YamlFout) as fout:
        lees_yaml(pad)
    duur = time.perf_counter() - begin
    assert str(pad) in str(fout.value)
    assert "regel 2" in str(fout.value)
    assert "alias *a" in str(fout.value)
    assert isinstance(fout.value, NplvFout)
    assert duur < 1.0, f"weigeren duurde {duur:.2f} s"


def test_een_enkele_alias_wordt_ook_geweigerd(tmp_path: Path) -> None:
    pad = tmp_path / "alias.yaml"
    pad.write_text("basis: &b {x: 1}\nkopie: *b\n", encoding="utf-8")
    with pytest.raises(YamlFout, match=r"regel 2, kolom 8: YAML-alias \*b"):
        lees_yaml(pad)


def test_diepe_nesting_wordt_geweigerd(tmp_path: Path) -> None:
    pad = tmp_path / "diep.yaml"
    pad.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(YamlFout, match=f"meer dan {MAX_DIEPTE} niveaus") as fout:
        lees_yaml(pad)
    assert str(pad) in str(fout.value)
    # Exactly the limit is fine.
    pad.write_text("[" * MAX_DIEPTE + "]" * MAX_DIEPTE, encoding="utf-8")
    assert lees_yaml(pad) is not None


def test_te_groot_bestand_wordt_geweigerd(tmp_path: Path) -> None:
    pad = tmp_path / "groot.yaml"
    regel = "- " + "x" * 98 + "\n"
    pad.write_text(regel * (MAX_BYTES // len(regel) + 1), encoding="utf-8")
    with pytest.raises(YamlFout, match="groter dan") as fout:
        lees_yaml(pad)
    assert str(pad) in str(fout.value)


@pytest.mark.parametrize(
    ("inhoud", "woorden"),
    [
        (b"a: [1, 2\nb: 3\n", "geen geldige YAML"),
        (b"a: 1\n---\nb: 2\n", "geen geldige YAML"),
        (b"a: \xff\xfe\n", "geen UTF-8"),
        (b"a: !!python/object/apply:os.system ['true']\n", "geen geldige YAML"),
    ],
    ids=["syntaxfout", "twee_documenten", "geen_utf8", "python_tag"],
)
def test_kapotte_yaml_is_een_yamlfout_met_de_bestandsnaam(
    tmp_path: Path, inhoud: bytes, woorden: str
) -> None:
    pad = tmp_path / "kapot.yaml"
    pad.write_bytes(inhoud)
    with pytest.raises(YamlFout, match=woorden) as fout:
        lees_yaml(pad)
    assert str(pad) in str(fout.value)


def test_ontbrekend_bestand_is_een_yamlfout(tmp_path: Path) -> None:
    pad = tmp_path / "bestaat_niet.yaml"
    with pytest.raises(YamlFout, match="niet te lezen") as fout:
        lees_yaml(pad)
    assert str(pad) in str(fout.value)


# -- the call sites use the guard ------------------------------------------------------------------
def test_gebiedenregister_met_bom_is_een_registerfout(tmp_path: Path) -> None:
    pad = tmp_path / "gebieden.yaml"
    pad.write_text(BOM, encoding="utf-8")
    with pytest.raises(RegisterFout, match="alias") as fout:
        lees_register(pad)
    assert str(pad) in str(fout.value)


def test_schema_met_bom_wordt_geweigerd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "test.bom.yaml").write_text(BOM, encoding="utf-8")
    monkeypatch.setattr(validatie, "SCHEMAS_DIR", tmp_path)
    with pytest.raises(YamlFout, match="alias") as fout:
        validatie.schema("test.bom")
    assert str(tmp_path / "test.bom.yaml") in str(fout.value)


def test_uitvraag_met_bom_wordt_geweigerd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "vragen_1999.yaml").write_text(BOM, encoding="utf-8")
    monkeypatch.setattr(uitvraag, "UITVRAAG_DIR", tmp_path)
    with pytest.raises(YamlFout, match="alias") as fout:
        uitvraag.laad(1999)
    assert str(tmp_path / "vragen_1999.yaml") in str(fout.value)
