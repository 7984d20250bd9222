"""IBM Power HMC hosts in an inventory (group weibao_hmcs, weibao_platform ibm_hmc): the
credentials and options are checked before a run; each problem is one line naming the file,
the host and the field, exit 3, nothing written; the password is never shown."""

import pytest
from test_cli import invoke, run_count

from weibao.errors import ConfigError
from weibao.services.inventory import load_inventory

SECRET = "Hmc-Secret-51c9"  # noqa: S105 - a test's throwaway value


def site(tmp_path, hmc_vars, group="weibao_hmcs"):
    """A site with server db01 and one HMC host, hmc01, with ``hmc_vars``."""
    root = tmp_path / "site"
    (root / "host_vars").mkdir(parents=True)
    (root / "hosts.yml").write_text(
        "all:\n  children:\n    linux:\n      hosts:\n        db01:\n"
        f"    {group}:\n      hosts:\n        hmc01:\n")
    lines = [f"{k}: {v}" for k, v in hmc_vars.items()]
    (root / "host_vars" / "hmc01.yml").write_text("\n".join(lines) + "\n")
    return root


GOOD = {"weibao_platform": "ibm_hmc", "ansible_host": "10.0.0.41",
        "weibao_hmc_user": "hmcview", "weibao_hmc_password": SECRET,
        "weibao_hmc_port": 22, "weibao_hmc_timeout": 60,
        "weibao_hmc_host_key_checking": "true"}


def test_a_good_hmc_is_a_host_with_its_platform(tmp_path):
    inv = load_inventory(site(tmp_path, GOOD))
    assert inv.hosts == ["db01", "hmc01"]
    assert inv.platforms == {"db01": "linux", "hmc01": "ibm_hmc"}


def test_limit_to_the_group(tmp_path):
    inv = load_inventory(site(tmp_path, GOOD), limit="weibao_hmcs")
    assert inv.hosts == ["hmc01"] and inv.platforms["hmc01"] == "ibm_hmc"


@pytest.mark.parametrize(
    ("change", "group", "expected"),
    [
        ({"weibao_platform": None}, "weibao_hmcs",
         "host hmc01: weibao_platform: missing (a host of group weibao_hmcs sets "
         "weibao_platform: ibm_hmc)"),
        ({"weibao_platform": "linux"}, "weibao_hmcs",
         "host hmc01: weibao_platform: 'linux' is not ibm_hmc for a host of group weibao_hmcs"),
        ({}, "hmcs",
         "host hmc01: weibao_platform: 'ibm_hmc' needs the host in group weibao_hmcs"),
        ({"weibao_hmc_user": "''"}, "weibao_hmcs", "host hmc01: weibao_hmc_user: missing"),
        ({"weibao_hmc_password": None}, "weibao_hmcs",
         "host hmc01: weibao_hmc_password: missing"),
        ({"weibao_hmc_port": 0}, "weibao_hmcs",
         "host hmc01: weibao_hmc_port: 0 is not a whole number from 1 to 65535"),
        ({"weibao_hmc_timeout": "soon"}, "weibao_hmcs",
         "host hmc01: weibao_hmc_timeout: 'soon' is not a whole number from 1 to 600"),
        ({"weibao_hmc_host_key_checking": "maybe"}, "weibao_hmcs",
         "host hmc01: weibao_hmc_host_key_checking: 'maybe' is not true or false"),
        ({"inspect_hmc_thresholds": "{events: {nonsense: 1}}"}, "weibao_hmcs",
         "host hmc01: inspect_hmc_thresholds"),
    ],
)
def test_a_bad_hmc_is_one_line_exit_3_nothing_written(tmp_path, change, group, expected):
    hmc = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    root = site(tmp_path, hmc, group=group)
    with pytest.raises(ConfigError):
        load_inventory(root)
    data = tmp_path / "data"
    result = invoke(["--data-dir", str(data), "inspect", "--inventory", str(root)])
    assert result.exit_code == 3, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert str(root) in lines[0] and expected in lines[0], lines[0]
    assert SECRET not in result.output
    assert run_count(data) == 0
