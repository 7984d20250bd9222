"""The area collectors (plugins/module_utils/weibao_inspection/collectors/) and
weibao_inspect_linux, which runs several of them in one module execution.

- every area's module documents exactly the options its collector's ARGUMENT_SPEC takes, with
  the same types, defaults and choices (what ansible-test validate-modules checks);
- ``run_area``: an area with a wrong argument, an AreaError or a crash is returned failed with
  the reason, and the areas after it still run;
- through Ansible: weibao_inspect_linux returns, area by area, the findings the areas' own
  modules return on the same host, in one execution.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
AREAS = ("system", "errlog", "patch", "storage")


def collector(area):
    return importlib.import_module(
        f"ansible.module_utils.weibao_inspection.collectors.linux_{area}")


def documentation(module_name):
    tree = ast.parse((ROOT / "plugins" / "modules" / f"{module_name}.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "DOCUMENTATION":
            return yaml.safe_load(node.value.value)
    raise AssertionError(f"{module_name}: no DOCUMENTATION")


@pytest.mark.parametrize("area", AREAS)
def test_module_documents_the_collectors_argument_spec(area):
    spec = collector(area).ARGUMENT_SPEC
    options = documentation(f"weibao_inspect_{area}")["options"]
    assert set(options) == set(spec)
    for name, arg in spec.items():
        doc = options[name]
        assert doc.get("type", "str") == arg.get("type", "str"), name
        assert doc.get("default") == arg.get("default"), name
        assert doc.get("choices") == arg.get("choices"), name
        assert doc.get("elements") == arg.get("elements"), name


@pytest.fixture
def modules():
    from ansible.module_utils.weibao_inspection import collectors

    class Module:  # what run_area uses of AnsibleModule: nothing but attributes passed on
        check_mode = True

    class Good:
        ARGUMENT_SPEC = {"n": {"type": "int", "default": 3}}

        @staticmethod
        def run(module):
            assert module.check_mode is True  # the module's own attributes show through
            return {"findings": [{"check_id": "x", "n": module.params["n"]}]}

    class Refusing(Good):
        @staticmethod
        def run(module):
            raise collectors.AreaError("n must be odd")

    class Crashing(Good):
        @staticmethod
        def run(module):
            raise KeyError("boom")

    return collectors, Module(), Good, Refusing, Crashing


def test_run_area_returns_each_areas_result_or_its_failure(modules):
    collectors, module, good, refusing, crashing = modules
    ok = collectors.run_area(module, "good", good, {"n": "5"})
    assert ok == {"findings": [{"check_id": "x", "n": 5}], "changed": False, "module": "good",
                  "invocation": {"module_args": {"n": 5}}}
    assert collectors.run_area(module, "good", good, None)["findings"][0]["n"] == 3
    wrong = collectors.run_area(module, "good", good, {"n": "many", "m": 1})
    assert wrong["failed"] is True and wrong["module"] == "good"
    assert "n" in wrong["msg"] and "m" in wrong["msg"]  # the argument named, as a module does
    refused = collectors.run_area(module, "refusing", refusing, {})
    assert refused == {"failed": True, "msg": "n must be odd", "module": "refusing"}
    crashed = collectors.run_area(module, "crashing", crashing, {})
    assert crashed["failed"] is True and crashed["msg"] == "KeyError: 'boom'"
    assert "Traceback" in crashed["exception"]


def ansible(module, args, tmp_path):
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"))
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "ansible"), "localhost", "-m", module, "-a",
         json.dumps(args), "-o", "-e", f"ansible_python_interpreter={sys.executable}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert "=>" in proc.stdout, proc.stdout + proc.stderr
    return proc.returncode, json.loads(proc.stdout.split("=>", 1)[1])


def test_one_execution_returns_what_each_areas_module_returns(tmp_path):
    log = tmp_path / "messages"
    log.write_text("2026-11-20T08:00:00+00:00 host kernel: [  1.0] "
                   "blk_update_request: I/O error, dev sdb, sector 2048 op 0x0:(READ)\n")
    errlog = {"provider": "files", "log_files": [str(log)], "since": "2026-11-01T00:00:00Z"}
    patch = {"now": "2026-12-01T00:00:00Z"}
    rc, combined = ansible("weibao_inspect_linux", {"areas": [
        {"module": "weibao_inspect_errlog", "args": errlog},
        {"module": "weibao_inspect_system", "args": {"sample_seconds": 0}},  # out of range
        {"module": "weibao_inspect_patch", "args": patch},
    ]}, tmp_path)
    assert rc == 0 and combined["changed"] is False
    results = combined["areas_results"]
    assert [r["module"] for r in results] == ["weibao_inspect_errlog", "weibao_inspect_system",
                                              "weibao_inspect_patch"]
    assert results[1] == {"failed": True, "module": "weibao_inspect_system",
                          "msg": "sample_seconds must be between 1 and 60"}
    for area, args, got in (("errlog", errlog, results[0]), ("patch", patch, results[2])):
        rc, alone = ansible(f"weibao_inspect_{area}", args, tmp_path)
        assert rc == 0, alone
        assert got["invocation"]["module_args"]["now" if area == "patch" else "since"]
        assert got["findings"], area

        def key(finding):
            return finding["check_id"], finding["component"], finding["status"], \
                finding.get("cause")

        assert sorted(map(key, got["findings"])) == sorted(map(key, alone["findings"])), area
    disk = [f for f in results[0]["findings"] if f["check_id"] == "errlog.disk_io"]
    assert [f["component"] for f in disk] == ["sdb"]  # the log line was read and judged
