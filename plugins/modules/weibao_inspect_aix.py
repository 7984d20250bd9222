#!/usr/bin/python
# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: weibao_inspect_aix
short_description: Inspect an IBM AIX host's error log, patches, LVM, devices and system in one run
version_added: "0.3.0"
description:
  - Runs every check of weibao's five AIX areas in one execution on the host and returns the
    findings (see docs/findings.md) plus the parsed data; C(errpt) (the AIX error log),
    C(aix_patch) (oslevel, filesets, interim fixes, the technology level's end of service),
    C(aix_lvm) (volume groups, stale partitions, paging space, dump device, boot list, file
    systems), C(aix_devices) (devices that should be Available, MPIO paths, FC adapter and
    Ethernet adapter error counters, tape) and C(aix_system) (prtconf, microcode, mksysb
    backups, performance samples). One run per host covers the five areas (one task, not five).
  - "What each area reads is its parser's C(COLLECT) table (command lines with C({fcs}),
    C({ent}), C({vg}), C({mksysb}) and C({since}) in them); what exists is found, not
    configured: FC and Ethernet adapters from C(lsdev -Cc adapter), the varied-on volume
    groups from C(lsvg -o), mksysb images (C({mksysb}) or C({path})) from O(mksysb_paths)
    (globs), and C({since}) is the
    previous inspection's time in the host's local time as C(errpt -s) takes it (MMDDhhmmyy)."
  - "Hardware that is absent makes its checks not applicable (no FC adapter, no tape). A tool
    that is not installed, not permitted, timed out, or printed what the parser does not
    understand makes the checks that read it C(unknown) with the reason, never C(ok)."
  - Counters that grow (FC link failures and CRC errors, Ethernet CRC errors) are judged on
    their increase since the host's previous inspection (O(previous)); the module returns the
    counters it read (C(counters)) for the next one.
  - The module never changes the host. Tools run with C(LC_ALL=C), each with O(timeout); a
    command line that could change the host (C(fcstat -Z), C(entstat -r), C(lppchk -u),
    C(bootlist) without C(-o), C(sysdumpdev) other than C(-l), C(emgr) other than C(-l),
    C(multibos)) is refused, not run.
author:
  - weibao contributors
