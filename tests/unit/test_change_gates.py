"""The rules `weibao change run` checks before anything touches a host: for each rule a case
that passes and cases that refuse, with real ssh-keygen keys and an injected clock."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from change_env import EICAR, IN_WINDOW, WINDOW_START, ChangeEnv, record_backup

from weibao.change.locks import LockDir
from weibao.change.media import check_media
from weibao.change.refusal import Refusal
from weibao.change.request import load_request
from weibao.change.rules.signers import check_approver
from weibao.change.signoffs import Checked, read_signoffs
from weibao.change.site import people_file
from weibao.services.runs import process_start
from weibao.store import Backup, Change

HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def env(change_world):
    return change_world(IN_WINDOW)


def gates(env: ChangeEnv, path: Path, **kw) -> dict:
    return {g.rule: g for g in env.service.check(path, **kw)}


def passed(env: ChangeEnv, path: Path, rule: str, **kw) -> dict:
    result = gates(env, path, **kw)[rule]
    assert result.status == "passed", result.refusal and result.refusal.render()
    return result.evidence


def refused(env: ChangeEnv, path: Path, rule: str, **kw) -> str:
    result = gates(env, path, **kw)[rule]
    assert result.status == "refused", f"{rule} passed: {result.evidence}"
    text = result.refusal.render()
    assert text.startswith("refused: ") and "\n" not in text
    return text


def run_refused(env: ChangeEnv, path: Path, **kw) -> Refusal:
    """`run` refuses: exit status 3, nothing run, the refusal is in the audit log."""
    before = len(env.audit_lines())
    with pytest.raises(Refusal) as err:
        env.service.run(path, **kw)
    assert err.value.exit_code == 3
    lines = env.audit_lines()
    assert len(lines) == before + 1
    assert b'"action":"change.refused"' in lines[-1]
    assert err.value.rule.encode() in lines[-1]
    assert not list(env.markers.iterdir())  # no host touched
    return err.value


def test_every_rule_holds_for_a_prepared_change(env):
    path = env.ready(env.write())
    results = env.service.check(path)
    assert [(g.rule, g.status) for g in results] == [
        ("state", "passed"), ("people", "passed"), ("signatures", "passed"),
        ("targets", "passed"), ("notice", "passed"), ("window", "passed"),
        ("playbook", "passed"), ("backups", "passed"), ("lock", "passed"),
        ("media", "passed")]
    evidence = {g.rule: g.evidence for g in results}
    assert evidence["targets"]["hosts"] == ["web01"]
    assert [s["act"] for s in evidence["signatures"]["signoffs"]] == [
        "submit", "approve", "attest", "attest"]


def test_checking_records_nothing(env):
    path = env.ready(env.write())
    before = env.audit_lines()
    env.service.check(path)
    env.service.status(path)
    assert env.audit_lines() == before


# ----------------------------------------------------------------------------- state


def test_state_not_submitted_refuses(env):
    path = env.write()
    assert "has not been submitted" in refused(env, path, "state")
    refusal = run_refused(env, path)
    assert refusal.rule == "state"
    assert f"weibao change submit {path}" in refusal.render()


@pytest.mark.parametrize(("state", "words"), [
    ("closed", "is closed"), ("succeeded", "has already run successfully"),
    ("failed", "follow the rollback plan"), ("running", "is running")])
def test_state_after_the_run_refuses(env, state, words):
    path = env.ready(env.write())
    passed(env, path, "state")
    with env.store.session() as s:
        s.get(Change, "CR-2026-0001").state = state
    assert words in refused(env, path, "state")


# ----------------------------------------------------------------------------- people


def test_operator_and_recorder_must_be_two_people(env):
    path = env.write(recorder="sun.li", operator="sun.li")
    with pytest.raises(Refusal, match="operator and recorder are both sun.li"):
        env.submit(path)
    assert "两人或多人" in refused(env, path, "people")


def test_people_must_exist_with_their_roles(env):
    path = env.write(operator="zhang.min")  # zhang.min is a recorder only
    assert "zhang.min does not have the role operator" in refused(env, path, "people")
    path = env.write("CR-2026-0002", attendees=["nobody"])
    assert "nobody is not in the people file" in refused(env, path, "people")
    path = env.write("CR-2026-0003", attendees=["chen.jing"])
    passed(env, path, "people")


def test_approver_is_of_the_client_and_none_of_the_people_of_the_change(env):
    request = load_request(env.write(recorder="zhao.lei"))
    people = env.service._people(request, None)
    record = read_signoffs(env.ready(env.write("CR-2026-0002")), "CR-2026-0002")[1]
    zhao = Checked(1, record, people.require("zhao.lei"), "", None)
    with pytest.raises(Refusal, match="also the recorder of this change"):
        check_approver(request, zhao)
    provider = Checked(1, record, people.require("wang.fang"), "", None)
    with pytest.raises(Refusal, match="not of the client"):
        check_approver(request, provider)
    check_approver(request, Checked(1, record, people.require("chen.jing"), "", None))


# ----------------------------------------------------------------------------- signatures


def test_not_approved_refuses(env):
    path = env.write()
    env.at(WINDOW_START - 25 * HOUR).submit(path)
    env.at(IN_WINDOW)
    assert "is not approved" in refused(env, path, "signatures")
    assert run_refused(env, path).rule == "signatures"


@pytest.mark.parametrize("missing", ["operator", "recorder"])
def test_both_people_present_must_attest(env, missing):
    path = env.write()
    env.at(WINDOW_START - 25 * HOUR).submit(path)
    env.at(WINDOW_START - 2 * HOUR).approve(path)
    present = "recorder" if missing == "operator" else "operator"
    env.at(IN_WINDOW).attest(path, present)
    text = refused(env, path, "signatures")
    assert f"the {missing} " in text and "has not attested" in text
    env.attest(path, missing)
    passed(env, path, "signatures")


def site_setting(env: ChangeEnv, name: str, value) -> None:
    hosts = yaml.safe_load((env.inventory / "hosts.yml").read_text())
    hosts["all"]["vars"]["weibao_site"][name] = value
    (env.inventory / "hosts.yml").write_text(yaml.safe_dump(hosts))


def submitted_and_approved(env: ChangeEnv) -> Path:
    path = env.write()
    env.at(WINDOW_START - 25 * HOUR).submit(path)
    env.at(WINDOW_START - 2 * HOUR).approve(path)
    return path


@pytest.mark.parametrize(("when", "ok"), [
    (WINDOW_START - 61 * MINUTE, False), (WINDOW_START - 60 * MINUTE, True),
    (WINDOW_START + 4 * HOUR - MINUTE, True), (WINDOW_START + 4 * HOUR, False)])
def test_attestations_are_made_for_the_execution(env, when, ok):
    """Both people present at execution: an attestation is taken from 60 minutes (the site's
    attest_before_window_minutes) before the window opens until the window ends."""
    path = submitted_and_approved(env)
    env.at(when)
    if ok:
        env.attest(path, "operator")
        env.attest(path, "recorder")
        env.at(max(when, IN_WINDOW))
        passed(env, path, "signatures")
        return
    before = len(env.audit_lines())
    with pytest.raises(Refusal) as err:
        env.attest(path, "operator")
    assert err.value.rule == "window"
    assert ("li.wei cannot attest for CR-2026-0001 now (" in err.value.render()
            and "attestations count from 60 minutes before the window opens "
                "(attest_before_window_minutes) until it ends, 2026-03-07T21:00+08:00 to "
                "2026-03-08T02:00+08:00" in err.value.render())
    assert len(env.audit_lines()) == before + 1  # the refusal is audited
    assert read_signoffs(path, "CR-2026-0001")[-1].act == "approve"


def test_run_refuses_an_attestation_made_too_long_before_the_window(env):
    """An attestation that no longer counts (made early under a longer
    attest_before_window_minutes, the site's setting when the change was signed) is refused
    by run, naming who attested when; attesting again puts it right."""
    site_setting(env, "attest_before_window_minutes", 180)
    path = submitted_and_approved(env)
    env.at(WINDOW_START - 100 * MINUTE).attest(path, "operator")
    env.at(WINDOW_START - 10 * MINUTE).attest(path, "recorder")
    env.at(IN_WINDOW)
    assert passed(env, path, "signatures")["attest_before_window_minutes"] == 180
    # the setting is part of what was signed: changing it now is refused on its own
    site_setting(env, "attest_before_window_minutes", 60)
    text = refused(env, path, "targets")
    assert "attest_before_window_minutes 180 -> 60" in text
    site_setting(env, "attest_before_window_minutes", 180)
    passed(env, path, "targets")


def test_site_settings_changed_after_signing_are_refused(env):
    """Lowering the lead time or raising the backup age limit after approval lets nothing
    through: every site setting a rule reads was signed with each sign-off."""
    path = submitted_and_approved(env)
    site_setting(env, "change_lead_time_hours", 0)
    site_setting(env, "backup_max_age_days", 365)
    with pytest.raises(Refusal, match=r"change_lead_time_hours 24 -> 0.*backup_max_age_days|"
                                      r"backup_max_age_days 7 -> 365.*change_lead_time_hours"):
        env.at(WINDOW_START - 10 * MINUTE).attest(path, "operator")
    assert b'"action":"change.refused"' in env.audit_lines()[-1]
    text = refused(env, path, "targets")
    assert "weibao_site of" in text and "change_lead_time_hours 24 -> 0" in text
    site_setting(env, "change_lead_time_hours", 24)
    site_setting(env, "backup_max_age_days", 7)
    env.at(WINDOW_START - 10 * MINUTE).attest(path, "operator")


def test_a_host_added_to_the_approved_group_is_refused(env):
    """The targets are resolved when the request is submitted and every signer signs the
    host list: a host added to the group afterwards is never changed by the approved run."""
    path = submitted_and_approved(env)
    from weibao.change.signoffs import read_signoffs

    statement = json.loads(read_signoffs(path, "CR-2026-0001")[0].statement)
    assert statement["targets"] == {"inventory": str(env.inventory), "limit": "web",
                                    "hosts": ["web01"]}
    hosts = yaml.safe_load((env.inventory / "hosts.yml").read_text())
    hosts["all"]["children"]["web"]["hosts"]["web02"] = None
    (env.inventory / "hosts.yml").write_text(yaml.safe_dump(hosts))
    with pytest.raises(Refusal, match="added: web02"):
        env.at(WINDOW_START - 10 * MINUTE).attest(path, "operator")
    hosts["all"]["children"]["web"]["hosts"].pop("web02")
    (env.inventory / "hosts.yml").write_text(yaml.safe_dump(hosts))
    env.attest(path, "operator")
    env.attest(path, "recorder")
    hosts["all"]["children"]["web"]["hosts"]["web02"] = None
    (env.inventory / "hosts.yml").write_text(yaml.safe_dump(hosts))
    env.at(IN_WINDOW)
    err = run_refused(env, path)
    assert err.rule == "targets" and "added: web02" in err.render()


def test_attest_before_window_minutes_must_be_whole_minutes(env):
    path = env.ready(env.write())
    site_setting(env, "attest_before_window_minutes", -5)
    assert ("weibao_site.attest_before_window_minutes: -5 is not a whole number of minutes"
            in refused(env, path, "targets"))


def test_request_edited_after_approval_refuses_until_signed_again(env):
    path = env.ready(env.write())
    env.edit(path, expected_duration="2h")  # one value changed after every signature
    text = refused(env, path, "signatures")
    assert "was changed after the attest" in text and "submit it again" in text
    assert run_refused(env, path).rule == "signatures"
    # submitted again: the earlier approval belongs to the earlier round and counts for nothing
    env.submit(path)
    assert "is not approved" in refused(env, path, "signatures")
    statuses = [s.status for s in env.service.status(path).signoffs]
    assert statuses == ["superseded"] * 4 + ["valid"]


def forged_people(env: ChangeEnv, where: Path) -> Path:
    """The site's people file plus the stranger's key as an approver of the client."""
    key = Path(f"{env.keys['stranger']}.pub").read_text().strip()
    where.write_text(env.people.read_text() + "  - id: mallory\n    name: mallory\n"
                     "    organisation: client\n    roles: [approver]\n"
                     f"    ssh_public_key: \"{key}\"\n", encoding="utf-8")
    return where


def test_a_people_file_other_than_the_one_signed_with_is_refused(env, tmp_path):
    """Approved with the site's people file A; run with a forged file B: refused."""
    path = env.ready(env.write())
    forged = forged_people(env, tmp_path / "forged.yml")
    text = refused(env, path, "signatures", people_path=forged)
    assert "was made with another people file" in text and str(forged) in text
    err = run_refused(env, path, people_path=forged)
    assert err.rule == "people"
    # with the file every sign-off was made with, it runs
    evidence = passed(env, path, "signatures", people_path=env.people)
    assert evidence["people_sha256"] == hashlib.sha256(env.people.read_bytes()).hexdigest()


def test_a_forged_people_file_cannot_make_an_approver(env, tmp_path):
    """Submitted with file A; the stranger approves with a file B naming them an approver."""
    path = env.write()
    env.at(WINDOW_START - 25 * HOUR).submit(path)
    forged = forged_people(env, tmp_path / "forged.yml")
    with pytest.raises(Refusal) as err:
        env.at(WINDOW_START - 2 * HOUR).service.approve(path, env.keys["stranger"],
                                                        people_path=forged)
    assert err.value.rule == "people" and "another people file" in err.value.render()
    entry = json.loads(env.audit_lines()[-1])
    assert entry["action"] == "change.refused" and entry["actor"] == "mallory"
    assert [r.act for r in read_signoffs(path, "CR-2026-0001")] == ["submit"]
    submit = json.loads(env.audit_lines()[1])  # [0]: the client's vouching
    assert submit["detail"]["people_sha256"] == hashlib.sha256(
        env.people.read_bytes()).hexdigest()


# ----------------------------------------------------------------------------- targets


def test_targets_are_the_requests_inventory_and_limit(env):
    path = env.ready(env.write())
    assert passed(env, path, "targets")["hosts"] == ["web01"]
    other = env.write("CR-2026-0002", site="elsewhere")
    assert "describes site lab" in refused(env, other, "targets")
    nohost = env.write("CR-2026-0003", targets={"limit": "nomatch"})
    assert "no host matches" in refused(env, nohost, "targets")


def test_site_settings_are_checked(env):
    path = env.ready(env.write())
    hosts = yaml.safe_load((env.inventory / "hosts.yml").read_text())
    hosts["all"]["vars"]["weibao_site"]["change_lead_time_hours"] = "soon"
    (env.inventory / "hosts.yml").write_text(yaml.safe_dump(hosts))
    assert "weibao_site.change_lead_time_hours: 'soon' is not a whole number" in refused(
        env, path, "targets")


# ----------------------------------------------------------------------------- notice


@pytest.mark.parametrize(("hours", "ok"), [(23, False), (24, True), (25, True)])
def test_notice_of_the_sites_lead_time(env, hours, ok):
    path = env.ready(env.write(), submitted=WINDOW_START - hours * HOUR)
    if ok:
        assert passed(env, path, "notice")["lead_time_hours"] == 24
    else:
        text = refused(env, path, "notice")
        assert "23h00m before the window opens" in text and "24 h notice" in text
        assert run_refused(env, path).rule == "notice"


def test_a_request_submitted_after_its_window_opened_says_so(env):
    """Never "-0h10m before the window opens": a late submission says how long after."""
    path = env.write()
    env.at(WINDOW_START + 10 * MINUTE).submit(path)
    env.at(WINDOW_START + 12 * MINUTE).approve(path)
    env.at(WINDOW_START + 14 * MINUTE).attest(path, "operator")
    env.attest(path, "recorder")
    text = refused(env, path, "notice")
    assert "0h10m after its window opened at 2026-03-07T22:00+08:00" in text
    assert "-0h" not in text


def test_site_may_ask_for_longer_notice(env):
    hosts = yaml.safe_load((env.inventory / "hosts.yml").read_text())
    hosts["all"]["vars"]["weibao_site"]["change_lead_time_hours"] = 48
    (env.inventory / "hosts.yml").write_text(yaml.safe_dump(hosts))
    earlier = env.write("CR-2026-0002")
    env.at(WINDOW_START - 49 * HOUR).submit(earlier)
    path = env.ready(env.write())  # 25 h
    assert "48 h notice" in refused(env, path, "notice")
    passed(env, earlier, "notice")


def test_emergency_runs_at_short_notice_on_requester_and_operator_alone(env):
    path = env.write(emergency={"is_emergency": True, "reason": "db01 lost a disk"})
    alone = env.write("CR-2026-0003", requester="li.wei",
                      emergency={"is_emergency": True, "reason": "db01 lost a disk"})
    plain = env.write("CR-2026-0002")
    env.at(WINDOW_START - HOUR).submit(alone, "li.wei")  # the clock only moves forward
    env.submit(plain)
    env.ready(path, submitted=WINDOW_START - HOUR, emergency=True)
    evidence = passed(env, path, "notice")
    assert evidence["emergency"] is True
    assert evidence["awaiting_retrospective_approval"] is True
    passed(env, path, "signatures")
    status = env.service.status(path)
    assert status.awaiting_retrospective_approval
    # requester and operator one person: the recorder must attest too (two people at least)
    env.at(IN_WINDOW).attest(alone, "operator")
    assert "the recorder zhang.min has not attested" in refused(env, alone, "signatures")
    env.attest(alone, "recorder")
    passed(env, alone, "signatures")
    # a non-emergency change submitted as late does not run, nor can it be attested
    with pytest.raises(Refusal, match="is not approved"):
        env.attest(plain, "operator")
    assert "is not approved" in refused(env, plain, "signatures")


# ----------------------------------------------------------------------------- window


@pytest.mark.parametrize(("now", "words"), [
    (WINDOW_START - dt.timedelta(minutes=1), "opens at 2026-03-07T22:00+08:00"),
    (WINDOW_START + 4 * HOUR, "closed at 2026-03-08T02:00+08:00"),
    (WINDOW_START + 30 * HOUR, "an expired window cannot be used")])
def test_now_must_be_inside_the_window(env, now, words):
    path = env.write()
    env.at(WINDOW_START - 25 * HOUR).submit(path)
    env.at(WINDOW_START - 2 * HOUR).approve(path)
    env.at(WINDOW_START - 10 * dt.timedelta(minutes=1)).attest(path, "operator")
    env.attest(path, "recorder")  # attested before the window: nothing recorded after `now`
    env.at(IN_WINDOW)
    passed(env, path, "window")  # judged, not recorded
    env.at(now)
    assert words in refused(env, path, "window")
    assert run_refused(env, path).rule == "window"


def test_window_start_is_inside(env):
    path = env.ready(env.write())
    env.at(WINDOW_START)
    passed(env, path, "window")


# ----------------------------------------------------------------------------- playbook


@pytest.mark.parametrize(("text", "words"), [
    ("- hosts: all\n  any_errors_fatal: true\n  tasks: []\n", "is not marked as a change"),
    ("- hosts: all\n  vars: {weibao_change_playbook: 'yes'}\n  any_errors_fatal: true\n",
     "is not marked as a change"),
    ("- hosts: all\n  vars: {weibao_change_playbook: true}\n  tasks: []\n",
     "does not check its run ticket first"),
    ("- hosts: all\n  vars: {weibao_change_playbook: true}\n  tasks:\n"
     "    - {weibao_change_ticket: {ticket: x, change_id: y}}\n",
     "does not check its run ticket first"),
    ("- hosts: all\n  vars: {weibao_change_playbook: true}\n  tasks:\n"
     "    - {weibao_change_ticket: {ticket: x, change_id: y}, run_once: true}\n",
     "any_errors_fatal: true"),
    ("- import_playbook: other.yml\n", "a change playbook imports nothing"),
    ("{}\n", "not a list of plays"),
])
def test_only_change_playbooks_run(env, text, words):
    path = env.ready(env.write())
    passed(env, path, "playbook")
    (env.content / "playbooks" / "change_test.yml").write_text(text)
    assert words in refused(env, path, "playbook")


def test_missing_playbook_refuses(env):
    path = env.ready(env.write(playbook="playbooks/nothing.yml"))
    assert "does not exist" in refused(env, path, "playbook")


ROLE_PLAYBOOK = """\
- name: Test change through a role
  hosts: all
  gather_facts: false
  any_errors_fatal: true
  vars:
    weibao_change_playbook: true
  pre_tasks:
    - name: Check the run ticket
      weibao_change_ticket: {ticket: x, change_id: y}
      run_once: true
  roles:
    - role: lab_change
  tasks:
    - name: Also a role by a task
      ansible.builtin.include_role:
        name: lab_extra
"""


def test_playbook_edited_after_approval_refuses(env):
    """The sign-offs sign the playbook's content: a step added after approval never runs."""
    book = env.content / "playbooks" / "change_test.yml"
    path = env.ready(env.write())
    evidence = passed(env, path, "playbook")
    assert evidence["files"] == {"playbooks/change_test.yml":
                                 hashlib.sha256(book.read_bytes()).hexdigest()}
    original = book.read_text()
    book.write_text(original.replace('content: "done\\n"', 'content: "rm -rf /\\n"'))
    text = refused(env, path, "playbook")
    assert "playbook playbooks/change_test.yml (or a file of its roles) was changed after the " \
           "submit by wang.fang" in text and "submit the request again" in text
    assert run_refused(env, path).rule == "playbook"
    assert not list(env.markers.iterdir())
    book.write_text(original)  # put back as approved: it may run
    assert passed(env, path, "playbook")["digest"] == evidence["digest"]


def test_playbook_changed_between_submission_and_approval_cannot_be_approved(env):
    path = env.write()
    env.at(WINDOW_START - 25 * HOUR).submit(path)
    book = env.content / "playbooks" / "change_test.yml"
    book.write_text(book.read_text() + "\n# edited\n")
    before = len(env.audit_lines())
    with pytest.raises(Refusal) as err:
        env.at(WINDOW_START - 2 * HOUR).approve(path)
    assert err.value.rule == "playbook" and "changed after the submit" in err.value.render()
    assert len(env.audit_lines()) == before + 1  # the refusal, audited
    assert [r.act for r in read_signoffs(path, "CR-2026-0001")] == ["submit"]


def test_the_files_of_the_playbooks_roles_are_signed_too(env):
    for name in ("lab_change", "lab_extra"):
        tasks = env.content / "roles" / name / "tasks"
        tasks.mkdir(parents=True)
        (tasks / "main.yml").write_text(f"- name: {name}\n  ansible.builtin.debug:\n")
    (env.content / "roles" / "lab_change" / "README.md").write_text("notes\n")
    (env.content / "playbooks" / "change_roles.yml").write_text(ROLE_PLAYBOOK)
    path = env.ready(env.write(playbook="playbooks/change_roles.yml"))
    evidence = passed(env, path, "playbook")
    assert sorted(evidence["files"]) == ["playbooks/change_roles.yml",
                                         "roles/lab_change/tasks/main.yml",
                                         "roles/lab_extra/tasks/main.yml"]
    (env.content / "roles" / "lab_change" / "README.md").write_text("more notes\n")
    passed(env, path, "playbook")  # not a file the role runs
    (env.content / "roles" / "lab_extra" / "tasks" / "main.yml").write_text("[]\n")
    assert "(or a file of its roles) was changed after" in refused(env, path, "playbook")


# ----------------------------------------------------------------------------- backups


def add_backup(env, host, finished, verified=True, site="lab"):
    return record_backup(env, host, finished, "verified" if verified else "unverified",
                         site=site)


def test_patches_need_a_recent_verified_backup_of_every_target(env):
    path = env.ready(env.write(kind="os_patch", targets={"limit": "db"}))
    assert "no verified backup of db01 newer than 7 days" in refused(env, path, "backups")
    add_backup(env, "db01", IN_WINDOW - dt.timedelta(days=1))
    add_backup(env, "db02", IN_WINDOW - dt.timedelta(days=8))  # too old
    add_backup(env, "db02", IN_WINDOW - dt.timedelta(days=2), verified=False)
    add_backup(env, "db02", IN_WINDOW - dt.timedelta(days=2), site="other")
    assert "no verified backup of db02" in refused(env, path, "backups")
    assert run_refused(env, path).rule == "backups"
    row = add_backup(env, "db02", IN_WINDOW - dt.timedelta(days=6))
    evidence = passed(env, path, "backups")
    assert set(evidence["backups"]) == {"db01", "db02"}
    assert evidence["backups"]["db02"]["location"] == row.path
    assert evidence["backups"]["db02"]["sha256"] == row.sha256
    assert evidence["backups"]["db02"]["audit_hash"] == row.audit_hash


def hand_written(env, host, finished, **columns):
    """A row put into the store by hand: every column a recorded one has, but no audit."""
    with env.store.session() as s:
        row = Backup(site="lab", host=host, kind="system", started_at=finished - HOUR,
                     finished_at=finished, verified=True, status="verified", tool="tar",
                     path="/backup/" + host, location="/backup/" + host, size_bytes=4096,
                     sha256="a" * 64, verification={"method": "m", "result": "ok"},
                     detail={}, **columns)
        s.add(row)
        s.flush()
        return row.id


def test_a_backup_row_written_by_hand_is_refused(env):
    path = env.ready(env.write(kind="os_patch", targets={"limit": "db"}))
    add_backup(env, "db01", IN_WINDOW - dt.timedelta(days=2))
    add_backup(env, "db02", IN_WINDOW - dt.timedelta(days=2))
    passed(env, path, "backups")
    backup_id = hand_written(env, "db02", IN_WINDOW - dt.timedelta(days=1))
    text = refused(env, path, "backups")
    assert f"backup {backup_id} of db02 was not recorded by weibao backup run" in text
    assert "\n" not in text
    # a made-up audit hash, or the hash of another kind of entry, does not help
    with env.store.session() as s:
        s.get(Backup, backup_id).audit_hash = "b" * 64
    assert "is not in the intact audit chain" in refused(env, path, "backups")
    other = env.service.log.last()  # the last entry: db02's backup.record
    first = next(env.service.log.entries())  # the trust anchor's vouching
    with env.store.session() as s:
        s.get(Backup, backup_id).audit_hash = first.hash
    assert f"audit entry {first.seq} is a {first.action}, not a recorded backup" in refused(
        env, path, "backups")
    # nor does borrowing the entry of a genuine backup
    with env.store.session() as s:
        s.get(Backup, backup_id).audit_hash = other.hash
    text = refused(env, path, "backups")
    assert f"backup {backup_id} of db02 does not match what was recorded in audit entry " \
        f"{other.seq}" in text
    assert "id" in text.split("changed: ")[1]


@pytest.mark.parametrize(("column", "value", "field"), [
    ("size_bytes", 8192, "size_bytes"),
    ("sha256", "c" * 64, "sha256"),
    ("path", "/backup/elsewhere.tar", "path"),
    ("finished_at", IN_WINDOW - dt.timedelta(hours=1), "finished_at"),
])
def test_a_recorded_backup_changed_in_the_store_is_refused(env, column, value, field):
    path = env.ready(env.write(kind="os_patch", targets={"limit": "db"}))
    add_backup(env, "db01", IN_WINDOW - dt.timedelta(days=2))
    row = add_backup(env, "db02", IN_WINDOW - dt.timedelta(days=2))
    passed(env, path, "backups")
    with env.store.session() as s:
        setattr(s.get(Backup, row.id), column, value)
    text = refused(env, path, "backups")
    assert f"backup {row.id} of db02 does not match what was recorded" in text
    assert f"(changed: {field})" in text


def test_a_failed_backup_made_verified_in_the_store_is_refused(env):
    path = env.ready(env.write(kind="os_patch", targets={"limit": "db"}))
    add_backup(env, "db01", IN_WINDOW - dt.timedelta(days=2))
    row = add_backup(env, "db02", IN_WINDOW - dt.timedelta(days=2), verified=False)
    assert "no verified backup of db02" in refused(env, path, "backups")
    with env.store.session() as s:
        changed = s.get(Backup, row.id)
        changed.status, changed.verified = "verified", True
    assert "(changed: status, verified)" in refused(env, path, "backups")


def test_a_backup_whose_audit_entry_was_edited_is_refused(env):
    path = env.ready(env.write(kind="os_patch", targets={"limit": "db"}))
    add_backup(env, "db01", IN_WINDOW - dt.timedelta(days=2))
    row = add_backup(env, "db02", IN_WINDOW - dt.timedelta(days=2))
    passed(env, path, "backups")
    log = env.service.log.path
    lines = log.read_bytes().splitlines(keepends=True)
    lines = [line.replace(b'"size_bytes":4096', b'"size_bytes":4097') if row.audit_hash.encode()
             in line else line for line in lines]
    log.write_bytes(b"".join(lines))
    assert "is not in the intact audit chain" in refused(env, path, "backups")


def add_bmcs(env):
    inv = env.inventory / "hosts.yml"
    data = yaml.safe_load(inv.read_text())
    data["all"]["children"]["weibao_bmcs"] = {"hosts": {
        "db01-bmc": {"weibao_platform": "redfish", "weibao_bmc_user": "u",
                     "weibao_bmc_password": "p", "weibao_bmc_of": "db01"},
        "web01-bmc": {"weibao_platform": "redfish", "weibao_bmc_user": "u",
                      "weibao_bmc_password": "p"}}}
    inv.write_text(yaml.safe_dump(data))


def test_firmware_of_a_bmc_needs_the_backup_of_its_server(env):
    add_bmcs(env)
    path = env.ready(env.write(kind="firmware_upgrade", targets={"limit": "db01-bmc"}))
    assert "no verified backup of db01 newer than 7 days" in refused(env, path, "backups")
    add_backup(env, "db01-bmc", IN_WINDOW - dt.timedelta(days=1))  # the BMC's own: not it
    assert "no verified backup of db01 newer" in refused(env, path, "backups")
    row = add_backup(env, "db01", IN_WINDOW - dt.timedelta(days=1))
    evidence = passed(env, path, "backups")
    assert evidence["backups"]["db01-bmc"]["id"] == row.id
    assert evidence["backups"]["db01-bmc"]["backup_of"] == "db01"


def test_firmware_of_a_bmc_without_its_server_is_refused(env):
    add_bmcs(env)
    path = env.ready(env.write(kind="firmware_upgrade", targets={"limit": "web01-bmc"}))
    add_backup(env, "web01", IN_WINDOW - dt.timedelta(days=1))
    add_backup(env, "web01-bmc", IN_WINDOW - dt.timedelta(days=1))
    text = refused(env, path, "backups")
    assert "web01-bmc is a BMC without weibao_bmc_of" in text


def test_backups_not_needed_for_configuration_changes(env):
    path = env.ready(env.write())
    assert passed(env, path, "backups") == {"needed": False}


# ----------------------------------------------------------------------------- lock


def write_lock(env, change_id, hosts, pid, controller=None, start=""):
    path = LockDir(env.data_dir).path(change_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"change_id": change_id, "hosts": hosts, "pid": pid,
                                "pid_start": start,
                                "controller": controller or socket.gethostname(),
                                "user": "t", "time": "2026-03-07T14:00:00Z"}))
    return path


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_another_change_on_the_same_hosts_refuses(env):
    path = env.ready(env.write())
    write_lock(env, "CR-2026-0009", ["db01"], os.getpid(), start=process_start(os.getpid()))
    passed(env, path, "lock")  # other hosts
    write_lock(env, "CR-2026-0008", ["web01", "db01"], os.getpid(),
               start=process_start(os.getpid()))
    text = refused(env, path, "lock")
    assert "hosts web01, db01 are locked by change CR-2026-0008" in text
    assert run_refused(env, path).rule == "lock"


