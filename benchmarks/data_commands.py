"""``callmate export`` and ``callmate import`` at scale, against plain stdlib scripts.

    python -m benchmarks.data_commands [--big DIR] [--sizes 10000,100000] [--runs 3]
                                       [--large-runs N] [--code DIR]

For each size (calls; ten notes a call, as ``benchmarks.seed`` spreads them)
a data dir is seeded, or for 100,000 calls ``--big DIR`` is copied (the
seeded dir is never written to). Each round times four whole processes, one
after the other, the callmate one and its stdlib reference paired in the same
round (which goes first alternates):

* export: ``callmate export --format json --out FILE`` against
  :data:`REFERENCE_EXPORT`, a stdlib script writing the same JSON text (it is
  compared byte for byte) the plain way: every row read, one list, one
  ``json.dump(indent=2)``, fsync and rename;
* import: ``callmate import FILE`` into an empty database against
  :data:`REFERENCE_IMPORT`, a stdlib script that ``json.load``-s the file
  and inserts each call (``executemany`` for its rows) in one transaction,
  with no checking, into a database made by the same migrations (so the
  same search triggers run).

Wall time is taken around each process, and its peak RSS from ``os.wait4``
(that child's own ``ru_maxrss``). Figures are medians and p95 over the
rounds, and each callmate time as a ratio of the reference in the same run.
``--code DIR`` runs callmate from another checkout (the "before" figures).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.pty_harness import median

REFERENCE_EXPORT = r"""
import json, os, sqlite3, sys
from datetime import datetime, timezone

db_path, out = sys.argv[1], sys.argv[2]
db = sqlite3.connect(db_path)


def iso(value):
    if value is None:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=timezone.utc).isoformat()


moves = {}
for call_id, note_id, day in db.execute(
    "SELECT call_id, note_id, from_date FROM date_moves ORDER BY id"
):
    moves.setdefault((call_id, note_id), []).append(day)
notes = {}
for call_id, note_id, kind, text, offset, due, due_time, owner, done_at, in_email, uuid in (
    db.execute(
        "SELECT call_id, id, kind, text, offset_seconds, due, due_time, owner, done_at, in_email,"
        " uuid FROM notes WHERE deleted_at IS NULL ORDER BY call_id, id"
    )
):
    note = {"uuid": uuid, "kind": kind, "text": text, "offset_seconds": offset}
    if kind in ("ours", "theirs"):
        note["owner"] = owner
        note["due"] = due
        note["time"] = due_time if due else None
        note["done_at"] = iso(done_at)
        note["moved_from"] = moves.get((call_id, note_id), []) if due else []
    if in_email is not None:
        note["in_email"] = bool(in_email)
    notes.setdefault(call_id, []).append(note)
questions = {}
for call_id, text, asked, origin in db.execute(
    "SELECT call_id, text, asked, origin FROM questions ORDER BY call_id, position, id"
):
    questions.setdefault(call_id, []).append(
        {"text": text, "asked": bool(asked), "origin": origin}
    )
research = {}
for call_id, area, text, said in db.execute(
    "SELECT call_id, area, text, said FROM research ORDER BY call_id, position, id"
):
    research.setdefault(call_id, []).append({"area": area, "text": text, "said": bool(said)})
calls = []
for row in db.execute(
    "SELECT k.id, k.status, k.connection, c.name, c.company, c.role, k.call_type, k.goal,"
    " k.backup_goal, k.outcome, k.reason, k.reason_text, k.goal_result, k.next_step_what,"
    " k.next_step_owner, k.next_step_due, k.next_step_time, k.next_step_done_at,"
    " k.follows_call_id, k.started_at, k.ended_at, k.paused_seconds, k.recap_subject,"
    " k.recap_body, k.uuid, c.uuid FROM calls k JOIN contacts c ON c.id = k.contact_id"
    " WHERE k.discarded_at IS NULL ORDER BY k.started_at, k.id"
):
    (id_, status, connection, name, company, role, call_type, goal, backup, outcome, reason,
     reason_text, goal_result, what, owner, due, at, done_at, follows, started, ended, paused,
     subject, body, uuid, contact_uuid) = row
    calls.append({
        "id": id_, "uuid": uuid, "status": status, "connection": connection,
        "contact": {"name": name, "company": company, "role": role, "uuid": contact_uuid},
        "call_type": call_type, "goal": goal, "backup_goal": backup,
        "research": research.get(id_, []), "questions": questions.get(id_, []),
        "notes": notes.get(id_, []), "outcome": outcome, "reason": reason,
        "reason_text": reason_text, "goal_result": goal_result,
        "next_step": {
            "what": what, "owner": owner, "date": due, "time": at, "done_at": iso(done_at),
            "moved_from": moves.get((id_, None), []),
        } if what is not None and due is not None else None,
        "follows_call_id": follows, "started_at": iso(started), "ended_at": iso(ended),
        "paused_seconds": paused,
        "recap": {"subject": subject or "", "body": body} if body is not None else None,
    })
