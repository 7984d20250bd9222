"""What a report kind is: :class:`ReportKind` (declared by each package of
:mod:`weibao.report.kinds`) and :class:`ReportRequest` (what the command line asks for).

A kind lives in one folder, ``runner/weibao/report/kinds/<name>/__init__.py``, which sets
``KIND = ReportKind(...)``; its templates are ``report_templates/<name>/report.html.j2`` and
``report.md.j2`` (+ ``report_templates/<name>/partials/``). The engine
(:mod:`weibao.report.render`) knows no kind by name: it calls the kind's functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SUBJECTS = ("period", "id")
PERIODS = ("month", "quarter", "year")

# The period syntax of each period kind (checked again by the kind's context builder).
PERIOD_PATTERNS = {
    "month": re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^\d{4}-Q[1-4]$"),
    "year": re.compile(r"^\d{4}$"),
}
PERIOD_EXAMPLES = {"month": "YYYY-MM", "quarter": "YYYY-QN", "year": "YYYY"}


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ReportRequest:
    """What to report on: a site and a period (``subject="period"`` kinds) or one thing's id
    (``subject="id"`` kinds: a change, a fault, a service record).

    ``inventory``: the inventory folder (people names, time zone, the site's settings), or
    None. ``now``: the clock (injected by tests; the CLI passes the current UTC time).
    ``settings``: weibao's settings (:class:`weibao.config.Settings`: the data folder, where
    the change-control audit log lives), or None. ``people``: a people file given on the
    command line (``--people``), or None (the kind's default).
    """

    site: str | None = None
    period: str | None = None
    subject_id: str | None = None
    inventory: Path | None = None
    now: datetime = field(default_factory=_now)
    settings: Any = None
    people: Path | None = None


@dataclass(frozen=True)
class ReportKind:
    """One kind of report.

    ``name``           the kind's name: its package, its template folder, ``weibao report NAME``
    ``title``          {"en": ..., "zh-CN": ...}: the document title (``weibao report list``,
                       the PDF/Word metadata)
    ``subject``        "period" (needs ``--site`` and ``--period``) or "id" (an id argument)
    ``period``         "month" (YYYY-MM), "quarter" (YYYY-QN), "year" (YYYY) or None
    ``build_context``  (store, ReportRequest) -> dict, JSON-able: the data (the JSON output)
    ``build_view``     (context) -> dict: ordered lists for the templates (``view``)
    ``file_stem``      (context) -> the output file name without language and extension,
                       e.g. ``quarterly-SITE-2026-Q4``
    """

    name: str
    title: Mapping[str, str]
    subject: str
    period: str | None
    build_context: Callable[[Any, ReportRequest], dict]
    build_view: Callable[[Mapping[str, Any]], dict]
    file_stem: Callable[[Mapping[str, Any]], str]

    def __post_init__(self) -> None:
        if not re.match(r"^[a-z][a-z0-9_]*$", self.name):
            raise ValueError(f"report kind name {self.name!r}: expected a lower-case name")
        if self.subject not in SUBJECTS:
            raise ValueError(f"report kind {self.name}: subject {self.subject!r} is not one of "
                             f"{', '.join(SUBJECTS)}")
        if self.period is not None and self.period not in PERIODS:
            raise ValueError(f"report kind {self.name}: period {self.period!r} is not one of "
                             f"{', '.join(PERIODS)} or None")
        if self.subject == "period" and self.period is None:
            raise ValueError(f"report kind {self.name}: a period subject needs a period")

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` (``en`` or ``zh-CN``), English when not given."""
        return self.title.get(lang) or self.title.get("en") or self.name

    def period_ok(self, period: str) -> bool:
        """Whether ``period`` has this kind's syntax (``2026-11``, ``2026-Q4``, ``2026``)."""
        if self.period is None:
            return False
        return bool(PERIOD_PATTERNS[self.period].match(period or ""))
