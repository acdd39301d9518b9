"""TEST DATA for the online rehearsal: a Kerncijfers wijken en buurten table for every KWB year.

The replay server (``tests/replay/server.py``) plays CBS for the online build. The shipped snapshot
holds real KWB data of two years only (2020 complete, 2024 truncated at 10,000 rows plus extracts),
so every other registered year is served as a *relabelled* real table. Nothing here is shipped or
written to ``assets/snapshot``: the tables live in memory and every synthetic one says so in its
TableInfos (``Title`` starts with ``TESTDATA:``, ``ShortDescription`` explains what it is).

- :func:`kwb_uit_2020` — the real KWB 2020 table (84799NED) as table ``tabel_id`` of ``jaar``
  (years before 2024). Rows, regions and DataProperties unchanged, except that TableInfos names
  the new id/year and the WOZ topic's "<jaar>: waardepeildatum 1 januari <jaar-1>" line follows the
  year, as in a real table of that year (the pipeline reads the WOZ peiljaar from that line).
- :func:`kwb_2024_volledig` — a *complete* KWB 2024 table from real 2024 data only: the truncated
  TypedDataSet (first 10,000 rows, March 2025 keys) plus, for every region of the 2024 indeling it
  lacks, the region's values from the two extracts (8 topics for gemeenten and wijken, inhabitants
  for buurten); every other topic is null there. Used for 2024 and for later years.
- :func:`kwb_2024_release_augustus` — the same complete table as CBS's first release (August
  2024): its real DataProperties and TableInfos, the data columns renamed *by topic* (see
  :func:`koppel_topics`).
- :func:`serveer_kwb_jaren` / :func:`kwb_replay` — a replay server serving every registered year.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from nplv_monitor.bronnen import cbs_client, register
from nplv_monitor.bronnen.snapshot import Snapshot
from nplv_monitor.config import DEFAULT_SNAPSHOT_DIR
from nplv_monitor.metingen.sleutels import concept
from tests.replay.server import ReplayServer, _pad_sleutels, _Tabel

KWB_2020 = "84799NED"
KWB_2024 = "85984NED"
RELEASE_MAART = "2025-03"  # the release the shipped 2024 data and DataProperties belong to
RELEASE_AUGUSTUS = "2024-08"  # CBS's first release of KWB 2024
CATALOGUS = "opendata.cbs.nl"
_RELEASE_MAP = {RELEASE_AUGUSTUS: f"cbs/{KWB_2024}/release_2024-08"}
#: SoortRegio_2 as CBS writes it, per code prefix (padded to 10 like the published column).
_SOORT = {"NL": "Land", "GM": "Gemeente", "WK": "Wijk", "BU": "Buurt"}
# How CBS OData types map to polars: the online client's own mapping, so served data has the
# types the client will give it.
_TYPE = cbs_client._DATATYPE


def _bron(snapshot: Snapshot | None) -> Snapshot:
    # Always the shipped snapshot by default: during an online test NPLV_SNAPSHOT_DIR points at a
    # copy the build rewrites, which must never feed the data served to that same build.
    return snapshot or Snapshot(DEFAULT_SNAPSHOT_DIR)


#: A CBS topic key without its numeric suffix (the one definition: metingen.sleutels.concept).
stam = concept


def _verschuif_jaar(moment: str, jaren: int) -> str:
    """An ISO timestamp ``jaren`` years later (Modified of a relabelled table)."""
    return f"{int(moment[:4]) + jaren:04d}{moment[4:]}"


def _herlabel_info(
    info: Mapping[str, Any],
    *,
    bron_id: str,
    tabel_id: str,
    bronjaar: int,
    jaar: int,
    titel: str,
    uitleg: str,
    rijen: int,
    kolommen: int,
) -> dict[str, Any]:
    """TableInfos of the relabelled table: new id, year, Modified and a TESTDATA title."""
    uit: dict[str, Any] = {
        k: v.replace(bron_id, tabel_id) if isinstance(v, str) else v for k, v in info.items()
    }
    modified = _verschuif_jaar(str(info["Modified"]), jaar - bronjaar)
    uit.update(
        Identifier=tabel_id,
        Title=titel,
        ShortTitle=titel,
        Period=str(jaar),
        Modified=modified,
        MetaDataModified=modified,
        ShortDescription=f"{uitleg}\n\n{info.get('ShortDescription') or ''}",
        RecordCount=rijen,
        ColumnCount=kolommen,
    )
    return uit


def _herlabel_peildatum(dp: pl.DataFrame, bronjaar: int, jaar: int) -> pl.DataFrame:
    """Let the WOZ description's "- <jaar>: waardepeildatum 1 januari <jaar-1>" name ``jaar``."""
    if bronjaar == jaar:
        return dp
    oud = f"- {bronjaar}: waardepeildatum 1 januari {bronjaar - 1}"
    nieuw = f"- {jaar}: waardepeildatum 1 januari {jaar - 1}"
    return dp.with_columns(pl.col("Description").str.replace_all(oud, nieuw, literal=True))


