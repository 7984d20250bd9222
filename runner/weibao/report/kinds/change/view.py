"""The view of the change record (现场服务报告): ordered, checked data for the templates of
``report_templates/change/``.

The context shape is documented at the top of ``report_templates/change/report.html.j2`` and
shown in full by ``tests/unit/fixtures/report/change_context.json``. :func:`build_change_view`
checks every value the templates turn into a label (a state, a status, an act...) against
the lists below, so an unexpected value stops the report with a one-line error instead of
being printed as if it were known; it orders every list the same way whatever the input
order, and works out what the record says about time (notice given, run durations) and
about approval (awaiting retrospective approval for an emergency).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from weibao.errors import N_
from weibao.report.base import ReportError, parse_time

# change.state: where the change stands when the record is made.
CHANGE_STATES = ("draft", "submitted", "approved", "running", "succeeded", "failed",
                 "interrupted", "closed")
CHANGE_KINDS = ("os_patch", "os_upgrade", "firmware_upgrade", "configuration",
                "hardware_replacement", "other")
ORGANISATIONS = ("provider", "client")
# signoffs[].act and the role each act is made in.
ACT_ROLES = {
    "submit": ("requester",),
    "approve": ("approver",),
    "attest": ("operator", "recorder"),
    "close": ("recorder",),
}
ACT_ORDER = tuple(ACT_ROLES)
RUN_MODES = ("check", "run")
RUN_STATUSES = ("successful", "failed", "interrupted", "running")
TASK_STATUSES = ("ok", "changed", "failed", "unreachable", "skipped")
# Host status in one run, worked out from its task results (see _host_status).
HOST_STATUSES = ("ok", "changed", "failed", "unreachable", "interrupted", "stopped",
                 "no_result")
OUTCOMES = ("success", "partial", "failed", "rolled_back")
SCAN_RESULTS = ("clean", "infected", "error")
DEFAULT_LEAD_HOURS = 24

_CHOICE = N_("%(where)s: %(value)s is not one of %(choices)s")


def _report_error(where: str, value: Any, choices: Iterable[str]):
    return ReportError(_CHOICE, where=where, value=repr(value), choices=", ".join(choices))


def _check(change_id: str, field: str, value: Any, choices: Iterable[str]) -> Any:
    choices = tuple(choices)
    if value not in choices:
        raise _report_error(f"{change_id}: {field}", value, choices)
    return value


def _minutes(start: Any, end: Any) -> int | None:
    """Whole minutes from ``start`` to ``end`` (ISO-8601 times), None when either is empty."""
    if not start or not end:
        return None
    return int((parse_time(end) - parse_time(start)).total_seconds() // 60)


def _time_key(value: Any) -> tuple[int, float]:
    """Sort key for an optional ISO-8601 time: missing times last."""
    return (1, 0.0) if not value else (0, parse_time(value).timestamp())


def _people(context: Mapping[str, Any], cid: str) -> dict[str, dict[str, Any]]:
    people: dict[str, dict[str, Any]] = {}
    for index, person in enumerate(context.get("people") or []):
        org = person.get("organisation")
        if org is not None:
            _check(cid, f"people[{index}].organisation", org, ORGANISATIONS)
        people[person["id"]] = dict(person)
    return people


def _person(people: Mapping[str, dict[str, Any]], person_id: str | None) -> dict[str, Any] | None:
    """The person of the people file; one no longer listed is shown by id alone."""
    if not person_id:
        return None
    return people.get(person_id) or {"id": person_id, "name": person_id, "organisation": None,
                                     "roles": []}


def _signoffs(context: Mapping[str, Any], cid: str,
              people: Mapping[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for index, signoff in enumerate(context.get("signoffs") or []):
        act = _check(cid, f"signoffs[{index}].act", signoff["act"], ACT_ORDER)
        _check(cid, f"signoffs[{index}].role", signoff["role"], ACT_ROLES[act])
        out.append({**signoff, "person": _person(people, signoff["person"])})
    out.sort(key=lambda s: (_time_key(s["signed_at"]), ACT_ORDER.index(s["act"]),
                            s["role"], s["person"]["id"], str(s.get("fingerprint") or "")))
    return out


def _last(signoffs: list[dict[str, Any]], act: str, *, valid_only: bool = True,
          role: str | None = None) -> dict[str, Any] | None:
    found = [s for s in signoffs if s["act"] == act and (role is None or s["role"] == role)
             and (s.get("valid") is not False or not valid_only)]
    return found[-1] if found else None


def _attendance(change: Mapping[str, Any], signoffs: list[dict[str, Any]],
                people: Mapping[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Everyone the request names, once each, with their roles in it and when they attested
    their presence (the contract's arrival time, 到达时间)."""
    roles: dict[str, list[str]] = {}
    for role in ("requester", "operator", "recorder"):
        roles.setdefault(change[role], []).append(role)
    for person_id in change.get("attendees") or []:
        roles.setdefault(person_id, []).append("attendee")
    rows = []
    for person_id, held in roles.items():
        attests = [s for s in signoffs if s["act"] == "attest"
                   and s["person"]["id"] == person_id and s.get("valid") is not False]
        rows.append({"person": _person(people, person_id), "roles": held,
                     "attested_at": attests[0]["signed_at"] if attests else None})
    return rows


