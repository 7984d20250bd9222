"""The ``weibao`` command: thin click commands over the services.

One place (``main``) turns weibao's errors into a one-line message and an exit status:
0 all inspected and nothing critical, 1 a critical finding, 2 incomplete (a host unreachable,
a check that failed to run, an interrupted run), 3 bad invocation or configuration.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from typing import Any

import click
from sqlalchemy import select

from weibao import __version__
from weibao.cli_output import print_outcome, progress_printer, status_label
from weibao.cli_remote import import_, inspect_elsewhere, remote_options, worker
from weibao.config import load_settings
from weibao.errors import EXIT_INCOMPLETE, EXIT_USAGE, N_, ConfigError, WeibaoError
from weibao.i18n import cli_gettext, current_lang, normalize_lang
from weibao.statuses import FINDING_STATUSES
from weibao.store import Finding, Run, Store

_ACTIVE = {"lang": None}  # the language of this invocation, for the error line in main()


class App:
    """Lazily opened settings and store, shared by the commands of one invocation."""

    def __init__(self, data_dir: str | None, db_url: str | None, lang: str) -> None:
        self.data_dir = data_dir
        self.db_url = db_url
        self.lang = lang
        self._ = cli_gettext(lang)
        self._settings = None
        self._store = None

    @property
    def settings(self):
        if self._settings is None:
            self._settings = load_settings(self.data_dir, self.db_url)
        return self._settings

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.settings.db_url)
        return self._store

    def say(self, message: str, **params: Any) -> None:
        text = self._(message)
        click.echo(text % params if params else text)

    def warn(self, message: str, **params: Any) -> None:
        text = self._(message)
        click.echo(text % params if params else text, err=True)


def _lang_option(value: str | None) -> str:
    try:
        return normalize_lang(value) if value else current_lang()
    except ValueError as exc:
        raise ConfigError(N_("--lang %(value)r: expected en or zh-CN"), value=value) from exc


class _Commands(click.Group):
    """weibao's commands; those of their own module (``LAZY``: name -> module, the command
    the module's attribute of that name) are imported when they are run or listed, so that
    ``weibao inspect`` does not import the change control, the reports, the backups..."""

    LAZY = {"audit": "cli_change", "backup": "cli_backup", "change": "cli_change",
            "config": "cli_config", "fault": "cli_service", "finding": "cli_finding",
            "onsite": "cli_service", "people": "cli_people", "remind": "cli_schedule",
            "report": "cli_report", "schedule": "cli_schedule", "service": "cli_service"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.LAZY and cmd_name not in self.commands:
            module = importlib.import_module(f"weibao.{self.LAZY[cmd_name]}")
            self.add_command(getattr(module, cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="weibao")
@click.option("--data-dir", envvar="WEIBAO_DATA_DIR", type=click.Path(file_okay=False),
              help="Data directory (store, archive). Default: $XDG_DATA_HOME/weibao.")
@click.option("--db-url", envvar="WEIBAO_DB_URL",
              help="SQLAlchemy database URL; default SQLite in the data directory.")
@click.option("--lang", "lang", default=None,
              help="Language of messages and reports: en or zh-CN (default from the locale).")
@click.option("--vault-password-file", "vault_password_file",
              envvar="ANSIBLE_VAULT_PASSWORD_FILE", default=None,
              help="Ansible Vault password file (or script) for vaulted inventory values.")
@click.pass_context
def cli(ctx: click.Context, data_dir: str | None, db_url: str | None, lang: str | None,
        vault_password_file: str | None) -> None:
    """weibao (维保): run a server maintenance contract as code."""
    _ACTIVE["lang"] = _lang_option(lang)
    if vault_password_file:
        _use_vault_password_file(vault_password_file)
    ctx.obj = App(data_dir, db_url, _ACTIVE["lang"])


def _use_vault_password_file(path: str) -> None:
    """Check the file, then hand its path (never its content) to Ansible: the inventory
    check and ansible-playbook both read ANSIBLE_VAULT_PASSWORD_FILE."""
    file = os.path.abspath(os.path.expanduser(path))
    if not os.path.isfile(file) or not os.access(file, os.R_OK):
        raise ConfigError(N_("--vault-password-file %(file)s: not a readable file"),
                          file=file)
    os.environ["ANSIBLE_VAULT_PASSWORD_FILE"] = file


@cli.command()
@click.option("--inventory", "-i", "inventory", default="inventories/local", show_default=True,
              help="Inventory file or folder of the site.")
@click.option("--limit", "-l", default=None, help="Only hosts matching this Ansible pattern.")
@click.option("--site", default=None, help="Site name; must match the inventory's weibao_site.")
@click.option("--period", default=None, help="Inspection period YYYY-MM (default: this month).")
@remote_options
@click.pass_obj
def inspect(app: App, inventory: str, limit: str | None, site: str | None,
            period: str | None, **remote: Any) -> None:
    """Run the monthly inspection (例行巡视检查) and store every finding."""
    from weibao.services import inspection

    inv, period = inspection.prepare(inventory, limit, site, period)
    settings = app.settings  # checked before the store is opened
    store = app.store
    runner = inspect_elsewhere(app, settings, store, inv, period, limit, **remote)
    app.warn(N_("inspecting %(n)d host(s) of site %(site)s for %(period)s"),
             n=len(inv.hosts), site=inv.site.name, period=period)
    outcome = inspection.run_inspection(settings, store, inv, period, limit=limit,
                                        on_progress=progress_printer(app), runner=runner,
                                        run_detail=getattr(runner, "detail", None))
    print_outcome(app, outcome)


def _run_dict(run: Run) -> dict[str, Any]:
    return {
        "id": run.id, "kind": run.kind, "site": run.site, "period": run.period,
        "status": run.status,
        "started_at": run.started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ended_at": run.ended_at.strftime("%Y-%m-%dT%H:%M:%SZ") if run.ended_at else None,
        "user": run.user, "inventory": run.inventory, "playbook": run.playbook,
        "limit": run.limit, "ansible_version": run.ansible_version,
        "weibao_version": run.weibao_version, "artifact_dir": run.artifact_dir,
        "manifest_sha256": run.manifest_sha256, "message": run.message,
        "hosts": [{"name": h.name, "status": h.status, "message": h.message}
                  for h in run.hosts],
    }


@cli.command()
@click.option("--site", default=None, help="Only runs of this site.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def runs(app: App, site: str | None, as_json: bool) -> None:
    """List stored runs."""
    from weibao.services.inspection import close_stale_runs

    close_stale_runs(app.store)
    with app.store.session() as s:
        query = select(Run).order_by(Run.id)
        if site:
            query = query.where(Run.site == site)
        items = [_run_dict(r) for r in s.scalars(query)]
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if not items:
        app.say(N_("no runs stored"))
        return
    click.echo(f"{app._('run'):>5}  {app._('started (UTC)'):<20}  {app._('kind'):<12} "
               f"{app._('site'):<16} {app._('period'):<7}  {app._('status'):<12} "
               f"{app._('hosts')}")
    for r in items:
        hosts = r["hosts"]
        click.echo(f"{r['id']:>5}  {r['started_at']:<20}  {status_label(app, r['kind']):<12} "
                   f"{r['site']:<16} {r['period']:<7}  "
                   f"{status_label(app, r['status']):<12} "
                   + app._("%(n)d host(s), %(bad)d not inspected") % {
                       "n": len(hosts),
                       "bad": sum(1 for h in hosts if h["status"] != "inspected")}
                   + f"  {r['user']}")


@cli.command()
@click.option("--run", "run_id", type=int, required=True, help="Run id (see `weibao runs`).")
@click.option("--status", "statuses", multiple=True, type=click.Choice(FINDING_STATUSES),
              help="Only findings with this status (repeatable).")
@click.option("--host", default=None, help="Only findings of this host.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the findings schema).")
@click.option("--coverage", "with_coverage", is_flag=True,
              help="List every check that was not (fully) evaluated, and why; with --json, "
                   "print {findings, coverage}.")
@click.pass_obj
def findings(app: App, run_id: int, statuses: tuple[str, ...], host: str | None,
             as_json: bool, with_coverage: bool) -> None:
    """Show the findings of a run."""
    from weibao.errors import NotFound
    from weibao.services.coverage import STATES
    from weibao.statuses import ORDER
    from weibao.store import Coverage
    from weibao.texts import area_title, check_name, finding_text

    with app.store.session() as s:
        run = s.get(Run, run_id)
        if run is None:
            raise NotFound(N_("run %(id)d: no such run (see `weibao runs`)"), id=run_id)
        zone = (run.site_meta or {}).get("timezone") or "UTC"
        cov_query = select(Coverage).where(Coverage.run_id == run_id)
        if host:
            cov_query = cov_query.where(Coverage.host == host)
        coverage = [{"host": c.host, "check_id": c.check_id, "state": c.state,
                     "cause": c.cause, "reason": c.reason} for c in s.scalars(cov_query)]
        query = select(Finding).where(Finding.run_id == run_id)
        if statuses:
            query = query.where(Finding.status.in_(statuses))
        if host:
            query = query.where(Finding.host == host)
        items = sorted((f.as_dict() for f in s.scalars(query)),
                       key=lambda f: (ORDER[f["status"]], f["host"], f["check_id"],
                                      f["component"]))
    if as_json:
        if with_coverage:
            click.echo(json.dumps({"findings": items, "coverage": coverage},
                                  ensure_ascii=False, indent=2))
        else:
            click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for f in items:
        comp = f" [{f['component']}]" if f["component"] else ""
        click.echo(f"{status_label(app, f['status']):<9} {f['host']:<20} "
                   f"{check_name(f['check_id'], app.lang)} ({f['check_id']}){comp}: "
                   f"{finding_text(f, 'summary', app.lang, zone)}")
    # coverage per host and area: what was judged, and what was not and why
    per: dict[tuple[str, str], dict[str, int]] = {}
    causes: dict[tuple[str, str], set[str]] = {}
    for c in coverage:
        key = (c["host"], c["check_id"].split(".", 1)[0])
        per.setdefault(key, dict.fromkeys(STATES, 0))[c["state"]] += 1
        if c["state"] in ("not_evaluated", "partial") and c["cause"]:
            causes.setdefault(key, set()).add(c["cause"])
    if per:
        click.echo("")
        click.echo(app._("coverage (checks evaluated / partly / not evaluated / not applicable):"))
    for (h, area), counts in sorted(per.items()):
        why = ", ".join(status_label(app, c) for c in sorted(causes.get((h, area), ())))
        click.echo(f"  {h:<20} {area_title(area, app.lang):<12} {counts['evaluated']} / "
                   f"{counts['partial']} / {counts['not_evaluated']} / "
                   f"{counts['not_applicable']}" + (f"  ({why})" if why else ""))
        if with_coverage:
            for c in sorted(coverage, key=lambda c: c["check_id"]):
                if c["host"] == h and c["check_id"].startswith(area + ".") \
                        and c["state"] != "evaluated":
                    click.echo(f"      {check_name(c['check_id'], app.lang)} "
                               f"({c['check_id']}): {status_label(app, c['state'])}"
                               + (f", {status_label(app, c['cause'])}"
                                  if c["cause"] and c["cause"] != c["state"] else ""))


cli.add_command(worker); cli.add_command(import_)  # noqa: E702


@cli.command()
@click.option("--platform", "platform", default=None,
              help="Platform of the device the output came from (linux, aix, cisco_ios, ...).")
@click.option("--command", "command", default=None,
              help="The command that printed it, as typed (abbreviations accepted).")
@click.option("--since", default=None, help="Judge log lines from this ISO-8601 time only.")
@click.option("--now", default=None,
              help="When the output was captured (ISO-8601; default: now), for ages.")
@click.option("--list", "as_list", is_flag=True, help="List the supported commands.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--lang", "lang", default=None,
              help="Language of the findings: en or zh-CN (default: the global --lang).")
@click.option("--record", is_flag=True, help="Store the findings as a run (needs --host, --site).")
@click.option("--host", default=None, help="The device the output came from.")
@click.option("--site", default=None, help="Site to record the findings under.")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.pass_obj
def judge(app: App, platform: str | None, command: str | None, since: str | None,
          now: str | None, as_list: bool, as_json: bool, lang: str | None, record: bool,
          host: str | None, site: str | None, files: tuple[str, ...]) -> None:
    """Judge output captured by hand (console, jump host, ticket) with weibao's parsers and
    rules: exit 0, 1 on a critical finding, 3 on bad input."""
    from weibao.errors import EXIT_CRITICAL
    from weibao.services import judge as judge_svc
    from weibao.texts import check_name, finding_text

    out_lang = _lang_option(lang) if lang else app.lang
    if as_list:
        items = judge_svc.listing(platform)
        if as_json:
            click.echo(json.dumps(items, ensure_ascii=False, indent=2))
            return
        for item in items:
            names = ", ".join(f"{c} ({check_name(c, out_lang)})" for c in item["checks"]) or "—"
            click.echo(f"{item['platform']:<10} {item['abbreviations']:<34} {names}")
        return
    if not platform or not command:
        raise ConfigError(N_("judge: --platform and --command are required (or --list)"))
    if not files:
        raise ConfigError(N_("judge: give at least one FILE of saved output"))
    if record and (not host or not site):
        raise ConfigError(N_("judge --record: needs --host and --site"))
    results = judge_svc.judge(platform, command, list(files), since=since, now=now, host=host)
    findings = [f for r in results for f in r.findings]
    if record:
        run_id = judge_svc.record(app.store, site, host, platform, command, results)
        app.warn(N_("recorded as run %(id)d"), id=run_id)
    if as_json:
        click.echo(json.dumps(findings, ensure_ascii=False, indent=2))
    else:
        for r in results:
            if len(results) > 1:
                click.echo(f"== {r.file}")
            if not r.findings:
                app.say(N_("%(file)s: no finding for %(command)s"), file=r.file,
                        command=r.source.name)
            for f in r.findings:
                comp = f" [{f['component']}]" if f["component"] else ""
                click.echo(f"{status_label(app, f['status']):<9} "
                           f"{check_name(f['check_id'], out_lang)} ({f['check_id']}){comp}: "
                           f"{finding_text(f, 'summary', out_lang)}")
    if any(f["status"] == "critical" for f in findings):
        sys.exit(EXIT_CRITICAL)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: maps every error to one line and an exit status."""
    def catalog():
        try:
            return cli_gettext(_ACTIVE["lang"] or current_lang())
        except Exception:  # a broken catalog must not hide the real error
            return None

    try:
        cli.main(args=argv, prog_name="weibao", standalone_mode=False)
    except WeibaoError as exc:
        gettext = catalog()
        click.echo("weibao: " + (gettext("error") if gettext else "error") + ": "
                   + exc.render(gettext), err=True)
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        gettext = catalog()
        click.echo("weibao: " + (gettext(N_("interrupted")) if gettext else "interrupted"),
                   err=True)
        sys.exit(EXIT_INCOMPLETE)
    except click.UsageError as exc:
        click.echo(f"weibao: {exc.format_message()}", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    sys.exit(0)