def _tabel(tabel_id: str, info: dict[str, Any], sets: dict[str, pl.DataFrame]) -> _Tabel:
    # The dimension keys padded to their width, as CBS serves them (the server's own rule).
    return _Tabel(tabel_id, CATALOGUS, info, _pad_sleutels(sets))


# -- 1. KWB 2020 relabelled ----------------------------------------------------------------------


@cache
def _kwb_2020_bestanden(map_: Path) -> tuple[dict[str, Any], dict[str, pl.DataFrame]]:
    snap = Snapshot(map_)
    ds = f"cbs/{KWB_2020}"
    sets = {
        n: snap.parquet(f"{ds}/{n}.parquet")
        for n in ("TypedDataSet", "DataProperties", "WijkenEnBuurten")
    }
    return snap.json(f"{ds}/TableInfos.json"), sets


def kwb_uit_2020(jaar: int, tabel_id: str, snapshot: Snapshot | None = None) -> _Tabel:
    """TESTDATA: the real KWB 2020 table served as table ``tabel_id`` of year ``jaar``."""
    info, sets = _kwb_2020_bestanden(_bron(snapshot).map)
    data = sets["TypedDataSet"]
    nieuw = dict(sets)
    nieuw["DataProperties"] = _herlabel_peildatum(sets["DataProperties"], 2020, jaar)
    titel = f"TESTDATA: echte KWB 2020-rijen als {jaar} — Kerncijfers wijken en buurten {jaar}"
    uitleg = (
        f"TESTDATA (alleen voor tests, nplv-monitor tests/replay/kwb_jaren.py): de echte tabel "
        f"{KWB_2020} (Kerncijfers wijken en buurten 2020, regio-indeling 2020) ongewijzigd, "
        f"gepresenteerd als tabel {tabel_id} van {jaar}."
    )
    return _tabel(
        tabel_id,
        _herlabel_info(
            info,
            bron_id=KWB_2020,
            tabel_id=tabel_id,
            bronjaar=2020,
            jaar=jaar,
            titel=titel,
            uitleg=uitleg,
            rijen=data.height,
            kolommen=data.width - 1,
        ),
        nieuw,
    )


# -- 2. KWB 2024 complete -------------------------------------------------------------------------


def _code_kolom(extract: pl.DataFrame) -> str:
    tekst = [c for c, t in extract.schema.items() if t == pl.String]
    if len(tekst) != 1:
        raise ValueError(f"extract heeft geen eenduidige codekolom: {tekst}")
    return tekst[0]


def _typen(dp: pl.DataFrame) -> dict[str, pl.DataType]:
    """Column types the TypedDataSet has by the DataProperties (as the online client types it)."""
    topics = dp.filter(pl.col("Type") == "Topic")
    return {
        k: _TYPE.get(str(t), pl.String())
        for k, t in zip(topics["Key"].to_list(), topics["Datatype"].to_list(), strict=True)
    }