attributes:
  check_mode:
    support: full
    description: The module only reads; it runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing is changed, so there is no diff.
  platform:
    platforms: posix
    description: IBM AIX 7.1, 7.2 and 7.3 (Python 3.8 or later, e.g. the AIX Toolbox's).
options:
  areas:
    description:
      - The areas to inspect; the others are neither collected nor reported.
    type: list
    elements: str
    choices: [errpt, aix_patch, aix_lvm, aix_devices, aix_system]
    default: [errpt, aix_patch, aix_lvm, aix_devices, aix_system]
  thresholds:
    description:
      - "Overrides of the check catalogue's thresholds per area,
        C({area: {check: {level: value}}}), merged with the catalogue's defaults."
      - An unknown area, check or level fails the module before anything is read.
    type: dict
    default: {}
  previous:
    description:
      - "The counters of this host's previous inspection,
        C({\"check|component|name\": {value: N, at: ISO time, boot_time: ISO time}}), as the
        runner passes them (C(weibao_previous_counters[inventory_hostname]))."
    type: dict
    default: {}
  since:
    description:
      - The previous inspection's time (ISO 8601, UTC unless it carries an offset, as the
        runner passes C(weibao_last_inspection)); C(errpt -s) then reads the entries since.
        Empty on the first inspection (the whole log). Later than the host's clock, the
        error log is not read (unknown, cause C(stale)), never read whole.
    type: str
    default: ""
  timeout:
    description:
      - Seconds each tool may run (1 to 600). A tool that does not answer in time makes the
        checks that read it C(unknown).
    type: int
    default: 120
  mksysb_paths:
    description:
      - Where the host's mksysb images are, as globs (C(/mksysb/*.mksysb),
        C(/export/nim/mksysb/db01*)); each file found is read with C(lsmksysb -l -f).
    type: list
    elements: str
    default: []
  nmon_paths:
    description:
      - Where the host's nmon recordings are (globs); the files modified since the previous
        inspection (O(since)), at most the last 31 days, are read into the C(performance)
        series when the C(aix_system) area is inspected. Empty reads none.
    type: list
    elements: str
    default: [/var/perf/daily/*.nmon, /etc/perf/daily/*.nmon]
notes:
  - Run as root (C(become), or C(ansible_user=root)); errpt -a, lsmksysb, fcstat and
    sysdumpdev need it.
  - Set C(ansible_python_interpreter) (the AIX Toolbox's /opt/freeware/bin/python3).
"""

EXAMPLES = r"""
- name: Inspect the AIX error log, patches, LVM, devices and system
  weibao_inspect_aix:
    previous: "{{ weibao_previous_counters[inventory_hostname] | default({}) }}"
    since: "{{ weibao_last_inspection[inventory_hostname] | default('') }}"
    mksysb_paths: ["/mksysb/*.mksysb"]
  check_mode: false
  changed_when: false
"""

RETURN = r"""
findings:
  description: One finding per check and component (see docs/findings.md).
  returned: always
  type: list
  elements: dict
not_applicable:
  description: The checks that do not apply to this host, with why.
  returned: always
  type: list
  elements: dict
counters:
  description: The counters read, for the next inspection's deltas.
  returned: always
  type: list
  elements: dict
areas:
  description: The areas this run inspected.
  returned: always
  type: list
  elements: str
  sample: [errpt, aix_patch, aix_lvm, aix_devices, aix_system]
data:
  description: The parsed data per area, and what was found (C(found)).
  returned: always
  type: dict
performance:
  description:
    - "The host's nmon history for the monthly performance analysis, hourly series in the
      shape weibao_inspect_system returns for sysstat (module_utils/weibao_inspection/
      performance.py): CPU_ALL, MEMNEW/MEM, PAGE, DISKBUSY (at most 16 disks), NET (at most
      8 interfaces); C(source) C(none) with C(notes) saying why when there is none; C(sample)
      is this inspection's vmstat and svmon figures. Returned when C(aix_system) is
      inspected."
  returned: when aix_system is inspected
  type: dict
"""

import calendar
import glob
import os
import re
import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.weibao_inspection import catalogue
from ansible.module_utils.weibao_inspection.collect import (
    HostTools,
    failure,
    judge_areas,
    missing,
    run_parallel,
)
from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.performance import (
    DEFAULT_NMON_PATHS,
    aix_sample,
    collect_nmon,
)
from ansible.module_utils.weibao_inspection.parsers import (
    aix_aix_devices,
    aix_aix_lvm,
    aix_aix_patch,
    aix_aix_system,
    aix_errpt,
)
from ansible.module_utils.weibao_inspection.rules import aix_devices as aix_devices_rules
from ansible.module_utils.weibao_inspection.rules import aix_lvm as aix_lvm_rules
from ansible.module_utils.weibao_inspection.rules import aix_patch as aix_patch_rules
from ansible.module_utils.weibao_inspection.rules import aix_system as aix_system_rules
from ansible.module_utils.weibao_inspection.rules import errpt as errpt_rules

AREAS = ("errpt", "aix_patch", "aix_lvm", "aix_devices", "aix_system")
# area -> (parsers module, rules module); imported statically so Ansible ships them
MODULES = {"errpt": (aix_errpt, errpt_rules), "aix_patch": (aix_aix_patch, aix_patch_rules),
           "aix_lvm": (aix_aix_lvm, aix_lvm_rules),
           "aix_devices": (aix_aix_devices, aix_devices_rules),
           "aix_system": (aix_aix_system, aix_system_rules)}

SEARCH_PATH = ("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/etc", "/usr/lpp/bos/sbin",
               "/opt/freeware/bin")

LSDEV_ADAPTER = ("lsdev", "-Cc", "adapter")
LSVG_ONLINE = ("lsvg", "-o")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# placeholders that expand to one command per device (the raw value is {device: text})
DEVICE_PLACEHOLDERS = ("fcs", "ent", "vg", "mksysb", "path")
MKSYSB_LIMIT = 20  # the newest images read per host (lsmksysb reads each file's header)


def refused(argv):
    """Why ``argv`` could change the host (then it is not run), or ''."""
    tool, args = os.path.basename(argv[0]), list(argv[1:])
    flags = "".join(a[1:] for a in args if a.startswith("-"))
    if tool == "fcstat" and ("Z" in flags or "z" in flags):
        return "fcstat -Z resets the adapter's statistics"
    if tool == "entstat" and "r" in flags:
        return "entstat -r resets the adapter's statistics"
    if tool == "lppchk" and "u" in flags:
        return "lppchk -u changes the software database"
    if tool == "bootlist" and "o" not in flags:
        return "bootlist without -o may change the boot list"
    if tool == "sysdumpdev" and args != ["-l"]:
        return "sysdumpdev only with -l"
    if tool == "emgr" and args != ["-l"]:
        return "emgr only with -l"
    if tool == "multibos":
        return "multibos can create or open a standby instance"
    if tool == "errpt" and ("c" in flags or "C" in flags):
        return "errpt -c/-C is concurrent (does not end)"
    return ""


class Tools(HostTools):
    """The AIX tools: the ODM they read, commands refused before they run (``refused``), names
    looked up on the search path, and the exit statuses and stderr of AIX's own commands."""

    DENIED = HostTools.DENIED + ("not authorized",)

    def __init__(self, timeout, path=None):
        # the ODM the device commands read (set by /etc/environment; absent in some sessions)
        super().__init__(timeout, path, SEARCH_PATH, {"ODMDIR": "/etc/objrepos"})

    def output(self, argv):
        """The tool's text (``argv[0]`` a name, looked up on the search path), or a failure
        section saying why there is none."""
        name = " ".join(argv)
        why = refused(argv)
        if why:
            # a coverage cause (findings.CAUSES): the source was not read
            return failure(msg("reason.text", text=f"{name}: not run: {why}"),
                           "source_unreadable")
        binary = self.which(argv[0])
        if binary is None:
            return missing(argv[0])
        rc, out, err = self.run([binary] + list(argv[1:]))
        return self.interpret(name, rc, out, err)

    def denied(self, name, out, err):
        # errpt's output is the log's own text (an OPMSG may say "Permission denied"): only
        # its stderr tells a refusal
        if os.path.basename(name.split()[0]) == "errpt":
            return super().denied(name, "", err)
        return super().denied(name, out, err)

    def accepted(self, name, rc, out, err):
        if rc == 0:
            # lppchk -v and errpt print their findings on stderr with a zero status too
            return out if out.strip() or not err.strip() else out + err
        return None

    def printed(self, out, err):
        # lspath, lppchk and lsvg exit 1 and say why: their stderr is kept with the output
        return out + (err if err.strip() else "")

    def said(self, out, err):
        return err.strip()

    def exited(self, name, rc, said, err):
        if os.path.basename(name.split()[0]) == "lppchk":
            return err  # lppchk -v: the inconsistencies on stderr, exit status non-zero
        return super().exited(name, rc, said, err)


def errpt_time(since, now=None):
    """The ISO time ``since`` (UTC unless it carries an offset) in this host's local time as
    ``errpt -s`` takes it (MMDDhhmmyy), or '' (none, unreadable, or in the future)."""
    text = (since or "").strip()
    if not text:
        return ""
    match = re.match(r"^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d))?(?:\.\d+)?"
                     r"\s*(?:Z|([+-])(\d\d):?(\d\d))?", text)
    if not match:
        return ""
    parts = [int(p or 0) for p in match.groups()[:6]]
    epoch = calendar.timegm((parts[0], parts[1], parts[2], parts[3], parts[4], parts[5],
                             0, 0, 0))
    sign, hours, minutes = match.groups()[6:]
    if sign:  # a time with its offset (2026-11-06T10:00:00+08:00): to UTC first
        epoch -= (1 if sign == "+" else -1) * (int(hours) * 3600 + int(minutes) * 60)
    if now is not None and epoch > now:
        return ""
    return time.strftime("%m%d%H%M%y", time.localtime(epoch))


def with_since(template, since):
    """``template`` with ``{since}`` replaced; without a previous inspection, the argument and
    the option before it (``-s {since}``) are left out: the whole log is read."""
    out = []
    for arg in template:
        if "{since}" not in arg:
            out.append(arg)
        elif since:
            out.append(arg.replace("{since}", since))
        elif out and out[-1].startswith("-") and arg == "{since}":
            out.pop()
    return tuple(out)


def collect_table(area):
    """The area's parser's COLLECT table: ((key, argv template), ...)."""
    parsers, _rules = MODULES[area]
    return tuple(getattr(parsers, "COLLECT", ()) or ())


def adapter_names(text, kind):
    """The Available adapters of ``kind`` (fcs, ent) in ``lsdev -Cc adapter``'s ``text``,
    through the aix_devices parser's ``adapters()`` (its own parsing of lsdev)."""
    found = aix_aix_devices.adapters(text)
    return [str(name) for name in (found.get(kind) or ())]


class Collector:
    """Finds the host's FC and Ethernet adapters, varied-on volume groups and mksysb images,
    and runs each area's COLLECT table; returns {area: raw} and the checks that do not apply."""

    def __init__(self, tools, mksysb_paths=(), since=""):
        self.tools = tools
        self.mksysb_paths = list(mksysb_paths or ())
        self.since = since
        self.not_applicable = []
        self.found = {}
        self._cache = {}
        self._devices = {}

    def output(self, argv):
        argv = tuple(argv)
        if argv not in self._cache:
            self._cache[argv] = self.tools.output(list(argv))
        return self._cache[argv]

    def devices(self, kind):
        """The names a ``{kind}`` placeholder expands to, or a failure."""
        if kind in self._devices:
            return self._devices[kind]
        if kind in ("fcs", "ent"):
            text = self.output(LSDEV_ADAPTER)
            result = text if isinstance(text, dict) else adapter_names(text, kind)
        elif kind == "vg":
            text = self.output(LSVG_ONLINE)
            result = text if isinstance(text, dict) else \
                [line.strip() for line in text.splitlines() if line.strip()]
        elif kind in ("mksysb", "path"):
            result = self.mksysb_files()
        else:
            result = failure(msg("reason.text", text=f"unknown placeholder {{{kind}}}"),
                             "source_unreadable")
        self._devices[kind] = result
        if not isinstance(result, dict):
            self.found["mksysb" if kind == "path" else kind] = list(result)
        return result

    def mksysb_files(self):
        files = set()
        for pattern in self.mksysb_paths:
            files.update(p for p in glob.glob(pattern) if os.path.isfile(p))
        newest = sorted(files, key=lambda p: (-_mtime(p), p))[:MKSYSB_LIMIT]
        return sorted(newest)

    def jobs(self, area):
        """[(key, device or None, argv)] of the area's COLLECT table, and the keys that
        expanded to no device (their raw value is {})."""
        jobs, raw = [], {}
        for key, template in collect_table(area):
            template = tuple(template)
            names = set(PLACEHOLDER.findall(" ".join(template)))
            if "since" in names:
                if isinstance(self.since, dict):  # a failure: the clock is behind
                    raw[key] = self.since
                    continue
                template = with_since(template, self.since)
                names.discard("since")
            kinds = [n for n in names if n in DEVICE_PLACEHOLDERS]
            if not kinds:
                if names:
                    raw[key] = self.devices(sorted(names)[0])  # an unknown placeholder
                    continue
                jobs.append((key, None, template))
                continue
            kind = kinds[0]
            devices = self.devices(kind)
            if isinstance(devices, dict):
                raw[key] = devices
                continue
            raw[key] = {}
            for device in devices:
                jobs.append((key, device,
                             tuple(a.replace("{" + kind + "}", device) for a in template)))
        return jobs, raw

    def collect(self, areas):
        plan, raws = [], {}
        for area in AREAS:
            if area not in areas:
                continue
            jobs, raws[area] = self.jobs(area)
            plan.extend((area,) + job for job in jobs)
        unique = []
        for job in plan:
            if job[3] not in unique:
                unique.append(job[3])
        for argv, text in zip(unique, run_parallel(self.output, unique)):
            self._cache[argv] = text
        for area, key, device, argv in plan:
            text = self._cache[argv]
            if device is None:
                raws[area][key] = text
            else:
                raws[area][key][device] = text
        if "mksysb" in self.found:
            self.found["mksysb_paths"] = list(self.mksysb_paths)
        return raws


def _mtime(path):
    try:
        return os.path.getmtime(path)
    except OSError:
        return 0


def context_of(params, now=None):
    now = time.time() if now is None else now
    since = (params.get("since") or "").strip()
    errpt_since = errpt_time(since, now)
    if since and not errpt_since and errpt_time(since):
        # the previous inspection is later than this host's clock: reading the whole log
        # would count entries of earlier periods, so the error log is not judged
        errpt_since = failure(msg("reason.clock_ahead", since=since,
                                  now=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))),
                              "stale")
    return {"now": now, "previous": params.get("previous") or {}, "boot_time": "",
            "since": since or None, "errpt_since": errpt_since}


def inspect(params, thresholds):
    context = context_of(params)
    collector = Collector(Tools(params["timeout"]), params["mksysb_paths"],
                          context["errpt_since"])
    return inspect_with(collector, collector.collect(params["areas"]), params, thresholds,
                        context)


def inspect_with(collector, raws, params, thresholds, context=None):
    """(findings, not_applicable, counters, data) of the raw outputs ``collector`` gathered."""
    context = context or context_of(params)
    return judge_areas(MODULES, raws, thresholds, context, collector.not_applicable,
                       collector.found)


def performance(params, data, now=None):
    """The nmon history since the previous inspection (at most 31 days) and this
    inspection's vmstat/svmon figures; never fails the module."""
    now = time.time() if now is None else now
    since = (params.get("since") or "").strip()
    since_epoch = None
    if since:
        try:
            since_epoch = calendar.timegm(time.strptime(since[:19].replace(" ", "T"),
                                                        "%Y-%m-%dT%H:%M:%S"))
        except ValueError:
            since_epoch = None
    try:
        perf = collect_nmon(params.get("nmon_paths") or [], since_epoch, now)
    except Exception as exc:  # the findings stand without the history
        perf = {"source": "none", "period": None, "files": [], "series": [],
                "dropped": {"disk": 0, "net": 0},
                "notes": [msg("reason.internal", where="performance",
                              error=f"{type(exc).__name__}: {exc}")]}
    perf["sample"] = aix_sample((data or {}).get("aix_system") or {},
                                time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)))
    return perf


# the module's arguments (as the Linux collectors' ARGUMENT_SPEC; the role's
# meta/argument_specs.yml is checked against it)
ARGUMENT_SPEC = dict(
    areas=dict(type="list", elements="str", choices=list(AREAS), default=list(AREAS)),
    thresholds=dict(type="dict", default={}),
    previous=dict(type="dict", default={}),
    since=dict(type="str", default=""),
    timeout=dict(type="int", default=120),
    mksysb_paths=dict(type="list", elements="str", default=[]),
    nmon_paths=dict(type="list", elements="str", default=list(DEFAULT_NMON_PATHS)),
)


def main():
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        supports_check_mode=True,
    )
    params = module.params
    if not 1 <= params["timeout"] <= 600:
        module.fail_json(msg="timeout must be between 1 and 600")
    since = (params["since"] or "").strip()
    if since and not errpt_time(since) and not re.match(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d", since):
        module.fail_json(msg=f"since: {since!r} is not an ISO 8601 time")
    unknown_areas = sorted(set(params["thresholds"]) - set(AREAS))
    if unknown_areas:
        module.fail_json(msg=f"thresholds: unknown area(s) {', '.join(unknown_areas)}; "
                             f"areas: {', '.join(AREAS)}")
    try:
        thresholds = {area: catalogue.merge_thresholds(area, params["thresholds"].get(area)
                                                       or {}) for area in AREAS}
    except catalogue.CatalogueError as exc:
        module.fail_json(msg=str(exc))
    findings, na, read, data = inspect(params, thresholds)
    extra = {}
    if "aix_system" in params["areas"]:
        extra["performance"] = performance(params, data)
    module.exit_json(changed=False, findings=findings, not_applicable=na, counters=read,
                     areas=[a for a in AREAS if a in params["areas"]], data=data, **extra)


if __name__ == "__main__":
    main()
