"""How am I doing: goals met, promises kept, what deals are lost to, the method
in practice, connection rate, who is going cold. One key (v) from home.

The figures are counted by the store (``CallStore.stats``) on the database
thread; this screen only draws them. Every picture has its numbers beside
it (callmate/widgets/week_bars.py). Imported only when the key is pressed:
neither this module nor the charts are on the way to the first frame.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from callmate.screens.base import CallmateScreen
from callmate.widgets.key_footer import KeyFooter
from callmate.widgets.review_sections import SECTIONS, is_empty
from callmate.widgets.week_bars import Chart

if TYPE_CHECKING:
    from callmate.domain.stats import Stats, StatsRules

PERIODS: tuple[tuple[str, int | None], ...] = (
    ("the last 4 weeks", 4),
    ("the last 12 weeks", 12),
    ("all time", None),
)
"""What ``p`` steps through: the figures' period, in weeks (None: every call)."""
FIRST_PERIOD = 0
"""The last four weeks: the totals a rep acts on (the trends show twelve weeks
whatever the period), and about half the count of twelve at 100,000 calls
(BENCHMARKS.md)."""
ALL_TIME = date(1980, 1, 1)
"""The start of "all time": before any call a salesperson could have logged or
imported (a date near year 1 can't have a year taken off it)."""


def period_start(today: date, weeks: int | None) -> date:
    """The first day counted: the Monday ``weeks - 1`` weeks before this week's
    (so the period is whole weeks, this one included, like the trends)."""
    if weeks is None:
        return ALL_TIME
    return today - timedelta(days=today.weekday(), weeks=weeks - 1)


class ReviewScreen(CallmateScreen[None]):
    """The figures arrive after the first frame, from the database thread."""

    SUB_TITLE = "Review"
    LEAVES_FREELY = True
    """Ctrl+P may leave it for home, a new call, search or settings."""
    BINDINGS = [
        Binding("escape", "back", "Back", id="review.back"),
        Binding(
            "p",
            "period",
            "Period",
            priority=True,
            tooltip="Count the last 4 weeks, the last 12 weeks or all time",
            id="review.period",
        ),
    ]
    HELP = (
        "How your calls went: goals met, promises kept (yours and theirs), what "
        "deals are lost to, the method in practice, who is going cold. Each "
        "picture has its numbers beside it. ↑ ↓ PgUp PgDn scroll."
    )

    def __init__(self) -> None:
        super().__init__()
        self.period = FIRST_PERIOD
        self.stats: Stats | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Counting your calls…", id="review-status", markup=False)
        with VerticalScroll(id="review-body"):
            for key, _ in SECTIONS:
                yield Chart(lambda _palette: "", id=f"review-{key}")
        yield KeyFooter(compact=True)  # its key line built once, not once per binding change

    def on_mount(self) -> None:
        self.query_one("#review-body").display = False
        self.load()

    def action_period(self) -> None:
        self.period = (self.period + 1) % len(PERIODS)
        label = PERIODS[self.period][0]
        self.query_one("#review-status", Static).update(f"Counting {label}…")
        if not self.counting:
            self.load()
        # else: the count under way is followed by one for the period now chosen

    counting = False
    """A count is on the database thread. It can't be called back once asked
    (at 100,000 calls it takes a second or more), so p pressed meanwhile asks
    for no more than one count after it, of the period chosen last: the
    database thread, which also saves the notes of a call, never holds a queue
    of counts nobody will look at."""

    @work(group="review", exit_on_error=False)
    async def load(self) -> None:
        self.counting = True
        try:
            while not await self.count(self.period):
                pass  # p was pressed meanwhile: count the period chosen now
        except Exception as error:
            # Said here as well as in the error notification: never a silent "Counting".
            from callmate.domain.text import clean_line
            from callmate.store.service import StoreUnavailable

            why = error.message if isinstance(error, StoreUnavailable) else type(error).__name__
            self.show_nothing(f"Your figures could not be counted ({clean_line(why)}).")
            raise
        finally:
            self.counting = False

    async def count(self, period: int) -> bool:
        """Count ``period``'s figures; show them if it is still the period chosen
        (True), else say nothing and return False."""
        label, weeks = PERIODS[period]
        today = self.callmate.clock.today()
        now = self.callmate.clock.now()
        rules = self.rules()
        stats = await self.store.stats(period_start(today, weeks), today, now=now, rules=rules)
        if period != self.period:
            return False
        self.stats = stats
        if not is_empty(stats):
            self.show(stats, label)
            return True
        if weeks is not None:  # an empty period: is there anything at all?
            everything = await self.store.stats(ALL_TIME, today, now=now, rules=rules)
            if period != self.period:
                return False
            if not is_empty(everything):
                self.show_nothing(
                    f"No calls closed in {label}. Press p for a longer period; Esc: home."
                )
                return True
        self.show_nothing(NOTHING_YET)
        return True

    def rules(self) -> StatsRules:
        """The settings the figures depend on: the cadence, question limit, time check."""
        from callmate.domain.stats import StatsRules

        preferences = self.callmate.preferences
        if preferences.loaded:
            settings = preferences.settings
            return StatsRules(
                cadence_days=settings.cadence_days,
                question_limit=settings.question_limit,
                time_check_minutes=settings.time_check_minutes,
            )
        # v pressed before the warm-up read the settings: the three numbers from
        # the file, as the cadence is read, not pydantic first (~0.2 s on the key).
        # Same defaults and bounds as callmate/settings.py; a bad value there is
        # reported once the settings are read, and its default used here as there.
        from callmate.settings_file import peek_rules

        return StatsRules(**{**peek_rules(), "cadence_days": preferences.cadence_days})

    def show_nothing(self, message: str) -> None:
        """Words instead of zeros (and of a division by zero)."""
        self.query_one("#review-status", Static).update(message)
        self.query_one("#review-body", VerticalScroll).display = False

    def show(self, stats: Stats, label: str) -> None:
        status = self.query_one("#review-status", Static)
        body = self.query_one("#review-body", VerticalScroll)
        for key, draw in SECTIONS:
            self.query_one(f"#review-{key}", Chart).draw_with(partial(draw, stats))
        status.update(headline(stats, label))
        body.display = True
        if self.focused is None:
            body.focus()

    def action_back(self) -> None:
        self.app.pop_screen()


NOTHING_YET = (
    "Nothing to review yet. Once you have made and closed a few calls, this shows "
    "how often the goal was met, which promises were kept, what deals are lost "
    "to and who is going cold. Esc: home."
)


def headline(stats: Stats, label: str) -> str:
    from callmate.domain.text import count

    dials = stats.connections.overall
    since = "" if stats.since == ALL_TIME else f", since {stats.since:%a %d %b %Y}"
    return (
        f"Your calls, {label}{since}: {count(dials.calls, 'call')}, "
        f"{count(dials.connected, 'conversation')}. p: another period; Esc: home."
    )
