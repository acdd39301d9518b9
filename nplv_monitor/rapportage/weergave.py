"""Render many Vega-Lite specs to SVG, spread over the machine's cores.

vl-convert runs one JavaScript engine per process and serialises calls on it, so threads do not
help; more processes do. The helpers are fresh interpreters started with ``python -m`` (this
module), not forked and not ``multiprocessing``-spawned: the calling process may already hold
vl-convert's, DuckDB's or polars' threads (a forked copy of those can deadlock), and a spawned
``multiprocessing`` worker re-imports the caller's main script, which breaks scripts without a
``__main__`` guard. A helper reads a JSON list of specs on stdin and writes the JSON list of SVGs
on stdout. Every spec is rendered exactly as a single call would, so the output does not depend
on the number of processes.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from typing import IO

from nplv_monitor.rapportage.grafieken import Spec, svg

#: Below this many charts, starting a helper costs more than it saves.
MIN_VOOR_HULP = 40


class WeergaveFout(RuntimeError):
    """A helper process failed; the message carries its exit code and error output."""


def _kernen() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _reeks(specs: Sequence[Spec]) -> list[str]:
    return [svg(s) for s in specs]


def svg_alle(specs: Sequence[Spec], processen: int | None = None) -> list[str]:
    """The SVG of every spec, in the same order; over ``processen`` processes (default: the
    cores this process may use) when there are enough specs."""
    n = processen if processen is not None else _kernen()
    if n <= 1 or len(specs) < MIN_VOOR_HULP:
        return _reeks(specs)
    # Interleaved slices (0, n, 2n, … per part) spread the heavy maps and trend charts evenly.
    # This process renders part 0 while n - 1 helpers render the others.
    delen = [list(specs[i::n]) for i in range(n)]
    uitkomsten: list[list[str]] = []
    hulp: list[tuple[subprocess.Popen[bytes], IO[bytes]]] = []
    with contextlib.ExitStack() as opruimen:
        opruimen.callback(_stop, hulp)
        for deel in delen[1:]:
            # stderr to a file, not a pipe: nothing can block on an unread pipe.
            fouten = opruimen.enter_context(tempfile.TemporaryFile())
            p = subprocess.Popen(
                [sys.executable, "-m", __name__],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=fouten,
            )
            hulp.append((p, fouten))
            assert p.stdin is not None
            # The helper reads all its input before it writes anything, so this cannot deadlock.
            p.stdin.write(json.dumps(deel).encode())
            p.stdin.close()
        uitkomsten.append(_reeks(delen[0]))
        for p, fout in hulp:
            assert p.stdout is not None
            out = p.stdout.read()
            if p.wait() != 0:
                fout.seek(0)
                raise WeergaveFout(
                    f"grafieken renderen in een hulpproces mislukte (exitcode {p.returncode}): "
                    f"{fout.read().decode(errors='replace')[-2000:]}"
                )
            uitkomsten.append(json.loads(out))
    uit: list[str] = [""] * len(specs)
    for i, svgs in enumerate(uitkomsten):
        uit[i::n] = svgs
    return uit


def _stop(hulp: list[tuple[subprocess.Popen[bytes], IO[bytes]]]) -> None:
    """On any error (or after success) no helper outlives the call."""
    for p, _ in hulp:
        if p.poll() is None:
            p.kill()
            p.wait()
        if p.stdout is not None:
            p.stdout.close()


def _hulp() -> None:
    specs = json.load(sys.stdin.buffer)
    json.dump(_reeks(specs), sys.stdout)


if __name__ == "__main__":
    _hulp()