temporary = out + ".tmp"
with open(temporary, "w", encoding="utf-8") as handle:
    json.dump({"schema_version": 1, "calls": calls}, handle, indent=2, ensure_ascii=True)
    handle.write("\n")
    handle.flush()
    os.fsync(handle.fileno())
os.replace(temporary, out)
"""

REFERENCE_IMPORT = r"""
import json, sqlite3, sys
from datetime import datetime, timedelta, timezone

path, db_path = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as handle:
    calls = json.load(handle)
if isinstance(calls, dict):  # {"schema_version": 1, "calls": [...]}
    calls = calls["calls"]
db = sqlite3.connect(db_path, isolation_level=None)
for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
    db.execute("PRAGMA " + pragma)


def stamp(moment):
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


db.execute("BEGIN IMMEDIATE")
keep_ids = db.execute("SELECT count(*) FROM calls").fetchone()[0] == 0
contacts, new_ids, follows = {}, {}, []
for call in calls:
    person = call["contact"]
    key = (person["name"].lower(), person["company"].lower())
    if key not in contacts:
        found = db.execute(
            "SELECT id FROM contacts WHERE lower(name) = ? AND lower(company) = ?"
            " ORDER BY id DESC LIMIT 1", key
        ).fetchone()
        if found:
            db.execute("UPDATE contacts SET company = ?, role = ? WHERE id = ?",
                       (person["company"], person["role"], found[0]))
            contacts[key] = found[0]
        else:
            contacts[key] = db.execute(
                "INSERT INTO contacts (name, company, created_at, role, uuid)"
                " VALUES (?, ?, ?, ?, ?)",
                (person["name"], person["company"], stamp(call["started_at"]), person["role"],
                 person.get("uuid")),
            ).lastrowid
    step = call["next_step"]
    recap = call["recap"]
    call_id = db.execute(
        "INSERT INTO calls (id, contact_id, goal, backup_goal, status, started_at, ended_at,"
        " outcome, next_step_what, next_step_owner, next_step_due, next_step_time, call_type,"
        " paused_seconds, reason, reason_text, goal_result, recap_subject, recap_body,"
        " next_step_done_at, connection, uuid)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (call["id"] if keep_ids else None, contacts[key], call["goal"], call["backup_goal"],
         call["status"], stamp(call["started_at"]), stamp(call["ended_at"]), call["outcome"],
         step and step["what"], step and step["owner"], step and step["date"],
         step and step["time"], call["call_type"], call["paused_seconds"], call["reason"],
         call["reason_text"], call["goal_result"], recap and recap["subject"],
         recap and recap["body"], stamp(step and step["done_at"]), call["connection"],
         call.get("uuid")),
    ).lastrowid
    if call["id"] is not None:
        new_ids[call["id"]] = call_id
    if call["follows_call_id"] is not None:
        follows.append((call_id, call["follows_call_id"]))
    start = datetime.fromisoformat(call["started_at"])
    moved_at = stamp(call["ended_at"] or call["started_at"])
    moves = []
    if step:
        dates = [*step["moved_from"], step["date"]]
        moves += [(call_id, None, a, b, moved_at) for a, b in zip(dates, dates[1:])]
    plain = []
    for note in call["notes"]:
        row = (call_id, note["kind"], note["text"], note["offset_seconds"],
               stamp(start + timedelta(seconds=note["offset_seconds"])), note.get("due"),
               note.get("time"), note.get("owner", ""), stamp(note.get("done_at")),
               note.get("in_email"), note.get("uuid"))
        if note.get("moved_from"):
            note_id = db.execute(
                "INSERT INTO notes (call_id, kind, text, offset_seconds, created_at, due,"
                " due_time, owner, done_at, in_email, uuid) VALUES (?,?,?,?,?,?,?,?,?,?,?)", row
            ).lastrowid
            dates = [*note["moved_from"], note["due"]]
            moves += [(call_id, note_id, a, b, moved_at) for a, b in zip(dates, dates[1:])]
        else:
            plain.append(row)
    db.executemany(
        "INSERT INTO notes (call_id, kind, text, offset_seconds, created_at, due, due_time,"
        " owner, done_at, in_email, uuid) VALUES (?,?,?,?,?,?,?,?,?,?,?)", plain
    )
    db.executemany(
        "INSERT INTO questions (call_id, position, text, asked, origin) VALUES (?,?,?,?,?)",
        [(call_id, i, q["text"], q["asked"], q["origin"]) for i, q in enumerate(call["questions"])],
    )
    db.executemany(
        "INSERT INTO research (call_id, position, area, text, said) VALUES (?,?,?,?,?)",
        [(call_id, i, r["area"], r["text"], r["said"]) for i, r in enumerate(call["research"])],
    )
    db.executemany(
        "INSERT INTO date_moves (call_id, note_id, from_date, to_date, moved_at)"
        " VALUES (?,?,?,?,?)", moves
    )
