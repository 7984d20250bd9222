"""Inventory checks: every problem is one line naming the file, raised before any write."""

import pytest

from weibao.errors import ConfigError
from weibao.services.inventory import load_inventory


def write(tmp_path, text, name="hosts.yml"):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_example_inventory_has_site_and_assets():
    inv = load_inventory("inventories/example")
    assert inv.site.name == "example"
    assert inv.site.timezone == "Asia/Shanghai"
    assert inv.hosts == ["app01.example.internal", "db01.example.internal",
                         "db02.example.internal"]
    assert inv.assets["db01.example.internal"]["serial"] == "218123456"
    assert inv.assets["db01.example.internal"]["criticality"] == "critical"


def test_limit_selects_hosts():
    inv = load_inventory("inventories/example", limit="db_servers")
    assert inv.hosts == ["db01.example.internal", "db02.example.internal"]


def test_limit_matching_nothing_is_an_error():
    with pytest.raises(ConfigError, match="no host matches --limit 'nosuch'"):
        load_inventory("inventories/example", limit="nosuch")


def test_site_defaults_to_folder_name(tmp_path):
    inv_dir = tmp_path / "branch-office"
    write(inv_dir, "all:\n  hosts:\n    h1:\n")
    assert load_inventory(inv_dir).site.name == "branch-office"


def test_unknown_site_names_the_inventory():
    with pytest.raises(ConfigError) as err:
        load_inventory("inventories/example", site="elsewhere")
    assert "unknown site 'elsewhere'" in str(err.value)
    assert "inventories/example" in str(err.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("all:\n  hosts:\n    a: [\n", "line 4: not valid YAML"),
        ("- just\n- a list\n", "expected a mapping at the top"),
        ("all:\n  hosts: {}\n", "defines no hosts"),
        ("all:\n  vars:\n    weibao_site: [x]\n  hosts:\n    h1:\n",
         "weibao_site: expected a mapping"),
        ("all:\n  vars:\n    weibao_site: {name: 'bad name!'}\n  hosts:\n    h1:\n",
         "weibao_site.name"),
        ("all:\n  vars:\n    weibao_site: {name: s, timezone: Mars/Olympus}\n  hosts:\n    h1:\n",
         "unknown time zone 'Mars/Olympus'"),
        ("all:\n  hosts:\n    h1:\n      weibao_asset: {criticality: extreme}\n",
         "host h1: weibao_asset.criticality: 'extreme'"),
    ],
)
def test_bad_inventory_is_one_clear_line(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_inventory(path)
    message = str(err.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message


def test_bad_group_vars_file_is_named(tmp_path):
    write(tmp_path, "all:\n  hosts:\n    h1:\n")
    bad = write(tmp_path, "weibao_site: {name: x\n", "group_vars/all.yml")
    with pytest.raises(ConfigError, match=str(bad)):
        load_inventory(tmp_path)


def test_missing_inventory(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_inventory(tmp_path / "nope")


def test_embedded_inventory_found_from_another_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_inventory("inventories/local").site.name == "local"
