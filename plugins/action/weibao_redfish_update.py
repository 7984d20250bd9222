# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Guarded firmware upgrade of one BMC's server through Redfish (change kind firmware_upgrade).

Runs on the controller, once per BMC host of group ``weibao_bmcs``, and reaches the BMC with
the Redfish client of ``weibao_inspect_environment`` (a session or basic auth, TLS verified
unless the inventory says otherwise, the password read from ``weibao_bmc_password`` through
the task's variables, never an argument, never in a result). The flow:

1. the image is one of the change's media (``weibao_change_media``: name, controller path,
   sha256 as the media gate verified it); the file is hashed again and refused on mismatch
   (the rollback image too);
2. the running versions are read (``UpdateService/FirmwareInventory``; a service without one:
   ``Systems/X`` BiosVersion and ``Managers/X`` FirmwareVersion, said in ``version_source``);
   a running version other than ``from_version`` stops here, nothing touched;
3. ``UpdateService.SimpleUpdate`` (ImageURI, Targets, TransferProtocol): the ImageURI given,
   else a multipart push to ``MultipartHttpPushUri`` when the service advertises one, else the
   verified file served by a temporary HTTP server of this action on ``serve_address`` for the
   update's duration;
4. the task monitor (``Location``, or the Task in the answer) is followed until Completed,
   Exception or Killed, or the timeout;
5. a system reset when the component needs one, waiting for PowerState On;
6. the versions are read again: ``to_version`` must be running.

On failure the ``rollback_image`` (when given) is applied the same way and ``from_version``
verified. The result always says the host's ``state`` ("not touched", "image staged, not
applied", "applied, version not verified", "rolled back to X", "upgraded to X") with
``versions_before`` and ``versions_after``. Check mode reads and checks only.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import importlib.util
import os
import secrets
import sys
import threading
import time

from ansible.plugins.action import ActionBase

DOCUMENTATION = r"""
---
action: weibao_redfish_update
short_description: Apply a firmware image through Redfish SimpleUpdate, verified, with rollback
description:
  - Runs on the controller for one BMC. Checks the image against the change's media, the
    running version against I(from_version), applies the image with
    C(UpdateService.SimpleUpdate), follows the task, resets the system when asked and
    verifies I(to_version); on failure re-applies I(rollback_image) when given.
  - The password is read from the host variable C(weibao_bmc_password), never from the task's
    arguments, and appears in no result.
options:
  address: {description: The BMC's address., type: str, required: true}
  port: {description: "The BMC's port (0: 443 for https, 80 for http).", type: int, default: 0}
  user: {description: The BMC user., type: str, required: true}
  tls_verify: {description: Verify the BMC's TLS certificate., type: bool, default: true}
  ca_path: {description: CA bundle to verify the certificate with., type: path, default: ""}
  scheme: {description: https; http for a local emulator only., type: str, default: https}
  request_timeout: {description: Seconds one request may take., type: int, default: 20}
  image: {description: "The image's media file name (in C(weibao_change_media)).", type: str,
          required: true}
  targets: {description: Redfish URIs or FirmwareInventory ids (e.g. BIOS)., type: list,
            elements: str, required: true}
  from_version: {description: The version the request says is running., type: str,
                 required: true}
  to_version: {description: The version that must run after the update., type: str,
               required: true}
  image_uri: {description: Where the BMC fetches the image ('' = push or serve it)., type: str,
              default: ""}
  transfer_protocol: {description: "SimpleUpdate TransferProtocol ('' = from the URI).",
                      type: str, default: ""}
  serve_address: {description: "host[:port] of this controller the BMC reaches, to serve the
                  image when neither image_uri nor a multipart push is available.", type: str,
                  default: ""}
  timeout: {description: Seconds the update (task and reset) may take., type: int,
            default: 1800}
  poll_interval: {description: Seconds between task polls., type: float, default: 10}
  reset: {description: System reset to activate the image., type: str,
          choices: [none, graceful, force], default: none}
  rollback_image: {description: Media name of the previous image ('' = none)., type: str,
                   default: ""}
"""

