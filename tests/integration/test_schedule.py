"""weibao schedule against a real systemd (Debian 12's, 252, PID 1 in the test container):
the units weibao writes are loaded, enabled and started by systemctl, list-timers gives each
timer's next elapse in the site's time zone, the service runs its command with the data
directory in its environment, and remove disables and deletes them.

The units are written on this side into a folder the container mounts as
/usr/local/lib/systemd/system (a folder of systemd's unit search path), and every systemctl
call of weibao.services.schedule runs in the container (``podman exec NAME systemctl``). The
weibao the units run is /bin/echo: harmless, and it shows the arguments in the journal.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import hosts
import pytest

from weibao.services import schedule as svc

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def host(tmp_path):
    if not hosts.image_exists():
        pytest.fail(f"test image missing: {hosts.BUILD_HINT}", pytrace=False)
    units = tmp_path / "units"
    units.mkdir()
    name = hosts.unique_name("schedule")
    hosts.podman("run", "-d", "--name", name, "--hostname", name, "--label", "weibao-it=1",
                 "-v", f"{units}:/usr/local/lib/systemd/system:Z", hosts.IMAGE,
                 *hosts.SYSTEMD_COMMAND)
    try:
        hosts.wait_booted(name)
        yield name, units
    finally:
        hosts.remove_host(name)


def in_container(name: str):
    """A subprocess.run for weibao.services.schedule.Systemd: systemctl in the container."""
    def run(argv, **kw):
        kw.pop("check", None)
        return subprocess.run(["podman", "exec", name, "systemctl", *argv[1:]],
                              env=hosts.podman_env(), check=False, **kw)
    return run


def sh(name: str, *args: str) -> subprocess.CompletedProcess:
    proc = hosts.podman("exec", name, *args, check=False)
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       proc.stdout.decode(errors="replace"),
                                       proc.stderr.decode(errors="replace"))


def next_fifth_1030(now: dt.datetime) -> dt.datetime:
    """The next 5th of a month at 10:30 in Shanghai after ``now``."""
    local = now.astimezone(SHANGHAI)
    year, month = local.year, local.month
    while True:
        candidate = dt.datetime(year, month, 5, 10, 30, tzinfo=SHANGHAI)
        if candidate > local:
            return candidate.astimezone(dt.UTC)
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)


def test_units_install_run_list_and_remove_in_real_systemd(host, tmp_path):
    name, units = host
    ctl = svc.Systemd(True, in_container(name))
    jobs = svc.site_jobs("example", "Asia/Shanghai",
                         {"inspection_day": 5, "inspection_time": "10:30"}, "inv",
                         Path("/srv/weibao/inventories/example"), ("inspect", "holidays"))
    window_start = dt.datetime(2030, 3, 7, 22, 0, tzinfo=SHANGHAI)
    request = SimpleNamespace(id="CR-2030-0001", site="example", window=SimpleNamespace(
        start=window_start, timezone="Asia/Shanghai"))
    jobs.append(svc.change_job(request, Path("/srv/weibao/changes/CR-2030-0001.yml"),
                               dt.datetime.now(dt.UTC), 10))
    ctx = svc.UnitContext(weibao=("/bin/echo",), working_dir=Path("/tmp"),
                          data_dir=Path("/var/lib/weibao data"), lang="zh-CN", run_as="root")
    before = dt.datetime.now(dt.UTC)
    written = svc.install(jobs, ctx, units, system=True, systemd=ctl)
    assert len(written) == 6

    # enabled and waiting, with the next elapse systemd computed in the site's zone
    for job in jobs:
        timer = f"{job.name}.timer"
        assert sh(name, "systemctl", "is-enabled", timer).stdout.strip() == "enabled"
        assert sh(name, "systemctl", "is-active", timer).stdout.strip() == "active"
    found = {i.job: i for i in svc.installed(units, "example", ctl)}
    assert sorted(found) == ["change-CR-2030-0001", "holidays", "inspect"]
    assert found["inspect"].next == next_fifth_1030(before)
    assert found["change-CR-2030-0001"].next == dt.datetime(2030, 3, 7, 14, 0, tzinfo=dt.UTC)
    assert found["inspect"].last is None
    assert sh(name, "systemctl", "show", "-p", "Persistent",
              "weibao-example-inspect.timer").stdout.strip() == "Persistent=yes"
    assert sh(name, "systemctl", "show", "-p", "Persistent",
              "weibao-example-change-CR-2030-0001.timer").stdout.strip() == "Persistent=no"
    listed = json.loads(sh(name, "systemctl", "list-timers", "--all",
                           "--output=json").stdout)
    assert {"weibao-example-inspect.timer", "weibao-example-holidays.timer",
            "weibao-example-change-CR-2030-0001.timer"} <= {row["unit"] for row in listed}

    # the service runs its command, in its working directory, with the data directory
    started = sh(name, "systemctl", "start", "weibao-example-inspect.service")
    assert started.returncode == 0, started.stderr
    journal = sh(name, "journalctl", "-u", "weibao-example-inspect.service", "-o", "cat",
                 "--no-pager").stdout
    assert "inspect -i /srv/weibao/inventories/example --site example" in journal
    env = sh(name, "systemctl", "show", "-p", "Environment",
             "weibao-example-inspect.service").stdout
    assert "WEIBAO_DATA_DIR=/var/lib/weibao data" in env.replace('"', "")
    assert "WEIBAO_LANG=zh-CN" in env
    result = sh(name, "systemctl", "show", "-p", "Result", "-p", "ExecMainStatus",
                "weibao-example-inspect.service").stdout
    assert "Result=success" in result and "ExecMainStatus=0" in result
    # the change's run is refused by weibao itself when late: its unit says --scheduled
    assert "--scheduled --scheduled-grace 10" in (
        units / "weibao-example-change-CR-2030-0001.service").read_text()

    # remove: disabled, stopped and deleted
    removed = svc.remove(units, "example", None, True, systemd=ctl)
    assert sorted(removed) == ["weibao-example-change-CR-2030-0001.timer",
                               "weibao-example-holidays.timer", "weibao-example-inspect.timer"]
    assert list(units.iterdir()) == []
    listed = json.loads(sh(name, "systemctl", "list-timers", "--all",
                           "--output=json").stdout)
    assert not [row for row in listed if row["unit"].startswith("weibao-")]
    gone = sh(name, "systemctl", "is-enabled", "weibao-example-inspect.timer")
    assert gone.returncode != 0
    assert svc.installed(units, "example", ctl) == []
