"""The firmware upgrade action (plugins/action/weibao_redfish_update.py) without a BMC: task
monitor answers, version reading and its fallback, target resolution, the media check, the
honest state after a failure, and the flow against a scripted Redfish service (check mode, a
version mismatch, a timeout, a refused request, a password echoed back). The real BMC peer is
in tests/integration/test_firmware.py."""

import hashlib
import importlib.util
import itertools
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location(
    "weibao_redfish_update", ROOT / "plugins" / "action" / "weibao_redfish_update.py")
action = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(action)
SECRET = "Update-Secret-4c19"  # noqa: S105 - a test's throwaway value
INV = "/redfish/v1/UpdateService/FirmwareInventory"
SYS = "/redfish/v1/Systems/1"


# --- task monitor --------------------------------------------------------------------------


@pytest.mark.parametrize("status,body,phase", [
    (202, None, "running"),
    (202, {"TaskState": "Running"}, "running"),
    (200, {"TaskState": "Running", "PercentComplete": 40}, "running"),
    (200, {"TaskState": "New"}, "running"),
    (200, {"TaskState": "Pending"}, "running"),
    (200, {"TaskState": "Completed", "TaskStatus": "OK"}, "completed"),
    (200, {"TaskState": "Completed", "TaskStatus": "Warning"}, "completed"),
    (200, {"TaskState": "Completed", "TaskStatus": "Critical"}, "failed"),
    (200, {"TaskState": "Exception", "TaskStatus": "Critical"}, "failed"),
    (200, {"TaskState": "Killed"}, "failed"),
    (200, {"TaskState": "Cancelled"}, "failed"),
    (200, {"TaskState": "Exploded"}, "failed"),  # unknown: never taken as done
    (204, None, "completed"),  # a task monitor answers the operation's result when done
    (200, {"@odata.id": "/redfish/v1/Systems/1"}, "completed"),
    (404, None, "failed"),
    (500, {"error": {}}, "failed"),
])
def test_task_progress_phases(status, body, phase):
    assert action.task_progress(status, body)[0] == phase


def test_task_progress_detail_names_state_status_and_messages():
    phase, detail = action.task_progress(200, {
        "TaskState": "Exception", "TaskStatus": "Critical",
        "Messages": [{"Message": "Image verification failed"}, {"Message": "Flash locked"}]})
    assert phase == "failed"
    assert detail == ("TaskState Exception, TaskStatus Critical, Image verification failed; "
                      "Flash locked")
    assert action.task_progress(404, None) == ("failed", "HTTP 404")
    assert action.task_progress(200, {"TaskState": "Exploded"})[1].endswith(
        "(unknown TaskState)")


def test_monitor_uri_prefers_location_then_the_task_in_the_answer():
    task = {"@odata.id": "/redfish/v1/TaskService/Tasks/7", "TaskState": "Running"}
    assert action.monitor_uri({"Location": "/taskmon/7"}, task) == "/taskmon/7"
    assert action.monitor_uri({}, dict(task, TaskMonitor="/taskmon/9")) == "/taskmon/9"
    assert action.monitor_uri({}, task) == "/redfish/v1/TaskService/Tasks/7"
    assert action.monitor_uri({}, {"@odata.id": SYS}) is None  # not a task
    assert action.monitor_uri({}, None) is None


# --- versions and targets ------------------------------------------------------------------


MEMBERS = [
    {"@odata.id": f"{INV}/BIOS", "Id": "BIOS", "Name": "System BIOS", "Version": "2.3.1",
     "RelatedItem": [{"@odata.id": SYS}]},
    {"@odata.id": f"{INV}/BMC", "Id": "BMC", "Version": "5.10"},
    {"@odata.id": f"{INV}/PSU1"},  # no Id, no Version
    "not a member",
]


def test_inventory_versions_by_id_with_uri_and_related_items():
    found = action.inventory_versions(MEMBERS)
    assert action.flat(found) == {"BIOS": "2.3.1", "BMC": "5.10", "PSU1": ""}
    assert found["BIOS"]["related"] == [SYS]
    assert found["PSU1"]["uri"] == f"{INV}/PSU1"


def test_fallback_versions_from_system_and_manager():
    found = action.fallback_versions({"BiosVersion": "1.0.0"}, SYS,
                                     {"FirmwareVersion": "1.00"}, "/redfish/v1/Managers/1")
    assert action.flat(found) == {"BIOS": "1.0.0", "BMC": "1.00"}
    assert found["BIOS"]["uri"] == SYS
    # a system without BiosVersion gives no BIOS entry (never an invented version)
    assert action.fallback_versions({}, SYS, None, None) == {}


