"""Rules of the errpt area (rules/errpt.py): every check fails and passes, recoveries shown as
recovered (warning, not critical), classification by label and identifier whatever the
description's language, counts per component, and unknown (never ok) for output not
understood or not collected. Every finding is checked for its Chinese text as it is built.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chinese_text import check_every_finding

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue  # noqa: E402
from ansible.module_utils.weibao_inspection.findings import validate_finding  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import msg  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import aix_errpt as p  # noqa: E402
from ansible.module_utils.weibao_inspection.rules import errpt as rules  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "aix"
THRESHOLDS = catalogue.merge_thresholds("errpt")
HEADER = "IDENTIFIER TIMESTAMP  T C RESOURCE_NAME  DESCRIPTION\n"


@pytest.fixture(autouse=True)
def every_finding_has_chinese(monkeypatch):
    return check_every_finding(monkeypatch, rules)


def text(folder, case):
    return (FIXTURES / folder / f"{case}.raw").read_text().split("\n", 1)[1]


def judge(raw, since=None):
    context = {"since": since}
    findings = rules.evaluate(p.parse_sources(raw, context), THRESHOLDS, context)
    for finding in findings:
        validate_finding(finding)
    return findings


def by_check(findings, check_id):
    return {f["component"]: f for f in findings if f["check_id"] == check_id}


def summary(*lines):
    return {"errpt": HEADER + "".join(line + "\n" for line in lines)}


def test_catalogue_declares_the_checks():
    assert {c.id for c in catalogue.area_checks("errpt")} == set(rules.CHECKS)
    assert all(c.platforms == ("aix",) for c in catalogue.area_checks("errpt"))


def test_empty_log_every_check_ok():
    findings = judge({"errpt": ""}, since="2026-11-01T00:00:00Z")
    assert {f["check_id"] for f in findings} == set(rules.CHECKS)
    assert all(f["status"] == "ok" for f in findings)
    assert "2026-11-01" in by_check(findings, "errpt.hardware")[""]["summary"]


def test_hardware_perm_is_critical_and_temp_warning():
    findings = judge({"errpt": text("errpt", "aix71_disk_perm")})
    hardware = by_check(findings, "errpt.hardware")
    assert hardware["disk"]["status"] == "critical"
    assert hardware["disk"]["values"]["critical"] == 1
    assert hardware["adapter"]["status"] == "critical"
    assert hardware["disk"]["recommendation"]
    findings = judge(summary("0BA49C99   1129113426 T H fscsi1         SCSI BUS ERROR"))
    assert by_check(findings, "errpt.hardware")["adapter"]["status"] == "warning"
    findings = judge(summary("9DBCFDEE   1126080126 T O errdemon       ERROR LOGGING ON"))
    assert by_check(findings, "errpt.hardware")[""]["status"] == "ok"


def test_software_core_dump_warning_operator_ok():
    findings = judge({"errpt": text("errpt", "aix71_disk_perm")})
    software = by_check(findings, "errpt.software")
    assert software["software"]["status"] == "warning"  # CORE_DUMP P S
    assert software["software"]["values"]["informational"] == 3  # SRC_RSTRT, ERRLOG_ON, REBOOT
    findings = judge(summary("AA8AB241   1130120026 T O OPERATOR       OPERATOR NOTIFICATION",
                             "2BFA76F6   1126075926 T S SYSPROC        SYSTEM SHUTDOWN BY USER"))
    assert by_check(findings, "errpt.software")["software"]["status"] == "ok"


def test_lvm_quorum_and_missing_pv_are_critical_stale_warning():
    findings = judge({"errpt": text("errpt", "aix73_lvm_ech")})
    assert by_check(findings, "errpt.software")["lvm"]["status"] == "critical"
    assert by_check(findings, "errpt.hardware")["network"]["status"] == "warning"
    findings = judge(summary("EAA3D429   1201031526 U S LVDD           PHYSICAL PARTITION"))
    assert by_check(findings, "errpt.software")["lvm"]["status"] == "warning"
    findings = judge(summary("CAD234BE   1201031526 U H LVDD           QUORUM LOST"))
    assert by_check(findings, "errpt.software")["lvm"]["status"] == "critical"


def test_stale_then_fresh_is_recovered():
    findings = judge({"errpt_a": text("errpt_a", "aix71_core_dump")})
    lvm = by_check(findings, "errpt.software")["lvm"]
    assert lvm["status"] == "warning" and lvm["values"]["recovered"] == 1
    assert "recovered by LVM_SA_FRESHPP" in lvm["summary"]


def test_power_loss_then_resumption_is_recovered_not_critical():
    findings = judge({"errpt_a": text("errpt_a", "aix72_path_epow")})
    power = by_check(findings, "errpt.hardware")["power_cooling"]
    assert power["status"] == "warning" and power["values"]["recovered"] == 1
    assert power["recommendation"].startswith("The failure recovered by itself")
    # the loss alone is critical
    lines = text("errpt_a", "aix72_path_epow").split("-" * 75 + "\n")
    loss_only = "-" * 75 + "\n" + lines[-1]
    findings = judge({"errpt_a": loss_only})
    assert by_check(findings, "errpt.hardware")["power_cooling"]["status"] == "critical"


def test_paths_failed_recovered_and_ok():
    findings = judge({"errpt": text("errpt", "aix72_path_failed_recovered")})
    paths = by_check(findings, "errpt.paths")
    assert paths["hdisk7"]["status"] == "critical"
    assert paths["hdisk5"]["status"] == "warning"
    assert "failed and recovered" in paths["hdisk5"]["summary"]
    assert paths["hdisk7"]["recommendation"].startswith("Check the disk's paths")
    findings = judge(summary("F31FFAC3   1129114026 I H hdisk5         PATH HAS RECOVERED"))
    only = by_check(findings, "errpt.paths")["hdisk5"]
    assert only["status"] == "warning" and "before the period" in only["summary"]
    findings = judge(summary("A924A5FC   1127221526 P S SYSPROC        SOFTWARE PROGRAM"))
    assert by_check(findings, "errpt.paths")[""]["status"] == "ok"


def test_a_path_failed_again_in_the_minute_of_its_recovery_stays_failed():
    # newest first: hdisk5 recovered, then failed again in the same minute (11:40)
    findings = judge(summary("DE3B8540   1129114026 P H hdisk5         PATH HAS FAILED",
                             "F31FFAC3   1129114026 I H hdisk5         PATH HAS RECOVERED",
                             "DE3B8540   1129110026 P H hdisk5         PATH HAS FAILED"))
    assert by_check(findings, "errpt.paths")["hdisk5"]["status"] == "critical"
    # and the other way round (failed, then recovered in that minute): recovered
    findings = judge(summary("F31FFAC3   1129114026 I H hdisk5         PATH HAS RECOVERED",
                             "DE3B8540   1129114026 P H hdisk5         PATH HAS FAILED"))
    assert by_check(findings, "errpt.paths")["hdisk5"]["status"] == "warning"


def test_ech_recovery_label_is_recovered():
    entries = [
        {"identifier": "00000001", "label": "ECH_CHAN_FAIL", "time": "2026-11-01T04:00:02",
         "type": "PERM", "class": "H", "resource": "ent2", "resource_class": "adapter"},
        {"identifier": "00000002", "label": "ECH_MAIN_CHAN_RECOVERY",
         "time": "2026-11-01T04:05:00", "type": "INFO", "class": "H", "resource": "ent2",
         "resource_class": "adapter"},
    ]
    findings = rules.evaluate({"details": {"entries": entries}, "summary": None}, THRESHOLDS)
    network = by_check(findings, "errpt.hardware")["network"]
    assert network["status"] == "warning" and network["values"]["recovered"] == 1


@pytest.mark.parametrize("case", ["de_DE_descriptions", "zh_CN_descriptions"])
def test_translated_descriptions_are_classified_by_identifier(case):
    findings = judge({"errpt": text("errpt", case)})
    paths = by_check(findings, "errpt.paths")
    assert paths["hdisk7" if case.startswith("de") else "hdisk5"]["status"] == \
        ("critical" if case.startswith("de") else "warning")
    counts = by_check(findings, "errpt.summary")[""]["values"]
    assert counts["path"] >= 1 and counts["other"] == 0


def test_classification_table():
    def entry(identifier, label="", cls="H", kind="PERM", resource="x", rclass=""):
        return {"identifier": identifier, "label": label, "class": cls, "type": kind,
                "resource": resource, "resource_class": rclass}
    assert rules.component_of(entry("DE3B8540")) == "path"
    assert rules.component_of(entry("1", "FCS_ERR4")) == "adapter"
    assert rules.component_of(entry("1", "SC_DISK_ERR2")) == "disk"
    assert rules.component_of(entry("1", "MEM2")) == "memory"
    assert rules.component_of(entry("1", "SCAN_ERROR_CHRP")) == "cpu"
    assert rules.component_of(entry("1", "GXENT_LINK_DOWN")) == "network"
    assert rules.component_of(entry("1", "HACMP_FAILOVER")) == "cluster"
    assert rules.component_of(entry("1", "TTY_OVERRUN")) == "other"
    assert rules.component_of(entry("1", "", rclass="processor")) == "cpu"
    assert rules.component_of(entry("1", "", resource="hdisk12")) == "disk"
    assert rules.component_of(entry("1", "", cls="S", resource="oracle")) == "software"
    assert rules.component_of(entry("1", "", resource="sysplanar0")) == "other"
    assert rules.severity_of(entry("1", "X", "H", "PEND")) == "critical"
    assert rules.severity_of(entry("1", "X", "H", "PERF")) == "warning"
    assert rules.severity_of(entry("1", "X", "S", "PERM")) == "warning"
    assert rules.severity_of(entry("1", "X", "O", "PERM")) == "ok"
    assert rules.severity_of(entry("1", "X", "H", "INFO")) == "ok"
    assert rules.severity_of(entry("1", "X", "Z", "PERM")) == "warning"  # never ok
    assert rules.severity_of(entry("1", "X", "H", "WHAT")) == "warning"


def test_unclassified_hardware_entry_goes_to_hardware_other():
    findings = judge(summary("12345678   1129113426 P H sysplanar0     SOMETHING"))
    assert by_check(findings, "errpt.hardware")["other"]["status"] == "critical"


def test_summary_counts_and_logging_off():
    findings = judge({"errpt": text("errpt", "aix71_disk_perm")})
    [total] = [f for f in findings if f["check_id"] == "errpt.summary"]
    assert total["status"] == "ok"
    assert total["values"]["entries"] == 6 and total["values"]["disk"] == 1
    assert total["values"]["software"] == 4 and total["values"]["adapter"] == 1
    findings = judge(summary("192AC071   1130120026 T O errdemon       ERROR LOGGING OFF",
                             "9DBCFDEE   1126080126 T O errdemon       ERROR LOGGING ON"))
    [total] = [f for f in findings if f["check_id"] == "errpt.summary"]
    assert total["status"] == "warning" and total["recommendation"]


def test_details_win_over_the_summary():
    raw = {"errpt": text("errpt", "aix71_disk_perm"),
           "errpt_a": text("errpt_a", "aix73_ech")}
    findings = judge(raw)
    [total] = [f for f in findings if f["check_id"] == "errpt.summary"]
    assert total["values"]["entries"] == 1 and "errpt -a" in total["summary"]
    # details not understood: the summary is judged
    raw["errpt_a"] = text("errpt_a", "not_understood")
    [total] = [f for f in judge(raw) if f["check_id"] == "errpt.summary"]
    assert total["values"]["entries"] == 6


@pytest.mark.parametrize("raw,cause", [
    ({}, "incomplete"),
    ({"errpt": text("errpt", "not_understood")}, "not_understood"),
    ({"errpt_a": text("errpt_a", "not_understood")}, "not_understood"),
    ({"errpt": {"error": msg("reason.not_installed", command="errpt"), "cause": "tool_missing"}},
     "tool_missing"),
])
def test_unknown_never_ok(raw, cause):
    findings = judge(raw)
    assert {f["check_id"] for f in findings} == set(rules.CHECKS)
    assert all(f["status"] == "unknown" and f["cause"] == cause for f in findings)
