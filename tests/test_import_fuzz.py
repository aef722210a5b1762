"""`callmate import` never ends in a traceback: any text is calls or a clear refusal."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callmate.domain.exporters import to_json
from callmate.domain.importer import ImportFileError, parse_export
from callmate.domain.limits import ID_MAX, OFFSET_MAX_SECONDS, ONE_LINE_MAX, PAUSED_MAX_SECONDS
from callmate.domain.models import Call
from callmate.store.repository import Repository

CONTROL = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]} - {"\t", "\n"}


def a_call(**changes: Any) -> dict[str, Any]:
    call: dict[str, Any] = {
        "id": 1,
        "status": "done",
        "contact": {"name": "Dana Whitfield", "company": "Northwind", "role": "champion"},
        "call_type": "discovery",
        "goal": "Book a demo",
        "backup_goal": "Name of the ops lead",
        "research": [{"area": "news", "text": "Q3 revenue down 8%"}],
        "questions": [{"text": "budget cycle", "asked": True, "origin": "own"}],
        "notes": [
            {"kind": "quote", "text": "we lose a day", "offset_seconds": 65},
            {
                "kind": "ours",
                "text": "send the pricing sheet",
                "offset_seconds": 410,
                "owner": "Sam",
                "due": "2026-11-24",
                "done_at": None,
            },
        ],
        "outcome": "yes",
        "reason": None,
        "reason_text": "",
        "goal_result": "primary",
        "next_step": {"what": "Demo", "owner": "both", "date": "2026-11-27", "done_at": None},
        "follows_call_id": None,
        "started_at": "2026-11-22T15:00:00+00:00",
        "ended_at": "2026-11-22T15:21:40+00:00",
        "paused_seconds": 0,
        "recap": {"subject": "Recap", "body": "Hi Dana, ..."},
    }
    call.update(changes)
    return call


def refusal(content: str) -> str:
    with pytest.raises(ImportFileError) as caught:
        parse_export(content, "calls.json")
    message = str(caught.value)
    assert message.startswith("calls.json: ")
    assert "\n" not in message and not CONTROL & set(message)
    return message


def outcome_of(text: str) -> None:
    """The property: a list of calls, or ImportFileError with a one-line message."""
    try:
        calls = parse_export(text)
    except ImportFileError as error:
        message = str(error)
        assert message and not CONTROL & set(message) and "\n" not in message
    else:
        assert isinstance(calls, list) and all(isinstance(c, Call) for c in calls)


# -- the inputs the fuzzer found ----------------------------------------------
def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    assert "nested too deeply" in refusal("[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in refusal('{"a":' * 100_000 + "1" + "}" * 100_000)
    deep_extra = json.dumps([a_call()])[:-2] + ', "extra": ' + "[" * 50_000 + "]" * 50_000 + "}]"
    assert "nested too deeply" in refusal(deep_extra)


@pytest.mark.parametrize(
    ("change", "where", "why"),
    [
        (
            {"notes": [{"kind": "note", "text": "x", "offset_seconds": 1e17}]},
            "[0].notes[0].offset_seconds",
            "between 0 and",
        ),
        (
            {"notes": [{"kind": "note", "text": "x", "offset_seconds": -1}]},
            "[0].notes[0].offset_seconds",
            "between 0 and",
        ),
        (
            {"notes": [{"kind": "note", "text": "x", "offset_seconds": "NaN"}]},
            "[0].notes[0].offset_seconds",
            "",
        ),
        ({"paused_seconds": 10**30}, "[0].paused_seconds", "between 0 and"),
        ({"started_at": "9999-12-31T23:59:59+00:00"}, "[0].started_at", "between 1900 and 2200"),
        ({"started_at": "0001-01-01T00:00:00+14:00"}, "[0].started_at", "between 1900 and 2200"),
        ({"ended_at": "9999-12-31T23:59:59-12:00"}, "[0].ended_at", "between 1900 and 2200"),
        (
            {"next_step": {"what": "x", "owner": "us", "date": "9999-12-31"}},
            "[0].next_step.date",
            "between 1900 and 2200",
        ),
        ({"id": 2**63}, "[0].id", "less than or equal"),
        ({"follows_call_id": -(2**70)}, "[0].follows_call_id", ""),
        ({"goal": "x" * 10_000}, "[0].goal", "at most 500 fit"),
        ({"contact": {"name": "D" * 501}}, "[0].contact.name", "at most 500"),
        ({"questions": [{"text": "q" * 600}]}, "[0].questions[0].text", "at most 500"),
        ({"recap": {"subject": "s", "body": "b" * 1_000_001}}, "[0].recap.body", "1,000,000"),
        ({"goal": {"a": "table"}}, "[0].goal", ""),
        ({"connection": "busy"}, "[0].connection", "'connected'"),
        (
            {"next_step": {"what": "x", "owner": "us", "date": "2026-11-27", "time": "25:00"}},
            "[0].next_step.time",
            '"HH:MM", 24-hour',
        ),
        (
            {"next_step": {"what": "x", "owner": "us", "date": "2026-11-27", "time": 1500}},
            "[0].next_step.time",
            '"HH:MM", 24-hour',
        ),
        (
            {
                "notes": [
                    {
                        "kind": "ours",
                        "text": "x",
                        "offset_seconds": 1,
                        "due": "2026-11-24",
                        "time": "3pm",
                    }
                ]
            },
            "[0].notes[0].time",
            '"HH:MM", 24-hour',
        ),
    ],
)
def test_a_bad_value_is_named_by_its_path(change: dict[str, Any], where: str, why: str) -> None:
    message = refusal(json.dumps([a_call(**change)]))
    assert where + ":" in message and why in message, message


def test_other_unreadable_files_get_a_clear_message() -> None:
    assert "too long to read" in refusal("[" + "9" * 5000 + "]")
    assert "line 1, column 1" in refusal("\x00")
    assert "found an object" in refusal("{}")
    assert "found a number" in refusal("1e999")
    # A lone surrogate in a JSON escape can't be written to the database: dropped.
    (call,) = parse_export(json.dumps([a_call(goal="demo\ud800")]))
    assert call.goal == "demo"
    # Control characters in the file name are shown, not sent to the terminal.
    with pytest.raises(ImportFileError) as caught:
        parse_export("{", "evil\x1b]0;x\x07.json")
    assert "evil\\x1b]0;x\\x07.json" in str(caught.value)


# -- properties -----------------------------------------------------------------
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = [
    *a_call(),
    "contact.name",
    "notes.0.offset_seconds",
    "notes.1.due",
    "next_step.date",
    "next_step.owner",
    "research.0.area",
]
EXTREMES = (
    st.sampled_from(
        [
            10**17,
            -1,
            2**63,
            2**64,
            1e17,
            float("inf"),
            "9999-12-31",
            "0001-01-01T00:00:00+14:00",
            "2200-12-31T23:59:59-12:00",
            "x" * 600,
            "",
            " ",
            "\x1b[31m",
            "\ud800",
            [],
            {},
        ]
    )
    | JSON
)
# Values at the edge of what is allowed, field by field: these calls parse, and
# must then store and export again.
LONG = "é" * ONE_LINE_MAX
ALLOWED_EDGES: dict[str, list[Any]] = {
    "id": [1, ID_MAX, None],
    "follows_call_id": [ID_MAX, 1, None],
    "connection": ["connected", "no_answer", "voicemail", "gatekeeper", "wrong_number"],
    "goal": [LONG, "\u202e" + "x" * ONE_LINE_MAX, "x" * ONE_LINE_MAX + "\x1b"],
    "backup_goal": [LONG, ""],
    "contact.name": [LONG, " Dana\r\n"],
    "reason_text": [LONG],
    "notes.0.offset_seconds": [0, OFFSET_MAX_SECONDS, 5.0],
    "notes.1.due": ["2200-12-31", "1900-01-01", None],
    "paused_seconds": [0, OFFSET_MAX_SECONDS],
    "started_at": [
        "2200-12-31T11:59:59-12:00",
        "1900-01-01T14:00:00+14:00",
        "1900-01-01T00:00:00",
        "2200-12-31T23:59:59Z",
    ],
    "ended_at": ["2200-12-31T11:59:59-12:00", "1900-01-01T14:00:00+14:00", None],
    "next_step.date": ["2200-12-31", "1900-01-01"],
    "research": [[{"area": "say", "text": LONG}] * 3],
    "questions": [[{"text": LONG, "asked": True, "origin": "carried"}]],
    "recap": [None, {"subject": LONG, "body": "b" * 100_000}],
}
EDGE = st.sampled_from(sorted(ALLOWED_EDGES)).flatmap(
    lambda field: st.tuples(st.just(field), st.sampled_from(ALLOWED_EDGES[field]))
)


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_any_json_value_is_calls_or_a_clear_error(value: Any) -> None:
    outcome_of(json.dumps(value))
    outcome_of(json.dumps([value]))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_is_calls_or_a_clear_error(text: str) -> None:
    outcome_of(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(FIELDS), EXTREMES), min_size=1, max_size=3))
def test_a_real_call_with_odd_values_is_calls_or_a_clear_error(
    changes: list[tuple[str, Any]],
) -> None:
    call = a_call()
    for field, value in changes:
        put(call, field.split("."), value)
    outcome_of(json.dumps([call]))


def put(target: Any, path: list[str], value: Any) -> None:
    """Set ``value`` at ``path`` if the path is still there (an earlier change may
    have replaced a parent with a number)."""
    for part in path[:-1]:
        if isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        elif isinstance(target, dict) and part in target:
            target = target[part]
        else:
            return
    last = path[-1]
    if isinstance(target, list) and last.isdigit() and int(last) < len(target):
        target[int(last)] = value
    elif isinstance(target, dict):
        target[last] = value


# -- the edges that are allowed, all the way through the store ------------------
def extreme_but_valid() -> list[dict[str, Any]]:
    long_line = "é" * ONE_LINE_MAX
    return [
        a_call(
            id=ID_MAX,
            contact={"name": long_line, "company": long_line, "role": "other"},
            goal=long_line,
            backup_goal=long_line,
            research=[{"area": "say", "text": long_line}],
            questions=[{"text": long_line, "asked": False, "origin": "verify"}],
            notes=[
                {"kind": "note", "text": "n" * 200_000, "offset_seconds": OFFSET_MAX_SECONDS},
                {
                    "kind": "theirs",
                    "text": "t",
                    "offset_seconds": 0,
                    "owner": long_line,
                    "due": "2200-12-31",
                    "done_at": "2200-12-31T11:59:59-12:00",
                },
            ],
            reason="other",
            reason_text=long_line,
            next_step={
                "what": long_line,
                "owner": "them",
                "date": "2200-12-31",
                "done_at": "1900-01-01T14:00:00+14:00",
            },
            started_at="2200-12-31T11:59:59-12:00",
            ended_at="2200-12-31T23:59:59",
            paused_seconds=PAUSED_MAX_SECONDS,
            recap={"subject": long_line, "body": "b" * 100_000},
        ),
        a_call(
            id=1,
            follows_call_id=ID_MAX,
            started_at="1900-01-01T14:00:00+14:00",
            ended_at=None,
            status="live",
            outcome=None,
            goal_result=None,
            next_step=None,
            recap=None,
        ),
    ]


def test_extreme_but_valid_calls_round_trip_through_the_store(tmp_path: Path) -> None:
    calls = parse_export(json.dumps(extreme_but_valid()))
    repo = Repository.open(tmp_path / "callmate.db")
    try:
        assert repo.import_calls(calls) == 2
        stored = repo.all_calls()
        exported = to_json(stored)
    finally:
        repo.close()
    again = parse_export(exported)
    by_id = {call.id: call for call in again}
    assert set(by_id) == {1, ID_MAX}
    assert by_id[ID_MAX].goal == "é" * ONE_LINE_MAX
    assert by_id[ID_MAX].notes[0].offset_seconds == OFFSET_MAX_SECONDS
    assert by_id[1].follows_call_id == ID_MAX
    assert to_json(again) == exported


def test_the_cli_refuses_a_deep_file_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    year = tmp_path / "year.json"
    year.write_text(json.dumps([a_call(started_at="9999-12-31T23:59:59+00:00")]))
    for file, why in ((path, "nested too deeply"), (year, "[0].started_at")):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "callmate",
                "--data-dir",
                str(tmp_path / "data"),
                "import",
                str(file),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert "nothing imported" in result.stderr and why in result.stderr, result.stderr


@settings(max_examples=100, deadline=None)
@given(st.lists(EDGE, max_size=5) | st.lists(st.tuples(st.sampled_from(FIELDS), EXTREMES)))
def test_whatever_parses_is_stored_and_exported_again(changes: list[tuple[str, Any]]) -> None:
    call = a_call()
    for field, value in changes:
        put(call, field.split("."), value)
    try:
        calls = parse_export(json.dumps([call]))
    except ImportFileError:
        return
    with tempfile.TemporaryDirectory() as folder:
        repo = Repository.open(Path(folder) / "callmate.db")
        try:
            repo.import_calls(calls)
            exported = to_json(repo.all_calls())
        finally:
            repo.close()
    assert len(parse_export(exported)) == 1
