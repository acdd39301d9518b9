"""Generate the whole annex from the published file: the workbook and the HTML reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nplv_monitor.config import instellingen
from nplv_monitor.rapportage import excel, gegevens, html


@dataclass(frozen=True)
class Resultaat:
    editie: str
    werkboek: Path | None
    html: list[Path]


def rapport_map(output_dir: Path | None = None) -> Path:
    return (output_dir or instellingen().output_dir) / "rapportage"


def werkboek_naam(editie: str) -> str:
    return f"nplv_monitor_bijlage_{html._veilig(editie)}.xlsx"


def maak(
    publicatie_db: Path | None = None, uit: Path | None = None, gebied: str | None = None
) -> Resultaat:
    """Read ``publicatie_db`` (default: output/nplv_monitor.duckdb) and write into ``uit``.

    With ``gebied`` only that area's HTML report is written (the workbook covers every area and is
    written only for the full report).
    """
    inst = instellingen()
    pub = gegevens.laad(publicatie_db or inst.publicatie_db)
    map_ = uit or rapport_map(inst.output_dir)
    if gebied is not None:
        pub.vergelijkingen(gebied)  # a clear error for an unknown code, before writing anything
        return Resultaat(pub.editie, None, html.schrijf_html(pub, map_, gebied))
    wb = excel.schrijf_werkboek(pub, map_ / werkboek_naam(pub.editie))
    return Resultaat(pub.editie, wb, html.schrijf_html(pub, map_))
