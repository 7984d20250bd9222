"""The written maintenance request (书面维护申请): one YAML file per change.

``changes/CR-2026-0001.yml`` is read in three passes, each reporting problems with the field
path and line they belong to:

1. YAML: one document, a mapping at the top, no duplicate keys, plain data only (text keys,
   no binary, sets or timestamps: date-times stay text, so nothing is reinterpreted), at most
   :data:`MAX_FILE_BYTES` bytes and :data:`MAX_VALUES` values.
2. Structure: ``schemas/change_request.schema.json`` (JSON Schema draft 2020-12).
3. Meaning: placeholders left from the skeleton, the file name against the id, time zone
   names, window order and length, durations that fit the window, people listed twice,
   reserved or secret-looking variable names, media listed twice.

:func:`validate_request` returns every problem; :func:`load_request` raises a
:class:`~weibao.errors.ConfigError` for the first one (in file order) or returns a
:class:`ChangeRequest`. :func:`canonical_digest` is what every sign-off signs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import jsonschema
import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from weibao.change.canonical import canonical_bytes
from weibao.errors import N_, ConfigError

HERE = Path(__file__).resolve().parent
SCHEMA_PATH = HERE / "schemas" / "change_request.schema.json"
SKELETON_TEMPLATE = "skeleton.yml.j2"

KINDS = ("os_patch", "os_upgrade", "firmware_upgrade", "configuration",
         "hardware_replacement", "other")
# 在升级和修补之前, 必须备份必要的系统数据: the later backup gate applies to these kinds.
BACKUP_REQUIRED_KINDS = frozenset({"os_patch", "os_upgrade", "firmware_upgrade"})
MAX_WINDOW = timedelta(hours=72)
NOTICE = timedelta(hours=24)  # 至少提前24小时 (checked at submission, not here)
PLACEHOLDER = "<fill in"  # every value the skeleton leaves to the engineer contains this
RESERVED_VAR_PREFIXES = ("ansible_", "weibao_")  # connection settings and weibao's own vars
# A request is signed, archived for years and shown in reports: secrets come from Ansible Vault.
SECRET_VAR_RE = re.compile(
    r"(^|_)(password|passwd|passphrase|secret|token|private_key|api_key)(_|$)", re.IGNORECASE)
MAX_FILE_BYTES = 1024 * 1024
MAX_VALUES = 100_000  # bounds YAML alias expansion ("billion laughs")

CHANGE_ID_RE = re.compile(r"^CR-([0-9]{4})-([0-9]{4})$")
DURATION_RE = re.compile(r"^(?:(?P<h>[0-9]+)h)?(?:(?P<m>[0-9]+)m)?$")

GetText = Callable[[str], str]
FieldPath = tuple[str | int, ...]

# Every message starts with "%(where)s: " (file, line, field), so one msgid is one whole line.
MESSAGES: dict[str, str] = {
    "unreadable": N_("%(where)s: cannot be read: %(reason)s"),
    "too_big": N_("%(where)s: larger than %(limit)d bytes"),
    "yaml": N_("%(where)s: not valid YAML: %(problem)s"),
    "duplicate_key": N_("%(where)s: duplicate key %(key)s"),
    "top": N_("%(where)s: expected a mapping at the top, got %(actual)s"),
    "key_type": N_("%(where)s: key %(key)s is not text"),
    "value_type": N_("%(where)s: %(actual)s values are not allowed (plain text, numbers, "
                     "true/false, lists and mappings only)"),
    "not_finite": N_("%(where)s: %(value)r is not a finite number"),
    "surrogate": N_("%(where)s: text is not valid Unicode"),
    "too_many": N_("%(where)s: more than %(limit)d values (too many YAML aliases?)"),
    "required": N_("%(where)s: is required"),
    "required_list": N_("%(where)s: is required; write [] when there is none"),
    "required_mapping": N_("%(where)s: is required; write {} when there is none"),
    "unknown": N_("%(where)s: unknown field"),
    "type": N_("%(where)s: expected %(expected)s, got %(actual)s"),
    "list_or_empty": N_("%(where)s: expected a list, got %(actual)s; write [] when there is "
                        "none"),
    "enum": N_("%(where)s: %(value)s is not one of %(choices)s"),
    "minimum": N_("%(where)s: must be %(limit)s or more"),
    "change_id": N_("%(where)s: %(value)s is not a change id like CR-2026-0001"),
    "one_line": N_("%(where)s: must be one line of text, not blank"),
    "blank": N_("%(where)s: must not be blank"),
    "site": N_("%(where)s: %(value)s is not a site name (letters, digits, '.', '_', '-')"),
    "person": N_("%(where)s: %(value)s is not a person id (lower-case letters, digits, '.', "
                 "'_', '-')"),
    "playbook": N_("%(where)s: %(value)s is not playbooks/<name>.yml"),
    "var_name": N_("%(where)s: %(value)s is not a variable name (letters, digits, '_')"),
    "steps_min": N_("%(where)s: at least one step is required"),
    "datetime": N_("%(where)s: %(value)s is not a local time like 2026-03-01T22:00 (an offset "
                   "such as +08:00 may follow)"),
    "timezone": N_("%(where)s: %(value)s is not a time zone name like Asia/Shanghai"),
    "duration": N_("%(where)s: %(value)s is not a duration like 2h30m, 2h or 45m"),
    "sha256": N_("%(where)s: %(value)s is not 64 hex digits (lower case, as sha256sum "
                 "prints)"),
    "emergency_reason": N_("%(where)s: is required when is_emergency is true"),
    "schema": N_("%(where)s: %(detail)s"),
    "placeholder": N_("%(where)s: still the skeleton's placeholder %(value)s; fill it in"),
    "id_file": N_("%(where)s: %(value)s does not match the file name %(name)s"),
    "unknown_tz": N_("%(where)s: unknown time zone %(value)s"),
    "bad_time": N_("%(where)s: %(value)s is not a real date and time: %(reason)s"),
    "tz_gap": N_("%(where)s: %(value)s does not exist in %(tz)s (the clock skips it)"),
    "tz_fold": N_("%(where)s: %(value)s happens twice in %(tz)s; add the offset"),
    "tz_offset": N_("%(where)s: offset %(offset)s does not match %(tz)s (%(expected)s at that "
                    "time)"),
    "window_order": N_("%(where)s: must be after window.start"),
    "window_long": N_("%(where)s: the window is %(length)s long; at most %(limit)s is "
                      "allowed"),
    "duration_zero": N_("%(where)s: must be longer than 0 minutes"),
    "duration_minutes": N_("%(where)s: %(value)s: write minutes below 60 after the hours "
                           "(e.g. 3h15m)"),
    "duration_window": N_("%(where)s: %(value)s does not fit in the window (%(window)s)"),
    "downtime_window": N_("%(where)s: %(minutes)d minutes is longer than the window "
                          "(%(window)s)"),
    "person_twice": N_("%(where)s: %(value)s is listed twice"),
    "person_role": N_("%(where)s: %(value)s is already the %(role)s"),
    "var_reserved": N_("%(where)s: names starting with %(prefix)s are reserved"),
    "var_secret": N_("%(where)s: looks like a secret; a request is archived and reported, so "
                     "give secrets to the playbook from Ansible Vault"),
    "media_twice": N_("%(where)s: %(value)s is listed twice"),
}

_TYPE_NAMES = {
    "string": N_("text"), "integer": N_("a whole number"), "number": N_("a number"),
    "boolean": N_("true or false"), "array": N_("a list"), "object": N_("a mapping"),
    "null": N_("nothing"),
}
_TRANSLATED_PARAMS = frozenset(_TYPE_NAMES.values())  # param values that are msgids too
LINE = N_("line %(line)d")  # where a problem is: "changes/CR-2026-0001.yml: line 61: window.end"
DOCUMENT = N_("(document)")


# ----------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: the field path, the line, a msgid and its params."""

    field: str  # "window.end", "media[0].sha256"; "" for the file as a whole
    message: str  # an N_()-marked msgid starting with "%(where)s: "
    params: Mapping[str, object]
    line: int | None = None  # 1-based line in the YAML file, when known

    def where(self, file: str | Path | None = None, gettext: GetText | None = None) -> str:
        line = ""
        if self.line:
            line = (gettext(LINE) if gettext else LINE) % {"line": self.line}
        parts = [str(file) if file else "", line, self.field]
        return ": ".join(p for p in parts if p) or (gettext(DOCUMENT) if gettext else DOCUMENT)

    def render(self, gettext: GetText | None = None, file: str | Path | None = None) -> str:
        """The one-line message, translated with ``gettext`` when given."""
        if gettext is None:
            return self.message % {**self.params, "where": self.where(file)}
        params = {key: gettext(value) if value in _TRANSLATED_PARAMS else value
                  for key, value in self.params.items()}
        return gettext(self.message) % {**params, "where": self.where(file, gettext)}

    def to_error(self, file: str | Path) -> ConfigError:
        return RequestError(self, file)

    def __str__(self) -> str:
        text = self.message % {**self.params, "where": self.field or "(document)"}
        return text


