"""Build ``assets/snapshot`` from a folder of original downloads of real open data.

This is how the shipped snapshot was made, kept as code so it can be redone and reviewed:
CBS tables become one Parquet file per OData entity set plus ``TableInfos.json`` (typed with the
table's own DataProperties where it has them); Leefbaarometer, RIVM and NPLV programme files are
copied byte for byte in their published CSV/GeoJSON layout. No value is changed; the manifest
records per file the publisher, source copy, licence, retrieval date, row count and sha256.

What each original download is (its path in the originals folder, the registry entry and year
that give its table id, the public copy and commit, the manifest texts) and which conversion
applies is declared in ``assets/snapshot_herkomst.yaml``; this module holds one conversion per
form of original file (``VORMEN``) and no table id. The layout of the originals folder and the
forms are described in docs/snapshot.md.

Run: ``nplv-monitor snapshot importeer --van <map met de originele downloads>``. The new snapshot
is installed next to the old one file by file: unchanged files are left alone, new and changed
files are renamed into place, the manifest goes last, so a concurrent reader always sees a
manifest whose files are present.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl

from nplv_monitor.bronnen.snapshot import MANIFEST_NAAM, Bestand, Snapshot, sha256_bestand
from nplv_monitor.bronnen.snapshot_herkomst import Download, Herkomst, Origineel, vul_in
from nplv_monitor.bronnen.snapshot_herkomst import laad as laad_herkomst
from nplv_monitor.errors import BronFout

_DATATYPE = {"Long": pl.Int64, "Integer": pl.Int64, "Double": pl.Float64, "Float": pl.Float64}


def _schrijf_parquet(df: pl.DataFrame, doel: Path) -> None:
    doel.parent.mkdir(parents=True, exist_ok=True)
    df.write_parquet(doel, compression="zstd", statistics=True)


def _typeer_volgens_dataproperties(df: pl.DataFrame, props: pl.DataFrame) -> pl.DataFrame:
    """Cast CSV columns to the OData types CBS declares (topics: Long/Double; dims: string).

    The CSV export wrote some Long values as "533.0"; they are parsed as floats and cast to Int64
    only after checking that every value is integral, so no value can change in the cast.
    """
    types = {
        k: _DATATYPE[d]
        for k, d in zip(props["Key"].to_list(), props["Datatype"].to_list(), strict=True)
        if k and d in _DATATYPE and k in df.columns
    }
    uit = df.with_columns([pl.col(k).cast(pl.Float64, strict=True) for k in types])
    for k, t in types.items():
        if t == pl.Int64:
            s = uit[k].drop_nulls()
            if (s != s.round(0)).any():
                raise ValueError(f"Kolom {k} is Long volgens DataProperties maar heeft breuken")
            uit = uit.with_columns(pl.col(k).cast(pl.Int64, strict=True))
    return uit


def _lees_cbs_csv(pad: Path, sep: str) -> pl.DataFrame:
    # Read everything as text first so no inference can reinterpret a code; cast afterwards.
    df = pl.read_csv(pad, separator=sep, infer_schema=False, encoding="utf8")
    return df.rename({c: c.lstrip("\ufeff") for c in df.columns})


def _infer_numeriek(df: pl.DataFrame, sleutels: set[str]) -> pl.DataFrame:
    """For tables without DataProperties: numeric where every non-empty value parses."""
    kolommen = []
    for c in df.columns:
        if c in sleutels:
            kolommen.append(pl.col(c))
            continue
        s = df[c].str.strip_chars()
        s = s.replace("", None).replace(".", None)
        as_int = s.cast(pl.Int64, strict=False)
        as_float = s.cast(pl.Float64, strict=False)
        n_waarden = s.drop_nulls().len()
        if n_waarden and as_int.drop_nulls().len() == n_waarden and c == "ID":
            kolommen.append(pl.col(c).cast(pl.Int64))
        elif n_waarden and as_float.drop_nulls().len() == n_waarden:
            # CBS writes "." for a suppressed value: that becomes null, never zero.
            kolommen.append(
                pl.col(c).str.strip_chars().replace("", None).replace(".", None).cast(pl.Float64)
            )
        else:
            kolommen.append(pl.col(c))
    return df.select(kolommen)


#: DataProperties columns that OData types as integers; cbsodataR's CSV writes them as text.
_DATAPROPERTIES_INT = ("ID", "Position", "ParentID", "MapYear", "Decimals")


def _als_int64(df: pl.DataFrame, kolommen: Iterable[str], pad: Path) -> pl.DataFrame:
    """Cast text columns to Int64; a value that is not an integer is a BronFout naming its row."""
    for k in kolommen:
        getal = df[k].cast(pl.Int64, strict=False)
        fout = df[k].is_not_null() & getal.is_null()
        if fout.any():
            i = int(fout.arg_true()[0])
            raise BronFout(
                f"{pad}: rij {i + 1}, kolom {k}: {df[k][i]!r} is geen geheel getal "
                "(OData-type Int64)."
            )
        df = df.with_columns(getal.alias(k))
    return df


def dataproperties_uit_csv(pad: Path) -> pl.DataFrame:
    """DataProperties as cbsodataR writes them (CSV) in the OData types of the Parquet copies.

    Text stays text exactly as published (an empty quoted field stays "", an empty unquoted one is
    null, as in the OData JSON); only the integer columns are typed.
    """
    df = pl.read_csv(pad, infer_schema=False)
    ontbreekt = [k for k in (*_DATAPROPERTIES_INT, "Key", "Type") if k not in df.columns]
    if ontbreekt:
        raise BronFout(f"{pad}: geen DataProperties-bestand, kolommen {ontbreekt} ontbreken.")
    return _als_int64(df, _DATAPROPERTIES_INT, pad)


def tabelinfo_uit_csv(pad: Path) -> dict[str, Any]:
    """The one TableInfos row of a cbsodataR CSV, as text (values as published)."""
    df = pl.read_csv(pad, infer_schema=False)
    if df.height != 1 or "Modified" not in df.columns:
        raise BronFout(
            f"{pad}: TableInfos moet precies 1 rij met kolom Modified hebben, "
            f"gevonden {df.height} rijen en kolommen {df.columns[:5]}..."
        )
    return df.row(0, named=True)


def dimensie_uit_csv(pad: Path) -> pl.DataFrame:
    """A dimension entity set (e.g. WijkenEnBuurten) as text; CBS padding is kept as published."""
    df = pl.read_csv(pad, infer_schema=False)
    if "Key" not in df.columns:
        raise BronFout(f"{pad}: geen OData-dimensie, kolom Key ontbreekt.")
    dubbel = df.filter(pl.col("Key").is_duplicated())["Key"]
    if dubbel.len():
        raise BronFout(f"{pad}: kolom Key heeft dubbele sleutels, bijv. {dubbel[0]!r}.")
    return df


def extract_uit_json(pad: Path, code_kolom: str = "code") -> pl.DataFrame:
    """An extract published as ``{regiocode: {onderwerp-key: waarde}}``, one row per region.

    The region code becomes column ``code_kolom`` as published (unpadded); the topic keys become
    the columns in the file's order. Every region must carry the same keys and integer (or null)
    values: anything else is a BronFout naming the region and key, so no value is coerced.
    """
    try:
        ruw = json.loads(pad.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BronFout(f"{pad}: geen leesbaar JSON-bestand (UTF-8): {exc}") from exc
    if not isinstance(ruw, dict) or not ruw:
        raise BronFout(f"{pad}: verwacht een niet-leeg object {{regiocode: {{key: waarde}}}}.")
    eerste = next(iter(ruw.values()))
    if not isinstance(eerste, dict) or not eerste:
        raise BronFout(f"{pad}: de waarde bij {next(iter(ruw))!r} is geen object met onderwerpen.")
    keys = list(eerste)
    if code_kolom in keys:
        raise BronFout(f"{pad}: onderwerp {code_kolom!r} botst met de codekolom.")
    for code, waarden in ruw.items():
        if not isinstance(waarden, dict) or list(waarden) != keys:
            raise BronFout(
                f"{pad}: regio {code!r} heeft andere onderwerpen dan de eerste regio ({keys})."
            )
        for k, v in waarden.items():
            if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
                raise BronFout(f"{pad}: regio {code!r}, onderwerp {k}: {v!r} is geen geheel getal.")
    return pl.DataFrame(
        {
            code_kolom: list(ruw),
            **{k: [w[k] for w in ruw.values()] for k in keys},
        },
        schema={code_kolom: pl.String, **dict.fromkeys(keys, pl.Int64)},
    )


@dataclass(frozen=True)
class Overlapcontrole:
    """How an extract agrees with the (truncated) TypedDataSet of the same table."""

    regios: int  # regions in both
    waarden: int  # (region, topic) pairs compared
    gelijk: int  # equal and not null in both
    beide_leeg: int  # null in both (suppressed in both)


def vergelijk_met_dataset(
    extract: pl.DataFrame, dataset: pl.DataFrame, *, code_kolom: str = "code", pad: Path
) -> Overlapcontrole:
    """Compare every value of ``extract`` with the same region and topic in ``dataset``.

    ``dataset`` is a TypedDataSet with padded ``Codering_3``. Any difference (a value against
    another value or against null) is a BronFout naming region and topic: the extract is only
    trusted where it agrees with CBS's own download.
    """
    onderwerpen = [c for c in extract.columns if c != code_kolom]
    ontbreekt = [c for c in onderwerpen if c not in dataset.columns]
    if ontbreekt:
        raise BronFout(f"{pad}: onderwerpen {ontbreekt} staan niet in de TypedDataSet.")
    rechts = dataset.select(
        pl.col("Codering_3").str.strip_chars().alias(code_kolom),
        *[pl.col(c).alias(f"{c}__dataset") for c in onderwerpen],
    )
    paren = extract.join(rechts, on=code_kolom, how="inner")
    lang = pl.concat(
        [
            paren.select(
                code_kolom,
                pl.lit(c).alias("onderwerp"),
                pl.col(c).cast(pl.Float64).alias("extract"),
                pl.col(f"{c}__dataset").cast(pl.Float64).alias("dataset"),
            )
            for c in onderwerpen
        ]
    )
    verschil = lang.filter(~pl.col("extract").eq_missing(pl.col("dataset")))
    if verschil.height:
        r = verschil.row(0, named=True)
        raise BronFout(
            f"{pad}: regio {r[code_kolom]}, onderwerp {r['onderwerp']}: {r['extract']} in het "
            f"extract, {r['dataset']} in de TypedDataSet ({verschil.height} verschillen)."
        )
    return Overlapcontrole(
        regios=paren.height,
        waarden=lang.height,
        gelijk=lang.filter(pl.col("extract").is_not_null()).height,
        beide_leeg=lang.filter(pl.col("extract").is_null()).height,
    )


def _n_onderwerpen(props: pl.DataFrame) -> int:
    return props.filter(pl.col("Type") == "Topic").height


def _nl(n: int) -> str:
    """Dutch thousands separator, for notes: 17942942 -> 17.942.942."""
    return f"{n:,}".replace(",", ".")


# -- conversions: one per form of original file ------------------------------------------------
#
# ``assets/snapshot_herkomst.yaml`` names per original file its ``vorm``; each form is a function
# from a Stap to the file it writes (``stap.naar``) and returns the row count for the manifest and
# the figures (``cijfers``) the YAML texts may use, e.g. ``{onderwerpen}``.


@dataclass(frozen=True)
class Omzetting:
    """What a conversion wrote: rows for the manifest, figures for the manifest texts."""

    rijen: int | None
    cijfers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Stap:
    """One original file to convert: where it is, where it goes, the form's options."""

    van: Path
    naar: Path
    map: Path  # the download's folder in the snapshot being built (files made before this one)
    opties: Mapping[str, Any]
    waar: str  # the entry in the provenance YAML, for messages

    def optie(self, naam: str, soort: type | tuple[type, ...] = str) -> Any:
        waarde = self.opties.get(naam)
        if waarde is None or not isinstance(waarde, soort):
            raise BronFout(
                f"{self.waar}: optie {naam!r} ontbreekt of heeft de verkeerde soort ({waarde!r})."
            )
        return waarde

    def eerder(self, naam: str) -> Path:
        """The snapshot file an option names, made earlier in the same download."""
        rel = self.optie(naam)
        pad = self.map / rel
        if not pad.is_file():
            raise BronFout(
                f"{self.waar}: optie {naam} noemt {rel}, maar dat bestand is (nog) niet gemaakt; "
                "zet het eerder in dezelfde download."
            )
        return pad


