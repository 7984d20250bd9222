# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The storage area's collector: disks, SMART, volumes, RAID, multipath, tape and links.

Its module weibao_inspect_storage (documented in plugins/modules/weibao_inspect_storage.py) and
weibao_inspect_linux (every Linux area in one execution) both call ``run(module)``: an
AnsibleModule, or a view of one whose ``params`` are this area's (collectors/__init__.py).
"""

from __future__ import annotations

import glob
import json
import os
import re
import time

from ansible.module_utils.weibao_inspection import catalogue
from ansible.module_utils.weibao_inspection.collect import (
    HostTools,
    failure,
    judge_areas,
    missing,
    run_parallel,
)
from ansible.module_utils.weibao_inspection.collectors import AreaError
from ansible.module_utils.weibao_inspection.messages import msg, render
from ansible.module_utils.weibao_inspection.parsers import (
    linux_links,
    linux_raid,
    linux_storage,
    linux_tape,
    linux_volumes,
)
from ansible.module_utils.weibao_inspection.rules import links as links_rules
from ansible.module_utils.weibao_inspection.rules import raid as raid_rules
from ansible.module_utils.weibao_inspection.rules import storage as storage_rules
from ansible.module_utils.weibao_inspection.rules import tape as tape_rules
from ansible.module_utils.weibao_inspection.rules import volumes as volumes_rules

AREAS = ("storage", "volumes", "raid", "tape", "links")
# area -> (parsers module, rules module); imported statically so Ansible ships them
MODULES = {"storage": (linux_storage, storage_rules), "volumes": (linux_volumes, volumes_rules),
           "raid": (linux_raid, raid_rules), "tape": (linux_tape, tape_rules),
           "links": (linux_links, links_rules)}

SEARCH_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin",
               # where the vendors' RAID packages install their CLIs
               "/opt/MegaRAID/storcli", "/opt/MegaRAID/perccli", "/opt/MegaRAID/MegaCli",
               "/opt/lsi/storcli", "/opt/smartstorageadmin/ssacli/bin",
               "/opt/hp/hpssacli/bld", "/opt/compaq/hpacucli/bld", "/usr/Arcconf",
               "/opt/Arcconf")

# block devices that are never physical disks with SMART
VIRTUAL_BLOCK = re.compile(r"^(loop|ram|zram|dm-|md|sr|fd|nbd|rbd|drbd|vd|xvd|nullb|pmem|"
                           r"mmcblk\d+boot|zd)")
VIRTUAL_MODEL = re.compile(r"QEMU|VMware|Virtual disk|Virtual Disk|VBOX|Xen|Msft|"
                           r"Google PersistentDisk|Amazon Elastic", re.IGNORECASE)
# smartctl's default device types (auto-detected): the device name alone identifies the disk
PLAIN_TYPES = ("", "auto", "ata", "sat", "scsi", "nvme", "sat,auto", "sat,12", "sat,16")

RAID_DRIVERS = {"megaraid_sas": "storcli", "hpsa": "ssacli", "cciss": "ssacli",
                "smartpqi": "", "aacraid": "arcconf"}
HPE_VENDORS = ("0x103c", "0x1590")  # HP, HPE (PCI subsystem vendors)
STORCLI = ("storcli64", "storcli", "perccli64", "perccli")
MEGACLI = ("MegaCli64", "MegaCli", "megacli")
SSACLI = ("ssacli", "hpssacli", "hpacucli")

# SCSI peripheral device types (SPC: 01h sequential-access, 08h medium changer)
SCSI_TAPE = "1"
SCSI_CHANGER = "8"


class Tools(HostTools):
    """The storage tools: the vendors' RAID CLIs on the search path, the exit statuses a call
    reads (``ok_codes``) and the name a failure shows (``name``)."""

    DENIED = HostTools.DENIED + ("running as a non-root user", "administrator privileges")

    def __init__(self, timeout, path=None):
        super().__init__(timeout, path, SEARCH_PATH)

    def output(self, argv, ok_codes=(0,), name=None):
        """The tool's text, or a failure section saying why there is none. ``ok_codes``
        None: every exit status is read (the output says what happened)."""
        rc, out, err = self.run(argv)
        return self.interpret(argv, rc, out, err, ok_codes, name)

    def interpret(self, argv, rc, out, err, ok_codes=(0,), name=None):
        name = name or " ".join([os.path.basename(argv[0])] + list(argv[1:]))
        return super().interpret(name, rc, out, err, path=argv[0], ok_codes=ok_codes)

    def accepted(self, name, rc, out, err, ok_codes=(0,)):
        if ok_codes is None and (rc == 0 or out.strip()) or ok_codes and rc in ok_codes:
            return out
        return None


def _read(path):
    try:
        with open(path, "rb") as handle:
            return handle.read(65536).decode("utf-8", "replace").strip()
    except OSError:
        return None


def _listdir(path):
    try:
        return sorted(os.listdir(path))
    except OSError:
        return []


class Collector:
    """Finds what hardware exists (sysfs under ``root``) and gathers each area's raw outputs
    under the registry's keys; returns {area: raw} and the checks that do not apply."""

    def __init__(self, tools, root="/", smart_devices=()):
        self.tools = tools
        self.root = root or "/"
        self.smart_devices = list(smart_devices or ())
        self.not_applicable = []
        self.found = {}

    def sys(self, *parts):
        return os.path.join(self.root, "sys", *parts)

    def na(self, check_id, reason):
        self.not_applicable.append({"check_id": check_id, "component": "",
                                    "message": {"summary": reason},
                                    "reason": render(reason, "en")})

    # ------------------------------------------------------------------ storage (SMART)

    def physical_disks(self):
        disks = []
        for name in _listdir(self.sys("block")):
            if VIRTUAL_BLOCK.match(name):
                continue
            device = self.sys("block", name, "device")
            model = " ".join(filter(None, (_read(os.path.join(device, "vendor")),
                                           _read(os.path.join(device, "model")))))
            if not os.path.exists(device) or VIRTUAL_MODEL.search(model or "") \
                    or self.behind_raid(device):
                continue
            disks.append("/dev/" + name)
        return disks

    def behind_raid(self, device):
        """A block device a RAID controller presents (a logical drive): its SCSI host's driver
        is a RAID driver; its member disks are read through the controller (-d megaraid,N)."""
        try:
            hcil = os.path.basename(os.readlink(device))
        except OSError:
            return False
        host = hcil.split(":", 1)[0]
        proc = _read(self.sys("class", "scsi_host", "host" + host, "proc_name")) or ""
        return proc in RAID_DRIVERS

    def smart_scan(self, smartctl):
        """[(device, type)] from ``smartctl --scan-open``; devices it could not open are
        returned with their line, so the disk is reported, not dropped."""
        text = self.tools.output([smartctl, "--scan-open"])
        if isinstance(text, dict):
            return None
        found = []
        for line in text.splitlines():
            line = line.strip()
            failed = line.startswith("# /dev/")
            body = line[2:] if failed else line
            if not body.startswith("/dev/"):
                continue
            head = body.split("#", 1)[0].split()
            dtype = head[2] if len(head) >= 3 and head[1] == "-d" else ""
            found.append((head[0], dtype, line if failed else ""))
        return found

    def storage(self):
        smartctl = self.tools.which("smartctl")
        disks = self.physical_disks()
        self.found["disks"] = disks
        if smartctl is None:
            if disks or self.smart_devices:
                return {"smartctl_json": missing("smartctl")}
            self.na("storage.smart_health", msg("storage.no_disk"))
            return {}
        version = self.tools.output([smartctl, "--version"])
        match = re.search(r"smartctl (\d+)\.", version if isinstance(version, str) else "")
        as_json = bool(match) and int(match.group(1)) >= 7
        if self.smart_devices:
            targets = []
            for item in self.smart_devices:
                words = item.split()
                dtype = words[words.index("-d") + 1] if "-d" in words[:-1] else ""
                targets.append((words[0], dtype, ""))
        else:
            targets = self.smart_scan(smartctl) or []
            # a disk sysfs shows that the scan left out (it could not open it, or does not
            # know its transport) is read by its name, never silently skipped
            scanned = {t[0] for t in targets}
            for disk in disks:
                nvme = re.match(r"^(/dev/nvme\d+)n\d+$", disk)
                if disk not in scanned and not (nvme and nvme.group(1) in scanned):
                    targets.append((disk, "", ""))
        if not targets:
            return {}
        outputs = {}
        jobs = []
        for device, dtype, failed_line in targets:
            label = device if dtype in PLAIN_TYPES else f"{device} -d {dtype}"
            if failed_line:
                outputs[label] = failure(msg("reason.text", text=failed_line),
                                         "source_unreadable")
                continue
            argv = [smartctl, "-a"] + (["--json"] if as_json else []) \
                + (["-d", dtype] if dtype else []) + [device]
            jobs.append((label, argv))
        # smartctl's exit status is a bit mask (1 = bad command line, 2 = open failed ...):
        # the output says what happened, so every exit status is read
        for label, text in _parallel(self.tools, jobs, ok_codes=None):
            outputs[label] = text
        return {"smartctl_json" if as_json else "smartctl": outputs}

    # ------------------------------------------------------------------ volumes

    def volumes(self):
        raw = {}
        mdstat = _read(os.path.join(self.root, "proc", "mdstat"))
        if mdstat is None:
            self.na("volumes.md_arrays", msg("reason.does_not_exist", path="/proc/mdstat"))
        else:
            raw["mdstat"] = mdstat + "\n"
            arrays = re.findall(r"^(md\S*)\s*:", mdstat, re.MULTILINE)
            mdadm = self.tools.which("mdadm")
            if arrays and mdadm:
                raw["mdadm_detail"] = self.tools.output(
                    [mdadm, "--detail"] + ["/dev/" + a for a in arrays], ok_codes=None)
        if self.tools.which("lvm", "pvs") is None:
            for check in ("volumes.lvm_pvs", "volumes.lvm_vgs", "volumes.lvm_lvs"):
                self.na(check, msg("reason.not_installed", command="lvm"))
        else:
            for key, args in (("pvs", ["-o", "+pv_missing"]),
                              ("vgs", ["-o", "+vg_missing_pv_count"]),
                              ("lvs", ["-a", "-o", "+lv_health_status,segtype,lv_layout"])):
                raw[key] = self.lvm(key, args)
        multipath = self.tools.which("multipath")
        if multipath is None:
            self.na("volumes.multipath", msg("reason.not_installed", command="multipath"))
        else:
            rc, out, err = self.tools.run([multipath, "-ll"])
            if rc is not None and "driver not loaded" in out + str(err):
                # no dm-multipath in the kernel: no map can exist
                self.na("volumes.multipath", msg("reason.text", text=str(err or out).strip()))
            else:
                raw["multipath"] = self.tools.interpret([multipath, "-ll"], rc, out, err)
        return raw

    def lvm(self, tool, args):
        """The JSON report (LVM 2.02.158+), or the columns from an older LVM."""
        binary = self.tools.which(tool) or self.tools.which("lvm")
        prefix = [binary] if os.path.basename(binary) == tool else [binary, tool]
        rc, out, err = self.tools.run(prefix + args + ["--reportformat", "json"])
        if rc == 0 and out.strip():
            return out
        if rc is not None and ("reportformat" in err or "Unrecognised" in err
                               or "unrecognized" in err):
            text = self.tools.output(prefix + [a for a in args if a != "-o"
                                               and not a.startswith("+")])
            if isinstance(text, str) and not text.strip():
                return json.dumps({"report": [{tool[:2]: []}]})
            return text
        return self.tools.output(prefix + args + ["--reportformat", "json"])

    # ------------------------------------------------------------------ raid

    def controllers(self):
        out = []
        base = self.sys("bus", "pci", "devices")
        for pci in _listdir(base):
            path = os.path.join(base, pci)
            pci_class = _read(os.path.join(path, "class")) or ""
            try:
                driver = os.path.basename(os.readlink(os.path.join(path, "driver")))
            except OSError:
                driver = ""
            if not pci_class.startswith("0x0104") and driver not in RAID_DRIVERS:
                continue
            family = RAID_DRIVERS.get(driver, "")
            subvendor = _read(os.path.join(path, "subsystem_vendor")) or ""
            if driver == "smartpqi":
                family = "ssacli" if subvendor in HPE_VENDORS else "arcconf"
            out.append({"pci": pci, "driver": driver,
                        "vendor": _read(os.path.join(path, "vendor")) or "",
                        "device": _read(os.path.join(path, "device")) or "",
                        "family": family})
        return out

    def raid(self):
        controllers = self.controllers()
        self.found["raid_controllers"] = controllers
        families = {c["family"] for c in controllers}
        raw = {"controllers": controllers}
        jobs = []
        storcli = self.tools.which(*STORCLI)
        megacli = self.tools.which(*MEGACLI)
        if storcli:
            jobs += [("storcli", [storcli, "/call", "show", "all", "J"]),
                     ("storcli_pd", [storcli, "/call/eall/sall", "show", "all", "J"]),
                     ("storcli_bbu", [storcli, "/call/bbu", "show", "all", "J"]),
                     ("storcli_cv", [storcli, "/call/cv", "show", "all", "J"]),
                     ("storcli_vd", [storcli, "/call/vall", "show", "all", "J"])]
        elif megacli:
            jobs += [("megacli_adp", [megacli, "-AdpAllInfo", "-aALL", "-NoLog"]),
                     ("megacli_ld", [megacli, "-LDInfo", "-Lall", "-aALL", "-NoLog"]),
                     ("megacli_pd", [megacli, "-PDList", "-aALL", "-NoLog"]),
                     ("megacli_bbu", [megacli, "-AdpBbuCmd", "-GetBbuStatus", "-aALL",
                                      "-NoLog"])]
        elif "storcli" in families:
            raw["storcli"] = missing("storcli")
        ssacli = self.tools.which(*SSACLI)
        if ssacli:
            jobs += [("ssacli", [ssacli, "ctrl", "all", "show", "config", "detail"]),
                     ("ssacli_status", [ssacli, "ctrl", "all", "show", "status"])]
        elif "ssacli" in families:
            raw["ssacli"] = missing("ssacli")
        arcconf = self.tools.which("arcconf")
        if arcconf:
            count = len([c for c in controllers if c["family"] == "arcconf"])
            listing = self.tools.output([arcconf, "LIST"], ok_codes=None)
            match = re.search(r"Controllers found:\s*(\d+)", listing) \
                if isinstance(listing, str) else None
            count = int(match.group(1)) if match else max(count, 1)
            raw["arcconf"] = dict(_parallel(self.tools, [
                (str(n), [arcconf, "GETCONFIG", str(n), "AL"]) for n in range(1, count + 1)],
                ok_codes=None))
        elif "arcconf" in families:
            raw["arcconf"] = missing("arcconf")
        raw.update(_parallel(self.tools, jobs, ok_codes=None))
        return raw

    # ------------------------------------------------------------------ tape

    def tape_devices(self):
        devices = []
        base = self.sys("class", "scsi_generic")
        for sg in _listdir(base):
            device = os.path.join(base, sg, "device")
            kind = {SCSI_TAPE: "tape", SCSI_CHANGER: "changer"}.get(
                _read(os.path.join(device, "type")) or "")
            if kind is None:
                continue
            st = ""
            names = _listdir(os.path.join(device, "scsi_tape"))
            rewinding = [n for n in names if re.match(r"^nst\d+$", n)]
            if rewinding:
                st = "/dev/" + rewinding[0]
            try:
                hcil = os.path.basename(os.readlink(device))
            except OSError:
                hcil = ""
            devices.append({"kind": kind, "st": st, "sg": "/dev/" + sg,
                            "vendor": _read(os.path.join(device, "vendor")) or "",
                            "model": _read(os.path.join(device, "model")) or "",
                            "hcil": hcil})
        return devices

    def tape(self):
        devices = self.tape_devices()
        self.found["tape"] = devices
        raw = {"devices": devices}
        if not devices:
            return raw
        lsscsi = self.tools.which("lsscsi")
        if lsscsi:
            raw["lsscsi"] = self.tools.output([lsscsi, "-g"])
        drives = [d for d in devices if d["kind"] == "tape"]
        changers = [d for d in devices if d["kind"] == "changer"]
        # sg_logs first: a drive may clear its TapeAlert flags when they are read, and
        # tapeinfo reads them too; mt-st before GNU mt (cpio's prints no status bits)
        for key, tools, argv_of, targets in (
                ("tapealert", ("sg_logs",), lambda t, d: [t, "-p", "0x2e", d["sg"]], drives),
                ("mt_status", ("mt-st", "mt"), lambda t, d: [t, "-f", d["st"], "status"],
                 [d for d in drives if d["st"]]),
                ("tapeinfo", ("tapeinfo",), lambda t, d: [t, "-f", d["sg"]], drives),
                ("loaderinfo", ("loaderinfo",), lambda t, d: [t, "-f", d["sg"]], changers)):
            if not targets:
                continue
            binary = self.tools.which(*tools)
            if binary is None:
                raw[key] = missing(tools[-1])
                continue
            device_key = "st" if key == "mt_status" else "sg"
            raw[key] = dict(_parallel(self.tools, [(d[device_key], argv_of(binary, d))
                                                   for d in targets], ok_codes=None))
        return raw

    # ------------------------------------------------------------------ links

    def grep_dump(self, pattern):
        """``grep -H . FILES`` of sysfs files under ``root``, printed with their /sys path."""
        lines = []
        for path in sorted(glob.glob(self.sys(*pattern))):
            if not os.path.isfile(path):
                continue
            value = _read(path)
            if value is None:
                continue
            shown = "/" + os.path.relpath(path, self.root)
            for line in value.splitlines() or [""]:
                if line:
                    lines.append(f"{shown}:{line}")
        return "\n".join(lines) + ("\n" if lines else "")

    def physical_nics(self):
        nics = []
        base = self.sys("class", "net")
        for name in _listdir(base):
            if os.path.exists(os.path.join(base, name, "device")) and name != "lo":
                nics.append(name)
        return nics

    def links(self):
        raw = {}
        fc = _listdir(self.sys("class", "fc_host"))
        sas = _listdir(self.sys("class", "sas_phy"))
        nics = self.physical_nics()
        self.found.update(fc_hosts=fc, sas_phys=len(sas), nics=nics)
        if fc:
            raw["fc_host"] = "".join(
                self.grep_dump(("class", "fc_host", "*", name)) for name in
                ("port_state", "speed", "port_name")) \
                + self.grep_dump(("class", "fc_host", "*", "statistics", "*"))
        if sas:
            raw["sas_phy"] = self.grep_dump(("class", "sas_phy", "*", "*"))
        if nics:
            ethtool = self.tools.which("ethtool")
            if ethtool is None:
                raw["ethtool"] = missing("ethtool")
            else:
                raw["ethtool"] = dict(_parallel(self.tools, [
                    (nic, [ethtool, "-S", nic]) for nic in nics], ok_codes=None))
        rasmc = self.tools.which("ras-mc-ctl")
        if rasmc:
            raw["rasmc_summary"] = self.tools.output([rasmc, "--summary"], ok_codes=None)
            raw["rasmc_errors"] = self.tools.output([rasmc, "--errors"], ok_codes=None)
        return raw

    def collect(self, areas):
        return {area: getattr(self, area)() for area in AREAS if area in areas}


