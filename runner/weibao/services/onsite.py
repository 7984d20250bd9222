"""Manual on-site checklist items (环境检查: room temperature, humidity, supply voltage,
grounding; cleanliness, cleaning done, connectors and cables seen): what the engineer reads on
a visit and enters from a file, checked against the site's checklist (units, ranges, required
items) and filed beside the automatic checks, marked manual.

The checklist is ``inventories/<site>/onsite_checklist.yml`` when the site has one, else the
default shipped in ``weibao/data/onsite_checklist.yml`` (its comments describe the format).

A visit file::

    visited_at: 2026-12-06T10:00     # site time unless an offset is given
    engineer: zhang.san              # a people id of the site (the provider's)
    values:
      room_temperature: 23.5         # or "23.5 °C": a unit given must be the item's
      humidity: 45
      supply_voltage: 221
      grounding: ok
      cleanliness: good
      cleaning_done: true
      cables: ok
    notes:                           # optional, per item
      humidity: the second air conditioner was off
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import select

from weibao.errors import N_, ConfigError
from weibao.services.problems import FieldError
from weibao.store import OnsiteVisit, Store

DEFAULT_CHECKLIST = Path(__file__).resolve().parent.parent / "data" / "onsite_checklist.yml"
TYPES = ("number", "choice", "boolean")
STATUSES = ("ok", "warning", "critical")
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_NUMBER_UNIT_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(\S.*)?$")


def _bad(path: Path, field: str, problem: str, **params: Any) -> FieldError:
    return FieldError(str(path), field, problem, **params)


def _read_yaml(path: Path) -> tuple[Any, str]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(N_("%(file)s: cannot read: %(reason)s"), file=str(path),
                          reason=exc.strerror or str(exc)) from None
    try:
        return yaml.safe_load(raw.decode("utf-8")), hashlib.sha256(raw).hexdigest()
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(N_("%(file)s: not valid YAML: %(reason)s"), file=str(path),
                          reason=str(exc).splitlines()[0]) from None


@dataclass(frozen=True)
class Item:
    key: str
    names: dict[str, str]
    type: str
    required: bool = True
    unit: str = ""
    unit_aliases: tuple[str, ...] = ()
    warning: tuple[float | None, float | None] = (None, None)
    critical: tuple[float | None, float | None] = (None, None)
    choices: dict[str, str] | None = None
    expected: bool = True
    otherwise: str = "warning"


@dataclass(frozen=True)
class Checklist:
    path: Path
    items: tuple[Item, ...]
    sha256: str

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)


def checklist_path(inventory_dir: Path | None) -> Path:
    if inventory_dir is not None:
        own = inventory_dir / "onsite_checklist.yml"
        if own.is_file():
            return own
    return DEFAULT_CHECKLIST


def _range(path: Path, field: str, raw: Any) -> tuple[float | None, float | None]:
    if raw is None:
        return (None, None)
    if not isinstance(raw, dict) or set(raw) - {"min", "max"}:
        raise _bad(path, field, N_("expected {min: N, max: N}"))
    bounds = []
    for key in ("min", "max"):
        value = raw.get(key)
        if value is not None and (isinstance(value, bool)
                                  or not isinstance(value, int | float)):
            raise _bad(path, f"{field}.{key}", N_("%(value)r is not a number"), value=value)
        bounds.append(value)
    if None not in bounds and bounds[0] > bounds[1]:
        raise _bad(path, field, N_("min is above max"))
    return (bounds[0], bounds[1])


def load_checklist(path: Path) -> Checklist:
    """Read and check a checklist definition; ConfigError (file, field, what) when bad."""
    data, digest = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("items"), list) \
            or not data["items"]:
        raise _bad(path, "items", N_("expected a list of at least one item"))
    items: list[Item] = []
    for index, raw in enumerate(data["items"]):
        field = f"items[{index}]"
        if not isinstance(raw, dict):
            raise _bad(path, field, N_("expected a mapping"))
        key = raw.get("key")
        if not isinstance(key, str) or not _KEY_RE.match(key):
            raise _bad(path, f"{field}.key", N_("%(value)r is not a key (a-z, 0-9, _)"),
                       value=key)
        if any(i.key == key for i in items):
            raise _bad(path, f"{field}.key", N_("%(value)r is defined twice"), value=key)
        names = raw.get("name")
        if not isinstance(names, dict) or not all(isinstance(names.get(lang), str)
                                                  for lang in ("en", "zh-CN")):
            raise _bad(path, f"{field}.name", N_("expected {en: ..., zh-CN: ...}"))
        kind = raw.get("type")
        if kind not in TYPES:
            raise _bad(path, f"{field}.type", N_("%(value)r is not one of %(choices)s"),
                       value=kind, choices=", ".join(TYPES))
        common = {"key": key, "names": {k: str(v) for k, v in names.items()}, "type": kind,
                  "required": bool(raw.get("required", True))}
        if kind == "number":
            unit = raw.get("unit")
            if not isinstance(unit, str) or not unit:
                raise _bad(path, f"{field}.unit", N_("a number needs its unit"))
            aliases = raw.get("unit_aliases") or []
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                raise _bad(path, f"{field}.unit_aliases", N_("expected a list of text"))
            warning = _range(path, f"{field}.warning", raw.get("warning"))
            critical = _range(path, f"{field}.critical", raw.get("critical"))
            items.append(Item(**common, unit=unit, unit_aliases=tuple(aliases),
                              warning=warning, critical=critical))
        elif kind == "choice":
            choices = raw.get("choices")
            if not isinstance(choices, dict) or not choices or any(
                    v not in STATUSES for v in choices.values()):
                raise _bad(path, f"{field}.choices", N_("expected {answer: ok|warning|critical}"))
            items.append(Item(**common, choices={str(k): v for k, v in choices.items()}))
        else:
            expected, otherwise = raw.get("expected", True), raw.get("otherwise", "warning")
            if not isinstance(expected, bool):
                raise _bad(path, f"{field}.expected", N_("expected true or false"))
            if otherwise not in ("warning", "critical"):
                raise _bad(path, f"{field}.otherwise", N_("expected warning or critical"))
            items.append(Item(**common, expected=expected, otherwise=otherwise))
    return Checklist(path, tuple(items), digest)


def _outside(value: float, bounds: tuple[float | None, float | None]) -> bool:
    low, high = bounds
    return (low is not None and value < low) or (high is not None and value > high)


def _bounds_text(bounds: tuple[float | None, float | None], unit: str) -> str:
    low, high = bounds
    return f"{'' if low is None else low}-{'' if high is None else high} {unit}".strip()


def judge(item: Item, value: Any, path: Path, field: str) -> dict[str, Any]:
    """One entered value against its item: the normalised value and its status."""
    if item.type == "number":
        number, unit = value, item.unit
        if isinstance(value, str):
            match = _NUMBER_UNIT_RE.match(value)
            if not match:
                raise _bad(path, field, N_("%(value)r is not a number with its unit (%(unit)s)"),
                           value=value, unit=item.unit)
            number = float(match[1])
            given = (match[2] or "").strip()
            if given and given not in (item.unit, *item.unit_aliases):
                raise _bad(path, field, N_("unit %(unit)r: expected %(units)s"), unit=given,
                           units=", ".join((item.unit, *item.unit_aliases)))
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise _bad(path, field, N_("%(value)r is not a number (%(unit)s)"), value=value,
                       unit=item.unit)
        status, limit = "ok", None
        if _outside(number, item.critical):
            status, limit = "critical", item.critical
        elif _outside(number, item.warning):
            status, limit = "warning", item.warning
        return {"value": number, "unit": unit, "status": status,
                "expected": _bounds_text(limit or item.warning, unit)}
    if item.type == "choice":
        assert item.choices is not None
        if str(value) not in item.choices or isinstance(value, bool):
            raise _bad(path, field, N_("%(value)r is not one of %(choices)s"), value=value,
                       choices=", ".join(item.choices))
        return {"value": str(value), "unit": "", "status": item.choices[str(value)],
                "expected": ", ".join(k for k, v in item.choices.items() if v == "ok")}
    if not isinstance(value, bool):
        raise _bad(path, field, N_("%(value)r: expected true or false"), value=value)
    return {"value": value, "unit": "", "status": "ok" if value == item.expected
            else item.otherwise, "expected": str(item.expected).lower()}


@dataclass(frozen=True)
class Visit:
    visited_at: datetime
    engineer: str
    items: list[dict[str, Any]]


def load_visit(path: Path, checklist: Checklist, period: str, timezone: str,
               people: Any = None, now: datetime | None = None) -> Visit:
    """Read and check a visit file against the checklist; the visit must lie in ``period``
    (YYYY-MM, site time)."""
    data, _ = _read_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(N_("%(file)s: expected a mapping with visited_at, engineer and "
                             "values"), file=str(path))
    for key in data:
        if key not in ("visited_at", "engineer", "values", "notes"):
            raise _bad(path, str(key), N_("unknown field (expected visited_at, engineer, "
                                          "values, notes)"))
    raw_time = data.get("visited_at")
    if raw_time in (None, ""):
        raise _bad(path, "visited_at", N_("missing"))
    try:
        moment = raw_time if isinstance(raw_time, datetime) else datetime.fromisoformat(
            str(raw_time))
    except ValueError:
        raise _bad(path, "visited_at", N_("%(value)r is not an ISO-8601 time"),
                   value=raw_time) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    moment = moment.astimezone(UTC)
    if moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m") != period:
        raise _bad(path, "visited_at", N_("%(time)s is not in the period %(period)s"),
                   time=moment.isoformat(), period=period)
    if now is not None and moment > now:
        raise _bad(path, "visited_at", N_("%(time)s is in the future"), time=moment.isoformat())
    engineer = data.get("engineer")
    if not isinstance(engineer, str) or not engineer:
        raise _bad(path, "engineer", N_("missing"))
    if people is not None and people.get(engineer) is None:
        raise _bad(path, "engineer", N_("%(id)r is not in the people file %(people)s"),
                   id=engineer, people=str(people.path))
    values = data.get("values")
    if not isinstance(values, dict):
        raise _bad(path, "values", N_("expected a mapping of item: value"))
    notes = data.get("notes") or {}
    if not isinstance(notes, dict):
        raise _bad(path, "notes", N_("expected a mapping of item: text"))
    for key in (*values, *notes):
        if checklist.item(str(key)) is None:
            raise _bad(path, f"values.{key}",
                       N_("not an item of the checklist %(checklist)s (items: %(items)s)"),
                       checklist=str(checklist.path),
                       items=", ".join(i.key for i in checklist.items))
    items = []
    for item in checklist.items:
        field = f"values.{item.key}"
        if values.get(item.key) is None:
            if item.required:
                raise _bad(path, field, N_("missing (a required item)"))
            continue
        judged = judge(item, values[item.key], path, field)
        items.append({"key": item.key, "name": item.names, **judged,
                      "note": str(notes.get(item.key) or ""), "manual": True})
    return Visit(moment, engineer, items)


def file_visit(store: Store, site: str, period: str, visit: Visit, checklist: Checklist,
               now: datetime, source: str = "") -> OnsiteVisit:
    """Store a checked visit; a visit of the same site at the same time is refused (the file
    filed twice)."""
    with store.session() as s:
        same = s.scalars(select(OnsiteVisit).where(
            OnsiteVisit.site == site, OnsiteVisit.visited_at == visit.visited_at)).first()
        if same is not None:
            raise _bad(Path(source), "visited_at", N_("a visit at %(time)s is filed already"),
                       time=visit.visited_at.isoformat())
        row = OnsiteVisit(site=site, period=period, visited_at=visit.visited_at,
                          engineer=visit.engineer, items=visit.items,
                          checklist_sha256=checklist.sha256, recorded_at=now)
        s.add(row)
    return row


def manual_items(store: Store, site: str, period: str) -> list[dict[str, Any]]:
    """The manual items of ``site`` in ``period`` (YYYY-MM), for the monthly report beside the
    automatic checks: every item of every visit, oldest visit first, each with ``manual:
    True``, its status (ok, warning, critical), the visit's time (UTC ISO) and engineer."""
    with store.session() as s:
        visits = s.scalars(select(OnsiteVisit).where(
            OnsiteVisit.site == site, OnsiteVisit.period == period)
            .order_by(OnsiteVisit.visited_at, OnsiteVisit.id)).all()
        return [{**item, "manual": True, "visited_at": v.visited_at.isoformat(),
                 "engineer": v.engineer, "visit": v.id} for v in visits for item in v.items]
