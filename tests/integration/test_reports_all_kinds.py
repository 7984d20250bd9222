"""Every report kind from a store filled by real runs, in both languages and every format.

The session's test hosts (a healthy, a faulty and an unreachable container: conftest.py) are
inspected twice this month and the healthy one backed up, all through the command line; a
fault ticket, an on-site service record and a manual on-site visit are filed with `weibao
fault|service|onsite`. Then `weibao report KIND` writes html, md, json, pdf and docx in English
and Chinese for the monthly, performance, quarterly, annual, fault and service reports, and
the files are read back as a client would: pdftotext and pdffonts (the Chinese text is there,
the CJK font embedded), python-docx (Word headings and tables) and LibreOffice converting one
Word file to PDF (a real reader). About two minutes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from change_site import ok, write_site
from hosts import ItHosts, describe, inventory_data

pytestmark = pytest.mark.integration

SITE = "it-reports"
ZONE = "Asia/Shanghai"
LANGS = ("en", "zh-CN")
FORMATS = ("html", "md", "json", "pdf", "docx")
# a word of each kind's title, as printed in the PDF
TITLES = {
    "monthly": ("Inspection", "巡视检查"),
    "performance": ("Performance", "性能"),
    "quarterly": ("Quarterly", "季度"),
    "annual": ("Annual", "年度"),
    "fault": ("Fault", "故障"),
    "service": ("Service", "服务"),
}


def _local(when: dt.datetime) -> str:
    return when.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture(scope="module")
def filled(it_hosts: ItHosts, tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("reports-site")
    data = inventory_data(it_hosts)["all"]
    site = write_site(root, SITE, ZONE, {"children": data["children"]})
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    local = now.astimezone(ZoneInfo(ZONE))
    period = local.strftime("%Y-%m")
    inventory = str(site.inventory)
    for _ in range(2):  # twice: findings followed, counters compared, performance merged
        proc = site.weibao("inspect", "--inventory", inventory, "--site", SITE, "--period",
                           now.strftime("%Y-%m"))
        assert proc.returncode in (1, 2), describe(proc)  # faults found, one unreachable
    ok(site.weibao("backup", "run", "--inventory", inventory, "--limit", it_hosts.healthy))
    inv = ["-i", str(site.inventory.parent)]
    opened = ok(site.weibao("fault", "open", "--site", SITE, *inv, "--host", it_hosts.faulty,
                            "--priority", "P2", "--component", "disk",
                            "--summary", "sdb 读写错误 / sdb I/O errors",
                            "--reported-at", _local(now - dt.timedelta(hours=5))))
    fault = re.search(r"F-\d{4}-\d{4}", opened.stdout).group(0)
    ok(site.weibao("fault", "update", fault, *inv,
                   "--responded-at", _local(now - dt.timedelta(hours=4, minutes=45)),
                   "--onsite-at", _local(now - dt.timedelta(hours=3)),
                   "--part", "HDD 600GB 10k;SN-OUT-0001;SN-IN-0002"))
    ok(site.weibao("fault", "close", fault, *inv,
                   "--restored-at", _local(now - dt.timedelta(hours=2)),
                   "--cause", "磁盘老化 / disk worn out",
                   "--resolution", "更换 sdb / replaced sdb"))
    record = root / "visit.yml"
    record.write_text(yaml.safe_dump({
        "site": SITE, "arrival": _local(now - dt.timedelta(hours=3, minutes=5)),
        "departure": _local(now - dt.timedelta(hours=1, minutes=50)),
        "engineers": ["zhang.san", "li.si"], "client_representative": "zhao.liu",
        "work": "更换 sdb; 阵列重建。", "result": "业务恢复正常。", "remaining_issues": "无",
        "evaluation": "satisfied", "evaluation_comment": "响应及时", "fault": fault,
        "change": ""}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    filed = ok(site.weibao("service", "record", "--site", SITE, *inv, "--file", str(record)))
    service = re.search(r"S-\d{4}-\d{4}", filed.stdout)
    if service is None:
        listed = json.loads(ok(site.weibao("service", "list", "--site", SITE, *inv,
                                           "--json")).stdout)
        service_id = listed[0]["id"]
    else:
        service_id = service.group(0)
    visit = root / "onsite.yml"
    visit.write_text(yaml.safe_dump({
        "visited_at": _local(now - dt.timedelta(hours=2, minutes=30)), "engineer": "zhang.san",
        "values": {"room_temperature": 31, "humidity": 45, "supply_voltage": 221,
                   "grounding": "ok", "cleanliness": "good", "cleaning_done": True,
                   "cables": "ok"}}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    proc = site.weibao("onsite", "record", "--site", SITE, *inv, "--period", period,
                       "--file", str(visit))
    assert proc.returncode in (0, 1), describe(proc)  # 31 °C is out of range: not ok
    quarter = f"{local.year}-Q{(local.month - 1) // 3 + 1}"
    subjects = {"monthly": ["--site", SITE, "--period", period],
                "performance": ["--site", SITE, "--period", period],
                "quarterly": ["--site", SITE, "--period", quarter],
                "annual": ["--site", SITE, "--period", str(local.year)],
                "fault": [fault, "--site", SITE],
                "service": [service_id, "--site", SITE]}
    out = root / "reports"
    written: dict[tuple[str, str], list[Path]] = {}
    for kind, args in subjects.items():
        for lang in LANGS:
            before = set(out.rglob("*")) if out.exists() else set()
            proc = ok(site.weibao("report", kind, *args, "--inventory",
                                  str(site.inventory.parent), "--lang", lang, "--format",
                                  ",".join(FORMATS), "--out", str(out / kind)))
            written[(kind, lang)] = sorted(p for p in set(out.rglob("*")) - before
                                           if p.is_file())
            assert written[(kind, lang)], describe(proc)
    return {"site": site, "written": written, "fault": fault}


def _file(filled: dict, kind: str, lang: str, ext: str) -> Path:
    files = [p for p in filled["written"][(kind, lang)] if p.suffix == f".{ext}"]
    assert len(files) == 1, (kind, lang, ext, filled["written"][(kind, lang)])
    return files[0]


@pytest.mark.parametrize("kind", list(TITLES))
def test_every_kind_in_every_format_and_language(filled: dict, kind: str) -> None:
    for lang in LANGS:
        exts = sorted(p.suffix for p in filled["written"][(kind, lang)])
        assert exts == sorted(f".{f}" for f in FORMATS), (kind, lang, exts)
        data = json.loads(_file(filled, kind, lang, "json").read_text(encoding="utf-8"))
        assert data["lang"] == lang


@pytest.mark.parametrize("kind", list(TITLES))
def test_pdf_has_the_chinese_text_and_embeds_its_font(filled: dict, kind: str) -> None:
    if shutil.which("pdftotext") is None:
        pytest.fail("poppler-utils is missing: ./dev.sh setup test", pytrace=False)
    for lang, word in zip(LANGS, TITLES[kind], strict=True):
        pdf = _file(filled, kind, lang, "pdf")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                              capture_output=True, text=True, timeout=60).stdout
        assert word in text, (kind, lang, text[:1500])
        if lang == "zh-CN":
            assert re.search(r"第\s*1\s*页", text), text[:1500]
            fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                                   text=True, timeout=60).stdout
            cjk = [line for line in fonts.splitlines() if "CJK" in line]
            assert cjk and all(" yes " in line for line in cjk), fonts


@pytest.mark.parametrize("kind", list(TITLES))
def test_word_file_has_headings_and_tables(filled: dict, kind: str) -> None:
    import docx

    for lang in LANGS:
        document = docx.Document(str(_file(filled, kind, lang, "docx")))
        headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
        assert headings, (kind, lang)
        assert document.tables, (kind, lang)
        if lang == "zh-CN":
            assert any(re.search(r"[\u4e00-\u9fff]", h) for h in headings), headings


def test_the_faulty_host_and_the_fault_are_in_the_reports(filled: dict, it_hosts) -> None:
    monthly = _file(filled, "monthly", "en", "html").read_text(encoding="utf-8")
    assert it_hosts.faulty in monthly and it_hosts.unreachable in monthly
    fault = _file(filled, "fault", "zh-CN", "md").read_text(encoding="utf-8")
    assert filled["fault"] in fault and "SN-OUT-0001" in fault and "SN-IN-0002" in fault
    service = _file(filled, "service", "zh-CN", "md").read_text(encoding="utf-8")
    assert "张三" in service and "李四" in service  # engineers by name from people.yml
    annual = json.loads(_file(filled, "annual", "en", "json").read_text(encoding="utf-8"))
    assert filled["fault"] in json.dumps(annual)


def test_libreoffice_reads_the_chinese_word_file(filled: dict, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice is missing: ./dev.sh setup test", pytrace=False)
    source = _file(filled, "quarterly", "zh-CN", "docx")
    proc = subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir",
                           str(tmp_path), str(source)], capture_output=True, text=True,
                          timeout=180, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    converted = tmp_path / (source.stem + ".pdf")
    assert converted.is_file(), proc.stdout + proc.stderr
    text = subprocess.run(["pdftotext", str(converted), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout
    assert "季度" in text, text[:1000]


