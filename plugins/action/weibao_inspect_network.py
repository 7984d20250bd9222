# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Collector of the ``network`` area: a switch or router read through its CLI over SSH.

A network device runs no Python, so this collector is an action plugin: it runs on the
controller, once per device of the inventory (group ``weibao_network``; the forks run devices
in parallel), and logs in with netmiko, in process (module_utils ``cli_session``: netmiko's
own driver per platform, which finds the prompt and turns paging off; IOS privileged mode
with the enable secret when the user lands at ``>``; an optional jump host).

It is generic over the source registry, like ``weibao_inspect_array``: for the device's
platform it sends the plain command (``Source.name``) of every registry source of area
``network`` in ONE session and keeps the answer under the source's key; an answer the device
gives as an error (``% Invalid input detected``, ``Error: Unrecognized command``) is a failure
section ``{"error", "cause"}``, so its checks are ``unknown``, never ok. Two sources with the
same key are alternatives: the second is sent only when the first failed. Then
``registry.area_functions("network", platform)`` parses and judges.

It only reads. Every command passes a read-only guard before it is sent
(``cli_session.read_only_refusal``: ``show`` / ``display`` / ``dir`` only, one command, output
filters but no redirection, no write-like word); a command the guard refuses is never sent
and its section is a failure.

The running configuration leaves the action only cleaned (``config_clean.clean``: volatile
lines removed, every secret masked with the site's salt ``weibao_config_salt``), in
``config`` for the configuration archive, in ``raw`` and in ``data``; without a salt no
configuration text is returned at all (``config.why`` says so).

A device that does not answer within its timeout is returned ``unreachable``; a refused login
or enable, or an unknown or changed SSH host key, fails this device's task with a clear
message. The password (``weibao_network_password``) and the enable secret
(``weibao_network_enable_secret``) are read from the host's variables (never task arguments,
so they are in no event, log or archive) and appear in no result.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.action import ActionBase

DOCUMENTATION = r"""
---
action: weibao_inspect_network
short_description: Read a switch or router through its CLI over SSH and judge it
description:
  - Runs on the controller. Logs in to one network device over SSH (netmiko, in process),
    sends every command the source registry lists for the device's platform and area
    C(network) (read-only commands only), and judges the answers with weibao's network rules.
  - The password is read from the host variable C(weibao_network_password) and the enable
    secret from C(weibao_network_enable_secret), never from the task's arguments; neither
    appears in any result.
  - The running configuration is returned cleaned (volatile lines removed, secrets masked
    with C(weibao_config_salt)) for the configuration archive.
options:
  platform:
    description: "The device's platform (C(weibao_platform)); the C(ansible_network_os)
      names C(cisco.ios.ios), C(ios), C(cisco.nxos.nxos), C(nxos), C(huawei), C(comware) are
      accepted too."
    type: str
    required: true
  address:
    description: The device's management address (C(ansible_host)).
    type: str
    required: true
  port:
    description: The SSH port.
    type: int
    default: 22
  user:
    description: The SSH user (C(weibao_network_user)); a read-only role suffices.
    type: str
    required: true
  timeout:
    description: "Seconds each step (connection, login, prompt, one command) may take; a
      device silent that long is unreachable."
    type: int
    default: 30
  host_key_checking:
    description: Check the device's (and the jump host's) SSH host key against C(known_hosts).
    type: bool
    default: true
  known_hosts:
    description: The known hosts file ('' is the controller user's C(~/.ssh/known_hosts)).
    type: path
    default: ""
  jump_host:
    description: "A jump host C([user@]host[:port]) the device is reached through ('' =
      directly); the device's TCP connection is a C(direct-tcpip) channel of its SSH session."
    type: str
    default: ""
  jump_key:
    description: "Private key file for the jump host ('' = the device's user and password)."
    type: path
    default: ""
  thresholds:
    description: "Threshold overrides of the network checks, C({check: {level: value}})."
    type: dict
    default: {}
  previous:
    description: Counters of this device's previous inspection (C(weibao_previous_counters)).
    type: dict
    default: {}
  since:
    description: ISO-8601 UTC time of the previous inspection ('' = none).
    type: str
    default: ""
"""

