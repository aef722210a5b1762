"""The team database's schema on PostgreSQL: ``callmate db upgrade`` and ``db status``.

Plain DDL and a one-row version table (``callmate_schema``), not Alembic: the
tables are made from the same SQLAlchemy metadata as SQLite's
(:mod:`callmate.store.schema`, partial indexes included), and what SQLite's
triggers do there is done here by PL/pgSQL triggers:

* ``calls_last_call_at`` / ``calls_last_call_at_changed`` (migrations 5, 9):
  a contact's "last called" for going cold;
* ``calls_next_step_moved`` / ``notes_due_moved`` (migrations 7, 11): the
  date history;
* ``contacts_uuid`` / ``calls_uuid`` / ``notes_uuid`` (migration 13): here a
  column default, ``gen_random_uuid()``.

Search (version 2, :data:`_SEARCH`): not FTS5's tables and triggers
(migrations 5-6) but PostgreSQL's own full-text search, read by
:mod:`callmate.store.pg_search`.

People and permissions (version 3, :func:`_add_people`): each call has an
owner (``calls.owner_role``, the PostgreSQL role that wrote it; its notes carry
it too, for the rep's own agenda), the team's
people are in ``callmate_users``, row-level security lets a rep write only
their own calls (and their notes, questions, research, date history), and
contacts are one per name and company. See :data:`_POLICIES`.

Contacts you can reach (version 4, :func:`_add_reach`, SQLite's migration 14):
e-mail, phone and title columns, search by them, and an index on the e-mail
(case aside) through which a rep's save or push finds the team's contact of
the same e-mail before one of the same name and company.

Private notes (version 6, :func:`_add_private_notes`): a rep reads the team's
notes but another rep's private ones (``#``); a manager reads everything.

Pinned search paths (version 7, :func:`_pin_search_paths`): callmate's
functions look in ``pg_temp`` last, so a rep's temporary table can't stand in
for ``callmate_users`` or ``calls`` inside a policy or the search function.

An upgrade runs in one transaction under a transaction-level advisory lock
(PostgreSQL's DDL is transactional), so two reps upgrading at once is safe:
the second waits, then finds the version the first committed and changes
nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text

from callmate.store.outbox import PUSHING
from callmate.store.pg_search import NOTES_MATCHING
from callmate.store.schema import Base

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

LATEST = 7
"""The team schema's version this callmate writes and reads."""

VERSION_TABLE = "callmate_schema"
LOCK_KEY = 0x63616C6C6D617465  # "callmate" in ASCII, as pg_advisory_xact_lock's bigint key

_TRIGGERS = [
    """
    CREATE FUNCTION callmate_last_call_at() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE contacts SET last_call_at = NEW.started_at
        WHERE id = NEW.contact_id
          AND (last_call_at IS NULL OR last_call_at < NEW.started_at);
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER calls_last_call_at AFTER INSERT ON calls FOR EACH ROW
    WHEN (NEW.connection = 'connected' AND NEW.discarded_at IS NULL)
    EXECUTE FUNCTION callmate_last_call_at()
    """,
    """
    CREATE FUNCTION callmate_last_call_at_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE contacts SET last_call_at = (
            SELECT max(started_at) FROM calls
            WHERE contact_id = NEW.contact_id AND connection = 'connected'
              AND discarded_at IS NULL)
        WHERE id = NEW.contact_id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER calls_last_call_at_changed AFTER UPDATE OF connection, discarded_at
    ON calls FOR EACH ROW EXECUTE FUNCTION callmate_last_call_at_changed()
    """,
    """
    CREATE FUNCTION callmate_next_step_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO date_moves (call_id, note_id, from_date, to_date, moved_at,
                                from_time, to_time)
        VALUES (NEW.id, NULL, OLD.next_step_due, NEW.next_step_due,
                now() AT TIME ZONE 'UTC', OLD.next_step_time, NEW.next_step_time);
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER calls_next_step_moved AFTER UPDATE OF next_step_due, next_step_time
    ON calls FOR EACH ROW
    WHEN (OLD.next_step_due IS NOT NULL AND NEW.next_step_due IS NOT NULL
          AND (NEW.next_step_due <> OLD.next_step_due
               OR NEW.next_step_time IS DISTINCT FROM OLD.next_step_time))
    EXECUTE FUNCTION callmate_next_step_moved()
    """,
    """
    CREATE FUNCTION callmate_due_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO date_moves (call_id, note_id, from_date, to_date, moved_at,
                                from_time, to_time)
        VALUES (NEW.call_id, NEW.id, OLD.due, NEW.due, now() AT TIME ZONE 'UTC',
                OLD.due_time, NEW.due_time);
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER notes_due_moved AFTER UPDATE OF due, due_time ON notes FOR EACH ROW
    WHEN (OLD.due IS NOT NULL AND NEW.due IS NOT NULL
          AND (NEW.due <> OLD.due OR NEW.due_time IS DISTINCT FROM OLD.due_time))
    EXECUTE FUNCTION callmate_due_moved()
    """,
    *(
        f"ALTER TABLE {table} ALTER COLUMN uuid SET DEFAULT gen_random_uuid()::text"
        for table in ("contacts", "calls", "notes")
    ),
]
"""What SQLite's triggers do, for PostgreSQL (version 1)."""


