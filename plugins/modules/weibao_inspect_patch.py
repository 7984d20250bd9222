#!/usr/bin/python
# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: weibao_inspect_patch
short_description: Inspect a Linux host's patch level (pending updates, reboot, last update)
description:
  - Runs every check of the C(patch) inspection area in one execution and returns findings
    in the weibao findings schema.
  - Checks C(patch.os_release) (with the release's end of security support),
    C(patch.pending_updates) (with the conclusion whether software
    needs upgrading), C(patch.security_updates), C(patch.package_lists_age),
    C(patch.reboot_pending) and C(patch.last_update).
  - Read-only. It never refreshes package lists or repository metadata and never makes a
    network call; apt runs as a simulation (C(apt-get -s) with C(Debug::NoLocking), no planner
    log and no binary cache written), dnf and yum run with C(--cacheonly). Pending-update counts
    are therefore only as fresh as the host's own lists, which C(patch.package_lists_age) judges.
    dnf records its own invocation in C(/var/log/dnf.log), as it does for every command.
  - A check that cannot run (missing command, missing metadata cache, unreadable or unknown
    output) returns an C(unknown) finding with the reason, never C(ok).
version_added: "0.1.0"
author:
  - weibao contributors
attributes:
  check_mode:
    support: full
    description: The module changes nothing, so it runs the same in check mode.
  diff_mode:
    support: none
options:
  provider:
    description:
      - Package manager to inspect. C(auto) uses C(apt) when C(apt-get) exists, else C(dnf)
        (dnf 4 or dnf 5, whichever C(dnf) is), else C(yum). C(dnf) falls back to C(yum) on a
        host without dnf.
    type: str
    choices: [auto, apt, dnf, yum]
    default: auto
  thresholds:
    description:
      - Thresholds overriding the defaults. Numbers are counts or days, judged with C(>=);
        C(0) or C(null) disables a level.
      - C(pending_warning) (default 1) pending updates for a warning.
      - C(security_warning) (default 1) and C(security_critical) (default 10) packages with
        pending security updates.
      - C(security_critical_severities) (default C(Critical)) advisory severities (Red Hat-style
        updateinfo) that make any pending security update critical; list or comma-separated.
      - C(lists_age_days_warning) (default 14) age in days of the newest package index.
      - C(last_update_age_days_warning) (default 90) days since updates were last applied.
      - C(os_eol_days_warning) (default 180) days before the OS release's end of free security
        support (built-in table) from which C(patch.os_release) warns; past it, it always warns.
    type: dict
    default: {}
  now:
    description:
      - The time to judge ages against, ISO 8601 (UTC when no offset is given). For tests;
        the host's clock when omitted.
    type: str
requirements:
  - apt-get and dpkg-query (Debian, Ubuntu), or dnf / yum and rpm (RHEL and rebuilds, Fedora).
notes:
  - Run it with privileges (C(become)) for complete results; C(yum history) needs root.
  - dnf without a metadata cache (never refreshed) cannot list updates without the network;
    the pending and security checks then report C(unknown) with the reason.
"""

EXAMPLES = r"""
- name: Inspect the patch level
  weibao_inspect_patch:
  register: __inspect_patch_result

- name: Stricter thresholds, dnf explicitly
  weibao_inspect_patch:
    provider: dnf
    thresholds:
      security_critical: 5
      security_critical_severities: [Critical, Important]
      lists_age_days_warning: 7
"""

RETURN = r"""
changed:
  description: Always false, the module changes nothing.
  returned: always
  type: bool
  sample: false
findings:
  description: One finding per check, in the weibao findings schema (docs/findings.md).
  returned: always
  type: list
  elements: dict
  sample:
    - check_id: patch.pending_updates
      host: ""
      component: ""
      status: warning
      summary: "Software needs upgrading: 134 package updates pending (81 with security updates)"
      evidence: ["bash 5.2.15-2+b8 -> 5.2.15-2+b13 (Debian:12.15/oldstable)"]
      recommendation: "Apply the pending updates in the next maintenance window ..."
      values: {pending: 134, security: 81, held_back: 0, tool: apt, needs_upgrade: true}
      thresholds: {pending_warning: 1}
data:
  description:
    - The parsed data the findings were judged from, for debugging. A section that could not be
      read is a mapping with C(error) and C(evidence). Package lists are cut to 200 entries.
  returned: always
  type: dict
  sample:
    provider: apt
    tool: apt
    now: 1795500000.0
    os_release: {name: Debian GNU/Linux, version_id: "12", id: debian}
    updates: {pending_count: 134, security_count: 81, held_back: 0}
    lists: {fetched: true, index_files: 6, newest_mtime: 1795499000.0, location: /var/lib/apt/lists}
    kernels: {family: deb, installed: [], running_release: 6.1.0-25-amd64}
    reboot_required: {exists: false, packages: []}
    last_update:
      time: 1778311770.0
      local: "2026-05-09 07:29:30"
      source: /var/log/apt/history.log
      kind: upgrade
thresholds:
  description: The thresholds in effect (defaults merged with the C(thresholds) option).
  returned: always
  type: dict
  sample: {pending_warning: 1, security_warning: 1, security_critical: 10}
"""

import calendar
import datetime
import glob
import gzip
import os
import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.weibao_inspection.parsers.linux_patch import (
    ParseError,
    index_freshness,
    parse_apt_history,
    parse_apt_simulation,
    parse_check_update,
    parse_dpkg_kernels,
    parse_history_list,
    parse_os_release,
    parse_rpm_kernels,
    parse_rpm_qa_last,
    parse_running_build,
    parse_updateinfo_list,
)
from ansible.module_utils.weibao_inspection.rules.patch import evaluate, normalize_thresholds

C_LOCALE = {"LC_ALL": "C", "LANG": "C"}

APT_LISTS = "/var/lib/apt/lists"
APT_STAMPS = ("/var/lib/apt/periodic/update-success-stamp", "/var/lib/apt/periodic/update-stamp")
APT_HISTORY = "/var/log/apt/history.log"
RPM_CACHE_GLOBS = (
    "/var/cache/dnf/*/repodata/*",
    "/var/cache/libdnf5/*/repodata/*",
    "/var/cache/yum/*/*/*/repomd.xml",
    "/var/cache/yum/*/*/*/cachecookie",
)
REBOOT_FLAGS = ("/run/reboot-required", "/var/run/reboot-required")
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_DATA_PACKAGES = 200
# apt-get -s is read-only with these: no lock, no planner log (eipp.log.xz), no binary cache.
APT_SIMULATE = [
    "-s", "-o", "Debug::NoLocking=1", "-o", "Dir::Log::Planner=",
    "-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache=", "dist-upgrade",
]
RPM_KERNEL_QUERY = [
    "-q", "--qf", "%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH}\\n",
    "kernel", "kernel-core", "kernel-uek", "kernel-uek-core", "kernel-rt-core",
]


def _failure(message, evidence=None):
    return {"error": message, "evidence": [line for line in (evidence or []) if line][:20]}


def _lines(text, last=None):
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return lines[-last:] if last else lines


class PatchCollector:
    """Runs the commands and reads the files; parsing is done by the parsers module."""

    def __init__(self, module):
        self.module = module

    def run(self, name, args):
        """(rc, out, err) of a command in the C locale; None when the command is missing."""
        path = self.module.get_bin_path(name)
        if not path:
            return None
        return self.module.run_command([path] + list(args), environ_update=C_LOCALE,
                                       check_rc=False)

    @staticmethod
    def read_text(path):
        """A small text file (at most MAX_FILE_BYTES)."""
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES)
        return data.decode("utf-8", "replace")

    @staticmethod
    def read_log_tail(path):
        """The last MAX_FILE_BYTES of a log (newest entries last), gzip or plain; a partial
        first line is dropped so that parsing starts on a whole line."""
        if path.endswith(".gz"):
            tail = b""
            with gzip.open(path, "rb") as handle:
                for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                    tail = (tail + chunk)[-MAX_FILE_BYTES:]
            cut = len(tail) == MAX_FILE_BYTES
        else:
            with open(path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                cut = size > MAX_FILE_BYTES
                handle.seek(max(0, size - MAX_FILE_BYTES))
                tail = handle.read(MAX_FILE_BYTES)
        if cut:
            tail = tail.split(b"\n", 1)[-1]
        return tail.decode("utf-8", "replace")

    # -- shared ------------------------------------------------------------------------------

    def os_release(self):
        errors = []
        for path in ("/etc/os-release", "/usr/lib/os-release"):
            try:
                text = self.read_text(path)
            except OSError as exc:
                errors.append(f"{path}: {exc.strerror or exc}")
                continue
            try:
                result = parse_os_release(text)
            except ParseError as exc:
                return _failure(f"{path}: {exc}", exc.evidence)
            result["path"] = path
            return result
        return _failure("; ".join(errors))

    @staticmethod
    def reboot_required():
        for path in REBOOT_FLAGS:
            if os.path.exists(path):
                packages = []
                try:
                    with open(path + ".pkgs") as handle:
                        packages = sorted({line.strip() for line in handle if line.strip()})
                except OSError:
                    pass
                return {"exists": True, "path": path, "packages": packages[:50]}
        return {"exists": False, "path": REBOOT_FLAGS[0], "packages": []}

    @staticmethod
    def running_kernel(family):
        uname = os.uname()
        kind, build = parse_running_build(uname.version)
        return {"family": family, "running_release": uname.release,
                "running_version": uname.version, "running_build_kind": kind,
                "running_build": build}

    @staticmethod
    def local_epoch(text):
        fmt = "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M"
        return time.mktime(time.strptime(text, fmt))

    # -- apt ---------------------------------------------------------------------------------

    def apt_updates(self):
        result = self.run("apt-get", APT_SIMULATE)
        if result is None:
            return _failure("apt-get is not installed")
        rc, out, err = result
        if rc != 0:
            return _failure(f"apt-get -s dist-upgrade failed (exit {rc})",
                            _lines(err, 10) or _lines(out, 10))
        try:
            return parse_apt_simulation(out)
        except ParseError as exc:
            return _failure(f"apt-get -s dist-upgrade: {exc}", exc.evidence + _lines(err, 5))

    @staticmethod
    def apt_lists():
        entries = []
        try:
            if os.path.isdir(APT_LISTS):
                with os.scandir(APT_LISTS) as scan:
                    for entry in scan:
                        # file: repositories are symlinked into the lists; the link's own
                        # time is when apt-get update made it
                        if entry.is_file():
                            entries.append((entry.name,
                                            entry.stat(follow_symlinks=False).st_mtime))
            for stamp in APT_STAMPS:
                if os.path.exists(stamp):
                    entries.append((stamp, os.stat(stamp).st_mtime))
        except OSError as exc:
            return _failure(f"{APT_LISTS}: {exc.strerror or exc}")
        result = index_freshness(entries, kind="apt")
        result["location"] = APT_LISTS
        return result

    def dpkg_kernels(self):
        result = self.run("dpkg-query", ["-W", "-f", "${Package} ${Version} ${Status}\\n",
                                         "linux-image-*"])
        data = self.running_kernel("deb")
        if result is None:
            return _failure("dpkg-query is not installed")
        rc, out, err = result
        if rc != 0 and not (rc == 1 and "no packages found" in err):
            return _failure(f"dpkg-query failed (exit {rc})", _lines(err, 10))
        try:
            data["installed"] = parse_dpkg_kernels(out)
        except ParseError as exc:
            return _failure(f"dpkg-query: {exc}", exc.evidence)
        return data

    def apt_last_update(self):
        """The newest system upgrade in apt's history, newest log file first."""
        candidates = [APT_HISTORY, APT_HISTORY + ".1", APT_HISTORY + ".1.gz"]
        candidates += [f"{APT_HISTORY}.{n}.gz" for n in range(2, 13)]
        read = []
        partial = None
        for path in candidates:
            if not os.path.exists(path):
                continue
            try:
                parsed = parse_apt_history(self.read_log_tail(path))
            except (OSError, EOFError) as exc:
                return _failure("{}: {}".format(path, getattr(exc, "strerror", None) or exc))
            except ParseError as exc:
                return _failure(f"{path}: {exc}", exc.evidence)
            read.append(path)
            partial = partial or parsed["last_package_upgrade"]
            last = parsed["last_upgrade"]
            if last:
                local = last["end"] or last["start"]
                detail = "{} packages upgraded by: {}".format(
                    last["packages"], last["commandline"] or "(no command line recorded)")
                if partial and partial is not last and partial["start"] > last["start"]:
                    detail += "; later, {} packages upgraded as dependencies on {} by: {}".format(
                        partial["packages"], partial["start"], partial["commandline"])
                return {"time": self.local_epoch(local), "local": local, "source": path,
                        "kind": "upgrade", "detail": detail}
        if not read:
            return {"time": None, "source": f"{APT_HISTORY} does not exist"}
        return {"time": None, "source": "no system upgrade recorded in " + ", ".join(read)}

    # -- dnf / yum ---------------------------------------------------------------------------

    def rpm_tool(self, provider):
        """(tool, binary): tool is dnf, dnf5 or yum."""
        if provider == "yum":
            return "yum", "yum"
        dnf = self.module.get_bin_path("dnf")
        if dnf:
            if "dnf5" in os.path.basename(os.path.realpath(dnf)):
                return "dnf5", "dnf"
            return "dnf", "dnf"
        if self.module.get_bin_path("dnf5"):
            return "dnf5", "dnf5"
        if self.module.get_bin_path("yum"):
            return "yum", "yum"  # EL 7 and Amazon Linux 2 under the RedHat family default
        return "dnf", "dnf"

    def rpm_updates(self, tool, binary):
        command = "check-upgrade" if tool == "dnf5" else "check-update"
        result = self.run(binary, ["-q", "-C", command])
        if result is None:
            return _failure(f"{binary} is not installed")
        rc, out, err = result
        if rc not in (0, 100):
            return _failure(f"{binary} -C {command} failed (exit {rc}; no metadata cache?)",
                            _lines(err, 10) or _lines(out, 10))
        try:
            return parse_check_update(out, rc)
        except ParseError as exc:
            return _failure(f"{binary} {command}: {exc}", exc.evidence)

    def rpm_advisories(self, tool, binary):
        args = ["-q", "-C", "advisory", "list"] if tool == "dnf5" else ["-q", "-C", "updateinfo",
                                                                           "list"]
        result = self.run(binary, args)
        if result is None:
            return _failure(f"{binary} is not installed")
        rc, out, err = result
        if rc != 0:
            return _failure("{} -C {} failed (exit {})".format(binary, " ".join(args[2:]), rc),
                            _lines(err, 10) or _lines(out, 10))
        try:
            return parse_updateinfo_list(out)
        except ParseError as exc:
            return _failure("{} {}: {}".format(binary, " ".join(args[2:]), exc), exc.evidence)

    def rpm_last_update(self, binary):
        reason = ""
        result = self.run(binary, ["-q", "-C", "history", "list"])
        if result is None:
            reason = f"{binary} is not installed"
        else:
            rc, out, err = result
            if rc != 0:
                reason = "{} history list failed (exit {}): {}".format(
                    binary, rc, (_lines(err, 1) or [""])[0])
            else:
                try:
                    parsed = parse_history_list(out)
                except ParseError as exc:
                    reason = f"{binary} history list: {exc}"
                else:
                    last = parsed["last_upgrade"]
                    if last:
                        local = last["date"] if last["date"].count(":") == 2 \
                            else last["date"] + ":00"
                        return {"time": self.local_epoch(local), "local": local,
                                "source": "{} history (transaction {})".format(binary, last["id"]),
                                "kind": "upgrade", "detail": last["command"]}
                    reason = f"no update transaction in {binary} history"
        # Fallback: the newest rpm install time (any installation, not only updates).
        result = self.run("rpm", ["-qa", "--last"])
        if result is None:
            return _failure(f"{reason}; rpm is not installed")
        rc, out, err = result
        if rc != 0:
            return _failure(f"{reason}; rpm -qa --last failed (exit {rc})", _lines(err, 5))
        try:
            first = parse_rpm_qa_last(out)
        except ParseError as exc:
            return _failure(f"{reason}; rpm -qa --last: {exc}",
                            exc.evidence or _lines(out)[:1])
        return {"time": self.local_epoch(first["installed"]), "local": first["installed"],
                "source": f"rpm install times ({reason})", "kind": "package change",
                "detail": "newest package: {}".format(first["package"])}

    def rpm_kernels(self):
        data = self.running_kernel("rpm")
        result = self.run("rpm", RPM_KERNEL_QUERY)
        if result is None:
            return _failure("rpm is not installed")
        rc, out, err = result
        try:
            data["installed"] = parse_rpm_kernels(out)
        except ParseError as exc:
            return _failure(f"rpm -q kernel: {exc}", exc.evidence)
        if not data["installed"] and err.strip():
            return _failure(f"rpm -q kernel failed (exit {rc})", _lines(err, 5))
        return data

    @staticmethod
    def rpm_cache():
        entries = []
        try:
            for pattern in RPM_CACHE_GLOBS:
                for path in glob.glob(pattern)[:5000]:
                    if os.path.isfile(path):
                        entries.append((path, os.stat(path).st_mtime))
        except OSError as exc:
            return _failure("package metadata cache: %s" % (exc.strerror or exc))
        result = index_freshness(entries, kind="rpm")
        locations = sorted({p.split("/")[3] for p, _ in entries}) or ["dnf", "yum"]
        result["location"] = ", ".join(f"/var/cache/{name}" for name in locations)
        return result

    # -- all ---------------------------------------------------------------------------------

    def collect(self, provider, now):
        data = {"provider": provider, "now": now, "os_release": self.os_release()}
        if provider == "auto":
            if self.module.get_bin_path("apt-get"):
                provider = "apt"
            elif self.module.get_bin_path("dnf") or self.module.get_bin_path("dnf5"):
                provider = "dnf"
            elif self.module.get_bin_path("yum"):
                provider = "yum"
            else:
                missing = _failure("no supported package manager found (apt-get, dnf, yum)")
                data.update(provider=None, tool=None, updates=missing, advisories=missing,
                            lists=missing, kernels=missing, reboot_required=None,
                            last_update=missing)
                return data
        data["provider"] = provider
        data["reboot_required"] = self.reboot_required()
        if provider == "apt":
            lists = self.apt_lists() if self.module.get_bin_path("apt-get") \
                else _failure("apt-get is not installed")
            data.update(tool="apt", updates=self.apt_updates(), advisories=None, lists=lists,
                        kernels=self.dpkg_kernels(), last_update=self.apt_last_update())
            return data
        tool, binary = self.rpm_tool(provider)
        lists = self.rpm_cache() if self.module.get_bin_path(binary) \
            else _failure(f"{binary} is not installed")
        data.update(tool=tool, updates=self.rpm_updates(tool, binary),
                    advisories=self.rpm_advisories(tool, binary), lists=lists,
                    kernels=self.rpm_kernels(), last_update=self.rpm_last_update(binary))
        return data


def parse_now(value):
    """ISO 8601 -> epoch seconds; naive times are UTC."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    moment = datetime.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        return calendar.timegm(moment.timetuple()) + moment.microsecond / 1e6
    return moment.timestamp()


def _trim(data):
    """A copy of data with long package lists cut (the findings were judged on all of it)."""
    trimmed = dict(data)
    for key, field in (("updates", "packages"), ("advisories", "advisories")):
        section = data.get(key)
        if isinstance(section, dict) and len(section.get(field) or []) > MAX_DATA_PACKAGES:
            section = dict(section)
            section[f"{field}_not_shown"] = len(section[field]) - MAX_DATA_PACKAGES
            section[field] = section[field][:MAX_DATA_PACKAGES]
            trimmed[key] = section
    return trimmed


def main():
    module = AnsibleModule(
        argument_spec=dict(
            provider=dict(type="str", default="auto", choices=["auto", "apt", "dnf", "yum"]),
            thresholds=dict(type="dict", default={}),
            now=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    try:
        thresholds = normalize_thresholds(module.params["thresholds"])
    except ValueError as exc:
        module.fail_json(msg=f"thresholds: {exc}")
    now = time.time()
    if module.params["now"]:
        try:
            now = parse_now(module.params["now"])
        except ValueError as exc:
            module.fail_json(msg=f"now: not an ISO 8601 time: {exc}")
    data = PatchCollector(module).collect(module.params["provider"], now)
    findings = evaluate(data, thresholds)
    module.exit_json(changed=False, findings=findings, data=_trim(data), thresholds=thresholds)


if __name__ == "__main__":
    main()
