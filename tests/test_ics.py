"""Tests for the .ics export: checked against the independent `icalendar` parser."""

from __future__ import annotations

import os
import time as _time
from datetime import UTC, date, datetime, time, timedelta, timezone

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callmate.domain.ics import clean_text, next_step_event

DUE = date(2026, 12, 4)
STAMP = datetime(2026, 11, 22, 15, 30, 5, tzinfo=UTC)
HOSTILE = "Call back\r\nATTENDEE:mailto:evil@example.com\x1b]52;c;ZXZpbA==\x07 done"


def _expected(text: str) -> str:
    """Independent oracle for the stripping rule: CR/CRLF -> LF, other controls removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        ch
        for ch in text
        if ch in "\n\t"
        or not (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or 0xD800 <= ord(ch) <= 0xDFFF)
    )


def _event(**overrides: object) -> str:
    fields: dict[str, object] = {
        "uid": "step-42@callmate",
        "summary": "Send pricing to Acme",
        "description": "Promised a quote, incl. 3 seats; ask about SSO.",
        "due": DUE,
        "stamp": STAMP,
    }
    fields.update(overrides)
    return next_step_event(**fields)  # type: ignore[arg-type]


def _parse(ics: str):  # type: ignore[no-untyped-def]
    calendar = icalendar.Calendar.from_ical(ics.encode("utf-8"))
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def _assert_wire_format(ics: str) -> None:
    raw = ics.encode("utf-8")
    assert raw.endswith(b"\r\n")
    assert raw.count(b"\r") == raw.count(b"\n") == raw.count(b"\r\n")
    for line in raw.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
        line.decode("utf-8")  # folding never splits a multi-byte character


def test_calendar_and_event_fields() -> None:
    ics = _event(location="Zoom")
    _assert_wire_format(ics)
    calendar, event = _parse(ics)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//callmate//callmate//EN"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert "METHOD" not in calendar  # no ORGANIZER, so no iTIP method
    assert str(event["UID"]) == "step-42@callmate"
    assert str(event["SUMMARY"]) == "Send pricing to Acme"
    assert str(event["DESCRIPTION"]) == "Promised a quote, incl. 3 seats; ask about SSO."
    assert str(event["LOCATION"]) == "Zoom"
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert event.decoded("DTSTART") == DUE
    assert event.decoded("DTEND") == DUE + timedelta(days=1)
    assert event.decoded("DTSTAMP") == STAMP
    (alarm,) = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert str(alarm["DESCRIPTION"]) == "Send pricing to Acme"
    assert alarm.decoded("TRIGGER") == timedelta(hours=9)


def test_exact_wire_lines() -> None:
    lines = _event().split("\r\n")
    assert lines[:5] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//callmate//callmate//EN",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
    ]
    assert "DTSTART;VALUE=DATE:20261204" in lines
    assert "DTEND;VALUE=DATE:20261205" in lines
    assert "DTSTAMP:20261122T153005Z" in lines
    assert "DESCRIPTION:Promised a quote\\, incl. 3 seats\\; ask about SSO." in lines
    assert lines[-2:] == ["END:VCALENDAR", ""]
    assert not any(line.startswith("LOCATION") for line in lines)  # omitted when blank


def test_escaping_on_the_wire() -> None:
    ics = _event(summary="a,b;c\\d\ne")
    assert "SUMMARY:a\\,b\\;c\\\\d\\ne\r\n" in ics


@pytest.mark.parametrize(
    "text",
    [
        "Commas, semicolons; and a backslash \\ too",
        "Line one\nLine two\n\nLine four",
        "Windows\r\nline\rendings",
        "literal \\n is not a newline, nor is \\, or \\;",
        "trailing backslash \\",
        "Emoji 🎉👩🏽‍💻 and accents: café, naïve, Zürich, 日本語",
        "tab\tseparated",
        "x" * 500,
        "é" * 500,
        "🎉" * 200,
        ("Long description, with commas; semicolons\\ and a newline.\n" * 9)[:500],
        "",
        " leading and trailing spaces ",
    ],
)
def test_text_round_trips(text: str) -> None:
    ics = _event(summary=text, description=text, location=text)
    _assert_wire_format(ics)
    _, event = _parse(ics)
    expected = _expected(text)
    assert str(event["SUMMARY"]) == expected
    assert str(event["DESCRIPTION"]) == expected
    if expected.strip():
        assert str(event["LOCATION"]) == expected
    else:
        assert "LOCATION" not in event


def test_hostile_text_cannot_inject_properties() -> None:
    ics = _event(summary=HOSTILE, description=HOSTILE, location=HOSTILE, uid="u1\r\nX-EVIL:1")
    _assert_wire_format(ics)
    assert "\x1b" not in ics and "\x07" not in ics
    assert "\r\nATTENDEE" not in ics and "\r\nX-EVIL" not in ics
    _, event = _parse(ics)
    assert "ATTENDEE" not in event
    assert "X-EVIL" not in event
    expected = "Call back\nATTENDEE:mailto:evil@example.com]52;c;ZXZpbA== done"
    assert str(event["SUMMARY"]) == expected
    assert str(event["DESCRIPTION"]) == expected
    assert str(event["LOCATION"]) == expected
    assert str(event["UID"]) == "u1\nX-EVIL:1"


def test_c1_and_del_are_stripped() -> None:
    assert clean_text("a\x7fb\x85c\x9bd\x00e\x0cf") == "abcdef"
    assert clean_text("keep\ttab\nand newline") == "keep\ttab\nand newline"


def test_long_lines_fold_at_75_octets() -> None:
    ics = _event(description="é" * 100)  # 2-byte characters
    description = ics.split("DESCRIPTION:", 1)[1].split("\r\nTRANSP", 1)[0]
    physical = description.split("\r\n")
    assert len(physical) > 1
    assert all(line.startswith(" ") for line in physical[1:])
    first = ("DESCRIPTION:" + physical[0]).encode("utf-8")
    assert 74 <= len(first) <= 75  # filled as far as a whole character allows


def test_four_byte_characters_are_not_split() -> None:
    ics = _event(summary="a" + "🎉" * 60)  # forces a fold mid-run of 4-byte characters
    _assert_wire_format(ics)
    _, event = _parse(ics)
    assert str(event["SUMMARY"]) == "a" + "🎉" * 60


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        (datetime(2026, 11, 22, 9, 0, 0), "20261122T090000Z"),  # naive: taken as UTC
        (datetime(2026, 11, 22, 9, 0, 0, tzinfo=UTC), "20261122T090000Z"),
        (datetime(2026, 11, 22, 9, 0, 0, tzinfo=timezone(timedelta(hours=-5))), "20261122T140000Z"),
        (datetime(2026, 11, 22, 1, 0, 0, tzinfo=timezone(timedelta(hours=9))), "20261121T160000Z"),
        (datetime(2026, 11, 22, 9, 0, 0, 999999), "20261122T090000Z"),
    ],
)
def test_dtstamp_is_utc(stamp: datetime, expected: str) -> None:
    assert f"\r\nDTSTAMP:{expected}\r\n" in _event(stamp=stamp)


@pytest.mark.parametrize(
    "due", [date(2028, 2, 28), date(2028, 2, 29), date(2026, 12, 31), date(1, 1, 1)]
)
def test_dtend_is_the_next_day(due: date) -> None:
    _, event = _parse(_event(due=due))
    assert event.decoded("DTSTART") == due
    assert event.decoded("DTEND") == due + timedelta(days=1)
    assert f"DTSTART;VALUE=DATE:{due.year:04d}{due.month:02d}{due.day:02d}" in _event(due=due)


def test_blank_summary_still_gives_a_valid_alarm() -> None:
    _, event = _parse(_event(summary=""))
    (alarm,) = event.walk("VALARM")
    assert str(alarm["DESCRIPTION"]) == "Next step"


@pytest.mark.parametrize("uid", ["", "   ", "\x00\x1b"])
def test_empty_uid_is_refused(uid: str) -> None:
    with pytest.raises(ValueError, match="uid"):
        _event(uid=uid)


def test_last_representable_day_is_refused() -> None:
    with pytest.raises(ValueError, match="too late"):
        _event(due=date.max)


@settings(max_examples=300)
@given(summary=st.text(), description=st.text(max_size=600), location=st.text(max_size=80))
def test_arbitrary_text_round_trips(summary: str, description: str, location: str) -> None:
    ics = _event(summary=summary, description=description, location=location)
    _assert_wire_format(ics)
    _, event = _parse(ics)
    assert str(event["SUMMARY"]) == _expected(summary)
    assert str(event["DESCRIPTION"]) == _expected(description)
    if _expected(location).strip():
        assert str(event["LOCATION"]) == _expected(location)
    assert {component.name for component in event.subcomponents} == {"VALARM"}


@given(
    text=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=70),
    width=st.integers(min_value=0, max_value=4),
)
def test_folding_respects_octets_for_any_offset(text: str, width: int) -> None:
    ics = _event(summary="a" * width + text)
    _assert_wire_format(ics)


def test_lone_surrogates_are_dropped_not_crashed_on() -> None:
    _, event = _parse(_event(summary="a\ud800b\udfffc"))
    assert str(event["SUMMARY"]) == "abc"


def test_all_day_event_has_sequence_zero_and_no_time() -> None:
    _calendar, event = _parse(_event())
    assert event.decoded("DTSTART") == DUE and not isinstance(event.decoded("DTSTART"), datetime)
    assert int(event["SEQUENCE"]) == 0


def test_a_time_of_day_makes_a_timed_event_in_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """15:00 in Berlin (UTC+1 in December) is 14:00Z; 45 minutes long; no TZID to resolve."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    _time.tzset()
    try:
        ics = _event(due=date(2026, 12, 3), at=time(15, 0), minutes=45, sequence=2)
    finally:
        monkeypatch.setenv("TZ", "UTC")
        _time.tzset()
    assert os.environ["TZ"] == "UTC"
    _assert_wire_format(ics)
    lines = ics.split("\r\n")
    assert "DTSTART:20261203T140000Z" in lines and "DTEND:20261203T144500Z" in lines
    assert not any("TZID" in line for line in lines)
    _calendar, event = _parse(ics)
    assert event.decoded("DTSTART") == datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=45)
    assert int(event["SEQUENCE"]) == 2
    assert str(event["TRANSP"]) == "OPAQUE"
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=10)


def test_an_event_must_last() -> None:
    with pytest.raises(ValueError, match="at least a minute"):
        _event(at=time(9, 0), minutes=0)
