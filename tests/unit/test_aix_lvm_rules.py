"""Rules of the aix_lvm area (rules/aix_lvm.py): each check made to fail and to pass on the
parser fixtures (tests/unit/fixtures/aix/...), unknown when a source is missing, failed or
not understood (never ok), closed LVs that are normal (boot, dump, paging, multibos standby),
rootvg mirroring against the site's rootvg_copies, and the thresholds.

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
from ansible.module_utils.weibao_inspection.parsers import aix_aix_lvm as p  # noqa: E402
from ansible.module_utils.weibao_inspection.rules import aix_lvm as rules  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "aix"
FOLDER = {"lsvg": "lsvg", "lsvg_vg": "lsvg_rootvg", "lsvg_l": "lsvg_l_rootvg", "lspv": "lspv",
          "lsps_a": "lsps_a", "lsps_s": "lsps_s", "sysdumpdev": "sysdumpdev_l",
          "bootlist": "bootlist_m_normal_o", "df_k": "df_k"}


@pytest.fixture(autouse=True)
def every_finding_has_chinese(monkeypatch):
    return check_every_finding(monkeypatch, rules)


def text(key, case):
    return (FIXTURES / FOLDER[key] / f"{case}.raw").read_text().split("\n", 1)[1]


def _raw(key, case):
    """A fixture's name, or the output itself (a str that names no fixture, or a dict)."""
    if isinstance(case, str) and "\n" not in case \
            and (FIXTURES / FOLDER[key] / f"{case}.raw").is_file():
        return text(key, case)
    return case


def judged(check_id, thresholds=None, **cases):
    raw = {key: _raw(key, case) for key, case in cases.items()}
    merged = catalogue.merge_thresholds("aix_lvm", thresholds)
    findings = rules.evaluate(p.parse_sources(raw), merged, {})
    for finding in findings:
        validate_finding(finding)
    return {f["component"]: f for f in findings if f["check_id"] == check_id}


def statuses(found):
    return {c: f["status"] for c, f in found.items()}


# --------------------------------------------------------------------------- vg_state

@pytest.mark.parametrize("case,lvs,expected", [
    ("aix71_mirrored", "aix71_mirrored", {"rootvg": "ok"}),
    ("aix72_stale", "aix72_stale", {"rootvg": "critical"}),        # a PV missing
    ("aix73_stale_pps", "aix71_mirrored", {"rootvg": "critical"}),  # stale PPs
    ("aix73_quorum", "aix71_mirrored", {"rootvg": "warning"}),     # mirrored, quorum on
    ("aix73_quorum", "aix73_multibos", {"rootvg": "ok"}),          # not mirrored: quorum fine
    ("two_vgs", "aix73_multibos", {"rootvg": "ok", "datavg": "ok"}),
])
def test_vg_state(case, lvs, expected):
    assert statuses(judged("aix_lvm.vg_state", lsvg_vg=case, lsvg_l=lvs)) == expected


def test_vg_state_messages():
    found = judged("aix_lvm.vg_state", lsvg_vg="aix72_stale")
    assert "1 of 2 PVs active" in found["rootvg"]["summary"]
    found = judged("aix_lvm.vg_state", lsvg_vg="aix73_stale_pps")
    assert "12 stale PPs" in found["rootvg"]["summary"]
    assert "syncvg" in found["rootvg"]["recommendation"]
    found = judged("aix_lvm.vg_state", lsvg_vg="aix73_quorum", lsvg_l="aix71_mirrored")
    assert "chvg -Qn" in found["rootvg"]["recommendation"]


def test_vg_state_read_only_and_inactive():
    ro = text("lsvg_vg", "aix71_mirrored").replace("read/write   ", "read-only    ")
    assert statuses(judged("aix_lvm.vg_state", lsvg_vg=ro)) == {"rootvg": "warning"}
    off = text("lsvg_vg", "aix71_mirrored").replace("VG STATE:           active  ",
                                                     "VG STATE:           inactive")
    assert statuses(judged("aix_lvm.vg_state", lsvg_vg=off)) == {"rootvg": "critical"}