NOT_TOUCHED = "not touched"
STAGED = "image staged, not applied"
NOT_VERIFIED = "applied, version not verified"
STATE_ZH = {NOT_TOUCHED: "未改动", STAGED: "映像已暂存，未应用",
            NOT_VERIFIED: "已应用，版本未验证"}
RUNNING_STATES = {"New", "Starting", "Running", "Pending", "Stopping", "Suspended",
                  "Interrupted", "Cancelling", "Service"}
FAILED_STATES = {"Exception", "Killed", "Cancelled"}
RESET_TYPES = {"graceful": "GracefulRestart", "force": "ForceRestart"}
CHUNK = 1 << 20


def state_zh(state):
    if state.startswith("rolled back to "):
        return "已回退到 " + state[len("rolled back to "):]
    if state.startswith("upgraded to "):
        return "已升级到 " + state[len("upgraded to "):]
    return STATE_ZH.get(state, state)


class UpdateError(Exception):
    """A step failed; ``zh`` is the Chinese half of the message."""

    def __init__(self, en, zh):
        super().__init__(en)
        self.zh = zh


# --- pure parts (unit tested) --------------------------------------------------------------


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def find_media(media, name):
    """The entry of ``weibao_change_media`` named ``name`` (basename), or None."""
    for item in media or []:
        if isinstance(item, dict) and item.get("name") == name:
            return item
    return None


def check_media(media, name):
    """(path, sha256) of a media file whose content still has the gate's sha256."""
    item = find_media(media, name)
    if item is None:
        raise UpdateError(f"image {name!r} is not one of the change's media "
                          "(weibao_change_media)",
                          f"映像 {name!r} 不在本变更的介质中（weibao_change_media）")
    path, expected = str(item.get("path") or ""), str(item.get("sha256") or "").lower()
    if not os.path.isfile(path):
        raise UpdateError(f"image {name!r} is missing on the controller: {path}",
                          f"控制节点上缺少映像 {name!r}：{path}")
    actual = sha256_file(path)
    if not expected or actual != expected:
        raise UpdateError(f"image {name!r} sha256 {actual} differs from the media record "
                          f"{expected or '(none)'}: refused",
                          f"映像 {name!r} 的 sha256 与介质记录不符，拒绝使用")
    return path, actual


def inventory_versions(members):
    """{id: {"version", "uri", "name", "related": [uris]}} of FirmwareInventory members."""
    found = {}
    for member in members:
        if not isinstance(member, dict) or not member.get("@odata.id"):
            continue
        uri = member["@odata.id"]
        ident = str(member.get("Id") or uri.rstrip("/").rsplit("/", 1)[-1])
        related = [r.get("@odata.id") for r in member.get("RelatedItem") or []
                   if isinstance(r, dict) and r.get("@odata.id")]
        found[ident] = {"version": str(member.get("Version") or ""), "uri": uri,
                        "name": str(member.get("Name") or ident), "related": related}
    return found


def fallback_versions(system, system_uri, manager, manager_uri):
    """Versions from Systems/X BiosVersion and Managers/X FirmwareVersion."""
    found = {}
    if isinstance(system, dict) and system.get("BiosVersion") is not None:
        found["BIOS"] = {"version": str(system["BiosVersion"]), "uri": system_uri,
                         "name": "BiosVersion of " + system_uri, "related": [system_uri]}
    if isinstance(manager, dict) and manager.get("FirmwareVersion") is not None:
        found["BMC"] = {"version": str(manager["FirmwareVersion"]), "uri": manager_uri,
                        "name": "FirmwareVersion of " + manager_uri, "related": [manager_uri]}
    return found


