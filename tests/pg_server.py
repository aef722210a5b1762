"""A throwaway PostgreSQL server for the tests: ``initdb`` + ``pg_ctl`` in a temp dir.

The server listens on a free loopback port (and a unix socket inside its own
temp dir), runs with ``fsync`` off (it is thrown away) and is stopped, its
files removed, when the test session ends. PostgreSQL refuses to run as root:
where the tests run as root the binaries are run as the ``postgres`` user
through ``runuser``, in a temp dir that user owns.

The binaries are found in ``$CALLMATE_PG_BINDIR``, ``/usr/lib/postgresql/*/bin``
(the newest version first) or ``pg_config --bindir``; :func:`find_bindir` gives
None where there are none, and the PostgreSQL tests skip, saying so, unless
``$CALLMATE_REQUIRE_POSTGRES`` is set (``.ci/run`` sets it): then they fail.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

USER = "callmate"
"""The superuser initdb creates (its password is random, per server)."""

SERVER_RUNNER = "postgres"
"""The system user the server runs as when the tests run as root."""


def find_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or None."""
    explicit = os.environ.get("CALLMATE_PG_BINDIR")
    if explicit:  # only there: also how to see the tests skip on a machine that has them
        folder = Path(explicit)
        return folder if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file() else None
    candidates: list[Path] = []

    def version(path: Path) -> tuple[int, ...]:
        name = path.parent.name
        return tuple(int(part) for part in name.split(".") if part.isdigit()) or (0,)

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            found = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            ).stdout.strip()
            if found:
                candidates.append(Path(found))
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def why_not_available() -> str | None:
    """Why the PostgreSQL tests can't run here (None when they can)."""
    if find_bindir() is None:
        return (
            "no PostgreSQL binaries (initdb, pg_ctl) found in /usr/lib/postgresql/*/bin "
            "or pg_config --bindir: install Debian's postgresql package (.ci/run does)"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_RUNNER)
        except KeyError:
            return f"running as root and there is no {SERVER_RUNNER!r} user to run PostgreSQL as"
        if shutil.which("runuser") is None:
            return "running as root and there is no runuser to run PostgreSQL as another user"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One server: :meth:`start` it, take :meth:`url` s, :meth:`stop` it (idempotent)."""

    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        self.durable = durable
        self.password = secrets.token_urlsafe(16)
        self.root = Path(tempfile.mkdtemp(prefix="callmate-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self._as_root = os.geteuid() == 0
        self._running = False
        self._settings: list[str] = []

    # -- running the binaries as a user PostgreSQL accepts ------------------
    def _run(self, program: str, *args: str, timeout: float = 120) -> None:
        command = [str(self.bindir / program), *args]
        if self._as_root:
            command = ["runuser", "-u", SERVER_RUNNER, "--", *command]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.root,
            env={**os.environ, "LC_ALL": "C.UTF-8", "PGPASSWORD": self.password},
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{program} failed ({result.returncode}): {result.stderr.strip()[-800:]}"
                f"\n{self._log_tail()}"
            )

    def _log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-1500:]
        except OSError:
            return ""

    def start(self) -> PostgresServer:
        password_file = self.root / "password"
        password_file.write_text(self.password + "\n")
        if self._as_root:
            runner = pwd.getpwnam(SERVER_RUNNER)
            for path in (self.root, password_file):
                os.chown(path, runner.pw_uid, runner.pw_gid)
        self.root.chmod(0o700)
        password_file.chmod(0o600)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            USER,
            f"--pwfile={password_file}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        password_file.unlink()
        settings = [
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.root}",
            "-c max_connections=40",
            "-c shared_buffers=64MB",
        ]
        if not self.durable:
            settings += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._settings = settings
        last: Exception | None = None
        for _attempt in range(3):  # a free port can be taken between probe and bind
            self.port = free_port()
            try:
                self._pg_ctl_start()
            except RuntimeError as error:
                last = error
                continue
            self._running = True
            return self
        raise RuntimeError(f"PostgreSQL did not start: {last}")

    def _pg_ctl_start(self) -> None:
        options = " ".join([f"-p {self.port}", *self._settings])
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
            "-o", options, "start",
        )  # fmt: skip

    def halt(self) -> None:
        """Stop the server as an outage would (its clients' connections cut), keeping
        its files: :meth:`resume` starts it again on the same port."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        self._running = False

    def resume(self) -> None:
        """Start again, on the same port, a server :meth:`halt` stopped."""
        self._pg_ctl_start()
        self._running = True

    def stop(self) -> None:
        """Stop the server (at once: its data is thrown away) and remove its files."""
        if self._running:
            self._running = False
            with contextlib.suppress(Exception):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    # -- using it --------------------------------------------------------------
    def url(
        self,
        database: str = "postgres",
        *,
        password: str | None = None,
        port: int | None = None,
        user: str = USER,
    ) -> str:
        secret = self.password if password is None else password
        return f"postgresql+psycopg://{user}:{secret}@127.0.0.1:{port or self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, name)
        return self.url(name)
