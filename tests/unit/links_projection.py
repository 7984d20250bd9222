"""What the links parser tests compare with a fixture's .yml (shared by the fixture writer
and tests/unit/test_links_parsers.py): the parsed section, ethtool's full statistics left
out (the canonical counters and the driver names behind them are kept)."""

from __future__ import annotations

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection.messages import render  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import linux_links as p  # noqa: E402

KEYS = {"ethtool_S_id": "ethtool", "ras_mc_ctl_summary": "rasmc_summary",
        "ras_mc_ctl_errors": "rasmc_errors", "grep_H_sys_class_sas_phy": "sas_phy"}


def key_of(folder: str) -> str:
    return KEYS.get(folder, "fc_host")


def projection(folder: str, body: str) -> dict:
    key = key_of(folder)
    data = p.parse_sources({key: body}, {"command": "ethtool -S eth0"})
    section = data[key]
    if key == "ethtool":
        section = section["interfaces"]["eth0"]
    if "error" in section:
        return {"error": render(section["error"], "en"), "cause": section["cause"]}
    if key == "ethtool" and "statistics" in section:
        section = {"counters": section["counters"], "names": section["names"],
                   "statistics": len(section["statistics"])}
    if key == "rasmc_errors":
        section = {"counts": section["counts"],
                   "events": [(e["class"], e["time"]) for e in section["events"]]}
    return {"expected": section}