db.executemany(
    "UPDATE calls SET follows_call_id = ? WHERE id = ?",
    [(new_ids[old], new) for new, old in follows if old in new_ids],
)
db.execute("COMMIT")
"""


LAUNCHER = r"""
import os, sys
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ)
_pid, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""
"""Runs a command and prints its exit code and peak RSS. A child's ``ru_maxrss``
starts from its parent's at fork, so the measured command is spawned from
this small process (~10 MiB), not from the benchmark (which seeded data)."""


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one whole process.

    It runs in the temporary folder: ``python -m callmate`` puts its working
    directory first on sys.path, which from a checkout would beat ``--code``.
    """
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *args],
        env={**os.environ, **(env or {})},
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - began
    code, peak = (int(word) for word in done.stdout.split()[-2:])
    if code != 0:
        raise RuntimeError(f"{args[:4]} failed ({code}): {done.stderr[-2000:]}")
    return elapsed, peak


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def empty_home(folder: Path) -> Path:
    """A data dir with an empty database, made by the migrations."""
    from callmate.locations import database_path
    from callmate.store import bulk

    bulk.connect(database_path(folder)).close()
    return folder


def same_file(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as left, open(b, "rb") as right:
        while True:
            x, y = left.read(1 << 24), right.read(1 << 24)
            if x != y:
                return False
            if not x:
                return True


def measure(home: Path, work: Path, runs: int, code: str | None) -> dict[str, float]:
    from callmate.locations import database_path

    python = sys.executable
    callmate_env = {"PYTHONPATH": code} if code else {}
    times: dict[str, list[float]] = {
        k: [] for k in ("export", "ref_export", "import", "ref_import")
    }
    peaks: dict[str, int] = dict.fromkeys(times, 0)
    mine, theirs = work / "callmate.json", work / "reference.json"
    for round_ in range(runs):
        steps = [
            (
                "export",
                [python, "-m", "callmate", "--data-dir", str(home), "export", "--out", str(mine)],
                callmate_env,
            ),
            (
                "ref_export",
                [python, "-c", REFERENCE_EXPORT, str(database_path(home)), str(theirs)],
                {},
            ),
        ]
        for name, args, env in steps if round_ % 2 == 0 else steps[::-1]:
            os.sync()
            elapsed, peak = run(args, env)
            times[name].append(elapsed)
            peaks[name] = max(peaks[name], peak)
        if round_ == 0 and not same_file(mine, theirs):
            print("note: the reference export's text differs from callmate's", flush=True)
        imports = []
        for name in ("import", "ref_import"):
            target = work / f"{name}-{round_}"
            empty_home(target)
            if name == "import":
                args = [python, "-m", "callmate", "--data-dir", str(target), "import", str(mine)]
                env = callmate_env
            else:
                args = [python, "-c", REFERENCE_IMPORT, str(mine), str(database_path(target))]
                env = {}
            imports.append((name, args, env, target))
        for name, args, env, target in imports if round_ % 2 == 0 else imports[::-1]:
            os.sync()
            elapsed, peak = run(args, env)
            times[name].append(elapsed)
            peaks[name] = max(peaks[name], peak)
            db = sqlite3.connect(database_path(target))
            counts = db.execute(
                "SELECT (SELECT count(*) FROM calls), (SELECT count(*) FROM notes),"
                " (SELECT count(*) FROM search_notes)"
            ).fetchone()
            db.close()
            if name == "import":
                print(f"  imported calls, notes, indexed notes: {counts}", flush=True)
            shutil.rmtree(target)
        print(
            f"  round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items()),
            flush=True,
        )
    out: dict[str, float] = {}
    for name, values in times.items():
        out[f"{name}_median"] = median(values)
        out[f"{name}_p95"] = p95(values)
        out[f"{name}_rss_mib"] = peaks[name] / 1024
    for name in ("export", "import"):
        ratios = [a / b for a, b in zip(times[name], times[f"ref_{name}"], strict=True)]
        out[f"{name}_ratio"] = median(ratios)
        out[f"{name}_ratio_p95"] = p95(ratios)
    return out


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", type=Path, help="a dir seeded with 100,000 calls (copied)")
    parser.add_argument("--sizes", default="10000,100000", help="calls, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--large-runs", type=int, help="rounds at the largest size (default: --runs)"
    )
    parser.add_argument("--code", help="run callmate from this checkout (PYTHONPATH)")
    args = parser.parse_args(argv)
    from benchmarks.seed import seed

    result: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            home = Path(tmp) / f"home-{size}"
            if size == 100_000 and args.big is not None:
                shutil.copytree(args.big, home)
            else:
                seed(home, calls=size, notes=size * 10)
            work = Path(tmp) / f"work-{size}"
            work.mkdir()
            print(f"{size:,} calls, {size * 10:,} notes:", flush=True)
            runs = args.runs
            if args.large_runs and size == max(int(s) for s in args.sizes.split(",")):
                runs = args.large_runs
            figures = measure(home, work, runs, args.code)
            for key, value in figures.items():
                result[f"{key}_{size}"] = value
            for name in ("export", "import"):
                print(
                    f"  {name}: callmate median {figures[f'{name}_median']:.1f} s"
                    f" (p95 {figures[f'{name}_p95']:.1f}), peak {figures[f'{name}_rss_mib']:.0f}"
                    f" MiB | stdlib median {figures[f'ref_{name}_median']:.1f} s"
                    f" (p95 {figures[f'ref_{name}_p95']:.1f}),"
                    f" peak {figures[f'ref_{name}_rss_mib']:.0f} MiB"
                    f" | ratio x{figures[f'{name}_ratio']:.2f}"
                    f" (p95 x{figures[f'{name}_ratio_p95']:.2f})",
                    flush=True,
                )
            shutil.rmtree(home)
            shutil.rmtree(work)
    sizes = [int(s) for s in args.sizes.split(",")]
    result["export_ratio"] = max(result[f"export_ratio_{s}"] for s in sizes)
    result["import_ratio"] = max(result[f"import_ratio_{s}"] for s in sizes)
    result["export_ratio_p95"] = max(result[f"export_ratio_p95_{s}"] for s in sizes)
    result["import_ratio_p95"] = max(result[f"import_ratio_p95_{s}"] for s in sizes)
    result["peak_rss_mib"] = max(
        result[f"{n}_rss_mib_{s}"] for n in ("export", "import") for s in sizes
    )
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        for name in ("export", "import"):
            result[f"{name}_growth"] = (
                result[f"{name}_median_{large}"] / result[f"{name}_median_{small}"]
            )
            print(
                f"{name}: x{result[f'{name}_growth']:.1f} the time for x{large // small} the calls"
            )
    return result


if __name__ == "__main__":
    main()
