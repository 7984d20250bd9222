"""Rules of the patch-level inspection (rules/patch.py) and the collector module's plumbing.

Every check is driven to warning/critical and to unknown here; data comes from the parser
fixtures where one fits, so rules are tested on what real outputs parse to.
"""

from __future__ import annotations

import calendar
import importlib.util
import re
import time
from pathlib import Path

import pytest
import yaml
from ansible.module_utils.weibao_inspection import catalogue, registry
from ansible.module_utils.weibao_inspection.findings import make_finding, validate_finding
from ansible.module_utils.weibao_inspection.messages import msg, render
from ansible.module_utils.weibao_inspection.parsers.linux_patch import (
    parse_apt_simulation,
    parse_check_update,
    parse_dpkg_kernels,
    parse_os_release,
    parse_rpm_kernels,
    parse_sources,
    parse_updateinfo_list,
)
from ansible.module_utils.weibao_inspection.rules import patch as patch_rules
from ansible.module_utils.weibao_inspection.rules.patch import (
    CHECK_IDS,
    check_last_update,
    check_os_release,
    check_package_lists_age,
    check_pending_updates,
    check_reboot_pending,
    check_security_updates,
    evaluate,
    merged_thresholds,
    os_end_of_support,
)
from chinese_text import assert_chinese, check_every_finding

ROOT = Path(__file__).resolve().parents[2]
COLLECTORS = ROOT / "plugins" / "module_utils" / "weibao_inspection" / "collectors"
FIXTURES = Path(__file__).parent / "fixtures" / "linux"
FOLDERS = {
    "os_release": "cat_etc_os_release",
    "apt_get_s_dist_upgrade": "apt_get_s_dist_upgrade",
    "apt_history": "cat_var_log_apt_history_log",
    "dpkg_query_kernels": "dpkg_query_W_f_Package_Version_Status_n_linux_image",
    "dnf_check_update": "dnf_check_update",
    "dnf_updateinfo": "dnf_updateinfo_list",
    "dnf_history": "dnf_history_list",
    "rpm_qa_last": "rpm_qa_last",
    "rpm_q_kernel": "rpm_q_kernel",
}
DAY = 86400.0
NOW = calendar.timegm((2026, 11, 25, 6, 0, 0, 0, 0, 0))
FRESH_LISTS = {"fetched": True, "index_files": 6, "newest_mtime": NOW - 3600,
               "location": "/var/lib/apt/lists"}
NO_LISTS = {"fetched": False, "index_files": 0, "newest_mtime": None,
            "location": "/var/lib/apt/lists"}
BROKEN = {"error": msg("reason.text", text="simulated failure"),
          "evidence": ["E: something went wrong"], "cause": "source_unreadable"}
CONTEXT = {"now": NOW}


def fixture(folder, name):
    text = (FIXTURES / FOLDERS[folder] / f"{name}.raw").read_text(encoding="utf-8")
    return text.partition("\n")[2]


def apt(name):
    return parse_apt_simulation(fixture("apt_get_s_dist_upgrade", name))


def dnf_updates(name, rc=100):
    return parse_check_update(fixture("dnf_check_update", name), rc)


def advisories(name):
    return parse_updateinfo_list(fixture("dnf_updateinfo", name))


def valid(finding, check_id, status):
    validate_finding(finding)
    assert finding["check_id"] == check_id
    assert finding["status"] == status, finding
    return finding


# ------------------------------------------------------------------------------------------
# Chinese text: every finding any test in this file produces is checked (docs/findings.md)
# ------------------------------------------------------------------------------------------



@pytest.fixture(autouse=True)
def produced_findings(monkeypatch):
    """Every finding the patch rules build while a test runs is checked for its zh-CN text
    (tests/unit/chinese_text.py): a rule branch without Chinese text fails whichever test
    reaches it. Returns the findings checked."""
    return check_every_finding(monkeypatch, patch_rules)


def test_chinese_text_check_catches_a_missing_translation():
    with pytest.raises(AssertionError, match="no zh-CN summary"):
        assert_chinese(make_finding("patch.pending_updates", "ok", "No software upgrade needed"))
    with pytest.raises(AssertionError, match="no zh-CN recommendation"):
        assert_chinese(make_finding("patch.pending_updates", "warning", "3 updates",
                                    recommendation="Update.", summary_zh="有 3 个更新"))
    with pytest.raises(AssertionError, match=r"numbers of the English summary missing.*14"):
        assert_chinese(make_finding("patch.package_lists_age", "ok", "Lists are 14 days old",
                                    summary_zh="软件包列表较新"))
    with pytest.raises(AssertionError, match="has no Chinese character"):
        assert_chinese(make_finding("patch.reboot_pending", "ok", "No reboot pending",
                                    summary_zh="No reboot pending"))
    with pytest.raises(AssertionError, match="English phrase"):
        assert_chinese(make_finding("patch.reboot_pending", "warning", "Reboot pending: x",
                                    recommendation="Reboot.", summary_zh="需要重启：x",
                                    recommendation_zh="重启：the system asks for a reboot"))


def test_every_branch_of_every_check_is_recorded(produced_findings):
    """The recorder sees the findings (and so checks them): one input per check here."""
    data = {"tool": "apt", "os_release": BROKEN, "updates": BROKEN, "lists": BROKEN,
            "kernels": BROKEN, "last_update": BROKEN}
    findings = evaluate(data, None, CONTEXT)
    assert len(produced_findings) == len(findings) == len(CHECK_IDS)
    assert all(f["translations"]["zh-CN"]["summary"] for f in findings)
    assert {f["cause"] for f in findings} == {"source_unreadable"}


SOURCES = [COLLECTORS / "linux_patch.py",
           ROOT / "plugins" / "module_utils" / "weibao_inspection" / "rules" / "patch.py",
           ROOT / "plugins" / "module_utils" / "weibao_inspection" / "parsers" / "linux_patch.py"]
KEY_RE = re.compile(r"""msg\(\s*["']([a-z_.A-Z]+)["']""")
PREFIX_RE = re.compile(r"""msg\(\s*["']([a-z_.]+\.)["']\s*\+""")


