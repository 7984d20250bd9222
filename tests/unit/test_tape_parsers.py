"""Parsers of the tape area (parsers/linux_tape.py): mt-st's and GNU mt's status, mtx's
tapeinfo and loaderinfo, sg_logs' TapeAlert page (sg3_utils 1.26-1.47 and 1.48 wordings)
and lsscsi -g, on every fixture of tests/unit/fixtures/linux/{mt_*,tapeinfo_*,loaderinfo_*,
sg_logs_*,lsscsi*}/ (public captures and outputs reconstructed from the tools' sources), the
collector's raw shapes, and the registry's ``{dev}`` device argument.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import registry  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import msg, render  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import linux_tape as p  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "linux"
FOLDERS = {"mt_f_dev_status": "mt_status", "mt_gnu_f_dev_status": "mt_status",
           "tapeinfo_f_dev": "tapeinfo", "loaderinfo_f_dev": "loaderinfo",
           "sg_logs_p_0x2e_dev": "tapealert", "sg_logs_p_ta_dev": "tapealert",
           "lsscsi_g": "lsscsi", "lsscsi": "lsscsi"}
CASES = sorted(c for folder in FOLDERS for c in (FIXTURES / folder).glob("*.raw"))


def body(path):
    return path.read_text().split("\n", 1)[1]


def parsed(path, device="/dev/x"):
    key = FOLDERS[path.parent.name]
    data = p.parse_sources({key: body(path)}, {"command": f"tool {device}"})
    return data[key] if key == "lsscsi" else data[key][device]


def test_there_are_fixtures_of_each_kind():
    assert {c.parent.name for c in CASES} == set(FOLDERS)
    assert len(CASES) >= 40
    assert all(c.read_text().startswith("# provenance: ") for c in CASES)


@pytest.mark.parametrize("path", CASES, ids=lambda c: f"{c.parent.name}/{c.stem}")
def test_fixture(path):
    expected = yaml.safe_load(path.with_suffix(".yml").read_text())
    record = parsed(path)
    if "error" in expected:
        assert record["cause"] == "not_understood"
        assert render(record["error"], "en") == expected["error"]
        return
    want = expected["expected"]
    key = FOLDERS[path.parent.name]
    if key == "tapealert":
        got = {"inquiry": record["inquiry"], "standard": record["standard"],
               "set": record["set"], "flags": len(record["flags"]),
               "undecoded": record["undecoded"]}
    elif key == "lsscsi":
        got = {"devices": [{k: d[k] for k in ("kind", "hcil", "vendor", "model", "st", "sg")}
                           for d in record["devices"]]}
    elif key == "tapeinfo" and "problem" in want:
        got = {"problem": record["problem"]}
    elif key == "tapeinfo":
        got = {k: record[k] for k in ("product_type", "vendor", "product", "ready", "medium")}
        got["alerts"] = [a["number"] for a in record["alerts"]]
    elif key == "loaderinfo":
        got = {k: record[k] for k in ("product_type", "vendor", "product", "eaap", "drives",
                                      "slots", "mailslots")}
        got["alerts"] = [a["number"] for a in record["alerts"]]
    else:
        got = {k: record[k] for k in want}
    assert got == want


# --------------------------------------------------------------------------- mt


def test_mt_status_bits_come_from_the_hex_when_the_names_are_cut():
    record = p.parse_mt("SCSI 2 tape drive:\nFile number=0, block number=0, partition=0.\n"
                        "General status bits on (41010000):\n")
    assert record["bits"] == ["BOT", "ONLINE", "IM_REP_EN"] and record["state"] == "online"


def test_gnu_mt_density_from_drive_status():
    record = p.parse_mt("drive type = 114\ndrive status = 1577058304\nsense key error = 0\n"
                        "residue count = 0\nfile number = 0\nblock number = 0\n")
    assert record["format"] == "gnu" and record["density"] == 0x5e
    assert record["block_size"] == 0 and record["state"] == "unknown"


def test_mt_failure_from_the_collector_that_quotes_no_medium_found():
    """GNU mt exits 2 on an empty drive: the collector's failure quotes its words."""
    failure = {"error": msg("reason.exited", command="mt -f /dev/nst0 status", rc=2,
                            output="mt: /dev/nst0: rmtopen failed: No medium found"),
               "cause": "source_unreadable"}
    record = p.parse_sources({"mt_status": {"/dev/nst0": failure}})["mt_status"]["/dev/nst0"]
    assert record["state"] == "no_tape" and record["problem"] is None
    failure["error"] = msg("reason.exited", command="mt", rc=1,
                           output="/dev/nst0: Input/output error")
    record = p.parse_sources({"mt_status": {"/dev/nst0": failure}})["mt_status"]["/dev/nst0"]
    assert record["problem"]["kind"] == "io_error"


