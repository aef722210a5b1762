"""The recap as an email (callmate/domain/mail.py): every link and draft read back
by an independent parser (urllib.parse, email.parser), hostile text included."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from callmate.domain.mail import (
    MAILTO_MAX,
    NAME_IN_TO_MAX,
    SUBJECT_FALLBACK_MAX,
    Mail,
    compose_mail,
    draft_file_name,
    eml_bytes,
    fits_a_link,
    mailto_url,
    recipient_address,
)
from callmate.domain.text import clean_line, fit

WHEN = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
HOSTILE_NAME = "Dana\r\nBcc: x@y.z [b]bold[/b] [@click=app.quit]x[/] \x1b]52;c;QUFB\x07\x1b[31m"
HOSTILE_SUBJECT = "Recap\r\nBcc: evil@y.z\r\n\r\nbody?&cc=a@b.c#x %0D%0A+\x1b]0;title\x07"


def parse_mailto(url: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    assert parts.fragment == "", "a # in the text must not end the link"
    return unquote(parts.path), parse_qs(parts.query, keep_blank_values=True)


def parse_eml(data: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


def body_of(message: EmailMessage) -> str:
    content = message.get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")


# -- the recipient ---------------------------------------------------------------
@pytest.mark.parametrize(
    "address",
    [
        "dana@acme.com",
        "dana.whitfield+crm@mail.acme.co.uk",
        "d_w-1@ex-ample.io",
        "dana@xn--mnchen-3ya.de",
    ],
)
def test_a_plain_address_is_the_recipient(address: str) -> None:
    assert recipient_address(address) == address
    assert recipient_address(f"  {address} ") == address


@pytest.mark.parametrize(
    "address",
    [
        "",
        "dana",
        "dana@acme",
        "@acme.com",
        "dana@",
        "a,b@acme.com",
        "dana@acme.com,eve@evil.com",
        "dana@acme.com;eve@evil.com",
        "dana@acme.com?cc=eve@evil.com",
        "dana@acme.com&bcc=eve@evil.com",
        "dana@acme.com#x",
        "Dana <dana@acme.com>",
        '"dana"@acme.com',
        "dana@@acme.com",
        "da na@acme.com",
        "dana@acme..com",
        "dana@-acme.com",
        "dana%40acme.com@evil.com",
        "dana@acme.com\r\nBcc: eve@evil.com",
        "dana@münchen.de",
        "zoë@acme.com",
        ".dana@acme.com",
        "da..na@acme.com",
        "dana@acme.com.",
        "x" * 65 + "@acme.com",
    ],
)
def test_anything_but_one_plain_address_is_no_recipient(address: str) -> None:
    """The mail client then asks; nothing is sent to a second, smuggled address."""
    assert recipient_address(address) == ""


@given(st.text(alphabet=st.sampled_from("abZ09._+-@,;:<>\"' ?&#%\\/é\r\n\x1b"), max_size=30))
def test_an_address_taken_is_one_the_email_package_reads_the_same(text: str) -> None:
    address = recipient_address(text)
    if not address:
        return
    parsed = Address(addr_spec=address)
    assert parsed.addr_spec == address and "@" not in parsed.username
    assert urlsplit("mailto:" + quote(address, safe="@")).path == quote(address, safe="@")


# -- mailto ----------------------------------------------------------------------
def test_mailto_reads_back_to_the_same_email() -> None:
    mail = compose_mail(
        name="Dana Whitfield",
        email="dana+crm@acme.com",
        subject="Recap: next step by Friday 27 November & more",
        body="Hi Dana,\n\nWe agreed 50% off & a 2+2 trial?\nÜber gut, ça va #1\n",
    )
    url = mailto_url(mail)
    to, fields = parse_mailto(url)
    assert to == "dana+crm@acme.com"
    assert set(fields) == {"subject", "body"}
    assert fields["subject"] == [mail.subject]
    assert fields["body"] == [mail.body.replace("\n", "\r\n")], "CRLF line breaks (RFC 6068 §2)"
    assert "+" not in url, "a + could be read back as a space"
    assert re.fullmatch(r"mailto:[A-Za-z0-9._~%@-]*\?subject=[\w.~%-]*&body=[\w.~%-]*", url)


def test_mailto_without_an_address_is_still_a_link_the_client_completes() -> None:
    url = mailto_url(compose_mail(name="Dana", email="", subject="Hi", body="Hello\n"))
    assert url == "mailto:?subject=Hi&body=Hello%0D%0A"
    assert parse_mailto(url)[0] == ""


def test_hostile_subject_and_name_add_no_header_to_the_link() -> None:
    mail = compose_mail(
        name=HOSTILE_NAME, email="dana@acme.com", subject=HOSTILE_SUBJECT, body="x\r\ny"
    )
    to, fields = parse_mailto(mailto_url(mail))
    assert to == "dana@acme.com"
    assert set(fields) == {"subject", "body"}, "no cc, bcc or anything else"
    (subject,) = fields["subject"]
    assert "\r" not in subject and "\n" not in subject and "\x1b" not in subject
    assert subject == " ".join(clean_line(HOSTILE_SUBJECT).split())
    assert fields["body"] == ["x\r\ny"]


ONE_LINE_BREAKERS = "a\u2028b\u2029c\x85d\x0be\x0cf\x1cg\x1dh\x1ei\r\nj\rk"
"""Everything Python's splitlines (and so the email package) breaks a line at."""


