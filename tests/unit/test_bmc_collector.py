"""The environment collector (plugins/action/weibao_inspect_environment.py) without a BMC:
how it calls ipmitool and freeipmi (the password never on a command line), how it tells a
silent BMC from a refused login, and its Redfish client's TLS settings. The real BMC peers are
in tests/integration/test_environment.py."""

import importlib.util
import os
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location(
    "weibao_inspect_environment", ROOT / "plugins" / "action" / "weibao_inspect_environment.py")
action = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(action)
SECRET = "Collector-Secret-61e2"  # noqa: S105 - a test's throwaway value


class Calls:
    def __init__(self, answer):
        self.answer = answer
        self.seen = []

    def __call__(self, argv, **kw):
        conf = None
        if "--config-file" in argv:
            path = argv[argv.index("--config-file") + 1]
            conf = (stat.S_IMODE(os.stat(path).st_mode), Path(path).read_text(), path)
        self.seen.append((list(argv), kw.get("env") or {}, conf))
        return self.answer(argv)


def ok(argv):
    return subprocess.CompletedProcess(argv, 0, b"text of " + " ".join(argv[-2:]).encode(), b"")


@pytest.fixture
def collector(monkeypatch):
    calls = Calls(ok)
    monkeypatch.setattr(action.subprocess, "run", calls)
    monkeypatch.setattr(action.shutil, "which", lambda tool: "/usr/bin/" + tool)
    return calls, action.IpmiCollector("10.0.0.9", 0, "admin", SECRET, 3, 20)


def test_ipmi_password_only_in_the_environment_or_a_private_file(collector):
    calls, ipmi = collector
    raw = ipmi.collect()
    assert set(raw) == {"mc_info", "sdr_elist", "sensor", "sel_info", "sel_elist",
                        "chassis_status", "fru", "ipmi_sensors", "ipmi_sel"}
    for argv, env, conf in calls.seen:
        assert SECRET not in " ".join(argv), argv
        if argv[0] == "ipmitool":
            assert "-E" in argv and "-P" not in argv
            assert argv[argv.index("-C") + 1] == "3" and argv[argv.index("-p") + 1] == "623"
            assert env["IPMI_PASSWORD"] == SECRET and env["LC_ALL"] == "C"
        else:
            mode, text, path = conf
            assert mode == 0o600 and f"password {SECRET}" in text
            assert not Path(path).exists()  # removed at once
            assert argv[argv.index("-W") + 1] == "opensesspriv"


@pytest.mark.parametrize(("stderr", "error"), [
    (b"> RAKP 2 HMAC is invalid\nError: Unable to establish IPMI v2 / RMCP+ session\n",
     action.LoginRefused),
    (b"Get Auth Capabilities error\nError: Unable to establish IPMI v2 / RMCP+ session\n",
     action.Unreachable),
])
def test_refused_login_and_silent_bmc_are_told_apart(collector, stderr, error):
    calls, ipmi = collector
    calls.answer = lambda argv: subprocess.CompletedProcess(argv, 1, b"", stderr)
    with pytest.raises(error) as exc:
        ipmi.collect()
    assert SECRET not in str(exc.value)


def test_a_hung_bmc_is_unreachable_within_its_timeout(collector):
    calls, ipmi = collector

    def hang(argv):
        raise subprocess.TimeoutExpired(argv, 20)

    calls.answer = hang
    with pytest.raises(action.Unreachable, match="within 20 s"):
        ipmi.collect()
    assert len(calls.seen) == 1


def test_a_bmc_hung_after_answering_is_not_waited_for_again(collector):
    calls, ipmi = collector

    def hang_on_sel(argv):
        if "sel" in argv:
            raise subprocess.TimeoutExpired(argv, 20)
        return ok(argv)

    calls.answer = hang_on_sel
    raw = ipmi.collect()
    assert raw["sel_info"]["error"]["key"] == "reason.timed_out"
    assert raw["ipmi_sel"]["error"]["key"] == "reason.timed_out"
    assert sum(1 for argv, _, _ in calls.seen if "sel" in argv) == 1


def test_a_failed_command_is_a_source_error_and_stderr_only_is_the_text(collector):
    calls, ipmi = collector

    def answers(argv):
        if argv[-1] == "print":
            return subprocess.CompletedProcess(argv, 1, b"", b"Device not present\n")
        if argv[-1] == "elist" and "sel" in argv:
            return subprocess.CompletedProcess(argv, 0, b"", b"SEL has no entries\n")
        return ok(argv)

    calls.answer = answers
    raw = ipmi.collect()
    assert raw["fru"] == {"error": {"key": "reason.exited", "params": {
        "command": "ipmitool fru print", "rc": 1, "output": "Device not present"}},
        "cause": "source_unreadable"}
    assert raw["sel_elist"] == "SEL has no entries\n"


def test_redfish_verifies_tls_by_default_with_the_ca_given():
    default = action.RedfishCollector("bmc.example", 0, "u", SECRET, True, "", 20)
    assert default.verify is True and default.base == "https://bmc.example:443"
    with_ca = action.RedfishCollector("fd00::9", 8443, "u", SECRET, True, "/etc/ca.pem", 20)
    assert with_ca.verify == "/etc/ca.pem" and with_ca.base == "https://[fd00::9]:8443"
    off = action.RedfishCollector("bmc.example", 0, "u", SECRET, False, "/etc/ca.pem", 20)
    assert off.verify is False


def test_a_password_echoed_by_a_bmc_is_masked():
    raw = {"system": '{"Note": "' + SECRET + '"}',
           "fru": {"error": {"key": "reason.text", "params": {"text": SECRET}}}}
    assert SECRET not in str(action._scrub_raw(raw, SECRET))


def test_redfish_session_token_used_then_deleted():
    """A service with a session service: login once (the password in the POST body only),
    the token on every GET, the session deleted at the end."""
    import http.server
    import json
    import threading

    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, code, body=None, headers=()):
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(code)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append(("POST", self.path, body.get("UserName"),
                         self.headers.get("Authorization")))
            self._send(201, {}, [("X-Auth-Token", "tok-1"),
                                 ("Location", "/redfish/v1/SessionService/Sessions/1")])

        def do_GET(self):  # noqa: N802
            seen.append(("GET", self.path, self.headers.get("X-Auth-Token"),
                         self.headers.get("Authorization")))
            if self.path in ("/redfish/v1/", "/redfish/v1"):
                return self._send(200, {"Links": {"Sessions": {
                    "@odata.id": "/redfish/v1/SessionService/Sessions"}}})
            return self._send(404, {"error": "none"})

        def do_DELETE(self):  # noqa: N802
            seen.append(("DELETE", self.path, self.headers.get("X-Auth-Token"), None))
            self._send(204)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = action.RedfishCollector("127.0.0.1", server.server_address[1], "ops", SECRET,
                                         True, "", 5, scheme="http")
        raw = client.collect()
    finally:
        server.shutdown()
    assert seen[0][0] == "GET" and seen[1] == ("POST", "/redfish/v1/SessionService/Sessions",
                                               "ops", None)
    gets = [s for s in seen[2:] if s[0] == "GET"]
    assert gets and all(s[2] == "tok-1" and s[3] is None for s in gets), seen
    assert seen[-1] == ("DELETE", "/redfish/v1/SessionService/Sessions/1", "tok-1", None)
    # every resource is a clear source error (404 here), never a crash
    assert raw["system"]["error"]["params"]["text"] == "GET /redfish/v1/Systems: HTTP 404"
    assert SECRET not in json.dumps(raw)
