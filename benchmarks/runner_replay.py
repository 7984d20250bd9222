#!/usr/bin/env python3
"""Benchmark: the runner's own CPU (events, store, archive, lifecycle) without Ansible.

    .venv/bin/python benchmarks/fleet.py --hosts 20 --modes weibao --keep KEEP
    .venv/bin/python benchmarks/runner_replay.py \
        --events KEEP/fleet-20/data-weibao/artifacts/run-1 [--hosts 100 ...] [--profile FILE]

``--events`` is the private folder of one real ``weibao inspect`` run (its
artifacts/ansible/job_events are read). Its events are replayed, in their order, into
``run_inspection`` through its ``runner`` hook (the one a site controller, an offline
result or an AWX job's events use), each host's events once per replayed host under a new
name: N hosts with real results (the findings, counters, performance samples and coverage a
real Linux host gives), for a new store each N. Nothing of Ansible runs, so the figures are
the weibao process's own work per host, which fleet.py can only give as a share of a whole
run, and to a cProfile that slows it down 2-3x.

Printed per N, as process CPU (time.process_time): ``import`` (weibao.cli and what the
inspect command imports), ``inventory`` (load_inventory of N hosts: weibao's checks and
Ansible's InventoryManager), ``run`` (run_inspection: the events, the store, the archive,
closing the run and the findings' lifecycle) and ``run`` per host. Figures only: no test
depends on them.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
t0 = time.process_time()
import weibao.cli  # noqa: F401  - what `weibao inspect` imports first
from weibao.config import load_settings
from weibao.services import ansible as ansible_svc
from weibao.services.inspection import prepare, run_inspection
from weibao.store import Store
t1 = time.process_time()
events_file, inventory, data, profile = sys.argv[1:5]
settings = load_settings(data)
store = Store(settings.db_url)
store.dispose()
t2 = time.process_time()
inv, period = prepare(inventory, None, None, None)
t3 = time.process_time()
events = json.load(open(events_file))

def replay(private_dir, extravars, limit, event_handler, cancelled):
    events_dir = private_dir / "artifacts" / "ansible" / "job_events"
    for event in events:
        event_handler(event)
        ansible_svc.write_event(events_dir, event)
    return ansible_svc.PlaybookResult(status="successful", rc=0, stdout_tail="")

prof = None
if profile:
    import cProfile
    prof = cProfile.Profile(time.process_time)
    prof.enable()
outcome = run_inspection(settings, Store(settings.db_url), inv, period, runner=replay,
                         user="bench")
if prof:
    prof.disable()
    prof.dump_stats(profile)
t4 = time.process_time()
inspected = sum(1 for h in outcome.hosts.values() if h.status == "inspected")
print(json.dumps({"import": t1 - t0, "inventory": t3 - t2, "run": t4 - t3,
                  "inspected": inspected, "findings": sum(outcome.counts.values())}))
"""


def load_events(private_dir: Path) -> list[dict]:
    folder = private_dir / "artifacts" / "ansible" / "job_events"
    if not folder.is_dir():
        sys.exit(f"{folder}: no job_events folder (give the private folder of a weibao run)")
    events = [json.loads(p.read_text()) for p in folder.glob("*.json")]
    return sorted(events, key=lambda e: e.get("counter", 0))


def replicate(events: list[dict], n: int) -> tuple[list[dict], list[str]]:
    """The run's events with each host's events repeated for N host names, in the order of
    the original run (a host's events keep their place; the copies follow each other)."""
    originals = sorted({e["event_data"]["host"] for e in events
                        if (e.get("event_data") or {}).get("host")})
    if not originals:
        sys.exit("the run has no host events")
    names = [f"replay-{i:04d}" for i in range(n)]
    out, counter = [], 0
    for event in events:
        host = (event.get("event_data") or {}).get("host")
        targets = [names[i] for i in range(n) if originals[i % len(originals)] == host] \
            if host else [None]
        for name in targets:
            copied = copy.deepcopy(event)
            counter += 1
            copied["counter"] = counter
            copied["uuid"] = f"{event.get('uuid', 'e')}-{counter}"
            if name:
                copied["event_data"]["host"] = name
                copied["event_data"]["remote_addr"] = name
            out.append(copied)
    return out, names


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=Path, required=True,
                    help="the private folder of a real weibao inspect run")
    ap.add_argument("--hosts", type=int, action="append", help="replayed hosts (repeatable)")
    ap.add_argument("--profile", type=Path, help="a cProfile of run_inspection (last N)")
    args = ap.parse_args()
    events = load_events(args.events)
    print(f"{'N':>5} {'import s':>9} {'inventory s':>12} {'run s':>7} {'run/host ms':>12} "
          f"{'inspected':>9}")
    for n in args.hosts or [100]:
        work = Path(tempfile.mkdtemp(prefix="weibao-replay-"))
        try:
            replayed, names = replicate(events, n)
            (work / "events.json").write_text(json.dumps(replayed))
            inv = work / "inv" / "hosts.yml"
            inv.parent.mkdir()
            inv.write_text(yaml.safe_dump({"all": {
                "vars": {"weibao_site": {"name": "bench"}},
                "hosts": {name: {"ansible_host": "127.0.0.1"} for name in names}}}))
            subprocess.run([sys.executable, "-m", "weibao", "--data-dir", str(work / "data"),
                            "runs"], check=True, capture_output=True, cwd=ROOT)
            env = dict(os.environ, PYTHONPATH=str(ROOT / "runner"))
            proc = subprocess.run([sys.executable, "-c", CHILD, str(work / "events.json"),
                                   str(inv.parent), str(work / "data"),
                                   str(args.profile or "")],
                                  capture_output=True, text=True, cwd=ROOT, env=env)
            if proc.returncode:
                sys.stderr.write(proc.stderr[-3000:])
                return 1
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"{n:>5} {r['import']:9.3f} {r['inventory']:12.3f} {r['run']:7.3f} "
                  f"{r['run'] / n * 1000:12.2f} {r['inspected']:>9}", flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
