#!/usr/bin/python
# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: weibao_system_backup
short_description: Back up a host's system volumes and verify the backup (ReaR, tar, mksysb, savevg)
version_added: "0.4.0"
description:
  - Makes a system-volume backup of the host it runs on, verifies it by reading it back, and
    returns one record per backup made (C(backups)). ReaR (C(rear mkbackuponly) or
    C(mkbackup)) where the site uses it, else a tar image of the root and boot file systems
    with a per-file sha256 manifest on Linux; C(mksysb -i -X) of rootvg and C(savevg) of the
    volume groups named in O(savevg) on AIX.
  - "The target's free space is checked first: a backup that would not fit is C(failed) with
    the figures and nothing is written. Output goes to O(target)/HOST/STAMP/ (STAMP =
    C(YYYYMMDDTHHMMSSZ)), written as STAMP.partial and renamed only once verified: a crash or
    a failed verification never leaves a folder that looks complete (STAMP.failed, or
    STAMP.unverified when the backup was written but a verification tool could not run:
    status C(unverified))."
  - "ReaR's exit status is not trusted: its backup.tar.gz at BACKUP_URL is tested with
    C(gzip -t), listed with C(tar -tzf), and must hold the system's key paths (O(key_paths));
    an archive of only ReaR's own log (ReaR 2.7 on a root file system it does not know backs
    up nothing and exits 0) is C(failed) with that reason. The .md5 of
    BACKUP_INTEGRITY_CHECK is checked when present."
  - "The tar image is verified by reading it back: the archive's sha256 again, C(tar -tf)
    (exit status and every name against the file list the archive was made from), and
    C(tar --compare) (a difference is damage when the live file still has the manifest's
    sha256 or was not modified since the backup started; files changed during or after the
    backup are counted, not failed). The manifest is read from the archive right after tar
    wrote it. O(verify)=full also extracts it to a temporary folder and checks every file
    against the manifest."
  - "Retention: the O(keep) newest verified backups per host and kind are kept; the newest
    verified one is never removed, and nothing is removed when this run's backup is not
    verified. Unverified or failed folders (.partial, .failed) older than the newest verified
    backup are removed too."
  - Tools run with C(LC_ALL=C), each with O(timeout).
author:
  - weibao contributors
attributes:
  check_mode:
    support: full
    description: >-
      In check mode nothing is written; the plan (method, sources, estimate, free space)
      is returned.
  diff_mode:
    support: none
    description: No diff.
  platform:
    platforms: posix
    description: Linux (GNU tar 1.27 or later; ReaR 2.x) and IBM AIX 7.1 to 7.3.
