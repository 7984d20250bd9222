"""Parsers of the errpt area (parsers/aix_errpt.py): AIX's ``errpt`` summary and ``errpt -a``
details on every fixture of tests/unit/fixtures/aix/{errpt,errpt_a}/ (AIX 7.1, 7.2, 7.3, the
summary in de_DE and zh_CN, an empty log, output not understood), the collector's raw shapes,
the registry's commands and the collector's COLLECT list.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import registry  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import msg, render  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import aix_errpt as p  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "aix"
FOLDERS = {"errpt": ("errpt", "summary"), "errpt_a": ("errpt_a", "details")}
CASES = sorted(c for folder in FOLDERS for c in (FIXTURES / folder).glob("*.raw"))


def body(path):
    text = path.read_text()
    return text.split("\n", 1)[1] if "\n" in text else ""


def test_there_are_fixtures_of_each_kind():
    assert {c.parent.name for c in CASES} == set(FOLDERS)
    assert len(CASES) >= 10
    assert all(c.read_text().startswith("# provenance: ") for c in CASES)
    names = {c.stem for c in CASES}
    assert {"aix71_disk_perm", "aix72_path_failed_recovered", "aix73_lvm_ech",
            "de_DE_descriptions", "zh_CN_descriptions", "empty_log", "not_understood"} <= names


@pytest.mark.parametrize("path", CASES, ids=lambda c: f"{c.parent.name}/{c.stem}")
def test_fixture(path):
    expected = yaml.safe_load(path.with_suffix(".yml").read_text())
    key, section = FOLDERS[path.parent.name]
    record = p.parse_sources({key: body(path)}, {})[section]
    if "error" in expected:
        assert record["cause"] == "not_understood"
        assert render(record["error"], "en") == expected["error"]
        return
    got = [[e["identifier"], e["label"], e["time"], e["type"], e["class"], e["resource"]]
           for e in record["entries"]]
    assert got == expected["expected"]["entries"]


def test_translated_summary_reads_the_same_entries_as_english():
    german = p.parse_summary(body(FIXTURES / "errpt" / "de_DE_descriptions.raw"))
    english = p.parse_summary(body(FIXTURES / "errpt" / "aix71_disk_perm.raw"))
    by_id = {e["identifier"]: e for e in english["entries"]}
    for entry in german["entries"]:
        if entry["identifier"] in by_id:
            same = by_id[entry["identifier"]]
            assert (entry["label"], entry["type"], entry["class"]) == \
                (same["label"], same["type"], same["class"])
            assert entry["description"] != same["description"]  # kept, never read


def test_details_fields():
    [entry] = p.parse_details(body(FIXTURES / "errpt_a" / "aix73_ech.raw"))["entries"]
    assert entry["label"] == "ECH_PING_FAIL_BCKP"
    assert entry["resource_class"] == "adapter" and entry["resource_type"] == "ibm_ech"
    assert entry["sequence"] == "1207" and entry["node"] == "aixdb01"
    assert entry["description"] == "PING TO REMOTE HOST FAILED"
    assert entry["detail"][0].startswith("Unable to reach remote host")


def test_summary_type_letters_and_times():
    text = ("IDENTIFIER TIMESTAMP  T C RESOURCE_NAME  DESCRIPTION\n"
            "DE3B8540   0229235924 P H hdisk0         PATH HAS FAILED\n"
            "12345678   0101000025 X U foo\n")
    entries = p.parse_summary(text)["entries"]
    assert entries[0]["time"] == "2024-02-29T23:59:00"
    assert entries[1]["type"] == "X" and entries[1]["label"] == "" \
        and entries[1]["description"] == ""


@pytest.mark.parametrize("text", [
    "IDENTIFIER TIMESTAMP  T C RESOURCE_NAME  DESCRIPTION\nDE3B8540   1399999999 P H hdisk0 X\n",
    "IDENTIFIER TIMESTAMP  T C RESOURCE_NAME  DESCRIPTION\nsomething else entirely\n",
    "0315-180 logread: UNEXPECTED EOF\n",
])
def test_summary_not_understood(text):
    section = p.parse_sources({"errpt": text}, {})["summary"]
    assert section["cause"] == "not_understood"


def test_header_only_and_empty_are_an_empty_log():
    assert p.parse_summary("IDENTIFIER TIMESTAMP  T C RESOURCE_NAME  DESCRIPTION\n") == \
        {"entries": []}
    assert p.parse_summary("") == {"entries": []}
    assert p.parse_details("") == {"entries": []}


def test_failures_and_absent_sources():
    missing = {"error": msg("reason.not_installed", command="errpt"), "cause": "tool_missing"}
    data = p.parse_sources({"errpt": missing}, {"since": "2026-11-01T00:00:00Z"})
    assert data["summary"]["cause"] == "tool_missing"
    assert data["details"] is None and data["since"] == "2026-11-01T00:00:00Z"
    for odd in ({"unexpected": 1}, 42):
        data = p.parse_sources({"errpt_a": odd}, {})
        assert data["details"]["cause"] == "not_understood"
        assert render(data["details"]["error"], "en") == \
            "errpt_a: neither output nor a failure"


def test_judge_since_keeps_the_entries_of_the_period():
    text = body(FIXTURES / "errpt" / "aix72_path_failed_recovered.raw")
    data = p.parse_sources({"errpt": text}, {"judge": True, "since": "2026-11-30T00:00:00Z"})
    assert [e["resource"] for e in data["summary"]["entries"]] == ["hdisk7"]
    # on the host the command itself filtered (errpt -s): nothing dropped
    data = p.parse_sources({"errpt": text}, {"since": "2026-11-30T00:00:00Z"})
    assert len(data["summary"]["entries"]) == 4


def test_judge_since_keeps_an_entry_of_since_s_minute_in_the_summary():
    # the summary prints minutes (0102030426 = 01-02 03:04): an entry at 03:04:45 is shown
    # as 03:04 and must not be dropped by a since of 03:04:30, as errpt -s keeps it
    text = ("IDENTIFIER TIMESTAMP  T C RESOURCE_NAME  DESCRIPTION\n"
            "DE3B8540   0102030426 P H hdisk3         PATH HAS FAILED\n"
            "DE3B8540   0102030326 P H hdisk2         PATH HAS FAILED\n")
    data = p.parse_sources({"errpt": text}, {"judge": True, "since": "2026-01-02T03:04:30Z"})
    assert [e["resource"] for e in data["summary"]["entries"]] == ["hdisk3"]


def test_collect_names_the_registry_keys():
    keys = {s.key for s in registry.sources("aix") if s.area == "errpt"}
    assert {key for key, _argv in p.COLLECT} == keys == {"errpt", "errpt_a"}
    assert dict(p.COLLECT)["errpt"] == ("errpt", "-s", "{since}")
    assert dict(p.COLLECT)["errpt_a"] == ("errpt", "-a", "-s", "{since}")


@pytest.mark.parametrize("command,key", [
    ("errpt", "errpt"), ("errpt -s 1201000026", "errpt"), ("errpt -a", "errpt_a"),
    ("errpt -a -s 1201000026", "errpt_a"), ("errpt  -s 1201000026 -a", "errpt_a"),
])
def test_registry(command, key):
    source = registry.lookup("aix", command)
    assert source.key == key and source.area == "errpt" and source.log
    assert {c.id for c in source.checks()} == {"errpt.hardware", "errpt.software",
                                               "errpt.paths", "errpt.summary"}


def test_identifier_table_is_well_formed():
    for identifier, label in p.IDENTIFIERS.items():
        assert len(identifier) == 8 and identifier == identifier.upper()
        int(identifier, 16)
        assert label and label == label.upper()


def test_judge_since_is_compared_in_the_zone_it_was_given_in(tmp_path):
    """errpt prints the host's local time with no zone: --since 02:00+08:00 keeps what the
    host logged from 02:00 its time, not from 18:00 the day before (the instant in UTC)."""
    from weibao.services.judge import judge

    saved = tmp_path / "errpt.txt"
    saved.write_text("IDENTIFIER TIMESTAMP  T C RESOURCE_NAME  DESCRIPTION\n"
                     "DE3B8540   1130021026 P H hdisk7         PATH HAS FAILED\n"
                     "DE3B8540   1129200026 P H hdisk5         PATH HAS FAILED\n",
                     encoding="utf-8")
    results = judge("aix", "errpt", [str(saved)], since="2026-11-30T02:00:00+08:00",
                    now="2026-12-06T10:00:00+08:00")
    paths = {f["component"] for r in results for f in r.findings
             if f["check_id"] == "errpt.paths"}
    assert "hdisk7" in paths and "hdisk5" not in paths, paths
