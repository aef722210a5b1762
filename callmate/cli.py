"""The ``callmate`` command: the app by default, plus subcommands for scripts.

Kept light: argparse only at import. The app, the store and the exporters are
imported by the branch that needs them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from callmate import __version__
from callmate.locations import HOME_ENV


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=f"keep all data (database, recap files) under DIR (or set ${HOME_ENV})",
    )
    parser = argparse.ArgumentParser(
        prog="callmate",
        description="A keyboard companion for live sales calls. Run with no command to open it.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"callmate {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    export = commands.add_parser(
        "export", help="print every saved call", parents=[common], description="Print every call."
    )
    export.add_argument("--format", choices=["json"], default="json")

    recap = commands.add_parser(
        "recap",
        help="print a call's recap email (or the whole call as Markdown)",
        parents=[common],
        description="Print the recap email of a call, as last edited in the app.",
    )
    recap.add_argument("call_id", type=int, metavar="CALL_ID")
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
    ics.add_argument("call_id", type=int, metavar="CALL_ID")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    data_dir_arg = getattr(args, "data_dir", None)
    if data_dir_arg:
        os.environ[HOME_ENV] = str(Path(data_dir_arg).expanduser().resolve())

    from callmate.locations import data_dir

    try:
        base = data_dir()
    except OSError as error:
        print(f"callmate: cannot use the data directory: {error}", file=sys.stderr)
        return 2

    if args.command == "export":
        return _export(base, args.format)
    if args.command == "recap":
        return _recap(base, args.call_id, args.format, copy=args.copy)
    if args.command == "ics":
        return _ics(base, args.call_id)
    return _run_app(base)


def _run_app(base: Path) -> int:
    from callmate.app import make_app

    app = make_app(base)
    app.run()
    return app.return_code or 0


def _open_repository(base: Path):  # type: ignore[no-untyped-def]
    from callmate.locations import database_path
    from callmate.store.migrations import SchemaTooNewError
    from callmate.store.repository import Repository

    try:
        return Repository.open(database_path(base))
    except SchemaTooNewError as error:
        print(f"callmate: {error}", file=sys.stderr)
        return None


def _export(base: Path, fmt: str) -> int:
    from callmate.domain.exporters import to_json

    repo = _open_repository(base)
    if repo is None:
        return 2
    try:
        calls = repo.all_calls()
    finally:
        repo.close()
    sys.stdout.write(to_json(calls) + "\n")
    return 0


def _load_call(base: Path, call_id: int):  # type: ignore[no-untyped-def]
    from callmate.store.repository import CallNotFoundError

    repo = _open_repository(base)
    if repo is None:
        return None
    try:
        return repo.get_call(call_id)
    except CallNotFoundError:
        print(f"callmate: there is no call {call_id} (see: callmate export)", file=sys.stderr)
        return None
    finally:
        repo.close()


def _recap_of(call):  # type: ignore[no-untyped-def]
    from callmate.domain.recap import Recap, compose_recap
    from callmate.settings import load_settings

    if call.recap_body is not None:
        return Recap(subject=call.recap_subject or "", body=call.recap_body)
    settings, _problem = load_settings()
    return compose_recap(call, signature=settings.sign_off())


def _recap(base: Path, call_id: int, fmt: str, *, copy: bool) -> int:
    from callmate.domain.text import clean

    call = _load_call(base, call_id)
    if call is None:
        return 1
    recap = _recap_of(call)
    if fmt == "md":
        from callmate.domain.exporters import call_to_markdown

        text = call_to_markdown(call, recap.subject, recap.body)
    else:
        text = recap.as_text()
    sys.stdout.write(clean(text))
    if copy:
        from callmate.clipboard import PyperclipClipboard, copy_text, timestamped_name
        from callmate.locations import recaps_dir

        report = copy_text(
            recap.body if fmt == "text" else text,
            system=PyperclipClipboard(),
            terminal=None,
            fallback_file=lambda: recaps_dir(base) / timestamped_name(f"call-{call_id}-recap"),
        )
        print(report.message, file=sys.stderr)
    return 0


def _ics(base: Path, call_id: int) -> int:
    from callmate.clock import SystemClock
    from callmate.domain.exporters import next_step_ics

    call = _load_call(base, call_id)
    if call is None:
        return 1
    if call.next_step is None:
        print(
            f"callmate: call {call_id} has no next step yet (it was never closed)", file=sys.stderr
        )
        return 1
    sys.stdout.write(next_step_ics(call, SystemClock().now()))
    return 0
