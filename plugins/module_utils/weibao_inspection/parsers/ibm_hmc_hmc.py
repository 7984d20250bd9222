# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse an IBM Power HMC's answers (the ``hmc`` area) into data; never judges.

Every command is sent with ``-F attr,attr,...`` (IBM Documentation, HMC command reference:
"lssyscfg", "lssvcevents", "lslic"): one line per object, the values of the attributes asked
for in that order, separated by commas; a value that holds a comma is enclosed in double
quotes (read with :mod:`csv`). A list command that finds nothing prints ``No results were
found.``. The free-text attribute (the event's ``text``, the LPAR's ``os_version``) is asked
for last, so an unquoted comma in it is joined back into it.

Raw keys (registry Sources of platform ``ibm_hmc``):

``systems``   ``lssyscfg -r sys -F name,state,type_model,serial_num``
``events``    ``lssvcevents -t hardware --filter status=open -F problem_num,refcode,status,
              created_time,sys_name,sys_mtms,text``
``firmware``  ``lslic -t sys -m {sys} -F ecnumber,activated_level,installed_level,
              accepted_level,activated_spname,installed_spname,accepted_spname``:
              ``{system: text or failure}`` (the collector runs it per managed system), or
              one text (``weibao judge``: the system is then the command's ``-m`` argument,
              ``context["command"]``, else ``?``)
``lpars``     ``lssyscfg -r lpar -m {sys} -F name,lpar_id,state,os_version``: like firmware
"""

from __future__ import annotations

import csv
import re
import shlex

from ansible.module_utils.weibao_inspection.parsers.sections import (
    ParseError,
    failure,
    is_failure,
    parse_source,
)

# What the collector runs (``{sys}`` expands to each name of ``systems``), in order.
COLLECT = (
    ("systems", "lssyscfg -r sys -F name,state,type_model,serial_num"),
    ("events", "lssvcevents -t hardware --filter status=open "
               "-F problem_num,refcode,status,created_time,sys_name,sys_mtms,text"),
    ("firmware", "lslic -t sys -m {sys} -F ecnumber,activated_level,installed_level,"
                 "accepted_level,activated_spname,installed_spname,accepted_spname"),
    ("lpars", "lssyscfg -r lpar -m {sys} -F name,lpar_id,state,os_version"),
)
PER_SYSTEM = ("firmware", "lpars")

SYSTEM_FIELDS = ("name", "state", "type_model", "serial_num")
EVENT_FIELDS = ("problem_num", "refcode", "status", "created_time", "sys_name", "sys_mtms",
                "text")
FIRMWARE_FIELDS = ("ecnumber", "activated_level", "installed_level", "accepted_level",
                   "activated_spname", "installed_spname", "accepted_spname")
LPAR_FIELDS = ("name", "lpar_id", "state", "os_version")
NO_RESULTS = re.compile(r"^No results were found\.?$", re.I)
# created_time: "MM/DD/YYYY HH:MM:SS" in the HMC's own time zone
HMC_TIME = re.compile(r"^(\d{2})/(\d{2})/(\d{4}) (\d{2}):(\d{2}):(\d{2})$")


def _rows(text, fields, free_last=True):
    """[(values dict, line)] of ``-F`` output; ParseError on a line that does not fit."""
    if not isinstance(text, str) or not text.strip():
        raise ParseError("hmc.parse.empty")
    lines = [line.rstrip("\r") for line in text.splitlines() if line.strip()]
    if len(lines) == 1 and NO_RESULTS.match(lines[0].strip()):
        return []
    out = []
    for line in lines:
        values = next(csv.reader([line]))
        if len(values) > len(fields) and free_last:
            values = values[:len(fields) - 1] + [",".join(values[len(fields) - 1:])]
        if len(values) != len(fields):
            raise ParseError("hmc.parse.columns", line=line[:120], found=len(values),
                             expected=len(fields))
        out.append((dict(zip(fields, (v.strip() for v in values))), line))
    return out


def hmc_time(text):
    """``MM/DD/YYYY HH:MM:SS`` -> ``YYYY-MM-DDTHH:MM:SS`` (no zone: the HMC's), else None."""
    match = HMC_TIME.match((text or "").strip())
    if not match:
        return None
    month, day, year, hh, mm, ss = match.groups()
    return f"{year}-{month}-{day}T{hh}:{mm}:{ss}"


def parse_systems(text):
    items = []
    for values, line in _rows(text, SYSTEM_FIELDS, free_last=False):
        values["line"] = line
        items.append(values)
    return {"items": items}


def parse_events(text):
    items = []
    for values, line in _rows(text, EVENT_FIELDS):
        values["created"] = hmc_time(values["created_time"])
        values["line"] = line
        items.append(values)
    return {"items": items}


def parse_firmware(text):
    items = []
    for values, line in _rows(text, FIRMWARE_FIELDS, free_last=False):
        values["line"] = line
        items.append(values)
    return {"items": items}


def parse_lpars(text):
    items = []
    for values, line in _rows(text, LPAR_FIELDS):
        values["line"] = line
        items.append(values)
    return {"items": items}


def command_system(command):
    """The managed system a command names with ``-m`` (``lslic -t sys -m SYS ...``), else
    ``?``."""
    try:
        words = shlex.split(command or "")
    except ValueError:
        words = (command or "").split()
    for i, word in enumerate(words[:-1]):
        name = words[i + 1].strip()
        if word == "-m" and name and not re.match(r"^\{\w+\}$", name):  # not "{sys}"
            return name
    return "?"


def _per_system(raw, key, parser, context=None):
    """{system: section} of a per-system source; a single text is the system the command
    names with ``-m`` (``weibao judge``), else ``?``."""
    value = raw.get(key)
    if value is None:
        return None
    if is_failure(value):
        return {"error": failure(value)["error"], "cause": failure(value)["cause"]}
    if isinstance(value, str):
        value = {command_system((context or {}).get("command")): value}
    if not isinstance(value, dict):
        return None
    return {system: parse_source({"x": text}, "x", parser)
            for system, text in sorted(value.items())}


def parse_sources(raw, context=None):
    """Data of the hmc area: ``systems``, ``events`` ({"items"} or a failure section),
    ``firmware`` and ``lpars`` ({system: {"items"} or failure}, or a failure section), and
    ``lpar_systems`` ({lpar: system}) and ``system_lpars`` ({system: [lpar, ...]}) from the
    LPAR lists that could be read."""
    raw = raw or {}
    data = {
        "systems": parse_source(raw, "systems", parse_systems),
        "events": parse_source(raw, "events", parse_events),
        "firmware": _per_system(raw, "firmware", parse_firmware, context),
        "lpars": _per_system(raw, "lpars", parse_lpars, context),
    }
    lpar_systems, system_lpars = {}, {}
    lpars = data["lpars"]
    if isinstance(lpars, dict) and not is_failure(lpars):
        for system, section in lpars.items():
            if section is None or is_failure(section):
                continue
            names = [item["name"] for item in section["items"]]
            system_lpars[system] = names
            for name in names:
                lpar_systems[name] = system
    data["lpar_systems"] = lpar_systems
    data["system_lpars"] = system_lpars
    return data