class RequestError(ConfigError):
    """A problem of a request file as an error: rendered, "line N" included, in the user's
    language like ``weibao change validate`` renders it."""

    def __init__(self, problem: Problem, file: str | Path) -> None:
        self.problem = problem
        self.file = file
        super().__init__(problem.message, where=problem.where(file), **dict(problem.params))

    def render(self, gettext: GetText | None = None) -> str:
        return self.problem.render(gettext, self.file)


def _problem(path: FieldPath, msg: str, lines: Mapping[FieldPath, int] | None = None,
             **params: object) -> Problem:
    return Problem(_field(path), MESSAGES[msg], params, _line(path, lines or {}))


def _field(path: FieldPath) -> str:
    """("media", 0, "sha256") -> "media[0].sha256"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out


def _line(path: FieldPath, lines: Mapping[FieldPath, int]) -> int | None:
    """The line of the field, else of its nearest enclosing field (never the top mapping)."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ----------------------------------------------------------------------------- YAML


class _DuplicateKey(yaml.constructor.ConstructorError):
    def __init__(self, key: object, mark: yaml.Mark) -> None:
        super().__init__(None, None, f"duplicate key {key!r}", mark)
        self.key = key


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps date-times as text and refuses duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # keys merged in with << may be overridden: that is their purpose
            key = self.construct_object(key_node, deep=True)
            try:
                twice = key in seen
            except TypeError:
                continue  # unhashable: the base class reports it
            if twice:
                raise _DuplicateKey(key, key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _node_lines(root: yaml.Node) -> dict[FieldPath, int]:
    """Map every field path to the 1-based line of its key (or list item).

    A node reached again through a YAML alias is not walked twice: an alias bomb stays small
    here, and _plain_data_problems refuses it.
    """
    out: dict[FieldPath, int] = {}
    seen: set[int] = set()
    stack: list[tuple[FieldPath, yaml.Node]] = [((), root)]
    while stack:
        path, node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            items = [((*path, k.value), k, v) for k, v in node.value
                     if isinstance(k, yaml.ScalarNode)]
        elif isinstance(node, yaml.SequenceNode):
            items = [((*path, i), v, v) for i, v in enumerate(node.value)]
        else:
            continue
        for sub, marker, value in items:
            out.setdefault(sub, marker.start_mark.line + 1)
            stack.append((sub, value))
    return out


def _yaml_problem(exc: yaml.YAMLError) -> Problem:
    if isinstance(exc, _DuplicateKey):
        return Problem("", MESSAGES["duplicate_key"], {"key": _short(exc.key)},
                       exc.problem_mark.line + 1)
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return Problem("", MESSAGES["yaml"], {"problem": problem},
                   mark.line + 1 if mark else None)


def _parse_yaml(text: str) -> tuple[Any, dict[FieldPath, int], list[Problem]]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        return None, {}, [_yaml_problem(exc)]
    finally:
        loader.dispose()
    return data, _node_lines(node) if node is not None else {}, []


def _type_name(value: object) -> str:
    """The words the messages use for a YAML value's type ("a list", "text"...)."""
    kinds = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"),
             (list, "array"), (dict, "object"), (type(None), "null"))
    for python_type, json_type in kinds:
        if isinstance(value, python_type):
            return _TYPE_NAMES[json_type]
    return type(value).__name__


