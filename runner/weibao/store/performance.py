"""Tables of the monthly performance analysis (migration 0009; weibao.services.performance).

Each inspection leaves, per host whose collector returned a ``performance`` dict
(weibao_inspect_system: sysstat; weibao_inspect_aix: nmon):

- one **perf_collections** row: where the history came from (``source``: sysstat, nmon or
  none), the window read, the notes (why there is no or less history, as catalogue
  messages), the files read and the inspection's own sample (CPU, memory, swap, load, each
  file system's use), which the file system growth is fitted on;
- one **perf_series** row per metric and device: the hourly means the host computed,
  ``points`` a JSON list of ``[ISO hour (UTC), value]``, with its first and last hour so a
  period's rows are found without reading the points.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from weibao.store.models import Base, UTCDateTime


class PerfCollection(Base):
    """What one inspection read of one host's performance history."""

    __tablename__ = "perf_collections"
    __table_args__ = (UniqueConstraint("run_id", "host"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    host: Mapped[str] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(16))  # sysstat | nmon | none
    period_from: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    period_to: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # this inspection's own figures: {"at", "cpu_busy", ..., "filesystems": {mount: {...}}}
    sample_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sample: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notes: Mapped[list[Any]] = mapped_column(JSON, default=list)  # catalogue messages
    files: Mapped[list[Any]] = mapped_column(JSON, default=list)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # version, dropped


class PerfSeries(Base):
    """One metric of one device (or the host, device "") as hourly means."""

    __tablename__ = "perf_series"
    __table_args__ = (Index("ix_perf_series_host_metric", "host", "metric"),
                      Index("ix_perf_series_run", "run_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    host: Mapped[str] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(16))
    metric: Mapped[str] = mapped_column(String(32))
    device: Mapped[str] = mapped_column(String(128), default="")
    unit: Mapped[str] = mapped_column(String(16), default="")
    first_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    points: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[ISO hour, value], ...]
