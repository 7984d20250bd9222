"""The monthly inspection report (巡视检查报告): rendering, content, languages, safety.

The context in fixtures/report/monthly_context.json has the shape monthly_context
(weibao.report.kinds.monthly.context) builds: one inspected host with a critical, a warning
and an unknown finding (db01), one unreachable host (app02), one host whose inspection failed
part-way (web03), no backups.
"""

from __future__ import annotations

import copy
import html
import json
import re
import shutil
from pathlib import Path

import markdown_it
import pytest

from weibao.errors import WeibaoError
from weibao.report import render as render_mod
from weibao.report import render_report
from weibao.report.render import ReportError

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "monthly_context.json"
LANGS = ("en", "zh-CN")
FORMATS = ["html", "md", "json"]
CJK = re.compile(r"[\u4e00-\u9fff]")

# What the template itself says, per language (the data stays as the modules wrote it).
WORDS = {
    "en": {
        "title": "Monthly Inspection Report",
        "client": "Client",
        "inspectors": "Inspectors",
        "assessment": "System state detection and assessment",
        "backups": "System backup records",
        "recommendations": "System management recommendations",
        "no_backups": "No backup records for this period.",
        "unreachable": "Unreachable, not inspected",
        "unreachable_notice": "Not inspected: the host could not be reached.",
        "failed": "Inspection failed",
        "failed_notice": "The inspection failed on this host.",
        "all_ok": "Every check on every host was OK.",
        "status": {"critical": "Critical", "warning": "Warning", "unknown": "Unknown", "ok": "OK"},
        "inspectors_joined": "zhang.san, li.si",
        "period_covered": "2026-11-01 to 2026-11-30",
    },
    "zh-CN": {
        "title": "巡视检查报告",
        "client": "甲方（客户）",
        "inspectors": "巡检人员",
        "assessment": "系统状态检测和评估",
        "backups": "系统备份记录",
        "recommendations": "系统管理建议",
        "no_backups": "本期无系统备份记录。",
        "unreachable": "无法连接，未检查",
        "unreachable_notice": "未检查：无法连接该主机。",
        "failed": "检查失败",
        "failed_notice": "该主机检查失败。",
        "all_ok": "所有主机的所有检查项均正常。",
        "status": {"critical": "严重", "warning": "警告", "unknown": "未知", "ok": "正常"},
        "inspectors_joined": "zhang.san、li.si",
        "period_covered": "2026-11-01 至 2026-11-30",
    },
}
ORDER = ("critical", "warning", "unknown", "ok")
# the words the rules use for host-wide components, as the zh-CN report shows them
COMPONENTS_ZH = {"boot": "开机", "clock": "时钟", "cpu": "CPU", "memory": "内存",
                 "mounts": "挂载点", "processes": "进程", "swap": "交换空间",
                 "(other)": "（其他组件）"}


# ----------------------------------------------------------------------------- helpers


