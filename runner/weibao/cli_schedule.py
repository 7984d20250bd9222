"""``weibao schedule install|list|remove`` (systemd timers of a site's jobs,
weibao.services.schedule) and ``weibao remind holidays`` (before China's long holidays,
weibao.services.holidays)."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from weibao.errors import N_, ConfigError
from weibao.services import schedule as svc


def _scope(system: bool, unit_dir: str | None) -> Path:
    return Path(unit_dir).resolve() if unit_dir else svc.unit_dir(system)


def _inventory(site: str, inventory: str | None) -> Path:
    path = Path(inventory) if inventory else Path("inventories") / site
    if not path.exists():
        raise ConfigError(N_("site %(site)s: no inventory at %(path)s (give --inventory)"),
                          site=site, path=str(path))
    return path.resolve()


@click.group("schedule")
def schedule() -> None:
    """Scheduled jobs as systemd timers (定期任务): install, list, remove."""


def _scope_options(func):
    func = click.option("--unit-dir", default=None, type=click.Path(file_okay=False),
                        help="Write the units here instead (implies --no-enable when the "
                             "manager does not read this folder).")(func)
    func = click.option("--system", "system", is_flag=True,
                        help="System units in /etc/systemd/system (default: the user's, "
                             "~/.config/systemd/user).")(func)
    return click.option("--user", "user_scope", is_flag=True,
                        help="User units (the default).")(func)


@schedule.command("install")
@click.option("--site", default=None, help="Site name (its inventory: inventories/<site>).")
@click.option("--inventory", "-i", "inventory", default=None, type=click.Path(),
              help="The site's inventory (default: inventories/<site>).")
@click.option("--job", "jobs", multiple=True, type=click.Choice(svc.JOBS),
              help="Job to schedule (repeatable; default: all of them).")
@click.option("--change", "change_file", default=None,
              type=click.Path(dir_okay=False, exists=True),
              help="Schedule this change request's run at its window's start (never late).")
@click.option("--on-calendar", default=None,
              help="systemd OnCalendar= instead of the job's default (end it with the time "
                   "zone, e.g. 'Mon *-*-* 02:00:00 Asia/Shanghai').")
@click.option("--scheduled-grace", default=10, show_default=True, type=click.IntRange(0, 240),
              help="--change: minutes after the window opened the run may still start.")
@click.option("--run-as", default=None,
              help="--system: the user the services run as (default: $SUDO_USER, else you).")
@click.option("--weibao", "weibao_path", default=None,
              help="The weibao executable the units run (default: the one running now).")
@click.option("--no-enable", is_flag=True,
              help="Only write the unit files; no daemon-reload, enable or start.")
@_scope_options
@click.pass_obj
def schedule_install(app: Any, site: str | None, inventory: str | None, jobs: tuple[str, ...],
                     change_file: str | None, on_calendar: str | None, scheduled_grace: int,
                     run_as: str | None, weibao_path: str | None, no_enable: bool,
                     user_scope: bool, system: bool, unit_dir: str | None) -> None:
    """Install a site's jobs as systemd timers and enable them (Persistent=true: a run
    missed while the controller was off is made up), or one change run (--change) at its
    window's start (Persistent=false: never late)."""
    if user_scope and system:
        raise ConfigError(N_("schedule: give --user or --system, not both"))
    if on_calendar:
        svc.check_calendar(on_calendar)
    if change_file:
        if jobs:
            raise ConfigError(N_("schedule: --change schedules the change run only; give "
                                 "--job in another command"))
        from weibao.change.request import load_request

        path = Path(change_file).resolve()
        request = load_request(path)
        if site and site != request.site:
            raise ConfigError(N_("%(file)s: site is %(site)s, not %(given)s"),
                              file=str(path), site=request.site, given=site)
        work = [svc.change_job(request, path, dt.datetime.now(dt.UTC), scheduled_grace)]
    else:
        if not site:
            raise ConfigError(N_("schedule install: --site is required"))
        from weibao.services.inventory import load_inventory, site_vars

        inv_path = _inventory(site, inventory)
        loaded = load_inventory(inv_path, site=site)
        work = svc.site_jobs(site, loaded.site.timezone, site_vars(loaded), str(loaded.path),
                             inv_path, jobs or svc.JOBS, on_calendar)
    vault = os.environ.get("ANSIBLE_VAULT_PASSWORD_FILE")
    ctx = svc.UnitContext(
        weibao=(str(Path(weibao_path).resolve()),) if weibao_path else svc.weibao_command(),
        working_dir=Path.cwd(), data_dir=app.settings.data_dir.resolve(),
        lang=app.lang, db_url=svc.check_db_url(app.db_url or os.environ.get("WEIBAO_DB_URL")),
        vault_password_file=svc.check_vault_file(vault) if vault else None,
        run_as=(run_as or os.environ.get("SUDO_USER") or getpass.getuser()) if system else None)
    directory = _scope(system, unit_dir)
    written = svc.install(work, ctx, directory, system, enable=not no_enable)
    for job in work:
        app.say(N_("%(timer)s: %(calendar)s%(persistent)s"), timer=f"{job.name}.timer",
                calendar=job.on_calendar,
                persistent=app._(" (catch-up after downtime)") if job.persistent
                else app._(" (never late)") if job.job.startswith("change-") else "")
    app.say(N_("%(n)d unit file(s) written to %(dir)s%(state)s"), n=len(written),
            dir=str(directory), state="" if no_enable else app._("; timers enabled"))


def _local(moment: dt.datetime | None, zone: str) -> str:
    if moment is None:
        return "-"
    try:
        return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")
    except (KeyError, ValueError):
        return moment.strftime("%Y-%m-%d %H:%M UTC")


