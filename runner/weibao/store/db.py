"""Opening the store: engine, Alembic migrations to head, sessions."""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from weibao.errors import N_, StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


# how long a SQLite writer waits for another's transaction before "database is locked"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(dbapi_conn, _record):
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.close()


def _json_encoder():
    """``json.dumps(value)`` for the JSON columns, byte for byte (the same separators, ASCII
    escapes, NaN and errors), with one C encoder made once: ``json.dumps`` makes a new one,
    and a closure, at every call, which cost more than encoding a finding's small values
    (five JSON columns a finding, some 240 values a host). ``json.dumps`` itself where the
    C encoder is missing. It does not look for circular references (a value read from JSON
    has none): one would end in RecursionError, not ValueError."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return json.dumps
    encode = make(None, json.JSONEncoder().default, json.encoder.encode_basestring_ascii,
                  None, ": ", ", ", False, False, True)

    return lambda value: "".join(encode(value, 0))


json_dumps = _json_encoder()


def head_revision() -> str:
    """The newest migration's revision. Migrations are numbered: a file
    ``migrations/versions/NNNN_what.py`` declares revision ``NNNN`` and follows the one
    before (tests/unit/test_store_migrations.py holds every file to it)."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def alembic_config(url: str):
    from alembic.config import Config  # Alembic only when a migration may run

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


class Store:
    """The database behind weibao. ``Store(url)`` migrates it to the newest schema."""

    def __init__(self, url: str, migrate: bool = True) -> None:
        self.url = url
        try:
            self.engine: Engine = create_engine(url, future=True, json_serializer=json_dumps)
            if self.engine.dialect.name == "sqlite":
                event.listen(self.engine, "connect", _sqlite_pragmas)
            if migrate and not self.at_head():
                self.upgrade()
        except SQLAlchemyError as exc:
            raise StoreError(
                N_("database %(url)s: %(reason)s"),
                url=self.safe_url,
                reason=str(exc.orig if getattr(exc, "orig", None) else exc).splitlines()[0],
            ) from exc
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def safe_url(self) -> str:
        """The URL without its password, for messages."""
        return self.engine.url.render_as_string(hide_password=True) if hasattr(
            self, "engine") else "(database)"

    def at_head(self) -> bool:
        """Whether the store is at the newest schema already: then opening it needs no
        Alembic (its import and a migration check cost each command 0.1 s)."""
        try:
            with self.engine.connect() as conn:
                versions = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        except SQLAlchemyError:  # a new store: no alembic_version yet
            return False
        return [v for (v,) in versions] == [head_revision()]

    def upgrade(self, revision: str = "head") -> None:
        """Migrate to ``revision``.

        On SQLite, Alembic's batch mode rebuilds a table to alter it (copy, DROP, rename).
        With foreign keys enforced, that DROP would cascade and delete every dependent row,
        so migrations run on a separate engine without the foreign-key pragma (SQLite's
        default is off); the rebuilt tables keep their constraints.
        """
        from alembic import command

        cfg = alembic_config(self.url)
        engine = create_engine(self.url) if self.engine.dialect.name == "sqlite" else self.engine
        try:
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
        finally:
            if engine is not self.engine:
                engine.dispose()

    @contextmanager
    def session(self):
        """A session committed on success and rolled back on any error: no partial rows."""
        session: Session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def lock(self, session: Session, name: str) -> None:
        """Serialise the transactions that read and then write the rows of ``name`` (e.g.
        the findings' lifecycle that two inspections update at once): call it first in the
        session; the lock is held until the session commits or rolls back.

        PostgreSQL: a transaction-scoped advisory lock of ``name``. SQLite: the database's
        write lock, taken now by a no-op write (waiting up to the busy timeout), so that
        what the transaction reads next is what no other writer can change before it ends.
        """
        dialect = self.engine.dialect.name
        if dialect == "postgresql":
            key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
        elif dialect == "sqlite":
            session.execute(text("UPDATE alembic_version SET version_num = version_num"))

    def dispose(self) -> None:
        self.engine.dispose()
