"""Startup pays only for what the first screen needs (issue 7's budget).

Each check runs in a fresh interpreter, because this test session has long
since imported everything. The lists below are what later screens or
commands need: the date grammar (closing, reschedule), the exporters,
importer and calendar file (shell commands, recap), the clipboard library
(recap), and SQLAlchemy dialects for databases callmate never opens.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from callmate.domain.models import Call, Contact, NextStep, Outcome, Owner
from callmate.locations import database_path
from callmate.store.repository import Repository
from tests.conftest import NOW

LATER_SCREENS_ONLY = (
    "callmate.domain.dates",
    "callmate.domain.exporters",
    "callmate.domain.importer",
    "callmate.domain.ics",
    "callmate.domain.recap",
    "callmate.screens.closing",
    "callmate.screens.recap",
    "callmate.screens.review",
    "callmate.widgets.week_bars",
    "callmate.widgets.review_sections",
    "pyperclip",
)
FOREIGN_DIALECTS = tuple(
    f"sqlalchemy.dialects.{name}" for name in ("postgresql", "mysql", "oracle", "mssql")
)


def loaded_after(script: str, home: Path) -> set[str]:
    """The module names a fresh interpreter holds after running ``script``."""
    program = (
        textwrap.dedent(script) + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "CALLMATE_HOME": str(home)},
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def present(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def seed_one_call(home: Path) -> None:
    repo = Repository.open(database_path(home))
    try:
        call = repo.start_call(
            Call(
                contact=Contact(name="Dana Whitfield", company="Northwind"),
                goal="Demo",
                started_at=NOW,
            )
        )
        assert call.id is not None
        repo.finish_call(
            call.id,
            outcome=Outcome.YES,
            next_step=NextStep(what="Send the pilot plan", owner=Owner.US, due=NOW.date()),
            ended_at=NOW,
        )
    finally:
        repo.close()


# Run the real app headless until its home screen shows the seeded next step.
RUN_HOME = r"""
import asyncio
from pathlib import Path

import pytest
import os
from callmate.app import make_app

SKIP_WARM_UP = {skip}

async def main():
    app = make_app(Path(os.environ["CALLMATE_HOME"]))
    if SKIP_WARM_UP:
        app.warming.start = lambda: None
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(400):
            await pilot.pause(0.02)
            strips = app.screen._compositor.render_strips()
            text = "\n".join(strip.text for strip in strips)
            if "Send the pilot plan" in text:
                break
        else:
            raise SystemExit("the home screen never showed the saved next step")
        if not SKIP_WARM_UP:
            app.warming.start()  # what the app does itself once the user pauses
            app.store.warm_up().result(timeout=30)
            await pilot.pause(0.2)
    app.store.close()

