"""The floor for typing: a bare Textual app with one focused Input."""

from textual.app import App, ComposeResult
from textual.widgets import Input


class BareInput(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(placeholder="ready", compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()


if __name__ == "__main__":
    BareInput().run()
