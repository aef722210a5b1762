"""Build a large callmate database for benchmarks, fast and reproducibly.

    python -m benchmarks.seed DIR --calls 100000 --notes 1000000
    python -m benchmarks.seed DIR --live-notes 1000      # one open call, 1,000 notes

Rows go in with bulk inserts (SQLAlchemy Core ``insert(table), rows``), about
ten times faster than adding ORM objects one by one.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from callmate.locations import database_path
from callmate.store.repository import Repository
from callmate.store.schema import CallRow, ContactRow, NoteRow

WORDS = (
    "budget pilot rollout dispatch planners spreadsheet weekend renewal pricing contract "
    "security audit onboarding integration warehouse freight invoice approval quarter "
    "procurement legal review timeline champion sponsor demo trial usage seats export "
    "report dashboard latency outage support ticket migration training workshop roadmap"
).split()
FIRST = "Dana Lee Sam Alex Priya Jonas Mei Omar Ines Tom Ada Kofi Lena Ravi Noor Eli".split()
LAST = "Whitfield Park Novak Ortega Chen Okafor Berg Silva Haddad Kim Moreau Ito".split()
COMPANIES = "Northwind Acme Globex Initech Umbrella Hooli Vandelay Stark Wayne Tyrell".split()
KINDS = ["note"] * 6 + ["quote", "pain", "objection", "ours", "theirs", "follow_up"]
BATCH = 50_000


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))


def seed(
    home: Path,
    *,
    calls: int = 0,
    notes: int = 0,
    live_notes: int = 0,
    now: datetime | None = None,
    random_seed: int = 7,
) -> None:
    """Add ``calls`` finished calls sharing ``notes`` notes, plus one open call."""
    rng = random.Random(random_seed)
    now = now or datetime.now(UTC)
    today = now.date()
    home.mkdir(parents=True, exist_ok=True)
    repo = Repository.open(database_path(home))
    engine = repo.engine
    contact_count = max(1, calls // 20)
    with engine.begin() as db:
        db.execute(
            insert(ContactRow),
            [
                {
                    "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
                    "company": f"{rng.choice(COMPANIES)} {i % 997}",
                    "role": rng.choice(["decision_maker", "influencer", "champion", "user"]),
                    "created_at": now - timedelta(days=800),
                }
                for i in range(contact_count)
            ],
        )
        first_contact = db.execute(ContactRow.__table__.select().limit(1)).first()
        base_contact = first_contact.id if first_contact else 1
        for start in range(0, calls, BATCH):
            rows = []
            for i in range(start, min(calls, start + BATCH)):
                started = now - timedelta(minutes=rng.randint(60, 60 * 24 * 730))
                rows.append(
                    {
                        "contact_id": base_contact + i % contact_count,
                        "call_type": rng.choice(["discovery", "follow_up", "proposal"]),
                        "goal": sentence(rng),
                        "backup_goal": sentence(rng),
                        "status": "done",
                        "started_at": started,
                        "ended_at": started + timedelta(minutes=25),
                        "outcome": rng.choice(["yes", "no", "maybe"]),
                        "next_step_what": sentence(rng),
                        "next_step_owner": rng.choice(["us", "them", "both"]),
                        "next_step_due": today + timedelta(days=rng.randint(-60, 60)),
                    }
                )
            db.execute(insert(CallRow), rows)
        first_call = db.execute(CallRow.__table__.select().limit(1)).first()
        base_call = first_call.id if first_call else 1
        for start in range(0, notes if calls else 0, BATCH):
            db.execute(
                insert(NoteRow),
                [
                    _note(rng, base_call + rng.randrange(calls), now)
                    for _ in range(start, min(notes, start + BATCH))
                ],
            )
    if live_notes:
        _open_call(repo, rng, now, live_notes)
    repo.close()


def _note(rng: random.Random, call_id: int, now: datetime) -> dict[str, object]:
    """A note; a commitment ("ours"/"theirs") mostly has an owner and a due date
    as the close gives it, and most are kept, as in real use."""
    kind = rng.choice(KINDS)
    row: dict[str, object] = {
        "call_id": call_id,
        "kind": kind,
        "text": sentence(rng),
        "offset_seconds": rng.randint(0, 1800),
        "created_at": now - timedelta(days=rng.randint(0, 730)),
        "owner": "",
        "due": None,
        "done_at": None,
    }  # every row has every key: one bulk insert needs them alike
    if kind in ("ours", "theirs"):
        row["owner"] = rng.choice(["Dana", "Sam", "Priya", ""])
        if rng.random() < 0.8:
            row["due"] = now.date() + timedelta(days=rng.randint(-60, 60))
        if rng.random() < 0.7:
            row["done_at"] = now - timedelta(days=rng.randint(0, 60))
    return row


def _open_call(repo: Repository, rng: random.Random, now: datetime, count: int) -> None:
    from callmate.domain.models import Call, Contact, Question, ResearchArea, ResearchLine

    call = repo.start_call(
        Call(
            contact=Contact(name="Dana Whitfield", company="Northwind"),
            goal="Book a demo with the ops team",
            backup_goal="Name of the ops lead",
            questions=[Question(text=t) for t in ("budget cycle", "who decides", "timeline")],
            research=[  # what the prep panel shows beside the notes at 120x40
                ResearchLine(area=ResearchArea.NEWS, text="new CFO since October"),
                ResearchLine(area=ResearchArea.LEARN, text="who signs off on tools"),
                ResearchLine(area=ResearchArea.SAY, text="a day lost every week"),
            ],
            started_at=now - timedelta(minutes=40),
        )
    )
    with repo.engine.begin() as db:
        db.execute(
            insert(NoteRow),
            [
                {
                    "call_id": call.id,
                    "kind": rng.choice(KINDS),
                    "text": sentence(rng),
                    "offset_seconds": i,
                    "created_at": now - timedelta(minutes=40) + timedelta(seconds=i),
                }
                for i in range(count)
            ],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("home", type=Path, help="a callmate data dir (created if missing)")
    parser.add_argument("--calls", type=int, default=0)
    parser.add_argument("--notes", type=int, default=0)
    parser.add_argument("--live-notes", type=int, default=0)
    args = parser.parse_args()
    began = time.perf_counter()
    seed(args.home, calls=args.calls, notes=args.notes, live_notes=args.live_notes)
    os.sync()  # so the first timed launch doesn't wait behind the writeback
    print(f"seeded {args.home} in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
