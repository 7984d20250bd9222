"""The on-host backup module (plugins/modules/weibao_system_backup.py), run on this machine.

The tar image is made with the real GNU tar of this machine from a temporary tree (files with
a user xattr and a POSIX ACL, a symlink, a sparse file, a mount point's empty folder), then
read back; the corruption cases of ../shared/notes/backups.md (a byte of file data, a
member's size field, a truncated archive) are made in the archive after it was written and
must each be caught by the check that catches it. ReaR's archives are real .tar.gz files
(one holding only ReaR's own log: the "backs up nothing, exit 0" case); AIX runs against the
replay scenario tests/shims/scenarios/aix_backup.yml (shims printing recorded real-format
outputs, and writing the image file as mksysb and savevg would).
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import os
import shutil
import stat
import struct
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT / "tests" / "shims"))
import install  # noqa: E402  (tests/shims/install.py)

SHIM = PROJECT / "tests" / "shims" / "weibao-shim"


def _module():
    path = PROJECT / "plugins" / "modules" / "weibao_system_backup.py"
    spec = importlib.util.spec_from_file_location("weibao_system_backup", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MOD = _module()
# a container's view: overlay root, a separate /boot, pseudo, memory and network mounts
MOUNTINFO = """\
22 1 0:50 / / rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w
23 22 0:5 / /proc rw,nosuid - proc proc rw
24 22 0:21 / /sys ro,nosuid - sysfs sysfs ro
25 22 0:22 / /run rw,nosuid - tmpfs tmpfs rw,size=65536k
26 22 8:1 / /boot rw,relatime - ext4 /dev/sda1 rw
27 22 0:23 / /mnt/nfs\\040share rw - nfs4 filer:/export rw,vers=4.2
28 22 0:24 /hosts /etc/hosts rw - ext4 /dev/vda rw
"""
ROOT_ONLY = "22 1 0:50 / / rw,relatime - overlay overlay rw\n23 22 0:5 / /proc rw - proc proc rw\n"
POSIX_ACL = struct.pack("<I", 2) + b"".join(
    struct.pack("<HHI", tag, perm, ident) for tag, perm, ident in
    [(0x01, 6, 0xFFFFFFFF), (0x02, 4, 65534), (0x04, 4, 0xFFFFFFFF), (0x10, 4, 0xFFFFFFFF),
     (0x20, 4, 0xFFFFFFFF)])  # user::rw- user:65534:r-- group::r-- mask::r-- other::r--
LIB = b"ELF-like library data " * 400  # a file whose data we find again in the archive


def params(target, **overrides):
    values = {"target": str(target), "host": "db01", "method": "tar", "filesystems": ["/"],
              "exclude": ["/tmp/*"], "verify": "standard", "keep": 3, "margin_mb": 1,
              "key_paths": ["etc/os-release", "etc/passwd", "usr/bin/"], "savevg": [],
              "rear_workflow": "mkbackuponly", "rear_config_dir": "/nonexistent",
              "timeout": 60}
    values.update(overrides)
    return values


@pytest.fixture
def tree(tmp_path):
    """A small system: /etc with an xattr and an ACL, /usr/bin, a sparse file, a symlink,
    /tmp with a file the image leaves out, /proc as an empty mount point folder."""
    root = tmp_path / "root"
    for folder in ("etc", "usr/bin", "usr/lib", "tmp", "proc", "var/log"):
        (root / folder).mkdir(parents=True)
    (root / "etc/os-release").write_text('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (root / "usr/bin/tool").write_bytes(b"#!/bin/sh\necho tool\n")
    (root / "usr/lib/libdemo.so").write_bytes(LIB)
    (root / "usr/bin/tool").chmod(0o755)
    (root / "usr/bin/link").symlink_to("tool")
    (root / "tmp/scratch").write_text("left out\n")
    (root / "var/log/app.log").write_text("started\n")
    with open(root / "var/sparse.img", "wb") as handle:
        handle.truncate(64 * 1048576)
    os.setxattr(root / "etc/passwd", "user.weibao", b"marker")
    os.setxattr(root / "etc/os-release", "system.posix_acl_access", POSIX_ACL)
    return root


def backup(tree_root, target, mountinfo=ROOT_ONLY, **overrides):
    records, plan = MOD.run_tar(params(target, **overrides), MOD.Tools(60), False, mountinfo,
                                root=str(tree_root))
    return records, plan


# --------------------------------------------------------------------------- planning


def test_mountinfo_keeps_local_file_systems_and_names_the_others():
    mounts = MOD.parse_mountinfo(MOUNTINFO)
    assert {m["mount_point"] for m in mounts} >= {"/", "/boot", "/mnt/nfs share"}
    sources, skipped = MOD.plan_sources(mounts, ["/", "/boot", "/boot/efi", "/run",
                                                 "/mnt/nfs share"])
    assert sources == ["/", "/boot"]
    assert "/boot/efi: not a mount point" in skipped
    assert "/run: tmpfs (pseudo or network file system)" in skipped
    assert "/mnt/nfs share: nfs4 (pseudo or network file system)" in skipped


def test_walk_excludes_contents_keeps_folders_and_the_target(tree, tmp_path):
    target = tree / "backup"  # a target inside the tree is never in the image
    (target / "db01").mkdir(parents=True)
    (target / "db01" / "old.tar").write_text("old")
    names = {n for n, _p, _s in MOD.walk_sources(["/"], ["/tmp/*", "/backup", "/backup/*"],
                                                 str(tree))}
    assert {"./tmp", "./proc", "./etc/passwd", "./usr/bin/link", "./var/sparse.img"} <= names
    assert "./tmp/scratch" not in names
    assert not any(n.startswith("./backup") for n in names)


def test_estimate_counts_allocated_blocks_not_a_sparse_file_size(tree):
    entries = MOD.walk_sources(["/"], [], str(tree))
    assert MOD.estimate_tar(entries) < 4 * 1048576  # the 64 MiB sparse file allocates nothing


# --------------------------------------------------------------------------- the tar image


def test_tar_backup_is_verified_restorable_and_recorded(tree, tmp_path):
    target = tmp_path / "target"
    records, plan = backup(tree, target, verify="full")
    (rec,) = records
    assert rec["status"] == "verified", rec
    assert rec["verification"]["result"] == "ok"
    assert rec["verification"]["method"] == MOD.TAR_FULL_METHOD
    assert "extract + sha256 -c: 6 files ok" in rec["verification"]["detail"]
    assert rec["message"] == "" and rec["expired"] == []
    assert set(rec) == {"host_kind", "kind", "tool", "tool_version", "volume_group", "path",
                        "target", "files", "size_bytes", "sha256", "checksum", "started_at",
                        "finished_at", "status", "verification", "message", "expired"}
    assert (rec["host_kind"], rec["kind"], rec["tool"]) == ("linux", "system", "tar")
    assert rec["tool_version"].startswith("tar (GNU tar)")
    folder = Path(rec["path"]).parent
    assert folder.parent == target / "db01" and MOD.STAMP_RE.match(folder.name)
    assert rec["sha256"] == hashlib.sha256(Path(rec["path"]).read_bytes()).hexdigest()
    assert rec["checksum"] == f"sha256:{rec['sha256']}"
    names = sorted(Path(f["path"]).name for f in rec["files"])
    assert names == ["manifest.sha256", "root.files", "root.tar", "root.tar.sha256"]
    for entry in rec["files"]:
        data = Path(entry["path"]).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert rec["size_bytes"] == sum(f["size"] for f in rec["files"])
    assert plan["sources"] == ["/"]
    # the archive holds what the file list holds, the manifest every regular file
    with tarfile.open(rec["path"]) as archive:
        members = {m.name for m in archive.getmembers()}
    assert {"./etc/passwd", "./usr/bin/link", "./tmp", "./var/sparse.img"} <= members
    assert "./tmp/scratch" not in members
    manifest = (folder / "manifest.sha256").read_text()
    assert f"{hashlib.sha256(LIB).hexdigest()}  ./usr/lib/libdemo.so" in manifest
    # restored with its xattr, its ACL and its holes (GNU tar, as a restore would run it)
    out = tmp_path / "restored"
    out.mkdir()
    subprocess.run(["tar", "--extract", "--file", rec["path"], "--xattrs",
                    "--xattrs-include=*", "--acls", "--numeric-owner", "-C", str(out)],
                   check=True)
    assert os.getxattr(out / "etc/passwd", "user.weibao") == b"marker"
    assert os.getxattr(out / "etc/os-release", "system.posix_acl_access") == POSIX_ACL
    assert os.stat(out / "var/sparse.img").st_size == 64 * 1048576
    assert os.stat(out / "var/sparse.img").st_blocks == 0


def test_a_file_changed_after_the_backup_is_counted_not_failed(tree, tmp_path):
    (rec,), _plan = backup(tree, tmp_path / "target")
    (tree / "var/log/app.log").write_text("started\nand logged more\n")
    ok, detail = MOD.verify_tar(MOD.Tools(60), str(Path(rec["path"]).parent), str(tree))
    assert ok, detail
    assert "tar --compare ok (1 changed on the host since)" in detail


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def _member_header(archive: Path, name: str) -> int:
    with tarfile.open(archive) as handle:
        return handle.getmember(name).offset


@pytest.fixture
def made(tree, tmp_path):
    (rec,), _plan = backup(tree, tmp_path / "target")
    assert rec["status"] == "verified", rec
    return tree, Path(rec["path"])


def _verify(tree, archive, full=False):
    return MOD.verify_tar(MOD.Tools(60), str(archive.parent), str(tree), full=full)


def test_corruption_in_file_data_is_caught_by_the_checksum_and_by_compare(made):
    """Case A of backups.md: tar -t lists the damaged archive with rc 0."""
    tree, archive = made
    offset = archive.read_bytes().index(LIB[:200]) + 1000
    _flip(archive, offset)
    assert subprocess.run(["tar", "-tf", str(archive)], capture_output=True).returncode == 0
    ok, detail = _verify(tree, archive)
    assert not ok
    assert "archive sha256" in detail and "differs from the recorded" in detail
    assert "tar --compare: 1 files differ in the archive while unchanged on the host" in detail
    assert "./usr/lib/libdemo.so" in detail
    # the archive checksum rewritten to match (bit rot and a fresh .sha256): compare and the
    # full verification still find it
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    (archive.parent / "root.tar.sha256").write_text(f"{digest}  root.tar\n")
    ok, detail = _verify(tree, archive, full=True)
    assert not ok and "archive sha256" not in detail
    assert "Contents differ" in detail
    assert "extract + sha256 -c: 1 of 6 files FAILED (e.g. ./usr/lib/libdemo.so)" in detail


def test_a_damaged_member_header_is_caught_by_the_listing(made):
    """Case B2: a member's size field; tar skips to the next header (rc 2) and loses files."""
    tree, archive = made
    header = _member_header(archive, "./etc/passwd")
    _flip(archive, header + 124 + 5)  # inside the octal size field
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    (archive.parent / "root.tar.sha256").write_text(f"{digest}  root.tar\n")  # checksum blind
    ok, detail = _verify(tree, archive)
    assert not ok
    assert "tar -tf exited 2" in detail


