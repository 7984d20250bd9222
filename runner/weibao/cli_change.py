"""``weibao change ...`` and ``weibao audit ...``: thin commands over weibao.change.service.

Exit statuses: 0 done; 1 the audit log is damaged (``audit verify``); 2 a change run failed or
was interrupted; 3 refused (a rule of change control does not hold) or bad input. Every
refusal is one line, ``weibao: error: refused: <reason>``, and an entry of the audit log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from weibao.errors import EXIT_CRITICAL, EXIT_USAGE, N_, ConfigError

KEY_HELP = ("SSH key to sign with: a private key file, or a .pub file whose private half "
            "ssh-agent holds.")
PEOPLE_HELP = ("People file of the site (default: people.yml in the folder of the request's "
               "targets.inventory). Its sha256 is signed with every sign-off: approve, attest "
               "and run refuse a file other than the one the change's sign-offs were made "
               "with.")


# Words shown in status lines, translated (the store keeps them in English).
WORDS = {
    "draft": N_("draft"), "submitted": N_("submitted"), "approved": N_("approved"),
    "running": N_("running"), "succeeded": N_("succeeded"), "failed": N_("failed"),
    "interrupted": N_("interrupted"), "closed": N_("closed"), "valid": N_("valid"),
    "superseded": N_("superseded (an earlier round)"), "invalid": N_("invalid"),
    "successful": N_("successful"), "ok": N_("ok"), "changed": N_("changed"),
    "skipped": N_("skipped"), "unreachable": N_("unreachable"), "ignored": N_("ignored"),
    # sign-off acts and roles
    "submit": N_("submit"), "approve": N_("approve"), "attest": N_("attest"),
    "close": N_("close"), "requester": N_("requester"), "approver": N_("approver"),
    "operator": N_("operator"), "recorder": N_("recorder"),
    # the rules of change run
    "state": N_("state"), "people": N_("people"), "signatures": N_("signatures"),
    "targets": N_("targets"), "notice": N_("notice"), "window": N_("window"),
    "playbook": N_("playbook"), "backups": N_("backups"), "lock": N_("lock"),
    "media": N_("media"), "audit": N_("audit"), "site": N_("site rules"),
    "ticket": N_("run ticket"), "anchor": N_("client trust anchor"),
    # run kinds
    "change": N_("change"), "change-check": N_("rehearsal"),
}


def _word(app: Any, word: str) -> str:
    return app._(WORDS[word]) if word in WORDS else word


def _service(app: Any):
    from weibao.change.service import ChangeService

    return ChangeService(app.settings, app.store)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _key_option(func):
    return click.option("--key", "key", required=True,
                        type=click.Path(dir_okay=False, path_type=Path), help=KEY_HELP)(func)


def _people_option(func):
    return click.option("--people", "people", default=None,
                        type=click.Path(dir_okay=False, path_type=Path), help=PEOPLE_HELP)(func)


def _file_argument(func):
    return click.argument("file", type=click.Path(dir_okay=False, path_type=Path))(func)


@click.group("change")
def change() -> None:
    """Change control (变更管理): written requests, signed approval, guarded runs."""


# ----------------------------------------------------------------------------- new, validate


def _default_site() -> str:
    folder = Path("inventories")
    sites = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    if len(sites) == 1:
        return sites[0]
    raise ConfigError(N_("--site: which site is the change for? (inventories found: "
                         "%(sites)s)"), sites=", ".join(sites) or "none")


def _site_timezone(site: str) -> str | None:
    folder = Path("inventories") / site
    if not folder.is_dir():
        return None
    from weibao.services.inventory import load_inventory

    return load_inventory(folder).site.timezone


@change.command("new")
@click.option("--site", default=None, help="Site name (default: the only one in inventories/).")
@click.option("--dir", "folder", default="changes", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the change requests.")
@click.option("--id", "change_id", default=None,
              help="Change id CR-YYYY-NNNN (default: the next free one of this year).")
@click.pass_obj
def change_new(app: Any, site: str | None, folder: Path, change_id: str | None) -> None:
    """Write a commented skeleton of a change request (书面维护申请) and print its path."""
    from weibao.change.skeleton import next_change_id, skeleton

    now = _now()
    site = site or _default_site()
    change_id = change_id or next_change_id(folder, now.year)
    text = skeleton(change_id, site, now, timezone=_site_timezone(site))
    path = folder / f"{change_id}.yml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError as exc:
        raise ConfigError(N_("%(file)s: already exists; choose another --id"),
                          file=str(path)) from exc
    except OSError as exc:
        raise ConfigError(N_("%(file)s: cannot be written: %(reason)s"), file=str(path),
                          reason=exc.strerror or str(exc)) from exc
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    click.echo(str(path))


@change.command("list")
@click.option("--site", default=None, help="Only the changes of this site.")
@click.option("--state", "states", multiple=True,
              help="Only changes in this state (draft, submitted, approved, running, "
                   "succeeded, failed, interrupted, closed); repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def change_list(app: Any, site: str | None, states: tuple[str, ...], as_json: bool) -> None:
    """The changes the store knows, newest window first: state, window, who, title."""
    from sqlalchemy import select

    from weibao.store import Change
    from weibao.store.models import CHANGE_STATES

    bad = [s for s in states if s not in CHANGE_STATES]
    if bad:
        raise ConfigError(N_("--state %(value)r: expected one of %(known)s"), value=bad[0],
                          known=", ".join(CHANGE_STATES))
    with app.store.session() as s:
        query = select(Change).order_by(Change.window_start.desc(), Change.id)
        if site:
            query = query.where(Change.site == site)
        if states:
            query = query.where(Change.state.in_(states))
        items = [{"id": c.id, "site": c.site, "state": c.state, "title": c.title,
                  "kind": c.kind, "emergency": c.emergency,
                  "awaiting_retrospective_approval": c.awaiting_retrospective_approval,
                  "window_start": c.window_start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "window_end": c.window_end.strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "timezone": c.timezone, "requester": c.requester, "operator": c.operator,
                  "recorder": c.recorder, "request": c.request_path,
                  "outcome": c.outcome} for c in s.scalars(query)]
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if not items:
        app.say(N_("no change stored"))
        return
    from weibao.change.rules.context import local_time, parse_utc

    for c in items:
        start = local_time(parse_utc(c["window_start"]), c["timezone"])
        flag = " !" if c["emergency"] else ""
        click.echo(f"{c['id']}  {_word(app, c['state']):<12} {start}  {c['site']:<12} "
                   f"{c['requester']} → {c['operator']}/{c['recorder']}  {c['title']}{flag}")


@change.command("validate")
@_file_argument
@click.pass_obj
def change_validate(app: Any, file: Path) -> None:
    """Print every problem of a change request, one line each (exit 3 if any)."""
    from weibao.change.request import load_request, validate_request

    problems = validate_request(file)
    for problem in problems:
        click.echo(problem.render(app._, file=file))
    if problems:
        sys.exit(EXIT_USAGE)
    request = load_request(file)
    app.say(N_("%(file)s: OK (%(change)s, request digest %(digest)s)"), file=str(file),
            change=request.id, digest=request.digest)


# ----------------------------------------------------------------------------- sign-offs


def _signed(app: Any, message: str, record: Any, file: Path, **params: Any) -> None:
    from weibao.change.signoffs import signoffs_path

    data = json.loads(record.statement)
    app.say(message, change=data["change_id"], person=record.person,
            time=record.time, role=record.role, **params)
    _signed_for(app, data)
    app.say(N_("sign-offs: %(file)s"), file=str(signoffs_path(file)))


def _signed_for(app: Any, data: dict[str, Any]) -> None:
    """What a sign-off signed besides the request: the hosts its targets resolved to and the
    site's rules (a change runs on those and under those, or not at all)."""
    targets, site = data.get("targets") or {}, data.get("site") or {}
    app.say(N_("  signed for hosts: %(hosts)s (inventory %(inventory)s, limit %(limit)s)"),
            hosts=", ".join(targets.get("hosts") or []) or "-",
            inventory=targets.get("inventory", "-"), limit=targets.get("limit") or "-")
    app.say(N_("  under the site's rules: notice %(lead)s h, attestations from %(attest)s min "
               "before the window, backups at most %(backup)s days old"),
            lead=site.get("change_lead_time_hours", "-"),
            attest=site.get("attest_before_window_minutes", "-"),
            backup=site.get("backup_max_age_days", "-"))