def test_every_message_key_the_area_uses_is_in_the_catalogue():
    used = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        used |= {k for k in KEY_RE.findall(text) if not k.endswith(".")}
        # keys built from a prefix: every key of the catalogue under it is a candidate
        for prefix in PREFIX_RE.findall(text):
            assert any(k.startswith(prefix) for k in catalogue.MESSAGES), prefix
    assert len(used) > 60
    missing = sorted(k for k in used if k not in catalogue.MESSAGES)
    assert not missing, missing
    # the keys built at run time: hints per package manager, severities, last update kinds
    for kind in ("upgrade", "security", "refresh"):
        for tool in ("apt", "dnf", "yum", "rpm"):
            assert f"patch.hint.{kind}.{tool}" in catalogue.MESSAGES
    for severity in ("critical", "important", "moderate", "low", "unknown"):
        assert f"patch.severity.{severity}" in catalogue.MESSAGES
    for key in ("patch.security_updates.apply_now", "patch.security_updates.apply_next",
                "patch.last_update.upgrade", "patch.last_update.any_change"):
        assert key in catalogue.MESSAGES


def test_section_errors_keep_their_reason_and_cause(produced_findings):
    reason = msg("reason.not_installed", command="dnf")
    section = {"error": reason, "evidence": [], "cause": "tool_missing"}
    finding = valid(check_pending_updates("dnf", section, None), "patch.pending_updates",
                    "unknown")
    assert finding["cause"] == "tool_missing"
    assert finding["summary"] == "Could not tell whether software needs upgrading: dnf is not " \
        "installed"
    assert finding["translations"]["zh-CN"]["summary"] == \
        "无法判断软件是否需要升级：未安装 dnf 命令"
    assert finding["message"]["summary"]["params"]["reason"] == reason


# ------------------------------------------------------------------------------------------
# thresholds
# ------------------------------------------------------------------------------------------

def test_thresholds_defaults_and_overrides():
    defaults = merged_thresholds()
    assert defaults == dict(catalogue.defaults("patch"),
                            security_updates=dict(catalogue.defaults("patch")["security_updates"],
                                                  critical_severities=["Critical"]))
    assert defaults["pending_updates"] == {"warning": 1}
    assert defaults["package_lists_age"] == {"warning": 14, "stale": 14}
    merged = merged_thresholds({"security_updates": {"critical": "5",
                                                     "critical_severities": ["critical",
                                                                             "Important"]},
                                "pending_updates": {"warning": 0},
                                "package_lists_age": {"warning": None}})
    assert merged["security_updates"] == {"warning": 1, "critical": 5,
                                          "critical_severities": ["Critical", "Important"]}
    assert merged["pending_updates"]["warning"] is None          # 0 disables
    assert merged["package_lists_age"]["warning"] is None        # null disables
    assert merged_thresholds({"security_updates": {"critical_severities": ""}})[
        "security_updates"]["critical_severities"] == []


@pytest.mark.parametrize("bad, message", [
    ({"pending": {"warning": 1}}, "unknown check 'pending'"),
    ({"pending_updates": {"critical": 1}}, r"pending_updates\.critical: unknown level"),
    ({"pending_updates": {"warning": -1}}, "negative"),
    ({"pending_updates": {"warning": "many"}}, "is not a number"),
    ({"pending_updates": {"warning": True}}, "is not a number"),
    ({"security_updates": {"critical_severities": "Severe"}}, "unknown severity Severe"),
])
def test_thresholds_refused(bad, message):
    with pytest.raises(catalogue.CatalogueError, match=message):
        merged_thresholds(bad)


# ------------------------------------------------------------------------------------------
# patch.os_release
# ------------------------------------------------------------------------------------------

def test_os_release_ok_with_values():
    osr = parse_os_release(fixture("os_release", "debian12_captured"))
    finding = valid(check_os_release(osr, NOW), "patch.os_release", "ok")
    assert finding["summary"] == ('Operating system: "Debian GNU/Linux 12 (bookworm)"; free '
                                  "security support until 2028-06-30 (583 days left)")
    assert finding["translations"]["zh-CN"]["summary"] == (
        "操作系统：“Debian GNU/Linux 12 (bookworm)”；免费安全支持至 2028-06-30（还剩 583 天）")
    assert finding["values"]["name"] == "Debian GNU/Linux"
    assert finding["values"]["version"] == "12"
    assert finding["values"]["eol"] == "2028-06-30"
    assert finding["values"]["days_to_eol"] == 583


def test_os_release_past_end_of_support_warns():
    osr = parse_os_release(fixture("os_release", "centos7"))
    finding = valid(check_os_release(osr, NOW), "patch.os_release", "warning")
    assert "ended on 2024-06-30" in finding["summary"]
    assert finding["values"]["days_to_eol"] < 0
    assert finding["recommendation"]


def test_os_release_end_of_support_soon_warns():
    osr = parse_os_release(fixture("os_release", "debian12_captured"))
    soon = calendar.timegm((2028, 3, 1, 0, 0, 0, 0, 0, 0))
    finding = valid(check_os_release(osr, soon), "patch.os_release", "warning")
    assert "ends on 2028-06-30" in finding["summary"]
    valid(check_os_release(osr, soon, {"os_release": {"warning": 30}}), "patch.os_release", "ok")


@pytest.mark.parametrize("os_id, version_id, eol", [
    ("debian", "11", "2026-08-31"),
    ("debian", "12", "2028-06-30"),
    ("debian", "13", "2030-06-30"),
    ("ubuntu", "20.04", "2025-05-31"),
    ("ubuntu", "22.04", "2027-04-30"),
    ("ubuntu", "24.04", "2029-04-30"),
    ("rhel", "8.10", "2029-05-31"),
    ("rhel", "9.3", "2032-05-31"),
    ("rhel", "10.0", "2035-05-31"),
    ("rocky", "8.9", "2029-05-31"),
    ("rocky", "9.4", "2032-05-31"),
    ("rocky", "10.0", "2035-05-31"),
    ("almalinux", "8.10", "2029-03-01"),
    ("almalinux", "9.5", "2032-05-31"),
    ("almalinux", "10.0", "2035-05-31"),
    ("ol", "8.9", "2029-07-31"),
    ("ol", "9.3", "2032-06-30"),
    ("centos", "7", "2024-06-30"),
])
def test_os_release_table_covers_current_releases(os_id, version_id, eol):
    assert os_end_of_support(os_id, version_id) == eol
    osr = {"name": os_id, "id": os_id, "version_id": version_id}
    days = (calendar.timegm(time.strptime(eol, "%Y-%m-%d")) + 86399 - NOW) // 86400
    status = "warning" if days <= 180 else "ok"
    finding = valid(check_os_release(osr, NOW), "patch.os_release", status)
    assert finding["values"]["eol"] == eol
    assert eol in finding["summary"]


def test_os_release_ubuntu2204_end_of_support_soon():
    osr = parse_os_release(fixture("os_release", "ubuntu2204"))
    finding = valid(check_os_release(osr, NOW), "patch.os_release", "warning")
    assert finding["summary"] == ('Operating system: "Ubuntu 22.04.4 LTS"; free security '
                                  "support ends on 2027-04-30 (156 days)")
    assert finding["translations"]["zh-CN"]["summary"] == (
        "操作系统：“Ubuntu 22.04.4 LTS”；免费安全支持将于 2027-04-30 终止（还剩 156 天）")