def test_resolve_targets_by_id_uri_or_related_item():
    versions = action.inventory_versions(MEMBERS)
    assert action.resolve_targets(["BIOS"], versions) == [("BIOS", f"{INV}/BIOS")]
    assert action.resolve_targets([f"{INV}/BMC/"], versions) == [("BMC", f"{INV}/BMC/")]
    assert action.resolve_targets([SYS], versions) == [("BIOS", SYS)]
    with pytest.raises(action.UpdateError, match="'NIC' is not in the firmware inventory"):
        action.resolve_targets(["NIC"], versions)


def test_failure_state_from_the_versions_read_again():
    assert action.failure_state({"BIOS": "1.0.0"}, "1.0.0", "1.1.0", staged=False) == \
        "not touched"
    assert action.failure_state({"BIOS": "1.0.0"}, "1.0.0", "1.1.0", staged=True) == \
        "image staged, not applied"
    assert action.failure_state({"BIOS": "1.1.0-x"}, "1.0.0", "1.1.0", staged=True) == \
        "applied, version not verified"
    assert action.failure_state({"BIOS": None}, "1.0.0", "1.1.0", staged=True) == \
        "applied, version not verified"  # unreadable: never claimed untouched


# --- media ---------------------------------------------------------------------------------


def media_file(tmp_path, name="bios.bin", data=b"image"):
    path = tmp_path / name
    path.write_bytes(data)
    return {"name": name, "path": str(path), "sha256": hashlib.sha256(data).hexdigest()}


def test_check_media_rehashes_the_file(tmp_path):
    record = media_file(tmp_path)
    assert action.check_media([record], "bios.bin") == (record["path"], record["sha256"])
    Path(record["path"]).write_bytes(b"imagf")
    with pytest.raises(action.UpdateError, match="differs from the media record"):
        action.check_media([record], "bios.bin")
    with pytest.raises(action.UpdateError, match="not one of the change's media"):
        action.check_media([record], "other.bin")
    with pytest.raises(action.UpdateError, match="missing on the controller"):
        action.check_media([dict(record, path=str(tmp_path / "gone"))], "bios.bin")
    with pytest.raises(action.UpdateError, match=r"\(none\)"):
        action.check_media([dict(record, sha256="")], "bios.bin")


# --- the flow against a scripted service ---------------------------------------------------


class Answer:
    def __init__(self, status, body=None, headers=None):
        self.status_code, self.body, self.headers = status, body, headers or {}

    def json(self):
        if self.body is None:
            raise ValueError("no body")
        return self.body


class FakeBmc:
    """Redfish answers from dicts; POSTs recorded; the task answers scripted."""

    def __init__(self, bios="1.0.0", task_states=("Completed",), inventory=True,
                 update_status=202, after=None):
        self.bios, self.after = bios, after
        self.inventory = inventory
        self.task_states = itertools.chain(task_states, itertools.repeat(task_states[-1]))
        self.update_status = update_status
        self.posts = []
        self.hung = None

    def login(self):
        return Answer(200, {"Systems": {"@odata.id": "/redfish/v1/Systems"},
                            "Managers": {"@odata.id": "/redfish/v1/Managers"},
                            "UpdateService": {"@odata.id": "/redfish/v1/UpdateService"}})

    def logout(self):
        pass

    def resources(self):
        update = {"Actions": {"#UpdateService.SimpleUpdate": {"target": "/su"}}}
        if self.inventory:
            update["FirmwareInventory"] = {"@odata.id": INV}
        return {
            "/redfish/v1/UpdateService": update,
            "/redfish/v1/Systems": {"Members": [{"@odata.id": SYS}]},
            "/redfish/v1/Managers": {"Members": [{"@odata.id": "/redfish/v1/Managers/1"}]},
            SYS: {"BiosVersion": self.bios, "PowerState": "On"},
            "/redfish/v1/Managers/1": {"FirmwareVersion": "1.00"},
            INV: {"Members": [{"@odata.id": f"{INV}/BIOS"}]} if self.inventory else None,
            f"{INV}/BIOS": {"@odata.id": f"{INV}/BIOS", "Id": "BIOS", "Version": self.bios,
                            "RelatedItem": [{"@odata.id": SYS}]},
        }

    def get(self, path):
        body = self.resources().get(path)
        return body, json.dumps(body)

    def _request(self, method, path, **kwargs):
        if method == "POST":
            self.posts.append((path, kwargs.get("json")))
            if path == "/su":
                return Answer(self.update_status, {"error": {"message": "no"}}
                              if self.update_status >= 400 else None,
                              {"Location": "/task/1"})
            return Answer(204)
        if path == "/task/1":
            state = next(self.task_states)
            if state == "Completed" and self.after:
                self.bios = self.after
            return Answer(200, {"TaskState": state, "TaskStatus": "OK"
                                if state != "Exception" else "Critical",
                                "Messages": [{"Message": f"echo {SECRET}"}]})
        return Answer(404)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += max(seconds, 0.1)


