"""Fault campaign, process, concurrency and resources: two builds at once, an analyst reading
while runs publish, an output folder that cannot be written, a full disk.

Each test states the fault and what must hold afterwards. Killing a build at random moments is
the slow campaign ``bench/kill_campaign.py`` (docs/reliability.md); killing a publication at its
two critical points and a reader holding the file open are in tests/test_publicatie.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from nplv_monitor.bronnen.snapshot import sha256_bestand
from nplv_monitor.publicatie import edities, publiceer
from tests.bronnen_hulp import bron_asset, materialiseer
from tests.hulp import overslaan

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def _werk(uit: Path) -> Path:
    """A small working database to publish: the real Leefbaarometer buurt scores, written by
    their bron asset (validated, with their provenance rows in bron.herkomst)."""
    pad = uit / ".werk" / "werk.duckdb"
    assert materialiseer(bron_asset("leefbaarometer_buurt"), pad).success
    return pad


def _publiceer(werk: Path, doel: Path, run: str = "r") -> publiceer.Publicatie:
    return publiceer.publiceer(
        werk,
        doel,
        rapportagejaar=2026,
        run_id=f"{run}-{os.urandom(6).hex()}",
        snapshot=edities.snapshot_bestanden(werk),
        wachttijd_s=30,
    )


def _edities(pad: Path) -> int:
    with duckdb.connect(str(pad), read_only=True) as con:
        return int(con.sql("select count(*) from publicatie.edities").fetchall()[0][0])


def _python(code: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


# -- concurrency ------------------------------------------------------------------------------
BUILD_KLEIN = """
    import sys
    import dagster as dg
    from nplv_monitor.bronnen import assets as b
    from nplv_monitor.definitions import definities_van
    from nplv_monitor.orkestratie.build import BouwFout, bouw
    key = dg.AssetKey(["bron", "leefbaarometer_buurt"])
    defs = definities_van([a for a in b.maak_assets() if key in a.keys])
    try:
        bouw(2026, definitions=defs, melden=lambda _: None, wachttijd_s=0.1)
    except BouwFout as fout:
        print(fout)
        sys.exit(2)
"""


def test_twee_builds_tegelijk(tmp_output: Path) -> None:
    """Fault: two builds start at the same moment on the same output folder. Holds: each either
    publishes or is refused with 'Er loopt al een build' (never a crash or a mixed file); the
    published file opens with one edition per successful build; no temporary file remains."""
    runs = [_python(BUILD_KLEIN, NPLV_OUTPUT_DIR=str(tmp_output)) for _ in range(2)]
    uitkomsten = [(p.wait(timeout=240), p.communicate()) for p in runs]
    codes = sorted(c for c, _ in uitkomsten)
    assert codes in ([0, 0], [0, 2]), uitkomsten
    for code, (uit, _) in uitkomsten:
        if code == 2:
            assert "Er loopt al een build" in uit
    assert _edities(tmp_output / "nplv_monitor.duckdb") == codes.count(0)
    assert publiceer.tijdelijke_bestanden(tmp_output) == []


def test_analist_leest_steeds_terwijl_er_gepubliceerd_wordt(tmp_output: Path) -> None:
    """Fault: an analyst opens the published file again and again (a new read-only connection
    each time) while three publications swap it. Holds: every open succeeds and sees a whole
    edition; the number of editions it sees never goes down."""
    werk = _werk(tmp_output)
    doel = tmp_output / "nplv_monitor.duckdb"
    _publiceer(werk, doel)
    stop = tmp_output / "stop"
    lezer = _python(f"""
        import json, os, duckdb
        gezien, fouten = [], []
        while not os.path.exists({str(stop)!r}) or len(gezien) < 5:
            try:
                with duckdb.connect({str(doel)!r}, read_only=True) as con:
                    gezien.append(con.sql("select count(*) from publicatie.edities").fetchall()[0][0])
            except Exception as exc:
                fouten.append(repr(exc))
        print(json.dumps({{"gezien": gezien, "fouten": fouten[:3]}}))
    """)
    try:
        for _ in range(3):
            _publiceer(werk, doel)
    finally:
        stop.touch()
        uit, fout = lezer.communicate(timeout=60)
    assert lezer.returncode == 0, fout
    uitslag = json.loads(uit)
    gezien = uitslag["gezien"]
    assert uitslag["fouten"] == [], uitslag["fouten"]
    assert len(gezien) >= 5
    assert gezien == sorted(gezien)
    assert set(gezien) <= {1, 2, 3, 4}
    assert _edities(doel) == 4


# -- resources --------------------------------------------------------------------------------
def _bouw_klein(uit: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nplv_monitor.definitions import definities_van
    from nplv_monitor.orkestratie.build import bouw

    monkeypatch.setenv("NPLV_OUTPUT_DIR", str(uit))
    bouw(2026, definitions=definities_van([bron_asset("leefbaarometer_buurt")]))


def test_uitvoermap_die_niet_kan_bestaan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault: NPLV_OUTPUT_DIR lies under a regular file (cannot be created). Holds: BouwFout
    naming the folder — no traceback — and nothing written."""
    from nplv_monitor.orkestratie.build import BouwFout

    (tmp_path / "bestand").write_text("geen map")
    with pytest.raises(BouwFout, match="niet schrijfbaar"):
        _bouw_klein(tmp_path / "bestand" / "uit", monkeypatch)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A mount point for a small tmpfs (root only; skipped otherwise)."""
    punt = tmp_path / "mnt"
    punt.mkdir()
    yield punt
    subprocess.run(["umount", str(punt)], check=False, capture_output=True)


def _mount(punt: Path, opties: str) -> None:
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", opties, "tmpfs", str(punt)],
        check=False,
        capture_output=True,
        text=True,
    )
    if r.returncode != 0:
        overslaan(f"kan geen tmpfs aankoppelen (root nodig): {r.stderr.strip()}")


def test_uitvoermap_alleen_lezen(tmpfs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault: the output folder is on a read-only file system. Holds: BouwFout naming the
    folder, nothing written."""
    from nplv_monitor.orkestratie.build import BouwFout

    _mount(tmpfs, "ro,size=1m")
    with pytest.raises(BouwFout, match="niet schrijfbaar"):
        _bouw_klein(tmpfs / "uit", monkeypatch)
    assert list(tmpfs.iterdir()) == []


