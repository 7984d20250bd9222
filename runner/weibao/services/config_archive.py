"""The network devices' configuration archive: a git repository per site.

``<data-dir>/config-archive/<site>/`` holds one file per device (``<device>.cfg``, the
running configuration as the action ``weibao_inspect_network`` returned it: volatile lines
removed, secrets masked by ``module_utils/weibao_inspection/config_clean.py``) and one commit
per inspection run (``inspection run N, YYYY-MM-DD``, author ``weibao <weibao@localhost>``,
dated when the run started; its body names the run's period and every device's state).

During a run the runner calls :meth:`RunArchive.record` for each device whose collector
returned a ``config``; when the run closes, :meth:`RunArchive.commit` writes the files,
commits once and says per device:

``new``        first archived copy;
``changed``    differs from the archived copy (``added``/``removed``: lines, git's count);
``unchanged``  same as the archived copy;
``stale``      not collected this time (the device was unreachable, the command failed,
               the run stopped before it): the previous file stays as it was, the state says
               so with ``why``; never ``unchanged``.

:func:`save` stores those records in the ``config_changes`` table (migration 0005), where
the monthly report reads them (:func:`run_records`). :func:`diff` prints a device's change
(the last one, or everything since a period or a date): ``weibao config diff``.

The salt of the secrets' masks is the site installation's, ``<data-dir>/config-archive/.salt``
(mode 0600, random on first use, :func:`salt`): the runner gives it to the action as the
extra variable ``weibao_config_salt`` and removes it from the run's archived extra variables
when the run closes. The archive re-cleans every text it receives with that salt
(idempotent: masks stay as they are), so a secret the action missed cannot reach git.

Only the ``git`` binary is needed; no global git configuration is read or written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import re
import secrets
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weibao.errors import N_, ConfigError, NotFound, StoreError

ARCHIVE_DIR = "config-archive"
SALT_FILE = ".salt"
AUTHOR_NAME = "weibao"
AUTHOR_EMAIL = "weibao@localhost"
STATES = ("changed", "unchanged", "new", "stale")
COLLECTED = ("changed", "unchanged", "new")
SITE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
SUBJECT_RE = re.compile(r"^inspection run (\d+), (\d{4}-\d{2}-\d{2})$")
PERIOD_LINE_RE = re.compile(r"^Period: (\d{4}-\d{2})$", re.M)
SINCE_PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
SINCE_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# variables of the git process that would point it at another repository
_GIT_ENV_DROP = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                 "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES")


class ArchiveError(StoreError):
    """The configuration archive cannot be used (git missing or failing, a bad site name)."""


@dataclass
class DeviceRecord:
    """A device's configuration in one run (a row of ``config_changes``)."""

    host: str
    platform: str
    status: str
    added: int | None = None
    removed: int | None = None
    commit: str = ""
    since_run: int | None = None
    why: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {"host": self.host, "platform": self.platform, "status": self.status,
                "added": self.added, "removed": self.removed, "commit": self.commit,
                "since_run": self.since_run, "why": self.why}


def archive_root(data_dir: str | Path) -> Path:
    return Path(data_dir) / ARCHIVE_DIR


def _make_root(data_dir: str | Path) -> Path:
    root = archive_root(data_dir)
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(N_("configuration archive %(path)s: cannot be created: %(reason)s"),
                           path=str(root), reason=exc.strerror or str(exc)) from exc
    return root


def salt(data_dir: str | Path) -> str:
    """The site installation's salt for the secrets' masks (created, mode 0600, on first
    use; a salt file readable by others is made private again)."""
    path = _make_root(data_dir) / SALT_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        value = path.read_text(encoding="ascii").strip()
        if value:
            return value
        raise ArchiveError(N_("configuration archive salt %(path)s: is empty; remove it to "
                              "make a new one (every masked secret then shows as changed "
                              "once)"), path=str(path)) from None
    value = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    return value


def site_dir(data_dir: str | Path, site: str) -> Path:
    if not SITE_RE.match(site or ""):
        raise ArchiveError(N_("site %(site)r: not usable as a configuration archive folder "
                              "name (letters, digits, '.', '_', '-')"), site=site)
    return archive_root(data_dir) / site


