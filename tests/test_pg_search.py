"""Search on the team database (issue 19): PostgreSQL's full-text search gives the
same hits as SQLite's FTS5 for the same data, on a real server (tests/pg_server.py).

The same rows go into a SQLite file (made by the migrations, searched by
:mod:`callmate.store.text_search`) and a PostgreSQL database (made by
``callmate db upgrade``, searched by :mod:`callmate.store.pg_search`).
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, insert, text

from callmate.cli import main
from callmate.domain.search_hit import SearchHit
from callmate.store import pg_schema, pg_search, text_search
from callmate.store.database_url import make_engine, parse
from callmate.store.repository import Repository
from callmate.store.schema import Base
from tests.pg_server import PostgresServer

_numbers = itertools.count(1)
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

CONTACTS = [
    {"id": 1, "name": "Dana Whitfield", "company": "Acme Corp"},
    {"id": 2, "name": "José Álvarez", "company": "Café Señor"},
    {"id": 3, "name": "Marc Dupont", "company": "Budget Ltd"},
]
CALLS = [
    {
        "id": 1,
        "contact_id": 1,
        "goal": "Agree the budget for Q3",
        "backup_goal": "book the security audit",
        "next_step_what": "send the report dashboard",
        "reason_text": "",
    },
    {"id": 2, "contact_id": 2, "goal": "demo of reporting", "reason_text": "résumé the plan"},
    {"id": 3, "contact_id": 3, "goal": "budget talk (discarded)", "discarded": True},
    {"id": 4, "contact_id": 1, "goal": "follow-up with Dana", "next_step_what": None},
]
RESEARCH = [
    {"id": 1, "call_id": 1, "text": "Dana's team runs a security audit every March"},
    {"id": 2, "call_id": 3, "text": "budget research on a discarded call"},
]
NOTES = [
    (1, "budget approved by finance"),
    (2, "follow-up on the report-dashboard"),
    (1, "email dana@acme.com the deck"),
    (2, "Résumé sent to the café, naïve pricing"),
    (1, "deleted budget note"),  # deleted below
    (4, "security audit in March, report to Dana"),
    (2, "foo_bar and v2.1 and 3.5% off"),
    (1, "Dashboards: see /tmp/report.txt"),
    *((4, f"budget line {n}") for n in range(45)),
]
DELETED_NOTE = 5

QUERIES = [
    # benchmarks/search.py's queries, typed letter by letter
    *(
        q[:n]
        for q in ("budget", "report dash", "security audit", "dana", "zz")
        for n in range(1, 15)
    ),
    "acme",
    "Acme Corp",
    "follow up",
    "follow-up",
    "report-dash",
    "march",
    "MARCH",
    "tmp",
    "txt",
    "v2",
    "3",
    "foo_bar",
    "foo",
    "bar",
    "line 4",
    "deleted",
    "discarded",
    "q3",
    "Q",
    "email dana",
    "the",
]
HOSTILE = [
    "a & | ! ( ' :*",
    "-foo",
    "NEAR(",
    '"',
    "'",
    "\\",
    "*",
    "a:*",
    "!!!",
    "",
    "   ",
    "x' OR 1=1 --",
    "budget') ; DROP TABLE notes; --",
    "<-> <2> !b",
    "\x00\x1b[31m",
    "日本",
    "budget & !dana",
    "(budget | dana)",
    "'budget':*B",
]
ACCENTED = ["cafe", "café", "CAFÉ", "jose", "josé", "resume", "résumé", "naive", "senor", "alvarez"]


def _rows() -> dict[str, list[dict[str, Any]]]:
    contacts = [{**row, "created_at": T0} for row in CONTACTS]
    calls = []
    for n, row in enumerate(CALLS):
        call = {
            "backup_goal": "",
            "next_step_what": None,
            "reason_text": "",
            **{k: v for k, v in row.items() if k != "discarded"},
            "status": "ended",
            "started_at": T0 + timedelta(days=n),
            "discarded_at": T0 if row.get("discarded") else None,
        }
        calls.append(call)
    research = [{**row, "position": row["id"], "area": "company"} for row in RESEARCH]
    notes = [
        {
            "id": n,
            "call_id": call_id,
            "kind": "ours",
            "text": note,
            "offset_seconds": n,
            "created_at": T0 + timedelta(minutes=n),
            "deleted_at": T0 if n == DELETED_NOTE else None,
        }
        for n, (call_id, note) in enumerate(NOTES, 1)
    ]
    return {"contacts": contacts, "calls": calls, "research": research, "notes": notes}


def _fill(engine: Engine) -> None:
    tables = Base.metadata.tables
    with engine.begin() as db:
        for name, rows in _rows().items():
            db.execute(insert(tables[name]), rows)


@pytest.fixture(scope="module")
def sqlite_search(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Any]]:
    path = tmp_path_factory.mktemp("search") / "callmate.db"
    repo = Repository.open(path)
    _fill(repo.engine)
    repo.close()
    db = sqlite3.connect(path)
    yield lambda query, limit=40: text_search.search(db, query, limit)
    db.close()


@pytest.fixture(scope="module")
def pg_engine(pg_server: PostgresServer, pg_url: str) -> Iterator[Engine]:
    url = pg_server.create_database(f"search_{next(_numbers)}")
    engine = make_engine(parse(url))
    pg_schema.upgrade(engine)
    _fill(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def pg_search_fn(pg_engine: Engine) -> Callable[..., Any]:
    return lambda query, limit=40: pg_search.search(pg_engine, query, limit)


@pytest.fixture(params=["sqlite", "postgresql"])
def search(request: pytest.FixtureRequest) -> Callable[..., list[SearchHit]]:
    """The search entry point of one backend over the same rows."""
    name = "sqlite_search" if request.param == "sqlite" else "pg_search_fn"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


def brief(hits: list[SearchHit]) -> list[tuple[str, str]]:
    return [(hit.source, hit.text) for hit in hits]


@pytest.mark.parametrize("query", QUERIES + HOSTILE + ACCENTED)
def test_postgresql_finds_what_sqlite_finds(
    query: str, sqlite_search: Callable[..., Any], pg_search_fn: Callable[..., Any]
) -> None:
    """Same hits, same fields, same order (unaccent is installed on the test server)."""
    assert pg_search_fn(query) == sqlite_search(query)


@pytest.mark.parametrize("window", [1, 3, 10, 50])
def test_the_same_hits_whether_the_newest_rows_hold_them_or_not(
    window: int, pg_engine: Engine, sqlite_search: Callable[..., Any]
) -> None:
    """pg_search reads each table's newest ``window`` rows first, then asks the GIN index
    for the sources that came up short: any window gives the same hits."""
    with pg_engine.connect() as db:
        for query in QUERIES + ACCENTED:
            for limit in (1, 5, 40):
                hits = pg_search.search(db, query, limit, window=window)
                assert hits == sqlite_search(query, limit), (query, limit)


def test_budget_newest_first_in_each_source_deleted_and_discarded_left_out(
    search: Callable[..., list[SearchHit]],
) -> None:
    hits = search("budget", 5)
    assert brief(hits) == [
        ("contact", "Marc Dupont Budget Ltd"),
        ("call", "Agree the budget for Q3"),
        *(("note", f"budget line {n}") for n in (44, 43, 42, 41, 40)),
    ]
    dana = hits[1]
    assert (dana.call_id, dana.contact_id, dana.contact_name, dana.company) == (
        1,
        1,
        "Dana Whitfield",
        "Acme Corp",
    )
    assert dana.started_at == T0 and dana.label == "GOAL"
    assert hits[0].call_id is None and hits[0].started_at is None
    assert "deleted budget note" not in {hit.text for hit in search("budget", 100)}
    assert search("discarded") == []  # the discarded call's goal and research


def test_the_limit_caps_notes_only(search: Callable[..., list[SearchHit]]) -> None:
    assert [hit.source for hit in search("budget", 2)] == ["contact", "call", "note", "note"]
    notes = [hit for hit in search("budget", 1000) if hit.source == "note"]
    assert len(notes) == 46  # 45 lines and "approved by finance"; not the deleted one


def test_the_last_word_is_a_prefix_the_others_whole_words(
    search: Callable[..., list[SearchHit]],
) -> None:
    assert brief(search("report dash")) == [
        ("call", "Agree the budget for Q3"),
        ("note", "Dashboards: see /tmp/report.txt"),
        ("note", "follow-up on the report-dashboard"),
    ]
    assert search("repo dashboard") == []  # "repo" is not a word of any of them
    assert brief(search("secu")) == [
        ("call", "Agree the budget for Q3"),
        ("research", "Dana's team runs a security audit every March"),
        ("note", "security audit in March, report to Dana"),
    ]


def test_punctuation_splits_words_as_fts5_does(search: Callable[..., list[SearchHit]]) -> None:
    assert brief(search("acme")) == [
        ("contact", "Dana Whitfield Acme Corp"),
        ("note", "email dana@acme.com the deck"),
    ]
    assert brief(search("txt")) == [("note", "Dashboards: see /tmp/report.txt")]
    assert brief(search("follow up")) == [
        ("call", "follow-up with Dana"),
        ("note", "follow-up on the report-dashboard"),
    ]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise_and_find_only_words(
    search: Callable[..., list[SearchHit]], query: str
) -> None:
    """Operators, quotes, markup are not syntax: the query is its words, the last a prefix."""
    words = re.findall(r"\w+", query)
    assert search(query) == (search(" ".join(words)) if words else [])
    if query == "a & | ! ( ' :*":
        assert {hit.text for hit in search(query)} >= {"Agree the budget for Q3"}


def test_the_query_is_never_sql(pg_engine: Engine, pg_search_fn: Callable[..., Any]) -> None:
    pg_search_fn("budget') ; DROP TABLE notes; --")
    with pg_engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM notes")).scalar() == len(NOTES)


@pytest.mark.parametrize("query", ["cafe", "CAFÉ", "café", "caf"])
def test_accents_are_ignored_both_ways(search: Callable[..., list[SearchHit]], query: str) -> None:
    assert brief(search(query)) == [
        ("contact", "José Álvarez Café Señor"),
        ("note", "Résumé sent to the café, naïve pricing"),
    ]


def test_a_note_written_later_is_found_and_a_deleted_one_is_not(pg_engine: Engine) -> None:
    """The column is generated: the store's plain INSERT/UPDATE keep search current."""
    with pg_engine.begin() as db:
        note = db.execute(
            text(
                "INSERT INTO notes (id, call_id, kind, text, offset_seconds, created_at) "
                "VALUES (1000, 2, 'ours', 'Zebrafish logistics', 1, now()) RETURNING id"
            )
        ).scalar()
    assert brief(pg_search.search(pg_engine, "zebra")) == [("note", "Zebrafish logistics")]
    with pg_engine.begin() as db:
        db.execute(text("UPDATE notes SET text = 'Quagga logistics' WHERE id = :id"), {"id": note})
    assert pg_search.search(pg_engine, "zebra") == []
    assert brief(pg_search.search(pg_engine, "quag")) == [("note", "Quagga logistics")]
    with pg_engine.begin() as db:
        db.execute(text("UPDATE notes SET deleted_at = now() WHERE id = :id"), {"id": note})
    assert pg_search.search(pg_engine, "quag") == []


