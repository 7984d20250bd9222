"""Reading a site's inventory before a run: hosts, site description, asset data.

Everything that can be wrong with an inventory is found here, before anything is written
to the store, and reported as one line naming the file.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from weibao.errors import N_, ConfigError
from weibao.sshkeys import key_line_fingerprint

SITE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
ASSET_FIELDS = ("model", "serial", "location", "criticality", "os", "role")
CRITICALITIES = ("low", "medium", "high", "critical")
YAML_SUFFIXES = (".yml", ".yaml", ".json")


@dataclass
class Site:
    name: str
    client: str = ""
    provider: str = ""
    contract: str = ""
    timezone: str = "UTC"
    inspectors: list[str] = field(default_factory=list)
    # the fingerprint of the client's trust anchor (weibao_site.client_anchor), printed on
    # every report and service record for the client to check against its own key
    client_anchor_fingerprint: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "client": self.client,
            "provider": self.provider,
            "contract": self.contract,
            "timezone": self.timezone,
            "inspectors": list(self.inspectors),
            "client_anchor_fingerprint": self.client_anchor_fingerprint,
        }


@dataclass
class Inventory:
    path: Path
    site: Site
    hosts: list[str]
    assets: dict[str, dict[str, Any]]
    # weibao_platform per host (default linux): which catalogue checks apply
    platforms: dict[str, str] = field(default_factory=dict)


def _yaml_files(path: Path):
    if path.is_file():
        yield path
        return
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(YAML_SUFFIXES):
                yield Path(root) / name


class _InventoryYamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML as Ansible reads it: ``!vault`` (an inline encrypted value) and ``!unsafe`` are
    tags of Ansible's, not errors; only the structure is checked here. libyaml's parser when
    PyYAML has it, as Ansible's own loader does (the pure-Python one took 0.3 ms a host)."""


def _ansible_tag(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return "" if node.tag == "!vault" else str(loader.construct_scalar(node))


for _tag in ("!vault", "!unsafe"):
    _InventoryYamlLoader.add_constructor(_tag, _ansible_tag)


def _vault_secrets(loader: Any) -> None:
    """Give the inventory loader the vault password Ansible will use (the global option
    ``--vault-password-file`` or ``ANSIBLE_VAULT_PASSWORD_FILE``), so vaulted group_vars and
    host_vars read here exactly as in the run. The password itself is never kept or shown."""
    password_file = os.environ.get("ANSIBLE_VAULT_PASSWORD_FILE")
    if not password_file:
        return
    from ansible.errors import AnsibleError
    from ansible.parsing.vault import get_file_vault_secret

    try:
        secret = get_file_vault_secret(filename=password_file, loader=loader)
        secret.load()
    except AnsibleError as exc:
        raise ConfigError(N_("vault password file %(file)s: %(problem)s"), file=password_file,
                          problem=str(exc).splitlines()[0]) from exc
    loader.set_vault_secrets([("default", secret)])


def _check_yaml(path: Path) -> None:
    """Every YAML file of the inventory must parse: name the file and line when not."""
    for file in _yaml_files(path):
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(
                N_("inventory %(file)s: cannot be read: %(reason)s"),
                file=str(file),
                reason=getattr(exc, "strerror", None) or str(exc),
            ) from exc
        if text.lstrip().startswith("$ANSIBLE_VAULT"):
            continue
        try:
            data = yaml.load(text, Loader=_InventoryYamlLoader)  # noqa: S506 - a SafeLoader
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else "?"
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise ConfigError(
                N_("inventory %(file)s: %(where)s: not valid YAML: %(problem)s"),
                file=str(file),
                where=where,
                problem=problem,
            ) from exc
        if data is not None and not isinstance(data, dict):
            raise ConfigError(
                N_("inventory %(file)s: expected a mapping at the top, got %(type)s"),
                file=str(file),
                type=type(data).__name__,
            )


@contextlib.contextmanager
def _quiet_stderr():
    """Ansible prints parser warnings on fd 2; capture them for the error message instead."""
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as buf:
        os.dup2(buf.fileno(), 2)
        captured: list[str] = []
        try:
            yield captured
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            buf.seek(0)
            captured.extend(buf.read().decode("utf-8", "replace").splitlines())


def _site_from_vars(path: Path, raw: Any, fallback: str) -> Site:
    if raw in (None, ""):
        return Site(name=fallback)
    if not isinstance(raw, dict):
        raise ConfigError(N_("inventory %(file)s: weibao_site: expected a mapping"),
                          file=str(path))
    name = str(raw.get("name") or fallback)
    if not SITE_NAME_RE.match(name):
        raise ConfigError(
            N_("inventory %(file)s: weibao_site.name: %(name)r is not a valid site name "
               "(letters, digits, '.', '_', '-')"),
            file=str(path), name=name)
    inspectors = raw.get("inspectors") or []
    if not isinstance(inspectors, list) or not all(isinstance(i, str) for i in inspectors):
        raise ConfigError(
            N_("inventory %(file)s: weibao_site.inspectors: expected a list of names"),
            file=str(path))
    tz = str(raw.get("timezone") or "UTC")
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(tz)
    except Exception as exc:  # ZoneInfoNotFoundError, ValueError
        raise ConfigError(
            N_("inventory %(file)s: weibao_site.timezone: unknown time zone %(tz)r"),
            file=str(path), tz=tz) from exc
    try:
        anchor = key_line_fingerprint(raw.get("client_anchor"))
    except ValueError as exc:
        raise ConfigError(N_("inventory %(file)s: weibao_site.client_anchor: %(problem)s"),
                          file=str(path), problem=str(exc)) from None
    return Site(
        client_anchor_fingerprint=anchor,
        name=name,
        client=str(raw.get("client") or ""),
        provider=str(raw.get("provider") or ""),
        contract=str(raw.get("contract") or ""),
        timezone=tz,
        inspectors=list(inspectors),
    )


def _asset(path: Path, host: str, raw: Any) -> dict[str, Any]:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(N_("inventory %(file)s: host %(host)s: weibao_asset: expected a "
                             "mapping"), file=str(path), host=host)
    crit = raw.get("criticality")
    if crit is not None and str(crit) not in CRITICALITIES:
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_asset.criticality: %(value)r is not "
               "one of low, medium, high, critical"),
            file=str(path), host=host, value=crit)
    return {k: str(raw[k]) for k in ASSET_FIELDS if raw.get(k) not in (None, "")}


