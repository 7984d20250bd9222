"""A site whose connection settings are in Ansible Vault is inspected for real: weibao reads
the inventory and ansible-playbook runs with the same vault password file, and the vaulted
secret appears nowhere in the output, the store or the archive."""

import json
import os
import subprocess
import sys
from pathlib import Path

WEIBAO = str(Path(sys.executable).parent / "weibao")
ANSIBLE_VAULT = str(Path(sys.executable).parent / "ansible-vault")
SECRET = "Vaulted-Secret-4d2e"  # noqa: S105 - a test's throwaway value
ENV_SECRET = "Env-Token-77c1"  # noqa: S105 - a secret in the controller's environment


def test_inspect_a_vaulted_site(tmp_path):
    password_file = tmp_path / "vault-pass"
    password_file.write_text("functional-vault-pass\n")
    site = tmp_path / "vaulted"
    (site / "group_vars" / "all").mkdir(parents=True)
    (site / "hosts.yml").write_text("all:\n  hosts:\n    localhost:\n")
    vault_file = site / "group_vars" / "all" / "vault.yml"
    # without these (vaulted) connection settings the run cannot reach localhost at all
    vault_file.write_text(
        "ansible_connection: local\n"
        "ansible_python_interpreter: '{{ ansible_playbook_python }}'\n"
        "weibao_site:\n  name: vaulted\n  client: Vaulted Client\n"
        f"bmc_password: {SECRET}\n")
    subprocess.run([ANSIBLE_VAULT, "encrypt", "--vault-password-file", str(password_file),
                    str(vault_file)], check=True, capture_output=True)
    data = tmp_path / "data"
    proc = subprocess.run(
        [WEIBAO, "--data-dir", str(data), "--vault-password-file", str(password_file),
         "inspect", "-i", str(site), "--period", "2026-11", "--limit", "localhost"],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "SITE_API_TOKEN": ENV_SECRET})
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    runs = json.loads(subprocess.run([WEIBAO, "--data-dir", str(data), "runs", "--json"],
                                     capture_output=True, text=True, check=True).stdout)
    assert [(h["name"], h["status"]) for h in runs[0]["hosts"]] == [("localhost", "inspected")]
    assert runs[0]["site"] == "vaulted"
    assert SECRET not in proc.stdout + proc.stderr
    archive = Path(runs[0]["artifact_dir"]) / "artifacts" / "ansible"
    command = json.loads((archive / "command").read_text())
    # ansible-runner would turn host key checking off; weibao keeps ansible.cfg's setting
    assert command["env"]["ANSIBLE_HOST_KEY_CHECKING"] == "True"
    assert command["env"]["SITE_API_TOKEN"] == "(not archived)"
    assert not (archive / "fact_cache").exists()  # facts hold the hosts' environments
    for path in data.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
            assert ENV_SECRET.encode() not in path.read_bytes(), path
            assert b"functional-vault-pass" not in path.read_bytes(), path
