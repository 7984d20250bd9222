"""The findings schema (plugins/module_utils/weibao_inspection/findings.py)."""

import re

import pytest
from ansible.module_utils.weibao_inspection.findings import (
    MAX_EVIDENCE_LINES,
    FindingError,
    bound_evidence,
    judge,
    make_finding,
    unknown,
    validate_finding,
    worst,
)


def good(**kw):
    base = {"check_id": "system.filesystem_usage", "host": "db01", "component": "/var",
            "status": "critical", "summary": "/var is 96% full", "evidence": ["line"],
            "recommendation": "Free space.", "values": {"used_pct": 96.2},
            "thresholds": {"warning": 85, "critical": 95}}
    base.update(kw)
    return base


def test_a_good_finding_validates():
    assert validate_finding(good()) == good()


@pytest.mark.parametrize(("change", "field"), [
    ({"check_id": "Filesystem"}, "finding.check_id"),
    ({"check_id": "system"}, "finding.check_id"),
    ({"status": "fine"}, "finding.status"),
    ({"summary": ""}, "finding.summary"),
    ({"summary": "two\nlines"}, "finding.summary"),
    ({"evidence": "not a list"}, "finding.evidence"),
    ({"evidence": ["x"] * (MAX_EVIDENCE_LINES + 5)}, "finding.evidence"),
    ({"values": {"nested": {"a": 1}}}, "finding.values.nested"),
    ({"thresholds": [85]}, "finding.thresholds"),
    ({"recommendation": ""}, "finding.recommendation"),
    ({"host": None}, "finding.host"),
])
def test_each_broken_field_is_named(change, field):
    with pytest.raises(FindingError, match=field.replace(".", r"\.")):
        validate_finding(good(**change))


def test_missing_and_unknown_fields():
    broken = good()
    del broken["values"]
    with pytest.raises(FindingError, match="missing field"):
        validate_finding(broken)
    with pytest.raises(FindingError, match="unknown field"):
        validate_finding(good(extra=1))


def test_unknown_needs_no_recommendation_but_warning_does():
    assert validate_finding(good(status="unknown", recommendation=""))["status"] == "unknown"
    with pytest.raises(FindingError):
        make_finding("system.load", "warning", "high load")


def test_unknown_helper_is_never_ok():
    finding = unknown("system.time_sync", "timedatectl: permission denied")
    assert finding["status"] == "unknown"
    assert "permission denied" in finding["summary"]


def test_evidence_is_bounded_and_secrets_masked():
    lines = [f"line {i}" for i in range(100)] + ["password=hunter2"]
    out = bound_evidence(lines)
    assert len(out) == MAX_EVIDENCE_LINES + 1
    assert out[-1] == "... (81 more lines not shown)"
    masked = bound_evidence("snmp community public\nPASSWORD: s3cret\ntoken=abc def")
    assert masked == ["snmp community ********", "PASSWORD: ********", "token=******** def"]
    assert all("s3cret" not in line and "abc" not in line for line in masked)
    assert len(bound_evidence(["x" * 2000])[0]) == 500


@pytest.mark.parametrize(("value", "expected"), [
    (84.9, "ok"), (85, "warning"), (95, "critical"), (None, "unknown")])
def test_judge_higher_is_worse(value, expected):
    assert judge(value, 85, 95) == expected


def test_judge_lower_is_worse_and_disabled_levels():
    assert judge(5, 10, 2, higher_is_worse=False) == "warning"
    assert judge(1, 10, 2, higher_is_worse=False) == "critical"
    assert judge(99, None, None) == "ok"


def test_worst_order():
    assert worst([]) == "ok"
    assert worst(["ok", "unknown", "warning"]) == "warning"
    assert worst(["warning", "critical", "unknown"]) == "critical"
    assert worst(["ok", "unknown"]) == "unknown"


# ----------------------------------------------------------------------------- translations


def test_a_finding_carries_its_chinese_text_beside_the_english():
    f = make_finding("system.load", "warning", "Load 3.0 per CPU", recommendation="Find it.",
                     summary_zh="每个 CPU 负载 3.0", recommendation_zh="找出原因。")
    assert f["summary"] == "Load 3.0 per CPU"
    assert f["translations"] == {"zh-CN": {"summary": "每个 CPU 负载 3.0",
                                           "recommendation": "找出原因。"}}
    assert make_finding("system.load", "ok", "fine")["translations"] == {}


def test_an_unknown_says_why_in_both_languages():
    f = unknown("system.load", "Cannot read /proc/loadavg", reason_zh="无法读取 /proc/loadavg")
    assert f["translations"]["zh-CN"]["summary"] == "无法读取 /proc/loadavg"
    assert f["translations"]["zh-CN"]["recommendation"]


def test_translations_may_be_absent_from_older_findings():
    assert "translations" not in good()
    validate_finding(good())


@pytest.mark.parametrize(("translations", "field"), [
    ("zh", "finding.translations"),
    ({"fr": {"summary": "x"}}, "finding.translations"),
    ({"zh-CN": ["x"]}, "finding.translations.zh-CN"),
    ({"zh-CN": {"title": "x"}}, "finding.translations.zh-CN"),
    ({"zh-CN": {"summary": ""}}, "finding.translations.zh-CN.summary"),
    ({"zh-CN": {"summary": "两\n行"}}, "finding.translations.zh-CN.summary"),
    ({"zh-CN": {"recommendation": 3}}, "finding.translations.zh-CN.recommendation"),
])
def test_bad_translations_are_refused_naming_the_field(translations, field):
    with pytest.raises(FindingError, match=f"^{re.escape(field)}"):
        validate_finding(good(translations=translations))
