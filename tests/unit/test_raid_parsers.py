"""Parsers of the raid area (parsers/linux_raid.py): storcli/perccli JSON (1.x and 007.x),
MegaCli 8.x text, ssacli/hpssacli/hpacucli and arcconf GETCONFIG AL, on every fixture of the
registry's raid sources (real captures from public test data and reconstructed outputs, each
saying where its format comes from), the registry's aliases and ``{n}`` controller
argument, and the ``controllers`` (sysfs) and failure inputs.

A fixture's ``.yml`` holds what the parser reads (``controllers``: label, status, cache,
battery, logical and physical drives) or the ``error`` it reports for output it does not
understand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import registry  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import render  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import linux_raid as p  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import raid_common  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "linux"
RAID_SOURCES = [s for s in registry.SOURCES if s.area == "raid"]


def _folders(source):
    names = [source.name] + [registry._plain(a) for a in source.aliases]
    slugs = {re.sub(r"[^A-Za-z0-9]+", "_", n).strip("_") for n in names}
    return sorted(FIXTURES / s for s in slugs if (FIXTURES / s).is_dir())


CASES = sorted({(s.key, path) for s in RAID_SOURCES for d in _folders(s)
                for path in d.glob("*.raw")}, key=lambda c: str(c[1]))


def body(path):
    return path.read_text().split("\n", 1)[1]


def project(data, key=None):
    """What a fixture's .yml holds: the controllers as read, or the first failure."""
    if data["failures"]:
        return {"error": render(data["failures"][0]["error"], "en")}
    out = []
    for c in data["controllers"]:
        battery = c["battery"]
        out.append({
            "label": c["label"], "status": c["status"],
            "memory_uncorrectable": c["memory_uncorrectable"],
            "preserved_cache": c["preserved_cache"],
            "cache_mb": [c["cache"]["size_mb"], c["cache"]["available_mb"]],
            "cache_status": c["cache"]["status"],
            "battery": None if battery is None else "absent" if not battery["present"] else
            f"{battery['kind']}: {battery['state']}"
            + "".join(f" +{k}" for k in ("replace", "missing", "capacity_low", "learning",
                                         "about_to_fail") if battery.get(k)),
            "logical": None if c["logical"] is None else [
                f"{ld['name']}: {ld['raid']} {ld['state']} "
                f"[{ld['cache_configured'] or '-'}/{ld['cache_current'] or '-'}]"
                for ld in c["logical"]],
            "physical": None if c["physical"] is None else [
                f"{d['name']}: {d['state']}"
                + (f" sn={d['serial']}" if d["serial"] else "")
                + "".join(f" {k}={d[k]}" for k in ("media_errors", "predictive", "smart_alert")
                          if d[k] not in (None, 0, False))
                for d in c["physical"]],
        })
    return {"controllers": out}


def test_every_raid_source_has_real_and_broken_outputs():
    for source in RAID_SOURCES:
        paths = [path for key, path in CASES if key == source.key]
        assert paths, source.name
        assert all(path.read_text().startswith("# provenance: ") for path in paths)
        expected = [yaml.safe_load(path.with_suffix(".yml").read_text()) for path in paths]
        assert any("error" in e for e in expected), f"{source.name}: no not-understood case"
        assert any("controllers" in e and e["controllers"] for e in expected), source.name


@pytest.mark.parametrize("key,path", CASES, ids=[f"{k}/{p.stem}" for k, p in CASES])
def test_fixture(key, path):
    expected = yaml.safe_load(path.with_suffix(".yml").read_text())
    data = p.parse_sources({key: body(path)})
    assert project(data, key) == expected
    if "error" in expected:
        assert data["failures"][0]["cause"] == "not_understood"


def test_storcli_pd_merges_into_the_controller_of_show_all():
    raw = {"storcli": body(FIXTURES / "storcli64_call_show_all_J" /
                           "storcli_007_praid_ep420i_cachevault_optimal.raw"),
           "storcli_pd": body(FIXTURES / "storcli64_call_eall_sall_show_all_J" /
                              "storcli_007_micron_ssd_ok.raw")}
    [ctrl] = p.parse_sources(raw)["controllers"]
    assert ctrl["label"] == "storcli /c0 PRAID EP420i"
    assert len(ctrl["physical"]) == 4
    drive = ctrl["physical"][0]
    assert (drive["name"], drive["serial"], drive["media_errors"], drive["group"]) == \
        ("/c0/e252/s0", "20032656D641", 0, "0")
    assert ctrl["battery"]["kind"] == "CacheVault"


