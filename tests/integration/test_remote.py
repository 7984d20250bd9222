"""Inspections run elsewhere, end to end: a site controller over ssh (``inspect --via``), an
offline site (``inspect --offline-bundle`` / ``worker`` / ``import``), refusals of tampered
bundles and results and of a second import.

The site controller is a real OpenSSH server on a loopback port of this machine with keys
made by ssh-keygen for the test; its ``ansible-runner worker`` is this checkout's venv, so
the worker reaches the usual podman test hosts with ``containers.podman.podman`` as a site
controller reaches its own hosts. The findings of every remote way must equal a local run's.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hosts import CONTAINERS_CONF, PROJECT, SITE, describe, run_weibao

PERIOD = "2026-11"
VENV_BIN = Path(sys.executable).parent
WORKER = (f"env PATH={VENV_BIN}:/usr/bin:/bin CONTAINERS_CONF={CONTAINERS_CONF} "
          f"{VENV_BIN / 'ansible-runner'} worker")


def keygen(path: Path, comment: str) -> str:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f",
                    str(path)], check=True)
    return Path(f"{path}.pub").read_text().strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Controller:
    destination: str
    options: list[str]


@pytest.fixture(scope="module")
def controller(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Controller]:
    """sshd on 127.0.0.1:<free port> that lets the test's key log in as this user."""
    tmp = tmp_path_factory.mktemp("controller")
    host_pub = keygen(tmp / "host_key", "site-controller")
    client_pub = keygen(tmp / "client_key", "office")
    (tmp / "authorized_keys").write_text(client_pub + "\n")
    port = free_port()
    (tmp / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {tmp / 'host_key'}\n"
        f"PidFile {tmp / 'sshd.pid'}\nAuthorizedKeysFile {tmp / 'authorized_keys'}\n"
        "StrictModes no\nUsePAM no\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n")
    (tmp / "known_hosts").write_text(f"[127.0.0.1]:{port} {host_pub}\n")
    os.makedirs("/run/sshd", exist_ok=True)  # sshd's privilege separation folder
    log = (tmp / "sshd.log").open("wb")
    proc = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(tmp / "sshd_config")],
                            stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("sshd did not start: " + (tmp / "sshd.log").read_text())
                time.sleep(0.1)
        user = os.environ.get("USER") or "root"
        yield Controller(f"ssh://{user}@127.0.0.1:{port}",
                         ["--via-ssh-option", f"IdentityFile={tmp / 'client_key'}",
                          "--via-ssh-option", "IdentitiesOnly=yes",
                          "--via-ssh-option", f"UserKnownHostsFile={tmp / 'known_hosts'}"])
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@dataclass
class Keys:
    provider: Path
    site: Path
    provider_signers: Path  # what the site trusts
    site_signers: Path  # what the office trusts
    stranger: Path


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    tmp = tmp_path_factory.mktemp("keys")
    pub = {name: keygen(tmp / name, name) for name in ("provider", "site", "stranger")}
    (tmp / "provider.signers").write_text(f"provider {pub['provider']}\n")
    (tmp / "site.signers").write_text(f"site {pub['site']}\n")
    return Keys(tmp / "provider", tmp / "site", tmp / "provider.signers",
                tmp / "site.signers", tmp / "stranger")


def run_id(proc) -> int:
    assert proc.returncode in (0, 1, 2), describe(proc)
    for line in proc.stdout.splitlines():
        if line.startswith("run "):
            return int(line.split()[1].rstrip(":"))
    pytest.fail("no run line:\n" + describe(proc))


# checks judging a momentary measurement (CPU busy now, load now): on this 2-core machine
# their status moves between two runs a minute apart; they are compared by presence only
MOMENTARY = {"system.cpu_utilisation", "system.load"}


def findings(data_dir: Path, run: int) -> set[tuple]:
    """A run's findings as (host, check, component, status), status left out for the
    MOMENTARY checks."""
    proc = run_weibao("findings", "--run", str(run), "--json", data_dir=data_dir)
    assert proc.returncode in (0, 1), describe(proc)
    return {(f["host"], f["check_id"], f["component"],
             "" if f["check_id"] in MOMENTARY else f["status"])
            for f in json.loads(proc.stdout)}


def hosts_of(data_dir: Path, run: int) -> dict:
    proc = run_weibao("runs", "--json", data_dir=data_dir)
    assert proc.returncode == 0, describe(proc)
    (row,) = [r for r in json.loads(proc.stdout) if r["id"] == run]
    return row


def run_detail(data_dir: Path, run: int) -> dict:
    from weibao.config import load_settings
    from weibao.store import Run, Store

    store = Store(load_settings(data_dir).db_url)
    try:
        with store.session() as s:
            return dict(s.get(Run, run).detail or {})
    finally:
        store.dispose()