def resolve_targets(targets, versions):
    """[(key in versions, SimpleUpdate target URI)] for the targets asked (ids or URIs)."""
    resolved = []
    for target in targets:
        key = None
        if target in versions:
            key = target
        else:
            for ident, item in versions.items():
                if target.rstrip("/") in [item["uri"].rstrip("/")] + \
                        [r.rstrip("/") for r in item["related"]]:
                    key = ident
                    break
        if key is None:
            raise UpdateError(f"target {target!r} is not in the firmware inventory "
                              f"({', '.join(sorted(versions)) or 'empty'})",
                              f"目标 {target!r} 不在固件清单中")
        resolved.append((key, target if target.startswith("/") else versions[key]["uri"]))
    return resolved


def running_of(versions, keys):
    """{key: running version} of the targets (None when a target is no longer listed)."""
    return {key: (versions.get(key) or {}).get("version") for key in keys}


def flat(versions):
    return {key: item["version"] for key, item in sorted(versions.items())}


def task_progress(status, body):
    """(phase, detail) of one task monitor / Task answer: phase is running, completed or
    failed."""
    body = body if isinstance(body, dict) else {}
    task_state = body.get("TaskState")
    messages = "; ".join(str(m.get("Message")) for m in body.get("Messages") or []
                         if isinstance(m, dict) and m.get("Message"))
    detail = ", ".join(x for x in (f"TaskState {task_state}" if task_state else "",
                                   f"TaskStatus {body['TaskStatus']}"
                                   if body.get("TaskStatus") else "", messages) if x)
    if status >= 400:
        return "failed", f"HTTP {status}" + (f": {detail}" if detail else "")
    if status == 202:
        return "running", detail or "HTTP 202"
    if task_state in RUNNING_STATES:
        return "running", detail
    if task_state in FAILED_STATES:
        return "failed", detail
    if task_state == "Completed":
        if body.get("TaskStatus") == "Critical":
            return "failed", detail
        return "completed", detail
    if task_state:
        return "failed", detail + " (unknown TaskState)"
    # a task monitor answers the operation's own result once the task is done
    return "completed", detail or f"HTTP {status}"


def monitor_uri(headers, body):
    """Where to follow the update: the Location header, else the Task in the answer."""
    location = (headers or {}).get("Location") or (headers or {}).get("location")
    if location:
        return location
    if isinstance(body, dict):
        if body.get("TaskMonitor"):
            return body["TaskMonitor"]
        if body.get("TaskState") and body.get("@odata.id"):
            return body["@odata.id"]
    return None


def failure_state(running, from_version, to_version, staged):
    """The honest state after a failed update, from the versions read again."""
    values = set(running.values())
    if values == {from_version}:
        return STAGED if staged else NOT_TOUCHED
    return NOT_VERIFIED


# --- serving the image -----------------------------------------------------------------------


class ImageServer:
    """A temporary HTTP server that serves one verified file at a random path."""

    def __init__(self, address, path):
        host, _, port = address.rpartition(":") if address.count(":") == 1 else (address, "", "0")
        host = host or address
        self.path, self.token = path, secrets.token_hex(16)
        self.fetched = self.started = 0
        self._served = threading.Condition()
        self.url_path = f"/weibao-{self.token}/{os.path.basename(path)}"
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                if self.path != server.url_path:
                    self.send_error(404)
                    return
                size = os.path.getsize(server.path)
                with server._served:
                    server.started += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(size))
                self.end_headers()
                with open(server.path, "rb") as handle:
                    for block in iter(lambda: handle.read(CHUNK), b""):
                        self.wfile.write(block)
                with server._served:
                    server.fetched += 1
                    server._served.notify_all()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer((host, int(port or 0)), Handler)
        self.httpd.daemon_threads = True
        bound_port = self.httpd.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{bound_port}{self.url_path}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def wait_fetched(self, count, timeout):
        """True once ``count`` whole copies were sent. The client has the last byte before
        this thread counts it, so whoever fetched must wait here, not read ``fetched``."""
        with self._served:
            return self._served.wait_for(lambda: self.fetched >= count, timeout)

    def sent_whole(self, timeout=2.0):
        """True when a whole copy was sent, waiting for one that was already on its way."""
        return self.fetched > 0 or (self.started > 0 and self.wait_fetched(1, timeout))

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# --- talking to the BMC ----------------------------------------------------------------------


