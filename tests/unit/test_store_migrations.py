"""Migrations keep the data of an older store (SQLite batch rebuilds must not cascade).

Each test runs on SQLite and on PostgreSQL (the ``store_url`` fixture, tests/unit/pg.py).
"""

import datetime as dt

from alembic import command
from sqlalchemy import inspect, text

from weibao.store import Store
from weibao.store.db import MIGRATIONS, alembic_config

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
