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
  - The module is the area's collector. It gathers the raw outputs (the source keys of the
    C(patch) entries in module_utils C(weibao_inspection/registry.py)), reads them with
    C(parsers/linux_patch.py) C(parse_sources) and judges them with C(rules/patch.py)
    C(evaluate); C(weibao judge) runs the same two functions on output saved by hand.
  - Read-only. It never refreshes package lists or repository metadata and never makes a
    network call; apt runs as a simulation (C(apt-get -s) with C(Debug::NoLocking), no planner
    log and no binary cache written), dnf and yum run with C(--cacheonly). Pending-update counts
    are therefore only as fresh as the host's own lists, which C(patch.package_lists_age) judges;
    on lists older than the C(package_lists_age.stale) threshold (or of unknown age) no update
    found is C(unknown) (cause C(stale)), never C(ok).
    dnf records its own invocation in C(/var/log/dnf.log), as it does for every command.
  - A check that cannot run (missing command, missing metadata cache, unreadable or unknown
    output) returns an C(unknown) finding with the reason and its cause, never C(ok).
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
      - "Threshold overrides, merged with the check catalogue's defaults
        (module_utils C(weibao_inspection/catalogue/patch.py)): give only the levels to
        change, as a mapping of check to levels, e.g. C(security_updates) C(critical: 5)."
      - The checks, their levels and defaults are in the check table of the
        C(inspect_patch) role's README. C(0) (or C(null)) disables a level that allows it;
        an unknown check or level, or a value that is not a number, fails the module.
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
      security_updates:
        critical: 5
        critical_severities: [Critical, Important]
      package_lists_age:
        warning: 7
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
      thresholds: {warning: 1}
not_applicable:
  description: Checks that do not apply to the host (none of the patch checks so far).
  returned: always
  type: list
  elements: dict
  sample: []
data:
  description:
    - The parsed data the findings were judged from (C(parse_sources)), for debugging. A
      section that could not be read is a mapping with C(error) (a message), C(evidence) and
      C(cause). Package lists are cut to 200 entries.
  returned: always
  type: dict
  sample:
    provider: apt
    tool: apt
    family: deb
    now: 1795500000.0
    os_release: {name: Debian GNU/Linux, version_id: "12", id: debian}
    updates: {pending_count: 134, security_count: 81, held_back: 0}
    lists: {fetched: true, index_files: 6, newest_mtime: 1795499000.0, location: /var/lib/apt/lists}
    kernels: {family: deb, installed: [], running_release: 6.1.0-25-amd64}
    reboot_required: {exists: false, packages: []}
    last_update:
      time: 1778311770.0
      when: "2026-05-09T07:29:30Z"
      local: "2026-05-09 07:29:30"
      source: {key: patch.source.file, params: {path: /var/log/apt/history.log}}
      kind: upgrade
thresholds:
  description: The thresholds in effect (the catalogue's defaults merged with C(thresholds)).
  returned: always
  type: dict
  sample:
    pending_updates: {warning: 1}
    security_updates: {warning: 1, critical: 10, critical_severities: [Critical]}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.weibao_inspection.collectors import AreaError
from ansible.module_utils.weibao_inspection.collectors.linux_patch import ARGUMENT_SPEC, run


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        result = run(module)
    except AreaError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
