#!/usr/bin/env python3
# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Install a replay scenario into a test container: the hardware no test machine has.

No disk with SMART, RAID controller, FC HBA, SAS PHY or tape drive exists on our build
machines (the kernel has no md, device-mapper or SCSI either). A scenario
(tests/shims/scenarios/<name>.yml) describes a host that has them:

- ``commands``: the tools' command lines and what they print, each a recorded real-format
  output (``fixture:``, a path under tests/unit/fixtures whose first ``#`` line says where
  the format comes from; the line is removed here), or inline text (``stdout:``)
  for a short output, with its exit status (``rc``); a change's commands may
  ``set_state: {key: value}`` and choose their output ``by_state: [{state: {key: value},
  fixture: ..., rc: ...}]`` (tests/shims/weibao-shim: oslevel after install_all_updates);
- ``tree``: a sysfs and /proc/mdstat tree (files, and symlinks as ``{link: target}``), built
  under ``root`` (default /srv/weibao-root) for the collector's ``root`` option;
- ``sysfs_dumps``: ``grep -H . /sys/...`` fixtures (the outputs ``weibao judge`` reads for FC
  hosts and SAS PHYs) expanded back into the files they were read from.

Only the tools a scenario names are installed (/usr/local/sbin/<tool> -> weibao-shim), so a
tool it leaves out is "not installed" for the collector.

Usage: ``install.py --podman CONTAINER SCENARIO`` (the integration tests and the Molecule
scenario of roles/inspect_storage call it), or ``--dir DIR`` to build the files into a folder.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "unit" / "fixtures"
SHIM = HERE / "weibao-shim"
SHIM_DIR = "/usr/local/lib/weibao-shims"
BIN_DIR = "/usr/local/sbin"
CONFIG_DIR = "/etc/weibao-shims"
DEFAULT_ROOT = "/srv/weibao-root"


class ScenarioError(ValueError):
    pass


def load(name_or_path: str) -> dict:
    path = Path(name_or_path)
    if not path.suffix:
        path = HERE / "scenarios" / f"{name_or_path}.yml"
    try:
        scenario = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ScenarioError(f"{path}: {exc}") from exc
    scenario.setdefault("commands", {})
    scenario.setdefault("tree", {})
    scenario.setdefault("root", DEFAULT_ROOT)
    scenario["_path"] = str(path)
    return scenario


def fixture_text(relative: str, where: str) -> str:
    path = FIXTURES / relative
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"{where}: fixture {relative}: {exc}") from exc
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith("#"):  # the fixture's provenance line
        lines = lines[1:]
    return "".join(lines)


def build(scenario: dict, out: Path, local: bool = False) -> list[str]:
    """The scenario's files under ``out`` (etc/weibao-shims/..., the tree under its root);
    returns the tools to link. ``local``: the scenario's outputs are read where they are
    built (a test on this machine), not from /etc/weibao-shims in a container."""
    config = out / CONFIG_DIR.lstrip("/")
    outputs = config / "outputs"
    outputs.mkdir(parents=True, exist_ok=True)
    commands = {}
    tools = set()
    for index, (line, entry) in enumerate(sorted(scenario["commands"].items())):
        where = f"{scenario['_path']}: commands: {line!r}"
        entry = dict(entry or {})
        tools.add(line.split()[0])
        _output(entry, outputs, f"{index:03d}", where)
        variants = []
        for number, variant in enumerate(entry.get("by_state") or []):
            variant = dict(variant or {})
            if not isinstance(variant.get("state"), dict):
                raise ScenarioError(f"{where}: by_state[{number}]: needs state: {{...}}")
            _output(variant, outputs, f"{index:03d}-{number}", f"{where}: by_state[{number}]")
            variants.append(variant)
        if variants:
            entry["by_state"] = variants
        commands[line] = entry
    (config / "scenario.json").write_text(
        json.dumps({"commands": commands,
                    "outputs": str(outputs) if local else CONFIG_DIR + "/outputs"}, indent=1),
        encoding="utf-8")
    root = out / scenario["root"].lstrip("/")
    root.mkdir(parents=True, exist_ok=True)
    for relative, value in sorted(scenario["tree"].items()):
        where = f"{scenario['_path']}: tree: {relative}"
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(value, dict) and "link" in value:
            os.symlink(value["link"], target)
        elif isinstance(value, dict) and "fixture" in value:
            target.write_text(fixture_text(value["fixture"], where), encoding="utf-8")
        elif isinstance(value, dict) and value.get("dir"):
            target.mkdir(parents=True, exist_ok=True)
        elif isinstance(value, (str, int)):
            target.write_text(f"{value}\n", encoding="utf-8")
        else:
            raise ScenarioError(f"{where}: a string, {{link: ...}}, {{fixture: ...}} or "
                                "{dir: true}")
    for relative in scenario.get("sysfs_dumps") or []:
        expand_dump(fixture_text(relative, f"{scenario['_path']}: sysfs_dumps"), root)
    return sorted(tools)


