"""Removable media of a change: each file must match its sha256 and pass ClamAV's clamscan.

The contract: 移动媒体 … 病毒检查 … 客户确认后才能使用 (removable media are virus-checked
locally first and used only after the client confirms). The request lists every file with the
sha256 its requester computed; the client's approval signs that list. Before a run, weibao
reads each file (a path relative to the request file's folder, or absolute), compares the
digest, and scans all of them with ``clamscan``; the scan output and ``clamscan --version``
are recorded in the run and the audit log.

``clamav_db`` (``weibao change run --clamav-db PATH``) passes ``-d PATH`` to clamscan, for
sites whose signature database is not in ClamAV's default place (or, in tests, a signature
file built with ``sigtool``). It is recorded with the database file's sha256. There is
deliberately no environment variable for it: a scan that quietly used another database would
be worth nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weibao.change.refusal import Refusal
from weibao.change.request import ChangeRequest
from weibao.errors import N_

SCAN_TIMEOUT = 1800.0  # loading the full signature database takes a while


@dataclass(frozen=True)
class ScanReport:
    """What the media check found: every file clean and matching its digest."""

    files: list[dict[str, Any]] = field(default_factory=list)
    scanner: str = ""  # clamscan --version
    database: dict[str, str] = field(default_factory=dict)  # path and sha256 with -d

    def as_dict(self) -> dict[str, Any]:
        return {"files": self.files, "scanner": self.scanner, "database": self.database}


def media_path(request: ChangeRequest, path: str) -> Path:
    """A media path of the request: relative to the request file's folder, or absolute."""
    given = Path(path).expanduser()
    return given if given.is_absolute() else request.path.parent / given


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}


def clamscan_version() -> str:
    """``clamscan --version`` (engine, and database version when the default one loads)."""
    result = subprocess.run([_clamscan(), "--version"], capture_output=True, text=True,
                            env=_env(), timeout=120, check=False)
    return (result.stdout or result.stderr).strip().splitlines()[0] if (
        result.stdout or result.stderr).strip() else ""


def _clamscan() -> str:
    path = shutil.which("clamscan")
    if path is None:
        raise Refusal("media", N_("the request lists removable media, and clamscan (ClamAV) is "
                                  "not installed: media must be virus-checked before use "
                                  "(apt-get install clamav)"))
    return path


def check_media(request: ChangeRequest, clamav_db: str | Path | None = None) -> ScanReport:
    """Every media file exists, matches its sha256 and scans clean; Refusal otherwise."""
    if not request.media:
        return ScanReport()
    files: list[dict[str, Any]] = []
    paths: list[Path] = []
    for index, item in enumerate(request.media):
        path = media_path(request, item.path)
        where = f"media[{index}]"
        if not path.is_file():
            raise Refusal("media", N_("%(file)s: %(field)s: %(path)s does not exist (is the "
                                      "medium mounted?)"),
                          file=str(request.path), field=where, path=str(path))
        try:
            actual = file_sha256(path)
        except OSError as exc:
            raise Refusal("media", N_("%(file)s: %(field)s: %(path)s cannot be read: "
                                      "%(reason)s"), file=str(request.path), field=where,
                          path=str(path), reason=exc.strerror or str(exc)) from exc
        if actual != item.sha256:
            raise Refusal("media", N_("%(file)s: %(field)s: %(path)s has sha256 %(actual)s, "
                                      "not %(expected)s as the request says: not the file that "
                                      "was approved"),
                          file=str(request.path), field=where, path=str(path), actual=actual,
                          expected=item.sha256)
        files.append({"path": item.path, "file": str(path), "sha256": actual})
        paths.append(path)
    database = _database(clamav_db)
    results = _scan(paths, database.get("path"))
    for entry in files:
        entry["scan"] = results.get(entry["file"], "")
    return ScanReport(files=files, scanner=clamscan_version(), database=database)


def _database(clamav_db: str | Path | None) -> dict[str, str]:
    if clamav_db is None:
        return {}
    path = Path(clamav_db).expanduser().resolve()
    if not path.exists():
        raise Refusal("media", N_("--clamav-db %(path)s: does not exist"), path=str(path))
    info = {"path": str(path)}
    if path.is_file():
        info["sha256"] = file_sha256(path)
    return info


def _scan(paths: list[Path], database: str | None) -> dict[str, str]:
    """Run clamscan over ``paths``: {file: "OK"}; Refusal on a find or a scan error."""
    args = [_clamscan(), "--no-summary", "--stdout"]
    if database:
        args += ["-d", database]
    try:
        result = subprocess.run([*args, "--", *map(str, paths)], capture_output=True,
                                text=True, env=_env(), timeout=SCAN_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise Refusal("media", N_("clamscan did not finish within %(seconds)d s"),
                      seconds=int(SCAN_TIMEOUT)) from exc
    found: dict[str, str] = {}
    for line in result.stdout.splitlines():
        name, sep, verdict = line.rpartition(": ")
        if sep:
            found[name] = verdict.strip()
    infected = [(name, verdict) for name, verdict in found.items() if verdict.endswith("FOUND")]
    if result.returncode == 1 or infected:
        name, verdict = infected[0] if infected else ("?", "FOUND")
        raise Refusal("media", N_("virus scan: %(path)s: %(verdict)s; the medium must not be "
                                  "used"), path=name, verdict=verdict)
    if result.returncode != 0 or any(found.get(str(p)) != "OK" for p in paths):
        problem = (result.stderr.strip().splitlines() or result.stdout.strip().splitlines()
                   or [f"exit status {result.returncode}"])[-1]
        raise Refusal("media", N_("virus scan failed (clamscan: %(problem)s); the media are "
                                  "not checked"), problem=problem)
    return found
