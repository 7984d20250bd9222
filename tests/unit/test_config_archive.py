"""The configuration archive: a real git repository per site in a temporary data directory,
runs committed once each, stale devices, diffs, the salt, and the runner's hook."""

from __future__ import annotations

import datetime as dt
import json
import socket
import stat
import subprocess

import pytest
from sqlalchemy import select

from weibao.errors import ConfigError, NotFound
from weibao.services import config_archive as ca
from weibao.services.inspection import (
    SALT_VAR,
    HostState,
    InspectionRun,
    Progress,
    scrub_salt,
)
from weibao.store import ConfigChange, Run, RunHost, Store

T1 = dt.datetime(2026, 10, 5, 2, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 11, 4, 2, 0, tzinfo=dt.UTC)
T3 = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)

SW1 = """!
version 15.2
hostname sw1
enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0
snmp-server community Publ1cCommunity RO
interface Gi0/1
 description uplink
 shutdown
end
"""
SW1_CHANGED = SW1.replace(" shutdown\n", " no shutdown\n").replace(
    "Publ1cCommunity", "N3wCommunity")
VRP = """#
 sysname core
#
snmp-agent community read cipher %^%#SecretCipherText%^%#
#
return
"""
SECRETS = ("$1$mERr$hx5rVt7rPNoS4wqbXKX7m0", "Publ1cCommunity", "N3wCommunity",
           "%^%#SecretCipherText%^%#")
WHY = {"key": "reason.timed_out", "params": {"command": "show running-config", "seconds": 30}}


def git(repo, *args):
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'w.db'}")
    yield s
    s.dispose()


def new_run(store, started, period, hosts=("sw1", "sw2", "sw3"), site="dc1"):
    with store.session() as s:
        run = Run(kind="inspection", site=site, period=period, status="running",
                  started_at=started, user="t", inventory="inv", playbook="pb", limit="",
                  ansible_version="2.19", weibao_version="0", site_meta={}, pid=None,
                  controller=socket.gethostname(), message="", artifact_dir="",
                  manifest_sha256="")
        run.hosts = [RunHost(name=h, status="pending", message="", asset={},
                             platform="cisco_ios") for h in hosts]
        s.add(run)
        s.flush()
        return run.id


def three_runs(data, store=None):
    """Run 1 (2026-10): sw1, sw2 new. Run 2 (2026-11): sw1 changed, sw2 not collected
    (unreachable), sw3 collection failed. Run 3 (2026-12): sw1 and sw2 unchanged."""
    expected = {"sw1": "cisco_ios", "sw2": "huawei_vrp", "sw3": "cisco_ios"}
    out = []
    for n, (when, period, texts) in enumerate([
            (T1, "2026-10", {"sw1": SW1, "sw2": VRP}),
            (T2, "2026-11", {"sw1": SW1_CHANGED, "sw3": None}),
            (T3, "2026-12", {"sw1": SW1_CHANGED, "sw2": VRP})], start=1):
        run_id = new_run(store, when, period) if store else n
        archive = ca.RunArchive(data, "dc1")
        for host, text in texts.items():
            archive.record(host, expected[host], text, WHY if text is None else None)
        records = archive.commit(run_id, when, period=period, expected=expected,
                                 reasons={"sw2": {"key": "reason.text",
                                                  "params": {"text": "unreachable"}}})
        if store:
            ca.save(store, run_id, records)
        out.append({r.host: r for r in records})
    return out


def test_salt_file_private_stable_and_repaired(tmp_path):
    first = ca.salt(tmp_path)
    path = tmp_path / "config-archive" / ".salt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) == 64 and ca.salt(tmp_path) == first
    path.chmod(0o644)
    assert ca.salt(tmp_path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "config-archive").stat().st_mode) == 0o700
    assert ca.salt(tmp_path / "other") != first


