"""Pass 2 of reading a request: its structure, by ``schemas/change_request.schema.json``
(JSON Schema draft 2020-12); the schema names the message of a keyword where the generic one
would say less (``x-messages``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema

from weibao.change.request.problems import TYPE_NAMES, FieldPath, Problem, problem_at, short
from weibao.change.request.reading import type_name

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "change_request.schema.json"


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
                yield problem_at((*path, name), _custom(error, name) or "required", lines)
    elif kind == "additionalProperties":
        allowed = error.schema.get("properties", {})
        for name in error.instance:
            if name not in allowed:
                yield problem_at((*path, name), "unknown", lines)
    elif kind == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        yield problem_at(path, _custom(error) or "type", lines,
                       expected=" or ".join(TYPE_NAMES.get(n, n) for n in names),
                       actual=type_name(error.instance))
    elif kind == "enum":
        yield problem_at(path, "enum", lines, value=short(error.instance),
                       choices=", ".join(str(c) for c in error.validator_value))
    elif kind == "minimum":
        yield problem_at(path, "minimum", lines, limit=error.validator_value)
    elif isinstance(_custom(error), str):
        # pattern, minItems...; for propertyNames the instance is the key, at the mapping's path
        yield problem_at(path, str(_custom(error)), lines, value=short(error.instance))
    else:
        yield problem_at(path, "schema", lines, detail=short(error.message, 120)[1:-1])


def structure_problems(data: Any, lines: Mapping[FieldPath, int]) -> list[Problem]:
    problems: list[Problem] = []
    for error in _validator().iter_errors(data):
        problems.extend(_schema_problems(error, lines))
    return problems
