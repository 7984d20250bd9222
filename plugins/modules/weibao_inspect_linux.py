#!/usr/bin/python
# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: weibao_inspect_linux
short_description: Every area of a Linux host's monthly inspection in one module execution
description:
  - Runs the collectors of weibao_inspect_system, weibao_inspect_errlog, weibao_inspect_patch
    and weibao_inspect_storage one after the other in one Python process on the host, each
    with the arguments its own module takes, and returns each area's result as that module
    would.
  - One SSH execution and one Python start per host instead of four; the parsers and rules
    the areas share are imported once.
  - An area whose arguments are wrong or whose collector stops with an error is returned
    failed with the reason; the other areas still run and the module itself does not fail
    (the weibao_inspect action decides).
  - Used by the weibao_inspect action (playbooks/monthly_inspection.yml); the roles run the
    areas' own modules.
version_added: "0.1.0"
author: weibao contributors
options:
  areas:
    description:
      - The areas to run, in order. C(module) names the area's module, C(args) its arguments
        (those of that module; absent ones take its defaults).
    type: list
    elements: dict
    required: true
    suboptions:
      module:
        description: The area's module.
        type: str
        required: true
        choices: [weibao_inspect_system, weibao_inspect_errlog, weibao_inspect_patch,
                  weibao_inspect_storage]
      args:
        description: Its arguments.
        type: dict
        default: {}
  per_os:
    description:
      - Arguments that depend on the host's OS, chosen here after reading C(os_release)
        (the reading that stands in for fact gathering, without an exec of its own).
      - C(families) is Ansible's distribution name to OS family table; C(args) maps the name
        of a role's per-OS vars file (C(Debian), C(RedHat), C(RedHat_7), ...) to the arguments
        it changes, per area module. They are applied in the order the role's
        C(tasks/set_vars.yml) loads the files (OS family, [family_major for patch,]
        distribution, distribution_major).
    type: dict
    default: {}
  os_release:
    description: The os-release file read for the platform.
    type: path
    default: /etc/os-release
  data:
    description:
      - Keep each area's C(data) (the parsed sources, as its module returns them) in its
        result. The findings, counters and coverage never need it; leaving it out makes a
        host's result about a third smaller, and every step from the host to the store
        handles the result whole (decoded, copied, sent to the controller's main process,
        written as an event twice).
    type: bool
    default: true
attributes:
  check_mode:
    support: full
    description: Reads only.
notes:
  - Each area's options and results are documented in its own module.
"""

EXAMPLES = r"""
- name: Inspect the host (system and patches) in one execution
  weibao_inspect_linux:
    areas:
      - module: weibao_inspect_system
        args: {sample_seconds: 5}
      - module: weibao_inspect_patch
"""

RETURN = r"""
platform:
  description: The platform read from C(os_release) (C(distribution), C(os_family), C(major);
    empty strings when it could not be read).
  returned: always
  type: dict
areas_results:
  description: One result per area, in order, each the area's module result plus C(module)
    (without C(data) when I(data=false)); C(failed) and C(msg) for an area that could not run.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.weibao_inspection.collectors import (
    linux_errlog,
    linux_patch,
    linux_storage,
    linux_system,
    run_area,
)
from ansible.module_utils.weibao_inspection.platform import (
    VARS_FILES,
    VARS_FILES_WITH_FAMILY_MAJOR,
    parse_os_release,
    vars_file_names,
)

COLLECTORS = {
    "weibao_inspect_system": linux_system,
    "weibao_inspect_errlog": linux_errlog,
    "weibao_inspect_patch": linux_patch,
    "weibao_inspect_storage": linux_storage,
}
# the per-OS vars files each area's role loads (roles/inspect_*/tasks/set_vars.yml)
AREA_VARS_FILES = {"weibao_inspect_patch": VARS_FILES_WITH_FAMILY_MAJOR}


def platform_of(path, families):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        text = ""
    return parse_os_release(text, families or {})


def with_os_args(area, platform, per_os_args):
    """The area's arguments with those of the per-OS vars files its role loads, in order."""
    args = dict(area["args"] or {})
    for name in vars_file_names(AREA_VARS_FILES.get(area["module"], VARS_FILES), platform):
        args.update((per_os_args.get(name) or {}).get(area["module"]) or {})
    return args


def main():
    module = AnsibleModule(
        argument_spec=dict(areas=dict(
            type="list", elements="dict", required=True,
            options=dict(module=dict(type="str", required=True, choices=list(COLLECTORS)),
                         args=dict(type="dict", default={}))),
            per_os=dict(type="dict", default={}),
            os_release=dict(type="path", default="/etc/os-release"),
            data=dict(type="bool", default=True)),
        supports_check_mode=True,
    )
    per_os = module.params["per_os"]
    platform = platform_of(module.params["os_release"], per_os.get("families"))
    results = [run_area(module, area["module"], COLLECTORS[area["module"]],
                        with_os_args(area, platform, per_os.get("args") or {}))
               for area in module.params["areas"]]
    if not module.params["data"]:
        for result in results:
            result.pop("data", None)
    module.exit_json(changed=False, areas_results=results, platform=platform)


if __name__ == "__main__":
    main()
