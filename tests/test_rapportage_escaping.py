"""HTML escaping in the report: names and explanations from the data never become markup.

The templates autoescape, but charts and the map are inserted as ready SVG (``| safe``), so a
name that reaches an SVG ``<title>`` or a chart label is escaped by the code that draws it, or not
at all. This test renders a focus area's page through the real report command from a copy of the
full build's published file in which TEST FIXTURE text replaces real names: the area's name, every
indicator's name, the buurt names of the map, and the explanations (toelichting,
status_toelichting) of the area's values — each containing ``<script>``, a tag and ``&``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

GEBIED = "rotterdam_zuid"
#: TEST FIXTURE text: what an analyst or a source could put in a name or an explanation.
KWAAD = '<script>alert("nplv")</script> & <b>vet</b>'


def test_namen_en_toelichtingen_worden_geescaped(volledige_build: Path, tmp_path: Path) -> None:
    from nplv_monitor.cli import main

    pub = tmp_path / "nplv_monitor.duckdb"
    shutil.copyfile(volledige_build / "nplv_monitor.duckdb", pub)
    with duckdb.connect(str(pub)) as con:
        con.execute(
            "UPDATE ref.gebieden SET gebied_naam = 'Zuid ' || ? WHERE gebied_code = ?",
            [KWAAD, GEBIED],
        )
        con.execute("UPDATE monitor.indicatoren SET naam = naam || ' ' || ?", [KWAAD])
        (n_toel,) = con.execute(
            "UPDATE monitor.indicatorwaarden SET toelichting = ?, "
            "status_toelichting = coalesce(status_toelichting, ?) WHERE gebied_code = ?",
            [KWAAD, KWAAD, GEBIED],
        ).fetchall()[0]
        (n_buurt,) = con.execute(
            "UPDATE bron.leefbaarometer_buurtgeometrie SET bu_naam = ? || bu_naam "
            "WHERE substr(trim(bu_code), 3, 4) = '0599'",
            [KWAAD],
        ).fetchall()[0]
    assert n_toel > 100
    assert n_buurt > 10  # Rotterdam's buurten are on the area's map

    uit = tmp_path / "rapport"
    assert main(["report", "--gebied", GEBIED, "--publicatie", str(pub), "--uit", str(uit)]) == 0
    (pagina,) = uit.glob(f"*_{GEBIED}.html")
    tekst = pagina.read_text(encoding="utf-8")

    # Nothing of the text became markup: no script element, no bold element, no bare "&".
    assert not re.search(r"<\s*script", tekst, re.IGNORECASE)
    assert "<b>vet</b>" not in tekst
    assert not re.search(r"&(?![a-zA-Z]+;|#[0-9]+;|#x[0-9a-fA-F]+;)", tekst), re.search(
        r".{40}&(?![a-zA-Z]+;|#[0-9]+;|#x[0-9a-fA-F]+;).{40}", tekst
    )
    # ... and it is shown as text: the area's name in the page title and heading, the buurt
    # names in the map's SVG titles.
    geescaped = re.escape("&lt;script&gt;alert(") + r"(?:&#34;|&quot;|\")nplv"
    assert re.search(r"<title>[^<]*Zuid " + geescaped, tekst)
    assert re.search(r"<h1[^>]*>[^<]*Zuid " + geescaped, tekst)
    svg_titels = re.findall(r"<svg.*?</svg>", tekst, re.DOTALL)
    assert any(re.search(r"<title>" + geescaped, s) for s in svg_titels)
    assert len(re.findall(geescaped, tekst)) >= 3
    assert "&amp; &lt;b&gt;vet&lt;/b&gt;" in tekst
