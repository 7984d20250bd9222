"""System-volume backups: run the backup playbook, record every backup it reports, bind each
record into the audit log.

``weibao backup run`` runs ``playbooks/system_backup.yml`` (role ``backup_system``, module
``weibao_system_backup``) on the Linux and AIX hosts of an inventory. Each backup the module
reports (one record per backup, docs/change-control.md "System backups") is:

1. checked against the record's shape: a malformed record is stored as a *failed* backup
   with the reason, never as verified;
2. stored as a :class:`~weibao.store.Backup` row;
3. bound into the change-control audit log (``<data-dir>/audit/audit.jsonl``, the hash chain
   sign-offs use): an entry ``backup.record`` whose digest ``record`` is the sha256 of the
   row's canonical record (:func:`canonical_record`); the entry's hash is kept in the row
   (``audit_hash``).

The change gate (weibao.change.rules.ready.gate_backups) recomputes the canonical record of
the row it would use and trusts it only when the digest is the one of that entry, found in the
intact chain: a row written into the store by hand, or changed afterwards, is refused.

A host that could not be backed up (unreachable, a failed task) gets a *failed* row with the
reason, recorded and bound the same way, so the report shows it. Ctrl-C closes the run as
interrupted; what was recorded stays.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import re
import signal
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from weibao import __version__
from weibao.audit import AuditLog, default_audit_path
from weibao.canonical import sha256_hex
from weibao.config import Settings
from weibao.errors import EXIT_INCOMPLETE, EXIT_OK, WeibaoError
from weibao.services import ansible as ansible_svc
from weibao.services.inventory import Inventory
from weibao.services.runs import close_stale_runs, runner_detail
from weibao.store import Backup, Run, RunHost, Store

# How old a backup may be when the site does not say (weibao_site.backup_max_age_days; the
# change gate's limit, weibao.change.site).
DEFAULT_BACKUP_MAX_AGE_DAYS = 7

PLAYBOOK = "playbooks/system_backup.yml"
MODULE = "weibao_system_backup"
ACTION = "backup.record"  # the audit entry of a recorded backup
PLATFORMS = ("linux", "aix")  # the hosts the backup playbook runs on

STATUSES = ("verified", "unverified", "failed")
HOST_KINDS = ("linux", "aix")
KINDS = ("system", "volume_group")
TOOLS = ("rear", "tar", "mksysb", "savevg")
RESULTS = ("ok", "failed", "not_run")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_CHECKSUM = re.compile(r"^(sha256:[0-9a-f]{64}|md5:[0-9a-f]{32})$")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stamp(moment: dt.datetime | None) -> str | None:
    """``YYYY-MM-DDTHH:MM:SSZ`` (UTC), the form a record's times are bound in."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


# ----------------------------------------------------------------------------- the record


def canonical_record(row: Backup) -> dict[str, Any]:
    """What the audit entry binds: every column of the row that says what the backup is, in
    plain JSON (times to the second in UTC). The gate recomputes it from the row it reads."""
    return {
        "id": row.id, "site": row.site, "host": row.host, "run_id": row.run_id,
        "kind": row.kind, "tool": row.tool, "tool_version": row.tool_version,
        "path": row.path, "location": row.location, "target": row.target,
        "size_bytes": row.size_bytes, "sha256": row.sha256, "checksum": row.checksum,
        "status": row.status, "verified": bool(row.verified),
        "verification": row.verification or {}, "operator": row.operator,
        "started_at": stamp(row.started_at), "finished_at": stamp(row.finished_at),
        "detail": row.detail or {},
    }


def record_digest(row: Backup) -> str:
    return sha256_hex(canonical_record(row))


def differences(bound: Any, now: dict[str, Any]) -> list[str]:
    """The fields of the canonical record that differ from the one bound in the audit entry."""
    if not isinstance(bound, dict):
        return sorted(now)
    return sorted(k for k in set(bound) | set(now) if bound.get(k) != now.get(k))


class RecordError(ValueError):
    """A record from the module that is not the shape agreed (docs/change-control.md)."""


