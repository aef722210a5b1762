"""``callmate stats [--since DATE] [--json]``: the hand-counted history of
tests/test_stats.py, as a user reads it from the shell.

The command asks ``callmate.cli._clock`` for today and now; these tests give
it the FrozenClock every test runs on (Sunday 22 Nov 2026 15:00 UTC).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from callmate import cli as module
from callmate.clock import FrozenClock
from callmate.locations import database_path
from callmate.store.repository import Repository
from tests.conftest import NOW
from tests.test_cli_robust import cli, one_line, private_home
from tests.test_startup_imports import LATER_SCREENS_ONLY, loaded_after, present
from tests.test_stats import build_history


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "_clock", lambda: FrozenClock(NOW))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = module.main(["stats", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_gives_the_hand_count(local: Repository, capsys: pytest.CaptureFixture[str]) -> None:
    build_history(local)
    code, out, _err = run(capsys, "--json")
    assert code == 0
    figures = json.loads(out)
    assert figures["schema_version"] == 1
    assert (figures["since"], figures["today"]) == ("2026-08-31", "2026-11-22")
    assert figures["weeks"][0] == "2026-08-31" and figures["weeks"][-1] == "2026-11-16"
    goals = figures["goals"]
    assert goals["overall"] == {"met": 4, "backup": 2, "neither": 2, "unjudged": 1}
    assert list(goals["by_call_type"]) == ["discovery", "follow_up", "proposal", "closing"]
    assert goals["by_week"][11] == {"met": 1, "backup": 0, "neither": 0, "unjudged": 1}
    follow = figures["follow_through"]
    assert follow["both"] == {
        "ours": {"on_time": 4, "late": 1, "broken": 2},
        "theirs": {"on_time": 2, "late": 1, "broken": 3},
    }
    outcomes = figures["outcomes"]
    assert (outcomes["yes"], outcomes["no"], outcomes["maybe"]) == (3, 3, 3)
    assert outcomes["no_reasons"][0] == {
        "reason": "no_project",
        "label": "No project",
        "count": 2,
    }
    assert outcomes["maybe_reasons"][1] == {"reason": "", "label": "No reason given", "count": 1}
    method = figures["method"]
    assert method["quoted"] == {"count": 5, "of": 9, "percent": 56}
    assert method["within_time"] == {"count": 6, "of": 9, "percent": 67}
    assert method["median_seconds"] == 1200
    connection = figures["connection"]
    assert (connection["calls"], connection["connected"], connection["rate_percent"]) == (
        11,
        9,
        82,
    )
    assert connection["attempts"]["no_answer"] == 1
    assert figures["cold"] == {
        "now": 1,
        "cadence_days": 30,
        "by_week": [0, 0, 1, 1, 2, 2, 2, 2, 2, 1, 1, 1],
    }


def test_the_settings_change_the_figures_that_depend_on_them(
    local: Repository, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """cadence_days, question_limit and time_check_minutes from settings.toml
    (tests/test_stats.py counts the same ones from 9 Nov by hand)."""
    build_history(local)
    settings = isolated_home / "settings.toml"
    settings.write_text(
        settings.read_text() + "cadence_days = 45\nquestion_limit = 3\ntime_check_minutes = 15\n"
    )
    code, out, _err = run(capsys, "--json", "--since", "2026-11-09")
    assert code == 0
    figures = json.loads(out)
    assert figures["method"]["few_questions"] == {"count": 2, "of": 4, "percent": 50}
    assert figures["method"]["within_time"]["count"] == 1
    assert (figures["method"]["question_limit"], figures["method"]["time_check_minutes"]) == (3, 15)
    assert figures["cold"]["by_week"] == [0, 0, 0, 0, 1, 1, 2, 2, 2, 1, 1, 1]


def test_the_text_reads_in_80_columns(
    local: Repository, capsys: pytest.CaptureFixture[str]
) -> None:
    build_history(local)
    code, out, _err = run(capsys)
    assert code == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[0] == "How am I doing: calls from 31 Aug 2026 to 22 Nov 2026"
    text = "\n".join(lines)
    # Goal met 4 of the 8 judged (50%); its weeks: 1 in week 0, 2 in week 9, 1 in week 11.
    assert "  Goal met              4      50%" in text
    assert "▅▁▁▁▁▁▁▁▁█▁▅" in text
    assert "  Ours                  4        1        2" in text
    assert "    next steps          3        0        2" in text
    assert "  Lost to: No project 2, Chose another supplier 1" in text
    assert "  A verbatim quote" in text and "5 of 9 (56%)" in text
    assert "  Median length                                 20:00" in text
    assert "Connection rate: 9 of 11 calls reached the person (82%)" in text
    assert "  Not reached: no answer 1, voicemail 1" in text
    assert "Going cold (no conversation in 30 days): 1 now" in text


def test_words_stored_raw_reach_the_terminal_without_control_characters(
    local: Repository, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A reason or call type written by something other than callmate (a hand
    edit, a newer version) is shown as stored, its control characters gone."""
    build_history(local)
    with sqlite3.connect(database_path(isolated_home)) as db:
        db.execute("UPDATE calls SET reason = 'odd\x1b]52;c;aGk=\x07' WHERE outcome = 'no'")
        db.execute("UPDATE calls SET call_type = 'x\x1b[2J' WHERE call_type = 'closing'")
    code, out, _err = run(capsys)
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "  Lost to: odd]52;c;aGk= 3" in out
    code, out, _err = run(capsys, "--json")
    assert json.loads(out)["outcomes"]["no_reasons"][0]["reason"] == "odd\x1b]52;c;aGk=\x07"
    assert "\x1b" not in out  # JSON writes it \u001b


