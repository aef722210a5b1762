"""What Ctrl+P offers: the current screen's actions, and the app's own.

Built from each screen's ``BINDINGS`` (so a new key is in the palette without
a second list) and asked of the screen's ``check_action`` (so an action that
can't run now, such as bringing back a discarded call when there is none, is
not offered). A screen may rename a command for the moment
(``command_title``: "Take the call off hold") and add a few of its own
(``extra_commands``: "Resume call with Dana").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.actions import parse
from textual.app import SystemCommand
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from callmate.domain.text import clean_line

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen


@dataclass(frozen=True)
class Command:
    """One line of the palette: what it does, in plain words, and how to run it."""

    title: str
    help: str
    run: Callable[[], object]


SKIPPED_KEYS = frozenset({"up", "down", "pageup", "pagedown", "tab", "shift+tab"})
"""Moving around is no command."""


def key_of(app: App[object], binding: Binding) -> str:
    """The key that runs ``binding`` now (the user's keymap may have moved it), for display."""
    keymap: dict[str, str] = getattr(app, "keymap", {})
    key = keymap.get(binding.id or "", binding.key).split(",")[0].strip()
    return app.get_key_display(binding.with_key(key, key_display=None))


def bindings_of(screen: Screen[object]) -> list[Binding]:
    """The screen's own bindings, in the order it lists them."""
    return [b for b in Binding.make_bindings(type(screen).BINDINGS)]


def enabled(screen: Screen[object], action: str) -> bool:
    """Whether the screen would run ``action`` now (``check_action`` says yes)."""
    namespace, name, parameters = parse(action)
    if namespace == "app":
        return screen.app.check_action(name, parameters) is True
    return screen.check_action(name, parameters) is True


def offered(screen: Screen[object], action: str) -> bool:
    """Whether the screen offers ``action`` now: shown, even if greyed out.

    ``check_action`` answers False for a key that means nothing in this state
    (the close screen's ``ctrl+s`` is "Save call" or, once another window
    closed the call, "Add mine as a note"), None for one shown but disabled.
    """
    namespace, name, parameters = parse(action)
    target = screen.app if namespace == "app" else screen
    return target.check_action(name, parameters) is not False


def screen_commands(screen: Screen[object]) -> Iterator[Command]:
    app = screen.app
    seen: set[str] = set()
    title_of: Callable[[Binding], str | None] = getattr(
        screen, "command_title", lambda binding: binding.description
    )
    for binding in bindings_of(screen):
        if not binding.description or binding.key in SKIPPED_KEYS:
            continue
        if not enabled(screen, binding.action):
            continue
        title = title_of(binding)
        if not title or title in seen:
            continue
        seen.add(title)
        detail = binding.tooltip or binding.description
        action = binding.action

        def run(action: str = action) -> object:
            return screen.run_action(action)

        yield Command(title, f"{detail} ({key_of(app, binding)})", run)
    extra: Callable[[], Iterable[Command]] = getattr(screen, "extra_commands", lambda: ())
    yield from extra()
    if getattr(screen, "LEAVES_FREELY", False):
        yield from global_commands(screen)


def system_commands(
    textuals: Iterable[SystemCommand], show_help: Callable[[], object]
) -> Iterator[SystemCommand]:
    """Textual's own (theme, quit …) with this app's help in place of its Keys panel."""
    for command in textuals:
        if command.title == "Keys":
            continue
        yield command
    yield SystemCommand("Help", "The keys of this screen, by task (F1)", show_help)


GLOBALS = (
    ("Home: what is due", "Back to the home screen and its due list", ""),
    ("New call", "Plan a new call", "new_call"),
    ("Search", "Search every call's notes, quotes and people", "search"),
    ("Settings", "Your name, signature and reminders", "settings"),
    ("Review", "Goals met, promises kept, what deals are lost to, who is going cold", "review"),
)
"""Offered from screens that can be left at any moment (search, timeline, recap);
home has them as its own keys, and a call or a form in progress is never left
from the palette."""


def global_commands(screen: Screen[object]) -> Iterator[Command]:
    app = screen.app

    for title, detail, action in GLOBALS:

        async def run(action: str = action) -> None:
            from callmate.screens.home import HomeScreen

            while not isinstance(app.screen, HomeScreen) and len(app.screen_stack) > 1:
                await app.pop_screen()
            if action:
                await app.screen.run_action(action)

        yield Command(title, detail, run)


class ScreenCommands(Provider):
    """The palette's list for the screen it was opened on."""

    def _commands(self) -> list[Command]:
        return list(screen_commands(self.screen))

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(
                Content(clean_line(command.title)),
                command.run,
                help=escape(clean_line(command.help)),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            title = clean_line(command.title)
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    command.run,
                    help=escape(clean_line(command.help)),
                )
