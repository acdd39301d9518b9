"""Derive the areas' buurten in a new CBS indeling from the previous one, where CBS codes persist.

CBS buurt codes are hierarchical (``BUggggwwbb`` lies in wijk ``WKggggww`` of gemeente ``GMgggg``)
and CBS keeps a code as long as the buurt keeps its ground; a redrawn, split or merged buurt gets a
code that did not exist before. So the codes alone decide most buurten of a new indeling:

``code_blijft``
    The buurt code exists in both indelingen (same gemeente): it keeps its area, or stays outside
    every area. A changed *name* does not matter.
``wijk_binnen_gebied`` / ``wijk_buiten_gebieden``
    A *new or changed code* — a buurt code absent from the previous indeling, whether the buurt is
    new, split, merged or renumbered; the code cannot tell these apart and does not need to — lies
    under a wijk that continues (see below) and that lay wholly inside one area (every previous
    buurt of the wijk in that area) or wholly outside every area. The buurt follows its wijk. The
    wijk's persisting buurten then necessarily belong to the same area, so the new wijk consists,
    apart from its new buurten, only of buurten of that one area.
``geen_gebied_in_gemeente``
    No area lies in the buurt's gemeente (and the code was not in an area before): outside.

A wijk *continues* when its code existed in the previous indeling and it kept at least one buurt
code or its name (compared without a "Wijk NN" prefix and case). A wijk code that kept neither is
taken to be reused with other content. Everything else is undecided (``beslist`` false):

``wijk_nieuw``           the wijk code did not exist (Amsterdam renumbered all its wijken in 2022);
``wijk_hergebruikt``     the wijk code was reused with other content;
``wijk_verdeeld``        the wijk lay partly in an area and partly outside it (or in two areas);
``gemeente_gewijzigd``   a persisting buurt code lies in another gemeente than before.

Undecided buurten are settled in ``assets/gebieden.yaml`` (``toevoegen``/``weglaten`` per area and
year, or an explicit list); :func:`beslis` applies those and raises one ``RegisterFout`` that lists
every buurt still undecided with the YAML that settles it. Pure functions over polars frames; the
register (``geografie.register.los_op``) calls them per indeling year.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from nplv_monitor.errors import RegisterFout
from nplv_monitor.geografie.gebieden import BUITEN

#: Rules that decide a buurt, and rules that leave it undecided.
BESLISSENDE_REGELS = (
    "code_blijft",
    "wijk_binnen_gebied",
    "wijk_buiten_gebieden",
    "geen_gebied_in_gemeente",
)
ONBESLISTE_REGELS = ("wijk_nieuw", "wijk_hergebruikt", "wijk_verdeeld", "gemeente_gewijzigd")

KOLOMMEN = [
    "buurtcode",
    "buurtnaam",
    "gemeentecode",
    "gemeentenaam",
    "wijkcode",
    "wijknaam",
    "buurten_in_wijk",
    "gebied_code",
    "beslist",
    "regel",
    "kandidaten",
]


def naam_sleutel(naam: pl.Expr) -> pl.Expr:
    """A region name for comparison: CBS sometimes prefixes wijk names with "Wijk NN "."""
    return naam.str.to_lowercase().str.replace(r"^wijk \d+\s+", "").str.strip_chars()


def _wijkcode(buurtcode: pl.Expr) -> pl.Expr:
    return pl.lit("WK") + buurtcode.str.slice(2, 6)


def _regios(regio: pl.DataFrame, prefix: str) -> pl.DataFrame:
    return regio.filter(pl.col("code").str.starts_with(prefix))


def _buurten(regio: pl.DataFrame) -> pl.DataFrame:
    return _regios(regio, "BU").select(
        pl.col("code").alias("buurtcode"),
        pl.col("naam").alias("buurtnaam"),
        "gemeentecode",
        _wijkcode(pl.col("code")).alias("wijkcode"),
    )


def _namen(regio: pl.DataFrame, prefix: str, code: str, naam: str) -> pl.DataFrame:
    return _regios(regio, prefix).select(pl.col("code").alias(code), pl.col("naam").alias(naam))


def leid_af(
    vorige: pl.DataFrame,
    nieuwe: pl.DataFrame,
    lidmaatschap: pl.DataFrame,
    gebieden: pl.DataFrame,
) -> pl.DataFrame:
    """Decide, per buurt of the new indeling, which area it belongs to.

    ``vorige``/``nieuwe``: the regions of both indelingen (``code``, ``naam``, ``gemeentecode``;
    buurten ``BU…``, and wijken ``WK…`` and gemeenten ``GM…`` for names — a missing wijk row only
    means its name is unknown). ``lidmaatschap``: the previous indeling's resolved membership
    (``gebied_code``, ``buurtcode``). ``gebieden``: the areas (``gebied_code``, ``gemeentecode``).

    Returns one row per buurt of the new indeling, with the columns of :data:`KOLOMMEN`:
    ``gebied_code`` (null = outside every area; null too while undecided), ``beslist``, ``regel``
    and ``kandidaten`` (the areas an undecided buurt might belong to; empty when decided).
    """
    vb = _buurten(vorige).join(
        lidmaatschap.select("buurtcode", pl.col("gebied_code").alias("gebied_vorig")),
        on="buurtcode",
        how="left",
        validate="1:1",
    )
    nb = _buurten(nieuwe)
    # The previous wijk: which areas (null = outside) its buurten were in.
    vorige_wijk = vb.group_by("wijkcode").agg(
        pl.col("gebied_vorig").unique().alias("wijk_leden_vorig"),
    )
    doorlopend = (
        nb.join(vb.select("buurtcode"), on="buurtcode", how="semi")
        .group_by("wijkcode")
        .agg(pl.len().alias("buurten_doorlopend"))
    )
    wijknamen = _namen(nieuwe, "WK", "wijkcode", "wijknaam").join(
        _namen(vorige, "WK", "wijkcode", "wijknaam_vorig"), on="wijkcode", how="left"
    )
    per_gemeente = gebieden.group_by("gemeentecode").agg(
        pl.col("gebied_code").sort().alias("gemeente_gebieden")
    )
    df = (
        nb.join(
            vb.select("buurtcode", pl.col("gemeentecode").alias("gemeente_vorig"), "gebied_vorig"),
            on="buurtcode",
            how="left",
        )
        .with_columns(bestond=pl.col("gemeente_vorig").is_not_null())
        .join(vorige_wijk, on="wijkcode", how="left")
        .join(doorlopend, on="wijkcode", how="left")
        .join(wijknamen, on="wijkcode", how="left")
        .join(per_gemeente, on="gemeentecode", how="left")
        .join(_namen(nieuwe, "GM", "gemeentecode", "gemeentenaam"), on="gemeentecode", how="left")
        .with_columns(
            buurten_in_wijk=pl.len().over("wijkcode").cast(pl.Int64),
            gemeente_gebieden=pl.col("gemeente_gebieden").fill_null(pl.lit([], pl.List(pl.String))),
        )
    )
    wijk_bestond = pl.col("wijk_leden_vorig").is_not_null()
    wijk_loopt_door = wijk_bestond & (
        pl.col("buurten_doorlopend").fill_null(0).gt(0)
        | (naam_sleutel(pl.col("wijknaam")) == naam_sleutel(pl.col("wijknaam_vorig"))).fill_null(
            False
        )
    )
    een_lid = pl.col("wijk_leden_vorig").list.len() == 1
    wijk_lid = pl.col("wijk_leden_vorig").list.first()
    regel = (
        pl.when(pl.col("bestond") & (pl.col("gemeentecode") == pl.col("gemeente_vorig")))
        .then(pl.lit("code_blijft"))
        .when(pl.col("bestond"))
        .then(pl.lit("gemeente_gewijzigd"))
        .when(~wijk_bestond)
        .then(pl.lit("wijk_nieuw"))
        .when(~wijk_loopt_door)
        .then(pl.lit("wijk_hergebruikt"))
        .when(een_lid & wijk_lid.is_not_null())
        .then(pl.lit("wijk_binnen_gebied"))
        .when(een_lid)
        .then(pl.lit("wijk_buiten_gebieden"))
        .otherwise(pl.lit("wijk_verdeeld"))
    )
    oude_gebieden = pl.col("wijk_leden_vorig").list.drop_nulls()
    vorig_gebied = pl.concat_list(pl.col("gebied_vorig")).list.drop_nulls()
    kandidaten = (
        pl.when(pl.col("regel") == "gemeente_gewijzigd")
        .then(pl.concat_list(vorig_gebied, pl.col("gemeente_gebieden")))
        .when(pl.col("regel") == "wijk_nieuw")
        .then(pl.col("gemeente_gebieden"))
        .when(pl.col("regel") == "wijk_hergebruikt")
        .then(pl.concat_list(oude_gebieden, pl.col("gemeente_gebieden")))
        .when(pl.col("regel") == "wijk_verdeeld")
        .then(oude_gebieden)
        .otherwise(pl.lit([], pl.List(pl.String)))
        .list.unique()
        .list.sort()
    )
    df = df.with_columns(regel=regel).with_columns(kandidaten=kandidaten)
    # An undecided buurt no area could claim is outside (e.g. a new wijk of a gemeente without
    # an area): only the gemeenten of the areas can leave something to decide.
    geen_kandidaat = pl.col("regel").is_in(ONBESLISTE_REGELS) & (
        pl.col("kandidaten").list.len() == 0
    )
    df = df.with_columns(
        regel=pl.when(geen_kandidaat).then(pl.lit("geen_gebied_in_gemeente")).otherwise("regel")
    ).with_columns(
        beslist=pl.col("regel").is_in(BESLISSENDE_REGELS),
        gebied_code=pl.when(pl.col("regel") == "code_blijft")
        .then(pl.col("gebied_vorig"))
        .when(pl.col("regel") == "wijk_binnen_gebied")
        .then(wijk_lid)
        .otherwise(pl.lit(None, pl.String)),
    )
    return df.select(KOLOMMEN).sort("buurtcode")


def beslis(
    afleiding: pl.DataFrame,
    besluiten: pl.DataFrame,
    afgeleid: list[str],
    *,
    jaar: int,
    vorig_jaar: int,
    pad: Path,
) -> pl.DataFrame:
    """The derived membership ``(gebied_code, buurtcode)`` of the areas in ``afgeleid``.

    ``afleiding`` comes from :func:`leid_af`; ``besluiten`` are the register's overrides for this
    year (``gebied_code``, ``buurtcode``, ``actie`` ∈ {toevoegen, weglaten}; wijk codes already
    expanded to their buurten). ``toevoegen`` puts a buurt in the area, ``weglaten`` keeps it out.
    An undecided buurt is settled when an area lists it under ``toevoegen``, or every candidate
    area lists it under ``weglaten``; candidates that are not in ``afgeleid`` (their year is given
    explicitly) decide through their own list and do not count. Raises one RegisterFout listing
    every buurt left undecided, with the YAML that settles it.
    """
    toe = besluiten.filter(
        pl.col("actie") == "toevoegen", pl.col("gebied_code").is_in(afgeleid)
    ).select("gebied_code", "buurtcode")
    weg = besluiten.filter(pl.col("actie") == "weglaten").select("gebied_code", "buurtcode")
    basis = afleiding.filter(pl.col("beslist"), pl.col("gebied_code").is_in(afgeleid)).select(
        "gebied_code", "buurtcode"
    )
    leden = pl.concat([basis.join(weg, on=["gebied_code", "buurtcode"], how="anti"), toe]).unique()

    open_ = afleiding.filter(~pl.col("beslist")).with_columns(
        kandidaten=pl.col("kandidaten").list.set_intersection(pl.lit(afgeleid, pl.List(pl.String)))
    )
    open_ = open_.filter(pl.col("kandidaten").list.len() > 0).join(
        toe.select("buurtcode"), on="buurtcode", how="anti"
    )
    weggelaten = (
        open_.select("buurtcode", pl.col("kandidaten").alias("gebied_code"))
        .explode("gebied_code")
        .join(weg.with_columns(weg=pl.lit(True)), on=["gebied_code", "buurtcode"], how="left")
        .group_by("buurtcode")
        .agg(pl.col("weg").fill_null(False).all().alias("overal_weggelaten"))
    )
    open_ = open_.join(weggelaten, on="buurtcode").filter(~pl.col("overal_weggelaten"))
    if open_.height:
        raise RegisterFout(melding(open_, jaar=jaar, vorig_jaar=vorig_jaar, pad=pad))
    return leden.sort("gebied_code", "buurtcode")


_REDEN = {
    "wijk_nieuw": "wijkcode bestond niet in {vorig}",
    "wijk_hergebruikt": "wijkcode bestond in {vorig} met een andere naam en andere buurten",
    "wijk_verdeeld": "wijk lag in {vorig} deels in een gebied",
    "gemeente_gewijzigd": "buurtcode lag in {vorig} in een andere gemeente",
}


def melding(onbeslist: pl.DataFrame, *, jaar: int, vorig_jaar: int, pad: Path) -> str:
    """The one message for all undecided buurten: which, why, candidates, and the YAML to add.

    In the YAML a wijk whose buurten are all undecided (with the same candidates) is given by its
    wijk code, which stands for all its buurten.
    """
    df = onbeslist.with_columns(
        kandidaat_tekst=pl.col("kandidaten").list.join(", "),
        n_open=pl.len().over("wijkcode", "kandidaten").cast(pl.Int64),
    ).sort("gemeentecode", "wijkcode", "buurtcode")
    regels = [
        f"{pad}: indeling {jaar} is afgeleid uit indeling {vorig_jaar}, maar {df.height} buurt(en) "
        "zijn op hun code niet te beslissen (nieuwe of gewijzigde code onder een wijk die niet "
        "geheel binnen of buiten een gebied lag):"
    ]
    groepen = df.group_by(
        "gemeentecode",
        "gemeentenaam",
        "wijkcode",
        "wijknaam",
        "regel",
        "kandidaat_tekst",
        maintain_order=True,
    ).agg("buurtcode", "buurtnaam")
    for g in groepen.iter_rows(named=True):
        reden = _REDEN[g["regel"]].format(vorig=vorig_jaar)
        regels.append(
            f"  {g['gemeentecode']} {g['gemeentenaam'] or ''}, wijk {g['wijkcode']} "
            f"{g['wijknaam'] or ''} ({reden}); kandidaten: {g['kandidaat_tekst']} of {BUITEN}:"
        )
        regels.extend(
            f"    {code} {naam or ''}".rstrip()
            for code, naam in zip(g["buurtcode"], g["buurtnaam"], strict=True)
        )
    regels += [
        "",
        f"Beslis ze in {pad}, onder 'indelingen:' van het gebied (vul een bestaand blok voor "
        f"{jaar} aan): toevoegen = hoort in {jaar} bij het gebied, weglaten = hoort er niet bij; "
        "een wijkcode staat voor al haar buurten. Hieronder staat elke buurt onder toevoegen bij "
        "elk gebied dat haar kan hebben: verplaats wat niet bij het gebied hoort naar weglaten "
        "(een buurt hoort bij hoogstens één gebied). Of geef de leden voor "
        f"{jaar} volledig op met wijken/buurten, zoals voor indeling {vorig_jaar}.",
    ]
    per_gebied = df.drop("gebied_code").explode("kandidaten").rename({"kandidaten": "gebied_code"})
    for gebied in per_gebied["gebied_code"].unique().sort():
        deel = per_gebied.filter(pl.col("gebied_code") == gebied)
        heel = deel.filter(pl.col("n_open") == pl.col("buurten_in_wijk"))
        codes = (
            heel.group_by("wijkcode", maintain_order=True)
            .agg(pl.col("wijknaam").first(), pl.len().alias("n"))
            .select(
                pl.col("wijkcode").alias("code"),
                pl.format("{} ({} buurten)", pl.col("wijknaam").fill_null(""), "n").alias("uitleg"),
            )
        )
        los = deel.join(heel.select("buurtcode"), on="buurtcode", how="anti").select(
            pl.col("buurtcode").alias("code"),
            pl.format("{} (wijk {})", pl.col("buurtnaam").fill_null(""), "wijkcode").alias(
                "uitleg"
            ),
        )
        regels += ["", f"  # gebied {gebied}", f"      {jaar}:", "        toevoegen:"]
        regels.extend(
            f"          - {r['code']}  # {r['uitleg']}"
            for r in pl.concat([codes, los]).sort("code").iter_rows(named=True)
        )
        regels.append("        weglaten: []")
    return "\n".join(regels)


def vergelijk(
    afleiding: pl.DataFrame, register_leden: pl.DataFrame, inwoners: pl.DataFrame
) -> pl.DataFrame:
    """Per area: what the derivation decides against a curated membership of the same year.

    ``register_leden``: (gebied_code, buurtcode) curated; ``inwoners``: (buurtcode, inwoners) of
    the same indeling. Columns: buurten_afgeleid (decided into the area), buurten_onbeslist
    (undecided with the area among the candidates), buurten_register, buurten_gemeenschappelijk,
    buurten_alleen_afgeleid, buurten_alleen_register, and the inhabitants of the register set and
    of the common part.
    """
    afgeleid = afleiding.filter(pl.col("beslist"), pl.col("gebied_code").is_not_null()).select(
        "gebied_code", "buurtcode"
    )
    onbeslist = (
        afleiding.filter(~pl.col("beslist"))
        .select("buurtcode", pl.col("kandidaten").alias("gebied_code"))
        .explode("gebied_code")
        .group_by("gebied_code")
        .agg(pl.len().cast(pl.Int64).alias("buurten_onbeslist"))
    )
    inw = inwoners.select("buurtcode", "inwoners")
    sleutel = ["gebied_code", "buurtcode"]
    alle = (
        pl.concat(
            [
                afgeleid.with_columns(afgeleid=pl.lit(True), register=pl.lit(False)),
                register_leden.select(sleutel).with_columns(
                    afgeleid=pl.lit(False), register=pl.lit(True)
                ),
            ]
        )
        .group_by(sleutel)
        .agg(pl.col("afgeleid").any(), pl.col("register").any())
        .join(inw, on="buurtcode", how="left")
    )

    def _telling(voorwaarde: pl.Expr, naam: str) -> pl.Expr:
        return voorwaarde.sum().cast(pl.Int64).alias(naam)

    beide = pl.col("afgeleid") & pl.col("register")
    return (
        alle.group_by("gebied_code")
        .agg(
            _telling(pl.col("afgeleid"), "buurten_afgeleid"),
            _telling(pl.col("register"), "buurten_register"),
            _telling(beide, "buurten_gemeenschappelijk"),
            _telling(pl.col("afgeleid") & ~pl.col("register"), "buurten_alleen_afgeleid"),
            _telling(~pl.col("afgeleid") & pl.col("register"), "buurten_alleen_register"),
            pl.col("inwoners").filter(pl.col("register")).sum().alias("inwoners_register"),
            pl.col("inwoners").filter(beide).sum().alias("inwoners_gemeenschappelijk"),
        )
        .join(onbeslist, on="gebied_code", how="full", coalesce=True)
        .with_columns(pl.col(pl.Int64).fill_null(0))
        .select(
            "gebied_code",
            "buurten_afgeleid",
            "buurten_onbeslist",
            "buurten_register",
            "buurten_gemeenschappelijk",
            "buurten_alleen_afgeleid",
            "buurten_alleen_register",
            "inwoners_register",
            "inwoners_gemeenschappelijk",
        )
        .sort("gebied_code")
    )
