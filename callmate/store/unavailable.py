"""The one exception a store failure becomes: a line for the user.

A module of its own so that the command line's read commands (``callmate due``,
``search``), which classify errors with :mod:`callmate.store.errors`, don't
import the app's facade (:mod:`callmate.store.service`, with asyncio and the
database thread) before any work. Screens import it from the facade.
"""

from __future__ import annotations


class StoreUnavailable(RuntimeError):
    """The database can't be opened or written; ``message`` says why and what to do."""

    def __init__(self, message: str, *, kind: str = "other") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


class NotYours(StoreUnavailable):
    """A change to another rep's call (its next step, a commitment) on the team
    database: row-level security lets only its owner write it, so nothing was
    changed. ``message`` is the one line to show."""

    def __init__(self, rep: str) -> None:
        super().__init__(f"That is {rep}'s call: only {rep} can change it.", kind="refused")
        self.rep = rep
