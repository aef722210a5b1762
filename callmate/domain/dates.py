"""The small date language typed into a call's "next step" field.

Written by hand (a regex table, stdlib only) rather than with a library such as
dateparser: that costs ~75 ms to import plus ~120 ms on the first parse, and it
*guesses* at ambiguous input. Here every input has exactly one documented
meaning, the same on every machine and in every locale. The rule table is
compiled on the first parse (~10 ms), not at import; after that a phrase reads
in tens of microseconds (``python -m benchmarks.date_parse``; budget 0.1 ms).

Input is case-insensitive; extra spaces, commas and a trailing period are ignored.
Anything longer than 64 characters is rejected. A day more than a year before
today is refused (it is a typo, not a next step); other past days ("yesterday")
parse fine and the caller decides whether they are allowed. Weeks run Monday to
Sunday; quarters are calendar quarters (Q1 = January to March). "The next X,
today included" means today if today is an X, else the first X after it.

| You type                                | Means                                        |
|-----------------------------------------|----------------------------------------------|
| `today`, `tod`, `now`                   | today                                        |
| `tomorrow`, `tmr`, `tmrw`, `next day`   | tomorrow                                     |
| `day after tomorrow`                    | in two days                                  |
| `yesterday`, `day before yesterday`     | one or two days ago                          |
| `fri`, `friday`, `tue`, `tues`, `thurs` | the next such day strictly after today       |
|                                         | (on a Friday, `fri` is a week away)          |
| `this fri`, `fri this week`             | that day in this week if today or later;     |
|                                         | once it has passed, same as plain `fri`      |
| `next fri`, `fri next week`             | that day in next week (weeks run Mon-Sun)    |
| `fri week`, `fri fortnight`             | a week (two) after plain `fri`               |
| `Fri 4 Dec 2026`, `fri dec 4`           | the date, checked: refused if it is not a    |
|                                         | Friday (any weekday before any exact date)   |
| `+3d`, `3d`, `+2w`, `+1m`, `+1y`        | days, weeks, calendar months or years ahead; |
|                                         | months clamp to the month's last day         |
|                                         | (Jan 31 + 1m = Feb 28, or 29 in leap years)  |
| `in 3 days`, `in two weeks`, `a month`, | the same in words: `a`, `an` and `one` to    |
| `3 days later`, `after 3 days`,         | `twelve` count; `fortnight` = 14 days        |
| `3 days from now`, `in a fortnight`,    |                                              |
| `in 2 weeks' time`                      |                                              |
| `a week from fri`, `2 days after eom`,  | counted from another day of this table       |
| `3 days before dec 24`                  |                                              |
| `next business day`,                    | Monday to Friday, weekends skipped (public   |
| `in 10 business days`, `2 working days` | holidays are not known); from a weekend day  |
|                                         | the count starts on the Friday before        |
| `15th`, `1st`, `23rd`, `the 15th`       | the next date with that day number, today    |
|                                         | included; months without it are skipped      |
|                                         | (`31st` on 5 Nov = 31 Dec)                   |
| `dec 3`, `3 dec`, `december 3rd`,       | the next 3 December, today included;         |
| `3rd of december`, `sept 9`             | `feb 29` = the next leap day                 |
| `dec 3 2027`, `3 dec 2027`              | exactly that date                            |
| `dec`, `december`, `q1`                 | the 1st of the next such month or quarter,   |
|                                         | today included                               |
| `dec 2027`, `q1 2027`                   | the 1st of that month or quarter             |
| `next week`, `next month`,              | the first day of next week (Monday), month,  |
| `next quarter`, `next year`             | quarter or year                              |
| `start of`, `beginning of`, `mid`,      | the first, middle or last day of a week,     |
| `end of` + `week`, `month`, `quarter`,  | month, quarter, year, named month or quarter |
| `year`, `dec`, `q2`, `next month`, ...  | (`mid december`, `end of q1`,                |
|                                         | `beginning of next month`): a week ends on   |
|                                         | Friday, its middle is Wednesday; a month's   |
|                                         | middle is the 15th; a quarter or year has no |
|                                         | one middle day. Without `this`/`next` it is  |
|                                         | the next such day, today included (`end of   |
|                                         | week` on a Saturday is next Friday); `this`  |
|                                         | means the current period even if passed      |
| `sow`, `soww`, `som`, `soq`, `soy`      | the next start (today included) of a week    |
|                                         | (Monday), month, quarter or year             |
| `eow`, `eoww`, `eom`, `eocm`, `eoq`,    | the end of this week (Friday; next Friday    |
| `eoy`                                   | at the weekend), month, quarter or year      |
| `2026-12-03`, `2026-12-3`, `20261203`   | ISO year-month-day                           |
| `2026-W49`, `2026-W49-3`                | ISO week: its Monday, or its day 1-7         |
| `on ...`, `by ...`                      | the same day (`by fri` = Friday)             |
| `before ...`                            | the day before (`before fri` = Thursday)     |

A time of day may come before or after the day (`fri 3pm`, `3pm on fri`,
`tomorrow at 9`, `tomorrow @ 9am`, `eod fri`); alone it means today, and is
refused once it has passed (a later time today or `tomorrow 3pm` work):

| You type                                | Means                                        |
|-----------------------------------------|----------------------------------------------|
| `3pm`, `3 pm`, `3:30pm`, `3.30 p.m.`    | 12-hour clock (`12am` = 00:00, `12pm` noon)  |
| `15:00`, `09:30`, `at 9`, `at 14`       | 24-hour clock; without am/pm a one-digit     |
|                                         | hour 1 to 7 is refused (`at 3` could be      |
|                                         | 03:00 or 15:00): write `3pm` or `03:00`      |
| `noon`, `midday`                        | 12:00                                        |
| `morning`, `sod`, `first thing`         | 09:00                                        |
| `afternoon`                             | 14:00                                        |
| `eod`, `end of day`, `cob`              | 17:00                                        |

Refused, with a suggestion, because they have no single meaning: slashed or
dotted numeric dates such as `12/03` (12 March in most of the world, 3 December
in the US; ISO is suggested), `later`, `someday`, `soon`, `after the holidays`,
`a few days`, `weekend`, `early dec`, `midnight`, `mid q2`, `before` with a
time, `this week`, and a bare month next to a time (`dec 3pm`: the 3rd?).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

__all__ = [
    "EXAMPLES",
    "DateParseError",
    "When",
    "describe",
    "format_date",
    "format_when",
    "parse_date",
    "parse_when",
]

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


@dataclass(frozen=True, slots=True)
class When:
    """A day and, when one was given, a time of day (minutes; no time zone)."""

    date: _dt.date
    time: _dt.time | None = None

    def __str__(self) -> str:
        return format_when(self.date, self.time)


class _NoRule(Exception):
    """No rule reads this phrase; the top level turns it into the user's message."""


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

