"""Full-text search on the team database (PostgreSQL), as :mod:`callmate.store.text_search`
does it on SQLite with FTS5.

What is searched is the same: people (name, company, title, e-mail and
phone, from schema version 4), calls (goal, backup goal, next step, reason),
research and notes, each table's ``search_vector`` column, generated and
GIN-indexed by schema version 2 (:func:`callmate.store.pg_schema._add_search`;
the contacts' made again by version 4). So are the hits: the same
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
* words: both split text at ASCII punctuation and spaces and lower-case it
  (checked on 20 samples: "12abc", "v2.1", "e-mail", "İstanbul", "co-op" with a non-breaking hyphen,
  CJK runs come out alike); ``unaccent`` folds more than FTS5 does ("ß" is
  "ss", "ﬁ" "fi", fullwidth digits ASCII ones, "Ⅻ" "xii"), so "strasse" finds "Straße" here
  and not on SQLite, and PostgreSQL drops a superscript ("x²" is "x").
* speed: see BENCHMARKS.md ("Search on PostgreSQL").
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

NOTES_MATCHING = "callmate_notes_matching"
"""Team schema 6's search function (:data:`callmate.store.pg_schema._PRIVATE`): the
notes matching a tsquery that the connected role may read, newest first."""

_MATCH = "to_tsquery('callmate_search'::regconfig, :query)"

WINDOW = 4000
"""How many of each table's newest rows the first statement reads."""

# (kind of hit, table, alias, rows search reads, more it reads in the second
# statement, at most (None: the caller's limit), what a hit shows, joins)
_SOURCES = (
    (
        "contact",
        "contacts",
        "c",
        "TRUE",
        "",
        5,
        "NULL::integer, c.id, c.name, c.company, NULL::timestamp, c.name || ' ' || c.company",
        "",
    ),
    (
        "call",
        "calls",
        "k",
        "k.discarded_at IS NULL",
        "",
        10,
        "k.id, c.id, c.name, c.company, k.started_at, k.goal",
        "JOIN contacts c ON c.id = k.contact_id",
    ),
    (
        "research",
        "research",
        "r",
        "TRUE",
        " AND EXISTS (SELECT FROM calls d WHERE d.id = r.call_id AND d.discarded_at IS NULL)",
        10,
        "k.id, c.id, c.name, c.company, k.started_at, r.text",
        "JOIN calls k ON k.id = r.call_id AND k.discarded_at IS NULL "
        "JOIN contacts c ON c.id = k.contact_id",
    ),
    (
        "note",
        "notes",
        "n",
        "n.deleted_at IS NULL",
        "",
        None,
        "k.id, c.id, c.name, c.company, k.started_at, n.text",
        "JOIN calls k ON k.id = n.call_id JOIN contacts c ON c.id = k.contact_id",
    ),
)


def _cap(cap: int | None) -> str:
    return ":limit" if cap is None else str(cap)


# Two statements, because no one plan is fast for every word. Newest first
# with a LIMIT is either a backward scan of the primary key that stops at the
# LIMIT-th match (fast for a common word, a whole-table scan for a rare one:
# 650 ms for "zz" over 1,000,000 notes) or the GIN index's bitmap of every
# match, sorted (fast for a rare word, slow for "b", which matches most
# notes); PostgreSQL's estimate for a prefix it has no statistics on is a
# fixed 0.5 %, so the planner picks the scan for "zz" too. So: first the
# newest WINDOW rows of each table, filtered; if that finds a source's LIMIT,
# those are its newest hits (anything older has a smaller id). Only a source
# that came up short is asked again, through the GIN index (``id + 0`` keeps
# the planner off the primary key's order): a word rare in the newest rows,
# which is one the index answers quickly.
_RECENT = text(
    " UNION ALL ".join(
        f"(SELECT {i} AS source, {a}.id AS key, {shown} "
        f"FROM (SELECT * FROM {table} {a} WHERE {rows} ORDER BY {a}.id DESC LIMIT :window) {a} "
        f"{joins} WHERE {a}.search_vector @@ {_MATCH} "
        f"ORDER BY {a}.id DESC LIMIT {_cap(cap)})"
        for i, (_kind, table, a, rows, _more, cap, shown, joins) in enumerate(_SOURCES)
    )
)


def _matching(table: str, a: str, rows: str, more: str, cap: int | None) -> str:
    """A source's rows matching the query, newest first, through its GIN index.

    The notes' through :data:`NOTES_MATCHING` (team
    schema 6): their read policy hides another rep's private notes, and under
    a policy PostgreSQL can't use the index for ``@@`` (not leakproof); the
    function applies the same rule beside the index."""
    if table == "notes":
        return f"{NOTES_MATCHING}({_MATCH}, {_cap(cap)})"
    return (
        f"(SELECT * FROM {table} {a} WHERE {a}.search_vector @@ {_MATCH} AND {rows}{more} "
        f"ORDER BY {a}.id + 0 DESC LIMIT {_cap(cap)})"
    )


def _older(sources: tuple[int, ...]) -> str:
    return " UNION ALL ".join(
        f"(SELECT {i} AS source, {a}.id AS key, {shown} "
        f"FROM {_matching(table, a, rows, more, cap)} {a} {joins})"
        for i, (_kind, table, a, rows, more, cap, shown, joins) in enumerate(_SOURCES)
        if i in sources
    )


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


def search(
    db: Connection | Engine, query: str, limit: int = 40, *, window: int = WINDOW
) -> list[SearchHit]:
    """People, goals, research and notes matching ``query``; newest first in each.

    ``window``: how many of each table's newest rows the first statement reads
    (the hits are the same for any; tests make it small)."""
    match = ts_query(query)
    if match is None:
        return []
    if not isinstance(db, Connection):
        with db.connect() as connection:
            return search(connection, query, limit, window=window)
    params = {"query": match, "limit": limit, "window": window}
    rows = [tuple(row) for row in db.execute(_RECENT, params)]
    found = [0] * len(_SOURCES)
    for row in rows:
        found[row[0]] += 1
    short = tuple(
        i
        for i, source in enumerate(_SOURCES)
        if found[i] < (limit if source[5] is None else source[5])
    )
    if short:
        rows = [row for row in rows if row[0] not in short]
        rows += [tuple(row) for row in db.execute(text(_older(short)), params)]
    rows.sort(key=lambda row: (row[0], -row[1]))  # source by source, newest first
    return [
        SearchHit(
            source=_SOURCES[source][0],
            text=clean_line(shown or ""),
            call_id=call_id,
            contact_id=contact_id,
            contact_name=clean_line(name or ""),
            company=clean_line(company or ""),
            started_at=_moment(started),
        )
        for source, _key, call_id, contact_id, name, company, started, shown in rows
    ]
