"""Built-in question bank: short keyword prompts, grouped into sets, and a fuzzy search.

Entries are reminders, not scripts (METHOD rule 6, from ``000_33be8825d6a78bb8.txt`` §3:
keep the list short, don't rehearse, too vague beats too specific), so each entry is a
2-6 word keyword phrase written in our own words. The sets follow METHOD rules 7 and 8.
"""

from __future__ import annotations

from dataclasses import dataclass

from callmate.domain.kinds import CallType as CallType  # the table lives in kinds


@dataclass(frozen=True)
class QuestionSet:
    """A named group of keyword prompts the user can pick from."""

    key: str
    title: str
    hint: str
    entries: tuple[str, ...]


BANK: tuple[QuestionSet, ...] = (
    # Rule 7. Source: 003_0b2ad4d9db9e4eb3.txt "Pay Attention Now" (the two motivation
    # questions, asked in several ways over time) and "Focus Precedes Success" / "Begin
    # with the End in Mind" (past, present, ideal future).
    QuestionSet(
        key="motivation",
        title="Motivation",
        hint="Early and often: what they want to achieve and why it matters to them.",
        entries=(
            "Outcome they're after",
            "Why it matters personally",
            "What success looks like",
            "Why now",
            "What led up to this",
            "Ideal picture a year out",
            "Biggest worry about it",
            "Cost of doing nothing",
        ),
    ),
    # Rule 8. Source: 000_33be8825d6a78bb8.txt §3 (how they bought before, the boss's
    # criteria) and 002_2589912f4c3288ea.txt (budget cycle, timing behind a "maybe").
    QuestionSet(
        key="purchase",
        title="Purchase process",
        hint="When the goal is to learn how this customer actually buys.",
        entries=(
            "Past buys like this",
            "Usual buying steps",
            "Selection criteria",
            "Budget and who holds it",
            "Budget cycle timing",
            "Target start date",
            "Current supplier",
            "Paperwork and approvals",
        ),
    ),
    # Rule 5. Source: 003_0b2ad4d9db9e4eb3.txt #2 "Decision maker or decision influencer?"
    # (each player has their own motives) and 000_33be8825d6a78bb8.txt §3 (who might object).
    QuestionSet(
        key="stakeholders",
        title="Stakeholders & decision",
        hint="Map the people: who decides, who sways it, who could block it.",
        entries=(
            "Who decides",
            "Who else weighs in",
            "Possible objectors",
            "Boss's yardstick",
            "Each person's stake",
            "Inside champion",
            "Route to the decider",
        ),
    ),
    # Rule 18. Source: 004_328fc105168436dd.txt (interview existing customers and lost
    # prospects; a fact-finding call, not a pitch).
    QuestionSet(
        key="interview",
        title="Customer interview",
        hint="Fact-finding with a customer or lost prospect; no selling on this call.",
        entries=(
            "Problem they were solving",
            "Goal when they bought",
            "Must-have features",
            "Why us over alternatives",
            "Why buy at that moment",
            "Cost of leaving it unfixed",
            "How they use it today",
            "Worries while buying",
            "Where they'd search today",
        ),
    ),
    # Rule 8. Source: 003_0b2ad4d9db9e4eb3.txt "Listen Up" (follow-up questions with active
    # probing verbs; get to the why behind the answer).
    QuestionSet(
        key="probes",
        title="Follow-up probes",
        hint="After any answer worth more: dig one level deeper before moving on.",
        entries=(
            "Say more",
            "A concrete example",
            "Impact on the business",
            "How long it's been so",
            "Reason behind that",
            "Who feels it most",
            "What's been tried",
        ),
    ),
    # Rules 8 and 11. Source: 003_0b2ad4d9db9e4eb3.txt "Are You Asking For It?" (gauge
    # interest and engagement) and 004_328fc105168436dd.txt (acknowledge the 20-minute mark).
    QuestionSet(
        key="engagement",
        title="Engagement checks",
        hint="Now and then, and at the 20-minute mark: is this still worth their time?",
        entries=(
            "Useful so far",
            "Open questions so far",
            "Right topics",
            "20-minute time check",
            "Keep going or stop",
            "Anything I missed",
        ),
    ),
    # Rules 12 and 13. Source: 002_2589912f4c3288ea.txt "Know what's next", "Give your
    # customer the opportunity to do the closing"; 003_0b2ad4d9db9e4eb3.txt "What's Our
    # Next Step?".
    QuestionSet(
        key="closing",
        title="Closing",
        hint="Last minutes of every call: a dated next step with an owner.",
        entries=(
            "Our next step",
            "Their preferred next move",
            "Who else reviews",
            "Date and owner",
            "Reason behind a no",
            "Timing behind a maybe",
            "When budgeting starts",
        ),
    ),
)

_SETS_BY_KEY: dict[str, QuestionSet] = {s.key: s for s in BANK}

# Which sets each call type pre-selects; the user can add or drop sets freely.
DEFAULT_SETS: dict[CallType, tuple[str, ...]] = {
    # Rules 7 and 5: discovery is about motives, and each player has their own.
    CallType.DISCOVERY: ("motivation", "stakeholders"),
    # Rules 7 and 8: ask the motivation questions again in new ways, then learn how they buy.
    CallType.FOLLOW_UP: ("motivation", "purchase"),
    # Rules 8, 5 and 11: criteria and budget, who reviews the proposal, is it landing.
    CallType.PROPOSAL: ("purchase", "stakeholders", "engagement"),
    # Rules 12, 13 and 5: a dated next step, the reason behind a no or maybe, other reviewers.
    CallType.CLOSING: ("closing", "stakeholders"),
    # Rule 18: an interview is fact-finding, not a sales call in disguise: no purchase or
    # closing sets.
    CallType.INTERVIEW: ("interview",),
    # Rule 17 (grow, never just maintain): 003 "Interest" says revisit their needs, which
    # have likely changed (motivation, then probes on what changed); 003 "Assume Nothing"
    # says widen your circle inside the account (stakeholders, rule 5).
    CallType.RELATIONSHIP: ("motivation", "probes", "stakeholders"),
}


