"""The environment area's parser fixtures: which parser reads each folder and the compact
form a case's ``expected`` is written in (shared by the parser tests and the fixture tool)."""

from __future__ import annotations

from pathlib import Path

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection.parsers import ipmi_environment as ipmi  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import redfish_environment as rf  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"

PARSERS = {
    "ipmi/ipmitool_sdr_elist": ipmi.parse_sdr,
    "ipmi/ipmitool_sdr_elist_full": ipmi.parse_sdr,
    "ipmi/ipmitool_sdr_list": ipmi.parse_sdr,
    "ipmi/ipmitool_sdr_list_full": ipmi.parse_sdr,
    "ipmi/ipmitool_sensor": ipmi.parse_sensor,
    "ipmi/ipmitool_sensor_list": ipmi.parse_sensor,
    "ipmi/ipmi_sensors": ipmi.parse_ipmi_sensors,
    "ipmi/ipmitool_sel_elist": ipmi.parse_sel_elist,
    "ipmi/ipmitool_sel_list": ipmi.parse_sel_elist,
    "ipmi/ipmi_sel_v": ipmi.parse_ipmi_sel,
    "ipmi/ipmitool_sel_info": ipmi.parse_sel_info,
    "ipmi/ipmitool_chassis_status": ipmi.parse_chassis_status,
    "ipmi/ipmitool_mc_info": ipmi.parse_mc_info,
    "ipmi/ipmitool_fru_print": ipmi.parse_fru,
    "redfish/GET_redfish_v1_Chassis_id_Thermal": rf.parse_thermal,
    "redfish/GET_redfish_v1_Chassis_id_Power": rf.parse_power,
    "redfish/GET_redfish_v1_Chassis_id": rf.parse_chassis,
    "redfish/GET_redfish_v1_Systems_id": rf.parse_system,
    "redfish/GET_redfish_v1_Systems_id_LogServices_id_Entries": rf.parse_log_entries,
    "redfish/GET_redfish_v1_Managers_id_LogServices_id_Entries": rf.parse_log_entries,
    "redfish/GET_redfish_v1_UpdateService_FirmwareInventory": rf.parse_firmware_inventory,
    "redfish/GET_redfish_v1_Managers_id": rf.parse_manager,
}


def compact(result):
    """Sensors as ``name | kind | state``, log entries as ``id | class | severity |
    direction``, anything else as it is."""
    if isinstance(result, list) and result and "kind" in result[0]:
        return [f"{s['name']} | {s['kind']} | {s['state']}" for s in result]
    if isinstance(result, dict) and "entries" in result and isinstance(result["entries"], list):
        return dict({k: v for k, v in result.items() if k != "entries"},
                    entries=[f"{e['id']} | {e['class']} | {e['severity']} | {e['direction']}"
                             for e in result["entries"]])
    return result


def body(raw: Path) -> str:
    return raw.read_text(encoding="utf-8").partition("\n")[2]