@pytest.mark.parametrize("osr", [
    {"name": "Ubuntu", "id": "ubuntu", "version_id": "23.10", "pretty_name": "Ubuntu 23.10"},
    {"name": "SLES", "id": "sles", "version_id": "15.6",
     "pretty_name": "SUSE Linux Enterprise Server 15 SP6"},
    {"name": "Kylin Linux Advanced Server", "id": "kylin", "version_id": "V10",
     "pretty_name": "Kylin Linux Advanced Server V10 (Halberd)"},
    {"name": "Debian GNU/Linux", "id": "debian", "version_id": "",
     "pretty_name": "Debian GNU/Linux trixie/sid"},
    {"name": "Arch Linux", "id": "arch", "pretty_name": "Arch Linux"},
    {"name": "", "id": "", "version_id": "", "pretty_name": "Mystery OS 1"},
])
def test_os_release_not_in_the_table_is_unknown_never_ok(osr):
    """A release weibao has no end-of-support date for is not judged ok."""
    finding = valid(check_os_release(osr, NOW), "patch.os_release", "unknown")
    assert finding["values"]["eol"] is None
    assert finding["values"]["pretty_name"] == osr["pretty_name"]   # the report still names it
    assert "end of security support is not known to weibao" in finding["summary"]
    assert "vendor's lifecycle page" in finding["summary"]
    assert osr["pretty_name"] in finding["summary"]
    zh = finding["translations"]["zh-CN"]
    assert "厂商的生命周期页面" in zh["summary"] and osr["pretty_name"] in zh["summary"]
    assert "OS_EOL" in finding["recommendation"] and "OS_EOL" in zh["recommendation"]
    assert os_end_of_support(osr["id"], osr.get("version_id")) is None


def test_os_release_without_inspection_time_is_unknown():
    osr = parse_os_release(fixture("os_release", "rhel9"))
    finding = valid(check_os_release(osr, None), "patch.os_release", "unknown")
    assert "2032-05-31" in finding["summary"]


def test_os_release_unreadable_is_unknown():
    valid(check_os_release({"error": "/etc/os-release: No such file or directory"}, NOW),
          "patch.os_release", "unknown")
    valid(check_os_release(None, NOW), "patch.os_release", "unknown")


FRESH_RPM = {"fetched": True, "index_files": 12, "newest_mtime": NOW - 7200,
             "location": "/var/cache/dnf"}


def pending(tool, updates, lists, *args, **kwargs):
    """check_pending_updates at NOW, on fresh dnf metadata where a dnf test gives none."""
    kwargs.setdefault("now", NOW)
    return check_pending_updates(tool, updates, FRESH_RPM if lists is None else lists, *args,
                                 **kwargs)


def security(tool, updates, lists, *args, **kwargs):
    kwargs.setdefault("now", NOW)
    return check_security_updates(tool, updates, FRESH_RPM if lists is None else lists, *args,
                                  **kwargs)


# ------------------------------------------------------------------------------------------
# patch.pending_updates
# ------------------------------------------------------------------------------------------

def test_pending_updates_captured_debian12_needs_upgrade():
    finding = valid(pending("apt", apt("debian12_captured"), FRESH_LISTS),
                    "patch.pending_updates", "warning")
    assert finding["summary"] == ("Software needs upgrading: 134 package updates pending "
                                  "(81 with security updates)")
    assert finding["values"]["needs_upgrade"] is True
    assert finding["values"]["pending"] == 134
    assert len(finding["evidence"]) == 21          # 20 packages + "... and 114 more"
    assert "apt-get update && apt-get dist-upgrade" in finding["recommendation"]


def test_pending_updates_none_is_a_clear_no():
    updates = {"packages": [], "pending_count": 0, "security_count": 0, "held_back": 1,
               "upgraded": 0, "newly_installed": 0, "removed": 0}
    finding = valid(pending("apt", updates, FRESH_LISTS),
                    "patch.pending_updates", "ok")
    assert finding["summary"].startswith("No software upgrade needed")
    assert "1 package held back" in finding["summary"]
    assert finding["values"]["needs_upgrade"] is False


def test_pending_updates_zero_without_lists_is_unknown():
    """apt answers '0 upgraded' when its lists were never fetched: that proves nothing."""
    finding = valid(pending("apt", apt("debian12_captured_no_lists"), NO_LISTS),
                    "patch.pending_updates", "unknown")
    assert "never been fetched" in finding["summary"]
    valid(pending("apt", apt("debian12_captured_no_lists"), BROKEN),
          "patch.pending_updates", "unknown")


def test_pending_updates_failed_command_is_unknown():
    finding = valid(pending("dnf", BROKEN, None), "patch.pending_updates",
                    "unknown")
    assert "simulated failure" in finding["summary"]
    assert finding["evidence"] == ["E: something went wrong"]


def test_pending_updates_dnf_and_threshold():
    updates = dnf_updates("rhel9")
    finding = valid(pending("dnf", updates, None, advisories("rhel9")),
                    "patch.pending_updates", "warning")
    assert finding["values"]["security"] == 7
    assert "dnf upgrade" in finding["recommendation"]
    assert finding["evidence"][0] == ("NetworkManager.x86_64 1:1.44.0-4.el9_3 "
                                      "rhel-9-for-x86_64-baseos-rpms")
    valid(pending("dnf", updates, None, advisories("rhel9"),
                                {"pending_updates": {"warning": 10}}),
          "patch.pending_updates", "ok")


# ------------------------------------------------------------------------------------------
# patch.security_updates
# ------------------------------------------------------------------------------------------

def test_security_apt_many_is_critical():
    finding = valid(security("apt", apt("debian12_captured"), FRESH_LISTS),
                    "patch.security_updates", "critical")
    assert finding["values"]["security_packages"] == 81
    assert all("-security" in line or line.startswith("...") for line in finding["evidence"])


def test_security_apt_few_is_warning():
    finding = valid(security("apt", apt("debian12_remove_downgrade"), FRESH_LISTS),
                    "patch.security_updates", "warning")
    assert finding["values"]["security_packages"] == 2


def test_security_apt_unknown_without_lists_or_output():
    valid(security("apt", apt("debian12_captured_no_lists"), NO_LISTS),
          "patch.security_updates", "unknown")
    valid(security("apt", BROKEN, FRESH_LISTS), "patch.security_updates",
          "unknown")


