#!/usr/bin/python
# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: weibao_inspect_system
short_description: Inspect a Linux host's state (CPU, memory, filesystems, processes, units, time)
version_added: "0.1.0"
description:
  - Runs every check of weibao's C(system) inspection area in one execution on the host and
    returns the findings (see docs/findings.md) plus the parsed data.
  - "Checks: C(system.uptime), C(system.load), C(system.cpu_utilisation), C(system.io_wait),
    C(system.memory), C(system.swap), C(system.filesystem_usage) and
    C(system.filesystem_inodes) (one finding per judged mount), C(system.readonly_mounts),
    C(system.zombie_processes), C(system.top_processes), C(system.failed_units),
    C(system.time_sync), C(system.nic_errors) and C(system.nic_flaps) (one finding per judged
    network interface)."
  - "Interface error counters (C(/proc/net/dev), C(/sys/class/net/<if>/statistics)) and link
    changes (C(/sys/class/net/<if>/carrier_changes)) are judged on their increase since the
    host's previous inspection (O(previous)); the module returns the counters it read
    (C(counters)) for the next one."
  - CPU utilisation, I/O wait and per-process CPU use are measured between two samples of
    C(/proc/stat) and C(/proc/<pid>/stat) taken O(sample_seconds) apart; the other reads and
    commands run during that interval.
  - A check that cannot run or meets output it does not understand returns an C(unknown)
    finding with the reason; it is never reported C(ok).
  - The module never changes the host.
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
    description: Linux only (reads /proc).
