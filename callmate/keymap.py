"""The ``[keys]`` table of settings.toml: a binding's id → the key(s) that run it.

Textual applies the table (``App.set_keymap``); this module reads it, and
says what it can't honour: an id no binding has, a value that is no key, a
key that another binding of the same screen already uses (Textual would let
the new key win and drop the other binding without a word).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from callmate.domain.text import shown
from callmate.keys import normalized_keys

if TYPE_CHECKING:
    from textual.screen import Screen

_KEY = re.compile(r"^[a-z0-9_+]+(,[a-z0-9_+]+)*$")
"""Textual's key names once normalized: ``ctrl+s``, ``f2``, ``question_mark``."""


def read_keymap(table: object) -> tuple[dict[str, str], list[str]]:
    """The usable entries of ``[keys]``, and what was wrong with the others."""
    if table is None:
        return {}, []
    if not isinstance(table, dict):
        return {}, ["[keys] must be a table of binding id = key"]
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for name, value in table.items():
        if not isinstance(value, str) or not value.strip():
            problems.append(f'{shown(name)}: the key must be text such as "ctrl+s"')
            continue
        keys = normalized_keys(value.replace(" ", "").lower())
        if not _KEY.match(keys):
            problems.append(f"{shown(name)}: {shown(value)!r} is not a key name")
            continue
        keymap[str(name)] = keys
    return keymap, problems


def check_keymap(
    keymap: dict[str, str],
    screens: dict[str, list[Binding]],
    everywhere: Iterable[Binding],
) -> list[str]:
    """Ids no binding has, and keys that clash on a screen after the remapping.

    Two bindings that shared a key by design (one screen's Ctrl+S that saves,
    or, once another window closed the call, adds the note) don't clash.
    """
    common = list(everywhere)
    known = {b.id for bindings in screens.values() for b in bindings} | {b.id for b in common}
    problems = [f"{shown(name)}: no key has this id" for name in keymap if name not in known]
    for screen, own in screens.items():
        bindings = own + common
        for binding in bindings:
            if binding.id not in keymap:
                continue
            default = set(binding.key.split(","))
            for key in keymap[binding.id].split(","):
                for other in bindings:
                    if other.id == binding.id or default & set(other.key.split(",")):
                        continue
                    if key in keymap.get(other.id or "", other.key).split(","):
                        problems.append(
                            f"{shown(binding.id)} = {key} clashes with "
                            f"{shown(other.id)} ({other.description}) on the {screen} screen"
                        )
    return list(dict.fromkeys(problems))


def all_bindings() -> dict[str, list[Binding]]:
    """Every screen's bindings, by the name the README uses. Imports every screen:
    called only when the user has a ``[keys]`` table, off the startup path."""
    from callmate.screens.closing import ClosingScreen
    from callmate.screens.dialogs.attempt import AttemptScreen
    from callmate.screens.dialogs.bank import BankScreen
    from callmate.screens.dialogs.confirm import ConfirmScreen
    from callmate.screens.dialogs.help import HelpScreen
    from callmate.screens.dialogs.interrupted import InterruptedScreen
    from callmate.screens.dialogs.long_note import LongNoteScreen
    from callmate.screens.dialogs.reschedule import RescheduleScreen
    from callmate.screens.home import HomeScreen
    from callmate.screens.live_call import LiveCallScreen
    from callmate.screens.precall import PreCallScreen
    from callmate.screens.recap import RecapScreen
    from callmate.screens.review import ReviewScreen
    from callmate.screens.search import SearchScreen
    from callmate.screens.settings import SettingsScreen
    from callmate.screens.timeline import TimelineScreen

    screens: dict[str, type[Screen[Any]]] = {
        "home": HomeScreen,
        "plan": PreCallScreen,
        "question bank": BankScreen,
        "live call": LiveCallScreen,
        "didn't connect": AttemptScreen,
        "close": ClosingScreen,
        "recap": RecapScreen,
        "timeline": TimelineScreen,
        "search": SearchScreen,
        "review": ReviewScreen,
        "move date": RescheduleScreen,
        "settings": SettingsScreen,
        "open calls": InterruptedScreen,
        "yes/no": ConfirmScreen,
        "long note": LongNoteScreen,
        "help": HelpScreen,
    }
    return {name: list(Binding.make_bindings(cls.BINDINGS)) for name, cls in screens.items()}
