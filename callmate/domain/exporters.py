"""Calls as plain data for scripts: the JSON shape documented in the README."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from callmate.domain.models import Call, Note


def call_to_dict(call: Call) -> dict[str, Any]:
    step = call.next_step
    return {
        "id": call.id,
        "status": call.status.value,
        "contact": {
            "name": call.contact.name,
            "company": call.contact.company,
            "role": call.contact.role.value,
        },
        "call_type": call.call_type.value,
        "goal": call.goal,
        "backup_goal": call.backup_goal,
        "research": [{"area": r.area.value, "text": r.text} for r in call.research],
        "questions": [
            {"text": q.text, "asked": q.asked, "origin": q.origin.value} for q in call.questions
        ],
        "notes": [_note(n) for n in call.notes],
        "outcome": call.outcome.value if call.outcome else None,
        "next_step": (
            {"what": step.what, "owner": step.owner.value, "date": step.due.isoformat()}
            if step
            else None
        ),
        "started_at": call.started_at.isoformat(),
        "ended_at": call.ended_at.isoformat() if call.ended_at else None,
    }


def _note(note: Note) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": note.kind.value,
        "text": note.text,
        "offset_seconds": note.offset_seconds,
    }
    if note.is_commitment:
        data["due"] = note.due.isoformat() if note.due else None
        data["done_at"] = note.done_at.isoformat() if note.done_at else None
    return data


def to_json(calls: Iterable[Call]) -> str:
    """A JSON array; ``ensure_ascii`` keeps every control character escaped."""
    return json.dumps([call_to_dict(c) for c in calls], indent=2, ensure_ascii=True)
