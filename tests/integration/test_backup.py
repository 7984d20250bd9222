"""The system-volume backup playbook, end to end, against real Debian 12 containers.

playbooks/system_backup.yml runs through ansible-playbook (the connection is
containers.podman.podman, the module is shipped into the container by Ansible).

tar image: the container's root file system (overlay) into a target folder inside the
container. Asserted: the record is verified, its files exist in the container with the
recorded sizes and sha256, the folder is final (no .partial); then one byte of the archive is
flipped and a verify pass of the same playbook (backup_system_verify_path) reports it failed;
a second backup with keep 1 expires the first.

ReaR: real ReaR 2.7 (Debian's rear package) in a container of the derived image
localhost/weibao-debian12-rear:latest, built once from the test image when missing (apt-get
install rear cpio file less, podman commit; about 15 s, needs the Debian mirror). The target
/backup is a bind mount (ReaR refuses a BACKUP_URL on the root file system). Two runs, as
../shared/notes/backups.md recorded them: the configuration with only the four settings an
unprivileged container needs backs up nothing and exits 0 (an archive of ReaR's own log) and
must be reported failed; with BACKUP_PROG_INCLUDE=( / ) it is a real backup (about 100 MB,
13,000 members, about 25 s with gzip -1) and must be verified, its md5 that of
BACKUP_INTEGRITY_CHECK.

AIX: the AIX play in the test container with the replay scenario
tests/shims/scenarios/aix_backup.yml installed (no AIX host exists here): mksysb of rootvg
and savevg of datavg, both verified, the files' sha256 as recorded.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import yaml
from hosts import IMAGE, image_exists, podman, podman_env, remove_host, start_host, unique_name

PROJECT = Path(__file__).resolve().parents[2]
TARGET = "/srv/weibao-backup"

pytestmark = pytest.mark.integration


def playbook(inventory: Path, *extra: str) -> dict:
    """Run playbooks/system_backup.yml; the JSON callback's result."""
    env = podman_env()
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["ANSIBLE_STDOUT_CALLBACK"] = "ansible.posix.json"
    env["ANSIBLE_FORCE_COLOR"] = "0"
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(inventory),
         "playbooks/system_backup.yml", *extra],
        capture_output=True, text=True, env=env, cwd=PROJECT, timeout=600, check=False)
    assert proc.returncode == 0, \
        f"exit {proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return json.loads(proc.stdout[proc.stdout.index("{"):])


def records(result: dict, host: str) -> list[dict]:
    found = []
    for play in result["plays"]:
        for task in play["tasks"]:
            if task["task"]["name"].endswith(": Back up the system volumes and verify the backup"):
                outcome = task["hosts"].get(host)
                if outcome is not None:
                    assert not outcome.get("failed"), outcome
                    found.extend(outcome["backups"])
    return found


def in_container(host: str, *argv: str) -> str:
    return podman("exec", host, *argv).stdout.decode()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not image_exists(IMAGE):
        pytest.fail(f"test image {IMAGE} is missing: run tests/images/build.sh", pytrace=False)
    host = unique_name("backup")
    folder = tmp_path_factory.mktemp("weibao-backup")
    inventory = folder / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {"children": {
        "linux": {"hosts": {host: {
            "ansible_connection": "containers.podman.podman", "ansible_host": host,
            "ansible_python_interpreter": "/usr/bin/python3",
            "backup_system_target": TARGET, "backup_system_keep": 1}}},
        # a BMC in the inventory is never backed up by this playbook
        "weibao_bmcs": {"hosts": {"bmc-of-" + host: {"ansible_host": "192.0.2.1"}}},
    }}}), encoding="utf-8")
    start_host(host, systemd=False)
    try:
        yield host, inventory
    finally:
        remove_host(host)


@pytest.fixture(scope="module")
def first(lab):
    host, inventory = lab
    result = playbook(inventory)
    (rec,) = records(result, host)
    return rec


def test_backup_of_the_container_is_verified(lab, first):
    host, _inventory = lab
    rec = first
    assert rec["status"] == "verified", rec
    assert (rec["host_kind"], rec["kind"], rec["tool"]) == ("linux", "system", "tar")
    assert rec["verification"]["result"] == "ok"
    assert "archive sha256 ok" in rec["verification"]["detail"]
    assert rec["target"] == TARGET
    folder = str(Path(rec["path"]).parent)
    assert Path(folder).parent == Path(TARGET) / host
    assert in_container(host, "ls", f"{TARGET}/{host}").split() == [Path(folder).name]
    assert rec["size_bytes"] > 50 * 1048576  # a Debian minbase system, not a log
    for entry in rec["files"]:
        line = in_container(host, "sha256sum", entry["path"])
        assert line.split()[0] == entry["sha256"], entry
        size = in_container(host, "stat", "-c", "%s", entry["path"]).strip()
        assert int(size) == entry["size"]
    assert in_container(host, "sha256sum", rec["path"]).split()[0] == rec["sha256"]
    listing = in_container(host, "tar", "-tf", rec["path"]).split("\n")
    assert "./etc/os-release" in listing and "./usr/bin/python3" in listing
    assert not any(name.startswith(f".{TARGET}/") for name in listing)  # not itself