def test_security_dnf_important_is_warning_by_default():
    finding = valid(security("dnf", dnf_updates("rhel9"), None,
                                           advisories("rhel9")),
                    "patch.security_updates", "warning")
    values = finding["values"]
    assert values["security_packages"] == 7
    assert values["security_advisories"] == 2
    assert values["advisories_important"] == 1 and values["advisories_moderate"] == 1
    assert values["updates_without_advisory"] == 0
    assert "2 advisories (1 Important, 1 Moderate)" in finding["summary"]


def test_security_dnf_severity_makes_it_critical():
    data = advisories("rhel8_critical")
    updates = dnf_updates("rhel8_obsoletes")
    finding = valid(security("dnf", updates, None, data),
                    "patch.security_updates", "critical")
    assert "Critical severity present" in finding["summary"]
    # Important made critical by policy
    valid(security("dnf", dnf_updates("rhel9"), None, advisories("rhel9"),
                                 {"security_updates": {"critical_severities":
                                                       "Critical,Important"}}),
          "patch.security_updates", "critical")
    # severity rule disabled: counts decide (2 packages < 10)
    valid(security("dnf", updates, None, data,
                                 {"security_updates": {"critical_severities": ""}}),
          "patch.security_updates", "warning")


def test_security_centos_without_advisory_data_is_unknown():
    finding = valid(security("yum", dnf_updates("centos7_yum_wrapped"), None,
                                           advisories("centos7_no_updateinfo")),
                    "patch.security_updates", "unknown")
    assert "publish no advisory" in finding["summary"]


def test_security_dnf_failures_are_unknown():
    valid(security("dnf", dnf_updates("rhel9"), None, BROKEN),
          "patch.security_updates", "unknown")
    valid(security("dnf", BROKEN, None, advisories("empty")),
          "patch.security_updates", "unknown")


def test_security_dnf_nothing_pending_is_ok():
    finding = valid(security("dnf", dnf_updates("none", rc=0), None,
                                           advisories("empty")),
                    "patch.security_updates", "ok")
    assert finding["summary"] == "No pending security updates"


def test_security_counts_packages_without_advisory():
    updates = dnf_updates("rhel9")
    only_kernel = {"advisories": [a for a in advisories("rhel9")["advisories"]
                                  if a["name"] == "kernel"]}
    finding = valid(security("dnf", updates, None, only_kernel),
                    "patch.security_updates", "warning")
    assert finding["values"]["updates_without_advisory"] == 8
    assert "8 pending updates carry no advisory data" in finding["summary"]


# ------------------------------------------------------------------------------------------
# patch.package_lists_age
# ------------------------------------------------------------------------------------------

def test_lists_fresh_ok_old_warning():
    valid(check_package_lists_age("apt", FRESH_LISTS, NOW), "patch.package_lists_age", "ok")
    old = dict(FRESH_LISTS, newest_mtime=NOW - 30 * DAY)
    finding = valid(check_package_lists_age("apt", old, NOW), "patch.package_lists_age",
                    "warning")
    assert finding["values"]["age_days"] == 30.0
    assert "apt-get update" in finding["recommendation"]
    valid(check_package_lists_age("apt", old, NOW, {"package_lists_age": {"warning": 31}}),
          "patch.package_lists_age", "ok")
    valid(check_package_lists_age("apt", old, NOW, {"package_lists_age": {"warning": 0}}),
          "patch.package_lists_age", "ok")


def test_lists_never_fetched_warns_even_when_age_limit_disabled():
    finding = valid(check_package_lists_age("apt", NO_LISTS, NOW,
                                            {"package_lists_age": {"warning": 0}}),
                    "patch.package_lists_age", "warning")
    assert "never been fetched" in finding["summary"]
    rpm = {"fetched": False, "index_files": 0, "newest_mtime": None,
           "location": "/var/cache/dnf, /var/cache/yum"}
    finding = valid(check_package_lists_age("dnf", rpm, NOW), "patch.package_lists_age",
                    "warning")
    assert "dnf-makecache.timer" in finding["recommendation"]


def test_lists_unreadable_is_unknown():
    valid(check_package_lists_age("apt", BROKEN, NOW), "patch.package_lists_age", "unknown")


# ------------------------------------------------------------------------------------------
# patch.reboot_pending
# ------------------------------------------------------------------------------------------

def deb_kernels(name, running, uname_v=""):
    from ansible.module_utils.weibao_inspection.parsers.linux_patch import parse_running_build
    kind, build = parse_running_build(uname_v)
    return {"family": "deb", "installed": parse_dpkg_kernels(fixture("dpkg_query_kernels", name)),
            "running_release": running, "running_version": uname_v,
            "running_build_kind": kind, "running_build": build}


def rpm_kernels(name, running):
    return {"family": "rpm", "installed": parse_rpm_kernels(fixture("rpm_q_kernel", name)),
            "running_release": running, "running_version": "#1 SMP PREEMPT_DYNAMIC",
            "running_build_kind": None, "running_build": None}


def test_reboot_pending_older_running_kernel():
    finding = valid(check_reboot_pending(deb_kernels("debian12_two_kernels", "6.1.0-18-amd64")),
                    "patch.reboot_pending", "warning")
    assert "older than the newest installed 6.1.0-25-amd64" in finding["summary"]
    assert finding["values"]["newest_installed"] == "6.1.0-25-amd64"


def test_reboot_not_pending_on_newest_kernel():
    kernels = deb_kernels("debian12_two_kernels", "6.1.0-25-amd64",
                          "#1 SMP PREEMPT_DYNAMIC Debian 6.1.106-3 (2024-08-26)")
    finding = valid(check_reboot_pending(kernels, {"exists": False, "packages": []}),
                    "patch.reboot_pending", "ok")
    assert finding["values"]["running_kernel"] == "6.1.0-25-amd64"


def test_reboot_pending_debian_kernel_updated_in_place():
    kernels = deb_kernels("debian12_two_kernels", "6.1.0-25-amd64",
                          "#1 SMP PREEMPT_DYNAMIC Debian 6.1.106-1 (2024-08-01)")
    finding = valid(check_reboot_pending(kernels), "patch.reboot_pending", "warning")
    assert "updated in place to 6.1.106-3" in finding["summary"]


