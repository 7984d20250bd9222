# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Collector of the ``hmc`` area: an IBM Power HMC read through its restricted shell over SSH.

The HMC runs no Python for us, so this collector is an action plugin like the array's
(plugins/action/weibao_inspect_array.py): it runs on the controller, once per HMC host of the
inventory (group ``weibao_hmcs``), and logs in with netmiko, in process (module_utils
``cli_session``, profile ``ibm_hmc``: prompt ``hscroot@hmc01:~>``, errors ``HSCLnnnn``).

It is generic over the source registry: it sends the plain command (``Source.name``) of
every registry source of platform ``ibm_hmc`` and area ``hmc``; a command with ``{sys}`` is
sent once per managed system named by the ``systems`` source (``lssyscfg -r sys``), its
answers kept as ``{system: text or failure}``. An answer the HMC gives as an error
(``HSCL8012 ...``, ``command not found``) is a failure ``{"error", "cause":
"source_unreadable"}`` (``no_permission`` for HSCL350B), so its checks are ``unknown``, never
ok. Then ``registry.area_functions("hmc", "ibm_hmc")`` parses and judges.

An HMC that does not answer within its timeout is returned ``unreachable``; a refused login
(or an unknown or changed SSH host key) fails the task with a clear message. The password is
read from the host's ``weibao_hmc_password`` (never a task argument) and appears in no
result.
"""

from __future__ import annotations

import json
import os
import re
import time

from ansible.plugins.action import ActionBase

DOCUMENTATION = r"""
---
action: weibao_inspect_hmc
short_description: Read an IBM Power HMC through its restricted shell over SSH and judge it
description:
  - Runs on the controller. Logs in to one HMC over SSH (netmiko, in process), sends every
    command the source registry lists for platform C(ibm_hmc) (per managed system where the
    command names one), and judges the answers with weibao's hmc rules.
  - The password is read from the host variable C(weibao_hmc_password), never from the
    task's arguments, and appears in no result.
options:
  address:
    description: The HMC's address (C(ansible_host)).
    type: str
    required: true
  port:
    description: The SSH port.
    type: int
    default: 22
  user:
    description: The HMC user (C(weibao_hmc_user)); the hmcviewer task role suffices.
    type: str
    required: true
  timeout:
    description: "Seconds each step (connection, login, prompt, one command) may take; an
      HMC silent that long is unreachable."
    type: int
    default: 60
  host_key_checking:
    description: Check the HMC's SSH host key against C(known_hosts).
    type: bool
    default: true
  known_hosts:
    description: The known hosts file ('' is the controller user's C(~/.ssh/known_hosts)).
    type: path
    default: ""
  thresholds:
    description: "Threshold overrides of the hmc checks, C({check: {level: value}})."
    type: dict
    default: {}
  previous:
    description: Counters of this HMC's previous inspection (C(weibao_previous_counters)).
    type: dict
    default: {}
  since:
    description: ISO-8601 UTC time of the previous inspection ('' = none).
    type: str
    default: ""
"""

RETURN = r"""
findings:
  description: The hmc findings (the findings schema).
  type: list
  returned: success
not_applicable:
  description: Checks that do not apply to this HMC (no managed system), with why.
  type: list
  returned: success
counters:
  description: Counters for the next inspection (the open serviceable events).
  type: list
  returned: success
data:
  description: What the parsers read (with C(lpar_systems), LPAR -> managed system).
  type: dict
  returned: success
raw:
  description: "The raw outputs by registry key (text, C({system: text}) or C({error, cause}))."
  type: dict
  returned: success
areas:
  description: The areas this collector judged (C([hmc])).
  type: list
  returned: success
"""

AREA = "hmc"
PLATFORM = "ibm_hmc"
SYS = "{sys}"
_BARE = re.compile(r"^[\w.\-*]+$")


def _msg(key, **params):
    return {"key": key, "params": params}


def _error(message, cause="source_unreadable"):
    return {"error": message, "cause": cause}


def commands():
    """[(key, command)] of the registry's hmc sources, in registry order (the first
    spelling; an alias of the same key is not sent)."""
    from ansible.module_utils.weibao_inspection import registry

    out, seen = [], set()
    for source in registry.sources(PLATFORM):
        if source.area == AREA and source.key not in seen:
            seen.add(source.key)
            out.append((source.key, source.name))
    return out


def quote(system):
    """A managed system's name as an argument of the HMC's shell."""
    if _BARE.match(system):
        return system
    return '"' + system.replace('"', '') + '"'


def system_names(text):
    """The managed systems' names from the systems answer (first -F field)."""
    import csv

    names = []
    for line in (text or "").splitlines():
        if not line.strip() or line.strip().lower().startswith("no results were found"):
            continue
        fields = next(csv.reader([line]))
        if fields and fields[0].strip():
            names.append(fields[0].strip())
    return names


