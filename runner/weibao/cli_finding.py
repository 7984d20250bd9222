"""``weibao finding …``: findings followed across inspections (weibao.services.lifecycle):
list and show them, give one an owner and a follow-up status, waive one (an accepted risk,
signed with OpenSSH) or revoke its waiver, and fill the history from the runs already stored."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from weibao.errors import N_

# the states of an issue in words (weibao.services.lifecycle.STATES)
STATE_WORDS = {
    "open": N_("unresolved"),
    "waived": N_("waived"),
    "waiver_expired": N_("waiver expired"),
    "resolved": N_("resolved"),
}
FOLLOW_UP_WORDS = {
    "handled_on_site": N_("handled on site"),
    "client_handles": N_("client handles"),
    "to_be_scheduled": N_("to be scheduled"),
    "waiting_for_client": N_("waiting for the client"),
}
# why an inspection could not judge a finding (weibao.services.lifecycle._observe)
WHY_WORDS = {
    "unreachable": N_("host unreachable"),
    "failed": N_("host failed"),
    "interrupted": N_("run interrupted"),
    "not_evaluated": N_("check not evaluated"),
    "unknown": N_("could not judge"),
}
OBSERVATION_WORDS = {
    "seen": N_("seen"),
    "resolved": N_("no longer reported"),
    "not_judged": N_("not judged"),
}


@click.group("finding")
def finding() -> None:
    """Findings across inspections: carried over, resolved, owners, waivers."""


def _site_people(inventory: Path, people_file: Path | None):
    """(site name, site time zone, people) of an inventory."""
    from weibao.change.people import load_people
    from weibao.services.inventory import load_inventory

    inv = load_inventory(inventory)
    path = people_file or (inventory if inventory.is_dir() else inventory.parent) / "people.yml"
    return inv.site.name, inv.site.timezone, load_people(path)


def _local(value: str, zone: str) -> str:
    """A stored UTC time (ISO) in the site's time zone, to the minute."""
    if not value:
        return "-"
    when = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    try:
        return when.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
    except (KeyError, ValueError):
        return when.strftime("%Y-%m-%d %H:%M UTC")


def _state(app: Any, item: dict[str, Any]) -> str:
    text = app._(STATE_WORDS.get(item["state"], item["state"]))
    waiver = item.get("waiver")
    if waiver and item["state"] in ("waived", "waiver_expired"):
        text += " " + app._("(%(person)s, to %(expires)s)") % {
            "person": waiver["person"], "expires": waiver["expires"]}
    return text


def _echo_issue(app: Any, item: dict[str, Any], zone: str) -> None:
    follow = app._(FOLLOW_UP_WORDS[item["follow_up"]]) if item["follow_up"] else "-"
    app.say(N_("finding %(key)s: %(host)s %(check)s %(component)s"), key=item["key"],
            host=item["host"], check=item["check_id"], component=item["component"] or "-")
    app.say(N_("  state: %(state)s; severity when last seen: %(severity)s"),
            state=_state(app, item), severity=app._(item["severity"]))
    app.say(N_("  first seen: %(first)s (run %(run)s); open since %(opened)s, %(months)d "
               "month(s); last seen %(last)s (run %(last_run)s)"),
            first=_local(item["first_seen_at"], zone), run=item["first_seen_run"],
            opened=_local(item["opened_at"], zone), months=item["months_open"],
            last=_local(item["last_seen_at"], zone), last_run=item["last_seen_run"])
    if item["resolved_at"]:
        app.say(N_("  resolved: %(time)s (run %(run)s)"),
                time=_local(item["resolved_at"], zone), run=item["resolved_run"])
    app.say(N_("  owner: %(owner)s; follow-up: %(follow)s"), owner=item["owner"] or "-",
            follow=follow)
    if item["summary"]:
        click.echo(f"  {item['summary']}")
    for line in (item["notes"] or "").splitlines():
        click.echo(f"  > {line}")