class TeamSchemaTooNew(Exception):
    """The team database was upgraded by a newer callmate."""


def _partial_indexes_here_too() -> None:
    """Each index SQLite keeps partial (``sqlite_where``) is partial here too.

    Set here, not in schema.py: a ``postgresql_where`` there loads SQLAlchemy's
    PostgreSQL dialect in every callmate that opens SQLite."""
    for table in Base.metadata.tables.values():
        for index in table.indexes:
            where = index.dialect_options["sqlite"]["where"]
            if where is not None:
                index.dialect_options["postgresql"]["where"] = where


def version(connection: Connection) -> int:
    """The team schema's version: 0 where callmate's tables were never made."""
    exists = connection.execute(text("SELECT to_regclass(:name)"), {"name": VERSION_TABLE})
    if exists.scalar() is None:
        return 0
    found = connection.execute(text(f"SELECT max(version) FROM {VERSION_TABLE}")).scalar()
    return int(found or 0)


def current_version(engine: Engine) -> int:
    with engine.connect() as connection:
        return version(connection)


def upgrade(engine: Engine) -> int:
    """Bring the team database to :data:`LATEST`; the version it had.

    One transaction, under ``pg_advisory_xact_lock``: a concurrent upgrade
    waits here, then reads the version this one committed.
    """
    with engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        found = version(connection)
        if found > LATEST:
            raise TeamSchemaTooNew(found)
        if found < 1:
            _partial_indexes_here_too()
            Base.metadata.create_all(connection)
            for statement in _TRIGGERS:
                connection.execute(text(statement))
            connection.execute(
                text(
                    f"CREATE TABLE {VERSION_TABLE} (version integer NOT NULL, "
                    "upgraded_at timestamptz NOT NULL DEFAULT now())"
                )
            )
        if found < 2:
            _add_search(connection)
        if found < 3:
            _add_people(connection)
        if found < 4 <= LATEST:  # (a test may stop at an earlier LATEST)
            _add_reach(connection)
        if found < 5 <= LATEST:
            _add_review_indexes(connection)
        if found < 6 <= LATEST:
            _add_private_notes(connection)
        if found < LATEST:  # version 7, and any function a later version adds
            _pin_search_paths(connection)
        if found < LATEST:  # a later version's tables (and 3's) for every rep there is
            _grant_every_user(connection)
        if found < LATEST:
            connection.execute(
                text(f"INSERT INTO {VERSION_TABLE} (version) VALUES (:v)"), {"v": LATEST}
            )
        return found


# -- search (version 2) ---------------------------------------------------------

SEARCH_CONFIG = "callmate_search"
"""The text search configuration of every search column and query."""