def collect(session):
    """{key: text, {system: text or failure} or failure} from an open session."""
    from ansible.module_utils.weibao_inspection import cli_session

    raw = {}
    state = {"hung": None}

    def send(command):
        if state["hung"]:
            return _error(_msg("reason.timed_out", command=state["hung"],
                               seconds=session.timeout))
        try:
            text = session.run(command)
        except cli_session.Hung:
            state["hung"] = command
            return _error(_msg("reason.timed_out", command=command, seconds=session.timeout))
        refused = cli_session.device_error(session.profile, text)
        if refused:
            cause, line = refused
            return _error(_msg("reason.text", text=f"{command}: {line}"), cause)
        return text

    systems = None
    for key, command in commands():
        if SYS not in command:
            raw[key] = send(command)
            if key == "systems":
                systems = None if _failed(raw[key]) else system_names(raw[key])
            continue
        if systems is None:
            raw[key] = _error(_msg("reason.not_collected"), "incomplete")
            continue
        raw[key] = {name: send(command.replace(SYS, quote(name))) for name in systems}
    return raw


def _failed(value):
    return isinstance(value, dict) and "error" in value


def judge(raw, thresholds, previous, since, now):
    """(findings, not_applicable, counters, data) through the area's parsers and rules."""
    import importlib

    from ansible.module_utils.weibao_inspection import catalogue, registry

    parse, evaluate = registry.area_functions(AREA, PLATFORM)
    rules = importlib.import_module("ansible.module_utils.weibao_inspection."
                                    + registry.AREAS[(PLATFORM, AREA)][1])
    merged = catalogue.merge_thresholds(AREA, thresholds or {})
    context = {"now": now, "since": (since or "").strip() or None,
               "previous": previous or {}, "platform": PLATFORM}
    data = parse(raw, context)
    findings = evaluate(data, merged, context)
    return findings, rules.not_applicable(data), rules.counters(data, context), data


def _enable_module_utils():
    """weibao's module_utils importable in this (controller) process."""
    import ansible.module_utils

    here = os.path.dirname(os.path.abspath(__file__))
    folder = os.path.join(os.path.dirname(here), "module_utils")
    if folder not in ansible.module_utils.__path__:
        ansible.module_utils.__path__.append(folder)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def _password(self, task_vars):
        value = task_vars.get("weibao_hmc_password")
        if value is None:
            return ""
        value = self._templar.template(value)
        return str(value) if value is not None else ""

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        result["changed"] = False
        spec = {
            "address": {"type": "str", "required": True},
            "port": {"type": "int", "default": 22},
            "user": {"type": "str", "required": True},
            "timeout": {"type": "int", "default": 60},
            "host_key_checking": {"type": "bool", "default": True},
            "known_hosts": {"type": "path", "default": ""},
            "thresholds": {"type": "dict", "default": {}},
            "previous": {"type": "dict", "default": {}},
            "since": {"type": "str", "default": ""},
        }
        _validation, args = self.validate_argument_spec(argument_spec=spec)
        password = self._password(task_vars)
        if not password:
            result.update(failed=True, msg="weibao_hmc_password is not set for this HMC "
                                           "(give it from Ansible Vault)")
            return result
        _enable_module_utils()
        from ansible.module_utils.weibao_inspection import cli_session

        now = time.time()
        try:
            import netmiko  # noqa: F401
        except ImportError:
            result.update(failed=True, msg="netmiko is not installed on the controller "
                                           "(pip install netmiko; weibao depends on it)")
            return result
        try:
            with cli_session.Session(PLATFORM, args["address"], args["port"],
                                     args["user"], password, args["timeout"],
                                     args["host_key_checking"], args["known_hosts"]) as session:
                raw = collect(session)
        except cli_session.Unreachable as exc:
            result.update(unreachable=True, msg=_scrub(str(exc), password))
            return result
        except cli_session.LoginRefused as exc:
            result.update(failed=True, msg=_scrub(str(exc), password))
            return result
        raw = _scrub_raw(raw, password)
        try:
            findings, na, read, data = judge(raw, args["thresholds"], args["previous"],
                                             args["since"], now)
        except Exception as exc:  # a bug in parsing must not lose the raw outputs
            result.update(failed=True, raw=raw,
                          msg=f"hmc parsers failed: {type(exc).__name__}: "
                              f"{_scrub(str(exc), password)}")
            return result
        result.update(findings=findings, not_applicable=na, counters=read, data=data, raw=raw,
                      areas=[AREA])
        return result


def _scrub(text, password):
    return text.replace(password, "********") if password else text


def _scrub_raw(raw, password):
    """An HMC that echoes the password back (it should not) does not put it in the
    archive."""
    if not password:
        return raw
    text = json.dumps(raw)
    if password not in text:
        return raw
    return json.loads(text.replace(json.dumps(password)[1:-1], "********"))
