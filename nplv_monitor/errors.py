"""Errors a user can act on. Each message names the file, table, row or column at fault."""

from __future__ import annotations


class NplvFout(Exception):
    """Base class: an error the pipeline reports to the user as-is (no traceback needed)."""


class SnapshotFout(NplvFout):
    """The shipped snapshot is missing a file, or a file's hash does not match the manifest."""


class NietInSnapshot(NplvFout):
    """A table or year is not in the snapshot (offline mode); the message says how to fetch it."""


class BronFout(NplvFout):
    """A source could not be fetched or read (network, truncated result, not JSON, ...)."""


class ValidatieFout(NplvFout):
    """A table failed its Pandera schema; nothing was written."""

    def __init__(self, tabel: str, melding: str, failure_cases: object | None = None) -> None:
        super().__init__(melding)
        self.tabel = tabel
        self.failure_cases = failure_cases


class RegisterFout(NplvFout):
    """The area register (assets/gebieden.yaml) is inconsistent with the CBS indeling."""


class TabelOntbreekt(NplvFout):
    """A stage needs a table of an earlier stage that the work DuckDB file does not hold yet; the
    message names the file, the table(s) and the command that writes them."""
