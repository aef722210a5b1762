"""The store's one door (callmate/store/service.py): what screens may import,
and a background write the database refuses said in one line from the store."""

from __future__ import annotations

import ast
import sqlite3
import subprocess
import sys
from pathlib import Path

from callmate.app import CallmateApp
from callmate.locations import database_path
from callmate.store.service import CallStore, SqliteCallStore
from tests.helpers import screen_text, settle
from tests.test_live_call import start_call, stored

ROOT = Path(__file__).resolve().parent.parent
SCREENS = ROOT / "callmate" / "screens"
FACADE = "callmate.store.service"


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports, wherever the import is (a function,
    ``TYPE_CHECKING``), as ``(line, dotted name)``; ``from a import b`` gives
    ``a.b`` too, so ``from callmate.store import queries`` is seen."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def forbidden(name: str) -> bool:
    if name in ("sqlite3", "sqlalchemy") or name.startswith(("sqlite3.", "sqlalchemy.")):
        return True
    if name == "callmate.store" or not name.startswith("callmate.store."):
        return False  # the bare package is only a step on the way to a module
    return not (name == FACADE or name.startswith(FACADE + "."))


def test_screens_reach_the_store_only_through_its_facade() -> None:
    files = sorted(SCREENS.rglob("*.py"))
    assert len(files) > 10, "the screens were found"
    reaches = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in files
        for line, name in imported_modules(path)
        if forbidden(name)
    ]
    assert reaches == []


def test_the_walk_sees_the_ways_a_screen_could_reach_past_the_door(tmp_path: Path) -> None:
    """The check above is not vacuous: each of these is caught."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "import sqlite3\n"
        "from sqlalchemy.orm import Session\n"
        "from callmate.store import queries\n"
        "if TYPE_CHECKING:\n"
        "    from callmate.store.repository import Repository\n"
        "def f():\n"
        "    import callmate.store.resume\n"
        "    from callmate.store.service import StoreUnavailable\n",
        encoding="utf-8",
    )
    caught = sorted({name for _, name in imported_modules(sample) if forbidden(name)})
    assert caught == [
        "callmate.store.queries",
        "callmate.store.repository",
        "callmate.store.repository.Repository",
        "callmate.store.resume",
        "sqlalchemy.orm",
        "sqlalchemy.orm.Session",
        "sqlite3",
    ]


def test_the_facade_is_cheap_to_import() -> None:
    """Screens import it before the first frame: nothing heavy comes with it."""
    program = (
        "import json, sys\nimport callmate.store.service\nprint(json.dumps(sorted(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    loaded = set(__import__("json").loads(result.stdout))
    heavy = {"sqlite3", "sqlalchemy", "pydantic", "textual", "callmate.store.repository"}
    assert sorted(loaded & heavy) == []


def test_every_method_of_the_door_is_on_the_sqlite_store() -> None:
    """A second backend implements the same Protocol; the SQLite one has it all."""
    wanted = {
        name
        for name in vars(CallStore)
        if not name.startswith("_") and callable(getattr(CallStore, name))
    }
    assert len(wanted) > 30
    assert sorted(name for name in wanted if not hasattr(SqliteCallStore, name)) == []


def refuse(home: Path, table: str) -> None:
    """Make the real database refuse every change to ``table`` (a real SQLite error)."""
    db = sqlite3.connect(database_path(home))
    with db:
        db.execute(
            f"CREATE TRIGGER refuse_{table} BEFORE UPDATE ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'the disk is on fire'); END"
        )
    db.close()


async def test_a_tick_and_a_hold_the_database_refuses_are_said_in_one_line(
    app: CallmateApp, isolated_home: Path
) -> None:
    """Fire-and-forget writes from the live call: the store says each failure,
    once, in the screen's words and the database's, without the statement."""
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await start_call(pilot)
        refuse(isolated_home, "questions")
        refuse(isolated_home, "calls")
        await pilot.press("alt+1")
        await settle(pilot)
        assert screen.call.questions[0].asked, "the tick shows: the user's view is kept"
        await pilot.press("ctrl+g")
        await settle(pilot)
        text = screen_text(pilot)
        assert "tick could not be saved" in text and "hold could not be saved" in text
        assert "SQL" not in text and "UPDATE" not in text, "what the database said, only"
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors == [
            "The question's tick could not be saved: the disk is on fire",
            "The hold could not be saved: the disk is on fire",
        ]
    (call,) = stored(isolated_home)
    assert not call.questions[0].asked and call.paused_at is None