def suggested_questions(call_type: CallType, limit: int = 5) -> list[str]:
    """A short starter checklist, taking turns across the call type's default sets.

    Round-robin keeps the list balanced; ``limit`` stays small because a long list makes
    you sound scripted and pushy (rule 6).
    """
    sets = [_SETS_BY_KEY[key] for key in DEFAULT_SETS.get(CallType(call_type), ())]
    out: list[str] = []
    depth = max((len(s.entries) for s in sets), default=0)
    for i in range(depth):
        for qset in sets:
            if len(out) >= limit:
                return out
            if i < len(qset.entries) and qset.entries[i] not in out:
                out.append(qset.entries[i])
    return out


@dataclass(frozen=True)
class BankHit:
    """One search result; ``positions`` index the matched characters of ``entry``."""

    entry: str
    set_key: str
    set_title: str
    score: float
    positions: tuple[int, ...]


# Scoring weights for the fuzzy matcher. Word starts and contiguous runs are what people
# type when they half-remember a phrase, so they earn the most.
_MATCH = 1.0
_WORD_START = 2.0
_TEXT_START = 1.0  # on top of _WORD_START for the very first character
_CONSECUTIVE = 1.5
_GAP = 0.15  # per skipped character between two matched ones
_LEAD_GAP = 0.02  # per character before the first match
_TITLE_FACTOR = 0.7  # a set-title hit counts for less than the same hit in the entry
_MAX_QUERY = 64  # longer queries cannot match any entry; cut the work short


def _fold(ch: str) -> str:
    """Case-fold one character to exactly one character, so indices stay aligned."""
    low = ch.lower()
    return low[0] if low else ch


def fuzzy_match(query: str, text: str) -> tuple[float, tuple[int, ...]] | None:
    """Best case-insensitive subsequence match of ``query`` in ``text``, or None.

    Whitespace in the query is ignored. Dynamic programming over (query char, text
    position) finds the highest-scoring alignment, not just the leftmost one, so
    "dcd" prefers the start of "decides" over a stray "d" mid-word. O(len(q) * len(text)).
    """
    q = [_fold(c) for c in query if not c.isspace()]
    n, m = len(q), len(text)
    if n == 0 or n > m or n > _MAX_QUERY:
        return None
    folded = [_fold(c) for c in text]
    bonus = [0.0] * m
    for j, ch in enumerate(text):
        if j == 0:
            bonus[j] = _WORD_START + _TEXT_START
        elif (ch.isalnum() and not text[j - 1].isalnum()) or (
            ch.isupper() and text[j - 1].islower()
        ):
            bonus[j] = _WORD_START  # after a space or punctuation, or a camelCase hump

    neg = float("-inf")
    # score[i][j]: best score with q[i] matched at text[j]; back[i][j]: where q[i-1] was.
    score = [[neg] * m for _ in range(n)]
    back = [[-1] * m for _ in range(n)]
    for j in range(m):
        if folded[j] == q[0]:
            score[0][j] = _MATCH + bonus[j] - _LEAD_GAP * j
    for i in range(1, n):
        prev, cur, ptr = score[i - 1], score[i], back[i]
        # Best prev[k] + _GAP * k over k < j - 1 (a gap), kept as a running maximum.
        run_best, run_k = neg, -1
        for j in range(i, m):
            k = j - 2
            if k >= 0 and prev[k] != neg and prev[k] + _GAP * k > run_best:
                run_best, run_k = prev[k] + _GAP * k, k
            if folded[j] != q[i]:
                continue
            best, best_k = neg, -1
            if prev[j - 1] != neg:
                best, best_k = prev[j - 1] + _CONSECUTIVE, j - 1
            if run_k >= 0:
                gapped = run_best - _GAP * (j - 1)
                if gapped > best:
                    best, best_k = gapped, run_k
            if best_k >= 0:
                cur[j] = best + _MATCH + bonus[j]
                ptr[j] = best_k
    last = score[n - 1]
    end = max(range(m), key=lambda j: last[j])  # first index wins ties: deterministic
    if last[end] == neg:
        return None
    positions = [end]
    for i in range(n - 1, 0, -1):
        positions.append(back[i][positions[-1]])
    positions.reverse()
    return last[end], tuple(positions)


def search_bank(query: str, limit: int = 20) -> list[BankHit]:
    """Fuzzy-find bank entries, best first; ties keep bank order.

    Each entry scores its own match or its set title's (discounted), whichever is higher;
    a hit won through the title has empty ``positions``. A blank query browses the whole
    bank in order, ignoring ``limit``, so a picker with an empty filter shows everything.
    """
    if not isinstance(query, str) or not query.strip():
        return [BankHit(e, s.key, s.title, 0.0, ()) for s in BANK for e in s.entries]
    if limit <= 0:
        return []
    hits: list[BankHit] = []
    for qset in BANK:
        title_match = fuzzy_match(query, qset.title)
        title_score = title_match[0] * _TITLE_FACTOR if title_match else float("-inf")
        for entry in qset.entries:
            match = fuzzy_match(query, entry)
            if match is not None and match[0] >= title_score:
                hits.append(BankHit(entry, qset.key, qset.title, match[0], match[1]))
            elif title_match is not None:
                hits.append(BankHit(entry, qset.key, qset.title, title_score, ()))
    hits.sort(key=lambda h: -h.score)  # stable: equal scores stay in bank order
    return hits[:limit]
