"""OpenSSH signatures for change control: ``ssh-keygen -Y sign`` / ``-Y verify``, nothing home-made.

A sign-off is a detached SSHSIG signature (armored text) over bytes the caller chooses (the
canonical digest of a change request), made in the namespace ``weibao-change`` so that a
signature made for git, for e-mail or for anything else cannot be replayed here. Who may sign is
an allowed-signers file written from the site's people file (``people.allowed_signers``).

Private keys and passphrases stay in ssh-keygen and ssh-agent: weibao never reads a private
key, and a passphrase given to :func:`sign` reaches ssh-keygen through an askpass helper and an
environment variable of that one child process, never through its command line, a file, a log
or an error message.

Parsing an SSHSIG blob to read its public key and namespace (:func:`parse_signature`) is
format reading only; every cryptographic check is ssh-keygen's.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import re
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from weibao.errors import EXIT_CRITICAL, N_, ConfigError, WeibaoError
from weibao.sshkeys import key_fingerprint

NAMESPACE = "weibao-change"

# A principal in an allowed-signers file is a pattern list: '*', '?', '!' and ',' would let one
# id match another, so ids are plain names (people.py validates them with the same pattern).
PRINCIPAL_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
NAMESPACE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9@._-]{0,63}$")

_ARMOR_BEGIN = "-----BEGIN SSH SIGNATURE-----"
_ARMOR_END = "-----END SSH SIGNATURE-----"
_MAGIC = b"SSHSIG"
_SIGN_TIMEOUT = 120.0  # a FIDO key waits for a touch
_TIMEOUT = 30.0
_PASSPHRASE_ENV = "WEIBAO_SSH_KEY_PASSPHRASE"  # noqa: S105 - a variable name, not a secret


class SignatureError(WeibaoError):
    """A signature does not verify: wrong signer, unknown key, changed data, bad text."""

    exit_code = EXIT_CRITICAL


@dataclass(frozen=True)
class SignatureInfo:
    """What an SSHSIG blob says about itself (unverified until :func:`verify` says so)."""

    key_type: str  # e.g. ssh-ed25519
    public_key: str  # "TYPE BASE64", the allowed-signers / authorized_keys form
    fingerprint: str  # SHA256:..., as ssh-keygen -l prints it
    namespace: str
    hash_algorithm: str  # sha512 or sha256


@dataclass(frozen=True)
class Verified:
    """A good signature: who signed (as claimed and checked) and with which key."""

    signer_id: str
    fingerprint: str


# ----------------------------------------------------------------------------- ssh-keygen


def ssh_keygen() -> str:
    """Path of ssh-keygen; ConfigError when OpenSSH's client tools are not installed."""
    path = shutil.which("ssh-keygen")
    if not path:
        raise ConfigError(
            N_("ssh-keygen not found: install OpenSSH (openssh-client) to sign and verify")
        )
    return path


