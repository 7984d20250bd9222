"""Guarded firmware upgrades through Redfish, end to end against a BMC whose SimpleUpdate
really changes the BIOS version (sushy-emulator on libvirt's test:///default, with our
extension: tests/bmc/sushy_testvirt.py).

Real ansible-runner runs of role change_firmware_upgrade (through a test playbook without the
run ticket task: the change gates are tested elsewhere; the change playbook itself is run once
to show it stops without a ticket). The BMC password is vaulted in the inventory and must
appear nowhere in ansible-runner's artifacts or stdout. Images carry their version and the
fault the BMC injects (fail, corrupt, hang, activation at reset).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from firmware_peer import SushyLibvirt, make_image, sushy_libvirt  # noqa: F401 - fixture

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
ANSIBLE_VAULT = str(Path(sys.executable).parent / "ansible-vault")
VAULT_PASS = "fw-lab-vault-pass"  # noqa: S105 - a test's throwaway value
BMC_PASSWORD = "Fw-Bmc-Pass-7d21"  # noqa: S105
BMC = "srv1-bmc"
TASK = "Upgrade the firmware through Redfish (verified, rolled back on failure)"

TEST_PLAY = """---
- name: Firmware upgrade role under test (the run ticket is change control's, tested there)
  hosts: weibao_bmcs
  gather_facts: false
  connection: local
  any_errors_fatal: true
  roles:
    - role: change_firmware_upgrade
"""

IMAGES = {
    "bios-1.1.0.bin": dict(version="1.1.0"),
    "bios-1.1.0-reset.bin": dict(version="1.1.0", activate="reset"),
    "bios-1.0.0.bin": dict(version="1.0.0"),
    "bios-1.1.0-fail.bin": dict(version="1.1.0", behaviour="fail"),
    "bios-1.1.0-corrupt.bin": dict(version="1.1.0", behaviour="corrupt"),
    "bios-1.1.0-hang.bin": dict(version="1.1.0", behaviour="hang"),
}


@dataclass
class Run:
    res: dict
    stdout: str
    rc: int
    status: str


@dataclass
class Lab:
    root: Path
    media: list[dict]
    password_file: Path
    runs: int = 0

    def media_named(self, name: str) -> dict:
        return next(m for m in self.media if m["name"] == name)

    def run(self, peer: SushyLibvirt, playbook: Path | None = None, check: bool = False,
            media: list[dict] | None = None, **role_vars) -> Run:
        import ansible_runner

        bindir = str(Path(sys.executable).parent)  # ansible-playbook of this venv, as weibao
        if bindir not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
        self.runs += 1
        work = self.root / f"run{self.runs}"
        (work / "inventory" / "host_vars").mkdir(parents=True)
        (work / "inventory" / "hosts.yml").write_text(
            f"all:\n  children:\n    weibao_bmcs:\n      hosts:\n        {BMC}:\n")
        vaulted = subprocess.run(
            [ANSIBLE_VAULT, "encrypt_string", "--vault-password-file", str(self.password_file),
             "--name", "weibao_bmc_password", BMC_PASSWORD], check=True, capture_output=True,
            text=True).stdout
        (work / "inventory" / "host_vars" / f"{BMC}.yml").write_text(
            f"ansible_host: 127.0.0.1\nweibao_platform: redfish\nweibao_bmc_port: {peer.port}\n"
            "weibao_bmc_user: admin\nweibao_bmc_scheme: http\nweibao_bmc_timeout: 10\n"
            + vaulted)
        if playbook is None:
            playbook = work / "play.yml"
            playbook.write_text(TEST_PLAY)
        extravars = {"weibao_change_media": self.media if media is None else media,
                     "change_firmware_upgrade_serve_address": "127.0.0.1",
                     "change_firmware_upgrade_poll_interval": 0.2,
                     "change_firmware_upgrade_timeout": 30,
                     "change_firmware_upgrade_from_version": "1.0.0",
                     "change_firmware_upgrade_to_version": "1.1.0",
                     "change_firmware_upgrade_image": "bios-1.1.0.bin"}
        extravars.update({f"change_firmware_upgrade_{k}": v for k, v in role_vars.items()})
        private = work / "private"
        private.mkdir()
        runner = ansible_runner.run(
            private_data_dir=str(private), playbook=str(playbook),
            inventory=str(work / "inventory"), extravars=extravars,
            envvars={"ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
                     "ANSIBLE_VAULT_PASSWORD_FILE": str(self.password_file),
                     "ANSIBLE_NOCOLOR": "1"},
            cmdline="--check" if check else None, quiet=True)
        res = {}
        for event in runner.events:
            data = event.get("event_data") or {}
            if event.get("event") in ("runner_on_ok", "runner_on_failed") and \
                    data.get("task") == TASK:
                res = dict(data.get("res") or {}, event=event["event"])
        stdout = runner.stdout.read()
        # the BMC password is in no artifact (events, stdout, command, job events) nor stdout
        assert BMC_PASSWORD not in stdout
        for path in private.rglob("*"):
            if path.is_file():
                assert BMC_PASSWORD.encode() not in path.read_bytes(), path
        return Run(res=res, stdout=stdout, rc=runner.rc, status=runner.status)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Lab:
    root = tmp_path_factory.mktemp("fwlab")
    password_file = root / "vault-pass"
    password_file.write_text(VAULT_PASS + "\n")
    media_dir = root / "media"
    media_dir.mkdir()
    media = []
    for name, spec in IMAGES.items():
        data = make_image(**spec)
        (media_dir / name).write_bytes(data)
        media.append({"name": name, "path": str(media_dir / name),
                      "sha256": hashlib.sha256(data).hexdigest()})
    return Lab(root=root, media=media, password_file=password_file)


def updates_posted(peer: SushyLibvirt) -> int:
    return peer.requests_seen("POST /redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate")


def test_upgrade_served_applied_at_reset_and_verified(lab, sushy_libvirt):  # noqa: F811
    peer = sushy_libvirt()
    run = lab.run(peer, image="bios-1.1.0-reset.bin", reset="force")
    assert run.rc == 0, run.stdout[-3000:]
    res = run.res
    assert res["state"] == "upgraded to 1.1.0"
    assert res["changed"] is True
    assert res["versions_before"]["BIOS"] == "1.0.0"
    assert res["versions_after"]["BIOS"] == "1.1.0"
    assert res["version_source"] == "UpdateService/FirmwareInventory"
    assert res["targets"] == ["/redfish/v1/UpdateService/FirmwareInventory/BIOS"]
    assert any("image served from http://127.0.0.1:" in s for s in res["steps"]), res["steps"]
    assert "system reset ForceRestart" in res["steps"]
    assert res["image"]["sha256"] == lab.media_named("bios-1.1.0-reset.bin")["sha256"]
    assert peer.bios_version() == "1.1.0"
    assert updates_posted(peer) == 1


def test_an_image_that_needs_a_reset_without_one_is_not_verified(lab, sushy_libvirt):  # noqa: F811
    peer = sushy_libvirt()
    run = lab.run(peer, image="bios-1.1.0-reset.bin", reset="none")
    assert run.rc != 0
    assert run.res["event"] == "runner_on_failed"
    # the BMC took the image (task Completed) but 1.0.0 still runs
    assert run.res["state"] == "image staged, not applied"
    assert run.res["versions_after"]["BIOS"] == "1.0.0"
    assert "runs, not 1.1.0" in run.res["msg"] and "升级后运行版本" in run.res["msg"]
    assert peer.bios_version() == "1.0.0"


def test_a_running_version_other_than_the_request_touches_nothing(lab, sushy_libvirt):  # noqa: F811
    peer = sushy_libvirt()
    run = lab.run(peer, from_version="0.9.0", to_version="1.1.0")
    assert run.rc != 0
    assert run.res["state"] == "not touched"
    assert run.res["versions_before"]["BIOS"] == "1.0.0"
    assert "BIOS 1.0.0, not 0.9.0" in run.res["msg"]
    assert "未做任何改动" in run.res["msg"]
    assert updates_posted(peer) == 0
    assert peer.bios_version() == "1.0.0"


def test_a_failed_update_is_rolled_back_and_verified(lab, sushy_libvirt):  # noqa: F811
    peer = sushy_libvirt()
    run = lab.run(peer, image="bios-1.1.0-corrupt.bin", rollback_image="bios-1.0.0.bin")
    assert run.rc != 0
    res = run.res
    assert res["state"] == "rolled back to 1.0.0", res
    assert res["task"]["phase"] == "failed"
    assert "Exception" in res["task"]["detail"]
    assert res["rollback"]["phase"] == "completed"
    assert res["versions_before"]["BIOS"] == "1.0.0"
    assert res["versions_after_update"]["BIOS"] == "1.1.0-corrupt"  # what the rollback undid
    assert res["versions_after"]["BIOS"] == "1.0.0"
    assert "rolled back to 1.0.0 with bios-1.0.0.bin" in res["msg"]
    assert "已回退到 1.0.0" in res["msg"]
    assert updates_posted(peer) == 2
    assert peer.bios_version() == "1.0.0"


def test_a_failed_update_without_a_rollback_image_says_so(lab, sushy_libvirt):  # noqa: F811
    peer = sushy_libvirt()
    run = lab.run(peer, image="bios-1.1.0-corrupt.bin")
    assert run.rc != 0
    assert run.res["state"] == "applied, version not verified"
    assert run.res["versions_after"]["BIOS"] == "1.1.0-corrupt"
    assert peer.bios_version() == "1.1.0-corrupt"


def test_a_task_ending_in_exception_leaves_the_old_version_staged(lab, sushy_libvirt):  # noqa: F811
    peer = sushy_libvirt()
    run = lab.run(peer, image="bios-1.1.0-fail.bin", rollback_image="bios-1.0.0.bin")
    assert run.rc != 0
    assert run.res["state"] == "rolled back to 1.0.0"
    assert "Image verification failed" in run.res["task"]["detail"]
    assert peer.bios_version() == "1.0.0"


def test_an_update_that_never_finishes_times_out(lab, sushy_libvirt):  # noqa: F811
    peer = sushy_libvirt()
    run = lab.run(peer, image="bios-1.1.0-hang.bin", timeout=3)
    assert run.rc != 0
    assert run.res["task"]["phase"] == "timeout"
    assert run.res["state"] == "image staged, not applied"
    assert "did not finish within 3 s" in run.res["msg"]
    assert "TaskState Running" in run.res["msg"]
    assert peer.bios_version() == "1.0.0"


def test_media_whose_sha256_differs_is_refused(lab, sushy_libvirt):  # noqa: F811
    peer = sushy_libvirt()
    tampered = lab.root / "tampered"
    tampered.mkdir(exist_ok=True)
    image = tampered / "bios-1.1.0.bin"
    image.write_bytes(make_image("1.1.0") + b"changed after the media gate")
    record = dict(lab.media_named("bios-1.1.0.bin"), path=str(image))
    run = lab.run(peer, media=[record])
    assert run.rc != 0
    assert run.res["state"] == "not touched"
    assert "differs from the media record" in run.res["msg"]
    assert "sha256 与介质记录不符" in run.res["msg"]
    assert run.res["versions_before"] == {}  # refused before the BMC was asked anything
    assert updates_posted(peer) == 0
    assert peer.bios_version() == "1.0.0"


def test_an_image_not_among_the_media_is_refused(lab, sushy_libvirt):  # noqa: F811
    peer = sushy_libvirt()
    run = lab.run(peer, image="bios-9.9.9.bin")
    assert run.rc != 0
    assert run.res["state"] == "not touched"
    assert "not one of the change's media" in run.res["msg"]


def test_without_firmware_inventory_the_system_bios_version_is_read(lab, sushy_libvirt):  # noqa: F811
    peer = sushy_libvirt(inventory=False)
    run = lab.run(peer)
    assert run.rc == 0, run.stdout[-3000:]
    assert run.res["state"] == "upgraded to 1.1.0"
    assert "no FirmwareInventory" in run.res["version_source"]
    assert run.res["targets"] == [peer.system_uri()]
    assert run.res["versions_before"] == {"BIOS": "1.0.0", "BMC": "1.00"}
    assert run.res["versions_after"]["BIOS"] == "1.1.0"


def test_multipart_push_when_the_bmc_offers_it(lab, sushy_libvirt):  # noqa: F811
    peer = sushy_libvirt(multipart=True)
    run = lab.run(peer, serve_address="")  # nothing served: the push is the only way
    assert run.rc == 0, run.stdout[-3000:]
    assert run.res["state"] == "upgraded to 1.1.0"
    assert any("multipart push" in s for s in run.res["steps"])
    assert updates_posted(peer) == 0
    assert peer.bios_version() == "1.1.0"


def test_check_mode_reads_and_touches_nothing(lab, sushy_libvirt):  # noqa: F811
    peer = sushy_libvirt()
    run = lab.run(peer, check=True)
    assert run.rc == 0, run.stdout[-3000:]
    assert run.res["state"] == "not touched"
    assert run.res["versions_before"]["BIOS"] == "1.0.0"
    assert "check mode" in run.res["msg"]
    assert updates_posted(peer) == 0
    assert peer.bios_version() == "1.0.0"


def test_the_change_playbook_without_a_run_ticket_touches_no_bmc(lab, sushy_libvirt):  # noqa: F811
    peer = sushy_libvirt()
    run = lab.run(peer, playbook=ROOT / "playbooks" / "change_firmware_upgrade.yml")
    assert run.rc != 0
    assert "no run ticket was given" in run.stdout
    assert run.res == {}  # the upgrade task never ran
    assert peer.requests_seen("UpdateService") == 0  # the BMC was not even read
    assert peer.bios_version() == "1.0.0"
