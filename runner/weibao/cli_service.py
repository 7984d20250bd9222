"""``weibao fault …``, ``weibao service …``, ``weibao onsite …``: fault tickets and their SLA
clocks, on-site service records (现场服务记录), manual on-site checklist items (环境检查).

Thin commands over weibao.services.faults / sla / service_records / onsite. Each command
reads its site from the site's inventory (``--inventory``, default ``inventories/<site>``):
the time zone times are read and shown in, the SLA overrides, the people file.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from weibao.errors import EXIT_CRITICAL, N_, ConfigError

INVENTORY_HELP = "The site's inventory (default: inventories/<site>)."
# the words of the SLA clocks and their results, for the command-line catalog
WORDS = {"response": N_("response"), "onsite": N_("on site"), "restore": N_("restore"),
         "met": N_("met"), "missed": N_("missed"), "running": N_("running"),
         "not_applicable": N_("not applicable"), "open": N_("open"), "closed": N_("closed")}


def _word(app: Any, word: str) -> str:
    return app._(WORDS.get(word, word))


def _now() -> dt.datetime:
    """The current time; the tests replace it."""
    return dt.datetime.now(dt.UTC)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


@dataclass(frozen=True)
class SiteContext:
    name: str
    timezone: str
    folder: Path
    raw: dict[str, Any]
    source: str

    @property
    def people_path(self) -> Path:
        return self.folder / "people.yml"

    def policy(self):
        from weibao.services.sla import policy_from_site

        return policy_from_site(self.raw.get("sla"), self.timezone, self.source)

    def people(self):
        from weibao.change.people import load_people

        return load_people(self.people_path)


def site_context(site: str, inventory: Path | None) -> SiteContext:
    """The site's settings from its inventory; ConfigError when there is none."""
    from weibao.change.site import _site_vars
    from weibao.services.inventory import load_inventory

    path = inventory or Path("inventories") / site
    if not path.exists():
        raise ConfigError(N_("site %(site)s: no inventory at %(path)s (give --inventory)"),
                          site=site, path=str(path))
    loaded = load_inventory(path, site=site)
    return SiteContext(site, loaded.site.timezone, path if path.is_dir() else path.parent,
                       _site_vars(loaded), str(loaded.path))


def _site_option(required: bool = True):
    return click.option("--site", "site", required=required, help="Site name.")


def _inventory_option(func):
    return click.option("--inventory", "-i", "inventory", default=None,
                        type=click.Path(path_type=Path), help=INVENTORY_HELP)(func)


def _json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))


# ------------------------------------------------------------------------------ fault


@click.group("fault")
def fault() -> None:
    """Fault tickets (故障): open, update, close, list, show; SLA compliance per period."""


def _fault_service(app: Any):
    from weibao.services.faults import FaultService

    return FaultService(app.store, _now, _user())


@fault.command("open")
@_site_option()
@_inventory_option
@click.option("--host", required=True, help="The host or device at fault.")
@click.option("--priority", required=True, help="P1 (emergency) to P4 (not a fault).")
@click.option("--summary", required=True, help="What the client reported.")
@click.option("--reported-at", "reported_at", default=None,
              help="When the fault was reported (ISO-8601; site time without an offset). "
                   "Default: now.")
@click.option("--component", default="", help="The component (disk, PSU, fan, ...).")
@click.pass_obj
def fault_open(app: Any, site: str, inventory: Path | None, host: str, priority: str,
               summary: str, reported_at: str | None, component: str) -> None:
    """Open a ticket; prints its id (F-YYYY-NNNN, numbered per site and year)."""
    from weibao.services.faults import parse_time

    ctx = site_context(site, inventory)
    reported = parse_time(reported_at, ctx.timezone, "--reported-at") if reported_at \
        else None
    ticket = _fault_service(app).open(site, host, priority, summary, reported_at=reported,
                                      component=component, timezone=ctx.timezone)
    click.echo(ticket.ticket_id)


def _times(ctx: SiteContext, **given: str | None) -> dict[str, dt.datetime]:
    from weibao.services.faults import TIME_OPTIONS, parse_time

    return {field: parse_time(value, ctx.timezone, TIME_OPTIONS[field])
            for field, value in given.items() if value}


def _ticket_site(app: Any, ticket_id: str, site: str | None, inventory: Path | None):
    ticket = _fault_service(app).get(ticket_id, site)
    return ticket, site_context(ticket.site, inventory)


