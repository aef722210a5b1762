"""``callmate due``: next steps and commitments (we owe / they owe) in one list."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from callmate.domain.agenda import OWES
from callmate.domain.closing import CommitmentUpdate
from callmate.domain.models import Call, Contact, NextStep, Note, NoteKind, Outcome, Owner
from callmate.locations import database_path
from callmate.store.repository import Repository
from tests.test_cli_memory import HOSTILE, TODAY, cli


def seed(home: Path) -> dict[str, int]:
    """Olga: a next step three days late and a "we owe" due tomorrow; Tara: a
    "they owe" due today and one with no date; a kept, a deleted and a far one."""
    repo = Repository.open(database_path(home))
    now = datetime.now(UTC)
    ids: dict[str, int] = {}
    try:
        for name, step_due, commitments in [
            (
                "Olga",
                TODAY - timedelta(days=3),
                [(NoteKind.OURS, "Send the SLA", "Sam", TODAY + timedelta(days=1))],
            ),
            (
                "Tara",
                TODAY + timedelta(days=30),
                [
                    (NoteKind.THEIRS, f"Security answers {HOSTILE}", "Tara", TODAY),
                    (NoteKind.THEIRS, "Intro to the CFO", "", None),
                    (NoteKind.OURS, "Kept already", "", TODAY),
                    (NoteKind.OURS, "Deleted one", "", TODAY),
                    (NoteKind.OURS, "Far away", "", TODAY + timedelta(days=60)),
                ],
            ),
        ]:
            call = repo.start_call(
                Call(
                    contact=Contact(name=name, company=f"{name} Ltd"),
                    goal="Goal",
                    started_at=now - timedelta(days=10),
                )
            )
            assert call.id is not None
            ids[name] = call.id
            updates = []
            for kind, text, owner, due in commitments:
                note = repo.save_note(call.id, Note(kind=kind, text=text, created_at=now))
                assert note.id is not None
                ids[text.split()[0] + text.split()[1]] = note.id
                updates.append(CommitmentUpdate(note.id, owner, due))
            repo.finish_call(
                call.id,
                outcome=Outcome.YES,
                next_step=NextStep(what=f"Step {name}", owner=Owner.THEM, due=step_due),
                ended_at=now,
                commitments=updates,
            )
        repo.set_commitment_done(ids["Keptalready"], now)
        repo.delete_note(ids["Deletedone"], now)
    finally:
        repo.close()
    return ids


def test_due_lists_every_kind_of_promise_in_words(tmp_path: Path) -> None:
    ids = seed(tmp_path)
    result = cli("due", home=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()
    assert rows[0].startswith("OVERDUE 3 days") and "NEXT STEP" in rows[0]
    assert f"Olga, Olga Ltd: Step Olga  [call {ids['Olga']}]" in rows[0]
    assert rows[1].startswith("TODAY") and "THEY OWE" in rows[1]
    assert "Tara, Tara Ltd: Security answers" in rows[1] and rows[1].endswith(
        f"(Tara)  [call {ids['Tara']}]"
    )
    assert "WE OWE" in rows[2] and "Send the SLA (Sam)" in rows[2]
    assert f"{TODAY + timedelta(days=1):%a %d %b}" in rows[2]
    assert rows[3] == ""
    assert rows[4] == "No date yet (1 commitment):"
    assert "THEY OWE" in rows[5] and "Intro to the CFO" in rows[5]
    assert len(rows) == 6, "kept, deleted and far-off promises are not listed"
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "day(s)" not in result.stdout and "Step Tara" not in result.stdout


def test_due_json_has_the_kind_of_each_promise(tmp_path: Path) -> None:
    ids = seed(tmp_path)
    result = cli("due", "--days", "40", "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(d["kind"], d["what"].split()[0]) for d in data] == [
        ("next_step", "Step"),
        ("theirs", "Security"),
        ("ours", "Send"),
        ("next_step", "Step"),
        ("theirs", "Intro"),
    ]
    first, sla, undated = data[0], data[2], data[4]
    assert first == {
        "kind": "next_step",
        "call_id": ids["Olga"],
        "note_id": None,
        "contact": "Olga",
        "company": "Olga Ltd",
        "what": "Step Olga",
        "owner": "them",
        "due": (TODAY - timedelta(days=3)).isoformat(),
        "time": None,
        "days_overdue": 3,
        "connection": "connected",
        "try": None,
        "contact_record": {  # Olga's step, on them, is 3 days late; our SLA is not due yet
            "ours": {"on_time": 0, "late": 0, "open_overdue": 0},
            "theirs": {"on_time": 0, "late": 0, "open_overdue": 1},
        },
    }
    assert sla["connection"] is None and sla["try"] is None  # a commitment
    assert sla["owner"] == "Sam" and sla["note_id"] == ids["Sendthe"]
    assert sla["due"] == (TODAY + timedelta(days=1)).isoformat() and sla["days_overdue"] == 0
    assert undated["due"] is None and undated["days_overdue"] == 0
    assert undated["call_id"] == ids["Tara"] and undated["kind"] == "theirs"
    assert "\x1b" not in data[1]["what"]


def test_due_with_only_undated_commitments_still_lists_them(tmp_path: Path) -> None:
    repo = Repository.open(database_path(tmp_path))
    try:
        call = repo.start_call(
            Call(contact=Contact(name="Nia"), goal="Goal", started_at=datetime.now(UTC))
        )
        assert call.id is not None
        repo.save_note(
            call.id, Note(kind=NoteKind.OURS, text="Case study", created_at=datetime.now(UTC))
        )
    finally:
        repo.close()
    result = cli("due", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Nothing due in the next 7 day")
    assert "No date yet (1 commitment):" in result.stdout
    assert "WE OWE" in result.stdout and "Nia: Case study" in result.stdout


def test_due_shows_a_time_of_day_in_text_and_json(tmp_path: Path) -> None:
    """A step at 15:00 says so in both forms; those without a time have null."""
    ids = seed(tmp_path)
    repo = Repository.open(database_path(tmp_path))
    try:
        repo.reschedule_step(ids["Olga"], TODAY + timedelta(days=2), time(15, 0))
    finally:
        repo.close()
    data = json.loads(cli("due", "--days", "40", "--json", home=tmp_path).stdout)
    olga = next(d for d in data if d["what"] == "Step Olga")
    assert (olga["due"], olga["time"]) == ((TODAY + timedelta(days=2)).isoformat(), "15:00")
    assert [d["time"] for d in data if d is not olga] == [None] * (len(data) - 1)
    assert list(olga)[7:9] == ["due", "time"]
    text = cli("due", "--days", "40", home=tmp_path).stdout
    (row,) = [line for line in text.splitlines() if "Step Olga" in line]
    assert f"{TODAY + timedelta(days=2):%a %d %b} 15:00" in row


def test_due_lists_every_promise_past_ten_thousand(tmp_path: Path) -> None:
    """The list once stopped at 10,000 next steps without saying so: all are listed."""
    import sqlite3

    ids = seed(tmp_path)
    db = sqlite3.connect(database_path(tmp_path))
    columns = ", ".join(
        row[1] for row in db.execute("PRAGMA table_info(calls)") if row[1] not in ("id", "uuid")
    )
    with db:  # Olga's late step, copied onto 10,005 more calls
        db.executemany(
            f"INSERT INTO calls ({columns}) SELECT {columns} FROM calls WHERE id = ?",
            [(ids["Olga"],)] * 10_005,
        )
    db.close()
    result = cli("due", "--days", "0", "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    late = [item for item in json.loads(result.stdout) if item["what"] == "Step Olga"]
    assert len(late) == 10_006
    text = cli("due", "--days", "0", home=tmp_path).stdout
    assert text.count("Step Olga") == 10_006


def test_due_lines_keep_their_columns(tmp_path: Path) -> None:
    """A promise due later starts with the blank day label, so who owes it
    lines up under the overdue ones (those lines once started at column 0)."""
    seed(tmp_path)
    rows = [row for row in cli("due", "--days", "40", home=tmp_path).stdout.splitlines()]
    dated = rows[: rows.index("")]  # the undated commitments follow a blank line
    assert len(dated) == 4 and not dated[2].startswith("TODAY")  # one due tomorrow
    columns = {next(row.index(word) for word in OWES.values() if word in row) for row in dated}
    assert columns == {29}  # 16 for the label, 10 for the day, the gaps between
