# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The patch-level area's collector: pending and security updates, package lists' age, reboots.

Its module weibao_inspect_patch (documented in plugins/modules/weibao_inspect_patch.py) and
weibao_inspect_linux (every Linux area in one execution) both call ``run(module)``: an
AnsibleModule, or a view of one whose ``params`` are this area's (collectors/__init__.py).
"""

from __future__ import annotations

import calendar
import datetime
import errno
import glob
import gzip
import os
import time

from ansible.module_utils.weibao_inspection.catalogue import CatalogueError
from ansible.module_utils.weibao_inspection.catalogue.common import errno_message
from ansible.module_utils.weibao_inspection.collectors import AreaError
from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers.linux_patch import (
    ParseError,
    parse_apt_history,
    parse_sources,
)
from ansible.module_utils.weibao_inspection.rules.patch import evaluate, merged_thresholds

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
DPKG_KERNEL_QUERY = ["-W", "-f", "${Package} ${Version} ${Status}\\n", "linux-image-*"]
RPM_KERNEL_QUERY = [
    "-q", "--qf", "%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH}\\n",
    "kernel", "kernel-core", "kernel-uek", "kernel-uek-core", "kernel-rt-core",
]
_DENIED = ("Permission denied", "don't have access", "must be run as root",
           "You need to be root")


def _failure(message, evidence=None, cause="source_unreadable"):
    """A source the collector could not get: its raw value (parse_sources keeps it)."""
    return {"error": message, "evidence": [line for line in (evidence or []) if line][:20],
            "cause": cause}


def _lines(text, last=None):
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return lines[-last:] if last else lines


def _os_cause(exc):
    return "no_permission" if getattr(exc, "errno", None) in (errno.EACCES, errno.EPERM) \
        else "source_unreadable"


class PatchCollector:
    """Runs the commands and reads the files: the raw outputs, keyed as registry.py says.
    Reading them is parse_sources' work, judging evaluate's."""

    def __init__(self, module):
        self.module = module

    def run(self, name, args):
        """(rc, out, err) of a command in the C locale; None when the command is missing."""
        path = self.module.get_bin_path(name)
        if not path:
            return None
        return self.module.run_command([path] + list(args), environ_update=C_LOCALE,
                                       check_rc=False)

    def command_output(self, name, args, shown, ok_codes=(0,), cache_only=False):
        """The stdout of a command, or its _failure: missing, or an exit status not in
        ``ok_codes``. Returns (raw value, exit status or None)."""
        result = self.run(name, args)
        if result is None:
            return _failure(msg("reason.not_installed", command=name), cause="tool_missing"), None
        rc, out, err = result
        if rc in ok_codes:
            return out, rc
        lines = _lines(err, 10) or _lines(out, 10)
        cause = "no_permission" if any(d in (err or "") for d in _DENIED) \
            else "source_unreadable"
        if not lines:
            return _failure(msg("reason.exited_silent", command=shown, rc=rc), cause=cause), rc
        key = "patch.reason.cache_only_failed" if cache_only else "reason.exited"
        return _failure(msg(key, command=shown, rc=rc, output=lines[0]), lines, cause), rc

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
        reasons = []
        cause = "source_unreadable"
        for path in ("/etc/os-release", "/usr/lib/os-release"):
            try:
                return self.read_text(path)
            except OSError as exc:
                reasons.append(msg("reason.cannot_read", path=path, why=errno_message(exc)))
                cause = _os_cause(exc) if cause == "source_unreadable" else cause
        return _failure(msg("reason.both", first=reasons[0], second=reasons[1]), cause=cause)

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
    def uname():
        uname = os.uname()
        return {"release": uname.release, "version": uname.version}

    # -- apt ---------------------------------------------------------------------------------

    def apt_simulate(self):
        return self.command_output("apt-get", APT_SIMULATE, "apt-get -s dist-upgrade")[0]

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
                            entries.append([entry.name,
                                            entry.stat(follow_symlinks=False).st_mtime])
            for stamp in APT_STAMPS:
                if os.path.exists(stamp):
                    entries.append([stamp, os.stat(stamp).st_mtime])
        except OSError as exc:
            return _failure(msg("reason.cannot_list", path=APT_LISTS, why=errno_message(exc)),
                            cause=_os_cause(exc))
        return {"kind": "apt", "location": APT_LISTS, "entries": entries}

    def dpkg_kernels(self):
        result = self.run("dpkg-query", DPKG_KERNEL_QUERY)
        if result is None:
            return _failure(msg("reason.not_installed", command="dpkg-query"),
                            cause="tool_missing")
        rc, out, err = result
        if rc != 0 and not (rc == 1 and "no packages found" in err):
            lines = _lines(err, 10)
            return _failure(msg("reason.exited", command="dpkg-query -W", rc=rc,
                                output=(lines or [""])[0]), lines)
        return out

    def apt_history(self):
        """The history logs' text, oldest first, reading back from the newest file until one
        records a system upgrade; and the files read (newest first)."""
        candidates = [APT_HISTORY, APT_HISTORY + ".1", APT_HISTORY + ".1.gz"]
        candidates += [f"{APT_HISTORY}.{n}.gz" for n in range(2, 13)]
        texts = []
        read = []
        for path in candidates:
            if not os.path.exists(path):
                continue
            try:
                text = self.read_log_tail(path)
            except OSError as exc:
                return _failure(msg("reason.cannot_read", path=path, why=errno_message(exc)),
                                cause=_os_cause(exc)), read
            except EOFError as exc:  # a gzip file cut short
                return _failure(msg("patch.reason.bad_log", path=path, why=errno_message(exc))), \
                    read
            texts.insert(0, text if text.endswith("\n") or not text else text + "\n")
            read.append(path)
            try:
                if parse_apt_history(text)["last_upgrade"]:
                    break
            except ParseError:
                break  # parse_sources says what it does not understand
        if not read:
            return _failure(msg("reason.does_not_exist", path=APT_HISTORY),
                            cause="incomplete"), read
        return "".join(texts), read

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

    def rpm_kernels(self):
        result = self.run("rpm", RPM_KERNEL_QUERY)
        if result is None:
            return _failure(msg("reason.not_installed", command="rpm"), cause="tool_missing")
        rc, out, err = result
        # exit status = the number of names not installed; stdout says which
        listed = [line for line in _lines(out) if not line.startswith("package ")]
        if not listed and err.strip():
            lines = _lines(err, 5)
            return _failure(msg("reason.exited", command="rpm -q kernel", rc=rc,
                                output=lines[0]), lines)
        return out

    @staticmethod
    def rpm_cache():
        entries = []
        try:
            for pattern in RPM_CACHE_GLOBS:
                for path in glob.glob(pattern)[:5000]:
                    if os.path.isfile(path):
                        entries.append([path, os.stat(path).st_mtime])
        except OSError as exc:
            return _failure(msg("reason.cannot_list", path="/var/cache", why=errno_message(exc)),
                            cause=_os_cause(exc))
        locations = sorted({p.split("/")[3] for p, _ in entries}) or ["dnf", "yum"]
        return {"kind": "rpm", "location": ", ".join(f"/var/cache/{name}" for name in locations),
                "entries": entries}

    # -- all ---------------------------------------------------------------------------------

    def collect(self, provider):
        """The raw outputs (parse_sources' input) and the provider used."""
        raw = {"os_release": self.os_release(), "uname": self.uname()}
        if provider == "auto":
            if self.module.get_bin_path("apt-get"):
                provider = "apt"
            elif self.module.get_bin_path("dnf") or self.module.get_bin_path("dnf5"):
                provider = "dnf"
            elif self.module.get_bin_path("yum"):
                provider = "yum"
            else:
                missing = _failure(msg("patch.reason.no_package_manager"), cause="tool_missing")
                raw.update(tool=None, apt_simulate=missing, package_lists=missing,
                           dpkg_kernels=missing, apt_history=missing)
                return raw, None
        raw["reboot_required"] = self.reboot_required()
        if provider == "apt":
            lists = self.apt_lists() if self.module.get_bin_path("apt-get") \
                else _failure(msg("reason.not_installed", command="apt-get"), cause="tool_missing")
            history, files = self.apt_history()
            raw.update(tool="apt", apt_simulate=self.apt_simulate(), package_lists=lists,
                       dpkg_kernels=self.dpkg_kernels(), apt_history=history,
                       apt_history_files=files)
            return raw, provider
        tool, binary = self.rpm_tool(provider)
        dnf5 = tool == "dnf5"
        raw["tool"] = tool
        raw["package_lists"] = self.rpm_cache() if self.module.get_bin_path(binary) \
            else _failure(msg("reason.not_installed", command=binary), cause="tool_missing")
        command = "check-upgrade" if dnf5 else "check-update"
        raw["rpm_updates"], raw["rpm_updates_rc"] = self.command_output(
            binary, ["-q", "-C", command], f"{binary} -C {command}", ok_codes=(0, 100),
            cache_only=True)
        advisory = ["advisory", "list"] if dnf5 else ["updateinfo", "list"]
        raw["rpm_advisories"] = self.command_output(
            binary, ["-q", "-C"] + advisory, "{} -C {}".format(binary, " ".join(advisory)),
            cache_only=True)[0]
        raw["rpm_history"] = self.command_output(binary, ["-q", "-C", "history", "list"],
                                                 f"{binary} history list")[0]
        # the newest rpm install time: parse_sources' fallback when the history has no update
        raw["rpm_last"] = self.command_output("rpm", ["-qa", "--last"], "rpm -qa --last")[0]
        raw["rpm_kernels"] = self.rpm_kernels()
        return raw, provider


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


def inspect(module, provider, thresholds, now):
    """Collect, read, judge: (findings, not_applicable, data)."""
    raw, used = PatchCollector(module).collect(provider)
    context = {"now": now}
    data = parse_sources(raw, context)
    findings = evaluate(data, thresholds, context)
    data.update(provider=used, now=now)
    return findings, [], data


ARGUMENT_SPEC = dict(
    provider=dict(type="str", default="auto", choices=["auto", "apt", "dnf", "yum"]),
    thresholds=dict(type="dict", default={}),
    now=dict(type="str"),
)


def run(module):
    """The area's result (without ``changed``); AreaError when an argument is wrong."""
    params = module.params
    try:
        thresholds = merged_thresholds(params["thresholds"])
    except CatalogueError as exc:
        raise AreaError(str(exc)) from exc
    now = time.time()
    if params["now"]:
        try:
            now = parse_now(params["now"])
        except ValueError as exc:
            raise AreaError(f"now: not an ISO 8601 time: {exc}") from exc
    findings, not_applicable, data = inspect(module, params["provider"], thresholds, now)
    return dict(findings=findings, not_applicable=not_applicable, data=_trim(data),
                thresholds=thresholds)