def test_storcli_bbu_details_replace_the_summary_row():
    raw = {"storcli": body(FIXTURES / "storcli64_call_show_all_J" /
                           "storcli_1x_9271_degraded_rebuilding.raw"),
           "storcli_bbu": body(FIXTURES / "storcli64_call_bbu_show_all_J" /
                               "storcli_bbu_replace_learning.raw")}
    [ctrl] = p.parse_sources(raw)["controllers"]
    assert ctrl["battery"]["replace"] is True and ctrl["battery"]["learning"] is True


def test_megacli_sources_make_one_adapter():
    folder = "MegaCli64_{}_aALL_NoLog"
    raw = {"megacli_adp": body(FIXTURES / folder.format("AdpAllInfo") / "megacli_8_07_9260_ok.raw"),
           "megacli_ld": body(FIXTURES / "MegaCli64_LDInfo_Lall_aALL_NoLog" /
                              "check_raid_issue123_writethrough_fallback.raw"),
           "megacli_pd": body(FIXTURES / folder.format("PDList") /
                              "megacli_failed_rebuild_media_errors.raw"),
           "megacli_bbu": body(FIXTURES / "MegaCli64_AdpBbuCmd_GetBbuStatus_aALL_NoLog" /
                               "check_raid_issue32_no_bbu.raw")}
    data = p.parse_sources(raw)
    [ctrl] = data["controllers"]
    assert ctrl["model"] == "LSI MegaRAID SAS 9260-8i" and ctrl["cache"]["size_mb"] == 512
    assert len(ctrl["logical"]) == 1 and len(ctrl["physical"]) == 4
    assert ctrl["battery"]["present"] is False
    assert data["read"] == sorted(raw)


def test_arcconf_per_controller_dict_and_failures():
    text = body(FIXTURES / "arcconf_GETCONFIG_n_AL" / "arcconf_smartraid_3154_ok.raw")
    data = p.parse_sources({"arcconf": {"1": text, "2": {"error": "timed out",
                                                         "cause": "source_unreadable"}}})
    assert [c["id"] for c in data["controllers"]] == ["1"]
    assert data["failures"][0]["cause"] == "source_unreadable"
    assert render(data["failures"][0]["error"], "en") == '"timed out"'


def test_tool_missing_is_kept_with_its_cause():
    data = p.parse_sources({"controllers": [{"pci": "0000:03:00.0", "driver": "megaraid_sas",
                                             "family": "storcli"}],
                            "storcli": {"error": "storcli64 is not installed",
                                        "cause": "tool_missing"}})
    assert data["present"][0]["driver"] == "megaraid_sas"
    assert data["failures"][0]["cause"] == "tool_missing"
    assert data["controllers"] == []


@pytest.mark.parametrize("key,text", [
    ("storcli", ""), ("storcli", "[1, 2]"), ("storcli", '{"Controllers": 3}'),
    ("storcli_pd", "{"), ("storcli_vd", '{"Controllers": {}}'),
    ("megacli_ld", "Exit Code: 0x00"), ("megacli_pd", "random"),
    ("ssacli", "Error: something"), ("arcconf", "Command aborted."),
])
def test_not_understood(key, text):
    data = p.parse_sources({key: text})
    assert data["failures"][0]["cause"] == "not_understood"
    assert data["controllers"] == []


def test_no_controller_answers_are_not_failures():
    doc = json.dumps({"Controllers": [{"Command Status": {"Status": "Failure",
                                                          "Description": "No Controller found"}}]})
    assert p.parse_sources({"storcli": doc}) == {"present": None, "controllers": [],
                                                 "failures": [], "read": ["storcli"]}
    assert p.parse_sources({"arcconf": "Controllers found: 0\n"})["failures"] == []
    assert p.parse_sources({"ssacli": "\nError: No controllers detected.\n"})["failures"] == []


@pytest.mark.parametrize("value,mb", [("2048MB", 2048), ("1.0", 1024), ("512 MB", 512),
                                      ("8.000 GB", 8192), ("", None)])
def test_cache_sizes(value, mb):
    assert raid_common._size_mb(value, "GB" if value == "1.0" else "MB") == mb


