"""The report format engines (weibao.report.formats): PDF, Word, charts, render_formats.

A bilingual sample report (cover, headings, a table running over several pages with long host
names and sha256 values, Chinese text, a chart) goes through each engine; the output is read
back by real readers: pdftotext / pdffonts (poppler-utils), python-docx, LibreOffice headless
(libreoffice-writer-nogui). `./dev.sh setup test` installs them.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import logging
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
import time
import warnings
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from weibao.report.base import ReportError
from weibao.report.formats import charts, render_formats
from weibao.report.formats.docx import docx_bytes, html_to_docx
from weibao.report.formats.pdf import html_to_pdf, pdf_bytes

CREATED = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
TITLE = "巡视检查报告 2026-11 / Inspection report"
HEADERS = ("主机 Host", "文件 SHA-256", "状态 Status")


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} not found: install the Debian package {package} (./dev.sh setup test)"
    return path


def pdftotext(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    cmd = [_tool("pdftotext", "poppler-utils"), "-layout"]
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    return subprocess.run([*cmd, str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run([_tool("pdfinfo", "poppler-utils"), str(pdf)], check=True,
                          capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def chart() -> charts.Chart:
    return charts.bar_chart(
        ["严重", "警告", "未知", "正常"],
        [2, 5, 1, 30],
        title="按状态统计的发现 Findings by status",
        colors=list(charts.STATUS_COLORS.values()),
    )


def sample_html(rows: int = 70) -> str:
    body_rows = "\n".join(
        f"<tr><td>app-server-{i:03d}.production.datacenter-east.example.com.cn</td>"
        f"<td><code>/var/lib/weibao/{hashlib.sha256(str(i).encode()).hexdigest()}</code></td>"
        f"<td>{'正常' if i % 7 else '<strong>警告</strong>'} {'OK' if i % 7 else 'WARN'}</td></tr>"
        for i in range(rows)
    )
    figure = chart().figure("图 1 按状态统计的发现 / Findings by status")
    return textwrap.dedent(f"""\
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8"><title>{TITLE}</title>
        <style>body {{ font-size: 9.5pt }}</style></head>
        <body>
        <section class="cover">
          <h1>服务器维护报告 Server Maintenance Report</h1>
          <p>客户：<strong>示例银行数据中心</strong>，巡检周期 2026-11。</p>
        </section>
        <section class="chapter">
          <h2>1. 总体结论 Overall conclusion</h2>
          <p>系统整体运行<em>良好</em>；一台主机的 <code>/var</code> 使用率 96%，需要清理。</p>
          <ul><li>第一项：磁盘空间 disk space</li>
              <li>第二项：时间同步<ul><li>嵌套 nested</li></ul></li></ul>
          <ol><li>先检查 check</li><li>再处理 fix</li></ol>
          {figure}
          <svg width="40" height="20"><title>无 PNG 的图表</title>
            <rect width="40" height="20"/></svg>
          <h3>1.1 主机一览 Hosts</h3>
          <table>
            <colgroup>
              <col style="width:38%"><col style="width:47%"><col style="width:15%">
            </colgroup>
            <thead><tr>{"".join(f"<th>{h}</th>" for h in HEADERS)}</tr></thead>
            <tbody>
            {body_rows}
            </tbody>
          </table>
        </section>
        <section class="chapter">
          <h2>2. 系统管理建议 Recommendations</h2>
          <ol><li>清理 /var 下的旧日志。</li><li>Enable chrony on db01.</li></ol>
          <pre>df -h /var
        /dev/sda3  20G  19G  1G  96% /var</pre>
        </section>
        </body></html>
        """)


@pytest.fixture(scope="module")
def html() -> str:
    return sample_html()


# ----------------------------------------------------------------------------- PDF


@pytest.fixture(scope="module")
def pdf(tmp_path_factory, html) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "report.zh-CN.pdf"
    return html_to_pdf(html, out, lang="zh-CN", title=TITLE, created=CREATED)


def test_pdf_has_the_chinese_text_and_page_numbers_in_chinese(pdf):
    text = pdftotext(pdf)
    assert "服务器维护报告" in text
    assert "系统整体运行良好" in text
    assert "第 2 页，共" in text
    assert pdf_pages(pdf) > 2


def test_pdf_embeds_a_cjk_font(pdf):
    fonts = subprocess.run([_tool("pdffonts", "poppler-utils"), str(pdf)], check=True,
                           capture_output=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk, fonts
    # columns: name type encoding emb sub uni ...
    assert all(line.split()[-5] == "yes" for line in cjk), fonts


def table_pages(pdf: Path) -> list[str]:
    """The text of every page the sample's host table runs onto."""
    pages = [pdftotext(pdf, first=n, last=n) for n in range(1, pdf_pages(pdf) + 1)]
    return [page for page in pages if "app-server-0" in page]


