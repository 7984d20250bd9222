"""Parsers of the storage area (parsers/linux_storage.py): smartctl's JSON (smartmontools 7+)
and text output (5.43-7.3), on every fixture of tests/unit/fixtures/linux/smartctl_*/
(captures from this machine, real devices' JSON from smartctl_exporter's test data, and
reconstructed text outputs), and the registry's ``{dev}`` device argument.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import registry  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import render  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import linux_storage as p  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "linux"
CASES = sorted(FIXTURES.glob("smartctl_*/*.raw"))
FIELDS = ("device", "protocol", "model", "serial", "exit_status", "problem", "health", "ata",
          "scsi", "nvme", "format")


def body(path):
    return path.read_text().split("\n", 1)[1]


def key_of(path):
    return "smartctl_json" if "_j" in path.parent.name else "smartctl"


def test_there_are_fixtures_of_each_kind():
    folders = {c.parent.name for c in CASES}
    assert folders == {"smartctl_a_dev", "smartctl_x_dev", "smartctl_a_json_dev",
                       "smartctl_x_j_dev"}
    assert all(c.read_text().startswith("# ") for c in CASES)  # provenance first


@pytest.mark.parametrize("path", CASES, ids=lambda c: f"{c.parent.name}/{c.stem}")
def test_fixture(path):
    expected = yaml.safe_load(path.with_suffix(".yml").read_text())
    [disk] = p.parse_sources({key_of(path): body(path)})["disks"]
    if "error" in expected:
        assert disk["cause"] == "not_understood"
        assert render(disk["failure"], "en") == expected["error"]
        return
    assert {k: disk[k] for k in FIELDS} == expected["expected"]


def test_json_exit_status_and_device_name():
    disk = p.parse_json(body(FIXTURES / "smartctl_a_json_dev" /
                             "hgst_hus724020ale640_crc_12_error_log.raw"))
    assert disk["exit_status"] == 64 and disk["device"] == "/dev/sdb [SAT]"
    assert disk["ata"]["crc"] == 12


def test_text_has_no_exit_status():
    disk = p.parse_text(body(FIXTURES / "smartctl_a_dev" / "rhel7_6_2_failed_failing_now.raw"))
    assert disk["exit_status"] is None and disk["health"] is False
    assert disk["ata"] == {"reallocated": 1528, "pending": 14, "offline_uncorrectable": 3,
                           "crc": 0}


def test_raw_value_as_printed_not_the_48_bit_word():
    text = ('{"smartctl": {"exit_status": 0}, "device": {"protocol": "ATA"}, '
            '"smart_status": {"passed": true}, "ata_smart_attributes": {"table": ['
            '{"id": 5, "name": "Reallocated_Sector_Ct", "raw": {"value": 4295032833, '
            '"string": "1 (0 1)"}}]}}')
    assert p.parse_json(text)["ata"] == {"reallocated": 1}


@pytest.mark.parametrize("text,kind", [
    ("Smartctl open device: /dev/sdb failed: Permission denied", "open_failed"),
    ("/dev/sdb: Unknown USB bridge [0x152d:0x0578 (0x0209)]", "usb_bridge"),
    ("SMART support is: Unavailable - device lacks SMART capability.", "unavailable"),
    ("SMART support is: Disabled", "disabled"),
    ("/dev/loop0: Unable to detect device type", "error"),
])
def test_problems_in_text_and_json(text, kind):
    disk = p.parse_text("smartctl 7.3 2022-02-28 r5338 [x86_64-linux] (local build)\n\n"
                        + text + "\n")
    assert disk["problem"]["kind"] == kind
    doc = json.dumps({"smartctl": {"exit_status": 2, "messages": [
        {"string": text, "severity": "error"}]}})
    assert p.parse_json(doc)["problem"]["kind"] == kind


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]", '{"a": 1}'])
def test_json_not_understood(text):
    [disk] = p.parse_sources({"smartctl_json": text})["disks"]
    assert disk["cause"] == "not_understood"


def test_several_disks_and_errors():
    ok = body(FIXTURES / "smartctl_a_json_dev" / "wdc_wd20efrx_sata_ok.raw")
    data = p.parse_sources({"smartctl_json": {"/dev/sdb": ok, "/dev/sdc": {
        "error": "timed out", "cause": "source_unreadable"}}})
    assert [d["device"] for d in data["disks"]] == ["/dev/sdb", "/dev/sdc"]
    assert data["disks"][1]["cause"] == "source_unreadable"


@pytest.mark.parametrize("command,device", [
    ("smartctl -a /dev/sda", "/dev/sda"),
    ("smartctl -a -d megaraid,0 /dev/sda", "/dev/sda [megaraid,0]"),
    ("smartctl -x -j /dev/sg1 -d cciss,3", "/dev/sg1 [cciss,3]"),
    ("smartctl -a --device=sat /dev/sdb", "/dev/sdb [sat]"),
    ("smartctl -a -d auto /dev/sdb", "/dev/sdb"),
    ("smartctl -a {dev}", ""),
])
def test_device_of(command, device):
    assert p.device_of(command) == device


@pytest.mark.parametrize("command,key", [
    ("smartctl -a --json /dev/sda", "smartctl_json"),
    ("smartctl -a -j -d megaraid,12 /dev/sda", "smartctl_json"),
    ("smartctl -x -j /dev/nvme0", "smartctl_json"),
    ("smartctl -j -x /dev/sda -d sat", "smartctl_json"),
    ("smartctl -a --json=c --device=cciss,3 /dev/sg0", "smartctl_json"),
    ("smartctl -a /dev/sda", "smartctl"),
    ("smartctl  -a   -d megaraid,0   /dev/sda", "smartctl"),
    ("smartctl -x /dev/sdb -d sat", "smartctl"),
    ("smartctl --xall /dev/sdb", "smartctl"),
    ("smartctl -a {dev}", "smartctl"),
])
def test_registry_device_argument(command, key):
    assert registry.lookup("linux", command).key == key


@pytest.mark.parametrize("command", ["smartctl -a", "smartctl -a sda", "smartctl -a /dev/sda x",
                                     "smartctl -a -d /dev/sda"])
def test_registry_refuses_other_arguments(command):
    with pytest.raises(registry.RegistryError):
        registry.lookup("linux", command)