def load_inventory(path: str | Path, limit: str | None = None,
                   site: str | None = None) -> Inventory:
    """Parse an inventory (file or folder) as Ansible will, and check weibao's own vars."""
    # weibao's module_utils (catalogue, registry) before Ansible's loaders take over imports
    from weibao.content import enable_module_utils

    enable_module_utils()
    from ansible.module_utils.weibao_inspection import catalogue, registry  # noqa: F401

    inv_path = Path(path).expanduser()
    if not inv_path.exists() and not inv_path.is_absolute():
        # the embedded inventories (inventories/local, inventories/example) from anywhere
        from weibao.content import content_root

        bundled = content_root() / inv_path
        if bundled.exists():
            inv_path = bundled
    if not inv_path.exists():
        raise ConfigError(N_("inventory %(file)s: does not exist"), file=str(inv_path))
    inv_path = inv_path.resolve()
    _check_yaml(inv_path)

    # Read the inventory with weibao's own ansible.cfg (e.g. people.yml is not a source),
    # wherever weibao is run from; ansible-runner passes the same file to ansible-playbook.
    from weibao.content import content_root

    os.environ.setdefault("ANSIBLE_CONFIG", str(content_root() / "ansible.cfg"))

    from ansible.errors import AnsibleError
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.vars.manager import VariableManager

    loader = DataLoader()
    _vault_secrets(loader)
    with _quiet_stderr() as output:
        try:
            manager = InventoryManager(loader=loader, sources=[str(inv_path)])
            if limit:
                manager.subset(limit)
            hosts = [h for h in manager.get_hosts()]
            all_names = set(manager.hosts)  # weibao_bmc_of may name a host --limit leaves out
            bmc_group = {h.name for h in hosts
                         if BMC_GROUP in {g.name for g in h.get_groups()}}
            array_group = {h.name for h in hosts
                           if ARRAY_GROUP in {g.name for g in h.get_groups()}}
            network_group = {h.name for h in hosts
                             if NETWORK_GROUP in {g.name for g in h.get_groups()}}
            aix_group = {h.name for h in hosts
                         if AIX_GROUP in {g.name for g in h.get_groups()}}
            hmc_group = {h.name for h in hosts
                         if HMC_GROUP in {g.name for g in h.get_groups()}}
            variables = VariableManager(loader=loader, inventory=manager)
            host_vars = {h.name: variables.get_vars(host=h) for h in hosts}
            all_vars = manager.groups["all"].get_vars() if "all" in manager.groups else {}
        except AnsibleError as exc:
            error = str(exc).splitlines()[0]
        else:
            error = None
    if error is not None and ("no vault secrets" in error.lower()
                              or "vault password must be specified" in error.lower()):
        raise ConfigError(
            N_("inventory %(file)s: holds vaulted values; give the vault password with "
               "--vault-password-file FILE (or ANSIBLE_VAULT_PASSWORD_FILE)"),
            file=str(inv_path))
    if error is not None:
        detail = next((line.strip() for line in output if "Failed to parse" in line), error)
        raise ConfigError(N_("inventory %(file)s: %(problem)s"), file=str(inv_path),
                          problem=detail)
    if not hosts:
        unparsed = next((line.split("]:", 1)[-1].strip() for line in output
                         if "Unable to parse" in line or "Failed to parse" in line), None)
        if unparsed:
            raise ConfigError(N_("inventory %(file)s: %(problem)s"), file=str(inv_path),
                              problem=unparsed)
        if limit:
            raise ConfigError(N_("inventory %(file)s: no host matches --limit %(limit)r"),
                              file=str(inv_path), limit=limit)
        raise ConfigError(N_("inventory %(file)s: defines no hosts"), file=str(inv_path))

    fallback = inv_path.name if inv_path.is_dir() else inv_path.parent.name
    raw_site = all_vars.get("weibao_site")
    if raw_site is None and hosts:
        raw_site = host_vars[hosts[0].name].get("weibao_site")
    site_obj = _site_from_vars(inv_path, raw_site, fallback)
    if site is not None and site != site_obj.name:
        raise ConfigError(
            N_("inventory %(file)s: unknown site %(site)r: this inventory describes site "
               "%(known)r"),
            file=str(inv_path), site=site, known=site_obj.name)
    names = sorted(h.name for h in hosts)
    assets = {n: _asset(inv_path, n, host_vars[n].get("weibao_asset")) for n in names}
    platforms = {n: _platform(inv_path, n, host_vars[n].get("weibao_platform")) for n in names}
    for n in names:
        if n in bmc_group or platforms[n] in BMC_PLATFORMS:
            platforms[n] = _bmc(inv_path, n, host_vars[n], n in bmc_group, all_names)
            server = host_vars[n].get("weibao_bmc_of")
            if server not in (None, "") and not _templated(server):
                # stored with the run's host: reports show a server's environment with it
                assets[n]["bmc_of"] = str(server)
        elif n in array_group or platforms[n] in ARRAY_PLATFORMS:
            platforms[n] = _array(inv_path, n, host_vars[n], n in array_group)
        elif n in network_group or platforms[n] in NETWORK_PLATFORMS:
            platforms[n] = _network(inv_path, n, host_vars[n], n in network_group)
        elif n in hmc_group or platforms[n] == HMC_PLATFORM:
            platforms[n] = _hmc(inv_path, n, host_vars[n], n in hmc_group)
        elif n in aix_group or platforms[n] == "aix":
            platforms[n] = _aix(inv_path, n, host_vars[n].get("weibao_platform"),
                                n in aix_group)
        _thresholds(inv_path, n, host_vars[n])
    return Inventory(path=inv_path, site=site_obj, hosts=names, assets=assets,
                     platforms=platforms)


