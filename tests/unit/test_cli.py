"""The CLI through click's test runner: exit statuses and one-line errors, nothing written."""

import json

import pytest
from click.testing import CliRunner

from weibao import cli as cli_mod
from weibao.store import Run, Store


def invoke(args, **kw):
    """Run ``weibao ARGS`` through main() so error mapping and exit codes are exercised."""
    runner = CliRunner()
    return runner.invoke(_main, args, catch_exceptions=False, **kw)


def _main_impl(args):
    cli_mod.main(list(args))


import click  # noqa: E402


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _main(args):
    _main_impl(args)


def run_count(data_dir):
    db = data_dir / "weibao.db"
    if not db.exists():
        return 0
    store = Store(f"sqlite:///{db}")
    with store.session() as s:
        return s.query(Run).count()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["inspect", "--inventory", "inventories/example", "--period", "2026-13"],
         "--period '2026-13': expected YYYY-MM"),
        (["inspect", "--inventory", "inventories/example", "--site", "nowhere"],
         "unknown site 'nowhere'"),
        (["inspect", "--inventory", "does/not/exist"], "does/not/exist: does not exist"),
        (["--lang", "fr", "runs"], "--lang 'fr': expected en or zh-CN"),
        (["report", "monthly", "--site", "example", "--period", "2026-11", "--format", "rtf"],
         "--format 'rtf'"),
        (["report", "monthly", "--site", "nosite", "--period", "2026-11"],
         "unknown site 'nosite'"),
        (["findings", "--run", "42"], "run 42: no such run"),
        (["inspect", "--bogus"], "No such option"),
    ],
)
def test_bad_invocation_exits_3_with_one_line(tmp_path, args, message):
    result = invoke(["--data-dir", str(tmp_path), *args])
    assert result.exit_code == 3, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert message in lines[0]
    assert run_count(tmp_path) == 0


def test_malformed_inventory_writes_nothing(tmp_path):
    inv = tmp_path / "inv.yml"
    inv.write_text("all:\n  hosts:\n    a: [\n")
    data = tmp_path / "data"
    result = invoke(["--data-dir", str(data), "inspect", "--inventory", str(inv)])
    assert result.exit_code == 3
    assert str(inv) in result.output
    assert not (data / "weibao.db").exists()


def test_unusable_data_dir_exits_3(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = invoke(["--data-dir", str(blocker / "sub"), "runs"])
    assert result.exit_code == 3
    assert "data directory" in result.output


def test_errors_in_chinese(tmp_path):
    result = invoke(["--data-dir", str(tmp_path), "--lang", "zh-CN", "inspect", "--inventory",
                     "inventories/example", "--period", "2026-13"])
    assert result.exit_code == 3
    assert "错误" in result.output
    assert "2026-13" in result.output


def test_runs_json_empty_store(tmp_path):
    result = invoke(["--data-dir", str(tmp_path), "runs", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == []


def test_commands_of_their_own_module_are_imported_when_used():
    """`weibao inspect` imports none of the other commands' modules; each lazy name gives the
    command of that name, listed in --help as the eager ones are, and an unknown command is
    still a usage error."""
    import subprocess
    import sys
    from pathlib import Path

    runner_dir = Path(cli_mod.__file__).resolve().parents[1]
    probe = ("import sys, weibao.cli as c; "
             "c.cli.get_command(None, 'inspect'); "
             "print(sorted(m for m in sys.modules if m.startswith('weibao.cli_')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(runner_dir), "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "['weibao.cli_output', 'weibao.cli_remote']"
    for name in cli_mod._Commands.LAZY:
        assert cli_mod.cli.get_command(None, name).name == name
    listed = CliRunner().invoke(cli_mod.cli, ["--help"]).output
    for name in [*cli_mod._Commands.LAZY, "inspect", "worker", "import"]:
        assert f"\n  {name} " in listed
    assert cli_mod.cli.get_command(None, "nonesuch") is None
    result = invoke(["nonesuch"])
    assert result.exit_code != 0
