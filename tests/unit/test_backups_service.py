"""weibao.services.backups: records from the backup module become Backup rows bound into the
audit log; malformed records, unreachable and failed hosts become failed backups; the run is
closed, archived and its exit status says whether every host has a verified backup."""

from __future__ import annotations

import datetime as dt
import json
import sys

import pytest
import yaml
from change_env import backup_record
from sqlalchemy import select, text

from weibao.audit import AuditLog, default_audit_path
from weibao.canonical import sha256_hex
from weibao.config import load_settings
from weibao.errors import EXIT_INCOMPLETE, EXIT_OK
from weibao.services import ansible as ansible_svc
from weibao.services import backups
from weibao.services.inventory import load_inventory
from weibao.store import Backup, Run, RunHost, Store

FINISHED = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(tmp_path, store_url):
    inv = tmp_path / "inventories" / "lab"
    inv.mkdir(parents=True)
    (inv / "hosts.yml").write_text(yaml.safe_dump({"all": {
        "vars": {"weibao_site": {"name": "lab", "timezone": "Asia/Shanghai",
                                 "backup_max_age_days": 5},
                 "ansible_connection": "local", "ansible_python_interpreter": sys.executable},
        "children": {
            "linux": {"hosts": {"web01": None, "db01": None}},
            "weibao_aix": {"hosts": {"aix01": {"weibao_platform": "aix"}}},
            "weibao_bmcs": {"hosts": {"web01-bmc": {
                "weibao_platform": "redfish", "weibao_bmc_user": "u",
                "weibao_bmc_password": "p", "weibao_bmc_of": "web01"}}}}}}))
    settings = load_settings(tmp_path / "data", store_url)
    store = Store(settings.db_url)
    yield settings, store, load_inventory(inv)
    store.dispose()


def ok(host, records):
    return {"event": "runner_on_ok", "event_data": {
        "host": host, "task": "Back up", "task_action": "weibao.core.weibao_system_backup",
        "res": {"changed": True, "backups": records}}}


def fake_playbook(monkeypatch, events, status="successful", seen=None):
    def run(playbook, inventory, private_dir, extravars, limit, event_handler, cancelled,
            check=False):
        if seen is not None:
            seen.update(playbook=playbook, extravars=extravars, limit=limit)
        private_dir.mkdir(parents=True, exist_ok=True)
        (private_dir / "stdout").write_text("PLAY RECAP\n")
        for event in events:
            event_handler(event)
        return ansible_svc.PlaybookResult(status=status, rc=0 if status == "successful" else 2,
                                          stdout_tail="PLAY RECAP\n")
    monkeypatch.setattr(ansible_svc, "run_playbook", run)


def rows(store, **where):
    with store.session() as s:
        query = select(Backup).order_by(Backup.id)
        for key, value in where.items():
            query = query.where(getattr(Backup, key) == value)
        return list(s.scalars(query))


def aix_record():
    return backup_record("aix01", FINISHED, host_kind="aix", tool="mksysb",
                         tool_version="7.3.2.0", volume_group="rootvg",
                         verification={"method": "lsmksysb -l + restore -Tvqf",
                                       "result": "ok", "detail": "2301 files listed"})


# ----------------------------------------------------------------------------- records


def test_a_good_record_is_accepted_as_it_is():
    record = backups.validate_record(backup_record("web01", FINISHED))
    assert record["status"] == "verified" and record["size_bytes"] == 4096
    assert record["finished_at"] == FINISHED


@pytest.mark.parametrize(("change", "reason"), [
    ({"status": "fine"}, "status: 'fine' is not one of"),
    ({"tool": "dd"}, "tool: 'dd' is not one of"),
    ({"size_bytes": "4096"}, "size_bytes: '4096' is not a whole number"),
    ({"size_bytes": 4095}, "size_bytes: not the sum of the files' sizes"),
    ({"sha256": "ABC"}, "sha256: 'ABC' is not a lower-case hex sha256"),
    ({"sha256": "d" * 64}, "sha256: not the main file's sha256 in files"),
    ({"sha256": ""}, "status verified without a sha256 or the tool's checksum"),
    ({"checksum": "crc:1"}, "checksum: 'crc:1' is not sha256:<hex> or md5:<hex>"),
    ({"finished_at": "2026-11-20 02:00"}, "finished_at: '2026-11-20 02:00' is not"),
    ({"started_at": "2026-11-21T00:00:00Z"}, "finished_at: earlier than started_at"),
    ({"verification": {"method": "m", "result": "failed", "detail": ""}},
     "status verified without a verification method and result ok"),
    ({"verification": "ok"}, "verification: not a mapping"),
    ({"files": [{"path": "/x"}]}, "files[0]: not a file with path, size and sha256"),
    ({"path": ""}, "status verified without a path"),
])
def test_a_malformed_record_is_refused_with_the_reason(change, reason):
    with pytest.raises(backups.RecordError, match=reason.replace("(", r"\(")
                       .replace(")", r"\)").replace("[", r"\[").replace("]", r"\]")):
        backups.validate_record({**backup_record("web01", FINISHED), **change})


