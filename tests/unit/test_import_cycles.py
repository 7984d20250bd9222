"""No import cycle inside the weibao package.

Every ``import`` and ``from ... import`` of a weibao module counts, wherever it stands (at the
top of a module or inside a function: an import put off until a call is still a dependency
the reader has to follow both ways). Two checks:

* modules: no module reaches itself through the modules it imports;
* folders: no two parts of the package (``weibao.change``, ``weibao.services``,
  ``weibao.report``, a top-level module...) import each other. Shared pieces go into a lower
  module both import (``weibao.services.runs``, ``weibao.sshkeys``, ``weibao.report.base``).

An import of ``a.b.c`` is an edge to the module ``a.b.c`` only, not to the packages ``a`` and
``a.b`` whose ``__init__`` Python also runs: a package that re-exports its submodules would
otherwise make a cycle of every submodule that imports a sibling.
"""

from __future__ import annotations

import ast
from pathlib import Path

import weibao

PACKAGE = Path(weibao.__file__).resolve().parent
ROOT = PACKAGE.parent


def _modules() -> dict[str, Path]:
    found = {}
    for file in sorted(PACKAGE.rglob("*.py")):
        parts = list(file.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = file
    return found


def _imports(name: str, file: Path, known: dict[str, Path]) -> set[str]:
    """The weibao modules ``name`` imports."""
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"), str(file))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            for alias in node.names:
                if f"{base}.{alias.name}" in known:  # from package import submodule
                    out.add(f"{base}.{alias.name}")
                elif base in known:
                    out.add(base)
    out.discard(name)
    return out


def graph() -> dict[str, set[str]]:
    known = _modules()
    return {name: _imports(name, file, known) for name, file in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _part(module: str) -> str:
    """``weibao.change.rules.signers`` -> ``weibao.change``; ``weibao.cli`` stays."""
    return ".".join(module.split(".")[:2])


def _why(edges: dict[str, set[str]], group: list[str], of=lambda m: m) -> list[str]:
    members = set(group)
    return sorted(f"{source} -> {target}" for source, targets in edges.items()
                  for target in targets if of(source) in members and of(target) in members
                  and of(source) != of(target))


def test_the_graph_is_read():
    edges = graph()
    assert "weibao.change.service" in edges and "weibao.services.inspection" in edges
    assert "weibao.services.runs" in edges["weibao.services.inspection"]


def test_no_module_imports_itself_through_others():
    edges = graph()
    found = cycles(edges)
    assert not found, "import cycles:\n" + "\n".join(
        f"{' <-> '.join(group)}:\n  " + "\n  ".join(_why(edges, group)) for group in found)


def test_no_two_parts_of_the_package_import_each_other():
    edges = graph()
    parts: dict[str, set[str]] = {}
    for source, targets in edges.items():
        parts.setdefault(_part(source), set()).update(
            _part(t) for t in targets if _part(t) != _part(source))
    found = cycles(parts)
    assert not found, "parts of weibao that import each other:\n" + "\n".join(
        f"{' <-> '.join(group)}:\n  " + "\n  ".join(_why(edges, group, _part))
        for group in found)


def test_a_cycle_is_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
