"""Build ``assets/snapshot`` from the shared collection of real open data (``../shared/data``).

This is how the shipped snapshot was made, kept as code so it can be redone and reviewed:
CBS tables become one Parquet file per OData entity set plus ``TableInfos.json`` (typed with the
table's own DataProperties where it has them); Leefbaarometer, RIVM and NPLV programme files are
copied byte for byte in their published CSV/GeoJSON layout. No value is changed; the manifest
records per file the publisher, source copy, licence, retrieval date, row count and sha256.

Run: ``nplv-monitor snapshot importeer --van ../shared/data``.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from nplv_monitor.bronnen.snapshot import Bestand, Snapshot, sha256_bestand

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


class Importeur:
    def __init__(self, gedeeld: Path, snapshot: Snapshot, opgehaald: str | None = None) -> None:
        self.gedeeld = gedeeld.resolve()
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
        shutil.copyfile(self.gedeeld / src, doel)
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
        src = self.gedeeld / "cbs/84799NED"
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
        src = self.gedeeld / "cbs/85984NED"
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

    def misdrijven(self) -> None:
        src = self.gedeeld / "cbs/47018NED"
        ds = "cbs/47018NED"
        info = pl.read_csv(src / "TableInfos.csv", infer_schema=False).row(0, named=True)
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
            df = pl.read_csv(src / f"{naam}.csv", infer_schema=False)
            if naam == "DataProperties":
                df = df.with_columns(
                    [
                        pl.col(c).cast(pl.Int64)
                        for c in ("ID", "Position", "ParentID", "MapYear", "Decimals")
                    ]
                )
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
            bron="Gedeelde data: cbs/47018NED/VERIFY.md",
        )

    def veiligheidsmonitor(self) -> None:
        ds = "cbs/85146NED"
        df = _infer_numeriek(
            _lees_cbs_csv(self.gedeeld / "cbs/85146NED/TypedDataSet.csv", ";"),
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
            _lees_cbs_csv(self.gedeeld / "cbs/85163NED/TypedDataSet_first10000rows.csv", ";"),
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
            rijen = pl.scan_csv(self.gedeeld / ds / naam).select(pl.len()).collect().item()
            self._kopieer(
                f"{ds}/{naam}", f"{ds}/{naam}", ds, rijen, bron=bron, omschrijving=oms, **kw
            )
        geo = self.gedeeld / ds / "buurtgeometrie_2024"
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
        rijen = pl.scan_csv(self.gedeeld / rel).select(pl.len()).collect().item()
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
                else pl.scan_csv(self.gedeeld / "nplv" / naam).select(pl.len()).collect().item()
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


def importeer(gedeeld: Path, doel: Path, voortgang: Callable[[str], None] = print) -> int:
    """(Re)build the snapshot in ``doel`` from ``gedeeld``; the old one is replaced only on success."""
    doel = doel.resolve()
    with tempfile.TemporaryDirectory(prefix=".snapshot-", dir=doel.parent) as tmp:
        snap = Snapshot(Path(tmp))
        entries = Importeur(gedeeld, snap).alles(voortgang)
        snap.werk_manifest_bij(entries)
        oud = doel.with_name(doel.name + ".oud")
        if doel.exists():
            doel.rename(oud)
        Path(tmp).rename(doel)
        if oud.exists():
            shutil.rmtree(oud)
        Path(tmp).mkdir()  # TemporaryDirectory wants to clean up something
    return len(entries)