def test_a_lock_left_by_a_crash_is_reported_with_how_to_clear_it(env):
    path = env.ready(env.write())
    write_lock(env, "CR-2026-0001", ["web01"], dead_pid())
    text = refused(env, path, "lock")
    assert "stopped without finishing" in text
    assert "weibao change unlock CR-2026-0001 --key KEY --reason TEXT" in text


def test_a_reused_pid_does_not_keep_a_lock_alive(env):
    path = env.ready(env.write())
    write_lock(env, "CR-2026-0007", ["web01"], os.getpid(), start="1")
    assert "stopped without finishing" in refused(env, path, "lock")


def test_locks_of_other_controllers_and_damaged_locks_hold(env):
    path = env.ready(env.write())
    write_lock(env, "CR-2026-0006", ["web01"], 1, controller="other-controller")
    assert "from controller other-controller" in refused(env, path, "lock")
    LockDir(env.data_dir).path("CR-2026-0006").write_text("{garbage")
    assert "is damaged" in refused(env, path, "lock")


# ----------------------------------------------------------------------------- media


def medium(env: ChangeEnv, name: str, content: str) -> dict:
    path = env.changes / "media" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(content)
    return {"path": f"media/{name}", "sha256": hashlib.sha256(content.encode()).hexdigest(),
            "description": "a file on the USB disk"}


