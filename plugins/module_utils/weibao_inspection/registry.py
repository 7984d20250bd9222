# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The source registry: (platform, command) -> the area that reads it, keyed like
ntc-templates' index (``ntc_templates/templates/index``).

Every area has the same shape:

    collector (plugins/modules/weibao_inspect_<area>.py, or a controller-side collector)
        gathers raw outputs: {source key: text, or {"error": message}}
    parsers/<platform>_<area>.py  ``parse_sources(raw, context) -> data``
        turns the raw outputs into data (pure; never judges)
    rules/<area>.py  ``evaluate(data, thresholds, context) -> findings``
        turns data + thresholds into findings

``weibao judge`` runs the very same two functions on output an engineer saved by hand, so a
finding does not depend on how the output reached weibao. The checks a source feeds are the
catalogue's: every :class:`~catalogue.Check` lists the commands it reads (``sources``).

Commands are written the way ntc-templates' index writes them: ``sh[[ow]] env[[ironment]]``
accepts ``sh env``, ``show env`` and ``show environment``. ``{id}`` stands for one path segment
of a URL: ``GET /redfish/v1/Chassis/{id}/Thermal`` accepts ``GET /redfish/v1/Chassis/1/Thermal``
and ``GET /redfish/v1/Chassis/System.Embedded.1/Thermal``. ``{dev}`` stands for a device
argument: a /dev path with an optional ``-d TYPE`` before or after it. ``{n}`` stands for a RAID
controller's number or ``all`` (``storcli64 /c{n} show all J``, ``MegaCli -PDList -a{n}``).
Platform names follow
netmiko's device types where one exists (``linux``, ``aix``, ``cisco_ios``, ``cisco_nxos``,
``huawei_vrp``, ``hp_comware``).
"""

from __future__ import annotations

import re

from ansible.module_utils.weibao_inspection import catalogue

PLATFORMS = ("linux", "aix", "cisco_ios", "cisco_nxos", "huawei_vrp", "hp_comware", "ipmi",
             "redfish", "ibm_storwize", "huawei_oceanstor")
PLATFORMS += ("ibm_hmc",)


class RegistryError(LookupError):
    """No source matches; the message says what the platform supports."""


class Source:
    """One command (or file) an area reads.

    ``key``: the name of its raw output in the area's ``parse_sources``.
    ``log``: a log; judged whole unless a ``since`` is given.
    ``aliases``: other ways engineers capture the same output (``dmesg -T`` for ``dmesg``).
    """

    __slots__ = ("platform", "command", "area", "key", "log", "aliases", "doc", "_patterns")

    def __init__(self, platform, command, area, key, log=False, aliases=(), doc=""):
        self.platform = platform
        self.command = command
        self.area = area
        self.key = key
        self.log = log
        self.aliases = tuple(aliases)
        self.doc = doc
        # compiled at the first match: the registry declares a few hundred sources and most
        # runs match none (an inspection imports it for the platforms; 0.15 s of regexes)
        self._patterns = None

    @property
    def name(self):
        """The command as shown: the abbreviation marks removed."""
        return _plain(self.command)

    def matches(self, command):
        text = " ".join(command.split())
        if self._patterns is None:
            self._patterns = [_pattern(c) for c in (self.command,) + self.aliases]
        return any(p.match(text) for p in self._patterns)

    def checks(self):
        """The catalogue checks this source feeds."""
        names = {_plain(c) for c in (self.command,) + self.aliases}
        return [c for c in catalogue.CHECKS.values()
                if self.platform in c.platforms and names & set(c.sources)]


def _plain(command):
    return re.sub(r"\[\[([^\]]*)\]\]", r"\1", command)


_DEVICE_TYPE = r"(?:-d\s+|--device(?:\s+|=))\S+"
# the placeholder itself is accepted too (``weibao judge --command "smartctl -a {dev}"``)
_DEVICE = r"(?:\{dev\}|(?:" + _DEVICE_TYPE + r"\s+)?/dev/\S+(?:\s+" + _DEVICE_TYPE + r")?)"


def _pattern(command):
    """``sh[[ow]] env[[ironment]]`` -> a regex accepting every abbreviation."""
    out = []
    pos = 0
    for match in re.finditer(r"\[\[([^\]]*)\]\]", command):
        out.append(re.escape(command[pos:match.start()]))
        optional = match.group(1)
        # each further character optional, in order: s, sh, sho, show
        nested = ""
        for char in reversed(optional):
            nested = "(?:" + re.escape(char) + nested + ")?"
        out.append(nested)
        pos = match.end()
    out.append(re.escape(command[pos:]))
    text = "".join(out).replace(r"\ ", r"\s+")
    # ``{id}``: one path segment of a URL (a Redfish member's id: ``1``, ``System.Embedded.1``)
    text = text.replace(re.escape("{id}"), r"[^/\s]+")
    # ``{dev}``: a device argument: a /dev path, with a ``-d TYPE`` (``--device=TYPE``) device
    # type option before or after it (``smartctl -a -d megaraid,0 /dev/sda``)
    text = text.replace(re.escape("{dev}"), _DEVICE)
    # ``{n}``: a RAID controller's number or ``all`` (``storcli64 /c0``, ``/call``,
    # ``MegaCli -a0``, ``-aALL``, ``arcconf GETCONFIG 1``)
    text = text.replace(re.escape("{n}"), r"(?:\{n\}|\d+|all)")
    # ``{sys}``: an HMC managed system's name, bare or quoted (``-m "Server-8286-42A-SN1"``)
    text = text.replace(re.escape("{sys}"), r"""(?:\{sys\}|"[^"]+"|'[^']+'|\S+)""")
    # ``{path}``: an absolute file path (``lsmksysb -l -f /export/mksysb/host1.mksysb``)
    text = text.replace(re.escape("{path}"), r"(?:\{path\}|/\S+)")
    return re.compile("^" + text + "$", re.IGNORECASE)


