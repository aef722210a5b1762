"""Home: where the day starts. What is due (overdue first), who is going cold,
recent calls; one key starts the follow-up a next step asks for."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, OptionList, Static

from callmate.screens.base import CallmateScreen
from callmate.widgets.agenda_list import AgendaList
from callmate.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator
    from concurrent.futures import Future

    from textual.screen import Screen

    from callmate.commands import Command
    from callmate.domain.agenda import Agenda, AgendaRow, CallSummary, DueStep
    from callmate.domain.dates import When
    from callmate.domain.models import Call, Contact
    from callmate.domain.team import RepAgenda


class HomeScreen(CallmateScreen[None]):
    """Data arrives after the first frame, from the database thread."""

    SUB_TITLE = "Home"
    # Priority: keys act at once, even when typed ahead of a screen change.
    BINDINGS = [
        Binding(
            "n",
            "new_call",
            "New call",
            priority=True,
            tooltip="Plan a new call",
            id="home.new_call",
        ),
        Binding(
            "f",
            "follow_up",
            "Follow up",
            priority=True,
            tooltip="Plan the call the highlighted promise or cold contact asks for",
            id="home.follow_up",
        ),
        Binding(
            "d",
            "done",
            "Done",
            priority=True,
            tooltip="Mark the highlighted next step or commitment kept",
            id="home.done",
        ),
        Binding(
            "r",
            "reschedule",
            "Move",
            priority=True,
            tooltip="Move the highlighted next step or commitment to another date",
            id="home.reschedule",
        ),
        Binding(
            "t",
            "timeline",
            "Timeline",
            priority=True,
            show=False,
            tooltip="The highlighted person's timeline",
            id="home.timeline",
        ),
        Binding(
            "slash",
            "search",
            "Search",
            priority=True,
            tooltip="Search notes, quotes, goals, research and people",
            id="home.search",
        ),
        Binding(
            "v",
            "review",
            "Review",
            priority=True,
            show=False,  # the key line is full at 80 columns: the day's line names it
            tooltip="How am I doing: goals met, promises kept, the method, going cold",
            id="home.review",
        ),
        Binding(
            "s",
            "settings",
            "Settings",
            priority=True,
            tooltip="Your name, signature, question limit, time check, cadence",
            id="home.settings",
        ),
        Binding(
            "e",
            "team_view",
            "Team",
            priority=True,
            show=False,  # the key line is full at 80 columns: the day's line names it
            tooltip="Switch between your day and the team's overdue promises, by rep",
            id="home.team_view",
        ),
        Binding(
            "enter",
            "open",
            "Open",
            show=False,
            tooltip="Open the highlighted call (resume it if still open)",
            id="home.open",
        ),
        Binding(
            "ctrl+z",
            "restore_discarded",
            "Undo discard",
            priority=True,
            tooltip="Bring back the call just discarded",
            id="home.restore_discarded",
        ),
        Binding("q", "app.quit", "Quit", priority=True, tooltip="Quit callmate", id="home.quit"),
    ]

    NEEDS_STORE = frozenset(
        {
            "new_call",
            "follow_up",
            "done",
            "reschedule",
            "timeline",
            "search",
            "open",
            "restore_discarded",
            "review",
        }
    )
    """What can't work while the database can't be used (quitting and settings can)."""

    def __init__(self) -> None:
        super().__init__()
        self.agenda: Agenda | None = None
        self.unavailable: str | None = None
        """Why the database can't be used, when it can't: shown instead of the day."""
        self._offer_open = False
        self._resume_reads: dict[int, Future[Call]] = {}
        """The offered call, read while the offer is on screen (see preload_resume)."""
        self.team_view = False
        """Showing the team's overdue promises (e), not my day: the team database only."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading your day…", id="home-status", markup=False)
        yield AgendaList(id="agenda")
        footer = KeyFooter(compact=True)
        if not self.callmate.offered_resume:
            # Its first key line waits for the read of the calls left open: an
            # offer covers it with its own, and building it first (15-40 ms)
            # held the offer back (benchmarks/startup.py, open call offered).
            footer.hold()
        yield footer

    def on_mount(self) -> None:
        self.query_one("#agenda", AgendaList).display = False

    def on_screen_resume(self) -> None:
        if self.callmate.offered_resume:
            self.load()
        else:
            # At start, once the first frame is on the terminal: the read's
            # imports and the database thread would share the interpreter and
            # the 2 cores with drawing it (benchmarks/startup.py, first frame).
            self.call_after_refresh(self.load)

    HELP = (
        "Your day: what is due (overdue first), promises both ways, who is going "
        "cold, recent calls. Move with the arrows; the keys act on the highlighted line."
    )
    HELP_GROUPS = (
        ("Calls", ("new_call", "follow_up", "open", "restore_discarded")),
        ("The highlighted promise", ("done", "reschedule", "timeline")),
        ("Elsewhere", ("team_view", "review", "search", "settings", "app.quit")),
    )

    def extra_commands(self) -> Iterator[Command]:
        """An open call (left open when callmate stopped) can be resumed from Ctrl+P."""
        from callmate.commands import Command

        for summary in self.agenda.recent if self.agenda is not None else []:
            if summary.status == "live":
                call_id = summary.id

                def resume(call_id: int = call_id) -> None:
                    self.open_live(call_id)

                yield Command(
                    f"Resume call with {summary.contact_name}",
                    f"Back to the open call: {summary.goal}",
                    resume,
                )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "restore_discarded" and (self.agenda is None or not self.agenda.restorable):
            return False  # nothing to bring back: not in the key line either
        if action == "team_view" and not self.on_team:
            return False  # one person's SQLite file: there is no team
        if action in ("done", "reschedule") and self.team_view:
            return False  # the team's promises are each rep's to mark or move
        return self.unavailable is None or action not in self.NEEDS_STORE

    @property
    def on_team(self) -> bool:
        """The calls live in the team database (PostgreSQL), shared by the reps."""
        from callmate.store.service import PostgresCallStore  # loaded with the app

        return isinstance(self.store, PostgresCallStore)

    @property
    def agenda_list(self) -> AgendaList:
        return self.query_one("#agenda", AgendaList)

    @work(exclusive=True, group="home-load", exit_on_error=False)
    async def load(self) -> None:
        from callmate.store.service import StoreUnavailable

        first_load = not self.callmate.offered_resume
        footer = self.query_one(KeyFooter)
        if first_load and await self.store.needs_upgrade():
            # The first read of a run upgrades the database; on a big one that
            # takes a while (rebuilding the search index: ~17 s at 1,000,000 notes).
            footer.release()  # the keys (q quits) show while it runs
            self.query_one("#home-status", Static).update(
                "Updating your data for this version of callmate (once; a backup "
                "is kept beside it). Your day shows when it is done…"
            )
        today = self.callmate.clock.today()
        cold_before = self.callmate.clock.now() - timedelta(
            days=self.callmate.preferences.cadence_days
        )
        # Plain SQL on the database thread: no SQLAlchemy or pydantic before
        # the day is on screen (see BENCHMARKS.md); they load right after.
        live: list[CallSummary] = []
        try:
            if first_load:
                # A call left open is offered before the day is read: the
                # offer is what the user must answer first, and the day
                # (~50 ms of counting at 100,000 calls) fills in behind it.
                try:
                    live = await self.store.live_calls()
                    self.callmate.offered_resume = True
                    if live:
                        await self.offer_open_calls(live)
                finally:
                    footer.release()
            agenda: Agenda | None = None
            if self.team_view:  # e was pressed, maybe before the first read ended
                await self.load_team(today)
            else:
                agenda = await self.store.agenda(today, cold_before)
        except StoreUnavailable as problem:
            self.show_unavailable(problem.message)
            return
        except Exception as error:
            # Shown here as well as in the error toast: never a silent "Loading".
            self.show_unavailable(f"Your day could not be loaded ({type(error).__name__}).")
            raise
        finally:
            self.mention_tightened()
        if agenda is not None:
            self.show(agenda)
        # Once per run (later calls do nothing); not only on the first load,
        # which an answer to the offer can cancel while the day is read.
        self.callmate.warming.schedule()
        if live and self._offer_open:
            offered = live[0].id
            self.callmate.warming.when_done(lambda: self.preload_resume(offered))

    async def offer_open_calls(self, live: list[CallSummary]) -> None:
        """Offer the calls left open for resume; return once the offer is drawn.

        Until then nothing else competes with it for the interpreter: the day
        is read and laid out behind it afterwards, and the warm-up's imports
        wait for a pause after that (benchmarks/startup.py, open call offered).
        """
        import asyncio
        import contextlib

        from callmate.screens.dialogs.interrupted import InterruptedScreen

        offer = InterruptedScreen(live, chosen=lambda choice: self.answer_offer(offer, choice))
        self._offer_open = True
        await self.app.push_screen(offer, self.after_interrupted)
        # Bounded: an offer answered before its first refresh never reports one.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(offer.wait_for_refresh(), timeout=1.0)

    async def load_team(self, today: date) -> None:
        """Everyone's overdue promises, by rep (the team database), in the day's list."""
        agendas = await self.store.team_agenda(today)
        if not self.team_view:
            return  # switched back meanwhile
        self.show_team(agendas, today)

    def show_team(self, agendas: list[RepAgenda], today: date) -> None:
        from functools import partial

        from textual.widgets.option_list import Option

        from callmate.domain.agenda import PromiseRow
        from callmate.domain.text import count
        from callmate.widgets.agenda_list import Later, heading, step_prompt
        from callmate.widgets.known_height import KnownHeight

        if self.unavailable is not None:
            self.unavailable = None
            self.refresh_bindings()
        listing = self.agenda_list
        styles = listing._styles()
        options: list[Option] = []
        rows: list[AgendaRow | None] = []
        for agenda in agendas:
            options.append(
                Option(heading(agenda.name, len(agenda.items), agenda.total), disabled=True)
            )
            rows.append(None)
            for step in agenda.items:
                days = (today - step.due).days if step.due is not None else 0
                row = PromiseRow(step)
                prompt = Later(partial(step_prompt, step, "overdue", days, styles))
                options.append(Option(KnownHeight(listing, prompt, 1), id=row.key))
                rows.append(row)
        listing.rows = rows
        listing.set_options(options)
        listing.highlighted = next((i for i, o in enumerate(options) if not o.disabled), None)
        listing.display = bool(options)
        total = sum(agenda.total for agenda in agendas)
        status = self.query_one("#home-status", Static)
        if not agendas:
            status.update("The team: nobody has anything overdue. e: back to your day.")
            return
        status.update(
            f"The team: {count(total, 'overdue promise')} of {count(len(agendas), 'rep')}, "
            "by rep. Enter opens; e: back to your day."
        )
        if self.focused is None:
            self.set_focus(listing)

    def action_team_view(self) -> None:
        """Switch between my day and the team's overdue promises."""
        if not self.on_team:
            self.notify("There is no team here: your calls are in this computer's own file.")
            return
        self.team_view = not self.team_view
        self.sub_title = "Home · the team" if self.team_view else "Home"
        self.query_one("#home-status", Static).update(
            "Loading the team's overdue promises…" if self.team_view else "Loading your day…"
        )
        self.refresh_bindings()
        self.load()

    def show_unavailable(self, message: str) -> None:
        """The database can't be used: say why, in place of the day; q still quits."""
        self.unavailable = message
        self.agenda = None
        self.agenda_list.display = False
        text = message[:1].upper() + message[1:]
        self.query_one("#home-status", Static).update(f"{text}\nPress q to quit.")
        self.refresh_bindings()

    def mention_tightened(self) -> None:
        """Once per run: say that files other users could read were made private."""
        if self.store.loosened:
            from callmate.locations import PRIVATE_NOTICE

            self.store.loosened = []
            self.notify(PRIVATE_NOTICE, timeout=8, markup=False)

    def show(self, agenda: Agenda) -> None:
        if self.unavailable is not None:
            self.unavailable = None
            self.refresh_bindings()
        self.agenda = agenda
        self.refresh_bindings()  # Ctrl+Z is offered only while a discard can come back
        listing = self.agenda_list
        listing.display = not agenda.empty
        listing.show(agenda)
        status = self.query_one("#home-status", Static)
        restorable = ""
        if agenda.restorable is not None:
            restorable = (
                f"\nA call with {agenda.restorable.contact_name} was discarded: "
                "Ctrl+Z brings it back."
            )
        if agenda.empty:
            status.update("No calls yet. Press n to plan your first call." + restorable)
            return
        parts = []
        if agenda.overdue.total:
            parts.append(f"{agenda.overdue.total:,} overdue")
        if agenda.due_today.total:
            parts.append(f"{agenda.due_today.total:,} due today")
        if agenda.this_week.total:
            parts.append(f"{agenda.this_week.total:,} more this week")
        if not parts:
            parts.append("nothing due this week")
        if agenda.no_date.total:
            parts.append(f"{agenda.no_date.total:,} with no date yet")
        status.update(
            f"{agenda.today:%A %d %B}: "
            + ", ".join(parts)
            + ". Enter opens; f follows up; v: your review"
            + ("; e: the team's." if self.on_team else ".")
            + restorable
        )
        if self.focused is None:
            self.set_focus(listing)

    # -- acting on the highlighted line ------------------------------------
    def _current(self) -> AgendaRow | None:
        if (self.agenda is None and not self.team_view) or not self.agenda_list.display:
            return None
        return self.agenda_list.current()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        from callmate.domain.agenda import CallRow, ColdRow, PromiseRow

        match self._current():
            case None:
                return
            case ColdRow():
                self.action_timeline()
                return
            case CallRow(call=summary) if summary.status == "live":
                self.open_live(summary.id)
                return
            case CallRow(call=summary):
                call_id = summary.id
            case PromiseRow(promise=promise):
                call_id = promise.call_id
        from callmate.screens.recap import RecapScreen

        self.app.push_screen(RecapScreen(call_id))

    def action_new_call(self) -> None:
        self._plan()

    def _plan(
        self, contact: Contact | None = None, goal: str = "", follows: int | None = None
    ) -> None:
        from callmate.screens.precall import FollowUp, PreCallScreen

        prefill = FollowUp(contact, goal, follows) if contact is not None else None
        self.app.push_screen(
            PreCallScreen(
                question_limit=self.callmate.preferences.settings.question_limit, prefill=prefill
            )
        )

    def action_follow_up(self) -> None:
        from callmate.domain.agenda import CallRow, ColdRow, PromiseRow

        current = self._current()
        if current is None:
            self.notify("Highlight a promise or a contact first.")
            return
        if isinstance(current, PromiseRow):
            promise = current.promise
            # Only a next step is kept by the call that follows it; a commitment
            # is its goal, and is marked kept on its own (d).
            follows = promise.call_id if promise.is_step else None
            # "Try again" is no goal: a retry keeps the goal of the call that didn't connect.
            goal = promise.goal if promise.connection != "connected" else promise.what
            self.follow_up_contact(promise.contact_id, goal, follows)
        elif isinstance(current, ColdRow):
            # The whole contact, e-mail, phone and title too (the row has only
            # what home shows): the plan fills them in, and saves them back.
            self.follow_up_contact(current.contact.contact_id, "", None)
        elif isinstance(current, CallRow):
            summary = current.call
            self.follow_up_call(summary.id, summary.next_step_what)

    @work(group="follow-up", exclusive=True, exit_on_error=False)
    async def follow_up_contact(self, contact_id: int, goal: str, follows: int | None) -> None:
        contact = await self.store.get_contact(contact_id)
        self._plan(contact, goal, follows)

    @work(group="follow-up", exclusive=True, exit_on_error=False)
    async def follow_up_call(self, call_id: int, goal: str) -> None:
        call = await self.store.get_call(call_id)
        self._plan(call.contact, goal, call_id if call.next_step else None)

    def _promise(self) -> DueStep | None:
        from callmate.domain.agenda import PromiseRow

        current = self._current()
        if not isinstance(current, PromiseRow):
            self.notify("Highlight a promise first (the lines at the top).")
            return None
        return current.promise

    def action_done(self) -> None:
        promise = self._promise()
        if promise is None:
            return
        at = self.callmate.clock.now()
        call_id, note_id = promise.call_id, promise.note_id

        self.change_step(
            lambda: self.store.set_promise_done(call_id, note_id, at),
            f"Done: {promise.what} ({promise.contact_name}).",
        )

    def action_reschedule(self) -> None:
        promise = self._promise()
        if promise is None:
            return
        from callmate.domain.agenda import cadence_question, short_when
        from callmate.screens.dialogs.reschedule import RescheduleScreen

        today = self.callmate.clock.today()
        call_id, note_id = promise.call_id, promise.note_id

        def move(when: When) -> None:
            self.change_step(
                lambda: self.store.move_promise(call_id, note_id, when.date, when.time),
                f"Moved to {short_when(when.date, when.time)}: {promise.what}.",
            )

        def moved(when: When | None) -> None:
            if when is None:
                return
            question = cadence_question(
                promise.what, (when.date - today).days, self.callmate.preferences.cadence_days
            )
            if question is None:
                move(when)
                return
            from callmate.screens.dialogs.confirm import ConfirmScreen

            def answered(yes: bool | None) -> None:
                if yes:
                    move(when)
                else:
                    self.notify(f"Not moved: {promise.what}.", markup=False)

            self.app.push_screen(ConfirmScreen(question), answered)

        screen = RescheduleScreen(
            promise.what,
            promise.due,
            today,
            due_time=promise.due_time,
            now=self.callmate.clock.local_now,
        )
        self.app.push_screen(screen, moved)

    @work(group="change-step", exit_on_error=False)
    async def change_step(self, change: Callable[[], Awaitable[bool | None]], message: str) -> None:
        """Make ``change``; it returns False when the promise was kept or removed meanwhile."""
        if await change() is False:
            message = "That promise was kept or removed meanwhile: nothing was moved."
        self.notify(message, markup=False)
        self.load()

    def action_timeline(self) -> None:
        from callmate.domain.agenda import CallRow, ColdRow, PromiseRow

        match self._current():
            case PromiseRow(promise=promise):
                self.open_timeline(promise.contact_id)
            case ColdRow(contact=cold):
                self.open_timeline(cold.contact_id)
            case CallRow(call=summary):
                self.timeline_of_call(summary.id)

    @work(group="timeline", exclusive=True, exit_on_error=False)
    async def timeline_of_call(self, call_id: int) -> None:
        call = await self.store.get_call(call_id)
        if call.contact.id is not None:
            self.open_timeline(call.contact.id)

    def open_timeline(self, contact_id: int) -> None:
        from callmate.screens.timeline import TimelineScreen

        self.app.push_screen(TimelineScreen(contact_id))

    def action_search(self) -> None:
        from callmate.screens.search import SearchScreen

        self.app.push_screen(SearchScreen())

    def action_review(self) -> None:
        # Imported here: the review and its charts are never on the way to the first frame.
        from callmate.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen())

    def action_settings(self) -> None:
        from callmate.screens.settings import SettingsScreen

        self.app.push_screen(SettingsScreen(self.callmate.preferences.settings))

    def action_restore_discarded(self) -> None:
        if self.agenda is not None and self.agenda.restorable is not None:
            self.restore_discarded(self.agenda.restorable.id)

    @work(group="restore", exclusive=True, exit_on_error=False)
    async def restore_discarded(self, call_id: int) -> None:
        """Bring the discarded call back, live as it was, and resume it."""
        call = await self.store.restore_call(call_id)
        self.notify(f"Call with {call.contact.name} brought back.", markup=False)
        self.open_live(call_id)

    # -- open calls ---------------------------------------------------------
    def after_interrupted(self, choice: tuple[str, int] | None) -> None:
        self._offer_open = False
        reads, self._resume_reads = self._resume_reads, {}
        if choice is not None:
            what, call_id = choice
            self.open_live(call_id, close=what == "close", preloaded=reads.get(call_id))

    def answer_offer(self, offer: Screen[Any], choice: tuple[str, int]) -> None:
        """Resume or close an offered call: its screen takes the offer's place."""
        self._offer_open = False
        reads, self._resume_reads = self._resume_reads, {}
        what, call_id = choice
        self.open_live(
            call_id, close=what == "close", preloaded=reads.get(call_id), replacing=offer
        )

    @work(group="resume-preload", exit_on_error=False)
    async def preload_resume(self, call_id: int) -> None:
        """While the offer is read, get the offered call ready to resume at once.

        Resuming a 1,000-note call took 0.5-0.9 s from ``r``: importing the
        live call's screen and widgets, reading the call, then building the
        screen (benchmarks/growth.py). The first two are done here, while the
        user reads the offer, once the warm-up has loaded SQLAlchemy (it
        calls this): not on the database thread, and not slowing a first key.
        Only the offer's answer uses the read (:meth:`answer_offer`): nothing
        changes the call while the offer is on screen, and any answer drops it.
        """
        import asyncio

        if not self._offer_open:
            return
        await asyncio.to_thread(_import_live_call)
        if not self._offer_open or call_id in self._resume_reads:
            return
        self._resume_reads[call_id] = self.store.preload_resume(call_id)

    @work(exclusive=True, group="open-call", exit_on_error=False)
    async def open_live(
        self,
        call_id: int,
        *,
        close: bool = False,
        preloaded: Future[Call] | None = None,
        replacing: Screen[Any] | None = None,
    ) -> None:
        """Resume an open call where it was; optionally go straight to its close.

        ``replacing``: the offer the call was chosen on, replaced by the call's screen.
        """
        import asyncio

        from callmate.screens.live_call import LiveCallScreen

        with self.callmate.key_order.holding():
            call = None
            if preloaded is not None:
                try:  # read while the offer was on screen
                    call = await asyncio.shield(asyncio.wrap_future(preloaded))
                except Exception:  # read again below: that one's error is shown
                    call = None
            try:
                if call is None:
                    # The notes in one raw query: a 1,000-note call is read in
                    # tens of milliseconds (benchmarks/growth.py), not after the ORM.
                    call = await self.store.call_to_resume(call_id)
            except BaseException:
                if replacing is not None and self.app.screen is replacing:
                    replacing.dismiss(None)  # the error shows over the day
                raise
            screen = LiveCallScreen(
                call, time_check_minutes=self.callmate.preferences.settings.time_check_minutes
            )
            if replacing is not None and self.app.screen is replacing:
                await self.app.switch_screen(screen)
            else:
                await self.app.push_screen(screen)
            if close:
                screen.action_close_call()


def _import_live_call() -> None:
    """The live call's screen, widgets and resume read: imported on a thread."""
    import callmate.screens.live_call  # noqa: F401
    from callmate.store.service import preload_imports

    preload_imports()
