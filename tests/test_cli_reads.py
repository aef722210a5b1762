"""``callmate due`` and ``search`` read through plain sqlite3 (issue 17).

They no longer open the repository (SQLAlchemy, pydantic); the open
commitments and the people's promise records are read by new, faster SQL.
These tests hold the new path to the old one, byte for byte: the old path is
kept here as it was (the repository's connection, the old SQL, the indenting
``json.dumps``), run on a database seeded through the repository with times,
commitments kept on time and late, moved dates, attempts, deleted and private
notes, a discarded call and hostile text.
"""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callmate.clock import SystemClock, local_today
from callmate.domain.agenda import format_clock
from callmate.domain.closing import CommitmentUpdate
from callmate.domain.models import (
    Call,
    Connection,
    Contact,
    NextStep,
    Note,
    NoteKind,
    Outcome,
    Owner,
)
from callmate.domain.promise_record import PromiseRecord, Tally
from callmate.locations import database_path
from callmate.store import migrations, queries
from callmate.store.repository import Repository
from tests.test_cli_robust import cli, private_home
from tests.test_robust_storage import seed_old

HOSTILE = [
    "evil\x1b]52;c;aGk=\x07 \x1b[31mred",
    'quote " and \\ backslash',
    "line\nbreak\r\nand\ttab",
    "right\u202eto left \u200b zero width",
    "émoji 🎉 日本語",
    "",
]

# -- the old path, as it was before issue 17 ------------------------------------
OLD_COMMITMENTS = """
    SELECT n.id, k.id, c.id, c.name, c.company, n.text, n.owner, n.due, n.kind, k.goal,
           n.due_time
    FROM notes n JOIN calls k ON k.id = n.call_id JOIN contacts c ON c.id = k.contact_id
    WHERE n.kind IN ('ours', 'theirs') AND n.done_at IS NULL AND n.deleted_at IS NULL
      AND (n.due IS NULL OR n.due < ?)
    ORDER BY n.due IS NULL, n.due, n.id LIMIT ?
"""

OLD_PROMISES = """
    WITH asked(id) AS (SELECT value FROM json_each(:contacts)),
    promises(contact_id, side, due, kept_on) AS (
        SELECT k.contact_id, CASE k.next_step_owner WHEN 'them' THEN 'theirs' ELSE 'ours' END,
               k.next_step_due, date(k.next_step_done_at, 'localtime')
        FROM calls k
        WHERE +k.contact_id IN asked
          AND k.next_step_what IS NOT NULL AND k.next_step_due IS NOT NULL
        UNION ALL
        SELECT k.contact_id, n.kind, n.due, date(n.done_at, 'localtime')
        FROM calls k JOIN notes n ON n.call_id = k.id
        WHERE +k.contact_id IN asked
          AND n.kind IN ('ours', 'theirs') AND n.deleted_at IS NULL
    )
    SELECT contact_id, side,
           count(*) FILTER (WHERE kept_on IS NOT NULL AND (due IS NULL OR kept_on <= due)),
           count(*) FILTER (WHERE kept_on > due),
           count(*) FILTER (WHERE kept_on IS NULL AND due < :today)
    FROM promises GROUP BY contact_id, side
"""


def old_records(db: sqlite3.Connection, ids: list[int], today: date) -> dict[int, PromiseRecord]:
    tallies: dict[tuple[int, str], Tally] = {}
    params = {"contacts": json.dumps(sorted(set(ids))), "today": today.isoformat()}
    for contact_id, side, on_time, late, overdue in db.execute(OLD_PROMISES, params):
        tallies[(contact_id, side)] = Tally(on_time, late, overdue)
    return {
        i: PromiseRecord(
            ours=tallies.get((i, "ours"), Tally()), theirs=tallies.get((i, "theirs"), Tally())
        )
        for i in ids
    }


def old_due_json(home: Path, days: int) -> str:
    """``callmate due --days N --json`` as the repository path printed it."""
    repo = Repository.open(database_path(home))
    today = local_today(SystemClock())
    before = today + timedelta(days=days + 1)
    try:
        steps, _total = repo.open_steps(before=before, limit=10_000)
        commitments = repo._read(
            lambda db: [
                queries._commitment(r)
                for r in db.execute(OLD_COMMITMENTS, (before.isoformat(), 10_000))
            ]
        )
        records = repo._read(
            lambda db: old_records(db, [i.contact_id for i in (*steps, *commitments)], today)
        )
    finally:
        repo.close()
    dated = sorted(
        [*steps, *(c for c in commitments if c.due is not None)],
        key=lambda item: (item.sort_when, not item.is_step),
    )
    undated = [c for c in commitments if c.due is None]
    rows = [
        {
            "kind": item.kind,
            "call_id": item.call_id,
            "note_id": item.note_id,
            "contact": item.contact_name,
            "company": item.company,
            "what": item.what,
            "owner": item.owner,
            "due": item.due.isoformat() if item.due else None,
            "time": format_clock(item.due_time) if item.due and item.due_time else None,
            "days_overdue": max(0, (today - item.due).days) if item.due else 0,
            "connection": item.connection if item.is_step else None,
            "try": item.tries if item.is_step and item.connection != "connected" else None,
            "contact_record": records[item.contact_id].as_dict(),
        }
        for item in [*dated, *undated]
    ]
    return json.dumps(rows, indent=2) + "\n"


