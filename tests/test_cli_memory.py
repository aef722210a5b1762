"""Shell commands: due, search, export in three formats, import (and its refusals)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callmate.domain.exporters import to_json
from callmate.domain.importer import ImportFileError, parse_export
from callmate.domain.models import (
    Call,
    CallStatus,
    CallType,
    Connection,
    Contact,
    ContactRole,
    GoalResult,
    NextStep,
    Note,
    NoteKind,
    Outcome,
    Owner,
    Question,
    QuestionOrigin,
    Reason,
    ResearchArea,
    ResearchLine,
)
from callmate.domain.text import clean, clean_line
from callmate.locations import database_path
from callmate.store.repository import Repository

TODAY = datetime.now(UTC).astimezone().date()
HOSTILE = "evil\x1b]52;c;aGk=\x07 \x1b[31mred"


def cli(*args: str, home: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "callmate", *args],
        capture_output=True,
        text=True,
        timeout=60,
        input=stdin,
        env={**os.environ, "CALLMATE_HOME": str(home)},
    )


def seed(home: Path) -> None:
    repo = Repository.open(database_path(home))
    now = datetime.now(UTC)
    try:
        for name, due, done in [
            ("Olga", TODAY - timedelta(days=3), False),
            ("Tara", TODAY, False),
            ("Wes", TODAY + timedelta(days=5), False),
            ("Leo", TODAY + timedelta(days=30), False),
            ("Kept", TODAY - timedelta(days=1), True),
        ]:
            call = repo.start_call(
                Call(
                    contact=Contact(name=name, company=f"{name} {HOSTILE}"),
                    goal=f"Goal {name}",
                    started_at=now - timedelta(days=10),
                )
            )
            assert call.id is not None
            repo.save_note(
                call.id, Note(text=f"note about budget {name} {HOSTILE}", created_at=now)
            )
            repo.finish_call(
                call.id,
                outcome=Outcome.YES,
                next_step=NextStep(what=f"Step {name}", due=due),
                ended_at=now,
            )
            if done:
                repo.mark_step_done(call.id, now)
    finally:
        repo.close()


def test_due_lists_overdue_first_and_respects_days(tmp_path: Path) -> None:
    seed(tmp_path)
    result = cli("due", home=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = result.stdout.strip().splitlines()
    assert [next(n for n in ("Olga", "Tara", "Wes", "Leo") if n in r) for r in rows] == [
        "Olga",
        "Tara",
        "Wes",
    ]
    assert rows[0].startswith("OVERDUE 3 days") and rows[1].startswith("TODAY")
    assert "\x1b" not in result.stdout and "evil]52;c;aGk= [31mred" in result.stdout
    wider = cli("due", "--days", "40", "--json", home=tmp_path)
    data = json.loads(wider.stdout)
    assert [d["contact"] for d in data] == ["Olga", "Tara", "Wes", "Leo"]
    assert data[0]["days_overdue"] == 3 and data[1]["due"] == TODAY.isoformat()


def test_due_with_nothing_due(tmp_path: Path) -> None:
    result = cli("due", home=tmp_path)
    assert result.returncode == 0 and "Nothing due in the next 7 days." in result.stdout


def test_search_prints_plain_lines(tmp_path: Path) -> None:
    seed(tmp_path)
    result = cli("search", "budget", "tara", home=tmp_path)
    assert result.returncode == 0
    assert "NOTE" in result.stdout and "note about budget Tara" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    missing = cli("search", "zzzz", home=tmp_path)
    assert missing.returncode == 1 and "Nothing found" in missing.stdout
    weird = cli("search", "--", "-foo", "NEAR(", '"', home=tmp_path)
    assert weird.returncode == 1 and "Traceback" not in weird.stderr


def test_export_csv_md_and_out(tmp_path: Path) -> None:
    seed(tmp_path)
    rows = list(csv.DictReader(io.StringIO(cli("export", "--format", "csv", home=tmp_path).stdout)))
    assert [r["contact"] for r in rows] == ["Olga", "Tara", "Wes", "Leo", "Kept"]
    assert rows[0]["next_step_date"] == (TODAY - timedelta(days=3)).isoformat()
    assert rows[4]["next_step_done"] == "yes" and rows[0]["next_step_done"] == "no"
    assert all("\x1b" not in value for row in rows for value in row.values())
    markdown = cli("export", "--format", "md", home=tmp_path).stdout
    assert markdown.count("# Call with ") == 5
    out = tmp_path / "calls.json"
    written = cli("export", "--out", str(out), home=tmp_path)
    assert written.stdout == "" and "Wrote 5 calls" in written.stderr
    assert len(json.loads(out.read_text())["calls"]) == 5


def test_import_into_an_empty_dir_gives_the_same_calls(tmp_path: Path) -> None:
    seed(tmp_path / "a")
    exported = cli("export", home=tmp_path / "a").stdout
    (tmp_path / "calls.json").write_text(exported)
    result = cli("import", str(tmp_path / "calls.json"), home=tmp_path / "b")
    assert result.returncode == 0 and "Imported 5 calls" in result.stderr
    assert cli("export", home=tmp_path / "b").stdout == exported
    # The index and the agenda work on imported calls too.
    assert "note about budget Wes" in cli("search", "budget", home=tmp_path / "b").stdout
    assert "Olga" in cli("due", home=tmp_path / "b").stdout


def test_bad_imports_say_where_and_change_nothing(tmp_path: Path) -> None:
    seed(tmp_path)
    before = cli("export", home=tmp_path).stdout
    good = json.loads(before)["calls"]
    cases = {
        "broken.json": ('[{"id": 1,\n  "status": }]', "line 2, column 13"),
        "object.json": ('{"calls": []}', "expected a JSON array of calls"),
        "kind.json": (
            json.dumps([{**good[0], "notes": [{**good[0]["notes"][0], "kind": "rumour"}]}]),
            "[0].notes[0].kind",
        ),
        "date.json": (
            json.dumps(
                [good[0], {**good[1], "next_step": {**good[1]["next_step"], "date": "soon"}}]
            ),
            "[1].next_step.date",
        ),
        "goal.json": (json.dumps([{**good[0], "goal": "   "}]), "[0].goal"),
        "twice.json": (json.dumps([good[0], good[0]]), "the same call id appears twice"),
    }
    for name, (content, where) in cases.items():
        path = tmp_path / name
        path.write_text(content)
        result = cli("import", str(path), home=tmp_path)
        assert result.returncode == 2, name
        assert "nothing imported" in result.stderr and where in result.stderr, result.stderr
    assert cli("export", home=tmp_path).stdout == before, "nothing changed"
    missing = cli("import", str(tmp_path / "nope.json"), home=tmp_path)
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_import_into_a_used_dir_renumbers_and_keeps_links(tmp_path: Path) -> None:
    seed(tmp_path)
    calls = json.loads(cli("export", home=tmp_path).stdout)["calls"]
    calls[1]["follows_call_id"] = calls[0]["id"]
    (tmp_path / "again.json").write_text(json.dumps(calls[:2]))
    # With their stable ids these calls are the ones already there: nothing is added.
    assert (
        "(2 calls already there)"
        in cli("import", str(tmp_path / "again.json"), home=tmp_path).stderr
    )
    for call in calls[:2]:  # without them (an export from before they existed): new calls
        del call["uuid"]
    (tmp_path / "again.json").write_text(json.dumps(calls[:2]))
    assert cli("import", str(tmp_path / "again.json"), home=tmp_path).returncode == 0
    after = json.loads(cli("export", home=tmp_path).stdout)["calls"]
    assert len(after) == 7
    assert after[6]["follows_call_id"] == after[5]["id"] != calls[0]["id"]


# -- round trip, property-based --------------------------------------------------
LINE = st.text(min_size=1, max_size=30).map(clean_line).filter(bool)
TEXT = st.text(min_size=1, max_size=60).map(lambda t: clean(t).strip()).filter(bool)
MOMENT = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
DAY = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))
CLOCK = st.times().map(lambda at: at.replace(second=0, microsecond=0))


@st.composite
def calls(draw: st.DrawFn) -> Call:
    finished = draw(st.booleans())
    notes = draw(
        st.lists(
            st.builds(
                Note,
                kind=st.sampled_from(list(NoteKind)),
                text=TEXT,
                offset_seconds=st.integers(0, 10_000),
                due=st.none() | DAY,
                due_time=st.none() | CLOCK,
                owner=st.just("") | LINE,
                done_at=st.none() | MOMENT,
                in_email=st.none() | st.booleans(),
            ),
            max_size=4,
        )
    )
    notes = [
        n
        if n.is_commitment
        else n.model_copy(update={"due": None, "owner": "", "done_at": None, "due_time": None})
        for n in notes
    ]
    # A time of day belongs to a day: none without a due date.
    notes = [n if n.due else n.model_copy(update={"due_time": None}) for n in notes]
    outcome = draw(st.sampled_from(list(Outcome))) if finished else None
    return Call(
        contact=Contact(
            name=draw(LINE),
            company=draw(st.just("") | LINE),
            role=draw(st.sampled_from(list(ContactRole))),
        ),
        call_type=draw(st.sampled_from(list(CallType))),
        goal=draw(LINE),
        backup_goal=draw(st.just("") | LINE),
        research=draw(
            st.lists(
                st.builds(
                    ResearchLine,
                    area=st.sampled_from(list(ResearchArea)),
                    text=LINE,
                    said=st.booleans(),
                ),
                max_size=3,
            )
        ),
        questions=draw(
            st.lists(
                st.builds(
                    Question,
                    text=LINE,
                    asked=st.booleans(),
                    origin=st.sampled_from(list(QuestionOrigin)),
                ),
                max_size=3,
            )
        ),
        notes=notes,
        status=CallStatus.DONE if finished else CallStatus.LIVE,
        started_at=draw(MOMENT),
        ended_at=draw(MOMENT) if finished else None,
        paused_seconds=draw(st.integers(0, 5000)),
        outcome=outcome,
        reason=draw(st.none() | st.sampled_from(list(Reason))) if outcome else None,
        reason_text=draw(st.just("") | LINE) if outcome else "",
        goal_result=draw(st.none() | st.sampled_from(list(GoalResult))) if finished else None,
        next_step=NextStep(
            what=draw(LINE),
            owner=draw(st.sampled_from(list(Owner))),
            due=draw(DAY),
            due_time=draw(st.none() | CLOCK),
        )
        if finished
        else None,
        next_step_done_at=draw(st.none() | MOMENT) if finished else None,
        recap_subject=draw(LINE) if finished else None,
        recap_body=draw(TEXT) if finished else None,
        connection=draw(st.sampled_from(list(Connection))),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(calls(), min_size=1, max_size=4))
def test_export_then_import_round_trips_field_for_field(generated: list[Call]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        first = Repository.open(Path(tmp) / "a.db")
        second = Repository.open(Path(tmp) / "b.db")
        try:
            first.import_calls(generated)
            exported = to_json(first.all_calls())
            second.import_calls(parse_export(exported))
            assert to_json(second.all_calls()) == exported
            # The in-email choice, unmade (None) included, survives the trip.
            assert Counter(n.in_email for c in second.all_calls() for n in c.notes) == Counter(
                n.in_email for c in generated for n in c.notes
            )
        finally:
            first.close()
            second.close()


@given(st.text())
def test_parsing_any_text_raises_only_a_clear_error(text: str) -> None:
    try:
        parse_export(text)
    except ImportFileError as error:
        assert str(error)
