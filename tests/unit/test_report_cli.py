"""``weibao report KIND``: the commands made from the registry, the same options for every
kind, PDF and Word beside HTML/Markdown/JSON, the site's Word template, and bad invocations
as one line, exit 3, nothing written."""

from __future__ import annotations

import datetime as dt
import subprocess
import textwrap

import click
import docx
import pytest
from click.testing import CliRunner

from weibao import cli as cli_mod
from weibao.store import Finding, Run, RunHost, Store

T0 = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)
STEM = "monthly-lab-2026-11"


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _main(args):
    cli_mod.main(list(args))


def invoke(args):
    """``weibao ARGS`` through main(): its error lines and exit statuses."""
    return CliRunner().invoke(_main, args, catch_exceptions=False)


@pytest.fixture
def data(tmp_path):
    """A data folder whose store holds one inspection of site lab in 2026-11."""
    folder = tmp_path / "data"
    folder.mkdir()
    store = Store(f"sqlite:///{folder / 'weibao.db'}")
    with store.session() as s:
        run = Run(kind="inspection", site="lab", period="2026-11", status="successful",
                  started_at=T0, ended_at=T0 + dt.timedelta(minutes=5), user="li.wei",
                  inventory="inv", playbook="pb", limit="", ansible_version="2.19",
                  weibao_version="0", controller="c", message="", artifact_dir="",
                  manifest_sha256="",
                  site_meta={"name": "lab", "timezone": "Asia/Shanghai",
                             "client": "某市商业银行", "provider": "维保服务有限公司",
                             "contract": "WB-2026-01"})
        run.hosts = [RunHost(name="web01", status="inspected", message="", asset={},
                             platform="linux")]
        s.add(run)
        s.flush()
        s.add(Finding(run_id=run.id, host="web01", check_id="fs.usage", component="/",
                      status="warning", summary="/ is 91% used",
                      recommendation="Free space on /", values={"used_pct": 91}))
    store.dispose()
    return folder


def _report(data, *args):
    return invoke(["--data-dir", str(data), "report", *args])


