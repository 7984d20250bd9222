#!/usr/bin/python
# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: weibao_inspect_errlog
short_description: Inspect a Linux host's logs for hardware, storage, network and OOM errors
description:
  - Reads the host's logs since the last inspection (the journal, or dmesg plus syslog files)
    in one streaming pass and classifies kernel messages into machine checks, memory ECC
    errors, disk I/O errors, filesystem errors, storage link/transport errors (the contract's
    "cables and connectors" check), NIC link flaps, out-of-memory kills and hung tasks or
    CPU lockups. A line no class matched that carries a fault keyword (error, fail, fault,
    panic, timeout, reset, offline, corrupt, ...) is counted and shown, never dropped.
  - Counts events per class and component (disk, interface, memory controller, process),
    keeps the first and last time and a few sample lines, and judges the counts against
    thresholds into weibao findings.
  - A class without events gives one C(ok) finding; when no log source can be read every
    class is C(unknown) with the reason, never C(ok).
  - Memory use is bounded (counts and samples only) whatever the size of the logs; a cap on
    lines per source (O(max_lines)) stops runaway reads and is reported.
  - Never changes the host.
version_added: "0.1.0"
author:
  - weibao contributors
attributes:
  check_mode:
    support: full
    description: Read-only; runs the same in check mode.
  diff_mode:
    support: none
