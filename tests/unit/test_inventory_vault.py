"""Sites keep credentials in Ansible Vault: vaulted inventories are read with the same vault
password Ansible gets, and without it the error says so in one line.

The vaulted files are made by the real ``ansible-vault`` of the virtualenv.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import invoke

from weibao.errors import ConfigError
from weibao.services.inventory import load_inventory

ANSIBLE_VAULT = str(Path(sys.executable).parent / "ansible-vault")
PASSWORD = "Vault-Pass-7f3a"  # noqa: S105 - a test's throwaway vault password
SECRET = "S3cret-BMC-pw-91"  # noqa: S105 - the vaulted value that must never be shown


@pytest.fixture
def vaulted(tmp_path, monkeypatch):
    """A site whose group_vars file is vaulted whole and whose host has an inline !vault."""
    monkeypatch.delenv("ANSIBLE_VAULT_PASSWORD_FILE", raising=False)
    password_file = tmp_path / "vault-pass"
    password_file.write_text(PASSWORD + "\n")
    site = tmp_path / "bank"
    (site / "group_vars" / "all").mkdir(parents=True)
    (site / "host_vars").mkdir()
    (site / "hosts.yml").write_text("all:\n  hosts:\n    db01:\n")
    vault_file = site / "group_vars" / "all" / "vault.yml"
    vault_file.write_text("weibao_site:\n  name: bank\n  client: Example Bank\n"
                          "  timezone: Asia/Shanghai\n")
    subprocess.run([ANSIBLE_VAULT, "encrypt", "--vault-password-file", str(password_file),
                    str(vault_file)], check=True, capture_output=True)
    assert vault_file.read_text().startswith("$ANSIBLE_VAULT")
    inline = subprocess.run(
        [ANSIBLE_VAULT, "encrypt_string", "--vault-password-file", str(password_file),
         "--name", "bmc_password", SECRET], check=True, capture_output=True, text=True).stdout
    (site / "host_vars" / "db01.yml").write_text(
        "weibao_asset:\n  model: Inspur NF5280M6\n  serial: '218123456'\n" + inline)
    return site, password_file


def test_vaulted_site_reads_with_the_password(vaulted, monkeypatch):
    site, password_file = vaulted
    monkeypatch.setenv("ANSIBLE_VAULT_PASSWORD_FILE", str(password_file))
    inv = load_inventory(site)
    assert inv.site.name == "bank"
    assert inv.site.client == "Example Bank"  # from the file vaulted whole
    assert inv.site.timezone == "Asia/Shanghai"
    assert inv.assets["db01"]["serial"] == "218123456"  # beside an inline !vault value


def test_vaulted_site_without_the_password_says_what_to_do(vaulted):
    site, _ = vaulted
    with pytest.raises(ConfigError) as err:
        load_inventory(site)
    message = str(err.value)
    assert str(site) in message
    assert "--vault-password-file" in message
    assert "\n" not in message


def test_wrong_vault_password_is_one_line_without_the_secret(vaulted, tmp_path, monkeypatch):
    site, _ = vaulted
    wrong = tmp_path / "wrong-pass"
    wrong.write_text("not-the-password\n")
    monkeypatch.setenv("ANSIBLE_VAULT_PASSWORD_FILE", str(wrong))
    with pytest.raises(ConfigError) as err:
        load_inventory(site)
    assert str(site) in str(err.value)
    assert SECRET not in str(err.value) and "not-the-password" not in str(err.value)


def test_cli_vault_password_file_option(vaulted, tmp_path, monkeypatch):
    site, password_file = vaulted
    # a missing password file: exit 3 and one line naming it, nothing written
    data = tmp_path / "data"
    result = invoke(["--data-dir", str(data), "--lang", "en",
                     "--vault-password-file", str(tmp_path / "nope"),
                     "inspect", "-i", str(site), "--period", "2026-11"])
    assert result.exit_code == 3, result.output
    assert "nope" in result.output and "not a readable file" in result.output
    assert not data.exists()
    # without the option: the same one-line hint
    result = invoke(["--data-dir", str(data), "--lang", "en", "inspect",
                     "-i", str(site), "--period", "2026-11"])
    assert result.exit_code == 3
    assert "--vault-password-file" in result.output
    assert SECRET not in result.output and PASSWORD not in result.output
    assert not data.exists()
