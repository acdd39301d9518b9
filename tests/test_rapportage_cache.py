"""The SVG cache of the report: a hit returns exactly what rendering returns and renders nothing;
a changed spec is rendered anew. The specs are small test fixtures, not monitor data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nplv_monitor.rapportage import weergave


def _spec(waarde: float) -> dict[str, Any]:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": [{"gebied": "testfixture", "waarde": waarde}]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "waarde", "type": "quantitative"},
            "y": {"field": "gebied", "type": "nominal"},
        },
    }


def test_cache_geeft_hetzelfde_en_rendert_niet_opnieuw(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = [_spec(1.0), _spec(2.0)]
    eerst = weergave.svg_alle(specs, processen=1, cache=tmp_path)
    assert len(list(tmp_path.glob("*.svg"))) == 2
    assert eerst == [weergave.svg(s) for s in specs]

    def niet_renderen(*_args: object) -> list[str]:
        raise AssertionError("een spec in de cache is opnieuw gerenderd")

    monkeypatch.setattr(weergave, "_render", niet_renderen)
    assert weergave.svg_alle(specs, processen=1, cache=tmp_path) == eerst


def test_gewijzigde_spec_wordt_opnieuw_gerenderd(tmp_path: Path) -> None:
    a = weergave.svg_alle([_spec(1.0)], processen=1, cache=tmp_path)
    b = weergave.svg_alle([_spec(3.0)], processen=1, cache=tmp_path)
    assert a != b
    assert len(list(tmp_path.glob("*.svg"))) == 2
