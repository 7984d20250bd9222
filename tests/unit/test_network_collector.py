"""The network collector (plugins/action/weibao_inspect_network.py) without a switch: it sends
what the source registry lists for the platform (nothing of its own) and only read-only
commands (the guard refuses configuration mode, write, copy, reload, clear ... before
sending), turns a device's error answer into a failure section (unknown, never ok), gives up
on a hung session without waiting again, tells an unreachable device from a refused login,
returns the running configuration only cleaned, and never returns the password or the
enable secret. The SSH session's table (module_utils cli_session: profiles, enable, jump
host) is checked here line by line; real SSH peers (fakenos, a jump host) are in
tests/integration/test_network.py."""

import importlib.util
import json
import re
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

ROOT = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location(
    "weibao_inspect_network", ROOT / "plugins" / "action" / "weibao_inspect_network.py")
action = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(action)
SECRET = "Network-Collector-Secret-41c7"  # noqa: S105 - a test's throwaway value
ENABLE = "Enable-Collector-Secret-90de"  # noqa: S105
SALT = "site-salt-5b2e"
PLATFORMS = ("cisco_ios", "cisco_nxos", "huawei_vrp", "hp_comware")
CONFIG = ("Building configuration...\n\nCurrent configuration : 1234 bytes\n!\n"
          "hostname sw1\nenable secret 9 $9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7\n"
          "username admin privilege 15 password 0 Plain-Local-Pass-1\n"
          "snmp-server community Publ1c-Community RO\nend\n")
CONFIG_SECRETS = ("Plain-Local-Pass-1", "Publ1c-Community", "X.HsgL6x1il0RxkOSSvyQYwucySCt7")


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


def network_sources(platform):
    return [s for s in registry.sources(platform) if s.area == "network"]


def first_of_each_key(platform):
    seen, out = set(), []
    for source in network_sources(platform):
        if source.key not in seen:
            seen.add(source.key)
            out.append(source)
    return out


@pytest.mark.parametrize("platform", PLATFORMS)
def test_it_sends_exactly_the_registry_commands(platform):
    session = FakeSession(platform)
    raw = action.collect(session, platform)
    sources = first_of_each_key(platform)
    assert sources, f"no network source for {platform} in the registry"
    assert session.sent == [s.name for s in sources]
    assert set(raw) == {s.key for s in sources}
    assert all(isinstance(v, str) for v in raw.values())


def test_every_network_platform_has_a_read_only_session_profile():
    assert set(catalogue.AREAS["network"].platforms) <= set(cli_session.PROFILES)
    for platform in PLATFORMS:
        profile = cli_session.PROFILES[platform]
        assert profile.read_only and profile.device_type and profile.variables == \
            "weibao_network"
    assert cli_session.PROFILES["huawei_vrp"].device_type == "huawei"
    # only IOS lands users at ">" and needs the enable secret
    assert [p for p in PLATFORMS if cli_session.PROFILES[p].enable] == ["cisco_ios"]
    # the arrays keep their rows unguarded (their CLIs have no show/display verbs)
    assert not cli_session.PROFILES["ibm_storwize"].read_only


# --- the read-only guard -------------------------------------------------------------------


@pytest.mark.parametrize("source", [s for s in registry.sources() if s.area == "network"],
                         ids=lambda s: f"{s.platform}:{s.name}")
def test_every_registered_network_command_passes_the_guard(source):
    assert cli_session.read_only_refusal(source.name) is None
    for alias in source.aliases:
        assert cli_session.read_only_refusal(re.sub(r"\[\[([^\]]*)\]\]", r"\1", alias)) \
            is None, alias


