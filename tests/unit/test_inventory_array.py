"""Disk array hosts in an inventory (group weibao_arrays): the CLI platform, credentials and
options are checked before a run; each problem is one line naming the file, the host and the
field, exit 3, nothing written; the password is never shown."""

import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import invoke, run_count

from weibao.errors import ConfigError
from weibao.services.inventory import load_inventory

ANSIBLE_VAULT = str(Path(sys.executable).parent / "ansible-vault")
SECRET = "Array-Secret-7e41"  # noqa: S105 - a test's throwaway value


def site(tmp_path, array_vars, group="weibao_arrays"):
    """A site with server db01 and one array host, v7k01, with ``array_vars``."""
    root = tmp_path / "site"
    (root / "host_vars").mkdir(parents=True)
    (root / "hosts.yml").write_text(
        "all:\n  children:\n    linux:\n      hosts:\n        db01:\n"
        f"    {group}:\n      hosts:\n        v7k01:\n")
    lines = [f"{k}: {v}" for k, v in array_vars.items()]
    (root / "host_vars" / "v7k01.yml").write_text("\n".join(lines) + "\n")
    return root


GOOD = {"weibao_platform": "ibm_storwize", "ansible_host": "10.0.0.31",
        "weibao_array_user": "monitor", "weibao_array_password": SECRET,
        "weibao_array_port": 22, "weibao_array_timeout": 30,
        "weibao_array_host_key_checking": "true"}


def test_a_good_array_is_a_host_with_its_platform(tmp_path):
    inv = load_inventory(site(tmp_path, GOOD))
    assert inv.hosts == ["db01", "v7k01"]
    assert inv.platforms == {"db01": "linux", "v7k01": "ibm_storwize"}


def test_an_oceanstor_and_limit_to_the_group(tmp_path):
    inv = load_inventory(site(tmp_path, {**GOOD, "weibao_platform": "huawei_oceanstor"}),
                         limit="weibao_arrays")
    assert inv.hosts == ["v7k01"] and inv.platforms["v7k01"] == "huawei_oceanstor"


@pytest.mark.parametrize(
    ("change", "group", "expected"),
    [
        ({"weibao_platform": None}, "weibao_arrays",
         "host v7k01: weibao_platform: missing (a host of group weibao_arrays names its CLI: "
         "ibm_storwize, huawei_oceanstor)"),
        ({"weibao_platform": "netapp"}, "weibao_arrays",
         "host v7k01: weibao_platform: 'netapp' is not one of"),
        ({"weibao_platform": "cisco_ios"}, "weibao_arrays",
         "host v7k01: weibao_platform: 'cisco_ios' is not a disk array platform"),
        ({}, "arrays",
         "host v7k01: weibao_platform: 'ibm_storwize' is a disk array: put the host in group "
         "weibao_arrays"),
        ({"weibao_array_user": "''"}, "weibao_arrays",
         "host v7k01: weibao_array_user: missing"),
        ({"weibao_array_password": None}, "weibao_arrays",
         "host v7k01: weibao_array_password: missing"),
        ({"weibao_array_port": 0}, "weibao_arrays",
         "host v7k01: weibao_array_port: 0 is not a whole number from 1 to 65535"),
        ({"weibao_array_timeout": "soon"}, "weibao_arrays",
         "host v7k01: weibao_array_timeout: 'soon' is not a whole number from 1 to 600"),
        ({"weibao_array_timeout": 601}, "weibao_arrays",
         "host v7k01: weibao_array_timeout: 601 is not a whole number from 1 to 600"),
        ({"weibao_array_host_key_checking": "maybe"}, "weibao_arrays",
         "host v7k01: weibao_array_host_key_checking: 'maybe' is not true or false"),
        ({"inspect_array_thresholds": "{pools: {nonsense: 1}}"}, "weibao_arrays",
         "host v7k01: inspect_array_thresholds"),
    ],
)
def test_a_bad_array_is_one_line_exit_3_nothing_written(tmp_path, change, group, expected):
    array = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    root = site(tmp_path, array, group=group)
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


def test_a_vaulted_password_is_read_and_never_shown(tmp_path, monkeypatch):
    password_file = tmp_path / "vault-pass"
    password_file.write_text("array-vault-pass\n")
    inline = subprocess.run(
        [ANSIBLE_VAULT, "encrypt_string", "--vault-password-file", str(password_file),
         "--name", "weibao_array_password", SECRET], check=True, capture_output=True,
        text=True).stdout
    array = {k: v for k, v in GOOD.items() if k != "weibao_array_password"}
    array["weibao_array_port"] = 70000
    root = site(tmp_path, array)
    with (root / "host_vars" / "v7k01.yml").open("a") as handle:
        handle.write(inline)
    monkeypatch.setenv("ANSIBLE_VAULT_PASSWORD_FILE", str(password_file))
    with pytest.raises(ConfigError) as err:  # the password is read; the port is wrong
        load_inventory(root)
    assert "weibao_array_port: 70000" in str(err.value)
    assert SECRET not in str(err.value)
    path = root / "host_vars" / "v7k01.yml"
    path.write_text(path.read_text().replace("70000", "22"))
    assert load_inventory(root).platforms["v7k01"] == "ibm_storwize"
