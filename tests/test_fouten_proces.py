"""Fault campaign, process, concurrency and resources: two builds at once, an analyst reading
while runs publish, an output folder that cannot be written, a full disk.

Each test states the fault and what must hold afterwards. Killing a build at random moments is
the slow campaign ``bench/kill_campaign.py`` (docs/reliability.md); killing a publication at its
two critical points and a reader holding the file open are in tests/test_publicatie.py.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
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


def _zonder_root_alleen_lezen(map_: Path) -> None:
    """Without root, a folder without write permission is read-only for this process (root
    ignores permission bits, hence the read-only mount when running as root)."""
    map_.mkdir()
    map_.chmod(0o555)


def test_uitvoermap_alleen_lezen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault: the output folder cannot be written — as root a read-only tmpfs (root ignores
    permission bits), otherwise a folder without write permission. Holds: BouwFout naming the
    folder, nothing written."""
    from nplv_monitor.orkestratie.build import BouwFout

    punt = tmp_path / "mnt"
    if os.geteuid() == 0:
        punt.mkdir()
        r = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(punt)],
            check=False,
            capture_output=True,
            text=True,
        )
        if r.returncode != 0:
            overslaan(f"kan als root geen tmpfs aankoppelen: {r.stderr.strip()}")
    else:
        _zonder_root_alleen_lezen(punt)
    try:
        with pytest.raises(BouwFout, match="niet schrijfbaar") as fout:
            _bouw_klein(punt / "uit", monkeypatch)
        assert str(punt / "uit") in str(fout.value)
        assert list(punt.iterdir()) == []
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(punt)], check=False, capture_output=True)
        else:
            punt.chmod(0o755)


#: Run in the child: the publication's exception and its whole cause chain, as JSON, so the test
#: can require the specific errno (an ImportError or a bug must not pass as "disk full").
_FOUTKETEN = """
    import errno as _errno, json as _json
    def foutketen(exc):
        keten, e = [], exc
        while e is not None and len(keten) < 10:
            no = getattr(e, "errno", None)
            keten.append({{"type": type(e).__module__ + "." + type(e).__qualname__,
                          "errno": _errno.errorcode.get(no) if isinstance(no, int) else None,
                          "tekst": str(e)}})
            e = e.__cause__ or e.__context__
        return keten
"""


def _schijf_vol_fout(keten: list[dict[str, str | None]], code: str) -> None:
    """The chain names the error ``code`` (ENOSPC or EFBIG): as an OSError's errno, or as the
    operating system's text for it in a DuckDB error (DuckDB reports the C library's strerror,
    e.g. in a TransactionException when the WAL cannot be written)."""
    tekst = os.strerror(getattr(errno, code))
    treffers = [
        f
        for f in keten
        if f["errno"] == code
        or (str(f["type"]).startswith(("duckdb.", "_duckdb.")) and tekst in str(f["tekst"]))
    ]
    assert treffers, (code, tekst, keten)


PUBLICEER_MET_LIMIET = (
    _FOUTKETEN
    + """
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
        print(_json.dumps(foutketen(exc)))
        sys.exit(3)
"""
)


def _schijf_vol(werk: Path, doel: Path, limiet: int = 0) -> list[dict[str, str | None]]:
    proc = _python(PUBLICEER_MET_LIMIET.format(limiet=limiet, werk=str(werk), doel=str(doel)))
    uit, fout = proc.communicate(timeout=120)
    assert proc.returncode == 3, (proc.returncode, uit, fout)
    keten: list[dict[str, str | None]] = json.loads(uit.strip().splitlines()[-1])
    return keten


def test_schijf_vol_bij_publiceren_rlimit(tmp_output: Path) -> None:
    """Fault: the disk fills while the new file is written (RLIMIT_FSIZE 512 KiB on the publishing
    process). Holds: the publication fails with an error, the published file is byte for byte the
    previous edition, and no temporary file remains."""
    werk = _werk(tmp_output)
    doel = tmp_output / "nplv_monitor.duckdb"
    _publiceer(werk, doel)
    voor = sha256_bestand(doel)
    _schijf_vol_fout(_schijf_vol(werk, doel, limiet=512 * 1024), "EFBIG")
    assert sha256_bestand(doel) == voor
    assert _edities(doel) == 1
    assert publiceer.tijdelijke_bestanden(tmp_output) == []


TMPFS_VOL = (
    _FOUTKETEN
    + """
    import json, os, subprocess, sys
    from pathlib import Path
    import duckdb
    from nplv_monitor.bronnen.snapshot import sha256_bestand
    from nplv_monitor.publicatie import edities, publiceer
    werk, punt = Path({werk!r}), Path({punt!r})
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size={grootte}", "tmpfs", str(punt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print("geen tmpfs:", r.stderr.strip())
        sys.exit(4)
    doel = punt / "nplv_monitor.duckdb"
    def publiceer_een():
        publiceer.publiceer(werk, doel, rapportagejaar=2026, run_id="r-" + os.urandom(6).hex(),
                            snapshot=edities.snapshot_bestanden(werk), wachttijd_s=30)
    publiceer_een()
    voor = sha256_bestand(doel)
    try:
        publiceer_een()
        keten = None
    except Exception as exc:
        keten = foutketen(exc)
    with duckdb.connect(str(doel), read_only=True) as con:
        n = con.sql("select count(*) from publicatie.edities").fetchall()[0][0]
    print(json.dumps({{"keten": keten, "ongewijzigd": sha256_bestand(doel) == voor, "edities": n,
                      "tijdelijk": [str(p) for p in publiceer.tijdelijke_bestanden(punt)]}}))
"""
)


def test_schijf_vol_bij_publiceren_tmpfs(tmp_path: Path) -> None:
    """Fault: the output folder is a tmpfs with room for one edition and its vintage, not for a
    second. Holds as above: ENOSPC, previous edition intact, no temporary file left.

    The tmpfs is mounted in a private mount namespace of the child (``unshare``): as root a
    mount namespace, otherwise also a user namespace in which the process is root — so the case
    runs without root too, and no mount outlives the test."""
    proef = tmp_path / "proef"
    werk = _werk(proef)
    grootte = _publiceer(werk, proef / "nplv_monitor.duckdb").pad.stat().st_size
    punt = tmp_path / "mnt"
    punt.mkdir()
    ns = ["--mount"] if os.geteuid() == 0 else ["--user", "--map-root-user", "--mount"]
    code = TMPFS_VOL.format(werk=str(werk), punt=str(punt), grootte=2 * grootte + grootte // 2)
    proc = subprocess.run(
        ["unshare", *ns, sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode == 4 or (proc.returncode != 0 and "unshare" in proc.stderr):
        overslaan(f"kan geen tmpfs aankoppelen in een eigen namespace: {proc.stdout}{proc.stderr}")
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    uitslag = json.loads(proc.stdout.strip().splitlines()[-1])
    assert uitslag["keten"] is not None, "de tweede publicatie paste op een te kleine schijf"
    _schijf_vol_fout(uitslag["keten"], "ENOSPC")
    assert uitslag["ongewijzigd"] is True
    assert uitslag["edities"] == 1
    assert uitslag["tijdelijk"] == []
