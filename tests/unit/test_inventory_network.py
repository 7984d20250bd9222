"""Network device hosts in an inventory (group weibao_network): the platform (weibao_platform,
or ansible_network_os mapped to it), credentials, ports, timeouts, host key checking and jump
host are checked before a run; each problem is one line naming the file, the host and the
field, exit 3, nothing written; no secret is ever shown."""

import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import invoke, run_count

from weibao.errors import ConfigError
from weibao.services.inventory import load_inventory

ANSIBLE_VAULT = str(Path(sys.executable).parent / "ansible-vault")
SECRET = "Network-Secret-3c5d"  # noqa: S105 - a test's throwaway value
ENABLE = "Enable-Secret-8a1f"  # noqa: S105


def site(tmp_path, device_vars, group="weibao_network"):
    """A site with server db01 and one switch, sw01, with ``device_vars``."""
    root = tmp_path / "site"
    (root / "host_vars").mkdir(parents=True)
    (root / "hosts.yml").write_text(
        "all:\n  children:\n    linux:\n      hosts:\n        db01:\n"
        f"    {group}:\n      hosts:\n        sw01:\n")
    lines = [f"{k}: {v}" for k, v in device_vars.items()]
    (root / "host_vars" / "sw01.yml").write_text("\n".join(lines) + "\n")
    return root


GOOD = {"weibao_platform": "cisco_ios", "ansible_host": "10.0.1.2",
        "weibao_network_user": "inspect", "weibao_network_password": SECRET,
        "weibao_network_enable_secret": ENABLE, "weibao_network_port": 22,
        "weibao_network_timeout": 30, "weibao_network_host_key_checking": "true",
        "weibao_network_jump_host": "ops@bastion.example.net:2222"}


def test_a_good_switch_is_a_host_with_its_platform(tmp_path):
    inv = load_inventory(site(tmp_path, GOOD))
    assert inv.hosts == ["db01", "sw01"]
    assert inv.platforms == {"db01": "linux", "sw01": "cisco_ios"}


@pytest.mark.parametrize("platform", ["cisco_ios", "cisco_nxos", "huawei_vrp", "hp_comware"])
def test_every_network_platform(tmp_path, platform):
    inv = load_inventory(site(tmp_path, {**GOOD, "weibao_platform": platform}),
                         limit="weibao_network")
    assert inv.hosts == ["sw01"] and inv.platforms["sw01"] == platform


@pytest.mark.parametrize(("network_os", "platform"), [
    ("cisco.ios.ios", "cisco_ios"), ("ios", "cisco_ios"), ("cisco.nxos.nxos", "cisco_nxos"),
    ("nxos", "cisco_nxos"), ("huawei", "huawei_vrp"), ("hp_comware", "hp_comware"),
    ("comware", "hp_comware"),
])
def test_ansible_network_os_is_mapped(tmp_path, network_os, platform):
    device = {k: v for k, v in GOOD.items() if k != "weibao_platform"}
    device["ansible_network_os"] = network_os
    assert load_inventory(site(tmp_path, device)).platforms["sw01"] == platform


def test_weibao_platform_wins_over_ansible_network_os(tmp_path):
    device = {**GOOD, "weibao_platform": "huawei_vrp", "ansible_network_os": "cisco.ios.ios"}
    assert load_inventory(site(tmp_path, device)).platforms["sw01"] == "huawei_vrp"


def test_no_jump_host_and_no_enable_secret_are_fine(tmp_path):
    device = {k: v for k, v in GOOD.items()
              if k not in ("weibao_network_jump_host", "weibao_network_enable_secret")}
    assert load_inventory(site(tmp_path, device)).platforms["sw01"] == "cisco_ios"