@pytest.fixture(scope="module")
def eicar_db(tmp_path_factory):
    """A local ClamAV signature file for the EICAR test string (written here, never
    committed): sigtool --sha256 eicar.txt > test.hsb."""
    folder = tmp_path_factory.mktemp("clamav")
    (folder / "eicar.txt").write_text(EICAR)
    hsb = subprocess.run(["sigtool", "--sha256", str(folder / "eicar.txt")], check=True,
                         capture_output=True, text=True).stdout
    (folder / "test.hsb").write_text(hsb)
    (folder / "eicar.txt").unlink()
    return folder / "test.hsb"


def test_clean_media_pass_and_the_scan_is_recorded(env, eicar_db):
    path = env.ready(env.write(media=[medium(env, "pkgs.tar", "clean packages\n")]))
    evidence = passed(env, path, "media", clamav_db=eicar_db)
    assert evidence["files"][0]["scan"] == "OK"
    assert evidence["files"][0]["sha256"] == hashlib.sha256(b"clean packages\n").hexdigest()
    assert evidence["scanner"].startswith("ClamAV ")
    assert evidence["database"]["sha256"] == hashlib.sha256(eicar_db.read_bytes()).hexdigest()


def test_infected_media_refuse(env, eicar_db):
    path = env.ready(env.write(media=[medium(env, "ok.txt", "fine\n"),
                                      medium(env, "eicar.com", EICAR)]))
    text = refused(env, path, "media", clamav_db=eicar_db)
    assert "eicar.com: eicar.txt.UNOFFICIAL FOUND" in text and "must not be used" in text
    assert run_refused(env, path, clamav_db=eicar_db).rule == "media"


