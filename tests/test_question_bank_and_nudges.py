"""Question bank and nudges: the method's rules 6, 2, 14, 17 and 18 as executable checks."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callmate.domain.nudges import (
    DEFAULT_QUESTION_LIMIT,
    backup_goal_nudge,
    checklist_nudge,
    goal_nudge,
    keyword_form,
    next_step_cadence_warning,
    scripted_entry_nudge,
)
from callmate.domain.question_bank import (
    BANK,
    DEFAULT_SETS,
    BankHit,
    CallType,
    QuestionSet,
    fuzzy_match,
    search_bank,
    suggested_questions,
)

ALL_ENTRIES = [e for s in BANK for e in s.entries]
SET_KEYS = {s.key for s in BANK}

# --- the bank ---------------------------------------------------------------------------


def test_bank_has_the_expected_sets() -> None:
    assert [s.key for s in BANK] == [
        "motivation",
        "purchase",
        "stakeholders",
        "interview",
        "probes",
        "engagement",
        "closing",
    ]
    assert len(SET_KEYS) == len(BANK)


@pytest.mark.parametrize("qset", BANK, ids=lambda s: s.key)
def test_every_set_is_a_short_keyword_list(qset: QuestionSet) -> None:
    assert qset.title.strip() and qset.hint.strip()
    assert "\n" not in qset.hint
    assert 5 <= len(qset.entries) <= 9
    assert len(set(qset.entries)) == len(qset.entries)
    for entry in qset.entries:
        assert entry == entry.strip()
        assert 1 <= len(entry.split()) <= 6, entry
        assert not entry.endswith("?"), entry
        # Our own keyword entries must never trip our own scripted-entry nudge.
        assert scripted_entry_nudge(entry) is None, entry


def test_call_type_values_and_labels() -> None:
    assert CallType("customer_interview") is CallType.INTERVIEW
    assert CallType.FOLLOW_UP == "follow_up"
    assert [t.label for t in CallType] == [
        "Discovery",
        "Follow-up",
        "Proposal",
        "Closing",
        "Customer interview",
        "Relationship",
    ]


@pytest.mark.parametrize("call_type", list(CallType))
def test_every_call_type_has_existing_defaults(call_type: CallType) -> None:
    keys = DEFAULT_SETS[call_type]
    assert keys, call_type
    assert set(keys) <= SET_KEYS
    assert len(set(keys)) == len(keys)


def test_interview_is_not_a_sales_call_in_disguise() -> None:
    keys = DEFAULT_SETS[CallType.INTERVIEW]
    assert keys == ("interview",)
    assert not {"purchase", "closing"} & set(keys)


def test_closing_and_discovery_defaults() -> None:
    assert "closing" in DEFAULT_SETS[CallType.CLOSING]
    assert "stakeholders" in DEFAULT_SETS[CallType.CLOSING]
    assert DEFAULT_SETS[CallType.DISCOVERY][:2] == ("motivation", "stakeholders")


@pytest.mark.parametrize("call_type", list(CallType))
def test_suggested_questions_are_short_and_from_the_defaults(call_type: CallType) -> None:
    allowed = {e for s in BANK if s.key in DEFAULT_SETS[call_type] for e in s.entries}
    got = suggested_questions(call_type)
    assert 1 <= len(got) <= 5
    assert len(set(got)) == len(got)
    assert set(got) <= allowed
    assert checklist_nudge(got) is None  # the starter list never nags
    assert suggested_questions(call_type, limit=2) == got[:2]
    assert suggested_questions(call_type, limit=0) == []


def test_suggested_questions_mix_the_default_sets() -> None:
    got = suggested_questions(CallType.DISCOVERY, limit=4)
    by_key = {s.key: s.entries for s in BANK}
    assert got == [
        by_key["motivation"][0],
        by_key["stakeholders"][0],
        by_key["motivation"][1],
        by_key["stakeholders"][1],
    ]
    assert suggested_questions(CallType.INTERVIEW, limit=3) == list(by_key["interview"][:3])


# --- fuzzy search -----------------------------------------------------------------------


def test_empty_query_lists_every_entry_in_bank_order() -> None:
    for query in ("", "   ", "\t\n"):
        hits = search_bank(query)
        assert [h.entry for h in hits] == ALL_ENTRIES
        assert all(h.positions == () for h in hits)
    first = search_bank("")[0]
    assert first == BankHit(BANK[0].entries[0], BANK[0].key, BANK[0].title, 0.0, ())


@pytest.mark.parametrize("query", ["dcd", "decd", "DECIDES", "who dec", "wdcd"])
def test_typo_ish_subsequences_find_who_decides(query: str) -> None:
    hits = search_bank(query)
    assert "Who decides" in [h.entry for h in hits[:3]], [h.entry for h in hits]


@pytest.mark.parametrize("query", ["dcd", "rev", "BUDG", "20", "mst hv", "boss"])
def test_positions_index_the_matched_letters(query: str) -> None:
    hits = search_bank(query)
    assert hits
    needle = [c.lower() for c in query if not c.isspace()]
    for hit in hits:
        if not hit.positions:  # matched through the set title only
            continue
        assert list(hit.positions) == sorted(set(hit.positions))
        assert [hit.entry[p].lower() for p in hit.positions] == needle


def test_word_start_beats_mid_word() -> None:
    start = fuzzy_match("rev", "Who else reviews")
    middle = fuzzy_match("rev", "prevent")
    assert start is not None and middle is not None
    assert start[0] > middle[0]
    assert start[1] == (9, 10, 11)
    s1 = fuzzy_match("st", "Each person's stake")
    s2 = fuzzy_match("st", "Possible objectors")
    assert s1 is not None and s2 is not None and s1[0] > s2[0]


def test_contiguous_run_beats_scattered_letters() -> None:
    run = fuzzy_match("time", "20-minute time check")
    assert run is not None
    assert run[1] == (10, 11, 12, 13)  # the word "time", not t-i-m-e spread out


def test_search_ranks_word_start_hit_first() -> None:
    hits = search_bank("rev")
    assert hits[0].entry == "Who else reviews"
    assert hits[0].positions == (9, 10, 11)
    assert all(a.score >= b.score for a, b in pairwise(hits))


def test_set_title_matches_when_the_entry_does_not() -> None:
    hits = search_bank("stakeholders", limit=50)
    assert {h.set_key for h in hits} == {"stakeholders"}
    assert len(hits) == len(next(s for s in BANK if s.key == "stakeholders").entries)


def test_no_match_and_limits() -> None:
    assert search_bank("qqqzzz") == []
    assert search_bank("x" * 500) == []
    assert len(search_bank("e", limit=3)) == 3
    assert search_bank("e", limit=0) == []


def test_search_is_deterministic() -> None:
    assert search_bank("wh") == search_bank("wh")


@given(st.text())
def test_search_never_raises(query: str) -> None:
    hits = search_bank(query)
    for hit in hits:
        assert hit.entry in ALL_ENTRIES
        assert all(0 <= p < len(hit.entry) for p in hit.positions)


@given(st.text(max_size=20), st.text(max_size=60))
def test_fuzzy_match_never_raises(query: str, text: str) -> None:
    result = fuzzy_match(query, text)
    if result is not None:
        assert all(0 <= p < len(text) for p in result[1])


# --- nudges -----------------------------------------------------------------------------


def test_checklist_nudge() -> None:
    five = ["a", "b", "c", "d", "e"]
    assert DEFAULT_QUESTION_LIMIT == 5
    assert checklist_nudge([]) is None
    assert checklist_nudge(five) is None
    assert checklist_nudge([*five, "  "]) is None  # blank rows don't count
    message = checklist_nudge([*five, "f"])
    assert message is not None and "6" in message and "\n" not in message
    assert checklist_nudge(five, limit=4) is not None
    assert checklist_nudge(five, limit=10) is None


@pytest.mark.parametrize(
    "entry",
    [
        "Can you help me understand what you are trying to accomplish?",
        "Who are the people who might object?",
        "budget owner and timing and approval steps and paperwork",
        "x" * 51,
    ],
)
def test_scripted_entry_nudge_fires(entry: str) -> None:
    message = scripted_entry_nudge(entry)
    assert message is not None
    assert keyword_form(entry) in message


@pytest.mark.parametrize(
    "entry",
    ["", "   ", "budget", "Who decides", "Why now?", "Who else weighs in?", "Past buys like this"],
)
def test_scripted_entry_nudge_stays_silent(entry: str) -> None:
    assert scripted_entry_nudge(entry) is None


@pytest.mark.parametrize(
    ("sentence", "keywords"),
    [
        ("Can you help me understand what it is that you are trying to accomplish?", "Accomplish"),
        ("How have you purchased this sort of product in the past?", "Purchased product past"),
        (
            "What criteria is your boss using to evaluate alternatives?",
            "Criteria boss using evaluate alternatives",
        ),
        ("So what's our next step?", "Next step"),
        ("Who else needs to review the proposal?", "Who else needs review proposal"),
        ("Do you have a budget for this?", "Budget"),
        ("Could you tell me about your rollout timeline?", "Rollout timeline"),
        ("How much is not fixing this problem costing you?", "Not fixing problem costing"),
        ("budget", "Budget"),
        ("What is it?", "What is it"),  # only small words: fall back to the first words
        ("???", "???"),
        ("one two three four five six seven", "One two three four five"),
        ("Why did they pick the boss\u2019s vendor?", "Why pick boss\u2019s vendor"),
    ],
)
def test_keyword_form_table(sentence: str, keywords: str) -> None:
    assert keyword_form(sentence) == keywords


def test_keyword_form_blank() -> None:
    assert keyword_form("") == ""
    assert keyword_form("   ") == ""


@given(st.text())
def test_keyword_form_is_non_empty_and_never_longer(text: str) -> None:
    out = keyword_form(text)
    assert len(out) <= len(text)
    assert len(out.split()) <= 5
    if text.strip():
        assert out.strip()
    assert keyword_form(text) == out


MAINTENANCE_GOALS = [
    "check in",
    "Check-in.",
    "Just checking in!",
    "CHECKING IN",
    "touch base",
    "Touch-base with them",
    "Quick catch up",
    "catch-up call",
    "follow up",
    "Follow-up call",
    "Just calling to check in",
    "see how things are going",
    "Checking in to see how things are going",
    "touch base with Dana",  # a name alone adds no purpose
    "follow up on the proposal",  # which part of the proposal? what should move?
    "check in re: renewal",
    "Reconnect with the client",
    "just a quick call to touch base with the team",
]

REAL_GOALS = [
    "",
    "   ",
    "check in on the pilot and book the rollout review",
    "check in and confirm budget",
    "follow up to get the signed order form",
    "catch up on renewal terms and agree a date",
    "follow up and book demo",
    "book a demo with the CFO",
    "learn how they bought the last CRM",
    "meet the decision maker",
    "check budget approval status",  # "check" alone is not "check in"
    "checkout flow requirements",
    "find out who signs off",
]


@pytest.mark.parametrize("goal", MAINTENANCE_GOALS)
def test_goal_nudge_fires_on_maintenance_only(goal: str) -> None:
    message = goal_nudge(goal)
    assert message is not None and "forward" in message


@pytest.mark.parametrize("goal", REAL_GOALS)
def test_goal_nudge_silent_on_real_goals(goal: str) -> None:
    assert goal_nudge(goal) is None


@given(st.text())
def test_goal_nudge_never_raises(goal: str) -> None:
    assert goal_nudge(goal) is None or isinstance(goal_nudge(goal), str)


@pytest.mark.parametrize(
    ("goal", "backup", "fires"),
    [
        ("Meet the decision maker", "", True),
        ("Meet the decision maker", "   ", True),
        ("Meet the decision maker", "Get the decider's name and number", False),
        ("", "", False),  # rule 1's guard speaks first; don't stack nudges
    ],
)
def test_backup_goal_nudge(goal: str, backup: str, fires: bool) -> None:
    message = backup_goal_nudge(goal, backup)
    assert (message is not None) is fires
    if message:
        assert "worth" in message


@pytest.mark.parametrize(
    ("days", "cadence", "fires"),
    [
        (0, 30, False),
        (-3, 30, False),
        (30, 30, False),
        (31, 30, True),
        (90, 30, True),
        (45, 60, False),
        (61, 60, True),
        (400, 0, False),
    ],
)
def test_next_step_cadence_warning(days: int, cadence: int, fires: bool) -> None:
    message = next_step_cadence_warning(days, cadence)
    assert (message is not None) is fires
    if message:
        assert str(days) in message and "competitor" in message


def test_cadence_default_is_thirty_days() -> None:
    assert next_step_cadence_warning(30) is None
    assert next_step_cadence_warning(31) is not None
