"""The floor for starting: a bare Textual app that says hello and takes one key.

Its key opens a second screen with a text field, as "/" opens callmate's
search, so "first key" compares like with like.
"""

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static


class Second(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("Got the key")
        yield Input(placeholder="type here", compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()


class Hello(App[None]):
    BINDINGS = [Binding("slash", "key", "Key")]

    def compose(self) -> ComposeResult:
        yield Static("Hello", id="hello")

    def action_key(self) -> None:
        self.push_screen(Second())


if __name__ == "__main__":
    Hello().run()
