"""Test helpers: typing like a person (fast), waiting for the store, reading the screen."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from textual import events
from textual.pilot import Pilot

from callmate.clipboard import SystemCopy


@dataclass
class FakeClipboard:
    """Stands in for the system clipboard in each of its three situations."""

    result: SystemCopy = SystemCopy.COPIED
    copied: list[str] = field(default_factory=list)

    def copy(self, text: str) -> SystemCopy:
        if self.result is SystemCopy.COPIED:
            self.copied.append(text)
        return self.result


def _key_event(character: str) -> events.Key:
    if character == "\n":
        return events.Key("enter", "\r")
    if character == "\t":
        return events.Key("tab", "\t")
    if character.isalnum():
        return events.Key(character, character)
    try:
        name = unicodedata.name(character).lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        name = character
    return events.Key(name, character)


_KEY_TOKEN = re.compile(r"\{([a-z0-9+_]+)\}")


def _key_events(text: str) -> list[events.Key]:
    keys: list[events.Key] = []
    position = 0
    for match in _KEY_TOKEN.finditer(text):
        keys += [_key_event(c) for c in text[position : match.start()]]
        keys.append(events.Key(match.group(1), None))
        position = match.end()
    keys += [_key_event(c) for c in text[position:]]
    return keys


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` as one fast burst of key events.

    ``\\n`` is Enter and ``{ctrl+u}`` any named key. Unlike ``pilot.press``,
    this does not wait between keys: it is how a quick typist or a scripted
    terminal delivers them, and it exercises the App's ordering of bursts.
    """
    driver = pilot.app._driver
    assert driver is not None
    for event in _key_events(text):
        event.set_sender(pilot.app)
        driver.send_message(event)
    await settle(pilot)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until keys are handled and every database job has landed."""
    import asyncio

    from textual.worker import WorkerCancelled

    await pilot.pause()
    for _ in range(3):
        # A job replaced by a newer one of its exclusive group (home's load,
        # when the day is read again) is cancelled: that is the app working,
        # not a failure, so only other errors are raised.
        workers = list(pilot.app.workers)
        results = await asyncio.gather(*(w.wait() for w in workers), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, WorkerCancelled):
                raise result
        await pilot.pause()


def screen_text(pilot: Pilot[Any]) -> str:
    """What the terminal shows right now, as plain text, one line per row."""
    strips = pilot.app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)
