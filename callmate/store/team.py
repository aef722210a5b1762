"""The team database's people (schema version 3): ``callmate db add-user``,
who made each call, and the team's agenda (everyone's overdue promises, by rep).

Every read here is one query on a SQLAlchemy connection to PostgreSQL; row-level
security (:data:`callmate.store.pg_schema._POLICIES`) decides what a rep sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from callmate.domain.agenda import DueStep
from callmate.domain.team import OtherRepsCall, RepAgenda, TeamUser
from callmate.store.due_lines import TRIES
from callmate.store.pg_schema import LATEST, OWNER_COLUMN, USERS_TABLE, grant_to, quoted, version
from callmate.store.queries import read_clock

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from callmate.store.database_url import DatabaseUrl

_ROLE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@-]*")
"""The role names ``db add-user`` makes: what logins usually are (an e-mail address
too), and nothing SQL or a terminal would read as more than a name."""

MAX_ROLE_BYTES = 63
"""PostgreSQL's longest identifier (NAMEDATALEN - 1)."""

_SHOWN = f"coalesce(nullif(u.display_name, ''), k.{OWNER_COLUMN})"
"""A call's rep as shown: their display name, else their role name."""


class AddUserProblem(Exception):
    """``callmate db add-user`` could not add the rep; ``str()`` is one line, no password."""


# -- reading ---------------------------------------------------------------------
def users(connection: Connection) -> list[TeamUser]:
    """Every callmate user of the team, by display name."""
    from sqlalchemy import text

    rows = connection.execute(
        text(
            f"SELECT role_name, display_name, email, is_manager FROM {USERS_TABLE} "
            "ORDER BY coalesce(nullif(display_name, ''), role_name), role_name"
        )
    )
    return [TeamUser(role=r[0], display_name=r[1], email=r[2], manager=r[3]) for r in rows]


def current_role(connection: Connection) -> str:
    """The PostgreSQL role this connection writes as (the owner of the calls it makes)."""
    from sqlalchemy import text

    return str(connection.execute(text("SELECT CURRENT_USER::text")).scalar_one())


def rep_names(connection: Connection, call_ids: Iterable[int]) -> dict[int, str]:
    """Per call, who made it: the rep's display name, else their role name.
    One query, whatever the number of calls."""
    return _makers(connection, call_ids, others_only=False)


def others_calls(connection: Connection, call_ids: Iterable[int]) -> dict[int, str]:
    """Of ``call_ids``, those another rep made (this connection can't change them,
    row-level security), with that rep's name. One query."""
    return _makers(connection, call_ids, others_only=True)


def _makers(
    connection: Connection, call_ids: Iterable[int], *, others_only: bool
) -> dict[int, str]:
    from sqlalchemy import text

    wanted = sorted(set(call_ids))
    if not wanted:
        return {}
    others = f" AND k.{OWNER_COLUMN} <> CURRENT_USER" if others_only else ""
    rows = connection.execute(
        text(
            f"SELECT k.id, {_SHOWN} FROM calls k "
            f"LEFT JOIN {USERS_TABLE} u ON u.role_name = k.{OWNER_COLUMN} "
            f"WHERE k.id = ANY(:ids){others}"
        ),
        {"ids": wanted},
    )
    return {int(call_id): str(name) for call_id, name in rows}


def other_reps_call(
    connection: Connection, contact_id: int, since: datetime
) -> OtherRepsCall | None:
    """The newest conversation (connected, kept) another rep had with the contact
    since ``since`` (e.g. now minus the cadence), or None: one step of
    ``ix_calls_streak`` (contact, started_at) back from the newest."""
    from sqlalchemy import text

    found = connection.execute(
        text(
            f"SELECT k.id, {_SHOWN}, k.started_at, k.next_step_what, k.next_step_due, "
            "k.next_step_done_at IS NOT NULL FROM calls k "
            f"LEFT JOIN {USERS_TABLE} u ON u.role_name = k.{OWNER_COLUMN} "
            "WHERE k.contact_id = :contact AND k.started_at >= :since "
            "AND k.connection = 'connected' AND k.discarded_at IS NULL "
            f"AND k.{OWNER_COLUMN} <> CURRENT_USER "
            "ORDER BY k.started_at DESC, k.id DESC LIMIT 1"
        ),
        {"contact": contact_id, "since": since.astimezone(UTC).replace(tzinfo=None)},
    ).first()
    if found is None:
        return None
    return OtherRepsCall(
        call_id=int(found[0]),
        rep=found[1],
        started_at=found[2].replace(tzinfo=UTC),
        next_step=found[3] or "",
        next_step_due=found[4],
        next_step_done=bool(found[5]),
    )