def _counts_as_failed(task: Mapping[str, Any]) -> bool:
    """A failed task counts, unless the playbook ignores its failure (ignore_errors)."""
    return task["status"] == "unreachable" or (task["status"] == "failed"
                                               and not task.get("ignored"))


def _host_status(run_status: str, tasks: list[dict[str, Any]]) -> str:
    """failed > unreachable > interrupted (the run stopped before the host finished) >
    stopped (the run failed elsewhere, so this host did not finish either) > changed > ok;
    a host without any task result: no_result (interrupted while the run was interrupted).
    Ignored failures do not count."""
    statuses = {t["status"] for t in tasks if _counts_as_failed(t) or t["status"] != "failed"}
    if "failed" in statuses:
        return "failed"
    if "unreachable" in statuses:
        return "unreachable"
    if run_status in ("interrupted", "running"):
        return "interrupted"
    if not tasks:
        return "no_result"
    if run_status == "failed":
        return "stopped"
    return "changed" if "changed" in statuses else "ok"


def _run(run: Mapping[str, Any], index: int, cid: str) -> dict[str, Any]:
    where = f"runs[{index}]"
    _check(cid, f"{where}.mode", run["mode"], RUN_MODES)
    _check(cid, f"{where}.status", run["status"], RUN_STATUSES)
    tasks = []
    for number, task in enumerate(run.get("tasks") or []):
        _check(cid, f"{where}.tasks[{number}].status", task["status"], TASK_STATUSES)
        tasks.append(task)
    tasks.sort(key=lambda t: (t["seq"], str(t["host"])))
    targets = {h if isinstance(h, str) else str(h["name"]) for h in run.get("hosts") or []}
    names = sorted(targets | {str(t["host"]) for t in tasks})
    hosts = []
    for name in names:
        own = [t for t in tasks if str(t["host"]) == name]
        hosts.append({"name": name, "status": _host_status(run["status"], own), "tasks": own})
    failed = next((t for t in tasks if _counts_as_failed(t)), None)
    return {**run, "tasks": tasks, "hosts": hosts, "failed_task": failed,
            "minutes": _minutes(run.get("started_at"), run.get("ended_at"))}


def _media(change: Mapping[str, Any], cid: str) -> list[dict[str, Any]]:
    out = []
    for index, item in enumerate(change.get("media") or []):
        scan = item.get("scan")
        if scan is not None:
            _check(cid, f"change.media[{index}].scan.result", scan["result"], SCAN_RESULTS)
        out.append(item)
    return out


