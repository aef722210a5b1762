"""Issue 16: every binding has an id, the README names each, and [keys] is checked."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding

from callmate.app import CallmateApp
from callmate.keymap import all_bindings, check_keymap, read_keymap

README = Path(__file__).resolve().parent.parent / "README.md"


def everything() -> list[Binding]:
    app = list(Binding.make_bindings(CallmateApp.BINDINGS))
    return app + [b for bindings in all_bindings().values() for b in bindings]


def test_every_binding_has_an_id_that_the_readme_documents() -> None:
    readme = README.read_text()
    for binding in everything():
        assert binding.id, f"{binding.action} has no id"
        assert f"`{binding.id}`" in readme, f"{binding.id} is not in the README"


def test_ids_name_one_action_each() -> None:
    actions: dict[str, str] = {}
    for binding in everything():
        assert binding.id is not None
        assert actions.setdefault(binding.id, binding.action) == binding.action, binding.id


def test_the_table_is_read_and_its_mistakes_named() -> None:
    keymap, problems = read_keymap({"live.tick_1": "F2", "home.search": "?", "a": 3, "b": "x\x1b"})
    assert keymap == {"live.tick_1": "f2", "home.search": "question_mark"}
    assert problems[0].startswith("a: the key must be text")
    assert "\x1b" not in problems[1] and "\\x1b" in problems[1]
    assert read_keymap(["not", "a", "table"])[1] == ["[keys] must be a table of binding id = key"]


def test_a_clash_is_one_the_user_made() -> None:
    screens = all_bindings()
    app = list(Binding.make_bindings(CallmateApp.BINDINGS))
    assert check_keymap({}, screens, app) == [], "the shipped keys don't clash"
    assert check_keymap({"closing.save": "ctrl+w"}, screens, app) == []
    assert check_keymap({"live.tick_1": "ctrl+g"}, screens, app) == [
        "live.tick_1 = ctrl+g clashes with live.toggle_hold (Hold) on the live call screen"
    ]
    # Moving both keys of a pair swaps them: no clash.
    assert check_keymap({"home.new_call": "q", "home.quit": "n"}, screens, app) == []
    assert check_keymap({"nope.nothing": "x"}, screens, app) == ["nope.nothing: no key has this id"]
