"""weibao judge over every saved output of every registry source, and the same outputs
judged both ways (all of a host's outputs at once, as the collector hands them to the area,
and each alone, as an engineer saves them) give the same findings.

Fixtures: tests/unit/fixtures/<platform>/<command slug>/<case>.raw, whose first line says
where the format comes from (dropped here), beside <case>.yml.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from chinese_text import assert_chinese

from weibao.content import enable_module_utils
from weibao.errors import ConfigError
from weibao.services import judge as judge_svc

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue, registry  # noqa: E402
from ansible.module_utils.weibao_inspection.findings import validate_finding  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
NOW = "2026-12-01T02:00:00+00:00"


def slug(command: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", command).strip("_")


def folders(source) -> list[Path]:
    names = [source.name] + [registry._plain(a) for a in source.aliases]
    return [FIXTURES / source.platform / slug(n) for n in names
            if (FIXTURES / source.platform / slug(n)).is_dir()]


def cases(source) -> list[Path]:
    return sorted(p for d in folders(source) for p in d.glob("*.raw"))


def saved(path: Path, tmp_path: Path) -> Path:
    """The capture without its provenance line, as an engineer would have saved it."""
    body = path.read_bytes().split(b"\n", 1)[1] if b"\n" in path.read_bytes() else b""
    out = tmp_path / path.name
    out.write_bytes(body)
    return out


SOURCES = [s for s in registry.SOURCES]


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: f"{s.platform}:{s.name}")
def test_every_source_has_saved_outputs(source):
    assert cases(source), (f"{source.platform} {source.name!r}: no fixture folder "
                           f"{FIXTURES / source.platform / slug(source.name)} with a .raw")


CASES = [(s, p) for s in SOURCES for p in cases(s)]


@pytest.mark.parametrize("source,path", CASES,
                         ids=[f"{s.key}/{p.stem}" for s, p in CASES])
def test_judge_every_saved_output(source, path, tmp_path):
    file = saved(path, tmp_path)
    if not file.read_bytes().strip():
        with pytest.raises(ConfigError, match="is empty"):  # an empty capture is refused
            judge_svc.judge(source.platform, source.name, [str(file)], now=NOW)
        return
    [judged] = judge_svc.judge(source.platform, source.name, [str(file)], now=NOW)
    fed = {c.id for c in source.checks()}
    for finding in judged.findings:
        validate_finding(finding)
        assert finding["check_id"] in fed
        assert finding.get("message"), f"{finding['check_id']}: a finding without messages"
        assert_chinese(finding)
    expected = yaml.safe_load(path.with_suffix(".yml").read_text()) or {}
    if "error" in expected:
        # output the parser does not understand is never judged ok
        ok = [f for f in judged.findings if f["status"] == "ok"]
        assert not ok, f"{path.name}: not understood, yet ok: {[f['summary'] for f in ok]}"


def _first_good(source) -> Path | None:
    for path in cases(source):
        expected = yaml.safe_load(path.with_suffix(".yml").read_text()) or {}
        body = path.read_bytes().split(b"\n", 1)[-1]
        if "error" not in expected and body.strip():
            return path
    return None


# errlog's checks read every log at once (merged by the collector), so no check there reads
# one source only: test_errlog_parsers runs the same syslog text through the collector's
# file path and through parse_sources and compares the events. errpt's checks read errpt -a
# where it was collected and the summary only without it: test_errpt_rules compares them.
@pytest.mark.parametrize("platform,area", sorted({(s.platform, s.area) for s in SOURCES
                                                  if s.area not in ("errlog", "errpt")}))
def test_collector_and_judge_agree(platform, area, tmp_path):
    """All of an area's outputs at once (the collector's way) and each alone (judge's way):
    every check that reads one source only gets the same findings."""
    parse, evaluate = registry.area_functions(area, platform)
    chosen = {}
    for source in SOURCES:
        if (source.platform, source.area) == (platform, area) and source.key not in chosen:
            path = _first_good(source)
            if path is not None:
                chosen[source.key] = (source, path)
    context = {"now": judge_svc.parse_time("--now", NOW).timestamp(), "since": None}
    raw = {key: saved(path, tmp_path).read_text() for key, (_s, path) in chosen.items()}
    together = evaluate(parse(raw, dict(context)), catalogue.merge_thresholds(area), context)
    compared = 0
    for key, (source, path) in chosen.items():
        # a check may list other platforms' commands (environment: ipmi and redfish): only
        # this platform's count
        mine = [s for s in SOURCES if s.platform == source.platform]
        single = [c.id for c in source.checks()
                  if all(registry.lookup(source.platform, cmd).key == key
                         for cmd in c.sources if any(s.matches(cmd) for s in mine))]
        if not single:
            continue
        [alone] = judge_svc.judge(source.platform, source.name, [str(saved(path, tmp_path))],
                                  now=NOW)

        def shape(findings, ids=single):
            return sorted((f["check_id"], f["component"], f["status"], f["summary"])
                          for f in findings if f["check_id"] in ids)

        assert shape(alone.findings) == shape(together), f"{area}: {source.name}"
        compared += 1
    assert compared, f"{area}: no single-source check to compare"
