"""Issue 18: callmate's reaches into Textual's private parts, checked against the pin.

Each function in callmate/textual_compat.py is exercised on real Textual
objects, so an upgrade that moves what one relies on fails here, by name,
instead of somewhere in the middle of a call.
"""

from __future__ import annotations

import importlib
import re
import time
import tomllib
from importlib.metadata import version
from pathlib import Path

from textual import constants
from textual._xterm_parser import XTermParser
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.widgets import Input, Static, TextArea

from callmate import textual_compat
from callmate.app import CallmateApp
from callmate.screens.live_call import LiveCallScreen

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def pinned_textual() -> str:
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    pins = [m.group(1) for d in dependencies if (m := re.fullmatch(r"textual==(\S+)", d))]
    assert len(pins) == 1, f"pyproject.toml should pin textual exactly once: {dependencies}"
    return pins[0]


def test_the_installed_textual_is_the_one_the_reaches_were_read_against() -> None:
    pinned, installed = pinned_textual(), version("textual")
    assert installed == pinned, (
        f"Textual {installed} is installed but pyproject.toml pins {pinned}: re-check every "
        "function and OVERRIDDEN_HANDLERS in callmate/textual_compat.py against the new "
        "Textual's source, then update the pin and PINNED_TEXTUAL."
    )
    assert pinned == textual_compat.PINNED_TEXTUAL, (
        f"callmate/textual_compat.py was checked against Textual {textual_compat.PINNED_TEXTUAL}, "
        f"pyproject.toml pins {pinned}: re-check its reaches, then update PINNED_TEXTUAL."
    )


def parse(raw: bytes) -> list[str]:
    """Keys as the Linux driver's parser reads ``raw`` from the terminal: an
    escape sequence it doesn't know is resolved once ESCDELAY has passed."""
    parser = XTermParser()
    events = list(parser.feed(raw.decode()))
    time.sleep(constants.ESCAPE_DELAY + 0.05)
    events += list(parser.tick())
    return [event.key for event in events if hasattr(event, "key")]


def test_esc_1_from_the_terminal_arrives_as_the_alt_1_callmate_binds(app: CallmateApp) -> None:
    # The app applied callmate's key patch as it was made (the fixture made it).
    assert parse(b"\x1b1") == ["alt+1"]
    assert parse(b"\x1b9") == ["alt+9"]
    assert parse(b"\x1b0") == ["alt+0"]
    bound = {
        key: binding.action
        for binding in LiveCallScreen.BINDINGS
        if isinstance(binding, Binding)
        for key in binding.key.split(",")
    }
    assert bound["alt+1"] == "toggle_question(1)"
    # Other escape sequences still parse as before.
    assert parse(b"\x1b[A") == ["up"]
    assert parse(b"\x1bx") == ["alt+x"]


def test_key_lists_are_named_as_textual_binds_them() -> None:
    assert textual_compat.normalize_key_list("?,f2") == "question_mark,f2"
    assert textual_compat.normalize_key_list("ctrl+u, k") == "ctrl+u,k"


class Ping(Message):
    pass


class Bare(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.closing_at_unmount: bool | None = None

    def compose(self) -> ComposeResult:
        yield Static("hello", id="static")
        yield Input("a line", id="input")
        yield TextArea("hello world", id="area")
        yield Tall(id="tall")

    def on_unmount(self) -> None:
        self.closing_at_unmount = textual_compat.app_is_closing(self)


class Tall(ScrollView):
    pass


async def test_a_message_waiting_in_a_widget_is_seen_until_it_is_handled() -> None:
    app = Bare()
    async with app.run_test() as pilot:
        await pilot.pause()
        static = app.query_one("#static", Static)
        assert not textual_compat.has_pending_messages(static)
        assert not textual_compat.has_pending_messages(app.screen)
        static.post_message(Ping())
        assert textual_compat.has_pending_messages(static)
        await pilot.pause()
        assert not textual_compat.has_pending_messages(static)


async def test_the_app_reads_as_closing_from_before_on_unmount() -> None:
    app = Bare()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert not textual_compat.app_is_closing(app)
    assert app.closing_at_unmount is True
    assert textual_compat.app_is_closing(app)


async def test_a_widgets_own_bindings_by_key() -> None:
    app = Bare()
    async with app.run_test() as pilot:
        await pilot.pause()
        bound = textual_compat.keys_bound_on(app.query_one("#input", Input))
        assert bound["ctrl+u"][0].action == "delete_left_all"
        assert bound["backspace"][0].action == "delete_left"
        assert "x" not in bound


async def test_a_replacement_lands_as_typed_and_not_when_read_only() -> None:
    app = Bare()
    async with app.run_test() as pilot:
        area = app.query_one("#area", TextArea)
        result = textual_compat.replace_as_typed(area, "howdy", (0, 0), (0, 5))
        assert result is not None and result.end_location == (0, 5)
        assert area.text == "howdy world"
        area.undo()
        await pilot.pause()
        assert area.text == "hello world"
        area.read_only = True
        assert textual_compat.replace_as_typed(area, "x", (0, 0), (0, 0)) is None
        assert area.text == "hello world"


async def test_the_scrollbars_follow_a_virtual_size_set_without_layout() -> None:
    app = Bare()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        tall = app.query_one("#tall", Tall)
        tall.virtual_size = Size(10, 500)
        textual_compat.update_scrollbars(tall, tall.virtual_size)
        assert tall.show_vertical_scrollbar
        assert tall.vertical_scrollbar.window_virtual_size == 500


def test_a_footer_marked_ready_composes_its_key_line() -> None:
    from textual.widgets import Footer

    footer = Footer()
    assert list(footer.compose()) == []  # not ready: nothing, not even reading the screen
    textual_compat.mark_footer_ready(footer)
    try:
        list(footer.compose())
    except Exception as error:  # past the guard: it now asks for its screen
        assert "screen" in f"{type(error).__name__} {error}".lower()
    else:
        raise AssertionError("a ready footer reads its screen's bindings")


def test_the_private_handlers_callmate_overrides_still_exist() -> None:
    for where, name, why in textual_compat.OVERRIDDEN_HANDLERS:
        module, _, cls_name = where.partition(":")
        cls = getattr(importlib.import_module(module), cls_name)
        assert callable(cls.__dict__.get(name)), (
            f"{where} no longer defines {name} ({why}): see callmate/textual_compat.py"
        )