def test_a_checksum_of_the_tool_is_enough_for_a_verified_rear_backup():
    record = backups.validate_record(backup_record(
        "web01", FINISHED, tool="rear", sha256="", files=[],
        checksum="md5:" + "0" * 32))
    assert record["checksum"] == "md5:" + "0" * 32


# ----------------------------------------------------------------------------- the run


def test_a_run_records_every_backup_and_binds_it_into_the_audit_log(world, monkeypatch):
    settings, store, inventory = world
    seen = {}
    fake_playbook(monkeypatch, [
        ok("web01", [backup_record("web01", FINISHED)]),
        ok("db01", [backup_record("db01", FINISHED)]),
        ok("aix01", [aix_record(), backup_record(
            "aix01", FINISHED, host_kind="aix", kind="volume_group", tool="savevg",
            volume_group="datavg")]),
    ], seen=seen)
    outcome = backups.run_backup(settings, store, inventory, user="li.wei")
    assert outcome.exit_code == EXIT_OK and outcome.status == "successful"
    assert seen["playbook"] == "playbooks/system_backup.yml"
    found = rows(store)
    assert [(r.host, r.tool, r.status, r.verified) for r in found] == [
        ("web01", "tar", "verified", True), ("db01", "tar", "verified", True),
        ("aix01", "mksysb", "verified", True), ("aix01", "savevg", "verified", True)]
    log = AuditLog(default_audit_path(settings.data_dir))
    assert log.verify().ok
    for row in found:
        assert row.run_id == outcome.run_id and row.operator == "li.wei"
        entry = log.find(row.audit_hash)
        assert entry.action == "backup.record" and entry.actor == "li.wei"
        assert entry.change_id is None
        assert entry.digests == {"record": sha256_hex(backups.canonical_record(row))}
    assert found[3].detail["volume_group"] == "datavg"
    with store.session() as s:
        run = s.get(Run, outcome.run_id)
        assert (run.kind, run.status, run.user) == ("backup", "successful", "li.wei")
        assert run.site_meta["backup_max_age_days"] == 5
        # the BMC is not a host the backup playbook runs on
        assert sorted(h.name for h in run.hosts) == ["aix01", "db01", "web01"]
        assert {h.status for h in run.hosts} == {"backed_up"}
        manifest = run.manifest_sha256
    archive = settings.artifacts_dir / f"run-{outcome.run_id}"
    assert outcome.artifact_dir == str(archive)
    assert (archive / ansible_svc.MANIFEST).is_file() and len(manifest) == 64


def test_unreachable_failed_and_malformed_are_recorded_as_failed(world, monkeypatch):
    settings, store, inventory = world
    fake_playbook(monkeypatch, [
        {"event": "runner_on_unreachable", "event_data": {
            "host": "db01", "task": "Gathering Facts",
            "res": {"msg": "ssh: connect to host db01 port 22: No route to host"}}},
        {"event": "runner_on_failed", "event_data": {
            "host": "aix01", "task": "Check the target's free space",
            "task_action": "ansible.builtin.command", "res": {"msg": "no space"}}},
        ok("web01", [{**backup_record("web01", FINISHED), "size_bytes": -1}]),
    ], status="failed")
    outcome = backups.run_backup(settings, store, inventory, user="li.wei")
    assert outcome.exit_code == EXIT_INCOMPLETE and outcome.status == "failed"
    by_host = {r.host: r for r in rows(store)}
    assert {r.status for r in by_host.values()} == {"failed"}
    assert not any(r.verified for r in by_host.values())
    assert "No route to host" in by_host["db01"].detail["message"]
    assert "unreachable" in by_host["db01"].detail["message"]
    assert "Check the target's free space: no space" in by_host["aix01"].detail["message"]
    assert by_host["web01"].detail["message"].startswith(
        "malformed backup record from the module: size_bytes: -1")
    assert by_host["web01"].path == backup_record("web01", FINISHED)["path"]
    assert all(r.audit_hash for r in by_host.values())  # recorded, and shown, all the same
    with store.session() as s:
        hosts = {h.name: h.status for h in s.scalars(
            select(RunHost).where(RunHost.run_id == outcome.run_id))}
    assert hosts == {"db01": "unreachable", "aix01": "failed", "web01": "backed_up"}


