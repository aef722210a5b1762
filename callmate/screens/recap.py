"""The recap email, ready to edit and copy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Input, Label, Static

from callmate.clipboard import CopyReport, copy_text, timestamped_name
from callmate.domain.recap import compose_recap
from callmate.locations import recaps_dir
from callmate.screens.base import CallmateScreen
from callmate.widgets.recap_editor import RecapEditor
from callmate.widgets.text_field import TextField

if TYPE_CHECKING:
    from callmate.domain.models import Call


class RecapScreen(CallmateScreen[None]):
    SUB_TITLE = "Recap email"
    BINDINGS = [
        Binding("ctrl+r", "copy_body", "Copy email", priority=True),
        Binding("ctrl+t", "copy_subject", "Copy subject", priority=True),
        Binding("escape", "done", "Home"),
    ]

    def __init__(self, call_id: int) -> None:
        super().__init__()
        self.call_id = call_id
        self.call: Call | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the recap…", id="recap-title", markup=False)
        with Horizontal(id="subject-row", classes="row"):
            yield Label("Subject", classes="field-label")
            yield TextField(id="recap-subject")
        yield RecapEditor(id="recap-body")
        yield Static("", id="copy-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#recap-subject", Input).disabled = True
        self.query_one("#recap-body", RecapEditor).disabled = True
        self.load_call()

    @work(exclusive=True, group="recap-load", exit_on_error=False)
    async def load_call(self) -> None:
        call_id = self.call_id
        call = await self.store.run(lambda repo: repo.get_call(call_id))
        self.call = call
        recap = compose_recap(call)
        who = call.contact.name + (f" ({call.contact.company})" if call.contact.company else "")
        self.query_one("#recap-title", Static).update(
            f"To {who}. Edit it here; Ctrl+R copies the email."
        )
        subject = self.query_one("#recap-subject", Input)
        subject.value = recap.subject
        subject.disabled = False
        editor = self.query_one("#recap-body", RecapEditor)
        editor.load_text(recap.body)
        editor.disabled = False
        self.set_focus(editor)

    def action_copy_body(self) -> None:
        if self.call is None:
            self.notify("The recap is still loading.")
            return
        self.copy(self.query_one("#recap-body", RecapEditor).text, "recap")

    def action_copy_subject(self) -> None:
        if self.call is None:
            self.notify("The recap is still loading.")
            return
        self.copy(self.query_one("#recap-subject", Input).value, "subject")

    @work(thread=True, group="copy", exit_on_error=False)
    def copy(self, text: str, what: str) -> None:
        data_dir = self.callmate.data_dir
        report = copy_text(
            text,
            system=self.callmate.system_clipboard,
            terminal=lambda t: self.app.call_from_thread(self.app.copy_to_clipboard, t),
            fallback_file=lambda: (
                recaps_dir(data_dir) / timestamped_name(f"call-{self.call_id}-{what}")
            ),
        )
        self.app.call_from_thread(self.show_report, report)

    def show_report(self, report: CopyReport) -> None:
        self.query_one("#copy-status", Static).update(report.message)
        self.notify(
            report.message,
            severity="information" if report.ok else "warning",
            timeout=8,
            markup=False,
        )

    def action_done(self) -> None:
        self.app.pop_screen()
