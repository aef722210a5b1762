"""Which database: the SQLite file in the data dir, or a team database (PostgreSQL).

The team database is named by a URL, e.g. ``postgresql+psycopg://sam@db.example/callmate``,
from (first found) ``--database-url``, ``$CALLMATE_DATABASE_URL`` or
``database_url`` in settings.toml. None of them set: SQLite in the data dir,
as always, and this module costs nothing more than a look at the settings
file's bytes (no TOML parse unless the key is there, no SQLAlchemy, no psycopg).

The password is never shown: :meth:`DatabaseUrl.shown` hides it, every message
made here is scrubbed of it, and a failure to connect becomes one line naming
the host and what failed (:func:`connection_problem`), never a traceback.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from sqlalchemy import Engine

DATABASE_URL_ENV = "CALLMATE_DATABASE_URL"
SETTINGS_KEY = "database_url"
DEFAULT_PORT = 5432
CONNECT_TIMEOUT_SECONDS = 10
"""How long a connection attempt waits for a host that doesn't answer."""

_SCHEMES = {"postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg3"}
INSTALL_HINT = "pip install 'callmate[postgres]'"


class DatabaseUrlError(ValueError):
    """A URL callmate can't use; its message is one line, without the password."""


class DatabaseUnavailable(Exception):
    """The team database could not be used; ``str()`` is the one line to show."""


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed team-database URL. Its repr and :meth:`shown` never hold the password."""

    user: str | None
    host: str
    port: int
    database: str
    query: str = ""
    source: str = "CALLMATE_DATABASE_URL"
    """Where it was set: "--database-url", "CALLMATE_DATABASE_URL" or "settings.toml"."""
    password: str | None = field(default=None, repr=False)

    @property
    def where(self) -> str:
        """``host:port``, as the messages name the server."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return _printable(f"{host}:{self.port}")

    def shown(self) -> str:
        """The URL for display: ``postgresql://sam:***@db.example:5432/callmate``."""
        login = ""
        if self.user is not None:
            login = self.user + (":***" if self.password is not None else "") + "@"
        return _printable(f"postgresql://{login}{self.where}/{self.database}")

    def sqlalchemy_url(self) -> Any:
        """The URL as SQLAlchemy takes it (``sqlalchemy.URL``; imports SQLAlchemy)."""
        from sqlalchemy import URL

        query = {}
        for pair in filter(None, self.query.split("&")):
            key, _, value = pair.partition("=")
            query[unquote(key)] = unquote(value)
        return URL.create(
            "postgresql+psycopg",
            username=self.user,
            password=self.password,
            host=self.host,
            port=self.port,
            database=self.database,
            query=query,
        )

    def scrub(self, text: str) -> str:
        """``text`` with the password (as typed and as encoded) taken out."""
        if self.password:
            text = text.replace(self.password, "***")
        return text


def parse(url: str, source: str = DATABASE_URL_ENV) -> DatabaseUrl:
    """Read a ``postgresql://`` URL; :class:`DatabaseUrlError` (one line) if it isn't one."""
    text = url.strip()
    scheme, sep, _rest = text.partition("://")
    if not sep or scheme.lower() not in _SCHEMES:
        named = _printable(scheme.lower()) if sep else "no scheme"
        raise DatabaseUrlError(
            f"the database URL from {source} must start with postgresql:// "
            f"(it has {named}); leave it unset to keep the SQLite file in the data dir"
        )
    try:
        parts = urlsplit(text)
        port = parts.port or DEFAULT_PORT
        host = parts.hostname or ""
        password = None if parts.password is None else unquote(parts.password)
        user = None if parts.username is None else unquote(parts.username)
    except ValueError:
        raise DatabaseUrlError(
            f"the database URL from {source} has a host or port that can't be read "
            "(a port is a number up to 65535)"
        ) from None
    database = unquote(parts.path.lstrip("/"))
    if not host:
        raise DatabaseUrlError(f"the database URL from {source} names no host")
    if not database:
        raise DatabaseUrlError(
            f"the database URL from {source} names no database "
            f"(e.g. postgresql://{_printable(host)}/callmate)"
        )
    return DatabaseUrl(
        user=user,
        host=host,
        port=port,
        database=database,
        query=parts.query,
        source=source,
        password=password,
    )


def configured(flag: str | None = None) -> DatabaseUrl | None:
    """The team database asked for, or None for the SQLite file (the default).

    ``--database-url`` (``flag``), else ``$CALLMATE_DATABASE_URL``, else
    ``database_url`` in settings.toml; an empty value counts as unset.
    Raises :class:`DatabaseUrlError` for a value that is not a usable URL.
    """
    if flag:
        return parse(flag, "--database-url")
    from_env = os.environ.get(DATABASE_URL_ENV, "").strip()
    if from_env:
        return parse(from_env, DATABASE_URL_ENV)
    from_file = settings_value()
    if from_file:
        return parse(from_file, "settings.toml")
    return None


