"""A throwaway PostgreSQL server for the tests: initdb in a temporary directory, listening
on a free loopback port and a private unix socket, stopped and removed at the end.

PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres`` user
(Debian's package creates it) or else ``nobody``. ``ARCHIVE_SEARCH_TEST_PG`` names an
existing server instead (a SQLAlchemy URL whose user may create databases).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url


class PostgresUnavailable(RuntimeError):
    pass


def _bindir() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if not candidates:
        raise PostgresUnavailable("PostgreSQL is not installed (apt-get install postgresql)")
    return Path(candidates[-1]).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _owner() -> str | None:
    """The user to run the server as, or None to run it as ourselves (not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise PostgresUnavailable("running as root and there is no postgres or nobody user")


@dataclass
class PostgresServer:
    url: str  # of the maintenance database "postgres"
    directory: Path | None = None  # None: an external server, not ours to stop
    owner: str | None = None
    bindir: Path | None = None

    @classmethod
    def start(cls) -> "PostgresServer":
        external = os.environ.get("ARCHIVE_SEARCH_TEST_PG", "").strip()
        if external:
            return cls(external)
        bindir, owner = _bindir(), _owner()
        directory = Path(tempfile.mkdtemp(prefix="archive-search-pg-"))
        if owner:
            entry = pwd.getpwnam(owner)
            os.chown(directory, entry.pw_uid, entry.pw_gid)
        server = cls("", directory, owner, bindir)
        data, sockets = directory / "data", directory / "sockets"
        server._run("mkdir", str(sockets))
        server._run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                    "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        port = _free_port()
        options = (f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        server._run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-t", "60",
                    "-l", str(directory / "server.log"), "start")
        server.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        return server

    def _run(self, *command: str) -> None:
        if self.owner:
            command = ("runuser", "-u", self.owner, "--", *command)
        done = subprocess.run(command, capture_output=True, text=True, cwd="/")
        if done.returncode != 0:
            log = self.directory / "server.log" if self.directory else None
            tail = log.read_text()[-2000:] if log and log.exists() else ""
            raise PostgresUnavailable(f"{' '.join(command)} failed: {done.stderr}{tail}")

    def new_database(self) -> str:
        """A new empty database on this server; its SQLAlchemy URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:16]
        base = make_url(self.url)
        with psycopg.connect(host=base.host, port=base.port, user=base.username,
                             password=base.password, dbname=base.database,
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return base.set(database=name).render_as_string(hide_password=False)

    def stop(self) -> None:
        if self.directory is None:
            return
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.directory / "data"),
                      "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)