def test_runs_commit_once_each_with_states(tmp_path):
    r1, r2, r3 = three_runs(tmp_path)
    assert {h: r.status for h, r in r1.items()} == {"sw1": "new", "sw2": "new", "sw3": "stale"}
    assert r1["sw3"].why == {"key": "reason.not_collected", "params": {}}
    assert {h: r.status for h, r in r2.items()} == {
        "sw1": "changed", "sw2": "stale", "sw3": "stale"}
    # the community line and the shutdown line changed: 2 lines out, 2 in
    assert (r2["sw1"].added, r2["sw1"].removed) == (2, 2)
    assert r2["sw2"].why == {"key": "reason.text", "params": {"text": "unreachable"}}
    assert r2["sw3"].why == WHY  # the action's own reason wins
    assert {h: r.status for h, r in r3.items()} == {
        "sw1": "unchanged", "sw2": "unchanged", "sw3": "stale"}
    assert (r3["sw1"].added, r3["sw1"].removed) == (0, 0)
    repo = tmp_path / "config-archive" / "dc1"
    log = git(repo, "log", "--format=%an <%ae>|%s|%aI").splitlines()
    assert log == [f"weibao <weibao@localhost>|inspection run {n}, {day}|{day}T02:00:00+00:00"
                   for n, day in ((3, "2026-12-03"), (2, "2026-11-04"), (1, "2026-10-05"))]
    body = git(repo, "log", "-1", "--skip=1", "--format=%b")
    assert "Period: 2026-11" in body and "changed sw1 +2 -2" in body and "stale sw2" in body
    # the stale device's previous copy stays; every record names its run's commit
    assert (repo / "sw2.cfg").read_text() == VRP.replace(
        "%^%#SecretCipherText%^%#", ca_mask(tmp_path, "%^%#SecretCipherText%^%#"))
    assert not (repo / "sw3.cfg").exists()
    assert r2["sw1"].commit == git(repo, "rev-parse", "HEAD~1").strip()
    assert git(repo, "status", "--porcelain") == ""


def ca_mask(data, value):
    from ansible.module_utils.weibao_inspection.config_clean import mask

    return mask(value, ca.salt(data))


def test_no_secret_ever_reaches_the_repository(tmp_path):
    three_runs(tmp_path)  # texts given uncleaned: the archive cleans them again
    repo = tmp_path / "config-archive" / "dc1"
    history = git(repo, "log", "-p", "--all", "--format=%B")
    objects = subprocess.run(
        f"git -C {repo} cat-file --batch-all-objects --batch", shell=True,
        capture_output=True, check=True).stdout.decode("utf-8", "replace")
    for secret in SECRETS:
        assert secret not in history and secret not in objects
    assert ca.salt(tmp_path) not in objects
    assert ca_mask(tmp_path, "Publ1cCommunity") in history
    assert ca_mask(tmp_path, "N3wCommunity") in history


def test_diff_last_change_and_since(tmp_path):
    three_runs(tmp_path)
    last = ca.diff(tmp_path, "dc1", "sw1")
    assert (last.from_run, last.to_run, last.to_date) == (1, 2, "2026-11-04")
    assert "-snmp-server community " + ca_mask(tmp_path, "Publ1cCommunity") in last.text
    assert "+snmp-server community " + ca_mask(tmp_path, "N3wCommunity") in last.text
    assert "+ no shutdown" in last.text and "- shutdown" in last.text
    # since a period: the copy of the last run of an earlier period against the latest
    assert ca.diff(tmp_path, None, "sw1", since="2026-11").text == last.text
    since_dec = ca.diff(tmp_path, None, "sw1", since="2026-12")
    assert since_dec.text == "" and since_dec.from_run == 2 and since_dec.to_run == 3
    # since a day; before the first run: everything is new
    assert ca.diff(tmp_path, "dc1", "sw1", since="2026-11-01").text == last.text
    first = ca.diff(tmp_path, "dc1", "sw1", since="2026-01")
    assert first.from_run is None and "+hostname sw1" in first.text
    # sw2 never changed: its last change is its first copy
    sw2 = ca.diff(tmp_path, "dc1", "sw2")
    assert sw2.from_run is None and sw2.to_run == 1 and "+ sysname core" in sw2.text
    with pytest.raises(ConfigError, match="--since 'last month'"):
        ca.diff(tmp_path, "dc1", "sw1", since="last month")
    with pytest.raises(ConfigError, match="--since '2026-13'"):
        ca.diff(tmp_path, "dc1", "sw1", since="2026-13")