# -- the seeded history ------------------------------------------------------------
def kept_near(due: date | None, rng: random.Random) -> datetime:
    """A moment kept a few days either side of ``due`` (late noon, or just after
    local midnight, where the UTC and local dates differ)."""
    day = (due or local_today(SystemClock())) + timedelta(days=rng.randint(-3, 3))
    at = rng.choice([time(12, 0), time(0, 5), time(23, 55)])
    return datetime.combine(day, at).astimezone().astimezone(UTC)


def seed_history(home: Path, people: int = 14) -> None:
    """Every kind of promise, in every state, for ``people`` people."""
    rng = random.Random(17)
    today = local_today(SystemClock())
    now = datetime.now(UTC)
    repo = Repository.open(database_path(home))
    try:
        for person in range(people):
            name = f"Person {person} {rng.choice(HOSTILE)}"
            company = rng.choice(["", "Northwind", f"Co {rng.choice(HOSTILE)}"])
            for number in range(rng.randint(1, 4)):
                call = repo.start_call(
                    Call(
                        contact=Contact(name=name, company=company),
                        goal=f"Goal {rng.choice(HOSTILE)}",
                        started_at=now - timedelta(days=40 - number * 5, minutes=person),
                    )
                )
                assert call.id is not None
                updates = []
                for _ in range(rng.randint(0, 5)):
                    kind = rng.choice([NoteKind.OURS, NoteKind.THEIRS, NoteKind.PRIVATE])
                    note = repo.save_note(
                        call.id,
                        Note(kind=kind, text=f"Promise {rng.choice(HOSTILE)}", created_at=now),
                    )
                    assert note.id is not None
                    if kind is not NoteKind.PRIVATE:
                        due = rng.choice([None, today + timedelta(days=rng.randint(-20, 50))])
                        at = rng.choice([None, time(rng.randint(8, 17), rng.choice([0, 30]))])
                        owner = rng.choice(["", "Sam", rng.choice(HOSTILE)])
                        updates.append(CommitmentUpdate(note.id, owner, due, at if due else None))
                if rng.random() < 0.1:  # started by mistake: set aside with its notes
                    repo.discard_call(call.id, now)
                    continue
                step = NextStep(
                    what=f"Step {rng.choice(HOSTILE)}",
                    owner=rng.choice(list(Owner)),
                    due=today + timedelta(days=rng.randint(-15, 45)),
                    due_time=rng.choice([None, 9 * 60, 15 * 60 + 30]),
                )
                if rng.random() < 0.25:
                    connection = rng.choice(
                        [c for c in Connection if c is not Connection.CONNECTED]
                    )
                    repo.log_attempt(call.id, connection, step, now)
                else:
                    repo.finish_call(
                        call.id,
                        outcome=Outcome.YES,
                        next_step=step,
                        ended_at=now,
                        commitments=updates,
                    )
                    for update in updates:
                        roll = rng.random()
                        if roll < 0.3:  # kept, on time or late
                            repo.set_commitment_done(update.note_id, kept_near(update.due, rng))
                        elif roll < 0.3:
                            repo.delete_note(update.note_id, now)
                        elif roll < 0.45 and update.due is not None:  # moved, maybe to a time
                            repo.reschedule_commitment(
                                update.note_id,
                                update.due + timedelta(days=rng.randint(1, 9)),
                                rng.choice([None, time(11, 15)]),
                            )
                roll = rng.random()
                if roll < 0.35:
                    repo.mark_step_done(call.id, kept_near(step.due, rng))
                elif roll < 0.55:
                    repo.reschedule_step(
                        call.id,
                        step.due + timedelta(days=rng.randint(-5, 10)),
                        rng.choice([None, time(16, 45)]),
                    )
    finally:
        repo.close()


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("history")
    seed_history(home)
    private_home(home)
    return home


@pytest.mark.parametrize("days", [0, 7, 40, 36_500])
def test_due_json_is_byte_for_byte_what_the_repository_path_printed(
    history: Path, days: int
) -> None:
    result = cli("due", "--days", str(days), "--json", home=history)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout == old_due_json(history, days)
    data = json.loads(result.stdout)
    assert data, "the seeded history has promises due in every window"
    assert all("\x1b" not in json.dumps(row, ensure_ascii=False) for row in data)


