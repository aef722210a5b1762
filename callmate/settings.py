"""Settings: a pydantic model, kept as TOML in the platform's config folder.

``settings.toml`` lives in the user config dir (platformdirs), or under
``$CALLMATE_HOME`` when that is set (tests), or wherever ``$CALLMATE_CONFIG``
points. A file that cannot be read never stops callmate: the defaults are used
and the problem is reported, and the file is left as it was.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from callmate.domain.models import MultiLine, OneLine
from callmate.domain.text import shown
from callmate.locations import CONFIG_ENV
from callmate.settings_file import NotASettingsFile, read_bytes, settings_path


class Settings(BaseModel):
    """Everything a user may want to change; every field has a sensible default."""

    model_config = ConfigDict(
        extra="ignore", validate_assignment=True, use_attribute_docstrings=True
    )

    user_name: OneLine = ""
    """Your name, used to sign recap emails."""
    user_email: OneLine = ""
    """Your e-mail address (callmate db add-user gives it to your team account)."""
    signature: MultiLine = ""
    """How recap emails end, e.g. "Best regards,\\nSam Rivera\\nAcme Freight"."""
    signature_asked: bool = False
    """Set once callmate has asked for the name and signature (it asks only once)."""
    question_limit: int = Field(default=5, ge=1, le=30)
    """How many planned questions before callmate suggests trimming the list."""
    time_check_minutes: int = Field(default=20, ge=1, le=480)
    """When, into a call, to remind you to acknowledge the time."""
    cadence_days: int = Field(default=30, ge=1, le=365)
    """Stay in touch at least this often: later next steps get a warning."""
    event_minutes: int = Field(default=30, ge=5, le=480)
    """How long a next step with a time of day lasts in the calendar (.ics) file."""

    @field_validator("user_email")
    @classmethod
    def _an_address(cls, value: str) -> str:
        value = value.strip()
        if value and not plausible_email(value):
            raise ValueError("needs an @ and a dot after it, e.g. sam@acme.com")
        return value

    def sign_off(self) -> str:
        if self.signature.strip():
            return self.signature.strip()
        if self.user_name:
            return f"Best regards,\n{self.user_name}"
        return "Best regards,"


def plausible_email(text: str) -> bool:
    """Light check only: something, an @, and a dot somewhere after it."""
    local, at, domain = text.rpartition("@")
    return bool(at and local and "." in domain.strip(".") and " " not in text)


def load_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """The settings, and a one-line message when the file had to be ignored (in part).

    Total: whatever the file holds (any bytes, a folder, no permission), the
    answer is usable settings, the defaults standing in for what isn't.
    """
    try:
        path = path or settings_path()
    except Exception as error:  # e.g. CALLMATE_CONFIG=~nobody/x: no such home
        return Settings(), _line(f"Could not find the settings file ({error}). Using the defaults.")
    try:
        return _load(path)
    except Exception as error:  # a bug here must not stop callmate: say it, go on
        return Settings(), _line(f"Could not use {shown(path)} ({error}). Using the defaults.")


def _load(path: Path) -> tuple[Settings, str | None]:
    where = shown(path)
    try:
        raw = read_bytes(path)
    except FileNotFoundError:
        return Settings(), None
    except NotASettingsFile as error:
        return Settings(), _line(f"Could not use {where}: {error}. Using the defaults.")
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return Settings(), _line(f"Could not read {where}: {reason}. Using the defaults.")
    notes: list[str] = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        notes.append(f"line {line} has bytes that are not UTF-8 text")
        text = raw.decode("utf-8", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return Settings(), _line(f"{where} is not valid TOML ({error}). Using the defaults.")
    except RecursionError:
        return Settings(), _line(f"{where} is nested too deeply to read. Using the defaults.")
    except ValueError:  # a number of more than 4,300 digits
        return Settings(), _line(f"{where} holds a number too long to read. Using the defaults.")
    if notes:  # the undecodable bytes became U+FFFD: a value holding one is unusable
        unreadable = {k for k, v in data.items() if isinstance(v, str) and "\ufffd" in v}
        notes += [
            f"{key}: not UTF-8 text" for key in sorted(unreadable & set(Settings.model_fields))
        ]
        data = {k: v for k, v in data.items() if k not in unreadable}
    try:
        settings = Settings.model_validate(data)
    except ValidationError as error:
        bad = _bad_fields(error)
        notes += [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:10]]
        try:
            settings = Settings.model_validate({k: v for k, v in data.items() if k not in bad})
        except ValidationError:
            settings = Settings()
    if not notes:
        return settings, None
    return settings, _line(
        f"Ignored in {where}: {'; '.join(notes)}. The defaults are used for these."
    )


def _line(message: str) -> str:
    """One line, nothing in it a terminal would act on."""
    return shown(" ".join(message.split()))


def _bad_fields(error: ValidationError) -> set[str]:
    return {str(e["loc"][0]) for e in error.errors() if e["loc"]}


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings into the file, keeping the user's comments, unknown keys
    and order (a new file starts with a comment per setting). Atomic (0600, in a
    0700 folder): a crash mid-write never leaves half a file. Raises OSError when
    it can't be written, or when the file there can't be read (it is left alone)."""
    from callmate.files import private_dir
    from callmate.settings_file import update_file

    path = path or settings_path()
    if os.environ.get(CONFIG_ENV):
        # A file the user pointed at may sit in a folder shared on purpose
        # (a dotfiles repo, a team folder): the file is private, the folder
        # stays as they made it.
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        private_dir(path.parent)
    values = {name: getattr(settings, name) for name in Settings.model_fields}
    defaults = Settings().model_dump()
    return update_file(path, values, fresh=_fresh_file(settings), defaults=defaults)


def _fresh_file(settings: Settings) -> str:
    """A new settings.toml: every setting, each with its description above it."""
    lines = ["# callmate settings. Edit here or in the app (s on the home screen).", ""]
    for name, field in Settings.model_fields.items():
        if field.description:
            lines.append(f"# {field.description}")
        value = getattr(settings, name)
        if isinstance(value, bool):
            rendered = "true" if value else "false"
        elif isinstance(value, int):
            rendered = str(value)
        else:
            # A JSON string is a valid TOML basic string (same escapes).
            rendered = json.dumps(value, ensure_ascii=False)
        lines.append(f"{name} = {rendered}")
        lines.append("")
    return "\n".join(lines)