def test_a_missing_tool_is_kept_with_its_cause():
    missing = {"error": msg("reason.not_installed", command="mt"), "cause": "tool_missing"}
    data = p.parse_sources({"mt_status": missing, "tapeinfo": {"/dev/sg1": missing}})
    assert data["mt_status"]["cause"] == "tool_missing"
    assert data["tapeinfo"]["/dev/sg1"]["cause"] == "tool_missing"
    assert data["tapeinfo"]["/dev/sg1"]["device"] == "/dev/sg1"


def test_a_plain_string_failure_gets_both_languages():
    data = p.parse_sources({"tapealert": {"/dev/sg1": {"error": "boom", "cause": None}}})
    section = data["tapealert"]["/dev/sg1"]
    assert section["cause"] == "source_unreadable"
    assert render(section["error"], "zh-CN") == "“boom”"


def test_empty_output_is_not_understood():
    data = p.parse_sources({"tapeinfo": {"/dev/sg1": "  \n"}})
    assert data["tapeinfo"]["/dev/sg1"]["cause"] == "not_understood"


# --------------------------------------------------------------------------- sg_logs


@pytest.mark.parametrize("name,number", [
    ("Cleaning required", 20), ("Obsolete (2Ah)", 42), ("Reserved (2Ah)", 42),
    ("Reserved (2Fh)", 47),
    ("External data encryption control - communications failure", 47),
    ("Reserved parameter code 0x3d", 0x3d), ("No string available for code 0x14", 20),
    ("Flag 0x14", 20), ("WORM medium - integrity check failed", 59),
    ("Nonsense", None)])
def test_flag_names_of_every_sg3_utils_wording(name, number):
    assert p.flag_number(name) == number


def test_every_name_of_both_tables_decodes_to_its_position():
    old = [line.split(":")[0].strip() for line in body(
        FIXTURES / "sg_logs_p_0x2e_dev" / "ibm_ult3580_tda_clean.raw").splitlines()[2:62]]
    new = [line.split(":")[0].strip() for line in body(
        FIXTURES / "sg_logs_p_0x2e_dev" / "ibm_ult3580_hh9_nearing_media_life.raw"
    ).splitlines()[2:66]]
    assert [p.flag_number(n) for n in old] == list(range(1, 61))
    assert [p.flag_number(n) for n in new] == list(range(1, 65))


def test_a_page_without_flags_is_not_understood():
    data = p.parse_sources({"tapealert": "Tape alert page (ssc-3) [0x2e]\n"})
    assert data["tapealert"][""]["cause"] == "not_understood"


def test_sg_logs_open_failure_is_a_problem_not_a_page():
    record = p.parse_tapealert("sg_logs: error opening file: /dev/sg9: No such file or "
                               "directory\n", "/dev/sg9")
    assert record["problem"]["kind"] == "no_node"


def test_hex_output_is_not_a_registry_command():
    with pytest.raises(registry.RegistryError):
        registry.lookup("linux", "sg_logs -p 0x2e -H /dev/sg1")


# --------------------------------------------------------------------------- registry


@pytest.mark.parametrize("command,key", [
    ("mt -f /dev/nst0 status", "mt_status"), ("mt -f /dev/st0 status", "mt_status"),
    ("mt-st -f /dev/nst1 status", "mt_status"), ("mt-gnu -f /dev/nst0 status", "mt_status"),
    ("mt -t /dev/nst0 status", "mt_status"), ("mt --file=/dev/nst0 status", "mt_status"),
    ("mt -f /dev/tape/by-id/scsi-35000e11156304001-nst status", "mt_status"),
    ("mt status", "mt_status"), ("tapeinfo -f /dev/sg1", "tapeinfo"),
    ("loaderinfo -f /dev/sg2", "loaderinfo"), ("sg_logs -p 0x2e /dev/sg1", "tapealert"),
    ("sg_logs --page=0x2e /dev/sg1", "tapealert"), ("sg_logs -p ta /dev/sg1", "tapealert"),
    ("sg_logs  -p  0x2e  /dev/sg1", "tapealert"), ("lsscsi -g", "lsscsi"),
    ("lsscsi --generic", "lsscsi"), ("lsscsi", "lsscsi")])
def test_registry_accepts_what_engineers_type(command, key):
    source = registry.lookup("linux", command)
    assert source.key == key and source.area == "tape"


@pytest.mark.parametrize("command,device", [
    ("mt -f /dev/nst0 status", "/dev/nst0"), ("tapeinfo -f /dev/sg3", "/dev/sg3"),
    ("sg_logs -p 0x2e /dev/sg1", "/dev/sg1"), ("mt status", ""),
    ("loaderinfo -f {dev}", "")])
def test_device_of_a_saved_command(command, device):
    assert p.device_of(command) == device
