"""Settings: TOML in the config folder, never fatal when wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from callmate.app import CallmateApp
from callmate.screens.settings import SettingsScreen
from callmate.settings import Settings, load_settings, save_settings, settings_path
from callmate.widgets.text_field import TextField
from tests.helpers import screen_text, settle, type_text


def test_round_trip_keeps_awkward_text(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    settings = Settings(
        user_name='Sam "Q" Rivera', signature="Best,\nSam\n\\o/ ünïcode", question_limit=7
    )
    save_settings(settings, path)
    assert load_settings(path) == (settings, None)
    assert "# Your name, used to sign recap emails." in path.read_text()


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "nope.toml") == (Settings(), None)


def test_broken_toml_gives_defaults_and_says_why(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('user_name = "unterminated\n')
    settings, problem = load_settings(path)
    assert settings == Settings()
    assert problem is not None and "is not valid TOML" in problem
    assert path.read_text() == 'user_name = "unterminated\n', "the file is left alone"


def test_one_bad_value_keeps_the_good_ones(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('user_name = "Sam"\ncadence_days = 0\nquestion_limit = "many"\n')
    settings, problem = load_settings(path)
    assert settings.user_name == "Sam"
    assert settings.cadence_days == 30 and settings.question_limit == 5
    assert problem is not None and "cadence_days" in problem and "question_limit" in problem


def test_event_minutes_is_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("event_minutes = 45\n")
    assert load_settings(path)[0].event_minutes == 45
    path.write_text("event_minutes = 0\n")
    settings, problem = load_settings(path)
    assert settings.event_minutes == 30 and problem is not None and "event_minutes" in problem


def test_where_settings_live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLMATE_CONFIG", str(tmp_path / "elsewhere.toml"))
    assert settings_path() == tmp_path / "elsewhere.toml"
    monkeypatch.delenv("CALLMATE_CONFIG")
    monkeypatch.delenv("CALLMATE_HOME")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert settings_path() == tmp_path / "xdg" / "callmate" / "settings.toml"


def test_sign_off() -> None:
    assert Settings().sign_off() == "Best regards,"
    assert Settings(user_name="Sam").sign_off() == "Best regards,\nSam"
    assert Settings(user_name="Sam", signature="Cheers,\nS.").sign_off() == "Cheers,\nS."


async def test_settings_screen_refuses_bad_numbers_and_saves_good_ones(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        app.screen.query_one("#cadence-days").value = "0"  # type: ignore[attr-defined]
        app.screen.query_one("#time-check-minutes").value = "soon"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(pilot)
        assert "Not saved:" in text and "Cadence" in text and "Time check" in text
        assert isinstance(app.screen, SettingsScreen)
        app.screen.query_one("#cadence-days").value = "14"  # type: ignore[attr-defined]
        app.screen.query_one("#time-check-minutes").value = "25"  # type: ignore[attr-defined]
        await type_text(pilot, "{ctrl+u}Sam R.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, SettingsScreen)
        assert app.preferences.settings.cadence_days == 14
    settings, problem = load_settings(isolated_home / "settings.toml")
    assert problem is None
    assert (settings.user_name, settings.cadence_days, settings.time_check_minutes) == (
        "Sam R.",
        14,
        25,
    )


async def test_a_number_is_overwritten_by_typing_when_its_field_is_entered(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        field = app.screen.query_one("#cadence-days", TextField)
        field.focus()
        await settle(pilot)
        await type_text(pilot, "14")
        assert field.value == "14"
        await pilot.press("ctrl+s")
        await settle(pilot)
    settings, _ = load_settings(isolated_home / "settings.toml")
    assert settings.cadence_days == 14


HAND_WRITTEN = """\
# Sam's callmate settings (kept in my dotfiles)
user_name = "Sam Rivera"  # as on my cards
signature = "Best regards,\\nSam Rivera"
signature_asked = true

# a monthly rhythm suits my accounts
cadence_days = 30
my_own_note = "callmate does not know this key"