def site_vars(inventory: Inventory) -> dict[str, Any]:
    """The raw ``weibao_site`` mapping of an inventory already checked by load_inventory."""
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.vars.manager import VariableManager

    loader = DataLoader()
    manager = InventoryManager(loader=loader, sources=[str(inventory.path)])
    raw = manager.groups["all"].get_vars().get("weibao_site") if "all" in manager.groups \
        else None
    if raw is None and inventory.hosts:
        host = manager.get_host(inventory.hosts[0])
        if host is not None:
            raw = VariableManager(loader=loader, inventory=manager).get_vars(
                host=host).get("weibao_site")
    return dict(raw) if isinstance(raw, dict) else {}


def _platform(path: Path, host: str, raw: Any) -> str:
    from weibao.content import enable_module_utils

    enable_module_utils()
    from ansible.module_utils.weibao_inspection.registry import PLATFORMS

    if raw in (None, ""):
        return "linux"
    if str(raw) not in PLATFORMS:
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_platform: %(value)r is not one of "
               "%(known)s"), file=str(path), host=host, value=raw, known=", ".join(PLATFORMS))
    return str(raw)


BMC_GROUP = "weibao_bmcs"
BMC_PLATFORMS = ("redfish", "ipmi")  # the first is the default
BMC_NUMBERS = (("weibao_bmc_port", 1, 65535), ("weibao_bmc_cipher_suite", 0, 17),
               ("weibao_bmc_timeout", 1, 600))


