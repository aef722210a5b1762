"""Keyboard fixes that Textual 8.2.8 needs for callmate's bindings, and the one
reach into its key names (for the [keys] table).

Most Linux terminals (xterm, GNOME Terminal, tmux) send Alt+1 as ``ESC 1``.
Textual maps ``ESC 0`` to ``ESC 9`` to the characters macOS prints for
Option+digit (``¡``, ``™``, ``£`` …, for WezTerm on macOS), so Alt+digit never
arrives as ``alt+1``. callmate ticks questions with Alt+digit, so it removes
those ten entries: ``ESC 1`` then parses as ``alt+1``, as in other terminals.
"""

from __future__ import annotations

_DIGIT_SEQUENCES = [f"\x1b{digit}" for digit in "0123456789"]


def enable_alt_digits() -> None:
    from textual._ansi_sequences import ANSI_SEQUENCES_KEYS

    for sequence in _DIGIT_SEQUENCES:
        ANSI_SEQUENCES_KEYS.pop(sequence, None)  # type: ignore[attr-defined]


def normalized_keys(keys: str) -> str:
    """``"?,f2"`` as Textual names the keys in a keymap: ``"question_mark,f2"``."""
    from textual.keys import _normalize_key_list

    return _normalize_key_list(keys)
