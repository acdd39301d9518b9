"""Build ``assets/snapshot`` from a folder of original downloads of real open data.

This is how the shipped snapshot was made, kept as code so it can be redone and reviewed:
CBS tables become one Parquet file per OData entity set plus ``TableInfos.json`` (typed with the
table's own DataProperties where it has them); Leefbaarometer, RIVM and NPLV programme files are
copied byte for byte in their published CSV/GeoJSON layout. No value is changed; the manifest
records per file the publisher, source copy, licence, retrieval date, row count and sha256.
The layout the folder must have, and where each original comes from, is in docs/snapshot.md.

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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from nplv_monitor.bronnen.snapshot import MANIFEST_NAAM, Bestand, Snapshot, sha256_bestand
from nplv_monitor.errors import BronFout

CC_BY = "CC BY 4.0 (Bron: CBS)"
OPEN_BZK = (
    "Open data van het ministerie van BZK/VRO (Leefbaarometer), hergebruik met bronvermelding"
)

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


class Importeur:
    """Converts each original download into its snapshot file and collects the manifest."""

    def __init__(self, originelen: Path, snapshot: Snapshot, opgehaald: str | None = None) -> None:
        self.originelen = originelen.resolve()
        self.snapshot = snapshot
        self.opgehaald = opgehaald or date.today().isoformat()
        self.entries: list[Bestand] = []

    def _registreer(self, rel: str, dataset: str, rijen: int | None, **kw: Any) -> None:
        pad = self.snapshot.map / rel
        self.entries.append(
            Bestand(
                pad=rel,
                dataset=dataset,
                rijen=rijen,
                sha256=sha256_bestand(pad),
                opgehaald=self.opgehaald,
                **kw,
            )
        )

    def _kopieer(self, src: str, rel: str, dataset: str, rijen: int | None, **kw: Any) -> None:
        doel = self.snapshot.map / rel
        doel.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.originelen / src, doel)
        self._registreer(rel, dataset, rijen, **kw)

    def _parquet(self, df: pl.DataFrame, rel: str, dataset: str, **kw: Any) -> None:
        _schrijf_parquet(df, self.snapshot.map / rel)
        self._registreer(rel, dataset, df.height, **kw)

    def _json(self, obj: Any, rel: str, dataset: str, **kw: Any) -> None:
        doel = self.snapshot.map / rel
        doel.parent.mkdir(parents=True, exist_ok=True)
        doel.write_text(json.dumps(obj, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        self._registreer(rel, dataset, 1, **kw)

    # -- CBS ---------------------------------------------------------------------------
    def kwb_2020(self) -> None:
        src = self.originelen / "cbs/84799NED"
        ds = "cbs/84799NED"
        info = json.loads((src / "cbs.v3.84799NED_Metadata.json").read_text(encoding="utf-8"))
        kw = dict(
            uitgever="CBS",
            licentie=CC_BY,
            bron="CBS StatLine 84799NED (OData v3), kopie uit dataverbinders/statline-bq commit 8fcc2aa1, tests/data/84799NED",
            cbs_modified=info.get("Modified"),
        )
        self._json(
            info,
            f"{ds}/TableInfos.json",
            ds,
            omschrijving="TableInfos: Kerncijfers wijken en buurten 2020",
            **kw,
        )
        self._json(
            json.loads((src / "cbs.v3.84799NED_ColDescriptions.json").read_text(encoding="utf-8")),
            f"{ds}/ColDescriptions.json",
            ds,
            omschrijving="Lange omschrijving per kolom",
            **kw,
        )
        props = pl.read_parquet(src / "cbs.v3.84799NED_DataProperties.parquet").rename(
            {"odata_type": "odata.type"}
        )
        self._parquet(
            props,
            f"{ds}/DataProperties.parquet",
            ds,
            omschrijving="DataProperties (157 rijen)",
            **kw,
        )
        for naam in ("TypedDataSet", "WijkenEnBuurten"):
            doel = self.snapshot.map / ds / f"{naam}.parquet"
            doel.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src / f"cbs.v3.84799NED_{naam}.parquet", doel)
            self._registreer(
                f"{ds}/{naam}.parquet",
                ds,
                pl.scan_parquet(doel).select(pl.len()).collect().item(),
                omschrijving=f"OData entiteit {naam}, ongewijzigd",
                **kw,
            )

    def kwb_2024(self) -> None:
        src = self.originelen / "cbs/85984NED"
        ds = "cbs/85984NED"
        infos = json.loads((src / "TableInfos.json").read_text(encoding="utf-8"))
        info = infos[0] if isinstance(infos, list) else infos
        props_ruw = json.loads((src / "DataProperties.json").read_text(encoding="utf-8"))
        kw = dict(
            uitgever="CBS",
            licentie=CC_BY,
            cbs_modified=info.get("Modified"),
        )
        meta_bron = "CBS StatLine 85984NED (OData v3), metadata uit niquedegraaff/Wikipedia-Generator-CBS-Kerncijfers-Wijken-en-Buurten commit 55981982"
        self._json(
            info,
            f"{ds}/TableInfos.json",
            ds,
            bron=meta_bron,
            omschrijving="TableInfos: Kerncijfers wijken en buurten 2024",
            **kw,
        )
        props = pl.DataFrame(props_ruw, infer_schema_length=None)
        self._parquet(
            props,
            f"{ds}/DataProperties.parquet",
            ds,
            bron=meta_bron,
            omschrijving="DataProperties",
            **kw,
        )
        df = _lees_cbs_csv(src / "TypedDataSet_first10000rows.csv", ";")
        df = df.with_columns(pl.col("ID").cast(pl.Int64))
        # Empty strings are missing values in this CSV export; "." stays text where CBS wrote it.
        getypt = _typeer_volgens_dataproperties(
            df.with_columns([pl.col(c).replace("", None) for c in df.columns if c != "ID"]),
            props.select("Key", "Datatype"),
        )
        self._parquet(
            getypt,
            f"{ds}/TypedDataSet.parquet",
            ds,
            bron="CBS StatLine 85984NED TypedDataSet, kopie uit dertje/cbs_datasets commit 388b47d2",
            omschrijving="TypedDataSet, alleen de eerste 10.000 rijen (afgekapt door de ODataApi-limiet)",
            opmerkingen=[
                "AFGEKAPT: precies 10.000 rijen; Nederland en gemeenten alfabetisch t/m Maasdriel.",
                "Kolom WijkenEnBuurten bevat regionamen (de downloader verving de sleutels); Codering_3 bevat de codes.",
            ],
            **kw,
        )
        bev = pl.read_csv(src / "bevolking_buurt_2024.csv", infer_schema=False).rename({"": "rij"})
        bev = bev.select(
            pl.col("rij").cast(pl.Int64), pl.col("nhood_id"), pl.col("population").cast(pl.Int64)
        )
        self._parquet(
            bev,
            f"{ds}/extract_bevolking_buurt_2024.parquet",
            ds,
            bron="Inwoners per buurt 1-1-2024 uit CBS 85984NED, kopie uit bernasco/misdaad_concentratie commit 74d42eb5",
            omschrijving="Extract: inwoners per buurt op 1 januari 2024, alle 14.574 buurten",
            **kw,
        )
        self._kwb_2024_regios_en_extract(src, ds, props, getypt, kw)
        self._kwb_2024_eerste_publicatie(src, ds, props)

    def _kwb_2024_regios_en_extract(
        self,
        src: Path,
        ds: str,
        props: pl.DataFrame,
        getypt: pl.DataFrame,
        kw: dict[str, Any],
    ) -> None:
        kopie = "kopie uit bernasco/misdaad_concentratie commit 96da91bd"
        regios = dimensie_uit_csv(src / "WijkenEnBuurten.csv")
        per_soort = dict(regios.group_by(pl.col("Key").str.slice(0, 2)).len().iter_rows())
        self._parquet(
            regios,
            f"{ds}/WijkenEnBuurten.parquet",
            ds,
            bron=f"CBS StatLine 85984NED, dimensie WijkenEnBuurten (indeling 2024), {kopie}",
            omschrijving=(
                f"OData entiteit WijkenEnBuurten: {_nl(regios.height)} regio's van de indeling 2024"
            ),
            opmerkingen=[
                "Sleutels opgevuld tot 10 tekens zoals gepubliceerd ('GM0363    ').",
                "Per soort: "
                + ", ".join(f"{s} {_nl(per_soort.get(s, 0))}" for s in ("NL", "GM", "WK", "BU"))
                + ".",
            ],
            **{**kw, "cbs_modified": None},
        )
        pad = src / "gemeenten_wijken_2024_8maten.json"
        extract = extract_uit_json(pad)
        # The keys tell which release the values belong to: they must be keys of the March 2025
        # DataProperties shipped beside it, or a reader would join them to the wrong topic.
        onbekend = sorted(set(extract.columns[1:]) - set(props["Key"].to_list()))
        if onbekend:
            raise BronFout(f"{pad}: onderwerpen {onbekend} staan niet in DataProperties.")
        controle = vergelijk_met_dataset(extract, getypt, pad=pad)
        gemeenten = extract.filter(pl.col("code").str.starts_with("GM"))
        inwoners = int(gemeenten["AantalInwoners_5"].sum())
        in_dataset = getypt["Codering_3"].str.strip_chars().implode()
        aanvulling = gemeenten.filter(~pl.col("code").is_in(in_dataset)).height
        self._parquet(
            extract,
            f"{ds}/extract_gemeenten_wijken_2024.parquet",
            ds,
            bron=(
                "CBS StatLine 85984NED, 8 onderwerpen voor alle gemeenten en wijken; kopie uit "
                "niquedegraaff/Wikipedia-Generator-CBS-Kerncijfers-Wijken-en-Buurten blob 11d93469 "
                "in commit 55981982 (2024/cbs_data/stripped_filtered_data_2024.json)"
            ),
            omschrijving=(
                f"Extract: {_nl(gemeenten.height)} gemeenten en "
                f"{_nl(extract.height - gemeenten.height)} wijken van KWB 2024 (geen buurten, "
                f"geen Nederland), onderwerpen {', '.join(extract.columns[1:])} (sleutels van de "
                "publicatie van maart 2025)"
            ),
            opmerkingen=[
                "Kolom code: de regiocode zoals gepubliceerd (zonder opvulling); de overige "
                "kolommen zijn de sleutels uit het JSON-bestand, waarden ongewijzigd.",
                f"Gecontroleerd: de gemeenten tellen op tot {_nl(inwoners)} inwoners "
                "(AantalInwoners_5).",
                f"Gecontroleerd tegen de afgekapte TypedDataSet: {_nl(controle.regios)} regio's "
                f"in beide, {_nl(controle.waarden)} waarden vergeleken, {_nl(controle.gelijk)} "
                f"gelijk en {_nl(controle.beide_leeg)} in beide leeg; geen verschil.",
                f"Vult aan wat de afgekapte TypedDataSet mist: {_nl(aanvulling)} gemeenten en "
                f"{_nl(extract.height - controle.regios - aanvulling)} wijken staan alleen hier.",
            ],
            **kw,
        )

    def _kwb_2024_eerste_publicatie(self, src: Path, ds: str, props_2025: pl.DataFrame) -> None:
        map_ = src / "release_2024-08"
        info = tabelinfo_uit_csv(map_ / "TableInfos.csv")
        props = dataproperties_uit_csv(map_ / "DataProperties.csv")
        gedeeld = set(props.filter(pl.col("Type") == "Topic")["Key"].to_list()) & set(
            props_2025.filter(pl.col("Type") == "Topic")["Key"].to_list()
        )
        kw: dict[str, Any] = dict(
            uitgever="CBS",
            licentie=CC_BY,
            bron=(
                "CBS StatLine 85984NED (OData v3), eerste publicatie zoals R's cbsodataR die "
                "schreef; kopie uit bernasco/misdaad_concentratie commit 96da91bd"
            ),
            cbs_modified=info.get("Modified"),
        )
        rel = f"{ds}/release_2024-08"
        self._json(
            info,
            f"{rel}/TableInfos.json",
            ds,
            omschrijving=f"TableInfos van de eerste publicatie (Modified {info.get('Modified')})",
            opmerkingen=[
                "Waarden als tekst zoals in de CSV (ook ID); regeleinden zoals cbsodataR ze schreef."
            ],
            **kw,
        )
        self._parquet(
            props,
            f"{rel}/DataProperties.parquet",
            ds,
            omschrijving=(
                f"DataProperties van de eerste publicatie (augustus 2024): "
                f"{_n_onderwerpen(props)} onderwerpen"
            ),
            opmerkingen=[
                f"Zelfde tabel-id, andere sleutels: cbs/85984NED/DataProperties.parquet is de "
                f"publicatie van maart 2025 ({_n_onderwerpen(props_2025)} onderwerpen); "
                f"{len(gedeeld)} onderwerp-keys komen in beide voor. Bijv. "
                "GemiddeldInkomenPerInwoner_73 werd _83, GemiddeldeWOZWaardeVanWoningen_36 werd "
                "_39, OppervlakteLand_113 werd _123. Lees keys altijd uit de DataProperties van "
                "de publicatie die je leest.",
            ],
            **kw,
        )

    def kwb_2017_metadata(self) -> None:
        """KWB 2017 in OData v4 form: metadata and the 2017 region dimension, no data rows."""
        src = self.originelen / "cbs/83765NED"
        ds = "cbs/83765NED"
        prefix = "cbs.v4.83765NED_"
        meta = json.loads((src / f"{prefix}Metadata.json").read_text(encoding="utf-8"))
        kw: dict[str, Any] = dict(
            uitgever="CBS",
            licentie=CC_BY,
            bron=(
                "CBS StatLine 83765NED (OData v4), kopie uit dataverbinders/statline-bq commit "
                "8fcc2aa1, tests/data/83765NED"
            ),
            cbs_modified=meta.get("Modified"),
            opmerkingen=[
                "GEEN DATARIJEN: alleen OData v4-metadata en de regio-indeling 2017 "
                "(bruikbaar voor koppeltabellen tussen indelingen en het schema van 2017).",
            ],
        )
        self._json(
            meta,
            f"{ds}/Metadata.json",
            ds,
            omschrijving=f"OData v4 Metadata (als TableInfos): {meta.get('Title')}",
            **kw,
        )
        for naam in (
            "Dimensions",
            "MeasureCodes",
            "MeasureGroups",
            "WijkenEnBuurtenCodes",
            "WijkenEnBuurtenGroups",
        ):
            bron = src / f"{prefix}{naam}.parquet"
            doel = self.snapshot.map / ds / f"{naam}.parquet"
            doel.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(bron, doel)
            self._registreer(
                f"{ds}/{naam}.parquet",
                ds,
                pl.scan_parquet(doel).select(pl.len()).collect().item(),
                omschrijving=f"OData v4 entiteit {naam}, ongewijzigd",
                **kw,
            )

    def misdrijven(self) -> None:
        src = self.originelen / "cbs/47018NED"
        ds = "cbs/47018NED"
        info = tabelinfo_uit_csv(src / "TableInfos.csv")
        kw = dict(
            uitgever="Politie, via CBS (dataderden)",
            licentie=CC_BY,
            bron="CBS dataderden 47018NED (OData v3), kopie uit bernasco/misdaad_concentratie",
            cbs_modified=info.get("Modified"),
        )
        self._json(
            info,
            f"{ds}/TableInfos.json",
            ds,
            omschrijving="TableInfos: Geregistreerde misdrijven per wijk en buurt",
            **kw,
        )
        for naam in ("DataProperties", "SoortMisdrijf", "Perioden", "WijkenEnBuurten"):
            lees = dataproperties_uit_csv if naam == "DataProperties" else dimensie_uit_csv
            df = lees(src / f"{naam}.csv")
            self._parquet(
                df, f"{ds}/{naam}.parquet", ds, omschrijving=f"OData entiteit {naam}", **kw
            )
        df = pl.read_csv(src / "misdrijven_buurt_2023_nplv19.csv", infer_schema=False).with_columns(
            pl.col("jaar").cast(pl.Int64),
            pl.col("geregistreerde_misdrijven").cast(pl.Int64),
            pl.col("source_id").cast(pl.Int64),
        )
        self._parquet(
            df,
            f"{ds}/extract_misdrijven_buurt_2023_nplv19.parquet",
            ds,
            omschrijving="Extract: totaal geregistreerde misdrijven (0.0.0) 2023 per buurt, 19 NPLV-gemeenten; zie VERIFY.md",
            **{**kw, "bron": f"{kw['bron']} commit 692dd329, data/crime/data.csv"},
        )
        self._kopieer(
            "cbs/47018NED/VERIFY.md",
            f"{ds}/VERIFY.md",
            ds,
            None,
            omschrijving="Herkomst en controles van het extract",
            **{k: v for k, v in kw.items() if k != "bron"},
            bron="Verantwoording meegeleverd met de originele download: cbs/47018NED/VERIFY.md",
        )

    def veiligheidsmonitor(self) -> None:
        ds = "cbs/85146NED"
        df = _infer_numeriek(
            _lees_cbs_csv(self.originelen / "cbs/85146NED/TypedDataSet.csv", ";"),
            {"Marges", "RegioS", "Perioden"},
        )
        self._parquet(
            df,
            f"{ds}/TypedDataSet.parquet",
            ds,
            uitgever="CBS",
            licentie=CC_BY,
            bron="CBS StatLine 85146NED Veiligheidsmonitor; wijk, buurt, regio (TypedDataSet), kopie uit dertje/cbs_datasets commit 388b47d2",
            omschrijving="Veiligheidsmonitor 2021 en 2023 per gemeente, basisteam en politiedistrict; RegioS bevat namen",
            opmerkingen=[
                "Geen TableInfos/DataProperties in de bron; RegioS bevat regionamen, geen codes.",
                "'.' (geheim/onbetrouwbaar) is null.",
            ],
        )

    def ses_woa(self) -> None:
        ds = "cbs/85163NED"
        df = _infer_numeriek(
            _lees_cbs_csv(self.originelen / "cbs/85163NED/TypedDataSet_first10000rows.csv", ";"),
            {"WijkenEnBuurten", "Perioden", "RegiocodeGemeenteWijkBuurt_1"},
        )
        self._parquet(
            df,
            f"{ds}/TypedDataSet.parquet",
            ds,
            uitgever="CBS",
            licentie=CC_BY,
            bron="CBS StatLine 85163NED SES-WOA per wijk en buurt 2014-2019, kopie uit dertje/cbs_datasets commit 388b47d2",
            omschrijving="SES-WOA-scores; alleen de eerste 10.000 rijen",
            opmerkingen=["AFGEKAPT: precies 10.000 rijen (volledig voor Amsterdam, deels Arnhem)."],
        )

    # -- other publishers ----------------------------------------------------------------
    def leefbaarometer(self) -> None:
        ds = "leefbaarometer"
        kw = dict(uitgever="Ministerie van BZK/VRO (Leefbaarometer 3.0)", licentie=OPEN_BZK)
        for naam, bron, oms in (
            (
                "wijkscores_2002-2022.csv",
                "Leefbaarometer 3.0 open data wijkscores, kopie uit DarianOthman/SSP blob 59fc2e83",
                "Wijkscores 2002-2022 op de wijkindeling 2022",
            ),
            (
                "buurtscores_2024.csv",
                "Leefbaarometer 3.0 meting 2024 (WFS), kopie uit 42answers/thuisscan commit ea1c4e76",
                "Buurtscores 2024 (klassen en afwijkingen)",
            ),
            (
                "gemeentescores_2024.csv",
                "Leefbaarometer 3.0 meting 2024 (WFS), kopie uit 42answers/thuisscan commit ea1c4e76",
                "Gemeentescores 2024",
            ),
        ):
            rijen = pl.scan_csv(self.originelen / ds / naam).select(pl.len()).collect().item()
            self._kopieer(
                f"{ds}/{naam}", f"{ds}/{naam}", ds, rijen, bron=bron, omschrijving=oms, **kw
            )
        geo = self.originelen / ds / "buurtgeometrie_2024"
        for pad in sorted(geo.iterdir()):
            rijen = None
            if pad.suffix == ".geojson":
                rijen = len(json.loads(pad.read_text(encoding="utf-8"))["features"])
            self._kopieer(
                f"{ds}/buurtgeometrie_2024/{pad.name}",
                f"{ds}/buurtgeometrie_2024/{pad.name}",
                "leefbaarometer/geometrie",
                rijen,
                bron="Leefbaarometer 2024 buurten met vereenvoudigde WGS84-polygonen, kopie uit 42answers/thuisscan commit ea1c4e76",
                omschrijving="Buurtgeometrie 2024 per provincie",
                **kw,
            )

    def gezondheid(self) -> None:
        rel = "rivm/gezondheid_rotterdam_2016_2020_2022.csv"
        rijen = pl.scan_csv(self.originelen / rel).select(pl.len()).collect().item()
        self._kopieer(
            rel,
            rel,
            "rivm",
            rijen,
            uitgever="RIVM/CBS/GGD (Gezondheidsmonitor volwassenen en ouderen)",
            licentie=CC_BY,
            bron="CBS/RIVM Gezondheidsmonitor 18+ per wijk en buurt, Rotterdam en Krimpenerwaard; kopie uit Tombo14/School_Opdracht",
            omschrijving="Ervaren gezondheid e.a. 2016, 2020, 2022 (alleen Rotterdam-Zuid van de NPLV-gebieden)",
        )

    def nplv(self) -> None:
        for naam in (
            "gebieden.csv",
            "indicatorenset_fysiek_2025.csv",
            "uitvraag_gebieden_2025.csv",
            "realisatie_gepubliceerd.csv",
            "README.md",
        ):
            rijen = (
                None
                if naam.endswith(".md")
                else pl.scan_csv(self.originelen / "nplv" / naam).select(pl.len()).collect().item()
            )
            self._kopieer(
                f"nplv/{naam}",
                f"nplv/{naam}",
                "nplv",
                rijen,
                uitgever="Ministerie van BZK (Kamerstukken 30 995) en CBS",
                licentie="Overheidsinformatie (Kamerstukken, openbaar); CBS-cijfers CC BY 4.0",
                bron="Samengesteld uit Kamerstukken 30 995 nr. 104, 106, 107 en CBS-publicaties; bron per rij in het bestand",
                omschrijving=f"NPLV-referentiedata: {naam}",
            )

    def alles(self, voortgang: Callable[[str], None] = print) -> list[Bestand]:
        for stap in (
            self.kwb_2020,
            self.kwb_2024,
            self.kwb_2017_metadata,
            self.misdrijven,
            self.veiligheidsmonitor,
            self.ses_woa,
            self.leefbaarometer,
            self.gezondheid,
            self.nplv,
        ):
            voortgang(f"importeer {stap.__name__} ...")
            stap()
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
) -> Importresultaat:
    """(Re)build the snapshot in ``doel`` from the original downloads in ``originelen``.

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
            for b in Importeur(originelen, snap, opgehaald).alles(voortgang)
        ]
        snap.werk_manifest_bij(entries)
        return installeer_import(bouw, doel, entries)
