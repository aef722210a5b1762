"""The calls as a CSV each CRM's own import takes: HubSpot, Pipedrive, Salesforce.

``callmate export --format hubspot|pipedrive|salesforce`` writes, for every
call, the call as a logged CALL activity (its notes and quotes in the body)
and its next step as a follow-up task with its due date, in the column names,
date forms and values each vendor's import documents (cited above each
column list). The calls come in as the JSON export's dicts
(:func:`callmate.store.bulk.export_calls`) and go out a row at a time, so
memory holds one batch of calls whatever the size of the history.

A CRM is shared with the company: like the ``csv`` export, only the notes
the recap email takes go in (:attr:`Note.in_recap`); private notes never do.
Every cell goes through :func:`callmate.domain.csv_safe.neutralised`.

The contact's ``email``, ``phone`` and ``title`` are read with ``.get``:
exports of databases made before they were stored have none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from callmate.domain.csv_safe import csv_file_chunks
from callmate.domain.exporters import in_recap
from callmate.domain.kinds import Connection, NoteKind, Owner, Reason, kind_of
from callmate.domain.text import clean, clean_line, first_and_last

CRM_FORMATS = ("hubspot", "pipedrive", "salesforce")

SUBJECT_MAX = 255
"""Salesforce's Task.Subject holds 255 characters; the other subjects are cut alike."""
SALESFORCE_TEXT_MAX = 32_000
"""Data Loader's largest CSV field ("Data Import Dates": "the maximum field size
for imported CSV files is 32,000 characters"), also Task.Description's length."""
HUBSPOT_TEXT_MAX = 65_536
"""HubSpot's limit for a text property such as Call notes (65,536 characters)."""


