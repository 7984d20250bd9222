"""A throwaway PostgreSQL cluster for the store tests (Debian's ``postgresql`` package).

One cluster per test session: ``initdb`` into a fresh directory, ``pg_ctl start`` with its
unix socket in that directory and no TCP listener, then one new database per test. The
cluster is stopped and its directory removed when the session ends, also after a failure
or an interrupt. Tests run as root in the test container and PostgreSQL refuses to run as
root, so the cluster belongs to the ``postgres`` user the Debian package creates.

A missing PostgreSQL fails the tests with the command that installs it: the PostgreSQL
variants of the store tests are part of the suite, not optional.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

INSTALL = "apt-get install -y postgresql  (or: ./dev.sh setup)"
SUPERUSER = "weibao"
PREFIX = "weibao-pg-"


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Cluster:
    """A PostgreSQL cluster in a temporary directory, reachable only over its unix socket."""

    def __init__(self) -> None:
        self.bindir = _bindir()
        if self.bindir is None:
            pytest.fail(f"PostgreSQL is not installed (the store tests run against it): "
                        f"{INSTALL}", pytrace=False)
        self.owner: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            try:
                self.owner = pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail(f"no 'postgres' user to run the test cluster as: {INSTALL}",
                            pytrace=False)
        self._remove_stale()
        self.dir = Path(tempfile.mkdtemp(prefix=PREFIX))
        (self.dir / "session.pid").write_text(str(os.getpid()))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.started = False
        self._names = itertools.count(1)
        if self.owner:
            os.chown(self.dir, self.owner.pw_uid, self.owner.pw_gid)
        # other users may reach the socket in it (the directory is 0700 from mkdtemp)
        os.chmod(self.dir, 0o755)

    def _remove_stale(self) -> None:
        """Clusters of earlier sessions that were killed before they could stop theirs."""
        for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
            try:
                os.kill(int((folder / "session.pid").read_text()), 0)
                continue  # that session is still running
            except FileNotFoundError:
                if time.time() - folder.stat().st_mtime < 300:
                    continue  # a session that is just creating it
            except (OSError, ValueError):
                pass
            if (folder / "data" / "postmaster.pid").exists():
                with contextlib.suppress(RuntimeError):
                    self._run("pg_ctl", "-D", str(folder / "data"), "-m", "immediate", "-w",
                              "stop", cwd=folder)
            shutil.rmtree(folder, ignore_errors=True)

    def _run(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        kw = {}
        if self.owner:
            kw = {"user": self.owner.pw_uid, "group": self.owner.pw_gid, "extra_groups": []}
        proc = subprocess.run([str(self.bindir / args[0]), *args[1:]], cwd=cwd or self.dir,
                              capture_output=True, text=True, check=False,
                              env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                                   "LC_ALL": "C.UTF-8", "TZ": "UTC"}, **kw)
        if proc.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] \
                if cwd is None and self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n"
                               f"{proc.stdout}{proc.stderr}{log}")
        return proc

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        self.started = True
        # no TCP; the socket in our own directory; durability off: a throwaway cluster
        opts = (f"-k {self.dir} -c listen_addresses='' -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
                # a server time zone that is not UTC: stored times must not depend on it
                "-c timezone=Asia/Shanghai -c log_timezone=UTC")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", opts, "-w",
                  "-t", "60", "start")

    def stop(self) -> None:
        try:
            if self.started and (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            self.started = False
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.dir}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host=str(self.dir), user=SUPERUSER, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self) -> str:
        name = f"t{next(self._names)}"
        self._admin(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def pg_cluster():
    """The session's PostgreSQL cluster (started on first use)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.fail("the PostgreSQL driver is missing: pip install -e '.[test]' "
                    "(./dev.sh setup)", pytrace=False)
    cluster = Cluster()
    atexit.register(cluster.stop)  # also if the session dies before the finaliser runs
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        atexit.unregister(cluster.stop)


@pytest.fixture
def pg_url(pg_cluster):
    """A URL of a new, empty PostgreSQL database, dropped after the test."""
    name = pg_cluster.create_database()
    yield pg_cluster.url(name)
    pg_cluster.drop_database(name)
