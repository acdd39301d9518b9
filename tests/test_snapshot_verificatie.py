"""Snapshot verification on a tiny invented snapshot in tmp_path (fast; the file behind the
mutation run of nplv_monitor/bronnen/snapshot.py, see docs/ontwikkelaars.md "Mutatietests").

Each file's hash in the manifest is computed here with hashlib directly, not with the module's
own sha256_bestand, so a wrong hash function cannot agree with itself.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from pathlib import Path

import polars as pl
import pytest

from nplv_monitor.bronnen import snapshot as snapshot_mod
from nplv_monitor.bronnen.snapshot import (
    Bestand,
    Snapshot,
    _identiteit,
    onleesbaar,
    sha256_bestand,
)
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR
from nplv_monitor.errors import NietInSnapshot, SnapshotFout

CSV = "proef/tabel.csv"
CSV_INHOUD = b"gebied;waarde\nGM0363;1\nGM0599;2\nGM0518;3\n"


def _sha(inhoud: bytes) -> str:
    return hashlib.sha256(inhoud).hexdigest()


def _entry(rel: str, inhoud: bytes, rijen: int | None = None, dataset: str = "proef") -> dict:
    return {
        "pad": rel,
        "dataset": dataset,
        "uitgever": "Proefuitgever",
        "bron": "proefbron",
        "licentie": "CC0",
        "opgehaald": "2026-11-30",
        "rijen": rijen,
        "sha256": _sha(inhoud),
    }


def _maak(map_: Path, bestanden: dict[str, bytes], rijen: dict[str, int] | None = None) -> Path:
    """Write the files and a manifest listing them (hashes by hashlib)."""
    map_.mkdir(parents=True, exist_ok=True)
    entries = []
    for rel, inhoud in bestanden.items():
        pad = map_ / rel
        pad.parent.mkdir(parents=True, exist_ok=True)
        pad.write_bytes(inhoud)
        entries.append(_entry(rel, inhoud, (rijen or {}).get(rel), rel.split("/")[0]))
    (map_ / "manifest.json").write_text(json.dumps({"bestanden": entries}), encoding="utf-8")
    return map_


def _tel_hashes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every file the module hashes."""
    gehasht: list[Path] = []
    echt = snapshot_mod.sha256_bestand

    def tellend(pad: Path) -> str:
        gehasht.append(pad)
        return echt(pad)

    monkeypatch.setattr(snapshot_mod, "sha256_bestand", tellend)
    return gehasht


# -- sha256_bestand, onleesbaar, _identiteit ------------------------------------------------------


