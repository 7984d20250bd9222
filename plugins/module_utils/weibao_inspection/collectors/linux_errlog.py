# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The error-log area's collector: the kernel's and daemons' messages since the last inspection.

Its module weibao_inspect_errlog (documented in plugins/modules/weibao_inspect_errlog.py) and
weibao_inspect_linux (every Linux area in one execution) both call ``run(module)``: an
AnsibleModule, or a view of one whose ``params`` are this area's (collectors/__init__.py).
"""

from __future__ import annotations

import glob
import gzip
import os
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone
from functools import partial

from ansible.module_utils.weibao_inspection import catalogue
from ansible.module_utils.weibao_inspection.catalogue.common import errno_message
from ansible.module_utils.weibao_inspection.collectors import AreaError
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


ARGUMENT_SPEC = dict(
    since=dict(type="str", default=""),
    lookback_days=dict(type="int", default=31),
    provider=dict(type="str", default="auto", choices=["auto", "journal", "files"]),
    log_files=dict(type="list", elements="path", default=list(DEFAULT_LOG_FILES)),
    max_samples=dict(type="int", default=3),
    thresholds=dict(type="dict", default={}),
    max_lines=dict(type="int", default=2000000),
)


def run(module):
    """The area's result (without ``changed``); AreaError when an argument is wrong."""
    params = module.params
    if params["lookback_days"] < 1:
        raise AreaError("lookback_days must be at least 1")
    if params["max_samples"] < 1:
        raise AreaError("max_samples must be at least 1")
    if params["max_lines"] < 1:
        raise AreaError("max_lines must be at least 1")
    try:
        catalogue.merge_thresholds("errlog", params["thresholds"])
    except catalogue.CatalogueError as exc:
        raise AreaError(str(exc)) from exc
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
        raise AreaError(f"since: {exc}") from exc
    # The data keeps the worst buckets only: the findings carry every one that was judged.
    data["buckets"] = data["buckets"][:MAX_BUCKETS_RETURNED]
    return dict(findings=findings, not_applicable=[], data=data)