def _text(raw: dict[str, Any], name: str, choices: tuple[str, ...] | None = None,
          empty: bool = True) -> str:
    value = raw.get(name, "")
    if not isinstance(value, str):
        raise RecordError(f"{name}: not a string")
    if choices is not None and value not in choices:
        raise RecordError(f"{name}: {value!r} is not one of {', '.join(choices)}")
    if not empty and not value:
        raise RecordError(f"{name}: empty")
    return value


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RecordError(f"{name}: {value!r} is not a whole number of bytes")
    return value


def validate_record(raw: Any) -> dict[str, Any]:
    """The record, checked and normalised; RecordError (one line) when it is not usable.

    A record claiming ``verified`` must carry what makes it so: a verification result ``ok``,
    a main file, a size, and a sha256 or the tool's checksum, and its files must add up."""
    if not isinstance(raw, dict):
        raise RecordError("not a mapping")
    rec: dict[str, Any] = {
        "host_kind": _text(raw, "host_kind", HOST_KINDS),
        "kind": _text(raw, "kind", KINDS),
        "tool": _text(raw, "tool", TOOLS),
        "tool_version": _text(raw, "tool_version")[:128],
        "volume_group": _text(raw, "volume_group"),
        "path": _text(raw, "path"),
        "target": _text(raw, "target"),
        "sha256": _text(raw, "sha256"),
        "checksum": _text(raw, "checksum"),
        "status": _text(raw, "status", STATUSES),
        "message": _text(raw, "message"),
    }
    if rec["sha256"] and not _HEX64.match(rec["sha256"]):
        raise RecordError(f"sha256: {rec['sha256']!r} is not a lower-case hex sha256")
    if rec["checksum"] and not _CHECKSUM.match(rec["checksum"]):
        raise RecordError(f"checksum: {rec['checksum']!r} is not sha256:<hex> or md5:<hex>")
    files = raw.get("files", [])
    if not isinstance(files, list):
        raise RecordError("files: not a list")
    rec["files"] = []
    for index, item in enumerate(files):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str) \
                or not item["path"] or not _HEX64.match(str(item.get("sha256", ""))):
            raise RecordError(f"files[{index}]: not a file with path, size and sha256")
        rec["files"].append({"path": item["path"],
                             "size": _count(item.get("size"), f"files[{index}].size"),
                             "sha256": item["sha256"]})
    rec["size_bytes"] = _count(raw.get("size_bytes"), "size_bytes")
    for name in ("started_at", "finished_at"):
        value = raw.get(name)
        if not isinstance(value, str) or not _TIME.match(value):
            raise RecordError(f"{name}: {value!r} is not YYYY-MM-DDTHH:MM:SSZ")
        try:
            rec[name] = parse_time(value)
        except ValueError as exc:
            raise RecordError(f"{name}: {value!r} is not a time") from exc
    if rec["finished_at"] < rec["started_at"]:
        raise RecordError("finished_at: earlier than started_at")
    verification = raw.get("verification")
    if not isinstance(verification, dict):
        raise RecordError("verification: not a mapping")
    rec["verification"] = {"method": _text(verification, "method"),
                           "result": _text(verification, "result", RESULTS),
                           "detail": _text(verification, "detail")}
    expired = raw.get("expired", [])
    if not isinstance(expired, list) or not all(isinstance(p, str) for p in expired):
        raise RecordError("expired: not a list of paths")
    rec["expired"] = list(expired)
    if rec["status"] == "verified":
        if rec["verification"]["result"] != "ok" or not rec["verification"]["method"]:
            raise RecordError("status verified without a verification method and result ok")
        if not rec["path"]:
            raise RecordError("status verified without a path")
        if not rec["size_bytes"]:
            raise RecordError("status verified with size_bytes 0")
        if not (rec["sha256"] or rec["checksum"]):
            raise RecordError("status verified without a sha256 or the tool's checksum")
        if rec["files"] and sum(f["size"] for f in rec["files"]) != rec["size_bytes"]:
            raise RecordError("size_bytes: not the sum of the files' sizes")
        if rec["sha256"] and rec["files"]:
            main = [f for f in rec["files"] if f["path"] == rec["path"]]
            if main and main[0]["sha256"] != rec["sha256"]:
                raise RecordError("sha256: not the main file's sha256 in files")
    return rec


