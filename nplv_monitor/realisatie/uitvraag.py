"""The declarative definition of the yearly return: assets/uitvraag/vragen_<jaar>.yaml.

One file per uitvraag year. The template and the intake are both generated from it, so a question
changes in one place only. The loader refuses a definition with an unknown answer kind, a duplicate
question id or a missing field, naming the file and the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from nplv_monitor.config import ASSETS_DIR
from nplv_monitor.errors import NplvFout
from nplv_monitor.yamlbestand import lees_yaml

UITVRAAG_DIR = ASSETS_DIR / "uitvraag"
SOORTEN = ("aantal", "fte", "percentage", "oordeel", "tekst")
ONDERDELEN = ("fysiek", "meedoen", "proces")
#: Kinds whose answer has plausibility bounds declared in the YAML (``min``, ``max``).
GRENSSOORTEN = ("aantal", "fte", "percentage")
_BESTAND = re.compile(r"^vragen_(\d{4})\.yaml$")


class UitvraagFout(NplvFout):
    """The question definition in assets/uitvraag is missing or inconsistent."""


@dataclass(frozen=True)
class Vraag:
    id: str
    nummer: int
    onderdeel: str
    vraag: str
    soort: str
    eenheid: str
    maat: str | None
    #: Plausibility bounds (inclusive) of a numeric answer, from the YAML (``min``/``max``).
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Uitvraag:
    jaar: int
    versie: str
    titel: str
    periode: str
    oordeelschaal: dict[int, str]
    tekst_max_tekens: int
    vragen: tuple[Vraag, ...]
    bestand: Path

    def vraag(self, vraag_id: str) -> Vraag | None:
        return next((v for v in self.vragen if v.id == vraag_id), None)

    def toegestaan(self, vraag: Vraag) -> str:
        """The allowed values of a question, as shown to the area officer."""
        if vraag.soort == "aantal":
            return "geheel getal, 0 of meer"
        if vraag.soort == "fte":
            return "getal, 0 of meer (decimalen toegestaan)"
        if vraag.soort == "percentage":
            return "getal van 0 tot en met 100"
        if vraag.soort == "oordeel":
            return "; ".join(f"{k} = {v}" for k, v in sorted(self.oordeelschaal.items()))
        return f"vrije tekst, hoogstens {self.tekst_max_tekens} tekens"


def beschikbare_jaren() -> list[int]:
    """Years for which a question definition exists."""
    return sorted(
        int(m.group(1)) for p in UITVRAAG_DIR.glob("vragen_*.yaml") if (m := _BESTAND.match(p.name))
    )


@cache
def laad(jaar: int) -> Uitvraag:
    """The uitvraag of ``jaar``; UitvraagFout when there is none or it is inconsistent."""
    pad = UITVRAAG_DIR / f"vragen_{jaar}.yaml"
    if not pad.exists():
        jaren = ", ".join(str(j) for j in beschikbare_jaren()) or "geen"
        raise UitvraagFout(
            f"Er is geen uitvraag voor {jaar}: {pad} bestaat niet (wel voor: {jaren})."
        )
    ruw = lees_yaml(pad)
    try:
        vragen = tuple(
            Vraag(
                id=str(v["id"]),
                nummer=int(v["nummer"]),
                onderdeel=str(v["onderdeel"]),
                vraag=str(v["vraag"]),
                soort=str(v["soort"]),
                eenheid=str(v["eenheid"]),
                maat=v.get("maat"),
                minimum=float(v["min"]) if v.get("min") is not None else None,
                maximum=float(v["max"]) if v.get("max") is not None else None,
            )
            for v in ruw["vragen"]
        )
        uitvraag = Uitvraag(
            jaar=int(ruw["jaar"]),
            versie=str(ruw["versie"]),
            titel=str(ruw["titel"]),
            periode=str(ruw["periode"]),
            oordeelschaal={int(k): str(v) for k, v in ruw["oordeelschaal"].items()},
            tekst_max_tekens=int(ruw["tekst_max_tekens"]),
            vragen=vragen,
            bestand=pad,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise UitvraagFout(f"{pad}: onvolledige of ongeldige vraagdefinitie ({exc!r}).") from exc
    _controleer(uitvraag, jaar)
    return uitvraag


def _controleer(u: Uitvraag, jaar: int) -> None:
    fouten: list[str] = []
    if u.jaar != jaar:
        fouten.append(f"jaar {u.jaar} in het bestand, maar de bestandsnaam zegt {jaar}")
    gezien: set[str] = set()
    for v in u.vragen:
        if v.id in gezien:
            fouten.append(f"vraag-id {v.id} komt twee keer voor")
        gezien.add(v.id)
        if v.soort not in SOORTEN:
            fouten.append(
                f"vraag {v.id}: onbekende soort {v.soort!r} (kies uit {', '.join(SOORTEN)})"
            )
        if v.onderdeel not in ONDERDELEN:
            fouten.append(f"vraag {v.id}: onbekend onderdeel {v.onderdeel!r}")
        if v.onderdeel != "proces" and not v.maat:
            fouten.append(f"vraag {v.id}: geen maat (welke indicator voedt deze vraag?)")
        if v.soort in GRENSSOORTEN:
            if v.minimum is None or v.maximum is None:
                fouten.append(f"vraag {v.id}: soort {v.soort} vraagt een min en een max")
            elif not 0 <= v.minimum <= v.maximum:
                fouten.append(f"vraag {v.id}: min {v.minimum} en max {v.maximum} kloppen niet")
            elif v.soort == "percentage" and v.maximum > 100:
                fouten.append(f"vraag {v.id}: een percentage kan niet boven 100 (max {v.maximum})")
        elif v.minimum is not None or v.maximum is not None:
            fouten.append(f"vraag {v.id}: min/max horen alleen bij {', '.join(GRENSSOORTEN)}")
    if fouten:
        raise UitvraagFout(f"{u.bestand}: " + "; ".join(fouten))