def file_name(host: str) -> str:
    """The device's file in the site's archive: its inventory name, any character other than
    letters, digits, '.', '_', '-' replaced by '_'."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", host)
    if name.startswith("."):
        name = "_" + name[1:]
    return (name or "_") + ".cfg"


# ----------------------------------------------------------------------------------- git
def _git(repo: Path, *args: str, when: dt.datetime | None = None,
         check: bool = True) -> str:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV_DROP}
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
                "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    if when is not None:
        stamp = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = stamp
    argv = ["git", "-C", str(repo), "-c", f"user.name={AUTHOR_NAME}",
            "-c", f"user.email={AUTHOR_EMAIL}", "-c", "commit.gpgsign=false",
            "-c", "core.autocrlf=false", "-c", "core.quotePath=false",
            "-c", "init.defaultBranch=main", *args]
    try:
        done = subprocess.run(argv, env=env, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise ArchiveError(N_("the configuration archive needs git, which is not installed"),
                           ) from exc
    if check and done.returncode != 0:
        raise ArchiveError(N_("configuration archive %(path)s: git %(command)s failed: "
                              "%(reason)s"), path=str(repo), command=args[0],
                           reason=done.stderr.decode("utf-8", "replace").strip()[-500:])
    return done.stdout.decode("utf-8", "replace")


def _ensure_repo(repo: Path) -> None:
    if (repo / ".git").is_dir():
        return
    try:
        repo.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(N_("configuration archive %(path)s: cannot be created: %(reason)s"),
                           path=str(repo), reason=exc.strerror or str(exc)) from exc
    _git(repo, "init", "-q")


@contextlib.contextmanager
def _locked(repo: Path):
    """One writer at a time per site (two runs of a site closing together)."""
    with open(repo / ".git" / "weibao.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _has_head(repo: Path) -> bool:
    return bool(_git(repo, "rev-parse", "-q", "--verify", "HEAD^{commit}", check=False).strip())


def _empty_tree(repo: Path) -> str:
    return _git(repo, "hash-object", "-t", "tree", os.devnull).strip()


@dataclass
class _Commit:
    sha: str
    when: dt.datetime
    run_id: int | None
    period: str | None
    body: str = ""


def _log(repo: Path, path: str | None = None) -> list[_Commit]:
    """The archive's commits, newest first (only those touching ``path`` when given)."""
    if not _has_head(repo):
        return []
    args = ["log", "--format=%H%x1f%at%x1f%s%x1f%b%x1e"]
    if path:
        args += ["--", path]
    out = []
    for entry in _git(repo, *args).split("\x1e"):
        entry = entry.strip("\n")
        if not entry:
            continue
        sha, stamp, subject, body = (entry.split("\x1f") + ["", "", ""])[:4]
        found = SUBJECT_RE.match(subject.strip())
        period = PERIOD_LINE_RE.search(body)
        out.append(_Commit(sha=sha, when=dt.datetime.fromtimestamp(int(stamp), dt.UTC),
                           run_id=int(found.group(1)) if found else None,
                           period=period.group(1) if period else None, body=body))
    return out


