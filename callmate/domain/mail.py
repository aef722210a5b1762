"""The recap as an email to send: the recipient, a ``mailto:`` link and an ``.eml`` draft.

Pure and standard-library only; the recap screen and the CLI call it, the
desktop's programs (callmate/desktop.py) do the opening.

Everything here is built from user text, so nothing may become a header or a
parameter it wasn't meant to be: the subject and names are cleaned to one
line (a name like ``"Dana\\r\\nBcc: x@y.z"`` can't add a ``Bcc``), an
address is taken only if it is exactly one plain address (no ``,``, ``?``,
``&``, spaces, angle brackets), and every value in the link is
percent-encoded (RFC 6068). The ``.eml`` is written by the standard library's
:class:`email.message.EmailMessage`, which quotes and encodes headers itself
(RFC 5322, RFC 2047 for non-ASCII).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from callmate.domain.text import clean, clean_line, fit

MAILTO_MAX = 2000
"""The longest ``mailto:`` link handed to a mail client, in characters once encoded.

Windows caps URLs at 2,083 characters (``INTERNET_MAX_URL_LENGTH``), and
``ShellExecute``, Outlook and several webmail handlers cut a ``mailto:`` at
about 2,000 without a word: the end of the email would silently vanish.
Anything longer goes out as an ``.eml`` draft instead, on every system, so
the same email behaves the same everywhere. Encoding counts: an accented
letter takes 6 characters (``%C3%A9``), a line break 6 (``%0D%0A``).
"""

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@{_LABEL}(?:\.{_LABEL})+")
"""One plain ASCII address: dot-separated words of letters, digits, ``_``,
``+`` and ``-`` before the ``@``; a domain of two or more labels after it.

Nothing that would separate addresses (``,`` ``;``), start a query (``?``
``&`` ``#``), need quoting or escaping (``"`` ``%`` ``\\`` spaces, angle
brackets) can be in it. A non-ASCII address (``dana@münchen.de``) isn't
taken either: the ``email`` package would write it as an encoded word, which
no mail client reads as an address; the punycode form (``xn--``) is fine."""


@dataclass(frozen=True)
class Mail:
    """A recap ready to leave: every field already one clean value."""

    to: str
    """One plain address (``dana@acme.com``), or "" when the contact has none."""
    to_name: str
    """The contact's name, for the ``.eml``'s To (``Dana Whitfield <dana@acme.com>``)."""
    subject: str
    body: str
    """Lines end in ``\\n``; the link and the draft write them as CRLF."""


def recipient_address(email: str) -> str:
    """``email`` if it is one plain address a mail client reads the same way, else "".

    An address the contact field took but a link or header could misread
    (two addresses, a ``?cc=`` tail, a display name) is dropped rather than
    passed on: the mail client then asks for the recipient.
    """
    text = clean_line(email)
    if len(text) > 254 or len(text.partition("@")[0]) > 64:  # RFC 5321's limits
        return ""
    return text if _ADDRESS.fullmatch(text) else ""


_UNICODE_BREAKS = str.maketrans({"\u2028": "\n", "\u2029": "\n"})
"""Line and paragraph separators: :func:`clean` keeps them, but Python's
``splitlines`` (and so the ``email`` package) breaks lines there, and a
header may hold no line break at all."""


def _one_line(text: str) -> str:
    """Clean, on one line, each run of spaces one space: a header folded at a
    run of spaces, or starting with one, doesn't read back the same."""
    return " ".join(clean_line(text.translate(_UNICODE_BREAKS)).split())


def compose_mail(*, name: str, email: str, subject: str, body: str) -> Mail:
    """The mail for a recap: the subject on one line, the body without control characters."""
    return Mail(
        to=recipient_address(email),
        to_name=_one_line(name),
        subject=_one_line(subject),
        body=clean(body.translate(_UNICODE_BREAKS)),
    )


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def mailto_url(mail: Mail) -> str:
    """The RFC 6068 link: ``mailto:dana@acme.com?subject=…&body=…``.

    Every value is percent-encoded as UTF-8 (``quote`` with nothing kept but
    letters, digits and ``-._~``), so ``&``, ``?``, ``#``, ``+`` and ``%``
    in the text stay text; line breaks are ``%0D%0A`` as §2 requires. Only
    the address keeps its ``@`` (and encodes a ``+`` too, which some clients
    would otherwise read as a space).
    """
    from urllib.parse import quote  # here: opening the recap needs none of it (2.5 ms)

    fields = []
    if mail.subject:
        fields.append("subject=" + quote(mail.subject, safe=""))
    if mail.body:
        fields.append("body=" + quote(_crlf(mail.body), safe=""))
    url = "mailto:" + quote(mail.to, safe="@")
    return url + ("?" + "&".join(fields) if fields else "")


