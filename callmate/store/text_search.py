"""Full-text search over people, goals, research and notes, in plain SQL.

Apart from the rest of :mod:`callmate.store.queries` so that ``callmate
search`` and the search screen load nothing but this and
:mod:`callmate.domain.search_hit`: no dataclasses, no agenda records
(BENCHMARKS.md, "read commands").
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime

from callmate.domain.search_hit import SearchHit
from callmate.domain.text import clean_line


def stored_moment(value: str | None) -> datetime | None:
    """Stored datetimes are naive UTC text ("2026-11-22 15:00:00.000000")."""
    if value is None:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


_TOKEN = re.compile(r"\w+", re.UNICODE)

# Where each kind of hit comes from: (source, FTS table, how many at most, SQL).
# One FTS5 table per source, keyed by the source row's id, so "newest first"
# is the index order and a LIMIT stops early (store/migrations.py, 5 and 6).
_SEARCH_SOURCES = (
    (
        "contact",
        "search_contacts",
        5,
        "SELECT NULL, c.id, c.name, c.company, NULL, s.text "
        "FROM search_contacts s JOIN contacts c ON c.id = s.rowid",
    ),
    (
        "call",
        "search_calls",
        10,
        "SELECT k.id, c.id, c.name, c.company, k.started_at, k.goal "
        "FROM search_calls s JOIN calls k ON k.id = s.rowid "
        "JOIN contacts c ON c.id = k.contact_id AND k.discarded_at IS NULL",
    ),
    (
        "research",
        "search_research",
        10,
        "SELECT k.id, c.id, c.name, c.company, k.started_at, s.text "
        "FROM search_research s JOIN research r ON r.id = s.rowid "
        "JOIN calls k ON k.id = r.call_id "
        "JOIN contacts c ON c.id = k.contact_id AND k.discarded_at IS NULL",
    ),
    (
        "note",
        "search_notes",
        None,  # the caller's limit
        "SELECT k.id, c.id, c.name, c.company, k.started_at, s.text "
        "FROM search_notes s JOIN notes n ON n.id = s.rowid "
        "JOIN calls k ON k.id = n.call_id JOIN contacts c ON c.id = k.contact_id",
    ),
)


def fts_query(text: str) -> str | None:
    """User text as a safe FTS5 query: every word quoted, the last as a prefix.

    Raw input in MATCH raises on ``-foo``, ``NEAR(`` or an unbalanced quote
    (TECH-NOTES.md); quoted tokens never do. None when there is no word.
    """
    words = _TOKEN.findall(text)[:12]
    if not words:
        return None
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def search(db: sqlite3.Connection, query: str, limit: int = 40) -> list[SearchHit]:
    """People, goals, research and notes matching ``query``; newest first in each."""
    match = fts_query(query)
    if match is None:
        return []
    hits: list[SearchHit] = []
    for source, table, cap, sql in _SEARCH_SOURCES:
        rows = db.execute(
            f"{sql} WHERE {table} MATCH ? ORDER BY s.rowid DESC LIMIT ?", (match, cap or limit)
        )
        hits.extend(
            SearchHit(
                source=source,
                text=clean_line(text or ""),
                call_id=call_id,
                contact_id=contact_id,
                contact_name=clean_line(name or ""),
                company=clean_line(company or ""),
                started_at=stored_moment(started),
            )
            for call_id, contact_id, name, company, started, text in rows
        )
    return hits