asyncio.run(main())
"""


def test_importing_the_app_and_its_home_screen_loads_nothing_heavy(tmp_path: Path) -> None:
    modules = loaded_after("import callmate.cli, callmate.app, callmate.screens.home", tmp_path)
    assert present(modules, LATER_SCREENS_ONLY) == []
    assert present(modules, ("sqlalchemy", "pydantic", "callmate.store.repository")) == []
    assert present(modules, ("callmate.store.migrations", "callmate.settings")) == []


def test_home_screen_shows_its_data_without_sqlalchemy_or_pydantic(tmp_path: Path) -> None:
    seed_one_call(tmp_path)
    modules = loaded_after(RUN_HOME.format(skip=True), tmp_path)
    assert "callmate.screens.home" in modules
    assert present(modules, ("sqlalchemy", "pydantic")) == []
    assert present(modules, LATER_SCREENS_ONLY) == []


def test_after_warm_up_only_the_sqlite_dialect_is_loaded(tmp_path: Path) -> None:
    seed_one_call(tmp_path)
    modules = loaded_after(RUN_HOME.format(skip=False), tmp_path)
    # The warm-up did load the repository (this is what it is for) ...
    assert "callmate.store.repository" in modules
    assert "sqlalchemy.dialects.sqlite" in modules
    # ... and nothing a later screen or another database would need.
    assert present(modules, FOREIGN_DIALECTS) == []
    assert present(modules, LATER_SCREENS_ONLY) == []


async def test_quitting_before_the_warm_up_starts_is_clean(isolated_home: Path) -> None:
    """The warm-up waits for a pause; if its timer comes due while the app is
    closing, it must not reach the closed database (it raised "cannot
    schedule new futures after shutdown" from a test that quit quickly)."""
    from callmate.app import make_app

    app = make_app(isolated_home)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            await pilot.pause(0.01)
            if app.warming.timer is not None:
                break
        assert app.warming.timer is not None and not app.warming.started
        await pilot.press("ctrl+q")
    app.warming.start()  # what a late timer would call: a no-op now


RUN_SEARCH = r"""
import asyncio
import os
from pathlib import Path

import pytest
from callmate.app import make_app

async def main():
    app = make_app(Path(os.environ["CALLMATE_HOME"]))
    app.warming.start = lambda: None
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"pilot")
        for _ in range(400):
            await pilot.pause(0.02)
            strips = app.screen._compositor.render_strips()
            if "1 result for 'pilot'" in "\n".join(strip.text for strip in strips):
                break
        else:
            raise SystemExit("the search never showed its result")
    app.store.close()

asyncio.run(main())
"""


def test_a_search_typed_at_launch_needs_neither_sqlalchemy_nor_pydantic(tmp_path: Path) -> None:
    seed_one_call(tmp_path)
    modules = loaded_after(RUN_SEARCH, tmp_path)
    assert "callmate.screens.search" in modules
    assert present(modules, ("sqlalchemy", "pydantic")) == []


# A read command, run as `callmate` runs it (issue 17).
RUN_COMMAND = r"""
from callmate.cli import main
code = main({argv!r})
assert code == {code}, code
"""


@pytest.mark.parametrize(
    ("argv", "code"),
    [(["due"], 0), (["due", "--json"], 0), (["search", "pilot"], 0), (["search", "zz"], 1)],
    ids=["due", "due --json", "search", "search, nothing found"],
)
def test_read_commands_need_neither_sqlalchemy_nor_pydantic(
    tmp_path: Path, argv: list[str], code: int
) -> None:
    seed_one_call(tmp_path)
    modules = loaded_after(RUN_COMMAND.format(argv=argv, code=code), tmp_path)
    reader = "callmate.store.text_search" if argv[0] == "search" else "callmate.store.due_lines"
    assert reader in modules  # the command did read the database
    # Nor the app's store facade (asyncio, the database thread): ~35 ms, once
    # pulled in by the errors module re-exporting its exception.
    heavy = ("sqlalchemy", "pydantic", "textual", "callmate.store.repository")
    heavy += ("callmate.store.service", "asyncio")
    if argv != ["due", "--json"]:  # nor the agenda's records (dataclasses cost more than the query)
        heavy += ("callmate.domain.agenda", "dataclasses")
    if argv[0] == "search":  # a plain search skips argparse (and shutil), and typing (~9 ms)
        heavy += ("argparse", "shutil", "typing")
    assert present(modules, heavy) == []
    assert present(modules, LATER_SCREENS_ONLY) == []


def test_a_read_command_on_a_new_data_dir_needs_neither(tmp_path: Path) -> None:
    """The database is created (every migration run) without the ORM too."""
    modules = loaded_after(RUN_COMMAND.format(argv=["due", "--json"], code=0), tmp_path)
    assert (tmp_path / "callmate.db").is_file()
    assert "callmate.store.migrations" in modules
    assert present(modules, ("sqlalchemy", "pydantic", "textual")) == []


async def test_the_collector_turned_off_for_the_start_is_back_on_once_the_home_screen_shows(
    isolated_home: Path,
) -> None:
    """``callmate`` starts with the garbage collector off (cli._run_app); the
    first frame turns it back on, with what the start built frozen."""
    import gc

    from callmate.app import make_app

    app = make_app(isolated_home)
    gc.disable()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert "callmate" in "\n".join(s.text for s in app.screen._compositor.render_strips())
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0
        app.store.close()
    finally:
        gc.unfreeze()
        gc.enable()


async def test_a_start_with_the_collector_on_leaves_it_alone(isolated_home: Path) -> None:
    import gc

    from callmate.app import make_app

    frozen = gc.get_freeze_count()
    app = make_app(isolated_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert gc.isenabled()
        assert gc.get_freeze_count() == frozen, "nothing frozen in a process that didn't ask"
    app.store.close()
