"""Keyboard fixes that Textual 8.2.8 needs for callmate's bindings.

Most Linux terminals (xterm, GNOME Terminal, tmux) send Alt+1 as ``ESC 1``.
Textual maps ``ESC 0`` to ``ESC 9`` to the characters macOS prints for
Option+digit (``¡``, ``™``, ``£`` …, for WezTerm on macOS), so Alt+digit never
arrives as ``alt+1``. callmate ticks questions with Alt+digit, so it removes
those ten entries: ``ESC 1`` then parses as ``alt+1``, as in other terminals.
(How, and the reach into Textual it takes: callmate/textual_compat.py.)
"""

from __future__ import annotations

from callmate.textual_compat import forget_key_sequences, normalize_key_list

_DIGIT_SEQUENCES = [f"\x1b{digit}" for digit in "0123456789"]


def enable_alt_digits() -> None:
    forget_key_sequences(_DIGIT_SEQUENCES)


def normalized_keys(keys: str) -> str:
    """``"?,f2"`` as Textual names the keys in a keymap: ``"question_mark,f2"``."""
    return normalize_key_list(keys)
