"""The array collector (plugins/action/weibao_inspect_array.py) without an array: it sends
what the source registry lists for the platform (nothing of its own), turns a device's error
answer into a failure section (unknown, never ok), gives up on a hung session without waiting
again, tells an unreachable array from a refused login, and never returns the password. The
SSH session's table (module_utils cli_session) is checked here line by line; the real SSH
peers (fakenos) are in tests/integration/test_arrays.py."""

import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import (  # noqa: E402
    catalogue,
    cli_session,
    registry,
)
from ansible.module_utils.weibao_inspection.findings import validate_finding  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location(
    "weibao_inspect_array", ROOT / "plugins" / "action" / "weibao_inspect_array.py")
action = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(action)
FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "Array-Collector-Secret-2b9f"  # noqa: S105 - a test's throwaway value
PLATFORMS = ("ibm_storwize", "huawei_oceanstor")


class FakeSession:
    """What the collector needs of cli_session.Session: ``profile``, ``timeout``, ``run``."""

    def __init__(self, platform, answers=None, hang_on=(), timeout=7):
        self.profile = cli_session.PROFILES[platform]
        self.timeout = timeout
        self.answers = answers or {}
        self.hang_on = set(hang_on)
        self.sent = []

    def run(self, command):
        self.sent.append(command)
        if command in self.hang_on:
            raise cli_session.Hung(command)
        return self.answers.get(command, f"text of {command}\n")


