"""Rules of the aix_patch area (rules/aix_patch.py): every check made to fail and to pass,
on the fixtures (each .yml lists the findings its output gives at NOW) and on built data;
a source not collected or not understood = unknown, a technology level not in the end of
service table = unknown, never ok.

Every finding any test makes the rules build is checked for its Chinese text (autouse
fixture, tests/unit/chinese_text.py).
"""

from __future__ import annotations

import calendar
from pathlib import Path

import pytest
import yaml
from chinese_text import check_every_finding

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue  # noqa: E402
from ansible.module_utils.weibao_inspection.findings import validate_finding  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import msg  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import aix_aix_patch as p  # noqa: E402
from ansible.module_utils.weibao_inspection.rules import aix_patch as rules  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "aix"
NOW = float(calendar.timegm((2026, 12, 1, 2, 0, 0)))  # as test_judge_fixtures
DAY = 86400.0
CASES = sorted(path for folder in p.PARSERS for path in (FIXTURES / folder).glob("*.raw"))


@pytest.fixture(autouse=True)
def every_finding_has_chinese(monkeypatch):
    return check_every_finding(monkeypatch, rules)


def body(path):
    text = path.read_text()
    return text.split("\n", 1)[1] if "\n" in text else ""


def judge(raw, thresholds=None, now=NOW):
    findings = rules.evaluate(p.parse_sources(raw), thresholds, {"now": now})
    for finding in findings:
        validate_finding(finding)
    return findings


def of(findings, check_id):
    return [f for f in findings if f["check_id"] == check_id]


def statuses(findings, check_id):
    return sorted(f["status"] for f in of(findings, check_id))


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_findings(path):
    expected = yaml.safe_load(path.with_suffix(".yml").read_text())
    findings = judge({path.parent.name: body(path)})
    want = sorted(map(tuple, expected["findings"]))
    check_id = want[0][0]
    assert sorted((f["check_id"], f["status"]) for f in of(findings, check_id)) == want
    if "error" in expected:
        assert all(f.get("cause") == "not_understood" for f in of(findings, check_id))


def test_every_check_not_collected_is_unknown():
    findings = judge({})
    assert sorted(f["check_id"] for f in findings) == sorted(rules.CHECKS)
    assert {f["status"] for f in findings} == {"unknown"}
    assert {f["cause"] for f in findings} == {"incomplete"}


def test_collector_failure_keeps_its_cause():
    failed = {"error": msg("reason.not_collected"), "cause": "tool_missing"}
    [finding] = of(judge({"emgr_l": failed}), rules.IFIXES)
    assert (finding["status"], finding["cause"]) == ("unknown", "tool_missing")


# --------------------------------------------------------------------------- oslevel


def test_oslevel_fails_and_passes_by_the_table():
    ok = of(judge({"oslevel_s": "7300-03-01-2520\n"}), rules.OSLEVEL)[0]
    assert ok["status"] == "ok" and ok["values"]["end_of_service"] == "2027-12-31"
    soon = of(judge({"oslevel_s": "7300-03-01-2520\n"},
                    now=calendar.timegm((2027, 10, 1, 0, 0, 0))), rules.OSLEVEL)[0]
    assert soon["status"] == "warning" and soon["values"]["days_to_end"] == 91
    ended = of(judge({"oslevel_s": "7100-05-10-2220\n"}), rules.OSLEVEL)[0]
    assert ended["status"] == "warning" and ended["values"]["days_to_end"] < 0
    assert "ended" in ended["summary"]


def test_oslevel_warning_zero_disables_only_the_early_warning():
    off = {"oslevel": {"warning": 0}}
    soon = of(judge({"oslevel_s": "7300-03-01-2520\n"}, off,
                    now=calendar.timegm((2027, 10, 1, 0, 0, 0))), rules.OSLEVEL)[0]
    assert soon["status"] == "ok"
    ended = of(judge({"oslevel_s": "7300-02-02-2420\n"}, off), rules.OSLEVEL)[0]
    assert ended["status"] == "warning"


def test_oslevel_not_in_the_table_or_without_time_is_unknown():
    [finding] = of(judge({"oslevel_s": "7200-05-06-2320\n"}), rules.OSLEVEL)
    assert finding["status"] == "unknown" and finding["cause"] == "incomplete"
    [finding] = of(judge({"oslevel_s": "7400-00-01-2650\n"}), rules.OSLEVEL)
    assert finding["status"] == "unknown"
    [finding] = of(judge({"oslevel_s": "7300-03-01-2520\n"}, now=None), rules.OSLEVEL)
    assert finding["status"] == "unknown"


def test_table_rows_are_dates():
    for (version, tl), day in rules.TL_END_OF_SERVICE.items():
        assert version in ("7.1", "7.2", "7.3") and isinstance(tl, int)
        calendar.timegm(tuple(int(x) for x in day.split("-")) + (0, 0, 0))


# --------------------------------------------------------------------------- instfix


def test_ml_fails_then_passes():
    bad = "    Not all filesets for 7200-05_AIX_ML were found.\n"
    good = "    All filesets for 7200-05_AIX_ML were found.\n"
    [finding] = of(judge({"instfix_i": bad}), rules.ML)
    assert finding["status"] == "warning" and "7200-05_AIX_ML" in finding["summary"]
    [finding] = of(judge({"instfix_i": good}), rules.ML)
    assert finding["status"] == "ok"


