"""A small change-control world for the change tests, built in tmp_path.

Real ``ssh-keygen`` keys (made here, never committed), a people file, an inventory of local
hosts (``ansible_connection: local``), a change playbook in a content folder
(``WEIBAO_CONTENT_DIR``), request files, a data directory with its store and audit log, and a
clock the tests set. Imported by test_change_*.py (pytest puts this folder on sys.path).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from weibao.change.service import ChangeService
from weibao.config import load_settings
from weibao.store import Store

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# The example window: 2026-03-07 22:00 to 2026-03-08 02:00, Asia/Shanghai.
WINDOW_START = dt.datetime(2026, 3, 7, 22, 0, tzinfo=SHANGHAI)
IN_WINDOW = WINDOW_START + dt.timedelta(minutes=30)
EICAR = r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

# id: (organisation, roles)
PEOPLE = {
    "wang.fang": ("provider", ["requester"]),
    "li.wei": ("provider", ["operator", "requester"]),
    "zhang.min": ("provider", ["recorder"]),
    "sun.li": ("provider", ["recorder", "operator"]),
    "chen.jing": ("client", ["approver"]),
    "zhao.lei": ("client", ["approver", "recorder"]),
}

ANCHOR = "chen.jing"  # the client's supervisor, whose key is the site's client anchor
VOUCHED_AT = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)

PLAYBOOK = """\
- name: Test change
  hosts: all
  gather_facts: false
  any_errors_fatal: true
  vars:
    weibao_change_playbook: true
  tasks:
    - name: Check the run ticket
      weibao_change_ticket:
        ticket: "{{ weibao_change_ticket | default('') }}"
        change_id: "{{ weibao_change_id | default('') }}"
      run_once: true
    - name: "Step 1: write the start marker"
      ansible.builtin.copy:
        dest: "{{ marker_dir }}/{{ inventory_hostname }}.step1"
        content: "{{ weibao_change_id }}\\n"
        mode: "0644"
    - name: "Step 2: fail when asked"
      ansible.builtin.fail:
        msg: "step 2 failed on purpose"
      when: fail_step | int == 2
    - name: "Step 2: wait when asked"
      ansible.builtin.wait_for:
        timeout: "{{ pause | int }}"
      when: pause | int > 0
    - name: "Step 3: write the end marker"
      ansible.builtin.copy:
        dest: "{{ marker_dir }}/{{ inventory_hostname }}.step3"
        content: "done\\n"
        mode: "0644"
"""


def live_window(now: dt.datetime | None = None) -> tuple[dt.datetime, dict[str, str]]:
    """A window around the real time (for runs through the command line, whose clock is the
    real one): it opened an hour ago and closes in three hours. (start, request field)."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(SHANGHAI).replace(second=0,
                                                                        microsecond=0)
    start = now - dt.timedelta(hours=1)
    end = now + dt.timedelta(hours=3)
    return start, {"start": start.strftime("%Y-%m-%dT%H:%M"),
                   "end": end.strftime("%Y-%m-%dT%H:%M"), "timezone": "Asia/Shanghai"}


def make_key(directory: Path, name: str) -> Path:
    path = directory / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{name}@test",
                    "-f", str(path)], check=True)
    return path


