"""The ``callmate`` command: the app by default, plus subcommands for scripts.

Kept light: nothing heavy at import. The app, the store and the exporters are
imported by the branch that needs them; argparse by every command but a plain
``callmate search WORDS`` (:func:`_plain_search`), and ``typing`` by none.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from callmate import __version__
from callmate.locations import HOME_ENV

DATABASE_URL_ENV = "CALLMATE_DATABASE_URL"  # callmate.store.database_url, loaded only when set

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (~3 ms of `search`)
if TYPE_CHECKING:
    import argparse
    import sqlite3
    from datetime import date, time
    from types import SimpleNamespace
    from typing import Any, TypeVar

    from callmate.app import CallmateApp
    from callmate.domain.agenda import DueStep
    from callmate.domain.promise_record import PromiseRecord

    T = TypeVar("T")

CSV_FORMATS = ("csv", "hubspot", "pipedrive", "salesforce")
EXPORT_FORMATS = ["json", "csv", "md", "hubspot", "pipedrive", "salesforce", "vcard"]


def _whole_number(low: int, high: int, what: str, *, beyond: str = ""):  # type: ignore[no-untyped-def]
    """An argparse type: a whole number from ``low`` to ``high`` (a friendly error otherwise)."""

    def parse(text: str) -> int:
        import argparse  # loaded by _parser, which is the only caller

        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(beyond or f"{what} must be from {low:,} to {high:,}")
        return value

    return parse


MAX_DAYS = 36_500  # a hundred years
MAX_CALL_ID = 2**63 - 1  # SQLite's largest row id
EVERY = 2**62  # a LIMIT that is no limit
_call_id = _whole_number(
    1, MAX_CALL_ID, "CALL_ID", beyond="there is no such call (see: callmate export)"
)


def _parser() -> argparse.ArgumentParser:
    import argparse

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=f"keep all data (database, recap files) under DIR (or set ${HOME_ENV})",
    )
    common.add_argument(
        "--database-url",
        metavar="URL",
        default=argparse.SUPPRESS,
        help=f"use the team database at URL, postgresql://user@host/db (or set ${DATABASE_URL_ENV}"
        " or database_url in settings.toml; unset: the SQLite file in the data dir)",
    )
    parser = argparse.ArgumentParser(
        prog="callmate",
        description="A keyboard companion for live sales calls. Run with no command to open it.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"callmate {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    export = commands.add_parser(
        "export",
        help="print (or write) every call: json, csv, md, a CRM's CSV, or the contacts as vCard",
        parents=[common],
        description="Every call, oldest first. JSON is the full record (see README); "
        "CSV is a row per call for spreadsheets; md is a readable document; "
        "hubspot, pipedrive and salesforce are CSV files each CRM's import takes "
        "(the call as a logged call, its next step as a task); vcard is the contacts.",
    )
    export.add_argument("--format", choices=EXPORT_FORMATS, default="json")
    export.add_argument("--out", metavar="PATH", type=Path, help="write to PATH, not stdout")
    export.add_argument(
        "--bom",
        action="store_true",
        help="start a CSV with a UTF-8 byte order mark, so Excel reads its accents right",
    )
    export.add_argument(
        "--schema",
        action="store_true",
        help="print the JSON Schema (draft 2020-12) of the JSON export, and nothing else",
    )

    importer = commands.add_parser(
        "import",
        help="add the calls from a JSON export",
        parents=[common],
        description="Add every call from FILE (made by `callmate export --format json`). "
        "The file is checked first: if anything is wrong nothing is imported.",
    )
    importer.add_argument("file", metavar="FILE", type=Path)

    due = commands.add_parser(
        "due",
        help="promises due soon (next steps, we owe, they owe), and overdue ones",
        parents=[common],
        description="Open next steps and commitments (we owe / they owe) due within N days "
        "(default 7), overdue ones first; then commitments with no date yet.",
    )
    due.add_argument("--days", type=_whole_number(0, MAX_DAYS, "N"), default=7, metavar="N")
    due.add_argument("--json", action="store_true", help="machine-readable output")
    due.add_argument(
        "--team",
        action="store_true",
        help="the team database: everyone's overdue promises, by rep",
    )

    stats = commands.add_parser(
        "stats",
        help="how am I doing: goals met, promises kept, the method, connection rate",
        parents=[common],
        description="Goal results, follow-through, outcomes and their reasons, the method "
        "in practice, the connection rate and contacts going cold, for the calls since "
        "DATE, with each week's trend over the last twelve weeks. --json: see README.",
    )
    stats.add_argument(
        "--since",
        metavar="DATE",
        help="count calls from DATE (2026-09-01, or a date callmate reads, e.g. 2026-W36 "
        "or yesterday); default: the Monday eleven weeks before this week's",
    )
    stats.add_argument("--json", action="store_true", help="machine-readable output")

    search = commands.add_parser(
        "search",
        help="search notes, quotes, goals, research and people",
        parents=[common],
        description="Full-text search, newest first.",
    )
    search.add_argument("query", nargs="+", metavar="QUERY")

    recap = commands.add_parser(
        "recap",
        help="print a call's recap email (or the whole call as Markdown)",
        parents=[common],
        description="Print the recap email of a call, as last edited in the app.",
    )
    recap.add_argument("call_id", type=_call_id, metavar="CALL_ID")
    recap.add_argument("--format", choices=["text", "md"], default="text")
    recap.add_argument(
        "--copy", action="store_true", help="also copy it to the clipboard (or a file)"
    )

    ics = commands.add_parser(
        "ics",
        help="print a call's next step as a calendar event (.ics)",
        parents=[common],
        description="Print the next step as an iCalendar event: callmate ics 12 > next.ics",
    )
    ics.add_argument("call_id", type=_call_id, metavar="CALL_ID")

    db = commands.add_parser(
        "db",
        help="the team database (PostgreSQL): its schema's version, and upgrading it",
        parents=[common],
        description="Work on the team database named by --database-url, "
        f"${DATABASE_URL_ENV} or database_url in settings.toml.",
    )
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    actions.add_parser(
        "status", parents=[common], help="connect, and say the server's and the schema's version"
    )
    actions.add_parser(
        "upgrade", parents=[common], help="create or upgrade callmate's tables in the database"
    )
    actions.add_parser(
        "push",
        parents=[common],
        help="copy the calls in the data dir's SQLite file into the team database "
        "(run it again: only calls not there yet are added)",
    )
    add_user = actions.add_parser(
        "add-user",
        parents=[common],
        help="create a rep's PostgreSQL role and callmate user (run as the admin)",
        description="Create the PostgreSQL role NAME (it logs in), grant it what callmate "
        "needs (row-level security lets it write only its own calls) and add it to the "
        "team's people. The password is asked for (never shown), or read from stdin.",
    )
    add_user.add_argument("role", metavar="NAME", help="the PostgreSQL role (login) name")
    add_user.add_argument(
        "--manager",
        action="store_true",
        help="a manager (reads everything; writes, like a rep, only their own calls)",
    )
    add_user.add_argument("--name", metavar="TEXT", help="display name (default: your settings')")
    add_user.add_argument(
        "--email", metavar="ADDRESS", help="their e-mail (default: your settings')"
    )
    secret = add_user.add_mutually_exclusive_group()
    secret.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin's first line"
    )
    secret.add_argument(
        "--no-password",
        action="store_true",
        help="no password (the server lets them in by peer, trust or certificate)",
    )
    return parser


_GLOBAL_OPTIONS = {"--data-dir": "data_dir", "--database-url": "database_url"}
"""The options every command takes (``common`` in :func:`_parser`), by their attribute."""


def _plain_search(argv: Sequence[str]) -> SimpleNamespace | None:
    """``[--data-dir DIR] [--database-url URL] search WORD...`` read without argparse.

    ``callmate search`` is a whole process a user waits on, and importing
    argparse (with gettext, locale and shutil) and building the parser of
    every command was ~6 ms of its ~65. This reads only that plain shape,
    to exactly what :func:`_parser` makes of it (``tests/test_cli.py``
    compares the two); anything else (``-h``, an option among the words or
    after them, an abbreviated option, a value or a word that starts with
    ``-``) returns None and goes through argparse, with its messages.
    """
    from types import SimpleNamespace

    values: dict[str, object] = {}
    rest = list(argv)
    while rest and rest[0].startswith("--"):
        name, equals, value = rest[0].partition("=")
        attribute = _GLOBAL_OPTIONS.get(name)
        if attribute is None:
            return None
        if equals:
            del rest[:1]
        elif len(rest) > 1 and not rest[1].startswith("-"):
            value = rest[1]
            del rest[:2]
        else:
            return None
        values[attribute] = value
    if len(rest) < 2 or rest[0] != "search" or any(word.startswith("-") for word in rest[1:]):
        return None
    return SimpleNamespace(**values, command="search", query=rest[1:])


def main(argv: Sequence[str] | None = None) -> int:
    """Run callmate; the exit code. Never a traceback for a storage problem.

    A database that can't be used, a read-only or full disk: one line on
    stderr saying what is wrong and what to do, exit 1 or 2. Ctrl+C: exit 130.
    """
    os.umask(0o077)  # whatever callmate creates is the user's alone
    try:
        return _main(argv)
    except KeyboardInterrupt:
        return 130


def _main(argv: Sequence[str] | None) -> int:
    args = _plain_search(sys.argv[1:] if argv is None else argv) or _parser().parse_args(argv)
    if args.command == "export":
        if args.schema:  # the format's description: no data dir, no database
            from callmate.domain.export_schema import schema_text

            sys.stdout.write(schema_text())
            return 0
        if args.bom and args.format not in CSV_FORMATS:
            print(
                "callmate: --bom is for the CSV formats (csv, hubspot, pipedrive, salesforce)",
                file=sys.stderr,
            )
            return 2
        if args.format == "hubspot" and args.out is None:
            print(
                "callmate: --format hubspot writes two files (the calls, and their follow-up"
                " tasks beside them): give --out FILE",
                file=sys.stderr,
            )
            return 2
    data_dir_arg = getattr(args, "data_dir", None)
    if data_dir_arg:
        os.environ[HOME_ENV] = str(Path(data_dir_arg).expanduser().resolve())

    team = _team_database(getattr(args, "database_url", None))
    if isinstance(team, str):  # the URL can't be used: what is wrong with it
        print(f"callmate: {team}.", file=sys.stderr)
        return 2
    if args.command == "db" and args.db_command == "add-user":
        return _db_add_user(args, team)
    if args.command == "db":
        return _db(args.db_command, team)
    if args.command == "due" and args.team:
        return _due_team(team, as_json=args.json)

    from callmate.locations import data_dir, database_path

    try:
        base = data_dir()
    except OSError as error:
        where = error.filename or os.environ.get(HOME_ENV) or "?"
        print(
            f"callmate: cannot use the data directory {_shown(where)} ({_reason(error)}). "
            "Choose another with --data-dir or CALLMATE_HOME.",
            file=sys.stderr,
        )
        return 2

    try:
        if args.command is not None:
            _announce_private(base)
            try:
                if team is not None:
                    return _on_team(team, lambda: _command(args, base, team))
                return _command(args, base)
            except BrokenPipeError:  # `callmate due | head`: the reader left, fine
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return 0
        return _run_app(base, team)
    except Exception as error:
        # The last resort: a storage or file-system error no branch expected.
        code, message = _explain(error, database_path(base))
        if message is None:
            raise
        print(f"callmate: {message}", file=sys.stderr)
        return code


def _team_database(flag: str | None):  # type: ignore[no-untyped-def]
    """The team database's URL (a DatabaseUrl), None for the SQLite file, or a
    string saying why the URL given can't be used. Unset (the usual case) costs
    a look at the settings file's bytes: the URL module is not even imported."""
    if not (flag or os.environ.get(DATABASE_URL_ENV, "").strip() or _settings_name_a_database()):
        return None
    from callmate.store.database_url import DatabaseUrlError, configured

    try:
        return configured(flag)
    except DatabaseUrlError as error:
        return str(error)