options:
  target:
    description:
      - The backup target folder on the host (a local file system or a mounted NFS export).
        With ReaR, the path of its BACKUP_URL (file:// or a mounted nfs://) is the target.
    type: path
    default: /backup/weibao
  host:
    description:
      - The name of the host's folder under the target (the inventory hostname).
    type: str
    required: true
  method:
    description:
      - C(auto) is C(mksysb) on AIX, C(rear) on Linux when the ReaR configuration says
        C(BACKUP=NETFS), else C(tar).
    type: str
    choices: [auto, rear, tar, mksysb]
    default: auto
  rear_workflow:
    description:
      - The ReaR workflow, C(mkbackuponly) (the backup) or C(mkbackup) (rescue image too).
    type: str
    choices: [mkbackuponly, mkbackup]
    default: mkbackuponly
  rear_config_dir:
    description:
      - ReaR's configuration folder (its site.conf and local.conf are read, in that order).
    type: path
    default: /etc/rear
  filesystems:
    description:
      - Mount points of the file systems the tar image holds, as far as they are local file
        systems (pseudo and network file systems are never included). Those not mounted are
        left out (their folder is in the root file system's image anyway).
    type: list
    elements: str
    default: [/, /boot, /boot/efi]
  exclude:
    description:
      - Paths left out of the tar image (glob patterns on absolute paths; C(/tmp/*) keeps the
        folder and drops what is in it). The target is always left out.
    type: list
    elements: str
    default: ["/tmp/*", "/var/tmp/*", "/var/cache/apt/archives/*.deb", "/var/cache/dnf/*"]
  key_paths:
    description:
      - Paths every system backup must hold (relative, without a leading C(/) or C(./)); one
        ending with C(/) must hold something under it.
    type: list
    elements: str
    default: [etc/os-release, etc/passwd, usr/bin/]
  verify:
    description:
      - C(standard) reads the archive back (checksum, listing, compare); C(full) also
        extracts it and checks every file's sha256 against the manifest.
    type: str
    choices: [standard, full]
    default: standard
  keep:
    description:
      - How many verified backups per host and kind are kept on the target (1 or more).
    type: int
    default: 3
  savevg:
    description:
      - AIX volume groups besides rootvg to back up with C(savevg -i).
    type: list
    elements: str
    default: []
  timeout:
    description:
      - Seconds each tool may run (the backup tool itself included).
    type: int
    default: 14400
  margin_mb:
    description:
      - Free space the target must keep beyond the estimate, in MiB.
    type: int
    default: 256
  verify_path:
    description:
      - A backup folder made earlier (TARGET/HOST/STAMP) to verify again instead of making a
        backup; the record says whether it still is what was written (status verified or
        failed). Nothing is written or removed.
    type: path
notes:
  - Run as root (C(become=true)).
  - On AIX set C(ansible_python_interpreter) (the AIX Toolbox's /opt/freeware/bin/python3).
"""

EXAMPLES = r"""
- name: Back up the system volumes and verify the backup
  weibao_system_backup:
    target: /backup/weibao
    host: "{{ inventory_hostname }}"
    keep: 3
"""

RETURN = r"""
backups:
  description: One record per backup made this run (the contract's record shape).
  returned: always
  type: list
  elements: dict
  sample:
    - host_kind: linux
      kind: system
      tool: tar
      tool_version: tar (GNU tar) 1.34
      volume_group: ""
      path: /backup/weibao/db01/20261206T221500Z/root.tar
      target: /backup/weibao
      files:
        - {path: /backup/weibao/db01/20261206T221500Z/root.tar, size: 178698240,
           sha256: "9f86d0..."}
      size_bytes: 179400000
      sha256: "9f86d0..."
      checksum: "sha256:9f86d0..."
      started_at: "2026-12-06T22:15:00Z"
      finished_at: "2026-12-06T22:15:09Z"
      status: verified
      verification: {method: "tar listing+per-file sha256 manifest", result: ok, detail: "..."}
      message: ""
      expired: []
plan:
  description: >-
    What the module would do (method, sources, estimate, free space); in check mode only
    this.
  returned: always
  type: dict
"""

import datetime as _dt
import fnmatch
import hashlib
import os
import platform
import re
import shutil
import socket
import stat
import subprocess
import tempfile

from ansible.module_utils.basic import AnsibleModule

STAMP_RE = re.compile(r"^\d{8}T\d{6}Z$")
# File systems never in a system image: kernel, memory, and network file systems.
PSEUDO_OR_NETWORK = {
    "proc", "sysfs", "devtmpfs", "devpts", "tmpfs", "ramfs", "cgroup", "cgroup2", "securityfs",
    "pstore", "debugfs", "tracefs", "configfs", "fusectl", "mqueue", "hugetlbfs", "bpf",
    "autofs", "binfmt_misc", "efivarfs", "rpc_pipefs", "nsfs", "selinuxfs", "squashfs",
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "glusterfs", "fuse.glusterfs", "9p",
    "fuse.sshfs", "lustre", "gpfs", "ocfs2", "afs", "iso9660", "overlay.fuse", "nfsd",
}
TAR_METHOD = "tar listing+per-file sha256 manifest"
TAR_FULL_METHOD = TAR_METHOD + "+extract and sha256 -c"
REAR_METHOD = "gzip -t + tar -tzf listing (key paths) + md5"
MKSYSB_METHOD = "lsmksysb -l + restore -Tvqf"
SAVEVG_METHOD = "lsavevg -l + restore -Tvqf"
EXCLUDE_ROOTVG = "/etc/exclude.rootvg"  # mksysb -e leaves out what it lists
AIX_KEY_PATHS = ["./etc/objrepos/", "./usr/bin/"]


class BackupError(Exception):
    """A step failed; the message says what, in English / 中文."""


def now_utc():
    return _dt.datetime.now(_dt.timezone.utc)


def iso(when):
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def stamp_of(when):
    return when.strftime("%Y%m%dT%H%M%SZ")


# --------------------------------------------------------------------------- tools


class Tools:
    """Runs the host's tools with LC_ALL=C and a timeout; every failure is a clear message."""

    def __init__(self, timeout, path=None):
        self.timeout = timeout
        self.env = dict(os.environ, LC_ALL="C", LANG="C")
        if path:
            self.env["PATH"] = os.pathsep.join(list(path) + [self.env.get("PATH", "")])

    def which(self, name):
        return shutil.which(name, path=self.env.get("PATH"))

    def run(self, argv, timeout=None, cwd=None):
        """(rc, stdout, stderr) as text; a missing tool or a timeout raises BackupError."""
        if self.which(argv[0]) is None and not os.path.isabs(argv[0]):
            raise BackupError(f"{argv[0]} is not installed / 未安装 {argv[0]}")
        try:
            proc = subprocess.run(argv, capture_output=True, env=self.env, cwd=cwd,
                                  timeout=timeout or self.timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise BackupError(f"{' '.join(argv[:3])} did not finish within {exc.timeout:.0f} s"
                              f" / {argv[0]} 在 {exc.timeout:.0f} 秒内未完成") from exc
        except OSError as exc:
            raise BackupError(f"{argv[0]}: {exc.strerror} / 无法运行 {argv[0]}") from exc
        return (proc.returncode, proc.stdout.decode("utf-8", "replace"),
                proc.stderr.decode("utf-8", "replace"))


def read_text(path):
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def first_line(text, limit=200):
    for line in str(text).splitlines():
        if line.strip():
            return line.strip()[:limit]
    return ""


# --------------------------------------------------------------------------- files


def sha256_file(path, chunk=1 << 20):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while True:
            block = handle.read(chunk)
            if not block:
                break
            digest.update(block)
    return digest.hexdigest()


def md5_file(path, chunk=1 << 20):
    digest = hashlib.md5()  # noqa: S324  (ReaR's BACKUP_INTEGRITY_CHECK is md5)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def file_entries(folder):
    """[{path, size, sha256}] of the regular files of a backup folder, sorted."""
    entries = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if os.path.isfile(path) and not os.path.islink(path):
            entries.append({"path": path, "size": os.path.getsize(path),
                            "sha256": sha256_file(path)})
    return entries


def free_bytes(path):
    """Bytes available to root... to the caller at ``path`` (its nearest existing parent)."""
    probe = path
    while not os.path.exists(probe):
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    st = os.statvfs(probe)
    return st.f_bavail * st.f_frsize


def mib(count):
    return f"{count / 1048576:.0f} MiB"


def check_space(target, estimate, margin):
    """None when ``estimate`` bytes fit on ``target`` with ``margin`` to spare, else why not."""
    available = free_bytes(target)
    if estimate + margin > available:
        return (f"not enough free space on {target}: the backup needs about {mib(estimate)}"
                f" (+{mib(margin)} margin), {mib(available)} available / 目标 {target} 空间不足:"
                f" 约需 {mib(estimate)}(另留 {mib(margin)}),可用 {mib(available)}")
    return None


# --------------------------------------------------------------------------- mounts


def unescape_mount(text):
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)


def parse_mountinfo(text):
    """/proc/self/mountinfo -> [{mount_point, fstype, source}] (the last mount of a point wins)."""
    mounts = {}
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        fields = left.split()
        if not sep or len(fields) < 5:
            continue
        after = right.split()
        mounts[unescape_mount(fields[4])] = {
            "mount_point": unescape_mount(fields[4]), "fstype": after[0] if after else "",
            "source": after[1] if len(after) > 1 else ""}
    return list(mounts.values())


def plan_sources(mounts, wanted):
    """The mount points of ``wanted`` that are mounted local file systems; why not the others."""
    by_point = {m["mount_point"]: m for m in mounts}
    sources, skipped = [], []
    for point in wanted:
        point = os.path.normpath(point)
        mount = by_point.get(point)
        if mount is None:
            skipped.append(f"{point}: not a mount point")
            continue
        if mount["fstype"] in PSEUDO_OR_NETWORK or mount["fstype"].startswith("fuse"):
            skipped.append(f"{point}: {mount['fstype']} (pseudo or network file system)")
            continue
        sources.append(point)
    return sources, skipped


# --------------------------------------------------------------------------- tar image


def _excluded(path, patterns):
    return any(fnmatch.fnmatchcase(path, p) or path == p.rstrip("/") for p in patterns)


def walk_sources(sources, exclude, root="/"):
    """The file list of the image: [(archive name './x', absolute path, lstat)], in order.

    Each source is walked without crossing into another file system: a mount point inside it
    is kept as an empty folder, a file bind-mounted over it (a container's /etc/hosts) is left
    out. ``root`` is the folder archive names are relative to (/ on a host, a tree in tests).
    """
    root = os.path.abspath(root)
    seen, entries = set(), []

    def name_of(path):
        rel = os.path.relpath(path, root)
        return "." if rel == "." else "./" + rel

    for source in sources:
        top = os.path.join(root, source.lstrip("/")) if root != "/" else source
        top = os.path.abspath(top)
        try:
            device = os.lstat(top).st_dev
        except OSError:
            continue
        stack = [top]
        while stack:
            path = stack.pop()
            if path in seen and path != top:
                continue
            rel = os.path.relpath(path, root)
            logical = "/" if rel == "." else "/" + rel
            if path != top and _excluded(logical, exclude):
                continue
            try:
                st = os.lstat(path)
            except OSError:
                continue  # gone while walking
            if st.st_dev != device and not stat.S_ISDIR(st.st_mode):
                continue  # a file bind-mounted from elsewhere
            if path not in seen:  # a source's top is also its parent's mount point folder
                seen.add(path)
                entries.append((name_of(path), path, st))
            if stat.S_ISDIR(st.st_mode) and st.st_dev == device:
                try:
                    names = sorted(os.listdir(path), reverse=True)
                except OSError:
                    names = []
                stack.extend(os.path.join(path, n) for n in names)
    return entries


def estimate_tar(entries):
    """Bytes the uncompressed archive takes, about: allocated data plus three 512-byte
    blocks per member (ustar header, pax header and its data)."""
    total = 0
    for _name, _path, st in entries:
        if stat.S_ISREG(st.st_mode):
            allocated = st.st_blocks * 512 if hasattr(st, "st_blocks") else st.st_size
            total += min(st.st_size, allocated) + 511
        total += 1536
    return total + 10240


def tar_base():
    return ["tar", "--xattrs", "--xattrs-include=*", "--acls", "--selinux", "--numeric-owner"]


def create_tar(tools, folder, entries, root="/"):
    """root.tar, root.files (the NUL-separated list it was made from), manifest.sha256
    (sha256sum -c format, the list's regular files), root.tar.sha256."""
    archive = os.path.join(folder, "root.tar")
    listing = os.path.join(folder, "root.files")
    with open(listing, "wb") as handle:
        for name, _path, _st in entries:
            handle.write(name.encode("utf-8", "surrogateescape") + b"\0")
    argv = tar_base() + ["--create", "--file", archive, "--one-file-system", "--sparse",
                         "--no-recursion", "-C", root, "--null", "--verbatim-files-from",
                         "--files-from", listing]
    rc, _out, err = tools.run(argv)
    # rc 1: "file changed as we read it" on a live system: the archive is complete
    if rc not in (0, 1):
        raise BackupError(f"tar --create exited {rc}: {first_line(err)}"
                          f" / tar 打包失败(退出码 {rc})")
    write_manifest(archive, os.path.join(folder, "manifest.sha256"))
    digest = sha256_file(archive)
    with open(archive + ".sha256", "w", encoding="utf-8") as handle:
        handle.write(f"{digest}  root.tar\n")
    return archive, digest, rc


def write_manifest(archive, manifest):
    """Every regular member's sha256 as the archive holds it (sha256sum -c format), read from
    the archive right after it was written: on a live system a file written between tar's
    read and a second read of the file would otherwise make the manifest disagree with the
    archive (a log appended to), and the archive would look damaged when it is not."""
    import tarfile

    try:
        with tarfile.open(archive, "r:") as handle, \
                open(manifest, "w", encoding="utf-8", errors="surrogateescape") as out:
            for member in handle:
                name = member.name if member.name.startswith(".") else "./" + member.name
                if not member.isreg() or "\n" in name or "\\" in name:
                    continue
                digest = hashlib.sha256()
                data = handle.extractfile(member)
                block = data.read(1 << 20)
                while block:
                    digest.update(block)
                    block = data.read(1 << 20)
                out.write(f"{digest.hexdigest()}  {name}\n")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"the archive tar wrote cannot be read back: {exc} /"
                          " 无法读取刚写入的归档") from exc


def read_manifest(path):
    sums = {}
    with open(path, encoding="utf-8", errors="surrogateescape") as handle:
        for line in handle:
            digest, _sep, name = line.rstrip("\n").partition("  ")
            if name:
                sums[name] = digest
    return sums


def read_file_list(path):
    with open(path, "rb") as handle:
        return [n.decode("utf-8", "surrogateescape") for n in handle.read().split(b"\0") if n]


def _norm(name):
    name = name.rstrip("/") if name not in ("./", "/") else "."
    return name


def verify_tar(tools, folder, root="/", full=False):
    """(ok, detail) of reading the tar image in ``folder`` back; every check runs."""
    archive = os.path.join(folder, "root.tar")
    problems, facts = [], []
    # 1. the archive's sha256, read again, against the one written at creation
    try:
        recorded = read_text(archive + ".sha256").split()[0]
        again = sha256_file(archive)
        if again != recorded:
            problems.append(f"archive sha256 {again[:12]}… differs from the recorded"
                            f" {recorded[:12]}…")
        else:
            facts.append("archive sha256 ok")
    except (OSError, IndexError) as exc:
        problems.append(f"archive sha256 not checked: {exc}")
    # 2. the listing: exit status, and every name against the file list
    names = read_file_list(os.path.join(folder, "root.files"))
    manifest = read_manifest(os.path.join(folder, "manifest.sha256"))
    rc, out, err = tools.run(["tar", "--list", "--quoting-style=literal", "--file", archive])
    listed = [_norm(n) for n in out.split("\n") if n]
    if rc != 0:
        problems.append(f"tar -tf exited {rc} ({first_line(err)}), {len(listed)} members listed")
    wanted = {_norm(n) for n in names if "\n" not in n}
    missing = wanted - set(listed)
    extra = set(listed) - wanted
    if missing or extra:
        example = sorted(missing or extra)[0]
        problems.append(f"listing differs from the file list: {len(missing)} missing,"
                        f" {len(extra)} unexpected (e.g. {example})")
    else:
        facts.append(f"{len(listed)} members listed = file list")
    missing_manifest = set(manifest) - set(listed)
    if missing_manifest:
        problems.append(f"{len(missing_manifest)} manifest files not in the archive"
                        f" (e.g. {sorted(missing_manifest)[0]})")
    # 3. tar --compare against the live tree. The manifest is what the archive held when it
    # was written, the file list was written just before tar started: a difference is
    # damage when the live file still has the manifest's sha256 (the archive changed since),
    # or when the live file was not modified since the backup started (tar wrote it wrong);
    # otherwise the file changed on the host during or after the backup (counted).
    started = os.stat(os.path.join(folder, "root.files")).st_mtime
    rc, out, err = tools.run(tar_base() + ["--compare", "--file", archive, "-C", root])
    damaged, changed = set(), set()
    if rc == 2 or (rc not in (0, 1)):
        problems.append(f"tar --compare exited {rc}: {first_line(err or out)}")
    for line in (out + "\n" + err).splitlines():
        match = re.match(r"^(\./.*|\.): (Contents differ|Size differs|.*)$", line)
        if not match:
            continue
        name, what = match.group(1), match.group(2)
        if what in ("Contents differ", "Size differs") and name in manifest:
            live = os.path.join(root, name[2:])
            try:
                st = os.lstat(live)
                same = sha256_file(live) == manifest[name] or \
                    max(st.st_mtime, st.st_ctime) < started - 1
            except OSError:
                same = False
            (damaged if same else changed).add(name)
        else:
            changed.add(name)
    if damaged:
        problems.append(f"tar --compare: {len(damaged)} files differ in the archive while"
                        f" unchanged on the host (e.g. {sorted(damaged)[0]}: Contents differ)")
    elif rc in (0, 1):
        facts.append(f"tar --compare ok ({len(changed)} changed on the host since)")
    # 4. full: extract and check every file of the manifest
    if full:
        scratch = tempfile.mkdtemp(prefix=".verify-", dir=folder)
        try:
            rc, _out, err = tools.run(tar_base() + ["--extract", "--file", archive,
                                                    "--same-permissions", "-C", scratch])
            if rc != 0:
                problems.append(f"tar --extract exited {rc}: {first_line(err)}")
            bad = 0
            example = ""
            for name, digest in manifest.items():
                path = os.path.join(scratch, name[2:])
                try:
                    ok = sha256_file(path) == digest
                except OSError:
                    ok = False
                if not ok:
                    bad += 1
                    example = example or name
            if bad:
                problems.append(f"extract + sha256 -c: {bad} of {len(manifest)} files FAILED"
                                f" (e.g. {example})")
            else:
                facts.append(f"extract + sha256 -c: {len(manifest)} files ok")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    detail = "; ".join(problems or facts)
    return (not problems), f"{detail} ({len(manifest)} files in the manifest)"


# --------------------------------------------------------------------------- ReaR


def read_rear_config(config_dir):
    """The settings of site.conf then local.conf (the last assignment wins): KEY -> value."""
    settings = {}
    for name in ("site.conf", "local.conf"):
        path = os.path.join(config_dir, name)
        try:
            text = read_text(path)
        except OSError:
            continue
        for line in text.splitlines():
            match = re.match(r"^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)=(.*?)\s*(?:#.*)?$", line)
            if match:
                value = match.group(2).strip()
                if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                    value = value[1:-1]
                settings[match.group(1)] = value
    return settings


def rear_target(settings):
    """The folder of BACKUP_URL (file:///backup -> /backup), or why it cannot be used."""
    url = settings.get("BACKUP_URL", "")
    match = re.match(r"^file://(/.*)$", url)
    if not match:
        raise BackupError(f"BACKUP_URL {url or '(not set)'} is not a file:// URL this module can"
                          " verify (mount an NFS target and use file://) / BACKUP_URL 不是可校验的"
                          " file:// 路径")
    return os.path.normpath(match.group(1))


def listing_has(names, key):
    """``key`` (etc/os-release, usr/bin/) among archive member names."""
    clean = {n[2:] if n.startswith("./") else n.lstrip("/") for n in names}
    if key.endswith("/"):
        return any(n.startswith(key) and n != key for n in clean)
    return key.rstrip("/") in {n.rstrip("/") for n in clean}


def verify_rear(tools, archive, key_paths):
    """(ok, detail, checksum) of ReaR's backup.tar.gz."""
    problems, facts = [], []
    rc, _out, err = tools.run(["gzip", "-t", archive])
    if rc != 0:
        problems.append(f"gzip -t exited {rc}: {first_line(err)}")
    else:
        facts.append("gzip -t ok")
    rc, out, err = tools.run(["tar", "-tzf", archive, "--quoting-style=literal"])
    names = [n for n in out.split("\n") if n]
    if rc != 0:
        problems.append(f"tar -tzf exited {rc}: {first_line(err)}, {len(names)} members")
    missing = [k for k in key_paths if not listing_has(names, k)]
    if missing:
        only_log = names and all("rear" in n and n.endswith(".log") or n.endswith("/")
                                 for n in names)
        why = " (the archive holds only ReaR's own log: ReaR backed up nothing)" if only_log else ""
        problems.append(f"the archive's {len(names)} members lack {', '.join(missing)}{why}"
                        " / 备份内容缺少系统关键路径")
    else:
        facts.append(f"tar -tzf: {len(names)} members, key paths {', '.join(key_paths)} present")
    checksum = ""
    md5 = archive + ".md5"
    if os.path.exists(md5):
        try:
            recorded = read_text(md5).split()[0].lower()
        except (OSError, IndexError):
            recorded = ""
        actual = md5_file(archive)
        checksum = f"md5:{actual}"
        if recorded != actual:
            problems.append(f"md5 {actual} differs from BACKUP_INTEGRITY_CHECK's"
                            f" {recorded or '(empty)'}")
        else:
            facts.append("md5 = BACKUP_INTEGRITY_CHECK's")
    return (not problems), "; ".join(problems or facts), checksum


# --------------------------------------------------------------------------- AIX


def parse_ls_image(text):
    """lsmksysb -l / lsavevg -l -> {volume_group, fields, lvs: [{name, type, mount}]}."""
    fields, lvs, in_table = {}, [], False
    for line in text.splitlines():
        if re.match(r"^LV NAME\s+TYPE", line):
            in_table = True
            continue
        if in_table:
            words = line.split()
            if len(words) >= 7:
                lvs.append({"name": words[0], "type": words[1], "mount": words[6]})
            continue
        match = re.match(r"^([A-Z][A-Z /()]+):\s+(.*)$", line)
        if match:
            fields[match.group(1).strip()] = match.group(2).strip()
    return {"volume_group": fields.get("VOLUME GROUP", ""), "fields": fields, "lvs": lvs}


def parse_restore_listing(text):
    """restore -Tvqf -> (member names, the count restore states or None)."""
    names, stated = [], None
    for line in text.splitlines():
        match = re.match(r"^\s*\d+\s+(\./\S.*)$", line)
        if match:
            names.append(match.group(1))
            continue
        match = re.match(r"^The number of archived files is (\d+)\.", line.strip())
        if match:
            stated = int(match.group(1))
    return names, stated


def parse_lsvg_l(text):
    """lsvg -l VG -> [{name, type, mount}]."""
    return parse_ls_image(text)["lvs"]


def parse_df_k(text):
    """AIX df -k -> {device: used bytes} (a long device name wraps to the next line)."""
    used, pending = {}, None
    for line in text.splitlines()[1:]:
        words = line.split()
        if len(words) == 1:
            pending = words[0]
            continue
        if pending:
            words, pending = [pending] + words, None
        if len(words) >= 3 and words[1].isdigit() and words[2].isdigit():
            used[words[0]] = (int(words[1]) - int(words[2])) * 1024
    return used


def aix_estimate(tools, vg):
    rc, out, err = tools.run(["lsvg", "-l", vg])
    if rc != 0:
        raise BackupError(f"lsvg -l {vg} exited {rc}: {first_line(err or out)}")
    lvs = {lv["name"] for lv in parse_lsvg_l(out) if lv["type"] in ("jfs", "jfs2")}
    rc, out, err = tools.run(["df", "-k"])
    if rc != 0:
        raise BackupError(f"df -k exited {rc}: {first_line(err or out)}")
    return sum(b for dev, b in parse_df_k(out).items() if dev.rsplit("/", 1)[-1] in lvs)


def aix_sha256(tools, path):
    """csum -h SHA256 when AIX has it (7.2 TL5 and later), else hashlib."""
    if tools.which("csum"):
        try:
            rc, out, _err = tools.run(["csum", "-h", "SHA256", path])
        except BackupError:
            rc, out = 1, ""
        word = out.split()[0].lower() if out.split() else ""
        if rc == 0 and re.match(r"^[0-9a-f]{64}$", word):
            return word
    return sha256_file(path)


def verify_aix_image(tools, path, vg, tool):
    problems, facts = [], []
    lister = ["lsmksysb", "-l", "-f", path] if tool == "mksysb" else ["lsavevg", "-l", "-f", path]
    rc, out, err = tools.run(lister)
    image = parse_ls_image(out)
    if rc != 0 or image["volume_group"] != vg or not image["lvs"]:
        problems.append(f"{' '.join(lister[:2])} exited {rc}, volume group "
                        f"{image['volume_group'] or '(none)'}, {len(image['lvs'])} LVs listed:"
                        f" {first_line(err or out)}")
    else:
        facts.append(f"{lister[0]} -l: {vg}, {len(image['lvs'])} LVs")
    rc, out, err = tools.run(["restore", "-Tvqf", path])
    names, stated = parse_restore_listing(out + "\n" + err)
    keys = AIX_KEY_PATHS if tool == "mksysb" else [f"./tmp/vgdata/{vg}/"]
    missing = [k for k in keys if not any(n.startswith(k) for n in names)]
    if rc != 0 or not names:
        problems.append(f"restore -Tvqf exited {rc}, {len(names)} files listed: {first_line(err)}")
    elif stated is not None and stated != len(names):
        problems.append(f"restore -Tvqf listed {len(names)} files, it states {stated}")
    if missing:
        problems.append(f"restore -Tvqf: {', '.join(missing)} missing from the image")
    if not problems:
        facts.append(f"restore -Tvqf: {len(names)} files, {', '.join(keys)} present")
    return (not problems), "; ".join(problems or facts)


# --------------------------------------------------------------------------- retention


def retention(host_dir, kind_of, kind, keep, current_verified):
    """Remove all but the ``keep`` newest verified backups of ``kind`` under ``host_dir``
    (never the newest verified; nothing when this run's backup is not verified). Leftover
    .partial/.failed folders older than the newest verified one go too. Returns the paths."""
    if not current_verified or keep < 1 or not os.path.isdir(host_dir):
        return []
    verified, leftovers = [], []
    for name in sorted(os.listdir(host_dir)):
        path = os.path.join(host_dir, name)
        base = name.split(".")[0]
        if not os.path.isdir(path) or not STAMP_RE.match(base) or kind_of(path) != kind:
            continue
        if name == base:
            verified.append(name)
        elif name.endswith((".partial", ".failed", ".unverified")):
            leftovers.append(name)
    verified.sort(reverse=True)
    expired = verified[keep:]
    newest = verified[0] if verified else ""
    expired += [n for n in leftovers if n.split(".")[0] < newest]
    removed = []
    for name in expired:
        path = os.path.join(host_dir, name)
        shutil.rmtree(path, ignore_errors=False)
        removed.append(path)
    return removed


def kind_of_folder(path):
    """The kind label of a backup folder (its .kind file), 'system' without one."""
    try:
        return read_text(os.path.join(path, ".kind")).strip() or "system"
    except OSError:
        return "system"


# --------------------------------------------------------------------------- records


def record(**values):
    base = {"host_kind": "linux", "kind": "system", "tool": "", "tool_version": "",
            "volume_group": "", "path": "", "target": "", "files": [], "size_bytes": 0,
            "sha256": "", "checksum": "", "started_at": "", "finished_at": "",
            "status": "failed", "verification": {"method": "", "result": "not_run", "detail": ""},
            "message": "", "expired": []}
    base.update(values)
    base["size_bytes"] = sum(f["size"] for f in base["files"])
    return base


class Backup:
    """One backup: its folder under the target, written as .partial, renamed when verified."""

    def __init__(self, target, host, when, kind_label):
        self.target = target
        self.host_dir = os.path.join(target, host)
        self.when = when
        self.kind_label = kind_label
        self._name(when)

    def _name(self, when):
        self.stamp = stamp_of(when)
        self.final = os.path.join(self.host_dir, self.stamp)
        self.partial = self.final + ".partial"

    def open(self):
        when = self.when
        while any(os.path.exists(self.final + s) for s in ("", ".partial", ".failed")):
            when += _dt.timedelta(seconds=1)  # two backups in one second (mksysb, savevg)
            self._name(when)
        os.makedirs(self.partial, mode=0o700)
        with open(os.path.join(self.partial, ".kind"), "w", encoding="utf-8") as handle:
            handle.write(self.kind_label + "\n")
        return self.partial

    def finish(self, verified, suffix=".failed"):
        """Rename to the final name when verified, else to .failed or .unverified (kept for a
        look, removed by retention once a newer backup is verified)."""
        if verified:
            os.rename(self.partial, self.final)
            return self.final
        os.rename(self.partial, self.final + suffix)
        return self.final + suffix


def tool_version(tools, argv, pattern=None):
    try:
        rc, out, err = tools.run(argv, timeout=30)
    except BackupError:
        return ""
    text = first_line(out or err)
    if pattern:
        match = re.search(pattern, out + err)
        text = match.group(0) if match else text
    return text if rc == 0 else text


def finish_files(folder, main_name):
    files = [f for f in file_entries(folder) if os.path.basename(f["path"]) != ".kind"]
    main = next((f for f in files if os.path.basename(f["path"]) == main_name), None)
    return files, main


def _rename_paths(files, old, new):
    return [dict(f, path=f["path"].replace(old, new, 1)) for f in files]


def run_tar(params, tools, check_mode, mountinfo_text, root="/"):
    started = now_utc()
    target = os.path.normpath(params["target"])
    mounts = parse_mountinfo(mountinfo_text)
    sources, skipped = plan_sources(mounts, params["filesystems"])
    version = tool_version(tools, ["tar", "--version"])
    base = {"host_kind": "linux", "tool": "tar", "tool_version": version, "target": target,
            "started_at": iso(started),
            "verification": {"method": TAR_FULL_METHOD if params["verify"] == "full"
                             else TAR_METHOD, "result": "not_run", "detail": ""}}
    plan = {"method": "tar", "sources": sources, "skipped": skipped}
    if not sources:
        return [record(**base, finished_at=iso(now_utc()),
                       message="no local file system to back up among "
                       f"{', '.join(params['filesystems'])} ({'; '.join(skipped)}) /"
                       " 没有可备份的本地文件系统")], plan
    exclude = list(params["exclude"]) + [target, target + "/*"]
    entries = walk_sources(sources, exclude, root)
    estimate = estimate_tar(entries)
    plan.update(estimate_bytes=estimate, free_bytes=free_bytes(target), members=len(entries))
    refusal = check_space(target, estimate, params["margin_mb"] * 1048576)
    if refusal:
        return [record(**base, finished_at=iso(now_utc()), message=refusal)], plan
    if check_mode:
        return [], plan
    backup = Backup(target, params["host"], started, "system")
    folder = backup.open()
    result, digest = "not_run", ""
    try:
        _archive, digest, _rc = create_tar(tools, folder, entries, root)
        ok, detail = verify_tar(tools, folder, root, params["verify"] == "full")
        result = "ok" if ok else "failed"
        message = "" if ok else f"verification failed: {detail} / 备份校验失败"
    except (BackupError, OSError) as exc:
        ok, detail = False, str(exc)
        message = f"the backup was not written: {exc} / 备份未完成"
    files, main = finish_files(folder, "root.tar")
    where = backup.finish(ok)
    files = _rename_paths(files, folder, where)
    rec = record(**dict(base, verification=dict(base["verification"],
                                                result=result, detail=detail)),
                 path=os.path.join(where, "root.tar"), files=files,
                 sha256=main["sha256"] if main else "",
                 checksum=f"sha256:{digest}" if digest else "",
                 finished_at=iso(now_utc()), status="verified" if ok else "failed",
                 message=message)
    rec["expired"] = retention(backup.host_dir, kind_of_folder, "system", params["keep"], ok)
    return [rec], plan


def run_rear(params, tools, check_mode, mountinfo_text, root="/"):
    started = now_utc()
    settings = read_rear_config(params["rear_config_dir"])
    base = {"host_kind": "linux", "tool": "rear", "started_at": iso(started),
            "verification": {"method": REAR_METHOD, "result": "not_run", "detail": ""}}
    try:
        rear_dir = rear_target(settings)
    except BackupError as exc:
        return [record(**base, finished_at=iso(now_utc()), message=str(exc))], {"method": "rear"}
    base["target"] = rear_dir
    base["tool_version"] = tool_version(tools, ["rear", "-V"])
    sources, skipped = plan_sources(parse_mountinfo(mountinfo_text), params["filesystems"])
    entries = walk_sources(sources, list(params["exclude"]) + [rear_dir, rear_dir + "/*"], root)
    estimate = estimate_tar(entries) // 2  # ReaR gzips: about half, as measured (139 -> 150 MB
    # for binaries, less for text); the margin covers the rest
    plan = {"method": "rear", "workflow": params["rear_workflow"], "target": rear_dir,
            "estimate_bytes": estimate, "free_bytes": free_bytes(rear_dir)}
    refusal = check_space(rear_dir, estimate, params["margin_mb"] * 1048576)
    if refusal:
        return [record(**base, finished_at=iso(now_utc()), message=refusal)], plan
    if check_mode:
        return [], plan
    try:
        rc, out, err = tools.run(["rear", "-c", params["rear_config_dir"],
                                  params["rear_workflow"]])
    except BackupError as exc:
        return [record(**base, finished_at=iso(now_utc()), message=str(exc))], plan
    prefix = settings.get("NETFS_PREFIX", "") or socket.gethostname().split(".")[0]
    produced = os.path.join(rear_dir, prefix)
    archive = os.path.join(produced, "backup.tar.gz")
    if rc != 0 or not os.path.isfile(archive):
        why = (f"rear {params['rear_workflow']} exited {rc}"
               + (" (ReaR stopped itself after an error)" if rc == 143 else "")
               + f": {first_line(err) or first_line(out)}" if rc != 0
               else f"rear exited 0 but wrote no {archive}")
        return [record(**base, finished_at=iso(now_utc()), message=why + " / ReaR 备份失败")], plan
    backup = Backup(rear_dir, params["host"], started, "system")
    folder = backup.open()
    for name in sorted(os.listdir(produced)):
        path = os.path.join(produced, name)
        if os.path.isfile(path) and os.path.getmtime(path) >= started.timestamp() - 2:
            os.rename(path, os.path.join(folder, name))
    status, result = "failed", "failed"
    if not os.path.isfile(os.path.join(folder, "backup.tar.gz")):
        ok, detail, checksum = False, (f"rear exited 0 but {archive} is from an earlier run:"
                                       " ReaR wrote no new backup"), ""
        result = "not_run"
    else:
        try:
            ok, detail, checksum = verify_rear(tools, os.path.join(folder, "backup.tar.gz"),
                                               params["key_paths"])
            status, result = ("verified", "ok") if ok else ("failed", "failed")
        except BackupError as exc:  # gzip or tar missing, or too slow: written, not verified
            ok, detail, checksum = False, str(exc), ""
            status, result = "unverified", "not_run"
    files, main = finish_files(folder, "backup.tar.gz")
    where = backup.finish(ok, ".unverified" if status == "unverified" else ".failed")
    files = _rename_paths(files, folder, where)
    message = ("" if ok else f"written, not verified: {detail} / 已写入但未校验"
               if status == "unverified" else f"verification failed: {detail} / 备份校验失败")
    rec = record(**dict(base, verification=dict(base["verification"], result=result,
                                                detail=detail)),
                 path=os.path.join(where, "backup.tar.gz"), files=files,
                 sha256=main["sha256"] if main else "",
                 checksum=checksum or (f"sha256:{main['sha256']}" if main else ""),
                 finished_at=iso(now_utc()), status=status, message=message)
    rec["expired"] = retention(backup.host_dir, kind_of_folder, "system", params["keep"], ok)
    return [rec], plan


def run_aix(params, tools, check_mode):
    target = os.path.normpath(params["target"])
    host = params["host"]
    version = tool_version(tools, ["oslevel", "-s"])
    records, plan = [], {"method": "mksysb", "volume_groups": ["rootvg"] + list(params["savevg"])}
    for vg in ["rootvg"] + list(params["savevg"]):
        tool = "mksysb" if vg == "rootvg" else "savevg"
        started = now_utc()
        base = {"host_kind": "aix", "kind": "system" if tool == "mksysb" else "volume_group",
                "tool": tool, "tool_version": f"AIX {version}" if version else "",
                "volume_group": vg, "target": target, "started_at": iso(started),
                "verification": {"method": MKSYSB_METHOD if tool == "mksysb" else SAVEVG_METHOD,
                                 "result": "not_run", "detail": ""}}
        try:
            estimate = aix_estimate(tools, vg)
        except BackupError as exc:
            records.append(record(**base, finished_at=iso(now_utc()),
                                  message=f"size of {vg} not known: {exc}"))
            continue
        plan[f"estimate_bytes_{vg}"] = estimate
        refusal = check_space(target, estimate, params["margin_mb"] * 1048576)
        if refusal:
            records.append(record(**base, finished_at=iso(now_utc()), message=refusal))
            continue
        if check_mode:
            continue
        label = "system" if tool == "mksysb" else f"volume_group:{vg}"
        backup = Backup(target, host, started, label)
        folder = backup.open()
        name = f"{host}.mksysb" if tool == "mksysb" else f"{host}.{vg}.savevg"
        image = os.path.join(folder, name)
        if tool == "mksysb":
            argv = ["mksysb", "-i", "-X"]
            if os.path.exists(EXCLUDE_ROOTVG):
                argv.append("-e")
            argv.append(image)
        else:
            argv = ["savevg", "-i", "-f", image, vg]
        written = False
        try:
            rc, out, err = tools.run(argv)
            if rc != 0 or not os.path.isfile(image) or os.path.getsize(image) == 0:
                state = ("missing" if not os.path.isfile(image) else
                         "empty" if not os.path.getsize(image) else "written")
                ok, detail = False, (f"{tool} exited {rc}, image {state}:"
                                     f" {first_line(err) or first_line(out)}")
                ran = False
            else:
                written = True
                ok, detail = verify_aix_image(tools, image, vg, tool)
                ran = True
        except BackupError as exc:  # after a written image: a verification tool failed to run
            ok, detail, ran = False, str(exc), False
        status = "verified" if ok else "unverified" if written and not ran else "failed"
        digest = aix_sha256(tools, image) if os.path.isfile(image) else ""
        files = [f for f in file_entries(folder) if os.path.basename(f["path"]) != ".kind"]
        for entry in files:
            if entry["path"] == image:
                entry["sha256"] = digest
        where = backup.finish(ok, ".unverified" if status == "unverified" else ".failed")
        files = _rename_paths(files, folder, where)
        message = ("" if ok else f"{tool} of {vg} written, not verified: {detail} /"
                   f" {vg} 备份已写入但未校验" if status == "unverified"
                   else f"{tool} of {vg} failed: {detail} / {vg} 备份失败")
        records.append(record(
            **dict(base, verification=dict(base["verification"],
                                           result="ok" if ok else ("failed" if ran else "not_run"),
                                           detail=detail)),
            path=os.path.join(where, name), files=files, sha256=digest,
            checksum=f"sha256:{digest}" if digest else "", finished_at=iso(now_utc()),
            status=status, message=message,
            expired=retention(backup.host_dir, kind_of_folder, label, params["keep"], ok)))
    return records, plan


def verify_existing(params, tools, folder, root="/"):
    """The record of verifying the backup in ``folder`` again (no backup made, nothing removed)."""
    started = now_utc()
    folder = os.path.normpath(folder)
    names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    base = {"target": os.path.dirname(os.path.dirname(folder)), "started_at": iso(started)}
    images = [n for n in names if n.endswith((".mksysb", ".savevg"))]
    if "root.tar" in names:
        main, tool, kind = "root.tar", "tar", "system"
        method = TAR_FULL_METHOD if params["verify"] == "full" else TAR_METHOD
        ok, detail = verify_tar(tools, folder, root, params["verify"] == "full")
        checksum_name = ""
    elif "backup.tar.gz" in names:
        main, tool, kind, method = "backup.tar.gz", "rear", "system", REAR_METHOD
        ok, detail, checksum_name = verify_rear(tools, os.path.join(folder, main),
                                                params["key_paths"])
    elif images:
        main = images[0]
        tool = "mksysb" if main.endswith(".mksysb") else "savevg"
        kind = "system" if tool == "mksysb" else "volume_group"
        vg = "rootvg" if tool == "mksysb" else main.rsplit(".", 2)[-2]
        method = MKSYSB_METHOD if tool == "mksysb" else SAVEVG_METHOD
        ok, detail = verify_aix_image(tools, os.path.join(folder, main), vg, tool)
        base.update(host_kind="aix", volume_group=vg)
        checksum_name = ""
    else:
        aix = platform.system() == "AIX"
        return record(**base, path=folder, finished_at=iso(now_utc()),
                      host_kind="aix" if aix else "linux", tool="mksysb" if aix else "tar",
                      message=f"{folder}: no backup found (root.tar, backup.tar.gz, *.mksysb,"
                      " *.savevg) / 未找到备份文件")
    files, found = finish_files(folder, main)
    digest = found["sha256"] if found else ""
    return record(**base, kind=kind, tool=tool, path=os.path.join(folder, main), files=files,
                  sha256=digest, checksum=checksum_name or (f"sha256:{digest}" if digest else ""),
                  finished_at=iso(now_utc()), status="verified" if ok else "failed",
                  verification={"method": method, "result": "ok" if ok else "failed",
                                "detail": detail},
                  message="" if ok else f"verification failed: {detail} / 备份校验失败")


def choose_method(params, is_aix):
    method = params["method"]
    if method != "auto":
        return method
    if is_aix:
        return "mksysb"
    settings = read_rear_config(params["rear_config_dir"])
    return "rear" if settings.get("BACKUP", "") == "NETFS" else "tar"


def main():
    module = AnsibleModule(
        argument_spec={
            "target": {"type": "path", "default": "/backup/weibao"},
            "host": {"type": "str", "required": True},
            "method": {"type": "str", "default": "auto",
                       "choices": ["auto", "rear", "tar", "mksysb"]},
            "rear_workflow": {"type": "str", "default": "mkbackuponly",
                              "choices": ["mkbackuponly", "mkbackup"]},
            "rear_config_dir": {"type": "path", "default": "/etc/rear"},
            "filesystems": {"type": "list", "elements": "str",
                            "default": ["/", "/boot", "/boot/efi"]},
            "exclude": {"type": "list", "elements": "str",
                        "default": ["/tmp/*", "/var/tmp/*", "/var/cache/apt/archives/*.deb",
                                    "/var/cache/dnf/*"]},
            "key_paths": {"type": "list", "elements": "str",
                          "default": ["etc/os-release", "etc/passwd", "usr/bin/"]},
            "verify": {"type": "str", "default": "standard", "choices": ["standard", "full"]},
            "keep": {"type": "int", "default": 3},
            "savevg": {"type": "list", "elements": "str", "default": []},
            "timeout": {"type": "int", "default": 14400},
            "margin_mb": {"type": "int", "default": 256},
            "verify_path": {"type": "path"},
        },
        supports_check_mode=True,
    )
    params = module.params
    if params["keep"] < 1:
        module.fail_json(msg="keep must be 1 or more / keep 至少为 1", backups=[])
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", params["host"]):
        module.fail_json(msg=f"host {params['host']!r} is not a folder name / 主机名不能作目录名",
                         backups=[])
    tools = Tools(params["timeout"])
    is_aix = platform.system() == "AIX"
    method = choose_method(params, is_aix)
    if params["verify_path"]:
        try:
            rec = verify_existing(params, tools, params["verify_path"])
        except (BackupError, OSError) as exc:
            module.fail_json(msg=f"{params['verify_path']} could not be verified: {exc} /"
                             " 无法校验该备份", backups=[])
        module.exit_json(changed=False, backups=[rec],
                         plan={"method": "verify", "path": params["verify_path"]},
                         msg=rec["message"] or "backup verified / 备份已校验")
    try:
        if method == "mksysb":
            if not is_aix and not tools.which("mksysb"):
                raise BackupError("mksysb exists only on AIX / mksysb 仅用于 AIX")
            backups, plan = run_aix(params, tools, module.check_mode)
        else:
            mountinfo = read_text("/proc/self/mountinfo")
            runner = run_rear if method == "rear" else run_tar
            backups, plan = runner(params, tools, module.check_mode, mountinfo)
    except (BackupError, OSError) as exc:
        module.fail_json(msg=f"no backup could be recorded: {exc} / 未能产生备份记录",
                         backups=[])
    if not backups and not module.check_mode:
        module.fail_json(msg="no backup could be recorded / 未能产生备份记录", backups=[],
                         plan=plan)
    changed = any(b["files"] for b in backups) or any(b["expired"] for b in backups)
    failed = [b for b in backups if b["status"] != "verified"]
    result = {"changed": changed, "backups": backups, "plan": plan}
    if failed:
        result["msg"] = "; ".join(f"{b['tool']} {b['volume_group'] or ''}: {b['message']}"
                                  for b in failed)
    else:
        result["msg"] = f"{len(backups)} backup(s) verified / 备份已校验"
    module.exit_json(**result)


if __name__ == "__main__":
    main()
