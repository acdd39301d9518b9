"""The aggregation engine: pure functions on polars frames (no database, no Dagster)."""
