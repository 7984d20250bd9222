"""Rules of the volumes area (rules/volumes.py): each check made to fail and to pass on the
parser fixtures (tests/unit/fixtures/linux/{cat_proc_mdstat,mdadm_detail_dev_id,pvs,vgs,lvs,
multipath_ll}), a spare consumed since the previous inspection, Cpy%Sync left alone on cached
LVs, and multipath's min_paths.

Every finding any test makes the rules build is checked for its Chinese text (autouse
fixture, tests/unit/chinese_text.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chinese_text import check_every_finding

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue, deltas  # noqa: E402
from ansible.module_utils.weibao_inspection.findings import validate_finding  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import linux_volumes as p  # noqa: E402
from ansible.module_utils.weibao_inspection.rules import volumes as rules  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "linux"
FOLDER = {"mdstat": "cat_proc_mdstat", "mdadm_detail": "mdadm_detail_dev_id", "pvs": "pvs",
          "vgs": "vgs", "lvs": "lvs", "multipath": "multipath_ll"}


@pytest.fixture(autouse=True)
def every_finding_has_chinese(monkeypatch):
    return check_every_finding(monkeypatch, rules)


def judged(key, case, check_id, thresholds=None, context=None, **more):
    raw = {key: (FIXTURES / FOLDER[key] / f"{case}.raw").read_text().split("\n", 1)[1]}
    for other, (folder_case) in more.items():
        raw[other] = (FIXTURES / FOLDER[other] / f"{folder_case}.raw").read_text() \
            .split("\n", 1)[1]
    findings = rules.evaluate(p.parse_sources(raw), thresholds, context)
    for finding in findings:
        validate_finding(finding)
    return {f["component"]: f for f in findings if f["check_id"] == check_id}


def statuses(found):
    return {c: f["status"] for c, f in found.items()}


# --------------------------------------------------------------------------- md

@pytest.mark.parametrize("key,case,expected", [
    ("mdstat", "clean_raid1", {"md0": "ok", "md1": "ok"}),
    ("mdstat", "degraded_faulty", {"md0": "critical"}),
    ("mdstat", "recovery_raid5", {"md127": "critical"}),
    ("mdstat", "faulty_in_clean", {"md0": "warning"}),
    ("mdstat", "resync_delayed", {"md0": "warning", "md1": "warning"}),
    ("mdstat", "reshape_raid5", {"md0": "warning"}),
    ("mdstat", "check_raid6_spare", {"md2": "ok"}),
    ("mdstat", "inactive", {"md127": "critical"}),
    ("mdstat", "imsm_container", {"md126": "critical", "md127": "ok"}),
    # real captures (nagios-plugin-check_raid's test data)
    ("mdstat", "real_pr28_1", {"md0": "critical", "md1": "critical"}),
    ("mdstat", "real_reshape_degraded", {"md0": "critical"}),
    ("mdstat", "real_failed", {"md0": "critical"}),
    ("mdstat", "real_faulty_in_clean", {"md0": "ok", "md1": "warning"}),
    ("mdstat", "real_spares", {"md1": "ok", "md2": "ok"}),
    ("mdstat", "real_auto_read_only", {"md0": "ok", "md1": "ok", "md2": "ok"}),
    ("mdadm_detail", "clean_raid1", {"md0": "ok"}),
    ("mdadm_detail", "degraded_recovering", {"md127": "critical"}),
    ("mdadm_detail", "faulty_in_clean", {"md0": "warning"}),
    ("mdadm_detail", "removed_degraded", {"md1": "critical"}),
    ("mdadm_detail", "reshape", {"md0": "warning"}),
    ("mdadm_detail", "real_raid10_recovering", {"md0": "critical"}),
    ("mdadm_detail", "real_090_resyncing", {"md0": "warning"}),
    ("mdadm_detail", "real_spare_taking_over", {"md1": "critical"}),
])
def test_md_arrays(key, case, expected):
    assert statuses(judged(key, case, "volumes.md_arrays")) == expected


def test_md_recovery_says_its_progress():
    [finding] = judged("mdstat", "recovery_raid5", "volumes.md_arrays").values()
    assert "8.5%" in finding["summary"] and finding["values"]["action"] == "recovery"
    assert finding["values"]["faulty"] == "sde1"


def test_md_faulty_member_in_a_clean_array_is_named():
    [finding] = judged("mdadm_detail", "faulty_in_clean", "volumes.md_arrays").values()
    assert "/dev/sdb1" in finding["summary"] and finding["values"]["state"] == "clean"


def test_md_no_array_and_not_understood_are_unknown():
    [none] = judged("mdstat", "no_arrays", "volumes.md_arrays").values()
    assert (none["status"], none["cause"]) == ("unknown", "not_applicable")
    [bad] = judged("mdstat", "not_mdstat", "volumes.md_arrays").values()
    assert (bad["status"], bad["cause"]) == ("unknown", "not_understood")
    [gone] = judged("mdadm_detail", "cannot_open", "volumes.md_arrays").values()
    assert (gone["status"], gone["cause"]) == ("unknown", "source_unreadable")
    [missing] = [f for f in rules.evaluate({}) if f["check_id"] == "volumes.md_arrays"]
    assert (missing["status"], missing["cause"]) == ("unknown", "incomplete")


def test_md_detail_wins_over_mdstat_and_keeps_its_progress():
    found = judged("mdadm_detail", "degraded_recovering", "volumes.md_arrays",
                   mdstat="recovery_raid5")
    assert found["md127"]["values"]["progress"] == 8.0  # mdadm's own figure
    assert found["md127"]["status"] == "critical"


def test_md_spare_consumed_since_the_previous_inspection():
    data = p.parse_sources({"mdstat": (FIXTURES / "cat_proc_mdstat" / "check_raid6_spare.raw")
                            .read_text().split("\n", 1)[1]})
    [stored] = rules.counters(data)
    assert (stored["component"], stored["name"], stored["value"]) == ("md2", "spares", 1)
    before = {deltas.key("volumes.md_arrays", "md2", "spares"):
              {"value": 2, "at": "2026-11-01T02:00:00Z", "boot_time": ""}}
    [finding] = [f for f in rules.check_md_arrays(data, {"previous": before})]
    assert finding["status"] == "warning" and finding["values"]["previous_spares"] == 2
    same = {deltas.key("volumes.md_arrays", "md2", "spares"): {"value": 1}}
    assert rules.check_md_arrays(data, {"previous": same})[0]["status"] == "ok"


# --------------------------------------------------------------------------- lvm

@pytest.mark.parametrize("key,case,check,expected", [
    ("pvs", "plain_ok", "volumes.lvm_pvs", {"": "ok"}),
    ("pvs", "json_ok", "volumes.lvm_pvs", {"": "ok"}),
    ("pvs", "plain_missing", "volumes.lvm_pvs", {"[unknown]": "critical"}),
    ("pvs", "json_missing", "volumes.lvm_pvs", {"[unknown]": "critical"}),
    ("vgs", "plain_ok", "volumes.lvm_vgs", {"": "ok"}),
    ("vgs", "plain_partial", "volumes.lvm_vgs", {"vgdata": "critical"}),
    ("vgs", "json_partial", "volumes.lvm_vgs", {"vg0": "critical"}),
    ("lvs", "plain_ok", "volumes.lvm_lvs", {"": "ok"}),
    ("lvs", "json_ok", "volumes.lvm_lvs", {"": "ok"}),
    ("lvs", "json_cache", "volumes.lvm_lvs", {"": "ok"}),
    ("lvs", "plain_raid_syncing", "volumes.lvm_lvs", {"vg0/lv_r5": "warning"}),
    ("lvs", "plain_raid_partial", "volumes.lvm_lvs", {"vg0/lv_r1": "critical"}),
    ("lvs", "json_decimal_comma", "volumes.lvm_lvs", {"vg_raid_1tb/backup": "warning"}),
    ("lvs", "real_raid1_mirror", "volumes.lvm_lvs", {"": "ok"}),
    ("lvs", "real_snapshot", "volumes.lvm_lvs", {"": "ok"}),
    ("lvs", "snapshot_invalid", "volumes.lvm_lvs", {"vg0/snap01": "critical"}),
    ("lvs", "json_std_raid", "volumes.lvm_lvs", {"vg0/lv_r1": "warning"}),
    ("vgs", "real_centos7", "volumes.lvm_vgs", {"": "ok"}),
    ("pvs", "real_sizes", "volumes.lvm_pvs", {"": "ok"}),
    ("lvs", "json_refresh", "volumes.lvm_lvs", {"vg0/lv_r1": "warning",
                                                "vg0/lv_r10": "warning"}),
])
def test_lvm(key, case, check, expected):
    assert statuses(judged(key, case, check)) == expected


def test_cpy_sync_on_a_cache_lv_is_not_a_sync_figure():
    rows = [{"lv_name": "data", "vg_name": "vg0", "lv_attr": "Cwi-aoC---",
             "copy_percent": "0.00", "segtype": "cache"}]
    [ok] = rules.check_lvm_lvs({"lvs": {"rows": rows}})
    assert ok["status"] == "ok"
    # the same figure on a RAID LV is a sync not finished
    rows[0].update(lv_attr="rwi-a-r---", segtype="raid1")
    [syncing] = rules.check_lvm_lvs({"lvs": {"rows": rows}})
    assert syncing["status"] == "warning" and syncing["values"]["copy_percent"] == 0.0


def test_raid_health_from_lv_health_status_before_the_attr():
    rows = [{"lv_name": "r", "vg_name": "vg", "lv_attr": "rwi-a-r---", "copy_percent": "100.00",
             "lv_health_status": "partial"}]
    assert rules.check_lvm_lvs({"lvs": {"rows": rows}})[0]["status"] == "critical"


def test_lvm_unreadable_and_empty():
    [bad] = rules.check_lvm_pvs({"pvs": p.parse_lvm_report("garbage here\n", "pvs")})
    assert (bad["status"], bad["cause"]) == ("unknown", "not_understood")
    [none] = rules.check_lvm_vgs({"vgs": {"rows": [], "format": "json"}})
    assert (none["status"], none["cause"]) == ("unknown", "not_applicable")
    [odd] = rules.check_lvm_lvs({"lvs": {"rows": [{"lv_name": "r", "vg_name": "v",
                                                   "lv_attr": "rwi-a-r---",
                                                   "copy_percent": "n/a"}]}})
    assert (odd["status"], odd["cause"]) == ("unknown", "not_understood")


# --------------------------------------------------------------------------- multipath

@pytest.mark.parametrize("case,expected", [
    ("ok", {"mpatha": "ok", "mpathb": "ok"}),
    ("failed_path", {"3600508b4000156d700012000000b0000": "warning"}),
    ("shaky_offline", {"san_data": "warning"}),
    ("single_path", {"mpathc": "warning"}),
    ("all_failed", {"mpathd": "critical"}),
    ("old_format", {"mpath0": "warning"}),
    ("real_ceph_lio", {"mpathbt": "ok"}),
    ("real_centos7", {"mpathc": "ok", "mpathb": "ok"}),
    ("blank_lines", {"mpatha": "warning"}),
])
def test_multipath(case, expected):
    assert statuses(judged("multipath", case, "volumes.multipath")) == expected


def test_multipath_min_paths_per_site():
    one = catalogue.merge_thresholds("volumes", {"multipath": {"min_paths": 1}})
    assert statuses(judged("multipath", "single_path", "volumes.multipath", one)) == \
        {"mpathc": "ok"}
    four = catalogue.merge_thresholds("volumes", {"multipath": {"min_paths": 4}})
    found = statuses(judged("multipath", "ok", "volumes.multipath", four))
    assert found == {"mpatha": "ok", "mpathb": "warning"}  # ghost paths count as standby


def test_multipath_not_understood_is_never_ok():
    [bad] = judged("multipath", "not_multipath", "volumes.multipath").values()
    assert (bad["status"], bad["cause"]) == ("unknown", "not_understood")
    [none] = rules.check_multipath({"multipath": {"maps": []}},
                                   catalogue.merge_thresholds("volumes"))
    assert (none["status"], none["cause"]) == ("unknown", "not_applicable")


def test_md_old_mdadm_rebuild_status_of_a_resync_is_a_resync():
    [finding] = judged("mdadm_detail", "real_090_resyncing", "volumes.md_arrays").values()
    assert finding["values"]["action"] == "resync" and finding["values"]["progress"] == 3.0


def test_md_failed_array_from_mdadm_is_critical():
    text = ("/dev/md0:\n        Raid Level : raid5\n      Raid Devices : 3\n"
            "             State : clean, FAILED \n    Active Devices : 1\n"
            "    Failed Devices : 2\n     Spare Devices : 0\n\n"
            "    Number   Major   Minor   RaidDevice State\n"
            "       0       8       17        0      active sync   /dev/sdb1\n"
            "       -       0        0        1      removed\n"
            "       -       0        0        2      removed\n")
    [finding] = rules.check_md_arrays(p.parse_sources({"mdadm_detail": text}))
    assert finding["status"] == "critical" and "FAILED" in finding["summary"]


@pytest.mark.parametrize("state", ["active i/o timeout running", "active undef running",
                                   "active frobnicated running"])
def test_multipath_a_path_in_no_working_state_is_not_ok(state):
    # review of issue 9: with enough other paths, a path whose checker said "i/o timeout"
    # (or a word weibao does not know) was left out of both lists and the map judged ok
    text = ("mpatha (3600140500000000000000000000000a1) dm-0 LIO-ORG,disk01\n"
            "size=10G features='0' hwhandler='1 alua' wp=rw\n"
            "`-+- policy='service-time 0' prio=50 status=active\n"
            "  |- 3:0:0:1 sdb 8:16 active ready running\n"
            "  |- 4:0:0:1 sdc 8:32 active ready running\n"
            f"  `- 5:0:0:1 sdd 8:48 {state}\n")
    [finding] = rules.check_multipath({"multipath": p.parse_multipath(text)},
                                      catalogue.merge_thresholds("volumes"))
    assert finding["status"] == "warning" and "sdd" in finding["summary"]


def test_an_lv_health_word_not_known_is_unknown_not_ok():
    from ansible.module_utils.weibao_inspection.rules.volumes import check_lvm_lvs

    def rows(health):
        return {"lvs": {"format": "json", "rows": [
            {"vg_name": "vg0", "lv_name": "data", "lv_attr": "-wi-ao----",
             "lv_health_status": health, "segtype": "linear"}]}}
    assert [f["status"] for f in check_lvm_lvs(rows(""))] == ["ok"]
    assert [f["status"] for f in check_lvm_lvs(rows("writemostly"))] == ["ok"]
    strange = check_lvm_lvs(rows("degraded-ish"))
    assert [(f["status"], f["cause"]) for f in strange] == [("unknown", "not_understood")]
