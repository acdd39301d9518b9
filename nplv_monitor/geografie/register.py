"""Resolution of the area register ``assets/gebieden.yaml`` to buurten, with its checks.

The register (read by ``geografie.gebieden.lees_register``) gives per focus area and indeling year
either its members — wijken (meaning: all buurten of that wijk in that year) and/or single buurten
— or nothing/``toevoegen``/``weglaten``, in which case the year is derived from the previous one
(``geografie.afleiding``). Resolution turns that into ``(gebied_code, indelingsjaar, buurtcode)``;
validation refuses a register in which a code does not exist in that year's indeling, a code lies
outside the area's gemeente, a buurt belongs to two areas, or a derived buurt stays undecided.
Every error names the file, the area, the year and the code.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from nplv_monitor.errors import RegisterFout
from nplv_monitor.geografie import afleiding
from nplv_monitor.geografie.gebieden import (
    REGISTER_PAD,
    Gebied,
    Register,
    lees_register,
)

# The loader and its types live in the vocabulary module; re-exported for existing callers.
__all__ = [
    "REGISTER_PAD",
    "Gebied",
    "Register",
    "afleiding_van",
    "indelingsjaren",
    "leden_tabel",
    "lees_register",
    "los_op",
]

#: Register key -> (role, level); the level of a toevoegen/weglaten code follows from its prefix.
_SLEUTELS = {
    "wijken": ("lid", "wijk"),
    "buurten": ("lid", "buurt"),
    "toevoegen": ("toevoegen", None),
    "weglaten": ("weglaten", None),
}
_NIVEAU = {"WK": "wijk", "BU": "buurt"}


def _fout(register: Register, melding: str) -> RegisterFout:
    return RegisterFout(f"{register.pad}: {melding}")


def leden_tabel(register: Register) -> pl.DataFrame:
    """The register's codes as rows: (gebied_code, gemeentecode, indelingsjaar, rol, niveau, code).

    ``rol`` is ``lid`` (explicit member), ``toevoegen`` or ``weglaten`` (overrides of a derived
    year); ``niveau`` is ``wijk``, ``buurt`` or null for a code that is neither.
    """
    rijen = [
        (
            g.code,
            g.gemeentecode,
            jaar,
            rol,
            niveau or _NIVEAU.get(code[:2]),
            code,
        )
        for g in register.gebieden
        for jaar, leden in g.indelingen.items()
        for sleutel, (rol, niveau) in _SLEUTELS.items()
        for code in getattr(leden, sleutel)
    ]
    return pl.DataFrame(
        rijen,
        schema={
            "gebied_code": pl.String,
            "gemeentecode": pl.String,
            "indelingsjaar": pl.Int64,
            "rol": pl.String,
            "niveau": pl.String,
            "code": pl.String,
        },
        orient="row",
    )


def _eerste(df: pl.DataFrame) -> dict[str, Any]:
    return df.sort("gebied_code", "indelingsjaar", "code").row(0, named=True)


def indelingsjaren(register: Register, indeling: pl.DataFrame) -> list[int]:
    """The years the areas are resolved in: every buurt indeling of ``indeling`` from the
    register's ``basisjaar`` on (earlier indelingen have no area to derive from)."""
    jaren = sorted(set(indeling.filter(pl.col("soort") == "buurt")["indelingsjaar"].to_list()))
    zonder = [j for j in register.jaren() if j not in jaren]
    if zonder:
        raise _fout(
            register,
            f"indelingsjaar {zonder[0]} staat in het register maar de regio-indeling heeft voor "
            f"dat jaar geen buurten (aanwezig: {', '.join(map(str, jaren))}).",
        )
    return [j for j in jaren if j >= register.basisjaar]


