"""Parsers of the links area (parsers/linux_links.py): the fc_host and sas_phy sysfs dumps as
``grep -H .`` prints them, ``ethtool -S`` of several drivers, rasdaemon's ``ras-mc-ctl
--summary`` and ``--errors``, on every fixture (reconstructed from the kernel's and
rasdaemon's print formats, said on each file's first line), garbled input, and the
registry's commands.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from links_projection import projection

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import registry  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import render  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import linux_links as p  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "linux"
FOLDERS = ("grep_H_sys_class_fc_host_port_state_sys_class_fc_host_speed_sys_class_fc_host_"
           "port_name_sys_class_fc_host_statistics", "grep_sys_class_fc_host_statistics",
           "grep_H_sys_class_sas_phy", "ethtool_S_id", "ras_mc_ctl_summary",
           "ras_mc_ctl_errors")
CASES = sorted(c for f in FOLDERS for c in (FIXTURES / f).glob("*.raw"))


def body(path):
    return path.read_text().split("\n", 1)[1]


def test_fixtures_of_every_folder_with_provenance():
    assert {c.parent.name for c in CASES} == set(FOLDERS)
    assert all(c.read_text().startswith("# provenance: ") for c in CASES)
    # a not-understood case in every folder that the judge test runs
    for folder in FOLDERS[:1] + FOLDERS[2:]:
        assert any("not_understood" in c.stem for c in CASES if c.parent.name == folder), folder


@pytest.mark.parametrize("path", CASES, ids=lambda c: f"{c.parent.name[:24]}/{c.stem}")
def test_fixture(path):
    expected = yaml.safe_load(path.with_suffix(".yml").read_text())

    def plain(value):  # yaml lists for tuples
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    assert plain(projection(path.parent.name, body(path))) == expected


# --------------------------------------------------------------------------- fc_host

FC_FOLDER = FIXTURES / FOLDERS[0]


def test_fc_unsupported_counter_is_none_never_zero():
    [host] = p.parse_fc_host(body(FC_FOLDER / "fcoe_libfc_unsupported_counters.raw"))["hosts"]
    assert host["statistics"]["loss_of_sync_count"] is None
    assert host["statistics"]["invalid_crc_count"] == 0
    assert "prim_seq_protocol_err_count" in host["unsupported"]


def test_fc_values_are_hex():
    [host] = p.parse_fc_host(body(FC_FOLDER / "lpfc_online_crc_26.raw"))["hosts"]
    assert host["statistics"]["invalid_crc_count"] == 26
    assert host["statistics"]["invalid_tx_word_count"] == 0x2f1
    assert (host["port_state"], host["speed"], host["port_name"]) == (
        "Online", "16 Gbit", "0x10000090fa8d2c6e")


def test_fc_grep_recursive_deeper_paths_are_left_out_and_hosts_sorted_naturally():
    text = ("/sys/class/fc_host/host10/port_state:Online\n"
            "/sys/class/fc_host/host10/device/power/control:auto\n"
            "/sys/class/fc_host/host10/symbolic_name:QLE2742 FW:v9.06.02 DVR:v10.02.00.106-k\n"
            "/sys/class/fc_host/host2/port_state:Linkdown\n"
            "/sys/class/fc_host/host2/statistics/link_failure_count:0x3\n")
    hosts = p.parse_fc_host(text)["hosts"]
    assert [h["host"] for h in hosts] == ["host2", "host10"]
    assert hosts[0]["statistics"] == {"link_failure_count": 3}


@pytest.mark.parametrize("text,key", [
    ("", "links.reason.no_sysfs_lines"),
    ("Online\n8 Gbit\n", "links.reason.bad_line"),
    ("/sys/class/fc_host/host1/statistics/invalid_crc_count:lots\n", "reason.not_a_number"),
    ("/sys/class/fc_host/host1/port_state:Online\ngarbage\n", "links.reason.bad_line"),
])
def test_fc_not_understood(text, key):
    section = p.parse_sources({"fc_host": text})["fc_host"]
    assert section["cause"] == "not_understood" and section["error"]["key"] == key


def test_a_collector_failure_is_kept():
    failure = {"error": {"key": "reason.no_permission", "params": {"what": "fc_host"}},
               "cause": "no_permission"}
    data = p.parse_sources({"fc_host": failure, "rasmc_summary": failure})
    assert data["fc_host"] == failure and data["rasmc_summary"] == failure


def test_absent_keys_stay_absent():
    assert p.parse_sources({}) == {}


# --------------------------------------------------------------------------- sas_phy


def test_sas_phy_names_with_colons_and_counters():
    phys = p.parse_sas_phy(body(FIXTURES / "grep_H_sys_class_sas_phy" /
                                "mpt3sas_dword_errors.raw"))["phys"]
    assert [x["phy"] for x in phys] == ["phy-0:0", "phy-0:1", "phy-0:2", "phy-0:3"]
    assert phys[1]["counters"] == {"invalid_dword_count": 3456,
                                   "loss_of_dword_sync_count": 12,
                                   "phy_reset_problem_count": 0,
                                   "running_disparity_error_count": 3301}
    assert phys[3]["negotiated_linkrate"] == "Phy disabled" and phys[3]["enable"] is True


def test_sas_counter_not_a_number():
    section = p.parse_sources({"sas_phy": "/sys/class/sas_phy/phy-0:0/invalid_dword_count:x\n"})
    assert section["sas_phy"]["cause"] == "not_understood"


# --------------------------------------------------------------------------- ethtool


@pytest.mark.parametrize("name,kind", [
    ("rx_crc_errors", "crc_errors"),             # e1000e, igb, ixgbe, bnx2x
    ("port.rx_crc_errors", "crc_errors"),        # i40e
    ("rx_crc_errors.nic", "crc_errors"),         # ice
    ("rx_fcs_err_frames", "crc_errors"),         # bnxt_en
    ("rx_crc_errors_phy", "crc_errors"),         # mlx5
    ("rx_fcs_errors", "crc_errors"),             # tg3
    ("rx_align_errors", "alignment_errors"),     # e1000e, igb, tg3, bnx2x
    ("rx_align_err_frames", "alignment_errors"),  # bnxt_en
    ("rx_symbol_err_phy", "symbol_errors"),      # mlx5
    ("rx_pcs_symbol_err_phy", "symbol_errors"),  # mlx5
    ("tx_carrier_errors", "carrier_errors"),     # e1000e, igb, bnx2x
    ("tx_carrier_sense_errors", "carrier_errors"),  # tg3
    ("rx_long_length_errors", "length_errors"),  # e1000e, igb, ixgbe
    ("rx_in_range_len_errors_phy", "length_errors"),  # mlx5
    ("rx_length_err_frames", "length_errors"),   # bnxt_en
    ("rx_csum_offload_errors", None),            # checksum offload, not the wire
    ("rx_queue_0_csum_err", None),
    ("rx_packets", None),
    ("link_down_events_phy", None),
    ("rx_out_of_range_len_phy", None),           # length/type field, not an error
    ("carrier_changes", None),
])
def test_ethtool_canonical_names(name, kind):
    assert p.canonical(name) == kind


def test_ethtool_largest_of_a_drivers_names_and_all_statistics_kept():
    stats = p.parse_ethtool(body(FIXTURES / "ethtool_S_id" / "mlx5_symbol_errors.raw"))
    assert stats["counters"]["symbol_errors"] == 1530
    assert stats["names"]["symbol_errors"] == ["rx_pcs_symbol_err_phy", "rx_symbol_err_phy"]
    assert stats["statistics"]["rx_corrected_bits_phy"] == 128734


def test_ethtool_bnx2x_queue_prefixed_names():
    stats = p.parse_ethtool("NIC statistics:\n     [0]: rx_bytes: 12\n     rx_align_errors: 4\n")
    assert stats["statistics"] == {"[0]: rx_bytes": 12, "rx_align_errors": 4}
    assert stats["counters"] == {"alignment_errors": 4}


@pytest.mark.parametrize("text", ["no stats available\n",
                                  "Cannot get stats strings information: Operation not "
                                  "supported\n"])
def test_ethtool_no_statistics(text):
    assert "no_stats" in p.parse_ethtool(text)


@pytest.mark.parametrize("text", ["", "NIC statistics:\n     rx_crc_errors: many\n",
                                  "driver: igb\n"])
def test_ethtool_not_understood(text):
    with pytest.raises(p.ParseError):
        p.parse_ethtool(text)


def test_ethtool_per_interface_dict_and_a_saved_output():
    raw = {"eth1": "NIC statistics:\n     rx_align_errors: 1\n",
           "eth0": "garbage\n",
           "eth2": {"error": "x", "cause": "source_unreadable"}}
    section = p.parse_sources({"ethtool": raw})["ethtool"]["interfaces"]
    assert list(section) == ["eth0", "eth1", "eth2"]
    assert section["eth0"]["cause"] == "not_understood"
    assert section["eth2"]["cause"] == "source_unreadable"
    saved = p.parse_sources({"ethtool": raw["eth1"]}, {"command": "ethtool -S ens1f0"})
    assert list(saved["ethtool"]["interfaces"]) == ["ens1f0"]
    assert p.interface_of("ethtool -S {id}") == ""
    assert p.interface_of("ethtool --statistics eno1") == "eno1"


# --------------------------------------------------------------------------- rasdaemon


def test_ras_summary_counts_by_class():
    counts = p.parse_ras_summary(body(FIXTURES / "ras_mc_ctl_summary" /
                                      "memory_and_aer_errors.raw"))["counts"]
    assert counts == {"memory_uncorrected": 1, "memory_corrected": 14, "aer_fatal": 0,
                      "aer_nonfatal": 1, "aer_corrected": 2, "mce_uncorrected": 0,
                      "mce_corrected": 14, "other": 2}


def test_ras_errors_times_and_records():
    section = p.parse_ras_errors(body(FIXTURES / "ras_mc_ctl_errors" /
                                      "memory_and_aer_errors.raw"))
    first = section["events"][0]
    assert first["time"] == "2026-10-02T03:14:07+08:00" and first["kind"] == "memory"
    assert section["counts"]["memory_corrected"] == 2  # records, as --summary counts them


@pytest.mark.parametrize("text,cause,key", [
    ("Can't locate DBI.pm in @INC (you may need to install the DBI module)\n",
     "tool_missing", "links.reason.ras_no_dbi"),
    ("DBI connect('dbname=/var/lib/rasdaemon/ras-mc_event.db','',...) failed: unable to open "
     "database file\n", "source_unreadable", "links.reason.ras_no_db"),
    ("ras-mc-ctl: Error: No DIMMs found\n", "source_unreadable", "links.reason.ras_failed"),
])
def test_ras_tool_failures(text, cause, key):
    for source in ("rasmc_summary", "rasmc_errors"):
        section = p.parse_sources({source: text})[source]
        assert (section["cause"], section["error"]["key"]) == (cause, key)


def exited(output):
    """A collector's failure for a tool that printed ``output`` on stderr and exited 94."""
    return {"error": {"key": "reason.exited",
                      "params": {"command": "tool", "rc": 94, "output": output}},
            "cause": "source_unreadable"}


