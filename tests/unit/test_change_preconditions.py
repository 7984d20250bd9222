"""The on-host precondition module of change playbooks (plugins/modules/
weibao_change_preconditions.py, contract C of issue 13).

The checks run against real files in a temporary folder (backup file present, size, sha256
streamed in 1 MiB blocks), this machine's real file systems (os.statvfs) and a command
runner standing in for uname / oslevel / dpkg-query / rpm with their real output formats.
The last tests run the module file itself as Ansible does (arguments in a JSON file), so the
argument handling and the failure result (msg, checked, failures) are covered too.
Every check has a case that makes it fail.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
MODULE_FILE = PROJECT / "plugins" / "modules" / "weibao_change_preconditions.py"


def _module():
    spec = importlib.util.spec_from_file_location("weibao_change_preconditions", MODULE_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MOD = _module()
NOW = "2026-12-06T22:00:00Z"
NOW_S = MOD.parse_utc(NOW)


def no_commands(argv):
    raise AssertionError(f"no command expected, got {argv}")


def commands(table):
    """A runner answering argv[0] from ``table`` (rc, out, err); a missing one: not found."""
    seen = []

    def run(argv):
        seen.append(argv)
        if argv[0] not in table:
            return None, "", ""
        return table[argv[0]]

    run.seen = seen
    return run


@pytest.fixture()
def backup(tmp_path):
    """A 3 MiB backup file (more than one hashing block) and its record."""
    path = tmp_path / "root.tar"
    data = os.urandom(3 * 1024 * 1024 + 17)
    path.write_bytes(data)
    return {"id": 41, "tool": "tar", "path": str(path), "size_bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "finished_at": "2026-12-05T22:00:00Z"}


def check(params, run=no_commands, now=NOW_S):
    return MOD.evaluate(params, run, now)


def by_check(result, name):
    return [entry for entry in result.checked if entry["check"] == name]


# ----------------------------------------------------------------------------- backup


def test_backup_that_matches_passes_and_lists_what_was_measured(backup):
    result = check({"backup": backup, "backup_required": True, "backup_max_age_days": 7})
    assert result.failures == []
    assert [e["check"] for e in result.checked] == [
        "backup.present", "backup.size", "backup.sha256", "backup.age"]
    assert all(e["ok"] for e in result.checked)
    assert by_check(result, "backup.sha256")[0]["value"] == backup["sha256"]
    assert by_check(result, "backup.size")[0]["value"] == backup["size_bytes"]
    assert by_check(result, "backup.age")[0]["value"] == 1.0


def test_missing_backup_file_fails_naming_it(backup):
    os.unlink(backup["path"])
    result = check({"backup": backup, "backup_required": True})
    assert len(result.failures) == 1
    line = result.failures[0]
    assert "backup 41" in line and backup["path"] in line and "missing on the host" in line
    assert "主机上找不到备份文件" in line and "\n" not in line
    assert by_check(result, "backup.present")[0]["ok"] is False


def test_size_that_differs_fails_with_both_sizes(backup):
    backup = dict(backup, size_bytes=backup["size_bytes"] + 1)
    result = check({"backup": backup})
    assert len(result.failures) == 1
    line = result.failures[0]
    size = backup["size_bytes"] - 1
    assert f"is {size} bytes on the host (the files of its folder {size}), the record says " \
           f"{backup['size_bytes']}" in line
    assert "大小为" in line


def system_backup_folder(tmp_path):
    """A backup folder as weibao_system_backup leaves it: root.tar, root.files,
    manifest.sha256 and .kind; its record's size_bytes is the sum of the first three."""
    folder = tmp_path / "web1" / "20261205T220000Z"
    folder.mkdir(parents=True)
    archive = folder / "root.tar"
    archive.write_bytes(os.urandom(40000))
    (folder / "root.files").write_text("etc/\netc/hostname\n")
    (folder / "manifest.sha256").write_text("0" * 64 + "  etc/hostname\n")
    (folder / ".kind").write_text("system\n")
    total = sum(f.stat().st_size for f in folder.iterdir() if not f.name.startswith("."))
    return {"id": 7, "tool": "tar", "path": str(archive), "size_bytes": total,
            "sha256": hashlib.sha256(archive.read_bytes()).hexdigest(),
            "finished_at": "2026-12-05T22:00:00Z"}, folder


