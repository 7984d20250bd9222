"""What can be wrong with a request: one :class:`Problem` per thing, with the field path, the
line and its message: a key of :data:`MESSAGES` (msgids, each one whole line starting with
"%(where)s: ") and its parameters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from weibao.errors import N_, ConfigError

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

TYPE_NAMES = {
    "string": N_("text"), "integer": N_("a whole number"), "number": N_("a number"),
    "boolean": N_("true or false"), "array": N_("a list"), "object": N_("a mapping"),
    "null": N_("nothing"),
}
_TRANSLATED_PARAMS = frozenset(TYPE_NAMES.values())  # param values that are msgids too
LINE = N_("line %(line)d")  # where a problem is: "changes/CR-2026-0001.yml: line 61: window.end"
DOCUMENT = N_("(document)")


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


def problem_at(path: FieldPath, msg: str, lines: Mapping[FieldPath, int] | None = None,
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


def short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
