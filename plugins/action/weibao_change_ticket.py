# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Verify the run ticket of an approved change before a change playbook touches a host.

``weibao change run`` issues a ticket only after every rule holds: the change, its request
digest, its resolved hosts and the end of its approved window, with an HMAC made with the
controller's ticket key (``<data-dir>/change/ticket.key``, mode 0600). The first task of
every change play is this action (``run_once: true``); it fails the play, before any host
is touched, unless

- the ticket is intact (HMAC) and for this change (``weibao_change_id``);
- its run is still going (weibao voids a ticket when its run ends, whatever the outcome,
  and stops the run when the approved window closes);
- every host of the play is one of the ticket's hosts;
- the ticket was not used by another ansible-playbook run (usable once: the first run marks
  it used with its process group; later plays of the same run pass) nor voided.

So a change playbook run directly with ``ansible-playbook -e weibao_change_id=CR-...`` stops.
Runs on the controller only; it reads no secret into its result.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os

from ansible.plugins.action import ActionBase

DOCUMENTATION = r"""
---
action: weibao_change_ticket
short_description: Verify the run ticket of an approved weibao change
description:
  - Fails the play unless C(weibao change run) issued a valid, unused ticket for this change,
    its hosts and its window.
options:
  ticket:
    description: Path of the ticket file (C(weibao_change_ticket), passed by weibao).
    type: path
    required: true
  change_id:
    description: The change the play runs for (C(weibao_change_id)).
    type: str
    required: true
"""


def ticket_hmac(key, body):
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def canonical(data):
    return json.dumps(data, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        args = self._task.args
        path = str(args.get("ticket") or "")
        change_id = str(args.get("change_id") or "")
        result.update(changed=False)

        def refuse(why):
            result.update(failed=True, msg="this change playbook runs only through `weibao change "
                                           "run FILE` after every rule holds: " + why)
            return result

        if not path or not change_id:
            return refuse("no run ticket was given (weibao_change_ticket)")
        try:
            with open(path, "rb") as handle:
                raw = json.loads(handle.read().decode("utf-8"))
            body, mac = raw["ticket"], raw["hmac"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            return refuse(f"the run ticket {path} cannot be read ({exc})")
        folder = os.path.dirname(os.path.abspath(path))
        try:
            with open(os.path.join(os.path.dirname(folder), "ticket.key"), "rb") as handle:
                key = handle.read()
        except OSError as exc:
            return refuse(f"the controller's ticket key cannot be read ({exc.strerror})")
        if not hmac.compare_digest(ticket_hmac(key, canonical(body)), str(mac)):
            return refuse(f"the run ticket {path} is not one weibao issued (HMAC mismatch)")
        if body.get("change_id") != change_id:
            return refuse(f"the run ticket is for {body.get('change_id')}, not {change_id}")
        hosts = set(body.get("hosts") or [])
        play_hosts = set(task_vars.get("ansible_play_hosts_all") or [])
        extra = sorted(play_hosts - hosts)
        if extra:
            return refuse("hosts not approved for this change: " + ", ".join(extra))
        # usable once: the first ansible-playbook run that shows it marks it with its
        # process group; another run (another process group) is refused
        marker = os.path.join(folder, str(body.get("nonce")) + ".used")
        me = str(os.getpgrp())
        try:
            fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            try:
                with open(marker) as handle:
                    owner = handle.read().strip()
            except OSError:
                owner = ""
            if owner != me:
                return refuse("the run ticket was already used by another run")
        except OSError as exc:
            return refuse(f"the run ticket cannot be marked used ({exc.strerror})")
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(me + "\n")
        result["msg"] = "run ticket of {} (run {}) verified for {}".format(
            change_id, body.get("run_id"), ", ".join(sorted(play_hosts)) or "no host")
        return result
