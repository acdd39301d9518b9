"""Publication: the analysts' DuckDB file (atomic, editions, views, comments, data dictionary)."""
