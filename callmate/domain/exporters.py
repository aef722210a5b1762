"""Calls as plain data for scripts: the JSON shape documented in the README."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from callmate.domain.models import Call


def call_to_dict(call: Call) -> dict[str, Any]:
    step = call.next_step
    return {
        "id": call.id,
        "status": call.status.value,
        "contact": {"name": call.contact.name, "company": call.contact.company},
        "goal": call.goal,
        "backup_goal": call.backup_goal,
        "questions": [{"text": q.text, "asked": q.asked} for q in call.questions],
        "notes": [
            {"kind": n.kind.value, "text": n.text, "offset_seconds": n.offset_seconds}
            for n in call.notes
        ],
        "outcome": call.outcome.value if call.outcome else None,
        "next_step": (
            {"what": step.what, "owner": step.owner.value, "date": step.due.isoformat()}
            if step
            else None
        ),
        "started_at": call.started_at.isoformat(),
        "ended_at": call.ended_at.isoformat() if call.ended_at else None,
    }


def to_json(calls: Iterable[Call]) -> str:
    """A JSON array; ``ensure_ascii`` keeps every control character escaped."""
    return json.dumps([call_to_dict(c) for c in calls], indent=2, ensure_ascii=True)
