# SPDX-License-Identifier: GPL-3.0-or-later
"""The whole monthly inspection of a Linux host in one task (playbooks/monthly_inspection.yml).

What the four roles inspect_system, inspect_errlog, inspect_patch and inspect_storage do in
about fifteen tasks per host (fact gathering, argument-spec validations, per-OS include_vars
loops, one collector each, a completion fact), this action does in one:

1. no fact gathering: the roles' per-OS ``vars/`` files (what their ``tasks/set_vars.yml``
   select from the OS family, distribution and major version) are turned into the
   arguments each file changes, and the module picks them on the host once it has read
   ``/etc/os-release`` (no exec of its own for that);
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

import copy
import os

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.module_utils.facts.system.distribution import Distribution
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

DOCUMENTATION = r"""
---
action: weibao_inspect
short_description: The monthly inspection of a Linux host (every area) in one task
description:
  - Resolves the inspect_* roles' defaults and per-OS variables (picked on the host from its
    /etc/os-release), and runs the collectors of weibao_inspect_system, weibao_inspect_errlog,
    weibao_inspect_patch and weibao_inspect_storage in one execution of weibao_inspect_linux.
options:
  areas:
    description: The roles to run, in order.
    type: list
    elements: str
    default: [inspect_system, inspect_errlog, inspect_patch, inspect_storage]
  os_release:
    description: The file the host's platform is read from (a test or an unusual host).
    type: str
    default: /etc/os-release
  roles_path:
    description: "Where the roles are ('' = the roles path of ansible.cfg, then this
      project's roles/)."
    type: str
    default: ""
  keep_data:
    description:
      - Keep each area's C(data) (its parsed sources) in C(areas_results). Off by default:
        weibao stores the findings, counters and coverage, never C(data), and a host's
        result is then about a third smaller through every step to the store (issue 15).
    type: bool
    default: false
