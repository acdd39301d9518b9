"""Missing data said once: the indicators a page has no value for, grouped per cause, with the
route that fills them.

A page's tables show only indicators with a published value; everything else is listed here once,
grouped by its reason (``status`` and ``status_toelichting`` of monitor.indicatorwaarden, as the
engine wrote it). Reasons that differ only in the variable they name ("Tabel 84799NED vult
Koopwoningen_40 (nog) niet …", "… vult Woningvoorraad_34 …") are one cause: the variable is
replaced by "de variabele" before grouping, and each indicator keeps its own variable in the list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from nplv_monitor.rapportage.opmaak import nl_procenten

#: The route that fills a gap, by what the reason says (first match wins). The engine's reason
#: texts already name the online route where it applies; these say what to do in the other cases.
ROUTES: list[tuple[tuple[str, ...], str]] = [
    (
        ("nplv-monitor ophalen", "online route"),
        "",  # the reason itself names the route
    ),
    (
        ("teller (", "noemer ("),
        "Komt uit de retour van de gebieden (`nplv-monitor template --gebied <code> --jaar <jaar>`, "
        "ingeleverd in de inleveringsmap) of uit de regelingenexport van BZK (docs/realisatie.md).",
    ),
    (
        ("dekt dit gebied niet",),
        "Een bron die het gebied dekt, of de afbakening van het gebied op de indeling van de bron "
        "(ref.gebied_buurten), toevoegen; zie docs/bronnen.md.",
    ),
    (
        ("geen waarde voor de buurten", "geen waarde voor de wijken"),
        "Vult zich zodra de bron dit peiljaar voor deze buurten of wijken publiceert: een nieuwere "
        "release via `nplv-monitor ophalen`.",
    ),
    (
        ("dekking", "basis", "drempel"),
        "Niet aan te vullen met deze bron: onder de publicatiegrens (dekking of basis te klein, "
        "docs/indicatoren.md). Een bron op een fijnere indeling of met meer waarnemingen kan het.",
    ),
]
ROUTE_ONBEKEND = "Zie de reden; de bron levert deze waarde niet."


def route(status: str, reden: str) -> str:
    tekst = reden.lower()
    for sleutels, r in ROUTES:
        if any(s in tekst for s in sleutels):
            return r
    if status == "onderdrukt":
        return ROUTES[-1][1]
    return ROUTE_ONBEKEND


@dataclass
class Oorzaak:
    """One cause: its reason, the route that fills it, and the indicators it applies to."""

    status: str
    reden: str
    route: str
    indicatoren: list[str] = field(default_factory=list)


def _algemeen(reden: str, variabele: str | None) -> str:
    if variabele and variabele in reden:
        return reden.replace(variabele, "de variabele")
    return reden


def groepeer(rijen: Iterable[tuple[str, dict[str, Any]]]) -> list[Oorzaak]:
    """``rijen``: (label of the indicator, its row of monitor.indicatorwaarden). One cause per
    distinct (status, reason without the variable), in the order first met."""
    per: dict[tuple[str, str], Oorzaak] = {}
    for label, r in rijen:
        reden = nl_procenten(str(r.get("status_toelichting") or "geen reden opgegeven"))
        sleutel = (str(r["status"]), _algemeen(reden, r.get("bron_variabele")))
        o = per.get(sleutel)
        if o is None:
            o = per[sleutel] = Oorzaak(sleutel[0], sleutel[1], route(sleutel[0], sleutel[1]))
        o.indicatoren.append(label)
    return list(per.values())