def _time_options(func):
    for name in ("restored-at", "onsite-at", "responded-at"):
        func = click.option(f"--{name}", name.replace("-", "_"), default=None,
                            help="ISO-8601; site time without an offset.")(func)
    return func


@fault.command("update")
@click.argument("ticket_id", metavar="ID")
@_site_option(required=False)
@_inventory_option
@_time_options
@click.option("--note", default="", help="A note for the history.")
@click.option("--part", "parts", multiple=True,
              help="A part replaced: PART;SERIAL_OUT;SERIAL_IN (repeatable).")
@click.option("--cause", default="", help="The cause, as far as known.")
@click.pass_obj
def fault_update(app: Any, ticket_id: str, site: str | None, inventory: Path | None,
                 responded_at: str | None, onsite_at: str | None, restored_at: str | None,
                 note: str, parts: tuple[str, ...], cause: str) -> None:
    """Record a response, arrival on site, restoration, note, part or cause."""
    from weibao.services.faults import Part

    ticket, ctx = _ticket_site(app, ticket_id, site, inventory)
    times = _times(ctx, responded_at=responded_at, onsite_at=onsite_at,
                   restored_at=restored_at)
    ticket = _fault_service(app).update(ticket_id, site=ticket.site, times=times, note=note,
                                        parts=[Part.parse(p) for p in parts], cause=cause)
    app.say(N_("fault %(id)s updated"), id=ticket.ticket_id)


@fault.command("close")
@click.argument("ticket_id", metavar="ID")
@_site_option(required=False)
@_inventory_option
@_time_options
@click.option("--cause", required=True, help="The cause.")
@click.option("--resolution", required=True, help="What was done.")
@click.option("--part", "parts", multiple=True,
              help="A part replaced: PART;SERIAL_OUT;SERIAL_IN (repeatable).")
@click.pass_obj
def fault_close(app: Any, ticket_id: str, site: str | None, inventory: Path | None,
                responded_at: str | None, onsite_at: str | None, restored_at: str | None,
                cause: str, resolution: str, parts: tuple[str, ...]) -> None:
    """Close a ticket with its cause and resolution; it cannot be changed afterwards."""
    from weibao.services.faults import Part

    ticket, ctx = _ticket_site(app, ticket_id, site, inventory)
    times = _times(ctx, responded_at=responded_at, onsite_at=onsite_at,
                   restored_at=restored_at)
    ticket = _fault_service(app).close(ticket_id, site=ticket.site, cause=cause,
                                       resolution=resolution, times=times,
                                       parts=[Part.parse(p) for p in parts])
    app.say(N_("fault %(id)s closed"), id=ticket.ticket_id)


@fault.command("list")
@_site_option(required=False)
@_inventory_option
@click.option("--open", "only_open", is_flag=True, help="Only open tickets.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def fault_list(app: Any, site: str | None, inventory: Path | None, only_open: bool,
               as_json: bool) -> None:
    """The tickets, oldest first, with their SLA clocks."""
    from weibao.services.faults import local, ticket_dict

    tickets = _fault_service(app).tickets(site, only_open)
    contexts: dict[str, SiteContext] = {}
    rows = []
    now = _now()
    for ticket in tickets:
        if ticket.site not in contexts:
            contexts[ticket.site] = site_context(ticket.site, inventory if site else None)
        ctx = contexts[ticket.site]
        rows.append(ticket_dict(ticket, ctx.timezone, ctx.policy(), now))
    if as_json:
        _json(rows)
        return
    for ticket, row in zip(tickets, rows, strict=True):
        clocks = " ".join(f"{c}={_word(app, r['status'])}" for c, r in row["sla"].items())
        click.echo(f"{row['id']}  {row['site']}  {row['priority']}  {_word(app, row['status'])}  "
                   f"{local(ticket.reported_at, contexts[ticket.site].timezone)}  "
                   f"{row['host']}  {row['summary']}  {clocks}")