# the ways the raid area's tools are typed (case does not matter: MegaCli, megacli, -aAll)
_STORCLI = ("storcli64", "storcli", "perccli64", "perccli")
_MEGACLI = ("MegaCli64", "MegaCli")
_NOLOG = (" -NoLog", "")
_SSACLI = ("ssacli", "hpssacli", "hpacucli")
_SSA_CTRL = ("ctrl all", "controller all", "ctrl slot={n}", "controller slot={n}")

# The index. Order matters only where two entries could match the same text: the first wins.
SOURCES = (
    # --- linux: host state (system)
    Source("linux", "cat /proc/loadavg", "system", "loadavg"),
    Source("linux", "cat /proc/meminfo", "system", "meminfo"),
    Source("linux", "cat /proc/stat", "system", "stat"),
    Source("linux", "cat /proc/mounts", "system", "mounts", aliases=("cat /etc/mtab",)),
    Source("linux", "cat /etc/fstab", "system", "fstab"),
    # df -P's 1024-blocks (or 512 with POSIXLY_CORRECT); -h's rounded sizes are not accepted
    Source("linux", "df -P", "system", "df", aliases=("df -PT", "df -TP")),
    Source("linux", "df -Pi", "system", "df_inodes", aliases=("df -iP", "df -PiT", "df -PTi")),
    # times with their year: plain "last -x reboot" prints none, so it is not accepted
    Source("linux", "last -x -F reboot", "system", "last_reboot",
           aliases=("last -xF reboot", "last -F -x reboot", "last -x reboot -F",
                    "last -x reboot --time-format iso", "last -x --time-format iso reboot")),
    Source("linux", "systemctl list-units --failed", "system", "failed_units",
           aliases=("systemctl --failed", "systemctl list-units --failed --no-legend",
                    "systemctl --failed --no-legend", "systemctl --failed --no-legend --plain",
                    "systemctl --failed --plain")),
    Source("linux", "timedatectl show", "system", "timedatectl",
           aliases=("timedatectl", "timedatectl status", "timedatectl show -p NTPSynchronized")),
    Source("linux", "chronyc tracking", "system", "chronyc", aliases=("chronyc -n tracking",)),
    Source("linux", "ntpq -pn", "system", "ntpq", aliases=("ntpq -p", "ntpq -np")),
    Source("linux", "ps -eo pid,ppid,stat,pcpu,rss,comm", "system", "ps"),
    # interface counters; a saved one has no earlier reading, so totals since boot are judged
    Source("linux", "cat /proc/net/dev", "system", "net_dev"),
    # --- linux: error logs (errlog); logs are judged whole unless --since is given
    Source("linux", "journalctl", "errlog", "journal", log=True,
           aliases=("journalctl -k", "journalctl -o short-iso", "journalctl -k -o short-iso",
                    "journalctl -o short-iso-precise", "journalctl -k -o short-iso-precise",
                    "journalctl -b", "journalctl -k -b", "journalctl --no-pager",
                    "journalctl -o short")),
    Source("linux", "dmesg", "errlog", "dmesg", log=True,
           aliases=("dmesg -T", "dmesg -t", "dmesg -r", "dmesg --time-format=iso")),
    Source("linux", "cat /var/log/messages", "errlog", "syslog", log=True,
           aliases=("cat /var/log/syslog", "cat /var/log/kern.log")),
    # --- linux: patch level (patch). The collector also passes structured keys that are not
    # text sources (parsers/linux_patch.py parse_sources): tool, rpm_updates_rc,
    # package_lists (index file mtimes), uname, reboot_required, apt_history_files.
    Source("linux", "cat /etc/os-release", "patch", "os_release",
           aliases=("cat /usr/lib/os-release",)),
    Source("linux", "apt-get -s dist-upgrade", "patch", "apt_simulate",
           aliases=("apt-get -s upgrade", "apt-get --simulate dist-upgrade",
                    "apt-get -s full-upgrade", "apt-get --simulate upgrade")),
    Source("linux", "dpkg-query -W -f '${Package} ${Version} ${Status}\\n' linux-image-*",
           "patch", "dpkg_kernels",
           aliases=("dpkg-query -W -f '${Package} ${Version} ${Status}\\n' 'linux-image-*'",
                    "dpkg-query -W linux-image-*", "dpkg-query -W 'linux-image-*'"),
           doc="plain -W (no status) counts config-files kernels as installed"),
    Source("linux", "cat /var/log/apt/history.log", "patch", "apt_history"),
    Source("linux", "dnf check-update", "patch", "rpm_updates",
           aliases=("dnf -q check-update", "dnf -C check-update", "dnf -q -C check-update",
                    "dnf check-upgrade", "dnf5 check-upgrade", "dnf -q -C check-upgrade",
                    "yum check-update", "yum -q check-update", "yum -C check-update")),
    Source("linux", "dnf updateinfo list", "patch", "rpm_advisories",
           aliases=("dnf -q updateinfo list", "dnf -q -C updateinfo list", "dnf advisory list",
                    "dnf5 advisory list", "dnf -q -C advisory list", "yum updateinfo list",
                    "yum -q updateinfo list", "yum -C updateinfo list")),
    Source("linux", "dnf history list", "patch", "rpm_history",
           aliases=("yum history list", "dnf -q history list", "dnf -q -C history list",
                    "yum history", "dnf5 history list")),
    Source("linux", "rpm -qa --last", "patch", "rpm_last"),
    Source("linux", "rpm -q kernel", "patch", "rpm_kernels",
           aliases=("rpm -q --qf '%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH}\\n' kernel "
                    "kernel-core kernel-uek kernel-uek-core kernel-rt-core",
                    "rpm -q kernel kernel-core")),
    # --- linux: disks (storage); one disk per output, {dev} its device (with -d TYPE)
    Source("linux", "smartctl -a --json {dev}", "storage", "smartctl_json",
           aliases=("smartctl -a -j {dev}", "smartctl -j -a {dev}", "smartctl --json -a {dev}",
                    "smartctl -aj {dev}", "smartctl -ja {dev}", "smartctl --all --json {dev}",
                    "smartctl -a --json=c {dev}", "smartctl -x --json {dev}",
                    "smartctl -x -j {dev}", "smartctl -j -x {dev}", "smartctl --json -x {dev}",
                    "smartctl -xj {dev}", "smartctl -jx {dev}", "smartctl --xall --json {dev}",
                    "smartctl -x --json=c {dev}"),
           doc="smartmontools 7+; the exit status is in the JSON (smartctl.exit_status)"),
    Source("linux", "smartctl -a {dev}", "storage", "smartctl",
           aliases=("smartctl -x {dev}", "smartctl --all {dev}", "smartctl --xall {dev}"),
           doc="the text output carries no exit status: judged on what it prints"),
    # --- linux: tape drives and libraries (tape); one device per output, {dev} its /dev path
    # (mt's -f DEV, mtx's -f DEV, sg_logs' last argument)
    Source("linux", "lsscsi -g", "tape", "lsscsi",
           aliases=("lsscsi --generic", "lsscsi"),
           doc="the tape and mediumx lines; plain lsscsi has no /dev/sg column"),
    Source("linux", "mt -f {dev} status", "tape", "mt_status",
           aliases=("mt-st -f {dev} status", "mt-gnu -f {dev} status", "mt -t {dev} status",
                    "mt-st -t {dev} status", "mt --file={dev} status",
                    "mt-gnu --file={dev} status", "mt status", "mt-st status"),
           doc="mt-st prints the status bits (ONLINE, DR_OPEN, CLN); GNU mt (cpio, mt-gnu) "
               "prints none, so the drive's state is then unknown"),
    Source("linux", "tapeinfo -f {dev}", "tape", "tapeinfo",
           doc="mtx; the TapeAlert lines it prints are the set flags only"),
    Source("linux", "loaderinfo -f {dev}", "tape", "loaderinfo", doc="mtx"),
    Source("linux", "sg_logs -p 0x2e {dev}", "tape", "tapealert",
           aliases=("sg_logs --page=0x2e {dev}", "sg_logs --page 0x2e {dev}",
                    "sg_logs -p ta {dev}", "sg_logs --page=ta {dev}", "sg_logs -p 46 {dev}",
                    "sg_logs -p 0x2e -v {dev}", "sg_logs -v -p 0x2e {dev}"),
           doc="sg3_utils 1.26+ decodes the page by flag name; -H (hex) is not accepted"),
    # --- linux: software RAID, LVM and multipath (volumes); judge-only until its collector
    Source("linux", "cat /proc/mdstat", "volumes", "mdstat"),
    Source("linux", "mdadm --detail /dev/{id}", "volumes", "mdadm_detail",
           aliases=("mdadm -D /dev/{id}", "mdadm --detail /dev/md/{id}", "mdadm -D /dev/md/{id}"),
           doc="one array or several (their outputs one after another)"),
    Source("linux", "pvs", "volumes", "pvs",
           aliases=("pvs --reportformat json", "pvs -a", "pvs -a --reportformat json",
                    "pvs --reportformat json_std", "pvs -a --reportformat json_std",
                    "pvs -o +pv_missing", "pvs -o +pv_missing --reportformat json",
                    "pvs --reportformat json -o +pv_missing")),
    Source("linux", "vgs", "volumes", "vgs",
           aliases=("vgs --reportformat json", "vgs --reportformat json_std",
                    "vgs -o +vg_missing_pv_count",
                    "vgs -o +vg_missing_pv_count --reportformat json",
                    "vgs --reportformat json -o +vg_missing_pv_count")),
    Source("linux", "lvs", "volumes", "lvs",
           aliases=("lvs -a", "lvs --reportformat json", "lvs -a --reportformat json",
                    "lvs --reportformat json_std", "lvs -a --reportformat json_std",
                    "lvs -a -o +lv_health_status,segtype,lv_layout --reportformat json_std",
                    "lvs -a -o +lv_health_status,segtype,lv_layout",
                    "lvs -a -o +lv_health_status,segtype,lv_layout --reportformat json",
                    "lvs -a --reportformat json -o +lv_health_status,segtype,lv_layout",
                    "lvs -o +lv_health_status,segtype,lv_layout",
                    "lvs -o +lv_health_status,segtype,lv_layout --reportformat json",
                    "lvs -a -o +devices", "lvs -a -o +segtype,devices"),
           doc="Cpy%Sync is judged on RAID and mirror LVs only (from lv_attr, or segtype and "
               "lv_layout when asked for)"),
    Source("linux", "multipath -ll", "volumes", "multipath",
           aliases=("multipath -ll -v2", "multipath -v2 -ll"),
           doc="multipath -l does not run the path checkers: not accepted"),
    # --- linux: links and error counters (links): FC HBA ports, SAS PHYs (sysfs as grep -H
    # prints it: "/sys/class/fc_host/host1/statistics/link_failure_count:0x0"), NIC driver
    # statistics, rasdaemon's database
    Source("linux", "grep -H . /sys/class/fc_host/*/port_state /sys/class/fc_host/*/speed "
           "/sys/class/fc_host/*/port_name /sys/class/fc_host/*/statistics/*", "links",
           "fc_host",
           aliases=("grep -r . /sys/class/fc_host", "grep -R . /sys/class/fc_host",
                    "grep -H -r . /sys/class/fc_host", "grep -rH . /sys/class/fc_host",
                    "grep . /sys/class/fc_host/*/statistics/*",
                    "grep -H . /sys/class/fc_host/*/statistics/*",
                    "grep . /sys/class/fc_host/*/*", "grep -H . /sys/class/fc_host/*/*",
                    "grep . /sys/class/fc_host/*/* /sys/class/fc_host/*/statistics/*",
                    "grep -H . /sys/class/fc_host/*/* /sys/class/fc_host/*/statistics/*"),
           doc="statistics only (grep . .../statistics/*): the port state is unknown"),
    Source("linux", "grep -H . /sys/class/sas_phy/*/*", "links", "sas_phy",
           aliases=("grep . /sys/class/sas_phy/*/*", "grep -r . /sys/class/sas_phy",
                    "grep -R . /sys/class/sas_phy", "grep -H -r . /sys/class/sas_phy",
                    "grep -rH . /sys/class/sas_phy")),
    Source("linux", "ethtool -S {id}", "links", "ethtool",
           aliases=("ethtool --statistics {id}",),
           doc="one interface per output, {id} its name"),
    Source("linux", "ras-mc-ctl --summary", "links", "rasmc_summary"),
    Source("linux", "ras-mc-ctl --errors", "links", "rasmc_errors"),
    # --- linux: hardware RAID controllers (raid); storcli/perccli JSON, MegaCli, ssacli and
    # its predecessors, arcconf. The collector also passes ``controllers`` (sysfs), no command.
    Source("linux", "storcli64 /call show all J", "raid", "storcli",
           aliases=tuple(f"{t} /c{{n}} show all J" for t in _STORCLI),
           doc="storcli 1.x and 007.x, perccli (the same JSON); /c0 or /call"),
    Source("linux", "storcli64 /call/eall/sall show all J", "raid", "storcli_pd",
           aliases=tuple(f"{t} /c{{n}}{e}/s{{n}} show all J" for t in _STORCLI
                         for e in ("/e{n}", ""))),
    Source("linux", "storcli64 /call/bbu show all J", "raid", "storcli_bbu",
           aliases=tuple(f"{t} /c{{n}}/bbu show all J" for t in _STORCLI)),
    Source("linux", "storcli64 /call/cv show all J", "raid", "storcli_cv",
           aliases=tuple(f"{t} /c{{n}}/cv show all J" for t in _STORCLI)),
    Source("linux", "storcli64 /call/vall show all J", "raid", "storcli_vd",
           aliases=tuple(f"{t} /c{{n}}/v{{n}} show all J" for t in _STORCLI),
           doc="each VD's configured write policy (Write Cache(initial setting))"),
    Source("linux", "MegaCli64 -AdpAllInfo -aALL -NoLog", "raid", "megacli_adp",
           aliases=tuple(f"{t} -AdpAllInfo -a{{n}}{o}" for t in _MEGACLI for o in _NOLOG)),
    Source("linux", "MegaCli64 -LDInfo -Lall -aALL -NoLog", "raid", "megacli_ld",
           aliases=tuple(f"{t} -LDInfo -L{{n}} -a{{n}}{o}" for t in _MEGACLI for o in _NOLOG)),
    Source("linux", "MegaCli64 -PDList -aALL -NoLog", "raid", "megacli_pd",
           aliases=tuple(f"{t} -PDList -a{{n}}{o}" for t in _MEGACLI for o in _NOLOG)),
    Source("linux", "MegaCli64 -AdpBbuCmd -GetBbuStatus -aALL -NoLog", "raid", "megacli_bbu",
           aliases=tuple(f"{t} -AdpBbuCmd{g} -a{{n}}{o}" for t in _MEGACLI
                         for g in (" -GetBbuStatus", "") for o in _NOLOG)),
    Source("linux", "ssacli ctrl all show config detail", "raid", "ssacli",
           aliases=tuple(f"{t} {c} show config{d}" for t in _SSACLI for c in _SSA_CTRL
                         for d in (" detail", "")),
           doc="hpssacli and hpacucli print the same; 'show config' (no detail) is read too"),
    Source("linux", "ssacli ctrl all show status", "raid", "ssacli_status",
           aliases=tuple(f"{t} {c} show status" for t in _SSACLI for c in _SSA_CTRL)),
    Source("linux", "arcconf GETCONFIG {n} AL", "raid", "arcconf",
           aliases=("arcconf GETCONFIG {n}", "arcconf GETCONFIG {n} AL nologs"),
           doc="one controller per output (Adaptec 5-8 series, SmartRAID/SmartHBA 3100)"),
    # --- aix: the error log (errpt; parsers/aix_errpt.py), since the previous inspection
    # (errpt -s MMDDhhmmyy); entries classified by label and identifier, not description
    Source("aix", "errpt", "errpt", "errpt", log=True, aliases=("errpt -s {n}",),
           doc="the summary: no label, descriptions cut to 39 characters and translated"),
    Source("aix", "errpt -a", "errpt", "errpt_a", log=True,
           aliases=("errpt -a -s {n}", "errpt -s {n} -a"),
           doc="the detailed entries: label, class, type, resource class"),
    # --- aix: patch level (aix_patch; parsers/aix_aix_patch.py), LC_ALL=C
    Source("aix", "oslevel -s", "aix_patch", "oslevel_s"),
    Source("aix", "instfix -i", "aix_patch", "instfix_i",
           aliases=("instfix -i | grep ML", "instfix -i | grep SP", "instfix -i | grep _ML",
                    "instfix -i | grep -E 'ML|SP'"),
           doc="technology levels (_ML) and service packs (_SP) complete"),
    Source("aix", "lslpp -l", "aix_patch", "lslpp_l"),
    Source("aix", "lppchk -v", "aix_patch", "lppchk_v", doc="no output: consistent"),
    Source("aix", "emgr -l", "aix_patch", "emgr_l", doc="interim fixes and their states"),
    # --- aix: volume groups, paging, dump, boot list, file systems (aix_lvm;
    # parsers/aix_aix_lvm.py), LC_ALL=C; the collector runs lsvg VG and lsvg -l VG for each VG
    # lsvg -o lists (varied on). Order: lsvg -l VG before lsvg VG before nothing else matches.
    Source("aix", "lsvg -l rootvg", "aix_lvm", "lsvg_l", aliases=("lsvg -l {id}",),
           doc="any VG (lsvg -l datavg); several VGs' outputs one after the other are read"),
    Source("aix", "lsvg", "aix_lvm", "lsvg", aliases=("lsvg -o",),
           doc="volume group names (lsvg -o: the varied-on ones)"),
    Source("aix", "lsvg rootvg", "aix_lvm", "lsvg_vg", aliases=("lsvg {id}",),
           doc="any VG (lsvg datavg); lsvg -o | lsvg -i prints several, all read"),
    Source("aix", "lspv", "aix_lvm", "lspv"),
    Source("aix", "lsps -a", "aix_lvm", "lsps_a"),
    Source("aix", "lsps -s", "aix_lvm", "lsps_s"),
    Source("aix", "sysdumpdev -l", "aix_lvm", "sysdumpdev"),
    Source("aix", "bootlist -m normal -o", "aix_lvm", "bootlist"),
    Source("aix", "df -k", "aix_lvm", "df_k", doc="AIX df -k prints inodes (Iused, %Iused)"),
    # --- aix: devices and paths (aix_devices; parsers/aix_aix_devices.py), LC_ALL=C; fcstat
    # and entstat once per adapter ({id}: fcs0, ent4) of lsdev -Cc adapter
    Source("aix", "lsdev -C", "aix_devices", "lsdev", aliases=("lsdev -C -H", "lsdev -CH")),
    Source("aix", "lsdev -Cc adapter", "aix_devices", "lsdev_adapter",
           aliases=("lsdev -C -c adapter", "lsdev -Cc adapter -H"),
           doc="the FC and Ethernet adapters to read; judged when lsdev -C is not given"),
    Source("aix", "lsdev -Cc tape", "aix_devices", "lsdev_tape",
           aliases=("lsdev -C -c tape", "lsdev -Cc tape -H")),
    Source("aix", "lspath", "aix_devices", "lspath",
           aliases=('lspath -F "status name parent connection"',
                    "lspath -F 'status name parent connection'", "lspath -H")),
    Source("aix", "fcstat {id}", "aix_devices", "fcstat", aliases=("fcstat -e {id}",),
           doc="a virtual (NPIV) client adapter reports no error counters"),
    Source("aix", "entstat -d {id}", "aix_devices", "entstat",
           doc="an EtherChannel's output holds its members' statistics"),
    # --- aix: system, firmware, backups, performance (aix_system; parsers/aix_aix_system.py)
    Source("aix", "prtconf", "aix_system", "prtconf",
           doc="the header before the device list; prtconf -v is read the same way"),
    Source("aix", "lsmcode -A", "aix_system", "lsmcode",
           doc="sys0's active, permanent (p) and temporary (t) levels, each device's microcode"),
    Source("aix", "lsmksysb -l -f {path}", "aix_system", "lsmksysb",
           doc="one mksysb image per output; the collector reads each file of mksysb_paths"),
    Source("aix", "vmstat 5 3", "aix_system", "vmstat",
           aliases=("vmstat {n} {n}", "vmstat -w {n} {n}"),
           doc="the first report (since boot) is left out when there are more"),
    Source("aix", "lparstat 5 3", "aix_system", "lparstat", aliases=("lparstat {n} {n}",)),
    Source("aix", "svmon -G", "aix_system", "svmon", doc="in 4 KB pages unless -O unit= is given"),
    Source("aix", "iostat 5 2", "aix_system", "iostat", aliases=("iostat {n} {n}",),
           doc="the last report's disks; the first (since boot) is left out"),
    # --- ipmi: the server's environment through its BMC (environment); ipmitool 1.8.18+ or
    # freeipmi, the connection options (-I lanplus -H ... -U ... -E) left out
    Source("ipmi", "ipmitool sdr elist", "environment", "sdr_elist",
           aliases=("ipmitool sdr elist full", "ipmitool sdr elist all",
                    "ipmitool sdr list", "ipmitool sdr list full", "ipmitool sdr list all",
                    "ipmitool sdr"),
           doc="sdr list/sdr list full print no entity ids: kinds come from names and units"),
    Source("ipmi", "ipmitool sensor", "environment", "sensor",
           aliases=("ipmitool sensor list",)),
    Source("ipmi", "ipmi-sensors", "environment", "ipmi_sensors",
           aliases=("ipmi-sensors --output-sensor-state",
                    "ipmi-sensors --output-sensor-thresholds",
                    "ipmi-sensors --output-sensor-state --output-sensor-thresholds",
                    "ipmi-sensors --output-sensor-thresholds --output-sensor-state",
                    "ipmi-sensors --quiet-cache")),
    Source("ipmi", "ipmitool sel elist", "environment", "sel_elist", log=True,
           aliases=("ipmitool sel list",),
           doc="sel list prints sensor numbers (#0x08) instead of names"),
    Source("ipmi", "ipmi-sel -v", "environment", "ipmi_sel", log=True,
           aliases=("ipmi-sel", "ipmi-sel --output-event-state", "ipmi-sel -v --output-event-state",
                    "ipmi-sel --verbose", "ipmi-sel -vv"),
           doc="plain ipmi-sel does not say whether an event was asserted or deasserted (-v "
               "does): every event is then taken as asserted"),
    Source("ipmi", "ipmitool sel info", "environment", "sel_info"),
    Source("ipmi", "ipmitool chassis status", "environment", "chassis_status"),
    Source("ipmi", "ipmitool mc info", "environment", "mc_info", aliases=("ipmitool bmc info",)),
    Source("ipmi", "ipmitool fru print", "environment", "fru",
           aliases=("ipmitool fru", "ipmitool fru list")),
    # --- redfish: the same through the BMC's Redfish service, one saved resource (JSON) each;
    # collections with their members expanded ($expand=. or the members inline)
    Source("redfish", "GET /redfish/v1/Chassis/{id}/Thermal", "environment", "thermal",
           aliases=("/redfish/v1/Chassis/{id}/Thermal",)),
    Source("redfish", "GET /redfish/v1/Chassis/{id}/Power", "environment", "power",
           aliases=("/redfish/v1/Chassis/{id}/Power",)),
    Source("redfish", "GET /redfish/v1/Chassis/{id}", "environment", "chassis",
           aliases=("/redfish/v1/Chassis/{id}",)),
    Source("redfish", "GET /redfish/v1/Systems/{id}", "environment", "system",
           aliases=("/redfish/v1/Systems/{id}",)),
    Source("redfish", "GET /redfish/v1/Systems/{id}/LogServices/{id}/Entries", "environment",
           "log_entries", log=True,
           aliases=("/redfish/v1/Systems/{id}/LogServices/{id}/Entries",
                    "GET /redfish/v1/Managers/{id}/LogServices/{id}/Entries",
                    "/redfish/v1/Managers/{id}/LogServices/{id}/Entries",
                    "GET /redfish/v1/Chassis/{id}/LogServices/{id}/Entries",
                    "/redfish/v1/Chassis/{id}/LogServices/{id}/Entries")),
    Source("redfish", "GET /redfish/v1/UpdateService/FirmwareInventory", "environment",
           "firmware_inventory", aliases=("/redfish/v1/UpdateService/FirmwareInventory",)),
    Source("redfish", "GET /redfish/v1/Managers/{id}", "environment", "manager",
           aliases=("/redfish/v1/Managers/{id}",)),
    # --- ibm_storwize: a Storwize / FlashSystem / SVC over SSH (array), sent by the
    # controller-side collector as written first; read by header with or without -delim
    Source("ibm_storwize", "lssystem -delim :", "array", "lssystem",
           aliases=catalogue.array.svc_aliases("lssystem")[1:]),
    Source("ibm_storwize", "lssystemstats -delim :", "array", "lssystemstats",
           aliases=catalogue.array.svc_aliases("lssystemstats")[1:]),
    Source("ibm_storwize", "lsdrive -delim :", "array", "lsdrive",
           aliases=catalogue.array.svc_aliases("lsdrive")[1:]),
    Source("ibm_storwize", "lsenclosure -delim :", "array", "lsenclosure",
           aliases=catalogue.array.svc_aliases("lsenclosure")[1:]),
    Source("ibm_storwize", "lsenclosurepsu -delim :", "array", "lsenclosurepsu",
           aliases=catalogue.array.svc_aliases("lsenclosurepsu")[1:]),
    Source("ibm_storwize", "lsenclosurebattery -delim :", "array", "lsenclosurebattery",
           aliases=catalogue.array.svc_aliases("lsenclosurebattery")[1:]),
    Source("ibm_storwize", "lsportfc -delim :", "array", "lsportfc",
           aliases=catalogue.array.svc_aliases("lsportfc")[1:]),
    Source("ibm_storwize", "lsmdiskgrp -delim :", "array", "lsmdiskgrp",
           aliases=catalogue.array.svc_aliases("lsmdiskgrp")[1:]),
    Source("ibm_storwize", "lseventlog -fixed no -delim :", "array", "lseventlog",
           aliases=catalogue.array.svc_aliases("lseventlog", ("-fixed", "no"))[1:]
           + catalogue.array.svc_aliases("lseventlog"),
           doc="unfixed events only; a plain lseventlog's fixed ones are left out"),
    # --- huawei_oceanstor: an OceanStor V3/V5 or Dorado V6 CLI over SSH (array)
    Source("huawei_oceanstor", "show system general", "array", "system"),
    Source("huawei_oceanstor", "show disk general", "array", "disks"),
    Source("huawei_oceanstor", "show enclosure", "array", "enclosures"),
    Source("huawei_oceanstor", "show power_supply", "array", "power_supplies"),
    Source("huawei_oceanstor", "show bbu general", "array", "bbus"),
    Source("huawei_oceanstor", "show port general physical_type=FC", "array", "fc_ports"),
    Source("huawei_oceanstor", "show storage_pool general", "array", "pools"),
    Source("huawei_oceanstor", "show alarm", "array", "alarms"),
    # --- ibm_hmc: an IBM Power HMC's restricted shell over SSH (hmc), sent by the
    # controller-side collector as written first ({sys}: each managed system's name)
    Source("ibm_hmc", catalogue.hmc.SYSTEMS, "hmc", "systems"),
    Source("ibm_hmc", catalogue.hmc.EVENTS, "hmc", "events",
           aliases=catalogue.hmc.event_aliases()),
    Source("ibm_hmc", catalogue.hmc.FIRMWARE, "hmc", "firmware",
           doc="one managed system's levels (-m {sys})"),
    Source("ibm_hmc", catalogue.hmc.LPARS, "hmc", "lpars",
           doc="one managed system's LPARs (-m {sys})"),
    # --- huawei_vrp: a Huawei S/CE/NE/AR switch or router, VRP5 or VRP8, over SSH (network);
    # sent by the controller-side collector as written first
    Source("huawei_vrp", "dis[[play]] ver[[sion]]", "network", "version"),
    Source("huawei_vrp", "dis[[play]] esn", "network", "inventory",
           doc="the chassis' ESN (serial) for the asset register"),
    Source("huawei_vrp", "dis[[play]] dev[[ice]]", "network", "modules"),
    Source("huawei_vrp", "dis[[play]] fan", "network", "fans"),
    Source("huawei_vrp", "dis[[play]] power", "network", "power"),
    Source("huawei_vrp", "dis[[play]] temp[[erature]] all", "network", "temperature",
           aliases=("dis[[play]] temp[[erature]]",),
           doc="NE's per-slot display temperature (Minor/Major/Fatal) is read too"),
    Source("huawei_vrp", "dis[[play]] alarm active", "network", "alarms",
           aliases=("dis[[play]] alarm urgent",),
           doc="VRP8 and VRP5 V200R005+; older VRP5 has display alarm urgent only"),
    Source("huawei_vrp", "dis[[play]] cpu[[-usage]]", "network", "cpu"),
    Source("huawei_vrp", "dis[[play]] mem[[ory-usage]]", "network", "memory"),
    Source("huawei_vrp", "dis[[play]] int[[erface]]", "network", "interfaces"),
    Source("huawei_vrp", "dis[[play]] int[[erface]] br[[ief]]", "network", "interfaces_brief"),
    Source("huawei_vrp", "dis[[play]] logb[[uffer]]", "network", "logs", log=True),
    Source("huawei_vrp", "dis[[play]] cur[[rent-configuration]]", "network", "running_config"),
    Source("huawei_vrp", "comp[[are]] conf[[iguration]]", "network", "saved_state",
           doc="the running configuration against the next startup file: saved or not"),
    # --- hp_comware: an H3C (HPE) Comware 5/7 S or WX series device over SSH (network)
    Source("hp_comware", "dis[[play]] ver[[sion]]", "network", "version"),
    Source("hp_comware", "dis[[play]] dev[[ice]] manu[[info]]", "network", "inventory",
           doc="DEVICE_SERIAL_NUMBER of the chassis or first slot for the asset register"),
    Source("hp_comware", "dis[[play]] dev[[ice]]", "network", "modules"),
    Source("hp_comware", "dis[[play]] fan", "network", "fans"),
    Source("hp_comware", "dis[[play]] power", "network", "power"),
    Source("hp_comware", "dis[[play]] env[[ironment]]", "network", "temperature"),
    Source("hp_comware", "dis[[play]] alarm", "network", "alarms"),
    Source("hp_comware", "dis[[play]] cpu[[-usage]]", "network", "cpu"),
    Source("hp_comware", "dis[[play]] mem[[ory]]", "network", "memory"),
    Source("hp_comware", "dis[[play]] int[[erface]]", "network", "interfaces"),
    Source("hp_comware", "dis[[play]] int[[erface]] br[[ief]]", "network", "interfaces_brief"),
    Source("hp_comware", "dis[[play]] logb[[uffer]]", "network", "logs", log=True),
    Source("hp_comware", "dis[[play]] cur[[rent-configuration]]", "network", "running_config"),
    Source("hp_comware", "dis[[play]] saved[[-configuration]]", "network", "saved_state",
           doc="compared with display current-configuration: saved when they are the same"),
    # --- cisco_ios: an IOS / IOS-XE switch or router over SSH (network), every command in one
    # session (parsers/cisco_ios_network.py)
    Source("cisco_ios", "sh[[ow]] ver[[sion]]", "network", "version"),
    Source("cisco_ios", "sh[[ow]] inv[[entory]]", "network", "inventory"),
    Source("cisco_ios", "sh[[ow]] env[[ironment]] all", "network", "environment",
           aliases=("sh[[ow]] env[[ironment]]",),
           doc="Catalyst switches' layout (2960/3750 one-line states, 3850/9300 per switch); "
               "a router's is not understood"),
    Source("cisco_ios", "sh[[ow]] proc[[esses]] cpu sorted", "network", "cpu",
           aliases=("sh[[ow]] proc[[esses]] cpu", "sh[[ow]] proc[[esses]] cpu | i[[nclude]] "
                    "CPU utilization", "sh[[ow]] proc[[esses]] cpu sorted | i[[nclude]] "
                    "CPU utilization")),
    Source("cisco_ios", "sh[[ow]] proc[[esses]] mem[[ory]] sorted", "network", "memory",
           aliases=("sh[[ow]] proc[[esses]] mem[[ory]]", "sh[[ow]] proc[[esses]] mem[[ory]] | "
                    "i[[nclude]] Processor Pool", "sh[[ow]] mem[[ory]] stat[[istics]]")),
    Source("cisco_ios", "sh[[ow]] int[[erfaces]]", "network", "interfaces"),
    Source("cisco_ios", "sh[[ow]] int[[erfaces]] stat[[us]]", "network", "interfaces_brief"),
    Source("cisco_ios", "sh[[ow]] int[[erfaces]] transceiver detail", "network",
           "transceivers", aliases=("sh[[ow]] int[[erfaces]] transceiver",),
           doc="plain 'transceiver' prints no thresholds: values and alarm marks only"),
    Source("cisco_ios", "sh[[ow]] log[[ging]]", "network", "logs", log=True),
    Source("cisco_ios", "sh[[ow]] run[[ning-config]]", "network", "running_config",
           doc="its '! Last configuration change' / '! NVRAM config last updated' stamps "
               "say whether it is saved when show archive config differences is not given"),
    Source("cisco_ios", "sh[[ow]] arch[[ive]] conf[[ig]] diff[[erences]]", "network",
           "saved_state", doc="startup against running configuration"),
    # --- cisco_nxos: a Nexus switch over SSH (network; parsers/cisco_nxos_network.py)
    Source("cisco_nxos", "sh[[ow]] ver[[sion]]", "network", "version"),
    Source("cisco_nxos", "sh[[ow]] inv[[entory]]", "network", "inventory"),
    Source("cisco_nxos", "sh[[ow]] env[[ironment]]", "network", "environment"),
    Source("cisco_nxos", "sh[[ow]] mod[[ule]]", "network", "modules"),
    Source("cisco_nxos", "sh[[ow]] sys[[tem]] res[[ources]]", "network", "cpu",
           doc="CPU and memory"),
    Source("cisco_nxos", "sh[[ow]] int[[erface]]", "network", "interfaces"),
    Source("cisco_nxos", "sh[[ow]] int[[erface]] stat[[us]]", "network", "interfaces_brief"),
    Source("cisco_nxos", "sh[[ow]] int[[erface]] transceiver det[[ails]]", "network",
           "transceivers"),
    Source("cisco_nxos", "sh[[ow]] logg[[ing]] logf[[ile]]", "network", "logs", log=True,
           aliases=("sh[[ow]] logg[[ing]] last {n}",)),
    Source("cisco_nxos", "sh[[ow]] run[[ning-config]]", "network", "running_config"),
    Source("cisco_nxos", "sh[[ow]] run[[ning-config]] diff", "network", "saved_state",
           doc="nothing printed: saved"),
)

