"""Counter deltas since the previous inspection: never negative, never a missed increase."""

from __future__ import annotations

import pytest

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import deltas  # noqa: E402

BOOT = "2026-11-01T00:00:00Z"


def prev(value, at="2026-11-05T02:00:00Z", boot=BOOT):
    return {"value": value, "at": at, "boot_time": boot}


def test_first_inspection_has_no_baseline():
    d = deltas.delta(7, None, BOOT)
    assert d["delta"] is None and d["value"] == 7 and d["reset"] is None


def test_growth_is_the_difference_with_the_time_between():
    d = deltas.delta(12, prev(5), BOOT, now=deltas._epoch("2026-12-05T02:00:00Z"))
    assert (d["delta"], d["lower_bound"], d["reset"]) == (7, False, None)
    assert d["seconds"] == 30 * 86400 and d["since"] == "2026-11-05T02:00:00Z"


def test_unchanged_counter_is_zero():
    assert deltas.delta(5, prev(5), BOOT)["delta"] == 0


def test_counter_cleared_is_a_reset_and_counts_at_least_the_current_value():
    d = deltas.delta(3, prev(40), BOOT)
    assert (d["delta"], d["lower_bound"], d["reset"]) == (3, True, "decreased")


def test_reboot_is_a_reset_even_when_the_counter_grew():
    # before: 5 at the last inspection; the device rebooted and has counted 9 since boot.
    # 9 - 5 = 4 would miss the errors before the reboot: at least 9 it is.
    d = deltas.delta(9, prev(5), "2026-11-20T08:00:00Z")
    assert (d["delta"], d["lower_bound"], d["reset"]) == (9, True, "rebooted")


def test_boot_time_jitter_is_not_a_reboot():
    d = deltas.delta(9, prev(5), "2026-11-01T00:00:01Z")
    assert (d["delta"], d["reset"]) == (4, None)


@pytest.mark.parametrize("before,now", [(0, 0), (10, 3), (3, 10), (2**40, 2**40 + 1)])
def test_never_negative(before, now):
    assert deltas.delta(now, prev(before), BOOT)["delta"] >= 0


def test_counter_and_key():
    c = deltas.counter("links.crc", "eth0", "rx_crc_errors", "17", BOOT)
    assert c == {"check_id": "links.crc", "component": "eth0", "name": "rx_crc_errors",
                 "value": 17, "boot_time": BOOT}
    assert deltas.key("links.crc", "eth0", "rx_crc_errors") == "links.crc|eth0|rx_crc_errors"