@fault.command("show")
@click.argument("ticket_id", metavar="ID")
@_site_option(required=False)
@_inventory_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def fault_show(app: Any, ticket_id: str, site: str | None, inventory: Path | None,
               as_json: bool) -> None:
    """One ticket: its times in the site's time zone, SLA clocks, parts and history."""
    from weibao.services.faults import local, ticket_dict

    service = _fault_service(app)
    ticket, ctx = _ticket_site(app, ticket_id, site, inventory)
    data = ticket_dict(ticket, ctx.timezone, ctx.policy(), _now())
    data["history"] = [{"kind": e.kind, "time": local(e.time, ctx.timezone), "user": e.user,
                        "detail": e.detail} for e in service.events(ticket)]
    if as_json:
        _json(data)
        return
    for key in ("id", "site", "host", "component", "priority", "status", "summary",
                "reported_at", "responded_at", "onsite_at", "restored_at", "closed_at",
                "cause", "resolution"):
        click.echo(f"{key}: {data[key] or '-'}")
    for clock, result in data["sla"].items():
        left = result["left_minutes"]
        click.echo(f"sla.{clock}: {_word(app, result['status'])}"
                   f" (target {result['target_minutes']} min, taken {result['taken_minutes']}"
                   f"{'' if left is None else f', left {left}'} min)")
    for part in data["parts"]:
        click.echo(f"part: {part['part']}  out {part['serial_out']}  in {part['serial_in']}")
    for event in data["history"]:
        click.echo(f"history: {event['time']} {event['kind']} {event['user']} "
                   f"{json.dumps(event['detail'], ensure_ascii=False, sort_keys=True)}")


@fault.command("sla")
@_site_option()
@_inventory_option
@click.option("--period", required=True, help="YYYY-MM, YYYY-QN or YYYY.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def fault_sla(app: Any, site: str, inventory: Path | None, period: str,
              as_json: bool) -> None:
    """SLA compliance of the tickets reported in a period: counts and % met per clock."""
    from weibao.services.faults import faults_in_period, ticket_dict
    from weibao.services.sla import CLOCKS, period_bounds, period_summary

    ctx = site_context(site, inventory)
    start, end = period_bounds(period, ctx.timezone)
    policy, now = ctx.policy(), _now()
    tickets = faults_in_period(app.store, site, start, end)
    summary = period_summary(tickets, policy, now)
    if as_json:
        _json({"site": site, "period": period, "start": start.isoformat(),
               "end": end.isoformat(), "policy": policy.as_dict(), **summary.as_dict(),
               "faults": [ticket_dict(t, ctx.timezone, policy, now) for t in tickets]})
        return
    app.say(N_("%(site)s %(period)s: %(count)d fault ticket(s)"), site=site, period=period,
            count=summary.tickets)
    for clock in CLOCKS:
        counts = summary.clocks[clock]
        pct = summary.percent_met(clock)
        app.say(N_("%(clock)s: %(met)d met, %(missed)d missed, %(running)d running, "
                   "%(na)d not applicable, %(pct)s met"), clock=_word(app, clock),
                met=counts["met"], missed=counts["missed"], running=counts["running"],
                na=counts["not_applicable"], pct="-" if pct is None else f"{pct}%")


# ------------------------------------------------------------------------------ service


@click.group("service")
def service() -> None:
    """On-site service records (现场服务记录): new, sign, record, list."""


@service.command("new")
@_site_option()
@_inventory_option
@click.option("--out", "out", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of standard output.")
@click.pass_obj
def service_new(app: Any, site: str, inventory: Path | None, out: Path | None) -> None:
    """Write a record skeleton with <fill in: …> placeholders."""
    from weibao.service_records import skeleton

    ctx = site_context(site, inventory)
    text = skeleton(site, _now(), ctx.timezone)
    if out is None:
        click.echo(text, nl=False)
        return
    if out.exists():
        raise ConfigError(N_("%(file)s: exists already; not overwritten"), file=str(out))
    out.write_text(text, encoding="utf-8")
    app.say(N_("wrote %(file)s"), file=str(out))


def _load_record(ctx: SiteContext, file: Path):
    from weibao.service_records import load_record

    return load_record(file, ctx.timezone, ctx.people(), now=_now())


@service.command("sign")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--role", required=True, type=click.Choice(("provider", "client")),
              help="provider (乙方, one of the engineers) or client (甲方 representative).")