@pytest.mark.parametrize("case", ["locale_fr", "varied_off"])
def test_vg_state_not_understood_is_unknown(case):
    found = judged("aix_lvm.vg_state", lsvg_vg=case)
    [finding] = found.values()
    assert finding["status"] == "unknown" and finding["cause"] == "not_understood"


def test_vg_state_per_vg_failure_and_not_collected():
    found = judged("aix_lvm.vg_state",
                   lsvg_vg={"rootvg": text("lsvg_vg", "aix71_mirrored"),
                            "datavg": {"error": msg("reason.timed_out",
                                                        command="lsvg datavg", seconds=60),
                                       "cause": "source_unreadable"}})
    assert statuses(found) == {"rootvg": "ok", "datavg": "unknown"}
    found = judged("aix_lvm.vg_state", lsvg="aix72_two")
    [finding] = found.values()
    assert finding["status"] == "unknown" and "rootvg, datavg" in finding["summary"]
    [finding] = judged("aix_lvm.vg_state").values()
    assert (finding["status"], finding["cause"]) == ("unknown", "incomplete")


# --------------------------------------------------------------------------- vg_free

def test_vg_free():
    found = judged("aix_lvm.vg_free", lsvg_vg="two_vgs")
    assert statuses(found) == {"rootvg": "ok", "datavg": "warning"}
    assert "20 of 3996 PPs free (0.5%" in found["datavg"]["summary"]
    assert statuses(judged("aix_lvm.vg_free", lsvg_vg="aix73_stale_pps")) == \
        {"rootvg": "warning"}  # 40 of 798 = 5.0%
    off = judged("aix_lvm.vg_free", {"vg_free": {"warning": 0}}, lsvg_vg="two_vgs")
    assert statuses(off) == {"rootvg": "ok", "datavg": "ok"}
    [finding] = judged("aix_lvm.vg_free", lsvg_vg="locale_fr").values()
    assert finding["status"] == "unknown"


# --------------------------------------------------------------------------- lv_state

def test_lv_state_healthy_with_normal_closed_lvs():
    found = judged("aix_lvm.lv_state", lsvg_l="aix71_mirrored")
    assert statuses(found) == {"rootvg": "ok"}
    assert "hd5" in found["rootvg"]["summary"]


def test_lv_state_stale():
    found = judged("aix_lvm.lv_state", lsvg_l="aix72_stale")
    assert found["rootvg/hd5"]["status"] == "critical"  # closed/stale
    assert found["rootvg/hd2"]["status"] == "critical"  # open/stale
    assert "rootvg/lg_dumplv" not in found and "rootvg" not in found


def test_lv_state_multibos_dump_paging_closed_are_normal_fs_closed_is_not():
    found = judged("aix_lvm.lv_state", lsvg_l="aix73_multibos")
    assert statuses(found) == {"rootvg/data1lv": "warning"}
    assert "/data1" in found["rootvg/data1lv"]["summary"]


def test_lv_state_garbled_and_per_vg_failure():
    [finding] = judged("aix_lvm.lv_state", lsvg_l="garbled").values()
    assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")
    found = judged("aix_lvm.lv_state", lsvg_l={"rootvg": text("lsvg_l", "aix71_mirrored"),
                                               "datavg": "0516-010 : Volume group must be "
                                                         "varied on; use varyonvg command."})
    assert statuses(found) == {"rootvg": "ok", "datavg": "unknown"}


# --------------------------------------------------------------------------- rootvg_mirror

@pytest.mark.parametrize("case,copies,expected", [
    ("aix71_mirrored", None, "ok"),
    ("aix71_mirrored", 2, "ok"),
    ("aix73_multibos", None, "ok"),        # one copy, the site has not said
    ("aix73_multibos", 2, "warning"),      # the site wants it mirrored
    ("aix73_multibos", 1, "ok"),
    ("aix72_half_mirrored", None, "warning"),  # mirrorvg stopped part way
    ("aix72_half_mirrored", 1, "warning"),  # uneven whatever the site wants
])
def test_rootvg_mirror(case, copies, expected):
    found = judged("aix_lvm.rootvg_mirror", {"rootvg_mirror": {"rootvg_copies": copies}},
                   lsvg_l=case)
    assert statuses(found) == {"rootvg": expected}


