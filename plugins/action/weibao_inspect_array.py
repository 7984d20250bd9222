# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Collector of the ``array`` area: an external disk array read through its CLI over SSH.

An array's management CLI runs no Python, so this collector is an action plugin: it runs on
the controller, once per array host of the inventory (group ``weibao_arrays``; the forks run
arrays in parallel), and logs in with netmiko, in process (module_utils ``cli_session``: the
platform's prompt, paging and error words in one table).

It is generic over the source registry: for the array's platform it sends the plain command
(``Source.name``) of every registry source of area ``array`` and keeps the answer under the
source's key; an answer the device gives as an error (``CMMVC5707E ...``, ``Error: ...``,
``Unknown command``) is a failure section ``{"error", "cause": "source_unreadable"}`` (or
``no_permission`` when the user may not run it), so its checks are ``unknown``, never ok.
Two sources with the same key are alternatives: the second is sent only when the first
failed. Then ``registry.area_functions("array", platform)`` parses and judges, and the rules'
``counters`` and ``not_applicable`` are returned like the host modules' (``findings``,
``not_applicable``, ``counters``, ``data``, ``raw``, ``areas``).

An array that does not answer within its timeout is returned ``unreachable``; a refused login
(or an unknown or changed SSH host key) fails this array's task with a clear message. The
password is read from the host's ``weibao_array_password`` (never a task argument, so it is in
no event, log or archive) and appears in no result.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.action import ActionBase

DOCUMENTATION = r"""
---
action: weibao_inspect_array
short_description: Read an external disk array through its CLI over SSH and judge it
description:
  - Runs on the controller. Logs in to one array's management CLI over SSH (netmiko, in
    process), sends every command the source registry lists for the array's platform and
    area C(array), and judges the answers with weibao's array rules.
  - The password is read from the host variable C(weibao_array_password), never from the
    task's arguments, and appears in no result.
options:
  platform:
    description: The array's CLI (C(weibao_platform)).
    type: str
    choices: [ibm_storwize, huawei_oceanstor]
    required: true
  address:
    description: The array's management address (C(ansible_host)).
    type: str
    required: true
  port:
    description: The SSH port.
    type: int
    default: 22
  user:
    description: The CLI user (C(weibao_array_user)); a monitor / read-only role suffices.
    type: str
    required: true
  timeout:
    description: "Seconds each step (connection, login, prompt, one command) may take; an
      array silent that long is unreachable."
    type: int
    default: 30
  host_key_checking:
    description: Check the array's SSH host key against C(known_hosts).
    type: bool
    default: true
  known_hosts:
    description: The known hosts file ('' is the controller user's C(~/.ssh/known_hosts)).
    type: path
    default: ""
  thresholds:
    description: "Threshold overrides of the array checks, C({check: {level: value}})."
    type: dict
    default: {}
  previous:
    description: Counters of this array's previous inspection (C(weibao_previous_counters)).
    type: dict
    default: {}
  since:
    description: ISO-8601 UTC time of the previous inspection ('' = none).
    type: str
    default: ""
"""

RETURN = r"""
findings:
  description: The array findings (the findings schema).
  type: list
  returned: success
not_applicable:
  description: Checks that do not apply to this array (no drive, FC port, pool), with why.
  type: list
  returned: success
counters:
  description: Counters for the next inspection's deltas.
  type: list
  returned: success
data:
  description: What the parsers read.
  type: dict
  returned: success
raw:
  description: "The raw outputs by registry key (text or C({error, cause})), no secret in them."
  type: dict
  returned: success
areas:
  description: The areas this collector judged (C([array])).
  type: list
  returned: success
"""

AREA = "array"
PLATFORMS = ("ibm_storwize", "huawei_oceanstor")


def _msg(key, **params):
    return {"key": key, "params": params}


def _error(message, cause="source_unreadable"):
    return {"error": message, "cause": cause}


def commands(platform):
    """[(key, command)] of the registry's array sources of ``platform``, in registry order;
    a command with a placeholder (``{dev}``, ``{id}``) cannot be sent as it is: left out."""
    from ansible.module_utils.weibao_inspection import registry

    return [(s.key, s.name) for s in registry.sources(platform)
            if s.area == AREA and "{" not in s.name]