def test_unknown_site_or_device_and_ambiguous_device(tmp_path):
    three_runs(tmp_path)
    with pytest.raises(NotFound, match="site 'nowhere'"):
        ca.diff(tmp_path, "nowhere", "sw1")
    with pytest.raises(NotFound, match="device 'sw9'"):
        ca.diff(tmp_path, "dc1", "sw9")
    with pytest.raises(NotFound, match="device 'sw3'"):  # never collected: nothing archived
        ca.diff(tmp_path, None, "sw3")
    other = ca.RunArchive(tmp_path, "dc2")
    other.record("sw1", "cisco_ios", SW1)
    other.commit(9, T3)
    with pytest.raises(ConfigError, match="several sites"):
        ca.diff(tmp_path, None, "sw1")
    assert ca.diff(tmp_path, "dc2", "sw1").to_run == 9
    with pytest.raises(ca.ArchiveError, match="folder name"):
        ca.RunArchive(tmp_path, "../etc")


def test_file_names_and_no_commit_without_devices(tmp_path):
    assert ca.file_name("sw1.example.com") == "sw1.example.com.cfg"
    assert ca.file_name("../x/y") == "_._x_y.cfg"
    assert ca.RunArchive(tmp_path, "dc1").commit(1, T1) == []
    assert not (tmp_path / "config-archive" / "dc1").exists()


def test_git_needs_no_user_configuration(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "nohome"))
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "elsewhere"))  # never followed
    monkeypatch.delenv("GIT_AUTHOR_NAME", raising=False)
    archive = ca.RunArchive(tmp_path, "dc1")
    archive.record("sw1", "cisco_ios", SW1)
    assert archive.commit(1, T1)[0].status == "new"


def test_records_stored_and_read_for_the_report(tmp_path, store):
    three_runs(tmp_path, store)
    with store.session() as s:
        rows = {(c.run_id, c.host): (c.status, c.added, c.removed, c.since_run)
                for c in s.scalars(select(ConfigChange))}
    assert rows[(2, "sw1")] == ("changed", 2, 2, 1)
    assert rows[(2, "sw2")] == ("stale", None, None, 1)
    assert rows[(3, "sw2")] == ("unchanged", 0, 0, 1)  # compared with run 1's copy
    assert rows[(3, "sw3")] == ("stale", None, None, None)  # never archived
    report = ca.run_records(store, 2)
    assert report["sw1"]["state"] == "changed"
    assert report["sw1"]["since"] == {"run_id": 1, "inspected_at": "2026-10-05T02:00:00Z"}
    assert report["sw3"]["why"] == WHY
    listing = {i["device"]: i for i in ca.listing(tmp_path, store, "dc1")}
    assert set(listing) == {"sw1", "sw2"}
    assert listing["sw1"]["last_change_run"] == 2 and listing["sw1"]["status"] == "unchanged"
    assert listing["sw2"]["last_change_date"] == "2026-10-05"


# ------------------------------------------------------------------ the runner's hook
def config_event(host, config):
    return {"event": "runner_on_ok", "event_data": {
        "host": host, "task": "Inspect", "task_action": "weibao_inspect_network",
        "res": {"changed": False, "findings": [], "areas": ["network"], "config": config}}}


def test_runner_records_configs_and_commits_when_the_run_closes(tmp_path, store):
    run_id = new_run(store, T2, "2026-11", hosts=("sw1", "sw2", "srv1"))
    hosts = {"sw1": HostState(platform="cisco_ios"), "sw2": HostState(platform="cisco_ios"),
             "srv1": HostState(platform="linux")}
    hosts["sw2"].status, hosts["sw2"].message = "unreachable", "timed out"
    progress = Progress(total=3, hosts=hosts)
    streamer = InspectionRun(store, run_id, progress, lambda p, h: None, observed_at=T2,
                             archive=ca.RunArchive(tmp_path, "dc1"))
    streamer.handle(config_event("sw1", {"text": SW1, "why": None, "platform": "cisco_ios"}))
    streamer.commit_configs()
    streamer.commit_configs()  # once only
    report = ca.run_records(store, run_id)
    assert set(report) == {"sw1", "sw2"}  # a server has no configuration archive
    assert report["sw1"]["status"] == "new"
    assert report["sw2"]["status"] == "stale"
    assert report["sw2"]["why"]["params"]["second"]["params"]["text"] == "timed out"
    repo = tmp_path / "config-archive" / "dc1"
    assert git(repo, "log", "--format=%s").splitlines() == ["inspection run 1, 2026-11-04"]


