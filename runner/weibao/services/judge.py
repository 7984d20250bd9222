"""``weibao judge``: judge output an engineer saved by hand (an AIX console, a switch behind a
jump host, text pasted into a ticket) with the registry's parsers and the area's rules, the
same functions the collectors use, so a finding does not depend on how the output reached
weibao.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from weibao.content import enable_module_utils
from weibao.errors import N_, ConfigError

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue, registry  # noqa: E402

MAX_BYTES = 64 * 1024 * 1024
# files that are certainly not saved output: ELF, PNG, PDF, zip/docx/xlsx, bzip2, xz, 7z
BINARY_MAGIC = (b"\x7fELF", b"\x89PNG", b"%PDF", b"PK\x03\x04", b"BZh", b"\xfd7zXZ",
                b"7z\xbc\xaf")


@dataclass
class Judged:
    file: str
    source: Any
    findings: list[dict[str, Any]]


def source_for(platform: str, command: str):
    try:
        return registry.lookup(platform, command)
    except registry.RegistryError as exc:
        raise ConfigError(N_("%(problem)s"), problem=str(exc)) from None


def listing(platform: str | None = None) -> list[dict[str, Any]]:
    """Every supported (platform, command), its other spellings and the checks it feeds."""
    if platform is not None and platform not in {s.platform for s in registry.SOURCES}:
        raise ConfigError(N_("--platform %(value)r: not supported; supported: %(known)s"),
                          value=platform, known=", ".join(sorted(
                              {s.platform for s in registry.SOURCES})))
    return [{"platform": s.platform, "command": s.name, "abbreviations": s.command,
             "aliases": list(s.aliases), "area": s.area, "log": s.log,
             "checks": [c.id for c in s.checks()]}
            for s in registry.sources(platform)]


def read_text(path: str) -> str:
    """A saved output as text; ConfigError (one line naming the file) when it is missing,
    empty, binary or too large."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise ConfigError(N_("%(file)s: %(size)d bytes, more than the %(max)d judge reads"),
                              file=path, size=size, max=MAX_BYTES)
        data = p.read_bytes()
    except OSError as exc:
        raise ConfigError(N_("%(file)s: cannot be read: %(reason)s"), file=path,
                          reason=exc.strerror or str(exc)) from None
    if data[:2] == b"\x1f\x8b":  # a rotated log saved as it is (messages.1.gz)
        import gzip

        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise ConfigError(N_("%(file)s: a damaged gzip file: %(reason)s"), file=path,
                              reason=str(exc)) from None
    if not data.strip(b" \t\r\n\x00"):
        raise ConfigError(N_("%(file)s: is empty"), file=path)
    head = data[:65536]
    # control bytes other than NUL (a log may hold a block of NULs, binaries hold all kinds)
    control = sum(1 for b in head if 0 < b < 9 or 13 < b < 32)
    if head.startswith(BINARY_MAGIC) or control > len(head) // 10:
        raise ConfigError(N_("%(file)s: is binary, not saved command output"), file=path)
    # A log may hold a block of NUL bytes (a crash before the next line was written) and
    # bytes of another encoding: those lines are read as they are, never the file refused.
    data = data.replace(b"\x00", b"")
    for encoding in ("utf-8", "gb18030"):  # Chinese Windows consoles save GB18030
        try:
            return data.decode(encoding).replace("\r\n", "\n")
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace").replace("\r\n", "\n")


def parse_time(option: str, value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(N_("%(option)s %(value)r: expected an ISO-8601 time, e.g. "
                             "2026-11-05T02:00:00+08:00"), option=option, value=value) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when


def judge(platform: str, command: str, files: list[str], since: str | None = None,
          now: str | None = None, host: str | None = None,
          thresholds: dict[str, Any] | None = None) -> list[Judged]:
    """The findings of each file, judged as the output of ``command`` on ``platform``.

    Logs are judged whole unless ``since`` is given. Only the checks the source feeds (the
    catalogue's ``sources``) are kept."""
    source = source_for(platform, command)
    since_at = parse_time("--since", since)
    now_at = parse_time("--now", now)
    try:
        merged = catalogue.merge_thresholds(source.area, thresholds)
    except catalogue.CatalogueError as exc:
        raise ConfigError(N_("%(problem)s"), problem=str(exc)) from None
    texts = [(f, read_text(f)) for f in files]  # every file checked before judging any
    parse, evaluate = registry.area_functions(source.area, source.platform)
    wanted = {c.id for c in source.checks()}
    out = []
    for path, text in texts:
        context = {
            "now": now_at.timestamp() if now_at else time.time(),
            "since": since_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            if since_at else None,
            # the same instant as wall-clock time in the zone it was given in: for outputs
            # whose times carry no zone (AIX errpt prints the host's local time)
            "since_local": since_at.strftime("%Y-%m-%dT%H:%M:%S") if since_at else None,
            "judge": True, "source": source.key, "command": command,
        }
        data = parse({source.key: text}, context)
        findings = [f for f in evaluate(data, merged, context) if f["check_id"] in wanted]
        for f in findings:
            f["host"] = host or Path(path).name
        out.append(Judged(file=path, source=source, findings=findings))
    return out


def record(store, site: str, host: str, platform: str, command: str,
           results: list[Judged]) -> int:
    """Store judged findings as a run of kind ``judge`` (one host), with its coverage."""
    import getpass
    import socket

    from weibao import __version__
    from weibao.services.coverage import host_coverage
    from weibao.store import Coverage, Finding, Run, RunHost

    now = dt.datetime.now(dt.UTC)
    findings = [dict(f, host=host) for r in results for f in r.findings]
    source = results[0].source
    with store.session() as s:
        run = Run(kind="judge", site=site, period=now.strftime("%Y-%m"), status="successful",
                  started_at=now, ended_at=now, user=getpass.getuser(),
                  inventory="", playbook=f"judge: {platform} {command}", limit="",
                  ansible_version="", weibao_version=__version__, site_meta={},
                  pid=None, controller=socket.gethostname(),
                  message=", ".join(r.file for r in results), detail={
                      "platform": platform, "command": source.name,
                      "files": [r.file for r in results]})
        run.hosts = [RunHost(name=host, status="inspected", message="", asset={},
                             platform=platform, finished_at=now)]
        s.add(run)
        s.flush()
        s.add_all(Finding(run_id=run.id, **f) for f in findings)
        wanted = {c.id for c in source.checks()}
        for row in host_coverage(platform, "inspected", {source.area}, findings, []):
            if row["check_id"] in wanted:
                s.add(Coverage(run_id=run.id, host=host, **row))
        return run.id