def test_monthly_as_pdf_and_word(data, tmp_path):
    out = tmp_path / "out"
    result = _report(data, "monthly", "--site", "lab", "--period", "2026-11", "--lang", "zh-CN",
                     "--format", "pdf,docx,html", "--out", str(out))
    assert result.exit_code == 0, result.output
    names = [f"{STEM}.zh-CN.{ext}" for ext in ("pdf", "docx", "html")]
    assert sorted(p.name for p in out.iterdir()) == sorted(names)  # no staging folder left
    assert [line.rsplit("/", 1)[-1] for line in result.output.splitlines()] == names
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out / names[0]), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "巡视检查报告" in text and "某市商业银行" in text
    fonts = subprocess.run(["pdffonts", str(out / names[0])], capture_output=True, text=True,
                           check=True).stdout
    assert "CJK" in fonts
    document = docx.Document(str(out / names[1]))
    body = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "巡视检查报告" in body and "某市商业银行" in cells  # text, not pictures of text
    assert document.core_properties.title.startswith("巡视检查报告")
    # the same data gives the same bytes (the report's own date, never the clock)
    again = tmp_path / "again"
    result = _report(data, "monthly", "--site", "lab", "--period", "2026-11", "--lang", "zh-CN",
                     "--format", "pdf,docx", "--out", str(again))
    assert result.exit_code == 0, result.output
    for name in names[:2]:
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_the_default_formats_stay_html_md_json(data, tmp_path):
    out = tmp_path / "out"
    result = _report(data, "monthly", "--site", "lab", "--period", "2026-11", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [f"{STEM}.en.{ext}"
                                                     for ext in ("html", "json", "md")]


def _letterhead(path):
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "ACME 信息技术有限公司"
    document.save(str(path))
    return path


def _inventory(folder, template_line):
    folder.mkdir()
    (folder / "hosts.yml").write_text(textwrap.dedent(f"""\
        all:
          vars:
            weibao_site:
              name: lab
              client: 某市商业银行
              provider: 维保服务有限公司
              timezone: Asia/Shanghai
              {template_line}
          children:
            linux:
              hosts:
                web01:
    """), encoding="utf-8")
    return folder


def test_the_sites_word_template(data, tmp_path):
    """weibao_site.report_template_docx, relative to the inventory; --template wins."""
    inventory = _inventory(tmp_path / "inv", "report_template_docx: letterhead/acme.docx")
    (inventory / "letterhead").mkdir()
    _letterhead(inventory / "letterhead" / "acme.docx")
    out = tmp_path / "out"
    result = _report(data, "monthly", "--site", "lab", "--period", "2026-11", "--format", "docx",
                     "--inventory", str(inventory), "--out", str(out))
    assert result.exit_code == 0, result.output
    header = docx.Document(str(out / f"{STEM}.en.docx")).sections[0].header
    assert header.paragraphs[0].text == "ACME 信息技术有限公司"
    other = docx.Document()
    other.sections[0].header.paragraphs[0].text = "Other letterhead"
    other.save(str(tmp_path / "other.docx"))
    result = _report(data, "monthly", "--site", "lab", "--period", "2026-11", "--format", "docx",
                     "--inventory", str(inventory), "--template", str(tmp_path / "other.docx"),
                     "--out", str(out))
    assert result.exit_code == 0, result.output
    header = docx.Document(str(out / f"{STEM}.en.docx")).sections[0].header
    assert header.paragraphs[0].text == "Other letterhead"


def test_a_sites_word_template_that_is_missing_is_one_line(data, tmp_path):
    inventory = _inventory(tmp_path / "inv", "report_template_docx: nowhere.docx")
    out = tmp_path / "out"
    result = _report(data, "monthly", "--site", "lab", "--period", "2026-11", "--format",
                     "html,docx", "--inventory", str(inventory), "--out", str(out))
    assert result.exit_code == 3
    assert len(result.output.strip().splitlines()) == 1
    assert "weibao_site.report_template_docx" in result.output and "nowhere.docx" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuch"], "unknown report kind 'nosuch': expected one of "),
        (["monthly", "--site", "lab", "--period", "2026-11", "--format", "html,rtf"],
         "--format 'html,rtf': expected a comma-separated list of html, md, json, pdf, docx"),
        (["monthly", "--site", "lab", "--period", "2026-Q4"],
         "--period '2026-Q4': expected YYYY-MM, e.g. 2026-11"),
        (["monthly", "--site", "lab", "--period", "2026-13"], "--period '2026-13'"),
        (["monthly", "--period", "2026-11"], "report monthly: --site is required"),
        (["monthly", "--site", "lab"], "report monthly: --period YYYY-MM is required"),
        (["monthly", "--site", "nosite", "--period", "2026-11"], "unknown site 'nosite'"),
        (["monthly", "--site", "lab", "--period", "2026-11", "--lang", "fr"],
         "--lang 'fr': expected en or zh-CN"),
        (["monthly", "--site", "lab", "--period", "2026-11", "--format", "docx", "--template",
          "missing.docx"], "--template missing.docx: not a readable file"),
        (["monthly", "--site", "lab", "--period", "2026-11", "--inventory", "no/such/inv"],
         "inventory no/such/inv: does not exist"),
        (["change", "CR-2026-0001", "--period", "2026-11"],
         "report change: --period is not used"),
        (["change", "CR-0001"], "change id 'CR-0001': expected CR-YYYY-NNNN"),
    ],
)
def test_bad_invocations_are_one_line_exit_3_and_write_nothing(data, tmp_path, args, message):
    out = tmp_path / "out"
    result = _report(data, *args, "--out", str(out)) if args != ["nosuch"] \
        else _report(data, *args)
    assert result.exit_code == 3, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert message in lines[0]
    assert not out.exists()


def test_report_list_names_every_kind_in_the_language_asked(data):
    result = invoke(["--data-dir", str(data), "--lang", "zh-CN", "report", "list"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines()}
    assert "--site S --period YYYY-MM" in rows["monthly"] and "巡视检查报告" in rows["monthly"]
    assert rows["change"].split()[1] == "ID" and "现场服务报告" in rows["change"]
