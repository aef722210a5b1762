"""The small date language typed into a call's "next step" field.

Written by hand (a regex table, stdlib only) rather than with a library such as
dateparser: that costs ~75 ms to import plus ~120 ms on the first parse, and it
*guesses* at ambiguous input. Here every input has exactly one documented
meaning, the same on every machine and in every locale. Importing costs under
a millisecond; the rule table is compiled on the first parse (~2 ms), after which
a parse takes a few microseconds.

Input is case-insensitive; extra spaces, commas and a trailing period are ignored.
Anything longer than 64 characters is rejected. Past dates are *not* rejected
here ("yesterday" parses fine); the caller decides whether they are allowed.
Weeks run Monday to Sunday.

| You type                                | Means                                        |
|-----------------------------------------|----------------------------------------------|
| `today`, `tod`                          | today                                        |
| `tomorrow`, `tmr`, `tmrw`               | tomorrow                                     |
| `yesterday`                             | yesterday                                    |
| `fri`, `friday`, `tue`, `tues`, `thurs` | the next such day strictly after today       |
|                                         | (on a Friday, `fri` is a week away)          |
| `this fri`                              | that day in this week if today or later;     |
|                                         | once it has passed, same as plain `fri`      |
| `next fri`                              | that day in next week (weeks run Mon-Sun)    |
| `+3d`, `3d`, `+2w`, `+1m`, `+1y`        | days, weeks, calendar months or years ahead; |
|                                         | months clamp to the month's last day         |
|                                         | (Jan 31 + 1m = Feb 28, or 29 in leap years)  |
| `in 3 days`, `in a week`, `in 2 months` | the same in words (`a`, `an`, `one` = 1)     |
| `eow`, `end of week`                    | Friday this week (next Friday on Sat/Sun)    |
| `eom`, `end of month`                   | the last day of this month                   |
| `eoy`, `end of year`                    | 31 December this year                        |
| `next week`                             | Monday of next week                          |
| `next month`                            | the 1st of next month                        |
| `next year`                             | 1 January next year                          |
| `15th`, `1st`, `23rd`, `the 15th`       | the next date with that day number, today    |
|                                         | included; months without it are skipped      |
|                                         | (`31st` on 5 Nov = 31 Dec)                   |
| `dec 3`, `3 dec`, `december 3rd`,       | the next 3 December, today included;         |
| `3rd of december`, `sept 9`             | `feb 29` = the next leap day                 |
| `dec 3 2027`, `3 dec 2027`              | exactly that date                            |
| `2026-12-03`, `2026-12-3`               | ISO year-month-day                           |

Slashed dates such as `12/03` are refused on purpose: they mean 12 March in most
of the world and 3 December in the US. The error suggests ISO instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

__all__ = ["EXAMPLES", "DateParseError", "describe", "parse_date"]

EXAMPLES: tuple[str, ...] = (
    "tomorrow",
    "fri",
    "next tue",
    "+3d",
    "in 2 weeks",
    "eom",
    "15th",
    "dec 3",
    "2026-12-03",
)

MAX_LENGTH = 64


class DateParseError(ValueError):
    """Raised for any text that is not a date; ``str()`` is a one-line message for the user."""


_WEEKDAYS: dict[str, int] = {
    "mon": 0, "monday": 0,
    "tue": 1, "tues": 1, "tuesday": 1,
    "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3,
    "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}  # fmt: skip

_MONTHS: dict[str, int] = {
    "jan": 1, "january": 1,
    "feb": 2, "february": 2,
    "mar": 3, "march": 3,
    "apr": 4, "april": 4,
    "may": 5,
    "jun": 6, "june": 6,
    "jul": 7, "july": 7,
    "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10,
    "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip

_UNITS: dict[str, str] = {
    "d": "d", "day": "d", "days": "d",
    "w": "w", "wk": "w", "wks": "w", "week": "w", "weeks": "w",
    "m": "m", "mo": "m", "mos": "m", "month": "m", "months": "m",
    "y": "y", "yr": "y", "yrs": "y", "year": "y", "years": "y",
}  # fmt: skip

# Fixed English names: strftime("%a") would follow the user's locale.
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Longest day each month can ever have (Feb 29 exists in leap years).
_MAX_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _alternation(words: Iterable[str]) -> str:
    """Regex alternation, longest first so `tues` wins over `tue`."""
    return "|".join(sorted(words, key=len, reverse=True))


_WD = _alternation(_WEEKDAYS)
_MON = _alternation(_MONTHS)
_UNIT = _alternation(_UNITS)
_ORD = r"(?:st|nd|rd|th)"


# ---------------------------------------------------------------- calendar helpers


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if _is_leap(year) else 28
    return _MAX_DAYS[month - 1]


def _add_months(d: date, months: int) -> date:
    """Calendar-month arithmetic, clamped to the target month's last day."""
    year, month0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    day = min(d.day, _days_in_month(year, month0 + 1))
    return date(year, month0 + 1, day)  # ValueError when the year leaves 1..9999


