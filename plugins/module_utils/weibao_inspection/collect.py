# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the host collectors that read several areas in one run share
(plugins/modules/weibao_inspect_storage.py, weibao_inspect_aix.py): running the host's tools
(``HostTools``, ``run_parallel``), a raw source that could not be gathered, and the judging of
each area's raw outputs through its parsers and rules, the same functions ``weibao judge``
runs on saved outputs.

Python 3.8-compatible: it ships to managed hosts with the modules.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.weibao_inspection.catalogue.common import errno_message
from ansible.module_utils.weibao_inspection.messages import msg, render


def failure(message, cause):
    return {"error": message, "cause": cause}


def missing(command):
    return failure(msg("reason.not_installed", command=command), "tool_missing")


class HostTools:
    """Runs the host's tools: LC_ALL=C, a timeout, and a failure message for every way a
    tool can fail (missing, not permitted, timed out, exited non-zero with nothing).

    A collector subclasses it and keeps only what is its own: its search path, the words
    that mean its tools were refused (``DENIED``), and the hooks of ``interpret`` (which exit
    statuses are read, what a failed tool's message quotes)."""

    # what a tool prints when it was refused (lower case); a collector adds its platform's
    DENIED = ("permission denied", "operation not permitted", "must be root", "requires root")

    def __init__(self, timeout, path=None, search_path=(), env_defaults=None):
        """``path``: the whole search path (a test's shims); else the environment's PATH with
        ``search_path`` appended. ``env_defaults``: variables set where the environment has
        none."""
        self.timeout = timeout
        self.env = dict(os.environ, LC_ALL="C", LANG="C")
        for key, value in (env_defaults or {}).items():
            self.env.setdefault(key, value)
        if path is None:
            current = self.env.get("PATH", "")
            path = [p for p in current.split(":") if p] + list(search_path)
        self.env["PATH"] = ":".join(path)
        self._which = {}

    def which(self, *names):
        """The first of ``names`` installed (its path), or None."""
        for name in names:
            if name not in self._which:
                self._which[name] = shutil.which(name, path=self.env["PATH"])
            if self._which[name]:
                return self._which[name]
        return None

    def run(self, argv):
        """(rc, stdout, stderr); rc None when the tool could not be run (stderr says why:
        the OSError, or "timeout")."""
        try:
            proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                                  env=self.env, timeout=self.timeout, check=False)
        except subprocess.TimeoutExpired:
            return None, "", "timeout"
        except OSError as exc:
            return None, "", exc
        return (proc.returncode, proc.stdout.decode("utf-8", "replace"),
                proc.stderr.decode("utf-8", "replace"))

    def interpret(self, name, rc, out, err, path=None, **how):
        """The text of the tool run as ``name`` (``run``'s rc, out, err), or a failure section
        saying why there is none; ``path``: the program (default ``name``'s first word);
        ``how``: the subclass's options for ``accepted``."""
        if rc is None:
            if isinstance(err, OSError):
                cause = "no_permission" if getattr(err, "errno", None) in (1, 13) \
                    else "tool_missing"
                return failure(msg("reason.cannot_read", path=path or name.split()[0],
                                   why=self.why(err)), cause)
            return failure(msg("reason.timed_out", command=name, seconds=self.timeout),
                           "source_unreadable")
        if self.denied(name, out, err):
            return failure(msg("reason.no_permission", what=name), "no_permission")
        text = self.accepted(name, rc, out, err, **how)
        if text is not None:
            return text
        if out.strip() and rc not in (126, 127):
            # the parser judges what it printed (a RAID CLI, lspath, lsvg exit 1 and say why)
            return self.printed(out, err)
        said = self.said(out, err)[-300:]
        if not said:
            return failure(msg("reason.exited_silent", command=name, rc=rc),
                           "source_unreadable")
        return self.exited(name, rc, said, err)

    # ---- the hooks of ``interpret``

    # an OSError as a message (its errno's words in both languages)
    why = staticmethod(errno_message)

    def denied(self, name, out, err):
        """Whether the tool said it was refused."""
        low = (out + err).lower()
        return any(word in low for word in self.DENIED)

    def accepted(self, name, rc, out, err):
        """The text of a run whose exit status is read as success, or None."""
        return out if rc == 0 else None

    def printed(self, out, err):
        """The text of a tool that exited non-zero but printed its report."""
        return out

    def said(self, out, err):
        """What a failure's message quotes of a tool that printed no report."""
        return err.strip() or out.strip()

    def exited(self, name, rc, said, err):
        """The failure of a tool that exited non-zero saying ``said``."""
        return failure(msg("reason.exited", command=name, rc=rc, output=said),
                       "source_unreadable")


def run_parallel(func, items, limit=4):
    """[func(item) for item in items], ``limit`` at a time, in the order of ``items`` (a host
    with 24 disks reads them in parallel, not one after another)."""
    items = list(items)
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=min(limit, len(items))) as pool:
        return list(pool.map(func, items))


def judge_area(modules, area, raw, thresholds, context):
    """(findings, not_applicable, counters, data) of one area; ``modules``: {area: (parsers
    module, rules module)}."""
    parsers, rules = modules[area]
    data = parsers.parse_sources(raw, context)
    findings = rules.evaluate(data, thresholds, context)
    na = list(rules.not_applicable(data)) if hasattr(rules, "not_applicable") else []
    read = list(rules.counters(data, context)) if hasattr(rules, "counters") else []
    return findings, na, read, data


def judge_areas(modules, raws, thresholds, context, not_applicable=(), found=None):
    """(findings, not_applicable, counters, data) of every area in ``raws``, in the order of
    ``modules``; ``not_applicable``: what the collector found absent."""
    findings, na, read, data = [], list(not_applicable), [], {}
    for area in modules:
        if area not in raws:
            continue
        area_findings, area_na, area_counters, data[area] = judge_area(
            modules, area, raws[area], thresholds[area], context)
        findings.extend(area_findings)
        na.extend(area_na)
        read.extend(area_counters)
    findings, na = split_not_applicable(findings, na)
    data["found"] = found if found is not None else {}
    return findings, na, read, data


def split_not_applicable(findings, na):
    """Findings of checks that do not apply (``unknown`` with cause ``not_applicable``, or a
    check the collector found no hardware for) move to the not-applicable list."""
    kept = []
    for item in na:  # a rule's reason as a message: kept for the report, and in English
        if isinstance(item.get("reason"), dict) and item["reason"].get("key"):
            item["message"] = {"summary": item["reason"]}
            item["reason"] = render(item["reason"], "en")
    listed = {item["check_id"] for item in na}
    for finding in findings:
        if finding.get("status") == "unknown" and finding.get("cause") == "not_applicable":
            if finding["check_id"] not in listed:
                na.append({"check_id": finding["check_id"],
                           "component": finding.get("component", ""),
                           "message": finding.get("message"),
                           "reason": finding.get("summary", "")})
                listed.add(finding["check_id"])
            continue
        if finding["check_id"] in listed and finding.get("status") == "unknown" \
                and finding.get("cause") == "incomplete":
            continue  # its source was not collected because the hardware is not there
        kept.append(finding)
    return kept, na