@pytest.mark.parametrize("command", [
    "configure terminal", "conf t", "config", "system-view", "sys", "write memory", "wr",
    "write erase", "copy running-config startup-config", "copy run start", "reload",
    "reload in 5", "reboot", "save", "save force", "delete flash:/vlan.dat", "format flash:",
    "clear counters", "clear logging", "reset counters interface", "reset saved-configuration",
    "erase startup-config", "undo info-center enable", "debug ip packet", "terminal monitor",
    "startup saved-configuration x.cfg", "install all nxos bootflash:n9k.bin",
    "request system reboot", "ping 10.0.0.1", "telnet 10.0.0.1", "ssh 10.0.0.1", "quit",
    "show running-config | redirect flash:run.txt", "show tech | tee bootflash:t.txt",
    "show version | append flash:v.txt", "show running-config > bootflash:run.cfg",
    "show version ; reload", "show version\nreload", "display diagnostic-information",
    "display diagnostic-information flash:/diag.txt", "show clock | save x",
    "show run | format", "dir ; delete x", "", "   ", "display interface | ",
    "compare configuration > x", "compare", "show clear counters",
    # the line editor's erase keys turn a read into what follows them
    "show \b\b\b\b\breload", "show version\x15reload", "show version\x17\x17reload",
    "show \x7f\x7f\x7f\x7f\x7freload", "show run | include x" + "\b" * 20 + "write",
    "show version\x1a", "show version\x03",
])
def test_config_and_write_commands_are_refused(command):
    assert cli_session.read_only_refusal(command), command


@pytest.mark.parametrize("command", [
    "show version", "sh ver", "display interface brief", "dis int br", "dir", "dir flash:",
    "show interfaces | include CRC", "show logging | begin Log Buffer",
    "show running-config | section interface", "show interface | json",
    "display current-configuration | include sysname", "compare configuration",
    "show archive config differences", "show system resources", "show running-config diff",
    "display saved-configuration", "show startup-config",
])
def test_read_commands_pass(command):
    assert cli_session.read_only_refusal(command) is None, command


def test_a_registered_config_command_is_never_sent(monkeypatch):
    """A write in the registry by mistake is refused by the collector (and the session)."""
    extra = (registry.Source("cisco_ios", "show version", "network", "version"),
             registry.Source("cisco_ios", "copy running-config startup-config", "network",
                             "saved_state"),
             registry.Source("cisco_ios", "write memory", "network", "memory"))
    monkeypatch.setattr(registry, "SOURCES", extra)
    session = FakeSession("cisco_ios")
    raw = action.collect(session, "cisco_ios")
    assert session.sent == ["show version"]
    for key in ("saved_state", "memory"):
        assert raw[key]["cause"] == "source_unreadable"
        assert "weibao only reads" in raw[key]["error"]["params"]["text"]


def test_the_session_itself_refuses_a_write():
    """Belt and braces: Session.run checks too, before anything reaches netmiko."""
    session = cli_session.Session("huawei_vrp", "192.0.2.1", 22, "u", "p", 5)

    class Conn:
        def send_command(self, *a, **k):
            raise AssertionError("a refused command reached the device")

    session.conn = Conn()
    with pytest.raises(cli_session.Refused, match="system-view"):
        session.run("system-view")
    with pytest.raises(cli_session.Refused):
        session.run("save")


# --- answers -----------------------------------------------------------------------------


@pytest.mark.parametrize(("platform", "answer", "cause"), [
    ("cisco_ios", "                 ^\n% Invalid input detected at '^' marker.\n",
     "source_unreadable"),
    ("cisco_ios", "% Incomplete command.\n", "source_unreadable"),
    ("cisco_ios", "% Ambiguous command:  \"show int\"\n", "source_unreadable"),
    ("cisco_ios", "Command authorization failed.\n", "no_permission"),
    ("cisco_ios", "% Authorization failed.\n", "no_permission"),
    ("cisco_nxos", "                  ^\n% Invalid command at '^' marker.\n",
     "source_unreadable"),
    ("cisco_nxos", "% Permission denied for the role\n", "no_permission"),
    ("huawei_vrp", "              ^\nError: Unrecognized command found at '^' position.\n",
     "source_unreadable"),
    ("huawei_vrp", "Error: Wrong parameter found at '^' position.\n", "source_unreadable"),
    ("huawei_vrp", "Error: You do not have permission to run the command.\n",
     "no_permission"),
    ("hp_comware", "              ^\n % Unrecognized command found at '^' position.\n",
     "source_unreadable"),
    ("hp_comware", "% Incomplete command found at '^' position.\n", "source_unreadable"),
    ("hp_comware", "Permission denied.\n", "no_permission"),
])
def test_an_error_answer_is_a_failure_section_never_text(platform, answer, cause):
    first = network_sources(platform)[0]
    session = FakeSession(platform, {first.name: answer})
    raw = action.collect(session, platform)
    failure = raw[first.key]
    assert failure["cause"] == cause, failure
    assert failure["error"]["key"] == "reason.text"
    assert first.name in failure["error"]["params"]["text"]
    others = [s for s in first_of_each_key(platform) if s.key != first.key]
    assert all(isinstance(raw[s.key], str) for s in others)


