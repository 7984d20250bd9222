"""Migrations keep the data of an older store (SQLite batch rebuilds must not cascade).

Each test runs on SQLite and on PostgreSQL (the ``store_url`` fixture, tests/unit/pg.py).
"""

import datetime as dt
import subprocess
import sys

from alembic import command
from sqlalchemy import inspect, text

from weibao.store import Store
from weibao.store.db import MIGRATIONS, alembic_config, head_revision

T0 = dt.datetime(2026, 10, 3, 2, 0, tzinfo=dt.UTC)
REVISIONS = sorted(p.name.split("_")[0] for p in (MIGRATIONS / "versions").glob("0*.py"))


def test_upgrade_from_the_first_schema_keeps_every_row(store_url):
    old = Store(store_url, migrate=False)
    old.upgrade("0001")
    with old.engine.begin() as conn:
        conn.execute(text(
            'INSERT INTO runs (id, kind, site, period, status, started_at, "user", inventory, '
            'playbook, "limit", ansible_version, weibao_version, site_meta, artifact_dir, '
            "manifest_sha256, message, controller) VALUES (1, 'inspection', 's', '2026-10', "
            "'successful', :t, 'u', 'inv', 'pb', '', '2.19', '0.1', '{}', '', '', '', 'c')"),
            {"t": T0})
        conn.execute(text("INSERT INTO run_hosts (run_id, name, status, message, asset) "
                          "VALUES (1, 'db01', 'inspected', '', '{}')"))
        conn.execute(text(
            "INSERT INTO findings (run_id, host, check_id, component, status, summary, "
            'evidence, recommendation, "values", thresholds) VALUES (1, \'db01\', '
            "'system.load', '', 'ok', 'fine', '[]', '', '{}', '{}')"))
    old.dispose()

    store = Store(store_url)  # opens at head
    try:
        with store.engine.connect() as conn:
            counts = [conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                      for t in ("runs", "run_hosts", "findings")]
            assert counts == [1, 1, 1]
            # 0003: findings written before it have no translations, stored as {}
            translations = conn.execute(text("SELECT translations FROM findings")).scalar()
            assert translations in ("{}", {})
            if store.engine.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        store.dispose()
    assert REVISIONS[0] == "0001"


def test_every_migration_downgrades_and_upgrades_again(store_url):
    """0001 → head, then step by step down to nothing and up again: no migration is one-way."""
    store = Store(store_url)
    try:
        with store.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        assert {"runs", "run_hosts", "findings"} <= tables
        cfg = alembic_config(store_url)
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            for revision in reversed(REVISIONS[:-1]):
                command.downgrade(cfg, revision)
            command.downgrade(cfg, "base")
        with store.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        store.upgrade()
        with store.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) == tables
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() \
                == REVISIONS[-1]
    finally:
        store.dispose()


def test_migrations_are_numbered_in_one_line_and_the_head_is_the_last():
    """Opening a store skips Alembic when alembic_version holds head_revision(), the highest
    file number: each file must declare its number as revision and follow the one before,
    or a store would be taken for current and never migrated."""
    from alembic.script import ScriptDirectory

    files = sorted((MIGRATIONS / "versions").glob("[0-9]*_*.py"))
    previous = None
    for path in files:
        number = path.name.split("_", 1)[0]
        text_ = path.read_text()
        assert f'revision = "{number}"' in text_, path.name
        follows = f'down_revision = "{previous}"' if previous else "down_revision = None"
        assert follows in text_, path.name
        previous = number
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert script.get_heads() == [head_revision()] == [previous]


def test_a_store_behind_head_is_migrated(store_url):
    old = Store(store_url, migrate=False)
    old.upgrade(REVISIONS[-2])
    assert not old.at_head()
    old.dispose()
    store = Store(store_url)
    try:
        assert store.at_head()
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() \
                == head_revision()
    finally:
        store.dispose()


def test_opening_a_store_at_head_does_not_import_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'weibao.db'}"
    Store(url).dispose()  # created and migrated here
    probe = ("import sys; from weibao.store import Store; s = Store(sys.argv[1]); "
             "print(s.at_head(), 'alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe, url], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["True", "False"]
