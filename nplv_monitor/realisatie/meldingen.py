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


class BestandGeweigerd(NplvFout):
    """A delivered file with at least one fault: rejected whole, nothing of it is loaded."""

    soort = "Bestand"

    def __init__(self, bestand: str, meldingen: list[Melding]) -> None:
        self.bestand = bestand
        self.meldingen = meldingen
        regels = "\n".join(f"  - {m}" for m in meldingen)
        super().__init__(
            f"{self.soort} {bestand} is geweigerd ({len(meldingen)} fout(en)); er is niets van "
            f"ingelezen. Verbeter het bestand en stuur het opnieuw in.\n{regels}"
        )


class RetourFout(BestandGeweigerd):
    """A return (uitvraag) that does not pass the checks."""

    soort = "Retour"


class RegelingFout(BestandGeweigerd):
    """A per-area scheme export that does not pass the checks."""

    soort = "Regelingenbestand"


class GepubliceerdFout(NplvFout):
    """The published scheme figures cannot be loaded as the mapping expects."""
