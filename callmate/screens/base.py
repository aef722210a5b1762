"""What every callmate screen shares: the store and visible worker errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual import work
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from callmate.domain.text import clean_line

if TYPE_CHECKING:
    from concurrent.futures import Future

    from callmate.screens.host import CallmateHost
    from callmate.store.gateway import StoreGateway

ResultType = TypeVar("ResultType")


class CallmateScreen(Screen[ResultType]):
    @property
    def callmate(self) -> CallmateHost:
        """The app, typed by what screens may ask of it (callmate/screens/host.py)."""
        return cast("CallmateHost", self.app)

    @property
    def store(self) -> StoreGateway:
        return self.callmate.store

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed database job is shown, never swallowed, never a crash."""
        if event.state is WorkerState.ERROR:
            error: Any = event.worker.error
            from callmate.store.errors import StoreUnavailable

            if isinstance(error, StoreUnavailable):
                # Already one line that says what is wrong and what to do.
                message, title = error.message, "Your data can't be reached"
            else:
                message, title = f"{type(error).__name__}: {error}", "Something went wrong"
            self.notify(
                clean_line(message),
                title=title,
                severity="error",
                timeout=10,
                markup=False,
            )

    @work(group="small-writes", exit_on_error=False)
    async def _watch_write(self, future: Future[Any], failed: str) -> None:
        """A small write sent in the background (a tick, a kept promise, a note's
        place in the email): its failure is said in one line, never lost."""
        import asyncio

        try:
            await asyncio.wrap_future(future)
        except Exception as error:
            # SQLAlchemy's wrapper adds the statement and its parameters: say
            # only what the database said.
            reason = getattr(error, "orig", None) or error
            self.notify(
                clean_line(f"{failed}: {reason}"), severity="error", markup=False, timeout=10
            )
