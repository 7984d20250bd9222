# SPDX-License-Identifier: GPL-3.0-or-later
"""The whole monthly inspection of a Linux host in one task (playbooks/monthly_inspection.yml).

What the four roles inspect_system, inspect_errlog, inspect_patch and inspect_storage do in
about fifteen tasks per host (fact gathering, argument-spec validations, per-OS include_vars
loops, one collector each, a completion fact), this action does in one:

1. one small read of ``/etc/os-release`` over the host's connection stands in for fact
   gathering: the OS family, distribution and major version select the roles' per-OS
   ``vars/`` files exactly as their ``tasks/set_vars.yml`` do;
2. each role's ``defaults/main.yml`` fills the variables the inventory does not set (the
   same precedence as a role in the play: inventory, group and extra variables win);
3. every area's collector runs in ONE module execution (weibao_inspect_linux: one SSH exec,
   one Python start on the host), in the roles' order, with the arguments the roles' tasks
   give each area's own module;
4. one result carries every area's result (``areas_results``: one dict per module, the
   module's own result plus ``module``) and, when every area ran, the completion fact
   ``weibao_inspection_complete`` the runner counts a host by.

An area whose module fails does not stop the others: the result then fails, naming the
area, and still carries the areas that ran. The roles themselves are unchanged and still
run on their own with ansible-playbook. Their argument specs are not evaluated here:
``weibao inspect`` checks every ``inspect_*_thresholds`` against the catalogue before a run,
and each module validates its own arguments.
"""

from __future__ import annotations

import os
import shlex

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.module_utils.facts.system.distribution import Distribution
from ansible.plugins.action import ActionBase

DOCUMENTATION = r"""
---
action: weibao_inspect
short_description: The monthly inspection of a Linux host (every area) in one task
description:
  - Reads the host's /etc/os-release once, resolves the inspect_* roles' defaults and per-OS
    variables, and runs the collectors of weibao_inspect_system, weibao_inspect_errlog,
    weibao_inspect_patch and weibao_inspect_storage in one execution of weibao_inspect_linux.
options:
  areas:
    description: The roles to run, in order.
    type: list
    elements: str
    default: [inspect_system, inspect_errlog, inspect_patch, inspect_storage]
  roles_path:
    description: "Where the roles are ('' = the roles path of ansible.cfg, then this
      project's roles/)."
    type: str
    default: ""
"""

ROLES = ("inspect_system", "inspect_errlog", "inspect_patch", "inspect_storage")
DONE_FACT = "weibao_inspection_complete"
# /etc/os-release IDs whose Ansible distribution name is not the ID capitalised
DISTRIBUTIONS = {
    "rhel": "RedHat", "centos": "CentOS", "fedora": "Fedora", "rocky": "Rocky",
    "almalinux": "AlmaLinux", "ol": "OracleLinux", "amzn": "Amazon", "debian": "Debian",
    "ubuntu": "Ubuntu", "kylin": "Kylin Linux Advanced Server", "openeuler": "openEuler",
    "uos": "Uos", "sles": "SLES", "opensuse-leap": "openSUSE Leap", "raspbian": "Raspbian",
    "linuxmint": "Linux Mint", "devuan": "Devuan", "kali": "Kali", "euleros": "EulerOS",
    "anolis": "Anolis", "tencentos": "TencentOS", "alinux": "Alibaba",
}
# ID_LIKE words that name a family when the ID itself is unknown to Ansible's map
LIKE_FAMILY = {"rhel": "RedHat", "fedora": "RedHat", "centos": "RedHat", "debian": "Debian",
               "ubuntu": "Debian", "suse": "Suse"}


def parse_os_release(text):
    """``{distribution, os_family, major}`` from /etc/os-release (empty values when absent)."""
    fields = {}
    for line in (text or "").splitlines():
        key, sep, value = line.partition("=")
        if sep:
            try:
                value = " ".join(shlex.split(value))
            except ValueError:
                value = value.strip().strip("\"'")
            fields[key.strip()] = value
    ident = fields.get("ID", "").lower()
    if not ident:
        return {"distribution": "", "os_family": "", "major": ""}
    name = DISTRIBUTIONS.get(ident, ident.capitalize())
    family = Distribution.OS_FAMILY.get(name, "")
    if not family:
        for like in fields.get("ID_LIKE", "").lower().split():
            if like in LIKE_FAMILY:
                family = LIKE_FAMILY[like]
                break
    family = family or name
    major = fields.get("VERSION_ID", "").split(".")[0]
    return {"distribution": name, "os_family": family, "major": major}


