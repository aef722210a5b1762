"""Settings: your name and signature for recaps, and the method's numbers."""

from __future__ import annotations

from pydantic import ValidationError
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Input, Label, Static

from callmate.screens.base import CallmateScreen
from callmate.settings import Settings, save_settings, settings_path
from callmate.widgets.recap_editor import RecapEditor
from callmate.widgets.text_field import TextField

NUMBERS = [
    ("question_limit", "Questions", "more than this and callmate suggests trimming"),
    ("time_check_minutes", "Time check", "minutes into a call before the reminder"),
    ("cadence_days", "Cadence", "days; later next steps get a warning"),
]


class SettingsScreen(CallmateScreen["Settings | None"]):
    """Ctrl+S saves to settings.toml; Esc leaves everything as it was.

    Shown by itself before the first recap (``first_time``): Esc there only
    means "not now", so the question comes back with the next recap until a
    name or signature is saved or Ctrl+N says not to ask again.
    """

    SUB_TITLE = "Settings"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="settings.save"),
        Binding("ctrl+n", "never_ask", "Don't ask again", priority=True, id="settings.never_ask"),
        Binding("escape", "cancel", "Cancel", id="settings.cancel"),
    ]

    def __init__(self, settings: Settings, *, first_time: bool = False) -> None:
        super().__init__()
        self.current = settings
        self.first_time = first_time

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="settings-form"):
            if self.first_time:
                yield Static(
                    "Your first recap: how should emails be signed? Ctrl+S saves "
                    "(change it later with s on the home screen). Esc: ask me next time. "
                    'Ctrl+N: don\'t ask again, end emails with "Best regards,".',
                    id="settings-intro",
                )
            with Horizontal(classes="row"):
                yield Label("Your name", classes="field-label")
                yield TextField(
                    self.current.user_name,
                    placeholder="e.g. Sam Rivera",
                    advance=True,
                    id="user-name",
                )
            with Horizontal(classes="row"):
                yield Label("Your e-mail", classes="field-label")
                yield TextField(
                    self.current.user_email,
                    placeholder="e.g. sam@acme.com (for the team database)",
                    advance=True,
                    id="user-email",
                )
            yield Label("Signature (ends every recap email)", classes="section")
            editor = RecapEditor(id="signature")
            editor.load_text(self.current.signature or self._default_signature())
            yield editor
            for name, label, hint in NUMBERS:
                with Horizontal(classes="row"):
                    yield Label(label, classes="field-label")
                    yield TextField(
                        str(getattr(self.current, name)),
                        advance=True,
                        select_on_focus=True,
                        id=name.replace("_", "-"),
                        classes="number",
                    )
                    yield Label(hint, classes="hint")
            yield Static("", id="settings-error", classes="error", markup=False)
            yield Static(f"Saved in {settings_path()}", classes="hint", markup=False)
        yield Footer(compact=True)

    def _default_signature(self) -> str:
        return "Best regards,\n" + (self.current.user_name or "")

    def on_mount(self) -> None:
        self.query_one("#settings-error", Static).display = False
        self.set_focus(self.query_one("#user-name", Input))

    def read(self) -> Settings:
        """The form as settings; raises ValidationError with what is wrong."""
        name = self.query_one("#user-name", Input).value
        signature = self.query_one("#signature", RecapEditor).text.strip()
        if signature == "Best regards,":
            signature = ""  # the default, which follows the name
        data: dict[str, object] = {
            **self.current.model_dump(),
            "user_name": name,
            "user_email": self.query_one("#user-email", Input).value,
            "signature": signature,
            # Answered once something to sign with is given; a blank form
            # saved is not an answer, so the first recap asks again.
            "signature_asked": self.current.signature_asked or bool(name.strip() or signature),
        }
        for field, _label, _hint in NUMBERS:
            data[field] = self.query_one(f"#{field.replace('_', '-')}", Input).value.strip()
        return Settings.model_validate(data)

    def action_save(self) -> None:
        try:
            settings = self.read()
        except ValidationError as error:
            labels = {field: label for field, label, _hint in NUMBERS}
            labels["user_email"] = "E-mail"
            problems = "; ".join(
                f"{labels.get(str(e['loc'][0]), e['loc'][0])}: "
                f"{e['msg'].removeprefix('Value error, ')}"
                for e in error.errors()
            )
            message = self.query_one("#settings-error", Static)
            message.update(f"Not saved: {problems}.")
            message.display = True
            return
        self.write(settings)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def write(self, settings: Settings) -> None:
        try:
            path = save_settings(settings)
        except OSError as error:
            self.app.call_from_thread(
                self.notify,
                f"Could not save the settings: {error}",
                severity="error",
                markup=False,
            )
            return
        self.app.call_from_thread(self._saved, settings, str(path))

    def _saved(self, settings: Settings, path: str) -> None:
        self.callmate.preferences.settings = settings
        self.notify(f"Settings saved to {path}", markup=False)
        self.dismiss(settings)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "never_ask":
            return self.first_time
        return True

    def action_never_ask(self) -> None:
        """The explicit "no": remembered, and the question is not asked again."""
        if self.first_time:
            self.write(self.current.model_copy(update={"signature_asked": True}))

    def action_cancel(self) -> None:
        # Nothing is written: on the first recap, Esc means "not now", and the
        # question comes back with the next one.
        self.dismiss(None)
