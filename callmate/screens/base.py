"""What every callmate screen shares: the store and visible worker errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from callmate.domain.text import clean_line

if TYPE_CHECKING:
    from callmate.screens.host import CallmateHost
    from callmate.store.service import CallStore

ResultType = TypeVar("ResultType")


class CallmateScreen(Screen[ResultType]):
    @property
    def callmate(self) -> CallmateHost:
        """The app, typed by what screens may ask of it (callmate/screens/host.py)."""
        return cast("CallmateHost", self.app)

    @property
    def store(self) -> CallStore:
        """The store's one door (:mod:`callmate.store.service`): every read and
        write. A background write's failure is said by the store itself."""
        return self.callmate.store

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed database job is shown, never swallowed, never a crash."""
        if event.state is WorkerState.ERROR:
            error: Any = event.worker.error
            from callmate.store.service import StoreUnavailable, failure_line

            if isinstance(error, StoreUnavailable) and error.kind == "refused":
                title = "Not changed"  # another rep's call (NotYours): nothing was changed
            elif isinstance(error, StoreUnavailable):
                # Already one line that says what is wrong and what to do.
                title = "Your data can't be reached"
            else:
                title = "Something went wrong"
            self.notify(
                clean_line(failure_line(error)),
                title=title,
                severity="error",
                timeout=10,
                markup=False,
            )