def salvage(raw: Any, reason: str, started: dt.datetime, finished: dt.datetime
            ) -> dict[str, Any]:
    """A malformed record as a failed one: the strings it had, the reason, never verified."""
    raw = raw if isinstance(raw, dict) else {}

    def text(name: str, limit: int = 4000) -> str:
        value = raw.get(name)
        return value[:limit] if isinstance(value, str) else ""

    kind = text("kind")
    return {
        "host_kind": text("host_kind"), "kind": kind if kind in KINDS else "system",
        "tool": text("tool", 32), "tool_version": text("tool_version", 128),
        "volume_group": text("volume_group"), "path": text("path"), "target": text("target"),
        "files": [], "size_bytes": None, "sha256": "", "checksum": "",
        "started_at": started, "finished_at": finished, "status": "failed",
        "verification": {"method": "", "result": "not_run", "detail": ""},
        "message": f"malformed backup record from the module: {reason}"[:2000],
        "expired": [],
    }


def failed_record(reason: str, started: dt.datetime, finished: dt.datetime,
                  host_kind: str = "") -> dict[str, Any]:
    """A host that could not be backed up at all, as a failed backup with the reason."""
    return {"host_kind": host_kind, "kind": "system", "tool": "", "tool_version": "",
            "volume_group": "", "path": "", "target": "", "files": [], "size_bytes": None,
            "sha256": "", "checksum": "", "started_at": started, "finished_at": finished,
            "status": "failed", "verification": {"method": "", "result": "not_run",
                                                 "detail": ""},
            "message": reason[:2000], "expired": []}


def record_backup(store: Store, log: AuditLog, *, site: str, host: str, record: dict[str, Any],
                  operator: str, run_id: int | None = None,
                  now: dt.datetime | None = None) -> Backup:
    """Store one (validated) record as a Backup row and bind it into the audit log.

    The row is written first (its id is part of what is bound), then the audit entry, then the
    entry's hash into the row. When the audit log cannot be written (a broken chain, the clock
    set back) the row stays, without an audit hash and with the reason in ``detail``: it is
    shown, and no gate accepts it."""
    detail = {k: record[k] for k in ("host_kind", "volume_group", "files", "message",
                                     "expired")}
    with store.session() as s:
        row = Backup(site=site, host=host, kind=record["kind"], run_id=run_id,
                     tool=record["tool"], tool_version=record["tool_version"],
                     path=record["path"], location=record["path"], target=record["target"],
                     size_bytes=record["size_bytes"], sha256=record["sha256"],
                     checksum=record["checksum"], status=record["status"],
                     verified=record["status"] == "verified",
                     verification=record["verification"], operator=operator,
                     started_at=record["started_at"], finished_at=record["finished_at"],
                     detail=detail, audit_hash="")
        s.add(row)
        s.flush()
        canonical = canonical_record(row)
        backup_id = row.id
    try:
        entry = log.append(operator, ACTION, None, digests={"record": sha256_hex(canonical)},
                           detail={"backup_id": backup_id, "record": canonical}, now=now)
    except WeibaoError as exc:
        with store.session() as s:
            row = s.get(Backup, backup_id)
            row.detail = {**detail, "audit_error": exc.render()[:2000]}
            s.flush()
            s.expunge(row)
        return row
    with store.session() as s:
        row = s.get(Backup, backup_id)
        row.audit_hash = entry.hash
        s.flush()
        s.expunge(row)
    return row


# ----------------------------------------------------------------------------- the run


@dataclass
class HostState:
    # pending -> backed_up | unreachable | failed | interrupted
    status: str = "pending"
    message: str = ""
    platform: str = "linux"
    # (backup id, status, bound into the audit log)
    backups: list[tuple[int, str, bool]] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return any(status == "verified" and bound for _id, status, bound in self.backups)


@dataclass
class Progress:
    total: int
    hosts: dict[str, HostState] = field(default_factory=dict)

    @property
    def done(self) -> int:
        return sum(1 for h in self.hosts.values() if h.status != "pending")

    @property
    def failures(self) -> int:
        return sum(1 for h in self.hosts.values() if h.status != "pending" and not h.verified)