@change.command("submit")
@_file_argument
@_key_option
@_people_option
@click.pass_obj
def change_submit(app: Any, file: Path, key: Path, people: Path | None) -> None:
    """The requester signs the request; the submission time counts for the notice."""
    from weibao.change.request import load_request

    record = _service(app).submit(file, key, people_path=people, interactive=True)
    _signed(app, N_("%(change)s: submitted by %(person)s at %(time)s"), record, file)
    if load_request(file).emergency.is_emergency:
        app.say(N_("EMERGENCY change: it may run on the requester's and the operator's "
                   "signatures alone, and stays awaiting retrospective approval until an "
                   "approver of the client signs"))


@change.command("approve")
@_file_argument
@_key_option
@_people_option
@click.pass_obj
def change_approve(app: Any, file: Path, key: Path, people: Path | None) -> None:
    """An approver of the client signs the request (the client's written approval)."""
    record = _service(app).approve(file, key, people_path=people, interactive=True)
    _signed(app, N_("%(change)s: approved by %(person)s at %(time)s"), record, file)


@change.command("attest")
@_file_argument
@click.option("--role", required=True, type=click.Choice(["operator", "recorder"]),
              help="operator (主持操作) or recorder (确认详细记录).")
@_key_option
@_people_option
@click.pass_obj
def change_attest(app: Any, file: Path, role: str, key: Path, people: Path | None) -> None:
    """The operator or the recorder signs that they are present for the execution."""
    record = _service(app).attest(file, role, key, people_path=people, interactive=True)
    _signed(app, N_("%(change)s: %(person)s attests being present as %(role)s (%(time)s)"),
            record, file)