def _lees_json(pad: Path) -> Any:
    try:
        return json.loads(pad.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BronFout(f"{pad}: geen leesbaar JSON-bestand (UTF-8): {exc}") from exc


def _schrijf_json(obj: Any, doel: Path) -> None:
    doel.write_text(json.dumps(obj, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _tel_rijen(pad: Path) -> int | None:
    """Rows of a copied file where the form has rows (CSV, Parquet, GeoJSON features)."""
    if pad.suffix == ".csv":
        return int(pl.scan_csv(pad).select(pl.len()).collect().item())
    if pad.suffix == ".parquet":
        return int(pl.scan_parquet(pad).select(pl.len()).collect().item())
    if pad.suffix == ".geojson":
        return len(_lees_json(pad)["features"])
    return None


def _kopie(stap: Stap) -> Omzetting:
    """Byte for byte, as published (Parquet entity sets, CSV, GeoJSON, Markdown)."""
    shutil.copyfile(stap.van, stap.naar)
    return Omzetting(_tel_rijen(stap.naar))


def _json(stap: Stap) -> Omzetting:
    """A JSON document (e.g. ColDescriptions), rewritten with one-space indent, UTF-8."""
    _schrijf_json(_lees_json(stap.van), stap.naar)
    return Omzetting(1)


def _tabelinfo(info: dict[str, Any], doel: Path) -> Omzetting:
    _schrijf_json(info, doel)
    return Omzetting(
        1, {"titel": str(info.get("Title") or ""), "modified": str(info.get("Modified") or "")}
    )


def _tabelinfo_json(stap: Stap) -> Omzetting:
    """TableInfos (v3) or Metadata (v4) as OData JSON: one object, or a list of one."""
    info = _lees_json(stap.van)
    if isinstance(info, list):
        if len(info) != 1:
            raise BronFout(f"{stap.van}: TableInfos moet precies 1 rij hebben, niet {len(info)}.")
        info = info[0]
    if not isinstance(info, dict):
        raise BronFout(f"{stap.van}: TableInfos is geen JSON-object.")
    return _tabelinfo(info, stap.naar)


def _tabelinfo_csv(stap: Stap) -> Omzetting:
    """TableInfos as cbsodataR writes it (CSV); values stay text as published."""
    return _tabelinfo(tabelinfo_uit_csv(stap.van), stap.naar)


def _dataproperties(stap: Stap, props: pl.DataFrame) -> Omzetting:
    _schrijf_parquet(props, stap.naar)
    cijfers = {"onderwerpen": _nl(_n_onderwerpen(props))}
    if "vergelijk_met" in stap.opties:
        # Another release of the same table: how many topic keys the two share.
        ander = pl.read_parquet(stap.eerder("vergelijk_met"))
        gedeeld = set(props.filter(pl.col("Type") == "Topic")["Key"].to_list()) & set(
            ander.filter(pl.col("Type") == "Topic")["Key"].to_list()
        )
        cijfers |= {
            "vergelijk_met": stap.optie("vergelijk_met"),
            "onderwerpen_vergelijk": _nl(_n_onderwerpen(ander)),
            "onderwerpen_gedeeld": _nl(len(gedeeld)),
        }
    return Omzetting(props.height, cijfers)


def _dataproperties_parquet(stap: Stap) -> Omzetting:
    """DataProperties as statline-bq saves them (Parquet, column ``odata_type``)."""
    props = pl.read_parquet(stap.van).rename({"odata_type": "odata.type"})
    return _dataproperties(stap, props)


def _dataproperties_json(stap: Stap) -> Omzetting:
    """DataProperties as OData v3 JSON (a list of objects)."""
    ruw = _lees_json(stap.van)
    if not isinstance(ruw, list):
        raise BronFout(f"{stap.van}: DataProperties moet een JSON-lijst zijn.")
    return _dataproperties(stap, pl.DataFrame(ruw, infer_schema_length=None))


def _dataproperties_csv(stap: Stap) -> Omzetting:
    """DataProperties as cbsodataR writes them (CSV)."""
    return _dataproperties(stap, dataproperties_uit_csv(stap.van))


def _dimensie_csv(stap: Stap) -> Omzetting:
    """A dimension entity set as cbsodataR writes it (CSV); keys keep their CBS padding."""
    df = dimensie_uit_csv(stap.van)
    _schrijf_parquet(df, stap.naar)
    # For a region dimension: regions per kind (the first two letters of the key).
    per_soort = dict(df.group_by(pl.col("Key").str.slice(0, 2)).len().iter_rows())
    return Omzetting(
        df.height,
        {
            "per_soort": ", ".join(
                f"{s} {_nl(per_soort.get(s, 0))}" for s in ("NL", "GM", "WK", "BU")
            )
        },
    )


def _typeddataset_csv(stap: Stap) -> Omzetting:
    """A TypedDataSet CSV export, typed with the DataProperties made before it (``typen_uit``).

    Empty strings are missing values in such an export; "." stays text where CBS wrote it.
    """
    props = pl.read_parquet(stap.eerder("typen_uit"))
    df = _lees_cbs_csv(stap.van, stap.optie("scheidingsteken"))
    df = df.with_columns(pl.col("ID").cast(pl.Int64))
    getypt = _typeer_volgens_dataproperties(
        df.with_columns([pl.col(c).replace("", None) for c in df.columns if c != "ID"]),
        props.select("Key", "Datatype"),
    )
    _schrijf_parquet(getypt, stap.naar)
    return Omzetting(getypt.height)


def _typeddataset_csv_zonder_metadata(stap: Stap) -> Omzetting:
    """A TypedDataSet CSV without DataProperties: numeric where every value parses, except the
    dimension columns named in ``sleutels``."""
    sleutels = stap.optie("sleutels", list)
    df = _infer_numeriek(
        _lees_cbs_csv(stap.van, stap.optie("scheidingsteken")), {str(s) for s in sleutels}
    )
    _schrijf_parquet(df, stap.naar)
    return Omzetting(df.height)


def _csv_tekst(stap: Stap) -> Omzetting:
    """A plain CSV extract: text as published, ``gehele_getallen`` as Int64, ``hernoem`` for
    column names (e.g. the unnamed row-number column R writes)."""
    df = pl.read_csv(stap.van, infer_schema=False)
    hernoem = stap.opties.get("hernoem") or {}
    if not isinstance(hernoem, dict):
        raise BronFout(f"{stap.waar}: optie 'hernoem' moet een mapping oud: nieuw zijn.")
    ontbreekt = [k for k in hernoem if k not in df.columns]
    if ontbreekt:
        raise BronFout(f"{stap.van}: kolommen {ontbreekt} (optie hernoem) ontbreken.")
    df = df.rename({str(k): str(w) for k, w in hernoem.items()})
    getallen = [str(k) for k in stap.optie("gehele_getallen", list)]
    ontbreekt = [k for k in getallen if k not in df.columns]
    if ontbreekt:
        raise BronFout(f"{stap.van}: kolommen {ontbreekt} (optie gehele_getallen) ontbreken.")
    df = _als_int64(df, getallen, stap.van)
    _schrijf_parquet(df, stap.naar)
    return Omzetting(df.height)


def _extract_json(stap: Stap) -> Omzetting:
    """An extract ``{regiocode: {key: waarde}}`` of gemeenten and wijken, checked before it is
    written: its keys must be keys of the DataProperties beside it (``sleutels_uit``), or a reader
    would join them to the wrong topic, and every value must equal the same region and topic in
    the TypedDataSet beside it (``vergelijk_met``), where both have it."""
    props = pl.read_parquet(stap.eerder("sleutels_uit"))
    dataset = pl.read_parquet(stap.eerder("vergelijk_met"))
    som_kolom = stap.optie("som")
    extract = extract_uit_json(stap.van)
    onbekend = sorted(set(extract.columns[1:]) - set(props["Key"].to_list()))
    if onbekend:
        raise BronFout(f"{stap.van}: onderwerpen {onbekend} staan niet in DataProperties.")
    if som_kolom not in extract.columns:
        raise BronFout(f"{stap.van}: onderwerp {som_kolom} (optie som) ontbreekt.")
    controle = vergelijk_met_dataset(extract, dataset, pad=stap.van)
    _schrijf_parquet(extract, stap.naar)
    soort = pl.col("code").str.slice(0, 2)
    gemeenten = extract.filter(soort == "GM")
    in_dataset = dataset["Codering_3"].str.strip_chars().implode()
    alleen_hier = extract.filter(~pl.col("code").is_in(in_dataset))
    return Omzetting(
        extract.height,
        {
            "gemeenten": _nl(gemeenten.height),
            "wijken": _nl(extract.filter(soort == "WK").height),
            "kolommen": ", ".join(extract.columns[1:]),
            "som": _nl(int(gemeenten[som_kolom].sum())),
            "som_kolom": som_kolom,
            "regios_in_beide": _nl(controle.regios),
            "waarden": _nl(controle.waarden),
            "gelijk": _nl(controle.gelijk),
            "beide_leeg": _nl(controle.beide_leeg),
            "alleen_hier_gemeenten": _nl(alleen_hier.filter(soort == "GM").height),
            "alleen_hier_wijken": _nl(alleen_hier.filter(soort == "WK").height),
        },
    )


@dataclass(frozen=True)
class Vorm:
    functie: Callable[[Stap], Omzetting]
    opties: frozenset[str] = frozenset()


#: The forms ``vorm`` in assets/snapshot_herkomst.yaml can name, with the options each accepts.
VORMEN: dict[str, Vorm] = {
    "kopie": Vorm(_kopie),
    "json": Vorm(_json),
    "tabelinfo_json": Vorm(_tabelinfo_json),
    "tabelinfo_csv": Vorm(_tabelinfo_csv),
    "dataproperties_parquet": Vorm(_dataproperties_parquet, frozenset({"vergelijk_met"})),
    "dataproperties_json": Vorm(_dataproperties_json, frozenset({"vergelijk_met"})),
    "dataproperties_csv": Vorm(_dataproperties_csv, frozenset({"vergelijk_met"})),
    "dimensie_csv": Vorm(_dimensie_csv),
    "typeddataset_csv": Vorm(_typeddataset_csv, frozenset({"scheidingsteken", "typen_uit"})),
    "typeddataset_csv_zonder_metadata": Vorm(
        _typeddataset_csv_zonder_metadata, frozenset({"scheidingsteken", "sleutels"})
    ),
    "csv_tekst": Vorm(_csv_tekst, frozenset({"hernoem", "gehele_getallen"})),
    "extract_json": Vorm(_extract_json, frozenset({"sleutels_uit", "vergelijk_met", "som"})),
}


def controleer_vormen(herkomst: Herkomst) -> None:
    """Every ``vorm`` and option of the provenance file exists, before anything is built."""
    for d in herkomst.downloads:
        for o in d.bestanden:
            vorm = VORMEN.get(o.vorm)
            if vorm is None:
                raise BronFout(
                    f"{o.waar}: vorm {o.vorm!r} bestaat niet; bekend: {', '.join(sorted(VORMEN))}."
                )
            onbekend = sorted(set(o.opties) - vorm.opties)
            if onbekend:
                raise BronFout(
                    f"{o.waar}: vorm {o.vorm} kent optie {onbekend[0]!r} niet; wel: "
                    f"{', '.join(sorted(vorm.opties)) or 'geen'}."
                )


class Importeur:
    """Converts each original download into its snapshot file and collects the manifest.

    What to convert, how, and the manifest texts come from the provenance file
    (``assets/snapshot_herkomst.yaml``, read by :mod:`snapshot_herkomst`).
    """

    def __init__(
        self,
        originelen: Path,
        snapshot: Snapshot,
        opgehaald: str | None = None,
        herkomst: Herkomst | None = None,
    ) -> None:
        self.originelen = originelen.resolve()
        self.snapshot = snapshot
        self.opgehaald = opgehaald or date.today().isoformat()
        self.herkomst = herkomst or laad_herkomst()
        controleer_vormen(self.herkomst)
        self.entries: list[Bestand] = []

    def _paren(self, d: Download, o: Origineel) -> list[tuple[str, str]]:
        """(van, naar) relative to the download's map; a ``*`` in ``van`` takes every file."""
        map_ = self.originelen / d.map
        if "*" in o.van:
            gevonden = sorted(p for p in map_.glob(o.van) if p.is_file())
            if not gevonden:
                raise BronFout(f"{o.waar}: geen bestanden {map_ / o.van} in de originelen.")
            return [(p.relative_to(map_).as_posix(),) * 2 for p in gevonden]
        return [(o.van, o.naar or o.van)]

    def _modified(self, d: Download, o: Origineel) -> str | None:
        if o.cbs_modified is None:
            return None
        pad = self.snapshot.map / d.map / o.cbs_modified
        if not pad.is_file():
            raise BronFout(
                f"{o.waar}: cbs_modified noemt {o.cbs_modified}, maar dat bestand is (nog) niet "
                "gemaakt; zet het eerder in dezelfde download."
            )
        info = _lees_json(pad)
        modified = info.get("Modified") if isinstance(info, dict) else None
        return None if modified is None else str(modified)

    def _zet_om(self, d: Download, o: Origineel, van_rel: str, naar_rel: str) -> None:
        van = self.originelen / d.map / van_rel
        if not van.is_file():
            raise BronFout(
                f"{van} ontbreekt in de originelen ({o.waar}); de indeling staat in "
                "docs/snapshot.md."
            )
        rel = f"{d.map}/{naar_rel}"
        naar = self.snapshot.map / rel
        naar.parent.mkdir(parents=True, exist_ok=True)
        uit = VORMEN[o.vorm].functie(Stap(van, naar, self.snapshot.map / d.map, o.opties, o.waar))
        naam = PurePosixPath(naar_rel)
        waarden = {
            **d.waarden,
            **(o.kopie.waarden() if o.kopie else {}),
            "van": f"{d.map}/{van_rel}",
            "bestand": naam.name,
            "stam": naam.stem,
            **({} if uit.rijen is None else {"rijen": _nl(uit.rijen)}),
            **uit.cijfers,
        }
        self.entries.append(
            Bestand(
                pad=rel,
                dataset=d.dataset,
                uitgever=d.uitgever,
                bron=vul_in(o.herkomst, waarden, f"{o.waar}, herkomst"),
                licentie=d.licentie,
                opgehaald=self.opgehaald,
                rijen=uit.rijen,
                sha256=sha256_bestand(naar),
                omschrijving=vul_in(o.omschrijving, waarden, f"{o.waar}, omschrijving"),
                cbs_modified=self._modified(d, o),
                opmerkingen=[vul_in(t, waarden, f"{o.waar}, opmerkingen") for t in o.opmerkingen],
            )
        )

    def alles(self, voortgang: Callable[[str], None] = print) -> list[Bestand]:
        for d in self.herkomst.downloads:
            voortgang(f"importeer {d.map} ({d.dataset}) ...")
            for o in d.bestanden:
                for van_rel, naar_rel in self._paren(d, o):
                    self._zet_om(d, o, van_rel, naar_rel)
        return self.entries


@dataclass
class Importresultaat:
    """What an import did to the target snapshot folder (paths relative to it)."""

    bestanden: int
    nieuw: list[str] = field(default_factory=list)
    gewijzigd: list[str] = field(default_factory=list)
    ongewijzigd: list[str] = field(default_factory=list)
    verwijderd: list[str] = field(default_factory=list)
    manifest_vervangen: bool = False


def _oude_manifest(doel: Path) -> dict[str, Bestand]:
    if not (doel / MANIFEST_NAAM).exists():
        return {}
    return Snapshot(doel).manifest()


def _beschrijving(map_: Path) -> list[Any] | None:
    """The manifest's file entries (without its own timestamp); None if there is no manifest."""
    pad = map_ / MANIFEST_NAAM
    if not pad.exists():
        return None
    bestanden: list[Any] = json.loads(pad.read_text(encoding="utf-8"))["bestanden"]
    return bestanden


def installeer_import(bouw: Path, doel: Path, entries: list[Bestand]) -> Importresultaat:
    """Put the files built in ``bouw`` into ``doel``: changed files first, manifest last.

    ``bouw`` is a sibling of ``doel`` (same file system), so every ``os.replace`` is atomic. A
    file whose bytes are unchanged is not touched, so a reader that verified it keeps a valid
    copy. Files the new manifest no longer lists are removed only after the manifest is in place;
    hidden files (in-flight temp files of other writers) are never touched.
    """
    uit = Importresultaat(bestanden=len(entries))
    doel.mkdir(parents=True, exist_ok=True)
    for b in entries:
        bestemming = doel / b.pad
        if bestemming.is_file():
            if sha256_bestand(bestemming) == b.sha256:
                uit.ongewijzigd.append(b.pad)
                continue
            uit.gewijzigd.append(b.pad)
        else:
            uit.nieuw.append(b.pad)
        bestemming.parent.mkdir(parents=True, exist_ok=True)
        os.replace(bouw / b.pad, bestemming)
    if uit.nieuw or uit.gewijzigd or _beschrijving(bouw) != _beschrijving(doel):
        os.replace(bouw / MANIFEST_NAAM, doel / MANIFEST_NAAM)
        uit.manifest_vervangen = True
    # else: same files, same description — keep the manifest (and its date) as it is.
    gelijst = {b.pad for b in entries}
    for pad in sorted(doel.rglob("*")):
        rel = pad.relative_to(doel)
        if any(deel.startswith(".") for deel in rel.parts) or not pad.is_file():
            continue
        if rel.as_posix() != MANIFEST_NAAM and rel.as_posix() not in gelijst:
            pad.unlink()
            uit.verwijderd.append(rel.as_posix())
    for map_ in sorted((m for m in doel.rglob("*") if m.is_dir()), reverse=True):
        verborgen = any(deel.startswith(".") for deel in map_.relative_to(doel).parts)
        if not verborgen and not any(map_.iterdir()):
            map_.rmdir()
    return uit


def importeer(
    originelen: Path,
    doel: Path,
    voortgang: Callable[[str], None] = print,
    *,
    opgehaald: str | None = None,
    herkomst: Path | None = None,
) -> Importresultaat:
    """(Re)build the snapshot in ``doel`` from the original downloads in ``originelen``.

    ``herkomst`` is the provenance file that says what to convert (default
    ``assets/snapshot_herkomst.yaml``); it is read and checked before anything is built.
    Everything is built in a temporary folder beside ``doel`` first; if any conversion fails,
    ``doel`` is untouched. A file whose bytes did not change keeps its retrieval date from the
    old manifest; new and changed files get ``opgehaald`` (default: today).
    """
    originelen = originelen.resolve()
    if not originelen.is_dir():
        raise BronFout(
            f"De map met originele downloads bestaat niet: {originelen}. Geef de map met "
            "--van (de indeling staat in docs/snapshot.md)."
        )
    beschrijving = laad_herkomst(herkomst)
    controleer_vormen(beschrijving)
    doel = doel.resolve()
    doel.parent.mkdir(parents=True, exist_ok=True)
    oud = _oude_manifest(doel)
    with tempfile.TemporaryDirectory(prefix=".snapshot-import-", dir=doel.parent) as tmp:
        bouw = Path(tmp)
        snap = Snapshot(bouw)
        entries = [
            replace(b, opgehaald=oud[b.pad].opgehaald)
            if b.pad in oud and oud[b.pad].sha256 == b.sha256
            else b
            for b in Importeur(originelen, snap, opgehaald, beschrijving).alles(voortgang)
        ]
        snap.werk_manifest_bij(entries)
        return installeer_import(bouw, doel, entries)