def test_reboot_pending_ubuntu_hwe_and_build():
    # GA kernel running, HWE 6.5 installed (the generic flavour's newest): reboot pending
    valid(check_reboot_pending(deb_kernels("ubuntu2204_hwe", "5.15.0-92-generic",
                                           "#102-Ubuntu SMP Wed Jan 10 09:33:48 UTC 2024")),
          "patch.reboot_pending", "warning")
    # running the HWE kernel, but an older build of it: updated in place
    finding = valid(check_reboot_pending(deb_kernels(
        "ubuntu2204_hwe", "6.5.0-14-generic", "#14~22.04.0-Ubuntu SMP PREEMPT_DYNAMIC")),
        "patch.reboot_pending", "warning")
    assert "build #14~22.04.0" in finding["summary"]
    valid(check_reboot_pending(deb_kernels(
        "ubuntu2204_hwe", "6.5.0-14-generic", "#14~22.04.1-Ubuntu SMP PREEMPT_DYNAMIC")),
        "patch.reboot_pending", "ok")


def test_reboot_pending_running_kernel_removed():
    finding = valid(check_reboot_pending(rpm_kernels("centos7", "3.10.0-1160.90.1.el7.x86_64")),
                    "patch.reboot_pending", "warning")
    assert "no longer installed" in finding["summary"]


def test_reboot_pending_rpm_and_uek_flavours():
    valid(check_reboot_pending(rpm_kernels("rhel9", "5.14.0-362.8.1.el9_3.x86_64")),
          "patch.reboot_pending", "warning")
    valid(check_reboot_pending(rpm_kernels("rhel9", "5.14.0-362.13.1.el9_3.x86_64")),
          "patch.reboot_pending", "ok")
    # the newest UEK is newer than the running UEK: pending
    valid(check_reboot_pending(rpm_kernels("ol8_uek", "5.15.0-200.131.27.el8uek.x86_64")),
          "patch.reboot_pending", "warning")
    # running the RHCK, the only one of its flavour: the newer UEK does not count
    valid(check_reboot_pending(rpm_kernels("ol8_uek", "4.18.0-513.9.1.el8_9.x86_64")),
          "patch.reboot_pending", "ok")


def test_reboot_required_flag_warns():
    flag = {"exists": True, "packages": ["linux-image-6.1.0-25-amd64", "libc6"]}
    kernels = deb_kernels("debian12_two_kernels", "6.1.0-25-amd64")
    finding = valid(check_reboot_pending(kernels, flag), "patch.reboot_pending", "warning")
    assert "reboot-required" in finding["summary"]
    valid(check_reboot_pending(BROKEN, flag), "patch.reboot_pending", "warning")
    valid(check_reboot_pending(deb_kernels("debian12_captured_none", "6.18.44-fc-v657"), flag),
          "patch.reboot_pending", "warning")


def test_reboot_pending_older_kernel_and_flag():
    flag = {"exists": True, "packages": ["linux-image-6.1.0-25-amd64"]}
    finding = valid(check_reboot_pending(deb_kernels("debian12_two_kernels", "6.1.0-18-amd64"),
                                         flag), "patch.reboot_pending", "warning")
    assert finding["summary"].endswith("; /run/reboot-required exists")
    assert finding["translations"]["zh-CN"]["summary"] == (
        "需要重启：正在运行的内核 6.1.0-18-amd64 比已安装的最新内核 6.1.0-25-amd64（6.1.106-3）旧；"
        "且 /run/reboot-required 存在")


def test_reboot_unknown_in_a_container_and_on_custom_kernels():
    finding = valid(check_reboot_pending(deb_kernels("debian12_captured_none", "6.18.44-fc-v657")),
                    "patch.reboot_pending", "unknown")
    assert "No kernel package is installed" in finding["summary"]
    finding = valid(check_reboot_pending(deb_kernels("debian12_two_kernels", "6.18.44-fc-v657")),
                    "patch.reboot_pending", "unknown")
    assert "does not come from an installed kernel package" in finding["summary"]
    valid(check_reboot_pending(BROKEN), "patch.reboot_pending", "unknown")


def test_reboot_unknown_on_unorderable_versions():
    kernels = {"family": "deb", "running_release": "6.1.0-9-amd64",
               "installed": [{"package": "linux-image-6.1.0-9-amd64", "version": "not a version",
                              "release": "6.1.0-9-amd64", "flavour": "amd64"},
                             {"package": "linux-image-6.1.0-10-amd64", "version": "6.1.38-1",
                              "release": "6.1.0-10-amd64", "flavour": "amd64"}]}
    finding = valid(check_reboot_pending(kernels), "patch.reboot_pending", "unknown")
    assert "Could not order" in finding["summary"]


# ------------------------------------------------------------------------------------------
# patch.last_update
# ------------------------------------------------------------------------------------------

def test_last_update_recent_ok_old_warning():
    recent = {"time": NOW - 10 * DAY, "local": "2026-11-15 06:00:00",
              "source": "/var/log/apt/history.log", "kind": "upgrade",
              "detail": "12 packages upgraded by: apt-get dist-upgrade"}
    valid(check_last_update(recent, NOW), "patch.last_update", "ok")
    old = dict(recent, time=NOW - 200 * DAY, local="2026-05-09 07:29:30")
    finding = valid(check_last_update(old, NOW), "patch.last_update", "warning")
    assert finding["values"]["age_days"] == 200.0
    assert "200 days" in finding["recommendation"]
    fallback = dict(old, kind="package change", source="rpm install times (...)")
    finding = valid(check_last_update(fallback, NOW), "patch.last_update", "warning")
    assert finding["summary"].startswith("Last package installation or update")


def test_last_update_without_history_is_unknown():
    source = msg("patch.source.no_upgrade_in", paths=["/var/log/apt/history.log"])
    finding = valid(check_last_update({"time": None, "source": source}, NOW),
                    "patch.last_update", "unknown")
    assert finding["cause"] == "incomplete"
    assert finding["translations"]["zh-CN"]["summary"] == (
        "没有找到已安装软件包更新的记录（/var/log/apt/history.log 中没有系统升级记录）")
    valid(check_last_update(BROKEN, NOW), "patch.last_update", "unknown")


# ------------------------------------------------------------------------------------------
# evaluate(): the module's data -> all findings
# ------------------------------------------------------------------------------------------

def test_evaluate_returns_one_valid_finding_per_check():
    data = {
        "provider": "apt", "tool": "apt", "now": NOW,
        "os_release": parse_os_release(fixture("os_release", "debian12_captured")),
        "updates": apt("debian12_captured"), "advisories": None, "lists": FRESH_LISTS,
        "kernels": deb_kernels("debian12_captured_none", "6.18.44-fc-v657"),
        "reboot_required": {"exists": False, "packages": []},
        "last_update": {"time": NOW - 519 * DAY, "local": "2025-06-24 14:36:25",
                        "source": "/var/log/apt/history.log", "kind": "upgrade"},
    }
    findings = evaluate(data, None, CONTEXT)
    assert [f["check_id"] for f in findings] == list(CHECK_IDS)
    for finding in findings:
        validate_finding(finding)
    assert [f["status"] for f in findings] == ["ok", "warning", "critical", "ok", "unknown",
                                               "warning"]


