"""Time, injected: the app asks a clock instead of calling ``datetime.now``.

Tests and snapshots pass a :class:`FrozenClock` so call timers, note offsets
and "is this date in the past?" are reproducible.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""
        ...

    def today(self) -> date:
        """Today's date where the user is (:func:`local_today`)."""
        return local_today(self)

    def local_now(self) -> datetime:
        """Local wall-clock time, naive (:func:`local_now`): a typed time of day
        is read against it."""
        return local_now(self)


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock(Clock):
    """A clock that only moves when told to."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        self._now = at

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)


def local_today(clock: Clock) -> date:
    """Today's date where the user is (next steps are local calendar dates)."""
    return clock.now().astimezone().date()


def local_now(clock: Clock) -> datetime:
    """The wall-clock time where the user is, naive: what a typed "3pm" is compared with."""
    return clock.now().astimezone().replace(tzinfo=None)
