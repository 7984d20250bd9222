"""Pass 1 of reading a request: its bytes and its YAML, plain data only.

One document, a mapping at the top, no duplicate keys, plain data only (text keys, no binary,
sets or timestamps: date-times stay text, so nothing is reinterpreted), at most
:data:`MAX_FILE_BYTES` bytes and :data:`MAX_VALUES` values; every field path mapped to the
line of its key, for the messages.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from weibao.change.request.problems import (
    MESSAGES,
    TYPE_NAMES,
    FieldPath,
    Problem,
    problem_at,
    short,
)

MAX_FILE_BYTES = 1024 * 1024
MAX_VALUES = 100_000  # bounds YAML alias expansion ("billion laughs")


def read_file(file: Path) -> tuple[str | None, list[Problem]]:
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
    here, and plain_data_problems refuses it.
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
        return Problem("", MESSAGES["duplicate_key"], {"key": short(exc.key)},
                       exc.problem_mark.line + 1)
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return Problem("", MESSAGES["yaml"], {"problem": problem},
                   mark.line + 1 if mark else None)


def parse_yaml(text: str) -> tuple[Any, dict[FieldPath, int], list[Problem]]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        return None, {}, [_yaml_problem(exc)]
    finally:
        loader.dispose()
    return data, _node_lines(node) if node is not None else {}, []


def type_name(value: object) -> str:
    """The words the messages use for a YAML value's type ("a list", "text"...)."""
    kinds = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"),
             (list, "array"), (dict, "object"), (type(None), "null"))
    for python_type, json_type in kinds:
        if isinstance(value, python_type):
            return TYPE_NAMES[json_type]
    return type(value).__name__


def plain_data_problems(data: Any, lines: Mapping[FieldPath, int]) -> list[Problem]:
    """Values canonical JSON can hold: text keys, no binary/sets/dates, finite numbers."""
    problems: list[Problem] = []
    stack: list[tuple[FieldPath, Any]] = [((), data)]
    count = 0
    while stack:
        path, value = stack.pop()
        count += 1
        if count > MAX_VALUES:
            return [problem_at((), "too_many", limit=MAX_VALUES)]
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str):
                    stack.append(((*path, key), item))
                else:
                    problems.append(problem_at(path, "key_type", lines, key=short(key)))
        elif isinstance(value, list):
            stack.extend(((*path, i), item) for i, item in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            problems.append(problem_at(path, "not_finite", lines, value=value))
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                problems.append(problem_at(path, "surrogate", lines))
        elif value is not None and not isinstance(value, int | float):
            problems.append(problem_at(path, "value_type", lines, actual=type(value).__name__))
    return problems
