"""Issue 22: the review screen's charts, drawn from numbers without a terminal."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from callmate.widgets.week_bars import (
    PLAIN,
    Part,
    cells,
    chart_palette,
    compact,
    percent,
    share_bar,
    share_label,
    week_bars,
)

RESULTS = [
    Part("met", 20, "good", "█"),
    Part("backup", 8, "fair", "▓"),
    Part("neither", 1, "bad", "░"),
]


def test_a_share_bar_splits_its_width_in_proportion_and_says_the_numbers() -> None:
    bar = share_bar(RESULTS, 24, PLAIN)
    # 20/29 of 24 = 16.6, 8/29 = 6.6, 1/29 = 0.8: the largest remainders get the spare cells.
    assert bar.plain == "█" * 16 + "▓" * 7 + "░"
    assert share_label(RESULTS).plain == "20 met 69% · 8 backup 28% · 1 neither 3%"


def test_a_small_share_keeps_one_cell_and_the_parts_differ_by_glyph() -> None:
    parts = [Part("kept", 1, "good", "█"), Part("broken", 500, "bad", "░")]
    assert share_bar(parts, 10, PLAIN).plain == "█" + "░" * 9


def test_nothing_to_share_is_a_dotted_line_and_no_division_by_zero() -> None:
    parts = [Part("met", 0, "good", "█"), Part("neither", 0, "bad", "░")]
    assert share_bar(parts, 8, PLAIN).plain == "········"
    assert share_label(parts).plain == "0 met · 0 neither"
    assert percent(3, 0) == ""


@given(
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=5), st.integers(1, 60)
)
def test_cells_always_fill_the_width_exactly(counts: list[int], width: int) -> None:
    shares = cells(counts, width)
    assert len(shares) == len(counts)
    assert all(s >= 0 for s in shares)
    assert sum(shares) == (width if sum(counts) else 0)
    assert all(s == 0 for s, c in zip(shares, counts, strict=True) if c == 0)
    if sum(1 for c in counts if c) <= width:
        assert all(s > 0 for s, c in zip(shares, counts, strict=True) if c > 0)


def test_week_bars_draw_a_column_per_week_with_its_number_under_it() -> None:
    lines = week_bars([0, 50, None, 100], PLAIN, top=100, column=4).plain.splitlines()
    assert lines == ["▁▁▁ ▄▄▄     ███", "  0  50   · 100"]


def test_week_bars_scale_to_the_largest_value_and_grow_taller() -> None:
    lines = week_bars([1, 2, 4], PLAIN, height=2, column=3).plain.splitlines()
    assert lines == ["      ██", "▄▄ ██ ██", " 1  2  4"]


def test_a_tiny_value_still_shows_and_none_at_all_is_a_floor() -> None:
    bars = week_bars([0, 1], PLAIN, top=1000, column=2).plain.splitlines()
    assert bars == ["▁ ▁", "0 1"]
    assert week_bars([None, None], PLAIN, column=2).plain.splitlines()[-1] == "· ·"


def test_big_numbers_keep_to_four_characters() -> None:
    assert [compact(v) for v in (7, 42.4, 9999, 12_345, 999_499, 1_250_000)] == [
        "7",
        "42",
        "9999",
        "12k",
        "999k",
        "1.2M",
    ]


def test_colours_come_from_the_theme_and_a_missing_one_is_bold() -> None:
    palette = chart_palette({"text-success": "#337E4A", "text-error": "#7A273C"})
    assert palette["good"] == "#337E4A" and palette["bad"] == "#7A273C"
    assert palette["fair"] == "bold"  # no colour made up here
    styled = share_bar(RESULTS, 24, palette)
    assert {str(span.style) for span in styled.spans} == {"#337E4A", "bold", "#7A273C"}
