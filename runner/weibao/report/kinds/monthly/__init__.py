"""The monthly inspection report (巡视检查报告): ``weibao report monthly --site S --period P``.

The contract names its content: 系统状态检测和评估、系统备份记录和系统管理建议. The data
comes from the store's inspection runs of the month (:func:`.context.monthly_context`); the
view orders and checks it and adds the hardware, network, AIX and environment sections
(:func:`.view.build_view`). Templates: ``report_templates/monthly/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from weibao.report.base import file_name_part
from weibao.report.kind import ReportKind, ReportRequest
from weibao.report.kinds.monthly.view import build_view


def build_context(store: Any, request: ReportRequest) -> dict[str, Any]:
    from weibao.report.kinds.monthly.context import monthly_context

    return monthly_context(store, request.site, request.period, request.now,
                           request.inventory, request.people)


def file_stem(context: Mapping[str, Any]) -> str:
    """``monthly-<site>-<YYYY-MM>``."""
    site = file_name_part("site name", context["site"]["name"])
    return f"monthly-{site}-{file_name_part('period', context['period'])}"


KIND = ReportKind(
    name="monthly",
    title={"en": "Monthly Inspection Report", "zh-CN": "巡视检查报告"},
    subject="period",
    period="month",
    build_context=build_context,
    build_view=build_view,
    file_stem=file_stem,
)
