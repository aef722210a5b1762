"""Textual's Footer, rebuilt once per burst of binding changes instead of once per change.

Textual's Footer schedules a whole recompose (a widget per key, each styled)
for every ``bindings_updated_signal``; a screen that starts publishes it two
or three times in a row, so the same key line was built three times (~20 ms
each on the 2-core machine) in the frames right after the first one, in
front of the day's read and of the "left open" offer (benchmarks/startup.py).
Here the rebuild runs once, after the last change before the next refresh,
from the bindings as they are then: what is shown is the same. And not at
all while another screen with its own key line covers this one (pushing a
screen over this one changes its bindings too): that key line hides this
one, and the screen's resume brings the bindings up to date again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

from callmate.textual_compat import mark_footer_ready

if TYPE_CHECKING:
    from textual.screen import Screen


class KeyFooter(Footer):
    """A Footer whose key line is rebuilt at most once per refresh."""

    _rebuild_pending = False

    def bindings_changed(self, screen: Screen) -> None:
        mark_footer_ready(self)
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached:
            return  # its screen was closed meanwhile (the offer, replaced by the call)
        top = self.app.screen
        if top is not self.screen and top.query(Footer):
            return  # hidden behind the top screen's own key line
        await self.recompose()