PUBLICEER_MET_LIMIET = """
    import resource, signal, sys
    from pathlib import Path
    from nplv_monitor.publicatie import edities, publiceer
    limiet = int(sys.argv[1]) if len(sys.argv) > 1 else {limiet}
    if limiet:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limiet, limiet))
    try:
        publiceer.publiceer(Path({werk!r}), Path({doel!r}), rapportagejaar=2026,
                            run_id="vol-0000", snapshot=edities.snapshot_bestanden(Path({werk!r})))
    except Exception as exc:
        print(type(exc).__name__, exc)
        sys.exit(3)
"""


def _schijf_vol(werk: Path, doel: Path, limiet: int = 0) -> str:
    proc = _python(PUBLICEER_MET_LIMIET.format(limiet=limiet, werk=str(werk), doel=str(doel)))
    uit, fout = proc.communicate(timeout=120)
    assert proc.returncode == 3, (proc.returncode, uit, fout)
    return uit


def test_schijf_vol_bij_publiceren_rlimit(tmp_output: Path) -> None:
    """Fault: the disk fills while the new file is written (RLIMIT_FSIZE 512 KiB on the publishing
    process). Holds: the publication fails with an error, the published file is byte for byte the
    previous edition, and no temporary file remains."""
    werk = _werk(tmp_output)
    doel = tmp_output / "nplv_monitor.duckdb"
    _publiceer(werk, doel)
    voor = sha256_bestand(doel)
    melding = _schijf_vol(werk, doel, limiet=512 * 1024)
    assert melding.strip()
    assert sha256_bestand(doel) == voor
    assert _edities(doel) == 1
    assert publiceer.tijdelijke_bestanden(tmp_output) == []


def test_schijf_vol_bij_publiceren_tmpfs(tmpfs: Path, tmp_path: Path) -> None:
    """Fault: the output folder is a tmpfs with room for one edition and its vintage, not for a
    second. Holds as above: error, previous edition intact, no temporary file left."""
    proef = tmp_path / "proef"
    werk = _werk(proef)
    grootte = _publiceer(werk, proef / "nplv_monitor.duckdb").pad.stat().st_size
    _mount(tmpfs, f"size={2 * grootte + grootte // 2}")
    doel = tmpfs / "nplv_monitor.duckdb"
    _publiceer(werk, doel)
    voor = sha256_bestand(doel)
    melding = _schijf_vol(werk, doel)
    assert "space" in melding.lower() or "ruimte" in melding.lower(), melding
    assert sha256_bestand(doel) == voor
    assert _edities(doel) == 1
    assert publiceer.tijdelijke_bestanden(tmpfs) == []