def test_pdf_repeats_the_table_header_and_the_title_on_later_pages(pdf):
    pages = table_pages(pdf)
    assert len(pages) >= 2
    assert "服务器维护报告" not in pages[0]  # the cover is a page of its own
    for page in pages:
        for header in HEADERS:
            assert header in page
        assert TITLE in page


def test_pdf_long_values_stay_inside_the_page(pdf):
    # each sha256 is wrapped inside its cell, not cut off at the page edge
    text = re.sub(r"\s+", "", pdftotext(pdf))
    digest = hashlib.sha256(b"42").hexdigest()
    assert digest[:24] in text and digest[-24:] in text


def test_pdf_same_input_same_bytes_and_dated_by_the_report(pdf, html, tmp_path):
    again = html_to_pdf(html, tmp_path / "again.pdf", lang="zh-CN", title=TITLE,
                        created=CREATED)
    assert again.read_bytes() == pdf.read_bytes()
    info = subprocess.run(["pdfinfo", "-isodates", str(pdf)], check=True,
                          capture_output=True, text=True).stdout
    assert re.search(r"CreationDate:\s+2026-11-30T16:00:00", info), info
    assert re.search(r"Title:\s+巡视检查报告", info), info
    later = pdf_bytes(html, lang="zh-CN", title=TITLE, created=datetime(2026, 12, 1, tzinfo=UTC))
    assert later != pdf.read_bytes()


def test_pdf_logs_no_missing_glyph_warning(html, caplog):
    """WeasyPrint draws boxes and only warns when no font has a glyph: that must not happen."""
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf_bytes(html, lang="zh-CN", title=TITLE, created=CREATED)
    notdef = [r.getMessage() for r in caplog.records if ".notdef glyph" in r.getMessage()]
    assert not notdef, notdef


