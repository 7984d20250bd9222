"""Parsers of the patch-level inspection (parsers/linux_patch.py).

Most cases are data-driven: tests/unit/fixtures/linux/<command slug>/<case>.raw holds the output
of a registry command (the slug is the command with every run of non-alphanumerics replaced by
"_"; the .raw's first line, starting with "# ", says where the format comes from and is not
part of the output) and <case>.yml the expected result, either ``expected:`` (matched as
described in ``assert_matches``) or ``error:`` (a ParseError whose English text matches that
regex). Version ordering is checked against tables produced by the real dpkg and rpm tools
(fixtures/version_compare/).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from ansible.module_utils.weibao_inspection import registry
from ansible.module_utils.weibao_inspection.messages import is_message, render
from ansible.module_utils.weibao_inspection.parsers.linux_patch import (
    ParseError,
    apt_origin_is_security,
    dpkg_version_compare,
    index_freshness,
    kernel_flavour,
    parse_apt_history,
    parse_apt_simulation,
    parse_check_update,
    parse_dpkg_kernels,
    parse_dpkg_version,
    parse_history_list,
    parse_os_release,
    parse_rpm_date,
    parse_rpm_kernels,
    parse_rpm_qa_last,
    parse_running_build,
    parse_sources,
    parse_updateinfo_list,
    rpm_label_compare,
    rpm_vercmp,
    split_evr,
    version_compare,
)

FIXTURES = Path(__file__).parent / "fixtures"
LINUX = FIXTURES / "linux"

# registry source key -> the parser its fixtures exercise
PARSERS = {
    "os_release": lambda text, args: parse_os_release(text),
    "apt_simulate": lambda text, args: parse_apt_simulation(text),
    "apt_history": lambda text, args: parse_apt_history(text),
    "dpkg_kernels": lambda text, args: parse_dpkg_kernels(text),
    "rpm_kernels": lambda text, args: parse_rpm_kernels(text),
    "rpm_updates": lambda text, args: parse_check_update(text, args.get("rc")),
    "rpm_advisories": lambda text, args: parse_updateinfo_list(text),
    "rpm_history": lambda text, args: parse_history_list(text),
    "rpm_last": lambda text, args: parse_rpm_qa_last(text),
}


def slug(command):
    return re.sub(r"[^A-Za-z0-9]+", "_", command).strip("_")


SOURCES = {s.key: s for s in registry.sources("linux") if s.area == "patch"}
FOLDERS = {key: LINUX / slug(source.name) for key, source in SOURCES.items()}


def read_raw(path):
    """The fixture's text without its first (provenance) line."""
    text = path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    assert first.startswith("# ") and len(first) > 20, f"{path}: first line must say its source"
    return rest


def cases():
    for key in sorted(PARSERS):
        for raw in sorted(FOLDERS[key].glob("*.raw")):
            yield pytest.param(key, raw, id=f"{FOLDERS[key].name}/{raw.stem}")


def assert_matches(actual, expected, where="result"):
    """Compare ``actual`` with ``expected``.

    Mappings: only the keys of ``expected`` are compared; ``<key>__len: n`` checks the length
    of a list and ``<key>__contains: [...]`` that each listed item matches some element.
    Lists: same length, items matched in order. Anything else: equality.
    """
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected a mapping, got {actual!r}"
        for key, value in expected.items():
            if key.endswith("__len"):
                name = key[: -len("__len")]
                assert len(actual[name]) == value, f"{where}.{name}: length {len(actual[name])}"
            elif key.endswith("__contains"):
                name = key[: -len("__contains")]
                for item in value:
                    assert any(_matches(element, item) for element in actual[name]), (
                        f"{where}.{name}: nothing matches {item!r}")
            else:
                assert key in actual, f"{where}: missing key {key!r} in {actual!r}"
                assert_matches(actual[key], value, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), f"{where}: {len(actual)} items, not {len(expected)}"
        for index, (got, want) in enumerate(zip(actual, expected, strict=True)):
            assert_matches(got, want, f"{where}[{index}]")
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def _matches(actual, expected):
    try:
        assert_matches(actual, expected)
    except AssertionError:
        return False
    return True


@pytest.mark.parametrize("key, raw", list(cases()))
def test_fixture(key, raw):
    spec = yaml.safe_load(raw.with_suffix(".yml").read_text(encoding="utf-8"))
    text = read_raw(raw)
    parse = PARSERS[key]
    if "error" in spec:
        with pytest.raises(ParseError, match=spec["error"]) as caught:
            parse(text, spec.get("args") or {})
        assert is_message(caught.value.message)
        assert render(caught.value.message, "zh-CN")
    else:
        assert_matches(parse(text, spec.get("args") or {}), spec["expected"])