def test_rootvg_mirror_names_the_lvs_and_leaves_dump_out():
    found = judged("aix_lvm.rootvg_mirror", lsvg_l="aix72_half_mirrored")
    summary = found["rootvg"]["summary"]
    assert "hd2" in summary and "hd11admin" in summary and "lg_dumplv" not in summary
    assert "mirrorvg" in found["rootvg"]["recommendation"]


def test_rootvg_mirror_unknown():
    other = ("datavg:\nLV NAME             TYPE       LPs     PPs     PVs  LV STATE      "
             "MOUNT POINT\noralv               jfs2       100     100     1    open/syncd    "
             "/oracle\n")
    [finding] = judged("aix_lvm.rootvg_mirror", lsvg_l=other).values()
    assert finding["status"] == "unknown"
    [finding] = judged("aix_lvm.rootvg_mirror", lsvg_l="garbled").values()
    assert finding["status"] == "unknown"


# --------------------------------------------------------------------------- bootlist

@pytest.mark.parametrize("boot,lvs,pvs,expected", [
    ("aix71_both", "aix71_mirrored", "aix71_mirrored", "ok"),
    ("aix72_one", "aix71_mirrored", "aix71_mirrored", "warning"),
    ("aix73_single", "aix73_multibos", "aix73_concurrent", "ok"),
    ("aix73_single", "aix71_mirrored", "aix73_concurrent", "warning"),
    ("empty", "aix71_mirrored", "aix71_mirrored", "critical"),
])
def test_bootlist(boot, lvs, pvs, expected):
    found = judged("aix_lvm.bootlist", bootlist=boot, lsvg_l=lvs, lspv=pvs)
    assert [f["status"] for f in found.values()] == [expected]


def test_bootlist_names_the_missing_disk():
    [finding] = judged("aix_lvm.bootlist", bootlist="aix72_one", lsvg_l="aix71_mirrored",
                       lspv="aix71_mirrored").values()
    assert "not listed: hdisk1" in finding["summary"]


def test_bootlist_a_foreign_disk():
    boot = "hdisk0 blv=hd5 pathid=0\nhdisk2 blv=hd5 pathid=0\n"
    [finding] = judged("aix_lvm.bootlist", bootlist=boot, lsvg_l="aix71_mirrored",
                       lspv="aix71_mirrored").values()
    assert finding["status"] == "warning" and "not in rootvg: hdisk2" in finding["summary"]


def test_bootlist_of_an_unmirrored_rootvg_without_its_disk_warns():
    # rootvg (not mirrored) on hdisk0 and hdisk1, but the next boot is from another disk
    boot = "hdisk4 blv=hd5 pathid=0\n"
    [finding] = judged("aix_lvm.bootlist", bootlist=boot, lsvg_l="aix73_multibos",
                       lspv="aix73_concurrent").values()
    assert finding["status"] == "warning" and "no rootvg disk" in finding["summary"]
    assert finding["recommendation"]


def test_bootlist_without_rootvg_layout_is_unknown():
    [finding] = judged("aix_lvm.bootlist", bootlist="aix71_both").values()
    assert (finding["status"], finding["cause"]) == ("unknown", "incomplete")
    [finding] = judged("aix_lvm.bootlist", bootlist="aix71_both", lsvg_l="aix71_mirrored",
                       lspv="").values()
    assert finding["status"] == "unknown"


# --------------------------------------------------------------------------- paging

def test_paging_ok():
    found = judged("aix_lvm.paging", lsps_a="aix71_mirrored", lsps_s="aix71_ok")
    assert statuses(found) == {"total": "ok", "hd6@hdisk0": "ok", "hd6@hdisk1": "ok"}
    found = judged("aix_lvm.paging", lsps_a="aix73_ok", lsps_s="aix73_ok")
    assert statuses(found) == {"total": "ok", "paging00@hdisk0": "ok", "hd6@hdisk0": "ok"}