@pytest.mark.parametrize("command,key", [
    ("storcli64 /call show all J", "storcli"), ("storcli /c0 show all j", "storcli"),
    ("perccli64 /c1 show all J", "storcli"), ("perccli /call show all J", "storcli"),
    ("storcli64 /call/eall/sall show all J", "storcli_pd"),
    ("storcli /c0/sall show all J", "storcli_pd"),
    ("storcli64 /c0/e252/s4 show all J", "storcli_pd"),
    ("storcli64 /call/bbu show all J", "storcli_bbu"), ("perccli /c0/cv show all J", "storcli_cv"),
    ("storcli64 /call/vall show all J", "storcli_vd"), ("perccli64 /c0/vall show all J",
                                                         "storcli_vd"),
    ("storcli /c1/v0 show all J", "storcli_vd"),
    ("MegaCli64 -AdpAllInfo -aALL -NoLog", "megacli_adp"),
    ("megacli -AdpAllInfo -aAll", "megacli_adp"), ("MegaCli -LDInfo -LAll -a0", "megacli_ld"),
    ("MegaCli64 -LDInfo -Lall -aALL -NoLog", "megacli_ld"),
    ("MegaCli64 -PDList -aALL", "megacli_pd"), ("MegaCli64 -AdpBbuCmd -aALL", "megacli_bbu"),
    ("megacli -AdpBbuCmd -GetBbuStatus -a0 -NoLog", "megacli_bbu"),
    ("ssacli ctrl all show config detail", "ssacli"), ("hpacucli ctrl all show config", "ssacli"),
    ("hpssacli ctrl slot=0 show config detail", "ssacli"),
    ("ssacli controller all show status", "ssacli_status"),
    ("hpacucli ctrl all show status", "ssacli_status"),
    ("arcconf GETCONFIG 1 AL", "arcconf"), ("arcconf getconfig 2", "arcconf"),
])
def test_registry_aliases(command, key):
    assert registry.lookup("linux", command).key == key


@pytest.mark.parametrize("command", ["storcli64 /cx show all J", "storcli64 /call show all",
                                     "MegaCli64 -PDList", "arcconf GETCONFIG AL",
                                     "ssacli ctrl all show"])
def test_registry_refuses_other_arguments(command):
    with pytest.raises(registry.RegistryError):
        registry.lookup("linux", command)


def test_storcli_vd_gives_the_configured_policy_of_show_all_s_drives():
    raw = {"storcli": body(FIXTURES / "storcli64_call_show_all_J" /
                           "storcli_9361_needs_attention_bbu_failed.raw"),
           "storcli_vd": body(FIXTURES / "storcli64_call_vall_show_all_J" /
                              "storcli_9361_writeback_fallen_back.raw")}
    data = p.parse_sources(raw)
    [ctrl] = data["controllers"]
    assert ctrl["label"] == "storcli /c0 AVAGO MegaRAID SAS 9361-8i"
    assert [(ld["name"], ld["cache_configured"], ld["cache_current"], ld["group"])
            for ld in ctrl["logical"]] == [("/c0/v0", "WB", "WT", "0"),
                                           ("/c0/v1", "AWB", "WB", "0")]
    assert ctrl["battery"]["state"] == "Failed"
    assert data["read"] == ["storcli", "storcli_vd"]


@pytest.mark.parametrize("value,code", [("WriteBack", "WB"), ("WriteThrough", "WT"),
                                        ("AlwaysWriteBack", "AWB"), ("Always Write Back", "AWB"),
                                        ("WB", "WB"), ("AWB", "AWB"), ("WT", "WT"), ("", None),
                                        ("Unknown", None)])
def test_storcli_initial_write_cache_setting(value, code):
    from ansible.module_utils.weibao_inspection.parsers import raid_storcli
    assert raid_storcli._initial_policy(value) == code


def test_storcli_vd_without_virtual_drives_is_no_failure():
    doc = json.dumps({"Controllers": [{"Command Status": {
        "Controller": 0, "Status": "Failure", "Description": "No VDs have been configured"}}]})
    data = p.parse_sources({"storcli_vd": doc})
    assert (data["failures"], data["controllers"]) == ([], [])
    doc = json.dumps({"Controllers": [{"Command Status": {
        "Controller": 0, "Status": "Failure", "Description": "Un-supported command"}}]})
    assert p.parse_sources({"storcli_vd": doc})["failures"][0]["cause"] == "not_understood"
