"""Readers of the disk arrays' CLIs (parsers/ibm_storwize_array.py,
parsers/huawei_oceanstor_array.py): every saved output under
tests/unit/fixtures/{ibm_storwize,huawei_oceanstor}/<command>/ read as its .yml says (the
fields the .yml names), tables read by their header row whatever the column order, with or
without ``-delim``, Chinese OceanStor output read by its headers or reported not understood,
and the registry's spellings of each command.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
import yaml

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import registry  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import render  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import array_text  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import (  # noqa: E402
    huawei_oceanstor_array as ocean,
)
from ansible.module_utils.weibao_inspection.parsers import (  # noqa: E402
    ibm_storwize_array as svc,
)

FIXTURES = Path(__file__).parent / "fixtures"
PLATFORMS = ("ibm_storwize", "huawei_oceanstor")


def slug(command):
    return re.sub(r"[^A-Za-z0-9]+", "_", command).strip("_")


def _source(platform, folder):
    for source in registry.sources(platform):
        if any(slug(registry._plain(c)) == folder for c in (source.command,) + source.aliases):
            return source
    raise AssertionError(f"{platform}/{folder}: no registry source")


def _cases():
    out = []
    for platform in PLATFORMS:
        for raw in sorted((FIXTURES / platform).glob("*/*.raw")):
            out.append((platform, raw))
    return out


def text_of(path):
    return path.read_text().split("\n", 1)[1]


def parse(platform, key, text):
    module = svc if platform == "ibm_storwize" else ocean
    return module.parse_sources({key: text}, {})


CASES = _cases()


@pytest.mark.parametrize("platform,path", CASES,
                         ids=[f"{p}/{r.parent.name}/{r.stem}" for p, r in CASES])
def test_every_saved_output_reads_as_its_yml_says(platform, path):
    assert path.read_text().startswith("# provenance: ")
    source = _source(platform, path.parent.name)
    expected = yaml.safe_load(path.with_suffix(".yml").read_text())
    data = parse(platform, source.key, text_of(path))
    section = data.get(expected["section"])
    assert section is not None, data
    if "error" in expected:
        assert section.get("cause") == "not_understood"
        assert render(section["error"], "en") == expected["error"]
        return
    assert "error" not in section, render(section["error"], "en")
    if isinstance(expected["expected"], list):
        assert len(section["items"]) == len(expected["expected"])
        for item, want in zip(section["items"], expected["expected"], strict=True):
            assert {k: item[k] for k in want} == want
    else:
        assert {k: section[k] for k in expected["expected"]} == expected["expected"]


def test_both_platforms_have_fixtures_for_every_source():
    for platform in PLATFORMS:
        folders = {p.name for p in (FIXTURES / platform).iterdir()}
        for source in registry.sources(platform):
            names = {slug(registry._plain(c)) for c in (source.command,) + source.aliases}
            assert names & folders, f"{platform} {source.name}: no fixture"


# --------------------------------------------------------------------------- Storwize


def test_columns_are_read_by_name_in_any_order_with_or_without_delim():
    rows = [("0", "online", "member", "1", "3", "558.4GB"), ("1", "offline", "failed", "1", "4",
                                                             "558.4GB")]
    header = ("id", "status", "use", "enclosure_id", "slot_id", "capacity")
    delim = ":".join(header) + "\n" + "\n".join(":".join(r) for r in rows)
    comma = delim.replace(":", ",")
    reordered = "capacity:slot_id:use:id:enclosure_id:status\n" + "\n".join(
        ":".join((r[5], r[4], r[2], r[0], r[3], r[1])) for r in rows)
    aligned = ("id status  use    enclosure_id slot_id capacity\n"
               "0  online  member 1            3       558.4GB\n"
               "1  offline failed 1            4       558.4GB\n")
    results = [svc.parse_lsdrive(t)["items"] for t in (delim, comma, reordered, aligned)]
    for items in results:
        assert [(i["id"], i["state"], i["use"], i["slot"]) for i in items] == \
            [("0", "ok", "member", "3"), ("1", "failed", "failed", "4")]
        assert items[0]["capacity"] == round(558.4 * 1024 ** 3)


def test_aligned_blank_cells_stay_blank():
    text = ("id status error_sequence_number use       mdisk_name enclosure_id slot_id\n"
            "7  online                       candidate            1            8\n")
    [item] = svc.parse_lsdrive(text)["items"]
    assert (item["use"], item["enclosure"], item["slot"], item["state"]) == \
        ("candidate", "1", "8", "ok")


def test_description_keeps_its_delimiter_and_spaces():
    text = ("sequence_number:status:fixed:error_code:description\n"
            "5:alert:no:1114:Enclosure battery: end of life\n")
    [event] = svc.parse_lseventlog(text)["items"]
    assert event["description"] == "Enclosure battery: end of life"
    assert event["severity"] == "critical"
    aligned = ("sequence_number status fixed error_code description\n"
               "5               alert  no    1114       Enclosure battery end of life\n")
    assert svc.parse_lseventlog(aligned)["items"][0]["description"] == \
        "Enclosure battery end of life"


def test_eventlog_severity_by_status():
    text = ("sequence_number:status:fixed:error_code:description\n"
            "1:alert:no:1690:Drive failed\n2:alert:no::Login excluded\n"
            "3:message:no::FC discovery\n4:monitoring:no:2030:Internal error\n"
            "5:alert:yes:1690:Drive failed\n6:expired:no:1690:Drive failed\n")
    assert [e["severity"] for e in svc.parse_lseventlog(text)["items"]] == \
        ["critical", "warning", "info", "info", "info", "info"]


def test_empty_list_is_none_listed_but_a_header_alone_is_cut():
    data = svc.parse_sources({"lsdrive": "", "lseventlog": "\n"}, {})
    assert data["drives"] == {"items": []} and data["events"] == {"items": []}
    cut = svc.parse_sources({"lsdrive": "id:status:use\n"}, {})["drives"]
    assert cut["cause"] == "not_understood"
    assert render(cut["error"]) == "lsdrive is truncated"


def test_a_status_weibao_does_not_know_is_no_state():
    text = "id:status:use\n0:online:member\n1:weird:member\n2:online:sparkling\n"
    assert [i["state"] for i in svc.parse_lsdrive(text)["items"]] == ["ok", None, None]


def test_collector_failures_are_kept_and_absent_keys_stay_absent():
    failed = {"error": {"key": "reason.no_output", "params": {"command": "lsdrive"}},
              "cause": "source_unreadable"}
    data = svc.parse_sources({"lsdrive": failed}, {})
    assert data["drives"]["cause"] == "source_unreadable"
    assert "pools" not in data and "events" not in data


def test_lssystemstats_cache_joins_the_system():
    system = text_of(FIXTURES / "ibm_storwize/lssystem_delim/flashsystem_7200_8_4.raw")
    stats = text_of(FIXTURES / "ibm_storwize/lssystemstats_delim/flashsystem_7200_8_4.raw")
    data = svc.parse_sources({"lssystem": system, "lssystemstats": stats}, {})
    assert data["system"]["write_cache_pct"] == 34
    assert data["system"]["total_cache_pct"] == 79
    assert "system_stats" not in data
    alone = svc.parse_sources({"lssystemstats": stats}, {})
    assert alone["system_stats"]["write_cache_pct"] == 34


@pytest.mark.parametrize("typed,key", [
    ("lsdrive -delim :", "lsdrive"), ("lsdrive", "lsdrive"), ("lsdrive -delim ,", "lsdrive"),
    ("svcinfo lsdrive", "lsdrive"), ("svcinfo lsdrive -delim :", "lsdrive"),
    ("lseventlog -fixed no -delim :", "lseventlog"), ("lseventlog -delim : -fixed no",
                                                      "lseventlog"),
    ("lseventlog", "lseventlog"), ("svcinfo lseventlog -fixed no", "lseventlog"),
    ("lsenclosurebattery", "lsenclosurebattery"), ("lssystem -delim :", "lssystem"),
])
def test_storwize_spellings(typed, key):
    assert registry.lookup("ibm_storwize", typed).key == key


def test_collector_commands_are_the_first_spellings():
    names = [s.name for s in registry.sources("ibm_storwize")]
    assert "lsdrive -delim :" in names and "lseventlog -fixed no -delim :" in names
    assert [s.name for s in registry.sources("huawei_oceanstor")] == [
        "show system general", "show disk general", "show enclosure", "show power_supply",
        "show bbu general", "show port general physical_type=FC", "show storage_pool general",
        "show alarm"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_area_functions(platform):
    parse, evaluate = registry.area_functions("array", platform)
    module = importlib.import_module(parse.__module__)
    assert platform == module.PLATFORM


# --------------------------------------------------------------------------- OceanStor


def test_ocean_tables_are_cut_where_the_dashes_say():
    text = ("admin:/>show disk general\n\n"
            "  ID      Health Status  Running Status  Role\n"
            "  ------  -------------  --------------  --------------\n"
            "  CTE0.0  Normal         Online          Member Disk\n"
            "  CTE0.1  Fault          Offline         Hot Spare Disk\n\nadmin:/>\n")
    items = ocean.parse_disks(text)["items"]
    assert [(i["id"], i["state"], i["use"]) for i in items] == \
        [("CTE0.0", "ok", "member"), ("CTE0.1", "failed", "spare")]


def test_ocean_columns_in_another_order():
    text = ("  Role            Running Status  ID      Health Status\n"
            "  --------------  --------------  ------  -------------\n"
            "  Member Disk     Reconstruction  CTE0.3  Normal\n")
    [item] = ocean.parse_disks(text)["items"]
    assert (item["id"], item["state"], item["use"]) == ("CTE0.3", "degraded", "member")


def test_chinese_columns_are_counted_in_display_width():
    text = text_of(FIXTURES / "huawei_oceanstor/show_disk_general/v3_chinese_ok.raw")
    items = ocean.parse_disks(text)["items"]
    assert items[0]["capacity"] == round(558.406 * 1024 ** 3)
    assert items[0]["use"] == "member" and items[0]["state"] == "ok"
    names, rows, _lines = array_text.ocean_tables(text)[0]
    assert names[1] == "健康状态" and rows[0]["健康状态"] == "正常"


def test_chinese_headers_not_known_are_not_understood():
    text = text_of(FIXTURES / "huawei_oceanstor/show_disk_general/chinese_unknown_headers.raw")
    section = ocean.parse_sources({"disks": text}, {})["drives"]
    assert section["cause"] == "not_understood"
    assert "Health Status" in render(section["error"])
    assert "健康状态" in render(section["error"], "zh-CN") or "Health" in render(
        section["error"], "zh-CN")


def test_ocean_error_replies_and_empty_answers():
    refused = "admin:/>show alarm\n          ^\nError: Command not found.\n\nadmin:/>\n"
    section = ocean.parse_sources({"alarms": refused}, {})["events"]
    assert render(section["error"]) == 'show alarm: the CLI answered "Error: Command not found."'
    none = "admin:/>show alarm\n\n  Command executed successfully.\n\nadmin:/>\n"
    assert ocean.parse_sources({"alarms": none}, {})["events"] == {"items": []}


def test_ocean_unknown_values_are_no_state():
    text = ("  ID      Health Status  Running Status\n"
            "  ------  -------------  --------------\n"
            "  CTE0.0  Normal         Balancing\n"
            "  CTE0.1  --             Online\n")
    assert [i["state"] for i in ocean.parse_disks(text)["items"]] == [None, None]


def test_sizes():
    assert array_text.size("1.63TB") == int(round(1.63 * 1024 ** 4))
    assert array_text.size("0") == 0
    assert array_text.size("817.00MB") == 817 * 1024 ** 2
    assert array_text.size("lots") is None
    assert array_text.size("") is None
