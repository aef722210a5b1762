"""The recap sent (issue 21): what Ctrl+L and Ctrl+F cost, beside building the recap.

    python -m benchmarks.recap_send [--runs 15] [--loops 50]

Per round, each step is timed over ``--loops`` repetitions and divided:

* baseline: ``compose_recap`` of a call with 40 notes (what Ctrl+N runs on
  the event loop today);
* the link: ``compose_mail`` + ``mailto_url`` + the length check, what Ctrl+L
  does on the event loop before the opener's thread starts;
* the draft: ``eml_bytes`` of the same recap (built in the draft's worker);
* the worst draft: a 500-character non-ASCII subject and name (the longest a
  one-line field holds), which the standard library is slow to fold and
  which :func:`eml_bytes` may write up to three times.

Reported: median and p95 of each, and of its ratio to the baseline in the
same round. No target is set by the issue; the link must stay well under a
frame (16 ms) since it runs on the event loop.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, date, datetime
from statistics import median

from benchmarks.pty_harness import p95
from callmate.domain.mail import compose_mail, eml_bytes, fits_a_link, mailto_url
from callmate.domain.models import Call, Contact, NextStep, Note, NoteKind, Owner
from callmate.domain.recap import compose_recap

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
KINDS = [NoteKind.NOTE, NoteKind.PAIN, NoteKind.QUOTE, NoteKind.OURS, NoteKind.THEIRS]


def a_call(notes: int = 40) -> Call:
    return Call(
        contact=Contact(name="Dana Whitfield", company="Northwind", email="dana@acme.com"),
        goal="Book a demo",
        started_at=NOW,
        notes=[
            Note(
                kind=KINDS[i % len(KINDS)],
                text=f"note {i}: the ops team loses a day a week to spreadsheets, ça coûte",
                offset_seconds=i * 10,
            )
            for i in range(notes)
        ],
        next_step=NextStep(what="Demo for ops", owner=Owner.US, due=date(2026, 12, 3)),
    )


def _per_call(step: object, loops: int) -> float:
    assert callable(step)
    began = time.perf_counter()
    for _ in range(loops):
        step()
    return (time.perf_counter() - began) / loops


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.recap_send")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--loops", type=int, default=50)
    args = parser.parse_args(argv)
    call = a_call()
    recap = compose_recap(call, signature="Best regards,\nSam")
    mail = compose_mail(name="Dana Whitfield", email="dana@acme.com", **recap.__dict__)
    worst = compose_mail(name="é" * 500, email="dana@acme.com", subject="𐀀 " * 250, body=recap.body)

    def link() -> None:
        built = compose_mail(name="Dana Whitfield", email="dana@acme.com", **recap.__dict__)
        fits_a_link(mailto_url(built))

    steps = {
        "baseline": lambda: compose_recap(call, signature="Best regards,\nSam"),
        "link": link,
        "draft": lambda: eml_bytes(mail, NOW),
        "worst_draft": lambda: eml_bytes(worst, NOW),
    }
    for step in steps.values():  # warm: imports, regex compilation
        step()
    rounds: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(args.runs):
        for name, step in steps.items():
            loops = max(1, args.loops // 10) if name == "worst_draft" else args.loops
            rounds[name].append(_per_call(step, loops))
    result: dict[str, float] = {}
    print(f"recap body {len(recap.body):,} characters, link {len(mailto_url(mail)):,}")
    print("(2-core machine shared with other jobs: read the ratios, paired per round)")
    for name, times in rounds.items():
        ratios = [t / b for t, b in zip(times, rounds["baseline"], strict=True)]
        result[name] = median(times)
        result[f"{name}_p95"] = p95(times)
        result[f"{name}_ratio"] = median(ratios)
        result[f"{name}_ratio_p95"] = p95(ratios)
        print(
            f"{name:12} median {median(times) * 1000:7.3f} ms, p95 {p95(times) * 1000:7.3f} ms;"
            f" vs baseline median {median(ratios):5.2f}x, p95 {p95(ratios):5.2f}x"
        )
    return result


if __name__ == "__main__":
    main()
