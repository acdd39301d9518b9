"""Fixed texts of the report (attribution, licence, reading notes), in one place."""

from __future__ import annotations

ATTRIBUTIE = "Bron: CBS, Politie, BZK/VRO (Leefbaarometer), RIVM — CC BY 4.0 waar van toepassing"
LICENTIE = "Software: nplv-monitor, vrijgegeven onder de EUPL-1.2."

EXCEL_NOOT = (
    "Eenheid, peiljaar en bron staan per rij in de kolommen Eenheid, Peiljaar en Bron. "
    "Een cel met 'onderdrukt' of 'ontbreekt' heeft geen cijfer; de reden staat in 'Status en toelichting'."
)

LEESWIJZER_EXCEL = [
    "Leeswijzer",
    "Elke waarde komt ongewijzigd uit het gepubliceerde DuckDB-bestand (tabel monitor.indicatorwaarden).",
    "ok = gepubliceerd; onderdrukt = dekking of basis te klein (reden in de toelichting); "
    "ontbreekt = de bron vult de variabele niet.",
    "Verandering verschil met Nederland: (gebied − Nederland) nu min hetzelfde verschil in het "
    "basisjaar, met teken. Kloof: of de afstand tot Nederland kleiner of groter is geworden, "
    "ongeacht aan welke kant van Nederland het gebied ligt; 'gelijk' = binnen de precisie van de "
    "indicator; 'geen tweede meting' = het basisjaar zelf.",
    "Percentiel onder alle wijken: plaats van het gebied tussen alle wijken van Nederland (0–100).",
    "Rij 4 van elk blad geeft de gebiedscodes van de waardekolommen (zoals in ref.gebieden).",
]

STATUS_UITLEG = {
    "ok": "gepubliceerd",
    "onderdrukt": "niet gepubliceerd: te weinig dekking of te kleine basis",
    "ontbreekt": "de bron vult deze variabele niet",
}
