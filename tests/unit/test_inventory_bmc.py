"""BMC hosts in an inventory (group weibao_bmcs): protocol, credentials, the server they
belong to and their options are checked before a run; each problem is one line naming the
file, the host and the field, exit 3, nothing written; the password is never shown."""

import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import invoke, run_count

from weibao.errors import ConfigError
from weibao.services.inventory import load_inventory

ANSIBLE_VAULT = str(Path(sys.executable).parent / "ansible-vault")
SECRET = "Bmc-Secret-0c7d"  # noqa: S105 - a test's throwaway value


def site(tmp_path, bmc_vars, server="db01", group="weibao_bmcs"):
    """A site with server db01 and one BMC host, db01-bmc, with ``bmc_vars``."""
    root = tmp_path / "site"
    (root / "host_vars").mkdir(parents=True)
    (root / "hosts.yml").write_text(
        "all:\n  children:\n    linux:\n      hosts:\n        db01:\n"
        f"    {group}:\n      hosts:\n        db01-bmc:\n")
    lines = [f"{k}: {v}" for k, v in bmc_vars.items()]
    if server is not None:
        lines.append(f"weibao_bmc_of: {server}")
    (root / "host_vars" / "db01-bmc.yml").write_text("\n".join(lines) + "\n")
    return root


GOOD = {"weibao_platform": "ipmi", "ansible_host": "10.0.0.21", "weibao_bmc_user": "admin",
        "weibao_bmc_password": SECRET, "weibao_bmc_port": 623, "weibao_bmc_cipher_suite": 3,
        "weibao_bmc_timeout": 20}


def test_a_good_bmc_is_a_host_with_its_protocol(tmp_path):
    inv = load_inventory(site(tmp_path, GOOD))
    assert inv.hosts == ["db01", "db01-bmc"]
    assert inv.platforms == {"db01": "linux", "db01-bmc": "ipmi"}
    assert inv.assets["db01-bmc"] == {"bmc_of": "db01"}  # kept with the run's host


def test_redfish_is_the_default_protocol(tmp_path):
    bmc = {k: v for k, v in GOOD.items() if k != "weibao_platform"}
    assert load_inventory(site(tmp_path, bmc)).platforms["db01-bmc"] == "redfish"


def test_weibao_bmc_of_may_name_a_host_limit_leaves_out(tmp_path):
    inv = load_inventory(site(tmp_path, GOOD), limit="weibao_bmcs")
    assert inv.hosts == ["db01-bmc"]


@pytest.mark.parametrize(
    ("change", "server", "group", "expected"),
    [
        ({"weibao_platform": "snmp"}, "db01", "weibao_bmcs",
         "host db01-bmc: weibao_platform: 'snmp' is not one of"),
        ({"weibao_platform": "cisco_ios"}, "db01", "weibao_bmcs",
         "host db01-bmc: weibao_platform: 'cisco_ios' is not a BMC protocol (ipmi, redfish)"),
        ({}, "db01", "bmcs",
         "host db01-bmc: weibao_platform: 'ipmi' is a BMC protocol: put the host in group "
         "weibao_bmcs"),
        ({"weibao_bmc_user": "''"}, "db01", "weibao_bmcs",
         "host db01-bmc: weibao_bmc_user: missing"),
        ({"weibao_bmc_password": None}, "db01", "weibao_bmcs",
         "host db01-bmc: weibao_bmc_password: missing"),
        ({}, "db99", "weibao_bmcs",
         "host db01-bmc: weibao_bmc_of: 'db99' is not a host of this inventory"),
        ({"weibao_bmc_port": 70000}, "db01", "weibao_bmcs",
         "host db01-bmc: weibao_bmc_port: 70000 is not a whole number from 1 to 65535"),
        ({"weibao_bmc_cipher_suite": "x"}, "db01", "weibao_bmcs",
         "host db01-bmc: weibao_bmc_cipher_suite: 'x' is not a whole number from 0 to 17"),
        ({"weibao_bmc_timeout": 0}, "db01", "weibao_bmcs",
         "host db01-bmc: weibao_bmc_timeout: 0 is not a whole number from 1 to 600"),
        ({"weibao_bmc_tls_verify": "maybe"}, "db01", "weibao_bmcs",
         "host db01-bmc: weibao_bmc_tls_verify: 'maybe' is not true or false"),
    ],
)
def test_a_bad_bmc_is_one_line_exit_3_nothing_written(tmp_path, change, server, group,
                                                      expected):
    bmc = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    root = site(tmp_path, bmc, server=server, group=group)
    with pytest.raises(ConfigError, match="weibao_"):
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
    password_file.write_text("bmc-vault-pass\n")
    inline = subprocess.run(
        [ANSIBLE_VAULT, "encrypt_string", "--vault-password-file", str(password_file),
         "--name", "weibao_bmc_password", SECRET], check=True, capture_output=True,
        text=True).stdout
    bmc = {k: v for k, v in GOOD.items() if k != "weibao_password"}
    bmc.pop("weibao_bmc_password")
    root = site(tmp_path, bmc, server="db99")
    with (root / "host_vars" / "db01-bmc.yml").open("a") as handle:
        handle.write(inline)
    monkeypatch.setenv("ANSIBLE_VAULT_PASSWORD_FILE", str(password_file))
    with pytest.raises(ConfigError) as err:  # the password is read; the server is wrong
        load_inventory(root)
    assert "weibao_bmc_of: 'db99'" in str(err.value)
    assert SECRET not in str(err.value)
    (root / "host_vars" / "db01-bmc.yml").write_text(
        (root / "host_vars" / "db01-bmc.yml").read_text().replace("db99", "db01"))
    assert load_inventory(root).platforms["db01-bmc"] == "ipmi"
