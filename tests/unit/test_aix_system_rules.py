"""Rules of the aix_system area (rules/aix_system.py): each check made to fail and to pass on
the fixtures and on the collector's raw shapes; output not understood and sources not
collected are unknown, never ok.

Every finding any test makes the rules build is checked for its Chinese text (autouse
fixture, tests/unit/chinese_text.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chinese_text import check_every_finding

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue  # noqa: E402
from ansible.module_utils.weibao_inspection.findings import validate_finding  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import msg, render  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import aix_aix_system as p  # noqa: E402
from ansible.module_utils.weibao_inspection.rules import aix_system as rules  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "aix"
NOW = 1796169600.0  # 2026-12-02T00:00:00Z
THRESHOLDS = catalogue.merge_thresholds("aix_system")
FAILED = {"error": msg("reason.timed_out", command="svmon -G", seconds=60),
          "cause": "source_unreadable"}


@pytest.fixture(autouse=True)
def every_finding_has_chinese(monkeypatch):
    return check_every_finding(monkeypatch, rules)


def fx(folder, name):
    return (FIXTURES / folder / f"{name}.raw").read_text().split("\n", 1)[1]


def run(raw, thresholds=None, now=NOW):
    data = p.parse_sources(raw, {"now": now})
    findings = rules.evaluate(data, thresholds or THRESHOLDS, {"now": now})
    for finding in findings:
        validate_finding(finding)
    return findings


def only(findings, check_id, component=None):
    chosen = [f for f in findings if f["check_id"] == check_id
              and (component is None or f["component"] == component)]
    assert len(chosen) == 1, [(f["check_id"], f["component"]) for f in findings]
    return chosen[0]


def statuses(findings, check_id):
    return sorted((f["component"], f["status"]) for f in findings if f["check_id"] == check_id)


# --------------------------------------------------------------------------- identity


def test_identity_for_the_asset_register():
    found = only(run({"prtconf": fx("prtconf", "aix72_power9_s924"),
                      "oslevel_s": "7200-05-03-2148\n"}), rules.IDENTITY)
    assert found["status"] == "ok"
    assert found["component"] == "7812A4X"
    values = found["values"]
    assert (values["model"], values["serial"], values["cpus"], values["memory_mb"],
            values["firmware"], values["os"]) == \
        ("IBM,9009-42A", "7812A4X", 4, 65536, "VL950_092", "7200-05-03-2148")
    assert "AIX 7200-05-03-2148" in found["summary"]


@pytest.mark.parametrize("name,model", [("aix73_power10_s1024", "IBM,9105-42A"),
                                        ("aix72_power9_s924", "IBM,9009-42A")])
def test_identity_ok_without_oslevel(name, model):
    found = only(run({"prtconf": fx("prtconf", name)}), rules.IDENTITY)
    assert found["status"] == "ok" and found["values"]["model"] == model
    assert found["values"]["os"] is None


def test_identity_warns_on_deconfigured_memory():
    found = only(run({"prtconf": fx("prtconf", "aix71_power8_s824_memory_deconfigured")}),
                 rules.IDENTITY)
    assert found["status"] == "warning"
    assert "126976" in found["summary"] and found["recommendation"]


@pytest.mark.parametrize("label", ["Good Memory Size", "Memory Size"])
def test_identity_without_memory_sizes_is_unknown_not_ok(label):
    # prtconf cut short or garbled before its memory lines: deconfigured memory not seen
    text = "\n".join(line for line in fx("prtconf", "aix71_power8_s824_memory_deconfigured")
                     .splitlines() if not line.startswith(label + ":"))
    found = only(run({"prtconf": text}), rules.IDENTITY)
    assert (found["status"], found["cause"]) == ("unknown", "not_understood")
    assert label in found["summary"] and found["values"]["serial"] == "21A7C3V"


@pytest.mark.parametrize("name", ["zh_CN_labels_not_understood", "truncated"])
def test_identity_not_understood_is_unknown(name):
    found = only(run({"prtconf": fx("prtconf", name)}), rules.IDENTITY)
    assert (found["status"], found["cause"]) == ("unknown", "not_understood")


def test_identity_not_collected_is_unknown():
    found = only(run({}), rules.IDENTITY)
    assert (found["status"], found["cause"]) == ("unknown", "incomplete")


# --------------------------------------------------------------------------- firmware


def test_firmware_sides_equal_is_ok():
    found = only(run({"lsmcode": fx("lsmcode_A", "aix72_power9_sides_equal")}), rules.FIRMWARE)
    assert found["status"] == "ok"
    assert found["values"]["devices"] == 5
    assert any(line.startswith("fcs0: ") for line in found["evidence"])


def test_firmware_not_accepted_is_a_warning():
    found = only(run({"lsmcode": fx("lsmcode_A", "aix72_power9_not_accepted")}), rules.FIRMWARE)
    assert found["status"] == "warning"
    assert "VL950_075" in found["summary"] and found["recommendation"]


def test_firmware_not_understood_and_failed_are_unknown():
    found = only(run({"lsmcode": fx("lsmcode_A", "usage_not_understood")}), rules.FIRMWARE)
    assert (found["status"], found["cause"]) == ("unknown", "not_understood")
    found = only(run({"lsmcode": {"error": msg("reason.not_installed", command="lsmcode"),
                                  "cause": "tool_missing"}}), rules.FIRMWARE)
    assert (found["status"], found["cause"]) == ("unknown", "tool_missing")


# --------------------------------------------------------------------------- mksysb


def images(**named):
    return {f"/export/mksysb/{k}.mksysb": fx("lsmksysb_l_f_path", v) for k, v in named.items()}


def test_recent_backup_at_the_running_level_is_ok():
    findings = run({"lsmksysb": images(new="aix73_tl2", old="aix71_tl5_old"),
                    "oslevel_s": "7300-02-01-2346\n"})
    found = only(findings, rules.MKSYSB)
    assert found["status"] == "ok"
    assert found["component"] == "/export/mksysb/new.mksysb"
    assert found["values"]["age_days"] == 2.9 and found["values"]["images"] == 2


def test_backup_older_than_the_limit_is_a_warning_then_critical():
    raw = {"lsmksysb": images(h="aix72_tl5_sp3")}  # 2026-11-02: 29 days before NOW
    assert only(run(raw), rules.MKSYSB)["status"] == "ok"
    assert only(run(raw, now=NOW + 10 * 86400), rules.MKSYSB)["status"] == "warning"
    found = only(run(raw, now=NOW + 50 * 86400), rules.MKSYSB)
    assert found["status"] == "critical" and "79 days" in found["summary"]
    assert found["recommendation"]


def test_the_site_limit_and_critical_off():
    limits = catalogue.merge_thresholds("aix_system", {"mksysb": {"max_age_days": 7,
                                                                  "critical_age_days": 0}})
    found = only(run({"lsmksysb": images(h="aix71_tl5_old")}, thresholds=limits), rules.MKSYSB)
    assert found["status"] == "warning"
    assert found["thresholds"] == {"max_age_days": 7, "critical_age_days": None}


def test_backup_at_another_level_is_a_warning():
    found = only(run({"lsmksysb": images(h="aix72_tl5_sp3"),
                      "oslevel_s": "7200-05-07-2320\n"}), rules.MKSYSB)
    assert found["status"] == "warning"
    assert "7200-05-07-2320" in found["summary"]
    # an image printing only the TL matches any service pack of it
    found = only(run({"lsmksysb": images(h="aix73_tl2"), "oslevel_s": "7300-02-03-2420\n"}),
                 rules.MKSYSB)
    assert found["status"] == "ok"


def test_old_and_at_another_level_says_both():
    found = only(run({"lsmksysb": images(h="aix71_tl5_old"), "oslevel_s": "7200-05-03-2148\n"}),
                 rules.MKSYSB)
    assert found["status"] == "critical"
    assert "limit" in found["summary"] and "the system runs" in found["summary"]


def test_no_image_is_a_warning():
    found = only(run({"lsmksysb": {}}), rules.MKSYSB)
    assert found["status"] == "warning" and "no system backup" in found["summary"]


def test_only_data_or_other_vg_images_are_not_system_backups():
    text = fx("lsmksysb_l_f_path", "aix73_tl2").replace("VG DATA ONLY:           no",
                                                        "VG DATA ONLY:           yes")
    found = only(run({"lsmksysb": {"/b/data.mksysb": text}}), rules.MKSYSB)
    assert found["status"] == "warning"
    assert "No rootvg system backup" in found["summary"]


def test_unreadable_images_are_unknown_and_never_ok():
    raw = {"lsmksysb": {"/b/x.mksysb": fx("lsmksysb_l_f_path", "not_a_mksysb")}}
    found = only(run(raw), rules.MKSYSB)
    assert (found["status"], found["cause"]) == ("unknown", "not_understood")
    raw["lsmksysb"].update(images(h="aix73_tl2"))
    assert statuses(run(raw), rules.MKSYSB) == [("/b/x.mksysb", "unknown"),
                                                ("/export/mksysb/h.mksysb", "ok")]


def test_mksysb_not_collected_or_failed_is_unknown():
    found = only(run({}), rules.MKSYSB)
    assert (found["status"], found["cause"]) == ("unknown", "incomplete")
    found = only(run({"lsmksysb": FAILED}), rules.MKSYSB)
    assert (found["status"], found["cause"]) == ("unknown", "source_unreadable")


def test_a_backup_dated_after_the_clock_is_unknown():
    found = only(run({"lsmksysb": images(h="aix73_tl2")}, now=NOW - 30 * 86400), rules.MKSYSB)
    assert (found["status"], found["cause"]) == ("unknown", "stale")


# --------------------------------------------------------------------------- performance

QUIET = {"vmstat": fx("vmstat_5_3", "aix72_shared_idle"),
         "lparstat": fx("lparstat_5_3", "aix72_shared_uncapped"),
         "svmon": fx("svmon_G", "aix72_healthy"), "iostat": fx("iostat_5_2", "aix72_quiet")}
BUSY = {"vmstat": fx("vmstat_5_3", "aix73_shared_busy_paging"),
        "lparstat": fx("lparstat_5_3", "aix73_over_entitlement"),
        "svmon": fx("svmon_G", "aix73_overcommitted"),
        "iostat": fx("iostat_5_2", "aix73_busy_disk")}


def test_quiet_host_is_ok_with_its_figures():
    findings = run(QUIET)
    assert statuses(findings, rules.PERFORMANCE) == [
        ("iostat", "ok"), ("lparstat", "ok"), ("svmon", "ok"), ("vmstat", "ok")]
    vm = only(findings, rules.PERFORMANCE, "vmstat")["values"]
    assert (vm["busy"], vm["po"], vm["ec"], vm["config_ent"]) == (3.5, 0.0, 4.0, "2.00")
    lp = only(findings, rules.PERFORMANCE, "lparstat")["values"]
    assert (lp["entc"], lp["physc"], lp["app"]) == (4.57, 0.09, 21.83)
    sv = only(findings, rules.PERFORMANCE, "svmon")["values"]
    assert sv["virtual_pct"] == 58.6
    io = only(findings, rules.PERFORMANCE, "iostat")["values"]
    assert (io["busiest"], io["busiest_tm_act"]) == ("hdisk2", 8.8)


def test_busy_host_fails_each_threshold():
    findings = run(BUSY)
    assert statuses(findings, rules.PERFORMANCE) == [
        ("iostat", "warning"), ("lparstat", "warning"), ("svmon", "critical"),
        ("vmstat", "warning")]
    assert "svmon -P" in only(findings, rules.PERFORMANCE, "vmstat")["recommendation"]
    assert only(findings, rules.PERFORMANCE, "svmon")["values"]["virtual_pct"] == 101.4


def test_cpu_critical_and_thresholds_switched_off():
    limits = catalogue.merge_thresholds("aix_system", {"performance": {
        "cpu_critical": 90, "paging_warning": 0, "entc_warning": 0, "disk_warning": 0,
        "memory_critical": 200, "memory_warning": 200}})
    findings = run(BUSY, thresholds=limits)
    # lparstat: 82 % busy (warning at 80), its 259 % entitlement no longer judged
    assert statuses(findings, rules.PERFORMANCE) == [
        ("iostat", "ok"), ("lparstat", "warning"), ("svmon", "ok"), ("vmstat", "critical")]


def test_dedicated_lpar_has_no_entitlement():
    findings = run({"vmstat": fx("vmstat_5_3", "aix71_dedicated"),
                    "lparstat": fx("lparstat_5_3", "aix71_dedicated"),
                    "svmon": fx("svmon_G", "aix71_unit_mb"),
                    "iostat": fx("iostat_5_2", "aix71_dedicated")})
    assert {s for _c, s in statuses(findings, rules.PERFORMANCE)} == {"ok"}
    lp = only(findings, rules.PERFORMANCE, "lparstat")
    assert lp["values"]["entc"] is None and "n/a" in lp["summary"]
    assert only(findings, rules.PERFORMANCE, "svmon")["values"]["unit"] == "MB"


def test_performance_sources_not_understood_or_failed_are_unknown():
    raw = dict(QUIET, svmon=FAILED, vmstat=fx("vmstat_5_3", "header_only_truncated"),
               iostat=fx("iostat_5_2", "not_iostat"),
               lparstat=fx("lparstat_5_3", "no_perm_not_understood"))
    findings = run(raw)
    assert statuses(findings, rules.PERFORMANCE) == [
        ("iostat", "unknown"), ("lparstat", "unknown"), ("svmon", "unknown"),
        ("vmstat", "unknown")]
    assert "60" in only(findings, rules.PERFORMANCE, "svmon")["summary"]


def test_one_sampling_command_alone_is_judged_alone():
    findings = run({"vmstat": QUIET["vmstat"]})
    assert statuses(findings, rules.PERFORMANCE) == [("vmstat", "ok")]


def test_no_sampling_command_is_unknown():
    found = only(run({}), rules.PERFORMANCE)
    assert (found["status"], found["cause"]) == ("unknown", "incomplete")


def test_every_check_fails_somewhere_and_passes_somewhere(every_finding_has_chinese):
    run(dict(QUIET, prtconf=fx("prtconf", "aix72_power9_s924"),
             lsmcode=fx("lsmcode_A", "aix72_power9_sides_equal"),
             lsmksysb=images(h="aix73_tl2")))
    run(dict(BUSY, prtconf=fx("prtconf", "aix71_power8_s824_memory_deconfigured"),
             lsmcode=fx("lsmcode_A", "aix72_power9_not_accepted"), lsmksysb={}))
    seen = {(f["check_id"], f["status"]) for f in every_finding_has_chinese}
    for check in rules.CHECKS:
        assert (check, "ok") in seen, check
        assert any(c == check and s in ("warning", "critical") for c, s in seen), check
    assert all(render(f["message"]["summary"], "zh-CN") for f in every_finding_has_chinese)
