#!/usr/bin/env python3
"""Benchmark: inspect N hosts through the real runner and print wall time and CPU per host.

    .venv/bin/python benchmarks/inspect_hosts.py --hosts 10                 # local connection
    .venv/bin/python benchmarks/inspect_hosts.py --hosts 5 --podman         # podman containers

Local-connection hosts all run on this machine, so "controller CPU" there includes the
modules' own work; with --podman the modules run inside containers (their CPU is still this
machine's, but not this process tree's). Figures only: no test depends on them.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
IMAGE = "localhost/weibao-debian12:latest"


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=10)
    ap.add_argument("--podman", action="store_true", help="inspect podman containers")
    ap.add_argument("--forks", type=int, default=20)
    args = ap.parse_args()

    # podman here needs the project's containers.conf (ulimits, runc): see tests/podman/
    os.environ.setdefault("CONTAINERS_CONF", str(ROOT / "tests" / "podman" / "containers.conf"))
    work = Path(tempfile.mkdtemp(prefix="weibao-bench-"))
    containers: list[str] = []
    hosts = {}
    try:
        for i in range(args.hosts):
            name = f"bench-{i:03d}"
            if args.podman:
                cname = f"weibao-bench-{uuid.uuid4().hex[:8]}"
                subprocess.run(["podman", "run", "-d", "--init", "--name", cname, IMAGE,
                                "sleep", "infinity"], check=True, capture_output=True)
                containers.append(cname)
                hosts[name] = {"ansible_connection": "containers.podman.podman",
                               "ansible_host": cname,
                               "ansible_python_interpreter": "/usr/bin/python3"}
            else:
                hosts[name] = {"ansible_connection": "local",
                               "ansible_python_interpreter": sys.executable}
        inv = work / "inventory" / "hosts.yml"
        inv.parent.mkdir()
        inv.write_text(yaml.safe_dump({"all": {
            "vars": {"weibao_site": {"name": "bench"}, "inspect_system_sample_seconds": 1},
            "hosts": hosts}}))
        cmd = [str(Path(sys.executable).parent / "weibao"), "--data-dir", str(work / "data"),
               "inspect", "--inventory", str(inv.parent)]
        # the caller's environment (HOME, CONTAINERS_CONF for podman on these machines) with
        # the venv first on PATH and the forks asked for
        env = {**os.environ, "ANSIBLE_FORKS": str(args.forks),
               "PATH": str(Path(sys.executable).parent) + os.pathsep
               + os.environ.get("PATH", "/usr/bin:/bin:/usr/sbin:/sbin")}
        cpu0, t0 = cpu_seconds(), time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        wall, cpu = time.monotonic() - t0, cpu_seconds() - cpu0
        print(proc.stdout.strip())
        print(f"hosts={args.hosts} connection={'podman' if args.podman else 'local'} "
              f"forks={args.forks} exit={proc.returncode}")
        print(f"wall {wall:.1f} s ({wall / args.hosts:.2f} s/host); controller CPU "
              f"{cpu:.1f} s ({cpu / args.hosts:.2f} s/host)")
        return 0
    finally:
        for cname in containers:
            subprocess.run(["podman", "rm", "-f", "-t", "0", cname], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
