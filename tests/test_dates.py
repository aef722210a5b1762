"""Tests for the next-step date grammar: fixed tables, edge dates, and property tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callmate.domain.dates import EXAMPLES, DateParseError, describe, parse_date

SUN = date(2026, 11, 22)  # a Sunday: the main fixed "today"
D = date


# Every row: (input, expected) for today = Sunday 22 Nov 2026.
SUNDAY_TABLE: list[tuple[str, date]] = [
    # keywords
    ("today", D(2026, 11, 22)),
    ("tod", D(2026, 11, 22)),
    ("tomorrow", D(2026, 11, 23)),
    ("tmr", D(2026, 11, 23)),
    ("tmrw", D(2026, 11, 23)),
    ("yesterday", D(2026, 11, 21)),
    # tolerance: case, spaces, trailing period, commas
    ("  TOMORROW  ", D(2026, 11, 23)),
    ("Tomorrow.", D(2026, 11, 23)),
    ("next   Fri.", D(2026, 11, 27)),
    ("Dec 3, 2027", D(2027, 12, 3)),
    ("\tfri\n", D(2026, 11, 27)),
    # weekdays: strictly after today
    ("mon", D(2026, 11, 23)),
    ("monday", D(2026, 11, 23)),
    ("tue", D(2026, 11, 24)),
    ("tues", D(2026, 11, 24)),
    ("tuesday", D(2026, 11, 24)),
    ("wed", D(2026, 11, 25)),
    ("wednesday", D(2026, 11, 25)),
    ("thu", D(2026, 11, 26)),
    ("thur", D(2026, 11, 26)),
    ("thurs", D(2026, 11, 26)),
    ("thursday", D(2026, 11, 26)),
    ("fri", D(2026, 11, 27)),
    ("friday", D(2026, 11, 27)),
    ("sat", D(2026, 11, 28)),
    ("saturday", D(2026, 11, 28)),
    ("sun", D(2026, 11, 29)),  # today is Sunday: a week later
    ("sunday", D(2026, 11, 29)),
    # next <weekday>: in next Mon-Sun week (today is the last day of this week)
    ("next mon", D(2026, 11, 23)),
    ("next tue", D(2026, 11, 24)),
    ("next fri", D(2026, 11, 27)),
    ("next sun", D(2026, 11, 29)),
    ("next sunday", D(2026, 11, 29)),
    # this <weekday>: today counts; passed days fall back to the plain rule
    ("this sun", D(2026, 11, 22)),
    ("this mon", D(2026, 11, 23)),
    ("this fri", D(2026, 11, 27)),
    # relative
    ("+3d", D(2026, 11, 25)),
    ("3d", D(2026, 11, 25)),
    ("+0d", D(2026, 11, 22)),
    ("+2w", D(2026, 12, 6)),
    ("2w", D(2026, 12, 6)),
    ("+1m", D(2026, 12, 22)),
    ("+2m", D(2027, 1, 22)),
    ("+1y", D(2027, 11, 22)),
    ("+3 days", D(2026, 11, 25)),
    ("+ 3 d", D(2026, 11, 25)),
    ("10 days", D(2026, 12, 2)),
    ("in 3 days", D(2026, 11, 25)),
    ("in 1 day", D(2026, 11, 23)),
    ("in 2 weeks", D(2026, 12, 6)),
    ("in a week", D(2026, 11, 29)),
    ("in one week", D(2026, 11, 29)),
    ("in 1 month", D(2026, 12, 22)),
    ("in a month", D(2026, 12, 22)),
    ("in 2 months", D(2027, 1, 22)),
    ("in a year", D(2027, 11, 22)),
    ("in 3d", D(2026, 11, 25)),
    ("in 100 days", D(2027, 3, 2)),
    # ends and starts
    ("eow", D(2026, 11, 27)),  # Sunday: next Friday
    ("end of week", D(2026, 11, 27)),
    ("end of the week", D(2026, 11, 27)),
    ("eom", D(2026, 11, 30)),
    ("end of month", D(2026, 11, 30)),
    ("eoy", D(2026, 12, 31)),
    ("end of year", D(2026, 12, 31)),
    ("next week", D(2026, 11, 23)),
    ("next month", D(2026, 12, 1)),
    ("next year", D(2027, 1, 1)),
    # day of month: today included, short months skipped
    ("22nd", D(2026, 11, 22)),
    ("23rd", D(2026, 11, 23)),
    ("the 23rd", D(2026, 11, 23)),
    ("the 23", D(2026, 11, 23)),
    ("15th", D(2026, 12, 15)),
    ("the 15th", D(2026, 12, 15)),
    ("1st", D(2026, 12, 1)),
    ("2nd", D(2026, 12, 2)),
    ("3rd", D(2026, 12, 3)),
    ("30th", D(2026, 11, 30)),
    ("31st", D(2026, 12, 31)),  # November has no 31st
    # month + day
    ("dec 3", D(2026, 12, 3)),
    ("3 dec", D(2026, 12, 3)),
    ("december 3", D(2026, 12, 3)),
    ("december 3rd", D(2026, 12, 3)),
    ("3rd of december", D(2026, 12, 3)),
    ("the 3rd of december", D(2026, 12, 3)),
    ("dec 3rd", D(2026, 12, 3)),
    ("dec 3 2027", D(2027, 12, 3)),
    ("3 dec 2027", D(2027, 12, 3)),
    ("3rd december 2027", D(2027, 12, 3)),
    ("nov 22", D(2026, 11, 22)),  # today included
    ("nov 21", D(2027, 11, 21)),  # passed: next year
    ("22 november", D(2026, 11, 22)),
    ("jan 5", D(2027, 1, 5)),
    ("sept 9", D(2027, 9, 9)),
    ("sep 9", D(2027, 9, 9)),
    ("september 9th", D(2027, 9, 9)),
    ("may 1", D(2027, 5, 1)),
    ("feb 29", D(2028, 2, 29)),
    ("feb 29 2028", D(2028, 2, 29)),
    ("dec 31", D(2026, 12, 31)),
    ("jan 1 2026", D(2026, 1, 1)),  # past dates within a year are the caller's business
    # ISO
    ("2026-12-03", D(2026, 12, 3)),
    ("2026-12-3", D(2026, 12, 3)),
    ("2026-1-9", D(2026, 1, 9)),
    ("2028-02-29", D(2028, 2, 29)),
    ("2025-11-22", D(2025, 11, 22)),  # a year ago is the earliest
]


@pytest.mark.parametrize(("text", "expected"), SUNDAY_TABLE)
def test_sunday_table(text: str, expected: date) -> None:
    assert parse_date(text, SUN) == expected


# (today, input, expected) for other fixed todays.
EDGE_TABLE: list[tuple[date, str, date]] = [
    # month ends
    (D(2026, 1, 31), "+1m", D(2026, 2, 28)),
    (D(2028, 1, 31), "+1m", D(2028, 2, 29)),
    (D(2026, 1, 31), "in a month", D(2026, 2, 28)),
    (D(2026, 1, 31), "+2m", D(2026, 3, 31)),
    (D(2026, 3, 31), "+1m", D(2026, 4, 30)),
    (D(2026, 8, 31), "+1m", D(2026, 9, 30)),
    (D(2026, 12, 31), "+1m", D(2027, 1, 31)),
    (D(2026, 2, 10), "eom", D(2026, 2, 28)),
    (D(2028, 2, 10), "eom", D(2028, 2, 29)),
    (D(2100, 2, 1), "eom", D(2100, 2, 28)),  # 2100 is not a leap year
    (D(2000, 2, 1), "eom", D(2000, 2, 29)),  # 2000 is
    (D(2026, 11, 30), "eom", D(2026, 11, 30)),
    (D(2026, 12, 31), "next month", D(2027, 1, 1)),
    (D(2026, 1, 31), "next month", D(2026, 2, 1)),
    # leap day
    (D(2028, 2, 29), "feb 29", D(2028, 2, 29)),
    (D(2028, 3, 1), "feb 29", D(2032, 2, 29)),
    (D(2096, 3, 1), "feb 29", D(2104, 2, 29)),  # skips 2100
    (D(2028, 2, 29), "+1y", D(2029, 2, 28)),
    (D(2028, 2, 29), "+4y", D(2032, 2, 29)),
    (D(2028, 2, 29), "29th", D(2028, 2, 29)),
    (D(2027, 2, 10), "29th", D(2027, 3, 29)),  # no Feb 29 in 2027
    (D(2027, 2, 10), "30th", D(2027, 3, 30)),
    (D(2026, 1, 31), "30th", D(2026, 3, 30)),  # skips February
    # year wrap (today is Wednesday 30 Dec 2026)
    (D(2026, 12, 30), "jan 2", D(2027, 1, 2)),
    (D(2026, 12, 30), "+1w", D(2027, 1, 6)),
    (D(2026, 12, 30), "next mon", D(2027, 1, 4)),
    (D(2026, 12, 30), "next week", D(2027, 1, 4)),
    (D(2026, 12, 30), "3rd", D(2027, 1, 3)),
    (D(2026, 12, 30), "31st", D(2026, 12, 31)),
    (D(2026, 12, 30), "eoy", D(2026, 12, 31)),
    (D(2026, 12, 30), "eow", D(2027, 1, 1)),
    (D(2026, 12, 30), "tomorrow", D(2026, 12, 31)),
    (D(2026, 12, 31), "tomorrow", D(2027, 1, 1)),
    (D(2026, 12, 30), "dec 30", D(2026, 12, 30)),
    (D(2026, 12, 30), "dec 29", D(2027, 12, 29)),
    (D(2027, 1, 1), "yesterday", D(2026, 12, 31)),
    # today is the named weekday (Friday 27 Nov 2026)
    (D(2026, 11, 27), "fri", D(2026, 12, 4)),
    (D(2026, 11, 27), "this fri", D(2026, 11, 27)),
    (D(2026, 11, 27), "next fri", D(2026, 12, 4)),
    (D(2026, 11, 27), "this thu", D(2026, 12, 3)),  # passed: plain rule
    (D(2026, 11, 27), "sat", D(2026, 11, 28)),
    (D(2026, 11, 27), "next sat", D(2026, 12, 5)),
    (D(2026, 11, 23), "mon", D(2026, 11, 30)),  # Monday
    (D(2026, 11, 23), "next mon", D(2026, 11, 30)),
    (D(2026, 11, 23), "next sun", D(2026, 12, 6)),
    (D(2026, 11, 23), "this sun", D(2026, 11, 29)),
    (D(2026, 11, 25), "next tue", D(2026, 12, 1)),  # Wednesday
    (D(2026, 11, 25), "tue", D(2026, 12, 1)),
    (D(2026, 11, 25), "thu", D(2026, 11, 26)),
    (D(2026, 11, 25), "next thu", D(2026, 12, 3)),
    # eow on Thu/Fri/Sat/Sun
    (D(2026, 11, 26), "eow", D(2026, 11, 27)),
    (D(2026, 11, 27), "eow", D(2026, 11, 27)),
    (D(2026, 11, 28), "eow", D(2026, 12, 4)),
    (D(2026, 11, 29), "eow", D(2026, 12, 4)),
    (D(2026, 11, 23), "end of week", D(2026, 11, 27)),
    # day of month today
    (D(2026, 11, 15), "15th", D(2026, 11, 15)),
    (D(2026, 11, 16), "15th", D(2026, 12, 15)),
    # near the ends of what a date can hold
    (D(1, 1, 1), "today", D(1, 1, 1)),
    (D(9999, 12, 31), "today", D(9999, 12, 31)),
    (D(9999, 12, 31), "yesterday", D(9999, 12, 30)),
    (D(9999, 12, 30), "tomorrow", D(9999, 12, 31)),
    (D(9999, 12, 1), "eom", D(9999, 12, 31)),
]


@pytest.mark.parametrize(("today", "text", "expected"), EDGE_TABLE)
def test_edge_table(today: date, text: str, expected: date) -> None:
    assert parse_date(text, today) == expected


def test_accepts_a_datetime_as_today() -> None:
    assert parse_date("tomorrow", datetime(2026, 11, 22, 23, 59)) == D(2026, 11, 23)


ERROR_TABLE: list[str] = [
    "",
    "  ",
    "\n\t",
    ".",
    "flurb",
    "feb 30",
    "feb 31",
    "apr 31",
    "jun 31",
    "feb 29 2027",
    "jan 0",
    "jan 32",
    "0th",
    "32nd",
    "100th",
    "12/03",
    "12/03/2026",
    "2026/12/03",
    "2026-13-01",
    "2026-00-10",
    "2026-02-30",
    "2026-12-32",
    "0000-01-01",
    "+0x",
    "+3",
    "3",
    "+",
    "-3d",
    "in",
    "in days",
    "in a",
    "next",
    "next fortnight",
    "this",
    "this week",
    "mon fri",
    "jan 1 2020",  # more than a year ago
    "1999-01-01",
    "2025-11-21",
    "dec 3 27",
    "x" * 65,
    "tomorrow" + " " * 60 + "x",
    "tömorrow",
    "٣d",  # Arabic-Indic digit: only ASCII digits count
    "\uff13d",  # full-width digit three
    "\x1b[31mred",
    "\x00",
    "fri\x00",
    "tomorrow!",
    "the",
    "nov 22 10000",
]


@pytest.mark.parametrize("text", ERROR_TABLE)
def test_errors(text: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date(text, SUN)
    message = str(caught.value)
    assert any(example in message for example in EXAMPLES)
    assert "\n" not in message and "\x1b" not in message and "\x00" not in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("flurb", 'Can\'t read "flurb" as a date.'),
        ("", "Type a date."),
        ("feb 30", "There's no Feb 30."),
        ("apr 31", "There's no Apr 31."),
        ("32nd", "No month has a day 32."),
        ("feb 29 2027", "2027 has no Feb 29."),
        ("2026-02-30", "2026-02-30 isn't a real date."),
        ("12/03", "2026-12-03"),
        ("12/03", "month name or ISO"),
        ("x" * 65, "too long"),
        ("2020-02-29", "Sat 29 Feb 2020 is more than a year ago."),
    ],
)
def test_error_messages(text: str, fragment: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date(text, SUN)
    assert fragment in str(caught.value)


def test_error_message_example_format() -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date("flurb", SUN)
    assert str(caught.value) == (
        'Can\'t read "flurb" as a date. '
        "Try: tomorrow, fri, next tue, +3d, in 2 weeks, eom, 15th, dec 3, 2026-12-03"
    )


def test_error_echo_is_short_and_printable() -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date("abc\x1b]52;c;ZXZpbA==\x07 defghijklmnopqrstuvwxyz0123", SUN)
    message = str(caught.value)
    assert message.isprintable()
    assert "…" in message


def test_date_parse_error_is_a_value_error() -> None:
    assert issubclass(DateParseError, ValueError)


@pytest.mark.parametrize(
    ("today", "text"),
    [
        (D(9999, 12, 31), "tomorrow"),
        (D(9999, 12, 31), "+1d"),
        (D(9999, 12, 31), "+1m"),
        (D(9999, 12, 31), "+1y"),
        (D(9999, 12, 31), "next year"),
        (D(9999, 12, 31), "next month"),
        (D(9999, 12, 31), "next week"),
        (D(9999, 12, 31), "next mon"),
        (D(9999, 12, 31), "fri"),
        (D(9999, 12, 31), "jan 1"),
        (D(9999, 12, 31), "1st"),
        (D(9999, 12, 31), "sat"),  # 31 Dec 9999 is a Friday
        (D(9997, 3, 1), "feb 29"),  # the next leap day would be in 10000
        (D(1, 1, 1), "yesterday"),
        (SUN, "+99999999999999d"),
        (SUN, "+9999999999w"),
        (SUN, "+99999m"),
        (SUN, "in 99999 years"),
    ],
)
def test_out_of_range_is_a_parse_error(today: date, text: str) -> None:
    with pytest.raises(DateParseError, match="too far"):
        parse_date(text, today)


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_example_parses(example: str) -> None:
    assert isinstance(parse_date(example, SUN), date)


# ---------------------------------------------------------------- describe


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (D(2026, 11, 22), "Sun 22 Nov 2026 · today"),
        (D(2026, 11, 23), "Mon 23 Nov 2026 · tomorrow"),
        (D(2026, 11, 21), "Sat 21 Nov 2026 · yesterday"),
        (D(2026, 11, 24), "Tue 24 Nov 2026 · in 2 days"),
        (D(2026, 11, 19), "Thu 19 Nov 2026 · 3 days ago"),
        (D(2026, 11, 29), "Sun 29 Nov 2026 · in 1 week"),
        (D(2026, 11, 15), "Sun 15 Nov 2026 · 1 week ago"),
        (D(2026, 12, 4), "Fri 4 Dec 2026 · in 12 days"),
        (D(2026, 12, 6), "Sun 6 Dec 2026 · in 2 weeks"),
        (D(2026, 12, 13), "Sun 13 Dec 2026 · in 3 weeks"),
        (D(2026, 12, 15), "Tue 15 Dec 2026 · in 23 days"),
        (D(2027, 1, 17), "Sun 17 Jan 2027 · in 8 weeks"),
        (D(2027, 1, 20), "Wed 20 Jan 2027 · in 59 days"),
        (D(2027, 1, 22), "Fri 22 Jan 2027 · in 2 months"),
        (D(2027, 2, 1), "Mon 1 Feb 2027 · in about 2 months"),
        (D(2027, 5, 22), "Sat 22 May 2027 · in 6 months"),
        (D(2027, 11, 22), "Mon 22 Nov 2027 · in 1 year"),
        (D(2028, 2, 29), "Tue 29 Feb 2028 · in about 15 months"),
        (D(2028, 11, 22), "Wed 22 Nov 2028 · in 2 years"),
        (D(2031, 6, 1), "Sun 1 Jun 2031 · in about 5 years"),
        (D(2026, 9, 22), "Tue 22 Sep 2026 · 2 months ago"),
        (D(2026, 8, 1), "Sat 1 Aug 2026 · about 4 months ago"),
        (D(2024, 11, 22), "Fri 22 Nov 2024 · 2 years ago"),
    ],
)
def test_describe(d: date, expected: str) -> None:
    assert describe(d, SUN) == expected


def test_describe_month_end_clamp_counts_as_a_whole_month() -> None:
    # Same rule as "+3m" from 30 Nov: 28 Feb is three calendar months on.
    assert describe(D(2027, 2, 28), D(2026, 11, 30)) == "Sun 28 Feb 2027 · in 3 months"


def test_describe_matches_parse_for_the_examples() -> None:
    assert describe(parse_date("next tue", SUN), SUN) == "Tue 24 Nov 2026 · in 2 days"
    assert describe(parse_date("dec 4", SUN), SUN) == "Fri 4 Dec 2026 · in 12 days"


# ---------------------------------------------------------------- properties

TODAYS = st.dates(min_value=D(1900, 1, 1), max_value=D(9000, 12, 31))
ANY_TODAY = st.dates()  # all the way to date.min and date.max

TOKENS = [
    "today", "tod", "tomorrow", "tmr", "tmrw", "yesterday", "next", "this", "in", "a", "an",
    "one", "the", "of", "end", "eow", "eom", "eoy", "week", "weeks", "month", "months", "year",
    "years", "day", "days", "d", "w", "m", "y", "+", "-", "/", ".", ",", "st", "nd", "rd", "th",
    "mon", "tues", "thurs", "fri", "sunday", "jan", "feb", "sept", "december", "may",
]  # fmt: skip
NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=0, max_value=10**20),
    st.sampled_from([29, 30, 31, 32, 1999, 2028, 9999, 10000, 99999999]),
).map(str)
PIECES = st.one_of(st.sampled_from(TOKENS), NUMBERS, NUMBERS.map(lambda n: n + "d"))
GRAMMARISH = st.one_of(
    st.lists(PIECES, max_size=6).map(" ".join),
    st.lists(PIECES, max_size=6).map("".join),
    st.tuples(NUMBERS, NUMBERS, NUMBERS).map("-".join),
    st.tuples(
        st.sampled_from(["+", "", "in "]), NUMBERS, st.sampled_from(["d", "w", "m", "y"])
    ).map("".join),
)


def _total(text: str, today: date) -> None:
    try:
        result = parse_date(text, today)
    except DateParseError as error:
        assert str(error)
    else:
        assert type(result) is date


@settings(max_examples=400)
@given(text=st.text(), today=TODAYS)
def test_any_text_parses_or_raises_date_parse_error(text: str, today: date) -> None:
    _total(text, today)


@settings(max_examples=600)
@given(text=GRAMMARISH, today=st.one_of(TODAYS, ANY_TODAY))
def test_grammar_like_text_parses_or_raises_date_parse_error(text: str, today: date) -> None:
    _total(text, today)


@given(d=ANY_TODAY, today=ANY_TODAY)
def test_describe_never_fails(d: date, today: date) -> None:
    text = describe(d, today)
    assert text.startswith(f"{WEEKDAY_NAMES[d.weekday()].title()} {d.day} ")
    assert text.count(" · ") == 1


WEEKDAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@given(today=TODAYS, weekday=st.integers(min_value=0, max_value=6))
def test_weekday_rules(today: date, weekday: int) -> None:
    name = WEEKDAY_NAMES[weekday]
    plain = parse_date(name, today)
    assert plain.weekday() == weekday
    assert 1 <= (plain - today).days <= 7
    nxt = parse_date(f"next {name}", today)
    assert nxt.weekday() == weekday
    assert nxt.isocalendar()[:2] == (today + timedelta(weeks=1)).isocalendar()[:2]
    this = parse_date(f"this {name}", today)
    assert this.weekday() == weekday
    assert this == (today if today.weekday() == weekday else plain)


@given(today=TODAYS, day=st.integers(min_value=1, max_value=31))
def test_day_number_rule(today: date, day: int) -> None:
    suffix = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(day, "th")
    result = parse_date(f"{day}{suffix}", today)
    assert result.day == day
    assert 0 <= (result - today).days < 62
    # nothing in between has that day number
    assert all((today + timedelta(days=i)).day != day for i in range((result - today).days))


@given(today=TODAYS, n=st.integers(min_value=0, max_value=5000))
def test_relative_days_and_weeks(today: date, n: int) -> None:
    assert parse_date(f"+{n}d", today) == today + timedelta(days=n)
    assert parse_date(f"in {n} days", today) == today + timedelta(days=n)
    assert parse_date(f"{n}w", today) == today + timedelta(weeks=n)


@given(today=TODAYS, n=st.integers(min_value=0, max_value=600))
def test_relative_months_clamp(today: date, n: int) -> None:
    result = parse_date(f"+{n}m", today)
    assert (result.year * 12 + result.month) - (today.year * 12 + today.month) == n
    assert result.day == today.day or (result.day < today.day and (result + timedelta(1)).day == 1)


@given(today=TODAYS)
def test_end_rules(today: date) -> None:
    eom = parse_date("eom", today)
    assert eom.month == today.month and (eom + timedelta(days=1)).day == 1
    eow = parse_date("eow", today)
    assert eow.weekday() == 4 and 0 <= (eow - today).days <= 6