SEARCH_PUNCTUATION = r"[!-/:-@[-`{-~]+"
"""ASCII punctuation, made spaces before PostgreSQL's parser sees the text, so
"dana@acme.com", "follow-up", "v2.1", "/tmp/x" are words as FTS5's unicode61
makes them ("dana" "acme" "com"), not the parser's e-mail, hyphenated-word,
version and file tokens that a search for "acme" would miss."""

_SEARCHED = {
    # table: (what FTS5 indexes for it, migrations 5-6; which rows search reads)
    "contacts": ("name || ' ' || company", None),
    "calls": (
        "goal || ' ' || backup_goal || ' ' || coalesce(next_step_what, '') || ' ' || reason_text",
        "discarded_at IS NULL",
    ),
    "research": ("text", None),
    "notes": ("text", "deleted_at IS NULL"),
}
"""Per table: the text searched, and the rows search reads (its GIN index is
partial on them: a deleted note, a discarded call's goal is never a hit)."""

SEARCH_COLUMN = "search_vector"


def _add_search(connection: Connection) -> None:
    """Version 2: a generated ``search_vector`` column and a GIN index per table.

    The configuration is a copy of ``simple``: lower-cased words, no stemming
    and no stop words, as FTS5's unicode61 does (an English stemmer would make
    "Dana" and "Danes", "audit" and "auditing" the same word and drop "a" and
    "it", while names and companies are most of what is searched). Where the
    ``unaccent`` extension can be created (it ships with PostgreSQL; creating it
    may need privileges) the configuration unaccents words first, so "é"
    matches "e" as FTS5's ``remove_diacritics 2`` does; where it can't,
    accents must match and ``callmate db status`` says so
    (:func:`search_accents`). The column is ``GENERATED ... STORED`` (so
    nothing in callmate writes it) from the two-argument, immutable
    ``to_tsvector``.
    """
    connection.execute(text(f"CREATE TEXT SEARCH CONFIGURATION {SEARCH_CONFIG} (COPY = simple)"))
    savepoint = connection.begin_nested()
    try:
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent"))
        connection.execute(
            text(
                f"ALTER TEXT SEARCH CONFIGURATION {SEARCH_CONFIG} ALTER MAPPING FOR "
                "word, hword, hword_part, numword, numhword, hword_numpart "
                "WITH unaccent, simple"
            )
        )
        savepoint.commit()
    except Exception:  # no privilege, no contrib files, unaccent off the search_path
        savepoint.rollback()  # search without unaccenting; db status says so
    for table, (searched, rows) in _SEARCHED.items():
        connection.execute(
            text(
                f"ALTER TABLE {table} ADD COLUMN {SEARCH_COLUMN} tsvector GENERATED ALWAYS AS "
                f"(to_tsvector('{SEARCH_CONFIG}'::regconfig, regexp_replace({searched}, "
                f"'{SEARCH_PUNCTUATION}', ' ', 'g'))) STORED"
            )
        )
        where = f" WHERE {rows}" if rows else ""
        connection.execute(
            text(f"CREATE INDEX search_{table} ON {table} USING gin ({SEARCH_COLUMN}){where}")
        )


def search_accents(connection: Connection) -> str | None:
    """How search treats accents, for ``db status``; None before version 2."""
    found = connection.execute(
        text(
            "SELECT count(*) FILTER (WHERE d.dictname = 'unaccent') "
            "FROM pg_ts_config c LEFT JOIN pg_ts_config_map m ON m.mapcfg = c.oid "
            "LEFT JOIN pg_ts_dict d ON d.oid = m.mapdict WHERE c.cfgname = :name "
            "GROUP BY c.oid"
        ),
        {"name": SEARCH_CONFIG},
    ).scalar()
    if found is None:
        return None
    if found:
        return "search ignores accents (unaccent)"
    return (
        "search matches accents exactly: the unaccent extension could not be created "
        "when the schema was made"
    )


