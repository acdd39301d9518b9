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

#: "In één oogopslag": per actielijn the headline gebiedseffect indicators, in order of priority.
#: A page shows the first :data:`MAX_KERN` of them that have a published value for its area; the
#: others are in its missing-data section with their reason.
KERNINDICATOREN: dict[str, list[str]] = {
    "integraal": ["lbm_afwijking", "lbm_score"],
    "fysiek": [
        "woz_waarde",
        "aandeel_onbewoonde_woningen",
        "lbm_fysieke_omgeving",
        "lbm_woningvoorraad",
        "aandeel_corporatiewoningen",
    ],
    "meedoen": [
        "bijstand_per_1000",
        "aandeel_huishoudens_laag_inkomen",
        "netto_arbeidsparticipatie",
        "ses_woa_score",
        "lbm_sociale_samenhang",
        "ww_per_1000",
    ],
    "veiligheid": ["misdrijven_per_1000", "lbm_overlast_onveiligheid"],
}
MAX_KERN = 3
