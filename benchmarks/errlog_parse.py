#!/usr/bin/env python3
# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark the error-log scanner (prefilter + parser + classifier + counter).

Writes a realistic syslog file (default 1,000,000 lines, classic RHEL format) into a
temporary folder: mostly noise from systemd, cron, sshd, firewall, postfix, chrony, auditd
and applications (with words like "error" and "reset"), kernel lines that pass the keyword
prefilter without being events (XFS/EXT4 mounts, EDAC start-up, NIC link up), and ~0.1 %
kernel hardware/storage/network/OOM events. Then scans it exactly as the module does (bytes
lines of at most 64 KiB) and prints lines/s, wall time, events found and the peak RSS of the
process before and after the scan (resource.getrusage ru_maxrss).

    .venv/bin/python benchmarks/errlog_parse.py [--lines N] [--format classic|rfc3339]
        [--runs N] [--local-time]

``--runs N`` scans the same file N times and prints every run and the fastest (the machines
are shared: compare the fastest of several runs). ``--local-time`` reads the timestamps in
the system's time zone, as the module does on a host (default: UTC).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "runner"))

from weibao.content import enable_module_utils  # noqa: E402

enable_module_utils()

from ansible.module_utils.weibao_inspection.parsers.errlog_classes import (  # noqa: E402
    CLASSES,
)
from ansible.module_utils.weibao_inspection.parsers.errlog_tally import (  # noqa: E402
    EventCounter,
    SourceStats,
    iter_lines,
    scan,
)
from ansible.module_utils.weibao_inspection.parsers.linux_errlog import (  # noqa: E402
    parse_syslog_line,
)

NOISE = (
    "systemd[1]: Started Session {n} of User root.",
    "systemd[1]: session-{n}.scope: Deactivated successfully.",
    "systemd-logind[812]: New session {n} of user deploy.",
    "CROND[{pid}]: (root) CMD (/usr/lib64/sa/sa1 1 1)",
    "sshd[{pid}]: Accepted publickey for deploy from 10.1.{a}.{b} port {port} ssh2: RSA SHA256:x",
    "sshd[{pid}]: Connection reset by 10.1.{a}.{b} port {port} [preauth]",
    "sshd[{pid}]: error: kex_exchange_identification: Connection closed by remote host",
    "kernel: IN=eth0 OUT= MAC=00:16:3e:aa:bb:cc SRC=10.2.{a}.{b} DST=10.0.0.5 LEN=60 PROTO=TCP "
    "SPT={port} DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0",
    "postfix/smtpd[{pid}]: connect from unknown[10.3.{a}.{b}]",
    "postfix/qmgr[1771]: 4F{n}: removed",
    "chronyd[901]: Selected source 10.0.0.{a}",
    "auditd[700]: Audit daemon rotating log files",
    "java[{pid}]: 2026-11-{day} INFO  [http-nio-8080-exec-{a}] c.e.OrderService - order {n} ok",
    "java[{pid}]: 2026-11-{day} ERROR [pool-{a}] c.e.Client - request failed: connection reset",
    "nginx[{pid}]: 10.4.{a}.{b} - - \"GET /api/v1/items/{n} HTTP/1.1\" 200 512",
    "NetworkManager[850]: <info>  [17000{n}.1234] dhcp4 (eth0): state changed bound -> bound",
    "rsyslogd[822]: imjournal: {n} messages lost due to rate-limiting",
    "dbus-daemon[790]: [system] Successfully activated service 'org.freedesktop.hostname1'",
    "kernel: TCP: request_sock_TCP: Possible SYN flooding on port 8080. Sending cookies.",
)

# kernel noise that passes the keyword prefilter but is no event
KEYWORD_NOISE = (
    "kernel: XFS (dm-{a}): Ending clean mount",
    "kernel: EXT4-fs (sda1): mounted filesystem with ordered data mode. Quota mode: none.",
    "kernel: EDAC MC0: Giving out device to module skx_edac controller Skylake Socket#0 IMC#0",
    "kernel: e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None",
)