def array_sources(platform):
    return [s for s in registry.sources(platform) if s.area == "array"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_it_sends_exactly_the_registry_commands(platform):
    session = FakeSession(platform)
    raw = action.collect(session, platform)
    sources = array_sources(platform)
    assert sources, f"no array source for {platform} in the registry"
    assert session.sent == [s.name for s in sources]
    assert set(raw) == {s.key for s in sources}
    assert all(isinstance(v, str) for v in raw.values())


def test_a_platform_only_the_registry_knows_is_collected_the_same_way(monkeypatch):
    """Generic over the registry: a new platform's sources (and their keys) need no code in
    the collector, only a profile row for its prompt."""
    extra = (registry.Source("test_cli", "svcinfo lsdrive -delim :", "array", "lsdrive"),
             registry.Source("test_cli", "svcinfo lsenclosure -delim :", "array", "lsenclosure"),
             registry.Source("test_cli", "show version", "system", "version"),
             registry.Source("test_cli", "lsdrive -delim : {id}", "array", "one_drive"))
    monkeypatch.setattr(registry, "SOURCES", registry.SOURCES + extra)
    monkeypatch.setitem(cli_session.PROFILES, "test_cli", cli_session.PROFILES["ibm_storwize"])
    session = FakeSession("test_cli")
    raw = action.collect(session, "test_cli")
    # other areas' sources and commands with a placeholder are not sent
    assert session.sent == ["svcinfo lsdrive -delim :", "svcinfo lsenclosure -delim :"]
    assert set(raw) == {"lsdrive", "lsenclosure"}


def test_two_sources_with_one_key_are_alternatives(monkeypatch):
    extra = (registry.Source("test_cli", "show disk general", "array", "disks"),
             registry.Source("test_cli", "show disk", "array", "disks"),
             registry.Source("test_cli", "show alarm", "array", "alarms"),
             registry.Source("test_cli", "show alarm all", "array", "alarms"))
    monkeypatch.setattr(registry, "SOURCES", registry.SOURCES + extra)
    monkeypatch.setitem(cli_session.PROFILES, "test_cli",
                        cli_session.PROFILES["huawei_oceanstor"])
    session = FakeSession("test_cli", {"show disk general": "Error: Invalid command.\n"})
    raw = action.collect(session, "test_cli")
    # the first failed: its alternative was sent and read; the second key's first answered
    assert session.sent == ["show disk general", "show disk", "show alarm"]
    assert raw == {"disks": "text of show disk\n", "alarms": "text of show alarm\n"}


@pytest.mark.parametrize(("platform", "answer", "cause"), [
    ("ibm_storwize", "CMMVC5786E The action failed because the cluster is not in a stable "
     "state.\n", "source_unreadable"),
    ("ibm_storwize", "CMMVC6253E The task has failed because the user's role is not "
     "authorized to submit the command.\n", "no_permission"),
    ("ibm_storwize", "rbash: lsdrive: command not found\n", "source_unreadable"),
    ("huawei_oceanstor", "              ^\nError: The entered command is incorrect.\n",
     "source_unreadable"),
    ("huawei_oceanstor", "Unknown command.\n", "source_unreadable"),
    ("huawei_oceanstor", "Error: You do not have the permission to run this command.\n",
     "no_permission"),
])
def test_an_error_answer_is_a_failure_section_never_text(platform, answer, cause):
    first = array_sources(platform)[0]
    session = FakeSession(platform, {first.name: answer})
    raw = action.collect(session, platform)
    failure = raw[first.key]
    assert failure["cause"] == cause, failure
    assert failure["error"]["key"] == "reason.text"
    assert first.name in failure["error"]["params"]["text"]
    others = [s for s in array_sources(platform) if s.key != first.key]
    assert all(isinstance(raw[s.key], str) for s in others)


@pytest.mark.parametrize(("platform", "text"), [
    ("ibm_storwize", "id:status:error_sequence_number\n0:online:\n"),
    # a description that mentions an error is output, not a refusal
    ("ibm_storwize", "id:description\n1:Error: none CMMVC5786E mentioned in a field\n"),
    ("huawei_oceanstor", "  ID   Health Status\n  CTE0.0  Normal\n  Description: Error: x\n"),
    # a refusal is the whole answer: a line deep in a long table is not one
    ("huawei_oceanstor", "  Sequence  Name\n  --------  ----\n  1  a\n  2  b\n"
     "Error: wrapped text of an alarm's description\n"),
])
def test_ordinary_output_is_not_an_error(platform, text):
    assert cli_session.device_error(cli_session.PROFILES[platform], text) is None


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_hung_session_is_not_waited_for_again(platform):
    sources = array_sources(platform)
    session = FakeSession(platform, hang_on={sources[1].name})
    raw = action.collect(session, platform)
    assert session.sent == [sources[0].name, sources[1].name]
    assert isinstance(raw[sources[0].key], str)
    for source in sources[1:]:
        failure = raw[source.key]
        assert failure["error"]["key"] == "reason.timed_out"
        assert failure["error"]["params"] == {"command": sources[1].name, "seconds": 7}
        assert failure["cause"] == "source_unreadable"


def fixture_text(platform, folder, case):
    path = FIXTURES / platform / folder / f"{case}.raw"
    return path.read_text().split("\n", 1)[1]


HEALTHY = {
    "ibm_storwize": {
        "lssystem": ("lssystem_delim", "flashsystem_7200_8_4"),
        "lssystemstats": ("lssystemstats_delim", "flashsystem_7200_8_4"),
        "lsdrive": ("lsdrive_delim", "flashsystem_9200_8_6_ok"),
        "lsenclosure": ("lsenclosure_delim", "flashsystem_7200_8_4_ok"),
        "lsenclosurepsu": ("lsenclosurepsu_delim", "flashsystem_7200_8_4_ok"),
        "lsenclosurebattery": ("lsenclosurebattery", "v7000_7_8_ok"),
        "lsportfc": ("lsportfc_delim", "flashsystem_7200_8_4_ok"),
        "lsmdiskgrp": ("lsmdiskgrp_delim", "flashsystem_9200_8_6_ok"),
        "lseventlog": ("lseventlog", "v7000_7_8_messages_only"),
    },
    "huawei_oceanstor": {
        "system": ("show_system_general", "v3_normal"),
        "disks": ("show_disk_general", "v3_ok"),
        "enclosures": ("show_enclosure", "v3_ok"),
        "power_supplies": ("show_power_supply", "v3_ok"),
        "bbus": ("show_bbu_general", "v3_ok"),
        "fc_ports": ("show_port_general_physical_type_FC", "v3_ok"),
        "pools": ("show_storage_pool_general", "v3_ok"),
        "alarms": ("show_alarm", "v3_none"),
    },
}


def healthy_raw(platform):
    return {key: fixture_text(platform, *where) for key, where in HEALTHY[platform].items()
            if key in {s.key for s in array_sources(platform)}}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_judge_runs_the_registry_area_functions(platform):
    raw = healthy_raw(platform)
    findings, na, counters, data = action.judge(platform, raw, {}, {}, "", 1_764_554_400.0)
    assert findings and isinstance(data, dict)
    for finding in findings:
        validate_finding(finding)
        assert finding["check_id"].startswith("array.")
    checks = {c.id for c in catalogue.checks_for(platform) if c.area == "array"}
    assert {f["check_id"] for f in findings} <= checks
    assert isinstance(na, list) and isinstance(counters, list)
    # nothing in a healthy array is critical, and no source was left unread
    assert not [f for f in findings if f["status"] == "critical"], findings
    assert not [f for f in findings if f.get("cause") in ("not_collected",)], findings


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_source_the_device_refused_is_unknown_never_ok(platform):
    raw = healthy_raw(platform)
    drives = next(s for s in array_sources(platform) if "drive" in s.key or "disk" in s.key)
    raw[drives.key] = {"error": {"key": "reason.text", "params": {
        "text": f"{drives.name}: CMMVC5786E not stable"}}, "cause": "source_unreadable"}
    findings, _na, _counters, _data = action.judge(platform, raw, {}, {}, "", 1_764_554_400.0)
    drive_findings = [f for f in findings if f["check_id"] == "array.drives"]
    assert drive_findings and all(f["status"] == "unknown" for f in drive_findings), \
        drive_findings
    assert all(f.get("cause") == "source_unreadable" for f in drive_findings)


# --- the action itself, its session replaced ---------------------------------------------


class Args(dict):
    pass


def make_action(monkeypatch, session_factory, args=None, password=SECRET):
    monkeypatch.setattr(action.ActionBase, "run", lambda self, tmp=None, task_vars=None: {})
    monkeypatch.setattr(cli_session, "Session", session_factory)
    module = action.ActionModule.__new__(action.ActionModule)
    values = {"platform": "ibm_storwize", "address": "10.0.0.31", "port": 22,
              "user": "monitor", "timeout": 5, "host_key_checking": True, "known_hosts": "",
              "thresholds": {}, "previous": {}, "since": ""}
    values.update(args or {})
    module.validate_argument_spec = lambda argument_spec: (None, values)
    module._templar = SimpleNamespace(template=lambda value: value)
    task_vars = {} if password is None else {"weibao_array_password": password}
    return lambda: module.run(task_vars=task_vars)


class ContextSession(FakeSession):
    seen = []

    def __init__(self, platform, address, port, user, password, timeout, check, known,
                 answers=None, fail=None):
        super().__init__(platform, answers, timeout=timeout)
        ContextSession.seen.append((platform, address, port, user, password, timeout, check))
        self.fail = fail

    def __enter__(self):
        if self.fail:
            raise self.fail
        return self

    def __exit__(self, *exc):
        return False


def test_the_result_has_the_hosts_modules_keys_and_no_password(monkeypatch):
    raw = healthy_raw("ibm_storwize")
    answers = {s.name: raw[s.key] for s in array_sources("ibm_storwize")}
    answers["lssystem -delim :"] = answers["lssystem -delim :"].replace(
        "\n", f"\nnote:{SECRET}\n", 1)  # an array that echoes the password back
    ContextSession.seen = []

    def factory(*a):
        return ContextSession(*a, answers=answers)

    result = make_action(monkeypatch, factory)()
    assert not result.get("failed"), result.get("msg")
    assert result["areas"] == ["array"]
    assert set(result) >= {"findings", "not_applicable", "counters", "data", "raw", "areas"}
    assert SECRET not in json.dumps(result)
    assert ContextSession.seen == [("ibm_storwize", "10.0.0.31", 22, "monitor", SECRET, 5, True)]


@pytest.mark.parametrize(("error", "key"), [
    (cli_session.Unreachable(f"no SSH session with 10.0.0.31:22 within 5 s ({SECRET})"),
     "unreachable"),
    (cli_session.LoginRefused(f"SSH login to 10.0.0.31:22 refused for user 'monitor' "
                              f"({SECRET})"), "failed"),
])
def test_unreachable_and_refused_are_told_apart(monkeypatch, error, key):
    def factory(*a):
        return ContextSession(*a, fail=error)

    result = make_action(monkeypatch, factory)()
    assert result.get(key) is True, result
    assert "findings" not in result
    assert "10.0.0.31:22" in result["msg"] and SECRET not in result["msg"]


def test_no_password_is_a_clear_failure_before_any_connection(monkeypatch):
    def factory(*a):
        raise AssertionError("no session without a password")

    result = make_action(monkeypatch, factory, password=None)()
    assert result["failed"] and "weibao_array_password is not set" in result["msg"]


def test_the_password_is_no_task_argument():
    """The role passes no password: the action reads weibao_array_password itself."""
    tasks = (ROOT / "roles" / "inspect_array" / "tasks" / "main.yml").read_text()
    defaults = (ROOT / "roles" / "inspect_array" / "defaults" / "main.yml").read_text()
    assert "password" not in tasks
    assert "weibao_array_password }}" not in defaults
    assert "password" not in action.DOCUMENTATION.split("options:", 1)[1].replace(
        "weibao_array_password", "")


@pytest.mark.parametrize(("platform", "prompt", "matches"), [
    ("ibm_storwize", "IBM_FlashSystem:cluster1:superuser>", True),
    ("ibm_storwize", "IBM_2145:svc-prod.1:admin>", True),
    ("ibm_storwize", "admin@host:~$", False),
    ("huawei_oceanstor", "admin:/>", True),
    ("huawei_oceanstor", "monitor01:/>", True),
    ("huawei_oceanstor", "<HUAWEI>", False),
])
def test_the_prompt_patterns(platform, prompt, matches):
    import re

    pattern = re.compile(r"^" + cli_session.PROFILES[platform].prompt + r"$")
    assert bool(pattern.match(prompt)) is matches


def test_every_array_platform_has_a_session_profile():
    assert set(catalogue.AREAS["array"].platforms) <= set(cli_session.PROFILES)
    assert cli_session.PROFILES["huawei_oceanstor"].setup == ("change cli more_enabled=no",)