def test_size_of_the_whole_backup_folder_is_accepted_and_checked(tmp_path):
    record, folder = system_backup_folder(tmp_path)
    ok = check({"backup": record, "backup_required": True})
    assert ok.failures == [], ok.failures
    size = by_check(ok, "backup.size")[0]
    assert size["value"] == record["size_bytes"] and size["counted"] == \
        f"the files of {folder}"
    (folder / "manifest.sha256").write_text("tampered\n")
    bad = check({"backup": record})
    assert len(bad.failures) == 1
    assert "bytes on the host (the files of its folder" in bad.failures[0]
    (folder / "manifest.sha256").unlink()
    gone = check({"backup": record})
    assert len(gone.failures) == 1 and "the record says" in gone.failures[0]


def test_the_tools_own_checksum_file_is_used_when_the_record_has_none(backup):
    data = Path(backup["path"]).read_bytes()
    md5 = hashlib.md5(data).hexdigest()  # noqa: S324 - ReaR's BACKUP_INTEGRITY_CHECK
    Path(backup["path"] + ".md5").write_text(f"{md5}  root.tar\n")
    record = dict(backup, sha256="", size_bytes=len(data))
    ok = check({"backup": record})
    assert ok.failures == [] and by_check(ok, "backup.md5")[0]["value"] == md5
    Path(backup["path"] + ".md5").write_text("0" * 32 + "  root.tar\n")
    bad = check({"backup": record})
    assert len(bad.failures) == 1
    assert f"{backup['path']}.md5 says {'0' * 32}" in bad.failures[0]
    Path(backup["path"] + ".md5").write_text("garbage\n")
    assert "no sha256 or checksum" in check({"backup": record}).failures[0]


def test_sha256_that_differs_fails_with_both_digests(backup):
    with open(backup["path"], "r+b") as handle:  # one byte changed past the first 1 MiB block
        handle.seek(2 * 1024 * 1024)
        byte = handle.read(1)
        handle.seek(2 * 1024 * 1024)
        handle.write(bytes([byte[0] ^ 0xFF]))
    result = check({"backup": backup})
    assert len(result.failures) == 1
    line = result.failures[0]
    found = hashlib.sha256(Path(backup["path"]).read_bytes()).hexdigest()
    assert f"sha256 of {backup['path']} on the host is {found}, the record says " \
           f"{backup['sha256']}" in line


def test_record_without_any_checksum_is_never_ok(backup):
    result = check({"backup": dict(backup, sha256="")})
    assert len(result.failures) == 1
    assert "no sha256 or checksum" in result.failures[0]


def test_tool_checksum_is_used_when_sha256_is_empty(backup):
    md5 = hashlib.md5(Path(backup["path"]).read_bytes()).hexdigest()  # noqa: S324 - ReaR's
    ok = check({"backup": dict(backup, sha256="", checksum=f"md5:{md5}")})
    assert ok.failures == [] and by_check(ok, "backup.md5")[0]["value"] == md5
    bad = check({"backup": dict(backup, sha256="", checksum="md5:" + "0" * 32)})
    assert len(bad.failures) == 1 and "md5 of" in bad.failures[0]


def test_files_list_checks_every_file_and_the_sum(backup, tmp_path):
    manifest = tmp_path / "root.tar.sha256"
    manifest.write_text("manifest\n")
    files = [{"path": backup["path"], "size": backup["size_bytes"], "sha256": backup["sha256"]},
             {"path": str(manifest), "size": 9,
              "sha256": hashlib.sha256(b"manifest\n").hexdigest()}]
    total = backup["size_bytes"] + 9
    ok = check({"backup": dict(backup, files=files, size_bytes=total)})
    assert ok.failures == [], ok.failures
    assert len(by_check(ok, "backup.sha256")) == 2
    manifest.write_text("manifest changed\n")
    bad = check({"backup": dict(backup, files=files, size_bytes=total)})
    assert any(str(manifest) in line and "bytes on the host" in line for line in bad.failures)
    assert any("add up to" in line for line in bad.failures)
    assert any("sha256 of " + str(manifest) in line for line in bad.failures)


def test_backup_older_than_the_limit_fails(backup):
    result = check({"backup": dict(backup, finished_at="2026-11-20T10:00:00Z"),
                    "backup_max_age_days": 7})
    assert len(result.failures) == 1
    line = result.failures[0]
    assert "finished 16.5 days ago (2026-11-20T10:00:00Z), older than the limit of 7 days" in line
    assert "超过 7 天的期限" in line
    assert by_check(result, "backup.age")[0] == {
        "check": "backup.age", "ok": False, "value": 16.5, "expected": "<= 7", "unit": "days"}


