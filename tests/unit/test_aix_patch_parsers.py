"""Parsers of the aix_patch area (parsers/aix_aix_patch.py) on every fixture of
tests/unit/fixtures/aix/{oslevel_s,instfix_i,lslpp_l,lppchk_v,emgr_l}/ (AIX 7.1, 7.2, 7.3,
a German locale, outputs not understood), each .raw beside its .yml (``expected`` or
``error``), and the COLLECT list the AIX collector runs.
"""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
import yaml

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import registry  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import render  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import aix_aix_patch as p  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers.sections import ParseError  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "aix"
FOLDERS = ("oslevel_s", "instfix_i", "lslpp_l", "lppchk_v", "emgr_l")
CASES = sorted(path for folder in FOLDERS for path in (FIXTURES / folder).glob("*.raw"))


def body(path: Path) -> str:
    """The capture without its provenance line."""
    text = path.read_text()
    return text.split("\n", 1)[1] if "\n" in text else ""


def summary(key, data):
    """The part of the parsed data a fixture's ``expected`` states."""
    if key == "instfix_i":
        kinds = collections.Counter(k["kind"] for k in data["keywords"])
        return {"keywords": len(data["keywords"]), "ml": kinds["ml"], "sp": kinds["sp"],
                "fix": kinds["fix"],
                "incomplete": [k["keyword"] for k in data["keywords"] if not k["complete"]]}
    if key == "lslpp_l":
        states = {}
        for fileset in data["filesets"]:
            states.setdefault(fileset["state"], set()).add(fileset["name"])
        return {"count": len({f["name"] for f in data["filesets"]}),
                "states": {s: len(n) for s, n in states.items()}}
    if key == "lppchk_v":
        return {"lines": len(data["lines"]) or []}
    if key == "emgr_l":
        return {"fixes": [[f["id"], f["state"], f["label"]] for f in data["fixes"]]}
    return data


def test_there_are_fixtures_of_each_version_and_a_foreign_locale():
    names = {path.stem for path in CASES}
    for version in ("aix71", "aix72", "aix73"):
        assert any(n.startswith(version) for n in names), version
    assert any("locale" in n for n in names)
    for folder in FOLDERS:
        assert list((FIXTURES / folder).glob("*.raw")), folder


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture(path):
    expected = yaml.safe_load(path.with_suffix(".yml").read_text())
    key = path.parent.name
    assert path.read_text().startswith("# "), "the first line says where the format is from"
    if "error" in expected:
        with pytest.raises(ParseError) as caught:
            p.PARSERS[key](body(path))
        assert " ".join(render(caught.value.message, "en").split()) == \
            " ".join(expected["error"].split())
        section = p.parse_sources({key: body(path)})[key]
        assert section["cause"] == "not_understood"
        return
    want = expected["expected"]
    if key == "lppchk_v" and want["lines"] == []:
        want = {"lines": []}
    assert summary(key, p.PARSERS[key](body(path))) == want


def test_oslevel_fields_and_noise():
    assert p.parse_oslevel("7300-03-01-2520\n") == {
        "level": "7300-03-01-2520", "version": "7.3", "tl": 3, "sp": 1, "build": "2520"}
    with pytest.raises(ParseError):
        p.parse_oslevel("")
    with pytest.raises(ParseError):  # two levels: which one?
        p.parse_oslevel("7200-05-06-2320\n7300-01-02-2320\n")


def test_lslpp_keeps_paths_and_wrapped_descriptions():
    text = body(FIXTURES / "lslpp_l" / "aix73_committed.raw")
    filesets = p.parse_lslpp(text)["filesets"]
    assert {f["path"] for f in filesets} == {"/usr/lib/objrepos", "/etc/objrepos"}
    assert [f["state"] for f in filesets if f["name"] == "bos.net.tcp.client_core"] == \
        ["EFIX LOCKED"]
    # the wrapped description line is not a fileset
    assert not any(f["name"] == "Multiprocessor" for f in filesets)


def test_emgr_reboot_state_is_unstarred_and_shown():
    text = body(FIXTURES / "emgr_l" / "aix73_reboot_required.raw")
    fix = p.parse_emgr(text)["fixes"][1]
    assert (fix["state"], fix["state_shown"], fix["installed"]) == \
        ("Q", "*Q*", "11/28/26 23:40:05")
    with pytest.raises(ParseError):  # a header and no row: truncated
        p.parse_emgr("\n".join(text.splitlines()[:3]))


def test_parse_sources_shapes():
    failed = {"error": {"key": "reason.not_collected", "params": {}}, "cause": "tool_missing"}
    data = p.parse_sources({"oslevel_s": "7200-05-06-2320\n", "emgr_l": failed,
                            "lppchk_v": "", "lslpp_l": ["not", "text"]})
    assert data["oslevel_s"]["tl"] == 5
    assert data["emgr_l"]["cause"] == "tool_missing"
    assert data["lppchk_v"] == {"lines": []}
    assert data["lslpp_l"]["cause"] == "not_understood"
    assert data["instfix_i"] is None


def test_collect_names_the_registry_keys():
    keys = {s.key for s in registry.sources("aix") if s.area == "aix_patch"}
    assert {key for key, _argv in p.COLLECT} == keys == set(p.PARSERS)
    for key, argv in p.COLLECT:
        assert isinstance(argv, tuple) and all(isinstance(a, str) for a in argv)
        assert registry.lookup("aix", " ".join(argv)).key == key
    assert registry.lookup("aix", "instfix -i | grep ML").key == "instfix_i"
