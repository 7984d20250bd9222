"""The report kinds: one package per kind in this folder, each setting ``KIND``
(:class:`weibao.report.kind.ReportKind`).

Adding a kind is adding a folder (``kinds/<name>/__init__.py`` and
``report_templates/<name>/``); nothing else changes: :func:`all_kinds` lists the packages.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from weibao.errors import N_
from weibao.report.base import ReportError
from weibao.report.kind import ReportKind


@functools.lru_cache(maxsize=1)
def kind_names() -> tuple[str, ...]:
    """The names of the kind packages in this folder, sorted (nothing imported)."""
    return tuple(sorted(info.name for info in pkgutil.iter_modules(__path__)
                        if info.ispkg and not info.name.startswith("_")))


@functools.cache
def _load(name: str) -> ReportKind:
    module = importlib.import_module(f"{__name__}.{name}")
    kind = getattr(module, "KIND", None)
    if not isinstance(kind, ReportKind):
        raise TypeError(f"{module.__name__} does not define KIND = ReportKind(...)")
    if kind.name != name:
        raise ValueError(f"{module.__name__}: KIND.name {kind.name!r} is not its folder "
                         f"name {name!r}")
    return kind


def all_kinds() -> list[ReportKind]:
    """Every report kind, by name (imports every kind package)."""
    return [_load(name) for name in kind_names()]


def get_kind(name: str) -> ReportKind:
    """The kind called ``name`` (only its package is imported); :class:`ReportError` (one
    line naming the known kinds) when there is none."""
    if name not in kind_names():
        raise ReportError(
            N_("unknown report kind %(kind)r: expected one of %(expected)s"),
            kind=name,
            expected=", ".join(kind_names()),
        )
    return _load(name)


def clear_cache() -> None:
    """Forget the kinds found (tests that add a kind folder)."""
    kind_names.cache_clear()
    _load.cache_clear()
