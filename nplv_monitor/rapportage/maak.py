"""Generate the whole annex from the published file: the workbook and the HTML reports."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from nplv_monitor.config import instellingen
from nplv_monitor.rapportage import excel, gegevens, html


@dataclass(frozen=True)
class Resultaat:
    editie: str
    werkboek: Path | None
    html: list[Path]


#: The folder under rapportage/ that always holds a copy of the newest edition's annex.
NIEUWSTE = "nieuwste"


def rapport_map(output_dir: Path | None = None) -> Path:
    return (output_dir or instellingen().output_dir) / "rapportage"


def editie_map(editie: str, output_dir: Path | None = None) -> Path:
    """Each edition's annex in a folder of its own: rapportage/<editie>/."""
    return rapport_map(output_dir) / html._veilig(editie)


def _vernieuw_nieuwste(bron: Path) -> Path:
    """Copy an edition's folder to rapportage/nieuwste/: a stable place for the newest annex. The
    copy is made beside it first and swapped in, so a reader never sees half a folder."""
    doel = bron.parent / NIEUWSTE
    tmp = bron.parent / f".{NIEUWSTE}.nieuw-{os.getpid()}"
    oud = bron.parent / f".{NIEUWSTE}.oud-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(bron, tmp)
    if doel.exists():
        doel.rename(oud)
    tmp.rename(doel)
    shutil.rmtree(oud, ignore_errors=True)
    return doel


def verwijder_edities(bewaard: list[str], output_dir: Path | None = None) -> list[Path]:
    """Remove the report folders of editions no longer kept (``nplv-monitor edities opruimen``);
    rapportage/nieuwste and anything that is not an edition folder stay."""
    houden = {html._veilig(e) for e in bewaard} | {NIEUWSTE}
    weg = []
    map_ = rapport_map(output_dir)
    for p in sorted(map_.iterdir()) if map_.is_dir() else []:
        if p.is_dir() and not p.name.startswith(".") and p.name not in houden:
            shutil.rmtree(p)
            weg.append(p)
    return weg


def werkboek_naam(editie: str) -> str:
    return f"nplv_monitor_bijlage_{html._veilig(editie)}.xlsx"


def maak(
    publicatie_db: Path | None = None, uit: Path | None = None, gebied: str | None = None
) -> Resultaat:
    """Read ``publicatie_db`` (default: output/nplv_monitor.duckdb) and write into ``uit``
    (default: the edition's own folder rapportage/<editie>/, copied to rapportage/nieuwste/).

    With ``gebied`` only that area's HTML report is written (the workbook covers every area and is
    written only for the full report).
    """
    inst = instellingen()
    pub = gegevens.laad(publicatie_db or inst.publicatie_db)
    # Default: rapportage/<editie>/, and the full annex copied to rapportage/nieuwste/.
    map_ = uit or editie_map(pub.editie, inst.output_dir)
    if gebied is not None:
        pub.vergelijkingen(gebied)  # a clear error for an unknown code, before writing anything
        return Resultaat(pub.editie, None, html.schrijf_html(pub, map_, gebied))
    wb = excel.schrijf_werkboek(pub, map_ / werkboek_naam(pub.editie))
    pagina = html.schrijf_html(pub, map_)
    if uit is None:
        _vernieuw_nieuwste(map_)
    return Resultaat(pub.editie, wb, pagina)