def test_backup_age_at_the_limit_passes_and_future_or_garbled_time_fails(backup):
    assert check({"backup": dict(backup, finished_at="2026-11-29T22:00:00Z"),
                  "backup_max_age_days": 7}).failures == []
    future = check({"backup": dict(backup, finished_at="2026-12-07T22:00:00Z")})
    assert len(future.failures) == 1 and "in the future" in future.failures[0]
    garbled = check({"backup": dict(backup, finished_at="yesterday")})
    assert len(garbled.failures) == 1 and "is not a UTC time" in garbled.failures[0]
    local = check({"backup": dict(backup, finished_at="2026-12-05T22:00:00")})
    assert len(local.failures) == 1, "a time without Z is not assumed to be UTC"


def test_required_backup_missing_from_the_request_fails():
    result = check({"backup": None, "backup_required": True})
    assert len(result.failures) == 1
    assert "no backup record for this host" in result.failures[0]
    assert check({"backup": None, "backup_required": False}).failures == []
    empty_path = check({"backup": {"id": 3, "path": ""}, "backup_required": True})
    assert len(empty_path.failures) == 1 and "names no file" in empty_path.failures[0]


# ----------------------------------------------------------------------------- free space


def test_free_space_enough_and_not_enough(tmp_path):
    st = os.statvfs(tmp_path)
    available = st.f_bavail * st.f_frsize // (1024 * 1024)
    ok = check({"free_space": [{"path": str(tmp_path), "min_mb": 1}]})
    assert ok.failures == []
    assert ok.checked[0]["path"] == str(tmp_path) and ok.checked[0]["value"] >= 1
    needed = available + 10 * 1024 * 1024  # 10 TiB more than there is
    bad = check({"free_space": [{"path": "/", "min_mb": 1},
                                {"path": str(tmp_path), "min_mb": needed}]})
    assert len(bad.failures) == 1
    line = bad.failures[0]
    assert line.startswith(f"free space on {tmp_path}: ") and f"{needed} MiB needed" in line
    assert "可用空间" in line
    assert [e["ok"] for e in bad.checked] == [True, False]


def test_free_space_of_a_missing_path_or_bad_entry_fails(tmp_path):
    result = check({"free_space": [{"path": str(tmp_path / "nope"), "min_mb": 1},
                                   {"path": "/"}]})
    assert len(result.failures) == 2
    assert "cannot be read" in result.failures[0] and str(tmp_path / "nope") in result.failures[0]
    assert "needs path and min_mb" in result.failures[1]


# ----------------------------------------------------------------------------- running version


def test_running_kernel_right_and_wrong():
    run = commands({"uname": (0, "6.1.0-31-amd64\n", "")})
    ok = check({"running": {"what": "kernel", "expected": "6.1.0-31-amd64"}}, run)
    assert ok.failures == [] and run.seen == [["uname", "-r"]]
    assert ok.checked[0]["value"] == "6.1.0-31-amd64" and ok.checked[0]["command"] == "uname -r"
    bad = check({"running": {"what": "kernel", "expected": "6.1.0-32-amd64"}}, run)
    assert bad.failures == ["running kernel is 6.1.0-31-amd64 on the host, the request names "
                            "6.1.0-32-amd64 / 主机上运行中的内核为 6.1.0-31-amd64, 变更申请要求 "
                            "6.1.0-32-amd64"]


def test_running_aix_level_right_and_wrong():
    run = commands({"oslevel": (0, "7300-02-02-2420\n", "")})
    assert check({"running": {"what": "aix_oslevel", "expected": "7300-02-02-2420"}},
                 run).failures == []
    bad = check({"running": {"what": "aix_oslevel", "expected": "7300-01-01-2246"}}, run)
    assert len(bad.failures) == 1 and "AIX level (oslevel -s) is 7300-02-02-2420" in \
        bad.failures[0]
    missing = check({"running": {"what": "aix_oslevel", "expected": "7300-01-01-2246"}},
                    commands({}))
    assert len(missing.failures) == 1 and "oslevel not found" in missing.failures[0]


def test_running_package_dpkg():
    run = commands({"dpkg-query": (0, "install ok installed\t2.36-9+deb12u9\n", "")})
    spec = {"what": "package", "name": "libc6", "expected": "2.36-9+deb12u9"}
    assert check({"running": spec}, run).failures == []
    bad = check({"running": dict(spec, expected="2.36-9+deb12u10")}, run)
    assert len(bad.failures) == 1
    assert "package libc6 is 2.36-9+deb12u9 on the host, the request names 2.36-9+deb12u10" \
        in bad.failures[0]
    removed = commands({"dpkg-query": (0, "deinstall ok config-files\t2.36-9\n", "")})
    gone = check({"running": spec}, removed)
    assert len(gone.failures) == 1 and "not installed" in gone.failures[0]
    unknown = commands({"dpkg-query": (1, "", "dpkg-query: no packages found matching x\n")})
    assert "not installed" in check({"running": spec}, unknown).failures[0]


