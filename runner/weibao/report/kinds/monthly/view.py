"""The view of the monthly inspection report: ordered, checked lists for
``report_templates/monthly/`` (:func:`build_view`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from weibao.errors import N_
from weibao.report.base import ReportError, parse_time
from weibao.report.kinds.monthly.aix import aix_view
from weibao.report.kinds.monthly.aix import asset_entry as aix_asset_entry
from weibao.report.kinds.monthly.environment import environment_view
from weibao.report.kinds.monthly.hardware import hardware_view
from weibao.report.kinds.monthly.network import asset_entry, network_view
from weibao.statuses import FINDING_STATUSES, HOST_STATES, ORDER

# Finding statuses worst first and host states: weibao.statuses, the one place they live.
# Everything but "inspected" is shown as not (fully) inspected.
STATUS_ORDER = FINDING_STATUSES
_RANK = ORDER


def _finding_key(finding: Mapping[str, Any]):
    status = finding["status"]
    if status not in _RANK:
        raise ReportError(
            N_("finding %(check)s on %(host)s: status %(status)r is not one of %(expected)s"),
            check=finding.get("check_id"),
            host=finding.get("host"),
            status=status,
            expected=", ".join(STATUS_ORDER),
        )
    return (
        _RANK[status],
        str(finding.get("host", "")),
        str(finding["check_id"]),
        str(finding.get("component", "")),
    )


def build_view(context: Mapping[str, Any]) -> dict[str, Any]:
    """Ordered lists for the templates, computed once and independent of input order.

    ``hosts``            hosts by name, each with its ``findings`` worst first (and
                         ``worst_status`` / ``counts`` computed from them when not given)
    ``findings``         all findings worst first, then host, check id, component (appendix)
    ``recommendations``  the same order
    ``not_inspected``    hosts whose status is not ``inspected`` (unreachable, failed), by name
    ``statuses``         status names worst first (:data:`STATUS_ORDER`)
    ``first_started`` / ``last_ended``  earliest start and latest end over ``runs`` (or None)
    ``environment``      per BMC: sensor summary, new hardware events, absent sensors, what
                         is not OK (:func:`.environment.environment_view`)
    ``hardware``         per host: disks, RAID, volumes, tape, links, arrays by area and
                         component, with what changed since the previous inspection
                         (:func:`.hardware.hardware_view`)
    ``network``          per network device: model, serial, software, its findings by part,
                         what changed since the previous inspection and its configuration
                         archive record (:func:`.network.network_view`)
    ``aix``              {hosts: per AIX host its error log, patch level, volume groups,
                         devices, mksysb and performance; hmcs: per HMC its managed systems
                         and open serviceable events} (:func:`.aix.aix_view`)

    Each host's ``asset`` is its asset register row: a network device's model, serial and
    software filled from what it reported where the inventory gives none, mismatches flagged
    (:func:`.network.asset_entry`); an AIX host's model, serial, firmware and
    AIX level likewise (:func:`.aix.asset_entry`).
    """

    def ordered(findings: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        return sorted(findings, key=_finding_key)

    hosts = []
    for host in sorted(context["hosts"], key=lambda h: str(h["name"])):
        if host["status"] not in HOST_STATES:
            raise ReportError(
                N_("host %(host)s: status %(status)r is not one of %(expected)s"),
                host=host["name"],
                status=host["status"],
                expected=", ".join(HOST_STATES),
            )
        findings = ordered(host.get("findings") or [])
        computed_counts = dict.fromkeys(STATUS_ORDER, 0)
        for finding in findings:
            computed_counts[finding["status"]] += 1
        computed_worst = findings[0]["status"] if findings else None
        hosts.append(
            {
                **host,
                "asset": aix_asset_entry(host, asset_entry(host)),
                "findings": findings,
                "worst_status": host.get("worst_status") or computed_worst,
                "counts": host.get("counts") or computed_counts,
            }
        )

    runs = context["runs"]
    starts = [r["started_at"] for r in runs if r.get("started_at")]
    ends = [r["ended_at"] for r in runs if r.get("ended_at")]
    return {
        "hosts": hosts,
        "findings": ordered(context["findings"]),
        "recommendations": ordered(context["recommendations"]),
        "not_inspected": [h for h in hosts if h["status"] != "inspected"],
        "statuses": list(STATUS_ORDER),
        "first_started": min(starts, key=parse_time) if starts else None,
        "last_ended": max(ends, key=parse_time) if ends else None,
        "environment": environment_view(hosts),
        "hardware": hardware_view(hosts),
        "network": network_view(hosts),
        "aix": aix_view(hosts),
    }
