"""The base the host collectors run their tools with (weibao_inspection/collect.py:
``HostTools``, ``run_parallel``), run against real processes: small shell scripts on a
private search path, so the timeouts, exit statuses and OSErrors are the kernel's own.

What each collector adds (AIX's errpt and lppchk, storage's ok_codes) is tested with the
collectors (test_aix_collector.py, test_storage_collector.py); the last tests here pin that
the two subclasses keep their differences on the same outputs.
"""

from __future__ import annotations

import errno
import importlib.util
import os
import threading
import time
from pathlib import Path

import pytest
from ansible.module_utils.weibao_inspection.collect import HostTools, run_parallel
from ansible.module_utils.weibao_inspection.collectors import linux_storage

PROJECT = Path(__file__).resolve().parents[2]


# the AIX module is a file of plugins/modules (no package): loaded by its path
_SPEC = importlib.util.spec_from_file_location(
    "weibao_inspect_aix_tools", PROJECT / "plugins" / "modules" / "weibao_inspect_aix.py")
AIX = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(AIX)


@pytest.fixture
def bin_dir(tmp_path):
    folder = tmp_path / "bin"
    folder.mkdir()
    return folder


def tool(folder, name, body, mode=0o755):
    """A shell script ``name`` in ``folder``; its path."""
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(mode)
    return str(path)


def outcome(tools, argv):
    rc, out, err = tools.run(argv)
    return tools.interpret(" ".join([os.path.basename(argv[0])] + argv[1:]), rc, out, err,
                           path=argv[0])


def key(result):
    return result["error"]["key"]


# ---------------------------------------------------------------- how a tool fails


def test_a_missing_tool_is_tool_missing_with_the_errno(bin_dir):
    tools = HostTools(5, path=[str(bin_dir)])
    assert tools.which("nosuchtool") is None
    missing = str(bin_dir / "nosuchtool")
    rc, out, err = tools.run([missing, "-a"])
    assert rc is None and out == "" and isinstance(err, OSError)
    assert err.errno == errno.ENOENT
    result = tools.interpret("nosuchtool -a", rc, out, err, path=missing)
    assert result["cause"] == "tool_missing"
    assert key(result) == "reason.cannot_read"
    assert result["error"]["params"]["path"] == missing
    assert result["error"]["params"]["why"] == {"key": "errno.ENOENT", "params": {}}
    # without ``path`` the program is the name's first word
    assert tools.interpret("nosuchtool -a", rc, out, err)["error"]["params"]["path"] == \
        "nosuchtool"


def test_a_tool_that_may_not_be_executed_is_no_permission(bin_dir):
    path = tool(bin_dir, "locked", "echo never", mode=0o644)  # no x bit: EACCES, even for root
    tools = HostTools(5, path=[str(bin_dir)])
    result = outcome(tools, [path])
    assert result["cause"] == "no_permission"
    assert key(result) == "reason.cannot_read"


def test_a_collector_words_the_errno_in_both_languages(bin_dir):
    # the collectors' ``why`` is catalogue.common.errno_message: the errno's own message
    tools = linux_storage.Tools(5, path=[str(bin_dir)])
    result = tools.output([str(bin_dir / "nosuchtool")])
    assert result["cause"] == "tool_missing"
    assert result["error"]["params"]["why"] == {"key": "errno.ENOENT", "params": {}}


def test_a_tool_that_does_not_answer_in_time_is_timed_out(bin_dir):
    path = tool(bin_dir, "slow", "/bin/sleep 5\necho late")  # PATH is bin_dir alone
    tools = HostTools(1, path=[str(bin_dir)])
    started = time.monotonic()
    result = outcome(tools, [path, "--all"])
    assert time.monotonic() - started < 4
    assert result["cause"] == "source_unreadable"
    assert key(result) == "reason.timed_out"
    assert result["error"]["params"] == {"command": "slow --all", "seconds": 1}


