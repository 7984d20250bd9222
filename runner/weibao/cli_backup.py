"""``weibao backup …``: system-volume backups (weibao.services.backups): make them on the
hosts of an inventory (``run``), list what was recorded (``list``)."""

from __future__ import annotations

import json
import sys
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from weibao.errors import N_, ConfigError

# the words of a backup's status and its verification's result (weibao.services.backups)
STATUS_WORDS = {
    "verified": N_("verified"), "unverified": N_("unverified"), "failed": N_("failed"),
}
RESULT_WORDS = {"ok": N_("ok"), "failed": N_("failed"), "not_run": N_("not run")}
HOST_WORDS = {
    "backed_up": N_("backed up"), "unreachable": N_("unreachable"), "failed": N_("failed"),
    "interrupted": N_("interrupted"), "pending": N_("pending"),
}
RUN_WORDS = {
    "successful": N_("successful"), "partial": N_("partial"), "failed": N_("failed"),
    "interrupted": N_("interrupted"),
}


def local(stamp: str | None, zone: str | None) -> str:
    """A UTC ``...Z`` time in the site's time zone to the minute (UTC when it has none)."""
    if not stamp:
        return "-"
    import datetime as dt

    moment = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    try:
        tz = ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")


@click.group("backup")
def backup() -> None:
    """System-volume backups (系统备份): make them, list them."""


def _progress(app: Any):
    def show(progress, host):
        if host is None:
            return
        state = progress.hosts[host]
        word = app._(HOST_WORDS.get(state.status, state.status))
        line = app._("host %(host)s: %(status)s %(message)s") % {
            "host": host, "status": word,
            "message": state.message.splitlines()[0][:200] if state.message else ""}
        click.echo(line.rstrip(), err=True)

    return show


@backup.command("run")
@click.option("--inventory", "-i", "inventory", default="inventories/local", show_default=True,
              help="Inventory file or folder of the site.")
@click.option("--limit", "-l", default=None, help="Only hosts matching this Ansible pattern.")
@click.option("--site", default=None, help="Site name; must match the inventory's weibao_site.")
@click.pass_obj
def backup_run(app: Any, inventory: str, limit: str | None, site: str | None) -> None:
    """Back up the system volumes of the Linux and AIX hosts, verify each backup and record
    it (bound into the audit log). Exit 0: every host has a verified backup; 2: not."""
    from weibao.services import backups
    from weibao.services.inventory import load_inventory

    inv = load_inventory(inventory, limit=limit, site=site)
    hosts = backups.backup_hosts(inv)
    if not hosts:
        raise ConfigError(N_("inventory %(file)s: no Linux or AIX host to back up%(limit)s"),
                          file=str(inv.path), limit=f" (--limit {limit})" if limit else "")
    settings = app.settings  # checked before the store is opened
    store = app.store
    app.warn(N_("backing up %(n)d host(s) of site %(site)s"), n=len(hosts), site=inv.site.name)
    outcome = backups.run_backup(settings, store, inv, limit=limit,
                                 on_progress=_progress(app))
    verified = sum(1 for h in outcome.hosts.values() if h.verified)
    app.say(N_("run %(id)d: %(status)s; hosts with a verified backup %(ok)d of %(total)d"),
            id=outcome.run_id, status=app._(RUN_WORDS.get(outcome.status, outcome.status)),
            ok=verified, total=len(outcome.hosts))
    app.say(N_("archive: %(path)s"), path=outcome.artifact_dir)
    sys.exit(outcome.exit_code)


@backup.command("list")
@click.option("--site", default=None, help="Only the backups of this site.")
@click.option("--host", default=None, help="Only the backups of this host.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def backup_list(app: Any, site: str | None, host: str | None, as_json: bool) -> None:
    """List the recorded backups, newest first."""
    from weibao.services import backups

    if site and site not in backups.known_sites(app.store):
        raise ConfigError(N_("--site %(site)r: no backup or run of this site is stored "
                             "(known: %(known)s)"), site=site,
                          known=", ".join(backups.known_sites(app.store)) or "-")
    items = backups.listing(app.store, site, host)
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if not items:
        app.say(N_("no backup recorded"))
        return
    zones = backups.site_timezones(app.store)
    heads = (app._("id"), app._("host"), app._("tool"), app._("finished"), app._("size"),
             app._("status"), app._("verification"))
    click.echo(f"{heads[0]:>5}  {heads[1]:<20} {heads[2]:<8} {heads[3]:<22} {heads[4]:>10}  "
               f"{heads[5]:<12} {heads[6]}")
    for item in items:
        check = item["verification"] or {}
        result = check.get("result")
        how = (f"{check.get('method')}: {app._(RESULT_WORDS.get(result, result))}"
               if check.get("method") else app._(RESULT_WORDS.get(result or "not_run",
                                                                  "not run")))
        if item["message"]:
            how += f" ({item['message'].splitlines()[0][:120]})"
        status = app._(STATUS_WORDS.get(item["status"], item["status"]))
        click.echo(f"{item['id']:>5}  {item['host']:<20} {item['tool'] or '-':<8} "
                   f"{local(item['finished_at'], zones.get(item['site'])):<22} "
                   f"{backups.human_size(item['size_bytes']) or '-':>10}  {status:<12} {how}")
