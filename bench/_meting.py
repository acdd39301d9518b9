"""Shared helpers for the bench scripts: run a child process and measure it, describe the machine.

Peak memory is the child's own maximum resident set size as the kernel reports it through
``os.wait4`` (ru_maxrss, KiB on Linux): one figure per run, no sampling, no extra dependency.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"


@dataclass(frozen=True)
class Run:
    wall_s: float
    peak_mb: float
    returncode: int
    stdout: str


def meet(cmd: Sequence[str], env: Mapping[str, str] | None = None, cwd: Path = REPO) -> Run:
    """Run ``cmd`` to completion; wall time and the child's peak RSS (its own, via wait4)."""
    omgeving = {**os.environ, **(env or {})}
    # Python caches compiled modules (__pycache__) on a user's machine; a build machine that
    # sets PYTHONDONTWRITEBYTECODE recompiles the package on every start (≈ 0,3 s here), which
    # is not what a user waits.
    omgeving.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd), env=omgeving, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert proc.stdout is not None
    uit = proc.stdout.read().decode("utf-8", "replace")
    _, status, rusage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, rusage.ru_maxrss / 1024, proc.returncode, uit)


def mediaan(waarden: Sequence[float]) -> float:
    return statistics.median(waarden)


def regel(naam: str, runs: Sequence[float], eenheid: str = "s") -> str:
    return (
        f"{naam:<44} median {mediaan(runs):8.2f} {eenheid}   "
        f"min {min(runs):8.2f}   max {max(runs):8.2f}   (n={len(runs)})"
    )


def machine() -> str:
    """One line per fact: CPU model and count, memory, OS, Python, load at start."""
    model = "?"
    try:
        for r in Path("/proc/cpuinfo").read_text().splitlines():
            if r.startswith("model name"):
                model = r.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for r in Path("/proc/meminfo").read_text().splitlines():
            if r.startswith("MemTotal"):
                mem = f"{int(r.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"cpu: {model} × {os.cpu_count()} | mem: {mem} | {platform.system()} "
        f"{platform.release()} | Python {platform.python_version()} | loadavg {load}"
    )


def git_versie() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            check=False,
            cwd=REPO,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "?"
