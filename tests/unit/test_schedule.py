"""weibao schedule: the unit files of a site's jobs (OnCalendar in the site's zone,
Persistent=, no secrets), checked by systemd-analyze where it is installed; a change's timer
at its window's start, never late; and a scheduled change run refused once it is late."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import click
import pytest
import yaml
from change_env import WINDOW_START
from click.testing import CliRunner

from weibao import cli as cli_mod
from weibao.change.refusal import Refusal
from weibao.errors import ConfigError
from weibao.services import schedule as svc

EXAMPLE = Path(__file__).resolve().parents[2] / "inventories" / "example"
HAS_ANALYZE = shutil.which("systemd-analyze") is not None


def site_inventory(tmp_path: Path, **site: object) -> Path:
    inv = tmp_path / "inv"
    shutil.copytree(EXAMPLE, inv)
    path = inv / "group_vars" / "all" / "site.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["weibao_site"].update(site)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return inv


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def cli(args):
    cli_mod.main(list(args))


def ctx(tmp_path: Path, **kw) -> svc.UnitContext:
    return svc.UnitContext(weibao=("/usr/bin/true",), working_dir=tmp_path,
                           data_dir=tmp_path / "data", lang="zh-CN", **kw)


def install(tmp_path: Path, *args: str, env: dict | None = None):
    return CliRunner().invoke(
        cli, ["--data-dir", str(tmp_path / "data"), "--lang", "en", "schedule", "install",
              "--unit-dir", str(tmp_path / "units"), "--no-enable",
              "--weibao", "/usr/bin/true", *args], env=env or {}, catch_exceptions=False)


def test_default_calendars_are_the_sites_day_and_time_in_its_zone(tmp_path):
    inv = site_inventory(tmp_path, inspection_day=5, inspection_time="10:30")
    result = install(tmp_path, "--site", "example", "-i", str(inv))
    assert result.exit_code == 0, result.output
    units = tmp_path / "units"
    timers = {p.name: p.read_text() for p in units.glob("*.timer")}
    assert sorted(timers) == [f"weibao-example-{j}.timer" for j in
                              ("annual", "backup", "holidays", "inspect", "report")]
    inspect = timers["weibao-example-inspect.timer"]
    assert "OnCalendar=*-*-05 10:30:00 Asia/Shanghai\n" in inspect
    assert "Persistent=true\n" in inspect
    assert "Unit=weibao-example-inspect.service\n" in inspect
    assert "Persistent=true" in timers["weibao-example-backup.timer"]
    assert "OnCalendar=*-*-05 02:00:00 Asia/Shanghai" in timers["weibao-example-backup.timer"]
    assert "OnCalendar=*-*-01 08:00:00 Asia/Shanghai" in timers["weibao-example-report.timer"]
    assert "Persistent=true" in timers["weibao-example-report.timer"]
    service = (units / "weibao-example-inspect.service").read_text()
    assert f"ExecStart=/usr/bin/true inspect -i {inv.resolve()} --site example\n" in service
    assert f'Environment="WEIBAO_DATA_DIR={(tmp_path / "data").resolve()}"' in service
    assert f"WorkingDirectory={Path.cwd()}" in service
    assert "Type=oneshot" in service
    report = (units / "weibao-example-report.service").read_text()
    assert "report monthly --site example --period previous" in report
    assert "remind holidays --site example" in (
        units / "weibao-example-holidays.service").read_text()
    assert "report annual --remind --site example" in (
        units / "weibao-example-annual.service").read_text()


def test_list_shows_what_was_installed_and_remove_deletes_it(tmp_path):
    inv = site_inventory(tmp_path)
    assert install(tmp_path, "--site", "example", "-i", str(inv), "--job", "inspect",
                   "--job", "backup").exit_code == 0
    runner = CliRunner()
    listed = runner.invoke(cli, ["schedule", "list", "--json", "--unit-dir",
                                 str(tmp_path / "units")])
    rows = json.loads(listed.output)
    assert [(r["job"], r["on_calendar"], r["persistent"]) for r in rows] == [
        ("backup", "*-*-01 02:00:00 Asia/Shanghai", True),
        ("inspect", "*-*-01 09:00:00 Asia/Shanghai", True)]
    removed = runner.invoke(cli, ["--lang", "en", "schedule", "remove", "--site", "example",
                                  "--job", "backup", "--no-enable", "--unit-dir",
                                  str(tmp_path / "units")])
    assert removed.exit_code == 0 and "removed weibao-example-backup.timer" in removed.output
    assert sorted(p.name for p in (tmp_path / "units").iterdir()) == [
        "weibao-example-inspect.service", "weibao-example-inspect.timer"]


@pytest.mark.parametrize("field, value, problem", [
    ("inspection_day", 31, "weibao_site.inspection_day: expected a day of the month from 1 "
                           "to 28, got 31"),
    ("inspection_time", "9h", "weibao_site.inspection_time: expected HH:MM"),
])
def test_a_bad_site_time_is_one_line_and_nothing_written(tmp_path, field, value, problem):
    inv = site_inventory(tmp_path, **{field: value})
    result = install(tmp_path, "--site", "example", "-i", str(inv))
    assert result.exit_code == 3
    assert problem in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "units").exists()


@pytest.mark.skipif(not HAS_ANALYZE, reason="systemd-analyze is not installed")
def test_a_calendar_systemd_does_not_understand_is_refused(tmp_path):
    inv = site_inventory(tmp_path)
    result = install(tmp_path, "--site", "example", "-i", str(inv), "--on-calendar",
                     "every full moon")
    assert result.exit_code == 3
    assert "--on-calendar 'every full moon': not a systemd calendar specification" in \
        result.output
    assert not (tmp_path / "units").exists()


@pytest.mark.skipif(not HAS_ANALYZE, reason="systemd-analyze is not installed")
def test_generated_units_pass_systemd_analyze_verify(tmp_path):
    jobs = svc.site_jobs("example", "Asia/Shanghai", {"inspection_day": 28}, "inv",
                         tmp_path / "inv dir", svc.JOBS)
    files = {}
    for job in jobs:
        files.update(svc.unit_files(job, svc.UnitContext(
            weibao=("/bin/echo",), working_dir=tmp_path, data_dir=tmp_path / "50% data"),
            system=True))
    assert svc.verify(files) is None
    broken = dict(files)
    broken["weibao-example-inspect.timer"] = broken["weibao-example-inspect.timer"].replace(
        "OnCalendar=*-*-28", "OnCalendar=*-*-99")
    assert svc.verify(broken) is not None


def test_specifiers_and_spaces_are_quoted(tmp_path):
    job = svc.Job("s", "inspect", "x", "*-*-01 09:00:00 UTC", True,
                  ("inspect", "-i", "/srv/my inv/50%", "--site", "s"))
    service = svc.unit_files(job, ctx(tmp_path), system=False)["weibao-s-inspect.service"]
    assert 'ExecStart=/usr/bin/true inspect -i "/srv/my inv/50%%" --site s' in service
    with pytest.raises(ConfigError, match="line break"):
        svc.unit_files(svc.Job("s", "inspect", "x", "c", True, ("a\nb",)), ctx(tmp_path),
                       system=False)


def test_no_secret_in_units_only_a_private_vault_file_path(tmp_path):
    secret = tmp_path / "vault-pass"
    secret.write_text("hunter2\n")
    secret.chmod(0o644)
    inv = site_inventory(tmp_path)
    result = install(tmp_path, "--site", "example", "-i", str(inv),
                     env={"ANSIBLE_VAULT_PASSWORD_FILE": str(secret)})
    assert result.exit_code == 3
    assert "mode 0644 lets others read or change it" in result.output
    secret.chmod(0o600)
    result = install(tmp_path, "--site", "example", "-i", str(inv),
                     env={"ANSIBLE_VAULT_PASSWORD_FILE": str(secret)})
    assert result.exit_code == 0, result.output
    texts = "".join(p.read_text() for p in (tmp_path / "units").iterdir())
    assert f"ANSIBLE_VAULT_PASSWORD_FILE={secret}" in texts
    assert "hunter2" not in texts
    result = install(tmp_path, "--site", "example", "-i", str(inv),
                     env={"WEIBAO_DB_URL": "postgresql://weibao:s3cret@db/weibao"})
    assert result.exit_code == 3 and "holds a password" in result.output
    assert "s3cret" not in "".join(p.read_text() for p in (tmp_path / "units").iterdir())


def test_system_units_run_as_a_named_user(tmp_path):
    job = svc.site_jobs("s", "UTC", {}, "inv", tmp_path, ("backup",))[0]
    unit = svc.unit_files(job, ctx(tmp_path, run_as="weibao"), system=True)
    assert "User=weibao\n" in unit["weibao-s-backup.service"]
    assert "User=" not in svc.unit_files(job, ctx(tmp_path, run_as="weibao"),
                                         system=False)["weibao-s-backup.service"]


def test_a_failing_systemctl_leaves_nothing_installed(tmp_path):
    calls = []

    def runner(argv, **kw):
        calls.append(argv)
        import subprocess

        code = 1 if "enable" in argv else 0
        return subprocess.CompletedProcess(argv, code, "", "Failed to enable: no manager")

    job = svc.site_jobs("s", "UTC", {}, "inv", tmp_path, ("inspect",))[0]
    with pytest.raises(svc.ScheduleError):
        svc.install([job], ctx(tmp_path), tmp_path / "units", False,
                    systemd=svc.Systemd(False, runner))
    assert list((tmp_path / "units").iterdir()) == []
    assert [a[-1] for a in calls] == ["daemon-reload", "weibao-s-inspect.timer",
                                      "daemon-reload"]


def test_list_reads_next_elapse_from_systemctl_json(tmp_path):
    job = svc.site_jobs("s", "UTC", {}, "inv", tmp_path, ("inspect",))[0]
    directory = tmp_path / "units"
    svc.install([job], ctx(tmp_path), directory, False, enable=False)
    usec = int(dt.datetime(2027, 1, 1, 1, 0, tzinfo=dt.UTC).timestamp() * 1_000_000)

    def runner(argv, **kw):
        import subprocess

        return subprocess.CompletedProcess(argv, 0, json.dumps([
            {"next": usec, "left": 1, "last": None, "passed": None,
             "unit": "weibao-s-inspect.timer", "activates": "weibao-s-inspect.service"}]), "")

    [item] = svc.installed(directory, "s", svc.Systemd(False, runner))
    assert item.next == dt.datetime(2027, 1, 1, 1, 0, tzinfo=dt.UTC) and item.last is None


@pytest.mark.parametrize("kind, now, expected", [
    ("month", dt.datetime(2027, 1, 1, 0, 30, tzinfo=dt.UTC), "2026-12"),  # 08:30 in Shanghai
    ("month", dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC), "2026-12"),  # Jan 1 01:00 +8
    ("month", dt.datetime(2026, 12, 31, 15, 0, tzinfo=dt.UTC), "2026-11"),  # Dec 31 23:00 +8
    ("quarter", dt.datetime(2027, 1, 2, tzinfo=dt.UTC), "2026-Q4"),
    ("quarter", dt.datetime(2026, 8, 2, tzinfo=dt.UTC), "2026-Q2"),
    ("year", dt.datetime(2027, 1, 2, tzinfo=dt.UTC), "2026"),
])
def test_previous_period_in_the_sites_zone(kind, now, expected):
    assert svc.previous_period(kind, "Asia/Shanghai", now) == expected


# ----------------------------------------------------------------------------- changes


def test_a_change_timer_fires_once_at_the_window_start_never_late(change_world):
    env = change_world(WINDOW_START - dt.timedelta(days=2))
    path = env.write()
    from weibao.change.request import load_request

    request = load_request(path)
    job = svc.change_job(request, path, WINDOW_START - dt.timedelta(hours=1), 10)
    assert job.on_calendar == "2026-03-07 22:00:00 Asia/Shanghai"
    assert (job.persistent, job.accuracy, job.name) == (
        False, "1s", f"weibao-{request.site}-change-CR-2026-0001")
    assert job.args[-3:] == ("--scheduled", "--scheduled-grace", "10")
    timer = svc.unit_files(job, svc.UnitContext(weibao=("/bin/true",), working_dir=Path("/"),
                                                data_dir=Path("/d")), False)
    assert "Persistent=false\n" in timer[f"{job.name}.timer"]
    with pytest.raises(ConfigError, match="never late"):
        svc.change_job(request, path, WINDOW_START + dt.timedelta(minutes=1), 10)


def test_a_late_scheduled_run_is_refused_and_audited(change_world):
    env = change_world(WINDOW_START + dt.timedelta(minutes=11))
    path = env.ready(env.write())
    env.clock.now = WINDOW_START + dt.timedelta(minutes=11)
    with pytest.raises(Refusal, match="11 minute\\(s\\) after its window opened at "
                                      "2026-03-07T22:00\\+08:00"):
        env.service.run(path, scheduled_grace=dt.timedelta(minutes=10))
    last = json.loads(env.audit_lines()[-1])
    assert (last["action"], last["detail"]["rule"]) == ("change.refused", "window")


def test_a_timer_firing_after_the_window_closed_is_refused_by_the_window_rule(change_world):
    # the controller was off all night: even a timer that fired late (or a person) is refused
    env = change_world(WINDOW_START + dt.timedelta(minutes=30))
    path = env.ready(env.write())
    env.clock.now = WINDOW_START + dt.timedelta(hours=11)  # the next morning, 09:00
    with pytest.raises(Refusal, match="closed at 2026-03-08T02:00"):
        env.service.run(path)
    with pytest.raises(Refusal, match="scheduled run started at 2026-03-08T09:00"):
        env.service.run(path, scheduled_grace=dt.timedelta(minutes=10))


def test_a_scheduled_run_within_its_grace_runs(change_world):
    env = change_world(WINDOW_START + dt.timedelta(minutes=2))
    path = env.ready(env.write())
    env.clock.now = WINDOW_START + dt.timedelta(minutes=2)
    outcome = env.service.run(path, scheduled_grace=dt.timedelta(minutes=10))
    assert outcome.status == "successful", outcome.message


def test_install_refuses_vault_file_absent(tmp_path):
    with pytest.raises(ConfigError, match="not a readable file"):
        svc.check_vault_file(str(tmp_path / "none"))


def test_remove_cleans_a_persistent_timers_stamp(tmp_path):
    """A removed persistent timer's stamp goes too (systemctl clean --what=state): left behind,
    the same timer installed again would take it for a missed run and fire at install."""
    calls = []

    def runner(argv, **kw):
        import subprocess

        calls.append(list(argv[1:]))
        return subprocess.CompletedProcess(argv, 0, "[]", "")

    jobs = svc.site_jobs("s", "UTC", {}, "inv", tmp_path, ("inspect",))
    systemd = svc.Systemd(False, runner)
    svc.install(jobs, ctx(tmp_path), tmp_path / "units", False, systemd=systemd)
    calls.clear()
    assert svc.remove(tmp_path / "units", "s", None, False, systemd=systemd) == [
        "weibao-s-inspect.timer"]
    stops = [c for c in calls if "disable" in c]
    cleans = [c for c in calls if "clean" in c]
    assert stops and cleans and calls.index(stops[0]) < calls.index(cleans[0])
    assert cleans[0][-2:] == ["--what=state", "weibao-s-inspect.timer"]
