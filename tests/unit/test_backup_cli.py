"""``weibao backup run`` and ``weibao backup list`` through click's test runner: exit statuses
like inspect, the table in both languages, JSON, one-line errors."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click
import pytest
import yaml
from change_env import backup_record
from click.testing import CliRunner
from test_backups_service import fake_playbook, ok

from weibao import cli as cli_mod
from weibao.audit import AuditLog, default_audit_path

FINISHED = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _main(args):
    cli_mod.main(list(args))


def invoke(data, *args):
    return CliRunner().invoke(_main, ["--data-dir", str(data), *args], catch_exceptions=False)


@pytest.fixture
def world(tmp_path):
    inv = tmp_path / "inv"
    inv.mkdir()
    (inv / "hosts.yml").write_text(yaml.safe_dump({"all": {
        "vars": {"weibao_site": {"name": "lab", "timezone": "Asia/Shanghai"},
                 "ansible_connection": "local", "ansible_python_interpreter": sys.executable},
        "hosts": {"web01": None, "db01": None}}}))
    return tmp_path / "data", inv


def test_run_records_and_exits_0_when_every_host_has_a_verified_backup(world, monkeypatch):
    data, inv = world
    fake_playbook(monkeypatch, [ok("web01", [backup_record("web01", FINISHED)]),
                                ok("db01", [backup_record("db01", FINISHED)])])
    result = invoke(data, "backup", "run", "-i", str(inv))
    assert result.exit_code == 0, result.output
    assert "backing up 2 host(s) of site lab" in result.output
    assert "run 1: successful; hosts with a verified backup 2 of 2" in result.output
    assert "archive: " in result.output
    assert AuditLog(default_audit_path(data)).verify().count == 2


def test_run_exits_2_when_a_host_has_no_verified_backup(world, monkeypatch):
    data, inv = world
    fake_playbook(monkeypatch, [
        ok("web01", [backup_record("web01", FINISHED)]),
        {"event": "runner_on_unreachable", "event_data": {
            "host": "db01", "res": {"msg": "No route to host"}}}], status="failed")
    result = invoke(data, "--lang", "zh-CN", "backup", "run", "--inventory", str(inv))
    assert result.exit_code == 2, result.output
    assert "运行 1：部分成功；有已验证备份的主机 1 / 2" in result.output
    assert "主机 db01：" in result.output


def test_run_with_a_bad_inventory_or_site_is_one_line_and_exit_3(world, tmp_path):
    data, inv = world
    result = invoke(data, "backup", "run", "-i", str(tmp_path / "nowhere"))
    assert result.exit_code == 3
    assert len(result.output.strip().splitlines()) == 1
    result = invoke(data, "backup", "run", "-i", str(inv), "--site", "other")
    assert result.exit_code == 3 and len(result.output.strip().splitlines()) == 1
    assert "other" in result.output


def test_run_with_a_limit_matching_no_host_to_back_up(world, tmp_path):
    data, inv = world
    (inv / "hosts.yml").write_text(yaml.safe_dump({"all": {
        "vars": {"weibao_site": {"name": "lab"}},
        "children": {"weibao_bmcs": {"hosts": {"bmc1": {
            "weibao_platform": "redfish", "weibao_bmc_user": "u",
            "weibao_bmc_password": "p"}}}}}}))
    result = invoke(data, "backup", "run", "-i", str(inv))
    assert result.exit_code == 3
    assert "no Linux or AIX host to back up" in result.output


@pytest.fixture
def recorded(world, monkeypatch):
    data, inv = world
    fake_playbook(monkeypatch, [
        ok("web01", [backup_record("web01", FINISHED, size_bytes=1536,
                                   files=[{"path": backup_record("web01", FINISHED)["path"],
                                           "size": 1536,
                                           "sha256": backup_record("web01", FINISHED)["sha256"]
                                           }])]),
        ok("db01", [backup_record("db01", FINISHED, status="failed")])])
    assert invoke(data, "backup", "run", "-i", str(inv)).exit_code == 2
    return data


def test_list_shows_the_table_in_the_sites_time_zone(recorded):
    result = invoke(recorded, "backup", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "host", "tool", "finished", "size", "status",
                                "verification"]
    web = next(line for line in lines if " web01 " in line)
    assert "2026-11-20 10:00 CST" in web and "1.5 KiB" in web and "verified" in web
    assert "tar listing+per-file sha256 manifest: ok" in web
    db = next(line for line in lines if " db01 " in line)
    assert " failed " in db and "(listing differs)" in db


def test_list_in_chinese_and_filtered(recorded):
    result = invoke(recorded, "--lang", "zh-CN", "backup", "list", "--host", "db01")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split()[:3] == ["编号", "主机", "工具"]
    assert "web01" not in result.output and "失败" in result.output


def test_list_json(recorded):
    result = invoke(recorded, "backup", "list", "--json", "--site", "lab")
    items = json.loads(result.output)
    assert [(i["id"], i["host"], i["status"], i["size_bytes"]) for i in items] == [
        (2, "db01", "failed", 4096), (1, "web01", "verified", 1536)]
    assert all(len(i["audit_hash"]) == 64 for i in items)


def test_list_of_an_unknown_site_is_one_line_and_exit_3(recorded):
    result = invoke(recorded, "backup", "list", "--site", "nowhere")
    assert result.exit_code == 3
    assert result.output.strip().splitlines() == [
        "weibao: error: --site 'nowhere': no backup or run of this site is stored (known: lab)"]


def test_list_with_nothing_recorded(world):
    data, _inv = world
    result = invoke(data, "backup", "list")
    assert result.exit_code == 0 and result.output.strip() == "no backup recorded"