def fits_a_link(url: str) -> bool:
    """Whether a mail client takes ``url`` whole (see :data:`MAILTO_MAX`)."""
    return len(url) <= MAILTO_MAX


HEADER_LINE_MAX = 998
"""RFC 5322's hard limit for a line. Headers are folded only past it: the
standard library's folding at 78 columns mangles some headers (a display
name holding a word longer than a line was written with an empty line in
it, which ends the headers and pushes the rest into the body; a space
between two encoded words was lost from a subject). :func:`eml_bytes`
still reads each draft back and checks it."""

NAME_IN_TO_MAX = 64
"""A longer name isn't put in To (the address alone is): no one's name is that
long, and the standard library takes time growing with its square to fold one
(a 100-character non-ASCII name 70 ms, 500 characters 3.6 s; measured in
benchmarks/recap_send.py's worst case)."""

SUBJECT_FALLBACK_MAX = 150
"""A subject that doesn't read back whole is cut to this many characters."""


def eml_bytes(mail: Mail, when: datetime) -> bytes:
    """The mail as an RFC 5322 message a mail client opens as a draft.

    UTF-8 text, CRLF line ends, headers To, Subject, Date and ``X-Unsent: 1``
    (Outlook and others open such a file as a new message ready to send
    rather than as one received). With no address the To header is empty
    and the client asks. ``when`` is written in the local time zone.

    The result is parsed back (``email.parser``, as a mail client would read
    it): if its headers aren't exactly these, or To or Subject don't read as
    meant, the draft is written again without the contact's name in To (left
    out from the start past :data:`NAME_IN_TO_MAX` characters), then
    with the subject cut short (:data:`SUBJECT_FALLBACK_MAX`); the body is
    never changed.
    """
    from email.utils import format_datetime  # here: ~10 ms that only a draft needs

    date_header = format_datetime(when.astimezone())
    name = mail.to_name if len(mail.to_name) <= NAME_IN_TO_MAX else ""
    attempts = [
        (name, mail.subject),
        ("", mail.subject),
        ("", fit(mail.subject, SUBJECT_FALLBACK_MAX)),
    ]
    for name, subject in attempts:
        data = _eml(mail, name, subject, date_header)
        if _reads_back(data, mail.to, name, subject):
            return data
    return data  # pragma: no cover - the last attempt is plain enough to always read back


def _eml(mail: Mail, name: str, subject: str, date_header: str) -> bytes:
    from email import policy
    from email.headerregistry import Address
    from email.message import EmailMessage

    message = EmailMessage(
        policy=policy.default.clone(linesep="\r\n", max_line_length=HEADER_LINE_MAX)
    )
    message["To"] = Address(display_name=name, addr_spec=mail.to) if mail.to else ""
    message["Subject"] = subject
    message["Date"] = date_header
    message["X-Unsent"] = "1"
    message.set_content(mail.body, charset="utf-8")
    return message.as_bytes()


_HEADERS = ["Content-Transfer-Encoding", "Content-Type", "Date", "MIME-Version"]
_HEADERS += ["Subject", "To", "X-Unsent"]


def _reads_back(data: bytes, to: str, name: str, subject: str) -> bool:
    from email import policy
    from email.parser import BytesParser

    message = BytesParser(policy=policy.default).parsebytes(data, headersonly=True)
    if sorted(message.keys()) != sorted(_HEADERS) or message.defects:
        return False
    if message["Subject"] != subject:
        return False
    addresses = message["To"].addresses
    if not to:
        return not addresses
    return len(addresses) == 1 and (addresses[0].addr_spec, addresses[0].display_name) == (
        to,
        name,
    )


NAME_MAX = 40
"""Characters of the contact's name kept in a file name."""


def draft_file_name(name: str, day: date, call_id: int | None = None) -> str:
    """``recap-dana-whitfield-2026-11-22-call-7.eml``: safe on every file system.

    Only letters and digits of the name are kept (any script), the rest
    become single hyphens: no path separator, dot, control or invisible
    character can come from the name. The date comes before anything the
    system could reserve (``CON``, ``NUL``), and the call's number keeps two
    calls with one person on one day apart.
    """
    folded = unicodedata.normalize("NFKC", clean_line(name)).casefold()
    slug = "-".join(part for part in re.split(r"[\W_]+", folded) if part)
    slug = slug[:NAME_MAX].strip("-") or "contact"
    tail = f"-call-{call_id}" if call_id is not None else ""
    return f"recap-{slug}-{day.isoformat()}{tail}.eml"