# d days, w weeks, f fortnights, b business days (Mon-Fri), m months, y years
_UNITS: dict[str, str] = {
    "d": "d", "day": "d", "days": "d",
    "w": "w", "wk": "w", "wks": "w", "week": "w", "weeks": "w",
    "fortnight": "f", "fortnights": "f",
    "business day": "b", "business days": "b", "working day": "b", "working days": "b",
    "workday": "b", "workdays": "b",
    "m": "m", "mo": "m", "mos": "m", "month": "m", "months": "m",
    "y": "y", "yr": "y", "yrs": "y", "year": "y", "years": "y",
}  # fmt: skip

_NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip

# Taskwarrior's named dates, spelled out: each is then read by the period rule.
_ALIASES: dict[str, str] = {
    "sow": "start of week", "soww": "start of week",
    "eow": "end of week", "eoww": "end of week",
    "som": "start of month", "eom": "end of month", "eocm": "end of month",
    "soq": "start of quarter", "eoq": "end of quarter",
    "soy": "start of year", "eoy": "end of year",
}  # fmt: skip

# Times of day said in words. The working day is 09:00 to 17:00.
_TIME_WORDS: dict[str, time] = {
    "noon": time(12), "midday": time(12),
    "morning": time(9), "in the morning": time(9), "this morning": time(9),
    "sod": time(9), "start of day": time(9), "start of the day": time(9), "first thing": time(9),
    "afternoon": time(14), "in the afternoon": time(14), "this afternoon": time(14),
    "eod": time(17), "end of day": time(17), "end of the day": time(17),
    "cob": time(17), "close of business": time(17),
}  # fmt: skip

