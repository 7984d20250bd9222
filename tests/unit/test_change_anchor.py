"""The client's trust anchor: client-side sign-offs count only by people the client vouched
for with its anchor key; the provider cannot add a "client supervisor" of its own."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from change_env import WINDOW_START, ChangeEnv
from click.testing import CliRunner
from test_cli import _main

from weibao.change.refusal import Refusal
from weibao.errors import ConfigError

HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def env(change_world):
    return change_world(WINDOW_START - 30 * HOUR)


def people_entries(env: ChangeEnv) -> dict:
    return yaml.safe_load(env.people.read_text())


def write_people(env: ChangeEnv, data: dict) -> None:
    env.people.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def refused_and_audited(env: ChangeEnv, act, match: str) -> Refusal:
    before = len(env.audit_lines())
    with pytest.raises(Refusal, match=match) as err:
        act()
    assert err.value.rule == "anchor"
    lines = env.audit_lines()
    assert len(lines) == before + 1 and b'"rule":"anchor"' in lines[-1]
    return err.value


def test_a_client_approver_added_by_the_provider_is_refused(env, keys):
    """Before submitting, the provider adds a "client supervisor" whose key it holds (here
    zhao.lei's key pair under a new client-side id) and approves with it: refused, audited."""
    data = people_entries(env)
    for person in data["people"]:
        if person["id"] == "zhao.lei":
            person["id"] = "fake.boss"
    write_people(env, data)
    keys["fake.boss"] = keys["zhao.lei"]
    path = env.write()
    env.at(WINDOW_START - 25 * HOUR).submit(path)
    refused_and_audited(env, lambda: env.at(WINDOW_START - 2 * HOUR).approve(path, "fake.boss"),
                        "fake.boss of the client is not among the people the client vouched")
    # once the client's supervisor vouches for the new list, the approval counts
    env.at(WINDOW_START - 2 * HOUR + MINUTE).vouch()
    env.at(WINDOW_START - 2 * HOUR + 2 * MINUTE).approve(path, "fake.boss")


def test_a_client_persons_key_changed_after_vouching_is_refused(env, keys):
    data = people_entries(env)
    for person in data["people"]:
        if person["id"] == "chen.jing":
            person["ssh_public_key"] = Path(f"{keys['zhao.lei']}.pub").read_text().strip()
        elif person["id"] == "zhao.lei":
            person["ssh_public_key"] = Path(f"{keys['chen.jing']}.pub").read_text().strip()
    write_people(env, data)
    keys["chen.jing"], keys["zhao.lei"] = keys["zhao.lei"], keys["chen.jing"]
    path = env.write()
    env.at(WINDOW_START - 25 * HOUR).submit(path)
    refused_and_audited(env, lambda: env.at(WINDOW_START - 2 * HOUR).approve(path),
                        "chen.jing of the client changed .name, roles or key.")


def test_without_an_anchor_no_client_side_sign_off_counts(env):
    hosts = env.inventory / "hosts.yml"
    data = yaml.safe_load(hosts.read_text())
    del data["all"]["vars"]["weibao_site"]["client_anchor"]
    hosts.write_text(yaml.safe_dump(data))
    path = env.write()
    env.at(WINDOW_START - 25 * HOUR).submit(path)  # the provider's requester: no anchor needed
    refused_and_audited(env, lambda: env.at(WINDOW_START - 2 * HOUR).approve(path),
                        "the site has no client trust anchor")


def test_a_vouching_file_not_signed_by_the_anchor_is_refused(env):
    vouched = env.people.with_name("people.vouched.yml")
    data = yaml.safe_load(vouched.read_text())
    statement = json.loads(data["statement"])
    statement["client_people"].append({"id": "fake.boss", "name": "x", "roles": ["approver"],
                                       "key": "ssh-ed25519 AAAA"})
    data["statement"] = json.dumps(statement, sort_keys=True, separators=(",", ":"))
    vouched.write_text(yaml.safe_dump(data, width=10**6))
    path = env.write()
    env.at(WINDOW_START - 25 * HOUR).submit(path)
    refused_and_audited(env, lambda: env.at(WINDOW_START - 2 * HOUR).approve(path),
                        "is not signed by the site's client anchor")


def test_only_the_anchor_key_can_vouch(env):
    with pytest.raises(ConfigError, match="is not the site's client anchor"):
        env.vouch("zhao.lei")
    with pytest.raises(ConfigError, match="is not the site's client anchor"):
        env.vouch("wang.fang")  # the provider's own key


def test_run_refuses_when_the_vouching_is_gone(env):
    path = env.ready(env.write())
    env.people.with_name("people.vouched.yml").unlink()
    before = len(env.audit_lines())
    with pytest.raises(Refusal, match="the client has not vouched for its people") as err:
        env.service.run(path)
    assert err.value.rule == "anchor" and len(env.audit_lines()) == before + 1
    assert not list(env.markers.iterdir())


def test_the_anchor_fingerprint_is_printed_on_the_change_record_and_validate(env, tmp_path):
    runner = CliRunner()
    out = runner.invoke(_main, ["--data-dir", str(env.data_dir), "people", "validate",
                                "--inventory", str(env.inventory)], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert "no problem in the file" in out.output
    assert "the client vouched for chen.jing, zhao.lei on " in out.output
    assert "with its anchor SHA256:" in out.output
    # every problem at once
    data = people_entries(env)
    data["people"][0]["organisation"] = "vendor"
    data["people"][1]["ssh_public_key"] = "ssh-ed25519 not-base64!"
    write_people(env, data)
    bad = runner.invoke(_main, ["--data-dir", str(env.data_dir), "people", "validate",
                                "--inventory", str(env.inventory)], catch_exceptions=False)
    assert bad.exit_code == 1
    assert "people[0].organisation" in bad.output and "people[1].ssh_public_key" in bad.output
    assert "2 problem(s)" in bad.output
