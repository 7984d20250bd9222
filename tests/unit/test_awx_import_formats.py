"""What real AWX does to a job's events, and how ``weibao import --awx-job-events`` reads it.

Read in ansible/awx e21dd0a0933fd544d1fe2513c54fe41203775eb5 (24.6.1-145) and ansible-runner
2.4.3; fixtures/awx/build_awx_fixtures.py does what that code does (its docstring names the
files): pages of 25 by default, at most 200, ordered by start_line unless order_by says
otherwise; ``res`` emptied by ansible-runner's callback over MAX_EVENT_RES (AWX's
MAX_EVENT_RES_DATA); ``host_name`` from event_data.host; ``event_data.guid`` on every event.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest
import test_awx_import as shared
from sqlalchemy import select

from weibao.errors import ConfigError
from weibao.services import remote
from weibao.store import Finding, Run, RunHost

# the site's inventory and store fixtures and the import call: those of test_awx_import
inventory, store, _import = shared.inventory, shared.store, shared._import

FIXTURES = Path(__file__).parent / "fixtures" / "awx"
PAGES = FIXTURES / "job_4711_events.json"
DROPPED = FIXTURES / "job_4711_events_res_dropped.json"
# JobEventSerializer.Meta.fields after BaseSerializer's '*' less name and description
SERIALIZER_FIELDS = ["id", "type", "url", "related", "summary_fields", "created", "modified",
                     "job", "event", "counter", "event_display", "event_data", "event_level",
                     "failed", "changed", "uuid", "parent_uuid", "host", "host_name",
                     "playbook", "play", "task", "role", "stdout", "start_line", "end_line",
                     "verbosity"]


def _pages() -> list[dict]:
    return json.loads(PAGES.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data, name="events.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _findings(store, run_id):
    with store.session() as s:
        hosts = {h.name: (h.status, h.message) for h in s.scalars(
            select(RunHost).where(RunHost.run_id == run_id))}
        rows = [(f.host, f.check_id, f.component, f.status) for f in s.scalars(
            select(Finding).where(Finding.run_id == run_id))]
        detail = s.get(Run, run_id).detail
    return hosts, sorted(rows), detail


# ---------------------------------------------------------------- the fixtures themselves


def test_fixtures_are_what_awx_code_makes_of_the_runner_events():
    sys.path.insert(0, str(FIXTURES))
    try:
        import build_awx_fixtures
    finally:
        sys.path.remove(str(FIXTURES))
    for name, data in build_awx_fixtures.build().items():
        assert json.loads((FIXTURES / name).read_text(encoding="utf-8")) == data, name


def test_pages_have_awx_shape():
    pages = _pages()
    assert [len(p["results"]) for p in pages] == [10, 10, 5]
    assert {p["count"] for p in pages} == {25}
    assert pages[0]["previous"] is None and pages[-1]["next"] is None
    assert pages[0]["next"] == ("/api/v2/jobs/4711/job_events/?no_truncate=1&order_by=counter"
                                "&page=2&page_size=10")
    for page in pages:
        for event in page["results"]:
            assert list(event) == SERIALIZER_FIELDS
            assert event["event_data"]["guid"]  # RunnerCallback.event_handler adds it
            assert event["host_name"] == str(event["event_data"].get("host", "")).strip()
            assert event["created"].endswith("Z")
    stats = pages[-1]["results"][-1]
    assert stats["event"] == "playbook_on_stats" and stats["failed"] is True  # dark web-02


# ---------------------------------------------------------------- pages


def test_list_of_pages_and_awxkit_all_pages_import_the_same(tmp_path, store, inventory):
    pages = _pages()
    first = _import(tmp_path, store, inventory, PAGES).outcome
    # awxkit's Page.get(all_pages=True): the last page with every page's results
    merged = dict(pages[-1], results=[e for p in pages for e in p["results"]])
    one = _write(tmp_path, merged, "merged.json")
    with store.session() as s:  # the same job again is refused: forget the first import
        s.get(Run, first.run_id).detail = {}
    second = _import(tmp_path, store, inventory, one).outcome
    assert _findings(store, first.run_id)[:2] == _findings(store, second.run_id)[:2]
    assert first.hosts["web-01"].status == "inspected"
    assert first.hosts["web-02"].status == "unreachable"


def test_start_line_order_and_ties_are_read_in_counter_order(tmp_path):
    # AWX's default order is start_line; runner_on_start, runner_on_unreachable of web-02
    # and web-01's start share start_line 11, in any order
    events = [e for p in _pages() for e in p["results"]]
    events.sort(key=lambda e: (e["start_line"], -e["counter"]))
    assert [e["counter"] for e in events] != sorted(e["counter"] for e in events)
    read = remote.awx_events(_write(tmp_path, {"count": 25, "results": events}))
    assert [e["counter"] for e in read] == list(range(1, 26))


def test_a_page_fetched_twice_is_read_once(tmp_path):
    pages = _pages()
    read = remote.awx_events(_write(tmp_path, pages + [pages[1]]))
    assert [e["counter"] for e in read] == list(range(1, 26))


def test_a_missing_page_is_refused(tmp_path):
    pages = _pages()
    with pytest.raises(ConfigError, match="15 of the job's 25 events: a page is missing"):
        remote.awx_events(_write(tmp_path, [pages[0], pages[2]]))
    # the first page alone (AWX's default export: 25 a page, the rest behind next)
    with pytest.raises(ConfigError, match="10 of the job's 25 events"):
        remote.awx_events(_write(tmp_path, pages[0]))


def test_pages_of_a_running_job_are_refused(tmp_path):
    pages = _pages()
    pages[2] = dict(pages[2], count=27)
    with pytest.raises(ConfigError, match=r"counts differ \(25, 27\)"):
        remote.awx_events(_write(tmp_path, pages))


def test_two_events_with_one_counter_are_refused(tmp_path):
    pages = _pages()
    other = copy.deepcopy(pages[0]["results"][3])
    other["uuid"], other["event"] = "0f0f0f0f-0000-4000-8000-000000000000", "runner_on_ok"
    pages[2] = dict(pages[2], results=pages[2]["results"] + [other])
    with pytest.raises(ConfigError, match="counter 4: two different events"):
        remote.awx_events(_write(tmp_path, pages))


# ---------------------------------------------------------------- MAX_EVENT_RES_DATA


def test_dropped_result_is_exactly_ansible_runners_empty_res():
    events = remote.awx_events(DROPPED)
    ok = [e for e in events if e["event"] == "runner_on_ok"]
    assert [e["host_name"] for e in ok] == ["web-01"]
    assert ok[0]["event_data"]["res"] == {}
    assert ok[0]["changed"] is False and ok[0]["failed"] is False  # AWX shows it as Host OK
    assert remote.awx_result_dropped(remote.awx_event(ok[0]))


def test_dropped_result_fails_the_host_naming_the_setting(tmp_path, store, inventory):
    outcome = _import(tmp_path, store, inventory, DROPPED).outcome
    hosts, rows, detail = _findings(store, outcome.run_id)
    assert hosts["web-01"][0] == "failed"
    message = hosts["web-01"][1]
    assert "AWX dropped this host's result (MAX_EVENT_RES_DATA, default 700000" in message
    assert "raise MAX_EVENT_RES_DATA" in message
    assert message.index("MAX_EVENT_RES_DATA") < 200  # the progress line shows 200 characters
    assert hosts["web-02"][0] == "unreachable"
    assert not [r for r in rows if r[0] == "web-01"]
    assert outcome.status == "failed" and outcome.exit_code != 0
    assert detail["awx_results_dropped"] == {"hosts": ["web-01"],
                                             "setting": "MAX_EVENT_RES_DATA"}
    archived = Path(outcome.artifact_dir, "artifacts", "ansible", "job_events")
    kept = [json.loads(p.read_text()) for p in archived.glob("14-*.json")]
    assert kept[0]["event"] == "runner_on_ok" and kept[0]["event_data"]["res"] == {}


def test_dropped_collector_result_then_the_done_fact_is_not_inspected(tmp_path, store,
                                                                      inventory):
    # the AIX, BMC, array, network and HMC plays: the collector's result, then a set_fact of
    # weibao_inspection_complete; AWX empties the first only: the host must not end inspected
    page = json.loads(DROPPED.read_text(encoding="utf-8"))
    ok = next(e for e in page["results"] if e["event"] == "runner_on_ok")
    done = copy.deepcopy(ok)
    done.update(counter=26, uuid="6a1d2c3b-0000-4000-8000-00000000001a", event_display="Host OK")
    done["event_data"] = dict(done["event_data"], task_action="ansible.builtin.set_fact",
                              resolved_action="ansible.builtin.set_fact",
                              uuid=done["uuid"], res={
                                  "ansible_facts": {"weibao_inspection_complete": True},
                                  "changed": False, "_ansible_no_log": False})
    page = dict(page, count=26, results=page["results"] + [done])
    outcome = _import(tmp_path, store, inventory, _write(tmp_path, page)).outcome
    assert outcome.hosts["web-01"].status == "failed"
    assert "MAX_EVENT_RES_DATA" in outcome.hosts["web-01"].message


@pytest.mark.parametrize("event, res, dropped", [
    ("runner_on_ok", {}, True),
    ("runner_on_failed", {}, True),
    ("runner_item_on_ok", {}, True),  # a loop item's result is emptied the same way
    ("runner_on_ok", None, True),     # no res at all: no result either
    ("runner_item_on_ok", {"changed": False, "item": "sda", "_ansible_item_label": "sda"},
     False),
    ("runner_on_ok", {"changed": False}, False),
    ("runner_on_unreachable", {}, False),  # unreachable already: no result expected
    ("runner_on_skipped", {}, False),
])
def test_which_events_lost_their_result(event, res, dropped):
    data = {"host": "web-01", "task_action": "weibao_inspect"}
    if res is not None:
        data["res"] = res
    assert remote.awx_result_dropped({"event": event, "event_data": data}) is dropped


# ---------------------------------------------------------------- the job's playbook


def test_events_of_another_playbook_are_refused(tmp_path, store, inventory):
    pages = _pages()
    for page in pages:
        for event in page["results"]:
            if event["playbook"]:
                event["playbook"] = "playbooks/patch_linux.yml"
                event["event_data"]["playbook"] = "playbooks/patch_linux.yml"
    with pytest.raises(ConfigError, match="AWX job 4711 ran playbooks/patch_linux.yml, not "
                                          "playbooks/monthly_inspection.yml"):
        _import(tmp_path, store, inventory, _write(tmp_path, pages))


def test_events_exported_while_the_job_ran_are_refused(tmp_path, store, inventory):
    pages = _pages()
    for event in pages[0]["results"]:
        event["summary_fields"]["job"]["status"] = "running"
    with pytest.raises(ConfigError, match="AWX job 4711 was running when exported"):
        _import(tmp_path, store, inventory, _write(tmp_path, pages))


def test_host_name_only_still_names_the_host():
    # AWX fills host_name from event_data.host; an export trimmed to the envelope keeps it
    event = next(e for p in _pages() for e in p["results"] if e["event"] == "runner_on_ok")
    data = {k: v for k, v in event["event_data"].items() if k != "host"}
    converted = remote.awx_event(dict(event, event_data=data))
    assert converted["event_data"]["host"] == "web-01"
