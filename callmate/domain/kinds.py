"""One table per concept: every word, key, colour and place a value has.

Each enum below is the whole table for its concept. A member is one row:
its stored value first, then everything the screens, the recap, the
exporters and the command line show for it. Nothing else lists the members;
prefix hints, choice rows, colours, CSS classes, recap sections and labels
are all read from here. So adding a note kind is one line in
:class:`NoteKind` (the stored value is the member's value: the database keeps
whatever this table allows, and an unknown value read back is a plain note).

Standard library only, and cheap to import (about 1.5 ms): the home screen's agenda and
``callmate due`` load it without pydantic or Textual.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class RecapSection(StrEnum):
    """The recap email's sections about the notes, in the email's order."""

    UNDERSTOOD = "What I understood:"
    MATTERS = "What matters to you:"
    CONCERNS = "Concerns you raised:"
    WORDS = "In your words:"
    AGREED = "What we agreed:"


class RecapForm(StrEnum):
    """How a note is written in the recap email."""

    LINE = "line"
    """Its text, on one line."""
    QUOTED = "quoted"
    """Its text in quotation marks: their own words."""
    PROMISE = "promise"
    """A sentence about who will do it and by when ("I will …", "You offered to …")."""


_S, _F = RecapSection, RecapForm  # short names for the table's rows


class NoteKind(StrEnum):
    """What a line typed during the call is. The prefix is typed first.

    Columns: stored value; label (the log, the kind line, help); prefix
    typed first ("" for a plain note); theme colour variable (None: shown
    dim, never by colour alone); recap section (None: never in the email);
    how the recap writes it; its order within the section; whether the email
    takes it until the user chooses (a ``?`` follow-up is the user's to-do).
    """

    _value_: str  # the stored value (the rest of a row are its columns)
    label: str
    prefix: str
    colour: str | None
    recap: RecapSection | None
    recap_form: RecapForm
    recap_order: int
    emailed: bool

    def __new__(  # the columns' defaults let NoteKind("quote") (a look-up) type-check
        cls,
        value: str,
        label: str = "",
        prefix: str = "",
        colour: str | None = None,
        recap: RecapSection | None = None,
        recap_form: RecapForm = RecapForm.LINE,
        recap_order: int = 0,
        emailed: bool = True,
    ) -> NoteKind:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label, member.prefix, member.colour = label, prefix, colour
        member.recap, member.recap_form, member.recap_order = recap, recap_form, recap_order
        member.emailed = emailed and recap is not None
        return member

    # fmt: off
    NOTE      = "note",      "note",      "",  None,             _S.UNDERSTOOD
    QUOTE     = "quote",     "quote",     '"', "text-success",   _S.WORDS,      _F.QUOTED
    PAIN      = "pain",      "pain",      "!", "text-error",     _S.MATTERS
    OBJECTION = "objection", "objection", "~", "text-warning",   _S.CONCERNS
    OURS      = "ours",      "we owe",    ">", "text-accent",    _S.AGREED,     _F.PROMISE
    THEIRS    = "theirs",    "they owe",  "<", "text-primary",   _S.AGREED,     _F.PROMISE, 1
    FOLLOW_UP = "follow_up", "follow up", "?", "text-secondary", _S.AGREED,     _F.PROMISE, 0, False
    PRIVATE   = "private",   "private",   "#", "text-private",   None
    """For the user's eyes only: kept, searched and exported in the user's own
    JSON and Markdown, never in the recap email, the ``.ics`` or the CSV.
    ``$text-private`` is defined by :func:`kind_theme_variables`."""
    # fmt: on

    @property
    def css_class(self) -> str:
        """The class the live call's kind label takes (coloured by :func:`kind_css`)."""
        return f"kind-{self.value}"


def kind_of(value: str | None) -> NoteKind:
    """The kind a stored value names; one this version doesn't know (a newer
    version's, a hand edit) is read as a plain note, as the store reads it."""
    try:
        return NoteKind(value or "")
    except ValueError:
        return NoteKind.NOTE


PREFIX_KINDS: dict[str, NoteKind] = {kind.prefix: kind for kind in NoteKind if kind.prefix}
"""The kind a typed line's first character asks for."""


def prefix_hint(*, suffix: str = "") -> str:
    """``"quote  !pain  ~objection …``: each prefix beside its kind, for the live call."""
    return "  ".join([*(kind.prefix + kind.label for kind in NoteKind if kind.prefix), suffix])


def kind_css(selector: str) -> str:
    """Textual CSS colouring ``selector`` by its kind class, one rule per coloured kind."""
    return "\n".join(
        f"{selector}.{kind.css_class} {{ color: ${kind.colour}; }}"
        for kind in NoteKind
        if kind.colour
    )


def kind_theme_variables(*, dark: bool) -> dict[str, str]:
    """The colours :func:`kind_css` names that Textual's themes don't define
    (the App's theme variable defaults; a theme may set its own).
    ``$text-private``: the colour of private notes, one no other kind uses,
    readable on dark and light themes."""
    return {"text-private": "#C792EA" if dark else "#7B3F9E"}


class Owner(StrEnum):
    """Who carries a next step. Columns: stored value; choice label and key at
    the close; the recap email's phrase; the exports' phrase; what home adds."""

    _value_: str  # the stored value (the rest of a row are its columns)
    label: str
    key: str
    recap_phrase: str
    export_phrase: str
    home_suffix: str

    def __new__(
        cls,
        value: str,
        label: str = "",
        key: str = "",
        recap: str = "",
        export: str = "",
        home: str = "",
    ) -> Owner:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label, member.key = label, key
        member.recap_phrase, member.export_phrase, member.home_suffix = recap, export, home
        return member

    US = "us", "Us", "u", "on our side", "on us", ""
    THEM = "them", "Them", "t", "on your side", "on them", "  (theirs)"
    BOTH = "both", "Both", "b", "together", "on both of us", "  (together)"


class _Keyed(StrEnum):
    """A row of stored value, label and key (no members: the tables below have them)."""

    _value_: str  # the stored value (the rest of a row are its columns)
    label: str
    key: str

    def __new__(cls, value: str, label: str = "", key: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label, member.key = label, key
        return member


class Outcome(_Keyed):
    """How the call ended. Columns: stored value; choice label; key."""

    YES = "yes", "Yes", "y"
    NO = "no", "No", "n"
    MAYBE = "maybe", "Maybe", "m"


class GoalResult(StrEnum):
    """Which goal the call reached, judged at the close (rule 2).
    Columns: stored value; choice label; key; in words (a close kept as a note)."""

    _value_: str  # the stored value (the rest of a row are its columns)
    label: str
    key: str
    words: str

    def __new__(cls, value: str, label: str = "", key: str = "", words: str = "") -> GoalResult:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label, member.key, member.words = label, key, words
        return member

    PRIMARY = "primary", "Goal met", "g", "goal met"
    BACKUP = "backup", "Backup met", "b", "backup goal met"
    NEITHER = "neither", "Neither", "n", "neither goal met"


class Reason(StrEnum):
    """Why a call ended on No or Maybe: the method's probes (rule 13).
    Columns: stored value; label; key at the close; the outcomes that offer it."""

    _value_: str  # the stored value (the rest of a row are its columns)
    label: str
    key: str
    offered_for: tuple[str, ...]

    def __new__(
        cls, value: str, label: str = "", key: str = "", offered_for: tuple[str, ...] = ()
    ) -> Reason:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label, member.key, member.offered_for = label, key, offered_for
        return member

    NO_PROJECT = "no_project", "No project", "p", ("no",)
    OTHER_SUPPLIER = "other_supplier", "Chose another supplier", "s", ("no",)
    WRONG_TIME = "wrong_time", "Wrong time", "w", ("no",)
    TIMING = "timing", "Timing: ready, or only starting to look?", "t", ("maybe",)
    BUDGET_CYCLE = "budget_cycle", "Budget cycle", "b", ("maybe",)
    NEEDS_REVIEW = "needs_review", "Others need to review it", "r", ("maybe",)
    OTHER = "other", "Other", "o", ("no", "maybe")


REASONS_FOR: dict[str, tuple[Reason, ...]] = {
    outcome.value: tuple(r for r in Reason if outcome.value in r.offered_for)
    for outcome in Outcome
    if any(outcome.value in r.offered_for for r in Reason)
}
"""The reasons an outcome offers, in the table's order ("yes" offers none)."""


class CallType(StrEnum):
    """What kind of call this is; picks the default question sets (rules 17, 18).
    Columns: stored value; label (pickers and headers); short label (the
    plan screen's choice row); key on the plan screen."""

    _value_: str  # the stored value (the rest of a row are its columns)
    label: str
    short: str
    key: str

    def __new__(cls, value: str, label: str = "", short: str = "", key: str = "") -> CallType:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label, member.short, member.key = label, short or label, key
        return member

    # fmt: off
    DISCOVERY    = "discovery",          "Discovery",          "",          "d"
    FOLLOW_UP    = "follow_up",          "Follow-up",          "",          "f"
    PROPOSAL     = "proposal",           "Proposal",           "",          "p"
    CLOSING      = "closing",            "Closing",            "",          "c"
    INTERVIEW    = "customer_interview", "Customer interview", "Interview", "i"
    RELATIONSHIP = "relationship",       "Relationship",       "",          "r"
    # fmt: on


class ContactRole(_Keyed):
    """Who this person is on the deal; each has their own motives (rule 5).
    Columns: stored value; label; key on the plan screen."""

    DECISION_MAKER = "decision_maker", "Decision maker", "d"
    INFLUENCER = "influencer", "Influencer", "i"
    CHAMPION = "champion", "Champion", "c"
    USER = "user", "User", "u"
    OTHER = "other", "Other", "o"


class ResearchArea(StrEnum):
    """The three places to look (rule 3) and the prep trio (rule 4).
    Columns: stored value; label (in a line of research, lower case); heading
    (the plan screen's choice row); key on the plan screen; the words that,
    typed before a colon (``news: Q3 revenue down``), file a line under it."""

    _value_: str  # the stored value (the rest of a row are its columns)
    label: str
    heading: str
    key: str
    prefixes: tuple[str, ...]

    def __new__(
        cls,
        value: str,
        label: str = "",
        heading: str = "",
        key: str = "",
        prefixes: tuple[str, ...] = (),
    ) -> ResearchArea:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label, member.heading, member.key, member.prefixes = label, heading, key, prefixes
        return member

    # fmt: off
    NEWS    = "news",    "news",      "News",      "n", ("news",)
    WEBSITE = "website", "website",   "Website",   "w", ("web", "site", "website")
    INSIDE  = "inside",  "inside us", "Inside us", "i", ("in", "inside", "us")
    KNOW    = "know",    "we know",   "We know",   "k", ("know",)
    LEARN   = "learn",   "to learn",  "To learn",  "l", ("learn",)
    SAY     = "say",     "say aloud", "Say aloud", "s", ("say",)
    # fmt: on


class Connection(_Keyed):
    """Whether the call reached the person. Most dials don't; each is an attempt.
    Columns: stored value; in words (home, ``callmate due``, the attempt
    dialog); the key that picks it in the attempt dialog ("" for connected)."""

    CONNECTED = "connected", "connected", ""
    NO_ANSWER = "no_answer", "no answer", "n"
    VOICEMAIL = "voicemail", "voicemail", "v"
    GATEKEEPER = "gatekeeper", "gatekeeper", "g"
    WRONG_NUMBER = "wrong_number", "wrong number", "w"

    @property
    def is_attempt(self) -> bool:
        return self is not Connection.CONNECTED


ATTEMPT_KINDS: tuple[Connection, ...] = tuple(c for c in Connection if c.is_attempt)
"""The ways a call doesn't connect, in the attempt dialog's order."""