def test_collector_failures_that_say_why():
    data = p.parse_sources({"ethtool": {"bond0": exited("no stats available"),
                                        "eth0": exited("Cannot get stats: No such device")},
                            "rasmc_summary": exited("Can't locate DBI.pm in @INC"),
                            "rasmc_errors": exited("Segmentation fault")})
    interfaces = data["ethtool"]["interfaces"]
    assert interfaces["bond0"] == {"no_stats": "no stats available"}
    assert interfaces["eth0"]["cause"] == "source_unreadable"
    assert data["rasmc_summary"]["cause"] == "tool_missing"
    assert data["rasmc_summary"]["error"]["key"] == "links.reason.ras_no_dbi"
    assert data["rasmc_errors"]["error"]["key"] == "reason.exited"


def test_ras_summary_not_understood():
    section = p.parse_sources({"rasmc_summary": "Memory controller events summary:\n"
                                                "\tsomething else\n"})["rasmc_summary"]
    assert section["cause"] == "not_understood"
    assert "something else" in render(section["error"], "en")


def test_ras_time():
    assert p.ras_time("2026-11-28 22:03:12 +0800").isoformat() == "2026-11-28T22:03:12+08:00"
    assert p.ras_time("yesterday") is None


# --------------------------------------------------------------------------- registry


@pytest.mark.parametrize("command,key", [
    ("grep -H . /sys/class/fc_host/*/port_state /sys/class/fc_host/*/speed "
     "/sys/class/fc_host/*/port_name /sys/class/fc_host/*/statistics/*", "fc_host"),
    ("grep -r . /sys/class/fc_host", "fc_host"),
    ("grep . /sys/class/fc_host/*/statistics/*", "fc_host"),
    ("grep -H . /sys/class/sas_phy/*/*", "sas_phy"),
    ("grep -r . /sys/class/sas_phy", "sas_phy"),
    ("ethtool -S eth0", "ethtool"),
    ("ethtool -S ens1f0np0", "ethtool"),
    ("ethtool --statistics eno1", "ethtool"),
    ("ras-mc-ctl --summary", "rasmc_summary"),
    ("ras-mc-ctl --errors", "rasmc_errors"),
])
def test_registry_commands(command, key):
    source = registry.lookup("linux", command)
    assert (source.area, source.key) == ("links", key)


def test_registry_area_functions():
    parse, evaluate = registry.area_functions("links", "linux")
    assert parse is p.parse_sources