def _vorig_jaar(register: Register, indeling: pl.DataFrame, jaar: int) -> int:
    jaren = indelingsjaren(register, indeling)
    if jaar not in jaren[1:]:
        raise _fout(
            register,
            f"indeling {jaar} is niet af te leiden; dat kan voor "
            f"{', '.join(map(str, jaren[1:])) or 'geen enkel jaar'} (het eerste jaar, "
            f"{register.basisjaar}, staat altijd expliciet).",
        )
    return jaren[jaren.index(jaar) - 1]


def _controleer_codes(register: Register, leden: pl.DataFrame, indeling: pl.DataFrame) -> None:
    regio = indeling.select(
        "indelingsjaar",
        pl.col("regiocode").alias("code"),
        pl.col("soort").alias("niveau"),
        pl.col("gemeentecode").alias("regio_gemeente"),
    )
    gekoppeld = leden.join(regio, on=["indelingsjaar", "code", "niveau"], how="left")
    onbekend = gekoppeld.filter(pl.col("regio_gemeente").is_null())
    if onbekend.height:
        r = _eerste(onbekend)
        wat = f"{r['niveau']}code" if r["niveau"] else "wijk- of buurtcode"
        raise _fout(
            register,
            f"gebied {r['gebied_code']}, indeling {r['indelingsjaar']} ({r['rol']}): {wat} "
            f"{r['code']} bestaat niet in de CBS-indeling {r['indelingsjaar']} "
            f"({onbekend.height} onbekende code(s)).",
        )
    buiten = gekoppeld.filter(
        pl.col("rol") != "weglaten", pl.col("regio_gemeente") != pl.col("gemeentecode")
    )
    if buiten.height:
        r = _eerste(buiten)
        raise _fout(
            register,
            f"gebied {r['gebied_code']}, indeling {r['indelingsjaar']}: {r['niveau']} {r['code']} "
            f"ligt in {r['regio_gemeente']}, buiten de gemeente van het gebied "
            f"({r['gemeentecode']}).",
        )


def _regio(indeling: pl.DataFrame, jaar: int) -> pl.DataFrame:
    return indeling.filter(pl.col("indelingsjaar") == jaar).select(
        pl.col("regiocode").alias("code"), pl.col("regionaam").alias("naam"), "gemeentecode"
    )


def afleiding_van(
    register: Register, indeling: pl.DataFrame, vorige_leden: pl.DataFrame, jaar: int
) -> pl.DataFrame:
    """``afleiding.leid_af`` for indeling ``jaar`` from the register year before it.

    ``vorige_leden``: the resolved membership (gebied_code, buurtcode) of that previous year.
    """
    vorig_jaar = _vorig_jaar(register, indeling, jaar)
    return afleiding.leid_af(
        _regio(indeling, vorig_jaar),
        _regio(indeling, jaar),
        vorige_leden.select("gebied_code", "buurtcode"),
        pl.DataFrame(
            [(g.code, g.gemeentecode) for g in register.gebieden],
            schema={"gebied_code": pl.String, "gemeentecode": pl.String},
            orient="row",
        ),
    )


def _afgeleid(
    register: Register,
    indeling: pl.DataFrame,
    *,
    gebieden: list[Gebied],
    jaar: int,
    vorige_leden: pl.DataFrame,
    besluiten: pl.DataFrame,
) -> pl.DataFrame:
    vorig_jaar = _vorig_jaar(register, indeling, jaar)
    leden = afleiding.beslis(
        afleiding_van(register, indeling, vorige_leden, jaar),
        besluiten,
        [g.code for g in gebieden],
        jaar=jaar,
        vorig_jaar=vorig_jaar,
        pad=register.pad,
    )
    return leden.select(
        "gebied_code",
        pl.lit(jaar, pl.Int64).alias("indelingsjaar"),
        "buurtcode",
        pl.lit(f"afgeleid uit {vorig_jaar}").alias("code"),
    )


