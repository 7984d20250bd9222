# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Collector of the ``environment`` area: a server's environment read from its BMC.

A BMC runs no Python, so this collector is an action plugin: it runs on the controller, once
per BMC host of the inventory (the forks run BMCs in parallel), and reaches the BMC itself

- over IPMI with ``ipmitool -I lanplus -C <suite> -E`` (the password in the ``IPMI_PASSWORD``
  environment variable, never on a command line) and freeipmi's ``ipmi-sensors``/``ipmi-sel``
  (the password in a private 0600 configuration file removed at once);
- over Redfish with ``requests`` (a session, or basic auth when the service gives no session
  token; TLS verified unless the inventory says otherwise; a CA bundle path; one retry).

It gathers the raw outputs under the keys of the registry (what ``weibao judge`` reads from a
saved output), then runs the area's ``parse_sources``, ``evaluate`` and ``counters`` from
module_utils, and returns ``findings``, ``not_applicable``, ``counters``, ``data`` and
``raw`` as the host modules do. A BMC that does not answer within its timeout is returned
``unreachable``; a refused login fails this BMC's task with a clear message. The password is
read from the host's ``weibao_bmc_password`` variable (never a task argument, so it is in no
event, log or archive) and appears in no result.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time

from ansible.plugins.action import ActionBase

DOCUMENTATION = r"""
---
action: weibao_inspect_environment
short_description: Read a server's environment from its BMC (IPMI or Redfish) and judge it
description:
  - Runs on the controller. Gathers sensors, the hardware event log, chassis status and the
    firmware inventory from one BMC and judges them with weibao's environment rules.
  - The password is read from the host variable C(weibao_bmc_password), never from the task's
    arguments, and appears in no result.
options:
  platform:
    description: The BMC's protocol (C(weibao_platform)).
    type: str
    choices: [ipmi, redfish]
    required: true
  address:
    description: The BMC's address (C(ansible_host)).
    type: str
    required: true
  port:
    description: The BMC's port; 0 is the protocol's (623 for IPMI, 443 for Redfish).
    type: int
    default: 0
  user:
    description: The BMC user (C(weibao_bmc_user)).
    type: str
    required: true
  tls_verify:
    description: Verify the Redfish service's TLS certificate.
    type: bool
    default: true
  ca_path:
    description: CA bundle (file or folder) to verify the Redfish certificate with.
    type: path
    default: ""
  scheme:
    description: C(https) (always in production); C(http) for a local emulator only.
    type: str
    choices: [https, http]
    default: https
  cipher_suite:
    description: IPMI RMCP+ cipher suite (C(ipmitool -C)).
    type: int
    default: 3
  timeout:
    description: "Seconds one request may take; a BMC silent that long is unreachable."
    type: int
    default: 20
  thresholds:
    description: "Threshold overrides of the environment checks, C({check: {level: value}})."
    type: dict
    default: {}
  previous:
    description: Counters of this BMC's previous inspection (C(weibao_previous_counters)).
    type: dict
    default: {}
  since:
    description: ISO-8601 UTC time of the previous inspection ('' = none).
    type: str
    default: ""
"""

RETURN = r"""
findings:
  description: The environment findings (the findings schema).
  type: list
  returned: success
not_applicable:
  description: Checks that do not apply to this BMC, with why.
  type: list
  returned: success
counters:
  description: Counters for the next inspection's deltas (SEL entries, last record id).
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
"""

IPMITOOL_SOURCES = (
    ("mc_info", ("mc", "info")),
    ("sdr_elist", ("sdr", "elist")),
    ("sensor", ("sensor",)),
    ("sel_info", ("sel", "info")),
    ("sel_elist", ("sel", "elist")),
    ("chassis_status", ("chassis", "status")),
    ("fru", ("fru", "print")),
)
FREEIPMI_SOURCES = (("ipmi_sensors", "ipmi-sensors"), ("ipmi_sel", "ipmi-sel"))
REDFISH_KEYS = ("system", "chassis", "thermal", "power", "manager", "log_entries",
                "firmware_inventory")
