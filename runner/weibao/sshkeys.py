"""OpenSSH public key lines and their fingerprints, read without ssh-keygen.

Lower than both the inventory (``weibao_site.client_anchor`` is checked when a site is read)
and change control (signatures, sign-offs, the client's trust anchor): they import it, it
imports neither.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any


def key_fingerprint(key_blob: bytes) -> str:
    """``SHA256:...`` of a public key blob, as ``ssh-keygen -l -E sha256`` prints it."""
    digest = base64.b64encode(hashlib.sha256(key_blob).digest()).decode("ascii")
    return "SHA256:" + digest.rstrip("=")


def key_line(value: Any) -> str:
    """``TYPE BASE64`` of a public key line, its comment dropped ('' for nothing)."""
    return " ".join(str(value or "").split()[:2])


def key_line_fingerprint(value: Any) -> str:
    """``SHA256:...`` of a public key line ('' when there is none); ValueError when it is not
    an OpenSSH public key line."""
    line = key_line(value)
    if not line:
        return ""
    parts = line.split()
    if len(parts) != 2 or "PRIVATE" in str(value):
        raise ValueError("not an OpenSSH public key line ('TYPE BASE64 [comment]')")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not an OpenSSH public key line (bad base64)") from None
    if not blob.startswith(len(parts[0]).to_bytes(4, "big") + parts[0].encode()):
        raise ValueError("not an OpenSSH public key line (type and key do not agree)")
    return key_fingerprint(blob)