def test_the_history_has_every_case_the_comparison_needs(history: Path) -> None:
    """So the byte comparison above can fail: times, moves, attempts, kept and
    late promises, undated and hostile ones are all in what it compares."""
    data = json.loads(old_due_json(history, 36_500))
    assert {row["kind"] for row in data} == {"next_step", "ours", "theirs"}
    assert any(row["time"] for row in data) and any(row["due"] is None for row in data)
    assert any(row["try"] for row in data) and any(row["days_overdue"] for row in data)
    records = [row["contact_record"][side] for row in data for side in ("ours", "theirs")]
    assert all(any(r[key] for r in records) for key in ("on_time", "late", "open_overdue"))
    db = sqlite3.connect(database_path(history))
    try:
        assert db.execute("SELECT count(*) FROM date_moves").fetchone()[0] > 0
        assert db.execute("SELECT count(*) FROM notes WHERE kind = 'private'").fetchone()[0]
        assert db.execute("SELECT count(*) FROM calls WHERE discarded_at IS NOT NULL").fetchone()[0]
    finally:
        db.close()


def test_due_text_lists_the_same_promises_in_the_same_order(history: Path) -> None:
    result = cli("due", "--days", "40", home=history)
    assert result.returncode == 0, result.stderr
    data = json.loads(old_due_json(history, 40))
    lines = [line for line in result.stdout.splitlines() if "[call " in line]
    assert len(lines) == len(data)
    for line, row in zip(lines, data, strict=True):
        assert f"{row['contact']}" in line and line.endswith(f"[call {row['call_id']}]")
        assert row["what"] in line
    assert not any(ch in result.stdout for ch in "\x1b\x07\r\t\u202e")


def test_promise_records_by_index_and_by_one_pass_match_the_old_query(history: Path) -> None:
    today = local_today(SystemClock())
    db = sqlite3.connect(database_path(history))
    try:
        everyone = [r[0] for r in db.execute("SELECT id FROM contacts")]
        assert queries.promise_records(db, everyone, today) == old_records(db, everyone, today)
        for one in everyone:  # a few people: an index range each
            assert queries.promise_records(db, [one], today) == old_records(db, [one], today)
    finally:
        db.close()


@pytest.mark.parametrize("limit", [1, 3, 10, 10_000])
def test_open_commitments_match_the_old_query_at_any_limit(history: Path, limit: int) -> None:
    db = sqlite3.connect(database_path(history))
    today = local_today(SystemClock())
    try:
        for days in (0, 7, 40):
            before = today + timedelta(days=days + 1)
            old = db.execute(OLD_COMMITMENTS, (before.isoformat(), limit)).fetchall()
            new = queries.open_commitments(db, before=before, limit=limit)
            assert new == [queries._commitment(r) for r in old]
    finally:
        db.close()


def test_a_read_command_upgrades_an_old_database_keeping_a_backup(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private_home(isolated_home)
    path = isolated_home / "callmate.db"
    seed_old(path, 5, monkeypatch)
    result = cli("search", "nothing-like-this", home=isolated_home)
    assert result.returncode == 1 and result.stderr == "", result.stderr
    assert migrations.schema_version(path) == migrations.LATEST
    assert (isolated_home / "callmate.db.v5.bak").is_file()


def test_a_locked_database_is_one_line(isolated_home: Path) -> None:
    """Another program holding the write lock on a rollback-journal database
    blocks readers: after the 5 s wait, the one line the repository gave."""
    private_home(isolated_home)
    path = isolated_home / "callmate.db"
    migrations.upgrade(path)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("PRAGMA journal_mode=DELETE")
        holder.execute("BEGIN EXCLUSIVE")
        result = cli("due", home=isolated_home)
    finally:
        holder.close()
    assert result.returncode == 2
    assert result.stderr == (
        f"callmate: {path} is busy in another program (database is locked). "
        "Close the other program or callmate and try again.\n"
    )


@given(
    st.text(
        alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=())
    )
    | st.sampled_from(HOSTILE)
)
def test_clean_lines_shortcut_gives_what_the_full_cleaning_gives(text: str) -> None:
    """``clean_line`` skips its replacing when ``text.isprintable()``: every
    character the full cleaning drops or replaces is one that is not."""
    from callmate.domain import text as module

    full = module._newlines(text).replace("\n", " ").replace("\t", " ")
    assert module.clean_line(text) == module._CONTROL_ONE_LINE.sub("", full).strip()