def test_evaluate_without_package_manager_is_all_unknown():
    missing = {"error": msg("patch.reason.no_package_manager"), "cause": "tool_missing"}
    data = {"provider": None, "tool": None, "now": NOW, "os_release": BROKEN,
            "updates": missing, "advisories": missing, "lists": missing, "kernels": missing,
            "reboot_required": None, "last_update": missing}
    assert {f["status"] for f in evaluate(data, None, CONTEXT)} == {"unknown"}


# ------------------------------------------------------------------------------------------
# the collector module, with a fake AnsibleModule (no package manager runs here)
# ------------------------------------------------------------------------------------------

def load_module():
    path = COLLECTORS / "linux_patch.py"
    spec = importlib.util.spec_from_file_location("weibao_inspect_patch", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeModule:
    """Stands in for AnsibleModule: commands answer from fixtures, and are recorded."""

    def __init__(self, binaries, outputs):
        self.binaries = binaries
        self.outputs = outputs
        self.calls = []

    def get_bin_path(self, name):
        return self.binaries.get(name)

    def run_command(self, args, environ_update=None, check_rc=False):
        assert environ_update == {"LC_ALL": "C", "LANG": "C"}
        self.calls.append(args)
        key = " ".join([args[0].rsplit("/", 1)[-1]] + list(args[1:]))
        for prefix, result in self.outputs.items():
            if key.startswith(prefix):
                return result
        raise AssertionError(f"unexpected command {key}")


class FakeUname:
    release = "5.14.0-362.8.1.el9_3.x86_64"
    version = "#1 SMP PREEMPT_DYNAMIC Fri Nov 3 10:20:01 EDT 2023"


def rhel9_os_release(self):
    return fixture("os_release", "rhel9")


def inspect(mod, fake, provider, now=NOW, thresholds=None):
    """The module's work without AnsibleModule: (findings by id, data)."""
    findings, not_applicable, data = mod.inspect(fake, provider, merged_thresholds(thresholds),
                                                 now)
    assert not_applicable == []
    return {f["check_id"]: f for f in findings}, data


def test_collector_dnf_host(monkeypatch):
    mod = load_module()
    monkeypatch.setattr(mod.os, "uname", lambda: FakeUname)
    monkeypatch.setattr(mod.PatchCollector, "os_release", rhel9_os_release)
    monkeypatch.setattr(mod, "RPM_CACHE_GLOBS", ())
    monkeypatch.setattr(mod, "REBOOT_FLAGS", ("/nonexistent/reboot-required",))
    fake = FakeModule(
        {"dnf": "/usr/bin/dnf", "rpm": "/usr/bin/rpm"},
        {
            "dnf -q -C check-update": (100, fixture("dnf_check_update", "rhel9"), ""),
            "dnf -q -C updateinfo list": (0, fixture("dnf_updateinfo", "rhel9"), ""),
            "dnf -q -C history list": (0, fixture("dnf_history", "rhel9_dnf4"), ""),
            "rpm -qa --last": (0, fixture("rpm_qa_last", "rhel9_c_locale"), ""),
            "rpm -q --qf": (3, fixture("rpm_q_kernel", "rhel9"), ""),
        })
    findings, data = inspect(mod, fake, "auto")
    assert data["provider"] == "dnf" and data["tool"] == "dnf"
    assert data["updates"]["pending_count"] == 9
    assert data["last_update"]["local"] == "2024-02-01 09:12:00"
    assert render(data["last_update"]["source"]) == "dnf history (transaction 13)"
    assert data["lists"]["fetched"] is False
    statuses = {check_id: f["status"] for check_id, f in findings.items()}
    assert statuses == {
        "patch.os_release": "ok",                  # RHEL 9.3, supported until 2032
        "patch.pending_updates": "warning",
        "patch.security_updates": "warning",
        "patch.package_lists_age": "warning",      # no dnf cache on this machine
        "patch.reboot_pending": "warning",         # 362.8.1 running, 362.13.1 installed
        "patch.last_update": "warning",
    }
    for call in fake.calls:                        # read-only, cache-only
        if call[0].endswith("dnf"):
            assert call[1:3] == ["-q", "-C"]


def test_collector_dnf_without_cache_and_history_falls_back(monkeypatch):
    mod = load_module()
    monkeypatch.setattr(mod.os, "uname", lambda: FakeUname)
    monkeypatch.setattr(mod.PatchCollector, "os_release", rhel9_os_release)
    monkeypatch.setattr(mod, "RPM_CACHE_GLOBS", ())
    fake = FakeModule(
        {"dnf": "/usr/bin/dnf", "rpm": "/usr/bin/rpm"},
        {
            "dnf -q -C check-update": (1, "", "Error: Cache-only enabled but no cache for "
                                              "'rhel-9-for-x86_64-baseos-rpms'\n"),
            "dnf -q -C updateinfo list": (1, "", "Error: Cache-only enabled but no cache\n"),
            "dnf -q -C history list": (1, "", "Error: You don't have access to the history DB\n"),
            "rpm -qa --last": (0, fixture("rpm_qa_last", "zh_cn"), ""),
            "rpm -q --qf": (5, fixture("rpm_q_kernel", "none"), ""),
        })
    findings, data = inspect(mod, fake, "dnf")
    pending = findings["patch.pending_updates"]
    assert pending["status"] == "unknown"
    assert pending["cause"] == "source_unreadable"
    assert "Cache-only enabled" in " ".join(pending["evidence"])
    assert pending["summary"].startswith("Could not tell whether software needs upgrading: "
                                         "dnf -C check-update exited 1 (no metadata cache?)")
    assert "可能没有元数据缓存" in pending["translations"]["zh-CN"]["summary"]
    assert findings["patch.security_updates"]["status"] == "unknown"
    assert findings["patch.reboot_pending"]["status"] == "unknown"
    # the history is unreadable and rpm printed a zh_CN date: unknown, not a crash
    last = findings["patch.last_update"]
    assert last["status"] == "unknown"
    assert last["cause"] == "not_understood"
    assert "unrecognised rpm date" in last["summary"]
    assert "don't have access" in last["summary"]


def test_collector_apt_host(monkeypatch, tmp_path):
    mod = load_module()
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "deb.debian.org_debian_dists_bookworm_InRelease").write_text("x")
    (lists / "lock").write_text("")
    # a file: repository's index is a symlink into the repository (as apt-get update makes it)
    (tmp_path / "Packages").write_text("Package: weibao-fault-demo\n")
    (lists / "_srv_weibao-repo_._Packages").symlink_to(tmp_path / "Packages")
    history = tmp_path / "history.log"
    history.write_text(fixture("apt_history", "ubuntu2204_unattended"))
    monkeypatch.setattr(mod, "APT_LISTS", str(lists))
    monkeypatch.setattr(mod, "APT_STAMPS", ())
    monkeypatch.setattr(mod, "APT_HISTORY", str(history))
    monkeypatch.setattr(mod, "REBOOT_FLAGS", (str(tmp_path / "reboot-required"),))
    (tmp_path / "reboot-required").write_text("*** System restart required ***\n")
    (tmp_path / "reboot-required.pkgs").write_text("libssl3\nlibssl3\nopenssl\n")
    fake = FakeModule(
        {"apt-get": "/usr/bin/apt-get", "dpkg-query": "/usr/bin/dpkg-query"},
        {
            "apt-get -s -o Debug::NoLocking=1 -o Dir::Log::Planner= -o Dir::Cache::pkgcache= "
            "-o Dir::Cache::srcpkgcache= dist-upgrade":
                (0, fixture("apt_get_s_dist_upgrade", "ubuntu2204_kernel_kept_back"), ""),
            "dpkg-query -W": (1, "", "dpkg-query: no packages found matching linux-image-*\n"),
        })
    findings, data = inspect(mod, fake, "auto", now=time.time())
    assert data["tool"] == "apt"
    assert data["lists"] == {"fetched": True, "index_files": 2,
                             "newest_mtime": data["lists"]["newest_mtime"],
                             "location": str(lists)}
    assert data["kernels"]["installed"] == []
    assert data["reboot_required"]["packages"] == ["libssl3", "openssl"]
    assert data["last_update"]["local"] == "2024-03-02 06:25:49"
    assert "later, 2 packages upgraded as dependencies" in data["last_update"]["detail"]
    statuses = {check_id: f["status"] for check_id, f in findings.items()}
    assert statuses["patch.pending_updates"] == "warning"
    assert statuses["patch.security_updates"] == "critical"       # 11 >= 10
    assert statuses["patch.package_lists_age"] == "ok"
    assert statuses["patch.reboot_pending"] == "warning"          # /run/reboot-required
    assert statuses["patch.last_update"] == "warning"