def test_pdf_without_a_cjk_font_is_an_error_and_writes_nothing(tmp_path):
    """Only DejaVu visible to fontconfig: the .notdef warning becomes a ReportError."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        "<dir>/usr/share/fonts/truetype/dejavu</dir>"
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    out = tmp_path / "out.pdf"
    out.write_bytes(b"the previous report")
    script = textwrap.dedent(f"""
        from datetime import datetime
        from pathlib import Path
        from weibao.report.base import ReportError
        from weibao.report.formats.pdf import html_to_pdf
        try:
            html_to_pdf('<html><head><meta charset="utf-8"></head><body><p>中文 页</p>'
                        '</body></html>', Path({str(out)!r}), lang="zh-CN", title="t",
                        created=datetime(2026, 11, 1))
        except ReportError as exc:
            print("ERROR", exc)
    """)
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, timeout=120)
    assert "ERROR PDF: no font has the glyphs" in result.stdout, result.stdout + result.stderr
    assert "fonts-noto-cjk" in result.stdout
    assert out.read_bytes() == b"the previous report"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp") == []


def test_pdf_fetches_nothing_from_the_network(caplog):
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/logo.png"
        with caplog.at_level(logging.ERROR, logger="weasyprint"):
            pdf_bytes(f'<html><body><p>中文</p><img src="{url}"></body></html>',
                      lang="zh-CN", title="t", created=CREATED)
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
    assert any("disallowed protocol" in r.getMessage() for r in caplog.records)


def test_pdf_footer_in_english(tmp_path):
    out = html_to_pdf(sample_html(rows=60).replace('lang="zh-CN"', 'lang="en"'),
                      tmp_path / "r.en.pdf", lang="en", title="Inspection report",
                      created=CREATED)
    assert "Page 2 of" in pdftotext(out)


def test_pdf_title_is_escaped_in_the_css(tmp_path):
    title = 'R&D "core" </style> \\ 报告'
    out = html_to_pdf("<html><body><p>x</p><p style='break-before:page'>y</p></body></html>",
                      tmp_path / "t.pdf", lang="en", title=title, created=CREATED)
    assert title in pdftotext(out, first=2, last=2)


# ----------------------------------------------------------------------------- Word


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory, html) -> Path:
    out = tmp_path_factory.mktemp("docx") / "report.zh-CN.docx"
    return html_to_docx(html, out, lang="zh-CN", title=TITLE, created=CREATED)


@pytest.fixture(scope="module")
def document(docx_path):
    return docx.Document(str(docx_path))


def _headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def test_docx_headings_are_word_headings(document):
    assert _headings(document, 1) == ["服务器维护报告 Server Maintenance Report"]
    assert _headings(document, 2) == ["1. 总体结论 Overall conclusion",
                                      "2. 系统管理建议 Recommendations"]
    assert _headings(document, 3) == ["1.1 主机一览 Hosts"]


def test_docx_text_stays_editable_text(document):
    texts = [p.text for p in document.paragraphs]
    assert "系统整体运行良好；一台主机的 /var 使用率 96%，需要清理。" in texts
    assert "客户：示例银行数据中心，巡检周期 2026-11。" in texts
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert "示例银行数据中心" in bold


def test_docx_table_header_repeats_is_shaded_and_has_fixed_widths(document):
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == list(HEADERS)
    assert len(table.rows) == 71
    header_pr = table.rows[0]._tr.trPr
    assert header_pr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    shading = table.rows[0].cells[0]._tc.tcPr.find(qn("w:shd"))
    assert shading.get(qn("w:fill")) == "E8EEF7"
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert grid[1] > grid[0] > grid[2]  # 38% / 47% / 15%
    assert abs(grid[0] / sum(grid) - 0.38) < 0.01
    cell_widths = [c.width for c in table.rows[5].cells]
    assert all(cell_widths) and abs(cell_widths[1] / sum(cell_widths) - 0.47) < 0.01
    assert table.rows[1].cells[0].text.startswith("app-server-000.production")


def test_docx_east_asian_fonts(document, docx_path):
    for name in ("Normal", "Heading 1", "Heading 2", "toc 1"):
        rfonts = document.styles[name].element.rPr.rFonts
        assert rfonts.get(qn("w:eastAsia")) == "Microsoft YaHei", name
        assert rfonts.get(qn("w:eastAsiaTheme")) is None, name
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Microsoft YaHei"
    assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    with zipfile.ZipFile(docx_path) as z:
        styles = z.read("word/styles.xml").decode()
    assert "w:eastAsiaTheme" not in re.search(r"<w:docDefaults>.*?</w:docDefaults>",
                                              styles, re.DOTALL).group(0)


def test_docx_table_of_contents_shows_entries_without_updating(document, docx_path):
    toc = [p for p in document.paragraphs if p.style.name in ("toc 1", "toc 2")]
    assert [(p.style.name, p.text) for p in toc] == [
        ("toc 1", "1. 总体结论 Overall conclusion"),
        ("toc 2", "1.1 主机一览 Hosts"),
        ("toc 1", "2. 系统管理建议 Recommendations"),
    ]
    # each entry links to the bookmark on its heading
    anchors = [p._p.find(qn("w:hyperlink")).get(qn("w:anchor")) for p in toc]
    bookmarks = {}
    for p in document.paragraphs:
        start = p._p.find(qn("w:bookmarkStart"))
        if start is not None:
            bookmarks[start.get(qn("w:name"))] = p.text
    assert [bookmarks[a] for a in anchors] == [p.text for p in toc]
    # the entries are the cached result of a real TOC field, which Word is not told to update
    instr = "".join(t.text for t in toc[0]._p.iter(qn("w:instrText")))
    assert instr.strip().startswith("TOC \\o")
    with zipfile.ZipFile(docx_path) as z:
        settings = z.read("word/settings.xml").decode()
        body = z.read("word/document.xml").decode()
    assert "updateFields" not in settings
    assert 'w:dirty="true"' not in body
    titles = [p.text for p in document.paragraphs if p.style.name == "TOC Heading"]
    assert titles == ["目录"]


def test_docx_page_set_up_footer_and_header(document):
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    footer = section.footer.paragraphs[0]
    instructions = [t.text.strip() for t in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.text.startswith("第 ") and "页，共" in footer.text
    assert section.header.paragraphs[0].text == TITLE
    # the cover: page number, no running title
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == ""
    assert section.first_page_footer.paragraphs[0].text == footer.text


def test_docx_lists_and_numbering_restart(document):
    bullets = [p.text for p in document.paragraphs if p.style.name.startswith("List Bullet")]
    assert bullets == ["第一项：磁盘空间 disk space", "第二项：时间同步", "嵌套 nested"]
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in numbered] == ["先检查 check", "再处理 fix", "清理 /var 下的旧日志。",
                                          "Enable chrony on db01."]
    num_ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert num_ids[0] == num_ids[1] != num_ids[2] == num_ids[3]


def test_docx_chart_is_the_png_and_an_svg_without_one_is_a_visible_placeholder(document):
    pictures = document.inline_shapes
    assert len(pictures) == 1
    blip = pictures[0]._inline.graphic.graphicData.pic.blipFill.blip
    image = document.part.related_parts[blip.embed]
    assert image.blob == chart().png
    texts = [p.text for p in document.paragraphs]
    assert "[图表：无 PNG 的图表]" in texts
    assert "图 1 按状态统计的发现 / Findings by status" in texts


def test_docx_core_properties_and_same_bytes(docx_path, html, tmp_path):
    props = docx.Document(str(docx_path)).core_properties
    assert props.title == TITLE
    assert props.created == CREATED
    with zipfile.ZipFile(docx_path) as z:
        for name in z.namelist():
            assert b"python-docx" not in z.read(name), name
    again = html_to_docx(html, tmp_path / "again.docx", lang="zh-CN", title=TITLE,
                         created=CREATED)
    assert again.read_bytes() == docx_path.read_bytes()


def _template(path: Path) -> Path:
    """A provider's letterhead: a header with its name, Letter paper, a custom style."""
    from docx.shared import Inches

    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    section.header.paragraphs[0].text = "ACME 信息技术有限公司 · 技术服务部"
    doc.styles["Normal"].font.name = "Georgia"
    doc.add_paragraph("")
    doc.save(str(path))
    return path


