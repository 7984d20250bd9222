"""A new request: the next free change id and the commented skeleton ``weibao change new``
writes (``skeleton.yml.j2``, beside this file), which :func:`~weibao.change.request.load_request`
rejects until every ``<fill in: …>`` placeholder is replaced.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from weibao.change.request import CHANGE_ID_RE, KINDS
from weibao.change.request.meaning import MAX_WINDOW, zone_names
from weibao.change.request.structure import schema
from weibao.errors import N_, ConfigError

HERE = Path(__file__).resolve().parent
SKELETON_TEMPLATE = "skeleton.yml.j2"
NOTICE = timedelta(hours=24)  # 至少提前24小时 (checked at submission, not here)


def next_change_id(changes_dir: str | Path, year: int) -> str:
    """The next free CR-<year>-NNNN after every request file under ``changes_dir``."""
    if not 1000 <= year <= 9999:
        raise ConfigError(N_("change id year %(year)s: expected four digits"), year=year)
    folder = Path(changes_dir)
    used = [0]
    if folder.is_dir():
        for file in folder.rglob(f"CR-{year}-*"):
            match = CHANGE_ID_RE.match(file.name.split(".", 1)[0])
            if match and file.suffix in (".yml", ".yaml"):
                used.append(int(match[2]))
    number = max(used) + 1
    if number > 9999:
        raise ConfigError(N_("%(dir)s: no change id left for %(year)d (CR-%(year)d-9999 is "
                             "used)"), dir=str(folder), year=year)
    return f"CR-{year}-{number:04d}"


def _earliest_start(now: datetime, timezone: str | None) -> str:
    """Without an emergency the window starts 24 h after submission: as of ``now``, when?"""
    moment = now + NOTICE
    if timezone:
        moment = moment.astimezone(ZoneInfo(timezone))
    if moment.second or moment.microsecond or moment.minute:
        moment = moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return moment.isoformat(timespec="minutes")


def skeleton(change_id: str, site: str, now: datetime, *, timezone: str | None = None) -> str:
    """A commented request for ``weibao change new``; load_request rejects it until every
    ``<fill in: …>`` placeholder is replaced. ``timezone`` (the site's) fills window.timezone."""
    if not CHANGE_ID_RE.match(change_id):
        raise ConfigError(N_("change id %(value)r: expected CR-YYYY-NNNN"), value=change_id)
    if not re.match(schema()["properties"]["site"]["pattern"], site):
        raise ConfigError(N_("site %(value)r: not a valid site name"), value=site)
    if timezone is not None and timezone not in zone_names():
        raise ConfigError(N_("site %(site)s: unknown time zone %(value)r"), site=site,
                          value=timezone)
    if now.tzinfo is None:
        raise ValueError("skeleton(): now must be an aware datetime")
    env = Environment(
        loader=FileSystemLoader(HERE), undefined=StrictUndefined, keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - YAML, not HTML; every value is checked above
    )
    return env.get_template(SKELETON_TEMPLATE).render(
        change_id=change_id, site=site, timezone=timezone, kinds=KINDS,
        earliest=_earliest_start(now, timezone),
        max_hours=int(MAX_WINDOW.total_seconds() // 3600))
