#!/usr/bin/python
# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: weibao_change_preconditions
short_description: Check a change's preconditions again on the host before touching it
description:
  - The first task of every change playbook after the run ticket. C(weibao change run)
    checked the backup record, the window and the media on the controller; this module checks
    again, on the host itself, what the controller cannot see, immediately before the change
    touches the host.
  - "Backup: the backup file the record names (C(weibao_change_backups[inventory_hostname]))
    exists, its size and sha256 equal the record's, and it is not older than
    O(backup_max_age_days) (from the record's C(finished_at), UTC, against the host's clock)."
  - "Free space: every O(free_space) path has at least C(min_mb) MiB available to an
    unprivileged user (C(os.statvfs) C(f_bavail))."
  - "Running version: the kernel (C(uname -r)), the AIX level (C(oslevel -s)) or a package's
    installed version (C(dpkg-query) or C(rpm -q --qf)) is the one the request names."
  - Read-only; every check runs (a failure does not hide the next one), then the module fails
    with one line per failed check, English and Chinese, naming the value found on the host
    and the one expected. C(checked) lists what was measured either way.
  - Runs on Linux and AIX: POSIX and the Python standard library only.
version_added: "0.2.0"
author:
  - weibao contributors
attributes:
  check_mode:
    support: full
    description: The module changes nothing, so it runs the same in check mode.
  diff_mode:
    support: none
options:
  backup:
    description:
      - The backup record C(weibao change run) passes for this host (C(path), C(sha256),
        C(size_bytes), C(finished_at), and C(id), C(tool) for the messages). Omitted or empty
        when the change kind needs no backup.
      - When the record lists C(files) (each C(path), C(size), C(sha256)), every file is
        checked and C(size_bytes) is compared with their sum; otherwise C(size_bytes) is
        compared with the size of C(path).
      - Without C(files), the record's C(size_bytes) may be the size of C(path) or the sum of
        the regular files of its folder (dot files left out), as C(weibao_system_backup)
        records it (the archive, its listing and its manifest); either is accepted.
      - An empty C(sha256) (the backup tool keeps its own checksum) uses C(checksum)
        (C(sha256:HEX) or C(md5:HEX)), else the tool's checksum file beside the backup
        (C(PATH.sha256) or C(PATH.md5), as ReaR's BACKUP_INTEGRITY_CHECK writes it); with none
        of these the check fails, it is never taken as ok.
    type: dict
  backup_required:
    description: Fail when no backup record is given (kinds that need a backup).
    type: bool
    default: false
  backup_max_age_days:
    description: The backup must have finished at most this many days ago.
    type: int
    default: 7
  free_space:
    description: Paths and the free space each needs, C(path) and C(min_mb) (MiB).
    type: list
    elements: dict
    default: []
  running:
    description:
      - The running version the request names. C(what) is C(kernel) (C(uname -r)),
        C(aix_oslevel) (C(oslevel -s)) or C(package) (C(name) required; C(dpkg-query -W),
        else C(rpm -q); an rpm version is C([EPOCH:]VERSION-RELEASE), the epoch may be left
        out). C(expected) is compared exactly.
    type: dict
  now:
    description: The time to judge the backup's age against, ISO 8601 UTC. For tests.
    type: str
requirements:
  - Python 3 on the host; C(uname), C(oslevel) (AIX), C(dpkg-query) or C(rpm) for the
    checks asked for.
"""

EXAMPLES = r"""
- name: Check the preconditions again on the host (backup, free space, running version)
  weibao_change_preconditions:
    backup: "{{ weibao_change_backups[inventory_hostname] | default(omit) }}"
    backup_required: true
    backup_max_age_days: 7
    free_space: [{path: /, min_mb: 500}, {path: /var, min_mb: 1024}]
    running: {what: kernel, expected: "6.1.0-31-amd64"}
"""

RETURN = r"""
changed:
  description: Always false.
  returned: always
  type: bool
  sample: false
checked:
  description: What was measured, one entry per check, with the value found and expected.
  returned: always
  type: list
  elements: dict
  sample:
    - {check: backup.present, ok: true, value: /backup/weibao/web1/20261206T221500Z/root.tar,
       expected: present}
    - {check: backup.size, ok: true, value: 734003200, expected: 734003200,
       path: /backup/weibao/web1/20261206T221500Z/root.tar}
    - {check: backup.sha256, ok: true, value: "9f86d0...", expected: "9f86d0...",
       path: /backup/weibao/web1/20261206T221500Z/root.tar}
    - {check: backup.age, ok: true, value: 0.4, expected: "<= 7", unit: days}
    - {check: free_space, ok: true, path: /var, value: 5120, expected: ">= 1024", unit: MiB}
    - {check: running, ok: true, what: kernel, name: "", value: 6.1.0-31-amd64,
       expected: 6.1.0-31-amd64, command: uname -r}
state:
  description: The host's state for the run record when a check failed (the module runs
    before the change touches the host).
  returned: failure
  type: str
  sample: not touched
