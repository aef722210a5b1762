"""One search result: a small immutable record, cleaned where it is made."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple


class SearchHit(NamedTuple):
    """One search result; ``call_id`` is None for a contact.

    A named tuple, not a dataclass: ``callmate search`` is a whole process,
    and loading ``dataclasses`` (with ``inspect``) cost more than the query.
    The text fields arrive cleaned (:func:`callmate.store.text_search.search`).
    """

    source: str
    """"note", "call", "research" or "contact"."""
    text: str
    contact_id: int
    contact_name: str
    call_id: int | None = None
    company: str = ""
    started_at: datetime | None = None
