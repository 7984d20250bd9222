"""Run tickets: what lets a change playbook touch hosts.

``weibao change run`` issues a ticket after every rule held, bound to the change, its request
digest, the run, the hosts its targets resolved to (as signed) and the end of its approved
window, with an HMAC made with the controller's ticket key (``<data-dir>/change/ticket.key``,
created 0600 on first use; never printed, stored or archived). The first task of every
change play, the ``weibao_change_ticket`` action (plugins/action/), verifies it and marks it
used: a change playbook run directly with ``ansible-playbook -e weibao_change_id=CR-...``
stops before touching a host, and a ticket cannot start a second run.

What it does not stop: someone with the controller's root shell can read the key and make
tickets. It closes the direct run and the replay; the audit log's ``change.run.start`` entry
records each ticket's digest, so a ticket weibao did not issue has no entry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

from weibao.canonical import canonical_bytes

ACTION = "weibao_change_ticket"


def ticket_dir(data_dir: Path) -> Path:
    return data_dir / "change" / "tickets"


def _key(data_dir: Path) -> bytes:
    path = data_dir / "change" / "ticket.key"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(fd, "wb") as handle:
        handle.write(secrets.token_hex(32).encode("ascii"))
    return path.read_bytes()


def issue(data_dir: Path, *, change_id: str, request_digest: str, run_id: int,
          hosts: list[str], window_end: str, issued_at: str) -> tuple[Path, str]:
    """Write a ticket; returns its path and the sha256 of its file (for the audit log)."""
    body: dict[str, Any] = {"change_id": change_id, "request_digest": request_digest,
                            "run_id": run_id, "hosts": sorted(hosts),
                            "window_end": window_end, "issued_at": issued_at,
                            "nonce": secrets.token_hex(16)}
    mac = hmac.new(_key(data_dir), canonical_bytes(body), hashlib.sha256).hexdigest()
    folder = ticket_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{change_id}-run-{run_id}-{body['nonce'][:8]}.json"
    data = json.dumps({"ticket": body, "hmac": mac}, indent=1, sort_keys=True).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return path, hashlib.sha256(data).hexdigest()


def void(path: Path) -> None:
    """A ticket whose run ended (whatever the outcome) can start nothing more: its used
    marker is written now unless the run's playbook wrote it."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))["ticket"]
        marker = path.parent / f"{body['nonce']}.used"
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except (OSError, ValueError, KeyError, TypeError):
        return  # already used, or gone: nothing can start with it either way
    with os.fdopen(fd, "w") as handle:
        handle.write("void\n")
