"""The check every area's rule tests share: a finding's Simplified Chinese text is there and
says what the English says (docs/findings.md, ``translations``).

Each rule test file wraps its rules module's ``make_finding`` and ``unknown`` with
:func:`check_every_finding` in an autouse fixture, so every finding any test makes the rules
build is checked as it is built: a branch without Chinese fails whichever test reaches it.
"""

from __future__ import annotations

import collections
import re

CJK_RE = re.compile(r"[\u4e00-\u9fff]")
NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
# ASCII punctuation right next to a Chinese character: Chinese sentences use full-width
# punctuation (，；：（）)
HALF_WIDTH_RE = re.compile(r"[\u4e00-\u9fff][,;:()]|[,;:()][\u4e00-\u9fff]")
# four or more plain English words in a row: an English phrase pasted into the Chinese text
# (a command such as "dnf history list" or a product name such as "Red Hat Enterprise Linux"
# is not one). A tool's own message quoted “…” verbatim and an evidence marker are left out.
ENGLISH_PHRASE_RE = re.compile(r"(?<![\w./-])[A-Za-z]+(?: [a-z]+){3,}(?![\w./-])")
QUOTED_RE = re.compile(r"“[^”]*”|\(time unreadable\)")


def chinese_problems(finding: dict) -> list[str]:
    """Why ``finding`` lacks proper zh-CN text (an empty list when it has it)."""
    zh = (finding.get("translations") or {}).get("zh-CN") or {}
    summary = zh.get("summary", "")
    problems = []
    if not summary:
        problems.append("no zh-CN summary")
    elif not CJK_RE.search(summary):
        problems.append(f"zh-CN summary has no Chinese character: {summary!r}")
    if finding["recommendation"] and not zh.get("recommendation"):
        problems.append("no zh-CN recommendation beside the English one")
    if zh.get("recommendation") and not CJK_RE.search(zh["recommendation"]):
        problems.append(f"zh-CN recommendation has no Chinese character: {zh['recommendation']!r}")
    if not finding["recommendation"] and zh.get("recommendation"):
        problems.append("a zh-CN recommendation without an English one")
    missing = collections.Counter(NUMBER_RE.findall(finding["summary"])) \
        - collections.Counter(NUMBER_RE.findall(summary))
    if summary and missing:
        problems.append(f"numbers of the English summary missing from the Chinese one: "
                        f"{sorted(missing)} ({finding['summary']!r} / {summary!r})")
    if zh.get("recommendation"):
        missing = collections.Counter(NUMBER_RE.findall(finding["recommendation"])) \
            - collections.Counter(NUMBER_RE.findall(zh["recommendation"]))
        if missing:
            problems.append(f"numbers of the English recommendation missing from the Chinese "
                            f"one: {sorted(missing)}")
    for name, text in zh.items():
        if HALF_WIDTH_RE.search(text):
            problems.append(f"half-width punctuation beside Chinese in the {name}: {text!r}")
        phrase = ENGLISH_PHRASE_RE.search(QUOTED_RE.sub("", text))
        if phrase:
            problems.append(f"English phrase {phrase.group(0)!r} in the Chinese {name}: "
                            f"{text!r}")
    return problems


def assert_chinese(finding: dict) -> None:
    problems = chinese_problems(finding)
    assert not problems, "{} [{}] {} ({}): {}".format(
        finding["check_id"], finding["component"], finding["status"], finding["summary"],
        "; ".join(problems))


def check_every_finding(monkeypatch, rules_module) -> list[dict]:
    """Wrap ``rules_module.make_finding`` and ``unknown`` so each finding they build is
    checked at once; returns the list of the findings checked."""
    checked: list[dict] = []

    def checking(build):
        def wrapper(*args, **kwargs):
            finding = build(*args, **kwargs)
            assert_chinese(finding)
            checked.append(finding)
            return finding
        return wrapper

    monkeypatch.setattr(rules_module, "make_finding", checking(rules_module.make_finding))
    monkeypatch.setattr(rules_module, "unknown", checking(rules_module.unknown))
    return checked