EVENTS = (
    "kernel: blk_update_request: I/O error, dev sdb, sector {n} op 0x0:(READ) flags 0x0 "
    "phys_seg 1 prio class 0",
    "kernel: sd 2:0:0:0: [sdb] tag#{a} Sense Key : Medium Error [current]",
    "kernel: Buffer I/O error on dev sdb1, logical block {n}, async page read",
    "kernel: EDAC MC0: 1 CE memory read error on CPU_SrcID#0_Ha#0_Chan#1_DIMM#0 (channel:1 "
    "slot:0 page:0x{n:x} offset:0x0 grain:32 syndrome:0x0 - area:DRAM err_code:0001:0091)",
    "kernel: ata3: hard resetting link",
    "kernel: ata3.00: failed command: READ FPDMA QUEUED",
    "kernel: ixgbe 0000:03:00.0 eth2: NIC Link is Down",
    "kernel: ixgbe 0000:03:00.0 eth2: NIC Link is Up 10 Gbps, Flow Control: RX/TX",
    "kernel: Out of memory: Killed process {pid} (java) total-vm:8123456kB, anon-rss:7000000kB",
    "kernel: XFS (dm-2): metadata I/O error in \"xfs_trans_read_buf_map\" at daddr 0x{n:x} "
    "len 8 error 5",
    "kernel: mce: [Hardware Error]: Machine check events logged",
    "kernel: qla2xxx [0000:04:00.0]-500b:2: LOOP DOWN detected (2 7 0 0).",
)


def generate(path, lines, fmt, event_rate=0.001, seed=42, keyword_noise=1.0):
    rng = random.Random(seed)
    start = datetime(2026, 10, 20, tzinfo=UTC)
    step = timedelta(days=31) / lines
    written_events = 0
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(lines):
            when = start + step * i
            if fmt == "classic":
                stamp = f"{when:%b} {when.day:2d} {when:%H:%M:%S}"
            else:
                stamp = when.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
            values = dict(n=i, pid=rng.randint(300, 65000), a=rng.randint(0, 254),
                          b=rng.randint(1, 254), port=rng.randint(1024, 65535),
                          day=when.day)
            if rng.random() < event_rate:
                template = rng.choice(EVENTS)
                written_events += 1
            elif rng.random() < keyword_noise * len(KEYWORD_NOISE) / (
                    len(NOISE) + len(KEYWORD_NOISE)):
                template = rng.choice(KEYWORD_NOISE)
            else:
                template = rng.choice(NOISE)
            handle.write(f"{stamp} db01 {template.format(**values)}\n")
    return written_events


def bench(path, reference, since, tz=UTC):
    counter = EventCounter(max_samples=3)
    stats = SourceStats(str(path), "file")
    parse = partial(parse_syslog_line, reference=reference, tz=tz)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    c0 = time.process_time()
    with open(path, "rb") as handle:
        scan(iter_lines(handle), parse, counter, stats, since=since, max_lines=2000000)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return counter, stats, elapsed, cpu, rss_before, rss_after


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000000)
    parser.add_argument("--format", choices=("classic", "rfc3339"), default="classic")
    parser.add_argument("--keyword-noise", type=float, default=1.0,
                        help="relative weight of non-event kernel lines that pass the "
                             "prefilter (0 = none)")
    parser.add_argument("--runs", type=int, default=1, help="scans of the same file")
    parser.add_argument("--local-time", action="store_true",
                        help="timestamps in the system's time zone (as on a host)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "messages"
        t0 = time.perf_counter()
        written = generate(path, args.lines, args.format, keyword_noise=args.keyword_noise)
        gen_time = time.perf_counter() - t0
        reference = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
        os.utime(path, (reference.timestamp(), reference.timestamp()))
        size_mb = path.stat().st_size / 1e6
        since = datetime(2026, 10, 20, tzinfo=UTC)
        runs = []
        for run in range(max(args.runs, 1)):
            runs.append(bench(path, reference, since, None if args.local_time else UTC))
            if args.runs > 1:
                print(f"run {run + 1}: {runs[-1][2]:.2f} s wall, {runs[-1][3]:.2f} s CPU")
        counter, stats, elapsed, cpu, rss0, rss1 = min(runs, key=lambda r: r[2])
    rate = stats.lines / elapsed
    share = 100.0 * stats.candidates / max(stats.lines, 1)
    per_class = ", ".join(f"{c}={counter.total(c)}" for c in (*CLASSES, "unclassified"))
    print(f"file: {args.lines} lines, {size_mb:.1f} MB, {args.format} format, "
          f"{written} event lines (generated in {gen_time:.1f} s)")
    print(f"scan{' (fastest run)' if args.runs > 1 else ''}: {elapsed:.2f} s wall, "
          f"{cpu:.2f} s CPU, {rate:.0f} lines/s "
          f"({stats.lines / cpu:.0f} per CPU second), {size_mb / elapsed:.1f} MB/s")
    print(f"prefilter passed {stats.candidates} lines ({share:.2f} %); "
          f"{counter.total()} events counted ({stats.events} messages)")
    print(f"per class: {per_class}")
    print(f"peak RSS (ru_maxrss): {rss0 / 1024.0:.1f} MB before scan, {rss1 / 1024.0:.1f} MB "
          f"after (growth {(rss1 - rss0) / 1024.0:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