RETURN = r"""
findings:
  description: The network findings (the findings schema).
  type: list
  returned: success
not_applicable:
  description: Checks that do not apply to this device, with why.
  type: list
  returned: success
counters:
  description: Counters for the next inspection's deltas (interface errors, uptime).
  type: list
  returned: success
data:
  description: What the parsers read (the running configuration in it cleaned).
  type: dict
  returned: success
raw:
  description: "The raw outputs by registry key (text or C({error, cause})); configuration
    outputs cleaned, no secret in them."
  type: dict
  returned: success
areas:
  description: The areas this collector judged (C([network])).
  type: list
  returned: success
config:
  description: "C({text, why, platform}): the cleaned running configuration for the
    configuration archive, or C(text: null) and why it could not be collected."
  type: dict
  returned: success
  sample: {"text": "hostname sw1\n", "why": null, "platform": "cisco_ios"}
"""

AREA = "network"
PLATFORMS = ("cisco_ios", "cisco_nxos", "huawei_vrp", "hp_comware")
CONFIG_KEYS = ("running_config",)
MASKED = "********"


def _msg(key, **params):
    return {"key": key, "params": params}


def _error(message, cause="source_unreadable"):
    return {"error": message, "cause": cause}


def _failed(value):
    return isinstance(value, dict) and "error" in value


def commands(platform):
    """[(key, command)] of the registry's network sources of ``platform``, in registry
    order; a command with a placeholder (``{id}``) cannot be sent as it is: left out."""
    from ansible.module_utils.weibao_inspection import registry

    return [(s.key, s.name) for s in registry.sources(platform)
            if s.area == AREA and "{" not in s.name]


def collect(session, platform):
    """{key: text or failure} from an open session (``run(command)``, ``profile``). Every
    command passes the read-only guard first; a refused one is never sent."""
    from ansible.module_utils.weibao_inspection import cli_session

    raw = {}
    hung = None
    for key, command in commands(platform):
        if key in raw and not _failed(raw[key]):
            continue  # an alternative of a source already read
        why = cli_session.read_only_refusal(command)
        if why:
            raw[key] = _error(_msg("reason.text", text=f"{command}: not sent: {why} "
                                                        "(weibao only reads)"))
            continue
        if hung:
            raw[key] = _error(_msg("reason.timed_out", command=hung, seconds=session.timeout))
            continue
        try:
            text = session.run(command)
        except cli_session.Refused as exc:
            raw[key] = _error(_msg("reason.text", text=str(exc)))
            continue
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


def config_keys(platform):
    """Raw keys whose output is configuration text (``running_config``, and a saved-state
    source that prints configuration: ``display saved-configuration``, ``show running-config
    diff``): cleaned before they leave the action."""
    keys = set(CONFIG_KEYS)
    for key, command in commands(platform):
        if "config" in command.lower():
            keys.add(key)
    return keys


def cleaned(platform, text, salt):
    """(cleaned text, None) or (None, why): ``config_clean.clean`` with the site's salt."""
    if not salt:
        return None, _msg("reason.text", text="no configuration salt (weibao_config_salt): "
                                              "the configuration is not kept unmasked")
    try:
        from ansible.module_utils.weibao_inspection import config_clean
    except ImportError as exc:
        return None, _msg("reason.text", text=f"config_clean unavailable: {exc}")
    try:
        return config_clean.clean(platform, text, salt), None
    except Exception as exc:  # never let an uncleaned configuration through
        return None, _msg("reason.text", text=f"configuration not cleaned: "
                                              f"{type(exc).__name__}: {exc}")


def config_result(platform, raw, salt):
    """The result's ``config``: {text, why, platform}."""
    value = raw.get("running_config")
    if value is None:
        why = _msg("reason.text", text=f"no running-configuration source for {platform}")
        return {"text": None, "why": why, "platform": platform}
    if _failed(value):
        return {"text": None, "why": value["error"], "platform": platform}
    text, why = cleaned(platform, value, salt)
    return {"text": text, "why": why, "platform": platform}


