"""The 20 focus areas: fixed codes and names from the area register (assets/gebieden.yaml).

The published scheme figures name areas as CBS does ('Heerlen-Noord', 'alle focusgebieden',
'Nederland'); ``code_van`` turns such a name into the code every stage uses.
"""

from __future__ import annotations

from functools import cache

from nplv_monitor.config import ASSETS_DIR
from nplv_monitor.errors import RegisterFout
from nplv_monitor.yamlbestand import YamlFout, lees_yaml

REGISTER = ASSETS_DIR / "gebieden.yaml"
ALLE_FOCUSGEBIEDEN = "alle_focusgebieden"
NEDERLAND = "NL00"
AANTAL_FOCUSGEBIEDEN = 20


@cache
def focusgebieden() -> dict[str, str]:
    """Code → name of the focus areas in the register."""
    try:
        ruw = lees_yaml(REGISTER)
        codes = {str(g["code"]): str(g["naam"]) for g in ruw["gebieden"]}
    except (YamlFout, KeyError, TypeError) as exc:
        raise RegisterFout(f"Het gebiedenregister {REGISTER} is onleesbaar: {exc!r}") from exc
    if len(codes) != AANTAL_FOCUSGEBIEDEN:
        raise RegisterFout(
            f"{REGISTER}: verwacht {AANTAL_FOCUSGEBIEDEN} focusgebieden, gevonden {len(codes)}."
        )
    return codes


def code_van(naam: str) -> str | None:
    """Code of an area as named in the published figures; None when unknown."""
    schoon = naam.strip()
    if schoon.lower() == "alle focusgebieden":
        return ALLE_FOCUSGEBIEDEN
    if schoon.lower() == "nederland":
        return NEDERLAND
    return next((c for c, n in focusgebieden().items() if n == schoon), None)
