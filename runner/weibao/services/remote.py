"""Inspections that run somewhere else: ansible-runner's streaming protocol, offline bundles,
AWX job events.

ansible-runner splits a run into three steps that talk over a byte stream (the protocol
AWX's Receptor mesh carries): ``transmit`` packs the private data directory (project,
inventory, env/) and the run's arguments into a stream; ``worker`` unpacks it, runs
ansible-playbook and streams the events and artifacts back; ``process`` reads that stream
and calls the event handler. Here the handler is the same InspectionRun.handle a local run
uses, so the store, the archive and the reports are the same whichever way the events came.

* a site controller (``weibao inspect --via HOST``): transmit | ssh HOST ansible-runner worker
  | process, in one go;
* an offline site: the transmit stream in a signed bundle (``--offline-bundle FILE``), run by
  ``weibao worker`` on site into a result file, which ``weibao import`` processes;
* AWX: a job's exported events (``weibao import --awx-job-events FILE``) fed to the handler.

The project content that travels is only what Ansible needs (ansible.cfg, playbooks/,
roles/ without their Molecule scenarios, plugins/): the worker needs ansible-runner,
ansible-core and the collections, not weibao.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select

from weibao import signing
from weibao.config import Settings
from weibao.content import content_root
from weibao.errors import EXIT_USAGE, N_, ConfigError, RunnerError, WeibaoError
from weibao.services import ansible as ansible_svc
from weibao.services import config_archive
from weibao.services import inspection as insp
from weibao.services.inventory import Inventory, Site
from weibao.store import Run, Store

BUNDLE_NAMESPACE = "weibao-bundle"
RESULT_NAMESPACE = "weibao-result"
BUNDLE_FORMAT = "weibao-bundle/1"
RESULT_FORMAT = "weibao-result/1"
# the members of a bundle and of a result (plain tar files, nothing else is read)
B_MANIFEST, B_SIG, B_STREAM = "manifest.json", "manifest.json.sig", "transmit.stream"
R_MANIFEST, R_SIG, R_STREAM = "result.json", "result.json.sig", "worker.stream"
IDENT = "ansible"
DEFAULT_WORKER_COMMAND = "ansible-runner worker"
SIGNER_RE = signing.PRINCIPAL_RE
# what of the project travels to the worker (relative to the content root)
PROJECT_PARTS = ("ansible.cfg", "playbooks", "roles", "plugins", "collections")
PROJECT_SKIP = shutil.ignore_patterns("molecule", "__pycache__", "*.pyc", ".*", "tests")


class RefusedError(WeibaoError):
    """A bundle or result that is not what it claims (signature, digest, already imported)."""

    exit_code = EXIT_USAGE


# ---------------------------------------------------------------- staging and transmit


def stage(staging: Path, inventory: Inventory) -> tuple[Path, Path]:
    """A private data directory for transmit: project/ (the content Ansible needs) and
    inventory/ (a copy of the site's inventory, people files left out). Returns the
    playbook and inventory paths inside it."""
    root = content_root()
    project = staging / "project"
    project.mkdir(parents=True)
    for part in PROJECT_PARTS:
        src = root / part
        if src.is_dir():
            shutil.copytree(src, project / part, ignore=PROJECT_SKIP)
        elif src.is_file():
            shutil.copy2(src, project / part)
    if not (project / "plugins").is_dir() and ansible_svc.OWN_PLUGINS.is_dir():
        shutil.copytree(ansible_svc.OWN_PLUGINS, project / "plugins", ignore=PROJECT_SKIP)
    inv_src = Path(inventory.path)
    inv_dst = staging / "inventory" / inv_src.name
    people = shutil.ignore_patterns("people.yml", "people.yaml", "people.vouched.yml",
                                    "people.vouched.yaml", ".*")
    if inv_src.is_dir():
        shutil.copytree(inv_src, inv_dst, ignore=people)
    else:
        inv_dst.parent.mkdir(parents=True)
        shutil.copy2(inv_src, inv_dst)
    return project / insp.PLAYBOOK, inv_dst


def envvars() -> dict[str, str]:
    """The environment of the remote ansible-playbook: no paths of this machine (the worker
    runs in the project folder it unpacked, where Ansible finds ansible.cfg itself)."""
    return {
        "ANSIBLE_CONFIG": "ansible.cfg",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_HOST_KEY_CHECKING": os.environ.get("ANSIBLE_HOST_KEY_CHECKING", "True"),
        "MAX_EVENT_RES": str(ansible_svc.MAX_EVENT_RES),
        # one exec per host, as a local inspection: no ssh master left on the site controller
        "ANSIBLE_SSH_ARGS": ansible_svc.ONE_EXEC_SSH_ARGS,
    }


def transmit(out, inventory: Inventory, extravars: dict[str, Any], limit: str | None,
             keep_env: Path | None = None) -> None:
    """Write the transmit stream of the monthly inspection to the binary file ``out``;
    ``keep_env``: a run's private data directory that keeps the run's env/ as a local run's
    archive does (the salt is scrubbed when the run closes)."""
    import ansible_runner

    with tempfile.TemporaryDirectory(prefix="weibao-transmit-") as tmp:
        staging = Path(tmp)
        playbook, inv = stage(staging, inventory)
        try:
            ansible_runner.run(
                streamer="transmit", _output=out, private_data_dir=str(staging),
                ident=IDENT, playbook=str(playbook), inventory=str(inv),
                extravars=extravars, limit=limit or None, envvars=envvars(),
                fact_cache_type="memory", settings={"pexpect_timeout": 1}, quiet=True)
        except Exception as exc:  # ansible-runner raises plain exceptions
            raise RunnerError(N_("ansible-runner transmit failed: %(reason)s"),
                              reason=str(exc).splitlines()[0] if str(exc)
                              else type(exc).__name__) from exc
        if keep_env is not None:
            keep_env.mkdir(parents=True, exist_ok=True)
            _keep_env(staging, keep_env)


def process(stream, private_dir: Path, event_handler: Callable[[dict[str, Any]], None]
            ) -> tuple[str, str]:
    """Feed a worker's stream through ``ansible-runner process`` into ``event_handler``;
    the artifacts land in ``private_dir``/artifacts/ansible. Returns the worker's status
    and ansible-runner's last explanation of an error ("" when none)."""
    from ansible_runner.streaming import Processor

    private_dir.mkdir(parents=True, exist_ok=True)
    explanation: list[str] = []

    def on_status(data: dict[str, Any], runner_config=None) -> None:
        if data.get("job_explanation"):
            explanation.append(str(data["job_explanation"]))

    events_dir = private_dir / "artifacts" / IDENT / "job_events"

    def on_event(event: dict[str, Any]) -> bool:
        event_handler(event)
        return not ansible_svc.write_event(events_dir, event)  # archived by weibao

    processor = Processor(_input=stream, private_data_dir=str(private_dir), ident=IDENT,
                          event_handler=on_event, status_handler=on_status, quiet=True)
    processor.run()
    ansible_svc.scrub_command_env(private_dir)  # the worker's environment: names only
    return processor.status, explanation[-1] if explanation else ""


def _result(private_dir: Path, status: str, extra: str = "") -> ansible_svc.PlaybookResult:
    tail = ""
    stdout = private_dir / "artifacts" / IDENT / "stdout"
    if stdout.exists():
        tail = stdout.read_bytes()[-4000:].decode("utf-8", "replace")
    if status not in ("successful", "failed", "timeout", "canceled"):
        status = "failed"
    return ansible_svc.PlaybookResult(status=status, rc=0 if status == "successful" else 1,
                                      stdout_tail=(tail + "\n" + extra).strip())


def _keep_env(staging: Path, private_dir: Path) -> None:
    env = staging / "env"
    if env.is_dir():
        shutil.copytree(env, private_dir / "env", dirs_exist_ok=True)


# ---------------------------------------------------------------- a site controller (--via)


def ssh_command(host: str, worker_command: str, ssh_options: tuple[str, ...] = ()
                ) -> list[str]:
    if not host or host.startswith("-"):
        raise ConfigError(N_("--via %(value)r: expected an ssh destination, e.g. "
                             "ops@controller.example or ssh://ops@10.0.0.5:2222"), value=host)
    args = ["ssh", "-o", "BatchMode=yes", "-T"]
    for opt in ssh_options:
        if "=" not in opt or opt.startswith("-"):
            raise ConfigError(N_("--via-ssh-option %(value)r: expected NAME=VALUE (an ssh -o "
                                 "option, e.g. Port=2222)"), value=opt)
        args += ["-o", opt]
    return [*args, "--", host, worker_command]


def via_runner(host: str, worker_command: str = DEFAULT_WORKER_COMMAND,
               ssh_options: tuple[str, ...] = (), inventory: Inventory | None = None):
    """A runner for insp.run_inspection: transmit | ssh HOST WORKER | process."""
    command = ssh_command(host, worker_command, ssh_options)

    def run(private_dir: Path, extravars: dict[str, Any], limit: str | None,
            event_handler, cancelled) -> ansible_svc.PlaybookResult:
        with tempfile.TemporaryDirectory(prefix="weibao-via-") as tmp:
            stream_path = Path(tmp) / B_STREAM
            with stream_path.open("wb") as out:
                transmit(out, inventory, extravars, limit, keep_env=private_dir)
            errors = Path(tmp) / "ssh.stderr"
            with stream_path.open("rb") as stdin, errors.open("wb") as err:
                proc = subprocess.Popen(command, stdin=stdin, stdout=subprocess.PIPE,
                                        stderr=err)
                stop = threading.Event()
                stopped = {"flag": False}

                def watch() -> None:
                    while not stop.wait(0.5):
                        if cancelled():
                            stopped["flag"] = True
                            proc.terminate()
                            return

                watcher = threading.Thread(target=watch, daemon=True)
                watcher.start()
                try:
                    status, explained = process(proc.stdout, private_dir, event_handler)
                finally:
                    stop.set()
                    proc.stdout.close()
                    rc = proc.wait()
            why = errors.read_text(encoding="utf-8", errors="replace").strip()
        if stopped["flag"] or cancelled():
            return _result(private_dir, "canceled")
        if status in ("unstarted", "error") or (rc != 0 and status not in ("successful",
                                                                         "failed")):
            line = (why.splitlines() or [explained or f"exit {rc}"])[-1]
            raise RunnerError(N_("--via %(host)s: the site controller's worker did not run "
                                 "(ssh exit %(rc)s): %(why)s"), host=host, rc=rc, why=line)
        return _result(private_dir, status)

    run.detail = {"source": "via", "via": host}  # type: ignore[attr-defined]
    return run


# ---------------------------------------------------------------- offline bundles


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tar_write(path: Path, members: dict[str, Path | bytes]) -> None:
    """A plain tar of ``members`` written atomically (a partial file is never left)."""
    tmp = path.with_name(path.name + ".part")
    try:
        with tarfile.open(tmp, "w") as tar:
            for name, src in members.items():
                if isinstance(src, bytes):
                    info = tarfile.TarInfo(name)
                    info.size = len(src)
                    info.mode = 0o600
                    tar.addfile(info, io.BytesIO(src))
                else:
                    info = tar.gettarinfo(str(src), arcname=name)
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    info.mode = 0o600
                    with src.open("rb") as fh:
                        tar.addfile(info, fh)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _tar_read(path: Path, names: tuple[str, ...], required: tuple[str, ...], label: str,
              into: Path) -> dict[str, Path]:
    """The named regular-file members of the tar ``path`` extracted into ``into``; anything
    else in it is ignored, never extracted."""
    found: dict[str, Path] = {}
    try:
        with tarfile.open(path, "r:") as tar:
            for member in tar.getmembers():
                if member.name in names and member.isfile() and member.name not in found:
                    dst = into / member.name
                    src = tar.extractfile(member)
                    with dst.open("wb") as out:
                        shutil.copyfileobj(src, out)
                    found[member.name] = dst
    except (OSError, tarfile.TarError) as exc:
        raise RefusedError(N_("%(what)s %(file)s: not a readable %(what)s (%(why)s)"),
                           what=label, file=str(path), why=str(exc).splitlines()[0]
                           if str(exc) else type(exc).__name__) from exc
    missing = [n for n in required if n not in found]
    if missing:
        raise RefusedError(N_("%(what)s %(file)s: %(member)s is missing"), what=label,
                           file=str(path), member=missing[0])
    return found


def _json(path: Path, label: str, file: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RefusedError(N_("%(what)s %(file)s: %(member)s is not JSON"), what=label,
                           file=str(file), member=path.name) from exc
    if not isinstance(data, dict):
        raise RefusedError(N_("%(what)s %(file)s: %(member)s is not a JSON object"),
                           what=label, file=str(file), member=path.name)
    return data


def bundles_dir(settings: Settings) -> Path:
    return settings.data_dir / "bundles"


def extravars_for(settings: Settings, store: Store, inventory: Inventory, period: str
                  ) -> dict[str, Any]:
    """The extra variables a local run would give the playbook (insp.run_inspection)."""
    ev = {"weibao_last_inspection": insp.last_inspections(store, inventory.site.name,
                                                          inventory.hosts),
          "weibao_period": period,
          "weibao_previous_counters": insp.previous_counters(store, inventory.site.name,
                                                             inventory.hosts)}
    if any(p in insp.network_platforms() for p in inventory.platforms.values()):
        ev[insp.SALT_VAR] = config_archive.salt(settings.data_dir)
    return ev


def make_bundle(settings: Settings, store: Store, inventory: Inventory, period: str,
                limit: str | None, out: Path, key: str, signer: str,
                user: str | None = None) -> dict[str, Any]:
    """The office side of an offline site: the transmit stream and a manifest, signed with
    the provider's key in namespace weibao-bundle. The manifest is also kept in the data
    directory (bundles/ID.json): only a result of a bundle this office made is imported."""
    if not SIGNER_RE.match(signer):
        raise ConfigError(N_("--signer %(value)r: expected a plain id (a-z, 0-9, . _ -)"),
                          value=signer)
    if out.exists() and out.is_dir():
        raise ConfigError(N_("--offline-bundle %(file)s: is a folder"), file=str(out))
    if not out.parent.is_dir():
        raise ConfigError(N_("--offline-bundle %(file)s: its folder does not exist"),
                          file=str(out))
    extravars = extravars_for(settings, store, inventory, period)
    bundle_id = str(uuid.uuid4())
    with tempfile.TemporaryDirectory(prefix="weibao-bundle-") as tmp:
        stream = Path(tmp) / B_STREAM
        with stream.open("wb") as fh:
            transmit(fh, inventory, extravars, limit)
        manifest = {
            "format": BUNDLE_FORMAT, "bundle_id": bundle_id, "signer": signer,
            "created_at": insp.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "site": inventory.site.as_dict(), "period": period, "limit": limit or "",
            "hosts": list(inventory.hosts), "assets": inventory.assets,
            "platforms": inventory.platforms, "inventory": str(inventory.path),
            "playbook": insp.PLAYBOOK, "user": user or "",
            "stream_sha256": _sha256(stream), "stream_size": stream.stat().st_size,
        }
        data = (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1)
                + "\n").encode()
        sig = signing.sign(data, key, namespace=BUNDLE_NAMESPACE).encode()
        keep = bundles_dir(settings)
        keep.mkdir(parents=True, exist_ok=True)
        _tar_write(out, {B_MANIFEST: data, B_SIG: sig, B_STREAM: stream})
        (keep / f"{bundle_id}.json").write_bytes(data)
    return manifest


def _verify(data: bytes, sig_path: Path | None, signer: str, allowed: Path, namespace: str,
            label: str, file: Path) -> None:
    try:
        allowed_text = allowed.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(N_("--allowed-signers %(file)s: cannot be read (%(why)s)"),
                          file=str(allowed), why=exc.strerror or type(exc).__name__) from exc
    if sig_path is None:
        raise RefusedError(N_("%(what)s %(file)s: is not signed"), what=label, file=str(file))
    if not SIGNER_RE.match(str(signer)):
        raise RefusedError(N_("%(what)s %(file)s: signer %(signer)r is not a valid id"),
                           what=label, file=str(file), signer=str(signer))
    try:
        signing.verify(data, sig_path.read_text(encoding="ascii", errors="replace"), signer,
                       allowed_text, namespace=namespace, what=f"{label} {file}")
    except signing.SignatureError as exc:  # bad input here: refused with exit 3
        raise RefusedError(exc.message, **exc.params) from exc


@dataclass(frozen=True)
class SignedKind:
    """A kind of signed archive (a bundle, a result): its members, the namespace its manifest
    is signed in, its format and its own two messages (each its own msgid, translated)."""

    label: str
    manifest: str
    sig: str
    stream: str
    namespace: str
    format: str
    bad_format: str
    bad_stream: str
    signed: bool  # True: never opened without --allowed-signers


BUNDLE_KIND = SignedKind(
    "bundle", B_MANIFEST, B_SIG, B_STREAM, BUNDLE_NAMESPACE, BUNDLE_FORMAT,
    N_("bundle %(file)s: format %(found)r, expected %(expected)r"),
    N_("bundle %(file)s: %(member)s does not match the signed manifest's sha256 (changed "
       "after signing)"),
    signed=True)
RESULT_KIND = SignedKind(
    "result", R_MANIFEST, R_SIG, R_STREAM, RESULT_NAMESPACE, RESULT_FORMAT,
    N_("result %(file)s: format %(found)r, expected %(expected)r"),
    N_("result %(file)s: %(member)s does not match its sha256 (changed or damaged)"),
    signed=False)


class Opened(NamedTuple):
    manifest: dict[str, Any]
    data: bytes  # the manifest's bytes, as signed
    stream: Path  # the stream, extracted


def _open_signed(path: Path, kind: SignedKind, allowed: Path | None, into: Path) -> Opened:
    """The archive ``path`` of ``kind``, checked in this order before anything uses it: its
    members (only they are extracted, into ``into``), the manifest (a JSON object), its
    signature against ``allowed`` (skipped only for a kind that may come unsigned, when no
    allowed signers are given), its format, the stream's sha256 against the manifest."""
    if allowed is None and kind.signed:  # a caller's bug: never opened unverified
        raise ValueError(f"a {kind.label} is opened only against allowed signers")
    parts = _tar_read(path, (kind.manifest, kind.sig, kind.stream),
                      (kind.manifest, kind.stream), kind.label, into)
    data = parts[kind.manifest].read_bytes()
    manifest = _json(parts[kind.manifest], kind.label, path)
    if allowed is not None:
        _verify(data, parts.get(kind.sig), str(manifest.get("signer")), allowed,
                kind.namespace, kind.label, path)
    if manifest.get("format") != kind.format:
        raise RefusedError(kind.bad_format, file=str(path), found=manifest.get("format"),
                           expected=kind.format)
    if _sha256(parts[kind.stream]) != manifest.get("stream_sha256"):
        raise RefusedError(kind.bad_stream, file=str(path), member=kind.stream)
    return Opened(manifest, data, parts[kind.stream])


def run_bundle(bundle: Path, out: Path, allowed: Path, worker_command: str | None = None,
               key: str | None = None, signer: str = "site") -> dict[str, Any]:
    """The site side: verify the bundle against the provider's key BEFORE anything runs,
    run ``ansible-runner worker`` on its stream, write the result (the worker's stream, its
    sha256, signed with the site's key when one is given)."""
    if out.exists() and out.is_dir():
        raise ConfigError(N_("--out %(file)s: is a folder"), file=str(out))
    if not out.parent.is_dir():
        raise ConfigError(N_("--out %(file)s: its folder does not exist"), file=str(out))
    if key is not None and not SIGNER_RE.match(signer):
        raise ConfigError(N_("--signer %(value)r: expected a plain id (a-z, 0-9, . _ -)"),
                          value=signer)
    with tempfile.TemporaryDirectory(prefix="weibao-worker-") as tmp:
        work = Path(tmp)
        manifest, data, bundle_stream = _open_signed(bundle, BUNDLE_KIND, allowed, work)
        # verified: now, and only now, something runs
        command = shlex.split(worker_command) if worker_command else _local_worker()
        # the result leaves the site: the worker's recorded environment (artifacts' command)
        # must hold no secret, so the worker gets only what Ansible and ssh need
        env = {k: v for k, v in os.environ.items()
               if ansible_svc._archivable(k) or k in ("SSH_AUTH_SOCK", "TMPDIR")}
        bindir = str(Path(sys.executable).parent)
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
        private = work / "private"
        private.mkdir()
        result_stream = work / R_STREAM
        started = insp.utcnow()
        with bundle_stream.open("rb") as stdin, result_stream.open("wb") as stdout:
            proc = subprocess.run([*command, "--private-data-dir", str(private)],
                                  stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                                  env=env, check=False)
        if proc.returncode != 0 and result_stream.stat().st_size == 0:
            raise RunnerError(N_("ansible-runner worker exited %(rc)s: %(why)s"),
                              rc=proc.returncode, why=(proc.stderr.decode(
                                  "utf-8", "replace").strip().splitlines() or [""])[-1])
        result = {
            "format": RESULT_FORMAT, "bundle_id": manifest["bundle_id"],
            "bundle_manifest_sha256": hashlib.sha256(data).hexdigest(),
            "site": (manifest.get("site") or {}).get("name", ""),
            "period": manifest.get("period", ""),
            "started_at": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "ended_at": insp.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "worker_host": socket.gethostname(), "worker_rc": proc.returncode,
            "stream_sha256": _sha256(result_stream),
            "stream_size": result_stream.stat().st_size,
            "signer": signer if key else "",
        }
        rdata = (json.dumps(result, ensure_ascii=False, sort_keys=True, indent=1)
                 + "\n").encode()
        members: dict[str, Path | bytes] = {R_MANIFEST: rdata, R_STREAM: result_stream}
        if key:
            members[R_SIG] = signing.sign(rdata, key, namespace=RESULT_NAMESPACE).encode()
        _tar_write(out, members)
    return result


def _local_worker() -> list[str]:
    script = Path(sys.executable).with_name("ansible-runner")
    if script.exists():
        return [str(script), "worker"]
    return shlex.split(DEFAULT_WORKER_COMMAND)


def already_imported(store: Store, key: str, value: str) -> int | None:
    with store.session() as s:
        for run_id, detail in s.execute(select(Run.id, Run.detail)):
            if isinstance(detail, dict) and detail.get(key) == value:
                return run_id
    return None


def inventory_from(manifest: dict[str, Any]) -> Inventory:
    site = dict(manifest.get("site") or {})
    known = {f for f in Site.__dataclass_fields__}
    return Inventory(path=Path(str(manifest.get("inventory", ""))),
                     site=Site(**{k: v for k, v in site.items() if k in known}),
                     hosts=list(manifest.get("hosts") or []),
                     assets=dict(manifest.get("assets") or {}),
                     platforms=dict(manifest.get("platforms") or {}))


@dataclass
class Imported:
    outcome: insp.InspectionOutcome
    source: str


def import_result(settings: Settings, store: Store, result_file: Path,
                  allowed: Path | None = None, on_progress=lambda p, h: None,
                  user: str | None = None) -> Imported:
    """The office side again: check the result (digest, signature when --allowed-signers is
    given, a bundle this office made, not imported before), then process its stream into a
    run exactly as a local run's events are."""
    tmp = Path(tempfile.mkdtemp(prefix="weibao-import-"))
    try:
        result, _, worker_stream = _open_signed(result_file, RESULT_KIND, allowed, tmp)
        bundle_id = str(result.get("bundle_id") or "")
        kept = bundles_dir(settings) / f"{bundle_id}.json"
        if not re.fullmatch(r"[0-9a-f-]{36}", bundle_id) or not kept.is_file():
            raise RefusedError(N_("result %(file)s: bundle %(id)r was not made by this office "
                                  "(no %(kept)s)"), file=str(result_file), id=bundle_id,
                               kept=str(kept))
        mdata = kept.read_bytes()
        if hashlib.sha256(mdata).hexdigest() != result.get("bundle_manifest_sha256"):
            raise RefusedError(N_("result %(file)s: made from another bundle than %(id)s"),
                               file=str(result_file), id=bundle_id)
        previous = already_imported(store, "bundle_id", bundle_id)
        if previous is not None:
            raise RefusedError(N_("result %(file)s: bundle %(id)s was already imported as run "
                                  "%(run)d"), file=str(result_file), id=bundle_id,
                               run=previous)
        manifest = json.loads(mdata)
        inventory = inventory_from(manifest)
        started = _time(result.get("started_at"))

        def run(private_dir, extravars, limit, handler, cancelled):
            with worker_stream.open("rb") as stream:
                status, explained = process(stream, private_dir, handler)
            return _result(private_dir, status, explained)

        outcome = insp.run_inspection(
            settings, store, inventory, str(manifest.get("period")),
            limit=manifest.get("limit") or None, on_progress=on_progress, user=user,
            runner=run, started=started,
            run_detail={"source": "offline", "bundle_id": bundle_id,
                        "worker_host": str(result.get("worker_host", ""))[:200],
                        "result_sha256": _sha256(result_file)})
        return Imported(outcome, "offline")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _time(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


# ---------------------------------------------------------------- AWX
# What AWX does to a job's events, read in ansible/awx e21dd0a0 (24.6.1-145) and
# ansible-runner 2.4.3 (tests/unit/fixtures/awx/build_awx_fixtures.py does the same):
# * GET /api/v2/jobs/N/job_events/ pages: {"count", "next", "previous", "results"}, 25 a page
#   by default, page_size at most MAX_PAGE_SIZE (200), ordered by start_line unless
#   ``order_by`` says otherwise (ties in start_line can move between page requests);
# * ansible-runner's callback replaces ``event_data.res`` by ``{}`` when len(str(res)) is over
#   MAX_EVENT_RES, which AWX sets from its setting MAX_EVENT_RES_DATA (default 700000);
# * ``stdout`` is cut to EVENT_STDOUT_MAX_BYTES_DISPLAY (1024) in lists unless no_truncate=1;
#   weibao reads only event_data (stdout is the run's tail for messages).
AWX_RES_SETTING = "MAX_EVENT_RES_DATA"
AWX_RES_DEFAULT = 700000
# a job's status while its events may still come (summary_fields.job.status of each event)
AWX_UNFINISHED = ("new", "pending", "waiting", "running")


def awx_events(path: Path) -> list[dict[str, Any]]:
    """The events of an AWX job export, sorted by ``counter``: the pages of
    ``/api/v2/jobs/N/job_events/`` saved as a JSON list (the export in
    docs/remote-and-offline.md), one page (or awxkit's ``get(all_pages=True)``, every page's
    results in one), or a plain list of events. A page fetched twice is read once; an
    export that has fewer events than the pages' ``count`` is refused (a page is missing)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(N_("--awx-job-events %(file)s: cannot be read (%(why)s)"),
                          file=str(path), why=exc.strerror or type(exc).__name__) from exc
    except ValueError as exc:
        raise ConfigError(N_("--awx-job-events %(file)s: not JSON (%(why)s)"),
                          file=str(path), why=str(exc)) from exc
    pages = data if isinstance(data, list) and all(
        isinstance(p, dict) and "results" in p for p in data) and data else [data]
    counts: set[int] = set()
    by_counter: dict[Any, dict[str, Any]] = {}
    for page in pages:
        items = page.get("results") if isinstance(page, dict) else page
        if not isinstance(items, list):
            raise ConfigError(N_("--awx-job-events %(file)s: results: expected a list of job "
                                 "events"), file=str(path))
        if isinstance(page, dict) and isinstance(page.get("count"), int):
            counts.add(page["count"])
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("event"), str) or \
                    not isinstance(item.get("event_data", {}), dict):
                raise ConfigError(N_("--awx-job-events %(file)s: results[%(i)d]: expected a "
                                     "job event with event and event_data"),
                                  file=str(path), i=i)
            # an event without counter or uuid is no one's duplicate
            key = item.get("counter") if item.get("counter") is not None else \
                item.get("uuid") or ("unnamed", len(by_counter))
            seen = by_counter.setdefault(key, item)
            if seen is not item and (seen.get("uuid"), seen.get("event")) != \
                    (item.get("uuid"), item.get("event")):
                raise ConfigError(N_("--awx-job-events %(file)s: counter %(counter)s: two "
                                     "different events (%(first)s, %(second)s): the pages "
                                     "come from different jobs or exports"),
                                  file=str(path), counter=key, first=seen.get("event"),
                                  second=item.get("event"))
    events = list(by_counter.values())
    if not events:
        raise ConfigError(N_("--awx-job-events %(file)s: results: no job events"),
                          file=str(path))
    if len(counts) > 1:
        raise ConfigError(N_("--awx-job-events %(file)s: the pages' counts differ (%(counts)s): "
                             "export the job's events again once the job has finished"),
                          file=str(path), counts=", ".join(map(str, sorted(counts))))
    if counts and len(events) < min(counts):
        raise ConfigError(N_("--awx-job-events %(file)s: %(have)d of the job's %(count)d "
                             "events: a page is missing (save every page, following next)"),
                          file=str(path), have=len(events), count=min(counts))
    events.sort(key=lambda e: int(e.get("counter") or 0))
    return events


def awx_event(item: dict[str, Any]) -> dict[str, Any]:
    """An AWX job event as ansible-runner's event (what InspectionRun.handle reads)."""
    data = dict(item.get("event_data") or {})
    if not data.get("host") and item.get("host_name"):
        data["host"] = item["host_name"]
    return {"event": item["event"], "event_data": data, "uuid": item.get("uuid") or "",
            "counter": item.get("counter") or 0, "stdout": item.get("stdout") or "",
            "created": item.get("created") or ""}


def awx_result_dropped(event: dict[str, Any]) -> bool:
    """A host's task result that AWX did not keep (insp.result_dropped, the streamer's test)."""
    return insp.result_dropped(event.get("event"), event.get("event_data") or {})


def awx_dropped_as_failed(event: dict[str, Any]) -> dict[str, Any]:
    """A dropped result as the failure it is for the inspection: the host fails, naming the
    AWX setting to raise, never an inspected host without its findings."""
    data = dict(event["event_data"])
    data["res"] = {"msg": (
        f"AWX dropped this host's result ({AWX_RES_SETTING}, default {AWX_RES_DEFAULT} "
        f"characters): raise {AWX_RES_SETTING} (awx-operator: spec.extra_settings) and run the "
        f"job again (event {event['counter']}, {event['event']}: ansible-runner replaces a "
        "result longer than MAX_EVENT_RES by {}, and AWX sets MAX_EVENT_RES from "
        f"{AWX_RES_SETTING})")}
    data.pop("ignore_errors", None)
    return {**event, "event": "runner_on_failed", "event_data": data}


def awx_playbooks(events: list[dict[str, Any]]) -> set[str]:
    """The playbooks the job's events name (AWX's ``playbook`` field, or event_data's)."""
    return {str(e.get("playbook") or (e.get("event_data") or {}).get("playbook") or "")
            for e in events} - {""}


def import_awx(settings: Settings, store: Store, path: Path, inventory: Inventory,
               period: str, on_progress=lambda p, h: None, user: str | None = None
               ) -> Imported:
    """An AWX job's events into a run: the run's hosts are the inventory's hosts the job
    reported on; a job imported before, or one that ran another playbook, is refused; a host
    whose result AWX dropped (MAX_EVENT_RES_DATA) fails with that reason."""
    events = awx_events(path)
    jobs = {item.get("job") for item in events if item.get("job") is not None}
    job = str(jobs.pop()) if len(jobs) == 1 else ""
    if not job:
        raise ConfigError(N_("--awx-job-events %(file)s: job: expected the events of one AWX "
                             "job"), file=str(path))
    running = {str(((e.get("summary_fields") or {}).get("job") or {}).get("status"))
               for e in events} & set(AWX_UNFINISHED)
    if running:
        raise ConfigError(N_("--awx-job-events %(file)s: AWX job %(job)s was %(status)s when "
                             "exported: export its events once it has finished"),
                          file=str(path), job=job, status=", ".join(sorted(running)))
    expected = Path(insp.PLAYBOOK).name
    other = sorted(p for p in awx_playbooks(events) if Path(p).name != expected)
    if other:
        raise ConfigError(N_("--awx-job-events %(file)s: AWX job %(job)s ran %(playbook)s, "
                             "not %(expected)s"), file=str(path), job=job,
                          playbook=", ".join(other), expected=insp.PLAYBOOK)
    digest = _sha256(path)
    previous = already_imported(store, "awx_job", job)
    if previous is not None:
        raise RefusedError(N_("--awx-job-events %(file)s: AWX job %(job)s was already "
                              "imported as run %(run)d"), file=str(path), job=job,
                           run=previous)
    converted = [awx_event(e) for e in events]
    seen = {e["event_data"].get("host") for e in converted if e["event_data"].get("host")}
    hosts = [h for h in inventory.hosts if h in seen]
    if not hosts:
        raise ConfigError(N_("--awx-job-events %(file)s: no event names a host of inventory "
                             "%(inv)s"), file=str(path), inv=str(inventory.path))
    inv = Inventory(path=inventory.path, site=inventory.site, hosts=hosts,
                    assets={h: inventory.assets[h] for h in hosts},
                    platforms={h: p for h, p in inventory.platforms.items() if h in hosts})
    started = _time(str(converted[0].get("created") or "")[:19] + "Z")
    dropped = sorted({e["event_data"]["host"] for e in converted if awx_result_dropped(e)}
                     & set(hosts))

    def run(private_dir, extravars, limit, handler, cancelled):
        folder = private_dir / "artifacts" / IDENT / "job_events"
        folder.mkdir(parents=True, exist_ok=True)
        stats = False
        for event in converted:
            # the archive keeps the event as AWX gave it; the handler sees a dropped result
            # as the host's failure
            handler(awx_dropped_as_failed(event) if awx_result_dropped(event) else event)
            stats = stats or event["event"] == "playbook_on_stats"
            name = f"{event['counter']}-{event['uuid'] or uuid.uuid4()}.json"
            (folder / name).write_text(json.dumps(event), encoding="utf-8")
        tail = "\n".join(e["stdout"] for e in converted[-20:] if e["stdout"])
        return ansible_svc.PlaybookResult(status="successful" if stats else "failed",
                                          rc=0 if stats else 1, stdout_tail=tail)

    detail = {"source": "awx", "awx_job": job, "awx_events_sha256": digest}
    if dropped:
        detail["awx_results_dropped"] = {"hosts": dropped, "setting": AWX_RES_SETTING}
    outcome = insp.run_inspection(settings, store, inv, period, on_progress=on_progress,
                                  user=user, runner=run, started=started, run_detail=detail)
    return Imported(outcome, "awx")
