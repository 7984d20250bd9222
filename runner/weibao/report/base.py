"""What every report module builds on: the report error, reading a time from a context and
checking a file name part.

Lower than both :mod:`weibao.report.render` (which renders every kind of report) and the
kinds (:mod:`weibao.report.kinds`): they import it, it imports neither.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from weibao.errors import N_, WeibaoError

# What may appear in an output file name (the site name and period come from the inventory).
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class ReportError(WeibaoError):
    """A report could not be rendered (bad arguments, bad context, template error).

    Nothing is written when it is raised. ``message`` is an untranslated msgid (domain
    ``weibao``), like every WeibaoError.
    """


def parse_time(value: Any) -> datetime:
    """An ISO-8601 time as an aware datetime (a time without an offset is taken as UTC)."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"not an ISO-8601 time: {value!r}") from exc
    else:
        raise ValueError(f"not an ISO-8601 time: {value!r}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def file_name_part(what: str, value: Any) -> str:
    """``value`` when it can be part of an output file name (letters, digits, ``.``, ``_``,
    ``-``, not starting with a dot); a :class:`ReportError` naming ``what`` otherwise."""
    if not isinstance(value, str) or not _NAME_RE.match(value):
        raise ReportError(
            N_(
                "%(what)s %(value)r cannot be used in a file name (letters, digits, '.', '_' "
                "and '-', not starting with a dot)"
            ),
            what=what,
            value=value,
        )
    return value
