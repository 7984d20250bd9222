#!/usr/bin/python
# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: weibao_inspect_storage
short_description: Inspect a Linux host's disks, RAID, volumes, tape and links in one run
version_added: "0.2.0"
description:
  - Runs every check of weibao's C(storage) (SMART), C(volumes) (md software RAID, LVM,
    multipath), C(raid) (hardware RAID controllers), C(tape) (tape drives and libraries) and
    C(links) (FC HBA and SAS PHY error counters, NIC statistics, rasdaemon) areas in one
    execution on the host, and returns the findings (see docs/findings.md) plus the parsed
    data. One module run per host covers the five areas, so they add one task per host,
    not five.
  - "What exists is found, not configured: disks from C(smartctl --scan-open) (with their
    C(-d) types, disks behind MegaRAID and Smart Array controllers included) or
    C(/sys/block); RAID controllers from the PCI class (0x0104) and their drivers
    (C(megaraid_sas), C(hpsa), C(smartpqi), C(aacraid)); tape drives and changers from the
    SCSI generic devices' types; FC hosts, SAS PHYs and physical NICs from sysfs."
  - "Hardware that is absent makes its checks not applicable (a virtual machine's disks have
    no SMART; no tape drive, no FC HBA). Hardware that is present but whose tool is not
    installed, not permitted, timed out, or printed what the parser does not understand is
    C(unknown) with the reason, never C(ok)."
  - Counters that grow (reallocated sectors, CRC errors, FC link failures, PHY errors, media
    errors) are judged on their increase since the host's previous inspection (O(previous));
    the module returns the counters it read (C(counters)) for the next one.
  - The module never changes the host. Tools run with C(LC_ALL=C), each with O(timeout).
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
    description: Linux only (reads /sys and /proc).
options:
  areas:
    description:
      - The areas to inspect; the others are neither collected nor reported.
    type: list
    elements: str
    choices: [storage, volumes, raid, tape, links]
    default: [storage, volumes, raid, tape, links]
  thresholds:
    description:
      - "Overrides of the check catalogue's thresholds per area,
        C({area: {check: {level: value}}}) (for example
        C({volumes: {multipath: {min_paths: 4}}})), merged with the catalogue's defaults."
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
  root:
    description:
      - The directory C(/sys) and C(/proc/mdstat) are read under. C(/) on a real host; tests
        point it at a recorded tree.
    type: path
    default: /
  timeout:
    description:
      - Seconds each tool may run (1 to 600). A tool that does not answer in time makes the
        checks that read it C(unknown).
    type: int
    default: 60
  smart_devices:
    description:
      - Disks to read SMART from instead of the scan, each as smartctl takes it
        (C(/dev/sda), C(/dev/sda -d sat), C(/dev/bus/0 -d megaraid,4)).
    type: list
    elements: str
    default: []
notes:
  - Run with become (root): smartctl, the RAID tools, LVM and sg_logs need it.
seealso:
  - name: smartmontools
    description: smartctl's options and exit status
    link: https://www.smartmontools.org/browser/trunk/smartmontools/smartctl.8.in
"""

EXAMPLES = r"""
- name: Inspect disks, RAID, volumes, tape and links
  weibao_inspect_storage:
    previous: "{{ weibao_previous_counters[inventory_hostname] | default({}) }}"
  become: true
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
  sample: [{check_id: tape.devices, component: "", reason: "no tape drive or changer"}]
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
  sample: [storage, volumes, raid, tape, links]
data:
  description: The parsed data per area, and what was found (C(found)).
  returned: always
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.weibao_inspection.collectors import AreaError
from ansible.module_utils.weibao_inspection.collectors.linux_storage import ARGUMENT_SPEC, run


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        result = run(module)
    except AreaError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
