"""The HTML annex on a full build (issue: "an annex a minister reads in a minute").

Everything is checked against the published DuckDB file, read independently here: captions name
a source and a peiljaar, no chart is drawn without data, every link resolves, cell colours follow
the colour rule (recomputed from the wijk values with Python's own quantiles), area pages carry
the scorecard, trend columns and — in a publication that holds a return — the area's answers, and
each page's CSV download equals the DuckDB values.

A publication with a return: the full build's published file is copied, and two returns go
through the real intake (``intake.verwerk_map``) and the real realisatie indicators
(``indicatoren.bereken``) into the copy's tables, as the ``realisatie/retouren_*`` and
``gebiedsrealisatie_indicatoren`` assets write them: Heerlen-Noord's filled template (accepted)
and Rotterdam-Zuid's with a percentage of 150 (rejected).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import statistics
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from markupsafe import escape

from nplv_monitor.rapportage import download, gegevens, html, kleur, opmaak

#: Plausible answers of an area (test fixture values, not monitor data).
ANTWOORDEN: dict[str, Any] = {
    "1": 1850, "2": 14, "3": 620, "4": 410, "5a": 212, "5b": 305, "6": 12.5, "7": 48, "8": 95,
    "9": 340, "10": 22, "11": 31, "12": 18, "13": 9, "14": 760, "15": 230, "16": 11, "17": 540,
    "18": 4, "19": 3, "20": 4, "21": 65, "22": 3, "23": 4,
    "24": "Samenwerking met corporaties en zorgpartners loopt goed.",
    "25": "Meer zekerheid over meerjarige financiering.",
}  # fmt: skip


@pytest.fixture(scope="module")
def nieuwste(volledige_build: Path) -> Path:
    return volledige_build / "rapportage" / "nieuwste"


def _db(pad: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(pad), read_only=True)


def _een(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
) -> tuple[Any, ...]:
    rij = con.execute(sql, params or []).fetchone()
    assert rij is not None, (sql, params)
    return rij


class _Pagina(HTMLParser):
    """Collects what the tests look at: ids, links, figures with captions, value cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.bronnen: list[str] = []  # src attributes (there must be none)
        self.figuren: list[dict[str, Any]] = []
        self.cellen: list[dict[str, str]] = []
        self.secties: set[str] = set()
        self.koppen: list[str] = []
        self._figuur: dict[str, Any] | None = None
        self._in: str | None = None
        self._cel: dict[str, str] | None = None
        self._th = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "section" and "id" in a:
            self.secties.add(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if "src" in a:
            self.bronnen.append(a["src"])
        if tag == "figure":
            self._figuur = {"svg": [], "onderschrift": "", "indicator": a.get("data-indicator")}
        elif self._figuur is not None:
            if tag == "figcaption":
                self._in = "figcaption"
            else:
                self._figuur["svg"].append((tag, a))
        if tag == "td" and "data-waarde" in a:
            self._cel = {**a, "tekst": ""}
        if tag == "th":
            self._th = True
            self.koppen.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure" and self._figuur is not None:
            self.figuren.append(self._figuur)
            self._figuur = None
        if tag == "figcaption":
            self._in = None
        if tag == "td" and self._cel is not None:
            self.cellen.append(self._cel)
            self._cel = None
        if tag == "th":
            self._th = False

    def handle_data(self, data: str) -> None:
        if self._in == "figcaption" and self._figuur is not None:
            self._figuur["onderschrift"] += data
        if self._cel is not None:
            self._cel["tekst"] += data
        if self._th:
            self.koppen[-1] += data


def _lees(pad: Path) -> _Pagina:
    p = _Pagina()
    p.feed(pad.read_text(encoding="utf-8"))
    return p


def _paginas(map_: Path) -> Iterator[tuple[Path, _Pagina]]:
    for pad in sorted(map_.glob("*.html")):
        yield pad, _lees(pad)


def _gebiedspagina(map_: Path, code: str) -> Path:
    (pad,) = map_.glob(f"*_{code}.html")
    return pad


def _overzicht(map_: Path) -> Path:
    (pad,) = [p for p in map_.glob("*.html") if p.stem.count("_") == 1]
    return pad


# -- captions, charts, links ----------------------------------------------------------------------


def test_elke_figuur_noemt_bron_en_peiljaar(nieuwste: Path) -> None:
    aantal = 0
    for pad, p in _paginas(nieuwste):
        assert p.figuren, pad.name
        for f in p.figuren:
            tekst = f["onderschrift"]
            assert "Bron: " in tekst, (pad.name, tekst)
            assert re.search(r"peiljaar \d{4}", tekst), (pad.name, tekst)
            aantal += 1
    assert aantal > 21


def _heeft_data(svg: list[tuple[str, dict[str, str]]]) -> bool:
    """A Vega chart draws its data as paths inside mark groups (line, symbol, rect); the map as
    paths with a fill. An empty chart has axes and a title but no such path."""
    in_mark = False
    for tag, a in svg:
        klasse = a.get("class", "")
        if tag == "g" and klasse.startswith("mark-"):
            in_mark = any(m in klasse for m in ("mark-line", "mark-symbol", "mark-rect"))
        if tag == "path" and a.get("d") and (in_mark or "fill" in a):
            return True
    return False


def test_geen_grafiek_zonder_gegevens(nieuwste: Path, volledige_build: Path) -> None:
    con = _db(volledige_build / "nplv_monitor.duckdb")
    # Independently: an area gets a chart per gebiedseffect indicator with a published value for
    # it (at most MAX_FIGUREN per actielijn), and none for the others.
    verwacht = dict(
        con.sql(
            f"""
            select gebied_code, sum(least(n, {html.MAX_FIGUREN}))::int from (
              select gebied_code, actielijn, count(distinct indicator_code) n
              from monitor.indicatorwaarden
              where familie = 'gebiedseffect' and status = 'ok' and waarde is not null
                and gebied_code in (select gebied_code from ref.gebieden where soort = 'focusgebied')
              group by all)
            group by gebied_code
            """
        ).fetchall()
    )
    con.close()
    for pad, p in _paginas(nieuwste):
        for f in p.figuren:
            assert _heeft_data(f["svg"]), (pad.name, f["onderschrift"])
        code = next((c for c in verwacht if pad.stem.endswith("_" + c)), None)
        if code is not None:
            grafieken = [f for f in p.figuren if not f["onderschrift"].startswith("Buurten van")]
            grafieken = [f for f in grafieken if not f["onderschrift"].startswith("Donker:")]
            assert len(grafieken) == verwacht[code], pad.name


_STATLINE = re.compile(r"^https://opendata\.cbs\.nl/statline/#/CBS/nl/dataset/(\w+)/table$")


def test_elke_link_bestaat(nieuwste: Path, volledige_build: Path) -> None:
    con = _db(volledige_build / "nplv_monitor.duckdb")
    cbs = {r[0] for r in con.sql("select tabel_id from bron.cbs_tabellen").fetchall()}
    con.close()
    paginas = dict(_paginas(nieuwste))
    per_naam = {pad.name: p for pad, p in paginas.items()}
    naar_buiten = 0
    for pad, p in paginas.items():
        assert not p.bronnen, (pad.name, p.bronnen[:3])  # nothing is loaded from anywhere
        assert "oogopslag" in p.ids
        assert "ontbrekend" in p.ids
        for link in p.links:
            if link.startswith("data:"):
                continue
            if m := _STATLINE.match(link):
                assert m.group(1) in cbs, link  # a CBS table of this publication
                naar_buiten += 1
                continue
            assert "://" not in link, (pad.name, link)
            bestand, _, anker = link.partition("#")
            doel = per_naam[bestand] if bestand else p
            assert bestand == "" or (nieuwste / bestand).exists(), (pad.name, link)
            assert anker == "" or anker in doel.ids, (pad.name, link)
    assert naar_buiten > 0
    # Overview ↔ area pages ↔ definitions.
    overzicht = _overzicht(nieuwste)
    rz = paginas[_gebiedspagina(nieuwste, "rotterdam_zuid")]
    assert overzicht.name in rz.links
    assert any(link.startswith(overzicht.name + "#def-") for link in rz.links)
    assert _gebiedspagina(nieuwste, "rotterdam_zuid").name in paginas[overzicht].links


def test_trendlijn_breekt_bij_definitiebreuk(nieuwste: Path, volledige_build: Path) -> None:
    """A trend chart names a definition break exactly where a compared area's series changes
    stretch (definitiebreuk and its new basisjaar, computed here in SQL), and nowhere else."""
    con = _db(volledige_build / "nplv_monitor.duckdb")
    kolommen = {r[0] for r in con.sql("describe monitor.indicatorwaarden").fetchall()}
    if "definitiebreuk" not in kolommen:
        pytest.fail("monitor.indicatorwaarden heeft (nog) geen kolom definitiebreuk")
    focus = [
        r[0]
        for r in con.sql(
            "select gebied_code from ref.gebieden where soort = 'focusgebied'"
        ).fetchall()
    ]
    met_breuk = 0
    for code in focus:
        p = _lees(_gebiedspagina(nieuwste, code))
        gemeente = _een(con, "select gemeentecode from ref.gebieden where gebied_code = ?", [code])[
            0
        ]
        for f in p.figuren:
            trend = any(a.get("class", "").startswith("mark-line") for _, a in f["svg"])
            if not f["indicator"] or not trend:
                continue  # the map, or comparison bars (one peiljaar)
            jaren = sorted(
                r[0]
                for r in con.execute(
                    """
                    select peiljaar from (
                      select peiljaar, (coalesce(definitiebreuk, false),
                             case when definitiebreuk then basisjaar end) as sleutel,
                             lag((coalesce(definitiebreuk, false),
                             case when definitiebreuk then basisjaar end))
                               over (partition by gebied_code order by peiljaar) as vorige
                      from monitor.indicatorwaarden
                      where indicator_code = ? and gebied_code in (?, ?, ?, 'NL00')
                        and status = 'ok' and waarde is not null)
                    where vorige is not null and sleutel <> vorige
                    group by peiljaar
                    """,
                    [f["indicator"], code, gemeente, f"{code}_rest"],
                ).fetchall()
            )
            m = re.search(r"definitiebreuk vóór ([\d, ]+) ", f["onderschrift"])
            genoemd = [int(j) for j in m.group(1).split(", ")] if m else []
            assert genoemd == jaren, (code, f["indicator"], f["onderschrift"])
            met_breuk += bool(jaren)
    con.close()
    print(f"{met_breuk} trendgrafieken met een definitiebreuk")


# -- colour rule --------------------------------------------------------------------------------


def _kwartielen(waarden: list[float]) -> tuple[float, float]:
    # Python's own quantiles ('inclusive' = linear interpolation, as quantile_cont).
    q = statistics.quantiles(waarden, n=4, method="inclusive")
    return q[0], q[2]


def _klasse(score: float, richting: str | None) -> str:
    if abs(score) <= 0.25:
        return "gelijk"
    if richting not in {"hoger_beter", "lager_beter"}:
        return "hoger" if score > 0 else "lager"
    gunstig = (score > 0) == (richting == "hoger_beter")
    return ("veel_" if abs(score) > 1 else "") + ("beter" if gunstig else "slechter")


def test_kleuren_volgen_de_regel(nieuwste: Path, volledige_build: Path) -> None:
    con = _db(volledige_build / "nplv_monitor.duckdb")
    richting = dict(con.sql("select indicator_code, richting from monitor.indicatoren").fetchall())
    maat = dict(con.sql("select indicator_code, maat from monitor.indicatoren").fetchall())

    def verwacht(gebied: str, code: str, jaar: int) -> str:
        (w,) = _een(
            con,
            "select waarde from monitor.indicatorwaarden where gebied_code = ? and "
            "indicator_code = ? and peiljaar = ?",
            [gebied, code, jaar],
        )
        nl = con.execute(
            "select waarde from monitor.indicatorwaarden where gebied_code = 'NL00' and "
            "indicator_code = ? and peiljaar = ? and status = 'ok'",
            [code, jaar],
        ).fetchone()
        if nl is None or nl[0] is None or maat[code] == "aantal":
            return "geen"
        for soort in ("wijk", "gemeente"):
            wijken = [
                r[0]
                for r in con.execute(
                    "select waarde from monitor.indicatorwaarden where gebied_soort = ? and "
                    "indicator_code = ? and peiljaar = ? and status = 'ok' and waarde is not null",
                    [soort, code, jaar],
                ).fetchall()
            ]
            if len(wijken) >= kleur.MIN_EENHEDEN:
                q1, q3 = _kwartielen(wijken)
                return _klasse((w - nl[0]) / (q3 - q1), richting[code]) if q3 > q1 else "geen"
        return "geen"

    gezien = 0
    for pad in (_overzicht(nieuwste), _gebiedspagina(nieuwste, "heerlen_noord")):
        for c in _lees(pad).cellen:
            gebied, code, jaar = c["data-waarde"].split("|")
            if gebied == "NL00":
                continue
            assert c["data-kleur"] == verwacht(gebied, code, int(jaar)), (pad.name, c)
            gezien += 1
    assert gezien > 50
    # The zero-centred case of the issue: Leefbaarometer fysieke omgeving, Heerlen-Noord 0,001
    # against Nederland 0,004, is no longer "veel ongunstiger".
    cel = next(
        c
        for c in _lees(_gebiedspagina(nieuwste, "heerlen_noord")).cellen
        if c["data-waarde"] == "heerlen_noord|lbm_fysieke_omgeving|2024"
    )
    assert cel["tekst"] == "0,001"
    assert cel["data-kleur"] not in {"veel_slechter", "slechter"}
    assert cel["data-kleur"] == verwacht("heerlen_noord", "lbm_fysieke_omgeving", 2024)
    con.close()


# -- area pages -----------------------------------------------------------------------------------


def test_gebiedspaginas_hebben_scorekaart_en_trendkolommen(
    nieuwste: Path, volledige_build: Path
) -> None:
    con = _db(volledige_build / "nplv_monitor.duckdb")
    focus = [
        r[0]
        for r in con.sql(
            "select gebied_code from ref.gebieden where soort = 'focusgebied'"
        ).fetchall()
    ]
    for code in focus:
        pad = _gebiedspagina(nieuwste, code)
        tekst = pad.read_text(encoding="utf-8")
        p = _lees(pad)
        assert {"oogopslag", "ontbrekend", "realisatie", "kaart"} <= p.secties, code
        for kop in ("Basisjaar", "Verandering sinds basisjaar", "Kloof met NL", "Sinds basisjaar"):
            assert kop in p.koppen, (code, kop)
        # The scorecard's values are the published ones, with the engine's verdict.
        blok = tekst[
            tekst.index('id="oogopslag"') : tekst.index("</table>", tekst.index('id="oogopslag"'))
        ]
        cellen = [c for c in p.cellen if c["data-waarde"] in blok]
        assert cellen, code
        for c in cellen:
            g, ind, jaar = c["data-waarde"].split("|")
            w, e, kloof, verschil, richting = _een(
                con,
                "select w.waarde, w.eenheid, w.kloof_wordt, w.verschil_nederland, i.richting "
                "from monitor.indicatorwaarden w join monitor.indicatoren i using (indicator_code) "
                "where w.gebied_code = ? and w.indicator_code = ? and w.peiljaar = ?",
                [g, ind, int(jaar)],
            )
            assert c["tekst"] == opmaak.waarde(w, e), (code, c)
            if kloof is not None:
                # ahead of Nederland in the favourable direction the distance is a lead
                voor = richting in {"hoger_beter", "lager_beter"} and (
                    (verschil > 0) == (richting == "hoger_beter") and verschil != 0
                )
                tekst = opmaak.KLOOF_TEKSTEN[kloof]
                if voor and tekst.startswith("kloof "):
                    tekst = "voorsprong" + tekst.removeprefix("kloof")
                elif richting not in {"hoger_beter", "lager_beter"} and tekst.startswith("kloof"):
                    tekst = "verschil" + tekst.removeprefix("kloof")
                assert tekst in blok, (code, ind)
        # Missing values said once: no value cell says "ontbreekt" for the area itself.
        eigen = [c for c in p.cellen if c["data-waarde"].startswith(code + "|")]
        assert all(c["tekst"] not in {"ontbreekt", "onderdrukt"} for c in eigen)
    con.close()


def test_ontbrekende_gegevens_een_keer_per_oorzaak(nieuwste: Path, volledige_build: Path) -> None:
    con = _db(volledige_build / "nplv_monitor.duckdb")
    # Indicators (context, gebiedseffect) whose newest peiljaar has no value for Rotterdam-Zuid.
    namen = [
        r[0]
        for r in con.sql(
            """
            select i.naam from monitor.indicatorwaarden w join monitor.indicatoren i using (indicator_code)
            where w.gebied_code = 'rotterdam_zuid' and w.familie in ('context', 'gebiedseffect')
            qualify peiljaar = max(peiljaar) over (partition by indicator_code)
                and (status <> 'ok' or waarde is null)
            """
        ).fetchall()
    ]
    con.close()
    tekst = _gebiedspagina(nieuwste, "rotterdam_zuid").read_text(encoding="utf-8")
    sectie = tekst[
        tekst.index('id="ontbrekend"') : tekst.index("</section>", tekst.index('id="ontbrekend"'))
    ]
    assert namen
    for naam in namen:
        assert sectie.count(f"{escape(naam)} (") == 1, naam
    assert sectie.count("<li>") < len(namen)  # grouped: fewer causes than indicators
    assert "Route:" in sectie or "nplv-monitor ophalen" in sectie


# -- CSV download ---------------------------------------------------------------------------------

_CSV = re.compile(r'href="(data:text/csv;charset=utf-8;base64,[^"]+)" download="([^"]+)"')


def test_csv_download_is_de_duckdb_waarde(nieuwste: Path, volledige_build: Path) -> None:
    con = _db(volledige_build / "nplv_monitor.duckdb")
    for pad in (_overzicht(nieuwste), _gebiedspagina(nieuwste, "heerlen_noord")):
        (uri, naam) = _CSV.search(pad.read_text(encoding="utf-8")).groups()  # type: ignore[union-attr]
        assert naam.endswith(".csv")
        rijen = list(csv.DictReader(io.StringIO(download.lees_data_uri(uri)), delimiter=";"))
        gebieden = sorted({r["gebied_code"] for r in rijen})
        db = {
            (g, i, j): (s, w)
            for g, i, j, s, w in con.execute(
                "select gebied_code, indicator_code, peiljaar, status, waarde from "
                "monitor.indicatorwaarden where gebied_code in (select unnest(?))",
                [gebieden],
            ).fetchall()
        }
        assert len(rijen) == len(db), pad.name
        for r in rijen:
            status, waarde = db[(r["gebied_code"], r["indicator_code"], int(r["peiljaar"]))]
            assert r["status"] == status
            if waarde is None:
                assert r["waarde"] == ""
            else:
                assert float(r["waarde"].replace(",", ".")) == waarde  # exactly, unrounded
    con.close()


# -- a publication with a return ------------------------------------------------------------------


@pytest.fixture(scope="module")
def met_retour(volledige_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full build's published file with Heerlen-Noord's return accepted and Rotterdam-Zuid's
    rejected (real intake and indicator code), and the HTML pages written from it."""
    from nplv_monitor.realisatie import indicatoren, intake, regelingen, template
    from nplv_monitor.realisatie.template import BLAD, KOLOMMEN, KOPRIJ

    werk = tmp_path_factory.mktemp("met_retour")
    pub = werk / "nplv_monitor.duckdb"
    shutil.copy(volledige_build / "nplv_monitor.duckdb", pub)
    inlever = werk / "retouren"
    inlever.mkdir()
    kol = {k: i + 1 for i, k in enumerate(KOLOMMEN)}
    for gebied, afwijking in (("heerlen_noord", {}), ("rotterdam_zuid", {"21": 150})):
        leeg = template.schrijf_xlsx(gebied, 2025, werk / f"sjabloon_{gebied}.xlsx")
        wb = openpyxl.load_workbook(leeg)
        ws = wb[BLAD]
        for r in range(KOPRIJ + 2, ws.max_row + 1):
            vid = ws.cell(r, kol["vraag_id"]).value
            if vid is not None:
                ws.cell(r, kol["antwoord"]).value = {**ANTWOORDEN, **afwijking}[str(vid)]
        wb.save(inlever / f"{template.bestandsnaam(gebied, 2025)}.xlsx")
    v = intake.verwerk_map(inlever)
    assert len(v.geaccepteerd) == 1
    assert len(v.geweigerd) == 1
    con = duckdb.connect(str(pub))
    for tabel, df in (
        ("realisatie.retouren_antwoorden", v.antwoorden),
        ("realisatie.retouren_historie", v.historie),
        ("realisatie.retouren_afgewezen", v.afgewezen),
    ):
        con.register("_nieuw", df.to_arrow())
        con.execute(f"delete from {tabel}")
        con.execute(f"insert into {tabel} by name select * from _nieuw")
        con.unregister("_nieuw")
    cijfers = con.sql("select * from realisatie.regelingen_cijfers").pl()
    gebied = con.sql("select * from realisatie.regelingen_gebied").pl()
    df = indicatoren.bereken(
        cijfers.cast(regelingen.CIJFERS_SCHEMA),
        gebied.cast(regelingen.GEBIED_SCHEMA),
        v.antwoorden,
    )
    # As the asset writes them (only these rows replaced), in the published table's columns.
    kolommen = [r[0] for r in con.sql("describe monitor.indicatorwaarden").fetchall()]
    con.register("_nieuw", df.select([k for k in df.columns if k in kolommen]).to_arrow())
    con.execute("delete from monitor.indicatorwaarden where familie = 'gebiedsrealisatie'")
    con.execute("insert into monitor.indicatorwaarden by name select * from _nieuw")
    con.close()
    uit = werk / "html"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NPLV_OUTPUT_DIR", str(werk / "output"))  # the chart cache goes there
        html.schrijf_html(gegevens.laad(pub), uit)
    return uit


def test_gebiedspagina_toont_eigen_retour(met_retour: Path) -> None:
    pub = met_retour.parent / "nplv_monitor.duckdb"
    con = _db(pub)
    antwoorden = con.sql(
        "select vraag_id, waarde, tekst from realisatie.retouren_antwoorden "
        "where gebied_code = 'heerlen_noord'"
    ).fetchall()
    realisatie = con.sql(
        "select indicator_code, waarde, eenheid from monitor.indicatorwaarden where "
        "gebied_code = 'heerlen_noord' and familie = 'gebiedsrealisatie' and status = 'ok' "
        "and waarde is not null"
    ).fetchall()
    (n_van,) = _een(
        con,
        "select count(*) from monitor.indicatorwaarden where gebied_code = 'alle_focusgebieden' "
        "and bron_tabel = 'realisatie.retouren_antwoorden' and status = 'ok'",
    )
    con.close()
    assert len(antwoorden) == 26
    tekst = _gebiedspagina(met_retour, "heerlen_noord").read_text(encoding="utf-8")
    sectie = tekst[tekst.index('id="retour"') : tekst.index("</table>", tekst.index('id="retour"'))]
    assert "ontvangen en geaccepteerd" in sectie
    for vid, waarde, tekst_antwoord in antwoorden:
        assert f"<tr><td>{vid}</td>" in sectie, vid
        if tekst_antwoord:
            assert tekst_antwoord in sectie
        elif waarde is not None:
            assert opmaak.getal(waarde, 0 if float(waarde).is_integer() else 1) in sectie, vid
    assert realisatie
    for code, waarde, eenheid in realisatie:
        assert opmaak.waarde(waarde, eenheid) in tekst, code
    # A page of an area without an accepted return says so, and the tracker gives the reason.
    rz = _gebiedspagina(met_retour, "rotterdam_zuid").read_text(encoding="utf-8")
    assert "ontvangen en afgewezen" in rz
    assert "vraag 21" in rz
    overzicht = _overzicht(met_retour).read_text(encoding="utf-8")
    assert (
        "Uitvraag 2025: 1 van 20 gebieden geaccepteerd, 1 afgewezen, 18 niet ontvangen."
        in overzicht
    )
    # An all-areas figure from returns says how many areas it counts.
    assert n_van > 0
    assert overzicht.count("1 van 20 gebieden") >= n_van


# -- Dutch formats --------------------------------------------------------------------------------


def test_getallen_in_nederlandse_notatie(nieuwste: Path) -> None:
    # A number cell never has a decimal point (1.234 is a thousands separator: three digits follow).
    fout = re.compile(r"\d\.(?!\d{3}(?!\d))")
    # Nor does any text of the page write a percentage with a decimal point ('Dekking 62.5%').
    punt_procent = re.compile(r"(?<![\d.])\d+\.\d+\s?%")
    for pad, p in _paginas(nieuwste):
        for c in p.cellen:
            assert not fout.search(c["tekst"]), (pad.name, c["tekst"])
        tekst = re.sub(
            r"<svg.*?</svg>|data:[^\"]*", "", pad.read_text(encoding="utf-8"), flags=re.S
        )
        assert not punt_procent.search(tekst), (pad.name, punt_procent.search(tekst))


@pytest.mark.browser
def test_gebiedspagina_print_op_a4(nieuwste: Path, tmp_path: Path, ui_screenshot: Any) -> None:
    """Chromium prints an area page on A4 (the page's @page rule), in a handful of pages."""
    from tests.hulp import overslaan

    chromium = ui_screenshot.chromium()
    if chromium is None:
        overslaan("Debian's chromium is niet geïnstalleerd (apt-get install -y chromium)")
    pdf = tmp_path / "rotterdam_zuid.pdf"
    subprocess.run(
        [
            chromium,
            *ui_screenshot.headless_vlaggen(tmp_path / "profiel"),
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            _gebiedspagina(nieuwste, "rotterdam_zuid").as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    inhoud = pdf.read_bytes()
    formaten = {
        tuple(round(float(x)) for x in m.split())
        for m in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", inhoud)
    }
    assert formaten == {(0, 0, 595, 842)}  # A4 in points, portrait
    paginas = len(re.findall(rb"/Type\s*/Page[^s]", inhoud))
    assert 2 <= paginas <= 14, paginas
