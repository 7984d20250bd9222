"""On a host, AnsiballZ imports the inspection package from a zip, where CPython's zipimporter
compiles each module's source twice (python/cpython#141276): once in get_filename while the
import system builds the spec, once in get_code. weibao_inspection/__init__.py makes the
second request reuse the first compile. Checked for real: the package and Ansible's
module_utils zipped as AnsiballZ zips them, imported by a fresh interpreter that counts
every compile."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import ansible

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "plugins" / "module_utils" / "weibao_inspection"

PROBE = r'''
import builtins, collections, json, os, sys
archive = sys.argv[1]
counts = collections.Counter()
real = builtins.compile
def counting(source, filename, *args, **kwargs):
    counts[str(filename)] += 1
    return real(source, filename, *args, **kwargs)
builtins.compile = counting
sys.path.insert(0, archive)
import ansible.module_utils.six  # imported before the package: zipimport as CPython has it
for name in sys.argv[2:]:
    __import__("ansible.module_utils.weibao_inspection.collectors." + name)
print(json.dumps({k.split(archive + os.sep, 1)[1]: v for k, v in counts.items()
                  if k.startswith(archive + os.sep)}))
'''


def payload(tmp_path: Path) -> Path:
    archive = tmp_path / "payload.zip"
    utils = Path(ansible.__file__).parent / "module_utils"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("ansible/__init__.py", "")
        for path in utils.rglob("*.py"):
            if "weibao_inspection" not in path.parts:
                zipped.write(path, f"ansible/module_utils/{path.relative_to(utils)}")
        for path in PACKAGE.rglob("*.py"):
            zipped.write(path, f"ansible/module_utils/weibao_inspection/"
                               f"{path.relative_to(PACKAGE)}")
    return archive


def compiles(archive: Path, *collectors: str) -> dict[str, int]:
    proc = subprocess.run([sys.executable, "-I", "-c", PROBE, str(archive), *collectors],
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(proc.stdout)


def test_each_module_of_the_package_is_compiled_once_on_the_host(tmp_path):
    counts = compiles(payload(tmp_path), "linux_system", "linux_errlog", "linux_patch",
                      "linux_storage")
    ours = {name: n for name, n in counts.items() if "/weibao_inspection/" in name}
    assert len(ours) > 30, sorted(ours)
    # the package's __init__ itself is compiled before it can help; every module after it once
    init = "ansible/module_utils/weibao_inspection/__init__.py"
    assert ours.pop(init) == 2
    assert set(ours.values()) == {1}, {name: n for name, n in ours.items() if n != 1}
    # what it mends: a zipped module imported before it is compiled twice by this Python (if
    # this fails, CPython fixed gh-141276 and the workaround can go)
    assert counts["ansible/module_utils/six/__init__.py"] == 2


def test_outside_a_zip_the_import_system_is_left_alone():
    code = ("import zipimport; before = zipimport._get_module_code\n"
            "import ansible.module_utils.weibao_inspection\n"
            "print(zipimport._get_module_code is before)")
    # as the runner and the tests import it: from plugins/module_utils on the file system
    proc = subprocess.run([sys.executable, "-c", "import ansible.module_utils\n"
                           f"ansible.module_utils.__path__.append({str(PACKAGE.parent)!r})\n"
                           + code], capture_output=True, text=True, timeout=120, check=True)
    assert proc.stdout.strip() == "True"