_TEAM_OVERDUE = f"""
    SELECT k.{OWNER_COLUMN} AS role, {_SHOWN} AS rep, 'next_step' AS kind, k.id AS call_id,
           NULL::integer AS note_id, c.id AS contact_id, c.name, c.company,
           k.next_step_what AS what, k.next_step_owner AS owner, k.next_step_due AS due,
           k.next_step_time AS due_time, k.goal, k.connection, {TRIES} AS tries
    FROM calls k JOIN contacts c ON c.id = k.contact_id
    LEFT JOIN {USERS_TABLE} u ON u.role_name = k.{OWNER_COLUMN}
    WHERE k.next_step_due < :today AND k.next_step_done_at IS NULL AND k.discarded_at IS NULL
    UNION ALL
    SELECT k.{OWNER_COLUMN}, {_SHOWN}, n.kind, k.id, n.id, c.id, c.name, c.company,
           n.text, n.owner, n.due, n.due_time, k.goal, k.connection, 0
    FROM notes n JOIN calls k ON k.id = n.call_id JOIN contacts c ON c.id = k.contact_id
    LEFT JOIN {USERS_TABLE} u ON u.role_name = k.{OWNER_COLUMN}
    WHERE n.kind IN ('ours', 'theirs') AND n.done_at IS NULL AND n.deleted_at IS NULL
      AND n.due < :today AND k.discarded_at IS NULL
"""
"""Every overdue promise of the team: open next steps and open "we owe" / "they
owe" commitments due before today, with the rep who made the call."""


def team_agenda(connection: Connection, today: date, limit: int | None = None) -> list[RepAgenda]:
    """Everyone's overdue promises, by rep (by display name), oldest first within a
    rep; at most ``limit`` per rep (all when None), each rep's ``total`` counted."""
    from sqlalchemy import text

    limited = "" if limit is None else "WHERE place <= :limit"
    rows = connection.execute(
        text(
            "SELECT * FROM (SELECT o.*, row_number() OVER (PARTITION BY o.role "
            "ORDER BY o.due, o.call_id, o.note_id NULLS FIRST) AS place, "
            "count(*) OVER (PARTITION BY o.role) AS total "
            f"FROM ({_TEAM_OVERDUE}) o) ranked {limited} "
            "ORDER BY rep, role, place"
        ),
        {"today": today, "limit": limit},
    ).mappings()
    agendas: dict[str, RepAgenda] = {}
    for r in rows:
        agenda = agendas.get(r["role"])
        if agenda is None:
            agenda = agendas[r["role"]] = RepAgenda(
                role=r["role"], name=r["rep"], total=int(r["total"])
            )
        agenda.items.append(_due_step(r))
    return list(agendas.values())


def _due_step(r: Any) -> DueStep:
    step = r["kind"] == "next_step"
    owner = r["owner"] or ""
    return DueStep(
        call_id=int(r["call_id"]),
        contact_id=int(r["contact_id"]),
        contact_name=r["name"],
        company=r["company"],
        what=r["what"] or "",
        owner=(owner if owner in ("us", "them", "both") else "us") if step else owner,
        due=r["due"],
        goal=r["goal"] or "",
        kind=r["kind"],
        note_id=None if r["note_id"] is None else int(r["note_id"]),
        connection=r["connection"] or "connected",
        tries=int(r["tries"] or 0),
        due_time=read_clock(r["due_time"]),
    )


# -- adding a rep ----------------------------------------------------------------
def check_role_name(role: str) -> str:
    """``role`` if PostgreSQL can take it as a role name; :class:`AddUserProblem` if not."""
    if not _ROLE_NAME.fullmatch(role):
        raise AddUserProblem(
            "a user name is letters, digits and _ . @ - (starting with a letter, a digit or _)"
        )
    if len(role.encode()) > MAX_ROLE_BYTES:
        raise AddUserProblem(f"a user name is at most {MAX_ROLE_BYTES} bytes long")
    if role.lower().startswith("pg_"):
        raise AddUserProblem("names starting with pg_ are PostgreSQL's own")
    return role


