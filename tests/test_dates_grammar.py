"""The grown date grammar of issue 14: one table per family, refusals, and properties.

Fixed todays cover the awkward spots: a Sunday (22 Nov 2026), a month end that
is a Monday (30 Nov 2026), a year end and 31st (Thu 31 Dec 2026), a 31st on a
Saturday (31 Jan 2026), a leap day (Tue 29 Feb 2028) and a quarter end (Wed 30
Sep 2026).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callmate.domain import dates
from callmate.domain.dates import (
    EXAMPLES,
    DateParseError,
    When,
    describe,
    format_date,
    format_when,
    parse_date,
    parse_when,
)

D = date
T = time
SUN = D(2026, 11, 22)  # Sunday
MON_EOM = D(2026, 11, 30)  # Monday, last day of November
YEAR_END = D(2026, 12, 31)  # Thursday
SAT_31 = D(2026, 1, 31)  # Saturday
LEAP = D(2028, 2, 29)  # Tuesday
QUARTER_END = D(2026, 9, 30)  # Wednesday
TEN_AM = T(10, 0)
FULL = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# (today, input, expected day) per family; no time of day in these.
FAMILIES: dict[str, list[tuple[date, str, date]]] = {
    "number words": [
        (SUN, "in two weeks", D(2026, 12, 6)),
        (SUN, "in seven days", D(2026, 11, 29)),
        (SUN, "in eleven days", D(2026, 12, 3)),
        (SUN, "in twelve days", D(2026, 12, 4)),
        (SUN, "two weeks", D(2026, 12, 6)),
        (SUN, "in three months", D(2027, 2, 22)),
        (SUN, "in 2 weeks' time", D(2026, 12, 6)),
        (SUN, "in two weeks time", D(2026, 12, 6)),
        (SAT_31, "in one month", D(2026, 2, 28)),
        (LEAP, "in four years", D(2032, 2, 29)),
        (LEAP, "in a year", D(2029, 2, 28)),
    ],
    "from now, later, after, from a day": [
        (SUN, "3 days from now", D(2026, 11, 25)),
        (SUN, "three days from now", D(2026, 11, 25)),
        (SUN, "2 weeks later", D(2026, 12, 6)),
        (SUN, "after 3 days", D(2026, 11, 25)),
        (SUN, "after two weeks", D(2026, 12, 6)),
        (SUN, "a week from friday", D(2026, 12, 4)),
        (SUN, "a week from today", D(2026, 11, 29)),
        (SUN, "a month from now", D(2026, 12, 22)),
        (SUN, "two days after tomorrow", D(2026, 11, 25)),
        (SUN, "3 days before dec 24", D(2026, 12, 21)),
        (SUN, "2 days after eom", D(2026, 12, 2)),
        (YEAR_END, "a week from tomorrow", D(2027, 1, 8)),
        (SAT_31, "a month from today", D(2026, 2, 28)),
    ],
    "weekday week, fortnight": [
        (SUN, "tuesday week", D(2026, 12, 1)),
        (SUN, "fri next week", D(2026, 11, 27)),  # Sunday: next week starts tomorrow
        (SUN, "fri this week", D(2026, 11, 27)),  # passed: same as plain fri
        (D(2026, 11, 25), "fri next week", D(2026, 12, 4)),
        (D(2026, 11, 25), "fri this week", D(2026, 11, 27)),
        (SUN, "fri week", D(2026, 12, 4)),
        (SUN, "sun week", D(2026, 12, 6)),  # plain sun is a week away on a Sunday
        (SUN, "fri fortnight", D(2026, 12, 11)),
        (SUN, "fortnight", D(2026, 12, 6)),
        (SUN, "in a fortnight", D(2026, 12, 6)),
        (SUN, "a fortnight from fri", D(2026, 12, 11)),
        (YEAR_END, "thu week", D(2027, 1, 14)),
        (LEAP, "in a fortnight", D(2028, 3, 14)),
    ],
    "day after tomorrow, next day": [
        (SUN, "day after tomorrow", D(2026, 11, 24)),
        (SUN, "the day after tomorrow", D(2026, 11, 24)),
        (SUN, "next day", D(2026, 11, 23)),
        (SUN, "day before yesterday", D(2026, 11, 20)),
        (YEAR_END, "day after tomorrow", D(2027, 1, 2)),
        (YEAR_END, "next day", D(2027, 1, 1)),
        (D(2028, 2, 28), "day after tomorrow", D(2028, 3, 1)),
    ],
    "on, by, before": [
        (SUN, "on fri", D(2026, 11, 27)),
        (SUN, "by fri", D(2026, 11, 27)),
        (SUN, "before fri", D(2026, 11, 26)),
        (SUN, "by eom", D(2026, 11, 30)),
        (SUN, "on the 15th", D(2026, 12, 15)),
        (SUN, "before dec 3", D(2026, 12, 2)),
        (SUN, "On Fri 4 Dec 2026", D(2026, 12, 4)),
        (YEAR_END, "before jan 1", D(2026, 12, 31)),
        (LEAP, "before mar 1", D(2028, 2, 29)),
    ],
    "bare month": [
        (SUN, "jan", D(2027, 1, 1)),
        (SUN, "december", D(2026, 12, 1)),
        (SUN, "nov", D(2027, 11, 1)),  # this November began already
        (D(2026, 11, 1), "nov", D(2026, 11, 1)),  # today included
        (SUN, "dec 2027", D(2027, 12, 1)),
        (SUN, "sept", D(2027, 9, 1)),
        (LEAP, "feb", D(2029, 2, 1)),
        (LEAP, "mar", D(2028, 3, 1)),
        (YEAR_END, "dec", D(2027, 12, 1)),
    ],
    "start, mid, end": [
        (SUN, "end of next week", D(2026, 11, 27)),  # Sunday: next week starts tomorrow
        (SUN, "start of next week", D(2026, 11, 23)),
        (SUN, "beginning of next month", D(2026, 12, 1)),
        (SUN, "end of next month", D(2026, 12, 31)),
        (SUN, "mid next month", D(2026, 12, 15)),
        (SUN, "mid december", D(2026, 12, 15)),
        (SUN, "mid-december", D(2026, 12, 15)),
        (SUN, "middle of december", D(2026, 12, 15)),
        (SUN, "start of december", D(2026, 12, 1)),
        (SUN, "end of december", D(2026, 12, 31)),
        (SUN, "end of dec 2027", D(2027, 12, 31)),
        (SUN, "mid november", D(2027, 11, 15)),  # passed: next year's
        (SUN, "end of november", D(2026, 11, 30)),
        (SUN, "start of q2", D(2027, 4, 1)),
        (SUN, "end of q1", D(2027, 3, 31)),
        (SUN, "end of q4", D(2026, 12, 31)),
        (SUN, "mid month", D(2026, 12, 15)),
        (SUN, "midweek", D(2026, 11, 25)),
        (SUN, "end of the year", D(2026, 12, 31)),
        (SUN, "end of next year", D(2027, 12, 31)),
        (SUN, "start of next year", D(2027, 1, 1)),
        (SUN, "end of this month", D(2026, 11, 30)),
        (SUN, "start of this month", D(2026, 11, 1)),  # literal, even though passed
        (SUN, "end of this week", D(2026, 11, 20)),  # literal, even though passed
        (MON_EOM, "end of month", D(2026, 11, 30)),
        (MON_EOM, "end of next month", D(2026, 12, 31)),
        (MON_EOM, "midweek", D(2026, 12, 2)),
        (MON_EOM, "end of next week", D(2026, 12, 11)),
        (SAT_31, "end of next month", D(2026, 2, 28)),
        (SAT_31, "beginning of next month", D(2026, 2, 1)),
        (SAT_31, "end of week", D(2026, 2, 6)),  # Saturday: next Friday
        (SAT_31, "end of next week", D(2026, 2, 6)),
        (SAT_31, "mid february", D(2026, 2, 15)),
        (LEAP, "end of month", D(2028, 2, 29)),
        (LEAP, "end of q1", D(2028, 3, 31)),
        (LEAP, "end of next month", D(2028, 3, 31)),
        (LEAP, "end of february", D(2028, 2, 29)),
        (D(2028, 3, 1), "end of february", D(2029, 2, 28)),
        (YEAR_END, "end of december", D(2026, 12, 31)),
        (YEAR_END, "mid december", D(2027, 12, 15)),
    ],
    "quarters": [
        (SUN, "q1", D(2027, 1, 1)),
        (SUN, "q4", D(2027, 10, 1)),
        (SUN, "q2 2027", D(2027, 4, 1)),
        (SUN, "end of q3 2027", D(2027, 9, 30)),
        (SUN, "end of quarter", D(2026, 12, 31)),
        (SUN, "end of the quarter", D(2026, 12, 31)),
        (SUN, "eoq", D(2026, 12, 31)),
        (SUN, "soq", D(2027, 1, 1)),
        (SUN, "next quarter", D(2027, 1, 1)),
        (SUN, "end of next quarter", D(2027, 3, 31)),
        (QUARTER_END, "eoq", D(2026, 9, 30)),
        (QUARTER_END, "soq", D(2026, 10, 1)),
        (QUARTER_END, "next quarter", D(2026, 10, 1)),
        (QUARTER_END, "end of next quarter", D(2026, 12, 31)),
        (QUARTER_END, "q3", D(2027, 7, 1)),
        (D(2026, 10, 1), "soq", D(2026, 10, 1)),  # today included
        (D(2026, 10, 1), "q4", D(2026, 10, 1)),
        (YEAR_END, "eoq", D(2026, 12, 31)),
        (YEAR_END, "soq", D(2027, 1, 1)),
        (YEAR_END, "end of q4", D(2026, 12, 31)),
        (LEAP, "eoq", D(2028, 3, 31)),
    ],
    "named dates (Taskwarrior)": [
        (SUN, "sow", D(2026, 11, 23)),
        (SUN, "soww", D(2026, 11, 23)),
        (SUN, "eoww", D(2026, 11, 27)),
        (SUN, "som", D(2026, 12, 1)),
        (SUN, "soy", D(2027, 1, 1)),
        (SUN, "eocm", D(2026, 11, 30)),
        (D(2026, 11, 23), "sow", D(2026, 11, 23)),  # a Monday: today included
        (D(2026, 11, 1), "som", D(2026, 11, 1)),
        (YEAR_END, "sow", D(2027, 1, 4)),
        (YEAR_END, "som", D(2027, 1, 1)),
        (YEAR_END, "soy", D(2027, 1, 1)),
        (YEAR_END, "eoy", D(2026, 12, 31)),
        (YEAR_END, "eow", D(2027, 1, 1)),
        (LEAP, "eocm", D(2028, 2, 29)),
    ],
    "compact ISO and ISO weeks": [
        (SUN, "20261203", D(2026, 12, 3)),
        (SUN, "20280229", D(2028, 2, 29)),
        (SUN, "2026-W49", D(2026, 11, 30)),
        (SUN, "2026w49", D(2026, 11, 30)),
        (SUN, "2026-W49-5", D(2026, 12, 4)),
        (SUN, "2026-W53", D(2026, 12, 28)),  # 2026 has 53 ISO weeks
        (SUN, "2027-W01", D(2027, 1, 4)),
        (SUN, "2026-W48-7", D(2026, 11, 29)),
        (YEAR_END, "2027-W01-1", D(2027, 1, 4)),
    ],
    "weekday before an exact date": [
        (SUN, "Fri 4 Dec 2026", D(2026, 12, 4)),
        (SUN, "fri dec 4", D(2026, 12, 4)),
        (SUN, "Friday, 4 December", D(2026, 12, 4)),
        (SUN, "fri the 4th", D(2026, 12, 4)),
        (SUN, "thu 2026-12-03", D(2026, 12, 3)),
        (SUN, "thu 20261203", D(2026, 12, 3)),
        (SUN, "mon 2026-W49", D(2026, 11, 30)),
        (SUN, "Sun 22 Nov 2026", D(2026, 11, 22)),
        (LEAP, "tue 29 feb 2028", D(2028, 2, 29)),
        (LEAP, "fri 3 mar", D(2028, 3, 3)),
        (YEAR_END, "fri 1 jan", D(2027, 1, 1)),
    ],
    "business days": [
        (SUN, "next business day", D(2026, 11, 23)),
        (SUN, "next working day", D(2026, 11, 23)),
        (SUN, "in 1 business day", D(2026, 11, 23)),
        (SUN, "in 10 business days", D(2026, 12, 4)),
        (SUN, "in five working days", D(2026, 11, 27)),
        (SUN, "2 business days from fri", D(2026, 12, 1)),
        (SUN, "2 business days before fri", D(2026, 11, 25)),
        (SUN, "in 0 business days", D(2026, 11, 22)),
        (D(2026, 11, 27), "next business day", D(2026, 11, 30)),  # a Friday
        (D(2026, 11, 26), "in 2 business days", D(2026, 11, 30)),
        (SAT_31, "next business day", D(2026, 2, 2)),
        (SAT_31, "in 5 business days", D(2026, 2, 6)),
        (YEAR_END, "next business day", D(2027, 1, 1)),  # holidays are not known
        (YEAR_END, "in 2 business days", D(2027, 1, 4)),
        (LEAP, "in 5 business days", D(2028, 3, 7)),
    ],
}
FAMILY_ROWS = [
    pytest.param(today, text, expected, id=f"{family}: {text} @ {today}")
    for family, rows in FAMILIES.items()
    for today, text, expected in rows
]


@pytest.mark.parametrize(("today", "text", "expected"), FAMILY_ROWS)
def test_family_table(today: date, text: str, expected: date) -> None:
    assert parse_when(text, today, TEN_AM) == When(expected, None)
    assert parse_date(text, today) == expected


# (today, input, day, time); now is 10:00 on today.
TIMED: list[tuple[date, str, date, time]] = [
    (SUN, "fri 3pm", D(2026, 11, 27), T(15)),
    (SUN, "3pm fri", D(2026, 11, 27), T(15)),
    (SUN, "3pm on fri", D(2026, 11, 27), T(15)),
    (SUN, "fri at 3pm", D(2026, 11, 27), T(15)),
    (SUN, "at 3pm on fri", D(2026, 11, 27), T(15)),
    (SUN, "on fri at 3pm", D(2026, 11, 27), T(15)),
    (SUN, "by fri 3pm", D(2026, 11, 27), T(15)),
    (SUN, "Thursday 3PM", D(2026, 11, 26), T(15)),
    (SUN, "fri 3 pm", D(2026, 11, 27), T(15)),
    (SUN, "fri 3:30pm", D(2026, 11, 27), T(15, 30)),
    (SUN, "fri 3:30 pm", D(2026, 11, 27), T(15, 30)),
    (SUN, "fri 3.30 p.m.", D(2026, 11, 27), T(15, 30)),
    (SUN, "fri 10am", D(2026, 11, 27), T(10)),
    (SUN, "fri 15:00", D(2026, 11, 27), T(15)),
    (SUN, "fri at 9", D(2026, 11, 27), T(9)),
    (SUN, "fri at 14", D(2026, 11, 27), T(14)),
    (SUN, "friday at 09:30", D(2026, 11, 27), T(9, 30)),
    (SUN, "tomorrow at 03:00", D(2026, 11, 23), T(3)),
    (SUN, "tomorrow at 0:30", D(2026, 11, 23), T(0, 30)),
    (SUN, "tomorrow 12am", D(2026, 11, 23), T(0)),
    (SUN, "tomorrow 12pm", D(2026, 11, 23), T(12)),
    (SUN, "tomorrow 12:30am", D(2026, 11, 23), T(0, 30)),
    (SUN, "tomorrow at 12", D(2026, 11, 23), T(12)),
    (SUN, "tomorrow noon", D(2026, 11, 23), T(12)),
    (SUN, "tomorrow @ 9am", D(2026, 11, 23), T(9)),
    (SUN, "tomorrow @9:30", D(2026, 11, 23), T(9, 30)),
    (SUN, "noon tomorrow", D(2026, 11, 23), T(12)),
    (SUN, "tomorrow at noon", D(2026, 11, 23), T(12)),
    (SUN, "tomorrow midday", D(2026, 11, 23), T(12)),
    (SUN, "tomorrow morning", D(2026, 11, 23), T(9)),
    (SUN, "tomorrow in the morning", D(2026, 11, 23), T(9)),
    (SUN, "monday afternoon", D(2026, 11, 23), T(14)),
    (SUN, "eod fri", D(2026, 11, 27), T(17)),
    (SUN, "fri eod", D(2026, 11, 27), T(17)),
    (SUN, "by eod fri", D(2026, 11, 27), T(17)),
    (SUN, "fri end of day", D(2026, 11, 27), T(17)),
    (SUN, "fri cob", D(2026, 11, 27), T(17)),
    (SUN, "sod tomorrow", D(2026, 11, 23), T(9)),
    (SUN, "first thing tomorrow", D(2026, 11, 23), T(9)),
    (SUN, "monday first thing", D(2026, 11, 23), T(9)),
    (SUN, "in 3 days at 9", D(2026, 11, 25), T(9)),
    (SUN, "at 9 in 3 days", D(2026, 11, 25), T(9)),
    (SUN, "dec 3 at 3pm", D(2026, 12, 3), T(15)),
    (SUN, "dec at 3pm", D(2026, 12, 1), T(15)),
    (SUN, "3 dec 2026 15:00", D(2026, 12, 3), T(15)),
    (SUN, "2026-12-03 15:00", D(2026, 12, 3), T(15)),
    (SUN, "Thu 3 Dec 2026 at 15:00", D(2026, 12, 3), T(15)),
    (SUN, "the 15th at 11:45", D(2026, 12, 15), T(11, 45)),
    (SUN, "end of next month 4pm", D(2026, 12, 31), T(16)),
    (SUN, "next business day 9am", D(2026, 11, 23), T(9)),
    (YEAR_END, "tomorrow 9am", D(2027, 1, 1), T(9)),
    (LEAP, "today 23:59", D(2028, 2, 29), T(23, 59)),
    # a time alone is today, not yet passed at 10:00
    (SUN, "3pm", SUN, T(15)),
    (SUN, "15:00", SUN, T(15)),
    (SUN, "at 10", SUN, T(10)),  # this very minute counts
    (SUN, "at 10:00am", SUN, T(10)),
    (SUN, "noon", SUN, T(12)),
    (SUN, "afternoon", SUN, T(14)),
    (SUN, "this afternoon", SUN, T(14)),
    (SUN, "eod", SUN, T(17)),
    (SUN, "end of the day", SUN, T(17)),
    (SUN, "by eod", SUN, T(17)),
    (SUN, "on 3pm", SUN, T(15)),
]


@pytest.mark.parametrize(("today", "text", "day", "at"), TIMED)
def test_time_of_day(today: date, text: str, day: date, at: time) -> None:
    assert parse_when(text, today, TEN_AM) == When(day, at)
    assert parse_when(text, datetime.combine(today, TEN_AM)) == When(day, at)
    assert parse_date(text, today) == day


def test_a_time_alone_that_has_passed_is_refused() -> None:
    now = datetime(2026, 11, 22, 16, 0, 30)
    for text in ("3pm", "15:00", "afternoon", "morning", "at 9", "noon"):
        with pytest.raises(DateParseError, match="today has passed"):
            parse_when(text, now)
        with pytest.raises(DateParseError, match="today has passed"):
            parse_date(text, now)
    assert parse_when("4pm", now) == When(SUN, T(16))  # the current minute
    assert parse_when("eod", now) == When(SUN, T(17))
    assert parse_when("today 3pm", now) == When(SUN, T(15))  # said outright: the caller's call
    assert parse_when("tomorrow 3pm", now) == When(D(2026, 11, 23), T(15))
    with pytest.raises(DateParseError) as caught:
        parse_when("3pm", now)
    assert "write tomorrow 3pm" in str(caught.value)


def test_without_a_current_time_a_time_alone_is_today() -> None:
    assert parse_when("3am", SUN) == When(SUN, T(3))
    assert parse_date("3am", SUN) == SUN


def test_when_is_small_and_frozen() -> None:
    when = parse_when("fri 3pm", SUN)
    assert (when.date, when.time) == (D(2026, 11, 27), T(15))
    assert str(when) == "Fri 27 Nov 2026 at 15:00"
    with pytest.raises(AttributeError):
        when.date = SUN  # type: ignore[misc]
    assert parse_when("fri", SUN).time is None


# ---------------------------------------------------------------- refusals

REFUSED: list[tuple[str, str]] = [
    ("12/03", "2026-12-03"),
    ("12/03/2026", "2026-12-03"),
    ("12-03", "day/month or month/day"),
    ("3.12.2026", "day/month or month/day"),
    ("later", "isn't a day"),
    ("someday", "isn't a day"),
    ("soon", "isn't a day"),
    ("asap", "isn't a day"),
    ("by later", "isn't a day"),
    ("after the holidays", "jan 5"),
    ("before the holidays", "jan 5"),
    ("a few days", "Say how many"),
    ("in a couple of weeks", "Say how many"),
    ("weekend", "sat, sun"),
    ("this weekend", "sat, sun"),
    ("early dec", "start of dec"),
    ("late december", "end of dec"),
    ("midnight", "tomorrow 9am"),
    ("tonight", "between two days"),
    ("in 2 hours", "give the time itself"),
    ("in an hour", "give the time itself"),
    ("30 mins from now", "give the time itself"),
    ("mid q2", "no one middle day"),
    ("mid year", "no one middle day"),
    ("middle of next quarter", "no one middle day"),
    ("this week", "end of week"),
    ("week", "end of week"),
    ("this month", "end of month"),
    ("next fortnight", "Can't read"),
    ("dec 3pm", "dec 3 at 3pm"),
    ("may 10 am", "day or a time"),
    ("at 3", "3pm, 3am or 03:00"),
    ("fri at 7", "7pm"),
    ("3:30", "3pm, 3am or 03:30"),
    ("13pm", "12-hour clock"),
    ("0am", "12-hour clock"),
    ("3:75pm", "12-hour clock"),
    ("25:00", "00:00 to 23:59"),
    ("12:60", "00:00 to 23:59"),
    ("fri at 24", "00:00 to 23:59"),
    ("before fri 3pm", "'before' a time"),
    ("before 3pm", "'before' a time"),
    ("Mon 4 Dec 2026", "4 Dec 2026 is a Friday, not a Monday"),
    ("mon dec 4", "is a Friday, not a Monday"),
    ("sat 2026-W49", "30 Nov 2026 is a Monday, not a Saturday"),
    ("2026-W54", "isn't a real ISO week"),
    ("2027-W53", "isn't a real ISO week"),
    ("2026-W00", "isn't a real ISO week"),
    ("20261301", "isn't a real date"),
    ("20260230", "isn't a real date"),
    ("jan 1 2020", "more than a year ago"),
    ("2025-11-21", "more than a year ago"),
    ("in thirteen days", "Can't read"),
    ("and", "Can't read"),
    ("ad", "Can't read"),
    ("fri at", "Can't read"),
    ("at", "Can't read"),
    ("on", "Can't read"),
    ("before", "Can't read"),
    ("3pm 4pm", "Can't read"),
    ("mon fri", "Can't read"),
    ("fri week week", "Can't read"),
    ("end of", "Can't read"),
    ("a week from", "Can't read"),
    ("a week from now from now", "Can't read"),
    ("q5", "Can't read"),
    ("q1 0000", "out of range"),
    ("q1 10000", "Can't read"),
    ("end of dec 0000", "out of range"),
    ("9999-W52 week", "Can't read"),
]


@pytest.mark.parametrize(("text", "fragment"), REFUSED)
def test_refused_with_a_suggestion(text: str, fragment: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_when(text, SUN, TEN_AM)
    message = str(caught.value)
    assert fragment in message
    assert any(example in message for example in EXAMPLES)
    assert message.isprintable()


@pytest.mark.parametrize(
    ("today", "text"),
    [
        (D(9999, 12, 31), "soy"),
        (D(9999, 12, 31), "next quarter"),
        (D(9999, 12, 31), "q1"),
        (D(9999, 12, 31), "next business day"),
        (D(9999, 12, 31), "fri week"),
        (D(9999, 12, 31), "a week from fri"),
        (D(9999, 12, 27), "end of next week"),
        (D(9999, 12, 31), "day after tomorrow"),
        (D(1, 1, 1), "before today"),
        (D(1, 1, 1), "2 business days before today"),
        (SUN, "in 99999999999 business days"),
        (SUN, "99999 years from now"),
    ],
)
def test_out_of_range_is_a_parse_error(today: date, text: str) -> None:
    with pytest.raises(DateParseError, match="too far"):
        parse_when(text, today)


# ---------------------------------------------------------------- one meaning each


def _day_phrase(text: str) -> str | None:
    dates._rules()
    phrase = dates._normalise(text)
    lead, _, rest = phrase.partition(" ")
    if rest and lead in ("on", "by", "before"):
        phrase = rest
    day, _at = dates._split_time(phrase, text)
    return day


ACCEPTED = [text for rows in FAMILIES.values() for _, text, _ in rows] + [
    text for _, text, _, _ in TIMED
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_each_accepted_phrase_is_read_by_exactly_one_rule(text: str) -> None:
    day = _day_phrase(text)
    if day is None:
        return  # a time alone: today
    day = dates._ALIASES.get(day, day)
    readers = [day in dates._KEYWORDS]
    readers += [pattern.fullmatch(day) is not None for pattern, _ in dates._rules()]
    assert sum(readers) == 1, day


def test_every_family_is_in_the_readme_and_the_docstring() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    doc = dates.__doc__ or ""
    for phrase in (
        "in two weeks",
        "a week from fri",
        "fri week",
        "day after tomorrow",
        "before fri",
        "`dec`",
        "mid",
        "q1",
        "eoq",
        "soww",
        "eocm",
        "20261203",
        "2026-W49",
        "Fri 4 Dec 2026",
        "business day",
        "3:30pm",
        "at 9",
        "noon",
        "afternoon",
        "eod",
        "12/03",
    ):
        assert phrase in readme, phrase
        assert phrase in doc, phrase


# ---------------------------------------------------------------- formatting


def test_format_when_and_describe() -> None:
    assert format_date(D(2026, 12, 4)) == "Fri 4 Dec 2026"
    assert format_when(D(2026, 12, 3), T(15)) == "Thu 3 Dec 2026 at 15:00"
    assert format_when(D(2026, 12, 3), T(9, 5)) == "Thu 3 Dec 2026 at 09:05"
    assert format_when(D(2026, 12, 3)) == "Thu 3 Dec 2026"
    assert describe(D(2026, 12, 3), SUN, T(15)) == "Thu 3 Dec 2026 at 15:00 · in 11 days"
    assert describe(D(2026, 12, 4), SUN) == "Fri 4 Dec 2026 · in 12 days"


# ---------------------------------------------------------------- properties

TODAYS = st.dates(min_value=D(1900, 1, 1), max_value=D(9000, 12, 31))
ANY_TODAY = st.dates()
NOWS = st.one_of(st.none(), st.times())


def year_before(today: date) -> date:
    """Independent of the module: the same day a year ago, 28 Feb for a leap day."""
    if today.year == 1:
        return date.min
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


TOKENS = [
    "on", "by", "before", "after", "from", "now", "later", "at", "in", "the", "of", "a", "an",
    "two", "seven", "twelve", "thirteen", "day", "days", "week", "weeks", "fortnight", "month",
    "quarter", "year", "business", "working", "next", "this", "start", "beginning", "mid",
    "middle", "end", "q1", "q4", "sow", "soww", "eoww", "som", "soq", "eoq", "soy", "sod", "eod",
    "eocm", "eow", "eom", "eoy", "today", "tomorrow", "yesterday", "mon", "fri", "friday", "sun",
    "jan", "feb", "dec", "december", "may", "noon", "morning", "afternoon", "midnight", "am",
    "pm", "3pm", "12am", "3:30pm", "15:00", "9:30", "24:00", "w49", "2026-w53", "-", "/", ".",
    ",", "+", "st", "th",
]  # fmt: skip
NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=40),
    st.sampled_from([29, 30, 31, 53, 1999, 2026, 2028, 9999, 10000, 20261203, 99999999]),
    st.integers(min_value=0, max_value=10**12),
).map(str)
PIECES = st.one_of(st.sampled_from(TOKENS), NUMBERS)
PHRASES = st.one_of(
    st.lists(PIECES, max_size=7).map(" ".join),
    st.lists(PIECES, max_size=4).map("".join),
    st.text(max_size=70),
)


def _check_total(text: str, today: date, now: time | None) -> None:
    try:
        when = parse_when(text, today, now)
    except DateParseError as error:
        message = str(error)
        assert message.isprintable() and "Try: " in message
    else:
        assert type(when) is When
        assert type(when.date) is date
        assert when.date >= year_before(today)
        assert when.time is None or (type(when.time) is time and when.time.second == 0)
        assert parse_date(text, today) == when.date


@settings(max_examples=1500)
@given(text=PHRASES, today=st.one_of(TODAYS, ANY_TODAY), now=NOWS)
def test_any_input_parses_on_or_after_a_year_ago_or_raises_the_documented_error(
    text: str, today: date, now: time | None
) -> None:
    _check_total(text, today, now)


@settings(max_examples=300)
@given(
    family=st.sampled_from(sorted(FAMILIES)),
    index=st.integers(min_value=0, max_value=100),
    today=st.one_of(TODAYS, ANY_TODAY),
    suffix=st.sampled_from(["", " 3pm", " at 9", " eod", " 15:00", " noon", " at 3"]),
    lead=st.sampled_from(["", "on ", "by ", "before "]),
)
def test_table_phrases_on_any_day(
    family: str, index: int, today: date, suffix: str, lead: str
) -> None:
    rows = FAMILIES[family]
    _check_total(lead + rows[index % len(rows)][1] + suffix, today, TEN_AM)


@settings(max_examples=500)
@given(
    today=TODAYS,
    offset=st.integers(min_value=-366, max_value=3000),
    at=st.one_of(st.none(), st.times().map(lambda t: t.replace(second=0, microsecond=0))),
)
def test_the_preview_text_reads_back(today: date, offset: int, at: time | None) -> None:
    day = today + timedelta(days=offset)
    if day < year_before(today):
        return
    assert parse_when(format_when(day, at), today) == When(day, at)
    label = describe(day, today, at).split(" · ")[0]
    assert parse_when(label, today) == When(day, at)
    assert parse_date(format_date(day), today) == day


@given(d=st.dates(min_value=D(1, 1, 1)), at=st.one_of(st.none(), st.times()))
def test_format_when_reads_back_relative_to_itself(d: date, at: time | None) -> None:
    minute = None if at is None else at.replace(second=0, microsecond=0)
    assert parse_when(format_when(d, at), d) == When(d, minute)


@given(
    today=TODAYS,
    hour=st.integers(min_value=0, max_value=23),
    minute=st.integers(min_value=0, max_value=59),
    now=st.times(),
)
def test_a_time_alone_is_today_unless_passed(
    today: date, hour: int, minute: int, now: time
) -> None:
    at = T(hour, minute)
    text = f"{hour:02d}:{minute:02d}"
    if at < now.replace(second=0, microsecond=0):
        with pytest.raises(DateParseError, match="today has passed"):
            parse_when(text, today, now)
    else:
        assert parse_when(text, today, now) == When(today, at)


@given(today=TODAYS, hour=st.integers(min_value=1, max_value=12), pm=st.booleans())
def test_twelve_hour_clock(today: date, hour: int, pm: bool) -> None:
    when = parse_when(f"tomorrow {hour}{'pm' if pm else 'am'}", today)
    assert when.time == T(hour % 12 + (12 if pm else 0))


@given(today=TODAYS, n=st.integers(min_value=0, max_value=400))
def test_business_days(today: date, n: int) -> None:
    result = parse_date(f"in {n} business days", today)
    if n == 0:
        assert result == today
        return
    assert result.weekday() < 5
    between = [today + timedelta(days=i) for i in range(1, (result - today).days + 1)]
    assert sum(d.weekday() < 5 for d in between) == n


@given(today=TODAYS)
def test_period_rules(today: date) -> None:
    eoq = parse_date("eoq", today)
    assert eoq.month % 3 == 0 and (eoq + timedelta(days=1)).day == 1
    assert 0 <= (eoq - today).days < 92
    soq = parse_date("soq", today)
    assert soq.day == 1 and soq.month in (1, 4, 7, 10) and 0 <= (soq - today).days <= 92
    som = parse_date("som", today)
    assert som.day == 1 and 0 <= (som - today).days <= 31
    sow = parse_date("sow", today)
    assert sow.weekday() == 0 and 0 <= (sow - today).days <= 6
    assert parse_date("end of next week", today).weekday() == 4
    mid = parse_date("mid next month", today)
    assert mid.day == 15 and (mid.year * 12 + mid.month) - (today.year * 12 + today.month) == 1


@given(today=TODAYS, weekday=st.integers(min_value=0, max_value=6))
def test_weekday_before_a_date_is_checked(today: date, weekday: int) -> None:
    target = today + timedelta(days=weekday)
    text = f"{('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')[weekday]} {target.isoformat()}"
    if target.weekday() == weekday:
        assert parse_date(text, today) == target
    else:
        with pytest.raises(DateParseError, match=f"is a {FULL[target.weekday()]}"):
            parse_date(text, today)


@settings(max_examples=400)
@given(
    family=st.sampled_from(sorted(set(FAMILIES) - {"on, by, before"})),
    index=st.integers(min_value=0, max_value=100),
    today=TODAYS,
)
def test_leading_words_and_times_keep_the_day(family: str, index: int, today: date) -> None:
    """`on P`, `by P`, `P at 3pm`, `3pm on P` name P's day; `before P` the day before it."""
    rows = FAMILIES[family]
    phrase = rows[index % len(rows)][1]
    try:
        day = parse_date(phrase, today)
    except DateParseError:
        return  # e.g. an exact date more than a year before this today
    assert parse_when(f"on {phrase}", today) == When(day)
    assert parse_when(f"by {phrase}", today) == When(day)
    assert parse_when(f"{phrase} at 3pm", today) == When(day, T(15))
    assert parse_when(f"3pm on {phrase}", today) == When(day, T(15))
    assert parse_when(f"by {phrase} at 09:30", today) == When(day, T(9, 30))
    if day - timedelta(days=1) >= year_before(today):
        assert parse_when(f"before {phrase}", today) == When(day - timedelta(days=1))
