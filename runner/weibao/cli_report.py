"""``weibao report KIND …``: every report kind of the registry (weibao.report.kinds), with the
same options everywhere, and ``weibao report list``.

A kind about a site and a period (``subject="period"``) needs ``--site`` and ``--period`` in
its own syntax (YYYY-MM, YYYY-QN, YYYY); a kind about one thing (``subject="id"``) takes its
id as an argument. The commands are made from the registry when asked for, so adding a kind
folder adds its command; ``weibao report monthly`` imports the monthly kind only.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from weibao.errors import N_, ConfigError

TEXT_FORMATS = ("html", "md", "json")
ALL_FORMATS = ("html", "md", "json", "pdf", "docx")
DEFAULT_FORMATS = "html,md,json"

# The period syntax of each kind of period, as the one-line error says it.
PERIOD_ERRORS = {
    "month": N_("--period %(value)r: expected YYYY-MM, e.g. 2026-11"),
    "quarter": N_("--period %(value)r: expected a quarter, YYYY-QN (2026-Q4)"),
    "year": N_("--period %(value)r: expected a year, YYYY (2026)"),
}
PERIOD_SYNTAX = {"month": "YYYY-MM", "quarter": "YYYY-QN", "year": "YYYY"}


class ReportGroup(click.Group):
    """``list`` plus one command per report kind, made from the registry on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from weibao.report.kinds import kind_names

        return sorted({*super().list_commands(ctx), *kind_names()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        from weibao.report.kinds import get_kind, kind_names

        if cmd_name not in kind_names():
            return None
        return _kind_command(get_kind(cmd_name))

    def resolve_command(self, ctx: click.Context, args: list[str]):
        from weibao.report.base import ReportError
        from weibao.report.kinds import kind_names

        name = args[0] if args else ""
        if args and not name.startswith("-") and self.get_command(ctx, name) is None:
            raise ReportError(N_("unknown report kind %(kind)r: expected one of %(expected)s"),
                              kind=name, expected=", ".join(kind_names()))
        return super().resolve_command(ctx, args)


@click.group("report", cls=ReportGroup)
def report() -> None:
    """Build the contract's reports from the store (`weibao report list` names the kinds)."""


@report.command("list")
@click.pass_obj
def report_list(app: Any) -> None:
    """List the report kinds: name, what each needs, title."""
    from weibao.report.kinds import all_kinds

    for kind in all_kinds():
        usage = "ID" if kind.subject == "id" else f"--site S --period {PERIOD_SYNTAX[kind.period]}"
        click.echo(f"{kind.name:<12} {usage:<32} {kind.title_in(app.lang)}")


def _usage_help(kind) -> str:
    if kind.subject == "id":
        return f"{kind.title_in('en')} ({kind.title_in('zh-CN')}): weibao report {kind.name} ID"
    return (f"{kind.title_in('en')} ({kind.title_in('zh-CN')}): weibao report {kind.name} "
            f"--site S --period {PERIOD_SYNTAX[kind.period]}")


def _kind_command(kind) -> click.Command:
    """The ``weibao report <kind>`` command of ``kind``."""
    params: list[click.Parameter] = []
    if kind.subject == "id":
        params.append(click.Argument(["subject_id"], metavar="ID"))
    params += [
        click.Option(["--site"], default=None,
                     help="Site name" + (" (required)." if kind.subject == "period" else
                                         " (when the id is known at two sites).")),
        click.Option(["--period"], default=None,
                     help=(f"Period {PERIOD_SYNTAX[kind.period]} (required), or "
                           "'previous': the one before now's, in the site's time zone."
                           if kind.period else "Not used by this report.")),
        click.Option(["--format", "formats"], default=DEFAULT_FORMATS, show_default=True,
                     help="Comma-separated formats: html, md, json, pdf, docx."),
        click.Option(["--out", "out_dir"], default="reports", show_default=True,
                     type=click.Path(file_okay=False), help="Output folder."),
        click.Option(["--lang", "lang"], default=None,
                     help="Report language: en or zh-CN (default: the global --lang)."),
        click.Option(["--template", "template"], default=None,
                     type=click.Path(dir_okay=False),
                     help="Word template (.docx) for --format docx (default: the site's "
                          "weibao_site.report_template_docx, else weibao's plain one)."),
        click.Option(["--inventory", "-i", "inventory"], default=None,
                     type=click.Path(), help="The site's inventory (default: "
                                             "inventories/<site> when it exists)."),
        click.Option(["--people", "people"], default=None, type=click.Path(dir_okay=False),
                     help="People file of the site (default: the kind's own: people.yml "
                          "beside the inventory)."),
    ]

    # a kind's own options (its package's cli_options(); cli_handle(app, options, inventory)
    # runs them first and returns True when it did the whole job): annual's --remind
    module = importlib.import_module(f"weibao.report.kinds.{kind.name}")
    params += list(getattr(module, "cli_options", list)())
    handle = getattr(module, "cli_handle", None)

    @click.pass_obj
    def callback(app: Any, **options: Any) -> None:
        if handle is not None and handle(app, options, _inventory(options.get("inventory"),
                                                                   options.get("site"))):
            return
        _write(app, kind, **options)

    return click.Command(kind.name, params=params, callback=callback,
                         help=_usage_help(kind), short_help=kind.title_in("en"))


def _formats(value: str) -> list[str]:
    wanted = list(dict.fromkeys(f.strip() for f in value.split(",") if f.strip()))
    if not wanted or any(f not in ALL_FORMATS for f in wanted):
        raise ConfigError(N_("--format %(value)r: expected a comma-separated list of html, md, "
                             "json, pdf, docx"), value=value)
    return wanted


def _report_lang(app: Any, lang: str | None) -> str:
    from weibao.i18n import normalize_lang

    if not lang:
        return app.lang
    try:
        return normalize_lang(lang)
    except ValueError as exc:
        raise ConfigError(N_("--lang %(value)r: expected en or zh-CN"), value=lang) from exc


def _check_subject(kind, subject_id: str | None, site: str | None, period: str | None) -> None:
    if kind.subject == "id":
        if not subject_id:
            raise ConfigError(N_("report %(kind)s: give the id of what to report on"),
                              kind=kind.name)
        if period is not None:
            raise ConfigError(N_("report %(kind)s: --period is not used (the report is about "
                                 "one id)"), kind=kind.name)
        return
    if not site:
        raise ConfigError(N_("report %(kind)s: --site is required"), kind=kind.name)
    if not period:
        raise ConfigError(N_("report %(kind)s: --period %(syntax)s is required"),
                          kind=kind.name, syntax=PERIOD_SYNTAX[kind.period])
    if not kind.period_ok(period):
        raise ConfigError(PERIOD_ERRORS[kind.period], value=period)


def _previous(kind_period: str, site: str, inventory: str | None) -> str:
    """``--period previous``: the month, quarter or year before now's, in the site's time
    zone (UTC without an inventory) (weibao schedule's report timer)."""
    from weibao.services.inventory import load_inventory
    from weibao.services.schedule import previous_period

    path = _inventory(inventory, site)
    zone = load_inventory(path, site=site).site.timezone if path is not None else "UTC"
    return previous_period(kind_period, zone, datetime.now(UTC))


def _inventory(inventory: str | None, site: str | None) -> Path | None:
    """--inventory, else ``inventories/<site>`` when it exists, else None."""
    if inventory:
        path = Path(inventory)
        if not path.exists():
            raise ConfigError(N_("inventory %(file)s: does not exist"), file=inventory)
        return path
    if site:
        default = Path("inventories") / site
        if default.exists():
            return default
    return None


def _word_template(template: str | None, inventory: Path | None, site: str | None
                   ) -> Path | None:
    """The Word template: --template, else the site's ``weibao_site.report_template_docx``
    (a path relative to the inventory's folder), else None (weibao's plain template)."""
    if template:
        path = Path(template)
        if not path.is_file():
            raise ConfigError(N_("--template %(path)s: not a readable file"), path=template)
        return path
    if inventory is None or not site:
        return None
    from weibao.report.kinds._site import load_site

    settings = load_site(site, inventory)
    given = settings.raw.get("report_template_docx")
    if not given:
        return None
    if not isinstance(given, str):
        raise ConfigError(N_("inventory %(file)s: weibao_site.report_template_docx: expected "
                             "a path to a .docx file"), file=settings.source)
    path = Path(given) if Path(given).is_absolute() else settings.folder / given
    if not path.is_file():
        raise ConfigError(N_("inventory %(file)s: weibao_site.report_template_docx: %(path)s "
                             "is not a file"), file=settings.source, path=str(path))
    return path


def _write(app: Any, kind, *, formats: str, out_dir: str, lang: str | None,
           site: str | None, period: str | None, template: str | None,
           inventory: str | None, people: str | None, subject_id: str | None = None) -> None:
    """Check every option, build the context (nothing on disk yet), render every format,
    write them all or none."""
    from weibao.report.kind import ReportRequest
    from weibao.report.render import render_report

    wanted = _formats(formats)
    report_lang = _report_lang(app, lang)
    if period == "previous" and kind.period and site:  # a timer's report: the period before
        period = _previous(kind.period, site, inventory)
    _check_subject(kind, subject_id, site, period)
    inventory_path = _inventory(inventory, site)
    if template:
        _word_template(template, None, None)  # a bad --template is said before any work
    request = ReportRequest(
        site=site, period=period, subject_id=subject_id, inventory=inventory_path,
        now=datetime.now(UTC), settings=app.settings,
        people=Path(people) if people else None,
    )
    context = kind.build_context(app.store, request)
    word = None
    if "docx" in wanted:
        report_site = site or (context.get("site") or {}).get("name")
        word = _word_template(template, inventory_path or _inventory(None, report_site),
                              report_site)
    for path in render_report(kind, context, report_lang, wanted, Path(out_dir),
                              template=word):
        app.say(N_("report written: %(path)s"), path=str(path))
