"""The one wrapper around ansible-runner (after libvirt-ci's lcitool/ansible_wrapper.py).

It stages a private data directory inside weibao's archive, points Ansible at the project's
ansible.cfg (roles, plugins), streams every event to a handler, and lets Ctrl-C cancel the
run cleanly. Results are read from events, never from screen output.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from weibao.content import content_root
from weibao.errors import N_, RunnerError

MANIFEST = "MANIFEST.sha256"


@dataclass
class PlaybookResult:
    status: str  # successful | failed | timeout | canceled
    rc: int
    stdout_tail: str

# The longest task result ansible-runner keeps in an event (its MAX_EVENT_RES; a longer one
# is replaced by {}, which the streamer reports as the host's failure, never as inspected).
# A Linux host's whole inspection is one result (about 100 kB on a test host).
MAX_EVENT_RES = 64 * 1024 * 1024


def ansible_core_version() -> str:
    from ansible.release import __version__

    return __version__


# the plugins of the checkout weibao runs from (a content folder may hold playbooks only)
OWN_PLUGINS = Path(__file__).resolve().parents[3] / "plugins"

# Ansible's linear strategy checks every worker and sleeps 0.1 ms, over and over, while every
# fork is busy: over an inspection of hundreds of hosts that was about a fifth of the
# controller's CPU (issue 15). plugins/strategy/weibao_linear.py is linear waiting in the
# kernel instead. It subclasses linear's internals, which ansible-core does not promise to keep
# (2.19 deprecates strategies from outside ansible.builtin), so weibao selects it only on the
# releases it was checked against and leaves every other one on linear.
FAST_STRATEGY = "weibao_linear"
FAST_STRATEGY_RELEASES = ("2.19",)


# ssh_args of a run that execs once per host (see run_playbook's persistent_ssh)
ONE_EXEC_SSH_ARGS = "-o ControlMaster=no"


def strategy_env(version: str | None = None) -> dict[str, str]:
    """The environment that selects weibao_linear, or nothing on an unchecked ansible-core."""
    release = ".".join((version or ansible_core_version()).split(".")[:2])
    if release not in FAST_STRATEGY_RELEASES:
        return {}
    return {"ANSIBLE_STRATEGY": FAST_STRATEGY,
            "ANSIBLE_STRATEGY_PLUGINS": str(OWN_PLUGINS / "strategy")}


def write_event(events_dir: Path, event: dict[str, Any]) -> bool:
    """Write ``event`` to the archive as ansible-runner does (``<counter>-<uuid>.json``, mode
    0600, the same JSON, renamed into place when complete) but with the C encoder: its own
    ``json.dump`` into a codecs writer took most of the runner's CPU (issue 15). False when
    the event has no counter or uuid: ansible-runner then does what it does with those."""
    counter, uuid = event.get("counter"), event.get("uuid")
    if not counter or not uuid:
        return False
    path = events_dir / f"{counter}-{uuid}.json"
    tmp = path.with_name(path.name + ".tmp")
    if not events_dir.is_dir():  # as ansible-runner makes it
        events_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(json.dumps(event))
    os.replace(tmp, path)
    return True


def run_playbook(
    playbook: str,
    inventory: Path,
    private_data_dir: Path,
    extravars: dict[str, Any],
    limit: str | None,
    event_handler: Callable[[dict[str, Any]], None],
    cancelled: Callable[[], bool],
    *,
    check: bool = False,
    persistent_ssh: bool = True,
) -> PlaybookResult:
    """Run ``playbook`` (relative to the project) and stream its events to ``event_handler``.

    ``check`` runs it in check mode (``--check``: a rehearsal that changes nothing).
    ``persistent_ssh=False`` for a playbook that execs once per host (the inspection): no
    ControlPersist master (ansible.cfg's ssh_args) is left behind for 60 s per host, holding a
    connection to every host and its memory, for a second exec that never comes. A site's own
    ``ansible_ssh_args`` (inventory) or ``ANSIBLE_SSH_ARGS`` (environment) still wins.
    """
    import ansible_runner

    root = content_root()
    private_data_dir.mkdir(parents=True, exist_ok=True)
    # ansible-playbook must come from the same environment as weibao itself.
    bindir = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if bindir not in path.split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + path
    envvars = {
        "ANSIBLE_CONFIG": str(root / "ansible.cfg"),
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_NOCOLOR": "1",
        # ansible-runner turns host key checking off unless the environment says otherwise;
        # weibao's ansible.cfg keeps it on (a changed host key is not a host to trust)
        "ANSIBLE_HOST_KEY_CHECKING": os.environ.get("ANSIBLE_HOST_KEY_CHECKING", "True"),
        # ansible-runner's callback replaces a task result longer than this by {} (default
        # 700000 characters); a host's whole inspection is one result
        "MAX_EVENT_RES": str(MAX_EVENT_RES),
        # weibao's own actions (the change run ticket) whatever folder the content is in
        "ANSIBLE_ACTION_PLUGINS": os.pathsep.join(dict.fromkeys(
            [str(root / "plugins" / "action"), str(OWN_PLUGINS / "action")])),
        **strategy_env(),
    }
    if not persistent_ssh and "ANSIBLE_SSH_ARGS" not in os.environ:
        envvars["ANSIBLE_SSH_ARGS"] = ONE_EXEC_SSH_ARGS

    scrubbed = False

    events_dir = private_data_dir / "artifacts" / "ansible" / "job_events"

    def handle(event: dict[str, Any]) -> bool:
        nonlocal scrubbed
        if not scrubbed:  # ansible-runner wrote artifacts/<ident>/command before the run
            scrubbed = scrub_command_env(private_data_dir)
        event_handler(event)
        return not write_event(events_dir, event)  # kept in the archive, written by us

    try:
        runner = ansible_runner.run(
            private_data_dir=str(private_data_dir),
            ident="ansible",
            project_dir=str(root),
            playbook=str(root / playbook),
            inventory=str(inventory),
            extravars=extravars,
            limit=limit or None,
            envvars=envvars,
            # no jsonfile fact cache in the archive: facts hold each host's environment
            # (ansible_env), which weibao neither needs nor may keep
            fact_cache_type="memory",
            event_handler=handle,
            cancel_callback=cancelled,
            cmdline="--check" if check else None,
            # the cancel callback is polled each time pexpect wakes up (default: 5 s)
            settings={"pexpect_timeout": 1},
            quiet=True,
            json_mode=False,
        )
    except Exception as exc:  # ansible-runner raises plain exceptions when it cannot start
        raise RunnerError(N_("ansible-runner could not start: %(reason)s"),
                          reason=str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                          ) from exc
    scrub_command_env(private_data_dir)
    if runner.status in ("canceled", "timeout"):
        stop_leftovers(private_data_dir)
    tail = ""
    stdout = private_data_dir / "artifacts" / "ansible" / "stdout"
    if stdout.exists():
        with stdout.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 4000))
            tail = fh.read().decode("utf-8", "replace")
    return PlaybookResult(status=runner.status, rc=runner.rc or 0, stdout_tail=tail)


# Environment variables kept with their value in the archived command; any other variable
# of the controller's environment (a database URL with its password, a token) keeps only its
# name there. ansible-runner records the whole environment it started ansible-playbook with.
ARCHIVED_ENV = ("ANSIBLE_", "AWX_", "RUNNER_", "LANG", "LC_", "PATH", "PWD", "HOME", "USER",
                "LOGNAME", "PYTHON", "CONTAINERS_CONF", "TZ", "JOB_ID")
NOT_ARCHIVED = "(not archived)"


def scrub_command_env(private_data_dir: Path) -> bool:
    """Replace the values of environment variables that are not Ansible's own in every
    ``artifacts/*/command`` of the run (the archive keeps the names); True when one was
    found. Idempotent; the file is replaced atomically."""
    import json

    done = False
    for command in Path(private_data_dir).glob("artifacts/*/command"):
        try:
            data = json.loads(command.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        env = data.get("env") if isinstance(data, dict) else None
        if isinstance(env, dict):
            data["env"] = {k: v if _archivable(k) else NOT_ARCHIVED for k, v in env.items()}
            tmp = command.with_name(command.name + ".tmp")
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, command)
        done = True
    return done


def _archivable(name: str) -> bool:
    if not name.startswith(ARCHIVED_ENV):
        return False
    # ANSIBLE_VAULT_PASSWORD_FILE is a path: kept; anything else naming a secret is not
    words = name.split("_")
    return name.endswith("_FILE") or not (
        {"PASSWORD", "PASSWD", "PASS", "SECRET", "TOKEN"} & set(words) or words[-1] == "KEY")


def find_leftovers(private_data_dir: Path) -> dict[int, str]:
    """Processes of the run whose private data directory is ``private_data_dir`` that are
    still running on this controller, as {pid: command line}.

    ansible-core 2.19's ansible-playbook forks its worker into a session of its own, and
    ansible-runner's cancel kills only the process it started: the worker and its module
    processes would go on with the playbook. They are found by the environment ansible-runner
    gives them (``AWX_ISOLATED_DATA_DIR`` inside this run's private data directory). A process
    that has ended but is not yet reaped (a zombie) has no environment and is not listed.
    """
    directory = f"{Path(private_data_dir).resolve()}/"
    needle = f"AWX_ISOLATED_DATA_DIR={directory}".encode()
    found: dict[int, str] = {}
    proc = Path("/proc")
    for entry in proc.iterdir() if proc.is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # gone
        # ansible-playbook's command line names the run's files (-e @<dir>/env/extravars):
        # readable even when the process is another user's (a run started with sudo)
        ours = directory.encode() in argv
        if not ours:
            try:
                ours = needle in (entry / "environ").read_bytes()
            except OSError:
                continue  # gone, or another user's process that does not name the run
        if ours:
            command = argv.replace(b"\0", b" ").strip()
            found[int(entry.name)] = command.decode("utf-8", "replace")[:200]
    return found


def stop_leftovers(private_data_dir: Path) -> list[int]:
    """Kill what a cancelled (or orphaned) run left running (see :func:`find_leftovers`);
    returns the process groups killed. weibao's own process group is never killed."""
    own = os.getpgid(0)
    groups: set[int] = set()
    for pid in find_leftovers(private_data_dir):
        try:
            groups.add(os.getpgid(pid))
        except ProcessLookupError:
            continue
    killed = []
    for group in sorted(groups - {own}):
        try:
            os.killpg(group, signal.SIGKILL)
            killed.append(group)
        except (ProcessLookupError, PermissionError):
            continue
    return killed


def stop_and_wait(private_data_dir: Path, wait: float = 5.0) -> tuple[dict[int, str],
                                                                     dict[int, str]]:
    """Stop what the run left running and wait (up to ``wait`` seconds) for it to be gone.
    Returns (what was found running: {pid: command}, what still runs afterwards)."""
    found = find_leftovers(private_data_dir)
    if not found:
        return {}, {}
    stop_leftovers(private_data_dir)
    deadline = time.monotonic() + wait
    while True:
        left = find_leftovers(private_data_dir)
        if not left or time.monotonic() >= deadline:
            return found, left
        time.sleep(0.05)
        stop_leftovers(private_data_dir)  # a process forked meanwhile


def write_manifest(directory: Path) -> str:
    """sha256 of every archived file (``sha256sum -c`` format); returns the manifest's digest."""
    lines = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and p.name != MANIFEST):
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                digest.update(block)
        lines.append(f"{digest.hexdigest()}  {path.relative_to(directory).as_posix()}\n")
    data = "".join(lines).encode()
    (directory / MANIFEST).write_bytes(data)
    return hashlib.sha256(data).hexdigest()