def _parallel(tools, jobs, ok_codes=(0,)):
    """[(key, output)] of the jobs [(key, argv)], four at a time."""
    outputs = run_parallel(lambda job: tools.output(job[1], ok_codes=ok_codes), jobs)
    return [(key, text) for (key, _argv), text in zip(jobs, outputs)]


def boot_time(root):
    text = _read(os.path.join(root, "proc", "stat")) or ""
    match = re.search(r"^btime (\d+)", text, re.MULTILINE)
    if not match:
        return ""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(match.group(1))))


def inspect(params, thresholds):
    collector = Collector(Tools(params["timeout"]), params["root"], params["smart_devices"])
    return inspect_with(collector, collector.collect(params["areas"]), params, thresholds)


def inspect_with(collector, raws, params, thresholds):
    """(findings, not_applicable, counters, data) of the raw outputs ``collector`` gathered."""
    context = {"now": time.time(), "previous": params["previous"] or {},
               "boot_time": boot_time(params["root"])}
    return judge_areas(MODULES, raws, thresholds, context, collector.not_applicable,
                       collector.found)


ARGUMENT_SPEC = dict(
    areas=dict(type="list", elements="str", choices=list(AREAS), default=list(AREAS)),
    thresholds=dict(type="dict", default={}),
    previous=dict(type="dict", default={}),
    root=dict(type="path", default="/"),
    timeout=dict(type="int", default=60),
    smart_devices=dict(type="list", elements="str", default=[]),
)


def run(module):
    """The area's result (without ``changed``); AreaError when an argument is wrong."""
    params = module.params
    if not 1 <= params["timeout"] <= 600:
        raise AreaError("timeout must be between 1 and 600")
    unknown_areas = sorted(set(params["thresholds"]) - set(AREAS))
    if unknown_areas:
        raise AreaError(f"thresholds: unknown area(s) {', '.join(unknown_areas)}; "
                        f"areas: {', '.join(AREAS)}")
    try:
        thresholds = {area: catalogue.merge_thresholds(area, params["thresholds"].get(area)
                                                       or {}) for area in AREAS}
    except catalogue.CatalogueError as exc:
        raise AreaError(str(exc)) from exc
    findings, na, read, data = inspect(params, thresholds)
    return dict(findings=findings, not_applicable=na, counters=read,
                areas=[a for a in AREAS if a in params["areas"]], data=data)
