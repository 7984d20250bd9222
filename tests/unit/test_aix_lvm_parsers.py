"""Parsers of the aix_lvm area (parsers/aix_aix_lvm.py): every fixture of lsvg, lsvg VG,
lsvg -l VG, lspv, lsps -a / -s, sysdumpdev -l, bootlist -m normal -o and df -k (AIX 7.1, 7.2,
7.3, other locales, garbled) read as its .yml says; per-VG outputs handed over as
{vg: text}; the registry accepts the commands as engineers type them; COLLECT lists what the
AIX collector runs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import registry  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import render  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import aix_aix_lvm as p  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "aix"
KEYS = {"lsvg": "lsvg", "lsvg_rootvg": "lsvg_vg", "lsvg_l_rootvg": "lsvg_l", "lspv": "lspv",
        "lsps_a": "lsps_a", "lsps_s": "lsps_s", "sysdumpdev_l": "sysdumpdev",
        "bootlist_m_normal_o": "bootlist", "df_k": "df_k"}
CASES = [(key, path) for folder, key in KEYS.items()
         for path in sorted((FIXTURES / folder).glob("*.raw"))]


def body(folder, case):
    return (FIXTURES / folder / f"{case}.raw").read_text().split("\n", 1)[1]


@pytest.mark.parametrize("key,path", CASES, ids=[f"{k}/{p.stem}" for k, p in CASES])
def test_fixture(key, path):
    assert path.read_text().startswith("# provenance: ")
    section = p.parse_sources({key: path.read_text().split("\n", 1)[1]})[key]
    expected = yaml.safe_load(path.with_suffix(".yml").read_text())
    if "error" in expected:
        assert p.is_failure(section)
        assert section["cause"] == "not_understood"
        assert render(section["error"]) == expected["error"]
    else:
        assert section == expected["expected"]


def test_every_aix_version_and_a_locale_per_command():
    for folder in KEYS:
        stems = [x.stem for x in (FIXTURES / folder).glob("*.raw")]
        assert stems, folder
    for folder in ("lsvg_rootvg", "lsvg_l_rootvg", "lsps_a", "lsps_s", "sysdumpdev_l",
                   "bootlist_m_normal_o", "df_k"):
        stems = {x.stem for x in (FIXTURES / folder).glob("*.raw")}
        for version in ("aix71", "aix72", "aix73"):
            assert any(s.startswith(version) for s in stems), (folder, version)
    for folder in ("lsvg_rootvg", "lsps_a", "df_k"):
        assert any(x.stem.startswith("locale") for x in (FIXTURES / folder).glob("*.raw"))


def test_lsvg_vg_labels_with_spaces_and_parentheses():
    [vg] = p.parse_lsvg_vg(body("lsvg_rootvg", "aix73_stale_pps"))["vgs"]
    assert vg["fields"]["LTG size (Dynamic)"] == "512 kilobyte(s)"
    assert vg["fields"]["ENCRYPTION"] == "no" and vg["fields"]["CRITICAL PVs"] == "no"
    assert (vg["stale_pps"], vg["quorum"], vg["quorum_enabled"]) == (12, 2, True)
    assert (vg["total_pps"], vg["free_pps"], vg["free_pps_mb"]) == (798, 40, 5120)


def test_lsvg_vg_old_bare_quorum_number():
    text = body("lsvg_rootvg", "aix71_mirrored").replace("1 (Disabled)", "1           ")
    [vg] = p.parse_lsvg_vg(text)["vgs"]
    assert vg["quorum_enabled"] is False
    text = body("lsvg_rootvg", "aix71_mirrored").replace("1 (Disabled)", "2           ")
    assert p.parse_lsvg_vg(text)["vgs"][0]["quorum_enabled"] is True


def test_lsvg_vg_without_a_required_field():
    text = "\n".join(line for line in body("lsvg_rootvg", "aix71_mirrored").splitlines()
                     if not line.startswith("STALE PVs"))
    section = p.parse_sources({"lsvg_vg": text})["lsvg_vg"]
    assert p.is_failure(section) and "STALE PVs" in render(section["error"])


def test_per_vg_outputs_as_the_collector_hands_them():
    data = p.parse_sources({
        "lsvg_vg": {"rootvg": body("lsvg_rootvg", "aix71_mirrored"),
                    "datavg": {"error": "lsvg datavg timed out",
                               "cause": "source_unreadable"},
                    "oldvg": body("lsvg_rootvg", "varied_off")},
        "lsvg_l": {"rootvg": body("lsvg_l_rootvg", "aix71_mirrored"), "datavg": ""}})
    assert [vg["name"] for vg in data["lsvg_vg"]["vgs"]] == ["rootvg"]
    assert sorted(data["lsvg_vg"]["failed"]) == ["datavg", "oldvg"]
    assert data["lsvg_vg"]["failed"]["datavg"]["cause"] == "source_unreadable"
    assert data["lsvg_vg"]["failed"]["oldvg"]["cause"] == "not_understood"
    assert list(data["lsvg_l"]["vgs"]) == ["rootvg"]
    assert list(data["lsvg_l"]["failed"]) == ["datavg"]


def test_per_vg_all_failed_is_a_failure():
    section = p.parse_sources({"lsvg_l": {"rootvg": "garbage line"}})["lsvg_l"]
    assert p.is_failure(section)


def test_lsvg_l_several_vgs_in_one_text():
    text = body("lsvg_l_rootvg", "aix71_mirrored") + (
        "datavg:\nLV NAME             TYPE       LPs     PPs     PVs  LV STATE      MOUNT POINT\n"
        "oralv               jfs2       100     100     1    open/syncd    /oracle\n")
    vgs = p.parse_lsvg_l(text)["vgs"]
    assert sorted(vgs) == ["datavg", "rootvg"] and vgs["datavg"][0]["mount"] == "/oracle"


def test_df_k_long_device_name_on_its_own_line():
    rows = p.parse_df_k(body("df_k", "aix73_ok"))["filesystems"]
    assert rows[-1]["device"] == "/dev/fslv_oracle_data01"
    assert (rows[-1]["used"], rows[-1]["mount"]) == (60, "/oracle/data01")
    proc = [r for r in rows if r["mount"] == "/proc"][0]
    assert proc["used"] is None and proc["iused_pct"] is None


def test_empty_outputs():
    data = p.parse_sources({"bootlist": "", "df_k": "  \n", "lspv": ""})
    assert data["bootlist"] == {"devices": []}  # an empty boot list prints nothing
    assert p.is_failure(data["df_k"]) and p.is_failure(data["lspv"])


def test_truncated_lsps_row():
    text = body("lsps_a", "aix71_mirrored").rsplit("\n", 2)[0] + "\nhd6  hdisk1  rootvg\n"
    assert p.is_failure(p.parse_sources({"lsps_a": text})["lsps_a"])


@pytest.mark.parametrize("command,key", [
    ("lsvg", "lsvg"), ("lsvg -o", "lsvg"), ("lsvg rootvg", "lsvg_vg"),
    ("lsvg datavg", "lsvg_vg"), ("lsvg -l rootvg", "lsvg_l"), ("lsvg  -l  datavg", "lsvg_l"),
    ("lspv", "lspv"), ("lsps -a", "lsps_a"), ("lsps -s", "lsps_s"),
    ("sysdumpdev -l", "sysdumpdev"), ("bootlist -m normal -o", "bootlist"), ("df -k", "df_k"),
])
def test_registry(command, key):
    source = registry.lookup("aix", command)
    assert (source.area, source.key) == ("aix_lvm", key)


def test_collect_lists_every_key_once():
    keys = [key for key, _argv in p.COLLECT]
    assert sorted(keys) == sorted(k for k, _parser in p.PARSERS)
    assert len(set(keys)) == len(keys)
    for key, argv in p.COLLECT:
        assert isinstance(argv, tuple) and all(isinstance(a, str) for a in argv)
        command = " ".join(argv).replace("{vg}", "rootvg")
        assert registry.lookup("aix", command).key == key
    assert dict(p.COLLECT)["lsvg_l"] == ("lsvg", "-l", "{vg}")
