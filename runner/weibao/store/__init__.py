"""The store: runs, hosts and findings in a SQL database (SQLite by default, PostgreSQL works)."""

from weibao.store.db import Store
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

__all__ = ["Backup", "Change", "ConfigChange", "Counter", "Coverage", "Finding", "Run",
           "RunHost", "Signoff", "Store", "TaskResult"]
