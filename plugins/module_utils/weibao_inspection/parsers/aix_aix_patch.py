# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read an AIX host's patch level (the ``aix_patch`` area): pure functions from the text of
``oslevel -s``, ``instfix -i``, ``lslpp -l``, ``lppchk -v`` and ``emgr -l`` to data.

Formats, from IBM's documentation (AIX 7.1, 7.2, 7.3 command references: oslevel, instfix,
lslpp, lppchk, emgr; "Understanding interim fix states") and the outputs in the fixtures
(tests/unit/fixtures/aix/<command>/, each naming where its format comes from):

- ``oslevel -s``: one line ``VR00-TL-SP-YYWW`` (``7200-05-06-2320``: AIX 7.2 TL5 SP6, built in
  week 20 of 2023).
- ``instfix -i``: one line per fix keyword, ``All filesets for KEY were found.`` or ``Not all
  filesets for KEY were found.``; technology levels are ``7200-05_AIX_ML``, service packs
  ``72-05-052038_SP``, APARs ``IJ12345``. The words are from the message catalogue (they change
  with LANG): a line that is neither is not understood.
- ``lslpp -l``: ``Path:`` sections, each fileset ``name level state description`` with the
  description wrapped onto indented lines; the state is one of :data:`FILESET_STATES`.
- ``lppchk -v``: nothing when consistent; otherwise lines naming the filesets.
- ``emgr -l``: a table ``ID STATE LABEL INSTALL TIME UPDATED BY ABSTRACT`` under a ``===``
  rule, then a legend of state codes; ``There is no efix data on this system.`` when none.

A parser that meets text it does not understand raises :class:`ParseError`; the rule then
reports ``unknown`` (never ok).

