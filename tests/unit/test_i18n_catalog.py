"""Languages and the two zh_CN catalogs (report templates, command-line messages).

The catalog test is the gate ``pybabel compile`` is not: it fails on untranslated and fuzzy
entries, on placeholders that differ between msgid and msgstr, and on strings in the sources
(extracted with the project's babel.cfg) that the .po lacks. Fix with the commands in
babel.cfg (extract, update -N), then translate.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from weibao import i18n
from weibao.content import content_root

ROOT = content_root()
CATALOGS = {
    # name: (.po file, babel.cfg patterns that feed it)
    "report templates": (
        ROOT / "report_templates" / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po",
        "report_templates/",
    ),
    "command line": (
        ROOT / "runner" / "weibao" / "locale" / "zh_CN" / "LC_MESSAGES" / "weibao.po",
        "runner/weibao/",
    ),
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdrf]|\{\w+\}")


@pytest.fixture(autouse=True)
def _fresh_cache():
    i18n.clear_cache()
    yield
    i18n.clear_cache()


# ----------------------------------------------------------------------------- languages


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("en_US.UTF-8", "en"),
        ("en-GB", "en"),
        ("zh", "zh-CN"),
        ("zh_CN", "zh-CN"),
        ("zh-CN", "zh-CN"),
        ("zh-cn", "zh-CN"),
        ("zh_CN.UTF-8", "zh-CN"),
        ("zh_CN.GB18030", "zh-CN"),
        ("zh-Hans", "zh-CN"),
        (" zh_CN.utf8 ", "zh-CN"),
    ],
)
def test_normalize_lang(value, expected):
    assert i18n.normalize_lang(value) == expected


@pytest.mark.parametrize("value", ["fr", "zh_TW", "zh-Hant", "C", "", "english", None, 5])
def test_normalize_lang_rejects_other_languages(value):
    with pytest.raises(ValueError, match="unsupported language"):
        i18n.normalize_lang(value)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh-CN"),
        ({"LC_ALL": "C", "LC_MESSAGES": "zh_CN.UTF-8"}, "en"),
        ({"LC_ALL": "zh_SG.UTF-8"}, "zh-CN"),
        ({"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, "zh-CN"),
        ({"WEIBAO_LANG": "en", "LC_ALL": "zh_CN.UTF-8"}, "en"),
        ({"WEIBAO_LANG": "zh", "LANG": "C"}, "zh-CN"),
    ],
)
def test_current_lang(environ, expected):
    assert i18n.current_lang(environ) == expected


def test_current_lang_reads_the_process_environment(monkeypatch):
    for name in ("WEIBAO_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.current_lang() == "zh-CN"


def test_explicit_weibao_lang_must_be_supported():
    with pytest.raises(ValueError, match="unsupported language 'fr'"):
        i18n.current_lang({"WEIBAO_LANG": "fr", "LANG": "zh_CN.UTF-8"})


# ----------------------------------------------------------------------------- translations


def test_english_needs_no_catalog(tmp_path):
    tr = i18n.translations(tmp_path / "nowhere", "en_US.UTF-8")
    assert type(tr) is NullTranslations
    assert tr.gettext("Summary") == "Summary"


def test_chinese_catalog_is_compiled_in_memory_and_cached():
    folder = ROOT / "report_templates" / "locale"
    tr = i18n.translations(folder, "zh_CN.UTF-8")
    assert isinstance(tr, Translations)
    assert tr.gettext("Monthly Inspection Report") == "巡视检查报告"
    singular, plural = "%(count)s warning needs attention.", "%(count)s warnings need attention."
    assert tr.ngettext(singular, plural, 2) == "%(count)s 项警告需要关注。"
    assert i18n.translations(folder, "zh-CN") is tr
    assert not list(ROOT.joinpath("report_templates").rglob("*.mo"))
    assert not list(ROOT.joinpath("runner", "weibao").rglob("*.mo"))


def test_missing_chinese_catalog_raises_instead_of_falling_back_to_english(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no zh-CN catalog .*messages\.po"):
        i18n.translations(tmp_path, "zh-CN")


def test_fuzzy_entries_are_not_used(tmp_path):
    po = tmp_path / "zh_CN" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Summary"\nmsgstr "检查概要"\n\n#, fuzzy\nmsgid "Hosts"\nmsgstr "主机"\n',
        encoding="utf-8",
    )
    tr = i18n.translations(tmp_path, "zh-CN")
    assert tr.gettext("Summary") == "检查概要"
    assert tr.gettext("Hosts") == "Hosts"


def test_cli_gettext():
    assert i18n.cli_gettext("en")("error") == "error"
    assert i18n.cli_gettext("zh_CN.UTF-8")("error") == "错误"


# ----------------------------------------------------------------------------- catalogs


def _extracted(prefix: str) -> set[str]:
    """msgids the project's babel.cfg extracts from the sources feeding one catalog."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj, str(ROOT / "babel.cfg"))
    method_map = [(p, m) for p, m in method_map if p.startswith(prefix)]
    options_map = {p: o for p, o in options_map.items() if p.startswith(prefix)}
    assert method_map, f"babel.cfg has no section for {prefix}"
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_zh_catalog_is_complete(name):
    po_path, prefix = CATALOGS[name]
    with po_path.open("rb") as fileobj:
        catalog = read_po(fileobj, locale="zh_CN")
    assert catalog.num_plurals == 1
    assert "nplurals=1" in catalog.plural_forms
    bad = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            bad.append(f"untranslated: {ids[0]!r}")
        if message.fuzzy:
            bad.append(f"fuzzy: {ids[0]!r}")
        wanted = sorted(set(PLACEHOLDER.findall(ids[0])))
        for string in strings:
            if string and sorted(set(PLACEHOLDER.findall(string))) != wanted:
                bad.append(f"placeholders differ: {ids[0]!r} -> {string!r}")
    bad += [f"format: {m.id!r}: {e}" for m, errors in catalog.check() for e in errors]
    in_source = _extracted(prefix)
    in_po = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog if m.id}
    bad += [f"not in .po (extract, update: babel.cfg): {s!r}" for s in sorted(in_source - in_po)]
    bad += [f"in .po, gone from the source (update): {s!r}" for s in sorted(in_po - in_source)]
    assert not bad, f"{po_path}:\n" + "\n".join(bad)


