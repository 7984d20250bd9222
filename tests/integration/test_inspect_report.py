"""`weibao inspect` and `weibao report monthly` end to end, against podman test hosts.

One inspection of three hosts (healthy, faulty, unreachable: see conftest.py) is run through
the command line exactly as a user runs it; the tests then read the run, its findings and the
monthly reports back through the command line. Needs podman and the image built by
tests/images/build.sh; takes about a minute or two.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from ansible.module_utils.weibao_inspection.findings import FIELDS, validate_finding
from babel.messages.pofile import read_po
from hosts import PROJECT, SITE, ItHosts, describe, run_weibao

PERIOD = "2026-11"
# what an induced fault must produce: a judged problem (an `unknown` would mean the check
# could not read the fault at all, which must fail these tests)
FOUND = ("warning", "critical")
LANGS = ("en", "zh-CN")
FORMATS = ("html", "md", "json")


@dataclass
class Inspection:
    hosts: ItHosts
    inventory: Path
    data_dir: Path
    proc: object  # subprocess.CompletedProcess of `weibao inspect`


@pytest.fixture(scope="module")
def inspection(it_hosts: ItHosts, it_inventory: Path,
               tmp_path_factory: pytest.TempPathFactory) -> Inspection:
    data_dir = tmp_path_factory.mktemp("weibao-data")
    proc = run_weibao("inspect", "--inventory", str(it_inventory), "--site", SITE,
                      "--period", PERIOD, data_dir=data_dir)
    return Inspection(it_hosts, it_inventory, data_dir, proc)


def _json(proc) -> object:
    assert proc.returncode == 0, describe(proc)
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        pytest.fail(f"not JSON ({exc}):\n{describe(proc)}")


def _runs(insp: Inspection) -> list[dict]:
    runs = _json(run_weibao("runs", "--json", data_dir=insp.data_dir))
    assert isinstance(runs, list), runs
    return runs


@pytest.fixture(scope="module")
def run(inspection: Inspection) -> dict:
    runs = _runs(inspection)
    assert len(runs) == 1, f"expected exactly one stored run, got {len(runs)}: {runs}"
    return runs[0]


@pytest.fixture(scope="module")
def findings(inspection: Inspection, run: dict) -> list[dict]:
    items = _json(run_weibao("findings", "--run", str(run["id"]), "--json",
                             data_dir=inspection.data_dir))
    assert isinstance(items, list) and items, f"no findings stored for run {run['id']}"
    return items


@pytest.fixture(scope="module")
def reports(inspection: Inspection, run: dict, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    for lang in LANGS:
        proc = run_weibao("report", "monthly", "--site", SITE, "--period", PERIOD,
                          "--lang", lang, "--format", ",".join(FORMATS), "--out", str(out),
                          data_dir=inspection.data_dir)
        assert proc.returncode == 0, describe(proc)
    return out


def _of(findings: list[dict], host: str, check_id: str) -> list[dict]:
    return [f for f in findings if f["host"] == host and f["check_id"] == check_id]


def _show(items: list[dict]) -> str:
    return "\n".join(f"  {f['status']:<8} {f['host']} {f['check_id']} [{f['component']}]: "
                     f"{f['summary']}" for f in items) or "  (none)"


# --------------------------------------------------------------------------- inspect


def test_inspect_exits_2_and_names_the_unreachable_host(inspection: Inspection) -> None:
    proc = inspection.proc
    assert proc.returncode == 2, (
        "a run with an unreachable host must exit 2 (incomplete)\n" + describe(proc))
    assert inspection.hosts.unreachable in proc.stdout + proc.stderr, (
        "the unreachable host must be named in the output\n" + describe(proc))


def test_runs_records_each_host_outcome(inspection: Inspection, run: dict) -> None:
    hosts = inspection.hosts
    assert run["site"] == SITE and run["period"] == PERIOD, run
    statuses = {h["name"]: h["status"] for h in run["hosts"]}
    assert statuses == {
        hosts.healthy: "inspected",
        hosts.faulty: "inspected",
        hosts.unreachable: "unreachable",
    }, f"host outcomes of run {run['id']}: {json.dumps(run['hosts'], indent=1)}"


# --------------------------------------------------------------------------- findings


def test_findings_follow_the_schema(inspection: Inspection, findings: list[dict]) -> None:
    hosts = inspection.hosts
    for f in findings:
        # every field; message and cause are optional in the schema, but every finding a
        # module makes keeps its messages, and only an unknown has a cause
        assert set(FIELDS) - {"cause"} <= set(f) <= set(FIELDS), f"fields of {f}"
        assert ("cause" in f) == (f["status"] == "unknown"), f
        validate_finding(f)
    seen = {f["host"] for f in findings}
    assert seen == {hosts.healthy, hosts.faulty}, (
        f"findings must come from the two inspected hosts only, got {sorted(seen)}")


def test_faulty_host_full_filesystem_is_critical(inspection: Inspection,
                                                 findings: list[dict]) -> None:
    items = _of(findings, inspection.hosts.faulty, "system.filesystem_usage")
    full = [f for f in items if f["component"] == "/mnt/weibao-full"]
    assert full and all(f["status"] == "critical" for f in full), (
        "expected system.filesystem_usage critical for /mnt/weibao-full (97% used), got:\n"
        + _show(items))


def test_faulty_host_disk_io_error_on_sdb(inspection: Inspection,
                                          findings: list[dict]) -> None:
    items = _of(findings, inspection.hosts.faulty, "errlog.disk_io")
    assert any(f["status"] in FOUND and "sdb" in f["component"] for f in items), (
        "expected errlog.disk_io not ok for sdb (blk_update_request I/O error), got:\n"
        + _show(items))


def test_faulty_host_nic_link_down(inspection: Inspection, findings: list[dict]) -> None:
    items = _of(findings, inspection.hosts.faulty, "errlog.nic_link")
    assert any(f["status"] in FOUND and "eth1" in f["component"] for f in items), (
        "expected errlog.nic_link warning for eth1 (NIC Link is Down), got:\n" + _show(items))


def test_faulty_host_pending_update(inspection: Inspection, findings: list[dict]) -> None:
    items = _of(findings, inspection.hosts.faulty, "patch.pending_updates")
    assert items and all(f["status"] in FOUND for f in items), (
        "expected patch.pending_updates not ok (weibao-fault-demo 1.0 -> 1.1), got:\n"
        + _show(items))


def test_faulty_host_out_of_inodes(inspection: Inspection, findings: list[dict]) -> None:
    items = _of(findings, inspection.hosts.faulty, "system.filesystem_inodes")
    full = [f for f in items if f["component"] == "/mnt/weibao-inodes"]
    assert full and all(f["status"] in FOUND for f in full), (
        "expected system.filesystem_inodes warning or critical for /mnt/weibao-inodes (97 of "
        "its 100 inodes used), got:\n" + _show(items))


def test_faulty_host_readonly_mount_is_critical(inspection: Inspection,
                                                findings: list[dict]) -> None:
    items = _of(findings, inspection.hosts.faulty, "system.readonly_mounts")
    ro = [f for f in items if f["component"] == "/mnt/weibao-ro"]
    assert ro and all(f["status"] == "critical" for f in ro), (
        "expected system.readonly_mounts critical for /mnt/weibao-ro (mounted ro, its "
        "/etc/fstab line says rw), got:\n" + _show(items))


def _healthy_ok(inspection: Inspection, findings: list[dict], check_id: str) -> list[dict]:
    """The healthy host reports ``check_id``, and only as ok; returns its findings."""
    items = _of(findings, inspection.hosts.healthy, check_id)
    assert items, f"the healthy host must report {check_id} (ok), not leave it out"
    assert all(f["status"] == "ok" for f in items), (
        f"the healthy host has no fault for {check_id}, got:\n" + _show(items))
    return items


def test_healthy_host_has_no_inode_or_readonly_mount_faults(inspection: Inspection,
                                                            findings: list[dict]) -> None:
    for check_id in ("system.filesystem_inodes", "system.readonly_mounts"):
        items = _healthy_ok(inspection, findings, check_id)
        assert not [f for f in items
                    if f["component"] in ("/mnt/weibao-inodes", "/mnt/weibao-ro")], (
            "the healthy host has no fault mounts, got:\n" + _show(items))


def test_healthy_host_has_no_disk_or_link_errors(inspection: Inspection,
                                                 findings: list[dict]) -> None:
    for check_id in ("errlog.disk_io", "errlog.nic_link"):
        _healthy_ok(inspection, findings, check_id)


def test_findings_status_filter(inspection: Inspection, run: dict,
                                findings: list[dict]) -> None:
    critical = _json(run_weibao("findings", "--run", str(run["id"]), "--status", "critical",
                                "--json", data_dir=inspection.data_dir))
    assert critical, "expected at least the /mnt/weibao-full finding with --status critical"
    assert {f["status"] for f in critical} == {"critical"}
    assert len(critical) == sum(1 for f in findings if f["status"] == "critical")
    assert any(f["host"] == inspection.hosts.faulty and f["component"] == "/mnt/weibao-full"
               for f in critical), _show(critical)


# --------------------------------------------------------------------------- reports


def _report(out: Path, lang: str, fmt: str) -> Path:
    return out / f"monthly-{SITE}-{PERIOD}.{lang}.{fmt}"


def _unreachable_labels(lang: str) -> list[str]:
    """How the report marks an unreachable host in ``lang`` (read from the catalog)."""
    if lang == "en":
        return ["unreachable"]
    po = PROJECT / "report_templates" / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po"
    labels = []
    if po.exists():
        with po.open("rb") as fh:
            catalog = read_po(fh, locale="zh_CN")
        for message in catalog:
            msgid = message.id if isinstance(message.id, str) else (message.id or [""])[0]
            text = message.string if isinstance(message.string, str) else \
                (message.string or [""])[0]
            if msgid and text and re.match(r"(?i)unreachable\b", msgid) and not message.fuzzy:
                labels.append(text.lower())
    return labels or ["不可达"]


def test_report_files_exist(reports: Path) -> None:
    missing = [_report(reports, lang, fmt).name for lang in LANGS for fmt in FORMATS
               if not _report(reports, lang, fmt).is_file()]
    written = sorted(p.name for p in reports.iterdir())
    assert not missing, f"missing reports: {missing}; written: {written}"


@pytest.mark.parametrize("lang", LANGS)
def test_report_html_names_hosts_and_faults(inspection: Inspection, reports: Path,
                                            lang: str) -> None:
    hosts = inspection.hosts
    html = _report(reports, lang, "html").read_text(encoding="utf-8")
    for name in hosts.all:
        assert name in html, f"{lang} report does not name host {name}"
    labels = _unreachable_labels(lang)
    rows = [row.lower() for row in re.split(r"<tr\b", html) if hosts.unreachable in row]
    assert any(label in row for row in rows for label in labels), (
        f"{lang} report: no table row marks {hosts.unreachable} as unreachable "
        f"(looked for {labels})")
    assert "/mnt/weibao-full" in html, f"{lang} report does not show the full filesystem"


def test_zh_report_shows_each_finding_in_chinese(inspection: Inspection, reports: Path,
                                                 findings: list[dict]) -> None:
    """The modules write every finding in both languages; the zh-CN report shows the Chinese
    and the English report the English."""
    zh = html_lib.unescape(_report(reports, "zh-CN", "html").read_text(encoding="utf-8"))
    en = html_lib.unescape(_report(reports, "en", "html").read_text(encoding="utf-8"))
    full = next(f for f in findings if f["host"] == inspection.hosts.faulty
                and f["check_id"] == "system.filesystem_usage"
                and f["component"] == "/mnt/weibao-full")
    chinese = full["translations"]["zh-CN"]
    assert re.search(r"[\u4e00-\u9fff]", chinese["summary"]), chinese
    assert chinese["summary"] in zh and chinese["recommendation"] in zh
    assert full["summary"] not in zh
    assert full["summary"] in en and chinese["summary"] not in en
    missing = [(f["host"], f["check_id"], f["component"]) for f in findings
               if not (f.get("translations") or {}).get("zh-CN", {}).get("summary")]
    assert not missing, f"findings without Chinese text: {missing}"


@pytest.mark.parametrize("lang", LANGS)
def test_report_json_matches_the_store(inspection: Inspection, reports: Path,
                                       findings: list[dict], lang: str) -> None:
    hosts = inspection.hosts
    data = json.loads(_report(reports, lang, "json").read_text(encoding="utf-8"))
    summary = data["summary"]
    assert summary["hosts_total"] == 3, summary
    assert summary["hosts_inspected"] == 2, summary
    assert summary["hosts_unreachable"] == 1, summary
    stored = Counter(f["status"] for f in findings)
    assert summary["counts"] == {s: stored.get(s, 0) for s in summary["counts"]}, (
        f"report counts {summary['counts']} != stored findings {dict(stored)}")
    assert sum(summary["counts"].values()) == len(findings)
    by_name = {h["name"]: h for h in data["hosts"]}
    assert by_name[hosts.unreachable]["status"] == "unreachable"
    assert any(f["host"] == hosts.faulty and f["check_id"] == "system.filesystem_usage"
               and f["component"] == "/mnt/weibao-full" and f["status"] == "critical"
               for f in data["findings"]), "the JSON report lacks the /mnt/weibao-full finding"


# --------------------------------------------------------------------------- bad input


def test_bad_inventory_exits_3_and_stores_nothing(inspection: Inspection, run: dict,
                                                  tmp_path: Path) -> None:
    before = _runs(inspection)
    bad = tmp_path / "broken-hosts.yml"
    bad.write_text("all:\n  hosts:\n    [unclosed\n", encoding="utf-8")
    proc = run_weibao("inspect", "--inventory", str(bad), "--site", SITE, "--period", PERIOD,
                      data_dir=inspection.data_dir, timeout=120)
    assert proc.returncode == 3, describe(proc)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(bad) in lines[0], (
        "expected a one-line error naming the file\n" + describe(proc))
    after = _runs(inspection)
    assert [r["id"] for r in after] == [r["id"] for r in before], (
        f"a rejected inventory must not create a run: before {before}, after {after}")
