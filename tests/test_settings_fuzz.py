"""settings.toml is never fatal: any bytes give settings and at most a one-line message."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callmate.app import CallmateApp
from callmate.domain.models import Call, Contact, NextStep, Outcome
from callmate.locations import database_path
from callmate.screens.precall import PreCallScreen
from callmate.settings import Settings, load_settings, save_settings
from callmate.settings_file import peek_int
from callmate.store.repository import Repository
from tests.helpers import screen_text, settle

CONTROL = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]}
FIELDS = list(Settings.model_fields)
FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def check(result: tuple[Settings, str | None]) -> tuple[Settings, str | None]:
    """The property: usable settings, and no message or a one-line, printable one."""
    loaded, problem = result
    assert isinstance(loaded, Settings)
    Settings.model_validate(loaded.model_dump())  # every value is a valid one
    if problem is not None:
        assert isinstance(problem, str) and problem
        assert not CONTROL & set(problem), repr(problem)
    return loaded, problem


def write(path: Path, content: bytes | str) -> Path:
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "replace"))
    return path


# -- what the fuzzer found ----------------------------------------------------------
def test_one_bad_byte_keeps_the_rest_and_says_where(tmp_path: Path) -> None:
    path = write(tmp_path / "settings.toml", b'user_name = "Sam \xff"\ncadence_days = 14\n')
    loaded, problem = check(load_settings(path))
    assert loaded.cadence_days == 14 and loaded.user_name == ""
    assert problem is not None
    assert str(path) in problem and "line 1" in problem and "user_name" in problem
    assert path.read_bytes().startswith(b'user_name = "Sam \xff"'), "the file is left alone"
    # In a comment, a bad byte costs nothing but a mention.
    write(path, b'# caf\xe9\nuser_name = "Sam"\n')
    loaded, problem = check(load_settings(path))
    assert loaded.user_name == "Sam" and problem is not None and "not UTF-8" in problem
    assert peek_int("cadence_days", default=30, low=1, high=365) == 30


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"user_name = " + b"[" * 5000 + b"]" * 5000, "nested too deeply"),
        (b"x = " + b"{a=" * 5000 + b"1" + b"}" * 5000, "nested too deeply"),
        (b"cadence_days = " + b"9" * 5000, "number too long"),
        (b'user_name = "unterminated', "not valid TOML"),
        (b"\x1b]52;c;aGk=\x07 = 1", "not valid TOML"),
        (b"user_name = {first = 'Sam'}", "user_name"),
        (b"signature = [1, 2]", "signature"),
        (b"question_limit = nan", "question_limit"),
        (b"time_check_minutes = inf", "time_check_minutes"),
        (b"cadence_days = 99999999999999999999999", "cadence_days"),
        (b"cadence_days = 1979-05-27T07:32:00Z", "cadence_days"),
        (b"signature_asked = 2", "signature_asked"),
        (b" " * 1_000_001, "too big"),
    ],
)
def test_unusable_files_give_defaults_and_a_reason(
    tmp_path: Path, content: bytes, says: str
) -> None:
    path = write(tmp_path / "settings.toml", content)
    loaded, problem = check(load_settings(path))
    assert loaded == Settings()
    assert problem is not None and says in problem and str(path) in problem, problem


def test_odd_but_harmless_values_are_taken_cleaned(tmp_path: Path) -> None:
    path = write(
        tmp_path / "settings.toml",
        'user_name = "Sam\\u001b[31m \\u202eRivera"\n'
        '"not an identifier" = 1\n[some.table]\nx = 1\n',
    )
    loaded, problem = check(load_settings(path))
    assert loaded.user_name == "Sam[31m Rivera" and problem is None
    write(path, 'user_name = "' + "x" * 10_000 + '"\n')
    loaded, _ = check(load_settings(path))
    assert len(loaded.user_name) == 500


def test_a_folder_a_pipe_or_a_locked_file_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "settings.toml"
    folder.mkdir()
    pipe = tmp_path / "pipe.toml"
    os.mkfifo(pipe)  # nobody writes to it: reading it would wait forever
    for odd, why in ((folder, "Is a directory"), (pipe, "not a regular file")):
        loaded, problem = check(load_settings(odd))
        assert loaded == Settings() and problem is not None, odd
        assert why in problem and str(odd) in problem, problem
        monkeypatch.setenv("CALLMATE_CONFIG", str(odd))
        assert peek_int("cadence_days", default=30, low=1, high=365) == 30

    locked = write(tmp_path / "locked.toml", "cadence_days = 9\n")
    real_open = os.open

    def refuse(path: Any, *args: Any, **kwargs: Any) -> int:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    loaded, problem = check(load_settings(locked))
    assert loaded == Settings() and problem is not None and "Permission denied" in problem
    monkeypatch.setenv("CALLMATE_CONFIG", str(locked))
    assert peek_int("cadence_days", default=30, low=1, high=365) == 30


def test_a_path_with_control_characters_is_shown_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "evil\x1b]0;title\x07"
    folder.mkdir()
    path = write(folder / "settings.toml", b"\xff = 1")
    _, problem = check(load_settings(path))
    assert problem is not None and "evil\\x1b]0;title\\x07" in problem


# -- properties -----------------------------------------------------------------------
def toml_string() -> st.SearchStrategy[str]:
    text = st.text(max_size=30).map(lambda t: t.replace("\x7f", ""))
    plain = text.map(lambda t: "".join(c for c in t if c >= " " and c != "'"))
    return (
        text.map(lambda t: json.dumps(t, ensure_ascii=False))  # a valid TOML basic string
        | plain.map(lambda t: f"'{t}'")
        | st.sampled_from(['"\\u001b[31m"', '"\\u202eevil"', '"a\\tb"', '"""multi\nline"""'])
    )


SCALAR = (
    toml_string()
    | st.integers().map(str)
    | st.sampled_from(
        [
            "nan",
            "inf",
            "-inf",
            "1e400",
            "0x7f",
            "true",
            "false",
            "1979-05-27",
            "07:32:00",
            "1979-05-27T07:32:00Z",
            "9" * 30,
            "-0",
            "+5",
            "5.0",
        ]
    )
)
VALUE = st.recursive(
    SCALAR,
    lambda inner: (
        st.lists(inner, max_size=3).map(lambda v: "[" + ", ".join(v) + "]")
        | st.lists(st.tuples(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), inner), max_size=3).map(
            lambda kv: "{" + ", ".join(f"{k} = {v}" for k, v in kv) + "}"
        )
    ),
    max_leaves=10,
)
KEY = st.sampled_from(FIELDS) | st.from_regex(
    r'[A-Za-z0-9_-]{1,10}|"[^"\\\n]{0,10}"', fullmatch=True
)
LINE = (
    st.tuples(KEY, VALUE).map(lambda kv: f"{kv[0]} = {kv[1]}")
    | st.sampled_from(
        [
            "[table]",
            "[[array]]",
            "# comment",
            "",
            "user_name =",
            "= 1",
            'x = "\\x"',
            'x = "\\uD800"',
        ]
    )
    | st.text(max_size=20)
)
ASSIGNMENTS = st.dictionaries(
    st.sampled_from(FIELDS) | st.from_regex(r"[a-z_]{1,8}", fullmatch=True), VALUE, max_size=6
).map(lambda kv: "\n".join(f"{k} = {v}" for k, v in kv.items()))
# Mostly files tomllib reads (so the values reach validation), some broken ones.
TOMLISH = st.one_of(ASSIGNMENTS, ASSIGNMENTS, st.lists(LINE, max_size=8).map("\n".join))


@FUZZ
@given(content=st.binary(max_size=300))
def test_any_bytes_give_settings(tmp_path: Path, content: bytes) -> None:
    check(load_settings(write(tmp_path / "settings.toml", content)))


@FUZZ
@given(content=TOMLISH)
def test_any_tomlish_text_gives_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    path = write(tmp_path / "settings.toml", content)
    check(load_settings(path))
    monkeypatch.setenv("CALLMATE_CONFIG", str(path))
    assert 1 <= peek_int("cadence_days", default=30, low=1, high=365) <= 365


@FUZZ
@given(content=st.binary(max_size=100).map(lambda b: b"cadence_days = " + b))
def test_peek_never_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes) -> None:
    monkeypatch.setenv("CALLMATE_CONFIG", str(write(tmp_path / "settings.toml", content)))
    assert 1 <= peek_int("cadence_days", default=30, low=1, high=365) <= 365


@FUZZ
@given(name=st.text(max_size=40), signature=st.text(max_size=80))
def test_whatever_is_saved_loads_back(tmp_path: Path, name: str, signature: str) -> None:
    saved = Settings(user_name=name, signature=signature, signature_asked=True)
    path = save_settings(saved, tmp_path / "conf" / "settings.toml")
    assert load_settings(path) == (saved, None)


# -- writing ---------------------------------------------------------------------------
def test_save_is_private_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "settings.toml"
    save_settings(Settings(user_name="Sam"), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.toml"]
    path.parent.chmod(0o755)
    save_settings(Settings(user_name="Sam R."), path)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700, "a loose folder is tightened"
    assert load_settings(path)[0].user_name == "Sam R."


def test_save_into_a_folder_in_the_way_raises_oserror(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "settings.toml"
    path.mkdir(parents=True)
    with pytest.raises(OSError):
        save_settings(Settings(), path)
    assert path.is_dir() and list(path.parent.iterdir()) == [path], "no temporary file left"


# -- the shell command that printed a traceback ------------------------------------------
def test_recap_from_the_shell_survives_a_bad_settings_file(tmp_path: Path) -> None:
    repo = Repository.open(database_path(tmp_path))
    try:
        call = repo.start_call(
            Call(
                contact=Contact(name="Dana"),
                goal="Book a demo",
                started_at=datetime.now(UTC) - timedelta(hours=1),
            )
        )
        assert call.id is not None
        repo.finish_call(
            call.id,
            outcome=Outcome.YES,
            next_step=NextStep(what="Demo", due=datetime.now(UTC).date() + timedelta(days=3)),
            ended_at=datetime.now(UTC),
        )
    finally:
        repo.close()
    write(tmp_path / "settings.toml", b'user_name = "Sam \xff"\n')
    result = subprocess.run(
        [sys.executable, "-m", "callmate", "recap", str(call.id)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "CALLMATE_HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Hi Dana" in result.stdout and "Best regards," in result.stdout


# -- the app: 'n' crashed, and a call could not be resumed -------------------------
async def test_a_bad_byte_in_settings_is_reported_and_planning_works(
    app: CallmateApp, isolated_home: Path
) -> None:
    write(isolated_home / "settings.toml", b'user_name = "Sam \xff"\ncadence_days = 14\n')
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, PreCallScreen), "planning a call still works"
        assert app.return_code is None
        shown = " ".join(screen_text(pilot).replace("▌", " ").split())
        assert "Ignored in" in shown and "not UTF-8 text" in shown, shown
        assert (
            app.preferences.settings.cadence_days == 14 and app.preferences.settings.user_name == ""
        )