def test_report_templates_have_no_dynamic_gettext_calls():
    """_(variable) cannot be extracted (pybabel warns and skips it): write labels literally."""
    bad = []
    for template in sorted((ROOT / "report_templates").rglob("*.j2")):
        text = template.read_text(encoding="utf-8")
        text = re.sub(r"\{#.*?#\}", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
        for match in re.finditer(r"\b(_|gettext|ngettext)\(\s*(?![\"'])", text):
            line = text.count("\n", 0, match.start()) + 1
            bad.append(f"{template.relative_to(ROOT)}:{line}")
    assert not bad, "dynamic gettext call(s): " + ", ".join(bad)


def test_babel_cfg_matches_the_jinja_trimmed_policy():
    text = (ROOT / "babel.cfg").read_text(encoding="utf-8")
    section = text.split("[jinja2: report_templates/**.j2]", 1)[1].split("\n[", 1)[0]
    assert re.search(r"^trimmed = true$", section, flags=re.M)
    assert re.search(r"^\[python: runner/weibao/\*\*\.py\]$", text, flags=re.M)


def test_catalog_paths_follow_the_gettext_layout():
    assert i18n.catalog_path(Path("/x"), "zh_CN.UTF-8", "weibao") == Path(
        "/x/zh_CN/LC_MESSAGES/weibao.po"
    )
    with pytest.raises(ValueError, match="source language"):
        i18n.catalog_path(Path("/x"), "en")