def test_docx_in_the_providers_template_keeps_its_letterhead(tmp_path, html):
    template = _template(tmp_path / "letterhead.docx")
    out = html_to_docx(html, tmp_path / "r.docx", lang="zh-CN", title=TITLE, created=CREATED,
                       template=template)
    document = docx.Document(str(out))
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "ACME 信息技术有限公司 · 技术服务部"
    assert round(section.page_width.inches, 1) == 8.5
    assert document.styles["Normal"].font.name == "Georgia"
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == \
        "Microsoft YaHei"
    assert document.paragraphs[0].text == "服务器维护报告 Server Maintenance Report"
    assert "第 " in section.footer.paragraphs[0].text


def test_docx_bad_template_is_a_one_line_error_and_writes_nothing(tmp_path, html):
    bad = tmp_path / "letterhead.docx"
    bad.write_text("not a zip")
    out = tmp_path / "r.docx"
    with pytest.raises(ReportError, match=r"Word template .*letterhead\.docx: not a readable"):
        html_to_docx(html, out, lang="zh-CN", title=TITLE, created=CREATED, template=bad)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letterhead.docx"]


def test_docx_english_footer():
    data = docx_bytes("<html><body><h1>Report</h1><p>text</p></body></html>", lang="en",
                      title="Report", created=CREATED)
    footer = docx.Document(io.BytesIO(data)).sections[0].footer.paragraphs[0]
    assert footer.text == "Page 1 of 1"