@pytest.fixture(scope="module")
def local_run(it_inventory: Path, tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("local")
    proc = run_weibao("inspect", "-i", str(it_inventory), "--site", SITE, "--period", PERIOD,
                      data_dir=data)
    run = run_id(proc)
    return data, run, findings(data, run)


def test_via_site_controller_equals_local_run(local_run, controller: Controller,
                                              it_inventory: Path, tmp_path: Path) -> None:
    _, _, expected = local_run
    assert any(f[3] in ("warning", "critical") for f in expected)
    data = tmp_path / "office"
    proc = run_weibao("inspect", "-i", str(it_inventory), "--site", SITE, "--period", PERIOD,
                      "--via", controller.destination, *controller.options,
                      "--via-worker-command", WORKER, data_dir=data)
    run = run_id(proc)
    assert findings(data, run) == expected
    assert hosts_of(data, run)["site"] == SITE
    assert run_detail(data, run)["via"] == controller.destination
    archive = Path(proc.stdout.split("archive: ")[1].splitlines()[0])
    events = [json.loads(p.read_text()) for p in
              (archive / "artifacts" / "ansible" / "job_events").glob("*.json")]
    assert events and (archive / "MANIFEST.sha256").is_file()
    # the worker ran the transmitted project, not this checkout's files
    paths = {e["event_data"]["task_path"] for e in events
             if e.get("event_data", {}).get("task_path")}
    assert paths and not any(p.startswith(str(PROJECT)) for p in paths), paths
    assert all("/project/playbooks/" in p for p in paths), paths


def test_via_unreachable_controller_is_one_line(it_inventory: Path, tmp_path: Path) -> None:
    proc = run_weibao("inspect", "-i", str(it_inventory), "--site", SITE, "--period", PERIOD,
                      "--via", f"ssh://root@127.0.0.1:{free_port()}",
                      "--via-ssh-option", "ConnectTimeout=5", data_dir=tmp_path)
    assert proc.returncode == 2, describe(proc)
    assert "site controller" in proc.stderr.strip().splitlines()[-1], describe(proc)


def _bundle(it_inventory: Path, data: Path, keys: Keys, out: Path, key: Path | None = None):
    return run_weibao("inspect", "-i", str(it_inventory), "--site", SITE, "--period", PERIOD,
                      "--offline-bundle", str(out), "--sign-key", str(key or keys.provider),
                      data_dir=data)


def _rewrite(src: Path, dst: Path, member: str, change) -> None:
    with tarfile.open(src) as tin, tarfile.open(dst, "w") as tout:
        for m in tin.getmembers():
            body = tin.extractfile(m).read()
            if m.name == member:
                body = change(body)
                m.size = len(body)
            tout.addfile(m, io.BytesIO(body))


def test_offline_round_trip_and_refusals(local_run, it_inventory: Path, keys: Keys,
                                         tmp_path: Path) -> None:
    _, _, expected = local_run
    office, site = tmp_path / "office", tmp_path / "site"
    bundle, result = tmp_path / "b.wbundle", tmp_path / "r.wresult"
    proc = _bundle(it_inventory, office, keys, bundle)
    assert proc.returncode == 0, describe(proc)
    assert bundle.is_file() and not list(tmp_path.glob("*.part"))

    # a bundle changed after signing, or signed by a stranger: refused, nothing runs
    bad = tmp_path / "bad.wbundle"
    _rewrite(bundle, bad, "transmit.stream", lambda b: b.replace(b'"limit"', b'"limiT"', 1)
             if b'"limit"' in b else b[:-2] + b"x\n")
    proc = run_weibao("worker", str(bad), "--out", str(result), "--allowed-signers",
                      str(keys.provider_signers), data_dir=site)
    assert proc.returncode == 3, describe(proc)
    assert len(proc.stderr.strip().splitlines()) == 1 and "changed after signing" in \
        proc.stderr, describe(proc)
    assert not result.exists()
    stranger = tmp_path / "stranger.wbundle"
    assert _bundle(it_inventory, office, keys, stranger, keys.stranger).returncode == 0
    proc = run_weibao("worker", str(stranger), "--out", str(result), "--allowed-signers",
                      str(keys.provider_signers), data_dir=site)
    assert proc.returncode == 3 and "no allowed signer" in proc.stderr, describe(proc)
    assert not result.exists()

    # on site: verified, run by ansible-runner worker, result signed with the site's key
    proc = run_weibao("worker", str(bundle), "--out", str(result), "--allowed-signers",
                      str(keys.provider_signers), "--sign-key", str(keys.site), data_dir=site)
    assert proc.returncode == 0, describe(proc)
    assert "sha256" in proc.stdout

    # a result changed on the way back: refused
    bad_result = tmp_path / "bad.wresult"
    _rewrite(result, bad_result, "worker.stream", lambda b: b.replace(b"critical", b"ok", 1))
    proc = run_weibao("import", str(bad_result), "--allowed-signers", str(keys.site_signers),
                      data_dir=office)
    assert proc.returncode == 3, describe(proc)
    assert len(proc.stderr.strip().splitlines()) == 1 and "sha256" in proc.stderr

    # back in the office: the same findings as a local run, then a second import refused
    proc = run_weibao("import", str(result), "--allowed-signers", str(keys.site_signers),
                      data_dir=office)
    run = run_id(proc)
    assert findings(office, run) == expected
    row = hosts_of(office, run)
    assert row["site"] == SITE and row["period"] == PERIOD
    assert run_detail(office, run)["source"] == "offline"
    proc = run_weibao("import", str(result), "--allowed-signers", str(keys.site_signers),
                      data_dir=office)
    assert proc.returncode == 3, describe(proc)
    assert "already imported as run" in proc.stderr and \
        len(proc.stderr.strip().splitlines()) == 1
    # a result of a bundle another office made is not imported
    proc = run_weibao("import", str(result), data_dir=tmp_path / "elsewhere")
    assert proc.returncode == 3 and "not made by this office" in proc.stderr, describe(proc)