def current_search_accents(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return search_accents(connection)


# -- people and permissions (version 3) -------------------------------------------

OWNER_COLUMN = "owner_role"
"""The column of ``calls`` naming the PostgreSQL role that wrote the call (its rep)."""

USERS_TABLE = "callmate_users"
"""The team's people: role name, display name, email, manager or not."""

CONTACT_KEY_INDEX = "ux_contacts_name_company"
"""One contact per (lower(name), lower(company)): :data:`CONTACT_KEY` is its arbiter."""

CONTACT_KEY = "(lower(name), lower(company))"
"""The conflict target of the contact upsert (``INSERT … ON CONFLICT {CONTACT_KEY}``).
A contact with the same e-mail (version 4, :data:`CONTACT_EMAIL_INDEX`) is
looked up before it."""

CALL_PARTS = ("notes", "questions", "research", "date_moves")
"""Tables whose rows belong to a call (``call_id``): written by the call's owner only."""

REP_TABLES = ("contacts", "calls", *CALL_PARTS)
"""Every table a rep reads and writes (their sequences too)."""

_PEOPLE = [
    # Existing calls get the upgrading role (a non-volatile default fills the
    # rows that are there); new ones the role that inserts them.
    f"ALTER TABLE calls ADD COLUMN {OWNER_COLUMN} text NOT NULL DEFAULT (CURRENT_USER)::text",
    f"CREATE INDEX ix_calls_owner_role ON calls ({OWNER_COLUMN})",
    # Home's agenda is the rep's own: their open steps, an index range per group
    # (as ix_calls_open_steps is for everyone's), counted from the index alone.
    f"CREATE INDEX ix_calls_open_steps_owner ON calls ({OWNER_COLUMN}, next_step_due) "
    "WHERE next_step_done_at IS NULL",
    # A note carries its call's owner too, so the rep's open commitments are an
    # index range as well (joining each to its call made home's commitment
    # groups 13 -> 189 ms at 100,000 calls). Kept equal to the call's: a rep
    # writes notes only into their own calls (policy below), the owner who
    # hands a call on moves its notes with it (calls_owner_moved).
    f"ALTER TABLE notes ADD COLUMN {OWNER_COLUMN} text NOT NULL DEFAULT (CURRENT_USER)::text",
    f"CREATE INDEX ix_notes_open_commitments_owner ON notes ({OWNER_COLUMN}, due) "
    "WHERE kind IN ('ours', 'theirs') AND done_at IS NULL AND deleted_at IS NULL",
    f"""
    CREATE FUNCTION callmate_owner_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE notes SET {OWNER_COLUMN} = NEW.{OWNER_COLUMN} WHERE call_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE TRIGGER calls_owner_moved AFTER UPDATE OF {OWNER_COLUMN} ON calls FOR EACH ROW
    WHEN (OLD.{OWNER_COLUMN} IS DISTINCT FROM NEW.{OWNER_COLUMN})
    EXECUTE FUNCTION callmate_owner_moved()
    """,
    f"""
    CREATE TABLE {USERS_TABLE} (
        role_name text PRIMARY KEY,
        display_name text NOT NULL DEFAULT '',
        email text NOT NULL DEFAULT '',
        is_manager boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    # A call closed as the follow-up of another rep's next step keeps that step,
    # as Repository._keep_followed_step does for one person: the rep may not
    # update the other's call, so the table owner's function does it, and only
    # for the call this close followed (a trigger: nothing else can call it).
    # Also when the closed call arrives closed (the outbox pushes it after the call).
    """
    CREATE FUNCTION callmate_keep_followed_step() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
    BEGIN
        UPDATE calls SET next_step_done_at = NEW.ended_at
        WHERE id = NEW.follows_call_id AND next_step_done_at IS NULL;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER calls_keep_followed_step AFTER UPDATE OF status ON calls FOR EACH ROW
    WHEN (OLD.status = 'live' AND NEW.status = 'done' AND NEW.follows_call_id IS NOT NULL
          AND NEW.ended_at IS NOT NULL)
    EXECUTE FUNCTION callmate_keep_followed_step()
    """,
    """
    CREATE TRIGGER calls_keep_followed_step_pushed AFTER INSERT ON calls FOR EACH ROW
    WHEN (NEW.status = 'done' AND NEW.follows_call_id IS NOT NULL
          AND NEW.ended_at IS NOT NULL AND NEW.discarded_at IS NULL)
    EXECUTE FUNCTION callmate_keep_followed_step()
    """,
    f"""
    CREATE FUNCTION callmate_owns_call(call integer) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT EXISTS (SELECT 1 FROM calls WHERE id = call AND {OWNER_COLUMN} = CURRENT_USER)
    $$
    """,
]
"""Version 3's columns, table and the functions its policies call."""

_POLICIES = [
    # calls: the team reads every call; a rep writes only their own (and can't
    # hand one to someone else: WITH CHECK).
    "ALTER TABLE calls ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY callmate_read ON calls FOR SELECT USING (true)",
    f"CREATE POLICY callmate_own ON calls FOR ALL USING ({OWNER_COLUMN} = CURRENT_USER) "
    f"WITH CHECK ({OWNER_COLUMN} = CURRENT_USER)",
    # A call's parts: read by the team, written by the call's owner.
    *(
        statement
        for table in CALL_PARTS
        for statement in (
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY callmate_read ON {table} FOR SELECT USING (true)",
            f"CREATE POLICY callmate_own ON {table} FOR ALL USING (callmate_owns_call(call_id)) "
            "WITH CHECK (callmate_owns_call(call_id)"
            + (f" AND {OWNER_COLUMN} = CURRENT_USER)" if table == "notes" else ")"),
        )
    ),
    # People: everyone reads the team's names; a rep may change only their own
    # display name and e-mail (column grants); who is a manager, only the admin.
    f"ALTER TABLE {USERS_TABLE} ENABLE ROW LEVEL SECURITY",
    f"CREATE POLICY callmate_read ON {USERS_TABLE} FOR SELECT USING (true)",
    f"CREATE POLICY callmate_own ON {USERS_TABLE} FOR UPDATE "
    "USING (role_name = CURRENT_USER) WITH CHECK (role_name = CURRENT_USER)",
]
"""Row-level security (version 3). Contacts have none: they are the team's, any
rep inserts and updates them (no rep deletes one: no DELETE grant).

ENABLE, not FORCE: the tables' owner (the admin who ran ``callmate db
upgrade``) and superusers are not held by the policies, so upgrades, a push by
the admin, and reassigning a departed rep's calls (``UPDATE calls SET
owner_role = …`` as the owner) keep working. A rep connects as their own role
(``callmate db add-user``), which owns no table.

Every read policy here is ``true``: the team reads every call and all its
parts. Version 6 (:data:`_PRIVATE`) makes the notes' one conditional: another
rep's private note is hidden.

Managers (``callmate_users.is_manager``, ``db add-user --manager``) read
everything (from version 6 other reps' private notes too, which a rep doesn't),
and write, like any rep, only their own calls: what a
rep noted stays in their words; moving calls between reps is the owner's job."""


def _add_people(connection: Connection) -> None:
    """Version 3: call owners, ``callmate_users``, row-level security, and one
    contact per name and company (duplicates made before are merged first)."""
    for statement in _PEOPLE:
        connection.execute(text(statement))
    _merge_duplicate_contacts(connection)
    connection.execute(text(f"CREATE UNIQUE INDEX {CONTACT_KEY_INDEX} ON contacts {CONTACT_KEY}"))
    for statement in _POLICIES:
        connection.execute(text(statement))


def _grant_every_user(connection: Connection) -> None:
    """:func:`grant_to` each callmate user (after an upgrade: new tables reach them)."""
    there = connection.execute(text("SELECT to_regclass(:t)"), {"t": USERS_TABLE}).scalar()
    if there is None:
        return
    for role in connection.execute(text(f"SELECT role_name FROM {USERS_TABLE}")).scalars().all():
        grant_to(connection, role)


def _merge_duplicate_contacts(connection: Connection) -> None:
    """Contacts of the same name and company (case aside) become the oldest one:
    their calls move to it, its "last called" is recomputed, the rest are removed."""
    connection.execute(
        text(
            "CREATE TEMP TABLE callmate_merged ON COMMIT DROP AS "
            "SELECT id, keep FROM (SELECT id, min(id) OVER "
            "(PARTITION BY lower(name), lower(company)) AS keep FROM contacts) d "
            "WHERE id <> keep"
        )
    )
    connection.execute(
        text(
            "UPDATE calls k SET contact_id = m.keep FROM callmate_merged m "
            "WHERE k.contact_id = m.id"
        )
    )
    connection.execute(
        text("DELETE FROM contacts USING callmate_merged m WHERE contacts.id = m.id")
    )
    connection.execute(
        text(
            "UPDATE contacts SET last_call_at = (SELECT max(started_at) FROM calls "
            "WHERE contact_id = contacts.id AND connection = 'connected' "
            "AND discarded_at IS NULL) WHERE id IN (SELECT keep FROM callmate_merged)"
        )
    )


def quoted(connection: Connection, name: str) -> str:
    """``name`` as an SQL identifier, always quoted (a role name is case-sensitive)."""
    return connection.dialect.identifier_preparer.quote_identifier(name)


def grant_to(connection: Connection, role: str) -> None:
    """What a rep's role needs: read and write the team's tables (row-level
    security decides which rows), number new rows, read the schema's version and
    the team's people, change their own display name and e-mail. No DELETE on
    contacts, no DDL. The grantor is the tables' owner (the admin)."""
    who = quoted(connection, role)
    schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    connection.execute(text(f"GRANT USAGE ON SCHEMA {quoted(connection, schema)} TO {who}"))
    connection.execute(text(f"GRANT SELECT, INSERT, UPDATE ON contacts TO {who}"))
    connection.execute(
        text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON calls, {', '.join(CALL_PARTS)} TO {who}")
    )
    connection.execute(text(f"GRANT SELECT ON {VERSION_TABLE}, {USERS_TABLE} TO {who}"))
    connection.execute(text(f"GRANT UPDATE (display_name, email) ON {USERS_TABLE} TO {who}"))
    there = connection.execute(
        text("SELECT to_regprocedure(:f)"), {"f": f"{NOTES_MATCHING}(tsquery, integer)"}
    ).scalar()
    if there is not None:  # version 6
        connection.execute(
            text(f"GRANT EXECUTE ON FUNCTION {NOTES_MATCHING}(tsquery, integer) TO {who}")
        )
    for table in REP_TABLES:
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}
        ).scalar_one()
        if sequence:  # already quoted where it needs to be
            connection.execute(text(f"GRANT USAGE, SELECT, UPDATE ON SEQUENCE {sequence} TO {who}"))


