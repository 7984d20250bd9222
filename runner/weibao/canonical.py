"""Canonical JSON: the one byte form that change-control digests and signatures are made over.

``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` encoded UTF-8, with
NaN and infinities refused (they are not JSON) and lone surrogates refused (not UTF-8). The
same data always gives the same bytes, so a digest recorded or signed today can be recomputed
from the archived data years later.

Strings are not Unicode-normalised: 张三 typed in NFC and in NFD are different bytes. Whatever
writes a record must keep the text it was given, not re-type it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_bytes(obj: Any) -> bytes:
    """The canonical UTF-8 JSON bytes of ``obj``; ValueError/TypeError if it is not plain JSON."""
    text = json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def sha256_hex(obj: Any) -> str:
    """Lower-case hex sha256 of ``canonical_bytes(obj)``."""
    return hashlib.sha256(canonical_bytes(obj)).hexdigest()
