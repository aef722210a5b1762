"""Research jotted before the call, and turning it into something to verify.

Research can be stale (METHOD rule 4, from 003 "Assume Nothing"): any line can
become a checklist entry ``verify: …`` so it is confirmed on the call.
"""

from __future__ import annotations

import re

from callmate.domain.models import Question, QuestionOrigin, ResearchArea, ResearchLine
from callmate.domain.text import clean_line

AREA_PREFIXES: dict[str, ResearchArea] = {
    prefix: area for area in ResearchArea for prefix in area.prefixes
}
"""``news:``, ``web:``, ``us:`` …: the area a typed word files a line under (from the table)."""
_PREFIX = re.compile(r"^\s*([a-z]+)\s*:\s*(.*)$", re.IGNORECASE | re.DOTALL)
VERIFY = "verify: "


def parse_research_line(text: str, default: ResearchArea) -> ResearchLine | None:
    """``news: Q3 revenue down`` files the line under news; otherwise ``default``."""
    cleaned = clean_line(text)
    area = default
    match = _PREFIX.match(cleaned)
    if match and match.group(1).lower() in AREA_PREFIXES:
        area = AREA_PREFIXES[match.group(1).lower()]
        cleaned = match.group(2).strip()
    if not cleaned:
        return None
    return ResearchLine(area=area, text=cleaned)


def verify_question(line: ResearchLine) -> Question:
    return Question(text=VERIFY + line.text, origin=QuestionOrigin.VERIFY)