# -- contacts you can reach (version 4) ---------------------------------------------

CONTACT_EMAIL_INDEX = "ix_contacts_email"
"""The contacts with an e-mail, by ``lower(email)``: how a save or a push finds the
team's contact of the same e-mail (:func:`callmate.store.repository._same_email`,
:func:`callmate.store.outbox.find_team_contact`, pg_import). Not unique: two
contacts may share an address (an office's), and one made before the e-mail
was known keeps its own row; the lookup takes the newest."""

CONTACT_SEARCHED = (
    "name || ' ' || company || ' ' || title || ' ' || email || ' ' || phone || ' ' || "
    "regexp_replace(phone, '[^0-9]+', '', 'g')"
)
"""What search finds a contact by from version 4 (SQLite: migration 14's
:data:`callmate.store.migrations.CONTACT_SEARCH_TEXT`): the phone also as its
digits alone, so "15550102030" finds "+1 (555) 010-2030"."""


def _add_reach(connection: Connection) -> None:
    """Version 4: e-mail, phone and title ('' where not known). A database made
    at this version already has the columns (made from :mod:`callmate.store.schema`),
    hence IF NOT EXISTS. The contacts' search column is made again from
    :data:`CONTACT_SEARCHED` (a generated column's expression can't be altered
    before PostgreSQL 17; there is a row per person, not per note)."""
    for column in ("email", "phone", "title"):
        connection.execute(
            text(f"ALTER TABLE contacts ADD COLUMN IF NOT EXISTS {column} text NOT NULL DEFAULT ''")
        )
    connection.execute(
        text(f"CREATE INDEX {CONTACT_EMAIL_INDEX} ON contacts (lower(email)) WHERE email <> ''")
    )
    connection.execute(text(f"ALTER TABLE contacts DROP COLUMN {SEARCH_COLUMN}"))  # its index too
    connection.execute(
        text(
            f"ALTER TABLE contacts ADD COLUMN {SEARCH_COLUMN} tsvector GENERATED ALWAYS AS "
            f"(to_tsvector('{SEARCH_CONFIG}'::regconfig, regexp_replace({CONTACT_SEARCHED}, "
            f"'{SEARCH_PUNCTUATION}', ' ', 'g'))) STORED"
        )
    )
    connection.execute(
        text(f"CREATE INDEX search_contacts ON contacts USING gin ({SEARCH_COLUMN})")
    )