def _next_weekday(today: date, weekday: int) -> date:
    """The next `weekday` strictly after today (1 to 7 days away)."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _next_day_number(today: date, day: int) -> date:
    """The next date whose day is `day`, today included, skipping short months."""
    year, month = today.year, today.month
    if today.day <= day <= _days_in_month(year, month):
        return date(year, month, day)
    for _ in range(12):  # a 31st is never more than two months away
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if day <= _days_in_month(year, month):
            return date(year, month, day)
    raise AssertionError("unreachable: every day 1-31 occurs within a year")


def _next_month_day(today: date, month: int, day: int) -> date:
    """The next `month`/`day`, today included; Feb 29 waits for a leap year."""
    for year in range(today.year, today.year + 9):  # leap years are at most 8 apart
        if day <= _days_in_month(year, month):
            candidate = date(year, month, day)
            if candidate >= today:
                return candidate
    raise AssertionError("unreachable: a leap year occurs within 8 years")


# ---------------------------------------------------------------- messages


def _error(problem: str) -> DateParseError:
    return DateParseError(f"{problem} Try: {', '.join(EXAMPLES)}")


def _quote(text: str) -> str:
    """The user's text made safe and short enough to echo in a one-line message."""
    shown = "".join(ch if ch.isprintable() else " " for ch in text)
    shown = " ".join(shown.split())
    if len(shown) > 24:
        shown = shown[:23] + "…"
    return f'"{shown}"'


def _no_such_day(month: int, day: int) -> DateParseError:
    return _error(f"There's no {_MONTH_NAMES[month - 1]} {day}.")


def _check_day_of_month(day: int) -> None:
    if not 1 <= day <= 31:
        raise _error(f"No month has a day {day}.")


# ---------------------------------------------------------------- rules


def _relative(today: date, amount: int, unit: str) -> date:
    if unit == "d":
        return today + timedelta(days=amount)
    if unit == "w":
        return today + timedelta(weeks=amount)
    if unit == "m":
        return _add_months(today, amount)
    return _add_months(today, 12 * amount)


def _end_of_week(today: date) -> date:
    wd = today.weekday()
    return today + timedelta(days=4 - wd if wd <= 4 else 11 - wd)


def _end_of_month(today: date) -> date:
    return today.replace(day=_days_in_month(today.year, today.month))


def _monday_next_week(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


_KEYWORDS: dict[str, Callable[[date], date]] = {
    "today": lambda t: t,
    "tod": lambda t: t,
    "tomorrow": lambda t: t + timedelta(days=1),
    "tmr": lambda t: t + timedelta(days=1),
    "tmrw": lambda t: t + timedelta(days=1),
    "yesterday": lambda t: t - timedelta(days=1),
    "eow": _end_of_week,
    "end of week": _end_of_week,
    "end of the week": _end_of_week,
    "eom": _end_of_month,
    "end of month": _end_of_month,
    "end of the month": _end_of_month,
    "eoy": lambda t: date(t.year, 12, 31),
    "end of year": lambda t: date(t.year, 12, 31),
    "end of the year": lambda t: date(t.year, 12, 31),
    "next week": _monday_next_week,
    "next month": lambda t: _add_months(t.replace(day=1), 1),
    "next year": lambda t: date(t.year + 1, 1, 1),
}


def _rule_weekday(m: re.Match[str], today: date) -> date:
    return _next_weekday(today, _WEEKDAYS[m["wd"]])


def _rule_next_weekday(m: re.Match[str], today: date) -> date:
    return _monday_next_week(today) + timedelta(days=_WEEKDAYS[m["wd"]])


def _rule_this_weekday(m: re.Match[str], today: date) -> date:
    delta = _WEEKDAYS[m["wd"]] - today.weekday()
    return today + timedelta(days=delta) if delta >= 0 else _rule_weekday(m, today)


def _rule_relative(m: re.Match[str], today: date) -> date:
    amount = int(m["n"]) if m["n"] is not None else 1  # "a", "an", "one"
    return _relative(today, amount, _UNITS[m["unit"]])


def _rule_day_number(m: re.Match[str], today: date) -> date:
    day = int(m["day"])
    _check_day_of_month(day)
    return _next_day_number(today, day)


def _rule_month_day(m: re.Match[str], today: date) -> date:
    month, day = _MONTHS[m["mon"]], int(m["day"])
    if len(m["day"]) == 4 and m["year"] is None:  # "dec 2027": a year with no day
        raise _error(f"Which day in {_MONTH_NAMES[month - 1]} {m['day']}?")
    if not 1 <= day <= _MAX_DAYS[month - 1]:
        raise _no_such_day(month, day)
    if m["year"] is None:
        return _next_month_day(today, month, day)
    year = int(m["year"])
    if not 1 <= year <= 9999:
        raise _error(f"The year {m['year']} is out of range.")
    if day > _days_in_month(year, month):
        raise _error(f"{year} has no {_MONTH_NAMES[month - 1]} {day}.")
    return date(year, month, day)


def _rule_iso(m: re.Match[str], today: date) -> date:
    try:
        return date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        raise _error(f"{m[0]} isn't a real date.") from None


_YEAR = r"(?: (?P<year>[0-9]{4}))?"
_Rule = Callable[[re.Match[str], date], date]
_RULE_PATTERNS: tuple[tuple[str, _Rule], ...] = (
    (rf"(?P<wd>{_WD})", _rule_weekday),
    (rf"next (?P<wd>{_WD})", _rule_next_weekday),
    (rf"this (?P<wd>{_WD})", _rule_this_weekday),
    (rf"\+? ?(?P<n>[0-9]+) ?(?P<unit>{_UNIT})", _rule_relative),
    (rf"in (?:\+?(?P<n>[0-9]+) ?|(?:an?|one) )(?P<unit>{_UNIT})", _rule_relative),
    (rf"(?:the )?(?P<day>[0-9]+){_ORD}", _rule_day_number),
    (r"the (?P<day>[0-9]+)", _rule_day_number),
    (rf"(?P<mon>{_MON}) ?(?:the )?(?P<day>[0-9]+){_ORD}?{_YEAR}", _rule_month_day),
    (rf"(?:the )?(?P<day>[0-9]+){_ORD}?(?: of)? ?(?P<mon>{_MON}){_YEAR}", _rule_month_day),
    (r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})", _rule_iso),
)
_compiled_rules: list[tuple[re.Pattern[str], _Rule]] = []


