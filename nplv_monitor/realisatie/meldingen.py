"""Located faults in a delivered file (return or scheme export), and the errors that carry them."""

from __future__ import annotations

from dataclasses import dataclass

from nplv_monitor.errors import NplvFout


@dataclass(frozen=True)
class Melding:
    """One fault in a file, located as precisely as the fault allows."""

    bestand: str
    tekst: str
    blad: str | None = None
    rij: int | None = None
    kolom: str | None = None

    def __str__(self) -> str:
        plaats = [self.bestand]
        if self.blad:
            plaats.append(f"blad '{self.blad}'")
        if self.rij is not None:
            plaats.append(f"rij {self.rij}")
        if self.kolom:
            plaats.append(f"kolom {self.kolom}")
        return f"{', '.join(plaats)}: {self.tekst}"


#: Messages shown and stored per rejected return; the rest is counted ("en nog N meldingen").
MAX_MELDINGEN = 20


class BestandGeweigerd(NplvFout):
    """A delivered file with at least one fault: rejected whole, nothing of it is loaded."""

    soort = "Bestand"
    #: Command that prints every message of a file; set where messages are capped.
    alle_commando: str | None = None

    def __init__(self, bestand: str, meldingen: list[Melding]) -> None:
        self.bestand = bestand
        self.meldingen = meldingen
        super().__init__(self.tekst())

    def rest_tekst(self, getoond: int) -> str:
        """ "en nog N meldingen" with the command that shows them all."""
        rest = len(self.meldingen) - getoond
        return f"… en nog {rest} melding(en); alle meldingen: {self.alle_commando} {self.bestand}"

    def tekst(self, *, alle: bool = False) -> str:
        """The message; at most MAX_MELDINGEN lines unless ``alle`` (or nothing is capped)."""
        beperkt = self.alle_commando is not None and not alle
        getoond = self.meldingen[:MAX_MELDINGEN] if beperkt else self.meldingen
        regels = [f"  - {m}" for m in getoond]
        if len(getoond) < len(self.meldingen):
            regels.append(f"  {self.rest_tekst(len(getoond))}")
        return (
            f"{self.soort} {self.bestand} is geweigerd ({len(self.meldingen)} fout(en)); er is "
            "niets van ingelezen. Verbeter het bestand en stuur het opnieuw in.\n"
            + "\n".join(regels)
        )


class RetourFout(BestandGeweigerd):
    """A return (uitvraag) that does not pass the checks."""

    soort = "Retour"
    alle_commando = "nplv-monitor check-return --alle"


class RegelingFout(BestandGeweigerd):
    """A per-area scheme export that does not pass the checks."""

    soort = "Regelingenbestand"


class GepubliceerdFout(NplvFout):
    """The published scheme figures cannot be loaded as the mapping expects."""
