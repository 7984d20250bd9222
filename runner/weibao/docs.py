"""Generated documentation: the check tables of README.md and of each role's README, from
the check catalogue. ``./dev.sh docs`` rewrites them; tests/unit/test_docs.py fails when a
table is stale.

A generated table sits between ``<!-- BEGIN GENERATED: NAME -->`` and
``<!-- END GENERATED: NAME -->``; everything around it is written by hand.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from weibao.content import content_root, enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue  # noqa: E402

BEGIN = "<!-- BEGIN GENERATED: {name} (./dev.sh docs; edit the check catalogue instead) -->"
END = "<!-- END GENERATED: {name} -->"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _thresholds(check) -> str:
    if not check.thresholds:
        return check.doc
    numbers = [t for t in check.thresholds if t.kind == "number"]
    units = {t.unit for t in numbers}
    if numbers and len(units) == 1:
        levels = " / ".join("off" if t.default is None else str(t.default) for t in numbers)
        text = f"{' / '.join(t.name for t in numbers)}: {levels} {units.pop()}".rstrip()
    else:
        text = "; ".join(f"{t.name} {catalogue.format_threshold(t)}" for t in numbers)
    others = [t for t in check.thresholds if t.kind != "number"]
    for t in others:
        text += f"; {t.name}: {catalogue.format_threshold(t)}"
    return f"{text}; {check.doc}" if check.doc else text


def checks_table() -> str:
    """README.md: every check of every area."""
    lines = ["| check id | name (名称) | looks at | default thresholds |", "|---|---|---|---|"]
    for area in catalogue.AREAS.values():
        # an area without a collector yet is read by weibao judge only (no role)
        role = f"`{area.role}`" if area.role else "judge only, no collector yet"
        lines.append(f"| **{area.title}** ({area.title_zh}, {role}: {_cell(area.doc)}) "
                     "| | | |")
        for check in catalogue.area_checks(area.name):
            lines.append(f"| `{check.id}` | {check.name} ({check.name_zh}) | "
                         f"{_cell(check.looks_at)} | {_cell(_thresholds(check))} |")
    return "\n".join(lines)


def thresholds_table(area: str) -> str:
    """A role README: the area's thresholds (``inspect_<area>_thresholds``)."""
    variable = f"inspect_{area}_thresholds"
    lines = [f"Override any of these in `{variable}` (only the levels you change; the "
             "others keep their defaults), e.g. "
             f"`{variable}: {{{_example(area)}}}`. A level set to `null` is disabled.",
             "", "| check | level | default | meaning |", "|---|---|---|---|"]
    for check in catalogue.area_checks(area):
        for t in check.thresholds:
            lines.append(f"| `{check.short}` | `{t.name}` | "
                         f"{_cell(catalogue.format_threshold(t))} | {_cell(t.doc)} |")
    if len(lines) == 4:
        lines = [f"The `{area}` area has no thresholds."]
    return "\n".join(lines)


def _example(area: str) -> str:
    for check in catalogue.area_checks(area):
        for t in check.thresholds:
            if t.kind == "number" and t.default is not None:
                return f"{check.short}: {{{t.name}: {t.default}}}"
    return ""


def targets() -> dict[Path, dict[str, str]]:
    """{file: {block name: generated text}}."""
    root = content_root()
    out = {root / "README.md": {"checks": checks_table()}}
    by_role: dict[str, list[str]] = {}
    for area in catalogue.AREAS.values():
        if area.role:  # judge-only areas have no role README
            by_role.setdefault(area.role, []).append(area.name)
    for role, areas in by_role.items():
        # a role that inspects several areas in one task (inspect_storage) has a table each
        out[root / "roles" / role / "README.md"] = (
            {"thresholds": thresholds_table(areas[0])} if len(areas) == 1
            else {f"thresholds {a}": thresholds_table(a) for a in areas})
    return out


def replace_blocks(text: str, blocks: dict[str, str], where: str) -> str:
    for name, body in blocks.items():
        begin, end = BEGIN.format(name=name), END.format(name=name)
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise SystemExit(f"{where}: no generated block {name!r} (add the lines {begin!r} "
                             f"and {end!r} where it goes)")
        block = f"{begin}\n{body}\n{end}"
        text = pattern.sub(lambda _m, block=block: block, text)
    return text


def main(argv: list[str] | None = None) -> int:
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = []
    for path, blocks in targets().items():
        text = path.read_text(encoding="utf-8")
        new = replace_blocks(text, blocks, str(path))
        if new != text:
            stale.append(path)
            if not check:
                path.write_text(new, encoding="utf-8")
    for path in stale:
        print(f"{'stale' if check else 'updated'}: {path}")
    return 1 if (check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
