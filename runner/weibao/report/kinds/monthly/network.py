"""The monthly report's network section and the network devices' rows of the asset register.

Per network device (a host with findings or coverage rows of the ``network`` area, or whose
platform the area's checks apply to): its model, serial and software as the device reported
them (the ``network.software`` finding's values), then its findings in parts (hardware,
resources, interfaces with errors growing, ports down / err-disabled / half duplex, log
events, configuration saved), each row marked with what changed since the host's previous
inspection (:func:`.hardware.change`) and the counters a rule reported as grown
(its ``<name>_delta`` values: :func:`.hardware.growth`), and whether its
configuration changed since the last inspection (the configuration archive's record for the
run, ``host["config"]``: changed / unchanged / new / stale, with the diff's size). A device
whose configuration was not collected is stale, never unchanged; a device with no archive
record says so.

Nothing here judges: the statuses, messages and values are the rules' (rules/network.py).
Everything is sorted: the same findings give the same section.

:func:`asset_entry` completes a device's asset register row (model, serial, operating system)
from the ``network.software`` values where the inventory gives none, and flags the fields
where the device reports something else than the inventory.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from weibao.content import enable_module_utils
from weibao.report.kinds.monthly.hardware import _check_rank, _missing, _previous, change, growth
from weibao.statuses import ORDER, worst

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue  # noqa: E402

AREA = "network"
SOFTWARE = "network.software"
# The parts of a device's entry in the report's order, with the checks each shows (ids fixed
# by the issue 10 contract). A network finding of a check in none of them is shown in "other".
PARTS = (
    ("hardware", ("network.hardware", "network.alarms")),
    ("resources", ("network.cpu", "network.memory", "network.reload")),
    ("errors", ("network.interface_errors", "network.optics")),
    ("ports", ("network.interfaces_down", "network.err_disabled", "network.duplex")),
    ("logs", ("network.logs",)),
    ("config", ("network.config_saved",)),
)
# parts whose every row is shown; the others show the rows that need a look (not OK, grown,
# changed since the last inspection) and count the rest
ALL_ROWS = ("resources", "config")
# the area's platforms until the catalogue declares it (registry.PLATFORMS)
PLATFORMS = ("cisco_ios", "cisco_nxos", "huawei_vrp", "hp_comware")
# what the identity line reads from the network.software finding's values
IDENTITY = ("vendor", "model", "serial", "software", "version", "image")
# the configuration archive's states (runner/weibao/services/config_archive.py), and
# "missing": the archive has no record of the device for the run
CONFIG_STATES = ("changed", "new", "stale", "unchanged", "missing")
# asset register fields filled from the device: {asset field: identity field}
ASSET_FIELDS = {"model": "model", "serial": "serial", "os": "software"}


def _area(check_id: Any) -> str:
    return str(check_id).split(".", 1)[0]


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _software(findings: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The values of the device's ``network.software`` findings (the device's own component
    first: an empty component, then by name), merged; the first value given wins."""
    rows = sorted((f for f in findings if f["check_id"] == SOFTWARE),
                  key=lambda f: (str(f.get("component") or ""), ORDER.get(f["status"], 9)))
    out: dict[str, Any] = {}
    for f in rows:
        for key, value in sorted((f.get("values") or {}).items()):
            if key not in out and value not in (None, ""):
                out[key] = value
    return out


