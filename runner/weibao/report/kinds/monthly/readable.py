"""What makes the monthly report readable by the client's IT manager: the measured value of a
finding in words (:func:`measured`, a formatter per check family), the health score and its
deductions (:func:`health_score`, documented in docs/findings.md "Health score") and the
overall conclusion (:func:`conclusion`). Every text is given in both languages
({"en": ..., "zh-CN": ...}, side by side like the check catalogue's messages): the view does
not know the report's language. Pure functions of the context: deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from weibao.statuses import ORDER
from weibao.texts import area_title, check_name

LANGS = ("en", "zh-CN")

# ----------------------------------------------------------------------------- health score

# Points deducted per finding of each status, per device not inspected, and at most per
# device (docs/findings.md "Health score"; the report prints this table).
DEDUCTIONS = {"critical": 10, "warning": 4, "unknown": 2}
NOT_INSPECTED = 15
CAP_PER_DEVICE = 25
ONSITE = "(on-site)"  # the manual on-site items' pseudo device


def _num(value: float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return f"{int(value)}"


def health_score(hosts: list[Mapping[str, Any]],
                 manual: list[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """{score, deducted, rules, devices: [{host, points, capped, items: [{reason, status,
    check_id, component, points}]}]}: 100 minus every device's deductions (each finding
    critical 10, warning 4, unknown 2; a device not inspected 15; at most 25 per device),
    never below 0. A waived finding is still deducted (an accepted risk is not ok). Manual
    on-site items that are not ok count under the pseudo device ``(on-site)``."""
    devices = []
    for host in sorted(hosts, key=lambda h: str(h["name"])):
        items = []
        if host["status"] != "inspected":
            items.append({"reason": "not_inspected", "status": host["status"], "check_id": "",
                          "component": "", "points": NOT_INSPECTED})
        for f in sorted(host.get("findings") or [], key=lambda f: (
                ORDER.get(f["status"], 9), f["check_id"], f.get("component") or "")):
            if f["status"] in DEDUCTIONS:
                items.append({"reason": "finding", "status": f["status"],
                              "check_id": f["check_id"], "component": f.get("component") or "",
                              "points": DEDUCTIONS[f["status"]]})
        if items:
            devices.append(_device(str(host["name"]), items))
    onsite = [{"reason": "manual", "status": m["status"], "check_id": m.get("key", ""),
               "component": "", "points": DEDUCTIONS[m["status"]], "name": m.get("name")}
              for m in manual if m.get("status") in DEDUCTIONS]
    if onsite:
        devices.append(_device(ONSITE, onsite))
    deducted = sum(d["points"] for d in devices)
    return {"score": max(0, 100 - deducted), "deducted": deducted, "devices": devices,
            "rules": {**DEDUCTIONS, "not_inspected": NOT_INSPECTED, "cap": CAP_PER_DEVICE}}


def _device(name: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    raw = sum(i["points"] for i in items)
    return {"host": name, "raw": raw, "points": min(raw, CAP_PER_DEVICE),
            "capped": raw > CAP_PER_DEVICE, "items": items}


# ----------------------------------------------------------------------------- conclusion

_STATUS = {"critical": {"en": "critical", "zh-CN": "严重"},
           "warning": {"en": "warning", "zh-CN": "警告"},
           "unknown": {"en": "unknown", "zh-CN": "未知"}}
_STATE = {"unreachable": {"en": "unreachable", "zh-CN": "不可达"},
          "failed": {"en": "inspection failed", "zh-CN": "巡检失败"},
          "interrupted": {"en": "inspection interrupted", "zh-CN": "巡检中断"},
          "pending": {"en": "not inspected", "zh-CN": "未巡检"}}
_MAX_NAMED = 5


def conclusion(hosts: list[Mapping[str, Any]], score: Mapping[str, Any]) -> dict[str, str]:
    """The overall conclusion (总体结论) in one or two sentences per language: how many
    devices were inspected, which need attention and why (their worst finding), which could
    not be inspected, and the health score."""
    hosts = sorted(hosts, key=lambda h: str(h["name"]))
    inspected = [h for h in hosts if h["status"] == "inspected"]
    missing = [h for h in hosts if h["status"] != "inspected"]
    attention = []
    for h in hosts:
        bad = sorted((f for f in h.get("findings") or [] if f["status"] in ("critical",
                                                                             "warning")),
                     key=lambda f: (ORDER.get(f["status"], 9), f["check_id"],
                                    f.get("component") or ""))
        if bad:
            attention.append((h, bad))
    out = {}
    for lang in LANGS:
        zh = lang == "zh-CN"
        sep = "，" if zh else ", "
        named = []
        for h, bad in attention[:_MAX_NAMED]:
            worst = bad[0]
            what = check_name(worst["check_id"], lang)
            more = len(bad) - 1
            extra = (f"，另 {more} 项" if zh else f"; {more} more") if more else ""
            named.append(f"{h['name']}（{what}，{_STATUS[worst['status']][lang]}{extra}）" if zh
                         else f"{h['name']} ({what}, {_STATUS[worst['status']][lang]}{extra})")
        if len(attention) > _MAX_NAMED:
            rest = len(attention) - _MAX_NAMED
            named.append(f"另 {rest} 台" if zh else f"{rest} more")
        if zh:
            text = f"本期巡检 {len(inspected)} 台设备"
            text += (f"，{len(attention)} 台需关注：{sep.join(named)}" if attention
                     else "，未发现需处理的问题")
            if missing:
                who = sep.join(f"{h['name']}（{_STATE.get(h['status'], _STATE['pending'])[lang]}）"
                               for h in missing)
                text += f"；{len(missing)} 台设备未能巡检：{who}"
            text += f"。健康评分 {score['score']} 分（满分 100）。"
        else:
            noun = "device" if len(inspected) == 1 else "devices"
            text = f"{len(inspected)} {noun} inspected"
            if attention:
                verb = "needs" if len(attention) == 1 else "need"
                text += f", {len(attention)} {verb} attention: {sep.join(named)}"
            else:
                text += ", nothing needs attention"
            if missing:
                who = sep.join(f"{h['name']} ({_STATE.get(h['status'], _STATE['pending'])[lang]})"
                               for h in missing)
                noun = "device" if len(missing) == 1 else "devices"
                text += f"; {len(missing)} {noun} could not be inspected: {who}"
            text += f". Health score {score['score']} out of 100."
        out[lang] = text
    return out


# ----------------------------------------------------------------------------- values in words

GIB = 1024 ** 3


def _gib(nbytes: float) -> str:
    return f"{nbytes / GIB:.1f} GiB" if nbytes < 100 * GIB else f"{nbytes / GIB:.0f} GiB"


def _pct(value: Any) -> str:
    return f"{_num(float(value))}%"


def _both(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh-CN": zh}


def _filesystem(v: Mapping[str, Any], component: str) -> dict[str, str] | None:
    if v.get("used_pct") is None:
        return None
    en, zh = f"{component} {_pct(v['used_pct'])} used", f"{component} 已用 {_pct(v['used_pct'])}"
    free = v.get("avail_bytes")
    if free is None and v.get("size_gb") is not None:
        free = float(v["size_gb"]) * GIB * (100 - float(v["used_pct"])) / 100
    if free is not None:
        en += f", {_gib(float(free))} free"
        zh += f"，剩余 {_gib(float(free))}"
    return _both(en, zh)


def _inodes(v: Mapping[str, Any], component: str) -> dict[str, str] | None:
    pct = v.get("used_pct", v.get("inode_used_pct"))
    if pct is None:
        return None
    return _both(f"{component} inodes {_pct(pct)} used", f"{component} inode 已用 {_pct(pct)}")


def _memory(v: Mapping[str, Any], component: str) -> dict[str, str] | None:
    if v.get("used_pct") is None:
        return None
    total = (float(v["total_kb"]) * 1024 if v.get("total_kb") is not None
             else float(v["total_mb"]) * 1024 ** 2 if v.get("total_mb") is not None else None)
    if total is None:
        return _both(f"{_pct(v['used_pct'])} used", f"已用 {_pct(v['used_pct'])}")
    return _both(f"{_pct(v['used_pct'])} used of {_gib(total)}",
                 f"已用 {_pct(v['used_pct'])}，共 {_gib(total)}")


def _swap(v: Mapping[str, Any], component: str) -> dict[str, str] | None:
    if v.get("used_pct") is None:
        return _both("no swap", "未配置交换空间") if v.get("swap_total_kb") == 0 else None
    return _both(f"swap {_pct(v['used_pct'])} used", f"交换空间已用 {_pct(v['used_pct'])}")


def _load(v: Mapping[str, Any], component: str) -> dict[str, str] | None:
    cpus = v.get("cpu_count", v.get("cpus"))
    load = v.get("load15")
    if load is None and v.get("load15_per_cpu") is not None and cpus:
        load = float(v["load15_per_cpu"]) * int(cpus)
    if load is None or not cpus:
        return None
    return _both(f"load {_num(round(float(load), 1))} on {cpus} CPUs",
                 f"负载 {_num(round(float(load), 1))}（{cpus} 个 CPU）")


def _cpu(v: Mapping[str, Any], component: str) -> dict[str, str] | None:
    if v.get("busy_pct") is None:
        return None
    return _both(f"CPU {_pct(v['busy_pct'])} busy", f"CPU 繁忙 {_pct(v['busy_pct'])}")


def _iowait(v: Mapping[str, Any], component: str) -> dict[str, str] | None:
    if v.get("iowait_pct") is None:
        return None
    return _both(f"I/O wait {_pct(v['iowait_pct'])}", f"I/O 等待 {_pct(v['iowait_pct'])}")


def _top(v: Mapping[str, Any], component: str) -> dict[str, str] | None:
    en, zh = [], []
    for rank in range(1, 4):
        name, pid, pct = (v.get(f"cpu_{rank}_{k}") for k in ("name", "pid", "pct"))
        if name is None:
            break
        en.append(f"{name} (pid {pid}) {_pct(pct or 0)} CPU")
        zh.append(f"{name}（pid {pid}）CPU {_pct(pct or 0)}")
    if not en:
        return None
    return _both("; ".join(en), "；".join(zh))


def _uptime(v: Mapping[str, Any], component: str) -> dict[str, str] | None:
    days = v.get("uptime_days")
    if days is None:
        return None
    text = _both(f"up {_num(float(days))} days", f"已运行 {_num(float(days))} 天")
    if v.get("reboots_since"):
        text = _both(text["en"] + f", {v['reboots_since']} reboots since the last inspection",
                     text["zh-CN"] + f"，自上次巡检以来重启 {v['reboots_since']} 次")
    return text


def _zombies(v: Mapping[str, Any], component: str) -> dict[str, str] | None:
    count = v.get("zombie_count", v.get("zombies"))
    if count is None:
        return None
    return _both(f"{count} zombie processes", f"僵尸进程 {count} 个")


def _failed_units(v: Mapping[str, Any], component: str) -> dict[str, str] | None:
    if v.get("failed_units") is None:
        return None
    return _both(f"{v['failed_units']} failed services", f"失败的服务 {v['failed_units']} 个")


# check id -> formatter(values, component) -> {en, zh-CN} or None (then the generic pairs)
FORMATTERS: dict[str, Callable[[Mapping[str, Any], str], dict[str, str] | None]] = {
    "system.filesystem_usage": _filesystem,
    "system.filesystem_inodes": _inodes,
    "system.inode_usage": _inodes,
    "system.memory": _memory,
    "system.swap": _swap,
    "system.load": _load,
    "system.cpu_load": _load,
    "system.cpu_utilisation": _cpu,
    "system.io_wait": _iowait,
    "system.top_processes": _top,
    "system.uptime": _uptime,
    "system.zombie_processes": _zombies,
    "system.failed_units": _failed_units,
}

# the names of value keys the generic pairs show (an unnamed key shows as itself)
KEY_NAMES = {
    "used_pct": ("used %", "已用 %"), "error_lines": ("error lines", "错误行数"),
    "smart_passed": ("SMART passed", "SMART 通过"), "speed_mbps": ("speed Mb/s", "速率 Mb/s"),
    "duplex": ("duplex", "双工"), "empty_password_accounts": ("accounts without password",
                                                            "空密码账户"),
    "kernel": ("kernel", "内核"), "temperature_c": ("temperature °C", "温度 °C"),
    "reading": ("reading", "读数"), "count": ("count", "数量"), "state": ("state", "状态"),
    "status": ("status", "状态"), "age_days": ("age in days", "天数"),
    "warning": ("warning", "警告"), "critical": ("critical", "严重"),
}
_MAX_PAIRS = 3


def _value_text(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh-CN" else ("yes" if value else "no")
    if isinstance(value, float):
        return _num(round(value, 1))
    return str(value)


def _pairs(values: Mapping[str, Any]) -> dict[str, str] | None:
    # the keys with names first (fewer raw keys in the Chinese report), then by name
    shown = [(k, v) for k, v in sorted(values.items(), key=lambda kv: (kv[0] not in KEY_NAMES,
                                                                         kv[0]))
             if v is not None and not isinstance(v, (dict, list))][:_MAX_PAIRS]
    if not shown:
        return None
    out = {}
    for i, lang in enumerate(LANGS):
        out[lang] = ("；" if lang == "zh-CN" else "; ").join(
            f"{KEY_NAMES.get(k, (k, k))[i]} {_value_text(v, lang)}" for k, v in shown)
    return out


def measured(finding: Mapping[str, Any]) -> dict[str, str]:
    """The measured value of ``finding`` in words, both languages ("/ 22% used, 79 GiB free"
    / "/ 已用 22%，剩余 79 GiB"); without a formatter at most three value pairs, their keys
    named where :data:`KEY_NAMES` knows them; "" when there is nothing to show."""
    values = finding.get("values") or {}
    formatter = FORMATTERS.get(finding["check_id"])
    text = formatter(values, str(finding.get("component") or "")) if formatter else None
    if text is None and values:
        text = _pairs(values)
    return text or _both("", "")


def thresholds_text(thresholds: Mapping[str, Any]) -> dict[str, str]:
    """The thresholds a finding was judged against ("warning 85, critical 95" /
    "警告 85，严重 95")."""
    if not thresholds:
        return _both("", "")
    items = sorted(thresholds.items(), key=lambda kv: (
        0 if "warn" in kv[0] else 1 if "crit" in kv[0] else 2, kv[0]))
    return {lang: ("，" if lang == "zh-CN" else ", ").join(
        f"{KEY_NAMES.get(k, (k, k))[i]} {_value_text(v, lang)}" for k, v in items
        if not isinstance(v, (dict, list)))
        for i, lang in enumerate(LANGS)}


def key_figures(findings: list[Mapping[str, Any]]) -> dict[str, str]:
    """A healthy host's figures in one line: its file systems, memory and load in words."""
    picked = [f for f in findings if f["check_id"] in (
        "system.filesystem_usage", "system.memory", "system.load", "system.cpu_load")]
    texts = []
    for f in picked:
        text = measured(f)
        if f["check_id"] == "system.memory" and text["en"]:
            text = _both(f"memory {text['en']}", f"内存{text['zh-CN']}")
        texts.append(text)
    return {lang: ("；" if lang == "zh-CN" else "; ").join(t[lang] for t in texts if t[lang])
            for lang in LANGS}


def areas_checked(findings: list[Mapping[str, Any]],
                  coverage: list[Mapping[str, Any]]) -> dict[str, str]:
    """The areas checked on a host, in one line per language."""
    areas = sorted({c["area"] for c in coverage if c.get("evaluated") or c.get("partial")}
                   | {f["check_id"].split(".", 1)[0] for f in findings})
    return {lang: ("、" if lang == "zh-CN" else ", ").join(area_title(a, lang) for a in areas)
            for lang in LANGS}
