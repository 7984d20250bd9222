"""What the rules look at: the request, the people file, its sign-offs, the log, the store,
the locks and the time, and what they found out on the way (the sign-offs that verify, the
hosts, the site's settings).

The clock is a parameter (``Context.now``), never read from the environment: only the code
that calls the rules decides what "now" is, and the command line always passes the real time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from weibao.audit import AuditLog
from weibao.change.locks import LockDir
from weibao.change.people import People
from weibao.change.refusal import Refusal
from weibao.change.request import ChangeRequest
from weibao.change.signoffs import Checked, Record
from weibao.change.site import SiteSettings, site_settings
from weibao.errors import ConfigError
from weibao.services.inventory import Inventory, load_inventory
from weibao.store import Change, Store


@dataclass
class Context:
    """Everything the rules look at, and what they found out on the way."""

    request: ChangeRequest
    people: People
    records: list[Record]
    log: AuditLog
    store: Store
    locks: LockDir
    now: datetime
    clamav_db: str | Path | None = None
    # filled by the rules as they pass
    change: Change | None = None
    checked: list[Checked] = field(default_factory=list)
    inventory: Inventory | None = None
    site: SiteSettings | None = None
    _targets: tuple[Inventory, SiteSettings] | ConfigError | None = None

    @property
    def hosts(self) -> list[str]:
        return list(self.inventory.hosts) if self.inventory else []

    def signed(self, act: str, role: str | None = None) -> list[Checked]:
        return [c for c in self.checked if c.record.act == act
                and (role is None or c.record.role == role)]

    @property
    def approved(self) -> bool:
        return bool(self.signed("approve"))

    @property
    def submitted_at(self) -> datetime | None:
        submits = self.signed("submit")
        return parse_utc(submits[0].record.time) if submits else None


class Skipped(Exception):  # noqa: N818 - not an error: a gate that cannot be judged yet
    """A gate that depends on one that did not pass."""


def load_targets(ctx: Context) -> tuple[Inventory, SiteSettings]:
    """The request's inventory (with its limit) and its site's settings, loaded once per
    context; Refusal (rule ``targets``) when they cannot be loaded."""
    if ctx._targets is None:
        request = ctx.request
        try:
            inventory = load_inventory(request.targets.inventory, limit=request.targets.limit)
            ctx._targets = (inventory, site_settings(inventory))
        except ConfigError as exc:
            ctx._targets = exc
    if isinstance(ctx._targets, ConfigError):
        raise Refusal.wrap("targets", ctx._targets) from ctx._targets
    return ctx._targets


# ----------------------------------------------------------------------------- times


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def stamp(moment: datetime, zone: str | None = None) -> str:
    """A moment as the rules' messages and evidence show it: in ``zone`` to the minute
    (:func:`local_time`), else in UTC to the second (``2026-03-07T14:00:00Z``)."""
    if zone:
        return moment.astimezone(ZoneInfo(zone)).isoformat(timespec="minutes")
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_time(moment: datetime, zone: str) -> str:
    """``2026-03-07T22:00+08:00``: a moment in the request's time zone, as messages show it."""
    return stamp(moment, zone)
