"""Rapportage: the voortgangsrapportage annex (Excel workbook and self-contained HTML reports).

Everything here reads the *published* DuckDB file (read-only) and never recomputes an indicator:
the numbers in the report are the numbers analysts can query.
"""
