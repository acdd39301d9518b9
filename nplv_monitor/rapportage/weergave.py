"""Render many Vega-Lite specs to SVG, spread over the machine's cores.

vl-convert runs one JavaScript engine per process and serialises calls on it, so threads do not
help; more processes do. The helpers are fresh interpreters started with ``python -m`` (this
module), not forked and not ``multiprocessing``-spawned: the calling process may already hold
vl-convert's, DuckDB's or polars' threads (a forked copy of those can deadlock), and a spawned
``multiprocessing`` worker re-imports the caller's main script, which breaks scripts without a
``__main__`` guard. A helper reads a JSON list of specs on stdin and writes the JSON list of SVGs
on stdout. Every spec is rendered exactly as a single call would, so the output does not depend
on the number of processes.

Rendered SVGs are kept in a content-addressed cache (``<output>/.werk/grafiekcache``, keyed by
the sha256 of the spec and the vl-convert version): a rebuild or ``nplv-monitor report`` with the
same figures renders nothing again. A cache entry is written atomically and only ever read back
for exactly the same spec, so it cannot change what a chart shows.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import IO

from nplv_monitor.config import instellingen
from nplv_monitor.rapportage.grafieken import Spec, svg

#: Part of the cache key: another renderer version may draw the same spec differently.
_VL_CONVERT = version("vl-convert-python")

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


def cachemap() -> Path:
    return instellingen().output_dir / ".werk" / "grafiekcache"


def _sleutel(spec: Spec) -> str:
    inhoud = json.dumps(spec, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{_VL_CONVERT}\n{inhoud}".encode()).hexdigest()


def _schrijf_cache(map_: Path, sleutel: str, tekst: str) -> None:
    map_.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{sleutel}.", suffix=".tmp", dir=map_)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(tekst)
        os.replace(tmp, map_ / f"{sleutel}.svg")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def svg_alle(
    specs: Sequence[Spec], processen: int | None = None, cache: Path | None = None
) -> list[str]:
    """The SVG of every spec, in the same order. Specs already in the cache are read from it;
    the rest are rendered over ``processen`` processes (default: the cores this process may
    use) when there are enough of them, and added to the cache."""
    map_ = cache if cache is not None else cachemap()
    sleutels = [_sleutel(s) for s in specs]
    uit: list[str | None] = []
    for sleutel in sleutels:
        pad = map_ / f"{sleutel}.svg"
        try:
            uit.append(pad.read_text(encoding="utf-8"))
        except (FileNotFoundError, UnicodeDecodeError):
            uit.append(None)
    te_maken = [i for i, tekst in enumerate(uit) if tekst is None]
    if te_maken:
        nieuw = _render(
            [specs[i] for i in te_maken], processen if processen is not None else _kernen()
        )
        for i, tekst in zip(te_maken, nieuw, strict=True):
            uit[i] = tekst
            with contextlib.suppress(OSError):  # a read-only output folder only loses the cache
                _schrijf_cache(map_, sleutels[i], tekst)
    return [t or "" for t in uit]


def _render(specs: Sequence[Spec], n: int) -> list[str]:
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
