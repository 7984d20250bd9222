"""OpenSSH signatures with real keys made here: round trip, tampering, moved signatures, agent."""

import os
import subprocess
import time
from pathlib import Path

import pytest

from weibao import signing
from weibao.change.people import allowed_signers, load_people
from weibao.errors import ConfigError
from weibao.signing import (
    NAMESPACE,
    SignatureError,
    find_principal,
    fingerprint,
    is_valid,
    parse_signature,
    sign,
    verify,
)

DATA = "变更申请 CR-2026-007 sha256:0123abcd\n".encode()
PASSPHRASE = "correct horse battery staple"


def make_key(directory: Path, name: str, passphrase: str = "") -> Path:
    path = directory / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C",
                    f"{name}@test", "-f", str(path)], check=True)
    return path


def keygen_fingerprint(key: Path) -> str:
    out = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", f"{key}.pub"], check=True,
                         capture_output=True, text=True).stdout
    return out.split()[1]


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    directory = tmp_path_factory.mktemp("keys")
    return {
        "a": make_key(directory, "a"),
        "b": make_key(directory, "b"),
        "stranger": make_key(directory, "stranger"),
        "locked": make_key(directory, "locked", PASSPHRASE),
    }


@pytest.fixture(scope="module")
def people(keys, tmp_path_factory):
    def entry(pid, key, roles, organisation):
        text = Path(f"{key}.pub").read_text().strip()
        return (f"  - id: {pid}\n    name: {pid}\n    organisation: {organisation}\n"
                f"    roles: {roles}\n    ssh_public_key: \"{text}\"\n")

    path = tmp_path_factory.mktemp("site") / "people.yml"
    path.write_text("people:\n" + entry("zhang.san", keys["a"], "[requester, operator]",
                                        "provider")
                    + entry("wang.wu", keys["b"], "[approver]", "client")
                    + entry("li.si", keys["locked"], "[recorder]", "provider"),
                    encoding="utf-8")
    return load_people(path)


@pytest.fixture(scope="module")
def allowed(people):
    return allowed_signers(people, NAMESPACE)


@pytest.fixture(scope="module")
def signature_a(keys):
    return sign(DATA, keys["a"])


# ----------------------------------------------------------------------------- round trip


def test_sign_then_verify(signature_a, allowed, people, keys):
    assert signature_a.startswith("-----BEGIN SSH SIGNATURE-----\n")
    assert signature_a.rstrip().endswith("-----END SSH SIGNATURE-----")
    good = verify(DATA, signature_a, "zhang.san", allowed)
    assert good.signer_id == "zhang.san"
    assert good.fingerprint == keygen_fingerprint(keys["a"])
    assert people.by_fingerprint(good.fingerprint).id == "zhang.san"
    assert is_valid(DATA, signature_a, "zhang.san", allowed)


def test_ssh_keygen_itself_accepts_our_signature_and_allowed_signers(signature_a, allowed,
                                                                      tmp_path):
    (tmp_path / "allowed").write_text(allowed)
    (tmp_path / "sig").write_text(signature_a)
    result = subprocess.run(
        ["ssh-keygen", "-Y", "verify", "-f", str(tmp_path / "allowed"), "-I", "zhang.san",
         "-n", NAMESPACE, "-s", str(tmp_path / "sig")], input=DATA, capture_output=True)
    assert result.returncode == 0, result.stderr
    assert b'Good "weibao-change" signature for zhang.san' in result.stdout


def test_signature_describes_its_key_and_namespace(signature_a, keys):
    info = parse_signature(signature_a)
    assert info.namespace == "weibao-change"
    assert info.key_type == "ssh-ed25519"
    assert info.public_key.split() == Path(f"{keys['a']}.pub").read_text().split()[:2]
    assert info.hash_algorithm in ("sha512", "sha256")
    assert fingerprint(signature_a) == keygen_fingerprint(keys["a"])


def test_find_principal_tells_who_really_signed(signature_a, allowed, keys):
    assert find_principal(signature_a, allowed) == "zhang.san"
    assert find_principal(sign(DATA, keys["b"]), allowed) == "wang.wu"
    assert find_principal(sign(DATA, keys["stranger"]), allowed) is None


# ----------------------------------------------------------------------------- failures


def test_one_byte_changed_fails(signature_a, allowed):
    changed = bytearray(DATA)
    changed[-2] ^= 0x01
    with pytest.raises(SignatureError, match="does not match the signed data"):
        verify(bytes(changed), signature_a, "zhang.san", allowed)
    assert not is_valid(bytes(changed), signature_a, "zhang.san", allowed)
    assert not is_valid(DATA + b"\n", signature_a, "zhang.san", allowed)


def test_signature_of_a_presented_as_b_fails(signature_a, allowed):
    with pytest.raises(SignatureError) as err:
        verify(DATA, signature_a, "wang.wu", allowed, what="change CR-2026-007: approval")
    assert str(err.value) == "change CR-2026-007: approval: made by zhang.san, not by wang.wu"