options:
  since:
    description:
      - ISO-8601 time of this host's previous inspection (for example C(2025-10-31T02:00:00Z)).
        A boot after it makes C(system.uptime) a warning and counts the reboots from wtmp.
      - Empty means no previous inspection; a time without offset is taken as UTC.
    type: str
    default: ''
  sample_seconds:
    description:
      - Seconds between the two CPU samples (1 to 60).
    type: int
    default: 5
  thresholds:
    description:
      - "Overrides of the check catalogue's thresholds, C({check: {level: value}}) (for
        example C({filesystem_usage: {warning: 80}})); they are merged with the catalogue's
        defaults, so one level can be changed without repeating the others. A level set to
        null is disabled."
      - The checks, their levels and defaults are in the check table of the inspect_system
        role's README (generated from the catalogue, C(catalogue/system.py)). An unknown check
        or level, or a value that is not a number, fails the module before anything is read.
    type: dict
    default: {}
  ignore_fstypes:
    description:
      - Filesystem types (shell globs) never judged for space, inodes or read-only state.
      - The default lists pseudo filesystems and read-only images (squashfs snaps, ISO
        images, which are always 100 % full). C(tmpfs) is not in it, so a tmpfs mounted
        elsewhere than below the O(ignore_mountpoints) is judged like a disk.
    type: list
    elements: str
    default: [proc, sysfs, devtmpfs, devpts, cgroup, cgroup2, securityfs, debugfs, tracefs,
              pstore, bpf, configfs, fusectl, mqueue, hugetlbfs, autofs, binfmt_misc,
              rpc_pipefs, nsfs, efivarfs, selinuxfs, ramfs, squashfs, iso9660, udf, nfsd,
              fuse.gvfsd-fuse, fuse.portal, fuse.lxcfs, fuse.snapfuse]
  ignore_mountpoints:
    description:
      - Mount points (shell globs; C(*) also matches C(/)) never judged.
      - The default skips the kernel's and systemd's runtime trees C(/dev), C(/proc),
        C(/sys) and C(/run) (C(/dev/shm), C(/run/user/*) and other memory-backed mounts there
        are managed by the system) and the per-container mounts below container engines' data
        directories (the data directory itself is judged).
    type: list
    elements: str
    default: [/dev, /dev/*, /proc, /proc/*, /sys, /sys/*, /run, /run/*,
              /var/lib/docker/*, /var/lib/containers/*, /var/lib/kubelet/*]
  top_n:
    description:
      - How many top CPU and memory consumers C(system.top_processes) lists (1 to 20).
    type: int
    default: 5
  fstab_path:
    description:
      - The fstab to compare read-only mounts with. A missing file is allowed (containers).
    type: path
    default: /etc/fstab
  time_sync_tools:
    description:
      - Time-sync tools to ask, in order. The first that reports a synchronised clock decides
        C(ok); when none does, every answering tool is quoted. Missing tools are skipped.
    type: list
    elements: str
    choices: [timedatectl, chronyc, ntpq]
    default: [timedatectl, chronyc, ntpq]
  statvfs_timeout:
    description:
      - Seconds to wait for all filesystems to answer statvfs (a hung NFS mount never does;
        it is then reported C(unknown) instead of blocking the inspection).
    type: int
    default: 10
  previous:
    description:
      - "The counters of this host's previous inspection,
        C({\"check|component|name\": {value: N, at: ISO time, boot_time: ISO time}}): what the
        runner stored from that inspection's C(counters) and passes as
        C(weibao_previous_counters[inventory_hostname])."
      - Empty means no previous inspection; the counters are then judged on their totals since
        boot, and the findings say so. A boot time that changed since, or a counter that went
        down, is a reset (the increase is then at least the current value).
    type: dict
    default: {}
  ignore_interfaces:
    description:
      - Network interfaces (shell globs) never judged by C(system.nic_errors) and
        C(system.nic_flaps), and whose sysfs counters are not read.
      - The default skips loopback and the virtual interfaces of container engines, Kubernetes
        networks, hypervisors and tunnels. A container's own C(eth0), bonds, teams, VLANs
        (C(eth0.100)) and bridges such as C(br0) are judged.
    type: list
    elements: str
    default: [lo, veth*, docker*, br-*, virbr*, cni*, flannel*, cali*, vnet*, tun*, tap*, kube-*,
              cilium*, lxc*, vxlan*, weave*, datapath, genev_sys_*, ovs-system, podman*,
              nodelocaldns, ifb*, dummy*, tunl*, sit*, ip6tnl*, gre*, ip6gre*, erspan*, ip_vti*,
              ip6_vti*, nlmon*, wg*]
notes:
  - Run with become (root) so every process and mount is visible; with C(hidepid) on /proc
    and no root the process checks are C(unknown).
  - Boot time comes from C(btime) in /proc/stat. Reboots are counted from
    C(last -x reboot --time-format iso) (C(last -F) on RHEL 7); when wtmp is missing or does
    not cover the period, the count is unknown or a lower bound, and the finding says so.
"""

EXAMPLES = r"""
- name: Inspect the host state
  weibao_inspect_system:
    since: "{{ weibao_last_inspection[inventory_hostname] | default('') }}"
    previous: "{{ (weibao_previous_counters | default({}))[inventory_hostname] | default({}) }}"
  register: __inspect_system_result

- name: Stricter filesystem thresholds, judge /dev/shm too, a 1-second sample
  weibao_inspect_system:
    sample_seconds: 1
    thresholds:
      filesystem_usage: {warning: 80, critical: 90}
    ignore_mountpoints: [/dev, /dev/pts, /proc, /proc/*, /sys, /sys/*, /run, /run/*]
"""

RETURN = r"""
findings:
  description:
    - The findings, one dict per check and component (schema in docs/findings.md). Each
      carries its text in English (C(summary)) and Chinese (C(translations)) and the message
      it was made from (C(message)).
  returned: always
  type: list
  elements: dict
  sample:
    - check_id: system.filesystem_usage
      host: ''
      component: /var
      status: warning
      summary: "/var is 88.0 % full: 5.8 GiB free of 48.0 GiB"
      evidence: ["/dev/mapper/vg-var on /var type xfs: size 51539607552 B, used ..."]
      recommendation: "Free space on /var: ..."
      values: {used_pct: 88.0, size_bytes: 51539607552}
      thresholds: {warning: 85, critical: 95}
counters:
  description:
    - The counters the checks read (interface error and drop counters, carrier_changes), one
      dict each; the runner stores them and passes them back as O(previous) next time.
  returned: always
  type: list
  elements: dict
  sample:
    - {check_id: system.nic_flaps, component: eth0, name: carrier_changes, value: 2,
       boot_time: "2025-11-20T19:47:13Z"}
not_applicable:
  description: Checks that do not apply to this host (system.failed_units without systemd).
  returned: always
  type: list
  elements: dict
  sample: []
data:
  description:
    - The parsed values the findings were made from (parsers/linux_system.py
      C(parse_sources)), for debugging and the monthly performance report.
    - "A section that could not be read is C({error: message, cause: cause}); a message is
      C({key, params}), its text in catalogue/system.py."
  returned: always
  type: dict
  sample:
    collected_at: "2025-11-25T06:30:00Z"
    boot_time: "2025-11-20T19:47:13Z"
    boot_time_epoch: 1763668033.0
    loadavg: {load1: 0.1, load5: 0.14, load15: 0.08}
    cpu_count: 2
    cpu: {busy_pct: 3.5, iowait_pct: 0.2, steal_pct: 0.0, idle_pct: 96.3, sample_seconds: 5.0}
    memory: {mem_total_kb: 24684092, mem_available_kb: 24287484}
    filesystems:
      entries:
        - {mountpoint: /, device: /dev/vda, fstype: ext4, size_bytes: 270553174016,
           used_bytes: 25965961216, avail_bytes: 82978332672, inodes_total: 16777216,
           inodes_free: 16268810}
      skipped_count: 26
    mounts:
      entries:
        - {device: /dev/vda, mountpoint: /, fstype: ext4, options: "rw,relatime",
           readonly: false, ignored: null, skipped: null}
      ignored_count: 25
    fstab: {path: /etc/fstab, entries: [], bad_lines: []}
    processes: {count: 90, zombie_count: 0, zombies: [], top_cpu: [], top_memory: []}
    systemd: {running: false, pid1: init}
    time_sync:
      answers: []
      errors:
        - {tool: chronyc, cause: tool_missing,
           reason: {key: reason.not_installed, params: {command: chronyc}}}
    reboots: {records: [], begins: "2025-10-01T00:00:00+00:00"}
    net_dev:
      interfaces:
        - {interface: eth0, rx_bytes: 215874257, rx_packets: 8111, rx_errs: 0, rx_drop: 0,
           rx_fifo: 0, rx_frame: 0, rx_compressed: 0, rx_multicast: 0, tx_bytes: 510521,
           tx_packets: 6158, tx_errs: 0, tx_drop: 0, tx_fifo: 0, tx_colls: 0, tx_carrier: 0,
           tx_compressed: 0}
      ignored_count: 1
    net_links:
      eth0: {operstate: up, carrier_changes: 2, rx_crc_errors: 0, tx_carrier_errors: 0}
performance:
  description:
    - "The host's sysstat history for the monthly performance analysis
      (module_utils/weibao_inspection/performance.py): C(sadf -j) over the daily files of
      C(/var/log/sysstat) (Debian) or C(/var/log/sa) (RHEL) modified since the previous
      inspection (O(since)), at most the last 31 days, as hourly means per metric (CPU user,
      system, iowait, idle %; memory used % as total minus available; swap used %; paging
      kB/s and major faults/s; load1; per disk util % and await ms, at most 16 disks; per
      interface rx/tx kB/s, at most 8, O(ignore_interfaces) left out)."
    - "C(source) is C(none) when there is no history, and C(notes) say why (sysstat not
      installed, collection disabled, no files, files sadf cannot read): that is not a fault."
    - "C(sample) is this inspection's own figures (CPU, memory, swap, load, each judged
      filesystem's use), taken from the findings' values."
  returned: always
  type: dict
  sample:
    source: sysstat
    sysstat_version: 12.6.1
    period: {from: "2026-11-05T02:00:00Z", to: "2026-12-06T02:00:00Z"}
    files: [{path: /var/log/sysstat/sa05, samples: 144}]
    series:
      - {metric: cpu_idle, device: "", unit: "%", points: [["2026-12-05T00:00:00Z", 96.1]]}
    dropped: {disk: 0, net: 0}
    notes: []
    sample: {at: "2026-12-06T02:00:00Z", cpu_busy: 3.5, memory_used: 21.4,
             filesystems: {/: {used_pct: 22.0, size_bytes: 1, used_bytes: 1, avail_bytes: 1}}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.weibao_inspection.collectors import AreaError
from ansible.module_utils.weibao_inspection.collectors.linux_system import ARGUMENT_SPEC, run


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        result = run(module)
    except AreaError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
