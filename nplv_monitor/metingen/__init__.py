"""Metingen: every source value in one long table, keyed by a stable concept id."""
