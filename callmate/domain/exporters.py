"""Calls as plain data for scripts: the JSON shape documented in the README."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time
from json.encoder import encode_basestring_ascii as _string
from typing import TYPE_CHECKING, Any

from callmate.domain.agenda import format_clock

if TYPE_CHECKING:  # the models load pydantic, which the streamed JSON and CSV never need
    from callmate.domain.models import Call, Note, ResearchLine


def call_to_dict(call: Call) -> dict[str, Any]:
    step = call.next_step
    return {
        "id": call.id,
        "uuid": call.uuid,
        "status": call.status.value,
        "connection": call.connection.value,
        "contact": {
            "name": call.contact.name,
            "company": call.contact.company,
            "role": call.contact.role.value,
            "uuid": call.contact.uuid,
            "email": call.contact.email,
            "phone": call.contact.phone,
            "title": call.contact.title,
        },
        "call_type": call.call_type.value,
        "goal": call.goal,
        "backup_goal": call.backup_goal,
        "research": [{"area": r.area.value, "text": r.text, "said": r.said} for r in call.research],
        "questions": [
            {"text": q.text, "asked": q.asked, "origin": q.origin.value} for q in call.questions
        ],
        "notes": [_note(n) for n in call.notes],
        "outcome": call.outcome.value if call.outcome else None,
        "reason": call.reason.value if call.reason else None,
        "reason_text": call.reason_text,
        "goal_result": call.goal_result.value if call.goal_result else None,
        "next_step": (
            {
                "what": step.what,
                "owner": step.owner.value,
                "date": step.due.isoformat(),
                "time": format_clock(step.due_time) if step.due_time else None,
                "done_at": _iso(call.next_step_done_at),
                "moved_from": [day.isoformat() for day in step.moved_from],
            }
            if step
            else None
        ),
        "follows_call_id": call.follows_call_id,
        "started_at": call.started_at.isoformat(),
        "ended_at": _iso(call.ended_at),
        "paused_seconds": call.paused_seconds,
        "recap": (
            {"subject": call.recap_subject or "", "body": call.recap_body}
            if call.recap_body is not None
            else None
        ),
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _note(note: Note) -> dict[str, Any]:
    data: dict[str, Any] = {
        "uuid": note.uuid,
        "kind": note.kind.value,
        "text": note.text,
        "offset_seconds": note.offset_seconds,
    }
    if note.is_commitment:
        data["owner"] = note.owner
        data["due"] = note.due.isoformat() if note.due else None
        data["time"] = format_clock(note.due_time) if note.due and note.due_time else None
        data["done_at"] = _iso(note.done_at)
        # History leads to a date; a commitment whose date was cleared has none.
        data["moved_from"] = [day.isoformat() for day in note.moved_from] if note.due else []
    if note.in_email is not None:  # the user's choice; absent means the kind's default
        data["in_email"] = note.in_email
    return data


def to_json(calls: Iterable[Call]) -> str:
    """The export: ``{"schema_version": N, "calls": [...]}``; ``ensure_ascii``
    keeps every control character escaped."""
    from callmate.domain.export_schema import SCHEMA_VERSION

    document = {"schema_version": SCHEMA_VERSION, "calls": [call_to_dict(c) for c in calls]}
    return json.dumps(document, indent=2, ensure_ascii=True)


def json_chunks(calls: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The JSON export in pieces, a call at a time, as the calls stream in:
    ``"schema_version"`` first, then the ``"calls"`` array.

    Joined, the pieces are exactly ``to_json(calls) + "\n"`` (the tests hold
    the two to it): each call is written as ``json.dumps(indent=2,
    ensure_ascii=True)`` writes an element of the array, by :func:`_encode`,
    about 2.5 times as fast as the stdlib's pure-Python indenting encoder.
    """
    from callmate.domain.export_schema import SCHEMA_VERSION

    head = f'{{\n  "schema_version": {SCHEMA_VERSION},\n  "calls": '
    lead = first = head + "[\n    "
    for call in calls:
        out = [lead]
        _encode(call, "    ", out)
        yield "".join(out)
        lead = ",\n    "
    yield head + "[]\n}\n" if lead is first else "\n  ]\n}\n"


