"""The recap email, ready to edit and copy; the next step as a calendar event.

Edits are kept (saved a moment after typing stops), so leaving and coming
back shows the email as it was left. Ctrl+N rebuilds it from the notes, and
asks first when that would replace the user's own words. Below the email,
the call's notes, each marked @ when the email takes it: space puts one in
or takes it out and rebuilds the email, asking first if the user has edited
it (cancelling changes nothing). Exports are written
whole or not at all; a failed one says why in one line and loses nothing.
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Label, Static, TextArea

from callmate.clipboard import CopyReport, copy_text, timestamped_name
from callmate.domain.mail import (
    MAILTO_MAX,
    Mail,
    compose_mail,
    draft_file_name,
    eml_bytes,
    fits_a_link,
    mailto_url,
    recipient_address,
)
from callmate.domain.models import NoteKind
from callmate.domain.recap import Recap, compose_recap
from callmate.domain.text import clean, shown
from callmate.files import private_dir, write_atomic
from callmate.locations import exports_dir, recaps_dir
from callmate.screens.base import CallmateScreen
from callmate.widgets.notes_log import NotesLog
from callmate.widgets.recap_editor import RecapEditor
from callmate.widgets.text_field import TextField

if TYPE_CHECKING:
    from datetime import datetime

    from callmate.domain.models import Call, Note
    from callmate.settings import Settings

SAVE_DELAY = 0.6


class RecapScreen(CallmateScreen[None]):
    SUB_TITLE = "Recap email"
    LEAVES_FREELY = True
    """Ctrl+P may leave it for home, a new call, search or settings."""
    BINDINGS = [
        Binding(
            "ctrl+r",
            "copy_body",
            "Copy",
            priority=True,
            tooltip="Copy the email",
            id="recap.copy_body",
        ),
        Binding(
            "ctrl+t",
            "copy_subject",
            "Subject",
            priority=True,
            tooltip="Copy the subject",
            id="recap.copy_subject",
        ),
        Binding(
            "ctrl+g",
            "export_ics",
            ".ics",
            priority=True,
            tooltip="Save the next step as a calendar event (.ics)",
            id="recap.export_ics",
        ),
        Binding(
            "ctrl+o",
            "export_markdown",
            ".md",
            priority=True,
            tooltip="Save the whole call as Markdown",
            id="recap.export_markdown",
        ),
        Binding(
            "ctrl+l",
            "mail",
            "Mail",
            priority=True,
            tooltip="Open the email in your mail client, ready to send",
            id="recap.mail",
        ),
        Binding(
            "ctrl+f",
            "save_draft",
            ".eml",
            priority=True,
            tooltip="Save the email as a draft file (.eml) any mail client opens",
            id="recap.save_draft",
        ),
        Binding(
            "f4",
            "edit_outside",
            "Edit",
            priority=True,
            tooltip="Edit the email in your own text editor ($VISUAL or $EDITOR)",
            id="recap.edit_outside",
        ),
        Binding(
            "ctrl+n",
            "rebuild",
            "Rebuild from notes",
            priority=True,
            show=False,
            tooltip="Rebuild the email from the notes",
            id="recap.rebuild",
        ),
        Binding("escape", "done", "Home", tooltip="Back home", id="recap.done"),
    ]

    # The footer's words are short so that all eight keys fit at 80 columns;
    # F1 shows each key's tooltip and the palette these fuller titles.
    PALETTE_TITLES = {
        "recap.copy_body": "Copy email",
        "recap.copy_subject": "Copy subject",
        "recap.export_ics": "Calendar .ics",
        "recap.export_markdown": "Markdown",
        "recap.mail": "Mail app",
        "recap.save_draft": "Draft .eml",
        "recap.edit_outside": "Edit in $EDITOR",
    }

    def command_title(self, binding: Binding) -> str | None:
        """The palette's name for a key (see :data:`PALETTE_TITLES`)."""
        return self.PALETTE_TITLES.get(binding.id or "", binding.description)

    def __init__(self, call_id: int) -> None:
        super().__init__()
        self.call_id = call_id
        self.call: Call | None = None
        self.carried: list[Note] = []
        """Open promises from earlier calls with this contact, repeated in the email."""
        self._save_timer: Timer | None = None
        self._loading = True
        # Kept by reference: an edit is still saved while the screen is being
        # taken down (quit), when the widgets can no longer be looked up.
        self.subject_field = TextField(id="recap-subject")
        self.editor = RecapEditor(id="recap-body")
        self.notes_log = NotesLog(id="recap-notes", editable=False)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the recap…", id="recap-title", markup=False)
        with Horizontal(id="subject-row", classes="row"):
            yield Label("Subject", classes="field-label")
            yield self.subject_field
        yield self.editor
        yield self.notes_log
        yield Static("", id="copy-status", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#recap-subject", Input).disabled = True
        self.query_one("#recap-body", RecapEditor).disabled = True
        self.notes_log.border_title = "Notes · Tab here, space: @ in the email or out"
        self.load_call()

    @work(exclusive=True, group="recap-load", exit_on_error=False)
    async def load_call(self) -> None:
        call_id = self.call_id
        call = await self.store.get_call(call_id)
        self.carried = await self.store.earlier_open_commitments(call_id)
        self.call = call
        who = call.contact.name + (f" ({call.contact.company})" if call.contact.company else "")
        if address := recipient_address(call.contact.email):
            who += f" <{address}>"
        self.query_one("#recap-title", Static).update(
            f"To {who}. Edit it here; Ctrl+R copies the email."
        )
        if call.recap_body is not None:
            self.show(Recap(subject=call.recap_subject or "", body=call.recap_body))
        else:
            self.show(self.compose_recap())
        self.notes_log.show(call.notes)
        subject = self.query_one("#recap-subject", Input)
        editor = self.query_one("#recap-body", RecapEditor)
        subject.disabled = editor.disabled = False
        self.set_focus(editor)
        settings = self.callmate.preferences.settings
        if not settings.signature_asked and not settings.user_name:
            from callmate.screens.settings import SettingsScreen

            self.app.push_screen(SettingsScreen(settings, first_time=True), self.after_settings)

    def compose_recap(self) -> Recap:
        assert self.call is not None
        return compose_recap(
            self.call, signature=self.callmate.preferences.settings.sign_off(), carried=self.carried
        )

    def show(self, recap: Recap) -> None:
        self._loading = True
        self.query_one("#recap-subject", Input).value = recap.subject
        self.query_one("#recap-body", RecapEditor).load_text(recap.body)
        self.call_after_refresh(self._done_loading)

    def _done_loading(self) -> None:
        self._loading = False

    def after_settings(self, settings: Settings | None) -> None:
        if settings is not None and self.call is not None and self.call.recap_body is None:
            self.show(self.compose_recap())  # signed with the name just given

    # -- keeping edits ----------------------------------------------------
    @on(TextArea.Changed, "#recap-body")
    @on(Input.Changed, "#recap-subject")
    def edited(self) -> None:
        if self._loading or self.call is None:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.save_edits)

    def save_edits(self) -> None:
        self._save_timer = None
        if self.call is None:
            return
        subject = self.subject_field.value
        body = self.editor.text
        call_id = self.call_id
        self.call.recap_subject, self.call.recap_body = subject, body
        self.store.save_recap(call_id, subject, body)

    def action_rebuild(self) -> None:
        """Rebuild from the notes; ask first if that would throw away the user's words."""
        if self.call is None:
            return
        recap = self.compose_recap()
        subject = self.query_one("#recap-subject", Input).value
        body = self.query_one("#recap-body", RecapEditor).text
        if (subject, body) == (recap.subject, recap.body):
            self.notify("The email already matches the call's notes.")
            return
        from callmate.screens.dialogs.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.rebuild()

        self.app.push_screen(
            ConfirmScreen(
                "Rebuild the email from the call's notes?\n"
                "Your edits to the subject and email will be lost."
            ),
            answered,
        )

    def rebuild(self) -> None:
        if self.call is None:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        recap = self.compose_recap()
        self.show(recap)
        self.call.recap_subject, self.call.recap_body = recap.subject, recap.body
        call_id = self.call_id
        self.store.save_recap(call_id, recap.subject, recap.body)
        self.notify("Rebuilt from the call's notes.")

    # -- which notes the email takes ---------------------------------------
    @on(NotesLog.EmailToggleRequested)
    def toggle_in_email(self, event: NotesLog.EmailToggleRequested) -> None:
        """Put a note into the email or take it out, and rebuild the email.

        If the email no longer reads as built from the notes (the user edited
        it), rebuilding would replace their words: ask first. No: nothing
        changes, neither the note nor the email.
        """
        if self.call is None or not 0 <= event.index < len(self.call.notes):
            return
        note = self.call.notes[event.index]
        if note.kind is NoteKind.PRIVATE:
            self.notify("A private note never goes into the email.")
            return
        built = self.compose_recap().body
        if self.editor.text == built:
            self._toggle(event.index)
            return
        from callmate.screens.dialogs.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self._toggle(event.index)
            else:
                self.notify("Nothing changed: the note and your email are as they were.")

        self.app.push_screen(
            ConfirmScreen(
                "Rebuild the email? Your edits to it will be replaced.\n"
                "(The subject stays as you left it.)"
            ),
            answered,
        )

    def _toggle(self, index: int) -> None:
        """Flip the note's choice (one row redrawn, one write) and rebuild the body."""
        assert self.call is not None
        note = self.call.notes[index]
        changed = note.model_copy(update={"in_email": not note.in_recap})
        self.call.notes[index] = changed
        self.notes_log.update_note(index, changed)
        note_id, in_email = note.id, changed.in_recap
        if note_id is not None:
            self.store.set_note_in_email(note_id, in_email)
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        subject, body = self.subject_field.value, self.compose_recap().body
        self.show(Recap(subject=subject, body=body))
        self.call.recap_subject, self.call.recap_body = subject, body
        call_id = self.call_id
        self.store.save_recap(call_id, subject, body)
        self.notify("In the email." if in_email else "Left out of the email.")

    # -- copying and exporting --------------------------------------------
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

    def action_export_ics(self) -> None:
        if self.call is None or self.call.next_step is None:
            self.notify("This call has no next step to put in a calendar.")
            return
        from callmate.domain.exporters import next_step_ics

        minutes = self.callmate.preferences.settings.event_minutes
        text = next_step_ics(self.call, self.callmate.clock.now(), minutes=minutes)
        self.write_export(text, f"call-{self.call_id}-next-step.ics", "Calendar event")

    def action_export_markdown(self) -> None:
        if self.call is None:
            return
        from callmate.domain.exporters import call_to_markdown

        subject = self.query_one("#recap-subject", Input).value
        body = self.query_one("#recap-body", RecapEditor).text
        text = call_to_markdown(self.call, subject, body, carried=self.carried)
        self.write_export(text, f"call-{self.call_id}.md", "Markdown")

    @work(thread=True, group="export", exit_on_error=False)
    def write_export(self, text: str, name: str, what: str) -> None:
        """Whole or not at all (an older export of the same name stays as it was)."""
        try:
            path = write_atomic(private_dir(exports_dir(self.callmate.data_dir)) / name, text)
        except OSError as error:
            message = f"{what} not saved: {why_not(error)}. Nothing is lost; try again once fixed."
            ok = False
        else:
            message = f"{what} saved to {shown(path)}"
            ok = True
        self.app.call_from_thread(self._exported, message, ok)

    def _exported(self, message: str, ok: bool = True) -> None:
        self.query_one("#copy-status", Static).update(message)
        self.notify(message, severity="information" if ok else "warning", markup=False, timeout=8)

    # -- sending: the mail client, a draft file, the user's editor -------------
    def current_mail(self) -> Mail:
        """The email as the screen shows it now, addressed to the call's contact."""
        assert self.call is not None
        contact = self.call.contact
        return compose_mail(
            name=contact.name,
            email=contact.email,
            subject=self.subject_field.value,
            body=self.editor.text,
        )

    def _key(self, binding_id: str) -> str:
        """The key that runs ``binding_id`` now (the user may have moved it), for messages."""
        from callmate.commands import key_of

        for binding in Binding.make_bindings(self.BINDINGS):
            if binding.id == binding_id:
                return key_of(self.app, binding)
        return binding_id  # pragma: no cover - every id asked for is above

    def action_mail(self) -> None:
        """Open the mail client with To, Subject and the email filled in (a ``mailto:``).

        Too long for a link that every client takes whole: saved as a draft
        file instead, saying why.
        """
        if self.call is None:
            self.notify("The recap is still loading.")
            return
        mail = self.current_mail()
        url = mailto_url(mail)
        if not fits_a_link(url):
            why = (
                f"Too long for a mail link ({len(url):,} characters once encoded; "
                f"mail clients cut links past {MAILTO_MAX:,})"
            )
            self.save_draft(mail, why=why)
            return
        self.open_mail(url, mail.to, self._key("recap.save_draft"))

    @work(thread=True, group="mail", exit_on_error=False)
    def open_mail(self, url: str, to: str, draft_key: str) -> None:
        """The opener can take seconds (or never return): never on the event loop."""
        from callmate.desktop import open_link

        opened = open_link(url)
        if opened.ok:
            whom = f" to {shown(to)}" if to else " (no address yet: the mail client asks)"
            message = f"Opened your mail client with the email{whom}; check it and send it there."
        else:
            message = (
                f"No mail client could be opened ({shown(opened.problem)}): "
                f"press {draft_key} to save the email as a draft (.eml)."
            )
        self.app.call_from_thread(self._exported, message, opened.ok)

    def action_save_draft(self) -> None:
        if self.call is None:
            self.notify("The recap is still loading.")
            return
        self.save_draft(self.current_mail())

    def save_draft(self, mail: Mail, *, why: str = "") -> None:
        assert self.call is not None
        now = self.callmate.clock.now()
        name = draft_file_name(self.call.contact.name, now.astimezone().date(), self.call_id)
        self.write_draft(mail, now, name, why)

    @work(thread=True, group="export", exit_on_error=False)
    def write_draft(self, mail: Mail, now: datetime, name: str, why: str) -> None:
        """Whole or not at all, like every export; a failure loses nothing (the email stays).

        Built here too, off the event loop: the standard library takes up to
        ~0.3 s to fold a long non-ASCII subject or name (tests/test_mail.py).
        """
        data = eml_bytes(mail, now)
        try:
            path = write_atomic(private_dir(exports_dir(self.callmate.data_dir)) / name, data)
        except OSError as error:
            lead = f"{why}, and the" if why else "The"
            message = (
                f"{lead} draft was not saved: {why_not(error)}. "
                "Nothing is lost; try again once fixed."
            )
            ok = False
        else:
            if why:
                message = f"{why}, so it was saved as a draft instead: {shown(path)}"
            else:
                message = f"Draft saved to {shown(path)}: open it in your mail client to send it."
            ok = not why
        self.app.call_from_thread(self._exported, message, ok)

    def action_edit_outside(self) -> None:
        """Edit the email in ``$VISUAL``/``$EDITOR``, the app suspended meanwhile.

        The editor's result replaces the email as one edit (Ctrl+Z brings the
        old one back) and is saved like typing. An editor that fails, or a
        terminal that can't be handed over, leaves the email as it was.
        """
        if self.call is None:
            self.notify("The recap is still loading.")
            return
        from textual.app import SuspendNotSupported

        from callmate.desktop import edit_text, editor_command

        command = editor_command()
        if command is None:
            self._exported(
                "No editor to open: set $VISUAL or $EDITOR (nano and vi aren't installed).",
                ok=False,
            )
            return
        before = self.editor.text
        try:
            with self.app.suspend():
                edited = edit_text(before, command)
        except SuspendNotSupported:
            self._exported(
                "This terminal can't be handed over to an editor (it can't suspend the app); "
                "edit the email here instead.",
                ok=False,
            )
            return
        if edited.text is None:
            self._exported(f"The email is unchanged: {shown(edited.problem)}.", ok=False)
            return
        text = clean(edited.text)
        if text == before:
            self._exported("No change made in the editor.")
            return
        self.editor.replace(text, (0, 0), self.editor.document.end)
        self.set_focus(self.editor)
        self._exported("Took the email back from your editor (Ctrl+Z undoes it).")

    def flush_edits(self) -> None:
        """Save an edit still waiting for its moment (leaving, or quitting)."""
        timer, self._save_timer = self._save_timer, None
        if timer is not None:
            timer.stop()
            self.save_edits()

    def on_unmount(self) -> None:
        # Ctrl+Q (or the app closing) right after typing: the store finishes
        # queued writes before the app exits, so this one is kept too.
        self.flush_edits()

    def action_done(self) -> None:
        self.flush_edits()
        self.app.pop_screen()


def why_not(error: OSError) -> str:
    """An OSError in a few plain words, naming the file or folder it is about."""
    where = shown(error.filename) if error.filename else ""
    if isinstance(error, (FileExistsError, NotADirectoryError)) and where:
        return f"{where} is a file, where callmate needs a folder"
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    if isinstance(error, PermissionError) and where:
        return f"no permission to write in {where}"
    reason = error.strerror or str(error) or type(error).__name__
    return f"{reason.rstrip('.')} ({where})" if where else reason.rstrip(".")
