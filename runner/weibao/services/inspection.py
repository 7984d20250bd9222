"""The monthly inspection: run the playbook, stream findings into the store, close the run.

Order of work, so that nothing is half-written and nothing is lost:
1. everything the user gave is checked (period, inventory, site) before the store is touched;
2. the run and its hosts are written as ``running``/``pending`` in one transaction;
3. findings are committed as their events arrive, a host's event in one transaction (its
   findings, counters, status and coverage together: a crash keeps what was already found
   and never half a host);
4. the run is closed as successful, partial, failed or interrupted; a run left ``running``
   by a crashed runner is closed as interrupted by the next weibao that opens the store
   (weibao.services.runs, which change control shares).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import os
import re
import signal
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select

from weibao import __version__
from weibao.config import Settings
from weibao.content import enable_module_utils
from weibao.errors import EXIT_CRITICAL, EXIT_INCOMPLETE, EXIT_OK, N_, ConfigError
from weibao.services import ansible as ansible_svc
from weibao.services import config_archive
from weibao.services.coverage import host_coverage
from weibao.services.inventory import Inventory, load_inventory
from weibao.services.runs import close_stale_runs, runner_detail
from weibao.statuses import FINDING_STATUSES
from weibao.store import Counter, Coverage, Finding, Run, RunHost, Store

PLAYBOOK = "playbooks/monthly_inspection.yml"
PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
COLLECTOR_PREFIX = "weibao_inspect_"
INSPECT_ACTION = "weibao_inspect"  # the one-task action and every collector's prefix
DONE_FACT = "weibao_inspection_complete"
# the extra variable with the configuration archive's salt (config_clean.clean's salt)
SALT_VAR = "weibao_config_salt"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def check_period(period: str | None, now: dt.datetime | None = None) -> str:
    if period is None:
        return (now or utcnow()).strftime("%Y-%m")
    if not PERIOD_RE.match(period):
        raise ConfigError(N_("--period %(value)r: expected YYYY-MM, e.g. 2026-11"), value=period)
    current = (now or utcnow()).strftime("%Y-%m")
    if period > current:
        raise ConfigError(N_("--period %(value)r: is in the future (this month is %(now)s)"),
                          value=period, now=current)
    return period


@dataclass
class HostState:
    status: str = "pending"
    message: str = ""
    findings: int = 0
    worst: str = "ok"
    platform: str = "linux"
    # for coverage: the areas whose collector returned, what they found, what did not apply
    areas: set[str] = field(default_factory=set)
    judged: list[dict[str, Any]] = field(default_factory=list)
    not_applicable: list[dict[str, Any]] = field(default_factory=list)
    covered: bool = False


@dataclass
class Progress:
    """What the terminal shows while a run goes on."""

    total: int
    hosts: dict[str, HostState] = field(default_factory=dict)

    @property
    def done(self) -> int:
        return sum(1 for h in self.hosts.values() if h.status != "pending")

    @property
    def failures(self) -> int:
        return sum(1 for h in self.hosts.values() if h.status in ("unreachable", "failed"))


# the findings columns of bounded length (weibao.store.models.Finding)
_LIMITS = {"check_id": 128, "host": 255}


def _without_nul(value: Any) -> Any:
    """``value`` without NUL characters, which PostgreSQL's text and JSON refuse (a module
    may pass a command's binary output through). Walked only when one is there: JSON
    writes a NUL as \\u0000 wherever it is (a finding is JSON from the module anyway)."""
    try:
        if "\\u0000" not in json.dumps(value):
            return value
    except (TypeError, ValueError):
        pass  # not JSON: walk it
    return _strip_nul(value)


def _strip_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_strip_nul(k): _strip_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_nul(v) for v in value]
    return value


def _validated(findings: Any, host: str) -> list[dict[str, Any]]:
    """Findings from a module, each checked against the schema; a bad one becomes unknown."""
    enable_module_utils()
    from ansible.module_utils.weibao_inspection.findings import (
        FindingError,
        unknown,
        validate_finding,
    )
    from ansible.module_utils.weibao_inspection.messages import msg

    out = []
    if not isinstance(findings, list):
        return [unknown("weibao.module_output", msg("common.module_output.not_a_list"),
                        host=host, cause="not_understood")]
    # looked at once for the whole list (and the host name it adds)
    clean = "\x00" not in host and _without_nul(findings) is findings
    for item in findings:
        try:
            if isinstance(item, dict):
                item = dict(item, host=item.get("host") or host)
                item = item if clean else _without_nul(item)
            finding = validate_finding(item)
            # what the store's columns hold (PostgreSQL enforces the lengths SQLite ignores)
            for name, limit in _LIMITS.items():
                if len(finding[name]) > limit:
                    raise FindingError(f"finding.{name}: at most {limit} characters")
            out.append(finding)
        except FindingError as exc:
            check = item.get("check_id") if isinstance(item, dict) else None
            out.append(unknown("weibao.module_output",
                               msg("common.module_output.invalid", check=str(check),
                                   error=str(exc)),
                               host=host, cause="not_understood"))
    return out


# the events that carry a task's result for a host (ansible-runner's callback gives every
# one a ``res``: at least ``changed``, or ``censored`` under no_log; meta tasks send none)
RESULT_EVENTS = ("runner_on_ok", "runner_on_failed", "runner_item_on_ok",
                 "runner_item_on_failed", "runner_on_async_ok", "runner_on_async_failed")


# the events InspectionRun._handle acts on; any other event of a host writes nothing
_HANDLED_EVENTS = frozenset((*RESULT_EVENTS, "runner_on_unreachable"))


def result_dropped(kind: Any, data: dict[str, Any]) -> bool:
    """A host's task result that ansible-runner did not keep: its callback replaces a result
    longer than MAX_EVENT_RES by {} (AWX sets MAX_EVENT_RES from MAX_EVENT_RES_DATA). Whatever
    the task, the host is then never counted as inspected."""
    return kind in RESULT_EVENTS and bool(data.get("host")) and \
        not (isinstance(data.get("res"), dict) and data["res"])


def insert_rows(session: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    """``rows`` into ``model``'s table as one Core executemany INSERT, without the ORM's
    per-row bookkeeping (a host's findings and coverage are dozens of rows per event). A
    key some rows lack (a finding's optional ``message`` or ``cause``) is given its column
    default there, or NULL, as an INSERT without it would: one statement, not one per run
    of rows with the same keys."""
    if not rows:
        return
    table = model.__table__
    session.flush()  # the ORM's pending rows first (their keys may be referenced)
    keys = set().union(*rows)
    if any(len(row) != len(keys) for row in rows):
        absent = {key: _column_default(table.c[key]) for key in keys}
        rows = [row if len(row) == len(keys) else
                {**{k: absent[k]() for k in keys if k not in row}, **row} for row in rows]
    # on the session's connection and transaction, without Session.execute's ORM layer
    # (autoflush and the ORM's execution options at every statement)
    session.connection().execute(table.insert(), rows)


def _column_default(column: Any) -> Callable[[], Any]:
    """What an INSERT without ``column`` stores: its Python-side default (a value, or a
    callable such as ``dict``, called anew for every row), else None (NULL)."""
    default = column.default
    if default is None:
        return lambda: None
    if default.is_callable:
        return lambda: default.arg(None)
    if default.is_scalar:
        return lambda: default.arg
    raise ValueError(f"{column}: a default insert_rows cannot give (a SQL expression)")


# a host's outcome, built once (a statement built per call costs more than its execution)
_HOST_UPDATE = RunHost.__table__.update().where(
    RunHost.__table__.c.run_id == bindparam("b_run"),
    RunHost.__table__.c.name == bindparam("b_host"))


class InspectionRun:
    """Streams one playbook run's events into the store."""

    def __init__(self, store: Store, run_id: int, progress: Progress,
                 on_progress: Callable[[Progress, str | None], None],
                 observed_at: dt.datetime | None = None,
                 archive: config_archive.RunArchive | None = None) -> None:
        self.store = store
        self.run_id = run_id
        self.progress = progress
        self.on_progress = on_progress
        self.observed_at = observed_at or utcnow()
        # the network devices' configurations, committed once when the run closes
        self.archive = archive
        self._open: Any = None  # the session of the event being handled
        self._pending_performance: list[tuple[str, Any]] = []

    @contextlib.contextmanager
    def _session(self):
        """The session of the event being handled (everything one event writes is one
        transaction, committed when ``handle`` returns), or a session of its own."""
        if self._open is not None:
            yield self._open
            return
        with self.store.session() as s:
            self._open = s
            try:
                yield s
            finally:
                self._open = None

    def write_coverage(self, host: str) -> None:
        """The host's coverage rows, once, when its outcome is known."""
        state = self.progress.hosts.setdefault(host, HostState())
        if state.covered:
            return
        state.covered = True
        rows = host_coverage(state.platform, state.status, state.areas, state.judged,
                             state.not_applicable)
        if rows:
            with self._session() as s:
                insert_rows(s, Coverage, [dict(row, run_id=self.run_id, host=host)
                                          for row in rows])

    def _set_host(self, host: str, status: str, message: str = "") -> None:
        state = self.progress.hosts.setdefault(host, HostState())
        if state.status in ("unreachable", "failed"):
            return  # the first failure is the one to keep
        state.status = status
        state.message = message
        values = {"status": status, "message": message[:4000], "finished_at": utcnow()}
        with self._session() as s:
            # one Core statement, not an ORM load and flush: a host's row is written once
            done = s.connection().execute(_HOST_UPDATE, {"b_run": self.run_id, "b_host": host,
                                                         **values})
            if done.rowcount == 0:  # a host the inventory check did not list (added by a play)
                s.connection().execute(RunHost.__table__.insert(), {
                    "run_id": self.run_id, "name": host, "asset": {}, **values})
        if status != "pending":
            self.write_coverage(host)
        self.on_progress(self.progress, host)

    def handle(self, event: dict[str, Any]) -> None:
        data = event.get("event_data") or {}
        if not data.get("host") or event.get("event") not in _HANDLED_EVENTS:
            return  # a host's other events (runner_on_start, ...) write nothing
        with self._session():  # one transaction per event
            self._handle(event.get("event"), data, data["host"])
        if self._pending_performance:
            for host, raw in self._pending_performance:
                store_performance_safely(self.store, self.run_id, host, raw)
            self._pending_performance = []

    def _handle(self, kind: Any, data: dict[str, Any], host: str) -> None:
        res = data.get("res") or {}
        if result_dropped(kind, data):
            # ansible-runner keeps no result longer than MAX_EVENT_RES: never inspected
            # without it (a later set_fact cannot make it so: the failure stays)
            task = data.get("task") or data.get("task_action") or INSPECT_ACTION
            self._set_host(host, "failed", f"{task}: the result was dropped by ansible-runner "
                           f"(longer than MAX_EVENT_RES, {ansible_svc.MAX_EVENT_RES} "
                           "characters here)")
            return
        if kind == "runner_on_unreachable":
            self._set_host(host, "unreachable", str(res.get("msg", "unreachable")).strip())
        elif kind == "runner_on_failed" and not data.get("ignore_errors"):
            # the one-task inspection (weibao_inspect) fails naming the area that failed and
            # still carries the areas that ran: those are stored as any collector's
            self._areas_results(host, res.get("areas_results"))
            msg = str(res.get("msg") or res.get("module_stderr") or "task failed").strip()
            task = data.get("task") or data.get("task_action") or ""
            self._set_host(host, "failed", f"{task}: {msg}" if task else msg)
        elif kind == "runner_on_ok":
            action = str(data.get("task_action") or "")
            module = action.rsplit(".", 1)[-1]
            if module.startswith(COLLECTOR_PREFIX) and "findings" in res:
                self._collector_result(host, module, res)
            # the one-task inspection (plugins/action/weibao_inspect.py): every area's module
            # result in one event, each stored as if its module had run as its own task
            self._areas_results(host, res.get("areas_results"))
            facts = res.get("ansible_facts") or {}
            if facts.get(DONE_FACT):
                self._set_host(host, "inspected")

    def _areas_results(self, host: str, results: Any) -> None:
        """``areas_results`` of weibao_inspect: one dict per collector module (its result and
        ``module``); anything else in the list is ignored."""
        if not isinstance(results, list):
            return
        collected = [(str(res.get("module")), res) for res in results if isinstance(res, dict)
                     and str(res.get("module") or "").startswith(COLLECTOR_PREFIX)
                     and "findings" in res]
        # every area's findings in one insert, its counters in another (one commit each)
        findings: list[Any] = []
        counters: list[Any] = []
        for module, res in collected:
            findings.extend(_validated(res["findings"], host))
            if isinstance(res.get("counters"), list):
                counters.extend(res["counters"])
            self._collector_result(host, module, res, store=False)
        if collected:
            self._insert_findings(host, findings)
            self._store_counters(host, counters)

    def _collector_result(self, host: str, module: str, res: dict[str, Any],
                          store: bool = True) -> None:
        """One collector module's result: its areas, findings, counters, configuration and
        performance history into the store (``store=False``: findings and counters are the
        caller's to store)."""
        state = self.progress.hosts.setdefault(host, HostState())
        # a collector reading several areas in one run names them (storage)
        areas = res.get("areas")
        state.areas.update(areas if isinstance(areas, list) and areas
                           else [module[len(COLLECTOR_PREFIX):]])
        if isinstance(res.get("not_applicable"), list):
            state.not_applicable.extend(res["not_applicable"])
        if store:
            self._store_findings(host, res["findings"])
            self._store_counters(host, res.get("counters"))
        self._record_config(host, res.get("config"))
        if "performance" in res:  # the monthly performance analysis' history, stored
            # after the event's transaction: its failure is recorded, never the host's
            self._pending_performance = [*self._pending_performance,
                                         (host, res["performance"])]

    def _store_findings(self, host: str, raw: Any) -> None:
        self._insert_findings(host, _validated(raw, host))

    def _insert_findings(self, host: str, findings: list[dict[str, Any]]) -> None:
        """Validated findings of a host in one insert and commit."""
        from ansible.module_utils.weibao_inspection.findings import worst

        if findings:
            with self._session() as s:
                insert_rows(s, Finding, [dict(f, run_id=self.run_id) for f in findings])
        state = self.progress.hosts.setdefault(host, HostState())
        state.judged.extend({k: f.get(k) for k in ("check_id", "status", "cause", "message",
                                                    "summary")} for f in findings)
        state.findings += len(findings)
        state.worst = worst([state.worst] + [f["status"] for f in findings])
        self.on_progress(self.progress, None)


    def _record_config(self, host: str, config: Any) -> None:
        """A network device's configuration (``{"text", "why", "platform"}``, cleaned by the
        action) for the archive's commit when the run closes."""
        if self.archive is None or not isinstance(config, dict):
            return
        state = self.progress.hosts.setdefault(host, HostState())
        text = config.get("text")
        self.archive.record(host, str(config.get("platform") or state.platform),
                            text if isinstance(text, str) else None, config.get("why"))

    def commit_configs(self) -> None:
        """The run's configuration archive commit and its records (``config_changes``), once;
        a failing archive makes every device stale with the reason, never fails the run."""
        archive, self.archive = self.archive, None
        if archive is None:
            return
        expected = {h: st.platform for h, st in self.progress.hosts.items()
                    if st.platform in network_platforms()}
        reasons = {h: _not_collected(st) for h, st in self.progress.hosts.items()
                   if h in expected}
        with self.store.session() as s:
            run = s.get(Run, self.run_id)
            when, period = run.started_at, run.period
        try:
            records = archive.commit(self.run_id, when, period=period, expected=expected,
                                     reasons=reasons)
        except config_archive.ArchiveError as exc:
            records = [config_archive.DeviceRecord(
                host, platform, "stale",
                why={"key": "reason.text", "params": {"text": exc.render()}})
                for host, platform in sorted({**expected, **{
                    h: p for h, (p, _t, _w) in archive.texts.items()}}.items())]
        config_archive.save(self.store, self.run_id, records)

    def _store_counters(self, host: str, raw: Any) -> None:
        """Counters the module read, for the next inspection's deltas; malformed ones are
        dropped (a finding already says what the counter showed)."""
        rows = []
        for item in raw if isinstance(raw, list) else []:
            try:
                rows.append(dict(
                    run_id=self.run_id, host=host, check_id=str(item["check_id"]),
                    component=str(item.get("component", "")), name=str(item["name"]),
                    value=int(item["value"]), observed_at=self.observed_at,
                    boot_time=str(item.get("boot_time") or "")))
            except (KeyError, TypeError, ValueError):
                continue
        if rows:
            with self._session() as s:
                insert_rows(s, Counter, rows)


def store_performance_safely(store: Store, run_id: int, host: str, raw: Any) -> None:
    """A collector's ``performance`` dict into the store (weibao.services.performance); a
    failure there never fails the run: it is recorded in the run's ``detail``."""
    try:
        from weibao.services.performance import store_performance

        store_performance(store, run_id, host, raw)
    except Exception as exc:  # noqa: BLE001 - the findings are stored; the history is extra
        with contextlib.suppress(Exception), store.session() as s:
            run = s.get(Run, run_id)
            run.detail = {**(run.detail or {}), "performance_error":
                          f"{host}: {type(exc).__name__}: {exc}"[:500]}


def network_platforms() -> tuple[str, ...]:
    """The platforms whose configuration the archive keeps (config_clean.PLATFORMS)."""
    enable_module_utils()
    from ansible.module_utils.weibao_inspection.config_clean import PLATFORMS

    return PLATFORMS


def _not_collected(state: HostState) -> dict[str, Any]:
    """Why a device's configuration was not collected, when its collector said nothing: its
    host's outcome (unreachable, failed: the message) as a catalogue message."""
    first = {"key": "reason.not_collected", "params": {}}
    if state.message:
        return {"key": "reason.both", "params": {
            "first": first, "second": {"key": "reason.text",
                                       "params": {"text": state.message[:500]}}}}
    return first


def scrub_salt(private_dir) -> None:
    """The archive's salt out of the run's archived extra variables (env/extravars), before
    the run's manifest is written: it is no secret of the client's, but no report or
    archive needs it."""
    import json

    import yaml

    path = private_dir / "env" / "extravars"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return
    if isinstance(data, dict) and SALT_VAR in data:
        data[SALT_VAR] = ansible_svc.NOT_ARCHIVED
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)


def previous_counters(store: Store, site: str, hosts: list[str]) -> dict[str, dict[str, Any]]:
    """Each host's counters from its latest inspection that recorded any:
    {host: {"check|component|name": {"value", "at", "boot_time"}}} (weibao_previous_counters)."""
    out: dict[str, dict[str, Any]] = {}
    with store.session() as s:
        latest = {}
        rows = s.execute(
            select(Counter.host, Counter.run_id)
            .join(Run, Run.id == Counter.run_id)
            .where(Run.site == site, Run.kind == "inspection", Counter.host.in_(hosts))
            .distinct())
        for host, run_id in rows:
            latest[host] = max(latest.get(host, 0), run_id)
        for host, run_id in latest.items():
            for c in s.scalars(select(Counter).where(Counter.run_id == run_id,
                                                     Counter.host == host)):
                key = f"{c.check_id}|{c.component}|{c.name}"
                out.setdefault(host, {})[key] = {
                    "value": c.value, "boot_time": c.boot_time,
                    "at": c.observed_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    return out


def last_inspections(store: Store, site: str, hosts: list[str]) -> dict[str, str]:
    """Each host's previous completed inspection time (UTC ISO-8601), for 'since last time'."""
    out: dict[str, str] = {}
    with store.session() as s:
        rows = s.execute(
            select(RunHost.name, Run.started_at)
            .join(Run, Run.id == RunHost.run_id)
            .where(Run.site == site, Run.kind == "inspection", RunHost.status == "inspected",
                   RunHost.name.in_(hosts))
            .order_by(Run.started_at)
        )
        for name, started in rows:
            out[name] = started.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return out


@dataclass
class InspectionOutcome:
    run_id: int
    status: str
    exit_code: int
    hosts: dict[str, HostState]
    counts: dict[str, int]
    artifact_dir: str


def exit_code_for(hosts: dict[str, HostState], counts: dict[str, int]) -> int:
    """2: a host unreachable or a check that failed to run; 1: a critical finding; else 0."""
    if any(h.status != "inspected" for h in hosts.values()):
        return EXIT_INCOMPLETE
    if counts.get("critical"):
        return EXIT_CRITICAL
    return EXIT_OK


def prepare(inventory_path: str, limit: str | None, site: str | None,
            period: str | None) -> tuple[Inventory, str]:
    """Everything a run needs, checked; raises ConfigError before anything is written."""
    period = check_period(period)
    inventory = load_inventory(inventory_path, limit=limit, site=site)
    return inventory, period


def run_inspection(
    settings: Settings,
    store: Store,
    inventory: Inventory,
    period: str,
    limit: str | None = None,
    on_progress: Callable[[Progress, str | None], None] = lambda p, h: None,
    user: str | None = None,
    *,
    runner: Callable[..., ansible_svc.PlaybookResult] | None = None,
    started: dt.datetime | None = None,
    run_detail: dict[str, Any] | None = None,
) -> InspectionOutcome:
    """``runner`` replaces the local ansible-runner (weibao.services.remote: a site
    controller, an offline site's result, an AWX job's events): it is called as
    ``runner(private_dir, extravars, limit, event_handler, cancelled)`` and returns a
    PlaybookResult; ``started`` is when the playbook ran, ``run_detail`` goes into the run's
    ``detail`` (where the events came from)."""
    close_stale_runs(store)
    since = last_inspections(store, inventory.site.name, inventory.hosts)
    started = started or utcnow()
    run_id = _start(store, inventory, period, limit, user, started)
    private_dir = settings.artifacts_dir / f"run-{run_id}"
    with store.session() as s:
        run = s.get(Run, run_id)
        run.artifact_dir = str(private_dir)
        if run_detail:
            run.detail = {**(run.detail or {}), **run_detail}

    progress = Progress(total=len(inventory.hosts),
                        hosts={h: HostState(platform=inventory.platforms.get(h, "linux"))
                               for h in inventory.hosts})
    network = any(p in network_platforms() for p in inventory.platforms.values())
    archive = config_archive.RunArchive(settings.data_dir, inventory.site.name) \
        if network else None
    streamer = InspectionRun(store, run_id, progress, on_progress, observed_at=started,
                             archive=archive)
    counters = previous_counters(store, inventory.site.name, inventory.hosts)
    extravars = {"weibao_last_inspection": since, "weibao_period": period,
                 "weibao_previous_counters": counters}
    if archive is not None:  # the action masks secrets with the site's salt
        extravars[SALT_VAR] = config_archive.salt(settings.data_dir)
    interrupted = {"flag": False}

    def on_sigint(signum, frame):
        interrupted["flag"] = True

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        if runner is None:
            result = ansible_svc.run_playbook(
                PLAYBOOK, inventory.path, private_dir,
                extravars=extravars,
                limit=limit, event_handler=streamer.handle,
                cancelled=lambda: interrupted["flag"],
                # one exec per host: no ssh master to linger after it
                persistent_ssh=False,
            )
        else:
            result = runner(private_dir, extravars, limit, streamer.handle,
                            lambda: interrupted["flag"])
    except BaseException as exc:
        # Never leave a run silently "running": record why it stopped, then re-raise.
        _close(store, run_id, progress, "failed" if not isinstance(exc, KeyboardInterrupt)
               else "interrupted", f"{type(exc).__name__}: {exc}", private_dir, streamer)
        raise
    finally:
        signal.signal(signal.SIGINT, previous)

    status, message = _outcome(result, interrupted["flag"], progress, streamer)
    counts = _close(store, run_id, progress, status, message, private_dir, streamer)
    return InspectionOutcome(
        run_id=run_id, status=status,
        exit_code=EXIT_INCOMPLETE if status == "interrupted" else
        exit_code_for(progress.hosts, counts),
        hosts=progress.hosts, counts=counts, artifact_dir=str(private_dir),
    )


def _start(store: Store, inventory: Inventory, period: str, limit: str | None,
           user: str | None, started: dt.datetime) -> int:
    """The run and its hosts, ``running`` and ``pending``, in one transaction; the run's id."""
    with store.session() as s:
        run = Run(
            kind="inspection", site=inventory.site.name, period=period, status="running",
            started_at=started, user=user or getpass.getuser(), inventory=str(inventory.path),
            playbook=PLAYBOOK, limit=limit or "",
            ansible_version=ansible_svc.ansible_core_version(),
            weibao_version=__version__, site_meta=inventory.site.as_dict(), pid=os.getpid(),
            controller=socket.gethostname(), message="", detail=runner_detail(),
        )
        run.hosts = [RunHost(name=h, status="pending", message="", asset=inventory.assets[h],
                             platform=inventory.platforms.get(h, "linux"))
                     for h in inventory.hosts]
        s.add(run)
        s.flush()
        return run.id


def _outcome(result: ansible_svc.PlaybookResult, interrupted: bool, progress: Progress,
             streamer: InspectionRun) -> tuple[str, str]:
    """How the run ended (successful, partial, failed, interrupted) and why, once the
    playbook is over; a host still without an outcome failed (the play stopped early)."""
    message = ""
    if interrupted or result.status == "canceled":
        status = "interrupted"
        message = "interrupted by the user (Ctrl-C)"
    elif result.status == "timeout":
        status = "interrupted"
        message = "ansible-runner timed out"
    else:
        pending = [h for h, st in progress.hosts.items() if st.status == "pending"]
        for host in pending:
            # Ended without an outcome: the play stopped early (e.g. syntax error, fatal).
            streamer._set_host(host, "failed", "no result: the playbook ended before this host "
                               "finished (" + (result.stdout_tail.strip().splitlines() or
                                               ["see the run's archive"])[-1] + ")")
        states = [st.status for st in progress.hosts.values()]
        if all(s == "inspected" for s in states):
            status = "successful"
        elif any(s == "inspected" for s in states):
            status = "partial"
        else:
            status = "failed"
        if result.status != "successful" and not any(
                s in ("unreachable", "failed") for s in states):
            message = result.stdout_tail.strip()[-2000:]
    return status, message


def _close(store: Store, run_id: int, progress: Progress, status: str, message: str,
           private_dir, streamer: InspectionRun | None = None) -> dict[str, int]:
    manifest = ""
    if streamer is not None:
        streamer.commit_configs()
    if private_dir.exists():
        scrub_salt(private_dir)
        manifest = ansible_svc.write_manifest(private_dir)
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
        counts = dict.fromkeys(FINDING_STATUSES, 0)
        for (st,) in s.execute(select(Finding.status).where(Finding.run_id == run_id)):
            counts[st] = counts.get(st, 0) + 1
    for host, state in progress.hosts.items():
        if state.status == "pending":
            state.status = "interrupted" if status == "interrupted" else "failed"
        if streamer is not None:
            streamer.write_coverage(host)
    _follow_findings(store, run_id)
    return counts


def _follow_findings(store: Store, run_id: int) -> None:
    """Findings across periods (weibao.services.lifecycle), once coverage is written; a
    failure there never fails the run: it is recorded in the run's ``detail``."""
    try:
        from weibao.services.lifecycle import update_lifecycle

        update_lifecycle(store, run_id)
    except Exception as exc:  # noqa: BLE001 - the inspection itself is stored and complete
        with contextlib.suppress(Exception), store.session() as s:
            run = s.get(Run, run_id)
            run.detail = {**(run.detail or {}),
                          "lifecycle_error": f"{type(exc).__name__}: {exc}"[:500]}