@change.command("close")
@_file_argument
@_key_option
@click.option("--outcome", required=True,
              type=click.Choice(["success", "partial", "failed", "rolled_back"]),
              help="The result of the change.")
@click.option("--remaining", required=True, help="Remaining issues (剩余问题); \"none\" if none.")
@click.option("--evaluation", required=True, help="The client's evaluation (客户评估).")
@_people_option
@click.pass_obj
def change_close(app: Any, file: Path, key: Path, outcome: str, remaining: str,
                 evaluation: str, people: Path | None) -> None:
    """The recorder closes the change; the signature covers the run record and audit head."""
    record = _service(app).close(file, key, outcome=outcome, remaining_issues=remaining,
                                 evaluation=evaluation, people_path=people, interactive=True)
    _signed(app, N_("%(change)s: closed by %(person)s at %(time)s, outcome %(outcome)s"),
            record, file, outcome=outcome)


# ----------------------------------------------------------------------------- run


def _task_printer(app: Any):
    def show(event: Any) -> None:
        label = _word(app, event.status)
        if event.ignored:
            label += f" ({_word(app, 'ignored')})"
        line = f"  {label:<12} {event.host}: {event.task}"
        if event.status in ("failed", "unreachable") and event.message:
            line += ": " + event.message.splitlines()[0][:300]
        click.echo(line, err=True)

    return show


def _start_printer(app: Any, check: bool):
    def show(ctx: Any, run_id: int) -> None:
        request = ctx.request
        if request.emergency.is_emergency and not ctx.approved:
            app.warn(N_("EMERGENCY change %(change)s: running without the client's approval; "
                        "it stays awaiting retrospective approval"), change=request.id)
        message = (N_("%(change)s: every rule holds; rehearsal in check mode (nothing is "
                      "changed), run %(run)d: %(playbook)s on %(hosts)s") if check else
                   N_("%(change)s: every rule holds; run %(run)d: %(playbook)s on %(hosts)s"))
        app.warn(message, change=request.id, run=run_id, playbook=request.playbook,
                 hosts=", ".join(ctx.hosts))

    return show


@change.command("run")
@_file_argument
@click.option("--check", "check", is_flag=True,
              help="Rehearse in Ansible's check mode (recorded as a rehearsal).")
@_people_option
@click.option("--clamav-db", "clamav_db", default=None, type=click.Path(path_type=Path),
              help="ClamAV signature database for the media scan (clamscan -d).")
@click.option("--scheduled", is_flag=True,
              help="Started by a timer (weibao schedule install --change): refused when it "
                   "starts more than --scheduled-grace minutes after the window opened.")
@click.option("--scheduled-grace", default=10, show_default=True, type=click.IntRange(0, 240),
              help="With --scheduled: minutes after the window's start a run may still start.")
