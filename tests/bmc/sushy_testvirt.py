"""sushy-emulator on libvirt's in-process ``test:///default`` hypervisor: a Redfish BMC whose
``UpdateService.SimpleUpdate`` really changes the system's BiosVersion (kept by sushy's libvirt
driver in the domain's metadata), without a libvirt daemon.

Usage (the venv ``./dev.sh test-deps`` makes: Debian's python3 with python3-libvirt and the
sushy-tools of the main venv)::

    .venv/libvirt-sushy/bin/python tests/bmc/sushy_testvirt.py --config FILE.conf [NAME ...]

defines and starts the domains NAME (default ``node1``) in the shared ``test:///default``
connection before sushy's app starts (sushy opens a connection per request; all of them see
this process's state), then runs ``sushy_tools.emulator.main``.

OUR EXTENSION (not sushy-tools; everything below ``install_extension``), for the firmware
tests only:

* ``GET /redfish/v1/UpdateService/FirmwareInventory[/ID]``: built from the libvirt driver's
  versions (sushy has no route): ``BIOS`` per system (id ``BIOS`` with one system, else
  ``<name>-BIOS``), ``RelatedItem`` the system, and ``BMC`` (the manager's FirmwareVersion,
  read-only). ``WEIBAO_SUSHY_NO_INVENTORY=1`` leaves it out (404, as sushy itself), for the
  fallback to Systems/X BiosVersion.
* ``SimpleUpdate`` with an image made by ``make_image``: the BMC downloads ``ImageURI`` (so an
  action serving the file must be reachable), answers 202 with a Task
  (``/redfish/v1/TaskService/Tasks/<n>``, ``Location`` header) whose TaskState moves
  Running → Completed after ``WEIBAO_SUSHY_TASK_SECONDS`` (default 1.0) and sets the version
  the image names. The image's ``behaviour`` injects faults: ``fail`` ends the Task in
  Exception and leaves the version; ``corrupt`` ends it in Exception with the version
  ``<version>-corrupt``; ``hang`` never leaves Running. ``activate=reset`` keeps the new
  version pending until ``ComputerSystem.Reset``. A download that fails ends the Task in
  Exception. An image without our header goes to sushy's own handler (bumps the minor part).
* ``MultipartHttpPushUri`` (``/redfish/v1/UpdateService/upload``) only with
  ``WEIBAO_SUSHY_MULTIPART=1``: the ``UpdateFile`` part is the image, ``UpdateParameters`` the
  JSON with ``Targets``.

``make_image``/``read_image`` import nothing beyond the standard library: the tests import
this module to build images.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import urllib.request
import uuid

IMAGE_MAGIC = b"WEIBAO-TEST-FIRMWARE 1\n"
R = "/redfish/v1"
INVENTORY = f"{R}/UpdateService/FirmwareInventory"
SIMPLE_UPDATE = f"{R}/UpdateService/Actions/UpdateService.SimpleUpdate"
PUSH_URI = f"{R}/UpdateService/upload"

DOMAIN_XML = """<domain type='test'>
  <name>{name}</name>
  <uuid>{uuid}</uuid>
  <memory unit='GiB'>16</memory>
  <vcpu>8</vcpu>
  <os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>
  <devices>
    <interface type='network'><mac address='52:54:00:00:00:{idx:02x}'/>
      <source network='default'/></interface>
  </devices>
