"""The warm-up: what later screens need, loaded once the user pauses.

SQLAlchemy, pydantic, the repository and the settings file take about 0.4 s
of CPU to load. None of it is needed for the first frame (tests/
test_startup_imports.py), so it is loaded on a thread of its own after the
home screen was filled in, and nothing waits for it. The garbage collector
paused for the start is turned back on at the first frame
(:func:`first_frame_drawn`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from callmate.textual_compat import app_is_closing

if TYPE_CHECKING:
    from textual.timer import Timer

    from callmate.app import CallmateApp

WARM_UP_AFTER_IDLE = 0.3
"""Seconds without a key before the warm-up starts ..."""
WARM_UP_AT_LATEST = 2.0
"""... or this long after the home screen was filled in, keys or not."""


class WarmUp:
    def __init__(self, app: CallmateApp) -> None:
        self._app = app
        self.timer: Timer | None = None
        """Set once the warm-up is scheduled; each early key restarts it."""
        self._deadline = 0.0
        self.started = False
        self.done = False
        """SQLAlchemy and the models are loaded (the repository is queued)."""
        self._after: list[Callable[[], object]] = []
        self._stopped = False

    def schedule(self) -> None:
        """Warm up once the user pauses for a moment, and within 2 s at most.

        The warm-up imports take about 0.4 s of CPU, shared with the UI
        thread. Started the moment the home screen was filled in, they slowed
        a key pressed right then (the phone is ringing: "n" for a new call)
        by some 80 ms (benchmarks/startup.py, first key). Each key in the
        first two seconds restarts the short wait.
        """
        if self.timer is None and not self.started:
            self._deadline = time.monotonic() + WARM_UP_AT_LATEST
            # ``start``, looked up now: a test may have replaced it.
            self.timer = self._app.set_timer(WARM_UP_AFTER_IDLE, self.start)

    def key_pressed(self) -> None:
        timer = self.timer
        if timer and not self.started and time.monotonic() < self._deadline:
            timer.reset()

    def start(self) -> None:
        """Load what later screens need, on a thread of its own (once)."""
        if self.started:
            return
        self.started = True
        self._app.run_worker(self._in_background, thread=True, group="warm-up", exit_on_error=False)

    def stop(self) -> None:
        """The app is closing: nothing left to load (a late timer does nothing)."""
        self._stopped = True
        self.started = True
        if self.timer is not None:
            self.timer.stop()

    def when_done(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` on the event loop once the warm-up has loaded the models."""
        if self.done:
            callback()
        else:
            self._after.append(callback)

    def _closing(self) -> bool:
        return self._stopped or app_is_closing(self._app)

    def _in_background(self) -> None:
        # The imports are the slow part (~0.4 s). Done on the database thread
        # they held up every read queued behind them: a search typed in that
        # moment waited for all of it (benchmarks/search.py). Here they only
        # share the GIL; opening the repository afterwards takes milliseconds.
        import callmate.store.repository  # noqa: F401
        from callmate.settings import load_settings

        app = self._app
        settings = load_settings()
        if self._closing():
            return  # the app is on its way out: nothing left to warm
        if not app.preferences.loaded:
            app.call_from_thread(app.preferences.use, *settings)
        app.store.warm_up()
        if not self._closing():
            app.call_from_thread(self._done)
        app.preferences.check_keymap()

    def _done(self) -> None:
        self.done = True
        callbacks, self._after = self._after, []
        for callback in callbacks:
            callback()


def first_frame_drawn() -> None:
    """The first frame is drawn: the garbage collector back on, if the start
    turned it off (``callmate``, :func:`callmate.cli._run_app`), with the
    start's objects frozen, so its full passes skip them from now on."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()
