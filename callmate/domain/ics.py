"""RFC 5545 (iCalendar) export of a call's next step, written by hand with the stdlib.

A next step with only a day becomes one all-day, "free" (TRANSP:TRANSPARENT) event that
any calendar app can import, with a reminder at 09:00 on the day. One with a time of day
becomes a timed, busy event of ``minutes`` (a setting, 30 by default) with a reminder ten
minutes before. Its local time is converted to UTC (``DTSTART:20261203T140000Z``): RFC
5545 requires a VTIMEZONE for every TZID, and UTC needs none, so every calendar shows the
same moment in its own zone.

``SEQUENCE`` is how many times the step has been moved: a calendar that imports the file
again replaces its copy instead of adding a second event. There is no ``METHOD``: that
belongs to scheduling messages (iTIP), which need an ``ORGANIZER``.

User text is untrusted: control characters are stripped and the rest is escaped per
RFC 5545 §3.3.11, so a note containing ``\\r\\nATTENDEE:...`` stays inside its own
property instead of adding one, and terminal escape sequences never reach a file.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

__all__ = ["clean_text", "next_step_event"]

PRODID = "-//callmate//callmate//EN"
MAX_LINE_OCTETS = 75

# C0 controls except TAB and LF, DEL, C1 controls, and lone surrogates (not encodable).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(text: str) -> str:
    """User text with line endings unified to LF and every other control character removed.

    CRLF and lone CR become LF first, so notes pasted from Windows keep their line breaks.
    """
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _escape(text: str) -> str:
    """A TEXT value per RFC 5545 §3.3.11 (backslash first, so escapes aren't doubled)."""
    return (
        clean_text(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold one content line at 75 octets of UTF-8, never inside a character; adds CRLF."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > MAX_LINE_OCTETS:
            pieces.append("".join(current))
            current, size = [" "], 1  # a continuation line starts with one space
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n".join(pieces) + "\r\n"


def _utc_stamp(stamp: datetime) -> str:
    """DTSTAMP form ``YYYYMMDDTHHMMSSZ``; naive datetimes are taken to be UTC already."""
    if stamp.tzinfo is not None and stamp.utcoffset() is not None:
        stamp = stamp.astimezone(UTC)
    return (
        f"{stamp.year:04d}{stamp.month:02d}{stamp.day:02d}"
        f"T{stamp.hour:02d}{stamp.minute:02d}{stamp.second:02d}Z"
    )


def _ical_date(d: date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def next_step_event(
    *,
    uid: str,
    summary: str,
    description: str,
    due: date,
    stamp: datetime,
    location: str = "",
    at: time | None = None,
    minutes: int = 30,
    sequence: int = 0,
) -> str:
    """A complete VCALENDAR holding one VEVENT on `due`, with CRLF line endings.

    All-day without `at`; with it, `minutes` long from `at` on `due` in the local
    time zone, written in UTC. `sequence` is the event's revision (times moved).

    Raises ValueError if `uid` is empty after cleaning or `due` is the last representable day
    (an all-day event's DTEND is the following day), or `minutes` is not positive.
    """
    if isinstance(due, datetime):
        due = due.date()
    uid_value = _escape(uid).strip()
    if not uid_value:
        raise ValueError("uid must not be empty")
    if minutes < 1:
        raise ValueError("an event lasts at least a minute")
    try:
        if at is None:
            span = [
                f"DTSTART;VALUE=DATE:{_ical_date(due)}",
                f"DTEND;VALUE=DATE:{_ical_date(due + timedelta(days=1))}",
            ]
        else:
            # A naive datetime's astimezone() reads it in the local zone (TZ, /etc/localtime).
            start = datetime.combine(due, at.replace(tzinfo=None)).astimezone(UTC)
            end = start + timedelta(minutes=minutes)
            span = [f"DTSTART:{_utc_stamp(start)}", f"DTEND:{_utc_stamp(end)}"]
    except (OverflowError, ValueError):
        raise ValueError(f"{due.isoformat()} is too late for a calendar entry") from None

    summary_value = _escape(summary)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        f"UID:{uid_value}",
        f"DTSTAMP:{_utc_stamp(stamp)}",
        *span,
        f"SEQUENCE:{max(0, sequence)}",
        f"SUMMARY:{summary_value}",
        f"DESCRIPTION:{_escape(description)}",
    ]
    location_value = _escape(location)
    if location_value.strip():
        lines.append(f"LOCATION:{location_value}")
    lines += [
        "TRANSP:TRANSPARENT" if at is None else "TRANSP:OPAQUE",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        # A DISPLAY alarm must carry a DESCRIPTION; fall back when the summary is blank.
        f"DESCRIPTION:{summary_value if summary_value.strip() else 'Next step'}",
        # All day: relative to the start (local midnight), 09:00 on the day itself.
        # Timed: ten minutes before.
        "TRIGGER;RELATED=START:PT9H" if at is None else "TRIGGER;RELATED=START:-PT10M",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) for line in lines)
