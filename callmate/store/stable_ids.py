"""Stable ids: a UUID for every call, note and contact (issue 19, migration 13).

Row ids are per database; a UUID names the same call in every database it is
copied to, so an import can tell a call it already holds (and add nothing)
from a new one, and histories can merge without collisions.

New ones are time-ordered (the layout of UUID version 7: 48 bits of Unix
milliseconds, then 74 random bits), so rows written one after another land
side by side in the unique index instead of at random places in it. The
random bits come from :mod:`random`'s shared generator (seeded from the
system's entropy, and again in a forked child): a UUID needs to be unique,
not secret, and this costs ~1 µs where ``os.urandom`` costs several.
"""

from __future__ import annotations

import re
import time

TYPE_CHECKING = False  # not typing's: every start imports this module (migrations), typing ~9 ms
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from datetime import datetime
    from typing import Any

    from callmate.domain.models import Call

_VERSION_7 = 0x7 << 76
_VARIANT = 0x2 << 62
_RANDOM = (1 << 80) - 1 & ~(0xF << 76) & ~(0x3 << 62)

UUID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
"""A UUID as callmate stores and exports it: 36 characters, lowercase hex."""


def new_uuid() -> str:
    import random  # here: the migrations read SQLITE_NEW_UUID on every start, random is ~3 ms

    value = (
        (time.time_ns() // 1_000_000) << 80
        | random.getrandbits(80) & _RANDOM
        | _VERSION_7
        | _VARIANT
    )
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


SQLITE_NEW_UUID = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4'"
    " || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1)"
    " || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
)
"""A random UUID (version 4) made by SQLite itself: for the rows that were there
before migration 13, and for a row some other writer inserts without one."""


# -- ids derived from content: a file exported before uuids (issue 19) ----------
_DERIVED = "5e0c5c1e-7a1d-4c1b-9f0e-6ca11a7e0019"
"""The namespace of :func:`derived` (uuid5): fixed for good, since changing it
would make an old file's second import add its calls again."""


def derived(kind: str, *parts: str) -> str:
    """The UUID (version 5) of ``kind`` and ``parts``: the same parts give the same
    id on every machine and in every run."""
    import uuid  # here: not on the start-up path (the migrations import this module)

    return str(uuid.uuid5(uuid.UUID(_DERIVED), "\x1f".join((kind, *parts))))


def _moment(moment: datetime) -> str:
    """A moment in one canonical form: UTC, microseconds (naive read as UTC)."""
    from datetime import UTC

    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds")


def with_stable_ids(calls: Iterable[Call]) -> Iterator[Call]:
    """``calls`` (an import, as it streams), each call, note and contact that came
    without a uuid (a JSON export made before them) given one derived from its
    content, so the same file imported twice adds nothing the second time, on
    SQLite and on the team database alike:

    * a contact: its name and company (case aside: contacts are matched so);
    * a call: its contact's name and company and the moment it started, and,
      for the n-th call of one file with the same three (n > 1), n too;
    * a note: its call's uuid, its position among the call's notes and its text.

    Calls that have them all (every export since migration 13, every push) pass
    through unchanged and uncopied.
    """
    seen: dict[str, int] = {}  # derived call ids so far in this run: a twin gets #n
    for call in calls:
        if (
            call.uuid is not None
            and call.contact.uuid is not None
            and all(note.uuid is not None for note in call.notes)
        ):
            yield call
            continue
        yield _stable(call, seen)


def _stable(call: Call, seen: dict[str, int]) -> Call:
    contact = call.contact
    changes: dict[str, Any] = {}
    if contact.uuid is None:
        changes["contact"] = contact.model_copy(
            update={"uuid": derived("contact", contact.name.lower(), contact.company.lower())}
        )
    call_uuid = call.uuid
    if call_uuid is None:
        key = derived("call", contact.name, contact.company, _moment(call.started_at))
        seen[key] = count = seen.get(key, 0) + 1
        call_uuid = key if count == 1 else derived("call", key, str(count))
        changes["uuid"] = call_uuid
    if any(note.uuid is None for note in call.notes):
        changes["notes"] = [
            note
            if note.uuid is not None
            else note.model_copy(update={"uuid": derived("note", call_uuid, str(i), note.text)})
            for i, note in enumerate(call.notes)
        ]
    return call.model_copy(update=changes)
