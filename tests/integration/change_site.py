"""A change-control site for integration tests: people with real ssh-keygen keys, an
inventory, and the steps every change request goes through before it can run (new,
validate, submit, approve, attest), through the command line only.

test_change_e2e.py and test_change_guarded.py share it; each fills the request skeleton
its own way (``fill``).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hosts import PROJECT, describe, run_weibao

# id: (name, organisation, roles)
PEOPLE = {
    "zhang.san": ("张三", "provider", ["requester", "operator"]),
    "li.si": ("李四", "provider", ["recorder"]),
    "wang.wu": ("王五", "client", ["approver"]),
    "zhao.liu": ("赵六", "client", ["recorder"]),
}


@dataclass
class ChangeSite:
    name: str
    root: Path
    inventory: Path
    data_dir: Path
    changes: Path
    keys: dict[str, Path]
    fingerprints: dict[str, str]
    requests: dict[str, Path] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    # given before the command, e.g. ["--vault-password-file", PATH]
    global_args: list[str] = field(default_factory=list)

    def weibao(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
        return run_weibao(*self.global_args, *args, data_dir=self.data_dir, timeout=timeout)


def ok(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert proc.returncode == 0, describe(proc)
    return proc


def make_key(folder: Path, person: str) -> tuple[Path, str]:
    key = folder / person
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", person, "-f",
                    str(key)], check=True, capture_output=True, timeout=60)
    listed = subprocess.run(["ssh-keygen", "-l", "-f", f"{key}.pub"], check=True,
                            capture_output=True, text=True, timeout=60).stdout
    return key, listed.split()[1]


def write_site(root: Path, name: str, zone: str, inventory: dict[str, Any],
               site_vars: dict[str, Any] | None = None, files: dict[str, str] | None = None,
               global_args: list[str] | None = None) -> ChangeSite:
    """Keys for PEOPLE, people.yml, and ``inventory`` (the ``all`` group's children and
    vars) with the site's weibao_site (lead time 0, the client's anchor key); ``files``:
    more files of the inventory folder (e.g. ``host_vars/NAME.yml``) by relative path."""
    keys_dir = root / "keys"
    keys_dir.mkdir(mode=0o700)
    keys, fingerprints, people = {}, {}, []
    for person, (full, organisation, roles) in PEOPLE.items():
        keys[person], fingerprints[person] = make_key(keys_dir, person)
        people.append({"id": person, "name": full, "organisation": organisation,
                       "roles": roles,
                       "ssh_public_key": Path(f"{keys[person]}.pub").read_text().strip()})
    inv_dir = root / "inventory"
    inv_dir.mkdir()
    path = inv_dir / "hosts.yml"
    site = {"name": name, "client": "Change Test Client (甲方)",
            "provider": "weibao Test Provider (乙方)", "contract": "WB-IT-CHANGE",
            "timezone": zone, "change_lead_time_hours": 0,
            "client_anchor": Path(f"{keys['wang.wu']}.pub").read_text().strip(),
            **(site_vars or {})}
    data = {"all": {**inventory, "vars": {**inventory.get("vars", {}), "weibao_site": site}}}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    (inv_dir / "people.yml").write_text(yaml.safe_dump({"people": people},
                                                       allow_unicode=True, sort_keys=False),
                                        encoding="utf-8")
    for relative, text in (files or {}).items():
        (inv_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        (inv_dir / relative).write_text(text, encoding="utf-8")
    change_site = ChangeSite(name=name, root=root, inventory=path, data_dir=root / "data",
                             changes=root / "changes", keys=keys, fingerprints=fingerprints,
                             global_args=list(global_args or []))
    vouched = ok(change_site.weibao("people", "vouch", "--inventory", str(inv_dir),
                                    "--key", str(keys["wang.wu"])))
    assert "vouched for the client's people" in vouched.stdout, describe(vouched)
    return change_site


def window(start: dt.datetime, zone: str, hours: int = 2) -> dict[str, str]:
    from zoneinfo import ZoneInfo

    local = start.astimezone(ZoneInfo(zone))
    return {"start": local.strftime("%Y-%m-%dT%H:%M:%S"),
            "end": (local + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S"),
            "timezone": zone}


def prepare(site: ChangeSite, change_id: str, fill: Callable[[dict[str, Any]], None],
            case: str | None = None) -> Path:
    """new, validate (the skeleton is refused), fill, validate, submit, approve, attest
    operator (zhang.san) and recorder (li.si). ``fill`` edits the skeleton's data."""
    case = case or change_id
    new = ok(site.weibao("change", "new", "--site", site.name, "--dir", str(site.changes),
                         "--id", change_id))
    path = Path(new.stdout.strip().splitlines()[-1])
    if not path.is_absolute():
        path = PROJECT / path
    unfilled = site.weibao("change", "validate", str(path))
    assert unfilled.returncode == 3 and "placeholder" in unfilled.stdout, describe(unfilled)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update({"requester": "zhang.san", "operator": "zhang.san", "recorder": "li.si",
                 "attendees": ["zhao.liu"], "hardware_changes": [], "software_changes": [],
                 "emergency": {"is_emergency": False}, "media": []})
    fill(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    valid = ok(site.weibao("change", "validate", str(path)))
    site.digests[case] = re.search(r"request digest ([0-9a-f]{64})", valid.stdout).group(1)
    ok(site.weibao("change", "submit", str(path), "--key", str(site.keys["zhang.san"])))
    ok(site.weibao("change", "approve", str(path), "--key", str(site.keys["wang.wu"])))
    ok(site.weibao("change", "attest", str(path), "--role", "operator", "--key",
                   str(site.keys["zhang.san"])))
    ok(site.weibao("change", "attest", str(path), "--role", "recorder", "--key",
                   str(site.keys["li.si"])))
    site.requests[case] = path
    return path