@pytest.mark.parametrize(("platform", "text"), [
    ("cisco_ios", "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2\n"),
    ("cisco_ios", "Syslog logging: enabled\n    Console logging: disabled\n"
     "Log Buffer (8192 bytes):\n\n*Mar 1: %SYS-5-CONFIG_I: Configured\n"
     "% Invalid input detected at '^' marker. (a log line quoting it)\n"),
    ("huawei_vrp", "Huawei Versatile Routing Platform Software\nVRP (R) software\n"
     "Info: Error: a log line mentions it\n"),
    ("hp_comware", "H3C Comware Software, Version 7.1.070\n"),
])
def test_ordinary_output_is_not_an_error(platform, text):
    assert cli_session.device_error(cli_session.PROFILES[platform], text) is None


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_hung_session_is_not_waited_for_again(platform):
    sources = first_of_each_key(platform)
    session = FakeSession(platform, hang_on={sources[1].name})
    raw = action.collect(session, platform)
    assert session.sent == [sources[0].name, sources[1].name]
    assert isinstance(raw[sources[0].key], str)
    for source in sources[1:]:
        failure = raw[source.key]
        assert failure["error"]["key"] == "reason.timed_out"
        assert failure["error"]["params"] == {"command": sources[1].name, "seconds": 7}


# --- configuration -----------------------------------------------------------------------


def test_the_running_configuration_leaves_only_cleaned():
    raw = {"running_config": CONFIG, "version": "Cisco IOS Software\n"}
    config = action.config_result("cisco_ios", raw, SALT)
    assert config["platform"] == "cisco_ios" and config["why"] is None
    assert "hostname sw1" in config["text"] and "<secret sha256:" in config["text"]
    data = {"config": {"running": CONFIG, "saved": True, "why": "stamps"}}
    out_raw, out_data = action.clean_outputs("cisco_ios", raw, data, config, SALT)
    assert out_raw["running_config"] == config["text"]
    assert out_data["config"]["running"] == config["text"]
    assert out_data["config"]["saved"] is True
    assert raw["running_config"] == CONFIG  # the parsers read the text as the device sent it
    text = json.dumps([config, out_raw, out_data])
    for secret in CONFIG_SECRETS:
        assert secret not in text


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_configuration_source_is_cleaned(platform):
    keys = action.config_keys(platform)
    assert "running_config" in keys
    configured = [s for s in network_sources(platform) if "config" in s.name.lower()]
    assert {s.key for s in configured} <= keys


def test_without_a_salt_no_configuration_text_is_returned():
    raw = {"running_config": CONFIG}
    config = action.config_result("cisco_ios", raw, "")
    assert config["text"] is None and "weibao_config_salt" in config["why"]["params"]["text"]
    out_raw, out_data = action.clean_outputs(
        "cisco_ios", raw, {"config": {"running": CONFIG}}, config, "")
    assert out_data["config"]["running"] is None
    assert "error" in out_raw["running_config"]
    assert "Plain-Local-Pass-1" not in json.dumps([config, out_raw, out_data])


def test_an_unreadable_configuration_says_why():
    failure = {"error": {"key": "reason.text", "params": {"text": "show running-config: % "
                                                                  "Invalid input"}},
               "cause": "source_unreadable"}
    config = action.config_result("cisco_ios", {"running_config": failure}, SALT)
    assert config == {"text": None, "why": failure["error"], "platform": "cisco_ios"}


# --- the action itself, its session replaced ---------------------------------------------


def make_action(monkeypatch, session_factory, args=None, task_vars=None, judged=None):
    monkeypatch.setattr(action.ActionBase, "run", lambda self, tmp=None, task_vars=None: {})
    monkeypatch.setattr(cli_session, "Session", session_factory)
    if judged is not None:
        monkeypatch.setattr(action, "judge", judged)
    module = action.ActionModule.__new__(action.ActionModule)
    values = {"platform": "cisco_ios", "address": "10.0.1.2", "port": 22, "user": "inspect",
              "timeout": 5, "host_key_checking": True, "known_hosts": "", "jump_host": "",
              "jump_key": "", "thresholds": {}, "previous": {}, "since": ""}
    values.update(args or {})
    module.validate_argument_spec = lambda argument_spec: (None, values)
    module._templar = SimpleNamespace(template=lambda value: value)
    variables = {"weibao_network_password": SECRET, "weibao_network_enable_secret": ENABLE,
                 "weibao_config_salt": SALT}
    variables.update(task_vars or {})
    variables = {k: v for k, v in variables.items() if v is not None}
    return lambda: module.run(task_vars=variables)


