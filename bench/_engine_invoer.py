"""Input for the engine benches: metingen from the shipped snapshot, replicated to N× the regions.

Replication copies every buurt, wijk and gemeente row under new codes that keep the CBS code
structure the engine reads (wijk = "WK" + code[2:8], gemeente = "GM" + code[2:6]): copy k replaces
the first two digits of the gemeente number by two base-62 characters no real code uses. So copy
k of BU03630001 is a new buurt in a new wijk in a new gemeente, with the same values. Nederland
and police districts stay single (they are not regions that multiply).

The engine's entry points are looked up here in one place (``engine_alle``, ``engine_lid``) so
the benches follow the engine's API.
"""

from __future__ import annotations

import string
from pathlib import Path

import polars as pl

_B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_VERMENIGVULDIG = ("buurt", "wijk", "gemeente")


def metingen_uit_snapshot(cache: Path | None = None) -> pl.DataFrame:
    """metingen.metingen built by the metingen stage's own code from the bron tables of a work DB
    that the bronnen assets fill from the verified snapshot (as a build does)."""
    if cache is not None and cache.exists():
        return pl.read_parquet(cache)
    import tempfile

    import dagster as dg

    from nplv_monitor.bronnen import assets as bron_assets
    from nplv_monitor.db import WerkDatabase, verbind
    from nplv_monitor.indicatoren.catalogus import laad_catalogus
    from nplv_monitor.metingen import bouw, bronframes

    with tempfile.TemporaryDirectory() as tmp:
        pad = Path(tmp) / "werk.duckdb"
        res = {"werkdb": WerkDatabase(pad=str(pad))}
        alle = bron_assets.maak_assets()
        dg.materialize(alle, resources=res)
        with verbind(pad, read_only=True) as con:
            m = bouw.bouw_metingen(bronframes.uit_database(con), laad_catalogus()).metingen
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        m.write_parquet(cache)
    return m


def _voorvoegsel(k: int) -> pl.Expr:
    """Two base-62 characters for copy k and the real first two digits ("00".."19")."""
    eerste_twee = pl.col("regiocode").str.slice(2, 2).cast(pl.Int64, strict=False).fill_null(0)
    v = 600 + (k - 1) * 20 + eerste_twee  # ≥ 600 > any all-digit pair ("99" = 9*62+9 = 567)
    tekens = pl.Series(list(_B62))
    return pl.concat_str(
        (v // 62).map_elements(lambda i: tekens[i], return_dtype=pl.String),
        (v % 62).map_elements(lambda i: tekens[i], return_dtype=pl.String),
    )


def vermenigvuldig(metingen: pl.DataFrame, factor: int) -> pl.DataFrame:
    """``factor``× the regions: the real rows plus ``factor - 1`` copies under new codes."""
    if factor <= 1:
        return metingen
    deel = metingen.filter(pl.col("regio_soort").is_in(_VERMENIGVULDIG))
    kopieen = [metingen]
    for k in range(1, factor):
        if (600 + (k - 1) * 20 + 19) >= 62 * 62:
            raise ValueError(f"factor {factor} te groot voor twee base-62-tekens")
        kopieen.append(
            deel.with_columns(
                regiocode=pl.col("regiocode").str.slice(0, 2)
                + _voorvoegsel(k)
                + pl.col("regiocode").str.slice(4)
            )
        )
    return pl.concat(kopieen, rechunk=True)


def engine_lid(metingen: pl.DataFrame) -> pl.DataFrame:
    """Membership of every CBS region (buurt, wijk, gemeente, Nederland) per indeling year."""
    from nplv_monitor.indicatoren import lidmaatschap

    eenheden = metingen.filter(
        pl.col("regio_soort").is_in(["buurt", "wijk"]) & pl.col("indelingsjaar").is_not_null()
    ).select("indelingsjaar", "regiocode")
    return lidmaatschap.cbs_hierarchie(eenheden)


def catalogus(keuze: str = "alle"):  # type: ignore[no-untyped-def]
    """The catalogue; ``kern`` keeps one KWB indicator per measure (aandeel, per_1000, aantal,
    gewogen_gemiddelde, dichtheid), for the 100× run whose full input would not fit in memory."""
    from nplv_monitor.indicatoren.catalogus import Catalogus, laad_catalogus

    cat = laad_catalogus()
    if keuze == "alle":
        return cat
    gekozen: dict[str, object] = {}
    for i in cat.van_familie("context", "gebiedseffect"):
        if i.bron == "cbs_kwb" and i.maat not in gekozen and i.maat != "index_gemeente":
            gekozen[i.maat] = i
    return Catalogus(cat.variabelen, list(gekozen.values()))  # type: ignore[arg-type]


def alleen_nodig(metingen: pl.DataFrame, cat) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    """Only the metingen rows the catalogue's indicators read (tellers, noemers, inhabitants)."""
    nodig = {"inwoners"}
    for i in cat.van_familie("context", "gebiedseffect"):
        nodig |= {i.teller, *i.noemer, i.dekking_basis or "inwoners"}
    return metingen.filter(pl.col("variabele").is_in(sorted(v for v in nodig if v)))


def engine_alle(metingen: pl.DataFrame, lid: pl.DataFrame, cat=None) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    """Every context and gebiedseffect indicator for every region in ``lid``, all peiljaren."""
    from nplv_monitor.indicatoren.engine import aggregatie

    cat = cat or catalogus()
    return aggregatie.aggregeer(metingen, lid, cat, ("context", "gebiedseffect"))


#: A row of the engine's output: one gebied, indicator, peiljaar and source file.
ENGINE_SLEUTEL = [
    "indicator_code", "gebied_code", "gebied_soort", "peiljaar", "indelingsjaar",
    "bron_tabel", "bron_variabele", "bron_sha256",
]  # fmt: skip


def vergelijk_met(uit: pl.DataFrame, pad: Path, rel: float = 1e-12) -> int:
    """Assert ``uit`` equal to the engine output saved at ``pad`` (``--bewaar`` of a previous
    engine) on every row: the same keys, texts and statuses exactly, numbers within ``rel``
    relative (float sums in another order differ in the last bits). Returns the rows compared."""
    ref = pl.read_parquet(pad)
    if sorted(ref.columns) != sorted(uit.columns):
        raise AssertionError(f"kolommen verschillen: {ref.columns} tegen {uit.columns}")
    # the key, then every other exact column: rows whose keys tie still meet their counterpart
    volgorde = ENGINE_SLEUTEL + [
        k for k, t in ref.schema.items() if k not in ENGINE_SLEUTEL and not t.is_float()
    ]
    a = ref.sort(volgorde, nulls_last=True)
    b = uit.select(ref.columns).sort(volgorde, nulls_last=True)
    if a.height != b.height:
        raise AssertionError(f"{b.height} rijen, de vorige engine gaf er {a.height} ({pad})")
    for kolom in ref.columns:
        x, y = a[kolom], b[kolom]
        if x.dtype.is_float():
            paar = pl.DataFrame({"x": x, "y": y})
            zelfde = paar.select(
                (pl.col("x").is_null() & pl.col("y").is_null())
                | (
                    (pl.col("x") - pl.col("y")).abs()
                    <= rel * pl.max_horizontal(pl.col("x").abs(), pl.col("y").abs())
                ).fill_null(False)
            ).to_series()
        else:
            zelfde = x.eq_missing(y)
        if not zelfde.all():
            fout = a.with_columns(nieuw=y).filter(~zelfde).head(5)
            raise AssertionError(f"kolom {kolom} verschilt in {(~zelfde).sum()} rijen:\n{fout}")
    return a.height