def _templated(value: Any) -> bool:
    return isinstance(value, str) and "{{" in value


def _bmc(path: Path, host: str, variables: dict[str, Any], in_group: bool,
         all_names: set[str]) -> str:
    """A BMC host (group weibao_bmcs): its protocol, credentials, server and options checked;
    returns its platform. The password's value is never shown, only whether it is set."""
    raw = variables.get("weibao_platform")
    if not in_group:
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_platform: %(value)r is a BMC "
               "protocol: put the host in group weibao_bmcs"),
            file=str(path), host=host, value=raw)
    platform = BMC_PLATFORMS[0] if raw in (None, "") else str(raw)
    if platform not in BMC_PLATFORMS:
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_platform: %(value)r is not a BMC "
               "protocol (ipmi, redfish) for a host of group weibao_bmcs"),
            file=str(path), host=host, value=raw)
    for name in ("weibao_bmc_user", "weibao_bmc_password"):
        value = variables.get(name)
        if type(value).__name__ == "EncryptedString":
            continue  # vaulted: set (Ansible decrypts it in the run); never decrypted here
        if value is None or not str(value).strip():
            raise ConfigError(
                N_("inventory %(file)s: host %(host)s: %(field)s: missing (a BMC needs "
                   "weibao_bmc_user and weibao_bmc_password, the password from Ansible Vault)"),
                file=str(path), host=host, field=name)
    server = variables.get("weibao_bmc_of")
    if server not in (None, "") and not _templated(server) and str(server) not in all_names:
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_bmc_of: %(value)r is not a host of "
               "this inventory"), file=str(path), host=host, value=server)
    for name, low, high in BMC_NUMBERS:
        value = variables.get(name)
        if value in (None, "") or _templated(value):
            continue
        try:
            number = int(str(value))
        except ValueError:
            number = None
        if isinstance(value, bool) or number is None or not low <= number <= high:
            raise ConfigError(
                N_("inventory %(file)s: host %(host)s: %(field)s: %(value)r is not a whole "
                   "number from %(low)s to %(high)s"),
                file=str(path), host=host, field=name, value=value, low=low, high=high)
    verify = variables.get("weibao_bmc_tls_verify")
    if verify not in (None, "") and not _templated(verify) and not isinstance(verify, bool):
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_bmc_tls_verify: %(value)r is not "
               "true or false"), file=str(path), host=host, value=verify)
    return platform


ARRAY_GROUP = "weibao_arrays"
ARRAY_PLATFORMS = ("ibm_storwize", "huawei_oceanstor")
ARRAY_NUMBERS = (("weibao_array_port", 1, 65535), ("weibao_array_timeout", 1, 600))


def _array(path: Path, host: str, variables: dict[str, Any], in_group: bool) -> str:
    """A disk array host (group weibao_arrays): its CLI platform, credentials and options
    checked; returns its platform. The password's value is never shown, only whether it is
    set."""
    raw = variables.get("weibao_platform")
    if not in_group:
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_platform: %(value)r is a disk "
               "array: put the host in group weibao_arrays"),
            file=str(path), host=host, value=raw)
    if raw in (None, ""):
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_platform: missing (a host of group "
               "weibao_arrays names its CLI: %(known)s)"),
            file=str(path), host=host, known=", ".join(ARRAY_PLATFORMS))
    if str(raw) not in ARRAY_PLATFORMS:
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_platform: %(value)r is not a disk "
               "array platform (%(known)s) for a host of group weibao_arrays"),
            file=str(path), host=host, value=raw, known=", ".join(ARRAY_PLATFORMS))
    for name in ("weibao_array_user", "weibao_array_password"):
        value = variables.get(name)
        if type(value).__name__ == "EncryptedString":
            continue  # vaulted: set (Ansible decrypts it in the run); never decrypted here
        if value is None or not str(value).strip():
            raise ConfigError(
                N_("inventory %(file)s: host %(host)s: %(field)s: missing (a disk array needs "
                   "weibao_array_user and weibao_array_password, the password from Ansible "
                   "Vault)"),
                file=str(path), host=host, field=name)
    for name, low, high in ARRAY_NUMBERS:
        value = variables.get(name)
        if value in (None, "") or _templated(value):
            continue
        try:
            number = int(str(value))
        except ValueError:
            number = None
        if isinstance(value, bool) or number is None or not low <= number <= high:
            raise ConfigError(
                N_("inventory %(file)s: host %(host)s: %(field)s: %(value)r is not a whole "
                   "number from %(low)s to %(high)s"),
                file=str(path), host=host, field=name, value=value, low=low, high=high)
    check = variables.get("weibao_array_host_key_checking")
    if check not in (None, "") and not _templated(check) and not isinstance(check, bool):
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_array_host_key_checking: %(value)r "
               "is not true or false"), file=str(path), host=host, value=check)
    return str(raw)