@schedule.command("list")
@click.option("--site", default=None, help="Only this site's timers.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_scope_options
@click.pass_obj
def schedule_list(app: Any, site: str | None, as_json: bool, user_scope: bool, system: bool,
                  unit_dir: str | None) -> None:
    """The timers weibao installed, with their next run (from systemctl list-timers)."""
    import json

    items = svc.installed(_scope(system, unit_dir), site, svc.Systemd(system))
    if as_json:
        click.echo(json.dumps([{
            "site": i.site, "job": i.job, "timer": i.timer, "on_calendar": i.on_calendar,
            "persistent": i.persistent,
            "next": i.next.strftime("%Y-%m-%dT%H:%M:%SZ") if i.next else None,
            "last": i.last.strftime("%Y-%m-%dT%H:%M:%SZ") if i.last else None}
            for i in items], ensure_ascii=False, indent=2))
        return
    if not items:
        app.say(N_("no weibao timers installed"))
        return
    for i in items:
        zone = i.on_calendar.rsplit(" ", 1)[-1] if "/" in i.on_calendar else "UTC"
        app.say(N_("%(timer)s  %(calendar)s  next: %(next)s  last: %(last)s"),
                timer=i.timer, calendar=i.on_calendar, next=_local(i.next, zone),
                last=_local(i.last, zone))


@schedule.command("remove")
@click.option("--site", required=True, help="Site name.")
@click.option("--job", "jobs", multiple=True,
              help="Job to remove (inspect, backup, report, annual, holidays, change-<id>; "
                   "repeatable; default: all of the site's).")
@click.option("--no-enable", is_flag=True, help="Only delete the files (no systemctl).")
@_scope_options
@click.pass_obj
def schedule_remove(app: Any, site: str, jobs: tuple[str, ...], no_enable: bool,
                    user_scope: bool, system: bool, unit_dir: str | None) -> None:
    """Stop, disable and delete a site's timers and their services."""
    removed = svc.remove(_scope(system, unit_dir), site, jobs or None, system,
                         enable=not no_enable)
    if not removed:
        app.say(N_("site %(site)s: no weibao timers to remove"), site=site)
        return
    for timer in removed:
        app.say(N_("removed %(timer)s"), timer=timer)


# ----------------------------------------------------------------------------- reminders


@click.group("remind")
def remind() -> None:
    """Reminders the contract promises (提醒)."""


@remind.command("holidays")
@click.option("--site", required=True, help="Site name.")
@click.option("--inventory", "-i", "inventory", default=None, type=click.Path(),
              help="The site's inventory (default: inventories/<site>).")
@click.option("--people", "people", default=None, type=click.Path(dir_okay=False),
              help="People file (default: people.yml beside the inventory).")
@click.option("--days", default=7, show_default=True, type=click.IntRange(0, 60),
              help="Remind when a long holiday starts within this many days.")
@click.option("--now", "now_text", default=None,
              help="As of this time (ISO 8601, in the site's zone without an offset).")
@click.pass_obj
def remind_holidays(app: Any, site: str, inventory: str | None, people: str | None, days: int,
                    now_text: str | None) -> None:
    """Before the Spring Festival, Labour Day and National Day: remind the site to check and
    back up its systems, and print the holiday duty roster (in English and Chinese). Exit 0;
    2 when a reminder is due and days of the holiday have nobody on duty."""
    import sys

    from weibao.i18n import CLI_DOMAIN, LOCALE_DIR, translations
    from weibao.report.kinds._site import load_site
    from weibao.services import holidays as hol

    settings = load_site(site, _inventory(site, inventory), people=Path(people)
                         if people else None)
    roster = hol.duty_roster(settings.raw.get("holiday_duty"), settings.source,
                             settings.people)
    zone = settings.timezone
    now = dt.datetime.now(dt.UTC)
    if now_text:
        from weibao.services.faults import parse_time

        now = parse_time(now_text, zone, "--now")
    today = now.astimezone(ZoneInfo(zone)).date()
    due, nxt = hol.upcoming(today, days)
    if due is None:
        if nxt is None:
            app.say(N_("site %(site)s: no long holiday known ahead (update the holidays "
                       "package)"), site=site)
        else:
            app.say(N_("site %(site)s: no long holiday starts within %(days)d day(s); the next "
                       "is %(holiday)s %(year)d from %(first)s"), site=site, days=days,
                    holiday=app._(hol.TITLES[nxt.key]), year=nxt.year,
                    first=nxt.first.isoformat())
        return
    entries, uncovered = hol.on_duty(roster, due)
    inv = str(Path(settings.source))
    for gettext in (lambda s: s, translations(LOCALE_DIR, "zh-CN", CLI_DOMAIN).gettext):
        params = {"site": site, "holiday": gettext(hol.TITLES[due.key]), "year": due.year,
                  "first": due.first.isoformat(), "last": due.last.isoformat(),
                  "n": due.days, "left": (due.first - today).days}
        click.echo(gettext(N_("site %(site)s: %(holiday)s %(year)d, %(first)s to %(last)s "
                              "(%(n)d days off), starts in %(left)d day(s)")) % params)
        click.echo(gettext(N_("Before the holiday, check the systems and back them up:"))
                   + f" weibao inspect -i {inv} --site {site}; "
                   f"weibao backup run -i {inv} --site {site}")
        click.echo(gettext(N_("Holiday duty roster:")))
        for d in entries:
            click.echo(f"  {d.first.isoformat()} - {d.last.isoformat()}  {d.name} "
                       f"({d.person})  {d.phone}")
        if uncovered:
            click.echo("  " + gettext(N_("nobody on duty on %(days)s")) % {
                "days": ", ".join(day.isoformat() for day in uncovered)})
    if uncovered:
        sys.exit(2)
