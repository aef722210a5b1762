"""Date grammar: time to read one phrase, as the next-step preview does on every key.

    python -m benchmarks.date_parse [--runs 15] [--loops 300]

Each phrase of a corpus (every grammar family, with and without a time of day,
and the refusals) is read ``--loops`` times as the preview does: ``parse_when``,
then ``describe`` or the error's text. The best of ``--runs`` short rounds gives
its time per read, which keeps other processes on a shared machine out of the
figure. The same is done for every prefix of those phrases, which is what the
preview really sees while a phrase is being typed (mostly refusals, whose
message is built each time). Reported: the median, p95 and the slowest phrase,
against the issue's budget of 0.1 ms a phrase, and the one-off cost of the first
parse (compiling the rule table).
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Iterable
from datetime import datetime
from statistics import median

from benchmarks.pty_harness import p95
from callmate.domain import dates
from callmate.domain.dates import DateParseError, describe, parse_when

NOW = datetime(2026, 11, 22, 10, 0)  # a Sunday morning

PHRASES: tuple[str, ...] = (
    # the original grammar
    "today", "tomorrow", "fri", "this fri", "next tue", "+3d", "in 2 weeks", "eom", "15th",
    "the 3rd of december", "dec 3", "3 dec 2027", "2026-12-03",
    # issue 14's families
    "in two weeks", "3 days from now", "2 weeks later", "after 3 days", "a week from friday",
    "3 days before dec 24", "tuesday week", "fortnight", "in a fortnight",
    "day after tomorrow", "next day", "on fri", "by the 15th", "before fri",
    "jan", "december", "dec 2027", "end of next week", "beginning of next month",
    "end of next month", "mid december", "start of q2", "q1", "end of q1", "end of quarter",
    "eoq", "soq", "sow", "soww", "eoww", "som", "soy", "eocm",
    "20261203", "2026-W49", "2026-W49-5", "Fri 4 Dec 2026", "friday, 4 december",
    "next business day", "in 10 business days",
    # times of day
    "3pm", "fri 3pm", "3:30pm on thursday", "tomorrow at 9", "15:00", "noon", "tomorrow morning",
    "monday afternoon", "eod fri", "Thu 3 Dec 2026 at 15:00", "by eod next business day",
    "in three days at 10:30am",
    # refusals
    "12/03", "later", "someday", "after the holidays", "Mon 4 Dec 2026", "at 3", "dec 3pm",
    "flurb", "a week from the day after the end of next month at half past", "x" * 70,
)  # fmt: skip


def prefixes(phrases: Iterable[str]) -> list[str]:
    """Every non-blank prefix of every phrase: what the preview reads while typing."""
    seen: dict[str, None] = {}
    for phrase in phrases:
        for n in range(1, len(phrase) + 1):
            if phrase[:n].strip():
                seen.setdefault(phrase[:n])
    return list(seen)


def read(text: str) -> None:
    """What the preview does with the field's text: parse, then describe or show the error."""
    try:
        when = parse_when(text, NOW)
    except DateParseError as error:
        str(error)
    else:
        describe(when.date, NOW, when.time)


def per_call(text: str, loops: int, runs: int) -> float:
    """Best of `runs` rounds of `loops` reads, in seconds per read."""
    best = float("inf")
    for _ in range(runs):
        began = time.perf_counter()
        for _ in range(loops):
            read(text)
        best = min(best, (time.perf_counter() - began) / loops)
    return best


def first_parse() -> float:
    """Seconds for the first read after the rule table was dropped (it compiles then)."""
    dates._compiled.clear()
    re.purge()
    began = time.perf_counter()
    read("fri 3pm")
    return time.perf_counter() - began


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--loops", type=int, default=300)
    args = parser.parse_args(argv)
    cold = first_parse()
    whole = {text: per_call(text, args.loops, args.runs) for text in PHRASES}
    typed = {text: per_call(text, max(1, args.loops // 3), args.runs) for text in prefixes(PHRASES)}
    slowest = max(whole, key=whole.__getitem__)
    slowest_typed = max(typed, key=typed.__getitem__)
    print(f"first parse (compiles the rule table): {cold * 1000:.2f} ms")
    print(
        f"{len(whole)} phrases: median {median(list(whole.values())) * 1e6:.1f} µs, "
        f"p95 {p95(list(whole.values())) * 1e6:.1f} µs, "
        f"slowest {whole[slowest] * 1e6:.1f} µs ({slowest[:40]!r})"
    )
    print(
        f"{len(typed)} typed prefixes: median {median(list(typed.values())) * 1e6:.1f} µs, "
        f"p95 {p95(list(typed.values())) * 1e6:.1f} µs, "
        f"slowest {typed[slowest_typed] * 1e6:.1f} µs ({slowest_typed[:40]!r})"
    )
    return {
        "first": cold,
        "median": median(list(whole.values())),
        "p95": p95(list(whole.values())),
        "max": whole[slowest],
        "typed_median": median(list(typed.values())),
        "typed_p95": p95(list(typed.values())),
        "typed_max": typed[slowest_typed],
    }


if __name__ == "__main__":
    main()
