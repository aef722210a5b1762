"""Contacts you can reach (issue 21): a contact's e-mail, phone and title are
stored on both backends (SQLite migration 14, team schema version 4), found
by search, carried by the JSON export and import, and on the team database a
contact saved or pushed with a known e-mail is the team's contact of that
e-mail (issue 20's de-duplication)."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from callmate.cli import main
from callmate.domain.importer import ImportFileError, parse_export
from callmate.domain.models import Call, Contact, ContactRole, email_problem
from callmate.locations import database_path
from callmate.store import bulk, migrations, pg_schema
from callmate.store.database_url import make_engine, parse
from callmate.store.repository import Repository
from tests.conftest import NOW
from tests.pg_server import PostgresServer
from tests.test_store import dump, seed_old_database, without_reach

DANA = Contact(
    name="Dana Whitfield",
    company="Northwind",
    role=ContactRole.CHAMPION,
    email="dana@northwind.example",
    phone="+1 (555) 010-2030",
    title="Head of Operations",
)


def a_call(contact: Contact = DANA, days_ago: int = 1, goal: str = "Book a demo") -> Call:
    return Call(contact=contact, goal=goal, started_at=NOW - timedelta(days=days_ago))


def test_a_contact_keeps_its_email_phone_and_title(store_repo: Repository) -> None:
    repo = store_repo
    call = repo.start_call(a_call())
    assert call.contact.id is not None
    for contact in (
        repo.get_contact(call.contact.id),
        repo.timeline(call.contact.id)[0],
        repo.get_call(call.id or 0).contact,
        *repo.list_contacts(),
    ):
        assert (contact.email, contact.phone, contact.title) == (
            "dana@northwind.example",
            "+1 (555) 010-2030",
            "Head of Operations",
        )
    # Planned again with the fields edited: the contact is updated, not doubled.
    edited = DANA.model_copy(update={"email": "dana@new.example", "phone": "", "title": "COO"})
    again = repo.start_call(a_call(edited, days_ago=0))
    assert again.contact.id == call.contact.id
    stored = repo.get_contact(call.contact.id)
    assert (stored.email, stored.phone, stored.title) == ("dana@new.example", "", "COO")
    assert len(repo.list_contacts()) == 1
    # The same e-mail, the title cleared on the plan: cleared (on the team
    # database too, where the contact is found by its e-mail first).
    cleared = edited.model_copy(update={"title": "", "phone": "0161 496 0000"})
    repo.start_call(a_call(cleared, days_ago=0, goal="Again"))
    stored = repo.get_contact(call.contact.id)
    assert (stored.email, stored.phone, stored.title) == ("dana@new.example", "0161 496 0000", "")
    assert len(repo.list_contacts()) == 1


@pytest.mark.parametrize(
    "query",
    [
        "dana@northwind.example",
        "northwind.example",
        "15550102030",
        "555-010-2030",
        "Operations",
        "head",
    ],
)
def test_search_finds_a_contact_by_email_phone_or_title(store_repo: Repository, query: str) -> None:
    repo = store_repo
    other = Contact(name="Lee Park", company="Acme", email="lee@acme.example", title="Buyer")
    repo.start_call(a_call(other, goal="Renewal"))
    call = repo.start_call(a_call())
    hits = [hit for hit in repo.search(query) if hit.source == "contact"]
    assert [hit.contact_id for hit in hits] == [call.contact.id]


def test_search_follows_an_edited_email(store_repo: Repository) -> None:
    repo = store_repo
    repo.start_call(a_call(DANA.model_copy(update={"email": "dana@oldmail.example"})))
    assert [h for h in repo.search("oldmail") if h.source == "contact"]
    repo.start_call(a_call(DANA.model_copy(update={"email": "dw@newmail.example"}), 0))
    assert [h for h in repo.search("newmail") if h.source == "contact"]
    assert not [h for h in repo.search("oldmail") if h.source == "contact"]


def test_upgrade_to_14_keeps_every_row_and_makes_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "callmate.db"
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:13])
        patch.setattr(migrations, "LATEST", 13)
        Repository.open(path).close()
        seed_old_database(path)
    before = dump(path)
    repo = Repository.open(path)
    try:
        assert migrations.schema_version(path) == migrations.LATEST
        backup = tmp_path / "callmate.db.v13.bak"
        assert backup.exists()  # taken before migrating, as every upgrade
        with sqlite3.connect(backup) as old:
            assert old.execute("PRAGMA user_version").fetchone()[0] == 13
        after = dump(path)
        after["contacts"] = without_reach(after["contacts"])  # '' each: not known
        assert after == before
        # The old contact is still found by name; given an e-mail, by it too.
        (contact,) = repo.list_contacts()
        assert [h.contact_id for h in repo.search("Whitfield") if h.source == "contact"] == [
            contact.id
        ]
        repo.start_call(a_call(contact.model_copy(update={"email": "dana@nw.example"})))
        assert [h.contact_id for h in repo.search("nw.example") if h.source == "contact"] == [
            contact.id
        ]
    finally:
        repo.close()


# -- export and import --------------------------------------------------------------


def test_the_json_export_carries_them_and_imports_them_back(tmp_path: Path) -> None:
    source = Repository.open(tmp_path / "a.db")
    target = Repository.open(tmp_path / "b.db")
    try:
        source.start_call(a_call())
        with sqlite3.connect(tmp_path / "a.db") as db:
            (streamed,) = list(bulk.export_calls(db))
        assert streamed["contact"]["email"] == "dana@northwind.example"
        assert streamed["contact"]["phone"] == "+1 (555) 010-2030"
        assert streamed["contact"]["title"] == "Head of Operations"
        calls = parse_export(json.dumps([streamed]))
        assert target.import_calls(calls) == 1
        (contact,) = target.list_contacts()
        assert (contact.email, contact.phone, contact.title) == (
            DANA.email,
            DANA.phone,
            DANA.title,
        )
    finally:
        source.close()
        target.close()


def _record(**contact: object) -> dict[str, object]:
    return {
        "status": "done",
        "contact": {"name": "Dana Whitfield", "company": "Northwind", **contact},
        "goal": "Book a demo",
        "started_at": "2026-11-20T15:00:00+00:00",
    }


def test_an_export_made_before_them_still_imports_and_erases_nothing(
    store_repo: Repository,
) -> None:
    repo = store_repo
    repo.start_call(a_call())
    assert repo.import_calls(parse_export(json.dumps([_record()]))) == 1
    (contact,) = repo.list_contacts()
    assert (contact.email, contact.phone, contact.title) == (DANA.email, DANA.phone, DANA.title)


@pytest.mark.parametrize("bad", ["dana", "dana@northwind", "@northwind.example", "da na@x.example"])
def test_a_bad_email_in_the_file_is_named_in_one_line(bad: str) -> None:
    records = [_record(email="lee@acme.example"), _record(email=bad)]
    with pytest.raises(ImportFileError) as error:
        parse_export(json.dumps(records))
    message = str(error.value)
    assert "\n" not in message
    assert "[1].contact.email" in message
    problem = email_problem(bad)
    assert problem is not None and problem in message


def test_hostile_text_in_the_file_is_cleaned_on_the_way_in(tmp_path: Path) -> None:
    record = _record(phone="+1 555\x1b[31m 0100\x07", title="[bold]Boss[/bold]\n\x1b]52;c;x\x07")
    (call,) = parse_export(json.dumps([record]))
    assert "\x1b" not in call.contact.phone + call.contact.title
    assert "\x07" not in call.contact.phone + call.contact.title
    assert call.contact.title.startswith("[bold]Boss[/bold]")  # kept as text, never markup


# -- the team database ---------------------------------------------------------------


def test_two_reps_spelling_one_person_with_one_email_see_one_contact(team: Repository) -> None:
    first = team.start_call(a_call())
    other_spelling = Contact(
        name="Dana W.", company="Northwind Ltd", email="DANA@Northwind.example", title=""
    )
    second = team.start_call(a_call(other_spelling, days_ago=0, goal="Follow up"))
    assert second.contact.id == first.contact.id
    (contact,) = team.list_contacts()
    # Found by e-mail, the contact keeps its name and company; what was left
    # empty (the title) is kept, what was typed (the e-mail's case) is taken.
    assert (contact.name, contact.company) == ("Dana Whitfield", "Northwind")
    assert contact.title == "Head of Operations"
    assert contact.email == "DANA@Northwind.example"
    # No e-mail: matched by name and company as before, else a new contact.
    assert team.start_call(a_call(Contact(name="dana whitfield", company="NORTHWIND"))).contact.id
    assert len(team.list_contacts()) == 1
    team.start_call(a_call(Contact(name="Dana W.", company="Northwind Ltd")))
    assert len(team.list_contacts()) == 2


def test_a_push_lands_on_the_team_contact_of_the_same_email(
    team: Repository, local: Repository, pg_store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    held = team.start_call(a_call())
    spelt = Contact(name="D. Whitfield", company="NW", email="dana@NORTHWIND.example", phone="")
    local.start_call(a_call(spelt, days_ago=3, goal="Pricing"))
    local.start_call(a_call(Contact(name="Lee Park", email="lee@acme.example"), goal="Intro"))
    code = main(["db", "push", "--database-url", pg_store_url])
    assert code == 0, capsys.readouterr().err
    contacts = {c.name: c for c in team.list_contacts()}
    assert set(contacts) == {"Dana Whitfield", "Lee Park"}
    dana = contacts["Dana Whitfield"]
    assert dana.id == held.contact.id
    assert dana.phone == DANA.phone  # the pushed call had none: the team's is kept
    _contact, calls = team.timeline(dana.id or 0)
    assert {c.goal for c in calls} == {"Book a demo", "Pricing"}


def test_upgrading_the_team_database_from_3_to_4(
    pg_server: PostgresServer,
    pg_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = pg_server.create_database("reach_v3")
    engine = make_engine(parse(url))
    try:
        with monkeypatch.context() as version_3:  # the schema as callmate made it at 3
            version_3.setattr(pg_schema, "LATEST", 3)
            pg_schema.upgrade(engine)
        with engine.begin() as db:  # version 1 made contacts from today's columns
            db.execute(text("ALTER TABLE contacts DROP COLUMN email, DROP COLUMN phone"))
            db.execute(text("ALTER TABLE contacts DROP COLUMN title"))
            assert "email" not in str(
                db.execute(
                    text(
                        "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = "
                        "'contacts'::regclass"
                    )
                )
                .scalars()
                .all()
            )  # version 2's search column: name and company
            contact = db.execute(
                text(
                    "INSERT INTO contacts (name, company, created_at, role) "
                    "VALUES ('Dana Whitfield', 'Northwind', '2026-11-01', 'champion') "
                    "RETURNING id"
                )
            ).scalar_one()
            db.execute(
                text(
                    "INSERT INTO calls (contact_id, goal, backup_goal, status, started_at, "
                    "reason_text) VALUES (:c, 'Book a demo', '', 'done', '2026-11-01', '')"
                ),
                {"c": contact},
            )
        assert pg_schema.current_version(engine) == 3
        code = main(["db", "upgrade", "--database-url", url])
        out, err = capsys.readouterr()
        assert code == 0, err
        assert f"schema upgraded from version 3 to {pg_schema.LATEST}" in out
        columns = {c["name"] for c in inspect(engine).get_columns("contacts")}
        assert {"email", "phone", "title"} <= columns
        indexes = {i["name"] for i in inspect(engine).get_indexes("contacts")}
        assert {pg_schema.CONTACT_EMAIL_INDEX, "search_contacts"} <= indexes
    finally:
        engine.dispose()
    repo = Repository.open_url(url)
    try:
        (contact,) = repo.list_contacts()
        assert (contact.name, contact.role, contact.email) == (
            "Dana Whitfield",
            ContactRole.CHAMPION,
            "",
        )
        assert [h.contact_id for h in repo.search("Whitfield") if h.source == "contact"] == [
            contact.id
        ]
        repo.start_call(a_call(contact.model_copy(update={"phone": "020 7946 0018"})))
        assert [h.contact_id for h in repo.search("02079460018") if h.source == "contact"] == [
            contact.id
        ]
        _contact, calls = repo.timeline(contact.id or 0)
        assert len(calls) == 2  # the call from before the upgrade is still there
    finally:
        repo.close()


def test_the_local_file_of_a_new_user_has_them(isolated_home: Path) -> None:
    repo = Repository.open(database_path(isolated_home))
    repo.close()
    with sqlite3.connect(database_path(isolated_home)) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(contacts)")}
    assert {"email", "phone", "title"} <= columns