@click.pass_obj
def change_run(app: Any, file: Path, check: bool, people: Path | None,
               clamav_db: Path | None, scheduled: bool, scheduled_grace: int) -> None:
    """Check every rule, then run the change playbook on the request's targets."""
    from weibao.change.request import load_request

    outcome = _service(app).run(file, check=check, people_path=people, clamav_db=clamav_db,
                                on_task=_task_printer(app), on_start=_start_printer(app, check),
                                scheduled_grace=dt.timedelta(minutes=scheduled_grace)
                                if scheduled else None)
    params = {"change": outcome.change_id, "run": outcome.run_id, "tasks": outcome.tasks,
              "file": str(file)}
    if outcome.status == "successful":
        app.say(N_("%(change)s: rehearsal passed (run %(run)d, %(tasks)d task results); "
                   "nothing was changed") if check else
                N_("%(change)s: succeeded (run %(run)d, %(tasks)d task results); the recorder "
                   "closes it: weibao change close %(file)s --key KEY --outcome ..."), **params)
    elif outcome.status == "failed":
        failure = outcome.failure
        detail = failure.message if failure else outcome.describe(app._)
        if failure is None and outcome.not_reached:
            app.say(N_("%(change)s: FAILED in run %(run)d: the change playbook gave no task "
                       "result for %(hosts)s: not reached, nothing shows the change was made "
                       "there (does every play's hosts: cover the request's targets?)"),
                    hosts=", ".join(outcome.not_reached), **params)
        else:
            app.say(N_("%(change)s: FAILED in run %(run)d on %(host)s at task %(task)s: "
                       "%(detail)s"), host=failure.host if failure else "-",
                    task=failure.task if failure else "-",
                    detail=detail.splitlines()[0] if detail else "", **params)
        if not check:
            app.say(N_("follow the rollback plan (%(file)s, rollback_plan):"), file=str(file))
            for line in load_request(file).rollback_plan.rstrip().splitlines():
                click.echo("    " + line)
    else:
        app.say(N_("%(change)s: INTERRUPTED (run %(run)d): %(reason)s; the change is marked "
                   "interrupted: check the hosts, then run it again within the window or close "
                   "it"), reason=outcome.describe(app._), **params)
    if outcome.emergency and outcome.awaiting_retrospective_approval:
        app.say(N_("EMERGENCY change %(change)s: awaiting retrospective approval (weibao change "
                   "approve %(file)s --key KEY)"), **params)
    sys.exit(outcome.exit_code)


@change.command("unlock")
@click.argument("change_id")
@_key_option
@click.option("--reason", required=True, help="Why the lock may go: what was checked.")
@_people_option
@click.pass_obj
def change_unlock(app: Any, change_id: str, key: Path, reason: str,
                  people: Path | None) -> None:
    """Clear the lock a stopped run left (operator or recorder of that change; audited)."""
    lock = _service(app).unlock(change_id, key, reason, people_path=people, interactive=True)
    app.say(N_("%(change)s: lock cleared (it was taken by pid %(pid)s on %(controller)s at "
               "%(time)s for %(hosts)s)"), change=change_id, pid=lock.pid,
            controller=lock.controller, time=lock.time, hosts=", ".join(lock.hosts))


# ----------------------------------------------------------------------------- status


@change.command("status")
@_file_argument
@_people_option
@click.option("--clamav-db", "clamav_db", default=None, type=click.Path(path_type=Path),
              help="ClamAV signature database for the media scan (clamscan -d).")
