"""The change playbook and the files of its roles: what every sign-off signs of the steps.

:func:`playbook_digest` is the sha256 of :func:`playbook_files`, the playbook and the files of
the roles its plays name; every sign-off signs it and ``change run`` refuses when it is no
longer what was signed (:func:`weibao.change.rules.bound.check_playbook_unchanged`), so the
steps that run are the steps approved.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from weibao.canonical import sha256_hex
from weibao.change.request import ChangeRequest
from weibao.content import content_root


def playbook_path(request: ChangeRequest) -> Path:
    return content_root() / request.playbook


# What a role's files are, for the digest (not its README or Molecule tests).
ROLE_PARTS = ("tasks", "handlers", "defaults", "vars", "files", "templates", "meta", "library",
              "module_utils", "filter_plugins", "lookup_plugins")
_ROLE_TASK_KEYS = frozenset(f"{prefix}{verb}_role" for prefix in
                            ("", "ansible.builtin.", "ansible.legacy.")
                            for verb in ("import", "include"))


def _sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _role_names(plays: Any) -> list[str]:
    """The roles the plays name directly: ``roles:`` and import_role/include_role tasks
    (blocks included); not a role's own dependencies."""
    names: list[str] = []

    def tasks(items: Any) -> None:
        for task in items if isinstance(items, list) else []:
            if not isinstance(task, dict):
                continue
            for key in ("block", "rescue", "always"):
                tasks(task.get(key))
            for key in _ROLE_TASK_KEYS & set(task):
                if isinstance(task[key], dict) and isinstance(task[key].get("name"), str):
                    names.append(task[key]["name"])

    for play in plays if isinstance(plays, list) else []:
        if not isinstance(play, dict):
            continue
        for item in play.get("roles") or []:
            name = item.get("role") or item.get("name") if isinstance(item, dict) else item
            if isinstance(name, str):
                names.append(name)
        for key in ("pre_tasks", "tasks", "post_tasks", "handlers"):
            tasks(play.get(key))
    return list(dict.fromkeys(names))


def playbook_files(request: ChangeRequest) -> dict[str, str | None]:
    """{path under the content folder: sha256} of the change playbook and of the files of
    the roles its plays name directly (``roles/<name>/`` beside the playbook or in the
    content folder: tasks, handlers, defaults, vars, files, templates, meta, plugins). None
    for a playbook that does not exist, or a role not found there (e.g. of a collection)."""
    root = content_root()
    path = playbook_path(request)
    files: dict[str, str | None] = {request.playbook: _sha256_file(path)}
    try:
        plays = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        plays = None
    for name in _role_names(plays):
        if "{{" in name or "/" in name:
            files[f"roles/{name}"] = None
            continue
        folder = next((f for f in (path.parent / "roles" / name, root / "roles" / name)
                       if f.is_dir()), None)
        if folder is None:
            files[f"roles/{name}"] = None
            continue
        for part in ROLE_PARTS:
            for file in sorted((folder / part).rglob("*")):
                if file.is_file():
                    rel = file.relative_to(root) if file.is_relative_to(root) else file
                    files[str(rel)] = _sha256_file(file)
    return files


def playbook_digest(request: ChangeRequest) -> str:
    """sha256 of the canonical JSON of :func:`playbook_files`: what every sign-off signs, so
    the steps that run are the steps approved."""
    return sha256_hex(playbook_files(request))
