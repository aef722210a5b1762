"""The contacts as vCard 4.0 (RFC 6350), for an address book or a CRM.

Written here rather than with a library: a vCard is a few lines of text, and
the rules that matter are few (RFC 6350 §3.2 line folding, §3.4 escaping).
``vobject`` reads the result back in the tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from callmate.domain.text import clean_line, first_and_last

FOLD_OCTETS = 75
"""RFC 6350 §3.2: "Lines of text SHOULD NOT be longer than 75 octets, excluding the line break"."""


def escape(text: str) -> str:
    """A text value as RFC 6350 §3.4 writes it: backslash, comma and semicolon
    escaped, a newline as ``\\n``. Control characters never get this far
    (:func:`clean_line`)."""
    return (
        text.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """``line`` folded to lines of at most 75 octets (UTF-8), CRLF and a space
    before each continuation; a multi-byte character is never split."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    limit = FOLD_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append("".join(current))
            current, size = [], 0
            limit = FOLD_OCTETS - 1  # the leading space of a continuation counts
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n ".join(out) + "\r\n"


def vcard(contact: dict[str, Any]) -> str:
    """One contact (the JSON export's ``contact``) as a vCard 4.0."""
    name = clean_line(contact.get("name") or "")
    given, family = first_and_last(name)
    lines = ["BEGIN:VCARD", "VERSION:4.0"]
    if contact.get("uuid"):
        lines.append(f"UID:urn:uuid:{clean_line(contact['uuid']).lower()}")
    lines.append(f"FN:{escape(name)}")
    lines.append(f"N:{escape(family)};{escape(given)};;;")
    company = clean_line(contact.get("company") or "")
    if company:
        lines.append(f"ORG:{escape(company)}")
    title = clean_line(contact.get("title") or "")
    if title:
        lines.append(f"TITLE:{escape(title)}")
    email = clean_line(contact.get("email") or "")
    if email:
        lines.append(f"EMAIL;TYPE=work:{escape(email)}")
    phone = clean_line(contact.get("phone") or "")
    if phone:
        # Kept as typed ("+1 (555) 010-0199 ext. 7"), so text, not a tel: URI.
        lines.append(f"TEL;VALUE=text;TYPE=work,voice:{escape(phone)}")
    lines.append("END:VCARD")
    return "".join(fold(line) for line in lines)


def vcard_chunks(calls: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Each contact of the calls once (by uuid, else by name and company), in
    the order first met, a card at a time: memory holds the keys seen, never
    the file."""
    seen: set[str | tuple[str, str]] = set()
    for call in calls:
        contact = call["contact"]
        key: str | tuple[str, str] = contact.get("uuid") or (
            contact["name"].lower(),
            contact["company"].lower(),
        )
        if key in seen:
            continue
        seen.add(key)
        yield vcard(contact)