# ------------------------------------------------------------------------------ one run
@dataclass
class RunArchive:
    """The configurations collected during one inspection run of a site."""

    data_dir: Path
    site: str
    texts: dict[str, tuple[str, str | None, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
        self.repo = site_dir(self.data_dir, self.site)

    def record(self, host: str, platform: str, text: str | None, why: Any = None) -> None:
        """A device's configuration as its collector returned it (``text`` None: not
        collected, ``why`` says why). The last record of a host in a run wins."""
        if text is not None and not isinstance(text, str):
            text, why = None, why or {"key": "reason.not_understood",
                                      "params": {"source": "config", "detail": "not text"}}
        if text is not None:
            try:
                text = self._reclean(platform, text)
            except (ValueError, ArchiveError, OSError) as exc:  # never archived uncleaned
                text, why = None, {"key": "reason.text",
                                   "params": {"text": f"configuration not cleaned: {exc}"}}
        self.texts[host] = (platform, text, why)

    def _reclean(self, platform: str, text: str) -> str:
        from weibao.content import enable_module_utils

        enable_module_utils()
        from ansible.module_utils.weibao_inspection import config_clean

        if platform in config_clean.PLATFORMS:
            return config_clean.clean(platform, text, salt(self.data_dir))
        return text if text.endswith("\n") or not text else text + "\n"

    def commit(self, run_id: int, when: dt.datetime, *, period: str | None = None,
               expected: Mapping[str, str] | None = None,
               reasons: Mapping[str, Any] | None = None) -> list[DeviceRecord]:
        """Write the run's files and commit them once; a record per device: those recorded,
        and those ``expected`` ({host: platform}, the run's network devices) that were not
        (stale, with ``reasons[host]`` as why). Nothing recorded and nothing expected: no
        commit, no record."""
        hosts = dict(expected or {})
        hosts.update({h: p for h, (p, _t, _w) in self.texts.items()})
        if not hosts:
            return []
        _make_root(self.data_dir)
        _ensure_repo(self.repo)
        period = period or when.strftime("%Y-%m")
        with _locked(self.repo):
            records = self._write(hosts, reasons or {})
            body = [f"Period: {period}", ""] + [
                f"{r.status} {r.host}" + (f" +{r.added} -{r.removed}"
                                          if r.status == "changed" else "")
                for r in records]
            _git(self.repo, "commit", "-q", "--allow-empty", "-m",
                 f"inspection run {run_id}, {when.astimezone(dt.UTC):%Y-%m-%d}",
                 "-m", "\n".join(body), when=when)
            sha = _git(self.repo, "rev-parse", "HEAD").strip()
        for r in records:
            r.commit = sha
        return records

    def _write(self, hosts: Mapping[str, str], reasons: Mapping[str, Any]) -> list[DeviceRecord]:
        records: dict[str, DeviceRecord] = {}
        written = []
        for host in sorted(hosts):
            platform, text, why = self.texts.get(host, (hosts[host], None, None))
            path = self.repo / file_name(host)
            if text is None:
                records[host] = DeviceRecord(
                    host, platform, "stale",
                    why=why or reasons.get(host) or {"key": "reason.not_collected",
                                                    "params": {}})
                continue
            status = "new" if not path.exists() else (
                "unchanged" if path.read_text(encoding="utf-8") == text else "changed")
            if status != "unchanged":
                tmp = path.with_name(path.name + ".tmp")
                tmp.write_text(text, encoding="utf-8")
                os.replace(tmp, path)
                written.append(path.name)
            records[host] = DeviceRecord(host, platform, status)
        if written:
            _git(self.repo, "add", "--", *written)
        counts = _numstat(_git(self.repo, "diff", "--cached", "--numstat", "-z"))
        for r in records.values():
            if r.status in ("changed", "new"):
                r.added, r.removed = counts.get(file_name(r.host), (0, 0))
            elif r.status == "unchanged":
                r.added, r.removed = 0, 0
        return [records[h] for h in sorted(records)]


def _numstat(out: str) -> dict[str, tuple[int, int]]:
    counts = {}
    for entry in out.split("\0"):
        parts = entry.strip("\n").split("\t")
        if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit():
            counts[parts[2]] = (int(parts[0]), int(parts[1]))
    return counts


# ------------------------------------------------------------------------------- store
def save(store, run_id: int, records: Iterable[DeviceRecord]) -> None:
    """The run's records into ``config_changes``, each with the run whose copy it was
    compared with (``since_run``: the device's previous collected copy on this site)."""
    from sqlalchemy import func, select

    from weibao.store import ConfigChange, Run

    records = list(records)
    with store.session() as s:
        site = s.get(Run, run_id).site
        for r in records:
            r.since_run = s.scalar(
                select(func.max(ConfigChange.run_id))
                .join(Run, Run.id == ConfigChange.run_id)
                .where(Run.site == site, ConfigChange.host == r.host,
                       ConfigChange.run_id < run_id,
                       ConfigChange.status.in_(COLLECTED)))
            s.add(ConfigChange(run_id=run_id, host=r.host, platform=r.platform,
                               status=r.status, added=r.added, removed=r.removed,
                               commit=r.commit, since_run=r.since_run, why=r.why))


def run_records(store, run_id: int) -> dict[str, dict[str, Any]]:
    """What the monthly report shows per device of a run: {host: {status, state (the same),
    added, removed, why, commit, since: {run_id, inspected_at} | None}} (``inspected_at``:
    the compared run's start, UTC ISO-8601). A device absent has no archive record."""
    from sqlalchemy import select

    from weibao.store import ConfigChange, Run

    out: dict[str, dict[str, Any]] = {}
    with store.session() as s:
        for c in s.scalars(select(ConfigChange).where(ConfigChange.run_id == run_id)):
            since = None
            if c.since_run is not None:
                run = s.get(Run, c.since_run)
                since = {"run_id": c.since_run, "inspected_at": run.started_at.astimezone(
                    dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if run else None}
            out[c.host] = {"status": c.status, "state": c.status, "added": c.added,
                           "removed": c.removed, "why": c.why, "commit": c.commit,
                           "platform": c.platform, "since": since}
    return out


# -------------------------------------------------------------------------------- read
def sites(data_dir: str | Path) -> list[str]:
    root = archive_root(data_dir)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / ".git").is_dir())


def find_site(data_dir: str | Path, device: str, site: str | None = None) -> str:
    """The site whose archive holds ``device`` (``site`` checked when given)."""
    if site is not None:
        if site not in sites(data_dir):
            raise NotFound(N_("site %(site)r: no configuration archive (no network device of "
                              "it was inspected yet)"), site=site)
        if not (site_dir(data_dir, site) / file_name(device)).exists() \
                and not _log(site_dir(data_dir, site), file_name(device)):
            raise NotFound(N_("device %(device)r: not in the configuration archive of site "
                              "%(site)s"), device=device, site=site)
        return site
    found = [s for s in sites(data_dir)
             if (site_dir(data_dir, s) / file_name(device)).exists()]
    if not found:
        raise NotFound(N_("device %(device)r: not in any configuration archive"),
                       device=device)
    if len(found) > 1:
        raise ConfigError(N_("device %(device)r: in the configuration archives of several "
                             "sites (%(sites)s): give --site"), device=device,
                          sites=", ".join(found))
    return found[0]


@dataclass
class Diff:
    """A device's configuration diff: ``text`` (git's unified diff, "" when none) between
    the archive's copies of run ``from_run`` (None: nothing archived before) and ``to_run``."""

    site: str
    device: str
    text: str
    from_run: int | None
    from_date: str | None
    to_run: int | None
    to_date: str | None


def _since_base(commits: list[_Commit], since: str) -> _Commit | None:
    """The newest commit before ``since`` (YYYY-MM: a run of an earlier period; YYYY-MM-DD:
    a commit of an earlier day, UTC)."""
    if SINCE_PERIOD_RE.match(since):
        return next((c for c in commits
                     if (c.period or c.when.strftime("%Y-%m")) < since), None)
    if SINCE_DATE_RE.match(since):
        try:
            day = dt.datetime.strptime(since, "%Y-%m-%d").replace(tzinfo=dt.UTC)
        except ValueError:
            day = None
        if day is not None:
            return next((c for c in commits if c.when < day), None)
    raise ConfigError(N_("--since %(value)r: expected a period YYYY-MM or a date YYYY-MM-DD"),
                      value=since)


def diff(data_dir: str | Path, site: str | None, device: str,
         since: str | None = None) -> Diff:
    """``device``'s last configuration change, or with ``since`` every change since that
    period (YYYY-MM) or day (YYYY-MM-DD): its archived copy before then against the latest."""
    site = find_site(data_dir, device, site)
    repo = site_dir(data_dir, site)
    name = file_name(device)
    commits = _log(repo)
    if not commits:
        raise NotFound(N_("device %(device)r: not in the configuration archive of site "
                          "%(site)s"), device=device, site=site)
    head = commits[0]
    if since is not None:
        base = _since_base(commits, since)
    else:
        touched = _log(repo, name)
        if not touched:
            raise NotFound(N_("device %(device)r: not in the configuration archive of site "
                              "%(site)s"), device=device, site=site)
        head = touched[0]
        position = next(i for i, c in enumerate(commits) if c.sha == head.sha)
        base = commits[position + 1] if position + 1 < len(commits) else None
    text = _git(repo, "diff", "--no-color", "--no-ext-diff",
                base.sha if base else _empty_tree(repo), head.sha, "--", name)
    return Diff(site=site, device=device, text=text,
                from_run=base.run_id if base else None,
                from_date=base.when.strftime("%Y-%m-%d") if base else None,
                to_run=head.run_id, to_date=head.when.strftime("%Y-%m-%d"))


def listing(data_dir: str | Path, store=None, site: str | None = None) -> list[dict[str, Any]]:
    """Every archived device: {site, device, last_change_run, last_change_date, status
    (its state in the latest run that recorded it, from the store; None without a store),
    status_run}."""
    names = sites(data_dir)
    if site is not None:
        if site not in names:
            raise NotFound(N_("site %(site)r: no configuration archive (no network device of "
                              "it was inspected yet)"), site=site)
        names = [site]
    latest: dict[tuple[str, str], tuple[int, str]] = {}
    if store is not None:
        from sqlalchemy import select

        from weibao.store import ConfigChange, Run

        with store.session() as s:
            rows = s.execute(select(Run.site, ConfigChange.host, ConfigChange.run_id,
                                    ConfigChange.status)
                             .join(Run, Run.id == ConfigChange.run_id)
                             .order_by(ConfigChange.run_id))
            for row_site, host, run_id, status in rows:
                latest[(row_site, file_name(host))] = (run_id, status)
    out = []
    for name in names:
        repo = site_dir(data_dir, name)
        for path in sorted(repo.glob("*.cfg")):
            last = _log(repo, path.name)
            run_id, status = latest.get((name, path.name), (None, None))
            out.append({"site": name, "device": path.name[:-len(".cfg")],
                        "last_change_run": last[0].run_id if last else None,
                        "last_change_date": last[0].when.strftime("%Y-%m-%d")
                        if last else None,
                        "status": status, "status_run": run_id})
    return out