def collect(session, platform):
    """{key: text or failure} from an open session (``run(command)``, ``profile``)."""
    from ansible.module_utils.weibao_inspection import cli_session

    raw = {}
    hung = None
    for key, command in commands(platform):
        if key in raw and not _failed(raw[key]):
            continue  # an alternative of a source already read
        if hung:
            raw[key] = _error(_msg("reason.timed_out", command=hung, seconds=session.timeout))
            continue
        try:
            text = session.run(command)
        except cli_session.Hung:
            hung = command
            raw[key] = _error(_msg("reason.timed_out", command=command,
                                   seconds=session.timeout))
            continue
        refused = cli_session.device_error(session.profile, text)
        if refused:
            cause, line = refused
            raw[key] = _error(_msg("reason.text", text=f"{command}: {line}"), cause)
        else:
            raw[key] = text
    return raw


def _failed(value):
    return isinstance(value, dict) and "error" in value


def _rules(platform):
    import importlib

    from ansible.module_utils.weibao_inspection import registry

    _parsers, rules = registry.AREAS.get((platform, AREA)) or registry.AREAS[AREA]
    return importlib.import_module("ansible.module_utils.weibao_inspection." + rules)


def judge(platform, raw, thresholds, previous, since, now):
    """(findings, not_applicable, counters, data) through the area's parsers and rules."""
    import inspect as _inspect

    from ansible.module_utils.weibao_inspection import catalogue, registry

    parse, evaluate = registry.area_functions(AREA, platform)
    rules = _rules(platform)
    merged = catalogue.merge_thresholds(AREA, thresholds or {})
    context = {"now": now, "since": (since or "").strip() or None,
               "previous": previous or {}, "platform": platform}
    data = parse(raw, context)
    findings = evaluate(data, merged, context)
    read = []
    if hasattr(rules, "counters"):
        takes = len(_inspect.signature(rules.counters).parameters)
        read = rules.counters(data, context) if takes > 1 else rules.counters(data)
    na = rules.not_applicable(data) if hasattr(rules, "not_applicable") else []
    return findings, na, read, data


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
        value = task_vars.get("weibao_array_password")
        if value is None:
            return ""
        value = self._templar.template(value)
        return str(value) if value is not None else ""

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        result["changed"] = False
        spec = {
            "platform": {"type": "str", "required": True, "choices": list(PLATFORMS)},
            "address": {"type": "str", "required": True},
            "port": {"type": "int", "default": 22},
            "user": {"type": "str", "required": True},
            "timeout": {"type": "int", "default": 30},
            "host_key_checking": {"type": "bool", "default": True},
            "known_hosts": {"type": "path", "default": ""},
            "thresholds": {"type": "dict", "default": {}},
            "previous": {"type": "dict", "default": {}},
            "since": {"type": "str", "default": ""},
        }
        _validation, args = self.validate_argument_spec(argument_spec=spec)
        password = self._password(task_vars)
        if not password:
            result.update(failed=True, msg="weibao_array_password is not set for this array "
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
            with cli_session.Session(args["platform"], args["address"], args["port"],
                                     args["user"], password, args["timeout"],
                                     args["host_key_checking"], args["known_hosts"]) as session:
                raw = collect(session, args["platform"])
        except cli_session.Unreachable as exc:
            result.update(unreachable=True, msg=_scrub(str(exc), password))
            return result
        except cli_session.LoginRefused as exc:
            result.update(failed=True, msg=_scrub(str(exc), password))
            return result
        raw = _scrub_raw(raw, password)
        try:
            findings, na, read, data = judge(args["platform"], raw, args["thresholds"],
                                             args["previous"], args["since"], now)
        except Exception as exc:  # a bug in parsing must not lose the raw outputs
            result.update(failed=True, raw=raw,
                          msg=f"array parsers failed: {type(exc).__name__}: "
                              f"{_scrub(str(exc), password)}")
            return result
        result.update(findings=findings, not_applicable=na, counters=read, data=data, raw=raw,
                      areas=[AREA])
        return result


def _scrub(text, password):
    return text.replace(password, "********") if password else text


def _scrub_raw(raw, password):
    """An array that echoes the password back (it should not) does not put it in the
    archive."""
    if not password:
        return raw
    text = json.dumps(raw)
    if password not in text:
        return raw
    return json.loads(text.replace(json.dumps(password)[1:-1], "********"))
