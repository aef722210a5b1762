"""A store job that fails on any screen is told in plain words, never a crash."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from callmate.app import CallmateApp
from callmate.screens.base import CallmateScreen
from callmate.store.errors import StoreUnavailable
from tests.helpers import screen_text, settle


class FailingScreen(CallmateScreen[None]):
    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def compose(self) -> ComposeResult:
        yield Static("a screen")

    def on_mount(self) -> None:
        self.run_worker(self.fail, exit_on_error=False)

    async def fail(self) -> None:
        raise self.error


async def test_an_unreachable_store_is_its_own_one_line_not_a_class_name(
    app: CallmateApp,
) -> None:
    message = "The disk is full. Free some space."
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await app.push_screen(FailingScreen(StoreUnavailable(message, kind="full")))
        await settle(pilot)
        text = screen_text(pilot)
        assert "Your data can't be reached" in text
        assert "The disk is full. Free some space." in text
        assert "StoreUnavailable" not in text
        assert app.is_running


async def test_any_other_failure_names_itself_and_the_app_goes_on(app: CallmateApp) -> None:
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await app.push_screen(FailingScreen(ValueError("odd value [b]x[/b]\x1b]0;t\x07")))
        await settle(pilot)
        text = screen_text(pilot)
        assert "Something went wrong" in text
        assert "ValueError: odd value [b]x[/b]" in text, "shown as typed, not as markup"
        assert "\x1b" not in text
        assert app.is_running