@click.pass_obj
def change_status(app: Any, file: Path, people: Path | None, clamav_db: Path | None) -> None:
    """Sign-offs, state, runs, and what `change run` would refuse now (records nothing)."""
    from weibao.change.signoffs import signoffs_path

    status = _service(app).status(file, people_path=people, clamav_db=clamav_db)
    request = status.request
    click.echo(f"{request.id}  {request.title}")
    app.say(N_("state: %(state)s"), state=_word(app, status.state))
    if status.emergency:
        app.say(N_("EMERGENCY change (%(reason)s)"), reason=request.emergency.reason)
        if status.awaiting_retrospective_approval:
            app.say(N_("awaiting retrospective approval"))
    app.say(N_("sign-offs (%(file)s):"), file=str(signoffs_path(file)))
    if not status.signoffs:
        app.say(N_("  none yet"))
    else:
        first = status.signoffs[0].record
        # a statement that is not JSON: the sign-off's own line below says what is wrong
        with contextlib.suppress(ValueError):
            _signed_for(app, json.loads(first.statement))
    for item in status.signoffs:
        record = item.record
        verdict = _word(app, item.status)
        if item.problem is not None:
            problem = item.problem
            verdict += ": " + (problem.reason(app._) if hasattr(problem, "reason")
                               else problem.render(app._))
        click.echo(f"  [{item.index}] {_word(app, record.act):<8} {_word(app, record.role):<10} "
                   f"{record.person:<16} {record.time}  {verdict}")
    for run in status.runs:
        app.say(N_("run %(id)d (%(kind)s): %(status)s, %(start)s - %(end)s, %(tasks)d task "
                   "results"), id=run["id"], kind=_word(app, run["kind"]),
                status=_word(app, run["status"]),
                start=run["started_at"], end=run["ended_at"] or "…", tasks=run["tasks"])
    if status.lock is not None:
        lock = status.lock
        app.say(N_("lock: pid %(pid)s on %(controller)s since %(time)s%(stale)s"),
                pid=lock.pid, controller=lock.controller, time=lock.time,
                stale=app._(" (stale: the run stopped without finishing)") if lock.stale else "")
    refusals = status.refusals
    if not refusals:
        app.say(N_("change run: every rule holds now"))
        return
    app.say(N_("change run would be refused now:"))
    for gate in status.gates:
        if gate.refusal is not None:
            click.echo(f"  - {_word(app, gate.rule)}: {gate.refusal.reason(app._)}")
    sys.exit(EXIT_CRITICAL)  # a scheduler or a script sees that it cannot run now


# ----------------------------------------------------------------------------- audit


@click.group("audit")
def audit() -> None:
    """The change-control audit log (append-only, hash-chained)."""


def _audit_log(app: Any):
    from weibao.audit import AuditLog, default_audit_path

    return AuditLog(default_audit_path(app.settings.data_dir))


@audit.command("verify")
@click.pass_obj
def audit_verify(app: Any) -> None:
    """Check the whole chain, and the audit heads the approvals and closings signed (each
    must be an earlier entry of this chain); name each failure (exit 1) if any."""
    from weibao.change.vouched import check_vouched

    log = _audit_log(app)
    result = log.verify()
    if result.ok:
        app.say(N_("audit log %(file)s: %(count)d entries, chain intact (head %(head)s)"),
                file=str(log.path), count=result.count, head=result.head)
    else:
        reason = result.error.render(app._) if result.error else result.reason
        app.say(N_("audit log %(file)s: entry %(seq)d is the first bad one: %(reason)s"),
                file=str(log.path), seq=result.first_bad_seq, reason=reason)
        app.say(N_("%(count)d entries before it are intact"), count=result.count)
    vouched = check_vouched(log, app.store)
    for line in vouched.lines():
        click.echo(line.render(app._))
    if not (result.ok and vouched.ok):
        sys.exit(EXIT_CRITICAL)


def _summary(entry: Any) -> str:
    detail = entry.detail
    if entry.action == "change.refused":
        return f"{detail.get('act', '')}: {detail.get('rule', '')}: {detail.get('reason', '')}"
    if entry.action.endswith(".end") or entry.action.endswith(".start"):
        return " ".join(f"{k}={detail[k]}" for k in ("run_id", "status") if k in detail)
    if entry.action == "change.unlock":
        return str(detail.get("reason", ""))
    return " ".join(f"{k}={detail[k]}" for k in ("role", "outcome") if k in detail)


@audit.command("show")
@click.option("--change", "change_id", default=None, help="Only entries of this change.")
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
@click.pass_obj
def audit_show(app: Any, change_id: str | None, as_json: bool) -> None:
    """List audit entries (checked as they are read)."""
    entries = list(_audit_log(app).entries(change_id))
    if as_json:
        click.echo(json.dumps([e.as_dict() for e in entries], ensure_ascii=False, indent=2))
        return
    if not entries:
        app.say(N_("no audit entries"))
        return
    for entry in entries:
        click.echo(f"{entry.seq:>5}  {entry.time}  {entry.actor:<16} {entry.action:<18} "
                   f"{entry.change_id or '-':<13} {_summary(entry)}".rstrip())
