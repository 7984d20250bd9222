"""The report kinds' registry and the kind-agnostic engine: a kind is a folder
(weibao.report.kinds.<name>) plus its templates (report_templates/<name>/); the engine renders
every kind in every format, all files or none."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

import weibao.report.kinds as kinds_mod
from weibao.report import render as render_mod
from weibao.report.base import ReportError
from weibao.report.kind import ReportKind, ReportRequest
from weibao.report.kinds import all_kinds, get_kind, kind_names
from weibao.report.render import render_report, report_date

DEMO = "zz_demo"


def _noop(*_args):
    return {}


def test_the_registry_lists_the_kind_folders():
    names = kind_names()
    assert {"monthly", "change"} <= set(names)
    assert list(names) == sorted(names)
    assert [k.name for k in all_kinds()] == list(names)
    assert not any(name.startswith("_") for name in names)  # kinds/_site.py is no kind
    monthly = get_kind("monthly")
    assert (monthly.subject, monthly.period) == ("period", "month")
    assert monthly.title_in("zh-CN") == "巡视检查报告"
    change = get_kind("change")
    assert (change.subject, change.period) == ("id", None)


def test_an_unknown_kind_is_one_line_naming_the_known_ones():
    with pytest.raises(ReportError, match=r"unknown report kind 'nosuch': expected one of .*"
                                          r"monthly") as info:
        get_kind("nosuch")
    assert "\n" not in info.value.render(None)


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"name": "Bad-Name"}, "lower-case"),
        ({"subject": "host"}, "subject"),
        ({"period": "week"}, "period"),
        ({"subject": "period", "period": None}, "needs a period"),
    ],
)
def test_a_kind_declared_wrong_is_refused(fields, match):
    good = {"name": "demo", "title": {"en": "Demo"}, "subject": "period", "period": "month",
            "build_context": _noop, "build_view": _noop, "file_stem": lambda c: "demo"}
    with pytest.raises(ValueError, match=match):
        ReportKind(**{**good, **fields})


@pytest.mark.parametrize(
    ("period", "good", "bad"),
    [("month", "2026-11", ["2026-13", "2026-Q4", "2026"]),
     ("quarter", "2026-Q4", ["2026-Q5", "2026-11", "2026"]),
     ("year", "2026", ["26", "2026-11", "2026-Q1"])],
)
def test_the_period_syntax_is_the_kinds(period, good, bad):
    kind = ReportKind(name="demo", title={"en": "Demo"}, subject="period", period=period,
                      build_context=_noop, build_view=_noop, file_stem=lambda c: "demo")
    assert kind.period_ok(good)
    assert not any(kind.period_ok(value) for value in bad)


# ----------------------------------------------------------------------------- a new kind


@pytest.fixture
def demo_kind(tmp_path, monkeypatch):
    """A kind added the way the contract says: one package folder and one template folder,
    nothing else edited."""
    package = tmp_path / "kinds" / DEMO
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent('''
        from weibao.report.kind import ReportKind


        def build_context(store, request):
            return {"site": {"name": request.site, "timezone": "Asia/Shanghai"},
                    "period": request.period, "items": ["b", "a"],
                    "generated_at": "2026-12-01T02:00:00Z"}


        def build_view(context):
            return {"items": sorted(context["items"])}


        KIND = ReportKind(
            name="zz_demo", title={"en": "Demo Report", "zh-CN": "演示报告"},
            subject="period", period="quarter", build_context=build_context,
            build_view=build_view,
            file_stem=lambda c: f"zz_demo-{c['site']['name']}-{c['period']}")
    '''), encoding="utf-8")
    content = tmp_path / "content"
    shutil.copytree(render_mod.templates_dir(), content / "report_templates")
    folder = content / "report_templates" / DEMO
    folder.mkdir()
    (folder / "report.html.j2").write_text(textwrap.dedent('''\
        {% extends "shared/base.html.j2" %}
        {% block title %}{{ _("Site") }} {{ site.name }}{% endblock %}
        {% block content %}
        <h1>Demo {{ period }}</h1>
        <ul>{% for item in view["items"] %}<li>{{ item }}</li>{% endfor %}</ul>
        {% endblock %}
    '''), encoding="utf-8")
    (folder / "report.md.j2").write_text(
        "# Demo {{ period }}\n{% for item in view['items'] %}- {{ item|md }}\n{% endfor %}",
        encoding="utf-8")
    monkeypatch.setattr(kinds_mod, "__path__", [*kinds_mod.__path__, str(tmp_path / "kinds")])
    monkeypatch.setenv("WEIBAO_CONTENT_DIR", str(content))
    kinds_mod.clear_cache()
    render_mod.clear_cache()
    yield get_kind
    kinds_mod.clear_cache()
    render_mod.clear_cache()
    sys.modules.pop(f"weibao.report.kinds.{DEMO}", None)


def test_a_kind_folder_is_found_and_rendered_like_any_other(demo_kind, tmp_path):
    kind = demo_kind(DEMO)
    assert DEMO in kind_names()
    assert kind.title_in("zh-CN") == "演示报告"
    context = kind.build_context(None, ReportRequest(site="lab", period="2026-Q4"))
    out = tmp_path / "out"
    paths = render_report(DEMO, context, "zh-CN", ["html", "md", "json"], out)
    assert [p.name for p in paths] == [f"zz_demo-lab-2026-Q4.zh-CN.{ext}"
                                       for ext in ("html", "md", "json")]
    html = paths[0].read_text(encoding="utf-8")
    assert "<li>a</li><li>b</li>" in html and "站点 lab" in html  # the shared base, translated
    assert paths[1].read_text(encoding="utf-8") == "# Demo 2026-Q4\n- a\n- b\n"
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)


def test_a_new_kind_is_a_command(demo_kind, tmp_path):
    from test_report_cli import invoke

    demo_kind(DEMO)
    result = invoke(["--data-dir", str(tmp_path / "data"), "report", "list"])
    assert result.exit_code == 0, result.output
    assert any(line.split()[0] == DEMO and "Demo Report" in line
               for line in result.output.splitlines())
    result = invoke(["--data-dir", str(tmp_path / "data"), "report", DEMO, "--site", "lab",
                     "--period", "2026-11"])
    assert result.exit_code == 3
    assert result.output.strip() == \
        "weibao: error: --period '2026-11': expected a quarter, YYYY-QN (2026-Q4)"
    out = tmp_path / "out"
    result = invoke(["--data-dir", str(tmp_path / "data"), "report", DEMO, "--site", "lab",
                     "--period", "2026-Q4", "--format", "md", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["zz_demo-lab-2026-Q4.en.md"]


# ----------------------------------------------------------------------------- all or nothing


def test_a_failing_format_engine_writes_nothing(demo_kind, tmp_path, monkeypatch):
    """html and md render, the PDF engine fails: no file appears, an older report stays, no
    staging folder is left behind."""
    from weibao.report.formats import pdf

    kind = demo_kind(DEMO)
    context = kind.build_context(None, ReportRequest(site="lab", period="2026-Q4"))
    out = tmp_path / "out"
    out.mkdir()
    old = out / "zz_demo-lab-2026-Q4.en.html"
    old.write_text("previous\n", encoding="utf-8")

    def broken(*_args, **_kwargs):
        raise ReportError("the PDF engine failed")

    monkeypatch.setattr(pdf, "pdf_bytes", broken)
    with pytest.raises(ReportError, match="the PDF engine failed"):
        render_report(DEMO, context, "en", ["html", "md", "pdf"], out)
    assert [p.name for p in out.iterdir()] == [old.name]
    assert old.read_text(encoding="utf-8") == "previous\n"
    fresh = tmp_path / "fresh"
    with pytest.raises(ReportError):
        render_report(DEMO, context, "en", ["md", "pdf"], fresh)
    assert not fresh.exists()  # the folder this call made is taken back


def test_the_report_date_comes_from_the_context_never_the_clock():
    assert report_date({"generated_at": "2026-12-01T02:00:00Z", "runs": []}) == \
        dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
    runs = {"runs": [{"started_at": "2026-11-03T01:00:00Z", "ended_at": "2026-11-03T02:00:00Z"},
                     {"started_at": "2026-11-20T01:00:00Z", "ended_at": ""}]}
    assert report_date(runs) == dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)
    assert report_date({"period_end": "2026-11-30"}) == \
        dt.datetime(2026, 11, 30, 23, 59, 59, tzinfo=dt.UTC)
    assert report_date({}) == dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


def test_the_engine_knows_no_kind():
    """render.py imports the registry, never a kind, and names none (issue 14: adding a kind
    touches no other file)."""
    from test_import_cycles import graph

    edges = graph()
    assert not [m for m in edges["weibao.report.render"]
                if m.startswith("weibao.report.kinds.")]
    source = Path(render_mod.__file__).read_text(encoding="utf-8")
    assert not any(f'"{name}"' in source for name in kind_names())
