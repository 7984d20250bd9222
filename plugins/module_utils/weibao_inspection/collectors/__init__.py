# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Collectors: the code that reads a host for one area and judges what it read.

Each ``linux_<area>.py`` holds an area's collector with its ``ARGUMENT_SPEC`` and
``run(module)``. Its own module (plugins/modules/weibao_inspect_<area>.py) is a thin wrapper
for the role that runs the area alone; plugins/modules/weibao_inspect_linux.py runs several
areas in ONE module execution (one Python start on the host, one SSH exec, the shared
parsers and rules imported once) with ``run_areas``.
"""

from __future__ import annotations

import traceback

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator


class AreaError(Exception):
    """An area cannot run with the arguments it was given (the module's fail_json)."""


class AreaModule:
    """A view of an AnsibleModule whose ``params`` are one area's (validated) arguments;
    run_command, get_bin_path, check_mode and the rest are the module's."""

    def __init__(self, module, params):
        self._module = module
        self.params = params

    def __getattr__(self, name):
        return getattr(self._module, name)


def run_area(module, name, collector, args):
    """One area's result as its own module would return it: ``failed``/``msg`` when its
    arguments are wrong or its collector stops with an error (the other areas still run)."""
    validated = ArgumentSpecValidator(collector.ARGUMENT_SPEC).validate(dict(args or {}))
    if validated.error_messages:
        return dict(failed=True, msg="; ".join(validated.error_messages), module=name)
    try:
        result = collector.run(AreaModule(module, validated.validated_parameters))
    except AreaError as exc:
        return dict(failed=True, msg=str(exc), module=name)
    except Exception as exc:  # noqa: BLE001 - one area's defect must not lose the others
        return dict(failed=True, module=name, msg=f"{type(exc).__name__}: {exc}",
                    exception=traceback.format_exc())
    # what Ansible adds to a module's result: the arguments as the area's module saw them
    result.update(changed=False, module=name,
                  invocation={"module_args": validated.validated_parameters})
    return result
