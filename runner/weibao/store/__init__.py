"""The store: runs, hosts and findings in a SQL database (SQLite by default, PostgreSQL works)."""

from weibao.store.db import Store
from weibao.store.models import Finding, Run, RunHost

__all__ = ["Finding", "Run", "RunHost", "Store"]
