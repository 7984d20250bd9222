"""The hardware fault and parts replacement report (weibao report fault F-…): a ticket opened,
updated and closed through weibao.services.faults, its SLA clocks met and missed and by how
much, parts, history, remaining issues, paper signatures; English and Chinese, HTML and
Markdown; an unknown id is one line."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from service_env import SHANGHAI, make_site

from weibao.errors import WeibaoError
from weibao.report.kind import ReportRequest
from weibao.report.kinds import get_kind
from weibao.report.render import render_to_strings
from weibao.services.faults import FaultService, Part
from weibao.store import Store

NOW = dt.datetime(2026, 12, 6, 18, 0, tzinfo=SHANGHAI)


def sh(day, hour, minute=0):
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def world(tmp_path, keys):
    inventory = make_site(tmp_path, keys)
    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    clock = {"now": sh(6, 9, 5)}
    service = FaultService(store, lambda: clock["now"], "li.wei")
    yield store, inventory, service, clock
    store.dispose()


def closed_p1(service, clock):
    """P1 reported 09:00, answered 09:20 (met, 10 min to spare), on site 10:10 (1 h target:
    missed by 10 min), part replaced, restored 10:40 (2 h target: met, 20 min to spare)."""
    ticket = service.open("lab", "db01", "P1", "阵列 3 号盘故障灯亮", reported_at=sh(6, 9),
                          component="disk", timezone="Asia/Shanghai")
    clock["now"] = sh(6, 9, 30)
    service.update(ticket.ticket_id, times={"responded_at": sh(6, 9, 20)})
    clock["now"] = sh(6, 10, 30)
    service.update(ticket.ticket_id, times={"onsite_at": sh(6, 10, 10)},
                   parts=[Part("HDD 600GB 10k", "SN-OUT-123", "SN-IN-456")], note="备件已到")
    clock["now"] = sh(6, 11)
    service.close(ticket.ticket_id, cause="磁盘老化", resolution="更换 3 号盘，阵列重建完成",
                  times={"restored_at": sh(6, 10, 40)})
    return ticket.ticket_id


def context(store, inventory, ticket_id, now=NOW, site=None):
    return get_kind("fault").build_context(store, ReportRequest(
        site=site, subject_id=ticket_id, inventory=inventory, now=now))


def test_context_sla_met_and_missed_by_how_much(world):
    store, inventory, service, clock = world
    ticket_id = closed_p1(service, clock)
    ctx = context(store, inventory, ticket_id)
    assert ticket_id == "F-2026-0001" and ctx["file_stem"] == "fault-lab-F-2026-0001"
    clocks = {c["clock"]: c for c in ctx["sla"]["clocks"]}
    assert (clocks["response"]["status"], clocks["response"]["target_minutes"],
            clocks["response"]["taken_minutes"], clocks["response"]["difference_minutes"]) \
        == ("met", 30, 20, 10)
    assert (clocks["onsite"]["status"], clocks["onsite"]["target_minutes"],
            clocks["onsite"]["taken_minutes"], clocks["onsite"]["difference_minutes"]) \
        == ("missed", 60, 70, 10)
    assert (clocks["restore"]["status"], clocks["restore"]["difference_minutes"]) == ("met", 20)
    assert ctx["ticket"]["reported_at"] == "2026-12-06T01:00:00+00:00"  # stored UTC
    assert ctx["ticket"]["parts"][0]["serial_out"] == "SN-OUT-123"
    assert [e["kind"] for e in ctx["history"]] == ["open", "update", "update", "close"]
    assert ctx["remaining"] == {"status": "closed", "open_clocks": []}
    json.dumps(ctx)  # JSON-able
    view = get_kind("fault").build_view(ctx)
    assert view["missed"] == ["onsite"] and not view["all_met"]
    part = [i for i in view["history"][2]["items"] if i["field"] == "part"][0]
    assert (part["part"], part["old"], part["new"]) == ("HDD 600GB 10k", "SN-OUT-123",
                                                        "SN-IN-456")


def test_rendered_in_english_and_chinese(world):
    store, inventory, service, clock = world
    ctx = context(store, inventory, closed_p1(service, clock))
    en = render_to_strings("fault", ctx, "en", ["html", "md", "json"])
    for text in (en["html"], en["md"]):
        assert "Hardware Fault and Parts Replacement Report" in text
        assert "Met, 10 min to spare" in text and "Missed by 10 min" in text
        assert "Met, 20 min to spare" in text
        assert "2026-12-06 09:00 CST" in text  # the site's time zone
        assert "SN-OUT-123" in text and "SN-IN-456" in text
        assert "磁盘老化" in text and "Service provider's engineer" in text
        assert "Client representative" in text
    assert json.loads(en["json"])["ticket"]["id"] == "F-2026-0001"
    zh = render_to_strings("fault", ctx, "zh-CN", ["html", "md"])
    for text in (zh["html"], zh["md"]):
        assert "硬件处理和备件更换报告" in text
        assert "达标，余 10 分钟" in text and "超时 10 分钟" in text
        assert "更换部件" in text and "乙方工程师" in text and "甲方代表" in text
        assert "Missed" not in text and "Met," not in text


def test_open_ticket_running_and_overdue_clocks(world):
    store, inventory, service, clock = world
    ticket = service.open("lab", "db01", "P3", "风扇告警", reported_at=sh(6, 8),
                          timezone="Asia/Shanghai")
    clock["now"] = sh(6, 8, 20)
    service.update(ticket.ticket_id, times={"responded_at": sh(6, 8, 10)})
    # at 11:00: on site (2 h) overdue by an hour, restore (8 h) running, 5 h left
    ctx = context(store, inventory, ticket.ticket_id, now=sh(6, 11))
    clocks = {c["clock"]: c for c in ctx["sla"]["clocks"]}
    assert clocks["onsite"]["status"] == "missed" and clocks["onsite"]["stopped_at"] is None
    assert clocks["restore"]["status"] == "running" and clocks["restore"]["left_minutes"] == 300
    assert ctx["remaining"]["open_clocks"] == ["onsite", "restore"]
    md = render_to_strings("fault", ctx, "en", ["md"])["md"]
    assert "The ticket is still open" in md and "Running, 5 h left" in md
    assert "Missed: still running after 3 h" in md
    assert "No part was replaced for this fault." in md
    zh = render_to_strings("fault", ctx, "zh-CN", ["md"])["md"]
    assert "计时中，剩余 5 小时" in zh and "故障单仍未关闭" in zh


def test_unknown_id_is_one_line(world):
    store, inventory, _service, _clock = world
    with pytest.raises(WeibaoError) as caught:
        context(store, inventory, "F-2026-0099")
    assert str(caught.value) == "fault F-2026-0099: no such ticket"
    with pytest.raises(WeibaoError, match="give the fault ticket id"):
        context(store, inventory, "")


def test_command_line(tmp_path, keys, monkeypatch):
    """``weibao fault open/close`` then ``weibao report fault ID``: HTML and Markdown in both
    languages; an unknown id is one line, exit 3, nothing written."""
    from service_env import Cli

    site = make_site(tmp_path, keys)
    cli = Cli(tmp_path / "data", monkeypatch, NOW)
    assert cli.ok("fault", "open", "--site", "lab", "-i", site, "--host", "db01",
                  "--priority", "P2", "--summary", "电源模块告警", "--component", "PSU",
                  "--reported-at", "2026-12-06T09:00").strip() == "F-2026-0001"
    cli.ok("fault", "close", "F-2026-0001", "-i", site, "--responded-at", "2026-12-06T09:40",
           "--onsite-at", "2026-12-06T10:30", "--restored-at", "2026-12-06T12:00",
           "--cause", "电源模块损坏", "--resolution", "更换电源模块",
           "--part", "PSU 750W;PS-OLD-1;PS-NEW-2")
    out = tmp_path / "reports"
    for lang in ("en", "zh-CN"):
        cli.ok("report", "fault", "F-2026-0001", "-i", site, "--format", "html,md,json",
               "--out", out, "--lang", lang)
    en = (out / "fault-lab-F-2026-0001.en.md").read_text(encoding="utf-8")
    assert "Missed by 10 min" in en  # response 40 min against 30
    assert "Met, 30 min to spare" in en  # on site 1 h 30 min against 2 h (P2)
    assert "Met, 1 h to spare" in en  # restored after 3 h against 4 h
    assert "PS-OLD-1" in en and "PS-NEW-2" in en
    zh = (out / "fault-lab-F-2026-0001.zh-CN.html").read_text(encoding="utf-8")
    assert "超时 10 分钟" in zh and "达标，余 1 小时" in zh and "电源模块损坏" in zh
    data = json.loads((out / "fault-lab-F-2026-0001.en.json").read_text(encoding="utf-8"))
    assert [c["status"] for c in data["sla"]["clocks"]] == ["missed", "met", "met"]
    line = cli.fails("report", "fault", "F-2026-0077", "-i", site, "--out", tmp_path / "x")
    assert line == "weibao: error: fault F-2026-0077: no such ticket"
    assert not (tmp_path / "x").exists()


def test_service_records_of_the_fault_and_their_remaining_issues(world, tmp_path):
    import yaml

    from weibao.change.people import load_people
    from weibao.service_records import file_record, load_record

    store, inventory, service, clock = world
    ticket_id = closed_p1(service, clock)
    people = load_people(inventory / "people.yml")
    path = tmp_path / "visit.yml"
    path.write_text(yaml.safe_dump({
        "site": "lab", "arrival": "2026-12-06T10:10", "departure": "2026-12-06T11:00",
        "engineers": ["li.wei"], "client_representative": "zhao.lei", "work": "更换硬盘",
        "result": "正常", "remaining_issues": "旧盘由甲方保管", "evaluation": "satisfied",
        "fault": ticket_id}, allow_unicode=True), encoding="utf-8")
    record = load_record(path, "Asia/Shanghai", people, now=NOW)
    file_record(store, "lab", record, {}, NOW, "li.wei", "Asia/Shanghai")
    ctx = context(store, inventory, ticket_id)
    (linked,) = ctx["service_records"]
    assert linked["id"] == "S-2026-0001" and linked["remaining_issues"] == "旧盘由甲方保管"
    assert linked["engineers"][0]["id"] == "li.wei"
    md = render_to_strings("fault", ctx, "zh-CN", ["md"])["md"]
    assert "现场服务记录 S-2026-0001 中记载的剩余问题： 旧盘由甲方保管" in md
    assert "2026-12-06 10:10 CST" in md
