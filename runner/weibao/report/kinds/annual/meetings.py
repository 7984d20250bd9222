"""Joint meeting records (联合工作会议记录) of a site: ``<inventory>/meetings.yml``, kept by the
engineers beside ``people.yml`` (docs/service-records.md, "Joint meetings")::

    meetings:
      - date: 2026-06-18            # YYYY-MM-DD, the site's calendar
        title: 半年度联合工作会议
        attendees: [li.wei, zhang.min]   # people ids (their names are shown) or names
        minutes: |                   # what was discussed and agreed
          ...
        actions: ""                  # follow-up actions, optional

A bad file is refused with one line naming the file, the field and what is wrong.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from weibao.errors import N_, ConfigError
from weibao.services.problems import FieldError

FILE = "meetings.yml"
FIELDS = {"date": True, "title": True, "attendees": True, "minutes": True, "actions": False}
MAX_TEXT = 8000


class _Loader(yaml.SafeLoader):
    """YAML without implicit timestamps: a date stays text, checked here (2026-13-01 is then
    a bad date of its field, not a YAML error)."""


_Loader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def meetings_path(inventory: Path | None) -> Path | None:
    if inventory is None:
        return None
    folder = inventory if inventory.is_dir() else inventory.parent
    return folder / FILE


def load_meetings(path: Path) -> list[dict[str, Any]]:
    """Every meeting of the file, checked, by date; [] when the file does not exist."""
    if not path.is_file():
        return []
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except OSError as exc:
        raise ConfigError(N_("%(file)s: cannot read: %(reason)s"), file=str(path),
                          reason=exc.strerror or str(exc)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(N_("%(file)s: not valid YAML: %(reason)s"), file=str(path),
                          reason=str(exc).splitlines()[0]) from None
    if raw is None:
        return []
    if not isinstance(raw, dict) or set(raw) != {"meetings"}:
        raise FieldError(str(path), "meetings", N_("expected a mapping with one key, "
                                                   "meetings: a list of meetings"))
    items = raw["meetings"] or []
    if not isinstance(items, list):
        raise FieldError(str(path), "meetings", N_("expected a list of meetings"))
    out = []
    for i, item in enumerate(items):
        where = f"meetings[{i}]"
        if not isinstance(item, dict):
            raise FieldError(str(path), where, N_("expected a mapping"))
        for key in item:
            if key not in FIELDS:
                raise FieldError(str(path), f"{where}.{key}",
                                 N_("unknown field (expected %(fields)s)"),
                                 fields=", ".join(FIELDS))
        for key, required in FIELDS.items():
            if required and item.get(key) in (None, "", []):
                raise FieldError(str(path), f"{where}.{key}", N_("missing"))
        day = item["date"]
        if isinstance(day, str):
            try:
                day = dt.date.fromisoformat(day.strip())
            except ValueError:
                day = None
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise FieldError(str(path), f"{where}.date",
                             N_("%(value)r is not a date (YYYY-MM-DD)"), value=item["date"])
        attendees = item["attendees"]
        if not isinstance(attendees, list) or not all(
                isinstance(a, str) and a.strip() for a in attendees):
            raise FieldError(str(path), f"{where}.attendees",
                             N_("expected a list of people ids or names"))
        for key in ("title", "minutes", "actions"):
            value = item.get(key)
            if value is None:
                continue
            if not isinstance(value, str):
                raise FieldError(str(path), f"{where}.{key}", N_("expected text"))
            if len(value) > MAX_TEXT:
                raise FieldError(str(path), f"{where}.{key}",
                                 N_("longer than %(max)d characters"), max=MAX_TEXT)
        out.append({"date": day.isoformat(), "title": item["title"].strip(),
                    "attendees": [a.strip() for a in attendees],
                    "minutes": item["minutes"].strip(),
                    "actions": (item.get("actions") or "").strip()})
    out.sort(key=lambda m: (m["date"], m["title"]))
    return out
