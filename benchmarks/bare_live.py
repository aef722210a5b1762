"""A floor for benchmarks/growth.py's resize: the live call screen's widget tree in bare Textual.

benchmarks/bare_growth.py is an OptionList, an Input and a Static; the live
call screen (callmate/screens/live_call.py) lays out and draws more: a header
row (goals, clock), the time-check banner (shown: the growth benchmark's
call started 40 minutes ago), the notes log, a hidden prep panel and the
questions checklist (the body's full height) side by side, a two-line key
hint and the note row (kind label, note line), with the same CSS
(callmate/app.tcss and the widgets' own). Here each is its plain Textual
widget (Static, OptionList, Label, Input) and the notes log is an OptionList
of ten notes, drawn as stock Textual draws them, so what a
resize costs here is what Textual costs for that tree without callmate's
code. The keys are bare_growth's (``r``, Delete, Ctrl+Z, Enter, Home, End,
Page Down), so ``python -m benchmarks.growth --bare benchmarks.bare_live``
times every action against it.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label, OptionList, Static

from benchmarks.bare_growth import Notes, Offer

QUESTIONS = [
    "[ ] 1. What made you look at this now?",
    "[ ] 2. Who else decides, and how?",
    "[ ] 3. What happens if nothing changes?",
    "[ ] 4. What would a good first month look like?",
    "[ ] 5. When would you want it running?",
]

CSS = """
#call-header { height: auto; background: $boost; padding: 0 1; }
#goals { width: 1fr; height: auto; max-height: 5; }
#clock { width: auto; max-width: 40; padding: 0 1; text-align: right; }
#time-check { background: $warning 25%; color: $text; padding: 0 1; height: auto; }
#call-body { height: 1fr; }
#log { width: 2fr; height: 1fr; border: round $primary 50%; border-title-align: left; }
#prep { width: 4fr; height: 1fr; border: round $accent 50%; padding: 0 1; }
#questions {
    width: 1fr; min-width: 24; max-width: 40; height: 1fr; max-height: 100%;
    border: round $secondary 40%; border-title-align: left;
}
#keys-hint { padding: 0 1; height: 2; }
#note-row { height: 1; }
#kind-label { width: 18; padding: 0 1; text-align: right; text-style: bold; background: $surface; }
#line { width: 1fr; }
"""


class LiveTree(Notes):
    """bare_growth's Notes, laid out as the live call screen."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="call-header"):
            yield Static("Goal: book the pilot\nBackup: a second call with IT", id="goals")
            yield Static("Dana Whitfield · Northwind  00:12:34", id="clock")
        # Shown, as in growth's call (started 40 minutes before the benchmark).
        yield Static(
            "20 minutes in. Say so, and ask if they are happy to keep going.", id="time-check"
        )
        with Horizontal(id="call-body"):
            log = OptionList(*self.lines, id="log", markup=False)
            log.border_title = "Notes · ↑ edit · space: @ in email"
            yield log
            prep = Static("", id="prep")
            prep.display = False
            yield prep
            questions = OptionList(*QUESTIONS, id="questions", markup=False, compact=True)
            questions.border_title = "Questions · Alt+N or /N"
            yield questions
        yield Static(
            "Ctrl+O objection, Ctrl+N next step …\nCtrl+E close ↑ notes ^p more", id="keys-hint"
        )
        with Horizontal(id="note-row"):
            yield Label("note ▸", id="kind-label")
            yield Input(placeholder="type a note", id="line", compact=True)


class LiveOffer(Offer):
    def action_resume(self) -> None:
        self.app.switch_screen(LiveTree())


class BareLive(App[None]):
    CSS = CSS

    def on_mount(self) -> None:
        self.push_screen(LiveOffer())


if __name__ == "__main__":
    BareLive().run()
