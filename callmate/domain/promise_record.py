"""Kept on time: how one person's promises have gone, ours and theirs apart.

Follow-through is the method's spine (METHOD.md rules 10, 12, 16): a
salesperson who sees "ours: 1 late, 2 overdue" beside a name knows what to
fix before dialling. The timeline shows :meth:`PromiseRecord.lines`, and
``callmate due --json`` gives :meth:`PromiseRecord.as_dict` with each item.

The rules, written once here and counted by the one query
:func:`callmate.store.queries.promise_records`:

- A *promise* is a call's next step or a "we owe" / "they owe" commitment.
  Deleted commitments don't count.
- *Ours or theirs*: a commitment's kind says it; a next step owned by
  ``them`` is theirs, one owned by ``us`` or by ``both`` is ours (we agreed to
  drive a shared step, so a slip is ours to fix).
- *Kept on time*: kept on or before its due date, comparing the local
  calendar date of the moment it was marked kept. A moved date counts
  against the latest date, the one both sides last agreed: the slip itself is
  history the timeline shows beside it ("moved twice, first due 2 Dec").
- *Kept late*: kept after its due date.
- *Open overdue*: not kept and due before today (due today is not overdue yet).
- A promise without a date can't be late: kept, it counts as on time; open,
  it counts nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Tally:
    """One side's promises with one person."""

    on_time: int = 0
    late: int = 0
    open_overdue: int = 0

    @property
    def empty(self) -> bool:
        return not (self.on_time or self.late or self.open_overdue)

    def as_dict(self) -> dict[str, int]:
        return {"on_time": self.on_time, "late": self.late, "open_overdue": self.open_overdue}

    def phrase(self) -> str:
        """``4 kept on time, 1 late, 1 overdue``; zero late or overdue left out."""
        if self.empty:
            return "none kept yet"
        parts = [f"{self.on_time} kept on time"]
        if self.late:
            parts.append(f"{self.late} late")
        if self.open_overdue:
            parts.append(f"{self.open_overdue} overdue")
        return ", ".join(parts)


@dataclass(frozen=True)
class PromiseRecord:
    """A person's promises kept on time, kept late and open past their date."""

    ours: Tally = field(default_factory=Tally)
    theirs: Tally = field(default_factory=Tally)

    def as_dict(self) -> dict[str, dict[str, int]]:
        """The JSON shape: ``{"ours": {"on_time", "late", "open_overdue"}, "theirs": …}``."""
        return {"ours": self.ours.as_dict(), "theirs": self.theirs.as_dict()}

    def lines(self) -> str:
        """What the top of the timeline says: a line per side, so it fits 80 columns.

        ``Our promises:   4 kept on time, 1 late, 1 overdue`` and
        ``Their promises: 2 kept on time``.
        """
        if self.ours.empty and self.theirs.empty:
            return "Promises: none kept or overdue yet"
        return f"Our promises:   {self.ours.phrase()}\nTheir promises: {self.theirs.phrase()}"


EMPTY_RECORD = PromiseRecord()
"""A person with no promise kept or overdue."""
