"""The method's gentle nudges: one calm line each, or None. They never block anything.

Each nudge encodes one METHOD rule; the sources are cited by seed file name. Messages are in
our own words and stay short enough for a status line.
"""

from __future__ import annotations

from collections.abc import Sequence

DEFAULT_QUESTION_LIMIT = 5

# An entry longer than this reads like a rehearsed sentence rather than a keyword (rule 6).
_SCRIPT_MAX_WORDS = 7
_SCRIPT_MAX_CHARS = 50
_SCRIPT_QUESTION_WORDS = 5
_KEYWORD_MAX_WORDS = 5


def checklist_nudge(entries: Sequence[str], limit: int = DEFAULT_QUESTION_LIMIT) -> str | None:
    """Rule 6 (000_33be8825d6a78bb8.txt §3): a long list makes you sound pushy or desperate.

    Blank entries don't count: they are unfinished rows, not questions.
    """
    count = sum(1 for e in entries if e.strip())
    if count <= limit:
        return None
    return (
        f"{count} questions planned. Pick the {max(limit, 0)} that matter most: "
        "a short list keeps it a conversation."
    )


def _words(text: str) -> frozenset[str]:
    """A word set from a whitespace-separated block, easier to read and edit than a literal."""
    return frozenset(text.split())


def _edge_strip(token: str) -> str:
    """Drop punctuation at both ends of a word, keeping inner marks ("boss's", "20-minute")."""
    start, end = 0, len(token)
    while start < end and not token[start].isalnum():
        start += 1
    while end > start and not token[end - 1].isalnum():
        end -= 1
    return token[start:end]


def _norm(token: str) -> str:
    """Lower-case comparison form of a word; curly apostrophes become straight ones."""
    return _edge_strip(token).lower().replace("\u2019", "'")


# Question openers that carry no topic; longest first so the most specific one wins.
_LEAD_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            tuple(p.split())
            for p in (
                "can you help me understand",
                "could you help me understand",
                "would you help me understand",
                "help me understand",
                "can you tell me",
                "could you tell me",
                "would you tell me",
                "can you walk me through",
                "could you walk me through",
                "walk me through",
                "tell me about",
                "tell me",
                "i'd like to know",
                "i would like to know",
                "i want to know",
                "i wonder",
                "i was wondering",
                "do you think",
                "what do you think about",
                "what is",
                "what are",
                "what's",
                "what was",
                "what were",
                "what",
                "how do you",
                "how does",
                "how did you",
                "how have you",
                "how much is",
                "how much",
                "how many",
                "how",
                "do you",
                "does",
                "did you",
                "are you",
                "is there",
                "are there",
                "have you",
                "can you",
                "could you",
                "would you",
                "so",
            )
        ),
        key=len,
        reverse=True,
    )
)

# Function words and filler. Interrogatives that carry meaning ("who", "why", "when",
# "where", "which") and negations ("not", "no") are deliberately kept.
_STOP_WORDS: frozenset[str] = _words(
    """
    a an the and or but if of to in on at for from by with about into over as than then
    so that this these those it its it's is are was were be been being am do does did
    doing have has had having will would can could should shall may might must
    i i'm i'd me my we we're our us you you're your yours they they're their them he she
    his her him what what's how
    just really actually basically currently simply very quite kind sort of please
    maybe perhaps also even still any some try trying tried
    """
)


def keyword_form(entry: str) -> str:
    """Best-effort keyword version of a sentence, for the scripted-entry nudge (rule 6).

    Drops a leading question phrase, stop words, filler and punctuation, keeps up to five
    content words in their original spelling. Never empty for non-blank input (falls back
    to the first words) and never longer than the input. Blank input gives "".
    """
    tokens = entry.split()
    if not tokens:
        return ""
    normed = [_norm(t) for t in tokens]
    start = 0
    for phrase in _LEAD_PHRASES:
        if tuple(normed[: len(phrase)]) == phrase:
            start = len(phrase)
            break
    kept = [
        _edge_strip(tok)
        for tok, low in zip(tokens[start:], normed[start:], strict=True)
        if low and low not in _STOP_WORDS
    ]
    if not kept:  # nothing but small words: keep the first words as typed, minus punctuation
        kept = [w for w in (_edge_strip(t) for t in tokens) if w]
    if not kept:  # nothing but punctuation: keep it raw rather than return nothing
        kept = tokens
    words = kept[:_KEYWORD_MAX_WORDS]
    first = words[0]
    if first[0].isascii() and first[0].islower():
        words[0] = first[0].upper() + first[1:]
    return " ".join(words)