@finding.command("list")
@click.option("--site", default=None, help="Only the findings of this site.")
@click.option("--open", "state", flag_value="open", help="Only open ones (waiver expired too).")
@click.option("--waived", "state", flag_value="waived", help="Only waived ones.")
@click.option("--resolved", "state", flag_value="resolved", help="Only resolved ones.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def finding_list(app: Any, site: str | None, state: str | None, as_json: bool) -> None:
    """List the findings followed across inspections, with their key, state and owner."""
    from weibao.services.lifecycle import list_issues, site_timezone

    items = list_issues(app.store, site, state)
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if not items:
        app.say(N_("no finding followed"))
        return
    zones: dict[str, str] = {}
    for item in items:
        zone = zones.setdefault(item["site"], site_timezone(app.store, item["site"]))
        follow = app._(FOLLOW_UP_WORDS[item["follow_up"]]) if item["follow_up"] else "-"
        click.echo(f"{item['key']}  {item['site']:<12} {item['host']:<20} "
                   f"{item['check_id']:<30} {item['component'] or '-':<16} "
                   f"{_state(app, item):<12} {_local(item['opened_at'], zone)[:10]} "
                   f"{item['months_open']:>2}  {item['owner'] or '-'} {follow}")


@finding.command("show")
@click.argument("key")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def finding_show(app: Any, key: str, as_json: bool) -> None:
    """One finding: its history inspection by inspection, owner, notes and waivers."""
    from weibao.services.lifecycle import show_issue, site_timezone

    item = show_issue(app.store, key)
    if as_json:
        click.echo(json.dumps(item, ensure_ascii=False, indent=2))
        return
    zone = site_timezone(app.store, item["site"])
    _echo_issue(app, item, zone)
    for o in item["observations"]:
        words = app._(OBSERVATION_WORDS[o["state"]])
        if o["why"]:
            words = app._("%(state)s (%(why)s)") % {
                "state": words, "why": app._(WHY_WORDS.get(o["why"], o["why"]))}
        if o["status"]:
            words = app._("%(state)s, %(status)s") % {"state": words,
                                                        "status": app._(o["status"])}
        app.say(N_("  run %(run)s, %(time)s: %(what)s"), run=o["run_id"],
                time=_local(o["time"], zone), what=words)
    for w in item["waivers"]:
        app.say(N_("  waiver by %(person)s (%(fingerprint)s) on %(time)s, to %(expires)s: "
                   "%(reason)s"), person=w["person"], fingerprint=w["fingerprint"],
                time=_local(w["signed_at"], zone), expires=w["expires"], reason=w["reason"])
        if w["revoked_at"]:
            app.say(N_("    revoked by %(person)s on %(time)s"), person=w["revoked_by"],
                    time=_local(w["revoked_at"], zone))


_INVENTORY = click.option("--inventory", "-i", "inventory", required=True,
                          type=click.Path(path_type=Path),
                          help="The site's inventory folder (its people.yml names the people).")
_PEOPLE = click.option("--people", "people_file", default=None,
                       type=click.Path(dir_okay=False, path_type=Path),
                       help="Another people file than <inventory>/people.yml.")


@finding.command("assign")
@click.argument("key")
@_INVENTORY
@click.option("--owner", required=True, help="The person following it up (people.yml id).")
@click.option("--follow-up", "follow_up", required=True,
              help="handled_on_site (已现场处理), client_handles (客户自行处理), "
                   "to_be_scheduled (待安排) or waiting_for_client (等客户通知).")
@click.option("--note", default="", help="A line added to the finding's notes.")
@click.option("--by", default="", help="Who records it (people.yml id).")
@_PEOPLE
@click.pass_obj
def finding_assign(app: Any, key: str, inventory: Path, owner: str, follow_up: str, note: str,
                   by: str, people_file: Path | None) -> None:
    """Give a finding an owner and a follow-up status."""
    from weibao.services.lifecycle import assign

    site, zone, people = _site_people(inventory, people_file)
    item = assign(app.store, key, people, owner, follow_up, note, by, site=site)
    _echo_issue(app, item, zone)


@finding.command("waive")
@click.argument("key")
@_INVENTORY
@click.option("--reason", required=True, help="Why the risk is accepted.")
@click.option("--expires", required=True, metavar="YYYY-MM-DD",
              help="Last day the waiver counts (site time zone).")
@click.option("--by", required=True, help="Who accepts the risk (people.yml id).")
@click.option("--key", "signing_key", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="That person's SSH key (private key, or the public key of a key held by "
                   "ssh-agent or a token).")
@_PEOPLE
@click.pass_obj
def finding_waive(app: Any, key: str, inventory: Path, reason: str, expires: str, by: str,
                  signing_key: Path, people_file: Path | None) -> None:
    """Waive an open finding (accepted risk), signed with OpenSSH like a change sign-off."""
    from weibao.waivers import waive

    site, zone, people = _site_people(inventory, people_file)
    item = waive(app.store, key, people, by=by, reason=reason, expires=expires,
                 signing_key=signing_key, timezone=zone, site=site, interactive=True)
    _echo_issue(app, item, zone)


@finding.command("unwaive")
@click.argument("key")
@_INVENTORY
@click.option("--by", required=True, help="Who revokes the waiver (people.yml id).")
@click.option("--reason", default="", help="Why.")
@_PEOPLE
@click.pass_obj
def finding_unwaive(app: Any, key: str, inventory: Path, by: str, reason: str,
                    people_file: Path | None) -> None:
    """Revoke a finding's waiver: it is open again."""
    from weibao.waivers import unwaive

    site, zone, people = _site_people(inventory, people_file)
    item = unwaive(app.store, key, people, by, reason, site=site)
    _echo_issue(app, item, zone)


@finding.command("verify")
@click.argument("key")
@_INVENTORY
@_PEOPLE
@click.pass_obj
def finding_verify(app: Any, key: str, inventory: Path, people_file: Path | None) -> None:
    """Verify every waiver of a finding against the site's people file (exit 1 on a bad one)."""
    from weibao.services.lifecycle import find_issue
    from weibao.waivers import verify_waiver

    site, _zone, people = _site_people(inventory, people_file)
    with app.store.session() as s:
        issue = find_issue(s, key, site)
        for w in issue.waivers:
            fp = verify_waiver(w, people)
            app.say(N_("waiver by %(person)s, to %(expires)s: good signature (%(fingerprint)s)"),
                    person=w.person, expires=w.expires, fingerprint=fp)
        if not issue.waivers:
            app.say(N_("finding %(key)s: has no waiver"), key=issue.key)


@finding.command("backfill")
@click.option("--site", default=None, help="Only the runs of this site.")
@click.pass_obj
def finding_backfill(app: Any, site: str | None) -> None:
    """Follow the findings of the inspections already stored (safe to repeat)."""
    from weibao.services.lifecycle import backfill

    count = backfill(app.store, site)
    app.say(N_("%(count)d inspection run(s) read"), count=count)