@cache
def _kwb_2024_volledig_data(map_: Path) -> pl.DataFrame:
    """The complete 2024 TypedDataSet (March 2025 keys), one row per region in dimension order."""
    snap = Snapshot(map_)
    ds = f"cbs/{KWB_2024}"
    afgekapt = snap.parquet(f"{ds}/TypedDataSet.parquet")
    regios = snap.parquet(f"{ds}/WijkenEnBuurten.parquet")
    gw = snap.parquet(f"{ds}/extract_gemeenten_wijken_2024.parquet")
    bevolking = snap.parquet(f"{ds}/extract_bevolking_buurt_2024.parquet")
    dp = snap.parquet(f"{ds}/DataProperties.parquet")
    typen = _typen(dp)

    code = pl.col("Key").str.strip_chars()
    dim = regios.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("ID"),
        code.alias("_code"),
        pl.col("Key").str.strip_chars().str.pad_end(10).alias("WijkenEnBuurten"),
        pl.col("Title").alias("_naam"),
        pl.col("Municipality").str.strip_chars().alias("_gemeente"),
    )
    gemeentenamen = dim.filter(pl.col("_code").str.starts_with("GM")).select(
        pl.col("_code").alias("_gemeente"), pl.col("_naam").alias("_gemeentenaam")
    )
    aanwezig = afgekapt.select(pl.col("Codering_3").str.strip_chars().alias("_code"))
    ontbrekend = dim.join(aanwezig, on="_code", how="anti")

    # Rows for the missing regions: region columns from the dimension, the extracts' values,
    # every other topic null in the type the DataProperties give it.
    gw_code = _code_kolom(gw)
    bevolking_rijen = bevolking.select(
        pl.col(_code_kolom(bevolking)).str.strip_chars().alias("_code"),
        pl.col("population").alias("AantalInwoners_5"),
    )
    extra = (
        ontbrekend.join(gemeentenamen, on="_gemeente", how="left")
        .join(gw.rename({gw_code: "_code"}), on="_code", how="left")
        .join(bevolking_rijen, on="_code", how="left", suffix="_buurt")
        .with_columns(
            pl.coalesce("AantalInwoners_5", "AantalInwoners_5_buurt").alias("AantalInwoners_5"),
            pl.col("_gemeentenaam").str.pad_end(40).alias("Gemeentenaam_1"),
            pl.col("_code")
            .str.slice(0, 2)
            .replace_strict(_SOORT)
            .str.pad_end(10)
            .alias("SoortRegio_2"),
            pl.col("_code").str.pad_end(10).alias("Codering_3"),
        )
    )
    kolommen = [
        pl.col(k).cast(t) if k in extra.columns else pl.lit(None, t).alias(k)
        for k, t in typen.items()
    ]
    aanvulling = extra.select("ID", "WijkenEnBuurten", *kolommen)
    # The truncated file carries region *names* in WijkenEnBuurten (its downloader replaced the
    # keys); CBS serves the key there, so the served table does too.
    eerste = afgekapt.with_columns(pl.col("Codering_3").alias("WijkenEnBuurten")).select(
        "ID", "WijkenEnBuurten", *[pl.col(k).cast(t) for k, t in typen.items()]
    )
    volledig = pl.concat([eerste, aanvulling.select(eerste.columns)], how="vertical")
    # CBS numbers the rows in dimension order; the first 10,000 are the truncated file's.
    volgorde = dim.select("_code", pl.col("ID").alias("_positie"))
    return (
        volledig.with_columns(pl.col("Codering_3").str.strip_chars().alias("_code"))
        .join(volgorde, on="_code", how="left")
        .sort("_positie")
        .drop("_code", "_positie")
        .with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("ID"))
    )


@cache
def _release_metadata(map_: Path, release: str) -> tuple[dict[str, Any], pl.DataFrame]:
    if release not in {RELEASE_MAART, RELEASE_AUGUSTUS}:
        raise ValueError(f"onbekende release {release!r}: {RELEASE_MAART} of {RELEASE_AUGUSTUS}")
    snap = Snapshot(map_)
    rel = _RELEASE_MAP.get(release, f"cbs/{KWB_2024}")
    info = snap.json(f"{rel}/TableInfos.json")
    info = dict(info[0] if isinstance(info, list) else info)
    return info, snap.parquet(f"{rel}/DataProperties.parquet")


