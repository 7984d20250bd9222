"""``weibao people …``: check a site's people file, and the client's vouching for its people
(the trust anchor, weibao.change.anchor)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from weibao.errors import EXIT_CRITICAL, N_


@click.group("people")
def people() -> None:
    """The people of a site (people.yml): who may request, approve, operate and record."""


def _people_path(inventory: Path, people_file: Path | None) -> Path:
    if people_file is not None:
        return people_file
    return (inventory if inventory.is_dir() else inventory.parent) / "people.yml"


@people.command("validate")
@click.option("--inventory", "-i", "inventory", required=True,
              type=click.Path(path_type=Path), help="The site's inventory folder.")
@click.option("--people", "people_file", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Another people file than <inventory>/people.yml.")
@click.pass_obj
def people_validate(app: Any, inventory: Path, people_file: Path | None) -> None:
    """Report every problem of the people file at once, and whether the client vouched for
    its people (exit 1 on any problem)."""
    from weibao.change.anchor import read_vouched
    from weibao.change.people import people_problems
    from weibao.change.refusal import Refusal
    from weibao.change.site import site_settings
    from weibao.services.inventory import load_inventory

    path = _people_path(inventory, people_file)
    found, problems = people_problems(path)
    for problem in problems:
        click.echo(problem.render(app._))
    if found is None:
        app.say(N_("%(file)s: %(count)d problem(s)"), file=str(path), count=len(problems))
        sys.exit(EXIT_CRITICAL)
    app.say(N_("%(file)s: %(count)d people, no problem in the file"), file=str(path),
            count=len(found))
    site = site_settings(load_inventory(inventory))
    client = sorted(p.id for p in found if p.organisation == "client")
    if not client:
        return
    try:
        vouched = read_vouched(found, site.client_anchor)
    except Refusal as refusal:
        app.say(N_("the client's people are not vouched for: %(reason)s"),
                reason=refusal.reason(app._))
        sys.exit(EXIT_CRITICAL)
    from weibao.change.anchor import check_vouched

    missing = []
    for person in found:
        try:
            check_vouched(found, person, site.client_anchor)
        except Refusal as refusal:
            missing.append(refusal.reason(app._))
    for reason in missing:
        click.echo(reason)
    if missing:
        sys.exit(EXIT_CRITICAL)
    app.say(N_("the client vouched for %(people)s on %(time)s with its anchor %(anchor)s"),
            people=", ".join(client), time=vouched.time, anchor=site.client_anchor_fingerprint)


@people.command("vouch")
@click.option("--inventory", "-i", "inventory", required=True,
              type=click.Path(path_type=Path), help="The site's inventory folder.")
@click.option("--key", "key", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The client anchor's key (private key, or the public key of a key held by "
                   "ssh-agent or a token).")
@click.option("--people", "people_file", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Another people file than <inventory>/people.yml.")
@click.pass_obj
def people_vouch(app: Any, inventory: Path, key: Path, people_file: Path | None) -> None:
    """The client's supervisor vouches for the client's people with the anchor key."""
    from weibao.change.service import ChangeService

    service = ChangeService(app.settings, app.store)
    path, found, anchor = service.vouch(inventory, key, people_path=people_file,
                                        interactive=True)
    client = sorted(p.id for p in found if p.organisation == "client")
    app.say(N_("vouched for the client's people %(people)s with the anchor %(anchor)s: "
               "%(file)s"), people=", ".join(client) or "-", anchor=anchor, file=str(path))