# Fixed English names: strftime("%a") would follow the user's locale.
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_FULL_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Longest day each month can ever have (Feb 29 exists in leap years).
_MAX_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _alternation(words: Iterable[str]) -> str:
    """Regex alternation, longest first so `tues` wins over `tue`."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_WD = _alternation(_WEEKDAYS)
_MON = _alternation(_MONTHS)
_UNIT = _alternation(_UNITS)
_ORD = r"(?:st|nd|rd|th)"
_SPAN = rf"(?:(?P<n>[0-9]+) ?|(?P<word>{_alternation(_NUMBER_WORDS)}) )(?P<unit>{_UNIT})"


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


def _add_business_days(d: date, n: int) -> date:
    """`n` Monday-to-Friday days on (back, if negative); a weekend counts from its Friday."""
    if n == 0:
        return d
    step = 1 if n > 0 else -1
    weekday = d.weekday()
    if weekday >= 5:  # from a weekend: forward from the Friday before, back from the Monday after
        d += timedelta(days=4 - weekday if step > 0 else 7 - weekday)
    weeks, rest = divmod(abs(n), 5)
    d += timedelta(weeks=weeks * step)
    for _ in range(rest):
        d += timedelta(days=step)
        while d.weekday() >= 5:
            d += timedelta(days=step)
    return d


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


def _year_before(today: date) -> date:
    """The earliest day a phrase may name: the same day a year ago (28 Feb for 29 Feb)."""
    try:
        return _add_months(today, -12)
    except ValueError:
        return date.min


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


def _check_year(text: str) -> int:
    year = int(text)
    if not 1 <= year <= 9999:
        raise _error(f"The year {text} is out of range.")
    return year


def _clock(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


# Phrases with no single day, each with what to type instead ({q} is the user's text).
_VAGUE: tuple[tuple[str, str], ...] = (
    (
        r"later|someday|some day|sometime|some time|soon|asap|whenever|eventually|tbd|tba"
        r"|next time|at some point",
        "{q} isn't a day. Pick one, even a rough one: in 2 weeks, next month.",
    ),
    (
        r"(?:(?:after|before) )?(?:the )?(?:holidays?|break|new year|summer|vacation)",
        "{q} depends on whose holidays. Give the day, like jan 5.",
    ),
    (
        r"(?:in )?(?:a )?(?:few|couple|couple of|several) (?:days|weeks|months)",
        "{q} isn't a number. Say how many, like in 3 days or in 2 weeks.",
    ),
    (
        r"(?:this |next |the )?weekend",
        "{q} is two days. Pick one: sat, sun or next sat.",
    ),
    (
        rf"(?:early|late) (?:{_MON}|next month|this month|q[1-4])",
        "{q} isn't one day. Pick one: start of dec, mid dec, end of dec.",
    ),
    (
        r"(?:in )?(?:[0-9]+|an?|one|two|three|half an?) ?(?:hours?|hrs?|h|minutes?|mins?)"
        r"(?: from now| later)?",
        "{q}: give the time itself, like 3pm or 15:30.",
    ),
    (
        r"(?:at )?midnight|tonight",
        "{q} is between two days. Pick a day and a time, like tomorrow 9am or 23:00.",
    ),
)


# ---------------------------------------------------------------- rules


def _relative(base: date, amount: int, unit: str) -> date:
    if unit == "d":
        return base + timedelta(days=amount)
    if unit == "w":
        return base + timedelta(weeks=amount)
    if unit == "f":
        return base + timedelta(weeks=2 * amount)
    if unit == "b":
        return _add_business_days(base, amount)
    if unit == "m":
        return _add_months(base, amount)
    return _add_months(base, 12 * amount)


def _plus(days: int) -> Callable[[date], date]:
    return lambda today: today + timedelta(days=days)


_KEYWORDS: dict[str, Callable[[date], date]] = {
    "today": _plus(0),
    "tod": _plus(0),
    "now": _plus(0),
    "tomorrow": _plus(1),
    "tmr": _plus(1),
    "tmrw": _plus(1),
    "next day": _plus(1),
    "the next day": _plus(1),
    "day after tomorrow": _plus(2),
    "the day after tomorrow": _plus(2),
    "yesterday": _plus(-1),
    "day before yesterday": _plus(-2),
    "the day before yesterday": _plus(-2),
    "fortnight": _plus(14),
    "next business day": lambda t: _add_business_days(t, 1),
    "next working day": lambda t: _add_business_days(t, 1),
}


def _amount(m: re.Match[str]) -> int:
    return int(m["n"]) if m["n"] is not None else _NUMBER_WORDS[m["word"]]


def _rule_weekday(m: re.Match[str], today: date) -> date:
    return _next_weekday(today, _WEEKDAYS[m["wd"]])


def _named_weekday(m: re.Match[str]) -> int:
    """The weekday of `next fri` or `fri next week` (either group is set)."""
    return _WEEKDAYS[m["wd"] or m["wd2"]]


def _rule_next_weekday(m: re.Match[str], today: date) -> date:
    return today + timedelta(days=7 - today.weekday() + _named_weekday(m))


def _rule_this_weekday(m: re.Match[str], today: date) -> date:
    weekday = _named_weekday(m)
    delta = weekday - today.weekday()
    return today + timedelta(days=delta) if delta >= 0 else _next_weekday(today, weekday)


def _rule_weekday_week(m: re.Match[str], today: date) -> date:
    """British `tuesday week`: a week after the coming Tuesday."""
    return _rule_weekday(m, today) + timedelta(weeks=1 if m["unit"] == "week" else 2)


def _rule_checked_weekday(m: re.Match[str], today: date) -> date:
    """A weekday written before an exact date must be that date's weekday."""
    rest = m["rest"]
    for pattern, rule in _rules():
        if rule in _EXACT_RULES:
            match = pattern.fullmatch(rest)
            if match is not None:
                day = rule(match, today)
                break
    else:
        raise _NoRule
    said = _WEEKDAYS[m["wd"]]
    if day.weekday() != said:
        label = format_date(day)
        raise _error(
            f"{label[4:]} is a {_FULL_DAY_NAMES[day.weekday()]}, not a {_FULL_DAY_NAMES[said]}. "
            f"Write {label}, or leave the weekday out."
        )
    return day