def make_keys(directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    return {name: make_key(directory, name) for name in [*PEOPLE, "stranger"]}


class Clock:
    """The injected clock: tests set ``now``."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def request_data(change_id: str, inventory: Path, marker_dir: Path, **overrides: Any
                 ) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": change_id,
        "title": "Configuration change on web01",
        "purpose": "Apply the tuned settings found by the inspection.\n",
        "site": "lab",
        "requester": "wang.fang",
        "operator": "li.wei",
        "recorder": "zhang.min",
        "attendees": [],
        "targets": {"inventory": str(inventory), "limit": "web"},
        "playbook": "playbooks/change_test.yml",
        "variables": {"marker_dir": str(marker_dir), "fail_step": 0, "pause": 0},
        "kind": "configuration",
        "steps": ["Write the start marker.", "Do the work.", "Write the end marker."],
        "hardware_changes": [],
        "software_changes": [],
        "window": {"start": "2026-03-07T22:00", "end": "2026-03-08T02:00",
                   "timezone": "Asia/Shanghai"},
        "expected_duration": "1h",
        "application_downtime": {"minutes": 0},
        "rollback_plan": "Remove the markers.\nRestore the previous settings from the "
                         "backup.\n",
        "emergency": {"is_emergency": False},
        "media": [],
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


@dataclass
class ChangeEnv:
    root: Path
    keys: dict[str, Path]
    clock: Clock
    db_url: str | None = None  # None: SQLite in the data directory
    inventory: Path = field(init=False)
    people: Path = field(init=False)
    content: Path = field(init=False)
    changes: Path = field(init=False)
    data_dir: Path = field(init=False)
    markers: Path = field(init=False)
    store: Store = field(init=False)
    service: ChangeService = field(init=False)

    def __post_init__(self) -> None:
        self.inventory = self.root / "inventories" / "lab"
        self.inventory.mkdir(parents=True)
        # the client's trust anchor: its supervisor's key (chen.jing), set at contract start
        anchor = Path(f"{self.keys[ANCHOR]}.pub").read_text().strip()
        (self.inventory / "hosts.yml").write_text(yaml.safe_dump({"all": {
            "vars": {"weibao_site": {"name": "lab", "timezone": "Asia/Shanghai",
                                     "client_anchor": anchor},
                     "ansible_connection": "local",
                     "ansible_python_interpreter": sys.executable},
            "children": {"web": {"hosts": {"web01": None}},
                         "db": {"hosts": {"db01": None, "db02": None}}}}}))
        self.people = self.inventory / "people.yml"
        self.people.write_text(people_text(self.keys), encoding="utf-8")
        self.content = self.root / "content"
        (self.content / "playbooks").mkdir(parents=True)
        (self.content / "ansible.cfg").write_text("[defaults]\nretry_files_enabled = False\n")
        (self.content / "playbooks" / "change_test.yml").write_text(PLAYBOOK)
        self.changes = self.root / "changes"
        self.changes.mkdir()
        self.markers = self.root / "markers"
        self.markers.mkdir()
        self.data_dir = self.root / "data"
        settings = load_settings(self.data_dir, self.db_url)
        self.store = Store(settings.db_url)
        self.service = ChangeService(settings, self.store, clock=self.clock, user="tester")
        # at contract start, before any change (the audit log keeps time order)
        now, self.clock.now = self.clock.now, VOUCHED_AT
        self.vouch()
        self.clock.now = now

    def vouch(self, who: str = ANCHOR) -> Any:
        """The client's supervisor vouches for the client's people (the trust anchor)."""
        return self.service.vouch(self.inventory, self.keys[who])

    def write(self, change_id: str = "CR-2026-0001", **overrides: Any) -> Path:
        path = self.changes / f"{change_id}.yml"
        data = request_data(change_id, self.inventory, self.markers, **overrides)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        return path

    def edit(self, path: Path, **overrides: Any) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.update(overrides)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")

    def at(self, moment: dt.datetime) -> ChangeEnv:
        self.clock.now = moment
        return self

    def submit(self, path: Path, who: str = "wang.fang") -> Any:
        return self.service.submit(path, self.keys[who])

    def approve(self, path: Path, who: str = "chen.jing") -> Any:
        return self.service.approve(path, self.keys[who])

    def attest(self, path: Path, role: str, who: str | None = None) -> Any:
        who = who or {"operator": "li.wei", "recorder": "zhang.min"}[role]
        return self.service.attest(path, role, self.keys[who])

    def ready(self, path: Path, *, submitted: dt.datetime | None = None,
              emergency: bool = False, start: dt.datetime = WINDOW_START) -> Path:
        """Submit (25 h before the window by default), approve and attest; the clock is left
        30 minutes into the window (``start`` is the window's start)."""
        self.at(submitted or start - dt.timedelta(hours=25)).submit(path)
        if not emergency:
            self.at(start - dt.timedelta(hours=2)).approve(path)
        self.at(start + dt.timedelta(minutes=5)).attest(path, "operator")
        if not emergency:
            self.attest(path, "recorder")
        self.at(start + dt.timedelta(minutes=30))
        return path

    def audit_lines(self) -> list[bytes]:
        path = self.service.log.path
        return path.read_bytes().splitlines(keepends=True) if path.exists() else []

    def env(self) -> dict[str, str]:
        """Environment for a weibao subprocess of this world."""
        return {**os.environ, "WEIBAO_CONTENT_DIR": str(self.content),
                "WEIBAO_DATA_DIR": str(self.data_dir), "WEIBAO_LANG": "en"}


def ansible_processes(data_dir: Path, wait: float = 5.0) -> list[int]:
    """Processes of ansible runs of this data directory still alive after ``wait`` seconds
    (ansible-runner marks their environment with AWX_ISOLATED_DATA_DIR)."""
    needle = f"AWX_ISOLATED_DATA_DIR={data_dir.resolve()}/".encode()
    deadline = time.monotonic() + wait
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if needle in (entry / "environ").read_bytes():
                        found.append(int(entry.name))
                except OSError:
                    continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def people_text(keys: dict[str, Path]) -> str:
    lines = ["people:"]
    for pid, (organisation, roles) in PEOPLE.items():
        key = Path(f"{keys[pid]}.pub").read_text().strip()
        lines += [f"  - id: {pid}", f"    name: {pid}", f"    organisation: {organisation}",
                  f"    roles: [{', '.join(roles)}]", f"    ssh_public_key: \"{key}\""]
    return "\n".join(lines) + "\n"


def backup_record(host: str, finished: dt.datetime, status: str = "verified",
                  **overrides: Any) -> dict[str, Any]:
    """A backup record as the module weibao_system_backup reports it (a Linux tar image)."""
    digest = f"{abs(hash((host, finished))) % (1 << 64):016x}" * 4
    path = f"/backup/weibao/{host}/{finished:%Y%m%dT%H%M%SZ}/root.tar"
    record = {
        "host_kind": "linux", "kind": "system", "tool": "tar", "tool_version": "1.34",
        "volume_group": "", "path": path, "target": "/backup/weibao",
        "files": [{"path": path, "size": 4096, "sha256": digest}], "size_bytes": 4096,
        "sha256": digest, "checksum": "",
        "started_at": (finished - dt.timedelta(hours=1)).astimezone(dt.UTC)
        .strftime("%Y-%m-%dT%H:%M:%SZ"),
        "finished_at": finished.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "status": status,
        "verification": {"method": "tar listing+per-file sha256 manifest",
                         "result": "ok" if status == "verified" else "failed",
                         "detail": "12 files compared"},
        "message": "" if status == "verified" else "listing differs", "expired": []}
    record.update(overrides)
    return record


def record_backup(env: ChangeEnv, host: str, finished: dt.datetime, status: str = "verified",
                  site: str = "lab", **overrides: Any) -> Any:
    """Record a backup the way ``weibao backup run`` does: the row, and its audit entry
    (written at the test clock's time, so the log keeps its time order)."""
    from weibao.services.backups import record_backup as record
    from weibao.services.backups import validate_record

    return record(env.store, env.service.log, site=site, host=host,
                  record=validate_record(backup_record(host, finished, status, **overrides)),
                  operator="li.wei", now=env.clock.now)