def run_ssh_keygen(
    args: list[str],
    *,
    data: bytes = b"",
    env: dict[str, str] | None = None,
    timeout: float | None = _TIMEOUT,
    new_session: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``ssh-keygen ARGS`` with ``data`` on stdin; never raises on a non-zero status.

    ``new_session`` detaches the child from the terminal so that it cannot prompt on it.
    """
    try:
        return subprocess.run(
            [ssh_keygen(), *args],
            input=data,
            capture_output=True,
            env=env if env is not None else _quiet_env(),
            timeout=timeout,
            start_new_session=new_session,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ConfigError(
            N_("ssh-keygen %(command)s: did not finish within %(seconds)s s"),
            command=" ".join(args[:2]),
            seconds=int(timeout or 0),
        ) from exc


def _quiet_env() -> dict[str, str]:
    """A minimal environment: C locale, no agent, no askpass, no display."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}


def _last_line(raw: bytes) -> str:
    lines = [ln.strip() for ln in raw.decode("utf-8", "replace").splitlines() if ln.strip()]
    return lines[-1] if lines else "no message"


@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    """A private (0700) temporary directory, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="weibao-ssh-") as tmp:
        yield Path(tmp)


def _write(path: Path, text: str, mode: int = 0o600) -> Path:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


# ----------------------------------------------------------------------------- signing


def _tty_available() -> bool:
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return False
    os.close(fd)
    return True


def _sign_env(tmp: Path, passphrase: str | None, prompt: bool) -> dict[str, str]:
    """Environment for ``ssh-keygen -Y sign``.

    The data goes to ssh-keygen on stdin, and ssh-keygen reads a passphrase from stdin when it
    has no terminal, so it must never ask that way: either it may prompt on the terminal
    (``prompt``), or SSH_ASKPASS is forced to a helper that prints the passphrase we were
    given, or fails when we were given none (then only ssh-agent can sign).
    """
    if prompt:
        env = dict(os.environ)
        env["LC_ALL"] = "C"
        return env
    env = _quiet_env()
    for name in ("HOME", "SSH_AUTH_SOCK"):
        if name in os.environ:
            env[name] = os.environ[name]
    if passphrase is None:
        helper = Path(shutil.which("false") or "/bin/false")
    else:
        helper = _write(tmp / "askpass", f'#!/bin/sh\nprintf "%s\\n" "${_PASSPHRASE_ENV}"\n',
                        0o700)
        env[_PASSPHRASE_ENV] = passphrase
        if not os.access(helper, os.X_OK):  # a temporary directory mounted noexec
            raise ConfigError(
                N_("cannot run a helper program from %(dir)s (mounted noexec?); set TMPDIR to "
                   "a directory where programs may run"),
                dir=str(tmp.parent))
    env["SSH_ASKPASS"] = str(helper)
    env["SSH_ASKPASS_REQUIRE"] = "force"
    return env


def sign(
    data: bytes,
    key_path: str | Path,
    passphrase: str | None = None,
    *,
    namespace: str = NAMESPACE,
    interactive: bool = False,
) -> str:
    """Sign ``data``; return the armored SSHSIG text (``-----BEGIN SSH SIGNATURE-----``...).

    ``key_path`` is a private key file, or a public key file whose private half is held by
    ssh-agent (``SSH_AUTH_SOCK``): ssh-keygen uses the agent by itself whenever the agent
    holds the key. A key protected by a passphrase needs the agent, ``passphrase``, or
    ``interactive=True`` with a terminal to prompt on; otherwise ConfigError says so.
    """
    _check_namespace(namespace)
    key = Path(key_path).expanduser()
    if not key.is_file():
        raise ConfigError(N_("signing key %(key)s: does not exist"), key=str(key))
    if passphrase is not None and ("\n" in passphrase or "\r" in passphrase):
        raise ConfigError(N_("signing key %(key)s: a passphrase cannot contain a line break"),
                          key=str(key))
    prompt = interactive and passphrase is None and _tty_available()
    with _scratch() as tmp:
        result = run_ssh_keygen(
            ["-Y", "sign", "-f", str(key), "-n", namespace],
            data=data,
            env=_sign_env(tmp, passphrase, prompt),
            timeout=None if prompt else _SIGN_TIMEOUT,
            new_session=not prompt,
        )
    if result.returncode != 0:
        raise _sign_failure(key, result.stderr, passphrase is not None)
    text = result.stdout.decode("ascii", "replace")
    info = parse_signature(text)  # ssh-keygen said yes; make sure we got what we asked for
    if info.namespace != namespace:
        raise ConfigError(N_("signing key %(key)s: ssh-keygen signed for namespace %(found)r"),
                          key=str(key), found=info.namespace)
    return text


def _sign_failure(key: Path, stderr: bytes, had_passphrase: bool) -> ConfigError:
    text = stderr.decode("utf-8", "replace")
    if "incorrect passphrase" in text:
        if had_passphrase:
            return ConfigError(N_("signing key %(key)s: the passphrase does not open it"),
                               key=str(key))
        return ConfigError(
            N_("signing key %(key)s: is protected by a passphrase, no ssh-agent holds it and "
               "there is no terminal to ask on; add it to ssh-agent with ssh-add first"),
            key=str(key))
    if "No private key found for public key" in text:
        return ConfigError(
            N_("signing key %(key)s: is a public key and ssh-agent does not hold its private "
               "half; add it with ssh-add first"),
            key=str(key))
    return ConfigError(N_("signing key %(key)s: ssh-keygen could not sign: %(reason)s"),
                       key=str(key), reason=_last_line(stderr))


# ----------------------------------------------------------------------------- reading


def _check_namespace(namespace: str) -> None:
    if not NAMESPACE_RE.match(namespace):
        raise ValueError(f"namespace {namespace!r}: letters, digits, '@', '.', '_', '-' only")


def _bad(what: str, problem: str) -> SignatureError:
    return SignatureError(N_("%(what)s: not an OpenSSH signature (%(problem)s)"),
                          what=what, problem=problem)


def _read_string(blob: bytes, pos: int) -> tuple[bytes, int]:
    if pos + 4 > len(blob):
        raise ValueError("truncated")
    (size,) = struct.unpack(">I", blob[pos:pos + 4])
    end = pos + 4 + size
    if end > len(blob):
        raise ValueError("truncated")
    return blob[pos + 4:end], end


def _unarmor(signature: str) -> bytes:
    lines = [ln.strip() for ln in signature.strip().splitlines()]
    if len(lines) < 3 or lines[0] != _ARMOR_BEGIN or lines[-1] != _ARMOR_END:
        raise ValueError("no BEGIN/END SSH SIGNATURE lines")
    try:
        return base64.b64decode("".join(lines[1:-1]), validate=True)
    except binascii.Error as exc:
        raise ValueError("bad base64") from exc


def parse_signature(signature: str, what: str = "signature") -> SignatureInfo:
    """Read an armored SSHSIG blob (PROTOCOL.sshsig); SignatureError when it is not one."""
    try:
        blob = _unarmor(signature)
        if not blob.startswith(_MAGIC) or len(blob) < 10:
            raise ValueError("no SSHSIG magic")
        (version,) = struct.unpack(">I", blob[6:10])
        if version != 1:
            raise ValueError(f"version {version}")
        pos = 10
        fields = []
        for _ in range(5):  # public key, namespace, reserved, hash algorithm, signature
            value, pos = _read_string(blob, pos)
            fields.append(value)
        if pos != len(blob):
            raise ValueError("trailing bytes")
        key_blob, namespace, _reserved, hash_alg, _sig = fields
        key_type, _ = _read_string(key_blob, 0)
        info = SignatureInfo(
            key_type=key_type.decode("ascii"),
            public_key=f"{key_type.decode('ascii')} {base64.b64encode(key_blob).decode()}",
            fingerprint=key_fingerprint(key_blob),
            namespace=namespace.decode("utf-8"),
            hash_algorithm=hash_alg.decode("ascii"),
        )
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad(what, str(exc)) from exc
    return info


def fingerprint(signature: str) -> str:
    """The SHA256 fingerprint of the key that made ``signature`` (not a proof it is valid)."""
    return parse_signature(signature).fingerprint


# ----------------------------------------------------------------------------- verifying


def find_principal(signature: str, allowed_signers_text: str) -> str | None:
    """Who, in the allowed-signers text, owns the key that made ``signature``; None if no one.

    This says whose key it is, not that the signature is good: use :func:`verify` for that.
    """
    parse_signature(signature)
    with _scratch() as tmp:
        allowed = _write(tmp / "allowed_signers", allowed_signers_text)
        sig = _write(tmp / "signature", signature)
        result = run_ssh_keygen(["-Y", "find-principals", "-f", str(allowed), "-s", str(sig)])
    names = result.stdout.decode("utf-8", "replace").split()
    if result.returncode != 0 or not names:
        return None
    if len(names) > 1:  # people.py refuses a key shared by two people
        raise SignatureError(N_("signature: its key belongs to several signers: %(names)s"),
                             names=", ".join(names))
    return names[0]


def _principals(allowed_signers_text: str) -> set[str]:
    names: set[str] = set()
    for line in allowed_signers_text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            names.update(line.split(None, 1)[0].split(","))
    return names


def verify(
    data: bytes,
    signature: str,
    signer_id: str,
    allowed_signers_text: str,
    *,
    namespace: str = NAMESPACE,
    what: str | None = None,
) -> Verified:
    """Check that ``signer_id`` signed exactly ``data``; SignatureError says why not.

    ``what`` names the signature in the message (e.g. "change CR-7: approval"). The failure
    reasons are told apart: not a signature, wrong namespace, signer not allowed, key of no
    allowed signer, key of somebody else (a signature moved from one person to another), or
    data changed after signing.
    """
    _check_namespace(namespace)
    label = what or f"signature of {signer_id}"
    if not PRINCIPAL_RE.match(signer_id):
        raise SignatureError(N_("%(what)s: %(signer)r is not a valid signer id"),
                             what=label, signer=signer_id)
    info = parse_signature(signature, label)
    if info.namespace != namespace:
        raise SignatureError(N_("%(what)s: made for namespace %(found)r, expected %(expected)r"),
                             what=label, found=info.namespace, expected=namespace)
    with _scratch() as tmp:
        allowed = _write(tmp / "allowed_signers", allowed_signers_text)
        sig = _write(tmp / "signature", signature)
        result = run_ssh_keygen(
            ["-Y", "verify", "-f", str(allowed), "-I", signer_id, "-n", namespace,
             "-s", str(sig)],
            data=data,
        )
    if result.returncode == 0:
        return Verified(signer_id=signer_id, fingerprint=info.fingerprint)
    raise _why_not(label, signature, signer_id, allowed_signers_text, info)


def _why_not(label: str, signature: str, signer_id: str, allowed_text: str,
             info: SignatureInfo) -> SignatureError:
    owner = find_principal(signature, allowed_text)
    if signer_id not in _principals(allowed_text):
        return SignatureError(N_("%(what)s: %(signer)s is not an allowed signer"),
                              what=label, signer=signer_id)
    if owner is None:
        return SignatureError(
            N_("%(what)s: made with key %(fingerprint)s, which belongs to no allowed signer"),
            what=label, fingerprint=info.fingerprint)
    if owner != signer_id:
        return SignatureError(N_("%(what)s: made by %(owner)s, not by %(signer)s"),
                              what=label, owner=owner, signer=signer_id)
    return SignatureError(
        N_("%(what)s: does not match the signed data (changed after signing)"), what=label)


def is_valid(data: bytes, signature: str, signer_id: str, allowed_signers_text: str,
             *, namespace: str = NAMESPACE) -> bool:
    """:func:`verify` as a yes/no."""
    try:
        verify(data, signature, signer_id, allowed_signers_text, namespace=namespace)
    except SignatureError:
        return False
    return True