MAX_MEMBERS = 500
C_LOCALE = {"LC_ALL": "C", "LANG": "C"}
# ipmitool's words when the BMC answered but refused the login (RAKP: the password check)
# (printed with -v: "RAKP 2 HMAC is invalid", "RAKP 2 message indicates an error :
# unauthorized name"); without it a refused login and a silent BMC print the same line
AUTH_WORDS = ("rakp", "unauthorized")


def _msg(key, **params):
    return {"key": key, "params": params}


def _error(message, cause="source_unreadable"):
    return {"error": message, "cause": cause}


def _first_line(text, limit=300):
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return (lines[-1] if lines else "")[:limit]


class Unreachable(Exception):
    """The BMC did not answer."""


class LoginRefused(Exception):
    """The BMC answered and refused the credentials."""


class Hung(Exception):
    """A request timed out after the BMC had answered: the rest is not tried."""


# --- IPMI --------------------------------------------------------------------------------


class IpmiCollector:
    def __init__(self, address, port, user, password, cipher_suite, timeout):
        self.address, self.port = address, port or 623
        self.user, self.password = user, password
        self.cipher_suite, self.timeout = cipher_suite, timeout

    def _run(self, argv, env=None, timeout=None):
        return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout or self.timeout,
                              env=dict(os.environ, **C_LOCALE, **(env or {})), check=False)

    def ipmitool(self, *args):
        # -N/-R: per-packet timeout and retries, so a silent BMC gives up within the timeout
        per_try = max(1, min(5, self.timeout // 4))
        argv = ["ipmitool", "-I", "lanplus", "-H", self.address, "-p", str(self.port),
                "-U", self.user, "-E", "-C", str(self.cipher_suite), "-N", str(per_try),
                "-R", "1"] + list(args)
        return self._run(argv, env={"IPMI_PASSWORD": self.password})

    def collect(self):
        if shutil.which("ipmitool") is None:
            raise LoginRefused("ipmitool is not installed on the controller "
                               "(Debian: apt-get install ipmitool)")
        raw = {}
        try:
            first = self.ipmitool("-v", "mc", "info")  # -v: why a session failed
        except subprocess.TimeoutExpired:
            raise Unreachable(f"the BMC at {self.address}:{self.port} did not answer IPMI "
                              f"within {self.timeout} s") from None
        if first.returncode != 0:
            text = (first.stderr + first.stdout).decode("utf-8", "replace")
            lowered = text.lower()
            if any(word in lowered for word in AUTH_WORDS):
                why = next(line.strip(" >") for line in text.splitlines()
                           if any(word in line.lower() for word in AUTH_WORDS))
                raise LoginRefused(f"IPMI login refused for user {self.user!r} (wrong user or "
                                   f"password?): {why}")
            raise Unreachable(f"no IPMI session with the BMC at {self.address}:{self.port} "
                              f"within {self.timeout} s: {_first_line(text) or 'no answer'}")
        hung = None
        for key, args in IPMITOOL_SOURCES:
            command = "ipmitool " + " ".join(args)
            if hung:
                raw[key] = _error(_msg("reason.timed_out", command=hung, seconds=self.timeout))
                continue
            try:
                proc = self.ipmitool(*args)
            except subprocess.TimeoutExpired:
                hung = command
                raw[key] = _error(_msg("reason.timed_out", command=command,
                                       seconds=self.timeout))
                continue
            raw[key] = self._output(command, proc)
        for key, tool in FREEIPMI_SOURCES:
            if hung:
                raw[key] = _error(_msg("reason.timed_out", command=hung, seconds=self.timeout))
                continue
            try:
                raw[key] = self.freeipmi(tool)
            except subprocess.TimeoutExpired:
                hung = tool
                raw[key] = _error(_msg("reason.timed_out", command=tool, seconds=self.timeout))
        return raw

    @staticmethod
    def _output(command, proc):
        out = proc.stdout.decode("utf-8", "replace")
        if proc.returncode != 0:
            text = _first_line(proc.stderr.decode("utf-8", "replace") or out)
            if text:
                return _error(_msg("reason.exited", command=command, rc=proc.returncode,
                                   output=text))
            return _error(_msg("reason.exited_silent", command=command, rc=proc.returncode))
        if not out.strip():
            # ipmitool says some answers on stderr only ("SEL has no entries"): what a person
            # capturing the console would have seen
            return proc.stderr.decode("utf-8", "replace")
        return out

    def freeipmi(self, tool):
        """freeipmi reads the password from a private configuration file (0600, removed at
        once), never from its command line."""
        if shutil.which(tool) is None:
            return _error(_msg("reason.not_installed", command=tool), "tool_missing")
        folder = tempfile.mkdtemp(prefix="weibao-freeipmi-")
        try:
            conf = os.path.join(folder, "freeipmi.conf")
            fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(f"username {self.user}\npassword {self.password}\n")
            cache = os.path.join(folder, "cache")
            os.mkdir(cache, 0o700)
            argv = [tool, "--config-file", conf, "-D", "LAN_2_0",
                    "-h", f"{self.address}:{self.port}", "-l", "ADMIN",
                    "-I", str(self.cipher_suite), "-W", "opensesspriv",
                    "--session-timeout", str(max(1000, self.timeout * 500)),
                    "--sdr-cache-directory", cache, "--quiet-cache"]
            if tool == "ipmi-sensors":
                argv += ["--output-sensor-state", "--output-sensor-thresholds"]
            return self._output(tool, self._run(argv))
        finally:
            shutil.rmtree(folder, ignore_errors=True)


# --- Redfish -------------------------------------------------------------------------------


class RedfishCollector:
    def __init__(self, address, port, user, password, tls_verify, ca_path, timeout,
                 scheme="https"):
        import requests

        self.requests = requests
        default = 443 if scheme == "https" else 80
        host = f"[{address}]" if ":" in address else address
        self.base = f"{scheme}://{host}:{port or default}"
        self.user, self.password, self.timeout = user, password, timeout
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json", "OData-Version": "4.0"})
        # given with every request: a session's own setting loses to REQUESTS_CA_BUNDLE
        self.verify = (ca_path or True) if tls_verify else False
        self.session.verify = self.verify
        self.session_uri = None
        self.hung = None

    def _request(self, method, path, **kwargs):
        """One request, retried once on a connection error or timeout; the two tries fit in
        the timeout, so a silent or hung BMC is given up within it."""
        url = path if path.startswith("http") else self.base + path
        last = None
        per_try = max(1.0, self.timeout / 2.0)
        for _attempt in range(2):
            try:
                return self.session.request(method, url, timeout=(per_try, per_try),
                                            verify=self.verify, allow_redirects=True, **kwargs)
            except self.requests.exceptions.SSLError as exc:
                raise LoginRefused(f"TLS verification of {self.base} failed (give the BMC's CA "
                                   f"with weibao_bmc_ca_path): {_short(exc)}") from None
            except (self.requests.exceptions.ConnectionError,
                    self.requests.exceptions.Timeout) as exc:
                last = exc
        raise Unreachable(f"no answer from {self.base} within {self.timeout} s: "
                          f"{_short(last)}")

    def login(self):
        root = self._request("GET", "/redfish/v1/")
        if root.status_code >= 400:
            raise Unreachable(f"{self.base}/redfish/v1/ answered HTTP {root.status_code}: "
                              "not a Redfish service")
        sessions = "/redfish/v1/SessionService/Sessions"
        with contextlib.suppress(ValueError, KeyError, TypeError):
            sessions = root.json()["Links"]["Sessions"]["@odata.id"]
        answer = self._request("POST", sessions, json={"UserName": self.user,
                                                       "Password": self.password})
        token = answer.headers.get("X-Auth-Token")
        if answer.status_code in (401, 403):
            raise LoginRefused(f"Redfish login refused for user {self.user!r} "
                               f"(HTTP {answer.status_code})")
        if token:
            self.session.headers["X-Auth-Token"] = token
            self.session_uri = answer.headers.get("Location")
        else:  # no session service: basic auth on every request
            self.session.auth = (self.user, self.password)
        return root

    def logout(self):
        if self.session_uri:
            with contextlib.suppress(self.requests.exceptions.RequestException):
                self.session.delete(self.session_uri if self.session_uri.startswith("http")
                                    else self.base + self.session_uri, timeout=self.timeout,
                                    verify=self.verify)
        self.session.close()

    def get(self, path):
        """(parsed JSON or None, raw value): the raw value is the text or an error."""
        if self.hung:
            return None, _error(_msg("reason.timed_out", command="GET " + self.hung,
                                     seconds=self.timeout))
        try:
            answer = self._request("GET", path)
        except Unreachable:
            self.hung = path
            return None, _error(_msg("reason.timed_out", command="GET " + path,
                                     seconds=self.timeout))
        if answer.status_code in (401, 403):
            raise LoginRefused(f"Redfish refused user {self.user!r} on {path} "
                               f"(HTTP {answer.status_code})")
        if answer.status_code >= 400:
            return None, _error(_msg("reason.text", text=f"GET {path}: HTTP {answer.status_code}"))
        text = answer.text
        try:
            return json.loads(text), text
        except ValueError:
            return None, text  # the parser says it is not JSON

    def collection(self, path):
        """A collection with its Members expanded inline, as JSON text."""
        body, raw = self.get(path)
        if not isinstance(body, dict):
            return raw
        members = []
        for member in (body.get("Members") or [])[-MAX_MEMBERS:]:
            if isinstance(member, dict) and set(member) <= {"@odata.id"} and \
                    member.get("@odata.id"):
                full, text = self.get(member["@odata.id"])
                members.append(full if isinstance(full, dict) else
                               {"@odata.id": member["@odata.id"], "error": text})
            else:
                members.append(member)
        body["Members"] = members
        return json.dumps(body)

    def first_member(self, root, name):
        body, raw = self.get(_link(root, name) or "/redfish/v1/" + name)
        if not isinstance(body, dict):
            return [], raw
        return [m.get("@odata.id") for m in body.get("Members") or []
                if isinstance(m, dict) and m.get("@odata.id")], None

    def collect(self):
        root_answer = self.login()
        try:
            root = root_answer.json()
        except ValueError:
            root = {}
        raw = {}
        try:
            self._collect(root, raw)
        finally:
            self.logout()
        return raw

    def _collect(self, root, raw):
        systems, error = self.first_member(root, "Systems")
        system = None
        if systems:
            system, raw["system"] = self.get(systems[0])
        else:
            raw["system"] = error or _error(_msg("reason.missing_field", field="Members",
                                                 source="Systems"))
        chassis_ids, error = self.first_member(root, "Chassis")
        chassis = None
        for uri in chassis_ids:
            body, text = self.get(uri)
            if chassis is None or (isinstance(body, dict) and "Thermal" in body
                                   and "Thermal" not in chassis[0]):
                chassis = (body if isinstance(body, dict) else {}, text)
            if isinstance(body, dict) and "Thermal" in body:
                break
        raw["chassis"] = chassis[1] if chassis else (error or _error(
            _msg("reason.missing_field", field="Members", source="Chassis")))
        for key, link in (("thermal", "Thermal"), ("power", "Power")):
            uri = _link(chassis[0], link) if chassis else None
            raw[key] = self.get(uri)[1] if uri else _error(
                _msg("reason.missing_field", field=link, source="Chassis"))
        managers, error = self.first_member(root, "Managers")
        manager = None
        if managers:
            manager, raw["manager"] = self.get(managers[0])
        else:
            raw["manager"] = error or _error(_msg("reason.missing_field", field="Members",
                                                  source="Managers"))
        raw["log_entries"] = self.log_entries(system, manager)
        update, text = self.get(_link(root, "UpdateService") or "/redfish/v1/UpdateService")
        inventory = _link(update, "FirmwareInventory") if isinstance(update, dict) else None
        raw["firmware_inventory"] = self.collection(inventory) if inventory else (
            text if not isinstance(update, dict) else _error(
                _msg("reason.missing_field", field="FirmwareInventory", source="UpdateService")))

    def log_entries(self, system, manager):
        """The SEL (or the first log service) of the system, else of the manager."""
        for owner in (system, manager):
            services_uri = _link(owner, "LogServices") if isinstance(owner, dict) else None
            if not services_uri:
                continue
            services, _ = self.get(services_uri)
            uris = [m.get("@odata.id") for m in (services or {}).get("Members") or []
                    if isinstance(m, dict) and m.get("@odata.id")]
            uris.sort(key=lambda u: 0 if u.rstrip("/").rsplit("/", 1)[-1].upper() in
                      ("SEL", "IPMISEL", "EVENTLOG", "IML") else 1)
            for uri in uris:
                service, _ = self.get(uri)
                entries = _link(service, "Entries") if isinstance(service, dict) else None
                if entries:
                    return self.collection(entries)
        return _error(_msg("reason.missing_field", field="LogServices", source="Systems"))


def _link(body, name):
    value = body.get(name) if isinstance(body, dict) else None
    return value.get("@odata.id") if isinstance(value, dict) else None


def _short(exc):
    text = str(exc)
    return text if len(text) < 300 else text[:300] + "..."


# --- the action ----------------------------------------------------------------------------


def _area():
    """parse_sources/evaluate/counters/not_applicable of the environment area, or None."""
    import importlib

    try:
        rules = importlib.import_module("ansible.module_utils.weibao_inspection.rules."
                                        "environment")
    except ImportError:
        return None
    return rules


def judge(platform, raw, thresholds, previous, since, now):
    """(findings, not_applicable, counters, data) through the area's parsers and rules."""
    import inspect as _inspect

    from ansible.module_utils.weibao_inspection import catalogue, registry

    rules = _area()
    if rules is None:
        return [], [], [], {}
    parse, evaluate = registry.area_functions("environment", platform)
    merged = catalogue.merge_thresholds("environment", thresholds or {})
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
        value = task_vars.get("weibao_bmc_password")
        if value is None:
            return ""
        value = self._templar.template(value)
        return str(value) if value is not None else ""

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        result["changed"] = False
        spec = {
            "platform": {"type": "str", "required": True, "choices": ["ipmi", "redfish"]},
            "address": {"type": "str", "required": True},
            "port": {"type": "int", "default": 0},
            "user": {"type": "str", "required": True},
            "tls_verify": {"type": "bool", "default": True},
            "ca_path": {"type": "path", "default": ""},
            "scheme": {"type": "str", "default": "https", "choices": ["https", "http"]},
            "cipher_suite": {"type": "int", "default": 3},
            "timeout": {"type": "int", "default": 20},
            "thresholds": {"type": "dict", "default": {}},
            "previous": {"type": "dict", "default": {}},
            "since": {"type": "str", "default": ""},
        }
        validation, args = self.validate_argument_spec(argument_spec=spec)
        password = self._password(task_vars)
        if not password:
            result.update(failed=True, msg="weibao_bmc_password is not set for this BMC "
                                           "(give it from Ansible Vault)")
            return result
        now = time.time()
        try:
            if args["platform"] == "ipmi":
                collector = IpmiCollector(args["address"], args["port"], args["user"],
                                          password, args["cipher_suite"], args["timeout"])
            else:
                collector = RedfishCollector(args["address"], args["port"], args["user"],
                                             password, args["tls_verify"], args["ca_path"],
                                             args["timeout"], args["scheme"])
            raw = collector.collect()
        except Unreachable as exc:
            result.update(unreachable=True, msg=_scrub(str(exc), password))
            return result
        except LoginRefused as exc:
            result.update(failed=True, msg=_scrub(str(exc), password))
            return result
        raw = _scrub_raw(raw, password)
        _enable_module_utils()
        try:
            findings, na, read, data = judge(args["platform"], raw, args["thresholds"],
                                             args["previous"], args["since"], now)
        except Exception as exc:  # a bug in parsing must not lose the raw outputs
            result.update(failed=True, raw=raw,
                          msg="environment parsers failed: "
                              f"{type(exc).__name__}: {_scrub(str(exc), password)}")
            return result
        result.update(findings=findings, not_applicable=na, counters=read, data=data, raw=raw)
        return result


def _scrub(text, password):
    return text.replace(password, "********") if password else text


def _scrub_raw(raw, password):
    """A BMC that echoes the password back (it should not) does not put it in the archive."""
    if not password:
        return raw
    text = json.dumps(raw)
    if password not in text:
        return raw
    return json.loads(text.replace(json.dumps(password)[1:-1], "********"))