def test_bmcs_are_not_backed_up(lab, first):
    host, inventory = lab
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(inventory),
         "playbooks/system_backup.yml", "--list-hosts"],
        capture_output=True, text=True, env=podman_env(), cwd=PROJECT, timeout=120,
        check=False)
    assert proc.returncode == 0, proc.stderr
    assert host in proc.stdout and "bmc-of-" not in proc.stdout


def test_a_corrupted_archive_fails_the_verify_pass(lab, first):
    host, inventory = lab
    folder = str(Path(first["path"]).parent)
    again = records(playbook(inventory, "-e", f"backup_system_verify_path={folder}"), host)
    assert [r["status"] for r in again] == ["verified"], again
    # one byte in the middle of the archive, inverted (backups.md case A or B)
    podman("exec", host, "python3", "-c",
           "import os,sys; p=sys.argv[1]; f=open(p,'r+b'); n=os.path.getsize(p)//2; "
           "f.seek(n); b=f.read(1); f.seek(n); f.write(bytes([b[0]^255])); f.close()",
           first["path"])
    (rec,) = records(playbook(inventory, "-e", f"backup_system_verify_path={folder}"), host)
    assert rec["status"] == "failed", rec
    assert rec["verification"]["result"] == "failed"
    assert "differs from the recorded" in rec["message"]
    assert rec["sha256"] != first["sha256"]


def test_a_second_backup_expires_the_first_with_keep_1(lab, first):
    host, inventory = lab
    (rec,) = records(playbook(inventory), host)
    assert rec["status"] == "verified", rec
    assert rec["expired"] == [str(Path(first["path"]).parent)]
    assert in_container(host, "ls", f"{TARGET}/{host}").split() == [Path(rec["path"]).parent.name]


# --------------------------------------------------------------------------- ReaR

REAR_IMAGE = "localhost/weibao-debian12-rear:latest"
# the four settings ReaR 2.7 needs in an unprivileged container (backups.md, rows 1 to 3 and
# the NETFS target's exclusion), and nothing that says what to back up
REAR_BASE = """\
OUTPUT=ISO
BACKUP=NETFS
BACKUP_URL=file:///backup
USE_SERIAL_CONSOLE=no
KERNEL_FILE=/boot/vmlinuz-dummy
BOOTLOADER=GRUB2
EXCLUDE_RECREATE+=( fs:/backup )
BACKUP_INTEGRITY_CHECK=yes
"""
# the container's / is overlay, a file system ReaR's layout does not keep: name it. gzip -1
# halves the run (23 s instead of 40 s here); the archive is a .tar.gz all the same.
REAR_INCLUDE = ("BACKUP_PROG_INCLUDE=( / )\nBACKUP_ONLY_INCLUDE=yes\n"
                'BACKUP_PROG_COMPRESS_OPTIONS=( "--use-compress-program=gzip -1" )\n')


def build_rear_image() -> None:
    """localhost/weibao-debian12-rear:latest from the test image, once."""
    if image_exists(REAR_IMAGE):
        return
    warnings.warn(f"building {REAR_IMAGE} from {IMAGE}: apt-get install rear cpio file less"
                  " (needs the Debian mirror; about 15 s, once)", stacklevel=2)
    name = unique_name("rear-build")
    podman("run", "-d", "--init", "--name", name, IMAGE, "sleep", "infinity")
    try:
        podman("exec", "-e", "DEBIAN_FRONTEND=noninteractive", name, "sh", "-c",
               "apt-get update -q && apt-get install -y -q --no-install-recommends"
               " rear cpio file less && apt-get clean && rm -rf /var/lib/apt/lists/*",
               timeout=600)
        podman("commit", "-q", name, REAR_IMAGE)
    finally:
        remove_host(name)