@given(st.text(), st.text())
@example(ONE_LINE_BREAKERS, ONE_LINE_BREAKERS)
def test_any_subject_and_body_survive_the_link(subject: str, body: str) -> None:
    mail = compose_mail(name="Dana", email="dana@acme.com", subject=subject, body=body)
    url = mailto_url(mail)
    assert url.isascii() and not any(c.isspace() for c in url)
    to, fields = parse_mailto(url)
    assert to == "dana@acme.com"
    assert fields.get("subject", [""]) == [mail.subject]
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert len(mail.subject.splitlines()) <= 1
    assert fields.get("body", [""]) == [mail.body.replace("\n", "\r\n")]
    assert "\n".join(mail.body.splitlines()) == mail.body.removesuffix("\n"), "only \\n breaks"
    assert set(fields) <= {"subject", "body"}


def test_the_link_limit_counts_encoded_characters() -> None:
    assert fits_a_link("m" * MAILTO_MAX)
    assert not fits_a_link("m" * (MAILTO_MAX + 1))
    short = compose_mail(name="D", email="d@a.co", subject="s", body="é" * 340)
    assert len(short.body) == 340 and not fits_a_link(mailto_url(short)), "é is %C3%A9"


# -- the .eml draft --------------------------------------------------------------
def test_eml_reads_back_with_every_header_and_the_body() -> None:
    mail = compose_mail(
        name="Dana Whitfield",
        email="dana@acme.com",
        subject="Recap of our call: next step by Thursday 3 December",
        body="Hi Dana,\n\nÜber: ça marche.\nFrom here on, a line\n.\n" + "long " * 40 + "\n",
    )
    when = datetime(2026, 11, 22, 16, 30, tzinfo=timezone(timedelta(hours=1)))
    data = eml_bytes(mail, when)
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b""), "CRLF throughout"
    message = parse_eml(data)
    (address,) = message["To"].addresses
    assert (address.display_name, address.addr_spec) == ("Dana Whitfield", "dana@acme.com")
    assert message["Subject"] == mail.subject
    assert message["Date"].datetime == when
    assert message["X-Unsent"] == "1"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert body_of(message) == mail.body


def test_eml_without_an_address_has_an_empty_to() -> None:
    message = parse_eml(eml_bytes(compose_mail(name="Dana", email="", subject="s", body="b"), WHEN))
    assert message["To"] == ""
    assert body_of(message) == "b\n", "a body ends with a line break"


def test_hostile_name_and_subject_create_no_header_in_the_draft() -> None:
    mail = compose_mail(
        name=HOSTILE_NAME, email="dana@acme.com", subject=HOSTILE_SUBJECT, body="Bcc: a@b.c\n"
    )
    message = parse_eml(eml_bytes(mail, WHEN))
    assert sorted(message.keys()) == sorted(
        [
            "To",
            "Subject",
            "Date",
            "X-Unsent",
            "Content-Type",
            "Content-Transfer-Encoding",
            "MIME-Version",
        ]
    )
    (address,) = message["To"].addresses
    assert address.addr_spec == "dana@acme.com"
    assert address.display_name == " ".join(clean_line(HOSTILE_NAME).split())
    assert message["Subject"] == " ".join(clean_line(HOSTILE_SUBJECT).split())
    assert "\x1b" not in str(message["Subject"]) + address.display_name
    assert body_of(message) == "Bcc: a@b.c\n", "in the body it is only text"