HMC_GROUP = "weibao_hmcs"
HMC_PLATFORM = "ibm_hmc"
HMC_NUMBERS = (("weibao_hmc_port", 1, 65535), ("weibao_hmc_timeout", 1, 600))


def _hmc(path: Path, host: str, variables: dict[str, Any], in_group: bool) -> str:
    """An IBM Power HMC (group weibao_hmcs, weibao_platform ibm_hmc): its credentials and
    options checked; the password's value is never shown, only whether it is set."""
    raw = variables.get("weibao_platform")
    if not in_group:
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_platform: 'ibm_hmc' needs the host "
               "in group weibao_hmcs"), file=str(path), host=host)
    if raw in (None, ""):
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_platform: missing (a host of group "
               "weibao_hmcs sets weibao_platform: ibm_hmc)"), file=str(path), host=host)
    if str(raw) != HMC_PLATFORM:
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_platform: %(value)r is not ibm_hmc "
               "for a host of group weibao_hmcs"), file=str(path), host=host, value=raw)
    for name in ("weibao_hmc_user", "weibao_hmc_password"):
        value = variables.get(name)
        if type(value).__name__ == "EncryptedString":
            continue  # vaulted: set (Ansible decrypts it in the run); never decrypted here
        if value is None or not str(value).strip():
            raise ConfigError(
                N_("inventory %(file)s: host %(host)s: %(field)s: missing (an HMC needs "
                   "weibao_hmc_user and weibao_hmc_password, the password from Ansible "
                   "Vault)"),
                file=str(path), host=host, field=name)
    for name, low, high in HMC_NUMBERS:
        value = variables.get(name)
        if value in (None, "") or _templated(value):
            continue
        try:
            number = int(str(value))
        except ValueError:
            number = None
        if isinstance(value, bool) or number is None or not low <= number <= high:
            raise ConfigError(
                N_("inventory %(file)s: host %(host)s: %(field)s: %(value)r is not a whole "
                   "number from %(low)s to %(high)s"),
                file=str(path), host=host, field=name, value=value, low=low, high=high)
    check = variables.get("weibao_hmc_host_key_checking")
    if check not in (None, "") and not _templated(check) and not isinstance(check, bool):
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_hmc_host_key_checking: %(value)r "
               "is not true or false"), file=str(path), host=host, value=check)
    return HMC_PLATFORM


AIX_GROUP = "weibao_aix"


def _aix(path: Path, host: str, raw: Any, in_group: bool) -> str:
    """An AIX host: weibao_platform aix if and only if the host is in group weibao_aix (the
    play of that group runs the AIX collector; the Linux play leaves the group out)."""
    if not in_group:
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_platform: 'aix' needs the host in "
               "group weibao_aix"), file=str(path), host=host)
    if raw not in (None, "", "aix"):
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_platform: %(value)r is not aix for "
               "a host of group weibao_aix"), file=str(path), host=host, value=raw)
    if raw in (None, ""):
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_platform: missing (a host of group "
               "weibao_aix sets weibao_platform: aix)"), file=str(path), host=host)
    return "aix"


NETWORK_GROUP = "weibao_network"
NETWORK_PLATFORMS = ("cisco_ios", "cisco_nxos", "huawei_vrp", "hp_comware")
NETWORK_NUMBERS = (("weibao_network_port", 1, 65535), ("weibao_network_timeout", 1, 600))


