"""The JSON export's shape, as a JSON Schema (draft 2020-12).

``callmate export --schema`` prints it, and ``docs/export.schema.json`` is the
same text (tests/test_crm_export.py holds the two together and validates
exports against it). Spelled out here, not derived from the pydantic models:
it describes what the exporter writes (every key always there), while the
importer is more lenient (older files lack keys). The enums come from
:mod:`callmate.domain.kinds`, so a new kind of note is in the schema at once.
"""

from __future__ import annotations

import json
from typing import Any

from callmate.domain.kinds import (
    CallType,
    Connection,
    ContactRole,
    GoalResult,
    NoteKind,
    Outcome,
    Owner,
    Reason,
    ResearchArea,
)
from callmate.domain.limits import ID_MAX, OFFSET_MAX_SECONDS, ONE_LINE_MAX, TEXT_MAX

SCHEMA_VERSION = 1
"""The export's ``"schema_version"``. Files without it (a bare array of calls,
from before it existed) are read as ever; a file from a newer callmate, with
a higher number, is refused with a message saying so."""

_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def _values(kind: Any) -> list[str]:
    return [member.value for member in kind]


def _one_line(*, required: bool = False) -> dict[str, Any]:
    return {"type": "string", "minLength": 1 if required else 0, "maxLength": ONE_LINE_MAX}


def _object(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": [key for key in properties if key not in optional],
        "additionalProperties": False,
    }


def export_schema() -> dict[str, Any]:
    """The JSON Schema of ``callmate export --format json``."""
    moment = {"type": "string", "format": "date-time"}
    day = {"type": "string", "pattern": _DAY}
    days = {"type": "array", "items": day}
    uuid = {"type": ["string", "null"], "pattern": _UUID}
    call_id = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
    seconds = {"type": "integer", "minimum": 0, "maximum": OFFSET_MAX_SECONDS}
    contact = _object(
        {
            "name": _one_line(required=True),
            "company": _one_line(),
            "role": {"enum": _values(ContactRole)},
            "uuid": uuid,
            "email": _one_line(),
            "phone": _one_line(),
            "title": _one_line(),
        },
        optional=("email", "phone", "title"),  # absent in exports made before they were stored
    )
    note = _object(
        {
            "uuid": uuid,
            "kind": {"enum": _values(NoteKind)},
            "text": {"type": "string", "minLength": 1, "maxLength": TEXT_MAX},
            "offset_seconds": seconds,
            "owner": _one_line(),
            "due": {"anyOf": [day, {"type": "null"}]},
            "time": {"type": ["string", "null"], "pattern": _CLOCK},
            "done_at": {"anyOf": [moment, {"type": "null"}]},
            "moved_from": days,
            "in_email": {"type": "boolean"},
        },
        # A commitment (ours, theirs) has its owner, due date and history; any
        # note has in_email once the user chose whether the email takes it.
        optional=("owner", "due", "time", "done_at", "moved_from", "in_email"),
    )
    step = _object(
        {
            "what": _one_line(required=True),
            "owner": {"enum": _values(Owner)},
            "date": day,
            "time": {"type": ["string", "null"], "pattern": _CLOCK},
            "done_at": {"anyOf": [moment, {"type": "null"}]},
            "moved_from": days,
        }
    )
    call = _object(
        {
            "id": call_id,
            "uuid": uuid,
            "status": {"enum": ["live", "done"]},
            "connection": {"enum": _values(Connection)},
            "contact": contact,
            "call_type": {"enum": _values(CallType)},
            "goal": _one_line(required=True),
            "backup_goal": _one_line(),
            "research": {
                "type": "array",
                "items": _object(
                    {
                        "area": {"enum": _values(ResearchArea)},
                        "text": _one_line(required=True),
                        "said": {"type": "boolean"},
                    }
                ),
            },
            "questions": {
                "type": "array",
                "items": _object(
                    {
                        "text": _one_line(required=True),
                        "asked": {"type": "boolean"},
                        "origin": {"enum": ["own", "bank", "verify", "carried"]},
                    }
                ),
            },
            "notes": {"type": "array", "items": note},
            "outcome": {"enum": [*_values(Outcome), None]},
            "reason": {"enum": [*_values(Reason), None]},
            "reason_text": _one_line(),
            "goal_result": {"enum": [*_values(GoalResult), None]},
            "next_step": {"anyOf": [step, {"type": "null"}]},
            "follows_call_id": {"anyOf": [call_id, {"type": "null"}]},
            "started_at": moment,
            "ended_at": {"anyOf": [moment, {"type": "null"}]},
            "paused_seconds": seconds,
            "recap": {
                "anyOf": [
                    _object(
                        {
                            "subject": _one_line(),
                            "body": {"type": "string", "maxLength": TEXT_MAX},
                        }
                    ),
                    {"type": "null"},
                ]
            },
        }
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:callmate:export:{SCHEMA_VERSION}",
        "title": "callmate export",
        "description": "Every call, oldest first, as `callmate export --format json` writes "
        "it. Moments are ISO 8601 in UTC; `time` is local wall-clock HH:MM.",
        "type": "object",
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "calls": {"type": "array", "items": {"$ref": "#/$defs/call"}},
        },
        "required": ["schema_version", "calls"],
        "additionalProperties": False,
        "$defs": {"call": call},
    }


def schema_text() -> str:
    """The schema as ``--schema`` prints it and ``docs/export.schema.json`` holds it."""
    return json.dumps(export_schema(), indent=2, ensure_ascii=True) + "\n"
