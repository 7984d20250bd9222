"""Guarded upgrades end to end, through the command line only: a verified system backup is
recorded first (`weibao backup run`), then an OS patch, a kernel update and a firmware
upgrade each run through `weibao change run`, a failing firmware upgrade is rolled back, and
a backup record edited in the store makes the next change refuse.

The peers are real where they can be: a podman container with systemd that apt installs
packages on and that really restarts (tests/integration/kernel_repo.py: its "kernel"
packages are stand-ins, and what it booted is read from a stand-in for `uname -r`), GNU tar
backups verified by reading them back, ClamAV's clamscan with a signature database built by
sigtool, and a Redfish BMC whose SimpleUpdate changes the BIOS version (sushy-emulator on
libvirt's test driver, tests/bmc/sushy_testvirt.py), reached with a vaulted password.

Six change requests of one site are written, submitted, approved and attested first (the
site's lead time is 0), then run in order. About three minutes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from change_site import ChangeSite, ok, prepare, window, write_site
from firmware_peer import SushyLibvirt, make_image, missing
from hosts import BUILD_HINT, IMAGE, describe, image_exists, podman, unique_name
from kernel_repo import BOOT_TIME_COMMAND, RUNNING_KERNEL, remove_host, start_kernel_host

pytestmark = pytest.mark.integration

SITE = "it-guarded"
ZONE = "Asia/Shanghai"
LEAD_SECONDS = 30
VAULT_PASS = "guarded-vault-pass"  # noqa: S105 - a test's throwaway value
BMC_PASSWORD = "Guarded-Bmc-Pass-41c9"  # noqa: S105
PATCHED = ("6.1.0-98-weibao-test", "6.1.100-1~weibao1", "6.1.100-2~weibao1")
KERNEL = ("6.1.0-99-weibao-test", "6.1.128-1~weibao1")
IMAGES = {"bios-1.1.0.bin": make_image("1.1.0"),
          "bios-1.2.0-fail.bin": make_image("1.2.0", behaviour="fail")}
ROLLBACK = "Boot the previous kernel; restore the verified system backup if the host is damaged."


def _sh(host: str, command: str) -> str:
    proc = podman("exec", host, "sh", "-c", command, check=False)
    return proc.stdout.decode(errors="replace").strip()


def _vaulted(name: str, value: str, password_file: Path) -> str:
    return subprocess.run(
        [str(Path(sys.executable).parent / "ansible-vault"), "encrypt_string",
         "--vault-password-file", str(password_file), "--name", name, value],
        check=True, capture_output=True, text=True, timeout=60).stdout


class Lab:
    def __init__(self, site: ChangeSite, host: str, bmc: SushyLibvirt, password_file: Path,
                 clamav_db: Path) -> None:
        self.site, self.host, self.bmc = site, host, bmc
        self.password_file, self.clamav_db = password_file, clamav_db

    def weibao(self, *args: str) -> subprocess.CompletedProcess:
        return self.site.weibao(*args)

    def run(self, case: str) -> subprocess.CompletedProcess:
        return self.weibao("change", "run", str(self.site.requests[case]),
                           "--clamav-db", str(self.clamav_db))


def _requests(lab_root: Path, host: str, bmb_name: str) -> dict:
    media = {name: {"path": str(lab_root / "media" / name),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "description": f"BIOS image {name} from the vendor's support site"}
             for name, data in IMAGES.items()}
    base = {"expected_duration": "30m", "rollback_plan": ROLLBACK,
            "application_downtime": {"minutes": 5, "description": "One restart."}}
    return {
        "patch": dict(base, id="CR-2026-0921", kind="os_patch",
                      title="Security updates (guarded)", playbook="playbooks/change_os_patch.yml",
                      limit=host, variables={}, media=[],
                      software_changes=[f"linux-image-{PATCHED[0]} {PATCHED[1]} -> {PATCHED[2]}"]),
        "kernel": dict(base, id="CR-2026-0922", kind="os_upgrade", title="Kernel update",
                       playbook="playbooks/change_os_kernel.yml", limit=host, media=[],
                       variables={"change_os_kernel_package": f"linux-image-{KERNEL[0]}",
                                  "change_os_kernel_version": KERNEL[1],
                                  "change_os_kernel_expect_release": KERNEL[0],
                                  "change_os_kernel_running_command": RUNNING_KERNEL,
                                  "change_os_kernel_boot_time_command": BOOT_TIME_COMMAND,
                                  "change_os_kernel_reboot_timeout": 180,
                                  "change_os_kernel_services_timeout": 60},
                       software_changes=[f"linux-image-{KERNEL[0]} {KERNEL[1]} (new kernel)"]),
        "firmware": dict(base, id="CR-2026-0923", kind="firmware_upgrade",
                         title="BIOS 1.0.0 -> 1.1.0", limit=bmb_name,
                         playbook="playbooks/change_firmware_upgrade.yml",
                         media=[media["bios-1.1.0.bin"]],
                         variables=_firmware_vars("bios-1.1.0.bin", "1.0.0", "1.1.0")),
        "firmware_fail": dict(base, id="CR-2026-0924", kind="firmware_upgrade",
                              title="BIOS 1.1.0 -> 1.2.0 (fails)", limit=bmb_name,
                              playbook="playbooks/change_firmware_upgrade.yml",
                              media=[media["bios-1.2.0-fail.bin"], media["bios-1.1.0.bin"]],
                              variables=_firmware_vars("bios-1.2.0-fail.bin", "1.1.0", "1.2.0",
                                                       rollback="bios-1.1.0.bin")),
        "tampered": dict(base, id="CR-2026-0925", kind="os_patch",
                         title="Security updates after the backup record was edited",
                         playbook="playbooks/change_os_patch.yml", limit=host, variables={},
                         media=[]),
    }


def _firmware_vars(image: str, before: str, after: str, rollback: str = "") -> dict:
    return {"change_firmware_upgrade_image": image,
            "change_firmware_upgrade_from_version": before,
            "change_firmware_upgrade_to_version": after,
            "change_firmware_upgrade_rollback_image": rollback,
            "change_firmware_upgrade_serve_address": "127.0.0.1",
            "change_firmware_upgrade_poll_interval": 0.2,
            "change_firmware_upgrade_timeout": 60}


def _patch_demo(host: str) -> None:
    """The package the OS patch updates: version 1 installed, version 2 in the repository."""
    proc = podman("exec", host, "sh", "-c",
                  f"DEBIAN_FRONTEND=noninteractive apt-get -q install -y "
                  f"linux-image-{PATCHED[0]}={PATCHED[1]} >/dev/null", check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")


def _installed(host: str, package: str) -> str:
    return _sh(host, f"dpkg-query -W -f '${{Version}}' {package} 2>/dev/null")


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    if shutil.which("podman") is None or not image_exists(IMAGE):
        pytest.fail(f"podman or the test image {IMAGE} is missing: {BUILD_HINT}",
                    pytrace=False)
    why = missing()
    if why:
        pytest.fail(f"{why}: run ./dev.sh test-deps", pytrace=False)
    root = tmp_path_factory.mktemp("guarded")
    host = unique_name("guarded")
    bmc_name = f"{host}-bmc"
    (root / "media").mkdir()
    for name, data in IMAGES.items():
        (root / "media" / name).write_bytes(data)
    clamav = root / "clamav"
    clamav.mkdir()
    (clamav / "other.txt").write_text("a signature of an unrelated file\n")
    hsb = subprocess.run(["sigtool", "--sha256", str(clamav / "other.txt")], check=True,
                         capture_output=True, text=True, timeout=60).stdout
    (clamav / "test.hsb").write_text(hsb)
    password_file = root / "vault-pass"
    password_file.write_text(VAULT_PASS)
    bmc_dir = root / "bmc"
    bmc_dir.mkdir()
    bmc = SushyLibvirt(bmc_dir)
    try:
        start_kernel_host(host, [(PATCHED[0], PATCHED[1]), (PATCHED[0], PATCHED[2]), KERNEL])
        _patch_demo(host)
        bmc.start()
        inventory = {"children": {
            "linux": {"hosts": {host: {
                "ansible_connection": "containers.podman.podman", "ansible_host": host,
                "ansible_python_interpreter": "/usr/bin/python3"}}},
            "weibao_bmcs": {"hosts": {bmc_name: {
                "ansible_host": "127.0.0.1", "weibao_platform": "redfish",
                "weibao_bmc_protocol": "redfish", "weibao_bmc_of": host,
                "weibao_bmc_port": bmc.port, "weibao_bmc_user": "admin",
                "weibao_bmc_scheme": "http", "weibao_bmc_timeout": 10}}}}}
        site = write_site(
            root, SITE, ZONE, inventory, site_vars={"backup_max_age_days": 7},
            # the password, vaulted, beside the inventory (never in a request or an argument)
            files={f"host_vars/{bmc_name}.yml": _vaulted("weibao_bmc_password", BMC_PASSWORD,
                                                         password_file)},
            global_args=["--vault-password-file", str(password_file)])
        lab = Lab(site, host, bmc, password_file, clamav / "test.hsb")
        opens = []
        for case, spec in _requests(root, host, bmc_name).items():
            # each window opens LEAD_SECONDS after its request is written: a slow machine
            # cannot make a submission late; then wait once for the last one to open
            start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(
                seconds=LEAD_SECONDS)
            opens.append(start)

            def fill(data: dict, spec: dict = spec, start: dt.datetime = start) -> None:
                data.update({k: v for k, v in spec.items() if k not in ("id", "limit")})
                data["purpose"] = f"{spec['title']}: guarded change test.\n测试。"
                data["steps"] = ["Check the backup again on the host.", "Do the work.",
                                 "Verify the result."]
                data["targets"] = {"inventory": str(site.inventory), "limit": spec["limit"]}
                data["window"] = window(start, ZONE)
            prepare(site, spec["id"], fill, case=case)
        time.sleep(max(0.0, (max(opens) - dt.datetime.now(dt.UTC)).total_seconds() + 1))
        yield lab
    finally:
        bmc.stop()
        remove_host(host)


@pytest.fixture(scope="module")
def backed_up(lab: Lab) -> dict:
    proc = lab.weibao("backup", "run", "--inventory", str(lab.site.inventory))
    assert proc.returncode == 0, describe(proc)
    listed = json.loads(ok(lab.weibao("backup", "list", "--site", SITE, "--json")).stdout)
    return {"run": proc, "list": listed}


def test_a_verified_backup_is_recorded_and_bound_into_the_audit_chain(lab: Lab, backed_up):
    rows = [b for b in backed_up["list"] if b["host"] == lab.host]
    assert len(rows) == 1 and rows[0]["status"] == "verified", backed_up["list"]
    row = rows[0]
    assert row["tool"] == "tar" and row["size_bytes"] > 10_000_000
    # the archive is on the host, with the sha256 the record says
    assert _sh(lab.host, f"sha256sum {row['path']} | cut -d' ' -f1") == row["sha256"]
    audit = json.loads(ok(lab.weibao("audit", "show", "--json")).stdout)
    assert any(e["action"] == "backup.record" for e in audit), audit
    ok(lab.weibao("audit", "verify"))


def test_os_patch_runs_after_the_backup(lab: Lab, backed_up):
    proc = lab.run("patch")
    assert proc.returncode == 0, describe(proc)
    assert "CR-2026-0921: succeeded" in proc.stdout, describe(proc)
    assert "Check the preconditions again on the host" in proc.stderr + proc.stdout
    assert _installed(lab.host, f"linux-image-{PATCHED[0]}") == PATCHED[2]


def test_kernel_update_reboots_and_verifies_the_running_kernel(lab: Lab, backed_up):
    before = _sh(lab.host, "cut -d' ' -f22 /proc/1/stat")
    proc = lab.run("kernel")
    assert proc.returncode == 0, describe(proc)
    assert "CR-2026-0922: succeeded" in proc.stdout, describe(proc)
    assert _sh(lab.host, RUNNING_KERNEL) == KERNEL[0]
    assert _sh(lab.host, "cut -d' ' -f22 /proc/1/stat") != before  # it restarted


def test_firmware_upgrade_through_redfish_is_verified(lab: Lab, backed_up):
    assert lab.bmc.bios_version() == "1.0.0"
    proc = lab.run("firmware")
    assert proc.returncode == 0, describe(proc)
    assert "CR-2026-0923: succeeded" in proc.stdout, describe(proc)
    assert lab.bmc.bios_version() == "1.1.0"
    assert BMC_PASSWORD not in proc.stdout + proc.stderr


def test_a_failing_firmware_upgrade_is_rolled_back_and_says_so(lab: Lab, backed_up):
    proc = lab.run("firmware_fail")
    assert proc.returncode == 2, describe(proc)
    assert "CR-2026-0924: FAILED" in proc.stdout, describe(proc)
    assert "rolled back to 1.1.0" in proc.stdout, describe(proc)
    assert "follow the rollback plan" in proc.stdout, describe(proc)
    assert lab.bmc.bios_version() == "1.1.0"
    assert BMC_PASSWORD not in proc.stdout + proc.stderr
    # nothing of the run's archive holds the BMC password
    for path in (lab.site.data_dir / "artifacts").rglob("*"):
        if path.is_file():
            assert BMC_PASSWORD.encode() not in path.read_bytes(), path


def test_a_backup_record_edited_in_the_store_is_refused(lab: Lab, backed_up):
    db = lab.site.data_dir / "weibao.db"
    assert db.is_file(), sorted(p.name for p in lab.site.data_dir.iterdir())
    with sqlite3.connect(db) as conn:
        changed = conn.execute("UPDATE backups SET size_bytes = size_bytes + 1 WHERE host = ?",
                               (lab.host,)).rowcount
    assert changed >= 1
    before = _installed(lab.host, f"linux-image-{PATCHED[0]}")
    proc = lab.run("tampered")
    assert proc.returncode == 3, describe(proc)
    assert "refused" in proc.stdout + proc.stderr, describe(proc)
    assert "backup" in proc.stdout + proc.stderr, describe(proc)
    assert _installed(lab.host, f"linux-image-{PATCHED[0]}") == before
