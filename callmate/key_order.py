"""Keys reach the app in the order they were typed, each after the effects of the last.

Textual queues each key on the focused widget and moves on at once, so in a
burst (a fast typist, a script, keys typed while a screen opens) a key could
be routed before the Enter ahead of it has moved the focus, before the screen
it was typed for exists, or while the call is being stored. The App asks
:meth:`KeyOrder.let_earlier_keys_land` before routing each key.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from textual.widget import Widget

from callmate.textual_compat import has_pending_messages

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen


class KeyOrder:
    def __init__(self, app: App[None]) -> None:
        self._app = app
        self._holds = 0

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Keep new keys waiting while a step that changes screens completes.

        Keys typed meanwhile are delivered, in order, to the screen that
        comes next instead of to the one that is going away.
        """
        self._holds += 1
        try:
            yield
        finally:
            self._holds -= 1

    async def let_earlier_keys_land(self) -> None:
        """Return once the keys before this one have had their effect.

        Waiting here keeps every key in order with its effects. Only bursts
        wait (an idle widget's queue is empty), and never for long.
        """
        loop = asyncio.get_running_loop()
        start = loop.time()
        waited = False
        while True:
            elapsed = loop.time() - start
            screen = self._app.screen
            if self._holds:
                busy = True  # the store is finishing a step; never route around it
            elif not screen.is_mounted:
                busy = elapsed < 3.0
            else:
                # The focused widget and every container up to the screen: a
                # message from the last key (a choice that reveals a field)
                # bubbles through each of them; the screen's own queue also
                # holds a dismissed dialog's result callback.
                busy = elapsed < 0.25 and self._messages_pending(screen)
            if not busy:
                break
            waited = True
            await asyncio.sleep(0 if elapsed < 0.01 else 0.005)
        if waited:
            await asyncio.sleep(0)  # let the last key's handler finish

    def _messages_pending(self, screen: Screen[object]) -> bool:
        node = self._app.focused
        while node is not None and node is not screen:
            if has_pending_messages(node):
                return True
            parent = node.parent
            node = parent if isinstance(parent, Widget) else None
        return has_pending_messages(screen)