def test_a_truncated_archive_is_caught(made):
    """Case D: the target filled up or the copy stopped."""
    tree, archive = made
    size = archive.stat().st_size
    with open(archive, "r+b") as handle:
        handle.truncate(size // 2)
    ok, detail = _verify(tree, archive)
    assert not ok
    assert "archive sha256" in detail and "tar -tf exited 2" in detail


def test_a_missing_member_is_caught_by_the_file_list(made):
    """An archive that is intact but lacks a file of the list (made from another list)."""
    tree, archive = made
    files = archive.parent / "root.files"
    files.write_bytes(files.read_bytes() + b"./etc/shadow\0")
    ok, detail = _verify(tree, archive)
    assert not ok
    assert "listing differs from the file list: 1 missing, 0 unexpected (e.g. ./etc/shadow)" \
        in detail


def test_a_failed_verification_leaves_no_folder_that_looks_complete(tree, tmp_path,
                                                                      monkeypatch):
    target = tmp_path / "target"
    seen = {}

    def broken(tools, folder, root="/", full=False):
        seen["during"] = sorted(os.listdir(Path(folder).parent))
        return False, "simulated failure"
    monkeypatch.setattr(MOD, "verify_tar", broken)
    (rec,), _plan = backup(tree, target)
    assert seen["during"][0].endswith(".partial")  # written under .partial
    assert rec["status"] == "failed" and rec["verification"]["result"] == "failed"
    assert rec["message"] == "verification failed: simulated failure / 备份校验失败"
    assert rec["path"].endswith(".failed/root.tar")
    assert not [n for n in os.listdir(target / "db01") if MOD.STAMP_RE.match(n)]


def test_a_backup_that_does_not_fit_is_refused_with_figures_and_nothing_written(tree, tmp_path):
    target = tmp_path / "target"
    (rec,), plan = backup(tree, target, margin_mb=1 << 40)  # a margin no disk has
    assert rec["status"] == "failed"
    assert rec["verification"]["result"] == "not_run"
    assert rec["message"].startswith(f"not enough free space on {target}: the backup needs about")
    assert "MiB available" in rec["message"] and "空间不足" in rec["message"]
    assert rec["files"] == [] and rec["path"] == ""
    assert not target.exists()
    assert plan["estimate_bytes"] > 0 and plan["free_bytes"] > 0


def test_check_mode_writes_nothing(tree, tmp_path):
    target = tmp_path / "target"
    records, plan = MOD.run_tar(params(target), MOD.Tools(60), True, ROOT_ONLY,
                                root=str(tree))
    assert records == [] and plan["members"] > 5
    assert not target.exists()


def test_no_local_file_system_is_a_failed_record():
    nfs_root = "22 1 0:50 / / rw - nfs4 filer:/root rw\n"
    (rec,), _plan = MOD.run_tar(params("/nonexistent-target"), MOD.Tools(60), False, nfs_root)
    assert rec["status"] == "failed"
    assert rec["message"].startswith("no local file system to back up among /")


# --------------------------------------------------------------------------- retention


def _stamp_dirs(host_dir: Path, names, kind="system"):
    for name in names:
        (host_dir / name).mkdir(parents=True)
        (host_dir / name / ".kind").write_text(kind + "\n")


def test_retention_keeps_the_newest_verified_per_kind(tmp_path):
    host = tmp_path / "db01"
    _stamp_dirs(host, ["20261101T010000Z", "20261102T010000Z", "20261103T010000Z",
                       "20261104T010000Z", "20261102T050000Z.failed",
                       "20261105T010000Z.partial"])
    _stamp_dirs(host, ["20261001T010000Z"], kind="volume_group:datavg")
    removed = MOD.retention(str(host), MOD.kind_of_folder, "system", 2, True)
    assert sorted(Path(p).name for p in removed) == [
        "20261101T010000Z", "20261102T010000Z", "20261102T050000Z.failed"]
    left = sorted(os.listdir(host))
    # the newer .partial may be a run still going; the other kind is not touched
    assert left == ["20261001T010000Z", "20261103T010000Z", "20261104T010000Z",
                    "20261105T010000Z.partial"]


def test_retention_removes_nothing_when_this_backup_is_not_verified(tmp_path):
    host = tmp_path / "db01"
    _stamp_dirs(host, ["20261101T010000Z", "20261102T010000Z"])
    assert MOD.retention(str(host), MOD.kind_of_folder, "system", 1, False) == []
    assert len(os.listdir(host)) == 2
    # keep 1 keeps the newest verified one, never zero
    removed = MOD.retention(str(host), MOD.kind_of_folder, "system", 1, True)
    assert [Path(p).name for p in removed] == ["20261101T010000Z"]


def test_retention_runs_after_a_verified_backup(tree, tmp_path):
    target = tmp_path / "target"
    _stamp_dirs(target / "db01", ["20250101T000000Z", "20250201T000000Z"])
    (rec,), _plan = backup(tree, target, keep=2)
    assert rec["status"] == "verified"
    assert [Path(p).name for p in rec["expired"]] == ["20250101T000000Z"]
    assert sorted(os.listdir(target / "db01"))[0] == "20250201T000000Z"


# --------------------------------------------------------------------------- ReaR


def _targz(path: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, __import__("io").BytesIO(data))


REAR_SYSTEM = {"etc/os-release": b"ID=debian\n", "etc/passwd": b"root:x:0:0\n",
               "usr/bin/ls": b"\x7fELF", "var/log/rear/rear-db01.log": b"log\n"}
# what ReaR 2.7 wrote in an unprivileged container with the default configuration (an
# overlay root: an empty include list), as recorded in ../shared/notes/backups.md: only its log
REAR_NOTHING = {"var/log/rear/rear-db01.log": b"2026-12-06 Relax-and-Recover 2.7 ...\n"}


def test_rear_configuration_is_read_site_then_local(tmp_path):
    (tmp_path / "site.conf").write_text("BACKUP=NETFS\nBACKUP_URL=nfs://filer/export\n")
    (tmp_path / "local.conf").write_text(
        "OUTPUT=ISO\nBACKUP_URL='file:///backup'  # the NFS export, mounted\n"
        "BACKUP_INTEGRITY_CHECK=yes\n")
    settings = MOD.read_rear_config(str(tmp_path))
    assert settings["BACKUP"] == "NETFS" and settings["BACKUP_INTEGRITY_CHECK"] == "yes"
    assert MOD.rear_target(settings) == "/backup"
    with pytest.raises(MOD.BackupError, match="nfs://filer/export is not a file:// URL"):
        MOD.rear_target({"BACKUP_URL": "nfs://filer/export"})
    assert MOD.choose_method({"method": "auto", "rear_config_dir": str(tmp_path)}, False) == "rear"
    assert MOD.choose_method({"method": "auto", "rear_config_dir": "/nonexistent"}, False) == "tar"
    assert MOD.choose_method({"method": "auto", "rear_config_dir": str(tmp_path)}, True) == "mksysb"


def test_rear_archive_of_the_system_is_verified_with_its_md5(tmp_path):
    archive = tmp_path / "backup.tar.gz"
    _targz(archive, REAR_SYSTEM)
    md5 = hashlib.md5(archive.read_bytes()).hexdigest()  # noqa: S324
    (tmp_path / "backup.tar.gz.md5").write_text(f"{md5}  backup.tar.gz\n")
    ok, detail, checksum = MOD.verify_rear(MOD.Tools(60), str(archive),
                                           ["etc/os-release", "usr/bin/"])
    assert ok, detail
    assert checksum == f"md5:{md5}"
    assert "tar -tzf: 4 members" in detail and "md5 = BACKUP_INTEGRITY_CHECK's" in detail


def test_rear_archive_of_only_its_log_is_failed(tmp_path):
    archive = tmp_path / "backup.tar.gz"
    _targz(archive, REAR_NOTHING)
    ok, detail, _checksum = MOD.verify_rear(MOD.Tools(60), str(archive),
                                            ["etc/os-release", "usr/bin/"])
    assert not ok
    assert "lack etc/os-release, usr/bin/" in detail
    assert "the archive holds only ReaR's own log: ReaR backed up nothing" in detail


@pytest.mark.parametrize("damage", ["gzip", "md5"])
def test_rear_archive_damage_is_caught(tmp_path, damage):
    archive = tmp_path / "backup.tar.gz"
    _targz(archive, {**REAR_SYSTEM, "usr/lib/big": os.urandom(200000)})
    md5 = hashlib.md5(archive.read_bytes()).hexdigest()  # noqa: S324
    (tmp_path / "backup.tar.gz.md5").write_text(f"{md5}  backup.tar.gz\n")
    if damage == "gzip":
        _flip(archive, archive.stat().st_size // 2)
    else:
        (tmp_path / "backup.tar.gz.md5").write_text("0" * 32 + "  backup.tar.gz\n")
    ok, detail, _checksum = MOD.verify_rear(MOD.Tools(60), str(archive), ["etc/os-release"])
    assert not ok
    assert ("gzip -t exited 1" in detail) if damage == "gzip" else \
        ("differs from BACKUP_INTEGRITY_CHECK's 000" in detail)


def _fake_rear(tmp_path: Path, members, rc=0) -> Path:
    """A stand-in for `rear` (no ReaR runs in a unit test): writes the archive ReaR would
    write at BACKUP_URL/HOSTNAME/ and exits ``rc``; 143 is ReaR stopping itself."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    source = tmp_path / "prepared.tar.gz"
    _targz(source, members)
    script = bin_dir / "rear"
    script.write_text(
        "#!/bin/sh\n[ \"$1\" = -V ] && { echo 'Relax-and-Recover 2.7 / Git'; exit 0; }\n"
        f"mkdir -p {tmp_path}/out/db01 && cp {source} {tmp_path}/out/db01/backup.tar.gz\n"
        f"echo 'ERROR: simulated' >&2; exit {rc}\n" if rc else
        "#!/bin/sh\n[ \"$1\" = -V ] && { echo 'Relax-and-Recover 2.7 / Git'; exit 0; }\n"
        f"mkdir -p {tmp_path}/out/db01 && cp {source} {tmp_path}/out/db01/backup.tar.gz\n")
    script.chmod(0o755)
    conf = tmp_path / "rear"
    conf.mkdir()
    (conf / "local.conf").write_text(f"BACKUP=NETFS\nBACKUP_URL=file://{tmp_path}/out\n"
                                     "NETFS_PREFIX=db01\n")
    return bin_dir


@pytest.mark.parametrize("members,rc,status,message", [
    (REAR_SYSTEM, 0, "verified", ""),
    (REAR_NOTHING, 0, "failed", "ReaR backed up nothing"),
    (REAR_SYSTEM, 143, "failed", "rear mkbackuponly exited 143 (ReaR stopped itself"),
])
def test_rear_run_is_judged_on_its_archive_not_its_exit_status(tree, tmp_path, members, rc,
                                                              status, message):
    bin_dir = _fake_rear(tmp_path, members, rc)
    p = params(tmp_path / "unused", method="rear", rear_config_dir=str(tmp_path / "rear"),
               key_paths=["etc/os-release", "usr/bin/"])
    (rec,), _plan = MOD.run_rear(p, MOD.Tools(60, path=[str(bin_dir)]), False, ROOT_ONLY,
                                 root=str(tree))
    assert rec["status"] == status, rec
    assert message in rec["message"]
    assert rec["tool"] == "rear" and rec["tool_version"].startswith("Relax-and-Recover 2.7")
    from weibao.services.backups import validate_record
    assert validate_record(rec)["status"] == status  # the shape the runner accepts
    assert rec["target"] == str(tmp_path / "out")
    if status == "verified":
        assert rec["path"].startswith(str(tmp_path / "out" / "db01"))
        assert MOD.STAMP_RE.match(Path(rec["path"]).parent.name)
        assert rec["sha256"] == hashlib.sha256(Path(rec["path"]).read_bytes()).hexdigest()


# --------------------------------------------------------------------------- AIX (replayed)


class AixHost:
    """tests/shims/scenarios/aix_backup.yml on a private search path (one shim per command)."""

    def __init__(self, tmp: Path, scenario: dict):
        tools = install.build(scenario, tmp, local=True)
        self.bin = tmp / "bin"
        self.bin.mkdir()
        for tool in tools:
            (self.bin / tool).symlink_to(SHIM)
        self.scenario_file = tmp / "etc" / "weibao-shims" / "scenario.json"

    def run(self, target, **overrides):
        p = params(target, method="mksysb", **overrides)
        return MOD.run_aix(p, MOD.Tools(60, path=[str(self.bin)]), False)


@pytest.fixture
def aix(tmp_path, monkeypatch):
    def make(changes=None):
        scenario = copy.deepcopy(install.load("aix_backup"))
        for line, entry in (changes or {}).items():
            if entry is None:
                scenario["commands"].pop(line)
            else:
                scenario["commands"][line] = entry
        folder = tmp_path / "aix"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        host = AixHost(folder, scenario)
        monkeypatch.setenv("WEIBAO_SHIM_SCENARIO", str(host.scenario_file))
        return host
    return make


def test_aix_mksysb_and_savevg_are_verified(aix, tmp_path):
    target = tmp_path / "target"
    records, plan = aix().run(target, savevg=["datavg"], host="aixapp03")
    mksysb, savevg = records
    assert mksysb["status"] == "verified", mksysb
    assert (mksysb["host_kind"], mksysb["kind"], mksysb["tool"], mksysb["volume_group"]) == \
        ("aix", "system", "mksysb", "rootvg")
    assert mksysb["tool_version"] == "AIX 7300-03-01-2520"
    assert mksysb["verification"] == {
        "method": "lsmksysb -l + restore -Tvqf", "result": "ok",
        "detail": "lsmksysb -l: rootvg, 10 LVs; restore -Tvqf: 18 files,"
                  " ./etc/objrepos/, ./usr/bin/ present"}
    image = Path(mksysb["path"])
    assert image.name == "aixapp03.mksysb" and image.parent.parent == target / "aixapp03"
    digest = hashlib.sha256(image.read_bytes()).hexdigest()
    assert mksysb["sha256"] == digest  # csum -h SHA256's answer, lower case
    assert mksysb["checksum"] == f"sha256:{digest}"
    assert [f["sha256"] for f in mksysb["files"]] == [digest]
    assert savevg["status"] == "verified", savevg
    assert (savevg["kind"], savevg["tool"], savevg["volume_group"]) == \
        ("volume_group", "savevg", "datavg")
    assert savevg["verification"]["method"] == "lsavevg -l + restore -Tvqf"
    assert "./tmp/vgdata/datavg/ present" in savevg["verification"]["detail"]
    assert Path(savevg["path"]).name == "aixapp03.datavg.savevg"
    # no csum line for the savevg image: hashlib's digest
    assert savevg["sha256"] == hashlib.sha256(Path(savevg["path"]).read_bytes()).hexdigest()
    assert Path(savevg["path"]).parent != image.parent  # one folder per backup
    # the estimate: hd4, hd2, hd9var and hd3 of rootvg as df -k reports them
    assert plan["estimate_bytes_rootvg"] == (246120 + 3780212 + 246464 + 40464) * 1024


def test_aix_image_without_system_files_is_failed(aix, tmp_path):
    host = aix({"restore -Tvqf *.mksysb": {
        "fixture": "aix_backup/restore_Tvqf/mksysb_no_system.raw"}})
    (rec,), _plan = host.run(tmp_path / "target")
    assert rec["status"] == "failed" and rec["verification"]["result"] == "failed"
    assert "restore -Tvqf: ./etc/objrepos/, ./usr/bin/ missing from the image" in rec["message"]
    assert rec["path"].endswith(".failed/db01.mksysb")


def test_aix_image_lsmksysb_cannot_read_is_failed(aix, tmp_path):
    host = aix({"lsmksysb -l -f *": {"fixture": "aix/lsmksysb_l_f_path/not_a_mksysb.raw",
                                     "rc": 1},
                "restore -Tvqf *.mksysb": {
                    "fixture": "aix_backup/restore_Tvqf/not_an_archive.raw", "rc": 1}})
    (rec,), _plan = host.run(tmp_path / "target")
    assert rec["status"] == "failed"
    assert "lsmksysb -l exited 1, volume group (none), 0 LVs listed" in rec["message"]
    assert "restore -Tvqf exited 1, 0 files listed" in rec["message"]


def test_aix_mksysb_failing_is_failed_with_its_message(aix, tmp_path):
    host = aix({"mksysb -i -X *": {"fixture": "aix_backup/mksysb_i_X/no_space.raw", "rc": 1,
                                   "stderr": "0511-432 A write error occurred: There is not "
                                             "enough space in the file system.\n"}})
    (rec,), _plan = host.run(tmp_path / "target")
    assert rec["status"] == "failed" and rec["verification"]["result"] == "not_run"
    assert rec["message"].startswith("mksysb of rootvg failed: mksysb exited 1, image missing:"
                                     " 0511-432 A write error occurred")


def test_aix_exclude_list_is_used_when_present(aix, tmp_path, monkeypatch):
    exclude = tmp_path / "exclude.rootvg"
    exclude.write_text("^./tmp/\n")
    monkeypatch.setattr(MOD, "EXCLUDE_ROOTVG", str(exclude))
    host = aix({"mksysb -i -X *": None, "mksysb -i -X -e *": {
        "fixture": "aix_backup/mksysb_i_X/ok.raw",
        "creates": {"arg": -1, "text": "mksysb image written by weibao-shim (replayed AIX)\n"}}})
    (rec,), _plan = host.run(tmp_path / "target")
    assert rec["status"] == "verified", rec


def test_aix_backup_that_does_not_fit_is_refused(aix, tmp_path):
    (rec,), _plan = aix().run(tmp_path / "target", margin_mb=1 << 40)
    assert rec["status"] == "failed" and "not enough free space" in rec["message"]
    assert not (tmp_path / "target").exists()


# --------------------------------------------------------------------------- verify again


def test_verify_path_reads_an_earlier_tar_backup_again(made):
    tree, archive = made
    p = params(archive.parent.parent.parent)
    rec = MOD.verify_existing(p, MOD.Tools(60), str(archive.parent), root=str(tree))
    assert rec["status"] == "verified" and rec["tool"] == "tar"
    assert rec["sha256"] == hashlib.sha256(archive.read_bytes()).hexdigest()
    _flip(archive, archive.read_bytes().index(LIB[:200]) + 10)
    rec = MOD.verify_existing(p, MOD.Tools(60), str(archive.parent), root=str(tree))
    assert rec["status"] == "failed" and rec["verification"]["result"] == "failed"
    assert rec["message"].startswith("verification failed: archive sha256")


def test_verify_path_reads_an_earlier_aix_image_again(aix, tmp_path):
    host = aix()
    (rec,), _plan = host.run(tmp_path / "target")
    again = MOD.verify_existing(params(tmp_path / "target"), MOD.Tools(60, path=[str(host.bin)]),
                                str(Path(rec["path"]).parent))
    assert (again["status"], again["tool"], again["volume_group"]) == \
        ("verified", "mksysb", "rootvg")
    assert again["sha256"] == rec["sha256"]


def test_verify_path_without_a_backup_is_failed(tmp_path):
    rec = MOD.verify_existing(params(tmp_path), MOD.Tools(60), str(tmp_path))
    assert rec["status"] == "failed" and "no backup found" in rec["message"]


def test_playbook_backs_up_linux_and_aix_hosts_only():
    import yaml
    plays = yaml.safe_load((PROJECT / "playbooks" / "system_backup.yml").read_text())
    linux, aix_play = (play["hosts"] for play in plays)
    for group in ("weibao_bmcs", "weibao_arrays", "weibao_network", "weibao_hmcs"):
        assert f":!{group}" in linux and f":!{group}" in aix_play
    assert ":!weibao_aix" in linux and ":&weibao_aix" in aix_play
    assert all(play["roles"] == [{"role": "backup_system"}] for play in plays)


def test_exclusions_match_hidden_folders_by_their_real_name(tree):
    (tree / ".cache" / "pip").mkdir(parents=True)
    (tree / ".cache" / "pip" / "wheel").write_text("x")
    (tree / "cache").mkdir()
    (tree / "cache" / "keep").write_text("x")
    names = {n for n, _p, _s in MOD.walk_sources(["/"], ["/.cache/*"], str(tree))}
    assert "./.cache" in names and "./.cache/pip" not in names
    assert "./cache/keep" in names


def test_a_manifest_file_missing_from_the_archive_is_caught(made):
    tree, archive = made
    manifest = archive.parent / "manifest.sha256"
    manifest.write_text(manifest.read_text() + f"{'0' * 64}  ./etc/shadow\n")
    ok, detail = _verify(tree, archive)
    assert not ok and "1 manifest files not in the archive (e.g. ./etc/shadow)" in detail


def test_rear_exit_0_without_an_archive_is_failed(tree, tmp_path):
    bin_dir = _fake_rear(tmp_path, REAR_SYSTEM)
    script = bin_dir / "rear"
    script.write_text("#!/bin/sh\n[ \"$1\" = -V ] && echo 'Relax-and-Recover 2.7'\nexit 0\n")
    p = params(tmp_path, method="rear", rear_config_dir=str(tmp_path / "rear"))
    (rec,), _plan = MOD.run_rear(p, MOD.Tools(60, path=[str(bin_dir)]), False, ROOT_ONLY,
                                 root=str(tree))
    assert rec["status"] == "failed"
    archive = tmp_path / "out" / "db01" / "backup.tar.gz"
    assert rec["message"].startswith(f"rear exited 0 but wrote no {archive}")


def test_aix_listing_shorter_than_restore_states_is_failed(aix, tmp_path):
    listing = install.fixture_text("aix_backup/restore_Tvqf/mksysb_rootvg.raw", "test")
    host = aix({"restore -Tvqf *.mksysb": {"stdout": listing.replace(
        "The number of archived files is 18.", "The number of archived files is 85462.")}})
    (rec,), _plan = host.run(tmp_path / "target")
    assert rec["status"] == "failed"
    assert "restore -Tvqf listed 18 files, it states 85462" in rec["message"]


def test_aix_sha256_is_csum_answer_when_aix_has_it_else_python(aix, tmp_path):
    answer = "AB" * 32
    host = aix({"csum -h SHA256 *.mksysb": {"stdout": f"{answer}\tx.mksysb\n"}})
    (rec,), _plan = host.run(tmp_path / "target")
    assert rec["sha256"] == answer.lower()  # what csum said, not recomputed
    host = aix({"csum -h SHA256 *.mksysb": {"stdout": "csum: unknown algorithm SHA256\n",
                                            "rc": 1}})
    (rec,), _plan = host.run(tmp_path / "target2")
    assert rec["sha256"] == hashlib.sha256(Path(rec["path"]).read_bytes()).hexdigest()


def test_aix_image_written_but_lsmksysb_missing_is_unverified(aix, tmp_path):
    host = aix({"lsmksysb -l -f *": None})  # bos.sysmgt.sysbr without lsmksysb: not installed
    (rec,), _plan = host.run(tmp_path / "target")
    assert rec["status"] == "unverified" and rec["verification"]["result"] == "not_run"
    assert rec["message"].startswith("mksysb of rootvg written, not verified: lsmksysb is not"
                                     " installed")
    assert rec["path"].endswith(".unverified/db01.mksysb")
    assert rec["expired"] == []


def test_rear_archive_left_from_an_earlier_run_is_not_this_backup(tree, tmp_path):
    bin_dir = _fake_rear(tmp_path, REAR_SYSTEM)
    (bin_dir / "rear").write_text("#!/bin/sh\n[ \"$1\" = -V ] && echo 'Relax-and-Recover 2.7'\n"
                                  "exit 0\n")
    old = tmp_path / "out" / "db01" / "backup.tar.gz"
    old.parent.mkdir(parents=True)
    _targz(old, REAR_SYSTEM)
    os.utime(old, (1700000000, 1700000000))
    p = params(tmp_path, method="rear", rear_config_dir=str(tmp_path / "rear"))
    (rec,), _plan = MOD.run_rear(p, MOD.Tools(60, path=[str(bin_dir)]), False, ROOT_ONLY,
                                 root=str(tree))
    assert rec["status"] == "failed" and rec["verification"]["result"] == "not_run"
    assert "is from an earlier run: ReaR wrote no new backup" in rec["message"]
    assert old.exists()  # not moved, not claimed


def test_a_separate_boot_file_system_is_walked_from_its_own_top(tree, monkeypatch):
    """/boot on its own device: the root's walk keeps its folder empty, /boot's walk fills it."""
    boot = tree / "boot"
    (boot / "grub").mkdir(parents=True)
    (boot / "vmlinuz-6.1.0-31-amd64").write_bytes(b"kernel")
    real = os.lstat

    def lstat(path):
        st = real(path)
        if str(path) == str(boot) or str(path).startswith(str(boot) + "/"):
            values = list(st)
            values[stat.ST_DEV] = st.st_dev + 1
            return os.stat_result(values)
        return st
    monkeypatch.setattr(MOD.os, "lstat", lstat)
    only_root = [n for n, _p, _s in MOD.walk_sources(["/"], [], str(tree))]
    assert "./boot" in only_root and "./boot/grub" not in only_root
    both = [n for n, _p, _s in MOD.walk_sources(["/", "/boot"], [], str(tree))]
    assert both.count("./boot") == 1
    assert {"./boot/grub", "./boot/vmlinuz-6.1.0-31-amd64"} <= set(both)


# --------------------------------------------------------------------------- contract A


def test_every_record_kind_is_one_the_runner_accepts(tree, tmp_path, aix):
    """The records of each outcome pass the runner's check of the agreed shape
    (runner/weibao/services/backups.py validate_record, docs/change-control.md)."""
    from weibao.services.backups import validate_record

    made = [backup(tree, tmp_path / "t1")[0][0],                      # verified tar
            backup(tree, tmp_path / "t2", margin_mb=1 << 40)[0][0],   # refused: no space
            MOD.run_tar(params("/x"), MOD.Tools(60), False,
                        "22 1 0:50 / / rw - nfs4 f:/ rw\n")[0][0]]    # nothing local
    made += aix().run(tmp_path / "t3", savevg=["datavg"])[0]           # mksysb + savevg
    made += aix({"lsmksysb -l -f *": None}).run(tmp_path / "t4")[0]   # unverified
    made.append(MOD.verify_existing(params(tmp_path), MOD.Tools(60), str(tmp_path / "t5")))
    statuses = []
    for rec in made:
        checked = validate_record(rec)
        statuses.append(checked["status"])
    assert statuses == ["verified", "failed", "failed", "verified", "verified", "unverified",
                        "failed"]


def test_a_file_tar_wrote_wrong_is_damage_when_the_host_file_did_not_change(made):
    """The archive and its manifest agree (both read from what tar wrote) but differ from a
    host file not modified since the backup started: tar --compare finds it."""
    tree, archive = made
    _flip(archive, archive.read_bytes().index(LIB[:200]) + 1000)
    MOD.write_manifest(str(archive), str(archive.parent / "manifest.sha256"))
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    (archive.parent / "root.tar.sha256").write_text(f"{digest}  root.tar\n")
    later = archive.stat().st_mtime + 60  # the backup started after the file's last change
    os.utime(archive.parent / "root.files", (later, later))
    ok, detail = _verify(tree, archive)
    assert not ok
    assert "tar --compare: 1 files differ in the archive while unchanged on the host" in detail
    # the same difference on a file modified during the backup is a change, not damage
    os.utime(archive.parent / "root.files", (later - 120, later - 120))
    ok, detail = _verify(tree, archive)
    assert ok and "1 changed on the host since" in detail