def load_context() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def strip_tags(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def visible_text(page: str) -> str:
    """The text a reader sees (title and body; no CSS)."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def headings(page: str, levels: str = "1-4") -> list[str]:
    return [
        strip_tags(m.group(2))
        for m in re.finditer(rf"<h([{levels}])[^>]*>(.*?)</h\1>", page, flags=re.S)
    ]


def section(page: str, section_id: str) -> str:
    """The HTML of <section ... id="section_id"> up to the next chapter section."""
    start = page.index(f'id="{section_id}"')
    end = page.find('<section class="chapter"', start)
    return page[start : end if end != -1 else len(page)]


def tables(fragment: str) -> list[list[list[str]]]:
    """Tables as rows of cell texts (weibao's tables are not nested)."""
    out = []
    for table in re.findall(r"<table.*?</table>", fragment, flags=re.S):
        rows = []
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
            rows.append([strip_tags(c) for c in cells])
        out.append(rows)
    return out


def row_of(fragment: str, first_cell: str) -> list[str]:
    for table in tables(fragment):
        for row in table:
            if row and row[0] == first_cell:
                return row
    raise AssertionError(f"no table row starting with {first_cell!r}")


def badge_statuses(fragment: str) -> list[str]:
    return re.findall(r'class="badge status-(\w+)"', fragment)


def rank_sorted(statuses: list[str]) -> bool:
    ranks = [ORDER.index(s) for s in statuses]
    return ranks == sorted(ranks)


def data_strings(value) -> set[str]:
    """Every string in the context (values and keys): text the template did not write."""
    out: set[str] = set()
    if isinstance(value, str):
        out.add(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            out.add(key)
            out |= data_strings(item)
    elif isinstance(value, list):
        for item in value:
            out |= data_strings(item)
    return out


@pytest.fixture(autouse=True)
def _fresh_environments():
    render_mod.clear_cache()
    yield
    render_mod.clear_cache()


@pytest.fixture
def context() -> dict:
    return load_context()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[tuple[str, str], str]:
    """{(lang, format): text} of the fixture rendered in every language and format."""
    out_dir = tmp_path_factory.mktemp("reports")
    result = {}
    for lang in LANGS:
        paths = render_report("monthly", load_context(), lang, FORMATS, out_dir)
        for fmt, path in zip(FORMATS, paths, strict=True):
            result[(lang, fmt)] = path.read_text(encoding="utf-8")
    return result


# ----------------------------------------------------------------------------- files


def test_writes_one_file_per_format_with_the_contract_name(tmp_path, context):
    formats = ["json", "html", "md", "html"]
    paths = render_report("monthly", context, "zh_CN.UTF-8", formats, tmp_path)
    assert [p.name for p in paths] == [
        "monthly-example-2026-11.zh-CN.json",
        "monthly-example-2026-11.zh-CN.html",
        "monthly-example-2026-11.zh-CN.md",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)


def test_replaces_an_older_report_of_the_same_name(tmp_path, context):
    old = tmp_path / "monthly-example-2026-11.en.md"
    old.write_text("old report\n", encoding="utf-8")
    render_report("monthly", context, "en", ["md"], tmp_path)
    assert old.read_text(encoding="utf-8").startswith("# Monthly Inspection Report\n")
    assert [p.name for p in tmp_path.iterdir()] == [old.name]


# ----------------------------------------------------------------------------- content


@pytest.mark.parametrize("lang", LANGS)
def test_cover_names_client_site_period_and_inspectors(rendered, lang):
    words = WORDS[lang]
    for fmt in ("html", "md"):
        text = rendered[(lang, fmt)]
        cover = visible_text(section(text, "cover")) if fmt == "html" else text.split("\n## ")[0]
        for expected in (
            words["title"],
            words["client"],
            "Example Bank Data Centre",
            "Example Services Co.",
            "WB-2026-001",
            "example",
            "2026-11",
            words["period_covered"],
            words["inspectors"],
            words["inspectors_joined"],
            # the runs' UTC times in the site's zone (Asia/Shanghai, UTC+8)
            "2026-11-02 09:30 CST",
            "2026-11-03 10:04 CST",
            "Asia/Shanghai",
        ):
            assert expected in cover, (lang, fmt, expected)


@pytest.mark.parametrize("lang", LANGS)
def test_summary_counts_hosts_and_findings(rendered, lang):
    status = WORDS[lang]["status"]
    summary = section(rendered[(lang, "html")], "summary")
    host_counts, by_status, _glance = tables(summary)
    assert host_counts[1] == ["3", "1", "1", "1"]
    assert by_status[0] == [status[s] for s in ORDER]
    assert by_status[1] == ["1", "2", "1", "20"]
    md = rendered[(lang, "md")]
    header = "| " + " | ".join(status[s] for s in ORDER) + " |"
    assert header + "\n|---:|---:|---:|---:|\n| 1 | 2 | 1 | 20 |" in md


@pytest.mark.parametrize("lang", LANGS)
def test_unreachable_host_is_shown_as_unreachable_never_as_ok(rendered, lang):
    words = WORDS[lang]
    page = rendered[(lang, "html")]
    glance = row_of(section(page, "summary"), "app02")
    assert glance[1] == words["unreachable"]
    assert glance[2:7] == ["—"] * 5  # no worst status and no counts, in particular no OK
    assert words["status"]["ok"] not in glance
    host = page[page.index("<h3>app02") : page.index('id="host-2"')]
    assert 'class="badge state-unreachable"' in host
    assert "status-ok" not in host
    assert words["unreachable_notice"] in visible_text(host)
    assert "Connection timed out" in host
    md = rendered[(lang, "md")]
    assert f"| app02 | {words['unreachable']} | — | — | — | — | — |" in md
    assert f"### app02 · {words['unreachable']}\n" in md
    assert f"> **{words['unreachable_notice']}**" in md


@pytest.mark.parametrize("lang", LANGS)
def test_host_whose_module_failed_is_shown_distinctly(rendered, lang):
    words = WORDS[lang]
    page = rendered[(lang, "html")]
    glance = row_of(section(page, "summary"), "web03")
    assert glance[1] == words["failed"]
    host = page[page.index("<h3>web03") : page.index('id="backups"')]
    assert 'class="badge state-failed"' in host
    assert "notice notice-failed" in host
    assert words["failed_notice"] in visible_text(host)
    assert "MODULE FAILURE: weibao_inspect_hardware" in host
    # what it did collect and is not ok is listed (the ok checks in one line, not a table)
    assert badge_statuses(host) == ["warning", "warning"]
    md = rendered[(lang, "md")]
    assert f"### web03 · {words['failed']} · {words['status']['warning']}\n" in md
    assert "MODULE FAILURE: weibao_inspect_hardware" in md


@pytest.mark.parametrize("lang", LANGS)
def test_findings_are_worst_first(rendered, lang):
    page = rendered[(lang, "html")]
    db01 = page[page.index("<h3>db01") : page.index('id="host-3"')]
    statuses = badge_statuses(db01.split('<table class="findings">')[1].split("</table>")[0])
    # only what is not ok is a row; the ok checks are one line
    assert statuses == ["critical", "warning", "unknown"]
    assert rank_sorted(statuses)
    appendix = badge_statuses(section(page, "appendix"))
    assert appendix[:4] == ["critical", "warning", "warning", "unknown"]
    assert rank_sorted(appendix)
    recs = badge_statuses(section(page, "recommendations"))
    assert recs == ["critical", "warning", "warning", "unknown"]


def test_input_order_does_not_change_the_report(tmp_path, context):
    """Hosts by name, findings worst first whatever order the caller used."""
    shuffled = copy.deepcopy(context)
    shuffled["hosts"].reverse()
    for host in shuffled["hosts"]:
        host["findings"].reverse()
    shuffled["findings"].reverse()
    shuffled["recommendations"].reverse()
    shuffled["runs"].reverse()
    a = render_report("monthly", context, "en", ["html", "md"], tmp_path / "a")
    b = render_report("monthly", shuffled, "en", ["html", "md"], tmp_path / "b")
    for left, right in zip(a, b, strict=True):
        assert left.read_bytes() == right.read_bytes()


@pytest.mark.parametrize("lang", LANGS)
def test_backups_section_says_honestly_there_are_no_records(rendered, lang):
    words = WORDS[lang]
    backups = visible_text(section(rendered[(lang, "html")], "backups"))
    assert words["backups"] in backups
    assert words["no_backups"] in backups
    assert f"> **{words['no_backups']}**" in rendered[(lang, "md")]


def test_backup_records_are_listed_when_present(tmp_path, context):
    context["backups"] = [
        {
            "host": "db01",
            "kind": "system",
            "tool": "mksysb",
            "volume_group": "rootvg",
            "started_at": "2026-11-20T16:00:00Z",
            "finished_at": "2026-11-20T16:42:00Z",
            "size": "2.0 GiB",
            "status": "verified",
            "verification": {"method": "lsmksysb -l + restore -Tvqf", "result": "ok",
                             "detail": "2301 files listed"},
            "message": "",
        }
    ]
    (page,) = render_report("monthly", context, "en", ["html"], tmp_path)
    backups = section(page.read_text(encoding="utf-8"), "backups")
    assert row_of(backups, "db01 rootvg") == [
        "db01 rootvg",
        "mksysb",
        "2026-11-21 00:42 CST",
        "2.0 GiB",
        "Verified",
        "lsmksysb -l + restore -Tvqf: passed (2301 files listed)",
    ]
    assert "No backup records" not in backups


@pytest.mark.parametrize("lang", LANGS)
def test_recommendations_list_findings_then_hosts_to_inspect_again(rendered, lang, context):
    recs = section(rendered[(lang, "html")], "recommendations")
    items = re.findall(r"<li>(.*?)</li>", recs, flags=re.S)
    assert len(items) == 4 + 2
    expected = sorted(
        context["recommendations"],
        key=lambda r: (ORDER.index(r["status"]), r["host"], r["check_id"], r["component"]),
    )
    for item, rec in zip(items, expected, strict=False):
        text = strip_tags(item)
        assert rec["host"] in text and rec["check_id"] in text
        assert html.unescape(rec["recommendation"]) in text
    assert "app02" in items[4] and "state-unreachable" in items[4]
    assert "web03" in items[5] and "state-failed" in items[5]
    md = rendered[(lang, "md")]
    critical, failed = WORDS[lang]["status"]["critical"], WORDS[lang]["failed"]
    assert re.search(rf"^1\. \*\*{critical}\*\* · \*\*db01\*\*", md, re.M)
    assert re.search(rf"^6\. \*\*{failed}\*\* · \*\*web03\*\*", md, re.M)


@pytest.mark.parametrize("lang", LANGS)
def test_appendix_lists_every_finding_with_its_evidence(rendered, lang, context):
    appendix = section(rendered[(lang, "html")], "appendix")
    bodies = re.findall(r'<tbody class="finding">(.*?)</tbody>', appendix, flags=re.S)
    assert len(bodies) == len(context["findings"]) == 24
    listed = set()
    for body in bodies:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", body, flags=re.S)
        name, check, component = cells[3].split("<br>")
        assert strip_tags(name).strip(), "every check is shown with its name"
        listed.add((strip_tags(cells[2]), strip_tags(check), strip_tags(component)))
    shown = COMPONENTS_ZH if lang == "zh-CN" else {}
    assert listed == {(f["host"], f["check_id"], shown.get(f["component"], f["component"]))
                      for f in context["findings"]}
    text = visible_text(appendix)
    for finding in context["findings"]:
        assert finding["summary"] in text
        for line in finding["evidence"]:
            assert line in text
    md = rendered[(lang, "md")]
    assert len(re.findall(r"^#### \d+\. ", md, flags=re.M)) == 24
    runs = tables(appendix)[-1]
    assert [row[0] for row in runs[1:]] == ["2", "3"]


def test_zh_report_has_chinese_headings_and_no_untranslated_template_text(rendered, context):
    en, zh = rendered[("en", "html")], rendered[("zh-CN", "html")]
    data = data_strings(context)
    zh_heads = [h for h in headings(zh, "1-3") if h.split(" ")[0] not in data]
    assert zh_heads, "no headings found"
    for heading in zh_heads:
        assert CJK.search(heading), f"heading without Chinese: {heading!r}"
    en_heads = {h for h in headings(en, "1-3") if h.split(" ")[0] not in data}
    assert not en_heads & set(headings(zh, "1-3"))
    for fmt_text in (zh, rendered[("zh-CN", "md")]):
        assert "巡视检查报告" in fmt_text
        assert "系统状态检测和评估" in fmt_text and "系统管理建议" in fmt_text
    md_heads = [
        line.lstrip("#").strip()
        for line in rendered[("zh-CN", "md")].splitlines()
        if re.match(r"#{1,2} ", line)
    ]
    assert md_heads and all(CJK.search(h) for h in md_heads)

    # No English sentence of the catalog survives in the Chinese report: remove the data
    # (which stays English), then look for every msgid's literal fragments.
    text = visible_text(zh)
    for item in sorted(data, key=len, reverse=True):
        text = text.replace(item, " ")
    from babel.messages.pofile import read_po

    po = render_mod.templates_dir() / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fileobj:
        catalog = read_po(fileobj)
    leftovers = []
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for msgid in filter(None, ids):
            for fragment in re.split(r"%\(\w+\)s|\{\w+\}", msgid):
                fragment = fragment.strip(" :,.;")
                if (
                    len(fragment) >= 2
                    and re.search("[A-Za-z]", fragment)
                    and re.search(rf"(?<![A-Za-z]){re.escape(fragment)}(?![A-Za-z])", text)
                ):
                    leftovers.append(fragment)
    assert not leftovers, f"English template text in the zh-CN report: {leftovers}"


@pytest.mark.parametrize("lang", LANGS)
def test_html_page_is_self_contained_and_printable(rendered, lang):
    page = rendered[(lang, "html")]
    assert page.startswith(f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">')
    assert "@page {\n  size: A4;" in page
    assert '"Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif' in page
    assert "table-layout: fixed" in page and "overflow-wrap: anywhere" in page
    assert "break-inside: avoid" in page
    for table in re.findall(r"<table.*?</table>", page, flags=re.S):
        assert "<colgroup>" in table
    assert not re.search(r"""(src|href)=["'](?!#)""", page), "external resource"
    footer = re.search(r"@bottom-center \{\n    content: (.*);", page).group(1)
    assert "counter(page)" in footer and "counter(pages)" in footer


@pytest.mark.parametrize("lang", LANGS)
def test_evidence_and_data_are_escaped(rendered, lang):
    page = rendered[(lang, "html")]
    assert "<script" not in page.lower()
    assert "q=&lt;script&gt;alert(1)&lt;/script&gt;" in page
    md = rendered[(lang, "md")]
    assert "q=<script>alert(1)</script>" in md  # verbatim, inside a fenced block
    as_html = markdown_it.MarkdownIt("commonmark").enable("table").render(md)
    assert "<script" not in as_html.lower()


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_parses_into_the_expected_structure(rendered, lang):
    """Whitespace control in the .md templates is delicate: check what a renderer sees."""
    as_html = markdown_it.MarkdownIt("commonmark").enable("table").render(rendered[(lang, "md")])
    # sign-off, the health score's rules, 3 in the summary, db01 and web03 findings (only
    # what is not ok), runs
    assert as_html.count("<table>") == 8
    # + the overall conclusion (总体结论) after the cover
    assert len(re.findall(r"<h2>", as_html)) == 7
    # the health score and findings since last month + summary sub-headings + hosts + the
    # hardware section (weibao.report.kinds.monthly.hardware: its areas apply to these linux
    # hosts; none recorded a result, each host says so)
    assert len(re.findall(r"<h3>", as_html)) == 2 + 4 + 3 + 1
    # one per finding in the appendix + one per host in the hardware section (nothing new,
    # resolved, carried or waived: one line, no headings)
    assert len(re.findall(r"<h4>", as_html)) == 24 + 3
    assert as_html.count("<blockquote>") == 3  # app02, web03, no backups
    recommendations = as_html.split("<h2>4. ")[1].split("<h2>")[0]
    assert recommendations.count("<ol>") == 1 and recommendations.count("<li>") == 6
    for table in re.findall(r"<table>.*?</table>", as_html, flags=re.S):
        widths = {
            len(re.findall(r"<t[hd]", row)) for row in re.findall(r"<tr>.*?</tr>", table, re.S)
        }
        assert len(widths) == 1, table


def test_hostile_names_cannot_break_out_of_html_css_or_markdown(tmp_path, context):
    evil = 'R&D "Bank" </style><script>alert(1)</script> | *x* [l](http://e)'
    context["site"]["client"] = evil
    context["hosts"][0]["asset"]["location"] = "<img src=x onerror=alert(1)>"
    context["findings"][0]["summary"] = "1. <b>bold</b> | `tick`"
    page_path, md_path = render_report("monthly", context, "en", ["html", "md"], tmp_path)
    page = page_path.read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "<img" not in page.lower()
    # the charts' SVGs carry their own <style>: count the page's outside them
    assert re.sub(r"<svg.*?</svg>", "", page, flags=re.S).count("</style>") == 1
    # the running header in CSS: escaped so that it cannot close <style>
    assert '"R\\26 D \\22 Bank\\22  \\3c /style\\3e \\3c script\\3e alert(1)' in page
    assert "R&amp;D &#34;Bank&#34; &lt;/style&gt;&lt;script&gt;" in page
    md = md_path.read_text(encoding="utf-8")
    as_html = markdown_it.MarkdownIt("commonmark").enable("table").render(md)
    for tag in ("<script", "<img", "<b>", "<a href", "<em>"):
        assert tag not in as_html
    assert (
        "R&amp;D &quot;Bank&quot; &lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt; | *x*"
        in as_html
    )


def test_rerender_is_byte_identical(tmp_path, context):
    first = render_report("monthly", context, "zh-CN", FORMATS, tmp_path / "one")
    render_mod.clear_cache()
    second = render_report("monthly", load_context(), "zh-CN", FORMATS, tmp_path / "two")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("lang", LANGS)
def test_json_is_the_context_plus_lang(rendered, lang, context):
    text = rendered[(lang, "json")]
    assert text.endswith("}\n")
    assert json.loads(text) == {**context, "lang": lang}
    expected = {**context, "lang": lang}
    assert text == json.dumps(expected, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


# ----------------------------------------------------------------------------- honesty


def test_never_says_all_ok_while_a_host_was_not_inspected(tmp_path, context):
    context["summary"]["counts"] = {"ok": 20, "warning": 0, "critical": 0, "unknown": 0}
    for finding in context["findings"]:
        finding["status"] = "ok"
    context["recommendations"] = []
    for host in context["hosts"]:
        for finding in host["findings"]:
            finding["status"] = "ok"
        host["worst_status"] = "ok"
        host["counts"] = None  # recomputed from the findings
    for lang in LANGS:
        (page,) = render_report("monthly", context, lang, ["html"], tmp_path)
        text = visible_text(page.read_text(encoding="utf-8"))
        assert WORDS[lang]["all_ok"] not in text
        assert WORDS[lang]["unreachable"] in text


def test_says_all_ok_only_when_every_host_was_inspected_and_ok(tmp_path, context):
    host = context["hosts"][0]
    for finding in host["findings"]:
        finding["status"] = "ok"
    context["hosts"] = [host]
    context["findings"] = host["findings"]
    context["recommendations"] = []
    context["summary"] = {
        "hosts_total": 1,
        "hosts_inspected": 1,
        "hosts_unreachable": 0,
        "hosts_failed": 0,
        "counts": {"ok": 19, "warning": 0, "critical": 0, "unknown": 0},
    }
    host["counts"], host["worst_status"] = None, None
    (page,) = render_report("monthly", context, "zh-CN", ["html"], tmp_path)
    text = page.read_text(encoding="utf-8")
    assert WORDS["zh-CN"]["all_ok"] in visible_text(text)
    assert row_of(section(text, "summary"), "db01")[2:7] == ["正常", "0", "0", "0", "19"]


def test_interrupted_host_is_reported_as_not_finished(tmp_path, context):
    context["hosts"][2]["status"] = "interrupted"
    _, md = render_report("monthly", context, "en", ["html", "md"], tmp_path)
    text = md.read_text(encoding="utf-8")
    assert "### web03 · Inspection interrupted · Warning" in text
    assert "The inspection of this host did not finish." in text
    assert "Inspect this host again: its inspection did not finish" in text


# ----------------------------------------------------------------------------- errors


def test_nothing_is_written_when_the_context_lacks_a_key(tmp_path, context):
    del context["site"]["client"]
    out = tmp_path / "out"
    with pytest.raises(ReportError, match="client"):
        render_report("monthly", context, "en", FORMATS, out)
    assert not out.exists()
    out.mkdir()
    with pytest.raises(ReportError):
        render_report("monthly", context, "zh-CN", FORMATS, out)
    assert list(out.iterdir()) == []


def test_nothing_is_written_when_a_later_template_raises(tmp_path, context, monkeypatch):
    """html renders fine, md raises: neither file appears, an older report stays."""
    content = tmp_path / "content"
    shutil.copytree(render_mod.templates_dir(), content / "report_templates")
    broken = content / "report_templates" / "monthly" / "report.md.j2"
    broken.write_text("# {{ site.no_such_key }}\n", encoding="utf-8")
    monkeypatch.setenv("WEIBAO_CONTENT_DIR", str(content))
    out = tmp_path / "out"
    out.mkdir()
    (out / "monthly-example-2026-11.en.html").write_text("previous\n", encoding="utf-8")
    with pytest.raises(ReportError, match="no_such_key"):
        render_report("monthly", context, "en", ["html", "md"], out)
    assert sorted(p.name for p in out.iterdir()) == ["monthly-example-2026-11.en.html"]
    assert (out / "monthly-example-2026-11.en.html").read_text(encoding="utf-8") == "previous\n"


@pytest.mark.parametrize(
    ("kind", "lang", "formats", "match"),
    [
        ("monthly", "fr", ["html"], "report language 'fr'"),
        ("monthly", "en", ["rtf"], "report formats 'rtf'"),
        ("monthly", "en", [], "expected one or more"),
        ("../etc", "en", ["html"], "report kind"),
        ("no_such_kind", "en", ["html"], "unknown report kind 'no_such_kind'"),
    ],
)
def test_bad_arguments_raise_a_weibao_error(tmp_path, context, kind, lang, formats, match):
    with pytest.raises(ReportError, match=re.escape(match)) as info:
        render_report(kind, context, lang, formats, tmp_path)
    assert isinstance(info.value, WeibaoError)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("path", "value", "match"),
    [
        (("site", "name"), "../x", "site name"),
        (("period",), "2026/11", "period"),
        (("site", "timezone"), "Mars/Olympus", "Mars/Olympus"),
    ],
)
def test_bad_context_values_raise(tmp_path, context, path, value, match):
    target = context
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ReportError, match=re.escape(match)):
        render_report("monthly", context, "en", ["html", "md"], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_unknown_finding_or_host_status_is_an_error(tmp_path, context):
    context["findings"][0]["status"] = "fine"
    with pytest.raises(ReportError, match="'fine'"):
        render_report("monthly", context, "en", ["html"], tmp_path)
    context = load_context()
    context["hosts"][0]["status"] = "skipped"
    with pytest.raises(ReportError, match="'skipped'"):
        render_report("monthly", context, "en", ["md"], tmp_path)
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- filters


class _Ctx(dict):
    """Stands in for a Jinja context: format_time only reads ``site``."""


@pytest.mark.parametrize(
    ("value", "zone", "expected"),
    [
        ("2026-11-03T02:03:12Z", "Asia/Shanghai", "2026-11-03 10:03 CST"),
        ("2026-11-03T02:03:12+00:00", "Asia/Shanghai", "2026-11-03 10:03 CST"),
        ("2026-11-30T20:00:00Z", "Asia/Shanghai", "2026-12-01 04:00 CST"),
        ("2026-11-03T02:03:12", None, "2026-11-03 02:03 UTC"),
        ("2026-07-01T10:00:00Z", "Europe/Berlin", "2026-07-01 12:00 CEST"),
        ("2026-01-01T10:00:00Z", "Europe/Berlin", "2026-01-01 11:00 CET"),
        (None, "Asia/Shanghai", "—"),
        ("", "Asia/Shanghai", "—"),
    ],
)
def test_format_time_uses_the_site_zone(value, zone, expected):
    site = {"timezone": zone} if zone else {}
    assert render_mod.format_time(_Ctx(site=site), value) == expected


def test_format_time_rejects_garbage():
    with pytest.raises(ValueError, match="not an ISO-8601 time"):
        render_mod.format_time(_Ctx(site={}), "yesterday")


@pytest.mark.parametrize(
    ("value", "grouping", "expected"),
    [
        (96.2, False, "96.2"),
        (41.0, False, "41"),
        (0.10949, False, "0.109"),
        (1234567, False, "1234567"),
        (1234567, True, "1,234,567"),
        (True, False, "true"),
        (None, False, "—"),
        ("full", False, "full"),
    ],
)
def test_number_filter(value, grouping, expected):
    assert render_mod._number_filter("zh_CN")(value, grouping=grouping) == expected


def test_threshold_items_read_warning_then_critical():
    items = render_mod.threshold_items({"critical": 95, "min_free_gb": 2, "warning": 85})
    assert items == [("warning", 85), ("critical", 95), ("min_free_gb", 2)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2.19.14", "2.19.14"),
        ("1. first", "1\\. first"),
        ("# not a heading", "\\# not a heading"),
        ("- not a bullet", "\\- not a bullet"),
        ("a | b", "a \\| b"),
        ("used_pct _x_", "used_pct \\_x\\_"),
        ("two\nlines", "two lines"),
        ("&amp; & x", "\\&amp; & x"),
    ],
)
def test_md_escape(text, expected):
    assert render_mod.md_escape(text) == expected


def test_md_code_fence_outgrows_backticks_in_evidence():
    block = render_mod.md_code(["a ``` b", "````"])
    assert block.splitlines()[0] == "`````text" and block.splitlines()[-1] == "`````"


def test_findings_are_shown_in_the_report_language(tmp_path, context):
    """The module writes each finding's text in both languages; each report shows its own,
    and every check's name is translated."""
    finding = next(f for f in context["findings"] if f["status"] == "critical")
    finding["translations"] = {"zh-CN": {"summary": "文件系统 /var 已用 96%",
                                         "recommendation": "清理 /var 或扩容。"}}
    for host in context["hosts"]:
        for f in host.get("findings", []):
            if (f["host"], f["check_id"], f["component"]) == (
                    finding["host"], finding["check_id"], finding["component"]):
                f["translations"] = finding["translations"]
    for rec in context["recommendations"]:
        if (rec["host"], rec["check_id"], rec["component"]) == (
                finding["host"], finding["check_id"], finding["component"]):
            rec["translations"] = finding["translations"]
    zh = render_report("monthly", context, "zh-CN", ["html", "md"], tmp_path / "zh")
    en = render_report("monthly", context, "en", ["html", "md"], tmp_path / "en")
    for path in zh:
        text = html.unescape(path.read_text(encoding="utf-8"))
        for part in ("appendix", "recommendations") if path.suffix == ".html" else ():
            assert "文件系统 /var 已用 96%" in section(text, part)
            assert "清理 /var 或扩容。" in section(text, part)
        assert "文件系统 /var 已用 96%" in text
        assert finding["summary"] not in text
        assert "系统负载" in text or "文件系统空间" in text
    for path in en:
        text = html.unescape(path.read_text(encoding="utf-8"))
        assert finding["summary"] in text
        assert "文件系统 /var 已用 96%" not in text