Python 3.8-compatible: shipped to AIX hosts with the collector (AIX Toolbox python3).
"""

from __future__ import annotations

import re

from ansible.module_utils.weibao_inspection.parsers.sections import (
    ParseError,
    failure,
    is_failure,
)

# What the AIX collector (weibao_inspect_aix) runs for this area, with LC_ALL=C: (raw key,
# argv). No placeholders: every command reads the whole host.
COLLECT = (
    ("oslevel_s", ("oslevel", "-s")),
    ("instfix_i", ("instfix", "-i")),
    ("lslpp_l", ("lslpp", "-l")),
    ("lppchk_v", ("lppchk", "-v")),
    ("emgr_l", ("emgr", "-l")),
)

NAMES = {"oslevel_s": "oslevel -s", "instfix_i": "instfix -i", "lslpp_l": "lslpp -l",
         "lppchk_v": "lppchk -v", "emgr_l": "emgr -l"}

# lslpp(1): "State: APPLIED, APPLYING, BROKEN, COMMITTED, EFIX LOCKED, OBSOLETE, COMMITTING,
# REJECTING"
FILESET_STATES = ("COMMITTED", "APPLIED", "BROKEN", "APPLYING", "COMMITTING", "REJECTING",
                  "OBSOLETE", "EFIX LOCKED")

_OSLEVEL_RE = re.compile(r"^(\d)(\d)00-(\d\d)-(\d\d)-(\d{4})$")
_INSTFIX_RE = re.compile(r"^(All|Not all) filesets for (\S+) were found\.?$")
_FILESET_RE = re.compile(r"^\s+(\S+)\s+(\d+\.\d+\.\d+\.\d+)\s+(" + "|".join(
    s.replace(" ", r"\s") for s in FILESET_STATES) + r")(?:\s+(.*))?$")
# a fileset line whose state is not one of FILESET_STATES (another locale, a new state)
_FILESET_ANY_RE = re.compile(r"^\s+(\S+)\s+(\d+\.\d+\.\d+\.\d+)\s+\S")
_EMGR_ROW_RE = re.compile(
    r"^\s*(\d+)\s+(\*?[A-Z]{1,2}\*?)\s+(\S+)\s+(\d\d/\d\d/\d\d\s+\d\d:\d\d:\d\d)\s*(.*)$")
_NO_EFIX = "There is no efix data on this system"


def _excerpt(text, limit=120):
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[:limit - 3] + "..."


def _lines(text):
    return [line.rstrip() for line in str(text).splitlines()]


def parse_oslevel(text):
    """``oslevel -s`` -> {level, version, tl, sp, build}."""
    lines = [line.strip() for line in _lines(text) if line.strip()]
    if not lines:
        raise ParseError("aix_patch.reason.empty", source=NAMES["oslevel_s"])
    levels = [m for m in (_OSLEVEL_RE.match(line) for line in lines) if m]
    if len(levels) != 1:
        raise ParseError("aix_patch.reason.not_oslevel", text=_excerpt(lines[0]))
    match = levels[0]
    return {"level": match.group(0), "version": match.group(1) + "." + match.group(2),
            "tl": int(match.group(3)), "sp": int(match.group(4)), "build": match.group(5)}


def parse_instfix(text):
    """``instfix -i`` (or ``| grep ML``) -> {keywords: [{keyword, complete, kind}]}; kind is
    ``ml`` (technology level), ``sp`` (service pack) or ``fix`` (an APAR)."""
    lines = [line.strip() for line in _lines(text) if line.strip()]
    if not lines:
        raise ParseError("aix_patch.reason.empty", source=NAMES["instfix_i"])
    keywords = []
    for line in lines:
        match = _INSTFIX_RE.match(line)
        if not match:
            raise ParseError("aix_patch.reason.not_english", source=NAMES["instfix_i"],
                             text=_excerpt(line))
        keyword = match.group(2)
        kind = "ml" if keyword.endswith("_ML") else "sp" if keyword.endswith("_SP") else "fix"
        keywords.append({"keyword": keyword, "complete": match.group(1) == "All",
                         "kind": kind})
    if not any(k["kind"] in ("ml", "sp") for k in keywords):  # "| grep SP" has no _ML
        raise ParseError("aix_patch.reason.no_ml", text=_excerpt(lines[0]))
    return {"keywords": keywords}


def parse_lslpp(text):
    """``lslpp -l`` -> {filesets: [{name, level, state, path}]} (a fileset once per Path:
    section it appears in: usr, root, share)."""
    lines = _lines(text)
    if not any(line.strip() for line in lines):
        raise ParseError("aix_patch.reason.empty", source=NAMES["lslpp_l"])
    filesets = []
    path = ""
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("Path:"):
            path = stripped.split(":", 1)[1].strip()
            continue
        match = _FILESET_RE.match(line)
        if match:
            filesets.append({"name": match.group(1), "level": match.group(2),
                             "state": " ".join(match.group(3).split()), "path": path})
        elif _FILESET_ANY_RE.match(line):
            raise ParseError("aix_patch.reason.bad_fileset", text=_excerpt(line))
    if not filesets:
        first = next(line for line in lines if line.strip())
        raise ParseError("aix_patch.reason.no_filesets", text=_excerpt(first))
    return {"filesets": filesets}


def parse_lppchk(text):
    """``lppchk -v`` -> {lines: [...]} (none: consistent)."""
    return {"lines": [line for line in _lines(text) if line.strip()]}


def parse_emgr(text):
    """``emgr -l`` -> {fixes: [{id, state, label, installed, abstract}]} ([] when none)."""
    lines = _lines(text)
    if not any(line.strip() for line in lines):
        raise ParseError("aix_patch.reason.empty", source=NAMES["emgr_l"])
    if any(_NO_EFIX in line for line in lines):
        return {"fixes": []}
    header = next((i for i, line in enumerate(lines)
                   if re.match(r"^\s*ID\s+STATE\s+LABEL\s+INSTALL TIME", line)), None)
    if header is None:
        first = next(line for line in lines if line.strip())
        raise ParseError("aix_patch.reason.not_emgr", text=_excerpt(first))
    fixes = []
    for line in lines[header + 1:]:
        stripped = line.strip()
        if not stripped or set(stripped) <= set("= "):
            continue
        if stripped.startswith("STATE codes"):
            break  # the legend
        match = _EMGR_ROW_RE.match(line)
        if not match:
            raise ParseError("aix_patch.reason.bad_ifix", text=_excerpt(line))
        fixes.append({"id": int(match.group(1)), "state": match.group(2).strip("*"),
                      "state_shown": match.group(2), "label": match.group(3),
                      "installed": " ".join(match.group(4).split()),
                      "abstract": match.group(5).strip()})
    if not fixes:
        raise ParseError("aix_patch.reason.not_emgr", text=_excerpt(lines[header]))
    return {"fixes": fixes}


PARSERS = {"oslevel_s": parse_oslevel, "instfix_i": parse_instfix, "lslpp_l": parse_lslpp,
           "lppchk_v": parse_lppchk, "emgr_l": parse_emgr}


def parse_sources(raw, context=None):
    """The raw outputs of the aix_patch area -> {key: section}: a section is the parser's
    data, a failure ``{"error", "cause"}``, or None when the source was not given."""
    data = {}
    for key, parser in PARSERS.items():
        value = raw.get(key)
        if value is None:
            data[key] = None
        elif is_failure(value):
            data[key] = failure(value)
        elif not isinstance(value, str):
            data[key] = {"error": ParseError("aix_patch.reason.bad_value",
                                             source=NAMES[key]).message,
                         "cause": "not_understood"}
        else:
            try:
                data[key] = parser(value)
            except ParseError as exc:
                data[key] = failure(exc)
    return data