def _settings_name_a_database() -> bool:
    from callmate.settings_file import read_bytes, settings_path

    try:
        return b"database_url" in read_bytes(settings_path())
    except Exception:  # no file, unreadable: load_settings says so where it matters
        return False


def _db(action: str, team) -> int:  # type: ignore[no-untyped-def]
    """``callmate db status`` / ``callmate db upgrade``: one line for any failure."""
    if team is None:
        print(
            "callmate: no team database is set: give --database-url, or set "
            f"{DATABASE_URL_ENV} or database_url in settings.toml to a postgresql:// URL. "
            "Without one callmate keeps everything in the SQLite file in the data dir, "
            "which upgrades itself.",
            file=sys.stderr,
        )
        return 2
    from callmate.store.database_url import DatabaseUnavailable, check, connection_problem

    if action == "push":
        return _db_push(team)
    try:
        server = check(team)
        from callmate.store import pg_schema
        from callmate.store.database_url import make_engine

        engine = make_engine(team)
        try:
            if action == "status":
                found = pg_schema.current_version(engine)
                print(f"{team.shown()}: {server}; {_team_schema(found, pg_schema.LATEST)}")
                accents = pg_schema.current_search_accents(engine)
                if accents:
                    print(f"{team.shown()}: {accents}.")
                return 0 if found == pg_schema.LATEST else 1
            try:
                had = pg_schema.upgrade(engine)
            except pg_schema.TeamSchemaTooNew as error:
                print(
                    f"callmate: {team.shown()} has callmate's schema version {error.args[0]}, "
                    f"newer than this callmate understands ({pg_schema.LATEST}); "
                    "upgrade callmate. Nothing was changed.",
                    file=sys.stderr,
                )
                return 2
        finally:
            engine.dispose()
        if had == pg_schema.LATEST:
            print(f"{team.shown()}: schema already at version {had}; nothing to do.")
        else:
            print(f"{team.shown()}: schema upgraded from version {had} to {pg_schema.LATEST}.")
        return 0
    except DatabaseUnavailable as error:
        print(f"callmate: {error}.", file=sys.stderr)
        return 2
    except Exception as error:  # whatever the driver raised: one line, never the password
        print(f"callmate: {connection_problem(error, team)}.", file=sys.stderr)
        return 1


