"""Pass 3 of reading a request: what its fields mean.

Placeholders left from the skeleton, the file name against the id, time zone names, window
order and length, durations that fit the window, people listed twice, reserved or
secret-looking variable names, media listed twice.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from weibao.change.request.problems import FieldPath, Problem, problem_at, short
from weibao.change.request.structure import schema

MAX_WINDOW = timedelta(hours=72)
PLACEHOLDER = "<fill in"  # every value the skeleton leaves to the engineer contains this
RESERVED_VAR_PREFIXES = ("ansible_", "weibao_")  # connection settings and weibao's own vars
# A request is signed, archived for years and shown in reports: secrets come from Ansible Vault.
SECRET_VAR_RE = re.compile(
    r"(^|_)(password|passwd|passphrase|secret|token|private_key|api_key)(_|$)", re.IGNORECASE)

CHANGE_ID_RE = re.compile(r"^CR-([0-9]{4})-([0-9]{4})$")
DURATION_RE = re.compile(r"^(?:(?P<h>[0-9]+)h)?(?:(?P<m>[0-9]+)m)?$")


def _strings(value: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))
    elif isinstance(value, str):
        yield path, value


def placeholder_problems(data: dict, lines: Mapping[FieldPath, int]) -> list[Problem]:
    return [problem_at(path, "placeholder", lines, value=short(text.strip()))
            for path, text in _strings(data) if PLACEHOLDER in text]


def _id_problems(data: dict, file: Path, lines: Mapping[FieldPath, int]) -> list[Problem]:
    """A file named like a change id must hold that change (a copied file keeps its old id)."""
    change_id = data.get("id")
    if not (isinstance(change_id, str) and CHANGE_ID_RE.match(change_id)):
        return []  # the schema reports a malformed id
    if CHANGE_ID_RE.match(file.stem) and change_id != file.stem:
        return [problem_at(("id",), "id_file", lines, value=short(change_id), name=file.name)]
    return []


def _people_problems(data: dict, lines: Mapping[FieldPath, int]) -> list[Problem]:
    attendees = data.get("attendees")
    if not isinstance(attendees, list):
        return []
    roles = {data.get(role): role for role in ("recorder", "operator", "requester")
             if isinstance(data.get(role), str)}
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, person in enumerate(attendees):
        if not isinstance(person, str):
            continue
        if person in seen:
            problems.append(problem_at(("attendees", index), "person_twice", lines,
                                     value=short(person)))
        elif person in roles:
            problems.append(problem_at(("attendees", index), "person_role", lines,
                                     value=short(person), role=roles[person]))
        seen.add(person)
    return problems


def _variable_problems(data: dict, lines: Mapping[FieldPath, int]) -> list[Problem]:
    variables = data.get("variables")
    if not isinstance(variables, dict):
        return []
    problems: list[Problem] = []
    for name in variables:
        if not isinstance(name, str):
            continue
        reserved = [p for p in RESERVED_VAR_PREFIXES if name.startswith(p)]
        if reserved:
            problems.append(problem_at(("variables", name), "var_reserved", lines,
                                     prefix=reserved[0]))
        elif SECRET_VAR_RE.search(name):
            problems.append(problem_at(("variables", name), "var_secret", lines))
    return problems


def _media_problems(data: dict, lines: Mapping[FieldPath, int]) -> list[Problem]:
    media = data.get("media")
    if not isinstance(media, list):
        return []
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, item in enumerate(media):
        where = item.get("path") if isinstance(item, dict) else None
        if isinstance(where, str):
            if where in seen:
                problems.append(problem_at(("media", index, "path"), "media_twice", lines,
                                         value=short(where)))
            seen.add(where)
    return problems


@functools.cache
def zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def _zone(data: dict, lines: Mapping[FieldPath, int]) -> tuple[ZoneInfo | None, list[Problem]]:
    window = data.get("window")
    name = window.get("timezone") if isinstance(window, dict) else None
    pattern = schema()["properties"]["window"]["properties"]["timezone"]["pattern"]
    if not isinstance(name, str) or not re.match(pattern, name):
        return None, []  # missing or malformed: the schema says so
    if name not in zone_names():
        return None, [problem_at(("window", "timezone"), "unknown_tz", lines, value=short(name))]
    return ZoneInfo(name), []


def _offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _local_time(text: str, zone: ZoneInfo, key: str,
                lines: Mapping[FieldPath, int]) -> tuple[datetime | None, list[Problem]]:
    """Parse window.<key> and place it in ``zone``; naive times are local to the zone."""
    path: FieldPath = ("window", key)
    value = short(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        return None, [problem_at(path, "bad_time", lines, value=value, reason=str(exc))]
    if moment.tzinfo is not None:
        expected = moment.astimezone(zone).utcoffset()
        if moment.utcoffset() != expected:
            return None, [problem_at(path, "tz_offset", lines, offset=_offset(moment.utcoffset()),
                                   tz=zone.key, expected=_offset(expected))]
        return moment.astimezone(zone), []
    local = moment.replace(tzinfo=zone)
    back = local.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
    if back != moment:
        return None, [problem_at(path, "tz_gap", lines, value=value, tz=zone.key)]
    if local.utcoffset() != moment.replace(tzinfo=zone, fold=1).utcoffset():
        return None, [problem_at(path, "tz_fold", lines, value=value, tz=zone.key)]
    return local, []


def _hm(minutes: int) -> str:
    """150 -> "2h30m"; the expected_duration format."""
    hours, rest = divmod(minutes, 60)
    return (f"{hours}h" if hours else "") + (f"{rest}m" if rest or not hours else "")


@dataclass(frozen=True)
class Window:
    """The maintenance window, both ends aware datetimes in ``timezone``."""

    start: datetime
    end: datetime
    timezone: str

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


def parse_window(data: dict, lines: Mapping[FieldPath, int]) -> tuple[Window | None, list[Problem]]:
    zone, problems = _zone(data, lines)
    window = data.get("window")
    if zone is None or not isinstance(window, dict):
        return None, problems
    pattern = schema()["$defs"]["datetime"]["pattern"]
    ends: dict[str, datetime] = {}
    for key in ("start", "end"):
        text = window.get(key)
        if isinstance(text, str) and re.match(pattern, text):
            moment, bad = _local_time(text, zone, key, lines)
            problems += bad
            if moment is not None:
                ends[key] = moment
    if len(ends) < 2:
        return None, problems
    if ends["end"] <= ends["start"]:
        return None, [*problems, problem_at(("window", "end"), "window_order", lines)]
    result = Window(ends["start"], ends["end"], zone.key)
    if ends["end"] - ends["start"] > MAX_WINDOW:
        problems.append(problem_at(("window", "end"), "window_long", lines,
                                 length=_hm(result.minutes),
                                 limit=_hm(int(MAX_WINDOW.total_seconds() // 60))))
        return None, problems
    return result, problems


def parse_duration(text: str) -> int | None:
    """"2h30m" -> 150, "2h" -> 120, "45m" -> 45; None if it is not that format."""
    match = DURATION_RE.match(text) if isinstance(text, str) else None
    if not match or not (match["h"] or match["m"]):
        return None
    return int(match["h"] or 0) * 60 + int(match["m"] or 0)


def _duration_problems(data: dict, window: Window | None,
                       lines: Mapping[FieldPath, int]) -> list[Problem]:
    text = data.get("expected_duration")
    minutes = parse_duration(text) if isinstance(text, str) else None
    if minutes is None:
        return []
    path: FieldPath = ("expected_duration",)
    match = DURATION_RE.match(text)
    if match and match["h"] and int(match["m"] or 0) >= 60:
        return [problem_at(path, "duration_minutes", lines, value=short(text))]
    if minutes == 0:
        return [problem_at(path, "duration_zero", lines)]
    if window is not None and minutes > window.minutes:
        return [problem_at(path, "duration_window", lines, value=short(text),
                         window=_hm(window.minutes))]
    return []


def _downtime_problems(data: dict, window: Window | None,
                       lines: Mapping[FieldPath, int]) -> list[Problem]:
    downtime = data.get("application_downtime")
    minutes = downtime.get("minutes") if isinstance(downtime, dict) else None
    if window is None or isinstance(minutes, bool) or not isinstance(minutes, int):
        return []
    if minutes > window.minutes:
        return [problem_at(("application_downtime", "minutes"), "downtime_window", lines,
                         minutes=minutes, window=_hm(window.minutes))]
    return []


def meaning_problems(data: dict, file: Path, lines: Mapping[FieldPath, int]) -> list[Problem]:
    window, problems = parse_window(data, lines)
    return [
        *_id_problems(data, file, lines),
        *_people_problems(data, lines),
        *_variable_problems(data, lines),
        *problems,
        *_duration_problems(data, window, lines),
        *_downtime_problems(data, window, lines),
        *_media_problems(data, lines),
    ]
