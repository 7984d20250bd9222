"""What must be ready on the controller before a change touches a host: a change playbook
as signed (every play marked, checking its run ticket first, stopping at the first failure),
a recent verified backup for patches and upgrades, no lock on the hosts, media that match
their sha256 and scan clean.
"""

from __future__ import annotations

from typing import Any

import yaml
from sqlalchemy import select

from weibao.canonical import sha256_hex
from weibao.change.locks import Lock
from weibao.change.media import check_media
from weibao.change.playbook import playbook_files, playbook_path
from weibao.change.refusal import Refusal
from weibao.change.rules.bound import check_playbook_unchanged
from weibao.change.rules.context import Context, Skipped, stamp
from weibao.content import content_root
from weibao.errors import N_
from weibao.store import Backup

MARK = "weibao_change_playbook"
TICKET_ACTION = "weibao_change_ticket"  # plugins/action/, see weibao.change.tickets


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
    """Patches and upgrades: a recent verified backup of every target, recorded by ``weibao
    backup run`` and bound into the audit log when it was recorded. The newest verified row
    within the age limit is trusted only when its canonical record's digest is the one in the
    audit entry its ``audit_hash`` names, found in the intact chain: a row written into the
    store by hand, or changed afterwards, is refused (no older row is tried instead). A BMC
    target of a firmware upgrade needs the backup of its server (``weibao_bmc_of``)."""
    from weibao.services.backups import ACTION, canonical_record, differences
    from weibao.services.inventory import BMC_PLATFORMS

    request = ctx.request
    if not request.needs_backup:
        return {"needed": False}
    if ctx.site is None:
        raise Skipped
    oldest = ctx.now - ctx.site.backup_max_age
    found: dict[str, Any] = {}
    inventory = ctx.inventory
    with ctx.store.session() as s:
        for host in ctx.hosts:
            subject = host
            if request.kind == "firmware_upgrade" and inventory is not None \
                    and inventory.platforms.get(host) in BMC_PLATFORMS:
                subject = str((inventory.assets.get(host) or {}).get("bmc_of") or "")
                if not subject:
                    raise Refusal("backups", N_("%(host)s is a BMC without weibao_bmc_of: a "
                                                "firmware upgrade needs the verified backup of "
                                                "the server it manages; set weibao_bmc_of in "
                                                "the inventory"), host=host)
            backup = s.scalars(
                select(Backup).where(Backup.site == request.site, Backup.host == subject,
                                     Backup.status == "verified",
                                     Backup.verified.is_(True), Backup.finished_at.is_not(None),
                                     Backup.finished_at >= oldest,
                                     Backup.finished_at <= ctx.now)
                .order_by(Backup.finished_at.desc(), Backup.id.desc())).first()
            if backup is None:
                raise Refusal("backups", N_("no verified backup of %(host)s newer than %(days)s "
                                            "days (backup_max_age_days) in the store: patches "
                                            "and upgrades need a recent verified system backup "
                                            "first (在升级和修补之前, 必须备份必要的系统数据): "
                                            "weibao backup run"),
                              host=subject, days=ctx.site.backup_max_age.days)
            entry = _backup_entry(ctx, backup, subject)
            if entry.action != ACTION:
                raise Refusal("backups", N_("backup %(id)s of %(host)s: audit entry %(seq)s is "
                                            "a %(action)s, not a recorded backup: not trusted"),
                              id=backup.id, host=subject, seq=entry.seq, action=entry.action)
            record = canonical_record(backup)
            changed = differences(entry.detail.get("record"), record)
            if entry.digests.get("record") != sha256_hex(record) or changed:
                raise Refusal("backups", N_("backup %(id)s of %(host)s does not match what was "
                                            "recorded in audit entry %(seq)s when it was made "
                                            "(changed: %(fields)s): the store was edited; not "
                                            "trusted"),
                              id=backup.id, host=subject, seq=entry.seq,
                              fields=", ".join(changed) or "record digest")
            found[host] = {"id": backup.id, "kind": backup.kind, "location": backup.location,
                           "path": backup.path, "sha256": backup.sha256,
                           "checksum": backup.checksum, "size_bytes": backup.size_bytes,
                           "tool": backup.tool, "finished_at": stamp(backup.finished_at),
                           "files": list((backup.detail or {}).get("files") or []),
                           "audit_seq": entry.seq, "audit_hash": backup.audit_hash}
            if subject != host:
                found[host]["backup_of"] = subject
    return {"needed": True, "max_age_days": ctx.site.backup_max_age.days, "backups": found}


def _backup_entry(ctx: Context, backup: Backup, host: str) -> Any:
    """The audit entry that bound ``backup`` when it was recorded; Refusal when there is none
    or it is not in the intact chain."""
    if not backup.audit_hash:
        raise Refusal("backups", N_("backup %(id)s of %(host)s was not recorded by weibao backup "
                                    "run (no audit entry binds it: written into the store by "
                                    "hand?): not trusted"), id=backup.id, host=host)
    entry = ctx.log.find(backup.audit_hash)
    if entry is None:
        raise Refusal("backups", N_("backup %(id)s of %(host)s: the audit entry %(hash)s that "
                                    "should bind it is not in the intact audit chain (weibao "
                                    "audit verify): not trusted"),
                      id=backup.id, host=host, hash=backup.audit_hash[:16])
    return entry


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