def _plain_data_problems(data: Any, lines: Mapping[FieldPath, int]) -> list[Problem]:
    """Values canonical JSON can hold: text keys, no binary/sets/dates, finite numbers."""
    problems: list[Problem] = []
    stack: list[tuple[FieldPath, Any]] = [((), data)]
    count = 0
    while stack:
        path, value = stack.pop()
        count += 1
        if count > MAX_VALUES:
            return [_problem((), "too_many", limit=MAX_VALUES)]
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str):
                    stack.append(((*path, key), item))
                else:
                    problems.append(_problem(path, "key_type", lines, key=_short(key)))
        elif isinstance(value, list):
            stack.extend(((*path, i), item) for i, item in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            problems.append(_problem(path, "not_finite", lines, value=value))
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                problems.append(_problem(path, "surrogate", lines))
        elif value is not None and not isinstance(value, int | float):
            problems.append(_problem(path, "value_type", lines, actual=type(value).__name__))
    return problems


# ----------------------------------------------------------------------------- schema


@functools.cache
def schema() -> dict[str, Any]:
    """The change request JSON Schema (draft 2020-12)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@functools.cache
def _validator() -> jsonschema.protocols.Validator:
    return jsonschema.Draft202012Validator(schema())


def _custom(error: jsonschema.ValidationError, sub: str | None = None) -> str | None:
    """The message key the schema names for this keyword ('x-messages'), if any."""
    named = error.schema.get("x-messages", {}).get(error.validator) if isinstance(
        error.schema, dict) else None
    if isinstance(named, dict):
        return named.get(sub) if sub else None
    return named


def _schema_problems(error: jsonschema.ValidationError,
                     lines: Mapping[FieldPath, int]) -> Iterator[Problem]:
    path: FieldPath = tuple(error.absolute_path)
    kind = error.validator
    if kind == "required":
        for name in error.validator_value:
            if isinstance(error.instance, dict) and name not in error.instance:
                yield _problem((*path, name), _custom(error, name) or "required", lines)
    elif kind == "additionalProperties":
        allowed = error.schema.get("properties", {})
        for name in error.instance:
            if name not in allowed:
                yield _problem((*path, name), "unknown", lines)
    elif kind == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        yield _problem(path, _custom(error) or "type", lines,
                       expected=" or ".join(_TYPE_NAMES.get(n, n) for n in names),
                       actual=_type_name(error.instance))
    elif kind == "enum":
        yield _problem(path, "enum", lines, value=_short(error.instance),
                       choices=", ".join(str(c) for c in error.validator_value))
    elif kind == "minimum":
        yield _problem(path, "minimum", lines, limit=error.validator_value)
    elif isinstance(_custom(error), str):
        # pattern, minItems...; for propertyNames the instance is the key, at the mapping's path
        yield _problem(path, str(_custom(error)), lines, value=_short(error.instance))
    else:
        yield _problem(path, "schema", lines, detail=_short(error.message, 120)[1:-1])


def _structure_problems(data: Any, lines: Mapping[FieldPath, int]) -> list[Problem]:
    problems: list[Problem] = []
    for error in _validator().iter_errors(data):
        problems.extend(_schema_problems(error, lines))
    return problems


# ----------------------------------------------------------------------------- meaning


def _strings(value: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))
    elif isinstance(value, str):
        yield path, value


def _placeholder_problems(data: dict, lines: Mapping[FieldPath, int]) -> list[Problem]:
    return [_problem(path, "placeholder", lines, value=_short(text.strip()))
            for path, text in _strings(data) if PLACEHOLDER in text]


def _id_problems(data: dict, file: Path, lines: Mapping[FieldPath, int]) -> list[Problem]:
    """A file named like a change id must hold that change (a copied file keeps its old id)."""
    change_id = data.get("id")
    if not (isinstance(change_id, str) and CHANGE_ID_RE.match(change_id)):
        return []  # the schema reports a malformed id
    if CHANGE_ID_RE.match(file.stem) and change_id != file.stem:
        return [_problem(("id",), "id_file", lines, value=_short(change_id), name=file.name)]
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
            problems.append(_problem(("attendees", index), "person_twice", lines,
                                     value=_short(person)))
        elif person in roles:
            problems.append(_problem(("attendees", index), "person_role", lines,
                                     value=_short(person), role=roles[person]))
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
            problems.append(_problem(("variables", name), "var_reserved", lines,
                                     prefix=reserved[0]))
        elif SECRET_VAR_RE.search(name):
            problems.append(_problem(("variables", name), "var_secret", lines))
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
                problems.append(_problem(("media", index, "path"), "media_twice", lines,
                                         value=_short(where)))
            seen.add(where)
    return problems


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def _zone(data: dict, lines: Mapping[FieldPath, int]) -> tuple[ZoneInfo | None, list[Problem]]:
    window = data.get("window")
    name = window.get("timezone") if isinstance(window, dict) else None
    pattern = schema()["properties"]["window"]["properties"]["timezone"]["pattern"]
    if not isinstance(name, str) or not re.match(pattern, name):
        return None, []  # missing or malformed: the schema says so
    if name not in _zone_names():
        return None, [_problem(("window", "timezone"), "unknown_tz", lines, value=_short(name))]
    return ZoneInfo(name), []


def _offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _local_time(text: str, zone: ZoneInfo, key: str,
                lines: Mapping[FieldPath, int]) -> tuple[datetime | None, list[Problem]]:
    """Parse window.<key> and place it in ``zone``; naive times are local to the zone."""
    path: FieldPath = ("window", key)
    value = _short(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        return None, [_problem(path, "bad_time", lines, value=value, reason=str(exc))]
    if moment.tzinfo is not None:
        expected = moment.astimezone(zone).utcoffset()
        if moment.utcoffset() != expected:
            return None, [_problem(path, "tz_offset", lines, offset=_offset(moment.utcoffset()),
                                   tz=zone.key, expected=_offset(expected))]
        return moment.astimezone(zone), []
    local = moment.replace(tzinfo=zone)
    back = local.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
    if back != moment:
        return None, [_problem(path, "tz_gap", lines, value=value, tz=zone.key)]
    if local.utcoffset() != moment.replace(tzinfo=zone, fold=1).utcoffset():
        return None, [_problem(path, "tz_fold", lines, value=value, tz=zone.key)]
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


def _window(data: dict, lines: Mapping[FieldPath, int]) -> tuple[Window | None, list[Problem]]:
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
        return None, [*problems, _problem(("window", "end"), "window_order", lines)]
    result = Window(ends["start"], ends["end"], zone.key)
    if ends["end"] - ends["start"] > MAX_WINDOW:
        problems.append(_problem(("window", "end"), "window_long", lines,
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
        return [_problem(path, "duration_minutes", lines, value=_short(text))]
    if minutes == 0:
        return [_problem(path, "duration_zero", lines)]
    if window is not None and minutes > window.minutes:
        return [_problem(path, "duration_window", lines, value=_short(text),
                         window=_hm(window.minutes))]
    return []


def _downtime_problems(data: dict, window: Window | None,
                       lines: Mapping[FieldPath, int]) -> list[Problem]:
    downtime = data.get("application_downtime")
    minutes = downtime.get("minutes") if isinstance(downtime, dict) else None
    if window is None or isinstance(minutes, bool) or not isinstance(minutes, int):
        return []
    if minutes > window.minutes:
        return [_problem(("application_downtime", "minutes"), "downtime_window", lines,
                         minutes=minutes, window=_hm(window.minutes))]
    return []


def _meaning_problems(data: dict, file: Path, lines: Mapping[FieldPath, int]) -> list[Problem]:
    window, problems = _window(data, lines)
    return [
        *_id_problems(data, file, lines),
        *_people_problems(data, lines),
        *_variable_problems(data, lines),
        *problems,
        *_duration_problems(data, window, lines),
        *_downtime_problems(data, window, lines),
        *_media_problems(data, lines),
    ]


# ----------------------------------------------------------------------------- reading


def _read(file: Path) -> tuple[str | None, list[Problem]]:
    try:
        raw = file.read_bytes()
    except OSError as exc:
        return None, [Problem("", MESSAGES["unreadable"], {"reason": exc.strerror or str(exc)})]
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem("", MESSAGES["too_big"], {"limit": MAX_FILE_BYTES})]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        return None, [Problem("", MESSAGES["unreadable"], {"reason": f"not UTF-8 ({exc.reason})"})]


def _check(file: Path) -> tuple[Any, list[Problem]]:
    """Parse and check ``file``: the data and every problem, in file order."""
    text, problems = _read(file)
    if text is None:
        return None, problems
    data, lines, problems = _parse_yaml(text)
    if problems:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem("", MESSAGES["top"], {"actual": _type_name(data)})]
    problems = _plain_data_problems(data, lines)
    if problems:
        return None, _ordered(problems)
    placeholders = _placeholder_problems(data, lines)
    hidden = {p.field for p in placeholders}  # a placeholder explains any error at its field
    problems = [p for p in _structure_problems(data, lines) if p.field not in hidden]
    problems += [p for p in _meaning_problems(data, file, lines) if p.field not in hidden]
    return data, _ordered(placeholders + problems)


def _ordered(problems: list[Problem]) -> list[Problem]:
    """File order, each problem once; problems with no line (a missing top-level field, the
    file as a whole) come first."""
    unique = {(p.field, p.message, p.line, repr(sorted(p.params.items()))): p for p in problems}
    return sorted(unique.values(), key=lambda p: (p.line or 0, p.field))


def validate_request(path: str | Path) -> list[Problem]:
    """Every problem of the request file, in file order; [] when it is valid."""
    return _check(Path(path))[1]


# ----------------------------------------------------------------------------- the request


@dataclass(frozen=True)
class Targets:
    inventory: str
    limit: str


@dataclass(frozen=True)
class Downtime:
    minutes: int
    description: str


@dataclass(frozen=True)
class Emergency:
    is_emergency: bool
    reason: str


@dataclass(frozen=True)
class MediaItem:
    path: str
    sha256: str
    description: str


@dataclass(frozen=True)
class ChangeRequest:
    """A valid change request. ``raw`` is the parsed document: the digest is made over it."""

    path: Path
    id: str
    title: str
    purpose: str
    site: str
    requester: str
    operator: str
    recorder: str
    attendees: tuple[str, ...]
    targets: Targets
    playbook: str
    variables: dict[str, Any]
    kind: str
    steps: tuple[str, ...]
    hardware_changes: tuple[str, ...]
    software_changes: tuple[str, ...]
    window: Window
    expected_minutes: int
    application_downtime: Downtime
    rollback_plan: str
    emergency: Emergency
    media: tuple[MediaItem, ...]
    raw: dict[str, Any]

    @property
    def needs_backup(self) -> bool:
        """Patches and upgrades need a recent verified backup first (checked by a gate)."""
        return self.kind in BACKUP_REQUIRED_KINDS

    @property
    def people(self) -> tuple[str, ...]:
        """Everyone named, each once: requester, operator, recorder, then attendees."""
        named = (self.requester, self.operator, self.recorder, *self.attendees)
        return tuple(dict.fromkeys(named))

    @property
    def digest(self) -> str:
        return canonical_digest(self)


def _build(file: Path, data: dict[str, Any], window: Window) -> ChangeRequest:
    downtime = data["application_downtime"]
    emergency = data["emergency"]
    return ChangeRequest(
        path=file, id=data["id"], title=data["title"], purpose=data["purpose"],
        site=data["site"], requester=data["requester"], operator=data["operator"],
        recorder=data["recorder"], attendees=tuple(data.get("attendees", ())),
        targets=Targets(data["targets"]["inventory"], data["targets"]["limit"]),
        playbook=data["playbook"], variables=data["variables"], kind=data["kind"],
        steps=tuple(data["steps"]), hardware_changes=tuple(data["hardware_changes"]),
        software_changes=tuple(data["software_changes"]), window=window,
        expected_minutes=parse_duration(data["expected_duration"]) or 0,
        application_downtime=Downtime(downtime["minutes"], downtime.get("description", "")),
        rollback_plan=data["rollback_plan"],
        emergency=Emergency(emergency["is_emergency"], emergency.get("reason", "")),
        media=tuple(MediaItem(m["path"], m["sha256"], m["description"]) for m in data["media"]),
        raw=data,
    )


def load_request(path: str | Path) -> ChangeRequest:
    """Read and check a request file; ConfigError naming file, line and field on the first
    problem (``weibao change validate`` lists them all)."""
    file = Path(path)
    data, problems = _check(file)
    if problems:
        raise problems[0].to_error(file)
    window, _ = _window(data, {})
    assert window is not None  # checked above
    return _build(file, data, window)


def canonical_digest(request: ChangeRequest | Mapping[str, Any]) -> str:
    """sha256 hex of the canonical JSON of the request's parsed content (what is signed).

    Covers every field of the document as YAML parsed it, and nothing else: comments, key
    order, quoting style, indentation and the file name do not count; any change of a value
    (a character of text, a list item, its order, a number's type) does.
    """
    data = request.raw if isinstance(request, ChangeRequest) else request
    return hashlib.sha256(canonical_bytes(data)).hexdigest()


# ----------------------------------------------------------------------------- new requests


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
    if timezone is not None and timezone not in _zone_names():
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