def _rule_relative(m: re.Match[str], today: date) -> date:
    return _relative(today, _amount(m), _UNITS[m["unit"]])


def _rule_relative_to(m: re.Match[str], today: date) -> date:
    """`a week from fri`, `2 days before dec 24`: counted from another phrase's day."""
    base = _read_day(m["rest"], today)
    amount = _amount(m)
    return _relative(base, -amount if m["dir"] == "before" else amount, _UNITS[m["unit"]])


def _rule_day_number(m: re.Match[str], today: date) -> date:
    day = int(m["day"])
    _check_day_of_month(day)
    return _next_day_number(today, day)


def _rule_month_day(m: re.Match[str], today: date) -> date:
    month, day = _MONTHS[m["mon"]], int(m["day"])
    if not 1 <= day <= _MAX_DAYS[month - 1]:
        raise _no_such_day(month, day)
    if m["year"] is None:
        return _next_month_day(today, month, day)
    year = _check_year(m["year"])
    if day > _days_in_month(year, month):
        raise _error(f"{year} has no {_MONTH_NAMES[month - 1]} {day}.")
    return date(year, month, day)


def _rule_iso(m: re.Match[str], today: date) -> date:
    try:
        return date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        raise _error(f"{m[0]} isn't a real date.") from None


def _rule_iso_week(m: re.Match[str], today: date) -> date:
    try:
        return date.fromisocalendar(int(m["y"]), int(m["w"]), int(m["wd"] or 1))
    except ValueError:
        raise _error(f"{m[0].upper()} isn't a real ISO week.") from None


