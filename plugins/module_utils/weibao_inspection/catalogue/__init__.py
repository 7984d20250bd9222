# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The check catalogue: one declaration per check, and the text of every message.

Each area has one file here (``system.py``, ``errlog.py``, ``patch.py``, ...) declaring its
:class:`Area`, its :class:`Check` entries and its ``MESSAGES`` ({key: (English, Chinese)}).
This package is the single source of:

- the rules' default thresholds (:func:`defaults`, :func:`merge_thresholds`);
- the roles' threshold variables (``inspect_<area>_thresholds`` overrides, checked here);
- the README's and each role README's check tables (``./dev.sh docs``);
- the check names in every report and in ``weibao findings`` (:func:`check_name`);
- coverage: which checks apply to a platform (:func:`checks_for`).

Adding a check: a :class:`Check` entry (and its messages) in the area's file, a parser, a
rule, fixtures and tests. Nothing else names it.

It ships to managed hosts with the modules (Python 3.8-compatible).
"""

from __future__ import annotations

from ansible.module_utils.weibao_inspection.catalogue import (
    aix_devices,
    aix_lvm,
    aix_patch,
    aix_system,
    array,
    common,
    environment,
    errlog,
    errpt,
    hmc,
    links,
    network,
    patch,
    raid,
    storage,
    system,
    tape,
    volumes,
)


class CatalogueError(ValueError):
    """Thresholds or names that do not fit the catalogue."""


class Threshold:
    """One tunable level of a check.

    ``kind``: ``number`` (judged with >=, or <= for ``lower_is_worse`` checks; ``None`` or
    ``0`` disables it where ``zero_disables``), ``list`` (of strings).
    """

    __slots__ = ("name", "default", "unit", "doc", "kind", "zero_disables")

    def __init__(self, name, default, unit="", doc="", kind="number", zero_disables=False):
        self.name = name
        self.default = default
        self.unit = unit
        self.doc = doc
        self.kind = kind
        self.zero_disables = zero_disables


class Check:
    """One check: its id, area, platforms, names in both languages, what it looks at, its
    thresholds and one line of docs (what makes it warn or go critical)."""

    __slots__ = ("id", "name", "name_zh", "looks_at", "looks_at_zh", "thresholds", "doc",
                 "platforms", "sources")

    def __init__(self, id, name, name_zh, looks_at, looks_at_zh, doc, thresholds=(),
                 platforms=("linux",), sources=()):
        self.id = id
        self.name = name
        self.name_zh = name_zh
        self.looks_at = looks_at
        self.looks_at_zh = looks_at_zh
        self.doc = doc
        self.thresholds = tuple(t if isinstance(t, Threshold) else Threshold(**t)
                                for t in thresholds)
        self.platforms = tuple(platforms)
        self.sources = tuple(sources)

    @property
    def area(self):
        return self.id.split(".", 1)[0]

    @property
    def short(self):
        return self.id.split(".", 1)[1]

    def defaults(self):
        return {t.name: (list(t.default) if isinstance(t.default, (list, tuple))
                         else t.default) for t in self.thresholds}


class Area:
    """An inspection area: one role, one collector (one module execution per host)."""

    __slots__ = ("name", "title", "title_zh", "role", "collector", "doc", "platforms")

    def __init__(self, name, title, title_zh, role, collector, doc, platforms=("linux",)):
        self.name = name
        self.title = title
        self.title_zh = title_zh
        self.role = role
        self.collector = collector
        self.doc = doc
        self.platforms = tuple(platforms)


_AREA_MODULES = (system, errlog, patch, environment, volumes, storage, links, raid, array,
                 tape, network, hmc, errpt, aix_patch, aix_lvm, aix_devices, aix_system)

AREAS = {}
CHECKS = {}
MESSAGES = dict(common.MESSAGES)


def _load():
    for module in _AREA_MODULES:
        area = Area(**module.AREA)
        if area.name in AREAS:
            raise CatalogueError(f"area {area.name} declared twice")
        AREAS[area.name] = area
        for entry in module.CHECKS:
            check = Check(**entry)
            if check.area != area.name:
                raise CatalogueError(f"{check.id}: declared in the {area.name} catalogue")
            if check.id in CHECKS:
                raise CatalogueError(f"check {check.id} declared twice")
            CHECKS[check.id] = check
        for key, texts in module.MESSAGES.items():
            if key in MESSAGES:
                raise CatalogueError(f"message {key} declared twice")
            MESSAGES[key] = texts


_load()

# Findings about weibao itself (a module's output that broke the schema): not a check of any
# area, but named in reports like one.
INTERNAL_CHECKS = {
    "weibao.module_output": ("Output of an inspection module", "巡检模块的输出"),
}


def check(check_id):
    """The :class:`Check` of ``check_id``; CatalogueError when there is none."""
    try:
        return CHECKS[check_id]
    except KeyError:
        raise CatalogueError(f"check {check_id!r} is not in the catalogue") from None


def check_name(check_id, lang="en"):
    """A check's name in ``lang``; an id the catalogue does not know shows as itself."""
    entry = CHECKS.get(check_id)
    if entry is not None:
        return entry.name_zh if lang == "zh-CN" else entry.name
    names = INTERNAL_CHECKS.get(check_id)
    if names:
        return names[1] if lang == "zh-CN" else names[0]
    return check_id


