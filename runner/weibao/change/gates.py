"""The rules ``weibao change run`` checks before anything touches a host (issue 3 §4).

Each gate either passes, giving the evidence worth recording (who signed, which backups,
which scan), or raises a :class:`~weibao.change.refusal.Refusal` naming what does not hold.
They run in a fixed order, cheapest first and the virus scan last:

=============  ==============================================================================
state          the change is in the store and may run (submitted, approved or interrupted)
people         the people named exist with their roles; operator and recorder differ
signatures     every sign-off of the current round verifies, for the current content, by the
               key of a person whose role allows it; approver from the client and none of
               requester, operator, recorder; the sign-offs needed are there
targets        the inventory and limit of the request give hosts of the request's site
notice         submitted at least the site's lead time before the window (not emergencies)
window         now is inside the window
playbook       every play of the playbook is marked as a change play and stops at a failure
backups        patches and upgrades: a verified recent backup of every target in the store
lock           no lock of another change on these hosts, no lock left by a crash
media          every media file matches its sha256 and scans clean
=============  ==============================================================================

The clock is a parameter (``Context.now``), never read from the environment: only the code
that calls the gates decides what "now" is, and the command line always passes the real time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import select

from weibao.change.anchor import check_vouched
from weibao.change.audit import AuditLog, BrokenChain, Entry
from weibao.change.canonical import sha256_hex
from weibao.change.locks import Lock, LockDir
from weibao.change.media import check_media
from weibao.change.people import People
from weibao.change.refusal import Refusal
from weibao.change.request import ChangeRequest
from weibao.change.signoffs import ATTEST_ROLES, Checked, Checker, Record, current_round
from weibao.content import content_root
from weibao.errors import N_, ConfigError, WeibaoError
from weibao.services.inventory import Inventory, load_inventory
from weibao.sshkeys import key_line, key_line_fingerprint
from weibao.store import Backup, Change, Store

DEFAULT_LEAD_TIME_HOURS = 24  # 至少提前24小时
DEFAULT_BACKUP_MAX_AGE_DAYS = 7
DEFAULT_ATTEST_BEFORE_WINDOW_MINUTES = 60  # both people present at execution (两人或多人)
RUNNABLE_STATES = ("submitted", "approved", "interrupted")
MARK = "weibao_change_playbook"
TICKET_ACTION = "weibao_change_ticket"  # plugins/action/, see weibao.change.tickets


# ----------------------------------------------------------------------------- site


@dataclass(frozen=True)
class SiteSettings:
    """Change-control settings of a site (the inventory's ``weibao_site``)."""

    name: str
    timezone: str
    lead_time: timedelta
    backup_max_age: timedelta
    # an attestation counts only when made at most this long before the window opens
    attest_before_window: timedelta = timedelta(minutes=DEFAULT_ATTEST_BEFORE_WINDOW_MINUTES)
    # the client's trust anchor: the public key that vouches for the client's people
    client_anchor: str = ""
    client_anchor_fingerprint: str = ""


def people_file(request: ChangeRequest, override: str | Path | None = None) -> Path:
    """``--people PATH``, else ``people.yml`` in the folder of the request's inventory."""
    if override is not None:
        return Path(override)
    inventory = Path(request.targets.inventory)
    folder = inventory if inventory.is_dir() else inventory.parent
    return folder / "people.yml"


def _site_vars(inventory: Inventory) -> dict[str, Any]:
    """The raw ``weibao_site`` mapping of an inventory already checked by load_inventory."""
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.vars.manager import VariableManager

    loader = DataLoader()
    manager = InventoryManager(loader=loader, sources=[str(inventory.path)])
    raw = manager.groups["all"].get_vars().get("weibao_site") if "all" in manager.groups \
        else None
    if raw is None and inventory.hosts:
        host = manager.get_host(inventory.hosts[0])
        if host is not None:
            raw = VariableManager(loader=loader, inventory=manager).get_vars(
                host=host).get("weibao_site")
    return dict(raw) if isinstance(raw, dict) else {}


def _whole(inventory: Inventory, raw: dict[str, Any], name: str, default: int,
           unit: str) -> int:
    value = raw.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(N_("inventory %(file)s: weibao_site.%(field)s: %(value)r is not a "
                             "whole number of %(unit)s (0 or more)"),
                          file=str(inventory.path), field=name, value=value, unit=unit)
    return value


def site_binding(site: SiteSettings) -> dict[str, Any]:
    """Every site setting a change rule reads, as signed with each sign-off."""
    return {"name": site.name, "timezone": site.timezone,
            "change_lead_time_hours": int(site.lead_time.total_seconds() // 3600),
            "attest_before_window_minutes": int(site.attest_before_window.total_seconds()
                                                // 60),
            "backup_max_age_days": site.backup_max_age.days,
            "client_anchor": site.client_anchor_fingerprint}


def targets_binding(request: ChangeRequest, inventory: Inventory) -> dict[str, Any]:
    """The request's targets resolved against the inventory, as signed with each sign-off."""
    return {"inventory": str(request.targets.inventory), "limit": request.targets.limit or "",
            "hosts": sorted(inventory.hosts)}


def site_settings(inventory: Inventory) -> SiteSettings:
    raw = _site_vars(inventory)
    hours = _whole(inventory, raw, "change_lead_time_hours", DEFAULT_LEAD_TIME_HOURS, "hours")
    days = _whole(inventory, raw, "backup_max_age_days", DEFAULT_BACKUP_MAX_AGE_DAYS, "days")
    minutes = _whole(inventory, raw, "attest_before_window_minutes",
                     DEFAULT_ATTEST_BEFORE_WINDOW_MINUTES, "minutes")
    anchor = raw.get("client_anchor") or ""
    try:
        fingerprint = key_line_fingerprint(anchor)
    except ValueError as exc:
        raise ConfigError(N_("inventory %(file)s: weibao_site.client_anchor: %(problem)s"),
                          file=str(inventory.path), problem=str(exc)) from None
    return SiteSettings(name=inventory.site.name, timezone=inventory.site.timezone,
                        lead_time=timedelta(hours=hours), backup_max_age=timedelta(days=days),
                        attest_before_window=timedelta(minutes=minutes),
                        client_anchor=key_line(anchor),
                        client_anchor_fingerprint=fingerprint)


# ----------------------------------------------------------------------------- context


@dataclass
class Context:
    """Everything the gates look at, and what they found out on the way."""

    request: ChangeRequest
    people: People
    records: list[Record]
    log: AuditLog
    store: Store
    locks: LockDir
    now: datetime
    clamav_db: str | Path | None = None
    # filled by the gates as they pass
    change: Change | None = None
    checked: list[Checked] = field(default_factory=list)
    inventory: Inventory | None = None
    site: SiteSettings | None = None
    _targets: tuple[Inventory, SiteSettings] | ConfigError | None = None

    @property
    def hosts(self) -> list[str]:
        return list(self.inventory.hosts) if self.inventory else []

    def signed(self, act: str, role: str | None = None) -> list[Checked]:
        return [c for c in self.checked if c.record.act == act
                and (role is None or c.record.role == role)]

    @property
    def approved(self) -> bool:
        return bool(self.signed("approve"))

    @property
    def submitted_at(self) -> datetime | None:
        submits = self.signed("submit")
        return parse_utc(submits[0].record.time) if submits else None


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _stamp(moment: datetime, zone: str | None = None) -> str:
    if zone:
        return moment.astimezone(ZoneInfo(zone)).isoformat(timespec="minutes")
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_time(moment: datetime, zone: str) -> str:
    """``2026-03-07T22:00+08:00``: a moment in the request's time zone, as messages show it."""
    return _stamp(moment, zone)


def _hm(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}h{rest:02d}m"


class Skipped(Exception):  # noqa: N818 - not an error: a gate that cannot be judged yet
    """A gate that depends on one that did not pass."""


# ----------------------------------------------------------------------------- the gates


def gate_state(ctx: Context) -> dict[str, Any]:
    request = ctx.request
    with ctx.store.session() as s:
        change = s.get(Change, request.id)
        runs = [(r.id, r.kind, r.status) for r in change.runs] if change else []
    if change is None:
        raise Refusal("state", N_("%(change)s has not been submitted (the store has no record "
                                  "of it): the requester signs first: weibao change submit "
                                  "%(file)s --key KEY"),
                      change=request.id, file=str(request.path))
    ctx.change = change
    last = next((r for r in reversed(runs) if r[1] == "change"), None)
    run_id = last[0] if last else "-"
    if change.state in RUNNABLE_STATES:
        return {"state": change.state}
    messages = {
        "closed": N_("%(change)s is closed"),
        "succeeded": N_("%(change)s has already run successfully (run %(run)s); close it: "
                        "weibao change close"),
        "failed": N_("%(change)s failed in run %(run)s: follow the rollback plan and close it "
                     "(weibao change close); trying again needs a new request"),
        "running": N_("%(change)s is running (run %(run)s)"),
    }
    raise Refusal("state", messages.get(change.state, N_("%(change)s is in state %(state)s and "
                                                         "cannot run")),
                  change=request.id, run=run_id, state=change.state)


def gate_people(ctx: Context) -> dict[str, Any]:
    request, people = ctx.request, ctx.people
    named = [("requester", request.requester, "requester"),
             ("operator", request.operator, "operator"),
             ("recorder", request.recorder, "recorder")]
    named += [(f"attendees[{i}]", p, None) for i, p in enumerate(request.attendees)]
    for where, person_id, role in named:
        person = people.get(person_id)
        if person is None:
            raise Refusal("people", N_("%(file)s: %(field)s: %(person)s is not in the people "
                                       "file %(people)s"),
                          file=str(request.path), field=where, person=person_id,
                          people=str(people.path))
        if role is not None and not person.has_role(role):
            raise Refusal("people", N_("%(file)s: %(field)s: %(person)s does not have the role "
                                       "%(role)s in the people file %(people)s"),
                          file=str(request.path), field=where, person=person_id, role=role,
                          people=str(people.path))
    if request.operator == request.recorder:
        raise Refusal("people", N_("%(file)s: operator and recorder are both %(person)s: one "
                                   "person operates, another confirms and records (两人或多人)"),
                      file=str(request.path), person=request.operator)
    return {"requester": request.requester, "operator": request.operator,
            "recorder": request.recorder, "attendees": list(request.attendees)}


def audit_entries(log: AuditLog, change_id: str) -> list[Entry]:
    """The change's audit entries; Refusal when the log is damaged anywhere."""
    try:
        return list(log.entries(change_id))
    except BrokenChain as exc:
        raise Refusal("audit", N_("the audit log is damaged: %(reason)s; nothing runs until it "
                                  "is repaired (weibao audit verify)"), reason=exc) from exc


def check_round(ctx: Context) -> list[Checked]:
    """Verify every sign-off of the current round (see signoffs.py); Refusal at the first that
    does not hold. Sets ``ctx.checked``."""
    request = ctx.request
    start, records = current_round(ctx.records)
    if start < 0:
        raise Refusal("signatures", N_("%(change)s has not been submitted: the requester signs "
                                       "first: weibao change submit %(file)s --key KEY"),
                      change=request.id, file=str(request.path))
    stale = [r for r in records if r.request_digest != request.digest]
    if stale:
        last = stale[-1]
        raise Refusal("signatures", N_("%(file)s was changed after the %(act)s by %(person)s at "
                                       "%(time)s (signed digest %(signed)s, now %(current)s): "
                                       "every signature over it is void; submit it again and "
                                       "have it approved again"),
                      file=str(request.path), act=last.act, person=last.person, time=last.time,
                      signed=last.request_digest[:12], current=request.digest[:12])
    checker = Checker(request.id, request.path, ctx.people, ctx.log,
                      audit_entries(ctx.log, request.id))
    checked = [checker.check(start + i, record) for i, record in enumerate(records)]
    for item in checked:
        check_signer(request, item)
    ctx.checked = checked
    return checked


def check_signer(request: ChangeRequest, item: Checked) -> None:
    """The person who signed (by key) may make this sign-off for this request."""
    record, person = item.record, item.person
    where = {"file": str(request.path), "field": f"signoffs[{item.index}]",
             "person": person.id, "role": record.role}
    if not person.has_role(record.role):
        raise Refusal("signatures", N_("%(file)s: %(field)s: %(person)s signed as %(role)s but "
                                       "does not have that role in the people file"), **where)
    expected = {"submit": request.requester, "close": request.recorder,
                "attest": request.operator if record.role == "operator" else request.recorder}
    if record.act == "attest" and record.role not in ATTEST_ROLES:
        raise Refusal("signatures", N_("%(file)s: %(field)s: %(role)s is not a role that "
                                       "attests (operator or recorder)"), **where)
    if record.act in expected and person.id != expected[record.act]:
        raise Refusal("signatures", N_("%(file)s: %(field)s: %(person)s signed as %(role)s, "
                                       "but the request's %(role)s is %(expected)s"),
                      expected=expected[record.act], **where)
    if record.act == "approve":
        check_approver(request, item)


def check_approver(request: ChangeRequest, item: Checked) -> None:
    """The approver is of the client and none of requester, operator, recorder (four eyes)."""
    person = item.person
    where = {"file": str(request.path), "field": f"signoffs[{item.index}]", "person": person.id}
    if person.organisation != "client":
        raise Refusal("people", N_("%(file)s: %(field)s: approved by %(person)s, who is not of "
                                   "the client (organisation: %(organisation)s): the client's "
                                   "project supervisor approves"),
                      organisation=person.organisation, **where)
    for role in ("requester", "operator", "recorder"):
        if getattr(request, role) == person.id:
            raise Refusal("people", N_("%(file)s: %(field)s: approved by %(person)s, who is "
                                       "also the %(role)s of this change: the approver must be "
                                       "someone else"), role=role, **where)


def gate_signatures(ctx: Context) -> dict[str, Any]:
    request = ctx.request
    checked = check_round(ctx)
    check_people_file(ctx)
    if not request.emergency.is_emergency and not ctx.approved:
        raise Refusal("signatures", N_("%(change)s is not approved: an approver of the client "
                                       "signs with weibao change approve %(file)s --key KEY"),
                      change=request.id, file=str(request.path))
    # An emergency runs on the requester's and the operator's signatures; when they are one
    # person, the recorder's attestation is needed too: never fewer than two people.
    alone = request.emergency.is_emergency and request.requester != request.operator
    needed = ("operator",) if alone else ("operator", "recorder")
    for role in needed:
        if not ctx.signed("attest", role):
            raise Refusal("signatures", N_("the %(role)s %(person)s has not attested being "
                                           "present: weibao change attest %(file)s --role "
                                           "%(role)s --key KEY"),
                          role=role, person=getattr(request, role), file=str(request.path))
    # both present at execution: an attestation counts only when made shortly before or in
    # the window (the site's attest_before_window_minutes)
    try:
        _, site = load_targets(ctx)
    except Refusal:
        raise Skipped from None  # the targets rule says what is wrong with the inventory
    for role in needed:
        check_attest_time(ctx, role, site)
    # every client-side sign-off by a person the client vouched for (its trust anchor)
    vouched = None
    for item in checked:
        vouched = check_vouched(ctx.people, item.person, site.client_anchor) or vouched
    return {"people_file": str(ctx.people.path), "people_sha256": ctx.people.sha256,
            "client_anchor": site.client_anchor_fingerprint,
            "client_vouched_at": vouched.time if vouched else None,
            "attest_before_window_minutes": int(site.attest_before_window.total_seconds()
                                                // 60),
            "signoffs": [{"act": c.record.act, "role": c.record.role, "person": c.person.id,
                          "time": c.record.time, "fingerprint": c.fingerprint,
                          "audit_seq": c.entry.seq} for c in checked]}


def load_targets(ctx: Context) -> tuple[Inventory, SiteSettings]:
    """The request's inventory (with its limit) and its site's settings, loaded once per
    context; Refusal (rule ``targets``) when they cannot be loaded."""
    if ctx._targets is None:
        request = ctx.request
        try:
            inventory = load_inventory(request.targets.inventory, limit=request.targets.limit)
            ctx._targets = (inventory, site_settings(inventory))
        except ConfigError as exc:
            ctx._targets = exc
    if isinstance(ctx._targets, ConfigError):
        raise Refusal.wrap("targets", ctx._targets) from ctx._targets
    return ctx._targets


def attest_period(request: ChangeRequest, site: SiteSettings) -> tuple[datetime, datetime]:
    """When an attestation counts: from ``attest_before_window_minutes`` before the window
    opens until the window ends (the end excluded): both people are present at execution."""
    return request.window.start - site.attest_before_window, request.window.end


def attest_in_time(ctx: Context, item: Checked, site: SiteSettings) -> bool:
    earliest, latest = attest_period(ctx.request, site)
    return earliest <= parse_utc(item.record.time) < latest


def check_attest_time(ctx: Context, role: str, site: SiteSettings) -> None:
    """Refusal unless an attestation of ``role`` in the current round counts (see
    :func:`attest_period`); naming who attested when."""
    request, window = ctx.request, ctx.request.window
    attests = ctx.signed("attest", role)
    if not attests or any(attest_in_time(ctx, c, site) for c in attests):
        return
    last = attests[-1]
    moment = parse_utc(last.record.time)
    params = {"role": role, "person": last.person.id, "file": str(request.path),
              "time": _stamp(moment, window.timezone),
              "start": _stamp(window.start, window.timezone),
              "end": _stamp(window.end, window.timezone),
              "minutes": int(site.attest_before_window.total_seconds() // 60)}
    if moment >= window.end:
        raise Refusal("signatures", N_("the %(role)s %(person)s attested being present at "
                                       "%(time)s, after the window closed at %(end)s: an "
                                       "attestation counts only when made for the execution, "
                                       "in the window"), **params)
    raise Refusal("signatures", N_("the %(role)s %(person)s attested being present at "
                                   "%(time)s, more than %(minutes)s minutes before the window "
                                   "opens at %(start)s (attest_before_window_minutes): an "
                                   "attestation counts only when made for the execution; "
                                   "attest again when present: weibao change attest %(file)s "
                                   "--role %(role)s --key KEY"), **params)


def gate_targets(ctx: Context) -> dict[str, Any]:
    request = ctx.request
    inventory, site = load_targets(ctx)
    if site.name != request.site:
        raise Refusal("targets", N_("%(file)s: site is %(site)s, but the inventory "
                                    "%(inventory)s describes site %(known)s"),
                      file=str(request.path), site=request.site, inventory=str(inventory.path),
                      known=site.name)
    # the hosts and the site's rules are those the sign-offs were made under
    check_targets_unchanged(ctx)
    check_site_unchanged(ctx)
    ctx.inventory, ctx.site = inventory, site
    return {"inventory": str(inventory.path), "limit": request.targets.limit,
            "hosts": list(inventory.hosts), "site": site_binding(site)}


def gate_notice(ctx: Context) -> dict[str, Any]:
    request, submitted = ctx.request, ctx.submitted_at
    if submitted is None or ctx.site is None:
        raise Skipped
    if request.emergency.is_emergency:
        return {"emergency": True, "reason": request.emergency.reason,
                "awaiting_retrospective_approval": not ctx.approved,
                "submitted_at": _stamp(submitted)}
    given = request.window.start - submitted
    if given < timedelta(0):
        raise Refusal("notice", N_("%(change)s was submitted at %(submitted)s, %(late)s after "
                                   "its window opened at %(start)s; the site requires %(hours)s h "
                                   "notice (change_lead_time_hours); only an emergency change "
                                   "may run at shorter notice"),
                      change=request.id, submitted=_stamp(submitted, request.window.timezone),
                      late=_hm(-given), start=_stamp(request.window.start,
                                                     request.window.timezone),
                      hours=int(ctx.site.lead_time.total_seconds() // 3600))
    if given < ctx.site.lead_time:
        raise Refusal("notice", N_("%(change)s was submitted at %(submitted)s, %(given)s before "
                                   "the window opens at %(start)s; the site requires %(hours)s h "
                                   "notice (change_lead_time_hours); only an emergency change "
                                   "may run at shorter notice"),
                      change=request.id, submitted=_stamp(submitted, request.window.timezone),
                      given=_hm(given), start=_stamp(request.window.start,
                                                     request.window.timezone),
                      hours=int(ctx.site.lead_time.total_seconds() // 3600))
    return {"submitted_at": _stamp(submitted), "notice": _hm(given),
            "lead_time_hours": int(ctx.site.lead_time.total_seconds() // 3600)}


def gate_window(ctx: Context) -> dict[str, Any]:
    request, window = ctx.request, ctx.request.window
    params = {"change": request.id, "start": _stamp(window.start, window.timezone),
              "end": _stamp(window.end, window.timezone), "timezone": window.timezone,
              "now": _stamp(ctx.now, window.timezone)}
    if ctx.now < window.start:
        raise Refusal("window", N_("the window of %(change)s opens at %(start)s (%(timezone)s); "
                                   "it is now %(now)s"), **params)
    if ctx.now >= window.end:
        raise Refusal("window", N_("the window of %(change)s closed at %(end)s (%(timezone)s); "
                                   "it is now %(now)s: an expired window cannot be used, make a "
                                   "new request"), **params)
    return {"start": params["start"], "end": params["end"], "now": params["now"]}


def playbook_path(request: ChangeRequest) -> Path:
    return content_root() / request.playbook


# What a role's files are, for the digest (not its README or Molecule tests).
ROLE_PARTS = ("tasks", "handlers", "defaults", "vars", "files", "templates", "meta", "library",
              "module_utils", "filter_plugins", "lookup_plugins")
_ROLE_TASK_KEYS = frozenset(f"{prefix}{verb}_role" for prefix in
                            ("", "ansible.builtin.", "ansible.legacy.")
                            for verb in ("import", "include"))


def _sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _role_names(plays: Any) -> list[str]:
    """The roles the plays name directly: ``roles:`` and import_role/include_role tasks
    (blocks included); not a role's own dependencies."""
    names: list[str] = []

    def tasks(items: Any) -> None:
        for task in items if isinstance(items, list) else []:
            if not isinstance(task, dict):
                continue
            for key in ("block", "rescue", "always"):
                tasks(task.get(key))
            for key in _ROLE_TASK_KEYS & set(task):
                if isinstance(task[key], dict) and isinstance(task[key].get("name"), str):
                    names.append(task[key]["name"])

    for play in plays if isinstance(plays, list) else []:
        if not isinstance(play, dict):
            continue
        for item in play.get("roles") or []:
            name = item.get("role") or item.get("name") if isinstance(item, dict) else item
            if isinstance(name, str):
                names.append(name)
        for key in ("pre_tasks", "tasks", "post_tasks", "handlers"):
            tasks(play.get(key))
    return list(dict.fromkeys(names))


def playbook_files(request: ChangeRequest) -> dict[str, str | None]:
    """{path under the content folder: sha256} of the change playbook and of the files of
    the roles its plays name directly (``roles/<name>/`` beside the playbook or in the
    content folder: tasks, handlers, defaults, vars, files, templates, meta, plugins). None
    for a playbook that does not exist, or a role not found there (e.g. of a collection)."""
    root = content_root()
    path = playbook_path(request)
    files: dict[str, str | None] = {request.playbook: _sha256_file(path)}
    try:
        plays = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        plays = None
    for name in _role_names(plays):
        if "{{" in name or "/" in name:
            files[f"roles/{name}"] = None
            continue
        folder = next((f for f in (path.parent / "roles" / name, root / "roles" / name)
                       if f.is_dir()), None)
        if folder is None:
            files[f"roles/{name}"] = None
            continue
        for part in ROLE_PARTS:
            for file in sorted((folder / part).rglob("*")):
                if file.is_file():
                    rel = file.relative_to(root) if file.is_relative_to(root) else file
                    files[str(rel)] = _sha256_file(file)
    return files


def playbook_digest(request: ChangeRequest) -> str:
    """sha256 of the canonical JSON of :func:`playbook_files`: what every sign-off signs, so
    the steps that run are the steps approved."""
    return sha256_hex(playbook_files(request))


def _round_data(ctx: Context) -> list[tuple[Record, dict[str, Any]]]:
    _, records = current_round(ctx.records)
    out = []
    for record in records:
        try:
            out.append((record, record.data()))
        except ValueError:
            continue  # the signatures gate says what is wrong with it
    return out


BOUND_ACTS = ("submit", "approve", "attest")


def check_people_file(ctx: Context, acts: tuple[str, ...] = BOUND_ACTS) -> None:
    """The people file in use is the one every sign-off of the round was made with; a file
    handed in later (``--people``) cannot make anyone an approver."""
    for record, data in _round_data(ctx):
        if record.act in acts and data.get("people_sha256") != ctx.people.sha256:
            raise Refusal("people", N_("the %(act)s by %(person)s at %(time)s was made with "
                                       "another people file (sha256 %(signed)s) than the one "
                                       "in use, %(people)s (sha256 %(current)s): sign-offs "
                                       "count only with the people file they were made with; "
                                       "use that one, or submit the request again and have it "
                                       "signed again"),
                          act=record.act, person=record.person, time=record.time,
                          signed=str(data.get("people_sha256") or "-")[:12],
                          people=str(ctx.people.path), current=ctx.people.sha256[:12])


def check_targets_unchanged(ctx: Context, acts: tuple[str, ...] = BOUND_ACTS) -> list[str]:
    """The targets resolve to the hosts every sign-off of the round signed (resolved at the
    submission, shown to and signed by every signer); returns them. A host added to the
    inventory group after approval is never changed by the approved run."""
    inventory, _ = load_targets(ctx)
    current = sorted(inventory.hosts)
    for record, data in _round_data(ctx):
        if record.act not in acts:
            continue
        signed = (data.get("targets") or {}).get("hosts")
        if signed != current:
            signed = list(signed or [])
            added = sorted(set(current) - set(signed))
            removed = sorted(set(signed) - set(current))
            raise Refusal("targets", N_("the targets of %(change)s (inventory %(inventory)s, "
                                        "limit %(limit)s) resolve to %(current)s now, but the "
                                        "%(act)s by %(person)s at %(time)s signed %(signed)s "
                                        "(added: %(added)s; removed: %(removed)s): only the "
                                        "hosts approved may be changed; submit the request "
                                        "again and have it approved again"),
                          change=ctx.request.id, inventory=ctx.request.targets.inventory,
                          limit=ctx.request.targets.limit or "-",
                          current=", ".join(current) or "-", act=record.act,
                          person=record.person, time=record.time,
                          signed=", ".join(signed) or "-", added=", ".join(added) or "-",
                          removed=", ".join(removed) or "-")
    return current


def check_site_unchanged(ctx: Context, acts: tuple[str, ...] = BOUND_ACTS) -> dict[str, Any]:
    """Every site setting a rule reads is what every sign-off of the round signed; returns
    them. Lowering the lead time or raising the backup age limit after approval changes no
    rule for a change already signed."""
    _, site = load_targets(ctx)
    current = site_binding(site)
    for record, data in _round_data(ctx):
        if record.act not in acts:
            continue
        signed = data.get("site") or {}
        changed = [name for name in sorted(current) if signed.get(name) != current[name]]
        if changed:
            raise Refusal("site", N_("weibao_site of %(inventory)s changed after the %(act)s by "
                                     "%(person)s at %(time)s: %(changes)s; the rules of a change "
                                     "are those its sign-offs were made under: set them back, "
                                     "or submit the request again and have it approved again"),
                          inventory=ctx.request.targets.inventory, act=record.act,
                          person=record.person, time=record.time,
                          changes="; ".join(f"{name} {signed.get(name, '-')!s} -> "
                                            f"{current[name]!s}" for name in changed))
    return current


def check_playbook_unchanged(ctx: Context, acts: tuple[str, ...] = BOUND_ACTS,
                             files: dict[str, str | None] | None = None) -> str:
    """The change playbook (and its roles' files) are as every sign-off of the round signed
    them; returns the current digest (of ``files`` when the caller has read them already)."""
    current = sha256_hex(files if files is not None else playbook_files(ctx.request))
    for record, data in _round_data(ctx):
        if record.act in acts and data.get("playbook_digest") != current:
            raise Refusal("playbook", N_("playbook %(playbook)s (or a file of its roles) was "
                                         "changed after the %(act)s by %(person)s at %(time)s "
                                         "(signed digest %(signed)s, now %(current)s): only "
                                         "the steps approved may run; submit the request again "
                                         "and have it approved again"),
                          playbook=ctx.request.playbook, act=record.act, person=record.person,
                          time=record.time, signed=str(data.get("playbook_digest") or "-")[:12],
                          current=current[:12])
    return current


def gate_playbook(ctx: Context) -> dict[str, Any]:
    path = playbook_path(ctx.request)
    name = ctx.request.playbook
    if not path.is_file():
        raise Refusal("playbook", N_("playbook %(playbook)s: does not exist in %(root)s"),
                      playbook=name, root=str(content_root()))
    try:
        plays = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise Refusal("playbook", N_("playbook %(playbook)s: cannot be read: %(reason)s"),
                      playbook=name, reason=str(exc).splitlines()[0]) from exc
    if not isinstance(plays, list) or not plays:
        raise Refusal("playbook", N_("playbook %(playbook)s: not a list of plays"), playbook=name)
    for index, play in enumerate(plays):
        label = f"{index + 1}" + (f" ({play.get('name')})" if isinstance(play, dict)
                                  and play.get("name") else "")
        if not isinstance(play, dict) or "hosts" not in play:
            raise Refusal("playbook", N_("playbook %(playbook)s: play %(play)s is not a play "
                                         "with hosts (a change playbook imports nothing)"),
                          playbook=name, play=label)
        marked = isinstance(play.get("vars"), dict) and play["vars"].get(MARK) is True
        if not marked:
            raise Refusal("playbook", N_("playbook %(playbook)s: play %(play)s is not marked as "
                                         "a change playbook (vars: weibao_change_playbook: "
                                         "true)"), playbook=name, play=label)
        first = (play.get("pre_tasks") or play.get("tasks") or [None])[0]
        if not (isinstance(first, dict) and TICKET_ACTION in first
                and first.get("run_once") is True):
            raise Refusal("playbook", N_("playbook %(playbook)s: play %(play)s does not check its "
                                         "run ticket first (its first task must be "
                                         "weibao_change_ticket with run_once: true, see "
                                         "playbooks/change_demo.yml)"),
                          playbook=name, play=label)
        if play.get("any_errors_fatal") is not True:
            raise Refusal("playbook", N_("playbook %(playbook)s: play %(play)s must stop the "
                                         "change at the first failure (any_errors_fatal: true)"),
                          playbook=name, play=label)
    files = playbook_files(ctx.request)  # read once: the digest checked is of these files
    digest = check_playbook_unchanged(ctx, files=files)
    return {"playbook": name, "plays": len(plays), "digest": digest, "files": files}


def gate_backups(ctx: Context) -> dict[str, Any]:
    request = ctx.request
    if not request.needs_backup:
        return {"needed": False}
    if ctx.site is None:
        raise Skipped
    oldest = ctx.now - ctx.site.backup_max_age
    found: dict[str, Any] = {}
    with ctx.store.session() as s:
        for host in ctx.hosts:
            backup = s.scalars(
                select(Backup).where(Backup.site == request.site, Backup.host == host,
                                     Backup.verified.is_(True), Backup.finished_at.is_not(None),
                                     Backup.finished_at >= oldest,
                                     Backup.finished_at <= ctx.now)
                .order_by(Backup.finished_at.desc())).first()
            if backup is None:
                raise Refusal("backups", N_("no verified backup of %(host)s newer than %(days)s "
                                            "days (backup_max_age_days) in the store: patches "
                                            "and upgrades need a recent verified system backup "
                                            "first (在升级和修补之前, 必须备份必要的系统数据)"),
                              host=host, days=ctx.site.backup_max_age.days)
            found[host] = {"id": backup.id, "kind": backup.kind, "location": backup.location,
                           "finished_at": _stamp(backup.finished_at)}
    return {"needed": True, "max_age_days": ctx.site.backup_max_age.days, "backups": found}


def lock_refusal(change_id: str, lock: Lock) -> Refusal:
    params = {"change": change_id, "owner": lock.change_id, "pid": lock.pid,
              "controller": lock.controller, "time": lock.time,
              "hosts": ", ".join(lock.hosts)}
    if not lock.readable:
        return Refusal("lock", N_("lock file %(file)s is damaged: check that no change is "
                                  "running, then delete it by hand"), file=str(lock.path))
    if lock.stale:
        return Refusal("lock", N_("%(owner)s left a lock when its run stopped without finishing "
                                  "(pid %(pid)s on %(controller)s since %(time)s, hosts "
                                  "%(hosts)s): look at what it left on the hosts, then clear "
                                  "it: weibao change unlock %(owner)s --key KEY --reason TEXT"),
                       **params)
    if not lock.checkable:
        return Refusal("lock", N_("%(owner)s holds a lock from controller %(controller)s (pid "
                                  "%(pid)s since %(time)s, hosts %(hosts)s); if that run is "
                                  "over, clear it: weibao change unlock %(owner)s --key KEY "
                                  "--reason TEXT"), **params)
    if lock.change_id == change_id:
        return Refusal("lock", N_("%(change)s is already running (pid %(pid)s on "
                                  "%(controller)s since %(time)s)"), **params)
    return Refusal("lock", N_("hosts %(hosts)s are locked by change %(owner)s (pid %(pid)s on "
                              "%(controller)s since %(time)s): one change at a time on the same "
                              "hosts"), **params)


def gate_lock(ctx: Context) -> dict[str, Any]:
    if ctx.inventory is None:
        raise Skipped
    conflicts = ctx.locks.conflicts(ctx.request.id, ctx.hosts)
    if conflicts:
        raise lock_refusal(ctx.request.id, conflicts[0])
    return {"hosts": ctx.hosts}


def gate_media(ctx: Context) -> dict[str, Any]:
    return check_media(ctx.request, ctx.clamav_db).as_dict()


GATES: tuple[tuple[str, Callable[[Context], dict[str, Any]]], ...] = (
    ("state", gate_state),
    ("people", gate_people),
    ("signatures", gate_signatures),
    ("targets", gate_targets),
    ("notice", gate_notice),
    ("window", gate_window),
    ("playbook", gate_playbook),
    ("backups", gate_backups),
    ("lock", gate_lock),
    ("media", gate_media),
)


@dataclass
class GateResult:
    rule: str
    status: str  # passed | refused | skipped
    evidence: dict[str, Any] = field(default_factory=dict)
    refusal: Refusal | None = None


def evaluate(ctx: Context, *, stop_first: bool = True) -> list[GateResult]:
    """Run the gates in order; with ``stop_first`` stop at the first refusal (``run``),
    otherwise judge every gate that can be judged (``status``)."""
    results: list[GateResult] = []
    for rule, gate in GATES:
        try:
            evidence = gate(ctx)
        except Skipped:
            results.append(GateResult(rule, "skipped"))
            continue
        except Refusal as refusal:
            results.append(GateResult(rule, "refused", refusal=refusal))
            if stop_first:
                break
            continue
        except WeibaoError as exc:
            results.append(GateResult(rule, "refused", refusal=Refusal.wrap(rule, exc)))
            if stop_first:
                break
            continue
        results.append(GateResult(rule, "passed", evidence))
    return results
