"""Migrations keep the data of an older store (SQLite batch rebuilds must not cascade)."""

import datetime as dt

from sqlalchemy import text

from weibao.store import Store
from weibao.store.db import MIGRATIONS

T0 = dt.datetime(2026, 10, 3, 2, 0, tzinfo=dt.UTC)


def test_upgrade_from_the_first_schema_keeps_every_row(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = Store(url, migrate=False)
    old.upgrade("0001")
    with old.engine.begin() as conn:
        conn.execute(text(
            'INSERT INTO runs (id, kind, site, period, status, started_at, user, inventory, '
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

    store = Store(url)  # opens at head
    with store.engine.connect() as conn:
        counts = [conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                  for t in ("runs", "run_hosts", "findings")]
        assert counts == [1, 1, 1]
        # 0003: findings written before it have no translations, stored as {}
        assert conn.execute(text("SELECT translations FROM findings")).scalar() == "{}"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    heads = sorted(p.name for p in (MIGRATIONS / "versions").glob("*.py"))
    assert heads[0].startswith("0001")
