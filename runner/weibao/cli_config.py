"""``weibao config …``: the network devices' configuration archive
(weibao.services.config_archive): a device's configuration diff, the archived devices."""

from __future__ import annotations

import json
from typing import Any

import click

from weibao.errors import N_


@click.group("config")
def config() -> None:
    """The network devices' configuration archive (one git repository per site)."""


@config.command("diff")
@click.argument("device")
@click.option("--site", default=None,
              help="Site of the device (needed when several sites have a device of that name).")
@click.option("--since", "since", default=None, metavar="PERIOD",
              help="Every change since this period (YYYY-MM) or day (YYYY-MM-DD); default: the "
                   "device's last change.")
@click.pass_obj
def config_diff(app: Any, device: str, site: str | None, since: str | None) -> None:
    """Print a device's configuration diff (secrets masked): its last change, or every
    change since a period."""
    from weibao.services import config_archive

    found = config_archive.diff(app.settings.data_dir, site, device, since)
    frm = (app._("run %(run)s of %(date)s") % {"run": found.from_run, "date": found.from_date}
           if found.from_date else app._("nothing archived"))
    app.warn(N_("%(device)s (site %(site)s): %(from)s -> run %(run)s of %(date)s"),
             device=device, site=found.site, run=found.to_run, date=found.to_date,
             **{"from": frm})
    if found.text:
        click.echo(found.text, nl=not found.text.endswith("\n"))
    else:
        app.say(N_("%(device)s: no configuration change"), device=device)


@config.command("list")
@click.option("--site", default=None, help="Only the devices of this site.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def config_list(app: Any, site: str | None, as_json: bool) -> None:
    """List the archived devices: last change, and their state in the latest inspection."""
    from weibao.services import config_archive

    items = config_archive.listing(app.settings.data_dir, app.store, site)
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if not items:
        app.say(N_("no configuration archived"))
        return
    heads = (app._("site"), app._("device"), app._("last change"), app._("last inspection"))
    click.echo(f"{heads[0]:<16} {heads[1]:<24} {heads[2]:<22} {heads[3]}")
    for item in items:
        last = (app._("run %(run)s of %(date)s") % {"run": item["last_change_run"],
                                                     "date": item["last_change_date"]}
                if item["last_change_date"] else "-")
        state = (app._("run %(run)s: %(status)s") % {
            "run": item["status_run"], "status": app._(STATE_WORDS[item["status"]])}
            if item["status"] in STATE_WORDS else "-")
        click.echo(f"{item['site']:<16} {item['device']:<24} {last:<22} {state}")


# the archive's states, in words (weibao.services.config_archive.STATES)
STATE_WORDS = {
    "changed": N_("changed"),
    "unchanged": N_("unchanged"),
    "new": N_("new"),
    "stale": N_("stale (not collected)"),
}
