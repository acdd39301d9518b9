"""Compare monitor.indicatorwaarden of two published DuckDB files (before/after a change).

    .venv/bin/python scripts/vergelijk_indicatorwaarden.py OUD.duckdb NIEUW.duckdb [--tolerantie 1e-9]

Rows are matched on (gebied_code, gebied_soort, indicator_code, peiljaar). Prints the row counts,
the rows only in one file, and per column how many matched rows differ: numbers beyond the
relative tolerance (default 1e-9: polars sums in a nondeterministic order, so identical inputs can
differ by ~1e-13), everything else exactly.
"""

from __future__ import annotations

import argparse

import duckdb

SLEUTEL = ("gebied_code", "gebied_soort", "indicator_code", "peiljaar")
PER_RUN = {"editie", "editie_id", "gepubliceerd_op", "run_id"}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("oud")
    p.add_argument("nieuw")
    p.add_argument("--tolerantie", type=float, default=1e-9)
    args = p.parse_args()
    con = duckdb.connect()
    con.execute("attach ? as a (read_only)", [args.oud])
    con.execute("attach ? as b (read_only)", [args.nieuw])

    def kolommen(db: str) -> dict[str, str]:
        return dict(
            con.execute(
                "select column_name, data_type from information_schema.columns where "
                "table_catalog = ? and table_schema = 'monitor' and table_name = 'indicatorwaarden'",
                [db],
            ).fetchall()
        )

    ka, kb = kolommen("a"), kolommen("b")
    print(
        f"kolommen alleen oud: {sorted(set(ka) - set(kb))}; alleen nieuw: {sorted(set(kb) - set(ka))}"
    )
    on = " and ".join(f"a.{k} is not distinct from b.{k}" for k in SLEUTEL)
    for naam, db in (("oud", "a"), ("nieuw", "b")):
        (n,) = con.execute(f"select count(*) from {db}.monitor.indicatorwaarden").fetchall()[0]
        print(f"rijen {naam}: {n}")
    for naam, x, y in (("alleen oud", "a", "b"), ("alleen nieuw", "b", "a")):
        (n,) = con.execute(
            f"select count(*) from {x}.monitor.indicatorwaarden {x} where not exists (select 1 "
            f"from {y}.monitor.indicatorwaarden {y} where {on})"
        ).fetchall()[0]
        print(f"{naam}: {n}")
    (n,) = con.execute(
        f"select count(*) from a.monitor.indicatorwaarden a join b.monitor.indicatorwaarden b on {on}"
    ).fetchall()[0]
    print(f"vergeleken (zelfde sleutel): {n}")
    for k in sorted(set(ka) & set(kb) - set(SLEUTEL) - PER_RUN):
        if ka[k] in ("DOUBLE", "FLOAT"):
            verschil = (
                f"(a.{k} is null) <> (b.{k} is null) or abs(a.{k} - b.{k}) > "
                f"{args.tolerantie} * greatest(abs(a.{k}), abs(b.{k}), 1e-300)"
            )
        else:
            verschil = f"a.{k} is distinct from b.{k}"
        (m,) = con.execute(
            f"select count(*) from a.monitor.indicatorwaarden a join b.monitor.indicatorwaarden b "
            f"on {on} where {verschil}"
        ).fetchall()[0]
        if m:
            print(f"  kolom {k}: {m} rijen verschillen")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