def test_one_host_without_a_verified_backup_makes_the_run_partial(world, monkeypatch):
    settings, store, inventory = world
    fake_playbook(monkeypatch, [
        ok("web01", [backup_record("web01", FINISHED)]),
        ok("db01", [backup_record("db01", FINISHED, status="unverified")]),
        ok("aix01", [aix_record()]),
    ])
    outcome = backups.run_backup(settings, store, inventory, user="li.wei")
    assert (outcome.status, outcome.exit_code) == ("partial", EXIT_INCOMPLETE)
    assert not outcome.hosts["db01"].verified
    assert "no verified backup: unverified (listing differs)" in outcome.hosts["db01"].message


def test_a_host_the_playbook_never_reached_is_a_failed_backup(world, monkeypatch):
    settings, store, inventory = world
    fake_playbook(monkeypatch, [ok("web01", [backup_record("web01", FINISHED)])],
                  status="failed")
    outcome = backups.run_backup(settings, store, inventory, user="li.wei")
    assert outcome.exit_code == EXIT_INCOMPLETE
    failed = {r.host: r.detail["message"] for r in rows(store, status="failed")}
    assert set(failed) == {"db01", "aix01"}
    assert "no result: the playbook ended before this host finished" in failed["db01"]


def test_an_interrupted_run_keeps_what_was_recorded(world, monkeypatch):
    settings, store, inventory = world
    fake_playbook(monkeypatch, [ok("web01", [backup_record("web01", FINISHED)])],
                  status="canceled")
    outcome = backups.run_backup(settings, store, inventory, user="li.wei")
    assert (outcome.status, outcome.exit_code) == ("interrupted", EXIT_INCOMPLETE)
    assert [(r.host, r.status) for r in rows(store)] == [("web01", "verified")]
    with store.session() as s:
        run = s.get(Run, outcome.run_id)
        assert run.status == "interrupted" and "Ctrl-C" in run.message
        assert {h.name: h.status for h in run.hosts} == {
            "web01": "backed_up", "db01": "interrupted", "aix01": "interrupted"}


def test_a_broken_audit_log_leaves_the_backup_unbound_and_the_host_not_verified(
        world, monkeypatch):
    settings, store, inventory = world
    log = default_audit_path(settings.data_dir)
    log.parent.mkdir(parents=True)
    log.write_text("not an audit entry\n")
    fake_playbook(monkeypatch, [
        ok(h, [backup_record(h, FINISHED)]) for h in ("web01", "db01")] + [
        ok("aix01", [aix_record()])])
    outcome = backups.run_backup(settings, store, inventory, user="li.wei")
    assert outcome.exit_code == EXIT_INCOMPLETE
    (row, *_rest) = rows(store)
    assert row.status == "verified" and row.audit_hash == ""
    assert "not an audit entry" in row.detail["audit_error"]
    assert "no verified backup: verified (audit log" in outcome.hosts["web01"].message


def test_listing_newest_first(world, monkeypatch):
    settings, store, inventory = world
    fake_playbook(monkeypatch, [
        ok("web01", [backup_record("web01", FINISHED - dt.timedelta(days=1))]),
        ok("web01", [backup_record("web01", FINISHED)])])
    backups.run_backup(settings, store, inventory, limit="web01", user="li.wei")
    items = backups.listing(store, "lab", "web01")
    assert [i["finished_at"] for i in items] == ["2026-11-20T02:00:00Z", "2026-11-19T02:00:00Z"]
    json.dumps(items)  # plain JSON
    assert backups.listing(store, "other") == []


# ----------------------------------------------------------------------------- the store


def test_the_migration_keeps_older_backup_rows_which_no_gate_trusts(store_url):
    url = store_url
    old = Store(url, migrate=False)
    old.upgrade("0005")
    with old.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO backups (site, host, kind, started_at, finished_at, verified, "
            "location, detail) VALUES ('lab', 'db01', 'system', '2026-11-01 00:00:00', "
            "'2026-11-01 01:00:00', :yes, '/backup/db01', '{}')"), {"yes": True})
    old.dispose()
    store = Store(url)
    (row,) = rows(store)
    assert (row.location, row.verified, row.status, row.audit_hash) == (
        "/backup/db01", True, "", "")
    assert row.verification == {} and row.size_bytes is None
    store.dispose()


# ----------------------------------------------------------------------------- change runs


@pytest.fixture
def env(change_world):
    from change_env import IN_WINDOW

    return change_world(IN_WINDOW)