def test_ml_an_incomplete_apar_is_counted_not_judged():
    text = ("    Not all filesets for IV94723 were found.\n"
            "    All filesets for 7200-05_AIX_ML were found.\n")
    [finding] = of(judge({"instfix_i": text}), rules.ML)
    assert finding["status"] == "ok" and finding["values"]["fixes_incomplete"] == 1


# --------------------------------------------------------------------------- lslpp


def lslpp(*rows):
    return "Path: /usr/lib/objrepos\n" + "".join(
        f"  {name:<26} {level:>10}  {state:<9}  Some fileset\n" for name, level, state in rows)


def test_filesets_each_state():
    assert statuses(judge({"lslpp_l": lslpp(("bos.rte", "7.2.5.200", "COMMITTED"))}),
                    rules.FILESETS) == ["ok"]
    assert statuses(judge({"lslpp_l": lslpp(("bos.rte", "7.2.5.200", "BROKEN"))}),
                    rules.FILESETS) == ["critical"]
    assert statuses(judge({"lslpp_l": lslpp(("bos.rte", "7.2.5.200", "APPLYING"))}),
                    rules.FILESETS) == ["warning"]
    assert statuses(judge({"lslpp_l": lslpp(("bos.rte", "7.2.5.200", "REJECTING"))}),
                    rules.FILESETS) == ["warning"]
    assert statuses(judge({"lslpp_l": lslpp(("bos.rte", "7.2.5.201", "APPLIED"))}),
                    rules.FILESETS) == ["warning"]
    assert statuses(judge({"lslpp_l": lslpp(("bos.INed", "7.2.0.0", "OBSOLETE"))}),
                    rules.FILESETS) == ["ok"]


def test_applied_threshold_per_site():
    text = lslpp(("bos.rte", "7.2.5.201", "APPLIED"), ("bos.net", "7.2.5.201", "APPLIED"))
    assert statuses(judge({"lslpp_l": text}, {"filesets": {"applied_warning": 3}}),
                    rules.FILESETS) == ["ok"]
    [finding] = of(judge({"lslpp_l": text}, {"filesets": {"applied_warning": 0}}),
                   rules.FILESETS)
    assert finding["status"] == "ok" and finding["values"]["applied"] == 2
    assert statuses(judge({"lslpp_l": text}, {"filesets": {"applied_warning": 2}}),
                    rules.FILESETS) == ["warning"]


# --------------------------------------------------------------------------- lppchk


def test_lppchk_fails_and_passes():
    assert statuses(judge({"lppchk_v": ""}), rules.LPPCHK) == ["ok"]
    text = body(FIXTURES / "lppchk_v" / "aix73_requisite.raw")
    [finding] = of(judge({"lppchk_v": text}), rules.LPPCHK)
    assert finding["status"] == "warning" and "bos.rte.security" in finding["summary"]
    text = body(FIXTURES / "lppchk_v" / "aix71_broken.raw")
    assert statuses(judge({"lppchk_v": text}), rules.LPPCHK) == ["critical"]


# --------------------------------------------------------------------------- emgr


def emgr(*rows):
    head = ("ID  STATE LABEL      INSTALL TIME      UPDATED BY ABSTRACT\n"
            "=== ===== ========== ================= ========== =================\n")
    return head + "".join(f"{i:<3} {state:^5} {label:<10} 11/28/26 23:40:05            fix\n"
                          for i, (state, label) in enumerate(rows, 1))


@pytest.mark.parametrize("state,status", [
    ("S", "ok"), ("M", "ok"), ("P", "ok"), ("SP", "ok"),
    ("*Q*", "warning"), ("QP", "warning"), ("QN", "warning"), ("RQ", "warning"),
    ("B", "critical"), ("I", "warning"), ("R", "warning"), ("U", "warning"),
    ("T", "warning"), ("N", "warning"), ("SN", "warning"), ("X", "unknown")])
def test_ifix_states(state, status):
    findings = of(judge({"emgr_l": emgr((state, "IJ52118s3a"))}), rules.IFIXES)
    assert [f["status"] for f in findings] == [status]
    if status == "unknown":
        assert findings[0]["cause"] == "not_understood"


def test_ifix_reboot_needed_then_done():
    [finding] = of(judge({"emgr_l": emgr(("S", "IJ50934s2a"), ("*Q*", "IJ52118s3a"))}),
                   rules.IFIXES)
    assert finding["status"] == "warning" and "IJ52118s3a (*Q*)" in finding["summary"]
    assert "IJ50934s2a" not in finding["summary"]
    [finding] = of(judge({"emgr_l": emgr(("S", "IJ50934s2a"), ("S", "IJ52118s3a"))}),
                   rules.IFIXES)
    assert finding["status"] == "ok"


def test_ifix_broken_and_reboot_are_both_reported():
    findings = of(judge({"emgr_l": emgr(("B", "IJ1"), ("*Q*", "IJ2"))}), rules.IFIXES)
    assert [f["status"] for f in findings] == ["critical", "warning"]


def test_no_efix_data_is_ok():
    assert statuses(judge({"emgr_l": "There is no efix data on this system.\n"}),
                    rules.IFIXES) == ["ok"]


def test_thresholds_are_the_catalogues():
    assert catalogue.merge_thresholds("aix_patch") == {
        "oslevel": {"warning": 180}, "filesets": {"applied_warning": 1}}
    assert {c.id for c in catalogue.checks_for("aix", ["aix_patch"])} == set(rules.CHECKS)


def test_ml_service_packs_only_are_judged():
    text = "    Not all filesets for 72-05-062320_SP were found.\n"
    assert statuses(judge({"instfix_i": text}), rules.ML) == ["warning"]
