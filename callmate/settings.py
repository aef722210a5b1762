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

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from callmate.domain.models import MultiLine, OneLine
from callmate.settings_file import settings_path


class Settings(BaseModel):
    """Everything a user may want to change; every field has a sensible default."""

    model_config = ConfigDict(
        extra="ignore", validate_assignment=True, use_attribute_docstrings=True
    )

    user_name: OneLine = ""
    """Your name, used to sign recap emails."""
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

    def sign_off(self) -> str:
        if self.signature.strip():
            return self.signature.strip()
        if self.user_name:
            return f"Best regards,\n{self.user_name}"
        return "Best regards,"


def load_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """The settings, and a message when the file had to be ignored (in part)."""
    path = path or settings_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), None
    except OSError as error:
        return Settings(), f"Could not read {path}: {error}. Using the defaults."
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        return Settings(), f"{path} is not valid TOML ({error}). Using the defaults."
    try:
        return Settings.model_validate(data), None
    except ValidationError as error:
        good = {k: v for k, v in data.items() if k not in _bad_fields(error)}
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        return Settings.model_validate(good), f"Ignored in {path}: {problems}."


def _bad_fields(error: ValidationError) -> set[str]:
    return {str(e["loc"][0]) for e in error.errors() if e["loc"]}


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the file atomically: a crash mid-write never leaves half a file."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
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
    temporary = path.with_suffix(".toml.tmp")
    temporary.write_text("\n".join(lines), encoding="utf-8")
    os.replace(temporary, path)
    return path
