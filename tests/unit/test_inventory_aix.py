"""AIX hosts in an inventory: weibao_platform aix if and only if the host is in group
weibao_aix (the play of that group runs the AIX collector; the Linux play leaves the group
out). Each problem is one line naming the file, the host and the field, exit 3, nothing
written."""

import pytest
from test_cli import invoke, run_count

from weibao.errors import ConfigError
from weibao.services.inventory import load_inventory


def site(tmp_path, aix_vars, group="weibao_aix"):
    """A site with Linux server db01 and one AIX host, p750db, with ``aix_vars``."""
    root = tmp_path / "site"
    (root / "host_vars").mkdir(parents=True)
    (root / "hosts.yml").write_text(
        "all:\n  children:\n    linux:\n      hosts:\n        db01:\n"
        f"    {group}:\n      hosts:\n        p750db:\n")
    lines = [f"{k}: {v}" for k, v in aix_vars.items()]
    (root / "host_vars" / "p750db.yml").write_text("\n".join(lines) + "\n")
    return root


GOOD = {"weibao_platform": "aix", "ansible_host": "10.0.0.41",
        "ansible_python_interpreter": "/opt/freeware/bin/python3"}


def test_an_aix_host_in_its_group_has_platform_aix(tmp_path):
    inv = load_inventory(site(tmp_path, GOOD))
    assert inv.hosts == ["db01", "p750db"]
    assert inv.platforms == {"db01": "linux", "p750db": "aix"}


def test_limit_to_the_aix_group(tmp_path):
    inv = load_inventory(site(tmp_path, GOOD), limit="weibao_aix")
    assert inv.hosts == ["p750db"] and inv.platforms["p750db"] == "aix"


@pytest.mark.parametrize(
    ("change", "group", "expected"),
    [
        ({}, "unix",
         "host p750db: weibao_platform: 'aix' needs the host in group weibao_aix"),
        ({"weibao_platform": None}, "weibao_aix",
         "host p750db: weibao_platform: missing (a host of group weibao_aix sets "
         "weibao_platform: aix)"),
        ({"weibao_platform": "linux"}, "weibao_aix",
         "host p750db: weibao_platform: 'linux' is not aix for a host of group weibao_aix"),
        ({"weibao_platform": "aix7"}, "weibao_aix",
         "host p750db: weibao_platform: 'aix7' is not one of"),
    ],
)
def test_a_bad_aix_host_is_one_line_exit_3_nothing_written(tmp_path, change, group, expected):
    aix = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    root = site(tmp_path, aix, group=group)
    with pytest.raises(ConfigError):
        load_inventory(root)
    data = tmp_path / "data"
    result = invoke(["--data-dir", str(data), "inspect", "--inventory", str(root)])
    assert result.exit_code == 3, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert str(root) in lines[0] and expected in lines[0], lines[0]
    assert run_count(data) == 0
