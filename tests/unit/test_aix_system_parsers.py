"""Parsers of the aix_system area (parsers/aix_aix_system.py) on every fixture of
tests/unit/fixtures/aix/{prtconf,lsmcode_A,lsmksysb_l_f_path,vmstat_5_3,lparstat_5_3,svmon_G,
iostat_5_2}: AIX 7.1, 7.2 and 7.3 on POWER8, POWER9 and POWER10, a localized prtconf (not
understood, by design: the collector runs LC_ALL=C), truncated and wrong-command captures; the
collector's raw shapes (failures, {path: text} images) and the registry's spellings.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import registry  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import msg, render  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import aix_aix_system as p  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "aix"
FOLDERS = {"prtconf": "prtconf", "lsmcode_A": "lsmcode", "lsmksysb_l_f_path": "lsmksysb",
           "vmstat_5_3": "vmstat", "lparstat_5_3": "lparstat", "svmon_G": "svmon",
           "iostat_5_2": "iostat"}
CASES = sorted(c for f in FOLDERS for c in (FIXTURES / f).glob("*.raw"))
IMAGE = "/export/mksysb/host1.mksysb"


def body(path: Path) -> str:
    return path.read_text().split("\n", 1)[1]


def parsed(path: Path):
    key = FOLDERS[path.parent.name]
    data = p.parse_sources({key: body(path)}, {"command": f"lsmksysb -l -f {IMAGE}"})
    section = data[key]
    if key == "lsmksysb":
        section = dict(section[IMAGE])
        section.pop("path", None)
    return section


def test_there_are_fixtures_of_each_kind_and_release():
    assert {c.parent.name for c in CASES} == set(FOLDERS)
    assert all(c.read_text().startswith("# provenance: ") for c in CASES)
    names = " ".join(c.stem for c in CASES)
    for word in ("aix71", "aix72", "aix73", "power8", "power9", "power10", "zh_CN"):
        assert word in names, word


@pytest.mark.parametrize("path", CASES, ids=lambda c: f"{c.parent.name}/{c.stem}")
def test_fixture(path):
    expected = yaml.safe_load(path.with_suffix(".yml").read_text()) or {}
    if not body(path).strip():
        section = parsed(path)
        assert section["cause"] == "not_understood"
        return
    section = parsed(path)
    if "error" in expected:
        assert section["cause"] == "not_understood"
        assert render(section["error"], "en") == expected["error"]
        return
    assert section == expected["expected"]


def test_prtconf_stops_at_the_device_list():
    text = body(FIXTURES / "prtconf" / "aix72_power9_s924.raw")
    record = p.parse_prtconf(text)
    assert (record["model"], record["serial"], record["cpus"], record["memory_mb"],
            record["firmware"], record["lpar_id"], record["lpar_name"]) == \
        ("IBM,9009-42A", "7812A4X", 4, 65536, "VL950_092", 3, "aixprd01")
    assert "Model Architecture" not in record


def test_localized_output_is_not_understood_and_not_quoted():
    section = parsed(FIXTURES / "prtconf" / "zh_CN_labels_not_understood.raw")
    assert section["error"]["key"] == "aix_system.reason.localized"
    assert "系统型号" not in render(section["error"], "zh-CN")


def test_lsmcode_sides():
    record = p.parse_lsmcode("sys0!system:VL950_092 (t) VL950_075 (p) VL950_092 (t)\n")
    assert (record["active"], record["booted"], record["permanent"], record["temporary"]) == \
        ("VL950_092", "t", "VL950_075", "VL950_092")
    booted_p = p.parse_lsmcode("sys0!system:SV860_215 (p) SV860_215 (p) SV860_245 (t)\n")
    assert (booted_p["booted"], booted_p["permanent"], booted_p["temporary"]) == \
        ("p", "SV860_215", "SV860_245")


@pytest.mark.parametrize("text,expected", [
    ("Mon Nov  2 02:00:01 CST 2026", (1793584801, "CST")),
    ("Tue Dec  1 23:59:59 2026", (1796169599, "")),
    ("Sat Mar 1 01:30:12 BEIST 2025", (1740792612, "BEIST")),
])
def test_backup_dates(text, expected):
    assert p.parse_backup_date(text) == expected


def test_a_backup_date_not_understood():
    text = "VOLUME GROUP: rootvg\nBACKUP DATE/TIME: 2026-11-02 02:00\n"
    with pytest.raises(p.ParseError) as exc:
        p.parse_lsmksysb(text)
    assert exc.value.message["key"] == "aix_system.reason.bad_date"


def test_images_from_the_collector_each_with_its_path_or_failure():
    good = body(FIXTURES / "lsmksysb_l_f_path" / "aix72_tl5_sp3.raw")
    failed = {"error": msg("reason.exited", command="lsmksysb", rc=1, output="0512-016"),
              "cause": "source_unreadable"}
    data = p.parse_sources({"lsmksysb": {"/a.mksysb": good, "/b.mksysb": failed,
                                         "/c.mksysb": ""}})
    images = data["lsmksysb"]
    assert images["/a.mksysb"]["path"] == "/a.mksysb"
    assert images["/b.mksysb"]["cause"] == "source_unreadable"
    assert images["/c.mksysb"]["cause"] == "not_understood"
    assert p.parse_sources({"lsmksysb": {}})["lsmksysb"] == {}
    assert p.parse_sources({})["lsmksysb"] is None


def test_a_saved_image_takes_its_path_from_the_command():
    good = body(FIXTURES / "lsmksysb_l_f_path" / "aix73_tl2.raw")
    assert list(p.parse_sources({"lsmksysb": good},
                                {"command": "lsmksysb -l -f /nim/h3.mksysb"})["lsmksysb"]) \
        == ["/nim/h3.mksysb"]
    assert list(p.parse_sources({"lsmksysb": good}, {})["lsmksysb"]) == ["mksysb"]


def test_a_plain_string_failure_gets_both_languages():
    section = p.parse_sources({"svmon": {"error": "svmon: not authorized"}})["svmon"]
    assert section["cause"] == "source_unreadable"
    assert "not authorized" in render(section["error"], "zh-CN")


def test_a_dict_that_is_not_a_failure_is_not_understood():
    section = p.parse_sources({"vmstat": {"x": 1}})["vmstat"]
    assert section["cause"] == "not_understood"


def test_oslevel():
    assert p.parse_oslevel("7200-05-03-2148\n") == {"level": "7200-05-03-2148",
                                                    "tl": "7200-05", "sp": "03"}
    assert p.parse_sources({"oslevel_s": "oops"})["oslevel_s"]["cause"] == "not_understood"


def test_vmstat_keeps_one_sample_when_there_is_only_one():
    text = "\n".join(body(FIXTURES / "vmstat_5_3" / "aix71_dedicated.raw").splitlines()[:7])
    record = p.parse_vmstat(text)
    assert record["samples"] == 1 and record["us"] == 5


def test_collect_lists_every_key_the_collector_hands_over():
    keys = [k for k, _argv in p.COLLECT]
    assert set(keys) == set(p.NAMES)
    assert ("lsmksysb", ("lsmksysb", "-l", "-f", "{mksysb}")) in p.COLLECT
    assert all(isinstance(argv, tuple) for _k, argv in p.COLLECT)


@pytest.mark.parametrize("command,key", [
    ("prtconf", "prtconf"), ("lsmcode -A", "lsmcode"),
    ("lsmksysb -l -f /export/mksysb/aixprd01.mksysb", "lsmksysb"),
    ("lsmksysb -l -f {path}", "lsmksysb"),
    ("vmstat 5 3", "vmstat"), ("vmstat 2 10", "vmstat"), ("vmstat -w 5 3", "vmstat"),
    ("lparstat 5 3", "lparstat"), ("lparstat 1 5", "lparstat"), ("svmon -G", "svmon"),
    ("iostat 5 2", "iostat"), ("iostat 10 3", "iostat"),
])
def test_registry_accepts_what_engineers_type(command, key):
    source = registry.lookup("aix", command)
    assert (source.area, source.key) == ("aix_system", key)
