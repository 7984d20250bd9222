"""``weibao config diff`` and ``weibao config list`` through click's test runner: the diff on
stdout, one-line errors with exit 3, both languages."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner
from test_config_archive import SW1, SW1_CHANGED, T1, T2, new_run

from weibao import cli as cli_mod
from weibao.services import config_archive as ca
from weibao.store import Store


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _main(args):
    cli_mod.main(list(args))


def invoke(data, *args):
    return CliRunner().invoke(_main, ["--data-dir", str(data), *args], catch_exceptions=False)


@pytest.fixture
def archived(tmp_path):
    """Two runs of site dc1: sw1 new then changed; stored in the data directory's store."""
    store = Store(f"sqlite:///{tmp_path / 'weibao.db'}")
    for when, period, text in ((T1, "2026-10", SW1), (T2, "2026-11", SW1_CHANGED)):
        run_id = new_run(store, when, period, hosts=("sw1",))
        archive = ca.RunArchive(tmp_path, "dc1")
        archive.record("sw1", "cisco_ios", text)
        ca.save(store, run_id, archive.commit(run_id, when, period=period))
    store.dispose()
    return tmp_path


def test_diff_prints_the_last_change(archived):
    result = invoke(archived, "config", "diff", "sw1")
    assert result.exit_code == 0, result.output
    assert "sw1 (site dc1): run 1 of 2026-10-05 -> run 2 of 2026-11-04" in result.output
    assert "+ no shutdown" in result.output and "- shutdown" in result.output
    assert "Publ1cCommunity" not in result.output and "<secret sha256:" in result.output


def test_diff_since_a_period_without_change(archived):
    result = invoke(archived, "config", "diff", "sw1", "--site", "dc1", "--since", "2026-12")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "sw1: no configuration change"


def test_diff_in_chinese(archived):
    result = invoke(archived, "--lang", "zh-CN", "config", "diff", "sw1", "--since", "2026-12")
    assert result.exit_code == 0, result.output
    assert "sw1（站点 dc1）：运行 2（2026-11-04） -> 运行 2（2026-11-04）" in result.output
    assert "sw1：配置没有变化" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["config", "diff", "sw9"], "device 'sw9': not in any configuration archive"),
    (["config", "diff", "sw1", "--site", "nowhere"], "site 'nowhere': no configuration archive"),
    (["config", "diff", "sw1", "--since", "yesterday"], "--since 'yesterday': expected"),
    (["config", "list", "--site", "nowhere"], "site 'nowhere': no configuration archive"),
    (["--lang", "zh-CN", "config", "diff", "sw9"], "设备 'sw9'：不在任何配置存档中"),
])
def test_errors_exit_3_with_one_line(archived, args, message):
    result = invoke(archived, *args)
    assert result.exit_code == 3, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.output


def test_list(archived):
    result = invoke(archived, "config", "list")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].split() == [
        "dc1", "sw1", "run", "2", "of", "2026-11-04", "run", "2:", "changed"]
    data = json.loads(invoke(archived, "config", "list", "--json").output)
    assert data == [{"site": "dc1", "device": "sw1", "last_change_run": 2,
                     "last_change_date": "2026-11-04", "status": "changed", "status_run": 2}]
    zh = invoke(archived, "--lang", "zh-CN", "config", "list")
    assert "站点" in zh.output and "运行 2：已变更" in zh.output


def test_list_empty(tmp_path):
    result = invoke(tmp_path, "config", "list")
    assert result.exit_code == 0
    assert result.output.strip() == "no configuration archived"
