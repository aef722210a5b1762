"""User text is data, never instructions.

Notes, names and goals are typed, pasted or imported by people, and end up on
a terminal. A stray escape sequence there can rewrite the clipboard (OSC 52),
retitle the window or fake colours, so every piece of user text is cleaned on
the way *in* (pydantic validators) and again on the way *out* (widgets and the
CLI call :func:`clean` before rendering or printing).
"""

from __future__ import annotations

import re

# C0 controls except TAB (\x09) and LF (\x0a); DEL; C1 controls (\x80-\x9f).
# Line ends are normalised first: terminals deliver pasted newlines as CR,
# and Windows text has CRLF; both become LF rather than vanishing.
# Also invisible characters that change what text *looks* like: bidi
# overrides and isolates (U+202E turns "txt.exe" into "exe.txt" on screen),
# zero-width spaces and joiners, the BOM. Shown or exported, they let a note
# say something other than it seems to.
# Zero-width joiners (U+200C, U+200D) stay: Persian and Indic spelling and
# emoji sequences need them, and they can't reorder or hide text.
_INVISIBLE = "\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
# Lone surrogates are not text at all: they arrive only through a JSON escape
# ("\ud800") or an undecodable file name, and cannot be written as UTF-8 (to
# the database, a file or the terminal) without an error.
_SURROGATES = "\ud800-\udfff"
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}{_SURROGATES}]")
_CONTROL_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}{_SURROGATES}]")


def clean(text: str) -> str:
    """Strip control characters, keeping tabs and newlines."""
    if not text:
        return text
    return _CONTROL.sub("", _newlines(text))


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_line(text: str) -> str:
    """Like :func:`clean`, for one-line fields: newlines and tabs become spaces."""
    if not text:
        return text
    if text.isprintable():
        # The usual case, at C speed: every character the lines below replace
        # or drop (controls, line ends, tabs, invisibles, surrogates) is one
        # ``isprintable`` rejects, so only the strip is left to do.
        return text.strip()
    text = _newlines(text).replace("\n", " ").replace("\t", " ")
    return _CONTROL_ONE_LINE.sub("", text).strip()


def shown(value: object) -> str:
    """A path or an argument, safe to echo in a message.

    Unlike :func:`clean_line`, nothing is dropped: each control or invisible
    character is written as a visible escape (``\\x1b``, ``\\u202e``), so
    the user can still tell which file was meant and no byte of it reaches the
    terminal as a command.
    """
    return _CONTROL_ONE_LINE.sub(_escape, str(value))


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


CUT_MARK = "…"
"""Ends a text that had to be shortened to fit, so the cut is visible."""


def fit(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else cut, ending in :data:`CUT_MARK`."""
    if len(text) <= limit:
        return text
    return text[: limit - len(CUT_MARK)].rstrip() + CUT_MARK


def count(number: int, noun: str, plural: str | None = None) -> str:
    """``count(1, "call")`` is "1 call"; ``count(3, "call")`` is "3 calls"."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def first_and_last(name: str) -> tuple[str, str]:
    """(first, last) as CRMs and vCards split a person's name: the last word is
    the last (family) name; a single word is a first name alone."""
    words = clean_line(name).split()
    if len(words) < 2:
        return (words[0] if words else "", "")
    return " ".join(words[:-1]), words[-1]
