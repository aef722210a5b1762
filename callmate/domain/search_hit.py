"""One search result: a small immutable record, cleaned where it is made."""

from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from datetime import datetime
    from typing import NamedTuple

    class _Fields(NamedTuple):
        source: str
        """"note", "call", "research" or "contact" (a key of :data:`SOURCE_LABELS`)."""
        text: str
        contact_id: int
        contact_name: str
        call_id: int | None = None
        company: str = ""
        started_at: datetime | None = None

else:
    # The same tuple at run time, made by collections.namedtuple: importing
    # typing and building a typing.NamedTuple (a ForwardRef compiled for each
    # field) were ~4 ms of `callmate search`, a whole process.
    _Fields = namedtuple(
        "SearchHit",
        ("source", "text", "contact_id", "contact_name", "call_id", "company", "started_at"),
        defaults=(None, "", None),
    )


class SearchHit(_Fields):
    """One search result; ``call_id`` is None for a contact.

    A named tuple, not a dataclass: ``callmate search`` is a whole process,
    and loading ``dataclasses`` (with ``inspect``) cost more than the query.
    The text fields arrive cleaned (:func:`callmate.store.text_search.search`).
    Its fields and their types are those of ``_Fields`` above (what type
    checkers read); at run time the same fields and defaults, without typing.
    """

    __slots__ = ()

    @property
    def label(self) -> str:
        """Where it was found, as the search screen and ``callmate search`` say it
        (a note of any kind is a NOTE); a source this version doesn't know, upper-cased."""
        return SOURCE_LABELS.get(self.source) or self.source.upper()[:8]


SOURCE_LABELS = {"note": "NOTE", "call": "GOAL", "research": "RESEARCH", "contact": "PERSON"}
"""The one table of search sources and their labels."""
