"""The on-site service record of a change (现场服务报告): ``weibao report change CR-ID``.

The data is the change request, its sign-offs verified against the people file and the
audit log, and its runs (:func:`weibao.change.record.change_context`); the view checks and
orders it (:func:`.view.build_change_view`). Templates: ``report_templates/change/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from weibao.report.base import file_name_part
from weibao.report.kind import ReportKind, ReportRequest
from weibao.report.kinds.change.view import build_change_view


def build_context(store: Any, request: ReportRequest) -> dict[str, Any]:
    from weibao.change.record import change_context

    return change_context(store, request.settings, request.subject_id or "",
                          people_path=request.people)


def file_stem(context: Mapping[str, Any]) -> str:
    """``change-<CR-ID>`` (the context's own ``file_stem``)."""
    return file_name_part("file stem", context["file_stem"])


KIND = ReportKind(
    name="change",
    title={"en": "On-site Service Record", "zh-CN": "现场服务报告"},
    subject="id",
    period=None,
    build_context=build_context,
    build_view=build_change_view,
    file_stem=file_stem,
)
