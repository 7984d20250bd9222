"""The store: runs, hosts and findings in a SQL database (SQLite by default, PostgreSQL works)."""

from weibao.store.db import Store
from weibao.store.lifecycle import FindingIssue, FindingObservation, FindingWaiver
from weibao.store.models import (
    Backup,
    Change,
    ConfigChange,
    Counter,
    Coverage,
    Finding,
    Run,
    RunHost,
    Signoff,
    TaskResult,
)
from weibao.store.performance import PerfCollection, PerfSeries
from weibao.store.service import FaultEvent, FaultTicket, OnsiteVisit, ServiceRecord

__all__ = ["Backup", "Change", "ConfigChange", "Counter", "Coverage", "FaultEvent", "FaultTicket",
           "Finding", "OnsiteVisit", "ServiceRecord", "Run",
           "RunHost", "Signoff", "Store", "TaskResult",
           "FindingIssue", "FindingObservation", "FindingWaiver", "PerfCollection", "PerfSeries"]