def area_checks(area):
    """The checks of one area, in catalogue order."""
    return [c for c in CHECKS.values() if c.area == area]


def checks_for(platform, areas=None):
    """The checks that apply to a platform (optionally only of some areas)."""
    return [c for c in CHECKS.values()
            if platform in c.platforms and (areas is None or c.area in areas)]


def defaults(area):
    """{check short name: {threshold: default}} of an area's checks that have thresholds."""
    return {c.short: c.defaults() for c in area_checks(area) if c.thresholds}


def _number(where, value):
    if isinstance(value, bool):
        raise CatalogueError(f"{where}: {value!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CatalogueError(f"{where}: {value!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise CatalogueError(f"{where}: {value!r} is not a finite number")
    return int(number) if number.is_integer() else number


def merge_thresholds(area, overrides=None, where="thresholds"):
    """The area's default thresholds updated with ``overrides`` ({check: {name: value}},
    partial dicts allowed). Every name and value is checked against the catalogue; the
    error names the field: ``thresholds.memory.warning: 'x' is not a number``."""
    merged = defaults(area)
    known = {c.short: c for c in area_checks(area) if c.thresholds}
    if overrides is None:
        overrides = {}
    if not isinstance(overrides, dict):
        raise CatalogueError(f"{where}: expected a mapping of check to levels")
    for name, levels in overrides.items():
        if name not in known:
            raise CatalogueError(f"{where}: unknown check {name!r}; known: "
                                 + ", ".join(sorted(known)))
        if levels is None:
            continue
        if not isinstance(levels, dict):
            raise CatalogueError(f"{where}.{name}: expected a mapping of level to value")
        declared = {t.name: t for t in known[name].thresholds}
        for level, value in levels.items():
            spot = f"{where}.{name}.{level}"
            entry = declared.get(level)
            if entry is None:
                raise CatalogueError(f"{spot}: unknown level; known: "
                                     + ", ".join(sorted(declared)))
            if entry.kind == "list":
                if isinstance(value, str):
                    value = [v.strip() for v in value.split(",") if v.strip()]
                if not isinstance(value, (list, tuple)) \
                        or not all(isinstance(v, str) for v in value):
                    raise CatalogueError(f"{spot}: expected a list of strings")
                merged[name][level] = list(value)
            elif value is None or value == "":
                merged[name][level] = None
            else:
                number = _number(spot, value)
                if number < 0:
                    raise CatalogueError(f"{spot}: {value!r} is negative")
                merged[name][level] = None if (number == 0 and entry.zero_disables) \
                    else number
    return merged


def format_threshold(threshold, lang="en"):
    """A threshold's default with its unit, for the docs."""
    value = threshold.default
    if value is None:
        return "off"
    if isinstance(value, (list, tuple)):
        return ", ".join(value)
    return f"{value} {threshold.unit}".strip()
