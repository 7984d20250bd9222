"""A site's change-control settings, read from its inventory, and what every sign-off signs
of them.

``weibao_site`` in the inventory gives the notice a change needs (``change_lead_time_hours``),
how old a backup may be (``backup_max_age_days``), how long before the window an attestation
counts (``attest_before_window_minutes``) and the client's trust anchor (``client_anchor``).
Every sign-off signs them (:func:`site_binding`) with the hosts the request's targets resolve
to (:func:`targets_binding`); the rules refuse when either changed since
(:mod:`weibao.change.rules.bound`). The people file of a site lies beside its inventory
(:func:`people_file`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from weibao.change.request import ChangeRequest
from weibao.errors import N_, ConfigError
from weibao.services.backups import DEFAULT_BACKUP_MAX_AGE_DAYS
from weibao.services.inventory import Inventory
from weibao.services.inventory import site_vars as _site_vars
from weibao.sshkeys import key_line, key_line_fingerprint

DEFAULT_LEAD_TIME_HOURS = 24  # 至少提前24小时
DEFAULT_ATTEST_BEFORE_WINDOW_MINUTES = 60  # both people present at execution (两人或多人)


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
