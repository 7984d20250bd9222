"""The HMC collector (plugins/action/weibao_inspect_hmc.py) without an HMC: it sends what the
source registry lists for platform ibm_hmc (the per-system commands once per managed system
of the system list, names quoted when needed), turns an ``HSCL`` answer into a failure section
(unknown, never ok), gives up on a hung session, and never needs the password as a task
argument. The real SSH peer (fakenos) is in tests/integration/test_hmc.py."""

import importlib.util
import re
from pathlib import Path

import pytest

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import cli_session, registry  # noqa: E402
from ansible.module_utils.weibao_inspection.catalogue import hmc as cat  # noqa: E402
from ansible.module_utils.weibao_inspection.findings import validate_finding  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location(
    "weibao_inspect_hmc", ROOT / "plugins" / "action" / "weibao_inspect_hmc.py")
action = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(action)
SYSTEMS = ("Server-9009-42A-SN7845ABC,Operating,9009-42A,7845ABC\n"
           "Lab Frame 2,Power Off,8286-42A,21FE3DV\n")


class FakeSession:
    def __init__(self, answers=None, hang_on=(), timeout=7):
        self.profile = cli_session.PROFILES["ibm_hmc"]
        self.timeout = timeout
        self.answers = answers or {}
        self.hang_on = set(hang_on)
        self.sent = []

    def run(self, command):
        self.sent.append(command)
        if command in self.hang_on:
            raise cli_session.Hung(command)
        return self.answers.get(command, "No results were found.\n")


def test_it_sends_the_registry_commands_per_system():
    session = FakeSession({cat.SYSTEMS: SYSTEMS})
    raw = action.collect(session)
    assert session.sent == [
        cat.SYSTEMS, cat.EVENTS,
        cat.FIRMWARE.replace("{sys}", "Server-9009-42A-SN7845ABC"),
        cat.FIRMWARE.replace("{sys}", '"Lab Frame 2"'),
        cat.LPARS.replace("{sys}", "Server-9009-42A-SN7845ABC"),
        cat.LPARS.replace("{sys}", '"Lab Frame 2"')]
    assert set(raw["firmware"]) == {"Server-9009-42A-SN7845ABC", "Lab Frame 2"}
    keys = {s.key for s in registry.sources("ibm_hmc") if s.area == "hmc"}
    assert set(raw) == keys


def test_every_sent_command_is_one_the_registry_accepts():
    session = FakeSession({cat.SYSTEMS: SYSTEMS})
    action.collect(session)
    for command in session.sent:
        assert registry.lookup("ibm_hmc", command).area == "hmc", command


@pytest.mark.parametrize(("answer", "cause"), [
    ("HSCL8012 The managed system cannot be found.", "source_unreadable"),
    ("HSCL350B The user does not have the appropriate authority.", "no_permission"),
    ("rbash: lssvcevents: command not found", "source_unreadable"),
])
def test_an_hscl_answer_is_a_failure_section(answer, cause):
    session = FakeSession({cat.SYSTEMS: SYSTEMS, cat.EVENTS: answer})
    raw = action.collect(session)
    assert raw["events"]["cause"] == cause
    findings, _na, _counters, _data = action.judge(raw, {}, {}, "", 0)
    events = [f for f in findings if f["check_id"] == "hmc.events"]
    assert [f["status"] for f in events] == ["unknown"]
    for finding in findings:
        validate_finding(finding)


def test_no_system_list_means_per_system_sources_not_collected():
    session = FakeSession({cat.SYSTEMS: "HSCL8012 nope"})
    raw = action.collect(session)
    assert raw["firmware"]["cause"] == "incomplete" and raw["lpars"]["cause"] == "incomplete"
    findings = action.judge(raw, {}, {}, "", 0)[0]
    assert all(f["status"] == "unknown" for f in findings if f["check_id"] != "hmc.events")


def test_a_hung_session_is_not_waited_for_again():
    session = FakeSession({cat.SYSTEMS: SYSTEMS}, hang_on={cat.EVENTS})
    raw = action.collect(session)
    assert session.sent == [cat.SYSTEMS, cat.EVENTS]
    assert all(v.get("cause") == "source_unreadable" for v in raw["firmware"].values())


@pytest.mark.parametrize(("prompt", "matches"), [("hscroot@hmc01:~>", True),
                                                 ("viewer@hmc-lab.example.com:~>", True),
                                                 ("IBM_FlashSystem:cluster1:superuser>", False)])
def test_the_prompt_pattern(prompt, matches):
    pattern = re.compile("^" + cli_session.PROFILES["ibm_hmc"].prompt + "$")
    assert bool(pattern.match(prompt)) is matches


def test_the_password_is_no_task_argument():
    assert "\n  password:" not in action.DOCUMENTATION
    assert "weibao_hmc_password" in action.__doc__