class ContextSession(FakeSession):
    seen = []

    def __init__(self, platform, address, port, user, password, timeout, check, known,
                 secret="", jump=None, answers=None, fail=None):
        super().__init__(platform, answers, timeout=timeout)
        ContextSession.seen.append({"platform": platform, "address": address, "port": port,
                                    "user": user, "password": password, "secret": secret,
                                    "timeout": timeout, "check": check, "jump": jump})
        self.fail = fail

    def __enter__(self):
        if self.fail:
            raise self.fail
        return self

    def __exit__(self, *exc):
        return False


def fake_judge(platform, raw, thresholds, previous, since, now):
    data = {"device": {"hostname": "sw1"},
            "config": {"running": raw.get("running_config"), "saved": True, "why": ""}}
    finding = {"check_id": "network.software", "status": "ok"}
    return [finding], [], [{"check_id": "network.reload", "component": "device",
                            "name": "uptime_seconds", "value": 1}], data


def test_the_result_has_the_contract_keys_and_no_secret(monkeypatch):
    answers = {s.name: f"text of {s.name}\n" for s in network_sources("cisco_ios")}
    answers["show running-config"] = CONFIG
    # a device that echoes the password and the enable secret back
    answers["show version"] = f"Cisco IOS Software\nnote {SECRET} {ENABLE}\n"
    ContextSession.seen = []

    def factory(*a, **k):
        return ContextSession(*a, **k, answers=answers)

    result = make_action(monkeypatch, factory, judged=fake_judge)()
    assert not result.get("failed"), result.get("msg")
    assert result["areas"] == ["network"]
    assert set(result) >= {"findings", "not_applicable", "counters", "data", "raw", "areas",
                           "config"}
    assert result["config"]["platform"] == "cisco_ios"
    assert "<secret sha256:" in result["config"]["text"]
    text = json.dumps(result)
    for secret in (SECRET, ENABLE, *CONFIG_SECRETS):
        assert secret not in text, secret
    seen = ContextSession.seen[0]
    assert (seen["password"], seen["secret"], seen["jump"]) == (SECRET, ENABLE, None)


@pytest.mark.parametrize(("network_os", "platform"), [
    ("cisco.ios.ios", "cisco_ios"), ("ios", "cisco_ios"), ("cisco.nxos.nxos", "cisco_nxos"),
    ("nxos", "cisco_nxos"), ("huawei", "huawei_vrp"), ("comware", "hp_comware"),
    ("hp_comware", "hp_comware"),
])
def test_ansible_network_os_names_are_accepted(monkeypatch, network_os, platform):
    ContextSession.seen = []

    def factory(*a, **k):
        return ContextSession(*a, **k)

    result = make_action(monkeypatch, factory, args={"platform": network_os},
                         judged=fake_judge)()
    assert not result.get("failed"), result.get("msg")
    assert ContextSession.seen[0]["platform"] == platform


def test_an_unknown_platform_fails_before_any_connection(monkeypatch):
    def factory(*a, **k):
        raise AssertionError("no session for an unknown platform")

    result = make_action(monkeypatch, factory, args={"platform": "juniper_junos"})()
    assert result["failed"] and "not a network platform" in result["msg"]


def test_the_jump_host_is_handed_to_the_session(monkeypatch):
    ContextSession.seen = []

    def factory(*a, **k):
        return ContextSession(*a, **k)

    result = make_action(monkeypatch, factory, judged=fake_judge,
                         args={"jump_host": "ops@bastion.example.net:2222",
                               "jump_key": "/keys/bastion"})()
    assert not result.get("failed"), result.get("msg")
    jump = ContextSession.seen[0]["jump"]
    assert (jump.user, jump.host, jump.port, jump.key_file) == (
        "ops", "bastion.example.net", 2222, "/keys/bastion")


def test_a_bad_jump_host_is_a_clear_failure(monkeypatch):
    def factory(*a, **k):
        raise AssertionError("no session")

    result = make_action(monkeypatch, factory, args={"jump_host": "ops@bastion:0"})()
    assert result["failed"] and "weibao_network_jump_host" in result["msg"]


