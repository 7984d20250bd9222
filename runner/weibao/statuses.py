"""Statuses, their order and their words: the one place the runner, the CLI and the reports
take them from.

Finding statuses come from the findings schema (plugins/module_utils/.../findings.py:
``STATUSES`` and ``SEVERITY``): worst first they are critical, warning, unknown, ok. A
warning is a known problem to act on; an unknown asks for a re-check; both rank below
critical and above ok.
"""

from __future__ import annotations

from weibao.content import enable_module_utils
from weibao.errors import N_

enable_module_utils()
from ansible.module_utils.weibao_inspection.findings import SEVERITY  # noqa: E402
from ansible.module_utils.weibao_inspection.findings import worst as _worst  # noqa: E402

# finding statuses, worst first, and their rank (0 = worst)
FINDING_STATUSES = tuple(sorted(SEVERITY, key=lambda s: -SEVERITY[s]))
ORDER = {status: rank for rank, status in enumerate(FINDING_STATUSES)}
# a host in a run: pending -> inspected | unreachable | failed | interrupted
HOST_STATES = ("inspected", "unreachable", "failed", "interrupted", "pending")
# a run: running -> successful | partial | failed | interrupted
RUN_STATUSES = ("successful", "partial", "failed", "interrupted", "running", "canceled",
                "timeout")
# what a run did
RUN_KINDS = ("inspection", "change", "change-check", "judge")

# The words, marked for the command-line catalog (weibao.po); reports have their own
# (report_templates, common.j2) because they are written in the report's language.
WORDS = {
    "ok": N_("ok"), "warning": N_("warning"), "critical": N_("critical"),
    "unknown": N_("unknown"),
    "inspected": N_("inspected"), "unreachable": N_("unreachable"), "failed": N_("failed"),
    "interrupted": N_("interrupted"), "pending": N_("pending"),
    "successful": N_("successful"), "partial": N_("partial"), "running": N_("running"),
    "canceled": N_("canceled"), "timeout": N_("timed out"),
    "inspection": N_("inspection"), "change": N_("change"), "change-check": N_("change check"),
    "judge": N_("judged output"),
    "evaluated": N_("evaluated"), "not_evaluated": N_("not evaluated"),
    "not_applicable": N_("not applicable"),
    # why a check was not evaluated (findings.CAUSES)
    "no_permission": N_("no permission"), "tool_missing": N_("tool not installed"),
    "source_unreadable": N_("source unreadable"), "not_understood": N_("output not understood"),
    "stale": N_("source too old"), "incomplete": N_("source incomplete"),
    "collector_failed": N_("collector failed"), "no_result": N_("no result"),
}


def worst(statuses) -> str:
    """The worst finding status of an iterable (``ok`` when empty)."""
    return _worst(statuses)


def sort_key(status: str) -> int:
    return ORDER.get(status, len(ORDER))
