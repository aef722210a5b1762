"""Every place callmate reaches into Textual's private parts, in one file.

Textual is pinned (``textual==8.2.8`` in pyproject.toml). Each function below
names the private attribute it relies on, what it is for, and what breaks if
a new Textual changes it. ``tests/test_textual_compat.py`` exercises each
one and fails, naming this file, when the installed Textual is not the
pinned one: on an upgrade, re-read the Textual source for every entry here.

Besides these calls, some callmate widgets override Textual's private event
handlers (``_on_key``, ``_on_paste``, ``_watch_value``): Python needs the
method to carry Textual's own name, so those stay in the widgets and are
listed in :data:`OVERRIDDEN_HANDLERS`, which the test checks still exist.

Imports of Textual happen inside the functions: this module is imported on
the way to the first frame and must not add to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.binding import Binding
    from textual.document._document import EditResult, Location
    from textual.dom import DOMNode
    from textual.geometry import Size
    from textual.message_pump import MessagePump
    from textual.widget import Widget
    from textual.widgets import Footer, TextArea

PINNED_TEXTUAL = "8.2.8"
"""The Textual these reaches were read against (also pinned in pyproject.toml)."""


def forget_key_sequences(sequences: Iterable[str]) -> None:
    """Make the terminal input parser stop translating ``sequences`` itself.

    Relies on ``textual._ansi_sequences.ANSI_SEQUENCES_KEYS``, the dict
    ``textual._xterm_parser.XTermParser`` looks every escape sequence up in
    (the same object, imported by name). A sequence it no longer finds is
    reissued as Alt plus its character once ``ESCDELAY`` passes.
    If the table moves or is copied, Alt+digit arrives as ``¡``, ``™`` …
    again and the live call's question ticks stop working in Linux terminals.
    """
    from textual._ansi_sequences import ANSI_SEQUENCES_KEYS

    for sequence in sequences:
        ANSI_SEQUENCES_KEYS.pop(sequence, None)  # type: ignore[attr-defined]


def normalize_key_list(keys: str) -> str:
    """``"?,f2"`` named as Textual names keys in bindings: ``"question_mark,f2"``.

    Relies on ``textual.keys._normalize_key_list`` (what ``App.set_keymap``
    applies to a keymap's values). If it goes, the ``[keys]`` table in
    settings.toml can't compare what the user wrote with the bound keys.
    """
    from textual.keys import _normalize_key_list

    return _normalize_key_list(keys)


def has_pending_messages(node: MessagePump) -> bool:
    """Whether ``node`` (a widget, a screen) has messages still to process.

    Relies on ``MessagePump._message_queue``, the asyncio.Queue each node's
    messages wait in. Used to route a key only after the keys before it have
    had their effect (callmate/key_order.py). If it changes, that wait
    breaks: keys typed in a burst land on the wrong field or screen.
    """
    return not node._message_queue.empty()


def app_is_closing(app: App[Any]) -> bool:
    """Whether Textual has begun shutting ``app`` down.

    Relies on ``MessagePump._closing``, which ``App._shutdown`` sets (through
    ``_close_messages``) once the screens are closed and before ``on_unmount``.
    The warm-up thread reads it so it does not call into an app that is going
    away. If it changes, the warm-up may reach a closed database or a closed
    event loop when the app quits within its first two seconds (callmate's
    own flag, set in on_unmount, still covers the later part of that window).
    """
    return bool(app._closing)


def keys_bound_on(node: DOMNode) -> Mapping[str, list[Binding]]:
    """The bindings ``node`` itself has (keymap applied), by key.

    Relies on ``DOMNode._bindings`` (a ``BindingsMap``) and its
    ``key_to_bindings``. Fields handle their own editing keys (and lists hand
    typing back to their field) by looking keys up here. If it changes,
    typing into a list or Ctrl+U in a field stops working.
    """
    return node._bindings.key_to_bindings


def replace_as_typed(
    area: TextArea, text: str, start: Location, end: Location
) -> EditResult | None:
    """Replace ``start``..``end`` with ``text`` as if typed (None when read-only).

    Relies on ``TextArea._replace_via_keyboard``: what TextArea's own paste
    does (honours ``read_only``, undo grouping, selection offset). Used for
    pastes cleaned of control characters. If it changes, pasting into the
    recap or a long note fails.
    """
    return area._replace_via_keyboard(text, start, end)


def update_scrollbars(widget: Widget, virtual_size: Size) -> None:
    """Resize ``widget``'s scrollbars to ``virtual_size`` at once.

    Relies on ``Widget._scroll_update`` (what Textual runs after a layout
    changes the virtual size). The notes log sets its virtual size itself,
    without a layout pass, so it calls this. If it changes, the log's
    scrollbar lags behind new notes until the next resize.
    """
    widget._scroll_update(virtual_size)


def mark_footer_ready(footer: Footer) -> None:
    """Let ``footer`` draw the key line on its next compose.

    Relies on ``Footer._bindings_ready`` (a reactive set by
    ``Footer.bindings_changed``; ``Footer.compose`` yields nothing until it is
    true). :class:`callmate.widgets.key_footer.KeyFooter` replaces
    ``bindings_changed`` and so has to set it itself. If it is renamed, the
    home screen and the offer show an empty key line.
    """
    footer._bindings_ready = True


OVERRIDDEN_HANDLERS: tuple[tuple[str, str, str], ...] = (
    (
        "textual.widget:Widget",
        "_on_key",
        "TypingList (then through super()), ChoiceBar: typing handled in order",
    ),
    (
        "textual.widgets:Input",
        "_on_key",
        "TextField: Enter and editing keys handled before the next key lands",
    ),
    (
        "textual.widgets:Input",
        "_watch_value",
        "TextField: typing skips a layout pass (called through super())",
    ),
    (
        "textual.widgets:Input",
        "_on_paste",
        "TextField, NoteLine: pastes lose control characters (else raw text goes in)",
    ),
    (
        "textual.widgets:TextArea",
        "_on_paste",
        "RecapEditor, NoteText: pastes lose control characters (else raw text goes in)",
    ),
)
"""Textual private handlers callmate widgets override: (class, method, why).

If Textual renames one, the override silently stops running and Textual's
own handler takes over: the test checks each still exists."""