# area, or (platform, area) where an area reads several platforms' outputs (the BMC's
# environment over IPMI or Redfish) -> (parsers module, rules module), imported when judged
AREAS = {
    "system": ("parsers.linux_system", "rules.system"),
    "errlog": ("parsers.linux_errlog", "rules.errlog"),
    "patch": ("parsers.linux_patch", "rules.patch"),
    "volumes": ("parsers.linux_volumes", "rules.volumes"),
    "storage": ("parsers.linux_storage", "rules.storage"),
    "tape": ("parsers.linux_tape", "rules.tape"),
    "links": ("parsers.linux_links", "rules.links"),
    "raid": ("parsers.linux_raid", "rules.raid"),
    ("aix", "errpt"): ("parsers.aix_errpt", "rules.errpt"),
    ("aix", "aix_patch"): ("parsers.aix_aix_patch", "rules.aix_patch"),
    ("aix", "aix_lvm"): ("parsers.aix_aix_lvm", "rules.aix_lvm"),
    ("aix", "aix_system"): ("parsers.aix_aix_system", "rules.aix_system"),
    ("aix", "aix_devices"): ("parsers.aix_aix_devices", "rules.aix_devices"),
    ("ipmi", "environment"): ("parsers.ipmi_environment", "rules.environment"),
    ("redfish", "environment"): ("parsers.redfish_environment", "rules.environment"),
    ("ibm_storwize", "array"): ("parsers.ibm_storwize_array", "rules.array"),
    ("huawei_oceanstor", "array"): ("parsers.huawei_oceanstor_array", "rules.array"),
    ("ibm_hmc", "hmc"): ("parsers.ibm_hmc_hmc", "rules.hmc"),
    ("huawei_vrp", "network"): ("parsers.huawei_vrp_network", "rules.network"),
    ("hp_comware", "network"): ("parsers.hp_comware_network", "rules.network"),
    ("cisco_ios", "network"): ("parsers.cisco_ios_network", "rules.network"),
    ("cisco_nxos", "network"): ("parsers.cisco_nxos_network", "rules.network"),
}


def sources(platform=None):
    return [s for s in SOURCES if platform is None or s.platform == platform]


def lookup(platform, command):
    """The :class:`Source` for ``command`` on ``platform``; RegistryError says what the
    platform supports when nothing matches."""
    if platform not in {s.platform for s in SOURCES}:
        known = sorted({s.platform for s in SOURCES})
        raise RegistryError(f"platform {platform!r} is not supported; supported: "
                            + ", ".join(known))
    for source in sources(platform):
        if source.matches(command):
            return source
    raise RegistryError(f"{platform}: command {command!r} is not supported; supported: "
                        + ", ".join(s.name for s in sources(platform)))


def area_functions(area, platform=None):
    """(parse_sources, evaluate) of an area (on ``platform``, where that matters)."""
    import importlib

    parsers, rules = AREAS.get((platform, area)) or AREAS[area]
    base = "ansible.module_utils.weibao_inspection."
    parse = importlib.import_module(base + parsers).parse_sources
    evaluate = importlib.import_module(base + rules).evaluate
    return parse, evaluate
