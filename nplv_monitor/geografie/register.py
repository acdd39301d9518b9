"""The area register ``assets/gebieden.yaml``: reading, validation, resolution to buurten.

Each focus area lists per indeling year its member wijken (meaning: all buurten of that wijk in
that year) and/or single buurten. Resolution turns that into ``(gebied_code, indelingsjaar,
buurtcode)``; validation refuses a register in which a code does not exist in that year's
indeling, a code lies outside the area's gemeente, or a buurt belongs to two areas. Every error
names the file, the area, the year and the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from nplv_monitor.config import ASSETS_DIR
from nplv_monitor.errors import RegisterFout
from nplv_monitor.geografie.indeling import BUURTJAREN
from nplv_monitor.yamlbestand import YamlFout, lees_yaml

REGISTER_PAD = ASSETS_DIR / "gebieden.yaml"

#: The fixed focus-area codes (docs/ontwikkelaars.md): every stage keys on these.
FOCUSGEBIEDEN = (
    "amsterdam_nieuw_west",
    "amsterdam_zuidoost",
    "rotterdam_zuid",
    "den_haag_zuidwest",
    "utrecht_overvecht",
    "groningen_noord",
    "arnhem_oost",
    "heerlen_noord",
    "breda_noord",
    "eindhoven_woensel_zuid",
    "tilburg_noordwest",
    "zaandam_oost",
    "leeuwarden_oost",
    "lelystad_oost",
    "nieuwegein_centrale_as",
    "delft_west",
    "dordrecht_west",
    "roosendaal_ring",
    "schiedam_nieuwland_oost",
    "vlaardingen_westwijk",
)


@dataclass(frozen=True)
class Gebied:
    code: str
    naam: str
    gemeentecode: str
    reeks_vergelijkbaar: bool
    toelichting: str
    #: indelingsjaar -> (wijkcodes, buurtcodes)
    leden: dict[int, tuple[tuple[str, ...], tuple[str, ...]]]


@dataclass(frozen=True)
class Register:
    pad: Path
    gebieden: tuple[Gebied, ...]

    def codes(self) -> list[str]:
        return [g.code for g in self.gebieden]


def _fout(pad: Path, melding: str) -> RegisterFout:
    return RegisterFout(f"{pad}: {melding}")


def _lijst(pad: Path, code: str, jaar: int, sleutel: str, waarde: Any) -> tuple[str, ...]:
    if waarde is None:
        return ()
    if not isinstance(waarde, list) or not all(isinstance(c, str) for c in waarde):
        raise _fout(pad, f"gebied {code}, indeling {jaar}: '{sleutel}' moet een lijst codes zijn.")
    return tuple(c.strip() for c in waarde)


def lees_register(pad: Path = REGISTER_PAD) -> Register:
    """Read and structurally check the register (keys, fixed codes, years present)."""
    try:
        ruw = lees_yaml(pad)
    except YamlFout as exc:
        raise RegisterFout(str(exc)) from exc
    if not isinstance(ruw, dict) or not isinstance(ruw.get("gebieden"), list):
        raise _fout(pad, "verwacht een sleutel 'gebieden' met een lijst gebieden.")
    gebieden: list[Gebied] = []
    for nr, item in enumerate(ruw["gebieden"], start=1):
        if not isinstance(item, dict):
            raise _fout(pad, f"gebied nr. {nr} is geen mapping.")
        ontbreekt = [k for k in ("code", "naam", "gemeentecode", "indelingen") if k not in item]
        if ontbreekt:
            raise _fout(pad, f"gebied nr. {nr} ({item.get('code')}): mist {', '.join(ontbreekt)}.")
        code = str(item["code"])
        if code not in FOCUSGEBIEDEN:
            raise _fout(
                pad, f"gebied {code}: onbekende gebiedscode (vaste lijst in docs/ontwikkelaars.md)."
            )
        indelingen = item["indelingen"] or {}
        leden: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        for jaar in BUURTJAREN:
            if jaar not in indelingen:
                raise _fout(pad, f"gebied {code}: geen leden voor indeling {jaar}.")
            blok = indelingen[jaar] or {}
            leden[jaar] = (
                _lijst(pad, code, jaar, "wijken", blok.get("wijken")),
                _lijst(pad, code, jaar, "buurten", blok.get("buurten")),
            )
            if not any(leden[jaar]):
                raise _fout(pad, f"gebied {code}, indeling {jaar}: geen wijken of buurten.")
        gebieden.append(
            Gebied(
                code=code,
                naam=str(item["naam"]),
                gemeentecode=str(item["gemeentecode"]),
                reeks_vergelijkbaar=bool(item.get("reeks_vergelijkbaar", True)),
                toelichting=str(item.get("toelichting", "")).strip(),
                leden=leden,
            )
        )
    codes = [g.code for g in gebieden]
    dubbel = sorted({c for c in codes if codes.count(c) > 1})
    if dubbel:
        raise _fout(pad, f"gebied(en) meer dan eens opgenomen: {', '.join(dubbel)}.")
    missend = [c for c in FOCUSGEBIEDEN if c not in codes]
    if missend:
        raise _fout(pad, f"focusgebied(en) ontbreken: {', '.join(missend)}.")
    return Register(pad=pad, gebieden=tuple(gebieden))


def leden_tabel(register: Register) -> pl.DataFrame:
    """The register as rows: (gebied_code, gemeentecode, indelingsjaar, niveau, code)."""
    rijen = [
        (g.code, g.gemeentecode, jaar, niveau, code)
        for g in register.gebieden
        for jaar, (wijken, buurten) in g.leden.items()
        for niveau, codes in (("wijk", wijken), ("buurt", buurten))
        for code in codes
    ]
    return pl.DataFrame(
        rijen,
        schema={
            "gebied_code": pl.String,
            "gemeentecode": pl.String,
            "indelingsjaar": pl.Int64,
            "niveau": pl.String,
            "code": pl.String,
        },
        orient="row",
    )


def _eerste(df: pl.DataFrame) -> dict[str, Any]:
    return df.sort("gebied_code", "indelingsjaar", "code").row(0, named=True)


def los_op(register: Register, indeling: pl.DataFrame) -> pl.DataFrame:
    """Resolve and validate: ``(gebied_code, indelingsjaar, buurtcode)`` for every focus area.

    ``indeling`` is ``ref.regio_indeling``. Raises RegisterFout naming file, area, year and code.
    """
    leden = leden_tabel(register)
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
        raise _fout(
            register.pad,
            f"gebied {r['gebied_code']}, indeling {r['indelingsjaar']}: {r['niveau']}code "
            f"{r['code']} bestaat niet in de CBS-indeling {r['indelingsjaar']} "
            f"({onbekend.height} onbekende code(s)).",
        )
    buiten = gekoppeld.filter(pl.col("regio_gemeente") != pl.col("gemeentecode"))
    if buiten.height:
        r = _eerste(buiten)
        raise _fout(
            register.pad,
            f"gebied {r['gebied_code']}, indeling {r['indelingsjaar']}: {r['niveau']} {r['code']} "
            f"ligt in {r['regio_gemeente']}, buiten de gemeente van het gebied "
            f"({r['gemeentecode']}).",
        )
    buurten = indeling.filter(pl.col("soort") == "buurt").select(
        "indelingsjaar", pl.col("regiocode").alias("buurtcode"), "wijkcode"
    )
    via_wijk = leden.filter(pl.col("niveau") == "wijk").join(
        buurten, left_on=["indelingsjaar", "code"], right_on=["indelingsjaar", "wijkcode"]
    )
    direct = leden.filter(pl.col("niveau") == "buurt").with_columns(buurtcode=pl.col("code"))
    kolommen = ["gebied_code", "indelingsjaar", "buurtcode", "code"]
    opgelost = pl.concat([via_wijk.select(kolommen), direct.select(kolommen)])

    binnen = opgelost.filter(pl.struct("gebied_code", "indelingsjaar", "buurtcode").is_duplicated())
    if binnen.height:
        r = _eerste(binnen)
        raise _fout(
            register.pad,
            f"gebied {r['gebied_code']}, indeling {r['indelingsjaar']}: buurt {r['buurtcode']} "
            "staat er twee keer in (los en via haar wijk, of dubbel genoemd).",
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
            register.pad,
            f"indeling {r['indelingsjaar']}: buurt {r['buurtcode']} hoort bij twee gebieden: "
            f"{' en '.join(r['gebieden'])} (via {', '.join(r['codes'])}).",
        )
    return opgelost.select("gebied_code", "indelingsjaar", "buurtcode").sort(
        "gebied_code", "indelingsjaar", "buurtcode"
    )
