"""The area vocabulary: which areas exist, their kinds and codes, and the register loader.

``assets/gebieden.yaml`` is the one owner of which focus areas exist; their number follows from
it. The comparison areas every stage uses are generated from a focus area and have a fixed code
scheme (docs/ontwikkelaars.md):

========================  =======================  ===================================
soort                     gebied_code              what it is
========================  =======================  ===================================
``focusgebied``           lowercase slug           an entry of the register
``gemeente``              ``GM0363``               the CBS gemeente of a focus area
``rest_gemeente``         ``<focusgebied>_rest``   gemeente minus that focus area
``alle_focusgebieden``    ``alle_focusgebieden``   the union of all focus areas
``nederland``             ``NL00``                 every buurt of the indeling
========================  =======================  ===================================

Reading the register happens on first use (``register()``, cached), never at import time, so
importing this module from any stage costs nothing and a broken register fails where it is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from nplv_monitor.config import ASSETS_DIR
from nplv_monitor.errors import RegisterFout
from nplv_monitor.yamlbestand import YamlFout, lees_yaml

REGISTER_PAD = ASSETS_DIR / "gebieden.yaml"

FOCUSGEBIED = "focusgebied"
GEMEENTE = "gemeente"
REST_GEMEENTE = "rest_gemeente"
ALLE_FOCUSGEBIEDEN = "alle_focusgebieden"  # both the soort and the code of the union
NEDERLAND_SOORT = "nederland"
NEDERLAND = "NL00"
#: The kinds of area in ref.gebieden, in the order reports list them.
SOORTEN = (FOCUSGEBIED, GEMEENTE, REST_GEMEENTE, ALLE_FOCUSGEBIEDEN, NEDERLAND_SOORT)
#: How the derivation and its messages name "in no focus area"; therefore not an area code.
BUITEN = "buiten"

REST_ACHTERVOEGSEL = "_rest"
#: A focus-area code: a lowercase slug (ref.gebieden's schema allows [a-z_]+).
_CODE = re.compile(r"^[a-z][a-z_]*[a-z]$")
_GEMEENTECODE = re.compile(r"^GM\d{4}$")
#: Keys of one indeling block: explicit membership, or a derivation with overrides.
EXPLICIET = ("wijken", "buurten")
OVERRIDE = ("toevoegen", "weglaten")


def rest_code(focusgebied_code: str) -> str:
    """Code of the rest of the gemeente of a focus area."""
    return f"{focusgebied_code}{REST_ACHTERVOEGSEL}"


@dataclass(frozen=True)
class Leden:
    """The register's entry for one area and indeling year.

    Explicit (``wijken``/``buurten``): the members, nothing derived. Otherwise the year is derived
    from the previous indeling (``geografie.afleiding``) and ``toevoegen``/``weglaten`` settle
    single buurten (or whole wijken) the derivation cannot decide or should not take over.
    """

    expliciet: bool
    wijken: tuple[str, ...] = ()
    buurten: tuple[str, ...] = ()
    toevoegen: tuple[str, ...] = ()
    weglaten: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gebied:
    code: str
    naam: str
    gemeentecode: str
    reeks_vergelijkbaar: bool
    toelichting: str
    #: indelingsjaar -> entry; a registered year without entry is derived without overrides.
    indelingen: dict[int, Leden]

    def leden(self, jaar: int) -> Leden:
        return self.indelingen.get(jaar, Leden(expliciet=False))


@dataclass(frozen=True)
class Register:
    pad: Path
    #: The first indeling year: every area lists its members for it; later years of the CBS
    #: indeling (``ref.regio_indeling``) are derived where an area does not list them.
    basisjaar: int
    gebieden: tuple[Gebied, ...]

    def codes(self) -> list[str]:
        return [g.code for g in self.gebieden]

    def jaren(self) -> list[int]:
        """The indeling years some area lists (explicitly or with overrides)."""
        return sorted({j for g in self.gebieden for j in g.indelingen})


def _fout(pad: Path, melding: str) -> RegisterFout:
    return RegisterFout(f"{pad}: {melding}")


def _lijst(pad: Path, code: str, jaar: int, sleutel: str, waarde: Any) -> tuple[str, ...]:
    if waarde is None:
        return ()
    if not isinstance(waarde, list) or not all(isinstance(c, str) for c in waarde):
        raise _fout(pad, f"gebied {code}, indeling {jaar}: '{sleutel}' moet een lijst codes zijn.")
    return tuple(c.strip() for c in waarde)


def _leden(pad: Path, code: str, jaar: int, blok: Any, eerste: int) -> Leden:
    blok = blok or {}
    if not isinstance(blok, dict):
        raise _fout(pad, f"gebied {code}, indeling {jaar}: verwacht een mapping.")
    onbekend = sorted(set(blok) - set(EXPLICIET) - set(OVERRIDE))
    if onbekend:
        raise _fout(
            pad,
            f"gebied {code}, indeling {jaar}: onbekende sleutel(s) {', '.join(onbekend)} "
            f"(kies uit {', '.join(EXPLICIET + OVERRIDE)}).",
        )
    lijsten = {k: _lijst(pad, code, jaar, k, blok.get(k)) for k in EXPLICIET + OVERRIDE}
    expliciet = any(k in blok for k in EXPLICIET)
    if expliciet and any(k in blok for k in OVERRIDE):
        raise _fout(
            pad,
            f"gebied {code}, indeling {jaar}: geef óf de leden (wijken/buurten) óf een afleiding "
            "met toevoegen/weglaten, niet beide.",
        )
    if jaar == eerste and not expliciet:
        raise _fout(
            pad,
            f"gebied {code}, indeling {jaar}: de eerste indeling kan niet worden afgeleid; "
            "geef de leden op met wijken en/of buurten.",
        )
    if expliciet and not (lijsten["wijken"] or lijsten["buurten"]):
        raise _fout(pad, f"gebied {code}, indeling {jaar}: geen wijken of buurten.")
    return Leden(expliciet=expliciet, **lijsten)


def _basisjaar(pad: Path, items: list[Any]) -> int:
    jaren: set[int] = set()
    for item in items:
        indelingen = item.get("indelingen") if isinstance(item, dict) else None
        if isinstance(indelingen, dict):
            for j in indelingen:
                if not isinstance(j, int) or isinstance(j, bool):
                    raise _fout(
                        pad, f"gebied {item.get('code')}: indelingsjaar {j!r} is geen jaartal."
                    )
                jaren.add(j)
    if not jaren:
        raise _fout(pad, "geen enkel gebied noemt een indelingsjaar onder 'indelingen'.")
    return min(jaren)


def lees_register(pad: Path = REGISTER_PAD) -> Register:
    """Read and structurally check the register: keys, codes, the indeling years and their blocks.

    Which indeling years exist is not the register's business (the CBS indelingen in the work DB,
    ``ref.regio_indeling``); the register starts at its ``basisjaar``. Whether the codes exist in
    the indeling is checked when the register is resolved (``geografie.register.los_op``).
    """
    try:
        ruw = lees_yaml(pad)
    except YamlFout as exc:
        raise RegisterFout(str(exc)) from exc
    if (
        not isinstance(ruw, dict)
        or not isinstance(ruw.get("gebieden"), list)
        or not ruw["gebieden"]
    ):
        raise _fout(pad, "verwacht een sleutel 'gebieden' met een lijst gebieden.")
    basisjaar = _basisjaar(pad, ruw["gebieden"])
    gebieden: list[Gebied] = []
    for nr, item in enumerate(ruw["gebieden"], start=1):
        if not isinstance(item, dict):
            raise _fout(pad, f"gebied nr. {nr} is geen mapping.")
        ontbreekt = [k for k in ("code", "naam", "gemeentecode", "indelingen") if k not in item]
        if ontbreekt:
            raise _fout(pad, f"gebied nr. {nr} ({item.get('code')}): mist {', '.join(ontbreekt)}.")
        code = str(item["code"])
        if (
            not _CODE.match(code)
            or code.endswith(REST_ACHTERVOEGSEL)
            or code in (ALLE_FOCUSGEBIEDEN, BUITEN)
        ):
            raise _fout(
                pad,
                f"gebied nr. {nr}: code {code!r} is geen geldige gebiedscode (kleine letters en _, "
                f"niet eindigend op '{REST_ACHTERVOEGSEL}', niet '{ALLE_FOCUSGEBIEDEN}' of "
                f"'{BUITEN}').",
            )
        gemeentecode = str(item["gemeentecode"])
        if not _GEMEENTECODE.match(gemeentecode):
            raise _fout(pad, f"gebied {code}: gemeentecode {gemeentecode!r} is geen GMgggg-code.")
        indelingen = item["indelingen"] or {}
        if not isinstance(indelingen, dict):
            raise _fout(pad, f"gebied {code}: 'indelingen' moet een mapping jaar -> leden zijn.")
        if basisjaar not in indelingen:
            raise _fout(
                pad,
                f"gebied {code}: geen leden voor indeling {basisjaar} (het eerste indelingsjaar "
                "van het register; dat jaar staat voor elk gebied expliciet).",
            )
        gebieden.append(
            Gebied(
                code=code,
                naam=str(item["naam"]),
                gemeentecode=gemeentecode,
                reeks_vergelijkbaar=bool(item.get("reeks_vergelijkbaar", True)),
                toelichting=str(item.get("toelichting", "")).strip(),
                indelingen={
                    int(j): _leden(pad, code, int(j), blok, basisjaar)
                    for j, blok in sorted(indelingen.items())
                },
            )
        )
    for veld in ("code", "naam"):
        waarden = [getattr(g, veld) for g in gebieden]
        dubbel = sorted({w for w in waarden if waarden.count(w) > 1})
        if dubbel:
            raise _fout(pad, f"gebied {veld}(s) meer dan eens opgenomen: {', '.join(dubbel)}.")
    return Register(pad=pad, basisjaar=basisjaar, gebieden=tuple(gebieden))


@cache
def register() -> Register:
    """The shipped register, read once on first use."""
    return lees_register(REGISTER_PAD)


def focusgebieden() -> dict[str, str]:
    """Code -> name of the focus areas, in register order."""
    return {g.code: g.naam for g in register().gebieden}


def focusgebied_codes() -> tuple[str, ...]:
    return tuple(g.code for g in register().gebieden)


def aantal_focusgebieden() -> int:
    """How many focus areas the register holds (user-facing texts say 'van N gebieden')."""
    return len(register().gebieden)


def code_van(naam: str) -> str | None:
    """Code of an area as CBS and the programme name it ('Heerlen-Noord', 'alle focusgebieden',
    'Nederland'); None when unknown."""
    schoon = naam.strip()
    if schoon.lower() == "alle focusgebieden":
        return ALLE_FOCUSGEBIEDEN
    if schoon.lower() == "nederland":
        return NEDERLAND
    return next((c for c, n in focusgebieden().items() if n == schoon), None)
