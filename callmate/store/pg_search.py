"""Full-text search on the team database (PostgreSQL), as :mod:`callmate.store.text_search`
does it on SQLite with FTS5.

What is searched is the same: people (name and company), calls (goal, backup
goal, next step, reason), research and notes, each table's ``search_vector``
column, generated and GIN-indexed by schema version 2
(:func:`callmate.store.pg_schema._add_search`). So are the hits: the same
:class:`SearchHit` fields, cleaned the same way, in the same order (people, then
goals, research, notes; newest first in each, at most 5, 10, 10 and ``limit``),
deleted notes and discarded calls left out.

The user's text never reaches SQL or the tsquery parser as syntax: it is cut
into words (``\\w+``, at most 12, as for FTS5), each quoted as one tsquery
operand, the last a prefix (``:*``), joined with ``&``, and the result is a bind
parameter of ``to_tsquery``. A word holds only letters, digits and ``_``, so
``a & | ! ( ' :*`` is the query ``'a':*``.

Where the engines differ (tested in tests/test_pg_search.py):

* accents: ignored as FTS5's ``remove_diacritics 2`` does only where the
  ``unaccent`` extension could be created (``callmate db status`` says);
* words: both split text at ASCII punctuation and spaces; PostgreSQL's parser
  also splits letters from digits in a few forms FTS5 keeps whole (rare in
  notes), and its ``simple`` configuration lower-cases with the database's
  locale rules where FTS5 uses Unicode case folding.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

from callmate.domain.search_hit import SearchHit
from callmate.domain.text import clean_line

if TYPE_CHECKING:
    from sqlalchemy import Engine

_TOKEN = re.compile(r"\w+", re.UNICODE)

_MATCH = "to_tsquery('callmate_search'::regconfig, :query)"

# One statement, one round trip: each source its own newest-first LIMIT (an
# index scan that stops early or a GIN bitmap, as the planner finds cheaper:
# to_tsquery(regconfig, text) is immutable, so it folds to a constant the
# planner estimates), then the few rows put in source order.
_SQL = text(
    f"""
    SELECT * FROM (
        (SELECT 0 AS source, c.id AS key, NULL::integer AS call_id, c.id AS contact_id,
                c.name, c.company, NULL::timestamp AS started_at,
                c.name || ' ' || c.company AS text
         FROM contacts c WHERE c.search_vector @@ {_MATCH}
         ORDER BY c.id DESC LIMIT 5)
        UNION ALL
        (SELECT 1, k.id, k.id, c.id, c.name, c.company, k.started_at, k.goal
         FROM calls k JOIN contacts c ON c.id = k.contact_id
         WHERE k.discarded_at IS NULL AND k.search_vector @@ {_MATCH}
         ORDER BY k.id DESC LIMIT 10)
        UNION ALL
        (SELECT 2, r.id, k.id, c.id, c.name, c.company, k.started_at, r.text
         FROM research r JOIN calls k ON k.id = r.call_id AND k.discarded_at IS NULL
         JOIN contacts c ON c.id = k.contact_id
         WHERE r.search_vector @@ {_MATCH}
         ORDER BY r.id DESC LIMIT 10)
        UNION ALL
        (SELECT 3, n.id, k.id, c.id, c.name, c.company, k.started_at, n.text
         FROM notes n JOIN calls k ON k.id = n.call_id JOIN contacts c ON c.id = k.contact_id
         WHERE n.deleted_at IS NULL AND n.search_vector @@ {_MATCH}
         ORDER BY n.id DESC LIMIT :limit)
    ) hits ORDER BY source, key DESC
    """
)

_SOURCES = ("contact", "call", "research", "note")


def ts_query(text: str) -> str | None:
    """User text as a safe tsquery: every word one quoted operand, the last a prefix.

    None when there is no word. The quoting is belt and braces: a ``\\w+`` word
    has no quote or backslash to escape.
    """
    words = _TOKEN.findall(text)[:12]
    if not words:
        return None
    quoted = ["'" + word.replace("\\", "\\\\").replace("'", "''") + "'" for word in words]
    quoted[-1] += ":*"
    return " & ".join(quoted)


def _moment(value: datetime | None) -> datetime | None:
    """Stored datetimes are naive UTC (``timestamp without time zone``)."""
    return None if value is None else value.replace(tzinfo=UTC)


def search(db: Connection | Engine, query: str, limit: int = 40) -> list[SearchHit]:
    """People, goals, research and notes matching ``query``; newest first in each."""
    match = ts_query(query)
    if match is None:
        return []
    if not isinstance(db, Connection):
        with db.connect() as connection:
            return search(connection, query, limit)
    rows = db.execute(_SQL, {"query": match, "limit": limit})
    return [
        SearchHit(
            source=_SOURCES[source],
            text=clean_line(found or ""),
            call_id=call_id,
            contact_id=contact_id,
            contact_name=clean_line(name or ""),
            company=clean_line(company or ""),
            started_at=_moment(started),
        )
        for source, _key, call_id, contact_id, name, company, started, found in rows
    ]
