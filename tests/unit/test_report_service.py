"""The on-site service record report (weibao report service S-…): a record checked, signed by
both sides with real ssh-keygen keys and filed through weibao.service_records; engineers by
their names from people.yml, the signatures verified again (valid, then invalid once the
filed record is altered), paper signature boxes always; English and Chinese, HTML and
Markdown; an unknown id is one line."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml
from service_env import SHANGHAI, make_site
from sqlalchemy import select

from weibao.change.people import load_people
from weibao.errors import WeibaoError
from weibao.report.kind import ReportRequest
from weibao.report.kinds import get_kind
from weibao.report.render import render_to_strings
from weibao.service_records import check_signatures, file_record, load_record, sign_record
from weibao.store import ServiceRecord, Store

NOW = dt.datetime(2026, 12, 6, 18, 0, tzinfo=SHANGHAI)
RECORD = {
    "site": "lab", "arrival": "2026-12-06T09:30", "departure": "2026-12-06T12:05",
    "engineers": ["li.wei", "zhang.min"], "client_representative": "zhao.lei",
    "work": "更换 db01 的 3 号硬盘，阵列重建。", "result": "阵列状态正常，业务未中断。",
    "remaining_issues": "2 号电源告警待观察", "evaluation": "satisfied",
    "evaluation_comment": "响应及时", "fault": "F-2026-0001", "change": "",
}
NAMES = {"li.wei": "李伟", "zhang.min": "张敏", "zhao.lei": "赵磊"}


@pytest.fixture
def world(tmp_path, keys):
    inventory = make_site(tmp_path, keys)
    people_file = inventory / "people.yml"
    text = people_file.read_text(encoding="utf-8")
    for pid, name in NAMES.items():
        text = text.replace(f"name: {pid}\n", f"name: {name}\n")
    people_file.write_text(text, encoding="utf-8")
    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    yield store, inventory, load_people(people_file)
    store.dispose()


def file(store, inventory, people, tmp_path, keys=None, **changes):
    path = tmp_path / "visit.yml"
    path.write_text(yaml.safe_dump({**RECORD, **changes}, allow_unicode=True),
                    encoding="utf-8")
    record = load_record(path, "Asia/Shanghai", people, now=NOW)
    if keys:
        sign_record(record, "provider", keys["li.wei"], people)
        sign_record(record, "client", keys["zhao.lei"], people)
    signatures = check_signatures(record, people)
    return file_record(store, "lab", record, signatures, NOW, "li.wei", "Asia/Shanghai")


def context(store, inventory, record_id):
    return get_kind("service").build_context(store, ReportRequest(
        subject_id=record_id, inventory=inventory, now=NOW))


def test_signed_record_context_and_rendering(world, tmp_path, keys):
    store, inventory, people = world
    row = file(store, inventory, people, tmp_path, keys)
    ctx = context(store, inventory, row.record_id)
    json.dumps(ctx)
    assert ctx["file_stem"] == "service-lab-S-2026-0001"
    record = ctx["record"]
    assert record["arrival"] == "2026-12-06T01:30:00+00:00" and record["duration_minutes"] == 155
    assert [e["name"] for e in record["engineers"]] == ["李伟", "张敏"]
    assert record["client_representative"]["name"] == "赵磊"
    sigs = {s["role"]: s for s in ctx["signatures"]}
    assert sigs["provider"]["valid"] is True and sigs["client"]["valid"] is True
    assert sigs["provider"]["signer"]["id"] == "li.wei"
    assert sigs["client"]["fingerprint"] == people.get("zhao.lei").fingerprint
    assert ctx["electronic"] == {"provider": True, "client": True, "both": True}

    en = render_to_strings("service", ctx, "en", ["html", "md"])
    for text in (en["html"], en["md"]):
        assert "On-site Service Record" in text and "S-2026-0001" in text
        assert "2026-12-06 09:30 CST" in text and "2 h 35 min" in text  # site time, in words
        assert "李伟 (li.wei)" in text and "赵磊 (zhao.lei)" in text
        assert "更换 db01 的 3 号硬盘" in text and "2 号电源告警待观察" in text
        assert "Satisfied" in text and "响应及时" in text
        assert "Both sides signed this record electronically" in text
        assert people.get("li.wei").fingerprint in text
        assert "Valid: verified against the people file" in text
        assert "Signatures on paper" in text and "Client representative" in text
    zh = render_to_strings("service", ctx, "zh-CN", ["html", "md"])
    for text in (zh["html"], zh["md"]):
        assert "现场服务报告" in text and "到达时间" in text and "工作内容" in text
        assert "工作结果" in text and "剩余问题" in text and "客户评估" in text
        assert "满意" in text and "电子签字" in text and "纸面签字" in text
        assert "有效：已按人员文件验证" in text
        assert "Satisfied" not in text


def test_unsigned_record_has_paper_boxes_only(world, tmp_path):
    store, inventory, people = world
    row = file(store, inventory, people, tmp_path, evaluation="basically_satisfied")
    ctx = context(store, inventory, row.record_id)
    assert ctx["signatures"] == [] and ctx["electronic"]["both"] is False
    md = render_to_strings("service", ctx, "en", ["md"])["md"]
    assert "Not signed electronically: the paper signatures below" in md
    assert "Basically satisfied" in md and "Signatures on paper" in md
    assert "基本满意" in render_to_strings("service", ctx, "zh-CN", ["md"])["md"]


def test_record_altered_after_filing_shows_invalid(world, tmp_path, keys):
    store, inventory, people = world
    row = file(store, inventory, people, tmp_path, keys)
    with store.session() as s:
        stored = s.scalars(select(ServiceRecord)).one()
        stored.content = {**stored.content, "result": "阵列仍在重建。"}
    ctx = context(store, inventory, row.record_id)
    assert {s["role"]: s["valid"] for s in ctx["signatures"]} == {"provider": False,
                                                                  "client": False}
    assert "changed after signing" in ctx["signatures"][0]["reason"]["en"]
    assert ctx["electronic"]["both"] is False
    html = render_to_strings("service", ctx, "en", ["html"])["html"]
    assert "INVALID" in html and "signature does not verify" in html
    zh = render_to_strings("service", ctx, "zh-CN", ["html"])["html"]
    assert "无效" in zh and "签字验证不通过" in zh


def test_unknown_id_is_one_line(world):
    store, inventory, _people = world
    with pytest.raises(WeibaoError) as caught:
        context(store, inventory, "S-2026-0042")
    assert str(caught.value) == "service record S-2026-0042: no such record"
    assert "\n" not in str(caught.value)


def test_command_line(tmp_path, keys, monkeypatch):
    """``weibao service sign/record`` then ``weibao report service ID`` in both languages;
    an unknown id is one line, exit 3."""
    from service_env import Cli

    site = make_site(tmp_path, keys)
    cli = Cli(tmp_path / "data", monkeypatch, NOW)
    path = tmp_path / "visit.yml"
    path.write_text(yaml.safe_dump(RECORD, allow_unicode=True), encoding="utf-8")
    cli.ok("service", "sign", path, "--role", "provider", "--key", keys["zhang.min"], "-i", site)
    cli.ok("service", "sign", path, "--role", "client", "--key", keys["zhao.lei"], "-i", site)
    record_id = cli.ok("service", "record", "--site", "lab", "-i", site, "--file",
                       path).splitlines()[0]
    out = tmp_path / "reports"
    for lang in ("en", "zh-CN"):
        cli.ok("report", "service", record_id, "-i", site, "--format", "html,md",
               "--out", out, "--lang", lang)
    en = (out / f"service-lab-{record_id}.en.md").read_text(encoding="utf-8")
    assert "Both sides signed this record electronically" in en and "zhang.min" in en
    zh = (out / f"service-lab-{record_id}.zh-CN.html").read_text(encoding="utf-8")
    assert "到达时间" in zh and "2026-12-06 09:30 CST" in zh and "纸面签字" in zh
    line = cli.fails("report", "service", "S-2026-0099", "-i", site, "--out", out)
    assert line == "weibao: error: service record S-2026-0099: no such record"
