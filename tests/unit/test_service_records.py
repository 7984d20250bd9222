"""On-site service records (现场服务记录) through the CLI: the skeleton is refused until
filled, each field checked (file, field, what), engineers and the client's representative from
the people file, signatures of both sides verified, the record filed once, and listed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml
from service_env import SHANGHAI, Cli, make_site

from weibao.service_records import service_records
from weibao.store import ServiceRecord, Store

NOW = dt.datetime(2026, 12, 6, 18, 0, tzinfo=SHANGHAI)
GOOD = {
    "site": "lab",
    "arrival": "2026-12-06T09:30",
    "departure": "2026-12-06T12:00",
    "engineers": ["li.wei", "zhang.min"],
    "client_representative": "zhao.lei",
    "work": "更换 db01 的 3 号硬盘，阵列重建。",
    "result": "阵列状态正常。",
    "remaining_issues": "无",
    "evaluation": "satisfied",
    "evaluation_comment": "响应及时",
    "fault": "F-2026-0001",
    "change": "",
}


@pytest.fixture
def site(tmp_path, keys):
    return make_site(tmp_path, keys)


@pytest.fixture
def cli(tmp_path, monkeypatch):
    return Cli(tmp_path / "data", monkeypatch, NOW)


def write(tmp_path, **changes):
    data = {**GOOD, **changes}
    for key in [k for k, v in changes.items() if v is None]:
        del data[key]
    path = tmp_path / "record.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def stored(cli):
    with Store(f"sqlite:///{cli.data_dir / 'weibao.db'}").session() as s:
        return s.query(ServiceRecord).all()


def test_skeleton_is_refused_until_filled(cli, site, tmp_path):
    out = tmp_path / "new.yml"
    cli.ok("service", "new", "--site", "lab", "-i", site, "--out", out)
    text = out.read_text(encoding="utf-8")
    assert "<fill in:" in text and "到达时间" in text and "客户评估" in text
    line = cli.fails("service", "record", "--site", "lab", "-i", site, "--file", out)
    assert line.startswith(f"weibao: error: {out}: arrival: still the placeholder")
    assert "exists already" in cli.fails("service", "new", "--site", "lab", "-i", site,
                                         "--out", out)


def test_record_filed_with_utc_times_and_listed(cli, site, tmp_path):
    path = write(tmp_path)
    output = cli.ok("service", "record", "--site", "lab", "-i", site, "--file", path)
    assert output.splitlines()[0] == "S-2026-0001"
    assert "not signed by the client electronically" in output
    (row,) = stored(cli)
    assert row.arrival == dt.datetime(2026, 12, 6, 1, 30, tzinfo=dt.UTC)
    assert row.fault_id == "F-2026-0001" and row.engineers == ["li.wei", "zhang.min"]
    assert row.content["work"].startswith("更换")
    listed = json.loads(cli.ok("service", "list", "--site", "lab", "-i", site, "--json"))
    assert listed[0]["arrival"] == "2026-12-06T09:30+08:00"
    assert listed[0]["evaluation"] == "satisfied" and listed[0]["signed_by"] == []
    # the same record twice is refused
    assert "already filed as S-2026-0001" in cli.fails(
        "service", "record", "--site", "lab", "-i", site, "--file", path)
    store = Store(f"sqlite:///{cli.data_dir / 'weibao.db'}")
    december = (dt.datetime(2026, 12, 1, tzinfo=SHANGHAI), dt.datetime(2027, 1, 1,
                                                                       tzinfo=SHANGHAI))
    assert [r.record_id for r in service_records(store, "lab", *december)] == ["S-2026-0001"]
    assert service_records(store, "lab", december[1], december[1] + dt.timedelta(days=31)) \
        == []


@pytest.mark.parametrize(("changes", "message"), [
    ({"arrival": None}, "arrival: missing"),
    ({"arrival": "9:30 in the morning"}, "arrival: '9:30 in the morning' is not an ISO-8601"),
    ({"departure": "2026-12-06T09:00"}, "departure: 2026-12-06T01:00:00+00:00 is before the "
                                        "arrival"),
    ({"departure": "2026-12-06T19:00"}, "departure: 2026-12-06T11:00:00+00:00 is in the "
                                        "future"),
    ({"engineers": ["nobody"]}, "engineers[0]: 'nobody' is not in the people file"),
    ({"engineers": ["chen.jing"]}, "engineers[0]: chen.jing is not the provider's"),
    ({"engineers": ["li.wei", "li.wei"]}, "engineers: a person is listed twice"),
    ({"engineers": "li.wei"}, "engineers: expected a list of people ids"),
    ({"client_representative": "li.wei"}, "client_representative: 'li.wei' is not one of "
                                          "the client's people"),
    ({"evaluation": "great"}, "evaluation: 'great' is not one of satisfied, "
                              "basically_satisfied, dissatisfied"),
    ({"fault": "F-26-1"}, "fault: 'F-26-1' is not a fault id"),
    ({"change": "CR-1"}, "change: 'CR-1' is not a change id"),
    ({"work": ""}, "work: missing"),
    ({"result": 5}, "result: expected text"),
    ({"colour": "blue"}, "colour: unknown field"),
    ({"site": "other"}, "site: 'other', but --site is 'lab'"),
])
def test_bad_records_one_line_nothing_written(cli, site, tmp_path, changes, message):
    path = write(tmp_path, **changes)
    line = cli.fails("service", "record", "--site", "lab", "-i", site, "--file", path)
    assert line.startswith(f"weibao: error: {path}: ")
    assert message in line
    assert not (cli.data_dir / "weibao.db").exists() or stored(cli) == []


def test_not_yaml(cli, site, tmp_path):
    path = tmp_path / "record.yml"
    path.write_text("arrival: [unclosed\n", encoding="utf-8")
    assert "not valid YAML" in cli.fails("service", "record", "--site", "lab", "-i", site,
                                         "--file", path)


def test_both_sides_sign_and_the_record_is_filed_with_them(cli, site, tmp_path, keys):
    path = write(tmp_path)
    cli.ok("service", "sign", path, "--role", "provider", "--key", keys["li.wei"], "-i", site)
    cli.ok("service", "sign", path, "--role", "client", "--key", keys["zhao.lei"], "-i", site)
    assert (tmp_path / "record.yml.client.sig").is_file()
    output = cli.ok("service", "record", "--site", "lab", "-i", site, "--file", path)
    assert "not signed" not in output
    (row,) = stored(cli)
    assert {r: s["signer"] for r, s in row.signatures.items()} == {
        "provider": "li.wei", "client": "zhao.lei"}


def test_signatures_refused(cli, site, tmp_path, keys):
    path = write(tmp_path)
    # a key of somebody who is not on the record's side
    line = cli.fails("service", "sign", path, "--role", "client", "--key", keys["li.wei"],
                     "-i", site)
    assert "is not the key of zhao.lei" in line
    assert not (tmp_path / "record.yml.client.sig").exists()
    # signed, then the record changed: refused when filing
    cli.ok("service", "sign", path, "--role", "client", "--key", keys["zhao.lei"], "-i", site)
    write(tmp_path, result="阵列仍在重建。")
    line = cli.fails("service", "record", "--site", "lab", "-i", site, "--file", path, code=1)
    assert "changed after signing" in line
    assert not (cli.data_dir / "weibao.db").exists() or stored(cli) == []


def test_field_errors_in_chinese(cli, site, tmp_path):
    path = write(tmp_path, engineers=["nobody"])
    line = cli.fails("service", "record", "--site", "lab", "-i", site, "--file", path,
                     lang="zh-CN")
    assert line == (f"weibao: 错误: {path}：engineers[0]：'nobody' 不在人员文件 "
                    f"{site / 'people.yml'} 中")