def test_unknown_signer_id_fails(signature_a, allowed):
    with pytest.raises(SignatureError, match="zhao.liu is not an allowed signer"):
        verify(DATA, signature_a, "zhao.liu", allowed)


def test_key_of_nobody_in_the_people_file_fails(keys, allowed):
    sig = sign(DATA, keys["stranger"])
    with pytest.raises(SignatureError, match=r"made with key SHA256:\S+, which belongs to no "
                                             "allowed signer"):
        verify(DATA, sig, "zhang.san", allowed)


def test_signer_outside_the_wanted_role_fails(signature_a, people):
    approvers = allowed_signers(people, NAMESPACE, roles=["approver"])
    with pytest.raises(SignatureError, match="zhang.san is not an allowed signer"):
        verify(DATA, signature_a, "zhang.san", approvers)


def test_signature_for_another_namespace_fails(keys, allowed):
    git_sig = sign(DATA, keys["a"], namespace="git")
    with pytest.raises(SignatureError, match="made for namespace 'git', expected "
                                             "'weibao-change'"):
        verify(DATA, git_sig, "zhang.san", allowed)


@pytest.mark.parametrize(
    "text",
    ["", "hello", "-----BEGIN SSH SIGNATURE-----\n!!!!\n-----END SSH SIGNATURE-----\n",
     "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQ==\n-----END SSH SIGNATURE-----\n"],
)
def test_garbage_signature_fails(text, allowed):
    with pytest.raises(SignatureError, match="not an OpenSSH signature"):
        verify(DATA, text, "zhang.san", allowed)


def test_cut_signature_fails(signature_a, allowed):
    lines = signature_a.splitlines()
    cut = "\n".join([lines[0], lines[1][:-8], *lines[2:]])
    with pytest.raises(SignatureError):
        verify(DATA, cut, "zhang.san", allowed)


def test_wildcard_signer_id_is_refused(signature_a, allowed):
    with pytest.raises(SignatureError, match="'\\*' is not a valid signer id"):
        verify(DATA, signature_a, "*", allowed)


# ----------------------------------------------------------------------------- keys


def test_missing_key_file(tmp_path):
    with pytest.raises(ConfigError, match=r"signing key .*/nope: does not exist"):
        sign(DATA, tmp_path / "nope")


def test_passphrase_key_without_agent_or_tty_fails_clearly(keys, monkeypatch):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    monkeypatch.setattr(signing, "_tty_available", lambda: False)
    # the data is the passphrase itself: ssh-keygen must not read it from stdin as one
    for interactive in (False, True):
        with pytest.raises(ConfigError) as err:
            sign(PASSPHRASE.encode() + b"\n", keys["locked"], interactive=interactive)
        assert "is protected by a passphrase" in str(err.value)
        assert "ssh-add" in str(err.value)
        assert PASSPHRASE not in str(err.value)


def test_passphrase_given_signs(keys, allowed, monkeypatch):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    sig = sign(DATA, keys["locked"], PASSPHRASE)
    assert verify(DATA, sig, "li.si", allowed).signer_id == "li.si"


def test_wrong_passphrase_is_not_echoed(keys, monkeypatch):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    with pytest.raises(ConfigError) as err:
        sign(DATA, keys["locked"], "wrong-secret-42")
    assert str(err.value).endswith("the passphrase does not open it")
    assert "wrong-secret-42" not in str(err.value)
    with pytest.raises(ConfigError, match="cannot contain a line break"):
        sign(DATA, keys["locked"], "two\nlines")


def test_public_key_without_agent_fails_clearly(keys, monkeypatch, tmp_path):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    alone = tmp_path / "a.pub"  # (next to its private file, ssh-keygen would use that)
    alone.write_text(Path(f"{keys['a']}.pub").read_text())
    with pytest.raises(ConfigError, match="is a public key and ssh-agent does not hold its "
                                          "private half"):
        sign(DATA, alone)


@pytest.fixture
def agent(tmp_path):
    sock = tmp_path / "agent.sock"
    proc = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if sock.exists():
                break
            time.sleep(0.01)
        yield str(sock)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_key_held_by_ssh_agent_signs_from_its_public_file(agent, tmp_path, allowed, monkeypatch):
    # a copy of key "a" whose private file is gone once the agent holds it
    private = tmp_path / "held"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(private)],
                   check=True)
    env = {**os.environ, "SSH_AUTH_SOCK": agent}
    subprocess.run(["ssh-add", "-q", str(private)], env=env, check=True, capture_output=True)
    private.unlink()
    monkeypatch.setenv("SSH_AUTH_SOCK", agent)
    sig = sign(DATA, f"{private}.pub")
    mine = allowed + f'me namespaces="{NAMESPACE}" ' + " ".join(
        Path(f"{private}.pub").read_text().split()[:2]) + "\n"
    assert verify(DATA, sig, "me", mine).signer_id == "me"
    assert find_principal(sig, allowed) is None
