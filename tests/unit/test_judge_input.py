"""weibao judge: bad input gets one line naming the file or option, exit 3, nothing stored."""

from __future__ import annotations

import json

import pytest
from test_cli import invoke, run_count


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = tmp_path / "data"
    monkeypatch.setenv("WEIBAO_DATA_DIR", str(d))
    return d


def lines(result):
    return [line for line in result.output.splitlines() if line.strip()]


@pytest.mark.parametrize("content,problem", [
    (b"", "is empty"),
    (b"  \n\n", "is empty"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00", "is binary"),
    (b"\x01\x02\x03\x04\x05garbage\x06\x07", "is binary"),
    (b"\x00" * 4096, "is empty"),
])
def test_bad_files(tmp_path, data_dir, content, problem):
    path = tmp_path / "out.txt"
    path.write_bytes(content)
    result = invoke(["judge", "--platform", "linux", "--command", "df -P", str(path)])
    assert result.exit_code == 3
    assert len(lines(result)) == 1 and problem in result.output and "out.txt" in result.output
    assert run_count(data_dir) == 0


def test_missing_file(tmp_path, data_dir):
    result = invoke(["judge", "--platform", "linux", "--command", "df -P",
                     str(tmp_path / "nope.txt")])
    assert result.exit_code == 3 and "nope.txt: cannot be read" in result.output


def test_unknown_platform_and_command(tmp_path, data_dir):
    path = tmp_path / "out.txt"
    path.write_text("x\n")
    result = invoke(["judge", "--platform", "vms", "--command", "show", str(path)])
    assert result.exit_code == 3 and "platform 'vms' is not supported" in result.output
    result = invoke(["judge", "--platform", "linux", "--command", "cat /proc/cpuinfo",
                     str(path)])
    assert result.exit_code == 3 and len(lines(result)) == 1
    assert "not supported; supported:" in result.output and "df -P" in result.output
    # a wrong platform for a command another platform has
    result = invoke(["judge", "--platform", "linux", "--command", "show environment",
                     str(path)])
    assert result.exit_code == 3


def test_missing_options_and_record_without_host(tmp_path, data_dir):
    path = tmp_path / "out.txt"
    path.write_text("x\n")
    assert invoke(["judge", str(path)]).exit_code == 3
    assert invoke(["judge", "--platform", "linux", "--command", "df -P"]).exit_code == 3
    result = invoke(["judge", "--platform", "linux", "--command", "df -P", "--record",
                     str(path)])
    assert result.exit_code == 3 and "--host and --site" in result.output
    result = invoke(["judge", "--platform", "linux", "--command", "df -P", "--since",
                     "last tuesday", str(path)])
    assert result.exit_code == 3 and "--since 'last tuesday'" in result.output
    assert run_count(data_dir) == 0


def test_list(data_dir):
    result = invoke(["judge", "--list", "--json"])
    assert result.exit_code == 0
    items = json.loads(result.output)
    dmesg = next(i for i in items if i["command"] == "dmesg")
    assert dmesg["log"] and "dmesg -T" in dmesg["aliases"]
    assert "errlog.disk_io" in dmesg["checks"]
    assert invoke(["judge", "--list", "--platform", "plan9"]).exit_code == 3
    zh = invoke(["--lang", "zh-CN", "judge", "--list"])
    assert "内存使用" in zh.output


def test_zh_error_line(tmp_path, data_dir):
    path = tmp_path / "out.txt"
    path.write_bytes(b"")
    result = invoke(["--lang", "zh-CN", "judge", "--platform", "linux", "--command", "df -P",
                     str(path)])
    assert result.exit_code == 3 and "文件为空" in result.output


def test_a_log_with_nul_bytes_and_a_gzipped_log_are_read(tmp_path, data_dir):
    import gzip

    line = b"Nov 20 10:00:00 db01 kernel: ata2: hard resetting link\n"
    log = tmp_path / "messages"
    log.write_bytes(line + b"\x00" * 40 + b"\n" + line)
    result = invoke(["judge", "--platform", "linux", "--command", "cat /var/log/messages",
                     "--now", "2026-11-21T00:00:00Z", str(log)])
    assert result.exit_code in (0, 1), result.output
    assert "errlog.storage_transport" in result.output
    packed = tmp_path / "messages.1.gz"
    packed.write_bytes(gzip.compress(line))
    result = invoke(["judge", "--platform", "linux", "--command", "cat /var/log/messages",
                     "--now", "2026-11-21T00:00:00Z", str(packed)])
    assert "errlog.storage_transport" in result.output
    broken = tmp_path / "broken.gz"
    broken.write_bytes(gzip.compress(line)[:12])
    result = invoke(["judge", "--platform", "linux", "--command", "cat /var/log/messages",
                     str(broken)])
    assert result.exit_code == 3 and "damaged gzip" in result.output


def _capture(tmp_path, fixture: str, name: str = "df-db01.txt"):
    from pathlib import Path

    raw = (Path(__file__).parent / "fixtures" / "linux" / fixture).read_bytes()
    path = tmp_path / name
    path.write_bytes(raw.split(b"\n", 1)[1])  # the provenance line is not part of a capture
    return path


def test_judge_prints_findings_in_both_languages_and_exits_1_on_critical(tmp_path, data_dir):
    path = _capture(tmp_path, "df_P/debian12_full_tmpfs.raw")
    en = invoke(["judge", "--platform", "linux", "--command", "df -P", str(path)])
    assert en.exit_code == 1, en.output  # /mnt/weibao-full is ~97 % full: critical
    assert "Filesystem space (system.filesystem_usage) [/mnt/weibao-full]" in en.output
    zh = invoke(["--lang", "zh-CN", "judge", "--platform", "linux", "--command", "df -P",
                 str(path)])
    assert zh.exit_code == 1 and "文件系统空间" in zh.output and "严重" in zh.output
    data = json.loads(invoke(["judge", "--platform", "linux", "--command", "df -P", "--json",
                              str(path)]).output)
    from ansible.module_utils.weibao_inspection.findings import validate_finding

    for finding in data:
        validate_finding(finding)
        assert finding["host"] == "df-db01.txt"
    assert {f["status"] for f in data if f["component"] == "/mnt/weibao-full"} == {"critical"}
    assert run_count(data_dir) == 0  # judged, nothing stored


def test_judge_abbreviated_alias_and_record(tmp_path, data_dir):
    path = _capture(tmp_path, "df_P/debian12_vm.raw")
    result = invoke(["judge", "--platform", "linux", "--command", "df   -P", "--record",
                     "--host", "db01", "--site", "bank", str(path)])
    assert result.exit_code in (0, 1), result.output
    assert "recorded as run 1" in result.output
    runs = json.loads(invoke(["runs", "--json"]).output)
    assert [(r["kind"], r["site"], [h["name"] for h in r["hosts"]]) for r in runs] == [
        ("judge", "bank", ["db01"])]
    shown = json.loads(invoke(["findings", "--run", "1", "--coverage", "--json"]).output)
    assert shown["findings"] and {f["host"] for f in shown["findings"]} == {"db01"}
    assert {c["check_id"] for c in shown["coverage"]} == {"system.filesystem_usage"}