def _db_push(team) -> int:  # type: ignore[no-untyped-def]
    """``callmate db push``: the local history into the team database, one line of
    progress (on a terminal) and one of summary; any failure one line, nothing written."""
    from callmate.domain.text import count
    from callmate.locations import data_dir, database_path
    from callmate.store.database_url import DatabaseUnavailable, connection_problem
    from callmate.store.push import NoLocalHistory, push

    shown = team.shown()
    live = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if live:
            print(
                f"\rPushing to {shown}: {done} of {count(total, 'call')}…", end="", file=sys.stderr
            )

    local = database_path(data_dir())
    try:
        pushed = push(local, team, progress)
    except NoLocalHistory as error:
        print(f"callmate: {_printable(str(error))}; nothing was pushed.", file=sys.stderr)
        return 2
    except DatabaseUnavailable as error:
        print(
            f"callmate: {_printable(team.scrub(str(error)))}; nothing was pushed.", file=sys.stderr
        )
        return 2
    except Exception as error:  # mid-push: one line, never the password
        if live:
            print(file=sys.stderr)
        import sqlite3

        from pydantic import ValidationError

        from callmate.store.errors import StoreUnavailable

        code, message = _explain(error, local)  # the local file (disk, a damaged database)
        if isinstance(error, ValidationError):
            message = f"a local call can't be pushed ({_printable(str(error.errors()[0]['loc']))}: "
            message += f"{_printable(error.errors()[0]['msg'])})"
        elif message is None or not isinstance(error, (StoreUnavailable, sqlite3.Error, OSError)):
            message = connection_problem(error, team)
        print(
            f"callmate: {_printable(team.scrub(message)).rstrip('.')}; nothing was pushed.",
            file=sys.stderr,
        )
        return code
    if live:
        print("\r\x1b[K", end="", file=sys.stderr)
    already = f" ({pushed.held} already there)" if pushed.held else ""
    if pushed.added == 0 and pushed.held:
        already = f" (all {count(pushed.held, 'call')} already there)"
    since = [
        *([count(pushed.notes_added, "note") + " added"] if pushed.notes_added else []),
        *([count(pushed.closed, "call") + " closed"] if pushed.closed else []),
    ]
    changed = f" Since the last push: {' and '.join(since)}." if since else ""
    print(f"Pushed {count(pushed.added, 'call')} to {shown}{already}.{changed}", file=sys.stderr)
    return 0


def _db_add_user(args: argparse.Namespace | SimpleNamespace, team) -> int:  # type: ignore[no-untyped-def]
    """``callmate db add-user NAME``: one line for success or any failure; the
    password is asked for without echo (or read from stdin) and never printed."""
    if team is None:
        return _db("add-user", None)
    from callmate.store.database_url import DatabaseUnavailable
    from callmate.store.team import AddUserProblem, add_user, check_role_name

    role = args.role
    try:
        check_role_name(role)
        password = None if args.no_password else _new_password(role, args.password_stdin)
        name, email = args.name, args.email
        if name is None or email is None:
            from callmate.settings import load_settings

            settings = load_settings()[0]
            name = settings.user_name if name is None else name
            email = settings.user_email if email is None else email
        add_user(
            team,
            role,
            password=password,
            display_name=name,
            email=email,
            manager=args.manager,
        )
    except (AddUserProblem, DatabaseUnavailable) as error:
        print(f"callmate: {_printable(team.scrub(str(error))).rstrip('.')}.", file=sys.stderr)
        return 2
    what = "manager" if args.manager else "rep"
    at = f"postgresql://{_printable(role)}@{team.where}/{_printable(team.database)}"
    print(f"Added {what} {_printable(role)} to {team.shown()}: they connect with {at}")
    return 0


def _new_password(role: str, from_stdin: bool) -> str:
    """The new role's password: stdin's first line, or asked twice on the terminal."""
    from callmate.store.team import AddUserProblem

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise AddUserProblem(
                "no terminal to ask the password on: give --password-stdin or --no-password"
            )
        import getpass

        password = getpass.getpass(f"Password for {_printable(role)}: ")
        if getpass.getpass("Again: ") != password:
            raise AddUserProblem("the two passwords differ; nothing was changed")
    if not password:
        raise AddUserProblem("the password is empty (give --no-password for none)")
    return password