def args(**over):
    base = dict(action.SPEC and {k: v.get("default") for k, v in action.SPEC.items()})
    base.update(address="bmc", user="admin", image="bios.bin", targets=["BIOS"],
                from_version="1.0.0", to_version="1.1.0", image_uri="http://repo/bios.bin",
                poll_interval=1.0, timeout=30)
    base.update(over)
    return base


def run(tmp_path, bmc, check=False, **over):
    media = [media_file(tmp_path), media_file(tmp_path, "old.bin", b"old image")]
    env = action._environment_module()
    clock = Clock()
    return action.run_update(args(**over), SECRET, media, check, "srv1-bmc",
                             client_factory=lambda a, p: (env, bmc), sleep=clock.sleep,
                             clock=clock)


def test_flow_upgrades_and_verifies(tmp_path):
    bmc = FakeBmc(task_states=("Running", "Running", "Completed"), after="1.1.0")
    result = run(tmp_path, bmc)
    assert "failed" not in result, result
    assert result["state"] == "upgraded to 1.1.0"
    assert (result["versions_before"], result["versions_after"]) == (
        {"BIOS": "1.0.0"}, {"BIOS": "1.1.0"})
    assert bmc.posts == [("/su", {"ImageURI": "http://repo/bios.bin",
                                  "Targets": [f"{INV}/BIOS"], "TransferProtocol": "HTTP"})]


def test_flow_completed_task_but_old_version_is_not_an_upgrade(tmp_path):
    bmc = FakeBmc(task_states=("Completed",))  # the version never changes
    result = run(tmp_path, bmc)
    assert result["failed"] is True
    assert result["state"] == "image staged, not applied"
    assert "after the update BIOS 1.0.0 runs, not 1.1.0" in result["msg"]


def test_flow_check_mode_sends_nothing(tmp_path):
    bmc = FakeBmc()
    result = run(tmp_path, bmc, check=True)
    assert bmc.posts == []
    assert result["state"] == "not touched" and "failed" not in result
    assert result["versions_before"] == {"BIOS": "1.0.0"}


def test_flow_version_mismatch_sends_nothing(tmp_path):
    bmc = FakeBmc(bios="0.9.0")
    result = run(tmp_path, bmc)
    assert bmc.posts == []
    assert result["failed"] is True and result["state"] == "not touched"
    assert "BIOS 0.9.0, not 1.0.0" in result["msg"]
    assert "状态：未改动" in result["msg"]


def test_flow_already_at_the_target_version_is_done_without_touching(tmp_path):
    bmc = FakeBmc(bios="1.1.0")
    result = run(tmp_path, bmc)
    assert bmc.posts == [] and "failed" not in result
    assert result["state"] == "upgraded to 1.1.0" and result["changed"] is False


def test_flow_timeout_says_so_and_rolls_back_when_asked(tmp_path):
    bmc = FakeBmc(task_states=("Running",))
    result = run(tmp_path, bmc, timeout=5)
    assert result["failed"] is True
    assert result["task"]["phase"] == "timeout"
    assert result["state"] == "image staged, not applied"
    assert "did not finish within 5 s" in result["msg"]


def test_flow_rollback_after_a_corrupting_failure(tmp_path):
    bmc = FakeBmc(task_states=("Exception",))
    bmc.bios = "1.0.0"

    # the failed task leaves a broken version; the rollback task restores 1.0.0
    states = iter(["Exception", "Completed"])

    def task_answer(method, path, **kwargs):
        if method == "POST":
            bmc.posts.append((path, kwargs.get("json")))
            return Answer(202, None, {"Location": "/task/1"})
        state = next(states)
        bmc.bios = "1.1.0-broken" if state == "Exception" else "1.0.0"
        return Answer(200, {"TaskState": state})

    bmc._request = task_answer
    result = run(tmp_path, bmc, rollback_image="old.bin", serve_address="127.0.0.1")
    assert result["failed"] is True
    assert result["state"] == "rolled back to 1.0.0"
    assert result["versions_after"] == {"BIOS": "1.0.0"}
    assert result["rollback"]["phase"] == "completed"
    assert "已回退到 1.0.0" in result["msg"]
    # the new image from its URI; the rollback image served by the action
    assert bmc.posts[0][1]["ImageURI"] == "http://repo/bios.bin"
    assert bmc.posts[1][1]["ImageURI"].startswith("http://127.0.0.1:")
    assert bmc.posts[1][1]["ImageURI"].endswith("/old.bin")


def test_flow_without_any_way_to_transfer_an_image_touches_nothing(tmp_path):
    bmc = FakeBmc()
    result = run(tmp_path, bmc, image_uri="", serve_address="")
    assert result["failed"] is True and result["state"] == "not touched"
    assert "nowhere to get the image from" in result["msg"]
    # a rollback image needs a way too (the image_uri is the new image's)
    result = run(tmp_path, bmc, rollback_image="old.bin")
    assert "nowhere to get the rollback image from" in result["msg"]
    assert bmc.posts == []


