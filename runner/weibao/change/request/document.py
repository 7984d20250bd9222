"""The request as weibao uses it (:class:`ChangeRequest`): read in three passes
(:mod:`~weibao.change.request.reading`, :mod:`~weibao.change.request.structure`,
:mod:`~weibao.change.request.meaning`), every problem in file order; and its canonical digest,
what every sign-off signs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from weibao.canonical import canonical_bytes
from weibao.change.request.meaning import (
    Window,
    meaning_problems,
    parse_duration,
    parse_window,
    placeholder_problems,
)
from weibao.change.request.problems import MESSAGES, Problem
from weibao.change.request.reading import (
    parse_yaml,
    plain_data_problems,
    read_file,
    type_name,
)
from weibao.change.request.structure import structure_problems

KINDS = ("os_patch", "os_upgrade", "firmware_upgrade", "configuration",
         "hardware_replacement", "other")
# 在升级和修补之前, 必须备份必要的系统数据: the later backup gate applies to these kinds.
BACKUP_REQUIRED_KINDS = frozenset({"os_patch", "os_upgrade", "firmware_upgrade"})


def _check(file: Path) -> tuple[Any, list[Problem]]:
    """Parse and check ``file``: the data and every problem, in file order."""
    text, problems = read_file(file)
    if text is None:
        return None, problems
    data, lines, problems = parse_yaml(text)
    if problems:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem("", MESSAGES["top"], {"actual": type_name(data)})]
    problems = plain_data_problems(data, lines)
    if problems:
        return None, _ordered(problems)
    placeholders = placeholder_problems(data, lines)
    hidden = {p.field for p in placeholders}  # a placeholder explains any error at its field
    problems = [p for p in structure_problems(data, lines) if p.field not in hidden]
    problems += [p for p in meaning_problems(data, file, lines) if p.field not in hidden]
    return data, _ordered(placeholders + problems)


def _ordered(problems: list[Problem]) -> list[Problem]:
    """File order, each problem once; problems with no line (a missing top-level field, the
    file as a whole) come first."""
    unique = {(p.field, p.message, p.line, repr(sorted(p.params.items()))): p for p in problems}
    return sorted(unique.values(), key=lambda p: (p.line or 0, p.field))


def validate_request(path: str | Path) -> list[Problem]:
    """Every problem of the request file, in file order; [] when it is valid."""
    return _check(Path(path))[1]


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
    window, _ = parse_window(data, {})
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