@pytest.mark.parametrize("key, raw", list(cases()))
def test_fixture_through_parse_sources(key, raw):
    """What ``weibao judge`` does with one saved output: the source's key alone. Text the
    parser does not understand is a section error (cause not_understood), never data."""
    spec = yaml.safe_load(raw.with_suffix(".yml").read_text(encoding="utf-8"))
    extra = {"rpm_updates_rc": spec["args"]["rc"]} if "rc" in (spec.get("args") or {}) else {}
    data = parse_sources({key: read_raw(raw), **extra}, {})
    sections = [v for k, v in data.items() if k not in ("tool", "family")]
    assert len(sections) == 1, data
    section = sections[0]
    if key in ("dpkg_kernels", "rpm_kernels") and "error" not in spec:
        section = section["installed"]
    if "error" in spec:
        assert section["cause"] == "not_understood", section
        assert re.search(spec["error"], render(section["error"], "en"))
    elif key in ("apt_history", "rpm_history", "rpm_last"):
        assert "error" not in section or section["cause"] == "incomplete", section
    else:
        assert_matches(section, spec["expected"])


@pytest.mark.parametrize("key", sorted(PARSERS))
def test_every_source_has_pairs_and_error_cases(key):
    folder = FOLDERS[key]
    raws = {p.stem for p in folder.glob("*.raw")}
    ymls = {p.stem for p in folder.glob("*.yml")}
    assert raws and raws == ymls, f"{folder}: unpaired fixtures {raws ^ ymls}"
    specs = [yaml.safe_load((folder / f"{stem}.yml").read_text()) for stem in raws]
    assert any("error" in spec for spec in specs), f"{folder}: no garbled/truncated case"
    assert any("expected" in spec for spec in specs), f"{folder}: no good case"


def test_every_patch_source_has_a_parser_and_fixtures():
    assert set(SOURCES) == set(PARSERS)


def test_captured_outputs_are_present():
    """This Debian 12 build machine's real outputs are among the fixtures."""
    for name in ("apt_get_s_dist_upgrade/debian12_captured.raw",
                 "cat_var_log_apt_history_log/debian12_captured.raw",
                 "dpkg_query_W_f_Package_Version_Status_n_linux_image/"
                 "debian12_captured_none.raw",
                 "cat_etc_os_release/debian12_captured.raw"):
        assert (LINUX / name).read_text().startswith("# captured ")


# ------------------------------------------------------------------------------------------
# version ordering
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("table", ["dpkg_compare_versions", "rpm_vercmp"])
def test_version_order_matches_the_real_tool(table):
    spec = yaml.safe_load((FIXTURES / "version_compare" / f"{table}.yml").read_text())
    lines = read_raw(FIXTURES / "version_compare" / f"{table}.raw").splitlines()
    assert len(lines) == spec["pairs"]
    wrong = []
    for line in lines:
        a, b, expected = line.split()
        if version_compare(spec["family"], a, b) != int(expected):
            wrong.append(line)
    assert not wrong, f"{len(wrong)} pairs ordered unlike the real tool: {wrong[:5]}"


@pytest.mark.parametrize("a, b, expected", [
    ("1:1.0", "2.0", 1),                      # epoch wins
    ("1.0~rc1", "1.0", -1),                   # tilde sorts before the release
    ("1.0~rc1", "1.0~rc1~1", 1),
    ("1.0-1+deb12u1", "1.0-1", 1),            # security rebuild is newer
    ("1.0-1~deb12u1", "1.0-1", -1),           # backport-style ~ is older
    ("6.1.106-3", "6.1.76-1", 1),             # numeric, not string, comparison
    ("2.66-4+deb12u3+b1", "2.66-4+deb12u2+b2", 1),
    ("1.0", "1.0-0", 0),                      # an absent revision equals "0"
])
def test_dpkg_tricky(a, b, expected):
    assert dpkg_version_compare(a, b) == expected
    assert dpkg_version_compare(b, a) == -expected


@pytest.mark.parametrize("a, b, expected", [
    ("5.14.0-362.13.1.el9_3", "5.14.0-362.8.1.el9_3", 1),
    ("5.14.0-362.el9", "5.14.0-362.8.1.el9_3", -1),
    ("5.14.0-70.13.1.el9_0", "5.14.0-362.el9", -1),
    ("1:3.0.7-25.el9_3", "3.0.7-27.el9", 1),   # epoch
    ("1.0~rc1", "1.0", -1),
    ("1.0^git1", "1.0", 1),                     # caret: post-release snapshot
    ("1.0^git1", "1.0.1", -1),
    ("2.02-0.87.0.1.el7", "2.02-0.87.el7.centos", 1),  # numeric segment beats alpha
    ("1.0a", "1.0", 1),
    ("1.0", "1.0.0", -1),
    ("001", "1", 0),
])
def test_rpm_tricky(a, b, expected):
    assert rpm_label_compare(a, b) == expected
    assert rpm_label_compare(b, a) == -expected


def test_rpm_label_compare_tuples_and_missing_release():
    assert rpm_label_compare(("0", "1.0", None), ("0", "1.0", "5.el9")) == 0
    assert rpm_label_compare((None, "1.0", "1"), ("1", "0.1", "1")) == -1
    assert rpm_vercmp("el9_3", "el9") == 1
    assert split_evr("1:3.0.7-25.el9_3") == (1, "3.0.7", "25.el9_3")
    assert split_evr("3.0.7") == (0, "3.0.7", "")
    with pytest.raises(ParseError):
        split_evr("x:1.0-1")
    with pytest.raises(ParseError):
        split_evr("1.0 -1")