def archived_extravars(env, run_id):
    path = env.data_dir / "artifacts" / f"run-{run_id}" / "env" / "extravars"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_a_change_playbook_gets_the_backups_the_gate_trusted(env):
    from change_env import IN_WINDOW, record_backup

    path = env.ready(env.write(kind="os_patch", targets={"limit": "db"}))
    rows_by_host = {h: record_backup(env, h, IN_WINDOW - dt.timedelta(days=1))
                    for h in ("db01", "db02")}
    outcome = env.service.run(path)
    assert outcome.status == "successful", outcome
    extra = archived_extravars(env, outcome.run_id)
    assert extra["weibao_change_media"] == []
    assert extra["weibao_change_backups"] == {
        host: {"id": row.id, "path": row.path, "sha256": row.sha256,
               "checksum": row.checksum, "size_bytes": row.size_bytes, "tool": "tar",
               "files": row.detail["files"], "finished_at": backups.stamp(row.finished_at)}
        for host, row in rows_by_host.items()}


def test_a_change_playbook_gets_the_media_as_the_gate_verified_them(env, tmp_path):
    import hashlib
    import subprocess

    folder = tmp_path / "clamav"
    folder.mkdir()
    (folder / "sample.txt").write_text("not a virus\n")
    hsb = subprocess.run(["sigtool", "--sha256", str(folder / "sample.txt")], check=True,
                         capture_output=True, text=True).stdout
    (folder / "test.hsb").write_text(hsb)
    (folder / "sample.txt").unlink()
    media = env.changes / "media" / "patch.tar"
    media.parent.mkdir()
    media.write_bytes(b"patch contents\n")
    digest = hashlib.sha256(b"patch contents\n").hexdigest()
    path = env.ready(env.write(media=[{"path": "media/patch.tar", "sha256": digest,
                                       "description": "the patch"}]))
    outcome = env.service.run(path, clamav_db=folder / "test.hsb")
    assert outcome.status == "successful", outcome
    extra = archived_extravars(env, outcome.run_id)
    assert extra["weibao_change_backups"] == {}  # a configuration change needs none
    assert extra["weibao_change_media"] == [
        {"name": "patch.tar", "path": str(media.resolve()), "sha256": digest}]


# ----------------------------------------------------------------------------- through ansible

FAKE_MODULE = '''\
#!/usr/bin/python
import json
from ansible.module_utils.basic import AnsibleModule

def main():
    module = AnsibleModule(argument_spec={"records": {"type": "str"}})
    module.exit_json(changed=True, backups=json.loads(module.params["records"]))

main()
'''

FAKE_PLAYBOOK = '''\
- name: Fake system backup
  hosts: all
  gather_facts: false
  tasks:
    - name: Back up
      weibao_system_backup:
        records: "{{ fake_records[inventory_hostname] | to_json }}"
'''


def test_a_real_playbook_run_streams_the_modules_records(tmp_path, monkeypatch):
    """ansible-runner's real events: a tiny playbook with a module of the same name."""
    content = tmp_path / "content"
    (content / "playbooks" / "library").mkdir(parents=True)
    (content / "ansible.cfg").write_text("[defaults]\nretry_files_enabled = False\n")
    (content / "playbooks" / "system_backup.yml").write_text(FAKE_PLAYBOOK)
    (content / "playbooks" / "library" / "weibao_system_backup.py").write_text(FAKE_MODULE)
    monkeypatch.setenv("WEIBAO_CONTENT_DIR", str(content))
    inv = tmp_path / "inv"
    inv.mkdir()
    records = {"web01": [backup_record("web01", FINISHED)],
               "db01": [{**backup_record("db01", FINISHED), "status": "verified",
                         "verification": {"method": "m", "result": "not_run", "detail": ""}}]}
    (inv / "hosts.yml").write_text(yaml.safe_dump({"all": {
        "vars": {"weibao_site": {"name": "lab"}, "ansible_connection": "local",
                 "ansible_python_interpreter": sys.executable, "fake_records": records},
        "hosts": {"web01": None, "db01": None}}}))
    settings = load_settings(tmp_path / "data")
    store = Store(settings.db_url)
    try:
        outcome = backups.run_backup(settings, store, load_inventory(inv), user="li.wei")
        assert outcome.exit_code == EXIT_INCOMPLETE and outcome.status == "partial"
        by_host = {r.host: r for r in rows(store)}
        assert by_host["web01"].status == "verified" and by_host["web01"].audit_hash
        assert by_host["db01"].status == "failed"
        assert "status verified without a verification method and result ok" in \
            by_host["db01"].detail["message"]
    finally:
        store.dispose()
