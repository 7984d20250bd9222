"""Parsers of the aix_devices area (parsers/aix_aix_devices.py): lsdev -C (-Cc adapter,
-Cc tape), lspath, fcstat and entstat -d on every fixture (AIX 7.1, 7.2 and 7.3 layouts from
IBM's command references and public captures, said on each file's first line), a non-English
capture, garbled input, the collector's COLLECT list and the adapters() helper.

Each fixture's .yml holds what the parser reads from it (or ``error: <message key>``) and
the status of every finding the rules make of it on a first inspection (``statuses``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue, registry  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import aix_aix_devices as p  # noqa: E402
from ansible.module_utils.weibao_inspection.rules import aix_devices as rules  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "aix"
KEYS = {"lsdev_C": "lsdev", "lsdev_Cc_adapter": "lsdev_adapter", "lsdev_Cc_tape": "lsdev_tape",
        "lspath": "lspath", "fcstat_id": "fcstat", "entstat_d_id": "entstat"}
CASES = sorted(c for f in KEYS for c in (FIXTURES / f).glob("*.raw"))


def body(path):
    return path.read_text().split("\n", 1)[1]


def parsed(path):
    """(key, the parsed section or the one adapter's parse)."""
    key = KEYS[path.parent.name]
    value = body(path)
    if key in ("fcstat", "entstat"):
        value = {"": value}
    section = p.parse_sources({key: value})[key]
    if key in ("fcstat", "entstat"):
        [section] = section["adapters"].values()
    return key, section


def projection(key, section):
    if "error" in section:
        return {"error": section["error"]["key"]}
    if key.startswith("lsdev"):
        return {"devices": len(section["devices"]),
                "not_available": [d["name"] for d in section["devices"]
                                  if d["status"] != "Available"]}
    if key == "lspath":
        return {"paths": len(section["paths"])}
    if key == "fcstat":
        if "open_error" in section:
            return {"open_error": section["open_error"]}
        out = {"adapter": section["adapter"], "attention": section["attention"],
               "wwpn": section["wwpn"],
               "counters": {n: section["counters"][n] for n in (
                   "error_frames", "invalid_crc_count", "invalid_tx_word_count",
                   "link_failure_count", "loss_of_sync_count", "seconds_since_last_reset")}}
        if section["virtual"]:
            out["virtual"] = True
        return out
    out = {"adapter": section["adapter"], "link": section["link"],
           "members": [[m["adapter"], m["link"], m["sync"]] for m in section["members"]]}
    if section["channel"]:
        out["aggregation"] = section["aggregation"]
    elif section["virtual"]:
        out["virtual"] = True
    else:
        out["counters"] = section["counters"]
        out["elapsed"] = section["elapsed"]
    return out


def test_fixtures_with_provenance_versions_and_a_not_understood_case():
    assert {c.parent.name for c in CASES} == set(KEYS)
    assert all(c.read_text().startswith("# provenance: ") for c in CASES)
    names = " ".join(c.stem for c in CASES)
    for version in ("aix71", "aix72", "aix73"):
        assert version in names
    for folder in KEYS:
        if folder != "lsdev_Cc_adapter":
            assert any("error" in yaml.safe_load(c.with_suffix(".yml").read_text())
                       for c in CASES if c.parent.name == folder), folder


@pytest.mark.parametrize("path", CASES, ids=lambda c: f"{c.parent.name}/{c.stem}")
def test_fixture(path):
    expected = yaml.safe_load(path.with_suffix(".yml").read_text())
    key, section = parsed(path)
    got = projection(key, section)
    for name, value in got.items():
        assert expected.get(name) == value, name
    assert set(expected) - {"statuses", "adapters"} == set(got)


@pytest.mark.parametrize("path", CASES, ids=lambda c: f"{c.parent.name}/{c.stem}")
def test_fixture_statuses_on_a_first_inspection(path):
    expected = yaml.safe_load(path.with_suffix(".yml").read_text())
    key = KEYS[path.parent.name]
    value = body(path) if key not in ("fcstat", "entstat") else {"": body(path)}
    findings = rules.evaluate(p.parse_sources({key: value}), catalogue.merge_thresholds(
        "aix_devices"), {"now": 1764900000.0, "previous": {}})
    if "error" in expected:
        assert findings and all(f["status"] == "unknown" for f in findings)
        assert all(f["cause"] == "not_understood" for f in findings)
        return
    got = {}
    for f in findings:
        name = f["component"] if key in ("lsdev", "lsdev_adapter", "lsdev_tape", "lspath") \
            else f["check_id"].split(".")[1]
        if key in ("lsdev", "lsdev_adapter") and f["status"] == "ok":
            name = "devices"
        got[name] = f["status"]
    assert got == expected["statuses"]


def test_non_english_status_words_are_not_guessed():
    section = p.parse_sources({"lsdev": body(FIXTURES / "lsdev_C" / "zh_CN_not_english.raw")})
    assert section["lsdev"]["cause"] == "not_understood"
    assert section["lsdev"]["error"]["params"]["word"] == "可用的"
    # one unknown word among English ones: that device only is unknown
    mixed = p.parse_lsdev("hdisk0 Available 00-08-00 SAS Disk Drive\nhdisk1 Verfügbar 00-08-01 "
                          "SAS Disk Drive\n")["devices"]
    assert [d["known"] for d in mixed] == [True, False]


def test_lsdev_location_is_optional_and_descriptions_starting_with_fc_stay_whole():
    [a, b, c] = p.parse_lsdev("vscsi0 Available Virtual SCSI Client Adapter\n"
                              "fscsi0 Available FC SCSI I/O Controller Protocol Device\n"
                              "fcs0 Available C5-T1 Virtual Fibre Channel Client Adapter\n"
                              )["devices"]
    assert (a["location"], a["description"]) == ("", "Virtual SCSI Client Adapter")
    assert b["description"].startswith("FC SCSI") and b["location"] == ""
    assert c["location"] == "C5-T1"


def test_lsdev_header_skipped_and_garbage_refused():
    text = "name   status    location description\nsys0 Available  System Object\n"
    assert [d["name"] for d in p.parse_lsdev(text)["devices"]] == ["sys0"]
    with pytest.raises(p.ParseError):
        p.parse_lsdev("0653-000 something went wrong\n")


def test_adapters_helper_for_the_collector():
    text = body(FIXTURES / "lsdev_Cc_adapter" / "aix72_adapters.raw")
    assert p.adapters(text) == {"fcs": ["fcs0", "fcs1"], "ent": ["ent0", "ent1", "ent4"]}
    assert p.adapters("garbage line here\n") == {"fcs": [], "ent": []}
    assert p.adapters("ent10 Available  x\nent2 Available  y\n")["ent"] == ["ent2", "ent10"]


def test_collect_lists_registry_commands():
    templates = {"{fcs}": "fcs0", "{ent}": "ent0"}
    keys = {s.key for s in registry.sources("aix") if s.area == "aix_devices"}
    assert {k for k, _argv in p.COLLECT} == keys
    for key, argv in p.COLLECT:
        command = " ".join(templates.get(a, f'"{a}"' if " " in a else a) for a in argv)
        assert registry.lookup("aix", command).key == key, command


def test_lspath_default_and_four_columns_and_empty():
    paths = p.parse_lspath("Enabled hdisk0 fscsi0\nMissing hdisk0 fscsi1 5005,0\n")["paths"]
    assert [(x["status"], x["connection"]) for x in paths] == [("Enabled", ""),
                                                                 ("Missing", "5005,0")]
    assert p.parse_lspath("") == {"paths": []}
    with pytest.raises(p.ParseError):
        p.parse_lspath("Aktiviert hdisk0 fscsi0\n")


def test_fcstat_counter_not_a_number_and_saved_output_names_its_adapter():
    text = body(FIXTURES / "fcstat_id" / "aix72_16gb_ok.raw")
    section = p.parse_sources({"fcstat": text}, {"command": "fcstat fcs0"})["fcstat"]
    assert list(section["adapters"]) == ["fcs0"]
    bad = text.replace("Invalid CRC Count: 0", "Invalid CRC Count: lots")
    section = p.parse_sources({"fcstat": {"fcs0": bad}})["fcstat"]["adapters"]["fcs0"]
    assert section["cause"] == "not_understood"


def test_per_adapter_failures_kept():
    failure = {"error": {"key": "reason.timed_out", "params": {"command": "fcstat fcs1",
                                                               "seconds": 60}},
               "cause": "source_unreadable"}
    data = p.parse_sources({"fcstat": {"fcs1": failure}, "entstat": failure})
    assert data["fcstat"]["adapters"]["fcs1"]["cause"] == "source_unreadable"
    assert data["entstat"]["cause"] == "source_unreadable"
    assert p.parse_sources({}) == {}


def test_entstat_elapsed_time():
    assert p._elapsed("1 days 0 hours 1 minutes 5 seconds") == 86465
    assert p._elapsed("unknown") is None


@pytest.mark.parametrize("key", ["lsdev", "lsdev_adapter"])
def test_empty_device_list_is_unknown_not_ok(key):
    # every AIX host has devices: lsdev -C (or -Cc adapter) printing nothing was not read
    data = p.parse_sources({key: "\n"})
    assert data[key]["cause"] == "not_understood"
    out = [f for f in rules.evaluate(data, catalogue.merge_thresholds("aix_devices"), {})
           if f["check_id"] == "aix_devices.devices"]
    assert out and all(f["status"] == "unknown" for f in out)
    # no tape drive is a legitimate empty list
    assert p.parse_sources({"lsdev_tape": ""})["lsdev_tape"] == {"devices": []}
