"""meta/argument_specs.yml of the roles inspect_aix and inspect_storage (issue 15 review).

Each spec must describe every variable the role reads: its defaults/main.yml (same default),
the per-area threshold variables its README documents as settable, and nothing its task does
not use. Each variable's type (and list elements and choices) must be what the module makes of
the argument the role's task passes it to (plugins/modules/weibao_inspect_aix.py's
argument_spec, collectors/linux_storage.py's ARGUMENT_SPEC). The specs are checked by Ansible's
own validator, and the AIX play of playbooks/monthly_inspection.yml is run for real through
the runner's ansible-runner wrapper on this machine: the validation task fails a bad value
before the module runs, and a host still costs at most the issue's 3 tasks and 10 events.
"""

from __future__ import annotations

import collections
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.weibao_inspection import catalogue
from ansible.module_utils.weibao_inspection.collectors import linux_storage

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("inspect_aix", "inspect_storage")
VAR = re.compile(r"\b(inspect_\w+)\b")


def _aix_argument_spec() -> dict:
    """weibao_inspect_aix's ARGUMENT_SPEC (a module file, loaded as Ansible would run it)."""
    path = ROOT / "plugins" / "modules" / "weibao_inspect_aix.py"
    spec = importlib.util.spec_from_file_location("weibao_inspect_aix_spec", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ARGUMENT_SPEC


MODULE_SPECS = {"inspect_aix": _aix_argument_spec,
                "inspect_storage": lambda: linux_storage.ARGUMENT_SPEC}


def _yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _role(role: str) -> dict:
    path = ROOT / "roles" / role
    specs = _yaml(path / "meta" / "argument_specs.yml")
    (task,) = _yaml(path / "tasks" / "main.yml")
    (module,) = [k for k in task if k.startswith("weibao_inspect_")]
    readme = (path / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Variables", 1)[1].split("\n## ", 1)[0]
    documented = {name for line in table.splitlines() if line.startswith("| `")
                  for name in re.findall(r"`(inspect_\w+)`", line.split("|")[1])}
    return {"options": specs["argument_specs"]["main"]["options"],
            "defaults": _yaml(path / "defaults" / "main.yml"),
            "args": task[module], "documented": documented}


def _rendered(value, host="db01"):
    """A default as Ansible renders it for ``host`` when the runner passes no tables."""
    if isinstance(value, list):
        return [_rendered(v, host) for v in value]
    if not isinstance(value, str) or "{{" not in value:
        return value
    if "weibao_previous_counters" in value:
        return {}
    if "weibao_last_inspection" in value:
        return ""
    return value.replace("{{ inventory_hostname }}", host)


@pytest.mark.parametrize("role", ROLES)
def test_the_spec_describes_every_variable_the_role_reads(role):
    r = _role(role)
    options, defaults = r["options"], r["defaults"]
    read = set(VAR.findall(json.dumps(r["args"])))
    assert set(defaults) <= set(options), set(defaults) - set(options)
    assert r["documented"] <= set(options), r["documented"] - set(options)
    # nothing described that the role does not read, nothing read that is not described
    assert set(options) == read | set(defaults), set(options) ^ (read | set(defaults))
    assert set(options) == r["documented"], set(options) ^ r["documented"]
    for name, option in options.items():
        assert option.get("description"), name
        assert not option.get("required"), name
        if name in defaults:
            assert option.get("default") == defaults[name], name
        else:
            # unset in defaults/main.yml: the task's "| default({})" stands, not the spec
            assert "default" not in option, name


@pytest.mark.parametrize("role", ROLES)
def test_each_variable_has_the_modules_type_for_its_argument(role):
    r = _role(role)
    options, module_spec = r["options"], MODULE_SPECS[role]()
    checked = set()
    for argument, value in r["args"].items():
        if argument == "thresholds":
            continue
        (name,) = VAR.findall(value)
        want = module_spec[argument]
        got = options[name]
        assert got["type"] == want["type"], (name, got["type"], want["type"])
        assert got.get("elements") == want.get("elements"), name
        assert got.get("choices") == want.get("choices"), name
        checked.add(name)
    # thresholds: the module's is a dict of areas; each area's variable is that area's dict
    areas = set(module_spec["areas"]["choices"])
    assert module_spec["thresholds"]["type"] == "dict"
    assert set(r["args"]["thresholds"]) == areas
    for area, value in r["args"]["thresholds"].items():
        names = VAR.findall(value)
        assert names, area
        for name in names:
            if name.endswith("_thresholds"):
                assert options[name]["type"] == "dict", name
            else:
                # a plain value merged into the area's thresholds (inspect_aix_mksysb_max_age
                # -> aix_system.mksysb.max_age_days): the catalogue default's type
                (check, level), = [(c, lv) for c, levels in
                                   catalogue.merge_thresholds(area, {}).items()
                                   for lv in levels if f"'{lv}'" in value]
                default = catalogue.merge_thresholds(area, {})[check][level]
                assert options[name]["type"] == type(default).__name__, name
            checked.add(name)
    assert checked == set(options), set(options) - checked


@pytest.mark.parametrize("role", ROLES)
def test_ansibles_validator_takes_the_defaults_and_refuses_bad_values(role):
    options = _role(role)["options"]
    prefix = role.split("_", 1)[1]
    validator = ArgumentSpecValidator(options)
    defaults = {name: _rendered(o["default"]) for name, o in options.items() if "default" in o}
    result = validator.validate(defaults, validate_role_argument_spec=True)
    assert not result.error_messages, result.error_messages
    # what an inventory may set: a number as a string, the area thresholds as dicts
    thresholds = {name: {} for name in options if name.endswith("_thresholds")}
    good = dict(defaults, **thresholds, **{f"inspect_{prefix}_timeout": "90"})
    result = validator.validate(good, validate_role_argument_spec=True)
    assert not result.error_messages, result.error_messages
    assert result.validated_parameters[f"inspect_{prefix}_timeout"] == 90
    bad = {f"inspect_{prefix}_areas": ["links" if role == "inspect_aix" else "errpt"],
           f"inspect_{prefix}_timeout": "soon",
           f"inspect_{prefix}_previous_counters": ["not", "a", "dict"],
           sorted(thresholds)[-1]: "warning: 5"}
    result = validator.validate(dict(defaults, **bad), validate_role_argument_spec=True)
    text = "\n".join(result.error_messages)
    for name in bad:
        assert name in text, (name, text)
    assert len(result.error_messages) == len(bad), text


def _run_aix_play(tmp_path, hosts: dict) -> tuple[list[dict], object]:
    from weibao.services import ansible as ansible_svc

    inventory = tmp_path / "hosts.yml"
    inventory.write_text(json.dumps({"all": {"children": {"weibao_aix": {"hosts": {
        name: {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
               "weibao_platform": "aix", **extra} for name, extra in hosts.items()}}}}}))
    events = []
    result = ansible_svc.run_playbook("playbooks/monthly_inspection.yml", inventory,
                                      tmp_path / "private", {}, None, events.append,
                                      lambda: False)
    return events, result


def test_the_aix_play_validates_once_per_host_within_the_issues_cost(tmp_path):
    """A host with a bad value fails in the validation task (the module never runs there);
    a good host costs 3 tasks and 6 events (validation, the module, the completion fact)."""
    events, _result = _run_aix_play(tmp_path, {
        # errpt only: on this machine the command is missing (unknown findings), which is quick
        "good": {"inspect_aix_areas": ["errpt"]},
        "bad": {"inspect_aix_areas": ["errpt"], "inspect_aix_mksysb_max_age": "five"},
    })
    per_host = collections.defaultdict(list)
    for event in events:
        data = event.get("event_data") or {}
        if data.get("host"):
            per_host[data["host"]].append((event["event"], data.get("task_action")))
    good = per_host["good"]
    assert [a for e, a in good if e == "runner_on_start"] == [
        "ansible.builtin.validate_argument_spec", "weibao_inspect_aix",
        "ansible.builtin.set_fact"], good
    assert len(good) == 6 and {e for e, _ in good} == {"runner_on_start", "runner_on_ok"}, good
    assert len(good) <= 10
    (module_ok,) = [e["event_data"]["res"] for e in events
                    if e["event"] == "runner_on_ok" and e["event_data"].get("host") == "good"
                    and e["event_data"].get("task_action") == "weibao_inspect_aix"]
    assert module_ok["areas"] == ["errpt"] and module_ok["findings"], module_ok
    assert per_host["bad"] == [("runner_on_start", "ansible.builtin.validate_argument_spec"),
                               ("runner_on_failed", "ansible.builtin.validate_argument_spec")]
    (failed,) = [e["event_data"]["res"] for e in events if e["event"] == "runner_on_failed"]
    assert "inspect_aix_mksysb_max_age" in failed["msg"] and "int" in failed["msg"], failed
