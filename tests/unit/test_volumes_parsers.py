"""Parsers of the volumes area (parsers/linux_volumes.py): every fixture of /proc/mdstat,
mdadm --detail, pvs / vgs / lvs (JSON report and columns) and multipath -ll read as its .yml
says; the registry accepts the commands as engineers type them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import registry  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import render  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import linux_volumes as p  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "linux"
KEYS = {"cat_proc_mdstat": "mdstat", "mdadm_detail_dev_id": "mdadm_detail", "pvs": "pvs",
        "vgs": "vgs", "lvs": "lvs", "multipath_ll": "multipath"}
CASES = [(key, path) for folder, key in KEYS.items()
         for path in sorted((FIXTURES / folder).glob("*.raw"))]


def body(path):
    return path.read_text().split("\n", 1)[1]


@pytest.mark.parametrize("key,path", CASES, ids=[f"{k}/{p.stem}" for k, p in CASES])
def test_fixture(key, path):
    assert path.read_text().startswith("# provenance: ")
    section = p.parse_sources({key: body(path)})[key]
    expected = yaml.safe_load(path.with_suffix(".yml").read_text())
    if "error" in expected:
        assert p.is_failure(section)
        assert render(section["error"]) == expected["error"]
    else:
        assert section == expected["expected"]


def test_mdstat_members_and_progress():
    data = p.parse_mdstat(body(FIXTURES / "cat_proc_mdstat" / "recovery_raid5.raw"))
    [md] = data["arrays"]
    assert (md["level"], md["raid_devices"], md["active_devices"], md["map"]) == \
        ("raid5", 3, 2, "UU_")
    assert (md["action"], md["progress"]) == ("recovery", 8.5)
    assert [m["device"] for m in md["members"] if m["faulty"]] == ["sde1"]


def test_mdadm_detail_removed_and_faulty():
    [md] = p.parse_mdadm_detail(body(FIXTURES / "mdadm_detail_dev_id" /
                                     "removed_degraded.raw"))["arrays"]
    assert md["removed"] == 1 and md["state_words"] == ["clean", "degraded"]
    [md] = p.parse_mdadm_detail(body(FIXTURES / "mdadm_detail_dev_id" /
                                     "degraded_recovering.raw"))["arrays"]
    assert [m["state"] for m in md["members"]] == ["active sync", "active sync",
                                                    "spare rebuilding", "faulty"]
    assert (md["action"], md["progress"]) == ("recovery", 8.0)


def test_lvm_columns_read_by_header_with_blank_cells():
    rows = p.parse_lvm_report(body(FIXTURES / "lvs" / "plain_ok.raw"), "lvs")["rows"]
    by = {r["lv_name"]: r for r in rows}
    assert by["lv_r1"]["copy_percent"] == "100.00" and by["lv_r1"]["data_percent"] == ""
    assert by["thin1"]["pool_lv"] == "pool" and by["thin1"]["data_percent"] == "1.22"
    assert by["root"]["lv_size"] == "<26.00g" and by["root"]["copy_percent"] == ""


def test_lvm_warnings_before_the_report_are_skipped():
    rows = p.parse_lvm_report(body(FIXTURES / "pvs" / "plain_missing.raw"), "pvs")["rows"]
    assert [r["pv_attr"] for r in rows] == ["a--", "a-m"]


def test_lvm_not_a_report():
    assert p.is_failure(p.parse_lvm_report("  No volume groups found\n", "vgs"))
    assert p.is_failure(p.parse_lvm_report('{"report": 1}', "vgs"))
    assert p.is_failure(p.parse_lvm_report("{not json", "vgs"))


def test_multipath_garbage_is_not_a_map():
    assert p.is_failure(p.parse_multipath("mpatha (3600) dm-0 X,Y\n"))
    assert p.parse_multipath("") == {"maps": []}


@pytest.mark.parametrize("command,key", [
    ("cat /proc/mdstat", "mdstat"), ("mdadm --detail /dev/md0", "mdadm_detail"),
    ("mdadm -D /dev/md127", "mdadm_detail"), ("mdadm --detail /dev/md/data", "mdadm_detail"),
    ("pvs", "pvs"), ("pvs --reportformat json", "pvs"), ("vgs", "vgs"),
    ("vgs -o +vg_missing_pv_count --reportformat json", "vgs"), ("lvs -a", "lvs"),
    ("lvs -a -o +lv_health_status,segtype,lv_layout --reportformat json", "lvs"),
    ("lvs -a --reportformat json_std", "lvs"), ("multipath -ll", "multipath")])
def test_registry(command, key):
    source = registry.lookup("linux", command)
    assert (source.area, source.key) == ("volumes", key)


def test_multipath_l_is_not_accepted():
    with pytest.raises(registry.RegistryError):
        registry.lookup("linux", "multipath -l")


def test_mdstat_cut_before_the_count_line_is_not_understood():
    # review of issue 9: a raid1 whose [2/1] [U_] line was cut off showed one member and was
    # judged "clean: 1 of 1 members active"
    data = p.parse_mdstat("Personalities : [raid1]\nmd0 : active raid1 sda1[0]\n")
    assert "error" in data and "md0" in render(data["error"], "en")