def settings_value() -> str:
    """``database_url`` from settings.toml, or "" (never raises: the settings
    screen and ``load_settings`` report a broken file). The file's bytes are
    looked at first, and TOML is parsed only when they hold the key."""
    from callmate.settings_file import read_bytes, settings_path

    try:
        raw = read_bytes(settings_path())
    except Exception:
        return ""
    if SETTINGS_KEY.encode() not in raw:
        return ""
    try:
        import tomllib

        value = tomllib.loads(raw.decode("utf-8", errors="replace")).get(SETTINGS_KEY, "")
    except Exception:
        return ""
    return value.strip() if isinstance(value, str) else ""


# -- connecting ------------------------------------------------------------------
def make_engine(url: DatabaseUrl, **options: Any) -> Engine:
    """A SQLAlchemy engine for the team database (nothing is connected yet).

    :class:`DatabaseUnavailable` when psycopg is not installed.
    """
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise DatabaseUnavailable(
            f"the team database at {url.where} needs psycopg, which is not installed: "
            f"{INSTALL_HINT}"
        ) from None
    from sqlalchemy import create_engine

    connect_args = {"connect_timeout": CONNECT_TIMEOUT_SECONDS, "application_name": "callmate"}
    connect_args.update(options.pop("connect_args", {}))
    return create_engine(
        url.sqlalchemy_url(), connect_args=connect_args, hide_parameters=True, **options
    )


def check(url: DatabaseUrl) -> str:
    """Connect once; the server's version (``PostgreSQL 15.8``), or
    :class:`DatabaseUnavailable` saying in one line what failed."""
    engine = make_engine(url, poolclass=_null_pool())
    try:
        with engine.connect() as connection:
            version = connection.exec_driver_sql("SHOW server_version").scalar_one()
        return f"PostgreSQL {version}"
    except Exception as error:
        raise DatabaseUnavailable(connection_problem(error, url)) from None
    finally:
        engine.dispose()


def _null_pool() -> Any:
    from sqlalchemy.pool import NullPool

    return NullPool


_FAILURES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"password authentication failed", re.I), "wrong password for user {user}"),
    (
        re.compile(r"no password supplied", re.I),
        "the server wants a password for user {user} and none was given "
        "(put it in the URL or in ~/.pgpass)",
    ),
    (re.compile(r'database ".*" does not exist', re.I), "there is no database {database}"),
    (re.compile(r'role ".*" does not exist', re.I), "there is no user {user}"),
    (re.compile(r"connection refused", re.I), "nothing is listening there (connection refused)"),
    (
        re.compile(r"could not translate host name|name or service not known", re.I),
        "that host name is not known",
    ),
    (re.compile(r"timeout expired|timed out", re.I), "no answer (timed out)"),
    (
        re.compile(r"no pg_hba\.conf entry", re.I),
        "the server does not let user {user} in from here (pg_hba.conf)",
    ),
    (re.compile(r"too many (connections|clients)", re.I), "the server has too many connections"),
    (re.compile(r"the database system is starting up", re.I), "the server is starting up"),
    (re.compile(r"the database system is shutting down", re.I), "the server is shutting down"),
    (re.compile(r"SSL", re.I), "the secure (SSL) connection failed"),
]


def connection_problem(error: BaseException, url: DatabaseUrl) -> str:
    """One line for a failure to connect: the host, and what failed; never the password."""
    if isinstance(error, DatabaseUnavailable):
        return url.scrub(str(error))
    cause = getattr(error, "orig", None) or error
    if isinstance(cause, ModuleNotFoundError) and "psycopg" in str(cause):
        return (
            f"the team database at {url.where} needs psycopg, which is not installed: "
            f"{INSTALL_HINT}"
        )
    message = str(cause)
    for pattern, what in _FAILURES:
        if pattern.search(message):
            reason = what.format(
                user=_printable(url.user or "(the login name)"), database=_printable(url.database)
            )
            break
    else:  # the driver's own words (first line), the only part that could hold it: scrubbed
        first = next((line for line in message.splitlines() if line.strip()), "")
        reason = _printable(url.scrub(first[:200])) or type(cause).__name__
    return f"cannot use the team database at {url.where}: {reason}"


def _printable(text: str) -> str:
    """One line, nothing in it a terminal would act on (without loading the domain)."""
    return "".join(ch if ch.isprintable() else "?" for ch in " ".join(text.split()))
