"""Schedules as systemd timers: the unit files of a site's jobs, written, enabled, listed and
removed (``weibao schedule``).

Each job is a pair ``weibao-<site>-<job>.timer`` / ``.service`` (a oneshot service running one
weibao command). Inspections, backups and reports are ``Persistent=true``: a run missed while
the controller was off is made up when it comes back. A change is the opposite: its timer
fires at the window's start with ``Persistent=false``, and the run itself (``change run
--scheduled``) refuses when it starts more than a few minutes after the window opened, so a
missed night window is never run the next morning (ansible/awx#5014).

Units hold no secret: the data directory, the language, a database URL without a password and
the *path* of a vault password file (checked to be private) are all they carry.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from weibao import __version__
from weibao.errors import N_, ConfigError, WeibaoError

MARKER = "# weibao-schedule:"  # first line of every unit weibao writes: site, job
JOBS = ("inspect", "backup", "report", "annual", "holidays")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
DEFAULT_INSPECTION_DAY = 1
DEFAULT_INSPECTION_TIME = "09:00"


class ScheduleError(WeibaoError):
    """systemctl refused or is not there (exit 3: nothing was left installed)."""


@dataclass(frozen=True)
class Job:
    """One scheduled weibao command of a site."""

    site: str
    job: str  # inspect | backup | report | annual | holidays | change-<id>
    description: str
    on_calendar: str
    persistent: bool
    args: tuple[str, ...]  # weibao's arguments (after the executable)
    accuracy: str = "1min"

    @property
    def name(self) -> str:
        return f"weibao-{self.site}-{self.job}"


@dataclass(frozen=True)
class UnitContext:
    """What every unit of one installation shares."""

    weibao: tuple[str, ...]  # the command that runs weibao (absolute)
    working_dir: Path
    data_dir: Path
    lang: str | None = None
    db_url: str | None = None
    vault_password_file: Path | None = None
    run_as: str | None = None  # User= (system units only)
    environment: dict[str, str] = field(default_factory=dict)


# ----------------------------------------------------------------------------- the site's times


def site_times(raw: dict[str, Any], source: str) -> tuple[int, str]:
    """(day of month, HH:MM) of the site's monthly inspection: ``weibao_site.inspection_day``
    (1-28, so every month has it; default 1) and ``inspection_time`` (default 09:00)."""
    day = raw.get("inspection_day", DEFAULT_INSPECTION_DAY)
    if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 28:
        raise ConfigError(N_("inventory %(file)s: weibao_site.inspection_day: expected a day of "
                             "the month from 1 to 28, got %(value)r"), file=source, value=day)
    time = str(raw.get("inspection_time", DEFAULT_INSPECTION_TIME))
    if not TIME_RE.match(time):
        raise ConfigError(N_("inventory %(file)s: weibao_site.inspection_time: expected HH:MM "
                             "(24-hour clock), got %(value)r"), file=source, value=time)
    return day, time


def default_calendar(job: str, timezone: str, day: int, time: str) -> str:
    """The OnCalendar= of a job when the site sets no other, in the site's time zone.

    inspect: the site's day and time each month; backup: the same day at 02:00, before the
    inspection (whose report lists the backups); report: the 1st at 08:00 (the previous
    month's report); annual, holidays: every day at 09:00 (each says when nothing is due).
    """
    at = {"inspect": f"*-*-{day:02d} {time}:00", "backup": f"*-*-{day:02d} 02:00:00",
          "report": "*-*-01 08:00:00", "annual": "*-*-* 09:00:00",
          "holidays": "*-*-* 09:00:00"}[job]
    return f"{at} {timezone}"


def check_calendar(spec: str, option: str = "--on-calendar") -> None:
    """An OnCalendar= value systemd understands (``systemd-analyze calendar`` when there);
    one line naming the option otherwise."""
    if not spec.strip() or any(c in spec for c in "\n\r\\%"):
        raise ConfigError(N_("%(option)s %(value)r: not a systemd calendar specification"),
                          option=option, value=spec)
    tool = shutil.which("systemd-analyze")
    if tool is None:
        return
    proc = subprocess.run([tool, "calendar", spec], capture_output=True, text=True,
                          check=False, timeout=30)
    if proc.returncode != 0:
        raise ConfigError(N_("%(option)s %(value)r: not a systemd calendar specification "
                             "(%(problem)s)"), option=option, value=spec,
                          problem=(proc.stderr.strip().splitlines() or ["?"])[-1])


def site_jobs(site: str, timezone: str, raw: dict[str, Any], source: str, inventory: Path,
              wanted: tuple[str, ...], on_calendar: str | None = None) -> list[Job]:
    """The jobs ``wanted`` of a site, each with its command and calendar."""
    day, time = site_times(raw, source)
    inv = str(inventory)
    commands = {
        "inspect": (N_("monthly inspection"), ("inspect", "-i", inv, "--site", site), True),
        "backup": (N_("system backup"), ("backup", "run", "-i", inv, "--site", site), True),
        "report": (N_("monthly report of the previous month"),
                   ("report", "monthly", "--site", site, "--period", "previous", "-i", inv),
                   True),
        "annual": (N_("annual summary reminder"),
                   ("report", "annual", "--remind", "--site", site, "-i", inv), False),
        "holidays": (N_("holiday reminder"),
                     ("remind", "holidays", "--site", site, "-i", inv), False),
    }
    jobs = []
    for job in wanted:
        what, args, persistent = commands[job]
        jobs.append(Job(site=site, job=job, description=what,
                        on_calendar=on_calendar or default_calendar(job, timezone, day, time),
                        persistent=persistent, args=args))
    return jobs


def change_job(request: Any, request_path: Path, now: dt.datetime,
               grace_minutes: int) -> Job:
    """The job of a change run: its timer fires once, at the window's start in the window's
    time zone, never late (Persistent=false; ``change run --scheduled`` refuses a start more
    than ``grace_minutes`` after the window opened)."""
    window = request.window
    if now >= window.start:
        raise ConfigError(N_("%(file)s: the window of %(change)s opened at %(start)s: a change "
                             "is scheduled before its window, never late"),
                          file=str(request_path), change=request.id,
                          start=window.start.astimezone(ZoneInfo(window.timezone))
                          .strftime("%Y-%m-%d %H:%M %Z"))
    start = window.start.astimezone(ZoneInfo(window.timezone))
    return Job(site=request.site, job=f"change-{request.id}",
               description=N_("change run at the window's start"),
               on_calendar=f"{start:%Y-%m-%d %H:%M:%S} {window.timezone}", persistent=False,
               args=("change", "run", str(request_path), "--scheduled",
                     "--scheduled-grace", str(grace_minutes)),
               accuracy="1s")


def previous_period(kind_period: str, timezone: str, now: dt.datetime) -> str:
    """The period before the one ``now`` is in, in the site's time zone: ``YYYY-MM`` (month),
    ``YYYY-QN`` (quarter) or ``YYYY`` (year)."""
    local = now.astimezone(ZoneInfo(timezone))
    if kind_period == "month":
        year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
        return f"{year}-{month:02d}"
    if kind_period == "quarter":
        quarter = (local.month - 1) // 3
        return f"{local.year}-Q{quarter}" if quarter else f"{local.year - 1}-Q4"
    return str(local.year - 1)


# ----------------------------------------------------------------------------- unit files


def _quote(value: str) -> str:
    """One ExecStart= word: specifiers (%) and variables ($) taken literally, quoted when
    it holds a space or a quote."""
    if any(c in value for c in "\n\r\0"):
        raise ConfigError(N_("schedule: %(value)r: a line break cannot be in a unit file"),
                          value=value)
    text = value.replace("%", "%%").replace("$", "$$")
    if re.search(r"[\s\"'\\;]", text) or not text:
        text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def _env_line(name: str, value: str) -> str:
    if any(c in value for c in "\n\r\0"):
        raise ConfigError(N_("schedule: %(value)r: a line break cannot be in a unit file"),
                          value=value)
    text = f"{name}={value}".replace("%", "%%").replace("\\", "\\\\").replace('"', '\\"')
    return f'Environment="{text}"'


def unit_files(job: Job, ctx: UnitContext, system: bool) -> dict[str, str]:
    """{file name: text} of the job's timer and service."""
    header = (f"{MARKER} site={job.site} job={job.job}\n"
              f"# written by weibao {__version__} (weibao schedule install); "
              "re-run it rather than editing\n")
    timer = (header + "[Unit]\n"
             f"Description=weibao {job.site}: {job.description} (timer)\n\n"
             "[Timer]\n"
             f"OnCalendar={job.on_calendar}\n"
             f"Persistent={'true' if job.persistent else 'false'}\n"
             f"AccuracySec={job.accuracy}\n"
             f"Unit={job.name}.service\n\n"
             "[Install]\n"
             "WantedBy=timers.target\n")
    env = {"WEIBAO_DATA_DIR": str(ctx.data_dir), "PYTHONUNBUFFERED": "1"}
    if ctx.lang:
        env["WEIBAO_LANG"] = ctx.lang
    if ctx.db_url:
        env["WEIBAO_DB_URL"] = ctx.db_url
    if ctx.vault_password_file:
        env["ANSIBLE_VAULT_PASSWORD_FILE"] = str(ctx.vault_password_file)
    env.update(ctx.environment)
    lines = [header + "[Unit]",
             f"Description=weibao {job.site}: {job.description}",
             "After=network-online.target", "Wants=network-online.target", "",
             "[Service]", "Type=oneshot",
             f"WorkingDirectory={_quote(str(ctx.working_dir))}"]
    if system and ctx.run_as:
        lines.append(f"User={ctx.run_as}")
    lines += [_env_line(k, v) for k, v in env.items()]
    lines.append("ExecStart=" + " ".join(_quote(w) for w in (*ctx.weibao, *job.args)))
    service = "\n".join(lines) + "\n"
    return {f"{job.name}.timer": timer, f"{job.name}.service": service}


def verify(files: dict[str, str]) -> str | None:
    """``systemd-analyze verify`` of the units (in a scratch folder); its complaint, None when
    they pass or the tool is not there."""
    tool = shutil.which("systemd-analyze")
    if tool is None:
        return None
    with tempfile.TemporaryDirectory(prefix="weibao-units-") as scratch:
        paths = []
        for name, text in files.items():
            path = Path(scratch) / name
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        proc = subprocess.run([tool, "verify", "--man=no", *paths], capture_output=True,
                              text=True, check=False, timeout=60)
    if proc.returncode != 0:
        return (proc.stderr or proc.stdout).strip() or f"exit {proc.returncode}"
    return None


# ----------------------------------------------------------------------------- systemd


def unit_dir(system: bool) -> Path:
    if system:
        return Path("/etc/systemd/system")
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def weibao_command() -> tuple[str, ...]:
    """The weibao that is running now, as an absolute command."""
    script = Path(sys.executable).with_name("weibao")
    if script.exists():
        return (str(script),)
    found = shutil.which("weibao")
    return (str(Path(found).resolve()),) if found else (sys.executable, "-m", "weibao")


def check_vault_file(path: str) -> Path:
    """A vault password file a unit may name: there, readable, and not open to others (a
    plain file: no group/other access; a script: not writable by group/other)."""
    file = Path(path).expanduser().resolve()
    if not file.is_file() or not os.access(file, os.R_OK):
        raise ConfigError(N_("--vault-password-file %(file)s: not a readable file"),
                          file=str(file))
    mode = file.stat().st_mode & 0o777
    loose = mode & 0o022 if os.access(file, os.X_OK) else mode & 0o077
    if loose:
        raise ConfigError(N_("--vault-password-file %(file)s: mode %(mode)s lets others read "
                             "or change it; make it private (chmod 600) before a unit names it"),
                          file=str(file), mode=f"{mode:04o}")
    return file


def check_db_url(url: str | None) -> str | None:
    """The database URL a unit may carry: none with a password in it."""
    if not url:
        return None
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception as exc:  # noqa: BLE001 - sqlalchemy's ArgumentError and friends
        raise ConfigError(N_("--db-url: not a database URL")) from exc
    if parsed.password:
        raise ConfigError(N_("--db-url: holds a password, which a unit file must not; give "
                             "it through ~/.pgpass (PGPASSFILE) and a URL without it"))
    return url


class Systemd:
    """``systemctl`` of the user's manager (``--user``) or the system's."""

    def __init__(self, system: bool, runner: Any = subprocess.run) -> None:
        self.system = system
        self._run = runner

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        tool = shutil.which("systemctl")
        if tool is None:
            raise ScheduleError(N_("schedule: systemctl is not installed here (use --no-enable "
                                   "to only write the unit files)"))
        argv = [tool, *([] if self.system else ["--user"]), *args]
        proc = self._run(argv, capture_output=True, text=True, check=False, timeout=120)
        if check and proc.returncode != 0:
            raise ScheduleError(N_("schedule: %(command)s failed: %(problem)s"),
                                command=" ".join(argv[1:]),
                                problem=(proc.stderr.strip().splitlines() or
                                         [f"exit {proc.returncode}"])[-1])
        return proc

    def timers(self) -> dict[str, dict[str, Any]]:
        """{timer unit: {next, last}} from ``list-timers --output=json`` (UTC datetimes or
        None); {} when systemctl cannot say."""
        try:
            proc = self("list-timers", "--all", "--output=json", "--no-pager", check=False)
        except ScheduleError:
            return {}
        try:
            rows = json.loads(proc.stdout or "[]")
        except ValueError:
            return {}
        out = {}
        for row in rows if isinstance(rows, list) else []:
            if not isinstance(row, dict) or not row.get("unit"):
                continue
            out[row["unit"]] = {key: _usec(row.get(key)) for key in ("next", "last")}
        return out


def _usec(value: Any) -> dt.datetime | None:
    if not isinstance(value, int) or value <= 0:
        return None
    return dt.datetime.fromtimestamp(value / 1_000_000, tz=dt.UTC)


@dataclass
class Installed:
    site: str
    job: str
    timer: str
    on_calendar: str
    persistent: bool
    next: dt.datetime | None = None
    last: dt.datetime | None = None


def install(jobs: list[Job], ctx: UnitContext, directory: Path, system: bool,
            enable: bool = True, systemd: Systemd | None = None) -> list[Path]:
    """Write every job's units (checked first with systemd-analyze verify), then reload the
    manager and enable and start each timer. All or nothing: when a step fails, what was
    written is removed again."""
    files: dict[str, str] = {}
    for job in jobs:
        files.update(unit_files(job, ctx, system))
    problem = verify(files)
    if problem is not None:
        raise ConfigError(N_("schedule: systemd-analyze verify refused the units: %(problem)s"),
                          problem=problem.splitlines()[0])
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    previous: dict[Path, str] = {}
    try:
        for name, text in files.items():
            path = directory / name
            if path.exists():
                previous[path] = path.read_text(encoding="utf-8")
            tmp = path.with_name(f".{name}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.chmod(0o644)
            tmp.replace(path)
            written.append(path)
        if enable:
            ctl = systemd or Systemd(system)
            ctl("daemon-reload")
            for job in jobs:
                ctl("enable", "--now", f"{job.name}.timer")
    except BaseException:
        for path in written:
            if path in previous:
                path.write_text(previous[path], encoding="utf-8")
            else:
                path.unlink(missing_ok=True)
        if enable:
            (systemd or Systemd(system))("daemon-reload", check=False)
        raise
    return written


def _read_marker(path: Path) -> tuple[str, str] | None:
    try:
        first = path.read_text(encoding="utf-8").splitlines()[0]
    except (OSError, IndexError, UnicodeDecodeError):
        return None
    if not first.startswith(MARKER):
        return None
    fields = dict(part.split("=", 1) for part in first[len(MARKER):].split() if "=" in part)
    return (fields["site"], fields["job"]) if "site" in fields and "job" in fields else None


def installed(directory: Path, site: str | None = None,
              systemd: Systemd | None = None) -> list[Installed]:
    """The timers weibao wrote in ``directory`` (of ``site``), with their next and last
    elapse when systemctl can tell."""
    found = []
    for path in sorted(directory.glob("weibao-*.timer")) if directory.is_dir() else []:
        marker = _read_marker(path)
        if marker is None or (site and marker[0] != site):
            continue
        text = path.read_text(encoding="utf-8")
        calendar = re.search(r"^OnCalendar=(.*)$", text, re.M)
        persistent = re.search(r"^Persistent=(\S+)", text, re.M)
        found.append(Installed(site=marker[0], job=marker[1], timer=path.name,
                               on_calendar=calendar.group(1) if calendar else "",
                               persistent=bool(persistent and persistent.group(1) == "true")))
    if found and systemd is not None:
        times = systemd.timers()
        for item in found:
            elapse = times.get(item.timer) or {}
            item.next, item.last = elapse.get("next"), elapse.get("last")
    return found


def remove(directory: Path, site: str, jobs: tuple[str, ...] | None, system: bool,
           enable: bool = True, systemd: Systemd | None = None) -> list[str]:
    """Stop, disable and delete the site's timers (those of ``jobs``, else all) and their
    services; the timers removed.

    A persistent timer's stamp (when it last fired) is removed too, with ``systemctl clean
    --what=state`` as systemd.timer(5) asks before uninstalling one: left behind, a timer
    installed again months later would take the old stamp for a missed run and start the
    inspection or backup at once, at install time. systemd before 243 has no ``clean``; the
    stamp then stays, as it always did."""
    items = [i for i in installed(directory, site) if jobs is None or i.job in jobs]
    if not items:
        return []
    ctl = systemd or Systemd(system)
    if enable:
        for item in items:
            ctl("disable", "--now", item.timer, check=False)
        for item in items:
            if item.persistent:
                ctl("clean", "--what=state", item.timer, check=False)
    for item in items:
        (directory / item.timer).unlink(missing_ok=True)
        (directory / item.timer.replace(".timer", ".service")).unlink(missing_ok=True)
    if enable:
        ctl("daemon-reload")
        for item in items:
            ctl("reset-failed", item.timer.replace(".timer", ".service"), check=False)
    return [i.timer for i in items]