@pytest.mark.parametrize("grootte", [0, 5, (1 << 20) - 1, 1 << 20, (5 << 19) + 7])
def test_sha256_bestand_is_de_sha256_van_de_hele_inhoud(tmp_path: Path, grootte: int) -> None:
    # sizes around and beyond the 1 MiB read block: every block counts, none twice
    inhoud = (bytes(range(251)) * (grootte // 251 + 1))[:grootte]  # no block repeats
    pad = tmp_path / "f.bin"
    pad.write_bytes(inhoud)
    assert sha256_bestand(pad) == hashlib.sha256(inhoud).hexdigest()


def test_onleesbaar_noemt_bestand_soort_en_oorzaak() -> None:
    fout = onleesbaar(Path("/s/x.csv"), "CSV (UTF-8)", ValueError("kapot"))
    assert isinstance(fout, SnapshotFout)
    assert str(fout) == (
        "Snapshotbestand /s/x.csv is geen leesbaar CSV (UTF-8)-bestand: kapot. Het klopt wel met "
        "het manifest, dus het was al zo toen het werd opgehaald: haal de bron opnieuw op."
    )


def test_identiteit_verandert_bij_schrijven_en_bij_vervangen(tmp_path: Path) -> None:
    pad = tmp_path / "f"
    pad.write_bytes(b"abc")
    eerst = _identiteit(pad)
    assert len(eerst) == 5
    assert _identiteit(pad) == eerst  # reading changes nothing
    pad.read_bytes()
    assert _identiteit(pad) == eerst
    st = pad.stat()
    pad.write_bytes(b"abd")  # same size, mtime set back: the ctime still moves
    os.utime(pad, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert _identiteit(pad) != eerst


# -- manifest, entry, bestanden, heeft, hashes ------------------------------------------------------


def test_map_is_absoluut_en_standaard_de_ingestelde(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert Snapshot(Path("sub")).map == (tmp_path / "sub").resolve()
    monkeypatch.delenv("NPLV_SNAPSHOT_DIR", raising=False)
    assert Snapshot().map == DEFAULT_SNAPSHOT_DIR.resolve()
    monkeypatch.setenv("NPLV_SNAPSHOT_DIR", str(tmp_path / "elders"))
    assert Snapshot().map == (tmp_path / "elders").resolve()
    assert Snapshot(tmp_path).manifest_pad == tmp_path.resolve() / "manifest.json"


def test_manifest_ontbreekt_exacte_melding(tmp_path: Path) -> None:
    pad = tmp_path.resolve() / "manifest.json"
    with pytest.raises(SnapshotFout) as fout:
        Snapshot(tmp_path).manifest()
    assert str(fout.value) == (
        f"Het snapshot-manifest ontbreekt: {pad}. Herstel de map assets/snapshot uit git, of "
        "bouw hem opnieuw met `nplv-monitor snapshot importeer`."
    )


@pytest.mark.parametrize(
    ("inhoud", "oorzaak"),
    [
        ("{niet json", "Expecting property name enclosed in double quotes"),
        ('{"geen_bestanden": []}', "'bestanden'"),
        ('{"bestanden": [{"pad": "a"}]}', "missing 7 required positional arguments"),
        ('{"bestanden": [{"pad": "a", "onbekend": 1}]}', "unexpected keyword argument 'onbekend'"),
        ('{"bestanden": [1]}', "'int' object is not subscriptable"),
    ],
)
def test_onleesbaar_manifest_exacte_melding(tmp_path: Path, inhoud: str, oorzaak: str) -> None:
    (tmp_path / "manifest.json").write_text(inhoud, encoding="utf-8")
    pad = tmp_path.resolve() / "manifest.json"
    with pytest.raises(SnapshotFout) as fout:
        Snapshot(tmp_path).manifest()
    assert str(fout.value).startswith(f"Het manifest {pad} is onleesbaar: ")
    assert oorzaak in str(fout.value)
    assert isinstance(fout.value.__cause__, json.JSONDecodeError | KeyError | TypeError)


def test_manifest_wordt_eenmaal_gelezen_en_geeft_alle_velden(tmp_path: Path) -> None:
    map_ = _maak(tmp_path / "s", {CSV: CSV_INHOUD, "ander/x.json": b"[1]"}, {CSV: 3})
    snap = Snapshot(map_)
    m = snap.manifest()
    assert set(m) == {CSV, "ander/x.json"}
    assert m[CSV] == Bestand(
        pad=CSV,
        dataset="proef",
        uitgever="Proefuitgever",
        bron="proefbron",
        licentie="CC0",
        opgehaald="2026-11-30",
        rijen=3,
        sha256=_sha(CSV_INHOUD),
    )
    (map_ / "manifest.json").unlink()
    assert snap.manifest() is m  # cached: read once per Snapshot
    assert snap.entry(CSV) is m[CSV]


def test_entry_bestanden_heeft_hashes(tmp_path: Path) -> None:
    map_ = tmp_path / "s"
    map_.mkdir()
    entries = [
        _entry("a/1.csv", b"1", dataset="a"),
        _entry("a/2.csv", b"2", dataset="a"),
        _entry("b/1.csv", b"3", dataset="b"),
    ]
    (map_ / "manifest.json").write_text(json.dumps({"bestanden": entries}), encoding="utf-8")
    snap = Snapshot(map_)
    assert [b.pad for b in snap.bestanden("a")] == ["a/1.csv", "a/2.csv"]
    assert [b.pad for b in snap.bestanden("b")] == ["b/1.csv"]
    assert snap.bestanden("c") == []
    assert snap.heeft("a/2.csv") is True
    assert snap.heeft("a/3.csv") is False
    assert snap.hashes("a") == {"a/1.csv": _sha(b"1"), "a/2.csv": _sha(b"2")}
    assert snap.hashes("c") == {}
    with pytest.raises(NietInSnapshot) as fout:
        snap.entry("a/3.csv")
    assert str(fout.value) == (
        f"a/3.csv staat niet in het snapshot-manifest ({map_.resolve() / 'manifest.json'})."
    )
    assert fout.value.__cause__ is None
    assert fout.value.__suppress_context__


# -- pad: verified reading -------------------------------------------------------------------------


def test_pad_geeft_het_absolute_pad_en_hasht_eenmaal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    map_ = _maak(tmp_path / "s", {CSV: CSV_INHOUD})
    gehasht = _tel_hashes(monkeypatch)
    snap = Snapshot(map_)
    verwacht = (map_ / CSV).resolve()
    assert snap.pad(CSV) == verwacht
    assert snap.pad(CSV) == verwacht
    assert gehasht == [verwacht]  # the second read trusts the first check
    # another Snapshot object has its own check
    assert Snapshot(map_).pad(CSV) == verwacht
    assert gehasht == [verwacht, verwacht]


def test_pad_hasht_opnieuw_na_een_wijziging_en_weigert_dan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    map_ = _maak(tmp_path / "s", {CSV: CSV_INHOUD})
    gehasht = _tel_hashes(monkeypatch)
    snap = Snapshot(map_)
    pad = snap.pad(CSV)
    nieuw = CSV_INHOUD.replace(b"GM0599;2", b"GM0599;9")
    pad.write_bytes(nieuw)
    with pytest.raises(SnapshotFout) as fout:
        snap.pad(CSV)
    assert str(fout.value) == (
        f"Snapshotbestand {pad} is gewijzigd: sha256 {_sha(nieuw)[:12]}… wijkt af van het "
        f"manifest ({_sha(CSV_INHOUD)[:12]}…). Waarden in het snapshot worden nooit met de hand "
        "bewerkt; herstel het bestand uit git of haal het opnieuw op."
    )
    assert len(gehasht) == 2
    # a refused file is not remembered as verified: it stays refused
    with pytest.raises(SnapshotFout, match="is gewijzigd"):
        snap.pad(CSV)
    pad.write_bytes(CSV_INHOUD)
    assert snap.pad(CSV) == pad
    assert len(gehasht) == 4
    assert snap.pad(CSV) == pad
    assert len(gehasht) == 4


def test_pad_buiten_de_map_en_ontbrekend_bestand(tmp_path: Path) -> None:
    map_ = tmp_path / "s"
    map_.mkdir()
    (tmp_path / "buiten.csv").write_bytes(b"x")
    entries = [_entry("../buiten.csv", b"x"), _entry("weg.csv", b"y")]
    (map_ / "manifest.json").write_text(json.dumps({"bestanden": entries}), encoding="utf-8")
    snap = Snapshot(map_)
    with pytest.raises(SnapshotFout) as fout:
        snap.pad("../buiten.csv")
    assert str(fout.value) == f"../buiten.csv wijst buiten de snapshotmap {map_.resolve()}."
    with pytest.raises(SnapshotFout) as fout:
        snap.pad("weg.csv")
    assert str(fout.value) == (
        f"Snapshotbestand ontbreekt: {map_.resolve() / 'weg.csv'} (staat wel in het manifest). "
        "Herstel het uit git of haal de bron opnieuw op met `nplv-monitor ophalen`."
    )
    with pytest.raises(NietInSnapshot, match=r"^niet\.csv staat niet in"):
        snap.pad("niet.csv")


# -- parquet, json, csv and the row count ---------------------------------------------------------


def _parquet_bytes(tmp_path: Path, df: pl.DataFrame) -> bytes:
    pad = tmp_path / "tmp.parquet"
    df.write_parquet(pad)
    return pad.read_bytes()


def test_parquet_leest_en_telt_rijen(tmp_path: Path) -> None:
    df = pl.DataFrame({"gebied": ["GM0363", "GM0599"], "waarde": [1.5, None]})
    inhoud = _parquet_bytes(tmp_path, df)
    map_ = _maak(
        tmp_path / "s",
        {"p/goed.parquet": inhoud, "p/fout.parquet": inhoud, "p/vrij.parquet": inhoud},
        {"p/goed.parquet": 2, "p/fout.parquet": 3},
    )
    snap = Snapshot(map_)
    assert snap.parquet("p/goed.parquet").equals(df)
    assert snap.parquet("p/vrij.parquet").equals(df)  # no count in the manifest: not checked
    with pytest.raises(SnapshotFout) as fout:
        snap.parquet("p/fout.parquet")
    assert str(fout.value) == (
        f"Snapshotbestand {map_.resolve() / 'p/fout.parquet'} heeft 2 rijen, maar het manifest "
        "noemt er 3. Bestand en manifest horen bij elkaar; herstel ze uit git of haal de bron "
        "opnieuw op."
    )


def test_parquet_dat_geen_parquet_is(tmp_path: Path) -> None:
    map_ = _maak(tmp_path / "s", {"p/x.parquet": b"dit is geen parquet"})
    with pytest.raises(SnapshotFout) as fout:
        Snapshot(map_).parquet("p/x.parquet")
    assert isinstance(fout.value.__cause__, pl.exceptions.PolarsError | OSError)
    assert str(fout.value) == str(
        onleesbaar(map_.resolve() / "p/x.parquet", "Parquet", fout.value.__cause__)
    )
    assert str(fout.value.__cause__)  # polars gives a reason, and it is in the message


def test_json_leest_utf8_en_weigert_ander_formaat(tmp_path: Path) -> None:
    goed = json.dumps({"naam": "Schilderswijk – Den Haag"}, ensure_ascii=False).encode("utf-8")
    map_ = _maak(
        tmp_path / "s",
        {"j/goed.json": goed, "j/latin1.json": '"café"'.encode("latin-1"), "j/kapot.json": b"{"},
    )
    snap = Snapshot(map_)
    assert snap.json("j/goed.json") == {"naam": "Schilderswijk – Den Haag"}
    for rel, oorzaak in (
        (
            "j/latin1.json",
            "'utf-8' codec can't decode byte 0xe9 in position 4: invalid continuation byte",
        ),
        (
            "j/kapot.json",
            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
    ):
        with pytest.raises(SnapshotFout) as fout:
            snap.json(rel)
        assert str(fout.value) == str(
            onleesbaar(map_.resolve() / rel, "JSON (UTF-8)", ValueError(oorzaak))
        )
        assert str(fout.value).startswith(
            f"Snapshotbestand {map_.resolve() / rel} is geen leesbaar JSON (UTF-8)-bestand: "
            f"{oorzaak}. "
        )
        assert isinstance(fout.value.__cause__, ValueError)


def test_csv_geeft_opties_door_en_telt_rijen(tmp_path: Path) -> None:
    map_ = _maak(
        tmp_path / "s",
        {CSV: CSV_INHOUD, "proef/kapot.csv": b"a;b\n1;2\n3;4;5;6\n"},
        {CSV: 3, "proef/kapot.csv": 2},
    )
    snap = Snapshot(map_)
    df = snap.csv(CSV, separator=";")
    assert df.columns == ["gebied", "waarde"]
    assert df["waarde"].to_list() == [1, 2, 3]
    with pytest.raises(SnapshotFout) as fout:
        snap.csv("proef/kapot.csv", separator=";")
    # the message names the file and gives polars' own reason
    assert isinstance(fout.value.__cause__, pl.exceptions.PolarsError)
    assert str(fout.value) == str(
        onleesbaar(map_.resolve() / "proef/kapot.csv", "CSV (UTF-8)", fout.value.__cause__)
    )
    assert "found more fields than defined" in str(fout.value)
    # the row check also applies to CSV, and names the file
    fout_telling = _maak(tmp_path / "t", {CSV: CSV_INHOUD}, {CSV: 4})
    with pytest.raises(SnapshotFout) as fout:
        Snapshot(fout_telling).csv(CSV, separator=";")
    assert str(fout.value).startswith(
        f"Snapshotbestand {fout_telling.resolve() / CSV} heeft 3 rijen, maar het manifest noemt "
        "er 4. "
    )


# -- writing: vervang_bestand and werk_manifest_bij -----------------------------------------------


def test_vervang_bestand_schrijft_atomair_en_vergeet_de_controle(tmp_path: Path) -> None:
    map_ = _maak(tmp_path / "s", {CSV: CSV_INHOUD})
    snap = Snapshot(map_)
    snap.pad(CSV)
    assert CSV in snap._geverifieerd
    doel = snap.vervang_bestand(CSV, b"nieuw")
    assert doel == (map_ / CSV).resolve()
    assert doel.read_bytes() == b"nieuw"
    assert CSV not in snap._geverifieerd
    # from a file, into a folder that does not exist yet
    bron = tmp_path / "bron.bin"
    bron.write_bytes(b"uit een bestand")
    doel2 = snap.vervang_bestand("nieuw/diep/x.bin", bron)
    assert doel2 == (map_ / "nieuw/diep/x.bin").resolve()
    assert doel2.read_bytes() == b"uit een bestand"
    # no temporary files left behind
    assert sorted(p.name for p in doel.parent.iterdir()) == ["tabel.csv"]
    assert sorted(p.name for p in doel2.parent.iterdir()) == ["x.bin"]


def test_vervang_bestand_schrijft_eerst_een_verborgen_bestand_ernaast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new content goes to a hidden temporary file in the target's own folder (a rename is
    only atomic within one file system; readers that list the folder skip dot files), and
    only then replaces the target."""
    map_ = _maak(tmp_path / "s", {CSV: CSV_INHOUD})
    hernoemd: list[tuple[Path, Path, bytes]] = []
    echt = os.replace

    def spion(bron: str, doel: Path) -> None:
        hernoemd.append((Path(bron), Path(doel), Path(bron).read_bytes()))
        echt(bron, doel)

    monkeypatch.setattr(os, "replace", spion)
    doel = Snapshot(map_).vervang_bestand(CSV, b"nieuw")
    ((bron, naar, inhoud),) = hernoemd
    assert naar == doel
    assert bron.parent == doel.parent
    assert bron.name.startswith(".tabel.csv.")
    assert bron.name.endswith(".tmp")
    assert inhoud == b"nieuw"


def test_vervang_bestand_ruimt_op_bij_een_fout(tmp_path: Path) -> None:
    map_ = _maak(tmp_path / "s", {CSV: CSV_INHOUD})
    snap = Snapshot(map_)
    snap.pad(CSV)
    with pytest.raises(FileNotFoundError):
        snap.vervang_bestand(CSV, tmp_path / "bestaat-niet.bin")
    assert (map_ / CSV).read_bytes() == CSV_INHOUD
    assert sorted(p.name for p in (map_ / "proef").iterdir()) == ["tabel.csv"]
    assert CSV in snap._geverifieerd  # nothing replaced, the check still holds


def test_werk_manifest_bij_voegt_toe_vervangt_en_sorteert(tmp_path: Path) -> None:
    map_ = _maak(tmp_path / "s", {"b/2.csv": b"2", "a/1.csv": b"1", "b/3.csv": b"3"})
    snap = Snapshot(map_)
    oud = snap.manifest()
    nieuw_b2 = dataclasses.replace(oud["b/2.csv"], sha256=_sha(b"22"), opmerkingen=["Ümlaut"])
    snap.werk_manifest_bij([nieuw_b2, Bestand("c/0.csv", "c", "U", "b", "l", "2026-12-01", 1, "s")])
    m = snap.manifest()
    assert m is not oud  # re-read after writing
    assert list(m) == ["a/1.csv", "b/2.csv", "b/3.csv", "c/0.csv"]
    assert m["b/2.csv"] == nieuw_b2
    assert m["c/0.csv"].rijen == 1
    tekst = (map_ / "manifest.json").read_text(encoding="utf-8")
    assert tekst.endswith("]\n}\n")
    assert '\n "bestanden": [\n  {\n   "pad": "a/1.csv",' in tekst  # indent=1
    assert '"Ümlaut"' in tekst  # not escaped
    ruw = json.loads(tekst)
    assert list(ruw) == ["beschrijving", "bijgewerkt", "bestanden"]
    assert ruw["beschrijving"] == (
        "Snapshot van echte open data voor nplv-monitor. Elke regel: uitgever, bron, licentie, "
        "ophaaldatum, aantal rijen en sha256. Waarden zijn nooit bewerkt."
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", ruw["bijgewerkt"])
    assert ruw["bestanden"][0] == dataclasses.asdict(oud["a/1.csv"])

    # vervang_dataset: the dataset's old entries go, others stay
    snap.werk_manifest_bij([nieuw_b2], vervang_dataset="b")
    assert list(snap.manifest()) == ["a/1.csv", "b/2.csv", "c/0.csv"]


def test_werk_manifest_bij_zonder_manifest_begint_leeg(tmp_path: Path) -> None:
    snap = Snapshot(tmp_path / "leeg")
    b = Bestand("x/1.csv", "x", "U", "b", "l", "2026-12-01", None, "abc")
    snap.werk_manifest_bij([b])
    assert snap.manifest() == {"x/1.csv": b}
