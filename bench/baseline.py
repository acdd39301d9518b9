"""Benchmark: the indicator engine against a plain pandas baseline written as an analyst would.

    .venv/bin/python bench/baseline.py [--gebieden gemeente] [--runs 3]

The baseline (``baseline_pandas``) loops over areas: for each indicator it takes the teller (and
noemer) rows of the source's lowest level, then for each area filters that area's buurten (or
wijken) and computes teller, noemer, dekking, status and waarde by the monitor's rules
(docs/indicatoren.md): sum of tellers over sum of noemers over units that have both; a weighted
average or score weighted by its own base; dekking = (share of the area's population in units the
table has) × (share of the base in units with a value); below 90% the value is not published.

Both are run on the same areas (default: every gemeente of every indeling year, built up from its
buurten — the engine with ``gepubliceerd_voorrang=False`` so it aggregates instead of taking the
figure CBS publishes for a gemeente). The script asserts that both give the same numbers (float
tolerance 1e-9 relative) for every (gebied, indicator, tabel, peiljaar), then prints the times and
the ratio, and extrapolates the baseline to every CBS region from its time per area.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _engine_invoer as ei
from _meting import machine

CACHE = Path(tempfile.gettempdir()) / "nplv-bench" / "metingen.parquet"
DREMPEL = 0.9
SLEUTEL = ["gebied_code", "indicator_code", "bron_tabel", "peiljaar", "indelingsjaar"]


def indicatoren_voor_vergelijking() -> list:
    """Indicators aggregated from units (not the published-only ones, not the WOZ index, which
    needs its gemeente's own published figure)."""
    from nplv_monitor.indicatoren.catalogus import laad_catalogus

    return [
        i
        for i in laad_catalogus().van_familie("context", "gebiedseffect")
        if i.maat not in {"gepubliceerd", "index_gemeente"}
    ]


# -- the analyst's baseline -------------------------------------------------------------------
def referentie_pd(m: pd.DataFrame) -> pd.DataFrame:
    inw = m[(m.variabele == "inwoners") & m.regio_soort.isin(["buurt", "wijk"]) & m.waarde.notna()]
    n = inw.groupby(["bron", "indelingsjaar", "regio_soort"]).size().reset_index(name="n")
    beste = n.sort_values("n", ascending=False).drop_duplicates(["indelingsjaar", "regio_soort"])
    inw = inw.merge(beste[["bron", "indelingsjaar", "regio_soort"]])
    return inw[["indelingsjaar", "regiocode", "waarde"]].rename(columns={"waarde": "inwoners_ref"})


def baseline_pandas(m: pd.DataFrame, leden: pd.DataFrame, indicatoren: list) -> pd.DataFrame:
    from nplv_monitor.indicatoren.catalogus import GEWOGEN_MATEN
    from nplv_monitor.indicatoren.catalogus import bronnen as alle_bronnen

    ref = referentie_pd(m)
    gebieden = leden.gebied_code.unique()
    rijen = []
    for ind in indicatoren:
        bronnen = ind.bronnen()
        t = m[(m.variabele == ind.teller) & m.bron.isin(bronnen)].copy()
        niveaus = {b: v.niveau for b, v in alle_bronnen().items()}
        t = t[t.regio_soort == t.bron.map(niveaus)]
        if ind.maat in GEWOGEN_MATEN:
            t["n"] = t.basis
            t["d"] = t.basis
        else:
            noemers = list(ind.noemer) or [ind.dekking_basis or "inwoners"]
            nb = m[m.variabele.isin(noemers)].assign(leeg=lambda d: d.waarde.isna())
            # Per unit the noemer is the sum of its parts; missing if any part is missing.
            nb = (
                nb.groupby(["bron", "indelingsjaar", "regiocode"])
                .agg(
                    n=("waarde", "sum"),
                    leeg=("leeg", "any"),
                    delen=("variabele", "nunique"),
                )
                .reset_index()
                .rename(columns={"bron": "n_bron"})
            )
            nb.loc[nb.leeg | (nb.delen < len(noemers)), "n"] = np.nan
            nb = nb[["n_bron", "indelingsjaar", "regiocode", "n"]]
            t["n_bron"] = ind.noemer_bron or None
            t["n_bron"] = t.n_bron.fillna(t.bron)
            t = t.merge(nb, on=["n_bron", "indelingsjaar", "regiocode"], how="left")
            if ind.maat == "aantal":
                t["d"] = t.n
                t["n"] = np.nan
            else:
                t["d"] = t.n
        if ind.maat == "aantal":
            t["bekend"] = t.aantal.notna()
        else:
            t["bekend"] = t.aantal.notna() & t.n.notna()
        for gebied in gebieden:
            lid = leden[leden.gebied_code == gebied]
            for jaar, lid_jaar in lid.groupby("indelingsjaar"):
                codes = set(lid_jaar.regiocode)
                eigen = t[(t.indelingsjaar == jaar) & t.regiocode.isin(codes)]
                if eigen.empty:
                    continue
                ref_leden = ref[(ref.indelingsjaar == jaar) & ref.regiocode.isin(codes)]
                for (tabel, peiljaar), g in eigen.groupby(["tabel_id", "peiljaar"]):
                    # The area's population at the table's own level (buurten, or wijken).
                    niveaus = set(g.regiocode.str[:2])
                    p_alle = ref_leden[ref_leden.regiocode.str[:2].isin(niveaus)].inwoners_ref.sum()
                    b = g[g.bekend]
                    teller = b.aantal.sum()
                    # The engine reports noemer 0 (a sum over nothing) for a count: so do we.
                    noemer = b.n.sum() if ind.maat != "aantal" else 0.0
                    d_alle, d_bekend = g.d.sum(), b.d.sum()
                    p_aanwezig = ref_leden[
                        ref_leden.regiocode.isin(set(g.regiocode))
                    ].inwoners_ref.sum()
                    geen_ref = not p_alle > 0
                    dekking_tabel = p_aanwezig / p_alle if p_alle > 0 else np.nan
                    dekking_basis = d_bekend / d_alle if d_alle > 0 else 1.0 if len(b) else 0.0
                    dekking = min(max(dekking_tabel * dekking_basis, 0.0), 1.0)
                    if ind.maat == "aantal":
                        waarde, basis = teller, teller
                    else:
                        waarde = teller / noemer * ind.factor if noemer > 0 else np.nan
                        basis = noemer
                    if geen_ref:
                        status = "onderdrukt"
                    elif math.isnan(dekking) or dekking == 0:
                        status = "ontbreekt"
                    elif dekking < DREMPEL or basis < ind.minimum_basis or math.isnan(waarde):
                        status = "onderdrukt"
                    else:
                        status = "ok"
                    rijen.append(
                        (gebied, ind.code, tabel, int(peiljaar), int(jaar), teller,
                         noemer, None if math.isnan(dekking) else dekking, status,
                         waarde if status == "ok" else np.nan)
                    )  # fmt: skip
    return pd.DataFrame(
        rijen, columns=[*SLEUTEL, "teller", "noemer", "dekking", "status", "waarde"]
    )


# -- the engine on the same areas -------------------------------------------------------------
def engine_zelfde_gebieden(m: pl.DataFrame, lid: pl.DataFrame, indicatoren: list) -> pl.DataFrame:
    from nplv_monitor.indicatoren.engine import aggregatie

    ref = aggregatie.referentiebevolking(m)
    delen = [
        aggregatie.aggregeer_indicator(m, lid, i, referentie=ref, gepubliceerd_voorrang=False)
        for i in indicatoren
    ]
    return pl.concat(delen)


def vergelijk(engine: pl.DataFrame, basis: pd.DataFrame) -> int:
    """Assert equal numbers for every key; returns the number of compared rows."""
    e = engine.select(*SLEUTEL, "teller", "noemer", "dekking", "status", "waarde")
    b = pl.from_pandas(basis).with_columns(
        pl.col("peiljaar", "indelingsjaar").cast(pl.Int64),
        pl.col("teller", "noemer", "dekking", "waarde").cast(pl.Float64).fill_nan(None),
    )
    assert e.height == b.height, f"engine {e.height} rijen, baseline {b.height}"
    j = e.join(b, on=SLEUTEL, how="full", suffix="_b", coalesce=True)
    assert j.height == e.height, "sleutels verschillen tussen engine en baseline"
    for k in ("teller", "noemer", "dekking", "waarde"):
        x, y = j[k].to_numpy(), j[f"{k}_b"].to_numpy()
        xs, ys = np.isnan(x.astype(float)), np.isnan(y.astype(float))
        codes = j["indicator_code"].to_numpy()
        assert (xs == ys).all(), (
            f"{k}: null op verschillende plaatsen ({(xs != ys).sum()} rijen): "
            f"{sorted(set(codes[xs != ys]))}"
        )
        gelijk = np.isclose(x[~xs].astype(float), y[~ys].astype(float), rtol=1e-9, atol=1e-9)
        assert gelijk.all(), f"{k} verschilt: {sorted(set(codes[~xs][~gelijk]))}"
    verschil = j.filter(pl.col("status") != pl.col("status_b"))
    assert verschil.height == 0, f"status verschilt: {verschil.head(5)}"
    return j.height


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gebieden", default="gemeente", help="gebied_soort to compare on")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(machine())
    m = ei.metingen_uit_snapshot(CACHE)
    alle = ei.engine_lid(m)
    lid = alle.filter(pl.col("gebied_soort") == args.gebieden)
    indicatoren = indicatoren_voor_vergelijking()
    m_pd = m.to_pandas()
    lid_pd = lid.to_pandas()

    e_tijden, uit = [], None
    for _ in range(args.runs):
        t = time.perf_counter()
        uit = engine_zelfde_gebieden(m, lid, indicatoren)
        e_tijden.append(time.perf_counter() - t)
    t = time.perf_counter()
    basis = baseline_pandas(m_pd, lid_pd, indicatoren)
    b_tijd = time.perf_counter() - t
    assert uit is not None
    n = vergelijk(uit, basis)
    e_med = float(np.median(e_tijden))
    n_gebieden = lid["gebied_code"].n_unique()
    n_alle = alle["gebied_code"].n_unique()
    print(f"gebieden: {n_gebieden} ({args.gebieden}), indicatoren: {len(indicatoren)}")
    print(f"gelijk: {n} rijen (teller, noemer, dekking, waarde binnen 1e-9; status exact)")
    print(f"engine   mediaan {e_med:8.2f} s  (n={args.runs}, min {min(e_tijden):.2f})")
    print(f"baseline         {b_tijd:8.2f} s  (n=1: één run duurt lang)")
    print(f"verhouding baseline/engine: {b_tijd / e_med:6.1f}×")
    print(
        f"baseline geëxtrapoleerd naar alle {n_alle:,} CBS-regio's: "
        f"{b_tijd / n_gebieden * n_alle:,.0f} s (lineair per gebied)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
