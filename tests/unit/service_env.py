"""A site for the fault, SLA, service record and on-site tests: an inventory (site ``lab``,
Asia/Shanghai) with its people file made from the session's real ssh-keygen keys, a data
directory, and the CLI run through main() with the clock injected (weibao.cli_service._now).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click
import yaml
from change_env import people_text
from click.testing import CliRunner

from weibao import cli as cli_mod
from weibao import cli_service

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def make_site(root: Path, keys: dict[str, Path], *, name: str = "lab",
              sla: Any = None) -> Path:
    inventory = root / "inventories" / name
    inventory.mkdir(parents=True)
    site: dict[str, Any] = {"name": name, "timezone": "Asia/Shanghai"}
    if sla is not None:
        site["sla"] = sla
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"all": {
        "vars": {"weibao_site": site, "ansible_connection": "local",
                 "ansible_python_interpreter": sys.executable},
        "children": {"db": {"hosts": {"db01": None}}}}}), encoding="utf-8")
    (inventory / "people.yml").write_text(people_text(keys), encoding="utf-8")
    return inventory


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _main(args):
    cli_mod.main(list(args))


class Cli:
    """``weibao ARGS`` with a data directory and the clock at ``now``."""

    def __init__(self, data_dir: Path, monkeypatch: Any, now: dt.datetime) -> None:
        self.data_dir = data_dir
        self.now = now
        monkeypatch.setattr(cli_service, "_now", lambda: self.now)

    def __call__(self, *args: Any, lang: str = "en"):
        result = CliRunner().invoke(
            _main, ["--data-dir", str(self.data_dir), "--lang", lang, *map(str, args)],
            catch_exceptions=False)
        return result

    def ok(self, *args: Any, **kw: Any) -> str:
        result = self(*args, **kw)
        assert result.exit_code == 0, result.output
        return result.output

    def fails(self, *args: Any, code: int = 3, **kw: Any) -> str:
        result = self(*args, **kw)
        assert result.exit_code == code, result.output
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1, result.output
        return lines[0]
