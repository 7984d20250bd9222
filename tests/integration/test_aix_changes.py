"""The AIX change roles, end to end in the test container answering as AIX.

No AIX machine can run here: the host is a container of the Debian test image with the
replay scenario tests/shims/scenarios/aix_change.yml installed (tests/shims/install.py), a
shim per AIX command the roles run (oslevel, lspv, bootlist, alt_disk_copy,
install_all_updates, lppchk, shutdown, lsmcode, update_flash), with state: oslevel -s reports
the new level only after install_all_updates ran, lsmcode -A the new temporary-side level
only after update_flash -f. Everything else is real: ansible-playbook with the project's
ansible.cfg, the podman connection, the copy of the media to the host and their sha256
computed there, the roles' checks and their failure states.

The roles run through a test playbook without the ticket task (the change-run e2e test runs
the real playbooks through `weibao change run`); the real playbooks are checked to stop at
their ticket before touching the host.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hosts import (
    IMAGE,
    image_exists,
    podman,
    podman_env,
    remove_host,
    start_host,
    unique_name,
)

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT / "tests" / "shims"))
import install  # noqa: E402  (tests/shims/install.py)

FROM, TO = "7300-02-02-2420", "7300-03-01-2520"
FW_FROM, FW_TO = "VL950_075", "VL950_092"
CHANGE = "CR-20261206-AIX"
STATE_FILE = "/etc/weibao-shims/state.json"
WORK = f"/var/tmp/weibao-change/{CHANGE}"
UPDATE_FLASH = "/usr/lpp/diagnostics/bin/update_flash"


class Lab:
    def __init__(self, host: str, tmp: Path):
        self.host, self.tmp = host, tmp
        self.inventory = tmp / "inventory.yml"
        self.inventory.write_text(yaml.safe_dump({"all": {"children": {"weibao_aix": {
            "hosts": {host: {"ansible_connection": "containers.podman.podman",
                             "ansible_host": host,
                             "ansible_python_interpreter": "/usr/bin/python3",
                             "weibao_platform": "aix"}}}}}}), encoding="utf-8")
        self.media = []
        for name, body in (("U899001.bff", b"AIX 7300-03-01 update fileset (test)\n"),
                           ("U899002.bff", b"AIX 7300-03-01 bos.rte update (test)\n"),
                           ("01VL950_092_045.img", b"POWER9 firmware image (test)\n")):
            path = tmp / name
            path.write_bytes(body)
            self.media.append({"name": name, "path": str(path),
                               "sha256": hashlib.sha256(body).hexdigest()})

    def install(self, scenario: dict | None = None) -> None:
        install.install_podman(self.host, scenario or install.load("aix_change"))
        podman("exec", self.host, "sh", "-c",
               f"rm -rf /var/tmp/weibao-change && mkdir -p {Path(UPDATE_FLASH).parent} && "
               f"ln -sf /usr/local/lib/weibao-shims/weibao-shim {UPDATE_FLASH}")

    def state(self) -> dict:
        proc = podman("exec", self.host, "cat", STATE_FILE, check=False)
        return json.loads(proc.stdout) if proc.returncode == 0 else {}

    def exists(self, path: str) -> bool:
        return podman("exec", self.host, "test", "-e", path, check=False).returncode == 0

    def play(self, role: str, variables: dict, playbook: Path | None = None,
             check: bool = False) -> tuple[subprocess.CompletedProcess, dict]:
        if playbook is None:
            playbook = self.tmp / f"{role}.yml"
            playbook.write_text(yaml.safe_dump([{
                "name": f"test: {role} without the ticket", "hosts": "all",
                "gather_facts": False, "any_errors_fatal": True, "roles": [role]}]),
                encoding="utf-8")
        extra = self.tmp / "extra.json"
        extra.write_text(json.dumps({"weibao_change_id": CHANGE,
                                     "weibao_change_media": self.media, **variables}),
                         encoding="utf-8")
        env = podman_env()
        env.update(ANSIBLE_CONFIG=str(PROJECT / "ansible.cfg"), ANSIBLE_STDOUT_CALLBACK="json",
                   ANSIBLE_LOAD_CALLBACK_PLUGINS="1", ANSIBLE_NOCOLOR="1")
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        args = [str(Path(sys.executable).with_name("ansible-playbook")), "-i",
                str(self.inventory), str(playbook), "-e", f"@{extra}"]
        if check:
            args.append("--check")
        proc = subprocess.run(args, capture_output=True, text=True, env=env, cwd=PROJECT,
                              timeout=600, check=False)
        try:
            data = json.loads(proc.stdout)
        except ValueError:
            pytest.fail(f"ansible-playbook printed no JSON:\n{proc.stdout[-3000:]}\n"
                        f"{proc.stderr[-3000:]}", pytrace=False)
        return proc, self.results(data)

    def results(self, data: dict) -> dict:
        """{task name: the host's result} (the last one of a name) and the facts set."""
        found: dict = {"_facts": {}}
        for play in data.get("plays", []):
            for task in play.get("tasks", []):
                result = task.get("hosts", {}).get(self.host)
                if result is None:
                    continue
                # a role's tasks are named "ROLE : NAME"
                found[task["task"]["name"].split(" : ", 1)[-1]] = result
                found["_facts"].update(result.get("ansible_facts") or {})
        return found


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    if not image_exists(IMAGE):
        pytest.fail(f"test image {IMAGE} is missing: run tests/images/build.sh",
                    pytrace=False)
    host = unique_name("aixchg")
    start_host(host, systemd=False)
    try:
        yield Lab(host, tmp_path_factory.mktemp("weibao-aix-changes"))
    finally:
        remove_host(host)


def update_vars(lab: Lab, **over) -> dict:
    return {"change_aix_update_from": FROM, "change_aix_update_to": TO,
            "change_aix_update_disk": "hdisk3",
            "change_aix_update_media": [m for m in lab.media if m["name"].endswith(".bff")],
            "change_aix_update_reboot_delay": 0, "change_aix_update_reboot_timeout": 60,
            **over}


def firmware_vars(lab: Lab, **over) -> dict:
    return {"change_aix_firmware_to": FW_TO, "change_aix_firmware_from": FW_FROM,
            "change_aix_firmware_image": "01VL950_092_045.img",
            "change_aix_firmware_reboot_delay": 2, "change_aix_firmware_reboot_timeout": 60,
            **over}


def failure(result: dict) -> str:
    return result["Fail with the state and the way back"]["msg"]


# --------------------------------------------------------------------------- AIX update


def test_update_clones_updates_verifies_and_reboots(lab):
    lab.install()
    proc, result = lab.play("change_aix_update", update_vars(lab, change_aix_update_reboot=True))
    assert proc.returncode == 0, proc.stdout[-4000:]
    # shutdown -Fr ran (in the background: the shim notes it)
    assert lab.state() == {"clone": "hdisk3", "oslevel": "updated", "rebooted": "yes"}
    assert result["Start the reboot (the connection drops)"]["changed"] is True
    assert result["Check the rebooted system runs the new level"].get("failed") is not True
    facts = result["_facts"]
    assert facts["change_aix_update_state"] == f"updated to {TO} and rebooted; clone on hdisk3 kept"
    assert facts["change_aix_update_rollback"] == (
        "clone on hdisk3 kept: boot it with bootlist -m normal hdisk3; shutdown -Fr")
    for media in lab.media[:2]:  # copied where install_all_updates reads them
        assert lab.exists(f"{WORK}/aix_update/{media['name']}")


def test_update_without_reboot_says_not_rebooted(lab):
    lab.install()
    proc, result = lab.play("change_aix_update", update_vars(lab))
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert "Start the reboot (the connection drops)" not in result
    assert result["_facts"]["change_aix_update_state"] == (
        f"updated to {TO}, not rebooted; clone on hdisk3 kept")


def test_update_refused_when_the_running_level_is_not_the_requests(lab):
    lab.install()
    proc, result = lab.play("change_aix_update",
                            update_vars(lab, change_aix_update_from="7300-01-04-2320"))
    assert proc.returncode != 0
    message = failure(result)
    assert f"the running level is {FROM}, the request names 7300-01-04-2320" in message
    assert "state: not touched" in message
    assert result["_facts"]["change_aix_update_state"] == "not touched"
    assert lab.state() == {}  # no clone, no install
    assert not lab.exists(f"{WORK}/aix_update")  # not even the media copied


def test_update_refused_when_the_clone_disk_is_in_a_volume_group(lab):
    lab.install()
    proc, result = lab.play("change_aix_update", update_vars(lab, change_aix_update_disk="hdisk1"))
    assert proc.returncode != 0
    assert "hdisk1 is in volume group rootvg" in failure(result)
    assert "state: not touched" in failure(result)
    assert lab.state() == {}


def test_update_refused_when_the_media_differ_on_the_host(lab):
    lab.install()
    media = copy.deepcopy(update_vars(lab)["change_aix_update_media"])
    media[1]["sha256"] = "0" * 64
    proc, result = lab.play("change_aix_update", update_vars(lab, change_aix_update_media=media))
    assert proc.returncode != 0
    assert "U899002.bff on the host has sha256" in failure(result)
    assert "state: not touched" in failure(result)
    assert lab.state() == {}


def test_update_install_failure_keeps_the_clone_as_the_way_back(lab):
    scenario = copy.deepcopy(install.load("aix_change"))
    scenario["commands"]["install_all_updates -d * -Y"] = {
        "stdout": "install_all_updates: Updating installp filesets.\n",
        "stderr": "installp: An error occurred during bosboot processing.\n"
                  "install_all_updates: Result = FAILURE\n", "rc": 1}
    lab.install(scenario)
    proc, result = lab.play("change_aix_update", update_vars(lab, change_aix_update_reboot=True))
    assert proc.returncode != 0
    message = failure(result)
    assert "Result = FAILURE" in message
    assert "rollback: clone on hdisk3 kept: boot it with bootlist -m normal hdisk3; " \
           "shutdown -Fr" in message
    assert "partly applied" in result["_facts"]["change_aix_update_state"]
    assert lab.state() == {"clone": "hdisk3"}
    assert "Start the reboot (the connection drops)" not in result  # never rebooted


def test_update_level_not_reached_says_applied_not_verified(lab):
    scenario = copy.deepcopy(install.load("aix_change"))
    del scenario["commands"]["oslevel -s"]["by_state"]  # the level stays where it was
    lab.install(scenario)
    proc, result = lab.play("change_aix_update", update_vars(lab))
    assert proc.returncode != 0
    message = failure(result)
    assert f"the level after the update is {FROM}, the request names {TO}" in message
    assert "state: applied, version not verified" in message
    assert "clone on hdisk3 kept" in message


def test_update_inconsistent_filesets_say_applied_not_verified(lab):
    scenario = copy.deepcopy(install.load("aix_change"))
    scenario["commands"]["lppchk -v"] = {"fixture": "aix/lppchk_v/aix71_broken.raw", "rc": 1}
    lab.install(scenario)
    proc, result = lab.play("change_aix_update", update_vars(lab))
    assert proc.returncode != 0
    assert "state: applied, version not verified" in failure(result)
    assert "clone on hdisk3 kept: boot it with bootlist -m normal hdisk3" in failure(result)


def test_update_boot_list_changed_to_the_clone_fails(lab):
    scenario = copy.deepcopy(install.load("aix_change"))
    # as alt_disk_copy without -B would: the next boot from the clone, the old level
    scenario["commands"]["bootlist -m normal -o"]["by_state"] = [
        {"state": {"clone": "hdisk3"}, "stdout": "hdisk3 blv=hd5 pathid=0\n"}]
    lab.install(scenario)
    proc, result = lab.play("change_aix_update", update_vars(lab, change_aix_update_reboot=True))
    assert proc.returncode != 0
    assert "the normal boot list changed from hdisk0 hdisk1 to hdisk3" in failure(result)
    assert "Start the reboot (the connection drops)" not in result
    assert "rebooted" not in lab.state()


def test_update_check_mode_touches_nothing(lab):
    lab.install()
    proc, result = lab.play("change_aix_update", update_vars(lab), check=True)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert lab.state() == {}
    assert not lab.exists(f"{WORK}/aix_update")
    assert result["_facts"]["change_aix_update_state"] == "not touched"


# --------------------------------------------------------------------------- firmware


def test_firmware_validates_flashes_and_verifies_the_temporary_side(lab):
    lab.install()
    proc, result = lab.play("change_aix_firmware", firmware_vars(lab))
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert lab.state() == {"firmware": "flashed"}
    flash = result["Flash the image (update_flash -q -f; the system reboots)"]
    assert flash["changed"] is True and "ansible_job_id" in flash  # not waited for
    assert result["_facts"]["change_aix_firmware_state"] == (
        f"updated to {FW_TO} on the temporary side; permanent side keeps {FW_FROM} until "
        "update_flash -c (commit)")
    assert lab.exists(f"{WORK}/firmware/01VL950_092_045.img")


def test_firmware_already_at_the_level_is_not_flashed_again(lab):
    lab.install()
    # the flash of an earlier run: VL950_092 runs from the temporary side
    podman("exec", lab.host, "sh", "-c", f"echo '{{\"firmware\": \"flashed\"}}' > {STATE_FILE}")
    proc, result = lab.play("change_aix_firmware",
                            firmware_vars(lab, change_aix_firmware_from=""))
    assert proc.returncode == 0, proc.stdout[-4000:]
    flash = result["Flash the image (update_flash -q -f; the system reboots)"]
    assert flash.get("skipped") is True
    assert result["_facts"]["change_aix_firmware_state"] == f"already at {FW_TO}, not touched"
    assert not lab.exists(f"{WORK}/firmware")


def test_firmware_refused_when_the_running_level_is_not_the_requests(lab):
    lab.install()
    proc, result = lab.play("change_aix_firmware",
                            firmware_vars(lab, change_aix_firmware_from="VL950_045"))
    assert proc.returncode != 0
    assert f"the system firmware runs {FW_FROM}, the request names VL950_045" in failure(result)
    assert "state: not touched" in failure(result)
    assert lab.state() == {}


def test_firmware_image_checksum_mismatch_is_not_touched(lab):
    lab.install()
    media = copy.deepcopy(lab.media)
    media[2]["sha256"] = "f" * 64
    proc, result = lab.play("change_aix_firmware",
                            firmware_vars(lab, change_aix_firmware_media=media))
    assert proc.returncode != 0
    assert "01VL950_092_045.img on the host has sha256" in failure(result)
    assert "state: not touched" in failure(result)
    assert lab.state() == {}


def test_firmware_validation_failure_is_not_touched(lab):
    scenario = copy.deepcopy(install.load("aix_change"))
    scenario["commands"]["update_flash -v -f *"] = {
        "stdout": "", "stderr": "The image is not valid for this system.\n", "rc": 1}
    lab.install(scenario)
    proc, result = lab.play("change_aix_firmware", firmware_vars(lab))
    assert proc.returncode != 0
    message = failure(result)
    assert "The image is not valid for this system." in message
    assert "state: not touched" in message
    assert "Flash the image (update_flash -q -f; the system reboots)" not in result
    assert lab.state() == {}


def test_firmware_level_not_reached_gives_the_reject_rollback(lab):
    scenario = copy.deepcopy(install.load("aix_change"))
    del scenario["commands"]["lsmcode -A"]["by_state"]  # the system came back on the old level
    lab.install(scenario)
    proc, result = lab.play("change_aix_firmware", firmware_vars(lab))
    assert proc.returncode != 0
    message = failure(result)
    assert f"not {FW_TO} running from the temporary side" in message
    assert "state: flash started, level not verified" in message
    assert f"the permanent side keeps {FW_FROM}" in message
    assert f"{UPDATE_FLASH} -r rejects the temporary image" in message
    assert lab.state() == {"firmware": "flashed"}


# --------------------------------------------------------------------------- the playbooks


def without_ticket(lab: Lab, name: str) -> Path:
    """The real playbook with its ticket task left out (only `weibao change run` issues one):
    its precondition task and role as they are."""
    plays = yaml.safe_load((PROJECT / "playbooks" / name).read_text(encoding="utf-8"))
    for play in plays:
        first = play["pre_tasks"].pop(0)
        assert "weibao_change_ticket" in first
    path = lab.tmp / f"noticket-{name}"
    path.write_text(yaml.safe_dump(plays, allow_unicode=True), encoding="utf-8")
    return path


def backup_record(lab: Lab) -> dict:
    """A mksysb file on the host and the record `weibao change run` would pass for it."""
    body = b"mksysb image (test)\n" * 100
    path = "/backup/weibao/mksysb/rootvg.mksysb"
    podman("exec", "-i", lab.host, "sh", "-c", f"mkdir -p /backup/weibao/mksysb && cat > {path}",
           stdin=body)
    finished = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {lab.host: {"id": 1, "path": path, "sha256": hashlib.sha256(body).hexdigest(),
                       "size_bytes": len(body), "finished_at": finished, "tool": "mksysb"}}


@pytest.mark.parametrize("playbook, variables", [
    ("change_aix_update.yml", update_vars),
    ("change_aix_firmware.yml", firmware_vars),
])
def test_playbook_with_its_preconditions_runs_the_change(lab, playbook, variables):
    lab.install()
    proc, result = lab.play("", {**variables(lab), "weibao_change_backups": backup_record(lab)},
                            playbook=without_ticket(lab, playbook))
    assert proc.returncode == 0, proc.stdout[-4000:]
    checked = result["Check the preconditions again on the host (backup, free space, running "
                     "level)" if "update" in playbook else
                     "Check the preconditions again on the host (backup, free space)"]
    assert checked.get("failed") is not True
    assert lab.state() == ({"clone": "hdisk3", "oslevel": "updated"} if "update" in playbook
                           else {"firmware": "flashed"})


def test_update_playbook_refuses_another_running_level_before_the_role(lab):
    lab.install()
    proc, result = lab.play("", {**update_vars(lab, change_aix_update_from="7300-01-04-2320"),
                                 "weibao_change_backups": backup_record(lab)},
                            playbook=without_ticket(lab, "change_aix_update.yml"))
    assert proc.returncode != 0
    checked = result["Check the preconditions again on the host (backup, free space, running "
                     "level)"]
    assert checked["failed"] is True and "7300-01-04-2320" in checked["msg"], checked
    assert "Start from an untouched host" not in result  # the role never started
    assert lab.state() == {}


def test_update_playbook_refuses_without_a_backup(lab):
    lab.install()
    proc, result = lab.play("", {**update_vars(lab), "weibao_change_backups": {}},
                            playbook=without_ticket(lab, "change_aix_update.yml"))
    assert proc.returncode != 0
    assert "Start from an untouched host" not in result
    assert lab.state() == {}


@pytest.mark.parametrize("playbook", ["change_aix_update.yml", "change_aix_firmware.yml"])
def test_playbook_stops_at_its_ticket(lab, playbook):
    lab.install()
    proc, result = lab.play(playbook.removesuffix(".yml"), {**update_vars(lab),
                                                            **firmware_vars(lab)},
                            playbook=PROJECT / "playbooks" / playbook)
    assert proc.returncode != 0
    ticket = result["Check the run ticket (only `weibao change run` issues one, after every "
                    "rule holds)"]
    assert ticket.get("failed") is True
    assert lab.state() == {}
    assert not lab.exists(WORK)