def test_docx_converted_by_libreoffice_shows_the_chinese_text_and_toc(docx_path, tmp_path):
    soffice = _tool("soffice", "libreoffice-writer-nogui")
    started = time.monotonic()
    subprocess.run(
        [soffice, "--headless", "--norestore",
         f"-env:UserInstallation=file://{tmp_path / 'profile'}",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx_path)],
        check=True, capture_output=True, timeout=180,
    )
    took = time.monotonic() - started
    pdf = tmp_path / "report.zh-CN.pdf"
    text = pdftotext(pdf)
    assert "服务器维护报告" in text
    assert "系统整体运行良好" in text
    assert "目录" in text and "1.1 主机一览 Hosts" in text
    assert "第 2 页，共" in text
    assert pdf_pages(pdf) > 2
    assert TITLE not in pdftotext(pdf, first=1, last=1)  # the cover
    assert TITLE in pdftotext(pdf, first=2, last=2)
    pages = table_pages(pdf)  # the header row repeats on each page of the table
    assert len(pages) >= 2 and all("主机 Host" in page for page in pages)
    assert took < 60, f"LibreOffice took {took:.1f} s"


# ----------------------------------------------------------------------------- charts


def test_charts_are_deterministic_and_font_independent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning in matplotlib
        a, b = chart(), chart()
        line = charts.line_chart(["2026-09", "2026-10", "2026-11"],
                                 {"CPU 使用率 %": [20, None, 40], "内存 %": [60, 62, 70]},
                                 title="趋势 Trend")
        stacked = charts.stacked_bar(["操作系统", "存储"], {"严重": [1, 0], "警告": [2, 3]},
                                     colors=charts.STATUS_COLORS)
    assert a.svg == b.svg and a.png == b.png
    for c in (a, line, stacked):
        assert c.svg.startswith("<svg ")
        assert "<text" not in c.svg  # glyphs are paths: no font needed to show them
        assert "<dc:date>" not in c.svg
        assert len(c.svg) < 120_000
        assert c.png.startswith(b"\x89PNG")


def test_chart_figure_carries_its_png_for_word():
    figure = chart().figure("图 <1>")
    assert figure.startswith('<figure class="chart"><svg data-png="data:image/png;base64,')
    assert "<figcaption>图 &lt;1&gt;</figcaption>" in figure
    assert "data-png" not in chart().figure(with_png=False)


def test_chart_with_mismatched_data_is_an_error():
    with pytest.raises(ReportError, match="has 2 values for 3 labels"):
        charts.bar_chart(["a", "b", "c"], [1, 2])


# ----------------------------------------------------------------------------- both


def test_render_formats_writes_both(tmp_path, html):
    base = tmp_path / "monthly-site-2026-11.zh-CN"
    paths = render_formats(html, base, ["docx", "pdf"], "zh-CN", TITLE, CREATED)
    assert [p.name for p in paths] == ["monthly-site-2026-11.zh-CN.pdf",
                                       "monthly-site-2026-11.zh-CN.docx"]
    assert paths[0].read_bytes().startswith(b"%PDF-")
    assert zipfile.is_zipfile(paths[1])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)


def test_render_formats_writes_nothing_when_one_format_fails(tmp_path, html):
    bad = tmp_path / "t.docx"
    bad.write_text("no")
    with pytest.raises(ReportError):
        render_formats(html, tmp_path / "r", ["pdf", "docx"], "zh-CN", TITLE, CREATED,
                       template=bad)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.docx"]