@pytest.mark.parametrize(
    ("change", "group", "expected"),
    [
        ({"weibao_platform": None}, "weibao_network",
         "host sw01: weibao_platform: missing (a host of group weibao_network names its "
         "platform: cisco_ios, cisco_nxos, huawei_vrp, hp_comware; or ansible_network_os)"),
        ({"weibao_platform": "juniper_junos"}, "weibao_network",
         "host sw01: weibao_platform: 'juniper_junos' is not one of"),
        ({"weibao_platform": "ibm_storwize"}, "weibao_network",
         "host sw01: weibao_platform: 'ibm_storwize' is a disk array: put the host in group "
         "weibao_arrays"),
        ({"weibao_platform": "linux"}, "weibao_network",
         "host sw01: weibao_platform: 'linux' is not a network platform (cisco_ios, "
         "cisco_nxos, huawei_vrp, hp_comware) for a host of group weibao_network"),
        ({"weibao_platform": None, "ansible_network_os": "junipernetworks.junos.junos"},
         "weibao_network",
         "host sw01: ansible_network_os: 'junipernetworks.junos.junos' is not a network "
         "platform"),
        ({}, "switches",
         "host sw01: weibao_platform: 'cisco_ios' is a network device: put the host in group "
         "weibao_network"),
        ({"weibao_network_user": "''"}, "weibao_network",
         "host sw01: weibao_network_user: missing"),
        ({"weibao_network_password": None}, "weibao_network",
         "host sw01: weibao_network_password: missing"),
        ({"weibao_network_port": 0}, "weibao_network",
         "host sw01: weibao_network_port: 0 is not a whole number from 1 to 65535"),
        ({"weibao_network_port": 65536}, "weibao_network",
         "host sw01: weibao_network_port: 65536 is not a whole number from 1 to 65535"),
        ({"weibao_network_timeout": "soon"}, "weibao_network",
         "host sw01: weibao_network_timeout: 'soon' is not a whole number from 1 to 600"),
        ({"weibao_network_timeout": 601}, "weibao_network",
         "host sw01: weibao_network_timeout: 601 is not a whole number from 1 to 600"),
        ({"weibao_network_host_key_checking": "maybe"}, "weibao_network",
         "host sw01: weibao_network_host_key_checking: 'maybe' is not true or false"),
        ({"weibao_network_jump_host": "'ops@bastion:99999'"}, "weibao_network",
         "host sw01: weibao_network_jump_host: 'ops@bastion:99999' is not user@host:port"),
        ({"weibao_network_jump_host": "'ops@bas tion'"}, "weibao_network",
         "host sw01: weibao_network_jump_host: 'ops@bas tion' is not user@host:port"),
        ({"inspect_network_thresholds": "{nonsense: {warning: 1}}"}, "weibao_network",
         "host sw01: inspect_network_thresholds"),
    ],
)
def test_a_bad_switch_is_one_line_exit_3_nothing_written(tmp_path, change, group, expected):
    device = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    root = site(tmp_path, device, group=group)
    with pytest.raises(ConfigError):
        load_inventory(root)
    data = tmp_path / "data"
    result = invoke(["--data-dir", str(data), "inspect", "--inventory", str(root)])
    assert result.exit_code == 3, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert str(root) in lines[0] and expected in lines[0], lines[0]
    assert SECRET not in result.output and ENABLE not in result.output
    assert run_count(data) == 0


def test_a_vaulted_password_is_read_and_never_shown(tmp_path, monkeypatch):
    password_file = tmp_path / "vault-pass"
    password_file.write_text("network-vault-pass\n")
    inline = "".join(subprocess.run(
        [ANSIBLE_VAULT, "encrypt_string", "--vault-password-file", str(password_file),
         "--name", name, value], check=True, capture_output=True, text=True).stdout
        for name, value in (("weibao_network_password", SECRET),
                            ("weibao_network_enable_secret", ENABLE)))
    device = {k: v for k, v in GOOD.items()
              if k not in ("weibao_network_password", "weibao_network_enable_secret")}
    device["weibao_network_port"] = 70000
    root = site(tmp_path, device)
    with (root / "host_vars" / "sw01.yml").open("a") as handle:
        handle.write(inline)
    monkeypatch.setenv("ANSIBLE_VAULT_PASSWORD_FILE", str(password_file))
    with pytest.raises(ConfigError) as err:  # the password is read; the port is wrong
        load_inventory(root)
    assert "weibao_network_port: 70000" in str(err.value)
    assert SECRET not in str(err.value) and ENABLE not in str(err.value)
    path = root / "host_vars" / "sw01.yml"
    path.write_text(path.read_text().replace("70000", "22"))
    assert load_inventory(root).platforms["sw01"] == "cisco_ios"
