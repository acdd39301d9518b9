"""Reading the project's YAML inputs safely: ``lees_yaml(pad)``.

Every YAML file the project reads (registers, indicator catalogue, uitvraag, regelingen, Pandera
schemas) goes through here, so a broken or hostile file ends in a ``YamlFout`` naming the file
instead of exhausting memory, CPU or the stack:

- **Size**: at most ``MAX_BYTES`` (1 MiB; the largest shipped file is about 25 KB). Only that many
  bytes are ever read.
- **No aliases** (``*naam``). An alias makes the loader share a node; nested aliases ("billion
  laughs") expand exponentially as soon as the result is walked (copied, serialised, validated).
  No shipped file uses anchors or aliases, so any alias is refused rather than counted.
- **Nesting depth** at most ``MAX_DIEPTE``: deeply nested ``[[[[...`` would otherwise exhaust the
  recursive composer's stack.
- **Safe loader only** (plain data, no Python object tags); libyaml's C loader when PyYAML was
  built with it, which is what makes the check below cheap.

The checks run on the parser's event stream (``yaml.parse``), which never expands aliases, and stop
at the first offending event; only a file that passes is loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from nplv_monitor.errors import NplvFout

MAX_BYTES = 1024 * 1024
MAX_DIEPTE = 64

# CSafeLoader exists only when PyYAML was built against libyaml; the pure-Python one is equivalent.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_SLUIT = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class YamlFout(NplvFout):
    """A YAML input is unreadable, too large, not valid YAML or uses a refused construct."""


def lees_yaml(pad: Path) -> Any:
    """The content of YAML file ``pad`` (one document, safe loader); YamlFout naming ``pad``."""
    tekst = _lees_tekst(pad)
    _controleer_gebeurtenissen(tekst, pad)
    try:
        return yaml.load(tekst, Loader=_LOADER)  # _LOADER is a safe loader
    except yaml.YAMLError as exc:
        raise YamlFout(f"{pad} is geen geldige YAML: {exc}") from exc


def _lees_tekst(pad: Path) -> str:
    try:
        with pad.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise YamlFout(f"{pad} is niet te lezen: {exc.strerror or exc}") from exc
    if len(data) > MAX_BYTES:
        raise YamlFout(
            f"{pad} is groter dan {MAX_BYTES:,} bytes; dat is geen invoerbestand van dit project."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlFout(f"{pad} is geen UTF-8 (byte {exc.start}): {exc.reason}.") from exc


def _plek(pad: Path, gebeurtenis: yaml.Event) -> str:
    mark = gebeurtenis.start_mark
    return f"{pad}, regel {mark.line + 1}, kolom {mark.column + 1}" if mark else str(pad)


def _controleer_gebeurtenissen(tekst: str, pad: Path) -> None:
    diepte = 0
    try:
        for gebeurtenis in yaml.parse(tekst, Loader=_LOADER):
            if isinstance(gebeurtenis, yaml.AliasEvent):
                raise YamlFout(
                    f"{_plek(pad, gebeurtenis)}: YAML-alias *{gebeurtenis.anchor} is niet "
                    "toegestaan (aliassen kunnen exponentieel uitdijen); schrijf de waarde uit."
                )
            if isinstance(gebeurtenis, _OPEN):
                diepte += 1
                if diepte > MAX_DIEPTE:
                    raise YamlFout(
                        f"{_plek(pad, gebeurtenis)}: meer dan {MAX_DIEPTE} niveaus genest; "
                        "dat is geen invoerbestand van dit project."
                    )
            elif isinstance(gebeurtenis, _SLUIT):
                diepte -= 1
    except yaml.YAMLError as exc:
        raise YamlFout(f"{pad} is geen geldige YAML: {exc}") from exc