def kwb_2024_volledig(
    jaar: int, tabel_id: str, release: str = RELEASE_MAART, snapshot: Snapshot | None = None
) -> _Tabel:
    """TESTDATA: a complete KWB 2024 table (real 2024 values only) as table ``tabel_id`` of ``jaar``.

    ``release`` ``"2025-03"`` uses the March 2025 keys and metadata (those of the shipped data);
    ``"2024-08"`` serves it as the August 2024 first release (:func:`kwb_2024_release_augustus`).
    """
    map_ = _bron(snapshot).map
    data = _kwb_2024_volledig_data(map_)
    info, dp = _release_metadata(map_, release)
    if release == RELEASE_AUGUSTUS:
        _, dp_maart = _release_metadata(map_, RELEASE_MAART)
        data = hernoem_naar_release(data, koppel_topics(dp_maart, dp), dp)
    regios = Snapshot(map_).parquet(f"cbs/{KWB_2024}/WijkenEnBuurten.parquet")
    titel = (
        f"TESTDATA: KWB 2024 volledig gemaakt (release {release}) als {jaar} — "
        f"Kerncijfers wijken en buurten {jaar}"
    )
    uitleg = (
        "TESTDATA (alleen voor tests, nplv-monitor tests/replay/kwb_jaren.py): de eerste 10.000 "
        f"echte rijen van {KWB_2024} (Kerncijfers wijken en buurten 2024), aangevuld voor de "
        "ontbrekende regio's van de indeling 2024 met de echte waarden uit de extracten (8 "
        "onderwerpen voor gemeenten en wijken, inwoners voor buurten); alle andere onderwerpen "
        f"zijn daar leeg. Metadata van de release {release}; gepresenteerd als tabel {tabel_id} "
        f"van {jaar}."
    )
    return _tabel(
        tabel_id,
        _herlabel_info(
            info,
            bron_id=KWB_2024,
            tabel_id=tabel_id,
            bronjaar=2024,
            jaar=jaar,
            titel=titel,
            uitleg=uitleg,
            rijen=data.height,
            kolommen=data.width - 1,
        ),
        {
            "TypedDataSet": data,
            "DataProperties": _herlabel_peildatum(dp, 2024, jaar),
            "WijkenEnBuurten": regios,
        },
    )


# -- 3. KWB 2024 as the August 2024 first release -------------------------------------------------


@dataclass(frozen=True)
class Paar:
    """A March 2025 topic and the same topic in the August 2024 release."""

    maart: str
    augustus: str
    groep_maart: tuple[str, ...]  # titles of the topic groups above it, outermost first
    groep_augustus: tuple[str, ...]


@dataclass(frozen=True)
class Koppeling:
    paren: list[Paar]
    vervallen: list[str]  # March topics the August release does not have
    nieuw: list[str]  # August topics the March release does not have

    def hernoeming(self) -> dict[str, str]:
        return {p.maart: p.augustus for p in self.paren}


def groepspaden(dp: pl.DataFrame) -> dict[str, tuple[str, ...]]:
    """Topic key -> titles of its topic groups (outermost first), from ID/ParentID."""
    titel = dict(zip(dp["ID"].to_list(), dp["Title"].to_list(), strict=True))
    ouder = dict(zip(dp["ID"].to_list(), dp["ParentID"].to_list(), strict=True))
    uit: dict[str, tuple[str, ...]] = {}
    for rij in dp.filter(pl.col("Type") == "Topic").iter_rows(named=True):
        pad: list[str] = []
        p = rij["ParentID"]
        while p is not None:
            pad.append(str(titel[p]).strip())
            p = ouder[p]
        uit[rij["Key"]] = tuple(reversed(pad))
    return uit