@pytest.fixture(scope="module")
def rear_lab(tmp_path_factory):
    if not image_exists(IMAGE):
        pytest.fail(f"test image {IMAGE} is missing: run tests/images/build.sh", pytrace=False)
    build_rear_image()
    host = unique_name("rear")
    folder = tmp_path_factory.mktemp("weibao-rear")
    out = folder / "backup"
    out.mkdir()
    inventory = folder / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {"children": {"linux": {"hosts": {host: {
        "ansible_connection": "containers.podman.podman", "ansible_host": host,
        "ansible_python_interpreter": "/usr/bin/python3", "backup_system_keep": 1,
        "backup_system_timeout": 600}}}}}}), encoding="utf-8")
    podman("run", "-d", "--init", "--name", host, "--hostname", host, "--label", "weibao-it=1",
           "-v", f"{out}:/backup", REAR_IMAGE, "sleep", "infinity")
    try:
        podman("exec", host, "sh", "-c", "echo dummy > /boot/vmlinuz-dummy")
        yield host, inventory, out
    finally:
        # ReaR's files in the bind mount belong to root: removed with the container's help
        podman("exec", host, "sh", "-c", "rm -rf /backup/*", check=False)
        remove_host(host)


def _rear_config(host: str, text: str) -> None:
    podman("exec", "-i", host, "sh", "-c", "cat > /etc/rear/local.conf", stdin=text.encode())


def test_rear_default_configuration_backs_up_nothing_and_is_failed(rear_lab):
    host, inventory, out = rear_lab
    _rear_config(host, REAR_BASE)
    (rec,) = records(playbook(inventory), host)
    assert rec["tool"] == "rear" and rec["tool_version"].startswith("Relax-and-Recover 2.7")
    assert rec["status"] == "failed", rec
    assert rec["verification"]["result"] == "failed"
    assert "the archive holds only ReaR's own log: ReaR backed up nothing" in rec["message"]
    assert rec["target"] == "/backup"
    assert rec["path"].endswith(".failed/backup.tar.gz")  # kept for a look, never final


def test_rear_with_the_root_included_is_verified(rear_lab):
    host, inventory, out = rear_lab
    _rear_config(host, REAR_BASE + REAR_INCLUDE)
    (rec,) = records(playbook(inventory), host)
    assert rec["status"] == "verified", rec
    assert rec["verification"]["method"] == "gzip -t + tar -tzf listing (key paths) + md5"
    assert "md5 = BACKUP_INTEGRITY_CHECK's" in rec["verification"]["detail"]
    archive = out / host / Path(rec["path"]).parent.name / "backup.tar.gz"
    data = archive.read_bytes()
    assert rec["checksum"] == f"md5:{hashlib.md5(data).hexdigest()}"  # noqa: S324
    assert rec["sha256"] == hashlib.sha256(data).hexdigest()
    assert rec["size_bytes"] > 30 * 1048576
    names = {Path(f["path"]).name for f in rec["files"]}
    assert {"backup.tar.gz", "backup.tar.gz.md5", "backup.log"} <= names
    # the failed run of the default configuration is removed once a backup is verified
    assert [Path(p).name.endswith(".failed") for p in rec["expired"]] == [True]


# --------------------------------------------------------------------------- AIX (replayed)


def test_aix_play_backs_up_rootvg_and_datavg_through_the_shims(tmp_path):
    """The AIX play (group weibao_aix) in the test container answering as AIX: the replay
    scenario tests/shims/scenarios/aix_backup.yml (mksysb and savevg write their image, the
    listings are recorded real-format outputs). No AIX host exists here."""
    sys.path.insert(0, str(PROJECT / "tests" / "shims"))
    import install  # tests/shims/install.py

    if not image_exists(IMAGE):
        pytest.fail(f"test image {IMAGE} is missing: run tests/images/build.sh", pytrace=False)
    host = unique_name("aixbackup")
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {"children": {"weibao_aix": {"hosts": {host: {
        "ansible_connection": "containers.podman.podman", "ansible_host": host,
        "ansible_python_interpreter": "/usr/bin/python3", "weibao_platform": "aix",
        "backup_system_method": "mksysb", "backup_system_savevg": ["datavg"],
        "backup_system_target": TARGET}}}}}}), encoding="utf-8")
    start_host(host, systemd=False)
    try:
        install.install_podman(host, install.load("aix_backup"))
        result = playbook(inventory)
        assert [play["play"]["name"] for play in result["plays"]
                if any(host in task["hosts"] for task in play["tasks"])] == \
            ["System-volume backup of AIX hosts"]
        mksysb, savevg = records(result, host)
        assert (mksysb["tool"], mksysb["status"]) == ("mksysb", "verified"), mksysb
        assert (savevg["tool"], savevg["status"]) == ("savevg", "verified"), savevg
        for rec in (mksysb, savevg):
            line = in_container(host, "sha256sum", rec["path"])
            assert line.split()[0] == rec["sha256"]
    finally:
        remove_host(host)