def test_dpkg_version_parsing():
    assert parse_dpkg_version("1:2.66-4+deb12u3+b1") == (1, "2.66", "4+deb12u3+b1")
    assert parse_dpkg_version("5.15.0-91.101") == (0, "5.15.0", "91.101")
    assert parse_dpkg_version("1.2-3-4") == (0, "1.2-3", "4")
    for bad in ("", "1.0 beta", "a:1.0", "1.0:1-1", "1.0-"):
        with pytest.raises(ParseError):
            parse_dpkg_version(bad)


# ------------------------------------------------------------------------------------------
# small helpers
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("origin, security", [
    ("Debian-Security:12/bookworm-security", True),
    ("Debian-Security:12/oldstable-security", True),
    ("Ubuntu:22.04/jammy-security", True),
    ("UbuntuESM:22.04/jammy-infra-security", True),
    ("Debian:12.15/oldstable", False),
    ("Ubuntu:22.04/jammy-updates", False),
    ("localrepo:1.0/stable", False),
    ("localhost", False),
])
def test_apt_security_origins(origin, security):
    assert apt_origin_is_security(origin) is security


def test_index_freshness_apt_and_rpm():
    apt = index_freshness([
        ("lock", 900.0),
        ("deb.debian.org_debian_dists_bookworm_InRelease", 100.0),
        ("deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4", 200.0),
        ("/var/lib/apt/periodic/update-success-stamp", 300.0),
    ])
    assert apt == {"fetched": True, "index_files": 2, "newest_mtime": 300.0}
    # a stamp alone (lists deleted since) does not count as fetched lists
    assert index_freshness([("/var/lib/apt/periodic/update-stamp", 300.0), ("lock", 5.0)]) == {
        "fetched": False, "index_files": 0, "newest_mtime": None}
    rpm = index_freshness([
        ("/var/cache/dnf/baseos-1a2b/repodata/repomd.xml", 50.0),
        ("/var/cache/dnf/baseos.solv", 999.0),
    ], kind="rpm")
    assert rpm == {"fetched": True, "index_files": 1, "newest_mtime": 50.0}
    assert index_freshness([], kind="rpm")["fetched"] is False


@pytest.mark.parametrize("uname_v, expected", [
    ("#1 SMP PREEMPT_DYNAMIC Debian 6.1.106-3 (2024-08-26)", ("deb", "6.1.106-3")),
    ("#101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023", ("ubuntu", "101")),
    ("#14~22.04.1-Ubuntu SMP PREEMPT_DYNAMIC Mon Nov 20 18:15:30 UTC 2", ("ubuntu", "14~22.04.1")),
    ("#1 SMP PREEMPT_DYNAMIC Fri Nov 3 10:20:01 EDT 2023", (None, None)),
    ("", (None, None)),
])
def test_running_build(uname_v, expected):
    assert parse_running_build(uname_v) == expected


@pytest.mark.parametrize("release, flavour", [
    ("6.1.0-25-amd64", "amd64"),
    ("6.1.0-25-cloud-amd64", "cloud-amd64"),
    ("5.15.0-91-generic", "generic"),
    ("5.15.0-1050-azure", "azure"),
    ("6.18.44-fc-v657", ""),
    ("5.14.0-362.8.1.el9_3.x86_64", ""),
])
def test_kernel_flavour(release, flavour):
    assert kernel_flavour(release) == flavour


@pytest.mark.parametrize("text, expected", [
    ("Tue Jan  9 10:12:33 2024", "2024-01-09 10:12:33"),
    ("Tue 14 Nov 2023 10:12:33 AM CST", "2023-11-14 10:12:33"),
    ("Tue 14 Nov 2023 12:05:00 AM CST", "2023-11-14 00:05:00"),
    ("Tue 14 Nov 2023 12:05:00 PM CST", "2023-11-14 12:05:00"),
    ("Tue 14 Nov 2023 22:12:33 GMT", "2023-11-14 22:12:33"),
    ("2023-11-14 22:12:33", "2023-11-14 22:12:33"),
])
def test_rpm_dates(text, expected):
    assert parse_rpm_date(text) == expected


@pytest.mark.parametrize("text", [
    "2024年01月09日 星期二 10时12分33秒",
    "Di 09 Jan 2024 10:12:33 CET",
    "Tue 14 Nov 2023 13:12:33 PM CST",      # hour out of range for 12-hour clock
    "Tue Feb 30 10:12:33 2024x",
    "",
])
def test_rpm_dates_unreadable(text):
    with pytest.raises(ParseError):
        parse_rpm_date(text)


def test_check_update_rejects_unknown_exit_status():
    with pytest.raises(ParseError, match="status 2"):
        parse_check_update("", 2)


def test_history_rows_without_header_are_refused():
    with pytest.raises(ParseError, match="without a header"):
        parse_history_list("    13 | upgrade -y               | 2024-02-01 09:12 | I, U"
                           "           |   57   \n")