@pytest.mark.parametrize("said", [
    "slow: /dev/sda: Permission denied",
    "ioctl: Operation not permitted",
    "You must be root to run this",
    "this command requires root privileges",
])
def test_a_refusal_in_the_output_is_no_permission(bin_dir, said):
    path = tool(bin_dir, "refused", f"echo 'header line'\necho '{said}' >&2\nexit 1")
    tools = HostTools(5, path=[str(bin_dir)])
    result = outcome(tools, [path])
    assert result["cause"] == "no_permission"
    assert result["error"] == {"key": "reason.no_permission", "params": {"what": "refused"}}
    # the refusal counts on stdout too, and with a zero exit status
    quiet = tool(bin_dir, "quiet", f"echo '{said}'")
    assert outcome(tools, [quiet])["cause"] == "no_permission"


def test_a_silent_non_zero_exit_is_exited_silent(bin_dir):
    path = tool(bin_dir, "silent", "exit 3")
    tools = HostTools(5, path=[str(bin_dir)])
    result = outcome(tools, [path, "-x"])
    assert result["cause"] == "source_unreadable"
    assert result["error"] == {"key": "reason.exited_silent",
                               "params": {"command": "silent -x", "rc": 3}}
    # blank lines are nothing too
    blank = tool(bin_dir, "blank", "echo\necho '  ' >&2\nexit 2")
    assert key(outcome(tools, [blank])) == "reason.exited_silent"


def test_output_with_a_non_zero_exit_is_read(bin_dir):
    # a RAID CLI exits 1 and prints why: the parser judges what it printed
    path = tool(bin_dir, "raidcli", "echo 'Controller 0: Status = Failure'\n"
                                    "echo 'warning' >&2\nexit 1")
    tools = HostTools(5, path=[str(bin_dir)])
    assert outcome(tools, [path]) == "Controller 0: Status = Failure\n"


def test_only_a_message_with_a_non_zero_exit_is_exited_quoting_it(bin_dir):
    lines = "\n".join(f"echo 'line {n:03d} of the message' >&2" for n in range(40))
    path = tool(bin_dir, "talker", lines + "\nexit 2")
    tools = HostTools(5, path=[str(bin_dir)])
    result = outcome(tools, [path])
    assert result["cause"] == "source_unreadable"
    assert key(result) == "reason.exited"
    params = result["error"]["params"]
    assert params["command"] == "talker" and params["rc"] == 2
    assert len(params["output"]) == 300  # the end of it: what the tool said last
    assert params["output"].endswith("line 039 of the message")


def test_output_of_a_tool_the_shell_could_not_run_is_not_a_report(bin_dir):
    # 126/127: the shell's "not found" / "cannot execute", never the tool's report
    path = tool(bin_dir, "wrapper", "echo 'wrapper: helper: not found'\nexit 127")
    tools = HostTools(5, path=[str(bin_dir)])
    result = outcome(tools, [path])
    assert key(result) == "reason.exited"
    assert result["error"]["params"]["output"] == "wrapper: helper: not found"


def test_a_zero_exit_returns_the_output(bin_dir):
    path = tool(bin_dir, "fine", "echo \"LC_ALL=$LC_ALL LANG=$LANG\"\necho 'note' >&2")
    tools = HostTools(5, path=[str(bin_dir)])
    assert outcome(tools, [path]) == "LC_ALL=C LANG=C\n"


# ---------------------------------------------------------------- environment and lookup


def test_environment_search_path_and_defaults(monkeypatch, bin_dir):
    monkeypatch.setenv("PATH", "/usr/bin::/bin")
    monkeypatch.setenv("KEEP", "mine")
    monkeypatch.delenv("ODMDIR", raising=False)
    tools = HostTools(5, search_path=("/opt/x/bin",),
                      env_defaults={"KEEP": "default", "ODMDIR": "/etc/objrepos"})
    assert tools.env["PATH"] == "/usr/bin:/bin:/opt/x/bin"
    assert tools.env["KEEP"] == "mine"  # a default never overrides the host's own
    assert tools.env["ODMDIR"] == "/etc/objrepos"
    assert tools.env["LC_ALL"] == "C" and tools.env["LANG"] == "C"
    # a given path is the whole search path
    assert HostTools(5, path=[str(bin_dir)], search_path=("/bin",)).env["PATH"] == str(bin_dir)