# -- callmate due made from plain rows (callmate.store.due_lines) ----------------
def python_path(home: Path, days: int, *, as_json: bool, capsys: pytest.CaptureFixture[str]) -> str:
    """What the DueStep path of ``callmate due`` prints (the reference)."""
    from callmate import cli as module

    capsys.readouterr()
    assert module._due_in_python(home, local_today(SystemClock()), days, as_json=as_json) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("days", [0, 7, 40, 36_500])
def test_due_text_is_byte_for_byte_what_the_python_path_prints(
    history: Path, days: int, capsys: pytest.CaptureFixture[str]
) -> None:
    result = cli("due", "--days", str(days), home=history)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout == python_path(history, days, as_json=False, capsys=capsys)
    assert "[call " in result.stdout and ":" in result.stdout


LEFT_RAW = "  \x1b]52;c;aGk=\x07[bold]x[/] \u202eright\u200b\tto\r\nleft é\x85  "
"""Words as an older version or a hand edit may have left them in the database:
unclean, with markup, an accent, spaces at both ends."""


@pytest.fixture
def raw_history(tmp_path: Path) -> Path:
    """A small history whose people and promises were then written raw."""
    seed_history(tmp_path, people=5)
    private_home(tmp_path)
    db = sqlite3.connect(database_path(tmp_path))
    with db:
        db.execute("UPDATE contacts SET name = ? || name WHERE id % 2 = 0", (LEFT_RAW,))
        db.execute("UPDATE contacts SET company = ? WHERE id % 3 = 0", (LEFT_RAW,))
        db.execute("UPDATE contacts SET company = ' \x07 ' WHERE id % 3 = 1")
        db.execute(
            "UPDATE notes SET text = ?, owner = ? WHERE kind IN ('ours', 'theirs') AND id % 2 = 0",
            (LEFT_RAW, LEFT_RAW),
        )
        db.execute("UPDATE calls SET next_step_what = ? WHERE id % 2 = 1", (LEFT_RAW,))
    db.close()
    return tmp_path


def test_words_left_raw_in_the_database_come_out_cleaned_as_the_python_path_cleans_them(
    raw_history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = cli("due", "--days", "36500", home=raw_history)
    assert text.returncode == 0 and text.stderr == "", text.stderr
    assert text.stdout == python_path(raw_history, 36_500, as_json=False, capsys=capsys)
    as_json = cli("due", "--days", "36500", "--json", home=raw_history)
    assert as_json.returncode == 0 and as_json.stderr == "", as_json.stderr
    assert as_json.stdout == python_path(raw_history, 36_500, as_json=True, capsys=capsys)
    assert as_json.stdout == old_due_json(raw_history, 36_500)
    cleaned = "]52;c;aGk=[bold]x[/] right to left é"  # markup kept as text, never styled
    assert f": {cleaned} ({cleaned})  [call " in text.stdout  # what (owner), a commitment
    assert f", {cleaned}: " in text.stdout and f"  {cleaned}  Person " in text.stdout
    rows = json.loads(as_json.stdout)
    assert any(row["what"] == cleaned and row["owner"] == cleaned for row in rows)
    assert any(row["contact"].startswith(f"{cleaned}  Person ") for row in rows)
    assert any(row["company"] == "" for row in rows)  # ' \x07 ' cleans to nothing
    for output in (text.stdout, as_json.stdout):
        assert not any(ch in output for ch in "\x1b\x07\x85\r\t\u202e\u200b")
    assert "\\u00e9" in as_json.stdout and "é" not in as_json.stdout  # as json.dumps wrote it


def test_a_date_or_time_stored_in_another_form_is_read_as_the_python_path_reads_it(
    raw_history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The app writes HH:MM; a time written "9:5" is 09:05, for both paths."""
    db = sqlite3.connect(database_path(raw_history))
    with db:
        (call,) = db.execute(
            "SELECT min(id) FROM calls "
            "WHERE next_step_due IS NOT NULL AND next_step_done_at IS NULL"
        ).fetchone()
        db.execute("UPDATE calls SET next_step_time = '9:5' WHERE id = ?", (call,))
    db.close()
    for as_json in (False, True):
        args = ["due", "--days", "36500", *(["--json"] if as_json else [])]
        result = cli(*args, home=raw_history)
        assert result.returncode == 0 and result.stderr == "", result.stderr
        assert result.stdout == python_path(raw_history, 36_500, as_json=as_json, capsys=capsys)
        assert "09:05" in result.stdout and "9:5 " not in result.stdout


def test_the_plain_row_path_keeps_the_python_paths_words() -> None:
    """Word tables copied, not imported (``agenda`` loads dataclasses): held equal here."""
    from callmate.domain import agenda
    from callmate.store import due_lines

    assert due_lines._TRIES_COUNTED == agenda.TRIES_COUNTED
    assert due_lines._OWES == agenda.OWES
    assert {**due_lines._CONNECTION_WORDS, "connected": "connected"} == agenda.CONNECTION_WORDS