def _output(entry: dict, outputs: Path, name: str, where: str) -> None:
    """An entry's (or a ``by_state`` variant's) ``fixture:`` as a file of the outputs."""
    if "fixture" in entry:
        (outputs / f"{name}.out").write_text(fixture_text(entry.pop("fixture"), where),
                                             encoding="utf-8")
        entry["file"] = f"{name}.out"
    elif "stdout" not in entry:
        raise ScenarioError(f"{where}: needs fixture: or stdout:")


def expand_dump(text: str, root: Path) -> None:
    """A ``grep -H . /sys/...`` dump (``/sys/class/fc_host/host3/port_state:Online``, the
    same fixture ``weibao judge`` reads) as the files it was read from, under ``root``."""
    files: dict[str, list[str]] = {}
    for line in text.splitlines():
        # a folder may hold a colon (phy-0:1), a file name does not: the path ends at the
        # first colon after the last folder
        match = re.match(r"^(/sys/(?:[^/]+/)*[^/:]+):(.*)$", line)
        if not match:
            continue
        path, value = match.groups()
        files.setdefault(path, []).append(value)
    for path, values in files.items():
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(values) + "\n", encoding="utf-8")


def podman(*args: str) -> None:
    subprocess.run(["podman", *args], check=True, capture_output=True)


def install_podman(container: str, scenario: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        tools = build(scenario, out)
        podman("exec", container, "rm", "-rf", CONFIG_DIR, scenario["root"], SHIM_DIR)
        podman("exec", container, "mkdir", "-p", SHIM_DIR, CONFIG_DIR,
               os.path.dirname(scenario["root"]))
        podman("cp", str(SHIM), f"{container}:{SHIM_DIR}/weibao-shim")
        podman("cp", str(out / CONFIG_DIR.lstrip("/")) + "/.", f"{container}:{CONFIG_DIR}")
        podman("cp", str(out / scenario["root"].lstrip("/")),
               f"{container}:{scenario['root']}")
        links = " && ".join(f"ln -sf {SHIM_DIR}/weibao-shim {BIN_DIR}/{t}" for t in tools)
        podman("exec", container, "sh", "-c",
               f"chmod 755 {SHIM_DIR}/weibao-shim && {links or 'true'}")


def uninstall_podman(container: str, scenario: dict) -> None:
    tools = sorted({line.split()[0] for line in scenario["commands"]})
    podman("exec", container, "rm", "-rf", CONFIG_DIR, scenario["root"], SHIM_DIR,
           *[f"{BIN_DIR}/{t}" for t in tools])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--podman", metavar="CONTAINER")
    where.add_argument("--dir", type=Path)
    parser.add_argument("scenario")
    args = parser.parse_args(argv)
    try:
        scenario = load(args.scenario)
        if args.podman:
            install_podman(args.podman, scenario)
        else:
            if args.dir.exists():
                shutil.rmtree(args.dir)
            build(scenario, args.dir)
    except (ScenarioError, subprocess.CalledProcessError) as exc:
        detail = exc.stderr.decode(errors="replace").strip() \
            if isinstance(exc, subprocess.CalledProcessError) and exc.stderr else str(exc)
        print(f"install.py: {detail}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