@pytest.mark.parametrize(("error", "key"), [
    (cli_session.Unreachable(f"no SSH session with 10.0.1.2:22 within 5 s ({SECRET})"),
     "unreachable"),
    (cli_session.LoginRefused(f"SSH login to 10.0.1.2:22 refused for user 'inspect' "
                              f"({SECRET})"), "failed"),
    (cli_session.LoginRefused(f"10.0.1.2:22: enable refused ({ENABLE})"), "failed"),
])
def test_unreachable_and_refused_are_told_apart(monkeypatch, error, key):
    def factory(*a, **k):
        return ContextSession(*a, **k, fail=error)

    result = make_action(monkeypatch, factory)()
    assert result.get(key) is True, result
    assert "findings" not in result
    assert "10.0.1.2:22" in result["msg"]
    assert SECRET not in result["msg"] and ENABLE not in result["msg"]


def test_no_password_is_a_clear_failure_before_any_connection(monkeypatch):
    def factory(*a, **k):
        raise AssertionError("no session without a password")

    result = make_action(monkeypatch, factory, task_vars={"weibao_network_password": None})()
    assert result["failed"] and "weibao_network_password is not set" in result["msg"]


def test_a_parser_crash_keeps_the_raw_outputs_cleaned(monkeypatch):
    def broken(*a):
        raise KeyError(f"oops {SECRET}")

    answers = {"show running-config": CONFIG}

    def factory(*a, **k):
        return ContextSession(*a, **k, answers=answers)

    result = make_action(monkeypatch, factory, judged=broken)()
    assert result["failed"] and "network parsers failed" in result["msg"]
    text = json.dumps(result)
    assert SECRET not in text
    for secret in CONFIG_SECRETS:
        assert secret not in text


def test_no_secret_is_a_task_argument():
    """The role passes no password or enable secret: the action reads them itself."""
    import yaml

    tasks = (ROOT / "roles" / "inspect_network" / "tasks" / "main.yml").read_text()
    defaults = (ROOT / "roles" / "inspect_network" / "defaults" / "main.yml").read_text()
    assert "password" not in tasks and "secret" not in tasks
    assert "weibao_network_password }}" not in defaults
    assert "weibao_network_enable_secret }}" not in defaults
    options = yaml.safe_load(action.DOCUMENTATION)["options"]
    assert not [name for name in options if "password" in name or "secret" in name]


def test_role_defaults_argument_specs_and_documentation_agree():
    import yaml

    role = ROOT / "roles" / "inspect_network"
    defaults = yaml.safe_load((role / "defaults" / "main.yml").read_text())
    specs = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())
    options = specs["argument_specs"]["main"]["options"]
    assert set(options) == set(defaults)
    tasks = yaml.safe_load((role / "tasks" / "main.yml").read_text())
    passed = tasks[0]["weibao_inspect_network"]
    doc = yaml.safe_load(action.DOCUMENTATION)["options"]
    assert set(passed) == set(doc)
    assert all(f"inspect_network_{name}" in str(value) for name, value in passed.items()
               if name not in ("previous",))
    for name, option in doc.items():
        if "default" in option and f"inspect_network_{name}" in options:
            assert options[f"inspect_network_{name}"].get("default") == option["default"], name


# --- the session's own pieces ------------------------------------------------------------


@pytest.mark.parametrize(("spec", "expected"), [
    ("ops@bastion.example.net:2222", ("ops", "bastion.example.net", 2222)),
    ("bastion", ("", "bastion", 22)),
    ("ops@10.0.0.1", ("ops", "10.0.0.1", 22)),
    ("ops@[2001:db8::1]:22", ("ops", "2001:db8::1", 22)),
])
def test_parse_jump(spec, expected):
    assert cli_session.parse_jump(spec) == expected


@pytest.mark.parametrize("spec", ["", "ops@", "ops@host:0", "ops@host:70000", "a b@host",
                                  "ops@host:port", "ssh -J x"])
def test_parse_jump_refuses(spec):
    with pytest.raises(ValueError):
        cli_session.parse_jump(spec)