def test_a_failing_archive_makes_devices_stale(tmp_path, store, monkeypatch):
    run_id = new_run(store, T2, "2026-11", hosts=("sw1",))
    progress = Progress(total=1, hosts={"sw1": HostState(platform="cisco_ios")})
    streamer = InspectionRun(store, run_id, progress, lambda p, h: None,
                             archive=ca.RunArchive(tmp_path, "dc1"))
    streamer.handle(config_event("sw1", {"text": SW1, "why": None, "platform": "cisco_ios"}))
    monkeypatch.setenv("PATH", str(tmp_path / "nogit"))
    streamer.commit_configs()
    record = ca.run_records(store, run_id)["sw1"]
    assert record["status"] == "stale"
    assert "needs git" in record["why"]["params"]["text"]


def test_salt_removed_from_the_archived_extravars(tmp_path):
    env = tmp_path / "env"
    env.mkdir()
    (env / "extravars").write_text(json.dumps({SALT_VAR: "s3cret", "weibao_period": "2026-11"}))
    scrub_salt(tmp_path)
    data = json.loads((env / "extravars").read_text())
    assert data == {SALT_VAR: "(not archived)", "weibao_period": "2026-11"}
    scrub_salt(tmp_path / "missing")  # no file: nothing to do


@pytest.mark.parametrize("network", [True, False])
def test_run_inspection_passes_the_salt_and_commits_when_the_run_closes(tmp_path, store,
                                                                         monkeypatch, network):
    """The whole runner path with the playbook replaced: the action gets the salt as an extra
    variable, the run's archived extra variables do not keep it, the archive commits once."""
    from weibao.config import load_settings
    from weibao.services import inspection
    from weibao.services.ansible import PlaybookResult
    from weibao.services.inventory import Inventory, Site

    seen = {}

    def fake_run_playbook(playbook, inventory, private_dir, extravars, limit, event_handler,
                          cancelled, **kw):
        seen.update(extravars)
        (private_dir / "env").mkdir(parents=True)
        (private_dir / "env" / "extravars").write_text(json.dumps(extravars))
        event_handler(config_event("sw1", {"text": SW1, "why": None,
                                           "platform": "cisco_ios"}))
        for host in ("sw1", "srv1"):
            event_handler({"event": "runner_on_ok", "event_data": {
                "host": host, "task": "done", "task_action": "set_fact",
                "res": {"ansible_facts": {inspection.DONE_FACT: True}}}})
        return PlaybookResult(status="successful", rc=0, stdout_tail="")

    monkeypatch.setattr(inspection.ansible_svc, "run_playbook", fake_run_playbook)
    monkeypatch.setattr(inspection.ansible_svc, "ansible_core_version", lambda: "2.19")
    settings = load_settings(tmp_path)
    inventory = Inventory(path=tmp_path / "inv", site=Site(name="dc1"),
                          hosts=["srv1", "sw1"], assets={"srv1": {}, "sw1": {}},
                          platforms={"srv1": "linux",
                                     "sw1": "cisco_ios" if network else "linux"})
    outcome = inspection.run_inspection(settings, store, inventory, "2026-11")
    if not network:  # no network device: no salt, no archive
        assert SALT_VAR not in seen and not (tmp_path / "config-archive").exists()
        assert ca.run_records(store, outcome.run_id) == {}
        return
    assert seen[SALT_VAR] == ca.salt(tmp_path)
    archived = json.loads((tmp_path / "artifacts" / f"run-{outcome.run_id}" / "env"
                           / "extravars").read_text())
    assert archived[SALT_VAR] == "(not archived)"
    assert ca.run_records(store, outcome.run_id)["sw1"]["status"] == "new"
    repo = tmp_path / "config-archive" / "dc1"
    assert git(repo, "log", "--format=%s").splitlines() == [
        f"inspection run {outcome.run_id}, " + git(repo, "log", "--format=%ad",
                                                   "--date=short").strip()]