def koppel_topics(dp_maart: pl.DataFrame, dp_augustus: pl.DataFrame) -> Koppeling:
    """Match every March 2025 topic to the same topic of the August 2024 release.

    Keys are not comparable (the numeric suffix moves) and stems repeat within one release
    (``Appartement`` under electricity and under gas). A topic is matched by stem plus the titles
    of the groups above it; a topic whose group was renamed between the releases ("Wonen en
    vastgoed" became "Wonen") is matched by stem alone, but only when that stem occurs once in
    each release, so a repeated stem is never matched on its name only.
    """
    pad_m, pad_a = groepspaden(dp_maart), groepspaden(dp_augustus)
    for naam, paden in (("maart", pad_m), ("augustus", pad_a)):
        dubbel = [k for k, n in Counter((stam(s), p) for s, p in paden.items()).items() if n > 1]
        if dubbel:
            raise ValueError(f"release {naam}: stam + groep niet uniek: {dubbel}")
    index_a = {(stam(s), p): s for s, p in pad_a.items()}
    paren = [
        Paar(s, index_a[(stam(s), p)], p, p) for s, p in pad_m.items() if (stam(s), p) in index_a
    ]
    gekoppeld_m = {p.maart for p in paren}
    gekoppeld_a = {p.augustus for p in paren}
    stammen_m = Counter(stam(s) for s in pad_m)
    stammen_a = Counter(stam(s) for s in pad_a)
    enkel_a = {stam(s): s for s in pad_a if stammen_a[stam(s)] == 1 and s not in gekoppeld_a}
    for s, p in pad_m.items():
        if s in gekoppeld_m or stammen_m[stam(s)] != 1 or stam(s) not in enkel_a:
            continue
        a = enkel_a[stam(s)]
        paren.append(Paar(s, a, p, pad_a[a]))
        gekoppeld_m.add(s)
        gekoppeld_a.add(a)
    volgorde = list(pad_m)
    paren.sort(key=lambda p: volgorde.index(p.maart))
    return Koppeling(
        paren=paren,
        vervallen=[s for s in pad_m if s not in gekoppeld_m],
        nieuw=[s for s in pad_a if s not in gekoppeld_a],
    )


def hernoem_naar_release(
    data: pl.DataFrame, koppeling: Koppeling, dp_doel: pl.DataFrame
) -> pl.DataFrame:
    """The data columns under the keys of the target release, in its topic order: a matched topic
    keeps its values, a topic the data lacks is a null column of the type the release gives it."""
    naar_maart = {a: m for m, a in koppeling.hernoeming().items()}
    kolommen = [
        pl.col(naar_maart[k]).cast(t).alias(k) if k in naar_maart else pl.lit(None, t).alias(k)
        for k, t in _typen(dp_doel).items()
    ]
    return data.select("ID", "WijkenEnBuurten", *kolommen)


def kwb_2024_release_augustus(
    jaar: int = 2024, tabel_id: str = KWB_2024, snapshot: Snapshot | None = None
) -> _Tabel:
    """TESTDATA: the complete 2024 table served as the August 2024 first release."""
    return kwb_2024_volledig(jaar, tabel_id, RELEASE_AUGUSTUS, snapshot)


# -- 4. a replay server with every registered KWB year --------------------------------------------


def kwb_tabel_voor(jaar: int, tabel_id: str, release_2024: str = RELEASE_MAART) -> _Tabel:
    """The test table served for a KWB year: real 2020 rows before 2024, the complete 2024 table
    (in ``release_2024``) for 2024, the March 2025 shape for every later year."""
    if jaar < 2024:
        return kwb_uit_2020(jaar, tabel_id)
    return kwb_2024_volledig(jaar, tabel_id, release_2024 if jaar == 2024 else RELEASE_MAART)


def serveer_kwb_jaren(server: ReplayServer, release_2024: str = RELEASE_MAART) -> dict[int, str]:
    """Add a table for every KWB year of the bronnen register to ``server``; year -> table id."""
    jaren = {j: register.kwb_tabel_id(j) for j in register.kwb_jaren()}
    for jaar, tabel_id in jaren.items():
        tabel = kwb_tabel_voor(jaar, tabel_id, release_2024)
        tabel.catalogus = register.tabel(tabel_id).catalogus
        server.tabellen[tabel_id] = tabel
    return jaren


@contextmanager
def kwb_replay(release_2024: str = RELEASE_MAART) -> Iterator[tuple[ReplayServer, dict[int, str]]]:
    """A started replay server serving every registered KWB year (see :func:`serveer_kwb_jaren`)."""
    with ReplayServer(_bron(None), []) as server:
        yield server, serveer_kwb_jaren(server, release_2024)
