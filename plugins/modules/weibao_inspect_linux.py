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
areas_results:
  description: One result per area, in order, each the area's module result plus C(module);
    C(failed) and C(msg) for an area that could not run.
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

COLLECTORS = {
    "weibao_inspect_system": linux_system,
    "weibao_inspect_errlog": linux_errlog,
    "weibao_inspect_patch": linux_patch,
    "weibao_inspect_storage": linux_storage,
}


def main():
    module = AnsibleModule(
        argument_spec=dict(areas=dict(
            type="list", elements="dict", required=True,
            options=dict(module=dict(type="str", required=True, choices=list(COLLECTORS)),
                         args=dict(type="dict", default={})))),
        supports_check_mode=True,
    )
    results = [run_area(module, area["module"], COLLECTORS[area["module"]], area["args"])
               for area in module.params["areas"]]
    module.exit_json(changed=False, areas_results=results)


if __name__ == "__main__":
    main()
