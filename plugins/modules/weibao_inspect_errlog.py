#!/usr/bin/python
# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: weibao_inspect_errlog
short_description: Inspect a Linux host's logs for hardware, storage, network and OOM errors
description:
  - Reads the host's logs since the last inspection (the journal, or dmesg plus syslog files)
    in one streaming pass and classifies kernel messages into machine checks, memory ECC
    errors, disk I/O errors, filesystem errors, storage link/transport errors (the contract's
    "cables and connectors" check), NIC link flaps, out-of-memory kills and hung tasks or
    CPU lockups. A line no class matched that carries a fault keyword (error, fail, fault,
    panic, timeout, reset, offline, corrupt, ...) is counted and shown, never dropped.
  - Counts events per class and component (disk, interface, memory controller, process),
    keeps the first and last time and a few sample lines, and judges the counts against
    thresholds into weibao findings.
  - A class without events gives one C(ok) finding; when no log source can be read every
    class is C(unknown) with the reason, never C(ok).
  - Memory use is bounded (counts and samples only) whatever the size of the logs; a cap on
    lines per source (O(max_lines)) stops runaway reads and is reported.
  - Never changes the host.
version_added: "0.1.0"
author:
  - weibao contributors
attributes:
  check_mode:
    support: full
    description: Read-only; runs the same in check mode.
  diff_mode:
    support: none
options:
  since:
    description:
      - Start of the inspection window, ISO-8601 (V(2026-10-20T00:00:00Z), an offset, or a
        date). A time without offset is UTC.
      - Empty means the last O(lookback_days) days.
    type: str
    default: ''
  lookback_days:
    description: Window length in days when O(since) is empty.
    type: int
    default: 31
  provider:
    description:
      - Where to read the logs.
      - V(journal) reads C(journalctl) (kernel messages plus multipathd and iscsid).
      - V(files) reads C(dmesg) and O(log_files), with their rotated copies.
      - V(auto) uses the journal when C(/run/systemd/journal/socket) exists and
        C(journalctl) works, else dmesg and files. When the journal starts after O(since)
        (volatile journal), the files fill the part of the window before it.
    type: str
    choices: [auto, journal, files]
    default: auto
  log_files:
    description:
      - Syslog files read by the V(files) provider. Rotated copies (C(.1), C(.2.gz),
        C(-20261115)) modified after O(since) are read too (gzip, xz and bzip2 included).
      - Files holding the same messages (C(syslog) and C(kern.log)) are not double counted.
    type: list
    elements: path
    default: [/var/log/messages, /var/log/syslog, /var/log/kern.log]
  max_samples:
    description: Sample log lines kept per class and component.
    type: int
    default: 3
  thresholds:
    description:
      - "Overrides of the catalogue's thresholds ({check: {warning: n, critical: n}}, e.g.
        C({disk_io: {critical: 5}})): event counts per class and component at which a
        finding becomes warning or critical. Levels not given keep the catalogue's defaults
        (plugins/module_utils/weibao_inspection/catalogue/errlog.py, listed in the
        inspect_errlog role README's check table); V(null) or V(0) disables a level."
      - Some events are critical at any count (uncorrected memory error, fatal machine
        check, filesystem shut down or remounted read-only, all multipath paths down).
    type: dict
    default: {}
  max_lines:
    description:
      - Safety cap on lines read per source (a journal, dmesg, or a log file with its
        rotated copies). Hitting it makes C(errlog.sources) a warning, and every class
        that found nothing (or only events below its warning level) C(unknown), as the lines
        not read may hold its events.
    type: int
    default: 2000000
notes:
  - Needs root (become) to read the journal, dmesg (C(kernel.dmesg_restrict)) and
    C(/var/log); without it the sources it cannot read are reported, and nothing read means
    C(unknown) findings.
  - Event counts count log messages; one incident logged by several kinds of message (sense
    line, block-layer line, buffer line) counts once.
"""

EXAMPLES = r"""
- name: Inspect error logs since the last inspection
  weibao_inspect_errlog:
    since: "{{ weibao_last_inspection[inventory_hostname] | default('') }}"
  become: true
  register: errlog

- name: Read only the syslog files, stricter NIC link threshold
  weibao_inspect_errlog:
    provider: files
    log_files: [/var/log/syslog]
    thresholds:
      nic_link: {warning: 1, critical: 3}
"""

RETURN = r"""
findings:
  description: weibao findings (see docs/findings.md); check ids errlog.sources and
    errlog.machine_check, errlog.memory_ecc, errlog.disk_io, errlog.filesystem,
    errlog.storage_transport, errlog.nic_link, errlog.oom_kill, errlog.hung_tasks and
    errlog.unclassified (lines with a fault keyword no class matched). Each finding keeps its
    text as messages (C(message)) and has it in English and Simplified Chinese.
  returned: always
  type: list
  elements: dict
  sample:
    - check_id: errlog.disk_io
      host: ''
      component: sdb
      status: warning
      summary: 2 disk I/O error events on sdb between 2026-11-02 01:00:00 UTC and
        2026-11-02 01:00:05 UTC
      evidence:
        - "2026-11-02T01:00:00Z blk_update_request: I/O error, dev sdb, sector 2048"
        - "messages by kind: blk=2, sense=2"
      recommendation: Check sdb's SMART/RAID status ...
      values: {events: 2, critical_events: 0, first_seen: '2026-11-02T01:00:00Z'}
      thresholds: {warning: 1, critical: 10}
not_applicable:
  description: Checks that do not apply to the host (none in this area).
  returned: always
  type: list
  elements: dict
  sample: []
data:
  description:
    - What was read and counted (parsers/errlog_tally.py to_data), which the findings were
      judged from; the same shape parse_sources gives for saved output. C(buckets) keeps the
      100 worst (class, component) counts.
  returned: always
  type: dict
  sample:
    since: '2026-10-20T00:00:00Z'
    provider: auto
    provider_used: journal
    coverage_start: '2026-09-01T08:00:00Z'
    sources:
      - {name: journal, kind: journal, status: read, notes: [], lines: 120345, events: 2}
    buckets:
      - {class: disk_io, component: sdb, kinds: {blk: 2, sense: 2}, critical: {}, info: {},
         first: '2026-11-02T01:00:00Z', last: '2026-11-02T01:00:05Z', undatable: 0,
         samples: ['2026-11-02T01:00:00Z blk_update_request: I/O error, dev sdb, sector 2048'],
         last_sample: null}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.weibao_inspection.collectors import AreaError
from ansible.module_utils.weibao_inspection.collectors.linux_errlog import ARGUMENT_SPEC, run


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        result = run(module)
    except AreaError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