def _encode(value: Any, pad: str, out: list[str]) -> None:
    """``value`` as ``json.dumps(indent=2, ensure_ascii=True)`` writes it at
    depth ``pad``: strings through the stdlib's C escaper, so every control
    character is escaped and no string holds a raw newline."""
    kind = type(value)
    if kind is str:
        out.append(_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = pad + "  "
        between = "{\n" + inner
        for key, item in value.items():
            out.append(between)
            out.append(_string(key))
            out.append(": ")
            _encode(item, inner, out)
            between = ",\n" + inner
        out.append("\n" + pad + "}")
    elif kind is list:
        if not value:
            out.append("[]")
            return
        inner = pad + "  "
        between = "[\n" + inner
        for item in value:
            out.append(between)
            _encode(item, inner, out)
            between = ",\n" + inner
        out.append("\n" + pad + "]")
    else:  # a float or anything else: the stdlib's own text for it
        out.append(json.dumps(value, indent=2, ensure_ascii=True).replace("\n", "\n" + pad))


def _said(research: ResearchLine) -> str:
    """A "say aloud" line says whether the customer put it into words."""
    from callmate.domain.models import ResearchArea

    if research.area is not ResearchArea.SAY:
        return ""
    return " (said)" if research.said else " (not said)"


def call_to_markdown(
    call: Call, recap_subject: str, recap_body: str, *, carried: Iterable[Note] = ()
) -> str:
    """The whole call as a Markdown document: plan, notes, close and recap.

    ``carried`` are the promises of earlier calls with this person still open
    (:func:`callmate.domain.recap.earlier_open_by_call`), listed as the recap does.
    """
    from callmate.domain.md_safe import md_text
    from callmate.domain.models import NoteKind, format_offset

    def line(text: str) -> str:  # user text: never read as markup, a link or HTML
        return md_text(" ".join(text.split()))

    started = call.started_at.astimezone()
    who = line(call.contact.name) + (
        f", {line(call.contact.company)}" if call.contact.company else ""
    )
    out = [f"# Call with {who}", ""]
    out.append(f"- **When:** {started:%A %d %B %Y, %H:%M}")
    out.append(f"- **Type:** {call.call_type.label} · **Role:** {call.contact.role.label}")
    out.append(f"- **Goal:** {line(call.goal)}")
    out.append(f"- **Backup goal:** {line(call.backup_goal) or '(none)'}")
    if call.goal_result:
        out.append(f"- **Goal reached:** {call.goal_result.value}")
    if call.outcome:
        reason = call.reason.label if call.reason else ""
        why = "; ".join(part for part in (reason, line(call.reason_text)) if part)
        out.append(f"- **Outcome:** {call.outcome.value}" + (f" ({why})" if why else ""))
    if call.next_step:
        step = call.next_step
        when = _day_time(step.due, step.due_time)
        out.append(f"- **Next step:** {line(step.what)} ({step.owner.value}, {when})")
    if call.research:
        out += ["", "## Research", ""]
        out += [f"- *{r.area.label}:* {line(r.text)}{_said(r)}" for r in call.research]
    if call.questions:
        out += ["", "## Questions", ""]
        out += [f"- [{'x' if q.asked else ' '}] {line(q.text)}" for q in call.questions]
    if call.notes:
        out += ["", "## Notes", ""]
        for note in call.notes:
            text = line(note.text)
            if note.kind is NoteKind.QUOTE:
                text = f"“{text}”"
            extra = []
            if note.owner:
                extra.append(line(note.owner))
            if note.due:
                extra.append(f"due {_day_time(note.due, note.due_time)}")
            suffix = f" ({', '.join(extra)})" if extra else ""
            out.append(
                f"- `{format_offset(note.offset_seconds)}` **{note.kind.label}:** {text}{suffix}"
            )
    still_open = [_carried_line(note, line) for note in carried]
    if still_open:
        out += ["", "## Still open from earlier calls", "", *still_open]
    out += ["", "## Recap email", "", f"**Subject:** {line(recap_subject)}", ""]
    # The email is plain text: its lines are kept (two spaces end a line with a
    # hard break) and its "- " lines read as text, like the rest of it.
    out += [f"> {md_text(row)}  " if row else ">" for row in recap_body.rstrip("\n").split("\n")]
    return "\n".join(out) + "\n"


def _day_time(day: date, at: time | None) -> str:
    """``2026-12-03`` or ``2026-12-03 15:00`` in the Markdown export."""
    return day.isoformat() if at is None else f"{day.isoformat()} {format_clock(at)}"


def _carried_line(note: Note, line: Callable[[str], str]) -> str:
    """``- **We owe:** send the pricing sheet (Sam, due 2026-11-24)``."""
    who = note.kind.label.capitalize()
    extra = [line(note.owner)] if note.owner else []
    if note.due:
        extra.append(f"due {_day_time(note.due, note.due_time)}")
    suffix = f" ({', '.join(extra)})" if extra else ""
    return f"- **{who}:** {line(note.text)}{suffix}"


def next_step_ics(call: Call, now: datetime, *, minutes: int = 30) -> str:
    """The call's next step as a calendar event (RFC 5545): all day, or `minutes` from its time.

    Its SEQUENCE is the number of moves, so a calendar replaces the copy it has.
    """
    from callmate.domain.ics import next_step_event

    step = call.next_step
    if step is None:
        raise ValueError("this call has no next step")
    who = call.contact.name + (f" ({call.contact.company})" if call.contact.company else "")
    owner = step.owner.export_phrase
    description = "\n".join(
        [
            f"Next step with {who}, {owner}.",
            f"Agreed on the call of {call.started_at.astimezone():%d %b %Y}.",
            f"Call goal: {call.goal}",
        ]
    )
    return next_step_event(
        uid=f"callmate-call-{call.id}-next-step@callmate.local",
        summary=f"{step.what} · {call.contact.name}",
        description=description,
        due=step.due,
        stamp=now,
        at=step.due_time,
        minutes=minutes,
        sequence=len(step.moved_from),
    )


CSV_COLUMNS = [
    "id",
    "started_at",
    "ended_at",
    "status",
    "contact",
    "company",
    "role",
    "call_type",
    "goal",
    "backup_goal",
    "goal_result",
    "outcome",
    "reason",
    "reason_text",
    "next_step",
    "next_step_owner",
    "next_step_date",
    "next_step_done",
    "questions_asked",
    "notes",
]


def csv_chunks(calls: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The CSV export in pieces, from the calls as the JSON export's dicts.

    The same rows as :func:`to_csv` gives for the same calls (only the notes
    the recap email takes; see there), a call's row at a time.
    """
    import io

    from callmate.domain.csv_safe import SafeWriter
    from callmate.domain.kinds import kind_of
    from callmate.domain.models import format_offset
    from callmate.domain.text import clean, clean_line

    out = io.StringIO()
    writer = SafeWriter(out, lineterminator="\n")  # no cell read as a formula
    writer.writerow(CSV_COLUMNS)

    def taken() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    yield taken()
    for call in calls:
        step = call["next_step"]
        contact = call["contact"]
        notes = "\n".join(
            f"[{kind_of(n['kind']).label} {format_offset(n['offset_seconds'])}] {clean(n['text'])}"
            for n in call["notes"]
            if in_recap(n)
        )
        writer.writerow(
            [
                call["id"],
                call["started_at"],
                call["ended_at"] or "",
                call["status"],
                clean_line(contact["name"]),
                clean_line(contact["company"]),
                contact["role"],
                call["call_type"],
                clean_line(call["goal"]),
                clean_line(call["backup_goal"]),
                call["goal_result"] or "",
                call["outcome"] or "",
                call["reason"] or "",
                clean_line(call["reason_text"]),
                clean_line(step["what"]) if step else "",
                step["owner"] if step else "",
                step["date"] if step else "",
                ("yes" if step["done_at"] else "no") if step else "",
                f"{sum(1 for q in call['questions'] if q['asked'])}/{len(call['questions'])}",
                notes,
            ]
        )
        yield taken()


def in_recap(note: dict[str, Any]) -> bool:
    """:attr:`Note.in_recap` for a note as exported (the csv and CRM exports' choice)."""
    from callmate.domain.kinds import kind_of

    kind = kind_of(note["kind"])
    if kind.recap is None:
        return False
    chosen = note.get("in_email")
    if chosen is not None:
        return bool(chosen)
    text = note["text"]
    return kind.emailed and "\n" not in text and "\r" not in text


def to_csv(calls: Iterable[Call]) -> str:
    """One row per call, for a spreadsheet; notes in one cell, a line each.

    Only the notes the recap email takes are in it (:attr:`Note.in_recap`):
    a spreadsheet is shared and fed to CRMs, so it is treated as leaving the
    user's hands. Private notes and those kept out of the email stay in the
    JSON and Markdown.
    """
    import io

    from callmate.domain.csv_safe import SafeWriter
    from callmate.domain.models import format_offset
    from callmate.domain.text import clean, clean_line

    out = io.StringIO()
    writer = SafeWriter(out, lineterminator="\n")  # no cell read as a formula
    writer.writerow(CSV_COLUMNS)
    for call in calls:
        step = call.next_step
        asked = sum(1 for q in call.questions if q.asked)
        notes = "\n".join(
            f"[{n.kind.label} {format_offset(n.offset_seconds)}] {clean(n.text)}"
            for n in call.notes
            if n.in_recap
        )
        writer.writerow(
            [
                call.id,
                call.started_at.isoformat(),
                _iso(call.ended_at) or "",
                call.status.value,
                clean_line(call.contact.name),
                clean_line(call.contact.company),
                call.contact.role.value,
                call.call_type.value,
                clean_line(call.goal),
                clean_line(call.backup_goal),
                call.goal_result.value if call.goal_result else "",
                call.outcome.value if call.outcome else "",
                call.reason.value if call.reason else "",
                clean_line(call.reason_text),
                clean_line(step.what) if step else "",
                step.owner.value if step else "",
                step.due.isoformat() if step else "",
                "yes" if call.next_step_done_at else ("no" if step else ""),
                f"{asked}/{len(call.questions)}",
                notes,
            ]
        )
    return out.getvalue()
