# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deltas: how much a counter grew since the host's previous inspection.

Counters that only grow (CRC errors, reallocated sectors, corrected ECC, SEL entries, link
flaps) are judged on their increase, not their total. The runner passes each host the
counters of its previous inspection (``previous``: {counter key: {"value", "at",
"boot_time"}}); a rule calls :func:`delta` and reports what it returns; the module returns the
counters it read (:func:`counter`) and the runner stores them for the next time.

Never a negative delta and never a missed increase:

- no previous value: ``delta`` is None (no baseline yet; the total is shown);
- the device rebooted since (its boot time changed) or the counter went down (cleared,
  ``clear counters``, a replaced part, a wrapped counter): the counter restarted, so the
  increase is *at least* the current value (``lower_bound`` True, ``reset`` says why);
- otherwise the difference.
"""

from __future__ import annotations

import datetime

RESETS = ("rebooted", "decreased")


def key(check_id, component, name):
    """The key of a counter in ``previous``: ``check_id|component|name``."""
    return f"{check_id}|{component}|{name}"


def counter(check_id, component, name, value, boot_time=""):
    """A counter as the module returns it (the runner stores it with the run's time)."""
    return {"check_id": check_id, "component": str(component), "name": name,
            "value": int(value), "boot_time": str(boot_time or "")}


def _epoch(text):
    if not text:
        return None
    value = str(text).strip().replace("Z", "+00:00")
    try:
        when = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return when.timestamp()


def delta(current, previous, boot_time="", now=None, boot_slack=120):
    """The increase of a counter since ``previous`` ({"value", "at", "boot_time"} or None).

    ``boot_time``: the device's current boot time (ISO), compared with the one recorded
    with ``previous`` (a difference of more than ``boot_slack`` seconds is a reboot: /proc
    boot times drift by a second or so between reads). ``now``: epoch seconds, for
    ``seconds`` (the time between the two readings).

    Returns {"value", "previous", "delta", "lower_bound", "reset", "since", "seconds"}.
    """
    current = int(current)
    out = {"value": current, "previous": None, "delta": None, "lower_bound": False,
           "reset": None, "since": None, "seconds": None}
    if not previous or previous.get("value") is None:
        return out
    before = int(previous["value"])
    out["previous"] = before
    out["since"] = previous.get("at")
    then = _epoch(previous.get("at"))
    if now is not None and then is not None:
        out["seconds"] = max(0, int(now - then))
    old_boot, new_boot = _epoch(previous.get("boot_time")), _epoch(boot_time)
    if old_boot is not None and new_boot is not None and abs(new_boot - old_boot) > boot_slack:
        out.update(delta=current, lower_bound=True, reset="rebooted")
    elif current < before:
        out.update(delta=current, lower_bound=True, reset="decreased")
    else:
        out["delta"] = current - before
    return out
