"""A Redfish mockup tree of our own for ``sushy-static`` (DMTF mockup format: one
``index.json`` per resource, the folder tree mirroring ``/redfish/v1``): one rack server with
its Chassis, Thermal, Power, System, Manager, the SEL as a LogService with entries, and a
firmware inventory.

Made from the generator verified in ../shared/notes/bmc-emulators.md (section sushy-static),
changed so that the server starts healthy and each fault is switched on by name; the tests
rewrite the tree between inspections (sushy-static reads the file again on every GET).

    python tests/bmc/redfish_mockup.py DIR [fault ...]   # writes DIR/index.json ...

Faults: ``fan`` (FAN2 900 RPM, below its lower critical 1200), ``psu`` (PSU2 failed, AC input
lost: no line input voltage), ``temperature`` (CPU2 95 C, over its upper critical 90).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

R = "/redfish/v1"
S, C, M = f"{R}/Systems/1", f"{R}/Chassis/1", f"{R}/Managers/1"
U = f"{R}/UpdateService"
OK = {"State": "Enabled", "Health": "OK"}
CRITICAL = {"State": "Enabled", "Health": "Critical"}
FAULTS = ("fan", "psu", "temperature")

# (id, severity, sensor type, message, created, message id)
BASE_EVENTS = [
    ("1", "OK", "Power Supply", "PSU1 presence detected", "2026-11-01T08:00:00Z",
     "IPMI.1.0.PowerSupplyPresence"),
]
FAULT_EVENTS = {
    "fan": ("Critical", "Fan", "FAN2 lower critical going low: 900 RPM < 1200 RPM",
            "IPMI.1.0.FanLowerCritical"),
    "psu": ("Critical", "Power Supply", "PSU2 power supply AC lost",
            "IPMI.1.0.PowerSupplyACLost"),
    "temperature": ("Critical", "Temperature", "CPU2 Temp upper critical going high: 95 > 90",
                    "IPMI.1.0.TemperatureUpperCritical"),
}


def _put(root: Path, uri: str, body: dict) -> None:
    body.setdefault("@odata.id", uri)
    folder = root / uri[len(R):].lstrip("/")
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "index.json.tmp"
    tmp.write_text(json.dumps(body, indent=1), encoding="utf-8")
    tmp.replace(folder / "index.json")  # a GET never sees half a file


def _collection(root: Path, uri: str, kind: str, members: list[str]) -> None:
    _put(root, uri, {"@odata.type": f"#{kind}Collection.{kind}Collection",
                     "Name": f"{kind} Collection", "Members@odata.count": len(members),
                     "Members": [{"@odata.id": m} for m in members]})


def events_for(faults: set[str], extra: list[tuple] = ()) -> list[tuple]:
    """The SEL: the base entry, one entry per fault, then ``extra`` (severity, type, message,
    created, message id)."""
    events = list(BASE_EVENTS)
    stamp = "2026-11-20T10:%02d:00Z"
    for index, name in enumerate(f for f in FAULTS if f in faults):
        sev, kind, text, mid = FAULT_EVENTS[name]
        events.append((str(len(events) + 1), sev, kind, text, stamp % index, mid))
    for sev, kind, text, created, mid in extra:
        events.append((str(len(events) + 1), sev, kind, text, created, mid))
    return events


def write_mockup(root: str | Path, faults: set[str] | tuple = (), events: list[tuple] | None
                 = None) -> Path:
    """Write (or rewrite) the tree under ``root``. ``events``: the SEL entries as
    (id, severity, sensor type, message, created, message id); default from ``faults``;
    ``[]`` is a cleared SEL."""
    root = Path(root)
    faults = set(faults)
    unknown = faults - set(FAULTS)
    if unknown:
        raise ValueError(f"unknown faults {sorted(unknown)}; known: {FAULTS}")
    events = events_for(faults) if events is None else events
    health = "Critical" if faults else "OK"
    _put(root, R, {"@odata.type": "#ServiceRoot.v1_5_0.ServiceRoot", "Id": "RootService",
                   "Name": "Root Service", "RedfishVersion": "1.6.0",
                   "Systems": {"@odata.id": f"{R}/Systems"},
                   "Chassis": {"@odata.id": f"{R}/Chassis"},
                   "Managers": {"@odata.id": f"{R}/Managers"},
                   "UpdateService": {"@odata.id": U}})
    _collection(root, f"{R}/Systems", "ComputerSystem", [S])
    _put(root, S, {"@odata.type": "#ComputerSystem.v1_13_0.ComputerSystem", "Id": "1",
                   "Name": "srv-redfish", "Manufacturer": "Example", "Model": "X1",
                   "SerialNumber": "SN0001", "PowerState": "On", "BiosVersion": "2.3.1",
                   "Status": {"State": "Enabled", "Health": health, "HealthRollup": health},
                   "ProcessorSummary": {"Count": 2, "Status": OK},
                   "MemorySummary": {"TotalSystemMemoryGiB": 256, "Status": OK},
                   "LogServices": {"@odata.id": f"{S}/LogServices"}})
    _collection(root, f"{S}/LogServices", "LogService", [f"{S}/LogServices/SEL"])
    _put(root, f"{S}/LogServices/SEL", {
        "@odata.type": "#LogService.v1_1_0.LogService", "Id": "SEL", "Name": "System Event Log",
        "LogEntryType": "SEL", "MaxNumberOfRecords": 1000, "OverWritePolicy": "WrapsWhenFull",
        "Entries": {"@odata.id": f"{S}/LogServices/SEL/Entries"}})
    entries_dir = root / "Systems" / "1" / "LogServices" / "SEL" / "Entries"
    if entries_dir.exists():
        for child in entries_dir.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
    entries = []
    for ident, sev, kind, text, created, mid in events:
        entry = {"@odata.id": f"{S}/LogServices/SEL/Entries/{ident}",
                 "@odata.type": "#LogEntry.v1_4_0.LogEntry", "Id": ident,
                 "Name": f"SEL entry {ident}", "EntryType": "SEL", "Severity": sev,
                 "SensorType": kind, "Message": text, "MessageId": mid, "Created": created}
        _put(root, entry["@odata.id"], dict(entry))
        entries.append(entry)
    _put(root, f"{S}/LogServices/SEL/Entries", {
        "@odata.type": "#LogEntryCollection.LogEntryCollection", "Name": "SEL Entries",
        "Members@odata.count": len(entries), "Members": entries})
    _collection(root, f"{R}/Chassis", "Chassis", [C])
    _put(root, C, {"@odata.type": "#Chassis.v1_10_0.Chassis", "Id": "1", "Name": "Chassis",
                   "ChassisType": "RackMount", "PowerState": "On", "IntrusionSensor": "Normal",
                   "PhysicalSecurity": {"IntrusionSensor": "Normal"},
                   "Status": {"State": "Enabled", "Health": health},
                   "Power": {"@odata.id": f"{C}/Power"},
                   "Thermal": {"@odata.id": f"{C}/Thermal"}})
    psu2 = {"@odata.id": f"{C}/Power#/PowerSupplies/1", "MemberId": "1", "Name": "PSU2",
            "PowerCapacityWatts": 800, "LineInputVoltage": 230, "Status": dict(OK)}
    if "psu" in faults:
        psu2.update(LineInputVoltage=0, Status=dict(CRITICAL))
    _put(root, f"{C}/Power", {
        "@odata.type": "#Power.v1_5_0.Power", "Id": "Power", "Name": "Power",
        "PowerSupplies": [
            {"@odata.id": f"{C}/Power#/PowerSupplies/0", "MemberId": "0", "Name": "PSU1",
             "PowerCapacityWatts": 800, "LineInputVoltage": 230, "Status": dict(OK)},
            psu2],
        "Redundancy": [{"@odata.id": f"{C}/Power#/Redundancy/0", "MemberId": "0",
                        "Name": "PSU Redundancy", "Mode": "N+m", "MinNumNeeded": 1,
                        "Status": {"State": "Enabled",
                                   "Health": "Critical" if "psu" in faults else "OK"}}],
        "Voltages": [{"@odata.id": f"{C}/Power#/Voltages/0", "MemberId": "0", "Name": "12V",
                      "ReadingVolts": 12.0, "LowerThresholdCritical": 10.8,
                      "UpperThresholdCritical": 13.2, "Status": dict(OK)}]})
    cpu2 = 95 if "temperature" in faults else 46
    fan2 = 900 if "fan" in faults else 5400
    _put(root, f"{C}/Thermal", {
        "@odata.type": "#Thermal.v1_4_0.Thermal", "Id": "Thermal", "Name": "Thermal",
        "Temperatures": [
            {"@odata.id": f"{C}/Thermal#/Temperatures/0", "MemberId": "0", "Name": "CPU1 Temp",
             "ReadingCelsius": 45, "UpperThresholdNonCritical": 80,
             "UpperThresholdCritical": 90, "UpperThresholdFatal": 100, "Status": dict(OK)},
            {"@odata.id": f"{C}/Thermal#/Temperatures/1", "MemberId": "1", "Name": "CPU2 Temp",
             "ReadingCelsius": cpu2, "UpperThresholdNonCritical": 80,
             "UpperThresholdCritical": 90, "UpperThresholdFatal": 100,
             "Status": dict(CRITICAL if "temperature" in faults else OK)}],
        "Fans": [
            {"@odata.id": f"{C}/Thermal#/Fans/0", "MemberId": "0", "Name": "FAN1",
             "Reading": 5400, "ReadingUnits": "RPM", "LowerThresholdNonCritical": 1800,
             "LowerThresholdCritical": 1200, "LowerThresholdFatal": 600, "Status": dict(OK)},
            {"@odata.id": f"{C}/Thermal#/Fans/1", "MemberId": "1", "Name": "FAN2",
             "Reading": fan2, "ReadingUnits": "RPM", "LowerThresholdNonCritical": 1800,
             "LowerThresholdCritical": 1200, "LowerThresholdFatal": 600,
             "Status": dict(CRITICAL if "fan" in faults else OK)}]})
    _collection(root, f"{R}/Managers", "Manager", [M])
    _put(root, M, {"@odata.type": "#Manager.v1_5_0.Manager", "Id": "1", "Name": "BMC",
                   "ManagerType": "BMC", "FirmwareVersion": "5.10", "Status": dict(OK)})
    _put(root, U, {"@odata.type": "#UpdateService.v1_8_0.UpdateService", "Id": "UpdateService",
                   "Name": "Update Service", "ServiceEnabled": True,
                   "FirmwareInventory": {"@odata.id": f"{U}/FirmwareInventory"}})
    firmware = [("BIOS", "System BIOS", "2.3.1"), ("BMC", "BMC Firmware", "5.10"),
                ("PSU1", "PSU1 Firmware", "1.02")]
    _collection(root, f"{U}/FirmwareInventory", "SoftwareInventory",
                [f"{U}/FirmwareInventory/{i}" for i, _, _ in firmware])
    for ident, name, version in firmware:
        _put(root, f"{U}/FirmwareInventory/{ident}", {
            "@odata.type": "#SoftwareInventory.v1_2_0.SoftwareInventory", "Id": ident,
            "Name": name, "Version": version, "Updateable": True, "Status": dict(OK)})
    return root


if __name__ == "__main__":
    write_mockup(sys.argv[1], set(sys.argv[2:]))