def identity(findings: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The device's {vendor, model, serial, software, version, image} as it reported them
    ("" when not reported). ``software`` is the software's name and its version as one text
    (``IOS-XE 17.3.4``, ``VRP V200R011C10SPC500``): the name followed by the version unless
    the name already holds it; the version alone when no name is given."""
    values = _software(findings)
    out = {k: _text(values.get(k)) for k in IDENTITY}
    name, version = out["software"], out["version"]
    if version and version.casefold() not in name.casefold():
        out["software"] = f"{name} {version}" if name else version
    return out


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def asset_entry(host: Mapping[str, Any]) -> dict[str, Any]:
    """The host's asset register row: its inventory ``asset``, with ``model``, ``serial`` and
    ``os`` filled from the ``network.software`` finding where the inventory gives none, and
    ``device_reported`` {field: what the device reports} for the fields where the inventory
    says something else (a mismatch to look at; the inventory's word stays in the register).
    A host without a ``network.software`` finding keeps its asset as it is."""
    asset = dict(host.get("asset") or {})
    findings = [f for f in host.get("findings") or [] if f["check_id"] == SOFTWARE]
    if not findings:
        return asset
    ident = identity(findings)
    mismatch = {}
    for field, name in ASSET_FIELDS.items():
        found = ident[name]
        if not found:
            continue
        given = _text(asset.get(field))
        if not given:
            asset[field] = found
        elif not _same(given, found):
            mismatch[field] = found
    if mismatch:
        asset["device_reported"] = mismatch
    return asset


def _config(host: Mapping[str, Any]) -> dict[str, Any]:
    """The configuration archive's record of the device for this inspection
    (``host["config"]``: :func:`weibao.services.config_archive.run_records`, {status, added,
    removed, why, commit, since: {run_id, inspected_at} | None}): {state
    (:data:`CONFIG_STATES`), added, removed (lines, None when not known), why (why it was not
    collected, shaped as a finding's summary for the ``summary_text`` filter: {summary,
    message}; None when no reason is given), since ({run_id, inspected_at} of the archived
    configuration compared with, or None), commit (the archive's commit)}. No record:
    ``missing``; a state the report does not know: ``stale`` (never unchanged)."""
    record = host.get("config")
    if not record:
        return {"state": "missing", "added": None, "removed": None, "why": None,
                "since": None, "commit": ""}
    state = str(record.get("status") or record.get("state") or "")
    if state not in CONFIG_STATES or state == "missing":
        state = "stale"  # not a state we know: never shown as unchanged
    why = record.get("why") or None
    if isinstance(why, Mapping):  # a catalogue message (msg(key, **params))
        why = {"summary": str(why.get("key") or ""), "message": {"summary": dict(why)}}
    elif why:
        why = {"summary": str(why), "message": {}}
    since = record.get("since")
    return {"state": state, "added": _count(record.get("added")),
            "removed": _count(record.get("removed")), "why": why,
            "since": {"run_id": since.get("run_id"), "inspected_at": since.get("inspected_at")}
            if isinstance(since, Mapping) else None,
            "commit": str(record.get("commit") or "")}


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _part_of(check_id: str) -> str:
    for name, checks in PARTS:
        if check_id in checks:
            return name
    return "other"


def _row(f: Mapping[str, Any], before: dict[tuple[str, str], str],
         compared: bool) -> dict[str, Any]:
    key = (str(f["check_id"]), str(f.get("component") or ""))
    was = before.get(key)
    return {"finding": f, "check_id": key[0], "component": key[1], "status": f["status"],
            "cause": f.get("cause") or "", "change": change(f["status"], was, compared),
            "before": was, "growth": growth(f.get("values") or {})}


def _notable(row: Mapping[str, Any]) -> bool:
    return (row["status"] != "ok" or bool(row["growth"])
            or row["change"] in ("resolved", "better", "judged_again"))


def _part(name: str, checks: tuple[str, ...], rows: list[dict[str, Any]],
          host: Mapping[str, Any], rank: dict[str, int]) -> dict[str, Any]:
    entry: dict[str, Any] = {"part": name, "checks": list(checks), "state": "reported",
                             "rows": [], "quiet": 0, "worst": None, "missing": []}
    if not rows:
        coverage = next((c for c in host.get("coverage") or [] if c.get("area") == AREA),
                        None)
        missing = [m for m in (coverage or {}).get("missing") or []
                   if m.get("check_id") in checks]
        if host.get("status") != "inspected":
            entry["state"] = "host_not_inspected"
        elif missing and all(m.get("state") == "not_applicable" for m in missing):
            entry["state"] = "not_applicable"
        elif missing:
            entry["state"] = "not_evaluated"
            entry["missing"] = _missing(missing, rank)
        else:
            entry["state"] = "no_result"
        return entry
    rows.sort(key=lambda r: (rank.get(r["check_id"], len(rank)), r["check_id"],
                             ORDER[r["status"]], r["component"].casefold(), r["component"],
                             str(r["finding"].get("summary") or "")))
    entry["worst"] = worst(r["status"] for r in rows)
    if name in ALL_ROWS:
        entry["rows"] = rows
    else:
        entry["rows"] = [r for r in rows if _notable(r)]
        entry["quiet"] = len(rows) - len(entry["rows"])
    return entry


def platforms() -> tuple[str, ...]:
    """The network devices' platforms: the catalogue's ``network`` area's, else the
    contract's four."""
    entry = catalogue.AREAS.get(AREA)
    return tuple(getattr(entry, "platforms", None) or PLATFORMS)


def _is_network(host: Mapping[str, Any]) -> bool:
    """A network device: its platform is one of the area's, or it has a finding or coverage
    row of a check the catalogue declares in the area, or a configuration archive record (a
    ``network.*`` finding of a check the catalogue does not know, on a server, is not one)."""
    if str(host.get("platform") or "") in platforms() or host.get("config"):
        return True
    known = {c.id for c in catalogue.area_checks(AREA)} if AREA in catalogue.AREAS else set()
    return any(f["check_id"] in known for f in host.get("findings") or []) or any(
        m.get("check_id") in known for c in host.get("coverage") or []
        if c.get("area") == AREA for m in c.get("missing") or [])


def network_view(hosts: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One entry per network device, sorted by name:

    ``host`` / ``status`` / ``message`` / ``platform``  the device's name, state, message and
                 platform
    ``identity`` {vendor, model, serial, software, version, image} (:func:`identity`)
    ``shown``    {model, serial, software}: the device's, else the inventory's (a device not
                 reached this time still shows its register's model)
    ``previous`` {run_id, inspected_at} of the inspection compared with, or None
    ``collected`` whether any network finding was stored for the device
    ``worst``    the worst status of its network findings (None without any)
    ``parts``    per part of :data:`PARTS` (and ``other`` when a finding belongs to none):
                 ``part``, ``state`` (``reported``; ``host_not_inspected``;
                 ``not_applicable``; ``not_evaluated`` with ``missing`` [{state, cause,
                 checks}]; ``no_result``), ``worst``, ``rows`` (catalogue order: ``check_id``,
                 ``component``, ``status``, ``cause``, ``finding``, ``change``, ``before``,
                 ``growth``; the parts not in :data:`ALL_ROWS` keep only the rows not OK,
                 grown or better than last time) and ``quiet`` (the rows left out: OK and
                 unchanged)
    ``grown``    the interfaces whose error counters grew: [{component, growth, status}]
    ``gone``     previous network findings with no counterpart now: [{check_id, component,
                 before}]
    ``config``   the configuration archive's record (:func:`_config`) and ``saved``: the
                 ``network.config_saved`` status (None when not judged)
    ``changes``  {new, worse, better, resolved, now_unknown, gone, grown}: how many
    """
    rank = _check_rank()
    out = []
    for host in hosts:
        if not _is_network(host):
            continue
        mine = [f for f in host.get("findings") or [] if _area(f["check_id"]) == AREA]
        previous, before = _previous(host)
        compared = previous is not None and any(_area(c) == AREA for c, _comp in before)
        rows = [_row(f, before, compared) for f in mine if f["check_id"] != SOFTWARE]
        by_part: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            by_part.setdefault(_part_of(r["check_id"]), []).append(r)
        parts = [_part(name, checks, by_part.get(name, []), host, rank)
                 for name, checks in PARTS]
        if by_part.get("other"):
            others = tuple(sorted({r["check_id"] for r in by_part["other"]}))
            parts.append(_part("other", others, by_part["other"], host, rank))
        seen = {(r["check_id"], r["component"]) for r in rows} | {
            (str(f["check_id"]), str(f.get("component") or "")) for f in mine}
        gone = [{"check_id": c, "component": comp, "before": status}
                for (c, comp), status in sorted(before.items())
                if compared and _area(c) == AREA and (c, comp) not in seen]
        grown = sorted(({"component": r["component"], "growth": r["growth"],
                         "status": r["status"], "check_id": r["check_id"]}
                        for r in rows if r["growth"]),
                       key=lambda g: (g["component"].casefold(), g["component"],
                                      rank.get(g["check_id"], len(rank)), g["check_id"]))
        changes = {k: sum(1 for r in rows if r["change"] == k)
                   for k in ("new", "worse", "better", "resolved", "now_unknown")}
        changes["gone"] = len(gone)
        changes["grown"] = len(grown)
        saved = [r["status"] for r in rows if r["check_id"] == "network.config_saved"]
        config = _config(host)
        config["saved"] = worst(saved) if saved else None
        ident = identity(mine)
        asset = host.get("asset") or {}
        shown = {"model": ident["model"] or _text(asset.get("model")),
                 "serial": ident["serial"] or _text(asset.get("serial")),
                 "software": ident["software"] or _text(asset.get("os"))}
        out.append({"host": str(host["name"]), "status": host["status"],
                    "message": host.get("message") or "",
                    "platform": str(host.get("platform") or ""),
                    "identity": ident, "shown": shown, "previous": previous,
                    "collected": bool(mine),
                    "worst": worst(f["status"] for f in mine) if mine else None,
                    "parts": parts, "grown": grown, "gone": gone, "config": config,
                    "changes": changes})
    out.sort(key=lambda e: e["host"])
    return out
