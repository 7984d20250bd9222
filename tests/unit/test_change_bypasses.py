"""The bypasses issue 12 names, driven through the command line with real keys: each is
refused with one line and exit 3, written to the audit log, and touches no host."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml
from change_env import ChangeEnv, Clock, live_window
from click.testing import CliRunner
from test_change_cli import _main, lines

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def env(tmp_path, keys, monkeypatch):
    world = ChangeEnv(tmp_path, keys, Clock(dt.datetime.now(dt.UTC)))
    monkeypatch.setenv("WEIBAO_CONTENT_DIR", str(world.content))
    monkeypatch.delenv("WEIBAO_DATA_DIR", raising=False)
    monkeypatch.setenv("WEIBAO_LANG", "en")
    monkeypatch.chdir(tmp_path)
    yield world
    world.store.dispose()


def weibao(env: ChangeEnv, *args: str):
    return CliRunner().invoke(_main, ["--data-dir", str(env.data_dir), *args],
                              catch_exceptions=False)


def refused(env: ChangeEnv, result, rule: str, words: str) -> None:
    """One line, exit 3, the refusal audited with its rule, no host touched."""
    assert result.exit_code == 3, result.output
    out = lines(result.output)
    assert len(out) == 1 and words in out[0], result.output
    last = json.loads(env.audit_lines()[-1])
    assert (last["action"], last["detail"]["rule"]) == ("change.refused", rule), last
    assert not list(env.markers.iterdir())


def site_vars(env: ChangeEnv) -> tuple[dict, object]:
    hosts = env.inventory / "hosts.yml"
    data = yaml.safe_load(hosts.read_text())
    return data, lambda: hosts.write_text(yaml.safe_dump(data))


def test_a_host_added_to_the_approved_group_after_approval(env):
    start, window = live_window()
    path = env.write(window=window)
    env.ready(path, start=start)
    data, save = site_vars(env)
    data["all"]["children"]["web"]["hosts"]["web02"] = None
    save()
    refused(env, weibao(env, "change", "run", str(path)), "targets", "added: web02")


def test_the_lead_time_lowered_after_approval(env):
    start, window = live_window()
    path = env.write(window=window)
    # submitted 2 h before the window: the site's 24 h notice refuses it
    env.ready(path, start=start, submitted=start - 2 * HOUR)
    refused(env, weibao(env, "change", "run", str(path)), "notice", "24 h notice")
    data, save = site_vars(env)
    data["all"]["vars"]["weibao_site"]["change_lead_time_hours"] = 0
    save()
    refused(env, weibao(env, "change", "run", str(path)), "site",
            "change_lead_time_hours 24 -> 0")


def test_the_backup_age_limit_raised_after_approval(env):
    start, window = live_window()
    path = env.write(window=window)
    env.ready(path, start=start)
    data, save = site_vars(env)
    data["all"]["vars"]["weibao_site"]["backup_max_age_days"] = 365
    save()
    refused(env, weibao(env, "change", "run", str(path)), "site", "backup_max_age_days 7 -> 365")


def test_a_client_supervisor_the_provider_added(env, keys):
    data = yaml.safe_load(env.people.read_text())
    for person in data["people"]:
        if person["id"] == "zhao.lei":  # the provider's key pair, listed as a new supervisor
            person["id"] = "fake.boss"
    env.people.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    start, window = live_window()
    path = env.write(window=window)
    env.at(start - 25 * HOUR).submit(path)
    result = weibao(env, "change", "approve", str(path), "--key", str(keys["zhao.lei"]))
    refused(env, result, "anchor", "fake.boss of the client is not among the people the client "
                                   "vouched for")


def test_a_people_file_that_cannot_be_read_at_a_sign_off(env, keys):
    start, window = live_window()
    path = env.write(window=window)
    env.at(start - 25 * HOUR).submit(path)
    env.people.write_text("people: [unclosed\n")
    result = weibao(env, "change", "approve", str(path), "--key", str(keys["chen.jing"]))
    refused(env, result, "people", "not valid YAML")