def _due_team(team, *, as_json: bool) -> int:  # type: ignore[no-untyped-def]
    """``callmate due --team``: every rep's overdue promises, by rep."""
    if team is None:
        print(
            "callmate: `callmate due --team` needs the team database: give --database-url, "
            f"or set {DATABASE_URL_ENV} or database_url in settings.toml.",
            file=sys.stderr,
        )
        return 2
    from callmate.clock import SystemClock, local_today
    from callmate.domain.team import team_report
    from callmate.store.database_url import DatabaseUnavailable, connection_problem
    from callmate.store.repository import Repository

    today = local_today(SystemClock())
    try:
        repo = Repository.open_url(team)
        try:
            agendas = repo.team_agenda(today)
        finally:
            repo.close()
    except DatabaseUnavailable as error:
        print(f"callmate: {_printable(team.scrub(str(error))).rstrip('.')}.", file=sys.stderr)
        return 2
    except Exception as error:  # whatever the driver raised: one line, never the password
        print(f"callmate: {connection_problem(error, team)}.", file=sys.stderr)
        return 1
    if as_json:
        import json

        report = [
            {
                "rep": agenda.name,
                "role": agenda.role,
                "overdue": [due_fields(item, today) for item in agenda.items],
            }
            for agenda in agendas
        ]
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        return 0
    sys.stdout.write(team_report(agendas, today))
    return 0


def _team_schema(found: int, latest: int) -> str:
    if found == latest:
        return f"callmate's schema version {found} (current)."
    if found == 0:
        return "no callmate tables yet: run `callmate db upgrade`."
    if found < latest:
        return f"callmate's schema version {found}, older than {latest}: run `callmate db upgrade`."
    return f"callmate's schema version {found}, newer than this callmate ({latest}): upgrade it."


def _explain(error: BaseException, db_path: Path) -> tuple[int, str | None]:
    """An exit code and one line for a storage or OS error; None for anything else."""
    import sqlite3

    from callmate.store.errors import classify

    problem = classify(error, db_path)
    if problem is not None:
        return 2, problem.message
    if isinstance(error, OSError):
        if error.filename:
            return 1, f"could not use {_shown(error.filename)}: {_reason(error)}."
        return 1, f"{_reason(error)}."
    cause: BaseException | None = getattr(error, "orig", None) or error
    if isinstance(cause, sqlite3.Error):
        return 1, f"the database reported a problem: {_printable(str(cause))}."
    return 1, None


def _reason(error: OSError) -> str:
    """An OSError's reason without its file name (that may hold control characters)."""
    return (error.strerror or type(error).__name__).strip()


def _shown(value: object) -> str:
    from callmate.domain.text import shown

    return shown(value)


def _announce_private(base: Path) -> None:
    """Tighten files other users could read, and say so once (on stderr)."""
    from callmate.locations import PRIVATE_NOTICE, make_private

    if make_private(base):
        print(PRIVATE_NOTICE, file=sys.stderr)


def _command(args: argparse.Namespace | SimpleNamespace, base: Path, team=None) -> int:  # type: ignore[no-untyped-def]
    """Run a data command on the SQLite file in ``base``, or on the team database
    (``team``, a DatabaseUrl): the same command, the same output."""
    if args.command == "export":
        return _export(base, args.format, args.out, team, bom=args.bom)
    if args.command == "import":
        return _import(base, args.file, team)
    if args.command == "due":
        return _due(base, args.days, as_json=args.json, team=team)
    if args.command == "search":
        return _search(base, " ".join(args.query), team)
    if args.command == "stats":
        return _stats(base, args.since, as_json=args.json, team=team)
    if args.command == "recap":
        return _recap(base, args.call_id, args.format, copy=args.copy, team=team)
    return _ics(base, args.call_id, team)


def _on_team(team, run: Callable[[], int]) -> int:  # type: ignore[no-untyped-def]
    """``run`` a data command on the team database: a server that can't be
    reached, a wrong password, a missing database, a schema not current, or
    the connection lost on the way: one line naming the host and what failed
    (never the password), as ``callmate db status`` says it; exit 2."""
    from callmate.store.database_url import DatabaseUnavailable, connection_problem

    try:
        return run()
    except DatabaseUnavailable as error:
        print(f"callmate: {_printable(team.scrub(str(error)))}.", file=sys.stderr)
        return 2
    except Exception as error:
        if not _driver_error(error):
            raise
        print(f"callmate: {connection_problem(error, team)}.", file=sys.stderr)
        return 2


def _driver_error(error: BaseException) -> bool:
    """An error from the team database's driver: SQLAlchemy's wrapping of it, or
    psycopg's own (the batched import writes with psycopg directly)."""
    from sqlalchemy.exc import DBAPIError

    psycopg = sys.modules.get("psycopg")
    return isinstance(error, DBAPIError) or (
        psycopg is not None and isinstance(error, psycopg.Error)
    )


def _run_app(base: Path, team=None) -> int:  # type: ignore[no-untyped-def]
    import gc

    # Until the first frame the cyclic garbage collector only walks what the
    # start is building and keeps: importing Textual, callmate and the first
    # screen ran it ~86 times (14-23 ms of the first frame). It is turned
    # back on, with the start's objects frozen out of its reach, when the
    # first frame is on the terminal (CallmateApp.on_ready).
    gc.disable()
    app = build_app(base, team)
    app.run()
    if app.store.unsent:  # said here: under the app it would not be seen
        print(f"callmate: {app.store.unsent}.", file=sys.stderr)
    return app.return_code or 0


def build_app(base: Path, team=None) -> CallmateApp:  # type: ignore[no-untyped-def]
    """The app as ``callmate`` starts it: files made private first, and the home
    screen told so (a line on stderr would be hidden under the app). ``team``:
    the team database's URL (a DatabaseUrl) when one is configured."""
    from callmate.app import make_app
    from callmate.locations import make_private

    loosened = make_private(base)
    app = make_app(base, team=team)
    app.store.loosened = loosened
    return app


def _open_repository(base: Path, team=None):  # type: ignore[no-untyped-def]
    """The repository; a database that can't be used raises StoreUnavailable,
    which main() prints as one line (exit 2). On the team database (``team``)
    :meth:`Repository.open_url`'s, which raises DatabaseUnavailable (its one line)
    for a server it can't use or a schema that is not current."""
    from callmate.store.repository import Repository

    if team is not None:
        return Repository.open_url(team)
    from callmate.locations import database_path

    return Repository.open(database_path(base))