def test_paging_full_and_inactive():
    found = judged("aix_lvm.paging", lsps_a="aix72_full", lsps_s="aix72_high")
    assert statuses(found) == {"total": "warning", "paging00@hdisk2": "warning",
                               "hd6@hdisk0": "critical"}
    assert "swapon" in found["paging00@hdisk2"]["recommendation"]
    found = judged("aix_lvm.paging", {"paging": {"warning": 70, "critical": 95}},
                   lsps_a="aix72_full", lsps_s="aix72_high")
    assert statuses(found)["total"] == "ok" and statuses(found)["hd6@hdisk0"] == "warning"


@pytest.mark.parametrize("case", ["locale_de", "words_translated"])
def test_paging_other_locale_is_unknown_never_ok(case):
    found = judged("aix_lvm.paging", lsps_a=case)
    assert {f["status"] for f in found.values()} == {"unknown"}
    found = judged("aix_lvm.paging", lsps_a=case, lsps_s="aix71_ok")
    assert statuses(found) == {"total": "ok", "spaces": "unknown"}


# --------------------------------------------------------------------------- dump

@pytest.mark.parametrize("case,expected", [("aix71_ok", "ok"), ("aix72_null", "warning"),
                                           ("aix73_ok", "ok")])
def test_dump(case, expected):
    [finding] = judged("aix_lvm.dump", sysdumpdev=case).values()
    assert finding["status"] == expected


def test_dump_unknown():
    [finding] = judged("aix_lvm.dump", sysdumpdev="primary\n").values()
    assert finding["status"] == "unknown"
    [finding] = judged("aix_lvm.dump").values()
    assert finding["cause"] == "incomplete"


# --------------------------------------------------------------------------- filesystems

def test_filesystems():
    found = judged("aix_lvm.filesystems", df_k="aix72_full")
    assert found["/var"]["status"] == "critical" and "98% full" in found["/var"]["summary"]
    assert found["/tmp"]["status"] == "warning" and "inodes" in found["/tmp"]["summary"]
    assert found["/mnt/mksysb"]["status"] == "ok" and "/proc" not in found
    assert {f["status"] for f in judged("aix_lvm.filesystems", df_k="aix71_ok").values()} \
        == {"ok"}
    found = judged("aix_lvm.filesystems", {"filesystems": {"warning": 60, "critical": 70}},
                   df_k="aix73_ok")
    assert statuses(found)["/usr"] == "warning" and statuses(found)["/oracle/data01"] == \
        "warning"


def test_filesystems_other_locale_unknown():
    [finding] = judged("aix_lvm.filesystems", df_k="locale_zh").values()
    assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")
    assert "another locale" in render(finding["message"]["summary"])


# --------------------------------------------------------------------------- all

def test_nothing_collected_is_unknown_everywhere():
    findings = rules.evaluate({}, None, {})
    assert {f["check_id"] for f in findings} == {c.id for c in
                                                catalogue.area_checks("aix_lvm")}
    assert {f["status"] for f in findings} == {"unknown"}


def test_every_check_fails_and_passes():
    bad = dict(lsvg_vg="aix72_stale", lsvg_l="aix72_stale", lspv="aix71_mirrored",
               bootlist="aix72_one", lsps_a="aix72_full", lsps_s="aix72_high",
               sysdumpdev="aix72_null", df_k="aix72_full")
    good = dict(lsvg_vg="aix71_mirrored", lsvg_l="aix71_mirrored", lspv="aix71_mirrored",
                bootlist="aix71_both", lsps_a="aix71_mirrored", lsps_s="aix71_ok",
                sysdumpdev="aix71_ok", df_k="aix71_ok")
    for check in catalogue.area_checks("aix_lvm"):
        cases = dict(bad)
        if check.id == "aix_lvm.vg_free":
            cases["lsvg_vg"] = "two_vgs"
        if check.id == "aix_lvm.rootvg_mirror":
            cases["lsvg_l"] = "aix72_half_mirrored"
        failing = {f["status"] for f in judged(check.id, **cases).values()}
        assert failing & {"warning", "critical"}, check.id
        assert {f["status"] for f in judged(check.id, **good).values()} == {"ok"}, check.id