class BackupRun:
    """Streams one backup playbook run's events into the store and the audit log."""

    def __init__(self, store: Store, log: AuditLog, run_id: int, site: str, operator: str,
                 progress: Progress, on_progress: Callable[[Progress, str | None], None],
                 started: dt.datetime | None = None) -> None:
        self.store = store
        self.log = log
        self.run_id = run_id
        self.site = site
        self.operator = operator
        self.progress = progress
        self.on_progress = on_progress
        self.started = started or utcnow()

    def record(self, host: str, record: dict[str, Any]) -> Backup:
        row = record_backup(self.store, self.log, site=self.site, host=host, record=record,
                            operator=self.operator, run_id=self.run_id)
        state = self.progress.hosts.setdefault(host, HostState())
        state.backups.append((row.id, row.status, bool(row.audit_hash)))
        return row

    def record_all(self, host: str, raw: Any) -> None:
        """Every record of a module result; a malformed one as a failed backup."""
        now = utcnow()
        items = raw if isinstance(raw, list) else [raw]
        if not items:
            items = [None]
        for item in items:
            try:
                record = validate_record(item)
            except RecordError as exc:
                record = salvage(item, str(exc), self.started, now)
            self.record(host, record)

    def set_host(self, host: str, status: str, message: str = "") -> None:
        state = self.progress.hosts.setdefault(host, HostState())
        if state.status in ("unreachable", "failed"):
            return  # the first failure is the one to keep
        state.status = status
        state.message = message
        with self.store.session() as s:
            row = s.scalars(select(RunHost).where(RunHost.run_id == self.run_id,
                                                  RunHost.name == host)).first()
            if row is None:
                row = RunHost(run_id=self.run_id, name=host, asset={})
                s.add(row)
            row.status = status
            row.message = message[:4000]
            row.finished_at = utcnow()
        self.on_progress(self.progress, host)

    def fail(self, host: str, status: str, message: str) -> None:
        """A host that could not be backed up: a failed backup with the reason (unless the
        module already recorded what it made), then the host's outcome."""
        state = self.progress.hosts.setdefault(host, HostState())
        if not state.backups:
            self.record(host, failed_record(f"{status}: {message}", self.started, utcnow(),
                                            state.platform))
        self.set_host(host, status, message)

    def handle(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        data = event.get("event_data") or {}
        host = data.get("host")
        if not host:
            return
        res = data.get("res") or {}
        module = str(data.get("task_action") or "").rsplit(".", 1)[-1]
        if kind == "runner_on_unreachable":
            self.fail(host, "unreachable", str(res.get("msg", "unreachable")).strip())
        elif kind == "runner_on_failed" and not data.get("ignore_errors"):
            if module == MODULE and isinstance(res.get("backups"), list) and res["backups"]:
                self.record_all(host, res["backups"])
            msg = str(res.get("msg") or res.get("module_stderr") or "task failed").strip()
            task = data.get("task") or data.get("task_action") or ""
            self.fail(host, "failed", f"{task}: {msg}" if task else msg)
        elif kind == "runner_on_ok" and module == MODULE:
            self.record_all(host, res.get("backups"))
            state = self.progress.hosts[host]
            self.set_host(host, "backed_up", "" if state.verified else
                          "no verified backup: " + _why_not(self.store, state))


def _why_not(store: Store, state: HostState) -> str:
    with store.session() as s:
        rows = [s.get(Backup, backup_id) for backup_id, _st, _b in state.backups]
        reasons = []
        for row in rows:
            if row is None:
                continue
            why = (row.detail or {}).get("audit_error") or (row.detail or {}).get("message")
            reasons.append(f"{row.status}" + (f" ({why})" if why else ""))
    return "; ".join(reasons)[:2000] or "nothing recorded"


@dataclass
class BackupOutcome:
    run_id: int
    status: str
    exit_code: int
    hosts: dict[str, HostState]
    artifact_dir: str


def backup_hosts(inventory: Inventory) -> list[str]:
    """The inventory's hosts the backup playbook runs on (Linux and AIX)."""
    return [h for h in inventory.hosts if inventory.platforms.get(h, "linux") in PLATFORMS]


def run_backup(
    settings: Settings,
    store: Store,
    inventory: Inventory,
    limit: str | None = None,
    on_progress: Callable[[Progress, str | None], None] = lambda p, h: None,
    user: str | None = None,
) -> BackupOutcome:
    close_stale_runs(store, kinds=("backup",))
    operator = user or getpass.getuser()
    hosts = backup_hosts(inventory)
    started = utcnow()
    with store.session() as s:
        run = Run(
            kind="backup", site=inventory.site.name, period=started.strftime("%Y-%m"),
            status="running", started_at=started, user=operator,
            inventory=str(inventory.path), playbook=PLAYBOOK, limit=limit or "",
            ansible_version=ansible_svc.ansible_core_version(), weibao_version=__version__,
            site_meta={**inventory.site.as_dict(),
                       "backup_max_age_days": max_age_days(inventory)}, pid=os.getpid(),
            controller=socket.gethostname(), message="", detail=runner_detail())
        run.hosts = [RunHost(name=h, status="pending", message="", asset=inventory.assets[h],
                             platform=inventory.platforms.get(h, "linux")) for h in hosts]
        s.add(run)
        s.flush()
        run_id = run.id
        private_dir = settings.artifacts_dir / f"run-{run_id}"
        run.artifact_dir = str(private_dir)
    progress = Progress(total=len(hosts), hosts={
        h: HostState(platform=inventory.platforms.get(h, "linux")) for h in hosts})
    log = AuditLog(default_audit_path(settings.data_dir))
    streamer = BackupRun(store, log, run_id, inventory.site.name, operator, progress,
                         on_progress, started=started)
    interrupted = {"flag": False}

    def on_sigint(signum, frame):
        interrupted["flag"] = True

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        result = ansible_svc.run_playbook(
            PLAYBOOK, inventory.path, private_dir, extravars={}, limit=limit,
            event_handler=streamer.handle, cancelled=lambda: interrupted["flag"])
    except BaseException as exc:
        _close(store, run_id, progress, "failed" if not isinstance(exc, KeyboardInterrupt)
               else "interrupted", f"{type(exc).__name__}: {exc}", private_dir)
        raise
    finally:
        signal.signal(signal.SIGINT, previous)

    if interrupted["flag"] or result.status in ("canceled", "timeout"):
        status = "interrupted"
        message = ("interrupted by the user (Ctrl-C)" if result.status != "timeout"
                   else "ansible-runner timed out")
    else:
        tail = (result.stdout_tail.strip().splitlines() or ["see the run's archive"])[-1]
        for host, state in progress.hosts.items():
            if state.status == "pending":
                streamer.fail(host, "failed", "no result: the playbook ended before this host "
                              f"finished ({tail})")
        verified = [st.verified for st in progress.hosts.values()]
        status = ("successful" if verified and all(verified) else
                  "partial" if any(verified) else "failed")
        message = "" if status == "successful" or any(
            st.status in ("unreachable", "failed") for st in progress.hosts.values()) \
            else result.stdout_tail.strip()[-2000:]
    _close(store, run_id, progress, status, message, private_dir)
    ok = status != "interrupted" and all(st.verified for st in progress.hosts.values())
    return BackupOutcome(run_id=run_id, status=status,
                         exit_code=EXIT_OK if ok else EXIT_INCOMPLETE,
                         hosts=progress.hosts, artifact_dir=str(private_dir))


def _close(store: Store, run_id: int, progress: Progress, status: str, message: str,
           private_dir) -> None:
    manifest = ansible_svc.write_manifest(private_dir) if private_dir.exists() else ""
    with store.session() as s:
        run = s.get(Run, run_id)
        run.status = status
        run.ended_at = utcnow()
        run.message = message
        run.manifest_sha256 = manifest
        for h in run.hosts:
            if h.status == "pending":
                h.status = "interrupted" if status == "interrupted" else "failed"
                h.message = h.message or message
    for state in progress.hosts.values():
        if state.status == "pending":
            state.status = "interrupted" if status == "interrupted" else "failed"


# ----------------------------------------------------------------------------- reading


def listing(store: Store, site: str | None = None, host: str | None = None
            ) -> list[dict[str, Any]]:
    """The recorded backups, newest first, as plain dicts (``weibao backup list --json``)."""
    with store.session() as s:
        query = select(Backup)
        if site:
            query = query.where(Backup.site == site)
        if host:
            query = query.where(Backup.host == host)
        rows = s.scalars(query.order_by(Backup.finished_at.desc(), Backup.id.desc())).all()
        return [as_dict(r) for r in rows]


def as_dict(row: Backup) -> dict[str, Any]:
    detail = row.detail or {}
    return {
        "id": row.id, "site": row.site, "host": row.host, "kind": row.kind,
        "run_id": row.run_id, "tool": row.tool, "tool_version": row.tool_version,
        "volume_group": detail.get("volume_group", ""), "path": row.path or row.location,
        "target": row.target, "size_bytes": row.size_bytes, "sha256": row.sha256,
        "checksum": row.checksum, "status": row.status or ("verified" if row.verified
                                                            else "unverified"),
        "verification": row.verification or {}, "operator": row.operator,
        "started_at": stamp(row.started_at), "finished_at": stamp(row.finished_at),
        "message": detail.get("message", "") or detail.get("audit_error", ""),
        "audit_hash": row.audit_hash,
    }


def site_timezones(store: Store) -> dict[str, str]:
    """Each site's time zone, from its latest run's site (UTC for none)."""
    out: dict[str, str] = {}
    with store.session() as s:
        for site, meta in s.execute(select(Run.site, Run.site_meta).order_by(Run.id)):
            zone = (meta or {}).get("timezone")
            if zone:
                out[site] = str(zone)
    return out


def known_sites(store: Store) -> list[str]:
    """The sites with a backup or a run in the store."""
    with store.session() as s:
        sites = set(s.scalars(select(Backup.site).distinct()))
        sites |= set(s.scalars(select(Run.site).distinct()))
    return sorted(sites)


def max_age_days(inventory: Inventory) -> int:
    """The site's ``backup_max_age_days`` (the change gate's limit, weibao.change.site); the
    default when it is not a whole number of days (the gate then says why)."""
    from weibao.services.inventory import site_vars

    value = site_vars(inventory).get("backup_max_age_days", DEFAULT_BACKUP_MAX_AGE_DAYS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return DEFAULT_BACKUP_MAX_AGE_DAYS
    return value


# ----------------------------------------------------------------------------- the report


def human_size(size: int | None) -> str:
    """1536 -> "1.5 KiB"; None -> "" (the same in both languages)."""
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # not reached


def report_section(store: Store, site: str, period: str, hosts: list[dict[str, Any]],
                   now: dt.datetime | None = None) -> dict[str, Any]:
    """The monthly report's "系统备份记录 / System backups": every backup of the period (by its
    finish, or start, in UTC) and each host's newest verified backup at the end of the period
    (or now, for the current one) against the site's ``backup_max_age_days`` (from its latest
    backup run; the default when there is none). The hosts are the report's Linux and AIX
    hosts and every host with a backup; a host with none, or too old, is flagged."""
    import calendar

    year, month = (int(x) for x in period.split("-"))
    start = dt.datetime(year, month, 1, tzinfo=dt.UTC)
    end = start + dt.timedelta(days=calendar.monthrange(year, month)[1])
    as_of = min(end, now or utcnow())
    with store.session() as s:
        meta = s.scalars(select(Run.site_meta).where(Run.site == site, Run.kind == "backup")
                         .order_by(Run.id.desc())).first() or {}
        limit = meta.get("backup_max_age_days")
        limit = limit if isinstance(limit, int) and not isinstance(limit, bool) \
            else DEFAULT_BACKUP_MAX_AGE_DAYS
        rows = list(s.scalars(select(Backup).where(Backup.site == site).order_by(
            Backup.host, Backup.finished_at, Backup.id)))
    records = []
    for row in rows:
        when = row.finished_at or row.started_at
        if start <= when < end:
            item = as_dict(row)
            item["size"] = human_size(row.size_bytes)
            item["bound"] = bool(row.audit_hash)
            records.append(item)
    names = {h["name"] for h in hosts if h.get("platform", "linux") in PLATFORMS}
    names |= {r.host for r in rows}
    ages = []
    for name in sorted(names):
        newest = max((r.finished_at for r in rows if r.host == name and r.status == "verified"
                      and r.audit_hash and r.finished_at and r.finished_at <= as_of),
                     default=None)
        age = (as_of - newest) if newest else None
        ages.append({"host": name, "newest_verified": stamp(newest),
                     "age_days": age.days if age is not None else None,
                     "too_old": age is None or age > dt.timedelta(days=limit)})
    return {"records": records, "hosts": ages, "max_age_days": limit,
            "as_of": stamp(as_of)}
