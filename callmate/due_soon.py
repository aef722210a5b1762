"""While callmate is open, our next step with a time of day is announced shortly before it.

Every :data:`CHECK_SECONDS` a cheap query (one day's range of the open-steps
index, on the database thread) looks for our open steps timed within the
next :data:`WINDOW_MINUTES`; each is announced once per run, with a
notification and the terminal bell. The time is read from the app's clock,
so tests drive it with a frozen one.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from callmate.domain.text import count

if TYPE_CHECKING:
    from callmate.app import CallmateApp
    from callmate.domain.agenda import DueStep

CHECK_SECONDS = 30.0
WINDOW_MINUTES = 10


def windows(now: datetime) -> list[tuple[date, time, time]]:
    """The (day, from, to) ranges from this minute to WINDOW_MINUTES on, split at midnight."""
    start = now.replace(second=0, microsecond=0)
    end = start + timedelta(minutes=WINDOW_MINUTES)
    if end.date() == start.date():
        return [(start.date(), start.time(), end.time())]
    return [(start.date(), start.time(), time(23, 59)), (end.date(), time(0, 0), end.time())]


def announcement(step: DueStep, now: datetime) -> str:
    """``In 5 minutes, at 15:05: Demo with Dana Whitfield (Northwind).``"""
    assert step.due is not None and step.due_time is not None
    at = datetime.combine(step.due, step.due_time)
    minutes = max(0, int((at - now.replace(second=0, microsecond=0)).total_seconds() // 60))
    soon = "Now" if minutes == 0 else f"In {count(minutes, 'minute')}"
    who = step.contact_name + (f" ({step.company})" if step.company else "")
    from callmate.domain.agenda import format_clock  # not before the first frame

    return f"{soon}, at {format_clock(step.due_time)}: {step.what} with {who}."


class DueSoon:
    """Announces each of our timed next steps once, as it comes due."""

    def __init__(self, app: CallmateApp) -> None:
        self.app = app
        self.announced: set[int] = set()
        """Call ids already announced in this run."""

    def start(self) -> None:
        self.app.set_interval(CHECK_SECONDS, self.tick, name="due-soon")

    def tick(self) -> None:
        self.app.run_worker(self.check(), group="due-soon", exclusive=True, exit_on_error=False)

    async def check(self) -> list[DueStep]:
        """Look once; announce what is new. Returns what was announced."""
        now = self.app.clock.local_now()
        found: list[DueStep] = []
        for day, start, end in windows(now):
            found += await self.app.store.timed_steps_due(day, start, end)
        new = [step for step in found if step.call_id not in self.announced]
        for step in new:
            self.announced.add(step.call_id)
            self.app.notify(
                announcement(step, now),
                title="Next step due soon",
                timeout=60,
                markup=False,
            )
        if new:
            self.app.bell()
        return new