</domain>"""


def make_image(version: str, behaviour: str = "ok", component: str = "BIOS",
               activate: str = "immediate", size: int = 4096) -> bytes:
    """A firmware image our extension understands (a header, then filler bytes)."""
    head = (f"component={component}\nversion={version}\nbehaviour={behaviour}\n"
            f"activate={activate}\n\n").encode()
    return IMAGE_MAGIC + head + bytes((i * 7 + len(version)) % 256 for i in range(size))


def read_image(data: bytes) -> dict | None:
    if not data.startswith(IMAGE_MAGIC):
        return None
    header = data[len(IMAGE_MAGIC):].split(b"\n\n", 1)[0].decode("utf-8", "replace")
    return dict(line.split("=", 1) for line in header.splitlines() if "=" in line)


def domain_uuid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, name + ".testvirt"))


# --- OUR EXTENSION ------------------------------------------------------------------------


def install_extension(app) -> None:  # noqa: C901 - one closure per route, kept together
    import flask
    from sushy_tools import error

    lock = threading.Lock()
    tasks: dict[str, dict] = {}
    pending: dict[str, str] = {}  # system uuid -> version activated by the next reset
    seconds = float(os.environ.get("WEIBAO_SUSHY_TASK_SECONDS", "1.0"))
    inventory_on = os.environ.get("WEIBAO_SUSHY_NO_INVENTORY") != "1"
    multipart_on = os.environ.get("WEIBAO_SUSHY_MULTIPART") == "1"

    def system_uuid(name):
        try:
            return app.systems.uuid(name)
        except error.AliasAccessError as exc:
            return str(exc)

    def systems():
        return [(app.systems.name(u), u) for u in app.systems.systems]

    def bios_id(name, many):
        return f"{name}-BIOS" if many else "BIOS"

    def inventory():
        found = systems()
        many = len(found) > 1
        members = {}
        for name, uid in found:
            version = app.systems.get_versions(uid).get("BiosVersion", "")
            ident = bios_id(name, many)
            members[ident] = {
                "@odata.id": f"{INVENTORY}/{ident}",
                "@odata.type": "#SoftwareInventory.v1_2_0.SoftwareInventory",
                "Id": ident, "Name": f"System BIOS ({name})", "Version": version,
                "Updateable": True, "SoftwareId": "BIOS",
                "RelatedItem": [{"@odata.id": f"{R}/Systems/{uid}"}],
                "Status": {"State": "Enabled", "Health": "OK"}}
        manager = app.managers.managers[0] if app.managers.managers else None
        members["BMC"] = {
            "@odata.id": f"{INVENTORY}/BMC",
            "@odata.type": "#SoftwareInventory.v1_2_0.SoftwareInventory", "Id": "BMC",
            "Name": "BMC Firmware", "Version": "1.00", "Updateable": False,
            "SoftwareId": "BMC",
            "RelatedItem": [{"@odata.id": f"{R}/Managers/{manager}"}] if manager else [],
            "Status": {"State": "Enabled", "Health": "OK"}}
        return members

    def target_system(target):
        """The system uuid a SimpleUpdate target names (a System URI or our BIOS item)."""
        tail = target.rstrip("/").rsplit("/", 1)[-1]
        if "/FirmwareInventory/" in target or "/" not in target:
            many = len(systems()) > 1
            for name, uid in systems():
                if bios_id(name, many) == tail:
                    return uid
            raise error.NotFound()
        return system_uuid(tail)

    def task_body(ident):
        task = tasks[ident]
        return {"@odata.id": f"{R}/TaskService/Tasks/{ident}",
                "@odata.type": "#Task.v1_4_3.Task", "Id": ident, "Name": f"Update task {ident}",
                "TaskState": task["state"], "TaskStatus": task["status"],
                "PercentComplete": task["percent"], "StartTime": task["start"],
                "Messages": [{"Message": m} for m in task["messages"]]}

    def run_task(ident, image_uri, data, uids):
        task = tasks[ident]
        try:
            if data is None:
                with urllib.request.urlopen(image_uri, timeout=10) as answer:  # noqa: S310
                    data = answer.read()
                task["messages"].append(f"Image downloaded ({len(data)} bytes)")
        except Exception as exc:  # the BMC could not fetch the image
            task.update(state="Exception", status="Critical", percent=0)
            task["messages"].append(f"Image download from {image_uri} failed: {exc}")
            return
        header = read_image(data) or {}
        behaviour, version = header.get("behaviour", "ok"), header.get("version", "")
        task.update(percent=10)
        if behaviour == "hang":
            return  # Running for ever
        time.sleep(seconds / 2)
        task.update(percent=50)
        if behaviour == "fail":
            task.update(state="Exception", status="Critical")
            task["messages"].append("Image verification failed (injected fault)")
            return
        time.sleep(seconds / 2)
        with lock:
            for uid in uids:
                if behaviour == "corrupt":
                    app.systems.set_versions(uid, {"BiosVersion": version + "-corrupt"})
                elif header.get("activate") == "reset":
                    pending[uid] = version
                else:
                    app.systems.set_versions(uid, {"BiosVersion": version})
        if behaviour == "corrupt":
            task.update(state="Exception", status="Critical", percent=90)
            task["messages"].append("Flash write failed (injected fault)")
            return
        task.update(state="Completed", status="OK", percent=100)
        task["messages"].append("Update successful" + (
            "; a system reset activates it" if header.get("activate") == "reset" else ""))

    def start_update(image_uri, targets, data=None):
        if not targets:
            return flask.jsonify({"error": {"message": "Missing Targets."}}), 400
        try:
            uids = [target_system(t) for t in targets]
        except error.NotFound:
            return flask.jsonify({"error": {"message": f"Unknown target in {targets}"}}), 400
        ident = str(100 + len(tasks))
        tasks[ident] = {"state": "Running", "status": "OK", "percent": 0, "messages": [],
                        "start": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        threading.Thread(target=run_task, args=(ident, image_uri, data, uids),
                         daemon=True).start()
        return (flask.jsonify(task_body(ident)), 202,
                {"Location": f"{R}/TaskService/Tasks/{ident}"})

    @app.before_request
    def weibao_extension():
        path = flask.request.path.rstrip("/")
        method = flask.request.method
        if method == "GET" and path == f"{R}/UpdateService":
            body = {"@odata.id": f"{R}/UpdateService", "Id": "UpdateService",
                    "@odata.type": "#UpdateService.v1_11_0.UpdateService",
                    "Name": "Update Service", "ServiceEnabled": True,
                    "Actions": {"#UpdateService.SimpleUpdate": {
                        "target": SIMPLE_UPDATE,
                        "TransferProtocol@Redfish.AllowableValues": ["HTTP", "HTTPS"]}}}
            if inventory_on:
                body["FirmwareInventory"] = {"@odata.id": INVENTORY}
            if multipart_on:
                body["MultipartHttpPushUri"] = PUSH_URI
            return flask.jsonify(body)
        if method == "GET" and inventory_on and path == INVENTORY:
            items = inventory()
            return flask.jsonify({"@odata.id": INVENTORY, "Name": "Firmware Inventory",
                                  "@odata.type": "#SoftwareInventoryCollection."
                                                 "SoftwareInventoryCollection",
                                  "Members@odata.count": len(items),
                                  "Members": [{"@odata.id": m["@odata.id"]}
                                              for m in items.values()]})
        if method == "GET" and inventory_on and path.startswith(INVENTORY + "/"):
            item = inventory().get(path.rsplit("/", 1)[-1])
            return flask.jsonify(item) if item else (flask.jsonify(
                {"error": {"message": "Not found"}}), 404)
        if method == "GET" and path.startswith(f"{R}/TaskService/Tasks/"):
            ident = path.rsplit("/", 1)[-1]
            if ident in tasks:
                return flask.jsonify(task_body(ident))
            return None  # sushy's own Task 42
        if method == "POST" and path == SIMPLE_UPDATE:
            body = flask.request.get_json(silent=True) or {}
            image_uri, targets = body.get("ImageURI"), body.get("Targets") or []
            if not image_uri:
                return None  # sushy's own answer (400)
            try:
                with urllib.request.urlopen(image_uri, timeout=10) as answer:  # noqa: S310
                    data = answer.read()
            except Exception:  # noqa: BLE001 - the task reports the failed download
                return start_update(image_uri, targets)
            if read_image(data) is None:
                return None  # not our image: sushy's own SimpleUpdate
            return start_update(image_uri, targets, data)
        if method == "POST" and multipart_on and path == PUSH_URI:
            params = json.loads((flask.request.form.get("UpdateParameters") or
                                 flask.request.files["UpdateParameters"].read().decode())
                                if ("UpdateParameters" in flask.request.form or
                                    "UpdateParameters" in flask.request.files) else "{}")
            upload = flask.request.files.get("UpdateFile")
            if upload is None:
                return flask.jsonify({"error": {"message": "Missing UpdateFile."}}), 400
            return start_update("multipart", params.get("Targets") or [], upload.read())
        if method == "POST" and path.endswith("/Actions/ComputerSystem.Reset"):
            uid = system_uuid(path.split("/")[-3])
            with lock:
                if uid in pending:
                    app.systems.set_versions(uid, {"BiosVersion": pending.pop(uid)})
            return None  # sushy resets the domain
        return None


def main() -> int:
    import libvirt
    from sushy_tools.emulator import main as emulator

    args = sys.argv[1:]
    names = [a for a in args if not a.startswith("-") and not a.endswith(".conf")] or ["node1"]
    conn = libvirt.open("test:///default")  # shared by every connection of this process
    for dom in conn.listAllDomains():  # the driver's own "test" domain: only ours are served
        if dom.isActive():
            dom.destroy()
        dom.undefine()
    for idx, name in enumerate(names, start=1):
        dom = conn.defineXML(DOMAIN_XML.format(name=name, uuid=domain_uuid(name), idx=idx))
        dom.create()
    install_extension(emulator.app)
    sys.argv = [sys.argv[0]] + [a for a in args if a not in names]
    return emulator.main()


if __name__ == "__main__":
    sys.exit(main())
