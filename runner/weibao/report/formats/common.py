"""What the format engines share: the language check, their strings, writing a file whole."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from weibao.errors import N_
from weibao.i18n import CLI_DOMAIN, LOCALE_DIR, normalize_lang, translations
from weibao.report.base import ReportError


def check_lang(lang: str) -> str:
    """``en`` or ``zh-CN`` (any spelling :func:`weibao.i18n.normalize_lang` knows)."""
    try:
        return normalize_lang(lang)
    except ValueError as exc:
        raise ReportError(N_("report language: %(detail)s"), detail=str(exc)) from None


def translate(lang: str, message: str) -> str:
    """``message`` (an ``N_()`` msgid) in ``lang``.

    The engines' few strings of their own (the page footer, "Contents", the chart
    placeholder) are Python strings, so they live in the ``weibao`` domain with the other
    strings of runner/weibao/ (babel.cfg extracts ``N_``), not in the templates' domain.
    """
    return translations(LOCALE_DIR, lang, CLI_DOMAIN).gettext(message)


def temp_beside(out: Path) -> Path:
    """A new empty temporary file in ``out``'s folder (same file system: ``os.replace`` is
    atomic), hidden by a leading dot."""
    out = Path(out)
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    return Path(name)


@contextlib.contextmanager
def atomic_output(out: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``out``; on success it replaces ``out`` atomically, on
    an exception it is removed and ``out`` is left as it was."""
    out = Path(out)
    tmp = temp_beside(out)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