def test_collector_apt_failure_and_missing_tools(monkeypatch, tmp_path):
    mod = load_module()
    monkeypatch.setattr(mod, "APT_LISTS", str(tmp_path / "absent"))
    monkeypatch.setattr(mod, "APT_HISTORY", str(tmp_path / "absent.log"))
    fake = FakeModule(
        {"apt-get": "/usr/bin/apt-get"},
        {"apt-get -s": (100, "", "E: Could not open lock file /var/lib/dpkg/lock-frontend\n")})
    findings, data = inspect(mod, fake, "apt")
    assert render(data["updates"]["error"]).startswith("apt-get -s dist-upgrade exited 100")
    assert data["kernels"] == {"error": msg("reason.not_installed", command="dpkg-query"),
                               "evidence": [], "cause": "tool_missing"}
    assert data["lists"]["fetched"] is False          # apt-get exists, its lists do not
    assert data["last_update"]["cause"] == "incomplete"
    assert render(data["last_update"]["error"]) == f"{tmp_path / 'absent.log'} does not exist"
    assert findings["patch.reboot_pending"]["cause"] == "tool_missing"
    nothing, data = inspect(mod, FakeModule({}, {}), "auto")
    assert data["provider"] is None
    assert {f["status"] for f in list(nothing.values())[1:]} == {"unknown"}
    assert findings["patch.pending_updates"]["cause"] == "source_unreadable"
    # dnf forced on a host without dnf or yum: nothing to judge, not "lists never fetched"
    forced, data = inspect(mod, FakeModule({}, {}), "dnf")
    assert render(data["lists"]["error"]) == "dnf is not installed"
    assert {f["status"] for f in list(forced.values())[1:]} == {"unknown"}
    assert {f["cause"] for f in list(forced.values())[1:]} == {"tool_missing"}


def test_log_tail_keeps_the_newest_entries(monkeypatch, tmp_path):
    import gzip

    mod = load_module()
    monkeypatch.setattr(mod, "MAX_FILE_BYTES", 200)
    text = "".join(f"Start-Date: 2024-01-{day:02d}  10:00:00\nUpgrade: a:amd64 (1, 2)\n\n"
                   for day in range(1, 29))
    plain = tmp_path / "history.log"
    plain.write_text(text)
    packed = tmp_path / "history.log.2.gz"
    packed.write_bytes(gzip.compress(text.encode()))
    for path in (plain, packed):
        tail = mod.PatchCollector.read_log_tail(str(path))
        assert len(tail) <= 200
        assert tail.startswith(("Start-Date", "Upgrade", "\n"))
        assert mod.parse_apt_history(tail)["last_package_upgrade"]["start"] == \
            "2024-01-28 10:00:00"


def test_module_helpers():
    mod = load_module()
    assert mod.parse_now("2026-11-25T06:00:00Z") == NOW
    assert mod.parse_now("2026-11-25 06:00:00") == NOW
    assert mod.parse_now("2026-11-25T14:00:00+08:00") == NOW
    with pytest.raises(ValueError):
        mod.parse_now("last tuesday")
    data = {"updates": {"packages": list(range(450)), "pending_count": 450}}
    trimmed = mod._trim(data)
    assert len(trimmed["updates"]["packages"]) == mod.MAX_DATA_PACKAGES
    assert trimmed["updates"]["packages_not_shown"] == 250
    assert len(data["updates"]["packages"]) == 450       # the judged data is left whole


# ------------------------------------------------------------------------------------------
# never a false ok: pending counts rest on package lists of known, recent age
# ------------------------------------------------------------------------------------------

def lists_aged(days, location="/var/lib/apt/lists"):
    return {"fetched": True, "index_files": 6, "newest_mtime": NOW - days * DAY,
            "location": location}


NOTHING_PENDING = "debian12_captured_no_lists"       # apt: "0 upgraded, 0 newly installed, ..."


def test_nothing_pending_on_148_day_old_lists_is_stale_not_ok():
    """The host that said "no pending security updates" on 148-day-old lists had 87 after
    apt-get update."""
    updates = apt(NOTHING_PENDING)
    old = lists_aged(148)
    for check, check_id in ((check_pending_updates, "patch.pending_updates"),
                            (check_security_updates, "patch.security_updates")):
        finding = valid(check("apt", updates, old, None, None, NOW), check_id, "unknown")
        assert finding["cause"] == "stale"
        assert "148.0 days old" in finding["summary"]
        assert "stale from 14 days" in finding["summary"]
        assert "148.0" in finding["translations"]["zh-CN"]["summary"]
    # the same lists judged as too old by patch.package_lists_age itself
    valid(check_package_lists_age("apt", old, NOW), "patch.package_lists_age", "warning")