def clean_outputs(platform, raw, data, config, salt):
    """``raw`` and ``data`` with every configuration text replaced by its cleaned form (or a
    failure saying why it is not kept): no secret of the configuration leaves the action."""
    out = dict(raw)
    for key in config_keys(platform):
        value = out.get(key)
        if not isinstance(value, str):
            continue
        if key == "running_config" and config["text"] is not None:
            out[key] = config["text"]
            continue
        text, why = cleaned(platform, value, salt)
        out[key] = text if text is not None else _error(why)
    if isinstance(data, dict) and isinstance(data.get("config"), dict):
        section = dict(data["config"])
        for name, value in section.items():
            if isinstance(value, str) and "\n" in value.strip("\n"):
                section[name] = cleaned(platform, value, salt)[0]
        if "running" in section:
            section["running"] = config["text"]
        data = dict(data, config=section)
    return out, data


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

    def _secret_var(self, task_vars, name):
        value = task_vars.get(name)
        if value is None:
            return ""
        value = self._templar.template(value)
        return str(value) if value is not None else ""

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        result["changed"] = False
        spec = {
            "platform": {"type": "str", "required": True},
            "address": {"type": "str", "required": True},
            "port": {"type": "int", "default": 22},
            "user": {"type": "str", "required": True},
            "timeout": {"type": "int", "default": 30},
            "host_key_checking": {"type": "bool", "default": True},
            "known_hosts": {"type": "path", "default": ""},
            "jump_host": {"type": "str", "default": ""},
            "jump_key": {"type": "path", "default": ""},
            "thresholds": {"type": "dict", "default": {}},
            "previous": {"type": "dict", "default": {}},
            "since": {"type": "str", "default": ""},
        }
        _validation, args = self.validate_argument_spec(argument_spec=spec)
        _enable_module_utils()
        from ansible.module_utils.weibao_inspection import cli_session

        platform = cli_session.NETWORK_OS.get(str(args["platform"]).strip())
        if platform not in PLATFORMS:
            result.update(failed=True, msg=f"platform {args['platform']!r} is not a network "
                                           f"platform ({', '.join(PLATFORMS)})")
            return result
        password = self._secret_var(task_vars, "weibao_network_password")
        secret = self._secret_var(task_vars, "weibao_network_enable_secret")
        salt = self._secret_var(task_vars, "weibao_config_salt")
        secrets = [s for s in (password, secret) if s]
        if not password:
            result.update(failed=True, msg="weibao_network_password is not set for this "
                                           "device (give it from Ansible Vault)")
            return result
        jump = None
        if args["jump_host"]:
            try:
                jump = cli_session.Jump(args["jump_host"], args["jump_key"])
            except ValueError as exc:
                result.update(failed=True, msg=f"weibao_network_jump_host: {exc}")
                return result
        now = time.time()
        try:
            import netmiko  # noqa: F401
        except ImportError:
            result.update(failed=True, msg="netmiko is not installed on the controller "
                                           "(pip install netmiko; weibao depends on it)")
            return result
        try:
            with cli_session.Session(platform, args["address"], args["port"], args["user"],
                                     password, args["timeout"], args["host_key_checking"],
                                     args["known_hosts"], secret=secret,
                                     jump=jump) as session:
                raw = collect(session, platform)
        except cli_session.Unreachable as exc:
            result.update(unreachable=True, msg=_scrub(str(exc), secrets))
            return result
        except cli_session.LoginRefused as exc:
            result.update(failed=True, msg=_scrub(str(exc), secrets))
            return result
        raw = _scrub_raw(raw, secrets)
        config = _scrub_raw(config_result(platform, raw, salt), secrets)
        try:
            findings, na, read, data = judge(platform, raw, args["thresholds"],
                                             args["previous"], args["since"], now)
        except Exception as exc:  # a bug in parsing must not lose the raw outputs
            kept, _data = clean_outputs(platform, raw, None, config, salt)
            result.update(failed=True, raw=kept, config=config,
                          msg=f"network parsers failed: {type(exc).__name__}: "
                              f"{_scrub(str(exc), secrets)}")
            return result
        raw, data = clean_outputs(platform, raw, data, config, salt)
        result.update(findings=findings, not_applicable=na, counters=read,
                      data=_scrub_raw(data, secrets), raw=raw, areas=[AREA], config=config)
        return result


def _scrub(text, secrets):
    for value in secrets:
        text = text.replace(value, MASKED)
    return text


def _scrub_raw(raw, secrets):
    """A device that echoes the password or the enable secret back (fakenos does; a real
    one should not) does not put it in the archive."""
    text = json.dumps(raw)
    changed = False
    for value in secrets:
        if value and value in text:
            text = text.replace(json.dumps(value)[1:-1], MASKED)
            changed = True
    return json.loads(text) if changed else raw