def _rules() -> list[tuple[re.Pattern[str], _Rule]]:
    """The rule table, compiled on first use: compiling at import would cost ~8 ms of startup."""
    if not _compiled_rules:
        _compiled_rules.extend(
            (re.compile(pattern, re.ASCII), rule) for pattern, rule in _RULE_PATTERNS
        )
    return _compiled_rules


def _normalise(text: str) -> str:
    """Lower-case, commas to spaces, single spaces, no trailing period."""
    cleaned = " ".join(text.lower().replace(",", " ").split())
    return cleaned.rstrip(".").rstrip()


# ---------------------------------------------------------------- public API


def parse_date(text: str, today: date) -> date:
    """Read `text` as a date relative to `today`; raise DateParseError if it isn't one.

    Never raises anything else for str input, so the UI can show ``str(error)``.
    """
    if isinstance(today, datetime):
        today = today.date()
    stripped = text.strip()
    if not stripped:
        raise _error("Type a date.")
    if len(stripped) > MAX_LENGTH:
        raise _error(f"That's too long for a date (keep it under {MAX_LENGTH} characters).")
    phrase = _normalise(stripped)
    try:
        keyword = _KEYWORDS.get(phrase)
        if keyword is not None:
            return keyword(today)
        for pattern, rule in _rules():
            match = pattern.fullmatch(phrase)
            if match is not None:
                return rule(match, today)
    except DateParseError:
        raise
    except (OverflowError, ValueError):
        raise _error(f"{_quote(stripped)} is too far from today to be a date.") from None
    if "/" in phrase and any(ch.isdigit() for ch in phrase):
        raise _error(
            f"{_quote(stripped)} could be day/month or month/day. "
            "Use a month name or ISO year-month-day, like 2026-12-03."
        )
    raise _error(f"Can't read {_quote(stripped)} as a date.")


def _span(days: int, unit: str) -> str:
    return f"{days} {unit}" if days == 1 else f"{days} {unit}s"


def _relative_words(d: date, today: date) -> str:
    """How far `d` is from `today`, in words; 'about' marks a rounded figure."""
    days = (d - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    n = abs(days)
    if n % 7 == 0 and n <= 56:
        amount = _span(n // 7, "week")
    elif n < 60:
        amount = _span(n, "day")
    else:
        early, late = (today, d) if days > 0 else (d, today)
        months = (late.year - early.year) * 12 + late.month - early.month
        try:
            exact = _add_months(early, months) == late
        except ValueError:
            exact = False
        if exact and months % 12 == 0:
            amount = _span(months // 12, "year")
        elif exact:
            amount = _span(months, "month")
        elif n < 730:
            amount = "about " + _span(round(n / 30.436875), "month")
        else:
            amount = "about " + _span(round(n / 365.2425), "year")
    return f"in {amount}" if days > 0 else f"{amount} ago"


def describe(d: date, today: date) -> str:
    """A short, unambiguous rendering for the live preview, e.g. ``Fri 4 Dec 2026 · in 12 days``.

    Spelling out the weekday and month lets the user confirm what was understood.
    """
    if isinstance(d, datetime):
        d = d.date()
    if isinstance(today, datetime):
        today = today.date()
    label = f"{_DAY_NAMES[d.weekday()]} {d.day} {_MONTH_NAMES[d.month - 1]} {d.year}"
    return f"{label} · {_relative_words(d, today)}"
