"""Counters judged on their increase since the previous inspection, end to end.

The healthy test host is inspected twice with `weibao inspect --limit` (a data directory of
its own, so the first run has no previous counters). Before the first run a veth pair
(wbflap0/wbflap1: no default ignore glob matches these names, unlike veth*) is added inside
the container and brought up; between the runs wbflap1 is set down and up again, which makes
the kernel count two more carrier changes on wbflap0 (read from
/sys/class/net/wbflap0/carrier_changes before and after). The second run's system.nic_flaps
finding must show exactly that increase, the previous reading and its time; the first run's
must say "since boot"; the store must hold both runs' counters. The pair is deleted at the
end, so the other integration tests see the host as it was.

Needs podman and the image built by tests/images/build.sh.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hosts import SITE, ItHosts, describe, podman, run_weibao

IFACE, PEER = "wbflap0", "wbflap1"


def ip(host: str, *args: str) -> None:
    """``ip ARGS`` inside the container (changing links needs CAP_NET_ADMIN)."""
    podman("exec", "--privileged", host, "ip", *args)


def carrier_changes(host: str, iface: str = IFACE) -> int:
    proc = podman("exec", host, "cat", f"/sys/class/net/{iface}/carrier_changes")
    return int(proc.stdout.decode().strip())


def wait_changes(host: str, at_least: int, timeout: float = 10) -> int:
    """carrier_changes of wbflap0 once it reached ``at_least`` (link events are quick, but
    not synchronous with `ip`)."""
    deadline = time.monotonic() + timeout
    value = carrier_changes(host)
    while value < at_least and time.monotonic() < deadline:
        time.sleep(0.2)
        value = carrier_changes(host)
    assert value >= at_least, f"{IFACE}: carrier_changes {value}, expected at least {at_least}"
    return value


def periods() -> tuple[str, str]:
    """Last month and this month (a period may not be in the future)."""
    today = dt.datetime.now(dt.UTC).date().replace(day=1)
    return (today - dt.timedelta(days=1)).strftime("%Y-%m"), today.strftime("%Y-%m")


@dataclass
class Deltas:
    host: str
    data_dir: Path
    runs: list[dict]
    changes: list[int]  # wbflap0's carrier_changes before the first and the second run
    findings: list[list[dict]]  # each run's findings of the host


def _json(proc) -> object:
    assert proc.returncode == 0, describe(proc)
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def deltas(it_hosts: ItHosts, it_inventory: Path,
           tmp_path_factory: pytest.TempPathFactory) -> Deltas:
    host = it_hosts.healthy
    data_dir = tmp_path_factory.mktemp("weibao-deltas")
    ip(host, "link", "add", IFACE, "type", "veth", "peer", "name", PEER)
    try:
        ip(host, "link", "set", IFACE, "up")
        ip(host, "link", "set", PEER, "up")
        before = wait_changes(host, 2)  # created with its carrier off, then up
        changes = [before]
        for index, period in enumerate(periods()):
            if index:  # one flap between the inspections: down, up
                ip(host, "link", "set", PEER, "down")
                wait_changes(host, before + 1)
                ip(host, "link", "set", PEER, "up")
                changes.append(wait_changes(host, before + 2))
                time.sleep(1)  # the two readings at least a second apart
            proc = run_weibao("inspect", "--inventory", str(it_inventory), "--site", SITE,
                              "--limit", host, "--period", period, data_dir=data_dir)
            # 0, or 1 when the host's CPU is busy (a container sees the machine's /proc/stat):
            # never 2, the host is inspected
            assert proc.returncode in (0, 1), describe(proc)
        assert carrier_changes(host) == changes[-1], "wbflap0 changed during the inspection"
    finally:
        podman("exec", "--privileged", host, "ip", "link", "del", IFACE, check=False)
    runs = _json(run_weibao("runs", "--json", data_dir=data_dir))
    findings = [_json(run_weibao("findings", "--run", str(r["id"]), "--host", host, "--json",
                                 data_dir=data_dir)) for r in runs]
    return Deltas(host, data_dir, runs, changes, findings)


def _one(findings: list[dict], check_id: str, component: str) -> dict:
    items = [f for f in findings if f["check_id"] == check_id and f["component"] == component]
    assert len(items) == 1, (f"expected one {check_id} finding for {component}, got: "
                             + json.dumps([(f["check_id"], f["component"], f["summary"])
                                           for f in findings if f["check_id"] == check_id],
                                          ensure_ascii=False))
    return items[0]


def test_two_runs_of_the_healthy_host(deltas: Deltas) -> None:
    assert [r["status"] for r in deltas.runs] == ["successful", "successful"], deltas.runs
    assert [[h["name"] for h in r["hosts"]] for r in deltas.runs] == [[deltas.host]] * 2
    assert deltas.changes[1] - deltas.changes[0] == 2, deltas.changes


def test_first_inspection_counts_since_boot(deltas: Deltas) -> None:
    first = _one(deltas.findings[0], "system.nic_flaps", IFACE)
    assert first["status"] == "ok", first
    assert "since boot at" in first["summary"], first["summary"]
    assert "开机以来" in first["translations"]["zh-CN"]["summary"]
    values = first["values"]
    assert values["baseline"] == "boot" and values["previous"] is None, values
    assert values["carrier_changes"] == deltas.changes[0]
    # the link coming up (carrier off at creation, on when both ends are up) is no flap
    assert values["bringup_not_counted"] == 2 and values["changes"] == 0, values
    errors = _one(deltas.findings[0], "system.nic_errors", "eth0")
    assert errors["status"] == "ok" and errors["values"]["baseline"] == "boot", errors


def test_second_inspection_shows_the_flap_since_the_first(deltas: Deltas) -> None:
    second = _one(deltas.findings[1], "system.nic_flaps", IFACE)
    values = second["values"]
    assert values["baseline"] == "previous" and values["reset"] is None, values
    assert values["previous"] == deltas.changes[0]
    assert values["carrier_changes"] == deltas.changes[1]
    assert values["delta"] == 2 and values["changes"] == 2 and values["flaps"] == 1, values
    # the previous reading is the first run's, timed as that run
    assert values["since"] == deltas.runs[0]["started_at"], (values, deltas.runs[0])
    started = [dt.datetime.fromisoformat(r["started_at"].replace("Z", "+00:00"))
               for r in deltas.runs]
    assert values["seconds"] == pytest.approx((started[1] - started[0]).total_seconds(), abs=5)
    assert second["status"] == "warning", second  # 2 changes >= warning 1
    assert second["summary"].startswith(
        f"{IFACE} (link up): 2 link changes (1 flap) since the previous inspection at "), second
    assert "链路状态变化 2 次（1 次抖动）" in second["translations"]["zh-CN"]["summary"]
    assert second["recommendation"]
    # the peer flapped too (set down and up itself); eth0 did not
    peer = _one(deltas.findings[1], "system.nic_flaps", PEER)
    assert peer["values"]["delta"] >= 2 and peer["status"] == "warning", peer
    eth0 = _one(deltas.findings[1], "system.nic_flaps", "eth0")
    assert (eth0["status"], eth0["values"]["delta"]) == ("ok", 0), eth0
    errors = _one(deltas.findings[1], "system.nic_errors", "eth0")
    assert errors["values"]["baseline"] == "previous" and errors["status"] == "ok", errors


def test_counters_stored_for_both_runs(deltas: Deltas) -> None:
    from sqlalchemy import select

    from weibao.config import load_settings
    from weibao.services.inspection import previous_counters
    from weibao.store import Counter, Store

    store = Store(load_settings(deltas.data_dir).db_url)
    with store.session() as s:
        rows = s.scalars(select(Counter).where(Counter.host == deltas.host,
                                               Counter.check_id == "system.nic_flaps",
                                               Counter.component == IFACE)).all()
        stored = sorted((r.run_id, r.name, r.value, bool(r.boot_time)) for r in rows)
        judged = s.scalars(select(Counter.component).where(
            Counter.host == deltas.host, Counter.check_id == "system.nic_errors")).all()
    ids = [r["id"] for r in deltas.runs]
    assert stored == [(ids[0], "carrier_changes", deltas.changes[0], True),
                      (ids[1], "carrier_changes", deltas.changes[1], True)], stored
    assert "eth0" in judged and "lo" not in judged
    # what the next inspection would be given: the second run's readings
    latest = previous_counters(store, SITE, [deltas.host])[deltas.host]
    assert latest[f"system.nic_flaps|{IFACE}|carrier_changes"]["value"] == deltas.changes[1]
    assert latest[f"system.nic_flaps|{IFACE}|carrier_changes"]["at"] == \
        deltas.runs[1]["started_at"]