def test_which_returns_the_first_installed_and_remembers(bin_dir):
    second = tool(bin_dir, "second", "true")
    tools = HostTools(5, path=[str(bin_dir)])
    assert tools.which("first", "second") == second
    assert tools.which("first") is None
    tool(bin_dir, "first", "true")  # installed later in the same run: the answer stands
    assert tools.which("first", "second") == second


# ---------------------------------------------------------------- run_parallel


def test_run_parallel_keeps_the_order_and_the_limit():
    lock = threading.Lock()
    active, most = [0], [0]
    together = threading.Barrier(4, timeout=10)  # broken unless four run at once

    def work(n):
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        if n < 4:
            together.wait()
        time.sleep(0.01 * (8 - n))  # the first items finish last
        with lock:
            active[0] -= 1
        return n * 10

    assert run_parallel(work, range(8)) == [0, 10, 20, 30, 40, 50, 60, 70]
    assert most[0] == 4


def test_run_parallel_with_one_at_a_time_and_with_nothing():
    seen = []
    lock = threading.Lock()
    active, most = [0], [0]

    def work(item):
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
            seen.append(item)
        time.sleep(0.01)
        with lock:
            active[0] -= 1
        return item.upper()

    assert run_parallel(work, ["a", "b", "c"], limit=1) == ["A", "B", "C"]
    assert most[0] == 1 and seen == ["a", "b", "c"]
    assert run_parallel(work, []) == []


def test_run_parallel_passes_an_error_on():
    def work(n):
        if n == 2:
            raise ValueError("two")
        return n

    with pytest.raises(ValueError, match="two"):
        run_parallel(work, range(5))


# ---------------------------------------------------------------- what each collector keeps


def test_the_collectors_keep_their_own_reading_of_the_same_output():
    storage = linux_storage.Tools(5, path=["/nonexistent"])
    aix = AIX.Tools(5, path=["/nonexistent"])
    # exit 1 with a report and a warning: storage reads the report, AIX keeps the warning
    assert storage.interpret(["lspath"], 1, "path0\n", "warn\n") == "path0\n"
    assert aix.interpret("lspath", 1, "path0\n", "warn\n") == "path0\nwarn\n"
    # exit 0 with the findings on stderr only: AIX reads them (lppchk -v, errpt)
    assert storage.interpret(["lppchk", "-v"], 0, "", "fileset x\n") == ""
    assert aix.interpret("lppchk -v", 0, "", "fileset x\n") == "fileset x\n"
    # lppchk exits non-zero with the inconsistencies on stderr: AIX reads them
    assert aix.interpret("lppchk -v", 1, "", "fileset x\n") == "fileset x\n"
    assert key(aix.interpret("lsvg -o", 1, "", "lsvg: 0516-321\n")) == "reason.exited"
    # each platform's refusal words
    assert storage.interpret(["sg_logs"], 1, "", "running as a non-root user\n")["cause"] \
        == "no_permission"
    assert key(aix.interpret("x", 1, "", "running as a non-root user\n")) == "reason.exited"
    assert aix.interpret("fcstat fcs0", 1, "", "3002-400 not authorized\n")["cause"] == \
        "no_permission"
    # storage: every exit status read (ok_codes None), a name of its own
    assert storage.interpret(["/usr/sbin/smartctl", "-a"], 4, "", "", ok_codes=None,
                             name="smartctl /dev/sda")["error"]["params"]["command"] == \
        "smartctl /dev/sda"
    assert storage.interpret(["smartctl", "-a"], 64, "SMART ok\n", "",
                             ok_codes=None) == "SMART ok\n"
    # 126/127 with only stdout: storage quotes it, AIX's message is stderr's (none)
    assert key(storage.interpret(["x"], 127, "not found\n", "")) == "reason.exited"
    assert key(aix.interpret("x", 127, "not found\n", "")) == "reason.exited_silent"
    assert aix.env["ODMDIR"]
