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
