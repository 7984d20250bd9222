"""Test-wide set-up: make the shared inspection code importable as Ansible ships it.

Modules import ``ansible.module_utils.weibao_inspection...``; AnsiballZ finds it through
ansible.cfg's module_utils path. In-process (tests, runner) the same import works once the
project's plugins/module_utils folder is on ``ansible.module_utils.__path__``.
"""

from weibao.content import enable_module_utils

enable_module_utils()
