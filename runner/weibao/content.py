"""Where weibao's Ansible content (playbooks, roles, plugins, report templates) lives."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def content_root() -> Path:
    """The project folder holding playbooks/, roles/, plugins/ and report_templates/.

    ``WEIBAO_CONTENT_DIR`` overrides; otherwise the checkout the package was installed from
    (``pip install -e .``), i.e. two levels above runner/weibao/.
    """
    override = os.environ.get("WEIBAO_CONTENT_DIR")
    root = Path(override) if override else PACKAGE_DIR.parent.parent
    return root.resolve()


_ENABLED: dict[str | None, str] = {}  # WEIBAO_CONTENT_DIR -> the folder added for it


def enable_module_utils() -> None:
    """Make ``ansible.module_utils.weibao_inspection`` importable in this process.

    Called wherever that package is about to be used (a few times per host of a run), so
    the folder is looked for once per ``WEIBAO_CONTENT_DIR`` and then only checked."""
    import ansible.module_utils

    known = _ENABLED.get(os.environ.get("WEIBAO_CONTENT_DIR"))
    if known is not None and known in ansible.module_utils.__path__:
        return
    folder = content_root() / "plugins" / "module_utils"
    if not (folder / "weibao_inspection").is_dir():
        # a content folder of playbooks only (WEIBAO_CONTENT_DIR): weibao's own catalogue,
        # registry and findings schema still come from the checkout it was installed from
        folder = PACKAGE_DIR.parent.parent / "plugins" / "module_utils"
    path = str(folder)
    if path not in ansible.module_utils.__path__:
        ansible.module_utils.__path__.append(path)
    _ENABLED[os.environ.get("WEIBAO_CONTENT_DIR")] = path
