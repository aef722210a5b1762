"""``callmate due`` at scale: every promise's line (or JSON row), made from plain rows.

At 100,000 calls the command lists ~89,000 promises. Made the general way (a
frozen :class:`~callmate.domain.agenda.DueStep` each, cleaned, sorted on
``date``/``time`` objects, then formatted, and for ``--json`` a dict each for
the encoder) that cost 1.6x the same query in a plain stdlib process, 2.4x
with ``--json``. Here the rows stay tuples as SQLite gives them: the two
sorted runs (next steps, commitments) are merged by ``list.sort`` on their
stored text, and each line is one f-string whose repeated parts (the day
column, the try count, the JSON date fields, a person's record) are made once
per distinct value. The person's words go through
:func:`~callmate.domain.text.clean_line` as ``DueStep`` put them through it,
and JSON strings through the C encoder ``json.dumps`` itself uses.

The output is byte for byte what the Python path in :mod:`callmate.cli`
(``_due_in_python``) prints; tests/test_cli_reads.py holds the two together
on hostile text. Sorting and showing the stored text is exact only for the
forms the app writes (``YYYY-MM-DD``, ``HH:MM``): for anything else (an old or
hand-edited database) :func:`report` returns None and the caller takes that
Python path, which reads them as before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, timedelta

from callmate.domain.text import clean_line, count

_TRIES_COUNTED = 20  # callmate.domain.agenda.TRIES_COUNTED (not imported: dataclasses)

_STREAK = f"""
    SELECT a.started_at, a.connection FROM calls a
    WHERE a.contact_id = k.contact_id AND a.discarded_at IS NULL
      AND a.started_at <= k.started_at
    ORDER BY a.started_at DESC LIMIT {_TRIES_COUNTED + 1}"""
"""Call ``k`` and the contact's calls before it, newest first: one walk back
along the streak index (migration 9), never further than the count needs."""

TRIES = f"""CASE WHEN k.connection = 'connected' THEN 0 ELSE (
    SELECT coalesce(min(CASE WHEN x.connection = 'connected' THEN x.n END) - 1, count(*))
    FROM (SELECT row_number() OVER (ORDER BY s.started_at DESC) AS n, s.connection
          FROM ({_STREAK}) s) x
) END"""
"""For an attempt (call ``k``): which try in a row it was, counting the attempts
since the contact's last connected call, up to ``TRIES_COUNTED`` + 1. It runs
for the rows shown only, and reads at most that many index entries for each,
however long the history or the streak. The home screen's queries use it too."""

OPEN_COMMITMENT = "n.kind IN ('ours', 'theirs') AND n.done_at IS NULL AND n.deleted_at IS NULL"
"""An open commitment: word for word the WHERE of the partial index
``ix_notes_open_commitments`` (:data:`callmate.store.queries.OPEN_COMMITMENTS_INDEX`),
so that SQLite uses it."""

_STEPS = f"""
    SELECT 'next_step' AS kind, k.id AS call_id, NULL AS note_id, c.id AS contact_id,
           c.name AS name, c.company AS company, coalesce(k.next_step_what, '') AS what,
           CASE WHEN k.next_step_owner IN ('us', 'them', 'both') THEN k.next_step_owner
                ELSE 'us' END AS owner,
           k.next_step_due AS due, nullif(k.next_step_time, '') AS at,
           coalesce(nullif(k.connection, ''), 'connected') AS connection,
           coalesce({TRIES}, 0) AS tries
    FROM calls k JOIN contacts c ON c.id = k.contact_id
    WHERE k.next_step_due IS NOT NULL AND k.next_step_done_at IS NULL
      AND k.next_step_due < :before"""
"""Open next steps due before ``:before``: :func:`callmate.store.queries.open_steps`."""

_COMMITMENTS = f"""
    SELECT n.kind AS kind, k.id AS call_id, n.id AS note_id, c.id AS contact_id,
           c.name AS name, c.company AS company, coalesce(n.text, '') AS what,
           coalesce(n.owner, '') AS owner, n.due AS due,
           CASE WHEN n.due IS NOT NULL THEN nullif(n.due_time, '') END AS at,
           NULL AS connection, 0 AS tries
    FROM notes n JOIN calls k ON k.id = n.call_id JOIN contacts c ON c.id = k.contact_id
    WHERE {OPEN_COMMITMENT}"""
"""Open commitments: :func:`callmate.store.queries.open_commitments`."""


_TIMES = frozenset(f"{hour:02d}:{minute:02d}" for hour in range(24) for minute in range(60))
"""Every time of day as the app stores it (``HH:MM``): text that sorts as the time."""