options:
  since:
    description:
      - Start of the inspection window, ISO-8601 (V(2026-10-20T00:00:00Z), an offset, or a
        date). A time without offset is UTC.
      - Empty means the last O(lookback_days) days.
    type: str
    default: ''
  lookback_days:
    description: Window length in days when O(since) is empty.
    type: int
    default: 31
  provider:
    description:
      - Where to read the logs.
      - V(journal) reads C(journalctl) (kernel messages plus multipathd and iscsid).
      - V(files) reads C(dmesg) and O(log_files), with their rotated copies.
      - V(auto) uses the journal when C(/run/systemd/journal/socket) exists and
        C(journalctl) works, else dmesg and files. When the journal starts after O(since)
        (volatile journal), the files fill the part of the window before it.
    type: str
    choices: [auto, journal, files]
    default: auto
  log_files:
    description:
      - Syslog files read by the V(files) provider. Rotated copies (C(.1), C(.2.gz),
        C(-20261115)) modified after O(since) are read too (gzip, xz and bzip2 included).
      - Files holding the same messages (C(syslog) and C(kern.log)) are not double counted.
    type: list
    elements: path
    default: [/var/log/messages, /var/log/syslog, /var/log/kern.log]
  max_samples:
    description: Sample log lines kept per class and component.
    type: int
    default: 3
  thresholds:
    description:
      - "Overrides of the catalogue's thresholds ({check: {warning: n, critical: n}}, e.g.
        C({disk_io: {critical: 5}})): event counts per class and component at which a
        finding becomes warning or critical. Levels not given keep the catalogue's defaults
        (plugins/module_utils/weibao_inspection/catalogue/errlog.py, listed in the
        inspect_errlog role README's check table); V(null) or V(0) disables a level."
      - Some events are critical at any count (uncorrected memory error, fatal machine
        check, filesystem shut down or remounted read-only, all multipath paths down).
    type: dict
    default: {}
  max_lines:
    description:
      - Safety cap on lines read per source (a journal, dmesg, or a log file with its
        rotated copies). Hitting it makes C(errlog.sources) a warning, and every class
        that found nothing (or only events below its warning level) C(unknown), as the lines
        not read may hold its events.
    type: int
    default: 2000000
notes:
  - Needs root (become) to read the journal, dmesg (C(kernel.dmesg_restrict)) and
    C(/var/log); without it the sources it cannot read are reported, and nothing read means
    C(unknown) findings.
  - Event counts count log messages; one incident logged by several kinds of message (sense
    line, block-layer line, buffer line) counts once.
"""

EXAMPLES = r"""
- name: Inspect error logs since the last inspection
  weibao_inspect_errlog:
    since: "{{ weibao_last_inspection[inventory_hostname] | default('') }}"
  become: true
  register: errlog

- name: Read only the syslog files, stricter NIC link threshold
  weibao_inspect_errlog:
    provider: files
    log_files: [/var/log/syslog]
    thresholds:
      nic_link: {warning: 1, critical: 3}
"""

RETURN = r"""
findings:
  description: weibao findings (see docs/findings.md); check ids errlog.sources and
    errlog.machine_check, errlog.memory_ecc, errlog.disk_io, errlog.filesystem,
    errlog.storage_transport, errlog.nic_link, errlog.oom_kill, errlog.hung_tasks and
    errlog.unclassified (lines with a fault keyword no class matched). Each finding keeps its
    text as messages (C(message)) and has it in English and Simplified Chinese.
  returned: always
  type: list
  elements: dict
  sample:
    - check_id: errlog.disk_io
      host: ''
      component: sdb
      status: warning
      summary: 2 disk I/O error events on sdb between 2026-11-02 01:00:00 UTC and
        2026-11-02 01:00:05 UTC
      evidence:
        - "2026-11-02T01:00:00Z blk_update_request: I/O error, dev sdb, sector 2048"
        - "messages by kind: blk=2, sense=2"
      recommendation: Check sdb's SMART/RAID status ...
      values: {events: 2, critical_events: 0, first_seen: '2026-11-02T01:00:00Z'}
      thresholds: {warning: 1, critical: 10}
not_applicable:
  description: Checks that do not apply to the host (none in this area).
  returned: always
  type: list
  elements: dict
  sample: []
data:
  description:
    - What was read and counted (parsers/errlog_tally.py to_data), which the findings were
      judged from; the same shape parse_sources gives for saved output. C(buckets) keeps the
      100 worst (class, component) counts.
  returned: always
  type: dict
  sample:
    since: '2026-10-20T00:00:00Z'
    provider: auto
    provider_used: journal
    coverage_start: '2026-09-01T08:00:00Z'
    sources:
      - {name: journal, kind: journal, status: read, notes: [], lines: 120345, events: 2}
    buckets:
      - {class: disk_io, component: sdb, kinds: {blk: 2, sense: 2}, critical: {}, info: {},
         first: '2026-11-02T01:00:00Z', last: '2026-11-02T01:00:05Z', undatable: 0,
         samples: ['2026-11-02T01:00:00Z blk_update_request: I/O error, dev sdb, sector 2048'],
         last_sample: null}
"""

import glob
import gzip
import os
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone
from functools import partial

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.weibao_inspection import catalogue
from ansible.module_utils.weibao_inspection.catalogue.common import errno_message
from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers.errlog_lines import (
    ParseError,
    parse_dmesg_line,
    parse_iso_line,
    parse_iso_timestamp,
    parse_syslog_line,
)
from ansible.module_utils.weibao_inspection.parsers.errlog_tally import (
    EventCounter,
    SourceStats,
    iter_lines,
    scan,
    to_data,
)
from ansible.module_utils.weibao_inspection.rules.errlog import COVERAGE_SLACK, evaluate

UTC = timezone.utc  # noqa: UP017 (datetime.UTC needs Python 3.11; targets run 3.8+)
JOURNAL_SOCKET = "/run/systemd/journal/socket"
DEFAULT_LOG_FILES = ["/var/log/messages", "/var/log/syslog", "/var/log/kern.log"]
# Journal entries that can match a rule: the kernel's, and two storage daemons'.
JOURNAL_MATCHES = ["_TRANSPORT=kernel", "+", "SYSLOG_IDENTIFIER=multipathd", "+",
                   "SYSLOG_IDENTIFIER=iscsid"]
COMPRESSED = {".gz": gzip.open}
DECOMPRESS_ERRORS = (OSError, EOFError)
try:  # optional in minimal Python builds
    import lzma

    COMPRESSED[".xz"] = lzma.open
    DECOMPRESS_ERRORS += (lzma.LZMAError,)
except ImportError:  # pragma: no cover
    pass
try:
    import bz2

    COMPRESSED[".bz2"] = bz2.open
except ImportError:  # pragma: no cover
    pass
UNREADABLE_SUFFIXES = tuple(
    s for s in (".zst", ".Z", ".lz4", ".xz", ".bz2") if s not in COMPRESSED)
COMMAND_ENV = {"LC_ALL": "C", "LANG": "C", "SYSTEMD_PAGER": "", "PAGER": "cat",
               "SYSTEMD_COLORS": "0"}
MAX_BUCKETS_RETURNED = 100


class CommandResult:
    def __init__(self):
        self.rc = None
        self.stderr = ""
        self.missing = False


def stream_command(argv, consume):
    """Run argv with stdout streamed to consume(lines); stderr kept (first 4 KiB).

    consume may stop early (line cap, first line only): the command is then killed.
    """
    result = CommandResult()
    env = dict(os.environ)
    env.update(COMMAND_ENV)
    with tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, env=env,
                                    stdin=subprocess.DEVNULL, close_fds=True)
        except OSError as exc:
            result.missing = True
            result.stderr = str(exc)
            return result
        try:
            consume(iter_lines(proc.stdout))
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.stdout.close()
            result.rc = proc.wait()
        err.seek(0)
        result.stderr = err.read(4096).decode("utf-8", "replace").strip()
    return result


def _first_stderr_line(text):
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""


def _exited(command, result):
    output = _first_stderr_line(result.stderr)
    if output:
        return msg("reason.exited", command=command, rc=result.rc, output=output)
    return msg("reason.exited_silent", command=command, rc=result.rc)


def boot_time(proc_stat="/proc/stat"):
    """System boot time from /proc/stat btime, or None."""
    try:
        with open(proc_stat, "rb") as handle:
            for line in handle:
                if line.startswith(b"btime "):
                    return datetime.fromtimestamp(int(line.split()[1]), UTC)
    except (OSError, ValueError, IndexError):
        return None
    return None


class Collector:
    """Reads the logs of one host as streams (bounded memory, whatever their size) through
    the same tally as ``parsers/linux_errlog.parse_sources`` (errlog_tally.scan), into the
    area's data; ``run`` judges it with ``rules/errlog.evaluate``."""

    def __init__(self, since, provider="auto", log_files=None, max_samples=3,
                 thresholds=None, max_lines=2000000, journalctl=None, dmesg=None,
                 journal_socket=JOURNAL_SOCKET, tz=None, proc_stat="/proc/stat"):
        self.since = since
        self.provider = provider
        self.log_files = list(DEFAULT_LOG_FILES if log_files is None else log_files)
        self.max_samples = max_samples
        self.thresholds = catalogue.merge_thresholds("errlog", thresholds)
        self.max_lines = max_lines
        self.journalctl = journalctl
        self.dmesg = dmesg
        self.journal_socket = journal_socket
        self.tz = tz
        self.proc_stat = proc_stat
        self.sources = []
        self.provider_used = ""
        self.coverage_start = None

    def _counter(self):
        return EventCounter(self.max_samples)

    # --- journal -----------------------------------------------------------------------
    def journal_usable(self):
        """(usable, reason message, cause)."""
        if not self.journalctl:
            return False, msg("reason.not_installed", command="journalctl"), "tool_missing"
        if not os.path.exists(self.journal_socket):
            return False, msg("errlog.reason.no_journald", path=self.journal_socket), \
                "source_unreadable"
        return True, None, None

    def read_journal(self):
        """-> (SourceStats, EventCounter, head time or None)."""
        stats = SourceStats("journal", "journal")
        counter = self._counter()
        since_local = self.since.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        argv = [self.journalctl, "--no-pager", "-q", "-o", "short-iso", "--since",
                since_local] + JOURNAL_MATCHES
        parse = partial(parse_iso_line, default_tz=self.tz)
        result = stream_command(argv, lambda lines: scan(
            lines, parse, counter, stats, since=self.since, max_lines=self.max_lines))
        hint = ("insufficient permissions" in result.stderr
                or "not seeing messages from other users and the system" in result.stderr)
        if result.missing:
            stats.fail("failed", msg("errlog.reason.cannot_run", command="journalctl",
                                     error=result.stderr), "tool_missing")
        elif hint:
            stats.fail("failed", msg("reason.no_permission",
                                     what=msg("errlog.reason.system_journal")),
                       "no_permission")
        elif result.rc not in (0, None) and not stats.truncated and stats.lines == 0:
            stats.fail("failed", _exited("journalctl", result), "source_unreadable")
        head = self.journal_head() if stats.status == "read" else None
        return stats, counter, head

    def journal_head(self):
        """Time of the oldest matching journal entry (first line only), or None."""
        found = []

        def first(lines):
            for raw in lines:
                record = parse_iso_line(raw.decode("utf-8", "replace").rstrip("\n"),
                                        default_tz=self.tz)
                if record is not None:
                    found.append(record.time)
                    return

        stream_command([self.journalctl, "--no-pager", "-q", "-o", "short-iso"]
                       + JOURNAL_MATCHES, first)
        if not found:
            # No kernel entry at all: the journal's own first entry tells how far back it
            # reaches. A journal that holds nothing covers nothing: never claim the window.
            stream_command([self.journalctl, "--no-pager", "-q", "-o", "short-iso"], first)
        if not found:
            found.append(datetime.now(timezone.utc))
        return found[0]

    # --- dmesg -------------------------------------------------------------------------
    def read_dmesg(self):
        stats = SourceStats("dmesg", "dmesg")
        counter = self._counter()
        if not self.dmesg:
            stats.fail("missing", msg("reason.not_installed", command="dmesg"), "tool_missing")
            return stats, counter
        parse = partial(parse_dmesg_line, default_tz=self.tz)
        result = stream_command([self.dmesg, "--time-format=iso"], lambda lines: scan(
            lines, parse, counter, stats, since=self.since, max_lines=self.max_lines))
        if result.rc not in (0, None) and stats.lines == 0 and not result.missing \
                and "not permitted" not in result.stderr.lower():
            # util-linux before 2.26 has no --time-format=iso: raw uptime stamps + btime
            stats = SourceStats("dmesg", "dmesg")
            counter = self._counter()
            parse = partial(parse_dmesg_line, boot_time=boot_time(self.proc_stat))
            result = stream_command([self.dmesg], lambda lines: scan(
                lines, parse, counter, stats, since=self.since, max_lines=self.max_lines))
        if result.missing:
            stats.fail("failed", msg("errlog.reason.cannot_run", command="dmesg",
                                     error=result.stderr), "tool_missing")
        elif result.rc not in (0, None) and stats.lines == 0:
            if "not permitted" in result.stderr.lower():
                stats.fail("failed", msg("errlog.reason.dmesg_restricted",
                                         error=_first_stderr_line(result.stderr)),
                           "no_permission")
            else:
                stats.fail("failed", _exited("dmesg", result), "source_unreadable")
        return stats, counter

    # --- files -------------------------------------------------------------------------
    def rotated_files(self, path):
        """(files to read oldest first, older copies exist, compressed copies not read)."""
        names = set()
        for pattern in (path + ".[0-9]*", path + "-[0-9]*"):
            names.update(glob.glob(pattern))
        names.discard(path)
        if os.path.exists(path):
            names.add(path)
        to_read, older, unreadable = [], False, []
        since_ts = self.since.timestamp()
        for name in names:
            try:
                st = os.stat(name)
            except OSError:
                continue
            if not os.path.isfile(name):
                continue
            if st.st_mtime < since_ts:
                older = True  # ends before the window: the window's start is covered
                continue
            if name.endswith(UNREADABLE_SUFFIXES):
                unreadable.append(name)
                continue
            to_read.append((st.st_mtime, name))
        to_read.sort()
        return [name for _, name in to_read], older, unreadable

    def _open(self, name):
        for suffix, opener in COMPRESSED.items():
            if name.endswith(suffix):
                return opener(name, "rb")
        return open(name, "rb")

    def read_file_stream(self, path, until=None):
        """One log file and its rotated copies -> (SourceStats, EventCounter, start)."""
        stats = SourceStats(path, "file")
        counter = self._counter()
        files, older, unreadable = self.rotated_files(path)
        if not files and not older:
            if unreadable:
                stats.fail("missing", msg("errlog.reason.only_compressed", files=unreadable),
                           "source_unreadable")
            else:
                stats.fail("missing", msg("reason.does_not_exist", path=path),
                           "source_unreadable")
            return stats, counter, None
        errors, unparsed_files = [], []
        first_time = None
        remaining = self.max_lines
        for name in files:
            fstats = SourceStats(name, "file")
            try:
                reference = datetime.fromtimestamp(os.stat(name).st_mtime, UTC)
                parse = partial(parse_syslog_line, reference=reference, tz=self.tz)
                with self._open(name) as handle:
                    scan(iter_lines(handle), parse, counter, fstats, since=self.since,
                         until=until, max_lines=remaining)
            except DECOMPRESS_ERRORS as exc:
                errors.append(msg("reason.cannot_read", path=name, why=errno_message(exc)))
                continue
            if fstats.lines and fstats.first_time is None:
                unparsed_files.append(name)
            if first_time is None and fstats.first_time is not None:
                first_time = fstats.first_time
            for attr in ("lines", "candidates", "events", "unparsed", "undated",
                         "before_since", "after_until"):
                setattr(stats, attr, getattr(stats, attr) + getattr(fstats, attr))
            if fstats.last_time and (stats.last_time is None or fstats.last_time >
                                     stats.last_time):
                stats.last_time = fstats.last_time
            remaining -= fstats.lines
            if fstats.truncated or remaining <= 0:
                stats.truncated = True
                break
        stats.first_time = first_time
        if len(files) > 1:
            stats.notes.append(msg("errlog.note.rotated", count=len(files) - 1))
        if unreadable:
            stats.notes.append(msg("errlog.note.compression", files=unreadable))
        if unparsed_files:
            stats.notes.append(msg("errlog.reason.unknown_format", files=unparsed_files))
        if errors:
            stats.notes.append(msg("errlog.note.unreadable", files=errors))
        read_ok = len(files) - len(errors) - len(unparsed_files)
        if read_ok <= 0 and not older:
            stats.status = "failed"
            stats.cause = "source_unreadable" if errors else "not_understood"
            return stats, counter, None
        start = self.since if older else first_time
        return stats, counter, start

    def read_files(self, with_dmesg=True, until=None):
        """dmesg (optional) and every log file stream -> one counter merged by maximum."""
        counters, starts = [], []
        if with_dmesg:
            stats, counter = self.read_dmesg()
            self.sources.append(stats)
            if stats.status == "read":
                counters.append(counter)
                if stats.first_time is not None:
                    starts.append(stats.first_time)
        for path in self.log_files:
            stats, counter, start = self.read_file_stream(path, until=until)
            self.sources.append(stats)
            if stats.status == "read":
                counters.append(counter)
                if start is not None:
                    starts.append(start)
        merged = self._counter().merge(counters, "max")
        return merged, (min(starts) if starts else None)

    # --- all ---------------------------------------------------------------------------
    def run(self):
        counter = self._counter()
        use_files = self.provider == "files"
        if self.provider in ("auto", "journal"):
            usable, why, cause = self.journal_usable()
            if not usable:
                self.sources.append(SourceStats("journal", "journal", "missing", [why], cause))
                use_files = self.provider == "auto"
            else:
                stats, jcounter, head = self.read_journal()
                self.sources.append(stats)
                if stats.status == "read":
                    self.provider_used = "journal"
                    counter.merge([jcounter], "sum")
                    self.coverage_start = head if head is not None else stats.first_time
                    if self.provider == "auto" and self.coverage_start is not None and \
                            self.coverage_start - self.since > COVERAGE_SLACK and \
                            any(self.rotated_files(p)[0] for p in self.log_files):
                        # Volatile journal: the files cover the window before it begins.
                        fcounter, fstart = self.read_files(with_dmesg=False,
                                                           until=self.coverage_start)
                        counter.merge([fcounter], "sum")
                        self.provider_used = "journal+files"
                        if fstart is not None:
                            self.coverage_start = min(self.coverage_start, fstart)
                else:
                    use_files = self.provider == "auto"
        if use_files:
            fcounter, fstart = self.read_files(with_dmesg=True)
            counter.merge([fcounter], "sum")
            self.provider_used = "files"
            self.coverage_start = fstart
        data = to_data(counter, self.sources, since=self.since,
                       coverage_start=self.coverage_start, provider=self.provider,
                       provider_used=self.provider_used)
        findings = evaluate(data, self.thresholds, {"since": data["since"]})
        return findings, data


def resolve_since(since_text, lookback_days, now=None):
    """'' -> now - lookback_days; ISO-8601 text -> aware UTC datetime (ParseError if bad)."""
    now = now or datetime.now(UTC)
    if not since_text or not since_text.strip():
        return now - timedelta(days=lookback_days)
    return parse_iso_timestamp(since_text, default_tz=UTC)


def collect(since="", lookback_days=31, provider="auto", log_files=None, max_samples=3,
            thresholds=None, max_lines=2000000, journalctl=None, dmesg=None,
            journal_socket=JOURNAL_SOCKET, now=None, tz=None, proc_stat="/proc/stat"):
    """The module's whole job without Ansible: -> (findings, data)."""
    collector = Collector(
        resolve_since(since, lookback_days, now), provider=provider, log_files=log_files,
        max_samples=max_samples, thresholds=thresholds, max_lines=max_lines,
        journalctl=journalctl, dmesg=dmesg, journal_socket=journal_socket, tz=tz,
        proc_stat=proc_stat,
    )
    return collector.run()


def main():
    module = AnsibleModule(
        argument_spec=dict(
            since=dict(type="str", default=""),
            lookback_days=dict(type="int", default=31),
            provider=dict(type="str", default="auto", choices=["auto", "journal", "files"]),
            log_files=dict(type="list", elements="path", default=list(DEFAULT_LOG_FILES)),
            max_samples=dict(type="int", default=3),
            thresholds=dict(type="dict", default={}),
            max_lines=dict(type="int", default=2000000),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params["lookback_days"] < 1:
        module.fail_json(msg="lookback_days must be at least 1")
    if params["max_samples"] < 1:
        module.fail_json(msg="max_samples must be at least 1")
    if params["max_lines"] < 1:
        module.fail_json(msg="max_lines must be at least 1")
    try:
        catalogue.merge_thresholds("errlog", params["thresholds"])
    except catalogue.CatalogueError as exc:
        module.fail_json(msg=str(exc))
    try:
        findings, data = collect(
            since=params["since"],
            lookback_days=params["lookback_days"],
            provider=params["provider"],
            log_files=params["log_files"],
            max_samples=params["max_samples"],
            thresholds=params["thresholds"],
            max_lines=params["max_lines"],
            journalctl=module.get_bin_path("journalctl"),
            dmesg=module.get_bin_path("dmesg"),
        )
    except ParseError as exc:
        module.fail_json(msg=f"since: {exc}")
    # The data keeps the worst buckets only: the findings carry every one that was judged.
    data["buckets"] = data["buckets"][:MAX_BUCKETS_RETURNED]
    module.exit_json(changed=False, findings=findings, not_applicable=[], data=data)


if __name__ == "__main__":
    main()