def _add_review_indexes(connection: Connection) -> None:
    """Version 5: the review's partial indexes on kept promises and quotes (SQLite's
    migration 15), as :mod:`callmate.store.schema` declares them. A database made
    at this version has them already, hence IF NOT EXISTS."""
    for index in Base.metadata.tables["notes"].indexes:
        if index.name in ("ix_notes_commitments_kept", "ix_notes_quotes"):
            columns = ", ".join(column.name for column in index.columns)
            where = index.dialect_options["sqlite"]["where"]
            connection.execute(
                text(f"CREATE INDEX IF NOT EXISTS {index.name} ON notes ({columns}) WHERE {where}")
            )


# -- private notes (version 6) --------------------------------------------------------

_PRIVATE = [
    # Who reads every note: a manager (callmate_users), and those row-level
    # security never holds (the tables' owner, a superuser, BYPASSRLS). Asked
    # as a subquery: once a statement, not once a row.
    f"""
    CREATE FUNCTION callmate_reads_every_note(who name) RETURNS boolean LANGUAGE sql STABLE
    SET search_path FROM CURRENT AS $$
        SELECT coalesce((SELECT is_manager FROM {USERS_TABLE} WHERE role_name = who), false)
            OR coalesce((SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = who), false)
            OR who = (SELECT r.rolname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
                      WHERE c.oid = 'notes'::regclass)
    $$
    """,
    "DROP POLICY callmate_read ON notes",
    f"CREATE POLICY callmate_read ON notes FOR SELECT USING (kind <> 'private' "
    f"OR {OWNER_COLUMN} = CURRENT_USER OR (SELECT callmate_reads_every_note(CURRENT_USER)))",
    # The writer's policy per command, not FOR ALL: a FOR ALL policy is also a
    # read policy, OR-ed with the one above, so each private note of another rep
    # among the rows read would ask whose call it is. A rep's own notes carry
    # their role (version 3), so they read them by the policy above.
    "DROP POLICY callmate_own ON notes",
    f"CREATE POLICY callmate_own_insert ON notes FOR INSERT "
    f"WITH CHECK (callmate_owns_call(call_id) AND {OWNER_COLUMN} = CURRENT_USER)",
    f"CREATE POLICY callmate_own_update ON notes FOR UPDATE USING (callmate_owns_call(call_id)) "
    f"WITH CHECK (callmate_owns_call(call_id) AND {OWNER_COLUMN} = CURRENT_USER)",
    "CREATE POLICY callmate_own_delete ON notes FOR DELETE USING (callmate_owns_call(call_id))",
    # Search's way to the GIN index under that policy (see _add_private_notes).
    f"""
    CREATE FUNCTION {NOTES_MATCHING}(query tsquery, lim integer)
    RETURNS TABLE (id integer, call_id integer, text text) LANGUAGE sql STABLE
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
        SELECT n.id, n.call_id, n.text FROM notes n
        WHERE n.{SEARCH_COLUMN} @@ query AND n.deleted_at IS NULL
          AND (n.kind <> 'private' OR n.{OWNER_COLUMN} = SESSION_USER
               OR (SELECT callmate_reads_every_note(SESSION_USER)))
        ORDER BY n.id + 0 DESC LIMIT lim
    $$
    """,
    f"REVOKE ALL ON FUNCTION {NOTES_MATCHING}(tsquery, integer) FROM PUBLIC",
    # A push from an outbox records each date move as it was made offline; the
    # triggers would add one more, from the date the team had to the last one.
    *(
        statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION").replace(
            "    BEGIN\n",
            "    BEGIN\n"
            f"        IF current_setting('{PUSHING}', true) = 'on' THEN RETURN NULL; END IF;\n",
            1,
        )
        for statement in _TRIGGERS
        if "_moved() RETURNS" in statement
    ),
]
"""Version 6's function, policy and search function."""