_CONNECTION_WORDS = {
    "no_answer": "no answer",
    "voicemail": "voicemail",
    "gatekeeper": "gatekeeper",
    "wrong_number": "wrong number",
}
""":data:`callmate.domain.agenda.CONNECTION_WORDS` but "connected" (not imported:
that module loads ``dataclasses``)."""

_OWES = {"next_step": "NEXT STEP", "ours": "WE OWE", "theirs": "THEY OWE"}
""":data:`callmate.domain.agenda.OWES`."""

_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

Row = tuple[str, int, "int | None", int, str, str, str, str, "str | None", "str | None", str, int]
"""kind, call_id, note_id, contact_id, name, company, what, owner, due, at, connection, tries."""


class _Irregular(Exception):
    """A stored date or time not in the form the app writes."""


def _day(due: str) -> date:
    """``due`` as a date, when it is stored as ``YYYY-MM-DD`` (so that its text
    sorts as the date); else :class:`_Irregular`."""
    try:
        day = date.fromisoformat(due)
    except (TypeError, ValueError):
        raise _Irregular from None
    if day.isoformat() != due:
        raise _Irregular
    return day


def _order(row: Row) -> tuple[str | None, bool, str, bool]:
    """The Python path's order (``DueStep.sort_when``, then next steps first),
    on the stored text: a canonical date or time sorts as its text does."""
    return row[8], row[9] is not None, row[9] or "", row[0] != "next_step"


def _read(db: sqlite3.Connection, params: dict[str, str]) -> tuple[list[Row], list[Row]]:
    """The dated promises in order, and the undated commitments by note."""
    dated = db.execute(f"{_STEPS} ORDER BY due, call_id", params).fetchall()
    dated += db.execute(
        f"{_COMMITMENTS} AND n.due < :before ORDER BY n.due, n.id", params
    ).fetchall()
    for at in {row[9] for row in dated}:
        if at is not None and at not in _TIMES:
            raise _Irregular
    dated.sort(key=_order)  # stable: two sorted runs merged, by call and by note within
    undated = db.execute(f"{_COMMITMENTS} AND n.due IS NULL ORDER BY n.id", params).fetchall()
    return dated, undated


def report(db: sqlite3.Connection, today: date, days: int, *, as_json: bool) -> str | None:
    """What ``callmate due [--json]`` prints; None when a stored date or time
    is irregular (then the caller takes the Python path)."""
    params = {"today": today.isoformat(), "before": (today + timedelta(days=days + 1)).isoformat()}
    try:
        dated, undated = _read(db, params)
        if as_json:
            return _json_report(db, dated, undated, today)
        return _text_report(dated, undated, today, days)
    except _Irregular:
        return None


def _tried(connection: str, tries: int) -> str:
    """:func:`callmate.domain.agenda.describe_try`, in brackets ("" for a conversation)."""
    words = _CONNECTION_WORDS.get(connection)
    if words is None:
        return ""
    if tries > _TRIES_COUNTED:
        return f" ({words}, {_TRIES_COUNTED}+ tries in a row)"
    tries = max(tries, 1)
    suffix = "th" if 10 <= tries % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(tries % 10)
    return f" ({words}, {tries}{suffix or 'th'} try)"


def _text_report(dated: list[Row], undated: list[Row], today: date, days: int) -> str:
    # The day column widens only when some promise has a time ("Thu 03 Dec 15:00").
    width = 16 if any(row[9] is not None for row in dated) else 10
    heads: dict[tuple[str | None, str | None, str], str] = {}
    tried: dict[tuple[str, int], str] = {}

    def head(due: str | None, at: str | None, kind: str) -> str:
        label = when = ""
        if due is not None:
            day = _day(due)
            late = (today - day).days
            label = f"OVERDUE {count(late, 'day')}" if late > 0 else "TODAY" if late == 0 else ""
            when = f"{_DAYS[day.weekday()]} {day.day:02d} {_MONTHS[day.month]}"
            when += f" {at}" if at is not None else ""
        made = heads[(due, at, kind)] = f"{label:<16} {when:<{width}}  {_OWES[kind]:<9}  "
        return made

    whos: dict[int, str] = {}
    owners: dict[str, str] = {}

    def lines(rows: list[Row]) -> list[str]:
        made = []
        for kind, call, _note, person, name, company, what, owner, due, at, link, tries in rows:
            start = heads.get((due, at, kind)) or head(due, at, kind)
            # Cleaned as DueStep cleaned them (clean_line returns clean text as it
            # is); a person's name and company once, as they are the same on each row.
            who = whos.get(person)
            if who is None:
                company = clean_line(company)
                who = whos[person] = f"{clean_line(name)}{', ' if company else ''}{company}"
            if kind == "next_step":
                end = tried.get((link, tries))
                if end is None:
                    end = tried[(link, tries)] = _tried(link, tries)
            else:
                end = owners.get(owner)
                if end is None:
                    whose = clean_line(owner)
                    end = owners[owner] = f" ({whose})" if whose else ""
            what = what.strip() if what.isprintable() else clean_line(what)  # clean_line, inline
            made.append(f"{start}{who}: {what}{end}  [call {call}]")
        return made

    out = lines(dated)
    if not out:
        out.append(f"Nothing due in the next {count(days, 'day')}.")
    if undated:
        out.append(f"\nNo date yet ({count(len(undated), 'commitment')}):")
        out += lines(undated)
    return "\n".join(out) + "\n"


