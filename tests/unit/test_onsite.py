"""Manual on-site checklist items (环境检查) through the CLI: the default checklist, a site's
own, units, ranges, required items; out-of-range values become warning/critical items marked
manual, and manual_items() gives them to the monthly report."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from service_env import SHANGHAI, Cli, make_site

from weibao.errors import ConfigError
from weibao.services.onsite import DEFAULT_CHECKLIST, load_checklist, manual_items
from weibao.store import OnsiteVisit, Store

NOW = dt.datetime(2026, 12, 20, 18, 0, tzinfo=SHANGHAI)
VALUES = {"room_temperature": 23.5, "humidity": "45 %RH", "supply_voltage": 221,
          "grounding": "ok", "cleanliness": "good", "cleaning_done": True, "cables": "ok"}


@pytest.fixture
def site(tmp_path, keys):
    return make_site(tmp_path, keys)


@pytest.fixture
def cli(tmp_path, monkeypatch):
    return Cli(tmp_path / "data", monkeypatch, NOW)


def visit(tmp_path, values=None, **top):
    data = {"visited_at": "2026-12-20T10:00", "engineer": "li.wei",
            "values": {**VALUES, **(values or {})}, **top}
    data["values"] = {k: v for k, v in data["values"].items() if v is not None}
    path = tmp_path / "visit.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def store_of(cli):
    return Store(f"sqlite:///{cli.data_dir / 'weibao.db'}")


def record(cli, site, path, period="2026-12"):
    return cli("onsite", "record", "--site", "lab", "-i", site, "--period", period,
               "--file", path)


def test_default_checklist_has_the_contract_items():
    checklist = load_checklist(DEFAULT_CHECKLIST)
    names = {i.key: i.names["zh-CN"] for i in checklist.items}
    assert names["room_temperature"] == "室内温度" and names["humidity"] == "湿度"
    assert names["supply_voltage"] == "电源电压" and names["grounding"] == "接地"
    assert {"cleanliness", "cleaning_done", "cables"} <= set(names)


def test_all_ok_visit_is_filed_as_manual_items(cli, site, tmp_path):
    result = record(cli, site, visit(tmp_path, notes={"humidity": "空调正常"}))
    assert result.exit_code == 0, result.output
    assert "7 item(s) filed, 0 not ok" in result.output
    items = manual_items(store_of(cli), "lab", "2026-12")
    assert len(items) == 7 and all(i["manual"] and i["status"] == "ok" for i in items)
    humidity = next(i for i in items if i["key"] == "humidity")
    assert (humidity["value"], humidity["unit"], humidity["note"]) == (45.0, "%RH", "空调正常")
    assert humidity["visited_at"] == "2026-12-20T02:00:00+00:00"
    assert manual_items(store_of(cli), "lab", "2026-11") == []
    # the same visit twice
    line = cli.fails("onsite", "record", "--site", "lab", "-i", site, "--period", "2026-12",
                     "--file", tmp_path / "visit.yml")
    assert "visited_at: a visit at 2026-12-20T02:00:00+00:00 is filed already" in line
    assert len(manual_items(store_of(cli), "lab", "2026-12")) == 7


def test_out_of_range_values_become_warning_and_critical(cli, site, tmp_path):
    path = visit(tmp_path, {"room_temperature": "29 ℃", "supply_voltage": 250,
                            "cleaning_done": False, "cables": "damaged"})
    result = record(cli, site, path)
    assert result.exit_code == 1, result.output  # a critical item
    assert "4 not ok" in result.output
    status = {i["key"]: i["status"] for i in manual_items(store_of(cli), "lab", "2026-12")}
    assert status == {"room_temperature": "warning", "humidity": "ok",
                      "supply_voltage": "critical", "grounding": "ok", "cleanliness": "ok",
                      "cleaning_done": "warning", "cables": "critical"}
    zh = cli("onsite", "record", "--site", "lab", "-i", site, "--period", "2026-12",
             "--file", visit(tmp_path, {"supply_voltage": 250}, visited_at="2026-12-20T11:00"),
             lang="zh-CN")
    assert zh.exit_code == 1
    assert "严重" in zh.output and "电源电压 250 V (198-242 V)" in zh.output


@pytest.mark.parametrize(("values", "top", "message"), [
    ({"room_temperature": "74 °F"}, {}, "values.room_temperature: unit '°F': expected °C"),
    ({"room_temperature": "warm"}, {}, "values.room_temperature: 'warm' is not a number"),
    ({"humidity": None}, {}, "values.humidity: missing (a required item)"),
    ({"grounding": "fine"}, {}, "values.grounding: 'fine' is not one of ok, poor, missing"),
    ({"cleaning_done": "yes"}, {}, "values.cleaning_done: 'yes': expected true or false"),
    ({"dust": 3}, {}, "values.dust: not an item of the checklist"),
    ({}, {"visited_at": "2026-11-30T10:00"}, "visited_at: 2026-11-30T02:00:00+00:00 is not "
                                             "in the period 2026-12"),
    ({}, {"visited_at": "2026-12-21T10:00"}, "is in the future"),
    ({}, {"engineer": "nobody"}, "engineer: 'nobody' is not in the people file"),
    ({}, {"weather": "fine"}, "weather: unknown field"),
])
def test_bad_visits_one_line_nothing_written(cli, site, tmp_path, values, top, message):
    path = visit(tmp_path, values, **top)
    line = cli.fails("onsite", "record", "--site", "lab", "-i", site, "--period", "2026-12",
                     "--file", path)
    assert line.startswith(f"weibao: error: {path}: ")
    assert message in line
    if (cli.data_dir / "weibao.db").exists():
        with store_of(cli).session() as s:
            assert s.query(OnsiteVisit).count() == 0


def test_bad_period(cli, site, tmp_path):
    assert "--period '2026-13': expected YYYY-MM" in cli.fails(
        "onsite", "record", "--site", "lab", "-i", site, "--period", "2026-13", "--file",
        visit(tmp_path))


def test_a_site_checklist_replaces_the_default(cli, site, tmp_path):
    (site / "onsite_checklist.yml").write_text(yaml.safe_dump({"items": [
        {"key": "room_temperature", "name": {"en": "Room temperature", "zh-CN": "室内温度"},
         "type": "number", "unit": "°C", "warning": {"min": 20, "max": 22}}]}),
        encoding="utf-8")
    path = tmp_path / "v.yml"
    path.write_text(yaml.safe_dump({"visited_at": "2026-12-20T10:00", "engineer": "li.wei",
                                    "values": {"room_temperature": 23}}), encoding="utf-8")
    result = record(cli, site, path)
    assert result.exit_code == 0 and "1 not ok" in result.output
    assert [i["status"] for i in manual_items(store_of(cli), "lab", "2026-12")] == ["warning"]


@pytest.mark.parametrize(("item", "message"), [
    ({"key": "Bad Key"}, "items[0].key: 'Bad Key' is not a key"),
    ({"name": "temp"}, "items[0].name: expected {en: ..., zh-CN: ...}"),
    ({"type": "text"}, "items[0].type: 'text' is not one of number, choice, boolean"),
    ({"unit": ""}, "items[0].unit: a number needs its unit"),
    ({"warning": {"min": 30, "max": 20}}, "items[0].warning: min is above max"),
    ({"critical": {"low": 1}}, "items[0].critical: expected {min: N, max: N}"),
])
def test_bad_checklists(tmp_path, item, message):
    base = {"key": "t", "name": {"en": "T", "zh-CN": "温"}, "type": "number", "unit": "°C"}
    path = tmp_path / "onsite_checklist.yml"
    path.write_text(yaml.safe_dump({"items": [{**base, **item}]}), encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("{", r"\{")):
        load_checklist(path)