def los_op(register: Register, indeling: pl.DataFrame) -> pl.DataFrame:
    """Resolve and validate: ``(gebied_code, indelingsjaar, buurtcode)`` for every focus area and
    every buurt indeling year from the register's basisjaar on (:func:`indelingsjaren`), deriving
    the years an area does not list explicitly.

    ``indeling`` is ``ref.regio_indeling``. Raises RegisterFout naming file, area, year and code.
    """
    leden = leden_tabel(register)
    _controleer_codes(register, leden, indeling)
    buurten = indeling.filter(pl.col("soort") == "buurt").select(
        "indelingsjaar", pl.col("regiocode").alias("buurtcode"), "wijkcode"
    )
    via_wijk = leden.filter(pl.col("niveau") == "wijk").join(
        buurten, left_on=["indelingsjaar", "code"], right_on=["indelingsjaar", "wijkcode"]
    )
    direct = leden.filter(pl.col("niveau") == "buurt").with_columns(buurtcode=pl.col("code"))
    kolommen = ["gebied_code", "indelingsjaar", "buurtcode", "code"]
    uitgeklapt = pl.concat([via_wijk.select(*kolommen, "rol"), direct.select(*kolommen, "rol")])
    expliciet = uitgeklapt.filter(pl.col("rol") == "lid").select(kolommen)
    binnen = expliciet.filter(
        pl.struct("gebied_code", "indelingsjaar", "buurtcode").is_duplicated()
    )
    if binnen.height:
        r = _eerste(binnen)
        raise _fout(
            register,
            f"gebied {r['gebied_code']}, indeling {r['indelingsjaar']}: buurt {r['buurtcode']} "
            "staat er twee keer in (los en via haar wijk, of dubbel genoemd).",
        )

    # Year by year, oldest first: a derived year needs the resolved year before it.
    per_jaar: list[pl.DataFrame] = []
    jaren = indelingsjaren(register, indeling)
    for vorig_jaar, jaar in zip((None, *jaren), jaren, strict=False):
        deel = expliciet.filter(pl.col("indelingsjaar") == jaar)
        af_te_leiden = [g for g in register.gebieden if not g.leden(jaar).expliciet]
        if af_te_leiden and vorig_jaar is not None:
            besluiten = uitgeklapt.filter(
                pl.col("indelingsjaar") == jaar, pl.col("rol").is_in(["toevoegen", "weglaten"])
            ).select("gebied_code", "buurtcode", pl.col("rol").alias("actie"))
            deel = pl.concat(
                [
                    deel,
                    _afgeleid(
                        register,
                        indeling,
                        gebieden=af_te_leiden,
                        jaar=jaar,
                        vorige_leden=per_jaar[-1],
                        besluiten=besluiten,
                    ),
                ]
            )
        per_jaar.append(deel)
    opgelost = pl.concat(per_jaar)

    alle = pl.DataFrame(
        [(g.code, jaar) for jaar in jaren for g in register.gebieden],
        schema={"gebied_code": pl.String, "indelingsjaar": pl.Int64},
        orient="row",
    )
    leeg = alle.join(opgelost, on=["gebied_code", "indelingsjaar"], how="anti")
    if leeg.height:
        r = leeg.row(0, named=True)
        raise _fout(
            register,
            f"gebied {r['gebied_code']}, indeling {r['indelingsjaar']}: geen enkele buurt.",
        )
    twee = (
        opgelost.group_by("indelingsjaar", "buurtcode")
        .agg(pl.col("gebied_code").sort().alias("gebieden"), pl.col("code").sort().alias("codes"))
        .filter(pl.col("gebieden").list.len() > 1)
        .sort("indelingsjaar", "buurtcode")
    )
    if twee.height:
        r = twee.row(0, named=True)
        raise _fout(
            register,
            f"indeling {r['indelingsjaar']}: buurt {r['buurtcode']} hoort bij twee gebieden: "
            f"{' en '.join(r['gebieden'])} (via {', '.join(r['codes'])}).",
        )
    return opgelost.select("gebied_code", "indelingsjaar", "buurtcode").sort(
        "gebied_code", "indelingsjaar", "buurtcode"
    )