def test_running_package_rpm_with_and_without_epoch():
    run = commands({"rpm": (0, "(none)\t5.14.0-503.40.1.el9_5\n", "")})
    spec = {"what": "package", "name": "kernel-core", "expected": "5.14.0-503.40.1.el9_5"}
    assert check({"running": spec}, run).failures == []
    bad = check({"running": dict(spec, expected="5.14.0-427.13.1.el9_4")}, run)
    assert len(bad.failures) == 1 and "5.14.0-503.40.1.el9_5 on the host" in bad.failures[0]
    epoch = commands({"rpm": (0, "1\t3.0.7-27.el9\n", "")})
    spec = {"what": "package", "name": "openssl", "expected": "3.0.7-27.el9"}
    assert check({"running": spec}, epoch).failures == []
    assert check({"running": dict(spec, expected="1:3.0.7-27.el9")}, epoch).failures == []
    assert len(check({"running": dict(spec, expected="2:3.0.7-27.el9")}, epoch).failures) == 1
    absent = commands({"rpm": (1, "package openssl is not installed\n", "")})
    assert "package openssl is not installed" in check({"running": spec}, absent).failures[0]


def test_unknown_what_and_incomplete_running_fail():
    bad = check({"running": {"what": "firmware", "expected": "1.2"}}, commands({}))
    assert bad.failures == ["running.what 'firmware' is not one of kernel, aix_oslevel, package "
                            "/ running.what 只能是 kernel, aix_oslevel, package"]
    assert "no expected version" in check(
        {"running": {"what": "kernel", "expected": ""}}, commands({})).failures[0]
    assert "needs the package name" in check(
        {"running": {"what": "package", "expected": "1"}}, commands({})).failures[0]


def test_every_failure_is_reported_not_only_the_first(backup, tmp_path):
    os.unlink(backup["path"])
    result = check({"backup": dict(backup, finished_at="2026-10-01T00:00:00Z"),
                    "backup_required": True,
                    "free_space": [{"path": str(tmp_path), "min_mb": 10 ** 12}],
                    "running": {"what": "kernel", "expected": "0"}},
                   commands({"uname": (0, "6.1.0-31-amd64\n", "")}))
    assert len(result.failures) == 4
    assert all("\n" not in line and " / " in line for line in result.failures)


# ----------------------------------------------------------------------------- the module file


def run_module(tmp_path, args):
    path = tmp_path / "args.json"
    path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    env = dict(os.environ, PYTHONPATH=str(PROJECT / "plugins" / "module_utils"))
    proc = subprocess.run([sys.executable, str(MODULE_FILE), str(path)], capture_output=True,
                          text=True, env=env, timeout=60, check=False)
    return proc.returncode, json.loads(proc.stdout)


def test_module_fails_with_one_line_per_failure_and_returns_checked(backup, tmp_path):
    rc, out = run_module(tmp_path, {
        "backup": dict(backup, size_bytes=1), "backup_required": True, "now": NOW,
        "free_space": [{"path": "/", "min_mb": 1}],
        "running": {"what": "kernel", "expected": os.uname().release}})
    assert rc == 1 and out["failed"] is True and out["changed"] is False
    assert out["state"] == "not touched"
    assert out["msg"].splitlines() == out["failures"]
    assert len(out["failures"]) == 1 and "the record says 1" in out["failures"][0]
    assert [e["check"] for e in out["checked"]] == [
        "backup.present", "backup.size", "backup.sha256", "backup.age", "free_space", "running"]


def test_module_passes_in_check_mode(backup, tmp_path):
    rc, out = run_module(tmp_path, {
        "backup": backup, "backup_required": True, "now": NOW, "_ansible_check_mode": True,
        "running": {"what": "kernel", "expected": os.uname().release}})
    assert rc == 0 and not out.get("failed") and out["failures"] == []
    assert "state" not in out
    assert "precondition(s) hold" in out["msg"]


def test_module_refuses_a_garbled_now(tmp_path):
    rc, out = run_module(tmp_path, {"now": "soon"})
    assert rc == 1 and "is not a UTC time" in out["msg"]