# ---- periods: weeks (w), months (m), quarters (q), years (y)

_POSITIONS = {"start": "start", "beginning": "start", "mid": "mid", "middle": "mid", "end": "end"}
_KINDS = {"week": "w", "month": "m", "quarter": "q", "year": "y"}


def _period_start(kind: str, d: date) -> date:
    if kind == "w":
        return d - timedelta(days=d.weekday())
    if kind == "m":
        return d.replace(day=1)
    if kind == "q":
        return date(d.year, (d.month - 1) // 3 * 3 + 1, 1)
    return date(d.year, 1, 1)


def _period_after(kind: str, first: date) -> date:
    if kind == "w":
        return first + timedelta(weeks=1)
    return _add_months(first, {"m": 1, "q": 3, "y": 12}[kind])


def _position(kind: str, first: date, position: str) -> date:
    """The start, middle or end of the period that begins on `first`."""
    if position == "start":
        return first
    if position == "mid":
        if kind == "w":
            return first + timedelta(days=2)  # Wednesday
        if kind == "m":
            return first.replace(day=15)
        raise _error("A quarter or a year has no one middle day. Name the day, like may 15.")
    if kind == "w":
        return first + timedelta(days=4)  # Friday: the working week's end
    last_month = _add_months(first, {"m": 0, "q": 2, "y": 11}[kind])
    return last_month.replace(day=_days_in_month(last_month.year, last_month.month))


def _rule_period(m: re.Match[str], today: date) -> date:
    position = _POSITIONS[m["pos"]] if m["pos"] else None
    if m["kind"] is not None:
        kind, which = _KINDS[m["kind"]], m["which"]
        if position is None:
            if which != "next":
                raise _error(f"{_quote(m[0])} isn't one day. Write end of {m['kind']}.")
            position = "start"
        first = _period_start(kind, today)
        if which == "next":
            return _position(kind, _period_after(kind, first), position)
        day = _position(kind, first, position)
        if which is None and day < today:  # plain: the next such day, today included
            day = _position(kind, _period_after(kind, first), position)
        return day
    if m["mon"] is not None:
        kind, month, year_text = "m", _MONTHS[m["mon"]], m["year"]
    else:
        kind, month, year_text = "q", int(m["q"]) * 3 - 2, m["qyear"]
    position = position or "start"
    if year_text is not None:
        return _position(kind, date(_check_year(year_text), month, 1), position)
    for year in (today.year, today.year + 1):
        day = _position(kind, date(year, month, 1), position)
        if day >= today:
            return day
    raise AssertionError("unreachable: every month and quarter comes round within a year")


_YEAR = r"(?: (?P<year>[0-9]{4}))?"
_PERIOD = (
    r"(?:(?P<pos>start|beginning|middle|mid|end)(?: of|-)? ?(?:the )?)?"
    r"(?:(?:(?P<which>this|next|current) )?(?P<kind>week|month|quarter|year)"
    rf"|(?P<mon>{_MON}){_YEAR}"
    r"|q(?P<q>[1-4])(?: (?P<qyear>[0-9]{4}))?)"
)
_Rule = Callable[[re.Match[str], date], date]
# Each phrase matches at most one of these (a test checks it over every table).
_RULE_PATTERNS: tuple[tuple[str, _Rule], ...] = (
    (rf"(?P<wd>{_WD})", _rule_weekday),
    (rf"next (?P<wd>{_WD})|(?P<wd2>{_WD}) next week", _rule_next_weekday),
    (rf"this (?P<wd>{_WD})|(?P<wd2>{_WD}) this week", _rule_this_weekday),
    (rf"(?P<wd>{_WD}) (?P<unit>week|fortnight)", _rule_weekday_week),
    (rf"(?P<wd>{_WD}) (?P<rest>(?:the |[0-9]|(?:{_MON})\b).*)", _rule_checked_weekday),
    (rf"\+ ?(?P<n>[0-9]+) ?(?P<unit>{_UNIT})", _rule_relative),
    (rf"{_SPAN}(?: later)?", _rule_relative),
    (rf"(?:in|after) \+?{_SPAN}(?:'? time)?", _rule_relative),
    (rf"{_SPAN} (?P<dir>from|after|before) (?P<rest>.+)", _rule_relative_to),
    (rf"(?:the )?(?P<day>[0-9]+){_ORD}", _rule_day_number),
    (r"the (?P<day>[0-9]+)", _rule_day_number),
    (rf"(?P<mon>{_MON}) ?(?:the )?(?P<day>[0-9]{{1,2}}){_ORD}?{_YEAR}", _rule_month_day),
    (rf"(?:the )?(?P<day>[0-9]+){_ORD}?(?: of)? ?(?P<mon>{_MON}){_YEAR}", _rule_month_day),
    (_PERIOD, _rule_period),
    (r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})", _rule_iso),
    (r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})", _rule_iso),
    (r"(?P<y>[0-9]{4})-?w(?P<w>[0-9]{1,2})(?:-?(?P<wd>[1-7]))?", _rule_iso_week),
)
# Rules that name one exact date, so a weekday written before them can be checked.
_EXACT_RULES: frozenset[_Rule] = frozenset(
    {_rule_day_number, _rule_month_day, _rule_iso, _rule_iso_week}
)

