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