def add_user(
    url: DatabaseUrl,
    role: str,
    *,
    password: str | None,
    display_name: str = "",
    email: str = "",
    manager: bool = False,
) -> None:
    """Create the PostgreSQL role ``role`` (LOGIN; ``password``, or none for peer or
    trust authentication), grant it what callmate needs, and add its
    ``callmate_users`` row; one transaction (all or nothing).

    The password never reaches the server as typed: it is hashed here
    (SCRAM, with libpq's ``PQencryptPasswordConn``, as psql's ``\\password``
    does) and only the hash is sent. :class:`AddUserProblem` (one line, no
    password) for anything that went wrong;
    :class:`~callmate.store.database_url.DatabaseUnavailable` when the server
    can't be reached.
    """
    from callmate.store.database_url import DatabaseUnavailable, connection_problem, make_engine

    check_role_name(role)
    engine = make_engine(url)
    try:
        try:
            connection = engine.connect()
        except Exception as error:
            raise DatabaseUnavailable(connection_problem(error, url)) from None
        try:
            with connection.begin():
                found = version(connection)
                if found != LATEST:
                    raise AddUserProblem(
                        f"the team database at {url.where} has callmate's schema version "
                        f"{found}, not {LATEST}: run `callmate db upgrade` first"
                    )
                _add(connection, role, password, display_name, email, manager)
        except AddUserProblem:
            raise
        except Exception as error:  # the server's or the driver's: one line, no password
            raise AddUserProblem(_problem(error, url, role, password)) from None
        finally:
            connection.close()
    finally:
        engine.dispose()


def _add(
    connection: Connection,
    role: str,
    password: str | None,
    display_name: str,
    email: str,
    manager: bool,
) -> None:
    from sqlalchemy import text

    from callmate.domain.text import clean_line

    taken = connection.execute(
        text(
            f"SELECT EXISTS (SELECT 1 FROM {USERS_TABLE} WHERE role_name = :r), "
            "EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :r)"
        ),
        {"r": role},
    ).one()
    if taken[0]:
        raise AddUserProblem(f"{_named(role)} is a callmate user already; nothing was changed")
    if taken[1]:
        raise AddUserProblem(
            f"a PostgreSQL role named {_named(role)} exists already; nothing was changed"
        )
    login = "LOGIN"
    if password is not None:
        raw = connection.connection.driver_connection
        verifier = raw.pgconn.encrypt_password(  # type: ignore[union-attr]
            password.encode(), role.encode(), None
        ).decode()
        login += " PASSWORD '" + verifier.replace("'", "''") + "'"
    # The hash holds ":" (a bind mark to text()): sent as it is, as the driver's SQL.
    connection.exec_driver_sql(f"CREATE ROLE {quoted(connection, role)} {login}")
    grant_to(connection, role)
    connection.execute(
        text(
            f"INSERT INTO {USERS_TABLE} (role_name, display_name, email, is_manager) "
            "VALUES (:r, :name, :email, :manager)"
        ),
        {
            "r": role,
            "name": clean_line(display_name),
            "email": clean_line(email),
            "manager": manager,
        },
    )


def _named(role: str) -> str:
    return '"' + role.replace('"', "'") + '"'


def _problem(error: Exception, url: DatabaseUrl, role: str, password: str | None) -> str:
    """One line for a failure of ``db add-user`` (the password is never in it)."""
    from callmate.store.database_url import connection_problem

    cause = getattr(error, "orig", None) or error
    state = getattr(cause, "sqlstate", None)
    who = url.user or "(the login name)"
    if state == "42710":  # duplicate_object: made meanwhile by another add-user
        line = f"a PostgreSQL role named {_named(role)} exists already; nothing was changed"
    elif state == "42501":  # insufficient_privilege
        line = (
            f"user {who} may not create roles or grant on callmate's tables at {url.where}: "
            "run it as the admin who ran `callmate db upgrade` (owner of the tables, with "
            "CREATEROLE); nothing was changed"
        )
    else:
        line = connection_problem(error, url)
    if password:
        line = line.replace(password, "***")
    return line
