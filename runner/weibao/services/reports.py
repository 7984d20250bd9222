"""What the report kinds read from the store in common. Each kind's own context builder lives
in its folder (weibao.report.kinds.<kind>), which imports this module, never the other way."""

from __future__ import annotations

from sqlalchemy import select

from weibao.store import Run, Store


def iso(value) -> str:
    """A stored (UTC) time as ``YYYY-MM-DDTHH:MM:SSZ``; empty for None."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def known_sites(store: Store) -> list[str]:
    """Every site with a run in the store, sorted."""
    with store.session() as s:
        return sorted(s.scalars(select(Run.site).distinct()))
