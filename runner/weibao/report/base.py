"""What every report module builds on: the report error and reading a time from a context.

Lower than both :mod:`weibao.report.render` (which renders every kind of report) and the
modules that check one kind's data (:mod:`weibao.report.change`): they import it, it imports
neither.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from weibao.errors import WeibaoError


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
