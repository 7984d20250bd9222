"""An AWX job's exported events become a run in the store (``weibao import --awx-job-events``).

The fixture is the three pages of AWX's /api/v2/jobs/N/job_events/ saved as a JSON list, built
by fixtures/awx/build_awx_fixtures.py from a real ansible-runner run the way AWX's code does it
(its first page's first key says how): web-01 inspected with findings, web-02 unreachable.
What real AWX does differently from a plain ansible-runner run is tested in
test_awx_import_formats.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import select

from weibao.cli import cli
from weibao.config import Settings
from weibao.errors import ConfigError
from weibao.services import remote
from weibao.services.inventory import load_inventory
from weibao.store import Finding, Run, RunHost, Store

FIXTURE = Path(__file__).parent / "fixtures" / "awx" / "job_4711_events.json"
SITE = {"name": "plant-a", "client": "Client", "provider": "Provider",
        "timezone": "Asia/Shanghai"}


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    path = tmp_path / "hosts.yml"
    path.write_text(yaml.safe_dump({"all": {"vars": {"weibao_site": SITE}, "children": {
        "linux": {"hosts": {"web-01": {}, "web-02": {}, "db-01": {}}}}}}))
    return path


@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.dispose()


def _import(tmp_path, store, inventory, path=FIXTURE):
    settings = Settings(data_dir=tmp_path / "data", db_url="(unused: the store is given)")
    inv = load_inventory(str(inventory), limit=None, site="plant-a")
    return remote.import_awx(settings, store, path, inv, "2026-11")


def test_events_are_read_in_counter_order_with_host_names():
    events = remote.awx_events(FIXTURE)
    counters = [e["counter"] for e in events]
    assert counters == list(range(1, 26))
    converted = [remote.awx_event(e) for e in events]
    assert {e["event_data"].get("host") for e in converted} >= {"web-01", "web-02"}


def test_job_becomes_a_run_with_findings_and_hosts(tmp_path, store, inventory):
    imported = _import(tmp_path, store, inventory)
    outcome = imported.outcome
    assert outcome.hosts["web-01"].status == "inspected"
    assert outcome.hosts["web-02"].status == "unreachable"
    assert "db-01" not in outcome.hosts  # not in the AWX job: not part of the run
    assert outcome.status == "partial" and outcome.exit_code == 2
    with store.session() as s:
        run = s.get(Run, outcome.run_id)
        assert run.detail["source"] == "awx" and run.detail["awx_job"] == "4711"
        assert run.site == "plant-a" and run.period == "2026-11"
        hosts = {h.name: h.status for h in s.scalars(
            select(RunHost).where(RunHost.run_id == run.id))}
        rows = list(s.scalars(select(Finding).where(Finding.run_id == run.id)))
    assert hosts == {"web-01": "inspected", "web-02": "unreachable"}
    assert rows and {r.host for r in rows} == {"web-01"}
    statuses = {r.status for r in rows}
    assert "critical" in statuses and "ok" in statuses
    assert outcome.counts["critical"] == sum(r.status == "critical" for r in rows)
    archived = list(Path(outcome.artifact_dir, "artifacts", "ansible", "job_events")
                    .glob("*.json"))
    assert len(archived) == 25


def test_same_job_twice_is_refused(tmp_path, store, inventory):
    first = _import(tmp_path, store, inventory)
    expected = f"already imported as run {first.outcome.run_id}"
    with pytest.raises(remote.RefusedError, match=expected):
        _import(tmp_path, store, inventory)


@pytest.mark.parametrize("content, field", [
    ("{not json", "not JSON"),
    (json.dumps({"count": 1, "results": {"event": "x"}}), "results: expected a list"),
    (json.dumps({"count": 1, "results": [{"event_data": {}}]}), "results[0]"),
    (json.dumps({"count": 0, "results": []}), "no job events"),
])
def test_bad_files_name_the_field(tmp_path, content, field):
    path = tmp_path / "events.json"
    path.write_text(content)
    with pytest.raises(ConfigError, match=field.replace("[", r"\[").replace("]", r"\]")):
        remote.awx_events(path)


def test_cli_imports_and_refuses_with_one_line(tmp_path, inventory):
    runner = CliRunner()
    data = tmp_path / "data"
    args = ["--data-dir", str(data), "import", "--awx-job-events", str(FIXTURE),
            "-i", str(inventory), "--site", "plant-a", "--period", "2026-11"]
    first = runner.invoke(cli, args)
    assert first.exit_code == 2, first.output
    assert "run 1:" in first.output
    again = runner.invoke(cli, args)
    assert again.exit_code != 0
    assert isinstance(again.exception, remote.RefusedError)
    neither = runner.invoke(cli, ["--data-dir", str(data), "import"])
    assert isinstance(neither.exception, ConfigError)