def test_updates_found_on_stale_lists_are_reported_and_may_be_more():
    updates = apt("debian12_captured")                 # 134 pending, 81 security
    old = lists_aged(148)
    finding = valid(check_pending_updates("apt", updates, old, None, None, NOW),
                    "patch.pending_updates", "warning")
    assert finding["values"]["pending"] == 134 and finding["values"]["lists_fresh"] is False
    assert "the count may be higher: the package lists are 148.0 days old" in finding["summary"]
    assert "实际数量可能更多" in finding["translations"]["zh-CN"]["summary"]
    finding = valid(check_security_updates("apt", updates, old, None, None, NOW),
                    "patch.security_updates", "critical")
    assert finding["values"]["security_packages"] == 81
    assert "may be higher" in finding["summary"]
    # fresh lists: the same counts, without the note
    finding = valid(check_security_updates("apt", updates, FRESH_LISTS, None, None, NOW),
                    "patch.security_updates", "critical")
    assert "may be higher" not in finding["summary"] and finding["values"]["lists_fresh"]


@pytest.mark.parametrize("lists, now, words", [
    (None, NOW, "age of the package lists is not known (not collected)"),
    (FRESH_LISTS, None, "age of the package lists is not known (the inspection time was not "
                        "given)"),
    (BROKEN, NOW, "could not be checked"),
    (NO_LISTS, NOW, "never been fetched"),
    (dict(FRESH_LISTS, newest_mtime=None), NOW, "not known"),
])
def test_nothing_pending_on_lists_of_unknown_age_is_stale(lists, now, words):
    for check, check_id in ((check_pending_updates, "patch.pending_updates"),
                            (check_security_updates, "patch.security_updates")):
        finding = valid(check("apt", apt(NOTHING_PENDING), lists, None, None, now), check_id,
                        "unknown")
        assert finding["cause"] == "stale"
        assert words in finding["summary"]


def test_stale_threshold_is_the_catalogues_and_can_be_moved():
    updates = apt(NOTHING_PENDING)
    limits = {"package_lists_age": {"stale": 200}}
    valid(check_pending_updates("apt", updates, lists_aged(148), None, limits, NOW),
          "patch.pending_updates", "ok")
    valid(check_pending_updates("apt", updates, lists_aged(13.9), None, None, NOW),
          "patch.pending_updates", "ok")
    valid(check_pending_updates("apt", updates, lists_aged(14), None, None, NOW),
          "patch.pending_updates", "unknown")
    # the warning level alone does not decide what is stale
    valid(check_pending_updates("apt", updates, lists_aged(20), None,
                                {"package_lists_age": {"warning": 30}}, NOW),
          "patch.pending_updates", "unknown")
    # null: no age limit, but lists of unknown age stay stale
    off = {"package_lists_age": {"stale": None}}
    valid(check_pending_updates("apt", updates, lists_aged(400), None, off, NOW),
          "patch.pending_updates", "ok")
    valid(check_pending_updates("apt", updates, None, None, off, NOW),
          "patch.pending_updates", "unknown")


def test_dnf_nothing_pending_on_an_old_metadata_cache_is_stale():
    old = lists_aged(40, "/var/cache/dnf")
    finding = valid(check_pending_updates("dnf", dnf_updates("none", rc=0), old, None, None, NOW),
                    "patch.pending_updates", "unknown")
    assert finding["cause"] == "stale"
    finding = valid(check_security_updates("dnf", dnf_updates("none", rc=0), old,
                                           advisories("empty"), None, NOW),
                    "patch.security_updates", "unknown")
    assert "40.0 days old" in finding["summary"]


def test_judging_one_saved_output_never_says_ok_about_pending_updates():
    """weibao judge on `apt-get -s dist-upgrade` or `dnf check-update` alone: no list ages,
    so nothing pending is unknown (stale), and updates found are reported."""
    data = parse_sources({"apt_simulate": fixture("apt_get_s_dist_upgrade", NOTHING_PENDING)})
    findings = {f["check_id"]: f for f in evaluate(data, None, CONTEXT)}
    for check_id in ("patch.pending_updates", "patch.security_updates"):
        assert findings[check_id]["status"] == "unknown"
        assert findings[check_id]["cause"] == "stale"
    data = parse_sources({"rpm_updates": fixture("dnf_check_update", "none")})
    assert evaluate(data, None, CONTEXT)[1]["status"] == "unknown"
    data = parse_sources({"rpm_updates": fixture("dnf_check_update", "rhel9")})
    finding = evaluate(data, None, CONTEXT)[1]
    assert finding["status"] == "warning" and "may be higher" in finding["summary"]
    assert "dnf upgrade, or yum update on EL 7" in finding["recommendation"]


def saved_outputs():
    for path in sorted(FIXTURES.glob("*/*.raw")):
        source = next((s for s in registry.sources("linux")
                       if s.area == "patch" and slug(s.name) == path.parent.name), None)
        if source is not None:
            yield pytest.param(source, path, id=f"{path.parent.name}/{path.stem}")


def slug(command):
    return re.sub(r"[^A-Za-z0-9]+", "_", command).strip("_")


@pytest.mark.parametrize("source, path", list(saved_outputs()))
def test_every_saved_output_judged_alone_is_never_a_false_ok(source, path):
    """What weibao judge does with each fixture: the checks this command feeds are never ok
    when the output was not understood (unknown, not_understood), and pending/security
    counts are never ok without list ages."""
    spec = yaml.safe_load(path.with_suffix(".yml").read_text(encoding="utf-8"))
    data = parse_sources({source.key: path.read_text(encoding="utf-8").partition("\n")[2]})
    findings = {f["check_id"]: f for f in evaluate(data, None, CONTEXT)}
    fed = [c.id for c in source.checks()]
    assert fed, source.name
    for check_id in fed:
        finding = findings[check_id]
        validate_finding(finding)
        # (check-update's exit status decides some cases; a saved output has none: empty
        # output then reads as nothing pending, which is unknown without list ages anyway)
        if "error" in spec and "rc" not in (spec.get("args") or {}):
            assert finding["status"] == "unknown", finding
            assert finding["cause"] == "not_understood", finding
        if check_id in ("patch.pending_updates", "patch.security_updates"):
            assert finding["status"] != "ok", finding
