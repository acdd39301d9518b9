"""Semantic checks on the raw source tables (``bron.*``): values of the right type that cannot be
true — a negative number of inhabitants, a percentage above 100, a buurt filed under another
gemeente, buurten that do not add up to their gemeente.

The checks are *declared* in the Pandera schemas (``schemas/bron.*.yaml``, dataframe-level
``checks:`` with ``options.check_name``); :mod:`nplv_monitor.validatie` registers them with Pandera
and turns their findings into the failure message. Each function here takes the table and the
statistics declared in the schema and returns an :class:`Uitkomst`:

- ``overtredingen``: one row per violation — row number (0-based, as in the table), region code,
  column, value and a Dutch explanation — so the message can name table, row, region and column;
- ``fouten``: problems with the declaration itself (a stem that matches two columns, a declared
  column the table does not have); these fail the check too, without a row;
- ``rapport``: what the check resolved and found (columns per stem, stems this table does not
  have, gemeenten exempted and why, the largest deviation), shown as check metadata.

KWB topic keys carry a numeric suffix that shifts between years (``AantalInwoners_5`` in 2020 is
not necessarily ``_5`` in 2025), so the KWB schema, shared by all years, declares topics by *stem*:
the key without its ``_<digits>`` suffix. A stem resolves to exactly one column; a stem the year
does not publish is skipped and listed in the report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

#: Columns of ``Uitkomst.overtredingen``.
OVERTREDING_SCHEMA: dict[str, pl.DataType] = {
    "rij": pl.Int64(),
    "regio": pl.String(),
    "kolom": pl.String(),
    "waarde": pl.String(),
    "toelichting": pl.String(),
}

_SUFFIX = re.compile(r"_[0-9]+$")
#: A well-formed region code (padding stripped). Amsterdam's wijk and buurt codes carry letters
#: since the 2022 indeling (WK0363AF, BU0363AF03), so the last two/four positions are alphanumeric.
REGIOCODE = r"^(NL0[01]|GM[0-9]{4}|WK[0-9]{4}[0-9A-Z]{2}|BU[0-9]{4}[0-9A-Z]{4})$"
#: Which code prefix each CBS region kind ("SoortRegio") must have.
PREFIX_PER_SOORT = {"Land": "NL", "Gemeente": "GM", "Wijk": "WK", "Buurt": "BU"}


@dataclass(frozen=True)
class Uitkomst:
    """The result of one semantic check on one table."""

    overtredingen: pl.DataFrame
    fouten: tuple[str, ...] = ()
    rapport: Mapping[str, object] = field(default_factory=dict)

    @property
    def geslaagd(self) -> bool:
        return self.overtredingen.height == 0 and not self.fouten

    def rij_ok(self, hoogte: int) -> pl.Series:
        """Per row of the table: True when no violation names that row."""
        fout = self.overtredingen["rij"].drop_nulls().unique()
        return ~pl.int_range(0, hoogte, eager=True).is_in(fout.implode())


def stam(kolom: str) -> str:
    """A topic key without its numeric suffix: ``AantalInwoners_5`` → ``AantalInwoners``."""
    return _SUFFIX.sub("", kolom)


def los_stammen_op(
    kolommen: Iterable[str], stammen: Sequence[str], *, meervoudig: bool = False
) -> tuple[dict[str, list[str]], list[str], list[str]]:
    """Resolve declared stems to the suffixed columns present.

    Returns (columns per stem found, stems absent from this table, declaration errors). Without
    ``meervoudig`` a stem must match exactly one column: two columns with one stem (KWB 2024 has
    ``Nederland_17`` and ``Nederland_20``) would make the declaration mean something else per
    year, so that is an error naming the columns rather than a silent choice.
    """
    per_stam: dict[str, list[str]] = {}
    for k in kolommen:
        if _SUFFIX.search(k):
            per_stam.setdefault(stam(k), []).append(k)
    gevonden: dict[str, list[str]] = {}
    ontbrekend: list[str] = []
    fouten: list[str] = []
    for s in dict.fromkeys(stammen):
        treffers = per_stam.get(s, [])
        if not treffers:
            ontbrekend.append(s)
        elif len(treffers) > 1 and not meervoudig:
            fouten.append(
                f"stam {s!r} past op {len(treffers)} kolommen ({', '.join(treffers)}); "
                "declareer een stam die precies één kolom aanwijst"
            )
        else:
            gevonden[s] = treffers
    return gevonden, ontbrekend, fouten


def _leeg() -> pl.DataFrame:
    return pl.DataFrame(schema=OVERTREDING_SCHEMA)


def _ontbrekende_kolommen(df: pl.DataFrame, *kolommen: str | None) -> list[str]:
    return [
        f"kolom {k!r} ontbreekt in de tabel (gedeclareerd in de controle)"
        for k in kolommen
        if k is not None and k not in df.columns
    ]


def _overtredingen(
    df: pl.DataFrame,
    *,
    masker: pl.Expr,
    regio_kolom: str,
    kolom: str,
    waarde: pl.Expr,
    uitleg: pl.Expr,
) -> pl.DataFrame:
    """The rows of ``df`` where ``masker`` holds, as violations of ``kolom``."""
    return (
        df.with_row_index("__rij")
        .filter(masker)
        .select(
            pl.col("__rij").cast(pl.Int64).alias("rij"),
            pl.col(regio_kolom).cast(pl.String).alias("regio"),
            pl.lit(kolom, pl.String).alias("kolom"),
            waarde.cast(pl.String).alias("waarde"),
            uitleg.cast(pl.String).alias("toelichting"),
        )
    )


# -- ranges: counts >= 0, percentages 0..100 ------------------------------------------------


def binnen_bereik(
    df: pl.DataFrame,
    *,
    stammen: Sequence[str],
    regio_kolom: str,
    minimum: float | None = None,
    maximum: float | None = None,
    meervoudig: bool = False,
) -> Uitkomst:
    """Every value of the columns of ``stammen`` lies in [minimum, maximum]; empty (secret or not
    available, as CBS publishes it) passes."""
    fouten = _ontbrekende_kolommen(df, regio_kolom)
    gevonden, ontbrekend, stamfouten = los_stammen_op(df.columns, stammen, meervoudig=meervoudig)
    fouten += stamfouten
    kolommen = [k for ks in gevonden.values() for k in ks]
    for k in kolommen:
        if not df.schema[k].is_numeric():
            fouten.append(f"kolom {k!r} is geen getal maar {df.schema[k]}")
    rapport: dict[str, object] = {
        "bereik": [minimum, maximum],
        "kolommen": {s: (ks if meervoudig else ks[0]) for s, ks in gevonden.items()},
        "overgeslagen_stammen": ontbrekend,
    }
    if fouten:
        return Uitkomst(_leeg(), tuple(fouten), rapport)

    def buiten(k: str) -> pl.Expr:
        w = pl.col(k)
        te_laag = (w < minimum) if minimum is not None else pl.lit(False)
        te_hoog = (w > maximum) if maximum is not None else pl.lit(False)
        return (te_laag | te_hoog).fill_null(False)

    # One pass over all columns to find the few with a violation (a wide table such as the
    # Veiligheidsmonitor has 200+ of them); only those are turned into violation rows.
    fout_kolommen = (
        [
            k
            for k, v in df.select([buiten(k).any().alias(k) for k in kolommen])
            .row(0, named=True)
            .items()
            if v
        ]
        if kolommen
        else []
    )
    delen = []
    for k in fout_kolommen:
        w = pl.col(k)
        uitleg = (
            pl.when(w < (minimum if minimum is not None else float("-inf")))
            .then(pl.lit(f"kleiner dan {_getal(minimum)}"))
            .otherwise(pl.lit(f"groter dan {_getal(maximum)}"))
        )
        delen.append(
            _overtredingen(
                df.select(regio_kolom, k),
                masker=buiten(k),
                regio_kolom=regio_kolom,
                kolom=k,
                waarde=w,
                uitleg=uitleg,
            )
        )
    overtredingen = pl.concat([_leeg(), *delen]).sort("rij", "kolom")
    rapport["overtredingen"] = overtredingen.height
    return Uitkomst(overtredingen, (), rapport)


def _getal(x: float | None) -> str:
    if x is None:
        return "-"
    return str(int(x)) if float(x).is_integer() else str(x)


# -- region codes under their own gemeente --------------------------------------------------


def regio_in_gemeente(
    df: pl.DataFrame,
    *,
    regio_kolom: str,
    soort_kolom: str | None = None,
    gemeentecode_kolom: str | None = None,
    gemeentenaam_kolom: str | None = None,
) -> Uitkomst:
    """Each wijk and buurt sits under its own gemeente.

    - ``soort_kolom`` (Land/Gemeente/Wijk/Buurt): the code's prefix fits the region kind;
    - ``gemeentecode_kolom``: the gemeente part of a WK/BU code (``BU0363…`` → ``GM0363``) equals
      the row's gemeentecode (and a GM row's own code equals it);
    - ``gemeentenaam_kolom`` (with gemeente rows in the table): the row's gemeente name belongs to
      the gemeente row whose code is the code's gemeente part;
    - when the table has gemeente rows at all: that gemeente is one of them.

    Malformed codes are left to the column's ``str_matches`` check, which names them.
    """
    fouten = _ontbrekende_kolommen(
        df, regio_kolom, soort_kolom, gemeentecode_kolom, gemeentenaam_kolom
    )
    if fouten:
        return Uitkomst(_leeg(), tuple(fouten))
    code = pl.col(regio_kolom)
    goed = code.str.contains(REGIOCODE).fill_null(False)
    onder = goed & (code.str.starts_with("WK") | code.str.starts_with("BU"))
    gm_deel = pl.lit("GM") + code.str.slice(2, 4)
    gm_rijen = df.filter(goed & code.str.starts_with("GM"))
    gemeenten = gm_rijen[regio_kolom].unique().implode()
    delen: list[pl.DataFrame] = []

    if soort_kolom is not None:
        verwacht = pl.col(soort_kolom).replace_strict(PREFIX_PER_SOORT, default=None)
        masker = goed & verwacht.is_not_null() & (code.str.slice(0, 2) != verwacht)
        uitleg = pl.format(
            "soort {} maar de code begint niet met {}", pl.col(soort_kolom), verwacht
        )
        delen.append(
            _overtredingen(
                df,
                masker=masker,
                regio_kolom=regio_kolom,
                kolom=regio_kolom,
                waarde=code,
                uitleg=uitleg,
            )
        )

    if gemeentecode_kolom is not None:
        eigen = pl.col(gemeentecode_kolom)
        masker = (
            (onder & (gm_deel != eigen)) | (goed & code.str.starts_with("GM") & (code != eigen))
        ).fill_null(False)
        uitleg = pl.format(
            "de code hoort bij {} maar de rij staat onder gemeente {} ({})",
            pl.when(onder).then(gm_deel).otherwise(code),
            eigen,
            pl.lit(gemeentecode_kolom),
        )
        delen.append(
            _overtredingen(
                df,
                masker=masker,
                regio_kolom=regio_kolom,
                kolom=regio_kolom,
                waarde=code,
                uitleg=uitleg,
            )
        )

    if gemeentenaam_kolom is not None and gm_rijen.height:
        naam_codes = gm_rijen.group_by(gemeentenaam_kolom).agg(
            pl.col(regio_kolom).unique().alias("__codes")
        )
        met = df.join(naam_codes, on=gemeentenaam_kolom, how="left", maintain_order="left")
        masker = onder & (
            pl.col("__codes").is_null() | ~pl.col("__codes").list.contains(gm_deel)
        ).fill_null(True)
        uitleg = (
            pl.when(pl.col("__codes").is_null())
            .then(
                pl.format(
                    "gemeente {} ({}) heeft geen gemeenterij in de tabel",
                    pl.col(gemeentenaam_kolom),
                    pl.lit(gemeentenaam_kolom),
                )
            )
            .otherwise(
                pl.format(
                    "de code hoort bij {} maar de rij staat onder gemeente {} ({})",
                    gm_deel,
                    pl.col(gemeentenaam_kolom),
                    pl.col("__codes").list.join(", "),
                )
            )
        )
        delen.append(
            _overtredingen(
                met,
                masker=masker,
                regio_kolom=regio_kolom,
                kolom=regio_kolom,
                waarde=code,
                uitleg=uitleg,
            )
        )

    if gm_rijen.height:
        masker = onder & ~gm_deel.is_in(gemeenten)
        uitleg = pl.format("gemeente {} staat niet in de tabel", gm_deel)
        delen.append(
            _overtredingen(
                df,
                masker=masker,
                regio_kolom=regio_kolom,
                kolom=regio_kolom,
                waarde=code,
                uitleg=uitleg,
            )
        )

    overtredingen = pl.concat([_leeg(), *delen]).unique(maintain_order=True).sort("rij")
    rapport = {
        "wijken_en_buurten": df.select(onder.sum()).item(),
        "gemeenten_in_tabel": gm_rijen.height,
        "overtredingen": overtredingen.height,
    }
    return Uitkomst(overtredingen, (), rapport)


# -- buurten add up to their gemeente ------------------------------------------------------


def buurtsom_gemeente(
    df: pl.DataFrame,
    *,
    stam: str,
    regio_kolom: str,
    marge_per_buurt: float,
    marge_tekort_aandeel: float,
    rijlimiet: int | None = None,
) -> Uitkomst:
    """A gemeente's buurten add up to the gemeente's own figure, within CBS's rounding.

    With n buurten, S their sum and G the gemeente's figure, the check allows
    ``S - G <= marge_per_buurt * n`` and ``G - S <= marge_per_buurt * n + marge_tekort_aandeel * G``
    (the reasoning and the calibration are in the schema's check description and
    docs/ontwikkelaars.md). A table of exactly ``rijlimiet`` rows is a truncated download: the
    gemeente of its last row, and any gemeente with a wijk whose buurten are missing, may have lost
    buurten to the cut and are exempt (listed in the report).
    """
    gevonden, ontbrekend, fouten = los_stammen_op(df.columns, [stam])
    fouten += _ontbrekende_kolommen(df, regio_kolom)
    if fouten:
        return Uitkomst(_leeg(), tuple(fouten))
    if ontbrekend:
        return Uitkomst(_leeg(), (), {"overgeslagen_stammen": ontbrekend})
    kolom = gevonden[stam][0]
    code = pl.col(regio_kolom)
    regio = df.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("rij"),
        code.alias("code"),
        pl.col(kolom).alias("waarde"),
    ).filter(pl.col("code").str.contains(REGIOCODE).fill_null(False))
    gm_van = pl.lit("GM") + pl.col("code").str.slice(2, 4)

    afgekapt = rijlimiet is not None and df.height == rijlimiet
    vrijgesteld: dict[str, str] = {}
    if afgekapt:
        laatste = df[regio_kolom][-1]
        if laatste and laatste[:2] in ("GM", "WK", "BU"):
            vrijgesteld[f"GM{laatste[2:6]}"] = (
                f"laatste gemeente van een afgekapte tabel ({rijlimiet} rijen): "
                "buurten kunnen achter de afkapping liggen"
            )
        wijken = regio.filter(pl.col("code").str.starts_with("WK"))["code"].str.slice(2)
        buurtwijken = regio.filter(pl.col("code").str.starts_with("BU"))["code"].str.slice(2, 6)
        for w in wijken.filter(~wijken.is_in(buurtwijken.implode())).to_list():
            vrijgesteld.setdefault(
                f"GM{w[:4]}", f"wijk WK{w} heeft geen buurten in de afgekapte tabel"
            )

    buurten = (
        regio.filter(pl.col("code").str.starts_with("BU"))
        .group_by(gm_van.alias("code"))
        .agg(
            pl.col("waarde").sum().alias("som"),
            pl.len().alias("buurten"),
            pl.col("waarde").null_count().alias("leeg"),
        )
    )
    vergelijking = (
        regio.filter(pl.col("code").str.starts_with("GM"))
        .join(buurten, on="code", how="left")
        .with_columns(pl.col("som").fill_null(0), pl.col("buurten").fill_null(0))
        .filter(~pl.col("code").is_in(list(vrijgesteld)))
    )
    niet_vergelijkbaar = vergelijking.filter(
        pl.col("waarde").is_null() | (pl.col("leeg").fill_null(0) > 0)
    )["code"].to_list()
    vergelijking = (
        vergelijking.filter(pl.col("waarde").is_not_null() & (pl.col("leeg").fill_null(0) == 0))
        .with_columns(
            (pl.col("som") - pl.col("waarde")).alias("afwijking"),
            (marge_per_buurt * pl.col("buurten")).alias("marge_boven"),
            (marge_per_buurt * pl.col("buurten") + marge_tekort_aandeel * pl.col("waarde")).alias(
                "marge_onder"
            ),
        )
        .with_columns(
            pl.when(pl.col("afwijking") >= 0)
            .then(pl.col("afwijking") / pl.col("marge_boven"))
            .otherwise(-pl.col("afwijking") / pl.col("marge_onder"))
            .alias("benutting")
        )
    )
    masker = (pl.col("afwijking") > pl.col("marge_boven")) | (
        -pl.col("afwijking") > pl.col("marge_onder")
    )
    uitleg = pl.format(
        "de {} buurten tellen op tot {}, de gemeente zelf heeft {}: afwijking {} valt buiten "
        "de afrondingsmarge (-{} .. +{})",
        pl.col("buurten"),
        pl.col("som"),
        pl.col("waarde"),
        pl.col("afwijking"),
        pl.col("marge_onder").round(1),
        pl.col("marge_boven").round(1),
    )
    overtredingen = vergelijking.filter(masker.fill_null(True)).select(
        pl.col("rij"),
        pl.col("code").alias("regio"),
        pl.lit(kolom, pl.String).alias("kolom"),
        pl.col("waarde").cast(pl.String),
        uitleg.alias("toelichting"),
    )
    rapport: dict[str, object] = {
        "kolom": kolom,
        "gemeenten_vergeleken": vergelijking.height,
        "afgekapt": afgekapt,
        "vrijgesteld": [{"gemeente": g, "reden": r} for g, r in vrijgesteld.items()],
        "niet_vergelijkbaar": niet_vergelijkbaar,
        "marge": {"per_buurt": marge_per_buurt, "tekort_aandeel_gemeente": marge_tekort_aandeel},
        "overtredingen": overtredingen.height,
    }
    if vergelijking.height:
        grootst = vergelijking.sort(
            pl.col("afwijking").abs(), "code", descending=[True, False]
        ).row(0, named=True)
        krapst = vergelijking.sort("benutting", "code", descending=[True, False]).row(0, named=True)
        rapport["max_afwijking"] = {
            "gemeente": grootst["code"],
            "afwijking": grootst["afwijking"],
            "buurten": grootst["buurten"],
            "gemeente_waarde": grootst["waarde"],
            "som_buurten": grootst["som"],
        }
        rapport["max_benutting_marge"] = {
            "gemeente": krapst["code"],
            "benutting": round(float(krapst["benutting"]), 4),
            "afwijking": krapst["afwijking"],
            "buurten": krapst["buurten"],
        }
    return Uitkomst(overtredingen.sort("rij"), (), rapport)
