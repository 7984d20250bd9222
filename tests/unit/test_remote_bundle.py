"""Offline bundles and results are checked before anything runs or is stored
(weibao.services.remote); ssh destinations and options for ``--via`` are checked."""

from __future__ import annotations

import json
import subprocess
import tarfile
from pathlib import Path

import pytest

from weibao import signing
from weibao.errors import ConfigError, RunnerError
from weibao.services import remote


def keygen(path: Path) -> str:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)],
                   check=True)
    return Path(f"{path}.pub").read_text().strip()


@pytest.fixture
def provider(tmp_path):
    pub = keygen(tmp_path / "provider")
    signers = tmp_path / "provider.signers"
    signers.write_text(f"provider {pub}\n")
    return tmp_path / "provider", signers


def bundle(tmp_path, key, stream=b'{"kwargs": {}}\n{"eof": true}\n', signer="provider",
           sign=True, manifest_extra=None):
    src = tmp_path / "stream"
    src.write_bytes(stream)
    manifest = {"format": remote.BUNDLE_FORMAT, "bundle_id": "0" * 8 + "-0000-4000-8000-"
                + "0" * 12, "signer": signer, "site": {"name": "s"}, "period": "2026-11",
                "stream_sha256": remote._sha256(src), **(manifest_extra or {})}
    data = json.dumps(manifest).encode()
    members = {remote.B_MANIFEST: data, remote.B_STREAM: src}
    if sign:
        members[remote.B_SIG] = signing.sign(data, key,
                                             namespace=remote.BUNDLE_NAMESPACE).encode()
    out = tmp_path / "b.wbundle"
    remote._tar_write(out, members)
    return out


# a worker command that would fail loudly (RunnerError) if it were ever started
NEVER = "/bin/false"


def test_unsigned_bundle_is_refused_before_running(tmp_path, provider):
    key, signers = provider
    b = bundle(tmp_path, key, sign=False)
    with pytest.raises(remote.RefusedError, match="is not signed"):
        remote.run_bundle(b, tmp_path / "r", signers, NEVER)
    assert not (tmp_path / "r").exists()


def test_changed_stream_is_refused(tmp_path, provider):
    key, signers = provider
    b = bundle(tmp_path, key)
    members = {}
    with tarfile.open(b) as tar:
        for m in tar.getmembers():
            members[m.name] = tar.extractfile(m).read()
    members[remote.B_STREAM] += b"x"
    remote._tar_write(b, members)
    with pytest.raises(remote.RefusedError, match="changed after signing"):
        remote.run_bundle(b, tmp_path / "r", signers, NEVER)


def test_bundle_of_another_key_or_namespace_is_refused(tmp_path, provider):
    _, signers = provider
    keygen(tmp_path / "other")
    b = bundle(tmp_path, tmp_path / "other")
    with pytest.raises(remote.RefusedError, match="no allowed signer"):
        remote.run_bundle(b, tmp_path / "r", signers, NEVER)


def test_not_a_bundle(tmp_path, provider):
    _, signers = provider
    junk = tmp_path / "junk"
    junk.write_bytes(b"not a tar at all" * 100)
    with pytest.raises(remote.RefusedError, match="not a readable bundle"):
        remote.run_bundle(junk, tmp_path / "r", signers, NEVER)


def test_signed_bundle_runs_the_worker(tmp_path, provider):
    key, signers = provider
    b = bundle(tmp_path, key)
    with pytest.raises(RunnerError, match="worker exited 1"):  # now, and only now, it runs
        remote.run_bundle(b, tmp_path / "r", signers, NEVER)


@pytest.mark.parametrize("host, options, field", [
    ("-oProxyCommand=x", (), "--via"),
    ("", (), "--via"),
    ("ops@ctl", ("Port",), "--via-ssh-option"),
    ("ops@ctl", ("-F/etc/x=1",), "--via-ssh-option"),
])
def test_via_arguments_are_checked(host, options, field):
    with pytest.raises(ConfigError, match=field):
        remote.ssh_command(host, "ansible-runner worker", options)


def test_ssh_command_keeps_the_destination_after_double_dash():
    cmd = remote.ssh_command("ssh://ops@10.0.0.5:2222", "ansible-runner worker",
                             ("IdentityFile=/k",))
    assert cmd[:2] == ["ssh", "-o"] and "BatchMode=yes" in cmd
    assert cmd[-3:] == ["--", "ssh://ops@10.0.0.5:2222", "ansible-runner worker"]