def vars_files(role, platform):
    """The per-OS vars files a role's tasks/set_vars.yml loads, in its order."""
    family, dist, major = platform["os_family"], platform["distribution"], platform["major"]
    if not family:
        return []
    names = [f"{family}.yml"]
    if role == "inspect_patch":
        names.append(f"{family}_{major}.yml")
    names += [f"{dist}.yml", f"{dist}_{major}.yml"]
    return names


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("areas", "roles_path"))

    def _roles_dir(self, role, roles_path):
        here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        for base in ([roles_path] if roles_path else []) + list(C.DEFAULT_ROLES_PATH or []) \
                + [os.path.join(here, "roles")]:
            path = os.path.join(os.path.expanduser(base), role)
            if os.path.isdir(path):
                return path
        raise AnsibleError(f"weibao_inspect: role {role} not found (roles_path)")

    def _load(self, path):
        if not os.path.isfile(path):
            return {}
        data = self._loader.load_from_file(path, trusted_as_template=True)
        return data if isinstance(data, dict) else {}

    def _platform(self):
        res = self._low_level_execute_command("cat /etc/os-release 2>/dev/null || true")
        return parse_os_release(res.get("stdout", ""))

    def _variables(self, roles, roles_path, task_vars, platform):
        """Every variable the roles' tasks read: role defaults under the inventory's values,
        role vars and the per-OS vars files over them (as a role in a play)."""
        variables = dict(task_vars)
        internal = {}
        for role in roles:
            path = self._roles_dir(role, roles_path)
            for name, value in self._load(os.path.join(path, "defaults", "main.yml")).items():
                variables.setdefault(name, value)
            internal.update(self._load(os.path.join(path, "vars", "main.yml")))
            for name in vars_files(role, platform):
                internal.update(self._load(os.path.join(path, "vars", name)))
        variables.update(internal)
        templar = self._templar.copy_with_new_env(available_variables=variables)

        def get(name, default=None):
            if name not in variables:
                return default
            return templar.template(variables[name])

        return get

    def _arguments(self, role, get):
        """The module and arguments the role's task gives it (roles/<role>/tasks/main.yml)."""
        if role == "inspect_system":
            return "weibao_inspect_system", {
                "since": get("inspect_system_since"),
                "sample_seconds": get("inspect_system_sample_seconds"),
                "thresholds": get("inspect_system_thresholds"),
                "ignore_fstypes": get("inspect_system_ignore_fstypes"),
                "ignore_mountpoints": get("inspect_system_ignore_mountpoints"),
                "top_n": get("inspect_system_top_n"),
                "fstab_path": get("__inspect_system_fstab_path"),
                "time_sync_tools": get("__inspect_system_time_sync_tools"),
                "previous": get("inspect_system_previous_counters"),
                "ignore_interfaces": get("inspect_system_ignore_interfaces"),
            }
        if role == "inspect_errlog":
            files = get("inspect_errlog_log_files") or []
            return "weibao_inspect_errlog", {
                "since": get("inspect_errlog_since"),
                "lookback_days": get("inspect_errlog_lookback_days"),
                "provider": get("inspect_errlog_provider"),
                "log_files": files if len(files) > 0 else get("__inspect_errlog_log_files"),
                "max_samples": get("inspect_errlog_max_samples"),
                "thresholds": get("inspect_errlog_thresholds"),
                "max_lines": get("inspect_errlog_max_lines"),
            }
        if role == "inspect_patch":
            return "weibao_inspect_patch", {
                "provider": get("inspect_patch_provider") or get("__inspect_patch_provider"),
                "thresholds": get("inspect_patch_thresholds"),
            }
        if role == "inspect_storage":
            return "weibao_inspect_storage", {
                "areas": get("inspect_storage_areas"),
                "timeout": get("inspect_storage_timeout"),
                "smart_devices": get("inspect_storage_smart_devices"),
                "root": get("inspect_storage_root"),
                "previous": get("inspect_storage_previous_counters"),
                "thresholds": {
                    "storage": get("inspect_storage_thresholds"),
                    "volumes": get("inspect_volumes_thresholds", {}),
                    "raid": get("inspect_raid_thresholds", {}),
                    "tape": get("inspect_tape_thresholds", {}),
                    "links": get("inspect_links_thresholds", {}),
                },
            }
        raise AnsibleError(f"weibao_inspect: unknown area role {role!r}; known: {', '.join(ROLES)}")

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        result["changed"] = False
        args = self._task.args
        roles = list(args.get("areas") or ROLES)
        unknown = [r for r in roles if r not in ROLES]
        if unknown:
            result.update(failed=True, msg=f"weibao_inspect: areas: unknown {', '.join(unknown)}; "
                          f"known: {', '.join(ROLES)}")
            return result
        platform = self._platform()
        get = self._variables(roles, args.get("roles_path") or "", task_vars, platform)
        areas = []
        for role in roles:
            module, module_args = self._arguments(role, get)
            areas.append({"module": module, "args": module_args})
        try:
            res = self._execute_module(module_name="weibao_inspect_linux",
                                       module_args={"areas": areas}, task_vars=task_vars)
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        if res.get("unreachable"):
            return dict(res, areas_results=[])
        areas_results, failures = [], []
        if res.get("failed") or not isinstance(res.get("areas_results"), list):
            text = res.get("msg") or res.get("module_stderr") or "no areas_results"
            failures.append(f"weibao_inspect_linux: {str(text).strip()}")
        for area in res.get("areas_results") or []:
            if area.get("failed"):
                failures.append(f"{area.get('module')}: {str(area.get('msg') or 'failed').strip()}")
            else:
                areas_results.append(area)
        result["areas_results"] = areas_results
        result["platform"] = platform
        if failures:
            result.update(failed=True, msg="; ".join(failures))
        else:
            result["ansible_facts"] = {DONE_FACT: True}
        return result