def scripted_entry_nudge(entry: str) -> str | None:
    """Rule 6 (000_33be8825d6a78bb8.txt §3): don't rehearse; write keywords, not sentences."""
    text = entry.strip()
    if not text:
        return None
    words = text.split()
    too_long = len(words) > _SCRIPT_MAX_WORDS or len(text) > _SCRIPT_MAX_CHARS
    full_question = text.endswith("?") and len(words) >= _SCRIPT_QUESTION_WORDS
    if not (too_long or full_question):
        return None
    return f'Reads like a script. Try a few keywords instead, e.g. "{keyword_form(text)}".'


def _goal_tokens(goal: str) -> list[str]:
    """Lower-case words of a goal; hyphens and slashes split words ("check-in")."""
    text = goal.lower().replace("\u2019", "'")
    for mark in "-/_":
        text = text.replace(mark, " ")
    return [w for w in (_edge_strip(t) for t in text.split()) if w]


# Phrases that only keep a relationship where it is (003_0b2ad4d9db9e4eb3.txt "Growth vs.
# Maintenance"; "Never make a call without a purpose" warns against calls to just check in).
_MAINTENANCE_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            tuple(p.split())
            for p in (
                "check in",
                "checking in",
                "checkin",
                "touch base",
                "touching base",
                "catch up",
                "catching up",
                "catchup",
                "follow up",
                "following up",
                "followup",
                "keep in touch",
                "stay in touch",
                "keep warm",
                "reconnect",
                "say hi",
                "say hello",
                "see how things are",
                "see how things are going",
                "see how things stand",
                "see where things stand",
                "see how it's going",
                "see how they're doing",
                "see how they are doing",
                "just calling",
                "calling",
                "status update",
                "quick chat",
                "chat",
            )
        ),
        key=len,
        reverse=True,
    )
)

# Words that add no substance next to a maintenance phrase: "just a quick call to check in
# with them" is still only a check-in. Anything else left over counts as content.
_GOAL_FILLER: frozenset[str] = _STOP_WORDS | _words(
    """
    quick quickly brief briefly call again back up there here everything things all
    customer client contact prospect account team folks guys
    want wanted going gonna need needed like hope hoping try trying re regarding
    """
)

# A single leftover word is enough when it is an action that moves the deal forward.
_FORWARD_VERBS: frozenset[str] = _words(
    """
    agree ask book close commit confirm decide demo get introduce learn meet negotiate
    present price propose qualify quote schedule secure set sign start trial
    """
)


def _is_maintenance_only(goal: str) -> bool:
    """True when the goal is a maintenance phrase plus filler and at most one stray word.

    The rule: at least one maintenance phrase occurs, and once phrases and filler words are
    removed, at most one content word remains and it is not a forward action verb. So
    "check in with Dana" or "follow up on the proposal" nudge, while "check in on the pilot
    and book the rollout review" (four content words) or "check in and confirm budget" do not.
    """
    tokens = _goal_tokens(goal)
    found = False
    leftover: list[str] = []
    i = 0
    while i < len(tokens):
        for phrase in _MAINTENANCE_PHRASES:
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                found = True
                i += len(phrase)
                break
        else:
            if tokens[i] not in _GOAL_FILLER:
                leftover.append(tokens[i])
            i += 1
    if not found:
        return False
    return len(leftover) == 0 or (len(leftover) == 1 and leftover[0] not in _FORWARD_VERBS)


def goal_nudge(goal: str) -> str | None:
    """Rule 17: no maintenance calls; every call should move the relationship forward.

    Source: 003_0b2ad4d9db9e4eb3.txt "Growth vs. Maintenance". An empty goal gets None:
    refusing to start without a goal is rule 1's job, not a nudge.
    """
    if not _is_maintenance_only(goal):
        return None
    return "A check-in alone won't grow the account. What should this call move forward?"


def backup_goal_nudge(goal: str, backup: str) -> str | None:
    """Rule 2 (002_2589912f4c3288ea.txt "Plan and backup"): plan a fallback outcome too.

    Silent while the goal itself is blank, so two nudges never stack on an empty form.
    """
    if not goal.strip() or backup.strip():
        return None
    return "If the goal slips, what would still make this call worth it? Add a backup."


def next_step_cadence_warning(days_out: int, cadence_days: int = 30) -> str | None:
    """Rule 14 (002_2589912f4c3288ea.txt): a next step past the cadence lets a competitor in.

    A non-positive ``cadence_days`` means "no cadence" and never warns.
    """
    if cadence_days <= 0 or days_out <= cadence_days:
        return None
    return (
        f"Next step is {days_out} days out, past the {cadence_days}-day rhythm; "
        "a competitor could get there first. Anything sooner?"
    )
