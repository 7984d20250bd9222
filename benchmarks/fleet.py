#!/usr/bin/env python3
"""Benchmark: a loopback fleet of N SSH hosts, inspected side by side with the one-SSH floor.

    .venv/bin/python benchmarks/fleet.py --hosts 20 [--hosts 100 ...] \
        [--modes floor,weibao,pertask,roles]

The harness starts its own sshd processes (one per 16 addresses in 127.77.0.0/16, port
2222, throwaway ssh-keygen host and user keys, root by key only, this machine's
/usr/sbin/sshd) and stops them at the end. Every "host" is this machine over SSH: the
collectors read this machine's /proc, logs and package state, so the remote side's CPU is
this machine's too; only the controller's side is measured:

* controller CPU: every process the harness starts and waits for (resource.getrusage
  RUSAGE_CHILDREN: weibao, ansible-playbook, its forks, ssh clients) plus the ssh
  ControlPersist masters Ansible leaves in the background, which no one waits for (their
  /proc/PID/schedstat, read every 0.2 s while they live and before they are stopped; the
  last 0.2 s of one that exits during the run is missed). `weibao inspect` leaves none: its
  runs pass ssh_args without ControlPersist;
* runner CPU: the weibao process alone (its event handling, store and archive), written by
  the process itself at exit (RUSAGE_SELF);
* peak controller memory: the largest sum of RSS over the controller's processes, sampled
  every 0.2 s (it counts the forked workers' shared pages in each of them, so it overstates),
  and the largest sum of their PSS, sampled every 2 s (shared pages divided among sharers);
* tasks and events per host: counted from the run's archived ansible-runner events
  (weibao), or by a small counting callback under the same event names (pertask, roles:
  ansible-playbook with no screen output, so no ansible-runner event files to pay for);
* ok: the hosts that completed (floor: the script ran; weibao: "inspected"; pertask and
  roles: no failed, unreachable or never-run task). A run short of N exits 1: its figures
  measured something else.

Modes, run one after the other in the same invocation:

* ``floor``: one shell script of the same reads (CPU sample, memory, filesystems, processes,
  units, time sync, kernel log, pending updates, block devices, links) over one SSH
  connection per host, 20 at a time (the forks of ansible.cfg); the script is FLOOR_CHECKS'
  commands, one line each;
* ``pertask``: the same checks written as one Ansible task each, as a reader would write
  them (FLOOR_CHECKS: 30 ``command``/``shell`` tasks, the sample's sleep included, failures
  ignored as the script ignores them), gather_facts false, through ansible-playbook with the
  project's ansible.cfg (pipelining, ControlPersist, forks 20);
* ``weibao``: ``weibao inspect`` of the fleet (the one-task inspection of
  playbooks/monthly_inspection.yml);
* ``roles``: the four roles as a play of their own with fact gathering and the completion
  fact (what monthly_inspection.yml ran before the one-task inspection), through
  ansible-playbook.

Figures only, no test depends on them. ``--hung K`` adds K addresses that accept TCP and
never answer SSH. ``--keep DIR`` keeps each fleet's work folder as DIR/fleet-N (the
``weibao`` mode's events, for benchmarks/runner_replay.py). ``WEIBAO_BENCH_PROFILE=FILE``
writes a cProfile (CPU time) of the weibao process of the ``weibao`` mode to FILE, to see
where the runner's own CPU goes.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PORT = 2222
PER_SSHD = 16
SAMPLE_SECONDS = 1
PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")

# The checks, one (name, shell command) per check or source, in the order they run: the
# single source of both the floor (all of them as one script over one connection) and pertask
# (one Ansible task each). Every command ignores its errors and the next one runs, as a
# script does; a file that may be missing is read with its errors sent to /dev/null.
_LOG_FAULTS = "grep -ciE 'error|fail|i/o|oom'"
FLOOR_CHECKS: list[tuple[str, str]] = [
    ("CPU and disk counters, first sample", "cat /proc/stat /proc/diskstats"),
    ("CPU sample interval", f"sleep {SAMPLE_SECONDS}"),
    ("CPU and disk counters, second sample", "cat /proc/stat /proc/diskstats"),
    ("Load average", "cat /proc/loadavg"),
    ("Memory", "cat /proc/meminfo"),
    ("Swap", "cat /proc/swaps"),
    ("Mounts and fstab", "cat /proc/mounts /etc/fstab 2>/dev/null"),
    ("Uptime and boot id", "cat /proc/uptime /proc/sys/kernel/random/boot_id"),
    ("Network counters", "cat /proc/net/dev"),
    ("Software RAID", "cat /proc/mdstat 2>/dev/null"),
    ("Filesystem usage", "df -P -k 2>&1"),
    ("Inode usage", "df -P -i 2>&1"),
    ("Processes", "ps -eo pid,ppid,stat,rss,pcpu,etimes,comm 2>&1"),
    ("Failed units", "systemctl --failed --no-legend --plain 2>&1"),
    ("System state", "systemctl is-system-running 2>&1"),
    ("Time sync", "timedatectl show 2>&1; chronyc -n tracking 2>&1; ntpq -pn 2>&1"),
    ("Kernel errors in the journal",
     f"journalctl -q -k --since '-31 days' -o short-iso 2>/dev/null | {_LOG_FAULTS}"),
    ("Errors in the syslog files",
     f"cat /var/log/syslog /var/log/kern.log /var/log/messages 2>/dev/null | {_LOG_FAULTS}"),
    ("Kernel ring buffer", "dmesg 2>/dev/null | tail -n 200"),
    ("Pending updates", "apt-get -s -o Debug::NoLocking=1 dist-upgrade 2>/dev/null"
                        " | grep -c '^Inst'"),
    ("Reboot required", "ls -l /var/run/reboot-required 2>&1"),
    ("Recent package changes", "cat /var/log/dpkg.log 2>/dev/null | tail -n 50"),
    ("Block devices",
     "lsblk -b -J -o NAME,TYPE,SIZE,ROTA,TRAN,MODEL,SERIAL,STATE,MOUNTPOINT 2>&1"),
    ("Disk statistics and states",
     "for d in /sys/block/*; do cat $d/stat $d/device/state 2>/dev/null; done"),
    ("SMART devices", "smartctl --scan 2>&1"),
    ("LVM", "pvs 2>&1; vgs 2>&1; lvs 2>&1"),
    ("Multipath", "multipath -ll 2>&1"),
    ("Tape, FC and InfiniBand", "ls /sys/class/scsi_tape /sys/class/fc_host"
                                " /sys/class/infiniband 2>&1"),
    ("Network links", "ip -s -o link 2>&1"),
    ("Interface state", "for i in /sys/class/net/*; do"
                        " cat $i/operstate $i/speed $i/carrier_changes 2>/dev/null; done"),
]
# the floor: the same sources the collectors read, as one script over one connection
FLOOR_SCRIPT = "".join(f"{command}\n" for _name, command in FLOOR_CHECKS)
_SHELL_SYNTAX = set("|;&<>$*`'\"")

SSHD_CONFIG = """\
Port {port}
{listen}
HostKey {work}/host_ed25519
PidFile {work}/sshd-{index}.pid
AuthorizedKeysFile {work}/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
MaxStartups 400
MaxSessions 400
LogLevel ERROR
Subsystem sftp /usr/lib/openssh/sftp-server
"""


def address(i: int) -> str:
    return f"127.77.{i // 200}.{i % 200 + 1}"


def proc_cpu(pid: int) -> float:
    """A running process's CPU time in seconds, to the nanosecond (/proc/PID/schedstat; its
    utime and stime in /proc/PID/stat count whole clock ticks, and an ssh master that served
    one session uses a few milliseconds: it read as 0)."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        pass
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def all_procs() -> dict[int, tuple[int, int, str]]:
    """{pid: (ppid, rss bytes, cmdline)} of every process."""
    out = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()
            cmd = Path(f"/proc/{entry.name}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        out[int(entry.name)] = (int(stat[1]), int(stat[21]) * PAGE, cmd.decode(errors="replace"))
    return out


def masters(cp_dir: Path) -> list[int]:
    """The ssh ControlPersist masters of this benchmark (their control path names cp_dir)."""
    return [pid for pid, (_pp, _rss, cmd) in all_procs().items()
            if cmd.startswith("ssh: ") and str(cp_dir) in cmd]


class MemorySampler(threading.Thread):
    """Peak of the summed RSS of this process's descendants and the ssh masters, every
    0.2 s; and of their summed PSS every 2 s (/proc/PID/smaps_rollup: each shared page
    divided among the processes sharing it, so the forked workers' copy-on-write pages count
    once; reading it walks each process's page tables, hence the slower pace)."""

    PSS_EVERY = 10  # samples

    def __init__(self, cp_dir: Path, exclude: set[int]) -> None:
        super().__init__(daemon=True)
        self.cp_dir, self.peak, self.peak_pss, self.stop = cp_dir, 0, 0, threading.Event()
        # {pid: CPU seconds} of the ssh ControlPersist masters, as last seen: one that exits
        # during the run (60 s after its host's last task) is no child of ours to count
        self.master_cpu: dict[int, float] = {}
        self.exclude = exclude  # the fleet's sshd: the hosts' side, not the controller's

    def run(self) -> None:
        me = os.getpid()
        sample = 0
        while not self.stop.is_set():
            procs = all_procs()
            tree, total = {me}, 0
            changed = True
            while changed:
                changed = False
                for pid, (ppid, _rss, cmd) in procs.items():
                    if pid not in tree and pid not in self.exclude and (ppid in tree or (
                            cmd.startswith("ssh: ") and str(self.cp_dir) in cmd)):
                        tree.add(pid)
                        changed = True
            total = sum(procs[p][1] for p in tree if p in procs and p != me)
            self.peak = max(self.peak, total)
            for pid, (_pp, _rss, cmd) in procs.items():  # masters exit 60 s after last use
                if cmd.startswith("ssh: ") and str(self.cp_dir) in cmd:
                    self.master_cpu[pid] = max(self.master_cpu.get(pid, 0.0), proc_cpu(pid))
            if sample % self.PSS_EVERY == 0:
                self.peak_pss = max(self.peak_pss, sum(pss(p) for p in tree if p != me))
            sample += 1
            self.stop.wait(0.2)


def pss(pid: int) -> int:
    """A process's proportional set size in bytes (0 once it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


class Fleet:
    def __init__(self, work: Path, n: int, hung: int) -> None:
        self.work, self.n, self.hung = work, n, hung
        self.sshd: list[subprocess.Popen] = []
        self.hung_sockets: list[socket.socket] = []
        self.key = work / "user_ed25519"
        self.known_hosts = work / "known_hosts"

    def start(self) -> None:
        Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation directory
        for name in ("host_ed25519", "user_ed25519"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "weibao-bench",
                            "-f", str(self.work / name)], check=True)
        shutil.copy(self.work / "user_ed25519.pub", self.work / "authorized_keys")
        host_pub = (self.work / "host_ed25519.pub").read_text().split()[:2]
        self.known_hosts.write_text("".join(
            f"[{address(i)}]:{PORT} {' '.join(host_pub)}\n" for i in range(self.n)))
        for index in range(0, self.n, PER_SSHD):
            listen = "\n".join(f"ListenAddress {address(i)}:{PORT}"
                               for i in range(index, min(index + PER_SSHD, self.n)))
            conf = self.work / f"sshd-{index}.conf"
            conf.write_text(SSHD_CONFIG.format(port=PORT, listen=listen, work=self.work,
                                               index=index))
            with (self.work / f"sshd-{index}.log").open("w") as log:
                self.sshd.append(subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(conf)],
                                                  stderr=log))
        for i in range(self.hung):  # accepts TCP, never says a word
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((self.hung_address(i), PORT))
            s.listen(64)
            self.hung_sockets.append(s)
        deadline = time.monotonic() + 10
        for i in range(self.n):
            while True:
                try:
                    socket.create_connection((address(i), PORT), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)

    def hung_address(self, i: int) -> str:
        return f"127.78.0.{i + 1}"

    def ssh_args(self) -> list[str]:
        return ["-i", str(self.key), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", f"UserKnownHostsFile={self.known_hosts}", "-o", "ConnectTimeout=10"]

    def inventory(self, path: Path) -> Path:
        hosts = {}
        for i in range(self.n):
            hosts[f"bench-{i:03d}"] = {"ansible_host": address(i)}
        for i in range(self.hung):
            hosts[f"hung-{i:03d}"] = {"ansible_host": self.hung_address(i)}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump({"all": {
            "vars": {"weibao_site": {"name": "bench"}, "ansible_port": PORT,
                     "ansible_user": "root", "ansible_python_interpreter": "/usr/bin/python3",
                     "ansible_ssh_private_key_file": str(self.key),
                     "ansible_ssh_common_args": f"-o UserKnownHostsFile={self.known_hosts} "
                                                "-o IdentitiesOnly=yes",
                     "inspect_system_sample_seconds": SAMPLE_SECONDS},
            "hosts": hosts}}))
        return path

    def stop(self) -> None:
        for p in self.sshd:
            p.terminate()
        for p in self.sshd:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
        for s in self.hung_sockets:
            s.close()


def measure(fleet: Fleet, label: str, run) -> dict:
    cp_dir = fleet.work / f"cp-{label}"
    cp_dir.mkdir()
    if hasattr(run, "prepare"):  # outside the measured window
        run.prepare()
    sampler = MemorySampler(cp_dir, {p.pid for p in fleet.sshd})
    sampler.start()
    cpu0, t0 = children_cpu(), time.monotonic()
    extra = run(cp_dir) or {}
    wall, cpu = time.monotonic() - t0, children_cpu() - cpu0
    pids = masters(cp_dir)
    seen = dict(sampler.master_cpu)
    seen.update((p, max(seen.get(p, 0.0), proc_cpu(p))) for p in pids)
    master_cpu = sum(seen.values())
    for pid in pids:  # the masters this run left (ControlPersist), by their own pid
        os.kill(pid, signal.SIGTERM)
    sampler.stop.set()
    sampler.join()
    return {"mode": label, "hosts": fleet.n, "wall": wall, "cpu": cpu + master_cpu,
            "ssh_masters_cpu": master_cpu, "peak_rss_mb": sampler.peak / 2**20,
            "peak_pss_mb": sampler.peak_pss / 2**20, **extra}


def run_floor(fleet: Fleet, forks: int):
    def one(i: int) -> tuple[int, bool]:
        proc = subprocess.run(["ssh", *fleet.ssh_args(), "-p", str(PORT), f"root@{address(i)}",
                               "sh -s"], input=FLOOR_SCRIPT.encode(), capture_output=True,
                              timeout=300)
        return len(proc.stdout), proc.returncode != 255 and bool(proc.stdout)  # 255: ssh's own

    def run(_cp_dir: Path) -> dict:
        with concurrent.futures.ThreadPoolExecutor(forks) as pool:
            done = list(pool.map(one, range(fleet.n)))
        return {"bytes_per_host": sum(size for size, _ok in done) // fleet.n,
                "ok": sum(ok for _size, ok in done), "tasks_per_host": 0, "events_per_host": 0}

    return run


def summarise_events(per_host: dict[str, dict[str, int]], hostless: int) -> dict:
    """Tasks and events per fleet host from {host: {event name: count}} (the names of
    ansible-runner's events); a host is ok when none of its events says failed (errors not
    ignored), unreachable, or a command task whose command never ran."""
    bench = {h: c for h, c in per_host.items() if h.startswith("bench-")}
    return {"events_per_host": max((sum(c.values()) for c in bench.values()), default=0),
            "tasks_per_host": max((c.get("runner_on_start", 0) for c in bench.values()),
                                  default=0),
            "events_without_host": hostless,
            "ok": sum(1 for c in bench.values()
                      if c.get("runner_on_start") and not c.get("runner_on_failed")
                      and not c.get("runner_on_unreachable")
                      and not c.get("runner_on_ok_not_run"))}


def count_events(events_dir: Path, n_hosts: int) -> dict:
    per_host: dict[str, dict[str, int]] = {}
    hostless = 0
    for path in events_dir.glob("*.json"):
        event = json.loads(path.read_text())
        data = event.get("event_data") or {}
        host = data.get("host")
        if not host:
            hostless += 1
            continue
        name = event.get("event", "")
        if name == "runner_on_failed" and data.get("ignore_errors"):
            name = "runner_on_failed_ignored"
        counts = per_host.setdefault(host, {})
        counts[name] = counts.get(name, 0) + 1
    return summarise_events(per_host, hostless)


# ansible-playbook's runs (roles, pertask) count their events with this callback instead of
# ansible-runner's (whose event files would add its own cost to theirs): per host, the
# events ansible-runner would write, under its names; and the events without a host.
COUNT_CALLBACK = """\
import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "weibao_bench_count"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.per_host, self.hostless = {}, 0

    def _host(self, name, host):
        counts = self.per_host.setdefault(host.get_name(), {})
        counts[name] = counts.get(name, 0) + 1

    def _none(self, *args, **kwargs):
        self.hostless += 1

    v2_playbook_on_start = v2_playbook_on_play_start = v2_playbook_on_task_start = _none
    v2_playbook_on_handler_task_start = v2_playbook_on_cleanup_task_start = _none
    v2_playbook_on_include = v2_playbook_on_no_hosts_matched = _none
    v2_playbook_on_no_hosts_remaining = v2_runner_on_no_hosts = _none

    def v2_runner_on_start(self, host, task):
        self._host("runner_on_start", host)

    def v2_runner_on_ok(self, result):
        # failed_when: false also turns a module that never ran the command (no interpreter,
        # a module failure: no rc, or the raw module output) into ok: count it apart
        ran = "rc" in result._result and "module_stdout" not in result._result
        command = result._task.action.rsplit(".", 1)[-1] in ("command", "shell")
        self._host("runner_on_ok" if ran or not command else "runner_on_ok_not_run",
                   result._host)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._host("runner_on_failed_ignored" if ignore_errors else "runner_on_failed",
                   result._host)

    def v2_runner_on_skipped(self, result):
        self._host("runner_on_skipped", result._host)

    def v2_runner_on_unreachable(self, result):
        self._host("runner_on_unreachable", result._host)

    def v2_runner_item_on_ok(self, result):
        self._host("runner_item_on_ok", result._host)

    def v2_runner_item_on_failed(self, result):
        self._host("runner_item_on_failed", result._host)

    def v2_runner_item_on_skipped(self, result):
        self._host("runner_item_on_skipped", result._host)

    def v2_runner_retry(self, result):
        self._host("runner_retry", result._host)

    def v2_playbook_on_stats(self, stats):
        self.hostless += 1
        with open(os.environ["WEIBAO_BENCH_EVENTS"], "w") as f:
            json.dump({"per_host": self.per_host, "hostless": self.hostless}, f)
"""


def env_for(cp_dir: Path, forks: int) -> dict[str, str]:
    return {**os.environ, "ANSIBLE_FORKS": str(forks),
            "ANSIBLE_SSH_CONTROL_PATH_DIR": str(cp_dir),
            "PATH": str(BIN) + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8"}


# weibao run in process, so that the runner's own CPU (RUSAGE_SELF: events, store, archive,
# but not ansible-playbook's) can be written at exit
WEIBAO_WRAPPER = """\
import atexit, json, os, resource, sys, time
out = sys.argv.pop(1)
profile = os.environ.get("WEIBAO_BENCH_PROFILE")  # a cProfile of the runner's CPU, if asked
if profile:  # from before weibao's import: its start-up is part of the runner's CPU
    import cProfile
    prof = cProfile.Profile(time.process_time)
    prof.enable()
from weibao.cli import main
def _self():
    r = resource.getrusage(resource.RUSAGE_SELF)
    with open(out, "w") as f:
        json.dump({"cpu": r.ru_utime + r.ru_stime}, f)
    if profile:
        prof.disable()
        prof.dump_stats(profile)
atexit.register(_self)
sys.argv[0] = "weibao"
main()
"""


def run_weibao(fleet: Fleet, forks: int, label: str):
    def run(cp_dir: Path) -> dict:
        data = fleet.work / f"data-{label}"
        inv = fleet.inventory(fleet.work / f"inv-{label}" / "hosts.yml")
        selfcpu = fleet.work / f"self-{label}.json"
        wrapper = fleet.work / "weibao_wrapper.py"
        wrapper.write_text(WEIBAO_WRAPPER)
        proc = subprocess.run([sys.executable, str(wrapper), str(selfcpu), "--data-dir",
                               str(data), "inspect", "--inventory", str(inv.parent),
                               "--period", dt.date.today().strftime("%Y-%m")],
                              capture_output=True, text=True, env=env_for(cp_dir, forks),
                              cwd=ROOT)
        lines = (proc.stdout + proc.stderr).strip().splitlines()
        inspected = sum(1 for line in lines if line.endswith(": inspected"))
        out = {"exit": proc.returncode, "inspected": inspected, "ok": inspected,
               "runner_cpu": json.loads(selfcpu.read_text())["cpu"]}
        if inspected < fleet.n:
            out["stderr"] = (proc.stdout + proc.stderr)[-1500:]
        out.update(count_events(data / "artifacts" / "run-1" / "artifacts" / "ansible"
                                / "job_events", fleet.n))
        return out

    def prepare() -> None:
        # the store exists before the run, as a provider's does: creating it and running its
        # migrations (about 0.15 s, once) is not an inspection's cost. `weibao runs` makes it.
        subprocess.run([sys.executable, "-m", "weibao", "--data-dir",
                        str(fleet.work / f"data-{label}"), "runs"],
                       check=True, capture_output=True, cwd=ROOT)

    run.prepare = prepare
    return run


ROLES_PLAY = """\
- name: The monthly inspection as the four roles (before the one-task inspection)
  hosts: all
  gather_facts: true
  roles: [inspect_system, inspect_errlog, inspect_patch, inspect_storage]
  post_tasks:
    - name: Mark the inspection of this host complete
      ansible.builtin.set_fact:
        weibao_inspection_complete: true
"""


def pertask_play() -> list[dict]:
    """The floor's checks as one task each: ``command`` where a check is a plain command,
    ``shell`` where it needs a shell (pipes, redirections, loops); failures ignored, as the
    floor's script runs on after any of them."""
    tasks = []
    for name, command in FLOOR_CHECKS:
        if any(mark in command for mark in ("{{", "{%", "{#")):
            raise ValueError(f"{name}: a check's command must not look like a template")
        module = ("ansible.builtin.shell" if _SHELL_SYNTAX & set(command)
                  else "ansible.builtin.command")
        tasks.append({"name": name, module: command, "changed_when": False,
                      "failed_when": False})
    return [{"name": "The floor's checks, one Ansible task each", "hosts": "all",
             "gather_facts": False, "tasks": tasks}]


def run_playbook(fleet: Fleet, forks: int, label: str, play_text: str):
    """ansible-playbook of play_text with the project's ansible.cfg (pipelining,
    ControlPersist, forks), no screen output, events counted by COUNT_CALLBACK."""
    def run(cp_dir: Path) -> dict:
        inv = fleet.inventory(fleet.work / f"inv-{label}" / "hosts.yml")
        play = fleet.work / f"{label}_play.yml"
        play.write_text(play_text)
        callbacks = fleet.work / "callback"
        callbacks.mkdir(exist_ok=True)
        (callbacks / "weibao_bench_count.py").write_text(COUNT_CALLBACK)
        events = fleet.work / f"events-{label}.json"
        env = {**env_for(cp_dir, forks), "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
               "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.null",
               "ANSIBLE_CALLBACK_PLUGINS": f"{ROOT / 'plugins' / 'callback'}:{callbacks}",
               "ANSIBLE_CALLBACKS_ENABLED": "weibao_bench_count",
               "WEIBAO_BENCH_EVENTS": str(events)}
        proc = subprocess.run([str(BIN / "ansible-playbook"), "-i", str(inv), str(play)],
                              capture_output=True, text=True, env=env, cwd=ROOT)
        out: dict = {"exit": proc.returncode}
        if events.exists():
            counted = json.loads(events.read_text())
            out.update(summarise_events(counted["per_host"], counted["hostless"]))
        else:
            out["ok"] = 0
        if out["ok"] < fleet.n:
            out["stderr"] = (proc.stdout + proc.stderr)[-1500:]
        return out

    return run


def run_roles(fleet: Fleet, forks: int, label: str):
    return run_playbook(fleet, forks, label, ROLES_PLAY)


def run_pertask(fleet: Fleet, forks: int, label: str):
    return run_playbook(fleet, forks, label, yaml.safe_dump(pertask_play(), sort_keys=False,
                                                            width=1000))


MODES = {"floor": lambda fleet, forks: run_floor(fleet, forks),
         "weibao": lambda fleet, forks: run_weibao(fleet, forks, "weibao"),
         "pertask": lambda fleet, forks: run_pertask(fleet, forks, "pertask"),
         "roles": lambda fleet, forks: run_roles(fleet, forks, "roles")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, action="append", help="fleet size (repeatable)")
    ap.add_argument("--modes", default="floor,weibao", help=",".join(MODES))
    ap.add_argument("--forks", type=int, default=20)
    ap.add_argument("--hung", type=int, default=0, help="hosts that accept TCP and hang")
    ap.add_argument("--json", type=Path, help="append the figures to this JSON-lines file")
    ap.add_argument("--keep", type=Path, help="keep each fleet's work folder (its runs' "
                    "events, for benchmarks/runner_replay.py) under this folder")
    args = ap.parse_args()
    modes = args.modes.split(",")
    if unknown := [m for m in modes if m not in MODES]:
        ap.error(f"unknown mode {', '.join(unknown)}: the modes are {', '.join(MODES)}")
    results = []
    for n in args.hosts or [20]:
        work = Path(tempfile.mkdtemp(prefix="weibao-fleet-"))
        fleet = Fleet(work, n, args.hung)
        try:
            fleet.start()
            for mode in modes:
                r = measure(fleet, mode, MODES[mode](fleet, args.forks))
                r.update(date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                         machine=f"{platform.node()} {os.cpu_count()} cores "
                                 f"{platform.release()} Python {platform.python_version()}",
                         forks=args.forks, hung=args.hung)
                results.append(r)
                print(json.dumps(r), flush=True)
                if args.json:
                    with args.json.open("a") as f:
                        f.write(json.dumps(r) + "\n")
        finally:
            fleet.stop()
            if args.keep:  # the keys and sshd files are throwaway; the runs' data is kept
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.move(str(work), str(args.keep / f"fleet-{n}"))
            else:
                shutil.rmtree(work, ignore_errors=True)
    print(f"{'mode':8} {'N':>4} {'ok':>4} {'wall s':>8} {'CPU s':>8} {'CPU/host':>9} "
          f"{'runner':>7} {'RSS MB':>7} {'PSS MB':>7} {'tasks/h':>7} {'events/h':>8}")
    for r in results:
        print(f"{r['mode']:8} {r['hosts']:>4} {r['ok']:>4} {r['wall']:8.1f} {r['cpu']:8.1f} "
              f"{r['cpu'] / r['hosts']:9.3f} {r.get('runner_cpu', 0):7.1f} "
              f"{r['peak_rss_mb']:7.0f} {r.get('peak_pss_mb', 0):7.0f} "
              f"{r.get('tasks_per_host', '-'):>7} "
              f"{r.get('events_per_host', '-'):>8}")
    short = [f"{r['mode']} (N={r['hosts']})" for r in results if r["ok"] < r["hosts"]]
    if short:  # a run that did not reach every host measured something else
        print(f"not every host completed in: {', '.join(short)}; see the stderr in the JSON",
              file=sys.stderr)
    return 1 if short else 0


if __name__ == "__main__":
    sys.exit(main())
