"""The floor for benchmarks/growth.py: a bare Textual app doing what the notes log does.

Ten lines in an OptionList under a "left open" offer: ``r`` switches to the
list (a bare screen switch), Delete removes the highlighted line, Ctrl+Z puts
it back, Enter copies it into an Input and Enter there replaces it; Home, End
and Page Down move the highlight; a resize redraws. The lines carry the same
markers (``n00001`` ...) as the callmate run, so both are timed alike.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static

LINES = 10


class Notes(Screen[None]):
    BINDINGS = [
        Binding("delete", "delete", "Delete"),
        Binding("ctrl+z", "undo", "Undo"),
        Binding("up", "to_list", "Up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lines = [f"n{i:05d} a note of the call, number {i}" for i in range(1, LINES + 1)]
        self.deleted: list[tuple[int, str]] = []
        self.editing: int | None = None

    def compose(self) -> ComposeResult:
        yield Static("On call")
        yield OptionList(*self.lines, id="log", markup=False)
        yield Input(placeholder="type a note", id="line", compact=True)

    def on_mount(self) -> None:
        log = self.query_one(OptionList)
        log.highlighted = len(self.lines) - 1
        self.query_one(Input).focus()

    def action_to_list(self) -> None:
        log = self.query_one(OptionList)
        if self.focused is not log:
            log.focus()
            log.highlighted = len(self.lines) - 1

    def action_delete(self) -> None:
        log = self.query_one(OptionList)
        if log.highlighted is not None:
            index = log.highlighted
            self.deleted.append((index, self.lines.pop(index)))
            log.remove_option_at_index(index)
            self.notify("Note deleted. Ctrl+Z brings it back.")

    def action_undo(self) -> None:
        if self.deleted:
            index, line = self.deleted.pop()
            self.lines.insert(index, line)
            log = self.query_one(OptionList)
            log.set_options(self.lines)
            log.highlighted = index
            self.notify("Note restored.")

    def on_option_list_option_selected(self, _event: OptionList.OptionSelected) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        log = self.query_one(OptionList)
        if self.focused is log and log.highlighted is not None:
            self.editing = log.highlighted
            line = self.query_one(Input)
            line.value = self.lines[self.editing]
            line.focus()
            log.border_subtitle = "editing: Enter saves"

    def on_input_submitted(self, event: Input.Submitted) -> None:
        log = self.query_one(OptionList)
        if self.editing is not None:
            self.lines[self.editing] = event.value
            log.replace_option_prompt_at_index(self.editing, event.value)
            self.editing = None
            log.border_subtitle = ""
        event.input.value = ""


class Offer(Screen[None]):
    BINDINGS = [Binding("r", "resume", "Resume")]

    def compose(self) -> ComposeResult:
        yield Static("A call was left open. r resumes it.")

    def action_resume(self) -> None:
        self.app.switch_screen(Notes())


class BareGrowth(App[None]):
    def on_mount(self) -> None:
        self.push_screen(Offer())


if __name__ == "__main__":
    BareGrowth().run()