def test_media_must_exist_and_match_their_digest(env, eicar_db):
    item = medium(env, "pkgs.tar", "clean\n")
    path = env.ready(env.write(media=[item]))
    (env.changes / "media" / "pkgs.tar").write_text("swapped\n")
    assert "not the file that was approved" in refused(env, path, "media", clamav_db=eicar_db)
    (env.changes / "media" / "pkgs.tar").unlink()
    assert "media[0]" in refused(env, path, "media", clamav_db=eicar_db)
    assert "does not exist (is the medium mounted?)" in refused(env, path, "media",
                                                                clamav_db=eicar_db)


def test_no_usable_scanner_refuses(env, monkeypatch, tmp_path):
    path = env.ready(env.write(media=[medium(env, "pkgs.tar", "clean\n")]))
    empty = tmp_path / "no-signatures"
    empty.mkdir()
    assert "virus scan failed" in refused(env, path, "media", clamav_db=empty)
    request = load_request(path)
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))  # no clamscan here
    with pytest.raises(Refusal, match=r"clamscan \(ClamAV\) is not installed"):
        check_media(request)


def test_no_media_no_scan(env, monkeypatch):
    request = load_request(env.write())
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))  # no clamscan here
    assert check_media(request).files == []


def test_people_file_next_to_the_inventory_or_given(env, tmp_path):
    request = load_request(env.write())
    assert people_file(request) == env.inventory / "people.yml"
    assert people_file(request, tmp_path / "p.yml") == tmp_path / "p.yml"
    path = env.ready(env.write("CR-2026-0002"))
    results = env.service.check(path, people_path=tmp_path / "missing.yml")
    assert results[0].status == "refused" and "does not exist" in results[0].refusal.render()


@pytest.mark.parametrize("people_text", ["people: [unclosed\n", "people: []\n"])
def test_a_people_file_that_cannot_be_used_at_a_sign_off_is_refused_and_audited(env,
                                                                               people_text):
    """Every refusal is audited, also one met while loading the people file (run audits the
    same error)."""
    path = env.write()
    env.at(WINDOW_START - 25 * HOUR).submit(path)
    env.people.write_text(people_text)
    before = len(env.audit_lines())
    with pytest.raises(Refusal) as err:
        env.at(WINDOW_START - 2 * HOUR).approve(path)
    lines = env.audit_lines()
    assert len(lines) == before + 1
    entry = json.loads(lines[-1])
    assert entry["action"] == "change.refused"
    assert entry["detail"]["act"] == "approve" and entry["detail"]["rule"] == "people"
    assert str(env.people) in entry["detail"]["reason"] or "people" in err.value.render()
