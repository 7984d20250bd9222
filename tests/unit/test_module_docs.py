"""Every module's DOCUMENTATION, EXAMPLES and RETURN are valid YAML (ansible-doc reads them)."""

import ast
from pathlib import Path

import pytest
import yaml

MODULES = sorted((Path(__file__).resolve().parents[2] / "plugins" / "modules").glob("*.py"))


def blocks(path):
    found = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("DOCUMENTATION", "EXAMPLES", "RETURN"):
                found[name] = node.value.value
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_module_documentation_parses(path):
    docs = blocks(path)
    assert set(docs) == {"DOCUMENTATION", "EXAMPLES", "RETURN"}
    documentation = yaml.safe_load(docs["DOCUMENTATION"])
    assert documentation["module"] == path.stem
    assert documentation["attributes"]["check_mode"]["support"] == "full"
    assert isinstance(yaml.safe_load(docs["EXAMPLES"]), list)
    returned = yaml.safe_load(docs["RETURN"])
    if path.stem == "weibao_inspect_linux":  # several collectors in one execution
        assert "areas_results" in returned
    elif path.stem.startswith("weibao_inspect_"):  # a collector: findings for the store
        assert "findings" in returned
    for key, spec in returned.items():
        assert "type" in spec and "description" in spec, key
