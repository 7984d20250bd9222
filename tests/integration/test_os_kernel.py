"""The kernel update change (playbooks/change_os_kernel.yml, role change_os_kernel) against a
podman container, run with ansible-playbook as `weibao change run` runs it: with
weibao_change_id, a run ticket issued by weibao.change.tickets and the backup record in
weibao_change_backups.

The host (tests/integration/kernel_repo.py) installs real packages with apt from a local
repository and really restarts on ansible.builtin.reboot (systemd as PID 1, podman
--restart=always). What a container cannot do is boot another kernel: the success case
reads the running kernel from a stand-in that answers what the booted kernel would be
(the newest /boot/vmlinuz-*, as GRUB_DEFAULT=0 picks it, recorded at each container start);
the failure case keeps the real `uname -r`, which never changes in a container, and the
change must fail saying the kernel is installed but still not running.

Cases, in order on one host (about two minutes):
1. success: check mode first (nothing installed, no reboot), then installed, rebooted (PID 1
   restarted), running kernel verified, services back; a second run changes nothing;
2. a precondition that fails (backup size differs): nothing installed, no reboot;
3. the running kernel is not the expected one after the reboot: fails with the state;
4. a service that ran before does not run after the reboot: fails naming it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hosts import BUILD_HINT, IMAGE, PROJECT, image_exists, podman, podman_env, unique_name
from kernel_repo import (
    BOOT_TIME_COMMAND,
    DEMO_SERVICE,
    RUNNING_KERNEL,
    backup_record,
    remove_host,
    start_kernel_host,
)

from weibao.change import tickets

CHANGE_ID = "CR-2026-0913"
OLD_RELEASE = os.uname().release  # a container runs its host's kernel
NEW = ("6.1.0-99-weibao-test", "6.1.128-1~weibao1")
NEWER = ("6.1.0-100-weibao-test", "6.1.129-1~weibao1")
TRANSIENT = "weibao-kernel-transient.service"


class KernelHost:
    def __init__(self, name: str, root: Path) -> None:
        self.name = name
        self.root = root
        self.data_dir = root / "data"
        self.inventory = root / "hosts.yml"
        self.inventory.write_text(yaml.safe_dump({"all": {"hosts": {name: {
            "ansible_connection": "containers.podman.podman", "ansible_host": name,
            "ansible_python_interpreter": "/usr/bin/python3"}}}}))
        self.runs = 0

    def sh(self, command: str) -> str:
        proc = podman("exec", self.name, "sh", "-c", command, check=False)
        return proc.stdout.decode(errors="replace").strip()

    def pid1_start(self) -> str:
        return self.sh("cut -d' ' -f22 /proc/1/stat")

    def installed(self, release: str) -> str:
        return self.sh(f"dpkg-query -W -f '${{Status}} ${{Version}}' linux-image-{release} "
                       "2>/dev/null")

    def change(self, check: bool = False, **variables: object) -> subprocess.CompletedProcess:
        """One run of the change playbook with a fresh ticket, as `weibao change run` does."""
        self.runs += 1
        ticket, _ = tickets.issue(self.data_dir, change_id=CHANGE_ID, request_digest="it",
                                  run_id=self.runs, hosts=[self.name],
                                  window_end="2099-01-01T00:00:00Z",
                                  issued_at="2026-01-01T00:00:00Z")
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        extra = {"weibao_change_id": CHANGE_ID, "weibao_change_ticket": str(ticket),
                 "weibao_change_backups": {self.name: backup_record(now)},
                 "change_os_kernel_boot_time_command": BOOT_TIME_COMMAND,
                 "change_os_kernel_reboot_timeout": 120,
                 "change_os_kernel_services_timeout": 60}
        extra.update(variables)
        extra_file = self.root / f"extra-{self.runs}.json"
        extra_file.write_text(json.dumps(extra))
        env = podman_env()
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        env["ANSIBLE_FORCE_COLOR"] = "0"
        env["ANSIBLE_NOCOLOR"] = "1"
        proc = subprocess.run(
            [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(self.inventory),
             "-e", f"@{extra_file}", *(["--check"] if check else []),
             "playbooks/change_os_kernel.yml"],
            cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600, check=False)
        # kept for a person reading a failure: the whole output of each run
        (self.root / f"run-{self.runs}.log").write_text(proc.stdout + proc.stderr)
        return proc


def describe(proc: subprocess.CompletedProcess) -> str:
    return (f"exit {proc.returncode}\n--- stdout ---\n{proc.stdout[-8000:]}\n"
            f"--- stderr ---\n{proc.stderr[-3000:]}")


def kernel_vars(kernel: tuple[str, str], **more: object) -> dict:
    release, version = kernel
    return {"change_os_kernel_package": f"linux-image-{release}",
            "change_os_kernel_version": version,
            "change_os_kernel_expect_release": release, **more}


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KernelHost]:
    if not image_exists(IMAGE):
        pytest.fail(f"test image {IMAGE} is missing: {BUILD_HINT}", pytrace=False)
    name = unique_name("kernel")
    try:
        start_kernel_host(name, [NEW, NEWER])
        yield KernelHost(name, tmp_path_factory.mktemp("kernel"))
    finally:
        remove_host(name)


def test_kernel_installed_rebooted_and_verified(host: KernelHost) -> None:
    assert host.sh(RUNNING_KERNEL) == OLD_RELEASE
    assert host.installed(NEW[0]) == ""
    pid1 = host.pid1_start()
    variables = kernel_vars(NEW, change_os_kernel_running_command=RUNNING_KERNEL,
                            change_os_kernel_expect_running=OLD_RELEASE)
    # the rehearsal (`weibao change run --check`): nothing installed, no reboot
    rehearsal = host.change(check=True, **variables)
    assert rehearsal.returncode == 0, describe(rehearsal)
    assert host.installed(NEW[0]) == "" and host.pid1_start() == pid1
    proc = host.change(**variables)
    assert proc.returncode == 0, describe(proc)
    assert host.installed(NEW[0]) == f"install ok installed {NEW[1]}"
    assert host.pid1_start() != pid1, "the host was not restarted"
    assert host.sh(RUNNING_KERNEL) == NEW[0]
    assert host.sh(f"systemctl is-active {DEMO_SERVICE}") == "active"
    assert "container no bootloader" in proc.stdout, describe(proc)
    assert f"kernel {NEW[0]} running, " in proc.stdout and "services running again" in \
        proc.stdout, describe(proc)
    assert "Check the preconditions again on the host" in proc.stdout
    # a second run: installed and running already, nothing to do, no reboot
    pid1 = host.pid1_start()
    again = host.change(**kernel_vars(NEW, change_os_kernel_running_command=RUNNING_KERNEL))
    assert again.returncode == 0, describe(again)
    assert host.pid1_start() == pid1, "a second run rebooted the host"
    assert "changed=0" in again.stdout, describe(again)


def test_failed_precondition_touches_nothing(host: KernelHost) -> None:
    pid1 = host.pid1_start()
    record = backup_record(dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    record["size_bytes"] += 1
    proc = host.change(**kernel_vars(NEWER, change_os_kernel_running_command=RUNNING_KERNEL),
                       weibao_change_backups={host.name: record})
    assert proc.returncode != 0, describe(proc)
    assert f"the record says {record['size_bytes']}" in proc.stdout, describe(proc)
    assert host.installed(NEWER[0]) == ""
    assert host.pid1_start() == pid1


def test_running_kernel_still_old_fails_with_the_state(host: KernelHost) -> None:
    # the real `uname -r`: in a container the kernel never changes
    pid1 = host.pid1_start()
    proc = host.change(**kernel_vars(NEW))
    assert proc.returncode != 0, describe(proc)
    assert host.pid1_start() != pid1, "the host was not restarted"
    assert f"kernel installed, running kernel is still {OLD_RELEASE}: `uname -r` prints " \
           f"{OLD_RELEASE} after the reboot, the request expects {NEW[0]}" in proc.stdout, \
        describe(proc)
    assert f"Rollback: boot the previous kernel {OLD_RELEASE}" in proc.stdout


def test_service_not_running_again_fails_naming_it(host: KernelHost) -> None:
    # a transient unit runs now and is gone after the restart, as a service started by hand
    # and not enabled would be
    host.sh(f"systemd-run --unit={TRANSIENT} /bin/sleep infinity")
    assert host.sh(f"systemctl is-active {TRANSIENT}") == "active"
    proc = host.change(**kernel_vars(NEWER, change_os_kernel_running_command=RUNNING_KERNEL))
    assert proc.returncode != 0, describe(proc)
    assert host.installed(NEWER[0]) == f"install ok installed {NEWER[1]}"
    assert host.sh(RUNNING_KERNEL) == NEWER[0]
    assert f"kernel {NEWER[0]} running, services not running again: {TRANSIENT}" in \
        proc.stdout, describe(proc)
    assert f"do not run now: {TRANSIENT} (" in proc.stdout, describe(proc)
    assert host.sh(f"systemctl is-active {DEMO_SERVICE}") == "active"