def _record_json(record: dict[str, dict[str, int]], quoted: Callable[[str], str]) -> str:
    """``json.dumps(record, indent=2)`` nested one level deeper (as ``contact_record``
    sits in its row): a person's record of counts, by side."""
    sides = ",\n      ".join(
        f"{quoted(side)}: {{\n        "
        + ",\n        ".join(f"{quoted(key)}: {int(value)}" for key, value in counts.items())
        + "\n      }"
        for side, counts in record.items()
    )
    return f"{{\n      {sides}\n    }}"


def _middle(
    today: date,
    due: str | None,
    at: str | None,
    link: str | None,
    tries: int,
    quoted: Callable[[str], str],
) -> str:
    """A JSON row's "due", "time", "days_overdue", "connection" and "try"
    (``link`` is None for a commitment)."""
    late = max(0, (today - _day(due)).days) if due is not None else 0
    tried = "null" if link is None or link == "connected" else str(tries)
    return (
        f'"due": {quoted(due) if due is not None else "null"},\n    '
        f'"time": {quoted(at) if due is not None and at is not None else "null"},\n    '
        f'"days_overdue": {late},\n    '
        f'"connection": {"null" if link is None else quoted(link)},\n    "try": {tried},\n    '
    )


def _json_report(db: sqlite3.Connection, dated: list[Row], undated: list[Row], today: date) -> str:
    """``json.dumps(rows, indent=2)`` and a newline, byte for byte, as
    :func:`callmate.cli.due_json` makes it: each string through the C encoder
    that ``json.dumps`` uses, the parts that repeat made once."""
    from json.encoder import encode_basestring_ascii as quoted

    from callmate.store.queries import promise_records

    rows = dated + undated
    if not rows:
        return "[]\n"
    records = promise_records(db, [row[3] for row in rows], today)
    texts: dict[object, str] = {}
    ends: dict[int, str] = {}  # a person's last key, their record, and the row's end
    for person, record in records.items():  # each distinct record written once
        text = texts.get(record)
        if text is None:
            text = texts[record] = _record_json(record.as_dict(), quoted)
        ends[person] = f'"contact_record": {text}\n  }}'
    starts = {kind: f'{{\n    "kind": "{kind}",\n    "call_id": ' for kind in _OWES}
    whos: dict[int, str] = {}
    owners: dict[str, str] = {}
    # The fields from "due" to "try": made once per day, time and (for a next
    # step) how its call went.
    middles: dict[tuple[str | None, str | None, str | None, int], str] = {}
    out = []
    for kind, call, note, person, name, company, what, owner, due, at, link, tries in rows:
        who = whos.get(person)
        if who is None:  # a person's name and company: the same on each of their rows
            who = whos[person] = (
                f'"contact": {quoted(clean_line(name))},\n    '
                f'"company": {quoted(clean_line(company))},\n    '
            )
        whose = owners.get(owner)
        if whose is None:
            whose = owners[owner] = quoted(clean_line(owner))
        middle = middles.get((due, at, link, tries))
        if middle is None:
            middle = middles[(due, at, link, tries)] = _middle(today, due, at, link, tries, quoted)
        # clean_line's own shortcut, inline: 89,000 calls saved at 100,000 calls.
        what = what.strip() if what.isprintable() else clean_line(what)
        out.append(
            f'{starts[kind]}{call},\n    "note_id": {"null" if note is None else note},\n    '
            f'{who}"what": {quoted(what)},\n    "owner": {whose},\n    {middle}{ends[person]}'
        )
    return "[\n  " + ",\n  ".join(out) + "\n]\n"
