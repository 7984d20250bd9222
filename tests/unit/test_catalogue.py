"""The check catalogue, its messages and the source registry hold together."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue, registry  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import (  # noqa: E402
    MessageError,
    fields,
    msg,
    render,
)

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("key", sorted(catalogue.MESSAGES))
def test_every_message_has_both_languages_with_the_same_parameters(key):
    texts = catalogue.MESSAGES[key]
    assert isinstance(texts, tuple) and len(texts) == 2, key
    en, zh = texts
    assert en.strip() and zh.strip(), key
    assert fields(en) == fields(zh), f"{key}: {fields(en)} vs {fields(zh)}"
    # Chinese text: Chinese characters (unless it is only a value), full-width punctuation
    if zh != en and re.sub(r"\{[^}]*\}", "", zh).strip(" “”\"'"):  # not a literal command
        assert CJK.search(zh) or not re.search(r"[A-Za-z]{3,}", re.sub(r"\{[^}]*\}", "", zh)), \
            f"{key}: no Chinese in {zh!r}"
    assert not re.search(r"[\u4e00-\u9fff][,;:()]|[,;:()][\u4e00-\u9fff]", zh), \
        f"{key}: half-width punctuation beside Chinese in {zh!r}"


def test_every_check_is_declared_completely():
    for check_id, check in catalogue.CHECKS.items():
        assert re.match(r"^[a-z][a-z_]*\.[a-z0-9_]+$", check_id)
        assert check.name and CJK.search(check.name_zh), check_id
        assert check.looks_at and check.looks_at_zh, check_id
        assert set(check.platforms) <= set(registry.PLATFORMS), check_id
        for t in check.thresholds:
            assert t.kind in ("number", "list") and t.doc, f"{check_id}.{t.name}"


def test_every_area_has_its_role_and_collector():
    for area in catalogue.AREAS.values():
        if area.collector == "":
            # judge-only: no collector (and so no role) yet; coverage leaves the area out
            continue
        assert (ROOT / "roles" / area.role / "tasks" / "main.yml").is_file(), area.name
        # a module runs on the host; a collector for a device without Python (a BMC) is an
        # action plugin that runs on the controller
        assert any((ROOT / "plugins" / kind / f"{area.collector}.py").is_file()
                   for kind in ("modules", "action")), area.name


def test_role_thresholds_are_overrides_of_the_catalogue():
    for area in catalogue.AREAS.values():
        if area.collector == "":
            continue  # judge-only: no role yet
        role = ROOT / "roles" / area.role
        defaults = yaml.safe_load((role / "defaults" / "main.yml").read_text())
        name = f"inspect_{area.name}_thresholds"
        if name in defaults:
            # whatever the role sets must be a valid override of the catalogue's defaults
            catalogue.merge_thresholds(area.name, defaults[name])
        else:
            # a role inspecting several areas in one task (inspect_storage) reads the other
            # areas' overrides from the inventory, where weibao inspect checks them
            assert area.role != f"inspect_{area.name}", f"{area.role}: no {name}"
            assert name in (role / "tasks" / "main.yml").read_text(), \
                f"{area.role}: {name} is not passed to the collector"


def test_check_sources_are_registry_commands():
    names = {(s.platform, registry._plain(c)) for s in registry.SOURCES
             for c in (s.command,) + s.aliases}
    for check in catalogue.CHECKS.values():
        for command in check.sources:
            assert any((p, command) in names for p in check.platforms), \
                f"{check.id}: source {command!r} is not in the registry"


def test_every_registry_source_matches_its_own_commands():
    # the patterns are compiled at a source's first match, not at import: compile them all
    for source in registry.SOURCES:
        for command in (source.command,) + source.aliases:
            assert source.matches(registry._plain(command)), (source.platform, command)
    assert registry.lookup("linux", "cat /proc/meminfo").key


def test_merge_thresholds_names_the_field():
    with pytest.raises(catalogue.CatalogueError, match=r"thresholds\.memory\.warning: 'x'"):
        catalogue.merge_thresholds("system", {"memory": {"warning": "x"}})
    with pytest.raises(catalogue.CatalogueError, match="unknown check 'memroy'"):
        catalogue.merge_thresholds("system", {"memroy": {"warning": 1}})
    with pytest.raises(catalogue.CatalogueError, match=r"memory\.warn: unknown level"):
        catalogue.merge_thresholds("system", {"memory": {"warn": 1}})
    merged = catalogue.merge_thresholds("system", {"memory": {"warning": 80}})
    assert merged["memory"]["warning"] == 80
    assert merged["memory"]["critical"] == catalogue.check("system.memory").defaults()[
        "critical"]


def test_render_formats_and_languages():
    m = msg("reason.clock_ahead", since="2026-12-01T00:00:00Z", now="2026-11-01T00:00:00Z")
    assert "2026-12-01 08:00:00 CST" in render(m, "zh-CN", "Asia/Shanghai")
    assert "2026-12-01 00:00:00 UTC" in render(m, "en")
    nested = msg("reason.cannot_read", path="/x", why=msg("errno.EACCES"))
    assert render(nested, "en") == "cannot read /x: permission denied"
    assert render(nested, "zh-CN") == "无法读取 /x：权限不足"
    with pytest.raises(MessageError, match="not in the catalogue"):
        render(msg("no.such.key"))
    with pytest.raises(MessageError, match="parameter"):
        render(msg("reason.cannot_read", path="/x"))


def test_registry_abbreviations_and_unknown_commands():
    src = registry.Source("cisco_ios", "sh[[ow]] env[[ironment]]", "network", "env")
    for typed in ("sh env", "show env", "show environment", "SHOW   ENV", "sho envir"):
        assert src.matches(typed), typed
    for typed in ("s env", "show", "show environments", "show env all"):
        assert not src.matches(typed), typed
    assert registry.lookup("linux", "dmesg -T").key == "dmesg"
    with pytest.raises(registry.RegistryError, match="supported: .*cat /proc/meminfo"):
        registry.lookup("linux", "cat /proc/cpuinfo")
    with pytest.raises(registry.RegistryError, match="platform 'vms' is not supported"):
        registry.lookup("vms", "show")