def test_flow_refused_request_is_not_touched(tmp_path):
    bmc = FakeBmc(update_status=400)
    result = run(tmp_path, bmc)
    assert result["failed"] is True
    assert result["state"] == "not touched"
    assert result["changed"] is False
    assert "the BMC refused the update: HTTP 400" in result["msg"]


def test_flow_fallback_without_firmware_inventory(tmp_path):
    bmc = FakeBmc(inventory=False, after="1.1.0", task_states=("Completed",))
    result = run(tmp_path, bmc)
    assert "failed" not in result, result
    assert "no FirmwareInventory" in result["version_source"]
    assert result["versions_before"] == {"BIOS": "1.0.0", "BMC": "1.00"}
    assert bmc.posts[0][1]["Targets"] == [SYS]


def test_no_password_no_request(tmp_path):
    result = action.run_update(args(), "", [media_file(tmp_path)], False, "h",
                               client_factory=lambda a, p: pytest.fail("connected"))
    assert result["failed"] is True and "weibao_bmc_password is not set" in result["msg"]


def test_a_password_the_bmc_echoes_is_scrubbed(tmp_path):
    bmc = FakeBmc(task_states=("Exception",))
    result = action._scrub_all(run(tmp_path, bmc), SECRET)
    assert SECRET not in json.dumps(result)
    assert "********" in json.dumps(result)


def test_a_served_image_never_fetched_and_a_failed_task_is_not_touched(tmp_path):
    bmc = FakeBmc(task_states=("Exception",))  # it never fetches the served file
    result = run(tmp_path, bmc, image_uri="", serve_address="127.0.0.1")
    assert result["failed"] is True
    assert result["state"] == "not touched"
    assert bmc.posts[0][1]["ImageURI"].startswith("http://127.0.0.1:")


def test_a_connection_lost_during_the_update_is_not_claimed_untouched(tmp_path):
    bmc = FakeBmc()
    sent = bmc._request

    def broken(method, path, **kwargs):
        if method == "GET":
            raise RuntimeError("connection reset while polling")
        return sent(method, path, **kwargs)

    bmc._request = broken
    result = run(tmp_path, bmc)
    assert result["failed"] is True
    assert result["state"] == "applied, version not verified"
    assert "connection reset while polling" in result["msg"]


def test_after_a_reset_the_version_is_read_again_until_it_shows(tmp_path):
    bmc = FakeBmc(task_states=("Completed",))
    reads = iter(["1.0.0", "1.0.0", "1.0.0", "1.1.0"])  # the BIOS reports late
    plain = bmc.resources

    def resources():
        found = plain()
        if bmc.posts and bmc.posts[-1][0].endswith("ComputerSystem.Reset"):
            version = next(reads, "1.1.0")
            found[f"{INV}/BIOS"]["Version"] = version
        return found

    bmc.resources = resources
    result = run(tmp_path, bmc, reset="graceful")
    assert "failed" not in result, result
    assert result["state"] == "upgraded to 1.1.0"
    assert bmc.posts[-1] == (f"{SYS}/Actions/ComputerSystem.Reset",
                             {"ResetType": "GracefulRestart"})
    assert "system reset GracefulRestart" in result["steps"]


def test_image_server_does_not_count_a_download_cut_short(tmp_path):
    """A BMC that drops the connection mid-image has not got it: "staged" must not say so."""
    import socket
    import urllib.parse

    record = media_file(tmp_path, data=b"x" * (64 << 20))
    server = action.ImageServer("127.0.0.1", record["path"])
    try:
        url = urllib.parse.urlsplit(server.url)
        with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
            sock.sendall(f"GET {url.path} HTTP/1.0\r\n\r\n".encode())
            assert sock.recv(4096).startswith(b"HTTP/1.0 200")
        assert not server.sent_whole(timeout=1.0)
        assert server.started == 1 and server.fetched == 0
    finally:
        server.close()


def test_image_server_serves_the_one_file_and_counts_fetches(tmp_path):
    import urllib.error
    import urllib.request

    record = media_file(tmp_path, data=b"firmware bytes")
    server = action.ImageServer("127.0.0.1", record["path"])
    try:
        assert server.url.startswith("http://127.0.0.1:") and server.url.endswith("/bios.bin")
        with urllib.request.urlopen(server.url, timeout=5) as answer:  # noqa: S310
            assert answer.read() == b"firmware bytes"
        assert server.wait_fetched(1, timeout=5)
        assert server.fetched == 1
        other = server.url.rsplit("/", 2)[0] + "/guess/bios.bin"
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(other, timeout=5)  # noqa: S310
        assert server.fetched == 1
    finally:
        server.close()