def _pin_search_paths(connection: Connection) -> None:
    """Version 7: every function of callmate's schema looks up tables in
    ``pg_catalog``, then that schema, then ``pg_temp`` — last.

    Unless ``pg_temp`` is named in a function's search path PostgreSQL looks
    there *first* for tables, and any role may create temporary ones: a rep's
    ``CREATE TEMP TABLE callmate_users`` naming themselves a manager made the
    notes' read policy (and the search function, run as the tables' owner)
    show them every other rep's private notes, and a temporary ``calls``
    naming them the owner of another rep's call let them delete its notes.
    The functions' bodies stay as they are; ``ALTER FUNCTION … SET
    search_path`` replaces the ``FROM CURRENT`` they were made with.
    Functions an extension owns (``unaccent``'s) are left to it.
    """
    schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    functions = connection.execute(
        text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = :schema AND p.proname LIKE 'callmate%' "
            "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass "
            "AND d.objid = p.oid AND d.deptype = 'e')"
        ),
        {"schema": schema},
    ).scalars()
    quoted = connection.execute(text("SELECT quote_ident(:s)"), {"s": schema}).scalar_one()
    for function in functions.all():
        connection.execute(
            text(f"ALTER FUNCTION {function} SET search_path = pg_catalog, {quoted}, pg_temp")
        )