# ---- time of day, before or after the day

_TIME = (
    r"(?P<time>(?:at )?(?P<h12>[0-9]{1,2})(?:[:.](?P<m12>[0-9]{2}))? ?(?P<ap>[ap])\.?m"
    r"|(?:at )?(?P<h24>[0-9]{1,2}):(?P<m24>[0-9]{2})"
    r"|at (?P<hat>[0-9]{1,2})"
    rf"|(?:at )?(?P<word>{_alternation(_TIME_WORDS)}))"
)
# The most words a time can take ("at start of the day"): only that many are tried off each end.
_TIME_TOKENS = 1 + max(len(word.split(" ")) for word in _TIME_WORDS)


def _read_time(m: re.Match[str]) -> time:
    """The time a _TIME match names; hours that could be morning or evening are refused."""
    if m["word"] is not None:
        return _TIME_WORDS[m["word"]]
    if m["h12"] is not None:
        hour, minute = int(m["h12"]), int(m["m12"] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise _error(f'"{m["time"]}" isn\'t a time: a 12-hour clock runs 1:00 to 12:59.')
        return time(hour % 12 + (12 if m["ap"] == "p" else 0), minute)
    digits = m["h24"] if m["h24"] is not None else m["hat"]
    hour, minute = int(digits), int(m["m24"] or 0)
    if hour > 23 or minute > 59:
        raise _error(f'"{m["time"]}" isn\'t a time of day: the clock runs 00:00 to 23:59.')
    if len(digits) == 1 and 1 <= hour <= 7:
        raise _error(
            f'Is "{m["time"]}" morning or afternoon? Write {hour}pm, {hour}am '
            f"or {hour:02d}:{minute:02d}."
        )
    return time(hour, minute)


# ---------------------------------------------------------------- the table, compiled


class _Tables:
    """Every regex of the grammar, compiled once on the first parse (not at import: startup)."""

    def __init__(self) -> None:
        self.rules = [(re.compile(pattern, re.ASCII), rule) for pattern, rule in _RULE_PATTERNS]
        self.time = re.compile(_TIME, re.ASCII)
        # Every time has a digit or ends with one of these words: a cheap test to skip the split.
        last_words = {word.split(" ")[-1] for word in _TIME_WORDS}
        self.time_hint = re.compile(f"[0-9]|{_alternation(last_words)}", re.ASCII)
        self.vague = re.compile(
            "|".join(f"(?P<_{i}>{pattern})" for i, (pattern, _) in enumerate(_VAGUE)), re.ASCII
        )
        self.bare_month = re.compile(rf"(?:{_MON})", re.ASCII)
        self.ambiguous_numeric = re.compile(
            r"[0-9]{1,2}[./-][0-9]{1,2}(?:[./-][0-9]{2,4})?", re.ASCII
        )


_compiled: list[_Tables] = []


def _tables() -> _Tables:
    if not _compiled:
        _compiled.append(_Tables())
    return _compiled[0]


def _rules() -> list[tuple[re.Pattern[str], _Rule]]:
    """The rule table, compiled: each pattern with the rule that reads its matches."""
    return _tables().rules


def _normalise(text: str) -> str:
    """Lower-case, commas to spaces, `@` to `at`, single spaces, no trailing period."""
    cleaned = " ".join(text.lower().replace(",", " ").replace("@", " at ").split())
    return cleaned.rstrip(".").rstrip()


def _read_day(phrase: str, today: date) -> date:
    """The day one phrase (no time of day) names; _NoRule if no rule reads it."""
    phrase = _ALIASES.get(phrase, phrase)
    keyword = _KEYWORDS.get(phrase)
    if keyword is not None:
        return keyword(today)
    for pattern, rule in _rules():
        match = pattern.fullmatch(phrase)
        if match is not None:
            return rule(match, today)
    raise _NoRule


def _refuse_vague(phrase: str, shown: str) -> None:
    found = _tables().vague.fullmatch(phrase)
    if found is not None and found.lastgroup is not None:
        raise _error(_VAGUE[int(found.lastgroup[1:])][1].format(q=_quote(shown)))


def _split_time(phrase: str, shown: str) -> tuple[str | None, time | None]:
    """(day phrase or None, time or None): the time of day, if any, taken off either end.

    At the end the longest time is tried first (the phrase alone, then all but its
    first word ...), so "fri at 3pm" is "fri" and "at 3pm"; then at the start, where
    an "on" after the time is dropped ("3pm on fri").
    """
    tables = _tables()
    if tables.time_hint.search(phrase) is None:
        return phrase, None
    pattern = tables.time
    words = phrase.split(" ")
    n = len(words)
    for k in range(min(n, _TIME_TOKENS), 0, -1):
        match = pattern.fullmatch(" ".join(words[n - k :]))
        if match is not None:
            day = " ".join(words[: n - k]) or None
            if day is not None and _month_before_number(day, match):
                raise _error(
                    f"Is the number in {_quote(shown)} a day or a time? "
                    f"Write both, like {day} 3 at {match['time']}."
                )
            return day, _read_time(match)
    for k in range(min(n - 1, _TIME_TOKENS), 0, -1):
        match = pattern.fullmatch(" ".join(words[:k]))
        if match is not None:
            rest = words[k + 1 :] if words[k] == "on" and n > k + 1 else words[k:]
            return " ".join(rest), _read_time(match)
    return phrase, None


def _month_before_number(day: str, match: re.Match[str]) -> bool:
    """`dec 3pm`, `may 10:30`: a bare month right before a number time, which may be its day."""
    return (
        match["word"] is None
        and not match["time"].startswith("at ")
        and _tables().bare_month.fullmatch(day) is not None
    )


def _read(phrase: str, shown: str, today: date, now: time | None) -> When:
    _refuse_vague(phrase, shown)
    before = False
    lead, _, rest = phrase.partition(" ")
    if rest and lead in ("on", "by", "before"):
        before = lead == "before"
        phrase = rest
        _refuse_vague(phrase, shown)
    day_phrase, at = _split_time(phrase, shown)
    if before and at is not None:
        raise _error(
            f"{_quote(shown)}: 'before' a time has no one minute. "
            "Give the day and time itself, like thu 3pm."
        )
    day = today if day_phrase is None else _read_day(day_phrase, today)
    if before:
        day -= timedelta(days=1)
    if day < _year_before(today):
        raise _error(f"{format_date(day)} is more than a year ago. Check the year.")
    if day_phrase is None and at is not None and now is not None:
        current = now.replace(second=0, microsecond=0, tzinfo=None)
        if at < current:
            raise _error(
                f"{_clock(at)} today has passed (it's {_clock(current)}). "
                f"For tomorrow, write tomorrow {phrase}."
            )
    return When(day, at)


# ---------------------------------------------------------------- public API


def parse_when(text: str, today: date, now: time | None = None) -> When:
    """Read `text` as a day and an optional time of day; raise DateParseError if it isn't one.

    `now` is the current time of day, needed to refuse a time alone ("3pm") that
    has already passed; a datetime passed as `today` supplies it. Without it a
    time alone is simply today at that time. Never raises anything else for str
    input, so the UI can show ``str(error)``.
    """
    if isinstance(today, datetime):
        if now is None:
            now = today.time()
        today = today.date()
    stripped = text.strip()
    if not stripped:
        raise _error("Type a date.")
    if len(stripped) > MAX_LENGTH:
        raise _error(f"That's too long for a date (keep it under {MAX_LENGTH} characters).")
    phrase = _normalise(stripped)
    try:
        return _read(phrase, stripped, today, now)
    except DateParseError:
        raise
    except _NoRule:
        pass
    except (OverflowError, ValueError):
        raise _error(f"{_quote(stripped)} is too far from today to be a date.") from None
    if (
        "/" in phrase and any(ch.isdigit() for ch in phrase)
    ) or _tables().ambiguous_numeric.fullmatch(phrase):
        raise _error(
            f"{_quote(stripped)} could be day/month or month/day. "
            "Use a month name or ISO year-month-day, like 2026-12-03."
        )
    raise _error(f"Can't read {_quote(stripped)} as a date.")


def parse_date(text: str, today: date) -> date:
    """Read `text` as a date relative to `today`; raise DateParseError if it isn't one.

    A time of day in the text is read (and checked) but only the day is returned;
    pass a datetime as `today` to have a time alone refused once it has passed.
    Never raises anything else for str input, so the UI can show ``str(error)``.
    """
    return parse_when(text, today).date


_PROMISED_BY = frozenset({"by", "on", "before", "until", "due"})
"""Words after which a promise names its date: "send pricing by Friday"."""


def date_named_in(promise: str, today: date) -> str:
    """The date a promise's own words end with ("send pricing by Friday" →
    "Friday"), as typed, or "" when none can be read.

    Only a tail after one of :data:`_PROMISED_BY` counts, the longest that
    reads as a date; a later such word in it is read as "at" ("call on Monday
    by 3pm" gives "Monday at 3pm", not 3pm today). Offered to the user to
    confirm, never saved unseen.
    """
    found = named_date(promise, today)
    return found[1] if found else ""


def named_date(promise: str, today: date) -> tuple[int, str, When] | None:
    """Where in ``promise.split()`` the date it ends with begins, that date as
    text (:func:`date_named_in`) and what it means; None when it names none."""
    words = promise.split()
    for start, word in enumerate(words[:-1]):
        if word.lower() not in _PROMISED_BY:
            continue
        rest = ("at" if w.lower() in _PROMISED_BY else w for w in words[start + 1 :])
        tail = " ".join(rest).rstrip(".!,;:)")
        try:
            when = parse_when(tail, today)
        except DateParseError:
            continue
        return start + 1, tail, when
    return None


def format_date(d: date) -> str:
    """``Fri 4 Dec 2026``: what the preview shows, and a phrase the parser reads back."""
    return f"{_DAY_NAMES[d.weekday()]} {d.day} {_MONTH_NAMES[d.month - 1]} {d.year:04d}"


def format_when(d: date, at: time | None = None) -> str:
    """``Thu 3 Dec 2026 at 15:00`` (or just the day): reads back through parse_when."""
    return format_date(d) if at is None else f"{format_date(d)} at {_clock(at)}"


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


def describe(d: date, today: date, at: time | None = None) -> str:
    """A short, unambiguous rendering for the live preview, e.g. ``Fri 4 Dec 2026 · in 12 days``.

    Spelling out the weekday and month lets the user confirm what was understood;
    the part before `` · `` (format_when) reads back through the parser.
    """
    if isinstance(d, datetime):
        d = d.date()
    if isinstance(today, datetime):
        today = today.date()
    return f"{format_when(d, at)} · {_relative_words(d, today)}"