@pytest.mark.parametrize(
    ("since", "said"),
    [
        ("\x1b[31mlast tuesday", 'Can\'t read "[31mlast tuesday" as a date. Give a day such as'),
        ("2027-01-01", "--since: 2027-01-01 is after today; nothing to count yet"),
        ("12/03", "could be day/month or month/day"),
    ],
    ids=["unreadable, with an escape", "after today", "ambiguous"],
)
def test_a_bad_since_is_one_line(isolated_home: Path, since: str, said: str) -> None:
    """Run as the user runs it: stderr is one line, no traceback, no escape."""
    private_home(isolated_home)
    result = cli("stats", "--since", since, home=isolated_home)
    line = one_line(result)
    assert result.returncode == 2 and result.stdout == ""
    assert line.startswith("callmate: --since: ") and said in line
    assert "\x1b" not in line


def test_since_reads_callmates_date_grammar(
    local: Repository, capsys: pytest.CaptureFixture[str]
) -> None:
    build_history(local)
    code, out, _err = run(capsys, "--json", "--since", "2026-W45")  # Monday 2 Nov
    assert code == 0 and json.loads(out)["since"] == "2026-11-02"


def test_the_team_database_gives_the_same_figures(
    team: Repository,
    pg_store_url: str,
    local: Repository,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--database-url: the same history on PostgreSQL counts the same."""
    build_history(local)
    build_history(team)
    code, on_sqlite, _err = run(capsys, "--json")
    assert code == 0
    code = module.main(["--database-url", pg_store_url, "stats", "--json"])
    on_team, _err = capsys.readouterr()
    assert code == 0
    assert json.loads(on_team) == json.loads(on_sqlite)


@pytest.mark.parametrize("argv", [["stats"], ["stats", "--json"]], ids=["text", "json"])
def test_stats_needs_neither_sqlalchemy_nor_pydantic(tmp_path: Path, argv: list[str]) -> None:
    """As ``due`` and ``search``: the plain read connection, no ORM, no app."""
    repo = Repository.open(database_path(tmp_path))
    try:
        build_history(repo)
    finally:
        repo.close()
    script = f"from callmate.cli import main\nassert main({argv!r}) == 0\n"
    modules = loaded_after(script, tmp_path)
    assert "callmate.store.stats_queries" in modules  # the command did count
    heavy: tuple[str, ...] = ("sqlalchemy", "pydantic", "textual", "callmate.store.repository")
    heavy += ("callmate.store.service", "asyncio", "callmate.settings")
    assert present(modules, heavy) == []
    assert present(modules, LATER_SCREENS_ONLY) == []