def _add_private_notes(connection: Connection) -> None:
    """Version 6: another rep's private notes (``#``) are hidden; a manager reads them.
    And the date-move triggers leave an outbox's push (:data:`PUSHING`) to
    push each move itself.

    The notes' read policy becomes ``kind <> 'private' OR owner_role =
    CURRENT_USER OR callmate_reads_every_note(CURRENT_USER)``. A plain read
    (a call's notes, by ``call_id``; home's commitments, by owner and date)
    keeps its index: the policy is one more filter on the rows it finds. Full
    text search would not: PostgreSQL applies a policy before any operator not
    marked leakproof, ``@@`` is not (and only a superuser may mark one), so
    under this policy ``search_vector @@ q`` can't be an index condition and a
    rep's search read every note (``Seq Scan on notes``). So search reaches the
    notes the GIN index finds through :data:`NOTES_MATCHING`, a ``SECURITY
    DEFINER`` function of the tables' owner (whom the policies don't hold,
    ENABLE not FORCE) that applies the same rule itself, for ``SESSION_USER``:
    the role that connected, as every rep does (``db add-user``), where
    ``CURRENT_USER`` would be the function's owner. Executable by callmate's
    users only (:func:`grant_to`).
    """
    for statement in _PRIVATE:
        connection.execute(text(statement))