failures:
  description: One line per failed check (English / 中文); empty when every check held.
  returned: always
  type: list
  elements: str
  sample:
    - "free space on /var: 312 MiB available, 1024 MiB needed / /var 可用空间 312 MiB, 需要 1024
      MiB"
"""

import calendar
import hashlib
import os
import time

from ansible.module_utils.basic import AnsibleModule

BLOCK = 1024 * 1024  # hashing reads 1 MiB at a time: a backup may be many GiB
C_LOCALE = {"LC_ALL": "C", "LANG": "C"}
RUNNING_KINDS = ("kernel", "aix_oslevel", "package")
FUTURE_SLACK = 300  # seconds a finished_at may lie ahead of the host's clock


def parse_utc(text):
    """Seconds since the epoch of 'YYYY-MM-DDTHH:MM:SS[.fff](Z|+00:00)'; None if unreadable."""
    value = str(text or "").strip()
    for suffix in ("Z", "+00:00", "+0000"):
        if value.endswith(suffix):
            value = value[: -len(suffix)]
            break
    else:
        return None
    value = value.split(".")[0].replace(" ", "T")
    try:
        return float(calendar.timegm(time.strptime(value, "%Y-%m-%dT%H:%M:%S")))
    except ValueError:
        return None


def file_digest(path, algorithm="sha256"):
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        while True:
            block = handle.read(BLOCK)
            if not block:
                break
            digest.update(block)
    return digest.hexdigest()


def _why(exc):
    return exc.strerror or str(exc)


class Checks:
    """Runs the checks; ``run`` is ``(argv) -> (rc, out, err)``, ``now`` seconds since epoch."""

    def __init__(self, run, now):
        self.run = run
        self.now = now
        self.checked = []
        self.failures = []

    def note(self, check, ok, value, expected, failure=None, **extra):
        entry = {"check": check, "ok": bool(ok), "value": value, "expected": expected}
        entry.update(extra)
        self.checked.append(entry)
        if not ok and failure:
            self.failures.append(failure)

    # ------------------------------------------------------------------ backup
    def backup(self, record, required, max_age_days):
        if not record:
            if required:
                self.note("backup.present", False, None, "a backup record",
                          "no backup record for this host was passed (weibao_change_backups): "
                          "this change needs a verified backup first / 未提供本主机的备份记录, "
                          "此变更需要先有经过验证的备份")
            return
        path = str(record.get("path") or "")
        label = "backup {}".format(record.get("id")) if record.get("id") not in (None, "") \
            else "backup"
        if not path:
            self.note("backup.present", False, None, "a path",
                      f"{label}: the record names no file (path is empty) / 备份记录没有文件路径"
                      )
            return
        files = record.get("files") or []
        if files:
            self._backup_files(label, files, record)
        else:
            self._backup_file(label, path, record.get("size_bytes"), record.get("sha256"),
                              record.get("checksum"), folder_total=True)
        self._backup_age(label, record.get("finished_at"), max_age_days)

    def _backup_files(self, label, files, record):
        total = 0
        for item in files:
            item = item if isinstance(item, dict) else {"path": str(item)}
            size = self._backup_file(label, str(item.get("path") or ""), item.get("size"),
                                     item.get("sha256"), item.get("checksum"))
            total = None if size is None or total is None else total + size
        expected = record.get("size_bytes")
        if expected is not None and total is not None:
            ok = _int(expected) == total
            self.note("backup.size_total", ok, total, _int(expected),
                      f"{label}: its files add up to {total} bytes on the host, the record "
                      f"says {expected} / "
                      f"备份文件合计 {total} 字节, 记录为 {expected} 字节")

    def _backup_file(self, label, path, size_expected, sha256, checksum, folder_total=False):
        """Checks one file; returns its size (None when it cannot be read).

        ``folder_total``: the record's size may be the sum of the backup's folder (the file
        and its listing and manifest, weibao_system_backup's size_bytes); it is accepted
        when the file alone or the folder's regular files (dot files left out) match it."""
        if not path:
            self.note("backup.present", False, None, "a path",
                      f"{label}: a file of the record has no path / 备份记录中有文件缺少路径"
                      )
            return None
        try:
            st = os.stat(path)
        except OSError as exc:
            self.note("backup.present", False, path, "present",
                      f"{label}: file {path} is missing on the host ({_why(exc)}) / "
                      f"主机上找不到备份文件 {path}")
            return None
        self.note("backup.present", True, path, "present")
        size = st.st_size
        if size_expected is not None:
            ok = _int(size_expected) == size
            total = folder_size(path) if folder_total and not ok else None
            if total is not None and total == _int(size_expected):
                self.note("backup.size", True, total, _int(size_expected), path=path,
                          counted=f"the files of {os.path.dirname(path)}")
            else:
                also = (f" (the files of its folder {total})" if total is not None else "")
                self.note("backup.size", ok, size, _int(size_expected),
                          f"{label}: {path} is {size} bytes on the host{also}, the record says "
                          f"{size_expected} / 备份文件 {path} 大小为 "
                          f"{size} 字节, 记录为 {size_expected} 字节", path=path)
        algorithm, expected = "sha256", str(sha256 or "").strip().lower()
        if not expected:
            kind, _, value = str(checksum or "").partition(":")
            if kind.strip().lower() in ("sha256", "md5") and value.strip():
                algorithm, expected = kind.strip().lower(), value.strip().lower()
        source = "record"
        if not expected:
            found = tool_checksum(path)
            if found:
                algorithm, expected = found
                source = path + "." + algorithm
        if not expected:
            self.note("backup." + algorithm, False, None, "a checksum in the record",
                      f"{label}: the record has no sha256 or checksum for {path}, it cannot be "
                      f"compared / "
                      f"备份记录没有 {path} 的校验值, 无法比对", path=path)
            return size
        try:
            found = file_digest(path, algorithm)
        except OSError as exc:
            self.note("backup." + algorithm, False, None, expected,
                      f"{label}: {path} cannot be read ({_why(exc)}) / 无法读取备份文件 {path}",
                      path=path)
            return size
        ok = found == expected
        says = "the record says" if source == "record" else f"{source} says"
        self.note("backup." + algorithm, ok, found, expected,
                  f"{label}: {algorithm} of {path} on the host is {found}, {says} "
                  f"{expected} / 备份文件 {path} 的 {algorithm} 为 {found}, "
                  f"记录为 {expected}", path=path)
        return size

    def _backup_age(self, label, finished_at, max_age_days):
        finished = parse_utc(finished_at)
        limit = f"<= {max_age_days}"
        if finished is None:
            self.note("backup.age", False, finished_at, limit,
                      f"{label}: finished_at {finished_at!r} is not a UTC time "
                      f"(YYYY-MM-DDTHH:MM:SSZ) / 备份记录的"
                      f"完成时间 {finished_at!r} 无法识别", unit="days")
            return
        age_days = round((self.now - finished) / 86400.0, 2)
        if finished - self.now > FUTURE_SLACK:
            self.note("backup.age", False, age_days, limit,
                      f"{label}: finished_at {finished_at} is in the future by the host's "
                      f"clock ({_stamp(self.now)}); check the "
                      f"clocks / 备份完成时间 {finished_at} 晚于主机当前时间, 请检查时钟",
                      unit="days")
            return
        ok = age_days <= max_age_days
        self.note("backup.age", ok, age_days, limit,
                  f"{label}: finished {age_days} days ago ({finished_at}), older than the "
                  f"limit of {max_age_days} days / 备份完成于 "
                  f"{age_days} 天前 ({finished_at}), 超过 {max_age_days} 天的期限", unit="days")

    # ------------------------------------------------------------------ free space
    def free_space(self, entries):
        for entry in entries or []:
            path = str(entry.get("path") or "")
            needed = entry.get("min_mb")
            if not path or needed is None:
                self.note("free_space", False, None, entry,
                          f"free_space: each entry needs path and min_mb, got {entry!r} / "
                          f"free_space "
                          "每项需要 path 和 min_mb")
                continue
            needed = _int(needed)
            try:
                st = os.statvfs(path)
            except OSError as exc:
                self.note("free_space", False, None, f">= {needed}",
                          f"free space on {path}: cannot be read ({_why(exc)}) / 无法读取 {path} "
                          f"的可用空间", path=path, unit="MiB")
                continue
            available = st.f_bavail * st.f_frsize // (1024 * 1024)
            ok = available >= needed
            self.note("free_space", ok, available, f">= {needed}",
                      f"free space on {path}: {available} MiB available, {needed} MiB needed / "
                      f"{path} 可用空间 {available} MiB, "
                      f"需要 {needed} MiB",
                      path=path, unit="MiB")

    # ------------------------------------------------------------------ running version
    def running(self, spec):
        if not spec:
            return
        what = str(spec.get("what") or "")
        name = str(spec.get("name") or "")
        expected = str(spec.get("expected") or "").strip()
        if what not in RUNNING_KINDS:
            self.note("running", False, None, expected,
                      "running.what {!r} is not one of {} / running.what 只能是 {}".format(
                          what, ", ".join(RUNNING_KINDS), ", ".join(RUNNING_KINDS)), what=what)
            return
        if not expected:
            self.note("running", False, None, None,
                      f"running: no expected version given for {what} / 未给出预期的 {what} 版本",
                      what=what)
            return
        if what == "package" and not name:
            self.note("running", False, None, expected,
                      "running: what=package needs the package name / 检查软件包版本需要包名",
                      what=what)
            return
        found, accepted, command, error = self._read_version(what, name)
        subject = {"kernel": "running kernel", "aix_oslevel": "AIX level (oslevel -s)",
                   "package": f"package {name}"}[what]
        subject_zh = {"kernel": "运行中的内核", "aix_oslevel": "AIX 级别 (oslevel -s)",
                      "package": f"软件包 {name}"}[what]
        if error:
            self.note("running", False, None, expected,
                      f"{subject}: {error} / 无法读取{subject_zh}: {error}",
                      what=what, name=name, command=command)
            return
        ok = expected in accepted
        self.note("running", ok, found, expected,
                  f"{subject} is {found} on the host, the request names {expected} / "
                  f"主机上{subject_zh}为 {found}, 变更申请要求 {expected}"
                  ,
                  what=what, name=name, command=command)

    def _read_version(self, what, name):
        """(value, accepted values, command, error)"""
        if what == "kernel":
            argv = ["uname", "-r"]
        elif what == "aix_oslevel":
            argv = ["oslevel", "-s"]
        else:
            argv = ["dpkg-query", "-W", "-f", "${Status}\\t${Version}\\n", name]
            rc, out, err = self.run(argv)
            if rc is not None:
                command = " ".join(argv)
                if rc != 0:
                    return None, (), command, "not installed ({}) / 未安装".format(
                        _first(err) or f"dpkg-query exit {rc}")
                status, _, version = _first(out).partition("\t")
                if not status.endswith(" installed"):
                    return None, (), command, f"not installed (status {status!r})"
                return version.strip(), (version.strip(),), command, None
            argv = ["rpm", "-q", "--qf", "%{EPOCH}\\t%{VERSION}-%{RELEASE}\\n", name]
        command = " ".join(argv)
        rc, out, err = self.run(argv)
        if rc is None:
            return None, (), command, f"{argv[0]} not found on this host"
        if rc != 0:
            reason = _first(err) or _first(out) or f"exit status {rc}"
            return None, (), command, f"{command} failed: {reason}"
        line = _first(out)
        if not line:
            return None, (), command, f"{command} printed nothing"
        if argv[0] != "rpm":
            return line, (line,), command, None
        epoch, _, vr = line.partition("\t")
        if epoch in ("(none)", "", "0"):
            return vr, (vr, "0:" + vr), command, None
        return f"{epoch}:{vr}", (f"{epoch}:{vr}", vr), command, None


def folder_size(path):
    """Bytes of the regular files beside ``path`` (dot files left out); None if unreadable."""
    folder = os.path.dirname(path) or "."
    total = 0
    try:
        for name in os.listdir(folder):
            full = os.path.join(folder, name)
            if not name.startswith(".") and os.path.isfile(full) and not os.path.islink(full):
                total += os.path.getsize(full)
    except OSError:
        return None
    return total


def tool_checksum(path):
    """(algorithm, hex) from the backup tool's own checksum file beside ``path``
    (ReaR's BACKUP_INTEGRITY_CHECK writes PATH.md5: "HEX  NAME"), or None."""
    for algorithm, length in (("sha256", 64), ("md5", 32)):
        try:
            with open(path + "." + algorithm) as handle:
                word = (handle.read(4096).split() or [""])[0].lower()
        except (OSError, UnicodeDecodeError):
            continue
        if len(word) == length and all(c in "0123456789abcdef" for c in word):
            return algorithm, word
    return None


def _first(text):
    for line in str(text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _stamp(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def evaluate(params, run, now):
    checks = Checks(run, now)
    checks.backup(params.get("backup"), params.get("backup_required"),
                  params.get("backup_max_age_days", 7))
    checks.free_space(params.get("free_space"))
    checks.running(params.get("running"))
    return checks


def main():
    module = AnsibleModule(
        argument_spec=dict(
            backup=dict(type="dict"),
            backup_required=dict(type="bool", default=False),
            backup_max_age_days=dict(type="int", default=7),
            free_space=dict(type="list", elements="dict", default=[]),
            running=dict(type="dict"),
            now=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params["backup_max_age_days"] < 0:
        module.fail_json(msg="backup_max_age_days must be 0 or more")
    now = time.time()
    if params.get("now"):
        now = parse_utc(params["now"])
        if now is None:
            module.fail_json(msg="now: {!r} is not a UTC time (YYYY-MM-DDTHH:MM:SSZ)"
                             .format(params["now"]))

    def run(argv):
        if module.get_bin_path(argv[0]) is None:
            return None, "", ""
        return module.run_command(argv, environ_update=C_LOCALE)

    checks = evaluate(params, run, now)
    result = dict(changed=False, checked=checks.checked, failures=checks.failures)
    if checks.failures:
        # the first task after the ticket: nothing of the change has reached the host yet
        module.fail_json(msg="\n".join(checks.failures), state="not touched", **result)
    module.exit_json(msg=f"{len(checks.checked)} precondition(s) hold on the host / "
                         f"主机上的前提条件均满足", **result)


if __name__ == "__main__":
    main()