def test_render_formats_rejects_unknown_format_and_language(tmp_path):
    with pytest.raises(ReportError, match="unknown report format 'odt'"):
        render_formats("<p>x</p>", tmp_path / "r", ["odt"], "en", "t", CREATED)
    with pytest.raises(ReportError, match="report language"):
        render_formats("<p>x</p>", tmp_path / "r", ["pdf"], "fr", "t", CREATED)
    assert list(tmp_path.iterdir()) == []


def test_docx_template_without_the_reports_styles_gets_them(tmp_path, html):
    doc = docx.Document()
    for name in ("Heading 2", "Heading 3", "List Number", "List Bullet", "List Bullet 2",
                 "TOC Heading", "Caption"):
        element = doc.styles[name].element
        element.getparent().remove(element)
    template = tmp_path / "bare.docx"
    doc.save(str(template))
    out = html_to_docx(html, tmp_path / "r.docx", lang="zh-CN", title=TITLE, created=CREATED,
                       template=template)
    document = docx.Document(str(out))
    assert _headings(document, 2) == ["1. 总体结论 Overall conclusion",
                                      "2. 系统管理建议 Recommendations"]
    outline = document.styles["Heading 2"].element.pPr.find(qn("w:outlineLvl"))
    assert outline.get(qn("w:val")) == "1"
    texts = [p.text for p in document.paragraphs]
    assert "• 第一项：磁盘空间 disk space" in texts  # no list style: a written bullet
    assert "1. 先检查 check" in texts
    assert [p.text for p in document.paragraphs if p.style.name == "TOC Heading"] == ["目录"]


def test_two_charts_in_one_page_share_no_id_and_each_is_deterministic():
    first = charts.bar_chart(["一月", "二月"], [3, 5], title="故障 / Faults")
    second = charts.bar_chart(["一月", "二月"], [4, 1], title="故障 / Faults")
    ids = [set(re.findall(r'\bid="([^"]+)"', c.svg)) for c in (first, second)]
    assert ids[0] and ids[1] and not ids[0] & ids[1]
    for chart, own in zip((first, second), ids, strict=True):
        # every reference points at an id of the same chart
        refs = set(re.findall(r'(?:url\(#|href="#)([^")]+)', chart.svg))
        assert refs and refs <= own
    assert charts.bar_chart(["一月", "二月"], [3, 5], title="故障 / Faults").svg == first.svg


def test_a_table_row_outside_thead_and_tbody_is_kept_in_word():
    html = ("<html><body><h1>T</h1><table><tr><th>主机</th><th>状态</th></tr>"
            "<tr><td>db01</td><td>正常</td></tr></table></body></html>")
    document = docx.Document(io.BytesIO(docx_bytes(html, lang="zh-CN", title="T",
                                                    created=datetime(2026, 12, 1, tzinfo=UTC))))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert {"主机", "状态", "db01", "正常"} <= set(cells)


def test_the_stacked_bar_legend_covers_no_bar():
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    series = {"严重 critical": [9, 1, 0], "警告 warning": [7, 2, 1], "未知 unknown": [3, 0, 0]}
    with matplotlib.rc_context(charts._RC):
        fig = Figure(figsize=charts.SIZE, layout="constrained")
        canvas = FigureCanvasAgg(fig)
        charts.draw_stacked(fig, ["文件系统", "日志", "补丁"], series, title="按区域")
        canvas.draw()
        renderer = canvas.get_renderer()
        ax = fig.axes[0]
        legend = ax.get_legend().get_window_extent(renderer)
        bars = [patch.get_window_extent(renderer) for patch in ax.patches]
    assert bars and not any(legend.overlaps(bar) for bar in bars)
    assert legend.x0 >= ax.get_window_extent(renderer).x1  # beside the plot
    ticks = [t for t in ax.get_yticks() if 0 <= t <= 19]
    assert ticks and all(float(t).is_integer() for t in ticks)  # counts of findings