@click.option("--key", "key", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Your SSH key (private key, or the public key of a key in ssh-agent).")
@_site_option(required=False)
@_inventory_option
@click.pass_obj
def service_sign(app: Any, file: Path, role: str, key: Path, site: str | None,
                 inventory: Path | None) -> None:
    """Sign a checked record with an OpenSSH key; the signature is written beside it."""
    from weibao.service_records import sign_record

    ctx = site_context(site or _record_site(file), inventory)
    record = _load_record(ctx, file)
    out = sign_record(record, role, key, ctx.people(), interactive=True)
    app.say(N_("signed as %(role)s: %(file)s"), role=role, file=str(out))


def _record_site(file: Path) -> str:
    import yaml

    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        data = None
    site = data.get("site") if isinstance(data, dict) else None
    if not isinstance(site, str) or not site:
        raise ConfigError(N_("%(file)s: site: missing (or give --site)"), file=str(file))
    return site


@service.command("record")
@_site_option()
@_inventory_option
@click.option("--file", "file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The record (YAML), see `weibao service new`.")
@click.pass_obj
def service_record(app: Any, site: str, inventory: Path | None, file: Path) -> None:
    """Check a record (and the signatures beside it) and file it; prints its id."""
    from weibao.service_records import check_signatures, file_record

    ctx = site_context(site, inventory)
    record = _load_record(ctx, file)
    signatures = check_signatures(record, ctx.people())
    row = file_record(app.store, site, record, signatures, _now(), _user(), ctx.timezone)
    click.echo(row.record_id)
    if "client" not in signatures:
        app.warn(N_("%(id)s: not signed by the client electronically; print it for the "
                    "client's signature"), id=row.record_id)


@service.command("list")
@_site_option()
@_inventory_option
@click.option("--period", default=None, help="YYYY-MM, YYYY-QN or YYYY (default: all).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def service_list(app: Any, site: str, inventory: Path | None, period: str | None,
                 as_json: bool) -> None:
    """The site's service records, oldest first."""
    from weibao.service_records import service_records
    from weibao.services.faults import local
    from weibao.services.sla import period_bounds

    ctx = site_context(site, inventory)
    if period:
        start, end = period_bounds(period, ctx.timezone)
    else:
        start = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        end = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
    rows = service_records(app.store, site, start, end)
    data = [{"id": r.record_id, "arrival": local(r.arrival, ctx.timezone),
             "departure": local(r.departure, ctx.timezone), "engineers": r.engineers,
             "fault": r.fault_id, "change": r.change_id,
             "signed_by": sorted(r.signatures), **{k: r.content[k] for k in (
                 "work", "result", "remaining_issues", "evaluation", "evaluation_comment",
                 "client_representative")}} for r in rows]
    if as_json:
        _json(data)
        return
    for row in data:
        click.echo(f"{row['id']}  {row['arrival']} - {row['departure']}  "
                   f"{','.join(row['engineers'])}  {row['evaluation']}  "
                   f"{row['fault'] or row['change'] or '-'}  "
                   f"signed: {','.join(row['signed_by']) or '-'}")


# ------------------------------------------------------------------------------ onsite


@click.group("onsite")
def onsite() -> None:
    """Manual on-site checklist items (环境检查) entered per visit."""


@onsite.command("record")
@_site_option()
@_inventory_option
@click.option("--period", required=True, help="Period YYYY-MM of the visit.")
@click.option("--file", "file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The visit's values (YAML).")
@click.pass_obj
def onsite_record(app: Any, site: str, inventory: Path | None, period: str,
                  file: Path) -> None:
    """Check a visit's values against the site's checklist and file them."""
    import re

    from weibao.services.onsite import checklist_path, file_visit, load_checklist, load_visit

    if not re.match(r"^\d{4}-(0[1-9]|1[0-2])$", period):
        raise ConfigError(N_("--period %(value)r: expected YYYY-MM"), value=period)
    ctx = site_context(site, inventory)
    checklist = load_checklist(checklist_path(ctx.folder))
    people = ctx.people() if ctx.people_path.is_file() else None
    visit = load_visit(file, checklist, period, ctx.timezone, people, now=_now())
    file_visit(app.store, site, period, visit, checklist, _now(), str(file))
    bad = [i for i in visit.items if i["status"] != "ok"]
    app.say(N_("%(file)s: %(count)d item(s) filed, %(bad)d not ok"), file=str(file),
            count=len(visit.items), bad=len(bad))
    for item in bad:
        value = " ".join(str(v) for v in (item["value"], item["unit"]) if v != "")
        click.echo(f"{app._(item['status'])}: {item['name'].get(app.lang, item['key'])} "
                   f"{value} ({item['expected']})")
    if any(i["status"] == "critical" for i in bad):
        sys.exit(EXIT_CRITICAL)