def build_change_view(context: Mapping[str, Any]) -> dict[str, Any]:
    """Checked, ordered data for the change record templates.

    ``people``      {id: person} of ``context["people"]``
    ``requester`` / ``operator`` / ``recorder``  those people of the request
    ``signoffs``    every sign-off by time, each with its ``person`` resolved
    ``submission`` / ``approval`` / ``closing_signoff``  the last valid sign-off of that act
                    (``approval`` None: not approved); ``closed_by`` the person who closed
    ``attendance``  requester, operator, recorder, attendees: one row per person with
                    ``roles`` and ``attested_at``
    ``notice_minutes`` / ``lead_minutes`` / ``short_notice``  window start minus submission,
                    the site's lead time, and whether the notice was shorter (not emergency)
    ``awaiting_retrospective_approval``  ``change.awaiting_retrospective_approval`` when
                    given (the store's flag), else: an emergency change without a valid approval
    ``approved_retrospectively``  an emergency change approved after its first run started
    ``runs``        runs by start time, each with ``hosts`` (status and tasks per host),
                    ``failed_task`` (first failed or unreachable task whose failure the
                    playbook does not ignore) and ``minutes``
    ``rehearsals`` / ``executions``  the check-mode runs and the real runs
    ``last_execution``  the last real run, or None
    ``media``       the request's media with their checks; ``audit`` entries by ``seq``
    ``altered_runs``  runs whose record in the store no longer has the digest the audit log
                    recorded when they ended (``record_intact`` false)
    ``run_record_altered_after_closing``  the run record's digest now is not the one the
                    closing signed (``closing.run_record_intact`` false)
    ``closing_invalid``  there is a closing, but its sign-off does not verify
                    (``closing.valid`` false): its outcome and evaluation are not vouched for
    """
    change = context["change"]
    cid = str(change["id"])
    _check(cid, "change.state", change["state"], CHANGE_STATES)
    _check(cid, "change.kind", change["kind"], CHANGE_KINDS)
    closing = context.get("closing")
    if closing:
        _check(cid, "closing.outcome", closing["outcome"], OUTCOMES)
    people = _people(context, cid)
    signoffs = _signoffs(context, cid, people)
    submission = _last(signoffs, "submit")
    approval = _last(signoffs, "approve")
    runs = sorted((_run(run, i, cid) for i, run in enumerate(context.get("runs") or [])),
                  key=lambda r: (_time_key(r.get("started_at")), str(r.get("id"))))
    executions = [r for r in runs if r["mode"] == "run"]
    emergency = bool(change["emergency"]["is_emergency"])
    lead_hours = (context.get("site") or {}).get("change_lead_time_hours")
    lead_minutes = int((DEFAULT_LEAD_HOURS if lead_hours is None else lead_hours) * 60)
    notice = _minutes(submission["signed_at"], change["window"]["start"]) if submission else None
    first_start = executions[0].get("started_at") if executions else None
    return {
        "people": people,
        "requester": _person(people, change["requester"]),
        "operator": _person(people, change["operator"]),
        "recorder": _person(people, change["recorder"]),
        "signoffs": signoffs,
        "submission": submission,
        "approval": approval,
        "closing_signoff": _last(signoffs, "close"),
        "closed_by": _person(people, closing.get("closed_by")) if closing else None,
        "attendance": _attendance(change, signoffs, people),
        "notice_minutes": notice,
        "lead_minutes": lead_minutes,
        "short_notice": notice is not None and notice < lead_minutes and not emergency,
        "awaiting_retrospective_approval": bool(change.get(
            "awaiting_retrospective_approval", emergency and approval is None)),
        "approved_retrospectively": bool(
            emergency and approval and first_start
            and _time_key(approval["signed_at"]) > _time_key(first_start)),
        "runs": runs,
        "rehearsals": [r for r in runs if r["mode"] == "check"],
        "executions": executions,
        "last_execution": executions[-1] if executions else None,
        "media": _media(change, cid),
        "audit": sorted(context.get("audit") or [], key=lambda e: e["seq"]),
        "altered_runs": [r for r in runs if r.get("record_intact") is False],
        "run_record_altered_after_closing": bool(
            closing and closing.get("run_record_intact") is False),
        "closing_invalid": bool(closing and closing.get("valid") is False),
    }
