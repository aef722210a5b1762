"""F1 (or ? where nothing is being typed): the keys of the screen below, by task.

Built from that screen's ``BINDINGS`` (with the user's keymap applied), its
``HELP`` text and ``HELP_GROUPS``; the plan and live screens add the note
prefixes and the date grammar, read from the tables that define them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from callmate.commands import bindings_of, key_of, offered

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

KEY_WIDTH = 14

EVERYWHERE = (
    ("F1", "This help (? too, when you aren't typing)"),
    ("^p", "Every command of this screen, searchable"),
    ("Tab / ⇧Tab", "Next / previous field"),
    ("^q", "Quit (asks first during a call)"),
)


def help_text(screen: Screen[object]) -> Text:
    """The whole help for ``screen``, as plain text with styles (never markup)."""
    app = screen.app
    text = Text()
    intro = getattr(screen, "HELP", "")
    if intro:
        text.append(intro.strip() + "\n")
    # Only what the keys do now: a key with two meanings is listed by the one it has.
    bindings = [b for b in bindings_of(screen) if b.description and offered(screen, b.action)]
    groups: tuple[tuple[str, tuple[str, ...]], ...] = getattr(screen, "HELP_GROUPS", ())
    placed: set[str] = set()
    for title, actions in groups:
        members = [b for b in bindings if _name(b) in actions]
        placed.update(_name(b) for b in members)
        _section(text, app, title, members)
    rest = [b for b in bindings if _name(b) not in placed]
    _section(text, app, "Keys" if not groups else "Other keys", rest)
    for title, lines in getattr(screen, "help_extra", lambda: [])():
        _heading(text, title)
        for key, what in lines:
            _line(text, key, what)
    _heading(text, "Everywhere")
    for key, what in EVERYWHERE:
        _line(text, key, what)
    return text


def _name(binding: Binding) -> str:
    return binding.action.split("(")[0]


def _section(text: Text, app: App[object], title: str, bindings: list[Binding]) -> None:
    shown: list[tuple[str, str]] = []
    described: dict[str, int] = {}
    for binding in bindings:
        key = key_of(app, binding)
        what = binding.tooltip or binding.description
        if what in described:  # Alt+1 … Alt+9: one line, the keys together
            index = described[what]
            shown[index] = (shown[index][0].split(" … ")[0] + " … " + key, what)
            continue
        described[what] = len(shown)
        shown.append((key, what))
    if not shown:
        return
    _heading(text, title)
    for key, what in shown:
        _line(text, key, what)


def _heading(text: Text, title: str) -> None:
    text.append(f"\n{title}\n", style="bold")


def _line(text: Text, key: str, what: str) -> None:
    text.append(f"  {key:<{KEY_WIDTH}}", style="bold")
    text.append(f"{what}\n")


def prefix_lines() -> list[tuple[str, str]]:
    """The note prefixes, from the note-kind table."""
    from callmate.domain.models import NoteKind

    lines = [(kind.prefix, kind.label) for kind in NoteKind if kind.prefix]
    return [("(none)", NoteKind.NOTE.label), *lines]


def date_lines() -> list[tuple[str, str]]:
    """The date grammar in short, from its own examples."""
    from callmate.domain.dates import EXAMPLES

    return [("e.g.", ", ".join(EXAMPLES))]


def toggle_help(app: App[Any]) -> None:
    """F1: this screen's keys, by task; F1 again (or Esc) closes them."""
    screen = app.screen
    if isinstance(screen, HelpScreen):
        screen.dismiss(None)
        return
    title = f"Keys · {screen.sub_title or screen.title or 'callmate'}"
    app.push_screen(HelpScreen(help_text(screen), title))


class HelpScreen(ModalScreen[None]):
    """Scrolls with ↑ ↓ PgUp PgDn (the text has the focus); Esc, F1 or ? close it."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    #help {
        width: 76;
        max-width: 100%;
        height: 90%;
        border: round $accent;
        background: $panel;
    }
    #help-text {
        height: 1fr;
        padding: 0 1;
    }
    #help-keys {
        height: 1;
        color: $text-muted;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape,f1,question_mark", "close", "Close", id="help.close"),
    ]

    def __init__(self, text: Text, title: str) -> None:
        super().__init__()
        self.text = text
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            with VerticalScroll(id="help-text"):
                yield Static(self.text, markup=False)
            yield Static("↑ ↓ PgUp PgDn scroll · Esc closes", id="help-keys", markup=False)

    def on_mount(self) -> None:
        frame = self.query_one("#help", Vertical)
        frame.border_title = self.title_text
        self.query_one("#help-text", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