def test_search_takes_a_connection_too(pg_engine: Engine) -> None:
    with pg_engine.connect() as db:
        assert brief(pg_search.search(db, "zz")) == []
        assert len(pg_search.search(db, "budget", 3)) == 5


def test_search_uses_the_gin_index_for_a_rare_word(pg_engine: Engine) -> None:
    with pg_engine.connect() as db:
        db.execute(text("SET enable_seqscan = off"))  # a tiny table: make the index the choice
        plan = "\n".join(
            row[0]
            for row in db.execute(
                text(
                    "EXPLAIN SELECT id FROM notes WHERE deleted_at IS NULL AND search_vector "
                    "@@ to_tsquery('callmate_search'::regconfig, :q)"
                ),
                {"q": "'zebr':*"},
            )
        )
    assert "search_notes" in plan


def test_without_unaccent_search_still_works_and_status_says_so(
    pg_server: PostgresServer, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A role that may make tables but not extensions: upgrade falls back, status tells."""
    database = f"search_{next(_numbers)}"
    admin_url = pg_server.create_database(database)
    admin = create_engine(parse(admin_url).sqlalchemy_url())
    with admin.begin() as db:
        db.execute(text("CREATE ROLE plain_rep LOGIN PASSWORD 'rep-secret'"))
        db.execute(text(f"REVOKE CREATE ON DATABASE {database} FROM PUBLIC"))
        db.execute(text("GRANT CREATE, USAGE ON SCHEMA public TO plain_rep"))
    admin.dispose()
    url = pg_server.url(database, user="plain_rep", password="rep-secret")
    assert main(["db", "upgrade", "--database-url", url]) == 0
    assert main(["db", "status", "--database-url", url]) == 0
    out = capsys.readouterr().out
    assert "search matches accents exactly: the unaccent extension could not be created" in out
    engine = make_engine(parse(url))
    try:
        _fill(engine)
        assert brief(pg_search.search(engine, "café")) == [
            ("contact", "José Álvarez Café Señor"),
            ("note", "Résumé sent to the café, naïve pricing"),
        ]
        assert pg_search.search(engine, "cafe") == []  # the one difference
        assert brief(pg_search.search(engine, "budget", 1))[:2] == [
            ("contact", "Marc Dupont Budget Ltd"),
            ("call", "Agree the budget for Q3"),
        ]
    finally:
        engine.dispose()


def test_status_says_search_ignores_accents(
    pg_engine: Engine, pg_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_server.url(pg_engine.url.database or "")
    assert main(["db", "status", "--database-url", url]) == 0
    assert "search ignores accents (unaccent)" in capsys.readouterr().out


def test_where_unaccent_folds_more_than_fts5(pg_engine: Engine) -> None:
    """The documented difference (pg_search's docstring): "ß" is "ss" here, not in FTS5."""
    with pg_engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO notes (id, call_id, kind, text, offset_seconds, created_at) "
                "VALUES (1001, 2, 'ours', 'Lieferung nach Straße 5', 1, now())"
            )
        )
    try:
        assert brief(pg_search.search(pg_engine, "strasse")) == [
            ("note", "Lieferung nach Straße 5")
        ]
        assert brief(pg_search.search(pg_engine, "straße")) == [("note", "Lieferung nach Straße 5")]
    finally:
        with pg_engine.begin() as db:
            db.execute(text("UPDATE notes SET deleted_at = now() WHERE id = 1001"))