def test_the_jump_channel_is_netmikos_socket(monkeypatch, tmp_path):
    """Without a real jump host: the channel the Jump opens is what netmiko gets as ``sock``,
    and the jump host's session is closed with the device's (tests/integration has the real
    one)."""
    captured = {}
    channel = object()

    class FakeJump:
        closed = False

        def __str__(self):
            return "bastion:2222"

        def channel(self, address, port, user, password, timeout, check, known):
            captured["channel"] = (address, port, user, password, timeout, check, known)
            return channel

        def close(self):
            FakeJump.closed = True

    class Conn:
        def __init__(self, **kwargs):
            captured["kwargs"] = kwargs

        def clear_buffer(self, **k):
            pass

        def find_prompt(self):
            return "<sw1>"

        def disconnect(self):
            pass

    monkeypatch.setattr(cli_session, "_connection_class", lambda *a: Conn)
    known = tmp_path / "known_hosts"
    known.write_text("")
    session = cli_session.Session("huawei_vrp", "10.0.1.2", 22, "inspect", SECRET, 9, True,
                                  str(known), jump=FakeJump())
    session.open()
    assert captured["channel"] == ("10.0.1.2", 22, "inspect", SECRET, 9, True, str(known))
    assert captured["kwargs"]["sock"] is channel
    assert captured["kwargs"]["device_type"] == "huawei"
    assert "secret" not in captured["kwargs"]
    assert session.prompt == "<sw1>"
    session.close()
    assert FakeJump.closed


def test_a_failed_login_through_the_jump_host_closes_it(monkeypatch):
    class FakeJump:
        closed = False

        def channel(self, *a):
            return object()

        def close(self):
            FakeJump.closed = True

    def refuse(**kwargs):
        from netmiko.exceptions import NetmikoAuthenticationException

        raise NetmikoAuthenticationException("no")

    monkeypatch.setattr(cli_session, "_connection_class", lambda *a: refuse)
    session = cli_session.Session("cisco_ios", "10.0.1.2", 22, "inspect", SECRET, 9,
                                  jump=FakeJump())
    with pytest.raises(cli_session.LoginRefused, match="through jump host"):
        session.open()
    assert FakeJump.closed


@pytest.mark.parametrize(("name", "platform"), sorted(cli_session.NETWORK_OS.items()))
def test_network_os_names_map_to_weibao_platforms(name, platform):
    assert platform in PLATFORMS


# --- judged through the registry's parsers and rules, on the parsers' lab fixtures -------

FIXTURES = Path(__file__).parent / "fixtures"


def lab_raw(platform, case):
    """{key: text} of the first source of each key from its lab fixture (no provenance line);
    None when a fixture is missing."""
    raw = {}
    for source in first_of_each_key(platform):
        folder = re.sub(r"[^a-z0-9]+", "_", source.name.lower()).strip("_")
        path = FIXTURES / platform / folder / f"{case}.raw"
        if not path.is_file():
            path = FIXTURES / platform / folder / "lab_healthy.raw"
        if not path.is_file():
            return None
        raw[source.key] = path.read_text().split("\n", 1)[1]
    return raw


@pytest.mark.parametrize("platform", PLATFORMS)
def test_judge_runs_the_registry_area_functions(platform):
    from ansible.module_utils.weibao_inspection.findings import validate_finding

    raw = lab_raw(platform, "lab_healthy")
    assert raw, f"no lab fixtures for {platform}"
    findings, na, counters, data = action.judge(platform, raw, {}, {}, "", 1_764_554_400.0)
    assert findings and isinstance(data, dict)
    checks = {c.id for c in catalogue.checks_for(platform) if c.area == "network"}
    for finding in findings:
        validate_finding(finding)
        assert finding["check_id"] in checks
    assert isinstance(na, list) and isinstance(counters, list) and counters
    assert not [f for f in findings if f["status"] == "critical"], findings
    # the faulted set (the integration test's second run) has a critical finding
    faulted = lab_raw(platform, "lab_faulted")
    findings, _na, _counters, _data = action.judge(platform, faulted, {}, {}, "",
                                                   1_764_554_400.0)
    assert [f for f in findings if f["status"] == "critical"]


def test_a_missing_jump_key_is_a_clear_refusal(tmp_path):
    jump = cli_session.Jump("ops@192.0.2.9:22", str(tmp_path / "no-such-key"))
    with pytest.raises(cli_session.LoginRefused, match="key file .*no-such-key does not exist"):
        jump.channel("10.0.1.2", 22, "inspect", SECRET, 5, False, "")
