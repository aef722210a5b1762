"""The floor for starting: a bare Textual app that says hello and takes one key."""

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static


class Hello(App[None]):
    BINDINGS = [Binding("slash", "key", "Key")]

    def compose(self) -> ComposeResult:
        yield Static("Hello", id="hello")

    def action_key(self) -> None:
        self.query_one("#hello", Static).update("Got the key")


if __name__ == "__main__":
    Hello().run()
