"""How much fits: every limit on what a user or a file can put into callmate.

All in one place, and light (no pydantic): the input fields read
:data:`ONE_LINE_MAX` before anything heavy is loaded.

Where each applies:

* **Typing and pasting** (``widgets/text_field.py``): a one-line field holds
  :data:`ONE_LINE_MAX` characters; what doesn't fit is not taken, and the
  field says so.
* **The domain models** (``domain/models.py``): a longer value (from an older
  callmate's database, or text built from other text such as ``verify: …``)
  is cut to fit, ending in ``…``, never refused: a screen must not crash on it.
  Offsets are kept within 0 .. :data:`OFFSET_MAX_SECONDS`.
* **Import** (``domain/importer.py``): a file is checked strictly; a value
  past any limit here is refused with its path (``[3].goal: too long ...``).
"""

from __future__ import annotations

ONE_LINE_MAX = 500
"""Characters in a one-line field: a name, company, goal, backup goal,
question, research line, next step, reason, owner, recap subject.

Longer than any sentence a salesperson writes there; short enough that a
pasted page can't push the live call's notes off the screen or slow every
screen that shows the field.
"""

TEXT_MAX = 1_000_000
"""Characters in a note, a recap body or a signature: a pasted email is one note."""

OFFSET_MAX_SECONDS = 366 * 24 * 3600
"""How far into a call a note can be (and how long it can be on hold): a call
left open can be resumed weeks later, and its notes count from its start."""

PAUSED_MAX_SECONDS = OFFSET_MAX_SECONDS
"""Time on hold, at most."""

EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
"""Dates and times (in UTC) outside these years are refused on import: adding
an offset or converting a time zone then never runs off the calendar."""

ID_MAX = 2**63 - 1
"""The largest id SQLite can store."""
