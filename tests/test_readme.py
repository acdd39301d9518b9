"""The README is part of the contract with analysts: every SQL example in it runs against a real
build of the shipped snapshot and returns rows where it promises them, and the two set-up commands
are the ones .ci/run executes."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from nplv_monitor.config import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def _sql_uit_readme() -> list[str]:
    vragen = []
    for blok in re.findall(r"```sql\n(.*?)```", README, re.S):
        zonder_commentaar = "\n".join(
            r for r in blok.splitlines() if not r.strip().startswith("--")
        )
        vragen += [v.strip() for v in zonder_commentaar.split(";") if v.strip()]
    return vragen


def test_readme_sql_draait_op_het_gepubliceerde_bestand(volledige_build: Path) -> None:
    vragen = _sql_uit_readme()
    assert len(vragen) >= 5
    con = duckdb.connect(str(volledige_build / "nplv_monitor.duckdb"), read_only=True)
    try:
        resultaten = {v.splitlines()[0]: con.sql(v).pl() for v in vragen}
    finally:
        con.close()
    leeg = [
        kop
        for kop, df in resultaten.items()
        # 'revisies WHERE herzien' is legitimately empty after a single edition.
        if df.height == 0 and "revisies" not in kop
    ]
    assert leeg == []


def test_readme_python_voorbeeld_draait(volledige_build: Path) -> None:
    blok = re.findall(r"```python\n(.*?)```", README, re.S)[0]
    code = blok.replace("output/nplv_monitor.duckdb", str(volledige_build / "nplv_monitor.duckdb"))
    ruimte: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), ruimte)
    assert ruimte["df"].height > 0  # type: ignore[attr-defined]


def test_readme_noemt_precies_de_twee_commandos_van_ci() -> None:
    sh_blokken = re.findall(r"```sh\n(.*?)```", README, re.S)
    setup = [b.strip() for b in sh_blokken[:2]]
    assert setup[0] == (
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/nplv-monitor build"
    )
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # .ci/run runs the README's test command (pip quiet there, to keep the CI log readable).
    assert setup[1].replace("pip install", "pip install -q") in ci