def _environment_module():
    here = os.path.dirname(os.path.abspath(__file__))
    name = "weibao_action_inspect_environment"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, os.path.join(here, "weibao_inspect_environment.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name]


class Updater:
    def __init__(self, client, args, sleep=time.sleep, clock=time.monotonic):
        self.client, self.args = client, args
        self.sleep, self.clock = sleep, clock
        self.root = {}
        self.update_service = {}
        self.system_uri = self.manager_uri = None
        self.source = ""

    def get(self, path):
        self.client.hung = None  # every read is tried again (a reset may have hung one)
        body, _raw = self.client.get(path)
        return body if isinstance(body, dict) else None

    def first(self, name):
        uri = (self.root.get(name) or {}).get("@odata.id") or f"/redfish/v1/{name}"
        body = self.get(uri) or {}
        members = [m.get("@odata.id") for m in body.get("Members") or []
                   if isinstance(m, dict) and m.get("@odata.id")]
        return members[0] if members else None

    def start(self, root):
        self.root = root if isinstance(root, dict) else {}
        uri = (self.root.get("UpdateService") or {}).get("@odata.id") or \
            "/redfish/v1/UpdateService"
        self.update_service = self.get(uri) or {}
        self.system_uri = self.first("Systems")
        self.manager_uri = self.first("Managers")

    def versions(self):
        inventory = (self.update_service.get("FirmwareInventory") or {}).get("@odata.id")
        body = self.get(inventory) if inventory else None
        if body is not None:
            members = []
            for member in body.get("Members") or []:
                if isinstance(member, dict) and member.get("@odata.id") and "Version" not in member:
                    member = self.get(member["@odata.id"]) or member
                members.append(member)
            self.source = "UpdateService/FirmwareInventory"
            return inventory_versions(members)
        self.source = ("Systems BiosVersion and Managers FirmwareVersion (the service has no "
                       "FirmwareInventory)")
        system = self.get(self.system_uri) if self.system_uri else None
        manager = self.get(self.manager_uri) if self.manager_uri else None
        return fallback_versions(system, self.system_uri, manager, self.manager_uri)

    def request(self, method, path, **kwargs):
        answer = self.client._request(method, path, **kwargs)
        try:
            body = answer.json()
        except ValueError:
            body = None
        return answer, body

    def apply(self, path, uris, deadline, log):
        """SimpleUpdate (or multipart push) of a verified file, then the task monitor.
        Returns (staged, phase, detail)."""
        args = self.args
        staged = False
        server = None
        try:
            push = self.update_service.get("MultipartHttpPushUri")
            if args["image_uri"]:
                answer, body = self.simple_update(args["image_uri"], uris)
                log.append(f"SimpleUpdate with ImageURI {args['image_uri']}")
            elif push:
                with open(path, "rb") as handle:
                    answer, body = self.request(
                        "POST", push, files={
                            "UpdateParameters": (None, _json({"Targets": uris}),
                                                 "application/json"),
                            "UpdateFile": (os.path.basename(path), handle,
                                           "application/octet-stream")})
                log.append(f"multipart push to {push}")
                staged = answer.status_code < 400
            else:
                if not args["serve_address"]:
                    raise UpdateError(
                        "the BMC advertises no MultipartHttpPushUri and neither image_uri nor "
                        "serve_address is given: nowhere to get the image from",
                        "BMC 不支持 multipart 推送，且未给出 image_uri 或 serve_address")
                try:
                    server = ImageServer(args["serve_address"], path)
                except (OSError, ValueError) as exc:
                    raise UpdateError(f"cannot serve the image on {args['serve_address']}: "
                                      f"{exc}", f"无法在 {args['serve_address']} 上提供映像"
                                      ) from None
                answer, body = self.simple_update(server.url, uris)
                log.append(f"SimpleUpdate, image served from {server.url}")
            if answer.status_code >= 400:
                phase, detail = task_progress(answer.status_code, body)
                return staged or bool(server and server.sent_whole()), "refused", detail
            monitor = monitor_uri(answer.headers, body)
            if monitor is None:
                return True, *task_progress(answer.status_code, body)
            while True:
                status, body = self.poll(monitor)
                phase, detail = task_progress(status, body)
                # the BMC has the image: pushed, fetched from us, or (its own URI) taken
                staged = (staged or args["image_uri"] != ""
                          or bool(server and server.sent_whole(0 if phase == "running" else 2.0)))
                if phase != "running":
                    return staged, phase, detail
                if self.clock() >= deadline:
                    return staged, "timeout", detail
                self.sleep(min(args["poll_interval"], max(0.0, deadline - self.clock())))
        finally:
            if server is not None:
                server.close()

    def simple_update(self, image_uri, uris):
        action = ((self.update_service.get("Actions") or {})
                  .get("#UpdateService.SimpleUpdate") or {}).get("target") or \
            "/redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate"
        payload = {"ImageURI": image_uri, "Targets": uris}
        protocol = self.args["transfer_protocol"] or image_uri.split(":", 1)[0].upper()
        if protocol:
            payload["TransferProtocol"] = protocol
        return self.request("POST", action, json=payload)

    def poll(self, uri):
        answer, body = self.request("GET", uri)
        return answer.status_code, body

    def reset(self, kind, deadline):
        if kind == "none":
            return None
        if not self.system_uri:
            raise UpdateError("no system to reset", "找不到需要重置的系统")
        system = self.get(self.system_uri) or {}
        target = ((system.get("Actions") or {}).get("#ComputerSystem.Reset") or {}).get(
            "target") or self.system_uri.rstrip("/") + "/Actions/ComputerSystem.Reset"
        answer, body = self.request("POST", target, json={"ResetType": RESET_TYPES[kind]})
        if answer.status_code >= 400:
            raise UpdateError(f"system reset ({RESET_TYPES[kind]}) refused: HTTP "
                              f"{answer.status_code}", "系统重置被拒绝")
        self.sleep(min(2.0, self.args["poll_interval"]))
        while True:
            system = self.get(self.system_uri) or {}
            if system.get("PowerState") == "On":
                return RESET_TYPES[kind]
            if self.clock() >= deadline:
                raise UpdateError(f"the system did not come back (PowerState "
                                  f"{system.get('PowerState')}) within the timeout",
                                  "系统重置后在超时时间内未恢复上电")
            self.sleep(self.args["poll_interval"])


def _json(data):
    import json

    return json.dumps(data)


# --- the action ----------------------------------------------------------------------------


SPEC = {
    "address": {"type": "str", "required": True},
    "port": {"type": "int", "default": 0},
    "user": {"type": "str", "required": True},
    "tls_verify": {"type": "bool", "default": True},
    "ca_path": {"type": "path", "default": ""},
    "scheme": {"type": "str", "default": "https", "choices": ["https", "http"]},
    "request_timeout": {"type": "int", "default": 20},
    "image": {"type": "str", "required": True},
    "targets": {"type": "list", "elements": "str", "required": True},
    "from_version": {"type": "str", "required": True},
    "to_version": {"type": "str", "required": True},
    "image_uri": {"type": "str", "default": ""},
    "transfer_protocol": {"type": "str", "default": ""},
    "serve_address": {"type": "str", "default": ""},
    "timeout": {"type": "int", "default": 1800},
    "poll_interval": {"type": "float", "default": 10.0},
    "reset": {"type": "str", "default": "none", "choices": ["none", "graceful", "force"]},
    "rollback_image": {"type": "str", "default": ""},
}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def _password(self, task_vars):
        value = task_vars.get("weibao_bmc_password")
        if value is None:
            return ""
        value = self._templar.template(value)
        return str(value) if value is not None else ""

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        _validation, args = self.validate_argument_spec(argument_spec=SPEC)
        password = self._password(task_vars)
        media = task_vars.get("weibao_change_media") or []
        if not isinstance(media, list):
            media = self._templar.template(media) or []
        outcome = run_update(args, password, media, bool(self._task.check_mode),
                             task_vars.get("inventory_hostname", args["address"]))
        result.update(_scrub_all(outcome, password))
        return result


def make_client(args, password):
    env = _environment_module()
    return env, env.RedfishCollector(args["address"], args["port"], args["user"], password,
                                     args["tls_verify"], args["ca_path"],
                                     args["request_timeout"], args["scheme"])


def run_update(args, password, media, check_mode, host, client_factory=make_client,
               sleep=time.sleep, clock=time.monotonic):
    """The whole flow; returns the task result (never raises)."""
    result = {"changed": False, "state": NOT_TOUCHED, "versions_before": {},
              "versions_after": {}, "version_source": "", "steps": []}
    targets_text = ", ".join(args["targets"])

    def fail(en, zh):
        state = result["state"]
        result["failed"] = True
        result["msg"] = (f"firmware upgrade of {targets_text} on {host} failed: {en}; state: "
                         f"{state} / {host} 的固件（{targets_text}）升级失败：{zh}；"
                         f"状态：{state_zh(state)}")
        return result

    if not password:
        return fail("weibao_bmc_password is not set for this BMC (give it from Ansible Vault)",
                    "未设置该 BMC 的 weibao_bmc_password（请用 Ansible Vault 提供）")
    try:
        path, digest = check_media(media, args["image"])
        result["image"] = {"name": args["image"], "sha256": digest}
        rollback = None
        if args["rollback_image"]:
            rollback = check_media(media, args["rollback_image"])
    except UpdateError as exc:
        return fail(str(exc), exc.zh)
    env, client = client_factory(args, password)
    try:
        try:
            root = client.login()
            try:
                root = root.json()
            except ValueError:
                root = {}
        except (env.Unreachable, env.LoginRefused) as exc:
            return fail(str(exc), "无法连接或登录 BMC")
        updater = Updater(client, args, sleep=sleep, clock=clock)
        return _flow(updater, root, args, result, path, rollback, check_mode, fail)
    except (env.Unreachable, env.LoginRefused) as exc:
        if result["state"] == NOT_TOUCHED and result.get("applying"):
            result["state"] = NOT_VERIFIED
        return fail(str(exc), "与 BMC 的连接中断")
    except Exception as exc:  # a BMC answering nonsense must still leave an honest state
        if result["state"] == NOT_TOUCHED and result.get("applying"):
            result["state"] = NOT_VERIFIED
        return fail(f"{type(exc).__name__}: {exc}", "处理 BMC 应答时出错")
    finally:
        result.pop("applying", None)
        client.logout()


def _flow(updater, root, args, result, path, rollback, check_mode, fail):
    updater.start(root)
    try:
        before = updater.versions()
        result["version_source"] = updater.source
        result["versions_before"] = flat(before)
        resolved = resolve_targets(args["targets"], before)
    except UpdateError as exc:
        return fail(str(exc), exc.zh)
    keys = [key for key, _ in resolved]
    uris = [uri for _, uri in resolved]
    running = running_of(before, keys)
    result["targets"] = uris
    wanted_to = args["to_version"]
    if set(running.values()) == {wanted_to} and wanted_to != args["from_version"]:
        result["state"] = f"upgraded to {wanted_to}"
        result["versions_after"] = result["versions_before"]
        result["msg"] = f"{', '.join(keys)} already run {wanted_to}: nothing to do"
        return result
    if set(running.values()) != {args["from_version"]}:
        shown = ", ".join(f"{k} {v}" for k, v in running.items())
        return fail(f"the running version is {shown}, not {args['from_version']} as the "
                    "request says: refused before touching anything",
                    f"当前运行版本为 {shown}，不是变更申请所写的 {args['from_version']}，"
                    "未做任何改动")
    push = updater.update_service.get("MultipartHttpPushUri")
    if not (push or args["serve_address"]) and (not args["image_uri"] or rollback):
        what = "the rollback image" if args["image_uri"] else "the image"
        return fail(f"the BMC advertises no MultipartHttpPushUri and no serve_address is given: "
                    f"nowhere to get {what} from", "BMC 不支持 multipart 推送，且未给出 "
                    "serve_address：无处获取映像")
    if check_mode:
        result["changed"] = True
        result["msg"] = (f"check mode: {', '.join(keys)} run {args['from_version']}; the "
                         f"image {args['image']} would be applied to reach {wanted_to}")
        return result
    deadline = updater.clock() + args["timeout"]
    result["applying"] = True
    result["changed"] = True
    try:
        staged, phase, detail = updater.apply(path, uris, deadline, result["steps"])
    except UpdateError as exc:  # before anything was sent
        result["changed"] = False
        return fail(str(exc), exc.zh)
    result["task"] = {"phase": phase, "detail": detail}
    why = None
    if phase == "refused":
        why = (f"the BMC refused the update: {detail}", "BMC 拒绝了升级请求")
    elif phase == "timeout":
        why = (f"the update task did not finish within {args['timeout']} s (last: {detail})",
               f"升级任务在 {args['timeout']} 秒内未完成")
    elif phase == "failed":
        why = (f"the update task failed: {detail}", "升级任务失败")
    else:
        try:
            done = updater.reset(args["reset"], deadline)
            if done:
                result["steps"].append(f"system reset {done}")
        except UpdateError as exc:
            why = (str(exc), exc.zh)
    after = updater.versions()
    if why is None and args["reset"] != "none":
        # after a reset the new version may show only once the system has run it: read
        # again until it does or the update's time is up
        while set(running_of(after, keys).values()) != {wanted_to} and \
                updater.clock() < deadline:
            updater.sleep(args["poll_interval"])
            after = updater.versions()
    result["versions_after"] = flat(after)
    now = running_of(after, keys)
    if why is None and set(now.values()) == {wanted_to}:
        result["state"] = f"upgraded to {wanted_to}"
        result["msg"] = f"{', '.join(keys)} upgraded {args['from_version']} -> {wanted_to}"
        return result
    if why is None:
        shown = ", ".join(f"{k} {v}" for k, v in now.items())
        why = (f"after the update {shown} runs, not {wanted_to}",
               f"升级后运行版本为 {shown}，不是 {wanted_to}")
    result["state"] = failure_state(now, args["from_version"], wanted_to, staged)
    if phase == "refused" and result["state"] == NOT_TOUCHED:
        result["changed"] = False
    if rollback is not None and result["state"] != NOT_TOUCHED:
        result["steps"].append(f"rollback with {args['rollback_image']}")
        result["versions_after_update"] = result["versions_after"]  # before the rollback
        back = dict(args, image_uri="")
        updater.args = back
        try:
            _staged, r_phase, r_detail = updater.apply(
                rollback[0], uris, updater.clock() + args["timeout"], result["steps"])
        except UpdateError as exc:
            r_phase, r_detail = "refused", str(exc)
        result["rollback"] = {"image": args["rollback_image"], "sha256": rollback[1],
                              "phase": r_phase, "detail": r_detail}
        if r_phase == "completed":
            with contextlib.suppress(UpdateError):
                updater.reset(args["reset"], updater.clock() + args["timeout"])
        after = updater.versions()
        result["versions_after"] = flat(after)
        if set(running_of(after, keys).values()) == {args["from_version"]}:
            result["state"] = f"rolled back to {args['from_version']}"
            why = (why[0] + f"; rolled back to {args['from_version']} with "
                   f"{args['rollback_image']}", why[1] + f"；已用 {args['rollback_image']} "
                   f"回退到 {args['from_version']}")
        else:
            result["state"] = NOT_VERIFIED
            why = (why[0] + f"; the rollback with {args['rollback_image']} did not restore "
                   f"{args['from_version']} ({r_detail})", why[1] + "；回退未能恢复原版本")
    return fail(*why)


def _scrub_all(value, password):
    if not password:
        return value
    if isinstance(value, dict):
        return {k: _scrub_all(v, password) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_all(v, password) for v in value]
    if isinstance(value, str):
        return value.replace(password, "********")
    return value
