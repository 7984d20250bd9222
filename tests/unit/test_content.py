"""runner/weibao/content.py: where the Ansible content is, and the shared inspection package
made importable in the runner's process."""

from __future__ import annotations

import importlib

import ansible.module_utils

from weibao import content


def test_module_utils_are_added_once_and_again_when_gone(monkeypatch, tmp_path):
    monkeypatch.delenv("WEIBAO_CONTENT_DIR", raising=False)
    path = str(content.content_root() / "plugins" / "module_utils")
    monkeypatch.setattr(ansible.module_utils, "__path__", [p for p in ansible.module_utils.__path__
                                                           if p != path])
    looked = []
    real_root = content.content_root
    monkeypatch.setattr(content, "content_root", lambda: looked.append(1) or real_root())
    monkeypatch.setattr(content, "_ENABLED", {})

    for _ in range(5):
        content.enable_module_utils()
    assert ansible.module_utils.__path__.count(path) == 1
    assert len(looked) == 1  # looked for once, then only checked

    ansible.module_utils.__path__.remove(path)  # someone reset the package's path
    content.enable_module_utils()
    assert ansible.module_utils.__path__.count(path) == 1

    # a content folder of playbooks only: the package still comes from the checkout
    monkeypatch.setenv("WEIBAO_CONTENT_DIR", str(tmp_path))
    monkeypatch.setattr(content, "content_root", real_root)
    content.enable_module_utils()
    assert ansible.module_utils.__path__.count(path) == 1
    assert {None: path, str(tmp_path): path} == content._ENABLED

    assert importlib.import_module("ansible.module_utils.weibao_inspection.findings")