[keys]
# Alt+digit doesn't reach me in this terminal
"live.tick_1" = "f2"
"""


async def test_saving_from_the_app_keeps_comments_unknown_keys_and_order(
    app: CallmateApp, isolated_home: Path
) -> None:
    path = isolated_home / "settings.toml"
    path.write_text(HAND_WRITTEN)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        app.screen.query_one("#cadence-days", TextField).value = "14"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, SettingsScreen)
    assert path.read_text() == HAND_WRITTEN.replace("cadence_days = 30", "cadence_days = 14")
    assert load_settings(path)[0].cadence_days == 14


def test_a_file_that_is_not_toml_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('user_name = "unterminated\n# my notes\n')
    with pytest.raises(OSError, match="not valid TOML"):
        save_settings(Settings(user_name="Sam"), path)
    assert path.read_text() == 'user_name = "unterminated\n# my notes\n'


def test_a_new_key_joins_the_top_level_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('user_name = "Sam"\n\n[keys]\n"home.new_call" = "c"\n')
    save_settings(Settings(user_name="Sam", question_limit=7), path)
    text = path.read_text()
    assert text.index("question_limit = 7") < text.index("[keys]")
    assert load_settings(path)[0].question_limit == 7


def test_email_round_trip_and_a_bad_one_in_the_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    settings = Settings(user_name="Sam Rivera", user_email=" sam@acme.com ")
    assert settings.user_email == "sam@acme.com"
    save_settings(settings, path)
    assert load_settings(path) == (settings, None)
    assert "# Your e-mail address" in path.read_text()
    path.write_text('user_name = "Sam"\nuser_email = "sam at acme"\ncadence_days = 14\n')
    loaded, problem = load_settings(path)
    assert (loaded.user_name, loaded.user_email, loaded.cadence_days) == ("Sam", "", 14)
    assert problem is not None and "user_email" in problem and "\n" not in problem
    for bad in ("sam", "sam@acme", "@acme.com", "sam@.com", "sam @acme.com"):
        with pytest.raises(ValueError):
            Settings(user_email=bad)


async def test_settings_screen_refuses_a_bad_email_in_one_line_and_keeps_the_form(
    app: CallmateApp, isolated_home: Path
) -> None:
    path = isolated_home / "settings.toml"
    before = path.read_bytes() if path.exists() else None
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        await type_text(pilot, "{ctrl+u}Sam Rivera")
        email = app.screen.query_one("#user-email", TextField)
        email.focus()
        await settle(pilot)
        await type_text(pilot, "sam at acme")
        app.screen.query_one("#cadence-days", TextField).value = "14"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen), "nothing saved, the form stays"
        lines = [line for line in screen_text(pilot).splitlines() if "Not saved:" in line]
        assert len(lines) == 1 and "E-mail: needs an @ and a dot after it" in lines[0]
        assert "Value error" not in lines[0]
        assert "sam@acme.com" in lines[0]  # the example fits on the same line
        assert email.value == "sam at acme"
        assert app.screen.query_one("#user-name", TextField).value == "Sam Rivera"
        assert app.screen.query_one("#cadence-days", TextField).value == "14"
        assert (path.read_bytes() if path.exists() else None) == before, "nothing written"
        email.value = "sam@acme.com"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, SettingsScreen)
    settings, problem = load_settings(path)
    assert problem is None
    assert (settings.user_name, settings.user_email, settings.cadence_days) == (
        "Sam Rivera",
        "sam@acme.com",
        14,
    )


def test_the_method_numbers_read_without_pydantic_match_the_settings() -> None:
    """settings_file.RULE_NUMBERS (read by `callmate stats`, the review and the
    cadence before pydantic loads) has the Settings' defaults and bounds."""
    from annotated_types import Ge, Le

    from callmate.settings_file import RULE_NUMBERS

    for name, (default, low, high) in RULE_NUMBERS.items():
        field = Settings.model_fields[name]
        bounds = {type(m): m for m in field.metadata}
        assert (field.default, bounds[Ge].ge, bounds[Le].le) == (default, low, high), name
