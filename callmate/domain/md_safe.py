"""User text in a Markdown document, shown as typed: never HTML, a link or an image.

A note that says ``<img src=x onerror=alert(1)>``, ``[click](http://evil)``
or ``![](http://tracker/pixel)`` is the customer's words; rendered (a wiki, a
Git host, a notes app) it must read as those characters. :func:`md_text`
backslash-escapes what CommonMark would read as markup (every ASCII
punctuation character may be escaped, CommonMark §2.4), and breaks up what a
renderer would turn into a link on its own (``http://…``, ``www.x.com``,
``dana@acme.com``: GFM's autolinks, markdown-it's linkify) by escaping the
``:``, ``.`` and ``@`` inside a word, which splits the text a linkifier scans.
"""

from __future__ import annotations

import re

_ALWAYS = re.compile(r"([\\`*_\[\]()<>!&|~{}#])")
"""Emphasis, code, links and images, HTML and entities, tables, strikethrough."""
_IN_WORD = re.compile(r"(?<=\w)(\.(?=[^\W\d_]{2})|:(?=//)|@(?=\w))")
"""``x.com``, ``http://``, ``a@b``: the pieces a linkifier joins into a link.
Ordinary prose keeps its look: "e.g.", "3.5", "10:30" are not escaped."""
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+(?=[.)]))")
"""A list item, a quote or a setext underline, where a line begins."""


def md_text(text: str) -> str:
    """``text`` (one line or several) escaped for Markdown; the words read the same."""
    return "\n".join(_line(row) for row in text.split("\n"))


def _line(row: str) -> str:
    row = _ALWAYS.sub(r"\\\1", row)
    row = _IN_WORD.sub(r"\\\1", row)
    row = row.lstrip(" \t")  # four spaces would start a code block
    found = _LINE_START.match(row)
    if found:
        lead, mark = found.groups()
        if mark.isdigit():  # "1." or "1)": an ordered list; escape what follows
            end = found.end()
            return row[:end] + "\\" + row[end:]
        return lead + "\\" + row[len(lead) :]
    return row