HEADER_KEYS = sorted(
    [
        *("To", "Subject", "Date", "X-Unsent"),
        *("Content-Type", "Content-Transfer-Encoding", "MIME-Version"),
    ]
)
WORDS = st.lists(
    st.text(alphabet=st.sampled_from('ab0 é€¡𐀀\t"\\()<>,;:@.'), max_size=120), max_size=6
).map(" ".join)
"""Names and subjects with long words, quotes and specials: what trips header folding."""


@settings(deadline=None)  # a 500-character non-ASCII header takes the stdlib ~0.3 s to fold
@given(st.text() | WORDS, st.text() | WORDS, st.text())
@example(ONE_LINE_BREAKERS, ONE_LINE_BREAKERS, ONE_LINE_BREAKERS)
@example("a" * 100 + " " + "b" * 100, "0000 0¡𐀀 000¡𐀀𐀀𐀀𐀀 0¡𐀀 ¡", "")
@example("é" * 500, "𐀀" * 500, "")
def test_any_text_makes_a_draft_that_reads_back(name: str, subject: str, body: str) -> None:
    mail = compose_mail(name=name, email="dana@acme.com", subject=subject, body=body)
    message = parse_eml(eml_bytes(mail, WHEN))
    assert sorted(message.keys()) == HEADER_KEYS, "no header lost into the body, none added"
    assert message["Subject"] in (mail.subject, fit(mail.subject, SUBJECT_FALLBACK_MAX))
    (address,) = message["To"].addresses
    assert address.addr_spec == "dana@acme.com"
    assert address.display_name in (mail.to_name, ""), "the name as typed, or left out"
    expected = mail.body if mail.body.endswith("\n") else mail.body + "\n"
    assert body_of(message) == expected.replace("\r\n", "\n")


def test_ordinary_long_names_and_subjects_read_back_whole() -> None:
    """The stdlib folds at 78 columns and mangles some headers; drafts fold at 998."""
    name = "Dana Ü" + "a" * 58  # one long word, 64 characters in all
    subject = "Récap: " + "x" * 70 + " 0¡𐀀 ¡ " + "€ " * 100
    mail = compose_mail(name=name, email="dana@acme.com", subject=subject, body="b")
    message = parse_eml(eml_bytes(mail, WHEN))
    assert message["Subject"] == mail.subject
    assert message["To"].addresses[0].display_name == mail.to_name


def test_a_name_too_long_for_to_is_left_out() -> None:
    for words, expected in ((13, "Dana " * 13), (14, "")):
        mail = compose_mail(name="Dana " * words, email="dana@acme.com", subject="s", body="b")
        assert len(mail.to_name) == 5 * words - 1
        (address,) = parse_eml(eml_bytes(mail, WHEN))["To"].addresses
        assert (address.display_name, address.addr_spec) == (expected.strip(), "dana@acme.com")
    assert NAME_IN_TO_MAX == 64


def test_a_name_too_long_to_write_whole_is_left_out_not_mangled() -> None:
    mail = compose_mail(name="é" * 500, email="dana@acme.com", subject="s", body="b")
    data = eml_bytes(mail, WHEN)
    assert max(len(line) for line in data.split(b"\r\n")) <= 998
    (address,) = parse_eml(data)["To"].addresses
    assert (address.display_name, address.addr_spec) == ("", "dana@acme.com")


# -- the file name ---------------------------------------------------------------
def test_draft_name_from_the_contact_and_the_day() -> None:
    day = date(2026, 11, 22)
    assert draft_file_name("Dana Whitfield", day, 7) == "recap-dana-whitfield-2026-11-22-call-7.eml"
    assert draft_file_name("Zoë O'Brien-Šimić", day) == "recap-zoë-o-brien-šimić-2026-11-22.eml"
    assert draft_file_name("", day, 1) == "recap-contact-2026-11-22-call-1.eml"
    assert draft_file_name("../../etc/passwd", day, 1) == "recap-etc-passwd-2026-11-22-call-1.eml"
    assert draft_file_name("CON", day) == "recap-con-2026-11-22.eml"


@given(st.text())
def test_no_name_can_make_a_path_or_hide_a_character(name: str) -> None:
    file_name = draft_file_name(name, date(2026, 11, 22), 3)
    assert re.fullmatch(r"recap-[\w-]+-2026-11-22-call-3\.eml", file_name)
    assert "_" not in file_name.removesuffix(".eml")[6:-18]
    assert file_name.isprintable()
    assert len(file_name) <= len("recap--2026-11-22-call-3.eml") + 40


def test_mail_is_frozen_data() -> None:
    mail = Mail(to="", to_name="", subject="", body="")
    with pytest.raises(AttributeError):
        mail.to = "x"  # type: ignore[misc]
