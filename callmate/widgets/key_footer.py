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

Nor when the keys it would show are the ones already shown: focusing a
widget publishes the signal once more a refresh later (Textual's
``Screen.set_focus``), after the first rebuild, which rebuilt the same line
again (15-40 ms) while the "left open" offer waited behind it.

The rebuild runs as the footer's own message, not inside the screen's
after-refresh callbacks: there it held up every callback queued behind it
(the home screen's first read among them) for the whole recompose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

from callmate.textual_compat import mark_footer_ready

if TYPE_CHECKING:
    from collections.abc import Hashable

    from textual.screen import Screen


class KeyFooter(Footer):
    """A Footer whose key line is rebuilt at most once per refresh, and only when it changes."""

    _rebuild_pending = False
    _shown: Hashable = None
    """What the key line was last built from (see :meth:`_keys`); None: not built yet."""

    _held = False
    _missed = False

    def hold(self) -> None:
        """Build no key line until :meth:`release` (the home screen, until it
        knows whether the "left open" offer covers it: see HomeScreen.load)."""
        self._held = True

    def release(self) -> None:
        """Build the key line now if a change came while held."""
        self._held = False
        if self._missed:
            self._missed = False
            self._schedule()

    def bindings_changed(self, screen: Screen) -> None:
        mark_footer_ready(self)
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            if self._held:
                self._missed = True
            else:
                self._schedule()

    def _schedule(self) -> None:
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self.call_later, self._rebuild)

    def _keys(self) -> Hashable:
        """Everything :meth:`Footer.compose` reads from the bindings, comparable."""
        app = self.app
        return tuple(
            (key, binding, enabled, tooltip, app.get_key_display(binding))
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == app.COMMAND_PALETTE_BINDING
        )

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached:
            return  # its screen was closed meanwhile (the offer, replaced by the call)
        top = self.app.screen
        if top is not self.screen and top.query(Footer):
            return  # hidden behind the top screen's own key line
        keys = self._keys()
        if keys == self._shown:
            return
        self._shown = keys
        await self.recompose()
