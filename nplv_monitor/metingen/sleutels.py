"""Resolve each catalogue concept to exactly one CBS key of one table *release*.

CBS renumbers topic keys between releases of the same table id (KWB 2024: ``_73`` in August 2024,
``_83`` in March 2025) and repeats key stems within one release (``Appartement`` under electricity
and under gas). So a key is never written down: ``variabelen.yaml`` names the concept (the key
without its numeric suffix, optionally its topic group), and this module finds it in the
DataProperties of the release that was read. Zero or two candidates is an error naming the table,
the release, the concept and the candidate keys. The same function runs when a table is fetched
online (before it is installed in the snapshot) and when metingen is built.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import polars as pl

from nplv_monitor.errors import NplvFout

_ACHTERVOEGSEL = re.compile(r"_\d+$")


class SleutelFout(NplvFout):
    """A catalogue concept does not resolve to exactly one key in a table release."""


def concept(sleutel: str) -> str:
    """The CBS key without its numeric suffix (``AantalInwoners_5`` → ``AantalInwoners``)."""
    return _ACHTERVOEGSEL.sub("", sleutel)


@dataclass(frozen=True)
class Gezocht:
    """What the catalogue asks for: a variable, its concept stems in order, an optional group."""

    variabele: str
    keuze: tuple[str | None, ...]  # None in the tuple: may be absent in this release
    groep: str | None = None
    bestand: str = ""


@dataclass(frozen=True)
class Opgelost:
    variabele: str
    sleutel: str  # the full CBS key in this release
    begrip: str  # the stem that matched
    groep: str | None  # title of the topic group the key sits under
    eenheid: str | None
    omschrijving: str


def _wat(tabel_id: str, release: str | None) -> str:
    return f"{tabel_id} (release {release or 'onbekend'})"


def los_op(
    gezocht: list[Gezocht],
    dataproperties: pl.DataFrame,
    *,
    tabel_id: str,
    release: str | None,
    kolommen: list[str] | None = None,
) -> list[Opgelost]:
    """The key of every concept in one release's DataProperties (``Key``, ``Type``, ``ParentID``,
    ``ID``, ``Title``, ``Unit``, ``Description``). A concept whose choice allows absence and that
    is not there is left out; every other mismatch raises SleutelFout."""
    titels = dict(
        zip(dataproperties["ID"].to_list(), dataproperties["Title"].to_list(), strict=True)
    )
    topics = [r for r in dataproperties.iter_rows(named=True) if r["Type"] == "Topic" and r["Key"]]
    per_stam: dict[str, list[dict[str, object]]] = {}
    for r in topics:
        # Case-insensitive: CBS also changes capitals (NettoArbeidsparticipatie 2020,
        # Nettoarbeidsparticipatie 2024) without changing the concept.
        per_stam.setdefault(concept(str(r["Key"])).lower(), []).append(r)
    uit: list[Opgelost] = []
    for g in gezocht:
        gekozen: list[dict[str, object]] = []
        stam_gevonden = ""
        for stam in g.keuze:
            if stam is None:
                continue
            kandidaten = per_stam.get(stam.lower(), [])
            if g.groep:
                kandidaten = [
                    k
                    for k in kandidaten
                    if (titels.get(k["ParentID"]) or "").strip() == g.groep.strip()
                ]
            if len(kandidaten) > 1:
                opties = ", ".join(
                    f"{k['Key']} (groep {titels.get(k['ParentID']) or '-'})" for k in kandidaten
                )
                raise SleutelFout(
                    f"{g.bestand}: variabele {g.variabele!r}: begrip {stam!r}"
                    + (f" in groep {g.groep!r}" if g.groep else "")
                    + f" komt {len(kandidaten)} keer voor in {_wat(tabel_id, release)}: {opties}. "
                    "Kies met 'groep' de bovenliggende groep."
                )
            if kandidaten:
                gekozen, stam_gevonden = kandidaten, stam
                break
        if not gekozen:
            if None in g.keuze:
                continue
            # The keys whose stem looks most like the one looked for: what CBS renamed it to.
            stammen = {concept(str(r["Key"])).lower(): str(r["Key"]) for r in topics}
            verwant = [
                stammen[s]
                for stam in g.keuze
                if stam
                for s in difflib.get_close_matches(stam.lower(), list(stammen), n=5, cutoff=0.5)
            ]
            raise SleutelFout(
                f"{g.bestand}: variabele {g.variabele!r}: geen sleutel voor begrip "
                f"{' of '.join(repr(s) for s in g.keuze if s)}"
                + (f" in groep {g.groep!r}" if g.groep else "")
                + f" in {_wat(tabel_id, release)} (DataProperties). "
                + (f"Verwante sleutels: {', '.join(verwant)}. " if verwant else "")
                + "Noem de nieuwe naam onder 'sleutels' in assets/indicatoren/variabelen.yaml."
            )
        k = gekozen[0]
        sleutel = str(k["Key"])
        if kolommen is not None and sleutel not in kolommen:
            raise SleutelFout(
                f"{_wat(tabel_id, release)}: kolom {sleutel} (variabele {g.variabele}) staat in de "
                "DataProperties maar ontbreekt in de data."
            )
        uit.append(
            Opgelost(
                variabele=g.variabele,
                sleutel=sleutel,
                begrip=stam_gevonden,
                groep=titels.get(k["ParentID"]),
                eenheid=k.get("Unit"),  # type: ignore[arg-type]
                omschrijving=str(k.get("Description") or ""),
            )
        )
    return uit