# -- the body: what was said ------------------------------------------------------
def _offset(seconds: int) -> str:
    minutes, secs = divmod(max(0, int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def _owner_phrase(value: str) -> str:
    try:
        return Owner(value).export_phrase
    except ValueError:
        return value


def _when(day: str | None, at: str | None) -> str:
    if not day:
        return ""
    return f"{day} {at}" if at else day


def call_body(call: dict[str, Any], limit: int | None = None) -> str:
    """The call in plain text for a CRM's notes field: goal, how it went, the
    notes the recap takes (quotes in quotation marks, with who said them),
    promises with their owner and date, and the next step.

    Cut to ``limit`` characters (the CRM's field size) with a closing mark
    saying so, so an import never fails on one long note.
    """
    contact = call["contact"]
    who = clean_line(contact["name"])
    lines = [f"Goal: {clean_line(call['goal'])}"]
    if call["backup_goal"]:
        lines.append(f"Backup goal: {clean_line(call['backup_goal'])}")
    if call.get("connection", "connected") != "connected":
        lines.append(f"Attempt: {Connection(call['connection']).label}")
    if call["goal_result"]:
        lines.append(f"Goal reached: {call['goal_result']}")
    if call["outcome"]:
        reason = Reason(call["reason"]).label.lower() if call["reason"] else ""
        why = "; ".join(p for p in (reason, clean_line(call["reason_text"])) if p)
        lines.append(f"Outcome: {call['outcome']}" + (f" ({why})" if why else ""))
    taken = [n for n in call["notes"] if in_recap(n)]
    quotes = [n for n in taken if n["kind"] == NoteKind.QUOTE.value]
    others = [n for n in taken if n["kind"] != NoteKind.QUOTE.value]
    if quotes:
        lines += ["", "In their words:"]
        lines += [
            f"“{clean(n['text']).strip()}” (said by {who}, at {_offset(n['offset_seconds'])})"
            for n in quotes
        ]
    if others:
        lines += ["", "Notes:"]
        for note in others:
            kind = kind_of(note["kind"])
            extra = [clean_line(note["owner"])] if note.get("owner") else []
            if note.get("due"):
                extra.append(f"due {_when(note['due'], note.get('time'))}")
            suffix = f" ({', '.join(extra)})" if extra else ""
            text = clean(note["text"]).strip()
            lines.append(f"- {kind.label.capitalize()}: {text}{suffix}")
    step = call["next_step"]
    if step:
        lines += [
            "",
            f"Next step: {clean_line(step['what'])} ({_owner_phrase(step['owner'])}, "
            f"due {_when(step['date'], step['time'])})",
        ]
    text = "\n".join(lines)
    if limit is not None and len(text) > limit:
        mark = "\n[… cut to fit; the whole call is in callmate]"
        text = text[: limit - len(mark)] + mark
    return text


def _subject(call: dict[str, Any]) -> str:
    contact = call["contact"]
    who = clean_line(contact["name"])
    company = clean_line(contact["company"])
    text = f"Call with {who}" + (f" ({company})" if company else "")
    text += f": {clean_line(call['goal'])}"
    return _cut(text)


def _step_subject(call: dict[str, Any]) -> str:
    step = call["next_step"]
    return _cut(f"{clean_line(step['what'])} · {clean_line(call['contact']['name'])}")


def _step_notes(call: dict[str, Any]) -> str:
    step = call["next_step"]
    contact = call["contact"]
    who = clean_line(contact["name"])
    company = clean_line(contact["company"])
    return (
        f"Next step with {who}" + (f" ({company})" if company else "") + f", "
        f"{_owner_phrase(step['owner'])}. Agreed on the call of {_local(call).date().isoformat()}; "
        f"call goal: {clean_line(call['goal'])}"
    )


def _cut(text: str, limit: int = SUBJECT_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _started(call: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(call["started_at"])


def _local(call: dict[str, Any]) -> datetime:
    return _started(call).astimezone()


def _seconds(call: dict[str, Any]) -> int | None:
    if not call["ended_at"]:
        return None
    spent = datetime.fromisoformat(call["ended_at"]) - _started(call)
    return max(0, int(spent.total_seconds()) - int(call["paused_seconds"] or 0))


def _contact(call: dict[str, Any], key: str) -> str:
    return clean_line(str(call["contact"].get(key) or ""))


# -- HubSpot ---------------------------------------------------------------------
# Columns named as HubSpot's import maps them to properties (the property labels):
# the contact's "Email" (the unique identifier that associates a row's activity
# with the contact), "First Name", "Last Name", "Company Name", "Phone Number",
# "Job Title"; the call's "Activity date" (hs_timestamp, required), "Call title",
# "Call notes" (hs_call_body), "Call direction", "Call status"; the task's
# "Task title" (hs_task_subject), "Due date" (hs_timestamp, required for a task),
# "Task notes", "Task type" (EMAIL, CALL or TODO), "Task status" (NOT_STARTED or
# COMPLETED). Sources:
#   "Import records for multiple objects" (HubSpot Knowledge Base),
#     https://knowledge.hubspot.com/import-and-export/import-objects
#     ("import two objects using a single file": here contacts and calls, or
#     contacts and tasks, associated along each row);
#   "Import and associate multiple objects",
#     https://knowledge.hubspot.com/crm-setup/import-and-associate-multiple-objects
#     (activities - calls, tasks - created associated with the row's contact);
#   "Set up import files", https://knowledge.hubspot.com/import-and-export/set-up-your-import-file
#     (a header row whose every column names a property; UTF-8);
#   "Calls" (engagements API), https://developers.hubspot.com/docs/api/crm/calls
#     (hs_timestamp required; hs_call_body, hs_call_status values);
#   "Tasks", https://developers.hubspot.com/docs/api/crm/tasks
#     (hs_timestamp is the due date; hs_task_status, hs_task_type values).
# A single file holds two objects, and a call and its follow-up task would be
# three with the contact: the tasks go to a second file beside the calls'
# (``calls-tasks.csv`` beside ``calls.csv``), a row per call with a next step,
# each file imported as contacts + calls, then contacts + tasks.
# Dates: "YYYY-MM-DD HH:MM", 24-hour, in UTC (pick year-month-day and UTC in the
# import's date step); a due date without a time of day is "YYYY-MM-DD".
_HUBSPOT_CONTACT = [
    "Email",
    "First Name",
    "Last Name",
    "Company Name",
    "Phone Number",
    "Job Title",
]
HUBSPOT_COLUMNS = [
    *_HUBSPOT_CONTACT,
    "Activity date",
    "Call title",
    "Call notes",
    "Call direction",
    "Call status",
]
HUBSPOT_TASK_COLUMNS = [
    *_HUBSPOT_CONTACT,
    "Task title",
    "Due date",
    "Task notes",
    "Task type",
    "Task status",
]
HUBSPOT_REQUIRED = ("Activity date",)
HUBSPOT_TASK_REQUIRED = ("Task title", "Due date")

_HUBSPOT_STATUS = {
    "connected": "COMPLETED",
    "voicemail": "COMPLETED",
    "gatekeeper": "COMPLETED",
    "no_answer": "NO_ANSWER",
    "wrong_number": "FAILED",
}


def _utc_minute(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def _due_utc(day: str, at: str | None) -> str:
    """A due date (local wall clock, as agreed) as HubSpot reads it: in UTC."""
    if not at:
        return date.fromisoformat(day).isoformat()
    hours, minutes = at.split(":")
    local = datetime.combine(date.fromisoformat(day), time(int(hours), int(minutes)))
    return _utc_minute(local.astimezone())


def _hubspot_rows(call: dict[str, Any]) -> Iterator[tuple[int, list[Any]]]:
    """The call's row (file 0) and, with a next step, its task's (file 1)."""
    first, last = first_and_last(call["contact"]["name"])
    contact = [
        _contact(call, "email"),
        first,
        last,
        _contact(call, "company"),
        _contact(call, "phone"),
        _contact(call, "title"),
    ]
    status = (
        "IN_PROGRESS"
        if call["status"] == "live"
        else _HUBSPOT_STATUS.get(call.get("connection", "connected"), "COMPLETED")
    )
    yield (
        0,
        [
            *contact,
            _utc_minute(_started(call)),
            _subject(call),
            call_body(call, HUBSPOT_TEXT_MAX),
            "OUTBOUND",
            status,
        ],
    )
    step = call["next_step"]
    if step:
        yield (
            1,
            [
                *contact,
                _step_subject(call),
                _due_utc(step["date"], step["time"]),
                _step_notes(call),
                "TODO",
                "COMPLETED" if step["done_at"] else "NOT_STARTED",
            ],
        )


def hubspot_tasks_path(out: Path) -> Path:
    """Where the HubSpot export's follow-up tasks go: ``calls-tasks.csv`` beside ``calls.csv``."""
    return out.with_name(f"{out.stem}-tasks{out.suffix or '.csv'}")


# -- Pipedrive -------------------------------------------------------------------
# Columns named as Pipedrive's import mapping screen lists the fields, item then
# field ("Activity - Subject"), as Pipedrive's own exports head them: an
# activity's Subject, Type ("call" for the call, "task" for the follow-up: the
# default activity types' keys), Due date ("YYYY-MM-DD"), Due time ("HH:MM",
# 24-hour), Duration ("HH:MM"), Done ("Done" or "To do"), Note; linked to the
# person (Name, Email, Phone) and organization (Name) of the same row, which the
# import finds or creates. Sources:
#   "Import fields" (Pipedrive Knowledge Base), https://support.pipedrive.com/en/article/import-fields
#     (activity fields are in the import mapping screen; Person, Organization,
#     Activity, Note categories);
#   "Importing: mandatory fields", https://support.pipedrive.com/hc/en/articles/360013870858
#     ("Activities: no mandatory fields"; a person needs its name).
# A follow-up in Pipedrive is another activity, not done yet, with its due date:
# a second row after the call's. Times are the local wall clock, as the user
# sees them in Pipedrive.
PIPEDRIVE_COLUMNS = [
    "Activity - Subject",
    "Activity - Type",
    "Activity - Due date",
    "Activity - Due time",
    "Activity - Duration",
    "Activity - Done",
    "Activity - Note",
    "Person - Name",
    "Person - Email",
    "Person - Phone",
    "Organization - Name",
]
PIPEDRIVE_REQUIRED = ("Activity - Subject", "Activity - Type", "Person - Name")


def _clock_of(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes = (seconds + 59) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _pipedrive_rows(call: dict[str, Any]) -> Iterator[list[Any]]:
    person = [
        clean_line(call["contact"]["name"]),
        _contact(call, "email"),
        _contact(call, "phone"),
        _contact(call, "company"),
    ]
    local = _local(call)
    yield [
        _subject(call),
        "call",
        local.date().isoformat(),
        local.strftime("%H:%M"),
        _clock_of(_seconds(call)),
        "To do" if call["status"] == "live" else "Done",
        call_body(call),
        *person,
    ]
    step = call["next_step"]
    if step:
        yield [
            _step_subject(call),
            "task",
            step["date"],
            step["time"] or "",
            "",
            "Done" if step["done_at"] else "To do",
            _step_notes(call),
            *person,
        ]


# -- Salesforce -------------------------------------------------------------------
# Columns named by the Task object's API field names, which Data Loader maps by
# name ("Auto-Match Fields to Columns"): a logged call is a Task with
# TaskSubtype "Call", Type "Call", Status "Completed", ActivityDate its day;
# the follow-up is a Task with TaskSubtype "Task", Status "Not Started" and
# ActivityDate its due date. Status and Priority are required on a Task (their
# defaults "Not Started" and "Normal"); Subject holds 255 characters,
# Description (the "Comments") 32,000. Sources:
#   "Task" (Salesforce Object Reference),
#     https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_task.htm
#     (ActivityDate "Due Date" a date; Description textarea 32000; WhoId the
#     Contact or Lead; TaskSubtype Task, Email, ListEmail, Cadence, Call;
#     CallType Internal, Inbound, Outbound; CallDurationInSeconds);
#   "Data Types Supported by Data Loader",
#     https://developer.salesforce.com/docs/atlas.en-us.dataLoader.meta/dataLoader/supported_data_types.htm
#     (dates as yyyy-MM-dd);
#   "Data Import Dates" (Data Loader), 32,000 characters at most in a CSV field.
# WhoId must be a Salesforce record id, which callmate can't know, and Data
# Loader can't look a Contact up by email: WhoId is left empty, and "Contact
# Email" and "Contact Name" (not Task fields; Data Loader leaves unmapped
# columns out) carry what a VLOOKUP on a Contact export needs to fill it in.
SALESFORCE_COLUMNS = [
    "Subject",
    "ActivityDate",
    "Status",
    "Priority",
    "TaskSubtype",
    "Type",
    "CallType",
    "CallDurationInSeconds",
    "Description",
    "WhoId",
    "Contact Name",
    "Contact Email",
    "Contact Phone",
    "Contact Title",
    "Company",
]
SALESFORCE_REQUIRED = ("Subject", "ActivityDate", "Status", "Priority", "TaskSubtype")


def _salesforce_rows(call: dict[str, Any]) -> Iterator[list[Any]]:
    who = [
        clean_line(call["contact"]["name"]),
        _contact(call, "email"),
        _contact(call, "phone"),
        _contact(call, "title"),
        _contact(call, "company"),
    ]
    seconds = _seconds(call)
    yield [
        _subject(call),
        _local(call).date().isoformat(),
        "In Progress" if call["status"] == "live" else "Completed",
        "Normal",
        "Call",
        "Call",
        "Outbound",
        "" if seconds is None else seconds,
        call_body(call, SALESFORCE_TEXT_MAX),
        "",
        *who,
    ]
    step = call["next_step"]
    if step:
        yield [
            _step_subject(call),
            step["date"],
            "Completed" if step["done_at"] else "Not Started",
            "Normal",
            "Task",
            "",
            "",
            "",
            _step_notes(call),
            "",
            *who,
        ]


def _one_file(
    rows_of: Callable[[dict[str, Any]], Iterator[list[Any]]],
) -> Callable[[dict[str, Any]], Iterator[tuple[int, list[Any]]]]:
    def rows(call: dict[str, Any]) -> Iterator[tuple[int, list[Any]]]:
        for row in rows_of(call):
            yield 0, row

    return rows


_FORMATS: dict[str, tuple[list[list[str]], Callable[[dict[str, Any]], Iterator[Any]]]] = {
    "hubspot": ([HUBSPOT_COLUMNS, HUBSPOT_TASK_COLUMNS], _hubspot_rows),
    "pipedrive": ([PIPEDRIVE_COLUMNS], _one_file(_pipedrive_rows)),
    "salesforce": ([SALESFORCE_COLUMNS], _one_file(_salesforce_rows)),
}


def crm_files(fmt: str) -> int:
    """How many files the ``fmt`` export writes (HubSpot: the calls, then their tasks)."""
    return len(_FORMATS[fmt][0])


def crm_chunks(fmt: str, calls: Iterable[dict[str, Any]]) -> Iterator[tuple[int, str]]:
    """The ``fmt`` CRM's CSV files in pieces, ``(file, text)``: each file's header,
    then a call's rows at a time, each to its file."""
    headers, rows_of = _FORMATS[fmt]

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for call in calls:
            yield from rows_of(call)

    return csv_file_chunks(headers, rows())