"""

ROLES = ("inspect_system", "inspect_errlog", "inspect_patch", "inspect_storage")
# role defaults of the form "{{ (TABLE | default({}))[inventory_hostname] | default(D) }}":
# {template: (TABLE, D)}; the same value without Jinja (test_inspect_action checks each
# against the template rendered by Ansible)
PER_HOST_LOOKUPS = {
    "{{ (weibao_last_inspection | default({}))[inventory_hostname] | default('') }}":
        ("weibao_last_inspection", ""),
    "{{ (weibao_previous_counters | default({}))[inventory_hostname] | default({}) }}":
        ("weibao_previous_counters", {}),
}
DONE_FACT = "weibao_inspection_complete"
def per_host_value(value, variables, host):
    """``(True, value)`` of a role default in PER_HOST_LOOKUPS for ``host``, looked up
    instead of compiled and rendered by Jinja for every host (the tables hold every host's
    values: rendering them costs more the larger the fleet); ``(False, None)`` for anything
    else, which is templated as usual."""
    per_host = PER_HOST_LOOKUPS.get(value) if isinstance(value, str) else None
    if per_host is None or host is None:
        return False, None
    name, default = per_host
    table = variables.get(name)
    if isinstance(table, dict):
        return True, table.get(host, copy.copy(default))
    if name not in variables:
        return True, copy.copy(default)
    return False, None  # not a dict: Jinja says what it says of it


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("areas", "roles_path", "os_release", "keep_data"))

    @staticmethod
    def _roles_dir(role, roles_path):
        here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        for base in ([roles_path] if roles_path else []) + list(C.DEFAULT_ROLES_PATH or []) \
                + [os.path.join(here, "roles")]:
            path = os.path.join(os.path.expanduser(base), role)
            if os.path.isdir(path):
                return path
        raise AnsibleError(f"weibao_inspect: role {role} not found (roles_path)")

    @classmethod
    def _os_vars_names(cls, role, roles_path):
        """``(stem, path)`` of each per-OS vars file of the role (all but main.yml)."""
        folder = os.path.join(cls._roles_dir(role, roles_path), "vars")
        if not os.path.isdir(folder):
            return []
        return [(name[:-4], os.path.join(folder, name)) for name in sorted(os.listdir(folder))
                if name.endswith(".yml") and name != "main.yml"]

    def _os_vars_files(self, role, roles_path):
        """``(stem, variables)`` of each per-OS vars file of the role."""
        return [(stem, self._load(path)) for stem, path in self._os_vars_names(role, roles_path)]

    def _load(self, path):
        return self.load_role_file(self._loader, path)

    @staticmethod
    def load_role_file(loader, path):
        """A role file's variables, parsed once per loader: Ansible's DataLoader keeps what it
        parsed, and ``unsafe=True`` hands back that object instead of a deep copy of it (this
        action only reads it, and builds every value it passes on anew)."""
        if not os.path.isfile(path):
            return {}
        data = loader.load_from_file(path, trusted_as_template=True, unsafe=True)
        return data if isinstance(data, dict) else {}

    @classmethod
    def prepare_controller(cls, loader, task_args):
        """Parse, in the controller's main process, every role file run() reads, before the
        first worker forks (weibao_linear calls this once per task): each of the run's N
        workers then finds them in the loader it inherits instead of parsing the same ~14
        YAML files again. Does nothing for areas or a roles_path still to be templated;
        run() then parses them itself, as under any other strategy."""
        areas, roles_path = task_args.get("areas") or ROLES, task_args.get("roles_path") or ""
        if not isinstance(roles_path, str) or "{" in roles_path or not isinstance(
                areas, (list, tuple)) or any(role not in ROLES for role in areas):
            return 0
        loaded = 0
        for role in areas:
            defaults, internal = cls._main_files(role, roles_path)
            for file in [defaults, internal] + [
                    name for _, name in cls._os_vars_names(role, roles_path)]:
                cls.load_role_file(loader, file)
                loaded += 1
        return loaded

    @classmethod
    def _main_files(cls, role, roles_path):
        """The role's ``defaults/main.yml`` and ``vars/main.yml``: what run() and
        prepare_controller() both read, besides the per-OS vars files."""
        path = cls._roles_dir(role, roles_path)
        return (os.path.join(path, "defaults", "main.yml"),
                os.path.join(path, "vars", "main.yml"))

    def _variables(self, roles, roles_path, task_vars):
        """Every variable the roles' tasks read: role defaults under the inventory's values,
        role vars over them (as a role in a play). ``get(name)`` templates each once;
        ``get.over(data)`` is the same with one per-OS vars file's variables over them."""
        variables = dict(task_vars)
        internal = {}
        for role in roles:
            defaults, role_vars = self._main_files(role, roles_path)
            for name, value in self._load(defaults).items():
                variables.setdefault(name, value)
            internal.update(self._load(role_vars))
        variables.update(internal)
        templar = self._templar.copy_with_new_env(available_variables=variables)
        host = task_vars.get("inventory_hostname")
        done = {}

        def get(name, default=None):
            if name not in variables:
                return default
            if name not in done:
                value = variables[name]
                found, looked_up = per_host_value(value, variables, host)
                done[name] = looked_up if found else templar.template(value)
            return done[name]

        def over(data):
            # a vars file's own variables win (role vars over everything but extra vars,
            # which never name the roles' internal __ variables); the rest as templated above
            def get_over(name, default=None):
                return templar.template(data[name]) if name in data else get(name, default)
            return get_over

        get.over = over
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
        roles_path = args.get("roles_path") or ""
        get = self._variables(roles, roles_path, task_vars)
        areas, per_os = [], {}
        for role in roles:
            module, module_args = self._arguments(role, get)
            areas.append({"module": module, "args": module_args})
            # each per-OS vars file of the role (vars/RedHat.yml, vars/RedHat_7.yml, ...):
            # the arguments it changes, chosen on the host once it has read /etc/os-release
            for stem, data in self._os_vars_files(role, roles_path):
                changed = self._arguments(role, get.over(data))[1]
                diff = {k: v for k, v in changed.items() if v != module_args.get(k)}
                if diff:
                    per_os.setdefault(stem, {})[module] = diff
        try:
            res = self._execute_module(module_name="weibao_inspect_linux", module_args={
                "areas": areas,
                "per_os": {"families": Distribution.OS_FAMILY, "args": per_os},
                "os_release": args.get("os_release") or "/etc/os-release",
                "data": boolean(args.get("keep_data", False), strict=False)},
                task_vars=task_vars)
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
        result["platform"] = res.get("platform") or {}
        if failures:
            result.update(failed=True, msg="; ".join(failures))
        else:
            result["ansible_facts"] = {DONE_FACT: True}
        return result
