"""A store for the quarterly and annual report tests, filled by the services' own functions:
inspections stored as runs (the way test_finding_lifecycle.py does) and followed with
update_lifecycle, fault tickets opened and closed by FaultService, backups recorded by
backups.record_backup, service records filed by service_records.file_record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from change_env import backup_record

from weibao.audit import AuditLog
from weibao.service_records import Record, file_record
from weibao.services import backups
from weibao.services.faults import FaultService, Part
from weibao.services.lifecycle import update_lifecycle
from weibao.store import Change, Finding, Run, RunHost, Store

SITE = "lab"
TZ = "Asia/Shanghai"
UTC = dt.UTC
CST = dt.timezone(dt.timedelta(hours=8))
FS = "system.filesystem_usage"
SMART = "storage.smart_health"
POOLS = "array.pools"
CACHE = "raid.cache_policy"
TEMP = "environment.temperature"


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def inspect(store: Store, started: dt.datetime, hosts: dict[str, dict]) -> int:
    """One finished inspection: per host its status, platform and findings
    [(check, component, status, values)]; then update_lifecycle."""
    with store.session() as s:
        run = Run(kind="inspection", site=SITE, period=started.astimezone(CST).strftime("%Y-%m"),
                  status="successful", started_at=started,
                  ended_at=started + dt.timedelta(minutes=5), user="li.wei",
                  inventory="inventories/lab", playbook="inspect.yml", ansible_version="2.17",
                  weibao_version="0", site_meta={"name": SITE, "timezone": TZ,
                                                 "client": "示例客户", "provider": "维保方"})
        run.hosts = [RunHost(name=name, status=h.get("status", "inspected"),
                             platform=h.get("platform", "linux"),
                             finished_at=started + dt.timedelta(minutes=4))
                     for name, h in hosts.items()]
        s.add(run)
        s.flush()
        for name, h in hosts.items():
            for check, component, status, values in h.get("findings", []):
                s.add(Finding(run_id=run.id, host=name, check_id=check, component=component,
                              status=status, summary=f"{component or check} {status}",
                              recommendation=f"fix {check}" if status != "ok" else "",
                              values=values))
        run_id = run.id
    update_lifecycle(store, run_id)
    return run_id


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def fill(store: Store, tmp_path: Path) -> dict:
    """The fourth quarter of 2026 at site lab (Asia/Shanghai)."""
    arr = {"platform": "array", "findings": [
        (POOLS, "pool0", "ok", {"used_pct": 71.5, "capacity": 1000}),
        (CACHE, "ctrl0", "ok", {"cache_used_pct": 42.0})]}
    inspect(store, utc(2026, 10, 5, 2), {
        "db01": {"findings": [(SMART, "/dev/sda", "warning", {}), (TEMP, "cpu", "ok", {})]},
        "arr01": arr})
    inspect(store, utc(2026, 11, 5, 2), {"db01": {"status": "unreachable"}, "arr01": arr})
    inspect(store, utc(2026, 11, 6, 2), {
        "db01": {"findings": [(SMART, "/dev/sda", "warning", {}),
                              (FS, "/var", "critical", {})]}})
    inspect(store, utc(2026, 12, 5, 2), {
        "db01": {"findings": [(SMART, "/dev/sda", "ok", {}), (FS, "/var", "critical", {}),
                              (TEMP, "cpu", "ok", {})]},
        "app01": {"findings": [(FS, "/data", "warning", {})]}})
    clock = Clock(utc(2026, 10, 10, 6))
    faults = FaultService(store, clock, "li.wei")
    f1 = faults.open(SITE, "db01", "P2", "disk failed", component="disk",
                     reported_at=dt.datetime(2026, 10, 10, 10, 0, tzinfo=CST), timezone=TZ)
    faults.close(f1.ticket_id, cause="worn disk", resolution="disk replaced", times={
        "responded_at": dt.datetime(2026, 10, 10, 10, 20, tzinfo=CST),
        "onsite_at": dt.datetime(2026, 10, 10, 11, 30, tzinfo=CST),
        "restored_at": dt.datetime(2026, 10, 10, 13, 0, tzinfo=CST)},
        parts=[Part("300GB SAS disk", "SN-OUT-1", "SN-IN-1")])
    clock.now = utc(2026, 11, 20, 3)
    f2 = faults.open(SITE, "arr01", "P1", "controller down", component="controller",
                     reported_at=dt.datetime(2026, 11, 20, 8, 0, tzinfo=CST), timezone=TZ)
    faults.close(f2.ticket_id, cause="firmware", resolution="controller reset", times={
        "responded_at": dt.datetime(2026, 11, 20, 8, 45, tzinfo=CST),
        "restored_at": dt.datetime(2026, 11, 20, 9, 30, tzinfo=CST)})
    f3 = faults.open(SITE, "db01", "P4", "question about logs",
                     reported_at=dt.datetime(2026, 11, 20, 9, 0, tzinfo=CST), timezone=TZ)
    faults.close(f3.ticket_id, cause="none", resolution="answered", times={
        "responded_at": dt.datetime(2026, 11, 20, 9, 10, tzinfo=CST),
        "restored_at": dt.datetime(2026, 11, 20, 9, 10, tzinfo=CST)})
    log = AuditLog(tmp_path / "audit.jsonl")
    for host, finished, status in (("db01", utc(2026, 10, 1, 1), "verified"),
                                   ("db01", utc(2026, 11, 1, 1), "verified"),
                                   ("app01", utc(2026, 12, 1, 1), "failed")):
        backups.record_backup(store, log, site=SITE, host=host, operator="li.wei",
                              record=backups.validate_record(
                                  backup_record(host, finished, status)))
    with store.session() as s:
        for cid, kind, outcome, when in (("CR-2026-0001", "os_patch", "success",
                                          utc(2026, 10, 20, 2)),
                                         ("CR-2026-0002", "firmware_upgrade", "rolled_back",
                                          utc(2026, 11, 21, 2)),
                                         ("CR-2026-0003", "os_patch", None,
                                          utc(2026, 12, 2, 2))):
            s.add(Change(id=cid, site=SITE, title=f"change {cid}", kind=kind,
                         state="closed" if outcome else "approved", outcome=outcome,
                         request_digest="0" * 64, request_path="/x", requester="li.wei",
                         operator="li.wei", recorder="zhang.min", window_start=when,
                         window_end=when + dt.timedelta(hours=2), timezone=TZ,
                         created_at=when, updated_at=when))
    arrival = dt.datetime(2026, 10, 10, 11, 30, tzinfo=CST).astimezone(UTC)
    content = {"site": SITE, "arrival": arrival.isoformat(),
               "departure": (arrival + dt.timedelta(hours=2)).isoformat(),
               "engineers": ["li.wei"], "client_representative": "wang.fang",
               "work": "replaced disk", "result": "disk rebuilt", "remaining_issues": "none",
               "evaluation": "satisfied", "evaluation_comment": "", "fault": f1.ticket_id,
               "change": ""}
    file_record(store, SITE, Record(tmp_path / "s.yml", content, arrival,
                                    arrival + dt.timedelta(hours=2)), {},
                utc(2026, 10, 10, 8), "li.wei", TZ)
    return {"faults": [f1.ticket_id, f2.ticket_id, f3.ticket_id]}


def cli_report(data_dir: Path, *args: str):
    """``weibao --data-dir DATA report ARGS`` through main() (its exit status and lines)."""
    import click
    from click.testing import CliRunner

    from weibao import cli as cli_mod

    @click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
    @click.argument("argv", nargs=-1, type=click.UNPROCESSED)
    def main(argv):
        cli_mod.main(list(argv))

    return CliRunner().invoke(main, ["--data-dir", str(data_dir), "report", *args],
                              catch_exceptions=False)


def filled_data_dir(tmp_path: Path) -> Path:
    """A data folder whose store is filled by :func:`fill`."""
    folder = tmp_path / "data"
    folder.mkdir()
    store = Store(f"sqlite:///{folder / 'weibao.db'}")
    fill(store, tmp_path)
    store.dispose()
    return folder


def pdf_and_word_text(out: Path, stem: str) -> tuple[str, str]:
    """The text of ``<stem>.pdf`` (pdftotext) and ``<stem>.docx`` (python-docx)."""
    import subprocess

    import docx

    pdf = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out / f"{stem}.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    document = docx.Document(str(out / f"{stem}.docx"))
    words = [p.text for p in document.paragraphs]
    words += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return pdf, "\n".join(words)