def _export(  # type: ignore[no-untyped-def]
    base: Path, fmt: str, out: Path | None, team=None, *, bom: bool = False
) -> int:
    """Every call, streamed: read a batch at a time and written as it comes, so
    time and memory stay flat per call whatever the size of the history. On the
    team database the same batches and records (:func:`bulk.export_team_calls`)."""
    if fmt == "md":
        return _export_markdown(base, out, team)
    from callmate.domain import exporters
    from callmate.store import bulk

    records: Iterator[dict[str, Any]]
    if team is None:
        from callmate.locations import database_path

        db = bulk.connect(database_path(base))
        records, close = bulk.export_calls(db), db.close
    else:
        repo = _open_repository(base, team)
        team_records = bulk.export_team_calls(repo.engine)

        def close() -> None:
            team_records.close()  # its transaction and connection end first
            repo.close()

        records = team_records
    exported = 0
    cards: list[int] = [0]

    def counted(calls: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        nonlocal exported
        for call in calls:
            exported += 1
            yield call

    try:
        calls = counted(records)
        pieces = _export_pieces(fmt, calls, exporters)  # (file, text): file 1 is HubSpot's tasks
        if fmt == "vcard":  # a card a piece: say how many contacts, not calls
            pieces = _cards_counted(pieces, cards)
        outs = [out] if out is not None else []
        if out is not None and fmt == "hubspot":
            from callmate.domain.crm_export import hubspot_tasks_path

            outs.append(hubspot_tasks_path(out))
        if bom:
            from callmate.domain.csv_safe import BOM

            pieces = itertools.chain([(n, BOM) for n in range(max(1, len(outs)))], pieces)
        if out is None:
            for _file, text in pieces:
                sys.stdout.write(text)
            return 0
        try:
            _write_files(outs, pieces)
        except OSError as error:
            print(f"callmate: could not write {_shown(out)}: {_reason(error)}", file=sys.stderr)
            return 1
    finally:
        close()
    from callmate.domain.text import count

    written = count(cards[0], "contact") if fmt == "vcard" else count(exported, "call")
    tasks = f" and their follow-up tasks to {_shown(outs[1])}" if len(outs) > 1 else ""
    print(f"Wrote {written} to {_shown(out)}{tasks}", file=sys.stderr)
    return 0


def _cards_counted(cards: Iterator[tuple[int, str]], tally: list[int]) -> Iterator[tuple[int, str]]:
    for card in cards:
        tally[0] += 1
        yield card


def _export_pieces(
    fmt: str, calls: Iterator[dict[str, Any]], exporters: Any
) -> Iterator[tuple[int, str]]:
    """An export in ``fmt`` (all but md) in pieces, ``(file, text)``, from the
    calls as they stream; every format writes file 0 only, but HubSpot's,
    whose follow-up tasks are file 1 (:func:`crm_export.hubspot_tasks_path`)."""
    if fmt in ("json", "csv", "vcard"):
        if fmt == "vcard":
            from callmate.domain.vcard import vcard_chunks

            chunks = vcard_chunks(calls)
        else:
            chunks = exporters.json_chunks(calls) if fmt == "json" else exporters.csv_chunks(calls)
        return ((0, text) for text in chunks)
    from callmate.domain.crm_export import crm_chunks

    return crm_chunks(fmt, calls)


def _write_files(outs: list[Path], pieces: Iterable[tuple[int, str]]) -> None:
    """:func:`_write_out` for an export of one or more files written in one pass
    (each piece to the file it names): each file replaced whole or not at all."""
    from contextlib import ExitStack

    from callmate.files import FILE_MODE, atomic_target

    with ExitStack() as stack:
        handles = []
        for out in outs:
            target = out.resolve() if out.is_symlink() else out
            if target.exists() and not target.is_file():  # /dev/stdout, a pipe: as it is
                handles.append(stack.enter_context(open(target, "w", encoding="utf-8")))
                continue
            temporary = stack.enter_context(atomic_target(target))
            handle = stack.enter_context(
                open(temporary, "w", encoding="utf-8", newline="", buffering=1 << 20)
            )
            os.chmod(temporary, FILE_MODE)
            handles.append(handle)
        for index, text in pieces:
            handles[index].write(text)


def _export_markdown(base: Path, out: Path | None, team=None) -> int:  # type: ignore[no-untyped-def]
    from callmate.domain import exporters
    from callmate.domain.recap import earlier_open_by_call

    repo = _open_repository(base, team)
    try:
        calls = repo.all_calls()
    finally:
        repo.close()
    carried = earlier_open_by_call(calls)  # from the calls loaded: no query per call
    sign_off = _sign_off()  # the settings file read once, not once a call
    documents = []
    for call in calls:
        earlier = carried.get(call.id or 0, [])
        recap = _recap_of(call, carried=earlier, sign_off=sign_off)
        documents.append(
            exporters.call_to_markdown(call, recap.subject, recap.body, carried=earlier)
        )
    text = "\n".join(documents)
    if out is None:
        sys.stdout.write(text)
        return 0
    try:
        _write_out(out, [text])
    except OSError as error:
        print(f"callmate: could not write {_shown(out)}: {_reason(error)}", file=sys.stderr)
        return 1
    from callmate.domain.text import count

    print(f"Wrote {count(len(calls), 'call')} to {_shown(out)}", file=sys.stderr)
    return 0


def _write_out(out: Path, chunks: Iterable[str]) -> None:
    """A file is replaced whole or not at all (a full disk, or a failure while
    the calls are read, leaves the last export as it was); a symlink's target
    is what gets replaced. Anything else named (``/dev/stdout``, a pipe) is
    written to as it is: it can't be swapped. The text is written as it comes."""
    from callmate.files import FILE_MODE, atomic_target

    target = out.resolve() if out.is_symlink() else out
    if target.exists() and not target.is_file():
        with open(target, "w", encoding="utf-8") as handle:
            for chunk in chunks:
                handle.write(chunk)
        return
    with (
        atomic_target(target) as temporary,
        open(temporary, "w", encoding="utf-8", newline="", buffering=1 << 20) as handle,
    ):
        os.chmod(temporary, FILE_MODE)
        for chunk in chunks:
            handle.write(chunk)


def _import(base: Path, file: Path, team=None) -> int:  # type: ignore[no-untyped-def]
    """Add the calls of ``file`` as they stream in: each checked, all inserted in one
    transaction, so the first bad record (or a read error) leaves nothing written.
    On the team database through :meth:`Repository.import_calls`, as ``db push``:
    calls matched by uuid (a second import adds nothing), id sequences reset."""
    from callmate.domain.importer import ImportFileError, read_export
    from callmate.locations import database_path
    from callmate.store import bulk

    try:
        handle = open(file, encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError as error:
        print(f"callmate: cannot read {_shown(file)}: {_reason(error)}", file=sys.stderr)
        return 2
    db = None
    try:
        calls = read_export(handle, str(file))
        first = next(calls, None)  # a file refused at once never opens the database
        if team is not None:
            imported, held = _import_to_team(team, itertools.chain([first] if first else [], calls))
        else:
            db = bulk.connect(database_path(base))
            imported, held = bulk.import_calls_counted(
                db, itertools.chain([first] if first else [], calls)
            )
    except ImportFileError as error:
        print(f"callmate: nothing imported. {_printable(str(error))}", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        print(f"callmate: cannot read {_shown(file)}: it is not UTF-8 text", file=sys.stderr)
        return 2
    except OSError as error:  # the file, while it was read
        print(f"callmate: cannot read {_shown(file)}: {_reason(error)}", file=sys.stderr)
        return 2
    except Exception as error:  # e.g. a broken link between calls: all or nothing
        from callmate.store.errors import StoreUnavailable, classify

        if isinstance(error, StoreUnavailable):
            raise
        if team is not None:
            reason = _team_import_problem(error, team)  # or raised: _on_team's one line
        else:
            problem = classify(error, database_path(base))
            reason = problem.message if problem is not None else _printable(str(error))
        print(f"callmate: nothing imported: {reason}", file=sys.stderr)
        return 2
    finally:
        handle.close()
        if db is not None:
            db.close()
    from callmate.domain.text import count

    already = f" ({count(held, 'call')} already there)" if held else ""
    print(f"Imported {count(imported, 'call')} from {_shown(file)}{already}.", file=sys.stderr)
    return 0


def _import_to_team(team, calls: Iterator[Any]) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """The calls added to the team database, and those it had already (by uuid)."""
    read = 0

    def counted(calls: Iterator[Any]) -> Iterator[Any]:
        nonlocal read
        for call in calls:
            read += 1
            yield call

    from callmate.store.repository import Repository

    repo = Repository.open_url(team)  # checks the schema: nothing written before
    try:
        added = repo.import_calls(counted(calls))
    finally:
        repo.close()
    return added, read - added


def _team_import_problem(error: Exception, team) -> str:  # type: ignore[no-untyped-def]
    """Why an import into the team database wrote nothing, in one line; a server
    that went away or a schema not current is raised on (:func:`_on_team`)."""
    from callmate.store.database_url import DatabaseUnavailable, connection_problem

    if isinstance(error, DatabaseUnavailable):
        raise error
    if not _driver_error(error):
        return _printable(str(error))
    cause = getattr(error, "orig", None) or error
    psycopg = sys.modules["psycopg"]
    if isinstance(cause, psycopg.IntegrityError) and "uuid" in str(cause):
        return "the same note (its uuid) appears twice in the file"  # as bulk.DuplicateNoteError
    if getattr(error, "connection_invalidated", False) or isinstance(
        cause, psycopg.OperationalError
    ):
        raise error  # the server went away: _on_team's one line
    reason = connection_problem(error, team).split(f"{team.where}: ", 1)[-1]
    return _printable(f"the team database at {team.where} refused it: {reason}")


def _printable(text: str) -> str:
    from callmate.domain.text import clean_line

    return clean_line(text)


def _read(base: Path, job: Callable[[sqlite3.Connection], T], team=None) -> T:  # type: ignore[no-untyped-def]
    """``job`` run on a plain ``sqlite3`` connection: what the read commands
    (``due``, ``search``) use, so they never import SQLAlchemy or pydantic
    (~0.55 s), as the home screen's first read doesn't.

    The database is opened as :meth:`Repository.open` opens it: created when
    missing, upgraded (after its backup copy) when behind, refused when newer;
    a file that can't be used raises :class:`StoreUnavailable` with its one
    line. Reads wait up to 5 s for another callmate's write, as the app does.

    On the team database (``team``) ``job`` gets the sqlite3-shaped connection
    the app's reads use there (:class:`callmate.store.queries.PgReads`), so the
    same SQL runs; SQLAlchemy is imported only then.
    """
    if team is not None:
        return _team_read(team, job)
    import sqlite3

    from callmate.locations import database_path
    from callmate.store import migrations
    from callmate.store.errors import storage_errors

    path = database_path(base)
    with storage_errors(path):
        if migrations.schema_version(path) != migrations.LATEST:
            migrations.upgrade(path)
        db = sqlite3.connect(path, timeout=5.0)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # page 1 is read
            return job(db)
        finally:
            db.close()


def _team_read(team, job: Callable[[sqlite3.Connection], T]) -> T:  # type: ignore[no-untyped-def]
    """``job`` on the team database, through :class:`~callmate.store.queries.PgReads`
    on :meth:`Repository.open_url`'s engine (which checks the schema first)."""
    from typing import cast

    from callmate.store.queries import PgReads
    from callmate.store.repository import Repository

    repo = Repository.open_url(team)
    try:
        with repo.engine.connect() as connection:
            return job(cast("sqlite3.Connection", PgReads(connection)))
    finally:
        repo.close()


def _due_items(
    db: sqlite3.Connection, today: date, days: int, *, records: bool
) -> tuple[list[DueStep], list[DueStep], dict[int, PromiseRecord]]:
    """The dated promises (overdue first), the undated commitments and, when
    asked, each person's record (one query for all of them)."""
    from datetime import timedelta

    from callmate.store import queries

    before = today + timedelta(days=days + 1)
    # Every one, however many: a report that silently stopped at 10,000 hid the rest.
    steps, _total = queries.open_steps(db, before=before, limit=EVERY)
    commitments = queries.open_commitments(db, before=before, limit=EVERY)
    people = [i.contact_id for i in (*steps, *commitments)]
    found = queries.promise_records(db, people, today) if records else {}
    dated = sorted(
        [*steps, *(c for c in commitments if c.due is not None)],
        key=lambda item: (item.sort_when, not item.is_step),
    )
    undated = [c for c in commitments if c.due is None]
    return dated, undated, found


def _due(base: Path, days: int, *, as_json: bool, team=None) -> int:  # type: ignore[no-untyped-def]
    """Every open promise due within ``days`` (overdue first), then the
    commitments with no date yet: next steps and "we owe" / "they owe" alike."""
    from callmate.clock import SystemClock, local_today
    from callmate.store import due_lines

    today = local_today(SystemClock())
    # Every line made from the rows as SQLite gives them (BENCHMARKS.md, "callmate
    # due from plain rows"); DueStep records only for a date or time stored in
    # a form the app doesn't write.
    made = _read(base, lambda db: due_lines.report(db, today, days, as_json=as_json), team)
    if made is None:
        return _due_in_python(base, today, days, as_json=as_json, team=team)
    sys.stdout.write(made)
    return 0


def _due_in_python(base: Path, today: date, days: int, *, as_json: bool, team=None) -> int:  # type: ignore[no-untyped-def]
    """What :func:`_due` prints, made from :class:`DueStep` records: for a
    date or time stored in a form the app doesn't write (read here as before),
    and the reference :mod:`callmate.store.due_lines` is tested against."""
    from callmate.domain.agenda import describe_try, short_when
    from callmate.domain.text import count

    dated, undated, records = _read(
        base, lambda db: _due_items(db, today, days, records=as_json), team
    )
    if as_json:
        sys.stdout.write(due_json([*dated, *undated], records, today))
        return 0
    if not dated:
        print(f"Nothing due in the next {count(days, 'day')}.")

    # The day column widens only when some promise has a time ("Thu 03 Dec 15:00").
    width = 16 if any(item.due_time for item in dated) else 10
    # What a line starts with depends only on the day, the time and who owes:
    # made once per few hundred days, not once per line (100,000 lines at scale).
    heads: dict[tuple[date | None, time | None, str], str] = {}

    def head(item: DueStep) -> str:
        key = (item.due, item.due_time, item.owes)
        made = heads.get(key)
        if made is None:
            label = when = ""
            if item.due is not None:
                late = (today - item.due).days
                label = (
                    f"OVERDUE {count(late, 'day')}" if late > 0 else "TODAY" if late == 0 else ""
                )
                when = short_when(item.due, item.due_time)
            made = heads[key] = f"{label:<16} {when:<{width}}  {item.owes:<9}  "
        return made

    def line(item: DueStep) -> str:
        who = item.contact_name + (f", {item.company}" if item.company else "")
        owner = f" ({item.owner})" if item.owner and not item.is_step else ""
        tried = describe_try(item.connection, item.tries) if item.is_step else ""
        owner += f" ({tried})" if tried else ""
        # Every part is clean already: the person's words were cleaned as the
        # DueStep was made, the rest is ours.
        return f"{head(item)}{who}: {item.what}{owner}  [call {item.call_id}]"

    lines = [line(item) for item in dated]
    if undated:
        lines.append(f"\nNo date yet ({count(len(undated), 'commitment')}):")
        lines.extend(line(item) for item in undated)
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")
    return 0


def due_fields(item: DueStep, today: date) -> dict[str, object]:
    """One promise as ``callmate due --json`` gives it (README documents the
    keys), but for its last key, ``contact_record``, which :func:`due_json` adds."""
    from callmate.domain.agenda import format_clock

    return {
        "kind": item.kind,
        "call_id": item.call_id,
        "note_id": item.note_id,
        "contact": item.contact_name,
        "company": item.company,
        "what": item.what,
        "owner": item.owner,
        "due": item.due.isoformat() if item.due else None,
        "time": format_clock(item.due_time) if item.due and item.due_time else None,
        "days_overdue": max(0, (today - item.due).days) if item.due else 0,
        "connection": item.connection if item.is_step else None,
        "try": item.tries if item.is_step and item.connection != "connected" else None,
    }


def due_json(items: Sequence[DueStep], records: dict[int, PromiseRecord], today: date) -> str:
    """``json.dumps(rows, indent=2)`` plus a newline, byte for byte, made faster.

    The indenting encoder is pure Python (0.35 s for 20,000 promises). Here
    every row's plain fields go through the C encoder in one call, with the
    indent as its item separator; each distinct person's record is encoded
    once and put back as the last key, ``contact_record``. Rows are told apart
    by the item separator between ``}`` and ``{``: it holds a real newline,
    which an encoded string never does (it is written ``\\n``).
    """
    import json

    if not items:
        return "[]\n"
    flat = [due_fields(item, today) for item in items]
    inner = json.dumps(flat, separators=(",\n    ", ": "))[2:-2].split("},\n    {")
    assert len(inner) == len(items)
    encoded: dict[PromiseRecord, str] = {}
    rows = []
    for fields, item in zip(inner, items, strict=True):
        record = records[item.contact_id]
        text = encoded.get(record)
        if text is None:
            whole = json.dumps(record.as_dict(), indent=2)
            text = encoded[record] = whole.replace("\n", "\n    ")
        rows.append(f'{{\n    {fields},\n    "contact_record": {text}\n  }}')
    return "[\n  " + ",\n  ".join(rows) + "\n]\n"


def _clock():  # type: ignore[no-untyped-def]
    """The clock the read commands ask for today and now (tests give a FrozenClock)."""
    from callmate.clock import SystemClock

    return SystemClock()


def _since(text: str | None, today: date) -> date | str:
    """``--since``'s day, or a line saying why it can't be one. ISO (any past
    day), else callmate's date grammar (``2026-W36``, ``yesterday``); a day
    after today is refused (nothing to count yet)."""
    from callmate.domain.stats import default_since

    if text is None:
        return default_since(today)
    from datetime import date as day_type

    try:
        since = day_type.fromisoformat(text.strip())
    except ValueError:
        from callmate.domain.dates import DateParseError, parse_date

        try:
            since = parse_date(text, today)
        except DateParseError as error:  # its examples are of days ahead: not for --since
            problem = str(error).split(" Try:")[0].rstrip(".")
            return f"--since: {problem}. Give a day such as {default_since(today).isoformat()}"
    if since > today:
        return f"--since: {since.isoformat()} is after today; nothing to count yet"
    return since


def _stats(base: Path, since_text: str | None, *, as_json: bool, team=None) -> int:  # type: ignore[no-untyped-def]
    """``callmate stats``: the review's figures, counted in SQL on the plain read
    connection (no SQLAlchemy or pydantic on SQLite). The settings they depend
    on (cadence, question limit, time check) are read without pydantic.

    ``--json`` prints :meth:`callmate.domain.stats.Stats.as_dict`: the keys are
    ``schema_version`` (1), ``since``, ``today``, ``weeks`` (the twelve Mondays,
    oldest first), ``goals`` {``overall``, ``by_call_type``, ``by_week``} each
    {``met``, ``backup``, ``neither``, ``unjudged``}; ``follow_through``
    {``next_steps``, ``commitments``, ``both``, ``by_week``} each {``ours``,
    ``theirs``} of {``on_time``, ``late``, ``broken``}; ``outcomes`` {``yes``,
    ``no``, ``maybe``, ``no_reasons``, ``maybe_reasons``: [{``reason``,
    ``label``, ``count``}] most given first}; ``method`` {``calls``,
    ``backup_goal``, ``few_questions``, ``quoted``, ``within_time`` each
    {``count``, ``of``, ``percent``}, ``median_seconds``, ``question_limit``,
    ``time_check_minutes``}; ``connection`` {``calls``, ``connected``,
    ``rate_percent``, ``attempts`` {kind: calls}, ``by_week`` [{``calls``,
    ``connected``}]}; ``cold`` {``now``, ``cadence_days``, ``by_week``}.
    README's "callmate stats --json" says what each means."""
    from callmate.clock import local_today
    from callmate.domain.stats import StatsRules
    from callmate.settings_file import peek_rules
    from callmate.store import stats_queries

    clock = _clock()
    today, now = local_today(clock), clock.now()
    since = _since(since_text, today)
    if isinstance(since, str):
        print(f"callmate: {_printable(since)}", file=sys.stderr)
        return 2
    rules = StatsRules(**peek_rules())
    figures = _read(base, lambda db: stats_queries.stats(db, since, today, now, rules), team)
    if as_json:
        import json

        sys.stdout.write(json.dumps(figures.as_dict(), indent=2, ensure_ascii=False) + "\n")
        return 0
    from callmate.domain.stats import report
    from callmate.domain.text import clean

    sys.stdout.write(clean("\n".join(report(figures))) + "\n")
    return 0


def _search(base: Path, query: str, team=None) -> int:  # type: ignore[no-untyped-def]
    if team is not None:  # PostgreSQL's own full-text search (store/pg_search.py)
        repo = _open_repository(base, team)
        try:
            hits = repo.search(query, limit=50)
        finally:
            repo.close()
    else:
        from callmate.store import text_search

        hits = _read(base, lambda db: text_search.search(db, query, limit=50))
    if not hits:
        print(f"Nothing found for '{_shown(query)}'.")
        return 1
    lines = []
    for hit in hits:
        when = f"{hit.started_at.astimezone():%d %b %Y}" if hit.started_at else ""
        who = hit.contact_name + (f", {hit.company}" if hit.company else "")
        where = f"[call {hit.call_id}]" if hit.call_id else ""
        text = "" if hit.source == "contact" else f": {hit.text}"
        lines.append(_printable(f"{hit.label:<8} {when:<11} {who}{text}  {where}".rstrip()))
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _load_call(base: Path, call_id: int, team=None):  # type: ignore[no-untyped-def]
    from callmate.store.repository import CallNotFoundError

    repo = _open_repository(base, team)
    try:
        return repo.get_call(call_id)
    except CallNotFoundError:
        print(f"callmate: there is no call {call_id} (see: callmate export)", file=sys.stderr)
        return None
    finally:
        repo.close()


def _recap_of(call, *, carried, sign_off: str | None = None):  # type: ignore[no-untyped-def]
    """The recap as last edited, or built repeating the earlier open promises
    (signed with ``sign_off``, read from the settings when not given)."""
    from callmate.domain.recap import Recap, compose_recap

    if call.recap_body is not None:
        return Recap(subject=call.recap_subject or "", body=call.recap_body)
    return compose_recap(call, signature=sign_off or _sign_off(), carried=carried)


def _sign_off() -> str:
    from callmate.settings import load_settings

    settings, _problem = load_settings()
    return settings.sign_off()


def _earlier_open(base: Path, call, team=None):  # type: ignore[no-untyped-def]
    """The promises of earlier calls with this call's person still open."""
    if call.id is None:
        return []
    repo = _open_repository(base, team)
    try:
        return repo.earlier_open_commitments(call.id)
    finally:
        repo.close()


def _recap(base: Path, call_id: int, fmt: str, *, copy: bool, team=None) -> int:  # type: ignore[no-untyped-def]
    from callmate.domain.text import clean

    call = _load_call(base, call_id, team)
    if call is None:
        return 1
    carried = _earlier_open(base, call, team)
    recap = _recap_of(call, carried=carried)
    if fmt == "md":
        from callmate.domain.exporters import call_to_markdown

        text = call_to_markdown(call, recap.subject, recap.body, carried=carried)
    else:
        text = recap.as_text()
    sys.stdout.write(clean(text))
    if copy:
        from callmate.clipboard import (
            PyperclipClipboard,
            copy_text,
            terminal_over_ssh,
            timestamped_name,
        )
        from callmate.locations import recaps_dir

        report = copy_text(
            recap.body if fmt == "text" else text,
            system=PyperclipClipboard(),
            terminal=terminal_over_ssh(sys.stdout, os.environ),
            fallback_file=lambda: recaps_dir(base) / timestamped_name(f"call-{call_id}-recap"),
        )
        print(report.message, file=sys.stderr)
    return 0


def _ics(base: Path, call_id: int, team=None) -> int:  # type: ignore[no-untyped-def]
    from callmate.clock import SystemClock
    from callmate.domain.exporters import next_step_ics

    call = _load_call(base, call_id, team)
    if call is None:
        return 1
    if call.next_step is None:
        print(
            f"callmate: call {call_id} has no next step yet (it was never closed)", file=sys.stderr
        )
        return 1
    from callmate.settings import load_settings

    settings, _problem = load_settings()
    minutes = settings.event_minutes
    sys.stdout.write(next_step_ics(call, SystemClock().now(), minutes=minutes))
    return 0