def _network(path: Path, host: str, variables: dict[str, Any], in_group: bool) -> str:
    """A switch or router (group weibao_network): its platform (weibao_platform, else
    ansible_network_os mapped to weibao's name), credentials, jump host and options checked;
    returns its platform. No secret's value is ever shown, only whether it is set."""
    from weibao.content import enable_module_utils

    enable_module_utils()
    from ansible.module_utils.weibao_inspection.cli_session import NETWORK_OS, parse_jump

    raw = variables.get("weibao_platform")
    field_name = "weibao_platform"
    if raw in (None, "") and variables.get("ansible_network_os") not in (None, ""):
        raw, field_name = variables["ansible_network_os"], "ansible_network_os"
    if not in_group:
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: %(field)s: %(value)r is a network device: "
               "put the host in group weibao_network"),
            file=str(path), host=host, field=field_name, value=raw)
    if raw in (None, ""):
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_platform: missing (a host of group "
               "weibao_network names its platform: %(known)s; or ansible_network_os)"),
            file=str(path), host=host, known=", ".join(NETWORK_PLATFORMS))
    if _templated(raw):
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: %(field)s: %(value)r must be written out "
               "(one of %(known)s), not a template"),
            file=str(path), host=host, field=field_name, value=raw,
            known=", ".join(NETWORK_PLATFORMS))
    platform = NETWORK_OS.get(str(raw).strip())
    if platform not in NETWORK_PLATFORMS:
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: %(field)s: %(value)r is not a network "
               "platform (%(known)s) for a host of group weibao_network"),
            file=str(path), host=host, field=field_name, value=raw,
            known=", ".join(sorted(NETWORK_OS)) if field_name == "ansible_network_os"
            else ", ".join(NETWORK_PLATFORMS))
    for name in ("weibao_network_user", "weibao_network_password"):
        value = variables.get(name)
        if type(value).__name__ == "EncryptedString":
            continue  # vaulted: set (Ansible decrypts it in the run); never decrypted here
        if value is None or not str(value).strip():
            raise ConfigError(
                N_("inventory %(file)s: host %(host)s: %(field)s: missing (a network device "
                   "needs weibao_network_user and weibao_network_password, the password from "
                   "Ansible Vault)"),
                file=str(path), host=host, field=name)
    for name, low, high in NETWORK_NUMBERS:
        value = variables.get(name)
        if value in (None, "") or _templated(value):
            continue
        try:
            number = int(str(value))
        except ValueError:
            number = None
        if isinstance(value, bool) or number is None or not low <= number <= high:
            raise ConfigError(
                N_("inventory %(file)s: host %(host)s: %(field)s: %(value)r is not a whole "
                   "number from %(low)s to %(high)s"),
                file=str(path), host=host, field=name, value=value, low=low, high=high)
    check = variables.get("weibao_network_host_key_checking")
    if check not in (None, "") and not _templated(check) and not isinstance(check, bool):
        raise ConfigError(
            N_("inventory %(file)s: host %(host)s: weibao_network_host_key_checking: %(value)r "
               "is not true or false"), file=str(path), host=host, value=check)
    jump = variables.get("weibao_network_jump_host")
    if jump not in (None, "") and not _templated(jump):
        try:
            parse_jump(jump)
        except ValueError:
            raise ConfigError(
                N_("inventory %(file)s: host %(host)s: weibao_network_jump_host: %(value)r is "
                   "not user@host:port"), file=str(path), host=host, value=jump) from None
    return platform


def _thresholds(path: Path, host: str, variables: dict[str, Any]) -> None:
    """``inspect_<area>_thresholds`` checked against the catalogue before anything runs."""
    from weibao.content import enable_module_utils

    enable_module_utils()
    from ansible.module_utils.weibao_inspection import catalogue

    for area in catalogue.AREAS:
        name = f"inspect_{area}_thresholds"
        if name not in variables or (isinstance(variables[name], str)
                                      and "{{" in variables[name]):
            continue  # not set, or a template Ansible renders
        try:
            catalogue.merge_thresholds(area, variables[name], where=name)
        except catalogue.CatalogueError as exc:
            raise ConfigError(N_("inventory %(file)s: host %(host)s: %(problem)s"),
                              file=str(path), host=host, problem=str(exc)) from None
