"""The environment of servers through their BMCs, end to end, against real peers.

One IPMI BMC (ipmi_sim) and one Redfish BMC (sushy-static serving our mockup), both started
healthy by ``bmc_peers`` (tests/integration/bmc.py); a site of BMCs only, their passwords in
Ansible Vault. Through the command line (`weibao inspect`):

1. faults induced at run time (FAN2 below its lower critical threshold, PSU2 failed with AC
   lost, CPU2 over its upper critical threshold): each is a critical finding on both BMCs;
2. a new hardware event (an uncorrectable ECC error) after the first inspection: the second
   inspection reports it as new since the previous one;
3. the event log cleared: the third inspection says so;
4. a BMC where nothing listens (IPMI and Redfish) is unreachable within seconds, and a BMC
   with a wrong password is that host's clear failure, not a crash.

The BMC passwords appear in no output, store or archive; `weibao judge` on the `ipmitool sdr
elist` output the collector read (from the run's archive) gives the same findings.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bmc import (  # noqa: F401 - bmc_peers is a fixture
    IPMI_PASSWORD,
    IPMI_USER,
    REDFISH_PASSWORD,
    REDFISH_USER,
    BmcPeers,
    bmc_peers,
    free_port,
)

WEIBAO = str(Path(sys.executable).parent / "weibao")
ANSIBLE_VAULT = str(Path(sys.executable).parent / "ansible-vault")
VAULT_PASS = "bmc-lab-vault-pass"  # noqa: S105 - a test's throwaway value
WRONG_PASSWORD = "Wrong-Pass-3a9d"  # noqa: S105
SECRETS = (IPMI_PASSWORD, REDFISH_PASSWORD, WRONG_PASSWORD, VAULT_PASS)
PERIOD = time.strftime("%Y-%m", time.gmtime())
IPMI_BMC, REDFISH_BMC = "srv-ipmi-bmc", "srv-redfish-bmc"
GONE_IPMI, GONE_REDFISH, WRONG_PW = "gone-ipmi-bmc", "gone-redfish-bmc", "wrongpw-bmc"
HUNG = "hung-redfish-bmc"  # accepts the connection, never answers
TLS_CA, TLS_NO_CA = "tls-ca-bmc", "tls-noca-bmc"  # HTTPS: with the BMC's CA given, without


def watch_process_list(stop: threading.Event, seen: list[str]) -> None:
    """Every process's command line, read again and again while inspections run: no BMC
    password may appear in one (ipmitool -E, freeipmi's private file)."""
    while not stop.is_set():
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    argv = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
                except OSError:
                    continue
                if "ipmi" in argv:
                    seen.append(argv)
                if any(secret in argv for secret in SECRETS):
                    seen.append("SECRET IN: " + argv.replace("\0", " "))
        time.sleep(0.005)


@dataclass
class Lab:
    site: Path
    hung: socket.socket
    data: Path
    password_file: Path
    outputs: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)  # command lines seen while running

    def weibao(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        stop = threading.Event()
        watcher = threading.Thread(target=watch_process_list, args=(stop, self.commands))
        watcher.start()
        try:
            return self._weibao(*args, timeout=timeout)
        finally:
            stop.set()
            watcher.join()

    def _weibao(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            [WEIBAO, "--data-dir", str(self.data), "--vault-password-file",
             str(self.password_file), *args], capture_output=True, text=True, timeout=timeout,
            env={**os.environ, "LC_ALL": "C.UTF-8"})
        self.outputs.append(proc.stdout + proc.stderr)
        return proc

    def inspect(self, limit: str) -> tuple[subprocess.CompletedProcess, int, list[dict]]:
        proc = self.weibao("inspect", "-i", str(self.site), "--period", PERIOD,
                           "--limit", limit)
        assert proc.returncode in (0, 1, 2), proc.stdout + proc.stderr
        runs = json.loads(self.weibao("runs", "--json").stdout)
        run_id = max(r["id"] for r in runs)
        found = json.loads(self.weibao("findings", "--run", str(run_id), "--json").stdout)
        return proc, run_id, found


def vaulted(name: str, value: str, password_file: Path) -> str:
    return subprocess.run(
        [ANSIBLE_VAULT, "encrypt_string", "--vault-password-file", str(password_file),
         "--name", name, value], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def lab(bmc_peers: BmcPeers,  # noqa: F811
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp("bmclab")
    password_file = root / "vault-pass"
    password_file.write_text(VAULT_PASS + "\n")
    site = root / "bmclab"
    (site / "host_vars").mkdir(parents=True)
    (site / "hosts.yml").write_text(
        "all:\n  vars:\n    weibao_site: {name: bmclab, client: BMC Lab, timezone: UTC}\n"
        "  children:\n    linux:\n      hosts:\n        srv-redfish:\n"  # never in --limit
        "    weibao_bmcs:\n      hosts:\n"
        + "".join(f"        {h}:\n" for h in (IPMI_BMC, REDFISH_BMC, GONE_IPMI, GONE_REDFISH,
                                              WRONG_PW, HUNG, TLS_CA, TLS_NO_CA)))
    hung = socket.socket()  # listens (the kernel completes the handshake), never answers
    hung.bind(("127.0.0.1", 0))
    hung.listen(8)
    hosts = {
        IPMI_BMC: ("ipmi", bmc_peers.ipmi.lan_port, IPMI_USER, IPMI_PASSWORD, 10),
        WRONG_PW: ("ipmi", bmc_peers.ipmi.lan_port, IPMI_USER, WRONG_PASSWORD, 10),
        GONE_IPMI: ("ipmi", free_port(), IPMI_USER, IPMI_PASSWORD, 3),  # UDP: nothing there
        REDFISH_BMC: ("redfish", bmc_peers.redfish.port, REDFISH_USER, REDFISH_PASSWORD, 10),
        GONE_REDFISH: ("redfish", free_port(), REDFISH_USER, REDFISH_PASSWORD, 3),
        HUNG: ("redfish", hung.getsockname()[1], REDFISH_USER, REDFISH_PASSWORD, 3),
        TLS_CA: ("redfish", bmc_peers.redfish_tls.port, REDFISH_USER, REDFISH_PASSWORD, 10),
        TLS_NO_CA: ("redfish", bmc_peers.redfish_tls.port, REDFISH_USER, REDFISH_PASSWORD, 10),
    }
    for host, (platform, port, user, password, timeout) in hosts.items():
        (site / "host_vars" / f"{host}.yml").write_text(
            f"weibao_platform: {platform}\nansible_host: 127.0.0.1\nweibao_bmc_port: {port}\n"
            f"weibao_bmc_user: {user}\nweibao_bmc_timeout: {timeout}\n"
            + ("weibao_bmc_scheme: http\n" if platform == "redfish"
               and host not in (TLS_CA, TLS_NO_CA) else "")
            + (f"weibao_bmc_ca_path: {bmc_peers.redfish_tls.ca}\n" if host == TLS_CA else "")
            + ("weibao_bmc_of: srv-redfish\n" if host == REDFISH_BMC else "")
            + vaulted("weibao_bmc_password", password, password_file))
    yield Lab(site=site, hung=hung, data=root / "data", password_file=password_file)
    hung.close()


def by(findings: list[dict], host: str, check: str) -> list[dict]:
    return [f for f in findings if f["host"] == host and f["check_id"] == check]


def one(findings: list[dict], host: str, check: str, component: str) -> dict:
    items = [f for f in by(findings, host, check) if f["component"] == component]
    assert len(items) == 1, (host, check, component, [
        (f["check_id"], f["component"], f["status"], f["summary"]) for f in findings
        if f["host"] == host])
    return items[0]


@dataclass
class Runs:
    first: list[dict]
    second: list[dict]
    third: list[dict]
    first_id: int
    codes: list[int]


@pytest.fixture(scope="module")
def runs(lab: Lab, bmc_peers: BmcPeers) -> Runs:  # noqa: F811
    both = f"{IPMI_BMC},{REDFISH_BMC}"
    ipmi, redfish = bmc_peers.ipmi, bmc_peers.redfish
    ipmi.fan_below_critical()
    ipmi.psu_failed_ac_lost()
    ipmi.temperature_over_critical()
    redfish.rewrite({"fan", "psu", "temperature"})
    first_proc, first_id, first = lab.inspect(both)
    time.sleep(1.1)  # the new entry comes after the first inspection
    ipmi.add_memory_ecc_event()
    from redfish_mockup import events_for

    events = events_for({"fan", "psu", "temperature"}, [
        ("Critical", "Memory", "DIMM A1 uncorrectable ECC error",
         time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "IPMI.1.0.MemoryUncorrectableECC")])
    redfish.rewrite({"fan", "psu", "temperature"}, events)
    second_proc, _, second = lab.inspect(both)
    time.sleep(1.1)
    ipmi.clear_sel()
    redfish.rewrite({"fan", "psu", "temperature"}, [])
    third_proc, _, third = lab.inspect(both)
    return Runs(first, second, third, first_id,
                [first_proc.returncode, second_proc.returncode, third_proc.returncode])


def test_both_bmcs_are_inspected_with_critical_findings(runs: Runs) -> None:
    assert runs.codes == [1, 1, 1]  # every BMC inspected; critical findings


@pytest.mark.parametrize("host", [IPMI_BMC, REDFISH_BMC])
def test_induced_sensor_faults(runs: Runs, host: str) -> None:
    fan = one(runs.first, host, "environment.fans", "FAN2")
    assert fan["status"] == "critical" and "900" in fan["summary"], fan
    others = [f for f in by(runs.first, host, "environment.fans") if f["component"] != "FAN2"]
    assert all(f["status"] == "ok" for f in others), others  # FAN1 untouched
    temperature = one(runs.first, host, "environment.temperature", "CPU2 Temp")
    assert temperature["status"] == "critical" and "95" in temperature["summary"], temperature
    psu = [f for f in by(runs.first, host, "environment.power_supplies")
           if f["component"].startswith("PSU2")]
    assert len(psu) == 1 and psu[0]["status"] == "critical", psu
    if host == IPMI_BMC:
        assert "AC lost" in psu[0]["summary"], psu
    else:  # Redfish's Power resource has no words for it: the SEL says AC lost
        lost = [f for f in by(runs.first, host, "environment.event_log")
                if "AC lost" in f["summary"]]
        assert lost and lost[0]["status"] == "critical", by(runs.first, host,
                                                            "environment.event_log")


@pytest.mark.parametrize("host", [IPMI_BMC, REDFISH_BMC])
def test_new_events_since_the_last_inspection(runs: Runs, host: str) -> None:
    first = by(runs.first, host, "environment.event_log")
    assert any("no previous inspection" in f["summary"] for f in first), first
    second = by(runs.second, host, "environment.event_log")
    memory = [f for f in second if "memory" in f["component"].lower()]
    assert len(memory) == 1 and memory[0]["status"] == "critical", second
    assert "1 new event" in memory[0]["summary"], memory
    assert "no previous inspection" not in memory[0]["summary"], memory
    # the faults' events were there at the first inspection: not new
    assert not [f for f in second if f["component"] in ("fan", "temperature")
                and f["status"] != "ok"], second


@pytest.mark.parametrize("host", [IPMI_BMC, REDFISH_BMC])
def test_cleared_event_log(runs: Runs, host: str) -> None:
    third = by(runs.third, host, "environment.event_log")
    assert any("clear" in f["summary"].lower() for f in third), [
        (f["status"], f["summary"], f.get("cause")) for f in third]


def test_unreachable_and_refused_bmcs(lab: Lab) -> None:
    # one silent BMC alone: the start-up of a run plus one timeout, on this machine now
    started = time.monotonic()
    lab.inspect(HUNG)
    alone = time.monotonic() - started
    started = time.monotonic()
    proc, run_id, found = lab.inspect(f"{GONE_IPMI},{GONE_REDFISH},{WRONG_PW},{HUNG}")
    took = time.monotonic() - started
    assert proc.returncode == 2, proc.stdout + proc.stderr
    # timeouts of 3 s, in parallel: a silent or hung BMC holds no other back. One after the
    # other, the three silent ones would take at least two more timeouts (6 s) than one
    # alone; compared with a run measured just before, not with a fixed time, so that a
    # loaded machine does not fail it.
    assert took < alone + 6, (took, alone)
    runs = json.loads(lab.weibao("runs", "--json").stdout)
    hosts = {h["name"]: h for h in next(r for r in runs if r["id"] == run_id)["hosts"]}
    assert hosts[GONE_IPMI]["status"] == "unreachable", hosts
    assert hosts[GONE_REDFISH]["status"] == "unreachable", hosts
    assert "no answer" in hosts[GONE_REDFISH]["message"], hosts
    assert hosts[HUNG]["status"] == "unreachable", hosts
    assert "within 3 s" in hosts[HUNG]["message"], hosts
    assert hosts[WRONG_PW]["status"] == "failed", hosts
    assert "login refused" in hosts[WRONG_PW]["message"], hosts
    assert not found


def test_tls_is_verified_with_the_ca_given(lab: Lab) -> None:
    proc, run_id, found = lab.inspect(f"{TLS_CA},{TLS_NO_CA}")
    assert proc.returncode == 2, proc.stdout + proc.stderr  # the one without the CA failed
    runs = json.loads(lab.weibao("runs", "--json").stdout)
    hosts = {h["name"]: h for h in next(r for r in runs if r["id"] == run_id)["hosts"]}
    assert hosts[TLS_CA]["status"] == "inspected", hosts
    assert by(found, TLS_CA, "environment.fans"), found
    assert hosts[TLS_NO_CA]["status"] == "failed", hosts
    assert "TLS verification of https://127.0.0.1" in hosts[TLS_NO_CA]["message"], hosts


def test_judge_gives_the_same_findings(lab: Lab, runs: Runs, tmp_path: Path) -> None:
    runs_json = json.loads(lab.weibao("runs", "--json").stdout)
    archive = Path(next(r for r in runs_json if r["id"] == runs.first_id)["artifact_dir"])
    raw = None
    for path in sorted((archive / "artifacts" / "ansible" / "job_events").glob("*.json")):
        event = json.loads(path.read_text())
        data = event.get("event_data") or {}
        if event.get("event") == "runner_on_ok" and data.get("host") == IPMI_BMC \
                and "raw" in (data.get("res") or {}):
            raw = data["res"]["raw"]["sdr_elist"]
    assert isinstance(raw, str) and "FAN2" in raw, raw
    saved = tmp_path / "sdr_elist.txt"
    saved.write_text(raw)
    proc = lab.weibao("judge", "--platform", "ipmi", "--command", "ipmitool sdr elist",
                      "--json", str(saved))
    assert proc.returncode == 1, proc.stdout + proc.stderr  # critical findings
    judged = json.loads(proc.stdout)
    judged = judged["findings"] if isinstance(judged, dict) else judged
    checks = {f["check_id"] for f in judged}
    assert {"environment.fans", "environment.temperature"} <= checks, checks
    for check in ("environment.fans", "environment.temperature"):
        want = {(f["component"], f["status"]) for f in by(runs.first, IPMI_BMC, check)}
        got = {(f["component"], f["status"]) for f in judged if f["check_id"] == check}
        assert got == want, (check, got, want)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_monthly_report_shows_the_bmcs(lab: Lab, runs: Runs, tmp_path: Path,
                                       lang: str) -> None:
    proc = lab.weibao("report", "monthly", "--site", "bmclab", "--period", PERIOD,
                      "--format", "md,json,html", "--lang", lang, "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    context = json.loads(next(tmp_path.glob("*.json")).read_text())
    hosts = {h["name"]: h for h in context["hosts"]}
    assert hosts[IPMI_BMC]["worst_status"] == "critical", hosts[IPMI_BMC]
    text = next(tmp_path.glob("*.md")).read_text()
    assert IPMI_BMC in text and REDFISH_BMC in text and "FAN2" in text
    assert hosts[REDFISH_BMC]["asset"]["bmc_of"] == "srv-redfish"  # shown with its server
    assert ("所属服务器（BMC）" if lang == "zh-CN" else "BMC of server") in text
    # the environment section: per server, what its BMC reports out of order
    heading = "服务器运行环境（BMC）" if lang == "zh-CN" else "Server environment (BMCs)"
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| srv-redfish |")]
    assert any("FAN2" in row for row in rows), section
    assert any("CPU2" in row for row in rows), section
    # per BMC: the sensor summary by kind, the absent sensors, the new hardware events
    zh = lang == "zh-CN"
    for bmc in (IPMI_BMC, REDFISH_BMC):
        part = section.split(f"BMC {bmc}", 1)[1].split("\n#### ", 1)[0]
        fans = next(line for line in part.splitlines()
                    if line.startswith(f"| {'风扇' if zh else 'Fans'} |"))
        cells = [c.strip() for c in fans.strip().strip("|").split("|")]
        assert int(cells[1]) >= 1 and int(cells[3]) == 1, fans  # FAN1 ok, FAN2 critical
        assert ("不在位的传感器：" if zh else "Absent sensors:") in part, part
        assert ("自上次巡检以来新增的硬件事件" if zh else
                "New hardware events since the last inspection") in part, part
        # the third inspection found the log cleared
        assert ("日志在此期间被清除" if zh else "the log was cleared since") in part, part
    page = next(tmp_path.glob("*.html")).read_text()
    assert heading in page and "srv-redfish-bmc" in page.split(heading, 1)[1]


def test_no_password_anywhere(lab: Lab, runs: Runs) -> None:
    # last in the file: the unreachable and refused BMCs' runs are in the outputs too
    for tool in ("ipmitool", "ipmi-sensors"):
        assert any(tool in c for c in lab.commands), f"the watcher saw no {tool}"
    assert not [c for c in lab.commands if c.startswith("SECRET IN")]
    for text in lab.outputs:
        for secret in SECRETS:
            assert secret not in text
    for path in lab.data.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in SECRETS:
                assert secret.encode() not in data, path
